//! The inbox as a resident meets it: they hear of each step of their report, newest
//! first, in their own language; opening the work order reads its messages.

use crate::helpers::TestApp;
use crate::pages::Visitor;
use linli_domain::ids::CommunityId;
use reqwest::StatusCode;
use reqwest::header::ACCEPT_LANGUAGE;
use serde_json::{Value, json};

async fn property_company(app: &TestApp) -> i64 {
    let community = CommunityId(app.chengshangcheng().await);
    let organisations = app.store.organisations(community).await.unwrap();
    organisations
        .into_iter()
        .find(|organisation| organisation.name == "城上城物业服务中心")
        .unwrap()
        .id
}

async fn fan_out(app: &TestApp) {
    while linli_app::notifications::fan_out_pending(app.state())
        .await
        .unwrap()
        > 0
    {}
}

async fn inbox_in(app: &TestApp, token: &str, language: &str) -> Value {
    let response = reqwest::Client::new()
        .get(app.url("/api/v1/notifications"))
        .bearer_auth(token)
        .header(ACCEPT_LANGUAGE, language)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

fn bodies(inbox: &Value) -> Vec<String> {
    inbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["body"].as_str().unwrap().to_owned())
        .collect()
}

both_engines! {
    async fn a_resident_hears_of_each_step_newest_first_in_their_language(app: &TestApp) {
        let (bao, duty, wuye) = (app.token("bao").await, app.token("duty").await, app.token("wuye").await);
        let created = app.post("/api/v1/work-orders", &bao, json!({ "category": "corridor_lighting", "description": "3单元楼道灯坏了" })).await;
        let created = created.expect(StatusCode::CREATED).clone();
        let (id, number) = (created["id"].as_i64().unwrap(), created["number"].as_i64().unwrap());
        let step = |action: &'static str, token: String, body: Value| async move {
            app.clock.advance(chrono::Duration::minutes(10));
            app.post(&format!("/api/v1/work-orders/{id}/actions/{action}"), &token, body).await.expect(StatusCode::OK);
        };
        step("dispatch", duty.clone(), json!({ "lead_organisation_id": property_company(app).await })).await;
        step("sign", wuye.clone(), json!({})).await;
        step("resolve", wuye.clone(), json!({ "text": "已更换灯泡" })).await;
        fan_out(app).await;

        let inbox = inbox_in(app, &bao, "zh-CN").await;
        assert_eq!(inbox["unread"], 3);
        assert_eq!(
            bodies(&inbox),
            [
                format!("您反映的 {number} 楼道照明 已办结，请验收评价"),
                format!("您反映的 {number} 楼道照明 已由城上城物业服务中心签收，正在处理"),
                format!("您反映的 {number} 楼道照明 已受理，交由城上城物业服务中心办理"),
            ],
            "已受理, 已签收, 已办结, newest first"
        );
        let english = inbox_in(app, &bao, "en").await;
        assert_eq!(
            bodies(&english)[2],
            format!("Your report {number} Corridor lighting is accepted and given to 城上城物业服务中心"),
            "the same message in the reader's language"
        );

        // Opening the work order reads its messages; other work orders' stay unread.
        let other = app.post("/api/v1/work-orders", &bao, json!({ "category": "noise", "description": "夜里装修" })).await;
        let other = other.expect(StatusCode::CREATED)["id"].as_i64().unwrap();
        app.post(&format!("/api/v1/work-orders/{other}/actions/dispatch"), &duty, json!({ "lead_organisation_id": property_company(app).await })).await.expect(StatusCode::OK);
        fan_out(app).await;
        assert_eq!(inbox_in(app, &bao, "zh-CN").await["unread"], 4);
        let mut visitor = Visitor::new(app);
        visitor.sign_in("bao").await;
        let page = visitor.get("/inbox").await;
        assert!(page.body.contains(&format!("href=\"/orders/{id}\"")), "each message opens its work order");
        assert_eq!(visitor.get(&format!("/orders/{id}")).await.status, StatusCode::OK);
        let inbox = inbox_in(app, &bao, "zh-CN").await;
        assert_eq!(inbox["unread"], 1, "only the other work order's message is left");
        let unread: Vec<i64> = inbox["items"].as_array().unwrap().iter().filter(|item| item["read_at"].is_null()).map(|item| item["work_order_id"].as_i64().unwrap()).collect();
        assert_eq!(unread, [other]);
    }

    async fn an_announcement_is_read_once_it_is_listed(app: &TestApp) {
        let (shuji, duty) = (app.token("shuji").await, app.token("duty").await);
        let community = app.chengshangcheng().await;
        app.post("/api/v1/announcements", &shuji, json!({ "community_id": community, "text": "周四下午三点共治联席会" }))
            .await
            .expect(StatusCode::ACCEPTED);
        fan_out(app).await;
        let first = inbox_in(app, &duty, "zh-CN").await;
        assert_eq!(first["unread"], 1);
        assert!(first["items"][0]["read_at"].is_null(), "new the first time it is shown");
        assert!(bodies(&first)[0].contains("周四下午三点共治联席会"));
        let again = inbox_in(app, &duty, "zh-CN").await;
        assert_eq!(again["unread"], 0);
        assert!(!again["items"][0]["read_at"].is_null());
    }

    async fn the_menu_counts_unread_messages_up_to_99_and_then_says_99_plus(app: &TestApp) {
        let (shuji, duty) = (app.token("shuji").await, app.token("duty").await);
        let community = app.chengshangcheng().await;
        let announce = |n: usize| {
            let shuji = shuji.clone();
            async move {
                app.post("/api/v1/announcements", &shuji, json!({ "community_id": community, "text": format!("第{n}条通知") }))
                    .await
                    .expect(StatusCode::ACCEPTED);
            }
        };
        let mut visitor = crate::pages::signed_in(app, "duty").await;
        for n in 0..99 {
            announce(n).await;
        }
        fan_out(app).await;
        let page = visitor.get("/desk").await;
        assert!(page.body.contains("消息（99）"), "{}", page.body);
        announce(99).await;
        fan_out(app).await;
        let page = visitor.get("/desk").await;
        assert!(page.body.contains("消息（99+）"), "{}", page.body);
        // The inbox itself counts them all.
        assert_eq!(inbox_in(app, &duty, "zh-CN").await["unread"], 100);
    }
}
