//! Work orders: their rows, reading them, and (in the submodules) creating them,
//! applying actions, listing, the jobs' queries and photos.

mod apply;
mod create;
mod jobs;
mod list;
mod photos;

use crate::db::Store;
use crate::error::{StoreError, StoreResult};
use chrono::{DateTime, NaiveDate, Utc};
use linli_domain::ids::{CommunityId, OrganisationId, PersonId};
use linli_domain::notifications::Topic;
use linli_domain::work_orders::state::WorkOrderState;
use linli_domain::work_orders::{Channel, EventKind, Priority, Rating, Status};
pub use photos::{NewPhoto, Photo};
use serde::Serialize;
use sqlx::AssertSqlSafe;

/// A work order as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct WorkOrderRow {
    pub id: i64,
    pub community_id: i64,
    pub number: i64,
    pub category_id: i64,
    pub description: String,
    pub building_id: Option<i64>,
    pub room_id: Option<i64>,
    pub place: Option<String>,
    #[sqlx(try_from = "String")]
    pub channel: Channel,
    pub reporter_id: Option<i64>,
    pub guest_name: Option<String>,
    pub guest_phone: Option<String>,
    pub created_by: i64,
    pub lead_organisation_id: Option<i64>,
    /// The handler of the lead party who has it (承办人), if one was named or took it.
    pub assignee_id: Option<i64>,
    #[sqlx(try_from = "String")]
    pub priority: Priority,
    #[sqlx(try_from = "String")]
    pub status: Status,
    pub is_public: bool,
    pub escalated: bool,
    pub supervised: bool,
    pub reopen_count: i64,
    pub urge_count: i64,
    pub me_too_count: i64,
    pub last_urged_at: Option<DateTime<Utc>>,
    pub triage_deadline: Option<DateTime<Utc>>,
    pub sign_deadline: Option<DateTime<Utc>>,
    pub resolve_deadline: Option<DateTime<Utc>>,
    pub dispatched_at: Option<DateTime<Utc>>,
    pub signed_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub hold_started_at: Option<DateTime<Utc>>,
    pub rating: Option<i64>,
    pub extension_requested_until: Option<DateTime<Utc>>,
    pub merged_into_id: Option<i64>,
    pub overdue_alerted_at: Option<DateTime<Utc>>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl WorkOrderRow {
    /// The deadline of the step it waits on (triage, or resolution), if its clock runs.
    pub fn due_at(&self) -> Option<DateTime<Utc>> {
        self.status.due(self.triage_deadline, self.resolve_deadline)
    }

    /// Waiting past the deadline of its step (已超时).
    pub fn is_overdue(&self, now: DateTime<Utc>) -> bool {
        self.due_at().is_some_and(|due| due < now)
    }

    /// The changeable part, for the domain to compute the next state from.
    pub fn state(&self, co_handlers: &[i64]) -> WorkOrderState {
        WorkOrderState {
            status: self.status,
            lead: self.lead_organisation_id.map(OrganisationId),
            assignee: self.assignee_id.map(PersonId),
            co_handlers: co_handlers.iter().copied().map(OrganisationId).collect(),
            priority: self.priority,
            is_public: self.is_public,
            escalated: self.escalated,
            supervised: self.supervised,
            reopen_count: self.reopen_count,
            urge_count: self.urge_count,
            me_too_count: self.me_too_count,
            last_urged_at: self.last_urged_at,
            triage_deadline: self.triage_deadline,
            sign_deadline: self.sign_deadline,
            resolve_deadline: self.resolve_deadline,
            dispatched_at: self.dispatched_at,
            signed_at: self.signed_at,
            resolved_at: self.resolved_at,
            closed_at: self.closed_at,
            hold_started_at: self.hold_started_at,
            rating: self.rating.and_then(|stars| Rating::parse(stars).ok()),
            extension_requested_until: self.extension_requested_until,
            merged_into: self.merged_into_id,
            overdue_alerted_at: self.overdue_alerted_at,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct EventRow {
    pub id: i64,
    pub work_order_id: i64,
    pub kind: String,
    pub actor_id: Option<i64>,
    pub actor_name: Option<String>,
    pub at: DateTime<Utc>,
    pub body: Option<String>,
    pub internal: bool,
    pub details: Option<String>,
}

pub struct NewWorkOrder<'a> {
    pub community: CommunityId,
    pub category_id: i64,
    pub description: &'a str,
    pub building_id: Option<i64>,
    pub room_id: Option<i64>,
    pub place: Option<&'a str>,
    pub channel: Channel,
    pub reporter: Option<PersonId>,
    pub guest_name: Option<&'a str>,
    pub guest_phone: Option<&'a str>,
    pub created_by: PersonId,
    pub is_public: bool,
    /// By when the duty officer should dispatch it: the category's triage limit on the
    /// working calendar, from when it is reported.
    pub triage_deadline: DateTime<Utc>,
    /// The walk-in visit this work order came from, linked in the same transaction.
    pub visit_id: Option<i64>,
}

/// A new work order as written, with its first timeline event (whose actor's name the
/// caller, who is that actor, already knows).
#[derive(Debug, Clone)]
pub struct CreatedWorkOrder {
    pub row: WorkOrderRow,
    pub first_event: EventRow,
}

/// Most reports [`Store::create_work_orders`] writes at once: each binds 16 values in one
/// multi-row statement, and SQLite allows 32,766 per statement (PostgreSQL 65,535).
pub const MAX_CREATES_AT_ONCE: usize = 1000;

pub struct NewEvent {
    pub kind: EventKind,
    pub actor: Option<PersonId>,
    pub body: Option<String>,
    pub details: Option<serde_json::Value>,
}

/// A message for the outbox, written with the change it announces.
pub struct OutboxMessage {
    pub topic: Topic,
    pub payload: serde_json::Value,
}

/// One accepted action to write: the state it was computed from (by version), the state
/// it leads to, its event, and what else it touches.
pub struct AppliedAction {
    pub work_order_id: i64,
    pub expected_version: i64,
    pub next: WorkOrderState,
    pub event: NewEvent,
    pub new_follower: Option<(PersonId, &'static str)>,
    pub outbox: Vec<OutboxMessage>,
    pub stats: crate::statistics::StatsChange,
    /// A grab: the handler and their cap of unfinished work orders, checked in the
    /// writing transaction after the handler's registration row is locked.
    pub grab: Option<(PersonId, i64)>,
}

/// Filters of the work-order list. Every filter narrows; `visible_communities` is
/// always applied (callers see only their communities).
#[derive(Debug, Clone, Default)]
pub struct WorkOrderFilter {
    pub communities: Vec<i64>,
    pub statuses: Vec<Status>,
    pub category_id: Option<i64>,
    pub building_id: Option<i64>,
    /// Only the buildings of this grid.
    pub grid_id: Option<i64>,
    pub lead_organisation_id: Option<i64>,
    /// Only those this handler has (承办人).
    pub assignee_id: Option<i64>,
    /// Overdue at this instant: dispatched or in progress, past the resolve deadline.
    pub overdue_at: Option<DateTime<Utc>>,
    /// Reported or followed by this person.
    pub involving_person: Option<i64>,
    /// Led or co-handled by one of these organisations.
    pub handled_by: Option<Vec<i64>>,
    /// Only public work orders (what other residents may see).
    pub public_only: bool,
    /// Only those the supervisor has supervised (督办).
    pub supervised_only: bool,
    /// Only those put on the joint meeting's agenda.
    pub escalated_only: bool,
    pub text: Option<String>,
    pub created_from: Option<DateTime<Utc>>,
    pub created_to: Option<DateTime<Utc>>,
    pub order: ListOrder,
    /// Keyset cursor: where the previous page ended.
    pub after: Option<ListCursor>,
    pub limit: i64,
}

/// The order of a list of work orders.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ListOrder {
    #[default]
    Newest,
    Oldest,
    /// Nearest resolve deadline first (a handler's queue); those without one last.
    Deadline,
}

/// The last row of a page: its id, and for the deadline order its deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListCursor {
    pub id: i64,
    pub deadline: Option<DateTime<Utc>>,
}

/// Stands in for "no deadline" so that those sort last on both engines.
pub fn no_deadline() -> DateTime<Utc> {
    NaiveDate::from_ymd_opt(9999, 12, 31)
        .and_then(|day| day.and_hms_opt(0, 0, 0))
        .map_or(DateTime::<Utc>::MAX_UTC, |time| time.and_utc())
}

pub(crate) const WORK_ORDER_COLUMNS: &str = "id, community_id, number, category_id, description, building_id, room_id, place,
    channel, reporter_id, guest_name, guest_phone, created_by, lead_organisation_id, assignee_id, priority, status, is_public,
    escalated, supervised, reopen_count, urge_count, me_too_count, last_urged_at, triage_deadline, sign_deadline,
    resolve_deadline, dispatched_at, signed_at, resolved_at, closed_at, hold_started_at, rating, extension_requested_until,
    merged_into_id, overdue_alerted_at, version, created_at, updated_at";

impl Store {
    pub async fn work_order(&self, id: i64) -> StoreResult<WorkOrderRow> {
        let sql = format!("SELECT {WORK_ORDER_COLUMNS} FROM work_orders WHERE id = $1");
        on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, WorkOrderRow>(AssertSqlSafe(sql.as_str()))
                .bind(id)
                .fetch_optional(pool)
                .await
        })?
        .ok_or(StoreError::NotFound("work_order.not_found"))
    }

    /// The work orders of these ids that exist, in no particular order (one read for a
    /// burst of messages about many work orders).
    pub async fn work_orders_by_id(&self, ids: &[i64]) -> StoreResult<Vec<WorkOrderRow>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let select = format!("SELECT {WORK_ORDER_COLUMNS} FROM work_orders WHERE id IN (");
        on_pool!(&self.db, |pool| {
            let mut query = sqlx::QueryBuilder::new(select.as_str());
            let mut listed = query.separated(", ");
            for id in ids {
                listed.push_bind(*id);
            }
            query.push(")");
            query.build_query_as::<WorkOrderRow>().fetch_all(pool).await
        })
        .map_err(StoreError::from)
    }

    pub async fn work_order_by_number(
        &self,
        community: CommunityId,
        number: i64,
    ) -> StoreResult<WorkOrderRow> {
        let sql = format!(
            "SELECT {WORK_ORDER_COLUMNS} FROM work_orders WHERE community_id = $1 AND number = $2"
        );
        on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, WorkOrderRow>(AssertSqlSafe(sql.as_str()))
                .bind(community.0)
                .bind(number)
                .fetch_optional(pool)
                .await
        })?
        .ok_or(StoreError::NotFound("work_order.not_found"))
    }

    pub async fn co_handlers(&self, work_order: i64) -> StoreResult<Vec<i64>> {
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_scalar::<_, i64>(
                "SELECT organisation_id FROM work_order_co_handlers WHERE work_order_id = $1 ORDER BY organisation_id",
            )
            .bind(work_order)
            .fetch_all(pool)
            .await
        })?)
    }

    pub async fn follows(&self, work_order: i64, person: PersonId) -> StoreResult<bool> {
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_scalar::<_, i64>("SELECT CAST(1 AS BIGINT) FROM work_order_followers WHERE work_order_id = $1 AND person_id = $2")
                .bind(work_order)
                .bind(person.0)
                .fetch_optional(pool)
                .await
        })?
        .is_some())
    }

    pub async fn events(
        &self,
        work_order: i64,
        include_internal: bool,
    ) -> StoreResult<Vec<EventRow>> {
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, EventRow>(
                "SELECT e.id, e.work_order_id, e.kind, e.actor_id, p.display_name AS actor_name, e.at, e.body, e.internal, e.details
                 FROM work_order_events e LEFT JOIN people p ON p.id = e.actor_id
                 WHERE e.work_order_id = $1 AND ($2 OR NOT e.internal)
                 ORDER BY e.id",
            )
            .bind(work_order)
            .bind(include_internal)
            .fetch_all(pool)
            .await
        })?)
    }
}
