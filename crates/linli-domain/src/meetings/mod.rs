//! The weekly joint meeting (每周四 "1+5+X" 共治联席会): its series, its statuses, its
//! agenda items and attendance, who may convene, chair and write minutes, and when a
//! meeting may close. Pure: the store keeps the rows, the use cases apply these rules.

pub mod ics;
pub mod schedule;
#[cfg(test)]
mod tests;

use crate::access::{holds, is_staff};
use crate::error::ValidationError;
use crate::ids::CommunityId;
use crate::roles::{Grant, Role};
use serde::{Deserialize, Serialize};

macro_rules! named_enum {
    ($(#[$doc:meta])* $name:ident, $code:literal, $field:literal { $($(#[$vdoc:meta])* $variant:ident => $text:literal),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vdoc])* $variant),* }

        impl $name {
            pub const ALL: &'static [Self] = &[$(Self::$variant),*];

            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $text),* }
            }

            pub fn parse(raw: &str) -> Result<Self, ValidationError> {
                Self::ALL
                    .iter()
                    .copied()
                    .find(|value| value.as_str() == raw)
                    .ok_or(ValidationError::new($code, $field))
            }
        }

        impl TryFrom<String> for $name {
            type Error = ValidationError;

            fn try_from(stored: String) -> Result<Self, ValidationError> {
                Self::parse(&stored)
            }
        }
    };
}
pub(crate) use named_enum;

named_enum!(
    /// Where a meeting stands: planned (and running), closed with its minutes, or called off.
    MeetingStatus, "meeting.status_unknown", "status" {
        Scheduled => "scheduled",
        Closed => "closed",
        Cancelled => "cancelled",
    }
);

named_enum!(
    /// An agenda item: still to discuss, decided, put off to the next meeting, withdrawn.
    ItemStatus, "meeting.item_status_unknown", "status" {
        Open => "open",
        Decided => "decided",
        Deferred => "deferred",
        Withdrawn => "withdrawn",
    }
);

named_enum!(
    /// One person's attendance at one meeting.
    Attendance, "meeting.attendance_unknown", "attendance" {
        Present => "present",
        Absent => "absent",
        Excused => "excused",
    }
);

named_enum!(
    /// What a decision does beyond its text.
    DecisionAction, "meeting.action_unknown", "action" {
        /// Only the decision is recorded: a task for the lead party by the deadline.
        Record => "record",
        /// A project is started from the item's work order(s) (and any others named),
        /// which may wait for it on hold (挂起：等待项目).
        StartProject => "start_project",
        /// The linked work order is resolved with the decision's text.
        Resolve => "resolve",
    }
);

/// Who may convene meetings, build agendas, record attendance, write minutes and
/// decisions in a community: the joint office's duty officer and the supervisor (the
/// party secretary, who chairs).
pub fn may_run(grants: &[Grant], community: CommunityId) -> bool {
    holds(grants, Role::Supervisor, community) || holds(grants, Role::DutyOfficer, community)
}

/// Who may close a meeting and call one off: the chair (the supervisor).
pub fn may_chair(grants: &[Grant], community: CommunityId) -> bool {
    holds(grants, Role::Supervisor, community)
}

/// Who reads every meeting of a community in full (minutes, all items): its staff.
pub fn sees_all(grants: &[Grant], community: CommunityId) -> bool {
    is_staff(grants, community)
}

/// Why a meeting cannot close yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    Minutes,
    Attendance,
    /// Items still open: each must be decided, deferred or withdrawn.
    Decisions,
}

impl Missing {
    pub fn code(self) -> &'static str {
        match self {
            Self::Minutes => "meeting.minutes_missing",
            Self::Attendance => "meeting.attendance_missing",
            Self::Decisions => "meeting.items_open",
        }
    }
}

/// What the close check needs to know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CloseFacts {
    pub status: MeetingStatus,
    pub has_minutes: bool,
    pub participants: usize,
    pub attendance_recorded: usize,
    pub open_items: usize,
}

/// Whether a meeting may close: scheduled (else `meeting.not_scheduled`), with minutes,
/// with the attendance of every participant (at least one), and no item left open.
pub fn may_close(facts: CloseFacts) -> Result<(), CloseRefusal> {
    if facts.status != MeetingStatus::Scheduled {
        return Err(CloseRefusal::State);
    }
    let mut missing = Vec::new();
    if !facts.has_minutes {
        missing.push(Missing::Minutes);
    }
    if facts.participants == 0 || facts.attendance_recorded < facts.participants {
        missing.push(Missing::Attendance);
    }
    if facts.open_items > 0 {
        missing.push(Missing::Decisions);
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(CloseRefusal::Missing(missing))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CloseRefusal {
    /// Closed or cancelled already.
    State,
    /// What is missing, in this order: minutes, attendance, decisions.
    Missing(Vec<Missing>),
}

/// Whether an item in `status` may still be changed (decided, moved, deferred,
/// withdrawn): only an open one.
pub fn item_changeable(status: ItemStatus) -> Result<(), &'static str> {
    match status {
        ItemStatus::Open => Ok(()),
        ItemStatus::Decided => Err("meeting.item_decided"),
        ItemStatus::Deferred => Err("meeting.item_deferred"),
        ItemStatus::Withdrawn => Err("meeting.item_withdrawn"),
    }
}

/// Whether a meeting in `status` may still be changed (agenda, attendance, minutes,
/// time): only a scheduled one; closed minutes take corrections only.
pub fn meeting_changeable(status: MeetingStatus) -> Result<(), &'static str> {
    match status {
        MeetingStatus::Scheduled => Ok(()),
        MeetingStatus::Closed => Err("meeting.closed"),
        MeetingStatus::Cancelled => Err("meeting.cancelled"),
    }
}

/// Minutes and other long texts: trimmed, 1–20,000 characters.
pub fn parse_long_text(raw: &str, field: &'static str) -> Result<String, ValidationError> {
    let text = raw.trim();
    if text.is_empty() {
        return Err(ValidationError::new("validation.required", field));
    }
    if text.chars().count() > 20_000 {
        return Err(ValidationError::new("validation.too_long", field));
    }
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(ValidationError::new("validation.control_characters", field));
    }
    Ok(text.to_owned())
}

/// A short one-line text (a title, a place, a name): trimmed, 1–`max` characters.
pub fn parse_line(raw: &str, field: &'static str, max: usize) -> Result<String, ValidationError> {
    let text = raw.trim();
    if text.is_empty() {
        return Err(ValidationError::new("validation.required", field));
    }
    if text.chars().count() > max {
        return Err(ValidationError::new("validation.too_long", field));
    }
    if text.chars().any(char::is_control) {
        return Err(ValidationError::new("validation.control_characters", field));
    }
    Ok(text.to_owned())
}
