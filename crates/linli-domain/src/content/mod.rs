//! The community's published content (新闻资讯 · 通知公告 · 党务政务公开): the kinds, who
//! may write each in whose name, the review of disclosures, a notice's audience and
//! expiry, and what the public may read without signing in.
//!
//! Content is written in the name of a party of the joint office (居委会, 党总支, 业委会,
//! 物业), never of a person: what readers see is the party, so no one's name or phone
//! leaks through an author line.

mod audience;
#[cfg(test)]
mod tests;

pub use audience::{Audience, ROLES_IN_AUDIENCE, parse_roles, reaches, staff_only};

use crate::ValidationError;
use crate::access::{holds, is_staff};
use crate::ids::{CommunityId, OrganisationId};
use crate::registry::OrganisationKind;
use crate::roles::{Grant, Role, Scope};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The longest title, in characters.
pub const TITLE_MAX: usize = 120;
/// The longest body, in characters (Markdown source).
pub const BODY_MAX: usize = 20_000;
/// The longest reason for returning a draft, or note of a correction.
pub const REASON_MAX: usize = 500;

/// What a piece of content is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// 新闻资讯
    News,
    /// 通知公告: the only kind with an audience, pinning to the top, expiry and urgency.
    Notice,
    /// 党务公开
    PartyAffairs,
    /// 政务公开
    GovernmentAffairs,
    /// 居务公开
    ResidentsAffairs,
    /// 财务公开 (may link a campaign's public ledger)
    Financial,
}

impl Kind {
    pub const ALL: [Kind; 6] = [
        Self::News,
        Self::Notice,
        Self::PartyAffairs,
        Self::GovernmentAffairs,
        Self::ResidentsAffairs,
        Self::Financial,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::News => "news",
            Self::Notice => "notice",
            Self::PartyAffairs => "party_affairs",
            Self::GovernmentAffairs => "government_affairs",
            Self::ResidentsAffairs => "residents_affairs",
            Self::Financial => "financial",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.as_str() == raw.trim())
            .ok_or_else(|| ValidationError::new("content.kind_unknown", "kind"))
    }

    /// Disclosures (公开) are published only after review by the supervisor or the party
    /// branch; news and notices go out when their writer publishes them.
    pub fn needs_review(self) -> bool {
        !matches!(self, Self::News | Self::Notice)
    }

    /// The parties in whose name a kind may be written. Party affairs are the party
    /// branch's; government and residents' affairs the residents' committee's (the
    /// street's work it carries out, and its own); money may be disclosed by those who
    /// keep it (居委会, 业委会, 物业 for the public income).
    pub fn publishers(self) -> &'static [OrganisationKind] {
        use OrganisationKind::*;
        match self {
            Self::News | Self::Notice => &[
                ResidentsCommittee,
                PartyBranch,
                OwnersCommittee,
                PropertyCompany,
            ],
            Self::PartyAffairs => &[PartyBranch],
            Self::GovernmentAffairs | Self::ResidentsAffairs => &[ResidentsCommittee],
            Self::Financial => &[ResidentsCommittee, OwnersCommittee, PropertyCompany],
        }
    }
}

impl TryFrom<String> for Kind {
    type Error = ValidationError;

    fn try_from(stored: String) -> Result<Self, ValidationError> {
        Self::parse(&stored)
    }
}

/// Where a piece of content stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Being written (or returned by the reviewer with a reason): only the office sees it.
    Draft,
    /// A disclosure waiting for the supervisor or the party branch.
    InReview,
    /// Out: its audience reads it; edits keep the earlier text as a version.
    Published,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::InReview => "in_review",
            Self::Published => "published",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        [Self::Draft, Self::InReview, Self::Published]
            .into_iter()
            .find(|status| status.as_str() == raw)
            .ok_or_else(|| ValidationError::new("content.status_unknown", "status"))
    }
}

impl TryFrom<String> for Status {
    type Error = ValidationError;

    fn try_from(stored: String) -> Result<Self, ValidationError> {
        Self::parse(&stored)
    }
}

/// What can be done to a piece of content besides editing it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// A writer sends a disclosure to review.
    Submit,
    /// The reviewer publishes a disclosure in review.
    Approve,
    /// The reviewer sends it back to draft, with a reason.
    Return,
    /// A writer publishes news or a notice directly.
    Publish,
}

impl Action {
    pub const ALL: [Action; 4] = [Self::Submit, Self::Approve, Self::Return, Self::Publish];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Submit => "submit",
            Self::Approve => "approve",
            Self::Return => "return",
            Self::Publish => "publish",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|action| action.as_str() == raw)
    }
}

/// How a caller stands to one piece of content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Standing {
    /// May write in the name of the content's party.
    pub writer: bool,
    /// The supervisor or a member of the party branch.
    pub reviewer: bool,
    /// Wrote this piece (a reviewer does not approve their own).
    pub author: bool,
}

/// Why an action is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The caller's role does not allow it.
    Forbidden,
    /// Not in this state, or not for this kind (a stable code says which).
    Conflict(&'static str),
}

/// The status an action leads to, or why it is refused.
pub fn decide(
    kind: Kind,
    status: Status,
    action: Action,
    who: Standing,
) -> Result<Status, Refusal> {
    let allowed = match action {
        Action::Submit | Action::Publish => who.writer,
        Action::Approve | Action::Return => who.reviewer,
    };
    if !allowed {
        return Err(Refusal::Forbidden);
    }
    match (action, status) {
        (Action::Publish, Status::Draft) if kind.needs_review() => {
            Err(Refusal::Conflict("content.review_required"))
        }
        (Action::Publish, Status::Draft) => Ok(Status::Published),
        (Action::Submit, Status::Draft) if !kind.needs_review() => {
            Err(Refusal::Conflict("content.no_review"))
        }
        (Action::Submit, Status::Draft) => Ok(Status::InReview),
        (Action::Approve, Status::InReview) if who.author => {
            Err(Refusal::Conflict("content.own_review"))
        }
        (Action::Approve, Status::InReview) => Ok(Status::Published),
        (Action::Return, Status::InReview) => Ok(Status::Draft),
        _ => Err(Refusal::Conflict("content.invalid_transition")),
    }
}

/// Whether the caller may edit the content now: a writer while it is a draft; once
/// published, a writer of news and notices, and for a disclosure only its reviewers (a
/// correction of what they approved: writers send a new disclosure through review).
/// Nothing is edited while in review.
pub fn may_edit(kind: Kind, status: Status, who: Standing) -> bool {
    match status {
        Status::Draft => who.writer,
        Status::InReview => false,
        Status::Published if kind.needs_review() => who.reviewer,
        Status::Published => who.writer,
    }
}

/// Whether the caller may write `kind` in the name of `organisation` (of
/// `organisation_kind`) in `community`: the party must be one that publishes the kind,
/// and the caller one of its handlers, or the office's duty officer or supervisor, who
/// write for any of its parties. Residents, the desk and outsiders never write.
pub fn may_write(
    grants: &[Grant],
    community: CommunityId,
    organisation: OrganisationId,
    organisation_kind: OrganisationKind,
    kind: Kind,
) -> bool {
    if !kind.publishers().contains(&organisation_kind) {
        return false;
    }
    let member = grants.iter().any(|grant| {
        grant.role == Role::Handler
            && grant.scope == Scope::Community(community)
            && grant.organisation == Some(organisation)
    });
    member
        || holds(grants, Role::Supervisor, community)
        || holds(grants, Role::DutyOfficer, community)
}

/// Who reviews disclosures: the supervisor (党总支书记) and the handlers of the party
/// branch (`party_branches`: the community's organisations of that kind).
pub fn may_review(
    grants: &[Grant],
    community: CommunityId,
    party_branches: &[OrganisationId],
) -> bool {
    holds(grants, Role::Supervisor, community)
        || grants.iter().any(|grant| {
            grant.role == Role::Handler
                && grant.scope == Scope::Community(community)
                && grant
                    .organisation
                    .is_some_and(|organisation| party_branches.contains(&organisation))
        })
}

/// Who sees every piece of the community's content, drafts and reviews included, and
/// every notice whatever its audience: its office.
pub fn sees_all(grants: &[Grant], community: CommunityId) -> bool {
    is_staff(grants, community)
}

/// Whether a notice has expired at `now` (it leaves every list then).
pub fn is_expired(expires_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    expires_at.is_some_and(|expires| expires <= now)
}

/// A notice must expire after it is published: an expiry at or before the time of
/// publication is refused.
pub fn check_expiry(
    expires_at: Option<DateTime<Utc>>,
    published_at: DateTime<Utc>,
) -> Result<(), ValidationError> {
    match expires_at {
        Some(expires) if expires <= published_at => Err(ValidationError::new(
            "content.expires_before_publication",
            "expires_at",
        )),
        _ => Ok(()),
    }
}

/// What anyone may read without signing in: published, meant for everyone, not expired.
pub fn is_public(
    status: Status,
    audience: &Audience,
    expires_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> bool {
    status == Status::Published && *audience == Audience::Everyone && !is_expired(expires_at, now)
}
