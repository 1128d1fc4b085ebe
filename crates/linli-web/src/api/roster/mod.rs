//! `/api/v1/roster…`: the joint office's duty roster, its shifts and their swaps.

use crate::auth::CurrentUser;
use crate::dto::roster::{RosterWeekView, ShiftView};
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::NaiveDate;
use linli_app::registry::community_of_request;
use linli_app::roster::{self as use_cases, ShiftRequest};
use linli_domain::ids::CommunityId;
use serde::{Deserialize, Serialize};

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct WeekQuery {
    community_id: Option<i64>,
    /// Any day of the week wanted; this week when absent.
    week: Option<NaiveDate>,
}

#[utoipa::path(get, path = "/api/v1/roster", tag = "roster", summary = "A week of the duty roster (the community's staff)",
    params(WeekQuery), responses((status = 200, body = RosterWeekView)), security(("bearer" = [])))]
pub async fn week(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<WeekQuery>,
) -> ApiResult<Json<RosterWeekView>> {
    let community = community_of_request(&state, &user, query.community_id).await?;
    let week = use_cases::week(&state, &user, CommunityId(community.id), query.week).await?;
    Ok(Json(week.into()))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CommunityQuery {
    community_id: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/roster/now", tag = "roster", summary = "Who holds the desk and the duty post this half-day",
    params(CommunityQuery), responses((status = 200, body = Vec<ShiftView>)), security(("bearer" = [])))]
pub async fn now(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<CommunityQuery>,
) -> ApiResult<Json<Vec<ShiftView>>> {
    let community = community_of_request(&state, &user, query.community_id).await?;
    // The same staff-only rule as the week's roster.
    use_cases::week(&state, &user, CommunityId(community.id), None).await?;
    let shifts = use_cases::on_duty_now(&state, CommunityId(community.id)).await?;
    Ok(Json(shifts.into_iter().map(ShiftView::from).collect()))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShiftInput {
    community_id: Option<i64>,
    day: NaiveDate,
    /// `am` or `pm`.
    half: String,
    /// `desk` or `duty`.
    post: String,
    /// A person of the community by their account…
    person_id: Option<i64>,
    /// …or a name (a party or resident representative, a volunteer).
    name: Option<String>,
    /// Whom they represent: 党代表, 居民代表, 城悦志愿者工作室.
    represents: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Created {
    id: i64,
}

#[utoipa::path(post, path = "/api/v1/roster/shifts", tag = "roster", summary = "Arrange a shift (the supervisor)",
    request_body = ShiftInput, responses((status = 201, body = Created)), security(("bearer" = [])))]
pub async fn add_shift(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<ShiftInput>,
) -> ApiResult<(StatusCode, Json<Created>)> {
    let community = community_of_request(&state, &user, input.community_id).await?;
    let request = ShiftRequest {
        day: Some(input.day),
        half: input.half,
        post: input.post,
        person_id: input.person_id,
        name: input.name,
        represents: input.represents,
    };
    let id = use_cases::add_shift(&state, &user, CommunityId(community.id), &request).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

#[utoipa::path(delete, path = "/api/v1/roster/shifts/{id}", tag = "roster", summary = "Remove a shift (the supervisor)",
    params(("id" = i64, Path)), responses((status = 204, description = "Removed")), security(("bearer" = [])))]
pub async fn remove_shift(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<StatusCode> {
    use_cases::remove_shift(&state, &user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SwapInput {
    replacement_person_id: Option<i64>,
    replacement_name: Option<String>,
    reason: String,
}

#[utoipa::path(post, path = "/api/v1/roster/shifts/{id}/swaps", tag = "roster", summary = "Ask to hand a shift to someone else (its holder or the supervisor)",
    params(("id" = i64, Path)), request_body = SwapInput, responses((status = 201, body = Created)), security(("bearer" = [])))]
pub async fn request_swap(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<SwapInput>,
) -> ApiResult<(StatusCode, Json<Created>)> {
    let id = use_cases::request_swap(
        &state,
        &user,
        id,
        input.replacement_person_id,
        input.replacement_name.as_deref(),
        &input.reason,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Nothing {}

#[utoipa::path(post, path = "/api/v1/roster/swaps/{id}/{decision}", tag = "roster",
    summary = "`approve` or `refuse` a swap (the supervisor; approving hands the shift over) or `withdraw` one's own request",
    params(("id" = i64, Path), ("decision" = String, Path)), request_body = Nothing,
    responses((status = 204, description = "Decided")), security(("bearer" = [])))]
pub async fn decide_swap(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((id, decision)): ApiPath<(i64, String)>,
    ApiJson(_): ApiJson<Nothing>,
) -> ApiResult<StatusCode> {
    use_cases::decide(&state, &user, id, &decision).await?;
    Ok(StatusCode::NO_CONTENT)
}
