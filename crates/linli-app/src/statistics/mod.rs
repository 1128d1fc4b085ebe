//! The figures of a community or a street over a range of days: the three rates of the
//! 12345 hotlines, counts by category, building, party and month, medians, and what is
//! open and overdue now. Read from counters kept with each change, never by scanning
//! work orders. Figures once read are kept a moment for the next asker ([`kept`]).

pub(crate) mod kept;

use crate::{App, AppError, AppResult, Caller};
use chrono::{Datelike, NaiveDate};
use linli_domain::access;
use linli_domain::calendar::shanghai;
use linli_domain::ids::{CommunityId, StreetId};
use linli_domain::permissions::Place;
use linli_domain::statistics::{Counts, median_minutes, median_of};
use linli_store::breakdown_names::Named;
use linli_store::registry::Community;
use std::collections::{BTreeMap, HashMap};

/// Longest range, in days.
const LONGEST_RANGE_DAYS: i64 = 3 * 366;

/// Which figures a caller asks for: a community or a street, and a range of days.
#[derive(Debug, Clone, Default)]
pub struct StatisticsRequest {
    pub community_id: Option<i64>,
    pub street_id: Option<i64>,
    /// First day, Shanghai time; the first of `to`'s month when absent.
    pub from: Option<NaiveDate>,
    /// Last day, inclusive; today when absent.
    pub to: Option<NaiveDate>,
}

/// One row of a breakdown: what it is of, and its counts.
#[derive(Debug, Clone, PartialEq)]
pub struct Breakdown {
    /// The category, building or organisation (none for a month, or for "not assigned").
    pub id: Option<i64>,
    /// The month, `2026-10`.
    pub key: Option<String>,
    /// Its name; none for work orders not assigned to any.
    pub name: Option<String>,
    pub counts: Counts,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StatisticsReport {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub communities: Vec<i64>,
    pub totals: Counts,
    pub median_minutes_to_sign: Option<f64>,
    pub median_minutes_to_resolve: Option<f64>,
    pub by_category: Vec<Breakdown>,
    pub by_building: Vec<Breakdown>,
    pub by_organisation: Vec<Breakdown>,
    /// The buildings regrouped by grid (网格); buildings in no grid under "not assigned".
    pub by_grid: Vec<Breakdown>,
    pub by_month: Vec<Breakdown>,
    /// Work orders per status now (none with zero).
    pub by_status_now: BTreeMap<String, i64>,
    pub open_now: i64,
    pub overdue_now: i64,
    pub projects: ProjectFigures,
}

/// What the joint meetings and their projects did in the range.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProjectFigures {
    /// Work orders a project's completion resolved.
    pub resolved_through_projects: i64,
    /// Escalated work orders a meeting decided on.
    pub decided_after_escalation: i64,
    /// The median time from a work order's first escalation to the meeting's decision.
    pub median_minutes_escalation_to_decision: Option<f64>,
}

/// The projects' figures for `communities` over the days `from`..=`to` (Shanghai).
async fn project_figures(
    app: &App,
    communities: &[i64],
    from: NaiveDate,
    to: NaiveDate,
) -> AppResult<ProjectFigures> {
    let start = |day: NaiveDate| {
        day.and_hms_opt(0, 0, 0)
            .and_then(|midnight| midnight.and_local_timezone(shanghai()).single())
            .map(|at| at.with_timezone(&chrono::Utc))
            .ok_or_else(|| AppError::internal(format!("no Shanghai midnight on {day}")))
    };
    let (begin, end) = (start(from)?, start(to + chrono::Days::new(1))?);
    let mut figures = ProjectFigures {
        resolved_through_projects: app
            .store
            .resolved_through_projects(communities, begin, end)
            .await?,
        ..ProjectFigures::default()
    };
    let minutes: Vec<i64> = app
        .store
        .decision_timings(communities, begin, end)
        .await?
        .iter()
        .map(|timing| {
            (timing.decided_at - timing.escalated_at)
                .num_minutes()
                .max(0)
        })
        .collect();
    figures.decided_after_escalation = i64::try_from(minutes.len()).unwrap_or(i64::MAX);
    figures.median_minutes_escalation_to_decision = median_of(&minutes);
    Ok(figures)
}

/// The communities a request covers, once the caller may see their statistics.
async fn covered(
    app: &App,
    caller: &Caller,
    request: &StatisticsRequest,
) -> AppResult<Vec<Community>> {
    match (request.community_id, request.street_id) {
        (Some(id), None) => {
            let community = app.store.community(CommunityId(id)).await?;
            if access::may_read_statistics(caller.grants(), community.place()) {
                Ok(vec![community])
            } else {
                Err(AppError::forbidden())
            }
        }
        (None, Some(id)) => {
            let street = StreetId(id);
            app.store.street(street).await?;
            if !access::may_read_statistics(caller.grants(), Place::Street(street)) {
                return Err(AppError::forbidden());
            }
            Ok(app.store.communities(Some(street)).await?)
        }
        _ => Err(AppError::invalid(
            "statistics.scope_required",
            "community_id",
        )),
    }
}

/// The building rows regrouped by grid, named; rows of none come last.
fn by_grid(
    names: &HashMap<i64, String>,
    grid_of: &HashMap<i64, i64>,
    by_building: &[(i64, Counts)],
) -> Vec<Breakdown> {
    if names.is_empty() {
        return Vec::new();
    }
    let rows: Vec<(Option<i64>, Counts)> = by_building
        .iter()
        .map(|(building, counts)| ((*building != 0).then_some(*building), *counts))
        .collect();
    let mut grouped: Vec<Breakdown> = linli_domain::grids::by_grid(&rows, grid_of)
        .into_iter()
        .filter(|(_, counts)| !counts.is_zero())
        .map(|(grid, counts)| Breakdown {
            id: grid,
            key: None,
            name: grid.and_then(|grid| names.get(&grid).cloned()),
            counts,
        })
        .collect();
    // BTreeMap puts None first; "not in a grid" reads best last.
    grouped.sort_by_key(|row| row.id.is_none());
    grouped
}

pub async fn report(
    app: &App,
    caller: &Caller,
    request: &StatisticsRequest,
) -> AppResult<StatisticsReport> {
    let communities = covered(app, caller, request).await?;
    figures_of(app, &communities, request).await
}

/// The figures of communities the caller was cleared for (or the public board's, whose
/// figures carry no one's personal data).
pub(crate) async fn figures_of(
    app: &App,
    communities: &[Community],
    request: &StatisticsRequest,
) -> AppResult<StatisticsReport> {
    let now = app.clock.now();
    let today = now.with_timezone(&shanghai()).date_naive();
    let to = request.to.unwrap_or(today);
    let from = request.from.unwrap_or_else(|| to.with_day(1).unwrap_or(to));
    if from > to || (to - from).num_days() > LONGEST_RANGE_DAYS {
        return Err(AppError::invalid("statistics.range_invalid", "from"));
    }
    let ids: Vec<i64> = communities.iter().map(|community| community.id).collect();
    let read = read_figures(app, communities, &ids, (from, to), now);
    app.kept_figures
        .get_or_read(&app.store, &ids, (from, to), now, read)
        .await
}

/// Reads the figures of `communities` (whose ids are `ids`) over `from..=to`.
async fn read_figures(
    app: &App,
    communities: &[Community],
    ids: &[i64],
    (from, to): (NaiveDate, NaiveDate),
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<StatisticsReport> {
    let figures = app.store.statistics(ids, from, to, now).await?;

    let mut categories = HashMap::new();
    for community in communities {
        for category in app.store.categories(CommunityId(community.id)).await? {
            categories.insert(category.id, category.name);
        }
    }
    let names = app.store.breakdown_names(ids).await?;
    // A street's buildings carry their community's name: every community has a 1号楼.
    let community_names: HashMap<i64, &str> = communities
        .iter()
        .map(|community| (community.id, community.name.as_str()))
        .collect();
    let prefixed = |named: &HashMap<i64, Named>| -> HashMap<i64, String> {
        named
            .iter()
            .map(|(id, named)| {
                let name = match community_names.get(&named.community_id) {
                    Some(community) if communities.len() > 1 => {
                        format!("{community} {}", named.name)
                    }
                    _ => named.name.clone(),
                };
                (*id, name)
            })
            .collect()
    };
    let buildings = prefixed(&names.buildings);
    let grids = prefixed(&names.grids);
    let organisations = names.organisations;
    let grid_of = names.grid_of;
    let named = |names: &HashMap<i64, String>, rows: &[(i64, Counts)]| -> Vec<Breakdown> {
        rows.iter()
            .filter(|(_, counts)| !counts.is_zero())
            .map(|(id, counts)| Breakdown {
                id: (*id != 0).then_some(*id),
                key: None,
                name: names.get(id).cloned(),
                counts: *counts,
            })
            .collect()
    };
    let mut months: BTreeMap<String, Counts> = BTreeMap::new();
    for (day, counts) in figures.by_month.iter().chain(&figures.by_day) {
        *months
            .entry(format!("{:04}-{:02}", day.year(), day.month()))
            .or_default() += *counts;
    }
    let open_now = figures
        .status_now
        .iter()
        .filter(|(status, _)| !matches!(status.as_str(), "closed" | "cancelled"))
        .map(|(_, count)| count)
        .sum();
    let projects = project_figures(app, ids, from, to).await?;
    Ok(StatisticsReport {
        from,
        to,
        communities: ids.to_vec(),
        totals: figures.totals,
        median_minutes_to_sign: median_minutes(&figures.sign_histogram),
        median_minutes_to_resolve: median_minutes(&figures.resolve_histogram),
        by_category: named(&categories, &figures.by_category),
        by_building: named(&buildings, &figures.by_building),
        by_organisation: named(&organisations, &figures.by_organisation),
        by_grid: by_grid(&grids, &grid_of, &figures.by_building),
        by_month: months
            .into_iter()
            .map(|(month, counts)| Breakdown {
                id: None,
                name: Some(month.clone()),
                key: Some(month),
                counts,
            })
            .collect(),
        by_status_now: figures
            .status_now
            .into_iter()
            .filter(|(_, count)| *count != 0)
            .collect(),
        open_now,
        overdue_now: figures.overdue_now,
        projects,
    })
}
