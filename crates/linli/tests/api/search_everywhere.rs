//! The one search box through HTTP: each kind the caller may see, the phrase marked,
//! short Chinese, mixed and Latin queries, awkward characters answered or refused but
//! never a 500, each role's view — and both engines giving the same answers over the
//! told demo story.

use crate::helpers::{Engine, TestApp};
use crate::pages::signed_in;
use reqwest::StatusCode;
use serde_json::{Value, json};

fn encoded(query: &str) -> String {
    query
        .bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' => (byte as char).to_string(),
            _ => format!("%{byte:02X}"),
        })
        .collect()
}

async fn search(app: &TestApp, token: &str, query: &str) -> Value {
    let answer = app
        .get(&format!("/api/v1/search?q={}", encoded(query)), token)
        .await;
    answer.expect(StatusCode::OK).clone()
}

fn group<'a>(results: &'a Value, kind: &str) -> Option<&'a Vec<Value>> {
    results["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["kind"] == kind)
        .map(|g| g["hits"].as_array().unwrap())
}

/// Each hit as `title: excerpt` with the marked pieces in brackets.
fn shown(hits: &[Value]) -> Vec<String> {
    hits.iter()
        .map(|hit| {
            let excerpt: String = hit["excerpt"]
                .as_array()
                .unwrap()
                .iter()
                .map(|piece| {
                    if piece["marked"] == true {
                        format!("[{}]", piece["text"].as_str().unwrap())
                    } else {
                        piece["text"].as_str().unwrap().to_owned()
                    }
                })
                .collect();
            format!("{}: {excerpt}", hit["title"].as_str().unwrap())
        })
        .collect()
}

both_engines! {
    async fn one_box_finds_what_each_may_see(app: &TestApp) {
        let (bao, tang, desk, duty) = (app.token("bao").await, app.token("tang").await, app.token("desk").await, app.token("duty").await);
        app.post("/api/v1/work-orders", &bao, json!({ "category": "noise", "description": "7号楼路灯不亮，TNR 的猫躲在灯下" })).await.expect(StatusCode::CREATED);
        app.post("/api/v1/work-orders", &tang, json!({ "category": "noise", "description": "东门路灯坏了，请回电13912345678" })).await.expect(StatusCode::CREATED);
        app.post("/api/v1/work-orders", &desk, json!({ "category": "noise", "description": "楼道路灯闪", "guest_name": "王阿婆", "is_public": false })).await.expect(StatusCode::CREATED);
        app.post("/api/v1/visits", &desk, json!({ "visitor_name": "王阿婆", "matter": "问路灯什么时候修" })).await.expect(StatusCode::CREATED);

        // The office: every work order and the visit, the phrase marked.
        let found = search(app, &duty, "  路灯 ").await;
        assert_eq!(found["query"], "路灯");
        assert_eq!(group(&found, "work_order").unwrap().len(), 3);
        assert!(shown(group(&found, "work_order").unwrap()).iter().all(|hit| hit.contains("[路灯]")));
        assert_eq!(shown(group(&found, "visit").unwrap()), vec!["王阿婆: 问[路灯]什么时候修"]);
        assert!(shown(group(&found, "work_order").unwrap()).iter().any(|hit| hit.contains("13912345678")), "staff read whole texts");

        // A resident: their own and the public ones, a neighbour's phone masked; no
        // visits, no meetings.
        let theirs = search(app, &bao, "路灯").await;
        let orders = shown(group(&theirs, "work_order").unwrap());
        assert_eq!(orders.len(), 2, "{orders:?}");
        assert!(orders.iter().all(|hit| !hit.contains("13912345678") && !hit.contains("楼道路灯闪")), "{orders:?}");
        assert!(group(&theirs, "visit").is_none() && group(&theirs, "meeting").is_none());

        // One character, mixed Chinese and digits, Latin in any case.
        assert_eq!(group(&search(app, &duty, "灯").await, "work_order").unwrap().len(), 3);
        assert_eq!(group(&search(app, &duty, "7号楼").await, "work_order").unwrap().len(), 1);
        let latin = search(app, &duty, "tnr").await;
        assert_eq!(shown(group(&latin, "work_order").unwrap())[0].matches("[TNR]").count(), 1);

        // Awkward characters are plain text; empty and overlong are refused; never a 500.
        for awkward in ["%", "_", "'", "\"", "\\", "%'; DROP TABLE work_orders; --", "灯%"] {
            let found = search(app, &duty, awkward).await;
            assert!(group(&found, "work_order").unwrap().is_empty(), "{awkward}");
        }
        app.get("/api/v1/search?q=%20", &duty).await.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "search.query_required");
        let long = encoded(&"灯".repeat(1000));
        app.get(&format!("/api/v1/search?q={long}"), &duty).await.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "validation.too_long");

        // The page: the box, the hits marked, a refusal beside the box.
        let mut page = signed_in(app, "duty").await;
        let answer = page.get(&format!("/search?q={}", encoded("路灯"))).await;
        assert_eq!(answer.status, StatusCode::OK);
        assert!(answer.body.contains("<mark>路灯</mark>") && answer.body.contains("id=\"hits-visit\""));
        let refused = page.get("/search?q=%25%25").await;
        assert_eq!(refused.status, StatusCode::OK, "wildcards are searched, not refused");
        let long = page.get(&format!("/search?q={}", encoded(&"灯".repeat(101)))).await;
        assert_eq!(long.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(long.body.contains("id=\"search-q-error\""));
    }
}

/// Over the told demo story, each engine finds the same hits with the same marks.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PostgreSQL: run scripts/test.sh, or cargo nextest run --run-ignored all"]
async fn both_engines_answer_alike_over_the_demo() {
    let sqlite = TestApp::told_story(Engine::Sqlite).await;
    let postgres = TestApp::told_story(Engine::Postgres).await;
    let mut hits = 0;
    for login in ["shuji", "bao"] {
        let (one, other) = (sqlite.token(login).await, postgres.token(login).await);
        for query in [
            "路灯",
            "猫",
            "灯",
            "TNR",
            "tnr",
            "摄像头",
            "7号楼",
            "4号",
            "王阿姨",
            "%",
            "_",
            "'",
            "\\",
            "会议",
        ] {
            let (left, right) = (
                search(&sqlite, &one, query).await,
                search(&postgres, &other, query).await,
            );
            let kinds = |results: &Value| {
                results["groups"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|g| (g["kind"].to_string(), shown(g["hits"].as_array().unwrap())))
                    .collect::<Vec<_>>()
            };
            assert_eq!(kinds(&left), kinds(&right), "{login} searching {query}");
            hits += kinds(&left)
                .iter()
                .map(|(_, found)| found.len())
                .sum::<usize>();
        }
    }
    assert!(hits > 20, "the demo has things to find ({hits})");
    sqlite.stop().await;
    postgres.stop().await;
}
