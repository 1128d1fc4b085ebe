//! Sign-in, sessions and the signed-in caller. Sessions live in the database, so any
//! instance behind a load balancer recognises a token another instance issued.

use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ClientAddress};
use crate::state::AppState;
use axum::Json;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use chrono::{DateTime, Utc};
use linli_domain::ids::PersonId;
use linli_domain::permissions::{Place, RegistryAction, authorize};
use linli_domain::registry::{DEMO_PASSWORD, Login, Password};
use linli_domain::roles::Grant;
use linli_store::passwords::{
    decoy_hash, hash_password_async, new_session_token, token_hash, verify_password_async,
};
use linli_store::people::{Person, PersonRoom, StoredGrant};
use linli_store::sessions::NewSession;
use serde::{Deserialize, Serialize};

/// The caller, known by a bearer token (`Authorization: Bearer …`).
#[derive(Clone)]
pub struct CurrentUser {
    pub person: PersonId,
    /// The caller's account as of this request (name and phone for what they report).
    pub account: Person,
    pub grants: Vec<StoredGrant>,
    token_hash: String,
}

impl CurrentUser {
    pub fn grants(&self) -> Vec<Grant> {
        self.grants.iter().map(|stored| stored.grant).collect()
    }

    pub fn may(&self, action: RegistryAction, place: Place) -> bool {
        authorize(&self.grants(), action, place)
    }

    /// Refuses with 403 unless the caller administers `place` or supervises the community
    /// (`supervised`): who may set up a place's screens and notification channels.
    pub fn require_office_head(
        &self,
        place: Place,
        supervised: Option<linli_domain::ids::CommunityId>,
    ) -> ApiResult<()> {
        let supervisor = supervised.is_some_and(|community| {
            self.grants().iter().any(|grant| {
                grant.role == linli_domain::roles::Role::Supervisor
                    && grant.scope == linli_domain::roles::Scope::Community(community)
            })
        });
        if supervisor || self.may(RegistryAction::ManageCommunities, place) {
            Ok(())
        } else {
            Err(ApiError::forbidden())
        }
    }

    /// Refuses with 403 unless the caller may do `action` at `place`.
    pub fn require(&self, action: RegistryAction, place: Place) -> ApiResult<()> {
        if self.may(action, place) {
            Ok(())
        } else {
            Err(ApiError::forbidden())
        }
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
        let token_hash = token_hash(token);
        let caller = state
            .store
            .session_caller(
                &token_hash,
                state.clock.now(),
                state.config.session_idle_timeout,
            )
            .await?
            .ok_or_else(|| ApiError::unauthorized("auth.session_invalid"))?;
        Ok(Self {
            person: PersonId(caller.person.id),
            account: caller.person,
            grants: caller.grants,
            token_hash,
        })
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
    person: Person,
    roles: Vec<StoredGrant>,
    rooms: Vec<PersonRoom>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SessionCreated {
    token: String,
    expires_at: DateTime<Utc>,
    user: Me,
}

async fn load_me(state: &AppState, person: PersonId) -> ApiResult<Me> {
    Ok(Me {
        person: state.store.person(person).await?,
        roles: state.store.grants_of(person).await?,
        rooms: state.store.rooms_of(person).await?,
    })
}

async fn password_matches(password: String, stored_hash: String) -> ApiResult<bool> {
    Ok(verify_password_async(password, stored_hash).await?)
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
        start_session(&state, &client_ip, &input.login, input.password, user_agent).await?;
    let user = load_me(&state, session.person).await?;
    Ok((
        StatusCode::CREATED,
        Json(SessionCreated {
            token: session.token,
            expires_at: session.expires_at,
            user,
        }),
    ))
}

/// A session just begun; the token is shown to its owner once and stored only hashed.
pub(crate) struct StartedSession {
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub person: PersonId,
}

/// Checks a login and password (throttled per account and per address) and starts a
/// session: the one way in, for the API and the pages alike.
pub(crate) async fn start_session(
    state: &AppState,
    client_ip: &str,
    raw_login: &str,
    password: String,
    user_agent: Option<&str>,
) -> ApiResult<StartedSession> {
    let now = state.clock.now();
    let config = &state.config;
    let login_key = raw_login.trim().to_lowercase();
    let (login_failures, address_failures) = state
        .store
        .login_failures_since(&login_key, client_ip, now - config.throttle_window)
        .await?;
    if login_failures >= config.max_failures_per_login
        || address_failures >= config.max_failures_per_address
    {
        let seconds = u64::try_from(config.throttle_window.num_seconds()).unwrap_or(900);
        return Err(ApiError::too_many_attempts(seconds));
    }
    let login = Login::parse(raw_login).ok();
    let credentials = match &login {
        Some(login) => state.store.credentials(login).await?,
        None => None,
    };
    let stored_hash = credentials.as_ref().map_or_else(
        || decoy_hash().to_owned(),
        |found| found.password_hash.clone(),
    );
    let is_demo_password = password == DEMO_PASSWORD;
    let matches = password_matches(password, stored_hash).await?;
    let (Some(login), Some(credentials), true) = (login, credentials, matches) else {
        state
            .store
            .record_login_failure(&login_key, client_ip, now)
            .await?;
        tracing::info!(login = %login_key, %client_ip, "sign-in failed");
        return Err(ApiError::unauthorized("auth.invalid_credentials"));
    };
    if is_demo_password && !config.demo_mode {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "auth.demo_password_refused",
        ));
    }
    if credentials.disabled {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "auth.account_disabled",
        ));
    }
    state.store.clear_login_failures(&login).await?;
    let token = new_session_token()?;
    let expires_at = now + config.session_idle_timeout;
    let user_agent = user_agent.map(|agent| agent.chars().take(200).collect::<String>());
    let person = PersonId(credentials.id);
    state
        .store
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

#[utoipa::path(
    delete,
    path = "/api/v1/sessions/current",
    tag = "sessions",
    summary = "Sign out this session",
    responses((status = 204)),
    security(("bearer" = []))
)]
pub async fn sign_out(State(state): State<AppState>, user: CurrentUser) -> ApiResult<StatusCode> {
    state.store.delete_session(&user.token_hash).await?;
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
    Ok(Json(load_me(&state, user.person).await?))
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
    let new_password =
        Password::parse(&input.new_password, state.config.demo_mode).map_err(|error| {
            ApiError::from(linli_domain::ValidationError {
                field: "new_password",
                ..error
            })
        })?;
    let stored_hash = state.store.password_hash(user.person).await?;
    if !password_matches(input.current_password, stored_hash).await? {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "auth.wrong_current_password",
        ));
    }
    let new_hash = hash_password_async(new_password.expose().to_owned()).await?;
    state
        .store
        .set_password(
            user.person,
            &new_hash,
            Some(&user.token_hash),
            state.clock.now(),
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
