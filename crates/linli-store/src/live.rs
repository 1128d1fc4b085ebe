//! What live updates need from the database: telling the other instances about a change
//! (PostgreSQL `NOTIFY`), electing the one instance that runs background jobs (an
//! advisory lock held on its own connection), the figures of a big screen, and the
//! tokens that let an office television show one.

use crate::db::{Db, Store, stored_time};
use crate::error::{StoreError, StoreResult};
use chrono::{DateTime, Utc};
use linli_domain::ids::PersonId;

/// Changes announced by one instance and heard by the others.
pub const CHANGES_CHANNEL: &str = "linli_changes";

/// Where PostgreSQL's triggers announce a change to what callers are read from (sessions,
/// people, role grants, rooms: migration 0013). Each [`Listener`] hears it too and drops
/// this instance's copy of its callers.
pub const ACCESS_CHANNEL: &str = "linli_access";

/// Where notifications from other instances arrive (PostgreSQL only). While it is
/// connected this instance hears every change to its callers, so it may keep a copy of
/// them ([`crate::callers`]).
pub struct Listener {
    listener: sqlx::postgres::PgListener,
    callers: std::sync::Arc<crate::callers::CallerCache>,
    figures: std::sync::Arc<crate::statistics::FiguresChanges>,
    hearing: bool,
}

impl Listener {
    /// The next payload on the channel listened to. An error means the connection broke:
    /// what was sent meanwhile is lost to this instance, and the copy of its callers is
    /// dropped; listen again.
    pub async fn recv(&mut self) -> StoreResult<String> {
        loop {
            match self.listener.try_recv().await {
                Ok(Some(notification)) if notification.channel() == ACCESS_CHANNEL => {
                    self.callers.forget();
                }
                Ok(Some(notification)) => {
                    // Another instance changed work orders: its figures are not ours.
                    self.figures.changed();
                    return Ok(notification.payload().to_owned());
                }
                Ok(None) => {
                    self.stop_hearing();
                    return Err(StoreError::Database(sqlx::Error::Protocol(
                        "the listening connection was lost".to_owned(),
                    )));
                }
                Err(error) => {
                    self.stop_hearing();
                    return Err(error.into());
                }
            }
        }
    }

    fn stop_hearing(&mut self) {
        if std::mem::take(&mut self.hearing) {
            self.callers.stop_hearing();
            self.figures.changed();
        }
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.stop_hearing();
    }
}

/// The right to run background jobs, held while this value lives.
pub enum Leadership {
    /// SQLite: one process owns the file.
    Sole,
    /// PostgreSQL: a session advisory lock on a connection of its own; it is released
    /// when the connection closes, so a crashed leader frees it.
    Postgres(sqlx::PgConnection),
}

/// One advisory lock key for Linli's background jobs.
const JOBS_LOCK_KEY: i64 = 0x6C69_6E6C_6A6F_6273; // "linljobs"

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ScreenToken {
    pub id: i64,
    /// `community` or `street`.
    pub scope_kind: String,
    pub scope_id: i64,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// Longest payload PostgreSQL takes in one notification (it refuses 8,000 bytes or more).
pub const MAX_NOTIFY_PAYLOAD: usize = 7_999;

/// Tells the other instances, on a connection of its own. Every `NOTIFY` gives its
/// transaction an id, so its commit is a WAL record that would wait for a flush; this
/// connection commits without waiting (`synchronous_commit = off`), because a
/// notification lost in a crash only leaves a screen behind until its next refresh. It
/// sends all the payloads it is given in one statement: one transaction, one commit.
pub struct Notifier {
    options: sqlx::postgres::PgConnectOptions,
    connection: Option<sqlx::PgConnection>,
}

impl Notifier {
    /// Sends every payload on `channel`, in order; each must be at most
    /// [`MAX_NOTIFY_PAYLOAD`] bytes. After an error the next call connects again.
    pub async fn notify(&mut self, channel: &str, payloads: &[String]) -> StoreResult<()> {
        use sqlx::Connection;
        if payloads.is_empty() {
            return Ok(());
        }
        let connection = match &mut self.connection {
            Some(connection) => connection,
            empty => empty.insert(sqlx::PgConnection::connect_with(&self.options).await?),
        };
        let sent = sqlx::query(
            "SELECT pg_notify($1, payload) FROM UNNEST($2::text[]) WITH ORDINALITY AS sent (payload, position)
             ORDER BY position",
        )
        .bind(channel)
        .bind(payloads)
        .execute(&mut *connection)
        .await;
        if sent.is_err() {
            self.connection = None;
        }
        sent?;
        Ok(())
    }
}

impl Store {
    /// Whether every change to sessions, people, role grants and rooms reaches this
    /// instance at once (always on SQLite; on PostgreSQL while a [`Listener`] is
    /// connected), which is when it keeps a copy of its callers.
    pub fn hears_every_change(&self) -> bool {
        self.callers.hearing()
    }

    /// What tells the other instances of changes; `None` on SQLite (one instance).
    pub fn notifier(&self) -> Option<Notifier> {
        match &self.db {
            Db::Sqlite(_) => None,
            Db::Postgres(pool) => Some(Notifier {
                options: (*pool.connect_options())
                    .clone()
                    .options([("synchronous_commit", "off")]),
                connection: None,
            }),
        }
    }

    /// Listens on `channel` (and on [`ACCESS_CHANNEL`]); `None` on SQLite, where there are
    /// no other instances.
    pub async fn listen(&self, channel: &str) -> StoreResult<Option<Listener>> {
        match &self.db {
            Db::Sqlite(_) => Ok(None),
            Db::Postgres(pool) => {
                let mut listener = sqlx::postgres::PgListener::connect_with(pool).await?;
                // Report a lost connection at once rather than after reconnecting: while
                // it is lost nothing is heard, and the copy of callers must go.
                listener.eager_reconnect(false);
                listener.listen_all([channel, ACCESS_CHANNEL]).await?;
                self.callers.start_hearing();
                // What changed before it listened was not heard.
                self.figures.changed();
                Ok(Some(Listener {
                    listener,
                    callers: std::sync::Arc::clone(&self.callers),
                    figures: std::sync::Arc::clone(&self.figures),
                    hearing: true,
                }))
            }
        }
    }

    /// Becomes the instance that runs background jobs, unless another one already is.
    pub async fn try_lead(&self) -> StoreResult<Option<Leadership>> {
        match &self.db {
            Db::Sqlite(_) => Ok(Some(Leadership::Sole)),
            Db::Postgres(pool) => {
                let mut connection = pool.acquire().await?.detach();
                let (acquired,): (bool,) = sqlx::query_as("SELECT pg_try_advisory_lock($1)")
                    .bind(JOBS_LOCK_KEY)
                    .fetch_one(&mut connection)
                    .await?;
                Ok(acquired.then_some(Leadership::Postgres(connection)))
            }
        }
    }

    /// Whether a held leadership still stands (its connection is alive).
    pub async fn still_leading(&self, leadership: &mut Leadership) -> bool {
        match leadership {
            Leadership::Sole => true,
            Leadership::Postgres(connection) => {
                use sqlx::Connection;
                connection.ping().await.is_ok()
            }
        }
    }

    /// The people who see a work order as theirs: its reporter and its followers.
    pub async fn audience(&self, work_order: i64) -> StoreResult<Vec<i64>> {
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_scalar::<_, i64>(
                "SELECT reporter_id FROM work_orders WHERE id = $1 AND reporter_id IS NOT NULL
                 UNION SELECT person_id FROM work_order_followers WHERE work_order_id = $1",
            )
            .bind(work_order)
            .fetch_all(pool)
            .await
        })?)
    }

    /// Open work orders per building of some communities (resolved ones included: they
    /// wait for the resident).
    pub async fn open_by_building(&self, communities: &[i64]) -> StoreResult<Vec<(i64, i64)>> {
        let mut rows = Vec::new();
        for community in communities {
            let found: Vec<(i64, i64)> = on_pool!(&self.db, |pool| {
                sqlx::query_as(
                    "SELECT building_id, CAST(COUNT(*) AS BIGINT) FROM work_orders
                     WHERE community_id = $1 AND building_id IS NOT NULL
                       AND status IN ('submitted', 'dispatched', 'in_progress', 'on_hold', 'resolved')
                     GROUP BY building_id",
                )
                .bind(community)
                .fetch_all(pool)
                .await
            })?;
            rows.extend(found);
        }
        Ok(rows)
    }

    pub async fn create_screen_token(
        &self,
        scope_kind: &str,
        scope_id: i64,
        name: &str,
        token_hash: &str,
        created_by: PersonId,
        now: DateTime<Utc>,
    ) -> StoreResult<ScreenToken> {
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, ScreenToken>(
                "INSERT INTO screen_tokens (scope_kind, scope_id, name, token_hash, created_by, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6)
                 RETURNING id, scope_kind, scope_id, name, created_at, revoked_at",
            )
            .bind(scope_kind)
            .bind(scope_id)
            .bind(name)
            .bind(token_hash)
            .bind(created_by.0)
            .bind(stored_time(now))
            .fetch_one(pool)
            .await
        })?)
    }

    /// The screen a token opens, unless it is unknown or revoked.
    pub async fn screen_by_token(&self, token_hash: &str) -> StoreResult<Option<ScreenToken>> {
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, ScreenToken>(
                "SELECT id, scope_kind, scope_id, name, created_at, revoked_at FROM screen_tokens
                 WHERE token_hash = $1 AND revoked_at IS NULL",
            )
            .bind(token_hash)
            .fetch_optional(pool)
            .await
        })?)
    }

    pub async fn screen_tokens(
        &self,
        scope_kind: &str,
        scope_id: i64,
    ) -> StoreResult<Vec<ScreenToken>> {
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, ScreenToken>(
                "SELECT id, scope_kind, scope_id, name, created_at, revoked_at FROM screen_tokens
                 WHERE scope_kind = $1 AND scope_id = $2 ORDER BY id",
            )
            .bind(scope_kind)
            .bind(scope_id)
            .fetch_all(pool)
            .await
        })?)
    }

    pub async fn screen_token(&self, id: i64) -> StoreResult<ScreenToken> {
        on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, ScreenToken>(
                "SELECT id, scope_kind, scope_id, name, created_at, revoked_at FROM screen_tokens WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(pool)
            .await
        })?
        .ok_or(StoreError::NotFound("screen.not_found"))
    }

    pub async fn revoke_screen_token(&self, id: i64, now: DateTime<Utc>) -> StoreResult<()> {
        on_pool!(&self.db, |pool| {
            sqlx::query(
                "UPDATE screen_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
            )
            .bind(stored_time(now))
            .bind(id)
            .execute(pool)
            .await
            .map(|_| ())
        })?;
        Ok(())
    }
}
