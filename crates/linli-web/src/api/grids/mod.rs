//! `/api/v1/grids`: the community's grids (网格) and "我的网格".

use crate::auth::CurrentUser;
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use linli_app::grids::{self as use_cases, BuildingEntry, GridRequest};
use linli_domain::grids::Contact;
use linli_store::grids::GridRow;
use serde::{Deserialize, Serialize};

/// Someone to reach; the phone only for those the rules let see it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = GridContact)]
pub struct ContactView {
    name: String,
    phone: Option<String>,
}

impl From<Contact> for ContactView {
    fn from(contact: Contact) -> Self {
        Self {
            name: contact.name,
            phone: contact.phone,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = GridBuilding)]
pub struct BuildingView {
    building_id: i64,
    building_name: String,
    /// 楼组长
    leader: Option<ContactView>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = Grid)]
pub struct GridView {
    id: i64,
    community_id: i64,
    name: String,
    /// 网格长
    leader: Option<ContactView>,
    buildings: Vec<BuildingView>,
    party_members: Vec<ContactView>,
}

impl From<GridRow> for GridView {
    fn from(row: GridRow) -> Self {
        Self {
            id: row.id,
            community_id: row.community_id,
            name: row.name,
            leader: row.leader.map(ContactView::from),
            buildings: row
                .buildings
                .into_iter()
                .map(|building| BuildingView {
                    building_id: building.building_id,
                    building_name: building.building_name,
                    leader: building.leader.map(ContactView::from),
                })
                .collect(),
            party_members: row
                .party_members
                .into_iter()
                .map(ContactView::from)
                .collect(),
        }
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    community_id: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/grids", tag = "grids", summary = "A community's grids (its staff and residents; phones for staff and the grid's own residents)",
    params(ListQuery), responses((status = 200, body = Vec<GridView>)), security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> ApiResult<Json<Vec<GridView>>> {
    let community =
        linli_app::registry::community_of_request(&state, &user, query.community_id).await?;
    let rows = use_cases::list(&state, &user, community.id).await?;
    Ok(Json(rows.into_iter().map(GridView::from).collect()))
}

#[utoipa::path(get, path = "/api/v1/grids/mine", tag = "grids", summary = "我的网格: the grids of the caller's own buildings, with their leaders",
    responses((status = 200, body = Vec<GridView>)), security(("bearer" = [])))]
pub async fn mine(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<Vec<GridView>>> {
    let rows = use_cases::mine(&state, &user).await?;
    Ok(Json(rows.into_iter().map(GridView::from).collect()))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = GridBuildingInput)]
pub struct BuildingInput {
    building_id: i64,
    leader_name: Option<String>,
    leader_phone: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = GridMemberInput)]
pub struct MemberInput {
    name: String,
    phone: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GridInput {
    /// On creation only; the caller's community when absent.
    community_id: Option<i64>,
    name: String,
    leader_name: Option<String>,
    leader_phone: Option<String>,
    /// Each building once; a building is in one grid at most.
    buildings: Vec<BuildingInput>,
    #[serde(default)]
    party_members: Vec<MemberInput>,
}

impl From<&GridInput> for GridRequest {
    fn from(input: &GridInput) -> Self {
        let text = |value: &Option<String>| value.clone().unwrap_or_default();
        Self {
            name: input.name.clone(),
            leader_name: text(&input.leader_name),
            leader_phone: text(&input.leader_phone),
            buildings: input
                .buildings
                .iter()
                .map(|building| BuildingEntry {
                    building_id: building.building_id,
                    leader_name: text(&building.leader_name),
                    leader_phone: text(&building.leader_phone),
                })
                .collect(),
            party_members: input
                .party_members
                .iter()
                .map(|member| (member.name.clone(), text(&member.phone)))
                .collect(),
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct GridCreated {
    id: i64,
}

#[utoipa::path(post, path = "/api/v1/grids", tag = "grids", summary = "Draw a grid (the supervisor or admin)",
    request_body = GridInput, responses((status = 201, body = GridCreated)), security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<GridInput>,
) -> ApiResult<(StatusCode, Json<GridCreated>)> {
    let community =
        linli_app::registry::community_of_request(&state, &user, input.community_id).await?;
    let id = use_cases::save(&state, &user, community.id, None, &(&input).into()).await?;
    Ok((StatusCode::CREATED, Json(GridCreated { id })))
}

#[utoipa::path(put, path = "/api/v1/grids/{id}", tag = "grids", summary = "Redraw a grid whole (the supervisor or admin)",
    params(("id" = i64, Path)), request_body = GridInput, responses((status = 204, description = "Saved")), security(("bearer" = [])))]
pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<GridInput>,
) -> ApiResult<StatusCode> {
    let grid = state
        .store
        .grid(id)
        .await
        .map_err(linli_app::AppError::from)?;
    use_cases::save(&state, &user, grid.community_id, Some(id), &(&input).into()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(delete, path = "/api/v1/grids/{id}", tag = "grids", summary = "Remove a grid (the supervisor or admin)",
    params(("id" = i64, Path)), responses((status = 204, description = "Removed")), security(("bearer" = [])))]
pub async fn remove(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<StatusCode> {
    use_cases::remove(&state, &user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
