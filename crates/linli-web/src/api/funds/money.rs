//! Pledges, refunds, corrections and expenses: every handler that moves money.

use super::answer;
use crate::auth::CurrentUser;
use crate::dto::funds::CampaignDetailView;
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiPath};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use linli_app::funds::{expenses, ledger, pledges};
use serde::{Deserialize, Serialize};

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PledgeInput {
    /// In fen (分), a whole number above 0, at most ¥1,000,000.
    pub(crate) amount_fen: i64,
    /// `cash` (at the desk), `transfer` or `qr_code`.
    pub(crate) channel: String,
    /// Shown as "匿名" on the public ledger.
    #[serde(default)]
    pub(crate) anonymous: bool,
    /// The desk taking cash for a visitor: the visitor's name. Absent: the caller gives.
    pub(crate) donor_name: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PledgeDone {
    pledge_id: i64,
    /// The desk's slip number for cash taken for a visitor.
    receipt_number: Option<i64>,
    campaign: CampaignDetailView,
}

#[utoipa::path(post, path = "/api/v1/campaigns/{id}/pledges", tag = "funds", summary = "Pledge (a resident, 我要捐款) or take cash at the desk for a visitor (numbered slip)",
    params(("id" = i64, Path)), request_body = PledgeInput, responses((status = 201, body = PledgeDone)), security(("bearer" = [])))]
pub async fn pledge(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<PledgeInput>,
) -> ApiResult<(StatusCode, Json<PledgeDone>)> {
    let done = pledges::pledge(
        &state,
        &user,
        id,
        &pledges::PledgeRequest {
            amount_fen: input.amount_fen,
            channel: input.channel,
            anonymous: input.anonymous,
            donor_name: input.donor_name,
        },
    )
    .await?;
    let Json(campaign) = answer(&state, Some(&user), id).await?;
    Ok((
        StatusCode::CREATED,
        Json(PledgeDone {
            pledge_id: done.id,
            receipt_number: done.receipt_number,
            campaign,
        }),
    ))
}

#[utoipa::path(post, path = "/api/v1/pledges/{id}/{transition}", tag = "funds",
    summary = "confirm (the money arrived: the treasurer), withdraw (the donor or the treasurer) or lapse (the treasurer)",
    params(("id" = i64, Path), ("transition" = String, Path)), responses((status = 200, body = CampaignDetailView)), security(("bearer" = [])))]
pub async fn pledge_transition(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((id, transition)): ApiPath<(i64, String)>,
) -> ApiResult<Json<CampaignDetailView>> {
    match transition.as_str() {
        "confirm" => {
            pledges::confirm(&state, &user, id).await?;
        }
        other => pledges::end(&state, &user, id, other).await?,
    }
    let campaign = state.store.pledge(id).await?.campaign_id;
    answer(&state, Some(&user), campaign).await
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefundInput {
    pub(crate) pledge_id: i64,
    pub(crate) amount_fen: i64,
    pub(crate) reason: String,
}

#[utoipa::path(post, path = "/api/v1/campaigns/{id}/refunds", tag = "funds", summary = "Give money back to a donor, with a reason (the treasurer)",
    params(("id" = i64, Path)), request_body = RefundInput, responses((status = 201, body = CampaignDetailView)), security(("bearer" = [])))]
pub async fn refund(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<RefundInput>,
) -> ApiResult<(StatusCode, Json<CampaignDetailView>)> {
    ledger::refund(
        &state,
        &user,
        id,
        input.pledge_id,
        input.amount_fen,
        &input.reason,
    )
    .await?;
    Ok((StatusCode::CREATED, answer(&state, Some(&user), id).await?))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CorrectionInput {
    /// The entry to undo.
    pub(crate) entry_seq: i64,
    pub(crate) reason: String,
}

#[utoipa::path(post, path = "/api/v1/campaigns/{id}/corrections", tag = "funds", summary = "Undo an entry by a reversing entry with a reason (the treasurer)",
    params(("id" = i64, Path)), request_body = CorrectionInput, responses((status = 201, body = CampaignDetailView)), security(("bearer" = [])))]
pub async fn correct(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<CorrectionInput>,
) -> ApiResult<(StatusCode, Json<CampaignDetailView>)> {
    ledger::correct(&state, &user, id, input.entry_seq, &input.reason).await?;
    Ok((StatusCode::CREATED, answer(&state, Some(&user), id).await?))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExpenseInput {
    pub(crate) amount_fen: i64,
    /// Who is paid: the project's chosen vendor, as a rule.
    pub(crate) payee: String,
    pub(crate) purpose: String,
    /// Keep it as a draft instead of sending it for approval.
    #[serde(default)]
    pub(crate) draft: bool,
}

#[utoipa::path(post, path = "/api/v1/campaigns/{id}/expenses", tag = "funds", summary = "Ask for an expense (the treasurer or the supervisor)",
    params(("id" = i64, Path)), request_body = ExpenseInput, responses((status = 201, body = CampaignDetailView)), security(("bearer" = [])))]
pub async fn request_expense(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<ExpenseInput>,
) -> ApiResult<(StatusCode, Json<CampaignDetailView>)> {
    expenses::request(
        &state,
        &user,
        id,
        &expenses::ExpenseRequest {
            amount_fen: input.amount_fen,
            payee: input.payee,
            purpose: input.purpose,
            draft: input.draft,
        },
    )
    .await?;
    Ok((StatusCode::CREATED, answer(&state, Some(&user), id).await?))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExpenseTransitionInput {
    /// `reject`: why (required); `approve`: why it may exceed the money in hand.
    pub(crate) reason: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/expenses/{id}/{transition}", tag = "funds",
    summary = "submit (who asked), approve or reject (the supervisor, not who asked), pay (the treasurer: writes the ledger, tells the donors)",
    params(("id" = i64, Path), ("transition" = String, Path)), request_body = ExpenseTransitionInput,
    responses((status = 200, body = CampaignDetailView)), security(("bearer" = [])))]
pub async fn expense_transition(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((id, transition)): ApiPath<(i64, String)>,
    ApiJson(input): ApiJson<ExpenseTransitionInput>,
) -> ApiResult<Json<CampaignDetailView>> {
    expenses::transition(&state, &user, id, &transition, input.reason.as_deref()).await?;
    let campaign = state.store.expense(id).await?.campaign_id;
    answer(&state, Some(&user), campaign).await
}
