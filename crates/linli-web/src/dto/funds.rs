//! Campaigns and their ledger as the API answers them. The public shape names donors
//! only as "唐**" or "匿名" and says nothing of who recorded an entry; pledges with real
//! names come only to the office.

use chrono::{DateTime, Utc};
use linli_app::funds::{CampaignDetail, Figures, LedgerLine};
use linli_domain::funds::{CampaignStatus, Channel, ExpenseStatus, PledgeStatus};
use linli_store::funds::{CampaignRow, ExpenseRow, PledgeRow, ReceiptRow};
use serde::Serialize;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FiguresView {
    /// Donations confirmed, net of reversals, in fen (分).
    raised_fen: i64,
    /// Pledged and not yet arrived.
    pledged_fen: i64,
    refunded_fen: i64,
    spent_fen: i64,
    /// Money in hand: raised − refunded − spent.
    balance_fen: i64,
    target_fen: i64,
    /// The share of the target raised, in [0, 1].
    progress: f64,
    /// Whether the kept totals agree with the entries (false is a fault to report).
    consistent: bool,
}

impl From<Figures> for FiguresView {
    fn from(figures: Figures) -> Self {
        Self {
            raised_fen: figures.raised_fen,
            pledged_fen: figures.pledged_fen,
            refunded_fen: figures.refunded_fen,
            spent_fen: figures.spent_fen,
            balance_fen: figures.balance_fen,
            target_fen: figures.target_fen,
            progress: figures.progress(),
            consistent: figures.consistent,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = Campaign)]
pub struct CampaignSummary {
    id: i64,
    community_id: i64,
    project_id: Option<i64>,
    project_title: Option<String>,
    title: String,
    purpose: String,
    /// The last day pledges are taken (Shanghai), `YYYY-MM-DD`.
    deadline: String,
    status: CampaignStatus,
    treasurer_name: String,
    treasurer_organisation: String,
    figures: FiguresView,
    created_at: DateTime<Utc>,
}

impl From<(CampaignRow, Figures)> for CampaignSummary {
    fn from((row, figures): (CampaignRow, Figures)) -> Self {
        Self {
            id: row.id,
            community_id: row.community_id,
            project_id: row.project_id,
            project_title: row.project_title,
            title: row.title,
            purpose: row.purpose,
            deadline: row.deadline,
            status: row.status,
            treasurer_name: row.treasurer_name,
            treasurer_organisation: row.treasurer_organisation,
            figures: figures.into(),
            created_at: row.created_at,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EntryView {
    /// The entry's place in the ledger, from 0.
    seq: i64,
    /// `donation`, `refund`, `expense` or `reversal`.
    kind: String,
    amount_fen: i64,
    /// For a reversal: the entry it undoes.
    reverses_seq: Option<i64>,
    /// Whether a later entry undid this one.
    reversed: bool,
    /// Donations and refunds: the donor as shown in public.
    donor: Option<String>,
    payee: Option<String>,
    purpose: Option<String>,
    /// Refunds and reversals: why.
    reason: Option<String>,
    /// The office only.
    recorded_by_name: Option<String>,
    recorded_at: DateTime<Utc>,
}

impl From<LedgerLine> for EntryView {
    fn from(line: LedgerLine) -> Self {
        let entry = line.entry;
        Self {
            seq: entry.seq,
            kind: entry.kind,
            amount_fen: entry.amount_fen,
            reverses_seq: entry.reverses_seq,
            reversed: line.reversed,
            donor: line.donor,
            payee: line.payee,
            purpose: line.purpose,
            reason: entry.reason,
            recorded_by_name: Some(entry.recorded_by_name).filter(|name| !name.is_empty()),
            recorded_at: entry.recorded_at,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ExpenseView {
    id: i64,
    amount_fen: i64,
    payee: String,
    purpose: String,
    status: ExpenseStatus,
    /// The office only.
    requested_by_name: Option<String>,
    approved_by_name: Option<String>,
    /// Why it was approved over the money in hand.
    override_reason: Option<String>,
    reject_reason: Option<String>,
    created_at: DateTime<Utc>,
    paid_at: Option<DateTime<Utc>>,
    /// Photos of the receipts, public with the expense.
    receipts: Vec<ReceiptView>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReceiptView {
    id: i64,
    width: i64,
    height: i64,
    url: String,
    thumbnail_url: String,
}

impl From<&ReceiptRow> for ReceiptView {
    fn from(row: &ReceiptRow) -> Self {
        let url = format!("/api/v1/expenses/{}/receipts/{}", row.expense_id, row.id);
        Self {
            id: row.id,
            width: row.width,
            height: row.height,
            thumbnail_url: format!("{url}?size=thumbnail"),
            url,
        }
    }
}

impl ExpenseView {
    pub fn with_receipts(row: ExpenseRow, receipts: &[ReceiptRow]) -> Self {
        let mut view = Self::from(row);
        view.receipts = receipts
            .iter()
            .filter(|receipt| receipt.expense_id == view.id)
            .map(ReceiptView::from)
            .collect();
        view
    }
}

impl From<ExpenseRow> for ExpenseView {
    fn from(row: ExpenseRow) -> Self {
        Self {
            receipts: Vec::new(),
            id: row.id,
            amount_fen: row.amount_fen,
            payee: row.payee,
            purpose: row.purpose,
            status: row.status,
            requested_by_name: Some(row.requested_by_name).filter(|name| !name.is_empty()),
            approved_by_name: row.approved_by_name,
            override_reason: row.override_reason,
            reject_reason: row.reject_reason,
            created_at: row.created_at,
            paid_at: row.paid_at,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PledgeView {
    id: i64,
    campaign_id: i64,
    /// The donor's name as given (the office and the donor only).
    donor_name: String,
    anonymous: bool,
    amount_fen: i64,
    channel: Channel,
    status: PledgeStatus,
    /// The desk's slip number for cash.
    receipt_number: Option<i64>,
    recorded_by_name: String,
    created_at: DateTime<Utc>,
    decided_at: Option<DateTime<Utc>>,
}

impl From<PledgeRow> for PledgeView {
    fn from(row: PledgeRow) -> Self {
        Self {
            id: row.id,
            campaign_id: row.campaign_id,
            donor_name: row.donor_name,
            anonymous: row.anonymous,
            amount_fen: row.amount_fen,
            channel: row.channel,
            status: row.status,
            receipt_number: row.receipt_number,
            recorded_by_name: row.recorded_by_name,
            created_at: row.created_at,
            decided_at: row.decided_at,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CampaignDetailView {
    #[serde(flatten)]
    campaign: CampaignSummary,
    /// How to give: the desk, the account, the QR code (shown, never processed).
    how_to_give: String,
    entries: Vec<EntryView>,
    expenses: Vec<ExpenseView>,
    /// Every pledge with the donor's name: the office's people only.
    pledges: Option<Vec<PledgeView>>,
    /// The caller's own pledges.
    mine: Vec<PledgeView>,
    /// Whether the caller keeps this campaign's money.
    is_treasurer: bool,
}

impl From<CampaignDetail> for CampaignDetailView {
    fn from(detail: CampaignDetail) -> Self {
        Self {
            campaign: (detail.campaign, detail.figures).into(),
            how_to_give: detail.how_to_give,
            entries: detail.entries.into_iter().map(EntryView::from).collect(),
            expenses: detail
                .expenses
                .into_iter()
                .map(|expense| ExpenseView::with_receipts(expense, &detail.receipts))
                .collect(),
            pledges: detail
                .pledges
                .map(|pledges| pledges.into_iter().map(PledgeView::from).collect()),
            mine: detail.mine.into_iter().map(PledgeView::from).collect(),
            is_treasurer: detail.is_treasurer,
        }
    }
}
