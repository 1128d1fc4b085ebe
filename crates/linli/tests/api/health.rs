use reqwest::{Method, StatusCode};

both_engines! {
    async fn health_readiness_and_metrics(app: &TestApp) {
        app.request(Method::GET, "/healthz", None, None).await.expect(StatusCode::OK);
        let ready = app.request(Method::GET, "/readyz", None, None).await;
        assert_eq!(ready.expect(StatusCode::OK)["status"], "ready");
        let token = app.token("bao").await;
        app.get("/api/v1/me", &token).await.expect(StatusCode::OK);
        let metrics = app.client.get(app.url("/metrics")).send().await.unwrap().text().await.unwrap();
        assert!(
            metrics.contains(r#"linli_http_requests_total{method="GET",route="/api/v1/me",status="200"} 1"#),
            "{metrics}"
        );
        assert!(metrics.contains("linli_http_request_duration_seconds_bucket"));
    }

    async fn unknown_api_paths_answer_json(app: &TestApp) {
        let missing = app.request(Method::GET, "/api/v1/no-such-thing", None, None).await;
        missing.expect_error(StatusCode::NOT_FOUND, "request.not_found");
        let headers = &missing.headers;
        assert_eq!(headers.get("x-content-type-options").unwrap(), "nosniff");
        assert_eq!(headers.get("x-frame-options").unwrap(), "DENY");
    }

    async fn readiness_fails_when_the_database_is_gone(app: &TestApp) {
        app.store.close().await;
        let ready = app.request(Method::GET, "/readyz", None, None).await;
        assert_eq!(ready.expect(StatusCode::SERVICE_UNAVAILABLE)["status"], "unavailable");
        app.request(Method::GET, "/healthz", None, None).await.expect(StatusCode::OK);
        let token_attempt = app.sign_in("bao", "linli-demo").await;
        token_attempt.expect_error(StatusCode::SERVICE_UNAVAILABLE, "internal.unavailable");
    }
}
