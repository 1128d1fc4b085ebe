//! Whom a notice is meant for: everyone of the community, the residents of some
//! buildings, or the holders of some roles (a staff notice, whose reads are counted).

use crate::ValidationError;
use crate::access::holds;
use crate::ids::{BuildingId, CommunityId};
use crate::roles::{Grant, Role};

/// The roles a notice may be addressed to (those held in a community).
pub const ROLES_IN_AUDIENCE: [Role; 5] = [
    Role::Resident,
    Role::Receptionist,
    Role::DutyOfficer,
    Role::Handler,
    Role::Supervisor,
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Audience {
    /// Everyone of the community; public once published.
    Everyone,
    /// The residents of these buildings (of the community: checked against the registry).
    Buildings(Vec<BuildingId>),
    /// The holders of these roles in the community.
    Roles(Vec<Role>),
}

impl Audience {
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Everyone => "everyone",
            Self::Buildings(_) => "buildings",
            Self::Roles(_) => "roles",
        }
    }
}

/// The roles of an audience: one or more of [`ROLES_IN_AUDIENCE`], each once.
pub fn parse_roles(raw: &[String]) -> Result<Vec<Role>, ValidationError> {
    let mut roles = Vec::new();
    for name in raw
        .iter()
        .map(|name| name.trim())
        .filter(|name| !name.is_empty())
    {
        let role = ROLES_IN_AUDIENCE
            .into_iter()
            .find(|role| role.as_str() == name)
            .ok_or_else(|| ValidationError::new("content.audience_role_unknown", "roles"))?;
        if !roles.contains(&role) {
            roles.push(role);
        }
    }
    if roles.is_empty() {
        return Err(ValidationError::new("content.audience_empty", "roles"));
    }
    Ok(roles)
}

/// Whether a notice of this audience is meant for the caller (`home_buildings`: the
/// buildings of the caller's rooms in the community).
pub fn reaches(
    audience: &Audience,
    grants: &[Grant],
    community: CommunityId,
    home_buildings: &[BuildingId],
) -> bool {
    match audience {
        Audience::Everyone => ROLES_IN_AUDIENCE
            .into_iter()
            .any(|role| holds(grants, role, community)),
        Audience::Buildings(buildings) => {
            holds(grants, Role::Resident, community)
                && buildings
                    .iter()
                    .any(|building| home_buildings.contains(building))
        }
        Audience::Roles(roles) => roles.iter().any(|role| holds(grants, *role, community)),
    }
}

/// A notice to the office's people only: who has read it is counted ("已读 12/15").
pub fn staff_only(audience: &Audience) -> bool {
    matches!(audience, Audience::Roles(roles) if !roles.contains(&Role::Resident))
}
