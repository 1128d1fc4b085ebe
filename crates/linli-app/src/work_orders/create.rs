//! Reporting a problem: a resident from their phone, or the desk for a visitor or caller.

use super::batching::PendingWorkOrder;
use super::read::{NamedRef, WorkOrderRead, room_label};
use super::{facts, order_parties};
use crate::live::Change;
use crate::{App, AppError, AppResult, Caller, FieldChecks};
use linli_domain::ValidationError;
use linli_domain::access;
use linli_domain::ids::{CommunityId, PersonId, RoomId};
use linli_domain::registry::{Name, Phone};
use linli_domain::work_orders::{Channel, LoopRules, allowed_actions, parse_text};

/// Longest free-text place ("地下车库B2").
const PLACE_MAX: usize = 200;

/// A report as a caller makes it.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub community_id: Option<i64>,
    pub category_id: Option<i64>,
    /// A category's code (`high_altitude_throwing`), instead of its id.
    pub category: Option<String>,
    pub description: String,
    pub building_id: Option<i64>,
    pub room_id: Option<i64>,
    pub place: Option<String>,
    pub channel: Option<String>,
    /// Staff reporting for a resident who has an account.
    pub reporter_id: Option<i64>,
    /// Staff reporting for someone without an account.
    pub guest_name: Option<String>,
    pub guest_phone: Option<String>,
    /// Whether other residents may see it; by default a report from the app is public
    /// and one taken at the desk or by phone is not.
    pub is_public: Option<bool>,
    /// The walk-in visit this comes from.
    pub visit_id: Option<i64>,
}

/// Who reported it, with their account as the answer shows it.
struct Reporter {
    person: Option<PersonId>,
    guest_name: Option<String>,
    guest_phone: Option<String>,
    account: Option<linli_store::people::Person>,
}

async fn reporter_of(
    app: &App,
    caller: &Caller,
    input: &Report,
    community: CommunityId,
    on_behalf: bool,
    checks: &mut FieldChecks,
) -> AppResult<Option<Reporter>> {
    if !on_behalf {
        return Ok(Some(Reporter {
            person: Some(caller.person),
            guest_name: None,
            guest_phone: None,
            account: Some(caller.account.clone()),
        }));
    }
    match (input.reporter_id, &input.guest_name) {
        (Some(person), None) => {
            if !app.store.is_member_of(PersonId(person), community).await? {
                checks.refuse(AppError::invalid(
                    "work_order.reporter_unknown",
                    "reporter_id",
                ))?;
                return Ok(None);
            }
            let account = app.store.person(PersonId(person)).await?;
            Ok(Some(Reporter {
                person: Some(PersonId(person)),
                guest_name: None,
                guest_phone: None,
                account: Some(account),
            }))
        }
        (None, Some(name)) => {
            let name = checks.check(Name::parse(name, "guest_name", 40))?;
            let phone = checks.check(
                input
                    .guest_phone
                    .as_deref()
                    .map(str::trim)
                    .filter(|phone| !phone.is_empty())
                    .map(|phone| Phone::parse(phone).map_err(|error| error.in_field("guest_phone")))
                    .transpose(),
            )?;
            Ok(name.zip(phone).map(|(name, phone)| Reporter {
                person: None,
                guest_name: Some(name.into_string()),
                guest_phone: phone.map(|phone| phone.as_str().to_owned()),
                account: None,
            }))
        }
        _ => {
            checks.refuse(AppError::invalid(
                "work_order.reporter_ambiguous",
                "reporter_id",
            ))?;
            Ok(None)
        }
    }
}

/// Where a report is: the room or building named, or the reporter's own home in the
/// community; with the room's label for those who may see it.
#[derive(Default)]
struct Whereabouts {
    building_id: Option<i64>,
    room_id: Option<i64>,
    building: Option<NamedRef>,
    room_label: Option<String>,
}

/// The room or building the report names, checked to be the community's.
async fn named_place(
    app: &App,
    input: &Report,
    community_id: i64,
    checks: &mut FieldChecks,
) -> AppResult<Whereabouts> {
    let mut place = Whereabouts {
        building_id: input.building_id,
        room_id: input.room_id,
        ..Whereabouts::default()
    };
    if let Some(room) = input.room_id {
        let room = match app.store.room(RoomId(room)).await {
            Ok(room) => room,
            Err(error) => {
                checks
                    .refuse(AppError::from(error).named_in("work_order.room_unknown", "room_id"))?;
                return Ok(Whereabouts::default());
            }
        };
        if room.community_id != community_id
            || input
                .building_id
                .is_some_and(|building| building != room.building_id)
        {
            checks.refuse(AppError::invalid("work_order.room_unknown", "room_id"))?;
            return Ok(Whereabouts::default());
        }
        place.building_id = Some(room.building_id);
        place.room_label = Some(room_label(
            &room.building_name,
            &room.unit_number,
            &room.number,
        ));
        place.building = Some(NamedRef {
            id: room.building_id,
            name: room.building_name,
        });
    } else if let Some(named) = input.building_id {
        match checks.check(crate::registry::building_in(app, community_id, named).await)? {
            Some(found) => {
                place.building = Some(NamedRef {
                    id: found.id,
                    name: found.name,
                });
            }
            None => place.building_id = None,
        }
    }
    Ok(place)
}

/// Reports a problem and answers the new work order as the caller sees it.
///
/// Rules: residents report for themselves, in the app; the desk, the duty officer and
/// the supervisor may report for a resident or a guest, by default as a walk-in. The
/// place is the room or building named, else the reporter's own home in the community.
/// Every wrong field is named at once.
pub async fn report(app: &App, caller: &Caller, input: Report) -> AppResult<WorkOrderRead> {
    report_after(app, caller, input, FieldChecks::default()).await
}

/// [`report`], after checks of the same form already made (its photos).
async fn report_after(
    app: &App,
    caller: &Caller,
    input: Report,
    mut checks: FieldChecks,
) -> AppResult<WorkOrderRead> {
    // The caller's own rooms: where they may report, and where their problem most likely is.
    let own_rooms = app.store.rooms_of(caller.person).await?;
    let homes: Vec<i64> = own_rooms.iter().map(|room| room.community_id).collect();
    let (visible, claimed) = crate::registry::reporting_communities(app, caller, &homes).await?;
    let community = crate::registry::community_among(visible, input.community_id)?;
    let community_id = CommunityId(community.id);
    let for_others = access::may_report_for_others(caller.grants(), community_id);
    let unconfirmed = claimed.contains(&community.id);
    let for_self = access::is_resident(caller.grants(), community_id) || unconfirmed;
    let on_behalf = input.reporter_id.is_some() || input.guest_name.is_some();
    if !(for_others || (for_self && !on_behalf)) {
        return Err(AppError::forbidden());
    }
    let categories = app.store.categories(community_id).await?;
    let category = categories.into_iter().find(|category| {
        category.active
            && (Some(category.id) == input.category_id
                || input.category.as_deref() == Some(category.code.as_str()))
    });
    if category.is_none() {
        checks.refuse(AppError::invalid("work_order.category_unknown", "category"))?;
    }
    let description = checks.check(parse_text(&input.description, "description"))?;
    let channel = match (input.channel.as_deref(), on_behalf || !for_self) {
        (Some(raw), _) => checks.check(Channel::parse(raw))?,
        (None, true) => Some(Channel::WalkIn),
        (None, false) => Some(Channel::App),
    };
    // Only an Open311 client reports through Open311, and it reports only so.
    if (channel == Some(Channel::Open311)) != caller.is_open311_client() {
        checks.refuse(AppError::invalid("work_order.channel_reserved", "channel"))?;
    }
    if on_behalf && channel == Some(Channel::App) {
        checks.refuse(AppError::invalid("work_order.channel_for_staff", "channel"))?;
    }
    let reporter = reporter_of(app, caller, &input, community_id, on_behalf, &mut checks).await?;
    let Whereabouts {
        mut building_id,
        mut room_id,
        mut building,
        room_label: mut room_label_text,
    } = named_place(app, &input, community.id, &mut checks).await?;
    // A flat named is the reporter's own: a resident cannot put a report in a
    // neighbour's name by naming their room, and staff reporting for a resident name
    // that resident's rooms. Staff reporting themselves, or for a visitor without an
    // account, may name any room of the community (the desk sees the visitor).
    let reports_as_resident = !on_behalf && !for_others;
    if let (Some(named_room), Some(person)) = (room_id, reporter.as_ref().and_then(|r| r.person))
        && (on_behalf || reports_as_resident)
    {
        let their_rooms = if person == caller.person {
            &own_rooms
        } else {
            &app.store.rooms_of(person).await?
        };
        if !their_rooms.iter().any(|room| room.room_id == named_room) {
            checks.refuse(AppError::invalid(
                "work_order.room_not_reporters",
                "room_id",
            ))?;
        }
    }
    // Unless told otherwise, the problem is at the reporter's home: its building, and its
    // room when the building is the reporter's own.
    if let (Some(person), None) = (reporter.as_ref().and_then(|r| r.person), room_id) {
        let rooms = if person == caller.person {
            own_rooms
        } else {
            app.store.rooms_of(person).await?
        };
        let home = rooms.into_iter().find(|room| {
            room.community_id == community.id
                && building_id.is_none_or(|building| building == room.building_id)
        });
        if let Some(home) = home {
            building_id = Some(home.building_id);
            room_id = Some(home.room_id);
            room_label_text = Some(room_label(
                &home.building_name,
                &home.unit_number,
                &home.room_number,
            ));
            building = Some(NamedRef {
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
        .is_some_and(|place| place.chars().count() > PLACE_MAX)
    {
        checks.refuse(ValidationError::too_long("place", PLACE_MAX).into())?;
    }
    if let Some(visit) = input.visit_id {
        let visit =
            checks.check(app.store.visit(visit).await.map_err(|error| {
                AppError::from(error).named_in("visit.not_linkable", "visit_id")
            }))?;
        if visit.is_some_and(|visit| {
            visit.community_id != community.id || visit.work_order_id.is_some()
        }) {
            checks.refuse(AppError::invalid("visit.not_linkable", "visit_id"))?;
        }
    }
    checks.finish()?;
    let (Some(category), Some(description), Some(channel), Some(reporter)) =
        (category, description, channel, reporter)
    else {
        return Err(AppError::internal(
            "a report passed its checks with a field missing",
        ));
    };
    let now = app.clock.now();
    let triage_deadline = app
        .store
        .working_calendar()
        .await?
        .deadline(now, category.limits().triage);
    let created = app
        .creates
        .create(
            PendingWorkOrder {
                community: community_id,
                category_id: category.id,
                description,
                building_id,
                room_id,
                place,
                channel,
                reporter: reporter.person,
                guest_name: reporter.guest_name,
                guest_phone: reporter.guest_phone,
                created_by: caller.person,
                // A resident's own report is public by default (neighbours may say "me
                // too"); one taken at the desk or on the phone only with the visitor's
                // consent.
                is_public: input.is_public.unwrap_or(channel == Channel::App),
                triage_deadline,
                visit_id: input.visit_id,
            },
            now,
        )
        .await?;
    if unconfirmed
        && let Some(claim) = app
            .store
            .pending_claim_in(caller.person, community_id)
            .await?
    {
        app.store
            .mark_unverified_report(created.row.id, claim)
            .await?;
    }
    // A new work order: its row is at hand and its only follower is its reporter.
    app.live.publish(Change {
        community_id: created.row.community_id,
        work_order_id: created.row.id,
        number: created.row.number,
        status: created.row.status.as_str().to_owned(),
        event: "submitted".to_owned(),
        audience: created.row.reporter_id.into_iter().collect(),
        at: now,
    });
    if category.dispatch_mode == linli_domain::dispatch_modes::DispatchMode::RoundRobin {
        // Given to the next handler in turn at once: answered as it now stands.
        crate::dispatch_modes::take_turn(app, &created.row, &category).await;
        return super::read(app, caller, created.row.id).await;
    }
    // The answer comes from what creating it already holds: a new work order has no
    // co-handlers, followers, lead party or photos yet; its community, category, place
    // and reporter were read to check the report, and its first event came back from
    // the write.
    let linli_store::work_orders::CreatedWorkOrder {
        row: order,
        mut first_event,
    } = created;
    let parties = order_parties(&order, community.place(), &[]);
    let who = access::standing(caller.person, caller.grants(), &parties.borrowed());
    let view = access::view(caller.grants(), &parties.borrowed(), who, false).ok_or_else(|| {
        AppError::internal(format!(
            "the caller cannot see the work order {} they just made",
            order.id
        ))
    })?;
    // The first event's actor is whoever took the report: the caller.
    first_event.actor_name = Some(caller.account.display_name.clone());
    let facts = facts(&order, false)?;
    Ok(WorkOrderRead {
        allowed_actions: allowed_actions(&facts, who, now, &LoopRules::default()),
        shows_people: who.sees_internal() || view == access::View::Masked,
        view,
        category,
        building,
        room: room_label_text.filter(|_| view == access::View::Full),
        reporter: reporter.account.filter(|_| view != access::View::Public),
        organisations: Vec::new(),
        co_handlers: Vec::new(),
        assignee: None,
        events: vec![first_event],
        photos: Vec::new(),
        now,
        order,
    })
}

/// A report with photos taken in the same form (a resident's phone): the photos are
/// checked first, so a bad one refuses the whole form with nothing written (its error
/// on the `photos` field); they are kept with the new work order.
pub async fn report_with_photos(
    app: &App,
    caller: &Caller,
    input: Report,
    photos: Vec<Vec<u8>>,
) -> AppResult<WorkOrderRead> {
    let mut checks = FieldChecks::default();
    let processed = checks
        .check(super::photos::process_form_photos(photos).await)?
        .unwrap_or_default();
    let created = report_after(app, caller, input, checks).await?;
    if !processed.is_empty() {
        super::photos::store_processed(
            app,
            created.order.id,
            caller.person,
            super::photos::Purpose::Report,
            processed,
        )
        .await?;
    }
    Ok(created)
}
