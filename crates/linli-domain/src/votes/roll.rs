//! The roll of a vote (业主名册) and the count of its ballots.
//!
//! The roll is made once, when the vote opens, from the registry: every room (专有部分)
//! of the vote's estate or building with its floor area and its owners of record. After
//! the Supreme People's Court's interpretation (第九条) one 专有部分 counts as one owner,
//! but one buyer of several counts as one: rooms whose owners of record are exactly the
//! same people are one *voter* here, with their areas added up, and cast one ballot. A
//! room with no owner of record still counts (its area and one head), but nobody can
//! vote for it until the registry names its owners.

use super::{AreaCm2, Figures, MatterType, Outcome, Owner, Stance, parse_area_cm2};
use crate::ids::PersonId;
use std::collections::BTreeMap;

/// A room as the registry has it when the vote opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RollRoom {
    pub room: i64,
    /// Floor area in hundredths of a square metre, as the registry keeps it.
    pub area_hundredths_m2: Option<i64>,
    /// The people recorded as its owners (tenants and family members are not).
    pub owners: Vec<PersonId>,
}

/// One voter: the owners of one room, or of several rooms owned by the very same people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Voter {
    /// The rooms, in the order given.
    pub rooms: Vec<(i64, AreaCm2)>,
    /// Sorted; empty for a room without an owner of record.
    pub owners: Vec<PersonId>,
    pub area: AreaCm2,
}

/// Why a roll cannot be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RollError {
    /// No room in the vote's place.
    NoRooms,
    /// These rooms have no floor area (or one outside 1 m²…100,000 m²): the registry
    /// must be completed before the vote can open.
    MissingArea(Vec<i64>),
}

/// Square centimetres from the registry's hundredths of a square metre.
pub fn area_from_hundredths(hundredths: i64) -> Option<AreaCm2> {
    hundredths.checked_mul(100)
}

/// The voters of a vote: rooms grouped by their exact set of owners, in the order of each
/// group's first room; rooms without owners each count alone.
pub fn make_roll(rooms: &[RollRoom]) -> Result<Vec<Voter>, RollError> {
    if rooms.is_empty() {
        return Err(RollError::NoRooms);
    }
    let missing: Vec<i64> = rooms
        .iter()
        .filter(|room| {
            room.area_hundredths_m2
                .and_then(area_from_hundredths)
                .and_then(|area| parse_area_cm2(area, "area").ok())
                .is_none()
        })
        .map(|room| room.room)
        .collect();
    if !missing.is_empty() {
        return Err(RollError::MissingArea(missing));
    }
    let mut voters: Vec<Voter> = Vec::new();
    let mut by_owners: BTreeMap<Vec<PersonId>, usize> = BTreeMap::new();
    for room in rooms {
        let area = room
            .area_hundredths_m2
            .and_then(area_from_hundredths)
            .unwrap_or_default();
        let mut owners = room.owners.clone();
        owners.sort();
        owners.dedup();
        let known = if owners.is_empty() {
            None
        } else {
            by_owners.get(&owners).copied()
        };
        match known {
            Some(index) => {
                voters[index].rooms.push((room.room, area));
                voters[index].area += area;
            }
            None => {
                if !owners.is_empty() {
                    by_owners.insert(owners.clone(), voters.len());
                }
                voters.push(Voter {
                    rooms: vec![(room.room, area)],
                    owners,
                    area,
                });
            }
        }
    }
    Ok(voters)
}

/// One voter's area and the option of their last ballot (`None`: no ballot).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cast {
    pub area: AreaCm2,
    pub choice: Option<usize>,
}

/// The last ballot of each voter: `ballots` are `(voter, option)` in the order they were
/// cast; a later one replaces an earlier one of the same voter.
pub fn latest_choices(voters: usize, ballots: &[(usize, usize)]) -> Vec<Option<usize>> {
    let mut choices = vec![None; voters];
    for (voter, option) in ballots {
        if let Some(choice) = choices.get_mut(*voter) {
            *choice = Some(*option);
        }
    }
    choices
}

/// The figures of each option: its approving owners and area among all who took part.
pub fn tally(casts: &[Cast], options: usize) -> Vec<Figures> {
    (0..options)
        .map(|option| {
            let stances: Vec<(Owner, Stance)> = casts
                .iter()
                .map(|cast| {
                    let stance = match cast.choice {
                        Some(chosen) if chosen == option => Stance::For,
                        Some(_) => Stance::Otherwise,
                        None => Stance::Absent,
                    };
                    (Owner { area: cast.area }, stance)
                })
                .collect();
            Figures::count(&stances)
        })
        .collect()
}

/// What a closed vote decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Fewer than ⅔ of the area or of the owners took part.
    NotQuorate,
    /// This option (its index) reached the share the matter needs.
    Carried(usize),
    /// Enough took part, but no option reached the share the matter needs.
    NoneCarried,
}

/// The decision of a count: the option that carried, if one did. More than half (or ¾)
/// of the same participants can back only one option, so at most one carries.
pub fn decide(figures: &[Figures], matter: MatterType) -> Decision {
    let quorate = figures.first().is_some_and(Figures::quorate);
    if !quorate {
        return Decision::NotQuorate;
    }
    figures
        .iter()
        .position(|option| option.outcome(matter) == Outcome::Approved)
        .map_or(Decision::NoneCarried, Decision::Carried)
}
