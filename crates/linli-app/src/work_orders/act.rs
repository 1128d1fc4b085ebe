//! Every step of the loop after the report: one action by a caller (or by the system, on
//! the clock) on one work order, with every check the loop makes.

use super::facts;
use super::read::{Seen, seen_by};
use crate::{App, AppError, AppResult, Caller, Refusal};
use chrono::{DateTime, Utc};
use linli_domain::ids::{CommunityId, OrganisationId, PersonId};
use linli_domain::notifications::Topic;
use linli_domain::work_orders::state::{ActionInput, next_state};
use linli_domain::work_orders::{
    ActionKind, EventKind, LoopRules, Priority, Rating, RefusalKind, Standing, decide, parse_text,
};
use linli_store::statistics::{StatsChange, StatsKey};
use linli_store::work_orders::{AppliedAction, NewEvent, OutboxMessage, WorkOrderRow};
use serde_json::json;

/// What a caller sends with an action; each action reads the fields it needs.
#[derive(Debug, Clone, Default)]
pub struct ActionRequest {
    /// The version the caller saw; refused with `work_order.version_conflict` if the
    /// work order changed since.
    pub version: Option<i64>,
    pub text: Option<String>,
    pub lead_organisation_id: Option<i64>,
    pub co_handler_ids: Vec<i64>,
    /// A handler of the lead party named to do it (承办人).
    pub assignee_id: Option<i64>,
    pub priority: Option<String>,
    pub rating: Option<i64>,
    pub accepted: Option<bool>,
    pub into_work_order_id: Option<i64>,
    /// The merge target by the number people see, instead of its id (the pages).
    pub into_work_order_number: Option<i64>,
    /// Whether the caller confirmed handing a work order that has a lead party to another
    /// (the pages ask; `None`: not asked, as over the API).
    pub redispatch_confirmed: Option<bool>,
    pub until: Option<DateTime<Utc>>,
    pub grant: Option<bool>,
    pub deadline: Option<DateTime<Utc>>,
}

fn required_text(text: &Option<String>) -> AppResult<String> {
    Ok(parse_text(text.as_deref().unwrap_or_default(), "text")?)
}

fn optional_text(text: &Option<String>) -> AppResult<Option<String>> {
    match text
        .as_deref()
        .map(str::trim)
        .filter(|text| !text.is_empty())
    {
        Some(text) => Ok(Some(parse_text(text, "text")?)),
        None => Ok(None),
    }
}

fn required<T: Copy>(value: Option<T>, field: &'static str) -> AppResult<T> {
    value.ok_or_else(|| AppError::invalid("validation.required", field))
}

fn parse_input(
    kind: ActionKind,
    body: &ActionRequest,
    now: DateTime<Utc>,
) -> AppResult<ActionInput> {
    Ok(match kind {
        ActionKind::Dispatch => ActionInput::Dispatch {
            lead: OrganisationId(required(body.lead_organisation_id, "lead_organisation_id")?),
            co_handlers: body
                .co_handler_ids
                .iter()
                .copied()
                .map(OrganisationId)
                .collect(),
            priority: body
                .priority
                .as_deref()
                .map(Priority::parse)
                .transpose()?
                .unwrap_or(Priority::Normal),
            assignee: body.assignee_id.map(PersonId),
            note: optional_text(&body.text)?,
        },
        // Who grabs is the caller: see `take_action`.
        ActionKind::Grab => return Err(AppError::NotFound("work_order.action_unknown")),
        ActionKind::Sign => ActionInput::Sign {
            note: optional_text(&body.text)?,
        },
        ActionKind::Return => ActionInput::Return {
            reason: required_text(&body.text)?,
        },
        ActionKind::Reply => ActionInput::Reply {
            text: required_text(&body.text)?,
        },
        ActionKind::Note => ActionInput::Note {
            text: required_text(&body.text)?,
        },
        ActionKind::Urge => ActionInput::Urge {
            text: optional_text(&body.text)?,
        },
        ActionKind::Supervise => ActionInput::Supervise {
            instructions: required_text(&body.text)?,
        },
        ActionKind::Hold => ActionInput::Hold {
            reason: required_text(&body.text)?,
        },
        ActionKind::Resume => ActionInput::Resume {
            note: optional_text(&body.text)?,
        },
        ActionKind::Escalate => ActionInput::Escalate {
            note: optional_text(&body.text)?,
        },
        ActionKind::Resolve => ActionInput::Resolve {
            text: required_text(&body.text)?,
        },
        ActionKind::Accept => ActionInput::Accept {
            rating: Rating::parse(required(body.rating, "rating")?)?,
            comment: optional_text(&body.text)?,
        },
        ActionKind::Reject => ActionInput::Reject {
            reason: required_text(&body.text)?,
        },
        ActionKind::Cancel => ActionInput::Cancel {
            reason: required_text(&body.text)?,
        },
        ActionKind::Merge => ActionInput::Merge {
            into: required(body.into_work_order_id, "into_work_order_id")?,
            note: optional_text(&body.text)?,
        },
        ActionKind::MeToo => ActionInput::MeToo,
        ActionKind::ReturnVisit => ActionInput::ReturnVisit {
            accepted: required(body.accepted, "accepted")?,
            rating: body.rating.map(Rating::parse).transpose()?,
            summary: required_text(&body.text)?,
        },
        ActionKind::RequestExtension => {
            let until = required(body.until, "until")?;
            if until <= now {
                return Err(AppError::invalid("work_order.extension_in_past", "until"));
            }
            ActionInput::RequestExtension {
                until,
                reason: required_text(&body.text)?,
            }
        }
        ActionKind::DecideExtension => {
            let grant = required(body.grant, "grant")?;
            if body.deadline.is_some_and(|deadline| deadline <= now) {
                return Err(AppError::invalid(
                    "work_order.extension_in_past",
                    "deadline",
                ));
            }
            ActionInput::DecideExtension {
                grant,
                deadline: body.deadline,
                note: optional_text(&body.text)?,
            }
        }
        // Closing by rule is the system's; no caller may ask for it.
        ActionKind::CloseByRule => return Err(AppError::NotFound("work_order.action_unknown")),
    })
}

fn refusal(refusal: linli_domain::work_orders::Refusal) -> AppError {
    match refusal.kind {
        RefusalKind::Forbidden => AppError::refused(refusal.code, Refusal::Forbidden),
        RefusalKind::Conflict => AppError::Conflict(refusal.code),
        RefusalKind::TooSoon => AppError::refused(
            refusal.code,
            Refusal::TooSoon {
                retry_after_seconds: None,
            },
        ),
    }
}

/// Checks what the action names beyond the work order itself: organisations of the same
/// community, a merge target that can take it.
async fn check_references(app: &App, order: &WorkOrderRow, input: &ActionInput) -> AppResult<()> {
    match input {
        ActionInput::Dispatch {
            lead,
            co_handlers,
            assignee,
            ..
        } => {
            if let Some(assignee) = assignee {
                check_assignee(app, order, *lead, *assignee).await?;
            }
            let organisations = app
                .store
                .organisations(CommunityId(order.community_id))
                .await?;
            let known = |id: &OrganisationId| {
                organisations
                    .iter()
                    .any(|organisation| organisation.id == id.0)
            };
            if !known(lead) {
                return Err(AppError::invalid(
                    "work_order.organisation_unknown",
                    "lead_organisation_id",
                ));
            }
            if !co_handlers.iter().all(known) {
                return Err(AppError::invalid(
                    "work_order.organisation_unknown",
                    "co_handler_ids",
                ));
            }
        }
        ActionInput::Merge { into, .. } => {
            let invalid =
                || AppError::invalid("work_order.merge_target_invalid", "into_work_order_id");
            let target = app.store.work_order(*into).await.map_err(|error| {
                AppError::from(error)
                    .named_in("work_order.merge_target_invalid", "into_work_order_id")
            })?;
            if target.id == order.id
                || target.community_id != order.community_id
                || !target.status.is_open()
            {
                return Err(invalid());
            }
        }
        _ => {}
    }
    Ok(())
}

/// A named handler must handle for the lead party in the work order's community.
async fn check_assignee(
    app: &App,
    order: &WorkOrderRow,
    lead: OrganisationId,
    assignee: PersonId,
) -> AppResult<()> {
    let grants = app.store.grants_of(assignee).await?;
    let handles_for_lead = grants.iter().any(|stored| {
        stored.grant.role == linli_domain::roles::Role::Handler
            && stored.grant.scope
                == linli_domain::roles::Scope::Community(CommunityId(order.community_id))
            && stored.grant.organisation == Some(lead)
    });
    if handles_for_lead {
        Ok(())
    } else {
        Err(AppError::invalid(
            "work_order.assignee_unknown",
            "assignee_id",
        ))
    }
}

/// What the action announces to others (delivered by the notification fan-out).
fn outbox_for(event: EventKind, order: &WorkOrderRow, input: &ActionInput) -> Vec<OutboxMessage> {
    let topics: &[Topic] = match event {
        // The lead party hears "来新单了！", the reporter that it was seen and given to it.
        EventKind::Dispatched | EventKind::Redispatched => {
            &[Topic::WorkOrderDispatched, Topic::WorkOrderAccepted]
        }
        EventKind::Signed => &[Topic::WorkOrderSigned],
        // The reporter hears that it was taken; the taker needs no telling.
        EventKind::Grabbed => &[Topic::WorkOrderAccepted],
        EventKind::Returned => &[Topic::WorkOrderReturned],
        EventKind::Resolved => &[Topic::WorkOrderResolved],
        EventKind::Supervised => &[Topic::WorkOrderSupervised],
        EventKind::Urged => &[Topic::WorkOrderUrged],
        EventKind::ExtensionRequested => &[Topic::WorkOrderExtensionRequested],
        EventKind::ExtensionGranted | EventKind::ExtensionRefused => {
            &[Topic::WorkOrderExtensionDecided]
        }
        _ => return Vec::new(),
    };
    let lead = match input {
        ActionInput::Dispatch { lead, .. } => Some(lead.0),
        ActionInput::Grab { organisation, .. } => Some(organisation.0),
        _ => order.lead_organisation_id,
    };
    topics
        .iter()
        .map(|topic| OutboxMessage {
            topic: *topic,
            payload: json!({ "number": order.number, "lead_organisation_id": lead }),
        })
        .collect()
}

fn details_for(input: &ActionInput) -> Option<serde_json::Value> {
    match input {
        ActionInput::Dispatch {
            lead,
            co_handlers,
            priority,
            assignee,
            ..
        } => Some(json!({
            "lead_organisation_id": lead.0,
            "co_handler_ids": co_handlers.iter().map(|organisation| organisation.0).collect::<Vec<_>>(),
            "priority": priority.as_str(),
            "assignee_id": assignee.map(|person| person.0),
        })),
        ActionInput::Grab {
            handler,
            organisation,
        } => Some(json!({
            "lead_organisation_id": organisation.0,
            "assignee_id": handler.0,
        })),
        ActionInput::Accept { rating, .. } => Some(json!({ "rating": rating.stars() })),
        ActionInput::ReturnVisit {
            accepted, rating, ..
        } => Some(json!({ "accepted": accepted, "rating": rating.map(Rating::stars) })),
        ActionInput::Merge { into, .. } => Some(json!({ "into_work_order_id": into })),
        ActionInput::RequestExtension { until, .. } => Some(json!({ "until": until })),
        ActionInput::DecideExtension {
            grant, deadline, ..
        } => Some(json!({ "granted": grant, "deadline": deadline })),
        _ => None,
    }
}

/// Decides and writes one action by `actor` (None: the system); answers the new version.
pub(crate) async fn perform(
    app: &App,
    order: &WorkOrderRow,
    co_handlers: &[i64],
    who: Standing,
    actor: Option<PersonId>,
    follows: bool,
    input: ActionInput,
) -> AppResult<i64> {
    let now = app.clock.now();
    let decision = decide(
        input.kind(),
        input.choice(),
        &facts(order, follows)?,
        who,
        now,
        &LoopRules::default(),
    )
    .map_err(refusal)?;
    check_references(app, order, &input).await?;
    let category = app.store.category(order.category_id).await?;
    let calendar = app.store.working_calendar().await?;
    let before = order.state(co_handlers);
    let next = next_state(
        &before,
        &input,
        &decision,
        category.limits(),
        &calendar,
        now,
    );
    let stats = StatsChange {
        key: StatsKey {
            community_id: order.community_id,
            category_id: order.category_id,
            building_id: order.building_id,
            organisation_id: next.lead.or(before.lead).map(|organisation| organisation.0),
        },
        cohort: order.created_at,
        delta: linli_domain::statistics::delta(decision.event, &before, &next, now),
        from_status: Some(before.status),
        to_status: next.status,
    };
    let new_follower = match (&input, actor) {
        (ActionInput::MeToo, Some(person)) => Some((person, "me_too")),
        (ActionInput::Merge { .. }, _) => order
            .reporter_id
            .map(|reporter| (PersonId(reporter), "merged")),
        _ => None,
    };
    let next_status = next.status;
    let grab = match &input {
        ActionInput::Grab { handler, .. } => Some((*handler, category.open_cap)),
        _ => None,
    };
    let applied = AppliedAction {
        grab,
        work_order_id: order.id,
        expected_version: order.version,
        outbox: outbox_for(decision.event, order, &input),
        event: NewEvent {
            kind: decision.event,
            actor,
            body: input.text().map(str::to_owned),
            details: details_for(&input),
        },
        next,
        new_follower,
        stats,
    };
    let version = match app.store.apply_action(applied, now).await {
        // Two handlers grabbed at once: the other one has it.
        Err(linli_store::StoreError::Conflict("work_order.version_conflict")) if grab.is_some() => {
            return Err(AppError::Conflict("work_order.already_taken"));
        }
        written => written?,
    };
    crate::live::announce(app, order, next_status.as_str(), decision.event.as_str()).await;
    Ok(version)
}

/// A grab by the caller, for the party they handle for in the work order's community.
fn grab_input(caller: &Caller, order: &WorkOrderRow) -> AppResult<ActionInput> {
    let organisation = linli_domain::access::handler_organisations(
        caller.grants(),
        CommunityId(order.community_id),
    )
    .into_iter()
    .min()
    .ok_or_else(AppError::forbidden)?;
    Ok(ActionInput::Grab {
        handler: caller.person,
        organisation,
    })
}

/// One action by the caller on a work order, with every check the loop makes; the pages
/// and the API both come through here.
pub async fn take_action(
    app: &App,
    caller: &Caller,
    id: i64,
    kind: ActionKind,
    request: &ActionRequest,
) -> AppResult<()> {
    let Seen {
        order,
        co_handlers,
        who,
        follows,
        ..
    } = seen_by(app, caller, id).await?;
    if request
        .version
        .is_some_and(|version| version != order.version)
    {
        return Err(AppError::Conflict("work_order.version_conflict"));
    }
    if kind == ActionKind::Dispatch
        && order.lead_organisation_id.is_some()
        && request.redispatch_confirmed == Some(false)
    {
        return Err(AppError::invalid(
            "work_order.redispatch_unconfirmed",
            "confirm_redispatch",
        ));
    }
    let mut request = request.clone();
    if let (ActionKind::Merge, None, Some(number)) = (
        kind,
        request.into_work_order_id,
        request.into_work_order_number,
    ) {
        let target = app
            .store
            .work_order_by_number(CommunityId(order.community_id), number)
            .await
            .map_err(|error| {
                AppError::from(error)
                    .named_in("work_order.merge_target_invalid", "into_work_order_id")
            })?;
        request.into_work_order_id = Some(target.id);
    }
    let input = if kind == ActionKind::Grab {
        if who.grabber && order.status != linli_domain::work_orders::Status::Submitted {
            // Someone was quicker, a moment or a day ago: the same answer either way.
            return Err(AppError::Conflict("work_order.already_taken"));
        }
        grab_input(caller, &order)?
    } else {
        parse_input(kind, &request, app.clock.now())?
    };
    perform(
        app,
        &order,
        &co_handlers,
        who,
        Some(caller.person),
        follows,
        input,
    )
    .await?;
    Ok(())
}

/// An action with photos taken in the same form (the lead party resolving with its
/// evidence): the photos are checked first, so a bad one refuses the whole form with
/// nothing done (its error on the `photos` field); they are kept once the action is.
pub async fn take_action_with_photos(
    app: &App,
    caller: &Caller,
    id: i64,
    kind: ActionKind,
    request: &ActionRequest,
    photos: Vec<Vec<u8>>,
) -> AppResult<()> {
    let purpose = match kind {
        _ if photos.is_empty() => return take_action(app, caller, id, kind, request).await,
        ActionKind::Resolve => super::photos::Purpose::Resolution,
        _ => return Err(AppError::invalid("photo.not_for_this_action", "photos")),
    };
    let processed = super::photos::process_form_photos(photos).await?;
    take_action(app, caller, id, kind, request).await?;
    super::photos::store_processed(app, id, caller.person, purpose, processed).await
}
