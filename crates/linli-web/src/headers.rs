//! Headers every answer carries for the browser's sake: what a page may load, and what
//! may be kept in a cache.

use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

/// The pages load only this site's stylesheet, script, images and live stream, and no
/// page has inline code or styles, so nothing else needs allowing; an injected
/// `<script>` or `style=` would not run. `frame-ancestors` is X-Frame-Options' successor;
/// `form-action` keeps forms from posting elsewhere.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; base-uri 'none'; \
     object-src 'none'; frame-ancestors 'none'; form-action 'self'";

/// Answers of the API, and any answer to a request that carries a session (cookie or
/// bearer token), may hold personal data: no cache, shared or the browser's own, keeps
/// them. Answers that say otherwise themselves (static files, photos) keep their say.
pub async fn no_store_for_personal_answers(request: Request, next: Next) -> Response {
    let personal = request.uri().path().starts_with("/api/v1/")
        || request.headers().contains_key(header::AUTHORIZATION)
        || carries_session_cookie(&request);
    let mut response = next.run(request).await;
    if personal && !response.headers().contains_key(header::CACHE_CONTROL) {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

fn carries_session_cookie(request: &Request) -> bool {
    request
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|cookies| cookies.split(';'))
        .any(|pair| {
            pair.trim()
                .split_once('=')
                .is_some_and(|(name, _)| name == crate::pages::SESSION_COOKIE)
        })
}
