//! Delivering to channels: each due delivery is tried in its own task (a hanging or
//! failing endpoint delays nobody else), until it arrives (at least once), with
//! exponential backoff. 企业微信, 钉钉 and 飞书 robots get their documented text message
//! JSON, signed when a secret is set; a generic webhook is signed with HMAC-SHA256
//! (`X-Linli-Signature: sha256=HEX` over `TIMESTAMP.BODY`); SMS goes through the
//! [`super::sms::SmsProvider`], email through the deployment's relay.

use crate::{App, AppResult};
use base64::Engine as _;
use chrono::{DateTime, Utc};
use hmac::{KeyInit, Mac};
use linli_store::notifications::DueDelivery;
use serde_json::{Value, json};
use std::time::Duration;

type HmacSha256 = hmac::Hmac<sha2::Sha256>;

/// After this many failed tries a delivery is given up (and shows as failed in the log).
const MAX_ATTEMPTS: i64 = 12;
const LONGEST_WAIT: Duration = Duration::from_secs(3600);
/// How long one endpoint may take to answer.
pub const SEND_TIMEOUT: Duration = Duration::from_secs(5);

/// A signature as a query value: base64's `+`, `/` and `=` percent-encoded.
fn percent_encode_sign(sign: &str) -> String {
    sign.replace('+', "%2B")
        .replace('/', "%2F")
        .replace('=', "%3D")
}

fn hmac_of(key: &[u8], message: &[u8]) -> Vec<u8> {
    // HMAC takes keys of any length: this never fails.
    let Ok(mut mac) = <HmacSha256 as KeyInit>::new_from_slice(key) else {
        return Vec::new();
    };
    mac.update(message);
    mac.finalize().into_bytes().to_vec()
}

/// The request one delivery makes: its URL, body and extra headers, signed as the
/// channel's kind requires.
fn signed_request(
    delivery: &DueDelivery,
    now: DateTime<Utc>,
) -> (String, String, Vec<(&'static str, String)>) {
    let base64 = base64::engine::general_purpose::STANDARD;
    let mut url = delivery.url.clone();
    let mut body = delivery.body.clone();
    let mut headers = Vec::new();
    let secret = delivery
        .secret
        .as_deref()
        .filter(|secret| !secret.is_empty());
    match (delivery.kind.as_str(), secret) {
        ("dingtalk", Some(secret)) => {
            let timestamp = now.timestamp_millis();
            let sign = base64.encode(hmac_of(
                secret.as_bytes(),
                format!("{timestamp}\n{secret}").as_bytes(),
            ));
            let separator = if url.contains('?') { '&' } else { '?' };
            url = format!(
                "{url}{separator}timestamp={timestamp}&sign={}",
                percent_encode_sign(&sign)
            );
        }
        ("feishu", Some(secret)) => {
            let timestamp = now.timestamp();
            let sign = base64.encode(hmac_of(format!("{timestamp}\n{secret}").as_bytes(), b""));
            if let Ok(mut value) = serde_json::from_str::<Value>(&body) {
                value["timestamp"] = json!(timestamp.to_string());
                value["sign"] = json!(sign);
                body = value.to_string();
            }
        }
        ("webhook", Some(secret)) => {
            let timestamp = now.timestamp();
            let signature = hex::encode(hmac_of(
                secret.as_bytes(),
                format!("{timestamp}.{body}").as_bytes(),
            ));
            headers.push(("x-linli-timestamp", timestamp.to_string()));
            headers.push(("x-linli-signature", format!("sha256={signature}")));
        }
        _ => {}
    }
    (url, body, headers)
}

/// Whether an endpoint's answer means it took the message: a 2xx status, and for the
/// robots no error code in the body (they answer 200 with `errcode`/`code` on failure).
fn accepted(kind: &str, status: reqwest::StatusCode, answer: &str) -> Result<(), String> {
    if !status.is_success() {
        return Err(format!("HTTP {status}"));
    }
    if kind != "webhook"
        && let Ok(answer) = serde_json::from_str::<Value>(answer)
    {
        let code = answer
            .get("errcode")
            .or_else(|| answer.get("code"))
            .and_then(Value::as_i64)
            .unwrap_or(0);
        if code != 0 {
            return Err(format!("refused: {answer}"));
        }
    }
    Ok(())
}

/// Starts every delivery that is due, each in its own task so that a slow endpoint holds
/// up nobody; returns how many were started. Each is first leased (its next try moved
/// past the send timeout) so that the next round does not start it again meanwhile.
pub async fn deliver_due(app: &App) -> AppResult<usize> {
    let now = app.clock.now();
    let due = app.store.due_deliveries(now, 50).await?;
    let lease =
        chrono::Duration::from_std(SEND_TIMEOUT * 2).unwrap_or(chrono::Duration::seconds(10));
    for delivery in &due {
        app.store.lease_delivery(delivery.id, now + lease).await?;
    }
    let started = due.len();
    for delivery in due {
        let app = app.clone();
        tokio::spawn(async move {
            if let Err(error) = deliver(&app, &delivery).await {
                tracing::warn!(
                    %error,
                    delivery = delivery.id,
                    "recording a delivery failed"
                );
            }
        });
    }
    Ok(started)
}

/// Sends an SMS delivery to each of its phones; one failure fails (and retries) it.
async fn send_sms(app: &App, body: &str) -> Result<(), String> {
    let body: Value = serde_json::from_str(body).map_err(|error| error.to_string())?;
    let text = body["text"].as_str().unwrap_or_default();
    for phone in body["phones"].as_array().into_iter().flatten() {
        if let Some(phone) = phone.as_str() {
            app.sms.send(phone, text).await?;
        }
    }
    Ok(())
}

/// Sends an email delivery through the relay; a relay taken away since the channel was
/// made fails it (and it is retried, in case the relay comes back).
async fn send_email(app: &App, body: &str) -> Result<(), String> {
    let Some(mailer) = &app.mailer else {
        return Err("no mail relay is configured (smtp_url)".to_owned());
    };
    let body: Value = serde_json::from_str(body).map_err(|error| error.to_string())?;
    let to: Vec<String> = body["to"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|address| address.as_str().map(str::to_owned))
        .collect();
    let subject = body["subject"].as_str().unwrap_or_default();
    let text = body["text"].as_str().unwrap_or_default();
    tokio::time::timeout(SEND_TIMEOUT * 2, mailer.send(&to, subject, text))
        .await
        .map_err(|_| "the mail relay did not answer in time".to_owned())?
}

async fn deliver(app: &App, delivery: &DueDelivery) -> AppResult<()> {
    if delivery.kind == "sms" {
        let outcome = send_sms(app, &delivery.body).await;
        return record(app, delivery, outcome).await;
    }
    if delivery.kind == "email" {
        let outcome = send_email(app, &delivery.body).await;
        return record(app, delivery, outcome).await;
    }
    let (url, body, headers) = signed_request(delivery, app.clock.now());
    let mut request = app
        .http
        .post(&url)
        .timeout(SEND_TIMEOUT)
        .header("content-type", "application/json")
        .body(body);
    for (name, value) in headers {
        request = request.header(name, value);
    }
    let outcome = match request.send().await {
        Ok(response) => {
            let status = response.status();
            let answer = response.text().await.unwrap_or_default();
            accepted(&delivery.kind, status, &answer)
        }
        Err(error) => Err(error.to_string()),
    };
    record(app, delivery, outcome).await
}

async fn record(app: &App, delivery: &DueDelivery, outcome: Result<(), String>) -> AppResult<()> {
    match outcome {
        Ok(()) => {
            app.store
                .delivery_done(delivery.id, app.clock.now())
                .await?
        }
        Err(error) => {
            let tries = delivery.attempts + 1;
            let retry_at = (tries < MAX_ATTEMPTS).then(|| {
                let wait = app
                    .settings
                    .delivery_retry_base
                    .saturating_mul(2u32.saturating_pow(u32::try_from(tries - 1).unwrap_or(31)))
                    .min(LONGEST_WAIT);
                app.clock.now()
                    + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::hours(1))
            });
            tracing::info!(delivery = delivery.id, tries, %error, "a delivery failed");
            app.store
                .delivery_failed(delivery.id, &error, retry_at)
                .await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webhook_signatures_follow_the_documented_scheme() {
        let delivery = DueDelivery {
            id: 1,
            attempts: 0,
            body: r#"{"text":"来新单了！"}"#.to_owned(),
            kind: "webhook".to_owned(),
            url: "https://example.invalid/hook".to_owned(),
            secret: Some("0123456789abcdef".to_owned()),
        };
        let at = DateTime::<Utc>::from_timestamp(1_764_000_000, 0).unwrap_or_default();
        let (url, body, headers) = signed_request(&delivery, at);
        assert_eq!(url, delivery.url);
        assert_eq!(body, delivery.body);
        let expected = hex::encode(hmac_of(
            b"0123456789abcdef",
            format!("1764000000.{body}").as_bytes(),
        ));
        assert!(headers.contains(&("x-linli-signature", format!("sha256={expected}"))));
        assert!(headers.contains(&("x-linli-timestamp", "1764000000".to_owned())));
    }

    #[test]
    fn robots_that_answer_an_error_code_did_not_take_the_message() {
        let ok = reqwest::StatusCode::OK;
        assert!(accepted("wecom", ok, r#"{"errcode":0,"errmsg":"ok"}"#).is_ok());
        assert!(
            accepted(
                "dingtalk",
                ok,
                r#"{"errcode":310000,"errmsg":"sign not match"}"#
            )
            .is_err()
        );
        assert!(accepted("feishu", ok, r#"{"code":19021,"msg":"sign match fail"}"#).is_err());
        assert!(accepted("webhook", reqwest::StatusCode::INTERNAL_SERVER_ERROR, "").is_err());
    }
}
