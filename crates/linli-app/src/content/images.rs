//! Images in content bodies, taken under the rules of work-order photos (real JPEG, PNG
//! or WebP within the size and pixel limits, turned upright and re-encoded, so EXIF and
//! its GPS position are gone). An image is served by an unguessable name to anyone who
//! has it: a published body shows it to its readers, and a draft's image cannot be
//! found by counting ids.

use crate::work_orders::photos::process_uploads;
use crate::{App, AppError, AppResult, Caller};
use linli_domain::ids::CommunityId;
use linli_store::content::{ContentImageRow, NewContentImage};
use linli_store::passwords::new_session_token;

/// The address an image is served at, as written into Markdown.
pub fn image_path(name: &str) -> String {
    format!("/content/images/{name}.jpg")
}

/// Adds an image for the community's content; refused (and nothing kept) unless it is a
/// real image within the limits.
pub async fn upload(
    app: &App,
    caller: &Caller,
    community_id: i64,
    bytes: Vec<u8>,
) -> AppResult<ContentImageRow> {
    let community = CommunityId(community_id);
    app.store.community(community).await?;
    if !super::writes(app, caller, community).await? {
        return Err(AppError::forbidden());
    }
    if bytes.is_empty() {
        return Err(AppError::invalid("validation.required", "image"));
    }
    let Some(processed) = process_uploads(vec![bytes]).await?.pop() else {
        return Err(AppError::invalid("validation.required", "image"));
    };
    let name = new_session_token()?[..24].to_owned();
    let storage_key = format!("content/{community_id}/{name}.jpg");
    let thumbnail_key = format!("content/{community_id}/{name}.thumb.jpg");
    // Files first, row last: a failure leaves at worst an unreferenced file.
    let bytes = i64::try_from(processed.jpeg.len()).unwrap_or(i64::MAX);
    app.blobs
        .put(&storage_key, processed.jpeg)
        .await
        .map_err(|error| AppError::blob("storing an image", &error))?;
    app.blobs
        .put(&thumbnail_key, processed.thumbnail)
        .await
        .map_err(|error| AppError::blob("storing a thumbnail", &error))?;
    app.store
        .add_content_image(
            &NewContentImage {
                community,
                name: &name,
                uploaded_by: caller.person,
                storage_key: &storage_key,
                thumbnail_key: &thumbnail_key,
                width: i64::from(processed.width),
                height: i64::from(processed.height),
                bytes,
            },
            app.now(),
        )
        .await?;
    Ok(app.store.content_image(&name).await?)
}

/// The bytes of an image (or its thumbnail) by its name.
pub async fn image_bytes(app: &App, name: &str, thumbnail: bool) -> AppResult<Vec<u8>> {
    let image = app.store.content_image(name).await?;
    let key = if thumbnail {
        &image.thumbnail_key
    } else {
        &image.storage_key
    };
    app.blobs
        .get(key)
        .await
        .map_err(|error| AppError::blob("reading an image", &error))?
        .ok_or_else(|| AppError::internal(format!("image {} has no file ({key})", image.id)))
}
