//! The joint meeting's pages (联席会): the office's list of meetings with the forms to
//! call the next one or an extra one and to set the series; one meeting's page, where
//! the supervisor or the duty officer runs it — agenda, attendance, decisions, minutes,
//! closing, corrections — and where an invited resident sees their part of it. Every
//! form goes through the same use case as its API call (`linli_app::meetings`).

mod agenda;
mod list;
mod minutes;
mod page;
mod table;

pub(crate) use crate::markdown::markdown_html;
pub use agenda::{add_item, item_action};
pub use list::{call_meeting, meetings_page, set_series};
pub use minutes::{close, correct, save_minutes};
pub use page::meeting_page;
pub use table::{invite, record_attendance};

use super::context::{FormErrors, PageError, PageResult, Viewer, see_other};
use crate::error::ApiError;
use crate::state::AppState;
use axum::http::StatusCode;
use linli_app::Caller;

pub type Fields = Vec<(String, String)>;

/// A field of a posted form ("" when absent).
pub fn get<'a>(fields: &'a Fields, name: &str) -> &'a str {
    fields
        .iter()
        .find(|(key, _)| key == name)
        .map_or("", |(_, value)| value.as_str())
}

/// Every value of a repeated field (checkboxes).
pub fn all<'a>(fields: &'a Fields, name: &str) -> Vec<&'a str> {
    fields
        .iter()
        .filter(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
        .collect()
}

/// The signed-in caller, checked against the form's CSRF token.
pub fn caller_of<'a>(viewer: &'a Viewer, fields: &Fields) -> Result<&'a Caller, PageError> {
    viewer.check_csrf(get(fields, "csrf"))?;
    Ok(&viewer.require()?.user.0)
}

/// A form refused on the meeting page: which form, why, and what was typed.
pub struct Refused {
    pub form: String,
    pub errors: FormErrors,
    pub kept: Fields,
    pub status: StatusCode,
}

/// The fields of the meeting page's forms as the use cases name them: (use case, form,
/// label text under `page.`).
pub const LABELS: &[(&str, &str, &str)] = &[
    ("work_order_id", "work_order_number", "meetings.item_number"),
    ("title", "title", "meetings.item_title"),
    ("text", "text", "meetings.decision_text"),
    (
        "lead_organisation_id",
        "lead_organisation_id",
        "meetings.lead",
    ),
    ("deadline", "deadline", "meetings.deadline"),
    ("budget_fen", "budget", "projects.budget"),
    ("purpose", "purpose", "projects.purpose"),
    (
        "work_order_ids",
        "work_order_numbers",
        "projects.other_orders",
    ),
    (
        "owner_organisation_id",
        "lead_organisation_id",
        "meetings.lead",
    ),
    ("name", "name", "meetings.invite_name"),
    ("person_id", "login", "meetings.invite_login"),
    ("represents", "represents", "meetings.invite_represents"),
    ("starts_at", "starts_at", "meetings.starts_at"),
    ("place", "place", "meetings.place"),
    ("start_time", "start_time", "meetings.start_time"),
];

/// What a form's use case answered: to the meeting page after success, or the page again
/// with the refusal beside the form (a 404 or a server fault is the error page).
pub async fn outcome<T>(
    state: &AppState,
    viewer: &Viewer,
    meeting: i64,
    form: &str,
    fields: Fields,
    result: Result<T, ApiError>,
) -> PageResult {
    outcome_with(state, viewer, meeting, form, fields, result, LABELS).await
}

/// [`outcome`], the fields named by `labels`.
pub async fn outcome_with<T>(
    state: &AppState,
    viewer: &Viewer,
    meeting: i64,
    form: &str,
    fields: Fields,
    result: Result<T, ApiError>,
    labels: &[(&str, &str, &str)],
) -> PageResult {
    match result {
        Ok(_) => see_other(&format!("/meetings/{meeting}?done={form}#{form}")),
        Err(error)
            if error.status.is_client_error()
                && error.status != StatusCode::NOT_FOUND
                && error.status != StatusCode::FORBIDDEN =>
        {
            let refused = Refused {
                form: form.to_owned(),
                errors: FormErrors::from_api_labelled(&error, labels),
                kept: fields,
                status: error.status,
            };
            page::render_meeting(state, viewer, meeting, None, Some(refused)).await
        }
        Err(error) => Err(error.into()),
    }
}
