//! The one error of the use cases. Each variant says what happened, not which HTTP
//! status it becomes: the web layer maps it once (`linli-web/src/error.rs`), and any
//! other adapter (a CLI report, Open311) maps it its own way.

use linli_domain::ValidationError;
use linli_store::StoreError;

/// Why a caller is refused although the input was fine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Not signed in, or the session is over.
    Unauthenticated,
    /// Signed in, but this is not theirs to do.
    Forbidden,
    /// Allowed, but not yet: wait `retry_after_seconds` (urging again, signing in after
    /// too many failures).
    TooSoon { retry_after_seconds: Option<u64> },
}

/// One wrong input value: why, which field, and the values its message names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    pub code: &'static str,
    pub field: &'static str,
    pub args: Vec<(&'static str, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AppError {
    /// An input value is wrong; `field` names it so a form can show the message beside it.
    /// `also`: the other fields at fault in the same request, so that a form shows every
    /// problem at once (see [`FieldChecks`]).
    #[error("invalid {field}: {code}")]
    Invalid {
        code: &'static str,
        field: &'static str,
        args: Vec<(&'static str, String)>,
        also: Vec<FieldProblem>,
    },
    /// The caller may not do this (now).
    #[error("refused ({refusal:?}): {code}")]
    Refused {
        code: &'static str,
        refusal: Refusal,
        args: Vec<(&'static str, String)>,
    },
    /// What the caller named does not exist (or is not theirs to see).
    #[error("not found: {0}")]
    NotFound(&'static str),
    /// The request meets a state it cannot change: another change came first, a
    /// duplicate, a transition the status does not allow.
    #[error("conflict: {0}")]
    Conflict(&'static str),
    /// An upload is bigger than taken.
    #[error("too large: {0}")]
    TooLarge(&'static str),
    /// An upload is not of a kind taken (not a photo).
    #[error("unsupported: {0}")]
    Unsupported(&'static str),
    /// The database (or another service) cannot be reached now; worth a retry.
    #[error("unavailable")]
    Unavailable,
    /// A fault of ours: a broken invariant, corrupt data, a failed query. Logged where
    /// it is made.
    #[error("internal error: {0}")]
    Internal(String),
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    pub fn invalid(code: &'static str, field: &'static str) -> Self {
        Self::Invalid {
            code,
            field,
            args: Vec::new(),
            also: Vec::new(),
        }
    }

    /// Every field at fault, the first one first.
    pub fn field_problems(&self) -> Vec<FieldProblem> {
        match self {
            Self::Invalid {
                code,
                field,
                args,
                also,
            } => std::iter::once(FieldProblem {
                code,
                field,
                args: args.clone(),
            })
            .chain(also.iter().cloned())
            .collect(),
            _ => Vec::new(),
        }
    }

    pub fn forbidden() -> Self {
        Self::refused("auth.forbidden", Refusal::Forbidden)
    }

    pub fn refused(code: &'static str, refusal: Refusal) -> Self {
        Self::Refused {
            code,
            refusal,
            args: Vec::new(),
        }
    }

    pub fn unauthenticated(code: &'static str) -> Self {
        Self::refused(code, Refusal::Unauthenticated)
    }

    /// A fault of ours, logged here with what was being done.
    pub fn internal(what: impl Into<String>) -> Self {
        let what = what.into();
        tracing::error!(error = %what, "internal error");
        Self::Internal(what)
    }

    /// A blob store's failure while `doing` something: 503 when the store is unreachable
    /// or overloaded (the caller may try again), else a fault of ours.
    pub fn blob(doing: &str, error: &std::io::Error) -> Self {
        if linli_store::blobs::is_unavailable(error) {
            tracing::warn!(%error, "{doing}: the blob store is unavailable");
            Self::Unavailable
        } else {
            Self::internal(format!("{doing}: {error}"))
        }
    }

    /// Adds a value the message names (`{topic}`, `{minutes}`).
    pub fn with_arg(mut self, name: &'static str, value: impl Into<String>) -> Self {
        match &mut self {
            Self::Invalid { args, .. } | Self::Refused { args, .. } => {
                args.push((name, value.into()));
            }
            _ => {}
        }
        self
    }

    /// The stable machine code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Invalid { code, .. } | Self::Refused { code, .. } => code,
            Self::NotFound(code)
            | Self::Conflict(code)
            | Self::TooLarge(code)
            | Self::Unsupported(code) => code,
            Self::Unavailable => "internal.unavailable",
            Self::Internal(_) => "internal.error",
        }
    }

    /// The field at fault, for an invalid input.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            Self::Invalid { field, .. } => Some(field),
            _ => None,
        }
    }

    /// A not-found of something the input named is an invalid input (the field), but a
    /// database failure met on the way stays what it is.
    pub fn named_in(self, code: &'static str, field: &'static str) -> Self {
        match self {
            Self::NotFound(_) => Self::invalid(code, field),
            other => other,
        }
    }
}

impl From<ValidationError> for AppError {
    fn from(error: ValidationError) -> Self {
        let invalid = Self::invalid(error.code, error.field);
        match error.max {
            Some(max) => invalid.with_arg("max", thousands(max)),
            None => invalid,
        }
    }
}

/// `2,000`: a limit as people read it.
fn thousands(number: usize) -> String {
    let digits = number.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    grouped
}

/// The checks of a form's fields, run together: a refused form names every field at
/// fault at once instead of one per attempt. A refusal that is not about a field (the
/// database is down, the caller may not) still ends the request at once.
#[derive(Debug, Default)]
pub struct FieldChecks {
    problems: Vec<FieldProblem>,
}

impl FieldChecks {
    /// The value when it is fine; a wrong field is noted and gives `None`.
    pub fn check<T, E: Into<AppError>>(&mut self, result: Result<T, E>) -> AppResult<Option<T>> {
        match result.map_err(Into::into) {
            Ok(value) => Ok(Some(value)),
            Err(invalid @ AppError::Invalid { .. }) => {
                self.problems.extend(invalid.field_problems());
                Ok(None)
            }
            Err(other) => Err(other),
        }
    }

    /// Notes a wrong field found by the caller.
    pub fn refuse(&mut self, error: AppError) -> AppResult<()> {
        self.check::<(), AppError>(Err(error)).map(|_| ())
    }

    /// Whether `field` is at fault already (its dependants need not be checked).
    pub fn failed(&self, field: &str) -> bool {
        self.problems.iter().any(|problem| problem.field == field)
    }

    /// Refuses the request with every problem noted, if there is one.
    pub fn finish(self) -> AppResult<()> {
        let mut problems = self.problems.into_iter();
        match problems.next() {
            None => Ok(()),
            Some(first) => Err(AppError::Invalid {
                code: first.code,
                field: first.field,
                args: first.args,
                also: problems.collect(),
            }),
        }
    }
}

impl From<StoreError> for AppError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound(code) => Self::NotFound(code),
            StoreError::Conflict(code) => Self::Conflict(code),
            StoreError::Invalid(validation) => validation.into(),
            ref unavailable if unavailable.is_unavailable() => {
                tracing::warn!(error = %unavailable, "database unavailable");
                Self::Unavailable
            }
            // The writer task is gone: the server is stopping; another instance (or this
            // one, restarted) will take the request.
            StoreError::WriterStopped => Self::Unavailable,
            other => Self::internal(other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_wrong_field_is_named_at_once_but_an_outage_ends_the_checks() {
        let mut checks = FieldChecks::default();
        let fine: AppResult<Option<i32>> = checks.check(Ok::<_, AppError>(3));
        assert_eq!(fine, Ok(Some(3)));
        let long = checks.check::<String, _>(Err(ValidationError::too_long("description", 2000)));
        assert_eq!(long, Ok(None));
        assert!(
            checks
                .refuse(AppError::invalid("registry.phone_invalid", "guest_phone"))
                .is_ok()
        );
        assert!(checks.failed("guest_phone") && !checks.failed("place"));
        let outage = checks.check::<(), _>(Err(AppError::Unavailable));
        assert_eq!(outage, Err(AppError::Unavailable));
        let refused = checks.finish().err().unwrap_or(AppError::Unavailable);
        let problems = refused.field_problems();
        assert_eq!(
            problems
                .iter()
                .map(|problem| (problem.field, problem.code))
                .collect::<Vec<_>>(),
            [
                ("description", "validation.too_long"),
                ("guest_phone", "registry.phone_invalid")
            ]
        );
        assert_eq!(problems[0].args, [("max", "2,000".to_owned())]);
        assert_eq!(FieldChecks::default().finish(), Ok(()));
        assert_eq!(thousands(7), "7");
        assert_eq!(thousands(123_456), "123,456");
    }

    #[test]
    fn a_missing_row_named_by_the_input_is_an_invalid_field_but_an_outage_stays_one() {
        let missing = AppError::from(StoreError::NotFound("registry.room_not_found"));
        assert_eq!(
            missing.named_in("work_order.room_unknown", "room_id"),
            AppError::invalid("work_order.room_unknown", "room_id")
        );
        let outage = AppError::from(StoreError::Database(sqlx_pool_timeout()));
        assert_eq!(outage, AppError::Unavailable);
        assert_eq!(
            outage.named_in("work_order.room_unknown", "room_id"),
            AppError::Unavailable
        );
    }

    fn sqlx_pool_timeout() -> sqlx::Error {
        sqlx::Error::PoolTimedOut
    }
}
