//! For any history the state machine allows, the figures people are shown add up: every
//! rate of every slice — a month or several, a category, a building, a party, the whole
//! community, a street of communities — is a share in [0, 1], and each breakdown adds up
//! to its total. The counters are accumulated exactly as the store writes them: each
//! event's [`delta`] on its work order's cohort, in the [`rows`] the domain names.

use super::*;
use crate::calendar::{TimeLimit, WorkingCalendar};
use crate::ids::OrganisationId;
use crate::work_orders::state::{ActionInput, Limits, WorkOrderState, fresh, next_state};
use crate::work_orders::{
    ActionKind, Channel, Facts, LoopRules, Priority, Rating, Standing, decide,
};
use chrono::{Datelike, Duration, TimeZone};
use proptest::prelude::*;
use std::collections::BTreeMap;

/// (community, cohort month, dimension, id)
type Key = (u8, i64, Dimension, i64);

fn facts_of(state: &WorkOrderState, channel: Channel) -> Facts {
    Facts {
        status: state.status,
        channel,
        reporter_has_account: channel == Channel::App,
        is_public: state.is_public,
        escalated: state.escalated,
        extension_pending: state.extension_requested_until.is_some(),
        caller_follows: false,
        was_dispatched: state.dispatched_at.is_some(),
        last_urged_at: state.last_urged_at,
        resolve_deadline: state.resolve_deadline,
        resolved_at: state.resolved_at,
    }
}

/// Everyone who can act on a work order, one at a time or all at once.
fn standings() -> Vec<Standing> {
    let nobody = Standing::default();
    vec![
        Standing {
            reporter: true,
            ..nobody
        },
        Standing {
            lead_member: true,
            ..nobody
        },
        Standing {
            duty_officer: true,
            ..nobody
        },
        Standing {
            supervisor: true,
            ..nobody
        },
        Standing {
            receptionist: true,
            ..nobody
        },
        Standing {
            system: true,
            ..nobody
        },
        Standing {
            reporter: true,
            lead_member: true,
            duty_officer: true,
            supervisor: true,
            receptionist: true,
            grabber: true,
            ..nobody
        },
    ]
}

fn input_of(
    kind: ActionKind,
    party: i64,
    rating: Rating,
    yes: bool,
    now: DateTime<Utc>,
) -> ActionInput {
    let text = || "说明".to_owned();
    match kind {
        ActionKind::Dispatch => ActionInput::Dispatch {
            lead: OrganisationId(party),
            co_handlers: vec![],
            priority: Priority::Normal,
            assignee: None,
            note: None,
        },
        ActionKind::Grab => ActionInput::Grab {
            handler: crate::ids::PersonId(party),
            organisation: OrganisationId(party),
        },
        ActionKind::Sign => ActionInput::Sign { note: None },
        ActionKind::Return => ActionInput::Return { reason: text() },
        ActionKind::Reply => ActionInput::Reply { text: text() },
        ActionKind::Note => ActionInput::Note { text: text() },
        ActionKind::Urge => ActionInput::Urge { text: None },
        ActionKind::Supervise => ActionInput::Supervise {
            instructions: text(),
        },
        ActionKind::Hold => ActionInput::Hold { reason: text() },
        ActionKind::Resume => ActionInput::Resume { note: None },
        ActionKind::Escalate => ActionInput::Escalate { note: None },
        ActionKind::Resolve => ActionInput::Resolve { text: text() },
        ActionKind::Accept => ActionInput::Accept {
            rating,
            comment: None,
        },
        ActionKind::Reject => ActionInput::Reject { reason: text() },
        ActionKind::Cancel => ActionInput::Cancel { reason: text() },
        ActionKind::Merge => ActionInput::Merge {
            into: 1,
            note: None,
        },
        ActionKind::MeToo => ActionInput::MeToo,
        ActionKind::ReturnVisit => ActionInput::ReturnVisit {
            accepted: yes,
            rating: yes.then_some(rating),
            summary: text(),
        },
        ActionKind::RequestExtension => ActionInput::RequestExtension {
            until: now + Duration::days(3),
            reason: text(),
        },
        ActionKind::DecideExtension => ActionInput::DecideExtension {
            grant: yes,
            deadline: None,
            note: None,
        },
        ActionKind::CloseByRule => ActionInput::CloseByRule,
    }
}

fn check_rates(counts: &Counts, what: &str) -> Result<(), TestCaseError> {
    for (name, rate) in [
        ("response", counts.response_rate()),
        ("resolution", counts.resolution_rate()),
        ("satisfaction", counts.satisfaction_rate()),
    ] {
        if let Some(rate) = rate {
            prop_assert!(
                (0.0..=1.0).contains(&rate),
                "{name} rate {rate} of {what}: {counts:?}"
            );
        }
    }
    for value in [
        counts.created,
        counts.dispatched,
        counts.signed,
        counts.signed_in_time,
        counts.resolved,
        counts.accepted,
        counts.rated,
        counts.satisfied,
        counts.reopened,
        counts.cancelled,
    ] {
        prop_assert!(value >= 0, "a negative count in {what}: {counts:?}");
    }
    Ok(())
}

fn sum<'a>(rows: impl Iterator<Item = &'a Counts>) -> Counts {
    let mut total = Counts::default();
    for counts in rows {
        total += *counts;
    }
    total
}

/// Mostly the steps of the loop, so that histories reach acceptance, rejection and
/// closing by rule; sometimes anything.
fn any_kind() -> impl Strategy<Value = ActionKind> {
    prop_oneof![
        4 => proptest::sample::select(vec![
            ActionKind::Dispatch,
            ActionKind::Grab,
            ActionKind::Sign,
            ActionKind::Return,
            ActionKind::Resolve,
            ActionKind::Accept,
            ActionKind::Reject,
            ActionKind::ReturnVisit,
            ActionKind::CloseByRule,
            ActionKind::Cancel,
        ]),
        1 => proptest::sample::select(ActionKind::ALL.to_vec()),
    ]
}

/// Mostly someone who may do anything, so that most steps are taken.
fn any_standing() -> impl Strategy<Value = usize> {
    prop_oneof![3 => Just(6usize), 1 => 0usize..7]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn every_rate_of_every_slice_is_a_share_and_breakdowns_add_up(
        steps in proptest::collection::vec(
            (0usize..6, any_kind(), any_standing(), 1i64..4, 1u8..6, any::<bool>(), 0i64..30),
            1..200,
        ),
        walk_in in any::<bool>(),
    ) {
        let calendar = WorkingCalendar::new([], []);
        let limits = Limits {
            triage: TimeLimit::working_hours(2),
            sign: TimeLimit::working_hours(2),
            resolve: TimeLimit::working_days(7),
        };
        let rules = LoopRules::default();
        let start = Utc.with_ymd_and_hms(2026, 9, 20, 1, 0, 0).single().unwrap_or_default();
        let channel = if walk_in { Channel::WalkIn } else { Channel::App };
        // Six work orders in two communities, reported over three months, of three
        // categories and two buildings (one with none).
        let created: Vec<DateTime<Utc>> = (0..6).map(|index| start + Duration::days(17 * index)).collect();
        let mut states: Vec<WorkOrderState> = vec![fresh(); 6];
        let mut counters: BTreeMap<Key, Counts> = BTreeMap::new();
        let slices = |index: usize, lead: Option<OrganisationId>| Slices {
            category: i64::try_from(index % 3).unwrap_or(0) + 1,
            building: index.is_multiple_of(2).then_some(10),
            organisation: lead.map(|organisation| organisation.0),
        };
        let cohort = |index: usize| {
            let at = created[index];
            i64::from(at.year()) * 12 + i64::from(at.month0())
        };
        let mut add = |index: usize, delta: &Delta, lead: Option<OrganisationId>| {
            let community = u8::from(index >= 3);
            for (dimension, id, counts) in rows(delta, slices(index, lead)) {
                *counters.entry((community, cohort(index), dimension, id)).or_default() += counts;
            }
        };
        for index in 0..6 {
            let delta = Delta { counts: Counts { created: 1, ..Counts::default() }, ..Delta::default() };
            add(index, &delta, None);
        }
        let mut now = created[5];
        let everyone = standings();
        for (index, kind, who, party, stars, yes, hours) in steps {
            now += Duration::hours(hours);
            let before = states[index].clone();
            let Ok(rating) = Rating::parse(i64::from(stars)) else {
                continue;
            };
            let input = input_of(kind, party, rating, yes, now);
            let Ok(decision) = decide(kind, input.choice(), &facts_of(&before, channel), everyone[who], now, &rules) else {
                continue;
            };
            let after = next_state(&before, &input, &decision, limits, &calendar, now);
            let delta = super::delta(decision.event, &before, &after, now);
            add(index, &delta, after.lead.or(before.lead));
            states[index] = after;
        }

        // Each slice of each cohort month, and each slice over every month together.
        let mut over_months: BTreeMap<(u8, Dimension, i64), Counts> = BTreeMap::new();
        for ((community, _, dimension, id), counts) in &counters {
            check_rates(counts, &format!("{dimension:?} {id} of one month"))?;
            *over_months.entry((*community, *dimension, *id)).or_default() += *counts;
        }
        for ((_, dimension, id), counts) in &over_months {
            check_rates(counts, &format!("{dimension:?} {id} over every month"))?;
        }
        // The street: both communities added up.
        let street = sum(over_months.iter().filter(|((_, dimension, _), _)| *dimension == Dimension::All).map(|(_, counts)| counts));
        check_rates(&street, "the street")?;
        prop_assert_eq!(street.created, 6);
        // Breakdowns add up to their totals, month by month.
        let months: std::collections::BTreeSet<(u8, i64)> = counters.keys().map(|(community, month, _, _)| (*community, *month)).collect();
        for (community, month) in months {
            let of = |wanted: Dimension| sum(counters.iter()
                .filter(|((c, m, dimension, _), _)| *c == community && *m == month && *dimension == wanted)
                .map(|(_, counts)| counts));
            let total = of(Dimension::All);
            for dimension in [Dimension::Category, Dimension::Building, Dimension::Organisation] {
                prop_assert_eq!(of(dimension), total, "{:?} of month {} in community {}", dimension, month, community);
            }
        }
        // A party's row counts the work orders it leads now; the rest are 未指派.
        for (community, indices) in [(0u8, 0..3usize), (1, 3..6)] {
            for party in 0..4i64 {
                let leads = indices.clone().filter(|index| states[*index].lead.map(|lead| lead.0).unwrap_or(0) == party).count();
                let counted: i64 = counters.iter()
                    .filter(|((c, _, dimension, id), _)| *c == community && *dimension == Dimension::Organisation && *id == party)
                    .map(|(_, counts)| counts.created)
                    .sum();
                prop_assert_eq!(counted, i64::try_from(leads).unwrap_or(-1), "party {} in community {}", party, community);
            }
        }
    }
}
