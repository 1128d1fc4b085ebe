//! What an accepted action changes on a work order besides its status: lead party,
//! deadlines, counters, timestamps. Pure: the store reads the state, this computes the
//! next one, the store writes it with the one event, in one transaction.

use super::{ActionKind, Choice, Decision, Priority, Rating, Status};
use crate::calendar::{TimeLimit, WorkingCalendar};
use crate::ids::{OrganisationId, PersonId};
use chrono::{DateTime, Utc};

/// The changeable part of a work order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkOrderState {
    pub status: Status,
    pub lead: Option<OrganisationId>,
    /// The one handler of the lead party who has it (承办人), if one was named or took it.
    pub assignee: Option<PersonId>,
    pub co_handlers: Vec<OrganisationId>,
    pub priority: Priority,
    pub is_public: bool,
    pub escalated: bool,
    pub supervised: bool,
    pub reopen_count: i64,
    pub urge_count: i64,
    pub me_too_count: i64,
    pub last_urged_at: Option<DateTime<Utc>>,
    /// By when the duty officer should have dispatched it (while 待受理).
    pub triage_deadline: Option<DateTime<Utc>>,
    pub sign_deadline: Option<DateTime<Utc>>,
    pub resolve_deadline: Option<DateTime<Utc>>,
    pub dispatched_at: Option<DateTime<Utc>>,
    pub signed_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub hold_started_at: Option<DateTime<Utc>>,
    pub rating: Option<Rating>,
    pub extension_requested_until: Option<DateTime<Utc>>,
    pub merged_into: Option<i64>,
    pub overdue_alerted_at: Option<DateTime<Utc>>,
}

/// An action with what it carries, already parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionInput {
    Dispatch {
        lead: OrganisationId,
        co_handlers: Vec<OrganisationId>,
        priority: Priority,
        /// A handler of the lead party named to do it; none: the party decides.
        assignee: Option<PersonId>,
        note: Option<String>,
    },
    /// A registered handler takes a waiting work order for their party.
    Grab {
        handler: PersonId,
        organisation: OrganisationId,
    },
    Sign {
        note: Option<String>,
    },
    Return {
        reason: String,
    },
    Reply {
        text: String,
    },
    Note {
        text: String,
    },
    Urge {
        text: Option<String>,
    },
    Supervise {
        instructions: String,
    },
    Hold {
        reason: String,
    },
    Resume {
        note: Option<String>,
    },
    Escalate {
        note: Option<String>,
    },
    Resolve {
        text: String,
    },
    Accept {
        rating: Rating,
        comment: Option<String>,
    },
    Reject {
        reason: String,
    },
    Cancel {
        reason: String,
    },
    Merge {
        into: i64,
        note: Option<String>,
    },
    MeToo,
    ReturnVisit {
        accepted: bool,
        rating: Option<Rating>,
        summary: String,
    },
    RequestExtension {
        until: DateTime<Utc>,
        reason: String,
    },
    DecideExtension {
        grant: bool,
        deadline: Option<DateTime<Utc>>,
        note: Option<String>,
    },
    CloseByRule,
}

impl ActionInput {
    pub fn kind(&self) -> ActionKind {
        match self {
            Self::Dispatch { .. } => ActionKind::Dispatch,
            Self::Grab { .. } => ActionKind::Grab,
            Self::Sign { .. } => ActionKind::Sign,
            Self::Return { .. } => ActionKind::Return,
            Self::Reply { .. } => ActionKind::Reply,
            Self::Note { .. } => ActionKind::Note,
            Self::Urge { .. } => ActionKind::Urge,
            Self::Supervise { .. } => ActionKind::Supervise,
            Self::Hold { .. } => ActionKind::Hold,
            Self::Resume { .. } => ActionKind::Resume,
            Self::Escalate { .. } => ActionKind::Escalate,
            Self::Resolve { .. } => ActionKind::Resolve,
            Self::Accept { .. } => ActionKind::Accept,
            Self::Reject { .. } => ActionKind::Reject,
            Self::Cancel { .. } => ActionKind::Cancel,
            Self::Merge { .. } => ActionKind::Merge,
            Self::MeToo => ActionKind::MeToo,
            Self::ReturnVisit { .. } => ActionKind::ReturnVisit,
            Self::RequestExtension { .. } => ActionKind::RequestExtension,
            Self::DecideExtension { .. } => ActionKind::DecideExtension,
            Self::CloseByRule => ActionKind::CloseByRule,
        }
    }

    pub fn choice(&self) -> Choice {
        match self {
            Self::ReturnVisit { accepted, .. } => Choice { yes: *accepted },
            Self::DecideExtension { grant, .. } => Choice { yes: *grant },
            _ => Choice::default(),
        }
    }

    /// The words recorded on the timeline event.
    pub fn text(&self) -> Option<&str> {
        match self {
            Self::Return { reason: text }
            | Self::Reply { text }
            | Self::Note { text }
            | Self::Supervise { instructions: text }
            | Self::Hold { reason: text }
            | Self::Resolve { text }
            | Self::Reject { reason: text }
            | Self::Cancel { reason: text }
            | Self::ReturnVisit { summary: text, .. }
            | Self::RequestExtension { reason: text, .. } => Some(text),
            Self::Dispatch { note, .. }
            | Self::Sign { note }
            | Self::Urge { text: note }
            | Self::Resume { note }
            | Self::Escalate { note }
            | Self::Merge { note, .. }
            | Self::DecideExtension { note, .. } => note.as_deref(),
            Self::Accept { comment, .. } => comment.as_deref(),
            Self::MeToo | Self::CloseByRule | Self::Grab { .. } => None,
        }
    }
}

/// The time limits of a work order's category.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub triage: TimeLimit,
    pub sign: TimeLimit,
    pub resolve: TimeLimit,
}

/// The state after an accepted action.
pub fn next_state(
    state: &WorkOrderState,
    input: &ActionInput,
    decision: &Decision,
    limits: Limits,
    calendar: &WorkingCalendar,
    now: DateTime<Utc>,
) -> WorkOrderState {
    let mut next = state.clone();
    next.status = decision.status;
    if decision.reopens {
        next.reopen_count += 1;
        next.resolved_at = None;
    }
    match input {
        ActionInput::Dispatch {
            lead,
            co_handlers,
            priority,
            assignee,
            ..
        } => {
            next.lead = Some(*lead);
            next.assignee = *assignee;
            next.co_handlers = co_handlers
                .iter()
                .copied()
                .filter(|co| co != lead)
                .collect();
            next.co_handlers.sort();
            next.co_handlers.dedup();
            next.priority = *priority;
            next.dispatched_at = Some(now);
            next.signed_at = None;
            next.sign_deadline = Some(calendar.deadline(now, limits.sign));
            next.resolve_deadline = Some(calendar.deadline(now, limits.resolve));
            next.overdue_alerted_at = None;
        }
        ActionInput::Grab {
            handler,
            organisation,
        } => {
            // Taking it is signing for it: the resolution clock starts now.
            next.lead = Some(*organisation);
            next.assignee = Some(*handler);
            next.co_handlers.clear();
            next.dispatched_at = Some(now);
            next.signed_at = Some(now);
            next.sign_deadline = None;
            next.resolve_deadline = Some(calendar.deadline(now, limits.resolve));
            next.overdue_alerted_at = None;
        }
        ActionInput::Sign { .. } => next.signed_at = Some(now),
        ActionInput::Return { .. } => {
            // Back with the duty officer, who gets a triage limit of their own again.
            next.triage_deadline = Some(calendar.deadline(now, limits.triage));
            next.overdue_alerted_at = None;
            next.lead = None;
            next.assignee = None;
            next.co_handlers.clear();
            next.signed_at = None;
            next.sign_deadline = None;
            next.resolve_deadline = None;
            next.hold_started_at = None;
            next.extension_requested_until = None;
        }
        ActionInput::Urge { .. } => {
            next.urge_count += 1;
            next.last_urged_at = Some(now);
        }
        ActionInput::Supervise { .. } => next.supervised = true,
        ActionInput::Hold { .. } => next.hold_started_at = Some(now),
        ActionInput::Resume { .. } => {
            // The clock stopped while on hold: deadlines move by the working time held.
            if let Some(held_since) = state.hold_started_at {
                let held = calendar.working_minutes_between(held_since, now);
                next.resolve_deadline = state
                    .resolve_deadline
                    .map(|deadline| calendar.add_working_minutes(deadline, held));
                next.overdue_alerted_at = None;
            }
            next.hold_started_at = None;
        }
        ActionInput::Escalate { .. } => next.escalated = true,
        ActionInput::Resolve { .. } => next.resolved_at = Some(now),
        ActionInput::Accept { rating, .. } => {
            next.rating = Some(*rating);
            next.closed_at = Some(now);
        }
        ActionInput::ReturnVisit {
            accepted, rating, ..
        } => {
            if *accepted {
                next.rating = *rating;
                next.closed_at = Some(now);
            }
        }
        ActionInput::Cancel { .. } | ActionInput::CloseByRule => next.closed_at = Some(now),
        ActionInput::Merge { into, .. } => {
            next.merged_into = Some(*into);
            next.closed_at = Some(now);
        }
        ActionInput::MeToo => next.me_too_count += 1,
        ActionInput::RequestExtension { until, .. } => {
            next.extension_requested_until = Some(*until)
        }
        ActionInput::DecideExtension {
            grant, deadline, ..
        } => {
            if *grant {
                next.resolve_deadline = deadline
                    .or(state.extension_requested_until)
                    .or(state.resolve_deadline);
                next.overdue_alerted_at = None;
            }
            next.extension_requested_until = None;
        }
        ActionInput::Reply { .. } | ActionInput::Note { .. } | ActionInput::Reject { .. } => {}
    }
    next
}

/// A work order just reported, for tests of the rules that act on it.
#[cfg(test)]
pub(crate) fn fresh() -> WorkOrderState {
    WorkOrderState {
        status: Status::Submitted,
        lead: None,
        assignee: None,
        co_handlers: vec![],
        priority: Priority::Normal,
        is_public: true,
        escalated: false,
        supervised: false,
        reopen_count: 0,
        urge_count: 0,
        me_too_count: 0,
        last_urged_at: None,
        triage_deadline: None,
        sign_deadline: None,
        resolve_deadline: None,
        dispatched_at: None,
        signed_at: None,
        resolved_at: None,
        closed_at: None,
        hold_started_at: None,
        rating: None,
        extension_requested_until: None,
        merged_into: None,
        overdue_alerted_at: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::shanghai;
    use crate::work_orders::{EventKind, Status};
    use chrono::{Duration, NaiveDate, TimeZone};

    fn local(d: u32, h: u32) -> DateTime<Utc> {
        shanghai()
            .with_ymd_and_hms(2026, 10, d, h, 0, 0)
            .single()
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default()
    }

    fn decision(status: Status, event: EventKind) -> Decision {
        Decision {
            status,
            event,
            reopens: false,
        }
    }

    #[test]
    fn dispatch_sets_deadlines_and_hold_stops_the_clock() {
        let calendar = WorkingCalendar::new(
            (1..=7).filter_map(|d| NaiveDate::from_ymd_opt(2026, 10, d)),
            [],
        );
        let limits = Limits {
            triage: TimeLimit::working_hours(2),
            sign: TimeLimit::working_hours(2),
            resolve: TimeLimit::working_days(7),
        };
        let dispatch = ActionInput::Dispatch {
            lead: OrganisationId(4),
            co_handlers: vec![OrganisationId(2), OrganisationId(4), OrganisationId(2)],
            priority: Priority::Normal,
            assignee: Some(PersonId(9)),
            note: None,
        };
        // Tuesday 27 October 10:00.
        let state = next_state(
            &fresh(),
            &dispatch,
            &decision(Status::Dispatched, EventKind::Dispatched),
            limits,
            &calendar,
            local(27, 10),
        );
        assert_eq!(state.lead, Some(OrganisationId(4)));
        assert_eq!(state.assignee, Some(PersonId(9)));
        assert_eq!(
            state.co_handlers,
            vec![OrganisationId(2)],
            "the lead is not its own co-handler; no repeats"
        );
        assert_eq!(state.sign_deadline, Some(local(27, 12)));
        // 7 × 8 working hours from Tuesday 27 October 10:00: Thursday 5 November 10:00.
        assert_eq!(
            state.resolve_deadline,
            Some(local(5, 10) + Duration::days(31))
        );

        let held = next_state(
            &state,
            &ActionInput::Hold {
                reason: "等证据".into(),
            },
            &decision(Status::OnHold, EventKind::Held),
            limits,
            &calendar,
            local(28, 10),
        );
        // Held from Wednesday 10:00 to Thursday 10:00: 8 working hours.
        let resumed = next_state(
            &held,
            &ActionInput::Resume { note: None },
            &decision(Status::InProgress, EventKind::Resumed),
            limits,
            &calendar,
            local(29, 10),
        );
        assert_eq!(resumed.hold_started_at, None);
        assert_eq!(
            resumed.resolve_deadline,
            Some(local(6, 10) + Duration::days(31))
        );
    }

    #[test]
    fn a_return_gives_the_duty_officer_a_fresh_triage_limit() {
        let calendar = WorkingCalendar::new([], []);
        let limits = Limits {
            triage: TimeLimit::working_hours(2),
            sign: TimeLimit::working_hours(2),
            resolve: TimeLimit::working_days(7),
        };
        let mut dispatched = fresh();
        dispatched.status = Status::Dispatched;
        dispatched.lead = Some(OrganisationId(4));
        dispatched.assignee = Some(PersonId(9));
        dispatched.triage_deadline = Some(local(26, 11));
        dispatched.resolve_deadline = Some(local(30, 10));
        dispatched.overdue_alerted_at = Some(local(26, 12));
        let returned = next_state(
            &dispatched,
            &ActionInput::Return {
                reason: "不归物业管".into(),
            },
            &decision(Status::Submitted, EventKind::Returned),
            limits,
            &calendar,
            local(27, 10),
        );
        assert_eq!(returned.triage_deadline, Some(local(27, 12)));
        assert_eq!(returned.resolve_deadline, None);
        assert_eq!((returned.lead, returned.assignee), (None, None));
        assert_eq!(returned.overdue_alerted_at, None, "it may be alerted again");
        assert_eq!(
            Status::Submitted.due(returned.triage_deadline, returned.resolve_deadline),
            Some(local(27, 12))
        );
        assert_eq!(
            Status::OnHold.due(Some(local(27, 12)), Some(local(30, 10))),
            None
        );
        assert_eq!(
            Status::InProgress.due(Some(local(27, 12)), Some(local(30, 10))),
            Some(local(30, 10))
        );
    }

    #[test]
    fn rejection_reopens_and_acceptance_closes_with_the_rating() {
        let calendar = WorkingCalendar::new([], []);
        let limits = Limits {
            triage: TimeLimit::working_hours(2),
            sign: TimeLimit::working_hours(2),
            resolve: TimeLimit::working_days(7),
        };
        let mut resolved = fresh();
        resolved.status = Status::Resolved;
        resolved.resolved_at = Some(local(27, 10));
        let reopened = next_state(
            &resolved,
            &ActionInput::Reject {
                reason: "还是有东西扔下来".into(),
            },
            &Decision {
                status: Status::InProgress,
                event: EventKind::Rejected,
                reopens: true,
            },
            limits,
            &calendar,
            local(28, 10),
        );
        assert_eq!((reopened.reopen_count, reopened.resolved_at), (1, None));
        let rating = Rating::parse(5).unwrap_or_else(|_| unreachable!());
        let closed = next_state(
            &resolved,
            &ActionInput::Accept {
                rating,
                comment: None,
            },
            &decision(Status::Closed, EventKind::Accepted),
            limits,
            &calendar,
            local(28, 10),
        );
        assert_eq!(
            (closed.rating, closed.closed_at),
            (Some(rating), Some(local(28, 10)))
        );
    }
}
