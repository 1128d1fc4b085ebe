//! Signing in and out on the pages, the two switches every page has (language and 长辈版),
//! and the guard in front of every form.

use super::context::{FormErrors, PageContext, PageError, PageResult, Viewer, render, see_other};
use crate::extract::ClientAddress;
use crate::locale::{LANGUAGE_COOKIE, Locale, text};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::Form;
use axum_extra::extract::cookie::{Cookie, SameSite};
use linli_app::sessions::start_session;
use linli_store::passwords::new_session_token;
use serde::Deserialize;

pub const SESSION_COOKIE: &str = "linli_session";
pub const CSRF_COOKIE: &str = "linli_csrf";
pub const LARGE_TEXT_COOKIE: &str = "linli_large";
const YEAR_SECONDS: i64 = 365 * 24 * 3600;

pub(super) fn cookie(
    name: &'static str,
    value: String,
    max_age_seconds: i64,
    secure: bool,
) -> Cookie<'static> {
    Cookie::build((name, value))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .max_age(cookie_duration(max_age_seconds))
        .build()
}

fn cookie_duration(seconds: i64) -> cookie::time::Duration {
    cookie::time::Duration::seconds(seconds)
}

/// A path on this site to go back to; anything else (another site, `//host`) goes home.
pub(super) fn local_path(candidate: Option<&str>) -> Option<String> {
    candidate
        .filter(|path| path.starts_with('/') && !path.starts_with("//") && !path.contains('\\'))
        .map(str::to_owned)
}

/// What a CSRF token is bound to: the session of a signed-in person, or, before
/// signing in, the random nonce in this browser's `linli_csrf` cookie.
pub enum CsrfBinding<'a> {
    Session(&'a str),
    Browser(&'a str),
}

/// The CSRF token the forms of a page carry: an HMAC, with the server's key, of the
/// session it is bound to (by the hash of its token, the session's id in the database).
/// A token made up by another site, or taken from another session, does not match;
/// nothing but the server can make one. Empty when there is nothing to bind to, so
/// every form is refused.
pub fn csrf_token(key: &[u8], binding: CsrfBinding<'_>) -> String {
    use hmac::{KeyInit, Mac};
    let message = match binding {
        CsrfBinding::Session(token) if !token.is_empty() => {
            format!("session:{}", linli_store::passwords::token_hash(token))
        }
        CsrfBinding::Browser(nonce) if !nonce.is_empty() => format!("browser:{nonce}"),
        _ => return String::new(),
    };
    let Ok(mut mac) = <hmac::Hmac<sha2::Sha256> as KeyInit>::new_from_slice(key) else {
        return String::new();
    };
    mac.update(message.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Refuses forms posted from other sites, and gives every browser the nonce that its
/// CSRF tokens are bound to before it signs in.
pub async fn guard_forms(mut request: Request, next: Next) -> Response {
    if !matches!(*request.method(), Method::GET | Method::HEAD) {
        let host = request
            .headers()
            .get(header::HOST)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default();
        let cross_site = request
            .headers()
            .get(header::ORIGIN)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|origin| {
                origin
                    .split_once("://")
                    .is_none_or(|(_, origin_host)| origin_host != host)
            });
        if cross_site {
            return PageError::Shown(crate::ApiError::new(
                StatusCode::FORBIDDEN,
                "page.error.cross_site",
            ))
            .into_response();
        }
    }
    let jar = CookieJar::from_headers(request.headers());
    if jar.get(CSRF_COOKIE).is_some() {
        return next.run(request).await;
    }
    let Ok(token) = new_session_token() else {
        return PageError::Refused(crate::ApiError::internal()).into_response();
    };
    // The page being answered already needs the nonce for its forms' tokens.
    if let Ok(value) = HeaderValue::from_str(&format!("{CSRF_COOKIE}={token}")) {
        request.headers_mut().append(header::COOKIE, value);
    }
    let mut response = next.run(request).await;
    let csrf = Cookie::build((CSRF_COOKIE, token))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .build();
    if let Ok(value) = HeaderValue::from_str(&csrf.to_string()) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

#[derive(Template)]
#[template(path = "signin.html")]
struct SignInPage {
    page: PageContext,
    login: String,
    next: String,
    errors: FormErrors,
    demo: bool,
}

#[derive(Debug, Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

pub async fn sign_in_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<NextQuery>,
) -> PageResult {
    if let Some(signed_in) = &viewer.signed_in {
        return see_other(signed_in.roles.home());
    }
    Ok(render(&SignInPage {
        page: viewer.context(text("page.signin.title", &[]), "signin"),
        login: String::new(),
        next: local_path(query.next.as_deref()).unwrap_or_default(),
        errors: FormErrors::default(),
        demo: state.config.demo_mode,
    }))
}

#[derive(Debug, Deserialize)]
pub struct SignInForm {
    csrf: String,
    login: String,
    password: String,
    #[serde(default)]
    next: String,
}

pub async fn sign_in(
    State(state): State<AppState>,
    viewer: Viewer,
    jar: CookieJar,
    ClientAddress(client_ip): ClientAddress,
    headers: axum::http::HeaderMap,
    Form(form): Form<SignInForm>,
) -> PageResult {
    viewer.check_csrf(&form.csrf)?;
    let user_agent = headers
        .get(header::USER_AGENT)
        .and_then(|value| value.to_str().ok());
    let started =
        match start_session(&state, &client_ip, &form.login, form.password, user_agent).await {
            Ok(started) => started,
            Err(error) => {
                let error = crate::ApiError::from(error);
                let mut errors = FormErrors::from_api(&error);
                if let Some(general) = errors.general.take() {
                    errors = FormErrors::field("password", general);
                }
                let page = SignInPage {
                    page: viewer.context(text("page.signin.title", &[]), "signin"),
                    login: form.login,
                    next: local_path(Some(&form.next)).unwrap_or_default(),
                    errors,
                    demo: state.config.demo_mode,
                };
                return Ok((error.status, render(&page)).into_response());
            }
        };
    // 长辈版 picked before signing in stays on for this person from now on.
    if viewer.large_text {
        linli_app::sessions::keep_large_text(&state, started.person).await?;
    }
    let secure = state.config.secure_cookies;
    let jar = jar.add(cookie(
        SESSION_COOKIE,
        started.token,
        state.config.session_idle_timeout.num_seconds(),
        secure,
    ));
    let destination = match local_path(Some(&form.next)) {
        Some(next) if next != "/" => next,
        _ => {
            let user = crate::auth::CurrentUser::from_session_token(
                &state,
                jar.get(SESSION_COOKIE)
                    .map(Cookie::value)
                    .unwrap_or_default(),
            )
            .await?;
            let community = crate::registry::visible_communities(&state, &user)
                .await?
                .into_iter()
                .next();
            super::context::Roles::of(&user, community.as_ref())
                .home()
                .to_owned()
        }
    };
    Ok((jar, axum::response::Redirect::to(&destination)).into_response())
}

#[derive(Debug, Deserialize)]
pub struct CsrfOnly {
    csrf: String,
}

pub async fn sign_out(
    State(state): State<AppState>,
    viewer: Viewer,
    jar: CookieJar,
    Form(form): Form<CsrfOnly>,
) -> PageResult {
    viewer.check_csrf(&form.csrf)?;
    if let Some(token) = jar.get(SESSION_COOKIE) {
        linli_app::sessions::end_session(&state, token.value())
            .await
            .map_err(crate::ApiError::from)?;
    }
    let jar = jar.remove(Cookie::build(SESSION_COOKIE).path("/"));
    Ok((jar, axum::response::Redirect::to("/signin")).into_response())
}

#[derive(Debug, Deserialize)]
pub struct SwitchForm {
    csrf: String,
    #[serde(default)]
    back: String,
    #[serde(default)]
    lang: String,
}

/// 长辈版 on or off: one step, remembered for the person (and for this browser before
/// signing in).
pub async fn toggle_large_text(
    State(state): State<AppState>,
    viewer: Viewer,
    jar: CookieJar,
    Form(form): Form<SwitchForm>,
) -> PageResult {
    viewer.check_csrf(&form.csrf)?;
    let large = !viewer.large_text;
    if let Some(signed_in) = &viewer.signed_in {
        state
            .store
            .set_large_text(signed_in.user.person, large)
            .await?;
    }
    let jar = jar.add(cookie(
        LARGE_TEXT_COOKIE,
        if large { "1" } else { "0" }.to_owned(),
        YEAR_SECONDS,
        state.config.secure_cookies,
    ));
    let back = local_path(Some(&form.back)).unwrap_or_else(|| "/".to_owned());
    Ok((jar, axum::response::Redirect::to(&back)).into_response())
}

pub async fn choose_language(
    State(state): State<AppState>,
    viewer: Viewer,
    jar: CookieJar,
    Form(form): Form<SwitchForm>,
) -> PageResult {
    viewer.check_csrf(&form.csrf)?;
    let locale = Locale::from_tag(&form.lang).unwrap_or_default();
    let jar = jar.add(cookie(
        LANGUAGE_COOKIE,
        locale.as_str().to_owned(),
        YEAR_SECONDS,
        state.config.secure_cookies,
    ));
    let back = local_path(Some(&form.back)).unwrap_or_else(|| "/".to_owned());
    Ok((jar, axum::response::Redirect::to(&back)).into_response())
}
