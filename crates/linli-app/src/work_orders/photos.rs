//! Photos of work orders. An upload is checked by its content, not its name: only real
//! JPEG, PNG or WebP images are taken, within size and pixel limits, turned upright and
//! re-encoded as JPEG — which drops EXIF metadata such as the GPS position of the phone
//! that took it — with a thumbnail for lists. Photos are served only to people who may
//! see the work order's reporter details.

use super::read::{Seen, seen_by};
use crate::{App, AppError, AppResult, Caller};
use image::codecs::jpeg::JpegEncoder;
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use linli_domain::access::View;
use linli_domain::ids::PersonId;
use linli_store::passwords::new_session_token;
use linli_store::work_orders::{NewPhoto, Photo};
use std::io::Cursor;

/// Largest upload taken, per photo.
pub const MAX_PHOTO_BYTES: usize = 10 * 1024 * 1024;
/// Most pixels decoded (a 48-megapixel phone camera fits; a decompression bomb does not).
const MAX_PIXELS: u64 = 50_000_000;
pub const MAX_PHOTOS_PER_PURPOSE: i64 = 9;
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
#[derive(Debug, Clone)]
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

/// Most memory all the photo decodes of this process hold at once, in MiB: the decoded
/// pixels of each image being processed and what is made from them. A 49-megapixel PNG
/// of 143 KB decodes to ~140 MiB, so without a bound a handful of concurrent uploads
/// took gigabytes. Decodes wait for their share of this budget (a small phone photo
/// needs ~85 MiB, so three run at once; a 49-megapixel one ~190 MiB, so one at a time),
/// and the decoder itself may allocate no more than [`MAX_DECODE_ALLOC`]. See
/// docs/benchmarks.md for the peak measured with 16 concurrent 49-megapixel uploads.
pub const DECODE_BUDGET_MIB: u32 = 320;
/// The most one decode may allocate (the pixels of 50 megapixels with an alpha channel,
/// plus the decoder's own buffers); a 16-bit image that large is refused as too large.
const MAX_DECODE_ALLOC: u64 = MAX_PIXELS * 4 + 16 * 1024 * 1024;
/// What a decode needs beyond its decoded pixels: the stored copy (at most
/// `STORED_EDGE`² pixels of 4 bytes) and its RGB copy for the encoder.
const AFTER_DECODE_BYTES: u64 = 2 * (STORED_EDGE as u64) * (STORED_EDGE as u64) * 4;

static DECODE_BUDGET: std::sync::LazyLock<tokio::sync::Semaphore> =
    std::sync::LazyLock::new(|| tokio::sync::Semaphore::new(DECODE_BUDGET_MIB as usize));

/// Checks an upload's header: a JPEG, PNG or WebP within the size and pixel limits.
/// Answers the memory its processing needs, in MiB.
fn decode_cost_mib(bytes: &[u8]) -> Result<u32, PhotoError> {
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
    let decoder = reader.into_decoder().map_err(|_| PhotoError::NotAnImage)?;
    let (width, height) = decoder.dimensions();
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(PhotoError::TooLarge);
    }
    let decoded = decoder.total_bytes();
    if decoded > MAX_DECODE_ALLOC {
        return Err(PhotoError::TooLarge);
    }
    let mib = (decoded + AFTER_DECODE_BYTES).div_ceil(1024 * 1024);
    // Never more than the whole budget, so the largest image still gets its turn.
    Ok(u32::try_from(mib).map_or(DECODE_BUDGET_MIB, |mib| mib.min(DECODE_BUDGET_MIB)))
}

/// Checks and re-encodes an uploaded image. CPU-heavy: run it off the async threads,
/// within the decode budget ([`process_uploads`] does both).
pub fn process(bytes: &[u8]) -> Result<Processed, PhotoError> {
    decode_cost_mib(bytes)?;
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| PhotoError::NotAnImage)?;
    let mut limits = Limits::default();
    limits.max_alloc = Some(MAX_DECODE_ALLOC);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|_| PhotoError::NotAnImage)?;
    // Unreadable EXIF only costs the rotation, not the photo.
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let image = DynamicImage::from_decoder(decoder).map_err(|error| match error {
        image::ImageError::Limits(_) => PhotoError::TooLarge,
        _ => PhotoError::NotAnImage,
    })?;
    // Made smaller first, then turned upright: the box it must fit is square, so the
    // order does not change the result, and turning the small one costs little. The
    // area-averaging `thumbnail` allocates only its result; a filtered `resize` of a
    // 49-megapixel image held a float copy of ~290 MB on the way.
    let mut stored = if image.width() > STORED_EDGE || image.height() > STORED_EDGE {
        let smaller = image.thumbnail(STORED_EDGE, STORED_EDGE);
        drop(image);
        smaller
    } else {
        image
    };
    stored.apply_orientation(orientation);
    let thumbnail = stored.thumbnail(THUMBNAIL_EDGE, THUMBNAIL_EDGE);
    Ok(Processed {
        jpeg: encode_jpeg(&stored, 85)?,
        thumbnail: encode_jpeg(&thumbnail, 75)?,
        width: stored.width(),
        height: stored.height(),
    })
}

/// What a photo is of: the problem as reported, or the lead party's evidence of the fix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Report,
    Resolution,
}

impl Purpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Report => "report",
            Self::Resolution => "resolution",
        }
    }

    pub fn parse(raw: &str) -> AppResult<Self> {
        match raw {
            "report" => Ok(Self::Report),
            "resolution" => Ok(Self::Resolution),
            _ => Err(AppError::invalid("photo.purpose_unknown", "purpose")),
        }
    }
}

/// What a caller may do with a work order's photos.
pub struct PhotoAccess {
    pub may_see_photos: bool,
    pub may_add_report_photos: bool,
    pub may_add_resolution_photos: bool,
}

/// Photos may show faces and homes: only those who see the reporter's details see them;
/// the reporter's side adds to the report, the handlers' side adds evidence.
pub async fn photo_access(app: &App, caller: &Caller, id: i64) -> AppResult<PhotoAccess> {
    let Seen {
        order, who, view, ..
    } = seen_by(app, caller, id).await?;
    let open = order.status.is_open();
    Ok(PhotoAccess {
        may_see_photos: view >= View::Masked,
        may_add_report_photos: open
            && (who.reporter || who.receptionist || who.duty_officer || who.supervisor),
        may_add_resolution_photos: open
            && (who.lead_member || who.co_handler || who.duty_officer || who.supervisor),
    })
}

/// Checks and re-encodes uploads off the async threads; refuses all if one is bad.
pub async fn process_uploads(uploads: Vec<Vec<u8>>) -> AppResult<Vec<Processed>> {
    if uploads.iter().any(|bytes| bytes.len() > MAX_PHOTO_BYTES) {
        return Err(AppError::TooLarge("photo.too_large"));
    }
    if uploads.len() > usize::try_from(MAX_PHOTOS_PER_PURPOSE).unwrap_or(9) {
        return Err(AppError::invalid("photo.too_many", "photo"));
    }
    let refusal = |error: PhotoError| match error {
        PhotoError::NotAnImage => AppError::Unsupported("photo.not_an_image"),
        PhotoError::TooLarge => AppError::TooLarge("photo.too_large"),
    };
    // Every header first, so a bad part refuses the lot before any decoding.
    let costs = uploads
        .iter()
        .map(|bytes| decode_cost_mib(bytes))
        .collect::<Result<Vec<_>, _>>()
        .map_err(refusal)?;
    // One part at a time, each within the process's decode budget.
    let mut processed = Vec::with_capacity(uploads.len());
    for (bytes, cost) in uploads.into_iter().zip(costs) {
        let share = DECODE_BUDGET
            .acquire_many(cost)
            .await
            .map_err(|error| AppError::internal(format!("the decode budget: {error}")))?;
        // The share goes with the decode, not with this request: a request that times
        // out leaves its decode running, and the memory stays counted until it ends.
        let photo = tokio::task::spawn_blocking(move || {
            let photo = process(&bytes);
            drop(share);
            photo
        })
        .await
        .map_err(|error| AppError::internal(format!("processing photos: {error}")))?;
        processed.push(photo.map_err(refusal)?);
    }
    Ok(processed)
}

/// [`process_uploads`] for photos chosen in a form beside other fields: a refusal is
/// about the form's `photos` field.
pub async fn process_form_photos(uploads: Vec<Vec<u8>>) -> AppResult<Vec<Processed>> {
    process_uploads(uploads).await.map_err(|error| match error {
        AppError::TooLarge(code) | AppError::Unsupported(code) => AppError::invalid(code, "photos"),
        AppError::Invalid { code, args, .. } => AppError::Invalid {
            code,
            field: "photos",
            args,
            also: Vec::new(),
        },
        other => other,
    })
}

/// Keeps processed photos of a work order: the files, then their rows in one
/// transaction. The caller has checked that `person` may add them.
pub async fn store_processed(
    app: &App,
    id: i64,
    person: PersonId,
    purpose: Purpose,
    processed: Vec<Processed>,
) -> AppResult<()> {
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
        app.blobs
            .put(&storage_key, photo.jpeg)
            .await
            .map_err(|error| AppError::blob("storing a photo", &error))?;
        app.blobs
            .put(&thumbnail_key, photo.thumbnail)
            .await
            .map_err(|error| AppError::blob("storing a thumbnail", &error))?;
    }
    app.store
        .add_photos(
            id,
            person,
            purpose.as_str(),
            &rows,
            MAX_PHOTOS_PER_PURPOSE,
            app.clock.now(),
        )
        .await?;
    Ok(())
}

/// Adds photos to a work order (all or none) and answers its photos of that purpose.
pub async fn add_photos(
    app: &App,
    caller: &Caller,
    id: i64,
    purpose: Purpose,
    uploads: Vec<Vec<u8>>,
) -> AppResult<Vec<Photo>> {
    let access = photo_access(app, caller, id).await?;
    if uploads.is_empty() {
        return Err(AppError::invalid("validation.required", "photo"));
    }
    let allowed = match purpose {
        Purpose::Report => access.may_add_report_photos,
        Purpose::Resolution => access.may_add_resolution_photos,
    };
    if !allowed {
        return Err(AppError::refused(
            "work_order.not_allowed",
            crate::Refusal::Forbidden,
        ));
    }
    let processed = process_uploads(uploads).await?;
    store_processed(app, id, caller.person, purpose, processed).await?;
    Ok(app
        .store
        .photos(id)
        .await?
        .into_iter()
        .filter(|photo| photo.purpose == purpose.as_str())
        .collect())
}

/// The bytes of a photo (or its thumbnail) for someone who may see it.
pub async fn photo_bytes(
    app: &App,
    caller: &Caller,
    id: i64,
    photo_id: i64,
    thumbnail: bool,
) -> AppResult<Vec<u8>> {
    let access = photo_access(app, caller, id).await?;
    if !access.may_see_photos {
        return Err(AppError::NotFound("photo.not_found"));
    }
    let photo = app.store.photo(photo_id).await?;
    if photo.work_order_id != id {
        return Err(AppError::NotFound("photo.not_found"));
    }
    let key = if thumbnail {
        &photo.thumbnail_key
    } else {
        &photo.storage_key
    };
    app.blobs
        .get(key)
        .await
        .map_err(|error| AppError::blob("reading a photo", &error))?
        // The row is there but its file is not: ours to fix, not the caller's mistake.
        .ok_or_else(|| AppError::internal(format!("photo {photo_id} has no file ({key})")))
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
