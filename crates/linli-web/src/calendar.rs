//! The holiday calendar time limits count on: read by anyone signed in, set by the
//! system administrator when the State Council publishes next year's schedule.

use crate::auth::CurrentUser;
use crate::dto::calendar::HolidayView;
use crate::dto::from_rows;
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiPath};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::NaiveDate;
use linli_app::calendar::{self, HolidayRequest};
use serde::Deserialize;

#[utoipa::path(
    get,
    path = "/api/v1/holidays/{year}",
    tag = "calendar",
    summary = "Days off and swapped working days of a year",
    params(("year" = i32, Path, description = "Year")),
    responses((status = 200, body = Vec<HolidayView>)),
    security(("bearer" = []))
)]
pub async fn list(
    State(state): State<AppState>,
    _user: CurrentUser,
    ApiPath(year): ApiPath<i32>,
) -> ApiResult<Json<Vec<HolidayView>>> {
    Ok(Json(from_rows(calendar::holidays(&state, year).await?)))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HolidayInput {
    pub(crate) day: NaiveDate,
    pub(crate) kind: String,
    pub(crate) name: String,
}

impl From<HolidayInput> for HolidayRequest {
    fn from(input: HolidayInput) -> Self {
        Self {
            day: input.day,
            kind: input.kind,
            name: input.name,
        }
    }
}

/// Replaces a year's days off and swapped working days, all at once.
#[utoipa::path(
    put,
    path = "/api/v1/holidays/{year}",
    tag = "calendar",
    summary = "Replace a year's calendar (system administrator)",
    request_body = Vec<HolidayInput>,
    params(("year" = i32, Path, description = "Year")),
    responses((status = 204)),
    security(("bearer" = []))
)]
pub async fn replace(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(year): ApiPath<i32>,
    ApiJson(days): ApiJson<Vec<HolidayInput>>,
) -> ApiResult<StatusCode> {
    let days: Vec<HolidayRequest> = days.into_iter().map(HolidayRequest::from).collect();
    calendar::replace_year(&state, &user, year, &days).await?;
    Ok(StatusCode::NO_CONTENT)
}
