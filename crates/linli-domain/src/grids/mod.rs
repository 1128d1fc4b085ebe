//! Grids (网格化党建): the community's buildings in groups, each with its grid leader
//! (网格长), a building leader (楼组长) per building and the party members serving it, so
//! that a resident knows whom to call. Pure.

use crate::access::{administers, holds};
use crate::error::ValidationError;
use crate::ids::CommunityId;
use crate::meetings::parse_line;
use crate::registry::Phone;
use crate::roles::{Grant, Role};
use crate::statistics::Counts;
use std::collections::{BTreeMap, HashMap, HashSet};

#[cfg(test)]
mod tests;

/// Who draws the grids: the party branch's supervisor and the community's admin.
pub fn may_edit(grants: &[Grant], community: CommunityId) -> bool {
    holds(grants, Role::Supervisor, community) || administers(grants, community)
}

/// A grid's name: one line, 1–30 characters (第一网格, 1–7号楼网格).
pub fn parse_name(raw: &str) -> Result<String, ValidationError> {
    parse_line(raw, "name", 30)
}

/// Someone residents can reach: a name, and a phone if they gave one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub name: String,
    pub phone: Option<String>,
}

/// A contact as typed: both empty means none; a phone without a name is refused.
pub fn parse_contact(
    name: &str,
    phone: &str,
    name_field: &'static str,
    phone_field: &'static str,
) -> Result<Option<Contact>, ValidationError> {
    let (name, phone) = (name.trim(), phone.trim());
    if name.is_empty() {
        return if phone.is_empty() {
            Ok(None)
        } else {
            Err(ValidationError::new("validation.required", name_field))
        };
    }
    let name = parse_line(name, name_field, 20)?;
    let phone = (!phone.is_empty())
        .then(|| Phone::parse(phone).map_err(|error| error.in_field(phone_field)))
        .transpose()?
        .map(|phone| phone.as_str().to_owned());
    Ok(Some(Contact { name, phone }))
}

/// A grid's buildings: at least one, none twice, none already in another grid of the
/// community (`taken`: building → the grid that has it; the grid itself may keep its own).
pub fn check_buildings(
    buildings: &[i64],
    taken: &HashMap<i64, i64>,
    this_grid: Option<i64>,
) -> Result<(), ValidationError> {
    if buildings.is_empty() {
        return Err(ValidationError::new("grid.buildings_required", "buildings"));
    }
    let mut seen = HashSet::new();
    for building in buildings {
        if !seen.insert(building) {
            return Err(ValidationError::new("grid.building_twice", "buildings"));
        }
        if taken
            .get(building)
            .is_some_and(|grid| Some(*grid) != this_grid)
        {
            return Err(ValidationError::new(
                "grid.building_in_another_grid",
                "buildings",
            ));
        }
    }
    Ok(())
}

/// The building breakdown of statistics regrouped by grid: each building's counts go to
/// its grid, and buildings in no grid (and work orders of no building, key `None`) to the
/// `None` row, so the rows add up to the same totals.
pub fn by_grid(
    by_building: &[(Option<i64>, Counts)],
    grid_of: &HashMap<i64, i64>,
) -> BTreeMap<Option<i64>, Counts> {
    let mut grids: BTreeMap<Option<i64>, Counts> = BTreeMap::new();
    for (building, counts) in by_building {
        let grid = building.and_then(|building| grid_of.get(&building).copied());
        *grids.entry(grid).or_default() += *counts;
    }
    grids
}
