//! Crowdfunding (众筹) with a public ledger (财务公开): campaigns for a project, pledges
//! from residents' phones and cash at the desk, the treasurer's confirmations, refunds,
//! expenses with their approval, and corrections — every movement of money an entry of
//! the domain's double-entry, append-only ledger.

pub mod campaigns;
pub mod expenses;
pub mod ledger;
pub mod payment;
pub mod pledges;
pub mod receipts;

use crate::{App, AppError, AppResult, Caller};
use linli_domain::funds::{Ledger, public_donor_name, sees_donors};
use linli_domain::ids::CommunityId;
use linli_store::funds::{CampaignRow, EntryRow, ExpenseRow, PledgeRow};

/// `¥1,234.50`: an amount in fen as people read it.
pub fn yuan_text(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let fen = fen.unsigned_abs();
    let yuan = (fen / 100).to_string();
    let mut grouped = String::with_capacity(yuan.len() + yuan.len() / 3);
    for (index, digit) in yuan.chars().enumerate() {
        if index > 0 && (yuan.len() - index).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    format!("{sign}¥{grouped}.{:02}", fen % 100)
}

/// A campaign's figures, all folded from its entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Figures {
    pub raised_fen: i64,
    /// Promised and not yet arrived.
    pub pledged_fen: i64,
    pub refunded_fen: i64,
    pub spent_fen: i64,
    /// Money in hand: raised − refunded − spent.
    pub balance_fen: i64,
    pub target_fen: i64,
    /// Whether the kept totals agree with the entries and every entry balances.
    pub consistent: bool,
}

impl Figures {
    /// The share of the target raised, in [0, 1] (a campaign may raise more than its
    /// target; the share stops at 1).
    pub fn progress(&self) -> f64 {
        linli_domain::funds::progress_share(self.raised_fen, self.target_fen)
    }

    /// Whole percent of the target raised, 0..=100.
    pub fn progress_percent(&self) -> i64 {
        linli_domain::funds::progress_percent(self.raised_fen, self.target_fen)
    }
}

/// One line of the ledger as the caller may see it.
#[derive(Debug, Clone)]
pub struct LedgerLine {
    pub entry: EntryRow,
    /// For a donation or a refund: the donor as shown in public ("唐**", "匿名").
    pub donor: Option<String>,
    /// For an expense: to whom and for what.
    pub payee: Option<String>,
    pub purpose: Option<String>,
    /// Whether a later entry undid this one.
    pub reversed: bool,
}

/// A campaign with what the caller may see of it.
#[derive(Debug, Clone)]
pub struct CampaignDetail {
    pub campaign: CampaignRow,
    pub figures: Figures,
    pub entries: Vec<LedgerLine>,
    /// Expenses past their draft (drafts and who asked are the office's).
    pub expenses: Vec<ExpenseRow>,
    /// The receipts of those expenses.
    pub receipts: Vec<linli_store::funds::ReceiptRow>,
    /// Every pledge with the donor's real name: the office's people only.
    pub pledges: Option<Vec<PledgeRow>>,
    /// The caller's own pledges.
    pub mine: Vec<PledgeRow>,
    /// How to give, from the payment provider.
    pub how_to_give: String,
    pub is_treasurer: bool,
    pub runs: bool,
}

/// The domain's ledger folded from the stored entries and lines.
pub(crate) fn fold(entries: &[EntryRow], lines: &[linli_store::funds::EntryLineRow]) -> Ledger {
    use linli_domain::funds::{Account, Entry, EntryKind, Line};
    Ledger::from_entries(entries.iter().map(|entry| {
        let kind = match (entry.kind.as_str(), entry.reverses_seq) {
            ("donation", _) => EntryKind::Donation,
            ("refund", _) => EntryKind::Refund,
            ("expense", _) => EntryKind::Expense,
            (_, of) => EntryKind::Reversal {
                of: usize::try_from(of.unwrap_or(-1)).unwrap_or(usize::MAX),
            },
        };
        Entry {
            kind,
            lines: lines
                .iter()
                .filter(|line| line.entry_id == entry.id)
                .filter_map(|line| {
                    Account::parse(&line.account).map(|account| Line {
                        account,
                        fen: line.fen,
                    })
                })
                .collect(),
        }
    }))
}

/// A campaign as the caller (or an anonymous visitor) may see it: its figures and
/// ledger are public; donors' real names and contacts are not.
pub async fn read(app: &App, caller: Option<&Caller>, id: i64) -> AppResult<CampaignDetail> {
    let campaign = app.store.campaign(id).await?;
    let (entries, lines) = app.store.ledger_entries(id).await?;
    let ledger = fold(&entries, &lines);
    let pledges = app.store.pledges(id).await?;
    let community = CommunityId(campaign.community_id);
    let figures = Figures {
        raised_fen: ledger.raised(),
        pledged_fen: campaign.pledged_fen,
        refunded_fen: ledger.refunded(),
        spent_fen: ledger.spent(),
        balance_fen: ledger.available(),
        target_fen: campaign.target_fen,
        consistent: ledger.imbalance() == 0
            && ledger.raised() == campaign.raised_fen
            && ledger.refunded() == campaign.refunded_fen
            && ledger.spent() == campaign.spent_fen
            && i64::try_from(entries.len()).ok() == Some(campaign.entry_count),
    };
    if !figures.consistent {
        tracing::error!(
            campaign = id,
            "a campaign's kept totals disagree with its ledger entries"
        );
    }
    let all_expenses = app.store.expenses(id).await?;
    let reversed: Vec<i64> = entries
        .iter()
        .filter_map(|entry| entry.reverses_seq)
        .collect();
    let mut lines_out = Vec::with_capacity(entries.len());
    for entry in &entries {
        let pledge = entry
            .pledge_id
            .and_then(|pledge| pledges.iter().find(|known| known.id == pledge));
        let expense = entry
            .expense_id
            .and_then(|expense| all_expenses.iter().find(|known| known.id == expense));
        lines_out.push(LedgerLine {
            entry: entry.clone(),
            donor: pledge.map(|pledge| public_donor_name(&pledge.donor_name, pledge.anonymous)),
            payee: expense.map(|expense| expense.payee.clone()),
            purpose: expense.map(|expense| expense.purpose.clone()),
            reversed: reversed.contains(&entry.seq),
        });
    }
    let office = caller.is_some_and(|caller| sees_donors(caller.grants(), community));
    let is_treasurer = caller.is_some_and(|caller| caller.person.0 == campaign.treasurer_id);
    let runs =
        caller.is_some_and(|caller| linli_domain::funds::may_run(caller.grants(), community));
    let mine = caller
        .map(|caller| {
            pledges
                .iter()
                .filter(|pledge| pledge.donor_id == Some(caller.person.0))
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    let mut entries = lines_out;
    let mut expenses: Vec<ExpenseRow> = all_expenses
        .into_iter()
        .filter(|expense| office || expense.status != linli_domain::funds::ExpenseStatus::Draft)
        .collect();
    if !office {
        // Who recorded an entry or asked for an expense is the office's business.
        for line in &mut entries {
            line.entry.recorded_by = 0;
            line.entry.recorded_by_name = String::new();
        }
        for expense in &mut expenses {
            expense.requested_by = 0;
            expense.requested_by_name = String::new();
            expense.approved_by = None;
            expense.approved_by_name = None;
        }
    }
    let receipts = app
        .store
        .campaign_receipts(id)
        .await?
        .into_iter()
        .filter(|receipt| {
            expenses
                .iter()
                .any(|expense| expense.id == receipt.expense_id)
        })
        .collect();
    Ok(CampaignDetail {
        receipts,
        how_to_give: payment::provider().instructions(&campaign),
        figures,
        entries,
        expenses,
        pledges: office.then_some(pledges),
        mine,
        is_treasurer,
        runs,
        campaign,
    })
}

/// A community's campaigns with their figures; anyone may list them. The figures come
/// from the entries (summed by the database, account by account), and are checked
/// against the kept totals as a campaign's own page checks them.
pub async fn list(app: &App, community_id: i64) -> AppResult<Vec<(CampaignRow, Figures)>> {
    let community = CommunityId(community_id);
    app.store.community(community).await?;
    let sums = app.store.community_account_sums(community).await?;
    let mut listed = Vec::new();
    for campaign in app.store.campaigns(community).await? {
        let ours = || sums.iter().filter(|sum| sum.campaign_id == campaign.id);
        let account = |name: &str| -> i64 {
            ours()
                .filter(|sum| sum.account == name)
                .map(|sum| sum.fen)
                .sum()
        };
        let (raised, refunded, spent) = (
            -account("donations"),
            account("refunds"),
            account("expenses"),
        );
        // Every entry moves the money in hand, so its line count is the entry count.
        let entries: i64 = ours()
            .filter(|sum| sum.account == "funds")
            .map(|sum| sum.entries)
            .sum();
        let imbalance: i64 = ours().map(|sum| sum.fen).sum();
        let figures = Figures {
            raised_fen: raised,
            pledged_fen: campaign.pledged_fen,
            refunded_fen: refunded,
            spent_fen: spent,
            balance_fen: account("funds"),
            target_fen: campaign.target_fen,
            consistent: imbalance == 0
                && raised == campaign.raised_fen
                && refunded == campaign.refunded_fen
                && spent == campaign.spent_fen
                && entries == campaign.entry_count,
        };
        if !figures.consistent {
            tracing::error!(
                campaign = campaign.id,
                "a campaign's kept totals disagree with its ledger entries"
            );
        }
        listed.push((campaign, figures));
    }
    Ok(listed)
}

/// The handlers a supervisor may name treasurer of a new campaign.
pub async fn treasurer_choices(
    app: &App,
    caller: &Caller,
    community_id: i64,
) -> AppResult<Vec<linli_store::funds::TreasurerChoice>> {
    let community = CommunityId(community_id);
    if !linli_domain::funds::may_run(caller.grants(), community) {
        return Err(AppError::forbidden());
    }
    Ok(app.store.treasurer_choices(community).await?)
}
