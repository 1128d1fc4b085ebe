//! Writing the ledger: an entry is checked by the domain's ledger folded from what is
//! stored, then written only if no other entry came in between (else it is checked
//! again against the new ledger). Refunds and corrections are the treasurer's.

use crate::{App, AppError, AppResult, Caller};
use linli_domain::funds::{EntryKind, Ledger, LedgerError, amount_fen, is_treasurer};
use linli_domain::ids::PersonId;
use linli_domain::meetings::parse_line;
use linli_store::StoreError;
use linli_store::funds::{CampaignRow, EntryRow, LedgerWrite, NewEntry};
use linli_store::outbox::OutboxEntry;

/// How often an entry is checked again when others keep coming in between.
const ATTEMPTS: usize = 8;

/// What is being written, decided afresh on each attempt from the ledger as it is.
pub(crate) struct Proposal {
    pub kind: EntryKind,
    pub amount_fen: i64,
    pub pledge_id: Option<i64>,
    pub expense_id: Option<i64>,
    pub reason: Option<String>,
    pub also: LedgerWrite,
    pub outbox: Vec<OutboxEntry>,
}

impl From<LedgerError> for AppError {
    fn from(error: LedgerError) -> Self {
        match error {
            LedgerError::NotReversible => AppError::invalid(error.code(), "entry_seq"),
            _ => AppError::invalid(error.code(), "amount_fen"),
        }
    }
}

/// Checks and writes one entry. `propose` sees the ledger and its stored entries as
/// they are now and says what to write (or refuses).
pub(crate) async fn append<F>(
    app: &App,
    caller: &Caller,
    campaign: i64,
    mut propose: F,
) -> AppResult<i64>
where
    F: FnMut(&Ledger, &[EntryRow]) -> AppResult<Proposal>,
{
    for _ in 0..ATTEMPTS {
        let (entries, lines) = app.store.ledger_entries(campaign).await?;
        let mut ledger = super::fold(&entries, &lines);
        let proposal = propose(&ledger, &entries)?;
        let seq = ledger.record(proposal.kind, proposal.amount_fen)?;
        let Some(entry) = ledger.entries().get(seq) else {
            return Err(AppError::internal("the ledger lost the entry it recorded"));
        };
        let written = app
            .store
            .append_entry(
                NewEntry {
                    campaign_id: campaign,
                    seq: i64::try_from(seq).map_err(|_| AppError::internal("ledger too long"))?,
                    kind: proposal.kind,
                    amount_fen: proposal.amount_fen,
                    lines: &entry.lines,
                    pledge_id: proposal.pledge_id,
                    expense_id: proposal.expense_id,
                    reason: proposal.reason.as_deref(),
                    recorded_by: caller.person,
                },
                proposal.also,
                proposal.outbox,
                app.clock.now(),
            )
            .await;
        match written {
            Err(StoreError::Conflict("fund.ledger_moved")) => continue,
            other => return Ok(other?),
        }
    }
    Err(AppError::Conflict("fund.ledger_moved"))
}

fn treasurer_only(caller: &Caller, campaign: &CampaignRow) -> AppResult<()> {
    if is_treasurer(caller.person, PersonId(campaign.treasurer_id)) {
        Ok(())
    } else {
        Err(AppError::forbidden())
    }
}

/// Gives money back to a donor of a confirmed pledge, with a reason: never more than
/// the pledge brought in, less what was refunded of it already.
pub async fn refund(
    app: &App,
    caller: &Caller,
    campaign_id: i64,
    pledge_id: i64,
    fen: i64,
    reason: &str,
) -> AppResult<i64> {
    let campaign = app.store.campaign(campaign_id).await?;
    treasurer_only(caller, &campaign)?;
    let pledge = app.store.pledge(pledge_id).await?;
    if pledge.campaign_id != campaign_id
        || pledge.status != linli_domain::funds::PledgeStatus::Confirmed
    {
        return Err(AppError::invalid("fund.pledge_not_confirmed", "pledge_id"));
    }
    let fen = amount_fen(fen, "amount_fen")?;
    let reason = parse_line(reason, "reason", 200)?;
    append(app, caller, campaign_id, |_, entries| {
        let refunded: i64 = entries
            .iter()
            .filter(|entry| entry.kind == "refund" && entry.pledge_id == Some(pledge_id))
            .filter(|entry| {
                !entries
                    .iter()
                    .any(|undo| undo.reverses_seq == Some(entry.seq))
            })
            .map(|entry| entry.amount_fen)
            .sum();
        if refunded + fen > pledge.amount_fen {
            return Err(AppError::invalid("fund.refund_over_pledge", "amount_fen"));
        }
        Ok(Proposal {
            kind: EntryKind::Refund,
            amount_fen: fen,
            pledge_id: Some(pledge_id),
            expense_id: None,
            reason: Some(reason.clone()),
            also: LedgerWrite::Only,
            outbox: Vec::new(),
        })
    })
    .await
}

/// Undoes an entry by a reversing one, with the reason kept beside it.
pub async fn correct(
    app: &App,
    caller: &Caller,
    campaign_id: i64,
    entry_seq: i64,
    reason: &str,
) -> AppResult<i64> {
    let campaign = app.store.campaign(campaign_id).await?;
    treasurer_only(caller, &campaign)?;
    let reason = parse_line(reason, "reason", 200)?;
    let of = usize::try_from(entry_seq)
        .map_err(|_| AppError::invalid("fund.not_reversible", "entry_seq"))?;
    append(app, caller, campaign_id, |_, entries| {
        let original = entries
            .get(of)
            .ok_or(AppError::invalid("fund.not_reversible", "entry_seq"))?;
        Ok(Proposal {
            kind: EntryKind::Reversal { of },
            amount_fen: original.amount_fen,
            pledge_id: original.pledge_id,
            expense_id: original.expense_id,
            reason: Some(reason.clone()),
            also: LedgerWrite::Only,
            outbox: Vec::new(),
        })
    })
    .await
}
