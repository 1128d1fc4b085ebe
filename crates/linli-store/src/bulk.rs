//! Loading a large history at once, for benchmarks: many work orders in multi-row
//! inserts, with their first timeline event and their statistics counters, as if each
//! had gone through the API.

use crate::db::{Store, stored_time};
use crate::error::{StoreError, StoreResult};
use crate::statistics::day_of;
use chrono::{DateTime, Utc};
use linli_domain::statistics::Counts;
use linli_domain::work_orders::Status;

/// One work order of a bulk history.
#[derive(Debug, Clone)]
pub struct BulkWorkOrder {
    pub category_id: i64,
    pub building_id: i64,
    pub reporter_id: i64,
    pub lead_organisation_id: Option<i64>,
    pub status: Status,
    pub description: String,
    pub created_at: DateTime<Utc>,
    pub resolve_deadline: Option<DateTime<Utc>>,
    pub rating: Option<i64>,
}

const ROWS_PER_INSERT: usize = 500;

impl Store {
    /// Appends `orders` to a community's work orders (numbers continue from the last one)
    /// and returns how many were written.
    pub async fn load_bulk_history(
        &self,
        community: i64,
        created_by: i64,
        orders: &[BulkWorkOrder],
    ) -> StoreResult<usize> {
        let mut stats = crate::statistics::StatsWrites::default();
        for order in orders {
            stats.add_status(community, order.status, 1);
            let mut counts = Counts {
                created: 1,
                ..Counts::default()
            };
            if order.lead_organisation_id.is_some() {
                counts.dispatched += 1;
            }
            if matches!(
                order.status,
                Status::InProgress | Status::OnHold | Status::Resolved | Status::Closed
            ) {
                counts.signed += 1;
                counts.signed_in_time += 1;
            }
            if matches!(order.status, Status::Resolved | Status::Closed) {
                counts.resolved += 1;
            }
            if order.status == Status::Closed {
                counts.accepted += 1;
            }
            if let Some(rating) = order.rating {
                counts.rated += 1;
                counts.satisfied += i64::from(rating >= 4);
            }
            stats.add_counts(
                crate::statistics::StatsKey {
                    community_id: community,
                    category_id: order.category_id,
                    building_id: Some(order.building_id),
                    organisation_id: order.lead_organisation_id,
                },
                day_of(order.created_at),
                // Written as led by its lead from the start: no move to count.
                &linli_domain::statistics::Delta {
                    counts,
                    ..Default::default()
                },
            );
        }
        let sqlite = self.engine() == crate::db::Engine::Sqlite;
        let _figures = self.figures.changed_when_done();
        on_pool!(&self.db, |pool| {
            let mut tx = pool.begin().await?;
            // Writes first: on SQLite a transaction that read before writing cannot
            // wait for a writer that committed in between ("database is locked"); a
            // first write waits for the lock (busy timeout), and what follows reads
            // the latest state.
            sqlx::query(
                "UPDATE work_order_counters SET last_number = last_number WHERE community_id = $1",
            )
            .bind(community)
            .execute(&mut *tx)
            .await?;
            let mut number = sqlx::query_scalar::<_, i64>(
                "SELECT last_number FROM work_order_counters WHERE community_id = $1",
            )
            .bind(community)
            .fetch_optional(&mut *tx)
            .await?
            .unwrap_or(0);
            for chunk in orders.chunks(ROWS_PER_INSERT) {
                let first_number = number + 1;
                let mut insert = sqlx::QueryBuilder::new(
                    "INSERT INTO work_orders (community_id, number, category_id, description, building_id, channel, reporter_id,
                        created_by, lead_organisation_id, priority, status, is_public, resolve_deadline, dispatched_at,
                        signed_at, resolved_at, closed_at, rating, created_at, updated_at, search_terms) ",
                );
                insert.push_values(chunk, |mut row, order| {
                    number += 1;
                    let dispatched = order
                        .lead_organisation_id
                        .map(|_| stored_time(order.created_at));
                    let later = |done: bool| done.then(|| stored_time(order.created_at));
                    let status = order.status;
                    row.push_bind(community)
                        .push_bind(number)
                        .push_bind(order.category_id)
                        .push_bind(order.description.clone())
                        .push_bind(order.building_id)
                        .push_bind("app")
                        .push_bind(order.reporter_id)
                        .push_bind(created_by)
                        .push_bind(order.lead_organisation_id)
                        .push_bind("normal")
                        .push_bind(status.as_str())
                        .push_bind(true)
                        .push_bind(order.resolve_deadline.map(stored_time))
                        .push_bind(dispatched)
                        .push_bind(later(matches!(
                            status,
                            Status::InProgress | Status::OnHold | Status::Resolved | Status::Closed
                        )))
                        .push_bind(later(matches!(status, Status::Resolved | Status::Closed)))
                        .push_bind(later(matches!(status, Status::Closed | Status::Cancelled)))
                        .push_bind(order.rating)
                        .push_bind(stored_time(order.created_at))
                        .push_bind(stored_time(order.created_at))
                        .push_bind(linli_domain::search::index_text(&order.description));
                });
                insert.build().execute(&mut *tx).await?;
                if sqlite {
                    sqlx::query(
                        "INSERT INTO work_order_search (rowid, search_terms)
                         SELECT id, search_terms FROM work_orders
                         WHERE community_id = $1 AND number >= $2 AND number <= $3",
                    )
                    .bind(community)
                    .bind(first_number)
                    .bind(number)
                    .execute(&mut *tx)
                    .await?;
                }
                sqlx::query(
                    "INSERT INTO work_order_events (work_order_id, kind, actor_id, at, body, internal)
                     SELECT id, 'submitted', reporter_id, created_at, description, FALSE FROM work_orders
                     WHERE community_id = $1 AND number >= $2 AND number <= $3",
                )
                .bind(community)
                .bind(first_number)
                .bind(number)
                .execute(&mut *tx)
                .await?;
            }
            sqlx::query(
                "INSERT INTO work_order_counters (community_id, last_number) VALUES ($1, $2)
                 ON CONFLICT (community_id) DO UPDATE SET last_number = excluded.last_number",
            )
            .bind(community)
            .bind(number)
            .execute(&mut *tx)
            .await?;
            crate::statistics::write_stats!(tx, &stats);
            tx.commit().await?;
            Ok::<_, StoreError>(())
        })?;
        Ok(orders.len())
    }

    /// How many work orders the database holds, so a benchmark can reuse a history it
    /// loaded before.
    pub async fn work_order_total(&self) -> StoreResult<usize> {
        let total: i64 = on_pool!(&self.db, |pool| sqlx::query_scalar(
            "SELECT COUNT(*) FROM work_orders"
        )
        .fetch_one(pool)
        .await)?;
        Ok(usize::try_from(total).unwrap_or_default())
    }

    /// After a bulk load, does what PostgreSQL's autovacuum would soon do on a real
    /// server (it is off on this project's machines): VACUUM sets the visibility map that
    /// lets index-only scans skip the table, and ANALYZE refreshes the planner's
    /// statistics. SQLite's ANALYZE feeds its query planner too. Then PostgreSQL writes
    /// out what the load and the vacuum left in its buffers (CHECKPOINT): otherwise the
    /// checkpoint it starts a few minutes later writes a gigabyte in the middle of a
    /// measurement (one client's creates halved, 430 → 226/s). Without the right to
    /// checkpoint (superuser or `pg_checkpoint`), it goes on without one.
    pub async fn analyze(&self) -> StoreResult<()> {
        let sql = match self.engine() {
            crate::db::Engine::Sqlite => "ANALYZE",
            crate::db::Engine::Postgres => "VACUUM ANALYZE",
        };
        on_pool!(&self.db, |pool| sqlx::raw_sql(sql)
            .execute(pool)
            .await
            .map(|_| ()))?;
        if let crate::db::Db::Postgres(pool) = &self.db
            && let Err(error) = sqlx::raw_sql("CHECKPOINT").execute(pool).await
        {
            tracing::warn!(%error, "no checkpoint after the load");
        }
        Ok(())
    }
}
