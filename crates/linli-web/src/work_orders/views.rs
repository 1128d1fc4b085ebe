//! What the API answers about work orders, cut to what the caller may see.

use crate::locale::text;
use chrono::{DateTime, Utc};
use linli_app::work_orders::WorkOrderRead;
use linli_domain::access::{View, mask_numbers};
use linli_domain::registry::Phone;
use linli_domain::work_orders::{ActionKind, EventKind};
use linli_store::categories::Category;
use linli_store::registry::Organisation;
use linli_store::work_orders::WorkOrderRow;
use serde::Serialize;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CategoryRef {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub icon: String,
}

impl From<&Category> for CategoryRef {
    fn from(category: &Category) -> Self {
        Self {
            id: category.id,
            code: category.code.clone(),
            name: category.name.clone(),
            icon: category.icon.clone(),
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NamedRef {
    pub id: i64,
    pub name: String,
}

impl From<&linli_app::work_orders::NamedRef> for NamedRef {
    fn from(named: &linli_app::work_orders::NamedRef) -> Self {
        Self {
            id: named.id,
            name: named.name.clone(),
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Reporter {
    pub id: Option<i64>,
    pub name: String,
    pub phone: Option<String>,
    pub room: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Deadlines {
    /// To be dispatched by (set when reported, and again when returned).
    pub triage: Option<DateTime<Utc>>,
    pub sign: Option<DateTime<Utc>>,
    pub resolve: Option<DateTime<Utc>>,
    /// The deadline of the step it waits on now (triage or resolution), if its clock runs.
    pub due: Option<DateTime<Utc>>,
    /// Past `due`.
    pub overdue: bool,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TimelineEntry {
    pub kind: String,
    pub label: String,
    pub actor: Option<String>,
    pub at: DateTime<Utc>,
    pub text: Option<String>,
    pub internal: bool,
    pub details: Option<serde_json::Value>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct WorkOrderDetail {
    pub id: i64,
    pub number: i64,
    pub community_id: i64,
    pub category: CategoryRef,
    pub description: String,
    pub status: String,
    pub status_label: String,
    pub channel: String,
    pub priority: String,
    pub is_public: bool,
    pub building: Option<NamedRef>,
    pub place: Option<String>,
    pub reporter: Option<Reporter>,
    pub lead_organisation: Option<NamedRef>,
    pub co_handlers: Vec<NamedRef>,
    /// The handler of the lead party who has it (承办人); shown to the office only.
    pub assignee: Option<NamedRef>,
    pub deadlines: Deadlines,
    pub escalated: bool,
    pub supervised: bool,
    pub urge_count: i64,
    pub reopen_count: i64,
    pub me_too_count: i64,
    pub rating: Option<i64>,
    pub extension_requested_until: Option<DateTime<Utc>>,
    pub merged_into_id: Option<i64>,
    pub dispatched_at: Option<DateTime<Utc>>,
    pub signed_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub version: i64,
    pub timeline: Vec<TimelineEntry>,
    pub photos: Vec<crate::photos::PhotoView>,
    pub allowed_actions: Vec<ActionKind>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct WorkOrderSummary {
    pub id: i64,
    pub number: i64,
    pub community_id: i64,
    pub category_id: i64,
    pub description: String,
    pub status: String,
    pub status_label: String,
    pub priority: String,
    pub building_id: Option<i64>,
    pub lead_organisation_id: Option<i64>,
    /// The handler who has it (承办人); not in residents' lists.
    pub assignee_id: Option<i64>,
    pub resolve_deadline: Option<DateTime<Utc>>,
    /// The deadline of the step it waits on now: triage while 待受理, else resolution.
    pub due_at: Option<DateTime<Utc>>,
    pub overdue: bool,
    pub escalated: bool,
    pub created_at: DateTime<Utc>,
    pub version: i64,
}

pub fn status_label(status: &str) -> String {
    text(&format!("status.{status}"), &[])
}

/// The first 120 characters, for lists.
fn excerpt(description: &str) -> String {
    let mut excerpt: String = description.chars().take(120).collect();
    if description.chars().count() > 120 {
        excerpt.push('…');
    }
    excerpt
}

/// A work order in a list; `public`: as other residents see it (no phone numbers).
pub fn summary(order: &WorkOrderRow, now: DateTime<Utc>, public: bool) -> WorkOrderSummary {
    let description = if public {
        mask_numbers(&order.description)
    } else {
        order.description.clone()
    };
    WorkOrderSummary {
        id: order.id,
        number: order.number,
        community_id: order.community_id,
        category_id: order.category_id,
        description: excerpt(&description),
        status: order.status.as_str().to_owned(),
        status_label: status_label(order.status.as_str()),
        priority: order.priority.as_str().to_owned(),
        building_id: order.building_id,
        lead_organisation_id: order.lead_organisation_id,
        assignee_id: order.assignee_id.filter(|_| !public),
        resolve_deadline: order.resolve_deadline,
        due_at: order.due_at(),
        overdue: order.is_overdue(now),
        escalated: order.escalated,
        created_at: order.created_at,
        version: order.version,
    }
}

fn organisation_ref(organisations: &[Organisation], id: i64) -> NamedRef {
    let name = organisations
        .iter()
        .find(|organisation| organisation.id == id)
        .map(|organisation| organisation.name.clone());
    NamedRef {
        id,
        name: name.unwrap_or_default(),
    }
}

fn reporter(read: &WorkOrderRead) -> Option<Reporter> {
    let full = read.view == View::Full;
    let room = read.room.clone().filter(|_| full);
    let contact = |phone: Option<&str>| {
        phone.map(|phone| {
            if full {
                phone.to_owned()
            } else {
                Phone::masked(phone)
            }
        })
    };
    match (read.view, &read.reporter) {
        (View::Public, _) => None,
        (_, Some(person)) => Some(Reporter {
            id: Some(person.id),
            name: person.display_name.clone(),
            phone: contact(person.phone.as_deref()),
            room,
        }),
        (_, None) => Some(Reporter {
            id: None,
            name: read.order.guest_name.clone().unwrap_or_default(),
            phone: contact(read.order.guest_phone.as_deref()),
            room,
        }),
    }
}

/// The answer about one work order, from what the caller may see of it.
pub fn detail(read: &WorkOrderRead) -> WorkOrderDetail {
    let order = &read.order;
    let public = read.view == View::Public;
    let timeline = read
        .events
        .iter()
        .map(|event| TimelineEntry {
            kind: event.kind.clone(),
            label: EventKind::parse(&event.kind)
                .map(|kind| text(&format!("event.{}", kind.as_str()), &[]))
                .unwrap_or_default(),
            // "Me too" is anonymous to residents, the reporter included: a count, with
            // names for the office only.
            actor: if public || (event.kind == "me_too" && !read.shows_people) {
                None
            } else {
                event.actor_name.clone()
            },
            at: event.at,
            // The first event carries the report's text: masked as the description is.
            text: event.body.as_deref().map(|body| {
                if public && event.kind == "submitted" {
                    mask_numbers(body)
                } else {
                    body.to_owned()
                }
            }),
            internal: event.internal,
            details: if public {
                None
            } else {
                event
                    .details
                    .as_deref()
                    .and_then(|details| serde_json::from_str(details).ok())
            },
        })
        .collect();
    WorkOrderDetail {
        id: order.id,
        number: order.number,
        community_id: order.community_id,
        category: CategoryRef::from(&read.category),
        // The public never reads a phone number, even one written into the text.
        description: if public {
            mask_numbers(&order.description)
        } else {
            order.description.clone()
        },
        status: order.status.as_str().to_owned(),
        status_label: status_label(order.status.as_str()),
        channel: order.channel.as_str().to_owned(),
        priority: order.priority.as_str().to_owned(),
        is_public: order.is_public,
        building: read.building.as_ref().map(NamedRef::from),
        // A place typed at the desk is often the visitor's own room: the office's only.
        place: order.place.clone().filter(|_| !public),
        reporter: reporter(read),
        lead_organisation: order
            .lead_organisation_id
            .map(|lead| organisation_ref(&read.organisations, lead)),
        co_handlers: read
            .co_handlers
            .iter()
            .map(|id| organisation_ref(&read.organisations, *id))
            .collect(),
        assignee: read.assignee.as_ref().map(NamedRef::from),
        deadlines: Deadlines {
            triage: order.triage_deadline,
            sign: order.sign_deadline,
            resolve: order.resolve_deadline,
            due: order.due_at(),
            overdue: order.is_overdue(read.now),
        },
        escalated: order.escalated,
        supervised: order.supervised && !public,
        urge_count: order.urge_count,
        reopen_count: order.reopen_count,
        me_too_count: order.me_too_count,
        rating: order.rating,
        extension_requested_until: order.extension_requested_until,
        merged_into_id: order.merged_into_id,
        dispatched_at: order.dispatched_at,
        signed_at: order.signed_at,
        resolved_at: order.resolved_at,
        closed_at: order.closed_at,
        created_at: order.created_at,
        version: order.version,
        timeline,
        photos: read.photos.iter().map(crate::photos::view).collect(),
        allowed_actions: read.allowed_actions.clone(),
    }
}
