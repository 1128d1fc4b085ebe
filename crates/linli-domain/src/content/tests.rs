use super::*;
use crate::ids::BuildingId;
use chrono::TimeZone;

const HOME: CommunityId = CommunityId(1);
const ELSEWHERE: CommunityId = CommunityId(2);
const RESIDENTS_COMMITTEE: OrganisationId = OrganisationId(10);
const PARTY_BRANCH: OrganisationId = OrganisationId(11);
const PROPERTY: OrganisationId = OrganisationId(12);

fn grant(role: Role, community: CommunityId, organisation: Option<OrganisationId>) -> Grant {
    Grant {
        role,
        scope: Scope::Community(community),
        organisation,
    }
}

fn at(hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, hour, 0, 0).unwrap()
}

/// Every holder, and the kinds they may write in the name of the residents' committee.
#[test]
fn who_writes_what_in_the_name_of_the_residents_committee() {
    use OrganisationKind::ResidentsCommittee as Rc;
    let holders: Vec<(&str, Vec<Grant>, Vec<Kind>)> = vec![
        ("nobody", vec![], vec![]),
        ("resident", vec![grant(Role::Resident, HOME, None)], vec![]),
        ("desk", vec![grant(Role::Receptionist, HOME, None)], vec![]),
        (
            "its handler",
            vec![grant(Role::Handler, HOME, Some(RESIDENTS_COMMITTEE))],
            vec![
                Kind::News,
                Kind::Notice,
                Kind::GovernmentAffairs,
                Kind::ResidentsAffairs,
                Kind::Financial,
            ],
        ),
        (
            "another party's handler",
            vec![grant(Role::Handler, HOME, Some(PROPERTY))],
            vec![],
        ),
        (
            "duty officer",
            vec![grant(Role::DutyOfficer, HOME, None)],
            vec![
                Kind::News,
                Kind::Notice,
                Kind::GovernmentAffairs,
                Kind::ResidentsAffairs,
                Kind::Financial,
            ],
        ),
        (
            "supervisor of another community",
            vec![grant(Role::Supervisor, ELSEWHERE, None)],
            vec![],
        ),
    ];
    for (name, grants, expected) in holders {
        let may: Vec<Kind> = Kind::ALL
            .into_iter()
            .filter(|kind| may_write(&grants, HOME, RESIDENTS_COMMITTEE, Rc, *kind))
            .collect();
        assert_eq!(may, expected, "{name}");
    }
}

#[test]
fn party_affairs_are_the_party_branchs_alone() {
    let supervisor = [grant(Role::Supervisor, HOME, None)];
    for kind in OrganisationKind::ALL {
        let may = may_write(&supervisor, HOME, PARTY_BRANCH, kind, Kind::PartyAffairs);
        assert_eq!(may, kind == OrganisationKind::PartyBranch, "{kind:?}");
    }
    let member = [grant(Role::Handler, HOME, Some(PARTY_BRANCH))];
    assert!(may_write(
        &member,
        HOME,
        PARTY_BRANCH,
        OrganisationKind::PartyBranch,
        Kind::PartyAffairs
    ));
}

#[test]
fn reviewers_are_the_supervisor_and_the_party_branch_of_the_community() {
    let branches = [PARTY_BRANCH];
    assert!(may_review(
        &[grant(Role::Supervisor, HOME, None)],
        HOME,
        &branches
    ));
    assert!(may_review(
        &[grant(Role::Handler, HOME, Some(PARTY_BRANCH))],
        HOME,
        &branches
    ));
    for outsider in [
        grant(Role::Handler, HOME, Some(RESIDENTS_COMMITTEE)),
        grant(Role::DutyOfficer, HOME, None),
        grant(Role::Resident, HOME, None),
        grant(Role::Supervisor, ELSEWHERE, None),
    ] {
        assert!(!may_review(&[outsider], HOME, &branches), "{outsider:?}");
    }
}

#[test]
fn disclosures_go_through_review_news_and_notices_do_not() {
    let writer = Standing {
        writer: true,
        ..Standing::default()
    };
    let reviewer = Standing {
        reviewer: true,
        ..Standing::default()
    };
    for kind in Kind::ALL {
        if kind.needs_review() {
            assert_eq!(
                decide(kind, Status::Draft, Action::Publish, writer),
                Err(Refusal::Conflict("content.review_required"))
            );
            assert_eq!(
                decide(kind, Status::Draft, Action::Submit, writer),
                Ok(Status::InReview)
            );
            assert_eq!(
                decide(kind, Status::InReview, Action::Approve, reviewer),
                Ok(Status::Published)
            );
            assert_eq!(
                decide(kind, Status::InReview, Action::Return, reviewer),
                Ok(Status::Draft)
            );
            assert_eq!(
                decide(kind, Status::InReview, Action::Approve, writer),
                Err(Refusal::Forbidden)
            );
        } else {
            assert_eq!(
                decide(kind, Status::Draft, Action::Publish, writer),
                Ok(Status::Published)
            );
            assert_eq!(
                decide(kind, Status::Draft, Action::Submit, writer),
                Err(Refusal::Conflict("content.no_review"))
            );
        }
        assert_eq!(
            decide(kind, Status::Published, Action::Publish, writer),
            Err(Refusal::Conflict("content.invalid_transition"))
        );
        assert_eq!(
            decide(kind, Status::Draft, Action::Publish, Standing::default()),
            Err(Refusal::Forbidden)
        );
    }
}

#[test]
fn a_reviewer_does_not_approve_their_own_but_may_return_it() {
    let both = Standing {
        writer: true,
        reviewer: true,
        author: true,
    };
    assert_eq!(
        decide(Kind::PartyAffairs, Status::InReview, Action::Approve, both),
        Err(Refusal::Conflict("content.own_review"))
    );
    assert_eq!(
        decide(Kind::PartyAffairs, Status::InReview, Action::Return, both),
        Ok(Status::Draft)
    );
}

#[test]
fn published_disclosures_are_corrected_by_reviewers_only() {
    let writer = Standing {
        writer: true,
        ..Standing::default()
    };
    let reviewer = Standing {
        reviewer: true,
        ..Standing::default()
    };
    assert!(may_edit(Kind::Financial, Status::Draft, writer));
    assert!(!may_edit(Kind::Financial, Status::InReview, writer));
    assert!(!may_edit(Kind::Financial, Status::InReview, reviewer));
    assert!(!may_edit(Kind::Financial, Status::Published, writer));
    assert!(may_edit(Kind::Financial, Status::Published, reviewer));
    assert!(may_edit(Kind::Notice, Status::Published, writer));
    assert!(!may_edit(Kind::Notice, Status::Published, reviewer));
}

#[test]
fn an_expiry_must_come_after_publication() {
    assert_eq!(check_expiry(None, at(8)), Ok(()));
    assert_eq!(check_expiry(Some(at(9)), at(8)), Ok(()));
    for expires in [at(8), at(7)] {
        assert_eq!(
            check_expiry(Some(expires), at(8)).map_err(|error| error.code),
            Err("content.expires_before_publication")
        );
    }
    assert!(is_expired(Some(at(8)), at(8)));
    assert!(!is_expired(Some(at(9)), at(8)));
    assert!(!is_expired(None, at(8)));
}

#[test]
fn only_published_notices_for_everyone_not_expired_are_public() {
    let now = at(8);
    assert!(is_public(Status::Published, &Audience::Everyone, None, now));
    assert!(is_public(
        Status::Published,
        &Audience::Everyone,
        Some(at(9)),
        now
    ));
    assert!(!is_public(
        Status::Published,
        &Audience::Everyone,
        Some(at(8)),
        now
    ));
    assert!(!is_public(Status::Draft, &Audience::Everyone, None, now));
    assert!(!is_public(Status::InReview, &Audience::Everyone, None, now));
    assert!(!is_public(
        Status::Published,
        &Audience::Buildings(vec![BuildingId(7)]),
        None,
        now
    ));
    assert!(!is_public(
        Status::Published,
        &Audience::Roles(vec![Role::Resident]),
        None,
        now
    ));
}

#[test]
fn a_notice_reaches_its_buildings_residents_and_its_roles_holders() {
    let resident = [grant(Role::Resident, HOME, None)];
    let seven = Audience::Buildings(vec![BuildingId(7)]);
    assert!(reaches(&seven, &resident, HOME, &[BuildingId(7)]));
    assert!(!reaches(&seven, &resident, HOME, &[BuildingId(9)]));
    // Living in building 7 of another community's grants does not count.
    assert!(!reaches(
        &seven,
        &[grant(Role::Resident, ELSEWHERE, None)],
        HOME,
        &[BuildingId(7)]
    ));
    let staff = Audience::Roles(vec![Role::Handler, Role::Receptionist]);
    assert!(!reaches(&staff, &resident, HOME, &[BuildingId(7)]));
    assert!(reaches(
        &staff,
        &[grant(Role::Receptionist, HOME, None)],
        HOME,
        &[]
    ));
    assert!(reaches(&Audience::Everyone, &resident, HOME, &[]));
    assert!(!reaches(
        &Audience::Everyone,
        &[grant(Role::Resident, ELSEWHERE, None)],
        HOME,
        &[]
    ));
    assert!(staff_only(&staff));
    assert!(!staff_only(&Audience::Roles(vec![
        Role::Resident,
        Role::Handler
    ])));
    assert!(!staff_only(&seven));
}

#[test]
fn an_audience_names_known_roles_at_least_once() {
    assert_eq!(
        parse_roles(&["handler".into(), " handler ".into(), "receptionist".into()]),
        Ok(vec![Role::Handler, Role::Receptionist])
    );
    assert_eq!(
        parse_roles(&["admin".into()]).map_err(|error| error.code),
        Err("content.audience_role_unknown")
    );
    assert_eq!(
        parse_roles(&[" ".into()]).map_err(|error| error.code),
        Err("content.audience_empty")
    );
}

#[test]
fn kinds_and_statuses_read_back_what_they_write() {
    for kind in Kind::ALL {
        assert_eq!(Kind::parse(kind.as_str()), Ok(kind));
    }
    assert!(Kind::parse("gossip").is_err());
    for status in [Status::Draft, Status::InReview, Status::Published] {
        assert_eq!(Status::parse(status.as_str()), Ok(status));
    }
    for action in Action::ALL {
        assert_eq!(Action::parse(action.as_str()), Some(action));
    }
}
