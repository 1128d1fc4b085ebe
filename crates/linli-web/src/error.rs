//! The one error type of the HTTP layer. Every failure leaves as
//! `{"error": {"code": "stable.machine_code", "message": "…", "field": "…"}}` with the
//! status that fits it; the message is in the caller's language.

use crate::locale::{field_label, text};
use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use linli_domain::ValidationError;
use linli_store::StoreError;
use serde_json::json;

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub field: Option<&'static str>,
    args: Vec<(&'static str, String)>,
    retry_after_seconds: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str) -> Self {
        Self {
            status,
            code,
            field: None,
            args: Vec::new(),
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

    pub fn too_many_attempts(retry_after_seconds: u64) -> Self {
        let minutes = retry_after_seconds.div_ceil(60).to_string();
        Self {
            retry_after_seconds: Some(retry_after_seconds),
            ..Self::new(StatusCode::TOO_MANY_REQUESTS, "auth.too_many_attempts")
        }
        .with_arg("minutes", minutes)
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
}

impl From<ValidationError> for ApiError {
    fn from(error: ValidationError) -> Self {
        Self {
            field: Some(error.field),
            ..Self::new(StatusCode::UNPROCESSABLE_ENTITY, error.code)
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound(code) => Self::not_found(code),
            StoreError::Conflict(code) => Self::new(StatusCode::CONFLICT, code),
            StoreError::Invalid(validation) => validation.into(),
            ref unavailable if unavailable.is_unavailable() => {
                tracing::warn!(error = %unavailable, "database unavailable");
                Self::new(StatusCode::SERVICE_UNAVAILABLE, "internal.unavailable")
            }
            other => {
                tracing::error!(error = %other, "request failed");
                Self::internal()
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = json!({ "code": self.code, "message": self.message() });
        if let Some(field) = self.field {
            body["field"] = json!(field);
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
}
