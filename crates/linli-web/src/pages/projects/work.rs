//! The project page's forms: status moves (complete with the closing text, cancel with
//! the reason), quotes and the choice, milestones and their actual days, progress; and
//! a resident's recommendation of a vendor on the public page.

use super::fen_from_yuan;
use super::page::{Refused, render_project};
use crate::error::ApiError;
use crate::pages::context::PageError;
use crate::pages::context::{FormErrors, PageResult, Viewer, see_other};
use crate::pages::meetings::{Fields, caller_of, get};
use crate::state::AppState;
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::{StatusCode, header};
use axum_extra::extract::Form;
use chrono::NaiveDate;
use linli_app::projects::{help, manage, work};
use linli_domain::ValidationError;
use linli_store::projects::help::FileOwner;

/// The fields of the project page's forms as the use cases name them.
const LABELS: &[(&str, &str, &str)] = &[
    ("vendor", "vendor", "projects.vendor"),
    ("contact", "contact", "projects.contact"),
    ("unit_price_fen", "unit_price", "projects.unit_price_yuan"),
    ("quantity", "quantity", "projects.quantity"),
    ("terms", "terms", "projects.terms"),
    ("quote_id", "quote_id", "projects.quote"),
    ("reason", "reason", "projects.choice_reason"),
    (
        "agreed_price_fen",
        "agreed_price",
        "projects.agreed_price_yuan",
    ),
    ("title", "title", "projects.milestone_title"),
    ("planned_start", "planned_start", "projects.planned_start"),
    ("planned_end", "planned_end", "projects.planned_end"),
    ("actual_start", "actual_start", "projects.actual_start"),
    ("actual_end", "actual_end", "projects.actual_end"),
    ("percent_done", "percent_done", "projects.percent"),
    ("text", "text", "projects.text"),
    ("photo", "photos", "projects.photos"),
    ("skill", "skill", "projects.skill"),
    ("milestone_id", "milestone_id", "projects.batch"),
    ("contribution", "contribution", "partners.contribution"),
    ("partner_id", "partner_id", "partners.partner"),
];

fn day(raw: &str, field: &'static str, required: bool) -> Result<Option<NaiveDate>, ApiError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return if required {
            Err(ValidationError::new("validation.required", field).into())
        } else {
            Ok(None)
        };
    }
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| ValidationError::new("page.error.date_invalid", field).into())
}

fn whole(raw: &str, field: &'static str) -> Result<i64, ApiError> {
    raw.trim()
        .parse()
        .map_err(|_| ValidationError::new("page.error.number_invalid", field).into())
}

async fn answer(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    public: bool,
    (form, done): (&str, &str),
    fields: Fields,
    result: Result<(), ApiError>,
) -> PageResult {
    let base = if public {
        "/public/projects"
    } else {
        "/projects"
    };
    match result {
        Ok(()) => see_other(&format!("{base}/{id}?done={done}#{form}")),
        Err(error)
            if error.status.is_client_error()
                && error.status != StatusCode::NOT_FOUND
                && error.status != StatusCode::FORBIDDEN =>
        {
            let refused = Refused {
                form: form.to_owned(),
                errors: FormErrors::from_api_labelled(&error, LABELS),
                kept: fields,
                status: error.status,
            };
            render_project(state, viewer, id, public, None, Some(refused)).await
        }
        Err(error) => Err(error.into()),
    }
}

/// A form's fields and its chosen files: the forms that carry photos or documents are
/// multipart, the others plain.
async fn fields_and_files(
    state: &AppState,
    request: Request,
) -> Result<(Fields, Vec<Vec<u8>>), PageError> {
    let multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("multipart/form-data"));
    if multipart {
        let multipart = Multipart::from_request(request, state)
            .await
            .map_err(|error| PageError::from(ApiError::invalid_body(error.body_text())))?;
        crate::pages::home::read_multipart(multipart).await
    } else {
        let Form(fields) = Form::<Fields>::from_request(request, state)
            .await
            .map_err(|error| PageError::from(ApiError::invalid_body(error.body_text())))?;
        Ok((fields, Vec::new()))
    }
}

/// One form of the office's project page.
pub async fn project_action(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, action)): Path<(i64, String)>,
    request: Request,
) -> PageResult {
    let (fields, files) = fields_and_files(&state, request).await?;
    let caller = caller_of(&viewer, &fields)?;
    let result: Result<(), ApiError> = async {
        match action.as_str() {
            "complete" => {
                if !files.is_empty() {
                    help::add_files(&state, caller, id, FileOwner::Completion, files).await?;
                }
                manage::transition(&state, caller, id, &action, Some(get(&fields, "text")))
                    .await
                    .map(|_| ())
                    .map_err(ApiError::from)
            }
            "approve" | "start" | "cancel" => {
                let text = get(&fields, "text");
                manage::transition(&state, caller, id, &action, Some(text))
                    .await
                    .map(|_| ())
                    .map_err(ApiError::from)
            }
            "quote_files" => {
                let quote = whole(get(&fields, "quote_id"), "quote_id")?;
                help::add_files(&state, caller, id, FileOwner::Quote(quote), files)
                    .await
                    .map(|_| ())
                    .map_err(ApiError::from)
            }
            "volunteer_accept" | "volunteer_decline" => {
                let volunteer = whole(get(&fields, "volunteer_id"), "volunteer_id")?;
                let accept = action == "volunteer_accept";
                let milestone = match get(&fields, "milestone_id").trim() {
                    "" => None,
                    raw => Some(whole(raw, "milestone_id")?),
                };
                help::decide_offer(&state, caller, id, volunteer, accept, milestone)
                    .await
                    .map_err(ApiError::from)
            }
            "quote" => {
                let request = quote_request(&fields)?;
                work::add_quote(&state, caller, id, &request)
                    .await
                    .map(|_| ())
                    .map_err(ApiError::from)
            }
            "choose" => {
                let quote = whole(get(&fields, "quote_id"), "quote_id")?;
                let price = fen_from_yuan(get(&fields, "agreed_price"), "agreed_price_fen")?;
                work::choose(&state, caller, id, quote, get(&fields, "reason"), price)
                    .await
                    .map_err(ApiError::from)
            }
            "milestone" => {
                let quantity = match get(&fields, "quantity").trim() {
                    "" => None,
                    raw => Some(whole(raw, "quantity")?),
                };
                let request = work::MilestoneRequest {
                    title: get(&fields, "title").to_owned(),
                    planned_start: day(get(&fields, "planned_start"), "planned_start", true)?
                        .unwrap_or_default(),
                    planned_end: day(get(&fields, "planned_end"), "planned_end", true)?
                        .unwrap_or_default(),
                    quantity,
                };
                work::add_milestone(&state, caller, id, &request)
                    .await
                    .map(|_| ())
                    .map_err(ApiError::from)
            }
            "milestone_done" => {
                let milestone = whole(get(&fields, "milestone_id"), "milestone_id")?;
                let start = day(get(&fields, "actual_start"), "actual_start", true)?;
                let end = day(get(&fields, "actual_end"), "actual_end", false)?;
                work::record_milestone(&state, caller, id, milestone, start, end)
                    .await
                    .map_err(ApiError::from)
            }
            "update" => {
                let percent = whole(get(&fields, "percent_done"), "percent_done")?;
                work::add_update(&state, caller, id, get(&fields, "text"), percent, files)
                    .await
                    .map(|_| ())
                    .map_err(ApiError::from)
            }
            "partner_add" => {
                let partner = whole(get(&fields, "partner_id"), "partner_id")?;
                let contribution = get(&fields, "contribution");
                linli_app::partners::add_to_project(&state, caller, id, partner, contribution)
                    .await
                    .map_err(ApiError::from)
            }
            "partner_remove" => {
                let partner = whole(get(&fields, "partner_id"), "partner_id")?;
                linli_app::partners::remove_from_project(&state, caller, id, partner)
                    .await
                    .map_err(ApiError::from)
            }
            _ => Err(ApiError::not_found("request.not_found")),
        }
    }
    .await;
    let (form, done) = match action.as_str() {
        "approve" | "start" | "complete" | "cancel" => ("status".to_owned(), "status"),
        "milestone_done" => (
            format!("milestone-{}", get(&fields, "milestone_id").trim()),
            "milestone_done",
        ),
        "quote_files" => (
            format!("quote-{}", get(&fields, "quote_id").trim()),
            "quote_files",
        ),
        "volunteer_accept" | "volunteer_decline" => (
            format!("volunteer-{}", get(&fields, "volunteer_id").trim()),
            "volunteer",
        ),
        "partner_add" | "partner_remove" => ("partners".to_owned(), action.as_str()),
        other => (other.to_owned(), other),
    };
    answer(&state, &viewer, id, false, (&form, done), fields, result).await
}

fn quote_request(fields: &Fields) -> Result<work::QuoteRequest, ApiError> {
    let optional = |name: &str| {
        let value = get(fields, name).trim();
        (!value.is_empty()).then(|| value.to_owned())
    };
    Ok(work::QuoteRequest {
        vendor: get(fields, "vendor").to_owned(),
        contact: optional("contact"),
        unit_price_fen: fen_from_yuan(get(fields, "unit_price"), "unit_price_fen")?,
        quantity: whole(get(fields, "quantity"), "quantity")?,
        terms: optional("terms"),
    })
}

/// A resident recommends a vendor from the public page (signed in, of the community).
pub async fn recommend(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> PageResult {
    let caller = caller_of(&viewer, &fields)?;
    let result = async {
        let request = quote_request(&fields)?;
        work::add_quote(&state, caller, id, &request)
            .await
            .map(|_| ())
            .map_err(ApiError::from)
    }
    .await;
    answer(
        &state,
        &viewer,
        id,
        true,
        ("recommend", "recommend"),
        fields,
        result,
    )
    .await
}

/// A resident (or staff member) offers help from the public page, or withdraws their
/// offer.
pub async fn offer_help(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, action)): Path<(i64, String)>,
    Form(fields): Form<Fields>,
) -> PageResult {
    let caller = caller_of(&viewer, &fields)?;
    let result = match action.as_str() {
        "offer" => help::offer(&state, caller, id, get(&fields, "skill"))
            .await
            .map(|_| ())
            .map_err(ApiError::from),
        "withdraw_offer" => match whole(get(&fields, "volunteer_id"), "volunteer_id") {
            Ok(volunteer) => help::withdraw_offer(&state, caller, id, volunteer)
                .await
                .map_err(ApiError::from),
            Err(error) => Err(error),
        },
        _ => Err(ApiError::not_found("request.not_found")),
    };
    answer(
        &state,
        &viewer,
        id,
        true,
        ("offer", &action),
        fields,
        result,
    )
    .await
}
