//! Crowdfunding (众筹) and its public ledger (财务公开): amounts, the double-entry,
//! append-only ledger, and the states of pledges and expenses.
//!
//! Every movement of money is an entry of two or more lines that add up to zero (a line
//! is a debit when positive, a credit when negative). Nothing is changed or deleted: a
//! mistake is undone by a reversing entry with a reason. The balances are folded from the
//! entries, and the campaign's money in hand is always donations − refunds − paid
//! expenses.

mod ledger;
#[cfg(test)]
mod tests;

pub use ledger::{Account, Entry, EntryKind, Ledger, LedgerError, Line};

use crate::ValidationError;
use crate::access::{holds, is_resident, is_staff, may_report_for_others};
use crate::ids::{CommunityId, PersonId};
use crate::meetings::named_enum;
use crate::roles::{Grant, Role};
use serde::{Deserialize, Serialize};

/// The largest single amount taken: ¥1,000,000.
pub const MAX_AMOUNT_FEN: i64 = 100_000_000;

/// An amount of money given, refunded or spent: a whole number of fen, above zero and
/// at most ¥1,000,000.
pub fn amount_fen(fen: i64, field: &'static str) -> Result<i64, ValidationError> {
    if fen <= 0 {
        Err(ValidationError::new("fund.amount_not_positive", field))
    } else if fen > MAX_AMOUNT_FEN {
        Err(ValidationError::new("fund.amount_too_large", field))
    } else {
        Ok(fen)
    }
}

/// An amount typed in yuan on a form ("50", "12.5", "¥1,200.00") as fen. Fractions of
/// a fen, signs, letters and anything not a number are refused, not rounded.
pub fn yuan_to_fen(text: &str, field: &'static str) -> Result<i64, ValidationError> {
    use crate::money::{YuanProblem, fen_from_yuan_text};
    // Seven digits of whole yuan hold the largest amount taken (¥1,000,000).
    let fen = fen_from_yuan_text(text, 7).map_err(|problem| {
        let code = match problem {
            YuanProblem::Negative => "fund.amount_not_positive",
            YuanProblem::NotANumber => "fund.amount_not_a_number",
            YuanProblem::FractionOfFen => "fund.amount_fraction_of_fen",
            YuanProblem::TooLarge => "fund.amount_too_large",
        };
        ValidationError::new(code, field)
    })?;
    amount_fen(fen, field)
}

/// The share of the target raised, in [0, 1]: a campaign may raise more than its target
/// (the share stops at 1), and a refund-heavy one less than nothing (it stops at 0).
pub fn progress_share(raised_fen: i64, target_fen: i64) -> f64 {
    if target_fen <= 0 {
        return 0.0;
    }
    (raised_fen.max(0) as f64 / target_fen as f64).min(1.0)
}

/// The same as whole percent, 0..=100, rounded down in integers: what a progress bar
/// and the campaign list show ("6%" is not shown before 6% is reached).
pub fn progress_percent(raised_fen: i64, target_fen: i64) -> i64 {
    if target_fen <= 0 {
        return 0;
    }
    let percent = i128::from(raised_fen.max(0)) * 100 / i128::from(target_fen);
    i64::try_from(percent.min(100)).unwrap_or(100)
}

named_enum!(
    /// A pledge (认捐) until the treasurer confirms the money arrived.
    PledgeStatus, "fund.pledge_status_unknown", "status" {
        Pledged => "pledged",
        /// The money arrived: the pledge is a donation, with its ledger entry.
        Confirmed => "confirmed",
        /// The donor took it back before paying.
        Withdrawn => "withdrawn",
        /// The campaign ended without the money arriving.
        Lapsed => "lapsed",
    }
);

impl PledgeStatus {
    /// A pledge moves once, from 认捐 to one of the others; a confirmed one stays
    /// (its money leaves only by a refund entry).
    pub fn may_become(self, next: PledgeStatus) -> bool {
        self == Self::Pledged && next != Self::Pledged
    }
}

named_enum!(
    /// An expense on its way to being paid.
    ExpenseStatus, "fund.expense_status_unknown", "status" {
        Draft => "draft",
        Pending => "pending",
        Approved => "approved",
        Paid => "paid",
        Rejected => "rejected",
    }
);

named_enum!(
    /// How money reaches the campaign. Each is confirmed by the treasurer: Linli takes no
    /// payment itself.
    Channel, "fund.channel_unknown", "channel" {
        /// Cash at the joint office's desk, against a numbered slip.
        Cash => "cash",
        /// A transfer to the committee's account.
        Transfer => "transfer",
        /// A scan of the account's QR code.
        QrCode => "qr_code",
    }
);

named_enum!(
    /// A campaign takes pledges while open; closing it lapses the pledges still unpaid.
    CampaignStatus, "fund.campaign_status_unknown", "status" {
        Open => "open",
        Closed => "closed",
    }
);

impl ExpenseStatus {
    /// draft → pending → approved → paid; pending or approved → rejected (with a reason).
    pub fn may_become(self, next: ExpenseStatus) -> bool {
        use ExpenseStatus::*;
        matches!(
            (self, next),
            (Draft, Pending)
                | (Pending, Approved)
                | (Approved, Paid)
                | (Pending, Rejected)
                | (Approved, Rejected)
        )
    }
}

/// Whether an expense may be approved: within the money in hand, or over it only with
/// the approver's reason written down.
pub fn check_expense_within_balance(
    amount: i64,
    available: i64,
    override_reason: Option<&str>,
) -> Result<(), ValidationError> {
    let reason_given = override_reason.is_some_and(|reason| !reason.trim().is_empty());
    if amount > available && !reason_given {
        Err(ValidationError::new("fund.over_balance", "override_reason"))
    } else {
        Ok(())
    }
}

/// How a donor is shown on the public ledger: "唐**", or "匿名" when they chose so.
/// Never a phone number or a room.
pub fn public_donor_name(name: &str, anonymous: bool) -> String {
    let mut chars = name.trim().chars();
    match (anonymous, chars.next()) {
        (false, Some(first)) => {
            let hidden = chars.count().max(1);
            format!("{first}{}", "*".repeat(hidden))
        }
        _ => "匿名".to_owned(),
    }
}

/// Who may start and close a community's campaigns and approve their expenses: the
/// office's supervisor.
pub fn may_run(grants: &[Grant], community: CommunityId) -> bool {
    holds(grants, Role::Supervisor, community)
}

/// Who may take a pledge for someone else (cash at the desk): the desk, the duty officer
/// and the supervisor.
pub fn may_record_for_others(grants: &[Grant], community: CommunityId) -> bool {
    may_report_for_others(grants, community)
}

/// Who may pledge for themselves: the community's residents and its office's people.
pub fn may_pledge(grants: &[Grant], community: CommunityId) -> bool {
    is_resident(grants, community) || is_staff(grants, community)
}

/// Who keeps a campaign's money: its named treasurer, and no one else.
pub fn is_treasurer(caller: PersonId, treasurer: PersonId) -> bool {
    caller == treasurer
}

/// Who may ask for an expense: the treasurer or the supervisor.
pub fn may_request_expense(
    grants: &[Grant],
    community: CommunityId,
    caller: PersonId,
    treasurer: PersonId,
) -> bool {
    is_treasurer(caller, treasurer) || may_run(grants, community)
}

/// Who sees a campaign's pledges with donors' real names: the office's people.
pub fn sees_donors(grants: &[Grant], community: CommunityId) -> bool {
    is_staff(grants, community)
}
