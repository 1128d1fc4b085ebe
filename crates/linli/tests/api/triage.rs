//! A work order waiting for the duty officer (待受理) has a time limit too: past it, it is
//! overdue like any other — listed, counted, alerted, and shown on its reporter's page.

use crate::helpers::TestApp;
use crate::pages::Visitor;
use chrono::{TimeZone, Utc};
use linli_domain::calendar::shanghai;
use linli_domain::ids::CommunityId;
use reqwest::StatusCode;
use serde_json::{Value, json};

fn shanghai_time(month: u32, day: u32, hour: u32, minute: u32) -> chrono::DateTime<Utc> {
    shanghai()
        .with_ymd_and_hms(2026, month, day, hour, minute, 0)
        .single()
        .unwrap()
        .with_timezone(&Utc)
}

async fn property_company(app: &TestApp) -> i64 {
    let community = CommunityId(app.chengshangcheng().await);
    let organisations = app.store.organisations(community).await.unwrap();
    organisations
        .into_iter()
        .find(|organisation| organisation.name == "城上城物业服务中心")
        .unwrap()
        .id
}

async fn overdue_ids(app: &TestApp, token: &str) -> Vec<i64> {
    let listed = app.get("/api/v1/work-orders?overdue=true", token).await;
    listed.expect(StatusCode::OK)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["id"].as_i64().unwrap())
        .collect()
}

async fn overdue_now(app: &TestApp) -> i64 {
    let shuji = app.token("shuji").await;
    let community = app.chengshangcheng().await;
    let stats = app
        .get(
            &format!("/api/v1/statistics?community_id={community}"),
            &shuji,
        )
        .await;
    stats.expect(StatusCode::OK)["now"]["overdue"]
        .as_i64()
        .unwrap()
}

async fn detail(app: &TestApp, token: &str, id: i64) -> Value {
    let read = app.get(&format!("/api/v1/work-orders/{id}"), token).await;
    read.expect(StatusCode::OK).clone()
}

both_engines! {
    async fn a_report_nobody_dispatches_in_time_is_overdue_at_triage(app: &TestApp) {
        let (bao, duty, wuye) = (app.token("bao").await, app.token("duty").await, app.token("wuye").await);
        // Monday 2 November, 10:00: two working hours to dispatch it, until 12:00.
        app.clock.set(shanghai_time(11, 2, 10, 0));
        let created = app.post("/api/v1/work-orders", &bao, json!({ "category": "noise", "description": "楼上每晚装修到十一点" })).await;
        let id = created.expect(StatusCode::CREATED)["id"].as_i64().unwrap();
        let triage_deadline = json!(shanghai_time(11, 2, 12, 0));
        let read = detail(app, &bao, id).await;
        assert_eq!(read["deadlines"]["triage"], triage_deadline);
        assert_eq!(read["deadlines"]["due"], triage_deadline);
        assert_eq!(read["deadlines"]["overdue"], false);

        let run_rules = || linli_app::work_orders::jobs::run_due_rules(app.state());
        app.clock.set(shanghai_time(11, 2, 11, 59));
        assert_eq!(run_rules().await.unwrap().newly_overdue, 0);
        assert!(overdue_ids(app, &duty).await.is_empty());
        assert_eq!(overdue_now(app).await, 0);

        app.clock.set(shanghai_time(11, 2, 12, 1));
        assert_eq!(run_rules().await.unwrap().newly_overdue, 1);
        assert_eq!(run_rules().await.unwrap().newly_overdue, 0, "alerted once");
        assert_eq!(overdue_ids(app, &duty).await, vec![id]);
        assert_eq!(overdue_now(app).await, 1);
        assert_eq!(detail(app, &bao, id).await["deadlines"]["overdue"], true);
        let topics: Vec<String> = app.store.outbox_of(id).await.unwrap().into_iter().map(|(topic, _)| topic).collect();
        assert!(topics.contains(&"work_order.overdue".to_owned()), "{topics:?}");
        // The reporter sees it on the page of their work order.
        let mut reporter = Visitor::new(app);
        reporter.sign_in("bao").await;
        let page = reporter.get(&format!("/orders/{id}")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("受理时限"), "{}", page.body);
        assert!(page.body.contains("已超时"), "{}", page.body);

        // Dispatched, its clock is the lead party's, seven working days away.
        let dispatched = app.post(&format!("/api/v1/work-orders/{id}/actions/dispatch"), &duty, json!({ "lead_organisation_id": property_company(app).await })).await;
        let dispatched = dispatched.expect(StatusCode::OK);
        assert_eq!(dispatched["deadlines"]["overdue"], false);
        assert_eq!(dispatched["deadlines"]["due"], dispatched["deadlines"]["resolve"]);
        assert!(overdue_ids(app, &duty).await.is_empty());
        assert_eq!(overdue_now(app).await, 0);

        // Returned the next morning: the duty officer has two working hours again, and is
        // alerted again when they pass.
        app.clock.set(shanghai_time(11, 3, 9, 30));
        let returned = app.post(&format!("/api/v1/work-orders/{id}/actions/return"), &wuye, json!({ "text": "噪音不归物业管，请转居委会" })).await;
        let returned = returned.expect(StatusCode::OK);
        assert_eq!(returned["deadlines"]["triage"], json!(shanghai_time(11, 3, 11, 30)));
        assert_eq!(returned["deadlines"]["overdue"], false);
        app.clock.set(shanghai_time(11, 3, 11, 31));
        assert_eq!(run_rules().await.unwrap().newly_overdue, 1);
        assert_eq!(overdue_ids(app, &duty).await, vec![id]);
    }

    async fn each_category_has_its_own_triage_limit(app: &TestApp) {
        let (admin, bao) = (app.token("admin").await, app.token("bao").await);
        let community = CommunityId(app.chengshangcheng().await);
        let categories = app.store.categories(community).await.unwrap();
        let utilities = categories.iter().find(|category| category.code == "utilities").unwrap();
        let noise = categories.iter().find(|category| category.code == "noise").unwrap();
        // The defaults: as pressing as signing — 30 minutes around the clock when urgent.
        assert_eq!((utilities.triage_limit_kind.as_str(), utilities.triage_limit_minutes), ("calendar_minutes", 30));
        assert_eq!((noise.triage_limit_kind.as_str(), noise.triage_limit_minutes), ("working_minutes", 120));

        let path = format!("/api/v1/categories/{}", noise.id);
        let refused = app.request(reqwest::Method::PATCH, &path, Some(&admin), Some(json!({ "triage_limit": { "kind": "working_minutes", "minutes": 0 } }))).await;
        refused.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "validation.out_of_range");
        assert_eq!(refused.body["error"]["field"], "triage_limit");
        let unchanged = app.store.category(noise.id).await.unwrap();
        assert_eq!(unchanged.triage_limit_minutes, 120, "a refused change changes nothing");

        let changed = app.request(reqwest::Method::PATCH, &path, Some(&admin), Some(json!({ "triage_limit": { "kind": "working_minutes", "minutes": 60 } }))).await;
        assert_eq!(changed.expect(StatusCode::OK)["triage_limit_minutes"], 60);
        // Saturday 7 November, 22:00: the working hour starts on Monday at 09:00.
        app.clock.set(shanghai_time(11, 7, 22, 0));
        let created = app.post("/api/v1/work-orders", &bao, json!({ "category": "noise", "description": "楼下广场舞音响太响" })).await;
        let id = created.expect(StatusCode::CREATED)["id"].as_i64().unwrap();
        assert_eq!(detail(app, &bao, id).await["deadlines"]["triage"], json!(shanghai_time(11, 9, 10, 0)));
    }

    async fn work_orders_waiting_from_before_get_a_triage_deadline_from_the_clock(app: &TestApp) {
        let community = CommunityId(app.chengshangcheng().await);
        let categories = app.store.categories(community).await.unwrap();
        let greenery = categories.iter().find(|category| category.code == "greenery").unwrap();
        let buildings = app.store.buildings(community).await.unwrap();
        // Loaded in bulk, as a migration leaves them: waiting, with no triage deadline.
        let reported = shanghai_time(10, 27, 10, 0);
        app.store
            .load_bulk_history(
                community.0,
                app.person_id("duty").await,
                &[linli_store::bulk::BulkWorkOrder {
                    category_id: greenery.id,
                    building_id: buildings[0].id,
                    reporter_id: app.person_id("bao").await,
                    lead_organisation_id: None,
                    status: linli_domain::work_orders::Status::Submitted,
                    description: "树枝挡住窗户".to_owned(),
                    created_at: reported,
                    resolve_deadline: None,
                    rating: None,
                }],
            )
            .await
            .unwrap();
        let duty = app.token("duty").await;
        let listed = app.get("/api/v1/work-orders", &duty).await;
        let id = listed.expect(StatusCode::OK)["items"][0]["id"].as_i64().unwrap();
        assert_eq!(detail(app, &duty, id).await["deadlines"]["triage"], Value::Null);
        app.clock.set(shanghai_time(11, 2, 9, 0));
        // Without a deadline it is not counted late; the figures read now are kept.
        let overdue_before = overdue_now(app).await;
        let report = linli_app::work_orders::jobs::run_due_rules(app.state()).await.unwrap();
        assert_eq!(report.newly_overdue, 1, "counted from when it was reported");
        // The deadline given, the figures count it at once, at the same moment.
        assert_eq!(overdue_now(app).await, overdue_before + 1);
        let read = detail(app, &duty, id).await;
        assert_eq!(read["deadlines"]["triage"], json!(shanghai_time(10, 27, 12, 0)));
        assert_eq!(read["deadlines"]["overdue"], true);
    }
}
