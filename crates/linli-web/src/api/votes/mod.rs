//! `/api/v1/votes…`: owners' votes (业主表决). The 业委会 (or the supervisor) sets a vote
//! up and opens it; owners vote, the desk enters paper ballots (`ballots.rs`); the count
//! is published when it closes. Ballots are secret: no answer says how someone voted but
//! the voter's own.

pub mod ballots;

use crate::auth::CurrentUser;
use crate::dto::from_rows;
use crate::dto::votes::{VoteSummary, VoteView};
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use linli_app::votes::{self as use_cases, setup};
use serde::Deserialize;

pub(crate) async fn answer(
    state: &AppState,
    caller: &linli_app::Caller,
    id: i64,
) -> ApiResult<Json<VoteView>> {
    Ok(Json(use_cases::read(state, caller, id).await?.into()))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VoteInput {
    pub(crate) community_id: i64,
    /// The estate (物业管理区域); may be left out when the community has only one.
    pub(crate) estate_id: Option<i64>,
    /// A matter of one building (its cameras, its lift): only its owners vote.
    pub(crate) building_id: Option<i64>,
    /// The question, at most 120 characters.
    pub(crate) title: String,
    #[serde(default)]
    pub(crate) description: String,
    /// The law's list: `rules`, `elect_committee`, `engage_manager`, `use_repair_fund`,
    /// `raise_repair_fund`, `rebuild`, `common_parts_use` or `other`.
    pub(crate) matter: String,
    /// Two to ten labels, e.g. `["同意", "不同意", "弃权"]`.
    pub(crate) options: Vec<String>,
    pub(crate) opens_at: Option<DateTime<Utc>>,
    pub(crate) closes_at: Option<DateTime<Utc>>,
}

#[utoipa::path(post, path = "/api/v1/votes", tag = "votes", summary = "Set up a vote, a draft (the 业委会 or the supervisor)",
    request_body = VoteInput, responses((status = 201, body = VoteView)), security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<VoteInput>,
) -> ApiResult<(StatusCode, Json<VoteView>)> {
    let id = setup::create(
        &state,
        &user,
        &setup::VoteRequest {
            community_id: input.community_id,
            estate_id: input.estate_id,
            building_id: input.building_id,
            title: input.title,
            description: input.description,
            matter: input.matter,
            options: input.options,
            opens_at: input.opens_at,
            closes_at: input.closes_at,
        },
    )
    .await?;
    Ok((StatusCode::CREATED, answer(&state, &user, id).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct VoteQuery {
    pub(crate) community_id: i64,
}

#[utoipa::path(get, path = "/api/v1/votes", tag = "votes", summary = "A community's votes (its residents and office)",
    params(VoteQuery), responses((status = 200, body = Vec<VoteSummary>)), security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<VoteQuery>,
) -> ApiResult<Json<Vec<VoteSummary>>> {
    Ok(Json(from_rows(
        use_cases::list(&state, &user, query.community_id).await?,
    )))
}

#[utoipa::path(get, path = "/api/v1/votes/{id}", tag = "votes",
    summary = "A vote as the caller may see it: own ballot; who voted for the 业委会; the count once closed",
    params(("id" = i64, Path)), responses((status = 200, body = VoteView)), security(("bearer" = [])))]
pub async fn get(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<VoteView>> {
    answer(&state, &user, id).await
}

#[utoipa::path(post, path = "/api/v1/votes/{id}/open", tag = "votes",
    summary = "Open a draft: make its roll from the registry (refused while rooms have no area)",
    params(("id" = i64, Path)), responses((status = 200, body = VoteView)), security(("bearer" = [])))]
pub async fn open(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<VoteView>> {
    setup::open(&state, &user, id).await?;
    answer(&state, &user, id).await
}
