//! `/api/v1/projects/{id}/…`: the files of a project's work (progress and completion
//! photos, a quote's photos or PDF) and volunteers' offers of help.

use super::MaybeUser;
use crate::api::funds::receipts::named_parts;
use crate::auth::CurrentUser;
use crate::dto::projects::{ProjectDetailView, ProjectFileView};
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::photos::PhotoQuery;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Multipart, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use linli_app::projects::{self as use_cases, help};
use linli_store::projects::help::FileOwner;
use serde::Deserialize;

type Files = (StatusCode, Json<Vec<ProjectFileView>>);

async fn add(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    owner: FileOwner,
    parts: Vec<Vec<u8>>,
) -> ApiResult<Files> {
    let files = help::add_files(state, user, id, owner, parts).await?;
    Ok((
        StatusCode::CREATED,
        Json(files.into_iter().map(ProjectFileView::from).collect()),
    ))
}

#[utoipa::path(post, path = "/api/v1/projects/{id}/updates/{update_id}/photos", tag = "projects",
    summary = "Add photos to a progress update (multipart: `photo` parts; up to nine)",
    request_body(content = String, content_type = "multipart/form-data"),
    params(("id" = i64, Path), ("update_id" = i64, Path)),
    responses((status = 201, body = Vec<ProjectFileView>)), security(("bearer" = [])))]
pub async fn update_photos(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((id, update)): ApiPath<(i64, i64)>,
    multipart: Multipart,
) -> ApiResult<Files> {
    let parts = named_parts(multipart, "photo").await?;
    add(&state, &user, id, FileOwner::Update(update), parts).await
}

#[utoipa::path(post, path = "/api/v1/projects/{id}/quotes/{quote_id}/files", tag = "projects",
    summary = "Attach a quote's photos or PDFs (multipart: `file` parts; up to nine)",
    request_body(content = String, content_type = "multipart/form-data"),
    params(("id" = i64, Path), ("quote_id" = i64, Path)),
    responses((status = 201, body = Vec<ProjectFileView>)), security(("bearer" = [])))]
pub async fn quote_files(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((id, quote)): ApiPath<(i64, i64)>,
    multipart: Multipart,
) -> ApiResult<Files> {
    let parts = named_parts(multipart, "file").await?;
    add(&state, &user, id, FileOwner::Quote(quote), parts).await
}

#[utoipa::path(post, path = "/api/v1/projects/{id}/completion/photos", tag = "projects",
    summary = "Photos of the finished work, before completing (completing hands them to the work orders it resolves)",
    request_body(content = String, content_type = "multipart/form-data"),
    params(("id" = i64, Path)),
    responses((status = 201, body = Vec<ProjectFileView>)), security(("bearer" = [])))]
pub async fn completion_photos(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    multipart: Multipart,
) -> ApiResult<Files> {
    let parts = named_parts(multipart, "photo").await?;
    add(&state, &user, id, FileOwner::Completion, parts).await
}

#[utoipa::path(get, path = "/api/v1/projects/{id}/files/{file_id}", tag = "projects",
    summary = "A project's photo (JPEG, or its thumbnail) or PDF, for whoever may see the project",
    params(("id" = i64, Path), ("file_id" = i64, Path), PhotoQuery),
    responses((status = 200, description = "The file")))]
pub async fn file(
    State(state): State<AppState>,
    user: MaybeUser,
    ApiPath((id, file)): ApiPath<(i64, i64)>,
    ApiQuery(query): ApiQuery<PhotoQuery>,
) -> ApiResult<Response> {
    let caller = user.0.as_ref().map(|user| &user.0);
    let thumbnail = query.size.as_deref() == Some("thumbnail");
    let (bytes, content_type) = help::file_bytes(&state, caller, id, file, thumbnail).await?;
    if content_type == "image/jpeg" {
        return Ok(crate::photos::jpeg_response(
            bytes,
            "private, max-age=86400",
        ));
    }
    // A PDF as it was given: downloaded, never shown inside our pages.
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/pdf"),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&format!("attachment; filename=\"quote-{file}.pdf\""))
            .unwrap_or(HeaderValue::from_static("attachment")),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=86400"),
    );
    Ok(response)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OfferInput {
    /// What they can do: "我有抓猫经验".
    pub(crate) skill: String,
}

#[utoipa::path(post, path = "/api/v1/projects/{id}/volunteers", tag = "projects",
    summary = "Offer help on a project (a resident or staff member of its community)",
    params(("id" = i64, Path)), request_body = OfferInput,
    responses((status = 201, body = ProjectDetailView)), security(("bearer" = [])))]
pub async fn offer(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<OfferInput>,
) -> ApiResult<(StatusCode, Json<ProjectDetailView>)> {
    help::offer(&state, &user, id, &input.skill).await?;
    Ok((
        StatusCode::CREATED,
        Json(use_cases::read(&state, Some(&user), id).await?.into()),
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionInput {
    /// The batch the volunteer is accepted for (accept only; `{}` for the others).
    pub(crate) milestone_id: Option<i64>,
}

#[utoipa::path(post, path = "/api/v1/projects/{id}/volunteers/{volunteer_id}/{action}", tag = "projects",
    summary = "Accept an offer for a batch (`accept`, with `milestone_id`) or `decline` it (the project's owner), or `withdraw` one's own",
    params(("id" = i64, Path), ("volunteer_id" = i64, Path), ("action" = String, Path)),
    request_body = DecisionInput,
    responses((status = 200, body = ProjectDetailView)), security(("bearer" = [])))]
pub async fn volunteer_action(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((id, volunteer, action)): ApiPath<(i64, i64, String)>,
    ApiJson(input): ApiJson<DecisionInput>,
) -> ApiResult<Json<ProjectDetailView>> {
    let milestone = input.milestone_id;
    match action.as_str() {
        "accept" => help::decide_offer(&state, &user, id, volunteer, true, milestone).await?,
        "decline" => help::decide_offer(&state, &user, id, volunteer, false, None).await?,
        "withdraw" => help::withdraw_offer(&state, &user, id, volunteer).await?,
        _ => return Err(crate::error::ApiError::not_found("request.not_found")),
    }
    Ok(Json(use_cases::read(&state, Some(&user), id).await?.into()))
}
