//! `/api/v1/campaigns…`, `/api/v1/pledges…`, `/api/v1/expenses…`: crowdfunding and its
//! public ledger. Reading a campaign and its ledger needs no sign-in; what the public
//! sees names no donor but as "唐**" or "匿名".

pub mod export;
pub mod money;

use crate::api::projects::MaybeUser;
use crate::auth::CurrentUser;
use crate::dto::from_rows;
use crate::dto::funds::{CampaignDetailView, CampaignSummary};
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use linli_app::funds::{self as use_cases, campaigns};
use serde::Deserialize;

async fn answer(
    state: &AppState,
    caller: Option<&linli_app::Caller>,
    id: i64,
) -> ApiResult<Json<CampaignDetailView>> {
    Ok(Json(use_cases::read(state, caller, id).await?.into()))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CampaignInput {
    pub(crate) community_id: i64,
    /// The project the money pays for.
    pub(crate) project_id: Option<i64>,
    pub(crate) title: String,
    pub(crate) purpose: String,
    /// In fen (分), a whole number above 0, at most ¥1,000,000.
    pub(crate) target_fen: i64,
    /// `YYYY-MM-DD`, the last day pledges are taken (Shanghai).
    pub(crate) deadline: String,
    /// A person of the office who keeps the money.
    pub(crate) treasurer_id: i64,
    /// The party the treasurer acts for (居委会, 业委会…).
    pub(crate) treasurer_organisation_id: i64,
    /// The desk's hours, the committee's account: shown to donors.
    #[serde(default)]
    pub(crate) how_to_give: String,
}

#[utoipa::path(post, path = "/api/v1/campaigns", tag = "funds", summary = "Start a campaign (the supervisor)",
    request_body = CampaignInput, responses((status = 201, body = CampaignDetailView)), security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<CampaignInput>,
) -> ApiResult<(StatusCode, Json<CampaignDetailView>)> {
    let id = campaigns::create(
        &state,
        &user,
        &campaigns::CampaignRequest {
            community_id: input.community_id,
            project_id: input.project_id,
            title: input.title,
            purpose: input.purpose,
            target_fen: input.target_fen,
            deadline: input.deadline,
            treasurer_id: input.treasurer_id,
            treasurer_organisation_id: input.treasurer_organisation_id,
            how_to_give: input.how_to_give,
        },
    )
    .await?;
    Ok((StatusCode::CREATED, answer(&state, Some(&user), id).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CampaignQuery {
    pub(crate) community_id: i64,
}

#[utoipa::path(get, path = "/api/v1/campaigns", tag = "funds", summary = "A community's campaigns with their figures (public)",
    params(CampaignQuery), responses((status = 200, body = Vec<CampaignSummary>)))]
pub async fn list(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<CampaignQuery>,
) -> ApiResult<Json<Vec<CampaignSummary>>> {
    Ok(Json(from_rows(
        use_cases::list(&state, query.community_id).await?,
    )))
}

#[utoipa::path(get, path = "/api/v1/campaigns/{id}", tag = "funds", summary = "A campaign with its public ledger (pledges with names for the office)",
    params(("id" = i64, Path)), responses((status = 200, body = CampaignDetailView)))]
pub async fn get(
    State(state): State<AppState>,
    user: MaybeUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<CampaignDetailView>> {
    let caller = user.0.as_ref().map(|user| &user.0);
    answer(&state, caller, id).await
}

#[utoipa::path(post, path = "/api/v1/campaigns/{id}/close", tag = "funds", summary = "Close a campaign: unpaid pledges lapse (the supervisor)",
    params(("id" = i64, Path)), responses((status = 200, body = CampaignDetailView)), security(("bearer" = [])))]
pub async fn close(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<CampaignDetailView>> {
    campaigns::close(&state, &user, id).await?;
    answer(&state, Some(&user), id).await
}
