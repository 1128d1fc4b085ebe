//! The community registry: streets, communities, estates, buildings, units, rooms and
//! organisations.

use crate::auth::CurrentUser;
use crate::dto::from_rows;
use crate::dto::registry::{
    BuildingView, CommunityView, EstateView, LayoutSummaryView, OrganisationView, RoomView,
    StreetView, UnitView,
};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use linli_app::registry;
use linli_store::registry::Community;
use serde::{Deserialize, Serialize};

/// The communities the caller may see (`linli_app::registry`).
pub(crate) async fn visible_communities(
    state: &AppState,
    user: &CurrentUser,
) -> ApiResult<Vec<Community>> {
    Ok(linli_app::registry::visible_communities(state, user).await?)
}

#[utoipa::path(
    get,
    path = "/api/v1/streets",
    tag = "registry",
    summary = "Streets the caller belongs to or oversees",
    responses((status = 200, body = Vec<StreetView>)),
    security(("bearer" = []))
)]
pub async fn list_streets(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<Vec<StreetView>>> {
    Ok(Json(from_rows(
        registry::visible_streets(&state, &user).await?,
    )))
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
    responses((status = 201, body = StreetView)),
    security(("bearer" = []))
)]
pub async fn create_street(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<NewStreet>,
) -> ApiResult<(StatusCode, Json<StreetView>)> {
    let street = registry::create_street(&state, &user, &input.name).await?;
    Ok((StatusCode::CREATED, Json(street.into())))
}

#[utoipa::path(
    get,
    path = "/api/v1/communities",
    tag = "registry",
    summary = "Communities the caller may see",
    responses((status = 200, body = Vec<CommunityView>)),
    security(("bearer" = []))
)]
pub async fn list_communities(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<Vec<CommunityView>>> {
    Ok(Json(from_rows(visible_communities(&state, &user).await?)))
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
    responses((status = 201, body = CommunityView)),
    security(("bearer" = []))
)]
pub async fn create_community(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<NewCommunity>,
) -> ApiResult<(StatusCode, Json<CommunityView>)> {
    let community = registry::create_community(&state, &user, input.street_id, &input.name).await?;
    Ok((StatusCode::CREATED, Json(community.into())))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CommunityDetail {
    #[serde(flatten)]
    community: CommunityView,
    street: StreetView,
    estates: Vec<EstateView>,
    organisations: Vec<OrganisationView>,
    building_count: usize,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OfficeSettings {
    /// The joint office's phone number, printed on the desk's slip; empty clears it.
    office_phone: String,
}

/// `PATCH /api/v1/communities/{id}`: the joint office's settings (community admin or
/// supervisor).
#[utoipa::path(
    patch,
    path = "/api/v1/communities/{community_id}",
    tag = "registry",
    summary = "Set the joint office's phone number",
    params(("community_id" = i64, Path, description = "Community id")),
    request_body = OfficeSettings,
    responses((status = 200, body = CommunityView), (status = 422, body = ErrorBody)),
    security(("bearer" = []))
)]
pub async fn update_community(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(community_id): ApiPath<i64>,
    ApiJson(input): ApiJson<OfficeSettings>,
) -> ApiResult<Json<CommunityView>> {
    let community =
        registry::set_office_phone(&state, &user, community_id, &input.office_phone).await?;
    Ok(Json(community.into()))
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
    let detail = registry::community_detail(&state, &user, community_id).await?;
    Ok(Json(CommunityDetail {
        community: detail.community.into(),
        street: detail.street.into(),
        estates: from_rows(detail.estates),
        organisations: from_rows(detail.organisations),
        building_count: detail.building_count,
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
    responses((status = 201, body = EstateView)),
    security(("bearer" = []))
)]
pub async fn create_estate(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(community_id): ApiPath<i64>,
    ApiJson(input): ApiJson<NewEstate>,
) -> ApiResult<(StatusCode, Json<EstateView>)> {
    let estate = registry::create_estate(&state, &user, community_id, &input.name).await?;
    Ok((StatusCode::CREATED, Json(estate.into())))
}

#[utoipa::path(
    get,
    path = "/api/v1/communities/{community_id}/buildings",
    tag = "registry",
    summary = "Buildings with unit and room counts",
    params(("community_id" = i64, Path, description = "Community id")),
    responses((status = 200, body = Vec<BuildingView>)),
    security(("bearer" = []))
)]
pub async fn list_buildings(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(community_id): ApiPath<i64>,
) -> ApiResult<Json<Vec<BuildingView>>> {
    Ok(Json(from_rows(
        registry::buildings(&state, &user, community_id).await?,
    )))
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
    responses((status = 201, body = BuildingView)),
    security(("bearer" = []))
)]
pub async fn create_building(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(community_id): ApiPath<i64>,
    ApiJson(input): ApiJson<NewBuilding>,
) -> ApiResult<(StatusCode, Json<BuildingView>)> {
    let building = registry::create_building(
        &state,
        &user,
        community_id,
        input.estate_id,
        &input.number,
        input.name.as_deref(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(building.into())))
}

#[derive(Debug, Clone, Copy, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RangeInput {
    pub(crate) from: u32,
    pub(crate) to: u32,
}

impl From<RangeInput> for registry::Range {
    fn from(range: RangeInput) -> Self {
        Self {
            from: range.from,
            to: range.to,
        }
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

impl From<BulkLayout> for registry::Layout {
    fn from(layout: BulkLayout) -> Self {
        Self {
            estate_id: Some(layout.estate_id),
            buildings: layout.buildings.into(),
            units: layout.units.into(),
            floors: layout.floors.into(),
            rooms_per_floor: layout.rooms_per_floor.into(),
        }
    }
}

#[utoipa::path(
    post,
    path = "/api/v1/communities/{community_id}/buildings/bulk",
    tag = "registry",
    summary = "Lay out buildings, units, floors and rooms at once",
    request_body = BulkLayout,
    params(("community_id" = i64, Path, description = "Community id")),
    responses((status = 201, body = LayoutSummaryView)),
    security(("bearer" = []))
)]
pub async fn create_buildings_in_bulk(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(community_id): ApiPath<i64>,
    ApiJson(input): ApiJson<BulkLayout>,
) -> ApiResult<(StatusCode, Json<LayoutSummaryView>)> {
    let summary =
        registry::create_buildings_in_bulk(&state, &user, community_id, input.into()).await?;
    Ok((StatusCode::CREATED, Json(summary.into())))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BuildingDetail {
    #[serde(flatten)]
    building: BuildingView,
    units: Vec<UnitView>,
    rooms: Vec<RoomView>,
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
    let detail = registry::building_detail(&state, &user, building_id).await?;
    Ok(Json(BuildingDetail {
        building: detail.building.into(),
        units: from_rows(detail.units),
        rooms: from_rows(detail.rooms),
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
    responses((status = 201, body = UnitView)),
    security(("bearer" = []))
)]
pub async fn create_unit(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(building_id): ApiPath<i64>,
    ApiJson(input): ApiJson<NewUnit>,
) -> ApiResult<(StatusCode, Json<UnitView>)> {
    let unit = registry::create_unit(&state, &user, building_id, &input.number).await?;
    Ok((StatusCode::CREATED, Json(unit.into())))
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
    responses((status = 201, body = RoomView)),
    security(("bearer" = []))
)]
pub async fn create_room(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(unit_id): ApiPath<i64>,
    ApiJson(input): ApiJson<NewRoom>,
) -> ApiResult<(StatusCode, Json<RoomView>)> {
    let room = registry::create_room(
        &state,
        &user,
        unit_id,
        input.floor,
        &input.number,
        input.floor_area_hundredths_m2,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(room.into())))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoomArea {
    /// Floor area (专有部分面积) in hundredths of a square metre (8951 = 89.51 m²); null
    /// clears it.
    floor_area_hundredths_m2: Option<i64>,
}

#[utoipa::path(
    put,
    path = "/api/v1/rooms/{room_id}/floor-area",
    tag = "registry",
    summary = "Record a room's floor area (owners' votes count by it)",
    request_body = RoomArea,
    params(("room_id" = i64, Path, description = "Room id")),
    responses((status = 200, body = RoomView)),
    security(("bearer" = []))
)]
pub async fn set_room_floor_area(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(room_id): ApiPath<i64>,
    ApiJson(input): ApiJson<RoomArea>,
) -> ApiResult<Json<RoomView>> {
    let room =
        registry::set_room_floor_area(&state, &user, room_id, input.floor_area_hundredths_m2)
            .await?;
    Ok(Json(room.into()))
}

#[utoipa::path(
    get,
    path = "/api/v1/communities/{community_id}/organisations",
    tag = "registry",
    summary = "Organisations of a community",
    params(("community_id" = i64, Path, description = "Community id")),
    responses((status = 200, body = Vec<OrganisationView>)),
    security(("bearer" = []))
)]
pub async fn list_organisations(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(community_id): ApiPath<i64>,
) -> ApiResult<Json<Vec<OrganisationView>>> {
    Ok(Json(from_rows(
        registry::organisations(&state, &user, community_id).await?,
    )))
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
    responses((status = 201, body = OrganisationView)),
    security(("bearer" = []))
)]
pub async fn create_organisation(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(community_id): ApiPath<i64>,
    ApiJson(input): ApiJson<NewOrganisation>,
) -> ApiResult<(StatusCode, Json<OrganisationView>)> {
    let organisation =
        registry::create_organisation(&state, &user, community_id, &input.kind, &input.name)
            .await?;
    Ok((StatusCode::CREATED, Json(organisation.into())))
}
