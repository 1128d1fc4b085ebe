//! Notifications: the outbox fanned out to people's inboxes and to the community's
//! channels (group-chat robots, webhooks), and each channel delivery tried until it
//! arrives, with its log.

use crate::db::{Store, stored_time};
use crate::error::StoreResult;
use chrono::{DateTime, Utc};
use linli_domain::ids::{CommunityId, PersonId};
use sqlx::AssertSqlSafe;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OutboxRow {
    pub id: i64,
    pub topic: String,
    pub community_id: Option<i64>,
    pub work_order_id: Option<i64>,
    pub payload: String,
    /// When the change it announces happened.
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Channel {
    pub id: i64,
    pub community_id: i64,
    /// `wecom` (企业微信), `dingtalk` (钉钉), `feishu` (飞书), `webhook` or `sms`.
    pub kind: String,
    pub name: String,
    pub url: String,
    /// Signs deliveries; never shown once set.
    pub secret: Option<String>,
    /// Comma-separated topics; empty for all.
    pub topics: String,
    pub active: bool,
    pub created_at: DateTime<Utc>,
}

impl Channel {
    pub fn wants(&self, topic: &str) -> bool {
        self.active
            && (self.topics.trim().is_empty()
                || self.topics.split(',').any(|wanted| wanted.trim() == topic))
    }
}

pub struct NewChannel<'a> {
    pub community: CommunityId,
    pub kind: &'a str,
    pub name: &'a str,
    pub url: &'a str,
    pub secret: Option<&'a str>,
    pub topics: &'a str,
}

/// One outbox message fanned out: its inbox entries and its channel deliveries (channel
/// id, body).
pub struct FanOut<'a> {
    pub message: &'a OutboxRow,
    pub inbox: Vec<InboxMessage>,
    pub deliveries: Vec<(i64, String)>,
}

/// One message for one person's inbox.
/// Which messages of an inbox an action reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InboxPart {
    All,
    /// Those about one work order (its reader opened it).
    About(i64),
    /// Those about no work order (announcements, shown whole in the inbox).
    Unattached,
}

pub struct InboxMessage {
    pub person: i64,
    pub body: String,
    /// `{"key": "notify.dispatched", "args": {...}}`: the body in any language.
    pub text_args: Option<String>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DueDelivery {
    pub id: i64,
    pub attempts: i64,
    pub body: String,
    pub kind: String,
    pub url: String,
    pub secret: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DeliveryRow {
    pub id: i64,
    pub outbox_id: i64,
    pub channel_id: i64,
    pub channel_name: String,
    /// What was (or is to be) sent.
    pub body: String,
    /// `pending`, `delivered` or `failed` (gave up).
    pub status: String,
    pub attempts: i64,
    pub next_attempt_at: DateTime<Utc>,
    pub last_error: Option<String>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Notification {
    pub id: i64,
    pub work_order_id: Option<i64>,
    pub topic: String,
    pub body: String,
    pub text_args: Option<String>,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

impl Store {
    /// Outbox messages not yet fanned out, oldest first.
    pub async fn outbox_to_fan_out(&self, limit: i64) -> StoreResult<Vec<OutboxRow>> {
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, OutboxRow>(
                "SELECT id, topic, community_id, work_order_id, payload, created_at FROM outbox
                 WHERE delivered_at IS NULL ORDER BY id LIMIT $1",
            )
            .bind(limit)
            .fetch_all(pool)
            .await
        })?)
    }

    /// Writes messages' inbox entries and channel deliveries and marks them handled, all
    /// in one transaction (one durable write a round, however many messages came): each
    /// message is fanned out once, even if this is retried. Each kind of row is written
    /// by one statement per round, not one per message.
    pub async fn fan_out(&self, messages: &[FanOut<'_>], now: DateTime<Utc>) -> StoreResult<()> {
        /// Rows a multi-row insert carries (6 values each, within SQLite's 32,766).
        const ROWS_PER_INSERT: usize = 1000;
        if messages.is_empty() {
            return Ok(());
        }
        let now = stored_time(now);
        on_pool!(&self.db, |pool| {
            let mut tx = pool.begin().await?;
            let mut claim = sqlx::QueryBuilder::new("UPDATE outbox SET delivered_at = ");
            claim.push_bind(now);
            claim.push(", attempts = attempts + 1 WHERE delivered_at IS NULL AND id IN (");
            let mut ids = claim.separated(", ");
            for fan_out in messages {
                ids.push_bind(fan_out.message.id);
            }
            claim.push(") RETURNING id");
            // Another instance may have fanned some out meanwhile: only what this round
            // claimed is written.
            let claimed: std::collections::HashSet<i64> = claim
                .build_query_scalar::<i64>()
                .fetch_all(&mut *tx)
                .await?
                .into_iter()
                .collect();
            let claimed: Vec<&FanOut<'_>> = messages
                .iter()
                .filter(|fan_out| claimed.contains(&fan_out.message.id))
                .collect();
            let inbox: Vec<(&OutboxRow, &InboxMessage)> = claimed
                .iter()
                .flat_map(|fan_out| fan_out.inbox.iter().map(|entry| (fan_out.message, entry)))
                .collect();
            for chunk in inbox.chunks(ROWS_PER_INSERT) {
                let mut insert = sqlx::QueryBuilder::new(
                    "INSERT INTO notifications (person_id, community_id, work_order_id, topic, body, created_at, text_args) ",
                );
                insert.push_values(chunk, |mut row, (message, entry)| {
                    row.push_bind(entry.person)
                        .push_bind(message.community_id)
                        .push_bind(message.work_order_id)
                        .push_bind(message.topic.as_str())
                        .push_bind(entry.body.as_str())
                        .push_bind(stored_time(message.created_at))
                        .push_bind(entry.text_args.as_deref());
                });
                insert.build().execute(&mut *tx).await?;
            }
            let deliveries: Vec<(i64, i64, &str)> = claimed
                .iter()
                .flat_map(|fan_out| {
                    fan_out
                        .deliveries
                        .iter()
                        .map(|(channel, body)| (fan_out.message.id, *channel, body.as_str()))
                })
                .collect();
            for chunk in deliveries.chunks(ROWS_PER_INSERT) {
                let mut insert = sqlx::QueryBuilder::new(
                    "INSERT INTO deliveries (outbox_id, channel_id, body, status, next_attempt_at, created_at) ",
                );
                insert.push_values(chunk, |mut row, (outbox, channel, body)| {
                    row.push_bind(*outbox)
                        .push_bind(*channel)
                        .push_bind(*body)
                        .push("'pending'")
                        .push_bind(now)
                        .push_bind(now);
                });
                insert.push(" ON CONFLICT (outbox_id, channel_id) DO NOTHING");
                insert.build().execute(&mut *tx).await?;
            }
            tx.commit().await
        })?;
        Ok(())
    }

    /// The people holding `role` in a community.
    pub async fn holders_of(&self, role: &str, community: i64) -> StoreResult<Vec<i64>> {
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_scalar::<_, i64>(
                "SELECT DISTINCT person_id FROM role_grants
                 WHERE role = $1 AND scope_kind = 'community' AND scope_id = $2 ORDER BY person_id",
            )
            .bind(role)
            .bind(community)
            .fetch_all(pool)
            .await
        })?)
    }

    /// The handlers of an organisation.
    pub async fn members_of(&self, organisation: i64) -> StoreResult<Vec<i64>> {
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_scalar::<_, i64>(
                "SELECT DISTINCT person_id FROM role_grants
                 WHERE role = 'handler' AND organisation_id = $1 ORDER BY person_id",
            )
            .bind(organisation)
            .fetch_all(pool)
            .await
        })?)
    }

    pub async fn create_channel(
        &self,
        channel: NewChannel<'_>,
        now: DateTime<Utc>,
    ) -> StoreResult<Channel> {
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, Channel>(
                "INSERT INTO notification_channels (community_id, kind, name, url, secret, topics, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)
                 RETURNING id, community_id, kind, name, url, secret, topics, active, created_at",
            )
            .bind(channel.community.0)
            .bind(channel.kind)
            .bind(channel.name)
            .bind(channel.url)
            .bind(channel.secret)
            .bind(channel.topics)
            .bind(stored_time(now))
            .fetch_one(pool)
            .await
        })?)
    }

    pub async fn channels(&self, community: CommunityId) -> StoreResult<Vec<Channel>> {
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, Channel>(
                "SELECT id, community_id, kind, name, url, secret, topics, active, created_at
                 FROM notification_channels WHERE community_id = $1 ORDER BY id",
            )
            .bind(community.0)
            .fetch_all(pool)
            .await
        })?)
    }

    /// Deliveries whose time to try has come.
    pub async fn due_deliveries(
        &self,
        now: DateTime<Utc>,
        limit: i64,
    ) -> StoreResult<Vec<DueDelivery>> {
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, DueDelivery>(
                "SELECT d.id, d.attempts, d.body, c.kind, c.url, c.secret
                 FROM deliveries d JOIN notification_channels c ON c.id = d.channel_id
                 WHERE d.status = 'pending' AND d.next_attempt_at <= $1
                 ORDER BY d.next_attempt_at LIMIT $2",
            )
            .bind(stored_time(now))
            .bind(limit)
            .fetch_all(pool)
            .await
        })?)
    }

    /// Holds a delivery for the one try now under way.
    pub async fn lease_delivery(&self, id: i64, until: DateTime<Utc>) -> StoreResult<()> {
        on_pool!(&self.db, |pool| {
            sqlx::query("UPDATE deliveries SET next_attempt_at = $1 WHERE id = $2")
                .bind(stored_time(until))
                .bind(id)
                .execute(pool)
                .await
                .map(|_| ())
        })?;
        Ok(())
    }

    pub async fn delivery_done(&self, id: i64, now: DateTime<Utc>) -> StoreResult<()> {
        on_pool!(&self.db, |pool| {
            sqlx::query(
                "UPDATE deliveries SET status = 'delivered', attempts = attempts + 1, delivered_at = $1, last_error = NULL WHERE id = $2",
            )
            .bind(stored_time(now))
            .bind(id)
            .execute(pool)
            .await
            .map(|_| ())
        })?;
        Ok(())
    }

    /// A failed try: again at `retry_at`, or given up when there is none.
    pub async fn delivery_failed(
        &self,
        id: i64,
        error: &str,
        retry_at: Option<DateTime<Utc>>,
    ) -> StoreResult<()> {
        let error: String = error.chars().take(500).collect();
        on_pool!(&self.db, |pool| {
            match retry_at {
                Some(at) => sqlx::query(
                    "UPDATE deliveries SET attempts = attempts + 1, last_error = $1, next_attempt_at = $2 WHERE id = $3",
                )
                .bind(&error)
                .bind(stored_time(at))
                .bind(id)
                .execute(pool)
                .await
                .map(|_| ()),
                None => sqlx::query(
                    "UPDATE deliveries SET attempts = attempts + 1, last_error = $1, status = 'failed' WHERE id = $2",
                )
                .bind(&error)
                .bind(id)
                .execute(pool)
                .await
                .map(|_| ()),
            }
        })?;
        Ok(())
    }

    /// The delivery log of a community, newest first.
    pub async fn deliveries(
        &self,
        community: CommunityId,
        limit: i64,
    ) -> StoreResult<Vec<DeliveryRow>> {
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, DeliveryRow>(
                "SELECT d.id, d.outbox_id, d.channel_id, c.name AS channel_name, d.body, d.status, d.attempts,
                        d.next_attempt_at, d.last_error, d.delivered_at, d.created_at
                 FROM deliveries d JOIN notification_channels c ON c.id = d.channel_id
                 WHERE c.community_id = $1 ORDER BY d.id DESC LIMIT $2",
            )
            .bind(community.0)
            .bind(limit)
            .fetch_all(pool)
            .await
        })?)
    }

    pub async fn notifications_of(
        &self,
        person: PersonId,
        limit: i64,
    ) -> StoreResult<Vec<Notification>> {
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, Notification>(
                "SELECT id, work_order_id, topic, body, text_args, created_at, read_at FROM notifications
                 WHERE person_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2",
            )
            .bind(person.0)
            .bind(limit)
            .fetch_all(pool)
            .await
        })?)
    }

    pub async fn unread_count(&self, person: PersonId) -> StoreResult<i64> {
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_scalar::<_, i64>(
                "SELECT CAST(COUNT(*) AS BIGINT) FROM notifications WHERE person_id = $1 AND read_at IS NULL",
            )
            .bind(person.0)
            .fetch_one(pool)
            .await
        })?)
    }

    /// Part of a person's inbox is read.
    pub async fn mark_read(
        &self,
        person: PersonId,
        part: InboxPart,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let (which, work_order) = match part {
            InboxPart::All => ("", None),
            InboxPart::About(work_order) => (" AND work_order_id = $3", Some(work_order)),
            InboxPart::Unattached => (" AND work_order_id IS NULL", None),
        };
        let sql = format!(
            "UPDATE notifications SET read_at = $1 WHERE person_id = $2 AND read_at IS NULL{which}"
        );
        on_pool!(&self.db, |pool| {
            let mut query = sqlx::query(AssertSqlSafe(sql.as_str()))
                .bind(stored_time(now))
                .bind(person.0);
            if let Some(work_order) = work_order {
                query = query.bind(work_order);
            }
            query.execute(pool).await.map(|_| ())
        })?;
        Ok(())
    }

    /// Everyone's messages from before `before` are read (a demo's history).
    pub async fn mark_read_before(&self, before: DateTime<Utc>) -> StoreResult<()> {
        on_pool!(&self.db, |pool| {
            sqlx::query(
                "UPDATE notifications SET read_at = created_at WHERE created_at < $1 AND read_at IS NULL",
            )
            .bind(stored_time(before))
            .execute(pool)
            .await
            .map(|_| ())
        })?;
        Ok(())
    }

    /// The topics whose inbox rule a community has set itself, with their audiences
    /// (comma-separated names, empty for nobody).
    pub async fn notification_rules(
        &self,
        community: CommunityId,
    ) -> StoreResult<Vec<NotificationRuleRow>> {
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, NotificationRuleRow>(
                "SELECT topic, audiences, updated_by, updated_at FROM notification_rules
                 WHERE community_id = $1 ORDER BY topic",
            )
            .bind(community.0)
            .fetch_all(pool)
            .await
        })?)
    }

    /// The community's own rule for one topic, if it set one.
    pub async fn notification_rule(
        &self,
        community: CommunityId,
        topic: &str,
    ) -> StoreResult<Option<String>> {
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_scalar::<_, String>(
                "SELECT audiences FROM notification_rules WHERE community_id = $1 AND topic = $2",
            )
            .bind(community.0)
            .bind(topic)
            .fetch_optional(pool)
            .await
        })?)
    }

    /// Sets (or replaces) a community's rule for a topic.
    pub async fn set_notification_rule(
        &self,
        community: CommunityId,
        topic: &str,
        audiences: &str,
        by: PersonId,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        on_pool!(&self.db, |pool| {
            sqlx::query(
                "INSERT INTO notification_rules (community_id, topic, audiences, updated_by, updated_at)
                 VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (community_id, topic)
                 DO UPDATE SET audiences = excluded.audiences, updated_by = excluded.updated_by,
                               updated_at = excluded.updated_at",
            )
            .bind(community.0)
            .bind(topic)
            .bind(audiences)
            .bind(by.0)
            .bind(stored_time(now))
            .execute(pool)
            .await
            .map(|_| ())
        })?;
        Ok(())
    }

    /// Puts a topic back on the default rule; whether the community had its own.
    pub async fn clear_notification_rule(
        &self,
        community: CommunityId,
        topic: &str,
    ) -> StoreResult<bool> {
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query("DELETE FROM notification_rules WHERE community_id = $1 AND topic = $2")
                .bind(community.0)
                .bind(topic)
                .execute(pool)
                .await
                .map(|done| done.rows_affected() > 0)
        })?)
    }

    /// The residents following a work order ("me too", merged duplicates).
    pub async fn followers(&self, work_order: i64) -> StoreResult<Vec<i64>> {
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_scalar::<_, i64>(
                "SELECT person_id FROM work_order_followers WHERE work_order_id = $1 ORDER BY person_id",
            )
            .bind(work_order)
            .fetch_all(pool)
            .await
        })?)
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct NotificationRuleRow {
    pub topic: String,
    pub audiences: String,
    pub updated_by: i64,
    pub updated_at: DateTime<Utc>,
}
