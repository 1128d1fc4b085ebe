//! Likely duplicates through HTTP: before reporting, what neighbours already raised in
//! the same building and category is offered, as the caller may see it; on triage the
//! office sees a report's likely duplicates and merges with one click.

use crate::helpers::TestApp;
use crate::pages::signed_in;
use reqwest::StatusCode;
use reqwest::header::COOKIE;
use serde_json::{Value, json};

async fn report(app: &TestApp, token: &str, body: Value) -> (i64, i64) {
    let created = app.post("/api/v1/work-orders", token, body).await;
    let created = created.expect(StatusCode::CREATED);
    (
        created["id"].as_i64().unwrap(),
        created["number"].as_i64().unwrap(),
    )
}

fn numbers(found: &Value) -> Vec<i64> {
    found
        .as_array()
        .unwrap()
        .iter()
        .map(|order| order["number"].as_i64().unwrap())
        .collect()
}

both_engines! {
    async fn neighbours_reports_are_offered_and_merged_with_one_click(app: &TestApp) {
        let (bao, tang, desk, duty) = (app.token("bao").await, app.token("tang").await, app.token("desk").await, app.token("duty").await);
        let community = app.chengshangcheng().await;
        let building_7 = app.store.buildings(linli_domain::ids::CommunityId(community)).await.unwrap()
            .into_iter().find(|building| building.name == "7号楼").unwrap().id;
        // bao's own, a public one the desk took, a private one, another building's,
        // another category's, and an unlike text.
        let (_, own) = report(app, &bao, json!({ "category": "noise", "description": "7号楼门口路灯坏了，晚上很黑" })).await;
        let (_, public) = report(app, &desk, json!({ "category": "noise", "description": "7号楼路灯不亮，电话13912345678",
            "guest_name": "王阿婆", "building_id": building_7, "is_public": true })).await;
        let (_, private) = report(app, &desk, json!({ "category": "noise", "description": "7号楼门口的路灯不亮",
            "guest_name": "李老伯", "building_id": building_7 })).await;
        report(app, &tang, json!({ "category": "noise", "description": "9号楼门口路灯坏了" })).await;
        report(app, &desk, json!({ "category": "greenery", "description": "7号楼门口路灯坏了", "guest_name": "赵", "building_id": building_7 })).await;
        report(app, &desk, json!({ "category": "noise", "description": "楼上装修声音太大", "guest_name": "钱", "building_id": building_7 })).await;

        // A resident about to report: their own and the public one, numbers masked.
        let path = format!("/api/v1/work-orders/similar?category=noise&description={}", "7%E5%8F%B7%E6%A5%BC%E8%B7%AF%E7%81%AF%E4%B8%8D%E4%BA%AE");
        let offered = app.get(&path, &bao).await.expect(StatusCode::OK).clone();
        let mut found = numbers(&offered);
        found.sort_unstable();
        assert_eq!(found, vec![own, public]);
        assert!(offered.as_array().unwrap().iter().all(|order| !order["description"].as_str().unwrap().contains("13912345678")));
        assert!(offered.as_array().unwrap().iter().all(|order| (0.3..=1.0).contains(&order["similarity"].as_f64().unwrap())));

        // The office on triage: the likely duplicates of the private one, not itself.
        let listed = app.get("/api/v1/work-orders?status=submitted&limit=50", &duty).await.expect(StatusCode::OK).clone();
        let id_of = |number: i64| listed["items"].as_array().unwrap().iter().find(|item| item["number"] == number).unwrap()["id"].as_i64().unwrap();
        let duplicates = app.get(&format!("/api/v1/work-orders/{}/duplicates", id_of(private)), &duty).await.expect(StatusCode::OK).clone();
        let mut found = numbers(&duplicates);
        found.sort_unstable();
        assert_eq!(found, vec![own, public]);
        app.get(&format!("/api/v1/work-orders/{}/duplicates", id_of(private)), &bao).await.expect_error(StatusCode::FORBIDDEN, "auth.forbidden");

        // One click on the page merges it.
        let mut page = signed_in(app, "duty").await;
        let detail = page.get(&format!("/orders/{}", id_of(private))).await;
        assert!(detail.body.contains("id=\"duplicates\"") && detail.body.contains(&format!("id=\"merge-into-{own}\"")));
        let version = app.get(&format!("/api/v1/work-orders/{}", id_of(private)), &duty).await.expect(StatusCode::OK)["version"].to_string();
        let form = reqwest::multipart::Form::new().text("csrf", page.csrf()).text("version", version).text("into_number", own.to_string());
        let response = page.client.post(app.url(&format!("/orders/{}/actions/merge", id_of(private))))
            .header(COOKIE, page.cookie_header()).multipart(form).send().await.unwrap();
        assert!(response.status().is_redirection() || response.status().is_success(), "{}", response.status());
        let merged = app.get(&format!("/api/v1/work-orders/{}", id_of(private)), &duty).await.expect(StatusCode::OK).clone();
        assert_eq!(merged["status"], "cancelled", "{merged}");

        // The report page's script asks the page's own address.
        let mut resident = signed_in(app, "bao").await;
        let categories = app.store.categories(linli_domain::ids::CommunityId(community)).await.unwrap();
        let noise = categories.iter().find(|category| category.code == "noise").unwrap().id;
        let answer = resident.get(&format!("/report/similar?category_id={noise}&building_id=&description=7%E5%8F%B7%E6%A5%BC%E8%B7%AF%E7%81%AF%E5%9D%8F%E4%BA%86")).await;
        assert_eq!(answer.status, StatusCode::OK);
        let offered: Value = serde_json::from_str(&answer.body).unwrap();
        assert!(numbers(&offered).contains(&own));
        assert!(resident.get("/report").await.body.contains("id=\"similar\""));
    }
}
