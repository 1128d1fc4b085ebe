//! `/meetings`: for the office, the community's meetings (coming, then past) with the
//! forms to call the series' next meeting or an extra one, and the series' day, time and
//! place; for anyone else, the meetings they are invited to (我的会议).

use super::{Fields, caller_of, get};
use crate::error::ApiError;
use crate::locale::text;
use crate::pages::context::{
    FormErrors, PageContext, PageResult, Viewer, local_time, parse_local_input, render, see_other,
};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum_extra::extract::Form;
use linli_app::meetings::{self as use_cases, convene};
use linli_domain::ValidationError;
use linli_domain::ids::CommunityId;
use linli_domain::meetings::{MeetingStatus, may_run, sees_all};
use linli_store::meetings::MeetingRow;
use serde::Deserialize;

pub struct MeetingLine {
    pub id: i64,
    pub title: String,
    pub when: String,
    pub place: String,
    pub status: &'static str,
    pub status_label: String,
}

pub struct Weekday {
    pub number: i64,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "meetings_list.html")]
struct ListPage {
    page: PageContext,
    office: bool,
    runs: bool,
    upcoming: Vec<MeetingLine>,
    past: Vec<MeetingLine>,
    weekdays: Vec<Weekday>,
    start_time: String,
    duration: String,
    place: String,
    series_text: String,
    errors: FormErrors,
    refused: String,
    kept: Fields,
    notice: String,
}

impl ListPage {
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
        self.errors.general.clone().unwrap_or_default()
    }
}

fn line(meeting: &MeetingRow) -> MeetingLine {
    MeetingLine {
        id: meeting.id,
        title: meeting.title.clone(),
        when: local_time(meeting.starts_at),
        place: meeting.place.clone(),
        status: meeting.status.as_str(),
        status_label: text(
            &format!("page.meetings.status.{}", meeting.status.as_str()),
            &[],
        ),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    done: Option<String>,
}

pub async fn meetings_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<ListQuery>,
) -> PageResult {
    render_list(&state, &viewer, query.done.as_deref(), None).await
}

async fn render_list(
    state: &AppState,
    viewer: &Viewer,
    done: Option<&str>,
    refused: Option<(&'static str, ApiError, Fields)>,
) -> PageResult {
    let signed_in = viewer.require()?;
    let caller = &signed_in.user;
    let community = signed_in
        .community
        .as_ref()
        .map(|community| CommunityId(community.id));
    let office = community.is_some_and(|community| sees_all(caller.grants(), community));
    let runs = community.is_some_and(|community| may_run(caller.grants(), community));
    let meetings = if office {
        use_cases::list(state, caller, community.map(|c| c.0))
            .await
            .map_err(ApiError::from)?
    } else {
        use_cases::mine(state, caller)
            .await
            .map_err(ApiError::from)?
    };
    let mut upcoming: Vec<MeetingLine> = meetings
        .iter()
        .filter(|meeting| meeting.status == MeetingStatus::Scheduled)
        .map(line)
        .collect();
    // The next one first.
    upcoming.reverse();
    let past = meetings
        .iter()
        .filter(|meeting| meeting.status != MeetingStatus::Scheduled)
        .map(line)
        .collect();
    let series = match community {
        Some(community) if office => Some(
            convene::series(state, community)
                .await
                .map_err(ApiError::from)?,
        ),
        _ => None,
    };
    let (errors, refused_form, kept, status) = match refused {
        Some((form, error, kept)) => (
            FormErrors::from_api_labelled(&error, super::LABELS),
            form.to_owned(),
            kept,
            error.status,
        ),
        None => (
            FormErrors::default(),
            String::new(),
            Vec::new(),
            StatusCode::OK,
        ),
    };
    let chosen_weekday = if refused_form == "series" {
        get(&kept, "weekday").parse().unwrap_or(4)
    } else {
        series.as_ref().map_or(4, |s| s.weekday_number())
    };
    let weekday_label = |number: i64| text(&format!("page.meetings.day.{number}"), &[]);
    let page = ListPage {
        page: viewer.context(
            text(
                if office {
                    "page.meetings.title"
                } else {
                    "page.meetings.mine_title"
                },
                &[],
            ),
            "meetings",
        ),
        office,
        runs,
        upcoming,
        past,
        weekdays: (1..=7)
            .map(|number| Weekday {
                number,
                label: weekday_label(number),
                selected: number == chosen_weekday,
            })
            .collect(),
        start_time: if refused_form == "series" {
            get(&kept, "start_time").to_owned()
        } else {
            series.as_ref().map(|s| s.start_text()).unwrap_or_default()
        },
        duration: if refused_form == "series" {
            get(&kept, "duration_minutes").to_owned()
        } else {
            series
                .as_ref()
                .map(|s| s.duration.num_minutes().to_string())
                .unwrap_or_default()
        },
        place: if refused_form == "series" {
            get(&kept, "place").to_owned()
        } else {
            series.as_ref().map(|s| s.place.clone()).unwrap_or_default()
        },
        series_text: series
            .as_ref()
            .map(|s| {
                text(
                    "page.meetings.series_now",
                    &[
                        ("weekday", weekday_label(s.weekday_number())),
                        ("time", s.start_text()),
                        ("place", s.place.clone()),
                    ],
                )
            })
            .unwrap_or_default(),
        errors,
        refused: refused_form,
        kept,
        notice: match done {
            Some("series") => text("page.meetings.done.series", &[]),
            _ => String::new(),
        },
    };
    Ok((status, render(&page)).into_response())
}

/// Calls a meeting: the series' next (`kind=next`) or an extra one at the time given.
pub async fn call_meeting(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(fields): Form<Fields>,
) -> PageResult {
    let caller = caller_of(&viewer, &fields)?;
    let extra = get(&fields, "kind") == "extra";
    let result = async {
        let starts_at = match get(&fields, "starts_at").trim() {
            "" => None,
            raw => Some(parse_local_input(raw).ok_or_else(|| {
                ApiError::from(ValidationError::new("page.error.date_invalid", "starts_at"))
            })?),
        };
        let optional = |name: &str| {
            let value = get(&fields, name).trim();
            (!value.is_empty()).then(|| value.to_owned())
        };
        convene::schedule(
            &state,
            caller,
            &convene::MeetingRequest {
                community_id: None,
                extra,
                starts_at: if extra { starts_at } else { None },
                duration_minutes: None,
                place: if extra { optional("place") } else { None },
                title: if extra { optional("title") } else { None },
                after: None,
            },
        )
        .await
        .map_err(ApiError::from)
    }
    .await;
    match result {
        Ok(id) => see_other(&format!("/meetings/{id}?done=called")),
        Err(error) if error.status.is_client_error() && error.status != StatusCode::FORBIDDEN => {
            render_list(&state, &viewer, None, Some(("call", error, fields))).await
        }
        Err(error) => Err(error.into()),
    }
}

/// Sets the series' weekday, time, length and place.
pub async fn set_series(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(fields): Form<Fields>,
) -> PageResult {
    let caller = caller_of(&viewer, &fields)?;
    let result = async {
        let duration = get(&fields, "duration_minutes").trim();
        let duration_minutes = duration.parse().map_err(|_| {
            ApiError::from(ValidationError::new(
                "page.error.number_invalid",
                "duration_minutes",
            ))
        })?;
        convene::set_series(
            &state,
            caller,
            &convene::SeriesRequest {
                community_id: None,
                weekday: get(&fields, "weekday").trim().parse().unwrap_or(0),
                start_time: get(&fields, "start_time").to_owned(),
                duration_minutes,
                place: get(&fields, "place").to_owned(),
            },
        )
        .await
        .map_err(ApiError::from)
    }
    .await;
    match result {
        Ok(_) => see_other("/meetings?done=series#series"),
        Err(error) if error.status.is_client_error() && error.status != StatusCode::FORBIDDEN => {
            render_list(&state, &viewer, None, Some(("series", error, fields))).await
        }
        Err(error) => Err(error.into()),
    }
}
