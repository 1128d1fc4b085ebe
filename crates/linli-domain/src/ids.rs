//! Internal identifiers. They are database keys, never shown to people; what people see
//! is a name or a per-community number.

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    )*};
}

id_type!(
    /// A street (街道): the level above communities.
    StreetId,
    /// A community (居民区), the unit that work orders, staff and statistics belong to.
    CommunityId,
    EstateId,
    BuildingId,
    UnitId,
    RoomId,
    OrganisationId,
    PersonId,
    GrantId,
);
