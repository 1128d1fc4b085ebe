#![allow(clippy::unwrap_used)]

use super::*;

#[test]
fn a_project_moves_forward_and_a_finished_one_stays_finished() {
    use ProjectStatus as S;
    assert_eq!(
        next_status(S::Proposed, Transition::Approve),
        Ok(S::Approved)
    );
    assert_eq!(
        next_status(S::Approved, Transition::Start),
        Ok(S::InProgress)
    );
    assert_eq!(
        next_status(S::InProgress, Transition::Complete),
        Ok(S::Completed)
    );
    assert_eq!(
        next_status(S::InProgress, Transition::Cancel),
        Ok(S::Cancelled)
    );
    assert_eq!(
        next_status(S::Proposed, Transition::Complete),
        Err("project.invalid_transition")
    );
    assert_eq!(
        next_status(S::Cancelled, Transition::Complete),
        Err("project.cancelled")
    );
    assert_eq!(
        next_status(S::Completed, Transition::Cancel),
        Err("project.completed")
    );
    // No sequence of moves leaves completed or cancelled.
    for from in [S::Completed, S::Cancelled] {
        for transition in Transition::ALL {
            assert!(next_status(from, *transition).is_err());
        }
    }
}

#[test]
fn money_is_whole_fen_and_totals_are_exact() {
    assert_eq!(
        Fen::parse(-1, "unit_price_fen").map_err(|e| e.code),
        Err("project.amount_invalid")
    );
    let price = Fen::parse(12_000, "unit_price_fen").unwrap();
    let cats = Quantity::parse(30, "quantity").unwrap();
    assert_eq!(price.times(cats, "total").unwrap().get(), 360_000);
    assert_eq!(price.times(cats, "total").unwrap().yuan_text(), "¥3,600.00");
    assert_eq!(Fen::parse(5, "x").unwrap().yuan_text(), "¥0.05");
    let huge = Fen::parse(999_999_999_999, "unit_price_fen").unwrap();
    assert!(
        huge.times(Quantity::parse(1_000_000, "quantity").unwrap(), "total")
            .is_err()
    );
    assert!(Quantity::parse(0, "quantity").is_err());
}

#[test]
fn a_milestone_may_not_end_before_it_starts() {
    let day = |d| NaiveDate::from_ymd_opt(2026, 12, d).unwrap();
    assert!(check_days(day(1), day(10), "planned_end").is_ok());
    assert!(check_days(day(5), day(5), "planned_end").is_ok());
    assert_eq!(
        check_days(day(10), day(1), "planned_end").map_err(|e| e.code),
        Err("project.milestone_ends_before_start")
    );
}

#[test]
fn funding_sources_are_known_names_without_repeats() {
    let names = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    assert_eq!(
        parse_funding(&names(&["crowdfunding", "public_income", "crowdfunding"])),
        Ok(vec![
            FundingSource::PublicIncome,
            FundingSource::Crowdfunding
        ])
    );
    assert_eq!(
        parse_funding(&names(&["lottery"])).map_err(|e| e.code),
        Err("project.funding_source_unknown")
    );
}
