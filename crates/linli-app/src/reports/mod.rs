//! The monthly report (月报) a community's joint office sends up and a street compares
//! its communities by: the month's figures, their breakdowns, the last twelve months,
//! what is overdue, what residents said of the work, and the projects of the month.
//! Made of the statistics' own figures, so the workbook and the statistics page agree.
//! No one's name, phone or room is in it: residents' words are anonymised, as on the
//! public board.

use crate::statistics::{self, Breakdown, StatisticsReport, StatisticsRequest};
use crate::{App, AppError, AppResult, Caller};
use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};
use linli_domain::board::anonymise;
use linli_domain::calendar::shanghai;
use linli_domain::ids::{CommunityId, StreetId};
use linli_domain::projects::ProjectStatus;
use linli_store::projects::ProjectRow;
use linli_store::work_orders::{ListOrder, WorkOrderFilter};
use std::collections::HashMap;

/// The most rows a list of the report carries (overdue work orders, residents' words).
pub const LIST_MAX: i64 = 5000;

#[derive(Debug, Clone, Default)]
pub struct MonthlyRequest {
    pub community_id: Option<i64>,
    pub street_id: Option<i64>,
    /// `2026-11`.
    pub month: String,
}

/// A work order overdue when the report is made.
#[derive(Debug, Clone, PartialEq)]
pub struct OverdueLine {
    pub number: i64,
    pub community: String,
    pub category: String,
    pub building: String,
    /// The lead party ("" while waiting at triage).
    pub lead: String,
    pub status: &'static str,
    pub reported_at: DateTime<Utc>,
    /// The deadline it missed: triage's while waiting, else resolution's.
    pub deadline: DateTime<Utc>,
}

/// A resident's word on the work done.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedbackLine {
    pub number: i64,
    pub community: String,
    pub category: String,
    /// `accepted`, `return_visited` or `rejected`.
    pub kind: String,
    pub at: DateTime<Utc>,
    pub rating: Option<i64>,
    /// Anonymised.
    pub comment: String,
}

#[derive(Debug, Clone)]
pub struct ProjectLine {
    pub community: String,
    pub project: ProjectRow,
}

#[derive(Debug, Clone)]
pub struct MonthlyReport {
    /// The community's or the street's name.
    pub title: String,
    /// Whether it covers a street (its lists then name each row's community).
    pub street: bool,
    pub month: NaiveDate,
    /// The month's figures (to today, for the month under way).
    pub figures: StatisticsReport,
    /// The twelve months up to this one, oldest first, each present even when empty.
    pub twelve_months: Vec<Breakdown>,
    pub overdue: Vec<OverdueLine>,
    pub feedback: Vec<FeedbackLine>,
    pub projects: Vec<ProjectLine>,
    pub made_at: DateTime<Utc>,
}

/// The first day of `2026-11`, refused unless it is a month that has begun.
fn month_of(raw: &str, today: NaiveDate) -> AppResult<NaiveDate> {
    let first = NaiveDate::parse_from_str(&format!("{}-01", raw.trim()), "%Y-%m-%d")
        .map_err(|_| AppError::invalid("report.month_invalid", "month"))?;
    if first > today {
        return Err(AppError::invalid("report.month_in_future", "month"));
    }
    Ok(first)
}

fn start_of(day: NaiveDate) -> AppResult<DateTime<Utc>> {
    day.and_hms_opt(0, 0, 0)
        .and_then(|midnight| midnight.and_local_timezone(shanghai()).single())
        .map(|at| at.with_timezone(&Utc))
        .ok_or_else(|| AppError::internal(format!("no Shanghai midnight on {day}")))
}

pub async fn monthly(
    app: &App,
    caller: &Caller,
    request: &MonthlyRequest,
) -> AppResult<MonthlyReport> {
    let now = app.now();
    let today = now.with_timezone(&shanghai()).date_naive();
    let month = month_of(&request.month, today)?;
    let next_month = month + Months::new(1);
    let last_day = (next_month - chrono::Days::new(1)).min(today);
    let scope = StatisticsRequest {
        community_id: request.community_id,
        street_id: request.street_id,
        from: Some(month),
        to: Some(last_day),
    };
    // The statistics decide who may read the figures of this community or street.
    let figures = statistics::report(app, caller, &scope).await?;
    let ids = figures.communities.clone();
    if let Some(first) = app.store.first_set_up(&ids).await?
        && start_of(next_month)? <= first
    {
        return Err(AppError::invalid("report.month_before_community", "month"));
    }
    let year_ago = month - Months::new(11);
    let year = statistics::report(
        app,
        caller,
        &StatisticsRequest {
            from: Some(year_ago),
            ..scope.clone()
        },
    )
    .await?;
    let by_month: HashMap<String, Breakdown> = year
        .by_month
        .into_iter()
        .filter_map(|row| row.key.clone().map(|key| (key, row)))
        .collect();
    let twelve_months = (0..12)
        .map(|back| {
            let first = year_ago + Months::new(back);
            let key = format!("{:04}-{:02}", first.year(), first.month());
            by_month.get(&key).cloned().unwrap_or(Breakdown {
                id: None,
                name: Some(key.clone()),
                key: Some(key),
                counts: Default::default(),
            })
        })
        .collect();

    let names = Names::of(app, &ids).await?;
    let title = match (request.community_id, request.street_id) {
        (Some(id), _) => app.store.community(CommunityId(id)).await?.name,
        (_, Some(id)) => app.store.street(StreetId(id)).await?.name,
        _ => String::new(),
    };
    Ok(MonthlyReport {
        title,
        street: request.street_id.is_some(),
        month,
        overdue: overdue(app, &ids, &names, now).await?,
        feedback: feedback(app, &ids, &names, start_of(month)?, start_of(next_month)?).await?,
        projects: projects(app, &ids, &names, start_of(month)?, start_of(next_month)?).await?,
        figures,
        twelve_months,
        made_at: now,
    })
}

/// The names the lists show, by id, and everyone's names to take out of residents' words.
struct Names {
    communities: HashMap<i64, String>,
    categories: HashMap<i64, String>,
    buildings: HashMap<i64, String>,
    organisations: HashMap<i64, String>,
    people: Vec<String>,
}

impl Names {
    async fn of(app: &App, ids: &[i64]) -> AppResult<Self> {
        let mut names = Self {
            communities: HashMap::new(),
            categories: HashMap::new(),
            buildings: HashMap::new(),
            organisations: HashMap::new(),
            people: Vec::new(),
        };
        for id in ids {
            let community = CommunityId(*id);
            names
                .communities
                .insert(*id, app.store.community(community).await?.name);
            names.categories.extend(
                app.store
                    .categories(community)
                    .await?
                    .into_iter()
                    .map(|c| (c.id, c.name)),
            );
            names.buildings.extend(
                app.store
                    .buildings(community)
                    .await?
                    .into_iter()
                    .map(|b| (b.id, b.name)),
            );
            names.organisations.extend(
                app.store
                    .organisations(community)
                    .await?
                    .into_iter()
                    .map(|o| (o.id, o.name)),
            );
            names.people.extend(
                app.store
                    .people_of(community, None, 100_000)
                    .await?
                    .into_iter()
                    .map(|person| person.display_name),
            );
        }
        Ok(names)
    }

    fn name(map: &HashMap<i64, String>, id: Option<i64>) -> String {
        id.and_then(|id| map.get(&id).cloned()).unwrap_or_default()
    }
}

/// Overdue now, as the statistics count them: waiting past triage's deadline, or
/// dispatched or in progress past resolution's; the longest overdue first.
async fn overdue(
    app: &App,
    ids: &[i64],
    names: &Names,
    now: DateTime<Utc>,
) -> AppResult<Vec<OverdueLine>> {
    let orders = app
        .store
        .list_work_orders(&WorkOrderFilter {
            communities: ids.to_vec(),
            overdue_at: Some(now),
            order: ListOrder::Deadline,
            limit: LIST_MAX,
            ..WorkOrderFilter::default()
        })
        .await?;
    Ok(orders
        .into_iter()
        .map(|order| {
            let deadline = match order.status {
                linli_domain::work_orders::Status::Submitted => order.triage_deadline,
                _ => order.resolve_deadline,
            };
            OverdueLine {
                number: order.number,
                community: Names::name(&names.communities, Some(order.community_id)),
                category: Names::name(&names.categories, Some(order.category_id)),
                building: Names::name(&names.buildings, order.building_id),
                lead: Names::name(&names.organisations, order.lead_organisation_id),
                status: order.status.as_str(),
                reported_at: order.created_at,
                deadline: deadline.unwrap_or(order.created_at),
            }
        })
        .collect())
}

async fn feedback(
    app: &App,
    ids: &[i64],
    names: &Names,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> AppResult<Vec<FeedbackLine>> {
    let mut words = names.people.clone();
    let rows = app.store.feedback_between(ids, from, to, LIST_MAX).await?;
    words.extend(rows.iter().filter_map(|row| row.guest_name.clone()));
    Ok(rows
        .into_iter()
        .map(|row| FeedbackLine {
            number: row.number,
            community: Names::name(&names.communities, Some(row.community_id)),
            category: Names::name(&names.categories, Some(row.category_id)),
            kind: row.kind,
            at: row.at,
            rating: row.rating,
            comment: anonymise(&row.body, &words),
        })
        .collect())
}

/// Projects under way in the month: approved before its end, and not completed or
/// cancelled before its start.
async fn projects(
    app: &App,
    ids: &[i64],
    names: &Names,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> AppResult<Vec<ProjectLine>> {
    let mut lines = Vec::new();
    for id in ids {
        for project in crate::projects::list(app, None, *id).await? {
            let ended_before = match project.status {
                ProjectStatus::Completed => project.completed_at.is_some_and(|at| at < from),
                ProjectStatus::Cancelled => project.updated_at < from,
                _ => false,
            };
            if project.created_at < to && !ended_before {
                lines.push(ProjectLine {
                    community: Names::name(&names.communities, Some(*id)),
                    project,
                });
            }
        }
    }
    lines.sort_by_key(|line| line.project.created_at);
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_month_is_one_that_has_begun() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 15).unwrap_or_default();
        assert_eq!(
            month_of("2026-11", today).ok(),
            NaiveDate::from_ymd_opt(2026, 11, 1)
        );
        assert_eq!(
            month_of(" 2026-02 ", today).ok(),
            NaiveDate::from_ymd_opt(2026, 2, 1)
        );
        assert_eq!(
            month_of("2026-12", today).err().map(|e| e.code()),
            Some("report.month_in_future")
        );
        for wrong in ["2026-13", "2026/11", "11-2026", "", "2026-1x"] {
            assert_eq!(
                month_of(wrong, today).err().map(|e| e.code()),
                Some("report.month_invalid"),
                "{wrong}"
            );
        }
    }
}
