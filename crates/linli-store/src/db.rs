use crate::error::{StoreError, StoreResult};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

/// Runs `$body` with `$pool` bound to the configured engine's pool. The body is compiled
/// once per engine, so one query text serves both and type errors show on either.
macro_rules! on_pool {
    ($db:expr, |$pool:ident| $body:expr) => {
        match $db {
            $crate::db::Db::Sqlite($pool) => $body,
            $crate::db::Db::Postgres($pool) => $body,
        }
    };
}

/// Inside a writing transaction `$tx`: appends a change of roles or settings to
/// `settings_changes`, which the tamper-evident record chains (see `audit`).
/// `$community` is an `Option<i64>`, `$details` a `serde_json::Value`, `$by` an
/// `Option<i64>`.
macro_rules! record_setting_change {
    ($tx:expr, $community:expr, $kind:expr, $subject:expr, $details:expr, $by:expr, $at:expr) => {
        sqlx::query(
            "INSERT INTO settings_changes (community_id, kind, subject_id, details, changed_by, changed_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind($community)
        .bind($kind)
        .bind($subject)
        .bind($details.to_string())
        .bind($by)
        .bind($crate::db::stored_time($at))
        .execute(&mut *$tx)
        .await
    };
}

#[derive(Debug, Clone)]
pub(crate) enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
        }
    }
}

/// Where the data lives, decided by the URL's scheme. No URL means the embedded file in
/// the data directory; an unknown scheme is refused rather than guessed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite(PathBuf),
    Postgres(String),
}

impl DatabaseUrl {
    pub fn parse(url: Option<&str>, data_dir: &Path) -> StoreResult<Self> {
        let Some(url) = url.map(str::trim).filter(|url| !url.is_empty()) else {
            return Ok(Self::Sqlite(data_dir.join("linli.db")));
        };
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Self::Postgres(url.to_owned()));
        }
        for prefix in ["sqlite://", "sqlite:", "file://", "file:"] {
            if let Some(path) = url.strip_prefix(prefix) {
                let path = path.split('?').next().unwrap_or_default();
                if path.is_empty() || path == ":memory:" {
                    return Err(StoreError::BadUrl(
                        "an SQLite URL must name a file".to_owned(),
                    ));
                }
                return Ok(Self::Sqlite(PathBuf::from(path)));
            }
        }
        Err(StoreError::BadUrl(format!(
            "unknown scheme in {:?}: use sqlite:PATH or postgres://…",
            url.split(':').next().unwrap_or_default()
        )))
    }

    /// The URL with any password replaced, for logs.
    pub fn redacted(&self) -> String {
        match self {
            Self::Sqlite(path) => format!("sqlite:{}", path.display()),
            Self::Postgres(url) => match (url.find("://"), url.rfind('@')) {
                (Some(scheme_end), Some(at)) if at > scheme_end => {
                    let credentials = &url[scheme_end + 3..at];
                    let user = credentials.split(':').next().unwrap_or_default();
                    format!("{}{}:***{}", &url[..scheme_end + 3], user, &url[at..])
                }
                _ => url.clone(),
            },
        }
    }
}

#[derive(Debug, Clone)]
pub struct ConnectOptions {
    pub max_connections: u32,
    pub acquire_timeout: Duration,
}

impl Default for ConnectOptions {
    fn default() -> Self {
        Self {
            max_connections: 10,
            acquire_timeout: Duration::from_secs(10),
        }
    }
}

/// The repository: every read and write of Linli's data goes through it.
#[derive(Debug, Clone)]
pub struct Store {
    pub(crate) db: Db,
    /// Shared by every clone of this store (one instance's copy of reference data).
    pub(crate) reference: std::sync::Arc<crate::reference::ReferenceCache>,
    /// Shared by every clone of this store (one instance's copy of its callers).
    pub(crate) callers: std::sync::Arc<crate::callers::CallerCache>,
    /// Shared by every clone of this store (see [`Store::figures_version`]).
    pub(crate) figures: std::sync::Arc<crate::statistics::FiguresChanges>,
    /// Shared by every clone of this store (PostgreSQL's statistics of the text index).
    pub(crate) term_frequencies: std::sync::Arc<crate::search::TermFrequencies>,
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

impl Store {
    pub async fn connect(url: &DatabaseUrl, options: &ConnectOptions) -> StoreResult<Self> {
        let db = match url {
            DatabaseUrl::Sqlite(path) => {
                if let Some(parent) = path
                    .parent()
                    .filter(|parent| !parent.as_os_str().is_empty())
                {
                    std::fs::create_dir_all(parent).map_err(|error| {
                        StoreError::BadUrl(format!("cannot create {}: {error}", parent.display()))
                    })?;
                }
                // FULL (not NORMAL) so that a work order acknowledged to a resident survives
                // a power cut, not only a crash of the process.
                let connect = SqliteConnectOptions::new()
                    .filename(path)
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Full)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(10));
                let pool = SqlitePoolOptions::new()
                    .max_connections(options.max_connections)
                    .acquire_timeout(options.acquire_timeout)
                    .connect_with(connect)
                    .await?;
                Db::Sqlite(pool)
            }
            DatabaseUrl::Postgres(url) => {
                let connect = PgConnectOptions::from_str(url)?.application_name("linli");
                let pool = PgPoolOptions::new()
                    .max_connections(options.max_connections)
                    .acquire_timeout(options.acquire_timeout)
                    .connect_with(connect)
                    .await?;
                Db::Postgres(pool)
            }
        };
        // SQLite has one process, which makes every change itself; a PostgreSQL
        // instance hears the others only once its listener says so.
        let hears_everything = matches!(db, Db::Sqlite(_));
        Ok(Self {
            db,
            reference: std::sync::Arc::default(),
            callers: std::sync::Arc::new(crate::callers::CallerCache::new(hears_everything)),
            figures: std::sync::Arc::default(),
            term_frequencies: std::sync::Arc::default(),
        })
    }

    pub fn engine(&self) -> Engine {
        match self.db {
            Db::Sqlite(_) => Engine::Sqlite,
            Db::Postgres(_) => Engine::Postgres,
        }
    }

    /// Brings the schema up to date; safe to run at every start and from several
    /// instances at once (sqlx takes a lock on PostgreSQL).
    pub async fn migrate(&self) -> StoreResult<()> {
        match &self.db {
            Db::Sqlite(pool) => SQLITE_MIGRATIONS.run(pool).await?,
            Db::Postgres(pool) => POSTGRES_MIGRATIONS.run(pool).await?,
        }
        self.fill_missing_search_terms().await?;
        Ok(())
    }

    /// SQLite: writes a consistent copy of the whole database to `path` (which must not
    /// exist) while it keeps serving — `VACUUM INTO` reads one snapshot of it. PostgreSQL
    /// is copied by its own tool (`pg_dump`), not here.
    pub async fn snapshot_into(&self, path: &Path) -> StoreResult<()> {
        match &self.db {
            Db::Sqlite(pool) => {
                let target = path.to_str().ok_or_else(|| {
                    StoreError::BadUrl(format!("{} is not valid UTF-8", path.display()))
                })?;
                sqlx::query("VACUUM INTO $1")
                    .bind(target)
                    .execute(pool)
                    .await?;
                Ok(())
            }
            Db::Postgres(_) => Err(StoreError::BadUrl(
                "a PostgreSQL database is copied with pg_dump".to_owned(),
            )),
        }
    }

    /// Whether the database has no tables yet (a restore goes only into an empty one).
    pub async fn is_empty(&self) -> StoreResult<bool> {
        let tables: i64 = match &self.db {
            Db::Sqlite(pool) => {
                sqlx::query_scalar("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'")
                    .fetch_one(pool)
                    .await?
            }
            Db::Postgres(pool) => {
                sqlx::query_scalar(
                    "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema()",
                )
                .fetch_one(pool)
                .await?
            }
        };
        Ok(tables == 0)
    }

    /// Whether the database answers, for `/readyz`.
    pub async fn ping(&self) -> StoreResult<()> {
        on_pool!(&self.db, |pool| sqlx::query("SELECT 1")
            .execute(pool)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    pub async fn close(&self) {
        on_pool!(&self.db, |pool| pool.close().await);
    }
}

/// Stored times are cut to whole microseconds, the precision PostgreSQL keeps, so a time
/// read back equals the time written on both engines.
pub(crate) fn stored_time(time: chrono::DateTime<chrono::Utc>) -> chrono::DateTime<chrono::Utc> {
    use chrono::{DurationRound, TimeDelta};
    time.duration_trunc(TimeDelta::microseconds(1))
        .unwrap_or(time)
}

/// Ids as an SQL list, for `IN (…)` in statements written as text and run with fixed
/// bound parameters; they are numbers from the store, so nothing can be injected.
pub(crate) fn id_list(ids: &[i64]) -> String {
    ids.iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_url_is_chosen_by_scheme() {
        let dir = Path::new("/var/lib/linli");
        assert_eq!(
            DatabaseUrl::parse(None, dir).ok(),
            Some(DatabaseUrl::Sqlite(dir.join("linli.db")))
        );
        assert_eq!(
            DatabaseUrl::parse(Some(""), dir).ok(),
            Some(DatabaseUrl::Sqlite(dir.join("linli.db")))
        );
        assert_eq!(
            DatabaseUrl::parse(Some("sqlite:/tmp/x.db"), dir).ok(),
            Some(DatabaseUrl::Sqlite(PathBuf::from("/tmp/x.db")))
        );
        assert_eq!(
            DatabaseUrl::parse(Some("sqlite:///tmp/x.db?mode=rwc"), dir).ok(),
            Some(DatabaseUrl::Sqlite(PathBuf::from("/tmp/x.db")))
        );
        assert_eq!(
            DatabaseUrl::parse(Some("file:data/x.db"), dir).ok(),
            Some(DatabaseUrl::Sqlite(PathBuf::from("data/x.db")))
        );
        assert!(matches!(
            DatabaseUrl::parse(Some("postgresql://u:p@h/db"), dir),
            Ok(DatabaseUrl::Postgres(_))
        ));
        assert!(matches!(
            DatabaseUrl::parse(Some("mysql://h/db"), dir),
            Err(StoreError::BadUrl(_))
        ));
        assert!(matches!(
            DatabaseUrl::parse(Some("sqlite::memory:"), dir),
            Err(StoreError::BadUrl(_))
        ));
    }

    #[test]
    fn passwords_never_reach_logs() {
        let url = DatabaseUrl::Postgres("postgres://linli:s3cret@db.local:5432/linli".to_owned());
        assert_eq!(url.redacted(), "postgres://linli:***@db.local:5432/linli");
    }
}
