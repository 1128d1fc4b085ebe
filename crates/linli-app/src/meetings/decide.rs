//! A decision on an agenda item — its text, lead party, co-parties, deadline — and what
//! it does: record a task, start a project (the linked work orders may wait for it on
//! hold), or resolve the linked work order. Every linked work order's timeline then
//! says in plain words that the meeting discussed it and what it decided.

use super::agenda::meeting_day;
use super::{advance_to_resolved, meeting_to_change, write_on_timeline};
use crate::projects::manage::{ProjectRequest, create_in_meeting};
use crate::{App, AppError, AppResult, Caller};
use chrono::{DateTime, Utc};
use linli_domain::ids::{CommunityId, OrganisationId};
use linli_domain::meetings::{DecisionAction, item_changeable};
use linli_domain::work_orders::{ActionKind, parse_text};
use linli_store::meetings::ItemDecision;

#[derive(Debug, Clone, Default)]
pub struct DecisionRequest {
    pub text: String,
    pub lead_organisation_id: Option<i64>,
    pub co_organisation_ids: Vec<i64>,
    pub deadline: Option<DateTime<Utc>>,
    /// `record` (default), `start_project` or `resolve`.
    pub action: Option<String>,
    /// For `start_project`: the project.
    pub project: Option<ProjectRequest>,
    /// For `start_project`: put the linked work orders on hold until it is done.
    pub hold_work_orders: bool,
}

/// What a decision did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DecisionOutcome {
    pub project_id: Option<i64>,
    /// Work orders put on hold or resolved by it.
    pub work_orders_changed: Vec<i64>,
}

/// Decides an open item of a scheduled meeting.
pub async fn decide(
    app: &App,
    caller: &Caller,
    meeting_id: i64,
    item_id: i64,
    input: &DecisionRequest,
) -> AppResult<DecisionOutcome> {
    let meeting = meeting_to_change(app, caller, meeting_id).await?;
    let item = app.store.meeting_item(item_id).await?;
    if item.meeting_id != meeting.id {
        return Err(AppError::NotFound("meeting.item_not_found"));
    }
    item_changeable(item.status).map_err(AppError::Conflict)?;
    let text = parse_text(&input.text, "text")?;
    let action = input
        .action
        .as_deref()
        .map(DecisionAction::parse)
        .transpose()?
        .unwrap_or(DecisionAction::Record);
    let community = CommunityId(meeting.community_id);
    let organisations = app.store.organisations(community).await?;
    let known = |id: &i64| {
        organisations
            .iter()
            .any(|organisation| organisation.id == *id)
    };
    let lead = input
        .lead_organisation_id
        .ok_or_else(|| AppError::invalid("validation.required", "lead_organisation_id"))?;
    if !known(&lead) {
        return Err(AppError::invalid(
            "meeting.organisation_unknown",
            "lead_organisation_id",
        ));
    }
    if !input.co_organisation_ids.iter().all(known) {
        return Err(AppError::invalid(
            "meeting.organisation_unknown",
            "co_organisation_ids",
        ));
    }
    if input.deadline.is_some_and(|deadline| deadline <= app.now()) {
        return Err(AppError::invalid("meeting.in_past", "deadline"));
    }
    if action == DecisionAction::Resolve && item.work_order_id.is_none() {
        return Err(AppError::invalid("meeting.no_work_order", "action"));
    }
    // Checked before anything is written, so a bad project refuses the whole decision.
    let project = match (action, &input.project) {
        (DecisionAction::StartProject, Some(project)) => Some(
            crate::projects::manage::checked(app, caller, community, project, item.work_order_id)
                .await?,
        ),
        (DecisionAction::StartProject, None) => {
            return Err(AppError::invalid("validation.required", "project"));
        }
        _ => None,
    };
    app.store
        .decide_meeting_item(
            item_id,
            &ItemDecision {
                text: &text,
                lead_organisation_id: lead,
                co_organisation_ids: &input.co_organisation_ids,
                deadline: input.deadline,
                decided_by: caller.person,
            },
            app.now(),
        )
        .await?;
    let mut outcome = DecisionOutcome::default();
    let mut linked: Vec<i64> = item.work_order_id.into_iter().collect();
    if let Some(project) = project {
        let (id, origins) = create_in_meeting(app, caller, community, project, item_id).await?;
        outcome.project_id = Some(id);
        linked = origins;
    }
    let said = app.texts.text(
        "meeting.timeline_decided",
        &[("date", meeting_day(&meeting)), ("decision", text.clone())],
    );
    for work_order in &linked {
        write_on_timeline(app, caller, *work_order, ActionKind::Reply, &said).await?;
        let changed = match action {
            DecisionAction::StartProject if input.hold_work_orders => {
                let title = input
                    .project
                    .as_ref()
                    .map(|p| p.title.clone())
                    .unwrap_or_default();
                let reason = app
                    .texts
                    .text("meeting.hold_for_project", &[("title", title)]);
                write_on_timeline(app, caller, *work_order, ActionKind::Hold, &reason).await?
            }
            DecisionAction::Resolve => {
                advance_to_resolved(app, caller.person, *work_order, OrganisationId(lead), &text)
                    .await?
            }
            _ => false,
        };
        if changed {
            outcome.work_orders_changed.push(*work_order);
        }
    }
    Ok(outcome)
}
