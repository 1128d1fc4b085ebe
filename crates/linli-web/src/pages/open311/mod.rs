//! `/admin/open311`: the community's Open311 clients for its admin — who may report
//! through Open311, with the last characters of each key; issuing a key shows it once,
//! on the answer to the form, never in an address; revoking stops it at once.

use crate::error::ApiError;
use crate::locale::text;
use crate::pages::context::{
    FormErrors, PageContext, PageError, PageResult, Viewer, render, see_other,
};
use crate::pages::form_state::{Forms, Refused, shown_beside_form};
use crate::pages::meetings::{Fields, caller_of, get};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum_extra::extract::Form;
use linli_app::open311::clients as use_cases;
use linli_store::open311::ClientRow;
use serde::Deserialize;

const LABELS: &[(&str, &str, &str)] = &[("name", "name", "open311.name")];

pub struct ClientLine {
    pub id: i64,
    pub name: String,
    pub key_hint: String,
    pub created_on: String,
    /// The day it was revoked ("" while in force).
    pub revoked_on: String,
}

fn day(at: chrono::DateTime<chrono::Utc>) -> String {
    at.with_timezone(&linli_domain::calendar::shanghai())
        .format("%Y-%m-%d")
        .to_string()
}

impl From<ClientRow> for ClientLine {
    fn from(row: ClientRow) -> Self {
        Self {
            id: row.id,
            name: row.name,
            key_hint: row.key_hint,
            created_on: day(row.created_at),
            revoked_on: row.revoked_at.map(day).unwrap_or_default(),
        }
    }
}

#[derive(Template)]
#[template(path = "open311.html")]
struct ClientsPage {
    page: PageContext,
    clients: Vec<ClientLine>,
    notice: String,
    /// The key just issued, shown this once ("" otherwise).
    issued_key: String,
    issued_name: String,
    forms: Forms,
}

#[derive(Debug, Default, Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

pub async fn clients_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<DoneQuery>,
) -> PageResult {
    let notice = match query.done.as_deref() {
        Some("revoke") => text("page.open311.revoked", &[]),
        _ => String::new(),
    };
    render_clients(&state, &viewer, notice, None, None).await
}

fn community_of(viewer: &Viewer) -> Result<i64, PageError> {
    viewer
        .require()?
        .community
        .as_ref()
        .map(|community| community.id)
        .ok_or_else(|| ApiError::not_found("registry.community_not_found").into())
}

async fn render_clients(
    state: &AppState,
    viewer: &Viewer,
    notice: String,
    issued: Option<use_cases::Issued>,
    refused: Option<Refused>,
) -> PageResult {
    let signed_in = viewer.require()?;
    let community = community_of(viewer)?;
    let clients = use_cases::list(state, &signed_in.user.0, Some(community))
        .await
        .map_err(ApiError::from)?;
    let status = refused.as_ref().map_or(StatusCode::OK, |r| r.status);
    let page = ClientsPage {
        page: viewer.context(text("page.open311.title", &[]), "admin"),
        clients: clients.into_iter().map(ClientLine::from).collect(),
        notice,
        issued_name: issued
            .as_ref()
            .map(|i| i.client.name.clone())
            .unwrap_or_default(),
        issued_key: issued.map(|i| i.api_key).unwrap_or_default(),
        forms: Forms { refused },
    };
    let mut response = (status, render(&page)).into_response();
    // A page that may carry a key is never kept by a browser or a proxy.
    response.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    Ok(response)
}

/// Issues a key and shows it on the answer itself.
pub async fn issue(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(fields): Form<Fields>,
) -> PageResult {
    let caller = caller_of(&viewer, &fields)?;
    let community = community_of(&viewer)?;
    match use_cases::issue(&state, caller, community, get(&fields, "name")).await {
        Ok(issued) => {
            let notice = text("page.open311.issued", &[]);
            render_clients(&state, &viewer, notice, Some(issued), None).await
        }
        Err(error) => {
            let error = ApiError::from(error);
            if !shown_beside_form(&error) {
                return Err(error.into());
            }
            let refused = Refused {
                form: "issue".to_owned(),
                errors: FormErrors::from_api_labelled(&error, LABELS),
                kept: fields,
                status: error.status,
            };
            render_clients(&state, &viewer, String::new(), None, Some(refused)).await
        }
    }
}

pub async fn revoke(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> PageResult {
    let caller = caller_of(&viewer, &fields)?;
    use_cases::revoke(&state, caller, id)
        .await
        .map_err(ApiError::from)?;
    see_other("/admin/open311?done=revoke")
}
