//! `GET /api/v1/categories`: what a problem can be about, with icons and time limits.

use crate::auth::CurrentUser;
use crate::dto::categories::{CategorySettings, CategoryView};
use crate::dto::from_rows;
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use linli_app::categories::{self, CategoryRequest};
use linli_domain::calendar::TimeLimit;
use serde::Deserialize;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CategoryQuery {
    community_id: Option<i64>,
}

#[utoipa::path(
    get,
    path = "/api/v1/categories",
    tag = "work orders",
    summary = "Categories offered, with icons and time limits",
    params(CategoryQuery),
    responses((status = 200, body = Vec<CategoryView>)),
    security(("bearer" = []))
)]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<CategoryQuery>,
) -> ApiResult<Json<Vec<CategoryView>>> {
    Ok(Json(from_rows(
        categories::offered(&state, &user, query.community_id).await?,
    )))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CategoryInput {
    pub(crate) community_id: Option<i64>,
    pub(crate) code: Option<String>,
    pub(crate) name: Option<String>,
    pub(crate) name_en: Option<String>,
    pub(crate) icon: Option<String>,
    /// To be dispatched within; on a new category, as long as `sign_limit` when absent.
    pub(crate) triage_limit: Option<TimeLimit>,
    pub(crate) sign_limit: Option<TimeLimit>,
    pub(crate) resolve_limit: Option<TimeLimit>,
    pub(crate) complex: Option<bool>,
    pub(crate) active: Option<bool>,
    /// The party that usually leads it (`null` clears it); the dispatch form starts
    /// from it.
    #[serde(default, deserialize_with = "present")]
    pub(crate) default_lead_organisation_id: Option<Option<i64>>,
    /// The parties that usually co-handle it (the responsibility charter); `[]` clears
    /// them.
    pub(crate) default_co_handler_ids: Option<Vec<i64>>,
    /// How its work orders find their handler: `assign` (the duty officer dispatches),
    /// `grab` (registered handlers take them, 抢单) or `round_robin` (轮派).
    pub(crate) dispatch_mode: Option<String>,
    /// Most unfinished work orders a handler may hold in grab and round-robin modes
    /// (1–50).
    pub(crate) open_cap: Option<i64>,
}

/// A field that may be absent (no change), `null` (cleared) or a value.
fn present<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Option<i64>>, D::Error> {
    Ok(Some(Option::<i64>::deserialize(deserializer)?))
}

impl From<CategoryInput> for CategoryRequest {
    fn from(input: CategoryInput) -> Self {
        Self {
            community_id: input.community_id,
            code: input.code,
            name: input.name,
            name_en: input.name_en,
            icon: input.icon,
            triage_limit: input.triage_limit,
            sign_limit: input.sign_limit,
            resolve_limit: input.resolve_limit,
            complex: input.complex,
            active: input.active,
            default_lead_organisation_id: input.default_lead_organisation_id,
            default_co_handler_ids: input.default_co_handler_ids,
            dispatch_mode: input.dispatch_mode,
            open_cap: input.open_cap,
        }
    }
}

/// `POST /api/v1/categories`: a new category for a community (its administrator).
#[utoipa::path(
    post,
    path = "/api/v1/categories",
    tag = "work orders",
    summary = "Add a category (community administrator)",
    request_body = CategoryInput,
    responses((status = 201, body = CategorySettings)),
    security(("bearer" = []))
)]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<CategoryInput>,
) -> ApiResult<(StatusCode, Json<CategorySettings>)> {
    let category = categories::create(&state, &user, &input.into()).await?;
    Ok((StatusCode::CREATED, Json(category.into())))
}

/// `PATCH /api/v1/categories/{id}`: names, icon, time limits, complexity, offered or not.
#[utoipa::path(
    patch,
    path = "/api/v1/categories/{id}",
    tag = "work orders",
    summary = "Change a category",
    request_body = CategoryInput,
    params(("id" = i64, Path, description = "Category id")),
    responses((status = 200, body = CategorySettings)),
    security(("bearer" = []))
)]
pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<CategoryInput>,
) -> ApiResult<Json<CategorySettings>> {
    Ok(Json(
        categories::update(&state, &user, id, &input.into())
            .await?
            .into(),
    ))
}
