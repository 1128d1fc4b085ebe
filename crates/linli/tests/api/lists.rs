//! Lists read one arm per status (and overdue lists, one arm per late status) answer
//! exactly what the filter means: the same work orders, in the list's order, across
//! every page of a cursor walk. Checked against the whole history read in id order and
//! filtered here, on both engines.

use crate::helpers::TestApp;
use chrono::{DateTime, Duration, Utc};
use linli_domain::clock::Clock;
use linli_domain::ids::CommunityId;
use linli_domain::work_orders::Status;
use linli_store::bulk::BulkWorkOrder;
use reqwest::StatusCode;
use serde_json::Value;

/// Every page of a list, walked by its cursor seven at a time.
async fn walk(app: &TestApp, token: &str, filter: &str) -> Vec<Value> {
    let mut items = Vec::new();
    let mut cursor = String::new();
    loop {
        let page = app
            .get(
                &format!("/api/v1/work-orders?limit=7{filter}{cursor}"),
                token,
            )
            .await;
        let page = page.expect(StatusCode::OK).clone();
        items.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(next) => cursor = format!("&cursor={next}"),
            None => return items,
        }
    }
}

fn time(item: &Value, field: &str) -> Option<DateTime<Utc>> {
    item[field].as_str().map(|text| text.parse().unwrap())
}

/// A list's filter as sent, which work orders it means, and its order.
type Case<'a> = (&'static str, Box<dyn Fn(&Value) -> bool + 'a>, &'static str);

fn ids(items: &[Value]) -> Vec<i64> {
    items
        .iter()
        .map(|item| item["id"].as_i64().unwrap())
        .collect()
}

both_engines! {
    async fn lists_read_per_status_answer_what_one_scan_would(app: &TestApp) {
        let community = CommunityId(app.chengshangcheng().await);
        let categories = app.store.categories(community).await.unwrap();
        let buildings = app.store.buildings(community).await.unwrap();
        let organisations = app.store.organisations(community).await.unwrap();
        let now = app.clock.now();
        let bao = app.person_id("bao").await;
        let statuses = [Status::Submitted, Status::Dispatched, Status::InProgress, Status::OnHold, Status::Resolved, Status::Closed, Status::Cancelled];
        // 280 work orders over three weeks, every status, deadlines past and to come,
        // several sharing a deadline (the id decides between them).
        let history: Vec<BulkWorkOrder> = (0..280i64)
            .map(|n| {
                let status = statuses[usize::try_from(n * 5 % 7).unwrap()];
                let lead = (status != Status::Submitted).then(|| organisations[usize::try_from(n).unwrap() % organisations.len()].id);
                let created_at = now - Duration::hours(n * 2 % 500);
                BulkWorkOrder {
                    category_id: categories[usize::try_from(n % 4).unwrap()].id,
                    building_id: buildings[usize::try_from(n % 5).unwrap()].id,
                    reporter_id: bao,
                    lead_organisation_id: lead,
                    status,
                    description: format!("第{n}件"),
                    created_at,
                    // Every third waiting one was sent back after a dispatch: it keeps
                    // its resolve deadline, which then orders it.
                    resolve_deadline: (lead.is_some() || n % 3 == 0).then(|| now + Duration::hours((n % 11 - 6) * 12)),
                    rating: None,
                }
            })
            .collect();
        assert!(history.iter().any(|order| order.status == Status::Submitted && order.resolve_deadline.is_some()));
        app.store.load_bulk_history(community.0, app.person_id("duty").await, &history).await.unwrap();
        // Waiting ones get a triage deadline eight hours after they were reported: most
        // are past it, those of the last eight hours are not.
        for (id, _, created_at) in app.store.submitted_without_triage_deadline(1000).await.unwrap() {
            app.store.set_missing_triage_deadline(id, created_at + Duration::hours(8)).await.unwrap();
        }
        let duty = app.token("duty").await;
        let wuye = organisations.iter().find(|o| o.name == "城上城物业服务中心").unwrap().id;
        // Three led by another party with the property company co-handling: in its queue too.
        let other = organisations.iter().find(|o| o.id != wuye).unwrap().id;
        let desk = app.token("desk").await;
        let mut co_handled = Vec::new();
        for n in 0..3 {
            let body = serde_json::json!({ "category": "high_altitude_throwing", "description": format!("共办第{n}件"), "reporter_id": bao });
            let id = app.post("/api/v1/work-orders", &desk, body).await.expect(StatusCode::CREATED)["id"].as_i64().unwrap();
            let dispatch = serde_json::json!({ "lead_organisation_id": other, "co_handler_ids": [wuye] });
            app.post(&format!("/api/v1/work-orders/{id}/actions/dispatch"), &duty, dispatch).await.expect(StatusCode::OK);
            co_handled.push(id);
        }
        let everything = walk(app, &duty, "&sort=oldest").await;
        assert!(everything.len() >= 280);
        let deadline_key = |item: &Value| {
            time(item, "resolve_deadline")
                .or_else(|| (item["status"] == "submitted").then(|| time(item, "due_at")).flatten())
                .unwrap_or(DateTime::<Utc>::MAX_UTC)
        };
        let late = |item: &Value| match item["status"].as_str().unwrap() {
            "submitted" => time(item, "due_at").is_some_and(|due| due < now),
            "dispatched" | "in_progress" => time(item, "resolve_deadline").is_some_and(|due| due < now),
            _ => false,
        };
        let category = categories[1].id;
        // More late ones sent back than a page holds, so their arm's order decides a page.
        let sent_back_late = everything.iter().filter(|item| item["status"] == "submitted" && item["resolve_deadline"].is_string() && late(item)).count();
        assert!(sent_back_late > 7, "{sent_back_late} late ones sent back");
        let cases: Vec<Case> = vec![
            ("&overdue=true&sort=deadline", Box::new(late), "deadline"),
            ("&overdue=true", Box::new(late), "newest"),
            ("&overdue=true&sort=oldest", Box::new(late), "oldest"),
            ("&overdue=true&status=submitted,in_progress", Box::new(move |item: &Value| late(item) && item["status"] != "dispatched"), "newest"),
            // Only the arm past its resolve deadline: every row of a page comes from it.
            ("&overdue=true&status=dispatched,in_progress", Box::new(move |item: &Value| late(item) && item["status"] != "submitted"), "newest"),
            ("&overdue=true&status=dispatched,in_progress&sort=oldest", Box::new(move |item: &Value| late(item) && item["status"] != "submitted"), "oldest"),
            (
                Box::leak(format!("&overdue=true&category_id={category}").into_boxed_str()),
                Box::new(move |item: &Value| late(item) && item["category_id"] == category),
                "newest",
            ),
            ("&overdue=true&status=dispatched&sort=deadline", Box::new(move |item: &Value| late(item) && item["status"] == "dispatched"), "deadline"),
            ("&status=dispatched,in_progress,on_hold&sort=deadline", Box::new(|item: &Value| ["dispatched", "in_progress", "on_hold"].contains(&item["status"].as_str().unwrap())), "deadline"),
            ("&status=closed,cancelled", Box::new(|item: &Value| ["closed", "cancelled"].contains(&item["status"].as_str().unwrap())), "newest"),
            ("&status=submitted,resolved&sort=oldest", Box::new(|item: &Value| ["submitted", "resolved"].contains(&item["status"].as_str().unwrap())), "oldest"),
            (
                Box::leak(format!("&status=dispatched,in_progress,resolved&lead_organisation_id={wuye}&sort=deadline").into_boxed_str()),
                Box::new(move |item: &Value| item["lead_organisation_id"] == wuye && ["dispatched", "in_progress", "resolved"].contains(&item["status"].as_str().unwrap())),
                "deadline",
            ),
        ];
        // A handler's own queue ("mine": led or co-handled by their party).
        let handled = walk(app, &app.token("wuye").await, "&mine=true&status=dispatched,in_progress,on_hold&sort=deadline").await;
        let mut expected: Vec<Value> = everything
            .iter()
            .filter(|item| (item["lead_organisation_id"] == wuye || co_handled.contains(&item["id"].as_i64().unwrap())) && ["dispatched", "in_progress", "on_hold"].contains(&item["status"].as_str().unwrap()))
            .cloned()
            .collect();
        expected.sort_by_key(|item| (deadline_key(item), item["id"].as_i64().unwrap()));
        assert!(co_handled.iter().all(|id| ids(&handled).contains(id)), "co-handled ones are in the queue");
        assert_eq!(ids(&handled), ids(&expected), "mine");
        for (filter, wanted, order) in cases {
            let mut expected: Vec<Value> = everything.iter().filter(|item| wanted(item)).cloned().collect();
            match order {
                "deadline" => expected.sort_by_key(|item| (deadline_key(item), item["id"].as_i64().unwrap())),
                "newest" => expected.sort_by_key(|item| std::cmp::Reverse(item["id"].as_i64().unwrap())),
                _ => expected.sort_by_key(|item| item["id"].as_i64().unwrap()),
            }
            let listed = walk(app, &duty, filter).await;
            assert!(!expected.is_empty(), "{filter}: the history has some");
            assert_eq!(ids(&listed), ids(&expected), "{filter}");
        }
        // No finished work order is late.
        assert!(walk(app, &duty, "&overdue=true&status=closed,resolved").await.is_empty());
    }
}

both_engines! {
    async fn a_residents_own_lists_are_what_they_reported_or_follow(app: &TestApp) {
        let community = CommunityId(app.chengshangcheng().await);
        let categories = app.store.categories(community).await.unwrap();
        let buildings = app.store.buildings(community).await.unwrap();
        let organisations = app.store.organisations(community).await.unwrap();
        let now = app.clock.now();
        let (bao, tang) = (app.person_id("bao").await, app.person_id("tang").await);
        // 140 work orders in every status; tang reported every third, bao the rest.
        let history: Vec<BulkWorkOrder> = (0..140i64)
            .map(|n| {
                let status = Status::ALL[usize::try_from(n * 3 % 7).unwrap()];
                let lead = (status != Status::Submitted).then(|| organisations[usize::try_from(n).unwrap() % organisations.len()].id);
                BulkWorkOrder {
                    category_id: categories[usize::try_from(n % 4).unwrap()].id,
                    building_id: buildings[usize::try_from(n % 5).unwrap()].id,
                    reporter_id: if n % 3 == 0 { tang } else { bao },
                    lead_organisation_id: lead,
                    status,
                    description: format!("第{n}件"),
                    created_at: now - Duration::hours(n * 5 % 300),
                    resolve_deadline: lead.map(|_| now + Duration::hours((n % 9 - 5) * 12)),
                    rating: None,
                }
            })
            .collect();
        app.store.load_bulk_history(community.0, app.person_id("duty").await, &history).await.unwrap();
        let everything = walk(app, &app.token("duty").await, "&sort=oldest").await;
        let number = |item: &Value| item["description"].as_str().unwrap().trim_start_matches('第').trim_end_matches('件').parse::<i64>().ok();
        // tang says "me too" to some of bao's open reports: those are tang's as well.
        let tang_token = app.token("tang").await;
        let mut followed = Vec::new();
        for item in everything.iter().filter(|item| number(item).is_some_and(|n| n % 3 != 0 && n % 4 == 1)) {
            if ["closed", "cancelled"].contains(&item["status"].as_str().unwrap()) {
                continue;
            }
            let id = item["id"].as_i64().unwrap();
            app.post(&format!("/api/v1/work-orders/{id}/actions/me_too"), &tang_token, serde_json::json!({})).await.expect(StatusCode::OK);
            followed.push(id);
        }
        assert!(followed.len() >= 5);
        let is_tangs = |item: &Value| number(item).is_some_and(|n| n % 3 == 0) || followed.contains(&item["id"].as_i64().unwrap());
        let late = |item: &Value| match item["status"].as_str().unwrap() {
            "submitted" => time(item, "due_at").is_some_and(|due| due < now),
            "dispatched" | "in_progress" => time(item, "resolve_deadline").is_some_and(|due| due < now),
            _ => false,
        };
        let open = ["submitted", "dispatched", "in_progress", "on_hold", "resolved"];
        let cases: Vec<Case> = vec![
            ("&mine=true", Box::new(|_: &Value| true), "newest"),
            ("&mine=true&status=closed,cancelled", Box::new(|item: &Value| ["closed", "cancelled"].contains(&item["status"].as_str().unwrap())), "newest"),
            ("&mine=true&status=submitted,dispatched,in_progress,on_hold,resolved", Box::new(move |item: &Value| open.contains(&item["status"].as_str().unwrap())), "newest"),
            ("&mine=true&status=resolved&sort=oldest", Box::new(|item: &Value| item["status"] == "resolved"), "oldest"),
            ("&mine=true&overdue=true", Box::new(late), "newest"),
        ];
        for (filter, wanted, order) in cases {
            let mut expected: Vec<i64> = everything.iter().filter(|item| is_tangs(item) && wanted(item)).map(|item| item["id"].as_i64().unwrap()).collect();
            match order {
                "newest" => expected.sort_by_key(|id| std::cmp::Reverse(*id)),
                _ => expected.sort_unstable(),
            }
            assert!(!expected.is_empty(), "{filter}: the history has some");
            assert_eq!(ids(&walk(app, &tang_token, filter).await), expected, "{filter}");
        }
    }
}
