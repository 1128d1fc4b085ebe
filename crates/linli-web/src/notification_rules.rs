//! A community's inbox rules: who hears of each topic. The supervisor or an
//! administrator replaces the default of a topic (say, co-handlers also hear of a
//! dispatch, or the desk hears of what is resolved so it can call guests back) or puts
//! it back on the default.

use crate::auth::CurrentUser;
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiQuery};
use crate::notify::CommunityQuery;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use linli_app::notifications::{self as use_cases, RuleInForce};
use serde::{Deserialize, Serialize};

/// The rule in force for one topic.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RuleView {
    pub(crate) topic: &'static str,
    /// Whose inbox hears of it: `duty_officers`, `supervisors`, `receptionists`,
    /// `lead_party`, `co_handlers`, `reporter`, `followers`.
    pub(crate) audiences: Vec<&'static str>,
    /// Whether this is the default rule (the community set none of its own).
    pub(crate) is_default: bool,
    /// Who last set the community's own rule, and when.
    updated_by: Option<i64>,
    updated_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleInput {
    community_id: i64,
    /// The audiences; an empty list sends the topic to nobody's inbox (channels that
    /// want the topic still get it).
    audiences: Vec<String>,
}

impl From<RuleInForce> for RuleView {
    fn from(rule: RuleInForce) -> Self {
        Self {
            topic: rule.topic.as_str(),
            audiences: rule
                .audiences
                .into_iter()
                .map(|audience| audience.as_str())
                .collect(),
            is_default: rule.is_default,
            updated_by: rule.updated_by,
            updated_at: rule.updated_at,
        }
    }
}

fn views(rules: Vec<RuleInForce>) -> Vec<RuleView> {
    rules.into_iter().map(RuleView::from).collect()
}

/// `GET /api/v1/notification-rules?community_id=`
#[utoipa::path(
    get,
    path = "/api/v1/notification-rules",
    tag = "notifications",
    summary = "Whose inbox hears of each topic in a community",
    params(CommunityQuery),
    responses((status = 200, body = Vec<RuleView>)),
    security(("bearer" = []))
)]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<CommunityQuery>,
) -> ApiResult<Json<Vec<RuleView>>> {
    Ok(Json(views(
        use_cases::rules(&state, &user, query.community_id).await?,
    )))
}

/// `PUT /api/v1/notification-rules/{topic}`
#[utoipa::path(
    put,
    path = "/api/v1/notification-rules/{topic}",
    tag = "notifications",
    summary = "Set who hears of a topic in a community",
    params(("topic" = String, Path, description = "`work_order.dispatched`, …")),
    request_body = RuleInput,
    responses((status = 200, body = Vec<RuleView>, description = "The rules now in force")),
    security(("bearer" = []))
)]
pub async fn put(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(topic): Path<String>,
    ApiJson(input): ApiJson<RuleInput>,
) -> ApiResult<Json<Vec<RuleView>>> {
    use_cases::set_rule(&state, &user, input.community_id, &topic, &input.audiences).await?;
    Ok(Json(views(
        use_cases::rules(&state, &user, input.community_id).await?,
    )))
}

/// `DELETE /api/v1/notification-rules/{topic}?community_id=`: back to the default.
#[utoipa::path(
    delete,
    path = "/api/v1/notification-rules/{topic}",
    tag = "notifications",
    summary = "Put a topic back on the default rule",
    params(
        ("topic" = String, Path, description = "`work_order.dispatched`, …"),
        CommunityQuery
    ),
    responses((status = 204)),
    security(("bearer" = []))
)]
pub async fn reset(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(topic): Path<String>,
    ApiQuery(query): ApiQuery<CommunityQuery>,
) -> ApiResult<StatusCode> {
    use_cases::reset_rule(&state, &user, query.community_id, &topic).await?;
    Ok(StatusCode::NO_CONTENT)
}
