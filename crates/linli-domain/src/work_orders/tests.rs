use super::*;
use chrono::TimeZone;
use proptest::prelude::*;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 10, 27, 2, 0, 0)
        .single()
        .unwrap_or_default()
}

fn facts(status: Status) -> Facts {
    Facts {
        status,
        channel: Channel::App,
        reporter_has_account: true,
        is_public: true,
        escalated: false,
        extension_pending: false,
        caller_follows: false,
        was_dispatched: false,
        last_urged_at: None,
        resolve_deadline: None,
        resolved_at: None,
    }
}

const REPORTER: Standing = Standing {
    reporter: true,
    ..NOBODY
};
const LEAD: Standing = Standing {
    lead_member: true,
    ..NOBODY
};
const CO_HANDLER: Standing = Standing {
    co_handler: true,
    ..NOBODY
};
const DUTY: Standing = Standing {
    duty_officer: true,
    ..NOBODY
};
const SUPERVISOR: Standing = Standing {
    supervisor: true,
    ..NOBODY
};
const DESK: Standing = Standing {
    receptionist: true,
    ..NOBODY
};
const NEIGHBOUR: Standing = Standing {
    community_resident: true,
    ..NOBODY
};
const SYSTEM: Standing = Standing {
    system: true,
    ..NOBODY
};
const GRABBER: Standing = Standing {
    grabber: true,
    ..NOBODY
};
const NOBODY: Standing = Standing {
    reporter: false,
    lead_member: false,
    co_handler: false,
    duty_officer: false,
    supervisor: false,
    receptionist: false,
    community_resident: false,
    system: false,
    grabber: false,
};
const EVERYONE: [Standing; 10] = [
    REPORTER, LEAD, CO_HANDLER, DUTY, SUPERVISOR, DESK, NEIGHBOUR, SYSTEM, GRABBER, NOBODY,
];

fn run(kind: ActionKind, facts: &Facts, who: Standing) -> Result<Decision, Refusal> {
    decide(
        kind,
        Choice::default(),
        facts,
        who,
        now(),
        &LoopRules::default(),
    )
}

#[test]
fn the_112_story() {
    use ActionKind as A;
    let rules = LoopRules::default();
    let mut order = facts(Status::Submitted);
    let steps = [
        (
            A::Dispatch,
            DUTY,
            Choice::default(),
            Status::Dispatched,
            EventKind::Dispatched,
        ),
        (
            A::Sign,
            LEAD,
            Choice::default(),
            Status::InProgress,
            EventKind::Signed,
        ),
        (
            A::Hold,
            LEAD,
            Choice::default(),
            Status::OnHold,
            EventKind::Held,
        ),
        (
            A::Resume,
            LEAD,
            Choice::default(),
            Status::InProgress,
            EventKind::Resumed,
        ),
        (
            A::Resolve,
            LEAD,
            Choice::default(),
            Status::Resolved,
            EventKind::Resolved,
        ),
        (
            A::Reject,
            REPORTER,
            Choice::default(),
            Status::InProgress,
            EventKind::Rejected,
        ),
        (
            A::Resolve,
            LEAD,
            Choice::default(),
            Status::Resolved,
            EventKind::Resolved,
        ),
        (
            A::Accept,
            REPORTER,
            Choice::default(),
            Status::Closed,
            EventKind::Accepted,
        ),
    ];
    for (kind, who, choice, status, event) in steps {
        let decision = decide(kind, choice, &order, who, now(), &rules);
        assert_eq!(
            decision.map(|d| (d.status, d.event)),
            Ok((status, event)),
            "{kind:?}"
        );
        order.status = status;
    }
}

#[test]
fn roles_are_checked_before_status() {
    let resolved = facts(Status::Resolved);
    assert_eq!(
        run(ActionKind::Sign, &resolved, REPORTER)
            .err()
            .map(|r| r.kind),
        Some(RefusalKind::Forbidden)
    );
    assert_eq!(
        run(ActionKind::Sign, &resolved, LEAD).err().map(|r| r.code),
        Some("work_order.invalid_transition")
    );
    assert_eq!(
        run(ActionKind::Accept, &resolved, LEAD)
            .err()
            .map(|r| r.kind),
        Some(RefusalKind::Forbidden)
    );
}

#[test]
fn only_a_registered_handler_grabs_and_only_a_waiting_work_order() {
    let waiting = facts(Status::Submitted);
    assert_eq!(
        run(ActionKind::Grab, &waiting, GRABBER).map(|decision| (decision.status, decision.event)),
        Ok((Status::InProgress, EventKind::Grabbed))
    );
    for who in [LEAD, DUTY, SUPERVISOR, DESK, REPORTER, SYSTEM] {
        assert_eq!(
            run(ActionKind::Grab, &waiting, who).map_err(|refusal| refusal.kind),
            Err(RefusalKind::Forbidden)
        );
    }
    for status in [Status::Dispatched, Status::InProgress, Status::Closed] {
        assert_eq!(
            run(ActionKind::Grab, &facts(status), GRABBER).map_err(|refusal| refusal.code),
            Err("work_order.invalid_transition"),
            "taken already"
        );
    }
    assert!(
        run(ActionKind::Dispatch, &waiting, SYSTEM).is_ok(),
        "round robin dispatches as the system"
    );
}

#[test]
fn urging_is_limited_per_interval() {
    let rules = LoopRules::default();
    let mut order = facts(Status::Dispatched);
    assert!(
        decide(
            ActionKind::Urge,
            Choice::default(),
            &order,
            REPORTER,
            now(),
            &rules
        )
        .is_ok()
    );
    order.last_urged_at = Some(now());
    let again = decide(
        ActionKind::Urge,
        Choice::default(),
        &order,
        REPORTER,
        now() + Duration::hours(23),
        &rules,
    );
    assert_eq!(
        again.err().map(|r| (r.kind, r.code)),
        Some((RefusalKind::TooSoon, "work_order.urge_too_soon"))
    );
    assert!(
        decide(
            ActionKind::Urge,
            Choice::default(),
            &order,
            REPORTER,
            now() + Duration::hours(24),
            &rules
        )
        .is_ok()
    );
}

#[test]
fn reporters_withdraw_only_before_work_starts_the_office_any_time() {
    assert!(run(ActionKind::Cancel, &facts(Status::Dispatched), REPORTER).is_ok());
    assert!(run(ActionKind::Cancel, &facts(Status::InProgress), REPORTER).is_err());
    assert!(run(ActionKind::Cancel, &facts(Status::InProgress), DUTY).is_ok());
    assert!(run(ActionKind::Cancel, &facts(Status::Resolved), DUTY).is_err());
}

#[test]
fn return_visits_are_for_reporters_who_cannot_answer_in_the_app() {
    let mut order = facts(Status::Resolved);
    assert_eq!(
        run(ActionKind::ReturnVisit, &order, DESK)
            .err()
            .map(|r| r.code),
        Some("work_order.reporter_answers_themselves")
    );
    order.channel = Channel::WalkIn;
    let accepted = decide(
        ActionKind::ReturnVisit,
        Choice { yes: true },
        &order,
        DESK,
        now(),
        &LoopRules::default(),
    );
    assert_eq!(accepted.map(|d| d.status), Ok(Status::Closed));
    let rejected = decide(
        ActionKind::ReturnVisit,
        Choice { yes: false },
        &order,
        DESK,
        now(),
        &LoopRules::default(),
    );
    assert_eq!(
        rejected.map(|d| (d.status, d.reopens)),
        Ok((Status::InProgress, true))
    );
    order.reporter_has_account = false;
    assert_eq!(
        run(ActionKind::Accept, &order, REPORTER)
            .err()
            .map(|r| r.kind),
        Some(RefusalKind::Forbidden)
    );
}

#[test]
fn extensions_are_asked_before_the_deadline_and_decided_once() {
    let mut order = facts(Status::InProgress);
    order.resolve_deadline = Some(now() - Duration::minutes(1));
    assert_eq!(
        run(ActionKind::RequestExtension, &order, LEAD)
            .err()
            .map(|r| r.code),
        Some("work_order.deadline_passed")
    );
    order.resolve_deadline = Some(now() + Duration::hours(1));
    assert!(run(ActionKind::RequestExtension, &order, LEAD).is_ok());
    assert_eq!(
        run(ActionKind::DecideExtension, &order, DUTY)
            .err()
            .map(|r| r.code),
        Some("work_order.no_extension_requested")
    );
    order.extension_pending = true;
    assert_eq!(
        run(ActionKind::RequestExtension, &order, LEAD)
            .err()
            .map(|r| r.code),
        Some("work_order.extension_pending")
    );
    let granted = decide(
        ActionKind::DecideExtension,
        Choice { yes: true },
        &order,
        SUPERVISOR,
        now(),
        &LoopRules::default(),
    );
    assert_eq!(granted.map(|d| d.event), Ok(EventKind::ExtensionGranted));
    assert_eq!(
        run(ActionKind::DecideExtension, &order, LEAD)
            .err()
            .map(|r| r.kind),
        Some(RefusalKind::Forbidden)
    );
}

#[test]
fn resolved_work_orders_close_by_rule_after_the_window() {
    let mut order = facts(Status::Resolved);
    order.resolved_at = Some(now() - Duration::days(6));
    assert_eq!(
        run(ActionKind::CloseByRule, &order, SYSTEM)
            .err()
            .map(|r| r.code),
        Some("work_order.acceptance_window_open")
    );
    order.resolved_at = Some(now() - Duration::days(7));
    assert_eq!(
        run(ActionKind::CloseByRule, &order, SYSTEM).map(|d| d.event),
        Ok(EventKind::ClosedByRule)
    );
    assert_eq!(
        run(ActionKind::CloseByRule, &order, DUTY)
            .err()
            .map(|r| r.kind),
        Some(RefusalKind::Forbidden)
    );
}

#[test]
fn me_too_is_for_other_residents_on_public_work_orders_once() {
    let mut order = facts(Status::InProgress);
    assert!(run(ActionKind::MeToo, &order, NEIGHBOUR).is_ok());
    assert!(run(ActionKind::MeToo, &order, REPORTER).is_err());
    order.caller_follows = true;
    assert_eq!(
        run(ActionKind::MeToo, &order, NEIGHBOUR)
            .err()
            .map(|r| r.code),
        Some("work_order.already_followed")
    );
    order.caller_follows = false;
    order.is_public = false;
    assert!(run(ActionKind::MeToo, &order, NEIGHBOUR).is_err());
}

#[test]
fn allowed_actions_for_the_lead_party_on_a_dispatched_order() {
    let allowed = allowed_actions(
        &facts(Status::Dispatched),
        LEAD,
        now(),
        &LoopRules::default(),
    );
    use ActionKind as A;
    assert_eq!(
        allowed,
        vec![A::Sign, A::Return, A::Reply, A::Note, A::RequestExtension]
    );
    assert!(
        allowed_actions(
            &facts(Status::Closed),
            REPORTER,
            now(),
            &LoopRules::default()
        )
        .is_empty()
    );
}

#[test]
fn names_round_trip() {
    for status in Status::ALL {
        assert_eq!(Status::parse(status.as_str()), Ok(status));
    }
    for kind in ActionKind::ALL {
        assert_eq!(ActionKind::parse(kind.as_str()), Some(kind));
    }
    for kind in EventKind::ALL {
        assert_eq!(EventKind::parse(kind.as_str()), Some(kind));
    }
    assert!(Rating::parse(0).is_err());
    assert!(Rating::parse(6).is_err());
    assert!(Rating::parse(4).is_ok_and(Rating::is_satisfied));
    assert!(parse_text("  ", "text").is_err());
}

fn any_kind() -> impl Strategy<Value = ActionKind> {
    proptest::sample::select(ActionKind::ALL.to_vec())
}

fn any_standing() -> impl Strategy<Value = Standing> {
    proptest::sample::select(EVERYONE.to_vec())
}

proptest! {
    /// No sequence of actions by anyone leaves the table: every status change is listed
    /// in TRANSITIONS, closed and cancelled work orders never change, and a refused
    /// action changes nothing (the facts are only updated from a decision).
    #[test]
    fn no_sequence_leaves_the_transition_table(
        steps in proptest::collection::vec((any_kind(), any_standing(), any::<bool>(), 0i64..72), 1..60),
        walk_in in any::<bool>(),
    ) {
        let rules = LoopRules::default();
        let mut order = facts(Status::Submitted);
        order.channel = if walk_in { Channel::WalkIn } else { Channel::App };
        let mut clock = now();
        let mut events = 0usize;
        for (kind, who, yes, hours) in steps {
            clock += Duration::hours(hours);
            let before = order.clone();
            match decide(kind, Choice { yes }, &order, who, clock, &rules) {
                Ok(decision) => {
                    events += 1;
                    if decision.status != before.status {
                        prop_assert!(
                            TRANSITIONS.contains(&(before.status, kind, decision.status)),
                            "{:?} --{:?}--> {:?} is not in the table", before.status, kind, decision.status
                        );
                        prop_assert!(before.status.is_open(), "a closed or cancelled work order changed status");
                    }
                    if !before.status.is_open() {
                        prop_assert_eq!(decision.event, EventKind::Noted, "only internal notes after the end");
                    }
                    order.status = decision.status;
                    order.was_dispatched |= decision.event == EventKind::Dispatched;
                    match decision.event {
                        EventKind::Urged => order.last_urged_at = Some(clock),
                        EventKind::Escalated => order.escalated = true,
                        EventKind::MeToo => order.caller_follows = true,
                        EventKind::ExtensionRequested => order.extension_pending = true,
                        EventKind::ExtensionGranted | EventKind::ExtensionRefused => order.extension_pending = false,
                        EventKind::Resolved => order.resolved_at = Some(clock),
                        _ => {}
                    }
                }
                Err(_) => prop_assert_eq!(&order, &before),
            }
        }
        prop_assert!(events <= 60);
    }

    /// Whatever the caller and the state, `allowed_actions` offers exactly what `decide`
    /// accepts.
    #[test]
    fn allowed_actions_agree_with_decide(
        status in proptest::sample::select(Status::ALL.to_vec()),
        who in any_standing(),
        escalated in any::<bool>(),
        pending in any::<bool>(),
    ) {
        let mut order = facts(status);
        order.escalated = escalated;
        order.extension_pending = pending;
        order.resolved_at = Some(now() - Duration::days(1));
        let rules = LoopRules::default();
        let allowed = allowed_actions(&order, who, now(), &rules);
        for kind in ActionKind::ALL.into_iter().filter(|kind| *kind != ActionKind::CloseByRule) {
            let accepted = decide(kind, Choice::default(), &order, who, now(), &rules).is_ok();
            prop_assert_eq!(allowed.contains(&kind), accepted, "{:?}", kind);
        }
    }
}
