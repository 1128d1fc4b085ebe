//! `/api/v1/meetings/{id}/…`: the table (participants, attendance) and the agenda
//! (items, order, defer, withdraw, decisions).

use super::super::projects::ProjectInput;
use crate::auth::CurrentUser;
use crate::dto::meetings::MeetingDetailView;
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiPath};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use linli_app::meetings::{self as use_cases, agenda, convene, decide, minutes};
use serde::{Deserialize, Serialize};

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InviteInput {
    /// A person with an account…
    pub(crate) person_id: Option<i64>,
    /// …or a name, for someone without one.
    pub(crate) name: Option<String>,
    /// Whom they speak for (爱猫居民, 党代表, a vendor…).
    pub(crate) represents: Option<String>,
    pub(crate) organisation_id: Option<i64>,
}

#[utoipa::path(post, path = "/api/v1/meetings/{id}/participants", tag = "meetings", summary = "Invite a participant (the \"X\")",
    params(("id" = i64, Path)), request_body = InviteInput, responses((status = 201, body = MeetingDetailView)), security(("bearer" = [])))]
pub async fn invite(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<InviteInput>,
) -> ApiResult<(StatusCode, Json<MeetingDetailView>)> {
    let request = convene::InviteRequest {
        person_id: input.person_id,
        name: input.name,
        represents: input.represents,
        organisation_id: input.organisation_id,
    };
    convene::invite(&state, &user, id, &request).await?;
    Ok((
        StatusCode::CREATED,
        Json(use_cases::read(&state, &user, id).await?.into()),
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttendanceMark {
    pub(crate) participant_id: i64,
    /// `present`, `absent` or `excused`.
    pub(crate) attendance: String,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttendanceInput {
    pub(crate) marks: Vec<AttendanceMark>,
}

#[utoipa::path(post, path = "/api/v1/meetings/{id}/attendance", tag = "meetings", summary = "Record attendance (all marks or none)",
    params(("id" = i64, Path)), request_body = AttendanceInput, responses((status = 200, body = MeetingDetailView)), security(("bearer" = [])))]
pub async fn attendance(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<AttendanceInput>,
) -> ApiResult<Json<MeetingDetailView>> {
    let marks: Vec<(i64, String)> = input
        .marks
        .into_iter()
        .map(|mark| (mark.participant_id, mark.attendance))
        .collect();
    minutes::record_attendance(&state, &user, id, &marks).await?;
    Ok(Json(use_cases::read(&state, &user, id).await?.into()))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemInput {
    /// An escalated work order of the community…
    pub(crate) work_order_id: Option<i64>,
    /// …or a free item's title.
    pub(crate) title: Option<String>,
    pub(crate) notes: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ItemCreated {
    id: i64,
    meeting_id: i64,
}

#[utoipa::path(post, path = "/api/v1/meetings/{id}/items", tag = "meetings", summary = "Put an escalated work order or a free item on the agenda",
    params(("id" = i64, Path)), request_body = ItemInput, responses((status = 201, body = ItemCreated)), security(("bearer" = [])))]
pub async fn add_item(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<ItemInput>,
) -> ApiResult<(StatusCode, Json<ItemCreated>)> {
    let request = agenda::ItemRequest {
        work_order_id: input.work_order_id,
        title: input.title,
        notes: input.notes,
    };
    let item = agenda::add_item(&state, &user, id, &request).await?;
    Ok((
        StatusCode::CREATED,
        Json(ItemCreated {
            id: item,
            meeting_id: id,
        }),
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderInput {
    /// Every item of the meeting, once, in the new order.
    pub(crate) item_ids: Vec<i64>,
}

#[utoipa::path(post, path = "/api/v1/meetings/{id}/items/order", tag = "meetings", summary = "Reorder the agenda",
    params(("id" = i64, Path)), request_body = OrderInput, responses((status = 200, body = MeetingDetailView)), security(("bearer" = [])))]
pub async fn reorder(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<OrderInput>,
) -> ApiResult<Json<MeetingDetailView>> {
    agenda::reorder(&state, &user, id, &input.item_ids).await?;
    Ok(Json(use_cases::read(&state, &user, id).await?.into()))
}

#[utoipa::path(post, path = "/api/v1/meetings/{id}/items/{item_id}/withdraw", tag = "meetings", summary = "Withdraw an open item",
    params(("id" = i64, Path), ("item_id" = i64, Path)), responses((status = 200, body = MeetingDetailView)), security(("bearer" = [])))]
pub async fn withdraw(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((id, item)): ApiPath<(i64, i64)>,
) -> ApiResult<Json<MeetingDetailView>> {
    agenda::withdraw(&state, &user, id, item).await?;
    Ok(Json(use_cases::read(&state, &user, id).await?.into()))
}

#[utoipa::path(post, path = "/api/v1/meetings/{id}/items/{item_id}/defer", tag = "meetings", summary = "Defer an open item to the next meeting",
    params(("id" = i64, Path), ("item_id" = i64, Path)), responses((status = 200, body = ItemCreated)), security(("bearer" = [])))]
pub async fn defer(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((id, item)): ApiPath<(i64, i64)>,
) -> ApiResult<Json<ItemCreated>> {
    let (meeting_id, id) = agenda::defer(&state, &user, id, item).await?;
    Ok(Json(ItemCreated { id, meeting_id }))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionInput {
    pub(crate) text: String,
    pub(crate) lead_organisation_id: Option<i64>,
    #[serde(default)]
    pub(crate) co_organisation_ids: Vec<i64>,
    pub(crate) deadline: Option<DateTime<Utc>>,
    /// `record` (default), `start_project`, `resolve`.
    pub(crate) action: Option<String>,
    /// For `start_project`.
    pub(crate) project: Option<ProjectInput>,
    /// For `start_project`: put the linked work orders on hold awaiting it.
    #[serde(default)]
    pub(crate) hold_work_orders: bool,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DecisionMade {
    project_id: Option<i64>,
    /// Work orders put on hold or resolved by it.
    work_orders_changed: Vec<i64>,
}

#[utoipa::path(post, path = "/api/v1/meetings/{id}/items/{item_id}/decision", tag = "meetings", summary = "Decide an item: text, lead party, co-parties, deadline, action",
    params(("id" = i64, Path), ("item_id" = i64, Path)), request_body = DecisionInput, responses((status = 200, body = DecisionMade)), security(("bearer" = [])))]
pub async fn decision(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((id, item)): ApiPath<(i64, i64)>,
    ApiJson(input): ApiJson<DecisionInput>,
) -> ApiResult<Json<DecisionMade>> {
    let request = decide::DecisionRequest {
        text: input.text,
        lead_organisation_id: input.lead_organisation_id,
        co_organisation_ids: input.co_organisation_ids,
        deadline: input.deadline,
        action: input.action,
        project: input.project.map(Into::into),
        hold_work_orders: input.hold_work_orders,
    };
    let outcome = decide::decide(&state, &user, id, item, &request).await?;
    Ok(Json(DecisionMade {
        project_id: outcome.project_id,
        work_orders_changed: outcome.work_orders_changed,
    }))
}
