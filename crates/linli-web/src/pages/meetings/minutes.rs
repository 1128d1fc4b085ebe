//! Minutes (Markdown), closing the meeting (the refusal names what is missing) and the
//! corrections appended after it closed, signed and dated.

use super::{Fields, caller_of, get, outcome, outcome_with};
use crate::error::ApiError;
use crate::pages::context::{PageResult, Viewer};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum_extra::extract::Form;
use linli_app::meetings::minutes;

pub async fn save_minutes(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> PageResult {
    let caller = caller_of(&viewer, &fields)?;
    let result = minutes::write_minutes(&state, caller, id, get(&fields, "minutes"))
        .await
        .map_err(ApiError::from);
    outcome(&state, &viewer, id, "minutes", fields, result).await
}

pub async fn close(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> PageResult {
    let caller = caller_of(&viewer, &fields)?;
    let result = minutes::close(&state, caller, id)
        .await
        .map_err(ApiError::from);
    outcome(&state, &viewer, id, "close", fields, result).await
}

pub async fn correct(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> PageResult {
    let caller = caller_of(&viewer, &fields)?;
    let result = minutes::correct(&state, caller, id, get(&fields, "text"))
        .await
        .map_err(ApiError::from);
    let labels = [("text", "text", "meetings.correction_text")];
    outcome_with(&state, &viewer, id, "corrections", fields, result, &labels).await
}
