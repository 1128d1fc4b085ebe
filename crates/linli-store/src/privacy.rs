//! Personal data governance: erasing an account's personal fields, applying a community's
//! retention periods to photos and the visit log, and the log of who read a reporter's
//! unmasked details. Rows only: the blobs of deleted photos are the caller's to remove.

use crate::db::{Store, stored_time};
use crate::error::{StoreError, StoreResult};
use chrono::{DateTime, NaiveDate, Utc};
use linli_domain::ids::{CommunityId, PersonId};
use linli_domain::privacy::{ERASED_NAME, EXPIRED_VISITOR, RetentionPolicy};

/// The files of a deleted photo row.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PhotoFiles {
    pub storage_key: String,
    pub thumbnail_key: String,
}

/// What erasing an account changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Erased {
    pub erased_at: DateTime<Utc>,
    /// Photos of the person's reports whose work orders are finished: deleted now.
    pub deleted_photos: Vec<PhotoFiles>,
    /// Photos of their reports still open: deleted by the daily job once they close.
    pub photos_pending: i64,
}

/// One application of a community's retention periods.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RetentionRun {
    pub id: i64,
    pub community_id: i64,
    pub ran_at: DateTime<Utc>,
    pub photo_cutoff_at: DateTime<Utc>,
    pub visit_cutoff_at: DateTime<Utc>,
    pub photos_deleted: i64,
    pub visits_anonymised: i64,
}

/// A day on which someone saw a reporter's unmasked details on a work order.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PersonalRead {
    pub id: i64,
    pub community_id: i64,
    pub reader_id: i64,
    pub reader_name: String,
    pub work_order_id: i64,
    pub work_order_number: i64,
    pub subject_id: Option<i64>,
    pub day: NaiveDate,
    pub first_read_at: DateTime<Utc>,
}

/// Work orders in these statuses are finished: their photos have served their purpose.
const FINISHED: &str = "('closed', 'cancelled')";

impl Store {
    /// Erases a person's personal fields: their name becomes [`ERASED_NAME`]; phone,
    /// login, password, rooms, resident grants, sessions, calendar feeds, inbox, volunteer
    /// profile and
    /// the personal fields of their visits, pledges and Open311 reports are removed;
    /// photos of their finished reports are deleted. Ids stay, so timelines, the ledger
    /// and the hash chain stay whole. Refused for an account already erased.
    pub async fn erase_person(&self, person: PersonId, now: DateTime<Utc>) -> StoreResult<Erased> {
        let now = stored_time(now);
        let _forget = self.callers.forget_when_done();
        on_pool!(&self.db, |pool| {
            let mut tx = pool.begin().await?;
            // Sign-in codes sent to the number are personal data too.
            sqlx::query(
                "DELETE FROM phone_codes WHERE phone = (SELECT phone FROM people WHERE id = $1 AND erased_at IS NULL)",
            )
            .bind(person.0)
            .execute(&mut *tx)
            .await?;
            let marked = sqlx::query(
                "UPDATE people SET display_name = $1, phone = NULL, login = $2, password_hash = '!',
                        disabled = TRUE, erased_at = $3
                 WHERE id = $4 AND erased_at IS NULL",
            )
            .bind(ERASED_NAME)
            .bind(format!("erased-{}", person.0))
            .bind(now)
            .bind(person.0)
            .execute(&mut *tx)
            .await?;
            if marked.rows_affected() == 0 {
                return Err(StoreError::Conflict("person.already_erased"));
            }
            for statement in [
                "DELETE FROM sessions WHERE person_id = $1",
                "DELETE FROM person_rooms WHERE person_id = $1",
                "DELETE FROM unverified_reports WHERE claim_id IN (SELECT id FROM room_claims WHERE person_id = $1)",
                "DELETE FROM room_claims WHERE person_id = $1",
                "DELETE FROM room_invitations WHERE person_id = $1",
                "DELETE FROM role_grants WHERE person_id = $1 AND role = 'resident'",
                "DELETE FROM volunteer_profiles WHERE person_id = $1",
                "DELETE FROM calendar_feeds WHERE person_id = $1",
                "DELETE FROM notifications WHERE person_id = $1",
                "UPDATE fund_pledges SET donor_name = '已注销居民' WHERE donor_id = $1",
                "UPDATE visits SET visitor_name = '已注销居民', visitor_phone = NULL, room_text = NULL
                 WHERE person_id = $1",
                "UPDATE work_orders SET guest_name = NULL, guest_phone = NULL WHERE reporter_id = $1",
                "UPDATE open311_requests SET first_name = NULL, last_name = NULL, email = NULL,
                        phone = NULL, device_id = NULL, account_id = NULL
                 WHERE work_order_id IN (SELECT id FROM work_orders WHERE reporter_id = $1)",
            ] {
                sqlx::query(sqlx::AssertSqlSafe(statement))
                    .bind(person.0)
                    .execute(&mut *tx)
                    .await?;
            }
            let deleted_photos = sqlx::query_as::<_, PhotoFiles>(sqlx::AssertSqlSafe(format!(
                "DELETE FROM work_order_photos WHERE id IN (
                     SELECT p.id FROM work_order_photos p JOIN work_orders w ON w.id = p.work_order_id
                     WHERE w.reporter_id = $1 AND p.purpose = 'report' AND w.status IN {FINISHED})
                 RETURNING storage_key, thumbnail_key"
            )))
            .bind(person.0)
            .fetch_all(&mut *tx)
            .await?;
            let photos_pending = sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(format!(
                "SELECT COUNT(*) FROM work_order_photos p JOIN work_orders w ON w.id = p.work_order_id
                 WHERE w.reporter_id = $1 AND p.purpose = 'report' AND w.status NOT IN {FINISHED}"
            )))
            .bind(person.0)
            .fetch_one(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(Erased {
                erased_at: now,
                deleted_photos,
                photos_pending,
            })
        })
    }

    /// The community's retention periods (the defaults when it never set them).
    pub async fn retention_policy(&self, community: CommunityId) -> StoreResult<RetentionPolicy> {
        let stored = on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, (i64, i64)>(
                "SELECT photo_months, visit_months FROM retention_policies WHERE community_id = $1",
            )
            .bind(community.0)
            .fetch_optional(pool)
            .await?
        });
        Ok(stored
            .map(|(photo_months, visit_months)| RetentionPolicy {
                photo_months,
                visit_months,
            })
            .unwrap_or_default())
    }

    pub async fn set_retention_policy(
        &self,
        community: CommunityId,
        policy: RetentionPolicy,
        by: PersonId,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        on_pool!(&self.db, |pool| {
            let mut tx = pool.begin().await?;
            sqlx::query(
                "INSERT INTO retention_policies (community_id, photo_months, visit_months, updated_by, updated_at)
                 VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (community_id) DO UPDATE SET photo_months = excluded.photo_months,
                     visit_months = excluded.visit_months, updated_by = excluded.updated_by,
                     updated_at = excluded.updated_at",
            )
            .bind(community.0)
            .bind(policy.photo_months)
            .bind(policy.visit_months)
            .bind(by.0)
            .bind(stored_time(now))
            .execute(&mut *tx)
            .await?;
            record_setting_change!(
                tx,
                Some(community.0),
                "retention.changed",
                community.0,
                serde_json::json!({
                    "photo_months": policy.photo_months,
                    "visit_months": policy.visit_months,
                }),
                Some(by.0),
                now
            )?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Applies the community's periods in one transaction and records the run: deletes
    /// the photo rows of work orders finished before the photo cutoff, and of erased
    /// reporters' finished work orders; clears the personal fields of visits before the
    /// visit cutoff. Answers the run and the files to remove.
    pub async fn apply_retention(
        &self,
        community: CommunityId,
        now: DateTime<Utc>,
    ) -> StoreResult<(RetentionRun, Vec<PhotoFiles>)> {
        let policy = self.retention_policy(community).await?;
        let now = stored_time(now);
        let (photo_cutoff, visit_cutoff) = (
            stored_time(policy.photo_cutoff(now)),
            stored_time(policy.visit_cutoff(now)),
        );
        on_pool!(&self.db, |pool| {
            let mut tx = pool.begin().await?;
            let files = sqlx::query_as::<_, PhotoFiles>(sqlx::AssertSqlSafe(format!(
                "DELETE FROM work_order_photos WHERE id IN (
                     SELECT p.id FROM work_order_photos p JOIN work_orders w ON w.id = p.work_order_id
                     LEFT JOIN people r ON r.id = w.reporter_id
                     WHERE w.community_id = $1 AND w.status IN {FINISHED}
                       AND (w.closed_at < $2 OR (r.erased_at IS NOT NULL AND p.purpose = 'report')))
                 RETURNING storage_key, thumbnail_key"
            )))
            .bind(community.0)
            .bind(photo_cutoff)
            .fetch_all(&mut *tx)
            .await?;
            let visits = sqlx::query(
                "UPDATE visits SET visitor_name = $1, visitor_phone = NULL, room_text = NULL, person_id = NULL
                 WHERE community_id = $2 AND visited_at < $3
                   AND (visitor_name <> $1 OR visitor_phone IS NOT NULL OR room_text IS NOT NULL
                        OR person_id IS NOT NULL)",
            )
            .bind(EXPIRED_VISITOR)
            .bind(community.0)
            .bind(visit_cutoff)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            let run = sqlx::query_as::<_, RetentionRun>(
                "INSERT INTO retention_runs (community_id, ran_at, photo_cutoff_at, visit_cutoff_at,
                     photos_deleted, visits_anonymised)
                 VALUES ($1, $2, $3, $4, $5, $6)
                 RETURNING id, community_id, ran_at, photo_cutoff_at, visit_cutoff_at, photos_deleted,
                     visits_anonymised",
            )
            .bind(community.0)
            .bind(now)
            .bind(photo_cutoff)
            .bind(visit_cutoff)
            .bind(i64::try_from(files.len()).unwrap_or(i64::MAX))
            .bind(i64::try_from(visits).unwrap_or(i64::MAX))
            .fetch_one(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok((run, files))
        })
    }

    /// The community's runs, newest first.
    pub async fn retention_runs(
        &self,
        community: CommunityId,
        limit: i64,
    ) -> StoreResult<Vec<RetentionRun>> {
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, RetentionRun>(
                "SELECT id, community_id, ran_at, photo_cutoff_at, visit_cutoff_at, photos_deleted,
                        visits_anonymised
                 FROM retention_runs WHERE community_id = $1 ORDER BY id DESC LIMIT $2",
            )
            .bind(community.0)
            .bind(limit)
            .fetch_all(pool)
            .await?
        }))
    }

    /// Notes that `reader` saw the unmasked reporter of a work order on `day` (once per
    /// reader, work order and day).
    pub async fn note_personal_read(
        &self,
        community: CommunityId,
        reader: PersonId,
        work_order: i64,
        subject: Option<PersonId>,
        day: NaiveDate,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        on_pool!(&self.db, |pool| {
            sqlx::query(
                "INSERT INTO personal_data_reads (community_id, reader_id, work_order_id, subject_id, day, first_read_at)
                 VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT (reader_id, work_order_id, day) DO NOTHING",
            )
            .bind(community.0)
            .bind(reader.0)
            .bind(work_order)
            .bind(subject.map(|person| person.0))
            .bind(day)
            .bind(stored_time(now))
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// Who saw a person's unmasked details, or everyone's in a community, newest first.
    pub async fn personal_reads(
        &self,
        community: CommunityId,
        subject: Option<PersonId>,
        limit: i64,
    ) -> StoreResult<Vec<PersonalRead>> {
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, PersonalRead>(
                "SELECT r.id, r.community_id, r.reader_id, p.display_name AS reader_name, r.work_order_id,
                        w.number AS work_order_number, r.subject_id, r.day, r.first_read_at
                 FROM personal_data_reads r
                 JOIN people p ON p.id = r.reader_id
                 JOIN work_orders w ON w.id = r.work_order_id
                 WHERE r.community_id = $1 AND (CAST($2 AS BIGINT) IS NULL OR r.subject_id = $2)
                 ORDER BY r.id DESC LIMIT $3",
            )
            .bind(community.0)
            .bind(subject.map(|person| person.0))
            .bind(limit)
            .fetch_all(pool)
            .await?
        }))
    }
}
