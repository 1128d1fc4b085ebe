//! Claims of a room over HTTP: the pickers, a claim, the caller's claims, the
//! committee's queue and decision; an owner's household (invitations, removal).

use crate::auth::CurrentUser;
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use linli_app::accounts::claims::{self as use_cases, ClaimInput, PlaceChoice};
use linli_app::accounts::members::{self, InvitationInput};
use linli_store::accounts::{ClaimRow, RoomMember};
use serde::{Deserialize, Serialize};

/// A claim of a room.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = RoomClaim)]
pub struct ClaimView {
    id: i64,
    community_id: i64,
    room_id: i64,
    /// The room as people say it (`7号楼1单元302室`).
    room: String,
    /// `owner`, `family` or `tenant`.
    relation: String,
    /// `pending` (待核实), `confirmed` or `refused`.
    status: String,
    /// Why it was refused.
    reason: Option<String>,
    created_at: DateTime<Utc>,
    decided_at: Option<DateTime<Utc>>,
    /// Who claims it: the claimant themself, or the committee checking it.
    person_id: i64,
    display_name: String,
    phone: Option<String>,
}

impl From<ClaimRow> for ClaimView {
    fn from(row: ClaimRow) -> Self {
        Self {
            room: linli_app::work_orders::room_label(
                &row.building_name,
                &row.unit_number,
                &row.room_number,
            ),
            id: row.id,
            community_id: row.community_id,
            room_id: row.room_id,
            relation: row.relation.0.as_str().to_owned(),
            status: row.status.as_str().to_owned(),
            reason: row.reason,
            created_at: row.created_at,
            decided_at: row.decided_at,
            person_id: row.person_id,
            display_name: row.display_name,
            phone: row.phone,
        }
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct PlacesQuery {
    community_id: Option<i64>,
    estate_id: Option<i64>,
    building_id: Option<i64>,
    unit_id: Option<i64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PlaceOption {
    id: i64,
    name: String,
}

/// The choices of the next picker.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PlacesView {
    /// `community`, `estate`, `building`, `unit` or `room`.
    level: &'static str,
    options: Vec<PlaceOption>,
}

#[utoipa::path(
    get,
    path = "/api/v1/accounts/places",
    tag = "accounts",
    summary = "The room pickers: communities, then estates, buildings, units, rooms",
    params(PlacesQuery),
    responses((status = 200, body = PlacesView), (status = 422)),
    security(("bearer" = []))
)]
pub async fn places(
    State(state): State<AppState>,
    _user: CurrentUser,
    ApiQuery(query): ApiQuery<PlacesQuery>,
) -> ApiResult<Json<PlacesView>> {
    let places = use_cases::places(
        &state,
        PlaceChoice {
            community_id: query.community_id,
            estate_id: query.estate_id,
            building_id: query.building_id,
            unit_id: query.unit_id,
        },
    )
    .await?;
    Ok(Json(PlacesView {
        level: places.level,
        options: places
            .options
            .into_iter()
            .map(|(id, name)| PlaceOption { id, name })
            .collect(),
    }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClaimRequest {
    /// The claimant's name, given (or corrected) with the claim.
    display_name: Option<String>,
    room_id: Option<i64>,
    /// `owner`, `family` or `tenant`.
    relation: String,
    /// The community the room must be in.
    community_id: Option<i64>,
}

#[utoipa::path(
    post,
    path = "/api/v1/accounts/claims",
    tag = "accounts",
    summary = "Claim a room (owner, family member, tenant); it waits for the committee",
    request_body = ClaimRequest,
    responses(
        (status = 201, body = ClaimView),
        (status = 409, description = "`accounts.claim_pending`: a claim of this room waits already"),
        (status = 422, description = "`accounts.room_unknown`, `registry.room_relation_unknown`, `accounts.already_living_there` …")
    ),
    security(("bearer" = []))
)]
pub async fn claim(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<ClaimRequest>,
) -> ApiResult<(StatusCode, Json<ClaimView>)> {
    let row = use_cases::claim_room(
        &state,
        &user,
        ClaimInput {
            display_name: input.display_name,
            room_id: input.room_id,
            relation: input.relation,
            community_id: input.community_id,
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(row.into())))
}

#[utoipa::path(
    get,
    path = "/api/v1/accounts/claims/mine",
    tag = "accounts",
    summary = "The caller's claims, the latest first",
    responses((status = 200, body = [ClaimView])),
    security(("bearer" = []))
)]
pub async fn mine(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<Vec<ClaimView>>> {
    let rows = use_cases::mine(&state, &user).await?;
    Ok(Json(rows.into_iter().map(ClaimView::from).collect()))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct QueueQuery {
    community_id: Option<i64>,
    /// `pending` (the default), `confirmed` or `refused`.
    status: Option<String>,
}

#[utoipa::path(
    get,
    path = "/api/v1/accounts/claims",
    tag = "accounts",
    summary = "The committee's queue of claims (居委会; 业委会 for owners; the supervisor reads)",
    params(QueueQuery),
    responses((status = 200, body = [ClaimView]), (status = 403)),
    security(("bearer" = []))
)]
pub async fn queue(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<QueueQuery>,
) -> ApiResult<Json<Vec<ClaimView>>> {
    let rows = use_cases::queue(&state, &user, query.community_id, query.status.as_deref()).await?;
    Ok(Json(rows.into_iter().map(ClaimView::from).collect()))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionRequest {
    /// `confirm` or `refuse`.
    decision: String,
    /// Needed to refuse; told to the claimant.
    reason: Option<String>,
}

#[utoipa::path(
    post,
    path = "/api/v1/accounts/claims/{id}/decision",
    tag = "accounts",
    summary = "Confirm or refuse a claim (with a reason); the claimant is told",
    params(("id" = i64, Path, description = "Claim id")),
    request_body = DecisionRequest,
    responses(
        (status = 200, body = ClaimView),
        (status = 403), (status = 404),
        (status = 409, description = "`accounts.claim_decided`"),
        (status = 422, description = "`accounts.reason_required`, `accounts.decision_unknown`")
    ),
    security(("bearer" = []))
)]
pub async fn decide(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<DecisionRequest>,
) -> ApiResult<Json<ClaimView>> {
    let row =
        use_cases::decide(&state, &user, id, &input.decision, input.reason.as_deref()).await?;
    Ok(Json(row.into()))
}

/// Someone of a room as its owner sees them, or an invitation not yet taken up.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MemberView {
    invitation_id: Option<i64>,
    /// None until the invited number signs in.
    person_id: Option<i64>,
    display_name: Option<String>,
    phone: String,
    /// `owner`, `family` or `tenant`.
    relation: String,
    /// A tenant's access ends then.
    ends_at: Option<DateTime<Utc>>,
    accepted_at: Option<DateTime<Utc>>,
}

impl From<RoomMember> for MemberView {
    fn from(row: RoomMember) -> Self {
        Self {
            invitation_id: row.invitation_id,
            person_id: row.person_id,
            display_name: row.display_name,
            phone: row.phone,
            relation: row.relation,
            ends_at: row.ends_at,
            accepted_at: row.accepted_at,
        }
    }
}

fn views(rows: Vec<RoomMember>) -> Json<Vec<MemberView>> {
    Json(rows.into_iter().map(MemberView::from).collect())
}

#[utoipa::path(
    get,
    path = "/api/v1/accounts/rooms/{id}/members",
    tag = "accounts",
    summary = "An owner's household: the room's people and waiting invitations",
    params(("id" = i64, Path, description = "Room id")),
    responses((status = 200, body = [MemberView]), (status = 403), (status = 404)),
    security(("bearer" = []))
)]
pub async fn room_members(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<MemberView>>> {
    Ok(views(members::members(&state, &user, id).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InvitationRequest {
    phone: String,
    /// `family` or `tenant`.
    relation: String,
    /// A tenant's last day (`2027-06-30`, Shanghai).
    ends_on: Option<String>,
}

#[utoipa::path(
    post,
    path = "/api/v1/accounts/rooms/{id}/members",
    tag = "accounts",
    summary = "An owner invites a family member or tenant by phone (they join with a code)",
    params(("id" = i64, Path, description = "Room id")),
    request_body = InvitationRequest,
    responses(
        (status = 201, body = [MemberView]),
        (status = 403), (status = 404),
        (status = 422, description = "`accounts.phone_invalid`, `accounts.invite_owner`, `accounts.tenancy_end_required` …")
    ),
    security(("bearer" = []))
)]
pub async fn invite(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<InvitationRequest>,
) -> ApiResult<(StatusCode, Json<Vec<MemberView>>)> {
    let rows = members::invite(
        &state,
        &user,
        id,
        InvitationInput {
            phone: input.phone,
            relation: input.relation,
            ends_on: input.ends_on,
        },
    )
    .await?;
    Ok((StatusCode::CREATED, views(rows)))
}

#[utoipa::path(
    delete,
    path = "/api/v1/accounts/rooms/{id}/members/{person_id}",
    tag = "accounts",
    summary = "An owner removes a family member or tenant from the room",
    params(("id" = i64, Path, description = "Room id"), ("person_id" = i64, Path, description = "Person id")),
    responses((status = 204), (status = 403), (status = 404)),
    security(("bearer" = []))
)]
pub async fn remove_member(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((id, person)): ApiPath<(i64, i64)>,
) -> ApiResult<StatusCode> {
    members::remove(&state, &user, id, person).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    delete,
    path = "/api/v1/accounts/rooms/{id}/invitations/{invitation_id}",
    tag = "accounts",
    summary = "An owner withdraws an invitation nobody took up yet",
    params(("id" = i64, Path, description = "Room id"), ("invitation_id" = i64, Path, description = "Invitation id")),
    responses((status = 204), (status = 403), (status = 404)),
    security(("bearer" = []))
)]
pub async fn withdraw_invitation(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((id, invitation)): ApiPath<(i64, i64)>,
) -> ApiResult<StatusCode> {
    members::withdraw(&state, &user, id, invitation).await?;
    Ok(StatusCode::NO_CONTENT)
}
