//! Changes to a meeting after it is called: the agenda's order, deferring and
//! withdrawing, decisions, minutes, closing, moving or calling it off, corrections, and
//! calendar feeds. Each write holds its guard (the meeting still scheduled, the item
//! still open) in its WHERE clause, so a concurrent change cannot slip past it.

use super::{ItemDecision, changed};

/// Raises the version of the meeting an item belongs to inside the caller's transaction,
/// refused once the meeting is closed (a macro so one body serves both engines).
macro_rules! touch_meeting_of_item {
    ($tx:expr, $item:expr, $now:expr) => {{
        let done = sqlx::query(
            "UPDATE meetings SET version = version + 1, updated_at = $2
             WHERE id = (SELECT meeting_id FROM meeting_items WHERE id = $1) AND status = 'scheduled'",
        )
        .bind($item)
        .bind(stored_time($now))
        .execute(&mut *$tx)
        .await?;
        changed(done.rows_affected(), "meeting.closed")?;
    }};
}
use crate::db::{Store, stored_time};
use crate::error::{StoreError, StoreResult};
use chrono::{DateTime, Utc};
use linli_domain::ids::{CommunityId, PersonId};

impl Store {
    /// Puts a scheduled meeting's items in this order (every item of it, once).
    pub async fn reorder_meeting_items(
        &self,
        meeting: i64,
        order: &[i64],
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        on_pool!(&self.db, |pool| {
            let mut tx = pool.begin().await?;
            let guard = sqlx::query("UPDATE meetings SET version = version + 1, updated_at = $2 WHERE id = $1 AND status = 'scheduled'")
                .bind(meeting)
                .bind(stored_time(now))
                .execute(&mut *tx)
                .await?;
            changed(guard.rows_affected(), "meeting.closed")?;
            let count = sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM meeting_items WHERE meeting_id = $1",
            )
            .bind(meeting)
            .fetch_one(&mut *tx)
            .await?;
            if usize::try_from(count).ok() != Some(order.len()) {
                return Err(StoreError::Invalid(linli_domain::ValidationError::new(
                    "meeting.order_incomplete",
                    "item_ids",
                )));
            }
            for (index, item) in order.iter().enumerate() {
                let done = sqlx::query(
                    "UPDATE meeting_items SET position = $1 WHERE id = $2 AND meeting_id = $3",
                )
                .bind(i64::try_from(index).unwrap_or(i64::MAX) + 1)
                .bind(*item)
                .bind(meeting)
                .execute(&mut *tx)
                .await?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::Invalid(linli_domain::ValidationError::new(
                        "meeting.item_unknown",
                        "item_ids",
                    )));
                }
            }
            tx.commit().await?;
            Ok(())
        })
    }

    /// Withdraws an open item.
    pub async fn withdraw_meeting_item(&self, item: i64, now: DateTime<Utc>) -> StoreResult<()> {
        on_pool!(&self.db, |pool| {
            let mut tx = pool.begin().await?;
            let done = sqlx::query(
                "UPDATE meeting_items SET status = 'withdrawn' WHERE id = $1 AND status = 'open'",
            )
            .bind(item)
            .execute(&mut *tx)
            .await?;
            changed(done.rows_affected(), "meeting.item_not_open")?;
            touch_meeting_of_item!(tx, item, now);
            tx.commit().await?;
            Ok(())
        })
    }

    /// Defers an open item to another (later, scheduled) meeting: the item is marked
    /// deferred and a copy opens at the end of that meeting's agenda. Answers its id.
    pub async fn defer_meeting_item(
        &self,
        item: i64,
        to_meeting: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        let now = stored_time(now);
        on_pool!(&self.db, |pool| {
            let mut tx = pool.begin().await?;
            let done = sqlx::query("UPDATE meeting_items SET status = 'deferred', deferred_to = $2 WHERE id = $1 AND status = 'open'")
                .bind(item)
                .bind(to_meeting)
                .execute(&mut *tx)
                .await?;
            changed(done.rows_affected(), "meeting.item_not_open")?;
            touch_meeting_of_item!(tx, item, now);
            let guard = sqlx::query("UPDATE meetings SET version = version + 1, updated_at = $2 WHERE id = $1 AND status = 'scheduled'")
                .bind(to_meeting)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            changed(guard.rows_affected(), "meeting.closed")?;
            let id = sqlx::query_scalar::<_, i64>(
                "INSERT INTO meeting_items (meeting_id, position, work_order_id, title, notes, status, created_at)
                 SELECT $2, (SELECT COALESCE(MAX(position), 0) + 1 FROM meeting_items WHERE meeting_id = $2),
                    work_order_id, title, notes, 'open', $3
                 FROM meeting_items WHERE id = $1 RETURNING id",
            )
            .bind(item)
            .bind(to_meeting)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok::<_, StoreError>(id)
        })
    }

    /// Records the decision on an open item.
    pub async fn decide_meeting_item(
        &self,
        item: i64,
        decision: &ItemDecision<'_>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let now = stored_time(now);
        let co: Vec<String> = decision
            .co_organisation_ids
            .iter()
            .map(i64::to_string)
            .collect();
        // The meeting figures count decisions.
        let _figures = self.figures.changed_when_done();
        on_pool!(&self.db, |pool| {
            let mut tx = pool.begin().await?;
            let done = sqlx::query(
                "UPDATE meeting_items SET status = 'decided', decision = $2, lead_organisation_id = $3,
                    co_organisation_ids = $4, decision_deadline = $5, decided_by = $6, decided_at = $7
                 WHERE id = $1 AND status = 'open'",
            )
            .bind(item)
            .bind(decision.text)
            .bind(decision.lead_organisation_id)
            .bind(co.join(","))
            .bind(decision.deadline.map(stored_time))
            .bind(decision.decided_by.0)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            changed(done.rows_affected(), "meeting.item_not_open")?;
            touch_meeting_of_item!(tx, item, now);
            tx.commit().await?;
            Ok(())
        })
    }

    /// Writes the minutes of a scheduled meeting (replacing the draft).
    pub async fn set_meeting_minutes(
        &self,
        meeting: i64,
        minutes: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let done = on_pool!(&self.db, |pool| {
            sqlx::query("UPDATE meetings SET minutes = $2, version = version + 1, updated_at = $3 WHERE id = $1 AND status = 'scheduled'")
                .bind(meeting)
                .bind(minutes)
                .bind(stored_time(now))
                .execute(pool)
                .await
                .map(|done| done.rows_affected())
        })?;
        changed(done, "meeting.minutes_closed")
    }

    pub async fn close_meeting(
        &self,
        meeting: i64,
        version: i64,
        by: PersonId,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let now = stored_time(now);
        let done = on_pool!(&self.db, |pool| {
            sqlx::query(
                "UPDATE meetings SET status = 'closed', closed_by = $2, closed_at = $3, version = version + 1, updated_at = $3
                 WHERE id = $1 AND status = 'scheduled' AND version = $4",
            )
            .bind(meeting)
            .bind(by.0)
            .bind(now)
            .bind(version)
            .execute(pool)
            .await
            .map(|done| done.rows_affected())
        })?;
        changed(done, "meeting.version_conflict")
    }

    /// Moves a scheduled meeting (time or place): its SEQUENCE goes up. The invited
    /// hear of it through `notices`, written in the same transaction.
    pub async fn move_meeting(
        &self,
        meeting: i64,
        starts_at: DateTime<Utc>,
        ends_at: DateTime<Utc>,
        place: &str,
        notices: &[crate::outbox::OutboxEntry],
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        on_pool!(&self.db, |pool| {
            let mut tx = pool.begin().await?;
            let done = sqlx::query(
                "UPDATE meetings SET starts_at = $2, ends_at = $3, place = $4, sequence = sequence + 1,
                    version = version + 1, updated_at = $5
                 WHERE id = $1 AND status = 'scheduled'",
            )
            .bind(meeting)
            .bind(stored_time(starts_at))
            .bind(stored_time(ends_at))
            .bind(place)
            .bind(stored_time(now))
            .execute(&mut *tx)
            .await?;
            changed(done.rows_affected(), "meeting.closed")?;
            crate::outbox::write_outbox!(tx, notices);
            tx.commit().await?;
            Ok::<_, StoreError>(())
        })
    }

    /// Calls a scheduled meeting off: CANCELLED in the feeds, SEQUENCE up; the invited
    /// hear of it through `notices`, written in the same transaction.
    pub async fn cancel_meeting(
        &self,
        meeting: i64,
        reason: &str,
        notices: &[crate::outbox::OutboxEntry],
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        on_pool!(&self.db, |pool| {
            let mut tx = pool.begin().await?;
            let done = sqlx::query(
                "UPDATE meetings SET status = 'cancelled', cancel_reason = $2, sequence = sequence + 1,
                    version = version + 1, updated_at = $3
                 WHERE id = $1 AND status = 'scheduled'",
            )
            .bind(meeting)
            .bind(reason)
            .bind(stored_time(now))
            .execute(&mut *tx)
            .await?;
            changed(done.rows_affected(), "meeting.closed")?;
            crate::outbox::write_outbox!(tx, notices);
            tx.commit().await?;
            Ok::<_, StoreError>(())
        })
    }

    /// Appends a signed, dated correction to closed minutes.
    pub async fn add_meeting_correction(
        &self,
        meeting: i64,
        body: &str,
        author: PersonId,
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        on_pool!(&self.db, |pool| {
            sqlx::query_scalar::<_, i64>(
                "INSERT INTO meeting_corrections (meeting_id, body, author_id, created_at)
                 SELECT id, $2, $3, $4 FROM meetings WHERE id = $1 AND status = 'closed' RETURNING id",
            )
            .bind(meeting)
            .bind(body)
            .bind(author.0)
            .bind(stored_time(now))
            .fetch_optional(pool)
            .await
        })?
        .ok_or(StoreError::Conflict("meeting.not_closed"))
    }

    pub async fn meeting_corrections(
        &self,
        meeting: i64,
    ) -> StoreResult<Vec<super::CorrectionRow>> {
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, super::CorrectionRow>(
                "SELECT c.id, c.meeting_id, c.body, c.author_id, p.display_name AS author_name, c.created_at
                 FROM meeting_corrections c JOIN people p ON p.id = c.author_id
                 WHERE c.meeting_id = $1 ORDER BY c.id",
            )
            .bind(meeting)
            .fetch_all(pool)
            .await
        })?)
    }

    /// Keeps a calendar feed's token (its hash): a person's meetings, or a community's.
    pub async fn create_calendar_feed(
        &self,
        token_hash: &str,
        person: PersonId,
        community: Option<CommunityId>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        on_pool!(&self.db, |pool| {
            sqlx::query("INSERT INTO calendar_feeds (token_hash, person_id, community_id, created_at) VALUES ($1, $2, $3, $4)")
                .bind(token_hash)
                .bind(person.0)
                .bind(community.map(|community| community.0))
                .bind(stored_time(now))
                .execute(pool)
                .await
                .map(|done| done.rows_affected())
        })?;
        Ok(())
    }

    /// Whose feed a token opens: the person, and the community for a community feed.
    pub async fn calendar_feed(&self, token_hash: &str) -> StoreResult<(i64, Option<i64>)> {
        on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, (i64, Option<i64>)>(
                "SELECT person_id, community_id FROM calendar_feeds WHERE token_hash = $1",
            )
            .bind(token_hash)
            .fetch_optional(pool)
            .await
        })?
        .ok_or(StoreError::NotFound("meeting.feed_not_found"))
    }
}
