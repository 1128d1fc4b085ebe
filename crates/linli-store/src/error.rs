use linli_domain::ValidationError;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A row that the caller named does not exist (`code` says which kind).
    #[error("not found: {0}")]
    NotFound(&'static str),
    /// The write would break a rule the data already holds (a duplicate name, a room of
    /// another community); `code` is the stable machine code.
    #[error("conflict: {0}")]
    Conflict(&'static str),
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    #[error("database URL refused: {0}")]
    BadUrl(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The task that writes queued changes is gone (the server is shutting down).
    #[error("the writer has stopped")]
    WriterStopped,
    #[error("password hashing failed: {0}")]
    PasswordHash(String),
    /// The schema could not be put in outline form (a type without a logical type, an
    /// expression the reader does not follow, a stale allow-list entry).
    #[error("schema outline: {0}")]
    Schema(String),
}

impl StoreError {
    /// The database could not be reached or had no free connection: worth a retry.
    pub fn is_unavailable(&self) -> bool {
        matches!(
            self,
            StoreError::Database(
                sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_)
            )
        )
    }

    /// Maps a unique-constraint violation to a domain conflict and keeps other errors.
    pub(crate) fn unique_as(code: &'static str) -> impl FnOnce(sqlx::Error) -> StoreError {
        move |error| {
            let is_unique = error
                .as_database_error()
                .is_some_and(|db| matches!(db.kind(), sqlx::error::ErrorKind::UniqueViolation));
            if is_unique {
                StoreError::Conflict(code)
            } else {
                StoreError::Database(error)
            }
        }
    }
}

pub type StoreResult<T> = Result<T, StoreError>;
