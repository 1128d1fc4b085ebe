//! Joint meetings (联席会): the regular series, meetings with their participants and
//! attendance, agenda items and decisions, closed minutes' corrections, and the secret
//! addresses of calendar feeds.

use crate::db::{Store, stored_time};
use crate::error::{StoreError, StoreResult};
use chrono::{DateTime, Utc};
use linli_domain::ids::{CommunityId, PersonId};
use linli_domain::meetings::{ItemStatus, MeetingStatus};
use sqlx::AssertSqlSafe;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SeriesRow {
    pub community_id: i64,
    pub weekday: i64,
    pub start_time: String,
    pub duration_minutes: i64,
    pub place: String,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct MeetingRow {
    pub id: i64,
    pub community_id: i64,
    pub title: String,
    pub extra: bool,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub place: String,
    #[sqlx(try_from = "String")]
    pub status: MeetingStatus,
    pub sequence: i64,
    pub minutes: Option<String>,
    pub cancel_reason: Option<String>,
    pub created_by: i64,
    pub closed_by: Option<i64>,
    pub closed_by_name: Option<String>,
    pub closed_at: Option<DateTime<Utc>>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ParticipantRow {
    pub id: i64,
    pub meeting_id: i64,
    pub standing: bool,
    pub organisation_id: Option<i64>,
    pub person_id: Option<i64>,
    pub name: String,
    pub represents: Option<String>,
    pub attendance: Option<String>,
}

/// An agenda item with what the agenda shows of its work order.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ItemRow {
    pub id: i64,
    pub meeting_id: i64,
    pub position: i64,
    pub work_order_id: Option<i64>,
    pub title: String,
    pub notes: Option<String>,
    #[sqlx(try_from = "String")]
    pub status: ItemStatus,
    pub deferred_to: Option<i64>,
    pub decision: Option<String>,
    pub lead_organisation_id: Option<i64>,
    pub co_organisation_ids: String,
    pub decision_deadline: Option<DateTime<Utc>>,
    pub decided_by: Option<i64>,
    pub decided_at: Option<DateTime<Utc>>,
    pub work_order_number: Option<i64>,
    pub work_order_category_id: Option<i64>,
    pub work_order_building_id: Option<i64>,
    pub work_order_reporter_id: Option<i64>,
    pub work_order_me_too_count: Option<i64>,
    pub work_order_created_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CorrectionRow {
    pub id: i64,
    pub meeting_id: i64,
    pub body: String,
    pub author_id: i64,
    pub author_name: String,
    pub created_at: DateTime<Utc>,
}

pub struct NewMeeting<'a> {
    pub community: CommunityId,
    pub title: &'a str,
    pub extra: bool,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub place: &'a str,
    pub created_by: PersonId,
}

pub struct NewParticipant {
    pub standing: bool,
    pub organisation_id: Option<i64>,
    pub person_id: Option<i64>,
    pub name: String,
    pub represents: Option<String>,
}

/// A decision on an item, written only while the item is open.
pub struct ItemDecision<'a> {
    pub text: &'a str,
    pub lead_organisation_id: i64,
    pub co_organisation_ids: &'a [i64],
    pub deadline: Option<DateTime<Utc>>,
    pub decided_by: PersonId,
}

const MEETING_COLUMNS: &str = "SELECT m.id, m.community_id, m.title, m.extra, m.starts_at, m.ends_at, m.place, m.status,
        m.sequence, m.minutes, m.cancel_reason, m.created_by, m.closed_by, p.display_name AS closed_by_name, m.closed_at,
        m.version, m.created_at, m.updated_at
    FROM meetings m LEFT JOIN people p ON p.id = m.closed_by";

const ITEM_COLUMNS: &str = "SELECT i.id, i.meeting_id, i.position, i.work_order_id, i.title, i.notes, i.status, i.deferred_to,
        i.decision, i.lead_organisation_id, i.co_organisation_ids, i.decision_deadline, i.decided_by, i.decided_at,
        w.number AS work_order_number, w.category_id AS work_order_category_id, w.building_id AS work_order_building_id,
        w.reporter_id AS work_order_reporter_id, w.me_too_count AS work_order_me_too_count,
        w.created_at AS work_order_created_at
    FROM meeting_items i LEFT JOIN work_orders w ON w.id = i.work_order_id";

const PARTICIPANT_COLUMNS: &str =
    "SELECT id, meeting_id, standing, organisation_id, person_id, name, represents, attendance
    FROM meeting_participants";

/// Refused unless exactly one row changed: the guard in its WHERE did not hold.
fn changed(rows: u64, code: &'static str) -> StoreResult<()> {
    if rows == 0 {
        Err(StoreError::Conflict(code))
    } else {
        Ok(())
    }
}

impl Store {
    pub async fn meeting_series(&self, community: CommunityId) -> StoreResult<Option<SeriesRow>> {
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, SeriesRow>(
                "SELECT community_id, weekday, start_time, duration_minutes, place, updated_at
                 FROM meeting_series WHERE community_id = $1",
            )
            .bind(community.0)
            .fetch_optional(pool)
            .await
        })?)
    }

    pub async fn set_meeting_series(&self, series: &SeriesRow) -> StoreResult<()> {
        on_pool!(&self.db, |pool| {
            sqlx::query(
                "INSERT INTO meeting_series (community_id, weekday, start_time, duration_minutes, place, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT (community_id) DO UPDATE SET weekday = excluded.weekday, start_time = excluded.start_time,
                    duration_minutes = excluded.duration_minutes, place = excluded.place, updated_at = excluded.updated_at",
            )
            .bind(series.community_id)
            .bind(series.weekday)
            .bind(&series.start_time)
            .bind(series.duration_minutes)
            .bind(&series.place)
            .bind(stored_time(series.updated_at))
            .execute(pool)
            .await
            .map(|done| done.rows_affected())
        })?;
        Ok(())
    }

    /// A new meeting with its first participants, in one transaction.
    pub async fn create_meeting(
        &self,
        meeting: NewMeeting<'_>,
        participants: &[NewParticipant],
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        let now = stored_time(now);
        on_pool!(&self.db, |pool| {
            let mut tx = pool.begin().await?;
            let id = sqlx::query_scalar::<_, i64>(
                "INSERT INTO meetings (community_id, title, extra, starts_at, ends_at, place, status, created_by,
                    created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, 'scheduled', $7, $8, $8) RETURNING id",
            )
            .bind(meeting.community.0)
            .bind(meeting.title)
            .bind(meeting.extra)
            .bind(stored_time(meeting.starts_at))
            .bind(stored_time(meeting.ends_at))
            .bind(meeting.place)
            .bind(meeting.created_by.0)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            for participant in participants {
                sqlx::query(
                    "INSERT INTO meeting_participants (meeting_id, standing, organisation_id, person_id, name, represents, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(id)
                .bind(participant.standing)
                .bind(participant.organisation_id)
                .bind(participant.person_id)
                .bind(&participant.name)
                .bind(participant.represents.as_deref())
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            Ok::<_, StoreError>(id)
        })
    }

    pub async fn meeting(&self, id: i64) -> StoreResult<MeetingRow> {
        let sql = format!("{MEETING_COLUMNS} WHERE m.id = $1");
        on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, MeetingRow>(AssertSqlSafe(sql.as_str()))
                .bind(id)
                .fetch_optional(pool)
                .await
        })?
        .ok_or(StoreError::NotFound("meeting.not_found"))
    }

    /// A community's meetings, the latest start first.
    pub async fn meetings(
        &self,
        community: CommunityId,
        limit: i64,
    ) -> StoreResult<Vec<MeetingRow>> {
        let sql = format!(
            "{MEETING_COLUMNS} WHERE m.community_id = $1 ORDER BY m.starts_at DESC, m.id DESC LIMIT $2"
        );
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, MeetingRow>(AssertSqlSafe(sql.as_str()))
                .bind(community.0)
                .bind(limit)
                .fetch_all(pool)
                .await
        })?)
    }

    /// The meetings a person takes part in by name (invited, or their party's member).
    pub async fn meetings_of_person(
        &self,
        person: PersonId,
        limit: i64,
    ) -> StoreResult<Vec<MeetingRow>> {
        let sql = format!(
            "{MEETING_COLUMNS} WHERE m.id IN (SELECT meeting_id FROM meeting_participants WHERE person_id = $1)
             ORDER BY m.starts_at DESC, m.id DESC LIMIT $2"
        );
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, MeetingRow>(AssertSqlSafe(sql.as_str()))
                .bind(person.0)
                .bind(limit)
                .fetch_all(pool)
                .await
        })?)
    }

    /// The first scheduled meeting of a community that starts after `after`.
    pub async fn next_scheduled_meeting(
        &self,
        community: CommunityId,
        after: DateTime<Utc>,
    ) -> StoreResult<Option<MeetingRow>> {
        let sql = format!(
            "{MEETING_COLUMNS} WHERE m.community_id = $1 AND m.status = 'scheduled' AND m.starts_at > $2
             ORDER BY m.starts_at, m.id LIMIT 1"
        );
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, MeetingRow>(AssertSqlSafe(sql.as_str()))
                .bind(community.0)
                .bind(stored_time(after))
                .fetch_optional(pool)
                .await
        })?)
    }

    pub async fn meeting_participants(&self, meeting: i64) -> StoreResult<Vec<ParticipantRow>> {
        let sql = format!("{PARTICIPANT_COLUMNS} WHERE meeting_id = $1 ORDER BY standing DESC, id");
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, ParticipantRow>(AssertSqlSafe(sql.as_str()))
                .bind(meeting)
                .fetch_all(pool)
                .await
        })?)
    }

    /// Seats a participant; `notice` (the invitation of a person with an account) is
    /// written in the same transaction.
    pub async fn add_meeting_participant(
        &self,
        meeting: i64,
        participant: &NewParticipant,
        notice: Option<crate::outbox::OutboxEntry>,
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        let notices: Vec<crate::outbox::OutboxEntry> = notice.into_iter().collect();
        on_pool!(&self.db, |pool| {
            let mut tx = pool.begin().await?;
            let guard = sqlx::query("UPDATE meetings SET version = version + 1, updated_at = $2 WHERE id = $1 AND status = 'scheduled'")
                .bind(meeting)
                .bind(stored_time(now))
                .execute(&mut *tx)
                .await?;
            changed(guard.rows_affected(), "meeting.closed")?;
            let id = sqlx::query_scalar::<_, i64>(
                "INSERT INTO meeting_participants (meeting_id, standing, organisation_id, person_id, name, represents, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(meeting)
            .bind(participant.standing)
            .bind(participant.organisation_id)
            .bind(participant.person_id)
            .bind(&participant.name)
            .bind(participant.represents.as_deref())
            .bind(stored_time(now))
            .fetch_one(&mut *tx)
            .await?;
            crate::outbox::write_outbox!(tx, &notices);
            tx.commit().await?;
            Ok::<_, StoreError>(id)
        })
    }

    /// Records attendance for participants of a scheduled meeting, all or none: a
    /// participant of another meeting is `meeting.participant_unknown`.
    pub async fn record_attendance(
        &self,
        meeting: i64,
        marks: &[(i64, &str)],
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
            for (participant, attendance) in marks {
                let done = sqlx::query("UPDATE meeting_participants SET attendance = $1 WHERE id = $2 AND meeting_id = $3")
                    .bind(*attendance)
                    .bind(*participant)
                    .bind(meeting)
                    .execute(&mut *tx)
                    .await?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::Invalid(linli_domain::ValidationError::new(
                        "meeting.participant_unknown",
                        "participant_id",
                    )));
                }
            }
            tx.commit().await?;
            Ok(())
        })
    }

    pub async fn meeting_items(&self, meeting: i64) -> StoreResult<Vec<ItemRow>> {
        let sql = format!("{ITEM_COLUMNS} WHERE i.meeting_id = $1 ORDER BY i.position, i.id");
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, ItemRow>(AssertSqlSafe(sql.as_str()))
                .bind(meeting)
                .fetch_all(pool)
                .await
        })?)
    }

    pub async fn meeting_item(&self, item: i64) -> StoreResult<ItemRow> {
        let sql = format!("{ITEM_COLUMNS} WHERE i.id = $1");
        on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, ItemRow>(AssertSqlSafe(sql.as_str()))
                .bind(item)
                .fetch_optional(pool)
                .await
        })?
        .ok_or(StoreError::NotFound("meeting.item_not_found"))
    }

    /// The items that discussed a work order, oldest first.
    pub async fn meeting_items_of_work_order(&self, work_order: i64) -> StoreResult<Vec<ItemRow>> {
        let sql = format!("{ITEM_COLUMNS} WHERE i.work_order_id = $1 ORDER BY i.id");
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, ItemRow>(AssertSqlSafe(sql.as_str()))
                .bind(work_order)
                .fetch_all(pool)
                .await
        })?)
    }

    /// Adds an item at the end of a scheduled meeting's agenda.
    pub async fn add_meeting_item(
        &self,
        meeting: i64,
        work_order: Option<i64>,
        title: &str,
        notes: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        let now = stored_time(now);
        on_pool!(&self.db, |pool| {
            let mut tx = pool.begin().await?;
            let guard = sqlx::query("UPDATE meetings SET version = version + 1, updated_at = $2 WHERE id = $1 AND status = 'scheduled'")
                .bind(meeting)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            changed(guard.rows_affected(), "meeting.closed")?;
            let id = sqlx::query_scalar::<_, i64>(
                "INSERT INTO meeting_items (meeting_id, position, work_order_id, title, notes, status, created_at)
                 VALUES ($1, (SELECT COALESCE(MAX(position), 0) + 1 FROM meeting_items WHERE meeting_id = $1), $2, $3, $4, 'open', $5)
                 RETURNING id",
            )
            .bind(meeting)
            .bind(work_order)
            .bind(title)
            .bind(notes)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok::<_, StoreError>(id)
        })
    }
}

mod write;
