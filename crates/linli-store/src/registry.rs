//! Streets, communities, estates, buildings, units, rooms and organisations.

use crate::db::{Store, stored_time};
use crate::error::{StoreError, StoreResult};
use chrono::{DateTime, Utc};
use linli_domain::ids::{
    BuildingId, CommunityId, EstateId, OrganisationId, RoomId, StreetId, UnitId,
};
use linli_domain::permissions::Place;
use linli_domain::registry::{BuildingLayout, Name, NumberRange, OrganisationKind};
use sqlx::AssertSqlSafe;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Street {
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Community {
    pub id: i64,
    pub street_id: i64,
    pub name: String,
    /// The joint office's phone number (printed on the desk's slip).
    pub office_phone: Option<String>,
}

impl Community {
    pub fn place(&self) -> Place {
        Place::Community {
            id: CommunityId(self.id),
            street: StreetId(self.street_id),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Estate {
    pub id: i64,
    pub community_id: i64,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Building {
    pub id: i64,
    pub community_id: i64,
    pub estate_id: i64,
    pub number: String,
    pub name: String,
    pub unit_count: i64,
    pub room_count: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Unit {
    pub id: i64,
    pub building_id: i64,
    pub number: String,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Room {
    pub id: i64,
    pub community_id: i64,
    pub building_id: i64,
    pub building_name: String,
    pub unit_id: i64,
    pub unit_number: String,
    pub floor: i64,
    pub number: String,
    pub floor_area_hundredths_m2: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Organisation {
    pub id: i64,
    pub community_id: i64,
    pub kind: String,
    pub name: String,
}

/// What a bulk layout created.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LayoutSummary {
    pub buildings: u32,
    pub units: u32,
    pub rooms: u32,
}

/// Rows per multi-row INSERT: well under SQLite's 32,766 bound parameters.
const ROOMS_PER_INSERT: usize = 1_000;

const BUILDING_COLUMNS: &str = "SELECT b.id, b.community_id, b.estate_id, b.number, b.name,
        (SELECT COUNT(*) FROM units u WHERE u.building_id = b.id) AS unit_count,
        (SELECT COUNT(*) FROM rooms r WHERE r.building_id = b.id) AS room_count
    FROM buildings b";

const ROOM_COLUMNS: &str =
    "SELECT r.id, r.community_id, r.building_id, b.name AS building_name, r.unit_id,
        u.number AS unit_number, r.floor, r.number, r.floor_area_hundredths_m2
    FROM rooms r JOIN units u ON u.id = r.unit_id JOIN buildings b ON b.id = r.building_id";

fn number_position(number: &str) -> i64 {
    let digits: String = number.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().unwrap_or(i64::MAX / 2)
}

impl Store {
    pub async fn create_street(&self, name: &Name, now: DateTime<Utc>) -> StoreResult<Street> {
        let now = stored_time(now);
        let row = on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, Street>(
                "INSERT INTO streets (name, created_at) VALUES ($1, $2) RETURNING id, name",
            )
            .bind(name.as_str())
            .bind(now)
            .fetch_one(pool)
            .await
        });
        row.map_err(StoreError::unique_as("registry.street_exists"))
    }

    pub async fn streets(&self) -> StoreResult<Vec<Street>> {
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, Street>("SELECT id, name FROM streets ORDER BY id")
                .fetch_all(pool)
                .await
        })?)
    }

    pub async fn street(&self, id: StreetId) -> StoreResult<Street> {
        on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, Street>("SELECT id, name FROM streets WHERE id = $1")
                .bind(id.0)
                .fetch_optional(pool)
                .await
        })?
        .ok_or(StoreError::NotFound("registry.street_not_found"))
    }

    pub async fn street_by_name(&self, name: &str) -> StoreResult<Option<Street>> {
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, Street>("SELECT id, name FROM streets WHERE name = $1")
                .bind(name)
                .fetch_optional(pool)
                .await
        })?)
    }

    pub async fn create_community(
        &self,
        street: StreetId,
        name: &Name,
        now: DateTime<Utc>,
    ) -> StoreResult<Community> {
        self.street(street).await?;
        let now = stored_time(now);
        let community = on_pool!(&self.db, |pool| {
            let mut tx = pool.begin().await?;
            let community = sqlx::query_as::<_, Community>(
                "INSERT INTO communities (street_id, name, created_at) VALUES ($1, $2, $3)
                 RETURNING id, street_id, name, office_phone",
            )
            .bind(street.0)
            .bind(name.as_str())
            .bind(now)
            .fetch_one(&mut *tx)
            .await
            .map_err(StoreError::unique_as("registry.community_exists"))?;
            crate::categories::insert_default_categories!(tx, community.id);
            tx.commit().await?;
            Ok::<_, StoreError>(community)
        })?;
        self.reference.forget_communities();
        Ok(community)
    }

    /// Sets (or clears) the joint office's phone number.
    pub async fn set_office_phone(
        &self,
        id: CommunityId,
        phone: Option<&str>,
    ) -> StoreResult<Community> {
        let updated = on_pool!(&self.db, |pool| {
            sqlx::query("UPDATE communities SET office_phone = $1 WHERE id = $2")
                .bind(phone)
                .bind(id.0)
                .execute(pool)
                .await
                .map(|done| done.rows_affected())
        })?;
        if updated == 0 {
            return Err(StoreError::NotFound("registry.community_not_found"));
        }
        self.reference.forget_communities();
        self.community(id).await
    }

    pub async fn community(&self, id: CommunityId) -> StoreResult<Community> {
        let known = |communities: &[Community]| {
            communities
                .iter()
                .find(|community| community.id == id.0)
                .cloned()
        };
        if let Some(community) = self.reference.communities().and_then(|all| known(&all)) {
            return Ok(community);
        }
        // Not in this instance's copy: it may be new, made by another instance.
        known(&self.all_communities_fresh().await?)
            .ok_or(StoreError::NotFound("registry.community_not_found"))
    }

    /// Every community, read now (and kept as this instance's copy).
    async fn all_communities_fresh(&self) -> StoreResult<std::sync::Arc<Vec<Community>>> {
        let all = on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, Community>(
                "SELECT id, street_id, name, office_phone FROM communities ORDER BY id",
            )
            .fetch_all(pool)
            .await
        })?;
        Ok(self.reference.keep_communities(all))
    }

    pub async fn community_by_name(
        &self,
        street: StreetId,
        name: &str,
    ) -> StoreResult<Option<Community>> {
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, Community>(
                "SELECT id, street_id, name, office_phone FROM communities WHERE street_id = $1 AND name = $2",
            )
            .bind(street.0)
            .bind(name)
            .fetch_optional(pool)
            .await
        })?)
    }

    /// All communities, or those of one street.
    /// The communities of a street, or all of them, oldest first.
    pub async fn communities(&self, street: Option<StreetId>) -> StoreResult<Vec<Community>> {
        let all = match self.reference.communities() {
            Some(all) => all,
            None => self.all_communities_fresh().await?,
        };
        Ok(all
            .iter()
            .filter(|community| street.is_none_or(|street| community.street_id == street.0))
            .cloned()
            .collect())
    }

    pub async fn create_estate(&self, community: CommunityId, name: &Name) -> StoreResult<Estate> {
        self.community(community).await?;
        let row = on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, Estate>(
                "INSERT INTO estates (community_id, name) VALUES ($1, $2) RETURNING id, community_id, name",
            )
            .bind(community.0)
            .bind(name.as_str())
            .fetch_one(pool)
            .await
        });
        row.map_err(StoreError::unique_as("registry.estate_exists"))
    }

    pub async fn estates(&self, community: CommunityId) -> StoreResult<Vec<Estate>> {
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, Estate>(
                "SELECT id, community_id, name FROM estates WHERE community_id = $1 ORDER BY id",
            )
            .bind(community.0)
            .fetch_all(pool)
            .await
        })?)
    }

    async fn estate_in(&self, community: CommunityId, estate: EstateId) -> StoreResult<Estate> {
        let estate = on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, Estate>("SELECT id, community_id, name FROM estates WHERE id = $1")
                .bind(estate.0)
                .fetch_optional(pool)
                .await
        })?
        .ok_or(StoreError::NotFound("registry.estate_not_found"))?;
        if estate.community_id != community.0 {
            return Err(StoreError::Conflict("registry.estate_of_other_community"));
        }
        Ok(estate)
    }

    pub async fn create_building(
        &self,
        community: CommunityId,
        estate: EstateId,
        number: &Name,
        name: &Name,
    ) -> StoreResult<Building> {
        self.estate_in(community, estate).await?;
        let inserted = on_pool!(&self.db, |pool| {
            sqlx::query_scalar::<_, i64>(
                "INSERT INTO buildings (community_id, estate_id, number, name, position)
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(community.0)
            .bind(estate.0)
            .bind(number.as_str())
            .bind(name.as_str())
            .bind(number_position(number.as_str()))
            .fetch_one(pool)
            .await
        });
        let id = inserted.map_err(StoreError::unique_as("registry.building_exists"))?;
        self.building(BuildingId(id)).await
    }

    /// Lays out whole buildings at once (buildings 1–22 × units 1–2 × floors 1–18 × rooms
    /// 01–04) in one transaction: all of it is created, or nothing.
    pub async fn create_buildings_in_bulk(
        &self,
        community: CommunityId,
        estate: EstateId,
        buildings: NumberRange,
        layout: BuildingLayout,
    ) -> StoreResult<LayoutSummary> {
        self.estate_in(community, estate).await?;
        layout.check_size(buildings)?;
        let mut summary = LayoutSummary {
            buildings: 0,
            units: 0,
            rooms: 0,
        };
        on_pool!(&self.db, |pool| {
            let mut tx = pool.begin().await?;
            for building_number in buildings.iter() {
                let building_id = sqlx::query_scalar::<_, i64>(
                    "INSERT INTO buildings (community_id, estate_id, number, name, position)
                     VALUES ($1, $2, $3, $4, $5) RETURNING id",
                )
                .bind(community.0)
                .bind(estate.0)
                .bind(building_number.to_string())
                .bind(format!("{building_number}号楼"))
                .bind(i64::from(building_number))
                .fetch_one(&mut *tx)
                .await
                .map_err(StoreError::unique_as("registry.building_exists"))?;
                summary.buildings += 1;
                let mut rooms: Vec<(i64, u32, String)> = Vec::new();
                for unit_number in layout.units.iter() {
                    let unit_id = sqlx::query_scalar::<_, i64>(
                        "INSERT INTO units (building_id, number, position) VALUES ($1, $2, $3) RETURNING id",
                    )
                    .bind(building_id)
                    .bind(unit_number.to_string())
                    .bind(i64::from(unit_number))
                    .fetch_one(&mut *tx)
                    .await?;
                    summary.units += 1;
                    for floor in layout.floors.iter() {
                        for room in layout.rooms_per_floor.iter() {
                            rooms.push((unit_id, floor, BuildingLayout::room_number(floor, room)));
                        }
                    }
                }
                for chunk in rooms.chunks(ROOMS_PER_INSERT) {
                    let mut insert = sqlx::QueryBuilder::new(
                        "INSERT INTO rooms (unit_id, building_id, community_id, floor, number) ",
                    );
                    insert.push_values(chunk, |mut row, (unit_id, floor, number)| {
                        row.push_bind(*unit_id)
                            .push_bind(building_id)
                            .push_bind(community.0)
                            .push_bind(i64::from(*floor))
                            .push_bind(number.clone());
                    });
                    insert.build().execute(&mut *tx).await?;
                    summary.rooms += u32::try_from(chunk.len()).unwrap_or(u32::MAX);
                }
            }
            tx.commit().await?;
            Ok::<_, StoreError>(())
        })?;
        Ok(summary)
    }

    pub async fn buildings(&self, community: CommunityId) -> StoreResult<Vec<Building>> {
        let sql =
            format!("{BUILDING_COLUMNS} WHERE b.community_id = $1 ORDER BY b.position, b.number");
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, Building>(AssertSqlSafe(sql.as_str()))
                .bind(community.0)
                .fetch_all(pool)
                .await
        })?)
    }

    pub async fn building(&self, id: BuildingId) -> StoreResult<Building> {
        let sql = format!("{BUILDING_COLUMNS} WHERE b.id = $1");
        on_pool!(&self.db, |pool| sqlx::query_as::<_, Building>(
            AssertSqlSafe(sql.as_str())
        )
        .bind(id.0)
        .fetch_optional(pool)
        .await)?
        .ok_or(StoreError::NotFound("registry.building_not_found"))
    }

    pub async fn create_unit(&self, building: BuildingId, number: &Name) -> StoreResult<Unit> {
        self.building(building).await?;
        let row = on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, Unit>(
                "INSERT INTO units (building_id, number, position) VALUES ($1, $2, $3)
                 RETURNING id, building_id, number",
            )
            .bind(building.0)
            .bind(number.as_str())
            .bind(number_position(number.as_str()))
            .fetch_one(pool)
            .await
        });
        row.map_err(StoreError::unique_as("registry.unit_exists"))
    }

    pub async fn units(&self, building: BuildingId) -> StoreResult<Vec<Unit>> {
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, Unit>(
                "SELECT id, building_id, number FROM units WHERE building_id = $1 ORDER BY position, number",
            )
            .bind(building.0)
            .fetch_all(pool)
            .await
        })?)
    }

    pub async fn unit(&self, id: UnitId) -> StoreResult<Unit> {
        on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, Unit>("SELECT id, building_id, number FROM units WHERE id = $1")
                .bind(id.0)
                .fetch_optional(pool)
                .await
        })?
        .ok_or(StoreError::NotFound("registry.unit_not_found"))
    }

    pub async fn create_room(
        &self,
        unit: UnitId,
        floor: i64,
        number: &Name,
        floor_area_hundredths_m2: Option<i64>,
    ) -> StoreResult<Room> {
        let unit = self.unit(unit).await?;
        let building = self.building(BuildingId(unit.building_id)).await?;
        let inserted = on_pool!(&self.db, |pool| {
            sqlx::query_scalar::<_, i64>(
                "INSERT INTO rooms (unit_id, building_id, community_id, floor, number, floor_area_hundredths_m2)
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(unit.id)
            .bind(building.id)
            .bind(building.community_id)
            .bind(floor)
            .bind(number.as_str())
            .bind(floor_area_hundredths_m2)
            .fetch_one(pool)
            .await
        });
        let id = inserted.map_err(StoreError::unique_as("registry.room_exists"))?;
        self.room(RoomId(id)).await
    }

    /// Records a room's floor area (专有部分面积), or clears it.
    pub async fn set_room_floor_area(
        &self,
        id: RoomId,
        floor_area_hundredths_m2: Option<i64>,
    ) -> StoreResult<Room> {
        let changed = on_pool!(&self.db, |pool| {
            sqlx::query("UPDATE rooms SET floor_area_hundredths_m2 = $2 WHERE id = $1")
                .bind(id.0)
                .bind(floor_area_hundredths_m2)
                .execute(pool)
                .await
                .map(|done| done.rows_affected())
        })?;
        if changed == 0 {
            return Err(StoreError::NotFound("registry.room_not_found"));
        }
        self.room(id).await
    }

    pub async fn room(&self, id: RoomId) -> StoreResult<Room> {
        let sql = format!("{ROOM_COLUMNS} WHERE r.id = $1");
        on_pool!(&self.db, |pool| sqlx::query_as::<_, Room>(AssertSqlSafe(
            sql.as_str()
        ))
        .bind(id.0)
        .fetch_optional(pool)
        .await)?
        .ok_or(StoreError::NotFound("registry.room_not_found"))
    }

    pub async fn rooms_of_building(&self, building: BuildingId) -> StoreResult<Vec<Room>> {
        let sql = format!(
            "{ROOM_COLUMNS} WHERE r.building_id = $1 ORDER BY u.position, r.floor, r.number"
        );
        Ok(on_pool!(&self.db, |pool| sqlx::query_as::<_, Room>(
            AssertSqlSafe(sql.as_str())
        )
        .bind(building.0)
        .fetch_all(pool)
        .await)?)
    }

    /// A room by its address as people say it: building number, unit number, room number.
    pub async fn room_by_address(
        &self,
        community: CommunityId,
        building_number: &str,
        unit_number: &str,
        room_number: &str,
    ) -> StoreResult<Room> {
        let sql = format!(
            "{ROOM_COLUMNS} WHERE r.community_id = $1 AND b.number = $2 AND u.number = $3 AND r.number = $4"
        );
        on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, Room>(AssertSqlSafe(sql.as_str()))
                .bind(community.0)
                .bind(building_number)
                .bind(unit_number)
                .bind(room_number)
                .fetch_optional(pool)
                .await
        })?
        .ok_or(StoreError::NotFound("registry.room_not_found"))
    }

    pub async fn create_organisation(
        &self,
        community: CommunityId,
        kind: OrganisationKind,
        name: &Name,
    ) -> StoreResult<Organisation> {
        self.community(community).await?;
        let row = on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, Organisation>(
                "INSERT INTO organisations (community_id, kind, name) VALUES ($1, $2, $3)
                 RETURNING id, community_id, kind, name",
            )
            .bind(community.0)
            .bind(kind.as_str())
            .bind(name.as_str())
            .fetch_one(pool)
            .await
        });
        row.map_err(StoreError::unique_as("registry.organisation_exists"))
    }

    pub async fn organisations(&self, community: CommunityId) -> StoreResult<Vec<Organisation>> {
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, Organisation>(
                "SELECT id, community_id, kind, name FROM organisations WHERE community_id = $1 ORDER BY id",
            )
            .bind(community.0)
            .fetch_all(pool)
            .await
        })?)
    }

    pub async fn organisation(&self, id: OrganisationId) -> StoreResult<Organisation> {
        on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, Organisation>(
                "SELECT id, community_id, kind, name FROM organisations WHERE id = $1",
            )
            .bind(id.0)
            .fetch_optional(pool)
            .await
        })?
        .ok_or(StoreError::NotFound("registry.organisation_not_found"))
    }
}
