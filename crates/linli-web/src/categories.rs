//! `GET /api/v1/categories`: what a problem can be about, with icons and time limits.

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::extract::ApiQuery;
use crate::registry::visible_communities;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use linli_domain::calendar::TimeLimit;
use linli_domain::ids::CommunityId;
use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoryQuery {
    community_id: Option<i64>,
}

#[derive(Debug, Serialize)]
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

pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<CategoryQuery>,
) -> ApiResult<Json<Vec<CategoryView>>> {
    let visible = visible_communities(&state, &user).await?;
    let community = match query.community_id {
        Some(id) => visible
            .iter()
            .find(|community| community.id == id)
            .ok_or_else(ApiError::forbidden)?,
        None if visible.len() == 1 => &visible[0],
        None => {
            return Err(ApiError::from(linli_domain::ValidationError::new(
                "work_order.community_required",
                "community_id",
            )));
        }
    };
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
