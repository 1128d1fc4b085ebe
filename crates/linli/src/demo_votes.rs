//! The demo's owners' votes (业主表决) in 7号楼 of 城上城: after 包爷叔's complaint about
//! things thrown from upstairs and the joint meeting's decision, the 业委会 asked 7号楼's
//! owners whether to spend the estate's public income (公共收益) on cameras (31 October –
//! 12 November, before they went up) — closed, approved, its figures published
//! — and now asks them about renewing the lifts with the repair fund (open: 包爷叔 has not
//! voted yet, so a visitor can vote as him in large-font mode).
//!
//! The registry gets what a real one would hold: each room's floor area and its owners of
//! record (a few flats owned by couples, two owners of two flats each). Everything else
//! goes through the real HTTP API as the demo people, on a clock set to each moment.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use chrono::{DateTime, Duration, TimeZone, Utc};
use linli_domain::calendar::shanghai;
use linli_domain::clock::ManualClock;
use linli_domain::ids::{CommunityId, PersonId, RoomId, StreetId};
use linli_domain::registry::{Login, Name, RoomRelation};
use linli_domain::roles::{Grant, Role, Scope};
use linli_store::Store;
use linli_store::blobs::BlobStore;
use linli_store::passwords::{hash_password_async, new_session_token, token_hash};
use linli_store::people::{NewPerson, Registration};
use linli_store::sessions::NewSession;
use linli_web::{AppState, WebConfig};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;
use tower::ServiceExt;

const STREET: &str = "芷江西路街道";
const COMMUNITY: &str = "城上城居民区";
const BUILDING: &str = "7";
const OPTIONS: [&str; 3] = ["同意", "不同意", "弃权"];

const SURNAMES: [&str; 20] = [
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "林", "罗", "沈",
];
const GIVEN: [&str; 24] = [
    "建国", "秀英", "志强", "丽华", "国平", "桂英", "卫东", "玉兰", "海峰", "美玲", "伟民", "静",
    "敏", "磊", "佩华", "德明", "雪芳", "永康", "慧娟", "文斌", "小红", "建华", "凤英", "立新",
];

/// A small deterministic generator, so every demo tells the same story.
struct Dice(u64);

impl Dice {
    fn below(&mut self, n: u64) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n.max(1)
    }

    fn name(&mut self) -> String {
        let surname = SURNAMES[usize::try_from(self.below(20)).unwrap_or_default()];
        let given = GIVEN[usize::try_from(self.below(24)).unwrap_or_default()];
        format!("{surname}{given}")
    }
}

/// The demo's callers: the router over a clock of the story, and the people's sessions
/// (each started on the story's clock, renewed before it would end for lack of use).
pub(crate) struct Caller {
    pub(crate) app: axum::Router,
    pub(crate) store: Store,
    pub(crate) clock: ManualClock,
    pub(crate) tokens: std::sync::Mutex<HashMap<i64, (String, DateTime<Utc>)>>,
}

impl Caller {
    async fn send(&self, person: i64, request: Request<Body>) -> anyhow::Result<Value> {
        let (method, path) = (request.method().clone(), request.uri().to_string());
        let response = self.app.clone().oneshot(request).await?;
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), 4 * 1024 * 1024).await?;
        let value: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        if !(status == StatusCode::OK || status == StatusCode::CREATED) {
            anyhow::bail!("demo step {method} {path} as person {person} failed: {status} {value}");
        }
        Ok(value)
    }

    /// A session of `person` that is valid now on the story's clock.
    async fn token(&self, person: i64) -> anyhow::Result<String> {
        let now = self.clock_now();
        let kept = self
            .tokens
            .lock()
            .map_err(|_| anyhow::anyhow!("demo sessions poisoned"))?
            .get(&person)
            .filter(|(_, started)| (now - *started).abs() < Duration::days(7))
            .map(|(token, _)| token.clone());
        if let Some(token) = kept {
            return Ok(token);
        }
        let token = session(&self.store, person, now).await?;
        self.tokens
            .lock()
            .map_err(|_| anyhow::anyhow!("demo sessions poisoned"))?
            .insert(person, (token.clone(), now));
        Ok(token)
    }

    pub(crate) async fn call(
        &self,
        person: i64,
        method: Method,
        path: &str,
        body: Value,
    ) -> anyhow::Result<Value> {
        let request = Request::builder()
            .method(method)
            .uri(path)
            .header(
                header::AUTHORIZATION,
                format!("Bearer {}", self.token(person).await?),
            )
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))?;
        self.send(person, request).await
    }

    /// The desk enters a paper ballot with its scan (multipart, as a browser sends it).
    async fn paper(
        &self,
        desk: i64,
        vote: i64,
        room: i64,
        option: i64,
        scan: &[u8],
    ) -> anyhow::Result<Value> {
        let boundary = "linli-demo-ballot-boundary";
        let mut body = Vec::new();
        for (name, value) in [("room_id", room), ("option_id", option)] {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                    .as_bytes(),
            );
        }
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"scan\"; filename=\"ballot.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n")
                .as_bytes(),
        );
        body.extend_from_slice(scan);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let request = Request::builder()
            .method(Method::POST)
            .uri(format!("/api/v1/votes/{vote}/paper-ballots"))
            .header(
                header::AUTHORIZATION,
                format!("Bearer {}", self.token(desk).await?),
            )
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(Body::from(body))?;
        self.send(desk, request).await
    }
}

/// A paper ballot as a phone photographs it: a light sheet with lines of print and a
/// tick in one of three boxes.
fn scan_of(choice: usize) -> anyhow::Result<Vec<u8>> {
    let (width, height) = (480_u32, 640_u32);
    let mut sheet = image::RgbImage::from_pixel(width, height, image::Rgb([236, 234, 228]));
    let ink = image::Rgb([40, 40, 48]);
    for line in 0..12_u32 {
        let y = 60 + line * 24;
        let length = 300 + (line * 37) % 120;
        for x in 60..60 + length {
            for dy in 0..3 {
                sheet.put_pixel(x, y + dy, ink);
            }
        }
    }
    for (index, top) in [400_u32, 460, 520].into_iter().enumerate() {
        for offset in 0..30 {
            for (x, y) in [
                (80 + offset, top),
                (80 + offset, top + 29),
                (80, top + offset),
                (109, top + offset),
            ] {
                sheet.put_pixel(x, y, ink);
            }
        }
        if index == choice {
            for step in 0..26 {
                sheet.put_pixel(84 + step, top + 4 + step, ink);
                sheet.put_pixel(84 + step, top + 29 - step.min(25), ink);
            }
        }
    }
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(sheet).write_to(&mut out, image::ImageFormat::Jpeg)?;
    Ok(out.into_inner())
}

fn local(year: i32, month: u32, day: u32, hour: u32) -> DateTime<Utc> {
    shanghai()
        .with_ymd_and_hms(year, month, day, hour, 0, 0)
        .single()
        .map_or_else(Utc::now, |time| time.with_timezone(&Utc))
}

/// A Shanghai clock hour on the day of `time`.
pub(crate) fn at_hour(time: DateTime<Utc>, hour: u32) -> DateTime<Utc> {
    let day = time.with_timezone(&shanghai()).date_naive();
    shanghai()
        .from_local_datetime(&day.and_hms_opt(hour, 0, 0).unwrap_or_default())
        .single()
        .map_or(time, |local| local.with_timezone(&Utc))
}

/// A session for `person`, valid on the story's clock.
async fn session(store: &Store, person: i64, now: DateTime<Utc>) -> anyhow::Result<String> {
    let token = new_session_token()?;
    store
        .create_session(
            NewSession {
                person: PersonId(person),
                token_hash: &token_hash(&token),
                expires_at: now + Duration::days(3650),
                client_ip: None,
                user_agent: Some("linli demo loader"),
            },
            now,
        )
        .await?;
    Ok(token)
}

pub(crate) async fn person_of(store: &Store, login: &str) -> anyhow::Result<i64> {
    Ok(store
        .person_by_login(&Login::parse(login)?)
        .await?
        .ok_or_else(|| anyhow::anyhow!("demo person {login} is missing"))?
        .id)
}

/// Gives 7号楼's rooms their areas (through the API, as the administrator) and their
/// owners of record; answers the voters by room: `room → owners`.
async fn registry(
    store: &Store,
    caller: &Caller,
    admin: i64,
    community: CommunityId,
    building: i64,
    bao: i64,
) -> anyhow::Result<Vec<(i64, String, Vec<i64>)>> {
    let rooms = store
        .rooms_of_building(linli_domain::ids::BuildingId(building))
        .await?;
    let mut dice = Dice(0x7_B01D_1A6E);
    // Someone who cannot sign in: the demo's owners vote through sessions of the loader.
    let unusable = hash_password_async(new_session_token()?).await?;
    let mut owners_of: Vec<(i64, String, Vec<i64>)> = Vec::new();
    let mut previous: Option<i64> = None;
    for (index, room) in rooms.iter().enumerate() {
        // Flats 01 and 04 of a floor are the big ones.
        let area = match room.number.chars().last() {
            Some('1') => 8_951,
            Some('4') => 10_264,
            _ => 7_630,
        } + i64::try_from(dice.below(40)).unwrap_or_default();
        caller
            .call(
                admin,
                Method::PUT,
                &format!("/api/v1/rooms/{}/floor-area", room.id),
                json!({ "floor_area_hundredths_m2": area }),
            )
            .await?;
        let label = format!("{}-{}-{}", BUILDING, room.unit_number, room.number);
        if room.unit_number == "1" && room.number == "302" {
            owners_of.push((room.id, label, vec![bao]));
            continue;
        }
        // Two owners own two flats each, side by side.
        let second_flat = matches!(
            (room.unit_number.as_str(), room.number.as_str()),
            ("1", "102") | ("2", "1802")
        );
        let owners = match (second_flat, previous) {
            (true, Some(person)) => {
                let linked = store
                    .link_room(PersonId(person), RoomId(room.id), RoomRelation::Owner)
                    .await;
                match linked {
                    Ok(()) | Err(linli_store::StoreError::Conflict(_)) => {}
                    Err(other) => return Err(other.into()),
                }
                vec![person]
            }
            _ => {
                let couple = index % 5 == 2;
                let mut people = Vec::new();
                for partner in 0..if couple { 2 } else { 1 } {
                    let login = Login::parse(&format!(
                        "o{}-{}-{}{}",
                        BUILDING,
                        room.unit_number,
                        room.number,
                        if partner == 1 { "b" } else { "" }
                    ))?;
                    let name = Name::parse(&dice.name(), "display_name", 60)?;
                    if let Some(known) = store.person_by_login(&login).await? {
                        people.push(known.id);
                        continue;
                    }
                    let person = store
                        .register_person(
                            Registration {
                                person: NewPerson {
                                    login: &login,
                                    display_name: &name,
                                    phone: None,
                                    password_hash: &unusable,
                                },
                                community: Some(community),
                                grants: vec![Grant::new(
                                    Role::Resident,
                                    Scope::Community(community),
                                    None,
                                )?],
                                rooms: vec![(RoomId(room.id), RoomRelation::Owner)],
                                registered_by: None,
                            },
                            caller.clock_now(),
                        )
                        .await?;
                    people.push(person.id);
                }
                people
            }
        };
        previous = owners.first().copied();
        owners_of.push((room.id, label, owners));
    }
    Ok(owners_of)
}

impl Caller {
    fn clock_now(&self) -> DateTime<Utc> {
        linli_domain::clock::Clock::now(&self.clock)
    }

    pub(crate) fn at(&self, time: DateTime<Utc>) {
        self.clock.set(time);
    }
}

fn option_id(vote: &Value, label: &str) -> anyhow::Result<i64> {
    vote["options"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|option| option["label"] == label)
        .and_then(|option| option["id"].as_i64())
        .ok_or_else(|| anyhow::anyhow!("the demo vote has no option {label}"))
}

/// Loads the two votes into 城上城 unless it has votes already. `today` is the real
/// clock's now; a demo loaded before the story's days moves the closed vote earlier.
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
    if !store.votes(community_id).await?.is_empty() {
        return Ok(false);
    }
    let Some(building) = store
        .buildings(community_id)
        .await?
        .into_iter()
        .find(|building| building.number == BUILDING)
    else {
        return Ok(false);
    };
    // The cameras' vote: the joint meeting of 29 October decided on cameras paid from
    // the public income, which 7号楼's owners approve before they go up (16–18 November).
    let closes = local(2026, 11, 12, 20).min(at_hour(today - Duration::days(2), 20));
    let opens = at_hour(closes - Duration::days(12), 8);
    let set_up = at_hour(opens - Duration::days(1), 10);
    let clock = ManualClock::new(set_up);
    let state = AppState::new(
        store.clone(),
        Arc::new(clock.clone()),
        WebConfig {
            demo_mode: true,
            ..WebConfig::default()
        },
        blobs,
    );
    let (admin, yewei, desk, bao) = (
        person_of(store, "admin").await?,
        person_of(store, "yewei").await?,
        person_of(store, "desk").await?,
        person_of(store, "bao").await?,
    );
    let caller = Caller {
        app: linli_web::router(state),
        store: store.clone(),
        clock,
        tokens: std::sync::Mutex::new(HashMap::new()),
    };
    let voters = registry(store, &caller, admin, community_id, building.id, bao).await?;

    // 1. The cameras: 公共收益 spent on cameras for 7号楼 — an "other major matter",
    // more than half of the participating area and owners.
    let vote = caller
        .call(yewei, Method::POST, "/api/v1/votes", json!({
            "community_id": community.id, "building_id": building.id,
            "title": "使用公共收益为7号楼安装高空抛物监控探头",
            "description": "7号楼高空抛物屡禁不止（工单112等）。10月29日共治联席会决定以项目化运作安装监控探头，费用从小区公共收益列支。拟在7号楼外墙安装仰拍监控探头，由物业负责日常维护，录像保存30天，仅在发生高空抛物时调取。",
            "matter": "other", "options": OPTIONS, "opens_at": opens, "closes_at": closes,
        }))
        .await?;
    let vote_id = vote["id"].as_i64().unwrap_or_default();
    caller
        .call(
            yewei,
            Method::POST,
            &format!("/api/v1/votes/{vote_id}/open"),
            json!({}),
        )
        .await?;
    let mut dice = Dice(0xCA_3E_7A);
    let span = (closes - opens).num_minutes();
    let mut paper = Vec::new();
    for (index, (room, _, owners)) in voters.iter().enumerate() {
        // The second flat of an owner of two shares their first flat's ballot.
        if index > 0 && voters[index - 1].2 == *owners {
            continue;
        }
        let roll = dice.below(100);
        // About 84% take part; of them about four in five agree.
        if roll >= 84 {
            continue;
        }
        let choice = match dice.below(100) {
            0..=79 => 0,
            80..=93 => 1,
            _ => 2,
        };
        let when = opens
            + Duration::minutes(
                i64::try_from(dice.below(u64::try_from(span).unwrap_or(1))).unwrap_or(0),
            );
        // Elderly owners hand in paper ballots at the desk.
        if roll.is_multiple_of(5) {
            paper.push((when, *room, choice));
            continue;
        }
        caller.at(when);
        let voter = owners[usize::try_from(dice.below(owners.len() as u64)).unwrap_or(0)];
        let ballot = |label: &str| json!({ "option_id": option_id(&vote, label).unwrap_or_default(), "room_id": room });
        // A few change their minds before closing: the last ballot counts.
        if dice.below(12) == 0 {
            caller
                .call(
                    voter,
                    Method::POST,
                    &format!("/api/v1/votes/{vote_id}/ballots"),
                    ballot(OPTIONS[(choice + 1) % 3]),
                )
                .await?;
            caller.at(when + Duration::hours(20).min(closes - when - Duration::minutes(1)));
        }
        caller
            .call(
                voter,
                Method::POST,
                &format!("/api/v1/votes/{vote_id}/ballots"),
                ballot(OPTIONS[choice]),
            )
            .await?;
    }
    for (when, room, choice) in paper {
        caller.at(when);
        let option = option_id(&vote, OPTIONS[choice])?;
        caller
            .paper(desk, vote_id, room, option, &scan_of(choice)?)
            .await?;
    }

    // 2. The lifts: renewing 7号楼's two lifts with the repair fund — open now, about
    // half the owners have voted; 包爷叔 has not.
    let set_up = at_hour(today - Duration::days(5), 10);
    let opens = at_hour(today - Duration::days(3), 8);
    let closes = at_hour(today + Duration::days(11), 20);
    caller.at(set_up);
    let lifts = caller
        .call(yewei, Method::POST, "/api/v1/votes", json!({
            "community_id": community.id, "building_id": building.id,
            "title": "使用专项维修资金更新7号楼两部电梯",
            "description": "7号楼两部电梯已运行22年，今年故障停梯11次。拟使用7号楼分户账的专项维修资金约68万元更换两部电梯，工期约60天，期间分批停用。",
            "matter": "use_repair_fund", "options": OPTIONS, "opens_at": opens, "closes_at": closes,
        }))
        .await?;
    let lifts_id = lifts["id"].as_i64().unwrap_or_default();
    caller
        .call(
            yewei,
            Method::POST,
            &format!("/api/v1/votes/{lifts_id}/open"),
            json!({}),
        )
        .await?;
    let span = (today - opens).num_minutes().max(1);
    for (index, (room, _, owners)) in voters.iter().enumerate() {
        if owners.contains(&bao) || (index > 0 && voters[index - 1].2 == *owners) {
            continue;
        }
        if dice.below(100) >= 48 {
            continue;
        }
        let choice = usize::from(dice.below(100) >= 86);
        caller.at(opens
            + Duration::minutes(
                i64::try_from(dice.below(u64::try_from(span).unwrap_or(1))).unwrap_or(0),
            ));
        let voter = owners[usize::try_from(dice.below(owners.len() as u64)).unwrap_or(0)];
        caller
            .call(
                voter,
                Method::POST,
                &format!("/api/v1/votes/{lifts_id}/ballots"),
                json!({ "option_id": option_id(&lifts, OPTIONS[choice])?, "room_id": room }),
            )
            .await?;
    }
    Ok(true)
}
