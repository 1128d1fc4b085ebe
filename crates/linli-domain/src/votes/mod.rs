//! Owners' votes (业主表决) and the thresholds of 民法典 第二百七十八条.
//!
//! Who counts: the owners of record of each 专有部分 (a room), from the registry. A
//! room's owners cast one ballot together; after the Supreme People's Court's
//! interpretation on 建筑物区分所有权 (第九条), one 专有部分 counts as one owner, and one
//! owner of several counts as one — so an *owner* here is the set of people who own a
//! room, and someone who alone owns three flats is one owner with their area added up.
//! Area is each room's floor area (专有部分面积) in square centimetres, so that "one
//! square centimetre below ⅔" is exact integer arithmetic.
//!
//! The law's rule:
//! - a matter is decided only if owners holding ≥ ⅔ of the area **and** ≥ ⅔ of the
//!   owners take part;
//! - 筹集维修资金, 改建重建 and 改变共有部分用途或利用共有部分从事经营活动 then need
//!   ≥ ¾ of the participating area **and** ≥ ¾ of the participating owners;
//! - every other matter needs more than half of both.

mod roll;
#[cfg(test)]
mod tests;

pub use roll::{
    Cast, Decision, RollError, RollRoom, Voter, area_from_hundredths, decide, latest_choices,
    make_roll, tally,
};

use crate::ValidationError;
use crate::access::{holds, is_resident, is_staff, may_report_for_others};
use crate::ids::{CommunityId, OrganisationId};
use crate::roles::{Grant, Role, Scope};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// The matters of 民法典 278 (the law's list), and any other major matter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MatterType {
    /// 制定和修改业主大会议事规则 / 管理规约
    Rules,
    /// 选举业主委员会或者更换业主委员会成员
    ElectCommittee,
    /// 选聘和解聘物业服务企业或者其他管理人
    EngageManager,
    /// 使用建筑物及其附属设施的维修资金
    UseRepairFund,
    /// 筹集建筑物及其附属设施的维修资金
    RaiseRepairFund,
    /// 改建、重建建筑物及其附属设施
    Rebuild,
    /// 改变共有部分的用途或者利用共有部分从事经营活动
    CommonPartsUse,
    /// 有关共有和共同管理权利的其他重大事项
    Other,
}

impl MatterType {
    pub const ALL: [MatterType; 8] = [
        Self::Rules,
        Self::ElectCommittee,
        Self::EngageManager,
        Self::UseRepairFund,
        Self::RaiseRepairFund,
        Self::Rebuild,
        Self::CommonPartsUse,
        Self::Other,
    ];

    /// The three matters that need ¾ of the participants (民法典 278 第二款).
    pub fn needs_three_quarters(self) -> bool {
        matches!(
            self,
            Self::RaiseRepairFund | Self::Rebuild | Self::CommonPartsUse
        )
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Rules => "rules",
            Self::ElectCommittee => "elect_committee",
            Self::EngageManager => "engage_manager",
            Self::UseRepairFund => "use_repair_fund",
            Self::RaiseRepairFund => "raise_repair_fund",
            Self::Rebuild => "rebuild",
            Self::CommonPartsUse => "common_parts_use",
            Self::Other => "other",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        Self::ALL
            .into_iter()
            .find(|matter| matter.as_str() == raw.trim())
            .ok_or_else(|| ValidationError::new("vote.matter_unknown", "matter"))
    }
}

impl TryFrom<String> for MatterType {
    type Error = ValidationError;

    fn try_from(stored: String) -> Result<Self, ValidationError> {
        Self::parse(&stored)
    }
}

/// Floor area in square centimetres (1 m² = 10,000 cm²).
pub type AreaCm2 = i64;

/// The area a room must have to vote: between 1 m² and 100,000 m².
pub fn parse_area_cm2(area: i64, field: &'static str) -> Result<AreaCm2, ValidationError> {
    if (10_000..=1_000_000_000).contains(&area) {
        Ok(area)
    } else {
        Err(ValidationError::new("vote.area_invalid", field))
    }
}

/// One owner as the law counts them: one head, with the area of every room they own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Owner {
    pub area: AreaCm2,
}

/// How one owner voted on the option being counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stance {
    /// Took part and chose the option.
    For,
    /// Took part and chose otherwise (against, abstained, another candidate).
    Otherwise,
    /// Did not take part.
    Absent,
}

/// The figures a result is published with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, utoipa::ToSchema)]
pub struct Figures {
    pub total_area_cm2: AreaCm2,
    pub total_owners: i64,
    pub participating_area_cm2: AreaCm2,
    pub participating_owners: i64,
    pub approving_area_cm2: AreaCm2,
    pub approving_owners: i64,
}

/// What the count decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Fewer than ⅔ of the area or of the owners took part: nothing is decided.
    NotQuorate,
    Approved,
    Rejected,
}

impl Figures {
    /// Adds up the owners' stances on one option.
    pub fn count(owners: &[(Owner, Stance)]) -> Self {
        let mut figures = Self::default();
        for (owner, stance) in owners {
            figures.total_area_cm2 += owner.area;
            figures.total_owners += 1;
            if *stance != Stance::Absent {
                figures.participating_area_cm2 += owner.area;
                figures.participating_owners += 1;
            }
            if *stance == Stance::For {
                figures.approving_area_cm2 += owner.area;
                figures.approving_owners += 1;
            }
        }
        figures
    }

    /// Whether owners holding ≥ ⅔ of the area and ≥ ⅔ of the owners took part.
    pub fn quorate(&self) -> bool {
        at_least(self.participating_area_cm2, self.total_area_cm2, 2, 3)
            && at_least(self.participating_owners, self.total_owners, 2, 3)
            && self.total_owners > 0
    }

    /// The decision of 民法典 278 for a matter of this type.
    pub fn outcome(&self, matter: MatterType) -> Outcome {
        if !self.quorate() {
            return Outcome::NotQuorate;
        }
        let approved = if matter.needs_three_quarters() {
            at_least(self.approving_area_cm2, self.participating_area_cm2, 3, 4)
                && at_least(self.approving_owners, self.participating_owners, 3, 4)
        } else {
            more_than_half(self.approving_area_cm2, self.participating_area_cm2)
                && more_than_half(self.approving_owners, self.participating_owners)
        };
        if approved {
            Outcome::Approved
        } else {
            Outcome::Rejected
        }
    }
}

/// `part ≥ numerator/denominator × whole`, exactly (i128: no overflow).
fn at_least(part: i64, whole: i64, numerator: i128, denominator: i128) -> bool {
    i128::from(part) * denominator >= i128::from(whole) * numerator
}

/// `part > ½ × whole`, exactly.
fn more_than_half(part: i64, whole: i64) -> bool {
    i128::from(part) * 2 > i128::from(whole)
}

/// Where a vote stands. Stored is only whether it was opened (its roll made); the rest
/// follows from its times and the clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Being set up by the 业委会: no roll yet, no ballots.
    Draft,
    /// Opened (the roll is fixed and shown to those who run it) before its opening time.
    Scheduled,
    /// Taking ballots.
    Open,
    /// Past its closing time: the count is final and published.
    Closed,
}

impl Phase {
    pub fn of(
        opened: bool,
        opens_at: DateTime<Utc>,
        closes_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Self {
        if !opened {
            Self::Draft
        } else if now >= closes_at {
            Self::Closed
        } else if now < opens_at {
            Self::Scheduled
        } else {
            Self::Open
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Scheduled => "scheduled",
            Self::Open => "open",
            Self::Closed => "closed",
        }
    }
}

/// The most options a vote offers (a choice among candidates included).
pub const MAX_OPTIONS: usize = 10;
/// The longest an option's label may be, in characters.
pub const MAX_OPTION_CHARS: usize = 40;
/// The longest a vote may run.
pub const MAX_DAYS_OPEN: i64 = 180;

/// The options of a vote: two to ten labels, none empty or repeated.
pub fn parse_options(raw: &[String]) -> Result<Vec<String>, ValidationError> {
    let labels: Vec<String> = raw
        .iter()
        .map(|label| label.trim().to_owned())
        .filter(|label| !label.is_empty())
        .collect();
    if labels.len() < 2 {
        return Err(ValidationError::new("vote.options_too_few", "options"));
    }
    if labels.len() > MAX_OPTIONS {
        return Err(ValidationError::new("vote.options_too_many", "options"));
    }
    for (index, label) in labels.iter().enumerate() {
        if label.chars().count() > MAX_OPTION_CHARS {
            return Err(ValidationError::too_long("options", MAX_OPTION_CHARS));
        }
        if label.chars().any(char::is_control) {
            return Err(ValidationError::new(
                "validation.control_characters",
                "options",
            ));
        }
        if labels[..index].contains(label) {
            return Err(ValidationError::new("vote.options_repeated", "options"));
        }
    }
    Ok(labels)
}

/// When a vote takes ballots: it closes after it opens, later than now, and runs at most
/// [`MAX_DAYS_OPEN`] days.
pub fn check_period(
    opens_at: DateTime<Utc>,
    closes_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), ValidationError> {
    if closes_at <= opens_at {
        Err(ValidationError::new(
            "vote.closes_before_opening",
            "closes_at",
        ))
    } else if closes_at <= now {
        Err(ValidationError::new("vote.closes_in_past", "closes_at"))
    } else if closes_at - opens_at > Duration::days(MAX_DAYS_OPEN) {
        Err(ValidationError::new("vote.period_too_long", "closes_at"))
    } else {
        Ok(())
    }
}

/// Who runs a community's votes (sets them up, opens them, watches who has voted): the
/// handlers of its 业委会 (`owners_committees`: the community's organisations of that
/// kind), and the supervisor.
pub fn may_run(
    grants: &[Grant],
    community: CommunityId,
    owners_committees: &[OrganisationId],
) -> bool {
    let committee_member = grants.iter().any(|grant| {
        grant.role == Role::Handler
            && grant.scope == Scope::Community(community)
            && grant
                .organisation
                .is_some_and(|organisation| owners_committees.contains(&organisation))
    });
    committee_member || holds(grants, Role::Supervisor, community)
}

/// Who may enter an owner's paper ballot, with its scan and their own name on it: the
/// desk, the duty officer and the supervisor.
pub fn may_enter_paper(grants: &[Grant], community: CommunityId) -> bool {
    may_report_for_others(grants, community)
}

/// Who sees a community's votes (the question, the options, and the published result
/// once closed): its residents and its office.
pub fn may_see(grants: &[Grant], community: CommunityId) -> bool {
    is_resident(grants, community) || is_staff(grants, community)
}

/// Whether `person` may cast the ballot of a voter: only its owners of record. Tenants and
/// family members are not on the roll, whatever their role.
pub fn may_cast(person: crate::ids::PersonId, owners: &[crate::ids::PersonId]) -> bool {
    owners.contains(&person)
}
