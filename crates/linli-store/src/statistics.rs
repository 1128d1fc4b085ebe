//! Statistics counters: written with each change, read in aggregate.

use crate::db::Store;
use crate::error::StoreResult;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use linli_domain::calendar::shanghai;
use linli_domain::statistics::{Counts, DURATION_BUCKETS, Delta, Slices, rows};
use linli_domain::work_orders::Status;
use std::collections::BTreeMap;
use std::sync::LazyLock;
use std::sync::atomic::{AtomicU64, Ordering};

/// Counts the changes this instance makes or hears to what statistics are read from
/// (work orders and their counters, meeting decisions), so that a copy of figures can
/// tell whether it is still what the database holds ([`Store::figures_version`]).
#[derive(Debug, Default)]
pub(crate) struct FiguresChanges(AtomicU64);

impl FiguresChanges {
    pub(crate) fn changed(&self) {
        self.0.fetch_add(1, Ordering::AcqRel);
    }

    /// Counts a change once the returned guard is dropped: create it before a write, so
    /// it counts however the write ends (committed, failed, or abandoned by a request
    /// that timed out, perhaps after its commit).
    pub(crate) fn changed_when_done(&self) -> ChangedWhenDone<'_> {
        ChangedWhenDone(self)
    }
}

/// See [`FiguresChanges::changed_when_done`].
pub(crate) struct ChangedWhenDone<'a>(&'a FiguresChanges);

impl Drop for ChangedWhenDone<'_> {
    fn drop(&mut self) {
        self.0.changed();
    }
}

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
    /// When the work order was reported: its counts are kept on that day (its cohort).
    pub cohort: DateTime<Utc>,
    pub delta: Delta,
    pub from_status: Option<Status>,
    pub to_status: Status,
}

pub(crate) fn day_of(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&shanghai()).date_naive()
}

pub(crate) fn month_of(day: NaiveDate) -> NaiveDate {
    day.with_day(1).unwrap_or(day)
}

/// Adds one row of counts (per community, day or month, dimension) to a counter table.
/// Written once for both engines: `ON CONFLICT … DO UPDATE` is common to both.
/// A multi-row upsert: `head`, then `VALUES (…), (…)`, then `tail`. The rows of one
/// statement must have distinct keys (PostgreSQL refuses to update a row twice in one
/// statement); the accumulators' maps guarantee it.
pub(crate) struct Upsert {
    pub head: String,
    pub tail: String,
}

/// Rows one upsert statement carries (14 values each, within SQLite's 32,766).
pub(crate) const UPSERT_ROWS: usize = 1000;

fn upsert_counts(table: &str, period: &str) -> Upsert {
    Upsert {
        head: format!(
            "INSERT INTO {table} (community_id, {period}, dimension, dimension_id,
                created, dispatched, signed, signed_in_time, resolved, accepted, rated, satisfied, reopened, cancelled) "
        ),
        tail: format!(
            " ON CONFLICT (community_id, dimension, {period}, dimension_id) DO UPDATE SET
                created = {table}.created + excluded.created,
                dispatched = {table}.dispatched + excluded.dispatched,
                signed = {table}.signed + excluded.signed,
                signed_in_time = {table}.signed_in_time + excluded.signed_in_time,
                resolved = {table}.resolved + excluded.resolved,
                accepted = {table}.accepted + excluded.accepted,
                rated = {table}.rated + excluded.rated,
                satisfied = {table}.satisfied + excluded.satisfied,
                reopened = {table}.reopened + excluded.reopened,
                cancelled = {table}.cancelled + excluded.cancelled"
        ),
    }
}

fn upsert_durations(table: &str, period: &str) -> Upsert {
    Upsert {
        head: format!(
            "INSERT INTO {table} (community_id, {period}, organisation_id, kind, bucket, count) "
        ),
        tail: format!(
            " ON CONFLICT (community_id, {period}, organisation_id, kind, bucket) DO UPDATE SET
                count = {table}.count + excluded.count"
        ),
    }
}

pub(crate) static UPSERT_DAILY: LazyLock<Upsert> =
    LazyLock::new(|| upsert_counts("work_order_daily_stats", "day"));
pub(crate) static UPSERT_MONTHLY: LazyLock<Upsert> =
    LazyLock::new(|| upsert_counts("work_order_monthly_stats", "month"));
pub(crate) static UPSERT_DAILY_DURATIONS: LazyLock<Upsert> =
    LazyLock::new(|| upsert_durations("work_order_duration_stats", "day"));
pub(crate) static UPSERT_MONTHLY_DURATIONS: LazyLock<Upsert> =
    LazyLock::new(|| upsert_durations("work_order_duration_monthly_stats", "month"));

/// (community, day or month, dimension, dimension id)
type CountsKey = (i64, NaiveDate, &'static str, i64);
/// (community, day or month, lead organisation, `sign` or `resolve`, bucket)
type DurationKey = (i64, NaiveDate, i64, &'static str, i64);

/// The counters a transaction moves, added up before they are written: a batch of new
/// work orders writes one row per day and dimension instead of one per work order, and
/// rows are written in key order, so concurrent transactions lock them in one order.
#[derive(Debug, Default)]
pub(crate) struct StatsWrites {
    pub(crate) daily: BTreeMap<CountsKey, Counts>,
    pub(crate) monthly: BTreeMap<CountsKey, Counts>,
    pub(crate) daily_durations: BTreeMap<DurationKey, i64>,
    pub(crate) monthly_durations: BTreeMap<DurationKey, i64>,
    /// (community, status) → change in the number of work orders in it.
    pub(crate) statuses: BTreeMap<(i64, &'static str), i64>,
}

impl StatsWrites {
    /// Counts a delta on `day` in the rows the domain names for it.
    pub(crate) fn add_counts(&mut self, key: StatsKey, day: NaiveDate, delta: &Delta) {
        let slices = Slices {
            category: key.category_id,
            building: key.building_id,
            organisation: key.organisation_id,
        };
        for (dimension, id, counts) in rows(delta, slices) {
            *self
                .daily
                .entry((key.community_id, day, dimension.as_str(), id))
                .or_default() += counts;
            *self
                .monthly
                .entry((key.community_id, month_of(day), dimension.as_str(), id))
                .or_default() += counts;
        }
    }

    pub(crate) fn add_status(&mut self, community: i64, status: Status, change: i64) {
        *self
            .statuses
            .entry((community, status.as_str()))
            .or_default() += change;
    }

    /// Adds one change, on the day its work order was reported.
    pub(crate) fn add(&mut self, change: &StatsChange) {
        let day = day_of(change.cohort);
        let key = change.key;
        self.add_counts(key, day, &change.delta);
        for (kind, minutes) in [
            ("sign", change.delta.sign_minutes),
            ("resolve", change.delta.resolve_minutes),
        ] {
            let Some(minutes) = minutes else { continue };
            let bucket =
                i64::try_from(linli_domain::statistics::bucket_of(minutes)).unwrap_or_default();
            let organisation = key.organisation_id.unwrap_or(0);
            *self
                .daily_durations
                .entry((key.community_id, day, organisation, kind, bucket))
                .or_default() += 1;
            *self
                .monthly_durations
                .entry((key.community_id, month_of(day), organisation, kind, bucket))
                .or_default() += 1;
        }
        if change.from_status != Some(change.to_status) {
            if let Some(from) = change.from_status {
                self.add_status(key.community_id, from, -1);
            }
            self.add_status(key.community_id, change.to_status, 1);
        }
    }
}

/// Writes what a [`StatsWrites`] holds inside the caller's transaction (a macro so that
/// one body serves both engines' transactions).
macro_rules! write_stats {
    ($tx:expr, $writes:expr) => {{
        let writes: &$crate::statistics::StatsWrites = $writes;
        for (upsert, rows) in [
            (&*$crate::statistics::UPSERT_DAILY, &writes.daily),
            (&*$crate::statistics::UPSERT_MONTHLY, &writes.monthly),
        ] {
            let rows: Vec<_> = rows.iter().collect();
            for chunk in rows.chunks($crate::statistics::UPSERT_ROWS) {
                let mut query = sqlx::QueryBuilder::new(upsert.head.as_str());
                query.push_values(chunk, |mut row, ((community, period, dimension, dimension_id), counts)| {
                    row.push_bind(*community)
                        .push_bind(*period)
                        .push_bind(*dimension)
                        .push_bind(*dimension_id)
                        .push_bind(counts.created)
                        .push_bind(counts.dispatched)
                        .push_bind(counts.signed)
                        .push_bind(counts.signed_in_time)
                        .push_bind(counts.resolved)
                        .push_bind(counts.accepted)
                        .push_bind(counts.rated)
                        .push_bind(counts.satisfied)
                        .push_bind(counts.reopened)
                        .push_bind(counts.cancelled);
                });
                query.push(upsert.tail.as_str());
                query.build().execute(&mut *$tx).await?;
            }
        }
        for (upsert, rows) in [
            (&*$crate::statistics::UPSERT_DAILY_DURATIONS, &writes.daily_durations),
            (&*$crate::statistics::UPSERT_MONTHLY_DURATIONS, &writes.monthly_durations),
        ] {
            let rows: Vec<_> = rows.iter().collect();
            for chunk in rows.chunks($crate::statistics::UPSERT_ROWS) {
                let mut query = sqlx::QueryBuilder::new(upsert.head.as_str());
                query.push_values(chunk, |mut row, ((community, period, organisation, kind, bucket), count)| {
                    row.push_bind(*community)
                        .push_bind(*period)
                        .push_bind(*organisation)
                        .push_bind(*kind)
                        .push_bind(*bucket)
                        .push_bind(*count);
                });
                query.push(upsert.tail.as_str());
                query.build().execute(&mut *$tx).await?;
            }
        }
        let statuses: Vec<_> = writes.statuses.iter().filter(|(_, change)| **change != 0).collect();
        if !statuses.is_empty() {
            let mut query = sqlx::QueryBuilder::new(
                "INSERT INTO work_order_status_counts (community_id, status, count) ",
            );
            query.push_values(statuses, |mut row, ((community, status), change)| {
                row.push_bind(*community).push_bind(*status).push_bind(*change);
            });
            query.push(
                " ON CONFLICT (community_id, status) DO UPDATE SET count = work_order_status_counts.count + excluded.count",
            );
            query.build().execute(&mut *$tx).await?;
        }
    }};
}
pub(crate) use write_stats;

/// How a range of days is read: the whole months inside it from the monthly roll-ups,
/// the days around them (and the month `to` falls in, still being written) from the
/// daily rows. A year reads ~12 monthly rows per slice instead of ~365 daily ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RangePlan {
    /// Whole months `[from, to)` (first days), if any.
    pub months: Option<(NaiveDate, NaiveDate)>,
    /// Days read one by one: `[from, to]` ranges.
    pub head: Option<(NaiveDate, NaiveDate)>,
    pub tail: (NaiveDate, NaiveDate),
}

pub(crate) fn plan_range(from: NaiveDate, to: NaiveDate) -> RangePlan {
    let first_whole = if from.day() == 1 {
        from
    } else {
        month_of(from)
            .checked_add_months(chrono::Months::new(1))
            .unwrap_or(from)
    };
    let last_month = month_of(to);
    if first_whole >= last_month {
        return RangePlan {
            months: None,
            head: None,
            tail: (from, to),
        };
    }
    RangePlan {
        months: Some((first_whole, last_month)),
        head: (from < first_whole).then(|| (from, first_whole - chrono::Days::new(1))),
        tail: (last_month, to),
    }
}

/// Statistics of some communities over a range of days.
#[derive(Debug, Clone, Default)]
pub struct StatsReport {
    pub totals: Counts,
    pub by_category: Vec<(i64, Counts)>,
    pub by_building: Vec<(i64, Counts)>,
    pub by_organisation: Vec<(i64, Counts)>,
    /// The days read one by one (those outside the whole months of the range, and the
    /// month `to` falls in).
    pub by_day: Vec<(NaiveDate, Counts)>,
    /// The whole months of the range before the month of `to`, by their first day.
    pub by_month: Vec<(NaiveDate, Counts)>,
    pub sign_histogram: [i64; DURATION_BUCKETS.len()],
    pub resolve_histogram: [i64; DURATION_BUCKETS.len()],
    pub status_now: Vec<(String, i64)>,
    pub overdue_now: i64,
}

type CountsRow = (i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64);
/// A period's kind (`day` or `month`), its first day and its counts.
type PeriodRow = (
    String,
    NaiveDate,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
);
/// A dimension (`category`, `building`, `organisation`), an id in it and its counts.
type DimensionRow = (
    String,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
);

const COLUMNS: &str = "created, dispatched, signed, signed_in_time, resolved, accepted, rated, satisfied, reopened, cancelled";

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
    /// Where the figures stand: it moves on with every change to what statistics are read
    /// from that this instance made or heard of. `None` while this instance cannot hear
    /// every change (PostgreSQL, before its listener connects or after it lost its
    /// connection); a copy of figures is then never used. Read it before reading figures
    /// to keep: they still hold while it has not moved.
    pub fn figures_version(&self) -> Option<u64> {
        self.hears_every_change()
            .then(|| self.figures.0.load(Ordering::Acquire))
    }

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
        let list = crate::db::id_list(communities);
        let plan = plan_range(from, to);
        // An empty range where the plan has no head or no whole months.
        let nothing = (to + chrono::Days::new(1), to);
        let (head_from, head_to) = plan.head.unwrap_or(nothing);
        let (tail_from, tail_to) = plan.tail;
        let (months_from, months_to) = plan.months.unwrap_or(nothing);
        // Ids are numbers from the store, never text from a request. Bound: $1..$4 the
        // head's and the tail's days, $5..$6 the whole months.
        let days = "((day >= $1 AND day <= $2) OR (day >= $3 AND day <= $4))";
        // Four queries on one connection, each answering several parts of the report:
        // with a dozen requests at once on two cores, round trips cost more than rows.
        let dimensions = "('category', 'building', 'organisation')";
        let by_dimension_sql = format!(
            "SELECT dimension, dimension_id, {SUMS} FROM (
                SELECT dimension, dimension_id, {COLUMNS} FROM work_order_daily_stats
                WHERE community_id IN ({list}) AND dimension IN {dimensions} AND day >= $1 AND day <= $2
                UNION ALL
                SELECT dimension, dimension_id, {COLUMNS} FROM work_order_daily_stats
                WHERE community_id IN ({list}) AND dimension IN {dimensions} AND day >= $3 AND day <= $4
                UNION ALL
                SELECT dimension, dimension_id, {COLUMNS} FROM work_order_monthly_stats
                WHERE community_id IN ({list}) AND dimension IN {dimensions} AND month >= $5 AND month < $6
             ) AS parts GROUP BY dimension, dimension_id ORDER BY dimension, dimension_id"
        );
        let by_period_sql = format!(
            "SELECT 'day' AS period, day, {SUMS} FROM work_order_daily_stats
             WHERE community_id IN ({list}) AND dimension = 'all' AND {days}
             GROUP BY day
             UNION ALL
             SELECT 'month' AS period, month, {SUMS} FROM work_order_monthly_stats
             WHERE community_id IN ({list}) AND dimension = 'all' AND month >= $5 AND month < $6
             GROUP BY month
             ORDER BY 1, 2"
        );
        let histogram_sql = format!(
            "SELECT kind, bucket, CAST(SUM(count) AS BIGINT) FROM (
                SELECT kind, bucket, count FROM work_order_duration_stats
                WHERE community_id IN ({list}) AND {days}
                UNION ALL
                SELECT kind, bucket, count FROM work_order_duration_monthly_stats
                WHERE community_id IN ({list}) AND month >= $5 AND month < $6
             ) AS parts GROUP BY kind, bucket"
        );
        // Overdue: two counts, each within one deadline index that holds the community
        // (thousands of rows, none read from the table); one count with `OR` read each
        // late row from the table to test its community.
        let now_sql = format!(
            "SELECT 'status' AS part, status, CAST(SUM(count) AS BIGINT) FROM work_order_status_counts
             WHERE community_id IN ({list}) GROUP BY status
             UNION ALL
             SELECT 'overdue' AS part, NULL,
               (SELECT COUNT(*) FROM work_orders WHERE status = 'submitted' AND triage_deadline < $1
                  AND community_id IN ({list}))
               + (SELECT COUNT(*) FROM work_orders WHERE community_id IN ({list})
                  AND status IN ('dispatched', 'in_progress') AND resolve_deadline < $1)
             ORDER BY 1, 2"
        );
        // The same six bounds, in the same order, for every query that reads by day.
        macro_rules! with_range {
            ($query:expr) => {
                $query
                    .bind(head_from)
                    .bind(head_to)
                    .bind(tail_from)
                    .bind(tail_to)
                    .bind(months_from)
                    .bind(months_to)
            };
        }
        on_pool!(&self.db, |pool| {
            let mut connection = pool.acquire().await?;
            let rows = with_range!(sqlx::query_as::<_, DimensionRow>(sqlx::AssertSqlSafe(
                by_dimension_sql.as_str()
            )))
            .fetch_all(&mut *connection)
            .await?;
            for (dimension, id, a, b, c, d, e, f, g, h, i, j) in rows {
                let target = match dimension.as_str() {
                    "category" => &mut report.by_category,
                    "building" => &mut report.by_building,
                    "organisation" => &mut report.by_organisation,
                    _ => continue,
                };
                target.push(counts_of(&(id, a, b, c, d, e, f, g, h, i, j)));
            }
            let rows = with_range!(sqlx::query_as::<_, PeriodRow>(sqlx::AssertSqlSafe(
                by_period_sql.as_str()
            )))
            .fetch_all(&mut *connection)
            .await?;
            for (period, first_day, a, b, c, d, e, f, g, h, i, j) in rows {
                let counts = counts_of(&(0, a, b, c, d, e, f, g, h, i, j)).1;
                if period == "day" {
                    report.by_day.push((first_day, counts));
                } else {
                    report.by_month.push((first_day, counts));
                }
            }
            let histograms = with_range!(sqlx::query_as::<_, (String, i64, i64)>(
                sqlx::AssertSqlSafe(histogram_sql.as_str())
            ))
            .fetch_all(&mut *connection)
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
            let rows = sqlx::query_as::<_, (String, Option<String>, i64)>(sqlx::AssertSqlSafe(
                now_sql.as_str(),
            ))
            .bind(crate::db::stored_time(now))
            .fetch_all(&mut *connection)
            .await?;
            for (part, status, count) in rows {
                match (part.as_str(), status) {
                    ("status", Some(status)) => report.status_now.push((status, count)),
                    ("overdue", _) => report.overdue_now = count,
                    _ => {}
                }
            }
            Ok::<_, crate::StoreError>(())
        })?;
        for (_, counts) in report.by_day.iter().chain(&report.by_month) {
            report.totals += *counts;
        }
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap_or_default()
    }

    #[test]
    fn whole_months_come_from_the_roll_ups_and_the_rest_from_days() {
        // A year from mid-month: the head's days, eleven whole months, the last month.
        let plan = plan_range(day("2025-12-02"), day("2026-12-02"));
        assert_eq!(plan.head, Some((day("2025-12-02"), day("2025-12-31"))));
        assert_eq!(plan.months, Some((day("2026-01-01"), day("2026-12-01"))));
        assert_eq!(plan.tail, (day("2026-12-01"), day("2026-12-02")));
        // From the first of a month: no head.
        let plan = plan_range(day("2026-01-01"), day("2026-03-31"));
        assert_eq!(plan.head, None);
        assert_eq!(plan.months, Some((day("2026-01-01"), day("2026-03-01"))));
        assert_eq!(plan.tail, (day("2026-03-01"), day("2026-03-31")));
        // Within one month, or across the turn of one: days only.
        for (from, to) in [("2026-11-01", "2026-11-30"), ("2026-10-15", "2026-11-03")] {
            let plan = plan_range(day(from), day(to));
            assert_eq!(
                (plan.head, plan.months, plan.tail),
                (None, None, (day(from), day(to)))
            );
        }
    }

    #[test]
    fn a_batch_adds_up_before_it_is_written() {
        let key = StatsKey {
            community_id: 1,
            category_id: 3,
            building_id: Some(7),
            organisation_id: None,
        };
        let now = DateTime::parse_from_rfc3339("2026-10-27T02:00:00Z")
            .map(|at| at.with_timezone(&Utc))
            .unwrap_or_default();
        let created = StatsChange {
            key,
            cohort: now,
            delta: linli_domain::statistics::Delta {
                counts: Counts {
                    created: 1,
                    ..Counts::default()
                },
                ..Default::default()
            },
            from_status: None,
            to_status: Status::Submitted,
        };
        let mut writes = StatsWrites::default();
        for _ in 0..64 {
            writes.add(&created);
        }
        assert_eq!(writes.daily.len(), 4, "one row per dimension");
        assert_eq!(writes.monthly.len(), 4);
        assert!(writes.daily.values().all(|counts| counts.created == 64));
        assert_eq!(writes.statuses.get(&(1, "submitted")), Some(&64));
        assert_eq!(
            writes.monthly.keys().next().map(|key| key.1),
            Some(day("2026-10-01"))
        );
    }
}
