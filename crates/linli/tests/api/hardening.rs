//! The weak spots found by probing Linli from outside (issue 21), each held shut by a
//! test that failed before its fix, on both engines.

use crate::helpers::TestApp;
use crate::pages::signed_in;
use reqwest::StatusCode;
use reqwest::header::COOKIE;
use reqwest::multipart::Form;
use serde_json::{Value, json};

both_engines! {
    async fn administrators_read_the_visit_log_but_only_the_desk_writes_it(app: &TestApp) {
        let (desk, admin, bao) = (app.token("desk").await, app.token("admin").await, app.token("bao").await);
        let community = app.chengshangcheng().await;
        app.post("/api/v1/visits", &desk, json!({ "visitor_name": "王阿婆", "matter": "楼道灯坏了" }))
            .await
            .expect(StatusCode::CREATED);
        // The system's administrator audits the log of the community they name.
        let log = app.get(&format!("/api/v1/visits?community_id={community}"), &admin).await;
        let log = log.expect(StatusCode::OK).as_array().unwrap().clone();
        assert_eq!(log.len(), 1);
        assert_eq!(log[0]["visitor_name"], "王阿婆");
        // They administer both communities, so they must say which.
        app.get("/api/v1/visits", &admin).await
            .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "work_order.community_required");
        // Reading is not writing: visits are logged by the desk's staff only.
        app.post("/api/v1/visits", &admin, json!({ "community_id": community, "visitor_name": "王阿婆", "matter": "楼道灯坏了" }))
            .await
            .expect_error(StatusCode::FORBIDDEN, "auth.forbidden");
        // A resident reads no one's visits.
        app.get(&format!("/api/v1/visits?community_id={community}"), &bao).await
            .expect_error(StatusCode::FORBIDDEN, "auth.forbidden");
    }

    async fn a_report_names_only_the_reporters_own_flat(app: &TestApp) {
        let (bao, tang, desk) = (app.token("bao").await, app.token("tang").await, app.token("desk").await);
        let (bao_room, tang_room) = (own_room(app, &bao).await, own_room(app, &tang).await);
        let orders_before = order_count(app).await;
        // 包爷叔 cannot make his report look as if it came from 唐女士's flat.
        let refused = app.post("/api/v1/work-orders", &bao, json!({
            "category": "noise", "description": "楼上太吵", "room_id": tang_room,
        })).await;
        refused.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "work_order.room_not_reporters");
        assert_eq!(refused.body["error"]["field"], "room_id");
        assert_eq!(order_count(app).await, orders_before, "nothing was stored");
        // His own flat is his to name.
        let own = app.post("/api/v1/work-orders", &bao, json!({
            "category": "noise", "description": "楼上太吵", "room_id": bao_room,
        })).await;
        assert!(own.expect(StatusCode::CREATED)["reporter"]["room"].is_string());
        // The desk, reporting for 唐女士, names her flat, not someone else's.
        let tang_id = app.person_id("tang").await;
        app.post("/api/v1/work-orders", &desk, json!({
            "category": "noise", "description": "楼上太吵", "reporter_id": tang_id, "room_id": bao_room,
        })).await.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "work_order.room_not_reporters");
        app.post("/api/v1/work-orders", &desk, json!({
            "category": "noise", "description": "楼上太吵", "reporter_id": tang_id, "room_id": tang_room,
        })).await.expect(StatusCode::CREATED);
    }

    async fn a_csrf_token_is_the_sessions_own(app: &TestApp) {
        let bao_token = app.token("bao").await;
        let order = app.post("/api/v1/work-orders", &bao_token, json!({ "category": "noise", "description": "楼上太吵" })).await;
        let id = order.expect(StatusCode::CREATED)["id"].as_i64().unwrap();
        let cancel = app.url(&format!("/orders/{id}/actions/cancel"));
        let mut bao = signed_in(app, "bao").await;
        let session = bao.cookie("linli_session");
        // A pair the client made up — the same value in the cookie and the field — with
        // neither Origin nor Referer, as a form from a careless browser would come.
        let made_up = bao.client.post(&cancel)
            .header(COOKIE, format!("linli_session={session}; linli_csrf=aaaa"))
            .multipart(Form::new().text("csrf", "aaaa").text("text", "不用了"))
            .send().await.unwrap();
        assert_eq!(made_up.status(), StatusCode::FORBIDDEN);
        // Another person's real token is not this session's.
        let tang = signed_in(app, "tang").await;
        let borrowed = bao.client.post(&cancel)
            .header(COOKIE, bao.cookie_header())
            .multipart(Form::new().text("csrf", tang.csrf()).text("text", "不用了"))
            .send().await.unwrap();
        assert_eq!(borrowed.status(), StatusCode::FORBIDDEN);
        assert_eq!(order_status(app, &bao_token, id).await, "submitted", "nothing changed");
        // The session's own token works, Origin or not.
        bao.get(&format!("/orders/{id}")).await;
        let real = bao.client.post(&cancel)
            .header(COOKIE, bao.cookie_header())
            .multipart(Form::new().text("csrf", bao.csrf()).text("text", "不用了"))
            .send().await.unwrap();
        assert_eq!(real.status(), StatusCode::SEE_OTHER);
        assert_eq!(order_status(app, &bao_token, id).await, "cancelled");
    }
}

/// The first room of the signed-in person.
async fn own_room(app: &TestApp, token: &str) -> i64 {
    let me = app.get("/api/v1/me", token).await;
    me.expect(StatusCode::OK)["rooms"][0]["room_id"]
        .as_i64()
        .unwrap()
}

async fn order_status(app: &TestApp, token: &str, id: i64) -> Value {
    let order = app.get(&format!("/api/v1/work-orders/{id}"), token).await;
    order.expect(StatusCode::OK)["status"].clone()
}

async fn order_count(app: &TestApp) -> usize {
    let duty = app.token("duty").await;
    let orders = app.get("/api/v1/work-orders", &duty).await;
    orders.expect(StatusCode::OK)["items"]
        .as_array()
        .unwrap()
        .len()
}
