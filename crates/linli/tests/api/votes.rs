//! Owners' votes (业主表决) through HTTP, on both engines: a vote set up by the 业委会,
//! refused while a room has no area, opened with its roll; owners voting from their
//! phones and changing their minds, co-owners sharing one ballot, one owner of two flats
//! counted once, a paper ballot entered by the desk with its scan; tenants, family
//! members and late ballots refused with nothing stored; who sees what while open and
//! after closing; the thresholds of 民法典 278 on the published count.

use crate::helpers::{Response, TestApp};
use chrono::{DateTime, Duration, Utc};
use linli_store::DatabaseUrl;
use reqwest::multipart::{Form, Part};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sqlx::Connection;

/// 30号楼 of a second estate of 城上城, with its owners:
/// - 101 (90.00 m²): 甲
/// - 102 (60.00 m²): 乙 and 丙 together
/// - 201 (80.00 m²) and 202 (70.00 m²): 丁 alone — one owner of 150 m²
/// - 301 (no area until the registry is completed, then 50.00 m²): 乙 alone
/// - 302 (30.00 m²): no owner of record
///
/// 小李 (`li`) rents 101 and 唐女士 (`tang`) lives in 102 with its owners (family).
pub(crate) struct Estate {
    community: i64,
    estate: i64,
    building: i64,
    pub(crate) rooms: std::collections::HashMap<&'static str, i64>,
}

pub(crate) async fn estate(app: &TestApp) -> Estate {
    let admin = app.token("admin").await;
    let community = app.chengshangcheng().await;
    let estate = app
        .post(
            &format!("/api/v1/communities/{community}/estates"),
            &admin,
            json!({ "name": "表决苑" }),
        )
        .await;
    let estate = estate.expect(StatusCode::CREATED)["id"].as_i64().unwrap();
    let building = app
        .post(
            &format!("/api/v1/communities/{community}/buildings"),
            &admin,
            json!({ "estate_id": estate, "number": "30" }),
        )
        .await;
    let building = building.expect(StatusCode::CREATED)["id"].as_i64().unwrap();
    let unit = app
        .post(
            &format!("/api/v1/buildings/{building}/units"),
            &admin,
            json!({ "number": "1" }),
        )
        .await;
    let unit = unit.expect(StatusCode::CREATED)["id"].as_i64().unwrap();
    let mut rooms = std::collections::HashMap::new();
    for (number, floor, area) in [
        ("101", 1, Some(9_000)),
        ("102", 1, Some(6_000)),
        ("201", 2, Some(8_000)),
        ("202", 2, Some(7_000)),
        ("301", 3, None),
        ("302", 3, Some(3_000)),
    ] {
        let room = app
            .post(
                &format!("/api/v1/units/{unit}/rooms"),
                &admin,
                json!({ "floor": floor, "number": number, "floor_area_hundredths_m2": area }),
            )
            .await;
        rooms.insert(
            number,
            room.expect(StatusCode::CREATED)["id"].as_i64().unwrap(),
        );
    }
    for (login, name, owned) in [
        ("vote.jia", "甲业主", vec!["101"]),
        ("vote.yi", "乙业主", vec!["102", "301"]),
        ("vote.bing", "丙业主", vec!["102"]),
        ("vote.ding", "丁业主", vec!["201", "202"]),
    ] {
        let owned: Vec<Value> = owned
            .iter()
            .map(|room| json!({ "room_id": rooms[room], "relation": "owner" }))
            .collect();
        app.post(
            &format!("/api/v1/communities/{community}/people"),
            &admin,
            json!({ "login": login, "display_name": name, "password": "vote-password-2026",
                    "roles": [{ "role": "resident" }], "rooms": owned }),
        )
        .await
        .expect(StatusCode::CREATED);
    }
    for (login, room, relation) in [("li", "101", "tenant"), ("tang", "102", "family")] {
        let person = app.person_id(login).await;
        app.post(
            &format!("/api/v1/people/{person}/rooms"),
            &admin,
            json!({ "room_id": rooms[room], "relation": relation }),
        )
        .await
        .expect(StatusCode::CREATED);
    }
    Estate {
        community,
        estate,
        building,
        rooms,
    }
}

pub(crate) async fn owner(app: &TestApp, login: &str) -> String {
    let signed = app.sign_in(login, "vote-password-2026").await;
    signed.expect(StatusCode::CREATED)["token"]
        .as_str()
        .unwrap()
        .to_owned()
}

const OPTIONS: [&str; 3] = ["同意", "不同意", "弃权"];

/// A draft of 30号楼 opening in an hour and closing in three days: its answer.
pub(crate) async fn draft(
    app: &TestApp,
    token: &str,
    place: &Estate,
    title: &str,
    matter: &str,
) -> Value {
    let now = app.clock.now_utc();
    let created = app
        .post(
            "/api/v1/votes",
            token,
            json!({ "community_id": place.community, "estate_id": place.estate, "building_id": place.building,
                    "title": title, "matter": matter, "options": OPTIONS,
                    "opens_at": now + Duration::hours(1), "closes_at": now + Duration::days(3) }),
        )
        .await;
    created.expect(StatusCode::CREATED).clone()
}

fn option(vote: &Value, label: &str) -> i64 {
    vote["options"]
        .as_array()
        .unwrap()
        .iter()
        .find(|option| option["label"] == label)
        .and_then(|option| option["id"].as_i64())
        .unwrap()
}

pub(crate) fn id(vote: &Value) -> i64 {
    vote["id"].as_i64().unwrap()
}

pub(crate) async fn ballot(
    app: &TestApp,
    token: &str,
    vote: &Value,
    label: &str,
    room: Option<i64>,
) -> Response {
    app.post(
        &format!("/api/v1/votes/{}/ballots", id(vote)),
        token,
        json!({ "option_id": option(vote, label), "room_id": room }),
    )
    .await
}

async fn seen(app: &TestApp, token: &str, vote: &Value) -> Value {
    let answer = app.get(&format!("/api/v1/votes/{}", id(vote)), token).await;
    answer.expect(StatusCode::OK).clone()
}

/// A JPEG as a phone camera makes it: the scan of a paper ballot.
fn scan() -> Vec<u8> {
    let image = image::DynamicImage::new_rgb8(120, 160);
    let mut jpeg = std::io::Cursor::new(Vec::new());
    image.write_to(&mut jpeg, image::ImageFormat::Jpeg).unwrap();
    jpeg.into_inner()
}

async fn paper(
    app: &TestApp,
    token: &str,
    vote: i64,
    room: Option<i64>,
    option: Option<i64>,
    scan: Option<Vec<u8>>,
) -> Response {
    let mut form = Form::new();
    if let Some(room) = room {
        form = form.text("room_id", room.to_string());
    }
    if let Some(option) = option {
        form = form.text("option_id", option.to_string());
    }
    if let Some(bytes) = scan {
        form = form.part("scan", Part::bytes(bytes).file_name("ballot.jpg"));
    }
    let response = app
        .client
        .post(app.url(&format!("/api/v1/votes/{vote}/paper-ballots")))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.json().await.unwrap_or(Value::Null);
    Response {
        status,
        body,
        headers,
    }
}

async fn ballot_rows(app: &TestApp, vote: i64) -> usize {
    app.store.ballots(vote).await.unwrap().len()
}

/// Runs one statement on the test database beside the server; its error, if any.
async fn raw_execute(app: &TestApp, sql: &'static str) -> Result<u64, sqlx::Error> {
    match &app.database.url {
        DatabaseUrl::Sqlite(path) => {
            let mut connection =
                sqlx::SqliteConnection::connect(&format!("sqlite:{}", path.display())).await?;
            sqlx::query(sql)
                .execute(&mut connection)
                .await
                .map(|done| done.rows_affected())
        }
        DatabaseUrl::Postgres(url) => {
            let mut connection = sqlx::PgConnection::connect(url).await?;
            sqlx::query(sql)
                .execute(&mut connection)
                .await
                .map(|done| done.rows_affected())
        }
    }
}

trait NowUtc {
    fn now_utc(&self) -> DateTime<Utc>;
}

impl NowUtc for linli_domain::clock::ManualClock {
    fn now_utc(&self) -> DateTime<Utc> {
        linli_domain::clock::Clock::now(self)
    }
}

both_engines! {
    async fn an_owners_vote_from_set_up_to_the_published_count(app: &TestApp) {
        let place = estate(app).await;
        let (yewei, shuji, desk, wuye, li, tang, admin) = (
            app.token("yewei").await, app.token("shuji").await, app.token("desk").await,
            app.token("wuye").await, app.token("li").await, app.token("tang").await, app.token("admin").await,
        );
        let (jia, yi, bing, ding) = (
            owner(app, "vote.jia").await, owner(app, "vote.yi").await,
            owner(app, "vote.bing").await, owner(app, "vote.ding").await,
        );
        let now = app.clock.now_utc();
        // 城上城 now has two estates: the vote must say which.
        app.post("/api/v1/votes", &yewei, json!({ "community_id": place.community, "title": "加装探头",
                "matter": "other", "options": OPTIONS, "opens_at": now, "closes_at": now + Duration::days(1) }))
            .await.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "vote.estate_required");
        // The property company does not run owners' votes.
        app.post("/api/v1/votes", &wuye, json!({ "community_id": place.community, "estate_id": place.estate,
                "title": "加装探头", "matter": "other", "options": OPTIONS, "opens_at": now, "closes_at": now + Duration::days(1) }))
            .await.expect_error(StatusCode::FORBIDDEN, "auth.forbidden");

        let vote = draft(app, &yewei, &place, "使用公共收益为30号楼安装高空抛物探头", "common_parts_use").await;
        assert_eq!(vote["phase"], "draft");
        assert_eq!(vote["needs_three_quarters"], true);
        let readiness = &vote["readiness"];
        assert_eq!(readiness["room_count"], 6);
        assert_eq!(readiness["missing_area"][0]["label"], "30号楼1单元301");
        assert_eq!(readiness["without_owner"][0]["label"], "30号楼1单元302");
        assert_eq!(readiness["voter_count"], Value::Null);

        // Room 301 has no area: the vote cannot open, and nothing is stored.
        let refused = app.post(&format!("/api/v1/votes/{}/open", id(&vote)), &yewei, json!({})).await;
        refused.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "vote.rooms_without_area");
        let message = refused.body["error"]["message"].as_str().unwrap();
        assert!(message.contains("30号楼1单元301") && message.contains("面积"), "{message}");
        assert_eq!(seen(app, &yewei, &vote).await["phase"], "draft");
        assert!(app.store.vote_voters(id(&vote)).await.unwrap().is_empty(), "no roll was written");
        // Nor may a resident or the desk open it.
        app.post(&format!("/api/v1/votes/{}/open", id(&vote)), &jia, json!({})).await
            .expect_error(StatusCode::FORBIDDEN, "auth.forbidden");

        // The registry is completed; the vote opens with its roll.
        app.request(Method::PUT, &format!("/api/v1/rooms/{}/floor-area", place.rooms["301"]), Some(&admin),
                Some(json!({ "floor_area_hundredths_m2": 5_000 }))).await.expect(StatusCode::OK);
        let opened = app.post(&format!("/api/v1/votes/{}/open", id(&vote)), &yewei, json!({})).await;
        let opened = opened.expect(StatusCode::OK).clone();
        assert_eq!(opened["phase"], "scheduled");
        let turnout = &opened["turnout"];
        // 甲, 乙丙, 丁 (two flats, one owner), 乙 (301 alone), and 302 without an owner.
        assert_eq!((turnout["total_owners"].as_i64(), turnout["total_area_cm2"].as_i64()), (Some(5), Some(3_800_000)));
        assert_eq!(opened["roll"].as_array().unwrap().len(), 5);
        app.post(&format!("/api/v1/votes/{}/open", id(&vote)), &yewei, json!({})).await
            .expect_error(StatusCode::CONFLICT, "vote.not_draft");
        ballot(app, &jia, &vote, "同意", None).await.expect_error(StatusCode::CONFLICT, "vote.not_open");

        app.clock.advance(Duration::hours(2));
        ballot(app, &jia, &vote, "同意", None).await.expect(StatusCode::CREATED);
        ballot(app, &yi, &vote, "不同意", Some(place.rooms["102"])).await.expect(StatusCode::CREATED);
        // 丙 owns 102 with 乙: one ballot between them, and the last one counts.
        let changed = ballot(app, &bing, &vote, "同意", None).await;
        let mine = &changed.expect(StatusCode::CREATED)["vote"]["mine"][0];
        assert_eq!((mine["choice_option_id"].as_i64(), mine["ballots"].as_i64()), (Some(option(&vote, "同意")), Some(2)));
        // 乙 votes for two homes separately, so must say which.
        ballot(app, &yi, &vote, "弃权", None).await.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "vote.room_required");
        ballot(app, &yi, &vote, "弃权", Some(place.rooms["101"])).await
            .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "vote.room_not_yours");
        ballot(app, &yi, &vote, "弃权", Some(place.rooms["301"])).await.expect(StatusCode::CREATED);
        ballot(app, &ding, &vote, "不同意", None).await.expect(StatusCode::CREATED);
        let before = ballot_rows(app, id(&vote)).await;
        // Tenants and family members are not on the roll: refused, nothing stored.
        ballot(app, &li, &vote, "同意", None).await.expect_error(StatusCode::FORBIDDEN, "vote.not_an_owner");
        ballot(app, &tang, &vote, "同意", Some(place.rooms["102"])).await.expect_error(StatusCode::FORBIDDEN, "vote.not_an_owner");
        app.post(&format!("/api/v1/votes/{}/ballots", id(&vote)), &jia, json!({ "option_id": 999_999 })).await
            .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "vote.option_unknown");
        assert_eq!(ballot_rows(app, id(&vote)).await, before);

        // While open, the 业委会 and the supervisor see who voted, never how.
        for token in [&yewei, &shuji] {
            let watched = seen(app, token, &vote).await;
            assert_eq!(watched["runs"], true);
            let turnout = &watched["turnout"];
            assert_eq!((turnout["participating_owners"].as_i64(), turnout["participating_area_cm2"].as_i64()), (Some(4), Some(3_500_000)));
            assert_eq!((turnout["online_ballots"].as_i64(), turnout["paper_ballots"].as_i64()), (Some(4), Some(0)));
            let roll = watched["roll"].as_array().unwrap();
            let jia_entry = roll.iter().find(|entry| entry["owners"] == json!(["甲业主"])).unwrap();
            assert_eq!(jia_entry["voted"], true);
            let nobody = roll.iter().find(|entry| entry["owners"] == json!([])).unwrap();
            assert_eq!(nobody["voted"], false);
            assert_eq!(watched["result"], Value::Null, "no counts while open");
            assert!(!watched.to_string().contains("choice"), "how anyone voted: {watched}");
        }
        // The desk sees the roll's rooms only; a resident only their own ballot.
        let at_desk = seen(app, &desk, &vote).await;
        assert_eq!((at_desk["runs"].as_bool(), at_desk["enters_paper"].as_bool()), (Some(false), Some(true)));
        assert_eq!(at_desk["roll"][0]["owners"], Value::Null);
        assert_eq!(at_desk["roll"][0]["voted"], Value::Null);
        assert_eq!(at_desk["turnout"], Value::Null);
        for (token, own) in [(&jia, 1), (&tang, 0), (&li, 0)] {
            let resident = seen(app, token, &vote).await;
            assert_eq!(resident["mine"].as_array().unwrap().len(), own);
            assert_eq!((resident["roll"].clone(), resident["turnout"].clone(), resident["result"].clone()), (Value::Null, Value::Null, Value::Null));
            let text = resident.to_string();
            for private in ["乙业主", "丙业主", "丁业主", "30号楼1单元201", "30号楼1单元102"] {
                assert!(!text.contains(private), "{private} shown to a resident: {text}");
            }
        }
        // Another community's people do not see it at all.
        let zhou = app.token("zhou").await;
        app.get(&format!("/api/v1/votes/{}", id(&vote)), &zhou).await.expect_error(StatusCode::NOT_FOUND, "vote.not_found");
        app.get(&format!("/api/v1/votes?community_id={}", place.community), &zhou).await
            .expect_error(StatusCode::FORBIDDEN, "auth.forbidden");
        let listed = app.get(&format!("/api/v1/votes?community_id={}", place.community), &tang).await;
        assert_eq!(listed.expect(StatusCode::OK)[0]["phase"], "open");

        // 丁 changes his mind on paper at the desk: the scan is kept with the desk's name.
        let ding_room = Some(place.rooms["201"]);
        let agree = Some(option(&vote, "同意"));
        paper(app, &desk, id(&vote), ding_room, agree, None).await.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "vote.scan_required");
        paper(app, &desk, id(&vote), ding_room, agree, Some(b"%PDF-1.4 not a photo".to_vec())).await
            .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "photo.not_an_image");
        paper(app, &desk, id(&vote), Some(place.rooms["302"]), agree, Some(scan())).await
            .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "vote.room_without_owner");
        let elsewhere = app.store.room_by_address(linli_domain::ids::CommunityId(place.community), "7", "1", "302").await.unwrap().id;
        paper(app, &desk, id(&vote), Some(elsewhere), agree, Some(scan())).await
            .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "vote.room_not_on_roll");
        paper(app, &desk, id(&vote), ding_room, None, Some(scan())).await
            .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "validation.required");
        paper(app, &jia, id(&vote), ding_room, agree, Some(scan())).await.expect_error(StatusCode::FORBIDDEN, "auth.forbidden");
        let entered = paper(app, &desk, id(&vote), ding_room, agree, Some(scan())).await;
        let entered = entered.expect(StatusCode::CREATED).clone();
        let ballot_id = entered["ballot_id"].as_i64().unwrap();
        let papers = &entered["vote"]["paper_ballots"];
        assert_eq!(papers[0]["entered_by_name"], "汤守英");
        assert_eq!(papers[0]["rooms"], json!(["30号楼1单元201", "30号楼1单元202"]));
        let scan_path = format!("/api/v1/votes/{}/ballots/{ballot_id}/scan", id(&vote));
        let fetched = app.get(&scan_path, &desk).await;
        assert_eq!(fetched.status, StatusCode::OK);
        assert_eq!(fetched.headers["content-type"], "image/jpeg");
        // The scan shows how 丁 voted: not to the 业委会 while open, never to residents.
        app.get(&scan_path, &yewei).await.expect_error(StatusCode::NOT_FOUND, "vote.scan_not_found");
        app.get(&scan_path, &ding).await.expect_error(StatusCode::NOT_FOUND, "vote.scan_not_found");
        let ding_sees = seen(app, &ding, &vote).await;
        assert_eq!((ding_sees["mine"][0]["channel"].as_str(), ding_sees["mine"][0]["choice_option_id"].as_i64()), (Some("paper"), agree));
        let turnout = seen(app, &yewei, &vote).await["turnout"].clone();
        assert_eq!((turnout["online_ballots"].as_i64(), turnout["paper_ballots"].as_i64()), (Some(3), Some(1)));

        // After closing: no more ballots, and the count is published to the community.
        app.clock.advance(Duration::days(3));
        let before = ballot_rows(app, id(&vote)).await;
        ballot(app, &jia, &vote, "不同意", None).await.expect_error(StatusCode::CONFLICT, "vote.closed");
        paper(app, &desk, id(&vote), ding_room, agree, Some(scan())).await.expect_error(StatusCode::CONFLICT, "vote.closed");
        assert_eq!(ballot_rows(app, id(&vote)).await, before);
        for token in [&tang, &jia, &yewei] {
            let published = seen(app, token, &vote).await;
            assert_eq!(published["phase"], "closed");
            let result = &published["result"];
            // 4 of 5 owners (80%) holding 350 of 380 m² took part: quorate.
            assert_eq!(result["quorate"], true);
            assert_eq!((result["total_owners"].as_i64(), result["total_area_cm2"].as_i64()), (Some(5), Some(3_800_000)));
            assert_eq!((result["participating_owners"].as_i64(), result["participating_area_cm2"].as_i64()), (Some(4), Some(3_500_000)));
            // 同意: 甲, 乙丙 and 丁 — 3 of 4 owners (exactly ¾) and 300 of 350 m².
            let agreed = &result["options"][0];
            assert_eq!((agreed["approving_owners"].as_i64(), agreed["approving_area_cm2"].as_i64()), (Some(3), Some(3_000_000)));
            assert_eq!(result["options"][2]["approving_owners"], 1, "乙 abstained for 301");
            assert_eq!(result["decision"], "carried");
            assert_eq!(result["carried_option_id"].as_i64(), agree);
        }
        assert_eq!(app.get(&scan_path, &yewei).await.status, StatusCode::OK, "the 业委会 checks the scans after closing");
        app.get(&scan_path, &tang).await.expect_error(StatusCode::NOT_FOUND, "vote.scan_not_found");

        // The ballots and the roll are append-only.
        for sql in ["UPDATE vote_ballots SET option_id = option_id", "DELETE FROM vote_ballots",
                    "UPDATE vote_voters SET area_cm2 = 1", "DELETE FROM vote_owners"] {
            assert!(raw_execute(app, sql).await.is_err(), "{sql} was allowed");
        }
        assert_eq!(ballot_rows(app, id(&vote)).await, before);
    }

    async fn the_thresholds_of_article_278_decide_the_count(app: &TestApp) {
        let place = estate(app).await;
        let (yewei, admin) = (app.token("yewei").await, app.token("admin").await);
        app.request(Method::PUT, &format!("/api/v1/rooms/{}/floor-area", place.rooms["301"]), Some(&admin),
                Some(json!({ "floor_area_hundredths_m2": 5_000 }))).await.expect(StatusCode::OK);
        let (jia, yi, ding) = (owner(app, "vote.jia").await, owner(app, "vote.yi").await, owner(app, "vote.ding").await);
        // Changing the use of common parts needs ¾ of the participating area and owners.
        let weighty = draft(app, &yewei, &place, "将30号楼架空层出租经营", "common_parts_use").await;
        // An ordinary matter needs ⅔ to take part at all.
        let ordinary = draft(app, &yewei, &place, "修改30号楼文明养宠公约", "rules").await;
        for vote in [&weighty, &ordinary] {
            app.post(&format!("/api/v1/votes/{}/open", id(vote)), &yewei, json!({})).await.expect(StatusCode::OK);
        }
        app.clock.advance(Duration::hours(2));
        ballot(app, &jia, &weighty, "同意", None).await.expect(StatusCode::CREATED);
        ballot(app, &yi, &weighty, "同意", Some(place.rooms["102"])).await.expect(StatusCode::CREATED);
        ballot(app, &yi, &weighty, "同意", Some(place.rooms["301"])).await.expect(StatusCode::CREATED);
        ballot(app, &ding, &weighty, "不同意", None).await.expect(StatusCode::CREATED);
        ballot(app, &ding, &ordinary, "同意", None).await.expect(StatusCode::CREATED);
        app.clock.advance(Duration::days(3));

        // 3 of 4 owners agree (exactly ¾), but they hold 200 of 350 m² (57%): not carried.
        let result = seen(app, &yewei, &weighty).await["result"].clone();
        assert_eq!(result["quorate"], true);
        assert_eq!((result["options"][0]["approving_owners"].as_i64(), result["options"][0]["approving_area_cm2"].as_i64()), (Some(3), Some(2_000_000)));
        assert_eq!(result["decision"], "none_carried");
        assert_eq!(result["carried_option_id"], Value::Null);
        // 丁 alone took part: 1 of 5 owners, though 150 of 380 m²: nothing is decided.
        let result = seen(app, &yewei, &ordinary).await["result"].clone();
        assert_eq!((result["quorate"].as_bool(), result["decision"].as_str()), (Some(false), Some("not_quorate")));
        assert_eq!(result["options"][0]["approving_owners"], 1);
    }

    async fn a_bad_vote_is_refused_whole_and_nothing_is_stored(app: &TestApp) {
        let place = estate(app).await;
        let yewei = app.token("yewei").await;
        let now = app.clock.now_utc();
        let refused = app.post("/api/v1/votes", &yewei, json!({ "community_id": place.community, "estate_id": place.estate,
                "building_id": 999_999, "title": "  ", "matter": "paint_the_gate", "options": ["同意"],
                "opens_at": now, "closes_at": now - Duration::hours(1) })).await;
        refused.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "validation.required");
        let fields: Vec<&str> = refused.body["error"]["errors"].as_array().unwrap().iter()
            .map(|problem| problem["field"].as_str().unwrap()).collect();
        assert_eq!(fields, ["title", "matter", "options", "closes_at", "building_id"]);
        let codes: Vec<&str> = refused.body["error"]["errors"].as_array().unwrap().iter()
            .map(|problem| problem["code"].as_str().unwrap()).collect();
        assert_eq!(codes, ["validation.required", "vote.matter_unknown", "vote.options_too_few", "vote.closes_before_opening", "vote.building_unknown"]);
        assert!(app.store.votes(linli_domain::ids::CommunityId(place.community)).await.unwrap().is_empty());
        app.post("/api/v1/votes", &yewei, json!({ "community_id": place.community, "estate_id": place.estate,
                "title": "选聘物业", "matter": "engage_manager", "options": ["甲公司", "乙公司", "甲公司"],
                "opens_at": now, "closes_at": now + Duration::days(200) })).await
            .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "vote.options_repeated");
        // English on request.
        let english = app.client.post(app.url("/api/v1/votes")).bearer_auth(&yewei).header("accept-language", "en")
            .json(&json!({ "community_id": place.community, "estate_id": place.estate, "title": "x", "matter": "rules",
                           "options": OPTIONS, "opens_at": now, "closes_at": now + Duration::days(181) }))
            .send().await.unwrap();
        let body: Value = english.json().await.unwrap();
        assert_eq!(body["error"]["code"], "vote.period_too_long");
        assert_eq!(body["error"]["message"], "A vote runs at most 180 days");
        // A room's area through the registry: whole hundredths of a square metre, in range.
        let admin = app.token("admin").await;
        app.request(Method::PUT, &format!("/api/v1/rooms/{}/floor-area", place.rooms["301"]), Some(&admin),
                Some(json!({ "floor_area_hundredths_m2": 0 }))).await
            .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "validation.out_of_range");
        app.request(Method::PUT, &format!("/api/v1/rooms/{}/floor-area", place.rooms["301"]), Some(&yewei),
                Some(json!({ "floor_area_hundredths_m2": 5_000 }))).await
            .expect_error(StatusCode::FORBIDDEN, "auth.forbidden");
    }
}

both_engines! {
    async fn the_demo_has_a_closed_vote_on_the_cameras_and_an_open_one(app: &TestApp) {
        let today = chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 12, 4, 4, 0, 0).unwrap();
        assert!(linli::demo_votes::load(&app.store, app.database.blobs.clone(), today).await.unwrap());
        assert!(!linli::demo_votes::load(&app.store, app.database.blobs.clone(), today).await.unwrap(), "loading twice adds nothing");
        app.clock.set(today);
        let (yewei, bao, tang) = (app.token("yewei").await, app.token("bao").await, app.token("tang").await);
        let community = app.chengshangcheng().await;
        let listed = app.get(&format!("/api/v1/votes?community_id={community}"), &tang).await;
        let listed = listed.expect(StatusCode::OK).as_array().unwrap().clone();
        let phases: Vec<&str> = listed.iter().map(|vote| vote["phase"].as_str().unwrap()).collect();
        assert_eq!(phases, ["open", "closed"]);
        assert!(listed[1]["title"].as_str().unwrap().contains("探头"));

        let cameras = seen(app, &yewei, &listed[1]).await;
        assert_eq!(cameras["consistent"], true);
        assert_eq!(cameras["building_name"], "7号楼");
        let result = &cameras["result"];
        assert_eq!((result["decision"].as_str(), result["quorate"].as_bool()), (Some("carried"), Some(true)));
        assert_eq!(result["carried_option_id"], cameras["options"][0]["id"]);
        // 144 flats, two owners of two flats each: 142 owners.
        assert_eq!(result["total_owners"], 142);
        let roll_rooms: usize = cameras["roll"].as_array().unwrap().iter().map(|entry| entry["rooms"].as_array().unwrap().len()).sum();
        assert_eq!(roll_rooms, 144);
        let (taking_part, total) = (result["participating_owners"].as_i64().unwrap(), result["total_owners"].as_i64().unwrap());
        assert!(taking_part * 3 >= total * 2, "{taking_part} of {total}");
        assert!(result["participating_area_cm2"].as_i64().unwrap() * 3 >= result["total_area_cm2"].as_i64().unwrap() * 2);
        let added: i64 = result["options"].as_array().unwrap().iter().map(|option| option["approving_owners"].as_i64().unwrap()).sum();
        assert_eq!(added, taking_part, "every participant chose one option");
        let papers = cameras["paper_ballots"].as_array().unwrap();
        assert!(!papers.is_empty() && papers.iter().all(|paper| paper["entered_by_name"] == "汤守英"));
        let scan = app.get(papers[0]["scan_url"].as_str().unwrap(), &yewei).await;
        assert_eq!(scan.status, StatusCode::OK);

        // The lifts: open, about half have voted, 包爷叔 not yet.
        let lifts = seen(app, &bao, &listed[0]).await;
        assert_eq!(lifts["phase"], "open");
        assert_eq!(lifts["mine"][0]["rooms"][0]["label"], "7号楼1单元302");
        assert_eq!(lifts["mine"][0]["choice_option_id"], Value::Null);
        let turnout = seen(app, &yewei, &listed[0]).await["turnout"].clone();
        let voted = turnout["participating_owners"].as_i64().unwrap();
        assert!(voted > 20 && voted < 142, "{voted}");
        ballot(app, &bao, &lifts, "同意", None).await.expect(StatusCode::CREATED);
    }
}
