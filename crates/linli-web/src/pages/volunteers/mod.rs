//! Volunteering as pages (`/volunteers`): one's profile and hours, the community's
//! activities with a sign-up or cancel button per shift, and for the office the forms to
//! add a team and publish an activity. An activity's own page (check-in and check-out at
//! the desk, corrections) is in [`activity`]; the certificate and the league in [`hours`].

pub mod activity;
pub mod hours;
pub mod qr;

use crate::error::ApiError;
use crate::locale::text;
use crate::pages::context::{
    FormErrors, PageContext, PageResult, Viewer, local_time, parse_local_input, render, see_other,
};
use crate::pages::meetings::{Fields, caller_of, get};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum_extra::extract::Form;
use linli_app::Caller;
use linli_app::volunteers::{
    self as use_cases, ActivityRequest, ActivityView, ProfileRequest, ShiftRequest, ShiftView,
};
use linli_domain::ValidationError;
use linli_domain::ids::CommunityId;
use linli_domain::volunteers::{hours_text, may_organise, split_skills};
use serde::Deserialize;

pub use crate::pages::form_state::{Forms, Refused};

/// A shift as a line of a page.
pub struct ShiftLine {
    pub id: i64,
    pub when: String,
    pub taken: String,
    /// The caller's state on it: "" or a page text (已报名, 已签到…).
    pub mine: String,
    pub can_sign_up: bool,
    pub can_cancel: bool,
    /// Why neither button shows: 已报满, 报名已截止.
    pub note: String,
}

pub fn when(view: &ShiftView) -> String {
    let end = view
        .shift
        .ends_at
        .with_timezone(&linli_domain::calendar::shanghai())
        .format("%H:%M")
        .to_string();
    text(
        "page.volunteers.shift_line",
        &[("from", local_time(view.shift.starts_at)), ("to", end)],
    )
}

pub fn shift_line(view: &ShiftView) -> ShiftLine {
    let signed_up = view
        .mine
        .as_ref()
        .is_some_and(|mine| mine.status == "signed_up");
    let mine = match &view.mine {
        Some(mine) if mine.status != "signed_up" => text("page.volunteers.cancelled", &[]),
        Some(mine) if mine.checked_out_at.is_some() => text("page.volunteers.checked_out", &[]),
        Some(mine) if mine.checked_in_at.is_some() => text("page.volunteers.checked_in", &[]),
        Some(_) => text("page.volunteers.signed_up", &[]),
        None => String::new(),
    };
    let full = view.shift.signed_up >= view.shift.capacity;
    let checked_in = view
        .mine
        .as_ref()
        .is_some_and(|mine| mine.checked_in_at.is_some());
    let note = if !view.open {
        text("page.volunteers.closed", &[])
    } else if full && !signed_up {
        text("page.volunteers.full", &[])
    } else {
        String::new()
    };
    ShiftLine {
        id: view.shift.id,
        when: when(view),
        taken: text(
            "page.volunteers.taken",
            &[
                ("taken", view.shift.signed_up.to_string()),
                ("capacity", view.shift.capacity.to_string()),
            ],
        ),
        mine,
        can_sign_up: view.open && !signed_up && !full,
        can_cancel: view.open && signed_up && !checked_in,
        note,
    }
}

pub struct ActivityCard {
    pub id: i64,
    pub title: String,
    pub team: String,
    pub place: String,
    pub description: String,
    pub shifts: Vec<ShiftLine>,
}

pub fn card(view: &ActivityView) -> ActivityCard {
    ActivityCard {
        id: view.activity.id,
        title: view.activity.title.clone(),
        team: view.activity.team_name.clone().unwrap_or_default(),
        place: view.activity.place.clone().unwrap_or_default(),
        description: view.activity.description.clone(),
        shifts: view.shifts.iter().map(shift_line).collect(),
    }
}

#[derive(Template)]
#[template(path = "volunteers.html")]
struct VolunteersPage {
    page: PageContext,
    notice: String,
    skills: String,
    availability: String,
    team_id: i64,
    teams: Vec<(i64, String)>,
    hours: String,
    activities: Vec<ActivityCard>,
    organises: bool,
    /// The teams the caller may publish activities for (a leader: theirs).
    activity_teams: Vec<(i64, String)>,
    publishes: bool,
    forms: Forms,
}

#[derive(Debug, Default, Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

/// The success notice of a `?done=` value.
pub fn done_notice(done: Option<&str>) -> String {
    match done {
        Some(
            done @ ("profile" | "team" | "activity" | "sign-up" | "cancel" | "check-in"
            | "check-out" | "correct"),
        ) => text(&format!("page.volunteers.done.{done}"), &[]),
        _ => String::new(),
    }
}

/// The fields of the volunteers forms as the use cases name them: (use case, form,
/// label text under `page.`).
pub const LABELS: &[(&str, &str, &str)] = &[
    ("skills", "skills", "volunteers.skills"),
    ("availability", "availability", "volunteers.availability"),
    ("team_id", "team_id", "volunteers.team"),
    ("name", "name", "volunteers.team_name"),
    ("title", "title", "volunteers.activity_title"),
    ("description", "description", "volunteers.description"),
    ("place", "place", "volunteers.place"),
    ("starts_at", "starts_at", "volunteers.starts_at"),
    ("ends_at", "ends_at", "volunteers.ends_at"),
    ("capacity", "capacity", "volunteers.capacity"),
    (
        "cut_off_minutes",
        "cut_off_hours",
        "volunteers.cut_off_hours",
    ),
    ("minutes", "minutes", "volunteers.correct_minutes"),
    ("reason", "reason", "volunteers.correct_reason"),
];

pub fn community_of(viewer: &Viewer) -> Result<CommunityId, ApiError> {
    viewer
        .signed_in
        .as_ref()
        .and_then(|signed_in| signed_in.community.as_ref())
        .map(|community| CommunityId(community.id))
        .ok_or_else(ApiError::forbidden)
}

pub async fn volunteers_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<DoneQuery>,
) -> PageResult {
    render_volunteers(&state, &viewer, done_notice(query.done.as_deref()), None).await
}

async fn render_volunteers(
    state: &AppState,
    viewer: &Viewer,
    notice: String,
    refused: Option<Refused>,
) -> PageResult {
    let signed_in = viewer.require()?;
    let community = community_of(viewer)?;
    let caller: &Caller = &signed_in.user;
    let teams = use_cases::teams(state, caller, community)
        .await
        .map_err(ApiError::from)?;
    let activities = use_cases::activities(state, caller, community)
        .await
        .map_err(ApiError::from)?;
    let profile = use_cases::profile(state, caller)
        .await
        .map_err(ApiError::from)?;
    let certificate = linli_app::volunteers::hours::certificate(state, caller, community, None)
        .await
        .map_err(ApiError::from)?;
    let organises = may_organise(caller.grants(), community);
    let activity_teams: Vec<(i64, String)> = teams
        .iter()
        .filter(|team| use_cases::may_organise_for(caller, community, Some(team)))
        .map(|team| (team.id, team.name.clone()))
        .collect();
    let status = refused
        .as_ref()
        .map_or(StatusCode::OK, |refused| refused.status);
    let page = VolunteersPage {
        page: viewer.context(text("page.volunteers.title", &[]), "volunteers"),
        notice,
        skills: profile
            .as_ref()
            .map(|profile| profile.skill_list().join("、"))
            .unwrap_or_default(),
        availability: profile
            .as_ref()
            .and_then(|profile| profile.availability.clone())
            .unwrap_or_default(),
        team_id: profile
            .as_ref()
            .and_then(|profile| profile.team_id)
            .unwrap_or_default(),
        teams: teams
            .iter()
            .map(|team| (team.id, team.name.clone()))
            .collect(),
        hours: text(
            "page.volunteers.hours_line",
            &[("hours", hours_text(certificate.total_minutes))],
        ),
        activities: activities.iter().map(card).collect(),
        publishes: organises || !activity_teams.is_empty(),
        organises,
        activity_teams,
        forms: Forms { refused },
    };
    Ok((status, render(&page)).into_response())
}

/// A whole number typed in a form, or the field's refusal.
pub fn whole(raw: &str, field: &'static str) -> Result<i64, ApiError> {
    raw.trim()
        .parse()
        .map_err(|_| ValidationError::new("page.error.number_invalid", field).into())
}

fn optional(fields: &Fields, name: &str) -> Option<String> {
    let value = get(fields, name).trim();
    (!value.is_empty()).then(|| value.to_owned())
}

/// Signs the caller up for a shift named by the form, or cancels.
pub async fn sign_up_or_cancel(
    state: &AppState,
    caller: &Caller,
    action: &str,
    fields: &Fields,
) -> Result<(), ApiError> {
    let shift = whole(get(fields, "shift_id"), "shift_id")?;
    if action == "sign-up" {
        linli_app::volunteers::shifts::sign_up(state, caller, shift).await?;
    } else {
        linli_app::volunteers::shifts::cancel(state, caller, shift).await?;
    }
    Ok(())
}

async fn act(
    state: &AppState,
    caller: &Caller,
    community: CommunityId,
    action: &str,
    fields: &Fields,
) -> Result<(), ApiError> {
    match action {
        "profile" => {
            let team_id = optional(fields, "team_id")
                .map(|raw| whole(&raw, "team_id"))
                .transpose()?
                .filter(|team| *team > 0);
            let request = ProfileRequest {
                team_id,
                skills: split_skills(get(fields, "skills")),
                availability: optional(fields, "availability"),
            };
            Ok(use_cases::save_profile(state, caller, community, &request).await?)
        }
        "team" => {
            use_cases::add_team(state, caller, community, get(fields, "name"), None).await?;
            Ok(())
        }
        "activity" => {
            let team_id = optional(fields, "team_id")
                .map(|raw| whole(&raw, "team_id"))
                .transpose()?
                .filter(|team| *team > 0);
            let time = |name: &'static str| -> Result<_, ApiError> {
                match optional(fields, name) {
                    None => Ok(None),
                    Some(raw) => parse_local_input(&raw).map(Some).ok_or_else(|| {
                        ValidationError::new("page.error.date_invalid", name).into()
                    }),
                }
            };
            let cut_off_hours = optional(fields, "cut_off_hours")
                .map(|raw| whole(&raw, "cut_off_minutes"))
                .transpose()?
                .unwrap_or(0);
            let request = ActivityRequest {
                team_id,
                title: get(fields, "title").to_owned(),
                description: get(fields, "description").to_owned(),
                place: optional(fields, "place"),
                cut_off_minutes: cut_off_hours.saturating_mul(60),
                shifts: vec![ShiftRequest {
                    starts_at: time("starts_at")?,
                    ends_at: time("ends_at")?,
                    capacity: whole(get(fields, "capacity"), "capacity")?,
                }],
            };
            use_cases::add_activity(state, caller, community, &request).await?;
            Ok(())
        }
        "sign-up" | "cancel" => sign_up_or_cancel(state, caller, action, fields).await,
        _ => Err(ApiError::not_found("request.not_found")),
    }
}

/// A form of the volunteers page: `profile`, `team`, `activity`, `sign-up`, `cancel`.
pub async fn volunteers_action(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(action): Path<String>,
    Form(fields): Form<Fields>,
) -> PageResult {
    let caller = caller_of(&viewer, &fields)?;
    let community = community_of(&viewer)?;
    let form = match action.as_str() {
        "sign-up" | "cancel" => format!("shift-{}", get(&fields, "shift_id").trim()),
        other => other.to_owned(),
    };
    match act(&state, caller, community, &action, &fields).await {
        Ok(()) => see_other(&format!("/volunteers?done={action}")),
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
            render_volunteers(&state, &viewer, String::new(), Some(refused)).await
        }
        Err(error) => Err(error.into()),
    }
}
