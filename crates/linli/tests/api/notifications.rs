//! Notifications: inboxes by the default rules, and deliveries to group-chat robots and
//! signed webhooks — checked by a local HTTP receiver standing in for 企业微信, 钉钉, 飞书
//! and a partner's system.

use crate::helpers::{Engine, TestApp};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode as AxumStatus};
use hmac::{KeyInit, Mac};
use linli_domain::ids::CommunityId;
use linli_web::WebConfig;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const SECRET: &str = "a-secret-of-linli-webhooks";

/// One request a receiver got: its headers and body.
type Request = (HeaderMap, String);

#[derive(Clone, Default)]
struct Received {
    /// Per path: every request, in order.
    requests: Arc<Mutex<HashMap<String, Vec<Request>>>>,
}

impl Received {
    fn of(&self, path: &str) -> Vec<Request> {
        self.requests
            .lock()
            .unwrap()
            .get(path)
            .cloned()
            .unwrap_or_default()
    }
}

async fn receive(
    State(received): State<Received>,
    Path(path): Path<String>,
    headers: HeaderMap,
    body: String,
) -> (AxumStatus, String) {
    let tries = {
        let mut requests = received.requests.lock().unwrap();
        let list = requests.entry(path.clone()).or_default();
        list.push((headers, body));
        list.len()
    };
    match path.as_str() {
        // Fails twice, then takes it.
        "flaky" if tries <= 2 => (AxumStatus::INTERNAL_SERVER_ERROR, "busy".into()),
        // Never answers in time.
        "hang" => {
            tokio::time::sleep(Duration::from_secs(60)).await;
            (AxumStatus::OK, String::new())
        }
        "wecom" | "dingtalk" => (AxumStatus::OK, r#"{"errcode":0,"errmsg":"ok"}"#.into()),
        "feishu" => (AxumStatus::OK, r#"{"code":0,"msg":"success"}"#.into()),
        _ => (AxumStatus::OK, "{}".into()),
    }
}

async fn start_receiver() -> (SocketAddr, Received) {
    let received = Received::default();
    let app = axum::Router::new()
        .route("/{path}", axum::routing::post(receive))
        .with_state(received.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    (address, received)
}

async fn until(what: &str, mut done: impl FnMut() -> bool) {
    for _ in 0..150 {
        if done() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("waited in vain for {what}");
}

/// A server whose failed deliveries are tried again after 200 ms, not 10 s.
async fn spawn_with_quick_retries(engine: Engine) -> TestApp {
    TestApp::spawn(
        engine,
        WebConfig {
            demo_mode: true,
            delivery_retry_base: Duration::from_millis(200),
            ..WebConfig::default()
        },
    )
    .await
}

async fn run(engine: Engine) {
    let app = spawn_with_quick_retries(engine).await;
    let (receiver, received) = start_receiver().await;
    let community = app.chengshangcheng().await;
    let (shuji, desk, duty, wuye, bao) = (
        app.token("shuji").await,
        app.token("desk").await,
        app.token("duty").await,
        app.token("wuye").await,
        app.token("bao").await,
    );
    let channel = |kind: &str, path: &str, secret: Option<&str>| {
        json!({
            "community_id": community,
            "kind": kind,
            "name": format!("{kind} 群"),
            "url": format!("http://{receiver}/{path}"),
            "secret": secret,
            "topics": ["work_order.dispatched"],
        })
    };
    // Refused: not http(s), a webhook without its secret, an unknown kind, a resident.
    let mut bad = channel("wecom", "wecom", None);
    bad["url"] = json!("ftp://example.invalid/robot");
    app.post("/api/v1/channels", &shuji, bad)
        .await
        .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "channel.url_invalid");
    app.post("/api/v1/channels", &shuji, channel("webhook", "hook", None))
        .await
        .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "channel.secret_required");
    app.post("/api/v1/channels", &shuji, channel("telegram", "x", None))
        .await
        .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "channel.kind_unknown");
    app.post("/api/v1/channels", &bao, channel("wecom", "wecom", None))
        .await
        .expect_error(StatusCode::FORBIDDEN, "auth.forbidden");
    for (kind, path, secret) in [
        ("wecom", "wecom", None),
        ("dingtalk", "dingtalk", None),
        ("feishu", "feishu", None),
        ("webhook", "hook", Some(SECRET)),
        ("webhook", "flaky", Some(SECRET)),
        ("webhook", "hang", Some(SECRET)),
    ] {
        app.post("/api/v1/channels", &shuji, channel(kind, path, secret))
            .await
            .expect(StatusCode::CREATED);
    }
    // SMS needs no address: it goes to the phones of the people the rules name.
    app.post(
        "/api/v1/channels",
        &shuji,
        json!({ "community_id": community, "kind": "sms", "name": "短信", "topics": ["work_order.dispatched"] }),
    )
    .await
    .expect(StatusCode::CREATED);
    let listed = app
        .get(
            &format!("/api/v1/channels?community_id={community}"),
            &shuji,
        )
        .await;
    let listed = listed.expect(StatusCode::OK).to_string();
    assert!(!listed.contains(SECRET), "secrets are never shown");

    // 112's story: the desk takes it, the duty officer dispatches it to the property.
    let bao_id = app.person_id("bao").await;
    let seven = app
        .store
        .buildings(CommunityId(community))
        .await
        .unwrap()
        .into_iter()
        .find(|b| b.number == "7")
        .unwrap()
        .id;
    let created = app
        .post(
            "/api/v1/work-orders",
            &desk,
            json!({
                "category": "high_altitude_throwing",
                "description": "7号楼高空抛物",
                "reporter_id": bao_id,
                "building_id": seven,
            }),
        )
        .await;
    let order = created.expect(StatusCode::CREATED).clone();
    let wuye_org = app
        .store
        .organisations(CommunityId(community))
        .await
        .unwrap()
        .into_iter()
        .find(|o| o.name == "城上城物业服务中心")
        .unwrap()
        .id;
    app.post(
        &format!("/api/v1/work-orders/{}/actions/dispatch", order["id"]),
        &duty,
        json!({ "lead_organisation_id": wuye_org }),
    )
    .await
    .expect(StatusCode::OK);
    let text = format!("来新单了！{} 高空抛物 7号楼", order["number"]);

    until("every channel to be reached", || {
        ["wecom", "dingtalk", "feishu", "hook", "hang"]
            .iter()
            .all(|path| !received.of(path).is_empty())
    })
    .await;
    let body = |path: &str| -> Value { serde_json::from_str(&received.of(path)[0].1).unwrap() };
    assert_eq!(
        body("wecom"),
        json!({ "msgtype": "text", "text": { "content": text } })
    );
    assert_eq!(
        body("dingtalk"),
        json!({ "msgtype": "text", "text": { "content": text } })
    );
    assert_eq!(
        body("feishu"),
        json!({ "msg_type": "text", "content": { "text": text } })
    );
    let (headers, raw) = &received.of("hook")[0];
    let webhook: Value = serde_json::from_str(raw).unwrap();
    assert_eq!(
        (webhook["topic"].as_str(), webhook["number"].as_i64()),
        (Some("work_order.dispatched"), order["number"].as_i64())
    );
    let timestamp = headers["x-linli-timestamp"].to_str().unwrap();
    let mut mac = <hmac::Hmac<sha2::Sha256> as KeyInit>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(format!("{timestamp}.{raw}").as_bytes());
    let expected = format!("sha256={}", hex::encode(mac.finalize().into_bytes()));
    assert_eq!(
        headers["x-linli-signature"].to_str().unwrap(),
        expected,
        "the HMAC signature checks out"
    );

    // The flaky receiver has it on the third try; the hanging one held up nobody. Time
    // is the test's clock: it moves a second per tenth of a second of waiting.
    until("the third try", || {
        app.clock.advance(chrono::Duration::seconds(1));
        received.of("flaky").len() >= 3
    })
    .await;
    let deliveries = app
        .get(
            &format!("/api/v1/deliveries?community_id={community}"),
            &shuji,
        )
        .await;
    let deliveries = deliveries
        .expect(StatusCode::OK)
        .as_array()
        .unwrap()
        .clone();
    let by_channel = |name: &str| {
        deliveries
            .iter()
            .filter(|d| d["channel_name"] == name)
            .cloned()
            .collect::<Vec<_>>()
    };
    assert_eq!(
        by_channel("wecom 群").len(),
        1,
        "exactly one delivery per channel"
    );
    assert_eq!(
        by_channel("webhook 群").len(),
        3,
        "one per webhook channel (hook, flaky, hang)"
    );
    // Nothing was sent twice, and only the one message, though `submitted` went by too.
    for path in ["wecom", "dingtalk", "feishu", "hook"] {
        assert_eq!(received.of(path).len(), 1, "{path} got it once");
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let log = app
        .get(
            &format!("/api/v1/deliveries?community_id={community}"),
            &shuji,
        )
        .await;
    let log = log.expect(StatusCode::OK).as_array().unwrap().clone();
    let delivered = log.iter().filter(|d| d["status"] == "delivered").count();
    assert!(
        delivered >= 5,
        "wecom, dingtalk, feishu, hook and flaky arrived: {log:?}"
    );
    let flaky = log
        .iter()
        .find(|d| d["status"] == "delivered" && d["attempts"] == 3);
    assert!(flaky.is_some(), "the flaky one took three tries: {log:?}");
    let sms = log
        .iter()
        .find(|d| d["channel_name"] == "短信")
        .expect("an SMS delivery");
    assert_eq!(sms["status"], "delivered");
    let sms_body: Value = serde_json::from_str(sms["body"].as_str().unwrap()).unwrap();
    assert_eq!(
        sms_body,
        json!({ "phones": ["13900000103"], "text": text }),
        "to wuye's phone"
    );

    // Inboxes: the property's handler heard of the new work order; bao that it was
    // accepted and given to them.
    let inbox = app.get("/api/v1/notifications", &wuye).await;
    let inbox = inbox.expect(StatusCode::OK).clone();
    assert_eq!(inbox["unread"], 1);
    assert_eq!(inbox["items"][0]["body"], text.as_str());
    let bao_inbox = app.get("/api/v1/notifications", &bao).await;
    let bao_inbox = bao_inbox.expect(StatusCode::OK);
    assert_eq!(bao_inbox["unread"], 1);
    assert!(
        bao_inbox["items"][0]["body"]
            .as_str()
            .unwrap()
            .ends_with("已受理，交由城上城物业服务中心办理")
    );
    app.request(
        reqwest::Method::POST,
        "/api/v1/notifications/read",
        Some(&wuye),
        None,
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    assert_eq!(
        app.get("/api/v1/notifications", &wuye)
            .await
            .expect(StatusCode::OK)["unread"],
        0
    );
    // The duty officer heard of the report when it came in.
    let duty_inbox = app.get("/api/v1/notifications", &duty).await;
    assert!(
        duty_inbox.expect(StatusCode::OK)["items"][0]["body"]
            .as_str()
            .unwrap()
            .starts_with("新反映待受理")
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deliveries_reach_every_channel_once_and_retry_the_failing_sqlite() {
    run(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PostgreSQL: run scripts/test.sh, or cargo nextest run --run-ignored all"]
async fn deliveries_reach_every_channel_once_and_retry_the_failing_postgres() {
    run(Engine::Postgres).await;
}

/// A message about no work order — the office head's announcement — is described by its
/// topic's describer and reaches the inboxes its rule names and a webhook that wants it,
/// signed like every other delivery. Residents hear nothing of it.
async fn announcement(engine: Engine) {
    let app = spawn_with_quick_retries(engine).await;
    let (receiver, received) = start_receiver().await;
    let community = app.chengshangcheng().await;
    let (shuji, duty, desk, wuye, bao) = (
        app.token("shuji").await,
        app.token("duty").await,
        app.token("desk").await,
        app.token("wuye").await,
        app.token("bao").await,
    );
    app.post(
        "/api/v1/channels",
        &shuji,
        json!({
            "community_id": community,
            "kind": "webhook",
            "name": "街道办公室",
            "url": format!("http://{receiver}/office"),
            "secret": SECRET,
            "topics": ["office.announcement"],
        }),
    )
    .await
    .expect(StatusCode::CREATED);
    // Only the office head announces; an empty text is refused with its field.
    app.post(
        "/api/v1/announcements",
        &bao,
        json!({ "community_id": community, "text": "不是我该说的" }),
    )
    .await
    .expect_error(StatusCode::FORBIDDEN, "auth.forbidden");
    app.post(
        "/api/v1/announcements",
        &shuji,
        json!({ "community_id": community, "text": "  " }),
    )
    .await
    .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "validation.required");
    let text = "本周四联席会改到下午3点，地点不变";
    app.post(
        "/api/v1/announcements",
        &shuji,
        json!({ "community_id": community, "text": text }),
    )
    .await
    .expect(StatusCode::ACCEPTED);

    until("the announcement at the webhook", || {
        !received.of("office").is_empty()
    })
    .await;
    let (headers, body) = received.of("office").remove(0);
    let sent: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(sent["topic"], "office.announcement");
    assert_eq!(sent["work_order_id"], Value::Null);
    assert_eq!(sent["community_id"], community);
    let words = sent["text"].as_str().unwrap();
    assert!(words.contains(text) && words.contains("季云"), "{words}");
    assert!(headers.contains_key("x-linli-signature"));

    // The default rule: the duty officer, the supervisor and the desk; not the handlers,
    // not residents.
    for (who, token, hears) in [
        ("duty", &duty, true),
        ("shuji", &shuji, true),
        ("desk", &desk, true),
        ("wuye", &wuye, false),
        ("bao", &bao, false),
    ] {
        let inbox = app.get("/api/v1/notifications", token).await;
        let items = inbox.expect(StatusCode::OK)["items"].clone();
        let heard = items
            .as_array()
            .unwrap()
            .iter()
            .any(|item| item["body"].as_str().unwrap_or_default().contains(text));
        assert_eq!(heard, hears, "{who}");
    }
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_announcement_about_no_work_order_reaches_inboxes_and_a_webhook_sqlite() {
    announcement(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PostgreSQL: run scripts/test.sh, or cargo nextest run --run-ignored all"]
async fn an_announcement_about_no_work_order_reaches_inboxes_and_a_webhook_postgres() {
    announcement(Engine::Postgres).await;
}
