//! Grids (网格化党建): a community's buildings in groups, with their leaders and the party
//! members serving them. A grid is written whole, in one transaction.

use crate::db::{Store, stored_time};
use crate::error::{StoreError, StoreResult};
use chrono::{DateTime, Utc};
use linli_domain::grids::Contact;
use linli_domain::ids::{CommunityId, PersonId};
use std::collections::HashMap;

/// A grid as written (checked by the use case).
pub struct GridText<'a> {
    pub name: &'a str,
    pub leader: Option<&'a Contact>,
    /// Each building with its building leader, in order.
    pub buildings: &'a [(i64, Option<Contact>)],
    pub party_members: &'a [Contact],
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GridBuilding {
    pub building_id: i64,
    pub building_name: String,
    pub leader: Option<Contact>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GridRow {
    pub id: i64,
    pub community_id: i64,
    pub name: String,
    pub leader: Option<Contact>,
    pub buildings: Vec<GridBuilding>,
    pub party_members: Vec<Contact>,
}

type HeadRow = (i64, i64, String, Option<String>, Option<String>);
type BuildingRow = (i64, i64, String, Option<String>, Option<String>);
type MemberRow = (i64, String, Option<String>);

fn contact(name: Option<String>, phone: Option<String>) -> Option<Contact> {
    name.map(|name| Contact { name, phone })
}

impl Store {
    /// Creates a grid (`id` none) or rewrites one: its name, leader, buildings and party
    /// members replaced together.
    pub async fn save_grid(
        &self,
        community: CommunityId,
        id: Option<i64>,
        grid: &GridText<'_>,
        by: PersonId,
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        let now = stored_time(now);
        let leader_name = grid.leader.map(|leader| leader.name.as_str());
        let leader_phone = grid.leader.and_then(|leader| leader.phone.as_deref());
        on_pool!(&self.db, |pool| {
            let mut tx = pool.begin().await?;
            let id = match id {
                None => sqlx::query_scalar::<_, i64>(
                    "INSERT INTO grids (community_id, name, leader_name, leader_phone, created_by, created_at, updated_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
                )
                .bind(community.0)
                .bind(grid.name)
                .bind(leader_name)
                .bind(leader_phone)
                .bind(by.0)
                .bind(now)
                .fetch_one(&mut *tx)
                .await
                .map_err(StoreError::unique_as("grid.name_taken"))?,
                Some(id) => {
                    let done = sqlx::query(
                        "UPDATE grids SET name = $2, leader_name = $3, leader_phone = $4, updated_at = $5 WHERE id = $1",
                    )
                    .bind(id)
                    .bind(grid.name)
                    .bind(leader_name)
                    .bind(leader_phone)
                    .bind(now)
                    .execute(&mut *tx)
                    .await
                    .map_err(StoreError::unique_as("grid.name_taken"))?;
                    if done.rows_affected() == 0 {
                        return Err(StoreError::NotFound("grid.not_found"));
                    }
                    for table in ["grid_buildings", "grid_party_members"] {
                        sqlx::query(sqlx::AssertSqlSafe(format!("DELETE FROM {table} WHERE grid_id = $1")))
                            .bind(id)
                            .execute(&mut *tx)
                            .await?;
                    }
                    id
                }
            };
            for (building, leader) in grid.buildings {
                sqlx::query(
                    "INSERT INTO grid_buildings (building_id, grid_id, leader_name, leader_phone) VALUES ($1, $2, $3, $4)",
                )
                .bind(building)
                .bind(id)
                .bind(leader.as_ref().map(|leader| leader.name.as_str()))
                .bind(leader.as_ref().and_then(|leader| leader.phone.as_deref()))
                .execute(&mut *tx)
                .await
                // Another grid took the building since the use case looked.
                .map_err(StoreError::unique_as("grid.building_in_another_grid"))?;
            }
            for member in grid.party_members {
                sqlx::query(
                    "INSERT INTO grid_party_members (grid_id, name, phone) VALUES ($1, $2, $3)",
                )
                .bind(id)
                .bind(member.name.as_str())
                .bind(member.phone.as_deref())
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            Ok(id)
        })
    }

    pub async fn remove_grid(&self, id: i64) -> StoreResult<()> {
        on_pool!(&self.db, |pool| {
            let mut tx = pool.begin().await?;
            for table in ["grid_buildings", "grid_party_members"] {
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "DELETE FROM {table} WHERE grid_id = $1"
                )))
                .bind(id)
                .execute(&mut *tx)
                .await?;
            }
            let done = sqlx::query("DELETE FROM grids WHERE id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::NotFound("grid.not_found"));
            }
            tx.commit().await?;
            Ok(())
        })
    }

    /// A community's grids in name order, each whole.
    pub async fn grids(&self, community: CommunityId) -> StoreResult<Vec<GridRow>> {
        self.grids_where("g.community_id = $1", community.0).await
    }

    pub async fn grid(&self, id: i64) -> StoreResult<GridRow> {
        self.grids_where("g.id = $1", id)
            .await?
            .pop()
            .ok_or(StoreError::NotFound("grid.not_found"))
    }

    /// Which grid each building of the community is in.
    pub async fn grid_of_buildings(
        &self,
        community: CommunityId,
    ) -> StoreResult<HashMap<i64, i64>> {
        let rows: Vec<(i64, i64)> = on_pool!(&self.db, |pool| {
            sqlx::query_as(
                "SELECT gb.building_id, gb.grid_id FROM grid_buildings gb JOIN grids g ON g.id = gb.grid_id
                 WHERE g.community_id = $1",
            )
            .bind(community.0)
            .fetch_all(pool)
            .await
        })?;
        Ok(rows.into_iter().collect())
    }

    async fn grids_where(&self, condition: &str, value: i64) -> StoreResult<Vec<GridRow>> {
        let heads = format!(
            "SELECT g.id, g.community_id, g.name, g.leader_name, g.leader_phone FROM grids g WHERE {condition} ORDER BY g.name, g.id"
        );
        let buildings = format!(
            "SELECT gb.grid_id, gb.building_id, b.name, gb.leader_name, gb.leader_phone
             FROM grid_buildings gb JOIN grids g ON g.id = gb.grid_id JOIN buildings b ON b.id = gb.building_id
             WHERE {condition} ORDER BY b.position, b.id"
        );
        let members = format!(
            "SELECT m.grid_id, m.name, m.phone FROM grid_party_members m JOIN grids g ON g.id = m.grid_id
             WHERE {condition} ORDER BY m.id"
        );
        let (heads, buildings, members): (Vec<HeadRow>, Vec<BuildingRow>, Vec<MemberRow>) =
            on_pool!(&self.db, |pool| {
                let mut connection = pool.acquire().await?;
                let heads = sqlx::query_as(sqlx::AssertSqlSafe(heads.as_str()))
                    .bind(value)
                    .fetch_all(&mut *connection)
                    .await?;
                let buildings = sqlx::query_as(sqlx::AssertSqlSafe(buildings.as_str()))
                    .bind(value)
                    .fetch_all(&mut *connection)
                    .await?;
                let members = sqlx::query_as(sqlx::AssertSqlSafe(members.as_str()))
                    .bind(value)
                    .fetch_all(&mut *connection)
                    .await?;
                Ok::<_, sqlx::Error>((heads, buildings, members))
            })?;
        Ok(heads
            .into_iter()
            .map(
                |(id, community_id, name, leader_name, leader_phone)| GridRow {
                    id,
                    community_id,
                    name,
                    leader: contact(leader_name, leader_phone),
                    buildings: buildings
                        .iter()
                        .filter(|row| row.0 == id)
                        .map(
                            |(_, building_id, building_name, name, phone)| GridBuilding {
                                building_id: *building_id,
                                building_name: building_name.clone(),
                                leader: contact(name.clone(), phone.clone()),
                            },
                        )
                        .collect(),
                    party_members: members
                        .iter()
                        .filter(|row| row.0 == id)
                        .map(|(_, name, phone)| Contact {
                            name: name.clone(),
                            phone: phone.clone(),
                        })
                        .collect(),
                },
            )
            .collect())
    }
}
