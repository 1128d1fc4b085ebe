//! The tamper-evident record's rows: sealing new rows of the covered tables into their
//! communities' chains, and reading chains and rows back for a walk
//! ([`linli_domain::audit`] decides what is wrong).

use crate::db::{Store, stored_time};
use crate::error::StoreResult;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use linli_domain::audit::{
    Entry, Field, Finding, GENESIS, Position, Source, digest, link, walk_from,
};
use sqlx::{AssertSqlSafe, Row};
use std::collections::HashMap;

#[derive(Clone, Copy)]
enum Kind {
    Int,
    Text,
    Bool,
    Time,
}
use Kind::{Bool, Int, Text, Time};

/// How a source's rows are read: `e` is the row, with its community and the time that
/// says how old it is; then the values sealed, with their kinds.
fn select(source: Source) -> (String, &'static [Kind]) {
    let (community, time, fields, from, kinds): (&str, &str, &str, &str, &'static [Kind]) =
        match source {
            Source::Timeline => (
                "w.community_id",
                "e.at",
                "e.work_order_id, e.kind, e.actor_id, e.at, e.body, e.internal, e.details",
                "work_order_events e JOIN work_orders w ON w.id = e.work_order_id",
                &[Int, Text, Int, Time, Text, Bool, Text],
            ),
            Source::Ledger => (
                "c.community_id",
                "e.recorded_at",
                "e.campaign_id, e.seq, e.kind, e.amount_fen, e.reverses_seq, e.pledge_id, e.expense_id, e.reason,
                 e.recorded_by, e.recorded_at",
                "fund_entries e JOIN fund_campaigns c ON c.id = e.campaign_id",
                &[Int, Int, Text, Int, Int, Int, Int, Text, Int, Time],
            ),
            Source::Ballots => (
                "v.community_id",
                "e.cast_at",
                "e.vote_id, e.voter_id, e.option_id, e.channel, e.cast_by, e.entered_by, e.scan_key, e.cast_at",
                "vote_ballots e JOIN votes v ON v.id = e.vote_id",
                &[Int, Int, Int, Text, Int, Int, Text, Time],
            ),
            Source::Minutes => (
                "m.community_id",
                "e.created_at",
                "e.meeting_id, e.body, e.author_id, e.created_at",
                "meeting_corrections e JOIN meetings m ON m.id = e.meeting_id",
                &[Int, Text, Int, Time],
            ),
            // Only changes within a community: a street's or everywhere's grants have no
            // community chain to go in.
            Source::Settings => (
                "s.id",
                "e.changed_at",
                "e.kind, e.subject_id, e.details, e.changed_by, e.changed_at",
                "settings_changes e JOIN communities s ON s.id = e.community_id",
                &[Text, Int, Text, Int, Time],
            ),
        };
    (
        format!("SELECT e.id, {community}, {time}, {fields} FROM {from}"),
        kinds,
    )
}

/// A covered row: its id, community, age and digest.
struct CoveredRow {
    id: i64,
    community_id: i64,
    at: DateTime<Utc>,
    digest: String,
}

/// Reads a source's rows under a condition on `e` (with `$1`, `$2` bound to the two
/// numbers given), in id order, at most `$limit`.
macro_rules! covered_rows {
    ($executor:expr, $source:expr, $condition:expr, $first:expr, $second:expr, $limit:expr) => {{
        let (select, kinds) = select($source);
        let sql = format!(
            "{select} WHERE {} ORDER BY e.id LIMIT {}",
            $condition, $limit
        );
        let mut rows = Vec::new();
        for row in sqlx::query(AssertSqlSafe(sql))
            .bind($first)
            .bind($second)
            .fetch_all($executor)
            .await?
        {
            let id: i64 = row.try_get(0)?;
            let mut fields = Vec::with_capacity(kinds.len());
            for (index, kind) in (3..).zip(kinds) {
                fields.push(match kind {
                    Int => Field::Int(row.try_get(index)?),
                    Text => Field::Text(row.try_get(index)?),
                    Bool => Field::Bool(row.try_get(index)?),
                    Time => Field::Time(row.try_get(index)?),
                });
            }
            rows.push(CoveredRow {
                id,
                community_id: row.try_get(1)?,
                at: row.try_get(2)?,
                digest: digest($source, id, &fields),
            });
        }
        rows
    }};
}

/// A chain head as published on a day.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AuditAnchor {
    pub day: NaiveDate,
    /// Entries in the chain then.
    pub length: i64,
    /// The hash of the last of them.
    pub head: String,
    pub published_at: DateTime<Utc>,
}

/// What a walk of every chain found: each community's length and head hash (the anchor
/// to publish), and each problem found (the first of each community).
#[derive(Debug, Clone, Default)]
pub struct Verification {
    pub heads: Vec<(i64, i64, String)>,
    pub findings: Vec<(i64, Finding)>,
}

/// Rows younger than this many seconds wait for the next seal: PostgreSQL hands out ids
/// before commit, so a row may appear below one already sealed; a minute is longer than
/// any of Linli's transactions.
pub const SETTLE_SECONDS: i64 = 60;

/// Entries read at a time while walking.
const PAGE: i64 = 5_000;

#[derive(sqlx::FromRow)]
struct EntryRow {
    seq: i64,
    source: String,
    row_id: i64,
    digest: String,
    prev_hash: String,
    hash: String,
}

impl Store {
    /// Seals settled rows not sealed yet, in id order per source (at most `batch` per
    /// source), into their communities' chains, in one transaction serialised across
    /// instances by the marks' lock. Answers how many it sealed.
    pub async fn seal_audit_chain(&self, now: DateTime<Utc>, batch: i64) -> StoreResult<u64> {
        let now = stored_time(now);
        let settled = now - Duration::seconds(SETTLE_SECONDS);
        on_pool!(&self.db, |pool| {
            let mut tx = pool.begin().await?;
            sqlx::query("UPDATE audit_marks SET last_row_id = last_row_id")
                .execute(&mut *tx)
                .await?;
            let mut heads: HashMap<i64, (i64, String)> = HashMap::new();
            let mut sealed = 0_u64;
            for source in Source::ALL {
                let mark: i64 =
                    sqlx::query_scalar("SELECT last_row_id FROM audit_marks WHERE source = $1")
                        .bind(source.as_str())
                        .fetch_one(&mut *tx)
                        .await?;
                let rows = covered_rows!(
                    &mut *tx,
                    source,
                    "e.id > $1 AND $2 = $2",
                    mark,
                    0_i64,
                    batch
                );
                let mut last = mark;
                for row in rows {
                    if row.at > settled {
                        break;
                    }
                    if let std::collections::hash_map::Entry::Vacant(slot) =
                        heads.entry(row.community_id)
                    {
                        let head: Option<(i64, String)> = sqlx::query_as(
                            "SELECT seq, hash FROM audit_chain WHERE community_id = $1 ORDER BY seq DESC LIMIT 1",
                        )
                        .bind(row.community_id)
                        .fetch_optional(&mut *tx)
                        .await?;
                        slot.insert(head.unwrap_or((-1, GENESIS.to_owned())));
                    }
                    let Some((seq, prev)) = heads.get_mut(&row.community_id) else {
                        continue;
                    };
                    *seq += 1;
                    let hash = link(prev, *seq, source, row.id, &row.digest);
                    sqlx::query(
                        "INSERT INTO audit_chain (community_id, seq, source, row_id, digest, prev_hash, hash, sealed_at)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                    )
                    .bind(row.community_id)
                    .bind(*seq)
                    .bind(source.as_str())
                    .bind(row.id)
                    .bind(&row.digest)
                    .bind(prev.as_str())
                    .bind(&hash)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                    *prev = hash;
                    last = row.id;
                    sealed += 1;
                }
                sqlx::query("UPDATE audit_marks SET last_row_id = $2 WHERE source = $1")
                    .bind(source.as_str())
                    .bind(last)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            Ok(sealed)
        })
    }

    /// Walks every community's chain a page at a time against the rows as they are now,
    /// and looks for rows below the marks that no entry seals.
    pub async fn verify_audit_chain(&self) -> StoreResult<Verification> {
        let mut verification = Verification::default();
        on_pool!(&self.db, |pool| {
            let communities: Vec<i64> = sqlx::query_scalar(
                "SELECT DISTINCT community_id FROM audit_chain ORDER BY community_id",
            )
            .fetch_all(pool)
            .await?;
            for community in communities {
                let mut position = Position::start();
                loop {
                    let page: Vec<EntryRow> = sqlx::query_as(
                        "SELECT seq, source, row_id, digest, prev_hash, hash FROM audit_chain
                         WHERE community_id = $1 AND seq >= $2 ORDER BY seq LIMIT $3",
                    )
                    .bind(community)
                    .bind(position.next_seq)
                    .bind(PAGE)
                    .fetch_all(pool)
                    .await?;
                    if page.is_empty() {
                        break;
                    }
                    let entries: Vec<Entry> = page
                        .into_iter()
                        .map(|row| Entry {
                            seq: row.seq,
                            source: Source::parse(&row.source).unwrap_or(Source::Timeline),
                            row_id: row.row_id,
                            digest: row.digest,
                            prev_hash: row.prev_hash,
                            hash: row.hash,
                        })
                        .collect();
                    // The rows these entries seal, as they are now.
                    let mut current: HashMap<(Source, i64), String> = HashMap::new();
                    for source in Source::ALL {
                        let ids: Vec<i64> = entries
                            .iter()
                            .filter(|entry| entry.source == source)
                            .map(|entry| entry.row_id)
                            .collect();
                        let (Some(low), Some(high)) = (ids.iter().min(), ids.iter().max()) else {
                            continue;
                        };
                        let rows = covered_rows!(
                            pool,
                            source,
                            "e.id >= $1 AND e.id <= $2",
                            *low,
                            *high,
                            i64::MAX
                        );
                        for row in rows {
                            current.insert((source, row.id), row.digest);
                        }
                    }
                    let walked = walk_from(
                        position.clone(),
                        entries.iter().map(|entry| {
                            (entry, current.get(&(entry.source, entry.row_id)).cloned())
                        }),
                    );
                    match walked {
                        Ok(next) => position = next,
                        Err(finding) => {
                            verification.findings.push((community, finding));
                            break;
                        }
                    }
                }
                verification
                    .heads
                    .push((community, position.next_seq, position.prev_hash));
            }
            // Every published head must still be the hash at its place in the chain.
            let anchors: Vec<(i64, NaiveDate, i64, String, Option<String>)> = sqlx::query_as(
                "SELECT n.community_id, n.day, n.length, n.head, c.hash FROM audit_anchors n
                 LEFT JOIN audit_chain c ON c.community_id = n.community_id AND c.seq = n.length - 1
                 ORDER BY n.community_id, n.day",
            )
            .fetch_all(pool)
            .await?;
            for (community, day, length, head, hash) in anchors {
                if hash.as_deref() != Some(head.as_str()) {
                    verification
                        .findings
                        .push((community, Finding::AnchorMismatch { day, length }));
                }
            }
            for source in Source::ALL {
                let mark: i64 =
                    sqlx::query_scalar("SELECT last_row_id FROM audit_marks WHERE source = $1")
                        .bind(source.as_str())
                        .fetch_one(pool)
                        .await?;
                let unsealed = covered_rows!(
                    pool,
                    source,
                    format!(
                        "e.id <= $1 AND $2 = $2 AND NOT EXISTS (SELECT 1 FROM audit_chain a WHERE a.source = '{}' AND a.row_id = e.id)",
                        source.as_str()
                    ),
                    mark,
                    0_i64,
                    1
                );
                if let Some(row) = unsealed.first() {
                    verification.findings.push((
                        row.community_id,
                        Finding::Inserted {
                            source,
                            row_id: row.id,
                        },
                    ));
                }
            }
            Ok::<_, sqlx::Error>(())
        })?;
        Ok(verification)
    }

    /// Publishes each community's chain head as of `day`, once per day; answers how many
    /// were published now.
    pub async fn publish_audit_anchors(
        &self,
        day: NaiveDate,
        now: DateTime<Utc>,
    ) -> StoreResult<u64> {
        let now = stored_time(now);
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query(
                "INSERT INTO audit_anchors (community_id, day, length, head, published_at)
                 SELECT c.community_id, $1, c.seq + 1, c.hash, $2 FROM audit_chain c
                 WHERE c.seq = (SELECT MAX(seq) FROM audit_chain l WHERE l.community_id = c.community_id)
                 ON CONFLICT (community_id, day) DO NOTHING",
            )
            .bind(day)
            .bind(now)
            .execute(pool)
            .await?
            .rows_affected()
        }))
    }

    /// The community's published heads, newest first.
    pub async fn audit_anchors(&self, community: i64, limit: i64) -> StoreResult<Vec<AuditAnchor>> {
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, AuditAnchor>(
                "SELECT day, length, head, published_at FROM audit_anchors
                 WHERE community_id = $1 ORDER BY day DESC LIMIT $2",
            )
            .bind(community)
            .bind(limit)
            .fetch_all(pool)
            .await?
        }))
    }
}
