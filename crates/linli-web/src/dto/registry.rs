//! Streets, communities, estates, buildings, units, rooms and organisations as the API
//! answers them.

use linli_store::registry as rows;
use serde::Serialize;

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = Street)]
pub struct StreetView {
    id: i64,
    name: String,
}

impl From<rows::Street> for StreetView {
    fn from(street: rows::Street) -> Self {
        Self {
            id: street.id,
            name: street.name,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = Community)]
pub struct CommunityView {
    id: i64,
    street_id: i64,
    name: String,
    /// The joint office's phone number, for visitors.
    office_phone: Option<String>,
}

impl From<rows::Community> for CommunityView {
    fn from(community: rows::Community) -> Self {
        Self {
            id: community.id,
            street_id: community.street_id,
            name: community.name,
            office_phone: community.office_phone,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = Estate)]
pub struct EstateView {
    id: i64,
    community_id: i64,
    name: String,
}

impl From<rows::Estate> for EstateView {
    fn from(estate: rows::Estate) -> Self {
        Self {
            id: estate.id,
            community_id: estate.community_id,
            name: estate.name,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = Building)]
pub struct BuildingView {
    id: i64,
    community_id: i64,
    estate_id: i64,
    number: String,
    name: String,
    unit_count: i64,
    room_count: i64,
}

impl From<rows::Building> for BuildingView {
    fn from(building: rows::Building) -> Self {
        Self {
            id: building.id,
            community_id: building.community_id,
            estate_id: building.estate_id,
            number: building.number,
            name: building.name,
            unit_count: building.unit_count,
            room_count: building.room_count,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = Unit)]
pub struct UnitView {
    id: i64,
    building_id: i64,
    number: String,
}

impl From<rows::Unit> for UnitView {
    fn from(unit: rows::Unit) -> Self {
        Self {
            id: unit.id,
            building_id: unit.building_id,
            number: unit.number,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = Room)]
pub struct RoomView {
    id: i64,
    community_id: i64,
    building_id: i64,
    building_name: String,
    unit_id: i64,
    unit_number: String,
    floor: i64,
    number: String,
    floor_area_hundredths_m2: Option<i64>,
}

impl From<rows::Room> for RoomView {
    fn from(room: rows::Room) -> Self {
        Self {
            id: room.id,
            community_id: room.community_id,
            building_id: room.building_id,
            building_name: room.building_name,
            unit_id: room.unit_id,
            unit_number: room.unit_number,
            floor: room.floor,
            number: room.number,
            floor_area_hundredths_m2: room.floor_area_hundredths_m2,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = Organisation)]
pub struct OrganisationView {
    id: i64,
    community_id: i64,
    kind: String,
    name: String,
}

impl From<rows::Organisation> for OrganisationView {
    fn from(organisation: rows::Organisation) -> Self {
        Self {
            id: organisation.id,
            community_id: organisation.community_id,
            kind: organisation.kind,
            name: organisation.name,
        }
    }
}

/// What a bulk layout created.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = LayoutSummary)]
pub struct LayoutSummaryView {
    buildings: u32,
    units: u32,
    rooms: u32,
}

impl From<rows::LayoutSummary> for LayoutSummaryView {
    fn from(summary: rows::LayoutSummary) -> Self {
        Self {
            buildings: summary.buildings,
            units: summary.units,
            rooms: summary.rooms,
        }
    }
}
