//! The work-order loop's use cases: report, read and list, act, add photos, and the rules
//! that run on the clock.

pub mod act;
pub mod batching;
pub mod create;
pub mod duplicates;
pub mod jobs;
pub mod photos;
pub mod read;

pub use act::{ActionRequest, take_action, take_action_with_photos};
pub use create::{Report, report, report_with_photos};
pub use read::{ListPage, ListRequest, NamedRef, WorkOrderRead, list, read, room_label};

use crate::AppResult;
use linli_domain::access::OrderParties;
use linli_domain::ids::{OrganisationId, PersonId};
use linli_domain::permissions::Place;
use linli_domain::work_orders::Facts;
use linli_store::work_orders::WorkOrderRow;

/// The facts of a work order the state machine reads.
pub(crate) fn facts(order: &WorkOrderRow, caller_follows: bool) -> AppResult<Facts> {
    Ok(Facts {
        status: order.status,
        channel: order.channel,
        reporter_has_account: order.reporter_id.is_some(),
        is_public: order.is_public,
        escalated: order.escalated,
        extension_pending: order.extension_requested_until.is_some(),
        caller_follows,
        was_dispatched: order.dispatched_at.is_some(),
        last_urged_at: order.last_urged_at,
        resolve_deadline: order.resolve_deadline,
        resolved_at: order.resolved_at,
    })
}

/// The parties of a work order, owned, for [`linli_domain::access`].
pub(crate) struct Parties {
    place: Place,
    reporter: Option<PersonId>,
    lead: Option<OrganisationId>,
    co_handlers: Vec<OrganisationId>,
    is_public: bool,
}

impl Parties {
    pub(crate) fn borrowed(&self) -> OrderParties<'_> {
        OrderParties {
            place: self.place,
            reporter: self.reporter,
            lead: self.lead,
            co_handlers: &self.co_handlers,
            is_public: self.is_public,
        }
    }
}

pub(crate) fn order_parties(order: &WorkOrderRow, place: Place, co_handlers: &[i64]) -> Parties {
    Parties {
        place,
        reporter: order.reporter_id.map(PersonId),
        lead: order.lead_organisation_id.map(OrganisationId),
        co_handlers: co_handlers.iter().copied().map(OrganisationId).collect(),
        is_public: order.is_public,
    }
}
