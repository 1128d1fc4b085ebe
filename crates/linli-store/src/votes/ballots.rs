//! Ballots: only ever added. A voter's changed mind is a new row; the last one counts.

use crate::db::{Store, stored_time};
use crate::error::{StoreError, StoreResult};
use chrono::{DateTime, Utc};
use linli_domain::ids::PersonId;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct BallotRow {
    pub id: i64,
    pub vote_id: i64,
    pub voter_id: i64,
    pub option_id: i64,
    /// `online` or `paper`.
    pub channel: String,
    pub cast_by: Option<i64>,
    pub cast_by_name: Option<String>,
    pub entered_by: Option<i64>,
    pub entered_by_name: Option<String>,
    pub scan_key: Option<String>,
    pub scan_thumbnail_key: Option<String>,
    pub cast_at: DateTime<Utc>,
}

pub enum NewBallot<'a> {
    /// An owner's own, from their phone.
    Online { cast_by: PersonId },
    /// A paper ballot the desk entered, with the scan of it.
    Paper {
        entered_by: PersonId,
        scan_key: &'a str,
        scan_thumbnail_key: &'a str,
    },
}

impl Store {
    /// Adds a ballot of a voter, only while the vote takes ballots at `now` and only for
    /// a voter and an option of that vote (`vote.not_open` otherwise).
    pub async fn cast_ballot(
        &self,
        vote: i64,
        voter_id: i64,
        option_id: i64,
        ballot: NewBallot<'_>,
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        let now = stored_time(now);
        let (channel, cast_by, entered_by, scan_key, scan_thumbnail_key) = match ballot {
            NewBallot::Online { cast_by } => ("online", Some(cast_by.0), None, None, None),
            NewBallot::Paper {
                entered_by,
                scan_key,
                scan_thumbnail_key,
            } => (
                "paper",
                None,
                Some(entered_by.0),
                Some(scan_key),
                Some(scan_thumbnail_key),
            ),
        };
        let id = on_pool!(&self.db, |pool| {
            sqlx::query_scalar::<_, i64>(
                "INSERT INTO vote_ballots (vote_id, voter_id, option_id, channel, cast_by, entered_by, scan_key,
                    scan_thumbnail_key, cast_at)
                 SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9
                 WHERE EXISTS (SELECT 1 FROM votes v WHERE v.id = $1 AND v.status = 'opened'
                         AND v.opens_at <= $9 AND v.closes_at > $9)
                     AND EXISTS (SELECT 1 FROM vote_voters w WHERE w.id = $2 AND w.vote_id = $1)
                     AND EXISTS (SELECT 1 FROM vote_options o WHERE o.id = $3 AND o.vote_id = $1)
                 RETURNING id",
            )
            .bind(vote)
            .bind(voter_id)
            .bind(option_id)
            .bind(channel)
            .bind(cast_by)
            .bind(entered_by)
            .bind(scan_key)
            .bind(scan_thumbnail_key)
            .bind(now)
            .fetch_optional(pool)
            .await
        })?;
        id.ok_or(StoreError::Conflict("vote.not_open"))
    }

    /// Every ballot of a vote, in the order cast.
    pub async fn ballots(&self, vote: i64) -> StoreResult<Vec<BallotRow>> {
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, BallotRow>(
                "SELECT b.id, b.vote_id, b.voter_id, b.option_id, b.channel, b.cast_by, c.display_name AS cast_by_name,
                        b.entered_by, e.display_name AS entered_by_name, b.scan_key, b.scan_thumbnail_key, b.cast_at
                 FROM vote_ballots b LEFT JOIN people c ON c.id = b.cast_by LEFT JOIN people e ON e.id = b.entered_by
                 WHERE b.vote_id = $1
                 ORDER BY b.id",
            )
            .bind(vote)
            .fetch_all(pool)
            .await
        })?)
    }
}
