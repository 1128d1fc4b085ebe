//! `/api/v1/projects/{id}/…`: quotes and the choice, milestones, progress updates.

use crate::auth::CurrentUser;
use crate::dto::projects::ProjectDetailView;
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiPath};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::NaiveDate;
use linli_app::projects::{self as use_cases, work};
use serde::Deserialize;

async fn answer(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
) -> ApiResult<Json<ProjectDetailView>> {
    Ok(Json(use_cases::read(state, Some(user), id).await?.into()))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuoteInput {
    pub(crate) vendor: String,
    pub(crate) contact: Option<String>,
    /// Fen (分) per unit, a whole number ≥ 0.
    pub(crate) unit_price_fen: i64,
    pub(crate) quantity: i64,
    pub(crate) terms: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/projects/{id}/quotes", tag = "projects", summary = "Add a quote (the office) or recommend a vendor (a resident)",
    params(("id" = i64, Path)), request_body = QuoteInput, responses((status = 201, body = ProjectDetailView)), security(("bearer" = [])))]
pub async fn add_quote(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<QuoteInput>,
) -> ApiResult<(StatusCode, Json<ProjectDetailView>)> {
    let request = work::QuoteRequest {
        vendor: input.vendor,
        contact: input.contact,
        unit_price_fen: input.unit_price_fen,
        quantity: input.quantity,
        terms: input.terms,
    };
    work::add_quote(&state, &user, id, &request).await?;
    Ok((StatusCode::CREATED, answer(&state, &user, id).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChoiceInput {
    pub(crate) quote_id: i64,
    pub(crate) reason: String,
    /// The agreed price in fen (the group price, 团购价).
    pub(crate) agreed_price_fen: i64,
}

#[utoipa::path(post, path = "/api/v1/projects/{id}/choice", tag = "projects", summary = "Choose the winning quote (中标)",
    params(("id" = i64, Path)), request_body = ChoiceInput, responses((status = 200, body = ProjectDetailView)), security(("bearer" = [])))]
pub async fn choose(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<ChoiceInput>,
) -> ApiResult<Json<ProjectDetailView>> {
    work::choose(
        &state,
        &user,
        id,
        input.quote_id,
        &input.reason,
        input.agreed_price_fen,
    )
    .await?;
    answer(&state, &user, id).await
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MilestoneInput {
    pub(crate) title: String,
    pub(crate) planned_start: NaiveDate,
    pub(crate) planned_end: NaiveDate,
    pub(crate) quantity: Option<i64>,
}

#[utoipa::path(post, path = "/api/v1/projects/{id}/milestones", tag = "projects", summary = "Add a milestone or batch",
    params(("id" = i64, Path)), request_body = MilestoneInput, responses((status = 201, body = ProjectDetailView)), security(("bearer" = [])))]
pub async fn add_milestone(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<MilestoneInput>,
) -> ApiResult<(StatusCode, Json<ProjectDetailView>)> {
    let request = work::MilestoneRequest {
        title: input.title,
        planned_start: input.planned_start,
        planned_end: input.planned_end,
        quantity: input.quantity,
    };
    work::add_milestone(&state, &user, id, &request).await?;
    Ok((StatusCode::CREATED, answer(&state, &user, id).await?))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActualInput {
    pub(crate) actual_start: Option<NaiveDate>,
    pub(crate) actual_end: Option<NaiveDate>,
}

#[utoipa::path(post, path = "/api/v1/projects/{id}/milestones/{milestone_id}", tag = "projects", summary = "Record a milestone's actual days",
    params(("id" = i64, Path), ("milestone_id" = i64, Path)), request_body = ActualInput, responses((status = 200, body = ProjectDetailView)), security(("bearer" = [])))]
pub async fn record_milestone(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((id, milestone)): ApiPath<(i64, i64)>,
    ApiJson(input): ApiJson<ActualInput>,
) -> ApiResult<Json<ProjectDetailView>> {
    work::record_milestone(
        &state,
        &user,
        id,
        milestone,
        input.actual_start,
        input.actual_end,
    )
    .await?;
    answer(&state, &user, id).await
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateInput {
    pub(crate) text: String,
    pub(crate) percent_done: i64,
}

#[utoipa::path(post, path = "/api/v1/projects/{id}/updates", tag = "projects", summary = "Post progress with the percentage done (photos: `/updates/{update_id}/photos`)",
    params(("id" = i64, Path)), request_body = UpdateInput, responses((status = 201, body = ProjectDetailView)), security(("bearer" = [])))]
pub async fn add_update(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<UpdateInput>,
) -> ApiResult<(StatusCode, Json<ProjectDetailView>)> {
    work::add_update(
        &state,
        &user,
        id,
        &input.text,
        input.percent_done,
        Vec::new(),
    )
    .await?;
    Ok((StatusCode::CREATED, answer(&state, &user, id).await?))
}
