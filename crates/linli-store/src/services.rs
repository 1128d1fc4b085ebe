//! The directory of services (办事指南).

use crate::db::{Store, stored_time};
use crate::error::{StoreError, StoreResult};
use chrono::{DateTime, Utc};
use linli_domain::ids::{CommunityId, PersonId};
use linli_domain::services::ServiceCategory;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ServiceRow {
    pub id: i64,
    pub community_id: i64,
    pub title: String,
    #[sqlx(try_from = "String")]
    pub category: ServiceCategory,
    pub url: Option<String>,
    pub steps: Option<String>,
    pub office: Option<String>,
    pub hours: Option<String>,
    pub updated_at: DateTime<Utc>,
}

/// A service as written (checked by the use case).
pub struct ServiceText<'a> {
    pub title: &'a str,
    pub category: ServiceCategory,
    pub url: Option<&'a str>,
    pub steps: Option<&'a str>,
    pub office: Option<&'a str>,
    pub hours: Option<&'a str>,
}

const COLUMNS: &str =
    "SELECT id, community_id, title, category, url, steps, office, hours, updated_at FROM services";

impl Store {
    pub async fn add_service(
        &self,
        community: CommunityId,
        service: &ServiceText<'_>,
        created_by: PersonId,
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        let now = stored_time(now);
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_scalar::<_, i64>(
                "INSERT INTO services (community_id, title, category, url, steps, office, hours, created_by, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
            )
            .bind(community.0)
            .bind(service.title)
            .bind(service.category.as_str())
            .bind(service.url)
            .bind(service.steps)
            .bind(service.office)
            .bind(service.hours)
            .bind(created_by.0)
            .bind(now)
            .fetch_one(pool)
            .await
        })?)
    }

    pub async fn update_service(
        &self,
        id: i64,
        service: &ServiceText<'_>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let now = stored_time(now);
        let done = on_pool!(&self.db, |pool| {
            sqlx::query(
                "UPDATE services SET title = $2, category = $3, url = $4, steps = $5, office = $6, hours = $7, updated_at = $8
                 WHERE id = $1",
            )
            .bind(id)
            .bind(service.title)
            .bind(service.category.as_str())
            .bind(service.url)
            .bind(service.steps)
            .bind(service.office)
            .bind(service.hours)
            .bind(now)
            .execute(pool)
            .await
            .map(|done| done.rows_affected())
        })?;
        if done == 0 {
            return Err(StoreError::NotFound("service.not_found"));
        }
        Ok(())
    }

    pub async fn remove_service(&self, id: i64) -> StoreResult<()> {
        let done = on_pool!(&self.db, |pool| {
            sqlx::query("DELETE FROM services WHERE id = $1")
                .bind(id)
                .execute(pool)
                .await
                .map(|done| done.rows_affected())
        })?;
        if done == 0 {
            return Err(StoreError::NotFound("service.not_found"));
        }
        Ok(())
    }

    pub async fn service(&self, id: i64) -> StoreResult<ServiceRow> {
        let sql = format!("{COLUMNS} WHERE id = $1");
        on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, ServiceRow>(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(id)
                .fetch_optional(pool)
                .await
        })?
        .ok_or(StoreError::NotFound("service.not_found"))
    }

    /// A community's services, by category then title.
    pub async fn services(&self, community: CommunityId) -> StoreResult<Vec<ServiceRow>> {
        let sql = format!("{COLUMNS} WHERE community_id = $1 ORDER BY category, title, id");
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, ServiceRow>(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(community.0)
                .fetch_all(pool)
                .await
        })?)
    }
}
