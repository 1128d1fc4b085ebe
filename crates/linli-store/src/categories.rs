//! Categories of work orders: what a problem can be about, with icons and time limits.

use crate::db::Store;
use crate::error::{StoreError, StoreResult};
use chrono::{DateTime, Utc};
use linli_domain::calendar::TimeLimit;
use linli_domain::dispatch_modes::DispatchMode;
use linli_domain::ids::CommunityId;
use linli_domain::ids::PersonId;
use linli_domain::work_orders::state::Limits;
use sqlx::AssertSqlSafe;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Category {
    pub id: i64,
    pub community_id: i64,
    pub code: String,
    pub name: String,
    pub name_en: String,
    pub icon: String,
    pub triage_limit_kind: String,
    pub triage_limit_minutes: i64,
    pub sign_limit_kind: String,
    pub sign_limit_minutes: i64,
    pub resolve_limit_kind: String,
    pub resolve_limit_minutes: i64,
    pub complex: bool,
    pub position: i64,
    pub active: bool,
    /// The party that usually leads this category's work orders; the dispatch form
    /// starts from it.
    pub default_lead_organisation_id: Option<i64>,
    /// The parties that usually co-handle them (comma-separated ids), from the
    /// responsibility charter.
    pub default_co_handler_ids: String,
    /// How its work orders find their handler: assign, grab or round robin.
    #[sqlx(try_from = "String")]
    pub dispatch_mode: DispatchMode,
    /// Most unfinished work orders a handler may hold to grab or be given another.
    pub open_cap: i64,
}

impl Category {
    /// The charter's co-handling parties.
    pub fn default_co_handlers(&self) -> Vec<i64> {
        self.default_co_handler_ids
            .split(',')
            .filter_map(|id| id.trim().parse().ok())
            .collect()
    }

    pub fn limits(&self) -> Limits {
        Limits {
            triage: TimeLimit::from_parts(&self.triage_limit_kind, self.triage_limit_minutes)
                .unwrap_or(TimeLimit::WorkingMinutes(120)),
            sign: TimeLimit::from_parts(&self.sign_limit_kind, self.sign_limit_minutes)
                .unwrap_or(TimeLimit::WorkingMinutes(120)),
            resolve: TimeLimit::from_parts(&self.resolve_limit_kind, self.resolve_limit_minutes)
                .unwrap_or(TimeLimit::working_days(7)),
        }
    }
}

const CATEGORY_COLUMNS: &str =
    "id, community_id, code, name, name_en, icon, triage_limit_kind, triage_limit_minutes, sign_limit_kind, sign_limit_minutes,
    resolve_limit_kind, resolve_limit_minutes, complex, position, active, default_lead_organisation_id,
    default_co_handler_ids, dispatch_mode, open_cap";

/// Gives a new community the default categories, inside the caller's transaction (the
/// one that creates the community, so a community never exists without them).
macro_rules! insert_default_categories {
    ($tx:expr, $community:expr) => {{
        for (position, category) in linli_domain::categories::DEFAULT_CATEGORIES.iter().enumerate() {
            let (triage_kind, triage_minutes) = category.triage.to_parts();
            let (sign_kind, sign_minutes) = category.sign.to_parts();
            let (resolve_kind, resolve_minutes) = category.resolve.to_parts();
            sqlx::query(
                "INSERT INTO categories (community_id, code, name, name_en, icon, sign_limit_kind, sign_limit_minutes,
                     resolve_limit_kind, resolve_limit_minutes, complex, position, active, triage_limit_kind, triage_limit_minutes)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, TRUE, $12, $13)",
            )
            .bind($community)
            .bind(category.code)
            .bind(category.name)
            .bind(category.name_en)
            .bind(category.icon)
            .bind(sign_kind)
            .bind(sign_minutes)
            .bind(resolve_kind)
            .bind(resolve_minutes)
            .bind(category.complex)
            .bind(i64::try_from(position).unwrap_or_default())
            .bind(triage_kind)
            .bind(triage_minutes)
            .execute(&mut *$tx)
            .await?;
        }
    }};
}
pub(crate) use insert_default_categories;

impl Store {
    /// A community's categories in their order (from this instance's copy when fresh).
    pub async fn categories(&self, community: CommunityId) -> StoreResult<Vec<Category>> {
        if let Some(kept) = self.reference.categories(community.0) {
            return Ok(kept.as_ref().clone());
        }
        let sql = format!(
            "SELECT {CATEGORY_COLUMNS} FROM categories WHERE community_id = $1 ORDER BY position, id"
        );
        let read = on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, Category>(AssertSqlSafe(sql.as_str()))
                .bind(community.0)
                .fetch_all(pool)
                .await
        })?;
        Ok(self
            .reference
            .keep_categories(community.0, read)
            .as_ref()
            .clone())
    }

    /// Adds a category to a community, after its existing ones.
    pub async fn create_category(
        &self,
        category: &Category,
        by: Option<PersonId>,
        now: DateTime<Utc>,
    ) -> StoreResult<Category> {
        let sql = format!(
            "INSERT INTO categories (community_id, code, name, name_en, icon, sign_limit_kind, sign_limit_minutes,
                resolve_limit_kind, resolve_limit_minutes, complex, position, active, default_lead_organisation_id,
                triage_limit_kind, triage_limit_minutes, default_co_handler_ids, dispatch_mode, open_cap)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,
                (SELECT COALESCE(MAX(position), -1) + 1 FROM categories WHERE community_id = $1), $11, $12, $13, $14, $15,
                $16, $17)
             RETURNING {CATEGORY_COLUMNS}"
        );
        let row = on_pool!(&self.db, |pool| {
            async {
                let mut tx = pool.begin().await?;
                let created = sqlx::query_as::<_, Category>(AssertSqlSafe(sql.as_str()))
                    .bind(category.community_id)
                    .bind(&category.code)
                    .bind(&category.name)
                    .bind(&category.name_en)
                    .bind(&category.icon)
                    .bind(&category.sign_limit_kind)
                    .bind(category.sign_limit_minutes)
                    .bind(&category.resolve_limit_kind)
                    .bind(category.resolve_limit_minutes)
                    .bind(category.complex)
                    .bind(category.active)
                    .bind(category.default_lead_organisation_id)
                    .bind(&category.triage_limit_kind)
                    .bind(category.triage_limit_minutes)
                    .bind(&category.default_co_handler_ids)
                    .bind(category.dispatch_mode.as_str())
                    .bind(category.open_cap)
                    .fetch_one(&mut *tx)
                    .await?;
                record_setting_change!(
                    tx,
                    Some(created.community_id),
                    "category.created",
                    created.id,
                    category_details(&created),
                    by.map(|person| person.0),
                    now
                )?;
                tx.commit().await?;
                Ok::<_, sqlx::Error>(created)
            }
            .await
        });
        let created = row.map_err(StoreError::unique_as("work_order.category_exists"))?;
        self.reference.forget_categories(created.community_id);
        Ok(created)
    }

    /// Changes a category's names, icon, time limits, complexity or whether it is offered.
    /// Work orders already reported or dispatched keep the deadlines they were given.
    pub async fn update_category(
        &self,
        category: &Category,
        by: Option<PersonId>,
        now: DateTime<Utc>,
    ) -> StoreResult<Category> {
        let sql = format!(
            "UPDATE categories SET name = $1, name_en = $2, icon = $3, sign_limit_kind = $4, sign_limit_minutes = $5,
                resolve_limit_kind = $6, resolve_limit_minutes = $7, complex = $8, active = $9,
                default_lead_organisation_id = $10, triage_limit_kind = $12, triage_limit_minutes = $13,
                default_co_handler_ids = $14, dispatch_mode = $15, open_cap = $16
             WHERE id = $11 RETURNING {CATEGORY_COLUMNS}"
        );
        let updated = on_pool!(&self.db, |pool| {
            let mut tx = pool.begin().await?;
            let updated = sqlx::query_as::<_, Category>(AssertSqlSafe(sql.as_str()))
                .bind(&category.name)
                .bind(&category.name_en)
                .bind(&category.icon)
                .bind(&category.sign_limit_kind)
                .bind(category.sign_limit_minutes)
                .bind(&category.resolve_limit_kind)
                .bind(category.resolve_limit_minutes)
                .bind(category.complex)
                .bind(category.active)
                .bind(category.default_lead_organisation_id)
                .bind(category.id)
                .bind(&category.triage_limit_kind)
                .bind(category.triage_limit_minutes)
                .bind(&category.default_co_handler_ids)
                .bind(category.dispatch_mode.as_str())
                .bind(category.open_cap)
                .fetch_optional(&mut *tx)
                .await?;
            if let Some(updated) = &updated {
                record_setting_change!(
                    tx,
                    Some(updated.community_id),
                    "category.changed",
                    updated.id,
                    category_details(updated),
                    by.map(|person| person.0),
                    now
                )?;
            }
            tx.commit().await?;
            updated
        })
        .ok_or(StoreError::NotFound("work_order.category_not_found"))?;
        self.reference.forget_categories(updated.community_id);
        Ok(updated)
    }

    pub async fn category(&self, id: i64) -> StoreResult<Category> {
        if let Some(kept) = self.reference.category(id) {
            return Ok(kept);
        }
        let sql = format!("SELECT {CATEGORY_COLUMNS} FROM categories WHERE id = $1");
        on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, Category>(AssertSqlSafe(sql.as_str()))
                .bind(id)
                .fetch_optional(pool)
                .await
        })?
        .ok_or(StoreError::NotFound("work_order.category_not_found"))
    }
}

/// A category's settings as the record of changes keeps them.
fn category_details(category: &Category) -> serde_json::Value {
    serde_json::json!({
        "code": category.code,
        "name": category.name,
        "name_en": category.name_en,
        "active": category.active,
        "complex": category.complex,
        "triage_limit": [category.triage_limit_kind, category.triage_limit_minutes],
        "sign_limit": [category.sign_limit_kind, category.sign_limit_minutes],
        "resolve_limit": [category.resolve_limit_kind, category.resolve_limit_minutes],
        "default_lead_organisation_id": category.default_lead_organisation_id,
        "default_co_handler_ids": category.default_co_handler_ids,
        "dispatch_mode": category.dispatch_mode.as_str(),
        "open_cap": category.open_cap,
    })
}
