//! The pages' stylesheet, script, icons and web app manifest, compiled into the binary:
//! one file to deploy, and nothing fetched from another site. The manifest and icons make
//! the pages installable on a phone's home screen (添加到主屏幕).

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

const ASSETS: [(&str, &str, &[u8]); 10] = [
    (
        "app.css",
        "text/css; charset=utf-8",
        include_bytes!("../../static/app.css"),
    ),
    (
        "app.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../static/app.js"),
    ),
    // The API's docs page, kept out of its HTML so the one Content-Security-Policy
    // (`default-src 'self'`, no inline code) covers it too.
    (
        "api-docs.css",
        "text/css; charset=utf-8",
        include_bytes!("../../static/api-docs.css"),
    ),
    (
        "api-docs.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../static/api-docs.js"),
    ),
    (
        "favicon.svg",
        "image/svg+xml",
        include_bytes!("../../static/favicon.svg"),
    ),
    (
        "manifest.webmanifest",
        "application/manifest+json",
        include_bytes!("../../static/manifest.webmanifest"),
    ),
    // PNG renderings of favicon.svg (and of icon-maskable.svg, the house inside the
    // safe zone of a maskable icon) for launchers that take no SVG.
    (
        "icon-192.png",
        "image/png",
        include_bytes!("../../static/icon-192.png"),
    ),
    (
        "icon-512.png",
        "image/png",
        include_bytes!("../../static/icon-512.png"),
    ),
    (
        "icon-maskable-512.png",
        "image/png",
        include_bytes!("../../static/icon-maskable-512.png"),
    ),
    (
        "apple-touch-icon.png",
        "image/png",
        include_bytes!("../../static/apple-touch-icon.png"),
    ),
];

/// Browsers ask for `/favicon.ico` whatever the page says: the same icon.
pub async fn favicon() -> Response {
    asset(Path("favicon.svg".to_owned())).await
}

pub async fn asset(Path(name): Path<String>) -> Response {
    let Some((_, content_type, body)) = ASSETS.iter().find(|(file, _, _)| *file == name) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    response
}
