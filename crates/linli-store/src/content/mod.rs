//! The community's content (新闻资讯 · 通知公告 · 公开): the items and their audience, the
//! writes of each step (`mod.rs`), and what is read back — lists, versions, events,
//! reads, the people an audience names, images (`reading.rs`). The rules (who may, which
//! step follows which) are the domain's; each write here happens only from the state it
//! was decided on, else it is a conflict and changes nothing.

mod reading;

pub use reading::{ContentEventRow, ContentImageRow, NewContentImage, VersionRow};

use crate::db::{Store, stored_time};
use crate::error::{StoreError, StoreResult};
use crate::outbox::{OutboxEntry, write_outbox};
use chrono::{DateTime, Utc};
use linli_domain::content::{Kind, Status};
use linli_domain::ids::{CommunityId, PersonId};
use sqlx::AssertSqlSafe;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ContentRow {
    pub id: i64,
    pub community_id: i64,
    #[sqlx(try_from = "String")]
    pub kind: Kind,
    pub organisation_id: i64,
    /// The party it is published in the name of (城上城居委会).
    pub organisation_name: String,
    #[sqlx(try_from = "String")]
    pub status: Status,
    pub title: String,
    pub body: String,
    /// The number of its published text (0 until published; above 1 once corrected).
    pub version: i64,
    /// `everyone`, `buildings` or `roles`.
    pub audience: String,
    /// For a `roles` audience: the role names, joined by commas.
    pub audience_roles: String,
    pub pinned: bool,
    pub urgent: bool,
    pub expires_at: Option<DateTime<Utc>>,
    pub campaign_id: Option<i64>,
    pub return_reason: Option<String>,
    pub created_by: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub published_at: Option<DateTime<Utc>>,
}

/// What a writer sets of an item (all of it while a draft).
#[derive(Debug, Clone)]
pub struct ContentFields<'a> {
    pub organisation_id: i64,
    pub title: &'a str,
    pub body: &'a str,
    pub audience: &'a str,
    pub audience_roles: &'a str,
    pub buildings: &'a [i64],
    pub pinned: bool,
    pub urgent: bool,
    pub expires_at: Option<DateTime<Utc>>,
    pub campaign_id: Option<i64>,
}

/// One step of the workflow, as decided by the domain.
pub struct ContentStep<'a> {
    pub from: Status,
    pub to: Status,
    /// The event written: `submitted`, `returned`, `approved`, `published`.
    pub event: &'static str,
    pub person: PersonId,
    pub reason: &'a str,
    /// Messages announcing it (an urgent notice's), written in the same transaction.
    pub outbox: Vec<OutboxEntry>,
}

pub(crate) const CONTENT_COLUMNS: &str = "SELECT i.id, i.community_id, i.kind, i.organisation_id,
        o.name AS organisation_name, i.status, i.title, i.body, i.version, i.audience,
        i.audience_roles, i.pinned, i.urgent, i.expires_at, i.campaign_id, i.return_reason,
        i.created_by, i.created_at, i.updated_at, i.published_at
    FROM content_items i JOIN organisations o ON o.id = i.organisation_id";

/// Writes an event of an item inside the caller's transaction.
macro_rules! content_event {
    ($tx:expr, $item:expr, $action:expr, $person:expr, $reason:expr, $at:expr) => {
        sqlx::query(
            "INSERT INTO content_events (item_id, action, person_id, reason, at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind($item)
        .bind($action)
        .bind($person)
        .bind($reason)
        .bind($at)
        .execute(&mut *$tx)
        .await?
    };
}

/// Puts the audience's buildings of an item in place of those it had.
macro_rules! replace_buildings {
    ($tx:expr, $item:expr, $buildings:expr) => {{
        sqlx::query("DELETE FROM content_audience_buildings WHERE item_id = $1")
            .bind($item)
            .execute(&mut *$tx)
            .await?;
        for building in $buildings {
            sqlx::query(
                "INSERT INTO content_audience_buildings (item_id, building_id) VALUES ($1, $2)",
            )
            .bind($item)
            .bind(*building)
            .execute(&mut *$tx)
            .await?;
        }
    }};
}

impl Store {
    /// A new item, a draft.
    pub async fn create_content(
        &self,
        community: CommunityId,
        kind: Kind,
        fields: &ContentFields<'_>,
        by: PersonId,
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        let now = stored_time(now);
        on_pool!(&self.db, |pool| {
            let mut tx = pool.begin().await?;
            let id = sqlx::query_scalar::<_, i64>(
                "INSERT INTO content_items (community_id, kind, organisation_id, status, title, body, audience,
                    audience_roles, pinned, urgent, expires_at, campaign_id, created_by, created_at, updated_at)
                 VALUES ($1, $2, $3, 'draft', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id",
            )
            .bind(community.0)
            .bind(kind.as_str())
            .bind(fields.organisation_id)
            .bind(fields.title)
            .bind(fields.body)
            .bind(fields.audience)
            .bind(fields.audience_roles)
            .bind(fields.pinned)
            .bind(fields.urgent)
            .bind(fields.expires_at.map(stored_time))
            .bind(fields.campaign_id)
            .bind(by.0)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            replace_buildings!(tx, id, fields.buildings);
            content_event!(tx, id, "created", by.0, "", now);
            tx.commit().await?;
            Ok::<_, StoreError>(id)
        })
    }

    /// Rewrites a draft; `content.not_draft` if it left the draft meanwhile.
    pub async fn update_content_draft(
        &self,
        id: i64,
        fields: &ContentFields<'_>,
        by: PersonId,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let now = stored_time(now);
        on_pool!(&self.db, |pool| {
            let mut tx = pool.begin().await?;
            let updated = sqlx::query(
                "UPDATE content_items SET organisation_id = $2, title = $3, body = $4, audience = $5,
                    audience_roles = $6, pinned = $7, urgent = $8, expires_at = $9, campaign_id = $10,
                    updated_at = $11
                 WHERE id = $1 AND status = 'draft'",
            )
            .bind(id)
            .bind(fields.organisation_id)
            .bind(fields.title)
            .bind(fields.body)
            .bind(fields.audience)
            .bind(fields.audience_roles)
            .bind(fields.pinned)
            .bind(fields.urgent)
            .bind(fields.expires_at.map(stored_time))
            .bind(fields.campaign_id)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if updated == 0 {
                return Err(StoreError::Conflict("content.not_draft"));
            }
            replace_buildings!(tx, id, fields.buildings);
            content_event!(tx, id, "edited", by.0, "", now);
            tx.commit().await?;
            Ok(())
        })
    }

    /// Moves an item one step, only from the status it was decided on
    /// (`content.invalid_transition` otherwise). Publishing keeps its text as version 1.
    pub async fn content_step(
        &self,
        id: i64,
        step: &ContentStep<'_>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let now = stored_time(now);
        let published = step.to == Status::Published;
        let returned = step.event == "returned";
        on_pool!(&self.db, |pool| {
            let mut tx = pool.begin().await?;
            let updated = sqlx::query(
                "UPDATE content_items SET status = $3, updated_at = $4,
                    published_at = CASE WHEN $5 THEN $4 ELSE published_at END,
                    version = CASE WHEN $5 THEN 1 ELSE version END,
                    return_reason = CASE WHEN $6 THEN $7 ELSE NULL END
                 WHERE id = $1 AND status = $2",
            )
            .bind(id)
            .bind(step.from.as_str())
            .bind(step.to.as_str())
            .bind(now)
            .bind(published)
            .bind(returned)
            .bind(step.reason)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if updated == 0 {
                return Err(StoreError::Conflict("content.invalid_transition"));
            }
            if published {
                sqlx::query(
                    "INSERT INTO content_versions (item_id, version, title, body, note, edited_by, edited_at)
                     SELECT id, 1, title, body, '', $2, $3 FROM content_items WHERE id = $1",
                )
                .bind(id)
                .bind(step.person.0)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            content_event!(tx, id, step.event, step.person.0, step.reason, now);
            write_outbox!(tx, &step.outbox);
            tx.commit().await?;
            Ok(())
        })
    }

    /// A new text of a published item, kept as the next version with why it changed;
    /// only over the version the editor read (`content.version_conflict` otherwise).
    #[allow(clippy::too_many_arguments)]
    pub async fn correct_content(
        &self,
        id: i64,
        read_version: i64,
        title: &str,
        body: &str,
        pinned: bool,
        note: &str,
        by: PersonId,
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        let now = stored_time(now);
        on_pool!(&self.db, |pool| {
            let mut tx = pool.begin().await?;
            let updated = sqlx::query(
                "UPDATE content_items SET title = $3, body = $4, pinned = $5, version = version + 1,
                    updated_at = $6
                 WHERE id = $1 AND status = 'published' AND version = $2",
            )
            .bind(id)
            .bind(read_version)
            .bind(title)
            .bind(body)
            .bind(pinned)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if updated == 0 {
                return Err(StoreError::Conflict("content.version_conflict"));
            }
            let version = read_version + 1;
            sqlx::query(
                "INSERT INTO content_versions (item_id, version, title, body, note, edited_by, edited_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(id)
            .bind(version)
            .bind(title)
            .bind(body)
            .bind(note)
            .bind(by.0)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            content_event!(tx, id, "corrected", by.0, note, now);
            tx.commit().await?;
            Ok(version)
        })
    }

    pub async fn content_item(&self, id: i64) -> StoreResult<ContentRow> {
        let sql = format!("{CONTENT_COLUMNS} WHERE i.id = $1");
        on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, ContentRow>(AssertSqlSafe(sql.as_str()))
                .bind(id)
                .fetch_optional(pool)
                .await
        })?
        .ok_or(StoreError::NotFound("content.not_found"))
    }

    /// A community's items (of one kind, or all), pinned first, then the latest first.
    pub async fn content_items(
        &self,
        community: CommunityId,
        kind: Option<Kind>,
    ) -> StoreResult<Vec<ContentRow>> {
        let sql = format!(
            "{CONTENT_COLUMNS} WHERE i.community_id = $1 AND ($2 = '' OR i.kind = $2)
             ORDER BY i.pinned DESC, COALESCE(i.published_at, i.updated_at) DESC, i.id DESC"
        );
        let kind = kind.map_or("", Kind::as_str);
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, ContentRow>(AssertSqlSafe(sql.as_str()))
                .bind(community.0)
                .bind(kind)
                .fetch_all(pool)
                .await
        })?)
    }
}
