//! Crowdfunding campaigns (众筹), their pledges and expenses, and the append-only ledger
//! (`ledger.rs`). The rules (amounts, states, the double entry) are the domain's; this
//! keeps the rows and makes each write conditional on the state it was decided on.

mod expenses;
mod ledger;
mod receipts;

pub use expenses::{ExpenseRow, NewExpense};
pub use ledger::{AccountSum, EntryLineRow, EntryRow, LedgerWrite, NewEntry};
pub use receipts::ReceiptRow;

use crate::db::{Store, stored_time};
use crate::error::{StoreError, StoreResult};
use crate::outbox::{OutboxEntry, write_outbox};
use chrono::{DateTime, Utc};
use linli_domain::funds::{CampaignStatus, Channel, PledgeStatus};
use linli_domain::ids::{CommunityId, PersonId};
use sqlx::AssertSqlSafe;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CampaignRow {
    pub id: i64,
    pub community_id: i64,
    pub project_id: Option<i64>,
    pub project_title: Option<String>,
    pub title: String,
    pub purpose: String,
    pub target_fen: i64,
    pub deadline: String,
    pub treasurer_id: i64,
    pub treasurer_name: String,
    pub treasurer_organisation_id: i64,
    pub treasurer_organisation: String,
    pub how_to_give: String,
    #[sqlx(try_from = "String")]
    pub status: CampaignStatus,
    /// Kept totals, written with every entry; cross-checked against the entries.
    pub raised_fen: i64,
    pub refunded_fen: i64,
    pub spent_fen: i64,
    pub entry_count: i64,
    /// Pledged and not yet confirmed, withdrawn or lapsed.
    pub pledged_fen: i64,
    pub created_by: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PledgeRow {
    pub id: i64,
    pub campaign_id: i64,
    pub donor_id: Option<i64>,
    pub donor_name: String,
    pub anonymous: bool,
    pub amount_fen: i64,
    #[sqlx(try_from = "String")]
    pub channel: Channel,
    #[sqlx(try_from = "String")]
    pub status: PledgeStatus,
    pub receipt_number: Option<i64>,
    pub recorded_by: i64,
    pub recorded_by_name: String,
    pub created_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
}

pub struct NewCampaign<'a> {
    pub community: CommunityId,
    pub project_id: Option<i64>,
    pub title: &'a str,
    pub purpose: &'a str,
    pub target_fen: i64,
    pub deadline: &'a str,
    pub treasurer: PersonId,
    pub treasurer_organisation_id: i64,
    pub how_to_give: &'a str,
    pub created_by: PersonId,
}

pub struct NewPledge<'a> {
    pub campaign_id: i64,
    pub donor: Option<PersonId>,
    pub donor_name: &'a str,
    pub anonymous: bool,
    pub amount_fen: i64,
    pub channel: Channel,
    /// Cash taken at the desk gets the campaign's next slip number.
    pub with_receipt: bool,
    pub recorded_by: PersonId,
}

const CAMPAIGN_COLUMNS: &str = "SELECT c.id, c.community_id, c.project_id, p.title AS project_title, c.title, c.purpose,
        c.target_fen, c.deadline, c.treasurer_id, t.display_name AS treasurer_name, c.treasurer_organisation_id,
        o.name AS treasurer_organisation, c.how_to_give, c.status, c.raised_fen, c.refunded_fen, c.spent_fen,
        c.entry_count,
        CAST(COALESCE((SELECT SUM(g.amount_fen) FROM fund_pledges g WHERE g.campaign_id = c.id AND g.status = 'pledged'), 0)
            AS BIGINT) AS pledged_fen,
        c.created_by, c.created_at, c.updated_at
    FROM fund_campaigns c JOIN people t ON t.id = c.treasurer_id
        JOIN organisations o ON o.id = c.treasurer_organisation_id
        LEFT JOIN projects p ON p.id = c.project_id";

const PLEDGE_COLUMNS: &str = "SELECT g.id, g.campaign_id, g.donor_id, g.donor_name, g.anonymous, g.amount_fen, g.channel,
        g.status, g.receipt_number, g.recorded_by, r.display_name AS recorded_by_name, g.created_at, g.decided_at
    FROM fund_pledges g JOIN people r ON r.id = g.recorded_by";

impl Store {
    pub async fn create_campaign(
        &self,
        campaign: NewCampaign<'_>,
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        let now = stored_time(now);
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_scalar::<_, i64>(
                "INSERT INTO fund_campaigns (community_id, project_id, title, purpose, target_fen, deadline, treasurer_id,
                    treasurer_organisation_id, how_to_give, status, created_by, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'open', $10, $11, $11) RETURNING id",
            )
            .bind(campaign.community.0)
            .bind(campaign.project_id)
            .bind(campaign.title)
            .bind(campaign.purpose)
            .bind(campaign.target_fen)
            .bind(campaign.deadline)
            .bind(campaign.treasurer.0)
            .bind(campaign.treasurer_organisation_id)
            .bind(campaign.how_to_give)
            .bind(campaign.created_by.0)
            .bind(now)
            .fetch_one(pool)
            .await
        })?)
    }

    pub async fn campaign(&self, id: i64) -> StoreResult<CampaignRow> {
        let sql = format!("{CAMPAIGN_COLUMNS} WHERE c.id = $1");
        on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, CampaignRow>(AssertSqlSafe(sql.as_str()))
                .bind(id)
                .fetch_optional(pool)
                .await
        })?
        .ok_or(StoreError::NotFound("fund.campaign_not_found"))
    }

    /// A community's campaigns, newest first.
    pub async fn campaigns(&self, community: CommunityId) -> StoreResult<Vec<CampaignRow>> {
        let sql = format!("{CAMPAIGN_COLUMNS} WHERE c.community_id = $1 ORDER BY c.id DESC");
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, CampaignRow>(AssertSqlSafe(sql.as_str()))
                .bind(community.0)
                .fetch_all(pool)
                .await
        })?)
    }

    /// Closes an open campaign; the pledges still unpaid lapse with it.
    pub async fn close_campaign(
        &self,
        id: i64,
        by: PersonId,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let now = stored_time(now);
        on_pool!(&self.db, |pool| {
            let mut tx = pool.begin().await?;
            let closed = sqlx::query(
                "UPDATE fund_campaigns SET status = 'closed', updated_at = $2 WHERE id = $1 AND status = 'open'",
            )
            .bind(id)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if closed == 0 {
                return Err(StoreError::Conflict("fund.campaign_closed"));
            }
            sqlx::query(
                "UPDATE fund_pledges SET status = 'lapsed', decided_by = $2, decided_at = $3
                 WHERE campaign_id = $1 AND status = 'pledged'",
            )
            .bind(id)
            .bind(by.0)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(())
        })
    }

    /// A new pledge of an open campaign (with its slip number for cash at the desk) and
    /// the message telling the treasurer, in one transaction.
    pub async fn add_pledge(
        &self,
        pledge: NewPledge<'_>,
        outbox: Option<OutboxEntry>,
        now: DateTime<Utc>,
    ) -> StoreResult<(i64, Option<i64>)> {
        let now = stored_time(now);
        let outbox: Vec<OutboxEntry> = outbox.into_iter().collect();
        on_pool!(&self.db, |pool| {
            let mut tx = pool.begin().await?;
            // Taking the campaign's row first serialises the slip numbers.
            let receipt = sqlx::query_scalar::<_, i64>(
                "UPDATE fund_campaigns SET last_receipt = last_receipt + CASE WHEN $2 THEN 1 ELSE 0 END, updated_at = $3
                 WHERE id = $1 AND status = 'open' RETURNING last_receipt",
            )
            .bind(pledge.campaign_id)
            .bind(pledge.with_receipt)
            .bind(now)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::Conflict("fund.campaign_closed"))?;
            let receipt = pledge.with_receipt.then_some(receipt);
            let id = sqlx::query_scalar::<_, i64>(
                "INSERT INTO fund_pledges (campaign_id, donor_id, donor_name, anonymous, amount_fen, channel, status,
                    receipt_number, recorded_by, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, 'pledged', $7, $8, $9) RETURNING id",
            )
            .bind(pledge.campaign_id)
            .bind(pledge.donor.map(|person| person.0))
            .bind(pledge.donor_name)
            .bind(pledge.anonymous)
            .bind(pledge.amount_fen)
            .bind(pledge.channel.as_str())
            .bind(receipt)
            .bind(pledge.recorded_by.0)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            write_outbox!(tx, &outbox);
            tx.commit().await?;
            Ok::<_, StoreError>((id, receipt))
        })
    }

    pub async fn pledge(&self, id: i64) -> StoreResult<PledgeRow> {
        let sql = format!("{PLEDGE_COLUMNS} WHERE g.id = $1");
        on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, PledgeRow>(AssertSqlSafe(sql.as_str()))
                .bind(id)
                .fetch_optional(pool)
                .await
        })?
        .ok_or(StoreError::NotFound("fund.pledge_not_found"))
    }

    /// A campaign's pledges, in the order they came.
    pub async fn pledges(&self, campaign: i64) -> StoreResult<Vec<PledgeRow>> {
        let sql = format!("{PLEDGE_COLUMNS} WHERE g.campaign_id = $1 ORDER BY g.id");
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, PledgeRow>(AssertSqlSafe(sql.as_str()))
                .bind(campaign)
                .fetch_all(pool)
                .await
        })?)
    }

    /// Withdraws or lapses a pledge still waiting for its money.
    pub async fn end_pledge(
        &self,
        id: i64,
        to: PledgeStatus,
        by: PersonId,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let done = on_pool!(&self.db, |pool| {
            sqlx::query(
                "UPDATE fund_pledges SET status = $2, decided_by = $3, decided_at = $4
                 WHERE id = $1 AND status = 'pledged'",
            )
            .bind(id)
            .bind(to.as_str())
            .bind(by.0)
            .bind(stored_time(now))
            .execute(pool)
            .await
            .map(|done| done.rows_affected())
        })?;
        if done == 0 {
            Err(StoreError::Conflict("fund.pledge_not_pending"))
        } else {
            Ok(())
        }
    }

    /// The people who gave to a campaign with an account (for "your money was spent").
    pub async fn campaign_donors(&self, campaign: i64) -> StoreResult<Vec<i64>> {
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_scalar::<_, i64>(
                "SELECT DISTINCT donor_id FROM fund_pledges
                 WHERE campaign_id = $1 AND status = 'confirmed' AND donor_id IS NOT NULL ORDER BY donor_id",
            )
            .bind(campaign)
            .fetch_all(pool)
            .await
        })?)
    }

    /// Who may keep a campaign's money: each handler of one of the community's
    /// parties, with the party they would keep it for.
    pub async fn treasurer_choices(
        &self,
        community: CommunityId,
    ) -> StoreResult<Vec<TreasurerChoice>> {
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, TreasurerChoice>(
                "SELECT DISTINCT p.id AS person_id, p.display_name AS name,
                        o.id AS organisation_id, o.name AS organisation
                 FROM role_grants g
                 JOIN people p ON p.id = g.person_id
                 JOIN organisations o ON o.id = g.organisation_id
                 WHERE g.role = 'handler' AND o.community_id = $1 AND NOT p.disabled
                 ORDER BY o.name, p.display_name, p.id",
            )
            .bind(community.0)
            .fetch_all(pool)
            .await
        })?)
    }
}

/// A handler of one of the community's parties, who may be named treasurer.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TreasurerChoice {
    pub person_id: i64,
    pub name: String,
    pub organisation_id: i64,
    pub organisation: String,
}
