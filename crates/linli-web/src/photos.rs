//! Photos of work orders over HTTP: multipart uploads and the photos themselves. What is
//! taken and who may see it is `linli_app::work_orders::photos`.

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiPath, ApiQuery};
use crate::state::AppState;
use axum::extract::{Multipart, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use linli_app::Caller;
use linli_app::work_orders::photos::{self as use_cases, MAX_PHOTO_BYTES, Purpose};
use serde::{Deserialize, Serialize};

/// Largest request to the upload route: nine photos at most.
pub const MAX_UPLOAD_BYTES: usize = 9 * MAX_PHOTO_BYTES + 64 * 1024;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PhotoView {
    pub id: i64,
    pub purpose: String,
    pub width: i64,
    pub height: i64,
    pub url: String,
    pub thumbnail_url: String,
}

pub fn view(photo: &linli_store::work_orders::Photo) -> PhotoView {
    let url = format!(
        "/api/v1/work-orders/{}/photos/{}",
        photo.work_order_id, photo.id
    );
    PhotoView {
        id: photo.id,
        purpose: photo.purpose.clone(),
        width: photo.width,
        height: photo.height,
        thumbnail_url: format!("{url}?size=thumbnail"),
        url,
    }
}

/// `POST /api/v1/work-orders/{id}/photos`, `multipart/form-data`: one or more `photo`
/// parts and an optional `purpose` (`report`, or `resolution` for the lead party's
/// evidence). All are stored, or none.
#[utoipa::path(
    post,
    path = "/api/v1/work-orders/{id}/photos",
    tag = "work orders",
    summary = "Add photos (multipart: `photo` parts, optional `purpose`)",
    request_body(content = String, content_type = "multipart/form-data"),
    params(("id" = i64, Path, description = "Work order id")),
    responses((status = 201, body = Vec<PhotoView>)),
    security(("bearer" = []))
)]
pub async fn upload(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    mut multipart: Multipart,
) -> ApiResult<(StatusCode, axum::Json<Vec<PhotoView>>)> {
    let mut purpose = None;
    let mut uploads: Vec<Vec<u8>> = Vec::new();
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|error| ApiError::invalid_body(error.body_text()))?
    {
        match field.name() {
            Some("photo") => {
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
                uploads.push(bytes.to_vec());
            }
            Some("purpose") => {
                purpose = Some(
                    field
                        .text()
                        .await
                        .map_err(|error| ApiError::invalid_body(error.body_text()))?,
                )
            }
            other => {
                return Err(ApiError::invalid_body(format!(
                    "unknown part {:?}",
                    other.unwrap_or_default()
                )));
            }
        }
    }
    // Who may see it, then whether a photo came: `add_photos` checks both, in that order.
    let purpose = Purpose::parse(purpose.as_deref().unwrap_or("report"))?;
    let photos = use_cases::add_photos(&state, &user, id, purpose, uploads).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(photos.iter().map(view).collect()),
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PhotoQuery {
    pub(crate) size: Option<String>,
}

/// `GET /api/v1/work-orders/{id}/photos/{photo_id}[?size=thumbnail]`
#[utoipa::path(
    get,
    path = "/api/v1/work-orders/{id}/photos/{photo_id}",
    tag = "work orders",
    summary = "A photo (JPEG), or its thumbnail",
    params(("id" = i64, Path, description = "Work order id"), ("photo_id" = i64, Path, description = "Photo id"), PhotoQuery),
    responses((status = 200, content_type = "image/jpeg", description = "The photo")),
    security(("bearer" = []))
)]
pub async fn get(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((id, photo_id)): ApiPath<(i64, i64)>,
    ApiQuery(query): ApiQuery<PhotoQuery>,
) -> ApiResult<Response> {
    photo_response(
        &state,
        &user,
        id,
        photo_id,
        query.size.as_deref() == Some("thumbnail"),
    )
    .await
}

/// A photo as the answer to someone who may see it (API and pages alike).
pub(crate) async fn photo_response(
    state: &AppState,
    caller: &Caller,
    id: i64,
    photo_id: i64,
    thumbnail: bool,
) -> ApiResult<Response> {
    let bytes = use_cases::photo_bytes(state, caller, id, photo_id, thumbnail).await?;
    Ok(jpeg_response(bytes, "private, max-age=86400"))
}

/// A JPEG we re-encoded ourselves (a photo, a receipt, a scan), with how long a browser
/// may keep it.
pub(crate) fn jpeg_response(bytes: Vec<u8>, cache_control: &'static str) -> Response {
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/jpeg"));
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(cache_control),
    );
    response
}
