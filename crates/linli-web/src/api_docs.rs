//! The API described as OpenAPI 3.1 (generated from the handlers' annotations and the
//! types they take and give), at `/api/openapi.json`, and a page to read it at
//! `/api/docs` that needs nothing from the internet.

use axum::http::header;
use axum::response::{Html, IntoResponse};
use std::sync::OnceLock;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Linli 邻里 API",
        description = "Community co-governance: the registry, accounts, and the work-order loop. Every error is `{\"error\": {\"code\", \"message\", \"field\"}}` with a stable code; messages are in Simplified Chinese unless `Accept-Language` asks for English."
    ),
    paths(
        crate::auth::sign_in,
        crate::auth::sign_out,
        crate::auth::me,
        crate::auth::change_password,
        crate::registry::list_streets,
        crate::registry::create_street,
        crate::registry::list_communities,
        crate::registry::create_community,
        crate::registry::get_community,
        crate::registry::update_community,
        crate::registry::create_estate,
        crate::registry::list_buildings,
        crate::registry::create_building,
        crate::registry::create_buildings_in_bulk,
        crate::registry::get_building,
        crate::registry::create_unit,
        crate::registry::create_room,
        crate::registry::set_room_floor_area,
        crate::registry::list_organisations,
        crate::registry::create_organisation,
        crate::people::list_people,
        crate::people::register_person,
        crate::people::get_person,
        crate::people::grant_role,
        crate::people::revoke_role,
        crate::people::link_room,
        crate::categories::list,
        crate::categories::create,
        crate::categories::update,
        crate::calendar::list,
        crate::calendar::replace,
        crate::visits::create,
        crate::visits::list,
        crate::statistics::get,
        crate::reports::monthly_xlsx,
        crate::work_orders::export::work_orders_csv,
        crate::work_orders::duplicates::similar,
        crate::work_orders::duplicates::duplicates,
        crate::work_orders::export::visits_csv,
        crate::screen::create_screen,
        crate::screen::revoke_screen,
        crate::notify::create_channel,
        crate::notify::list_channels,
        crate::notify::list_deliveries,
        crate::notification_rules::list,
        crate::notification_rules::put,
        crate::notification_rules::reset,
        crate::notify::inbox,
        crate::notify::mark_read,
        crate::notify::announce,
        crate::work_orders::create,
        crate::work_orders::get,
        crate::work_orders::list,
        crate::work_orders::actions::act,
        crate::photos::upload,
        crate::photos::get,
    ),
    components(schemas(crate::error::ErrorBody)),
    modifiers(&BearerTokens)
)]
pub struct ApiDoc;

/// What every operation shares, added once here rather than on each handler: the bearer
/// token scheme, and the error answer of every refusal.
pub(crate) struct BearerTokens;

impl Modify for BearerTokens {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        let refused = ResponseBuilder::new()
            .description("Refused; `error.code` says why")
            .content(
                "application/json",
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("ErrorBody")))
                    .build(),
            )
            .build();
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                &mut item.get,
                &mut item.post,
                &mut item.put,
                &mut item.patch,
                &mut item.delete,
            ];
            for operation in operations.into_iter().flatten() {
                operation
                    .responses
                    .responses
                    .insert("4XX".to_owned(), refused.clone().into());
            }
        }
    }
}

fn document() -> &'static str {
    static DOCUMENT: OnceLock<String> = OnceLock::new();
    DOCUMENT.get_or_init(|| {
        let mut document = ApiDoc::openapi();
        document.merge(crate::api::SlicesDoc::openapi());
        document
            .to_json()
            .unwrap_or_else(|error| format!("{{\"error\": \"{error}\"}}"))
    })
}

pub async fn openapi_json() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], document())
}

pub async fn docs_page() -> Html<&'static str> {
    Html(include_str!("api_docs.html"))
}
