//! PostgreSQL writes a batch of new work orders in one statement: the counter bump, the
//! work orders, their first events, the outbox rows and every statistics counter, as
//! data-modifying `WITH` queries of one `INSERT … RETURNING`, run outside an explicit
//! transaction (one statement is one transaction). The batch writer waits for one round
//! trip per batch instead of nine (BEGIN, six kinds of row, COMMIT): with one writer per
//! instance, those waits, not the CPU, bounded the creates of sixteen reporters.
//!
//! Numbers stay gap-free: the counter row is bumped and locked by the statement itself,
//! and if any part fails, nothing of it stays, the bump included. Rows are locked in the
//! order every other writer uses (the counter, then daily, monthly and status counters),
//! which the statement states outright rather than leaving to the executor.

use crate::error::{StoreError, StoreResult};
use crate::statistics::{StatsWrites, UPSERT_DAILY, UPSERT_MONTHLY};
use crate::work_orders::{
    CreatedWorkOrder, EventRow, NewWorkOrder, WORK_ORDER_COLUMNS, WorkOrderRow,
};
use chrono::{DateTime, Utc};
use linli_domain::work_orders::EventKind;
use std::collections::{BTreeMap, HashMap};

#[derive(sqlx::FromRow)]
struct CreatedRow {
    #[sqlx(flatten)]
    row: WorkOrderRow,
    event_id: i64,
}

/// Writes `orders` (none linked to a visit: that check needs its own statement) with
/// their index terms and statistics; answers in the order given.
pub(crate) async fn create_work_orders(
    pool: &sqlx::PgPool,
    orders: &[(NewWorkOrder<'_>, DateTime<Utc>)],
    terms: &[String],
    stats: &StatsWrites,
) -> StoreResult<Vec<CreatedWorkOrder>> {
    use crate::db::stored_time;
    // Each report's place among its community's reports in this batch (1, 2, …): its
    // number is the counter's value before the bump plus that place.
    let mut seen: HashMap<i64, i64> = HashMap::new();
    let positions: Vec<i64> = orders
        .iter()
        .map(|(order, _)| {
            let position = seen.entry(order.community.0).or_default();
            *position += 1;
            *position
        })
        .collect();
    let mut query = sqlx::QueryBuilder::new(
        "WITH input (community_id, position, category_id, description, building_id, room_id, place, channel,
            reporter_id, guest_name, guest_phone, created_by, is_public, created_at, search_terms) AS (",
    );
    query.push_values(
        orders.iter().zip(&positions).zip(terms),
        |mut row, (((order, at), position), terms)| {
            row.push_bind(order.community.0)
                .push_bind(*position)
                .push_bind(order.category_id)
                .push_bind(order.description)
                .push_bind(order.building_id)
                .push_bind(order.room_id)
                .push_bind(order.place)
                .push_bind(order.channel.as_str())
                .push_bind(order.reporter.map(|person| person.0))
                .push_bind(order.guest_name)
                .push_bind(order.guest_phone)
                .push_bind(order.created_by.0)
                .push_bind(order.is_public)
                .push_bind(stored_time(*at))
                .push_bind(terms.as_str());
        },
    );
    query.push(format!(
        "), reports AS (
            SELECT community_id, COUNT(*) AS reports FROM input GROUP BY community_id
        ), counters AS (
            INSERT INTO work_order_counters (community_id, last_number)
            SELECT community_id, reports FROM reports ORDER BY community_id
            ON CONFLICT (community_id) DO UPDATE SET last_number = work_order_counters.last_number + excluded.last_number
            RETURNING community_id, last_number
        ), orders AS (
            INSERT INTO work_orders (community_id, number, category_id, description, building_id, room_id, place, channel,
                reporter_id, guest_name, guest_phone, created_by, priority, status, is_public, created_at, updated_at, search_terms)
            SELECT i.community_id, c.last_number - r.reports + i.position, i.category_id, i.description, i.building_id,
                i.room_id, i.place, i.channel, i.reporter_id, i.guest_name, i.guest_phone, i.created_by, 'normal',
                'submitted', i.is_public, i.created_at, i.created_at, i.search_terms
            FROM input i JOIN counters c USING (community_id) JOIN reports r USING (community_id)
            RETURNING {WORK_ORDER_COLUMNS}
        ), events AS (
            INSERT INTO work_order_events (work_order_id, kind, actor_id, at, body, internal, details)
            SELECT id, 'submitted', created_by, created_at, description, FALSE, '{{\"channel\":\"' || channel || '\"}}'
            FROM orders
            RETURNING id AS event_id, work_order_id
        ), outbox AS (
            INSERT INTO outbox (topic, community_id, work_order_id, payload, created_at, next_attempt_at)
            SELECT 'work_order.submitted', community_id, id, '{{\"number\":' || number || '}}', created_at, created_at
            FROM orders
        )"
    ));
    // Each counter table waits for the one before it (a count of its rows must be known
    // before the first row of the next is written): the counter row, then the daily,
    // monthly and status counters, the order every writer locks them in. Left to
    // itself, PostgreSQL runs the parts that the final SELECT does not read in reverse
    // order, and a create and an action would each hold the row the other waits for.
    let mut previous = "orders";
    for (name, upsert, rows) in [
        ("daily", &*UPSERT_DAILY, &stats.daily),
        ("monthly", &*UPSERT_MONTHLY, &stats.monthly),
    ] {
        if rows.is_empty() {
            continue;
        }
        query.push(format!(
            ", {name} AS ({} SELECT counts.* FROM (",
            upsert.head
        ));
        query.push_values(
            rows,
            |mut row, ((community, period, dimension, dimension_id), counts)| {
                row.push_bind(*community)
                    .push_bind(*period)
                    .push_bind(*dimension)
                    .push_bind(*dimension_id)
                    .push_bind(counts.created)
                    .push_bind(counts.dispatched)
                    .push_bind(counts.signed)
                    .push_bind(counts.signed_in_time)
                    .push_bind(counts.resolved)
                    .push_bind(counts.accepted)
                    .push_bind(counts.rated)
                    .push_bind(counts.satisfied)
                    .push_bind(counts.reopened)
                    .push_bind(counts.cancelled);
            },
        );
        query.push(format!(
            ") AS counts (community_id, period, dimension, dimension_id, created, dispatched, signed,
                signed_in_time, resolved, accepted, rated, satisfied, reopened, cancelled),
              (SELECT COUNT(*) FROM {previous}) AS waited {} RETURNING 1)",
            upsert.tail
        ));
        previous = name;
    }
    let statuses: BTreeMap<_, _> = stats
        .statuses
        .iter()
        .filter(|(_, change)| **change != 0)
        .collect();
    if !statuses.is_empty() {
        query.push(
            ", statuses AS (INSERT INTO work_order_status_counts (community_id, status, count) SELECT changes.* FROM (",
        );
        query.push_values(statuses, |mut row, ((community, status), change)| {
            row.push_bind(*community)
                .push_bind(*status)
                .push_bind(*change);
        });
        query.push(format!(
            ") AS changes (community_id, status, count), (SELECT COUNT(*) FROM {previous}) AS waited
             ON CONFLICT (community_id, status) DO UPDATE SET count = work_order_status_counts.count + excluded.count)",
        ));
    }
    query.push(
        " SELECT orders.*, events.event_id FROM orders JOIN events ON events.work_order_id = orders.id",
    );
    let mut written: Vec<CreatedRow> = query.build_query_as().fetch_all(pool).await?;
    // Rows come back in no promised order: each community's, by number, are its
    // reports in the order given.
    written.sort_by_key(|created| (created.row.community_id, created.row.number));
    let mut first_of_community: HashMap<i64, usize> = HashMap::new();
    for (index, created) in written.iter().enumerate() {
        first_of_community
            .entry(created.row.community_id)
            .or_insert(index);
    }
    let mut taken: Vec<Option<CreatedRow>> = written.into_iter().map(Some).collect();
    orders
        .iter()
        .zip(&positions)
        .map(|((order, at), position)| {
            let created = first_of_community
                .get(&order.community.0)
                .and_then(|first| {
                    usize::try_from(*position - 1)
                        .ok()
                        .map(|offset| first + offset)
                })
                .and_then(|index| taken.get_mut(index))
                .and_then(Option::take)
                .filter(|created| created.row.community_id == order.community.0)
                .ok_or(StoreError::NotFound("work_order.not_found"))?;
            let details = serde_json::json!({ "channel": order.channel.as_str() }).to_string();
            Ok(CreatedWorkOrder {
                first_event: EventRow {
                    id: created.event_id,
                    work_order_id: created.row.id,
                    kind: EventKind::Submitted.as_str().to_owned(),
                    actor_id: Some(order.created_by.0),
                    actor_name: None,
                    at: stored_time(*at),
                    body: Some(order.description.to_owned()),
                    internal: false,
                    details: Some(details),
                },
                row: created.row,
            })
        })
        .collect()
}
