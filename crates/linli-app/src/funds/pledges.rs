//! Pledges (认捐): a resident's from the phone ("我要捐款"), or cash the desk takes with a
//! numbered slip. A pledge becomes a donation only when the payment provider's
//! confirmation comes (for the manual provider: the treasurer's word).

use super::ledger::{Proposal, append};
use super::payment::provider;
use crate::{App, AppError, AppResult, Caller, FieldChecks};
use chrono::NaiveDate;
use linli_domain::calendar::shanghai;
use linli_domain::funds::{
    CampaignStatus, Channel, EntryKind, PledgeStatus, amount_fen, is_treasurer, may_pledge,
    may_record_for_others, public_donor_name,
};
use linli_domain::ids::{CommunityId, PersonId};
use linli_domain::meetings::parse_line;
use linli_domain::notifications::Topic;
use linli_store::funds::{LedgerWrite, NewPledge};
use linli_store::outbox::OutboxEntry;
use serde_json::json;

#[derive(Debug, Clone, Default)]
pub struct PledgeRequest {
    pub amount_fen: i64,
    /// `cash`, `transfer` or `qr_code`.
    pub channel: String,
    /// Shown as "匿名" on the public ledger.
    pub anonymous: bool,
    /// Taken at the desk for a visitor: the visitor's name (the caller is then not the
    /// donor). Absent: the caller pledges for themselves.
    pub donor_name: Option<String>,
}

/// A pledge written: its id and, for cash at the desk, the slip's number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pledged {
    pub id: i64,
    pub receipt_number: Option<i64>,
}

/// Takes a pledge; the treasurer hears of it.
pub async fn pledge(
    app: &App,
    caller: &Caller,
    campaign_id: i64,
    input: &PledgeRequest,
) -> AppResult<Pledged> {
    let campaign = app.store.campaign(campaign_id).await?;
    let community = CommunityId(campaign.community_id);
    let for_visitor = input.donor_name.is_some();
    let allowed = if for_visitor {
        may_record_for_others(caller.grants(), community)
    } else {
        may_pledge(caller.grants(), community)
    };
    if !allowed {
        return Err(AppError::forbidden());
    }
    let mut checks = FieldChecks::default();
    let amount = checks.check(amount_fen(input.amount_fen, "amount_fen"))?;
    let channel = checks.check(Channel::parse(input.channel.trim()))?;
    if channel.is_some_and(|channel| !provider().channels().contains(&channel)) {
        checks.refuse(AppError::invalid("fund.channel_unknown", "channel"))?;
    }
    let donor_name = match &input.donor_name {
        Some(name) => checks.check(parse_line(name, "donor_name", 40))?,
        None => Some(caller.account.display_name.clone()),
    };
    checks.finish()?;
    let (Some(amount), Some(channel), Some(donor_name)) = (amount, channel, donor_name) else {
        return Err(AppError::internal("a checked pledge lost a field"));
    };
    if campaign.status != CampaignStatus::Open {
        return Err(AppError::Conflict("fund.campaign_closed"));
    }
    let today = app.clock.now().with_timezone(&shanghai()).date_naive();
    let deadline = NaiveDate::parse_from_str(&campaign.deadline, "%Y-%m-%d")
        .map_err(|_| AppError::internal("a stored deadline is not a day"))?;
    if today > deadline {
        return Err(AppError::Conflict("fund.campaign_ended"));
    }
    let now = app.clock.now();
    let outbox = OutboxEntry {
        topic: Topic::FundPledged,
        community_id: Some(community.0),
        work_order_id: None,
        payload: json!({
            "campaign_id": campaign.id,
            "treasurer_id": campaign.treasurer_id,
            "title": campaign.title,
            "amount_fen": amount,
            "donor": public_donor_name(&donor_name, input.anonymous),
        }),
        at: now,
    };
    let (id, receipt_number) = app
        .store
        .add_pledge(
            NewPledge {
                campaign_id,
                donor: (!for_visitor).then_some(caller.person),
                donor_name: &donor_name,
                anonymous: input.anonymous,
                amount_fen: amount,
                channel,
                with_receipt: for_visitor && channel == Channel::Cash,
                recorded_by: caller.person,
            },
            Some(outbox),
            now,
        )
        .await?;
    Ok(Pledged { id, receipt_number })
}

/// The money of a pledge arrived: it becomes a donation, once, however many confirm it
/// at the same moment.
pub async fn confirm(app: &App, caller: &Caller, pledge_id: i64) -> AppResult<i64> {
    let pledge = app.store.pledge(pledge_id).await?;
    let campaign = app.store.campaign(pledge.campaign_id).await?;
    if !provider().confirmed_by(caller.person, &campaign) {
        return Err(AppError::forbidden());
    }
    if pledge.status != PledgeStatus::Pledged {
        return Err(AppError::Conflict("fund.pledge_not_pending"));
    }
    append(app, caller, campaign.id, |_, _| {
        Ok(Proposal {
            kind: EntryKind::Donation,
            amount_fen: pledge.amount_fen,
            pledge_id: Some(pledge_id),
            expense_id: None,
            reason: None,
            also: LedgerWrite::ConfirmPledge(pledge_id),
            outbox: Vec::new(),
        })
    })
    .await
}

/// Ends a pledge still waiting for its money: the donor (or the treasurer) withdraws
/// it, or the treasurer lets it lapse.
pub async fn end(app: &App, caller: &Caller, pledge_id: i64, to: &str) -> AppResult<()> {
    let pledge = app.store.pledge(pledge_id).await?;
    let campaign = app.store.campaign(pledge.campaign_id).await?;
    let treasurer = is_treasurer(caller.person, PersonId(campaign.treasurer_id));
    let donor = pledge.donor_id == Some(caller.person.0);
    let to = match to {
        "withdraw" if donor || treasurer => PledgeStatus::Withdrawn,
        "lapse" if treasurer => PledgeStatus::Lapsed,
        "withdraw" | "lapse" => return Err(AppError::forbidden()),
        _ => return Err(AppError::NotFound("fund.transition_unknown")),
    };
    app.store
        .end_pledge(pledge_id, to, caller.person, app.clock.now())
        .await?;
    Ok(())
}

/// A pledge with its campaign, for its slip: the donor's own, or any for the office.
pub async fn slip(
    app: &App,
    caller: &Caller,
    pledge_id: i64,
) -> AppResult<(
    linli_store::funds::PledgeRow,
    linli_store::funds::CampaignRow,
)> {
    let pledge = app.store.pledge(pledge_id).await?;
    let campaign = app.store.campaign(pledge.campaign_id).await?;
    let community = CommunityId(campaign.community_id);
    let donor = pledge.donor_id == Some(caller.person.0);
    if !donor && !linli_domain::funds::sees_donors(caller.grants(), community) {
        // Someone else's slip is not there at all for a resident.
        return Err(AppError::NotFound("fund.pledge_not_found"));
    }
    Ok((pledge, campaign))
}
