//! Joining without staff. A mobile number receives a 6-digit code (短信验证码) and signs in
//! with it — a new number becomes a new account, not yet a resident of any room; a
//! forgotten password is reset with one. Then the person claims a room and waits for the
//! committee ([`claims`]).
//!
//! Codes are kept only as an HMAC under the server's `phone_codes` key, live
//! [`CODE_LIFETIME_MINUTES`], are spent on first use and after
//! [`linli_domain::accounts::CODE_MAX_ATTEMPTS`] wrong guesses, and are compared in
//! constant time. Asking for one is limited per number and per address; every answer is
//! the same whether or not the number has an account, so the codes tell nobody who is
//! registered.

pub mod claims;
pub mod members;
pub mod roll;

use crate::sessions::{StartedSession, open_session};
use crate::{App, AppError, AppResult, FieldChecks, Refusal};
use chrono::{DateTime, Duration, Utc};
use hmac::{KeyInit, Mac};
use linli_domain::accounts::{
    CODE_LIFETIME_MINUTES, LIMIT_WINDOW_MINUTES, MobilePhone, PhoneCode, RESEND_AFTER_SECONDS,
    code_wait, same_digest,
};
use linli_domain::ids::PersonId;
use linli_domain::registry::{Login, Name, Password, Phone};
use linli_store::passwords::{hash_password_async, new_session_token};
use linli_store::people::NewPerson;

/// The name of the server key codes are hashed with.
const CODE_KEY: &str = "phone_codes";

/// The password hash of an account that has none (signs in by code only): no password
/// verifies against it.
const NO_PASSWORD: &str = "!";

/// A code on its way.
#[derive(Debug, Clone, Copy)]
pub struct CodeSent {
    pub expires_at: DateTime<Utc>,
    /// When another code to the same number may be asked for, in seconds.
    pub resend_after_seconds: i64,
}

/// The keyed hash of a code for a number.
async fn code_hash(app: &App, phone: &MobilePhone, code: &PhoneCode) -> AppResult<String> {
    let fresh = new_session_token()?;
    let key = app.store.server_key(CODE_KEY, &fresh, app.now()).await?;
    let mut mac = <hmac::Hmac<sha2::Sha256> as KeyInit>::new_from_slice(key.as_bytes())
        .map_err(|error| AppError::internal(format!("code key: {error}")))?;
    mac.update(phone.as_str().as_bytes());
    mac.update(b":");
    mac.update(code.expose().as_bytes());
    Ok(hex::encode(mac.finalize().into_bytes()))
}

fn parse_phone(raw: &str) -> AppResult<MobilePhone> {
    Ok(MobilePhone::parse(raw)?)
}

/// Sends a sign-in code to a mobile number, whether or not it has an account.
pub async fn send_code(app: &App, client_ip: &str, raw_phone: &str) -> AppResult<CodeSent> {
    let phone = parse_phone(raw_phone)?;
    let now = app.now();
    let requests = app
        .store
        .code_requests(
            phone.as_str(),
            client_ip,
            now - Duration::minutes(LIMIT_WINDOW_MINUTES),
        )
        .await?;
    if let Some(wait) = code_wait(&requests, now) {
        let seconds = u64::try_from(wait).unwrap_or(1);
        return Err(AppError::refused(
            "accounts.too_many_codes",
            Refusal::TooSoon {
                retry_after_seconds: Some(seconds),
            },
        )
        .with_arg("minutes", seconds.div_ceil(60).to_string()));
    }
    let random = new_session_token()?;
    let bytes = hex::decode(&random[..8]).map_err(|error| AppError::internal(error.to_string()))?;
    let code = PhoneCode::from_random([bytes[0], bytes[1], bytes[2], bytes[3]]);
    let hash = code_hash(app, &phone, &code).await?;
    let expires_at = now + Duration::minutes(CODE_LIFETIME_MINUTES);
    app.store
        .add_phone_code(phone.as_str(), &hash, client_ip, now, expires_at)
        .await?;
    let text = app.texts.text(
        "notify.accounts_code",
        &[
            ("code", code.expose().to_owned()),
            ("minutes", CODE_LIFETIME_MINUTES.to_string()),
        ],
    );
    if let Err(error) = app.sms.send(phone.as_str(), &text).await {
        tracing::warn!(phone = %Phone::masked(phone.as_str()), %error, "a sign-in code could not be sent");
        return Err(AppError::Unavailable);
    }
    Ok(CodeSent {
        expires_at,
        resend_after_seconds: RESEND_AFTER_SECONDS,
    })
}

/// Checks a number and a code as typed, naming every wrong field at once.
fn parse_phone_and_code(
    raw_phone: &str,
    raw_code: &str,
    checks: &mut FieldChecks,
) -> AppResult<Option<(MobilePhone, PhoneCode)>> {
    let phone = checks.check(MobilePhone::parse(raw_phone))?;
    let code = checks.check(PhoneCode::parse(raw_code))?;
    Ok(phone.zip(code))
}

/// Spends the number's live code if `code` is it; `accounts.code_wrong` on the code
/// otherwise (wrong, used, expired, or never sent: the same answer). A wrong guess
/// counts against the code.
async fn redeem(app: &App, phone: &MobilePhone, code: &PhoneCode) -> AppResult<()> {
    let now = app.now();
    let typed = code_hash(app, phone, code).await?;
    let live = app.store.live_code(phone.as_str(), now).await?;
    // Compared against a digest of the right length even when there is no live code,
    // so the answer takes as long either way.
    let stored = live
        .as_ref()
        .map_or_else(|| "0".repeat(typed.len()), |live| live.code_hash.clone());
    let matches = same_digest(typed.as_bytes(), stored.as_bytes());
    let wrong = || AppError::invalid("accounts.code_wrong", "code");
    let Some(live) = live else {
        return Err(wrong());
    };
    if !matches {
        app.store.count_code_attempt(live.id).await?;
        return Err(wrong());
    }
    if !app.store.use_code(live.id, now).await? {
        return Err(wrong());
    }
    Ok(())
}

/// A session begun with a code.
pub struct CodeSignIn {
    pub session: StartedSession,
    /// The number had no account: one was made now.
    pub created: bool,
}

/// Signs in with a number and the code sent to it. A number without an account gets a
/// new one (no password, no room, no role) — the start of joining. An owner's pending
/// invitations of the number take effect now.
pub async fn sign_in_with_code(
    app: &App,
    client_ip: &str,
    raw_phone: &str,
    raw_code: &str,
    user_agent: Option<&str>,
) -> AppResult<CodeSignIn> {
    let mut checks = FieldChecks::default();
    let parsed = parse_phone_and_code(raw_phone, raw_code, &mut checks)?;
    checks.finish()?;
    let Some((phone, code)) = parsed else {
        return Err(AppError::internal(
            "a code passed its checks with a field missing",
        ));
    };
    redeem(app, &phone, &code).await?;
    let (person, created) = match app.store.person_by_phone(phone.as_str()).await? {
        Some(person) => (person, false),
        None => (new_account(app, &phone).await?, true),
    };
    if person.disabled {
        return Err(AppError::refused(
            "auth.account_disabled",
            Refusal::Forbidden,
        ));
    }
    let person = PersonId(person.id);
    claims::accept_invitations(app, person, &phone).await?;
    Ok(CodeSignIn {
        session: open_session(app, person, client_ip, user_agent).await?,
        created,
    })
}

/// A new account for a number: a random login, the masked number as its name until the
/// person gives theirs, no password.
async fn new_account(app: &App, phone: &MobilePhone) -> AppResult<linli_store::people::Person> {
    let random = new_session_token()?;
    let login = Login::parse(&format!("m{}", &random[..15]))?;
    let name = Name::parse(&Phone::masked(phone.as_str()), "display_name", 40)?;
    let stored_phone = Phone::parse(phone.as_str())?;
    Ok(app
        .store
        .create_person(
            NewPerson {
                login: &login,
                display_name: &name,
                phone: Some(&stored_phone),
                password_hash: NO_PASSWORD,
            },
            app.now(),
        )
        .await?)
}

/// Sets a new password with a code sent to the account's number; every session of the
/// account ends. A number without an account is told so only after its code was
/// checked (whoever has the code holds the phone).
pub async fn reset_password(
    app: &App,
    raw_phone: &str,
    raw_code: &str,
    new_password: &str,
) -> AppResult<()> {
    let mut checks = FieldChecks::default();
    let parsed = parse_phone_and_code(raw_phone, raw_code, &mut checks)?;
    let password = checks.check(
        Password::parse(new_password, app.settings.demo_mode)
            .map_err(|error| error.in_field("new_password")),
    )?;
    checks.finish()?;
    let (Some((phone, code)), Some(password)) = (parsed, password) else {
        return Err(AppError::internal(
            "a reset passed its checks with a field missing",
        ));
    };
    redeem(app, &phone, &code).await?;
    let Some(person) = app.store.person_by_phone(phone.as_str()).await? else {
        return Err(AppError::invalid("accounts.no_account", "phone"));
    };
    if person.disabled {
        return Err(AppError::refused(
            "auth.account_disabled",
            Refusal::Forbidden,
        ));
    }
    let hash = hash_password_async(password.expose().to_owned()).await?;
    app.store
        .set_password(PersonId(person.id), &hash, None, app.now())
        .await?;
    Ok(())
}
