//! The duty roster as a page (`/roster`): a week of half-days with who holds the desk
//! and the duty post, printable for the joint office's wall; the supervisor arranges and
//! approves swaps from it, whoever holds a shift asks to hand it over.

pub mod charter;

use crate::error::ApiError;
use crate::locale::text;
use crate::pages::context::{FormErrors, PageContext, PageResult, Viewer, render, see_other};
use crate::pages::meetings::{Fields, caller_of, get};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum_extra::extract::Form;
use chrono::{Datelike, NaiveDate};
use linli_app::roster::{self as use_cases, ShiftRequest};
use linli_domain::ValidationError;
use linli_domain::ids::CommunityId;
use linli_domain::roster::{Half, Post, SwapStatus};
use serde::Deserialize;

pub struct Holder {
    pub shift_id: i64,
    pub name: String,
    pub represents: String,
    /// The viewer holds it (and may ask for a swap).
    pub mine: bool,
}

pub struct DayRow {
    pub day: String,
    pub label: String,
    pub today: bool,
    /// Morning desk, morning duty, afternoon desk, afternoon duty.
    pub cells: [Vec<Holder>; 4],
}

pub struct SwapLine {
    pub id: i64,
    pub text: String,
    pub status_label: String,
    pub waiting: bool,
    pub mine: bool,
}

#[derive(Template)]
#[template(path = "roster.html")]
struct RosterPage {
    page: PageContext,
    week_of: String,
    previous: String,
    next: String,
    days: Vec<DayRow>,
    swaps: Vec<SwapLine>,
    arranges: bool,
    staff: Vec<(i64, String)>,
    notice: String,
    errors: FormErrors,
    refused: String,
    kept: Fields,
}

impl RosterPage {
    fn kept(&self, form: &str, field: &str) -> String {
        if self.refused == form {
            get(&self.kept, field).to_owned()
        } else {
            String::new()
        }
    }

    fn error(&self, form: &str, field: &str) -> String {
        if self.refused == form {
            self.errors.of(field)
        } else {
            String::new()
        }
    }

    fn general(&self, form: &str) -> String {
        if self.refused != form {
            return String::new();
        }
        match &self.errors.general {
            Some(general) => general.clone(),
            None if self.errors.by_field.is_empty() => String::new(),
            None => text("page.form.refused", &[]),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct RosterQuery {
    week: Option<String>,
    done: Option<String>,
}

/// The fields of the roster's forms as the use cases name them.
const LABELS: &[(&str, &str, &str)] = &[
    ("day", "day", "roster.day"),
    ("half", "half", "roster.am"),
    ("post", "post", "roster.desk"),
    ("person_id", "person_id", "roster.person"),
    ("name", "name", "roster.name"),
    ("represents", "represents", "roster.represents"),
    ("replacement_name", "replacement_name", "roster.replacement"),
    ("reason", "reason", "roster.reason"),
];

pub async fn roster_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<RosterQuery>,
) -> PageResult {
    let week = query
        .week
        .as_deref()
        .and_then(|raw| NaiveDate::parse_from_str(raw, "%Y-%m-%d").ok());
    render_roster(&state, &viewer, week, query.done.as_deref(), None).await
}

struct Refused {
    form: String,
    errors: FormErrors,
    kept: Fields,
    status: StatusCode,
}

async fn render_roster(
    state: &AppState,
    viewer: &Viewer,
    week: Option<NaiveDate>,
    done: Option<&str>,
    refused: Option<Refused>,
) -> PageResult {
    let signed_in = viewer.require()?;
    let community = signed_in
        .community
        .as_ref()
        .ok_or_else(ApiError::forbidden)?;
    let community = CommunityId(community.id);
    let caller = &signed_in.user;
    let roster = use_cases::week(state, caller, community, week)
        .await
        .map_err(ApiError::from)?;
    let staff = if roster.arranges {
        use_cases::staff(state, caller, community)
            .await
            .map_err(ApiError::from)?
    } else {
        Vec::new()
    };
    let today = state
        .clock
        .now()
        .with_timezone(&linli_domain::calendar::shanghai())
        .date_naive();
    let me = caller.person.0;
    let days = (0..7)
        .map(|offset| {
            let day = roster.monday + chrono::Days::new(offset);
            let key = day.to_string();
            let mut cells: [Vec<Holder>; 4] = Default::default();
            for shift in roster.shifts.iter().filter(|shift| shift.day == day) {
                let column = match (shift.half, shift.post) {
                    (Half::Am, Post::Desk) => 0,
                    (Half::Am, Post::Duty) => 1,
                    (Half::Pm, Post::Desk) => 2,
                    (Half::Pm, Post::Duty) => 3,
                };
                cells[column].push(Holder {
                    shift_id: shift.id,
                    name: shift.name.clone(),
                    represents: shift.represents.clone().unwrap_or_default(),
                    mine: shift.person_id == Some(me),
                });
            }
            DayRow {
                label: text(
                    "page.roster.day_label",
                    &[
                        ("month", day.month().to_string()),
                        ("day", day.day().to_string()),
                        (
                            "weekday",
                            text(
                                &format!(
                                    "page.meetings.day.{}",
                                    day.weekday().number_from_monday()
                                ),
                                &[],
                            ),
                        ),
                    ],
                ),
                today: day == today,
                day: key,
                cells,
            }
        })
        .collect();
    let swaps = roster
        .swaps
        .iter()
        .filter_map(|swap| {
            let shift = roster
                .shifts
                .iter()
                .find(|shift| shift.id == swap.shift_id)?;
            Some(SwapLine {
                id: swap.id,
                text: text(
                    "page.roster.swap_line",
                    &[
                        ("day", shift.day.to_string()),
                        (
                            "half",
                            text(&format!("page.roster.{}", shift.half.as_str()), &[]),
                        ),
                        (
                            "post",
                            text(&format!("page.roster.{}", shift.post.as_str()), &[]),
                        ),
                        ("from", shift.name.clone()),
                        ("to", swap.replacement_name.clone()),
                        ("reason", swap.reason.clone()),
                    ],
                ),
                status_label: text(&format!("page.roster.status.{}", swap.status.as_str()), &[]),
                waiting: swap.status == SwapStatus::Requested,
                mine: swap.requested_by == me,
            })
        })
        .collect();
    let (errors, refused_form, kept, status) = match refused {
        Some(refused) => (refused.errors, refused.form, refused.kept, refused.status),
        None => (
            FormErrors::default(),
            String::new(),
            Vec::new(),
            StatusCode::OK,
        ),
    };
    let notice = match done {
        Some(done @ ("add" | "remove" | "swap" | "decide")) => {
            text(&format!("page.roster.done.{done}"), &[])
        }
        _ => String::new(),
    };
    let page = RosterPage {
        page: viewer.context(text("page.roster.title", &[]), "roster"),
        week_of: text(
            "page.roster.week_of",
            &[("monday", roster.monday.to_string())],
        ),
        previous: (roster.monday - chrono::Days::new(7)).to_string(),
        next: (roster.monday + chrono::Days::new(7)).to_string(),
        days,
        swaps,
        arranges: roster.arranges,
        staff,
        notice,
        errors,
        refused: refused_form,
        kept,
    };
    Ok((status, render(&page)).into_response())
}

fn whole(raw: &str, field: &'static str) -> Result<i64, ApiError> {
    raw.trim()
        .parse()
        .map_err(|_| ValidationError::new("page.error.number_invalid", field).into())
}

/// One form of the roster page: `add`, `remove`, `swap` or a swap's decision.
pub async fn roster_action(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(action): Path<String>,
    Form(fields): Form<Fields>,
) -> PageResult {
    let caller = caller_of(&viewer, &fields)?;
    let community = viewer
        .signed_in
        .as_ref()
        .and_then(|signed_in| signed_in.community.as_ref())
        .map(|community| CommunityId(community.id))
        .ok_or_else(ApiError::forbidden)?;
    let optional = |name: &str| {
        let value = get(&fields, name).trim();
        (!value.is_empty()).then(|| value.to_owned())
    };
    let (form, result): (String, Result<(), ApiError>) = match action.as_str() {
        "add" => {
            let result = async {
                let day = NaiveDate::parse_from_str(get(&fields, "day").trim(), "%Y-%m-%d")
                    .map_err(|_| {
                        ApiError::from(ValidationError::new("page.error.date_invalid", "day"))
                    })?;
                let person_id = optional("person_id")
                    .map(|raw| whole(&raw, "person_id"))
                    .transpose()?;
                let request = ShiftRequest {
                    day: Some(day),
                    half: get(&fields, "half").to_owned(),
                    post: get(&fields, "post").to_owned(),
                    person_id,
                    name: optional("name"),
                    represents: optional("represents"),
                };
                use_cases::add_shift(&state, caller, community, &request)
                    .await
                    .map(|_| ())
                    .map_err(ApiError::from)
            }
            .await;
            ("add".to_owned(), result)
        }
        "remove" => {
            let result = match whole(get(&fields, "shift_id"), "shift_id") {
                Ok(shift) => use_cases::remove_shift(&state, caller, shift)
                    .await
                    .map_err(ApiError::from),
                Err(error) => Err(error),
            };
            ("remove".to_owned(), result)
        }
        "swap" => {
            let shift = get(&fields, "shift_id").trim().to_owned();
            let result = match whole(&shift, "shift_id") {
                Ok(shift) => use_cases::request_swap(
                    &state,
                    caller,
                    shift,
                    None,
                    optional("replacement_name").as_deref(),
                    get(&fields, "reason"),
                )
                .await
                .map(|_| ())
                .map_err(ApiError::from),
                Err(error) => Err(error),
            };
            (format!("swap-{shift}"), result)
        }
        "approve" | "refuse" | "withdraw" => {
            let result = match whole(get(&fields, "swap_id"), "swap_id") {
                Ok(swap) => use_cases::decide(&state, caller, swap, &action)
                    .await
                    .map_err(ApiError::from),
                Err(error) => Err(error),
            };
            ("swaps".to_owned(), result)
        }
        _ => return Err(ApiError::not_found("request.not_found").into()),
    };
    let week = NaiveDate::parse_from_str(get(&fields, "week").trim(), "%Y-%m-%d").ok();
    let done = match action.as_str() {
        "approve" | "refuse" | "withdraw" => "decide",
        other => other,
    };
    match result {
        Ok(()) => {
            let week = week.map(|day| format!("week={day}&")).unwrap_or_default();
            see_other(&format!("/roster?{week}done={done}"))
        }
        Err(error)
            if error.status.is_client_error()
                && error.status != StatusCode::NOT_FOUND
                && error.status != StatusCode::FORBIDDEN =>
        {
            let refused = Refused {
                form,
                errors: FormErrors::from_api_labelled(&error, LABELS),
                kept: fields.clone(),
                status: error.status,
            };
            render_roster(&state, &viewer, week, None, Some(refused)).await
        }
        Err(error) => Err(error.into()),
    }
}

/// "当前值班：接待 汤守英 · 值班 张承一" for the triage pages (the community's staff), or
/// nothing for anyone else.
pub async fn on_duty_line(state: &AppState, viewer: &Viewer) -> Result<String, ApiError> {
    let Some(signed_in) = &viewer.signed_in else {
        return Ok(String::new());
    };
    let Some(community) = &signed_in.community else {
        return Ok(String::new());
    };
    let community = CommunityId(community.id);
    if !linli_domain::roster::may_read(signed_in.user.grants(), community) {
        return Ok(String::new());
    }
    let shifts = use_cases::on_duty_now(state, community).await?;
    if shifts.is_empty() {
        return Ok(text("page.roster.nobody_on_duty", &[]));
    }
    let held = |post: Post| {
        shifts
            .iter()
            .filter(|shift| shift.post == post)
            .map(|shift| shift.name.clone())
            .collect::<Vec<_>>()
            .join("、")
    };
    let mut parts = Vec::new();
    for post in [Post::Desk, Post::Duty] {
        let names = held(post);
        if !names.is_empty() {
            parts.push(format!(
                "{} {names}",
                text(&format!("page.roster.{}", post.as_str()), &[])
            ));
        }
    }
    Ok(format!(
        "{}：{}",
        text("page.roster.on_duty_now", &[]),
        parts.join(" · ")
    ))
}
