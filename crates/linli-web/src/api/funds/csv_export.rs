//! The ledger as CSV for the 财务公开 board: UTF-8 with a byte-order mark, so that Excel
//! as used in China opens it in the right encoding. The public's view: donors as shown
//! in public, no one who recorded an entry.

use crate::error::{ApiError, ApiResult};
use crate::extract::ApiPath;
use crate::state::AppState;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use linli_app::funds::{self as use_cases, yuan_text};
use linli_domain::calendar::shanghai;

fn kind_name(kind: &str) -> &'static str {
    match kind {
        "donation" => "捐款",
        "refund" => "退款",
        "expense" => "支出",
        _ => "冲正",
    }
}

#[utoipa::path(get, path = "/api/v1/campaigns/{id}/ledger.csv", tag = "funds", summary = "The public ledger as CSV (UTF-8 with BOM)",
    params(("id" = i64, Path)), responses((status = 200, content_type = "text/csv")))]
pub async fn ledger_csv(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<impl IntoResponse> {
    let detail = use_cases::read(&state, None, id).await?;
    let mut writer = csv::Writer::from_writer(Vec::from("\u{feff}".as_bytes()));
    let failed =
        |error: csv::Error| ApiError::from(linli_app::AppError::internal(error.to_string()));
    writer
        .write_record([
            "序号",
            "时间",
            "类别",
            "金额（元）",
            "捐款人",
            "收款方",
            "用途",
            "说明",
            "已冲正",
        ])
        .map_err(failed)?;
    for line in &detail.entries {
        let entry = &line.entry;
        let amount = yuan_text(entry.amount_fen);
        let at = entry
            .recorded_at
            .with_timezone(&shanghai())
            .format("%Y-%m-%d %H:%M")
            .to_string();
        let reason = match entry.reverses_seq {
            Some(of) => format!("冲正第 {of} 笔：{}", entry.reason.as_deref().unwrap_or("")),
            None => entry.reason.clone().unwrap_or_default(),
        };
        writer
            .write_record([
                entry.seq.to_string().as_str(),
                &at,
                kind_name(&entry.kind),
                amount.trim_start_matches('¥'),
                line.donor.as_deref().unwrap_or(""),
                line.payee.as_deref().unwrap_or(""),
                line.purpose.as_deref().unwrap_or(""),
                &reason,
                if line.reversed { "是" } else { "" },
            ])
            .map_err(failed)?;
    }
    let body = writer
        .into_inner()
        .map_err(|error| ApiError::from(linli_app::AppError::internal(error.to_string())))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"ledger-{id}.csv\""),
            ),
        ],
        body,
    ))
}
