//! The ledger for the 财务公开 board, as CSV and as an Excel workbook: the public's view
//! (donors as shown in public, no one who recorded an entry), entries numbered from 1 as
//! on the page. The CSV is UTF-8 with a byte-order mark, so that Excel as used in China
//! opens it in the right encoding.

use crate::error::{ApiError, ApiResult};
use crate::extract::ApiPath;
use crate::state::AppState;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use linli_app::funds::{self as use_cases, CampaignDetail, yuan_text};
use linli_domain::calendar::shanghai;
use rust_xlsxwriter::{Format, Workbook, XlsxError};

fn kind_name(kind: &str) -> &'static str {
    match kind {
        "donation" => "捐款",
        "refund" => "退款",
        "expense" => "支出",
        _ => "冲正",
    }
}

const HEADINGS: [&str; 9] = [
    "序号",
    "时间",
    "类别",
    "金额（元）",
    "捐款人",
    "收款方",
    "用途",
    "说明",
    "已冲正",
];

/// One entry as the board shows it; the amount stays in fen until it is written.
struct Row {
    number: i64,
    at: String,
    kind: &'static str,
    amount_fen: i64,
    donor: String,
    payee: String,
    purpose: String,
    note: String,
    reversed: bool,
}

fn rows(detail: &CampaignDetail) -> Vec<Row> {
    detail
        .entries
        .iter()
        .map(|line| {
            let entry = &line.entry;
            let note = match entry.reverses_seq {
                Some(of) => format!(
                    "冲正第 {} 笔：{}",
                    of + 1,
                    entry.reason.as_deref().unwrap_or("")
                ),
                None => entry.reason.clone().unwrap_or_default(),
            };
            Row {
                number: entry.seq + 1,
                at: entry
                    .recorded_at
                    .with_timezone(&shanghai())
                    .format("%Y-%m-%d %H:%M")
                    .to_string(),
                kind: kind_name(&entry.kind),
                amount_fen: entry.amount_fen,
                donor: line.donor.clone().unwrap_or_default(),
                payee: line.payee.clone().unwrap_or_default(),
                purpose: line.purpose.clone().unwrap_or_default(),
                note,
                reversed: line.reversed,
            }
        })
        .collect()
}

fn internal(error: impl std::fmt::Display) -> ApiError {
    ApiError::from(linli_app::AppError::internal(error.to_string()))
}

fn attachment(
    id: i64,
    extension: &str,
    content_type: &'static str,
) -> [(header::HeaderName, String); 2] {
    [
        (header::CONTENT_TYPE, content_type.to_owned()),
        (
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"ledger-{id}.{extension}\""),
        ),
    ]
}

#[utoipa::path(get, path = "/api/v1/campaigns/{id}/ledger.csv", tag = "funds", summary = "The public ledger as CSV (UTF-8 with BOM)",
    params(("id" = i64, Path)), responses((status = 200, content_type = "text/csv")))]
pub async fn ledger_csv(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<impl IntoResponse> {
    let detail = use_cases::read(&state, None, id).await?;
    let mut writer = csv::Writer::from_writer(Vec::from("\u{feff}".as_bytes()));
    writer.write_record(HEADINGS).map_err(internal)?;
    for row in rows(&detail) {
        let amount = yuan_text(row.amount_fen);
        writer
            .write_record([
                row.number.to_string().as_str(),
                &row.at,
                row.kind,
                amount.trim_start_matches('¥'),
                &row.donor,
                &row.payee,
                &row.purpose,
                &row.note,
                if row.reversed { "是" } else { "" },
            ])
            .map_err(internal)?;
    }
    let body = writer.into_inner().map_err(internal)?;
    Ok((attachment(id, "csv", "text/csv; charset=utf-8"), body))
}

/// The workbook: a title line with the figures, then one row per entry, amounts as
/// numbers in yuan so the board can total them.
fn workbook(detail: &CampaignDetail) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("公开账目")?;
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("#,##0.00");
    let figures = &detail.figures;
    sheet.write_string_with_format(0, 0, &detail.campaign.title, &bold)?;
    let summary = format!(
        "已筹 {} · 已退款 {} · 已支出 {} · 余额 {} · 目标 {}",
        yuan_text(figures.raised_fen),
        yuan_text(figures.refunded_fen),
        yuan_text(figures.spent_fen),
        yuan_text(figures.balance_fen),
        yuan_text(figures.target_fen),
    );
    sheet.write_string(1, 0, &summary)?;
    for (column, heading) in (0u16..).zip(HEADINGS) {
        sheet.write_string_with_format(3, column, heading, &bold)?;
    }
    for (row_index, row) in (4u32..).zip(rows(detail)) {
        sheet.write_number(row_index, 0, row.number as f64)?;
        sheet.write_string(row_index, 1, &row.at)?;
        sheet.write_string(row_index, 2, row.kind)?;
        // Whole fen to yuan: exact for every amount a campaign can hold (< 2^53 fen).
        sheet.write_number_with_format(row_index, 3, row.amount_fen as f64 / 100.0, &money)?;
        sheet.write_string(row_index, 4, &row.donor)?;
        sheet.write_string(row_index, 5, &row.payee)?;
        sheet.write_string(row_index, 6, &row.purpose)?;
        sheet.write_string(row_index, 7, &row.note)?;
        sheet.write_string(row_index, 8, if row.reversed { "是" } else { "" })?;
    }
    for (column, width) in [
        (1u16, 17.0),
        (3, 12.0),
        (4, 10.0),
        (5, 16.0),
        (6, 24.0),
        (7, 28.0),
    ] {
        sheet.set_column_width(column, width)?;
    }
    workbook.save_to_buffer()
}

#[utoipa::path(get, path = "/api/v1/campaigns/{id}/ledger.xlsx", tag = "funds", summary = "The public ledger as an Excel workbook",
    params(("id" = i64, Path)), responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn ledger_xlsx(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<impl IntoResponse> {
    let detail = use_cases::read(&state, None, id).await?;
    let body = workbook(&detail).map_err(internal)?;
    Ok((
        attachment(
            id,
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        body,
    ))
}
