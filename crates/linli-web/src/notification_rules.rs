//! A community's inbox rules: who hears of each topic. The supervisor or an
//! administrator replaces the default of a topic (say, co-handlers also hear of a
//! dispatch, or the desk hears of what is resolved so it can call guests back) or puts
//! it back on the default.

use crate::auth::CurrentUser;
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiQuery};
use crate::notify::{CommunityQuery, may_configure};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use linli_domain::ids::{CommunityId, PersonId};
use linli_domain::notifications::{
    TOPICS, audiences_from_text, audiences_to_text, default_audiences, parse_audiences, parse_topic,
};
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

/// The rules in force for every topic of a community.
pub async fn rules_in_force(state: &AppState, community: CommunityId) -> ApiResult<Vec<RuleView>> {
    let chosen = state.store.notification_rules(community).await?;
    Ok(TOPICS
        .into_iter()
        .map(
            |topic| match chosen.iter().find(|rule| rule.topic == topic) {
                Some(rule) => RuleView {
                    topic,
                    audiences: audiences_from_text(&rule.audiences)
                        .into_iter()
                        .map(|audience| audience.as_str())
                        .collect(),
                    is_default: false,
                    updated_by: Some(rule.updated_by),
                    updated_at: Some(rule.updated_at),
                },
                None => RuleView {
                    topic,
                    audiences: default_audiences(topic)
                        .iter()
                        .map(|audience| audience.as_str())
                        .collect(),
                    is_default: true,
                    updated_by: None,
                    updated_at: None,
                },
            },
        )
        .collect())
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
    may_configure(&state, &user, query.community_id).await?;
    Ok(Json(
        rules_in_force(&state, CommunityId(query.community_id)).await?,
    ))
}

/// Puts a topic back on the default rule; shared with the administration page.
pub async fn reset_rule(
    state: &AppState,
    user: &CurrentUser,
    community: i64,
    topic: &str,
) -> ApiResult<()> {
    may_configure(state, user, community).await?;
    let topic = parse_topic(topic)?;
    state
        .store
        .clear_notification_rule(CommunityId(community), topic)
        .await?;
    Ok(())
}

/// Sets a community's own rule for a topic; shared with the administration page.
pub async fn set_rule(
    state: &AppState,
    user: &CurrentUser,
    community: i64,
    topic: &str,
    audiences: &[String],
) -> ApiResult<()> {
    may_configure(state, user, community).await?;
    let topic = parse_topic(topic)?;
    let audiences = parse_audiences(audiences)?;
    state
        .store
        .set_notification_rule(
            CommunityId(community),
            topic,
            &audiences_to_text(&audiences),
            PersonId(user.person.0),
            state.clock.now(),
        )
        .await?;
    Ok(())
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
    set_rule(&state, &user, input.community_id, &topic, &input.audiences).await?;
    Ok(Json(
        rules_in_force(&state, CommunityId(input.community_id)).await?,
    ))
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
    reset_rule(&state, &user, query.community_id, &topic).await?;
    Ok(StatusCode::NO_CONTENT)
}
