//! Images for content bodies: uploaded by the office's writers (multipart), checked and
//! re-encoded as work-order photos are, served by their unguessable name.

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use linli_app::content::images::{self as use_cases, image_path};
use linli_app::work_orders::photos::MAX_PHOTO_BYTES;
use serde::Serialize;

/// Largest request to the upload route: one image and a number.
pub const MAX_IMAGE_REQUEST_BYTES: usize = MAX_PHOTO_BYTES + 64 * 1024;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ContentImageView {
    /// Where it is served; write it into the body as `![说明](url)`.
    url: String,
    thumbnail_url: String,
    /// Ready to paste into the Markdown body.
    markdown: String,
    width: i64,
    height: i64,
}

#[utoipa::path(post, path = "/api/v1/content/images", tag = "content",
    summary = "Upload an image for a body (multipart: `community_id`, `image`; JPEG, PNG or WebP, re-encoded without metadata)",
    request_body(content = String, content_type = "multipart/form-data"),
    responses((status = 201, body = ContentImageView)), security(("bearer" = [])))]
pub async fn upload(
    State(state): State<AppState>,
    user: CurrentUser,
    mut multipart: Multipart,
) -> ApiResult<(StatusCode, Json<ContentImageView>)> {
    let (mut community, mut image) = (None, Vec::new());
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|error| ApiError::invalid_body(error.body_text()))?
    {
        match field.name().unwrap_or_default() {
            "image" => {
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|error| ApiError::invalid_body(error.body_text()))?;
                if bytes.len() > MAX_PHOTO_BYTES {
                    return Err(ApiError::new(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        "photo.too_large",
                    ));
                }
                image = bytes.to_vec();
            }
            "community_id" => {
                let text = field
                    .text()
                    .await
                    .map_err(|error| ApiError::invalid_body(error.body_text()))?;
                community = Some(text.trim().parse::<i64>().map_err(|_| {
                    ApiError::from(linli_app::AppError::invalid(
                        "content.not_a_number",
                        "community_id",
                    ))
                })?);
            }
            other => return Err(ApiError::invalid_body(format!("unknown part {other:?}"))),
        }
    }
    let community = community.ok_or_else(|| {
        ApiError::from(linli_app::AppError::invalid(
            "validation.required",
            "community_id",
        ))
    })?;
    let stored = use_cases::upload(&state, &user, community, image).await?;
    let url = image_path(&stored.name);
    Ok((
        StatusCode::CREATED,
        Json(ContentImageView {
            markdown: format!("![]({url})"),
            thumbnail_url: format!("{url}?size=thumbnail"),
            url,
            width: stored.width,
            height: stored.height,
        }),
    ))
}

/// `GET /content/images/{name}.jpg[?size=thumbnail]`: an image of a body, to anyone who
/// has its name (pages and clients alike).
pub async fn image(
    State(state): State<AppState>,
    Path(file): Path<String>,
    axum::extract::Query(query): axum::extract::Query<std::collections::HashMap<String, String>>,
) -> ApiResult<Response> {
    let name = file
        .strip_suffix(".jpg")
        .filter(|name| {
            name.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
        .ok_or_else(|| ApiError::not_found("content.image_not_found"))?;
    let thumbnail = query.get("size").is_some_and(|size| size == "thumbnail");
    let bytes = use_cases::image_bytes(&state, name, thumbnail).await?;
    // Named by a random token and never changed: a browser may keep it.
    Ok(crate::photos::jpeg_response(
        bytes,
        "public, max-age=31536000, immutable",
    ))
}
