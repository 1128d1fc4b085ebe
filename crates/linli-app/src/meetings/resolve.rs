//! What meetings and projects write on work orders, through the loop's own `perform`
//! (the state machine, counters, timeline and live updates as for any action).

use crate::work_orders::act::perform;
use crate::work_orders::facts;
use crate::{App, AppResult, Caller};
use linli_domain::access;
use linli_domain::ids::{CommunityId, OrganisationId, PersonId};
use linli_domain::roles::Role;
use linli_domain::work_orders::state::ActionInput;
use linli_domain::work_orders::{ActionKind, LoopRules, Priority, Standing, Status, permitted};

/// How the office stands when it acts on a work order for a meeting or a project: as
/// the dispatcher (duty officer, supervisor) it is in the community.
fn office_standing(caller: &Caller, community: CommunityId) -> Standing {
    Standing {
        duty_officer: access::holds(caller.grants(), Role::DutyOfficer, community),
        supervisor: access::holds(caller.grants(), Role::Supervisor, community),
        ..Standing::default()
    }
}

/// Writes a reply (public: the reporter reads it), a note (internal) or a hold on a work
/// order as the office, when its status allows; otherwise nothing.
pub(crate) async fn write_on_timeline(
    app: &App,
    caller: &Caller,
    work_order: i64,
    kind: ActionKind,
    text: &str,
) -> AppResult<bool> {
    let order = app.store.work_order(work_order).await?;
    let who = office_standing(caller, CommunityId(order.community_id));
    let allowed = permitted(
        kind,
        &facts(&order, false)?,
        who,
        app.now(),
        &LoopRules::default(),
    );
    if allowed.is_err() {
        return Ok(false);
    }
    let input = match kind {
        ActionKind::Note => ActionInput::Note {
            text: text.to_owned(),
        },
        ActionKind::Hold => ActionInput::Hold {
            reason: text.to_owned(),
        },
        _ => ActionInput::Reply {
            text: text.to_owned(),
        },
    };
    let co_handlers = app.store.co_handlers(order.id).await?;
    perform(
        app,
        &order,
        &co_handlers,
        who,
        Some(caller.person),
        false,
        input,
    )
    .await?;
    Ok(true)
}

/// Brings an open work order to 待验收 with `text`, acting for the party that did the
/// work (`lead`, when it has none yet): dispatched to it, signed, resumed, resolved as
/// its status needs. Answers whether it was resolved; a closed, cancelled or already
/// resolved one is left alone.
pub(crate) async fn advance_to_resolved(
    app: &App,
    actor: PersonId,
    work_order: i64,
    lead: OrganisationId,
    text: &str,
) -> AppResult<bool> {
    let who = Standing {
        lead_member: true,
        duty_officer: true,
        ..Standing::default()
    };
    for _ in 0..4 {
        let order = app.store.work_order(work_order).await?;
        let input = match order.status {
            Status::Submitted => ActionInput::Dispatch {
                lead,
                co_handlers: Vec::new(),
                priority: Priority::Normal,
                assignee: None,
                note: None,
            },
            Status::Dispatched => ActionInput::Sign { note: None },
            Status::OnHold => ActionInput::Resume { note: None },
            Status::InProgress => ActionInput::Resolve {
                text: text.to_owned(),
            },
            Status::Resolved | Status::Closed | Status::Cancelled => return Ok(false),
        };
        let resolving = matches!(input, ActionInput::Resolve { .. });
        let co_handlers = app.store.co_handlers(order.id).await?;
        perform(app, &order, &co_handlers, who, Some(actor), false, input).await?;
        if resolving {
            return Ok(true);
        }
    }
    Ok(false)
}
