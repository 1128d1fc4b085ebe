//! Email channels through a mail relay (a local SMTP receiver stands in for it), and a
//! community's own inbox rules replacing the defaults.

use crate::helpers::{Engine, TestApp};
use base64::Engine as _;
use linli_domain::ids::CommunityId;
use linli_web::WebConfig;
use linli_web::mail::MailRelay;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

/// One mail the relay took: its recipients (RCPT TO) and its text (after DATA).
#[derive(Debug, Clone)]
struct Mail {
    recipients: Vec<String>,
    data: String,
}

#[derive(Clone, Default)]
struct Relay {
    taken: Arc<Mutex<Vec<Mail>>>,
    /// Messages answered "451 try again later" before any is taken.
    refusals_left: Arc<Mutex<u32>>,
}

/// A minimal SMTP server (RFC 5321's commands as lettre sends them, no TLS): enough to
/// see what Linli sends, and to refuse a message the way a busy relay does.
async fn start_relay(refuse_first: u32) -> (SocketAddr, Relay) {
    let relay = Relay {
        refusals_left: Arc::new(Mutex::new(refuse_first)),
        ..Relay::default()
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let shared = relay.clone();
    tokio::spawn(async move {
        loop {
            let Ok((socket, _)) = listener.accept().await else {
                return;
            };
            let relay = shared.clone();
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read).lines();
                write.write_all(b"220 relay.test ESMTP\r\n").await.ok();
                let mut recipients = Vec::new();
                while let Ok(Some(line)) = lines.next_line().await {
                    let command = line.to_ascii_uppercase();
                    let answer: String = if command.starts_with("EHLO") {
                        "250-relay.test\r\n250 8BITMIME\r\n".into()
                    } else if command.starts_with("MAIL FROM") {
                        recipients.clear();
                        "250 OK\r\n".into()
                    } else if command.starts_with("RCPT TO") {
                        recipients.push(
                            line[8..]
                                .trim()
                                .trim_matches(|c| c == '<' || c == '>')
                                .to_owned(),
                        );
                        "250 OK\r\n".into()
                    } else if command.starts_with("DATA") {
                        write.write_all(b"354 go ahead\r\n").await.ok();
                        let mut data = String::new();
                        while let Ok(Some(line)) = lines.next_line().await {
                            if line == "." {
                                break;
                            }
                            data.push_str(&line);
                            data.push('\n');
                        }
                        let refuse = {
                            let mut left = relay.refusals_left.lock().unwrap();
                            let refuse = *left > 0;
                            *left = left.saturating_sub(1);
                            refuse
                        };
                        if refuse {
                            "451 busy, try again later\r\n".into()
                        } else {
                            relay.taken.lock().unwrap().push(Mail {
                                recipients: std::mem::take(&mut recipients),
                                data,
                            });
                            "250 queued\r\n".into()
                        }
                    } else if command.starts_with("QUIT") {
                        write.write_all(b"221 bye\r\n").await.ok();
                        return;
                    } else {
                        "250 OK\r\n".into()
                    };
                    if write.write_all(answer.as_bytes()).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    (address, relay)
}

/// The text of a base64 body (the lines after the headers' blank line).
fn body_text(data: &str) -> String {
    let encoded: String = data
        .split_once("\n\n")
        .map(|(_, body)| body)
        .unwrap_or_default()
        .lines()
        .collect();
    String::from_utf8(
        base64::engine::general_purpose::STANDARD
            .decode(encoded.trim())
            .unwrap(),
    )
    .unwrap()
}

async fn until(what: &str, app: &TestApp, mut done: impl FnMut() -> bool) {
    for _ in 0..150 {
        if done() {
            return;
        }
        // Retries wait on the test's clock: it moves a second per tenth of a second.
        app.clock.advance(chrono::Duration::seconds(1));
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("waited in vain for {what}");
}

/// 112's story to the point of dispatch; answers the work order and the property's id.
async fn report_and_dispatch(app: &TestApp, co_handlers: &[i64]) -> (Value, i64) {
    let community = app.chengshangcheng().await;
    let (desk, duty) = (app.token("desk").await, app.token("duty").await);
    let bao = app.person_id("bao").await;
    let order = app
        .post(
            "/api/v1/work-orders",
            &desk,
            json!({ "category": "high_altitude_throwing", "description": "7号楼高空抛物", "reporter_id": bao }),
        )
        .await
        .expect(StatusCode::CREATED)
        .clone();
    let wuye_org = organisation(app, community, "城上城物业服务中心").await;
    app.post(
        &format!("/api/v1/work-orders/{}/actions/dispatch", order["id"]),
        &duty,
        json!({ "lead_organisation_id": wuye_org, "co_handler_ids": co_handlers }),
    )
    .await
    .expect(StatusCode::OK);
    (order, wuye_org)
}

async fn organisation(app: &TestApp, community: i64, name: &str) -> i64 {
    app.store
        .organisations(CommunityId(community))
        .await
        .unwrap()
        .into_iter()
        .find(|o| o.name == name)
        .unwrap()
        .id
}

async fn email_channel(engine: Engine) {
    let (relay_address, relay) = start_relay(1).await;
    let app = TestApp::spawn(
        engine,
        WebConfig {
            demo_mode: true,
            delivery_retry_base: Duration::from_millis(200),
            mail: Some(MailRelay {
                url: format!("smtp://{relay_address}"),
                from: "城上城邻里 <linli@example.cn>".to_owned(),
            }),
            ..WebConfig::default()
        },
    )
    .await;
    let community = app.chengshangcheng().await;
    let shuji = app.token("shuji").await;
    let channel = |url: &str| {
        json!({ "community_id": community, "kind": "email", "name": "物业邮箱", "url": url,
                "topics": ["work_order.dispatched"] })
    };
    for bad in ["", "mailto:", "wuye@", "https://example.cn/robot"] {
        app.post("/api/v1/channels", &shuji, channel(bad))
            .await
            .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "channel.email_invalid");
    }
    let made = app
        .post(
            "/api/v1/channels",
            &shuji,
            channel("wuye@example.cn, office@example.cn"),
        )
        .await;
    assert_eq!(
        made.expect(StatusCode::CREATED)["url"],
        "mailto:wuye@example.cn,office@example.cn"
    );

    let (order, _) = report_and_dispatch(&app, &[]).await;
    // The relay refuses the first try (451) and takes the second.
    until("the mail to be taken", &app, || {
        !relay.taken.lock().unwrap().is_empty()
    })
    .await;
    let mail = relay.taken.lock().unwrap()[0].clone();
    assert_eq!(mail.recipients, ["wuye@example.cn", "office@example.cn"]);
    assert!(mail.data.contains("linli@example.cn"), "{}", mail.data);
    let text = body_text(&mail.data);
    assert!(
        text.starts_with(&format!("来新单了！{} 高空抛物", order["number"])),
        "{text}"
    );
    assert!(text.contains("邻里社区共治平台"), "{text}");
    // The relay has the mail before the sender writes down that it was taken: wait for
    // the log to say so.
    let mut log = Vec::new();
    for _ in 0..100 {
        log = app
            .get(
                &format!("/api/v1/deliveries?community_id={community}"),
                &shuji,
            )
            .await
            .expect(StatusCode::OK)
            .as_array()
            .unwrap()
            .clone();
        if log.iter().all(|delivery| delivery["status"] != "pending") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(log.len(), 1, "one delivery for the one channel: {log:?}");
    assert_eq!(log[0]["status"], "delivered");
    assert_eq!(log[0]["attempts"], 2, "refused once, then taken");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn email_goes_through_the_relay_and_is_retried_sqlite() {
    email_channel(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PostgreSQL: run scripts/test.sh, or cargo nextest run --run-ignored all"]
async fn email_goes_through_the_relay_and_is_retried_postgres() {
    email_channel(Engine::Postgres).await;
}

async fn put_rule(
    app: &TestApp,
    token: &str,
    topic: &str,
    body: Value,
) -> crate::helpers::Response {
    app.request(
        Method::PUT,
        &format!("/api/v1/notification-rules/{topic}"),
        Some(token),
        Some(body),
    )
    .await
}

async fn inbox_bodies(app: &TestApp, token: &str) -> Vec<String> {
    let inbox = app.get("/api/v1/notifications", token).await;
    inbox.expect(StatusCode::OK)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["body"].as_str().unwrap().to_owned())
        .collect()
}

both_engines! {
    async fn email_channels_need_a_mail_relay(app: &TestApp) {
        let community = app.chengshangcheng().await;
        let shuji = app.token("shuji").await;
        app.post(
            "/api/v1/channels",
            &shuji,
            json!({ "community_id": community, "kind": "email", "name": "物业邮箱", "url": "wuye@example.cn" }),
        )
        .await
        .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "channel.email_not_configured");
        let channels = app.get(&format!("/api/v1/channels?community_id={community}"), &shuji).await;
        assert_eq!(channels.expect(StatusCode::OK), &json!([]));
    }

    async fn a_community_sets_who_hears_of_each_topic(app: &TestApp) {
        let community = app.chengshangcheng().await;
        let (shuji, bao, juwei, duty) = (
            app.token("shuji").await,
            app.token("bao").await,
            app.token("juwei").await,
            app.token("duty").await,
        );
        let rules = app.get(&format!("/api/v1/notification-rules?community_id={community}"), &shuji).await;
        let rules = rules.expect(StatusCode::OK).as_array().unwrap().clone();
        let ruled = linli_domain::notifications::Topic::ALL.iter().filter(|topic| topic.has_rule()).count();
        assert_eq!(rules.len(), ruled, "every topic with a rule");
        assert!(!rules.iter().any(|rule| rule["topic"] == "fund.pledged"), "a campaign's messages go to whom it names");
        let dispatched = rules.iter().find(|rule| rule["topic"] == "work_order.dispatched").unwrap();
        assert_eq!(dispatched["audiences"], json!(["lead_party"]));
        assert_eq!(dispatched["is_default"], true);

        // Refused, and nothing changes: a resident; an unknown audience, a repeated one;
        // an unknown topic; another street's overseer has no say either.
        put_rule(app, &bao, "work_order.dispatched", json!({ "community_id": community, "audiences": ["reporter"] }))
            .await
            .expect_error(StatusCode::FORBIDDEN, "auth.forbidden");
        put_rule(app, &shuji, "work_order.dispatched", json!({ "community_id": community, "audiences": ["everyone"] }))
            .await
            .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "notification.audience_unknown");
        put_rule(app, &shuji, "work_order.dispatched", json!({ "community_id": community, "audiences": ["lead_party", "lead_party"] }))
            .await
            .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "notification.audience_repeated");
        put_rule(app, &shuji, "work_order.exploded", json!({ "community_id": community, "audiences": [] }))
            .await
            .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "notification.topic_unknown");
        put_rule(app, &shuji, "fund.spent", json!({ "community_id": community, "audiences": ["supervisors"] }))
            .await
            .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "notification.topic_fixed");
        let unchanged = app.get(&format!("/api/v1/notification-rules?community_id={community}"), &shuji).await;
        assert_eq!(unchanged.expect(StatusCode::OK).as_array().unwrap(), &rules);

        // Co-handlers hear of a dispatch too; nobody's inbox hears of new reports.
        let set = put_rule(app, &shuji, "work_order.dispatched",
            json!({ "community_id": community, "audiences": ["co_handlers", "lead_party"] })).await;
        let now = set.expect(StatusCode::OK).as_array().unwrap().clone();
        let dispatched = now.iter().find(|rule| rule["topic"] == "work_order.dispatched").unwrap();
        assert_eq!(dispatched["audiences"], json!(["lead_party", "co_handlers"]));
        assert_eq!(dispatched["is_default"], false);
        put_rule(app, &shuji, "work_order.submitted", json!({ "community_id": community, "audiences": [] }))
            .await
            .expect(StatusCode::OK);

        let juwei_org = organisation(app, community, "城上城居委会").await;
        let (order, _) = report_and_dispatch(app, &[juwei_org]).await;
        let expected = format!("来新单了！{} 高空抛物", order["number"]);
        for _ in 0..100 {
            if inbox_bodies(app, &juwei).await.iter().any(|body| body.starts_with(&expected)) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(
            inbox_bodies(app, &juwei).await.iter().any(|body| body.starts_with(&expected)),
            "the co-handling residents' committee heard of it"
        );
        assert!(
            inbox_bodies(app, &duty).await.iter().all(|body| !body.starts_with("新反映待受理")),
            "the duty officer's inbox no longer hears of new reports"
        );

        // Back on the default rule.
        app.request(
            Method::DELETE,
            &format!("/api/v1/notification-rules/work_order.dispatched?community_id={community}"),
            Some(&shuji),
            None,
        )
        .await
        .expect(StatusCode::NO_CONTENT);
        let rules = app.get(&format!("/api/v1/notification-rules?community_id={community}"), &shuji).await;
        let rules = rules.expect(StatusCode::OK).as_array().unwrap().clone();
        let dispatched = rules.iter().find(|rule| rule["topic"] == "work_order.dispatched").unwrap();
        assert_eq!((dispatched["audiences"].clone(), dispatched["is_default"].clone()), (json!(["lead_party"]), json!(true)));
        let submitted = rules.iter().find(|rule| rule["topic"] == "work_order.submitted").unwrap();
        assert_eq!((submitted["audiences"].clone(), submitted["is_default"].clone()), (json!([]), json!(false)));
    }
}
