//! The agenda's forms: an escalated work order by its number or a free item; moving an
//! item up or down, deferring it to the next meeting, withdrawing it; and the decision on
//! an item with what it does (record, start a project, resolve the work order).

use super::{Fields, caller_of, get, outcome};
use crate::error::ApiError;
use crate::pages::context::{PageResult, Viewer, parse_local_input};
use crate::pages::projects::fen_from_yuan;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum_extra::extract::Form;
use linli_app::meetings::{agenda, decide};
use linli_app::projects::manage::ProjectRequest;
use linli_domain::ValidationError;
use linli_domain::ids::CommunityId;

fn invalid(code: &'static str, field: &'static str) -> ApiError {
    ApiError::from(ValidationError::new(code, field))
}

/// A work order of the meeting's community by the number people know it by; an unknown
/// number is refused as an unknown work order (`field`).
async fn order_by_number(
    state: &AppState,
    meeting: i64,
    raw: &str,
    field: &'static str,
) -> Result<i64, ApiError> {
    let number: i64 = raw
        .trim()
        .trim_start_matches('#')
        .parse()
        .map_err(|_| invalid("page.error.number_invalid", field))?;
    let community = CommunityId(state.store.meeting(meeting).await?.community_id);
    state
        .store
        .work_order_by_number(community, number)
        .await
        .map(|order| order.id)
        .map_err(|_| invalid("meeting.work_order_unknown", field))
}

/// Puts an item on the agenda: a work order (by number) or a free item (by title).
pub async fn add_item(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> PageResult {
    let caller = caller_of(&viewer, &fields)?;
    let result = async {
        let number = get(&fields, "work_order_number").trim();
        let work_order_id = if number.is_empty() {
            None
        } else {
            Some(order_by_number(&state, id, number, "work_order_id").await?)
        };
        let notes = get(&fields, "notes").trim();
        agenda::add_item(
            &state,
            caller,
            id,
            &agenda::ItemRequest {
                work_order_id,
                title: work_order_id
                    .is_none()
                    .then(|| get(&fields, "title").to_owned()),
                notes: (!notes.is_empty()).then(|| notes.to_owned()),
            },
        )
        .await
        .map_err(ApiError::from)
    }
    .await;
    outcome(&state, &viewer, id, "agenda", fields, result).await
}

/// One item's button or form: `up`, `down`, `defer`, `withdraw` or `decide`.
pub async fn item_action(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, item, action)): Path<(i64, i64, String)>,
    Form(fields): Form<Fields>,
) -> PageResult {
    let caller = caller_of(&viewer, &fields)?;
    let (form, result) = match action.as_str() {
        "up" | "down" => (
            "agenda".to_owned(),
            move_item(&state, caller, id, item, action == "up").await,
        ),
        "defer" => (
            "agenda".to_owned(),
            agenda::defer(&state, caller, id, item)
                .await
                .map(|_| ())
                .map_err(ApiError::from),
        ),
        "withdraw" => (
            "agenda".to_owned(),
            agenda::withdraw(&state, caller, id, item)
                .await
                .map_err(ApiError::from),
        ),
        "decide" => (
            format!("decide-{item}"),
            decide_item(&state, caller, id, item, &fields).await,
        ),
        _ => return Err(ApiError::not_found("request.not_found").into()),
    };
    outcome(&state, &viewer, id, &form, fields, result).await
}

/// Swaps an item with its neighbour and saves the whole order (every item once).
async fn move_item(
    state: &AppState,
    caller: &linli_app::Caller,
    meeting: i64,
    item: i64,
    up: bool,
) -> Result<(), ApiError> {
    let mut order: Vec<i64> = state
        .store
        .meeting_items(meeting)
        .await?
        .iter()
        .map(|item| item.id)
        .collect();
    let Some(at) = order.iter().position(|known| *known == item) else {
        return Err(ApiError::not_found("meeting.item_not_found"));
    };
    let other = if up { at.checked_sub(1) } else { Some(at + 1) };
    if let Some(other) = other.filter(|other| *other < order.len()) {
        order.swap(at, other);
    }
    agenda::reorder(state, caller, meeting, &order)
        .await
        .map_err(ApiError::from)
}

async fn decide_item(
    state: &AppState,
    caller: &linli_app::Caller,
    meeting: i64,
    item: i64,
    fields: &Fields,
) -> Result<(), ApiError> {
    let deadline = match get(fields, "deadline").trim() {
        "" => None,
        raw => Some(
            parse_local_input(raw).ok_or_else(|| invalid("page.error.date_invalid", "deadline"))?,
        ),
    };
    let action = get(fields, "action").to_owned();
    let project = if action == "start_project" {
        let mut work_order_ids = Vec::new();
        for number in get(fields, "work_order_numbers")
            .split([',', '，', ' ', '、'])
            .filter(|number| !number.trim().is_empty())
        {
            work_order_ids.push(order_by_number(state, meeting, number, "work_order_ids").await?);
        }
        Some(ProjectRequest {
            community_id: None,
            title: get(fields, "project_title").to_owned(),
            purpose: get(fields, "purpose").to_owned(),
            work_order_ids,
            owner_organisation_id: None,
            budget_fen: fen_from_yuan(get(fields, "budget"), "budget_fen")?,
            funding_sources: super::all(fields, "funding")
                .into_iter()
                .map(str::to_owned)
                .collect(),
        })
    } else {
        None
    };
    decide::decide(
        state,
        caller,
        meeting,
        item,
        &decide::DecisionRequest {
            text: get(fields, "text").to_owned(),
            lead_organisation_id: get(fields, "lead_organisation_id").trim().parse().ok(),
            co_organisation_ids: super::all(fields, "co_organisation_ids")
                .into_iter()
                .filter_map(|id| id.parse().ok())
                .collect(),
            deadline,
            action: Some(action).filter(|action| !action.is_empty()),
            project,
            hold_work_orders: get(fields, "hold_work_orders") == "on",
        },
    )
    .await
    .map(|_| ())
    .map_err(ApiError::from)
}
