//! Dispatch modes over HTTP: the handlers registered for a category, and a handler's grab
//! list. Taking a work order from it is the loop's action
//! (`POST /api/v1/work-orders/{id}/actions/grab`).

use crate::auth::CurrentUser;
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiPath};
use crate::state::AppState;
use crate::work_orders::views::{self, WorkOrderSummary};
use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Utc};
use linli_app::dispatch_modes as use_cases;
use linli_store::dispatch_modes::RegisteredHandler;
use serde::{Deserialize, Serialize};

/// A handler registered for a category.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = CategoryHandler)]
pub struct HandlerView {
    person_id: i64,
    display_name: String,
    /// The party they handle for in the category's community.
    organisation_id: Option<i64>,
    /// When they were last given or took a work order (the turn goes to whoever waited
    /// longest).
    last_assigned_at: Option<DateTime<Utc>>,
    /// Unfinished work orders they have now (待处理, 处理中, 挂起).
    open: i64,
}

impl From<RegisteredHandler> for HandlerView {
    fn from(row: RegisteredHandler) -> Self {
        Self {
            person_id: row.person_id,
            display_name: row.display_name,
            organisation_id: row.organisation_id,
            last_assigned_at: row.last_assigned_at,
            open: row.open,
        }
    }
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HandlersInput {
    /// Everyone registered from now on: handlers of the category's community.
    person_ids: Vec<i64>,
}

#[utoipa::path(
    get,
    path = "/api/v1/categories/{id}/handlers",
    tag = "work orders",
    summary = "Handlers registered for a category (grab and round-robin modes)",
    params(("id" = i64, Path, description = "Category id")),
    responses((status = 200, body = [HandlerView]), (status = 403), (status = 404)),
    security(("bearer" = []))
)]
pub async fn handlers(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<HandlerView>>> {
    let rows = use_cases::handlers(&state, &user, id).await?;
    Ok(Json(rows.into_iter().map(HandlerView::from).collect()))
}

#[utoipa::path(
    put,
    path = "/api/v1/categories/{id}/handlers",
    tag = "work orders",
    summary = "Set who is registered for a category (administrator, supervisor, duty officer)",
    params(("id" = i64, Path, description = "Category id")),
    request_body = HandlersInput,
    responses((status = 200, body = [HandlerView]), (status = 403), (status = 422)),
    security(("bearer" = []))
)]
pub async fn set_handlers(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<HandlersInput>,
) -> ApiResult<Json<Vec<HandlerView>>> {
    let rows = use_cases::set_handlers(&state, &user, id, &input.person_ids).await?;
    Ok(Json(rows.into_iter().map(HandlerView::from).collect()))
}

/// What a handler may grab now.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct GrabList {
    /// Unfinished work orders the caller has now; a grab past a category's cap is
    /// refused with `work_order.grab_cap_reached`.
    open: i64,
    /// Waiting work orders of the grab-mode categories the caller is registered for,
    /// the longest waiting first.
    work_orders: Vec<WorkOrderSummary>,
}

#[utoipa::path(
    get,
    path = "/api/v1/work-orders/grabbable",
    tag = "work orders",
    summary = "A handler's grab list (抢单)",
    responses((status = 200, body = GrabList), (status = 403)),
    security(("bearer" = []))
)]
pub async fn grabbable(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<GrabList>> {
    let list = use_cases::grab_list(&state, &user).await?;
    let now = state.clock.now();
    Ok(Json(GrabList {
        open: list.open,
        work_orders: list
            .orders
            .iter()
            .map(|order| views::summary(order, now, false))
            .collect(),
    }))
}
