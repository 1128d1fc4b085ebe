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

both_engines! {
    async fn the_api_document_lists_every_route_and_each_exists(app: &TestApp) {
        let document: serde_json::Value = app.client.get(app.url("/api/openapi.json")).send().await.unwrap().json().await.unwrap();
        assert!(document["openapi"].as_str().unwrap().starts_with("3.1"));
        let paths = document["paths"].as_object().unwrap();
        let mut operations = 0;
        for (path, item) in paths {
            for (method, operation) in item.as_object().unwrap() {
                operations += 1;
                assert_eq!(
                    operation["responses"]["4XX"]["content"]["application/json"]["schema"]["$ref"],
                    "#/components/schemas/ErrorBody",
                    "{method} {path} documents its refusals"
                );
                let concrete = path.replace("{action}", "sign").replace("{year}", "2026");
                let concrete = regex_free_ids(&concrete);
                let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
                let answer = app.request(method.clone(), &concrete, None, None).await;
                assert_ne!(answer.status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path} is documented but not routed");
                assert_ne!(answer.code(), "request.not_found", "{method} {path} is documented but not routed");
                // Signing in, a calendar feed (its secret is in the address) and the
                // public project (with its files) and campaign pages, public content and its
                // feeds, the public board, the directory of services and the partner units need no token.
                let public = ["/api/v1/sessions", "/api/v1/calendar-feeds/{file}", "/api/v1/projects", "/api/v1/projects/{id}",
                    "/api/v1/campaigns", "/api/v1/campaigns/{id}", "/api/v1/campaigns/{id}/ledger.csv", "/api/v1/campaigns/{id}/ledger.xlsx",
                    "/api/v1/expenses/{id}/receipts/{receipt_id}", "/api/v1/projects/{id}/files/{file_id}", "/api/v1/content",
                    "/api/v1/content/{id}", "/api/v1/content/feeds/{community_id}/{kind}", "/api/v1/board/{community_id}", "/api/v1/services",
                    "/api/v1/partners", "/api/v1/partners/{id}", "/api/v1/partner-activities", "/api/v1/projects/{id}/partners"];
                // Signing in, or resetting a password, with a phone code needs no token either.
                let signing_in = ["/api/v1/sessions", "/api/v1/accounts/codes", "/api/v1/accounts/sessions", "/api/v1/accounts/password-reset"];
                if public.contains(&path.as_str()) && method == Method::GET || signing_in.contains(&path.as_str()) {
                    assert_ne!(answer.status, StatusCode::UNAUTHORIZED, "{method} {path} is public");
                } else {
                    assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{method} {path} answers without a token");
                }
            }
        }
        assert_eq!(operations, 190, "every operation of the API is in the document");
        assert!(document["components"]["schemas"]["WorkOrderDetail"].is_object());
        assert!(document["components"]["securitySchemes"]["bearer"].is_object());
        let page = app.client.get(app.url("/api/docs")).send().await.unwrap();
        assert!(page.text().await.unwrap().contains("/api/openapi.json"));
    }
}

/// Fills every `{…_id}` or `{id}` path parameter with 1.
fn regex_free_ids(path: &str) -> String {
    let mut out = String::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let end = rest[start..]
            .find('}')
            .map_or(rest.len(), |end| start + end + 1);
        out.push('1');
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}
