//! `GET /api/v1/work-orders/similar` (before reporting) and
//! `GET /api/v1/work-orders/{id}/duplicates` (on triage): open work orders that likely
//! describe the same problem.

use crate::auth::CurrentUser;
use crate::error::ApiResult;
use crate::extract::{ApiPath, ApiQuery};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Utc};
use linli_app::work_orders::duplicates::{self as use_cases, Draft, Likely};
use linli_domain::access::mask_numbers;
use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LikelyDuplicate {
    pub(crate) id: i64,
    pub(crate) number: i64,
    pub(crate) status: String,
    pub(crate) status_label: String,
    /// As the caller may read it (a neighbour's numbers masked).
    pub(crate) description: String,
    pub(crate) created_at: DateTime<Utc>,
    /// Neighbours who said "我也遇到".
    pub(crate) me_too_count: i64,
    /// How alike the texts are, a share in [0, 1].
    pub(crate) similarity: f64,
}

pub(crate) fn view(likely: Likely) -> LikelyDuplicate {
    let order = likely.order;
    LikelyDuplicate {
        id: order.id,
        number: order.number,
        status: order.status.as_str().to_owned(),
        status_label: super::views::status_label(order.status.as_str()),
        description: if likely.public {
            mask_numbers(&order.description)
        } else {
            order.description
        },
        created_at: order.created_at,
        me_too_count: order.me_too_count,
        similarity: likely.similarity,
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SimilarQuery {
    community_id: Option<i64>,
    category_id: Option<i64>,
    /// A category's code, instead of its id.
    category: Option<String>,
    /// The reporter's home building when absent.
    building_id: Option<i64>,
    description: String,
}

#[utoipa::path(get, path = "/api/v1/work-orders/similar", tag = "work orders",
    summary = "Open work orders a report about to be made likely repeats (已有邻居反映过)",
    params(SimilarQuery), responses((status = 200, body = Vec<LikelyDuplicate>)), security(("bearer" = [])))]
pub async fn similar(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<SimilarQuery>,
) -> ApiResult<Json<Vec<LikelyDuplicate>>> {
    let draft = Draft {
        community_id: query.community_id,
        category_id: query.category_id,
        category: query.category,
        building_id: query.building_id,
        description: query.description,
    };
    let likely = use_cases::for_draft(&state, &user, &draft).await?;
    Ok(Json(likely.into_iter().map(view).collect()))
}

#[utoipa::path(get, path = "/api/v1/work-orders/{id}/duplicates", tag = "work orders",
    summary = "A work order's likely duplicates, for the office's triage",
    params(("id" = i64, Path)), responses((status = 200, body = Vec<LikelyDuplicate>)), security(("bearer" = [])))]
pub async fn duplicates(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<LikelyDuplicate>>> {
    let likely = use_cases::of_work_order(&state, &user, id).await?;
    Ok(Json(likely.into_iter().map(view).collect()))
}
