//! The one error type of the HTTP layer. Every failure leaves as
//! `{"error": {"code": "stable.machine_code", "message": "…", "field": "…"}}` with the
//! status that fits it; the message is in the caller's language. A refused input also
//! lists every field at fault, the first one first, in `errors`.

use crate::locale::{field_label, text};
use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use linli_app::{AppError, FieldProblem, Refusal};
use linli_domain::ValidationError;
use linli_store::StoreError;
use serde_json::json;

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub field: Option<&'static str>,
    args: Vec<(&'static str, String)>,
    /// The other fields at fault in the same request.
    also: Vec<FieldProblem>,
    retry_after_seconds: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str) -> Self {
        Self {
            status,
            code,
            field: None,
            args: Vec::new(),
            also: Vec::new(),
            retry_after_seconds: None,
        }
    }

    pub fn with_arg(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.args.push((name, value.into()));
        self
    }

    pub fn unauthorized(code: &'static str) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, code)
    }

    pub fn forbidden() -> Self {
        Self::new(StatusCode::FORBIDDEN, "auth.forbidden")
    }

    pub fn not_found(code: &'static str) -> Self {
        Self::new(StatusCode::NOT_FOUND, code)
    }

    pub fn invalid_body(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, "request.invalid_body")
            .with_arg("detail", detail)
    }

    /// A refused input value, named by its field.
    pub fn invalid_field(code: &'static str, field: &'static str) -> Self {
        Self {
            field: Some(field),
            ..Self::new(StatusCode::UNPROCESSABLE_ENTITY, code)
        }
    }

    pub fn internal() -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal.error")
    }

    /// The explanation in the request's language.
    pub fn message(&self) -> String {
        let mut args = self.args.clone();
        if let Some(field) = self.field {
            args.push(("field", field_label(field)));
        }
        text(self.code, &args)
    }

    /// Every field at fault, the first one first (none when the refusal is not about a
    /// field).
    pub fn field_problems(&self) -> Vec<FieldProblem> {
        let Some(field) = self.field else {
            return Vec::new();
        };
        std::iter::once(FieldProblem {
            code: self.code,
            field,
            args: self.args.clone(),
        })
        .chain(self.also.iter().cloned())
        .collect()
    }
}

impl From<ValidationError> for ApiError {
    fn from(error: ValidationError) -> Self {
        Self {
            field: Some(error.field),
            ..Self::new(StatusCode::UNPROCESSABLE_ENTITY, error.code)
        }
    }
}

/// The one place where what the use cases answer becomes an HTTP status.
impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        let code = error.code();
        match error {
            AppError::Invalid {
                field, args, also, ..
            } => Self {
                field: Some(field),
                args,
                also,
                ..Self::new(StatusCode::UNPROCESSABLE_ENTITY, code)
            },
            AppError::Refused { refusal, args, .. } => {
                let (status, retry_after_seconds) = match refusal {
                    Refusal::Unauthenticated => (StatusCode::UNAUTHORIZED, None),
                    Refusal::Forbidden => (StatusCode::FORBIDDEN, None),
                    Refusal::TooSoon {
                        retry_after_seconds,
                    } => (StatusCode::TOO_MANY_REQUESTS, retry_after_seconds),
                };
                Self {
                    args,
                    retry_after_seconds,
                    ..Self::new(status, code)
                }
            }
            AppError::NotFound(_) => Self::new(StatusCode::NOT_FOUND, code),
            AppError::Conflict(_) => Self::new(StatusCode::CONFLICT, code),
            AppError::TooLarge(_) => Self::new(StatusCode::PAYLOAD_TOO_LARGE, code),
            AppError::Unsupported(_) => Self::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, code),
            AppError::Unavailable => Self::new(StatusCode::SERVICE_UNAVAILABLE, code),
            // Logged where it was made, with what was being done.
            AppError::Internal(_) => Self::internal(),
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        AppError::from(error).into()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = json!({ "code": self.code, "message": self.message() });
        if let Some(field) = self.field {
            body["field"] = json!(field);
            let problems: Vec<_> = self
                .field_problems()
                .into_iter()
                .map(|problem| {
                    json!({
                        "code": problem.code,
                        "field": problem.field,
                        "message": problem_message(&problem, &field_label(problem.field)),
                    })
                })
                .collect();
            body["errors"] = json!(problems);
        }
        let mut response = (self.status, Json(json!({ "error": body }))).into_response();
        if let Some(seconds) = self.retry_after_seconds
            && let Ok(value) = HeaderValue::from_str(&seconds.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        response
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// The message of one wrong field, naming it as `label` (the API's name for it, or the
/// words of the form it is shown beside).
pub fn problem_message(problem: &FieldProblem, label: &str) -> String {
    let mut args = problem.args.clone();
    args.push(("field", label.to_owned()));
    text(problem.code, &args)
}

/// The shape of every error answer, for the API document.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable machine code, e.g. `work_order.invalid_transition`.
    pub code: String,
    /// The explanation in the caller's language (zh-CN by default, `Accept-Language: en`).
    pub message: String,
    /// The input field at fault, when there is one.
    pub field: Option<String>,
    /// Every field at fault, the first one (`code`, `field`) first; present when `field` is.
    pub errors: Option<Vec<FieldErrorDetail>>,
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct FieldErrorDetail {
    pub code: String,
    pub field: String,
    pub message: String,
}
