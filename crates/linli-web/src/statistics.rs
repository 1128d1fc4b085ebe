//! `GET /api/v1/statistics`: the three rates of the 12345 hotlines, counts by category,
//! building, party and month, medians, and what is open and overdue now — for one
//! community or a whole street, over a range of days. Read from counters kept with each
//! change, never by scanning work orders.

use crate::auth::CurrentUser;
use crate::error::ApiResult;
use crate::extract::ApiQuery;
use crate::locale::text;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use chrono::NaiveDate;
use linli_app::statistics::{self, Breakdown, StatisticsReport, StatisticsRequest};
use linli_domain::statistics::Counts;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct StatisticsQuery {
    pub(crate) community_id: Option<i64>,
    pub(crate) street_id: Option<i64>,
    /// First day, Shanghai time; the first of this month when absent.
    pub(crate) from: Option<NaiveDate>,
    /// Last day, inclusive; today when absent.
    pub(crate) to: Option<NaiveDate>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Slice {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) key: Option<String>,
    pub(crate) name: String,
    #[serde(flatten)]
    pub(crate) counts: Counts,
    pub(crate) response_rate: Option<f64>,
    pub(crate) resolution_rate: Option<f64>,
    pub(crate) satisfaction_rate: Option<f64>,
}

impl Slice {
    fn new(id: Option<i64>, key: Option<String>, name: String, counts: Counts) -> Self {
        Self {
            id,
            key,
            name,
            response_rate: counts.response_rate(),
            resolution_rate: counts.resolution_rate(),
            satisfaction_rate: counts.satisfaction_rate(),
            counts,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Now {
    pub(crate) by_status: BTreeMap<String, i64>,
    pub(crate) open: i64,
    pub(crate) overdue: i64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Statistics {
    pub(crate) from: NaiveDate,
    pub(crate) to: NaiveDate,
    pub(crate) communities: Vec<i64>,
    pub(crate) totals: Slice,
    pub(crate) median_minutes_to_sign: Option<f64>,
    pub(crate) median_minutes_to_resolve: Option<f64>,
    pub(crate) by_category: Vec<Slice>,
    pub(crate) by_building: Vec<Slice>,
    pub(crate) by_organisation: Vec<Slice>,
    /// By grid (网格), when the community has drawn grids; buildings in none last.
    pub(crate) by_grid: Vec<Slice>,
    pub(crate) by_month: Vec<Slice>,
    pub(crate) now: Now,
    pub(crate) projects: ProjectFigures,
}

/// What the joint meetings and their projects did in the range.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = StatisticsProjects)]
pub struct ProjectFigures {
    /// Work orders a project's completion resolved.
    pub(crate) resolved_through_projects: i64,
    /// Escalated work orders a joint meeting decided on.
    pub(crate) decided_after_escalation: i64,
    /// Median minutes from a work order's first escalation to the meeting's decision.
    pub(crate) median_minutes_escalation_to_decision: Option<f64>,
}

impl From<StatisticsQuery> for StatisticsRequest {
    fn from(query: StatisticsQuery) -> Self {
        Self {
            community_id: query.community_id,
            street_id: query.street_id,
            from: query.from,
            to: query.to,
        }
    }
}

fn slice(breakdown: Breakdown) -> Slice {
    named_slice(breakdown, "statistics.unassigned")
}

/// A row named, or called by `none_key`'s text when it is of none.
fn named_slice(breakdown: Breakdown, none_key: &str) -> Slice {
    let name = breakdown.name.unwrap_or_else(|| text(none_key, &[]));
    Slice::new(breakdown.id, breakdown.key, name, breakdown.counts)
}

impl From<StatisticsReport> for Statistics {
    fn from(report: StatisticsReport) -> Self {
        let slices = |rows: Vec<Breakdown>| rows.into_iter().map(slice).collect();
        Self {
            from: report.from,
            to: report.to,
            communities: report.communities,
            totals: Slice::new(None, None, text("statistics.total", &[]), report.totals),
            median_minutes_to_sign: report.median_minutes_to_sign,
            median_minutes_to_resolve: report.median_minutes_to_resolve,
            by_category: slices(report.by_category),
            by_building: slices(report.by_building),
            by_organisation: slices(report.by_organisation),
            by_grid: report
                .by_grid
                .into_iter()
                .map(|row| named_slice(row, "statistics.no_grid"))
                .collect(),
            by_month: slices(report.by_month),
            now: Now {
                by_status: report.by_status_now,
                open: report.open_now,
                overdue: report.overdue_now,
            },
            projects: ProjectFigures {
                resolved_through_projects: report.projects.resolved_through_projects,
                decided_after_escalation: report.projects.decided_after_escalation,
                median_minutes_escalation_to_decision: report
                    .projects
                    .median_minutes_escalation_to_decision,
            },
        }
    }
}

#[utoipa::path(
    get,
    path = "/api/v1/statistics",
    tag = "statistics",
    summary = "Rates, counts and medians of a community or a street",
    params(StatisticsQuery),
    responses((status = 200, body = Statistics)),
    security(("bearer" = []))
)]
pub async fn get(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<StatisticsQuery>,
) -> ApiResult<Json<Statistics>> {
    Ok(Json(
        statistics::report(&state, &user, &query.into())
            .await?
            .into(),
    ))
}
