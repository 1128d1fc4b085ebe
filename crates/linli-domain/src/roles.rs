//! Roles and the places they apply to. One person may hold several grants, each a role at
//! a scope: a community, a whole street, or (for the system administrator) everywhere.

use crate::error::ValidationError;
use crate::ids::{CommunityId, OrganisationId, StreetId};
use serde::{Deserialize, Serialize};

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 居民
    Resident,
    /// 接待员
    Receptionist,
    /// 值班负责人
    DutyOfficer,
    /// 承办人, always a member of one organisation
    Handler,
    /// 督办 (党总支书记)
    Supervisor,
    /// 街道: read-only statistics across a street
    StreetOverseer,
    /// 管理员
    Admin,
}

impl Role {
    pub const ALL: [Self; 7] = [
        Self::Resident,
        Self::Receptionist,
        Self::DutyOfficer,
        Self::Handler,
        Self::Supervisor,
        Self::StreetOverseer,
        Self::Admin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Resident => "resident",
            Self::Receptionist => "receptionist",
            Self::DutyOfficer => "duty_officer",
            Self::Handler => "handler",
            Self::Supervisor => "supervisor",
            Self::StreetOverseer => "street_overseer",
            Self::Admin => "admin",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        Self::ALL
            .into_iter()
            .find(|role| role.as_str() == raw)
            .ok_or(ValidationError::new("role.unknown", "role"))
    }
}

/// Where a grant applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Scope {
    Global,
    Street(StreetId),
    Community(CommunityId),
}

impl Scope {
    pub fn kind(self) -> &'static str {
        match self {
            Self::Global => "global",
            Self::Street(_) => "street",
            Self::Community(_) => "community",
        }
    }

    /// The id column stored beside the kind; 0 for the global scope.
    pub fn id(self) -> i64 {
        match self {
            Self::Global => 0,
            Self::Street(street) => street.0,
            Self::Community(community) => community.0,
        }
    }

    pub fn from_parts(kind: &str, id: i64) -> Option<Self> {
        match kind {
            "global" => Some(Self::Global),
            "street" => Some(Self::Street(StreetId(id))),
            "community" => Some(Self::Community(CommunityId(id))),
            _ => None,
        }
    }
}

/// One role a person holds at one scope. Handlers also name their organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Grant {
    pub role: Role,
    pub scope: Scope,
    pub organisation: Option<OrganisationId>,
}

impl Grant {
    /// Checks that the role fits the scope: street overseers watch a street, admins may
    /// be set anywhere, every other role belongs to one community; only handlers (and
    /// nobody else) belong to an organisation.
    pub fn new(
        role: Role,
        scope: Scope,
        organisation: Option<OrganisationId>,
    ) -> Result<Self, ValidationError> {
        let scope_fits = match role {
            Role::Admin => true,
            Role::StreetOverseer => matches!(scope, Scope::Street(_)),
            _ => matches!(scope, Scope::Community(_)),
        };
        if !scope_fits {
            return Err(ValidationError::new("role.scope_mismatch", "scope"));
        }
        match (role, organisation) {
            (Role::Handler, None) => Err(ValidationError::new(
                "role.organisation_required",
                "organisation_id",
            )),
            (Role::Handler, Some(_)) | (_, None) => Ok(Self {
                role,
                scope,
                organisation,
            }),
            (_, Some(_)) => Err(ValidationError::new(
                "role.organisation_not_allowed",
                "organisation_id",
            )),
        }
    }
}
