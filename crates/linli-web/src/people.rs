//! People, their roles and their rooms, as an administrator sets them up.

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::registry::community_for;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use linli_domain::ids::{CommunityId, GrantId, OrganisationId, PersonId, RoomId, StreetId};
use linli_domain::permissions::{Place, RegistryAction};
use linli_domain::registry::{Login, Name, Password, Phone, RoomRelation};
use linli_domain::roles::{Grant, Role, Scope};
use linli_store::passwords::hash_password_async;
use linli_store::people::{NewPerson, Person, PersonRoom, Registration, StoredGrant};
use serde::{Deserialize, Serialize};

const DISPLAY_NAME_MAX: usize = 40;
const PEOPLE_PAGE_MAX: i64 = 200;

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
    responses((status = 200, body = Vec<linli_store::people::Person>)),
    security(("bearer" = []))
)]
pub async fn list_people(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(community_id): ApiPath<i64>,
    ApiQuery(query): ApiQuery<PeopleQuery>,
) -> ApiResult<Json<Vec<Person>>> {
    let community = community_for(&state, &user, community_id, RegistryAction::ViewPeople).await?;
    let limit = query.limit.unwrap_or(50).clamp(1, PEOPLE_PAGE_MAX);
    Ok(Json(
        state
            .store
            .people_of(CommunityId(community.id), query.q.as_deref(), limit)
            .await?,
    ))
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
    person: Person,
    roles: Vec<StoredGrant>,
    rooms: Vec<PersonRoom>,
}

async fn person_detail(state: &AppState, person: PersonId) -> ApiResult<PersonDetail> {
    Ok(PersonDetail {
        person: state.store.person(person).await?,
        roles: state.store.grants_of(person).await?,
        rooms: state.store.rooms_of(person).await?,
    })
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
    let community =
        community_for(&state, &user, community_id, RegistryAction::ManagePeople).await?;
    let place = community.place();
    let scope = Scope::Community(CommunityId(community.id));
    let login = Login::parse(&input.login)?;
    let display_name = Name::parse(&input.display_name, "display_name", DISPLAY_NAME_MAX)?;
    let phone = input
        .phone
        .as_deref()
        .filter(|phone| !phone.trim().is_empty())
        .map(Phone::parse)
        .transpose()?;
    let password = Password::parse(&input.password, state.config.demo_mode)?;
    let mut grants = Vec::with_capacity(input.roles.len());
    for role in &input.roles {
        let grant = Grant::new(
            Role::parse(&role.role)?,
            scope,
            role.organisation_id.map(OrganisationId),
        )?;
        user.require(RegistryAction::GrantRole(grant.role), place)?;
        grants.push(grant);
    }
    let mut rooms = Vec::with_capacity(input.rooms.len());
    for link in &input.rooms {
        rooms.push((RoomId(link.room_id), RoomRelation::parse(&link.relation)?));
    }
    let password_hash = hash_password_async(password.expose().to_owned()).await?;
    let registration = Registration {
        person: NewPerson {
            login: &login,
            display_name: &display_name,
            phone: phone.as_ref(),
            password_hash: &password_hash,
        },
        community: Some(CommunityId(community.id)),
        grants,
        rooms,
        registered_by: Some(user.person),
    };
    let person = state
        .store
        .register_person(registration, state.clock.now())
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(person_detail(&state, PersonId(person.id)).await?),
    ))
}

/// Whether the caller may see this person's details: themselves, or a community of the
/// person where the caller may see people.
async fn may_view_person(
    state: &AppState,
    user: &CurrentUser,
    person: PersonId,
) -> ApiResult<bool> {
    if user.person == person {
        return Ok(true);
    }
    let communities = state.store.communities_of(person).await?;
    Ok(communities
        .iter()
        .any(|community| user.may(RegistryAction::ViewPeople, community.place())))
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
    let person = PersonId(person_id);
    state.store.person(person).await?;
    if !may_view_person(&state, &user, person).await? {
        return Err(ApiError::forbidden());
    }
    Ok(Json(person_detail(&state, person).await?))
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

async fn place_of(state: &AppState, scope: Scope) -> ApiResult<Place> {
    Ok(match scope {
        Scope::Global => Place::Global,
        Scope::Street(street) => {
            state.store.street(street).await?;
            Place::Street(street)
        }
        Scope::Community(community) => state.store.community(community).await?.place(),
    })
}

#[utoipa::path(
    post,
    path = "/api/v1/people/{person_id}/roles",
    tag = "people",
    summary = "Grant a role",
    request_body = NewGrant,
    params(("person_id" = i64, Path, description = "Person id")),
    responses((status = 201, body = linli_store::people::StoredGrant)),
    security(("bearer" = []))
)]
pub async fn grant_role(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(person_id): ApiPath<i64>,
    ApiJson(input): ApiJson<NewGrant>,
) -> ApiResult<(StatusCode, Json<StoredGrant>)> {
    let scope = match (input.community_id, input.street_id, input.global) {
        (Some(community), None, false) => Scope::Community(CommunityId(community)),
        (None, Some(street), false) => Scope::Street(StreetId(street)),
        (None, None, true) => Scope::Global,
        _ => {
            return Err(ApiError::from(linli_domain::ValidationError::new(
                "role.scope_missing",
                "scope",
            )));
        }
    };
    let grant = Grant::new(
        Role::parse(&input.role)?,
        scope,
        input.organisation_id.map(OrganisationId),
    )?;
    let place = place_of(&state, scope).await?;
    user.require(RegistryAction::GrantRole(grant.role), place)?;
    let stored = state
        .store
        .add_grant(
            PersonId(person_id),
            grant,
            Some(user.person),
            state.clock.now(),
        )
        .await?;
    Ok((StatusCode::CREATED, Json(stored)))
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
    let (holder, stored) = state.store.grant(GrantId(grant_id)).await?;
    if holder != PersonId(person_id) {
        return Err(ApiError::not_found("role.grant_not_found"));
    }
    let place = place_of(&state, stored.grant.scope).await?;
    user.require(RegistryAction::GrantRole(stored.grant.role), place)?;
    state.store.revoke_grant(GrantId(grant_id)).await?;
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
    let room = state.store.room(RoomId(input.room_id)).await?;
    community_for(
        &state,
        &user,
        room.community_id,
        RegistryAction::ManagePeople,
    )
    .await?;
    let relation = RoomRelation::parse(&input.relation)?;
    let person = PersonId(person_id);
    state
        .store
        .link_room(person, RoomId(room.id), relation)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(person_detail(&state, person).await?),
    ))
}
