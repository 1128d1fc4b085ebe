//! Signing in and out, and changing a password. Sessions live in the database, so any
//! instance behind a load balancer recognises a token another instance issued.

use crate::{App, AppError, AppResult, Caller, Refusal};
use chrono::{DateTime, Utc};
use linli_domain::ids::PersonId;
use linli_domain::registry::{DEMO_PASSWORD, Login, Password};
use linli_store::passwords::{
    decoy_hash, hash_password_async, new_session_token, token_hash, verify_password_async,
};
use linli_store::people::{Person, PersonRoom, StoredGrant};
use linli_store::sessions::{LoginFailures, NewSession};

/// A session just begun; the token is shown to its owner once and stored only hashed.
pub struct StartedSession {
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub person: PersonId,
}

/// The signed-in person, their roles and rooms.
pub struct Me {
    pub person: Person,
    pub roles: Vec<StoredGrant>,
    pub rooms: Vec<PersonRoom>,
}

pub async fn me(app: &App, person: PersonId) -> AppResult<Me> {
    Ok(Me {
        person: app.store.person(person).await?,
        roles: app.store.grants_of(person).await?,
        rooms: app.store.rooms_of(person).await?,
    })
}

/// How long an address must wait before its next sign-in, if at all (in seconds).
///
/// Failures are weighed per login *and* address, so someone guessing a login from one
/// address slows down only themselves there: the owner, from an address with no
/// failures, still signs in. After `free_failures_per_login_and_address` the address
/// waits `first_sign_in_wait` after its last failure for that login, doubled with each
/// further failure, up to the throttle window: a slowing, never a lock-out of the login
/// everywhere. An address failing across many logins (credential stuffing) waits out
/// the window after `max_failures_per_address`.
fn sign_in_wait(
    settings: &crate::Settings,
    failures: &LoginFailures,
    now: DateTime<Utc>,
) -> Option<u64> {
    let window = settings.throttle_window;
    let wait_until = if failures.from_address >= settings.max_failures_per_address {
        Some(now + window)
    } else {
        let beyond_free =
            failures.for_login_from_address - settings.free_failures_per_login_and_address;
        failures
            .last_for_login_from_address
            .filter(|_| beyond_free >= 0)
            .map(|last| {
                let doublings = u32::try_from(beyond_free.min(20)).unwrap_or(20);
                let wait = settings
                    .first_sign_in_wait
                    .checked_mul(1 << doublings)
                    .map_or(window, |wait| wait.min(window));
                last + wait
            })
    };
    let seconds = wait_until
        .filter(|until| *until > now)?
        .signed_duration_since(now);
    // Whole seconds, rounded up, so a client that waits as told is let in.
    let milliseconds = u64::try_from(seconds.num_milliseconds()).unwrap_or(0);
    Some(milliseconds.div_ceil(1000).max(1))
}

/// Checks a login and password (throttled per login and address, see [`sign_in_wait`])
/// and starts a session: the one way in, for the API and the pages alike.
pub async fn start_session(
    app: &App,
    client_ip: &str,
    raw_login: &str,
    password: String,
    user_agent: Option<&str>,
) -> AppResult<StartedSession> {
    let now = app.clock.now();
    let settings = &app.settings;
    let login_key = raw_login.trim().to_lowercase();
    let failures = app
        .store
        .login_failures_since(&login_key, client_ip, now - settings.throttle_window)
        .await?;
    if let Some(retry_after_seconds) = sign_in_wait(settings, &failures, now) {
        return Err(AppError::refused(
            "auth.too_many_attempts",
            Refusal::TooSoon {
                retry_after_seconds: Some(retry_after_seconds),
            },
        )
        .with_arg("minutes", retry_after_seconds.div_ceil(60).to_string()));
    }
    let login = Login::parse(raw_login).ok();
    let credentials = match &login {
        Some(login) => app.store.credentials(login).await?,
        None => None,
    };
    let stored_hash = credentials.as_ref().map_or_else(
        || decoy_hash().to_owned(),
        |found| found.password_hash.clone(),
    );
    let is_demo_password = password == DEMO_PASSWORD;
    let matches = verify_password_async(password, stored_hash).await?;
    let (Some(login), Some(credentials), true) = (login, credentials, matches) else {
        app.store
            .record_login_failure(&login_key, client_ip, now)
            .await?;
        tracing::info!(login = %login_key, %client_ip, "sign-in failed");
        return Err(AppError::unauthenticated("auth.invalid_credentials"));
    };
    if is_demo_password && !settings.demo_mode {
        return Err(AppError::refused(
            "auth.demo_password_refused",
            Refusal::Forbidden,
        ));
    }
    if credentials.disabled {
        return Err(AppError::refused(
            "auth.account_disabled",
            Refusal::Forbidden,
        ));
    }
    app.store.clear_login_failures(&login, client_ip).await?;
    open_session(app, PersonId(credentials.id), client_ip, user_agent).await
}

/// Starts a session for a person whose identity was checked (a password, a phone code).
pub(crate) async fn open_session(
    app: &App,
    person: PersonId,
    client_ip: &str,
    user_agent: Option<&str>,
) -> AppResult<StartedSession> {
    let now = app.clock.now();
    let token = new_session_token()?;
    let expires_at = now + app.settings.session_idle_timeout;
    let user_agent = user_agent.map(|agent| agent.chars().take(200).collect::<String>());
    app.store
        .create_session(
            NewSession {
                person,
                token_hash: &token_hash(&token),
                expires_at,
                client_ip: Some(client_ip),
                user_agent: user_agent.as_deref(),
            },
            now,
        )
        .await?;
    Ok(StartedSession {
        token,
        expires_at,
        person,
    })
}

/// Ends the session of a token, whoever holds it (signing out of a browser whose
/// session may already be over).
pub async fn end_session(app: &App, token: &str) -> AppResult<()> {
    app.store.delete_session(&token_hash(token)).await?;
    Ok(())
}

/// Ends the caller's session.
pub async fn sign_out(app: &App, caller: &Caller) -> AppResult<()> {
    app.store.delete_session(caller.token_hash()).await?;
    Ok(())
}

/// Changes the caller's password and signs out their other sessions.
pub async fn change_password(
    app: &App,
    caller: &Caller,
    current_password: String,
    new_password: &str,
) -> AppResult<()> {
    let new_password = Password::parse(new_password, app.settings.demo_mode)
        .map_err(|error| AppError::from(error.in_field("new_password")))?;
    let stored_hash = app.store.password_hash(caller.person).await?;
    if !verify_password_async(current_password, stored_hash).await? {
        return Err(AppError::refused(
            "auth.wrong_current_password",
            Refusal::Forbidden,
        ));
    }
    let new_hash = hash_password_async(new_password.expose().to_owned()).await?;
    app.store
        .set_password(
            caller.person,
            &new_hash,
            Some(caller.token_hash()),
            app.clock.now(),
        )
        .await?;
    Ok(())
}

/// Unread messages are counted up to one more than this; the menu shows more as 99+.
pub const UNREAD_SHOWN_MAX: i64 = 99;

/// What every page shows around its content for the signed-in person.
pub struct Frame {
    /// 长辈版, remembered for the person on every device.
    pub large_text: bool,
    /// Unread messages in their inbox, up to [`UNREAD_SHOWN_MAX`] + 1.
    pub unread: i64,
    /// The community the pages show: their own (the first, for street staff and
    /// administrators).
    pub community: Option<linli_store::registry::Community>,
    /// They check residents' claims of rooms there (a committee's handler, the
    /// supervisor), so their menu leads to the queue.
    pub checks_claims: bool,
}

pub async fn frame(app: &App, caller: &Caller) -> AppResult<Frame> {
    let community = frame_community(app, caller).await?;
    let checks_claims = match &community {
        Some(community) => {
            crate::accounts::claims::checks_claims(
                app,
                caller,
                linli_domain::ids::CommunityId(community.id),
            )
            .await?
        }
        None => false,
    };
    let (large_text, unread) = app
        .store
        .page_frame(caller.person, UNREAD_SHOWN_MAX + 1)
        .await?;
    Ok(Frame {
        large_text,
        unread,
        community,
        checks_claims,
    })
}

/// The community the pages show a person: theirs, or — for someone with no room and no
/// role yet — the one where they claimed a room, so they may report there as an
/// unconfirmed resident (未核实) while the committee checks the claim.
async fn frame_community(
    app: &App,
    caller: &Caller,
) -> AppResult<Option<linli_store::registry::Community>> {
    Ok(crate::registry::reporting_communities_of(app, caller)
        .await?
        .into_iter()
        .next())
}

/// 长辈版 chosen in the browser before signing in stays on for the person from now on.
pub async fn keep_large_text(app: &App, person: PersonId) -> AppResult<()> {
    app.store.set_large_text(person, true).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    fn failures(
        for_login: i64,
        seconds_ago: i64,
        from_address: i64,
        now: DateTime<Utc>,
    ) -> LoginFailures {
        LoginFailures {
            for_login_from_address: for_login,
            last_for_login_from_address: (for_login > 0)
                .then(|| now - Duration::seconds(seconds_ago)),
            from_address,
        }
    }

    #[test]
    fn failures_slow_the_address_down_ever_more_and_never_beyond_the_window() {
        let settings = crate::Settings::default();
        let now = Utc
            .with_ymd_and_hms(2026, 10, 27, 1, 30, 0)
            .single()
            .unwrap_or_default();
        let wait = |for_login, seconds_ago| {
            sign_in_wait(
                &settings,
                &failures(for_login, seconds_ago, for_login, now),
                now,
            )
        };
        assert_eq!(wait(0, 0), None);
        assert_eq!(wait(4, 0), None, "the first failures are free");
        assert_eq!(wait(5, 0), Some(30));
        assert_eq!(wait(5, 20), Some(10));
        assert_eq!(wait(5, 30), None, "waited enough: one more try");
        assert_eq!(wait(6, 0), Some(60));
        assert_eq!(wait(7, 0), Some(120));
        assert_eq!(wait(29, 0), Some(900), "at most the window");
    }

    #[test]
    fn an_address_failing_across_many_logins_waits_out_the_window() {
        let settings = crate::Settings::default();
        let now = Utc
            .with_ymd_and_hms(2026, 10, 27, 1, 30, 0)
            .single()
            .unwrap_or_default();
        let spread = failures(0, 0, 30, now);
        assert_eq!(sign_in_wait(&settings, &spread, now), Some(900));
    }
}
