//! Server-side sessions (shared by every instance through the database) and the record
//! of failed sign-ins that throttling counts.

use crate::callers::KeptSession;
use crate::db::{Store, stored_time};
use crate::error::{StoreError, StoreResult};
use crate::people::{GrantRow, Person, StoredGrant};
use chrono::{DateTime, Duration, Utc};
use linli_domain::ids::PersonId;
use linli_domain::registry::Login;

pub struct NewSession<'a> {
    pub person: PersonId,
    pub token_hash: &'a str,
    pub expires_at: DateTime<Utc>,
    pub client_ip: Option<&'a str>,
    pub user_agent: Option<&'a str>,
}

/// Recent failed sign-ins that throttling weighs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginFailures {
    pub for_login_from_address: i64,
    pub last_for_login_from_address: Option<DateTime<Utc>>,
    pub from_address: i64,
}

/// A session is touched at most this often, so a busy client does not write on every read.
const TOUCH_INTERVAL_MINUTES: i64 = 5;

/// Who a session belongs to and what they may do.
#[derive(Debug, Clone)]
pub struct SessionCaller {
    pub person: Person,
    pub grants: Vec<StoredGrant>,
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    last_seen_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    id: i64,
    login: String,
    display_name: String,
    phone: Option<String>,
    disabled: bool,
    grant_id: Option<i64>,
    role: Option<String>,
    scope_kind: Option<String>,
    scope_id: Option<i64>,
    organisation_id: Option<i64>,
}

impl Store {
    pub async fn create_session(
        &self,
        session: NewSession<'_>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let now = stored_time(now);
        on_pool!(&self.db, |pool| {
            sqlx::query(
                "INSERT INTO sessions (token_hash, person_id, created_at, last_seen_at, expires_at, client_ip, user_agent)
                 VALUES ($1, $2, $3, $3, $4, $5, $6)",
            )
            .bind(session.token_hash)
            .bind(session.person.0)
            .bind(now)
            .bind(stored_time(session.expires_at))
            .bind(session.client_ip)
            .bind(session.user_agent)
            .execute(pool)
            .await
            .map(|done| done.rows_affected())
        })?;
        Ok(())
    }

    /// The person a live session belongs to, with their role grants: from this
    /// instance's copy when it has one ([`crate::callers`]), else in one read. A session
    /// of a disabled account is dead. Use extends the session (sliding expiry) to at
    /// least `idle_timeout` from now; it never shortens a session issued for longer.
    pub async fn session_caller(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
        idle_timeout: Duration,
    ) -> StoreResult<Option<SessionCaller>> {
        let now = stored_time(now);
        let kept = match self.callers.session(token_hash) {
            Some(kept) if kept.expires_at > now => kept,
            stale => {
                // Past its end as kept here: another instance may have extended it
                // since, so the database decides.
                if stale.is_some() {
                    self.callers.forget_session(token_hash);
                }
                let Some(read) = self.read_session(token_hash, now).await? else {
                    return Ok(None);
                };
                read
            }
        };
        if !self
            .touch_if_due(token_hash, &kept, now, idle_timeout)
            .await?
        {
            // Gone meanwhile (signed out elsewhere and not yet heard of).
            self.callers.forget_session(token_hash);
            return Ok(None);
        }
        Ok(Some(kept.caller))
    }

    /// A live session with its person and grants, read and kept in this instance's copy.
    async fn read_session(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<KeptSession>> {
        let since = self.callers.generation();
        // One row per grant (one row with empty grant columns for a person without any).
        let rows = on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, SessionRow>(
                "SELECT s.last_seen_at, s.expires_at, p.id, p.login, p.display_name, p.phone, p.disabled,
                        g.id AS grant_id, g.role, g.scope_kind, g.scope_id, g.organisation_id
                 FROM sessions s
                 JOIN people p ON p.id = s.person_id
                 LEFT JOIN role_grants g ON g.person_id = s.person_id
                 WHERE s.token_hash = $1 AND s.expires_at > $2 AND NOT p.disabled
                 ORDER BY g.id",
            )
            .bind(token_hash)
            .bind(now)
            .fetch_all(pool)
            .await
        })?;
        let Some(first) = rows.first() else {
            return Ok(None);
        };
        let (last_seen_at, expires_at) = (first.last_seen_at, first.expires_at);
        let person = Person {
            id: first.id,
            login: first.login.clone(),
            display_name: first.display_name.clone(),
            phone: first.phone.clone(),
            disabled: first.disabled,
        };
        let grants = rows
            .into_iter()
            .filter_map(|row| {
                GrantRow::from_parts(
                    row.grant_id?,
                    row.role?,
                    row.scope_kind?,
                    row.scope_id?,
                    row.organisation_id,
                )
            })
            .collect();
        let kept = KeptSession {
            caller: SessionCaller { person, grants },
            last_seen_at,
            expires_at,
        };
        self.callers.keep_session(since, token_hash, kept.clone());
        Ok(Some(kept))
    }

    /// Extends a session that was last touched long enough ago; whether it still exists.
    async fn touch_if_due(
        &self,
        token_hash: &str,
        session: &KeptSession,
        now: DateTime<Utc>,
        idle_timeout: Duration,
    ) -> StoreResult<bool> {
        if now - session.last_seen_at < Duration::minutes(TOUCH_INTERVAL_MINUTES) {
            return Ok(true);
        }
        let touched = on_pool!(&self.db, |pool| {
            sqlx::query(
                "UPDATE sessions SET last_seen_at = $1,
                    expires_at = CASE WHEN expires_at > $2 THEN expires_at ELSE $2 END
                 WHERE token_hash = $3",
            )
            .bind(now)
            .bind(now + idle_timeout)
            .bind(token_hash)
            .execute(pool)
            .await
            .map(|done| done.rows_affected())
        })?;
        self.callers
            .touched(token_hash, now, session.expires_at.max(now + idle_timeout));
        Ok(touched > 0)
    }

    pub async fn delete_session(&self, token_hash: &str) -> StoreResult<bool> {
        let _forget = self.callers.forget_when_done();
        let deleted = on_pool!(&self.db, |pool| {
            sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
                .bind(token_hash)
                .execute(pool)
                .await
                .map(|done| done.rows_affected())
        })?;
        Ok(deleted > 0)
    }

    pub async fn record_login_failure(
        &self,
        login: &str,
        client_ip: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        on_pool!(&self.db, |pool| {
            sqlx::query(
                "INSERT INTO login_failures (login, client_ip, failed_at) VALUES ($1, $2, $3)",
            )
            .bind(login)
            .bind(client_ip)
            .bind(stored_time(now))
            .execute(pool)
            .await
            .map(|done| done.rows_affected())
        })?;
        Ok(())
    }

    /// The server's secret key called `name`: the one stored, or `fresh` stored now if
    /// there is none yet. Instances that start together agree on one (the first insert
    /// wins; the others read it).
    pub async fn server_key(
        &self,
        name: &str,
        fresh: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<String> {
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query(
                "INSERT INTO server_keys (name, value, created_at) VALUES ($1, $2, $3)
                 ON CONFLICT (name) DO NOTHING",
            )
            .bind(name)
            .bind(fresh)
            .bind(stored_time(now))
            .execute(pool)
            .await?;
            sqlx::query_scalar::<_, String>("SELECT value FROM server_keys WHERE name = $1")
                .bind(name)
                .fetch_one(pool)
                .await
        })?)
    }

    /// Failed sign-ins since `since`: for this login from this address (with the last
    /// one's time), and from this address for any login.
    pub async fn login_failures_since(
        &self,
        login: &str,
        client_ip: &str,
        since: DateTime<Utc>,
    ) -> StoreResult<LoginFailures> {
        let since = stored_time(since);
        let (for_login_times, from_address) = on_pool!(&self.db, |pool| {
            let for_login_times = sqlx::query_scalar::<_, DateTime<Utc>>(
                "SELECT failed_at FROM login_failures
                 WHERE login = $1 AND client_ip = $2 AND failed_at > $3
                 ORDER BY failed_at DESC",
            )
            .bind(login)
            .bind(client_ip)
            .bind(since)
            .fetch_all(pool)
            .await?;
            let from_address = sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM login_failures WHERE client_ip = $1 AND failed_at > $2",
            )
            .bind(client_ip)
            .bind(since)
            .fetch_one(pool)
            .await?;
            Ok::<_, sqlx::Error>((for_login_times, from_address))
        })?;
        Ok(LoginFailures {
            for_login_from_address: i64::try_from(for_login_times.len()).unwrap_or(i64::MAX),
            last_for_login_from_address: for_login_times.first().copied(),
            from_address,
        })
    }

    /// A successful sign-in forgives the failures for this login from this address; those
    /// from other addresses (someone else guessing) still count against them.
    pub async fn clear_login_failures(&self, login: &Login, client_ip: &str) -> StoreResult<()> {
        on_pool!(&self.db, |pool| {
            sqlx::query("DELETE FROM login_failures WHERE login = $1 AND client_ip = $2")
                .bind(login.as_str())
                .bind(client_ip)
                .execute(pool)
                .await
                .map(|done| done.rows_affected())
        })?;
        Ok(())
    }

    /// Removes expired sessions and failures older than `failures_before`; run periodically.
    pub async fn purge_expired(
        &self,
        now: DateTime<Utc>,
        failures_before: DateTime<Utc>,
    ) -> StoreResult<u64> {
        let now = stored_time(now);
        let removed = on_pool!(&self.db, |pool| {
            let mut tx = pool.begin().await?;
            let sessions = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
                .bind(now)
                .execute(&mut *tx)
                .await?;
            let failures = sqlx::query("DELETE FROM login_failures WHERE failed_at <= $1")
                .bind(stored_time(failures_before))
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok::<_, StoreError>(sessions.rows_affected() + failures.rows_affected())
        })?;
        Ok(removed)
    }
}
