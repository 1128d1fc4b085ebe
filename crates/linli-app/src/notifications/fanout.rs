//! Fanning out the outbox: each message is described — what it says and whose inbox
//! hears of it — by the describer of its topic, then written to those inboxes and queued
//! for every channel of the community that wants the topic. A capability that adds a
//! topic adds its describer to [`describe`].

use crate::{App, AppResult};
use linli_domain::ids::{BuildingId, CommunityId, OrganisationId, PersonId};
use linli_domain::notifications::{Audience, Topic, audiences_from_text};
use linli_domain::roster::Post;
use linli_store::notifications::{Channel, FanOut, InboxMessage, OutboxRow};
use linli_store::work_orders::WorkOrderRow;
use serde_json::{Value, json};
use std::collections::HashMap;

/// What one outbox message says, and to whom.
pub(crate) struct Message {
    /// The work order's number people see (0 for a message about none).
    pub number: i64,
    /// In the default language, for channels.
    pub text: String,
    /// What it says in any language: the text's key and values (`category` and
    /// `category_en` both, the English texts naming the latter).
    pub key: String,
    pub args: Vec<(&'static str, String)>,
    pub recipients: Vec<i64>,
    /// Phones for SMS: the recipients' own, and a guest reporter's when the message is
    /// for the reporter.
    pub phones: Vec<String>,
}

impl Message {
    /// A message that reaches nobody: what a broken outbox row is described as, so that
    /// it is logged and passed over instead of holding up every message after it.
    fn nothing() -> Self {
        Self {
            number: 0,
            text: String::new(),
            key: String::new(),
            args: Vec::new(),
            recipients: Vec::new(),
            phones: Vec::new(),
        }
    }
}

/// What one round of fanning out has read already: a burst of messages is mostly about
/// the same community, categories, buildings and people, so each is read once a round.
#[derive(Default)]
struct Lookups {
    /// The round's work orders, read together before the round starts.
    work_orders: HashMap<i64, WorkOrderRow>,
    categories: HashMap<i64, (String, String)>,
    organisations: HashMap<i64, String>,
    buildings: HashMap<i64, String>,
    rules: HashMap<(i64, Topic), Vec<Audience>>,
    holders: HashMap<(&'static str, i64), Vec<i64>>,
    members: HashMap<i64, Vec<i64>>,
    phones: HashMap<i64, Option<String>>,
    channels: HashMap<i64, Vec<Channel>>,
}

impl Lookups {
    async fn work_order(&mut self, app: &App, id: i64) -> AppResult<WorkOrderRow> {
        if let Some(order) = self.work_orders.get(&id) {
            return Ok(order.clone());
        }
        let order = app.store.work_order(id).await?;
        self.work_orders.insert(id, order.clone());
        Ok(order)
    }

    /// A category's names: Chinese, English.
    async fn category(&mut self, app: &App, id: i64) -> AppResult<(String, String)> {
        if let Some(names) = self.categories.get(&id) {
            return Ok(names.clone());
        }
        let category = app.store.category(id).await?;
        let names = (category.name, category.name_en);
        self.categories.insert(id, names.clone());
        Ok(names)
    }

    async fn organisation(&mut self, app: &App, id: i64) -> AppResult<String> {
        if let Some(name) = self.organisations.get(&id) {
            return Ok(name.clone());
        }
        let name = app.store.organisation(OrganisationId(id)).await?.name;
        self.organisations.insert(id, name.clone());
        Ok(name)
    }

    async fn building(&mut self, app: &App, id: i64) -> AppResult<String> {
        if let Some(name) = self.buildings.get(&id) {
            return Ok(name.clone());
        }
        let name = app.store.building(BuildingId(id)).await?.name;
        self.buildings.insert(id, name.clone());
        Ok(name)
    }

    async fn audiences(
        &mut self,
        app: &App,
        community: i64,
        topic: Topic,
    ) -> AppResult<Vec<Audience>> {
        if let Some(audiences) = self.rules.get(&(community, topic)) {
            return Ok(audiences.clone());
        }
        let audiences = match app
            .store
            .notification_rule(CommunityId(community), topic.as_str())
            .await?
        {
            Some(chosen) => audiences_from_text(&chosen),
            None => topic.default_audiences().to_vec(),
        };
        self.rules.insert((community, topic), audiences.clone());
        Ok(audiences)
    }

    async fn holders(
        &mut self,
        app: &App,
        role: &'static str,
        community: i64,
    ) -> AppResult<Vec<i64>> {
        if let Some(people) = self.holders.get(&(role, community)) {
            return Ok(people.clone());
        }
        let people = app.store.holders_of(role, community).await?;
        self.holders.insert((role, community), people.clone());
        Ok(people)
    }

    async fn members(&mut self, app: &App, organisation: i64) -> AppResult<Vec<i64>> {
        if let Some(people) = self.members.get(&organisation) {
            return Ok(people.clone());
        }
        let people = app.store.members_of(organisation).await?;
        self.members.insert(organisation, people.clone());
        Ok(people)
    }

    async fn phone(&mut self, app: &App, person: i64) -> AppResult<Option<String>> {
        if let Some(phone) = self.phones.get(&person) {
            return Ok(phone.clone());
        }
        let phone = app.store.person(PersonId(person)).await?.phone;
        self.phones.insert(person, phone.clone());
        Ok(phone)
    }

    async fn channels(&mut self, app: &App, community: i64) -> AppResult<Vec<Channel>> {
        if let Some(channels) = self.channels.get(&community) {
            return Ok(channels.clone());
        }
        let channels = app.store.channels(CommunityId(community)).await?;
        self.channels.insert(community, channels.clone());
        Ok(channels)
    }

    /// The office's people an audience names in a community (the audiences that belong
    /// to a work order — its parties, reporter, followers — are its describer's).
    async fn office(
        &mut self,
        app: &App,
        audience: Audience,
        community: i64,
    ) -> AppResult<Vec<i64>> {
        Ok(match audience {
            Audience::DutyOfficers => self.holders(app, "duty_officer", community).await?,
            Audience::Supervisors => self.holders(app, "supervisor", community).await?,
            Audience::Receptionists => self.holders(app, "receptionist", community).await?,
            _ => Vec::new(),
        })
    }

    /// The phones of the recipients, for SMS.
    async fn phones_of(&mut self, app: &App, recipients: &[i64]) -> AppResult<Vec<String>> {
        let mut phones = Vec::new();
        for person in recipients {
            if let Some(phone) = self.phone(app, *person).await? {
                phones.push(phone);
            }
        }
        Ok(phones)
    }
}

/// The duty officers the roster has on duty now, when any of them holds the role; all
/// of them when the roster names none (no one is left unwarned by an empty roster).
async fn on_duty_among(app: &App, community: i64, officers: Vec<i64>) -> AppResult<Vec<i64>> {
    let on_duty: Vec<i64> = crate::roster::on_duty_now(app, CommunityId(community))
        .await?
        .into_iter()
        .filter(|shift| shift.post == Post::Duty)
        .filter_map(|shift| shift.person_id)
        .filter(|person| officers.contains(person))
        .collect();
    Ok(if on_duty.is_empty() {
        officers
    } else {
        on_duty
    })
}

/// The describer of each topic. An outbox row whose topic this version does not know
/// (written by a newer one) is described as nothing and logged, so it does not stop
/// the others.
async fn describe(
    app: &App,
    lookups: &mut Lookups,
    message: &OutboxRow,
    wants_phones: bool,
) -> AppResult<Message> {
    let payload: Value = serde_json::from_str(&message.payload).unwrap_or(Value::Null);
    let topic = match Topic::parse(&message.topic) {
        Ok(topic) => topic,
        Err(_) => {
            tracing::warn!(topic = %message.topic, outbox = message.id, "an outbox message of an unknown topic");
            return Ok(Message::nothing());
        }
    };
    match topic {
        Topic::OfficeAnnouncement => {
            describe_announcement(app, lookups, message, topic, &payload, wants_phones).await
        }
        Topic::FundPledged | Topic::FundSpent => {
            describe_fund(app, lookups, topic, &payload, wants_phones).await
        }
        Topic::MeetingInvited | Topic::MeetingMoved | Topic::MeetingCancelled => {
            describe_meeting(app, lookups, topic, &payload, wants_phones).await
        }
        Topic::ContentUrgentNotice => {
            describe_urgent_notice(app, lookups, &payload, wants_phones).await
        }
        Topic::RosterSwapDecided | Topic::ProjectHelpDecided | Topic::AccountsClaimDecided => {
            describe_decision(app, lookups, topic, &payload, wants_phones).await
        }
        _ => describe_work_order(app, lookups, message, topic, &payload, wants_phones).await,
    }
}

async fn describe_work_order(
    app: &App,
    lookups: &mut Lookups,
    message: &OutboxRow,
    topic: Topic,
    payload: &Value,
    wants_phones: bool,
) -> AppResult<Message> {
    let Some(order_id) = message.work_order_id else {
        tracing::error!(outbox = message.id, %topic, "an outbox message names no work order");
        return Ok(Message::nothing());
    };
    let order = lookups.work_order(app, order_id).await?;
    let (category, category_en) = lookups.category(app, order.category_id).await?;
    let building = match order.building_id {
        Some(id) => lookups.building(app, id).await?,
        None => String::new(),
    };
    let lead = payload["lead_organisation_id"]
        .as_i64()
        .or(order.lead_organisation_id);
    let community = order.community_id;
    let audiences = lookups.audiences(app, community, topic).await?;
    let mut recipients = Vec::new();
    for audience in &audiences {
        recipients.extend(match audience {
            Audience::DutyOfficers => {
                let officers = lookups.office(app, *audience, community).await?;
                on_duty_among(app, community, officers).await?
            }
            Audience::Supervisors | Audience::Receptionists => {
                lookups.office(app, *audience, community).await?
            }
            Audience::LeadParty => match lead {
                Some(organisation) => lookups.members(app, organisation).await?,
                None => Vec::new(),
            },
            Audience::CoHandlers => {
                let mut members = Vec::new();
                for organisation in app.store.co_handlers(order.id).await? {
                    members.extend(lookups.members(app, organisation).await?);
                }
                members
            }
            Audience::Reporter => order.reporter_id.into_iter().collect(),
            Audience::Followers => app.store.followers(order.id).await?,
        });
    }
    recipients.sort_unstable();
    recipients.dedup();
    let mut phones = Vec::new();
    if wants_phones {
        phones = lookups.phones_of(app, &recipients).await?;
        // A guest reporter has no inbox; SMS is how the rule reaches them.
        if audiences.contains(&Audience::Reporter)
            && order.reporter_id.is_none()
            && let Some(phone) = order.guest_phone.clone()
        {
            phones.push(phone);
        }
    }
    let key = format!(
        "notify.{}",
        topic
            .as_str()
            .strip_prefix("work_order.")
            .unwrap_or("other")
    );
    let lead_name = match lead {
        Some(organisation) => lookups.organisation(app, organisation).await?,
        None => String::new(),
    };
    let args = vec![
        ("number", order.number.to_string()),
        ("category", category),
        ("category_en", category_en),
        ("building", building),
        ("lead", lead_name),
    ];
    Ok(Message {
        number: order.number,
        phones,
        text: app.texts.text(&key, &args).trim().to_owned(),
        key,
        args,
        recipients,
    })
}

/// An announcement to the office: its text, to the office's people the rule names.
async fn describe_announcement(
    app: &App,
    lookups: &mut Lookups,
    message: &OutboxRow,
    topic: Topic,
    payload: &Value,
    wants_phones: bool,
) -> AppResult<Message> {
    let Some(community) = message.community_id else {
        tracing::error!(outbox = message.id, %topic, "an outbox message names no community");
        return Ok(Message::nothing());
    };
    let mut recipients = Vec::new();
    for audience in lookups.audiences(app, community, topic).await? {
        recipients.extend(lookups.office(app, audience, community).await?);
    }
    recipients.sort_unstable();
    recipients.dedup();
    let phones = if wants_phones {
        lookups.phones_of(app, &recipients).await?
    } else {
        Vec::new()
    };
    let args = vec![
        (
            "author",
            payload["author"].as_str().unwrap_or_default().to_owned(),
        ),
        (
            "text",
            payload["text"].as_str().unwrap_or_default().to_owned(),
        ),
    ];
    let key = "notify.office_announcement".to_owned();
    Ok(Message {
        number: 0,
        text: app.texts.text(&key, &args).trim().to_owned(),
        key,
        args,
        recipients,
        phones,
    })
}

/// A campaign's message: a pledge to its treasurer, an expense to its donors (read when
/// the message goes out, so a donor confirmed in between hears of it too).
async fn describe_fund(
    app: &App,
    lookups: &mut Lookups,
    topic: Topic,
    payload: &Value,
    wants_phones: bool,
) -> AppResult<Message> {
    let campaign = payload["campaign_id"].as_i64().unwrap_or_default();
    let recipients = match topic {
        Topic::FundPledged => payload["treasurer_id"].as_i64().into_iter().collect(),
        _ => app.store.campaign_donors(campaign).await?,
    };
    let phones = if wants_phones {
        lookups.phones_of(app, &recipients).await?
    } else {
        Vec::new()
    };
    let text_of = |name: &str| payload[name].as_str().unwrap_or_default().to_owned();
    let yuan = crate::funds::yuan_text(payload["amount_fen"].as_i64().unwrap_or_default());
    let (key, args) = match topic {
        Topic::FundPledged => (
            "notify.fund_pledged",
            vec![
                ("title", text_of("title")),
                ("donor", text_of("donor")),
                ("amount", yuan),
            ],
        ),
        _ => (
            "notify.fund_spent",
            vec![
                ("title", text_of("title")),
                ("purpose", text_of("purpose")),
                ("amount", yuan),
            ],
        ),
    };
    Ok(Message {
        number: 0,
        text: app.texts.text(key, &args).trim().to_owned(),
        key: key.to_owned(),
        args,
        recipients,
        phones,
    })
}

/// A meeting's message to the people it names: invited, moved, called off. The time
/// is Shanghai's, as people read it ("11月5日 14:00").
async fn describe_meeting(
    app: &App,
    lookups: &mut Lookups,
    topic: Topic,
    payload: &Value,
    wants_phones: bool,
) -> AppResult<Message> {
    let (recipients, phones) = named_recipients(app, lookups, payload, wants_phones).await?;
    let text_of = |name: &str| payload[name].as_str().unwrap_or_default().to_owned();
    let when = payload["starts_at"]
        .as_str()
        .and_then(|at| chrono::DateTime::parse_from_rfc3339(at).ok())
        .map(|at| {
            at.with_timezone(&linli_domain::calendar::shanghai())
                .format("%-m月%-d日 %H:%M")
                .to_string()
        })
        .unwrap_or_default();
    let key = match topic {
        Topic::MeetingInvited => "notify.meeting_invited",
        Topic::MeetingMoved => "notify.meeting_moved",
        _ => "notify.meeting_cancelled",
    };
    let args = vec![
        ("title", text_of("title")),
        ("when", when),
        ("place", text_of("place")),
        ("reason", text_of("reason")),
    ];
    Ok(Message {
        number: 0,
        text: app.texts.text(key, &args).trim().to_owned(),
        key: key.to_owned(),
        args,
        recipients,
        phones,
    })
}

/// An urgent notice, to the people of its audience as they are when it goes out (the
/// audience is read from the notice, so a resident who moved in meanwhile hears of it).
async fn describe_urgent_notice(
    app: &App,
    lookups: &mut Lookups,
    payload: &Value,
    wants_phones: bool,
) -> AppResult<Message> {
    let id = payload["content_id"].as_i64().unwrap_or_default();
    let item = match app.store.content_item(id).await {
        Ok(item) => item,
        Err(linli_store::StoreError::NotFound(_)) => {
            tracing::error!(content = id, "an urgent notice that is not there");
            return Ok(Message::nothing());
        }
        Err(error) => return Err(error.into()),
    };
    let recipients = crate::content::audience_people(app, &item).await?;
    let phones = if wants_phones {
        lookups.phones_of(app, &recipients).await?
    } else {
        Vec::new()
    };
    let key = "notify.content_urgent_notice";
    let args = vec![
        ("organisation", item.organisation_name.clone()),
        ("title", item.title.clone()),
    ];
    Ok(Message {
        number: 0,
        text: app.texts.text(key, &args).trim().to_owned(),
        key: key.to_owned(),
        args,
        recipients,
        phones,
    })
}

/// What a channel is sent (before signing), kept with the delivery.
fn channel_body(app: &App, channel: &Channel, message: &OutboxRow, described: &Message) -> Value {
    let text = &described.text;
    match channel.kind.as_str() {
        "sms" => json!({ "phones": described.phones, "text": text }),
        "email" => json!({
            "to": super::mail::parse_addresses(&channel.url)
                .map(|(addresses, _)| addresses)
                .unwrap_or_default(),
            "subject": text,
            "text": format!("{text}\n\n{}", app.texts.text("notify.email_footer", &[])),
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

/// Outbox messages one round fans out, in one transaction.
pub const ROUND: usize = 100;

/// Fans out up to [`ROUND`] pending outbox messages; returns how many.
pub async fn fan_out_pending(app: &App) -> AppResult<usize> {
    let pending = app
        .store
        .outbox_to_fan_out(i64::try_from(ROUND).unwrap_or(i64::MAX))
        .await?;
    let mut lookups = Lookups::default();
    let mut ids: Vec<i64> = pending
        .iter()
        .filter_map(|message| message.work_order_id)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    lookups.work_orders = app
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
                .channels(app, community)
                .await?
                .into_iter()
                .filter(|channel| channel.wants(&message.topic))
                .collect(),
            None => Vec::new(),
        };
        let wants_phones = channels.iter().any(|channel| channel.kind == "sms");
        let described = describe(app, &mut lookups, message, wants_phones).await?;
        let text_args = (!described.key.is_empty()).then(|| {
            let args: serde_json::Map<String, Value> = described
                .args
                .iter()
                .map(|(name, value)| ((*name).to_owned(), json!(value)))
                .collect();
            json!({ "key": described.key, "args": args }).to_string()
        });
        let inbox: Vec<InboxMessage> = described
            .recipients
            .iter()
            .map(|person| InboxMessage {
                person: *person,
                body: described.text.clone(),
                text_args: text_args.clone(),
            })
            .collect();
        let deliveries: Vec<(i64, String)> = channels
            .iter()
            .filter(|_| !described.text.is_empty())
            .filter(|channel| channel.kind != "sms" || !described.phones.is_empty())
            .map(|channel| {
                (
                    channel.id,
                    channel_body(app, channel, message, &described).to_string(),
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
        app.store.fan_out(&fanned, app.clock.now()).await?;
    }
    Ok(pending.len())
}

/// A decision told to the one person it is about: a duty swap they asked for, or the
/// help they offered on a project. The payload names them and what the text says.
async fn describe_decision(
    app: &App,
    lookups: &mut Lookups,
    topic: Topic,
    payload: &Value,
    wants_phones: bool,
) -> AppResult<Message> {
    let (recipients, phones) = named_recipients(app, lookups, payload, wants_phones).await?;
    let text_of = |name: &str| payload[name].as_str().unwrap_or_default().to_owned();
    let key = format!(
        "notify.{}_{}",
        topic.as_str().replace('.', "_"),
        text_of("decision")
    );
    let args = vec![
        ("title", text_of("title")),
        ("when", text_of("when")),
        ("reason", text_of("reason")),
    ];
    Ok(Message {
        number: 0,
        text: app.texts.text(&key, &args).trim().to_owned(),
        key,
        args,
        recipients,
        phones,
    })
}

/// The people a message names itself (`person_ids`), with their phones when a channel
/// wants them.
async fn named_recipients(
    app: &App,
    lookups: &mut Lookups,
    payload: &Value,
    wants_phones: bool,
) -> AppResult<(Vec<i64>, Vec<String>)> {
    let recipients: Vec<i64> = payload["person_ids"]
        .as_array()
        .map(|people| people.iter().filter_map(Value::as_i64).collect())
        .unwrap_or_default();
    let phones = if wants_phones {
        lookups.phones_of(app, &recipients).await?
    } else {
        Vec::new()
    };
    Ok((recipients, phones))
}
