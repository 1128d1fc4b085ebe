use super::*;
use proptest::prelude::*;

const M2: AreaCm2 = 10_000;

fn owners(list: &[(AreaCm2, Stance)]) -> Vec<(Owner, Stance)> {
    list.iter()
        .map(|(area, stance)| (Owner { area: *area }, *stance))
        .collect()
}

/// `n` owners of 100 m² each: `for_` for, `otherwise` otherwise, the rest absent.
fn equal(n: usize, for_: usize, otherwise: usize) -> Figures {
    let mut list = Vec::new();
    for index in 0..n {
        let stance = if index < for_ {
            Stance::For
        } else if index < for_ + otherwise {
            Stance::Otherwise
        } else {
            Stance::Absent
        };
        list.push((100 * M2, stance));
    }
    Figures::count(&owners(&list))
}

#[test]
fn participation_needs_two_thirds_of_area_and_of_owners_exactly() {
    // 3 owners of equal area: 2 taking part is exactly ⅔.
    assert!(equal(3, 2, 0).quorate());
    assert!(!equal(3, 1, 0).quorate());
    // Exactly ⅔ of the area, one square centimetre less is not enough.
    let exact = Figures::count(&owners(&[
        (200 * M2, Stance::For),
        (100 * M2, Stance::Otherwise),
        (150 * M2, Stance::Absent),
    ]));
    assert_eq!(exact.participating_area_cm2 * 3, exact.total_area_cm2 * 2);
    assert!(exact.quorate());
    let short = Figures::count(&owners(&[
        (200 * M2, Stance::For),
        (100 * M2 - 1, Stance::Otherwise),
        (150 * M2 + 1, Stance::Absent),
    ]));
    assert!(
        !short.quorate(),
        "one square centimetre below ⅔ of the area"
    );
    assert_eq!(short.outcome(MatterType::Other), Outcome::NotQuorate);
    // ⅔ of the area but not of the owners: a big owner alone is not enough.
    let big = Figures::count(&owners(&[
        (1_000 * M2, Stance::For),
        (10 * M2, Stance::Absent),
        (10 * M2, Stance::Absent),
    ]));
    assert!(!big.quorate());
    // ⅔ of the owners but not of the area.
    let small = Figures::count(&owners(&[
        (10 * M2, Stance::For),
        (10 * M2, Stance::For),
        (1_000 * M2, Stance::Absent),
    ]));
    assert!(!small.quorate());
    assert_eq!(
        Figures::count(&[]).outcome(MatterType::Other),
        Outcome::NotQuorate
    );
}

#[test]
fn ordinary_matters_need_more_than_half_of_both() {
    // 4 take part of 6: a tie at one half is not approval.
    assert_eq!(
        equal(6, 2, 2).outcome(MatterType::UseRepairFund),
        Outcome::Rejected
    );
    assert_eq!(
        equal(6, 3, 1).outcome(MatterType::UseRepairFund),
        Outcome::Approved
    );
    // More than half of the owners but exactly half of the area: rejected.
    let half_area = Figures::count(&owners(&[
        (100 * M2, Stance::For),
        (100 * M2, Stance::For),
        (200 * M2, Stance::Otherwise),
    ]));
    assert_eq!(
        half_area.approving_area_cm2 * 2,
        half_area.participating_area_cm2
    );
    assert_eq!(
        half_area.outcome(MatterType::EngageManager),
        Outcome::Rejected
    );
    // One square centimetre more: approved.
    let just_over = Figures::count(&owners(&[
        (100 * M2, Stance::For),
        (100 * M2 + 1, Stance::For),
        (200 * M2, Stance::Otherwise),
    ]));
    assert_eq!(
        just_over.outcome(MatterType::EngageManager),
        Outcome::Approved
    );
}

#[test]
fn the_three_weighty_matters_need_three_quarters_of_both() {
    for matter in MatterType::ALL {
        // 4 take part, 3 for: exactly ¾ of both.
        let three_quarters = equal(4, 3, 1).outcome(matter);
        assert_eq!(three_quarters, Outcome::Approved, "{matter:?}");
        // 5 take part, 3 for: 60 % — enough for an ordinary matter only.
        let sixty = equal(5, 3, 2).outcome(matter);
        let expected = if matter.needs_three_quarters() {
            Outcome::Rejected
        } else {
            Outcome::Approved
        };
        assert_eq!(sixty, expected, "{matter:?}");
    }
    // ¾ of the owners, one square centimetre below ¾ of the area.
    let short = Figures::count(&owners(&[
        (100 * M2, Stance::For),
        (100 * M2, Stance::For),
        (100 * M2 - 1, Stance::For),
        (100 * M2 + 1, Stance::Otherwise),
    ]));
    assert_eq!(short.outcome(MatterType::Rebuild), Outcome::Rejected);
    assert_eq!(short.outcome(MatterType::Rules), Outcome::Approved);
}

#[test]
fn matter_types_parse_by_their_names() {
    for matter in MatterType::ALL {
        assert_eq!(MatterType::parse(matter.as_str()), Ok(matter));
    }
    assert_eq!(
        MatterType::parse("paint_the_gate").map_err(|e| e.code),
        Err("vote.matter_unknown")
    );
    assert_eq!(parse_area_cm2(89 * M2 + 5_100, "area"), Ok(895_100));
    assert!(parse_area_cm2(0, "area").is_err());
    assert!(parse_area_cm2(-M2, "area").is_err());
}

fn stance() -> impl Strategy<Value = Stance> {
    prop_oneof![
        Just(Stance::For),
        Just(Stance::Otherwise),
        Just(Stance::Absent)
    ]
}

proptest! {
    /// The figures add up, and one more owner for the option never turns an approval
    /// into anything else.
    #[test]
    fn more_support_never_undoes_an_approval(
        list in prop::collection::vec((M2..2_000 * M2, stance()), 1..60),
        flip in any::<prop::sample::Index>(),
    ) {
        let before = Figures::count(&owners(&list));
        prop_assert!(before.approving_area_cm2 <= before.participating_area_cm2);
        prop_assert!(before.participating_area_cm2 <= before.total_area_cm2);
        prop_assert!(before.approving_owners <= before.participating_owners);
        prop_assert!(before.participating_owners <= before.total_owners);
        prop_assert_eq!(before.total_owners, i64::try_from(list.len()).unwrap_or(0));
        let mut after = list.clone();
        let index = flip.index(after.len());
        after[index].1 = Stance::For;
        let after = Figures::count(&owners(&after));
        for matter in MatterType::ALL {
            if before.outcome(matter) == Outcome::Approved {
                prop_assert_eq!(after.outcome(matter), Outcome::Approved);
            }
        }
    }
}

fn room(id: i64, hundredths: Option<i64>, owners: &[i64]) -> RollRoom {
    RollRoom {
        room: id,
        area_hundredths_m2: hundredths,
        owners: owners.iter().map(|id| crate::ids::PersonId(*id)).collect(),
    }
}

#[test]
fn one_owner_of_several_rooms_counts_once_with_their_areas_added() {
    use crate::ids::PersonId;
    let rooms = [
        // Person 1 alone owns rooms 10 and 12: one owner, 89.51 + 60.00 m².
        room(10, Some(8_951), &[1]),
        // Persons 2 and 3 own room 11 together: one ballot, one head.
        room(11, Some(12_000), &[3, 2]),
        room(12, Some(6_000), &[1]),
        // Person 1 with person 2 own room 13: not the same buyer as person 1 alone.
        room(13, Some(7_000), &[1, 2]),
        // Nobody of record: still one head and its area, but no one can vote for it.
        room(14, Some(5_000), &[]),
        room(15, Some(5_000), &[]),
        // Listed twice (a registry slip): one owner still.
        room(16, Some(4_000), &[4, 4]),
    ];
    let Ok(voters) = make_roll(&rooms) else {
        panic!("a roll of rooms that all have areas")
    };
    let summary: Vec<(Vec<i64>, Vec<PersonId>, AreaCm2)> = voters
        .iter()
        .map(|voter| {
            (
                voter.rooms.iter().map(|(room, _)| *room).collect(),
                voter.owners.clone(),
                voter.area,
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (vec![10, 12], vec![PersonId(1)], 14_951 * 100),
            (vec![11], vec![PersonId(2), PersonId(3)], 12_000 * 100),
            (vec![13], vec![PersonId(1), PersonId(2)], 7_000 * 100),
            (vec![14], vec![], 5_000 * 100),
            (vec![15], vec![], 5_000 * 100),
            (vec![16], vec![PersonId(4)], 4_000 * 100),
        ]
    );
    assert!(may_cast(PersonId(3), &voters[1].owners));
    assert!(!may_cast(PersonId(1), &voters[1].owners));
    assert!(!may_cast(PersonId(1), &voters[3].owners));
}

#[test]
fn rooms_without_an_area_block_the_roll_and_are_listed() {
    let rooms = [
        room(1, Some(9_000), &[1]),
        room(2, None, &[2]),
        // Below 1 m²: a typing slip, not an area.
        room(3, Some(99), &[3]),
        room(4, Some(0), &[4]),
        room(5, Some(-500), &[5]),
    ];
    assert_eq!(
        make_roll(&rooms),
        Err(RollError::MissingArea(vec![2, 3, 4, 5]))
    );
    assert_eq!(make_roll(&[]), Err(RollError::NoRooms));
    assert_eq!(area_from_hundredths(8_951), Some(895_100));
    assert_eq!(area_from_hundredths(i64::MAX), None);
}

#[test]
fn the_last_ballot_of_each_voter_counts() {
    let choices = latest_choices(4, &[(0, 1), (2, 0), (0, 0), (2, 2), (0, 1), (9, 0)]);
    assert_eq!(choices, vec![Some(1), None, Some(2), None]);
}

#[test]
fn each_option_is_counted_among_all_who_took_part() {
    let m2 = |n: i64| n * M2;
    let casts = [
        Cast {
            area: m2(100),
            choice: Some(0),
        },
        Cast {
            area: m2(100),
            choice: Some(0),
        },
        Cast {
            area: m2(80),
            choice: Some(1),
        },
        Cast {
            area: m2(120),
            choice: Some(2),
        },
        Cast {
            area: m2(100),
            choice: None,
        },
    ];
    let figures = tally(&casts, 3);
    assert_eq!(figures.len(), 3);
    for option in &figures {
        assert_eq!((option.total_owners, option.total_area_cm2), (5, m2(500)));
        assert_eq!(
            (option.participating_owners, option.participating_area_cm2),
            (4, m2(400))
        );
    }
    assert_eq!(
        (figures[0].approving_owners, figures[0].approving_area_cm2),
        (2, m2(200))
    );
    assert_eq!(
        (figures[1].approving_owners, figures[1].approving_area_cm2),
        (1, m2(80))
    );
    assert_eq!(
        (figures[2].approving_owners, figures[2].approving_area_cm2),
        (1, m2(120))
    );
    // Half the participants exactly is not more than half: nothing carries.
    assert_eq!(decide(&figures, MatterType::Other), Decision::NoneCarried);
    // One more for option 0 (the absent owner): 3 of 5 heads, 300 of 500 m².
    let mut more = casts;
    more[4].choice = Some(0);
    let figures = tally(&more, 3);
    assert_eq!(decide(&figures, MatterType::Other), Decision::Carried(0));
    // ¾ is needed to raise repair funds: 3 of 5 is not enough.
    assert_eq!(
        decide(&figures, MatterType::RaiseRepairFund),
        Decision::NoneCarried
    );
    // Too few took part: nothing is decided.
    let few = [
        Cast {
            area: m2(100),
            choice: Some(0),
        },
        Cast {
            area: m2(100),
            choice: None,
        },
        Cast {
            area: m2(100),
            choice: None,
        },
    ];
    assert_eq!(
        decide(&tally(&few, 2), MatterType::Other),
        Decision::NotQuorate
    );
    assert_eq!(decide(&[], MatterType::Other), Decision::NotQuorate);
}

#[test]
fn a_vote_takes_ballots_between_its_times_once_opened() {
    use chrono::TimeZone;
    let at = |hour: u32| {
        chrono::Utc
            .with_ymd_and_hms(2026, 11, 1, hour, 0, 0)
            .unwrap()
    };
    let (opens, closes) = (at(8), at(20));
    assert_eq!(Phase::of(false, opens, closes, at(12)), Phase::Draft);
    assert_eq!(Phase::of(true, opens, closes, at(7)), Phase::Scheduled);
    assert_eq!(Phase::of(true, opens, closes, at(8)), Phase::Open);
    assert_eq!(Phase::of(true, opens, closes, at(19)), Phase::Open);
    assert_eq!(Phase::of(true, opens, closes, at(20)), Phase::Closed);
    assert_eq!(check_period(opens, closes, at(9)), Ok(()));
    let code = |result: Result<(), crate::ValidationError>| result.err().map(|e| e.code);
    assert_eq!(
        code(check_period(closes, opens, at(1))),
        Some("vote.closes_before_opening")
    );
    assert_eq!(
        code(check_period(opens, closes, at(20))),
        Some("vote.closes_in_past")
    );
    assert_eq!(
        code(check_period(
            opens,
            opens + chrono::Duration::days(181),
            at(1)
        )),
        Some("vote.period_too_long")
    );
}

#[test]
fn options_are_two_to_ten_distinct_labels() {
    let labels = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    assert_eq!(
        parse_options(&labels(&[" 同意 ", "不同意", "弃权", ""])),
        Ok(labels(&["同意", "不同意", "弃权"]))
    );
    let code = |list: &[&str]| parse_options(&labels(list)).err().map(|e| e.code);
    assert_eq!(code(&["同意"]), Some("vote.options_too_few"));
    assert_eq!(code(&["同意", "同意"]), Some("vote.options_repeated"));
    assert_eq!(code(&["甲"; 11]), Some("vote.options_too_many"));
    assert_eq!(
        code(&["同意", &"长".repeat(41)]),
        Some("validation.too_long")
    );
}

#[test]
fn who_may_do_what_with_a_vote() {
    use crate::ids::{CommunityId, OrganisationId, PersonId};
    use crate::roles::{Grant, Role, Scope};
    let ours = CommunityId(1);
    let owners_committee = OrganisationId(7);
    let property = OrganisationId(8);
    let grant = |role: Role, community: i64, organisation: Option<OrganisationId>| Grant {
        role,
        scope: Scope::Community(CommunityId(community)),
        organisation,
    };
    let committee = [owners_committee];
    // (who, grants, owner of record of the voter?) →
    //     (runs and sees who voted, enters paper ballots, sees the vote, casts)
    let cases = [
        (
            "业委会",
            vec![grant(Role::Handler, 1, Some(owners_committee))],
            false,
            (true, false, true, false),
        ),
        (
            "物业",
            vec![grant(Role::Handler, 1, Some(property))],
            false,
            (false, false, true, false),
        ),
        (
            "supervisor",
            vec![grant(Role::Supervisor, 1, None)],
            false,
            (true, true, true, false),
        ),
        (
            "desk",
            vec![grant(Role::Receptionist, 1, None)],
            false,
            (false, true, true, false),
        ),
        (
            "duty officer",
            vec![grant(Role::DutyOfficer, 1, None)],
            false,
            (false, true, true, false),
        ),
        (
            "owner",
            vec![grant(Role::Resident, 1, None)],
            true,
            (false, false, true, true),
        ),
        (
            "tenant",
            vec![grant(Role::Resident, 1, None)],
            false,
            (false, false, true, false),
        ),
        (
            "another community's 业委会",
            vec![grant(Role::Handler, 2, Some(owners_committee))],
            false,
            (false, false, false, false),
        ),
        (
            "another community's supervisor",
            vec![grant(Role::Supervisor, 2, None)],
            false,
            (false, false, false, false),
        ),
        (
            "another community's resident",
            vec![grant(Role::Resident, 2, None)],
            false,
            (false, false, false, false),
        ),
    ];
    let voter_owners = [PersonId(42)];
    for (who, grants, owner, want) in cases {
        let person = if owner { PersonId(42) } else { PersonId(43) };
        let got = (
            may_run(&grants, ours, &committee),
            may_enter_paper(&grants, ours),
            may_see(&grants, ours),
            may_cast(person, &voter_owners),
        );
        assert_eq!(got, want, "{who}");
    }
}

proptest! {
    /// Every room is in exactly one voter, the areas add up to the rooms', voters with
    /// owners have distinct owner sets, and the per-option figures of a count agree on
    /// who took part.
    #[test]
    fn the_roll_keeps_every_room_and_square_centimetre(
        list in prop::collection::vec((100i64..200_000, prop::collection::vec(1i64..6, 0..3)), 1..40),
        ballots in prop::collection::vec((0usize..40, 0usize..3), 0..80),
    ) {
        let rooms: Vec<RollRoom> = list
            .iter()
            .enumerate()
            .map(|(index, (area, owners))| room(i64::try_from(index).unwrap_or(0), Some(*area), owners))
            .collect();
        let Ok(voters) = make_roll(&rooms) else {
            return Err(TestCaseError::fail("a roll of rooms that all have areas"));
        };
        let mut seen: Vec<i64> = voters.iter().flat_map(|voter| voter.rooms.iter().map(|(room, _)| *room)).collect();
        seen.sort_unstable();
        prop_assert_eq!(seen, (0..i64::try_from(list.len()).unwrap_or(0)).collect::<Vec<_>>());
        let total: i64 = list.iter().map(|(area, _)| area * 100).sum();
        prop_assert_eq!(voters.iter().map(|voter| voter.area).sum::<i64>(), total);
        let sets: Vec<_> = voters.iter().filter(|voter| !voter.owners.is_empty()).map(|voter| voter.owners.clone()).collect();
        for (index, set) in sets.iter().enumerate() {
            prop_assert!(!sets[..index].contains(set));
        }
        let choices = latest_choices(voters.len(), &ballots);
        let casts: Vec<Cast> = voters.iter().zip(&choices).map(|(voter, choice)| Cast { area: voter.area, choice: *choice }).collect();
        let figures = tally(&casts, 3);
        let approving: i64 = figures.iter().map(|option| option.approving_owners).sum();
        prop_assert_eq!(approving, figures[0].participating_owners);
        let approving_area: i64 = figures.iter().map(|option| option.approving_area_cm2).sum();
        prop_assert_eq!(approving_area, figures[0].participating_area_cm2);
        prop_assert_eq!(figures[0].total_area_cm2, total);
    }
}
