//! `/api/v1/projects…`: projects (项目化运作). Reading an approved project needs no
//! sign-in (its public shape has no resident's personal data); changing one does.

pub mod help;
pub mod work;

use crate::auth::CurrentUser;
use crate::dto::from_rows;
use crate::dto::projects::{ProjectDetailView, ProjectSummary};
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;
use axum::Json;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use linli_app::projects::{self as use_cases, manage};
use serde::{Deserialize, Serialize};

/// The caller when a bearer token came (an ended session is still refused), nobody
/// otherwise.
pub struct MaybeUser(pub Option<CurrentUser>);

impl FromRequestParts<AppState> for MaybeUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if parts.headers.contains_key(header::AUTHORIZATION) {
            Ok(Self(Some(
                CurrentUser::from_request_parts(parts, state).await?,
            )))
        } else {
            Ok(Self(None))
        }
    }
}

impl MaybeUser {
    pub(crate) fn caller(&self) -> Option<&linli_app::Caller> {
        self.0.as_ref().map(|user| &user.0)
    }
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProjectInput {
    pub(crate) community_id: Option<i64>,
    pub(crate) title: String,
    pub(crate) purpose: String,
    /// Origin work orders (in a decision: besides the item's own).
    #[serde(default)]
    pub(crate) work_order_ids: Vec<i64>,
    /// In a decision: the lead party unless named.
    pub(crate) owner_organisation_id: Option<i64>,
    /// Budget in fen (分), a whole number.
    pub(crate) budget_fen: i64,
    /// `public_income`, `maintenance_fund`, `street_fund`, `crowdfunding`.
    #[serde(default)]
    pub(crate) funding_sources: Vec<String>,
}

impl From<ProjectInput> for manage::ProjectRequest {
    fn from(input: ProjectInput) -> Self {
        Self {
            community_id: input.community_id,
            title: input.title,
            purpose: input.purpose,
            work_order_ids: input.work_order_ids,
            owner_organisation_id: input.owner_organisation_id,
            budget_fen: input.budget_fen,
            funding_sources: input.funding_sources,
        }
    }
}

#[utoipa::path(post, path = "/api/v1/projects", tag = "projects", summary = "Propose a project (the office)",
    request_body = ProjectInput, responses((status = 201, body = ProjectDetailView)), security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<ProjectInput>,
) -> ApiResult<(StatusCode, Json<ProjectDetailView>)> {
    let id = manage::create(&state, &user, &input.into()).await?;
    Ok((
        StatusCode::CREATED,
        Json(use_cases::read(&state, Some(&user), id).await?.into()),
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ProjectQuery {
    pub(crate) community_id: i64,
}

#[utoipa::path(get, path = "/api/v1/projects", tag = "projects", summary = "A community's projects (approved ones for everyone, all for its office)",
    params(ProjectQuery), responses((status = 200, body = Vec<ProjectSummary>)))]
pub async fn list(
    State(state): State<AppState>,
    user: MaybeUser,
    ApiQuery(query): ApiQuery<ProjectQuery>,
) -> ApiResult<Json<Vec<ProjectSummary>>> {
    Ok(Json(from_rows(
        use_cases::list(&state, user.caller(), query.community_id).await?,
    )))
}

#[utoipa::path(get, path = "/api/v1/projects/{id}", tag = "projects", summary = "A project: decision, vendors and price, milestones, progress",
    params(("id" = i64, Path)), responses((status = 200, body = ProjectDetailView)))]
pub async fn get(
    State(state): State<AppState>,
    user: MaybeUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<ProjectDetailView>> {
    Ok(Json(
        use_cases::read(&state, user.caller(), id).await?.into(),
    ))
}

#[utoipa::path(get, path = "/api/v1/work-orders/{id}/projects", tag = "projects", summary = "The projects a work order led to, with their progress",
    params(("id" = i64, Path)), responses((status = 200, body = Vec<ProjectDetailView>)), security(("bearer" = [])))]
pub async fn of_work_order(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<ProjectDetailView>>> {
    Ok(Json(from_rows(
        use_cases::of_work_order(&state, &user, id).await?,
    )))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransitionInput {
    /// The closing text (`complete`) or the reason (`cancel`).
    pub(crate) text: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TransitionDone {
    #[serde(flatten)]
    project: ProjectDetailView,
    /// The origin work orders this resolved (`complete`).
    resolved_work_orders: Vec<i64>,
}

#[utoipa::path(post, path = "/api/v1/projects/{id}/transitions/{transition}", tag = "projects",
    summary = "approve, start, complete (resolves the open origin work orders) or cancel",
    params(("id" = i64, Path), ("transition" = String, Path)), request_body = TransitionInput,
    responses((status = 200, body = TransitionDone)), security(("bearer" = [])))]
pub async fn transition(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((id, transition)): ApiPath<(i64, String)>,
    ApiJson(input): ApiJson<TransitionInput>,
) -> ApiResult<Json<TransitionDone>> {
    let resolved =
        manage::transition(&state, &user, id, &transition, input.text.as_deref()).await?;
    Ok(Json(TransitionDone {
        project: use_cases::read(&state, Some(&user), id).await?.into(),
        resolved_work_orders: resolved,
    }))
}
