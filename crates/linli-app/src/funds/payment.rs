//! How money reaches a campaign. Linli takes no payment itself: a provider tells donors
//! how to pay and says whose word confirms that the money arrived. The manual provider
//! (cash at the desk, a transfer, a scan of the committee's QR code) is confirmed by the
//! campaign's treasurer. A real gateway would be another provider, confirming from its
//! own notice; the ledger is written the same way whoever confirms.

use linli_domain::funds::{Channel, is_treasurer};
use linli_domain::ids::PersonId;
use linli_store::funds::CampaignRow;

pub trait PaymentProvider: Send + Sync {
    /// The channels it takes money by.
    fn channels(&self) -> &'static [Channel];
    /// What a donor is told to do to pay.
    fn instructions(&self, campaign: &CampaignRow) -> String;
    /// Whether `person` saying the money arrived is proof enough to write the donation.
    fn confirmed_by(&self, person: PersonId, campaign: &CampaignRow) -> bool;
}

/// Confirmation by the treasurer, who counted the cash or saw the transfer.
pub struct ManualProvider;

impl PaymentProvider for ManualProvider {
    fn channels(&self) -> &'static [Channel] {
        Channel::ALL
    }

    fn instructions(&self, campaign: &CampaignRow) -> String {
        campaign.how_to_give.clone()
    }

    fn confirmed_by(&self, person: PersonId, campaign: &CampaignRow) -> bool {
        is_treasurer(person, PersonId(campaign.treasurer_id))
    }
}

/// The provider money comes through.
pub fn provider() -> &'static dyn PaymentProvider {
    &ManualProvider
}
