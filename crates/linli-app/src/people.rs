//! People, their roles and their rooms, as an administrator sets them up.

use crate::registry::community_for;
use crate::sessions::Me;
use crate::{App, AppError, AppResult, Caller};
use linli_domain::ids::{CommunityId, GrantId, OrganisationId, PersonId, RoomId, StreetId};
use linli_domain::permissions::{Place, RegistryAction};
use linli_domain::registry::{Login, Name, Password, Phone, RoomRelation};
use linli_domain::roles::{Grant, Role, Scope};
use linli_store::passwords::hash_password_async;
use linli_store::people::{NewPerson, Person, Registration, StoredGrant};

const DISPLAY_NAME_MAX: usize = 40;
const PEOPLE_PAGE_MAX: i64 = 200;

/// Most people read when a query is matched by pinyin initials: above any community's
/// people (城上城 has about 6,000).
const INITIALS_SCAN_MAX: i64 = 100_000;

/// People of a community matching a search as the store matches it (name, login, phone
/// tail, room), then, for a query of two to ten letters, those whose name has them as
/// pinyin initials (`bys`: 包爷叔); at most `limit`.
async fn people_matching(
    app: &App,
    community: CommunityId,
    words: Option<&str>,
    limit: i64,
) -> AppResult<Vec<Person>> {
    let mut found = app.store.people_of(community, words, limit).await?;
    let wanted = usize::try_from(limit).unwrap_or(0);
    let Some(initials) = words.and_then(linli_domain::initials::as_initials) else {
        return Ok(found);
    };
    if found.len() >= wanted {
        return Ok(found);
    }
    for person in app
        .store
        .people_of(community, None, INITIALS_SCAN_MAX)
        .await?
    {
        if found.len() >= wanted {
            break;
        }
        if linli_domain::initials::name_matches(&person.display_name, &initials)
            && !found.iter().any(|already| already.id == person.id)
        {
            found.push(person);
        }
    }
    Ok(found)
}

/// People of a community by name, login, phone tail or pinyin initials.
pub async fn find_people(
    app: &App,
    caller: &Caller,
    community: i64,
    words: Option<&str>,
    limit: Option<i64>,
) -> AppResult<Vec<Person>> {
    let community = community_for(app, caller, community, RegistryAction::ViewPeople).await?;
    let limit = limit.unwrap_or(50).clamp(1, PEOPLE_PAGE_MAX);
    people_matching(app, CommunityId(community.id), words, limit).await
}

/// A role in the community a person is registered in.
#[derive(Debug, Clone)]
pub struct RoleRequest {
    pub role: String,
    pub organisation_id: Option<i64>,
}

/// A new account as an administrator describes it.
#[derive(Debug, Clone, Default)]
pub struct PersonRequest {
    pub login: String,
    pub display_name: String,
    pub phone: Option<String>,
    pub password: String,
    pub roles: Vec<RoleRequest>,
    /// Rooms with the relation (`owner`, `tenant`, …).
    pub rooms: Vec<(i64, String)>,
}

/// Creates an account in a community with its roles there and its rooms, all or nothing.
pub async fn register_person(
    app: &App,
    caller: &Caller,
    community: i64,
    input: &PersonRequest,
) -> AppResult<Me> {
    let community = community_for(app, caller, community, RegistryAction::ManagePeople).await?;
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
    let password = Password::parse(&input.password, app.settings.demo_mode)?;
    let mut grants = Vec::with_capacity(input.roles.len());
    for role in &input.roles {
        let grant = Grant::new(
            Role::parse(&role.role)?,
            scope,
            role.organisation_id.map(OrganisationId),
        )?;
        caller.require(RegistryAction::GrantRole(grant.role), place)?;
        grants.push(grant);
    }
    let mut rooms = Vec::with_capacity(input.rooms.len());
    for (room, relation) in &input.rooms {
        rooms.push((RoomId(*room), RoomRelation::parse(relation)?));
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
        registered_by: Some(caller.person),
    };
    let person = app
        .store
        .register_person(registration, app.clock.now())
        .await?;
    crate::sessions::me(app, PersonId(person.id)).await
}

/// A person with roles and rooms: themselves, or someone of a community where the
/// caller may see people.
pub async fn person(app: &App, caller: &Caller, person: i64) -> AppResult<Me> {
    let person = PersonId(person);
    app.store.person(person).await?;
    if caller.person != person {
        let communities = app.store.communities_of(person).await?;
        // The system's administrator sees anyone, also an account that belongs to no
        // community (a new one, or one erased at its owner's request).
        let may_see = caller.is_global_admin()
            || communities
                .iter()
                .any(|community| caller.may(RegistryAction::ViewPeople, community.place()));
        if !may_see {
            return Err(AppError::forbidden());
        }
    }
    crate::sessions::me(app, person).await
}

async fn place_of(app: &App, scope: Scope) -> AppResult<Place> {
    Ok(match scope {
        Scope::Global => Place::Global,
        Scope::Street(street) => {
            app.store.street(street).await?;
            Place::Street(street)
        }
        Scope::Community(community) => app.store.community(community).await?.place(),
    })
}

/// Where a role is granted: one community, one street, or everywhere.
#[derive(Debug, Clone, Copy)]
pub struct GrantRequest<'a> {
    pub role: &'a str,
    pub community_id: Option<i64>,
    pub street_id: Option<i64>,
    pub global: bool,
    pub organisation_id: Option<i64>,
}

pub async fn grant_role(
    app: &App,
    caller: &Caller,
    person: i64,
    request: GrantRequest<'_>,
) -> AppResult<StoredGrant> {
    let scope = match (request.community_id, request.street_id, request.global) {
        (Some(community), None, false) => Scope::Community(CommunityId(community)),
        (None, Some(street), false) => Scope::Street(StreetId(street)),
        (None, None, true) => Scope::Global,
        _ => return Err(AppError::invalid("role.scope_missing", "scope")),
    };
    let grant = Grant::new(
        Role::parse(request.role)?,
        scope,
        request.organisation_id.map(OrganisationId),
    )?;
    let place = place_of(app, scope).await?;
    caller.require(RegistryAction::GrantRole(grant.role), place)?;
    Ok(app
        .store
        .add_grant(
            PersonId(person),
            grant,
            Some(caller.person),
            app.clock.now(),
        )
        .await?)
}

pub async fn revoke_role(app: &App, caller: &Caller, person: i64, grant: i64) -> AppResult<()> {
    let (holder, stored) = app.store.grant(GrantId(grant)).await?;
    if holder != PersonId(person) {
        return Err(AppError::NotFound("role.grant_not_found"));
    }
    let place = place_of(app, stored.grant.scope).await?;
    caller.require(RegistryAction::GrantRole(stored.grant.role), place)?;
    app.store
        .revoke_grant(GrantId(grant), Some(caller.person), app.clock.now())
        .await?;
    Ok(())
}

pub async fn link_room(
    app: &App,
    caller: &Caller,
    person: i64,
    room: i64,
    relation: &str,
) -> AppResult<Me> {
    let room = app.store.room(RoomId(room)).await?;
    community_for(app, caller, room.community_id, RegistryAction::ManagePeople).await?;
    let relation = RoomRelation::parse(relation)?;
    let person = PersonId(person);
    app.store
        .link_room(person, RoomId(room.id), relation)
        .await?;
    crate::sessions::me(app, person).await
}

/// 长辈版 on or off for a person: remembered on every device.
pub async fn set_large_text(app: &App, caller: &Caller, on: bool) -> AppResult<()> {
    app.store.set_large_text(caller.person, on).await?;
    Ok(())
}

/// A resident as the desk finds them: their account and their rooms in the community.
pub struct Resident {
    pub person: Person,
    pub rooms: Vec<linli_store::people::PersonRoom>,
}

/// Residents of a community by name, login, phone tail, room or pinyin initials, for the desk (those who
/// may see the community's people); staff without a room there are left out.
pub async fn find_residents(
    app: &App,
    caller: &Caller,
    community: i64,
    words: &str,
) -> AppResult<Vec<Resident>> {
    let community = community_for(app, caller, community, RegistryAction::ViewPeople).await?;
    let mut found = Vec::new();
    for person in people_matching(app, CommunityId(community.id), Some(words), 20).await? {
        if let Some(resident) = resident_in(app, person, community.id).await? {
            found.push(resident);
        }
    }
    Ok(found)
}

/// One resident of a community, for the desk to take a report for them.
pub async fn resident(
    app: &App,
    caller: &Caller,
    community: i64,
    person: i64,
) -> AppResult<Resident> {
    let community = community_for(app, caller, community, RegistryAction::ViewPeople).await?;
    let person = app.store.person(PersonId(person)).await?;
    resident_in(app, person, community.id)
        .await?
        .ok_or(AppError::NotFound("person.not_found"))
}

async fn resident_in(app: &App, person: Person, community: i64) -> AppResult<Option<Resident>> {
    let rooms: Vec<_> = app
        .store
        .rooms_of(PersonId(person.id))
        .await?
        .into_iter()
        .filter(|room| room.community_id == community)
        .collect();
    Ok((!rooms.is_empty()).then_some(Resident { person, rooms }))
}
