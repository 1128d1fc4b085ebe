//! One partner unit's page (`/public/partners/{id}`): its profile, the co-building
//! activities it took part in and the projects it is a co-party of, for anyone; the
//! supervisor or admin edits the profile on the same page.

use super::{
    ActivityLine, DoneQuery, LABELS, PartnerForm, PartnerLine, activity_line, partner_line,
    partner_request,
};
use crate::error::ApiError;
use crate::locale::text;
use crate::pages::context::{FormErrors, PageContext, PageResult, Viewer, render, see_other};
use crate::pages::form_state::{Forms, Refused, shown_beside_form};
use crate::pages::meetings::{Fields, caller_of};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum_extra::extract::Form;
use linli_app::partners as use_cases;
use linli_store::partners::PartnerRow;

pub struct ProjectLine {
    pub id: i64,
    pub title: String,
    pub contribution: String,
}

#[derive(Template)]
#[template(path = "partners_partner.html")]
struct PartnerPage {
    page: PageContext,
    community: i64,
    partner: PartnerLine,
    activities: Vec<ActivityLine>,
    projects: Vec<ProjectLine>,
    edits: bool,
    notice: String,
    form: PartnerForm,
}

/// The stored profile as the edit form's fields.
fn stored_fields(row: &PartnerRow) -> Fields {
    let mut fields: Fields = vec![
        ("name".into(), row.name.clone()),
        ("category".into(), row.category.as_str().into()),
        ("address".into(), row.address.clone().unwrap_or_default()),
        (
            "contact_name".into(),
            row.contact_name.clone().unwrap_or_default(),
        ),
        (
            "contact_phone".into(),
            row.contact_phone.clone().unwrap_or_default(),
        ),
        (
            "description".into(),
            row.description.clone().unwrap_or_default(),
        ),
        (
            "offer_details".into(),
            row.offer_details.clone().unwrap_or_default(),
        ),
        (
            "joined_on".into(),
            row.joined_on.map(|day| day.to_string()).unwrap_or_default(),
        ),
    ];
    fields.extend(
        row.offers
            .iter()
            .map(|offer| ("offers".to_owned(), offer.as_str().to_owned())),
    );
    fields
}

pub async fn partner_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Query(query): Query<DoneQuery>,
) -> PageResult {
    let notice = match query.done.as_deref() {
        Some("edit") => text("page.partners.done.edit", &[]),
        _ => String::new(),
    };
    render_partner(&state, &viewer, id, notice, None).await
}

async fn render_partner(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    notice: String,
    refused: Option<Refused>,
) -> PageResult {
    let caller = viewer.signed_in.as_ref().map(|signed_in| &signed_in.user.0);
    let detail = use_cases::detail(state, caller, id)
        .await
        .map_err(ApiError::from)?;
    let community = detail.partner.community_id;
    let edits = caller.is_some_and(|caller| use_cases::edits(caller, community));
    let status = refused.as_ref().map_or(StatusCode::OK, |r| r.status);
    let stored = stored_fields(&detail.partner);
    let page = PartnerPage {
        page: viewer.context(detail.partner.name.clone(), "partners"),
        community,
        partner: partner_line(detail.partner),
        activities: detail.activities.into_iter().map(activity_line).collect(),
        projects: detail
            .projects
            .into_iter()
            .map(|row| ProjectLine {
                id: row.project_id,
                title: row.project_title,
                contribution: row.contribution,
            })
            .collect(),
        edits,
        notice,
        form: PartnerForm::new(
            Forms { refused },
            stored,
            format!("/public/partners/{id}/edit"),
            "edit",
        ),
    };
    Ok((status, render(&page)).into_response())
}

/// `edit` from a partner's page.
pub async fn partner_action(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, action)): Path<(i64, String)>,
    Form(fields): Form<Fields>,
) -> PageResult {
    let caller = caller_of(&viewer, &fields)?;
    if action != "edit" {
        return Err(ApiError::not_found("request.not_found").into());
    }
    match use_cases::update(&state, caller, id, &partner_request(&fields)).await {
        Ok(()) => see_other(&format!("/public/partners/{id}?done=edit")),
        Err(error) => {
            let error = ApiError::from(error);
            if !shown_beside_form(&error) {
                return Err(error.into());
            }
            let refused = Refused {
                form: action,
                errors: FormErrors::from_api_labelled(&error, LABELS),
                kept: fields,
                status: error.status,
            };
            render_partner(&state, &viewer, id, String::new(), Some(refused)).await
        }
    }
}
