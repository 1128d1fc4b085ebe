//! An activity's page (`/volunteers/activities/{id}`): its shifts with sign-up and
//! cancel for residents; for the desk, the duty officer, the supervisor and the team's
//! leader, who signed up (display names only) with check-in and check-out buttons; for
//! the supervisor, a correction of the minutes with its reason.

use super::{
    ActivityCard, Forms, LABELS, Refused, ShiftLine, card, done_notice, sign_up_or_cancel, whole,
};
use crate::error::ApiError;
use crate::locale::text;
use crate::pages::context::{
    FormErrors, PageContext, PageResult, Viewer, local_time, render, see_other,
};
use crate::pages::meetings::{Fields, caller_of, get};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum_extra::extract::Form;
use linli_app::Caller;
use linli_app::volunteers::shifts::{self as shift_cases, CheckIn};
use linli_app::volunteers::{self as use_cases};
use linli_domain::ids::CommunityId;
use linli_domain::volunteers::{may_correct, served_minutes};

/// One volunteer on a shift, as staff see them.
pub struct SignUpLine {
    pub id: i64,
    pub person_id: i64,
    pub name: String,
    pub status: String,
    pub checked_in: String,
    pub checked_out: String,
    pub minutes: i64,
    pub corrected: bool,
    /// Signed up (not cancelled): the supervisor may correct the minutes.
    pub active: bool,
    pub may_check_in: bool,
    pub may_check_out: bool,
}

pub struct StaffShift {
    pub line: ShiftLine,
    /// The QR code of the shift's check-in address (inline SVG) and the address.
    pub qr: String,
    pub check_in_url: String,
    pub sign_ups: Vec<SignUpLine>,
}

#[derive(Template)]
#[template(path = "volunteers_activity.html")]
struct ActivityPage {
    page: PageContext,
    notice: String,
    activity: ActivityCard,
    staff_view: bool,
    corrects: bool,
    staff_shifts: Vec<StaffShift>,
    cut_off: String,
    forms: Forms,
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

pub async fn activity_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Query(query): Query<DoneQuery>,
    headers: HeaderMap,
) -> PageResult {
    render_activity(
        &state,
        &viewer,
        &headers,
        id,
        done_notice(query.done.as_deref()),
        None,
    )
    .await
}

async fn render_activity(
    state: &AppState,
    viewer: &Viewer,
    headers: &HeaderMap,
    id: i64,
    notice: String,
    refused: Option<Refused>,
) -> PageResult {
    let signed_in = viewer.require()?;
    let caller: &Caller = &signed_in.user;
    let view = use_cases::activity(state, caller, id)
        .await
        .map_err(ApiError::from)?;
    let staff_shifts = view
        .shifts
        .iter()
        .map(|shift| {
            let check_in_url = if view.staff_view {
                super::qr::check_in_url(headers, shift.shift.id, &shift.shift.check_in_code)
            } else {
                String::new()
            };
            StaffShift {
                qr: if check_in_url.is_empty() {
                    String::new()
                } else {
                    super::qr::qr_svg(&check_in_url)
                },
                check_in_url,
                line: super::shift_line(shift),
                sign_ups: shift
                    .sign_ups
                    .iter()
                    .flatten()
                    .map(|row| {
                        let signed_up = row.status == "signed_up";
                        SignUpLine {
                            id: row.id,
                            person_id: row.person_id,
                            name: row.display_name.clone(),
                            status: text(
                                if signed_up {
                                    "page.volunteers.signed_up"
                                } else {
                                    "page.volunteers.cancelled"
                                },
                                &[],
                            ),
                            checked_in: row.checked_in_at.map(local_time).unwrap_or_default(),
                            checked_out: row.checked_out_at.map(local_time).unwrap_or_default(),
                            minutes: row.corrected_minutes.unwrap_or_else(|| {
                                served_minutes(
                                    shift.shift.starts_at,
                                    shift.shift.ends_at,
                                    row.checked_in_at,
                                    row.checked_out_at,
                                )
                            }),
                            corrected: row.corrected_minutes.is_some(),
                            active: signed_up,
                            may_check_in: signed_up && row.checked_in_at.is_none(),
                            may_check_out: signed_up
                                && row.checked_in_at.is_some()
                                && row.checked_out_at.is_none(),
                        }
                    })
                    .collect(),
            }
        })
        .collect();
    let community = CommunityId(view.activity.community_id);
    let status = refused
        .as_ref()
        .map_or(StatusCode::OK, |refused| refused.status);
    let page = ActivityPage {
        page: viewer.context(view.activity.title.clone(), "volunteers"),
        notice,
        cut_off: text(
            "page.volunteers.cut_off_line",
            &[(
                "hours",
                linli_domain::volunteers::hours_text(view.activity.cut_off_minutes),
            )],
        ),
        activity: card(&view),
        staff_view: view.staff_view,
        corrects: may_correct(caller.grants(), community),
        staff_shifts,
        forms: Forms { refused },
    };
    Ok((status, render(&page)).into_response())
}

async fn act(
    state: &AppState,
    caller: &Caller,
    action: &str,
    fields: &Fields,
) -> Result<(), ApiError> {
    match action {
        "sign-up" | "cancel" => sign_up_or_cancel(state, caller, action, fields).await,
        "check-in" | "check-out" => {
            let shift = whole(get(fields, "shift_id"), "shift_id")?;
            let person = whole(get(fields, "person_id"), "person_id")?;
            if action == "check-in" {
                shift_cases::check_in(state, caller, shift, CheckIn::AtTheDesk { person }).await?;
            } else {
                shift_cases::check_out(state, caller, shift, person).await?;
            }
            Ok(())
        }
        "correct" => {
            let sign_up = whole(get(fields, "sign_up_id"), "sign_up_id")?;
            let minutes = whole(get(fields, "minutes"), "minutes")?;
            shift_cases::correct(state, caller, sign_up, minutes, get(fields, "reason")).await?;
            Ok(())
        }
        _ => Err(ApiError::not_found("request.not_found")),
    }
}

/// A form of an activity's page: `sign-up`, `cancel`, `check-in`, `check-out`, `correct`.
pub async fn activity_action(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, action)): Path<(i64, String)>,
    headers: HeaderMap,
    Form(fields): Form<Fields>,
) -> PageResult {
    let caller = caller_of(&viewer, &fields)?;
    let form = match action.as_str() {
        "correct" => format!("correct-{}", get(&fields, "sign_up_id").trim()),
        _ => format!("shift-{}", get(&fields, "shift_id").trim()),
    };
    match act(&state, caller, &action, &fields).await {
        Ok(()) => see_other(&format!("/volunteers/activities/{id}?done={action}")),
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
            render_activity(&state, &viewer, &headers, id, String::new(), Some(refused)).await
        }
        Err(error) => Err(error.into()),
    }
}
