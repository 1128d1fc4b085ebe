//! Reading work orders as the caller may see them: one work order with everything its
//! detail shows, and lists with filters and keyset pages.

use super::{facts, order_parties};
use crate::{App, AppError, AppResult, Caller};
use chrono::{DateTime, Utc};
use linli_domain::access::{self, View};
use linli_domain::ids::{BuildingId, CommunityId, PersonId, RoomId};
use linli_domain::work_orders::{ActionKind, LoopRules, Standing, Status, allowed_actions};
use linli_store::categories::Category;
use linli_store::people::Person;
use linli_store::registry::Organisation;
use linli_store::work_orders::{
    EventRow, ListCursor, ListOrder, Photo, WorkOrderFilter, WorkOrderRow,
};

/// A building or an organisation, by id and name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedRef {
    pub id: i64,
    pub name: String,
}

/// A work order with everything its detail shows, already cut to what the caller may
/// see (`view`): no room unless full, no reporter unless masked or full, no photos or
/// internal notes for the public.
#[derive(Debug, Clone)]
pub struct WorkOrderRead {
    pub order: WorkOrderRow,
    pub view: View,
    pub category: Category,
    pub building: Option<NamedRef>,
    /// The reporter's room as people write it ([`room_label`]); only in full view.
    pub room: Option<String>,
    /// The reporter's account; none in public view or for a guest.
    pub reporter: Option<Person>,
    pub organisations: Vec<Organisation>,
    pub co_handlers: Vec<i64>,
    /// The handler who has it (承办人), for the office only.
    pub assignee: Option<NamedRef>,
    pub events: Vec<EventRow>,
    pub photos: Vec<Photo>,
    pub allowed_actions: Vec<ActionKind>,
    /// Whether the caller is of the office (sees who did what: names of residents who
    /// said "me too", internal notes); residents, the reporter included, do not.
    pub shows_people: bool,
    pub now: DateTime<Utc>,
}

/// A room as people write it: `7号楼2单元301`.
pub fn room_label(building_name: &str, unit_number: &str, room_number: &str) -> String {
    format!("{building_name}{unit_number}单元{room_number}")
}

/// A work order as one caller stands to it.
pub(crate) struct Seen {
    pub order: WorkOrderRow,
    pub co_handlers: Vec<i64>,
    pub who: Standing,
    pub follows: bool,
    pub view: View,
}

/// Reads a work order and how the caller stands to it; one the caller may not see at all
/// is not found, as if it did not exist.
pub(crate) async fn seen_by(app: &App, caller: &Caller, id: i64) -> AppResult<Seen> {
    let order = app.store.work_order(id).await?;
    let community = app.store.community(CommunityId(order.community_id)).await?;
    let co_handlers = app.store.co_handlers(order.id).await?;
    let parties = order_parties(&order, community.place(), &co_handlers);
    let mut who = access::standing(caller.person, caller.grants(), &parties.borrowed());
    who.grabber = crate::dispatch_modes::may_grab(app, caller, &order).await?;
    let follows = app.store.follows(order.id, caller.person).await?;
    let view = access::view(caller.grants(), &parties.borrowed(), who, follows)
        .ok_or(AppError::NotFound("work_order.not_found"))?;
    Ok(Seen {
        order,
        co_handlers,
        who,
        follows,
        view,
    })
}

/// Where a work order is and who reported it, as much as `view` shows.
pub(crate) struct Place {
    pub building: Option<NamedRef>,
    pub room: Option<String>,
    pub reporter: Option<Person>,
}

async fn place_of(app: &App, order: &WorkOrderRow, view: View) -> AppResult<Place> {
    Ok(Place {
        building: match order.building_id {
            Some(building) => {
                let building = app.store.building(BuildingId(building)).await?;
                Some(NamedRef {
                    id: building.id,
                    name: building.name,
                })
            }
            None => None,
        },
        room: match order.room_id {
            Some(room) if view == View::Full => {
                let room = app.store.room(RoomId(room)).await?;
                Some(room_label(
                    &room.building_name,
                    &room.unit_number,
                    &room.number,
                ))
            }
            _ => None,
        },
        reporter: match order.reporter_id {
            Some(person) if view != View::Public => Some(app.store.person(PersonId(person)).await?),
            _ => None,
        },
    })
}

/// A work order with everything its detail shows, as the caller may see it.
pub async fn read(app: &App, caller: &Caller, id: i64) -> AppResult<WorkOrderRead> {
    let Seen {
        order,
        co_handlers,
        who,
        follows,
        view,
    } = seen_by(app, caller, id).await?;
    if view == View::Full {
        crate::privacy::note_unmasked_read(app, caller, &order).await?;
    }
    let now = app.clock.now();
    let facts = facts(&order, follows)?;
    let category = app.store.category(order.category_id).await?;
    let Place {
        building,
        room,
        reporter,
    } = place_of(app, &order, view).await?;
    let organisations = app
        .store
        .organisations(CommunityId(order.community_id))
        .await?;
    let events = app.store.events(order.id, who.sees_internal()).await?;
    let shows_people = who.sees_internal() || view == View::Masked;
    let assignee = match order.assignee_id {
        Some(id) if shows_people => Some(NamedRef {
            id,
            name: app.store.person(PersonId(id)).await?.display_name,
        }),
        _ => None,
    };
    // Photos may show faces and homes: only those who see the reporter's details see them.
    let photos = if view >= View::Masked {
        app.store.photos(order.id).await?
    } else {
        Vec::new()
    };
    Ok(WorkOrderRead {
        allowed_actions: allowed_actions(&facts, who, now, &LoopRules::default()),
        // The office and those who oversee it (the masked view is theirs alone).
        shows_people,
        assignee,
        order,
        view,
        category,
        building,
        room,
        reporter,
        organisations,
        co_handlers,
        events,
        photos,
        now,
    })
}

const PAGE_MAX: i64 = 200;

/// The filters of a list of work orders, as a caller asks for them.
#[derive(Debug, Clone, Default)]
pub struct ListRequest {
    pub community_id: Option<i64>,
    /// One status or several, comma-separated.
    pub status: Option<String>,
    pub category_id: Option<i64>,
    pub building_id: Option<i64>,
    /// Only the buildings of this grid (网格) of the community.
    pub grid_id: Option<i64>,
    pub lead_organisation_id: Option<i64>,
    /// Only those this handler has (承办人).
    pub assignee_id: Option<i64>,
    pub overdue: bool,
    /// Only those the supervisor has supervised (督办).
    pub supervised: bool,
    /// Only those put on the joint meeting's agenda.
    pub escalated: bool,
    /// Only mine: reported or followed by me (residents), or my organisations' (handlers).
    pub mine: bool,
    pub q: Option<String>,
    pub created_from: Option<DateTime<Utc>>,
    pub created_to: Option<DateTime<Utc>>,
    /// `newest` (default), `oldest`, or `deadline` (nearest resolve deadline first).
    pub sort: Option<String>,
    pub cursor: Option<String>,
    pub limit: Option<i64>,
}

/// One page of a list.
#[derive(Debug, Clone)]
pub struct ListPage {
    pub rows: Vec<WorkOrderRow>,
    /// For a resident: the rows they did not report are shown as the public sees them.
    pub public_but_for: Option<PersonId>,
    /// Pass as `cursor` for the next page; none on the last page.
    pub next_cursor: Option<String>,
    pub now: DateTime<Utc>,
}

/// A cursor names the last row of a page: `ID`, or `MICROS.ID` in deadline order
/// (MICROS: the deadline in microseconds since 1970, `-` for none).
fn cursor_of(row: &WorkOrderRow, order: ListOrder) -> String {
    match order {
        ListOrder::Deadline => {
            let deadline = row.resolve_deadline.or(row.triage_deadline).map_or_else(
                || "-".to_owned(),
                |deadline| deadline.timestamp_micros().to_string(),
            );
            format!("{deadline}.{}", row.id)
        }
        _ => row.id.to_string(),
    }
}

fn parse_cursor(cursor: &str) -> Option<ListCursor> {
    match cursor.split_once('.') {
        None => Some(ListCursor {
            id: cursor.parse().ok()?,
            deadline: None,
        }),
        Some((deadline, id)) => {
            let deadline = match deadline {
                "-" => None,
                micros => Some(DateTime::<Utc>::from_timestamp_micros(
                    micros.parse().ok()?,
                )?),
            };
            Some(ListCursor {
                id: id.parse().ok()?,
                deadline,
            })
        }
    }
}

/// Residents see their own (and, without `mine`, the public ones of their community);
/// staff and those who oversee the community see all of it.
pub async fn list(app: &App, caller: &Caller, request: &ListRequest) -> AppResult<ListPage> {
    let community =
        crate::registry::community_of_request(app, caller, request.community_id).await?;
    let community_id = CommunityId(community.id);
    let whole = access::sees_whole_community(caller.grants(), community.place());
    let resident = access::is_resident(caller.grants(), community_id);
    if !(whole || resident) {
        return Err(AppError::forbidden());
    }
    let limit = request.limit.unwrap_or(50);
    if !(1..=PAGE_MAX).contains(&limit) {
        return Err(AppError::invalid("validation.out_of_range", "limit"));
    }
    if let Some(grid) = request.grid_id {
        let grid = app
            .store
            .grid(grid)
            .await
            .map_err(|error| AppError::from(error).named_in("grid.unknown", "grid_id"))?;
        if grid.community_id != community.id {
            return Err(AppError::invalid("grid.unknown", "grid_id"));
        }
    }
    let statuses = match &request.status {
        Some(raw) => raw
            .split(',')
            .map(|status| Status::parse(status.trim()))
            .collect::<Result<Vec<_>, _>>()?,
        None => Vec::new(),
    };
    let order = match request.sort.as_deref() {
        None | Some("newest") => ListOrder::Newest,
        Some("oldest") => ListOrder::Oldest,
        Some("deadline") => ListOrder::Deadline,
        Some(_) => return Err(AppError::invalid("work_order.sort_unknown", "sort")),
    };
    let after = match &request.cursor {
        Some(cursor) => Some(
            parse_cursor(cursor)
                .ok_or_else(|| AppError::invalid("work_order.cursor_invalid", "cursor"))?,
        ),
        None => None,
    };
    let now = app.clock.now();
    let handler_organisations: Vec<i64> =
        access::handler_organisations(caller.grants(), community_id)
            .into_iter()
            .map(|organisation| organisation.0)
            .collect();
    let mut filter = WorkOrderFilter {
        communities: vec![community.id],
        statuses,
        category_id: request.category_id,
        building_id: request.building_id,
        grid_id: request.grid_id,
        lead_organisation_id: request.lead_organisation_id,
        assignee_id: request.assignee_id,
        overdue_at: request.overdue.then_some(now),
        supervised_only: request.supervised,
        escalated_only: request.escalated,
        text: request.q.clone(),
        created_from: request.created_from,
        created_to: request.created_to,
        order,
        after,
        limit: limit + 1,
        ..WorkOrderFilter::default()
    };
    if request.mine {
        if !handler_organisations.is_empty() {
            filter.handled_by = Some(handler_organisations);
        } else {
            filter.involving_person = Some(caller.person.0);
        }
    } else if !whole {
        filter.public_only = true;
    }
    let mut rows = app.store.list_work_orders(&filter).await?;
    let page = usize::try_from(limit).unwrap_or(usize::MAX);
    let next_cursor = if rows.len() > page {
        rows.truncate(page);
        rows.last().map(|row| cursor_of(row, order))
    } else {
        None
    };
    Ok(ListPage {
        rows,
        public_but_for: (!whole).then_some(caller.person),
        next_cursor,
        now,
    })
}
