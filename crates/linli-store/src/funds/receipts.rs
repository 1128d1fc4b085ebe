//! Receipt photos of expenses: files in the blob store, rows here, never changed.

use crate::db::{Store, stored_time};
use crate::error::{StoreError, StoreResult};
use crate::work_orders::NewPhoto;
use chrono::{DateTime, Utc};
use linli_domain::ids::PersonId;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ReceiptRow {
    pub id: i64,
    pub expense_id: i64,
    pub storage_key: String,
    pub thumbnail_key: String,
    pub width: i64,
    pub height: i64,
    pub created_at: DateTime<Utc>,
}

const RECEIPT_COLUMNS: &str =
    "r.id, r.expense_id, r.storage_key, r.thumbnail_key, r.width, r.height, r.created_at";

impl Store {
    /// Adds receipts to an expense, all or none, never more than `max` in all.
    pub async fn add_receipts(
        &self,
        expense: i64,
        uploaded_by: PersonId,
        receipts: &[NewPhoto],
        max: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let now = stored_time(now);
        on_pool!(&self.db, |pool| {
            let mut tx = pool.begin().await?;
            // Locks the expense's row so concurrent uploads cannot pass the limit together.
            sqlx::query("UPDATE fund_expenses SET updated_at = updated_at WHERE id = $1")
                .bind(expense)
                .execute(&mut *tx)
                .await?;
            let existing = sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM fund_expense_receipts WHERE expense_id = $1",
            )
            .bind(expense)
            .fetch_one(&mut *tx)
            .await?;
            if existing + i64::try_from(receipts.len()).unwrap_or(i64::MAX) > max {
                return Err(StoreError::Conflict("photo.too_many"));
            }
            for receipt in receipts {
                sqlx::query(
                    "INSERT INTO fund_expense_receipts (expense_id, uploaded_by, storage_key, thumbnail_key, width, height, bytes, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(expense)
                .bind(uploaded_by.0)
                .bind(&receipt.storage_key)
                .bind(&receipt.thumbnail_key)
                .bind(receipt.width)
                .bind(receipt.height)
                .bind(receipt.bytes)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            Ok(())
        })
    }

    /// The receipts of every expense of a campaign, in the order they were given.
    pub async fn campaign_receipts(&self, campaign: i64) -> StoreResult<Vec<ReceiptRow>> {
        let sql = format!(
            "SELECT {RECEIPT_COLUMNS} FROM fund_expense_receipts r
             JOIN fund_expenses x ON x.id = r.expense_id
             WHERE x.campaign_id = $1 ORDER BY r.id"
        );
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, ReceiptRow>(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(campaign)
                .fetch_all(pool)
                .await
        })?)
    }

    pub async fn receipt(&self, id: i64) -> StoreResult<ReceiptRow> {
        let sql = format!("SELECT {RECEIPT_COLUMNS} FROM fund_expense_receipts r WHERE r.id = $1");
        on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, ReceiptRow>(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(id)
                .fetch_optional(pool)
                .await
        })?
        .ok_or(StoreError::NotFound("photo.not_found"))
    }
}
