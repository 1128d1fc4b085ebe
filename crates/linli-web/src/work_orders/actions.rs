//! `POST /api/v1/work-orders/{id}/actions/{action}`: every step of the loop.

use super::views;
use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::extract::ApiPath;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Utc};
use linli_app::work_orders::{self as use_cases, ActionRequest};
use linli_domain::work_orders::ActionKind;
use serde::Deserialize;

/// The body of an action; each action reads the fields it needs.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionBody {
    /// The version the caller saw; refused with `work_order.version_conflict` if the
    /// work order changed since.
    pub(crate) version: Option<i64>,
    pub(crate) text: Option<String>,
    pub(crate) lead_organisation_id: Option<i64>,
    #[serde(default)]
    pub(crate) co_handler_ids: Vec<i64>,
    /// Dispatch: a handler of the lead party named to do it (承办人).
    pub(crate) assignee_id: Option<i64>,
    pub(crate) priority: Option<String>,
    pub(crate) rating: Option<i64>,
    pub(crate) accepted: Option<bool>,
    pub(crate) into_work_order_id: Option<i64>,
    pub(crate) until: Option<DateTime<Utc>>,
    pub(crate) grant: Option<bool>,
    pub(crate) deadline: Option<DateTime<Utc>>,
}

impl From<ActionBody> for ActionRequest {
    fn from(body: ActionBody) -> Self {
        Self {
            version: body.version,
            text: body.text,
            lead_organisation_id: body.lead_organisation_id,
            co_handler_ids: body.co_handler_ids,
            assignee_id: body.assignee_id,
            priority: body.priority,
            rating: body.rating,
            accepted: body.accepted,
            into_work_order_id: body.into_work_order_id,
            into_work_order_number: None,
            redispatch_confirmed: None,
            until: body.until,
            grant: body.grant,
            deadline: body.deadline,
        }
    }
}

#[utoipa::path(
    post,
    path = "/api/v1/work-orders/{id}/actions/{action}",
    tag = "work orders",
    summary = "Take an action of the loop",
    request_body = ActionBody,
    params(("id" = i64, Path, description = "Work order id"), ("action" = linli_domain::work_orders::ActionKind, Path, description = "dispatch, grab, sign, return, reply, note, urge, supervise, hold, resume, escalate, resolve, accept, reject, cancel, merge, me_too, return_visit, request_extension, decide_extension")),
    responses((status = 200, body = views::WorkOrderDetail)),
    security(("bearer" = []))
)]
pub async fn act(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((id, action)): ApiPath<(i64, String)>,
    body: axum::body::Bytes,
) -> ApiResult<Json<views::WorkOrderDetail>> {
    // Actions such as `sign` need no body at all; any body given must be valid JSON.
    let body: ActionBody = if body.iter().all(u8::is_ascii_whitespace) {
        ActionBody::default()
    } else {
        serde_json::from_slice(&body).map_err(|error| ApiError::invalid_body(error.to_string()))?
    };
    let kind = ActionKind::parse(&action)
        .ok_or_else(|| ApiError::not_found("work_order.action_unknown"))?;
    use_cases::take_action(&state, &user, id, kind, &body.into()).await?;
    Ok(Json(views::detail(
        &use_cases::read(&state, &user, id).await?,
    )))
}
