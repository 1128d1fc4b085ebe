use super::*;
use chrono::{Duration, TimeZone};
use proptest::prelude::*;

fn at(minute: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 10, 27, 1, 0, 0)
        .single()
        .unwrap_or_default()
        + Duration::minutes(minute)
}

fn handler(id: i64, open: i64, last: Option<i64>) -> Candidate {
    Candidate {
        person: PersonId(id),
        on_duty: false,
        open,
        last_assigned_at: last.map(at),
    }
}

#[test]
fn the_turn_goes_to_whoever_waited_longest_and_never_to_one_at_the_cap() {
    let candidates = [
        handler(1, 0, Some(30)),
        handler(2, 0, Some(10)),
        handler(3, 0, None),
    ];
    assert_eq!(
        next_in_turn(&candidates, 5),
        Some(PersonId(3)),
        "never first"
    );
    let candidates = [handler(1, 0, Some(30)), handler(2, 5, Some(10))];
    assert_eq!(
        next_in_turn(&candidates, 5),
        Some(PersonId(1)),
        "2 is at the cap"
    );
    assert_eq!(next_in_turn(&[handler(1, 5, None)], 5), None);
    assert_eq!(next_in_turn(&[], 5), None);
}

#[test]
fn handlers_on_duty_come_first_while_any_of_them_is_free() {
    let mut on_duty = handler(2, 0, Some(50));
    on_duty.on_duty = true;
    let off_duty = handler(1, 0, None);
    assert_eq!(next_in_turn(&[off_duty, on_duty], 5), Some(PersonId(2)));
    on_duty.open = 5;
    assert_eq!(
        next_in_turn(&[off_duty, on_duty], 5),
        Some(PersonId(1)),
        "the one on duty is full: the others take it"
    );
}

#[test]
fn modes_and_caps_parse_with_their_codes() {
    assert_eq!(DispatchMode::parse("grab"), Ok(DispatchMode::Grab));
    assert_eq!(
        DispatchMode::parse("抢单").map_err(|error| error.code),
        Err("category.dispatch_mode_unknown")
    );
    assert_eq!(parse_open_cap(1), Ok(1));
    assert_eq!(parse_open_cap(50), Ok(50));
    for bad in [0, -1, 51] {
        assert_eq!(
            parse_open_cap(bad).map_err(|error| error.field),
            Err("open_cap")
        );
    }
}

proptest! {
    /// Handing out work orders in turn, with nobody finishing any: every handler is given
    /// one before anyone is given a second, nobody ever passes the cap, and the turn
    /// stops exactly when everyone is full.
    #[test]
    fn turns_are_fair_and_respect_the_cap(handlers in 1usize..8, cap in 1i64..6, orders in 0usize..60) {
        let mut candidates: Vec<Candidate> = (0..handlers)
            .map(|index| handler(i64::try_from(index).unwrap_or_default() + 1, 0, None))
            .collect();
        for order in 0..orders {
            let chosen = next_in_turn(&candidates, cap);
            let capacity = usize::try_from(cap).unwrap_or_default() * handlers;
            if order >= capacity {
                prop_assert_eq!(chosen, None);
                continue;
            }
            let chosen = chosen.ok_or_else(|| TestCaseError::fail("someone is free"))?;
            let fewest = candidates.iter().map(|candidate| candidate.open).min().unwrap_or_default();
            let taker = candidates
                .iter_mut()
                .find(|candidate| candidate.person == chosen)
                .ok_or_else(|| TestCaseError::fail("a candidate"))?;
            prop_assert_eq!(taker.open, fewest, "one of those with the fewest gets it");
            taker.open += 1;
            taker.last_assigned_at = Some(at(i64::try_from(order).unwrap_or_default()));
            prop_assert!(taker.open <= cap);
        }
    }
}
