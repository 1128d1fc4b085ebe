//! The duty roster through HTTP: the supervisor arranges who holds the desk and the
//! duty post each half-day; bad input changes nothing; a swap waits for approval and
//! hands the shift over once; only staff read it; the duty officer on the roster hears
//! of new reports, and everyone who holds the role when the roster names no one.

use crate::helpers::TestApp;
use crate::pages::{assert_redirected, field_error, signed_in, submit};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn inbox(app: &TestApp, token: &str) -> Vec<String> {
    while linli_app::notifications::fan_out_pending(app.state())
        .await
        .unwrap()
        > 0
    {}
    let read = app.get("/api/v1/notifications", token).await;
    read.expect(StatusCode::OK)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["body"].as_str().unwrap().to_owned())
        .collect()
}

fn names(shifts: &Value) -> Vec<(String, String, String)> {
    shifts
        .as_array()
        .unwrap()
        .iter()
        .map(|shift| {
            (
                shift["half"].as_str().unwrap().to_owned(),
                shift["post"].as_str().unwrap().to_owned(),
                shift["name"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

both_engines! {
    async fn the_supervisor_arranges_the_week_and_a_swap_hands_a_shift_over(app: &TestApp) {
        let (shuji, duty, desk, li) = (app.token("shuji").await, app.token("duty").await, app.token("desk").await, app.token("li").await);
        let (desk_id, duty_id) = (app.person_id("desk").await, app.person_id("duty").await);
        // Tuesday 10月27日: this week's Wednesday is the 28th.
        let add = |body: Value| app.post("/api/v1/roster/shifts", &shuji, body);
        add(json!({ "day": "2026-10-28", "half": "am", "post": "desk", "person_id": desk_id })).await.expect(StatusCode::CREATED);
        let duty_shift = add(json!({ "day": "2026-10-28", "half": "am", "post": "duty", "person_id": duty_id })).await;
        let duty_shift = duty_shift.expect(StatusCode::CREATED)["id"].as_i64().unwrap();
        add(json!({ "day": "2026-10-28", "half": "am", "post": "desk", "name": "王德明", "represents": "党代表" })).await.expect(StatusCode::CREATED);

        // Bad input: each refused with its code, nothing stored.
        add(json!({ "day": "2026-10-28", "half": "noon", "post": "desk", "name": "某人" })).await.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "roster.half_unknown");
        add(json!({ "day": "2026-10-28", "half": "pm", "post": "kitchen", "name": "某人" })).await.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "roster.post_unknown");
        add(json!({ "day": "2026-10-25", "half": "am", "post": "desk", "name": "某人" })).await.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "roster.day_out_of_range");
        add(json!({ "day": "2026-10-28", "half": "am", "post": "desk", "name": " " })).await.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "validation.required");
        add(json!({ "day": "2026-10-28", "half": "am", "post": "desk", "person_id": app.person_id("zhou").await })).await.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "roster.person_unknown");
        add(json!({ "day": "2026-10-28", "half": "am", "post": "desk", "person_id": desk_id })).await.expect_error(StatusCode::CONFLICT, "roster.shift_taken");
        app.post("/api/v1/roster/shifts", &duty, json!({ "day": "2026-10-29", "half": "am", "post": "desk", "name": "某人" })).await.expect_error(StatusCode::FORBIDDEN, "auth.forbidden");
        app.get("/api/v1/roster", &li).await.expect_error(StatusCode::FORBIDDEN, "auth.forbidden");
        let week = app.get("/api/v1/roster?week=2026-10-30", &desk).await;
        let week = week.expect(StatusCode::OK);
        assert_eq!(week["monday"], "2026-10-26");
        assert_eq!(names(&week["shifts"]).len(), 3, "{week}");
        assert_eq!(week["arranges"], false);

        // Wednesday morning: the roster says who is on.
        app.clock.set("2026-10-28T01:00:00Z".parse().unwrap());
        let (shuji, duty, desk) = (app.token("shuji").await, app.token("duty").await, app.token("desk").await);
        let now = app.get("/api/v1/roster/now", &desk).await;
        let mut on = names(now.expect(StatusCode::OK));
        on.sort();
        assert_eq!(on, [("am".into(), "desk".into(), "汤守英".into()), ("am".into(), "desk".into(), "王德明".into()), ("am".into(), "duty".into(), "张承一".into())]);

        // 张承一 asks to hand his shift to 王建平; one request waits at a time; a resident
        // cannot see the shift at all.
        let swaps = format!("/api/v1/roster/shifts/{duty_shift}/swaps");
        let asked = app.post(&swaps, &duty, json!({ "replacement_name": "王建平", "reason": "社区会议" })).await;
        let swap = asked.expect(StatusCode::CREATED)["id"].as_i64().unwrap();
        app.post(&swaps, &duty, json!({ "replacement_name": "李四", "reason": "又有事" })).await.expect_error(StatusCode::CONFLICT, "roster.swap_waiting");
        app.post(&swaps, &li, json!({ "replacement_name": "小李", "reason": "我来" })).await.expect_error(StatusCode::NOT_FOUND, "roster.shift_not_found");
        app.post(&swaps, &desk, json!({ "replacement_name": "小李", "reason": "我来" })).await.expect_error(StatusCode::FORBIDDEN, "auth.forbidden");
        app.post(&format!("/api/v1/roster/swaps/{swap}/approve"), &duty, json!({})).await.expect_error(StatusCode::FORBIDDEN, "auth.forbidden");
        app.post(&format!("/api/v1/roster/swaps/{swap}/approve"), &shuji, json!({})).await.expect(StatusCode::NO_CONTENT);
        app.post(&format!("/api/v1/roster/swaps/{swap}/refuse"), &shuji, json!({})).await.expect_error(StatusCode::CONFLICT, "roster.swap_decided");
        // 张承一 hears of the decision in his inbox.
        while linli_app::notifications::fan_out_pending(app.state()).await.unwrap() > 0 {}
        let inbox = app.get("/api/v1/notifications", &duty).await;
        let bodies: Vec<String> = inbox.expect(StatusCode::OK)["items"].as_array().unwrap().iter()
            .map(|item| item["body"].as_str().unwrap().to_owned()).collect();
        assert!(bodies.iter().any(|body| body.contains("已批准") && body.contains("值班")), "{bodies:?}");
        let week = app.get("/api/v1/roster", &shuji).await;
        let week = week.expect(StatusCode::OK);
        assert!(names(&week["shifts"]).contains(&("am".into(), "duty".into(), "王建平".into())), "{week}");
        assert_eq!(week["swaps"][0]["status"], "approved");
        app.request(Method::DELETE, &format!("/api/v1/roster/shifts/{duty_shift}"), Some(&shuji), None).await.expect(StatusCode::NO_CONTENT);
        assert_eq!(names(&app.get("/api/v1/roster", &shuji).await.body["shifts"]).len(), 2);
    }

    async fn the_duty_officer_on_the_roster_hears_of_new_reports(app: &TestApp) {
        let (admin, shuji) = (app.token("admin").await, app.token("shuji").await);
        let community = app.chengshangcheng().await;
        // 王建平 of the 业委会 takes duty shifts too.
        let yewei_id = app.person_id("yewei").await;
        app.post(&format!("/api/v1/people/{yewei_id}/roles"), &admin, json!({ "role": "duty_officer", "community_id": community })).await.expect(StatusCode::CREATED);
        app.post("/api/v1/roster/shifts", &shuji, json!({ "day": "2026-10-28", "half": "pm", "post": "duty", "person_id": yewei_id })).await.expect(StatusCode::CREATED);
        let (duty, yewei) = (app.token("duty").await, app.token("yewei").await);

        // Tuesday: no one on the roster, so every duty officer hears.
        let bao = app.token("bao").await;
        app.post("/api/v1/work-orders", &bao, json!({ "category": "corridor_lighting", "description": "周二楼道灯坏" })).await.expect(StatusCode::CREATED);
        assert_eq!(inbox(app, &duty).await.len(), 1);
        assert_eq!(inbox(app, &yewei).await.len(), 1);

        // Wednesday afternoon: only 王建平, who is on duty.
        app.clock.set("2026-10-28T06:00:00Z".parse().unwrap());
        let (duty, yewei, bao) = (app.token("duty").await, app.token("yewei").await, app.token("bao").await);
        app.post("/api/v1/work-orders", &bao, json!({ "category": "corridor_lighting", "description": "周三楼道灯坏" })).await.expect(StatusCode::CREATED);
        assert_eq!(inbox(app, &duty).await.len(), 1, "张承一 is not on the roster this afternoon");
        assert_eq!(inbox(app, &yewei).await.len(), 2);
    }

    async fn the_roster_page_for_each_role(app: &TestApp) {
        let shuji_token = app.token("shuji").await;
        let duty_id = app.person_id("duty").await.to_string();
        let mut shuji = signed_in(app, "shuji").await;
        // A day before this week is refused beside the day; then 张承一 on duty.
        let page = submit(&mut shuji, "/roster/add", &[("day", "2026-10-20"), ("half", "am"), ("post", "duty"), ("person_id", &duty_id)]).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(field_error(&page, "shift-day").contains("一年内"), "{}", page.body);
        assert_redirected(&submit(&mut shuji, "/roster/add", &[("day", "2026-10-27"), ("half", "am"), ("post", "duty"), ("person_id", &duty_id)]).await, "/roster");
        let shift = app.get("/api/v1/roster", &shuji_token).await.body["shifts"][0]["id"].to_string();

        // He asks for a swap from the page; a missing reason is refused beside it.
        let mut duty = signed_in(app, "duty").await;
        let page = duty.get("/roster").await;
        assert!(page.body.contains("张承一") && page.body.contains("申请换班") && !page.body.contains("id=\"add-shift\""), "{}", page.body);
        let page = submit(&mut duty, "/roster/swap", &[("shift_id", &shift), ("replacement_name", "王建平"), ("reason", "")]).await;
        assert!(!field_error(&page, &format!("reason-{shift}")).is_empty(), "{}", page.body);
        assert_redirected(&submit(&mut duty, "/roster/swap", &[("shift_id", &shift), ("replacement_name", "王建平"), ("reason", "带孩子看病")]).await, "/roster");

        // The secretary approves it; the week shows 王建平.
        let swap = app.get("/api/v1/roster", &shuji_token).await.body["swaps"][0]["id"].to_string();
        assert!(shuji.get("/roster").await.body.contains("带孩子看病"));
        assert_redirected(&submit(&mut shuji, "/roster/approve", &[("swap_id", &swap)]).await, "/roster");
        let page = shuji.get("/roster?week=2026-10-27").await;
        assert!(page.body.contains("王建平") && page.body.contains("已同意"), "{}", page.body);

        // A resident has no roster; the desk reads it without the forms of the secretary.
        let mut bao = signed_in(app, "bao").await;
        assert_eq!(bao.get("/roster").await.status, StatusCode::FORBIDDEN);
        assert_eq!(submit(&mut bao, "/roster/add", &[("day", "2026-10-27"), ("half", "am"), ("post", "desk"), ("name", "包爷叔")]).await.status, StatusCode::FORBIDDEN);
        let mut desk = signed_in(app, "desk").await;
        let page = desk.get("/roster").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(!page.body.contains("id=\"add-shift\"") && !page.body.contains("/roster/remove"));
        assert!(desk.get("/desk").await.body.contains("值班 王建平"));
    }

    async fn the_charter_suggests_who_leads_and_who_co_handles(app: &TestApp) {
        let (admin, bao) = (app.token("admin").await, app.token("bao").await);
        let community = app.chengshangcheng().await;
        let organisation = |name: &'static str| crate::meetings::organisation(app, community, name);
        let (property, committee) = (organisation("城上城物业服务中心").await, organisation("城上城居委会").await);
        let categories = app.get(&format!("/api/v1/categories?community_id={community}"), &admin).await;
        let throwing = categories.expect(StatusCode::OK).as_array().unwrap().iter().find(|c| c["code"] == "high_altitude_throwing").unwrap()["id"].as_i64().unwrap();
        let path = format!("/api/v1/categories/{throwing}");
        let patch = |body: Value| app.request(Method::PATCH, &path, Some(&admin), Some(body));

        // The lead does not co-handle its own work; a party of another community is unknown.
        patch(json!({ "default_lead_organisation_id": property, "default_co_handler_ids": [property] })).await.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "work_order.organisation_unknown");
        let zhixin = app.zhixin().await;
        let foreign = app.store.organisations(linli_domain::ids::CommunityId(zhixin)).await.unwrap()[0].id;
        let refused = patch(json!({ "default_co_handler_ids": [foreign] })).await;
        refused.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "work_order.organisation_unknown");
        assert_eq!(refused.body["error"]["field"], "default_co_handler_ids");
        let set = patch(json!({ "default_lead_organisation_id": property, "default_co_handler_ids": [committee, committee] })).await;
        let set = set.expect(StatusCode::OK);
        assert_eq!((set["default_lead_organisation_id"].as_i64(), set["default_co_handler_ids"].clone()), (Some(property), json!([committee])));

        // The charter page lists it; the dispatch form of a new report starts from it.
        let mut duty = signed_in(app, "duty").await;
        let page = duty.get("/charter").await;
        assert!(page.body.contains("高空抛物") && page.body.contains("<td>城上城物业服务中心</td><td>城上城居委会</td>"), "{}", page.body);
        let created = app.post("/api/v1/work-orders", &bao, json!({ "category": "high_altitude_throwing", "description": "楼上扔垃圾" })).await;
        let order = created.expect(StatusCode::CREATED)["id"].as_i64().unwrap();
        let page = duty.get(&format!("/orders/{order}")).await;
        assert!(page.body.contains(&format!(r#"<option value="{property}" selected>"#)), "{}", page.body);
        assert!(page.body.contains(&format!(r#"name="co_handler_ids" value="{committee}" checked>"#)), "{}", page.body);
        assert!(!page.body.contains(&format!(r#"name="co_handler_ids" value="{property}" checked>"#)));
        let mut resident = signed_in(app, "bao").await;
        assert_eq!(resident.get("/charter").await.status, StatusCode::FORBIDDEN);
    }
}
