//! The figures the party secretary shows the street: each rate is a share of the work
//! orders reported in the range (their cohort), and each party's row counts the work
//! orders it leads.

use crate::helpers::{Response, TestApp};
use chrono::{TimeZone, Utc};
use linli_domain::ids::CommunityId;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn act(app: &TestApp, token: &str, id: i64, action: &str, body: Value) -> Response {
    app.post(
        &format!("/api/v1/work-orders/{id}/actions/{action}"),
        token,
        body,
    )
    .await
}

async fn organisation_id(app: &TestApp, name: &str) -> i64 {
    let community = CommunityId(app.chengshangcheng().await);
    let organisations = app.store.organisations(community).await.unwrap();
    organisations
        .into_iter()
        .find(|organisation| organisation.name == name)
        .unwrap()
        .id
}

fn rate(figures: &Value, name: &str) -> Option<f64> {
    figures["totals"][name].as_f64()
}

both_engines! {
    // Reported and resolved in October, accepted in November: October's figures count
    // the acceptance (its cohort), November's have nothing to count — once, November
    // showed 1 accepted of 0 resolved.
    async fn rates_are_shares_of_the_work_orders_reported_in_the_range(app: &TestApp) {
        let community = app.chengshangcheng().await;
        let (bao, duty, wuye, shuji) = (app.token("bao").await, app.token("duty").await, app.token("wuye").await, app.token("shuji").await);
        let property = organisation_id(app, "城上城物业服务中心").await;
        app.clock.set(Utc.with_ymd_and_hms(2026, 10, 27, 2, 0, 0).unwrap());
        let created = app.post("/api/v1/work-orders", &bao, json!({ "category": "noise", "description": "夜里噪音" })).await;
        let id = created.expect(StatusCode::CREATED)["id"].as_i64().unwrap();
        act(app, &duty, id, "dispatch", json!({ "lead_organisation_id": property })).await.expect(StatusCode::OK);
        act(app, &wuye, id, "sign", json!({})).await.expect(StatusCode::OK);
        app.clock.set(Utc.with_ymd_and_hms(2026, 10, 30, 2, 0, 0).unwrap());
        act(app, &wuye, id, "resolve", json!({ "text": "已提醒住户" })).await.expect(StatusCode::OK);
        app.clock.set(Utc.with_ymd_and_hms(2026, 11, 2, 2, 0, 0).unwrap());
        act(app, &bao, id, "accept", json!({ "rating": 5 })).await.expect(StatusCode::OK);

        let october = app.get(&format!("/api/v1/statistics?community_id={community}&from=2026-10-01&to=2026-10-31"), &shuji).await;
        let october = october.expect(StatusCode::OK).clone();
        assert_eq!(october["totals"]["created"], 1);
        assert_eq!(october["totals"]["resolved"], 1);
        assert_eq!(october["totals"]["accepted"], 1, "the acceptance counts in its cohort: {october}");
        assert_eq!(rate(&october, "resolution_rate"), Some(1.0));
        assert_eq!(rate(&october, "satisfaction_rate"), Some(1.0));
        let november = app.get(&format!("/api/v1/statistics?community_id={community}&from=2026-11-01&to=2026-11-30"), &shuji).await;
        let november = november.expect(StatusCode::OK).clone();
        assert_eq!(november["totals"]["accepted"], 0, "{november}");
        assert_eq!(rate(&november, "resolution_rate"), None);
        // Every month of the range adds up to the range.
        let both = app.get(&format!("/api/v1/statistics?community_id={community}&from=2026-10-01&to=2026-11-30"), &shuji).await;
        let both = both.expect(StatusCode::OK).clone();
        let months: i64 = both["by_month"].as_array().unwrap().iter().map(|month| month["accepted"].as_i64().unwrap()).sum();
        assert_eq!(months, both["totals"]["accepted"].as_i64().unwrap());
    }

    // Each party's row counts the work orders it leads now, the rest are 未指派, and the
    // rows add up to the total; the count of a party is what listing its work orders finds.
    async fn each_partys_row_counts_the_work_orders_it_leads(app: &TestApp) {
        let community = app.chengshangcheng().await;
        let (bao, duty, shuji) = (app.token("bao").await, app.token("duty").await, app.token("shuji").await);
        let property = organisation_id(app, "城上城物业服务中心").await;
        let committee = organisation_id(app, "城上城居委会").await;
        let mut ids = Vec::new();
        for index in 0..5 {
            let created = app.post("/api/v1/work-orders", &bao, json!({ "category": "noise", "description": format!("噪音 {index}") })).await;
            ids.push(created.expect(StatusCode::CREATED)["id"].as_i64().unwrap());
        }
        for id in &ids[..3] {
            act(app, &duty, *id, "dispatch", json!({ "lead_organisation_id": property })).await.expect(StatusCode::OK);
        }
        act(app, &duty, ids[3], "dispatch", json!({ "lead_organisation_id": committee })).await.expect(StatusCode::OK);
        // Dispatched again to the other party: it moves with its work order.
        act(app, &duty, ids[0], "dispatch", json!({ "lead_organisation_id": committee })).await.expect(StatusCode::OK);

        let figures = app.get(&format!("/api/v1/statistics?community_id={community}"), &shuji).await;
        let figures = figures.expect(StatusCode::OK).clone();
        let rows = figures["by_organisation"].as_array().unwrap();
        let created_of = |id: Option<i64>| rows.iter()
            .find(|row| row["id"].as_i64() == id)
            .map_or(0, |row| row["created"].as_i64().unwrap());
        for (party, expected) in [(property, 2), (committee, 2)] {
            assert_eq!(created_of(Some(party)), expected, "{figures}");
            let listed = app.get(&format!("/api/v1/work-orders?community_id={community}&lead_organisation_id={party}"), &shuji).await;
            assert_eq!(listed.expect(StatusCode::OK)["items"].as_array().unwrap().len(), usize::try_from(expected).unwrap());
        }
        assert_eq!(created_of(None), 1, "未指派: {figures}");
        let sum: i64 = rows.iter().map(|row| row["created"].as_i64().unwrap()).sum();
        assert_eq!(sum, figures["totals"]["created"].as_i64().unwrap());
    }

    // Figures are kept a moment for the next asker (on PostgreSQL too, once this
    // instance hears the others); a change is never hidden by them: a report, an
    // action, a meeting's decision and a deadline passing each show at the next read.
    async fn kept_figures_never_hide_a_change(app: &TestApp) {
        let community = app.chengshangcheng().await;
        let (bao, duty, shuji) = (app.token("bao").await, app.token("duty").await, app.token("shuji").await);
        let property = organisation_id(app, "城上城物业服务中心").await;
        // Monday 2 November, 10:00 Shanghai: two working hours to dispatch a report.
        app.clock.set(Utc.with_ymd_and_hms(2026, 11, 2, 2, 0, 0).unwrap());
        let path = format!("/api/v1/statistics?community_id={community}");
        let read = async |app: &TestApp| app.get(&path, &shuji).await.expect(StatusCode::OK).clone();
        let before = read(app).await;
        assert_eq!(read(app).await, before, "read twice, the same figures");
        let created = app.post("/api/v1/work-orders", &bao, json!({ "category": "noise", "description": "夜里噪音" })).await;
        let id = created.expect(StatusCode::CREATED)["id"].as_i64().unwrap();
        let after_report = read(app).await;
        assert_eq!(after_report["totals"]["created"].as_i64(), before["totals"]["created"].as_i64().map(|count| count + 1));
        act(app, &duty, id, "dispatch", json!({ "lead_organisation_id": property })).await.expect(StatusCode::OK);
        let after_dispatch = read(app).await;
        assert_eq!(after_dispatch["totals"]["dispatched"].as_i64(), after_report["totals"]["dispatched"].as_i64().map(|count| count + 1));

        // A second report nobody dispatches: late at 12:00, with no write in between.
        app.post("/api/v1/work-orders", &bao, json!({ "category": "noise", "description": "楼上拖椅子" })).await.expect(StatusCode::CREATED);
        let waiting = read(app).await;
        app.clock.set(Utc.with_ymd_and_hms(2026, 11, 2, 4, 30, 0).unwrap());
        let late = read(app).await;
        assert_eq!(late["now"]["overdue"].as_i64(), waiting["now"]["overdue"].as_i64().map(|count| count + 1), "{late}");

        // A meeting decides on an escalated report: counted at once.
        let order = crate::meetings::escalated_report(app, "bao", "high_altitude_throwing", "7", "7号楼高空抛物").await;
        let meeting = crate::meetings::next_meeting(app).await["id"].as_i64().unwrap();
        let item = app.post(&format!("/api/v1/meetings/{meeting}/items"), &shuji, json!({ "work_order_id": order })).await;
        let item = item.expect(StatusCode::CREATED)["id"].as_i64().unwrap();
        let undecided = read(app).await;
        let decided = app.post(&format!("/api/v1/meetings/{meeting}/items/{item}/decision"), &shuji, json!({ "text": "物业加装探头", "lead_organisation_id": property, "action": "record" })).await;
        decided.expect(StatusCode::OK);
        let counted = read(app).await;
        assert_eq!(
            counted["projects"]["decided_after_escalation"].as_i64(),
            undecided["projects"]["decided_after_escalation"].as_i64().map(|count| count + 1),
            "{counted}"
        );
    }
}
