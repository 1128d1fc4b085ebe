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

#[cfg(test)]
mod tests;

use crate::ValidationError;
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
