//! `/api/v1/content…`: news, notices and disclosures. Reading needs no sign-in for what
//! is public (published, for everyone, not expired); a signed-in reader also sees what
//! is meant for them, the office everything of its community. Writing, review and
//! corrections are the office's (`linli_app::content`). Images (`images.rs`) and the RSS
//! feeds (`feed.rs`) are beside.

pub mod feed;
pub mod images;

use crate::api::projects::MaybeUser;
use crate::auth::CurrentUser;
use crate::dto::content::{ContentSummary, ContentView};
use crate::dto::from_rows;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use linli_app::content::{self as use_cases, write};
use linli_domain::content::{Action, Kind};
use serde::Deserialize;

async fn answer(
    state: &AppState,
    caller: Option<&linli_app::Caller>,
    id: i64,
) -> ApiResult<Json<ContentView>> {
    Ok(Json(use_cases::read(state, caller, id).await?.into()))
}

/// Every field of an item a writer sets.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContentFieldsInput {
    /// The party it is published in the name of (one of the community's organisations
    /// that publishes its kind).
    pub(crate) organisation_id: i64,
    /// At most 120 characters.
    pub(crate) title: String,
    /// Markdown; images as `![说明](/content/images/NAME.jpg)` from the upload route.
    pub(crate) body: String,
    /// Notices only: `everyone` (the default), `buildings` or `roles`.
    #[serde(default)]
    pub(crate) audience: String,
    /// For a `buildings` audience: buildings of the community.
    #[serde(default)]
    pub(crate) building_ids: Vec<i64>,
    /// For a `roles` audience: `resident`, `receptionist`, `duty_officer`, `handler`,
    /// `supervisor`.
    #[serde(default)]
    pub(crate) roles: Vec<String>,
    #[serde(default)]
    pub(crate) pinned: bool,
    /// Notices only: pushed to the audience's inboxes and the group chats on publication.
    #[serde(default)]
    pub(crate) urgent: bool,
    /// Notices only: must come after publication; the notice leaves lists then.
    pub(crate) expires_at: Option<DateTime<Utc>>,
    /// Financial disclosures only: the campaign whose public ledger it links.
    pub(crate) campaign_id: Option<i64>,
}

impl ContentFieldsInput {
    fn request(self, community_id: i64, kind: String) -> write::ContentRequest {
        write::ContentRequest {
            community_id,
            kind,
            organisation_id: self.organisation_id,
            title: self.title,
            body: self.body,
            audience: self.audience,
            building_ids: self.building_ids,
            roles: self.roles,
            pinned: self.pinned,
            urgent: self.urgent,
            expires_at: self.expires_at,
            campaign_id: self.campaign_id,
        }
    }
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContentInput {
    pub(crate) community_id: i64,
    /// `news`, `notice`, `party_affairs`, `government_affairs`, `residents_affairs`,
    /// `financial`.
    pub(crate) kind: String,
    #[serde(flatten)]
    pub(crate) fields: ContentFieldsInput,
}

#[utoipa::path(post, path = "/api/v1/content", tag = "content",
    summary = "Write a draft in the name of a party (the office's writers)",
    request_body = ContentInput, responses((status = 201, body = ContentView)), security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<ContentInput>,
) -> ApiResult<(StatusCode, Json<ContentView>)> {
    let request = input.fields.request(input.community_id, input.kind);
    let id = write::create(&state, &user, &request).await?;
    Ok((StatusCode::CREATED, answer(&state, Some(&user), id).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ContentQuery {
    pub(crate) community_id: i64,
    /// One kind only.
    pub(crate) kind: Option<String>,
}

pub(crate) fn kind_of(raw: Option<&str>) -> ApiResult<Option<Kind>> {
    raw.filter(|kind| !kind.is_empty())
        .map(Kind::parse)
        .transpose()
        .map_err(ApiError::from)
}

#[utoipa::path(get, path = "/api/v1/content", tag = "content",
    summary = "A community's content as the caller may list it (no sign-in: what is public); pinned first",
    params(ContentQuery), responses((status = 200, body = Vec<ContentSummary>)))]
pub async fn list(
    State(state): State<AppState>,
    user: MaybeUser,
    ApiQuery(query): ApiQuery<ContentQuery>,
) -> ApiResult<Json<Vec<ContentSummary>>> {
    let kind = kind_of(query.kind.as_deref())?;
    Ok(Json(from_rows(
        use_cases::list(&state, user.0.as_deref(), query.community_id, kind).await?,
    )))
}

#[utoipa::path(get, path = "/api/v1/content/{id}", tag = "content",
    summary = "An item as the caller may see it (a reader in its audience is counted as having read it)",
    params(("id" = i64, Path)), responses((status = 200, body = ContentView)))]
pub async fn get(
    State(state): State<AppState>,
    user: MaybeUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<ContentView>> {
    answer(&state, user.0.as_deref(), id).await
}

#[utoipa::path(put, path = "/api/v1/content/{id}", tag = "content",
    summary = "Rewrite a draft (its writers)",
    params(("id" = i64, Path)), request_body = ContentFieldsInput,
    responses((status = 200, body = ContentView)), security(("bearer" = [])))]
pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<ContentFieldsInput>,
) -> ApiResult<Json<ContentView>> {
    let request = input.request(0, String::new());
    write::update_draft(&state, &user, id, &request).await?;
    answer(&state, Some(&user), id).await
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CorrectionInput {
    /// The version the editor read (another edit since is a conflict).
    pub(crate) version: i64,
    pub(crate) title: String,
    pub(crate) body: String,
    #[serde(default)]
    pub(crate) pinned: bool,
    /// Why it changed, shown beside the history (至多 500 字).
    pub(crate) note: String,
}

#[utoipa::path(post, path = "/api/v1/content/{id}/corrections", tag = "content",
    summary = "Correct a published text: kept as a new version, the earlier ones stay readable (已更新)",
    params(("id" = i64, Path)), request_body = CorrectionInput,
    responses((status = 200, body = ContentView)), security(("bearer" = [])))]
pub async fn correct(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<CorrectionInput>,
) -> ApiResult<Json<ContentView>> {
    write::correct(
        &state,
        &user,
        id,
        &write::Correction {
            version: input.version,
            title: input.title,
            body: input.body,
            pinned: input.pinned,
            note: input.note,
        },
    )
    .await?;
    answer(&state, Some(&user), id).await
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionInput {
    /// Required to return a draft to its writer.
    #[serde(default)]
    pub(crate) reason: String,
}

#[utoipa::path(post, path = "/api/v1/content/{id}/actions/{action}", tag = "content",
    summary = "`publish` (news, notices), `submit` a disclosure, `approve` or `return` it (the supervisor or the party branch)",
    params(("id" = i64, Path), ("action" = String, Path)), request_body = ActionInput,
    responses((status = 200, body = ContentView)), security(("bearer" = [])))]
pub async fn act(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((id, action)): ApiPath<(i64, String)>,
    ApiJson(input): ApiJson<ActionInput>,
) -> ApiResult<Json<ContentView>> {
    let action = Action::parse(&action).ok_or_else(|| ApiError::not_found("request.not_found"))?;
    write::act(&state, &user, id, action, &input.reason).await?;
    answer(&state, Some(&user), id).await
}
