//! The agenda: escalated work orders (with what the meeting needs to know of them) and
//! free items; reordering, deferring to the next meeting, withdrawing.

use super::convene::{MeetingRequest, schedule};
use super::{meeting_to_change, write_on_timeline};
use crate::{App, AppError, AppResult, Caller};
use linli_domain::calendar::shanghai;
use linli_domain::ids::{BuildingId, CommunityId};
use linli_domain::meetings::{item_changeable, parse_line};
use linli_domain::work_orders::{ActionKind, parse_text};
use linli_store::meetings::{ItemRow, MeetingRow};

#[derive(Debug, Clone, Default)]
pub struct ItemRequest {
    /// An escalated work order of the meeting's community…
    pub work_order_id: Option<i64>,
    /// …or a free item's title.
    pub title: Option<String>,
    pub notes: Option<String>,
}

/// Puts an item at the end of a scheduled meeting's agenda; answers its id.
pub async fn add_item(
    app: &App,
    caller: &Caller,
    meeting_id: i64,
    input: &ItemRequest,
) -> AppResult<i64> {
    let meeting = meeting_to_change(app, caller, meeting_id).await?;
    let notes = input
        .notes
        .as_deref()
        .map(str::trim)
        .filter(|notes| !notes.is_empty())
        .map(|notes| parse_text(notes, "notes"))
        .transpose()?;
    let Some(work_order) = input.work_order_id else {
        let title = parse_line(input.title.as_deref().unwrap_or_default(), "title", 80)?;
        return Ok(app
            .store
            .add_meeting_item(meeting_id, None, &title, notes.as_deref(), app.now())
            .await?);
    };
    let unknown = || AppError::invalid("meeting.work_order_unknown", "work_order_id");
    let order = app.store.work_order(work_order).await.map_err(|error| {
        AppError::from(error).named_in("meeting.work_order_unknown", "work_order_id")
    })?;
    if order.community_id != meeting.community_id {
        return Err(unknown());
    }
    if !order.escalated {
        return Err(AppError::invalid(
            "meeting.work_order_not_escalated",
            "work_order_id",
        ));
    }
    if !order.status.is_open() {
        return Err(AppError::invalid(
            "meeting.work_order_closed",
            "work_order_id",
        ));
    }
    let on_agenda = app
        .store
        .meeting_items_of_work_order(work_order)
        .await?
        .iter()
        .any(|item| item.status == linli_domain::meetings::ItemStatus::Open);
    if on_agenda {
        return Err(AppError::Conflict("meeting.work_order_on_agenda"));
    }
    let category = app.store.category(order.category_id).await?;
    let title = match order.building_id {
        Some(building) => {
            let building = app.store.building(BuildingId(building)).await?;
            app.texts.text(
                "meeting.item_title_building",
                &[("category", category.name), ("building", building.number)],
            )
        }
        None => category.name,
    };
    let id = app
        .store
        .add_meeting_item(
            meeting_id,
            Some(work_order),
            &title,
            notes.as_deref(),
            app.now(),
        )
        .await?;
    let note = app.texts.text(
        "meeting.timeline_on_agenda",
        &[("date", meeting_day(&meeting))],
    );
    write_on_timeline(app, caller, work_order, ActionKind::Note, &note).await?;
    Ok(id)
}

/// "11月5日", the meeting's day as people say it.
pub(crate) fn meeting_day(meeting: &MeetingRow) -> String {
    meeting
        .starts_at
        .with_timezone(&shanghai())
        .format("%-m月%-d日")
        .to_string()
}

/// An item of the meeting, still open.
async fn open_item(app: &App, meeting_id: i64, item_id: i64) -> AppResult<ItemRow> {
    let item = app
        .store
        .meeting_item(item_id)
        .await
        .map_err(|error| AppError::from(error).named_in("meeting.item_unknown", "item_id"))?;
    if item.meeting_id != meeting_id {
        return Err(AppError::NotFound("meeting.item_not_found"));
    }
    item_changeable(item.status).map_err(AppError::Conflict)?;
    Ok(item)
}

/// Puts the items in this order (every item of the meeting, once).
pub async fn reorder(app: &App, caller: &Caller, meeting_id: i64, order: &[i64]) -> AppResult<()> {
    meeting_to_change(app, caller, meeting_id).await?;
    let mut unique = order.to_vec();
    unique.sort_unstable();
    unique.dedup();
    if unique.len() != order.len() {
        return Err(AppError::invalid("meeting.order_incomplete", "item_ids"));
    }
    app.store
        .reorder_meeting_items(meeting_id, order, app.now())
        .await?;
    Ok(())
}

/// Withdraws an open item.
pub async fn withdraw(app: &App, caller: &Caller, meeting_id: i64, item_id: i64) -> AppResult<()> {
    meeting_to_change(app, caller, meeting_id).await?;
    open_item(app, meeting_id, item_id).await?;
    app.store.withdraw_meeting_item(item_id, app.now()).await?;
    Ok(())
}

/// Defers an open item to the next scheduled meeting (called from the series when there
/// is none yet); answers the new item's meeting and id.
pub async fn defer(
    app: &App,
    caller: &Caller,
    meeting_id: i64,
    item_id: i64,
) -> AppResult<(i64, i64)> {
    let meeting = meeting_to_change(app, caller, meeting_id).await?;
    open_item(app, meeting_id, item_id).await?;
    let community = CommunityId(meeting.community_id);
    let next = match app
        .store
        .next_scheduled_meeting(community, meeting.starts_at)
        .await?
    {
        Some(next) => next.id,
        None => {
            schedule(
                app,
                caller,
                &MeetingRequest {
                    community_id: Some(community.0),
                    after: Some(meeting.starts_at),
                    ..MeetingRequest::default()
                },
            )
            .await?
        }
    };
    let new_item = app
        .store
        .defer_meeting_item(item_id, next, app.now())
        .await?;
    Ok((next, new_item))
}
