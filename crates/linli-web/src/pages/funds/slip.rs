//! The slip for cash taken at the desk (收款凭条): printed and handed over, so the donor
//! holds proof that the money was taken and by whom until the treasurer confirms it.

use super::label;
use crate::error::ApiError;
use crate::locale::text;
use crate::pages::context::{PageContext, PageResult, Viewer, render};
use crate::pages::orders::dated;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use linli_app::funds::{pledges, yuan_text};
use linli_domain::funds::public_donor_name;

#[derive(Template)]
#[template(path = "funds_slip.html")]
struct SlipPage {
    page: PageContext,
    campaign_id: i64,
    campaign: String,
    receipt: String,
    donor: String,
    shown_as: String,
    amount: String,
    channel: String,
    status: String,
    taken_at: String,
    taken_by: String,
    treasurer: String,
    office: bool,
}

/// The slip of one pledge: for the office, or for the donor who made it.
pub async fn slip_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> PageResult {
    let signed_in = viewer.require()?;
    let (pledge, campaign) = pledges::slip(&state, &signed_in.user, id)
        .await
        .map_err(ApiError::from)?;
    let receipt = pledge
        .receipt_number
        .map(|number| format!("No. {number:04}"))
        .unwrap_or_default();
    Ok(render(&SlipPage {
        page: viewer.context(
            text("page.funds.slip_title", &[("receipt", receipt.clone())]),
            "campaigns",
        ),
        campaign_id: campaign.id,
        campaign: campaign.title.clone(),
        receipt,
        donor: pledge.donor_name.clone(),
        shown_as: public_donor_name(&pledge.donor_name, pledge.anonymous),
        amount: yuan_text(pledge.amount_fen),
        channel: label("channel", pledge.channel.as_str()),
        status: label("pledge", pledge.status.as_str()),
        taken_at: dated(pledge.created_at),
        taken_by: pledge.recorded_by_name.clone(),
        treasurer: format!(
            "{}（{}）",
            campaign.treasurer_name, campaign.treasurer_organisation
        ),
        office: signed_in.roles.is_staff(),
    }))
}
