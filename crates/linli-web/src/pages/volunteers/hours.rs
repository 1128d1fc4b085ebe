//! The hours as pages: a printable certificate of a volunteer's hours
//! (`/volunteers/certificate`, one's own or anyone's for staff) and the monthly league
//! (`/volunteers/league?month=2026-10`).

use super::community_of;
use crate::error::ApiError;
use crate::locale::text;
use crate::pages::context::{PageContext, PageResult, Viewer, local_time, render};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::IntoResponse;
use chrono::Months;
use linli_app::volunteers::hours::{self as use_cases};
use linli_domain::volunteers::hours_text;
use serde::Deserialize;

pub struct CertificateRow {
    pub activity: String,
    pub when: String,
    pub hours: String,
}

#[derive(Template)]
#[template(path = "volunteers_certificate.html")]
struct CertificatePage {
    page: PageContext,
    body: String,
    team: String,
    issued: String,
    rows: Vec<CertificateRow>,
    total: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct CertificateQuery {
    person_id: Option<i64>,
}

pub async fn certificate_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<CertificateQuery>,
) -> PageResult {
    let signed_in = viewer.require()?;
    let community = community_of(&viewer)?;
    let certificate = use_cases::certificate(&state, &signed_in.user, community, query.person_id)
        .await
        .map_err(ApiError::from)?;
    let total = hours_text(certificate.total_minutes);
    let page = CertificatePage {
        page: viewer.context(text("page.volunteers.certificate_title", &[]), "volunteers"),
        body: text(
            "page.volunteers.certificate_body",
            &[
                ("name", certificate.display_name.clone()),
                ("community", certificate.community_name.clone()),
                ("hours", total.clone()),
            ],
        ),
        team: certificate
            .team_name
            .as_ref()
            .map(|team| {
                text(
                    "page.volunteers.certificate_team",
                    &[("team", team.clone())],
                )
            })
            .unwrap_or_default(),
        issued: text(
            "page.volunteers.certificate_issued",
            &[("at", local_time(certificate.issued_at))],
        ),
        rows: certificate
            .lines
            .iter()
            .map(|line| CertificateRow {
                activity: line.record.activity_title.clone(),
                when: local_time(line.record.starts_at),
                hours: hours_text(line.minutes),
            })
            .collect(),
        total,
    };
    Ok(render(&page).into_response())
}

pub struct TeamRow {
    pub name: String,
    pub hours: String,
    pub volunteers: usize,
}

#[derive(Template)]
#[template(path = "volunteers_league.html")]
struct LeaguePage {
    page: PageContext,
    heading: String,
    previous: String,
    next: String,
    teams: Vec<TeamRow>,
    top: Vec<(String, String)>,
    total: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct LeagueQuery {
    month: Option<String>,
}

pub async fn league_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<LeagueQuery>,
) -> PageResult {
    let signed_in = viewer.require()?;
    let community = community_of(&viewer)?;
    let month = use_cases::month_of(&state, query.month.as_deref()).map_err(ApiError::from)?;
    let table = use_cases::league_table(&state, &signed_in.user, community, month)
        .await
        .map_err(ApiError::from)?;
    let shown = |month: Option<chrono::NaiveDate>| {
        month
            .map(|month| month.format("%Y-%m").to_string())
            .unwrap_or_default()
    };
    let page = LeaguePage {
        page: viewer.context(text("page.volunteers.league_link", &[]), "volunteers"),
        heading: text(
            "page.volunteers.league_title",
            &[("month", month.format("%Y-%m").to_string())],
        ),
        previous: shown(month.checked_sub_months(Months::new(1))),
        next: shown(month.checked_add_months(Months::new(1))),
        teams: table
            .teams
            .iter()
            .map(|team| TeamRow {
                name: team
                    .name
                    .clone()
                    .unwrap_or_else(|| text("page.volunteers.no_team_row", &[])),
                hours: hours_text(team.minutes),
                volunteers: team.volunteers,
            })
            .collect(),
        top: table
            .top
            .iter()
            .map(|(name, minutes)| (name.clone(), hours_text(*minutes)))
            .collect(),
        total: hours_text(table.total_minutes),
    };
    Ok(render(&page).into_response())
}
