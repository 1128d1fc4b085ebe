//! Searching work orders' text: one- and two-character Chinese queries, found through
//! the index on both engines, and the index filled in for rows written before it.

use crate::helpers::TestApp;
use linli_store::DatabaseUrl;
use reqwest::StatusCode;
use serde_json::json;

const REPORTS: [&str; 7] = [
    "7号楼楼道灯坏了，晚上看不见",
    "流浪猫在车库生了小猫",
    "小区东门路灯不亮",
    "LED灯一直闪烁",
    "楼上有人把猫粮扔到我家平台",
    "跟进14242号问题",
    // Every pair of 4242号 and none of its triples in a row.
    "42号与24号问题",
];

async fn found(app: &TestApp, token: &str, query: &str) -> Vec<String> {
    let encoded: String = percent_encode(query);
    let page = app
        .get(&format!("/api/v1/work-orders?q={encoded}&limit=200"), token)
        .await;
    let mut descriptions: Vec<String> = page.expect(StatusCode::OK)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["description"].as_str().unwrap().to_owned())
        .collect();
    descriptions.sort();
    descriptions
}

fn percent_encode(text: &str) -> String {
    text.bytes().map(|byte| format!("%{byte:02X}")).collect()
}

async fn expect_answers(app: &TestApp, duty: &str) {
    let cases: [(&str, &[usize]); 13] = [
        ("猫", &[1, 4]),
        ("路灯", &[2]),
        ("楼道灯", &[0]),
        ("灯", &[0, 2, 3]),
        ("led", &[3]),
        ("Led灯", &[3]),
        ("灯坏", &[0]),
        ("道路", &[]),
        ("猫 车库", &[]),
        ("%", &[]),
        ("4242号", &[5]),
        ("2号", &[5, 6]),
        ("号问题", &[5, 6]),
    ];
    for (query, expected) in cases {
        let mut wanted: Vec<String> = expected
            .iter()
            .map(|index| REPORTS[*index].to_owned())
            .collect();
        wanted.sort();
        assert_eq!(found(app, duty, query).await, wanted, "{query}");
    }
}

both_engines! {
    async fn one_and_two_character_chinese_queries_find_their_reports(app: &TestApp) {
        let (bao, duty) = (app.token("bao").await, app.token("duty").await);
        for description in REPORTS {
            app.post("/api/v1/work-orders", &bao, json!({ "category": "other", "description": description }))
                .await
                .expect(StatusCode::CREATED);
        }
        expect_answers(app, &duty).await;

        // Rows written before the index existed: their terms are filled in when the store
        // starts, and they are found the same way.
        match &app.database.url {
            DatabaseUrl::Sqlite(path) => {
                let pool = sqlx::SqlitePool::connect(&format!("sqlite:{}", path.display())).await.unwrap();
                sqlx::query("INSERT INTO work_order_search (work_order_search) VALUES ('delete-all')").execute(&pool).await.unwrap();
                sqlx::query("UPDATE work_orders SET search_terms = NULL").execute(&pool).await.unwrap();
                assert!(found(app, &duty, "猫").await.is_empty(), "the index is empty now");
                pool.close().await;
            }
            DatabaseUrl::Postgres(url) => {
                let pool = sqlx::PgPool::connect(url).await.unwrap();
                sqlx::query("UPDATE work_orders SET search_terms = NULL").execute(&pool).await.unwrap();
                assert!(found(app, &duty, "猫").await.is_empty(), "the index is empty now");
                pool.close().await;
            }
        }
        app.store.migrate().await.unwrap();
        expect_answers(app, &duty).await;
    }
}
