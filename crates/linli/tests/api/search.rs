//! Searching work orders' text: one- and two-character Chinese queries, found through
//! the index on both engines, and the index filled in for rows written before it.

use crate::helpers::TestApp;
use chrono::Duration;
use linli_domain::clock::Clock;
use linli_domain::ids::CommunityId;
use linli_domain::work_orders::Status;
use linli_store::DatabaseUrl;
use linli_store::bulk::BulkWorkOrder;
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

/// Every page of a search by its cursor: the descriptions found, in order.
async fn walk_search(
    app: &TestApp,
    token: &str,
    query: &str,
    sort: &str,
    limit: usize,
) -> Vec<String> {
    let mut descriptions = Vec::new();
    let mut cursor = String::new();
    loop {
        let path = format!(
            "/api/v1/work-orders?q={}&sort={sort}&limit={limit}{cursor}",
            percent_encode(query)
        );
        let page = app.get(&path, token).await.expect(StatusCode::OK).clone();
        for item in page["items"].as_array().unwrap() {
            descriptions.push(item["description"].as_str().unwrap().to_owned());
        }
        match page["next_cursor"].as_str() {
            Some(next) => cursor = format!("&cursor={next}"),
            None => return descriptions,
        }
    }
}

both_engines! {
    async fn searches_in_id_order_page_across_gaps_in_the_ids(app: &TestApp) {
        // PostgreSQL reads a search for a common word in id order a window of blocks of
        // 4,096 ids at a time, newest first, then the rest of the history. 路灯 is in
        // four reports of five, so each window is one block: from the newest report's
        // block (133 here) 32 windows reach down to block 102, and block 101 is the first
        // one read past them. Its ids jump here to put reports in those blocks. SQLite
        // numbers its rows without gaps and walks its index in id order: the answers are
        // the same.
        let community = CommunityId(app.chengshangcheng().await);
        let category = app.store.categories(community).await.unwrap()[0].id;
        let building = app.store.buildings(community).await.unwrap()[0].id;
        let (bao, duty) = (app.token("bao").await, app.token("duty").await);
        let reporter = app.person_id("bao").await;
        // A history in which 路灯 is common: 1,600 of 2,000 reports.
        let history: Vec<BulkWorkOrder> = (0..2000)
            .map(|n| BulkWorkOrder {
                category_id: category,
                building_id: building,
                reporter_id: reporter,
                lead_organisation_id: None,
                status: Status::Closed,
                description: if n % 5 == 0 { format!("第{n}件：犬吠") } else { format!("第{n}件：路灯不亮") },
                created_at: app.clock.now() - Duration::days(30),
                resolve_deadline: None,
                rating: None,
            })
            .collect();
        app.store.load_bulk_history(community.0, app.person_id("duty").await, &history).await.unwrap();
        // The next report's id is the first of `block` (PostgreSQL).
        let jump = |block: i64| async move {
            if let DatabaseUrl::Postgres(url) = &app.database.url {
                let pool = sqlx::PgPool::connect(url).await.unwrap();
                sqlx::query("SELECT setval('work_orders_id_seq', $1)")
                    .bind(block * 4096 - 1)
                    .execute(&pool)
                    .await
                    .unwrap();
                pool.close().await;
            }
        };
        let report = |description: &'static str| {
            let bao = bao.clone();
            async move {
                app.post("/api/v1/work-orders", &bao, json!({ "category": "other", "description": description }))
                    .await
                    .expect(StatusCode::CREATED);
            }
        };
        jump(101).await;
        report("南门路灯坏了").await;
        jump(131).await;
        for _ in 0..3 {
            report("夜里犬吠扰民").await;
        }
        report("北门路灯闪个不停").await;
        report("西门路灯太暗").await;
        jump(133).await;
        report("夜里犬吠扰民").await;
        // The statistics that tell PostgreSQL's store the word is common.
        app.store.analyze().await.unwrap();

        let mut newest: Vec<String> = ["西门路灯太暗", "北门路灯闪个不停", "南门路灯坏了"].map(str::to_owned).to_vec();
        newest.extend((0..2000).rev().filter(|n| n % 5 != 0).map(|n| format!("第{n}件：路灯不亮")));
        assert_eq!(walk_search(app, &duty, "路灯", "newest", 1).await[..5], newest[..5]);
        assert_eq!(walk_search(app, &duty, "路灯", "newest", 50).await, newest);
        let oldest: Vec<String> = newest.iter().rev().cloned().collect();
        assert_eq!(walk_search(app, &duty, "路灯", "oldest", 50).await, oldest);
        // A page that takes matches from several windows and from past them at once.
        assert_eq!(walk_search(app, &duty, "路灯", "newest", 200).await, newest);
        // Nothing of the noise, and nothing for a phrase only its terms share.
        assert_eq!(walk_search(app, &duty, "犬吠", "newest", 50).await.len(), 400 + 4);
        assert!(walk_search(app, &duty, "灯犬", "newest", 50).await.is_empty());
    }
}
