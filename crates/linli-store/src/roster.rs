//! The duty roster: shifts (a half-day's post and who holds it) and swaps of a shift.

use crate::db::{Store, stored_time};
use crate::error::{StoreError, StoreResult};
use chrono::{DateTime, NaiveDate, Utc};
use linli_domain::ids::{CommunityId, PersonId};
use linli_domain::roster::{Half, Post, SwapStatus};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ShiftRow {
    pub id: i64,
    pub community_id: i64,
    pub day: NaiveDate,
    #[sqlx(try_from = "String")]
    pub half: Half,
    #[sqlx(try_from = "String")]
    pub post: Post,
    pub person_id: Option<i64>,
    pub name: String,
    pub represents: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SwapRow {
    pub id: i64,
    pub shift_id: i64,
    pub requested_by: i64,
    pub replacement_person_id: Option<i64>,
    pub replacement_name: String,
    pub reason: String,
    #[sqlx(try_from = "String")]
    pub status: SwapStatus,
    pub created_at: DateTime<Utc>,
}

pub struct NewShift<'a> {
    pub day: NaiveDate,
    pub half: Half,
    pub post: Post,
    pub person_id: Option<PersonId>,
    pub name: &'a str,
    pub represents: Option<&'a str>,
}

const SHIFT_COLUMNS: &str =
    "SELECT id, community_id, day, half, post, person_id, name, represents FROM roster_shifts";
const SWAP_COLUMNS: &str =
    "SELECT w.id, w.shift_id, w.requested_by, w.replacement_person_id, w.replacement_name,
        w.reason, w.status, w.created_at
    FROM roster_swaps w JOIN roster_shifts s ON s.id = w.shift_id";

impl Store {
    /// Adds a shift; the same name twice in one post of one half-day is refused.
    pub async fn add_shift(
        &self,
        community: CommunityId,
        shift: &NewShift<'_>,
        created_by: PersonId,
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        let now = stored_time(now);
        on_pool!(&self.db, |pool| {
            sqlx::query_scalar::<_, i64>(
                "INSERT INTO roster_shifts (community_id, day, half, post, person_id, name, represents, created_by, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)
                 ON CONFLICT (community_id, day, half, post, name) DO NOTHING
                 RETURNING id",
            )
            .bind(community.0)
            .bind(shift.day)
            .bind(shift.half.as_str())
            .bind(shift.post.as_str())
            .bind(shift.person_id.map(|person| person.0))
            .bind(shift.name)
            .bind(shift.represents)
            .bind(created_by.0)
            .bind(now)
            .fetch_optional(pool)
            .await
        })?
        .ok_or(StoreError::Conflict("roster.shift_taken"))
    }

    /// Removes a shift and the swaps asked of it.
    pub async fn remove_shift(&self, id: i64) -> StoreResult<()> {
        on_pool!(&self.db, |pool| {
            let mut tx = pool.begin().await?;
            sqlx::query("DELETE FROM roster_swaps WHERE shift_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            let done = sqlx::query("DELETE FROM roster_shifts WHERE id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::NotFound("roster.shift_not_found"));
            }
            tx.commit().await?;
            Ok(())
        })
    }

    pub async fn shift(&self, id: i64) -> StoreResult<ShiftRow> {
        let sql = format!("{SHIFT_COLUMNS} WHERE id = $1");
        on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, ShiftRow>(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(id)
                .fetch_optional(pool)
                .await
        })?
        .ok_or(StoreError::NotFound("roster.shift_not_found"))
    }

    /// A community's shifts on the days `from`..=`to` (YYYY-MM-DD), in order.
    pub async fn shifts(
        &self,
        community: CommunityId,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<ShiftRow>> {
        let sql = format!(
            "{SHIFT_COLUMNS} WHERE community_id = $1 AND day >= $2 AND day <= $3 ORDER BY day, half, post, id"
        );
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, ShiftRow>(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(community.0)
                .bind(from)
                .bind(to)
                .fetch_all(pool)
                .await
        })?)
    }

    /// Asks to hand a shift over; one waiting request per shift.
    pub async fn request_swap(
        &self,
        shift: i64,
        requested_by: PersonId,
        replacement: (Option<PersonId>, &str),
        reason: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        let now = stored_time(now);
        on_pool!(&self.db, |pool| {
            let mut tx = pool.begin().await?;
            // Locks the shift so two requests cannot both wait.
            sqlx::query("UPDATE roster_shifts SET updated_at = updated_at WHERE id = $1")
                .bind(shift)
                .execute(&mut *tx)
                .await?;
            let waiting = sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM roster_swaps WHERE shift_id = $1 AND status = 'requested'",
            )
            .bind(shift)
            .fetch_one(&mut *tx)
            .await?;
            if waiting > 0 {
                return Err(StoreError::Conflict("roster.swap_waiting"));
            }
            let id = sqlx::query_scalar::<_, i64>(
                "INSERT INTO roster_swaps (shift_id, requested_by, replacement_person_id, replacement_name, reason, status, created_at)
                 VALUES ($1, $2, $3, $4, $5, 'requested', $6) RETURNING id",
            )
            .bind(shift)
            .bind(requested_by.0)
            .bind(replacement.0.map(|person| person.0))
            .bind(replacement.1)
            .bind(reason)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(id)
        })
    }

    pub async fn swap(&self, id: i64) -> StoreResult<SwapRow> {
        let sql = format!("{SWAP_COLUMNS} WHERE w.id = $1");
        on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, SwapRow>(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(id)
                .fetch_optional(pool)
                .await
        })?
        .ok_or(StoreError::NotFound("roster.swap_not_found"))
    }

    /// The swaps of a community's shifts on the days `from`..=`to`, newest first.
    pub async fn swaps(
        &self,
        community: CommunityId,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<SwapRow>> {
        let sql = format!(
            "{SWAP_COLUMNS} WHERE s.community_id = $1 AND s.day >= $2 AND s.day <= $3 ORDER BY w.id DESC"
        );
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, SwapRow>(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(community.0)
                .bind(from)
                .bind(to)
                .fetch_all(pool)
                .await
        })?)
    }

    /// Decides a waiting swap; an approval hands the shift to the replacement in the same
    /// transaction (refused if the replacement already holds that post then).
    pub async fn decide_swap(
        &self,
        id: i64,
        to: SwapStatus,
        decided_by: PersonId,
        notice: Option<crate::outbox::OutboxEntry>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let now = stored_time(now);
        let notices: Vec<crate::outbox::OutboxEntry> = notice.into_iter().collect();
        on_pool!(&self.db, |pool| {
            let mut tx = pool.begin().await?;
            let done = sqlx::query(
                "UPDATE roster_swaps SET status = $2, decided_by = $3, decided_at = $4 WHERE id = $1 AND status = 'requested'",
            )
            .bind(id)
            .bind(to.as_str())
            .bind(decided_by.0)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::Conflict("roster.swap_decided"));
            }
            if to == SwapStatus::Approved {
                let handed = sqlx::query(
                    "UPDATE roster_shifts SET person_id = w.replacement_person_id, name = w.replacement_name,
                        represents = NULL, updated_at = $2
                     FROM (SELECT shift_id, replacement_person_id, replacement_name FROM roster_swaps WHERE id = $1) AS w
                     WHERE roster_shifts.id = w.shift_id
                       AND NOT EXISTS (SELECT 1 FROM roster_shifts o WHERE o.community_id = roster_shifts.community_id
                           AND o.day = roster_shifts.day AND o.half = roster_shifts.half AND o.post = roster_shifts.post
                           AND o.name = w.replacement_name)",
                )
                .bind(id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                if handed.rows_affected() == 0 {
                    return Err(StoreError::Conflict("roster.shift_taken"));
                }
            }
            crate::outbox::write_outbox!(tx, &notices);
            tx.commit().await?;
            Ok(())
        })
    }
}
