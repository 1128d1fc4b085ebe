//! Who may see what of a work order, who oversees a place, and who may report for whom:
//! the one place these rules live. The JSON API, the pages, the live streams, the
//! statistics and the big screens all ask here, so a rule holds on all of them or on
//! none. Pure: it reads the caller's grants and the facts of the work order.

use crate::ids::{CommunityId, OrganisationId, PersonId};
use crate::permissions::{Place, RegistryAction, authorize};
use crate::roles::{Grant, Role, Scope};
use crate::work_orders::Standing;

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

/// Whether one of `grants` is `role` in `community` itself.
pub fn holds(grants: &[Grant], role: Role, community: CommunityId) -> bool {
    grants
        .iter()
        .any(|grant| grant.role == role && grant.scope == Scope::Community(community))
}

/// Whether the caller administers the community's own affairs (its grids, its partner
/// units): the community's admin or the system's. A street's admin acts through the
/// registry, which knows the street; these rules know only the community.
pub fn administers(grants: &[Grant], community: CommunityId) -> bool {
    holds(grants, Role::Admin, community) || crate::permissions::is_global_admin(grants)
}

/// Whether the caller handles work for `organisation`.
pub fn member_of(grants: &[Grant], organisation: OrganisationId) -> bool {
    grants
        .iter()
        .any(|grant| grant.role == Role::Handler && grant.organisation == Some(organisation))
}

/// The organisations the caller handles work for in a community.
pub fn handler_organisations(grants: &[Grant], community: CommunityId) -> Vec<OrganisationId> {
    grants
        .iter()
        .filter(|grant| grant.role == Role::Handler && grant.scope == Scope::Community(community))
        .filter_map(|grant| grant.organisation)
        .collect()
}

/// The joint office's people in a community: desk, duty officer, supervisor, handlers.
pub fn is_staff(grants: &[Grant], community: CommunityId) -> bool {
    [
        Role::Receptionist,
        Role::DutyOfficer,
        Role::Supervisor,
        Role::Handler,
    ]
    .into_iter()
    .any(|role| holds(grants, role, community))
}

pub fn is_resident(grants: &[Grant], community: CommunityId) -> bool {
    holds(grants, Role::Resident, community)
}

/// Who may take a report for someone else (a visitor at the desk, a caller).
pub fn may_report_for_others(grants: &[Grant], community: CommunityId) -> bool {
    [Role::Receptionist, Role::DutyOfficer, Role::Supervisor]
        .into_iter()
        .any(|role| holds(grants, role, community))
}

/// Whether the caller oversees `place` (a street's overseer, or an administrator whose
/// grant covers it): they read its work orders and figures without personal data.
/// One grant must be both an overseeing role and cover the place: a resident of one
/// community who oversees another street oversees only that street.
pub fn oversees(grants: &[Grant], place: Place) -> bool {
    grants.iter().any(|grant| {
        matches!(grant.role, Role::StreetOverseer | Role::Admin)
            && authorize(
                std::slice::from_ref(grant),
                RegistryAction::ViewRegistry,
                place,
            )
    })
}

/// Whether the caller sees every work order of a community (masked at least): its staff
/// and those who oversee it. They hear every change of it on live streams too.
pub fn sees_whole_community(grants: &[Grant], place: Place) -> bool {
    match place {
        Place::Community { id, .. } => is_staff(grants, id) || oversees(grants, place),
        _ => false,
    }
}

/// Who may read the statistics of a place: the community's office (desk, duty officer,
/// supervisor: those who may see its people) and its administrators, and those who
/// oversee it; a street's only to those who oversee the street.
pub fn may_read_statistics(grants: &[Grant], place: Place) -> bool {
    let office = matches!(place, Place::Community { .. })
        && authorize(grants, RegistryAction::ViewPeople, place);
    office || oversees(grants, place)
}

/// Who may watch a big screen of these places without a screen token: staff of every
/// community it covers, or someone who oversees the screen's whole scope.
pub fn may_watch(grants: &[Grant], scope: Place, communities: &[Place]) -> bool {
    let staff_of_all = !communities.is_empty()
        && communities
            .iter()
            .all(|community| sees_whole_community(grants, *community));
    staff_of_all || oversees(grants, scope)
}

/// The facts of a work order that decide how a caller stands to it.
#[derive(Debug, Clone, Copy)]
pub struct OrderParties<'a> {
    /// The work order's community, with its street.
    pub place: Place,
    pub reporter: Option<PersonId>,
    pub lead: Option<OrganisationId>,
    pub co_handlers: &'a [OrganisationId],
    pub is_public: bool,
}

impl OrderParties<'_> {
    fn community(&self) -> Option<CommunityId> {
        match self.place {
            Place::Community { id, .. } => Some(id),
            _ => None,
        }
    }
}

/// How `person` (holding `grants`) stands to a work order: what the state machine asks.
pub fn standing(person: PersonId, grants: &[Grant], order: &OrderParties<'_>) -> Standing {
    let here = |role| order.community().is_some_and(|id| holds(grants, role, id));
    Standing {
        reporter: order.reporter == Some(person),
        lead_member: order.lead.is_some_and(|lead| member_of(grants, lead)),
        co_handler: order
            .co_handlers
            .iter()
            .any(|organisation| member_of(grants, *organisation)),
        duty_officer: here(Role::DutyOfficer),
        supervisor: here(Role::Supervisor),
        receptionist: here(Role::Receptionist),
        community_resident: here(Role::Resident),
        system: false,
        grabber: false,
    }
}

/// What the caller may see of the work order, if anything (`None`: it does not exist for
/// them, and the answer is "not found").
pub fn view(
    grants: &[Grant],
    order: &OrderParties<'_>,
    who: Standing,
    follows: bool,
) -> Option<View> {
    if who.reporter || who.duty_officer || who.supervisor || who.receptionist || who.lead_member {
        return Some(View::Full);
    }
    if who.co_handler || sees_whole_community(grants, order.place) {
        return Some(View::Masked);
    }
    if (order.is_public && who.community_resident) || follows {
        return Some(View::Public);
    }
    None
}

/// A text as the public may read it: every run of seven or more digits (a phone number,
/// a landline, an ID) is shown only by its first three and last two digits.
pub fn mask_numbers(text: &str) -> String {
    const LONGEST_SHOWN: usize = 6;
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if run.chars().count() > LONGEST_SHOWN {
            let digits: Vec<char> = run.chars().collect();
            let hidden = digits.len() - 5;
            out.extend(&digits[..3]);
            out.extend(std::iter::repeat_n('*', hidden));
            out.extend(&digits[digits.len() - 2..]);
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for character in text.chars() {
        if character.is_ascii_digit() {
            run.push(character);
        } else {
            flush(&mut run, &mut out);
            out.push(character);
        }
    }
    flush(&mut run, &mut out);
    out
}

#[cfg(test)]
mod tests;
