//! What is read back of content: the buildings of audiences, the versions and events of
//! an item, who has read it, the people an audience names, and the images of bodies.

use crate::db::{Store, stored_time};
use crate::error::{StoreError, StoreResult};
use chrono::{DateTime, Utc};
use linli_domain::ids::{CommunityId, PersonId};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct VersionRow {
    pub version: i64,
    pub title: String,
    pub body: String,
    pub note: String,
    pub edited_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ContentEventRow {
    pub action: String,
    pub person_name: String,
    pub reason: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ContentImageRow {
    pub id: i64,
    pub community_id: i64,
    pub name: String,
    pub storage_key: String,
    pub thumbnail_key: String,
    pub width: i64,
    pub height: i64,
}

pub struct NewContentImage<'a> {
    pub community: CommunityId,
    pub name: &'a str,
    pub uploaded_by: PersonId,
    pub storage_key: &'a str,
    pub thumbnail_key: &'a str,
    pub width: i64,
    pub height: i64,
    pub bytes: i64,
}

impl Store {
    /// The buildings of the audiences of a community's items: (item, building).
    pub async fn content_buildings(&self, community: CommunityId) -> StoreResult<Vec<(i64, i64)>> {
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, (i64, i64)>(
                "SELECT a.item_id, a.building_id FROM content_audience_buildings a
                 JOIN content_items i ON i.id = a.item_id
                 WHERE i.community_id = $1 ORDER BY a.item_id, a.building_id",
            )
            .bind(community.0)
            .fetch_all(pool)
            .await
        })?)
    }

    /// Every published text of an item, the first first.
    pub async fn content_versions(&self, id: i64) -> StoreResult<Vec<VersionRow>> {
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, VersionRow>(
                "SELECT version, title, body, note, edited_at FROM content_versions
                 WHERE item_id = $1 ORDER BY version",
            )
            .bind(id)
            .fetch_all(pool)
            .await
        })?)
    }

    /// An item's trail, for the office.
    pub async fn content_events(&self, id: i64) -> StoreResult<Vec<ContentEventRow>> {
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, ContentEventRow>(
                "SELECT e.action, p.display_name AS person_name, e.reason, e.at
                 FROM content_events e JOIN people p ON p.id = e.person_id
                 WHERE e.item_id = $1 ORDER BY e.id",
            )
            .bind(id)
            .fetch_all(pool)
            .await
        })?)
    }

    /// Notes that a person has read an item (the first time counts).
    pub async fn mark_content_read(
        &self,
        id: i64,
        person: PersonId,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        on_pool!(&self.db, |pool| {
            sqlx::query(
                "INSERT INTO content_reads (item_id, person_id, read_at) VALUES ($1, $2, $3)
                 ON CONFLICT (item_id, person_id) DO NOTHING",
            )
            .bind(id)
            .bind(person.0)
            .bind(stored_time(now))
            .execute(pool)
            .await
            .map(|_| ())
        })?;
        Ok(())
    }

    /// The people who have read an item.
    pub async fn content_readers(&self, id: i64) -> StoreResult<Vec<i64>> {
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_scalar::<_, i64>(
                "SELECT person_id FROM content_reads WHERE item_id = $1 ORDER BY person_id",
            )
            .bind(id)
            .fetch_all(pool)
            .await
        })?)
    }

    /// The residents of the buildings of an item's audience (people with a room there and
    /// the resident role in its community).
    pub async fn content_building_residents(&self, id: i64) -> StoreResult<Vec<i64>> {
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_scalar::<_, i64>(
                "SELECT DISTINCT pr.person_id FROM content_audience_buildings a
                 JOIN rooms r ON r.building_id = a.building_id
                 JOIN person_rooms pr ON pr.room_id = r.id
                 JOIN role_grants g ON g.person_id = pr.person_id AND g.role = 'resident'
                     AND g.scope_kind = 'community' AND g.scope_id = r.community_id
                 WHERE a.item_id = $1 ORDER BY pr.person_id",
            )
            .bind(id)
            .fetch_all(pool)
            .await
        })?)
    }

    pub async fn add_content_image(
        &self,
        image: &NewContentImage<'_>,
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_scalar::<_, i64>(
                "INSERT INTO content_images (community_id, name, uploaded_by, storage_key, thumbnail_key, width,
                    height, bytes, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
            )
            .bind(image.community.0)
            .bind(image.name)
            .bind(image.uploaded_by.0)
            .bind(image.storage_key)
            .bind(image.thumbnail_key)
            .bind(image.width)
            .bind(image.height)
            .bind(image.bytes)
            .bind(stored_time(now))
            .fetch_one(pool)
            .await
        })?)
    }

    /// An image by the name in its address.
    pub async fn content_image(&self, name: &str) -> StoreResult<ContentImageRow> {
        on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, ContentImageRow>(
                "SELECT id, community_id, name, storage_key, thumbnail_key, width, height
                 FROM content_images WHERE name = $1",
            )
            .bind(name)
            .fetch_optional(pool)
            .await
        })?
        .ok_or(StoreError::NotFound("content.image_not_found"))
    }

    /// How many images a community holds (for tests and the demo's idempotence).
    pub async fn content_image_count(&self, community: CommunityId) -> StoreResult<i64> {
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM content_images WHERE community_id = $1",
            )
            .bind(community.0)
            .fetch_one(pool)
            .await
        })?)
    }
}
