//! Joining over HTTP: a sign-in code by SMS, signing in with it, resetting a password
//! with it; claims of a room and the committee's queue ([`claims`]).

pub mod claims;
pub mod roll;

use crate::auth::Me;
use crate::error::ApiResult;
use crate::extract::{ApiJson, ClientAddress};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use chrono::{DateTime, Utc};
use linli_app::accounts as use_cases;
use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CodeRequest {
    /// A mainland mobile number: 11 digits starting with 1.
    phone: String,
}

/// A code is on its way (the same answer for every well-formed number).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CodeSentView {
    /// The code works until then (5 minutes), once.
    expires_at: DateTime<Utc>,
    /// Another code to the same number may be asked for after this many seconds.
    resend_after_seconds: i64,
}

#[utoipa::path(
    post,
    path = "/api/v1/accounts/codes",
    tag = "accounts",
    summary = "Send a 6-digit sign-in code to a mobile number (短信验证码)",
    request_body = CodeRequest,
    responses(
        (status = 202, body = CodeSentView),
        (status = 422, description = "`accounts.phone_invalid`"),
        (status = 429, description = "`accounts.too_many_codes`: too many for this number or address")
    )
)]
pub async fn send_code(
    State(state): State<AppState>,
    ClientAddress(client_ip): ClientAddress,
    ApiJson(input): ApiJson<CodeRequest>,
) -> ApiResult<(StatusCode, Json<CodeSentView>)> {
    let sent = use_cases::send_code(&state, &client_ip, &input.phone).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(CodeSentView {
            expires_at: sent.expires_at,
            resend_after_seconds: sent.resend_after_seconds,
        }),
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CodeSignIn {
    phone: String,
    /// The 6 digits received.
    code: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CodeSessionCreated {
    token: String,
    expires_at: DateTime<Utc>,
    /// The number had no account: this one was just made (next: give a name and claim
    /// a room).
    new_account: bool,
    user: Me,
}

fn user_agent(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::USER_AGENT)
        .and_then(|value| value.to_str().ok())
}

#[utoipa::path(
    post,
    path = "/api/v1/accounts/sessions",
    tag = "accounts",
    summary = "Sign in with a phone code; a new number becomes a new account",
    request_body = CodeSignIn,
    responses(
        (status = 201, body = CodeSessionCreated),
        (status = 422, description = "`accounts.phone_invalid`, `accounts.code_malformed`, `accounts.code_wrong` (wrong, used or expired)")
    )
)]
pub async fn sign_in(
    State(state): State<AppState>,
    ClientAddress(client_ip): ClientAddress,
    headers: HeaderMap,
    ApiJson(input): ApiJson<CodeSignIn>,
) -> ApiResult<(StatusCode, Json<CodeSessionCreated>)> {
    let signed_in = use_cases::sign_in_with_code(
        &state,
        &client_ip,
        &input.phone,
        &input.code,
        user_agent(&headers),
    )
    .await?;
    let session = signed_in.session;
    let user = linli_app::sessions::me(&state, session.person)
        .await?
        .into();
    Ok((
        StatusCode::CREATED,
        Json(CodeSessionCreated {
            token: session.token,
            expires_at: session.expires_at,
            new_account: signed_in.created,
            user,
        }),
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordReset {
    phone: String,
    code: String,
    new_password: String,
}

#[utoipa::path(
    post,
    path = "/api/v1/accounts/password-reset",
    tag = "accounts",
    summary = "Set a new password with a phone code; every session of the account ends",
    request_body = PasswordReset,
    responses(
        (status = 204),
        (status = 422, description = "`accounts.code_wrong`, `accounts.no_account`, `auth.password_length` …")
    )
)]
pub async fn reset_password(
    State(state): State<AppState>,
    ApiJson(input): ApiJson<PasswordReset>,
) -> ApiResult<StatusCode> {
    use_cases::reset_password(&state, &input.phone, &input.code, &input.new_password).await?;
    Ok(StatusCode::NO_CONTENT)
}
