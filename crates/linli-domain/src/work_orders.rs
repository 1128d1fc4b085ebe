//! The work-order closed loop as a pure state machine: who may do what, in which status,
//! and what status follows. The store applies a [`Decision`] and writes its one timeline
//! event in the same transaction; a refused action changes nothing.

use crate::error::ValidationError;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// 待受理: waiting for the duty officer.
    Submitted,
    /// 待处理: dispatched to a lead party, not yet signed for.
    Dispatched,
    /// 处理中
    InProgress,
    /// 挂起: waiting on something named; the clock stops.
    OnHold,
    /// 待验收: reported done, waiting for the resident.
    Resolved,
    /// 已办结
    Closed,
    /// 已撤销
    Cancelled,
}

impl Status {
    pub const ALL: [Self; 7] = [
        Self::Submitted,
        Self::Dispatched,
        Self::InProgress,
        Self::OnHold,
        Self::Resolved,
        Self::Closed,
        Self::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Submitted => "submitted",
            Self::Dispatched => "dispatched",
            Self::InProgress => "in_progress",
            Self::OnHold => "on_hold",
            Self::Resolved => "resolved",
            Self::Closed => "closed",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        Self::ALL
            .into_iter()
            .find(|status| status.as_str() == raw)
            .ok_or(ValidationError::new("work_order.status_unknown", "status"))
    }

    /// Still somebody's job: not closed, not cancelled.
    pub fn is_open(self) -> bool {
        !matches!(self, Self::Closed | Self::Cancelled)
    }

    /// The lead party's clock runs: dispatched or in progress (not on hold, not resolved).
    pub fn clock_runs(self) -> bool {
        matches!(self, Self::Dispatched | Self::InProgress)
    }

    /// The deadline of the step a work order in this status waits on: triage while
    /// 待受理, resolution while 待处理 or 处理中; none on hold (the clock stops) or once
    /// resolved. Past it, the work order is overdue (已超时).
    pub fn due(
        self,
        triage_deadline: Option<DateTime<Utc>>,
        resolve_deadline: Option<DateTime<Utc>>,
    ) -> Option<DateTime<Utc>> {
        match self {
            Self::Submitted => triage_deadline,
            Self::Dispatched | Self::InProgress => resolve_deadline,
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    App,
    WalkIn,
    Phone,
    /// Through the Open311 GeoReport v2 interface, from a client the admin registered.
    Open311,
}

impl Channel {
    pub const ALL: [Self; 4] = [Self::App, Self::WalkIn, Self::Phone, Self::Open311];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::App => "app",
            Self::WalkIn => "walk_in",
            Self::Phone => "phone",
            Self::Open311 => "open311",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        Self::ALL
            .into_iter()
            .find(|channel| channel.as_str() == raw)
            .ok_or(ValidationError::new(
                "work_order.channel_unknown",
                "channel",
            ))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    Normal,
    Urgent,
}

impl Priority {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Normal => "normal",
            Self::Urgent => "urgent",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        [Self::Normal, Self::Urgent]
            .into_iter()
            .find(|priority| priority.as_str() == raw)
            .ok_or(ValidationError::new(
                "work_order.priority_unknown",
                "priority",
            ))
    }
}

/// Stored names read back into the enums (`#[sqlx(try_from = "String")]` in the store): a
/// name this version does not know is an error, never a default.
macro_rules! from_stored_name {
    ($($kind:ident),*) => {$(
        impl TryFrom<String> for $kind {
            type Error = ValidationError;

            fn try_from(stored: String) -> Result<Self, ValidationError> {
                Self::parse(&stored)
            }
        }
    )*};
}

from_stored_name!(Status, Channel, Priority);

/// A satisfaction rating, 1–5 stars; 4 and 5 count as satisfied (满意).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Rating(u8);

impl Rating {
    pub fn parse(stars: i64) -> Result<Self, ValidationError> {
        u8::try_from(stars)
            .ok()
            .filter(|stars| (1..=5).contains(stars))
            .map(Self)
            .ok_or(ValidationError::new("work_order.rating_invalid", "rating"))
    }

    pub fn stars(self) -> u8 {
        self.0
    }

    pub fn is_satisfied(self) -> bool {
        self.0 >= 4
    }
}

/// The most characters a description, reply or reason takes.
pub const TEXT_MAX: usize = 2000;

/// Free text written on a work order: trimmed, 1–2000 characters.
pub fn parse_text(raw: &str, field: &'static str) -> Result<String, ValidationError> {
    let text = raw.trim();
    if text.is_empty() {
        return Err(ValidationError::new("validation.required", field));
    }
    if text.chars().count() > TEXT_MAX {
        return Err(ValidationError::too_long(field, TEXT_MAX));
    }
    Ok(text.to_owned())
}

/// The actions of the loop, without their payloads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    Dispatch,
    /// 抢单: a registered handler takes a waiting work order of a grab-mode category.
    Grab,
    Sign,
    Return,
    Reply,
    Note,
    Urge,
    Supervise,
    Hold,
    Resume,
    Escalate,
    Resolve,
    Accept,
    Reject,
    Cancel,
    Merge,
    MeToo,
    ReturnVisit,
    RequestExtension,
    DecideExtension,
    CloseByRule,
}

impl ActionKind {
    pub const ALL: [Self; 21] = [
        Self::Dispatch,
        Self::Grab,
        Self::Sign,
        Self::Return,
        Self::Reply,
        Self::Note,
        Self::Urge,
        Self::Supervise,
        Self::Hold,
        Self::Resume,
        Self::Escalate,
        Self::Resolve,
        Self::Accept,
        Self::Reject,
        Self::Cancel,
        Self::Merge,
        Self::MeToo,
        Self::ReturnVisit,
        Self::RequestExtension,
        Self::DecideExtension,
        Self::CloseByRule,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Dispatch => "dispatch",
            Self::Grab => "grab",
            Self::Sign => "sign",
            Self::Return => "return",
            Self::Reply => "reply",
            Self::Note => "note",
            Self::Urge => "urge",
            Self::Supervise => "supervise",
            Self::Hold => "hold",
            Self::Resume => "resume",
            Self::Escalate => "escalate",
            Self::Resolve => "resolve",
            Self::Accept => "accept",
            Self::Reject => "reject",
            Self::Cancel => "cancel",
            Self::Merge => "merge",
            Self::MeToo => "me_too",
            Self::ReturnVisit => "return_visit",
            Self::RequestExtension => "request_extension",
            Self::DecideExtension => "decide_extension",
            Self::CloseByRule => "close_by_rule",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == raw)
    }
}

/// What happened, as the timeline records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    Submitted,
    Dispatched,
    Redispatched,
    /// A handler took it from the grab list: dispatched to their party and signed at once.
    Grabbed,
    Signed,
    Returned,
    Replied,
    Noted,
    Urged,
    Supervised,
    Held,
    Resumed,
    Escalated,
    Resolved,
    Accepted,
    Rejected,
    Cancelled,
    Merged,
    MeToo,
    ReturnVisited,
    ExtensionRequested,
    ExtensionGranted,
    ExtensionRefused,
    ClosedByRule,
    /// The overdue job raised the work order to the supervisor.
    OverdueAlerted,
}

impl EventKind {
    pub const ALL: [Self; 25] = [
        Self::Submitted,
        Self::Dispatched,
        Self::Redispatched,
        Self::Grabbed,
        Self::Signed,
        Self::Returned,
        Self::Replied,
        Self::Noted,
        Self::Urged,
        Self::Supervised,
        Self::Held,
        Self::Resumed,
        Self::Escalated,
        Self::Resolved,
        Self::Accepted,
        Self::Rejected,
        Self::Cancelled,
        Self::Merged,
        Self::MeToo,
        Self::ReturnVisited,
        Self::ExtensionRequested,
        Self::ExtensionGranted,
        Self::ExtensionRefused,
        Self::ClosedByRule,
        Self::OverdueAlerted,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Submitted => "submitted",
            Self::Dispatched => "dispatched",
            Self::Redispatched => "redispatched",
            Self::Grabbed => "grabbed",
            Self::Signed => "signed",
            Self::Returned => "returned",
            Self::Replied => "replied",
            Self::Noted => "noted",
            Self::Urged => "urged",
            Self::Supervised => "supervised",
            Self::Held => "held",
            Self::Resumed => "resumed",
            Self::Escalated => "escalated",
            Self::Resolved => "resolved",
            Self::Accepted => "accepted",
            Self::Rejected => "rejected",
            Self::Cancelled => "cancelled",
            Self::Merged => "merged",
            Self::MeToo => "me_too",
            Self::ReturnVisited => "return_visited",
            Self::ExtensionRequested => "extension_requested",
            Self::ExtensionGranted => "extension_granted",
            Self::ExtensionRefused => "extension_refused",
            Self::ClosedByRule => "closed_by_rule",
            Self::OverdueAlerted => "overdue_alerted",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == raw)
    }

    /// Internal notes and supervision instructions stay among staff.
    pub fn is_internal(self) -> bool {
        matches!(
            self,
            Self::Noted | Self::Supervised | Self::OverdueAlerted | Self::Escalated
        )
    }
}

/// How the caller stands to one work order: more than one may hold (a duty officer who is
/// also a member of the lead party).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Standing {
    pub reporter: bool,
    pub lead_member: bool,
    pub co_handler: bool,
    pub duty_officer: bool,
    pub supervisor: bool,
    pub receptionist: bool,
    /// A resident of the work order's community (for "me too").
    pub community_resident: bool,
    /// The system itself (rules that run on a clock, round-robin dispatch).
    pub system: bool,
    /// A handler registered for the work order's category while the category is in grab
    /// mode, with room under its cap (the application layer knows; access rules do not).
    pub grabber: bool,
}

impl Standing {
    fn staff(self) -> bool {
        self.lead_member
            || self.co_handler
            || self.duty_officer
            || self.supervisor
            || self.receptionist
    }

    fn dispatcher(self) -> bool {
        self.duty_officer || self.supervisor
    }

    /// Who may read internal notes.
    pub fn sees_internal(self) -> bool {
        self.staff()
    }
}

/// What the rules need to know about a work order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    pub status: Status,
    pub channel: Channel,
    pub reporter_has_account: bool,
    pub is_public: bool,
    pub escalated: bool,
    pub extension_pending: bool,
    pub caller_follows: bool,
    pub was_dispatched: bool,
    pub last_urged_at: Option<DateTime<Utc>>,
    pub resolve_deadline: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
}

/// Settings of the loop, per community.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoopRules {
    /// A reporter may urge once per this long.
    pub urge_interval: Duration,
    /// A resolved work order nobody answers is closed after this long.
    pub acceptance_window: Duration,
}

impl Default for LoopRules {
    fn default() -> Self {
        Self {
            urge_interval: Duration::hours(24),
            acceptance_window: Duration::days(7),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefusalKind {
    /// The caller's role or relationship does not allow it (403).
    Forbidden,
    /// The work order's status or state does not allow it now (409).
    Conflict,
    /// Allowed, but not again so soon (429).
    TooSoon,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refusal {
    pub kind: RefusalKind,
    pub code: &'static str,
}

impl Refusal {
    const fn forbidden() -> Self {
        Self {
            kind: RefusalKind::Forbidden,
            code: "work_order.not_allowed",
        }
    }

    const fn conflict(code: &'static str) -> Self {
        Self {
            kind: RefusalKind::Conflict,
            code,
        }
    }

    const fn invalid_transition() -> Self {
        Self::conflict("work_order.invalid_transition")
    }
}

/// What an accepted action does: the status that follows and the one event to record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    pub status: Status,
    pub event: EventKind,
    /// A rejection by the resident sends the work back: counted as a reopen.
    pub reopens: bool,
}

/// Payload facts some decisions depend on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Choice {
    /// Return visit: the reporter accepted the fix. Extension: granted.
    pub yes: bool,
}

use Status as S;

/// Whether the caller may take this kind of action on the work order now. Checks the
/// caller first (403), then the status and state (409).
pub fn permitted(
    kind: ActionKind,
    facts: &Facts,
    who: Standing,
    now: DateTime<Utc>,
    rules: &LoopRules,
) -> Result<(), Refusal> {
    use ActionKind as A;
    let allowed_caller = match kind {
        A::Dispatch => who.dispatcher() || who.system,
        A::Grab => who.grabber,
        A::Escalate | A::Merge | A::DecideExtension => who.dispatcher(),
        A::Sign | A::Return | A::Resolve | A::RequestExtension => who.lead_member,
        A::Reply => who.lead_member || who.co_handler || who.dispatcher(),
        A::Note => who.staff(),
        A::Urge | A::Accept | A::Reject => who.reporter,
        A::Supervise => who.supervisor,
        A::Hold | A::Resume => who.lead_member || who.dispatcher(),
        A::Cancel => who.reporter || who.dispatcher(),
        A::MeToo => who.community_resident && !who.reporter,
        A::ReturnVisit => who.receptionist || who.dispatcher(),
        A::CloseByRule => who.system,
    };
    if !allowed_caller {
        return Err(Refusal::forbidden());
    }
    let status = facts.status;
    let in_status = |allowed: &[Status]| {
        if allowed.contains(&status) {
            Ok(())
        } else {
            Err(Refusal::invalid_transition())
        }
    };
    let working = [S::Submitted, S::Dispatched, S::InProgress, S::OnHold];
    match kind {
        A::Dispatch => in_status(&[S::Submitted, S::Dispatched]),
        A::Grab => in_status(&[S::Submitted]),
        A::Sign => in_status(&[S::Dispatched]),
        A::Return => in_status(&[S::Dispatched, S::InProgress]),
        A::Reply | A::Supervise => in_status(&[
            S::Submitted,
            S::Dispatched,
            S::InProgress,
            S::OnHold,
            S::Resolved,
        ]),
        A::Note => Ok(()),
        A::Urge => {
            in_status(&working)?;
            match facts.last_urged_at {
                Some(last) if now < last + rules.urge_interval => Err(Refusal {
                    kind: RefusalKind::TooSoon,
                    code: "work_order.urge_too_soon",
                }),
                _ => Ok(()),
            }
        }
        A::Hold => in_status(&[S::InProgress]),
        A::Resume => in_status(&[S::OnHold]),
        A::Escalate => {
            in_status(&working)?;
            if facts.escalated {
                Err(Refusal::conflict("work_order.already_escalated"))
            } else {
                Ok(())
            }
        }
        A::Resolve => in_status(&[S::InProgress]),
        A::Accept | A::Reject => {
            in_status(&[S::Resolved])?;
            if facts.reporter_has_account {
                Ok(())
            } else {
                Err(Refusal::forbidden())
            }
        }
        A::Cancel => {
            // A reporter withdraws before work starts; the office may cancel any open one.
            if who.dispatcher() {
                in_status(&working)
            } else {
                in_status(&[S::Submitted, S::Dispatched])
            }
        }
        A::Merge => in_status(&working),
        A::MeToo => {
            in_status(&[
                S::Submitted,
                S::Dispatched,
                S::InProgress,
                S::OnHold,
                S::Resolved,
            ])?;
            if !facts.is_public {
                Err(Refusal::forbidden())
            } else if facts.caller_follows {
                Err(Refusal::conflict("work_order.already_followed"))
            } else {
                Ok(())
            }
        }
        A::ReturnVisit => {
            in_status(&[S::Resolved])?;
            if facts.reporter_has_account && facts.channel == Channel::App {
                Err(Refusal::conflict("work_order.reporter_answers_themselves"))
            } else {
                Ok(())
            }
        }
        A::RequestExtension => {
            in_status(&[S::Dispatched, S::InProgress, S::OnHold])?;
            if facts.extension_pending {
                Err(Refusal::conflict("work_order.extension_pending"))
            } else if facts
                .resolve_deadline
                .is_some_and(|deadline| now > deadline)
            {
                Err(Refusal::conflict("work_order.deadline_passed"))
            } else {
                Ok(())
            }
        }
        A::DecideExtension => {
            in_status(&[S::Dispatched, S::InProgress, S::OnHold])?;
            if facts.extension_pending {
                Ok(())
            } else {
                Err(Refusal::conflict("work_order.no_extension_requested"))
            }
        }
        A::CloseByRule => {
            in_status(&[S::Resolved])?;
            match facts.resolved_at {
                Some(resolved) if now >= resolved + rules.acceptance_window => Ok(()),
                _ => Err(Refusal::conflict("work_order.acceptance_window_open")),
            }
        }
    }
}

/// Decides an action: refused, or the status that follows and the event to record.
pub fn decide(
    kind: ActionKind,
    choice: Choice,
    facts: &Facts,
    who: Standing,
    now: DateTime<Utc>,
    rules: &LoopRules,
) -> Result<Decision, Refusal> {
    permitted(kind, facts, who, now, rules)?;
    use ActionKind as A;
    let same = facts.status;
    let (status, event, reopens) = match kind {
        A::Dispatch if facts.status == S::Dispatched || facts.was_dispatched => {
            (S::Dispatched, EventKind::Redispatched, false)
        }
        A::Dispatch => (S::Dispatched, EventKind::Dispatched, false),
        A::Grab => (S::InProgress, EventKind::Grabbed, false),
        A::Sign => (S::InProgress, EventKind::Signed, false),
        A::Return => (S::Submitted, EventKind::Returned, false),
        A::Reply => (same, EventKind::Replied, false),
        A::Note => (same, EventKind::Noted, false),
        A::Urge => (same, EventKind::Urged, false),
        A::Supervise => (same, EventKind::Supervised, false),
        A::Hold => (S::OnHold, EventKind::Held, false),
        A::Resume => (S::InProgress, EventKind::Resumed, false),
        A::Escalate => (same, EventKind::Escalated, false),
        A::Resolve => (S::Resolved, EventKind::Resolved, false),
        A::Accept => (S::Closed, EventKind::Accepted, false),
        A::Reject => (S::InProgress, EventKind::Rejected, true),
        A::Cancel => (S::Cancelled, EventKind::Cancelled, false),
        A::Merge => (S::Cancelled, EventKind::Merged, false),
        A::MeToo => (same, EventKind::MeToo, false),
        A::ReturnVisit if choice.yes => (S::Closed, EventKind::ReturnVisited, false),
        A::ReturnVisit => (S::InProgress, EventKind::ReturnVisited, true),
        A::RequestExtension => (same, EventKind::ExtensionRequested, false),
        A::DecideExtension if choice.yes => (same, EventKind::ExtensionGranted, false),
        A::DecideExtension => (same, EventKind::ExtensionRefused, false),
        A::CloseByRule => (S::Closed, EventKind::ClosedByRule, false),
    };
    Ok(Decision {
        status,
        event,
        reopens,
    })
}

/// The actions the caller could take now (payloads aside), for clients to offer.
pub fn allowed_actions(
    facts: &Facts,
    who: Standing,
    now: DateTime<Utc>,
    rules: &LoopRules,
) -> Vec<ActionKind> {
    ActionKind::ALL
        .into_iter()
        .filter(|kind| {
            *kind != ActionKind::CloseByRule && permitted(*kind, facts, who, now, rules).is_ok()
        })
        .collect()
}

/// The status changes the loop allows, written out as the specification: (from, action,
/// to). Actions not listed here never change the status. The property test below checks
/// [`decide`] against this table.
pub const TRANSITIONS: &[(Status, ActionKind, Status)] = &[
    (S::Submitted, ActionKind::Dispatch, S::Dispatched),
    (S::Dispatched, ActionKind::Dispatch, S::Dispatched),
    (S::Submitted, ActionKind::Grab, S::InProgress),
    (S::Dispatched, ActionKind::Sign, S::InProgress),
    (S::Dispatched, ActionKind::Return, S::Submitted),
    (S::InProgress, ActionKind::Return, S::Submitted),
    (S::InProgress, ActionKind::Hold, S::OnHold),
    (S::OnHold, ActionKind::Resume, S::InProgress),
    (S::InProgress, ActionKind::Resolve, S::Resolved),
    (S::Resolved, ActionKind::Accept, S::Closed),
    (S::Resolved, ActionKind::Reject, S::InProgress),
    (S::Resolved, ActionKind::ReturnVisit, S::Closed),
    (S::Resolved, ActionKind::ReturnVisit, S::InProgress),
    (S::Resolved, ActionKind::CloseByRule, S::Closed),
    (S::Submitted, ActionKind::Cancel, S::Cancelled),
    (S::Dispatched, ActionKind::Cancel, S::Cancelled),
    (S::InProgress, ActionKind::Cancel, S::Cancelled),
    (S::OnHold, ActionKind::Cancel, S::Cancelled),
    (S::Submitted, ActionKind::Merge, S::Cancelled),
    (S::Dispatched, ActionKind::Merge, S::Cancelled),
    (S::InProgress, ActionKind::Merge, S::Cancelled),
    (S::OnHold, ActionKind::Merge, S::Cancelled),
];

pub mod state;

#[cfg(test)]
mod tests;
