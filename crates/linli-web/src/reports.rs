//! The monthly report as an Excel workbook (rust_xlsxwriter): Chinese sheet names and
//! headings, numbers as numbers, rates as percentages, times as Excel dates, frozen
//! heading rows, A4 landscape one page wide, and a chart of the last twelve months. The
//! statistics page downloads it; `linli report` writes it from the command line.

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::extract::ApiQuery;
use crate::state::AppState;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use chrono::{DateTime, Datelike, Timelike, Utc};
use linli_app::reports::{self, MonthlyReport, MonthlyRequest};
use linli_app::statistics::Breakdown;
use linli_domain::calendar::shanghai;
use linli_domain::statistics::Counts;
use rust_xlsxwriter::{Chart, ChartType, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};
use serde::Deserialize;

/// The sheets, in order.
pub const SHEETS: [&str; 9] = [
    "汇总",
    "按类别",
    "按责任方",
    "按楼栋",
    "按网格",
    "近十二个月",
    "超期清单",
    "居民评价",
    "本月项目",
];

/// The columns of every breakdown, after its name.
pub const COUNT_HEADINGS: [&str; 13] = [
    "受理",
    "派单",
    "签收",
    "按时签收",
    "办结",
    "验收",
    "评价",
    "满意",
    "重办",
    "撤销",
    "响应率",
    "解决率",
    "满意率",
];

struct Formats {
    bold: Format,
    heading: Format,
    percent: Format,
    time: Format,
    day: Format,
    money: Format,
}

impl Formats {
    fn new() -> Self {
        Self {
            bold: Format::new().set_bold(),
            heading: Format::new()
                .set_bold()
                .set_background_color("#E8EEF7")
                .set_border_bottom(rust_xlsxwriter::FormatBorder::Thin),
            percent: Format::new().set_num_format("0.0%"),
            time: Format::new().set_num_format("yyyy-mm-dd hh:mm"),
            day: Format::new().set_num_format("yyyy-mm-dd"),
            money: Format::new().set_num_format("#,##0.00"),
        }
    }
}

/// An instant as Excel reads it, in China's time.
fn excel_time(at: DateTime<Utc>) -> Result<ExcelDateTime, XlsxError> {
    let local = at.with_timezone(&shanghai());
    let part = |value: u32| u8::try_from(value).unwrap_or(0);
    ExcelDateTime::from_ymd(
        u16::try_from(local.year()).unwrap_or(1900),
        part(local.month()),
        part(local.day()),
    )?
    .and_hms(
        u16::try_from(local.hour()).unwrap_or(0),
        part(local.minute()),
        f64::from(local.second()),
    )
}

/// A4 landscape, one page wide, the heading row on every page and frozen on screen.
fn set_up(
    sheet: &mut Worksheet,
    name: &str,
    title: &str,
    heading_row: u32,
) -> Result<(), XlsxError> {
    sheet.set_name(name)?;
    sheet.set_landscape();
    sheet.set_paper_size(9);
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_header(format!("&C{title} · {name}"));
    sheet.set_repeat_rows(heading_row, heading_row)?;
    sheet.set_freeze_panes(heading_row + 1, 0)?;
    Ok(())
}

fn headings(
    sheet: &mut Worksheet,
    row: u32,
    names: &[&str],
    formats: &Formats,
) -> Result<(), XlsxError> {
    for (column, name) in (0u16..).zip(names) {
        sheet.write_string_with_format(row, column, *name, &formats.heading)?;
    }
    Ok(())
}

#[allow(clippy::cast_precision_loss)]
fn number(value: i64) -> f64 {
    value as f64
}

fn rate(
    sheet: &mut Worksheet,
    row: u32,
    column: u16,
    value: Option<f64>,
    formats: &Formats,
) -> Result<(), XlsxError> {
    if let Some(value) = value {
        sheet.write_number_with_format(row, column, value, &formats.percent)?;
    }
    Ok(())
}

/// The counts and the three rates from `column` on.
fn counts(
    sheet: &mut Worksheet,
    row: u32,
    column: u16,
    counts: &Counts,
    formats: &Formats,
) -> Result<(), XlsxError> {
    let values = [
        counts.created,
        counts.dispatched,
        counts.signed,
        counts.signed_in_time,
        counts.resolved,
        counts.accepted,
        counts.rated,
        counts.satisfied,
        counts.reopened,
        counts.cancelled,
    ];
    for (offset, value) in (0u16..).zip(values) {
        sheet.write_number(row, column + offset, number(value))?;
    }
    rate(sheet, row, column + 10, counts.response_rate(), formats)?;
    rate(sheet, row, column + 11, counts.resolution_rate(), formats)?;
    rate(sheet, row, column + 12, counts.satisfaction_rate(), formats)
}

/// A breakdown with a 合计 row that adds its rows up.
/// `none_key` names the row of work orders in none (as the statistics API names it).
fn breakdown(
    sheet: &mut Worksheet,
    rows: &[Breakdown],
    none_key: &str,
    formats: &Formats,
) -> Result<(), XlsxError> {
    let none = crate::locale::text(none_key, &[]);
    let mut names = vec!["名称"];
    names.extend(COUNT_HEADINGS);
    headings(sheet, 0, &names, formats)?;
    let mut total = Counts::default();
    let mut row = 1u32;
    for line in rows {
        sheet.write_string(row, 0, line.name.as_deref().unwrap_or(&none))?;
        counts(sheet, row, 1, &line.counts, formats)?;
        total += line.counts;
        row += 1;
    }
    sheet.write_string_with_format(row, 0, "合计", &formats.bold)?;
    counts(sheet, row, 1, &total, formats)?;
    sheet.set_column_width(0, 24.0)?;
    Ok(())
}

fn excel_day(day: chrono::NaiveDate) -> Result<ExcelDateTime, XlsxError> {
    let part = |value: u32| u8::try_from(value).unwrap_or(1);
    ExcelDateTime::from_ymd(
        u16::try_from(day.year()).unwrap_or(1900),
        part(day.month()),
        part(day.day()),
    )
}

/// One line of the summary: a count, a rate, minutes, or a time.
enum Value {
    Count(i64),
    Rate(Option<f64>),
    Minutes(Option<f64>),
    Day(chrono::NaiveDate),
    Time(DateTime<Utc>),
}

fn summary(
    sheet: &mut Worksheet,
    report: &MonthlyReport,
    formats: &Formats,
) -> Result<(), XlsxError> {
    let figures = &report.figures;
    let totals = &figures.totals;
    let title = format!(
        "{} {}年{}月 工作月报",
        report.title,
        report.month.year(),
        report.month.month()
    );
    sheet.write_string_with_format(0, 0, title, &formats.bold)?;
    headings(sheet, 1, &["项目", "数值"], formats)?;
    let lines = [
        ("统计起始日", Value::Day(figures.from)),
        ("统计截止日", Value::Day(figures.to)),
        ("受理量", Value::Count(totals.created)),
        ("派单", Value::Count(totals.dispatched)),
        ("签收", Value::Count(totals.signed)),
        ("按时签收", Value::Count(totals.signed_in_time)),
        ("办结", Value::Count(totals.resolved)),
        ("验收", Value::Count(totals.accepted)),
        ("评价", Value::Count(totals.rated)),
        ("满意", Value::Count(totals.satisfied)),
        ("重办", Value::Count(totals.reopened)),
        ("撤销", Value::Count(totals.cancelled)),
        ("响应率", Value::Rate(totals.response_rate())),
        ("解决率", Value::Rate(totals.resolution_rate())),
        ("满意率", Value::Rate(totals.satisfaction_rate())),
        (
            "签收用时中位数（分钟）",
            Value::Minutes(figures.median_minutes_to_sign),
        ),
        (
            "办结用时中位数（分钟）",
            Value::Minutes(figures.median_minutes_to_resolve),
        ),
        ("当前未办结", Value::Count(figures.open_now)),
        ("当前超期", Value::Count(figures.overdue_now)),
        (
            "经项目化解决的工单",
            Value::Count(figures.projects.resolved_through_projects),
        ),
        (
            "联席会议决定的上报工单",
            Value::Count(figures.projects.decided_after_escalation),
        ),
        ("导出时间", Value::Time(report.made_at)),
    ];
    for (row, (label, value)) in (2u32..).zip(lines) {
        sheet.write_string(row, 0, label)?;
        match value {
            Value::Count(count) => {
                sheet.write_number(row, 1, number(count))?;
            }
            Value::Rate(share) => rate(sheet, row, 1, share, formats)?,
            Value::Minutes(Some(minutes)) => {
                sheet.write_number(row, 1, minutes)?;
            }
            Value::Minutes(None) => {}
            Value::Day(day) => {
                sheet.write_datetime_with_format(row, 1, excel_day(day)?, &formats.day)?;
            }
            Value::Time(at) => {
                sheet.write_datetime_with_format(row, 1, excel_time(at)?, &formats.time)?;
            }
        }
    }
    sheet.set_column_width(0, 28.0)?;
    sheet.set_column_width(1, 16.0)?;
    Ok(())
}

fn twelve_months(
    sheet: &mut Worksheet,
    report: &MonthlyReport,
    formats: &Formats,
) -> Result<(), XlsxError> {
    let mut names = vec!["月份"];
    names.extend(COUNT_HEADINGS);
    headings(sheet, 0, &names, formats)?;
    for (row, month) in (1u32..).zip(&report.twelve_months) {
        sheet.write_string(row, 0, month.key.as_deref().unwrap_or_default())?;
        counts(sheet, row, 1, &month.counts, formats)?;
    }
    let mut chart = Chart::new(ChartType::Column);
    chart.title().set_name("近十二个月受理与办结");
    chart
        .add_series()
        .set_name("受理")
        .set_categories(("近十二个月", 1, 0, 12, 0))
        .set_values(("近十二个月", 1, 1, 12, 1));
    chart
        .add_series()
        .set_name("办结")
        .set_categories(("近十二个月", 1, 0, 12, 0))
        .set_values(("近十二个月", 1, 5, 12, 5));
    sheet.insert_chart(14, 0, &chart)?;
    Ok(())
}

fn status_name(status: &str) -> &'static str {
    match status {
        "submitted" => "待受理",
        "dispatched" => "待处理",
        "in_progress" => "处理中",
        "on_hold" => "挂起",
        "resolved" => "待验收",
        "closed" => "已办结",
        _ => "已撤销",
    }
}

fn overdue(
    sheet: &mut Worksheet,
    report: &MonthlyReport,
    formats: &Formats,
) -> Result<(), XlsxError> {
    headings(
        sheet,
        0,
        &[
            "编号",
            "居民区",
            "类别",
            "楼栋",
            "牵头方",
            "状态",
            "反映时间",
            "期限",
        ],
        formats,
    )?;
    for (row, line) in (1u32..).zip(&report.overdue) {
        sheet.write_number(row, 0, number(line.number))?;
        sheet.write_string(row, 1, &line.community)?;
        sheet.write_string(row, 2, &line.category)?;
        sheet.write_string(row, 3, &line.building)?;
        sheet.write_string(row, 4, &line.lead)?;
        sheet.write_string(row, 5, status_name(line.status))?;
        sheet.write_datetime_with_format(row, 6, excel_time(line.reported_at)?, &formats.time)?;
        sheet.write_datetime_with_format(row, 7, excel_time(line.deadline)?, &formats.time)?;
    }
    for (column, width) in [(1u16, 14.0), (4, 22.0), (6, 17.0), (7, 17.0)] {
        sheet.set_column_width(column, width)?;
    }
    Ok(())
}

fn feedback(
    sheet: &mut Worksheet,
    report: &MonthlyReport,
    formats: &Formats,
) -> Result<(), XlsxError> {
    headings(
        sheet,
        0,
        &["编号", "居民区", "类别", "时间", "方式", "评分", "居民的话"],
        formats,
    )?;
    for (row, line) in (1u32..).zip(&report.feedback) {
        sheet.write_number(row, 0, number(line.number))?;
        sheet.write_string(row, 1, &line.community)?;
        sheet.write_string(row, 2, &line.category)?;
        sheet.write_datetime_with_format(row, 3, excel_time(line.at)?, &formats.time)?;
        let kind = match line.kind.as_str() {
            "accepted" => "验收",
            "return_visited" => "回访",
            _ => "退回重办",
        };
        sheet.write_string(row, 4, kind)?;
        if let Some(rating) = line.rating {
            sheet.write_number(row, 5, number(rating))?;
        }
        sheet.write_string(row, 6, &line.comment)?;
    }
    sheet.set_column_width(3, 17.0)?;
    sheet.set_column_width(6, 60.0)?;
    Ok(())
}

fn projects(
    sheet: &mut Worksheet,
    report: &MonthlyReport,
    formats: &Formats,
) -> Result<(), XlsxError> {
    headings(
        sheet,
        0,
        &[
            "项目",
            "居民区",
            "牵头方",
            "状态",
            "预算（元）",
            "进度",
            "立项日期",
            "完成日期",
        ],
        formats,
    )?;
    for (row, line) in (1u32..).zip(&report.projects) {
        let project = &line.project;
        sheet.write_string(row, 0, &project.title)?;
        sheet.write_string(row, 1, &line.community)?;
        sheet.write_string(row, 2, &project.owner_name)?;
        sheet.write_string(
            row,
            3,
            crate::locale::text(
                &format!("page.projects.status.{}", project.status.as_str()),
                &[],
            ),
        )?;
        sheet.write_number_with_format(
            row,
            4,
            number(project.budget_fen) / 100.0,
            &formats.money,
        )?;
        sheet.write_number_with_format(
            row,
            5,
            number(project.percent_done) / 100.0,
            &formats.percent,
        )?;
        sheet.write_datetime_with_format(row, 6, excel_time(project.created_at)?, &formats.day)?;
        if let Some(done) = project.completed_at {
            sheet.write_datetime_with_format(row, 7, excel_time(done)?, &formats.day)?;
        }
    }
    sheet.set_column_width(0, 30.0)?;
    sheet.set_column_width(2, 22.0)?;
    Ok(())
}

/// The workbook of a monthly report.
pub fn monthly_workbook(report: &MonthlyReport) -> Result<Vec<u8>, XlsxError> {
    let formats = Formats::new();
    let mut workbook = Workbook::new();
    let title = format!(
        "{} {}年{}月",
        report.title,
        report.month.year(),
        report.month.month()
    );
    let figures = &report.figures;
    for (index, name) in SHEETS.into_iter().enumerate() {
        let sheet = workbook.add_worksheet();
        set_up(sheet, name, &title, if index == 0 { 1 } else { 0 })?;
        match index {
            0 => summary(sheet, report, &formats)?,
            1 => breakdown(
                sheet,
                &figures.by_category,
                "statistics.unassigned",
                &formats,
            )?,
            2 => breakdown(
                sheet,
                &figures.by_organisation,
                "statistics.unassigned",
                &formats,
            )?,
            3 => breakdown(
                sheet,
                &figures.by_building,
                "statistics.unassigned",
                &formats,
            )?,
            4 => breakdown(sheet, &figures.by_grid, "statistics.no_grid", &formats)?,
            5 => twelve_months(sheet, report, &formats)?,
            6 => overdue(sheet, report, &formats)?,
            7 => feedback(sheet, report, &formats)?,
            _ => projects(sheet, report, &formats)?,
        }
    }
    workbook.save_to_buffer()
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct MonthlyQuery {
    community_id: Option<i64>,
    street_id: Option<i64>,
    /// `2026-11`: a month that has begun, not before the community was set up.
    month: String,
}

#[utoipa::path(get, path = "/api/v1/reports/monthly.xlsx", tag = "statistics", summary = "The monthly report of a community or a street as an Excel workbook (who may read its statistics)",
    params(MonthlyQuery), responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")), security(("bearer" = [])))]
pub async fn monthly_xlsx(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<MonthlyQuery>,
) -> ApiResult<impl IntoResponse> {
    let request = MonthlyRequest {
        community_id: query.community_id,
        street_id: query.street_id,
        month: query.month,
    };
    download(&state, &user, &request).await
}

/// The workbook as a download named for its month.
pub async fn download(
    state: &AppState,
    caller: &linli_app::Caller,
    request: &MonthlyRequest,
) -> ApiResult<impl IntoResponse + use<>> {
    let report = reports::monthly(state, caller, request).await?;
    let body = monthly_workbook(&report)
        .map_err(|error| ApiError::from(linli_app::AppError::internal(error.to_string())))?;
    let name = format!(
        "linli-{:04}-{:02}.xlsx",
        report.month.year(),
        report.month.month()
    );
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        body,
    ))
}
