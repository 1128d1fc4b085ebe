//! What callers are told when the database fails them: a 5xx with the JSON error shape,
//! never a 4xx that blames their input — on both engines.

use crate::helpers::TestApp;
use linli_store::DatabaseUrl;
use reqwest::StatusCode;
use serde_json::json;
use sqlx::Connection;

/// Runs one statement on the test database, beside the server's own connections.
async fn execute(app: &TestApp, sql: &'static str) {
    match &app.database.url {
        DatabaseUrl::Sqlite(path) => {
            let url = format!("sqlite:{}", path.display());
            let mut connection = sqlx::SqliteConnection::connect(&url).await.unwrap();
            sqlx::query(sql).execute(&mut connection).await.unwrap();
        }
        DatabaseUrl::Postgres(url) => {
            let mut connection = sqlx::PgConnection::connect(url).await.unwrap();
            sqlx::query(sql).execute(&mut connection).await.unwrap();
        }
    }
}

both_engines! {
    // The database goes away while the server runs: every kind of request — a read, a
    // report, an action, the figures, a page — answers 503 `internal.unavailable`.
    async fn an_outage_answers_503_with_the_error_shape(app: &TestApp) {
        let community = app.chengshangcheng().await;
        let desk = app.token("desk").await;
        let bao = app.token("bao").await;
        let created = app
            .post("/api/v1/work-orders", &bao, json!({ "category": "noise", "description": "楼道灯坏了" }))
            .await;
        let id = created.expect(StatusCode::CREATED)["id"].as_i64().unwrap();
        // Both sessions were used once, so an instance that keeps its callers has them.
        app.get("/api/v1/me", &desk).await.expect(StatusCode::OK);

        app.store.close().await;

        for response in [
            app.get("/api/v1/work-orders?mine=true", &bao).await,
            app.get(&format!("/api/v1/work-orders/{id}"), &bao).await,
            app.post("/api/v1/work-orders", &bao, json!({ "category": "noise", "description": "又坏了" })).await,
            app.post(&format!("/api/v1/work-orders/{id}/actions/urge"), &bao, json!({})).await,
            app.post("/api/v1/work-orders", &desk, json!({
                "community_id": community, "category": "noise", "description": "访客反映",
                "guest_name": "访客", "room_id": 1, "visit_id": 1,
            })).await,
            app.get(&format!("/api/v1/statistics?community_id={community}"), &desk).await,
            app.get("/api/v1/notifications", &desk).await,
        ] {
            response.expect_error(StatusCode::SERVICE_UNAVAILABLE, "internal.unavailable");
            assert!(response.body["error"]["message"].as_str().is_some_and(|message| !message.is_empty()));
        }
        // Signing in needs the database too: unavailable, not "wrong password".
        app.sign_in("bao", crate::helpers::DEMO_PASSWORD)
            .await
            .expect_error(StatusCode::SERVICE_UNAVAILABLE, "internal.unavailable");
        let page = app.client.get(app.url("/")).header("cookie", "linli_session=whatever").send().await.unwrap();
        assert_eq!(page.status(), StatusCode::SERVICE_UNAVAILABLE);
    }

    // A table the server needs is broken (a failed migration, a restore gone wrong): the
    // report that names a room, a building and a visit is a fault of ours (500), not
    // the caller's "unknown room" (422) as it once was.
    async fn a_failing_query_is_a_500_not_an_invalid_field(app: &TestApp) {
        let community = app.chengshangcheng().await;
        let desk = app.token("desk").await;
        app.get("/api/v1/me", &desk).await.expect(StatusCode::OK);
        execute(app, "ALTER TABLE rooms RENAME TO rooms_lost").await;
        let response = app.post("/api/v1/work-orders", &desk, json!({
            "community_id": community, "category": "noise", "description": "访客反映",
            "guest_name": "访客", "room_id": 1,
        })).await;
        response.expect_error(StatusCode::INTERNAL_SERVER_ERROR, "internal.error");
        execute(app, "ALTER TABLE rooms_lost RENAME TO rooms").await;
    }
}
