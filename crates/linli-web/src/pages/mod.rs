//! The pages people use: the resident's phone pages and the staff console, rendered on the
//! server (askama templates checked at compile time) so that they work on cheap phones,
//! inside WeChat's browser and without JavaScript. Each page calls the same functions as
//! the JSON API, so a rule holds on both or on neither.
//!
//! Signed-in pages know the person by a session cookie holding the same kind of token the
//! API takes as a bearer token. Every form carries a CSRF token derived from the session
//! with the server's key (`session::csrf_token`); a cross-site `Origin` is refused before
//! that.

mod accounts;
mod admin;
mod assets;
mod board;
mod content;
mod context;
mod desk;
mod form_state;
mod funds;
mod grids;
mod home;
mod inbox;
mod meetings;
mod open311;
mod orders;
mod partners;
mod personal_data;
mod posters;
mod privacy;
mod projects;
mod queue;
pub(crate) mod roster;
mod search;
mod services;
mod session;
pub(crate) mod stats;
mod volunteers;

/// This site's address as the browser reached it, for printed and machine-read links.
pub(crate) use volunteers::qr::site_address;
mod votes;

pub(crate) use context::{PageError, Viewer, url_encode};
pub(crate) use session::SESSION_COOKIE;

use crate::error::ApiError;
use crate::state::AppState;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

/// An address that leads nowhere: the app's own page, in the reader's language.
pub async fn not_found() -> PageError {
    PageError::Shown(ApiError::not_found("request.not_found"))
}

/// axum's own refusals of what it cannot read — a path that is not UTF-8
/// (`/orders/%FF`) or not a number, a query or form of the wrong shape — are plain
/// text; on the pages they become the app's error page, with their status.
async fn refusals_as_pages(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let plain_text = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|content_type| content_type.starts_with("text/plain"));
    if !(plain_text && response.status().is_client_error()) {
        return response;
    }
    let code = match response.status() {
        StatusCode::NOT_FOUND => "request.not_found",
        StatusCode::PAYLOAD_TOO_LARGE => "request.too_large",
        _ => "page.error.unreadable_request",
    };
    PageError::Shown(ApiError::new(response.status(), code)).into_response()
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home::home))
        .route("/signin", get(session::sign_in_page).post(session::sign_in))
        .route(
            "/signin/phone",
            get(accounts::phone_page).post(accounts::sign_in),
        )
        .route("/signin/phone/code", post(accounts::send_sign_in_code))
        .route(
            "/signin/reset",
            get(accounts::reset_page).post(accounts::reset),
        )
        .route("/signin/reset/code", post(accounts::send_reset_code))
        .route(
            "/join",
            get(accounts::claims::join).post(accounts::claims::claim),
        )
        .route("/claims", get(accounts::claims::queue))
        .route("/claims/{id}/{action}", post(accounts::claims::decide))
        .route("/communities/{id}/roll", get(accounts::roll::page))
        .route("/communities/{id}/roll.xlsx", get(accounts::roll::export))
        .route(
            "/communities/{id}/roll/preview",
            post(accounts::roll::preview).layer(DefaultBodyLimit::max(
                linli_app::accounts::roll::MAX_FILE_BYTES + 64 * 1024,
            )),
        )
        .route(
            "/communities/{id}/roll/import",
            post(accounts::roll::import),
        )
        .route("/household", get(accounts::household::page))
        .route(
            "/household/{room}/invite",
            post(accounts::household::invite),
        )
        .route(
            "/household/{room}/members/{person}/remove",
            post(accounts::household::remove),
        )
        .route(
            "/household/{room}/invitations/{invitation}/withdraw",
            post(accounts::household::withdraw),
        )
        .route("/signout", post(session::sign_out))
        .route("/settings/large-text", post(session::toggle_large_text))
        .route("/settings/language", post(session::choose_language))
        .route(
            "/report",
            get(home::report_page)
                .post(home::report)
                .layer(DefaultBodyLimit::max(crate::photos::MAX_UPLOAD_BYTES)),
        )
        .route("/orders/{id}", get(orders::detail))
        .route(
            "/orders/{id}/actions/{action}",
            post(orders::act).layer(DefaultBodyLimit::max(crate::photos::MAX_UPLOAD_BYTES)),
        )
        .route("/orders/{id}/photos/{photo_id}", get(orders::photo))
        .route("/orders/{id}/slip", get(orders::slip))
        .route("/queue", get(queue::queue))
        .route("/queue/export.csv", get(queue::export))
        .route("/supervise", get(queue::supervise))
        .route("/desk", get(desk::desk_page).post(desk::log_visit))
        .route("/stats", get(stats::stats_page))
        .route("/stats/monthly.xlsx", get(stats::monthly_report))
        .route("/admin", get(admin::admin_page))
        .route("/admin/buildings", post(admin::add_buildings))
        .route("/admin/organisations", post(admin::add_organisation))
        .route("/admin/office", post(admin::set_office_phone))
        .route("/admin/people", post(admin::add_person))
        .route("/admin/categories/{id}", post(admin::update_category))
        .route("/admin/holidays", post(admin::replace_holidays))
        .route(
            "/admin/notification-rules/{topic}",
            post(admin::update_rule),
        )
        .route("/inbox", get(inbox::inbox_page).post(inbox::mark_read))
        .route(
            "/meetings",
            get(meetings::meetings_page).post(meetings::call_meeting),
        )
        .route("/meetings/series", post(meetings::set_series))
        .route("/meetings/{id}", get(meetings::meeting_page))
        .route("/meetings/{id}/items", post(meetings::add_item))
        .route(
            "/meetings/{id}/items/{item}/{action}",
            post(meetings::item_action),
        )
        .route(
            "/meetings/{id}/attendance",
            post(meetings::record_attendance),
        )
        .route("/meetings/{id}/participants", post(meetings::invite))
        .route("/meetings/{id}/minutes", post(meetings::save_minutes))
        .route("/meetings/{id}/close", post(meetings::close))
        .route("/meetings/{id}/corrections", post(meetings::correct))
        .route(
            "/campaigns",
            get(funds::campaigns_page).post(funds::start_campaign),
        )
        .route("/campaigns/{id}", get(funds::campaign_page))
        .route("/campaigns/{id}/{action}", post(funds::campaign_action))
        .route(
            "/campaigns/{id}/expenses/{expense}/receipts",
            post(funds::add_receipts).layer(DefaultBodyLimit::max(crate::photos::MAX_UPLOAD_BYTES)),
        )
        .route("/pledges/{id}/slip", get(funds::slip_page))
        .route(
            "/public/communities/{id}/campaigns",
            get(funds::public_campaigns_page),
        )
        .route("/roster", get(roster::roster_page))
        .route("/charter", get(roster::charter::charter_page))
        .route("/roster/{action}", post(roster::roster_action))
        .route("/volunteers", get(volunteers::volunteers_page))
        .route(
            "/volunteers/certificate",
            get(volunteers::hours::certificate_page),
        )
        .route("/volunteers/league", get(volunteers::hours::league_page))
        .route(
            "/volunteers/activities/{id}",
            get(volunteers::activity::activity_page),
        )
        .route(
            "/volunteers/activities/{id}/{action}",
            post(volunteers::activity::activity_action),
        )
        .route(
            "/volunteers/shifts/{id}/check-in",
            get(volunteers::qr::check_in_by_code),
        )
        .route("/volunteers/{action}", post(volunteers::volunteers_action))
        .route("/projects", get(projects::projects_page))
        .route("/projects/{id}", get(projects::project_page))
        .route(
            "/projects/{id}/{action}",
            post(projects::project_action)
                .layer(DefaultBodyLimit::max(crate::photos::MAX_UPLOAD_BYTES)),
        )
        .route(
            "/public/communities/{id}/projects",
            get(projects::public_projects_page),
        )
        .route("/public/projects/{id}", get(projects::public_project_page))
        .route("/public/communities/{id}/board", get(board::board_page))
        .route("/communities/{id}/privacy", get(privacy::page))
        .route("/communities/{id}/privacy/{action}", post(privacy::action))
        .route(
            "/public/communities/{id}/services",
            get(services::services_page),
        )
        .route(
            "/public/communities/{id}/services/{action}",
            post(services::services_action),
        )
        .route(
            "/public/communities/{id}/partners",
            get(partners::partners_page),
        )
        .route(
            "/public/communities/{id}/partners/{action}",
            post(partners::partners_action),
        )
        .route(
            "/public/partners/{id}",
            get(partners::partner::partner_page),
        )
        .route(
            "/public/partners/{id}/{action}",
            post(partners::partner::partner_action),
        )
        .route(
            "/admin/open311",
            get(open311::clients_page).post(open311::issue),
        )
        .route("/admin/open311/{id}/revoke", post(open311::revoke))
        .route("/search", get(search::search_page))
        .route("/me/data", get(personal_data::page))
        .route("/me/data.json", get(personal_data::json))
        .route("/posters", get(posters::posters_page))
        .route("/posters/office", get(posters::office_poster))
        .route("/posters/buildings/{id}", get(posters::building_poster))
        .route("/report/similar", get(search::similar_to_draft))
        .route("/grids", get(grids::grids_page))
        .route("/grids/add", post(grids::grids_action))
        .route("/grids/{id}", get(grids::edit::grid_page))
        .route("/grids/{id}/{action}", post(grids::edit::grid_action))
        .route("/orders/{id}/hide-from-board", post(board::hide))
        .route("/public/projects/{id}/recommend", post(projects::recommend))
        .route(
            "/public/projects/{id}/help/{action}",
            post(projects::offer_help),
        )
        .route("/votes", get(votes::votes_page).post(votes::create_vote))
        .route("/votes/{id}", get(votes::vote_page))
        .route("/votes/{id}/result", get(votes::result_page))
        .route(
            "/votes/{id}/paper",
            post(votes::vote_paper).layer(DefaultBodyLimit::max(crate::photos::MAX_UPLOAD_BYTES)),
        )
        .route(
            "/votes/{id}/ballots/{ballot_id}/scan",
            get(votes::vote_scan),
        )
        .route("/votes/{id}/{action}", post(votes::vote_action))
        .route("/content", get(content::content_page))
        .route(
            "/content/new",
            get(content::content_form_page)
                .post(content::create_content)
                .layer(DefaultBodyLimit::max(crate::photos::MAX_UPLOAD_BYTES)),
        )
        .route("/content/{id}", get(content::item_page))
        .route(
            "/content/{id}/edit",
            get(content::edit_content_page)
                .post(content::edit_content)
                .layer(DefaultBodyLimit::max(crate::photos::MAX_UPLOAD_BYTES)),
        )
        .route("/content/{id}/{action}", post(content::content_action))
        .route(
            "/public/communities/{id}/content",
            get(content::public_content_page),
        )
        .route(
            "/content/images/{file}",
            get(crate::api::content::images::image),
        )
        .route("/static/{name}", get(assets::asset))
        .route("/favicon.ico", get(assets::favicon))
        .route("/live", get(crate::live::page_stream))
        .route("/screen/{kind}/{id}", get(crate::screen::screen_page))
        .route(
            "/screen/{kind}/{id}/stream",
            get(crate::screen::screen_stream),
        )
        .layer(axum::middleware::from_fn(refusals_as_pages))
        .layer(axum::middleware::from_fn(session::guard_forms))
}
