//! Photos of work orders: their rows (the files are in the blob store).

use crate::db::{Store, stored_time};
use crate::error::{StoreError, StoreResult};
use chrono::{DateTime, Utc};
use linli_domain::ids::PersonId;
use sqlx::AssertSqlSafe;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Photo {
    pub id: i64,
    pub work_order_id: i64,
    pub uploaded_by: i64,
    pub purpose: String,
    pub storage_key: String,
    pub thumbnail_key: String,
    pub width: i64,
    pub height: i64,
    pub bytes: i64,
    pub created_at: DateTime<Utc>,
}

pub struct NewPhoto {
    pub storage_key: String,
    pub thumbnail_key: String,
    pub width: i64,
    pub height: i64,
    pub bytes: i64,
}

const PHOTO_COLUMNS: &str = "id, work_order_id, uploaded_by, purpose, storage_key, thumbnail_key, width, height, bytes, created_at";

impl Store {
    /// Records photos already in blob storage, all or none, if the work order keeps at
    /// most `max_per_purpose` of this purpose.
    pub async fn add_photos(
        &self,
        work_order: i64,
        uploaded_by: PersonId,
        purpose: &str,
        photos: &[NewPhoto],
        max_per_purpose: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let now = stored_time(now);
        on_pool!(&self.db, |pool| {
            let mut tx = pool.begin().await?;
            // Locks the work order's row so concurrent uploads cannot pass the limit together.
            sqlx::query("UPDATE work_orders SET updated_at = updated_at WHERE id = $1")
                .bind(work_order)
                .execute(&mut *tx)
                .await?;
            let existing = sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM work_order_photos WHERE work_order_id = $1 AND purpose = $2",
            )
            .bind(work_order)
            .bind(purpose)
            .fetch_one(&mut *tx)
            .await?;
            if existing + i64::try_from(photos.len()).unwrap_or(i64::MAX) > max_per_purpose {
                return Err(StoreError::Conflict("photo.too_many"));
            }
            for photo in photos {
                sqlx::query(
                    "INSERT INTO work_order_photos (work_order_id, uploaded_by, purpose, storage_key, thumbnail_key, width, height, bytes, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(work_order)
                .bind(uploaded_by.0)
                .bind(purpose)
                .bind(&photo.storage_key)
                .bind(&photo.thumbnail_key)
                .bind(photo.width)
                .bind(photo.height)
                .bind(photo.bytes)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            Ok(())
        })
    }

    pub async fn photos(&self, work_order: i64) -> StoreResult<Vec<Photo>> {
        let sql = format!(
            "SELECT {PHOTO_COLUMNS} FROM work_order_photos WHERE work_order_id = $1 ORDER BY id"
        );
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, Photo>(AssertSqlSafe(sql.as_str()))
                .bind(work_order)
                .fetch_all(pool)
                .await
        })?)
    }

    pub async fn photo(&self, id: i64) -> StoreResult<Photo> {
        let sql = format!("SELECT {PHOTO_COLUMNS} FROM work_order_photos WHERE id = $1");
        on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, Photo>(AssertSqlSafe(sql.as_str()))
                .bind(id)
                .fetch_optional(pool)
                .await
        })?
        .ok_or(StoreError::NotFound("photo.not_found"))
    }
}
