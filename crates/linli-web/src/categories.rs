//! `GET /api/v1/categories`: what a problem can be about, with icons and time limits.

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;
use crate::work_orders::community_of_request;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use linli_domain::ValidationError;
use linli_domain::calendar::TimeLimit;
use linli_domain::ids::CommunityId;
use linli_domain::permissions::RegistryAction;
use linli_domain::registry::Name;
use linli_store::work_orders::Category;
use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CategoryQuery {
    community_id: Option<i64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CategoryView {
    id: i64,
    code: String,
    name: String,
    name_en: String,
    icon: String,
    sign_limit: Option<TimeLimit>,
    resolve_limit: Option<TimeLimit>,
    complex: bool,
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
    let community = community_of_request(&state, &user, query.community_id).await?;
    let categories = state.store.categories(CommunityId(community.id)).await?;
    Ok(Json(
        categories
            .into_iter()
            .filter(|category| category.active)
            .map(|category| CategoryView {
                sign_limit: TimeLimit::from_parts(
                    &category.sign_limit_kind,
                    category.sign_limit_minutes,
                ),
                resolve_limit: TimeLimit::from_parts(
                    &category.resolve_limit_kind,
                    category.resolve_limit_minutes,
                ),
                id: category.id,
                code: category.code,
                name: category.name,
                name_en: category.name_en,
                icon: category.icon,
                complex: category.complex,
            })
            .collect(),
    ))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CategoryInput {
    pub(crate) community_id: Option<i64>,
    pub(crate) code: Option<String>,
    pub(crate) name: Option<String>,
    pub(crate) name_en: Option<String>,
    pub(crate) icon: Option<String>,
    pub(crate) sign_limit: Option<TimeLimit>,
    pub(crate) resolve_limit: Option<TimeLimit>,
    pub(crate) complex: Option<bool>,
    pub(crate) active: Option<bool>,
}

/// The longest limit a category may have: a year of working time.
const LONGEST_LIMIT_MINUTES: u32 = 250 * TimeLimit::WORKING_DAY_MINUTES;

fn check_limit(limit: TimeLimit, field: &'static str) -> ApiResult<(&'static str, i64)> {
    let minutes = match limit {
        TimeLimit::CalendarMinutes(minutes) | TimeLimit::WorkingMinutes(minutes) => minutes,
        TimeLimit::SameWorkingDay => 1,
    };
    if minutes == 0 || minutes > LONGEST_LIMIT_MINUTES {
        return Err(ValidationError::new("validation.out_of_range", field).into());
    }
    Ok(limit.to_parts())
}

fn apply(category: &mut Category, input: &CategoryInput) -> ApiResult<()> {
    if let Some(name) = &input.name {
        category.name = Name::parse(name, "name", 20)?.into_string();
    }
    if let Some(name_en) = &input.name_en {
        category.name_en = Name::parse(name_en, "name_en", 40)?.into_string();
    }
    if let Some(icon) = &input.icon {
        category.icon = Name::parse(icon, "icon", 4)?.into_string();
    }
    if let Some(limit) = input.sign_limit {
        (category.sign_limit_kind, category.sign_limit_minutes) =
            check_limit(limit, "sign_limit").map(|(kind, minutes)| (kind.to_owned(), minutes))?;
    }
    if let Some(limit) = input.resolve_limit {
        (category.resolve_limit_kind, category.resolve_limit_minutes) =
            check_limit(limit, "resolve_limit")
                .map(|(kind, minutes)| (kind.to_owned(), minutes))?;
    }
    if let Some(complex) = input.complex {
        category.complex = complex;
    }
    if let Some(active) = input.active {
        category.active = active;
    }
    Ok(())
}

/// `POST /api/v1/categories`: a new category for a community (its administrator).
#[utoipa::path(
    post,
    path = "/api/v1/categories",
    tag = "work orders",
    summary = "Add a category (community administrator)",
    request_body = CategoryInput,
    responses((status = 201, body = linli_store::work_orders::Category)),
    security(("bearer" = []))
)]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<CategoryInput>,
) -> ApiResult<(StatusCode, Json<Category>)> {
    let community_id = input.community_id.ok_or_else(|| {
        ApiError::from(ValidationError::new("validation.required", "community_id"))
    })?;
    let community = state.store.community(CommunityId(community_id)).await?;
    user.require(RegistryAction::ManageCategories, community.place())?;
    let code = input.code.as_deref().unwrap_or_default().trim().to_owned();
    let well_formed = (2..=40).contains(&code.len())
        && code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !well_formed {
        return Err(ValidationError::new("work_order.category_code_invalid", "code").into());
    }
    if input.name.is_none() || input.sign_limit.is_none() || input.resolve_limit.is_none() {
        let field = if input.name.is_none() {
            "name"
        } else if input.sign_limit.is_none() {
            "sign_limit"
        } else {
            "resolve_limit"
        };
        return Err(ValidationError::new("validation.required", field).into());
    }
    let mut category = Category {
        id: 0,
        community_id,
        code,
        name: String::new(),
        name_en: String::new(),
        icon: "📋".to_owned(),
        sign_limit_kind: String::new(),
        sign_limit_minutes: 0,
        resolve_limit_kind: String::new(),
        resolve_limit_minutes: 0,
        complex: false,
        position: 0,
        active: true,
    };
    apply(&mut category, &input)?;
    if category.name_en.is_empty() {
        category.name_en.clone_from(&category.name);
    }
    Ok((
        StatusCode::CREATED,
        Json(state.store.create_category(&category).await?),
    ))
}

/// `PATCH /api/v1/categories/{id}`: names, icon, time limits, complexity, offered or not.
#[utoipa::path(
    patch,
    path = "/api/v1/categories/{id}",
    tag = "work orders",
    summary = "Change a category",
    request_body = CategoryInput,
    params(("id" = i64, Path, description = "Category id")),
    responses((status = 200, body = linli_store::work_orders::Category)),
    security(("bearer" = []))
)]
pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<CategoryInput>,
) -> ApiResult<Json<Category>> {
    let mut category = state.store.category(id).await?;
    let community = state
        .store
        .community(CommunityId(category.community_id))
        .await?;
    user.require(RegistryAction::ManageCategories, community.place())?;
    if input.community_id.is_some() || input.code.is_some() {
        return Err(ValidationError::new("work_order.category_code_fixed", "code").into());
    }
    apply(&mut category, &input)?;
    Ok(Json(state.store.update_category(&category).await?))
}
