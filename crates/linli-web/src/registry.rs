//! The community registry: streets, communities, estates, buildings, units, rooms and
//! organisations.

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiPath};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use linli_domain::ids::{BuildingId, CommunityId, EstateId, StreetId, UnitId};
use linli_domain::permissions::{Place, RegistryAction, is_global_admin};
use linli_domain::registry::{BuildingLayout, Name, NumberRange, OrganisationKind};
use linli_domain::roles::Scope;
use linli_store::registry::{
    Building, Community, Estate, LayoutSummary, Organisation, Room, Street, Unit,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

const NAME_MAX: usize = 60;
const NUMBER_MAX: usize = 16;

/// The communities the caller may see: every one for a system administrator, else those
/// of their streets, their community roles and their rooms.
pub(crate) async fn visible_communities(
    state: &AppState,
    user: &CurrentUser,
) -> ApiResult<Vec<Community>> {
    let homes = state.store.room_communities_of(user.person).await?;
    visible_communities_with_homes(state, user, &homes).await
}

/// [`visible_communities`], when the communities of the caller's rooms (`homes`) are
/// already known.
pub(crate) async fn visible_communities_with_homes(
    state: &AppState,
    user: &CurrentUser,
    homes: &[i64],
) -> ApiResult<Vec<Community>> {
    let grants = user.grants();
    let everything = is_global_admin(&grants);
    // Communities are reference data this instance keeps a copy of: no read here.
    Ok(state
        .store
        .communities(None)
        .await?
        .into_iter()
        .filter(|community| {
            everything
                || homes.contains(&community.id)
                || grants.iter().any(|grant| match grant.scope {
                    Scope::Street(street) => street.0 == community.street_id,
                    Scope::Community(id) => id.0 == community.id,
                    _ => false,
                })
        })
        .collect())
}

#[utoipa::path(
    get,
    path = "/api/v1/streets",
    tag = "registry",
    summary = "Streets the caller belongs to or oversees",
    responses((status = 200, body = Vec<linli_store::registry::Street>)),
    security(("bearer" = []))
)]
pub async fn list_streets(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<Vec<Street>>> {
    let all = state.store.streets().await?;
    if is_global_admin(&user.grants()) {
        return Ok(Json(all));
    }
    let mut mine = BTreeSet::new();
    for grant in user.grants() {
        if let Scope::Street(street) = grant.scope {
            mine.insert(street.0);
        }
    }
    for community in visible_communities(&state, &user).await? {
        mine.insert(community.street_id);
    }
    Ok(Json(
        all.into_iter()
            .filter(|street| mine.contains(&street.id))
            .collect(),
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewStreet {
    name: String,
}

#[utoipa::path(
    post,
    path = "/api/v1/streets",
    tag = "registry",
    summary = "Create a street (system administrator)",
    request_body = NewStreet,
    responses((status = 201, body = linli_store::registry::Street)),
    security(("bearer" = []))
)]
pub async fn create_street(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<NewStreet>,
) -> ApiResult<(StatusCode, Json<Street>)> {
    user.require(RegistryAction::ManageStreets, Place::Global)?;
    let name = Name::parse(&input.name, "name", NAME_MAX)?;
    let street = state.store.create_street(&name, state.clock.now()).await?;
    Ok((StatusCode::CREATED, Json(street)))
}

#[utoipa::path(
    get,
    path = "/api/v1/communities",
    tag = "registry",
    summary = "Communities the caller may see",
    responses((status = 200, body = Vec<linli_store::registry::Community>)),
    security(("bearer" = []))
)]
pub async fn list_communities(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<Vec<Community>>> {
    Ok(Json(visible_communities(&state, &user).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCommunity {
    street_id: i64,
    name: String,
}

#[utoipa::path(
    post,
    path = "/api/v1/communities",
    tag = "registry",
    summary = "Create a community in a street",
    request_body = NewCommunity,
    responses((status = 201, body = linli_store::registry::Community)),
    security(("bearer" = []))
)]
pub async fn create_community(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<NewCommunity>,
) -> ApiResult<(StatusCode, Json<Community>)> {
    let street = StreetId(input.street_id);
    user.require(RegistryAction::ManageCommunities, Place::Street(street))?;
    let name = Name::parse(&input.name, "name", NAME_MAX)?;
    let community = state
        .store
        .create_community(street, &name, state.clock.now())
        .await?;
    Ok((StatusCode::CREATED, Json(community)))
}

/// Loads a community and checks the caller may do `action` there. A community the
/// caller may not see at all answers 403 like one they may not change.
pub(crate) async fn community_for(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    action: RegistryAction,
) -> ApiResult<Community> {
    let community = state.store.community(CommunityId(id)).await?;
    user.require(action, community.place())?;
    Ok(community)
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CommunityDetail {
    #[serde(flatten)]
    community: Community,
    street: Street,
    estates: Vec<Estate>,
    organisations: Vec<Organisation>,
    building_count: usize,
}

#[utoipa::path(
    get,
    path = "/api/v1/communities/{community_id}",
    tag = "registry",
    summary = "A community with its street, estates and organisations",
    params(("community_id" = i64, Path, description = "Community id")),
    responses((status = 200, body = CommunityDetail)),
    security(("bearer" = []))
)]
pub async fn get_community(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(community_id): ApiPath<i64>,
) -> ApiResult<Json<CommunityDetail>> {
    let community =
        community_for(&state, &user, community_id, RegistryAction::ViewRegistry).await?;
    let id = CommunityId(community.id);
    Ok(Json(CommunityDetail {
        street: state.store.street(StreetId(community.street_id)).await?,
        estates: state.store.estates(id).await?,
        organisations: state.store.organisations(id).await?,
        building_count: state.store.buildings(id).await?.len(),
        community,
    }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewEstate {
    name: String,
}

#[utoipa::path(
    post,
    path = "/api/v1/communities/{community_id}/estates",
    tag = "registry",
    summary = "Add an estate (小区)",
    request_body = NewEstate,
    params(("community_id" = i64, Path, description = "Community id")),
    responses((status = 201, body = linli_store::registry::Estate)),
    security(("bearer" = []))
)]
pub async fn create_estate(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(community_id): ApiPath<i64>,
    ApiJson(input): ApiJson<NewEstate>,
) -> ApiResult<(StatusCode, Json<Estate>)> {
    let community =
        community_for(&state, &user, community_id, RegistryAction::ManageBuildings).await?;
    let name = Name::parse(&input.name, "name", NAME_MAX)?;
    Ok((
        StatusCode::CREATED,
        Json(
            state
                .store
                .create_estate(CommunityId(community.id), &name)
                .await?,
        ),
    ))
}

#[utoipa::path(
    get,
    path = "/api/v1/communities/{community_id}/buildings",
    tag = "registry",
    summary = "Buildings with unit and room counts",
    params(("community_id" = i64, Path, description = "Community id")),
    responses((status = 200, body = Vec<linli_store::registry::Building>)),
    security(("bearer" = []))
)]
pub async fn list_buildings(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(community_id): ApiPath<i64>,
) -> ApiResult<Json<Vec<Building>>> {
    let community =
        community_for(&state, &user, community_id, RegistryAction::ViewRegistry).await?;
    Ok(Json(
        state.store.buildings(CommunityId(community.id)).await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewBuilding {
    estate_id: i64,
    number: String,
    name: Option<String>,
}

#[utoipa::path(
    post,
    path = "/api/v1/communities/{community_id}/buildings",
    tag = "registry",
    summary = "Add a building",
    request_body = NewBuilding,
    params(("community_id" = i64, Path, description = "Community id")),
    responses((status = 201, body = linli_store::registry::Building)),
    security(("bearer" = []))
)]
pub async fn create_building(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(community_id): ApiPath<i64>,
    ApiJson(input): ApiJson<NewBuilding>,
) -> ApiResult<(StatusCode, Json<Building>)> {
    let community =
        community_for(&state, &user, community_id, RegistryAction::ManageBuildings).await?;
    let number = Name::parse(&input.number, "number", NUMBER_MAX)?;
    let name = match &input.name {
        Some(name) => Name::parse(name, "name", NAME_MAX)?,
        None => Name::parse(&format!("{}号楼", number.as_str()), "name", NAME_MAX)?,
    };
    let building = state
        .store
        .create_building(
            CommunityId(community.id),
            EstateId(input.estate_id),
            &number,
            &name,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(building)))
}

#[derive(Debug, Clone, Copy, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RangeInput {
    pub(crate) from: u32,
    pub(crate) to: u32,
}

impl RangeInput {
    fn parse(self, field: &'static str, max: u32) -> ApiResult<NumberRange> {
        Ok(NumberRange::new(self.from, self.to, field, max)?)
    }
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkLayout {
    pub(crate) estate_id: i64,
    pub(crate) buildings: RangeInput,
    pub(crate) units: RangeInput,
    pub(crate) floors: RangeInput,
    pub(crate) rooms_per_floor: RangeInput,
}

#[utoipa::path(
    post,
    path = "/api/v1/communities/{community_id}/buildings/bulk",
    tag = "registry",
    summary = "Lay out buildings, units, floors and rooms at once",
    request_body = BulkLayout,
    params(("community_id" = i64, Path, description = "Community id")),
    responses((status = 201, body = linli_store::registry::LayoutSummary)),
    security(("bearer" = []))
)]
pub async fn create_buildings_in_bulk(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(community_id): ApiPath<i64>,
    ApiJson(input): ApiJson<BulkLayout>,
) -> ApiResult<(StatusCode, Json<LayoutSummary>)> {
    let community =
        community_for(&state, &user, community_id, RegistryAction::ManageBuildings).await?;
    let buildings = input.buildings.parse("buildings", 999)?;
    let layout = BuildingLayout::new(
        input.units.parse("units", 99)?,
        input.floors.parse("floors", 199)?,
        input.rooms_per_floor.parse("rooms_per_floor", 99)?,
    );
    let summary = state
        .store
        .create_buildings_in_bulk(
            CommunityId(community.id),
            EstateId(input.estate_id),
            buildings,
            layout,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(summary)))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BuildingDetail {
    #[serde(flatten)]
    building: Building,
    units: Vec<Unit>,
    rooms: Vec<Room>,
}

#[utoipa::path(
    get,
    path = "/api/v1/buildings/{building_id}",
    tag = "registry",
    summary = "A building with its units and rooms",
    params(("building_id" = i64, Path, description = "Building id")),
    responses((status = 200, body = BuildingDetail)),
    security(("bearer" = []))
)]
pub async fn get_building(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(building_id): ApiPath<i64>,
) -> ApiResult<Json<BuildingDetail>> {
    let building = state.store.building(BuildingId(building_id)).await?;
    community_for(
        &state,
        &user,
        building.community_id,
        RegistryAction::ViewRegistry,
    )
    .await?;
    let id = BuildingId(building.id);
    Ok(Json(BuildingDetail {
        units: state.store.units(id).await?,
        rooms: state.store.rooms_of_building(id).await?,
        building,
    }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUnit {
    number: String,
}

#[utoipa::path(
    post,
    path = "/api/v1/buildings/{building_id}/units",
    tag = "registry",
    summary = "Add a unit",
    request_body = NewUnit,
    params(("building_id" = i64, Path, description = "Building id")),
    responses((status = 201, body = linli_store::registry::Unit)),
    security(("bearer" = []))
)]
pub async fn create_unit(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(building_id): ApiPath<i64>,
    ApiJson(input): ApiJson<NewUnit>,
) -> ApiResult<(StatusCode, Json<Unit>)> {
    let building = state.store.building(BuildingId(building_id)).await?;
    community_for(
        &state,
        &user,
        building.community_id,
        RegistryAction::ManageBuildings,
    )
    .await?;
    let number = Name::parse(&input.number, "number", NUMBER_MAX)?;
    Ok((
        StatusCode::CREATED,
        Json(
            state
                .store
                .create_unit(BuildingId(building.id), &number)
                .await?,
        ),
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRoom {
    floor: i64,
    number: String,
    floor_area_hundredths_m2: Option<i64>,
}

#[utoipa::path(
    post,
    path = "/api/v1/units/{unit_id}/rooms",
    tag = "registry",
    summary = "Add a room",
    request_body = NewRoom,
    params(("unit_id" = i64, Path, description = "Unit id")),
    responses((status = 201, body = linli_store::registry::Room)),
    security(("bearer" = []))
)]
pub async fn create_room(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(unit_id): ApiPath<i64>,
    ApiJson(input): ApiJson<NewRoom>,
) -> ApiResult<(StatusCode, Json<Room>)> {
    let unit = state.store.unit(UnitId(unit_id)).await?;
    let building = state.store.building(BuildingId(unit.building_id)).await?;
    community_for(
        &state,
        &user,
        building.community_id,
        RegistryAction::ManageBuildings,
    )
    .await?;
    let number = Name::parse(&input.number, "number", NUMBER_MAX)?;
    if !(-10..=300).contains(&input.floor) {
        return Err(ApiError::from(linli_domain::ValidationError::new(
            "validation.out_of_range",
            "floor",
        )));
    }
    if input
        .floor_area_hundredths_m2
        .is_some_and(|area| !(1..=10_000_000).contains(&area))
    {
        return Err(ApiError::from(linli_domain::ValidationError::new(
            "validation.out_of_range",
            "floor_area_hundredths_m2",
        )));
    }
    let room = state
        .store
        .create_room(
            UnitId(unit.id),
            input.floor,
            &number,
            input.floor_area_hundredths_m2,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(room)))
}

#[utoipa::path(
    get,
    path = "/api/v1/communities/{community_id}/organisations",
    tag = "registry",
    summary = "Organisations of a community",
    params(("community_id" = i64, Path, description = "Community id")),
    responses((status = 200, body = Vec<linli_store::registry::Organisation>)),
    security(("bearer" = []))
)]
pub async fn list_organisations(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(community_id): ApiPath<i64>,
) -> ApiResult<Json<Vec<Organisation>>> {
    let community =
        community_for(&state, &user, community_id, RegistryAction::ViewRegistry).await?;
    Ok(Json(
        state.store.organisations(CommunityId(community.id)).await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOrganisation {
    pub(crate) kind: String,
    pub(crate) name: String,
}

#[utoipa::path(
    post,
    path = "/api/v1/communities/{community_id}/organisations",
    tag = "registry",
    summary = "Add an organisation",
    request_body = NewOrganisation,
    params(("community_id" = i64, Path, description = "Community id")),
    responses((status = 201, body = linli_store::registry::Organisation)),
    security(("bearer" = []))
)]
pub async fn create_organisation(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(community_id): ApiPath<i64>,
    ApiJson(input): ApiJson<NewOrganisation>,
) -> ApiResult<(StatusCode, Json<Organisation>)> {
    let community = community_for(
        &state,
        &user,
        community_id,
        RegistryAction::ManageOrganisations,
    )
    .await?;
    let kind = OrganisationKind::parse(&input.kind)?;
    let name = Name::parse(&input.name, "name", NAME_MAX)?;
    let organisation = state
        .store
        .create_organisation(CommunityId(community.id), kind, &name)
        .await?;
    Ok((StatusCode::CREATED, Json(organisation)))
}
