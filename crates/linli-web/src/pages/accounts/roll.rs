//! `/communities/{id}/roll`: the committee's roll (住户名册) on the pages — upload a
//! workbook or CSV, see per row what importing it would do and why a row is refused,
//! import exactly the file previewed, and download the roll as a workbook.

use crate::api::accounts::roll::{RollPlanView, RollRowView, workbook_download};
use crate::error::ApiError;
use crate::locale::text;
use crate::pages::context::{
    FormErrors, PageContext, PageError, PageResult, Viewer, render, see_other,
};
use crate::pages::meetings::{Fields, caller_of, get};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum_extra::extract::Form;
use linli_app::accounts::roll as use_cases;
use serde::Deserialize;

/// Rows shown besides the refused ones (all refused rows are shown): a roll of 6,000
/// households is checked by its counts and its refusals, not read row by row.
const ROWS_SHOWN: usize = 200;

#[derive(Template)]
#[template(path = "accounts_roll.html")]
struct RollPage {
    page: PageContext,
    community: i64,
    community_name: String,
    notice: String,
    errors: FormErrors,
    /// The preview of the file just uploaded.
    preview: Option<Preview>,
}

struct Preview {
    upload: String,
    created: usize,
    changed: usize,
    unchanged: usize,
    refused: usize,
    rows: Vec<RowLine>,
    /// Rows left out of the table.
    hidden: usize,
}

struct RowLine {
    line: usize,
    building: String,
    unit: String,
    room: String,
    name: String,
    phone: String,
    relation: String,
    outcome: &'static str,
    outcome_label: String,
    problems: Vec<String>,
}

impl From<RollRowView> for RowLine {
    fn from(row: RollRowView) -> Self {
        Self {
            line: row.line,
            building: row.building,
            unit: row.unit,
            room: row.room,
            name: row.name,
            phone: row.phone,
            relation: row.relation,
            outcome: row.outcome,
            outcome_label: text(&format!("page.accounts.roll_outcome.{}", row.outcome), &[]),
            problems: row
                .problems
                .into_iter()
                .map(|problem| problem.message)
                .collect(),
        }
    }
}

fn preview_of(upload: String, plan: RollPlanView) -> Preview {
    let total = plan.rows.len();
    let mut shown = 0;
    let rows: Vec<RowLine> = plan
        .rows
        .into_iter()
        .filter(|row| {
            let keep = row.outcome == "refused" || shown < ROWS_SHOWN;
            if keep && row.outcome != "refused" {
                shown += 1;
            }
            keep
        })
        .map(RowLine::from)
        .collect();
    Preview {
        upload,
        created: plan.created,
        changed: plan.changed,
        unchanged: plan.unchanged,
        refused: plan.refused,
        hidden: total - rows.len(),
        rows,
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct DoneQuery {
    created: Option<usize>,
    changed: Option<usize>,
    unchanged: Option<usize>,
}

pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(community): Path<i64>,
    Query(done): Query<DoneQuery>,
) -> PageResult {
    let notice = match (done.created, done.changed, done.unchanged) {
        (Some(created), Some(changed), Some(unchanged)) => text(
            "page.accounts.roll_imported",
            &[
                ("created", created.to_string()),
                ("changed", changed.to_string()),
                ("unchanged", unchanged.to_string()),
            ],
        ),
        _ => String::new(),
    };
    render_page(&state, &viewer, community, notice, None, None).await
}

async fn render_page(
    state: &AppState,
    viewer: &Viewer,
    community: i64,
    notice: String,
    preview: Option<Preview>,
    refused: Option<ApiError>,
) -> PageResult {
    let caller = &viewer.require()?.user;
    let found = state
        .store
        .community(linli_domain::ids::CommunityId(community))
        .await
        .map_err(ApiError::from)?;
    use_cases::may_keep_roll(state, caller, linli_domain::ids::CommunityId(community))
        .await
        .map_err(ApiError::from)?;
    let status = refused
        .as_ref()
        .map_or(StatusCode::OK, |error| error.status);
    let errors = refused
        .as_ref()
        .map(|error| {
            let mut errors = FormErrors::from_api(error);
            // A file's problem is told beside the file field.
            if errors.by_field.is_empty()
                && let Some(general) = errors.general.take()
            {
                errors.by_field.push(("file".to_owned(), general));
            }
            errors
        })
        .unwrap_or_default();
    let page = RollPage {
        page: viewer.context(text("page.accounts.roll_title", &[]), "claims"),
        community,
        community_name: found.name,
        notice,
        errors,
        preview,
    };
    Ok((status, render(&page)).into_response())
}

/// The CSRF token and the file of the upload form.
async fn read_upload(mut multipart: Multipart) -> Result<(String, Vec<u8>), PageError> {
    let bad = |error: axum::extract::multipart::MultipartError| -> PageError {
        ApiError::invalid_body(error.body_text()).into()
    };
    let (mut csrf, mut file) = (String::new(), Vec::new());
    while let Some(field) = multipart.next_field().await.map_err(bad)? {
        match field.name().unwrap_or_default() {
            "csrf" => csrf = field.text().await.map_err(bad)?,
            "file" => file = field.bytes().await.map_err(bad)?.to_vec(),
            _ => {}
        }
    }
    Ok((csrf, file))
}

pub async fn preview(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(community): Path<i64>,
    multipart: Multipart,
) -> PageResult {
    let (csrf, file) = read_upload(multipart).await?;
    viewer.check_csrf(&csrf)?;
    let caller = &viewer.require()?.user;
    match use_cases::stage(&state, caller, community, &file).await {
        Ok(staged) => {
            let preview = preview_of(staged.upload, RollPlanView::from(staged.plan));
            render_page(
                &state,
                &viewer,
                community,
                String::new(),
                Some(preview),
                None,
            )
            .await
        }
        Err(error) => {
            let error = ApiError::from(error);
            if error.status != StatusCode::UNPROCESSABLE_ENTITY {
                return Err(error.into());
            }
            render_page(&state, &viewer, community, String::new(), None, Some(error)).await
        }
    }
}

pub async fn import(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(community): Path<i64>,
    Form(fields): Form<Fields>,
) -> PageResult {
    let caller = caller_of(&viewer, &fields)?;
    match use_cases::import_staged(&state, caller, community, get(&fields, "upload")).await {
        Ok(plan) => see_other(&format!(
            "/communities/{community}/roll?created={}&changed={}&unchanged={}",
            plan.created, plan.changed, plan.unchanged
        )),
        Err(error) => {
            let error = ApiError::from(error);
            if error.status != StatusCode::UNPROCESSABLE_ENTITY {
                return Err(error.into());
            }
            render_page(&state, &viewer, community, String::new(), None, Some(error)).await
        }
    }
}

/// The roll as a workbook, for the signed-in committee.
pub async fn export(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(community): Path<i64>,
) -> PageResult {
    let caller = &viewer.require()?.user;
    let lines = use_cases::roll(&state, caller, community)
        .await
        .map_err(ApiError::from)?;
    Ok(workbook_download(community, &lines)?)
}
