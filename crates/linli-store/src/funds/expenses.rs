//! A campaign's expenses: asked for, approved (or rejected with a reason), paid. Paying
//! writes the ledger entry (`ledger.rs`), in the same transaction.

use crate::db::{Store, stored_time};
use crate::error::{StoreError, StoreResult};
use chrono::{DateTime, Utc};
use linli_domain::funds::ExpenseStatus;
use linli_domain::ids::PersonId;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ExpenseRow {
    pub id: i64,
    pub campaign_id: i64,
    pub amount_fen: i64,
    pub payee: String,
    pub purpose: String,
    #[sqlx(try_from = "String")]
    pub status: ExpenseStatus,
    pub requested_by: i64,
    pub requested_by_name: String,
    pub approved_by: Option<i64>,
    pub approved_by_name: Option<String>,
    pub override_reason: Option<String>,
    pub reject_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub paid_at: Option<DateTime<Utc>>,
}

pub struct NewExpense<'a> {
    pub campaign_id: i64,
    pub amount_fen: i64,
    pub payee: &'a str,
    pub purpose: &'a str,
    pub status: ExpenseStatus,
    pub requested_by: PersonId,
}

const EXPENSE_COLUMNS: &str = "SELECT x.id, x.campaign_id, x.amount_fen, x.payee, x.purpose, x.status, x.requested_by,
        r.display_name AS requested_by_name, x.approved_by, a.display_name AS approved_by_name, x.override_reason,
        x.reject_reason, x.created_at, x.updated_at, x.paid_at
    FROM fund_expenses x JOIN people r ON r.id = x.requested_by LEFT JOIN people a ON a.id = x.approved_by";

impl Store {
    pub async fn add_expense(
        &self,
        expense: NewExpense<'_>,
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        let now = stored_time(now);
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_scalar::<_, i64>(
                "INSERT INTO fund_expenses (campaign_id, amount_fen, payee, purpose, status, requested_by, created_at,
                    updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
            )
            .bind(expense.campaign_id)
            .bind(expense.amount_fen)
            .bind(expense.payee)
            .bind(expense.purpose)
            .bind(expense.status.as_str())
            .bind(expense.requested_by.0)
            .bind(now)
            .fetch_one(pool)
            .await
        })?)
    }

    pub async fn expense(&self, id: i64) -> StoreResult<ExpenseRow> {
        let sql = format!("{EXPENSE_COLUMNS} WHERE x.id = $1");
        on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, ExpenseRow>(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(id)
                .fetch_optional(pool)
                .await
        })?
        .ok_or(StoreError::NotFound("fund.expense_not_found"))
    }

    pub async fn expenses(&self, campaign: i64) -> StoreResult<Vec<ExpenseRow>> {
        let sql = format!("{EXPENSE_COLUMNS} WHERE x.campaign_id = $1 ORDER BY x.id");
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, ExpenseRow>(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(campaign)
                .fetch_all(pool)
                .await
        })?)
    }

    /// Moves an expense from `from` to `to` (only if still in `from`): submitted,
    /// approved by `by` (with the override reason when over the balance), or rejected
    /// with a reason.
    pub async fn move_expense(
        &self,
        id: i64,
        from: ExpenseStatus,
        to: ExpenseStatus,
        by: PersonId,
        reason: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let approving = to == ExpenseStatus::Approved;
        let rejecting = to == ExpenseStatus::Rejected;
        let done = on_pool!(&self.db, |pool| {
            sqlx::query(
                "UPDATE fund_expenses SET status = $3,
                    approved_by = CASE WHEN $5 THEN $4 ELSE approved_by END,
                    override_reason = CASE WHEN $5 THEN $7 ELSE override_reason END,
                    reject_reason = CASE WHEN $6 THEN $7 ELSE reject_reason END,
                    updated_at = $8
                 WHERE id = $1 AND status = $2",
            )
            .bind(id)
            .bind(from.as_str())
            .bind(to.as_str())
            .bind(by.0)
            .bind(approving)
            .bind(rejecting)
            .bind(reason)
            .bind(stored_time(now))
            .execute(pool)
            .await
            .map(|done| done.rows_affected())
        })?;
        if done == 0 {
            Err(StoreError::Conflict("fund.expense_moved"))
        } else {
            Ok(())
        }
    }
}
