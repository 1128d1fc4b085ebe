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
