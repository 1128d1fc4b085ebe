//! Writing new work orders, several in one transaction (group commit).

use super::*;
use crate::db::{Store, stored_time};
use crate::error::{StoreError, StoreResult};
use chrono::{DateTime, Utc};
use linli_domain::notifications::Topic;
use linli_domain::work_orders::{EventKind, Status};

impl Store {
    /// Creates a work order with the community's next number and its first event, in one
    /// transaction. The counter row is locked until commit, so numbers have no gaps and
    /// no repeats under concurrency.
    pub async fn create_work_order(
        &self,
        order: NewWorkOrder<'_>,
        now: DateTime<Utc>,
    ) -> StoreResult<CreatedWorkOrder> {
        let mut created = self.create_work_orders(&[(order, now)]).await?;
        created
            .pop()
            .ok_or(StoreError::NotFound("work_order.not_found"))
    }

    /// Creates up to [`MAX_CREATES_AT_ONCE`] work orders in one transaction (group
    /// commit: one durable write for many reports), each with its own time; all of them
    /// or none, answered in the order given. Each kind of row is written by one statement
    /// for the whole batch, so a batch costs a handful of round trips however many
    /// reports it holds.
    pub async fn create_work_orders(
        &self,
        orders: &[(NewWorkOrder<'_>, DateTime<Utc>)],
    ) -> StoreResult<Vec<CreatedWorkOrder>> {
        use std::collections::{BTreeMap, HashMap};
        if orders.is_empty() {
            return Ok(Vec::new());
        }
        if orders.len() > MAX_CREATES_AT_ONCE {
            return Err(StoreError::Conflict("work_order.batch_too_large"));
        }
        let terms: Vec<String> = orders
            .iter()
            .map(|(order, _)| linli_domain::search::index_text(order.description))
            .collect();
        let mut per_community: BTreeMap<i64, i64> = BTreeMap::new();
        for (order, _) in orders {
            *per_community.entry(order.community.0).or_default() += 1;
        }
        let mut stats = crate::statistics::StatsWrites::default();
        for (order, at) in orders {
            let created = crate::statistics::StatsChange {
                key: crate::statistics::StatsKey {
                    community_id: order.community.0,
                    category_id: order.category_id,
                    building_id: order.building_id,
                    organisation_id: None,
                },
                cohort: stored_time(*at),
                delta: linli_domain::statistics::Delta {
                    counts: linli_domain::statistics::Counts {
                        created: 1,
                        ..Default::default()
                    },
                    ..Default::default()
                },
                from_status: None,
                to_status: Status::Submitted,
            };
            stats.add(&created);
        }
        let sqlite = self.engine() == crate::db::Engine::Sqlite;
        // The counters change with the work orders.
        let _figures = self.figures.changed_when_done();
        on_pool!(&self.db, |pool| {
            let mut tx = pool.begin().await?;
            // Reserve each community's numbers with one bump of its counter; the row stays
            // locked until commit, so numbers have neither gaps nor repeats.
            let mut next_number: HashMap<i64, i64> = HashMap::new();
            for (community, count) in &per_community {
                let last = sqlx::query_scalar::<_, i64>(
                    "INSERT INTO work_order_counters (community_id, last_number) VALUES ($1, $2)
                     ON CONFLICT (community_id) DO UPDATE SET last_number = work_order_counters.last_number + $2
                     RETURNING last_number",
                )
                .bind(community)
                .bind(count)
                .fetch_one(&mut *tx)
                .await?;
                next_number.insert(*community, last - count + 1);
            }
            let numbers: Vec<i64> = orders
                .iter()
                .map(|(order, _)| {
                    let next = next_number.entry(order.community.0).or_default();
                    *next += 1;
                    *next - 1
                })
                .collect();
            let mut insert = sqlx::QueryBuilder::new(
                "INSERT INTO work_orders (community_id, number, category_id, description, building_id, room_id, place, channel,
                    reporter_id, guest_name, guest_phone, created_by, priority, status, is_public, created_at, updated_at, search_terms,
                    triage_deadline) ",
            );
            insert.push_values(
                orders.iter().zip(&numbers).zip(&terms),
                |mut row, (((order, at), number), terms)| {
                    row.push_bind(order.community.0)
                        .push_bind(*number)
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
                        .push("'normal'")
                        .push("'submitted'")
                        .push_bind(order.is_public)
                        .push_bind(stored_time(*at))
                        .push_bind(stored_time(*at))
                        .push_bind(terms.as_str())
                        .push_bind(stored_time(order.triage_deadline));
                },
            );
            insert.push(format!(" RETURNING {WORK_ORDER_COLUMNS}"));
            // RETURNING promises no order: rows are matched to reports by their number.
            let mut by_number: HashMap<(i64, i64), WorkOrderRow> = insert
                .build_query_as::<WorkOrderRow>()
                .fetch_all(&mut *tx)
                .await?
                .into_iter()
                .map(|row| ((row.community_id, row.number), row))
                .collect();
            let mut rows = Vec::with_capacity(orders.len());
            for ((order, _), number) in orders.iter().zip(&numbers) {
                rows.push(
                    by_number
                        .remove(&(order.community.0, *number))
                        .ok_or(StoreError::NotFound("work_order.not_found"))?,
                );
            }
            if sqlite {
                let mut search =
                    sqlx::QueryBuilder::new("INSERT INTO work_order_search (rowid, search_terms) ");
                search.push_values(rows.iter().zip(&terms), |mut row, (order, terms)| {
                    row.push_bind(order.id).push_bind(terms.as_str());
                });
                search.build().execute(&mut *tx).await?;
            }
            let channel_details: Vec<String> = orders
                .iter()
                .map(|(order, _)| {
                    serde_json::json!({ "channel": order.channel.as_str() }).to_string()
                })
                .collect();
            let mut events = sqlx::QueryBuilder::new(
                "INSERT INTO work_order_events (work_order_id, kind, actor_id, at, body, internal, details) ",
            );
            events.push_values(
                rows.iter().zip(orders).zip(&channel_details),
                |mut row, ((created, (order, at)), details)| {
                    row.push_bind(created.id)
                        .push("'submitted'")
                        .push_bind(order.created_by.0)
                        .push_bind(stored_time(*at))
                        .push_bind(order.description)
                        .push("FALSE")
                        .push_bind(details.as_str());
                },
            );
            events.push(" RETURNING id, work_order_id");
            let event_ids: HashMap<i64, i64> = events
                .build_query_as::<(i64, i64)>()
                .fetch_all(&mut *tx)
                .await?
                .into_iter()
                .map(|(event, work_order)| (work_order, event))
                .collect();
            for (created, (order, _)) in rows.iter().zip(orders) {
                let Some(visit) = order.visit_id else {
                    continue;
                };
                let linked = sqlx::query(
                    "UPDATE visits SET work_order_id = $1 WHERE id = $2 AND community_id = $3 AND work_order_id IS NULL",
                )
                .bind(created.id)
                .bind(visit)
                .bind(order.community.0)
                .execute(&mut *tx)
                .await?;
                if linked.rows_affected() == 0 {
                    return Err(StoreError::Conflict("visit.not_linkable"));
                }
            }
            let outbox: Vec<crate::outbox::OutboxEntry> = rows
                .iter()
                .zip(orders)
                .map(|(created, (_, at))| crate::outbox::OutboxEntry {
                    topic: Topic::WorkOrderSubmitted,
                    community_id: Some(created.community_id),
                    work_order_id: Some(created.id),
                    payload: serde_json::json!({ "number": created.number }),
                    at: *at,
                })
                .collect();
            crate::outbox::write_outbox!(tx, &outbox);
            crate::statistics::write_stats!(tx, &stats);
            tx.commit().await?;
            rows.into_iter()
                .zip(orders)
                .zip(channel_details)
                .map(|((row, (order, at)), details)| {
                    let event_id = event_ids
                        .get(&row.id)
                        .copied()
                        .ok_or(StoreError::NotFound("work_order.not_found"))?;
                    Ok(CreatedWorkOrder {
                        first_event: EventRow {
                            id: event_id,
                            work_order_id: row.id,
                            kind: EventKind::Submitted.as_str().to_owned(),
                            actor_id: Some(order.created_by.0),
                            actor_name: None,
                            at: stored_time(*at),
                            body: Some(order.description.to_owned()),
                            internal: false,
                            details: Some(details),
                        },
                        row,
                    })
                })
                .collect()
        })
    }
}
