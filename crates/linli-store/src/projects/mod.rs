//! Projects (项目) a meeting's decision starts: the project with its origin work orders,
//! vendor quotes and the choice, milestones or batches, progress updates.

use crate::db::{Store, stored_time};
use crate::error::{StoreError, StoreResult};
use chrono::{DateTime, Utc};
use linli_domain::ids::{CommunityId, PersonId};
use linli_domain::projects::ProjectStatus;
use sqlx::AssertSqlSafe;

pub mod help;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ProjectRow {
    pub id: i64,
    pub community_id: i64,
    pub title: String,
    pub purpose: String,
    pub meeting_item_id: Option<i64>,
    pub meeting_id: Option<i64>,
    pub owner_organisation_id: i64,
    pub owner_name: String,
    pub budget_fen: i64,
    pub funding_sources: String,
    #[sqlx(try_from = "String")]
    pub status: ProjectStatus,
    pub percent_done: i64,
    pub chosen_quote_id: Option<i64>,
    pub choice_reason: Option<String>,
    pub agreed_price_fen: Option<i64>,
    pub closing_text: Option<String>,
    pub cancel_reason: Option<String>,
    pub created_by: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct QuoteRow {
    pub id: i64,
    pub project_id: i64,
    pub vendor: String,
    pub contact: Option<String>,
    pub unit_price_fen: i64,
    pub quantity: i64,
    pub total_fen: i64,
    pub terms: Option<String>,
    pub recommended_by: Option<i64>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct MilestoneRow {
    pub id: i64,
    pub project_id: i64,
    pub title: String,
    pub planned_start: String,
    pub planned_end: String,
    pub actual_start: Option<String>,
    pub actual_end: Option<String>,
    pub quantity: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct UpdateRow {
    pub id: i64,
    pub project_id: i64,
    pub body: String,
    pub percent_done: i64,
    pub author_id: i64,
    pub author_name: String,
    pub created_at: DateTime<Utc>,
}

pub struct NewProject<'a> {
    pub community: CommunityId,
    pub title: &'a str,
    pub purpose: &'a str,
    pub meeting_item_id: Option<i64>,
    pub owner_organisation_id: i64,
    pub budget_fen: i64,
    pub funding_sources: &'a str,
    pub status: ProjectStatus,
    pub created_by: PersonId,
    pub work_orders: &'a [i64],
}

pub struct NewQuote<'a> {
    pub vendor: &'a str,
    pub contact: Option<&'a str>,
    pub unit_price_fen: i64,
    pub quantity: i64,
    pub total_fen: i64,
    pub terms: Option<&'a str>,
    pub recommended_by: Option<PersonId>,
    pub created_by: PersonId,
}

pub struct NewMilestone<'a> {
    pub title: &'a str,
    pub planned_start: &'a str,
    pub planned_end: &'a str,
    pub quantity: Option<i64>,
}

const PROJECT_COLUMNS: &str = "SELECT p.id, p.community_id, p.title, p.purpose, p.meeting_item_id, i.meeting_id,
        p.owner_organisation_id, o.name AS owner_name, p.budget_fen, p.funding_sources, p.status, p.percent_done,
        p.chosen_quote_id, p.choice_reason, p.agreed_price_fen, p.closing_text, p.cancel_reason, p.created_by,
        p.created_at, p.updated_at, p.completed_at
    FROM projects p JOIN organisations o ON o.id = p.owner_organisation_id
        LEFT JOIN meeting_items i ON i.id = p.meeting_item_id";

const OPEN: &str = "('proposed', 'approved', 'in_progress')";

fn changed(rows: u64, code: &'static str) -> StoreResult<()> {
    if rows == 0 {
        Err(StoreError::Conflict(code))
    } else {
        Ok(())
    }
}

impl Store {
    /// A new project with its origin work orders, in one transaction.
    pub async fn create_project(
        &self,
        project: NewProject<'_>,
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        let now = stored_time(now);
        on_pool!(&self.db, |pool| {
            let mut tx = pool.begin().await?;
            let id = sqlx::query_scalar::<_, i64>(
                "INSERT INTO projects (community_id, title, purpose, meeting_item_id, owner_organisation_id, budget_fen,
                    funding_sources, status, created_by, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id",
            )
            .bind(project.community.0)
            .bind(project.title)
            .bind(project.purpose)
            .bind(project.meeting_item_id)
            .bind(project.owner_organisation_id)
            .bind(project.budget_fen)
            .bind(project.funding_sources)
            .bind(project.status.as_str())
            .bind(project.created_by.0)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            for work_order in project.work_orders {
                sqlx::query(
                    "INSERT INTO project_work_orders (project_id, work_order_id) VALUES ($1, $2)",
                )
                .bind(id)
                .bind(*work_order)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            Ok::<_, StoreError>(id)
        })
    }

    pub async fn project(&self, id: i64) -> StoreResult<ProjectRow> {
        let sql = format!("{PROJECT_COLUMNS} WHERE p.id = $1");
        on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, ProjectRow>(AssertSqlSafe(sql.as_str()))
                .bind(id)
                .fetch_optional(pool)
                .await
        })?
        .ok_or(StoreError::NotFound("project.not_found"))
    }

    /// A community's projects, newest first.
    pub async fn projects(
        &self,
        community: CommunityId,
        limit: i64,
    ) -> StoreResult<Vec<ProjectRow>> {
        let sql =
            format!("{PROJECT_COLUMNS} WHERE p.community_id = $1 ORDER BY p.id DESC LIMIT $2");
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, ProjectRow>(AssertSqlSafe(sql.as_str()))
                .bind(community.0)
                .bind(limit)
                .fetch_all(pool)
                .await
        })?)
    }

    /// The projects a work order is an origin of.
    pub async fn projects_of_work_order(&self, work_order: i64) -> StoreResult<Vec<ProjectRow>> {
        let sql = format!(
            "{PROJECT_COLUMNS} WHERE p.id IN (SELECT project_id FROM project_work_orders WHERE work_order_id = $1) ORDER BY p.id"
        );
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, ProjectRow>(AssertSqlSafe(sql.as_str()))
                .bind(work_order)
                .fetch_all(pool)
                .await
        })?)
    }

    pub async fn project_work_orders(&self, project: i64) -> StoreResult<Vec<i64>> {
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_scalar::<_, i64>(
                "SELECT work_order_id FROM project_work_orders WHERE project_id = $1 ORDER BY work_order_id",
            )
            .bind(project)
            .fetch_all(pool)
            .await
        })?)
    }

    /// Moves a project from `from` to `to` (only if it is still in `from`), with the
    /// texts of a completion or a cancellation.
    pub async fn set_project_status(
        &self,
        project: i64,
        from: ProjectStatus,
        to: ProjectStatus,
        closing_text: Option<&str>,
        cancel_reason: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let now = stored_time(now);
        let completed = (to == ProjectStatus::Completed).then_some(now);
        let done = on_pool!(&self.db, |pool| {
            sqlx::query(
                "UPDATE projects SET status = $3, closing_text = COALESCE($4, closing_text),
                    cancel_reason = COALESCE($5, cancel_reason), completed_at = COALESCE($6, completed_at),
                    percent_done = CASE WHEN $3 = 'completed' THEN 100 ELSE percent_done END, updated_at = $7
                 WHERE id = $1 AND status = $2",
            )
            .bind(project)
            .bind(from.as_str())
            .bind(to.as_str())
            .bind(closing_text)
            .bind(cancel_reason)
            .bind(completed)
            .bind(now)
            .execute(pool)
            .await
            .map(|done| done.rows_affected())
        })?;
        changed(done, "project.version_conflict")
    }

    pub async fn add_project_quote(
        &self,
        project: i64,
        quote: &NewQuote<'_>,
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        let sql = format!(
            "INSERT INTO project_quotes (project_id, vendor, contact, unit_price_fen, quantity, total_fen, terms,
                recommended_by, created_by, created_at)
             SELECT id, $2, $3, $4, $5, $6, $7, $8, $9, $10 FROM projects WHERE id = $1 AND status IN {OPEN} RETURNING id"
        );
        on_pool!(&self.db, |pool| {
            sqlx::query_scalar::<_, i64>(AssertSqlSafe(sql.as_str()))
                .bind(project)
                .bind(quote.vendor)
                .bind(quote.contact)
                .bind(quote.unit_price_fen)
                .bind(quote.quantity)
                .bind(quote.total_fen)
                .bind(quote.terms)
                .bind(quote.recommended_by.map(|person| person.0))
                .bind(quote.created_by.0)
                .bind(stored_time(now))
                .fetch_optional(pool)
                .await
        })?
        .ok_or(StoreError::Conflict("project.closed"))
    }

    pub async fn project_quotes(&self, project: i64) -> StoreResult<Vec<QuoteRow>> {
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, QuoteRow>(
                "SELECT id, project_id, vendor, contact, unit_price_fen, quantity, total_fen, terms, recommended_by, created_at
                 FROM project_quotes WHERE project_id = $1 ORDER BY id",
            )
            .bind(project)
            .fetch_all(pool)
            .await
        })?)
    }

    /// Chooses a quote of the project (中标) with the reason and the agreed price.
    pub async fn choose_project_quote(
        &self,
        project: i64,
        quote: i64,
        reason: &str,
        agreed_price_fen: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let sql = format!(
            "UPDATE projects SET chosen_quote_id = $2, choice_reason = $3, agreed_price_fen = $4, updated_at = $5
             WHERE id = $1 AND status IN {OPEN}
               AND EXISTS (SELECT 1 FROM project_quotes q WHERE q.id = $2 AND q.project_id = $1)"
        );
        let done = on_pool!(&self.db, |pool| {
            sqlx::query(AssertSqlSafe(sql.as_str()))
                .bind(project)
                .bind(quote)
                .bind(reason)
                .bind(agreed_price_fen)
                .bind(stored_time(now))
                .execute(pool)
                .await
                .map(|done| done.rows_affected())
        })?;
        changed(done, "project.closed")
    }

    pub async fn add_project_milestone(
        &self,
        project: i64,
        milestone: &NewMilestone<'_>,
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        let sql = format!(
            "INSERT INTO project_milestones (project_id, title, planned_start, planned_end, quantity, created_at)
             SELECT id, $2, $3, $4, $5, $6 FROM projects WHERE id = $1 AND status IN {OPEN} RETURNING id"
        );
        on_pool!(&self.db, |pool| {
            sqlx::query_scalar::<_, i64>(AssertSqlSafe(sql.as_str()))
                .bind(project)
                .bind(milestone.title)
                .bind(milestone.planned_start)
                .bind(milestone.planned_end)
                .bind(milestone.quantity)
                .bind(stored_time(now))
                .fetch_optional(pool)
                .await
        })?
        .ok_or(StoreError::Conflict("project.closed"))
    }

    /// Records the actual days of a milestone of the project.
    pub async fn set_milestone_actual(
        &self,
        project: i64,
        milestone: i64,
        actual_start: Option<&str>,
        actual_end: Option<&str>,
    ) -> StoreResult<()> {
        let done = on_pool!(&self.db, |pool| {
            sqlx::query(
                "UPDATE project_milestones SET actual_start = $3, actual_end = $4 WHERE id = $2 AND project_id = $1",
            )
            .bind(project)
            .bind(milestone)
            .bind(actual_start)
            .bind(actual_end)
            .execute(pool)
            .await
            .map(|done| done.rows_affected())
        })?;
        if done == 0 {
            return Err(StoreError::NotFound("project.milestone_not_found"));
        }
        Ok(())
    }

    pub async fn project_milestones(&self, project: i64) -> StoreResult<Vec<MilestoneRow>> {
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, MilestoneRow>(
                "SELECT id, project_id, title, planned_start, planned_end, actual_start, actual_end, quantity
                 FROM project_milestones WHERE project_id = $1 ORDER BY planned_start, id",
            )
            .bind(project)
            .fetch_all(pool)
            .await
        })?)
    }

    /// A progress update with its photos (at most `max_photos`), and the project's
    /// percentage with it, in one transaction.
    #[allow(clippy::too_many_arguments)]
    pub async fn add_project_update(
        &self,
        project: i64,
        body: &str,
        percent_done: i64,
        photos: &[help::NewProjectFile],
        max_photos: i64,
        author: PersonId,
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        let now = stored_time(now);
        let sql = format!(
            "UPDATE projects SET percent_done = $2, updated_at = $3 WHERE id = $1 AND status IN {OPEN}"
        );
        on_pool!(&self.db, |pool| {
            let mut tx = pool.begin().await?;
            let done = sqlx::query(AssertSqlSafe(sql.as_str()))
                .bind(project)
                .bind(percent_done)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            changed(done.rows_affected(), "project.closed")?;
            let id = sqlx::query_scalar::<_, i64>(
                "INSERT INTO project_updates (project_id, body, percent_done, author_id, created_at)
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(project)
            .bind(body)
            .bind(percent_done)
            .bind(author.0)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            help::insert_project_files!(
                tx,
                project,
                help::FileOwner::Update(id),
                photos,
                author,
                max_photos,
                now
            );
            tx.commit().await?;
            Ok::<_, StoreError>(id)
        })
    }

    pub async fn project_updates(&self, project: i64) -> StoreResult<Vec<UpdateRow>> {
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, UpdateRow>(
                "SELECT u.id, u.project_id, u.body, u.percent_done, u.author_id, p.display_name AS author_name, u.created_at
                 FROM project_updates u JOIN people p ON p.id = u.author_id WHERE u.project_id = $1 ORDER BY u.id",
            )
            .bind(project)
            .fetch_all(pool)
            .await
        })?)
    }
}
