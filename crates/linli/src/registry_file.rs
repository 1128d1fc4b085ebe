//! `linli community import FILE`: a whole community's registry in one TOML file — its
//! street, communities, estates laid out in bulk, organisations and people. The demo
//! data is such a file, embedded in the binary. Importing is idempotent: what exists
//! (matched by name or login) is kept as it is, so a file can be imported again after
//! it grew, and `linli demo` can run twice.

use chrono::{DateTime, Utc};
use linli_domain::ValidationError;
use linli_domain::ids::{CommunityId, EstateId, OrganisationId, RoomId};
use linli_domain::registry::{
    BuildingLayout, DEMO_PASSWORD, Login, Name, NumberRange, OrganisationKind, Password, Phone,
    RoomRelation,
};
use linli_domain::roles::{Grant, Role, Scope};
use linli_store::people::{NewPerson, Registration};
use linli_store::registry::Community;
use linli_store::{Store, StoreError};
use serde::Deserialize;
use std::collections::HashMap;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegistryFile {
    pub street: StreetEntry,
    #[serde(default)]
    pub communities: Vec<CommunityEntry>,
    /// People who work for the whole street (street overseers, street administrators).
    #[serde(default)]
    pub people: Vec<PersonEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StreetEntry {
    pub name: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommunityEntry {
    pub name: String,
    #[serde(default)]
    pub estates: Vec<EstateEntry>,
    #[serde(default)]
    pub organisations: Vec<OrganisationEntry>,
    #[serde(default)]
    pub people: Vec<PersonEntry>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RangeEntry {
    pub from: u32,
    pub to: u32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EstateEntry {
    pub name: String,
    /// Buildings laid out alike: numbers `buildings.from..=buildings.to`, each with these
    /// units, floors and rooms per floor. Omit all four for an estate set up by hand.
    pub buildings: Option<RangeEntry>,
    pub units: Option<RangeEntry>,
    pub floors: Option<RangeEntry>,
    pub rooms_per_floor: Option<RangeEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrganisationEntry {
    pub kind: String,
    pub name: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersonEntry {
    pub login: String,
    pub display_name: String,
    pub phone: Option<String>,
    /// Leave out to have a random first password generated and printed.
    pub password: Option<String>,
    #[serde(default)]
    pub roles: Vec<RoleEntry>,
    #[serde(default)]
    pub rooms: Vec<RoomEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleEntry {
    pub role: String,
    /// For handlers: the organisation's name in this community.
    pub organisation: Option<String>,
    /// `global` for a system administrator; otherwise the place the person is listed in.
    pub scope: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoomEntry {
    pub building: String,
    pub unit: String,
    pub room: String,
    pub relation: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("the registry file is not valid TOML for Linli: {0}")]
    Parse(#[from] Box<toml::de::Error>),
    #[error("{place}: {error}")]
    Invalid {
        place: String,
        error: ValidationError,
    },
    #[error("{place}: {message}")]
    Unresolved { place: String, message: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What an import did.
#[derive(Debug, Default)]
pub struct ImportReport {
    pub communities_created: usize,
    pub buildings_created: u32,
    pub rooms_created: u32,
    pub organisations_created: usize,
    pub people_created: usize,
    pub people_kept: usize,
    /// First passwords generated for people listed without one: hand them over, then
    /// they change them.
    pub generated_passwords: Vec<(String, String)>,
    demo_password_hash: Option<String>,
}

pub fn parse(text: &str) -> Result<RegistryFile, ImportError> {
    toml::from_str(text).map_err(|error| ImportError::Parse(Box::new(error)))
}

fn invalid(place: &str) -> impl Fn(ValidationError) -> ImportError + '_ {
    move |error| ImportError::Invalid {
        place: place.to_owned(),
        error,
    }
}

fn range(
    entry: RangeEntry,
    field: &'static str,
    max: u32,
    place: &str,
) -> Result<NumberRange, ImportError> {
    NumberRange::new(entry.from, entry.to, field, max).map_err(invalid(place))
}

pub async fn import(
    store: &Store,
    file: &RegistryFile,
    demo_mode: bool,
    now: DateTime<Utc>,
) -> Result<ImportReport, ImportError> {
    let mut report = ImportReport::default();
    let street_name =
        Name::parse(&file.street.name, "street.name", 60).map_err(invalid("street"))?;
    let street = match store.street_by_name(street_name.as_str()).await? {
        Some(street) => street,
        None => store.create_street(&street_name, now).await?,
    };
    let street_id = linli_domain::ids::StreetId(street.id);
    for entry in &file.communities {
        let place = format!("community {}", entry.name);
        let name = Name::parse(&entry.name, "name", 60).map_err(invalid(&place))?;
        let community = match store.community_by_name(street_id, name.as_str()).await? {
            Some(community) => community,
            None => {
                report.communities_created += 1;
                store.create_community(street_id, &name, now).await?
            }
        };
        import_community(store, &community, entry, demo_mode, now, &mut report).await?;
    }
    for person in &file.people {
        import_person(
            store,
            person,
            Scope::Street(street_id),
            None,
            demo_mode,
            now,
            &mut report,
        )
        .await?;
    }
    Ok(report)
}

async fn import_community(
    store: &Store,
    community: &Community,
    entry: &CommunityEntry,
    demo_mode: bool,
    now: DateTime<Utc>,
    report: &mut ImportReport,
) -> Result<(), ImportError> {
    let community_id = CommunityId(community.id);
    let existing_estates = store.estates(community_id).await?;
    for estate_entry in &entry.estates {
        let place = format!("estate {}", estate_entry.name);
        let name = Name::parse(&estate_entry.name, "name", 60).map_err(invalid(&place))?;
        let estate = match existing_estates
            .iter()
            .find(|estate| estate.name == name.as_str())
        {
            Some(estate) => estate.clone(),
            None => store.create_estate(community_id, &name).await?,
        };
        let layout = (
            estate_entry.buildings,
            estate_entry.units,
            estate_entry.floors,
            estate_entry.rooms_per_floor,
        );
        let (Some(buildings), Some(units), Some(floors), Some(rooms)) = layout else {
            if layout != (None, None, None, None) {
                return Err(ImportError::Unresolved {
                    place,
                    message: "give all of buildings, units, floors and rooms_per_floor, or none"
                        .to_owned(),
                });
            }
            continue;
        };
        let estate_has_buildings = store
            .buildings(community_id)
            .await?
            .iter()
            .any(|building| building.estate_id == estate.id);
        if !estate_has_buildings {
            let layout = BuildingLayout::new(
                range(units, "units", 99, &place)?,
                range(floors, "floors", 199, &place)?,
                range(rooms, "rooms_per_floor", 99, &place)?,
            );
            let summary = store
                .create_buildings_in_bulk(
                    community_id,
                    EstateId(estate.id),
                    range(buildings, "buildings", 999, &place)?,
                    layout,
                )
                .await?;
            report.buildings_created += summary.buildings;
            report.rooms_created += summary.rooms;
        }
    }
    let mut organisations: HashMap<String, OrganisationId> = store
        .organisations(community_id)
        .await?
        .into_iter()
        .map(|organisation| (organisation.name, OrganisationId(organisation.id)))
        .collect();
    for organisation in &entry.organisations {
        let place = format!("organisation {}", organisation.name);
        let kind = OrganisationKind::parse(&organisation.kind).map_err(invalid(&place))?;
        let name = Name::parse(&organisation.name, "name", 60).map_err(invalid(&place))?;
        if !organisations.contains_key(name.as_str()) {
            let created = store.create_organisation(community_id, kind, &name).await?;
            report.organisations_created += 1;
            organisations.insert(created.name, OrganisationId(created.id));
        }
    }
    for person in &entry.people {
        import_person(
            store,
            person,
            Scope::Community(community_id),
            Some((community_id, &organisations)),
            demo_mode,
            now,
            report,
        )
        .await?;
    }
    Ok(())
}

async fn import_person(
    store: &Store,
    entry: &PersonEntry,
    home: Scope,
    community: Option<(CommunityId, &HashMap<String, OrganisationId>)>,
    demo_mode: bool,
    now: DateTime<Utc>,
    report: &mut ImportReport,
) -> Result<(), ImportError> {
    let place = format!("person {}", entry.login);
    let login = Login::parse(&entry.login).map_err(invalid(&place))?;
    if store.person_by_login(&login).await?.is_some() {
        report.people_kept += 1;
        return Ok(());
    }
    let display_name =
        Name::parse(&entry.display_name, "display_name", 40).map_err(invalid(&place))?;
    let phone = entry
        .phone
        .as_deref()
        .map(Phone::parse)
        .transpose()
        .map_err(invalid(&place))?;
    let mut grants = Vec::new();
    for role_entry in &entry.roles {
        let role = Role::parse(&role_entry.role).map_err(invalid(&place))?;
        let scope = match role_entry.scope.as_deref() {
            None => home,
            Some("global") => Scope::Global,
            Some(other) => {
                return Err(ImportError::Unresolved {
                    place,
                    message: format!("unknown scope {other:?}; use \"global\" or leave it out"),
                });
            }
        };
        let organisation = match (&role_entry.organisation, community) {
            (None, _) => None,
            (Some(name), Some((_, organisations))) => Some(*organisations.get(name).ok_or_else(
                || ImportError::Unresolved {
                    place: place.clone(),
                    message: format!("no organisation named {name:?} in this community"),
                },
            )?),
            (Some(_), None) => {
                return Err(ImportError::Unresolved {
                    place,
                    message: "street-level people belong to no organisation".to_owned(),
                });
            }
        };
        grants.push(Grant::new(role, scope, organisation).map_err(invalid(&place))?);
    }
    let mut rooms = Vec::new();
    for room in &entry.rooms {
        let Some((community_id, _)) = community else {
            return Err(ImportError::Unresolved {
                place,
                message: "rooms are listed under a community".to_owned(),
            });
        };
        let relation = RoomRelation::parse(&room.relation).map_err(invalid(&place))?;
        let found = store
            .room_by_address(community_id, &room.building, &room.unit, &room.room)
            .await
            .map_err(|_| ImportError::Unresolved {
                place: place.clone(),
                message: format!(
                    "no room {}-{}-{} in this community",
                    room.building, room.unit, room.room
                ),
            })?;
        rooms.push((RoomId(found.id), relation));
    }
    let password = match &entry.password {
        Some(password) => password.clone(),
        None => {
            let generated = linli_store::passwords::new_initial_password()?;
            report
                .generated_passwords
                .push((login.to_string(), generated.clone()));
            generated
        }
    };
    let password = Password::parse(&password, demo_mode).map_err(invalid(&place))?;
    // Every demo account has the same published password: hash it once, not per account.
    let password_hash = match &report.demo_password_hash {
        Some(hash) if password.expose() == DEMO_PASSWORD => hash.clone(),
        _ => {
            let hash =
                linli_store::passwords::hash_password_async(password.expose().to_owned()).await?;
            if password.expose() == DEMO_PASSWORD {
                report.demo_password_hash = Some(hash.clone());
            }
            hash
        }
    };
    let registration = Registration {
        person: NewPerson {
            login: &login,
            display_name: &display_name,
            phone: phone.as_ref(),
            password_hash: &password_hash,
        },
        community: None,
        grants,
        rooms,
        registered_by: None,
    };
    store.register_person(registration, now).await?;
    report.people_created += 1;
    Ok(())
}

/// The demo: 城上城 in 芷江西路街道, with the people of the seed article.
pub const DEMO_REGISTRY: &str = include_str!("../demo/chengshangcheng.toml");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_and_the_example_files_parse() -> Result<(), ImportError> {
        let demo = parse(DEMO_REGISTRY)?;
        assert_eq!(demo.street.name, "芷江西路街道");
        assert!(
            demo.communities
                .iter()
                .any(|community| community.name == "城上城居民区")
        );
        let example = parse(include_str!("../../../docs/registry.example.toml"))?;
        assert!(!example.communities.is_empty());
        Ok(())
    }

    #[test]
    fn unknown_keys_are_refused() {
        assert!(matches!(
            parse("[street]\nname = \"x\"\ncolour = \"red\"\n"),
            Err(ImportError::Parse(_))
        ));
    }
}
