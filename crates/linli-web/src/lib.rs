//! Linli's HTTP interface: the pages people use, the JSON API under `/api/v1`, live
//! streams, health checks and metrics. A handler parses its input, calls the use case
//! (`linli-app`) and maps the answer; every error leaves as one JSON shape with a stable
//! code, mapped in one place (`error.rs`).

rust_i18n::i18n!("locales", fallback = "zh-CN");

mod api;
mod api_docs;
mod auth;
mod calendar;
mod categories;
mod dto;
mod error;
mod extract;
mod headers;
mod health;
mod input_text;
mod live;
mod locale;
mod markdown;
mod metrics;
pub(crate) mod notification_rules;
pub mod notify;
mod pages;
mod people;
mod photos;
mod registry;
pub mod reports;
mod screen;
mod state;
mod statistics;
mod visits;
pub mod work_orders;

pub use api_docs::ApiDoc;
pub use error::ApiError;
pub use linli_app::notifications::mail;
pub use locale::Locale;
pub use state::{AppState, WebConfig};

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, StatusCode, header};
use axum::routing::{delete, get, post, put};
use std::time::Duration;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// JSON bodies are small; uploads get their own limit on their own routes.
pub(crate) const JSON_BODY_LIMIT: usize = 1024 * 1024;

pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .route("/sessions", post(auth::sign_in))
        .route("/sessions/current", delete(auth::sign_out))
        .route("/me", get(auth::me))
        .route("/me/password", put(auth::change_password))
        .route(
            "/streets",
            get(registry::list_streets).post(registry::create_street),
        )
        .route(
            "/communities",
            get(registry::list_communities).post(registry::create_community),
        )
        .route(
            "/communities/{community_id}",
            get(registry::get_community).patch(registry::update_community),
        )
        .route(
            "/communities/{community_id}/estates",
            post(registry::create_estate),
        )
        .route(
            "/communities/{community_id}/buildings",
            get(registry::list_buildings).post(registry::create_building),
        )
        .route(
            "/communities/{community_id}/buildings/bulk",
            post(registry::create_buildings_in_bulk),
        )
        .route(
            "/communities/{community_id}/organisations",
            get(registry::list_organisations).post(registry::create_organisation),
        )
        .route(
            "/communities/{community_id}/people",
            get(people::list_people).post(people::register_person),
        )
        .route("/buildings/{building_id}", get(registry::get_building))
        .route(
            "/buildings/{building_id}/units",
            post(registry::create_unit),
        )
        .route("/units/{unit_id}/rooms", post(registry::create_room))
        .route(
            "/rooms/{room_id}/floor-area",
            put(registry::set_room_floor_area),
        )
        .route("/people/{person_id}", get(people::get_person))
        .route("/people/{person_id}/roles", post(people::grant_role))
        .route(
            "/people/{person_id}/roles/{grant_id}",
            delete(people::revoke_role),
        )
        .route("/people/{person_id}/rooms", post(people::link_room))
        .route(
            "/categories",
            get(categories::list).post(categories::create),
        )
        .route("/categories/{id}", axum::routing::patch(categories::update))
        .route(
            "/holidays/{year}",
            get(calendar::list).put(calendar::replace),
        )
        .route("/visits", get(visits::list).post(visits::create))
        .route("/visits.csv", get(work_orders::export::visits_csv))
        .route(
            "/work-orders.csv",
            get(work_orders::export::work_orders_csv),
        )
        .route("/statistics", get(statistics::get))
        .route("/reports/monthly.xlsx", get(reports::monthly_xlsx))
        .route("/screens", post(screen::create_screen))
        .route(
            "/channels",
            get(notify::list_channels).post(notify::create_channel),
        )
        .route("/deliveries", get(notify::list_deliveries))
        .route("/notification-rules", get(notification_rules::list))
        .route(
            "/notification-rules/{topic}",
            put(notification_rules::put).delete(notification_rules::reset),
        )
        .route("/announcements", post(notify::announce))
        .route("/notifications", get(notify::inbox))
        .route("/notifications/read", post(notify::mark_read))
        .route("/screens/{id}", delete(screen::revoke_screen))
        .route(
            "/work-orders",
            get(work_orders::list).post(work_orders::create),
        )
        .route(
            "/work-orders/similar",
            get(work_orders::duplicates::similar),
        )
        .route(
            "/work-orders/{id}/duplicates",
            get(work_orders::duplicates::duplicates),
        )
        .route("/work-orders/{id}", get(work_orders::get))
        .route("/work-orders/{id}/actions/{action}", post(work_orders::act))
        .route(
            "/work-orders/{id}/photos",
            post(photos::upload).layer(DefaultBodyLimit::max(photos::MAX_UPLOAD_BYTES)),
        )
        .route("/work-orders/{id}/photos/{photo_id}", get(photos::get))
        .merge(api::routes())
        .fallback(|| async { ApiError::not_found("request.not_found") });

    Router::new()
        .nest("/api/v1", api)
        .merge(pages::routes())
        .merge(api::open311::routes())
        .route("/api/openapi.json", get(api_docs::openapi_json))
        .route("/api/docs", get(api_docs::docs_page))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(health::metrics))
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn(
            input_text::refuse_control_characters,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::record,
        ))
        .layer(axum::middleware::from_fn(locale::negotiate))
        .layer(DefaultBodyLimit::max(JSON_BODY_LIMIT))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        .layer(axum::middleware::from_fn(
            headers::no_store_for_personal_answers,
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(headers::CONTENT_SECURITY_POLICY),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
