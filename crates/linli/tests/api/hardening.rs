//! The weak spots found by probing Linli from outside (issue 21), each held shut by a
//! test that failed before its fix, on both engines.

use crate::helpers::TestApp;
use reqwest::StatusCode;
use serde_json::json;

both_engines! {
    async fn administrators_read_the_visit_log_but_only_the_desk_writes_it(app: &TestApp) {
        let (desk, admin, bao) = (app.token("desk").await, app.token("admin").await, app.token("bao").await);
        let community = app.chengshangcheng().await;
        app.post("/api/v1/visits", &desk, json!({ "visitor_name": "王阿婆", "matter": "楼道灯坏了" }))
            .await
            .expect(StatusCode::CREATED);
        // The system's administrator audits the log of the community they name.
        let log = app.get(&format!("/api/v1/visits?community_id={community}"), &admin).await;
        let log = log.expect(StatusCode::OK).as_array().unwrap().clone();
        assert_eq!(log.len(), 1);
        assert_eq!(log[0]["visitor_name"], "王阿婆");
        // They administer both communities, so they must say which.
        app.get("/api/v1/visits", &admin).await
            .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "work_order.community_required");
        // Reading is not writing: visits are logged by the desk's staff only.
        app.post("/api/v1/visits", &admin, json!({ "community_id": community, "visitor_name": "王阿婆", "matter": "楼道灯坏了" }))
            .await
            .expect_error(StatusCode::FORBIDDEN, "auth.forbidden");
        // A resident reads no one's visits.
        app.get(&format!("/api/v1/visits?community_id={community}"), &bao).await
            .expect_error(StatusCode::FORBIDDEN, "auth.forbidden");
    }
}
