//! Sign-ups for a shift, check-in and check-out, corrections of the minutes served, and
//! the served shifts read back for certificates and the monthly league.
//!
//! Capacity holds under concurrent sign-ups on both engines: a sign-up's transaction
//! first writes the shift's row, which takes its row lock on PostgreSQL (as `SELECT …
//! FOR UPDATE` would) and SQLite's one write lock, so the count of who is signed up and
//! the insert that follows it are never interleaved with another sign-up for the shift.

use crate::db::{Store, stored_time};
use crate::error::{StoreError, StoreResult};
use chrono::{DateTime, Utc};
use linli_domain::ids::{CommunityId, PersonId};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SignUpRow {
    pub id: i64,
    pub shift_id: i64,
    pub person_id: i64,
    pub display_name: String,
    pub status: String,
    pub signed_up_at: DateTime<Utc>,
    pub checked_in_at: Option<DateTime<Utc>>,
    pub checked_out_at: Option<DateTime<Utc>>,
    /// The latest correction's minutes, if the supervisor corrected them.
    pub corrected_minutes: Option<i64>,
}

/// A shift someone served (or is signed up for), with what it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ServiceRecord {
    pub sign_up_id: i64,
    pub person_id: i64,
    pub display_name: String,
    /// The volunteer's team now (from their profile).
    pub team_id: Option<i64>,
    pub activity_id: i64,
    pub activity_title: String,
    pub shift_id: i64,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub checked_in_at: Option<DateTime<Utc>>,
    pub checked_out_at: Option<DateTime<Utc>>,
    pub corrected_minutes: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CorrectionRow {
    pub id: i64,
    pub sign_up_id: i64,
    pub minutes: i64,
    pub reason: String,
    pub corrected_by: i64,
    pub created_at: DateTime<Utc>,
}

const LATEST_CORRECTION: &str = "(SELECT c.minutes FROM volunteer_corrections c WHERE c.sign_up_id = u.id ORDER BY c.id DESC LIMIT 1)";

impl Store {
    /// Signs a person up for a shift, unless they are already or the shift is full.
    pub async fn sign_up_for_shift(
        &self,
        shift: i64,
        person: PersonId,
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        let now = stored_time(now);
        on_pool!(&self.db, |pool| {
            let mut tx = pool.begin().await?;
            // The lock described above: from here to the commit, this sign-up is the
            // shift's only one.
            let capacity = sqlx::query_scalar::<_, i64>(
                "UPDATE volunteer_shifts SET updated_at = updated_at WHERE id = $1 RETURNING capacity",
            )
            .bind(shift)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound("volunteer.shift_not_found"))?;
            let existing = sqlx::query_as::<_, (i64, String)>(
                "SELECT id, status FROM volunteer_sign_ups WHERE shift_id = $1 AND person_id = $2",
            )
            .bind(shift)
            .bind(person.0)
            .fetch_optional(&mut *tx)
            .await?;
            if existing
                .as_ref()
                .is_some_and(|(_, status)| status == "signed_up")
            {
                return Err(StoreError::Conflict("volunteer.already_signed_up"));
            }
            let taken = sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM volunteer_sign_ups WHERE shift_id = $1 AND status = 'signed_up'",
            )
            .bind(shift)
            .fetch_one(&mut *tx)
            .await?;
            if taken >= capacity {
                return Err(StoreError::Conflict("volunteer.shift_full"));
            }
            let id = match existing {
                // Signing up again after cancelling takes the same row back.
                Some((id, _)) => {
                    sqlx::query(
                        "UPDATE volunteer_sign_ups SET status = 'signed_up', signed_up_at = $2, cancelled_at = NULL WHERE id = $1",
                    )
                    .bind(id)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                    id
                }
                None => {
                    sqlx::query_scalar::<_, i64>(
                        "INSERT INTO volunteer_sign_ups (shift_id, person_id, status, signed_up_at)
                         VALUES ($1, $2, 'signed_up', $3) RETURNING id",
                    )
                    .bind(shift)
                    .bind(person.0)
                    .bind(now)
                    .fetch_one(&mut *tx)
                    .await?
                }
            };
            tx.commit().await?;
            Ok(id)
        })
    }

    /// Cancels a sign-up not yet checked in.
    pub async fn cancel_sign_up(
        &self,
        shift: i64,
        person: PersonId,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let now = stored_time(now);
        let done = on_pool!(&self.db, |pool| {
            sqlx::query(
                "UPDATE volunteer_sign_ups SET status = 'cancelled', cancelled_at = $3
                 WHERE shift_id = $1 AND person_id = $2 AND status = 'signed_up' AND checked_in_at IS NULL",
            )
            .bind(shift)
            .bind(person.0)
            .bind(now)
            .execute(pool)
            .await
            .map(|done| done.rows_affected())
        })?;
        if done == 0 {
            return Err(StoreError::Conflict("volunteer.not_signed_up"));
        }
        Ok(())
    }

    /// Checks a signed-up volunteer in, once.
    pub async fn check_in_volunteer(
        &self,
        shift: i64,
        person: PersonId,
        by: PersonId,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let now = stored_time(now);
        let done = on_pool!(&self.db, |pool| {
            sqlx::query(
                "UPDATE volunteer_sign_ups SET checked_in_at = $3, checked_in_by = $4
                 WHERE shift_id = $1 AND person_id = $2 AND status = 'signed_up' AND checked_in_at IS NULL",
            )
            .bind(shift)
            .bind(person.0)
            .bind(now)
            .bind(by.0)
            .execute(pool)
            .await
            .map(|done| done.rows_affected())
        })?;
        if done == 0 {
            let row = self.sign_up_of(shift, person).await?;
            return Err(StoreError::Conflict(match row {
                Some(row) if row.status == "signed_up" => "volunteer.already_checked_in",
                _ => "volunteer.not_signed_up",
            }));
        }
        Ok(())
    }

    /// Checks a volunteer out, once, after their check-in.
    pub async fn check_out_volunteer(
        &self,
        shift: i64,
        person: PersonId,
        by: PersonId,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let now = stored_time(now);
        let done = on_pool!(&self.db, |pool| {
            sqlx::query(
                "UPDATE volunteer_sign_ups SET checked_out_at = $3, checked_out_by = $4
                 WHERE shift_id = $1 AND person_id = $2 AND status = 'signed_up'
                   AND checked_in_at IS NOT NULL AND checked_out_at IS NULL",
            )
            .bind(shift)
            .bind(person.0)
            .bind(now)
            .bind(by.0)
            .execute(pool)
            .await
            .map(|done| done.rows_affected())
        })?;
        if done == 0 {
            let row = self.sign_up_of(shift, person).await?;
            return Err(StoreError::Conflict(match row {
                Some(row) if row.status != "signed_up" => "volunteer.not_signed_up",
                Some(row) if row.checked_in_at.is_none() => "volunteer.not_checked_in",
                Some(_) => "volunteer.already_checked_out",
                None => "volunteer.not_signed_up",
            }));
        }
        Ok(())
    }

    /// One person's sign-up for a shift, whatever its status.
    pub async fn sign_up_of(&self, shift: i64, person: PersonId) -> StoreResult<Option<SignUpRow>> {
        let sql = format!(
            "SELECT u.id, u.shift_id, u.person_id, p.display_name, u.status, u.signed_up_at,
                u.checked_in_at, u.checked_out_at, {LATEST_CORRECTION} AS corrected_minutes
             FROM volunteer_sign_ups u JOIN people p ON p.id = u.person_id
             WHERE u.shift_id = $1 AND u.person_id = $2"
        );
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, SignUpRow>(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(shift)
                .bind(person.0)
                .fetch_optional(pool)
                .await
        })?)
    }

    pub async fn sign_up(&self, id: i64) -> StoreResult<SignUpRow> {
        let sql = format!(
            "SELECT u.id, u.shift_id, u.person_id, p.display_name, u.status, u.signed_up_at,
                u.checked_in_at, u.checked_out_at, {LATEST_CORRECTION} AS corrected_minutes
             FROM volunteer_sign_ups u JOIN people p ON p.id = u.person_id WHERE u.id = $1"
        );
        on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, SignUpRow>(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(id)
                .fetch_optional(pool)
                .await
        })?
        .ok_or(StoreError::NotFound("volunteer.sign_up_not_found"))
    }

    /// Everyone signed up for a shift (cancelled ones too), in the order they came.
    pub async fn sign_ups_of_shift(&self, shift: i64) -> StoreResult<Vec<SignUpRow>> {
        let sql = format!(
            "SELECT u.id, u.shift_id, u.person_id, p.display_name, u.status, u.signed_up_at,
                u.checked_in_at, u.checked_out_at, {LATEST_CORRECTION} AS corrected_minutes
             FROM volunteer_sign_ups u JOIN people p ON p.id = u.person_id
             WHERE u.shift_id = $1 ORDER BY u.signed_up_at, u.id"
        );
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, SignUpRow>(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(shift)
                .fetch_all(pool)
                .await
        })?)
    }

    /// Appends a correction of a sign-up's minutes (the earlier ones are kept).
    pub async fn correct_volunteer_minutes(
        &self,
        sign_up: i64,
        minutes: i64,
        reason: &str,
        by: PersonId,
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        let now = stored_time(now);
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_scalar::<_, i64>(
                "INSERT INTO volunteer_corrections (sign_up_id, minutes, reason, corrected_by, created_at)
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(sign_up)
            .bind(minutes)
            .bind(reason)
            .bind(by.0)
            .bind(now)
            .fetch_one(pool)
            .await
        })?)
    }

    pub async fn volunteer_corrections(&self, sign_up: i64) -> StoreResult<Vec<CorrectionRow>> {
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, CorrectionRow>(
                "SELECT id, sign_up_id, minutes, reason, corrected_by, created_at
                 FROM volunteer_corrections WHERE sign_up_id = $1 ORDER BY id",
            )
            .bind(sign_up)
            .fetch_all(pool)
            .await
        })?)
    }

    /// The shifts people of a community are signed up for that start in `from..to`
    /// (one person's only, when named), by start.
    pub async fn service_records(
        &self,
        community: CommunityId,
        person: Option<PersonId>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Vec<ServiceRecord>> {
        let sql = format!(
            "SELECT u.id AS sign_up_id, u.person_id, p.display_name, v.team_id, a.id AS activity_id,
                a.title AS activity_title, s.id AS shift_id, s.starts_at, s.ends_at,
                u.checked_in_at, u.checked_out_at, {LATEST_CORRECTION} AS corrected_minutes
             FROM volunteer_sign_ups u
             JOIN people p ON p.id = u.person_id
             JOIN volunteer_shifts s ON s.id = u.shift_id
             JOIN volunteer_activities a ON a.id = s.activity_id
             LEFT JOIN volunteer_profiles v ON v.person_id = u.person_id
             WHERE a.community_id = $1 AND u.status = 'signed_up'
               AND s.starts_at >= $2 AND s.starts_at < $3
               AND ($4 = 0 OR u.person_id = $4)
             ORDER BY s.starts_at, u.id"
        );
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, ServiceRecord>(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(community.0)
                .bind(stored_time(from))
                .bind(stored_time(to))
                .bind(person.map_or(0, |person| person.0))
                .fetch_all(pool)
                .await
        })?)
    }
}
