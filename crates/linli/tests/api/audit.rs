//! The tamper-evident record on both engines: the timeline is sealed into
//! each community's hash chain; an edit, a deletion, an entry moved in the chain and a
//! row slipped in below the sealed mark, each made directly in the database, are found
//! and located — and undone, the chain holds again.

use crate::helpers::TestApp;
use chrono::Duration;
use linli_domain::audit::{Finding, Source};
use linli_store::DatabaseUrl;
use reqwest::StatusCode;
use serde_json::json;
use sqlx::Connection;

async fn raw(app: &TestApp, sql: String) -> u64 {
    match &app.database.url {
        DatabaseUrl::Sqlite(path) => {
            let mut connection =
                sqlx::SqliteConnection::connect(&format!("sqlite:{}", path.display()))
                    .await
                    .unwrap();
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .execute(&mut connection)
                .await
                .unwrap()
                .rows_affected()
        }
        DatabaseUrl::Postgres(url) => {
            let mut connection = sqlx::PgConnection::connect(url).await.unwrap();
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .execute(&mut connection)
                .await
                .unwrap()
                .rows_affected()
        }
    }
}

async fn findings(app: &TestApp) -> Vec<Finding> {
    let verification = app.store.verify_audit_chain().await.unwrap();
    verification
        .findings
        .into_iter()
        .map(|(_, finding)| finding)
        .collect()
}

both_engines! {
    async fn edits_deletions_moves_and_insertions_behind_the_chain_are_found(app: &TestApp) {
        let (bao, duty) = (app.token("bao").await, app.token("duty").await);
        let mut ids = Vec::new();
        for n in 0..3 {
            let created = app.post("/api/v1/work-orders", &bao, json!({ "category": "noise", "description": format!("第{n}次噪音") })).await;
            ids.push(created.expect(StatusCode::CREATED)["id"].as_i64().unwrap());
        }
        app.post(&format!("/api/v1/work-orders/{}/actions/reply", ids[0]), &duty, json!({ "text": "已转物业" })).await.expect(StatusCode::OK);

        // Nothing is sealed until it has settled for a minute.
        assert_eq!(app.store.seal_audit_chain(linli_domain::clock::Clock::now(&app.clock), 1000).await.unwrap(), 0);
        app.clock.advance(Duration::minutes(2));
        let sealed = app.store.seal_audit_chain(linli_domain::clock::Clock::now(&app.clock), 1000).await.unwrap();
        assert_eq!(sealed, 4, "three reports and a reply");
        assert_eq!(app.store.seal_audit_chain(linli_domain::clock::Clock::now(&app.clock), 1000).await.unwrap(), 0, "each once");
        let clean = app.store.verify_audit_chain().await.unwrap();
        assert!(clean.findings.is_empty(), "{:?}", clean.findings);
        let (_, length, head) = clean.heads.first().unwrap().clone();
        assert_eq!((length, head.len()), (4, 64));

        let reply: i64 = app.store.events(ids[0], true).await.unwrap().iter().find(|event| event.kind == "replied").unwrap().id;
        // An edited reply.
        raw(app, format!("UPDATE work_order_events SET body = '没这回事' WHERE id = {reply}")).await;
        assert!(matches!(findings(app).await.as_slice(), [Finding::Edited { source: Source::Timeline, row_id, .. }] if *row_id == reply));
        raw(app, format!("UPDATE work_order_events SET body = '已转物业' WHERE id = {reply}")).await;
        assert!(findings(app).await.is_empty(), "put back, it holds again");

        // An entry moved in the chain: the first two swap places.
        raw(app, "UPDATE audit_chain SET seq = seq + 100 WHERE seq IN (0, 1)".to_owned()).await;
        raw(app, "UPDATE audit_chain SET seq = 1 WHERE seq = 100".to_owned()).await;
        raw(app, "UPDATE audit_chain SET seq = 0 WHERE seq = 101".to_owned()).await;
        assert_eq!(findings(app).await, vec![Finding::ChainBroken { seq: 0 }]);
        raw(app, "UPDATE audit_chain SET seq = seq + 100 WHERE seq IN (0, 1)".to_owned()).await;
        raw(app, "UPDATE audit_chain SET seq = 1 WHERE seq = 100".to_owned()).await;
        raw(app, "UPDATE audit_chain SET seq = 0 WHERE seq = 101".to_owned()).await;
        assert!(findings(app).await.is_empty());

        // A deleted reply, and the same reply slipped back in as new below the mark.
        raw(app, format!("DELETE FROM work_order_events WHERE id = {reply}")).await;
        assert!(matches!(findings(app).await.as_slice(), [Finding::Deleted { source: Source::Timeline, row_id, .. }] if *row_id == reply));
        raw(app, format!("DELETE FROM audit_chain WHERE source = 'timeline' AND row_id = {reply}")).await;
        raw(app, format!("INSERT INTO work_order_events (id, work_order_id, kind, actor_id, at, body, internal)
            SELECT {reply}, {}, 'replied', NULL, at, '不是我写的', FALSE FROM work_order_events WHERE work_order_id = {} LIMIT 1", ids[0], ids[0])).await;
        let found = findings(app).await;
        assert!(found.contains(&Finding::Inserted { source: Source::Timeline, row_id: reply }), "{found:?}");

        // What slipped in below the mark is never sealed after the fact.
        let fresh = app.store.seal_audit_chain(linli_domain::clock::Clock::now(&app.clock), 1000).await.unwrap();
        assert_eq!(fresh, 0, "a row below the mark is never sealed after the fact");
    }

    async fn published_heads_reveal_a_chain_rewritten_from_scratch(app: &TestApp) {
        let community = app.chengshangcheng().await;
        let bao = app.token("bao").await;
        for n in 0..3 {
            app.post("/api/v1/work-orders", &bao, json!({ "category": "noise", "description": format!("第{n}次噪音") }))
                .await
                .expect(StatusCode::CREATED);
        }
        app.clock.advance(Duration::minutes(2));
        let now = linli_domain::clock::Clock::now(&app.clock);
        app.store.seal_audit_chain(now, 1000).await.unwrap();
        let day = chrono::NaiveDate::from_ymd_opt(2026, 10, 27).unwrap();
        assert_eq!(app.store.publish_audit_anchors(day, now).await.unwrap(), 1);
        assert_eq!(app.store.publish_audit_anchors(day, now).await.unwrap(), 0, "once a day");
        let heads = app.store.verify_audit_chain().await.unwrap().heads;
        let (_, length, head) = heads.iter().find(|(id, _, _)| *id == community).unwrap().clone();

        // Published on the board, for anyone, page and API alike.
        let board = app.client.get(app.url(&format!("/api/v1/board/{community}"))).send().await.unwrap();
        let board: serde_json::Value = board.json().await.unwrap();
        assert_eq!(board["anchors"], json!([{ "day": "2026-10-27", "length": length, "head": head }]));
        let page = app.client.get(app.url(&format!("/public/communities/{community}/board"))).send().await.unwrap().text().await.unwrap();
        assert!(page.contains(&head), "the board page shows the head");
        assert!(findings(app).await.is_empty());

        // Someone with the database deletes a report and rebuilds the whole chain: every
        // hash follows, but the published head is not in it any more.
        raw(app, "DELETE FROM work_order_events WHERE id = (SELECT MIN(id) FROM work_order_events)".to_owned()).await;
        raw(app, "DELETE FROM audit_chain".to_owned()).await;
        raw(app, "UPDATE audit_marks SET last_row_id = 0".to_owned()).await;
        app.store.seal_audit_chain(now, 1000).await.unwrap();
        assert_eq!(findings(app).await, vec![Finding::AnchorMismatch { day, length }]);
    }

    async fn changes_of_roles_and_settings_are_chained(app: &TestApp) {
        let community = app.chengshangcheng().await;
        let admin = app.token("admin").await;
        let li = app.person_id("li").await;
        let granted = app.post(&format!("/api/v1/people/{li}/roles"), &admin, json!({ "role": "receptionist", "community_id": community })).await;
        let grant = granted.expect(StatusCode::CREATED)["id"].as_i64().unwrap();
        app.request(reqwest::Method::DELETE, &format!("/api/v1/people/{li}/roles/{grant}"), Some(&admin), None)
            .await
            .expect(StatusCode::NO_CONTENT);
        let categories = app.get(&format!("/api/v1/categories?community_id={community}"), &admin).await;
        let noise = categories.expect(StatusCode::OK).as_array().unwrap().iter().find(|category| category["code"] == "noise").unwrap()["id"].as_i64().unwrap();
        app.request(reqwest::Method::PATCH, &format!("/api/v1/categories/{noise}"), Some(&admin), Some(json!({ "open_cap": 3 })))
            .await
            .expect(StatusCode::OK);
        app.request(reqwest::Method::PUT, &format!("/api/v1/communities/{community}/retention"), Some(&admin), Some(json!({ "photo_months": 12, "visit_months": 6 })))
            .await
            .expect(StatusCode::OK);

        app.clock.advance(Duration::minutes(2));
        app.store.seal_audit_chain(linli_domain::clock::Clock::now(&app.clock), 1000).await.unwrap();
        assert!(findings(app).await.is_empty());
        let kinds = raw_strings(app, format!("SELECT kind FROM settings_changes WHERE community_id = {community} ORDER BY id")).await;
        assert_eq!(kinds, ["role.granted", "role.revoked", "category.changed", "retention.changed"]);
        let chained = raw_strings(app, "SELECT source FROM audit_chain WHERE source = 'settings'".to_owned()).await;
        assert_eq!(chained.len(), 4);

        // Someone quietly makes the revocation a different grant: found, and where.
        let revoked: i64 = raw_strings(app, "SELECT CAST(id AS TEXT) FROM settings_changes WHERE kind = 'role.revoked'".to_owned()).await[0].parse().unwrap();
        raw(app, format!("UPDATE settings_changes SET details = REPLACE(details, 'receptionist', 'admin') WHERE id = {revoked}")).await;
        match findings(app).await.as_slice() {
            [Finding::Edited { source: Source::Settings, row_id, .. }] => assert_eq!(*row_id, revoked),
            other => panic!("{other:?}"),
        }
    }
}

async fn raw_strings(app: &TestApp, sql: String) -> Vec<String> {
    match &app.database.url {
        DatabaseUrl::Sqlite(path) => {
            let mut connection =
                sqlx::SqliteConnection::connect(&format!("sqlite:{}", path.display()))
                    .await
                    .unwrap();
            sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                .fetch_all(&mut connection)
                .await
                .unwrap()
        }
        DatabaseUrl::Postgres(url) => {
            let mut connection = sqlx::PgConnection::connect(url).await.unwrap();
            sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                .fetch_all(&mut connection)
                .await
                .unwrap()
        }
    }
}
