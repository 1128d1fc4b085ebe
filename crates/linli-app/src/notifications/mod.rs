//! Notifications. Every change that someone should hear of is written to the outbox in
//! the transaction that made it; the instance that runs background jobs fans each
//! message out ([`fanout`]) — to the inboxes of the people the community's rule for its
//! topic names, and to every channel of the community that wants its topic — and then
//! tries each channel delivery until it arrives ([`deliveries`]).
//!
//! Whose inbox hears of a topic is the community's rule for it, or the topic's default
//! (`linli_domain::notifications`).

pub mod deliveries;
pub mod fanout;
pub mod mail;
pub mod sms;

pub use deliveries::deliver_due;
pub use fanout::fan_out_pending;

use crate::{App, AppError, AppResult, Caller};
use chrono::{DateTime, Utc};
use linli_domain::ids::{CommunityId, PersonId};
use linli_domain::notifications::{Topic, audiences_from_text, audiences_to_text, parse_audiences};
use linli_domain::registry::Name;
use linli_store::notifications::{Channel, DeliveryRow, InboxPart, NewChannel, Notification};
use serde_json::json;

pub const CHANNEL_KINDS: [&str; 6] = ["wecom", "dingtalk", "feishu", "webhook", "sms", "email"];

/// Who may set up a community's channels and inbox rules: its supervisor or an admin.
pub async fn may_configure(app: &App, caller: &Caller, community: i64) -> AppResult<()> {
    let place = app.store.community(CommunityId(community)).await?.place();
    caller.require_office_head(place, Some(CommunityId(community)))
}

/// A channel as its maker describes it.
#[derive(Debug, Clone, Default)]
pub struct ChannelRequest {
    pub community_id: i64,
    /// `wecom`, `dingtalk`, `feishu`, `webhook`, `sms` or `email`.
    pub kind: String,
    pub name: String,
    /// The robot's or the endpoint's address (http or https); for `email` the mailboxes
    /// (`mailto:a@example.cn,b@example.cn`); none for `sms`.
    pub url: String,
    /// Required for `webhook` (the HMAC key, 16 characters or more); the robot's signing
    /// secret for `dingtalk` and `feishu`, when it has one.
    pub secret: Option<String>,
    /// Topics to send; all when empty.
    pub topics: Vec<String>,
}

/// Adds a channel where a community's messages also go.
pub async fn create_channel(
    app: &App,
    caller: &Caller,
    request: &ChannelRequest,
) -> AppResult<Channel> {
    may_configure(app, caller, request.community_id).await?;
    if !CHANNEL_KINDS.contains(&request.kind.as_str()) {
        return Err(AppError::invalid("channel.kind_unknown", "kind"));
    }
    let name = Name::parse(&request.name, "name", 40)?;
    // SMS goes to people's phones through the provider: it has no address of its own.
    let url = if request.kind == "sms" {
        String::new()
    } else if request.kind == "email" {
        if app.mailer.is_none() {
            return Err(AppError::invalid("channel.email_not_configured", "kind"));
        }
        mail::parse_addresses(&request.url)?.1
    } else {
        reqwest::Url::parse(request.url.trim())
            .ok()
            .filter(|url| matches!(url.scheme(), "http" | "https") && url.host().is_some())
            .ok_or_else(|| AppError::invalid("channel.url_invalid", "url"))?
            .to_string()
    };
    let secret = request
        .secret
        .as_deref()
        .map(str::trim)
        .filter(|secret| !secret.is_empty());
    if request.kind == "webhook" && secret.is_none_or(|secret| secret.chars().count() < 16) {
        return Err(AppError::invalid("channel.secret_required", "secret"));
    }
    if let Some(topic) = request
        .topics
        .iter()
        .find(|topic| Topic::parse(topic).is_err())
    {
        return Err(
            AppError::invalid("channel.topic_unknown", "topics").with_arg("topic", topic.clone())
        );
    }
    Ok(app
        .store
        .create_channel(
            NewChannel {
                community: CommunityId(request.community_id),
                kind: &request.kind,
                name: name.as_str(),
                url: &url,
                secret,
                topics: &request.topics.join(","),
            },
            app.clock.now(),
        )
        .await?)
}

/// A community's channels (secrets never shown).
pub async fn channels(app: &App, caller: &Caller, community: i64) -> AppResult<Vec<Channel>> {
    may_configure(app, caller, community).await?;
    Ok(app.store.channels(CommunityId(community)).await?)
}

/// The delivery log of a community's channels, newest first.
pub async fn deliveries(app: &App, caller: &Caller, community: i64) -> AppResult<Vec<DeliveryRow>> {
    may_configure(app, caller, community).await?;
    Ok(app.store.deliveries(CommunityId(community), 200).await?)
}

/// The caller's inbox, newest first, each message in the caller's language, and how
/// many are unread. Announcements are shown whole, so listing them reads them (the
/// answer still marks them unread this once).
pub async fn inbox(app: &App, caller: &Caller) -> AppResult<(i64, Vec<Notification>)> {
    let unread = app.store.unread_count(caller.person).await?;
    let mut messages = app.store.notifications_of(caller.person, 100).await?;
    for message in &mut messages {
        if let Some(body) = message
            .text_args
            .as_deref()
            .and_then(|raw| in_language(app, raw))
        {
            message.body = body;
        }
    }
    if messages
        .iter()
        .any(|message| message.work_order_id.is_none() && message.read_at.is_none())
    {
        app.store
            .mark_read(caller.person, InboxPart::Unattached, app.clock.now())
            .await?;
    }
    Ok((unread, messages))
}

/// A message's text in the language of the request, from its key and values.
fn in_language(app: &App, raw: &str) -> Option<String> {
    let stored: serde_json::Value = serde_json::from_str(raw).ok()?;
    let key = stored["key"].as_str()?;
    let args: Vec<(&str, String)> = stored["args"]
        .as_object()?
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_str().unwrap_or_default().to_owned()))
        .collect();
    Some(app.texts.text(key, &args).trim().to_owned())
}

/// The caller opened a work order: their messages about it are read.
pub async fn opened(app: &App, caller: &Caller, work_order: i64) -> AppResult<()> {
    app.store
        .mark_read(caller.person, InboxPart::About(work_order), app.clock.now())
        .await?;
    Ok(())
}

/// Everything in the caller's inbox is read.
pub async fn mark_all_read(app: &App, caller: &Caller) -> AppResult<()> {
    app.store
        .mark_read(caller.person, InboxPart::All, app.clock.now())
        .await?;
    Ok(())
}

/// The rule in force for one topic.
#[derive(Debug, Clone)]
pub struct RuleInForce {
    pub topic: Topic,
    pub audiences: Vec<linli_domain::notifications::Audience>,
    /// Whether this is the default rule (the community set none of its own).
    pub is_default: bool,
    /// Who last set the community's own rule, and when.
    pub updated_by: Option<i64>,
    pub updated_at: Option<DateTime<Utc>>,
}

/// The rules in force for every topic of a community.
pub async fn rules_in_force(app: &App, community: CommunityId) -> AppResult<Vec<RuleInForce>> {
    let chosen = app.store.notification_rules(community).await?;
    Ok(Topic::ALL
        .into_iter()
        .filter(|topic| topic.has_rule())
        .map(
            |topic| match chosen.iter().find(|rule| rule.topic == topic.as_str()) {
                Some(rule) => RuleInForce {
                    topic,
                    audiences: audiences_from_text(&rule.audiences),
                    is_default: false,
                    updated_by: Some(rule.updated_by),
                    updated_at: Some(rule.updated_at),
                },
                None => RuleInForce {
                    topic,
                    audiences: topic.default_audiences().to_vec(),
                    is_default: true,
                    updated_by: None,
                    updated_at: None,
                },
            },
        )
        .collect())
}

/// The rules of a community, for its supervisor or an administrator.
pub async fn rules(app: &App, caller: &Caller, community: i64) -> AppResult<Vec<RuleInForce>> {
    may_configure(app, caller, community).await?;
    rules_in_force(app, CommunityId(community)).await
}

/// Puts a topic back on the default rule.
pub async fn reset_rule(app: &App, caller: &Caller, community: i64, topic: &str) -> AppResult<()> {
    may_configure(app, caller, community).await?;
    let topic = ruled_topic(topic)?;
    app.store
        .clear_notification_rule(CommunityId(community), topic.as_str())
        .await?;
    Ok(())
}

/// A topic whose audience a community chooses.
fn ruled_topic(raw: &str) -> AppResult<Topic> {
    let topic = Topic::parse(raw)?;
    if topic.has_rule() {
        Ok(topic)
    } else {
        Err(AppError::invalid("notification.topic_fixed", "topic"))
    }
}

/// Sets a community's own rule for a topic.
pub async fn set_rule(
    app: &App,
    caller: &Caller,
    community: i64,
    topic: &str,
    audiences: &[String],
) -> AppResult<()> {
    may_configure(app, caller, community).await?;
    let topic = ruled_topic(topic)?;
    let audiences = parse_audiences(audiences)?;
    app.store
        .set_notification_rule(
            CommunityId(community),
            topic.as_str(),
            &audiences_to_text(&audiences),
            PersonId(caller.person.0),
            app.clock.now(),
        )
        .await?;
    Ok(())
}

/// Longest announcement.
const ANNOUNCEMENT_MAX: usize = 500;

/// The office head tells the office's people something (the joint meeting moved, the
/// desk closes early): to the inboxes the community's rule for announcements names and
/// to every channel that wants them.
pub async fn announce_to_office(
    app: &App,
    caller: &Caller,
    community: i64,
    text: &str,
) -> AppResult<()> {
    may_configure(app, caller, community).await?;
    let text = text.trim();
    if text.is_empty() {
        return Err(AppError::invalid("validation.required", "text"));
    }
    if text.chars().count() > ANNOUNCEMENT_MAX {
        return Err(AppError::invalid("validation.too_long", "text")
            .with_arg("max", ANNOUNCEMENT_MAX.to_string()));
    }
    app.store
        .enqueue(
            Topic::OfficeAnnouncement,
            CommunityId(community),
            json!({ "text": text, "author": caller.account.display_name }),
            app.clock.now(),
        )
        .await?;
    Ok(())
}
