//! The slip the desk prints for a visitor: where, who (phone masked), when with the year,
//! by when, and the office's phone number — a setting of the community.

use crate::pages::Visitor;
use chrono::{TimeZone, Utc};
use linli_domain::calendar::shanghai;
use linli_domain::ids::CommunityId;
use reqwest::{Method, StatusCode};
use serde_json::json;

both_engines! {
    async fn the_office_phone_is_a_community_setting(app: &TestApp) {
        let (admin, shuji, bao) = (app.token("admin").await, app.token("shuji").await, app.token("bao").await);
        let community = app.chengshangcheng().await;
        let path = format!("/api/v1/communities/{community}");
        let refused = app.request(Method::PATCH, &path, Some(&admin), Some(json!({ "office_phone": "12345" }))).await;
        refused.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "registry.phone_invalid");
        assert_eq!(refused.body["error"]["field"], "office_phone");
        app.request(Method::PATCH, &path, Some(&bao), Some(json!({ "office_phone": "021-62580110" })))
            .await
            .expect_error(StatusCode::FORBIDDEN, "auth.forbidden");
        let unchanged = app.store.community(CommunityId(community)).await.unwrap();
        assert_eq!(unchanged.office_phone, None, "refusals change nothing");

        let set = app.request(Method::PATCH, &path, Some(&shuji), Some(json!({ "office_phone": " 021-62580110 " }))).await;
        assert_eq!(set.expect(StatusCode::OK)["office_phone"], "021-62580110", "the office's head sets it");
        let read = app.get(&path, &bao).await;
        assert_eq!(read.expect(StatusCode::OK)["office_phone"], "021-62580110", "residents may call it");
        let cleared = app.request(Method::PATCH, &path, Some(&admin), Some(json!({ "office_phone": "" }))).await;
        assert!(cleared.expect(StatusCode::OK)["office_phone"].is_null());
    }

    async fn the_slip_carries_where_who_when_by_when_and_whom_to_call(app: &TestApp) {
        let admin = app.token("admin").await;
        let community = app.chengshangcheng().await;
        app.request(Method::PATCH, &format!("/api/v1/communities/{community}"), Some(&admin), Some(json!({ "office_phone": "021-62580110" })))
            .await
            .expect(StatusCode::OK);
        // Monday 2 November 2026, 10:00: a walk-in at the desk.
        app.clock.set(shanghai().with_ymd_and_hms(2026, 11, 2, 10, 0, 0).single().unwrap().with_timezone(&Utc));
        let buildings = app.store.buildings(CommunityId(community)).await.unwrap();
        let building = buildings.iter().find(|building| building.number == "7").unwrap();
        let desk_token = app.token("desk").await;
        let created = app
            .post("/api/v1/work-orders", &desk_token, json!({
                "category": "corridor_lighting", "description": "3单元楼道灯不亮",
                "guest_name": "王阿姨", "guest_phone": "13812345678",
                "building_id": building.id, "place": "3单元502",
            }))
            .await;
        let id = created.expect(StatusCode::CREATED)["id"].as_i64().unwrap();

        let mut desk = Visitor::new(app);
        desk.sign_in("desk").await;
        let slip = desk.get(&format!("/orders/{id}/slip")).await;
        assert_eq!(slip.status, StatusCode::OK);
        let has = |text: &str| assert!(slip.body.contains(text), "the slip lacks {text}: {}", slip.body);
        has("id=\"slip-place\">7号楼 3单元502<");
        has("id=\"slip-phone\">138****5678<");
        has("id=\"slip-taken\">2026年11月2日 10:00<");
        has("受理时限</dt><dd id=\"slip-deadline\">2026年11月2日 12:00<");
        has("id=\"slip-office-phone\">021-62580110<");
        assert!(!slip.body.contains("13812345678"), "the full number is not printed");
    }
}
