//! The directory of services as a page (`/public/communities/{id}/services`): for anyone,
//! grouped by category, each with its official link or its steps; the supervisor and
//! duty officer add and remove services on the same page.

use crate::error::ApiError;
use crate::locale::text;
use crate::markdown::markdown_html;
use crate::pages::context::{FormErrors, PageContext, PageResult, Viewer, render, see_other};
use crate::pages::meetings::{Fields, caller_of, get};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum_extra::extract::Form;
use linli_app::services::{self as use_cases, ServiceRequest};
use linli_domain::services::ServiceCategory;
use serde::Deserialize;

pub struct ServiceLine {
    pub id: i64,
    pub title: String,
    pub url: String,
    /// Sanitised HTML of the steps.
    pub steps: String,
    pub office: String,
    pub hours: String,
}

pub struct Group {
    pub key: &'static str,
    pub label: String,
    pub services: Vec<ServiceLine>,
}

#[derive(Template)]
#[template(path = "services.html")]
struct ServicesPage {
    page: PageContext,
    community: i64,
    community_name: String,
    groups: Vec<Group>,
    categories: Vec<(&'static str, String)>,
    edits: bool,
    notice: String,
    errors: FormErrors,
    refused: bool,
    kept: Fields,
}

impl ServicesPage {
    fn kept(&self, field: &str) -> String {
        if self.refused {
            get(&self.kept, field).to_owned()
        } else {
            String::new()
        }
    }

    fn error(&self, field: &str) -> String {
        if self.refused {
            self.errors.of(field)
        } else {
            String::new()
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct ServicesQuery {
    done: Option<String>,
}

const LABELS: &[(&str, &str, &str)] = &[
    ("title", "title", "services.title_field"),
    ("category", "category", "services.category"),
    ("url", "url", "services.url"),
    ("steps", "steps", "services.steps"),
    ("office", "office", "services.office"),
    ("hours", "hours", "services.hours"),
];

fn category_label(category: ServiceCategory) -> String {
    text(&format!("page.services.kind.{}", category.as_str()), &[])
}

pub async fn services_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(community): Path<i64>,
    Query(query): Query<ServicesQuery>,
) -> PageResult {
    let notice = match query.done.as_deref() {
        Some(done @ ("add" | "remove")) => text(&format!("page.services.done.{done}"), &[]),
        _ => String::new(),
    };
    render_services(&state, &viewer, community, notice, None).await
}

async fn render_services(
    state: &AppState,
    viewer: &Viewer,
    community: i64,
    notice: String,
    refused: Option<(FormErrors, Fields, StatusCode)>,
) -> PageResult {
    let found = state
        .store
        .community(linli_domain::ids::CommunityId(community))
        .await
        .map_err(ApiError::from)?;
    let rows = use_cases::list(state, community)
        .await
        .map_err(ApiError::from)?;
    let groups = ServiceCategory::ALL
        .iter()
        .map(|category| Group {
            key: category.as_str(),
            label: category_label(*category),
            services: rows
                .iter()
                .filter(|row| row.category == *category)
                .map(|row| ServiceLine {
                    id: row.id,
                    title: row.title.clone(),
                    url: row.url.clone().unwrap_or_default(),
                    steps: row.steps.as_deref().map(markdown_html).unwrap_or_default(),
                    office: row.office.clone().unwrap_or_default(),
                    hours: row.hours.clone().unwrap_or_default(),
                })
                .collect(),
        })
        .filter(|group| !group.services.is_empty())
        .collect();
    let edits = viewer
        .signed_in
        .as_ref()
        .is_some_and(|signed_in| use_cases::edits(&signed_in.user, community));
    let (errors, kept, status, refused) = match refused {
        Some((errors, kept, status)) => (errors, kept, status, true),
        None => (FormErrors::default(), Vec::new(), StatusCode::OK, false),
    };
    let page = ServicesPage {
        page: viewer.context(
            text("page.services.title", &[("community", found.name.clone())]),
            "services",
        ),
        community,
        community_name: found.name,
        groups,
        categories: ServiceCategory::ALL
            .iter()
            .map(|category| (category.as_str(), category_label(*category)))
            .collect(),
        edits,
        notice,
        errors,
        refused,
        kept,
    };
    Ok((status, render(&page)).into_response())
}

/// `add` or `remove` from the directory's page.
pub async fn services_action(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((community, action)): Path<(i64, String)>,
    Form(fields): Form<Fields>,
) -> PageResult {
    let caller = caller_of(&viewer, &fields)?;
    let optional = |name: &str| {
        let value = get(&fields, name).trim();
        (!value.is_empty()).then(|| value.to_owned())
    };
    let result: Result<(), ApiError> = match action.as_str() {
        "add" => {
            let request = ServiceRequest {
                title: get(&fields, "title").to_owned(),
                category: get(&fields, "category").to_owned(),
                url: optional("url"),
                steps: optional("steps"),
                office: optional("office"),
                hours: optional("hours"),
            };
            use_cases::add(&state, caller, community, &request)
                .await
                .map(|_| ())
                .map_err(ApiError::from)
        }
        "remove" => match get(&fields, "service_id").trim().parse::<i64>() {
            Ok(id) => use_cases::remove(&state, caller, id)
                .await
                .map_err(ApiError::from),
            Err(_) => Err(ApiError::not_found("service.not_found")),
        },
        _ => Err(ApiError::not_found("request.not_found")),
    };
    match result {
        Ok(()) => see_other(&format!(
            "/public/communities/{community}/services?done={action}"
        )),
        Err(error)
            if error.status.is_client_error()
                && error.status != StatusCode::NOT_FOUND
                && error.status != StatusCode::FORBIDDEN =>
        {
            let errors = FormErrors::from_api_labelled(&error, LABELS);
            render_services(
                &state,
                &viewer,
                community,
                String::new(),
                Some((errors, fields, error.status)),
            )
            .await
        }
        Err(error) => Err(error.into()),
    }
}
