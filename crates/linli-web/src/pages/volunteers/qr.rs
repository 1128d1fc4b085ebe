//! Check-in by QR code: the staff's page of an activity shows, for each shift, a QR code
//! of `/volunteers/shifts/{id}/check-in?code=…` with the shift's secret; a signed-in
//! volunteer who opens it during the shift's window is checked in. Opening the address
//! is the check-in (one scan, no second tap): the secret in it is what allows it, the
//! volunteer checks only themselves in, and only once.

use crate::error::ApiError;
use crate::locale::text;
use crate::pages::context::{PageContext, PageResult, Viewer, render};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::IntoResponse;
use linli_app::volunteers::shifts::{self as use_cases, CheckIn};
use qrcode::QrCode;
use qrcode::render::svg;
use serde::Deserialize;

/// This site's address as the browser reached it (the `Host` header, and
/// `X-Forwarded-Proto` behind a proxy that ends TLS): what a printed QR code must open.
pub fn site_address(headers: &HeaderMap) -> String {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let scheme = if header("x-forwarded-proto") == "https" {
        "https"
    } else {
        "http"
    };
    format!("{scheme}://{}", header("host"))
}

/// The address a phone opens to check in to a shift.
pub fn check_in_url(headers: &HeaderMap, shift: i64, code: &str) -> String {
    format!(
        "{}/volunteers/shifts/{shift}/check-in?code={code}",
        site_address(headers)
    )
}

/// The QR code of `url` as inline SVG (without the XML declaration, for HTML).
pub fn qr_svg(url: &str) -> String {
    match QrCode::new(url.as_bytes()) {
        Ok(code) => {
            let image = code
                .render::<svg::Color<'_>>()
                .min_dimensions(200, 200)
                .build();
            image
                .find("<svg")
                .map_or(image.clone(), |start| image[start..].to_owned())
        }
        // An address too long for a QR code: the page shows the link instead.
        Err(_) => String::new(),
    }
}

#[derive(Template)]
#[template(path = "volunteers_check_in.html")]
struct CheckedInPage {
    page: PageContext,
    activity_id: i64,
}

#[derive(Debug, Default, Deserialize)]
pub struct CodeQuery {
    code: Option<String>,
}

pub async fn check_in_by_code(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(shift): Path<i64>,
    Query(query): Query<CodeQuery>,
) -> PageResult {
    let signed_in = viewer.require()?;
    let code = query.code.unwrap_or_default();
    use_cases::check_in(
        &state,
        &signed_in.user,
        shift,
        CheckIn::ByCode { code: &code },
    )
    .await
    .map_err(ApiError::from)?;
    let activity_id = state
        .store
        .volunteer_shift(shift)
        .await
        .map_err(ApiError::from)?
        .activity_id;
    let page = CheckedInPage {
        page: viewer.context(text("page.volunteers.check_in_title", &[]), "volunteers"),
        activity_id,
    };
    Ok(render(&page).into_response())
}
