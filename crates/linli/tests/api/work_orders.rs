use crate::helpers::{Response, TestApp};
use chrono::{TimeZone, Utc};
use linli_domain::calendar::shanghai;
use linli_domain::clock::Clock;
use linli_domain::ids::CommunityId;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn organisation_id(app: &TestApp, name: &str) -> i64 {
    let community = CommunityId(app.chengshangcheng().await);
    app.store
        .organisations(community)
        .await
        .unwrap()
        .into_iter()
        .find(|organisation| organisation.name == name)
        .unwrap()
        .id
}

async fn building_id(app: &TestApp, community: i64, number: &str) -> i64 {
    let buildings = app.store.buildings(CommunityId(community)).await.unwrap();
    buildings
        .into_iter()
        .find(|building| building.number == number)
        .unwrap()
        .id
}

async fn act(app: &TestApp, token: &str, id: i64, action: &str, body: Value) -> Response {
    app.post(
        &format!("/api/v1/work-orders/{id}/actions/{action}"),
        token,
        body,
    )
    .await
}

fn kinds(detail: &Value) -> Vec<String> {
    detail["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|event| event["kind"].as_str().unwrap().to_owned())
        .collect()
}

fn shanghai_time(month: u32, day: u32, hour: u32, minute: u32) -> chrono::DateTime<Utc> {
    shanghai()
        .with_ymd_and_hms(2026, month, day, hour, minute, 0)
        .single()
        .unwrap()
        .with_timezone(&Utc)
}

/// Takes a walk-in report for bao about 7号楼 at the desk, as in the article.
async fn desk_reports_for_bao(app: &TestApp, desk: &str) -> Value {
    let community = app.chengshangcheng().await;
    let created = app
        .post(
            "/api/v1/work-orders",
            desk,
            json!({
                "category": "high_altitude_throwing",
                "description": "7号楼高空抛物，垃圾从楼上扔下来，差点砸到人",
                "reporter_id": app.person_id("bao").await,
                "building_id": building_id(app, community, "7").await,
                "channel": "walk_in",
                // 包爷叔 agreed that his neighbours may see it (a walk-in is private
                // otherwise).
                "is_public": true,
            }),
        )
        .await;
    created.expect(StatusCode::CREATED).clone()
}

both_engines! {
    async fn the_112_story_from_the_desk_to_five_stars(app: &TestApp) {
        let (desk, duty, wuye, bao, tang) = (app.token("desk").await, app.token("duty").await, app.token("wuye").await, app.token("bao").await, app.token("tang").await);
        let order = desk_reports_for_bao(app, &desk).await;
        let id = order["id"].as_i64().unwrap();
        assert_eq!(order["number"], 1);
        assert_eq!((order["status"].as_str(), order["status_label"].as_str()), (Some("submitted"), Some("待受理")));
        assert_eq!(order["channel"], "walk_in");
        assert_eq!(order["reporter"]["name"], "包爷叔");
        assert_eq!(order["reporter"]["room"], "7号楼1单元302");

        let wuye_org = organisation_id(app, "城上城物业服务中心").await;
        let juwei_org = organisation_id(app, "城上城居委会").await;
        let dispatched = act(app, &duty, id, "dispatch", json!({
            "lead_organisation_id": wuye_org, "co_handler_ids": [juwei_org], "text": "请物业尽快处理", "version": 1,
        })).await;
        let dispatched = dispatched.expect(StatusCode::OK);
        assert_eq!(dispatched["status_label"], "待处理");
        assert_eq!(dispatched["lead_organisation"]["name"], "城上城物业服务中心");
        assert_eq!(dispatched["co_handlers"][0]["name"], "城上城居委会");
        assert!(dispatched["deadlines"]["resolve"].is_string());

        let for_wuye = app.get(&format!("/api/v1/work-orders/{id}"), &wuye).await;
        assert!(for_wuye.expect(StatusCode::OK)["allowed_actions"].as_array().unwrap().contains(&json!("sign")));
        act(app, &wuye, id, "sign", json!({})).await.expect(StatusCode::OK);
        act(app, &wuye, id, "hold", json!({ "text": "等待调取监控，确定楼层" })).await.expect(StatusCode::OK);
        act(app, &wuye, id, "note", json!({ "text": "内部：怀疑是15楼住户，先不要告诉反映人" })).await.expect(StatusCode::OK);
        act(app, &wuye, id, "resume", json!({})).await.expect(StatusCode::OK);
        act(app, &wuye, id, "resolve", json!({ "text": "已在7号楼加装摄像头并张贴告示" })).await.expect(StatusCode::OK);
        let rejected = act(app, &bao, id, "reject", json!({ "text": "昨天又扔下来一袋垃圾" })).await;
        assert_eq!(rejected.expect(StatusCode::OK)["reopen_count"], 1);
        act(app, &wuye, id, "resolve", json!({ "text": "已找到当事住户并上门劝导" })).await.expect(StatusCode::OK);
        let accepted = act(app, &bao, id, "accept", json!({ "rating": 5, "text": "满意，谢谢" })).await;
        let accepted = accepted.expect(StatusCode::OK);
        assert_eq!((accepted["status"].as_str(), accepted["rating"].as_i64()), (Some("closed"), Some(5)));

        let for_duty = app.get(&format!("/api/v1/work-orders/{id}"), &duty).await;
        assert_eq!(
            kinds(for_duty.expect(StatusCode::OK)),
            ["submitted", "dispatched", "signed", "held", "noted", "resumed", "resolved", "rejected", "resolved", "accepted"]
        );
        let for_bao = app.get(&format!("/api/v1/work-orders/{id}"), &bao).await;
        let for_bao = for_bao.expect(StatusCode::OK);
        assert_eq!(kinds(for_bao), ["submitted", "dispatched", "signed", "held", "resumed", "resolved", "rejected", "resolved", "accepted"]);
        assert!(!for_bao.to_string().contains("15楼"), "bao never sees the internal note");
        assert!(for_bao["allowed_actions"].as_array().unwrap().is_empty());
        // Another resident sees the public fields only.
        let for_tang = app.get(&format!("/api/v1/work-orders/{id}"), &tang).await;
        let for_tang = for_tang.expect(StatusCode::OK);
        assert!(for_tang["reporter"].is_null());
        assert!(for_tang["timeline"].as_array().unwrap().iter().all(|event| event["actor"].is_null()));
        assert!(!for_tang.to_string().contains("包爷叔"));
    }

    async fn refused_actions_change_nothing(app: &TestApp) {
        let (desk, duty, wuye, bao) = (app.token("desk").await, app.token("duty").await, app.token("wuye").await, app.token("bao").await);
        let id = desk_reports_for_bao(app, &desk).await["id"].as_i64().unwrap();
        let before = app.get(&format!("/api/v1/work-orders/{id}"), &duty).await.body.clone();
        act(app, &wuye, id, "sign", json!({})).await.expect_error(StatusCode::FORBIDDEN, "work_order.not_allowed");
        act(app, &bao, id, "dispatch", json!({ "lead_organisation_id": 1 })).await.expect_error(StatusCode::FORBIDDEN, "work_order.not_allowed");
        act(app, &bao, id, "accept", json!({ "rating": 5 })).await.expect_error(StatusCode::CONFLICT, "work_order.invalid_transition");
        act(app, &duty, id, "dispatch", json!({})).await.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "validation.required");
        let zhixin_org = app.store.organisations(CommunityId(app.zhixin().await)).await.unwrap()[0].id;
        act(app, &duty, id, "dispatch", json!({ "lead_organisation_id": zhixin_org }))
            .await
            .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "work_order.organisation_unknown");
        act(app, &duty, id, "teleport", json!({})).await.expect_error(StatusCode::NOT_FOUND, "work_order.action_unknown");
        act(app, &duty, id, "close_by_rule", json!({})).await.expect_error(StatusCode::NOT_FOUND, "work_order.action_unknown");
        act(app, &duty, id, "dispatch", json!({ "lead_organisation_id": 1, "version": 7 }))
            .await
            .expect_error(StatusCode::CONFLICT, "work_order.version_conflict");
        act(app, &duty, id, "reply", json!({ "text": "  " })).await.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "validation.required");
        act(app, &duty, id, "reply", json!({ "text": "好", "colour": "red" })).await.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "request.invalid_body");
        let after = app.get(&format!("/api/v1/work-orders/{id}"), &duty).await.body.clone();
        assert_eq!(before, after);
        // Urging: once, then not again within a day.
        act(app, &bao, id, "urge", json!({ "text": "请快点处理" })).await.expect(StatusCode::OK);
        act(app, &bao, id, "urge", json!({})).await.expect_error(StatusCode::TOO_MANY_REQUESTS, "work_order.urge_too_soon");
        app.clock.advance(chrono::Duration::hours(25));
        act(app, &bao, id, "urge", json!({})).await.expect(StatusCode::OK);
    }

    async fn two_people_acting_at_once_one_wins(app: &TestApp) {
        let (desk, duty, wuye) = (app.token("desk").await, app.token("duty").await, app.token("wuye").await);
        let id = desk_reports_for_bao(app, &desk).await["id"].as_i64().unwrap();
        let wuye_org = organisation_id(app, "城上城物业服务中心").await;
        act(app, &duty, id, "dispatch", json!({ "lead_organisation_id": wuye_org })).await.expect(StatusCode::OK);
        let juwei = app.token("juwei").await;
        let (sign, redispatch) = tokio::join!(
            act(app, &wuye, id, "sign", json!({})),
            act(app, &duty, id, "dispatch", json!({ "lead_organisation_id": organisation_id(app, "城上城居委会").await })),
        );
        let statuses = [sign.status, redispatch.status];
        assert!(statuses.contains(&StatusCode::OK), "{statuses:?}");
        let detail = app.get(&format!("/api/v1/work-orders/{id}"), &juwei).await.body.clone();
        let events = kinds(&detail);
        assert_eq!(events.len(), 2 + statuses.iter().filter(|status| **status == StatusCode::OK).count());
        // The loser either overlapped the winner (a version conflict) or came after it and
        // met the new state: a dispatch of a signed work order is a conflict; a sign of one
        // now led by 居委会 is not the property company's to make.
        if redispatch.status != StatusCode::OK {
            assert_eq!(redispatch.status, StatusCode::CONFLICT, "{}", redispatch.body);
        }
        if sign.status != StatusCode::OK && sign.status != StatusCode::CONFLICT {
            sign.expect_error(StatusCode::FORBIDDEN, "work_order.not_allowed");
        }
    }

    async fn reports_and_actions_at_once_all_go_through(app: &TestApp) {
        // New reports and actions on older ones move the same statistics counters (today's
        // and this month's), each writer taking them in one order; none may fail for it.
        // (The deadlock the benchmark once met, a batch taking the monthly counters before
        // the daily ones, needs a tighter interleaving than this makes happen reliably.)
        let (bao, duty) = (app.token("bao").await, app.token("duty").await);
        let report = |index: usize| {
            let bao = bao.clone();
            async move {
                app.post("/api/v1/work-orders", &bao, json!({ "category": "noise", "description": format!("楼上装修噪音 第{index}次") }))
                    .await
            }
        };
        let mut earlier = Vec::new();
        for index in 0..80 {
            earlier.push(report(index).await.expect(StatusCode::CREATED)["id"].as_i64().unwrap());
        }
        let wuye_org = organisation_id(app, "城上城物业服务中心").await;
        for round in 0..10 {
            let reports = (0..8).map(|index| futures_util::future::Either::Left(report(100 + round * 8 + index)));
            let dispatches = earlier[round * 8..round * 8 + 8].iter().map(|id| {
                let duty = duty.clone();
                futures_util::future::Either::Right(async move {
                    act(app, &duty, *id, "dispatch", json!({ "lead_organisation_id": wuye_org })).await
                })
            });
            let answers = futures_util::future::join_all(reports.chain(dispatches)).await;
            for (index, answer) in answers.iter().enumerate() {
                let expected = if index < 8 { StatusCode::CREATED } else { StatusCode::OK };
                answer.expect(expected);
            }
        }
    }

    async fn numbers_have_no_gaps_under_concurrency(app: &TestApp) {
        // Reports from two communities at once share write batches; each community counts
        // its own numbers, and every answer is about its own report.
        let (bao, zhou) = (app.token("bao").await, app.token("zhou").await);
        let report = |token: String, index: usize| async move {
            let description = format!("楼上装修噪音 第{index}次");
            let response = app.post("/api/v1/work-orders", &token, json!({ "category": "noise", "description": description })).await;
            (description, response)
        };
        let reports = (0..12).map(|index| report(bao.clone(), index)).chain((12..17).map(|index| report(zhou.clone(), index)));
        let responses = futures_util::future::join_all(reports).await;
        let (mut numbers, mut zhixin_numbers) = (Vec::new(), Vec::new());
        for (index, (description, response)) in responses.iter().enumerate() {
            let answer = response.expect(StatusCode::CREATED);
            assert_eq!(answer["description"], description.as_str());
            assert_eq!(answer["timeline"][0]["text"], description.as_str(), "the first event is this report's");
            let reporter = if index < 12 { "包爷叔" } else { "周阿姨" };
            assert_eq!(answer["timeline"][0]["actor"], reporter);
            assert_eq!(answer["reporter"]["name"], reporter);
            let stored = app.get(&format!("/api/v1/work-orders/{}", answer["id"]), if index < 12 { &bao } else { &zhou }).await;
            let stored = stored.expect(StatusCode::OK);
            assert_eq!((&stored["number"], &stored["description"], &stored["timeline"]), (&answer["number"], &answer["description"], &answer["timeline"]));
            let number = answer["number"].as_i64().unwrap();
            if index < 12 { numbers.push(number) } else { zhixin_numbers.push(number) }
        }
        numbers.sort_unstable();
        zhixin_numbers.sort_unstable();
        assert_eq!(numbers, (1..=12).collect::<Vec<_>>());
        assert_eq!(zhixin_numbers, (1..=5).collect::<Vec<_>>());
        let mine = app.get("/api/v1/work-orders?mine=true&limit=5", &bao).await;
        let mine = mine.expect(StatusCode::OK).clone();
        assert_eq!(mine["items"].as_array().unwrap().len(), 5);
        assert_eq!(mine["items"][0]["number"], 12, "newest first");
        let next = app.get(&format!("/api/v1/work-orders?mine=true&limit=5&cursor={}", mine["next_cursor"].as_str().unwrap()), &bao).await;
        assert_eq!(next.expect(StatusCode::OK)["items"][0]["number"], 7);
        // A resident's report is from the app, at their home building.
        let first = app.get(&format!("/api/v1/work-orders/{}", mine["items"][0]["id"]), &bao).await;
        let first = first.expect(StatusCode::OK);
        assert_eq!((first["channel"].as_str(), first["building"]["name"].as_str()), (Some("app"), Some("7号楼")));
    }

    async fn bad_reports_are_refused_and_nothing_is_stored(app: &TestApp) {
        let (bao, desk) = (app.token("bao").await, app.token("desk").await);
        let zhixin_building = building_id(app, app.zhixin().await, "1").await;
        let cases = [
            (json!({ "category": "noise", "description": "   " }), StatusCode::UNPROCESSABLE_ENTITY, "validation.required"),
            (json!({ "category": "ufo", "description": "不明飞行物" }), StatusCode::UNPROCESSABLE_ENTITY, "work_order.category_unknown"),
            (json!({ "category": "noise", "description": "吵", "building_id": zhixin_building }), StatusCode::UNPROCESSABLE_ENTITY, "work_order.building_unknown"),
            (json!({ "category": "noise", "description": "吵", "channel": "pigeon" }), StatusCode::UNPROCESSABLE_ENTITY, "work_order.channel_unknown"),
            (json!({ "category": "noise", "description": "吵", "guest_name": "路人" }), StatusCode::FORBIDDEN, "auth.forbidden"),
            (json!({ "category": "noise" }), StatusCode::UNPROCESSABLE_ENTITY, "request.invalid_body"),
        ];
        for (body, status, code) in cases {
            app.post("/api/v1/work-orders", &bao, body).await.expect_error(status, code);
        }
        app.post("/api/v1/work-orders", &desk, json!({ "category": "noise", "description": "吵", "reporter_id": 1, "guest_name": "路人" }))
            .await
            .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "work_order.reporter_ambiguous");
        app.post("/api/v1/work-orders", &desk, json!({ "category": "noise", "description": "吵", "guest_name": "路人", "channel": "app" }))
            .await
            .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "work_order.channel_for_staff");
        let zhou = app.person_id("zhou").await;
        app.post("/api/v1/work-orders", &desk, json!({ "category": "noise", "description": "吵", "reporter_id": zhou }))
            .await
            .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "work_order.reporter_unknown");
        let listed = app.get("/api/v1/work-orders", &desk).await;
        assert!(listed.expect(StatusCode::OK)["items"].as_array().unwrap().is_empty());
    }

    async fn overdue_is_counted_in_working_time_across_the_national_day(app: &TestApp) {
        let (bao, duty) = (app.token("bao").await, app.token("duty").await);
        // Wednesday 30 September, 16:00: one working hour left before the holiday week.
        app.clock.set(shanghai_time(9, 30, 16, 0));
        let order = app.post("/api/v1/work-orders", &bao, json!({ "category": "illegal_parking", "description": "消防通道被占" })).await;
        let id = order.expect(StatusCode::CREATED)["id"].as_i64().unwrap();
        let wuye_org = organisation_id(app, "城上城物业服务中心").await;
        let dispatched = act(app, &duty, id, "dispatch", json!({ "lead_organisation_id": wuye_org })).await;
        // 7 working days = 56 working hours: 1 on 30 September, none from 1 to 7 October,
        // 8 each on 8, 9, 10 (the swapped Saturday), 12, 13 and 14 October, and the last 7
        // on Thursday 15 October, until 16:00.
        let deadline = shanghai_time(10, 15, 16, 0);
        assert_eq!(dispatched.expect(StatusCode::OK)["deadlines"]["resolve"], json!(deadline));
        let app_state_rules = || linli_app::work_orders::jobs::run_due_rules(app.state());
        app.clock.set(deadline - chrono::Duration::minutes(1));
        assert_eq!(app_state_rules().await.unwrap().newly_overdue, 0);
        let overdue = app.get("/api/v1/work-orders?overdue=true", &duty).await;
        assert!(overdue.expect(StatusCode::OK)["items"].as_array().unwrap().is_empty());
        app.clock.set(deadline + chrono::Duration::minutes(1));
        assert_eq!(app_state_rules().await.unwrap().newly_overdue, 1);
        assert_eq!(app_state_rules().await.unwrap().newly_overdue, 0, "alerted once");
        let overdue = app.get("/api/v1/work-orders?overdue=true", &duty).await;
        assert_eq!(overdue.expect(StatusCode::OK)["items"][0]["id"], id);
        let detail = app.get(&format!("/api/v1/work-orders/{id}"), &duty).await;
        let detail = detail.expect(StatusCode::OK);
        assert_eq!(detail["deadlines"]["overdue"], true);
        assert_eq!(kinds(detail).last().map(String::as_str), Some("overdue_alerted"));
        let topics: Vec<String> = app.store.outbox_of(id).await.unwrap().into_iter().map(|(topic, _)| topic).collect();
        assert!(topics.contains(&"work_order.overdue".to_owned()), "{topics:?}");
        let for_bao = app.get(&format!("/api/v1/work-orders/{id}"), &bao).await;
        assert!(!kinds(for_bao.expect(StatusCode::OK)).contains(&"overdue_alerted".to_owned()));
    }

    async fn resolved_work_orders_close_by_rule_after_seven_days(app: &TestApp) {
        let (bao, duty, wuye) = (app.token("bao").await, app.token("duty").await, app.token("wuye").await);
        let id = app.post("/api/v1/work-orders", &bao, json!({ "category": "greenery", "description": "树枝挡住窗户" })).await.body["id"].as_i64().unwrap();
        act(app, &duty, id, "dispatch", json!({ "lead_organisation_id": organisation_id(app, "城上城物业服务中心").await })).await.expect(StatusCode::OK);
        act(app, &wuye, id, "sign", json!({})).await.expect(StatusCode::OK);
        act(app, &wuye, id, "resolve", json!({ "text": "已修剪" })).await.expect(StatusCode::OK);
        app.clock.advance(chrono::Duration::days(6));
        assert_eq!(linli_app::work_orders::jobs::run_due_rules(app.state()).await.unwrap().closed_by_rule, 0);
        app.clock.advance(chrono::Duration::days(1));
        assert_eq!(linli_app::work_orders::jobs::run_due_rules(app.state()).await.unwrap().closed_by_rule, 1);
        let detail = app.get(&format!("/api/v1/work-orders/{id}"), &bao).await;
        let detail = detail.expect(StatusCode::OK);
        assert_eq!((detail["status"].as_str(), detail["rating"].as_i64()), (Some("closed"), None));
        assert_eq!(kinds(detail).last().map(String::as_str), Some("closed_by_rule"));
    }

    async fn a_walk_in_without_an_account_is_visited_back_by_the_desk(app: &TestApp) {
        let (desk, duty, wuye, bao) = (app.token("desk").await, app.token("duty").await, app.token("wuye").await, app.token("bao").await);
        let community = app.chengshangcheng().await;
        let visit = app.post("/api/v1/visits", &desk, json!({
            "visitor_name": "王阿婆", "visitor_phone": "13700001234", "building_id": building_id(app, community, "9").await,
            "room_text": "9-1-601", "matter": "楼道灯坏了一个星期",
        })).await;
        let visit_id = visit.expect(StatusCode::CREATED)["id"].as_i64().unwrap();
        let order = app.post("/api/v1/work-orders", &desk, json!({
            "category": "corridor_lighting", "description": "9号楼1单元6楼楼道灯不亮", "guest_name": "王阿婆",
            "guest_phone": "13700001234", "building_id": building_id(app, community, "9").await, "visit_id": visit_id,
        })).await;
        let order = order.expect(StatusCode::CREATED).clone();
        let id = order["id"].as_i64().unwrap();
        assert_eq!(order["reporter"]["name"], "王阿婆");
        // The visit now points at its work order; it cannot become a second one.
        let visits = app.get("/api/v1/visits", &desk).await;
        assert_eq!(visits.expect(StatusCode::OK)[0]["work_order_number"], order["number"]);
        app.post("/api/v1/work-orders", &desk, json!({ "category": "noise", "description": "x", "guest_name": "王阿婆", "visit_id": visit_id }))
            .await
            .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "visit.not_linkable");
        // Staff who do not need the contact see it masked.
        let juwei = app.token("juwei").await;
        let masked = app.get(&format!("/api/v1/work-orders/{id}"), &juwei).await;
        assert_eq!(masked.expect(StatusCode::OK)["reporter"]["phone"], "137****1234");
        act(app, &duty, id, "dispatch", json!({ "lead_organisation_id": organisation_id(app, "城上城物业服务中心").await })).await.expect(StatusCode::OK);
        act(app, &wuye, id, "sign", json!({})).await.expect(StatusCode::OK);
        act(app, &wuye, id, "resolve", json!({ "text": "已换灯泡" })).await.expect(StatusCode::OK);
        // A guest's report taken at the desk is private: another resident cannot see it.
        act(app, &bao, id, "accept", json!({ "rating": 5 })).await.expect_error(StatusCode::NOT_FOUND, "work_order.not_found");
        let visited = act(app, &desk, id, "return_visit", json!({ "accepted": true, "rating": 4, "text": "电话回访，王阿婆说灯亮了" })).await;
        let visited = visited.expect(StatusCode::OK);
        assert_eq!((visited["status"].as_str(), visited["rating"].as_i64()), (Some("closed"), Some(4)));
        let last = visited["timeline"].as_array().unwrap().last().unwrap().clone();
        assert_eq!((last["kind"].as_str(), last["actor"].as_str()), (Some("return_visited"), Some("汤守英")));
    }

    async fn me_too_and_merging_duplicates(app: &TestApp) {
        let (bao, tang, li, duty) = (app.token("bao").await, app.token("tang").await, app.token("li").await, app.token("duty").await);
        let first = app.post("/api/v1/work-orders", &tang, json!({ "category": "stray_animals", "description": "9号楼楼上往下扔猫粮，流浪猫越来越多" })).await.body["id"].as_i64().unwrap();
        let duplicate = app.post("/api/v1/work-orders", &li, json!({ "category": "stray_animals", "description": "小区流浪猫太多" })).await.body["id"].as_i64().unwrap();
        let agreed = act(app, &bao, first, "me_too", json!({})).await;
        assert_eq!(agreed.expect(StatusCode::OK)["me_too_count"], 1);
        act(app, &bao, first, "me_too", json!({})).await.expect_error(StatusCode::CONFLICT, "work_order.already_followed");
        act(app, &tang, first, "me_too", json!({})).await.expect_error(StatusCode::FORBIDDEN, "work_order.not_allowed");
        let merged = act(app, &duty, duplicate, "merge", json!({ "into_work_order_id": first, "text": "同一问题" })).await;
        assert_eq!(merged.expect(StatusCode::OK)["status"], "cancelled");
        // li now follows the survivor and finds it among their own.
        let mine = app.get("/api/v1/work-orders?mine=true", &li).await;
        let ids: Vec<i64> = mine.expect(StatusCode::OK)["items"].as_array().unwrap().iter().map(|item| item["id"].as_i64().unwrap()).collect();
        assert!(ids.contains(&first) && ids.contains(&duplicate), "{ids:?}");
        act(app, &duty, first, "merge", json!({ "into_work_order_id": first }))
            .await
            .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "work_order.merge_target_invalid");
    }

    async fn extensions_are_asked_and_decided(app: &TestApp) {
        let (bao, duty, wuye, shuji) = (app.token("bao").await, app.token("duty").await, app.token("wuye").await, app.token("shuji").await);
        let id = app.post("/api/v1/work-orders", &bao, json!({ "category": "repairs", "description": "单元门禁坏了" })).await.body["id"].as_i64().unwrap();
        act(app, &duty, id, "dispatch", json!({ "lead_organisation_id": organisation_id(app, "城上城物业服务中心").await })).await.expect(StatusCode::OK);
        act(app, &wuye, id, "sign", json!({})).await.expect(StatusCode::OK);
        let until = app.clock.now() + chrono::Duration::days(5);
        act(app, &wuye, id, "request_extension", json!({ "until": until, "text": "配件要从厂家订" })).await.expect(StatusCode::OK);
        act(app, &wuye, id, "request_extension", json!({ "until": until, "text": "再问一次" }))
            .await
            .expect_error(StatusCode::CONFLICT, "work_order.extension_pending");
        act(app, &wuye, id, "decide_extension", json!({ "grant": true })).await.expect_error(StatusCode::FORBIDDEN, "work_order.not_allowed");
        let granted = act(app, &shuji, id, "decide_extension", json!({ "grant": true, "text": "同意" })).await;
        let granted = granted.expect(StatusCode::OK);
        assert_eq!(granted["deadlines"]["resolve"], json!(until));
        assert!(granted["extension_requested_until"].is_null());
        act(app, &shuji, id, "supervise", json!({ "text": "请本周内修好" })).await.expect(StatusCode::OK);
        let for_bao = app.get(&format!("/api/v1/work-orders/{id}"), &bao).await;
        let for_bao = for_bao.expect(StatusCode::OK);
        assert!(kinds(for_bao).contains(&"extension_granted".to_owned()), "the reporter is told");
        assert!(!kinds(for_bao).contains(&"supervised".to_owned()));
    }

    async fn categories_and_the_holiday_calendar(app: &TestApp) {
        let bao = app.token("bao").await;
        let categories = app.get("/api/v1/categories", &bao).await;
        let categories = categories.expect(StatusCode::OK).as_array().unwrap().clone();
        assert_eq!(categories.len(), 12);
        let throwing = categories.iter().find(|category| category["code"] == "high_altitude_throwing").unwrap();
        assert_eq!((throwing["name"].as_str(), throwing["icon"].as_str()), (Some("高空抛物"), Some("🏢")));
        assert_eq!(throwing["resolve_limit"], json!({ "kind": "working_minutes", "minutes": 3360 }));
        let hazard = categories.iter().find(|category| category["code"] == "safety_hazard").unwrap();
        assert_eq!(hazard["resolve_limit"], json!({ "kind": "calendar_minutes", "minutes": 120 }));

        let holidays = app.get("/api/v1/holidays/2026", &bao).await;
        let holidays = holidays.expect(StatusCode::OK).as_array().unwrap().clone();
        assert!(holidays.iter().any(|day| day["day"] == "2026-10-10" && day["kind"] == "work"));
        let admin = app.token("admin").await;
        let next_year = json!([{ "day": "2027-01-01", "kind": "off", "name": "元旦" }]);
        app.request(reqwest::Method::PUT, "/api/v1/holidays/2027", Some(&bao), Some(next_year.clone()))
            .await
            .expect_error(StatusCode::FORBIDDEN, "auth.forbidden");
        app.request(reqwest::Method::PUT, "/api/v1/holidays/2027", Some(&admin), Some(json!([{ "day": "2026-01-01", "kind": "off", "name": "元旦" }])))
            .await
            .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "calendar.day_outside_year");
        app.request(reqwest::Method::PUT, "/api/v1/holidays/2027", Some(&admin), Some(next_year)).await.expect(StatusCode::NO_CONTENT);
        assert_eq!(app.get("/api/v1/holidays/2027", &bao).await.body.as_array().unwrap().len(), 1);
    }
}

both_engines! {
    async fn the_demo_tells_the_story_of_112(app: &TestApp) {
        let today = shanghai_time(11, 25, 10, 0);
        assert!(linli::demo_story::load(&app.store, app.database.blobs.clone(), today).await.unwrap());
        assert!(!linli::demo_story::load(&app.store, app.database.blobs.clone(), today).await.unwrap(), "loading twice adds nothing");
        let community = CommunityId(app.chengshangcheng().await);
        let order = app.store.work_order_by_number(community, 112).await.unwrap();
        // Decided at the meeting of 10月29日, cameras up on 11月18日: resolved, waiting
        // for 包爷叔's word.
        assert_eq!((order.status.as_str(), order.channel.as_str()), ("resolved", "walk_in"));
        assert_eq!(order.reporter_id, Some(app.person_id("bao").await));
        assert_eq!(order.lead_organisation_id, Some(organisation_id(app, "城上城物业服务中心").await));
        let building = app.store.building(linli_domain::ids::BuildingId(order.building_id.unwrap())).await.unwrap();
        assert_eq!(building.name, "7号楼");
        // The inboxes hold the story, but only its last two days are new.
        let duty_inbox = app.get("/api/v1/notifications", &app.token("duty").await).await;
        let duty_inbox = duty_inbox.expect(StatusCode::OK);
        assert!(duty_inbox["items"].as_array().unwrap().len() >= 50, "{duty_inbox}");
        assert!(duty_inbox["unread"].as_i64().unwrap() <= 20, "not hundreds unread: {}", duty_inbox["unread"]);
        let tang = app.store.work_order_by_number(community, 113).await.unwrap();
        assert_eq!((tang.status.as_str(), tang.reporter_id), ("on_hold", Some(app.person_id("tang").await)), "awaiting the TNR project");
        assert!(tang.description.contains("猫粮"));
        let last = app.store.work_order_by_number(community, 113 + 140).await.unwrap();
        assert!(last.created_at <= today);
        // The history has every kind of ending.
        let duty = app.token("duty").await;
        // A range of whole months (read from the roll-ups) agrees with the work orders
        // themselves: everything reported from August to today, by Shanghai days.
        let shuji = app.token("shuji").await;
        let stats = app.get(&format!("/api/v1/statistics?community_id={}&from=2026-08-01&to=2026-11-25", community.0), &shuji).await;
        let created = stats.expect(StatusCode::OK)["totals"]["created"].as_i64().unwrap();
        let mut listed = 0;
        let mut cursor = String::new();
        loop {
            let page = app.get(&format!("/api/v1/work-orders?created_from=2026-07-31T16:00:00Z&limit=200{cursor}"), &duty).await;
            let page = page.expect(StatusCode::OK).clone();
            listed += page["items"].as_array().unwrap().len();
            match page["next_cursor"].as_str() {
                Some(next) => cursor = format!("&cursor={next}"),
                None => break,
            }
        }
        assert!(created > 200, "months of history: {created}");
        assert_eq!(usize::try_from(created).unwrap(), listed);
        for status in ["closed", "in_progress", "resolved"] {
            let page = app.get(&format!("/api/v1/work-orders?status={status}&limit=1"), &duty).await;
            assert_eq!(page.expect(StatusCode::OK)["items"].as_array().unwrap().len(), 1, "{status}");
        }
        crate::demo_story::meetings_projects_and_funds(app, order.id, tang.id).await;
        crate::demo_story::volunteers(app).await;
    }
}

both_engines! {
    async fn statistics_follow_every_change(app: &TestApp) {
        let (desk, duty, wuye, bao, shuji) = (app.token("desk").await, app.token("duty").await, app.token("wuye").await, app.token("bao").await, app.token("shuji").await);
        let community = app.chengshangcheng().await;
        let wuye_org = organisation_id(app, "城上城物业服务中心").await;
        let id = desk_reports_for_bao(app, &desk).await["id"].as_i64().unwrap();
        act(app, &duty, id, "dispatch", json!({ "lead_organisation_id": wuye_org })).await.expect(StatusCode::OK);
        app.clock.advance(chrono::Duration::minutes(40));
        act(app, &wuye, id, "sign", json!({})).await.expect(StatusCode::OK);
        act(app, &wuye, id, "resolve", json!({ "text": "装了摄像头" })).await.expect(StatusCode::OK);
        act(app, &bao, id, "reject", json!({ "text": "还在扔" })).await.expect(StatusCode::OK);
        act(app, &wuye, id, "resolve", json!({ "text": "上门劝导" })).await.expect(StatusCode::OK);
        act(app, &bao, id, "accept", json!({ "rating": 5 })).await.expect(StatusCode::OK);
        let other = app.post("/api/v1/work-orders", &bao, json!({ "category": "noise", "description": "楼上太吵" })).await.body["id"].as_i64().unwrap();
        act(app, &bao, other, "cancel", json!({ "text": "已经和邻居谈好了" })).await.expect(StatusCode::OK);
        app.post("/api/v1/work-orders", &bao, json!({ "category": "greenery", "description": "草坪积水" })).await.expect(StatusCode::CREATED);

        let path = format!("/api/v1/statistics?community_id={community}&from=2026-10-01&to=2026-10-31");
        let stats = app.get(&path, &shuji).await;
        let stats = stats.expect(StatusCode::OK);
        let totals = &stats["totals"];
        assert_eq!(
            [&totals["created"], &totals["dispatched"], &totals["signed"], &totals["signed_in_time"], &totals["resolved"], &totals["accepted"], &totals["rated"], &totals["satisfied"], &totals["reopened"], &totals["cancelled"]],
            [&json!(3), &json!(1), &json!(1), &json!(1), &json!(2), &json!(1), &json!(1), &json!(1), &json!(1), &json!(1)]
        );
        assert_eq!((totals["response_rate"].as_f64(), totals["resolution_rate"].as_f64(), totals["satisfaction_rate"].as_f64()), (Some(1.0), Some(0.5), Some(1.0)));
        assert_eq!(stats["median_minutes_to_sign"], json!(45.0), "one signing after 40 minutes: the middle of the 30–60 bucket");
        let property = stats["by_organisation"].as_array().unwrap().iter().find(|slice| slice["id"] == wuye_org).unwrap().clone();
        assert_eq!((property["name"].as_str(), property["resolved"].as_i64()), (Some("城上城物业服务中心"), Some(2)));
        let throwing = stats["by_category"].as_array().unwrap().iter().find(|slice| slice["name"] == "高空抛物").unwrap().clone();
        assert_eq!(throwing["created"], 1);
        assert_eq!(stats["by_month"][0]["key"], "2026-10");
        assert_eq!(stats["now"]["by_status"], json!({ "cancelled": 1, "closed": 1, "submitted": 1 }));
        assert_eq!((stats["now"]["open"].as_i64(), stats["now"]["overdue"].as_i64()), (Some(1), Some(0)));
        // Read from the monthly roll-up (October is a whole month of this range, November the
        // month still read by days): the same figures.
        let wider = app.get(&format!("/api/v1/statistics?community_id={community}&from=2026-09-15&to=2026-11-30"), &shuji).await;
        let wider = wider.expect(StatusCode::OK);
        for key in ["totals", "by_category", "by_building", "by_organisation", "median_minutes_to_sign", "median_minutes_to_resolve"] {
            assert_eq!(wider[key], stats[key], "{key}");
        }
        assert_eq!(wider["by_month"], stats["by_month"]);

        // Another month is empty; residents and handlers see no statistics; the street
        // overseer sees the street.
        let november = app.get(&format!("/api/v1/statistics?community_id={community}&from=2026-11-01&to=2026-11-30"), &shuji).await;
        assert_eq!(november.expect(StatusCode::OK)["totals"]["created"], 0);
        app.get(&path, &bao).await.expect_error(StatusCode::FORBIDDEN, "auth.forbidden");
        app.get(&path, &wuye).await.expect_error(StatusCode::FORBIDDEN, "auth.forbidden");
        let jiedao = app.token("jiedao").await;
        let street = app.get("/api/v1/statistics?street_id=1&from=2026-10-01&to=2026-10-31", &jiedao).await;
        let street = street.expect(StatusCode::OK);
        assert_eq!(street["communities"].as_array().unwrap().len(), 2);
        assert_eq!(street["totals"]["created"], 3);
        // A street's buildings are named with their community: every community has a 1号楼.
        let community_name = app.get(&format!("/api/v1/communities/{community}"), &shuji).await.expect(StatusCode::OK)["name"].as_str().unwrap().to_owned();
        let named = |report: &Value, key: &str| -> Vec<String> {
            report[key].as_array().unwrap().iter().filter_map(|row| row["name"].as_str().map(str::to_owned)).collect()
        };
        let buildings = named(stats, "by_building");
        assert!(!buildings.is_empty());
        for building in buildings {
            assert!(named(street, "by_building").contains(&format!("{community_name} {building}")), "{building}");
        }
        assert_eq!(named(street, "by_organisation"), named(stats, "by_organisation"));
        app.get("/api/v1/statistics?street_id=1", &shuji).await.expect_error(StatusCode::FORBIDDEN, "auth.forbidden");
        app.get(&format!("/api/v1/statistics?community_id={community}&from=2026-10-31&to=2026-10-01"), &shuji)
            .await
            .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "statistics.range_invalid");
    }
}

both_engines! {
    async fn administrators_configure_categories(app: &TestApp) {
        let (admin, duty, bao) = (app.token("admin").await, app.token("duty").await, app.token("bao").await);
        let community = app.chengshangcheng().await;
        let created = app.post("/api/v1/categories", &admin, json!({
            "community_id": community, "code": "elevator", "name": "电梯故障", "name_en": "Lift", "icon": "🛗",
            "sign_limit": { "kind": "calendar_minutes", "minutes": 30 },
            "resolve_limit": { "kind": "calendar_minutes", "minutes": 1440 },
        })).await;
        let created = created.expect(StatusCode::CREATED).clone();
        assert_eq!((created["code"].as_str(), created["resolve_limit_minutes"].as_i64()), (Some("elevator"), Some(1440)));
        let id = created["id"].as_i64().unwrap();
        app.post("/api/v1/categories", &admin, json!({
            "community_id": community, "code": "elevator", "name": "电梯", "sign_limit": { "kind": "same_working_day" },
            "resolve_limit": { "kind": "same_working_day" },
        }))
        .await
        .expect_error(StatusCode::CONFLICT, "work_order.category_exists");
        app.post("/api/v1/categories", &duty, json!({ "community_id": community, "code": "x1", "name": "x" }))
            .await
            .expect_error(StatusCode::FORBIDDEN, "auth.forbidden");
        let path = format!("/api/v1/categories/{id}");
        let patch = |body: Value| app.request(reqwest::Method::PATCH, &path, Some(&admin), Some(body));
        patch(json!({ "resolve_limit": { "kind": "working_minutes", "minutes": 0 } }))
            .await
            .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "validation.out_of_range");
        patch(json!({ "code": "lift" })).await.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "work_order.category_code_fixed");
        let changed = patch(json!({ "resolve_limit": { "kind": "working_minutes", "minutes": 480 } })).await;
        assert_eq!(changed.expect(StatusCode::OK)["resolve_limit_kind"], "working_minutes");
        // Residents see it and report under it; once withdrawn it is no longer offered.
        let offered = app.get("/api/v1/categories", &bao).await;
        assert!(offered.expect(StatusCode::OK).as_array().unwrap().iter().any(|category| category["code"] == "elevator"));
        app.post("/api/v1/work-orders", &bao, json!({ "category": "elevator", "description": "电梯卡在5楼" })).await.expect(StatusCode::CREATED);
        patch(json!({ "active": false })).await.expect(StatusCode::OK);
        app.post("/api/v1/work-orders", &bao, json!({ "category": "elevator", "description": "电梯又坏了" }))
            .await
            .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "work_order.category_unknown");
    }
}

both_engines! {
    async fn a_handler_queue_sorted_by_deadline_pages_through_every_row(app: &TestApp) {
        let (bao, duty) = (app.token("bao").await, app.token("duty").await);
        let wuye_org = organisation_id(app, "城上城物业服务中心").await;
        let mut ids = Vec::new();
        for (category, dispatch) in [("greenery", true), ("repairs", true), ("noise", false), ("sanitation", true)] {
            let id = app.post("/api/v1/work-orders", &bao, json!({ "category": category, "description": "排序测试" })).await.body["id"].as_i64().unwrap();
            if dispatch {
                act(app, &duty, id, "dispatch", json!({ "lead_organisation_id": wuye_org })).await.expect(StatusCode::OK);
            }
            app.clock.advance(chrono::Duration::minutes(5));
            ids.push(id);
        }
        // noise, waiting for the duty officer: 2 working hours to dispatch it; repairs: the
        // same working day; greenery, then sanitation: 7 working days.
        let expected = vec![ids[2], ids[1], ids[0], ids[3]];
        let mut seen = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let path = match &cursor {
                Some(cursor) => format!("/api/v1/work-orders?sort=deadline&limit=1&cursor={cursor}"),
                None => "/api/v1/work-orders?sort=deadline&limit=1".to_owned(),
            };
            let page = app.get(&path, &duty).await;
            let page = page.expect(StatusCode::OK).clone();
            seen.extend(page["items"].as_array().unwrap().iter().map(|item| item["id"].as_i64().unwrap()));
            match page["next_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_owned()),
                None => break,
            }
        }
        assert_eq!(seen, expected);
        app.get("/api/v1/work-orders?sort=deadline&cursor=tomorrow.3", &duty).await.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "work_order.cursor_invalid");
        app.get("/api/v1/work-orders?sort=urgency", &duty).await.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "work_order.sort_unknown");
    }
}
