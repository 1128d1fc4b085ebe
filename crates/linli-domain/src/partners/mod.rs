//! Partner units (区域化党建共建单位): schools, hospitals, the police station, companies
//! that build the community together with its party branch — what each is, whom the
//! office calls there, what it offers (场地, 志愿服务, 资金, 专业服务), the co-building
//! activities they took part in, and the projects they are a co-party of. Pure.

use crate::access::{administers, holds};
use crate::error::ValidationError;
use crate::ids::CommunityId;
use crate::meetings::named_enum;
use crate::roles::{Grant, Role};
use serde::{Deserialize, Serialize};

#[cfg(test)]
mod tests;

named_enum!(
    /// What kind of unit a partner is.
    PartnerCategory, "partner.category_unknown", "category" {
        /// 学校
        School => "school",
        /// 医院、卫生服务中心
        Hospital => "hospital",
        /// 派出所
        Police => "police",
        /// 街道、机关
        Government => "government",
        /// 企业
        Enterprise => "enterprise",
        /// 社会组织
        SocialOrganisation => "social_organisation",
        /// 其他
        Other => "other",
    }
);

named_enum!(
    /// What a partner puts in.
    Offer, "partner.offer_unknown", "offers" {
        /// 场地
        Venue => "venue",
        /// 志愿服务
        Volunteers => "volunteers",
        /// 资金
        Funds => "funds",
        /// 专业服务 (义诊, 法律咨询, 安全讲座)
        Expertise => "expertise",
    }
);

/// Who keeps the partners, their activities and their part in projects: the party
/// branch's supervisor (区域化党建 is its work) and the community's admin.
pub fn may_edit(grants: &[Grant], community: CommunityId) -> bool {
    holds(grants, Role::Supervisor, community) || administers(grants, community)
}

/// The offers as ticked: each known, none twice; kept in the fixed order of [`Offer::ALL`]
/// whatever order they came in, so that the stored text is the same for the same set.
pub fn parse_offers<S: AsRef<str>>(raw: &[S]) -> Result<Vec<Offer>, ValidationError> {
    let mut offers = Vec::new();
    for item in raw {
        let offer = Offer::parse(item.as_ref().trim())?;
        if offers.contains(&offer) {
            return Err(ValidationError::new("partner.offer_twice", "offers"));
        }
        offers.push(offer);
    }
    offers.sort_by_key(|offer| Offer::ALL.iter().position(|known| known == offer));
    Ok(offers)
}

/// The stored form of a set of offers: comma-separated, in the fixed order.
pub fn offers_text(offers: &[Offer]) -> String {
    offers
        .iter()
        .map(|offer| offer.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

/// Reads the stored form back; an unknown word (which the column's writers never store)
/// is dropped rather than failing the whole page.
pub fn offers_from_text(stored: &str) -> Vec<Offer> {
    stored
        .split(',')
        .filter_map(|word| Offer::parse(word).ok())
        .collect()
}

/// The units that took part in an activity: at least one, none twice, each a partner of
/// the activity's community (`partners`: the ids of the community's partner units).
pub fn check_units(units: &[i64], partners: &[i64]) -> Result<(), ValidationError> {
    if units.is_empty() {
        return Err(ValidationError::new("partner.units_required", "units"));
    }
    for (at, unit) in units.iter().enumerate() {
        if units[..at].contains(unit) {
            return Err(ValidationError::new("partner.unit_twice", "units"));
        }
        if !partners.contains(unit) {
            return Err(ValidationError::new("partner.unit_unknown", "units"));
        }
    }
    Ok(())
}

/// How many residents an activity served, when given: a whole number up to 100,000.
pub fn parse_residents_served(raw: i64) -> Result<i64, ValidationError> {
    if (0..=100_000).contains(&raw) {
        Ok(raw)
    } else {
        Err(ValidationError::new(
            "validation.out_of_range",
            "residents_served",
        ))
    }
}
