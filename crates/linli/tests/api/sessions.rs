use crate::helpers::{DEMO_PASSWORD, Engine, TestApp};
use chrono::Duration;
use linli_domain::clock::Clock;
use linli_web::WebConfig;
use reqwest::{Method, StatusCode};
use serde_json::json;

both_engines! {
    async fn sign_in_me_and_sign_out(app: &TestApp) {
        let created = app.sign_in("bao", DEMO_PASSWORD).await;
        let body = created.expect(StatusCode::CREATED);
        let token = body["token"].as_str().unwrap().to_owned();
        assert_eq!(token.len(), 64);
        assert_eq!(body["user"]["login"], "bao");
        assert_eq!(body["user"]["display_name"], "包爷叔");

        let me = app.get("/api/v1/me", &token).await;
        let me = me.expect(StatusCode::OK);
        assert_eq!(me["login"], "bao");
        assert_eq!(me["roles"][0]["role"], "resident");
        assert_eq!(me["roles"][0]["scope"]["kind"], "community");
        assert_eq!(me["rooms"][0]["building_name"], "7号楼");
        assert_eq!(me["rooms"][0]["room_number"], "302");
        assert!(me.get("password_hash").is_none());

        app.request(Method::DELETE, "/api/v1/sessions/current", Some(&token), None).await.expect(StatusCode::NO_CONTENT);
        app.get("/api/v1/me", &token).await.expect_error(StatusCode::UNAUTHORIZED, "auth.session_invalid");
        app.request(Method::GET, "/api/v1/me", None, None).await.expect_error(StatusCode::UNAUTHORIZED, "auth.required");
    }

    async fn wrong_passwords_and_unknown_logins_look_alike(app: &TestApp) {
        app.sign_in("bao", "not the password").await.expect_error(StatusCode::UNAUTHORIZED, "auth.invalid_credentials");
        app.sign_in("nobody", "not the password").await.expect_error(StatusCode::UNAUTHORIZED, "auth.invalid_credentials");
        app.sign_in("!!", "x").await.expect_error(StatusCode::UNAUTHORIZED, "auth.invalid_credentials");
        let english = app
            .client
            .post(app.url("/api/v1/sessions"))
            .header("accept-language", "en-GB,en;q=0.9")
            .json(&json!({ "login": "bao", "password": "nope nope" }))
            .send()
            .await
            .unwrap();
        let english: serde_json::Value = english.json().await.unwrap();
        assert_eq!(english["error"]["message"], "Wrong login or password");
        let chinese = app.sign_in("bao", "nope nope").await;
        assert_eq!(chinese.body["error"]["message"], "账号或密码不正确");
    }

    async fn repeated_failures_slow_that_login_from_that_address_then_are_forgiven(app: &TestApp) {
        for _ in 0..5 {
            app.sign_in("tang", "guessing-1").await.expect_error(StatusCode::UNAUTHORIZED, "auth.invalid_credentials");
        }
        // Even the right password waits while this address is slowed down for this login.
        let refused = app.sign_in("tang", DEMO_PASSWORD).await;
        refused.expect_error(StatusCode::TOO_MANY_REQUESTS, "auth.too_many_attempts");
        assert_eq!(refused.headers.get("retry-after").unwrap(), "30");
        // Other accounts from the same address are not affected.
        app.sign_in("li", DEMO_PASSWORD).await.expect(StatusCode::CREATED);
        app.clock.advance(Duration::seconds(30));
        app.sign_in("tang", DEMO_PASSWORD).await.expect(StatusCode::CREATED);
        // A success forgives this address's failures for the account.
        for _ in 0..4 {
            app.sign_in("tang", "guessing-2").await.expect_error(StatusCode::UNAUTHORIZED, "auth.invalid_credentials");
        }
        app.sign_in("tang", DEMO_PASSWORD).await.expect(StatusCode::CREATED);
    }

    async fn one_address_trying_many_accounts_is_throttled(app: &TestApp) {
        for attempt in 0..30 {
            app.sign_in(&format!("guess{attempt}"), "password-guess").await
                .expect_error(StatusCode::UNAUTHORIZED, "auth.invalid_credentials");
        }
        app.sign_in("bao", DEMO_PASSWORD).await.expect_error(StatusCode::TOO_MANY_REQUESTS, "auth.too_many_attempts");
    }

    async fn sessions_expire_when_idle(app: &TestApp) {
        let token = app.token("li").await;
        app.clock.advance(Duration::days(13));
        app.get("/api/v1/me", &token).await.expect(StatusCode::OK);
        // Use slid the expiry forward: 13 more days are fine, 15 without use are not.
        app.clock.advance(Duration::days(13));
        app.get("/api/v1/me", &token).await.expect(StatusCode::OK);
        app.clock.advance(Duration::days(15));
        app.get("/api/v1/me", &token).await.expect_error(StatusCode::UNAUTHORIZED, "auth.session_invalid");
    }

    async fn password_change_keeps_this_session_and_ends_the_others(app: &TestApp) {
        let here = app.token("tang").await;
        let elsewhere = app.token("tang").await;
        // Used, so this instance keeps it: the change must still end it.
        app.get("/api/v1/me", &elsewhere).await.expect(StatusCode::OK);
        let change = |current: &str, new: &str| json!({ "current_password": current, "new_password": new });
        app.request(Method::PUT, "/api/v1/me/password", Some(&here), Some(change("wrong-current", "唐女士的新密码2026")))
            .await
            .expect_error(StatusCode::FORBIDDEN, "auth.wrong_current_password");
        let short = app.request(Method::PUT, "/api/v1/me/password", Some(&here), Some(change(DEMO_PASSWORD, "short"))).await;
        short.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "auth.password_length");
        assert_eq!(short.body["error"]["field"], "new_password");
        app.request(Method::PUT, "/api/v1/me/password", Some(&here), Some(change(DEMO_PASSWORD, "唐女士的新密码2026")))
            .await
            .expect(StatusCode::NO_CONTENT);
        app.get("/api/v1/me", &here).await.expect(StatusCode::OK);
        app.get("/api/v1/me", &elsewhere).await.expect_error(StatusCode::UNAUTHORIZED, "auth.session_invalid");
        app.sign_in("tang", DEMO_PASSWORD).await.expect_error(StatusCode::UNAUTHORIZED, "auth.invalid_credentials");
        app.sign_in("tang", "唐女士的新密码2026").await.expect(StatusCode::CREATED);
    }

    async fn a_session_works_on_every_instance(app: &TestApp) {
        let second = app.start_instance(WebConfig { demo_mode: true, ..WebConfig::default() }).await;
        let token = app.token("shuji").await;
        let me = app.request_at(second, Method::GET, "/api/v1/me", Some(&token), None).await;
        assert_eq!(me.expect(StatusCode::OK)["display_name"], "季云");
        app.request_at(second, Method::DELETE, "/api/v1/sessions/current", Some(&token), None)
            .await
            .expect(StatusCode::NO_CONTENT);
        app.get("/api/v1/me", &token).await.expect_error(StatusCode::UNAUTHORIZED, "auth.session_invalid");
    }

    async fn malformed_sign_in_requests_are_refused_clearly(app: &TestApp) {
        let unknown_field = app
            .request(Method::POST, "/api/v1/sessions", None, Some(json!({ "login": "bao", "password": "x", "remember": true })))
            .await;
        unknown_field.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "request.invalid_body");
        assert!(unknown_field.body["error"]["message"].as_str().unwrap().contains("remember"));
        app.request(Method::POST, "/api/v1/sessions", None, Some(json!({ "login": "bao" })))
            .await
            .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "request.invalid_body");
        app.request(Method::POST, "/api/v1/sessions", None, Some(json!({ "login": 7, "password": "x" })))
            .await
            .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "request.invalid_body");
        let not_json = app.client.post(app.url("/api/v1/sessions")).header("content-type", "application/json").body("{login").send().await.unwrap();
        assert_eq!(not_json.status(), StatusCode::BAD_REQUEST);
        let no_type = app.client.post(app.url("/api/v1/sessions")).body("{}").send().await.unwrap();
        assert_eq!(no_type.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
        let body: serde_json::Value = no_type.json().await.unwrap();
        assert_eq!(body["error"]["code"], "request.unsupported_media_type");
    }
}

/// Outside demo mode the published demo password opens nothing, even where an account
/// still has it.
async fn demo_password_is_refused_outside_demo_mode(engine: Engine) {
    let app = TestApp::spawn(engine, WebConfig::default()).await;
    app.sign_in("bao", DEMO_PASSWORD)
        .await
        .expect_error(StatusCode::FORBIDDEN, "auth.demo_password_refused");
    // Nor can anyone set it as a new password.
    let login = linli_domain::registry::Login::parse("root").unwrap();
    let name = linli_domain::registry::Name::parse("管理员", "name", 40).unwrap();
    let hash = linli_store::passwords::hash_password("a real admin password").unwrap();
    let registration = linli_store::people::Registration {
        person: linli_store::people::NewPerson {
            login: &login,
            display_name: &name,
            phone: None,
            password_hash: &hash,
        },
        community: None,
        grants: vec![
            linli_domain::roles::Grant::new(
                linli_domain::roles::Role::Admin,
                linli_domain::roles::Scope::Global,
                None,
            )
            .unwrap(),
        ],
        rooms: vec![],
        registered_by: None,
    };
    app.store
        .register_person(registration, app.clock.now())
        .await
        .unwrap();
    let root = app.sign_in("root", "a real admin password").await.body["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let community = app.chengshangcheng().await;
    app.post(
        &format!("/api/v1/communities/{community}/people"),
        &root,
        json!({ "login": "newcomer", "display_name": "新住户", "password": DEMO_PASSWORD }),
    )
    .await
    .expect_error(
        StatusCode::UNPROCESSABLE_ENTITY,
        "auth.demo_password_refused",
    );
    app.request(
        Method::PUT,
        "/api/v1/me/password",
        Some(&root),
        Some(json!({ "current_password": "a real admin password", "new_password": DEMO_PASSWORD })),
    )
    .await
    .expect_error(
        StatusCode::UNPROCESSABLE_ENTITY,
        "auth.demo_password_refused",
    );
    app.stop().await;
}

#[tokio::test]
async fn demo_password_is_refused_outside_demo_mode_sqlite() {
    demo_password_is_refused_outside_demo_mode(Engine::Sqlite).await;
}

#[tokio::test]
#[ignore = "needs PostgreSQL: run scripts/test.sh, or cargo nextest run --run-ignored all"]
async fn demo_password_is_refused_outside_demo_mode_postgres() {
    demo_password_is_refused_outside_demo_mode(Engine::Postgres).await;
}
