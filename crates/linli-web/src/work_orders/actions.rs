//! `POST /api/v1/work-orders/{id}/actions/{action}`: every step of the loop.

use super::{facts, invalid, load_detail, views};
use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::extract::ApiPath;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use linli_domain::ids::{CommunityId, OrganisationId, PersonId};
use linli_domain::work_orders::state::{ActionInput, next_state};
use linli_domain::work_orders::{
    ActionKind, EventKind, LoopRules, Priority, Rating, Refusal, RefusalKind, decide, parse_text,
};
use linli_store::statistics::{StatsChange, StatsKey};
use linli_store::work_orders::{AppliedAction, NewEvent, OutboxMessage, WorkOrderRow};
use serde::Deserialize;
use serde_json::json;

/// The body of an action; each action reads the fields it needs.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionBody {
    /// The version the caller saw; refused with `work_order.version_conflict` if the
    /// work order changed since.
    pub(crate) version: Option<i64>,
    pub(crate) text: Option<String>,
    pub(crate) lead_organisation_id: Option<i64>,
    #[serde(default)]
    pub(crate) co_handler_ids: Vec<i64>,
    pub(crate) priority: Option<String>,
    pub(crate) rating: Option<i64>,
    pub(crate) accepted: Option<bool>,
    pub(crate) into_work_order_id: Option<i64>,
    pub(crate) until: Option<DateTime<Utc>>,
    pub(crate) grant: Option<bool>,
    pub(crate) deadline: Option<DateTime<Utc>>,
}

fn required_text(text: &Option<String>) -> ApiResult<String> {
    Ok(parse_text(text.as_deref().unwrap_or_default(), "text")?)
}

fn optional_text(text: &Option<String>) -> ApiResult<Option<String>> {
    match text
        .as_deref()
        .map(str::trim)
        .filter(|text| !text.is_empty())
    {
        Some(text) => Ok(Some(parse_text(text, "text")?)),
        None => Ok(None),
    }
}

fn parse_input(kind: ActionKind, body: &ActionBody, now: DateTime<Utc>) -> ApiResult<ActionInput> {
    Ok(match kind {
        ActionKind::Dispatch => ActionInput::Dispatch {
            lead: OrganisationId(
                body.lead_organisation_id
                    .ok_or_else(|| invalid("validation.required", "lead_organisation_id"))?,
            ),
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
            note: optional_text(&body.text)?,
        },
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
            rating: Rating::parse(
                body.rating
                    .ok_or_else(|| invalid("validation.required", "rating"))?,
            )?,
            comment: optional_text(&body.text)?,
        },
        ActionKind::Reject => ActionInput::Reject {
            reason: required_text(&body.text)?,
        },
        ActionKind::Cancel => ActionInput::Cancel {
            reason: required_text(&body.text)?,
        },
        ActionKind::Merge => ActionInput::Merge {
            into: body
                .into_work_order_id
                .ok_or_else(|| invalid("validation.required", "into_work_order_id"))?,
            note: optional_text(&body.text)?,
        },
        ActionKind::MeToo => ActionInput::MeToo,
        ActionKind::ReturnVisit => {
            let accepted = body
                .accepted
                .ok_or_else(|| invalid("validation.required", "accepted"))?;
            let rating = body.rating.map(Rating::parse).transpose()?;
            ActionInput::ReturnVisit {
                accepted,
                rating,
                summary: required_text(&body.text)?,
            }
        }
        ActionKind::RequestExtension => {
            let until = body
                .until
                .ok_or_else(|| invalid("validation.required", "until"))?;
            if until <= now {
                return Err(invalid("work_order.extension_in_past", "until"));
            }
            ActionInput::RequestExtension {
                until,
                reason: required_text(&body.text)?,
            }
        }
        ActionKind::DecideExtension => {
            let grant = body
                .grant
                .ok_or_else(|| invalid("validation.required", "grant"))?;
            if body.deadline.is_some_and(|deadline| deadline <= now) {
                return Err(invalid("work_order.extension_in_past", "deadline"));
            }
            ActionInput::DecideExtension {
                grant,
                deadline: body.deadline,
                note: optional_text(&body.text)?,
            }
        }
        // Closing by rule is the system's; no caller may ask for it.
        ActionKind::CloseByRule => return Err(ApiError::not_found("work_order.action_unknown")),
    })
}

fn refusal(refusal: Refusal) -> ApiError {
    let status = match refusal.kind {
        RefusalKind::Forbidden => StatusCode::FORBIDDEN,
        RefusalKind::Conflict => StatusCode::CONFLICT,
        RefusalKind::TooSoon => StatusCode::TOO_MANY_REQUESTS,
    };
    ApiError::new(status, refusal.code)
}

/// Checks what the action names beyond the work order itself: organisations of the same
/// community, a merge target that can take it.
async fn check_references(
    state: &AppState,
    order: &WorkOrderRow,
    input: &ActionInput,
) -> ApiResult<()> {
    match input {
        ActionInput::Dispatch {
            lead, co_handlers, ..
        } => {
            let organisations = state
                .store
                .organisations(CommunityId(order.community_id))
                .await?;
            let known = |id: &OrganisationId| {
                organisations
                    .iter()
                    .any(|organisation| organisation.id == id.0)
            };
            if !known(lead) {
                return Err(invalid(
                    "work_order.organisation_unknown",
                    "lead_organisation_id",
                ));
            }
            if !co_handlers.iter().all(known) {
                return Err(invalid("work_order.organisation_unknown", "co_handler_ids"));
            }
        }
        ActionInput::Merge { into, .. } => {
            let target =
                state.store.work_order(*into).await.map_err(|_| {
                    invalid("work_order.merge_target_invalid", "into_work_order_id")
                })?;
            if target.id == order.id
                || target.community_id != order.community_id
                || !target.status().is_open()
            {
                return Err(invalid(
                    "work_order.merge_target_invalid",
                    "into_work_order_id",
                ));
            }
        }
        _ => {}
    }
    Ok(())
}

/// What the action announces to others (delivered by the notification worker).
fn outbox_for(event: EventKind, order: &WorkOrderRow, input: &ActionInput) -> Vec<OutboxMessage> {
    let topic = match event {
        EventKind::Dispatched | EventKind::Redispatched => "work_order.dispatched",
        EventKind::Returned => "work_order.returned",
        EventKind::Resolved => "work_order.resolved",
        EventKind::Supervised => "work_order.supervised",
        EventKind::Urged => "work_order.urged",
        EventKind::ExtensionRequested => "work_order.extension_requested",
        EventKind::ExtensionGranted | EventKind::ExtensionRefused => "work_order.extension_decided",
        _ => return Vec::new(),
    };
    let lead = match input {
        ActionInput::Dispatch { lead, .. } => Some(lead.0),
        _ => order.lead_organisation_id,
    };
    vec![OutboxMessage {
        topic,
        payload: json!({ "number": order.number, "lead_organisation_id": lead }),
    }]
}

fn details_for(input: &ActionInput) -> Option<serde_json::Value> {
    match input {
        ActionInput::Dispatch {
            lead,
            co_handlers,
            priority,
            ..
        } => Some(json!({
            "lead_organisation_id": lead.0,
            "co_handler_ids": co_handlers.iter().map(|organisation| organisation.0).collect::<Vec<_>>(),
            "priority": priority.as_str(),
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

/// Decides and writes one action by `actor` (None: the system).
pub(crate) async fn perform(
    state: &AppState,
    order: &WorkOrderRow,
    co_handlers: &[i64],
    who: linli_domain::work_orders::Standing,
    actor: Option<PersonId>,
    follows: bool,
    input: ActionInput,
) -> ApiResult<i64> {
    let now = state.clock.now();
    let decision = decide(
        input.kind(),
        input.choice(),
        &facts(order, follows),
        who,
        now,
        &LoopRules::default(),
    )
    .map_err(refusal)?;
    check_references(state, order, &input).await?;
    let category = state.store.category(order.category_id).await?;
    let calendar = state.store.working_calendar().await?;
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
    let applied = AppliedAction {
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
    let version = state.store.apply_action(applied, now).await?;
    crate::live::announce(state, order, next_status.as_str(), decision.event.as_str()).await;
    Ok(version)
}

#[utoipa::path(
    post,
    path = "/api/v1/work-orders/{id}/actions/{action}",
    tag = "work orders",
    summary = "Take an action of the loop",
    request_body = ActionBody,
    params(("id" = i64, Path, description = "Work order id"), ("action" = linli_domain::work_orders::ActionKind, Path, description = "dispatch, sign, return, reply, note, urge, supervise, hold, resume, escalate, resolve, accept, reject, cancel, merge, me_too, return_visit, request_extension, decide_extension")),
    responses((status = 200, body = views::WorkOrderDetail)),
    security(("bearer" = []))
)]
pub async fn act(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((id, action)): ApiPath<(i64, String)>,
    body: axum::body::Bytes,
) -> ApiResult<Json<views::WorkOrderDetail>> {
    // Actions such as `sign` need no body at all; any body given must be valid JSON.
    let body: ActionBody = if body.iter().all(u8::is_ascii_whitespace) {
        ActionBody::default()
    } else {
        serde_json::from_slice(&body).map_err(|error| ApiError::invalid_body(error.to_string()))?
    };
    let kind = ActionKind::parse(&action)
        .ok_or_else(|| ApiError::not_found("work_order.action_unknown"))?;
    take_action(&state, &user, id, kind, &body).await?;
    Ok(Json(load_detail(&state, &user, id).await?))
}

/// One action by the caller on a work order, with every check the loop makes; the pages
/// and the API both come through here.
pub(crate) async fn take_action(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    kind: ActionKind,
    body: &ActionBody,
) -> ApiResult<()> {
    let super::Seen {
        order,
        co_handlers,
        who,
        follows,
        ..
    } = super::seen_by(state, user, id).await?;
    if body.version.is_some_and(|version| version != order.version) {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "work_order.version_conflict",
        ));
    }
    let input = parse_input(kind, body, state.clock.now())?;
    perform(
        state,
        &order,
        &co_handlers,
        who,
        Some(user.person),
        follows,
        input,
    )
    .await?;
    Ok(())
}
