//! The public board (公开栏) as a page, for anyone without signing in: the last twelve
//! months' figures and trend, the projects under way and the latest work orders closed,
//! anonymised; and a reporter's "不在公开栏展示" on their own work order.

use crate::error::ApiError;
use crate::locale::text;
use crate::pages::context::{PageContext, PageResult, Viewer, render, see_other};
use crate::pages::meetings::{Fields, caller_of};
use crate::pages::stats::{TableRow, horizontal_bars, monthly_trend, percent, rate_bars, table};
use crate::state::AppState;
use crate::statistics::Statistics;
use askama::Template;
use axum::extract::{Path, State};
use axum_extra::extract::Form;
use linli_app::board::{self, ClosedLine};

pub struct Figure {
    pub label: String,
    pub value: String,
}

pub struct ProjectLine {
    pub id: i64,
    pub title: String,
    pub owner: String,
    pub percent: i64,
}

#[derive(Template)]
#[template(path = "board.html")]
struct BoardPage {
    page: PageContext,
    community_name: String,
    period: String,
    figures: Vec<Figure>,
    rates_chart: String,
    trend_chart: String,
    category_chart: String,
    months: Vec<TableRow>,
    projects: Vec<ProjectLine>,
    projects_url: String,
    closed: Vec<ClosedLine>,
    anchors: Vec<linli_store::audit::AuditAnchor>,
}

pub async fn board_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(community): Path<i64>,
) -> PageResult {
    let board = board::read(&state, community)
        .await
        .map_err(ApiError::from)?;
    let community_name = board.community.name.clone();
    let community_id = board.community.id;
    let projects = board
        .projects
        .iter()
        .map(|project| ProjectLine {
            id: project.id,
            title: project.title.clone(),
            owner: project.owner_name.clone(),
            percent: project.percent_done,
        })
        .collect();
    let closed = board.closed.clone();
    let anchors = board.anchors.clone();
    let statistics: Statistics = board.figures.into();
    let totals = &statistics.totals;
    let rate_names = [
        text("page.stats.response_rate", &[]),
        text("page.stats.resolution_rate", &[]),
        text("page.stats.satisfaction_rate", &[]),
    ];
    let figures = vec![
        Figure {
            label: text("page.board.raised", &[]),
            value: totals.counts.created.to_string(),
        },
        Figure {
            label: text("page.board.resolved", &[]),
            value: totals.counts.resolved.to_string(),
        },
        Figure {
            label: text("page.board.open_now", &[]),
            value: statistics.now.open.to_string(),
        },
        Figure {
            label: rate_names[2].clone(),
            value: percent(totals.satisfaction_rate),
        },
    ];
    let mut categories: Vec<(String, i64)> = statistics
        .by_category
        .iter()
        .map(|slice| (slice.name.clone(), slice.counts.created))
        .filter(|(_, created)| *created > 0)
        .collect();
    categories.sort_by_key(|row| std::cmp::Reverse(row.1));
    Ok(render(&BoardPage {
        page: viewer.context(
            text("page.board.title", &[("community", community_name.clone())]),
            "board",
        ),
        period: text(
            "page.board.period",
            &[
                ("from", statistics.from.to_string()),
                ("to", statistics.to.to_string()),
            ],
        ),
        community_name,
        figures,
        rates_chart: rate_bars(
            &text("page.stats.rates", &[]),
            &[
                (rate_names[0].clone(), totals.response_rate),
                (rate_names[1].clone(), totals.resolution_rate),
                (rate_names[2].clone(), totals.satisfaction_rate),
            ],
        ),
        trend_chart: monthly_trend(
            &text("page.stats.trend", &[]),
            &statistics.by_month,
            &rate_names,
        ),
        category_chart: horizontal_bars(&text("page.stats.by_category", &[]), &categories),
        months: table(&statistics.by_month),
        projects,
        projects_url: format!("/public/communities/{community_id}/projects"),
        closed,
        anchors,
    }))
}

/// "不在公开栏展示": the reporter (or the office) takes a work order off the board.
pub async fn hide(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> PageResult {
    let caller = caller_of(&viewer, &fields)?;
    board::hide(&state, caller, id)
        .await
        .map_err(ApiError::from)?;
    see_other(&format!("/orders/{id}?done=hidden"))
}
