//! The holiday calendar time limits count on: read by anyone signed in, set by the
//! system administrator when the State Council publishes next year's schedule.

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiPath};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{Datelike, NaiveDate};
use linli_domain::ValidationError;
use linli_domain::permissions::{Place, RegistryAction};
use linli_domain::registry::Name;
use linli_store::work_orders::Holiday;
use serde::Deserialize;

#[utoipa::path(
    get,
    path = "/api/v1/holidays/{year}",
    tag = "calendar",
    summary = "Days off and swapped working days of a year",
    params(("year" = i32, Path, description = "Year")),
    responses((status = 200, body = Vec<linli_store::work_orders::Holiday>)),
    security(("bearer" = []))
)]
pub async fn list(
    State(state): State<AppState>,
    _user: CurrentUser,
    ApiPath(year): ApiPath<i32>,
) -> ApiResult<Json<Vec<Holiday>>> {
    Ok(Json(state.store.holidays(Some(year)).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HolidayInput {
    pub(crate) day: NaiveDate,
    pub(crate) kind: String,
    pub(crate) name: String,
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
    user.require(RegistryAction::ManageStreets, Place::Global)?;
    let mut holidays = Vec::with_capacity(days.len());
    for day in days {
        if day.day.year() != year {
            return Err(ValidationError::new("calendar.day_outside_year", "day").into());
        }
        if day.kind != "off" && day.kind != "work" {
            return Err(ValidationError::new("calendar.kind_unknown", "kind").into());
        }
        let name = Name::parse(&day.name, "name", 40)?;
        holidays.push(Holiday {
            day: day.day,
            kind: day.kind,
            name: name.into_string(),
        });
    }
    state
        .store
        .replace_holidays(year, &holidays)
        .await
        .map_err(ApiError::from)?;
    Ok(StatusCode::NO_CONTENT)
}
