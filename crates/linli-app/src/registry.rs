//! The community registry: streets, communities, estates, buildings, units, rooms and
//! organisations; the communities a caller may see, and which one a request is about.

use crate::{App, AppError, AppResult, Caller};
use linli_domain::ids::{BuildingId, CommunityId, EstateId, StreetId, UnitId};
use linli_domain::permissions::{Place, RegistryAction};
use linli_domain::registry::{BuildingLayout, Name, NumberRange, OrganisationKind};
use linli_domain::roles::Scope;
use linli_store::registry::{
    Building, Community, Estate, LayoutSummary, Organisation, Room, Street, Unit,
};
use std::collections::BTreeSet;

/// The communities the caller may see: every one for a system administrator, else those
/// of their streets, their community roles and their rooms.
pub async fn visible_communities(app: &App, caller: &Caller) -> AppResult<Vec<Community>> {
    let homes = app.store.room_communities_of(caller.person).await?;
    visible_communities_with_homes(app, caller, &homes).await
}

/// Where the caller may report: [`visible_communities`], and for someone with no room
/// and no role, the communities where their claim of a room waits for the committee
/// (they report there as an unconfirmed resident, 未核实). Answers the claimed ones too.
pub async fn reporting_communities(
    app: &App,
    caller: &Caller,
    own_homes: &[i64],
) -> AppResult<(Vec<Community>, Vec<i64>)> {
    let claimed = if own_homes.is_empty() && caller.grants().is_empty() {
        app.store.pending_claim_communities(caller.person).await?
    } else {
        Vec::new()
    };
    let homes: Vec<i64> = own_homes.iter().chain(&claimed).copied().collect();
    Ok((
        visible_communities_with_homes(app, caller, &homes).await?,
        claimed,
    ))
}

/// [`reporting_communities`], reading the caller's rooms first.
pub async fn reporting_communities_of(app: &App, caller: &Caller) -> AppResult<Vec<Community>> {
    let homes = app.store.room_communities_of(caller.person).await?;
    Ok(reporting_communities(app, caller, &homes).await?.0)
}

/// [`visible_communities`], when the communities of the caller's rooms (`homes`) are
/// already known.
pub async fn visible_communities_with_homes(
    app: &App,
    caller: &Caller,
    homes: &[i64],
) -> AppResult<Vec<Community>> {
    let everything = caller.is_global_admin();
    // Communities are reference data this instance keeps a copy of: no read here.
    Ok(app
        .store
        .communities(None)
        .await?
        .into_iter()
        .filter(|community| {
            everything
                || homes.contains(&community.id)
                || caller.grants().iter().any(|grant| match grant.scope {
                    Scope::Street(street) => street.0 == community.street_id,
                    Scope::Community(id) => id.0 == community.id,
                    Scope::Global => false,
                })
        })
        .collect())
}

/// The community a request is about: the one named, or the caller's only one.
pub async fn community_of_request(
    app: &App,
    caller: &Caller,
    named: Option<i64>,
) -> AppResult<Community> {
    community_among(visible_communities(app, caller).await?, named)
}

/// The community a request names among those visible, or the caller's only one.
pub fn community_among(visible: Vec<Community>, named: Option<i64>) -> AppResult<Community> {
    match named {
        Some(id) => visible
            .into_iter()
            .find(|community| community.id == id)
            .ok_or_else(AppError::forbidden),
        None if visible.len() == 1 => visible.into_iter().next().ok_or_else(AppError::forbidden),
        None => Err(AppError::invalid(
            "work_order.community_required",
            "community_id",
        )),
    }
}

const NAME_MAX: usize = 60;
const NUMBER_MAX: usize = 16;

/// A building an input names (`building_id`), which must be of `community`: one that is
/// not, or does not exist, is an invalid field; a failing database stays a failure.
pub async fn building_in(app: &App, community: i64, building: i64) -> AppResult<Building> {
    let found = app
        .store
        .building(BuildingId(building))
        .await
        .map_err(|error| {
            AppError::from(error).named_in("work_order.building_unknown", "building_id")
        })?;
    if found.community_id != community {
        return Err(AppError::invalid(
            "work_order.building_unknown",
            "building_id",
        ));
    }
    Ok(found)
}

/// Loads a community and checks the caller may do `action` there. A community the
/// caller may not see at all is refused like one they may not change.
pub async fn community_for(
    app: &App,
    caller: &Caller,
    id: i64,
    action: RegistryAction,
) -> AppResult<Community> {
    let community = app.store.community(CommunityId(id)).await?;
    caller.require(action, community.place())?;
    Ok(community)
}

/// The streets the caller belongs to or oversees (every one for a system administrator).
pub async fn visible_streets(app: &App, caller: &Caller) -> AppResult<Vec<Street>> {
    let all = app.store.streets().await?;
    if caller.is_global_admin() {
        return Ok(all);
    }
    let mut mine = BTreeSet::new();
    for grant in caller.grants() {
        if let Scope::Street(street) = grant.scope {
            mine.insert(street.0);
        }
    }
    for community in visible_communities(app, caller).await? {
        mine.insert(community.street_id);
    }
    Ok(all
        .into_iter()
        .filter(|street| mine.contains(&street.id))
        .collect())
}

pub async fn create_street(app: &App, caller: &Caller, name: &str) -> AppResult<Street> {
    caller.require(RegistryAction::ManageStreets, Place::Global)?;
    let name = Name::parse(name, "name", NAME_MAX)?;
    Ok(app.store.create_street(&name, app.clock.now()).await?)
}

pub async fn create_community(
    app: &App,
    caller: &Caller,
    street: i64,
    name: &str,
) -> AppResult<Community> {
    let street = StreetId(street);
    caller.require(RegistryAction::ManageCommunities, Place::Street(street))?;
    let name = Name::parse(name, "name", NAME_MAX)?;
    Ok(app
        .store
        .create_community(street, &name, app.clock.now())
        .await?)
}

/// A community with its street, estates and organisations.
pub struct CommunityDetail {
    pub community: Community,
    pub street: Street,
    pub estates: Vec<Estate>,
    pub organisations: Vec<Organisation>,
    pub building_count: usize,
}

pub async fn community_detail(app: &App, caller: &Caller, id: i64) -> AppResult<CommunityDetail> {
    let community = community_for(app, caller, id, RegistryAction::ViewRegistry).await?;
    let id = CommunityId(community.id);
    Ok(CommunityDetail {
        street: app.store.street(StreetId(community.street_id)).await?,
        estates: app.store.estates(id).await?,
        organisations: app.store.organisations(id).await?,
        building_count: app.store.buildings(id).await?.len(),
        community,
    })
}

pub async fn create_estate(
    app: &App,
    caller: &Caller,
    community: i64,
    name: &str,
) -> AppResult<Estate> {
    let community = community_for(app, caller, community, RegistryAction::ManageBuildings).await?;
    let name = Name::parse(name, "name", NAME_MAX)?;
    Ok(app
        .store
        .create_estate(CommunityId(community.id), &name)
        .await?)
}

pub async fn buildings(app: &App, caller: &Caller, community: i64) -> AppResult<Vec<Building>> {
    let community = community_for(app, caller, community, RegistryAction::ViewRegistry).await?;
    Ok(app.store.buildings(CommunityId(community.id)).await?)
}

/// The buildings of a community where the caller may report (a claimant's too: the
/// pickers of joining show them already), for the report form's choice of place.
pub async fn buildings_to_report_in(
    app: &App,
    caller: &Caller,
    community: i64,
) -> AppResult<Vec<Building>> {
    let community = community_among(
        reporting_communities_of(app, caller).await?,
        Some(community),
    )?;
    Ok(app.store.buildings(CommunityId(community.id)).await?)
}

/// Adds a building; its name is `N号楼` unless one is given.
pub async fn create_building(
    app: &App,
    caller: &Caller,
    community: i64,
    estate: i64,
    number: &str,
    name: Option<&str>,
) -> AppResult<Building> {
    let community = community_for(app, caller, community, RegistryAction::ManageBuildings).await?;
    let number = Name::parse(number, "number", NUMBER_MAX)?;
    let name = match name {
        Some(name) => Name::parse(name, "name", NAME_MAX)?,
        None => Name::parse(&format!("{}号楼", number.as_str()), "name", NAME_MAX)?,
    };
    Ok(app
        .store
        .create_building(CommunityId(community.id), EstateId(estate), &number, &name)
        .await?)
}

/// A range of numbers as asked for, `from..=to`.
#[derive(Debug, Clone, Copy)]
pub struct Range {
    pub from: u32,
    pub to: u32,
}

impl Range {
    fn parse(self, field: &'static str, max: u32) -> AppResult<NumberRange> {
        Ok(NumberRange::new(self.from, self.to, field, max)?)
    }
}

/// Buildings, units, floors and rooms to lay out at once.
#[derive(Debug, Clone, Copy)]
pub struct Layout {
    /// The estate they belong to; the community's first when none is named (most
    /// communities are one estate).
    pub estate_id: Option<i64>,
    pub buildings: Range,
    pub units: Range,
    pub floors: Range,
    pub rooms_per_floor: Range,
}

pub async fn create_buildings_in_bulk(
    app: &App,
    caller: &Caller,
    community: i64,
    layout: Layout,
) -> AppResult<LayoutSummary> {
    let community = community_for(app, caller, community, RegistryAction::ManageBuildings).await?;
    let estate = match layout.estate_id {
        Some(estate) => estate,
        None => {
            app.store
                .estates(CommunityId(community.id))
                .await?
                .into_iter()
                .next()
                .ok_or(AppError::NotFound("registry.estate_not_found"))?
                .id
        }
    };
    let buildings = layout.buildings.parse("buildings", 999)?;
    let shape = BuildingLayout::new(
        layout.units.parse("units", 99)?,
        layout.floors.parse("floors", 199)?,
        layout.rooms_per_floor.parse("rooms_per_floor", 99)?,
    );
    Ok(app
        .store
        .create_buildings_in_bulk(
            CommunityId(community.id),
            EstateId(estate),
            buildings,
            shape,
        )
        .await?)
}

/// A building with its units and rooms.
pub struct BuildingDetail {
    pub building: Building,
    pub units: Vec<Unit>,
    pub rooms: Vec<Room>,
}

pub async fn building_detail(app: &App, caller: &Caller, id: i64) -> AppResult<BuildingDetail> {
    let building = app.store.building(BuildingId(id)).await?;
    community_for(
        app,
        caller,
        building.community_id,
        RegistryAction::ViewRegistry,
    )
    .await?;
    let id = BuildingId(building.id);
    Ok(BuildingDetail {
        units: app.store.units(id).await?,
        rooms: app.store.rooms_of_building(id).await?,
        building,
    })
}

pub async fn create_unit(
    app: &App,
    caller: &Caller,
    building: i64,
    number: &str,
) -> AppResult<Unit> {
    let building = app.store.building(BuildingId(building)).await?;
    community_for(
        app,
        caller,
        building.community_id,
        RegistryAction::ManageBuildings,
    )
    .await?;
    let number = Name::parse(number, "number", NUMBER_MAX)?;
    Ok(app
        .store
        .create_unit(BuildingId(building.id), &number)
        .await?)
}

/// Lowest and highest floors taken (basements are negative).
const FLOORS: std::ops::RangeInclusive<i64> = -10..=300;
/// Floor area in hundredths of a square metre: up to 100,000 m².
const FLOOR_AREA: std::ops::RangeInclusive<i64> = 1..=10_000_000;

pub async fn create_room(
    app: &App,
    caller: &Caller,
    unit: i64,
    floor: i64,
    number: &str,
    floor_area_hundredths_m2: Option<i64>,
) -> AppResult<Room> {
    let unit = app.store.unit(UnitId(unit)).await?;
    let building = app.store.building(BuildingId(unit.building_id)).await?;
    community_for(
        app,
        caller,
        building.community_id,
        RegistryAction::ManageBuildings,
    )
    .await?;
    let number = Name::parse(number, "number", NUMBER_MAX)?;
    if !FLOORS.contains(&floor) {
        return Err(AppError::invalid("validation.out_of_range", "floor"));
    }
    if floor_area_hundredths_m2.is_some_and(|area| !FLOOR_AREA.contains(&area)) {
        return Err(AppError::invalid(
            "validation.out_of_range",
            "floor_area_hundredths_m2",
        ));
    }
    Ok(app
        .store
        .create_room(UnitId(unit.id), floor, &number, floor_area_hundredths_m2)
        .await?)
}

/// Records a room's floor area (专有部分面积, in hundredths of a square metre), or clears
/// it: the registry's administrators complete it before an owners' vote can open.
pub async fn set_room_floor_area(
    app: &App,
    caller: &Caller,
    room: i64,
    floor_area_hundredths_m2: Option<i64>,
) -> AppResult<Room> {
    let found = app.store.room(linli_domain::ids::RoomId(room)).await?;
    community_for(
        app,
        caller,
        found.community_id,
        RegistryAction::ManageBuildings,
    )
    .await?;
    if floor_area_hundredths_m2.is_some_and(|area| !FLOOR_AREA.contains(&area)) {
        return Err(AppError::invalid(
            "validation.out_of_range",
            "floor_area_hundredths_m2",
        ));
    }
    Ok(app
        .store
        .set_room_floor_area(
            linli_domain::ids::RoomId(found.id),
            floor_area_hundredths_m2,
        )
        .await?)
}

pub async fn organisations(
    app: &App,
    caller: &Caller,
    community: i64,
) -> AppResult<Vec<Organisation>> {
    let community = community_for(app, caller, community, RegistryAction::ViewRegistry).await?;
    Ok(app.store.organisations(CommunityId(community.id)).await?)
}

pub async fn create_organisation(
    app: &App,
    caller: &Caller,
    community: i64,
    kind: &str,
    name: &str,
) -> AppResult<Organisation> {
    let community =
        community_for(app, caller, community, RegistryAction::ManageOrganisations).await?;
    let kind = OrganisationKind::parse(kind)?;
    let name = Name::parse(name, "name", NAME_MAX)?;
    Ok(app
        .store
        .create_organisation(CommunityId(community.id), kind, &name)
        .await?)
}

/// Everything a community's administration page shows, for someone who administers it.
pub struct Administration {
    pub community: Community,
    pub buildings: Vec<Building>,
    pub organisations: Vec<Organisation>,
    /// People of the community with their grants, by name (at most 200).
    pub people: Vec<(
        linli_store::people::Person,
        Vec<linli_store::people::StoredGrant>,
    )>,
    /// Every category, offered or not.
    pub categories: Vec<linli_store::categories::Category>,
    pub holidays: Vec<linli_store::calendar::Holiday>,
    pub rules: Vec<crate::notifications::RuleInForce>,
    pub channels: Vec<linli_store::notifications::Channel>,
}

/// The administration of a community, with the calendar of `year`.
/// Sets the joint office's phone number (empty clears it): for the slip a visitor takes.
pub async fn set_office_phone(
    app: &App,
    caller: &Caller,
    community_id: i64,
    phone: &str,
) -> AppResult<Community> {
    let community = app.store.community(CommunityId(community_id)).await?;
    caller.require(RegistryAction::ManageOffice, community.place())?;
    let phone = phone.trim();
    let phone = if phone.is_empty() {
        None
    } else {
        Some(
            linli_domain::registry::Phone::parse(phone)
                .map_err(|error| error.in_field("office_phone"))?,
        )
    };
    Ok(app
        .store
        .set_office_phone(
            CommunityId(community_id),
            phone.as_ref().map(linli_domain::registry::Phone::as_str),
        )
        .await?)
}

pub async fn administration(
    app: &App,
    caller: &Caller,
    community: i64,
    year: i32,
) -> AppResult<Administration> {
    let community = community_for(app, caller, community, RegistryAction::ManageBuildings).await?;
    let id = CommunityId(community.id);
    let mut people = Vec::new();
    for person in app.store.people_of(id, None, 200).await? {
        let grants = app
            .store
            .grants_of(linli_domain::ids::PersonId(person.id))
            .await?;
        people.push((person, grants));
    }
    Ok(Administration {
        buildings: app.store.buildings(id).await?,
        organisations: app.store.organisations(id).await?,
        people,
        categories: app.store.categories(id).await?,
        holidays: app.store.holidays(Some(year)).await?,
        rules: crate::notifications::rules_in_force(app, id).await?,
        channels: app.store.channels(id).await?,
        community,
    })
}
