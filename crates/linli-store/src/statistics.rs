//! Statistics counters: written with each change, read in aggregate.

use crate::db::Store;
use crate::error::StoreResult;
use chrono::{DateTime, NaiveDate, Utc};
use linli_domain::calendar::shanghai;
use linli_domain::statistics::{Counts, DURATION_BUCKETS, Delta};
use linli_domain::work_orders::Status;

/// Where a change is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatsKey {
    pub community_id: i64,
    pub category_id: i64,
    pub building_id: Option<i64>,
    pub organisation_id: Option<i64>,
}

/// The counters one change moves: its delta, and the status it moved between.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatsChange {
    pub key: StatsKey,
    pub delta: Delta,
    pub from_status: Option<Status>,
    pub to_status: Status,
}

pub(crate) fn day_of(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&shanghai()).date_naive()
}

/// Adds one row of counts (per community, day, dimension) to the daily statistics.
pub(crate) const UPSERT_DAILY: &str = "INSERT INTO work_order_daily_stats (community_id, day, dimension, dimension_id,
        created, dispatched, signed, signed_in_time, resolved, accepted, rated, satisfied, reopened, cancelled)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
     ON CONFLICT (community_id, dimension, day, dimension_id) DO UPDATE SET
        created = work_order_daily_stats.created + excluded.created,
        dispatched = work_order_daily_stats.dispatched + excluded.dispatched,
        signed = work_order_daily_stats.signed + excluded.signed,
        signed_in_time = work_order_daily_stats.signed_in_time + excluded.signed_in_time,
        resolved = work_order_daily_stats.resolved + excluded.resolved,
        accepted = work_order_daily_stats.accepted + excluded.accepted,
        rated = work_order_daily_stats.rated + excluded.rated,
        satisfied = work_order_daily_stats.satisfied + excluded.satisfied,
        reopened = work_order_daily_stats.reopened + excluded.reopened,
        cancelled = work_order_daily_stats.cancelled + excluded.cancelled";

/// Applies a change inside the caller's transaction. Written once for both engines: the
/// `ON CONFLICT … DO UPDATE` upsert is common to SQLite and PostgreSQL.
macro_rules! record_stats {
    ($tx:expr, $change:expr, $now:expr) => {{
        let change: &$crate::statistics::StatsChange = $change;
        let day = $crate::statistics::day_of($now);
        let key = change.key;
        let counts = change.delta.counts;
        if !counts.is_zero() {
            let dimensions = [
                ("all", 0),
                ("category", key.category_id),
                ("building", key.building_id.unwrap_or(0)),
                ("organisation", key.organisation_id.unwrap_or(0)),
            ];
            for (dimension, dimension_id) in dimensions {
                sqlx::query($crate::statistics::UPSERT_DAILY)
                    .bind(key.community_id)
                    .bind(day)
                    .bind(dimension)
                    .bind(dimension_id)
                    .bind(counts.created)
                    .bind(counts.dispatched)
                    .bind(counts.signed)
                    .bind(counts.signed_in_time)
                    .bind(counts.resolved)
                    .bind(counts.accepted)
                    .bind(counts.rated)
                    .bind(counts.satisfied)
                    .bind(counts.reopened)
                    .bind(counts.cancelled)
                    .execute(&mut *$tx)
                    .await?;
            }
        }
        for (kind, minutes) in [("sign", change.delta.sign_minutes), ("resolve", change.delta.resolve_minutes)] {
            let Some(minutes) = minutes else { continue };
            sqlx::query(
                "INSERT INTO work_order_duration_stats (community_id, day, organisation_id, kind, bucket, count)
                 VALUES ($1, $2, $3, $4, $5, 1)
                 ON CONFLICT (community_id, day, organisation_id, kind, bucket) DO UPDATE SET
                    count = work_order_duration_stats.count + 1",
            )
            .bind(key.community_id)
            .bind(day)
            .bind(key.organisation_id.unwrap_or(0))
            .bind(kind)
            .bind(i64::try_from(linli_domain::statistics::bucket_of(minutes)).unwrap_or_default())
            .execute(&mut *$tx)
            .await?;
        }
        if change.from_status != Some(change.to_status) {
            if let Some(from) = change.from_status {
                sqlx::query("UPDATE work_order_status_counts SET count = count - 1 WHERE community_id = $1 AND status = $2")
                    .bind(key.community_id)
                    .bind(from.as_str())
                    .execute(&mut *$tx)
                    .await?;
            }
            sqlx::query(
                "INSERT INTO work_order_status_counts (community_id, status, count) VALUES ($1, $2, 1)
                 ON CONFLICT (community_id, status) DO UPDATE SET count = work_order_status_counts.count + 1",
            )
            .bind(key.community_id)
            .bind(change.to_status.as_str())
            .execute(&mut *$tx)
            .await?;
        }
    }};
}
pub(crate) use record_stats;

/// Statistics of some communities over a range of days.
#[derive(Debug, Clone, Default)]
pub struct StatsReport {
    pub totals: Counts,
    pub by_category: Vec<(i64, Counts)>,
    pub by_building: Vec<(i64, Counts)>,
    pub by_organisation: Vec<(i64, Counts)>,
    pub by_day: Vec<(NaiveDate, Counts)>,
    pub sign_histogram: [i64; DURATION_BUCKETS.len()],
    pub resolve_histogram: [i64; DURATION_BUCKETS.len()],
    pub status_now: Vec<(String, i64)>,
    pub overdue_now: i64,
}

type CountsRow = (i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64);

fn counts_of(row: &CountsRow) -> (i64, Counts) {
    let (
        key,
        created,
        dispatched,
        signed,
        signed_in_time,
        resolved,
        accepted,
        rated,
        satisfied,
        reopened,
        cancelled,
    ) = *row;
    (
        key,
        Counts {
            created,
            dispatched,
            signed,
            signed_in_time,
            resolved,
            accepted,
            rated,
            satisfied,
            reopened,
            cancelled,
        },
    )
}

// PostgreSQL sums BIGINTs into NUMERIC; the casts keep both engines answering BIGINT.
const SUMS: &str = "CAST(SUM(created) AS BIGINT), CAST(SUM(dispatched) AS BIGINT), CAST(SUM(signed) AS BIGINT),
    CAST(SUM(signed_in_time) AS BIGINT), CAST(SUM(resolved) AS BIGINT), CAST(SUM(accepted) AS BIGINT),
    CAST(SUM(rated) AS BIGINT), CAST(SUM(satisfied) AS BIGINT), CAST(SUM(reopened) AS BIGINT),
    CAST(SUM(cancelled) AS BIGINT)";

impl Store {
    pub async fn statistics(
        &self,
        communities: &[i64],
        from: NaiveDate,
        to: NaiveDate,
        now: DateTime<Utc>,
    ) -> StoreResult<StatsReport> {
        let mut report = StatsReport::default();
        if communities.is_empty() {
            return Ok(report);
        }
        let list = communities
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        // Ids are numbers from the store, never text from a request.
        let grouped = |dimension: &str| {
            format!(
                "SELECT dimension_id, {SUMS} FROM work_order_daily_stats
                 WHERE community_id IN ({list}) AND dimension = '{dimension}' AND day >= $1 AND day <= $2
                 GROUP BY dimension_id ORDER BY dimension_id"
            )
        };
        let by_day_sql = format!(
            "SELECT day, {SUMS} FROM work_order_daily_stats
             WHERE community_id IN ({list}) AND dimension = 'all' AND day >= $1 AND day <= $2
             GROUP BY day ORDER BY day"
        );
        let histogram_sql = format!(
            "SELECT kind, bucket, CAST(SUM(count) AS BIGINT) FROM work_order_duration_stats
             WHERE community_id IN ({list}) AND day >= $1 AND day <= $2 GROUP BY kind, bucket"
        );
        let status_sql = format!(
            "SELECT status, CAST(SUM(count) AS BIGINT) FROM work_order_status_counts WHERE community_id IN ({list}) GROUP BY status ORDER BY status"
        );
        let overdue_sql = format!(
            "SELECT COUNT(*) FROM work_orders WHERE community_id IN ({list})
             AND status IN ('dispatched', 'in_progress') AND resolve_deadline < $1"
        );
        on_pool!(&self.db, |pool| {
            for (dimension, target) in [
                ("category", &mut report.by_category),
                ("building", &mut report.by_building),
                ("organisation", &mut report.by_organisation),
            ] {
                let sql = grouped(dimension);
                let rows = sqlx::query_as::<_, CountsRow>(sqlx::AssertSqlSafe(sql.as_str()))
                    .bind(from)
                    .bind(to)
                    .fetch_all(pool)
                    .await?;
                *target = rows.iter().map(counts_of).collect();
            }
            let days = sqlx::query_as::<
                _,
                (NaiveDate, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64),
            >(sqlx::AssertSqlSafe(by_day_sql.as_str()))
            .bind(from)
            .bind(to)
            .fetch_all(pool)
            .await?;
            report.by_day = days
                .into_iter()
                .map(|(day, a, b, c, d, e, f, g, h, i, j)| {
                    (day, counts_of(&(0, a, b, c, d, e, f, g, h, i, j)).1)
                })
                .collect();
            let histograms = sqlx::query_as::<_, (String, i64, i64)>(sqlx::AssertSqlSafe(
                histogram_sql.as_str(),
            ))
            .bind(from)
            .bind(to)
            .fetch_all(pool)
            .await?;
            for (kind, bucket, count) in histograms {
                let histogram = if kind == "sign" {
                    &mut report.sign_histogram
                } else {
                    &mut report.resolve_histogram
                };
                if let Some(slot) = usize::try_from(bucket)
                    .ok()
                    .and_then(|bucket| histogram.get_mut(bucket))
                {
                    *slot += count;
                }
            }
            report.status_now =
                sqlx::query_as::<_, (String, i64)>(sqlx::AssertSqlSafe(status_sql.as_str()))
                    .fetch_all(pool)
                    .await?;
            report.overdue_now =
                sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(overdue_sql.as_str()))
                    .bind(crate::db::stored_time(now))
                    .fetch_one(pool)
                    .await?;
            Ok::<_, crate::StoreError>(())
        })?;
        for (_, counts) in &report.by_day {
            report.totals += *counts;
        }
        Ok(report)
    }
}
