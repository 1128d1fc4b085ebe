//! People, their roles and their rooms as the API answers them.

use linli_domain::roles::Grant;
use linli_store::people as rows;
use serde::Serialize;

/// A person's account, never their password.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = Person)]
pub struct PersonView {
    id: i64,
    login: String,
    display_name: String,
    phone: Option<String>,
    disabled: bool,
}

impl From<rows::Person> for PersonView {
    fn from(person: rows::Person) -> Self {
        Self {
            id: person.id,
            login: person.login,
            display_name: person.display_name,
            phone: person.phone,
            disabled: person.disabled,
        }
    }
}

/// A role held: the grant's id beside the role, scope and organisation.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = StoredGrant)]
pub struct GrantView {
    id: i64,
    #[serde(flatten)]
    grant: Grant,
}

impl From<rows::StoredGrant> for GrantView {
    fn from(stored: rows::StoredGrant) -> Self {
        Self {
            id: stored.id,
            grant: stored.grant,
        }
    }
}

/// A room a person lives in or owns, with where it is.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = PersonRoom)]
pub struct PersonRoomView {
    room_id: i64,
    community_id: i64,
    building_id: i64,
    building_name: String,
    unit_number: String,
    room_number: String,
    relation: String,
}

impl From<rows::PersonRoom> for PersonRoomView {
    fn from(room: rows::PersonRoom) -> Self {
        Self {
            room_id: room.room_id,
            community_id: room.community_id,
            building_id: room.building_id,
            building_name: room.building_name,
            unit_number: room.unit_number,
            room_number: room.room_number,
            relation: room.relation,
        }
    }
}
