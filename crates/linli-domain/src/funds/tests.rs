#![allow(clippy::unwrap_used)]

use super::*;
use proptest::prelude::*;

#[test]
fn amounts_are_whole_fen_above_zero_and_at_most_a_million_yuan() {
    assert_eq!(yuan_to_fen("50", "amount"), Ok(5_000));
    assert_eq!(yuan_to_fen("12.5", "amount"), Ok(1_250));
    assert_eq!(yuan_to_fen("¥1,200.05", "amount"), Ok(120_005));
    assert_eq!(yuan_to_fen("1000000", "amount"), Ok(MAX_AMOUNT_FEN));
    let code = |text: &str| yuan_to_fen(text, "amount").map_err(|e| e.code);
    assert_eq!(code("1000000.01"), Err("fund.amount_too_large"));
    assert_eq!(code("99999999999999999999"), Err("fund.amount_too_large"));
    assert_eq!(code("0"), Err("fund.amount_not_positive"));
    assert_eq!(code("0.00"), Err("fund.amount_not_positive"));
    assert_eq!(code("-5"), Err("fund.amount_not_positive"));
    assert_eq!(code("1.005"), Err("fund.amount_fraction_of_fen"));
    assert_eq!(code("五十"), Err("fund.amount_not_a_number"));
    assert_eq!(code(""), Err("fund.amount_not_a_number"));
    assert_eq!(code("1e3"), Err("fund.amount_not_a_number"));
    assert_eq!(code(".5"), Err("fund.amount_not_a_number"));
    assert_eq!(
        amount_fen(0, "amount_fen").map_err(|e| e.code),
        Err("fund.amount_not_positive")
    );
    assert_eq!(
        amount_fen(MAX_AMOUNT_FEN + 1, "amount_fen").map_err(|e| e.code),
        Err("fund.amount_too_large")
    );
}

#[test]
fn donors_are_shown_without_their_full_name() {
    assert_eq!(public_donor_name("唐女士", false), "唐**");
    assert_eq!(public_donor_name("包爷叔", true), "匿名");
    assert_eq!(public_donor_name("李", false), "李*");
    assert_eq!(public_donor_name("  ", false), "匿名");
}

#[test]
fn pledges_and_expenses_move_only_forward() {
    assert!(PledgeStatus::Pledged.may_become(PledgeStatus::Confirmed));
    assert!(
        !PledgeStatus::Confirmed.may_become(PledgeStatus::Confirmed),
        "confirmed once"
    );
    assert!(!PledgeStatus::Withdrawn.may_become(PledgeStatus::Confirmed));
    assert!(ExpenseStatus::Draft.may_become(ExpenseStatus::Pending));
    assert!(!ExpenseStatus::Draft.may_become(ExpenseStatus::Paid));
    assert!(!ExpenseStatus::Paid.may_become(ExpenseStatus::Rejected));
    assert!(check_expense_within_balance(5_000, 5_000, None).is_ok());
    assert_eq!(
        check_expense_within_balance(5_001, 5_000, Some("  ")).map_err(|e| e.code),
        Err("fund.over_balance")
    );
    assert!(check_expense_within_balance(5_001, 5_000, Some("垫付部分由业委会补足")).is_ok());
}

#[test]
fn a_correction_reverses_an_entry_once_and_is_not_itself_reversed() {
    let mut ledger = Ledger::default();
    let donation = ledger.record(EntryKind::Donation, 10_000).unwrap();
    let expense = ledger.record(EntryKind::Expense, 4_000).unwrap();
    assert_eq!(
        ledger.record(EntryKind::Reversal { of: donation }, 0),
        Err(LedgerError::OverBalance),
        "its money is spent"
    );
    let undo = ledger
        .record(EntryKind::Reversal { of: expense }, 0)
        .unwrap();
    assert_eq!(ledger.available(), 10_000);
    assert_eq!(
        ledger.record(EntryKind::Reversal { of: expense }, 0),
        Err(LedgerError::NotReversible)
    );
    assert_eq!(
        ledger.record(EntryKind::Reversal { of: undo }, 0),
        Err(LedgerError::NotReversible)
    );
    assert_eq!(
        ledger.record(EntryKind::Reversal { of: 99 }, 0),
        Err(LedgerError::NotReversible)
    );
    assert_eq!(
        ledger.record(EntryKind::Refund, 10_001),
        Err(LedgerError::OverDonations)
    );
    assert_eq!(ledger.entries().len(), 3, "refusals write nothing");
}

#[test]
fn an_overspent_campaign_can_still_undo_an_expense() {
    // ¥120 paid out of ¥100 on the approver's override: the balance is −¥20.
    let mut ledger = Ledger::default();
    let donation = ledger.record(EntryKind::Donation, 10_000).unwrap();
    let expense = ledger.record(EntryKind::Expense, 12_000).unwrap();
    assert_eq!(ledger.available(), -2_000);
    assert_eq!(
        ledger.record(EntryKind::Reversal { of: donation }, 0),
        Err(LedgerError::OverBalance),
        "taking the donation back would leave less still"
    );
    ledger
        .record(EntryKind::Reversal { of: expense }, 0)
        .unwrap();
    assert_eq!(ledger.available(), 10_000);
}

#[derive(Debug, Clone)]
enum Step {
    Give(i64),
    Refund(i64),
    Spend(i64),
    Undo(usize),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (1i64..=MAX_AMOUNT_FEN).prop_map(Step::Give),
        (1i64..=MAX_AMOUNT_FEN).prop_map(Step::Refund),
        (1i64..=MAX_AMOUNT_FEN).prop_map(Step::Spend),
        (0usize..40).prop_map(Step::Undo),
    ]
}

proptest! {
    /// The progress shown is a share in [0, 1] and a whole percent in 0..=100 that
    /// agree: the percent is the share rounded down, and 100 only once the target is met.
    #[test]
    fn progress_is_a_share_and_a_percent_that_agree(raised in -MAX_AMOUNT_FEN..=10 * MAX_AMOUNT_FEN, target in -10i64..=MAX_AMOUNT_FEN) {
        let share = progress_share(raised, target);
        let percent = progress_percent(raised, target);
        prop_assert!((0.0..=1.0).contains(&share));
        prop_assert!((0..=100).contains(&percent));
        prop_assert!(percent as f64 <= share * 100.0 + 1e-9);
        prop_assert!(share * 100.0 < percent as f64 + 1.0 + 1e-9);
        prop_assert_eq!(percent == 100, target > 0 && raised >= target);
    }

    /// For any sequence of donations, refunds, expenses and corrections: every entry
    /// balances, money in hand is donations − refunds − paid expenses, nothing written
    /// before changes, and folding the entries again gives the same ledger.
    #[test]
    fn the_ledger_always_balances(steps in prop::collection::vec(step(), 0..40)) {
        let mut ledger = Ledger::default();
        for step in steps {
            let before = ledger.entries().to_vec();
            // Undoing an expense not undone yet only brings money back: never refused.
            let undoes_an_expense = matches!(step, Step::Undo(of)
                if before.get(of).is_some_and(|entry| entry.kind == EntryKind::Expense)
                    && !before.iter().any(|entry| entry.kind == EntryKind::Reversal { of }));
            let recorded = match step {
                Step::Give(fen) => ledger.record(EntryKind::Donation, fen),
                Step::Refund(fen) => ledger.record(EntryKind::Refund, fen),
                Step::Spend(fen) => ledger.record(EntryKind::Expense, fen),
                Step::Undo(of) => ledger.record(EntryKind::Reversal { of }, 0),
            };
            if undoes_an_expense {
                prop_assert!(recorded.is_ok(), "{:?}", recorded);
            }
            prop_assert_eq!(&ledger.entries()[..before.len()], &before[..], "append-only");
            prop_assert!(ledger.entries().len() <= before.len() + 1);
            for entry in ledger.entries() {
                prop_assert_eq!(entry.lines.iter().map(|line| line.fen).sum::<i64>(), 0);
            }
            prop_assert_eq!(ledger.imbalance(), 0);
            prop_assert_eq!(ledger.available(), ledger.raised() - ledger.refunded() - ledger.spent());
            prop_assert!(ledger.refunded() <= ledger.raised());
        }
        prop_assert_eq!(Ledger::from_entries(ledger.entries().to_vec()), ledger);
    }
}

/// Who may do what with a campaign of community 1, for every role there and a resident
/// of community 2: start it, pledge for oneself, take cash for others, see donors'
/// names.
#[test]
fn who_may_do_what_with_a_campaign() {
    use crate::ids::OrganisationId;
    use crate::roles::{Role, Scope};
    let ours = CommunityId(1);
    let grant = |role: Role, community: i64| Grant {
        role,
        scope: Scope::Community(CommunityId(community)),
        organisation: (role == Role::Handler).then_some(OrganisationId(7)),
    };
    // (role, community) → (runs, pledges, records for others, sees donors)
    let expected = [
        (Role::Resident, 1, (false, true, false, false)),
        (Role::Receptionist, 1, (false, true, true, true)),
        (Role::DutyOfficer, 1, (false, true, true, true)),
        (Role::Handler, 1, (false, true, false, true)),
        (Role::Supervisor, 1, (true, true, true, true)),
        (Role::Resident, 2, (false, false, false, false)),
        (Role::Supervisor, 2, (false, false, false, false)),
    ];
    for (role, community, want) in expected {
        let grants = [grant(role, community)];
        let got = (
            may_run(&grants, ours),
            may_pledge(&grants, ours),
            may_record_for_others(&grants, ours),
            sees_donors(&grants, ours),
        );
        assert_eq!(got, want, "{role:?} of community {community}");
    }
    // The treasurer is a person, not a role: the supervisor is not the treasurer.
    assert!(is_treasurer(PersonId(5), PersonId(5)));
    assert!(!is_treasurer(PersonId(6), PersonId(5)));
    let supervisor = [grant(Role::Supervisor, 1)];
    assert!(may_request_expense(
        &supervisor,
        ours,
        PersonId(6),
        PersonId(5)
    ));
    assert!(may_request_expense(&[], ours, PersonId(5), PersonId(5)));
    assert!(!may_request_expense(
        &[grant(Role::Handler, 1)],
        ours,
        PersonId(6),
        PersonId(5)
    ));
}
