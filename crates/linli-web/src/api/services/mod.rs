//! `/api/v1/services`: the directory of services (办事指南), public to read.

use crate::auth::CurrentUser;
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use linli_app::services::{self as use_cases, ServiceRequest};
use linli_domain::services::ServiceCategory;
use linli_store::services::ServiceRow;
use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = Service)]
pub struct ServiceView {
    id: i64,
    title: String,
    category: ServiceCategory,
    url: Option<String>,
    /// Markdown; pages show it sanitised.
    steps: Option<String>,
    office: Option<String>,
    hours: Option<String>,
    updated_at: DateTime<Utc>,
}

impl From<ServiceRow> for ServiceView {
    fn from(row: ServiceRow) -> Self {
        Self {
            id: row.id,
            title: row.title,
            category: row.category,
            url: row.url,
            steps: row.steps,
            office: row.office,
            hours: row.hours,
            updated_at: row.updated_at,
        }
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    community_id: i64,
}

#[utoipa::path(get, path = "/api/v1/services", tag = "services", summary = "A community's directory of services (no sign-in)",
    params(ListQuery), responses((status = 200, body = Vec<ServiceView>)))]
pub async fn list(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> ApiResult<Json<Vec<ServiceView>>> {
    let rows = use_cases::list(&state, query.community_id).await?;
    Ok(Json(rows.into_iter().map(ServiceView::from).collect()))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceInput {
    /// On creation only.
    community_id: Option<i64>,
    title: String,
    /// `licences`, `social_security`, `medical`, `elderly`, `education`, `housing`, `other`.
    category: String,
    /// The official link (`https://…`); this or `steps`.
    url: Option<String>,
    steps: Option<String>,
    office: Option<String>,
    hours: Option<String>,
}

impl From<&ServiceInput> for ServiceRequest {
    fn from(input: &ServiceInput) -> Self {
        Self {
            title: input.title.clone(),
            category: input.category.clone(),
            url: input.url.clone(),
            steps: input.steps.clone(),
            office: input.office.clone(),
            hours: input.hours.clone(),
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ServiceCreated {
    id: i64,
}

#[utoipa::path(post, path = "/api/v1/services", tag = "services", summary = "Add a service (the supervisor or duty officer)",
    request_body = ServiceInput, responses((status = 201, body = ServiceCreated)), security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<ServiceInput>,
) -> ApiResult<(StatusCode, Json<ServiceCreated>)> {
    let community =
        linli_app::registry::community_of_request(&state, &user, input.community_id).await?;
    let id = use_cases::add(&state, &user, community.id, &(&input).into()).await?;
    Ok((StatusCode::CREATED, Json(ServiceCreated { id })))
}

#[utoipa::path(put, path = "/api/v1/services/{id}", tag = "services", summary = "Rewrite a service (the supervisor or duty officer)",
    params(("id" = i64, Path)), request_body = ServiceInput, responses((status = 204, description = "Saved")), security(("bearer" = [])))]
pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<ServiceInput>,
) -> ApiResult<StatusCode> {
    use_cases::update(&state, &user, id, &(&input).into()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(delete, path = "/api/v1/services/{id}", tag = "services", summary = "Remove a service (the supervisor or duty officer)",
    params(("id" = i64, Path)), responses((status = 204, description = "Removed")), security(("bearer" = [])))]
pub async fn remove(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<StatusCode> {
    use_cases::remove(&state, &user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
