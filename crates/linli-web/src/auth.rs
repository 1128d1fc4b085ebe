//! Sign-in, sessions and the signed-in caller over HTTP: the bearer token of the API.
//! The rules are `linli_app::sessions`; this module parses and answers.

use crate::dto::from_rows;
use crate::dto::people::{GrantView, PersonRoomView, PersonView};
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ClientAddress};
use crate::state::AppState;
use axum::Json;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use chrono::{DateTime, Utc};
use linli_app::Caller;
use linli_app::sessions;
use serde::{Deserialize, Serialize};

/// The caller, known by a bearer token (`Authorization: Bearer …`), or by the pages'
/// session cookie (`pages::Viewer`).
#[derive(Clone)]
pub struct CurrentUser(pub Caller);

impl std::ops::Deref for CurrentUser {
    type Target = Caller;

    fn deref(&self) -> &Caller {
        &self.0
    }
}

fn bearer_token(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|token| !token.is_empty())
}

impl CurrentUser {
    /// The person a session token belongs to, whether it came as a bearer token (API) or
    /// in the session cookie (pages).
    pub(crate) async fn from_session_token(state: &AppState, token: &str) -> ApiResult<Self> {
        Ok(Self(Caller::from_session_token(state, token).await?))
    }
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = bearer_token(parts).ok_or_else(|| ApiError::unauthorized("auth.required"))?;
        Self::from_session_token(state, token).await
    }
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignIn {
    login: String,
    password: String,
}

/// The signed-in person as `/me` shows them.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Me {
    #[serde(flatten)]
    person: PersonView,
    roles: Vec<GrantView>,
    rooms: Vec<PersonRoomView>,
}

impl From<sessions::Me> for Me {
    fn from(me: sessions::Me) -> Self {
        Self {
            person: me.person.into(),
            roles: from_rows(me.roles),
            rooms: from_rows(me.rooms),
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SessionCreated {
    token: String,
    expires_at: DateTime<Utc>,
    user: Me,
}

#[utoipa::path(
    post,
    path = "/api/v1/sessions",
    tag = "sessions",
    summary = "Sign in: returns a bearer token",
    request_body = SignIn,
    responses((status = 201, body = SessionCreated))
)]
pub async fn sign_in(
    State(state): State<AppState>,
    ClientAddress(client_ip): ClientAddress,
    headers: axum::http::HeaderMap,
    ApiJson(input): ApiJson<SignIn>,
) -> ApiResult<(StatusCode, Json<SessionCreated>)> {
    let user_agent = headers
        .get(header::USER_AGENT)
        .and_then(|value| value.to_str().ok());
    let session =
        sessions::start_session(&state, &client_ip, &input.login, input.password, user_agent)
            .await?;
    let user = sessions::me(&state, session.person).await?.into();
    Ok((
        StatusCode::CREATED,
        Json(SessionCreated {
            token: session.token,
            expires_at: session.expires_at,
            user,
        }),
    ))
}

#[utoipa::path(
    delete,
    path = "/api/v1/sessions/current",
    tag = "sessions",
    summary = "Sign out this session",
    responses((status = 204)),
    security(("bearer" = []))
)]
pub async fn sign_out(State(state): State<AppState>, user: CurrentUser) -> ApiResult<StatusCode> {
    sessions::sign_out(&state, &user).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    get,
    path = "/api/v1/me",
    tag = "sessions",
    summary = "The signed-in person, their roles and rooms",
    responses((status = 200, body = Me)),
    security(("bearer" = []))
)]
pub async fn me(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<Me>> {
    Ok(Json(sessions::me(&state, user.person).await?.into()))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    current_password: String,
    new_password: String,
}

/// Changes the caller's password and signs out their other sessions.
#[utoipa::path(
    put,
    path = "/api/v1/me/password",
    tag = "sessions",
    summary = "Change the password; other sessions end",
    request_body = PasswordChange,
    responses((status = 204)),
    security(("bearer" = []))
)]
pub async fn change_password(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<PasswordChange>,
) -> ApiResult<StatusCode> {
    sessions::change_password(&state, &user, input.current_password, &input.new_password).await?;
    Ok(StatusCode::NO_CONTENT)
}
