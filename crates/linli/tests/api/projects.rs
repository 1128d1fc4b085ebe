//! Projects through HTTP: the camera story from escalation to 包爷叔's acceptance,
//! completing resolves exactly the open origin work orders, bad input changes nothing,
//! and the public page carries no resident's personal data.

use crate::helpers::TestApp;
use crate::meetings::{act, all_present, escalated_report, next_meeting, organisation, put};
use reqwest::StatusCode;
use serde_json::{Value, json};

fn timeline(detail: &Value) -> Vec<(String, String)> {
    detail["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|event| {
            (
                event["kind"].as_str().unwrap().to_owned(),
                event["text"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

/// A project proposed by the office over these work orders: its id.
async fn proposed(app: &TestApp, work_orders: &[i64]) -> i64 {
    let community = app.chengshangcheng().await;
    let wuye_org = organisation(app, community, "城上城物业服务中心").await;
    let created = app
        .post(
            "/api/v1/projects",
            &app.token("duty").await,
            json!({ "title": "楼道照明改造", "purpose": "更换老旧灯具", "work_order_ids": work_orders,
                    "owner_organisation_id": wuye_org, "budget_fen": 500_000, "funding_sources": ["public_income"] }),
        )
        .await;
    let created = created.expect(StatusCode::CREATED);
    assert_eq!(
        (created["status"].as_str(), created["view"].as_str()),
        (Some("proposed"), Some("office"))
    );
    created["id"].as_i64().unwrap()
}

both_engines! {
    async fn the_camera_story_from_escalation_to_bao_accepting_the_fix(app: &TestApp) {
        let (duty, shuji, bao) = (app.token("duty").await, app.token("shuji").await, app.token("bao").await);
        let community = app.chengshangcheng().await;
        let order = escalated_report(app, "bao", "high_altitude_throwing", "7", "7号楼高空抛物，酒瓶落在我家平台").await;
        let other_a = escalated_report(app, "li", "high_altitude_throwing", "12", "12号楼楼上扔垃圾").await;
        let other_b = escalated_report(app, "tang", "high_altitude_throwing", "9", "9号楼有人往下扔饮料瓶").await;

        // The Thursday after 10月27日.
        let meeting = next_meeting(app).await;
        let id = meeting["id"].as_i64().unwrap();
        assert_eq!(meeting["starts_at"], "2026-10-29T06:00:00Z");
        let item = app.post(&format!("/api/v1/meetings/{id}/items"), &duty, json!({ "work_order_id": order })).await;
        let item = item.expect(StatusCode::CREATED)["id"].as_i64().unwrap();
        all_present(app, &duty, &meeting).await;
        app.clock.set("2026-10-29T06:30:00Z".parse().unwrap());
        let wuye_org = organisation(app, community, "城上城物业服务中心").await;
        let yewei_org = organisation(app, community, "城上城业委会").await;
        let decided = app.post(&format!("/api/v1/meetings/{id}/items/{item}/decision"), &shuji, json!({
            "text": "以项目化运作给高空抛物严重的楼栋安装监控，7号楼在列",
            "lead_organisation_id": wuye_org, "co_organisation_ids": [yewei_org], "deadline": "2026-11-30T10:00:00Z",
            "action": "start_project", "hold_work_orders": true,
            "project": { "title": "高空抛物楼栋安装监控", "purpose": "在7号楼等高空抛物严重的楼栋安装探头", "work_order_ids": [other_a, other_b],
                         "budget_fen": 3_600_000, "funding_sources": ["public_income", "maintenance_fund"] },
        })).await;
        let decided = decided.expect(StatusCode::OK).clone();
        let project = decided["project_id"].as_i64().unwrap();
        assert_eq!(decided["work_orders_changed"], json!([order, other_a, other_b]));
        put(app, &format!("/api/v1/meetings/{id}/minutes"), &duty, json!({ "text": "三方同意以项目化运作安装监控" })).await.expect(StatusCode::OK);
        app.post(&format!("/api/v1/meetings/{id}/close"), &shuji, json!({})).await.expect(StatusCode::OK);

        // 包爷叔 reads the decision in plain words on his work order, not the internal note.
        let seen = app.get(&format!("/api/v1/work-orders/{order}"), &bao).await;
        let seen = seen.expect(StatusCode::OK).clone();
        assert_eq!(seen["status"], "on_hold");
        let events = timeline(&seen);
        assert!(events.contains(&("replied".to_owned(), "讨论于 10月29日 联席会：决定以项目化运作给高空抛物严重的楼栋安装监控，7号楼在列".to_owned())), "{events:?}");
        assert!(events.contains(&("held".to_owned(), "等待项目「高空抛物楼栋安装监控」完成".to_owned())));
        assert!(!events.iter().any(|(_, body)| body.contains("议程")), "the agenda note is internal");
        let for_duty = app.get(&format!("/api/v1/work-orders/{order}"), &duty).await;
        assert!(timeline(for_duty.expect(StatusCode::OK)).iter().any(|(kind, body)| kind == "noted" && body == "已列入 10月29日 联席会议程"));

        // Three quotes, the choice, a milestone, progress.
        let quotes = format!("/api/v1/projects/{project}/quotes");
        for (vendor, price) in [("安居智能安防有限公司", 450_000), ("平安视界科技", 520_000), ("海康社区服务部", 480_000)] {
            app.post(&quotes, &duty, json!({ "vendor": vendor, "contact": "021-6000000", "unit_price_fen": price, "quantity": 8, "terms": "含安装，质保两年" })).await.expect(StatusCode::CREATED);
        }
        let detail = app.get(&format!("/api/v1/projects/{project}"), &duty).await;
        let chosen = detail.expect(StatusCode::OK)["quotes"][0]["id"].as_i64().unwrap();
        assert_eq!(detail.body["quotes"][0]["total_fen"], 3_600_000);
        app.post(&format!("/api/v1/projects/{project}/choice"), &shuji, json!({ "quote_id": chosen, "reason": "价格最低，售后在本区", "agreed_price_fen": 3_400_000 })).await.expect(StatusCode::OK);
        app.post(&format!("/api/v1/projects/{project}/transitions/start"), &duty, json!({})).await.expect(StatusCode::OK);
        app.post(&format!("/api/v1/projects/{project}/milestones"), &duty, json!({ "title": "7号楼等三栋安装探头", "planned_start": "2026-11-16", "planned_end": "2026-11-18", "quantity": 8 })).await.expect(StatusCode::CREATED);
        app.post(&format!("/api/v1/projects/{project}/updates"), &app.token("wuye").await, json!({ "text": "设备已到货", "percent_done": 60 })).await.expect(StatusCode::CREATED);
        app.post(&format!("/api/v1/projects/{project}/updates"), &bao, json!({ "text": "我也来更新", "percent_done": 99 })).await.expect_error(StatusCode::FORBIDDEN, "auth.forbidden");

        // 11月18日: installed; completing resolves the three work orders.
        app.clock.set("2026-11-18T08:00:00Z".parse().unwrap());
        // Three weeks on, everyone signs in again.
        let (duty, shuji, bao) = (app.token("duty").await, app.token("shuji").await, app.token("bao").await);
        let milestone = app.get(&format!("/api/v1/projects/{project}"), &duty).await.body["milestones"][0]["id"].as_i64().unwrap();
        app.post(&format!("/api/v1/projects/{project}/milestones/{milestone}"), &duty, json!({ "actual_start": "2026-11-16", "actual_end": "2026-11-18" })).await.expect(StatusCode::OK);
        let done = app.post(&format!("/api/v1/projects/{project}/transitions/complete"), &shuji, json!({ "text": "7号楼等三栋已安装探头" })).await;
        let done = done.expect(StatusCode::OK);
        assert_eq!(done["resolved_work_orders"], json!([order, other_a, other_b]));
        assert_eq!((done["status"].as_str(), done["percent_done"].as_i64()), (Some("completed"), Some(100)));
        let resolved = app.get(&format!("/api/v1/work-orders/{order}"), &bao).await;
        let resolved = resolved.expect(StatusCode::OK).clone();
        assert_eq!(resolved["status"], "resolved");
        assert!(timeline(&resolved).contains(&("resolved".to_owned(), "项目「高空抛物楼栋安装监控」已完成：7号楼等三栋已安装探头".to_owned())));

        // 包爷叔 sees the project and its progress on his work order, without personal data.
        let his = app.get(&format!("/api/v1/work-orders/{order}/projects"), &bao).await;
        let his = his.expect(StatusCode::OK);
        assert_eq!((his[0]["view"].as_str(), his[0]["status"].as_str()), (Some("public"), Some("completed")));
        assert!(his[0]["quotes"][0]["contact"].is_null());
        assert_eq!(his[0]["agreed_price_fen"], 3_400_000);
        assert_eq!(his[0]["work_orders"][0], json!({ "id": null, "number": 1, "status": "resolved" }));
        assert_eq!(his[0]["decision"]["text"], "以项目化运作给高空抛物严重的楼栋安装监控，7号楼在列");

        let accepted = act(app, &bao, order, "accept", json!({ "rating": 5, "text": "平台上干净多了" })).await;
        assert_eq!(accepted.expect(StatusCode::OK)["status"], "closed");
    }

    async fn completing_resolves_exactly_the_open_origin_work_orders(app: &TestApp) {
        let (duty, wuye, li) = (app.token("duty").await, app.token("wuye").await, app.token("li").await);
        let open = escalated_report(app, "li", "corridor_lighting", "12", "12号楼2单元楼道灯不亮").await;
        let done = escalated_report(app, "li", "corridor_lighting", "12", "12号楼1单元楼道灯闪").await;
        act(app, &wuye, done, "resolve", json!({ "text": "已换灯泡" })).await.expect(StatusCode::OK);
        act(app, &li, done, "accept", json!({ "rating": 4 })).await.expect(StatusCode::OK);
        let withdrawn = app.post("/api/v1/work-orders", &li, json!({ "category": "corridor_lighting", "description": "12号楼地库灯坏" })).await;
        let withdrawn = withdrawn.expect(StatusCode::CREATED)["id"].as_i64().unwrap();
        act(app, &li, withdrawn, "cancel", json!({ "text": "已自己修好" })).await.expect(StatusCode::OK);
        let waiting = app.post("/api/v1/work-orders", &li, json!({ "category": "corridor_lighting", "description": "12号楼电梯厅灯暗" })).await;
        let waiting = waiting.expect(StatusCode::CREATED)["id"].as_i64().unwrap();
        let unrelated = escalated_report(app, "bao", "corridor_lighting", "7", "7号楼楼道灯不亮").await;

        let project = proposed(app, &[open, done, withdrawn, waiting]).await;
        let early = app.post(&format!("/api/v1/projects/{project}/transitions/complete"), &duty, json!({ "text": "完成" })).await;
        early.expect_error(StatusCode::CONFLICT, "project.invalid_transition");
        app.post(&format!("/api/v1/projects/{project}/transitions/approve"), &duty, json!({})).await.expect(StatusCode::OK);
        app.post(&format!("/api/v1/projects/{project}/transitions/start"), &duty, json!({})).await.expect(StatusCode::OK);
        let missing_text = app.post(&format!("/api/v1/projects/{project}/transitions/complete"), &duty, json!({})).await;
        missing_text.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "validation.required");
        let completed = app.post(&format!("/api/v1/projects/{project}/transitions/complete"), &duty, json!({ "text": "全部更换为LED灯" })).await;
        assert_eq!(completed.expect(StatusCode::OK)["resolved_work_orders"], json!([open, waiting]));

        let status = |detail: &Value| detail["status"].as_str().unwrap().to_owned();
        assert_eq!(status(app.get(&format!("/api/v1/work-orders/{open}"), &li).await.expect(StatusCode::OK)), "resolved");
        assert_eq!(status(app.get(&format!("/api/v1/work-orders/{waiting}"), &li).await.expect(StatusCode::OK)), "resolved");
        assert_eq!(status(app.get(&format!("/api/v1/work-orders/{done}"), &li).await.expect(StatusCode::OK)), "closed");
        assert_eq!(status(app.get(&format!("/api/v1/work-orders/{withdrawn}"), &li).await.expect(StatusCode::OK)), "cancelled");
        assert_eq!(status(app.get(&format!("/api/v1/work-orders/{unrelated}"), &duty).await.expect(StatusCode::OK)), "in_progress");
        let again = app.post(&format!("/api/v1/projects/{project}/transitions/complete"), &duty, json!({ "text": "再来一次" })).await;
        again.expect_error(StatusCode::CONFLICT, "project.completed");
    }

    async fn bad_project_input_is_refused_with_a_stable_code_and_changes_nothing(app: &TestApp) {
        let duty = app.token("duty").await;
        let project = proposed(app, &[]).await;
        let quotes = format!("/api/v1/projects/{project}/quotes");
        let negative = app.post(&quotes, &duty, json!({ "vendor": "某商家", "unit_price_fen": -100, "quantity": 1 })).await;
        negative.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "project.amount_invalid");
        assert_eq!(negative.body["error"]["field"], "unit_price_fen");
        assert!(negative.body["error"]["message"].as_str().unwrap().contains("单价"));
        let fraction = app.post(&quotes, &duty, json!({ "vendor": "某商家", "unit_price_fen": 120.5, "quantity": 1 })).await;
        fraction.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "request.invalid_body");
        let overflow = app.post(&quotes, &duty, json!({ "vendor": "某商家", "unit_price_fen": 999_999_999_999_i64, "quantity": 1_000_000 })).await;
        overflow.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "project.amount_invalid");
        let backwards = app.post(&format!("/api/v1/projects/{project}/milestones"), &duty, json!({ "title": "第一批", "planned_start": "2026-12-10", "planned_end": "2026-12-01", "quantity": 6 })).await;
        backwards.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "project.milestone_ends_before_start");
        let english = app.request(reqwest::Method::POST, &format!("/api/v1/projects/{project}/milestones"), Some(&duty), Some(json!({ "title": "第一批", "planned_start": "2026-12-10", "planned_end": "2026-12-01" }))).await;
        assert!(!english.body["error"]["message"].as_str().unwrap().is_empty());
        let funding = app.post("/api/v1/projects", &duty, json!({ "title": "x", "purpose": "y", "owner_organisation_id": 1, "budget_fen": 1, "funding_sources": ["lottery"] })).await;
        funding.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "project.funding_source_unknown");
        let zhixin_order = app.post("/api/v1/work-orders", &app.token("zhou").await, json!({ "category": "noise", "description": "芷新苑噪音" })).await;
        let zhixin_order = zhixin_order.expect(StatusCode::CREATED)["id"].as_i64().unwrap();
        let community = app.chengshangcheng().await;
        let wuye_org = organisation(app, community, "城上城物业服务中心").await;
        let foreign = app.post("/api/v1/projects", &duty, json!({ "title": "x", "purpose": "y", "owner_organisation_id": wuye_org, "budget_fen": 1, "work_order_ids": [zhixin_order] })).await;
        foreign.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "project.work_order_unknown");

        let detail = app.get(&format!("/api/v1/projects/{project}"), &duty).await;
        let detail = detail.expect(StatusCode::OK);
        assert!(detail["quotes"].as_array().unwrap().is_empty() && detail["milestones"].as_array().unwrap().is_empty(), "nothing stored");
        assert_eq!(app.get(&format!("/api/v1/projects?community_id={community}"), &duty).await.expect(StatusCode::OK).as_array().unwrap().len(), 1);

        app.post(&format!("/api/v1/projects/{project}/transitions/cancel"), &duty, json!({ "text": "预算不足" })).await.expect(StatusCode::OK);
        let complete = app.post(&format!("/api/v1/projects/{project}/transitions/complete"), &duty, json!({ "text": "完成" })).await;
        complete.expect_error(StatusCode::CONFLICT, "project.cancelled");
        app.post(&quotes, &duty, json!({ "vendor": "某商家", "unit_price_fen": 100, "quantity": 1 })).await.expect_error(StatusCode::CONFLICT, "project.cancelled");
        app.post(&format!("/api/v1/projects/{project}/transitions/fly"), &duty, json!({})).await.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "project.transition_unknown");
    }

    async fn the_public_project_page_has_no_resident_data_and_drafts_stay_inside(app: &TestApp) {
        let (duty, tang) = (app.token("duty").await, app.token("tang").await);
        let project = proposed(app, &[]).await;
        let anonymous = app.client.get(app.url(&format!("/api/v1/projects/{project}"))).send().await.unwrap();
        assert_eq!(anonymous.status(), StatusCode::NOT_FOUND, "a proposal is the office's draft");
        app.post(&format!("/api/v1/projects/{project}/transitions/approve"), &duty, json!({})).await.expect(StatusCode::OK);
        let recommended = app.post(&format!("/api/v1/projects/{project}/quotes"), &tang, json!({ "vendor": "爱宠宠物医院", "contact": "13800000009", "unit_price_fen": 12_000, "quantity": 30, "terms": "团购价" })).await;
        assert_eq!(recommended.expect(StatusCode::CREATED)["view"], "public");
        app.post(&format!("/api/v1/projects/{project}/quotes"), &app.token("zhou").await, json!({ "vendor": "x", "unit_price_fen": 1, "quantity": 1 })).await.expect_error(StatusCode::FORBIDDEN, "auth.forbidden");
        app.post(&format!("/api/v1/projects/{project}/updates"), &duty, json!({ "text": "已联系商家", "percent_done": 10 })).await.expect(StatusCode::CREATED);

        let office = app.get(&format!("/api/v1/projects/{project}"), &duty).await;
        let office = office.expect(StatusCode::OK);
        assert_eq!(office["quotes"][0]["recommended_by"], app.person_id("tang").await);
        assert_eq!(office["updates"][0]["author_name"], "张承一");
        let public = app.client.get(app.url(&format!("/api/v1/projects/{project}"))).send().await.unwrap();
        assert_eq!(public.status(), StatusCode::OK);
        let public: Value = public.json().await.unwrap();
        assert_eq!(public["view"], "public");
        assert_eq!(public["quotes"][0]["total_fen"], 360_000);
        assert!(public["quotes"][0]["recommended_by"].is_null() && public["quotes"][0]["contact"].is_null());
        assert!(public["updates"][0]["author_name"].is_null());
        let text = public.to_string();
        assert!(!text.contains("唐女士") && !text.contains("13800000009"), "{text}");
        let community = app.chengshangcheng().await;
        let listed = app.client.get(app.url(&format!("/api/v1/projects?community_id={community}"))).send().await.unwrap();
        assert_eq!(listed.json::<Value>().await.unwrap().as_array().unwrap().len(), 1);
        let ended = app.client.get(app.url(&format!("/api/v1/projects/{project}"))).bearer_auth("not-a-session").send().await.unwrap();
        assert_eq!(ended.status(), StatusCode::UNAUTHORIZED);
    }
}
