//! The committee's roll over HTTP: the file (.xlsx or CSV) is the request body.

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::extract::ApiQuery;
use crate::locale::{field_label, text};
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use linli_app::accounts::roll::{self as use_cases, RollPlan, RowPlan};
use linli_store::accounts::RollLine;
use rust_xlsxwriter::{Format, Workbook, XlsxError};
use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct RollQuery {
    community_id: i64,
}

/// Why a row is refused.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RowProblem {
    pub(crate) code: &'static str,
    /// The column at fault (`楼号`, `手机` …), or `file`.
    pub(crate) field: &'static str,
    pub(crate) message: String,
}

/// One row of the file and what it does.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RollRowView {
    /// The row's line in the file (1 is the header).
    pub(crate) line: usize,
    pub(crate) building: String,
    pub(crate) unit: String,
    pub(crate) room: String,
    pub(crate) name: String,
    pub(crate) phone: String,
    pub(crate) relation: String,
    /// `created`, `changed`, `unchanged` or `refused`.
    pub(crate) outcome: &'static str,
    pub(crate) problems: Vec<RowProblem>,
}

/// What an import does (or did), row by row.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RollPlanView {
    pub(crate) created: usize,
    pub(crate) changed: usize,
    pub(crate) unchanged: usize,
    pub(crate) refused: usize,
    pub(crate) rows: Vec<RollRowView>,
}

fn row_view(row: RowPlan) -> RollRowView {
    RollRowView {
        line: row.line,
        outcome: row.outcome.as_str(),
        problems: row
            .problems
            .iter()
            .map(|(code, field)| RowProblem {
                code,
                field,
                message: text(
                    code,
                    &[("field", field_label(field)), ("max", String::new())],
                ),
            })
            .collect(),
        building: row.building,
        unit: row.unit,
        room: row.room,
        name: row.name,
        phone: row.phone,
        relation: row.relation,
    }
}

impl From<RollPlan> for RollPlanView {
    fn from(plan: RollPlan) -> Self {
        Self {
            created: plan.created,
            changed: plan.changed,
            unchanged: plan.unchanged,
            refused: plan.refused,
            rows: plan.rows.into_iter().map(row_view).collect(),
        }
    }
}

#[utoipa::path(
    post,
    path = "/api/v1/accounts/roll/preview",
    tag = "accounts",
    summary = "Preview an import of the committee's roll (.xlsx or CSV as the body): per row created, changed, unchanged or refused and why",
    params(RollQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 200, body = RollPlanView), (status = 403), (status = 413), (status = 422)),
    security(("bearer" = []))
)]
pub async fn preview(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<RollQuery>,
    body: Bytes,
) -> ApiResult<Json<RollPlanView>> {
    let plan = use_cases::preview(&state, &user, query.community_id, &body).await?;
    Ok(Json(plan.into()))
}

#[utoipa::path(
    post,
    path = "/api/v1/accounts/roll/import",
    tag = "accounts",
    summary = "Import the committee's roll in one transaction; refused whole if any row is (`accounts.roll_rows_refused`)",
    params(RollQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 200, body = RollPlanView), (status = 403), (status = 413), (status = 422)),
    security(("bearer" = []))
)]
pub async fn import(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<RollQuery>,
    body: Bytes,
) -> ApiResult<Json<RollPlanView>> {
    let plan = use_cases::import(&state, &user, query.community_id, &body).await?;
    Ok(Json(plan.into()))
}

fn relation_name(relation: &str) -> &'static str {
    match relation {
        "owner" => "业主",
        "family" => "家属",
        "tenant" => "租户",
        _ => "",
    }
}

/// The roll as a workbook with the columns it is imported with, so it goes back in.
pub fn workbook(lines: &[RollLine]) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("住户名册")?;
    let bold = Format::new().set_bold();
    let area = Format::new().set_num_format("0.00");
    for (column, heading) in (0u16..).zip(linli_domain::accounts::roll::COLUMNS) {
        sheet.write_string_with_format(0, column, heading, &bold)?;
    }
    for (row, line) in (1u32..).zip(lines) {
        sheet.write_string(row, 0, &line.building_number)?;
        sheet.write_string(row, 1, &line.unit_number)?;
        sheet.write_string(row, 2, &line.room_number)?;
        sheet.write_string(row, 3, &line.display_name)?;
        sheet.write_string(row, 4, line.phone.as_deref().unwrap_or_default())?;
        sheet.write_string(row, 5, relation_name(&line.relation))?;
        if let Some(hundredths) = line.floor_area_hundredths_m2 {
            // Exact: hundredths are whole numbers well below 2^53.
            #[allow(clippy::cast_precision_loss)]
            sheet.write_number_with_format(row, 6, hundredths as f64 / 100.0, &area)?;
        }
    }
    sheet.set_column_width(3, 12)?;
    sheet.set_column_width(4, 14)?;
    workbook.save_to_buffer()
}

#[utoipa::path(
    get,
    path = "/api/v1/accounts/roll.xlsx",
    tag = "accounts",
    summary = "The committee's roll as an Excel workbook (the import's columns)",
    params(RollQuery),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 403)),
    security(("bearer" = []))
)]
pub async fn export(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<RollQuery>,
) -> ApiResult<impl IntoResponse> {
    let lines = use_cases::roll(&state, &user, query.community_id).await?;
    workbook_download(query.community_id, &lines)
}

/// The roll as an attachment, for the API and the pages alike.
pub fn workbook_download(
    community: i64,
    lines: &[RollLine],
) -> ApiResult<axum::response::Response> {
    let body = workbook(lines)
        .map_err(|error| ApiError::from(linli_app::AppError::internal(error.to_string())))?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"roll-{community}.xlsx\""),
            ),
        ],
        body,
    )
        .into_response())
}
