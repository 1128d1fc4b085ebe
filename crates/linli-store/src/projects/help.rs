//! The rest of a project's work: its files (progress and completion photos, a quote's
//! photos or PDF; kept, never changed), volunteers' offers of help, and the origin work
//! orders the project's completion resolved.

use crate::db::{Store, stored_time};
use crate::error::{StoreError, StoreResult};
use chrono::{DateTime, Utc};
use linli_domain::ids::PersonId;
use linli_domain::projects::help::{FilePurpose, VolunteerStatus};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ProjectFileRow {
    pub id: i64,
    pub project_id: i64,
    #[sqlx(try_from = "String")]
    pub purpose: FilePurpose,
    pub update_id: Option<i64>,
    pub quote_id: Option<i64>,
    pub content_type: String,
    pub storage_key: String,
    pub thumbnail_key: Option<String>,
    pub width: Option<i64>,
    pub height: Option<i64>,
    pub bytes: i64,
    pub created_at: DateTime<Utc>,
}

/// A file already in blob storage, to be recorded.
#[derive(Debug, Clone)]
pub struct NewProjectFile {
    pub content_type: &'static str,
    pub storage_key: String,
    pub thumbnail_key: Option<String>,
    pub width: Option<i64>,
    pub height: Option<i64>,
    pub bytes: i64,
}

/// Where new files belong: a progress update, a quote, or the completion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileOwner {
    Update(i64),
    Quote(i64),
    Completion,
}

impl FileOwner {
    pub(crate) fn ids(self) -> (Option<i64>, Option<i64>) {
        match self {
            Self::Update(id) => (Some(id), None),
            Self::Quote(id) => (None, Some(id)),
            Self::Completion => (None, None),
        }
    }

    pub(crate) fn purpose(self) -> FilePurpose {
        match self {
            Self::Update(_) => FilePurpose::Update,
            Self::Quote(_) => FilePurpose::Quote,
            Self::Completion => FilePurpose::Completion,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct VolunteerRow {
    pub id: i64,
    pub project_id: i64,
    pub person_id: i64,
    pub person_name: String,
    pub skill: String,
    #[sqlx(try_from = "String")]
    pub status: VolunteerStatus,
    pub milestone_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// An origin work order a meeting decided on: when it was first escalated and when the
/// decision was taken.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DecisionTiming {
    pub work_order_id: i64,
    pub escalated_at: DateTime<Utc>,
    pub decided_at: DateTime<Utc>,
}

const FILE_COLUMNS: &str = "id, project_id, purpose, update_id, quote_id, content_type, storage_key, thumbnail_key, width, height, bytes, created_at";

const VOLUNTEER_COLUMNS: &str =
    "SELECT v.id, v.project_id, v.person_id, p.display_name AS person_name, v.skill, v.status,
        v.milestone_id, v.created_at, v.updated_at
    FROM project_volunteers v JOIN people p ON p.id = v.person_id";

/// Records `files` for `owner` inside a transaction (`$tx`, which already holds the
/// project's row), never more than `max` for one update, one quote or the completion.
/// A macro, as each engine's transaction is its own type.
macro_rules! insert_project_files {
    ($tx:expr, $project:expr, $owner:expr, $files:expr, $uploaded_by:expr, $max:expr, $now:expr) => {{
        let owner: $crate::projects::help::FileOwner = $owner;
        let (update_id, quote_id) = owner.ids();
        let existing = sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM project_files WHERE project_id = $1 AND purpose = $2
                AND COALESCE(update_id, 0) = COALESCE($3, 0) AND COALESCE(quote_id, 0) = COALESCE($4, 0)",
        )
        .bind($project)
        .bind(owner.purpose().as_str())
        .bind(update_id)
        .bind(quote_id)
        .fetch_one(&mut *$tx)
        .await?;
        let files: &[$crate::projects::help::NewProjectFile] = $files;
        if existing + i64::try_from(files.len()).unwrap_or(i64::MAX) > $max {
            return Err($crate::error::StoreError::Conflict("photo.too_many"));
        }
        for file in files {
            sqlx::query(
                "INSERT INTO project_files (project_id, purpose, update_id, quote_id, content_type, storage_key,
                    thumbnail_key, width, height, bytes, uploaded_by, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            )
            .bind($project)
            .bind(owner.purpose().as_str())
            .bind(update_id)
            .bind(quote_id)
            .bind(file.content_type)
            .bind(&file.storage_key)
            .bind(&file.thumbnail_key)
            .bind(file.width)
            .bind(file.height)
            .bind(file.bytes)
            .bind($uploaded_by.0)
            .bind($now)
            .execute(&mut *$tx)
            .await?;
        }
    }};
}
pub(crate) use insert_project_files;

/// Locks a project's row for the rest of the transaction, if it is still open for work.
macro_rules! lock_open_project {
    ($tx:expr, $project:expr, $now:expr) => {{
        let done = sqlx::query(
            "UPDATE projects SET updated_at = $2 WHERE id = $1 AND status IN ('proposed', 'approved', 'in_progress')",
        )
        .bind($project)
        .bind($now)
        .execute(&mut *$tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err($crate::error::StoreError::Conflict("project.closed"));
        }
    }};
}

impl Store {
    /// Records files of a quote or of the completion (all or none) while the project
    /// is open for work.
    pub async fn add_project_files(
        &self,
        project: i64,
        owner: FileOwner,
        files: &[NewProjectFile],
        uploaded_by: PersonId,
        max: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let now = stored_time(now);
        on_pool!(&self.db, |pool| {
            let mut tx = pool.begin().await?;
            lock_open_project!(tx, project, now);
            insert_project_files!(tx, project, owner, files, uploaded_by, max, now);
            tx.commit().await?;
            Ok(())
        })
    }

    pub async fn project_files(&self, project: i64) -> StoreResult<Vec<ProjectFileRow>> {
        let sql =
            format!("SELECT {FILE_COLUMNS} FROM project_files WHERE project_id = $1 ORDER BY id");
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, ProjectFileRow>(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(project)
                .fetch_all(pool)
                .await
        })?)
    }

    pub async fn project_file(&self, id: i64) -> StoreResult<ProjectFileRow> {
        let sql = format!("SELECT {FILE_COLUMNS} FROM project_files WHERE id = $1");
        on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, ProjectFileRow>(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(id)
                .fetch_optional(pool)
                .await
        })?
        .ok_or(StoreError::NotFound("photo.not_found"))
    }

    /// A person offers help; one offer per person and project, which a withdrawn offer
    /// may renew. Refused while their earlier offer stands or was declined.
    pub async fn offer_project_help(
        &self,
        project: i64,
        person: PersonId,
        skill: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        let now = stored_time(now);
        on_pool!(&self.db, |pool| {
            let mut tx = pool.begin().await?;
            lock_open_project!(tx, project, now);
            let id = sqlx::query_scalar::<_, i64>(
                "INSERT INTO project_volunteers (project_id, person_id, skill, status, created_at, updated_at)
                 VALUES ($1, $2, $3, 'offered', $4, $4)
                 ON CONFLICT (project_id, person_id) DO UPDATE SET skill = excluded.skill, status = 'offered',
                    milestone_id = NULL, decided_by = NULL, decided_at = NULL, updated_at = excluded.updated_at
                 WHERE project_volunteers.status = 'withdrawn'
                 RETURNING id",
            )
            .bind(project)
            .bind(person.0)
            .bind(skill)
            .bind(now)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::Conflict("project.volunteer_already"))?;
            tx.commit().await?;
            Ok(id)
        })
    }

    /// Moves an offer from `from` to `to` (only if it is still in `from`), with the batch
    /// it is accepted for and who decided (none for a withdrawal).
    #[allow(clippy::too_many_arguments)]
    pub async fn set_volunteer_status(
        &self,
        volunteer: i64,
        from: VolunteerStatus,
        to: VolunteerStatus,
        milestone: Option<i64>,
        decided_by: Option<PersonId>,
        notice: Option<crate::outbox::OutboxEntry>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let now = stored_time(now);
        let notices: Vec<crate::outbox::OutboxEntry> = notice.into_iter().collect();
        on_pool!(&self.db, |pool| {
            let mut tx = pool.begin().await?;
            let done = sqlx::query(
                "UPDATE project_volunteers SET status = $3, milestone_id = $4,
                    decided_by = COALESCE($5, decided_by), decided_at = CASE WHEN $5 IS NULL THEN decided_at ELSE $6 END,
                    updated_at = $6
                 WHERE id = $1 AND status = $2",
            )
            .bind(volunteer)
            .bind(from.as_str())
            .bind(to.as_str())
            .bind(milestone)
            .bind(decided_by.map(|person| person.0))
            .bind(now)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::Conflict("project.volunteer_moved"));
            }
            // The person it is about hears of it with the change, or not at all.
            crate::outbox::write_outbox!(tx, &notices);
            tx.commit().await?;
            Ok(())
        })
    }

    pub async fn project_volunteers(&self, project: i64) -> StoreResult<Vec<VolunteerRow>> {
        let sql = format!("{VOLUNTEER_COLUMNS} WHERE v.project_id = $1 ORDER BY v.id");
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, VolunteerRow>(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(project)
                .fetch_all(pool)
                .await
        })?)
    }

    pub async fn project_volunteer(&self, id: i64) -> StoreResult<VolunteerRow> {
        let sql = format!("{VOLUNTEER_COLUMNS} WHERE v.id = $1");
        on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, VolunteerRow>(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(id)
                .fetch_optional(pool)
                .await
        })?
        .ok_or(StoreError::NotFound("project.volunteer_not_found"))
    }

    /// Notes that the project's completion resolved this origin work order.
    pub async fn mark_resolved_by_project(
        &self,
        project: i64,
        work_order: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let now = stored_time(now);
        // The project figures count it.
        let _figures = self.figures.changed_when_done();
        on_pool!(&self.db, |pool| {
            sqlx::query(
                "UPDATE project_work_orders SET resolved_at = $3
                 WHERE project_id = $1 AND work_order_id = $2 AND resolved_at IS NULL",
            )
            .bind(project)
            .bind(work_order)
            .bind(now)
            .execute(pool)
            .await
            .map(|_| ())
        })?;
        Ok(())
    }

    /// How many of the communities' work orders projects resolved in `[from, to)`
    /// (community ids from the store, never from a request).
    pub async fn resolved_through_projects(
        &self,
        communities: &[i64],
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<i64> {
        if communities.is_empty() {
            return Ok(0);
        }
        let sql = format!(
            "SELECT COUNT(DISTINCT l.work_order_id) FROM project_work_orders l
             JOIN projects p ON p.id = l.project_id
             WHERE p.community_id IN ({}) AND l.resolved_at >= $1 AND l.resolved_at < $2",
            crate::db::id_list(communities)
        );
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(stored_time(from))
                .bind(stored_time(to))
                .fetch_one(pool)
                .await
        })?)
    }

    /// The escalated work orders a meeting of the communities decided on in
    /// `[from, to)`: for each, its first escalation and the (first) decision on it.
    pub async fn decision_timings(
        &self,
        communities: &[i64],
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Vec<DecisionTiming>> {
        if communities.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT i.work_order_id, MIN(e.at) AS escalated_at, MIN(i.decided_at) AS decided_at
             FROM meeting_items i
             JOIN meetings m ON m.id = i.meeting_id
             JOIN work_order_events e ON e.work_order_id = i.work_order_id AND e.kind = 'escalated'
             WHERE m.community_id IN ({}) AND i.status = 'decided' AND i.decided_at >= $1 AND i.decided_at < $2
             GROUP BY i.work_order_id
             ORDER BY i.work_order_id",
            crate::db::id_list(communities)
        );
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, DecisionTiming>(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(stored_time(from))
                .bind(stored_time(to))
                .fetch_all(pool)
                .await
        })?)
    }
}
