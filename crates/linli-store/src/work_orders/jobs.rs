//! What the rules on the clock read and write: newly overdue work orders, resolved ones
//! past their acceptance window.

use crate::db::{Store, stored_time};
use crate::error::{StoreError, StoreResult};
use chrono::{DateTime, Utc};
use linli_domain::notifications::Topic;

impl Store {
    /// Work orders that have just become overdue: marked, given a supervision-alert event
    /// and an outbox message, each in its own transaction. Returns their ids.
    pub async fn mark_newly_overdue(
        &self,
        now: DateTime<Utc>,
        batch: i64,
    ) -> StoreResult<Vec<i64>> {
        let now = stored_time(now);
        let due: Vec<(i64, i64, i64)> = on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, (i64, i64, i64)>(
                "SELECT id, number, community_id FROM work_orders
                 WHERE ((status = 'submitted' AND triage_deadline < $1)
                     OR (status IN ('dispatched', 'in_progress') AND resolve_deadline < $1))
                   AND overdue_alerted_at IS NULL
                 ORDER BY id LIMIT $2",
            )
            .bind(now)
            .bind(batch)
            .fetch_all(pool)
            .await
        })?;
        let mut marked = Vec::with_capacity(due.len());
        for (id, number, community_id) in due {
            let changed = on_pool!(&self.db, |pool| {
                let mut tx = pool.begin().await?;
                let updated = sqlx::query(
                    "UPDATE work_orders SET overdue_alerted_at = $1, version = version + 1, updated_at = $1
                     WHERE id = $2 AND overdue_alerted_at IS NULL
                       AND ((status = 'submitted' AND triage_deadline < $1)
                         OR (status IN ('dispatched', 'in_progress') AND resolve_deadline < $1))",
                )
                .bind(now)
                .bind(id)
                .execute(&mut *tx)
                .await?;
                if updated.rows_affected() == 1 {
                    sqlx::query(
                        "INSERT INTO work_order_events (work_order_id, kind, actor_id, at, body, internal, details)
                         VALUES ($1, 'overdue_alerted', NULL, $2, NULL, TRUE, NULL)",
                    )
                    .bind(id)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                    let outbox = [crate::outbox::OutboxEntry {
                        topic: Topic::WorkOrderOverdue,
                        community_id: Some(community_id),
                        work_order_id: Some(id),
                        payload: serde_json::json!({ "number": number }),
                        at: now,
                    }];
                    crate::outbox::write_outbox!(tx, &outbox);
                }
                tx.commit().await?;
                Ok::<_, StoreError>(updated.rows_affected() == 1)
            })?;
            if changed {
                marked.push(id);
            }
        }
        Ok(marked)
    }

    /// Work orders waiting for the duty officer without a triage deadline (reported
    /// before triage had one, or loaded in bulk): id, category and when reported.
    pub async fn submitted_without_triage_deadline(
        &self,
        batch: i64,
    ) -> StoreResult<Vec<(i64, i64, DateTime<Utc>)>> {
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, (i64, i64, DateTime<Utc>)>(
                "SELECT id, category_id, created_at FROM work_orders
                 WHERE status = 'submitted' AND triage_deadline IS NULL ORDER BY id LIMIT $1",
            )
            .bind(batch)
            .fetch_all(pool)
            .await
        })?)
    }

    /// Gives a work order its triage deadline, unless it has one by now. Not a change
    /// anyone acted on, so the version stays.
    pub async fn set_missing_triage_deadline(
        &self,
        id: i64,
        deadline: DateTime<Utc>,
    ) -> StoreResult<()> {
        // The overdue count of the figures reads triage deadlines.
        let _figures = self.figures.changed_when_done();
        on_pool!(&self.db, |pool| {
            sqlx::query(
                "UPDATE work_orders SET triage_deadline = $1 WHERE id = $2 AND triage_deadline IS NULL",
            )
            .bind(stored_time(deadline))
            .bind(id)
            .execute(pool)
            .await
            .map(|_| ())
        })?;
        Ok(())
    }

    /// Resolved work orders whose acceptance window has passed.
    pub async fn resolved_before(
        &self,
        before: DateTime<Utc>,
        batch: i64,
    ) -> StoreResult<Vec<i64>> {
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_scalar::<_, i64>(
                "SELECT id FROM work_orders WHERE status = 'resolved' AND resolved_at <= $1 ORDER BY resolved_at LIMIT $2",
            )
            .bind(stored_time(before))
            .bind(batch)
            .fetch_all(pool)
            .await
        })?)
    }

    /// Every outbox message written about a work order, delivered or not (the background
    /// fan-out may have delivered one already): for tests.
    pub async fn outbox_of(&self, work_order: i64) -> StoreResult<Vec<(String, String)>> {
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, (String, String)>(
                "SELECT topic, payload FROM outbox WHERE work_order_id = $1 ORDER BY id",
            )
            .bind(work_order)
            .fetch_all(pool)
            .await
        })?)
    }
}
