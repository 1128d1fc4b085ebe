//! The demo's work orders: a few months of realistic history in 城上城, and the story of
//! the article — work order 112 (高空抛物, 7号楼, taken at the desk for 包爷叔 and
//! dispatched to the property company) and 唐女士's complaint about cat food thrown from
//! upstairs in 9号楼 (113); then the joint meetings that turn both into projects
//! (`meetings`) and the crowdfunding of the TNR project (`funds`).
//!
//! Everything goes through the real HTTP API (in-process, no socket), as the demo people
//! themselves, on a clock set to each moment: the history is made of the same events a
//! real one would be.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use chrono::{DateTime, Duration, TimeZone, Utc};
use linli_domain::calendar::shanghai;
use linli_domain::clock::{Clock, ManualClock};
use linli_domain::ids::{CommunityId, PersonId, StreetId};
use linli_domain::registry::Login;
use linli_store::Store;
use linli_store::blobs::BlobStore;
use linli_store::passwords::{new_session_token, token_hash};
use linli_store::sessions::NewSession;
use linli_web::{AppState, WebConfig};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;
use tower::ServiceExt;

mod funds;
mod grids;
mod meetings;
mod partners;
mod roster;
mod services;
mod volunteers;

const STREET: &str = "芷江西路街道";
const COMMUNITY: &str = "城上城居民区";
/// Work orders before 112 in the story.
const HISTORY_BEFORE_112: u32 = 111;
/// Work orders after the story, up to today.
const HISTORY_AFTER: u32 = 140;

/// A small deterministic generator, so every demo tells the same history.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[usize::try_from(self.below(items.len() as u64)).unwrap_or_default()]
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

struct Demo {
    app: axum::Router,
    store: Store,
    community: i64,
    clock: ManualClock,
    tokens: HashMap<&'static str, String>,
    organisations: HashMap<String, i64>,
    buildings: HashMap<String, i64>,
}

impl Demo {
    async fn call(
        &self,
        login: &str,
        method: Method,
        path: &str,
        body: Value,
    ) -> anyhow::Result<Value> {
        let token = self
            .tokens
            .get(login)
            .ok_or_else(|| anyhow::anyhow!("no demo token for {login}"))?;
        let request = Request::builder()
            .method(method.clone())
            .uri(path)
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))?;
        let response = self.app.clone().oneshot(request).await?;
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), 1024 * 1024).await?;
        let value: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        if !(status == StatusCode::OK
            || status == StatusCode::CREATED
            || status == StatusCode::NO_CONTENT)
        {
            anyhow::bail!("demo step {method} {path} as {login} failed: {status} {value}");
        }
        Ok(value)
    }

    async fn act(&self, login: &str, id: i64, action: &str, body: Value) -> anyhow::Result<Value> {
        self.call(
            login,
            Method::POST,
            &format!("/api/v1/work-orders/{id}/actions/{action}"),
            body,
        )
        .await
    }

    fn at(&self, time: DateTime<Utc>) {
        self.clock.set(time);
    }

    /// A demo person's id, by login.
    async fn person(&self, login: &str) -> anyhow::Result<i64> {
        self.store
            .person_by_login(&Login::parse(login)?)
            .await?
            .map(|person| person.id)
            .ok_or_else(|| anyhow::anyhow!("demo person {login} is missing"))
    }
}

struct Kind {
    category: &'static str,
    lead: &'static str,
    handler: &'static str,
    texts: &'static [&'static str],
    weight: u64,
}

const PROPERTY: &str = "城上城物业服务中心";
const RESIDENTS_COMMITTEE: &str = "城上城居委会";
const OWNERS_COMMITTEE: &str = "城上城业委会";

const KINDS: &[Kind] = &[
    Kind {
        category: "high_altitude_throwing",
        lead: PROPERTY,
        handler: "wuye",
        weight: 10,
        texts: &[
            "楼上有人往下扔垃圾袋",
            "阳台上掉下花盆，差点砸到人",
            "楼下草坪经常有烟头和果皮",
        ],
    },
    Kind {
        category: "corridor_lighting",
        lead: PROPERTY,
        handler: "wuye",
        weight: 12,
        texts: &[
            "楼道灯不亮，晚上看不清台阶",
            "声控灯一直亮着不灭",
            "电梯厅的灯闪个不停",
        ],
    },
    Kind {
        category: "illegal_parking",
        lead: PROPERTY,
        handler: "wuye",
        weight: 14,
        texts: &[
            "消防通道被私家车占用",
            "电瓶车停在楼道里充电",
            "外来车辆长期占用车位",
        ],
    },
    Kind {
        category: "greenery",
        lead: PROPERTY,
        handler: "wuye",
        weight: 6,
        texts: &["树枝挡住了二楼窗户", "草坪很久没修剪了", "枯树有倒下的危险"],
    },
    Kind {
        category: "stray_animals",
        lead: RESIDENTS_COMMITTEE,
        handler: "juwei",
        weight: 8,
        texts: &[
            "流浪猫越来越多，晚上叫得睡不着",
            "有人在楼下喂流浪狗，到处是狗粪",
            "楼上往下扔猫粮",
        ],
    },
    Kind {
        category: "noise",
        lead: RESIDENTS_COMMITTEE,
        handler: "juwei",
        weight: 10,
        texts: &[
            "楼上装修周末一早就开始打钻",
            "广场舞音响太响",
            "深夜楼上拖椅子的声音",
        ],
    },
    Kind {
        category: "sanitation",
        lead: PROPERTY,
        handler: "wuye",
        weight: 10,
        texts: &["垃圾箱房没有按时清运", "楼道里堆满了杂物", "小区河道有异味"],
    },
    Kind {
        category: "repairs",
        lead: PROPERTY,
        handler: "wuye",
        weight: 14,
        texts: &["单元门禁坏了", "电梯按钮失灵", "雨水管破裂漏水"],
    },
    Kind {
        category: "neighbour_dispute",
        lead: RESIDENTS_COMMITTEE,
        handler: "juwei",
        weight: 4,
        texts: &["楼上卫生间漏水到我家，协商不成", "邻居在公共走廊装了鞋柜"],
    },
    Kind {
        category: "other",
        lead: OWNERS_COMMITTEE,
        handler: "yewei",
        weight: 5,
        texts: &["想了解维修基金的使用情况", "建议增加小区充电桩"],
    },
];

fn pick_kind(dice: &mut Dice) -> &'static Kind {
    let total: u64 = KINDS.iter().map(|kind| kind.weight).sum();
    let mut roll = dice.below(total);
    for kind in KINDS {
        if roll < kind.weight {
            return kind;
        }
        roll -= kind.weight;
    }
    &KINDS[0]
}

fn local(year: i32, month: u32, day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
    shanghai()
        .with_ymd_and_hms(year, month, day, hour, minute, 0)
        .single()
        .map_or_else(Utc::now, |time| time.with_timezone(&Utc))
}

/// Creates one past work order at `reported` and takes it as far as its age allows.
async fn history_order(
    demo: &Demo,
    dice: &mut Dice,
    reported: DateTime<Utc>,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let kind = pick_kind(dice);
    let text = *dice.pick(kind.texts);
    let building = (dice.below(22) + 1).to_string();
    let building_id = demo.buildings.get(&building).copied();
    demo.at(reported);
    let created = if dice.chance(25) {
        // A walk-in at the desk, for a neighbour without an account.
        let names = ["王阿婆", "陈老伯", "赵阿姨", "孙先生", "周阿姨"];
        demo.call("desk", Method::POST, "/api/v1/work-orders", json!({
            "category": kind.category, "description": format!("{building}号楼：{text}"), "building_id": building_id,
            "guest_name": dice.pick(&names), "channel": if dice.chance(30) { "phone" } else { "walk_in" },
        }))
        .await?
    } else {
        let reporter = *dice.pick(&["bao", "tang", "li"]);
        demo.call(reporter, Method::POST, "/api/v1/work-orders", json!({
            "category": kind.category, "description": format!("{building}号楼：{text}"), "building_id": building_id,
        }))
        .await?
    };
    let id = created["id"].as_i64().unwrap_or_default();
    // Reporters with an account answer themselves; the desk calls the others back.
    let reporter = [("bao", "包爷叔"), ("tang", "唐女士"), ("li", "小李")]
        .into_iter()
        .find(|(_, name)| {
            created["channel"] == "app" && created["reporter"]["name"].as_str() == Some(name)
        })
        .map(|(login, _)| login);
    let mut time = reported;
    let mut step = |dice: &mut Dice, minutes: u64| {
        time +=
            Duration::minutes(i64::try_from(minutes + dice.below(minutes.max(1))).unwrap_or(60));
        time
    };
    let lead = demo
        .organisations
        .get(kind.lead)
        .copied()
        .unwrap_or_default();
    let dispatch_at = step(dice, 30);
    if dispatch_at > now {
        return Ok(());
    }
    demo.at(dispatch_at);
    demo.act("duty", id, "dispatch", json!({ "lead_organisation_id": lead, "priority": if dice.chance(10) { "urgent" } else { "normal" } })).await?;
    // Some are never signed for in time: they make the overdue counts.
    let slow = dice.chance(15);
    let sign_at = step(dice, if slow { 600 } else { 45 });
    if sign_at > now {
        return Ok(());
    }
    demo.at(sign_at);
    demo.act(kind.handler, id, "sign", json!({})).await?;
    if dice.chance(10) {
        let reply_at = step(dice, 120);
        if reply_at > now {
            return Ok(());
        }
        demo.at(reply_at);
        demo.act(
            kind.handler,
            id,
            "reply",
            json!({ "text": "已安排人员到现场查看" }),
        )
        .await?;
    }
    let slow = dice.chance(12);
    let resolve_at = step(dice, if slow { 60 * 24 * 9 } else { 60 * 20 });
    if resolve_at > now {
        return Ok(());
    }
    demo.at(resolve_at);
    demo.act(
        kind.handler,
        id,
        "resolve",
        json!({ "text": "已处理完毕，请验收" }),
    )
    .await?;
    let answer_at = step(dice, 60 * 12);
    if answer_at > now {
        return Ok(());
    }
    demo.at(answer_at);
    match reporter {
        Some(reporter) if dice.chance(12) => {
            demo.act(
                reporter,
                id,
                "reject",
                json!({ "text": "问题还在，没有解决" }),
            )
            .await?;
            let again_at = step(dice, 60 * 24);
            if again_at > now {
                return Ok(());
            }
            demo.at(again_at);
            demo.act(kind.handler, id, "resolve", json!({ "text": "已再次处理" }))
                .await?;
            let final_at = step(dice, 60 * 6);
            if final_at <= now {
                demo.at(final_at);
                demo.act(
                    reporter,
                    id,
                    "accept",
                    json!({ "rating": 3 + dice.below(2) }),
                )
                .await?;
            }
        }
        Some(reporter) => {
            let rating = *dice.pick(&[5, 5, 5, 4, 4, 3, 2]);
            demo.act(reporter, id, "accept", json!({ "rating": rating }))
                .await?;
        }
        None => {
            let rating = *dice.pick(&[5, 5, 4, 4, 3]);
            demo.act(
                "desk",
                id,
                "return_visit",
                json!({ "accepted": true, "rating": rating, "text": "电话回访，居民表示满意" }),
            )
            .await?;
        }
    }
    Ok(())
}

/// Issues a session for each demo person, valid on the demo clock.
async fn demo_tokens(
    store: &Store,
    clock: &ManualClock,
) -> anyhow::Result<HashMap<&'static str, String>> {
    let mut tokens = HashMap::new();
    for login in [
        "desk", "duty", "wuye", "juwei", "yewei", "shuji", "bao", "tang", "li",
    ] {
        let person = store
            .person_by_login(&Login::parse(login)?)
            .await?
            .ok_or_else(|| anyhow::anyhow!("demo person {login} is missing"))?;
        let token = new_session_token()?;
        store
            .create_session(
                NewSession {
                    person: PersonId(person.id),
                    token_hash: &token_hash(&token),
                    expires_at: clock.now() + Duration::days(3650),
                    client_ip: None,
                    user_agent: Some("linli demo loader"),
                },
                clock.now(),
            )
            .await?;
        tokens.insert(login, token);
    }
    Ok(tokens)
}

/// Loads the story into 城上城 unless it already has work orders. `today` is the end of
/// the history (the real clock's now).
pub async fn load(
    store: &Store,
    blobs: Arc<dyn BlobStore>,
    today: DateTime<Utc>,
) -> anyhow::Result<bool> {
    let Some(street) = store.street_by_name(STREET).await? else {
        return Ok(false);
    };
    let Some(community) = store
        .community_by_name(StreetId(street.id), COMMUNITY)
        .await?
    else {
        return Ok(false);
    };
    let community_id = CommunityId(community.id);
    if store.work_order_by_number(community_id, 1).await.is_ok() {
        return Ok(false);
    }
    // The joint office's phone, printed on the slips the desk hands out (a made-up number).
    store
        .set_office_phone(community_id, Some("021-62580110"))
        .await?;
    let story_day = local(2026, 10, 27, 9, 40).min(today - Duration::days(1));
    let history_start = story_day - Duration::days(120);
    let clock = ManualClock::new(history_start);
    let state = AppState::new(
        store.clone(),
        Arc::new(clock.clone()),
        WebConfig {
            demo_mode: true,
            ..WebConfig::default()
        },
        blobs,
    );
    let jobs = state.clone();
    let demo = Demo {
        app: linli_web::router(state),
        store: store.clone(),
        community: community.id,
        tokens: demo_tokens(store, &clock).await?,
        organisations: store
            .organisations(community_id)
            .await?
            .into_iter()
            .map(|organisation| (organisation.name, organisation.id))
            .collect(),
        buildings: store
            .buildings(community_id)
            .await?
            .into_iter()
            .map(|building| (building.number, building.id))
            .collect(),
        clock,
    };
    let mut dice = Dice(0x5EED_C0DE_1127);
    let spacing = (story_day - history_start) / i32::try_from(HISTORY_BEFORE_112 + 1).unwrap_or(1);
    for index in 0..HISTORY_BEFORE_112 {
        let jitter = Duration::minutes(i64::try_from(dice.below(600)).unwrap_or_default());
        let reported = history_start + spacing * i32::try_from(index).unwrap_or_default() + jitter;
        history_order(&demo, &mut dice, reported, story_day).await?;
    }

    // 27 October: 包爷叔 walks into the joint office about things thrown from height in
    // 7号楼; 汤守英 logs the visit and 张承一 dispatches work order 112 to 刘岭春.
    demo.at(story_day);
    let bao = store
        .person_by_login(&Login::parse("bao")?)
        .await?
        .map(|person| person.id);
    let building_7 = demo.buildings.get("7").copied();
    let visit = demo.call("desk", Method::POST, "/api/v1/visits", json!({
        "visitor_name": "包爷叔", "person_id": bao, "building_id": building_7, "room_text": "7-1-302",
        "matter": "7号楼高空抛物，气呼呼地来反映", "outcome": "已带到值班负责人张承一处，生成工单",
    })).await?;
    demo.at(story_day + Duration::minutes(12));
    let order_112 = demo.call("desk", Method::POST, "/api/v1/work-orders", json!({
        "category": "high_altitude_throwing",
        "description": "7号楼高空抛物：楼上经常往下扔垃圾和杂物，楼下行人很危险，希望物业查清楚并加装监控。",
        "reporter_id": bao, "building_id": building_7, "channel": "walk_in", "visit_id": visit["id"],
    })).await?;
    let id_112 = order_112["id"].as_i64().unwrap_or_default();
    demo.at(story_day + Duration::minutes(20));
    demo.act("duty", id_112, "dispatch", json!({
        "lead_organisation_id": demo.organisations.get(PROPERTY), "text": "请物业经理刘岭春尽快查看7号楼情况",
    })).await?;
    // 唐女士 of 9号楼 reports from her phone: cat food thrown from upstairs.
    demo.at(story_day + Duration::hours(2));
    let order_113 = demo.call("tang", Method::POST, "/api/v1/work-orders", json!({
        "category": "stray_animals",
        "description": "9号楼有人从楼上往下扔猫粮，楼下全是猫粮和流浪猫，气味很大，晾的衣服也被弄脏。",
    })).await?;
    let id_113 = order_113["id"].as_i64().unwrap_or_default();

    let after_start = story_day + Duration::hours(3);
    let spacing = (today - after_start) / i32::try_from(HISTORY_AFTER + 1).unwrap_or(1);
    for index in 0..HISTORY_AFTER {
        let jitter = Duration::minutes(i64::try_from(dice.below(300)).unwrap_or_default());
        let reported = after_start + spacing * i32::try_from(index).unwrap_or_default() + jitter;
        history_order(&demo, &mut dice, reported.min(today), today).await?;
    }
    // The meetings and projects, then the crowdfunding: told on the clock of their own
    // days, after the history (the figures count each event on its own day).
    let projects = meetings::tell(&demo, id_112, id_113, today).await?;
    if let Some(tnr) = projects.tnr {
        funds::tell(&demo, tnr, &projects.tnr_vendor, today).await?;
    }
    partners::tell(&demo, &projects, today).await?;
    demo.at(today);
    roster::tell(&demo, today).await?;
    roster::charter(&demo).await?;
    services::tell(&demo).await?;
    grids::tell(&demo).await?;
    volunteers::tell(&demo, today).await?;
    // Everyone's inbox gets the story's messages now, and those older than two days are
    // read already: a person signing in to the demo finds the last days' news, not
    // months of it unread.
    while linli_app::notifications::fanout::fan_out_pending(&jobs).await? > 0 {}
    store.mark_read_before(today - Duration::days(2)).await?;
    Ok(true)
}
