//! Dispatch modes through HTTP: a category in grab mode lets its registered handlers take
//! waiting work orders up to their cap (two at once: exactly one gets it), a round-robin
//! category hands new work orders to its handlers in turn (those on duty first), and the
//! duty officer may name the handler who has a work order.

use crate::helpers::TestApp;
use crate::meetings::organisation;
use crate::pages::signed_in;
use linli_domain::ids::CommunityId;
use reqwest::header::COOKIE;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn category(app: &TestApp, code: &str) -> i64 {
    let community = app.chengshangcheng().await;
    app.store
        .categories(CommunityId(community))
        .await
        .unwrap()
        .into_iter()
        .find(|category| category.code == code)
        .unwrap()
        .id
}

/// Puts a category in a mode with a cap, and registers these handlers for it.
async fn set_mode(app: &TestApp, code: &str, mode: &str, cap: i64, handlers: &[&str]) -> i64 {
    let id = category(app, code).await;
    let admin = app.token("admin").await;
    let changed = app
        .request(
            Method::PATCH,
            &format!("/api/v1/categories/{id}"),
            Some(&admin),
            Some(json!({ "dispatch_mode": mode, "open_cap": cap })),
        )
        .await;
    assert_eq!(changed.expect(StatusCode::OK)["dispatch_mode"], mode);
    let mut people = Vec::new();
    for login in handlers {
        people.push(app.person_id(login).await);
    }
    let duty = app.token("duty").await;
    let registered = app
        .request(
            Method::PUT,
            &format!("/api/v1/categories/{id}/handlers"),
            Some(&duty),
            Some(json!({ "person_ids": people })),
        )
        .await;
    assert_eq!(
        registered.expect(StatusCode::OK).as_array().unwrap().len(),
        handlers.len()
    );
    id
}

async fn report(app: &TestApp, token: &str, code: &str, text: &str) -> Value {
    app.post(
        "/api/v1/work-orders",
        token,
        json!({ "category": code, "description": text }),
    )
    .await
    .expect(StatusCode::CREATED)
    .clone()
}

async fn grab(app: &TestApp, token: &str, id: i64) -> crate::helpers::Response {
    app.post(
        &format!("/api/v1/work-orders/{id}/actions/grab"),
        token,
        json!({}),
    )
    .await
}

fn numbers(list: &Value) -> Vec<i64> {
    list["work_orders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|order| order["number"].as_i64().unwrap())
        .collect()
}

both_engines! {
    async fn registered_handlers_grab_waiting_work_orders_up_to_their_cap(app: &TestApp) {
        let community = app.chengshangcheng().await;
        set_mode(app, "noise", "grab", 1, &["wuye", "juwei"]).await;
        let (bao, wuye, juwei, yewei, duty) = (app.token("bao").await, app.token("wuye").await,
            app.token("juwei").await, app.token("yewei").await, app.token("duty").await);
        let first = report(app, &bao, "noise", "楼上半夜拖椅子，声音很大").await;
        let second = report(app, &bao, "noise", "楼下广场舞音响太响").await;
        let (first_id, second_id) = (first["id"].as_i64().unwrap(), second["id"].as_i64().unwrap());

        // Registered handlers see both, the longest waiting first; others see none.
        let list = app.get("/api/v1/work-orders/grabbable", &wuye).await.expect(StatusCode::OK).clone();
        assert_eq!(numbers(&list), vec![first["number"].as_i64().unwrap(), second["number"].as_i64().unwrap()]);
        assert_eq!(list["open"], 0);
        let none = app.get("/api/v1/work-orders/grabbable", &yewei).await.expect(StatusCode::OK).clone();
        assert!(numbers(&none).is_empty());
        app.get("/api/v1/work-orders/grabbable", &bao).await.expect_error(StatusCode::FORBIDDEN, "auth.forbidden");
        let detail = app.get(&format!("/api/v1/work-orders/{first_id}"), &wuye).await.expect(StatusCode::OK).clone();
        assert!(detail["allowed_actions"].as_array().unwrap().contains(&json!("grab")), "{detail}");

        // Someone not registered may not; a registered handler takes it, signed at once.
        grab(app, &yewei, first_id).await.expect_error(StatusCode::FORBIDDEN, "work_order.not_allowed");
        let taken = grab(app, &wuye, first_id).await.expect(StatusCode::OK).clone();
        assert_eq!(taken["status"], "in_progress");
        assert_eq!(taken["lead_organisation"]["id"].as_i64().unwrap(), organisation(app, community, "城上城物业服务中心").await);
        assert_eq!(taken["assignee"]["id"].as_i64().unwrap(), app.person_id("wuye").await);
        assert!(taken["deadlines"]["resolve"].is_string() && !taken["signed_at"].is_null(), "{taken}");
        assert!(taken["timeline"].as_array().unwrap().iter().any(|event| event["kind"] == "grabbed"));
        grab(app, &juwei, first_id).await.expect_error(StatusCode::CONFLICT, "work_order.already_taken");

        // At the cap of one, the second waits; nothing about it changed.
        grab(app, &wuye, second_id).await.expect_error(StatusCode::CONFLICT, "work_order.grab_cap_reached");
        let waiting = app.get(&format!("/api/v1/work-orders/{second_id}"), &duty).await.expect(StatusCode::OK).clone();
        assert_eq!((waiting["status"].as_str(), waiting["assignee"].is_null()), (Some("submitted"), true));
        assert_eq!(app.get("/api/v1/work-orders/grabbable", &wuye).await.expect(StatusCode::OK)["open"], 1);

        // Resolved, it no longer counts: the second can be taken, on the handler's page.
        app.post(&format!("/api/v1/work-orders/{first_id}/actions/resolve"), &wuye, json!({ "text": "已上门提醒" }))
            .await.expect(StatusCode::OK);
        let mut page = signed_in(app, "wuye").await;
        let queue = page.get("/queue?view=mine").await;
        assert!(queue.body.contains("可抢单") && queue.body.contains(&format!("/orders/{second_id}")), "{}", queue.body);
        let order_page = page.get(&format!("/orders/{second_id}")).await;
        assert!(order_page.body.contains(&format!("action=\"/orders/{second_id}/actions/grab\"")));
        let form = reqwest::multipart::Form::new().text("csrf", page.csrf()).text("version", waiting["version"].to_string());
        let answer = page.client.post(app.url(&format!("/orders/{second_id}/actions/grab")))
            .header(COOKIE, page.cookie_header()).multipart(form).send().await.unwrap();
        assert!(answer.status().is_redirection() || answer.status().is_success(), "{}", answer.status());
        let mine = app.get(&format!("/api/v1/work-orders?assignee_id={}&status=in_progress", app.person_id("wuye").await), &duty)
            .await.expect(StatusCode::OK).clone();
        assert_eq!(mine["items"].as_array().unwrap().len(), 1);
        assert_eq!(mine["items"][0]["id"], second_id);

        // The reporter sees it taken by the party, not who in it has it.
        let seen = app.get(&format!("/api/v1/work-orders/{second_id}"), &bao).await.expect(StatusCode::OK).clone();
        assert_eq!((seen["status"].as_str(), seen["assignee"].is_null()), (Some("in_progress"), true));
    }

    async fn two_handlers_grabbing_one_work_order_at_once_exactly_one_gets_it(app: &TestApp) {
        set_mode(app, "noise", "grab", 50, &["wuye", "juwei"]).await;
        let (bao, wuye, juwei) = (app.token("bao").await, app.token("wuye").await, app.token("juwei").await);
        for round in 0..6 {
            let id = report(app, &bao, "noise", &format!("第{round}次：楼上噪音")).await["id"].as_i64().unwrap();
            let (a, b) = tokio::join!(grab(app, &wuye, id), grab(app, &juwei, id));
            let winners = [&a, &b].iter().filter(|answer| answer.status == StatusCode::OK).count();
            assert_eq!(winners, 1, "round {round}: {} {} / {} {}", a.status, a.body, b.status, b.body);
            let loser = if a.status == StatusCode::OK { &b } else { &a };
            loser.expect_error(StatusCode::CONFLICT, "work_order.already_taken");
            let winner = if a.status == StatusCode::OK { "wuye" } else { "juwei" };
            let order = app.get(&format!("/api/v1/work-orders/{id}"), &wuye).await.expect(StatusCode::OK).clone();
            assert_eq!(order["assignee"]["id"].as_i64().unwrap(), app.person_id(winner).await);
            let grabs = order["timeline"].as_array().unwrap().iter().filter(|event| event["kind"] == "grabbed").count();
            assert_eq!(grabs, 1);
        }
        // One handler grabbing four at once with a cap of two: exactly two are theirs.
        set_mode(app, "greenery", "grab", 2, &["wuye"]).await;
        let mut ids = Vec::new();
        for n in 0..4 {
            ids.push(report(app, &bao, "greenery", &format!("第{n}棵树枝挡窗")).await["id"].as_i64().unwrap());
        }
        // The noise ones taken above count too: resolve wuye's first.
        let taken = app.get(&format!("/api/v1/work-orders?assignee_id={}&status=in_progress&limit=50", app.person_id("wuye").await), &wuye)
            .await.expect(StatusCode::OK).clone();
        for order in taken["items"].as_array().unwrap() {
            app.post(&format!("/api/v1/work-orders/{}/actions/resolve", order["id"]), &wuye, json!({ "text": "已处理" }))
                .await.expect(StatusCode::OK);
        }
        let answers = futures_util::future::join_all(ids.iter().map(|id| grab(app, &wuye, *id))).await;
        let won = answers.iter().filter(|answer| answer.status == StatusCode::OK).count();
        assert_eq!(won, 2, "{:?}", answers.iter().map(|answer| (answer.status, answer.code().to_owned())).collect::<Vec<_>>());
        for answer in answers.iter().filter(|answer| answer.status != StatusCode::OK) {
            answer.expect_error(StatusCode::CONFLICT, "work_order.grab_cap_reached");
        }
    }

    async fn round_robin_hands_new_work_orders_out_in_turn_those_on_duty_first(app: &TestApp) {
        set_mode(app, "noise", "round_robin", 2, &["wuye", "juwei", "yewei"]).await;
        let (bao, duty) = (app.token("bao").await, app.token("duty").await);
        let handlers = [app.person_id("wuye").await, app.person_id("juwei").await, app.person_id("yewei").await];
        let mut given = Vec::new();
        for n in 0..6 {
            let order = report(app, &bao, "noise", &format!("第{n}次：夜间噪音")).await;
            assert_eq!(order["status"], "dispatched", "{order}");
            let seen = app.get(&format!("/api/v1/work-orders/{}", order["id"]), &duty).await.expect(StatusCode::OK).clone();
            given.push(seen["assignee"]["id"].as_i64().unwrap());
            assert!(seen["timeline"].as_array().unwrap().iter().any(|event| event["kind"] == "dispatched"));
        }
        // Each in turn, and each once before anyone twice.
        let mut first_round = given[..3].to_vec();
        first_round.sort_unstable();
        let mut expected = handlers.to_vec();
        expected.sort_unstable();
        assert_eq!(first_round, expected);
        assert_eq!(&given[3..], &given[..3], "the same order again");
        // Everyone at the cap: the next one waits for the duty officer.
        let waiting = report(app, &bao, "noise", "又是噪音").await;
        assert_eq!(waiting["status"], "submitted");

        // A handler holding a shift of the roster now comes first.
        set_mode(app, "greenery", "round_robin", 5, &["wuye", "juwei"]).await;
        let shuji = app.token("shuji").await;
        app.post("/api/v1/roster/shifts", &shuji, json!({ "day": "2026-10-27", "half": "am", "post": "duty",
            "person_id": handlers[1] })).await.expect(StatusCode::CREATED);
        for n in 0..2 {
            let order = report(app, &bao, "greenery", &format!("第{n}处草坪被踩坏")).await;
            let seen = app.get(&format!("/api/v1/work-orders/{}", order["id"]), &duty).await.expect(StatusCode::OK).clone();
            assert_eq!(seen["assignee"]["id"].as_i64().unwrap(), handlers[1], "on duty: juwei, twice");
        }
    }

    async fn the_duty_officer_names_a_handler_of_the_lead_party(app: &TestApp) {
        let community = app.chengshangcheng().await;
        let property = organisation(app, community, "城上城物业服务中心").await;
        let (bao, duty) = (app.token("bao").await, app.token("duty").await);
        let id = report(app, &bao, "noise", "电梯异响").await["id"].as_i64().unwrap();
        let path = format!("/api/v1/work-orders/{id}/actions/dispatch");
        let dispatch = |assignee: i64| app.post(&path, &duty,
            json!({ "lead_organisation_id": property, "assignee_id": assignee }));
        dispatch(app.person_id("juwei").await).await.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "work_order.assignee_unknown");
        dispatch(app.person_id("bao").await).await.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "work_order.assignee_unknown");
        let unchanged = app.get(&format!("/api/v1/work-orders/{id}"), &duty).await.expect(StatusCode::OK).clone();
        assert_eq!(unchanged["status"], "submitted");
        let dispatched = dispatch(app.person_id("wuye").await).await.expect(StatusCode::OK).clone();
        assert_eq!(dispatched["assignee"]["name"], "刘岭春");
        // Sent back to the duty officer, it has nobody again.
        let wuye = app.token("wuye").await;
        let returned = app.post(&format!("/api/v1/work-orders/{id}/actions/return"), &wuye, json!({ "text": "不归物业管" }))
            .await.expect(StatusCode::OK).clone();
        assert!(returned["assignee"].is_null(), "{returned}");
        // The page offers the community's handlers.
        let mut page = signed_in(app, "duty").await;
        let detail = page.get(&format!("/orders/{id}")).await;
        assert!(detail.body.contains("name=\"assignee_id\"") && detail.body.contains("刘岭春（城上城物业服务中心）"));
    }

    async fn dispatch_settings_refuse_bad_input_and_strangers(app: &TestApp) {
        let id = category(app, "noise").await;
        let (admin, bao, duty) = (app.token("admin").await, app.token("bao").await, app.token("duty").await);
        for (body, code, field) in [
            (json!({ "dispatch_mode": "抢单" }), "category.dispatch_mode_unknown", "dispatch_mode"),
            (json!({ "open_cap": 0 }), "category.open_cap_invalid", "open_cap"),
            (json!({ "open_cap": 51 }), "category.open_cap_invalid", "open_cap"),
        ] {
            let refused = app.request(Method::PATCH, &format!("/api/v1/categories/{id}"), Some(&admin), Some(body)).await;
            refused.expect_error(StatusCode::UNPROCESSABLE_ENTITY, code);
            assert_eq!(refused.body["error"]["field"], field);
        }
        let settings = app.get(&format!("/api/v1/categories?community_id={}", app.chengshangcheng().await), &admin).await;
        assert!(settings.body.to_string().contains("\"dispatch_mode\":\"assign\""), "{}", settings.body);
        let put = |token: &str, people: Value| {
            let token = token.to_owned();
            async move {
                app.request(Method::PUT, &format!("/api/v1/categories/{id}/handlers"), Some(&token), Some(json!({ "person_ids": people }))).await
            }
        };
        put(&bao, json!([])).await.expect_error(StatusCode::FORBIDDEN, "auth.forbidden");
        let wuye = app.token("wuye").await;
        put(&wuye, json!([])).await.expect_error(StatusCode::FORBIDDEN, "auth.forbidden");
        put(&duty, json!([app.person_id("bao").await])).await.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "category.handler_unknown");
        put(&duty, json!(["x"])).await.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "request.invalid_body");
        let nobody = app.get(&format!("/api/v1/categories/{id}/handlers"), &duty).await.expect(StatusCode::OK).clone();
        assert_eq!(nobody, json!([]), "nothing was registered by the refused requests");
        app.get(&format!("/api/v1/categories/{id}/handlers"), &bao).await.expect_error(StatusCode::FORBIDDEN, "auth.forbidden");
    }
}
