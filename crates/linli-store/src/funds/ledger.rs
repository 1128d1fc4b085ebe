//! The campaign's ledger: entries and their lines, only ever inserted.

use crate::db::{Store, stored_time};
use crate::error::{StoreError, StoreResult};
use crate::outbox::{OutboxEntry, write_outbox};
use chrono::{DateTime, Utc};
use linli_domain::funds::{Account, EntryKind};
use linli_domain::ids::PersonId;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct EntryRow {
    pub id: i64,
    pub campaign_id: i64,
    pub seq: i64,
    pub kind: String,
    pub amount_fen: i64,
    pub reverses_seq: Option<i64>,
    pub pledge_id: Option<i64>,
    pub expense_id: Option<i64>,
    pub reason: Option<String>,
    pub recorded_by: i64,
    pub recorded_by_name: String,
    pub recorded_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct EntryLineRow {
    pub entry_id: i64,
    pub account: String,
    pub fen: i64,
}

/// An entry the domain's ledger accepted, to be written at position `seq`.
pub struct NewEntry<'a> {
    pub campaign_id: i64,
    /// The campaign's entry count the entry was checked against: if another entry was
    /// written since, nothing is written and `fund.ledger_moved` is answered.
    pub seq: i64,
    pub kind: EntryKind,
    pub amount_fen: i64,
    pub lines: &'a [linli_domain::funds::Line],
    pub pledge_id: Option<i64>,
    pub expense_id: Option<i64>,
    pub reason: Option<&'a str>,
    pub recorded_by: PersonId,
}

/// What else the entry's transaction changes: the pledge it confirms or the expense it
/// pays, each only from the state it was decided on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LedgerWrite {
    Only,
    ConfirmPledge(i64),
    PayExpense(i64),
}

impl Store {
    /// Writes an entry with its lines, moves the kept totals by the same lines, and does
    /// `also`, all in one transaction, or nothing.
    pub async fn append_entry(
        &self,
        entry: NewEntry<'_>,
        also: LedgerWrite,
        outbox: Vec<OutboxEntry>,
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        let now = stored_time(now);
        let moved = |account: Account| -> i64 {
            entry
                .lines
                .iter()
                .filter(|line| line.account == account)
                .map(|line| line.fen)
                .sum()
        };
        let raised = -moved(Account::Donations);
        let refunded = moved(Account::Refunds);
        let spent = moved(Account::Expenses);
        let reverses = match entry.kind {
            EntryKind::Reversal { of } => i64::try_from(of).ok(),
            _ => None,
        };
        on_pool!(&self.db, |pool| {
            let mut tx = pool.begin().await?;
            // The campaign's row first: it orders the writers, and its count must still
            // be the one the entry was checked against.
            let taken = sqlx::query(
                "UPDATE fund_campaigns SET entry_count = entry_count + 1, raised_fen = raised_fen + $3,
                    refunded_fen = refunded_fen + $4, spent_fen = spent_fen + $5, updated_at = $6
                 WHERE id = $1 AND entry_count = $2",
            )
            .bind(entry.campaign_id)
            .bind(entry.seq)
            .bind(raised)
            .bind(refunded)
            .bind(spent)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if taken == 0 {
                return Err(StoreError::Conflict("fund.ledger_moved"));
            }
            let changed = match also {
                LedgerWrite::Only => 1,
                LedgerWrite::ConfirmPledge(pledge) => sqlx::query(
                    "UPDATE fund_pledges SET status = 'confirmed', decided_by = $2, decided_at = $3
                     WHERE id = $1 AND status = 'pledged'",
                )
                .bind(pledge)
                .bind(entry.recorded_by.0)
                .bind(now)
                .execute(&mut *tx)
                .await?
                .rows_affected(),
                LedgerWrite::PayExpense(expense) => sqlx::query(
                    "UPDATE fund_expenses SET status = 'paid', paid_by = $2, paid_at = $3, updated_at = $3
                     WHERE id = $1 AND status = 'approved'",
                )
                .bind(expense)
                .bind(entry.recorded_by.0)
                .bind(now)
                .execute(&mut *tx)
                .await?
                .rows_affected(),
            };
            if changed == 0 {
                return Err(StoreError::Conflict(match also {
                    LedgerWrite::PayExpense(_) => "fund.expense_not_approved",
                    _ => "fund.pledge_not_pending",
                }));
            }
            let id = sqlx::query_scalar::<_, i64>(
                "INSERT INTO fund_entries (campaign_id, seq, kind, amount_fen, reverses_seq, pledge_id, expense_id,
                    reason, recorded_by, recorded_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
            )
            .bind(entry.campaign_id)
            .bind(entry.seq)
            .bind(entry.kind.as_str())
            .bind(entry.amount_fen)
            .bind(reverses)
            .bind(entry.pledge_id)
            .bind(entry.expense_id)
            .bind(entry.reason)
            .bind(entry.recorded_by.0)
            .bind(now)
            .fetch_one(&mut *tx)
            .await
            .map_err(StoreError::unique_as("fund.ledger_moved"))?;
            let mut lines =
                sqlx::QueryBuilder::new("INSERT INTO fund_entry_lines (entry_id, account, fen) ");
            lines.push_values(entry.lines, |mut row, line| {
                row.push_bind(id)
                    .push_bind(line.account.as_str())
                    .push_bind(line.fen);
            });
            lines.build().execute(&mut *tx).await?;
            write_outbox!(tx, &outbox);
            tx.commit().await?;
            Ok::<_, StoreError>(id)
        })
    }

    /// A campaign's entries in ledger order, and all their lines.
    pub async fn ledger_entries(
        &self,
        campaign: i64,
    ) -> StoreResult<(Vec<EntryRow>, Vec<EntryLineRow>)> {
        Ok(on_pool!(&self.db, |pool| {
            let entries = sqlx::query_as::<_, EntryRow>(
                "SELECT e.id, e.campaign_id, e.seq, e.kind, e.amount_fen, e.reverses_seq, e.pledge_id, e.expense_id,
                    e.reason, e.recorded_by, p.display_name AS recorded_by_name, e.recorded_at
                 FROM fund_entries e JOIN people p ON p.id = e.recorded_by
                 WHERE e.campaign_id = $1 ORDER BY e.seq",
            )
            .bind(campaign)
            .fetch_all(pool)
            .await?;
            let lines = sqlx::query_as::<_, EntryLineRow>(
                "SELECT l.entry_id, l.account, l.fen FROM fund_entry_lines l
                 JOIN fund_entries e ON e.id = l.entry_id WHERE e.campaign_id = $1 ORDER BY l.id",
            )
            .bind(campaign)
            .fetch_all(pool)
            .await?;
            Ok::<_, sqlx::Error>((entries, lines))
        })?)
    }
}

/// What the entries of one campaign add up to, account by account, for a list of
/// campaigns without reading each ledger.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AccountSum {
    pub campaign_id: i64,
    pub account: String,
    pub fen: i64,
    /// How many entries of the campaign have a line on this account.
    pub entries: i64,
}

impl Store {
    /// The sums of every account of every campaign of a community, in one query.
    pub async fn community_account_sums(
        &self,
        community: linli_domain::ids::CommunityId,
    ) -> StoreResult<Vec<AccountSum>> {
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, AccountSum>(
                "SELECT e.campaign_id, l.account, CAST(SUM(l.fen) AS BIGINT) AS fen,
                        COUNT(DISTINCT e.id) AS entries
                 FROM fund_entry_lines l
                 JOIN fund_entries e ON e.id = l.entry_id
                 JOIN fund_campaigns c ON c.id = e.campaign_id
                 WHERE c.community_id = $1
                 GROUP BY e.campaign_id, l.account",
            )
            .bind(community.0)
            .fetch_all(pool)
            .await
        })?)
    }
}
