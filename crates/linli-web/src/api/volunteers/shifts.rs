//! `/api/v1/volunteers/shifts/{id}/…`: sign-up, cancellation, check-in and check-out;
//! corrections of a sign-up's minutes; the certificate and the monthly league.

use super::views::{CertificateView, LeagueView};
use super::{Created, community};
use crate::auth::CurrentUser;
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use linli_app::AppError;
use linli_app::volunteers::hours;
use linli_app::volunteers::shifts::{self as use_cases, CheckIn};
use serde::Deserialize;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = VolunteerNothing)]
pub struct Nothing {}

#[utoipa::path(post, path = "/api/v1/volunteers/shifts/{id}/sign-up", tag = "volunteers", summary = "Sign oneself up for a shift, before its cut-off and while it has room",
    params(("id" = i64, Path)), request_body = Nothing, responses((status = 201, body = Created)), security(("bearer" = [])))]
pub async fn sign_up(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(_): ApiJson<Nothing>,
) -> ApiResult<(StatusCode, Json<Created>)> {
    let id = use_cases::sign_up(&state, &user, id).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

#[utoipa::path(post, path = "/api/v1/volunteers/shifts/{id}/cancel", tag = "volunteers", summary = "Cancel one's own sign-up, before the cut-off",
    params(("id" = i64, Path)), request_body = Nothing, responses((status = 204, description = "Cancelled")), security(("bearer" = [])))]
pub async fn cancel(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(_): ApiJson<Nothing>,
) -> ApiResult<StatusCode> {
    use_cases::cancel(&state, &user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckInInput {
    /// The desk names the volunteer…
    person_id: Option<i64>,
    /// …or the volunteer brings the code of the shift's QR code.
    code: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/volunteers/shifts/{id}/check-in", tag = "volunteers",
    summary = "Check a volunteer in, once, from an hour before the shift to its end: the desk, duty officer or supervisor by `person_id`, or the volunteer with the QR code's `code`",
    params(("id" = i64, Path)), request_body = CheckInInput, responses((status = 204, description = "Checked in")), security(("bearer" = [])))]
pub async fn check_in(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<CheckInInput>,
) -> ApiResult<StatusCode> {
    let how = match (input.person_id, input.code.as_deref()) {
        (Some(person), None) => CheckIn::AtTheDesk { person },
        (None, Some(code)) => CheckIn::ByCode { code },
        _ => return Err(AppError::invalid("volunteer.check_in_how", "person_id").into()),
    };
    use_cases::check_in(&state, &user, id, how).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckOutInput {
    person_id: i64,
}

#[utoipa::path(post, path = "/api/v1/volunteers/shifts/{id}/check-out", tag = "volunteers", summary = "Check a volunteer out, once (the desk, duty officer or supervisor)",
    params(("id" = i64, Path)), request_body = CheckOutInput, responses((status = 204, description = "Checked out")), security(("bearer" = [])))]
pub async fn check_out(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<CheckOutInput>,
) -> ApiResult<StatusCode> {
    use_cases::check_out(&state, &user, id, input.person_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CorrectionInput {
    /// The minutes the shift counts from now on.
    minutes: i64,
    reason: String,
}

#[utoipa::path(post, path = "/api/v1/volunteers/sign-ups/{id}/corrections", tag = "volunteers", summary = "Correct a sign-up's minutes with a reason (the supervisor; appended, never overwritten)",
    params(("id" = i64, Path)), request_body = CorrectionInput, responses((status = 201, body = Created)), security(("bearer" = [])))]
pub async fn correct(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<CorrectionInput>,
) -> ApiResult<(StatusCode, Json<Created>)> {
    let id = use_cases::correct(&state, &user, id, input.minutes, &input.reason).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CertificateQuery {
    community_id: Option<i64>,
    /// Someone else's (the community's staff); the caller's own when absent.
    person_id: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/volunteers/certificate", tag = "volunteers", summary = "A volunteer's served shifts and total minutes (one's own, or anyone's for staff)",
    params(CertificateQuery), responses((status = 200, body = CertificateView)), security(("bearer" = [])))]
pub async fn certificate(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<CertificateQuery>,
) -> ApiResult<Json<CertificateView>> {
    let community = community(&state, &user, query.community_id).await?;
    let certificate = hours::certificate(&state, &user, community, query.person_id).await?;
    Ok(Json(certificate.into()))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct LeagueQuery {
    community_id: Option<i64>,
    /// `2026-10`; this month when absent.
    month: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/volunteers/league", tag = "volunteers", summary = "A month's hours per team and the volunteers who served most (the community's residents and staff)",
    params(LeagueQuery), responses((status = 200, body = LeagueView)), security(("bearer" = [])))]
pub async fn league(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<LeagueQuery>,
) -> ApiResult<Json<LeagueView>> {
    let community = community(&state, &user, query.community_id).await?;
    let month = hours::month_of(&state, query.month.as_deref())?;
    let table = hours::league_table(&state, &user, community, month).await?;
    Ok(Json(table.into()))
}
