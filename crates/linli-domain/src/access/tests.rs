//! The access matrix: every role's view of a work order, and the corners where the
//! rules used to disagree between the API, the pages and the live streams.

use super::*;
use crate::ids::StreetId;

const S1: StreetId = StreetId(1);
const S2: StreetId = StreetId(2);
const HOME: CommunityId = CommunityId(11);
const NEIGHBOUR: CommunityId = CommunityId(12);
const ELSEWHERE: CommunityId = CommunityId(21);
const PROPERTY: OrganisationId = OrganisationId(101);
const RESIDENTS_COMMITTEE: OrganisationId = OrganisationId(102);
const ME: PersonId = PersonId(7);
const SOMEONE_ELSE: PersonId = PersonId(8);

fn place(community: CommunityId) -> Place {
    let street = if community == ELSEWHERE { S2 } else { S1 };
    Place::Community {
        id: community,
        street,
    }
}

fn at(role: Role, community: CommunityId) -> Grant {
    Grant {
        role,
        scope: Scope::Community(community),
        organisation: (role == Role::Handler).then_some(PROPERTY),
    }
}

fn handler_of(organisation: OrganisationId) -> Grant {
    Grant {
        role: Role::Handler,
        scope: Scope::Community(HOME),
        organisation: Some(organisation),
    }
}

fn overseer_of(street: StreetId) -> Grant {
    Grant {
        role: Role::StreetOverseer,
        scope: Scope::Street(street),
        organisation: None,
    }
}

fn admin(scope: Scope) -> Grant {
    Grant {
        role: Role::Admin,
        scope,
        organisation: None,
    }
}

/// A work order of HOME led by the property company, co-handled by the residents'
/// committee, reported by SOMEONE_ELSE.
fn order(is_public: bool) -> OrderParties<'static> {
    OrderParties {
        place: place(HOME),
        reporter: Some(SOMEONE_ELSE),
        lead: Some(PROPERTY),
        co_handlers: &[RESIDENTS_COMMITTEE],
        is_public,
    }
}

fn view_of(
    person: PersonId,
    grants: &[Grant],
    order: &OrderParties<'_>,
    follows: bool,
) -> Option<View> {
    let who = standing(person, grants, order);
    view(grants, order, who, follows)
}

#[test]
fn every_role_sees_what_its_job_needs_and_no_more() {
    let private = order(false);
    let public = order(true);
    // (who, grants, view of a private one, view of a public one)
    type Case = (&'static str, Vec<Grant>, Option<View>, Option<View>);
    let cases: Vec<Case> = vec![
        (
            "resident of the community",
            vec![at(Role::Resident, HOME)],
            None,
            Some(View::Public),
        ),
        (
            "resident of a neighbour",
            vec![at(Role::Resident, NEIGHBOUR)],
            None,
            None,
        ),
        (
            "receptionist",
            vec![at(Role::Receptionist, HOME)],
            Some(View::Full),
            Some(View::Full),
        ),
        (
            "duty officer",
            vec![at(Role::DutyOfficer, HOME)],
            Some(View::Full),
            Some(View::Full),
        ),
        (
            "supervisor",
            vec![at(Role::Supervisor, HOME)],
            Some(View::Full),
            Some(View::Full),
        ),
        (
            "lead party's handler",
            vec![handler_of(PROPERTY)],
            Some(View::Full),
            Some(View::Full),
        ),
        (
            "co-handler",
            vec![handler_of(RESIDENTS_COMMITTEE)],
            Some(View::Masked),
            Some(View::Masked),
        ),
        (
            "another party's handler",
            vec![handler_of(OrganisationId(103))],
            Some(View::Masked),
            Some(View::Masked),
        ),
        (
            "duty officer elsewhere",
            vec![at(Role::DutyOfficer, NEIGHBOUR)],
            None,
            None,
        ),
        (
            "overseer of the street",
            vec![overseer_of(S1)],
            Some(View::Masked),
            Some(View::Masked),
        ),
        (
            "overseer of another street",
            vec![overseer_of(S2)],
            None,
            None,
        ),
        (
            "global admin",
            vec![admin(Scope::Global)],
            Some(View::Masked),
            Some(View::Masked),
        ),
        (
            "admin of the community",
            vec![admin(Scope::Community(HOME))],
            Some(View::Masked),
            Some(View::Masked),
        ),
        (
            "admin of another community",
            vec![admin(Scope::Community(NEIGHBOUR))],
            None,
            None,
        ),
        ("nobody", vec![], None, None),
    ];
    for (who, grants, private_view, public_view) in cases {
        assert_eq!(
            view_of(ME, &grants, &private, false),
            private_view,
            "{who}, private"
        );
        assert_eq!(
            view_of(ME, &grants, &public, false),
            public_view,
            "{who}, public"
        );
    }
}

#[test]
fn the_reporter_sees_everything_of_their_own_and_a_follower_the_public_part() {
    let private = order(false);
    assert_eq!(
        view_of(SOMEONE_ELSE, &[at(Role::Resident, HOME)], &private, false),
        Some(View::Full)
    );
    // A guest's work order taken at the desk has no reporter account.
    assert_eq!(
        view_of(ME, &[at(Role::Resident, HOME)], &private, true),
        Some(View::Public)
    );
}

/// The first corner: a resident of one community who also oversees another street is a
/// resident here, not an overseer. The API once accepted "an overseer grant anywhere"
/// beside "any grant that may view the place".
#[test]
fn a_resident_who_oversees_another_street_is_only_a_resident_at_home() {
    let grants = [at(Role::Resident, HOME), overseer_of(S2)];
    assert!(!oversees(&grants, place(HOME)));
    assert!(!sees_whole_community(&grants, place(HOME)));
    assert!(!may_read_statistics(&grants, place(HOME)));
    assert!(!may_read_statistics(&grants, Place::Street(S1)));
    assert_eq!(view_of(ME, &grants, &order(false), false), None);
    assert_eq!(
        view_of(ME, &grants, &order(true), false),
        Some(View::Public)
    );
    // What they do oversee, they oversee.
    assert!(oversees(&grants, place(ELSEWHERE)));
    assert!(may_read_statistics(&grants, Place::Street(S2)));
}

/// The second corner: an administrator of one community is nobody in another.
#[test]
fn an_admin_of_one_community_sees_nothing_of_another() {
    let grants = [admin(Scope::Community(NEIGHBOUR))];
    assert!(!oversees(&grants, place(HOME)));
    assert!(!may_read_statistics(&grants, place(HOME)));
    assert!(!may_watch(&grants, place(HOME), &[place(HOME)]));
    assert!(oversees(&grants, place(NEIGHBOUR)));
    assert!(may_read_statistics(&grants, place(NEIGHBOUR)));
}

#[test]
fn statistics_are_for_the_office_and_those_who_oversee() {
    let home = place(HOME);
    for role in [Role::Receptionist, Role::DutyOfficer, Role::Supervisor] {
        assert!(may_read_statistics(&[at(role, HOME)], home), "{role:?}");
        assert!(
            !may_read_statistics(&[at(role, HOME)], Place::Street(S1)),
            "{role:?} street"
        );
    }
    for role in [Role::Resident, Role::Handler] {
        assert!(!may_read_statistics(&[at(role, HOME)], home), "{role:?}");
    }
    assert!(may_read_statistics(&[overseer_of(S1)], home));
    assert!(may_read_statistics(&[overseer_of(S1)], Place::Street(S1)));
    assert!(!may_read_statistics(&[overseer_of(S1)], place(ELSEWHERE)));
}

#[test]
fn a_screen_is_watched_by_staff_of_all_it_covers_or_by_who_oversees_it() {
    let street = Place::Street(S1);
    let both = [place(HOME), place(NEIGHBOUR)];
    assert!(may_watch(
        &[at(Role::DutyOfficer, HOME)],
        place(HOME),
        &[place(HOME)]
    ));
    assert!(!may_watch(&[at(Role::DutyOfficer, HOME)], street, &both));
    assert!(may_watch(
        &[at(Role::DutyOfficer, HOME), at(Role::Supervisor, NEIGHBOUR)],
        street,
        &both
    ));
    assert!(may_watch(&[overseer_of(S1)], street, &both));
    // An overseer of one street does not watch a community of another.
    assert!(!may_watch(&[overseer_of(S2)], place(HOME), &[place(HOME)]));
    assert!(!may_watch(
        &[at(Role::Resident, HOME)],
        place(HOME),
        &[place(HOME)]
    ));
}

#[test]
fn only_the_desk_the_duty_officer_and_the_supervisor_report_for_others() {
    for role in Role::ALL {
        let expected = matches!(
            role,
            Role::Receptionist | Role::DutyOfficer | Role::Supervisor
        );
        let grant = Grant {
            role,
            scope: Scope::Community(HOME),
            organisation: (role == Role::Handler).then_some(PROPERTY),
        };
        assert_eq!(may_report_for_others(&[grant], HOME), expected, "{role:?}");
        assert!(
            !may_report_for_others(&[grant], NEIGHBOUR),
            "{role:?} elsewhere"
        );
    }
}

#[test]
fn standing_names_each_part_the_caller_plays() {
    let grants = [
        at(Role::DutyOfficer, HOME),
        handler_of(RESIDENTS_COMMITTEE),
        at(Role::Resident, HOME),
    ];
    let who = standing(ME, &grants, &order(false));
    assert!(who.duty_officer && who.co_handler && who.community_resident);
    assert!(
        !who.reporter && !who.lead_member && !who.supervisor && !who.receptionist && !who.system
    );
    assert_eq!(
        handler_organisations(&grants, HOME),
        vec![RESIDENTS_COMMITTEE]
    );
    assert!(handler_organisations(&grants, NEIGHBOUR).is_empty());
}

#[test]
fn the_public_reads_no_phone_number() {
    assert_eq!(
        mask_numbers("请联系13900000103，谢谢"),
        "请联系139******03，谢谢"
    );
    assert_eq!(mask_numbers("座机 021-62345678"), "座机 021-623***78");
    assert_eq!(mask_numbers("7号楼302室，第112号"), "7号楼302室，第112号");
    assert_eq!(mask_numbers(""), "");
}
