//! Notifications. Every change that someone should hear of is written to the outbox in
//! the transaction that made it; the instance that runs background jobs fans each
//! message out — to the inboxes of the people the default rules name, and to every
//! channel of the community that wants its topic — and then tries each channel delivery
//! until it arrives (at least once), with exponential backoff, every channel on its own
//! so that a hanging or failing endpoint delays nobody else.
//!
//! Channels: 企业微信, 钉钉 and 飞书 group robots (their documented text message JSON, and
//! their signatures when a secret is set), a generic JSON webhook signed with
//! HMAC-SHA256 (`X-Linli-Signature: sha256=HEX` over `TIMESTAMP.BODY`), and SMS to the
//! people the rules name (and to a guest reporter's phone) through an [`SmsProvider`],
//! and email to a channel's mailboxes through the deployment's mail relay.
//!
//! Whose inbox hears of a topic is the community's rule for it, or the default rule
//! (`linli_domain::notifications`).

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiQuery};
use crate::locale::text;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use base64::Engine as _;
use chrono::{DateTime, Utc};
use hmac::{KeyInit, Mac};
use linli_domain::ValidationError;
use linli_domain::ids::{BuildingId, CommunityId, PersonId};
use linli_domain::notifications::{Audience, TOPICS, audiences_from_text, default_audiences};
use linli_store::notifications::{
    Channel, DueDelivery, FanOut, InboxMessage, NewChannel, OutboxRow,
};
use linli_store::work_orders::WorkOrderRow;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::time::Duration;

type HmacSha256 = hmac::Hmac<sha2::Sha256>;

/// After this many failed tries a delivery is given up (and shows as failed in the log).
const MAX_ATTEMPTS: i64 = 12;
const LONGEST_WAIT: Duration = Duration::from_secs(3600);
/// How long one endpoint may take to answer.
pub(crate) const SEND_TIMEOUT: Duration = Duration::from_secs(5);

pub const CHANNEL_KINDS: [&str; 6] = ["wecom", "dingtalk", "feishu", "webhook", "sms", "email"];

/// Sends text messages. A deployment plugs in its operator's API (阿里云, 腾讯云 …)
/// behind this trait; [`LoggingSms`] only writes them to the log, for development.
pub trait SmsProvider: Send + Sync {
    fn send<'a>(
        &'a self,
        phone: &'a str,
        text: &'a str,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), String>> + Send + 'a>>;
}

/// Writes each message to the log instead of sending it (phone numbers masked).
pub struct LoggingSms;

impl SmsProvider for LoggingSms {
    fn send<'a>(
        &'a self,
        phone: &'a str,
        text: &'a str,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), String>> + Send + 'a>> {
        Box::pin(async move {
            let masked = linli_domain::registry::Phone::masked(phone);
            tracing::info!(phone = %masked, %text, "SMS (logging provider: not sent)");
            Ok(())
        })
    }
}

/// What one outbox message says, and to whom by default.
struct Message {
    /// The work order's number people see (0 for a message about none).
    number: i64,
    text: String,
    recipients: Vec<i64>,
    /// Phones for SMS: the recipients' own, and a guest reporter's when the message is
    /// for the reporter.
    phones: Vec<String>,
}

/// What one round of fanning out has read already: a burst of messages is mostly about
/// the same community, categories, buildings and people, so each is read once a round.
#[derive(Default)]
struct Lookups {
    /// The round's work orders, read together before the round starts.
    work_orders: HashMap<i64, WorkOrderRow>,
    categories: HashMap<i64, String>,
    buildings: HashMap<i64, String>,
    rules: HashMap<(i64, String), Vec<Audience>>,
    holders: HashMap<(&'static str, i64), Vec<i64>>,
    members: HashMap<i64, Vec<i64>>,
    phones: HashMap<i64, Option<String>>,
    channels: HashMap<i64, Vec<Channel>>,
}

impl Lookups {
    async fn work_order(&mut self, state: &AppState, id: i64) -> ApiResult<WorkOrderRow> {
        if let Some(order) = self.work_orders.get(&id) {
            return Ok(order.clone());
        }
        let order = state.store.work_order(id).await?;
        self.work_orders.insert(id, order.clone());
        Ok(order)
    }

    async fn category(&mut self, state: &AppState, id: i64) -> ApiResult<String> {
        if let Some(name) = self.categories.get(&id) {
            return Ok(name.clone());
        }
        let name = state.store.category(id).await?.name;
        self.categories.insert(id, name.clone());
        Ok(name)
    }

    async fn building(&mut self, state: &AppState, id: i64) -> String {
        if let Some(name) = self.buildings.get(&id) {
            return name.clone();
        }
        let name = state
            .store
            .building(BuildingId(id))
            .await
            .map(|building| building.name)
            .unwrap_or_default();
        self.buildings.insert(id, name.clone());
        name
    }

    async fn audiences(
        &mut self,
        state: &AppState,
        community: i64,
        topic: &str,
    ) -> ApiResult<Vec<Audience>> {
        let key = (community, topic.to_owned());
        if let Some(audiences) = self.rules.get(&key) {
            return Ok(audiences.clone());
        }
        let audiences = match state
            .store
            .notification_rule(CommunityId(community), topic)
            .await?
        {
            Some(chosen) => audiences_from_text(&chosen),
            None => default_audiences(topic).to_vec(),
        };
        self.rules.insert(key, audiences.clone());
        Ok(audiences)
    }

    async fn holders(
        &mut self,
        state: &AppState,
        role: &'static str,
        community: i64,
    ) -> ApiResult<Vec<i64>> {
        if let Some(people) = self.holders.get(&(role, community)) {
            return Ok(people.clone());
        }
        let people = state.store.holders_of(role, community).await?;
        self.holders.insert((role, community), people.clone());
        Ok(people)
    }

    async fn members(&mut self, state: &AppState, organisation: i64) -> ApiResult<Vec<i64>> {
        if let Some(people) = self.members.get(&organisation) {
            return Ok(people.clone());
        }
        let people = state.store.members_of(organisation).await?;
        self.members.insert(organisation, people.clone());
        Ok(people)
    }

    async fn phone(&mut self, state: &AppState, person: i64) -> ApiResult<Option<String>> {
        if let Some(phone) = self.phones.get(&person) {
            return Ok(phone.clone());
        }
        let phone = state.store.person(PersonId(person)).await?.phone;
        self.phones.insert(person, phone.clone());
        Ok(phone)
    }

    async fn channels(&mut self, state: &AppState, community: i64) -> ApiResult<Vec<Channel>> {
        if let Some(channels) = self.channels.get(&community) {
            return Ok(channels.clone());
        }
        let channels = state.store.channels(CommunityId(community)).await?;
        self.channels.insert(community, channels.clone());
        Ok(channels)
    }
}

async fn describe(
    state: &AppState,
    lookups: &mut Lookups,
    message: &OutboxRow,
    wants_phones: bool,
) -> ApiResult<Message> {
    let payload: Value = serde_json::from_str(&message.payload).unwrap_or(Value::Null);
    let Some(order_id) = message.work_order_id else {
        return Ok(Message {
            number: 0,
            text: String::new(),
            recipients: Vec::new(),
            phones: Vec::new(),
        });
    };
    let order = lookups.work_order(state, order_id).await?;
    let category = lookups.category(state, order.category_id).await?;
    let building = match order.building_id {
        Some(id) => lookups.building(state, id).await,
        None => String::new(),
    };
    let lead = payload["lead_organisation_id"]
        .as_i64()
        .or(order.lead_organisation_id);
    let community = order.community_id;
    let audiences = lookups.audiences(state, community, &message.topic).await?;
    let mut recipients = Vec::new();
    for audience in &audiences {
        recipients.extend(match audience {
            Audience::DutyOfficers => lookups.holders(state, "duty_officer", community).await?,
            Audience::Supervisors => lookups.holders(state, "supervisor", community).await?,
            Audience::Receptionists => lookups.holders(state, "receptionist", community).await?,
            Audience::LeadParty => match lead {
                Some(organisation) => lookups.members(state, organisation).await?,
                None => Vec::new(),
            },
            Audience::CoHandlers => {
                let mut members = Vec::new();
                for organisation in state.store.co_handlers(order.id).await? {
                    members.extend(lookups.members(state, organisation).await?);
                }
                members
            }
            Audience::Reporter => order.reporter_id.into_iter().collect(),
            Audience::Followers => state.store.followers(order.id).await?,
        });
    }
    recipients.sort_unstable();
    recipients.dedup();
    let mut phones = Vec::new();
    if wants_phones {
        for person in &recipients {
            if let Some(phone) = lookups.phone(state, *person).await? {
                phones.push(phone);
            }
        }
        // A guest reporter has no inbox; SMS is how the rule reaches them.
        if audiences.contains(&Audience::Reporter)
            && order.reporter_id.is_none()
            && let Some(phone) = order.guest_phone.clone()
        {
            phones.push(phone);
        }
    }
    let key = message
        .topic
        .strip_prefix("work_order.")
        .filter(|_| TOPICS.contains(&message.topic.as_str()))
        .unwrap_or("other");
    Ok(Message {
        number: order.number,
        phones,
        text: text(
            &format!("notify.{key}"),
            &[
                ("number", order.number.to_string()),
                ("category", category),
                ("building", building),
            ],
        )
        .trim()
        .to_owned(),
        recipients,
    })
}

/// What a channel is sent (before signing), kept with the delivery.
fn channel_body(channel: &Channel, message: &OutboxRow, described: &Message) -> Value {
    let text = &described.text;
    match channel.kind.as_str() {
        "sms" => json!({ "phones": described.phones, "text": text }),
        "email" => json!({
            "to": crate::mail::parse_addresses(&channel.url)
                .map(|(addresses, _)| addresses)
                .unwrap_or_default(),
            "subject": text,
            "text": format!("{text}\n\n{}", crate::locale::text("notify.email_footer", &[])),
        }),
        "wecom" | "dingtalk" => json!({ "msgtype": "text", "text": { "content": text } }),
        "feishu" => json!({ "msg_type": "text", "content": { "text": text } }),
        _ => json!({
            "topic": message.topic,
            "community_id": message.community_id,
            "work_order_id": message.work_order_id,
            "number": described.number,
            "text": text,
            "outbox_id": message.id,
        }),
    }
}

/// Fans out pending outbox messages; returns how many.
pub async fn fan_out_pending(state: &AppState) -> ApiResult<usize> {
    let pending = state.store.outbox_to_fan_out(100).await?;
    let mut lookups = Lookups::default();
    let mut ids: Vec<i64> = pending
        .iter()
        .filter_map(|message| message.work_order_id)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    lookups.work_orders = state
        .store
        .work_orders_by_id(&ids)
        .await?
        .into_iter()
        .map(|order| (order.id, order))
        .collect();
    let mut fanned = Vec::with_capacity(pending.len());
    for message in &pending {
        let channels: Vec<Channel> = match message.community_id {
            Some(community) => lookups
                .channels(state, community)
                .await?
                .into_iter()
                .filter(|channel| channel.wants(&message.topic))
                .collect(),
            None => Vec::new(),
        };
        let wants_phones = channels.iter().any(|channel| channel.kind == "sms");
        let described = describe(state, &mut lookups, message, wants_phones).await?;
        let inbox: Vec<InboxMessage> = described
            .recipients
            .iter()
            .map(|person| InboxMessage {
                person: *person,
                body: described.text.clone(),
            })
            .collect();
        let deliveries: Vec<(i64, String)> = channels
            .iter()
            .filter(|_| !described.text.is_empty())
            .filter(|channel| channel.kind != "sms" || !described.phones.is_empty())
            .map(|channel| {
                (
                    channel.id,
                    channel_body(channel, message, &described).to_string(),
                )
            })
            .collect();
        fanned.push(FanOut {
            message,
            inbox,
            deliveries,
        });
    }
    if !fanned.is_empty() {
        state.store.fan_out(&fanned, state.clock.now()).await?;
    }
    Ok(pending.len())
}

fn hmac_of(key: &[u8], message: &[u8]) -> Vec<u8> {
    // HMAC takes keys of any length: this never fails.
    let Ok(mut mac) = <HmacSha256 as KeyInit>::new_from_slice(key) else {
        return Vec::new();
    };
    mac.update(message);
    mac.finalize().into_bytes().to_vec()
}

/// The request one delivery makes: its URL, body and extra headers, signed as the
/// channel's kind requires.
fn signed_request(
    delivery: &DueDelivery,
    now: DateTime<Utc>,
) -> (String, String, Vec<(&'static str, String)>) {
    let base64 = base64::engine::general_purpose::STANDARD;
    let mut url = delivery.url.clone();
    let mut body = delivery.body.clone();
    let mut headers = Vec::new();
    let secret = delivery
        .secret
        .as_deref()
        .filter(|secret| !secret.is_empty());
    match (delivery.kind.as_str(), secret) {
        ("dingtalk", Some(secret)) => {
            let timestamp = now.timestamp_millis();
            let sign = base64.encode(hmac_of(
                secret.as_bytes(),
                format!("{timestamp}\n{secret}").as_bytes(),
            ));
            let separator = if url.contains('?') { '&' } else { '?' };
            url = format!(
                "{url}{separator}timestamp={timestamp}&sign={}",
                crate::pages::url_encode(&sign).replace('/', "%2F")
            );
        }
        ("feishu", Some(secret)) => {
            let timestamp = now.timestamp();
            let sign = base64.encode(hmac_of(format!("{timestamp}\n{secret}").as_bytes(), b""));
            if let Ok(mut value) = serde_json::from_str::<Value>(&body) {
                value["timestamp"] = json!(timestamp.to_string());
                value["sign"] = json!(sign);
                body = value.to_string();
            }
        }
        ("webhook", Some(secret)) => {
            let timestamp = now.timestamp();
            let signature = hex::encode(hmac_of(
                secret.as_bytes(),
                format!("{timestamp}.{body}").as_bytes(),
            ));
            headers.push(("x-linli-timestamp", timestamp.to_string()));
            headers.push(("x-linli-signature", format!("sha256={signature}")));
        }
        _ => {}
    }
    (url, body, headers)
}

/// Whether an endpoint's answer means it took the message: a 2xx status, and for the
/// robots no error code in the body (they answer 200 with `errcode`/`code` on failure).
fn accepted(kind: &str, status: reqwest::StatusCode, answer: &str) -> Result<(), String> {
    if !status.is_success() {
        return Err(format!("HTTP {status}"));
    }
    if kind != "webhook"
        && let Ok(answer) = serde_json::from_str::<Value>(answer)
    {
        let code = answer
            .get("errcode")
            .or_else(|| answer.get("code"))
            .and_then(Value::as_i64)
            .unwrap_or(0);
        if code != 0 {
            return Err(format!("refused: {answer}"));
        }
    }
    Ok(())
}

/// Starts every delivery that is due, each in its own task so that a slow endpoint holds
/// up nobody; returns how many were started. Each is first leased (its next try moved
/// past the send timeout) so that the next round does not start it again meanwhile.
pub async fn deliver_due(state: &AppState) -> ApiResult<usize> {
    let now = state.clock.now();
    let due = state.store.due_deliveries(now, 50).await?;
    let lease =
        chrono::Duration::from_std(SEND_TIMEOUT * 2).unwrap_or(chrono::Duration::seconds(10));
    for delivery in &due {
        state.store.lease_delivery(delivery.id, now + lease).await?;
    }
    let started = due.len();
    for delivery in due {
        let state = state.clone();
        tokio::spawn(async move {
            if let Err(error) = deliver(&state, &delivery).await {
                tracing::warn!(
                    code = error.code,
                    delivery = delivery.id,
                    "recording a delivery failed"
                );
            }
        });
    }
    Ok(started)
}

/// Sends an SMS delivery to each of its phones; one failure fails (and retries) it.
async fn send_sms(state: &AppState, body: &str) -> Result<(), String> {
    let body: Value = serde_json::from_str(body).map_err(|error| error.to_string())?;
    let text = body["text"].as_str().unwrap_or_default();
    for phone in body["phones"].as_array().into_iter().flatten() {
        if let Some(phone) = phone.as_str() {
            state.sms.send(phone, text).await?;
        }
    }
    Ok(())
}

/// Sends an email delivery through the relay; a relay taken away since the channel was
/// made fails it (and it is retried, in case the relay comes back).
async fn send_email(state: &AppState, body: &str) -> Result<(), String> {
    let Some(mailer) = &state.mailer else {
        return Err("no mail relay is configured (smtp_url)".to_owned());
    };
    let body: Value = serde_json::from_str(body).map_err(|error| error.to_string())?;
    let to: Vec<String> = body["to"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|address| address.as_str().map(str::to_owned))
        .collect();
    let subject = body["subject"].as_str().unwrap_or_default();
    let text = body["text"].as_str().unwrap_or_default();
    tokio::time::timeout(SEND_TIMEOUT * 2, mailer.send(&to, subject, text))
        .await
        .map_err(|_| "the mail relay did not answer in time".to_owned())?
}

async fn deliver(state: &AppState, delivery: &DueDelivery) -> ApiResult<()> {
    if delivery.kind == "sms" {
        let outcome = send_sms(state, &delivery.body).await;
        return record(state, delivery, outcome).await;
    }
    if delivery.kind == "email" {
        let outcome = send_email(state, &delivery.body).await;
        return record(state, delivery, outcome).await;
    }
    let (url, body, headers) = signed_request(delivery, state.clock.now());
    let mut request = state
        .http
        .post(&url)
        .timeout(SEND_TIMEOUT)
        .header("content-type", "application/json")
        .body(body);
    for (name, value) in headers {
        request = request.header(name, value);
    }
    let outcome = match request.send().await {
        Ok(response) => {
            let status = response.status();
            let answer = response.text().await.unwrap_or_default();
            accepted(&delivery.kind, status, &answer)
        }
        Err(error) => Err(error.to_string()),
    };
    record(state, delivery, outcome).await
}

async fn record(
    state: &AppState,
    delivery: &DueDelivery,
    outcome: Result<(), String>,
) -> ApiResult<()> {
    match outcome {
        Ok(()) => {
            state
                .store
                .delivery_done(delivery.id, state.clock.now())
                .await?
        }
        Err(error) => {
            let tries = delivery.attempts + 1;
            let retry_at = (tries < MAX_ATTEMPTS).then(|| {
                let wait = state
                    .config
                    .delivery_retry_base
                    .saturating_mul(2u32.saturating_pow(u32::try_from(tries - 1).unwrap_or(31)))
                    .min(LONGEST_WAIT);
                state.clock.now()
                    + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::hours(1))
            });
            tracing::info!(delivery = delivery.id, tries, %error, "a delivery failed");
            state
                .store
                .delivery_failed(delivery.id, &error, retry_at)
                .await?;
        }
    }
    Ok(())
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewChannelInput {
    community_id: i64,
    /// `wecom`, `dingtalk`, `feishu`, `webhook`, `sms` or `email`.
    kind: String,
    name: String,
    /// The robot's or the endpoint's address (http or https); for `email` the mailboxes
    /// (`mailto:a@example.cn,b@example.cn`); none for `sms`.
    #[serde(default)]
    url: String,
    /// Required for `webhook` (the HMAC key, 16 characters or more); the robot's signing
    /// secret for `dingtalk` and `feishu`, when it has one.
    secret: Option<String>,
    /// Topics to send (`work_order.dispatched`, …); all when absent.
    #[serde(default)]
    topics: Vec<String>,
}

/// Who may set up a community's channels and inbox rules: its supervisor or an admin.
pub(crate) async fn may_configure(
    state: &AppState,
    user: &CurrentUser,
    community: i64,
) -> ApiResult<()> {
    let place = state.store.community(CommunityId(community)).await?.place();
    user.require_office_head(place, Some(CommunityId(community)))
}

/// `POST /api/v1/channels`: where a community's messages also go.
#[utoipa::path(
    post,
    path = "/api/v1/channels",
    tag = "notifications",
    summary = "Add a notification channel (group robot or signed webhook)",
    request_body = NewChannelInput,
    responses((status = 201, body = Channel)),
    security(("bearer" = []))
)]
pub async fn create_channel(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<NewChannelInput>,
) -> ApiResult<(StatusCode, Json<Channel>)> {
    may_configure(&state, &user, input.community_id).await?;
    if !CHANNEL_KINDS.contains(&input.kind.as_str()) {
        return Err(ValidationError::new("channel.kind_unknown", "kind").into());
    }
    let name = linli_domain::registry::Name::parse(&input.name, "name", 40)?;
    // SMS goes to people's phones through the provider: it has no address of its own.
    let url = if input.kind == "sms" {
        String::new()
    } else if input.kind == "email" {
        if state.mailer.is_none() {
            return Err(ValidationError::new("channel.email_not_configured", "kind").into());
        }
        crate::mail::parse_addresses(&input.url)?.1
    } else {
        reqwest::Url::parse(input.url.trim())
            .ok()
            .filter(|url| matches!(url.scheme(), "http" | "https") && url.host().is_some())
            .ok_or_else(|| ApiError::from(ValidationError::new("channel.url_invalid", "url")))?
            .to_string()
    };
    let secret = input
        .secret
        .as_deref()
        .map(str::trim)
        .filter(|secret| !secret.is_empty());
    if input.kind == "webhook" && secret.is_none_or(|secret| secret.chars().count() < 16) {
        return Err(ValidationError::new("channel.secret_required", "secret").into());
    }
    if let Some(topic) = input
        .topics
        .iter()
        .find(|topic| !TOPICS.contains(&topic.as_str()))
    {
        return Err(
            ApiError::from(ValidationError::new("channel.topic_unknown", "topics"))
                .with_arg("topic", topic.clone()),
        );
    }
    let channel = state
        .store
        .create_channel(
            NewChannel {
                community: CommunityId(input.community_id),
                kind: &input.kind,
                name: name.as_str(),
                url: &url,
                secret,
                topics: &input.topics.join(","),
            },
            state.clock.now(),
        )
        .await?;
    Ok((StatusCode::CREATED, Json(channel)))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CommunityQuery {
    pub(crate) community_id: i64,
}

/// `GET /api/v1/channels?community_id=`: the channels (secrets never shown).
#[utoipa::path(
    get,
    path = "/api/v1/channels",
    tag = "notifications",
    summary = "A community's notification channels",
    params(CommunityQuery),
    responses((status = 200, body = Vec<Channel>)),
    security(("bearer" = []))
)]
pub async fn list_channels(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<CommunityQuery>,
) -> ApiResult<Json<Vec<Channel>>> {
    may_configure(&state, &user, query.community_id).await?;
    Ok(Json(
        state
            .store
            .channels(CommunityId(query.community_id))
            .await?,
    ))
}

/// `GET /api/v1/deliveries?community_id=`: the delivery log, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/deliveries",
    tag = "notifications",
    summary = "The delivery log of a community's channels",
    params(CommunityQuery),
    responses((status = 200, body = Vec<linli_store::notifications::DeliveryRow>)),
    security(("bearer" = []))
)]
pub async fn list_deliveries(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<CommunityQuery>,
) -> ApiResult<Json<Vec<linli_store::notifications::DeliveryRow>>> {
    may_configure(&state, &user, query.community_id).await?;
    Ok(Json(
        state
            .store
            .deliveries(CommunityId(query.community_id), 200)
            .await?,
    ))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Inbox {
    unread: i64,
    items: Vec<linli_store::notifications::Notification>,
}

/// `GET /api/v1/notifications`: the caller's inbox, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/notifications",
    tag = "notifications",
    summary = "My notifications and how many are unread",
    responses((status = 200, body = Inbox)),
    security(("bearer" = []))
)]
pub async fn inbox(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<Inbox>> {
    Ok(Json(Inbox {
        unread: state.store.unread_count(user.person).await?,
        items: state.store.notifications_of(user.person, 100).await?,
    }))
}

/// `POST /api/v1/notifications/read`: everything in the inbox is read.
#[utoipa::path(
    post,
    path = "/api/v1/notifications/read",
    tag = "notifications",
    summary = "Mark all my notifications read",
    responses((status = 204)),
    security(("bearer" = []))
)]
pub async fn mark_read(State(state): State<AppState>, user: CurrentUser) -> ApiResult<StatusCode> {
    state
        .store
        .mark_all_read(PersonId(user.person.0), state.clock.now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webhook_signatures_follow_the_documented_scheme() {
        let delivery = DueDelivery {
            id: 1,
            attempts: 0,
            body: r#"{"text":"来新单了！"}"#.to_owned(),
            kind: "webhook".to_owned(),
            url: "https://example.invalid/hook".to_owned(),
            secret: Some("0123456789abcdef".to_owned()),
        };
        let at = DateTime::<Utc>::from_timestamp(1_764_000_000, 0).unwrap_or_default();
        let (url, body, headers) = signed_request(&delivery, at);
        assert_eq!(url, delivery.url);
        assert_eq!(body, delivery.body);
        let expected = hex::encode(hmac_of(
            b"0123456789abcdef",
            format!("1764000000.{body}").as_bytes(),
        ));
        assert!(headers.contains(&("x-linli-signature", format!("sha256={expected}"))));
        assert!(headers.contains(&("x-linli-timestamp", "1764000000".to_owned())));
    }

    #[test]
    fn robots_that_answer_an_error_code_did_not_take_the_message() {
        let ok = reqwest::StatusCode::OK;
        assert!(accepted("wecom", ok, r#"{"errcode":0,"errmsg":"ok"}"#).is_ok());
        assert!(
            accepted(
                "dingtalk",
                ok,
                r#"{"errcode":310000,"errmsg":"sign not match"}"#
            )
            .is_err()
        );
        assert!(accepted("feishu", ok, r#"{"code":19021,"msg":"sign match fail"}"#).is_err());
        assert!(accepted("webhook", reqwest::StatusCode::INTERNAL_SERVER_ERROR, "").is_err());
    }
}
