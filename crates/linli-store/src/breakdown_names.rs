//! The names a statistics report's breakdowns are shown under, for a set of
//! communities in one read: their buildings, parties and grids, and which grid each
//! building is in. Read community by community, a street's report took five reads
//! for each of its communities, each waiting for a connection of its own.

use crate::db::Store;
use crate::error::StoreResult;
use std::collections::HashMap;

/// A building or a grid: its community and its name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    pub community_id: i64,
    pub name: String,
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct BreakdownNames {
    pub buildings: HashMap<i64, Named>,
    pub organisations: HashMap<i64, String>,
    pub grids: HashMap<i64, Named>,
    /// Building id → the grid it is in.
    pub grid_of: HashMap<i64, i64>,
}

impl Store {
    /// The breakdown names of `communities` (ids from the store, never from a request).
    pub async fn breakdown_names(&self, communities: &[i64]) -> StoreResult<BreakdownNames> {
        let mut names = BreakdownNames::default();
        if communities.is_empty() {
            return Ok(names);
        }
        let list = crate::db::id_list(communities);
        let sql = format!(
            "SELECT 'building' AS kind, b.id, b.community_id, b.name, CAST(0 AS BIGINT) AS grid_id
               FROM buildings b WHERE b.community_id IN ({list})
             UNION ALL
             SELECT 'organisation', o.id, o.community_id, o.name, CAST(0 AS BIGINT)
               FROM organisations o WHERE o.community_id IN ({list})
             UNION ALL
             SELECT 'grid', g.id, g.community_id, g.name, CAST(0 AS BIGINT)
               FROM grids g WHERE g.community_id IN ({list})
             UNION ALL
             SELECT 'grid_building', gb.building_id, g.community_id, '', gb.grid_id
               FROM grid_buildings gb JOIN grids g ON g.id = gb.grid_id WHERE g.community_id IN ({list})"
        );
        let rows: Vec<(String, i64, i64, String, i64)> = on_pool!(&self.db, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
                .fetch_all(pool)
                .await
        })?;
        for (kind, id, community_id, name, grid_id) in rows {
            match kind.as_str() {
                "building" => {
                    names.buildings.insert(id, Named { community_id, name });
                }
                "organisation" => {
                    names.organisations.insert(id, name);
                }
                "grid" => {
                    names.grids.insert(id, Named { community_id, name });
                }
                _ => {
                    names.grid_of.insert(id, grid_id);
                }
            }
        }
        Ok(names)
    }
}
