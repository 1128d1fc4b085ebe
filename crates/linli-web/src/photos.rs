//! Photos of work orders. An upload is checked by its content, not its name: only real
//! JPEG, PNG or WebP images are taken, within size and pixel limits, turned upright and
//! re-encoded as JPEG — which drops EXIF metadata such as the GPS position of the phone
//! that took it — with a thumbnail for lists. Photos are served only to people who may
//! see the work order's reporter details.

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiPath, ApiQuery};
use crate::state::AppState;
use crate::work_orders::{PhotoAccess, load_detail_for_photos};
use axum::extract::{Multipart, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use image::codecs::jpeg::JpegEncoder;
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use linli_store::passwords::new_session_token;
use linli_store::work_orders::NewPhoto;
use serde::{Deserialize, Serialize};
use std::io::Cursor;

/// Largest upload taken, per photo.
pub const MAX_PHOTO_BYTES: usize = 10 * 1024 * 1024;
/// Largest request to the upload route: nine photos at most.
pub const MAX_UPLOAD_BYTES: usize = 9 * MAX_PHOTO_BYTES + 64 * 1024;
/// Most pixels decoded (a 48-megapixel phone camera fits; a decompression bomb does not).
const MAX_PIXELS: u64 = 50_000_000;
const MAX_PHOTOS_PER_PURPOSE: i64 = 9;
const STORED_EDGE: u32 = 2560;
const THUMBNAIL_EDGE: u32 = 320;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhotoError {
    #[error("not a JPEG, PNG or WebP image")]
    NotAnImage,
    #[error("the image is too large")]
    TooLarge,
}

/// A photo made safe to keep: upright, re-encoded, metadata gone.
#[derive(Debug)]
pub struct Processed {
    pub jpeg: Vec<u8>,
    pub thumbnail: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

fn encode_jpeg(image: &DynamicImage, quality: u8) -> Result<Vec<u8>, PhotoError> {
    let mut out = Vec::new();
    let rgb = DynamicImage::ImageRgb8(image.to_rgb8());
    rgb.write_with_encoder(JpegEncoder::new_with_quality(&mut out, quality))
        .map_err(|_| PhotoError::NotAnImage)?;
    Ok(out)
}

/// Checks and re-encodes an uploaded image. CPU-heavy: run it off the async threads.
pub fn process(bytes: &[u8]) -> Result<Processed, PhotoError> {
    if bytes.len() > MAX_PHOTO_BYTES {
        return Err(PhotoError::TooLarge);
    }
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| PhotoError::NotAnImage)?;
    if !matches!(
        reader.format(),
        Some(ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP)
    ) {
        return Err(PhotoError::NotAnImage);
    }
    let (width, height) = reader
        .into_dimensions()
        .map_err(|_| PhotoError::NotAnImage)?;
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(PhotoError::TooLarge);
    }
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| PhotoError::NotAnImage)?;
    let mut limits = Limits::default();
    limits.max_alloc = Some(MAX_PIXELS * 4 + 64 * 1024 * 1024);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|_| PhotoError::NotAnImage)?;
    // Unreadable EXIF only costs the rotation, not the photo.
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let mut image = DynamicImage::from_decoder(decoder).map_err(|_| PhotoError::NotAnImage)?;
    image.apply_orientation(orientation);
    let stored = if image.width() > STORED_EDGE || image.height() > STORED_EDGE {
        image.resize(
            STORED_EDGE,
            STORED_EDGE,
            image::imageops::FilterType::Triangle,
        )
    } else {
        image
    };
    let thumbnail = stored.thumbnail(THUMBNAIL_EDGE, THUMBNAIL_EDGE);
    Ok(Processed {
        jpeg: encode_jpeg(&stored, 85)?,
        thumbnail: encode_jpeg(&thumbnail, 75)?,
        width: stored.width(),
        height: stored.height(),
    })
}

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
    let access = load_detail_for_photos(&state, &user, id).await?;
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
    if uploads.is_empty() {
        return Err(linli_domain::ValidationError::new("validation.required", "photo").into());
    }
    let purpose = match purpose.as_deref().unwrap_or("report") {
        "report" => "report",
        "resolution" => "resolution",
        _ => {
            return Err(
                linli_domain::ValidationError::new("photo.purpose_unknown", "purpose").into(),
            );
        }
    };
    let allowed = match purpose {
        "report" => access.may_add_report_photos,
        _ => access.may_add_resolution_photos,
    };
    if !allowed {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "work_order.not_allowed",
        ));
    }
    let processed = process_uploads(uploads).await?;
    store_processed(&state, id, user.person, purpose, processed).await?;
    let photos = state.store.photos(id).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(
            photos
                .iter()
                .filter(|photo| photo.purpose == purpose)
                .map(view)
                .collect(),
        ),
    ))
}

/// Checks and re-encodes uploads off the async threads; refuses all if one is bad.
pub(crate) async fn process_uploads(uploads: Vec<Vec<u8>>) -> ApiResult<Vec<Processed>> {
    if uploads.iter().any(|bytes| bytes.len() > MAX_PHOTO_BYTES) {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "photo.too_large",
        ));
    }
    if uploads.len() > usize::try_from(MAX_PHOTOS_PER_PURPOSE).unwrap_or(9) {
        return Err(linli_domain::ValidationError::new("photo.too_many", "photo").into());
    }
    tokio::task::spawn_blocking(move || {
        uploads
            .iter()
            .map(|bytes| process(bytes))
            .collect::<Result<Vec<_>, _>>()
    })
    .await
    .map_err(|_| ApiError::internal())?
    .map_err(|error| match error {
        PhotoError::NotAnImage => {
            ApiError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "photo.not_an_image")
        }
        PhotoError::TooLarge => ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "photo.too_large"),
    })
}

/// Keeps processed photos of a work order: the files, then their rows in one
/// transaction. The caller has checked that `person` may add them.
pub(crate) async fn store_processed(
    state: &AppState,
    id: i64,
    person: linli_domain::ids::PersonId,
    purpose: &str,
    processed: Vec<Processed>,
) -> ApiResult<()> {
    let mut rows = Vec::with_capacity(processed.len());
    for photo in processed {
        let name = &new_session_token()?[..24];
        let storage_key = format!("photos/{id}/{name}.jpg");
        let thumbnail_key = format!("photos/{id}/{name}.thumb.jpg");
        rows.push(NewPhoto {
            bytes: i64::try_from(photo.jpeg.len()).unwrap_or(i64::MAX),
            width: i64::from(photo.width),
            height: i64::from(photo.height),
            storage_key: storage_key.clone(),
            thumbnail_key: thumbnail_key.clone(),
        });
        // Files first, row last: a failure leaves at worst an unreferenced file, never a
        // row pointing at nothing.
        state
            .blobs
            .put(&storage_key, photo.jpeg)
            .await
            .map_err(|error| {
                tracing::error!(%error, "storing a photo failed");
                ApiError::internal()
            })?;
        state
            .blobs
            .put(&thumbnail_key, photo.thumbnail)
            .await
            .map_err(|error| {
                tracing::error!(%error, "storing a thumbnail failed");
                ApiError::internal()
            })?;
    }
    state
        .store
        .add_photos(
            id,
            person,
            purpose,
            &rows,
            MAX_PHOTOS_PER_PURPOSE,
            state.clock.now(),
        )
        .await?;
    Ok(())
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PhotoQuery {
    size: Option<String>,
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
    user: &CurrentUser,
    id: i64,
    photo_id: i64,
    thumbnail: bool,
) -> ApiResult<Response> {
    let access: PhotoAccess = load_detail_for_photos(state, user, id).await?;
    if !access.may_see_photos {
        return Err(ApiError::not_found("photo.not_found"));
    }
    let photo = state.store.photo(photo_id).await?;
    if photo.work_order_id != id {
        return Err(ApiError::not_found("photo.not_found"));
    }
    let key = if thumbnail {
        &photo.thumbnail_key
    } else {
        &photo.storage_key
    };
    let bytes = state
        .blobs
        .get(key)
        .await
        .map_err(|_| ApiError::internal())?
        .ok_or_else(|| ApiError::not_found("photo.not_found"))?;
    let mut response = bytes.into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("image/jpeg"));
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=86400"),
    );
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let image = DynamicImage::new_rgb8(width, height);
        let mut out = Cursor::new(Vec::new());
        image
            .write_to(&mut out, ImageFormat::Png)
            .unwrap_or_default();
        out.into_inner()
    }

    #[test]
    fn real_images_are_reencoded_as_jpeg_with_a_thumbnail() -> Result<(), PhotoError> {
        let processed = process(&png(4000, 1000))?;
        assert_eq!((processed.width, processed.height), (2560, 640));
        assert!(processed.jpeg.starts_with(&[0xFF, 0xD8]));
        let thumbnail =
            image::load_from_memory(&processed.thumbnail).map_err(|_| PhotoError::NotAnImage)?;
        assert_eq!((thumbnail.width(), thumbnail.height()), (320, 80));
        Ok(())
    }

    #[test]
    fn fakes_and_giants_are_refused() {
        assert_eq!(
            process(b"GIF89a not really").err(),
            Some(PhotoError::NotAnImage)
        );
        assert_eq!(
            process(b"<svg xmlns='http://www.w3.org/2000/svg'/>").err(),
            Some(PhotoError::NotAnImage)
        );
        let mut truncated = png(100, 100);
        truncated.truncate(60);
        assert_eq!(process(&truncated).err(), Some(PhotoError::NotAnImage));
        assert_eq!(
            process(&png(10_000, 6_000)).err(),
            Some(PhotoError::TooLarge)
        );
        assert_eq!(
            process(&vec![0xFF; MAX_PHOTO_BYTES + 1]).err(),
            Some(PhotoError::TooLarge)
        );
    }
}
