//! Projects (项目化运作) that a meeting's decision starts: statuses and their moves, who
//! may run them, money in fen with exact integer arithmetic, vendor quotes (比价), and
//! milestones or batches. Pure.

pub mod help;
#[cfg(test)]
mod tests;

use crate::access::holds;
use crate::error::ValidationError;
use crate::ids::CommunityId;
use crate::meetings::named_enum;
use crate::roles::{Grant, Role};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

named_enum!(
    /// proposed → approved → in_progress → completed, or cancelled (with a reason) from
    /// any but completed.
    ProjectStatus, "project.status_unknown", "status" {
        Proposed => "proposed",
        Approved => "approved",
        InProgress => "in_progress",
        Completed => "completed",
        Cancelled => "cancelled",
    }
);

named_enum!(
    /// Where a project's money comes from.
    FundingSource, "project.funding_source_unknown", "funding_sources" {
        /// 公共收益
        PublicIncome => "public_income",
        /// 维修资金
        MaintenanceFund => "maintenance_fund",
        /// 街道/自治金
        StreetFund => "street_fund",
        /// 众筹
        Crowdfunding => "crowdfunding",
    }
);

named_enum!(
    /// A move of a project's status.
    Transition, "project.transition_unknown", "transition" {
        Approve => "approve",
        Start => "start",
        Complete => "complete",
        Cancel => "cancel",
    }
);

/// The status a transition leads to, or the stable code of the refusal (409).
pub fn next_status(
    from: ProjectStatus,
    transition: Transition,
) -> Result<ProjectStatus, &'static str> {
    use ProjectStatus as S;
    match (from, transition) {
        (S::Proposed, Transition::Approve) => Ok(S::Approved),
        (S::Approved, Transition::Start) => Ok(S::InProgress),
        (S::Approved | S::InProgress, Transition::Complete) => Ok(S::Completed),
        (S::Proposed | S::Approved | S::InProgress, Transition::Cancel) => Ok(S::Cancelled),
        (S::Cancelled, _) => Err("project.cancelled"),
        (S::Completed, _) => Err("project.completed"),
        _ => Err("project.invalid_transition"),
    }
}

/// Whether quotes, milestones and updates may still be added: not once it is over.
pub fn open_for_work(status: ProjectStatus) -> Result<(), &'static str> {
    match status {
        ProjectStatus::Completed => Err("project.completed"),
        ProjectStatus::Cancelled => Err("project.cancelled"),
        _ => Ok(()),
    }
}

/// Who may create projects, move them, choose vendors and add milestones: the
/// community's duty officer and supervisor; the owner party's handlers may report
/// progress and milestones too (see [`may_report`]).
pub fn may_manage(grants: &[Grant], community: CommunityId) -> bool {
    holds(grants, Role::Supervisor, community) || holds(grants, Role::DutyOfficer, community)
}

/// Who may post progress: managers, and handlers of the owner party.
pub fn may_report(grants: &[Grant], community: CommunityId, owner_member: bool) -> bool {
    may_manage(grants, community) || owner_member
}

/// An amount of money in fen (分): a whole, non-negative number below 10¹² fen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Fen(i64);

const MAX_FEN: i64 = 1_000_000_000_000;

impl Fen {
    pub fn parse(fen: i64, field: &'static str) -> Result<Self, ValidationError> {
        if (0..MAX_FEN).contains(&fen) {
            Ok(Self(fen))
        } else {
            Err(ValidationError::new("project.amount_invalid", field))
        }
    }

    pub fn get(self) -> i64 {
        self.0
    }

    /// A unit price times a quantity, exactly; refused when it would pass the bound.
    pub fn times(self, quantity: Quantity, field: &'static str) -> Result<Self, ValidationError> {
        self.0
            .checked_mul(quantity.0)
            .filter(|total| *total < MAX_FEN)
            .map(Self)
            .ok_or(ValidationError::new("project.amount_invalid", field))
    }

    /// ¥1,234.50 as people read it.
    pub fn yuan_text(self) -> String {
        let yuan = self.0 / 100;
        let fen = self.0 % 100;
        let digits = yuan.to_string();
        let mut grouped = String::new();
        for (index, c) in digits.chars().enumerate() {
            if index > 0 && (digits.len() - index).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(c);
        }
        format!("¥{grouped}.{fen:02}")
    }
}

/// How many of something (cats, cameras): 1 to 1,000,000.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Quantity(i64);

impl Quantity {
    pub fn parse(quantity: i64, field: &'static str) -> Result<Self, ValidationError> {
        if (1..=1_000_000).contains(&quantity) {
            Ok(Self(quantity))
        } else {
            Err(ValidationError::new("project.quantity_invalid", field))
        }
    }

    pub fn get(self) -> i64 {
        self.0
    }
}

/// A percentage done, 0–100.
pub fn parse_percent(percent: i64) -> Result<i64, ValidationError> {
    if (0..=100).contains(&percent) {
        Ok(percent)
    } else {
        Err(ValidationError::new(
            "validation.out_of_range",
            "percent_done",
        ))
    }
}

/// Planned (or actual) days of a milestone: the end not before the start.
pub fn check_days(
    start: NaiveDate,
    end: NaiveDate,
    field: &'static str,
) -> Result<(), ValidationError> {
    if end < start {
        Err(ValidationError::new(
            "project.milestone_ends_before_start",
            field,
        ))
    } else {
        Ok(())
    }
}

/// Funding sources given as names, without repeats, in a stable order.
pub fn parse_funding(names: &[String]) -> Result<Vec<FundingSource>, ValidationError> {
    let mut sources = Vec::new();
    for name in names {
        let source = FundingSource::parse(name.trim())?;
        if !sources.contains(&source) {
            sources.push(source);
        }
    }
    sources.sort_by_key(|source| FundingSource::ALL.iter().position(|s| s == source));
    Ok(sources)
}
