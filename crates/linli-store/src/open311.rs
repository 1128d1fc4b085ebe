//! Open311 clients and what their reports carried beyond a work order (see
//! `migrations/*/0029_open311.sql`).

use crate::db::{Store, stored_time};
use crate::error::{StoreError, StoreResult};
use crate::work_orders::EventRow;
use chrono::{DateTime, Utc};
use linli_domain::ids::{CommunityId, PersonId};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ClientRow {
    pub id: i64,
    pub community_id: i64,
    pub name: String,
    pub person_id: i64,
    pub key_hint: String,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

const CLIENT_COLUMNS: &str = "SELECT id, community_id, name, person_id, key_hint, created_at, revoked_at FROM open311_clients";

/// What a report through Open311 carried besides the work order's own fields.
#[derive(Debug, Clone, Default, PartialEq, sqlx::FromRow)]
pub struct RequestExtras {
    pub work_order_id: i64,
    pub client_id: i64,
    pub token: String,
    pub address_string: Option<String>,
    pub address_id: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub email: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub phone: Option<String>,
    pub device_id: Option<String>,
    pub account_id: Option<String>,
    pub media_url: Option<String>,
}

const EXTRAS_COLUMNS: &str = "SELECT work_order_id, client_id, token, address_string, address_id, latitude, longitude,
        email, first_name, last_name, phone, device_id, account_id, media_url FROM open311_requests";

impl Store {
    /// Registers a client with the hash of its key, and the person that stands for it
    /// (disabled: it has no password anyone knows and cannot sign in).
    pub async fn add_open311_client(
        &self,
        community: CommunityId,
        name: &str,
        key_hash: &str,
        key_hint: &str,
        by: PersonId,
        now: DateTime<Utc>,
    ) -> StoreResult<ClientRow> {
        let now = stored_time(now);
        let mut login_suffix = [0u8; 8];
        getrandom::fill(&mut login_suffix)
            .map_err(|error| StoreError::PasswordHash(error.to_string()))?;
        let login = format!("open311-{}", hex::encode(login_suffix));
        on_pool!(&self.db, |pool| {
            let mut tx = pool.begin().await?;
            let person = sqlx::query_scalar::<_, i64>(
                "INSERT INTO people (login, display_name, password_hash, disabled, created_at, password_changed_at)
                 VALUES ($1, $2, '!', TRUE, $3, $3) RETURNING id",
            )
            .bind(&login)
            .bind(name)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            let sql = "INSERT INTO open311_clients (community_id, name, person_id, key_hash, key_hint, created_by, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)
                 RETURNING id, community_id, name, person_id, key_hint, created_at, revoked_at";
            let client = sqlx::query_as::<_, ClientRow>(sql)
                .bind(community.0)
                .bind(name)
                .bind(person)
                .bind(key_hash)
                .bind(key_hint)
                .bind(by.0)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(client)
        })
    }

    /// The clients of a community (or of every one), newest first.
    pub async fn open311_clients(
        &self,
        community: Option<CommunityId>,
    ) -> StoreResult<Vec<ClientRow>> {
        let sql =
            format!("{CLIENT_COLUMNS} WHERE $1 IS NULL OR community_id = $1 ORDER BY id DESC");
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, ClientRow>(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(community.map(|community| community.0))
                .fetch_all(pool)
                .await
        })?)
    }

    pub async fn open311_client(&self, id: i64) -> StoreResult<ClientRow> {
        let sql = format!("{CLIENT_COLUMNS} WHERE id = $1");
        on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, ClientRow>(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(id)
                .fetch_optional(pool)
                .await
        })?
        .ok_or(StoreError::NotFound("open311.client_not_found"))
    }

    /// The client a key's hash belongs to, revoked or not.
    pub async fn open311_client_by_key(&self, key_hash: &str) -> StoreResult<Option<ClientRow>> {
        let sql = format!("{CLIENT_COLUMNS} WHERE key_hash = $1");
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, ClientRow>(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(key_hash)
                .fetch_optional(pool)
                .await
        })?)
    }

    /// Revokes a client's key; revoking twice keeps the first time.
    pub async fn revoke_open311_client(&self, id: i64, now: DateTime<Utc>) -> StoreResult<()> {
        let now = stored_time(now);
        let done = on_pool!(&self.db, |pool| {
            sqlx::query(
                "UPDATE open311_clients SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1",
            )
            .bind(id)
            .bind(now)
            .execute(pool)
            .await
            .map(|done| done.rows_affected())
        })?;
        if done == 0 {
            return Err(StoreError::NotFound("open311.client_not_found"));
        }
        Ok(())
    }

    pub async fn add_open311_request(&self, extras: &RequestExtras) -> StoreResult<()> {
        on_pool!(&self.db, |pool| {
            sqlx::query(
                "INSERT INTO open311_requests (work_order_id, client_id, token, address_string, address_id,
                     latitude, longitude, email, first_name, last_name, phone, device_id, account_id, media_url)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
            )
            .bind(extras.work_order_id)
            .bind(extras.client_id)
            .bind(&extras.token)
            .bind(&extras.address_string)
            .bind(&extras.address_id)
            .bind(extras.latitude)
            .bind(extras.longitude)
            .bind(&extras.email)
            .bind(&extras.first_name)
            .bind(&extras.last_name)
            .bind(&extras.phone)
            .bind(&extras.device_id)
            .bind(&extras.account_id)
            .bind(&extras.media_url)
            .execute(pool)
            .await
            .map(|_| ())
        })?;
        Ok(())
    }

    /// What Open311 reports among `work_orders` carried.
    pub async fn open311_requests(&self, work_orders: &[i64]) -> StoreResult<Vec<RequestExtras>> {
        if work_orders.is_empty() {
            return Ok(Vec::new());
        }
        Ok(on_pool!(&self.db, |pool| {
            let mut query = sqlx::QueryBuilder::new(EXTRAS_COLUMNS);
            query.push(" WHERE work_order_id IN (");
            let mut ids = query.separated(", ");
            for id in work_orders {
                ids.push_bind(*id);
            }
            query.push(")");
            query
                .build_query_as::<RequestExtras>()
                .fetch_all(pool)
                .await
        })?)
    }

    /// The photo each Open311 report among `work_orders` was sent with (the first its
    /// client uploaded when reporting): `(work order, photo)`. Photos added later — by
    /// the handlers, at resolution — are never among them.
    pub async fn open311_media_photos(&self, work_orders: &[i64]) -> StoreResult<Vec<(i64, i64)>> {
        if work_orders.is_empty() {
            return Ok(Vec::new());
        }
        Ok(on_pool!(&self.db, |pool| {
            let mut query = sqlx::QueryBuilder::new(
                "SELECT p.work_order_id, MIN(p.id) FROM work_order_photos p
                 JOIN open311_requests r ON r.work_order_id = p.work_order_id
                 JOIN open311_clients c ON c.id = r.client_id
                 WHERE p.purpose = 'report' AND p.uploaded_by = c.person_id AND p.work_order_id IN (",
            );
            let mut ids = query.separated(", ");
            for id in work_orders {
                ids.push_bind(*id);
            }
            query.push(") GROUP BY p.work_order_id");
            query.build_query_as::<(i64, i64)>().fetch_all(pool).await
        })?)
    }

    pub async fn open311_request_by_token(
        &self,
        token: &str,
    ) -> StoreResult<Option<RequestExtras>> {
        let sql = format!("{EXTRAS_COLUMNS} WHERE token = $1");
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, RequestExtras>(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(token)
                .fetch_optional(pool)
                .await
        })?)
    }

    /// The public events of `work_orders` that carry a text, oldest first: where a
    /// request's `status_notes` come from.
    pub async fn public_event_texts(&self, work_orders: &[i64]) -> StoreResult<Vec<EventRow>> {
        if work_orders.is_empty() {
            return Ok(Vec::new());
        }
        Ok(on_pool!(&self.db, |pool| {
            let mut query = sqlx::QueryBuilder::new(
                "SELECT e.id, e.work_order_id, e.kind, e.actor_id, NULL AS actor_name, e.at, e.body, e.internal, e.details
                 FROM work_order_events e WHERE NOT e.internal AND e.body IS NOT NULL AND e.work_order_id IN (",
            );
            let mut ids = query.separated(", ");
            for id in work_orders {
                ids.push_bind(*id);
            }
            query.push(") ORDER BY e.work_order_id, e.id");
            query.build_query_as::<EventRow>().fetch_all(pool).await
        })?)
    }

    /// The public events of a community's public work orders in `[from, to]`, oldest
    /// first, at most `limit`: what the `servicerequestupdates` extension lists.
    pub async fn public_events_between(
        &self,
        community: CommunityId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        limit: i64,
    ) -> StoreResult<Vec<EventRow>> {
        let (from, to) = (stored_time(from), stored_time(to));
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, EventRow>(
                "SELECT e.id, e.work_order_id, e.kind, e.actor_id, NULL AS actor_name, e.at, e.body, e.internal, e.details
                 FROM work_order_events e JOIN work_orders w ON w.id = e.work_order_id
                 WHERE w.community_id = $1 AND w.is_public AND NOT e.internal AND e.at >= $2 AND e.at <= $3
                 ORDER BY e.at, e.id LIMIT $4",
            )
            .bind(community.0)
            .bind(from)
            .bind(to)
            .bind(limit)
            .fetch_all(pool)
            .await
        })?)
    }
}
