//! The joint meeting through HTTP: calling it, the agenda from escalated work orders,
//! attendance, decisions, minutes and closing, what an invited resident sees, and the
//! iCalendar feeds (parsed by an independent parser, the `ical` crate).

use crate::helpers::{Response, TestApp};
use linli_domain::ids::CommunityId;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

pub async fn organisation(app: &TestApp, community: i64, name: &str) -> i64 {
    app.store
        .organisations(CommunityId(community))
        .await
        .unwrap()
        .into_iter()
        .find(|organisation| organisation.name == name)
        .unwrap()
        .id
}

pub async fn building(app: &TestApp, community: i64, number: &str) -> i64 {
    app.store
        .buildings(CommunityId(community))
        .await
        .unwrap()
        .into_iter()
        .find(|building| building.number == number)
        .unwrap()
        .id
}

/// A report by `reporter` about `building`, dispatched to the property company, signed
/// and escalated to the joint meeting by the duty officer: its id.
pub async fn escalated_report(
    app: &TestApp,
    reporter: &str,
    category: &str,
    building_number: &str,
    text: &str,
) -> i64 {
    let community = app.chengshangcheng().await;
    let (duty, wuye, token) = (
        app.token("duty").await,
        app.token("wuye").await,
        app.token(reporter).await,
    );
    let created = app
        .post(
            "/api/v1/work-orders",
            &token,
            json!({ "category": category, "description": text, "building_id": building(app, community, building_number).await, "is_public": true }),
        )
        .await;
    let id = created.expect(StatusCode::CREATED)["id"].as_i64().unwrap();
    let wuye_org = organisation(app, community, "城上城物业服务中心").await;
    act(
        app,
        &duty,
        id,
        "dispatch",
        json!({ "lead_organisation_id": wuye_org }),
    )
    .await
    .expect(StatusCode::OK);
    act(app, &wuye, id, "sign", json!({}))
        .await
        .expect(StatusCode::OK);
    act(
        app,
        &duty,
        id,
        "escalate",
        json!({ "text": "复杂问题，提交周四联席会" }),
    )
    .await
    .expect(StatusCode::OK);
    id
}

pub async fn act(app: &TestApp, token: &str, id: i64, action: &str, body: Value) -> Response {
    app.post(
        &format!("/api/v1/work-orders/{id}/actions/{action}"),
        token,
        body,
    )
    .await
}

/// Calls the series' next meeting as the party secretary: its detail.
pub async fn next_meeting(app: &TestApp) -> Value {
    let shuji = app.token("shuji").await;
    app.post("/api/v1/meetings", &shuji, json!({}))
        .await
        .expect(StatusCode::CREATED)
        .clone()
}

pub async fn put(app: &TestApp, path: &str, token: &str, body: Value) -> Response {
    app.request(Method::PUT, path, Some(token), Some(body))
        .await
}

/// Marks everyone at the table present.
pub async fn all_present(app: &TestApp, token: &str, meeting: &Value) -> Value {
    let id = meeting["id"].as_i64().unwrap();
    let detail = app.get(&format!("/api/v1/meetings/{id}"), token).await;
    let marks: Vec<Value> = detail.expect(StatusCode::OK)["participants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|participant| json!({ "participant_id": participant["id"], "attendance": "present" }))
        .collect();
    app.post(
        &format!("/api/v1/meetings/{id}/attendance"),
        token,
        json!({ "marks": marks }),
    )
    .await
    .expect(StatusCode::OK)
    .clone()
}

fn titles(detail: &Value) -> Vec<Option<String>> {
    detail["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["title"].as_str().map(str::to_owned))
        .collect()
}

both_engines! {
    async fn the_series_calls_the_thursday_meeting_with_the_standing_parties(app: &TestApp) {
        let shuji = app.token("shuji").await;
        // Tuesday 27 October, 09:30: the next is Thursday 29 October, 14:00 Shanghai.
        let meeting = next_meeting(app).await;
        assert_eq!(meeting["starts_at"], "2026-10-29T06:00:00Z");
        assert_eq!(meeting["place"], "合署办公服务中心");
        assert_eq!((meeting["status"].as_str(), meeting["title"].as_str()), (Some("scheduled"), Some("共治联席会")));
        let parties: Vec<&str> = meeting["participants"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
        assert_eq!(parties, ["城上城居民区党总支", "城上城居委会", "城上城业委会", "城上城物业服务中心"]);

        let series = put(app, "/api/v1/meeting-series", &shuji, json!({ "weekday": 3, "start_time": "09:30", "duration_minutes": 60, "place": "10号楼 M2" })).await;
        assert_eq!(series.expect(StatusCode::OK)["weekday"], 3);
        let second = next_meeting(app).await;
        assert_eq!((second["starts_at"].as_str(), second["place"].as_str()), (Some("2026-10-28T01:30:00Z"), Some("10号楼 M2")));
        let bad = put(app, "/api/v1/meeting-series", &shuji, json!({ "weekday": 4, "start_time": "25:00", "duration_minutes": 60, "place": "x" })).await;
        bad.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "meeting.time_invalid");
        let kept = app.get("/api/v1/meeting-series", &shuji).await;
        assert_eq!(kept.expect(StatusCode::OK)["start_time"], "09:30");

        let extra = app.post("/api/v1/meetings", &shuji, json!({ "extra": true, "starts_at": "2026-10-27T08:00:00Z", "place": "下沉式小广场" })).await;
        assert_eq!(extra.expect(StatusCode::CREATED)["title"], "共治联席会（临时）");
        let past = app.post("/api/v1/meetings", &shuji, json!({ "extra": true, "starts_at": "2026-10-26T08:00:00Z" })).await;
        past.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "meeting.in_past");
        let resident = app.post("/api/v1/meetings", &app.token("bao").await, json!({})).await;
        assert!(resident.status.is_client_error());
        assert_eq!(app.get("/api/v1/meetings", &shuji).await.expect(StatusCode::OK).as_array().unwrap().len(), 3);
    }

    async fn a_meeting_closes_only_with_minutes_and_attendance_and_then_its_minutes_are_read_only(app: &TestApp) {
        let (shuji, duty) = (app.token("shuji").await, app.token("duty").await);
        let meeting = next_meeting(app).await;
        let id = meeting["id"].as_i64().unwrap();
        let refused = app.post(&format!("/api/v1/meetings/{id}/close"), &shuji, json!({})).await;
        refused.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "meeting.incomplete");
        let message = refused.body["error"]["message"].as_str().unwrap();
        assert!(message.contains("会议纪要") && message.contains("出席情况"), "{message}");

        put(app, &format!("/api/v1/meetings/{id}/minutes"), &duty, json!({ "text": "# 纪要\n\n- 三方到会" })).await.expect(StatusCode::OK);
        let refused = app.post(&format!("/api/v1/meetings/{id}/close"), &shuji, json!({})).await;
        refused.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "meeting.incomplete");
        assert_eq!(refused.body["error"]["field"], "attendance");
        let bad_mark = app.post(&format!("/api/v1/meetings/{id}/attendance"), &duty, json!({ "marks": [{ "participant_id": 999999, "attendance": "present" }] })).await;
        bad_mark.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "meeting.participant_unknown");
        all_present(app, &duty, &meeting).await;

        // The duty officer runs the meeting but does not chair it.
        app.post(&format!("/api/v1/meetings/{id}/close"), &duty, json!({})).await.expect_error(StatusCode::FORBIDDEN, "auth.forbidden");
        let closed = app.post(&format!("/api/v1/meetings/{id}/close"), &shuji, json!({})).await;
        let closed = closed.expect(StatusCode::OK);
        assert_eq!((closed["status"].as_str(), closed["closed_by_name"].as_str()), (Some("closed"), Some("季云")));

        let edit = put(app, &format!("/api/v1/meetings/{id}/minutes"), &duty, json!({ "text": "改写" })).await;
        edit.expect_error(StatusCode::CONFLICT, "meeting.minutes_closed");
        let item = app.post(&format!("/api/v1/meetings/{id}/items"), &duty, json!({ "title": "迟到的议题" })).await;
        item.expect_error(StatusCode::CONFLICT, "meeting.closed");
        let corrected = app.post(&format!("/api/v1/meetings/{id}/corrections"), &duty, json!({ "text": "更正：物业方出席人为刘岭春" })).await;
        let corrected = corrected.expect(StatusCode::CREATED);
        assert_eq!(corrected["minutes"], "# 纪要\n\n- 三方到会");
        assert_eq!(corrected["corrections"][0]["author_name"], "张承一");
        assert_eq!(corrected["corrections"][0]["created_at"], "2026-10-27T01:30:00Z");
        app.post(&format!("/api/v1/meetings/{id}/close"), &shuji, json!({})).await.expect_error(StatusCode::CONFLICT, "meeting.closed");
    }

    async fn the_agenda_takes_only_escalated_work_orders_of_the_community_and_items_move(app: &TestApp) {
        let duty = app.token("duty").await;
        let meeting = next_meeting(app).await;
        let id = meeting["id"].as_i64().unwrap();
        let items = format!("/api/v1/meetings/{id}/items");
        app.post(&items, &duty, json!({ "work_order_id": 999999 })).await.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "meeting.work_order_unknown");
        let zhixin = app.zhixin().await;
        let foreign = app.post("/api/v1/work-orders", &app.token("zhou").await, json!({ "category": "noise", "description": "芷新苑装修噪音", "building_id": building(app, zhixin, "3").await })).await;
        let foreign = foreign.expect(StatusCode::CREATED)["id"].as_i64().unwrap();
        app.post(&items, &duty, json!({ "work_order_id": foreign })).await.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "meeting.work_order_unknown");
        let plain = app.post("/api/v1/work-orders", &app.token("li").await, json!({ "category": "corridor_lighting", "description": "12号楼楼道灯坏了" })).await;
        let plain = plain.expect(StatusCode::CREATED)["id"].as_i64().unwrap();
        app.post(&items, &duty, json!({ "work_order_id": plain })).await.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "meeting.work_order_not_escalated");
        app.post(&items, &duty, json!({ "title": " " })).await.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "validation.required");
        let detail = app.get(&format!("/api/v1/meetings/{id}"), &duty).await;
        assert!(detail.expect(StatusCode::OK)["items"].as_array().unwrap().is_empty(), "nothing stored");

        let order = escalated_report(app, "bao", "high_altitude_throwing", "7", "7号楼高空抛物，酒瓶砸到平台").await;
        let first = app.post(&items, &duty, json!({ "work_order_id": order })).await.expect(StatusCode::CREATED)["id"].as_i64().unwrap();
        app.post(&items, &duty, json!({ "work_order_id": order })).await.expect_error(StatusCode::CONFLICT, "meeting.work_order_on_agenda");
        let cats = app.post(&items, &duty, json!({ "title": "流浪猫治理", "notes": "爱猫人士与反对者意见分歧" })).await.expect(StatusCode::CREATED)["id"].as_i64().unwrap();
        let lights = app.post(&items, &duty, json!({ "title": "地库照明改造" })).await.expect(StatusCode::CREATED)["id"].as_i64().unwrap();
        let detail = app.get(&format!("/api/v1/meetings/{id}"), &duty).await;
        let detail = detail.expect(StatusCode::OK);
        assert_eq!(titles(detail), [Some("高空抛物（7号楼）".to_owned()), Some("流浪猫治理".to_owned()), Some("地库照明改造".to_owned())]);
        let agenda_order = &detail["items"][0]["work_order"];
        assert_eq!((agenda_order["number"].as_i64(), agenda_order["me_too_count"].as_i64()), (Some(2), Some(0)));

        let reordered = app.post(&format!("{items}/order"), &duty, json!({ "item_ids": [cats, first, lights] })).await;
        assert_eq!(titles(reordered.expect(StatusCode::OK))[0].as_deref(), Some("流浪猫治理"));
        app.post(&format!("{items}/order"), &duty, json!({ "item_ids": [cats, first] })).await.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "meeting.order_incomplete");

        app.post(&format!("{items}/{lights}/withdraw"), &duty, json!({})).await.expect(StatusCode::OK);
        let wuye_org = organisation(app, app.chengshangcheng().await, "城上城物业服务中心").await;
        let on_withdrawn = app.post(&format!("{items}/{lights}/decision"), &duty, json!({ "text": "物业负责", "lead_organisation_id": wuye_org })).await;
        on_withdrawn.expect_error(StatusCode::CONFLICT, "meeting.item_withdrawn");

        let deferred = app.post(&format!("{items}/{cats}/defer"), &duty, json!({})).await;
        let deferred = deferred.expect(StatusCode::OK).clone();
        let next = deferred["meeting_id"].as_i64().unwrap();
        assert_ne!(next, id);
        let next_detail = app.get(&format!("/api/v1/meetings/{next}"), &duty).await;
        let next_detail = next_detail.expect(StatusCode::OK);
        assert_eq!(next_detail["starts_at"], "2026-11-05T06:00:00Z");
        assert_eq!(titles(next_detail), [Some("流浪猫治理".to_owned())]);
        let after = app.get(&format!("/api/v1/meetings/{id}"), &duty).await;
        let statuses: Vec<&str> = after.body["items"].as_array().unwrap().iter().map(|i| i["status"].as_str().unwrap()).collect();
        assert_eq!(statuses, ["deferred", "open", "withdrawn"]);
    }

    async fn an_invited_resident_sees_the_time_place_and_their_own_items_only(app: &TestApp) {
        let duty = app.token("duty").await;
        let meeting = next_meeting(app).await;
        let id = meeting["id"].as_i64().unwrap();
        let items = format!("/api/v1/meetings/{id}/items");
        let cats = escalated_report(app, "tang", "stray_animals", "9", "楼上有人往下撒猫粮，落在我家平台").await;
        let bao_order = escalated_report(app, "bao", "high_altitude_throwing", "7", "7号楼高空抛物").await;
        app.post(&items, &duty, json!({ "work_order_id": bao_order })).await.expect(StatusCode::CREATED);
        app.post(&items, &duty, json!({ "work_order_id": cats, "notes": "唐女士反映：猫粮从楼上撒下" })).await.expect(StatusCode::CREATED);
        let tang_id = app.person_id("tang").await;
        app.post(&format!("/api/v1/meetings/{id}/participants"), &duty, json!({ "person_id": tang_id, "represents": "反映人" })).await.expect(StatusCode::CREATED);
        app.post(&format!("/api/v1/meetings/{id}/participants"), &duty, json!({ "name": "17号楼爱猫阿姨", "represents": "爱猫居民" })).await.expect(StatusCode::CREATED);
        app.post(&format!("/api/v1/meetings/{id}/participants"), &duty, json!({ "person_id": tang_id })).await.expect_error(StatusCode::CONFLICT, "meeting.already_invited");
        let zhou = app.person_id("zhou").await;
        app.post(&format!("/api/v1/meetings/{id}/participants"), &duty, json!({ "person_id": zhou })).await.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "meeting.person_unknown");
        put(app, &format!("/api/v1/meetings/{id}/minutes"), &duty, json!({ "text": "内部讨论：某住户疑似投喂者" })).await.expect(StatusCode::OK);

        let tang = app.token("tang").await;
        let seen = app.get(&format!("/api/v1/meetings/{id}"), &tang).await;
        let seen = seen.expect(StatusCode::OK);
        assert_eq!(seen["access"], "invited");
        assert!(seen["minutes"].is_null());
        assert_eq!((seen["starts_at"].as_str(), seen["place"].as_str()), (Some("2026-10-29T06:00:00Z"), Some("合署办公服务中心")));
        assert_eq!(titles(seen), [None, Some("流浪动物（9号楼）".to_owned())]);
        assert!(seen["items"][0]["work_order"].is_null());
        let names: Vec<&str> = seen["participants"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
        assert!(names.contains(&"唐女士") && !names.contains(&"17号楼爱猫阿姨"), "{names:?}");
        assert!(!seen.to_string().contains("包爷叔"));
        let mine = app.get("/api/v1/me/meetings", &tang).await;
        assert_eq!(mine.expect(StatusCode::OK)[0]["id"], id);

        // Neither an uninvited neighbour nor a resident of another community sees it.
        for login in ["bao", "li", "zhou"] {
            app.get(&format!("/api/v1/meetings/{id}"), &app.token(login).await).await.expect_error(StatusCode::NOT_FOUND, "meeting.not_found");
        }
        app.get("/api/v1/meetings", &tang).await.expect_error(StatusCode::FORBIDDEN, "auth.forbidden");
        // The office sees it all.
        let office = app.get(&format!("/api/v1/meetings/{id}"), &app.token("wuye").await).await;
        let office = office.expect(StatusCode::OK);
        assert_eq!((office["access"].as_str(), office["may_run"].as_bool()), (Some("office"), Some(false)));
        assert_eq!(office["minutes"], "内部讨论：某住户疑似投喂者");
    }

    async fn the_calendar_feeds_parse_and_follow_moves_and_cancellations(app: &TestApp) {
        let (shuji, duty) = (app.token("shuji").await, app.token("duty").await);
        let community = app.chengshangcheng().await;
        let meeting = next_meeting(app).await;
        let id = meeting["id"].as_i64().unwrap();
        let tang_id = app.person_id("tang").await;
        app.post(&format!("/api/v1/meetings/{id}/participants"), &duty, json!({ "person_id": tang_id })).await.expect(StatusCode::CREATED);
        let office_feed = app.post("/api/v1/calendar-feeds", &shuji, json!({ "community_id": community })).await;
        let office_feed = office_feed.expect(StatusCode::CREATED)["path"].as_str().unwrap().to_owned();
        let tang_feed = app.post("/api/v1/calendar-feeds", &app.token("tang").await, json!({})).await;
        let tang_feed = tang_feed.expect(StatusCode::CREATED)["path"].as_str().unwrap().to_owned();
        app.post("/api/v1/calendar-feeds", &app.token("tang").await, json!({ "community_id": community })).await.expect_error(StatusCode::FORBIDDEN, "auth.forbidden");

        let event = parse_single_event(app, &tang_feed).await;
        assert_eq!(event.get("DTSTART").map(|(value, _)| value.as_str()), Some("20261029T140000"));
        assert_eq!(event.get("DTSTART").map(|(_, tzid)| tzid.as_str()), Some("Asia/Shanghai"));
        assert_eq!(event.get("SEQUENCE").map(|(value, _)| value.as_str()), Some("0"));
        assert_eq!(event.get("STATUS").map(|(value, _)| value.as_str()), Some("CONFIRMED"));
        assert_eq!(event.get("LOCATION").map(|(value, _)| value.as_str()), Some("合署办公服务中心"));

        app.post(&format!("/api/v1/meetings/{id}/move"), &duty, json!({ "starts_at": "2026-10-29T07:00:00Z", "place": "10号楼 M2, 会议室" })).await.expect(StatusCode::OK);
        let moved = parse_single_event(app, &office_feed).await;
        assert_eq!(moved.get("DTSTART").map(|(value, _)| value.as_str()), Some("20261029T150000"));
        assert_eq!(moved.get("DTEND").map(|(value, _)| value.as_str()), Some("20261029T163000"));
        assert_eq!(moved.get("SEQUENCE").map(|(value, _)| value.as_str()), Some("1"));
        assert_eq!(moved.get("LOCATION").map(|(value, _)| value.as_str()), Some("10号楼 M2\\, 会议室"));

        app.post(&format!("/api/v1/meetings/{id}/cancel"), &duty, json!({ "text": "台风停会" })).await.expect_error(StatusCode::FORBIDDEN, "auth.forbidden");
        app.post(&format!("/api/v1/meetings/{id}/cancel"), &shuji, json!({ "text": "台风停会" })).await.expect(StatusCode::OK);
        let cancelled = parse_single_event(app, &tang_feed).await;
        assert_eq!(cancelled.get("STATUS").map(|(value, _)| value.as_str()), Some("CANCELLED"));
        assert_eq!(cancelled.get("SEQUENCE").map(|(value, _)| value.as_str()), Some("2"));
        app.post(&format!("/api/v1/meetings/{id}/move"), &duty, json!({ "place": "别处" })).await.expect_error(StatusCode::CONFLICT, "meeting.cancelled");

        // 唐女士 heard of each in her inbox; a resident not invited heard nothing.
        while linli_app::notifications::fan_out_pending(app.state()).await.unwrap() > 0 {}
        let inbox = |token: String| async move {
            let seen = app.get("/api/v1/notifications", &token).await;
            seen.expect(StatusCode::OK)["items"].as_array().unwrap().iter()
                .map(|item| item["body"].as_str().unwrap().to_owned()).collect::<Vec<String>>()
        };
        let hers = inbox(app.token("tang").await).await;
        for heard in [
            "【联席会】您受邀参加共治联席会：10月29日 14:00，合署办公服务中心",
            "【联席会】共治联席会改到 10月29日 15:00，10号楼 M2, 会议室",
            "【联席会】原定 10月29日 15:00 的共治联席会已取消：台风停会",
        ] {
            assert!(hers.iter().any(|body| body == heard), "{heard} not in {hers:?}");
        }
        assert!(!inbox(app.token("li").await).await.iter().any(|body| body.contains("联席会")));

        let unknown = app.client.get(app.url("/api/v1/calendar-feeds/0000.ics")).send().await.unwrap();
        assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    }
}

/// Fetches a feed without signing in and parses it with the `ical` crate: its one
/// event's properties, each with its value and TZID parameter.
async fn parse_single_event(
    app: &TestApp,
    path: &str,
) -> std::collections::HashMap<String, (String, String)> {
    let response = app.client.get(app.url(path)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/calendar")
    );
    let text = response.text().await.unwrap();
    let mut calendars = ical::IcalParser::new(std::io::BufReader::new(text.as_bytes()));
    let calendar = calendars
        .next()
        .expect("one calendar")
        .expect("a valid calendar");
    assert!(calendars.next().is_none());
    assert_eq!(calendar.timezones.len(), 1);
    assert_eq!(calendar.events.len(), 1);
    calendar.events[0]
        .properties
        .iter()
        .map(|property| {
            let tzid = property
                .params
                .as_ref()
                .and_then(|params| params.iter().find(|(name, _)| name == "TZID"))
                .and_then(|(_, values)| values.first().cloned())
                .unwrap_or_default();
            (
                property.name.clone(),
                (property.value.clone().unwrap_or_default(), tzid),
            )
        })
        .collect()
}
