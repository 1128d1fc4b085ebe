//! A community's channels, their delivery log and a person's inbox as the API answers
//! them.

use chrono::{DateTime, Utc};
use linli_store::notifications as rows;
use serde::Serialize;

/// A community's notification channel. Its secret signs deliveries and is never shown
/// once set: it has no field here, so it cannot be answered by mistake.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = Channel)]
pub struct ChannelView {
    id: i64,
    community_id: i64,
    /// `wecom` (企业微信), `dingtalk` (钉钉), `feishu` (飞书), `webhook` or `sms`.
    kind: String,
    name: String,
    url: String,
    /// Comma-separated topics; empty for all.
    topics: String,
    active: bool,
    created_at: DateTime<Utc>,
}

impl From<rows::Channel> for ChannelView {
    fn from(channel: rows::Channel) -> Self {
        Self {
            id: channel.id,
            community_id: channel.community_id,
            kind: channel.kind,
            name: channel.name,
            url: channel.url,
            topics: channel.topics,
            active: channel.active,
            created_at: channel.created_at,
        }
    }
}

/// One message to one channel, and how its sending went.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = DeliveryRow)]
pub struct DeliveryView {
    id: i64,
    outbox_id: i64,
    channel_id: i64,
    channel_name: String,
    /// What was (or is to be) sent.
    body: String,
    /// `pending`, `delivered` or `failed` (gave up).
    status: String,
    attempts: i64,
    next_attempt_at: DateTime<Utc>,
    last_error: Option<String>,
    delivered_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
}

impl From<rows::DeliveryRow> for DeliveryView {
    fn from(delivery: rows::DeliveryRow) -> Self {
        Self {
            id: delivery.id,
            outbox_id: delivery.outbox_id,
            channel_id: delivery.channel_id,
            channel_name: delivery.channel_name,
            body: delivery.body,
            status: delivery.status,
            attempts: delivery.attempts,
            next_attempt_at: delivery.next_attempt_at,
            last_error: delivery.last_error,
            delivered_at: delivery.delivered_at,
            created_at: delivery.created_at,
        }
    }
}

/// One message in a person's inbox.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = Notification)]
pub struct NotificationView {
    id: i64,
    work_order_id: Option<i64>,
    topic: String,
    body: String,
    created_at: DateTime<Utc>,
    read_at: Option<DateTime<Utc>>,
}

impl From<rows::Notification> for NotificationView {
    fn from(notification: rows::Notification) -> Self {
        Self {
            id: notification.id,
            work_order_id: notification.work_order_id,
            topic: notification.topic,
            body: notification.body,
            created_at: notification.created_at,
            read_at: notification.read_at,
        }
    }
}
