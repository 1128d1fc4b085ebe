//! People, their roles and their rooms, as an administrator sets them up.

use crate::auth::CurrentUser;
use crate::dto::from_rows;
use crate::dto::people::{GrantView, PersonRoomView, PersonView};
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use linli_app::people::{self, GrantRequest, PersonRequest, RoleRequest};
use linli_app::sessions::Me;
use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PeopleQuery {
    q: Option<String>,
    limit: Option<i64>,
}

#[utoipa::path(
    get,
    path = "/api/v1/communities/{community_id}/people",
    tag = "people",
    summary = "Find people of a community by name, login or phone tail",
    params(("community_id" = i64, Path, description = "Community id"), PeopleQuery),
    responses((status = 200, body = Vec<PersonView>)),
    security(("bearer" = []))
)]
pub async fn list_people(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(community_id): ApiPath<i64>,
    ApiQuery(query): ApiQuery<PeopleQuery>,
) -> ApiResult<Json<Vec<PersonView>>> {
    Ok(Json(from_rows(
        people::find_people(&state, &user, community_id, query.q.as_deref(), query.limit).await?,
    )))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleInCommunity {
    pub(crate) role: String,
    pub(crate) organisation_id: Option<i64>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoomLink {
    pub(crate) room_id: i64,
    pub(crate) relation: String,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPersonInput {
    pub(crate) login: String,
    pub(crate) display_name: String,
    pub(crate) phone: Option<String>,
    pub(crate) password: String,
    #[serde(default)]
    pub(crate) roles: Vec<RoleInCommunity>,
    #[serde(default)]
    pub(crate) rooms: Vec<RoomLink>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PersonDetail {
    #[serde(flatten)]
    person: PersonView,
    roles: Vec<GrantView>,
    rooms: Vec<PersonRoomView>,
}

impl From<Me> for PersonDetail {
    fn from(me: Me) -> Self {
        Self {
            person: me.person.into(),
            roles: from_rows(me.roles),
            rooms: from_rows(me.rooms),
        }
    }
}

impl From<NewPersonInput> for PersonRequest {
    fn from(input: NewPersonInput) -> Self {
        Self {
            login: input.login,
            display_name: input.display_name,
            phone: input.phone,
            password: input.password,
            roles: input
                .roles
                .into_iter()
                .map(|role| RoleRequest {
                    role: role.role,
                    organisation_id: role.organisation_id,
                })
                .collect(),
            rooms: input
                .rooms
                .into_iter()
                .map(|link| (link.room_id, link.relation))
                .collect(),
        }
    }
}

/// Creates an account in a community with its roles there and its rooms, all or nothing.
#[utoipa::path(
    post,
    path = "/api/v1/communities/{community_id}/people",
    tag = "people",
    summary = "Create an account with its roles and rooms",
    request_body = NewPersonInput,
    params(("community_id" = i64, Path, description = "Community id")),
    responses((status = 201, body = PersonDetail)),
    security(("bearer" = []))
)]
pub async fn register_person(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(community_id): ApiPath<i64>,
    ApiJson(input): ApiJson<NewPersonInput>,
) -> ApiResult<(StatusCode, Json<PersonDetail>)> {
    let person = people::register_person(&state, &user, community_id, &input.into()).await?;
    Ok((StatusCode::CREATED, Json(person.into())))
}

#[utoipa::path(
    get,
    path = "/api/v1/people/{person_id}",
    tag = "people",
    summary = "A person with roles and rooms",
    params(("person_id" = i64, Path, description = "Person id")),
    responses((status = 200, body = PersonDetail)),
    security(("bearer" = []))
)]
pub async fn get_person(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(person_id): ApiPath<i64>,
) -> ApiResult<Json<PersonDetail>> {
    Ok(Json(people::person(&state, &user, person_id).await?.into()))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewGrant {
    role: String,
    community_id: Option<i64>,
    street_id: Option<i64>,
    #[serde(default)]
    global: bool,
    organisation_id: Option<i64>,
}

#[utoipa::path(
    post,
    path = "/api/v1/people/{person_id}/roles",
    tag = "people",
    summary = "Grant a role",
    request_body = NewGrant,
    params(("person_id" = i64, Path, description = "Person id")),
    responses((status = 201, body = GrantView)),
    security(("bearer" = []))
)]
pub async fn grant_role(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(person_id): ApiPath<i64>,
    ApiJson(input): ApiJson<NewGrant>,
) -> ApiResult<(StatusCode, Json<GrantView>)> {
    let stored = people::grant_role(
        &state,
        &user,
        person_id,
        GrantRequest {
            role: &input.role,
            community_id: input.community_id,
            street_id: input.street_id,
            global: input.global,
            organisation_id: input.organisation_id,
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(stored.into())))
}

#[utoipa::path(
    delete,
    path = "/api/v1/people/{person_id}/roles/{grant_id}",
    tag = "people",
    summary = "Take a role away",
    params(("person_id" = i64, Path, description = "Person id"), ("grant_id" = i64, Path, description = "Grant id")),
    responses((status = 204)),
    security(("bearer" = []))
)]
pub async fn revoke_role(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((person_id, grant_id)): ApiPath<(i64, i64)>,
) -> ApiResult<StatusCode> {
    people::revoke_role(&state, &user, person_id, grant_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    post,
    path = "/api/v1/people/{person_id}/rooms",
    tag = "people",
    summary = "Register a person in a room",
    request_body = RoomLink,
    params(("person_id" = i64, Path, description = "Person id")),
    responses((status = 201, body = PersonDetail)),
    security(("bearer" = []))
)]
pub async fn link_room(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(person_id): ApiPath<i64>,
    ApiJson(input): ApiJson<RoomLink>,
) -> ApiResult<(StatusCode, Json<PersonDetail>)> {
    let person =
        people::link_room(&state, &user, person_id, input.room_id, &input.relation).await?;
    Ok((StatusCode::CREATED, Json(person.into())))
}
