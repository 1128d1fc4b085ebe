//! The community's statistics as charts drawn on the server as SVG (no chart library, no
//! CDN): the three rates of the 12345 lines, the trend by month, and counts by category
//! and building. Each chart has its numbers in a table next to it for screen readers.

use super::context::{PageContext, PageResult, Viewer, render};
use crate::error::ApiError;
use crate::locale::text;
use crate::state::AppState;
use crate::statistics::{Slice, Statistics};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::IntoResponse;
use chrono::{Datelike, NaiveDate};
use linli_app::statistics::StatisticsRequest;
use serde::Deserialize;
use std::fmt::Write as _;

/// Text placed inside SVG markup.
fn escape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for character in raw.chars() {
        match character {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

pub(crate) fn percent(rate: Option<f64>) -> String {
    rate.map_or_else(|| "—".to_owned(), |rate| format!("{:.0}%", rate * 100.0))
}

// Colours chosen for at least 4.5:1 contrast of text on white.
const INK: &str = "#1f2328";
const BAR: &str = "#0b5cad";
const RATE_COLOURS: [&str; 3] = ["#0b5cad", "#1a7f37", "#9a3412"];

/// Horizontal bars, one per row, labelled with the name and the value.
pub(crate) fn horizontal_bars(title: &str, rows: &[(String, i64)]) -> String {
    let row_height = 30;
    let height = 10 + row_height * i32::try_from(rows.len()).unwrap_or(0);
    let max = rows
        .iter()
        .map(|(_, value)| *value)
        .max()
        .unwrap_or(0)
        .max(1);
    let mut svg = format!(
        r#"<svg class="chart" viewBox="0 0 640 {height}" role="img" aria-label="{title}" xmlns="http://www.w3.org/2000/svg"><title>{title}</title>"#,
        title = escape(title)
    );
    for (index, (name, value)) in rows.iter().enumerate() {
        let y = 5 + row_height * i32::try_from(index).unwrap_or(0);
        let width = 400 * value / max;
        let _ = write!(
            svg,
            r#"<text x="150" y="{ty}" text-anchor="end" font-size="14" fill="{INK}">{name}</text><rect x="160" y="{y}" width="{width}" height="20" rx="3" fill="{BAR}"/><text x="{vx}" y="{ty}" font-size="14" fill="{INK}">{value}</text>"#,
            ty = y + 15,
            name = escape(name),
            vx = 166 + width,
        );
    }
    svg.push_str("</svg>");
    svg
}

/// The three rates as bars out of 100%.
pub(crate) fn rate_bars(title: &str, rates: &[(String, Option<f64>)]) -> String {
    let mut svg = format!(
        r#"<svg class="chart" viewBox="0 0 640 130" role="img" aria-label="{title}" xmlns="http://www.w3.org/2000/svg"><title>{title}</title>"#,
        title = escape(title)
    );
    for (index, ((name, rate), colour)) in rates.iter().zip(RATE_COLOURS).enumerate() {
        let y = 8 + 40 * i32::try_from(index).unwrap_or(0);
        let width = rate.map_or(0.0, |rate| 400.0 * rate.clamp(0.0, 1.0));
        let _ = write!(
            svg,
            r##"<text x="150" y="{ty}" text-anchor="end" font-size="16" fill="{INK}">{name}</text><rect x="160" y="{y}" width="400" height="26" rx="4" fill="#e8ecf0"/><rect x="160" y="{y}" width="{width:.1}" height="26" rx="4" fill="{colour}"/><text x="570" y="{ty}" font-size="16" font-weight="bold" fill="{INK}">{value}</text>"##,
            ty = y + 19,
            name = escape(name),
            value = percent(*rate),
        );
    }
    svg.push_str("</svg>");
    svg
}

/// Work orders per month as columns, with the three rates as lines over them.
pub(crate) fn monthly_trend(title: &str, months: &[Slice], legend: &[String; 3]) -> String {
    let (left, top, plot_width, plot_height) = (50.0, 20.0, 560.0, 200.0);
    let count = months.len().max(1) as f64;
    let step = plot_width / count;
    let max = months
        .iter()
        .map(|month| month.counts.created)
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let mut svg = format!(
        r#"<svg class="chart" viewBox="0 0 640 290" role="img" aria-label="{title}" xmlns="http://www.w3.org/2000/svg"><title>{title}</title><line x1="{left}" y1="{base}" x2="{right}" y2="{base}" stroke="{INK}"/>"#,
        title = escape(title),
        base = top + plot_height,
        right = left + plot_width,
    );
    for (index, month) in months.iter().enumerate() {
        let x = left + step * index as f64;
        let height = plot_height * month.counts.created as f64 / max;
        let _ = write!(
            svg,
            r##"<rect x="{bx:.1}" y="{by:.1}" width="{bw:.1}" height="{height:.1}" fill="#c9d8ea"/><text x="{cx:.1}" y="{vy:.1}" text-anchor="middle" font-size="12" fill="{INK}">{value}</text><text x="{cx:.1}" y="{ly}" text-anchor="middle" font-size="12" fill="{INK}">{label}</text>"##,
            bx = x + step * 0.15,
            by = top + plot_height - height,
            bw = step * 0.7,
            cx = x + step / 2.0,
            vy = top + plot_height - height - 4.0,
            value = month.counts.created,
            ly = top + plot_height + 16.0,
            label = escape(month.key.as_deref().unwrap_or_default()),
        );
    }
    let series: [fn(&Slice) -> Option<f64>; 3] = [
        |slice| slice.response_rate,
        |slice| slice.resolution_rate,
        |slice| slice.satisfaction_rate,
    ];
    for (which, (rate_of, colour)) in series.iter().zip(RATE_COLOURS).enumerate() {
        let points: Vec<String> = months
            .iter()
            .enumerate()
            .filter_map(|(index, month)| {
                let rate = rate_of(month)?;
                Some(format!(
                    "{:.1},{:.1}",
                    left + step * (index as f64 + 0.5),
                    top + plot_height * (1.0 - rate.clamp(0.0, 1.0))
                ))
            })
            .collect();
        if !points.is_empty() {
            let _ = write!(
                svg,
                r#"<polyline points="{}" fill="none" stroke="{colour}" stroke-width="3"/>"#,
                points.join(" ")
            );
        }
        let lx = left + 190.0 * which as f64;
        let _ = write!(
            svg,
            r#"<rect x="{lx}" y="262" width="14" height="14" fill="{colour}"/><text x="{tx}" y="274" font-size="13" fill="{INK}">{name}</text>"#,
            tx = lx + 20.0,
            name = escape(&legend[which]),
        );
    }
    svg.push_str("</svg>");
    svg
}

pub struct TableRow {
    pub name: String,
    pub created: i64,
    pub resolved: i64,
    pub accepted: i64,
    pub response: String,
    pub resolution: String,
    pub satisfaction: String,
}

pub(crate) fn table(slices: &[Slice]) -> Vec<TableRow> {
    slices
        .iter()
        .map(|slice| TableRow {
            name: slice.name.clone(),
            created: slice.counts.created,
            resolved: slice.counts.resolved,
            accepted: slice.counts.accepted,
            response: percent(slice.response_rate),
            resolution: percent(slice.resolution_rate),
            satisfaction: percent(slice.satisfaction_rate),
        })
        .collect()
}

pub struct Figure {
    pub label: String,
    pub value: String,
}

#[derive(Template)]
#[template(path = "stats.html")]
struct StatsPage {
    page: PageContext,
    from: String,
    to: String,
    figures: Vec<Figure>,
    rates_chart: String,
    trend_chart: String,
    category_chart: String,
    building_chart: String,
    months: Vec<TableRow>,
    categories: Vec<TableRow>,
    buildings: Vec<TableRow>,
    grids: Vec<TableRow>,
    organisations: Vec<TableRow>,
    /// The month under way, `2026-11`: the latest the monthly report may be asked for.
    this_month: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct RangeQuery {
    from: Option<String>,
    to: Option<String>,
}

fn parse_day(raw: Option<&str>) -> Result<Option<NaiveDate>, ApiError> {
    match raw.map(str::trim).filter(|raw| !raw.is_empty()) {
        None => Ok(None),
        Some(raw) => NaiveDate::parse_from_str(raw, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| {
                linli_domain::ValidationError::new("statistics.range_invalid", "from").into()
            }),
    }
}

fn minutes_in_words(minutes: Option<f64>) -> String {
    match minutes {
        None => "—".to_owned(),
        Some(minutes) if minutes < 120.0 => {
            text("page.time.minutes", &[("minutes", format!("{minutes:.0}"))])
        }
        Some(minutes) if minutes < 2880.0 => text(
            "page.stats.hours",
            &[("hours", format!("{:.1}", minutes / 60.0))],
        ),
        Some(minutes) => text(
            "page.stats.days",
            &[("days", format!("{:.1}", minutes / 1440.0))],
        ),
    }
}

pub async fn stats_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(range): Query<RangeQuery>,
) -> PageResult {
    let signed_in = viewer.require()?;
    let community = signed_in
        .community
        .as_ref()
        .ok_or_else(ApiError::forbidden)?
        .id;
    let today = state
        .clock
        .now()
        .with_timezone(&linli_domain::calendar::shanghai())
        .date_naive();
    let to = parse_day(range.to.as_deref())?.unwrap_or(today);
    // Six months by default: enough for a trend, small enough to read.
    let default_from = {
        let months_back = to.year() * 12 + i32::try_from(to.month0()).unwrap_or(0) - 5;
        NaiveDate::from_ymd_opt(
            months_back / 12,
            u32::try_from(months_back % 12).unwrap_or(0) + 1,
            1,
        )
        .unwrap_or(to)
    };
    let from = parse_day(range.from.as_deref())?.unwrap_or(default_from);
    let statistics: Statistics = linli_app::statistics::report(
        &state,
        &signed_in.user,
        &StatisticsRequest {
            community_id: Some(community),
            from: Some(from),
            to: Some(to),
            ..StatisticsRequest::default()
        },
    )
    .await
    .map_err(ApiError::from)?
    .into();
    let totals = &statistics.totals;
    let rate_names = [
        text("page.stats.response_rate", &[]),
        text("page.stats.resolution_rate", &[]),
        text("page.stats.satisfaction_rate", &[]),
    ];
    let figures = vec![
        Figure {
            label: text("page.stats.created", &[]),
            value: totals.counts.created.to_string(),
        },
        Figure {
            label: text("page.stats.open_now", &[]),
            value: statistics.now.open.to_string(),
        },
        Figure {
            label: text("page.stats.overdue_now", &[]),
            value: statistics.now.overdue.to_string(),
        },
        Figure {
            label: text("page.stats.median_sign", &[]),
            value: minutes_in_words(statistics.median_minutes_to_sign),
        },
        Figure {
            label: text("page.stats.median_resolve", &[]),
            value: minutes_in_words(statistics.median_minutes_to_resolve),
        },
        Figure {
            label: text("page.stats.resolved_through_projects", &[]),
            value: statistics.projects.resolved_through_projects.to_string(),
        },
        Figure {
            label: text("page.stats.decided_after_escalation", &[]),
            value: statistics.projects.decided_after_escalation.to_string(),
        },
        Figure {
            label: text("page.stats.median_escalation_to_decision", &[]),
            value: minutes_in_words(statistics.projects.median_minutes_escalation_to_decision),
        },
    ];
    let rates_chart = rate_bars(
        &text("page.stats.rates", &[]),
        &[
            (rate_names[0].clone(), totals.response_rate),
            (rate_names[1].clone(), totals.resolution_rate),
            (rate_names[2].clone(), totals.satisfaction_rate),
        ],
    );
    let counted = |slices: &[Slice]| -> Vec<(String, i64)> {
        let mut rows: Vec<(String, i64)> = slices
            .iter()
            .map(|slice| (slice.name.clone(), slice.counts.created))
            .filter(|(_, created)| *created > 0)
            .collect();
        rows.sort_by_key(|row| std::cmp::Reverse(row.1));
        rows.truncate(12);
        rows
    };
    Ok(render(&StatsPage {
        page: viewer.context(text("page.stats.title", &[]), "stats"),
        from: from.to_string(),
        to: to.to_string(),
        this_month: today.format("%Y-%m").to_string(),
        figures,
        rates_chart,
        trend_chart: monthly_trend(
            &text("page.stats.trend", &[]),
            &statistics.by_month,
            &rate_names,
        ),
        category_chart: horizontal_bars(
            &text("page.stats.by_category", &[]),
            &counted(&statistics.by_category),
        ),
        building_chart: horizontal_bars(
            &text("page.stats.by_building", &[]),
            &counted(&statistics.by_building),
        ),
        months: table(&statistics.by_month),
        categories: table(&statistics.by_category),
        buildings: table(&statistics.by_building),
        grids: table(&statistics.by_grid),
        organisations: table(&statistics.by_organisation),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_escaped_inside_the_svg() {
        let svg = horizontal_bars("t", &[("<script>&".to_owned(), 3)]);
        assert!(svg.contains("&lt;script&gt;&amp;"));
        assert!(!svg.contains("<script>"));
    }

    #[test]
    fn bars_are_scaled_to_the_largest_value() {
        let svg = horizontal_bars("t", &[("a".to_owned(), 10), ("b".to_owned(), 5)]);
        assert!(svg.contains(r#"width="400""#));
        assert!(svg.contains(r#"width="200""#));
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct MonthQuery {
    month: Option<String>,
}

/// `/stats/monthly.xlsx?month=2026-11`: the monthly report of the viewer's community.
pub async fn monthly_report(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<MonthQuery>,
) -> PageResult {
    let signed_in = viewer.require()?;
    let community = signed_in
        .community
        .as_ref()
        .ok_or_else(ApiError::forbidden)?
        .id;
    let request = linli_app::reports::MonthlyRequest {
        community_id: Some(community),
        street_id: None,
        month: query.month.unwrap_or_default(),
    };
    Ok(crate::reports::download(&state, &signed_in.user, &request)
        .await?
        .into_response())
}
