//! How a caller stands to a work order, and so what they may see and do.

use crate::auth::CurrentUser;
use linli_domain::ids::{CommunityId, OrganisationId};
use linli_domain::permissions::RegistryAction;
use linli_domain::roles::{Role, Scope};
use linli_domain::work_orders::Standing;
use linli_store::registry::Community;
use linli_store::work_orders::WorkOrderRow;

/// How much of a work order a caller sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum View {
    /// What any resident of the community sees of a public work order: no names, no
    /// rooms, no internal notes.
    Public,
    /// Staff who do not need the reporter's contact: phone masked, room hidden.
    Masked,
    /// The reporter, the desk, the duty officer, the supervisor and the lead party.
    Full,
}

fn holds(user: &CurrentUser, role: Role, community: CommunityId) -> bool {
    user.grants()
        .iter()
        .any(|grant| grant.role == role && grant.scope == Scope::Community(community))
}

pub fn member_of(user: &CurrentUser, organisation: i64) -> bool {
    user.grants().iter().any(|grant| {
        grant.role == Role::Handler && grant.organisation == Some(OrganisationId(organisation))
    })
}

/// The organisations the caller handles work for in a community.
pub fn handler_organisations(user: &CurrentUser, community: CommunityId) -> Vec<i64> {
    user.grants()
        .iter()
        .filter(|grant| grant.role == Role::Handler && grant.scope == Scope::Community(community))
        .filter_map(|grant| grant.organisation.map(|organisation| organisation.0))
        .collect()
}

pub fn is_staff(user: &CurrentUser, community: CommunityId) -> bool {
    [
        Role::Receptionist,
        Role::DutyOfficer,
        Role::Supervisor,
        Role::Handler,
    ]
    .into_iter()
    .any(|role| holds(user, role, community))
}

pub fn may_create_for_others(user: &CurrentUser, community: CommunityId) -> bool {
    [Role::Receptionist, Role::DutyOfficer, Role::Supervisor]
        .into_iter()
        .any(|role| holds(user, role, community))
}

pub fn is_resident(user: &CurrentUser, community: CommunityId) -> bool {
    holds(user, Role::Resident, community)
}

pub fn standing(user: &CurrentUser, order: &WorkOrderRow, co_handlers: &[i64]) -> Standing {
    let community = CommunityId(order.community_id);
    Standing {
        reporter: order.reporter_id == Some(user.person.0),
        lead_member: order
            .lead_organisation_id
            .is_some_and(|lead| member_of(user, lead)),
        co_handler: co_handlers
            .iter()
            .any(|organisation| member_of(user, *organisation)),
        duty_officer: holds(user, Role::DutyOfficer, community),
        supervisor: holds(user, Role::Supervisor, community),
        receptionist: holds(user, Role::Receptionist, community),
        community_resident: holds(user, Role::Resident, community),
        system: false,
    }
}

/// What the caller may see of the work order, if anything.
pub fn view(
    user: &CurrentUser,
    order: &WorkOrderRow,
    community: &Community,
    who: Standing,
    follows: bool,
) -> Option<View> {
    if who.reporter || who.duty_officer || who.supervisor || who.receptionist || who.lead_member {
        return Some(View::Full);
    }
    let community_id = CommunityId(order.community_id);
    // Overseers and administrators read (statistics, audits) without personal data.
    let oversees = user.may(RegistryAction::ViewRegistry, community.place())
        && user
            .grants()
            .iter()
            .any(|grant| matches!(grant.role, Role::StreetOverseer | Role::Admin));
    if who.co_handler || is_staff(user, community_id) || oversees {
        return Some(View::Masked);
    }
    if (order.is_public && who.community_resident) || follows {
        return Some(View::Public);
    }
    None
}
