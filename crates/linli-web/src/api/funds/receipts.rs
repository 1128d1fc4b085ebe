//! Receipt photos of expenses over HTTP: the multipart upload and the photos, which
//! anyone may see with the expense (a draft's: the office only).

use crate::api::projects::MaybeUser;
use crate::auth::CurrentUser;
use crate::dto::funds::ReceiptView;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiPath, ApiQuery};
use crate::photos::PhotoQuery;
use crate::state::AppState;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;
use linli_app::funds::receipts as use_cases;
use linli_app::work_orders::photos::MAX_PHOTO_BYTES;

/// The `photo` parts of a multipart form (pages and API alike); any other part is an
/// error.
pub(crate) async fn photo_parts(multipart: Multipart) -> ApiResult<Vec<Vec<u8>>> {
    named_parts(multipart, "photo").await
}

/// The parts named `name` of a multipart form, each at most a photo's size; any other
/// part is an error.
pub(crate) async fn named_parts(mut multipart: Multipart, name: &str) -> ApiResult<Vec<Vec<u8>>> {
    let mut uploads = Vec::new();
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|error| ApiError::invalid_body(error.body_text()))?
    {
        if field.name() != Some(name) {
            return Err(ApiError::invalid_body(format!(
                "unknown part {:?}",
                field.name().unwrap_or_default()
            )));
        }
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
        // A file input left empty sends an empty part: nothing chosen.
        if !bytes.is_empty() {
            uploads.push(bytes.to_vec());
        }
    }
    Ok(uploads)
}

#[utoipa::path(post, path = "/api/v1/expenses/{id}/receipts", tag = "funds",
    summary = "Add receipt photos to an expense (multipart: `photo` parts; the treasurer or the supervisor)",
    request_body(content = String, content_type = "multipart/form-data"),
    params(("id" = i64, Path)), responses((status = 201, body = Vec<ReceiptView>)), security(("bearer" = [])))]
pub async fn upload(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    multipart: Multipart,
) -> ApiResult<(StatusCode, axum::Json<Vec<ReceiptView>>)> {
    let uploads = photo_parts(multipart).await?;
    let receipts = use_cases::add_receipts(&state, &user, id, uploads).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(receipts.iter().map(ReceiptView::from).collect()),
    ))
}

#[utoipa::path(get, path = "/api/v1/expenses/{id}/receipts/{receipt_id}", tag = "funds",
    summary = "A receipt photo (JPEG) or its thumbnail (public with its expense)",
    params(("id" = i64, Path), ("receipt_id" = i64, Path), PhotoQuery),
    responses((status = 200, content_type = "image/jpeg", description = "The photo")))]
pub async fn get(
    State(state): State<AppState>,
    user: MaybeUser,
    ApiPath((id, receipt_id)): ApiPath<(i64, i64)>,
    ApiQuery(query): ApiQuery<PhotoQuery>,
) -> ApiResult<Response> {
    let caller = user.0.as_ref().map(|user| &user.0);
    let thumbnail = query.size.as_deref() == Some("thumbnail");
    let bytes = use_cases::receipt_bytes(&state, caller, id, receipt_id, thumbnail).await?;
    Ok(crate::photos::jpeg_response(
        bytes,
        "private, max-age=86400",
    ))
}
