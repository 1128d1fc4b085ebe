//! Grids (网格化党建): the supervisor or admin draws them; the community's people read
//! them, and a resident finds "我的网格" — the grid leader and building leader of their
//! own building, with the phones to reach them. Phones are for the grid's own residents
//! and the community's staff; other residents see names only.

use crate::{App, AppError, AppResult, Caller};
use linli_domain::access::{is_resident, is_staff};
use linli_domain::grids::{Contact, check_buildings, may_edit, parse_contact, parse_name};
use linli_domain::ids::CommunityId;
use linli_store::grids::{GridRow, GridText};
use std::collections::HashSet;

/// A building of a grid as typed: the building and its leader (楼组长).
#[derive(Debug, Clone, Default)]
pub struct BuildingEntry {
    pub building_id: i64,
    pub leader_name: String,
    pub leader_phone: String,
}

#[derive(Debug, Clone, Default)]
pub struct GridRequest {
    pub name: String,
    pub leader_name: String,
    pub leader_phone: String,
    pub buildings: Vec<BuildingEntry>,
    /// Party members serving the grid: (name, phone).
    pub party_members: Vec<(String, String)>,
}

/// The most party members one grid lists.
const MOST_MEMBERS: usize = 50;

/// Whether the caller draws the community's grids.
pub fn edits(caller: &Caller, community: i64) -> bool {
    may_edit(caller.grants(), CommunityId(community))
}

/// The community's grids as the caller may read them: its staff and residents only;
/// phones for staff and for the residents of each grid's buildings.
pub async fn list(app: &App, caller: &Caller, community: i64) -> AppResult<Vec<GridRow>> {
    let id = CommunityId(app.store.community(CommunityId(community)).await?.id);
    let staff = is_staff(caller.grants(), id) || edits(caller, community);
    if !staff && !is_resident(caller.grants(), id) {
        return Err(AppError::forbidden());
    }
    let grids = app.store.grids(id).await?;
    if staff {
        return Ok(grids);
    }
    let home = home_buildings(app, caller).await?;
    Ok(grids
        .into_iter()
        .map(|grid| {
            if grid.buildings.iter().any(|b| home.contains(&b.building_id)) {
                grid
            } else {
                without_phones(grid)
            }
        })
        .collect())
}

/// The grids of the caller's own buildings (我的网格), with only their own buildings'
/// leaders.
pub async fn mine(app: &App, caller: &Caller) -> AppResult<Vec<GridRow>> {
    let rooms = app.store.rooms_of(caller.person).await?;
    let mut communities: Vec<i64> = rooms.iter().map(|room| room.community_id).collect();
    communities.dedup();
    let home = home_buildings(app, caller).await?;
    let mut mine = Vec::new();
    for community in communities {
        for mut grid in app.store.grids(CommunityId(community)).await? {
            grid.buildings
                .retain(|building| home.contains(&building.building_id));
            if !grid.buildings.is_empty() {
                mine.push(grid);
            }
        }
    }
    Ok(mine)
}

async fn home_buildings(app: &App, caller: &Caller) -> AppResult<HashSet<i64>> {
    Ok(app
        .store
        .rooms_of(caller.person)
        .await?
        .into_iter()
        .map(|room| room.building_id)
        .collect())
}

fn without_phones(mut grid: GridRow) -> GridRow {
    let strip = |contact: &mut Contact| contact.phone = None;
    if let Some(leader) = grid.leader.as_mut() {
        strip(leader);
    }
    for building in &mut grid.buildings {
        if let Some(leader) = building.leader.as_mut() {
            strip(leader);
        }
    }
    grid.party_members.iter_mut().for_each(strip);
    grid
}

/// Creates a grid (`id` none) or rewrites one whole.
pub async fn save(
    app: &App,
    caller: &Caller,
    community: i64,
    id: Option<i64>,
    input: &GridRequest,
) -> AppResult<i64> {
    let community = CommunityId(app.store.community(CommunityId(community)).await?.id);
    if !edits(caller, community.0) {
        return Err(AppError::forbidden());
    }
    let name = parse_name(&input.name)?;
    let leader = parse_contact(
        &input.leader_name,
        &input.leader_phone,
        "leader_name",
        "leader_phone",
    )?;
    let known: HashSet<i64> = app
        .store
        .buildings(community)
        .await?
        .into_iter()
        .map(|building| building.id)
        .collect();
    let mut buildings = Vec::with_capacity(input.buildings.len());
    for entry in &input.buildings {
        if !known.contains(&entry.building_id) {
            return Err(AppError::invalid("grid.building_unknown", "buildings"));
        }
        let leader = parse_contact(
            &entry.leader_name,
            &entry.leader_phone,
            "building_leader_name",
            "building_leader_phone",
        )?;
        buildings.push((entry.building_id, leader));
    }
    let ids: Vec<i64> = buildings.iter().map(|(building, _)| *building).collect();
    let taken = app.store.grid_of_buildings(community).await?;
    check_buildings(&ids, &taken, id)?;
    if input.party_members.len() > MOST_MEMBERS {
        return Err(AppError::invalid("grid.too_many_members", "party_members"));
    }
    let mut members = Vec::with_capacity(input.party_members.len());
    for (name, phone) in &input.party_members {
        if let Some(member) = parse_contact(name, phone, "party_members", "party_members")? {
            members.push(member);
        }
    }
    if let Some(id) = id
        && app.store.grid(id).await?.community_id != community.0
    {
        return Err(AppError::NotFound("grid.not_found"));
    }
    let text = GridText {
        name: &name,
        leader: leader.as_ref(),
        buildings: &buildings,
        party_members: &members,
    };
    Ok(app
        .store
        .save_grid(community, id, &text, caller.person, app.now())
        .await?)
}

pub async fn remove(app: &App, caller: &Caller, id: i64) -> AppResult<()> {
    let grid = app.store.grid(id).await?;
    if !edits(caller, grid.community_id) {
        return Err(AppError::forbidden());
    }
    Ok(app.store.remove_grid(id).await?)
}
