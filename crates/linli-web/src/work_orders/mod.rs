//! The work-order API: report, list, read, and act on work orders.

pub(crate) mod access;
pub(crate) mod actions;
pub(crate) mod batching;
pub mod jobs;
pub(crate) mod views;

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::registry::visible_communities;
use crate::state::AppState;
use access::View;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use linli_domain::ValidationError;
use linli_domain::ids::{BuildingId, CommunityId, PersonId, RoomId};
use linli_domain::registry::{Name, Phone};
use linli_domain::work_orders::{Channel, Facts, LoopRules, Status, allowed_actions, parse_text};
use linli_store::registry::Community;
use linli_store::work_orders::{ListCursor, ListOrder, WorkOrderFilter, WorkOrderRow};
use serde::{Deserialize, Serialize};

pub use actions::act;

const PAGE_MAX: i64 = 200;

fn invalid(code: &'static str, field: &'static str) -> ApiError {
    ApiError::from(ValidationError::new(code, field))
}

/// The community a request is about: the one named, or the caller's only one.
pub(crate) async fn community_of_request(
    state: &AppState,
    user: &CurrentUser,
    named: Option<i64>,
) -> ApiResult<Community> {
    let visible = visible_communities(state, user).await?;
    community_among(visible, named)
}

/// The community a request names, or the caller's only one.
fn community_among(visible: Vec<Community>, named: Option<i64>) -> ApiResult<Community> {
    match named {
        Some(id) => visible
            .into_iter()
            .find(|community| community.id == id)
            .ok_or_else(ApiError::forbidden),
        None if visible.len() == 1 => visible.into_iter().next().ok_or_else(ApiError::forbidden),
        None => Err(invalid("work_order.community_required", "community_id")),
    }
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewWorkOrderInput {
    pub(crate) community_id: Option<i64>,
    pub(crate) category_id: Option<i64>,
    /// A category's code (`high_altitude_throwing`), instead of its id.
    pub(crate) category: Option<String>,
    pub(crate) description: String,
    pub(crate) building_id: Option<i64>,
    pub(crate) room_id: Option<i64>,
    pub(crate) place: Option<String>,
    pub(crate) channel: Option<String>,
    /// Staff reporting for a resident who has an account.
    pub(crate) reporter_id: Option<i64>,
    /// Staff reporting for someone without an account.
    pub(crate) guest_name: Option<String>,
    pub(crate) guest_phone: Option<String>,
    pub(crate) is_public: Option<bool>,
    /// The walk-in visit this comes from.
    pub(crate) visit_id: Option<i64>,
}

/// `POST /api/v1/work-orders`: a resident reports a problem, or the desk reports one for
/// a visitor or caller.
#[utoipa::path(
    post,
    path = "/api/v1/work-orders",
    tag = "work orders",
    summary = "Report a problem (residents), or take one for a visitor or caller (desk)",
    request_body = NewWorkOrderInput,
    responses((status = 201, body = views::WorkOrderDetail)),
    security(("bearer" = []))
)]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<NewWorkOrderInput>,
) -> ApiResult<(StatusCode, Json<views::WorkOrderDetail>)> {
    // The caller's own rooms: where they may report, and where their problem most likely is.
    let own_rooms = state.store.rooms_of(user.person).await?;
    let homes: Vec<i64> = own_rooms.iter().map(|room| room.community_id).collect();
    let community = community_among(
        crate::registry::visible_communities_with_homes(&state, &user, &homes).await?,
        input.community_id,
    )?;
    let community_id = CommunityId(community.id);
    let for_others = access::may_create_for_others(&user, community_id);
    let for_self = access::is_resident(&user, community_id);
    let on_behalf = input.reporter_id.is_some() || input.guest_name.is_some();
    if !(for_others || (for_self && !on_behalf)) {
        return Err(ApiError::forbidden());
    }
    let description = parse_text(&input.description, "description")?;
    let categories = state.store.categories(community_id).await?;
    let category = categories
        .iter()
        .find(|category| {
            category.active
                && (Some(category.id) == input.category_id
                    || input.category.as_deref() == Some(category.code.as_str()))
        })
        .ok_or_else(|| invalid("work_order.category_unknown", "category"))?;
    let channel = match (input.channel.as_deref(), on_behalf || !for_self) {
        (Some(raw), _) => Channel::parse(raw)?,
        (None, true) => Channel::WalkIn,
        (None, false) => Channel::App,
    };
    if on_behalf && channel == Channel::App {
        return Err(invalid("work_order.channel_for_staff", "channel"));
    }
    // Who reported it, with their account as the answer shows it.
    let (reporter, guest_name, guest_phone, reporter_account) = if on_behalf {
        match (input.reporter_id, &input.guest_name) {
            (Some(person), None) => {
                if !state
                    .store
                    .is_member_of(PersonId(person), community_id)
                    .await?
                {
                    return Err(invalid("work_order.reporter_unknown", "reporter_id"));
                }
                let account = state.store.person(PersonId(person)).await?;
                (Some(PersonId(person)), None, None, Some(account))
            }
            (None, Some(name)) => {
                let name = Name::parse(name, "guest_name", 40)?;
                let phone = input.guest_phone.as_deref().map(Phone::parse).transpose()?;
                (
                    None,
                    Some(name.into_string()),
                    phone.map(|phone| phone.as_str().to_owned()),
                    None,
                )
            }
            _ => return Err(invalid("work_order.reporter_ambiguous", "reporter_id")),
        }
    } else {
        (Some(user.person), None, None, Some(user.account.clone()))
    };
    // Where: the room or building named, or the reporter's own home in this community.
    let mut building_id = input.building_id;
    let mut room_id = input.room_id;
    let mut building = None;
    let mut room_label = None;
    if let Some(room) = room_id {
        let room = state
            .store
            .room(RoomId(room))
            .await
            .map_err(|_| invalid("work_order.room_unknown", "room_id"))?;
        if room.community_id != community.id
            || building_id.is_some_and(|building| building != room.building_id)
        {
            return Err(invalid("work_order.room_unknown", "room_id"));
        }
        building_id = Some(room.building_id);
        room_label = Some(views::room_label(
            &room.building_name,
            &room.unit_number,
            &room.number,
        ));
        building = Some(views::NamedRef {
            id: room.building_id,
            name: room.building_name,
        });
    } else if let Some(named) = building_id {
        let found = state
            .store
            .building(BuildingId(named))
            .await
            .ok()
            .filter(|found| found.community_id == community.id)
            .ok_or_else(|| invalid("work_order.building_unknown", "building_id"))?;
        building = Some(views::NamedRef {
            id: found.id,
            name: found.name,
        });
    }
    // Unless told otherwise, the problem is at the reporter's home: its building, and its
    // room when the building is the reporter's own.
    if let (Some(reporter), None) = (reporter, room_id) {
        let rooms = if reporter == user.person {
            own_rooms
        } else {
            state.store.rooms_of(reporter).await?
        };
        let home = rooms.into_iter().find(|room| {
            room.community_id == community.id
                && building_id.is_none_or(|building| building == room.building_id)
        });
        if let Some(home) = home {
            building_id = Some(home.building_id);
            room_id = Some(home.room_id);
            room_label = Some(views::room_label(
                &home.building_name,
                &home.unit_number,
                &home.room_number,
            ));
            building = Some(views::NamedRef {
                id: home.building_id,
                name: home.building_name,
            });
        }
    }
    let place = input
        .place
        .as_deref()
        .map(str::trim)
        .filter(|place| !place.is_empty())
        .map(str::to_owned);
    if place
        .as_ref()
        .is_some_and(|place| place.chars().count() > 200)
    {
        return Err(invalid("validation.too_long", "place"));
    }
    if let Some(visit) = input.visit_id {
        let visit = state
            .store
            .visit(visit)
            .await
            .map_err(|_| invalid("visit.not_linkable", "visit_id"))?;
        if visit.community_id != community.id || visit.work_order_id.is_some() {
            return Err(invalid("visit.not_linkable", "visit_id"));
        }
    }
    let now = state.clock.now();
    let created = state
        .creates
        .create(
            batching::PendingWorkOrder {
                community: community_id,
                category_id: category.id,
                description,
                building_id,
                room_id,
                place,
                channel,
                reporter,
                guest_name,
                guest_phone,
                created_by: user.person,
                is_public: input.is_public.unwrap_or(true),
                visit_id: input.visit_id,
            },
            now,
        )
        .await?;
    // A new work order: its row is at hand and its only follower is its reporter.
    state.live.publish(crate::live::Change {
        community_id: created.row.community_id,
        work_order_id: created.row.id,
        number: created.row.number,
        status: created.row.status.clone(),
        event: "submitted".to_owned(),
        audience: created.row.reporter_id.into_iter().collect(),
        at: now,
    });
    let place = Place {
        building,
        room: room_label,
        reporter: reporter_account,
    };
    let detail = detail_of_created(&state, &user, &community, category, place, created)?;
    Ok((StatusCode::CREATED, Json(detail)))
}

/// Where a work order is and who reported it, as much as `view` shows.
struct Place {
    building: Option<views::NamedRef>,
    room: Option<String>,
    reporter: Option<linli_store::people::Person>,
}

async fn place_of(state: &AppState, order: &WorkOrderRow, view: View) -> ApiResult<Place> {
    Ok(Place {
        building: match order.building_id {
            Some(building) => {
                let building = state.store.building(BuildingId(building)).await?;
                Some(views::NamedRef {
                    id: building.id,
                    name: building.name,
                })
            }
            None => None,
        },
        room: match order.room_id {
            Some(room) if view == View::Full => {
                let room = state.store.room(RoomId(room)).await?;
                Some(views::room_label(
                    &room.building_name,
                    &room.unit_number,
                    &room.number,
                ))
            }
            _ => None,
        },
        reporter: match order.reporter_id {
            Some(person) if view != View::Public => {
                Some(state.store.person(PersonId(person)).await?)
            }
            _ => None,
        },
    })
}

/// The answer to a report, from what creating it already holds: a new work order has no
/// co-handlers, followers, lead party or photos yet; its community, category, place and
/// reporter were read to check the report, and its first event came back from the write.
fn detail_of_created(
    state: &AppState,
    user: &CurrentUser,
    community: &Community,
    category: &linli_store::work_orders::Category,
    place: Place,
    created: linli_store::work_orders::CreatedWorkOrder,
) -> ApiResult<views::WorkOrderDetail> {
    let linli_store::work_orders::CreatedWorkOrder {
        row: order,
        mut first_event,
    } = created;
    let who = access::standing(user, &order, &[]);
    let view = access::view(user, &order, community, who, false)
        .ok_or_else(|| ApiError::not_found("work_order.not_found"))?;
    // The first event's actor is whoever took the report: the caller.
    first_event.actor_name = Some(user.account.display_name.clone());
    let now = state.clock.now();
    Ok(views::detail(
        &order,
        views::DetailParts {
            view,
            category,
            building: place.building,
            room: place.room.filter(|_| view == View::Full),
            reporter: place.reporter.as_ref().filter(|_| view != View::Public),
            organisations: &[],
            co_handlers: &[],
            events: vec![first_event],
            photos: Vec::new(),
            allowed_actions: allowed_actions(
                &facts(&order, false),
                who,
                now,
                &LoopRules::default(),
            ),
            now,
        },
    ))
}

/// A work order as one caller stands to it.
pub(crate) struct Seen {
    pub order: WorkOrderRow,
    pub co_handlers: Vec<i64>,
    pub who: linli_domain::work_orders::Standing,
    pub follows: bool,
    pub view: View,
}

/// Reads a work order and how the caller stands to it; one the caller may not see at all
/// answers 404, as if it did not exist.
pub(crate) async fn seen_by(state: &AppState, user: &CurrentUser, id: i64) -> ApiResult<Seen> {
    let order = state.store.work_order(id).await?;
    let community = state
        .store
        .community(CommunityId(order.community_id))
        .await?;
    let co_handlers = state.store.co_handlers(order.id).await?;
    let who = access::standing(user, &order, &co_handlers);
    let follows = state.store.follows(order.id, user.person).await?;
    let view = access::view(user, &order, &community, who, follows)
        .ok_or_else(|| ApiError::not_found("work_order.not_found"))?;
    Ok(Seen {
        order,
        co_handlers,
        who,
        follows,
        view,
    })
}

/// Reads a work order with everything its detail shows, as the caller may see it.
pub(crate) async fn load_detail(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
) -> ApiResult<views::WorkOrderDetail> {
    let Seen {
        order,
        co_handlers,
        who,
        follows,
        view,
    } = seen_by(state, user, id).await?;
    let now = state.clock.now();
    let facts = facts(&order, follows);
    let category = state.store.category(order.category_id).await?;
    let Place {
        building,
        room,
        reporter,
    } = place_of(state, &order, view).await?;
    let organisations = state
        .store
        .organisations(CommunityId(order.community_id))
        .await?;
    let events = state.store.events(order.id, who.sees_internal()).await?;
    // Photos may show faces and homes: only those who see the reporter's details see them.
    let photos = if view >= View::Masked {
        state.store.photos(order.id).await?
    } else {
        Vec::new()
    };
    Ok(views::detail(
        &order,
        views::DetailParts {
            view,
            category: &category,
            building,
            room,
            reporter: reporter.as_ref(),
            organisations: &organisations,
            co_handlers: &co_handlers,
            events,
            photos: photos.iter().map(crate::photos::view).collect(),
            allowed_actions: allowed_actions(&facts, who, now, &LoopRules::default()),
            now,
        },
    ))
}

/// What a caller may do with a work order's photos.
pub(crate) struct PhotoAccess {
    pub may_see_photos: bool,
    pub may_add_report_photos: bool,
    pub may_add_resolution_photos: bool,
}

pub(crate) async fn load_detail_for_photos(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
) -> ApiResult<PhotoAccess> {
    let Seen {
        order, who, view, ..
    } = seen_by(state, user, id).await?;
    let open = order.status().is_open();
    Ok(PhotoAccess {
        may_see_photos: view >= View::Masked,
        may_add_report_photos: open
            && (who.reporter || who.receptionist || who.duty_officer || who.supervisor),
        may_add_resolution_photos: open
            && (who.lead_member || who.co_handler || who.duty_officer || who.supervisor),
    })
}

pub(crate) fn facts(order: &WorkOrderRow, caller_follows: bool) -> Facts {
    Facts {
        status: order.status(),
        channel: order.channel(),
        reporter_has_account: order.reporter_id.is_some(),
        is_public: order.is_public,
        escalated: order.escalated,
        extension_pending: order.extension_requested_until.is_some(),
        caller_follows,
        was_dispatched: order.dispatched_at.is_some(),
        last_urged_at: order.last_urged_at,
        resolve_deadline: order.resolve_deadline,
        resolved_at: order.resolved_at,
    }
}

/// `GET /api/v1/work-orders/{id}`
#[utoipa::path(
    get,
    path = "/api/v1/work-orders/{id}",
    tag = "work orders",
    summary = "A work order as the caller may see it, with timeline and allowed actions",
    params(("id" = i64, Path, description = "Work order id")),
    responses((status = 200, body = views::WorkOrderDetail)),
    security(("bearer" = []))
)]
pub async fn get(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<views::WorkOrderDetail>> {
    Ok(Json(load_detail(&state, &user, id).await?))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    pub(crate) community_id: Option<i64>,
    /// One status or several, comma-separated.
    pub(crate) status: Option<String>,
    pub(crate) category_id: Option<i64>,
    pub(crate) building_id: Option<i64>,
    pub(crate) lead_organisation_id: Option<i64>,
    pub(crate) overdue: Option<bool>,
    /// Only those the supervisor has supervised (督办).
    pub(crate) supervised: Option<bool>,
    /// Only those put on the joint meeting's agenda.
    pub(crate) escalated: Option<bool>,
    /// Only mine: reported or followed by me (residents), or my organisations' (handlers).
    pub(crate) mine: Option<bool>,
    pub(crate) q: Option<String>,
    pub(crate) created_from: Option<DateTime<Utc>>,
    pub(crate) created_to: Option<DateTime<Utc>>,
    /// `newest` (default), `oldest`, or `deadline` (nearest resolve deadline first).
    pub(crate) sort: Option<String>,
    pub(crate) cursor: Option<String>,
    pub(crate) limit: Option<i64>,
}

/// A cursor names the last row of a page: `ID`, or `MICROS.ID` in deadline order
/// (MICROS: the deadline in microseconds since 1970, `-` for none).
fn cursor_of(row: &WorkOrderRow, order: ListOrder) -> String {
    match order {
        ListOrder::Deadline => {
            let deadline = row.resolve_deadline.map_or_else(
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

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Page {
    pub(crate) items: Vec<views::WorkOrderSummary>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub(crate) next_cursor: Option<String>,
}

/// `GET /api/v1/work-orders`: residents see their own (and, without `mine`, the public
/// ones of their community); staff see their community's.
#[utoipa::path(
    get,
    path = "/api/v1/work-orders",
    tag = "work orders",
    summary = "Work orders, filtered, newest first, by pages",
    params(ListQuery),
    responses((status = 200, body = Page)),
    security(("bearer" = []))
)]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> ApiResult<Json<Page>> {
    let community = community_of_request(&state, &user, query.community_id).await?;
    let community_id = CommunityId(community.id);
    let staff = access::is_staff(&user, community_id);
    let overseer = user.may(
        linli_domain::permissions::RegistryAction::ViewRegistry,
        community.place(),
    ) && user.grants().iter().any(|grant| {
        matches!(
            grant.role,
            linli_domain::roles::Role::StreetOverseer | linli_domain::roles::Role::Admin
        )
    });
    let resident = access::is_resident(&user, community_id);
    if !(staff || overseer || resident) {
        return Err(ApiError::forbidden());
    }
    let limit = query.limit.unwrap_or(50);
    if !(1..=PAGE_MAX).contains(&limit) {
        return Err(invalid("validation.out_of_range", "limit"));
    }
    let statuses = match &query.status {
        Some(raw) => raw
            .split(',')
            .map(|status| Status::parse(status.trim()))
            .collect::<Result<Vec<_>, _>>()?,
        None => Vec::new(),
    };
    let order = match query.sort.as_deref() {
        None | Some("newest") => ListOrder::Newest,
        Some("oldest") => ListOrder::Oldest,
        Some("deadline") => ListOrder::Deadline,
        Some(_) => return Err(invalid("work_order.sort_unknown", "sort")),
    };
    let after = match &query.cursor {
        Some(cursor) => Some(
            parse_cursor(cursor).ok_or_else(|| invalid("work_order.cursor_invalid", "cursor"))?,
        ),
        None => None,
    };
    let mine = query.mine.unwrap_or(false);
    let handler_organisations = access::handler_organisations(&user, community_id);
    let only_residents_view = !staff && !overseer;
    let mut filter = WorkOrderFilter {
        communities: vec![community.id],
        statuses,
        category_id: query.category_id,
        building_id: query.building_id,
        lead_organisation_id: query.lead_organisation_id,
        overdue_at: query.overdue.unwrap_or(false).then(|| state.clock.now()),
        supervised_only: query.supervised.unwrap_or(false),
        escalated_only: query.escalated.unwrap_or(false),
        text: query.q.clone(),
        created_from: query.created_from,
        created_to: query.created_to,
        order,
        after,
        limit: limit + 1,
        ..WorkOrderFilter::default()
    };
    if mine {
        if !handler_organisations.is_empty() {
            filter.handled_by = Some(handler_organisations);
        } else {
            filter.involving_person = Some(user.person.0);
        }
    } else if only_residents_view {
        filter.public_only = true;
    }
    let mut rows = state.store.list_work_orders(&filter).await?;
    let next_cursor = if rows.len() > usize::try_from(limit).unwrap_or(usize::MAX) {
        rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        rows.last().map(|row| cursor_of(row, order))
    } else {
        None
    };
    let now = state.clock.now();
    Ok(Json(Page {
        items: rows.iter().map(|row| views::summary(row, now)).collect(),
        next_cursor,
    }))
}
