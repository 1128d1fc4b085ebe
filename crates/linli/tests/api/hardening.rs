//! The weak spots found by probing Linli from outside (issue 21), each held shut by a
//! test that failed before its fix, on both engines.

use crate::helpers::TestApp;
use reqwest::StatusCode;
use serde_json::json;

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
}

/// The first room of the signed-in person.
async fn own_room(app: &TestApp, token: &str) -> i64 {
    let me = app.get("/api/v1/me", token).await;
    me.expect(StatusCode::OK)["rooms"][0]["room_id"]
        .as_i64()
        .unwrap()
}

async fn order_count(app: &TestApp) -> usize {
    let duty = app.token("duty").await;
    let orders = app.get("/api/v1/work-orders", &duty).await;
    orders.expect(StatusCode::OK)["items"]
        .as_array()
        .unwrap()
        .len()
}
