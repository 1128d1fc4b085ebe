//! The work-order API: report, list, read, and act on work orders. The rules are
//! `linli_app::work_orders`; these handlers parse, call it and answer.

pub(crate) mod actions;
pub(crate) mod views;

pub use actions::act;

pub mod duplicates;
pub mod export;
use crate::auth::CurrentUser;
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use linli_app::work_orders::{self as use_cases, ListRequest, Report};
use serde::{Deserialize, Serialize};

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewWorkOrderInput {
    pub(crate) community_id: Option<i64>,
    pub(crate) category_id: Option<i64>,
    /// A category's code (`high_altitude_throwing`), instead of its id.
    pub(crate) category: Option<String>,
    pub(crate) description: String,
    pub(crate) building_id: Option<i64>,
    pub(crate) room_id: Option<i64>,
    pub(crate) place: Option<String>,
    pub(crate) channel: Option<String>,
    /// Staff reporting for a resident who has an account.
    pub(crate) reporter_id: Option<i64>,
    /// Staff reporting for someone without an account.
    pub(crate) guest_name: Option<String>,
    pub(crate) guest_phone: Option<String>,
    pub(crate) is_public: Option<bool>,
    /// The walk-in visit this comes from.
    pub(crate) visit_id: Option<i64>,
}

impl From<NewWorkOrderInput> for Report {
    fn from(input: NewWorkOrderInput) -> Self {
        Self {
            community_id: input.community_id,
            category_id: input.category_id,
            category: input.category,
            description: input.description,
            building_id: input.building_id,
            room_id: input.room_id,
            place: input.place,
            channel: input.channel,
            reporter_id: input.reporter_id,
            guest_name: input.guest_name,
            guest_phone: input.guest_phone,
            is_public: input.is_public,
            visit_id: input.visit_id,
        }
    }
}

/// `POST /api/v1/work-orders`: a resident reports a problem, or the desk reports one for
/// a visitor or caller.
#[utoipa::path(
    post,
    path = "/api/v1/work-orders",
    tag = "work orders",
    summary = "Report a problem (residents), or take one for a visitor or caller (desk)",
    request_body = NewWorkOrderInput,
    responses((status = 201, body = views::WorkOrderDetail)),
    security(("bearer" = []))
)]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<NewWorkOrderInput>,
) -> ApiResult<(StatusCode, Json<views::WorkOrderDetail>)> {
    let created = use_cases::report(&state, &user, input.into()).await?;
    Ok((StatusCode::CREATED, Json(views::detail(&created))))
}

/// `GET /api/v1/work-orders/{id}`
#[utoipa::path(
    get,
    path = "/api/v1/work-orders/{id}",
    tag = "work orders",
    summary = "A work order as the caller may see it, with timeline and allowed actions",
    params(("id" = i64, Path, description = "Work order id")),
    responses((status = 200, body = views::WorkOrderDetail)),
    security(("bearer" = []))
)]
pub async fn get(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<views::WorkOrderDetail>> {
    Ok(Json(views::detail(
        &use_cases::read(&state, &user, id).await?,
    )))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    pub(crate) community_id: Option<i64>,
    /// One status or several, comma-separated.
    pub(crate) status: Option<String>,
    pub(crate) category_id: Option<i64>,
    pub(crate) building_id: Option<i64>,
    /// Only the buildings of this grid (网格).
    pub(crate) grid_id: Option<i64>,
    pub(crate) lead_organisation_id: Option<i64>,
    /// Only those this handler has (承办人).
    pub(crate) assignee_id: Option<i64>,
    pub(crate) overdue: Option<bool>,
    /// Only those the supervisor has supervised (督办).
    pub(crate) supervised: Option<bool>,
    /// Only those put on the joint meeting's agenda.
    pub(crate) escalated: Option<bool>,
    /// Only mine: reported or followed by me (residents), or my organisations' (handlers).
    pub(crate) mine: Option<bool>,
    pub(crate) q: Option<String>,
    pub(crate) created_from: Option<DateTime<Utc>>,
    pub(crate) created_to: Option<DateTime<Utc>>,
    /// `newest` (default), `oldest`, or `deadline` (nearest resolve deadline first).
    pub(crate) sort: Option<String>,
    pub(crate) cursor: Option<String>,
    pub(crate) limit: Option<i64>,
}

impl From<ListQuery> for ListRequest {
    fn from(query: ListQuery) -> Self {
        Self {
            community_id: query.community_id,
            status: query.status,
            category_id: query.category_id,
            building_id: query.building_id,
            grid_id: query.grid_id,
            lead_organisation_id: query.lead_organisation_id,
            assignee_id: query.assignee_id,
            overdue: query.overdue.unwrap_or(false),
            supervised: query.supervised.unwrap_or(false),
            escalated: query.escalated.unwrap_or(false),
            mine: query.mine.unwrap_or(false),
            q: query.q,
            created_from: query.created_from,
            created_to: query.created_to,
            sort: query.sort,
            cursor: query.cursor,
            limit: query.limit,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Page {
    pub(crate) items: Vec<views::WorkOrderSummary>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub(crate) next_cursor: Option<String>,
}

impl From<use_cases::ListPage> for Page {
    fn from(page: use_cases::ListPage) -> Self {
        Self {
            items: page
                .rows
                .iter()
                .map(|row| {
                    let public = page
                        .public_but_for
                        .is_some_and(|person| row.reporter_id != Some(person.0));
                    views::summary(row, page.now, public)
                })
                .collect(),
            next_cursor: page.next_cursor,
        }
    }
}

/// `GET /api/v1/work-orders`: residents see their own (and, without `mine`, the public
/// ones of their community); staff see their community's.
#[utoipa::path(
    get,
    path = "/api/v1/work-orders",
    tag = "work orders",
    summary = "Work orders, filtered, newest first, by pages",
    params(ListQuery),
    responses((status = 200, body = Page)),
    security(("bearer" = []))
)]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> ApiResult<Json<Page>> {
    Ok(Json(
        use_cases::list(&state, &user, &query.into()).await?.into(),
    ))
}
