//! Setting a vote up and opening it: the 业委会 (or the supervisor) writes the question,
//! the matter, the options and the period; opening makes the roll from the registry, and
//! is refused while any room of the place has no floor area.

use super::{require_runs, room_text};
use crate::{App, AppError, AppResult, Caller, FieldChecks};
use chrono::{DateTime, Utc};
use linli_domain::ids::{CommunityId, PersonId};
use linli_domain::meetings::{parse_line, parse_long_text};
use linli_domain::votes::{
    MatterType, Phase, RollError, RollRoom, check_period, make_roll, parse_options,
};
use linli_store::votes::{NewVote, NewVoter, RegistryRoom};
use std::collections::HashMap;

/// The longest question, in characters.
pub const TITLE_MAX: usize = 120;
/// Rooms named in the message refusing to open a vote; the rest are counted.
const ROOMS_NAMED: usize = 20;

#[derive(Debug, Clone, Default)]
pub struct VoteRequest {
    pub community_id: i64,
    /// The estate (物业管理区域); may be left out when the community has only one.
    pub estate_id: Option<i64>,
    /// A matter of one building: only its owners vote.
    pub building_id: Option<i64>,
    pub title: String,
    pub description: String,
    pub matter: String,
    pub options: Vec<String>,
    pub opens_at: Option<DateTime<Utc>>,
    pub closes_at: Option<DateTime<Utc>>,
}

/// Sets a vote up as a draft; every field at fault is named at once.
pub async fn create(app: &App, caller: &Caller, input: &VoteRequest) -> AppResult<i64> {
    let community = CommunityId(input.community_id);
    app.store.community(community).await?;
    require_runs(app, caller, community).await?;
    let mut checks = FieldChecks::default();
    let title = checks.check(parse_line(&input.title, "title", TITLE_MAX))?;
    let description = if input.description.trim().is_empty() {
        Some(String::new())
    } else {
        checks.check(parse_long_text(&input.description, "description"))?
    };
    let matter = checks.check(MatterType::parse(&input.matter))?;
    let options = checks.check(parse_options(&input.options))?;
    let opens_at = input.opens_at;
    let closes_at = input.closes_at;
    if opens_at.is_none() {
        checks.refuse(AppError::invalid("validation.required", "opens_at"))?;
    }
    if closes_at.is_none() {
        checks.refuse(AppError::invalid("validation.required", "closes_at"))?;
    }
    if let (Some(opens), Some(closes)) = (opens_at, closes_at) {
        checks.check(check_period(opens, closes, app.clock.now()))?;
    }
    let estates = app.store.estates(community).await?;
    let estate = match input.estate_id {
        Some(named) => estates.iter().find(|estate| estate.id == named),
        None if estates.len() == 1 => estates.first(),
        None => None,
    };
    if estate.is_none() {
        let code = if input.estate_id.is_some() {
            "vote.estate_unknown"
        } else {
            "vote.estate_required"
        };
        checks.refuse(AppError::invalid(code, "estate_id"))?;
    }
    if let (Some(building), Some(estate)) = (input.building_id, estate) {
        let ours = match app
            .store
            .building(linli_domain::ids::BuildingId(building))
            .await
        {
            Ok(found) => found.estate_id == estate.id,
            Err(linli_store::StoreError::NotFound(_)) => false,
            Err(other) => return Err(other.into()),
        };
        if !ours {
            checks.refuse(AppError::invalid("vote.building_unknown", "building_id"))?;
        }
    }
    checks.finish()?;
    let (
        Some(title),
        Some(description),
        Some(matter),
        Some(options),
        Some(opens_at),
        Some(closes_at),
        Some(estate),
    ) = (
        title,
        description,
        matter,
        options,
        opens_at,
        closes_at,
        estate,
    )
    else {
        return Err(AppError::internal("a checked vote lost a field"));
    };
    Ok(app
        .store
        .create_vote(
            NewVote {
                community,
                estate_id: estate.id,
                building_id: input.building_id,
                title: &title,
                description: &description,
                matter,
                opens_at,
                closes_at,
                options: &options,
                created_by: caller.person,
            },
            app.clock.now(),
        )
        .await?)
}

/// The rooms of a vote's place with their owners, as the registry has them now.
pub(super) async fn registry_roll(
    app: &App,
    estate: i64,
    building: Option<i64>,
) -> AppResult<(Vec<RegistryRoom>, Vec<RollRoom>)> {
    let rooms = app.store.registry_rooms(estate, building).await?;
    let owners = app.store.registry_owners(estate, building).await?;
    let mut owners_of: HashMap<i64, Vec<PersonId>> = HashMap::new();
    for (room, person) in owners {
        owners_of.entry(room).or_default().push(PersonId(person));
    }
    let roll = rooms
        .iter()
        .map(|room| RollRoom {
            room: room.room_id,
            area_hundredths_m2: room.floor_area_hundredths_m2,
            owners: owners_of.remove(&room.room_id).unwrap_or_default(),
        })
        .collect();
    Ok((rooms, roll))
}

/// Opens a draft: makes its roll from the registry and fixes it. Refused, with nothing
/// stored, while a room of the place has no floor area (the rooms are named), when the
/// place has no rooms, or when its closing time has passed.
pub async fn open(app: &App, caller: &Caller, id: i64) -> AppResult<()> {
    let vote = app.store.vote(id).await?;
    require_runs(app, caller, CommunityId(vote.community_id)).await?;
    let now = app.clock.now();
    if Phase::of(vote.opened, vote.opens_at, vote.closes_at, now) != Phase::Draft {
        return Err(AppError::Conflict("vote.not_draft"));
    }
    if vote.closes_at <= now {
        return Err(AppError::invalid("vote.closes_in_past", "closes_at"));
    }
    let (rooms, roll) = registry_roll(app, vote.estate_id, vote.building_id).await?;
    let voters = match make_roll(&roll) {
        Ok(voters) => voters,
        Err(RollError::NoRooms) => return Err(AppError::invalid("vote.no_rooms", "building_id")),
        Err(RollError::MissingArea(missing)) => {
            let named: Vec<String> = missing
                .iter()
                .take(ROOMS_NAMED)
                .filter_map(|id| rooms.iter().find(|room| room.room_id == *id))
                .map(|room| room_text(&room.building_name, &room.unit_number, &room.room_number))
                .collect();
            let mut list = named.join("、");
            if missing.len() > ROOMS_NAMED {
                list.push_str(" …");
            }
            return Err(AppError::invalid("vote.rooms_without_area", "rooms")
                .with_arg("count", missing.len().to_string())
                .with_arg("rooms", list));
        }
    };
    let voters: Vec<NewVoter> = voters
        .into_iter()
        .map(|voter| NewVoter {
            area_cm2: voter.area,
            rooms: voter.rooms,
            owners: voter.owners,
        })
        .collect();
    app.store.open_vote(id, &voters, caller.person, now).await?;
    Ok(())
}
