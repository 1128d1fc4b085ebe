//! Who may do what to the registry: one pure function, [`authorize`], tested below as a
//! full matrix of role × action × place.

use crate::ids::{CommunityId, StreetId};
use crate::roles::{Grant, Role, Scope};

/// The place an action touches. A community is always named with its street, because a
/// street's grants cover its communities.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Global,
    Street(StreetId),
    Community { id: CommunityId, street: StreetId },
}

impl Place {
    pub fn scope(self) -> Scope {
        match self {
            Self::Global => Scope::Global,
            Self::Street(street) => Scope::Street(street),
            Self::Community { id, .. } => Scope::Community(id),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegistryAction {
    /// See buildings, units, rooms and organisations.
    ViewRegistry,
    /// See people with their contact details and rooms.
    ViewPeople,
    /// Create streets.
    ManageStreets,
    /// Create and rename communities and estates.
    ManageCommunities,
    /// Buildings, units and rooms.
    ManageBuildings,
    ManageOrganisations,
    /// Categories of work orders and their time limits.
    ManageCategories,
    /// The joint office's own settings: its phone number for visitors.
    ManageOffice,
    /// Create accounts, change their details, link residents to rooms.
    ManagePeople,
    /// Give or take away a role at the place.
    GrantRole(Role),
}

fn covers(scope: Scope, place: Place) -> bool {
    match (scope, place) {
        (Scope::Global, _) => true,
        (Scope::Street(granted), Place::Street(street)) => granted == street,
        (Scope::Street(granted), Place::Community { street, .. }) => granted == street,
        (Scope::Community(granted), Place::Community { id, .. }) => granted == id,
        _ => false,
    }
}

fn grant_allows(grant: &Grant, action: RegistryAction, place: Place) -> bool {
    if !covers(grant.scope, place) {
        return false;
    }
    use RegistryAction as A;
    let at_community = matches!(place, Place::Community { .. });
    match grant.role {
        Role::Admin => match action {
            A::ManageStreets => grant.scope == Scope::Global,
            // A community's own admin runs it but does not redraw the street's map.
            A::ManageCommunities => !matches!(grant.scope, Scope::Community(_)),
            _ => true,
        },
        // The office's head (督办) keeps its settings too.
        Role::Supervisor => {
            at_community && matches!(action, A::ViewRegistry | A::ViewPeople | A::ManageOffice)
        }
        Role::DutyOfficer | Role::Receptionist => {
            at_community && matches!(action, A::ViewRegistry | A::ViewPeople)
        }
        Role::Handler | Role::Resident => at_community && action == A::ViewRegistry,
        Role::StreetOverseer => action == A::ViewRegistry,
    }
}

/// Whether someone holding `grants` may perform `action` at `place`.
pub fn authorize(grants: &[Grant], action: RegistryAction, place: Place) -> bool {
    grants
        .iter()
        .any(|grant| grant_allows(grant, action, place))
}

/// The communities a person may act in at all, for listing; `None` means every one.
pub fn is_global_admin(grants: &[Grant]) -> bool {
    grants
        .iter()
        .any(|grant| grant.role == Role::Admin && grant.scope == Scope::Global)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::OrganisationId;
    use RegistryAction as A;

    const S1: StreetId = StreetId(1);
    const S2: StreetId = StreetId(2);
    const C1: CommunityId = CommunityId(11);
    const HOME: Place = Place::Community { id: C1, street: S1 };
    const NEIGHBOUR: Place = Place::Community {
        id: CommunityId(12),
        street: S1,
    };
    const ELSEWHERE: Place = Place::Community {
        id: CommunityId(21),
        street: S2,
    };
    const HOME_STREET: Place = Place::Street(S1);
    const OTHER_STREET: Place = Place::Street(S2);
    const PLACES: [(&str, Place); 6] = [
        ("home", HOME),
        ("neighbour", NEIGHBOUR),
        ("elsewhere", ELSEWHERE),
        ("home_street", HOME_STREET),
        ("other_street", OTHER_STREET),
        ("global", Place::Global),
    ];

    fn actions() -> Vec<(String, RegistryAction)> {
        let mut all = vec![
            ("view_registry".to_owned(), A::ViewRegistry),
            ("view_people".to_owned(), A::ViewPeople),
            ("manage_streets".to_owned(), A::ManageStreets),
            ("manage_communities".to_owned(), A::ManageCommunities),
            ("manage_buildings".to_owned(), A::ManageBuildings),
            ("manage_organisations".to_owned(), A::ManageOrganisations),
            ("manage_categories".to_owned(), A::ManageCategories),
            ("manage_office".to_owned(), A::ManageOffice),
            ("manage_people".to_owned(), A::ManagePeople),
        ];
        all.extend(Role::ALL.map(|role| (format!("grant_{}", role.as_str()), A::GrantRole(role))));
        all
    }

    fn grant(role: Role, scope: Scope) -> Grant {
        let organisation = (role == Role::Handler).then_some(OrganisationId(5));
        Grant {
            role,
            scope,
            organisation,
        }
    }

    /// Every holder, and the `action@place` pairs it may do; everything else is refused.
    fn expected() -> Vec<(&'static str, Vec<Grant>, Vec<&'static str>)> {
        let community_admin_actions = [
            "view_registry",
            "view_people",
            "manage_buildings",
            "manage_organisations",
            "manage_categories",
            "manage_office",
            "manage_people",
            "grant_resident",
            "grant_receptionist",
            "grant_duty_officer",
            "grant_handler",
            "grant_supervisor",
            "grant_street_overseer",
            "grant_admin",
        ];
        let at = |actions: &[&'static str], places: &[&'static str]| -> Vec<&'static str> {
            let mut pairs = Vec::new();
            for place in places {
                for action in actions {
                    pairs.push(&*Box::leak(format!("{action}@{place}").into_boxed_str()));
                }
            }
            pairs
        };
        let mut street_admin = at(
            &community_admin_actions,
            &["home", "neighbour", "home_street"],
        );
        street_admin.extend(at(
            &["manage_communities"],
            &["home", "neighbour", "home_street"],
        ));
        let mut global_admin = at(
            &community_admin_actions,
            &[
                "home",
                "neighbour",
                "elsewhere",
                "home_street",
                "other_street",
                "global",
            ],
        );
        global_admin.extend(at(
            &["manage_communities", "manage_streets"],
            &[
                "home",
                "neighbour",
                "elsewhere",
                "home_street",
                "other_street",
                "global",
            ],
        ));
        let home = Scope::Community(C1);
        vec![
            ("nobody", vec![], vec![]),
            (
                "resident",
                vec![grant(Role::Resident, home)],
                at(&["view_registry"], &["home"]),
            ),
            (
                "handler",
                vec![grant(Role::Handler, home)],
                at(&["view_registry"], &["home"]),
            ),
            (
                "receptionist",
                vec![grant(Role::Receptionist, home)],
                at(&["view_registry", "view_people"], &["home"]),
            ),
            (
                "duty_officer",
                vec![grant(Role::DutyOfficer, home)],
                at(&["view_registry", "view_people"], &["home"]),
            ),
            (
                "supervisor",
                vec![grant(Role::Supervisor, home)],
                at(
                    &["view_registry", "view_people", "manage_office"],
                    &["home"],
                ),
            ),
            (
                "street_overseer",
                vec![grant(Role::StreetOverseer, Scope::Street(S1))],
                at(&["view_registry"], &["home", "neighbour", "home_street"]),
            ),
            (
                "community_admin",
                vec![grant(Role::Admin, home)],
                at(&community_admin_actions, &["home"]),
            ),
            (
                "street_admin",
                vec![grant(Role::Admin, Scope::Street(S1))],
                street_admin,
            ),
            (
                "global_admin",
                vec![grant(Role::Admin, Scope::Global)],
                global_admin,
            ),
        ]
    }

    #[test]
    fn permission_matrix_every_role_every_action_every_place() {
        let mut checked = 0;
        for (holder, grants, allowed) in expected() {
            for (action_name, action) in actions() {
                for (place_name, place) in PLACES {
                    let key = format!("{action_name}@{place_name}");
                    let want = allowed.contains(&key.as_str());
                    assert_eq!(authorize(&grants, action, place), want, "{holder}: {key}");
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 10 * 16 * 6);
    }

    #[test]
    fn several_grants_add_up() {
        let grants = [
            grant(Role::Resident, Scope::Community(C1)),
            grant(Role::Receptionist, Scope::Community(CommunityId(12))),
        ];
        assert!(authorize(&grants, A::ViewPeople, NEIGHBOUR));
        assert!(!authorize(&grants, A::ViewPeople, HOME));
        assert!(authorize(&grants, A::ViewRegistry, HOME));
    }

    #[test]
    fn roles_fit_their_scopes() {
        let community = Scope::Community(C1);
        assert!(Grant::new(Role::Resident, community, None).is_ok());
        assert_eq!(
            Grant::new(Role::Resident, Scope::Street(S1), None)
                .err()
                .map(|e| e.code),
            Some("role.scope_mismatch")
        );
        assert_eq!(
            Grant::new(Role::StreetOverseer, community, None)
                .err()
                .map(|e| e.code),
            Some("role.scope_mismatch")
        );
        assert!(Grant::new(Role::StreetOverseer, Scope::Street(S1), None).is_ok());
        assert!(Grant::new(Role::Admin, Scope::Global, None).is_ok());
        assert_eq!(
            Grant::new(Role::Handler, community, None)
                .err()
                .map(|e| e.code),
            Some("role.organisation_required")
        );
        assert!(Grant::new(Role::Handler, community, Some(OrganisationId(1))).is_ok());
        assert_eq!(
            Grant::new(Role::Supervisor, community, Some(OrganisationId(1)))
                .err()
                .map(|e| e.code),
            Some("role.organisation_not_allowed")
        );
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Ok(role));
        }
    }
}
