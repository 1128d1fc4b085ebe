//! Expenses: the treasurer (or the supervisor) asks; the supervisor approves — within
//! the money in hand, or over it only with a written reason — or rejects with a reason;
//! the treasurer pays, which writes the ledger entry and tells the donors.

use super::ledger::{Proposal, append};
use crate::{App, AppError, AppResult, Caller, FieldChecks};
use linli_domain::funds::{
    EntryKind, ExpenseStatus, amount_fen, check_expense_within_balance, is_treasurer,
    may_request_expense, may_run,
};
use linli_domain::ids::{CommunityId, PersonId};
use linli_domain::meetings::parse_line;
use linli_domain::notifications::Topic;
use linli_store::funds::{LedgerWrite, NewExpense};
use linli_store::outbox::OutboxEntry;
use serde_json::json;

#[derive(Debug, Clone, Default)]
pub struct ExpenseRequest {
    pub amount_fen: i64,
    /// Who is paid: the project's chosen vendor, as a rule.
    pub payee: String,
    pub purpose: String,
    /// Kept as a draft instead of sent for approval.
    pub draft: bool,
}

pub async fn request(
    app: &App,
    caller: &Caller,
    campaign_id: i64,
    input: &ExpenseRequest,
) -> AppResult<i64> {
    let campaign = app.store.campaign(campaign_id).await?;
    let community = CommunityId(campaign.community_id);
    if !may_request_expense(
        caller.grants(),
        community,
        caller.person,
        PersonId(campaign.treasurer_id),
    ) {
        return Err(AppError::forbidden());
    }
    let mut checks = FieldChecks::default();
    let amount = checks.check(amount_fen(input.amount_fen, "amount_fen"))?;
    let payee = checks.check(parse_line(&input.payee, "payee", 80))?;
    let purpose = checks.check(parse_line(&input.purpose, "purpose", 200))?;
    checks.finish()?;
    let (Some(amount), Some(payee), Some(purpose)) = (amount, payee, purpose) else {
        return Err(AppError::internal("a checked expense lost a field"));
    };
    Ok(app
        .store
        .add_expense(
            NewExpense {
                campaign_id,
                amount_fen: amount,
                payee: &payee,
                purpose: &purpose,
                status: if input.draft {
                    ExpenseStatus::Draft
                } else {
                    ExpenseStatus::Pending
                },
                requested_by: caller.person,
            },
            app.clock.now(),
        )
        .await?)
}

/// `submit` (the one who asked), `approve` or `reject` (the supervisor, not the one who
/// asked), `pay` (the treasurer).
pub async fn transition(
    app: &App,
    caller: &Caller,
    expense_id: i64,
    transition: &str,
    reason: Option<&str>,
) -> AppResult<()> {
    let expense = app.store.expense(expense_id).await?;
    let campaign = app.store.campaign(expense.campaign_id).await?;
    let community = CommunityId(campaign.community_id);
    let asked_by_caller = expense.requested_by == caller.person.0;
    let reason = reason.map(str::trim).filter(|reason| !reason.is_empty());
    let next = match transition {
        "submit" => ExpenseStatus::Pending,
        "approve" => ExpenseStatus::Approved,
        "reject" => ExpenseStatus::Rejected,
        "pay" => ExpenseStatus::Paid,
        _ => return Err(AppError::NotFound("fund.transition_unknown")),
    };
    let allowed = match next {
        ExpenseStatus::Pending => asked_by_caller,
        ExpenseStatus::Approved | ExpenseStatus::Rejected => {
            may_run(caller.grants(), community) && !asked_by_caller
        }
        _ => is_treasurer(caller.person, PersonId(campaign.treasurer_id)),
    };
    if !allowed {
        return Err(AppError::forbidden());
    }
    if !expense.status.may_become(next) {
        return Err(AppError::Conflict("fund.expense_moved"));
    }
    let now = app.clock.now();
    match next {
        ExpenseStatus::Rejected => {
            let reason = parse_line(reason.unwrap_or_default(), "reason", 200)?;
            app.store
                .move_expense(
                    expense_id,
                    expense.status,
                    next,
                    caller.person,
                    Some(&reason),
                    now,
                )
                .await?;
        }
        ExpenseStatus::Approved => {
            if let Some(reason) = reason {
                parse_line(reason, "override_reason", 200)?;
            }
            let (entries, lines) = app.store.ledger_entries(campaign.id).await?;
            let available = super::fold(&entries, &lines).available();
            check_expense_within_balance(expense.amount_fen, available, reason)?;
            // A reason is an override only when the money in hand is short; a remark on
            // an approval within the balance is not kept as one.
            let override_reason = reason.filter(|_| expense.amount_fen > available);
            app.store
                .move_expense(
                    expense_id,
                    expense.status,
                    next,
                    caller.person,
                    override_reason,
                    now,
                )
                .await?;
        }
        ExpenseStatus::Paid => {
            let override_reason = expense.override_reason.clone();
            let outbox = vec![OutboxEntry {
                topic: Topic::FundSpent,
                community_id: Some(community.0),
                work_order_id: None,
                payload: json!({
                    "campaign_id": campaign.id,
                    "title": campaign.title,
                    "purpose": expense.purpose,
                    "amount_fen": expense.amount_fen,
                }),
                at: now,
            }];
            append(app, caller, campaign.id, |ledger, _| {
                // The money in hand may have shrunk since the approval: still within it,
                // or over it with the approver's reason.
                check_expense_within_balance(
                    expense.amount_fen,
                    ledger.available(),
                    override_reason.as_deref(),
                )?;
                Ok(Proposal {
                    kind: EntryKind::Expense,
                    amount_fen: expense.amount_fen,
                    pledge_id: None,
                    expense_id: Some(expense_id),
                    reason: None,
                    also: LedgerWrite::PayExpense(expense_id),
                    outbox: outbox.clone(),
                })
            })
            .await?;
        }
        _ => {
            app.store
                .move_expense(expense_id, expense.status, next, caller.person, None, now)
                .await?;
        }
    }
    Ok(())
}
