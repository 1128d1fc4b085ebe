//! Writing one accepted action: the new state, its event, followers, outbox, counters.

use super::*;
use crate::db::{Store, stored_time};
use crate::error::{StoreError, StoreResult};
use chrono::{DateTime, Utc};

impl Store {
    /// Writes an accepted action: the new state (only if nobody changed the work order
    /// since it was read — otherwise `work_order.version_conflict`), its event, a new
    /// follower, and outbox messages, all in one transaction. Returns the new version.
    pub async fn apply_action(
        &self,
        action: AppliedAction,
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        let now = stored_time(now);
        let next = &action.next;
        let internal = action.event.kind.is_internal();
        let co_handlers: Vec<i64> = next
            .co_handlers
            .iter()
            .map(|organisation| organisation.0)
            .collect();
        let details = action
            .event
            .details
            .as_ref()
            .map(serde_json::Value::to_string);
        // The counters change with the work order.
        let _figures = self.figures.changed_when_done();
        on_pool!(&self.db, |pool| {
            let mut tx = pool.begin().await?;
            if let Some((handler, cap)) = action.grab {
                crate::dispatch_modes::hold_handler!(tx, handler, cap, now);
            }
            let updated = sqlx::query(
                "UPDATE work_orders SET status = $1, lead_organisation_id = $2, priority = $3, is_public = $4, escalated = $5,
                    supervised = $6, reopen_count = $7, urge_count = $8, me_too_count = $9, last_urged_at = $10,
                    sign_deadline = $11, resolve_deadline = $12, dispatched_at = $13, signed_at = $14, resolved_at = $15,
                    closed_at = $16, hold_started_at = $17, rating = $18, extension_requested_until = $19,
                    merged_into_id = $20, overdue_alerted_at = $21, version = version + 1, updated_at = $22,
                    triage_deadline = $25, assignee_id = $26
                 WHERE id = $23 AND version = $24",
            )
            .bind(next.status.as_str())
            .bind(next.lead.map(|organisation| organisation.0))
            .bind(next.priority.as_str())
            .bind(next.is_public)
            .bind(next.escalated)
            .bind(next.supervised)
            .bind(next.reopen_count)
            .bind(next.urge_count)
            .bind(next.me_too_count)
            .bind(next.last_urged_at.map(stored_time))
            .bind(next.sign_deadline.map(stored_time))
            .bind(next.resolve_deadline.map(stored_time))
            .bind(next.dispatched_at.map(stored_time))
            .bind(next.signed_at.map(stored_time))
            .bind(next.resolved_at.map(stored_time))
            .bind(next.closed_at.map(stored_time))
            .bind(next.hold_started_at.map(stored_time))
            .bind(next.rating.map(|rating| i64::from(rating.stars())))
            .bind(next.extension_requested_until.map(stored_time))
            .bind(next.merged_into)
            .bind(next.overdue_alerted_at.map(stored_time))
            .bind(now)
            .bind(action.work_order_id)
            .bind(action.expected_version)
            .bind(next.triage_deadline.map(stored_time))
            .bind(next.assignee.map(|person| person.0))
            .execute(&mut *tx)
            .await?;
            if updated.rows_affected() == 0 {
                return Err(StoreError::Conflict("work_order.version_conflict"));
            }
            sqlx::query("DELETE FROM work_order_co_handlers WHERE work_order_id = $1")
                .bind(action.work_order_id)
                .execute(&mut *tx)
                .await?;
            for organisation in &co_handlers {
                sqlx::query("INSERT INTO work_order_co_handlers (work_order_id, organisation_id) VALUES ($1, $2)")
                    .bind(action.work_order_id)
                    .bind(organisation)
                    .execute(&mut *tx)
                    .await?;
            }
            sqlx::query(
                "INSERT INTO work_order_events (work_order_id, kind, actor_id, at, body, internal, details)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(action.work_order_id)
            .bind(action.event.kind.as_str())
            .bind(action.event.actor.map(|person| person.0))
            .bind(now)
            .bind(action.event.body.as_deref())
            .bind(internal)
            .bind(details.as_deref())
            .execute(&mut *tx)
            .await?;
            if let Some((person, reason)) = action.new_follower {
                sqlx::query(
                    "INSERT INTO work_order_followers (work_order_id, person_id, reason, created_at) VALUES ($1, $2, $3, $4)
                     ON CONFLICT (work_order_id, person_id) DO NOTHING",
                )
                .bind(next.merged_into.filter(|_| reason == "merged").unwrap_or(action.work_order_id))
                .bind(person.0)
                .bind(reason)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            let outbox: Vec<crate::outbox::OutboxEntry> = action
                .outbox
                .iter()
                .map(|message| crate::outbox::OutboxEntry {
                    topic: message.topic,
                    community_id: Some(action.stats.key.community_id),
                    work_order_id: Some(action.work_order_id),
                    payload: message.payload.clone(),
                    at: now,
                })
                .collect();
            crate::outbox::write_outbox!(tx, &outbox);
            let mut stats = crate::statistics::StatsWrites::default();
            stats.add(&action.stats);
            crate::statistics::write_stats!(tx, &stats);
            let version =
                sqlx::query_scalar::<_, i64>("SELECT version FROM work_orders WHERE id = $1")
                    .bind(action.work_order_id)
                    .fetch_one(&mut *tx)
                    .await?;
            tx.commit().await?;
            Ok(version)
        })
    }
}
