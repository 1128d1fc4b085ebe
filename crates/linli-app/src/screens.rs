//! The big screen (大屏) of the joint office: who may watch a community's or a street's
//! screen, the tokens its televisions hold, and the figures it shows. How they look is
//! the adapter's (`linli-web/src/screen.rs`).

use crate::{App, AppError, AppResult, Caller, Refusal};
use chrono::{DateTime, Datelike, Utc};
use linli_domain::access;
use linli_domain::calendar::shanghai;
use linli_domain::ids::{CommunityId, StreetId};
use linli_domain::permissions::Place;
use linli_domain::statistics::Counts;
use linli_domain::work_orders::Status;
use linli_store::live::ScreenToken;
use linli_store::passwords::{new_session_token, token_hash};
use linli_store::work_orders::{ListOrder, WorkOrderFilter};
use std::collections::HashMap;

/// What a screen shows: one community, or a whole street's communities added up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScreenScope {
    Community(i64),
    Street(i64),
}

impl ScreenScope {
    pub fn parse(kind: &str, id: i64) -> Option<Self> {
        match kind {
            "community" => Some(Self::Community(id)),
            "street" => Some(Self::Street(id)),
            _ => None,
        }
    }

    pub fn kind(self) -> &'static str {
        match self {
            Self::Community(_) => "community",
            Self::Street(_) => "street",
        }
    }

    pub fn id(self) -> i64 {
        match self {
            Self::Community(id) | Self::Street(id) => id,
        }
    }
}

/// The communities a scope covers, and its title.
pub async fn covered(app: &App, scope: ScreenScope) -> AppResult<(Vec<i64>, String)> {
    Ok(match scope {
        ScreenScope::Community(id) => {
            let community = app.store.community(CommunityId(id)).await?;
            (vec![community.id], community.name)
        }
        ScreenScope::Street(id) => {
            let street = app.store.street(StreetId(id)).await?;
            let communities = app.store.communities(Some(StreetId(id))).await?;
            (
                communities.iter().map(|community| community.id).collect(),
                street.name,
            )
        }
    })
}

/// A television's screen token, valid for exactly its scope.
pub async fn admit_token(app: &App, scope: ScreenScope, token: &str) -> AppResult<()> {
    let found = app
        .store
        .screen_by_token(&token_hash(token))
        .await?
        .ok_or_else(|| AppError::unauthenticated("screen.token_invalid"))?;
    if ScreenScope::parse(&found.scope_kind, found.scope_id) != Some(scope) {
        return Err(AppError::refused(
            "screen.token_elsewhere",
            Refusal::Forbidden,
        ));
    }
    Ok(())
}

/// A signed-in person watches a screen if they are staff of every community it covers
/// or oversee its whole scope (`linli_domain::access::may_watch`).
pub async fn admit_caller(app: &App, caller: &Caller, scope: ScreenScope) -> AppResult<()> {
    let (communities, _) = covered(app, scope).await?;
    let mut places = Vec::with_capacity(communities.len());
    for community in &communities {
        places.push(app.store.community(CommunityId(*community)).await?.place());
    }
    let scope_place = match scope {
        ScreenScope::Community(_) => places.first().copied(),
        ScreenScope::Street(id) => Some(Place::Street(StreetId(id))),
    };
    if scope_place.is_some_and(|place| access::may_watch(caller.grants(), place, &places)) {
        Ok(())
    } else {
        Err(AppError::forbidden())
    }
}

/// Who may hand out screens of a scope: its administrators, and a community's supervisor.
async fn may_manage(app: &App, caller: &Caller, scope: ScreenScope) -> AppResult<()> {
    let (place, community) = match scope {
        ScreenScope::Community(id) => (
            app.store.community(CommunityId(id)).await?.place(),
            Some(CommunityId(id)),
        ),
        ScreenScope::Street(id) => {
            app.store.street(StreetId(id)).await?;
            (Place::Street(StreetId(id)), None)
        }
    };
    caller.require_office_head(place, community)
}

/// A token for an office television, shown once.
pub async fn create_screen(
    app: &App,
    caller: &Caller,
    scope: ScreenScope,
    name: &str,
) -> AppResult<(ScreenToken, String)> {
    may_manage(app, caller, scope).await?;
    let name = linli_domain::registry::Name::parse(name, "name", 40)?;
    let token = new_session_token()?;
    let screen = app
        .store
        .create_screen_token(
            scope.kind(),
            scope.id(),
            name.as_str(),
            &token_hash(&token),
            caller.person,
            app.clock.now(),
        )
        .await?;
    Ok((screen, token))
}

/// The television's token stops working.
pub async fn revoke_screen(app: &App, caller: &Caller, id: i64) -> AppResult<()> {
    let screen = app.store.screen_token(id).await?;
    let scope = ScreenScope::parse(&screen.scope_kind, screen.scope_id).ok_or_else(|| {
        AppError::internal(format!(
            "screen token {id} has the unknown scope {:?}",
            screen.scope_kind
        ))
    })?;
    may_manage(app, caller, scope).await?;
    app.store.revoke_screen_token(id, app.clock.now()).await?;
    Ok(())
}

/// A category as the screen names it.
#[derive(Debug, Clone, Default)]
pub struct CategoryName {
    pub name: String,
    pub name_en: String,
    pub icon: String,
}

/// One building's cell: its name and number, and how many work orders are open there.
#[derive(Debug, Clone)]
pub struct BuildingOpen {
    pub name: String,
    pub number: String,
    pub open: i64,
}

/// One of the latest work orders, with the names it is shown with.
#[derive(Debug, Clone)]
pub struct Latest {
    pub number: i64,
    pub category: CategoryName,
    pub building: Option<String>,
    pub status: Status,
    pub created_at: DateTime<Utc>,
}

/// Everything a big screen shows, as figures.
#[derive(Debug, Clone)]
pub struct ScreenFigures {
    pub title: String,
    pub at: DateTime<Utc>,
    pub today_new: i64,
    /// Work orders per open status now.
    pub open_by_status: Vec<(Status, i64)>,
    pub overdue: i64,
    /// This month's counts (the three rates come from them).
    pub month: Counts,
    /// This month's reports per category, most first, at most eight.
    pub by_category: Vec<(CategoryName, i64)>,
    pub buildings: Vec<BuildingOpen>,
    /// A community's grids with the work orders open in their buildings, then those open
    /// in buildings of no grid (`None`) when there are any; empty on a street's screen
    /// and where no grids are drawn.
    pub by_grid: Vec<(Option<String>, i64)>,
    pub latest: Vec<Latest>,
    /// Projects under way, the most recently moved first, at most three.
    pub projects: Vec<ScreenProject>,
}

/// A project under way as the big screen shows it: how far along, and its latest step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScreenProject {
    pub title: String,
    pub percent_done: i64,
    /// The last batch done, or else the next one planned: (title, done, day).
    pub milestone: Option<(String, bool, String)>,
}

/// Projects on a screen.
const PROJECTS: usize = 3;

/// The projects under way in `communities`, for the screen.
async fn projects_under_way(app: &App, communities: &[i64]) -> AppResult<Vec<ScreenProject>> {
    let mut under_way = Vec::new();
    for community in communities {
        for project in app.store.projects(CommunityId(*community), 100).await? {
            if project.status == linli_domain::projects::ProjectStatus::InProgress {
                under_way.push(project);
            }
        }
    }
    under_way.sort_by(|a, b| b.updated_at.cmp(&a.updated_at).then(b.id.cmp(&a.id)));
    let mut shown = Vec::new();
    for project in under_way.into_iter().take(PROJECTS) {
        let milestones = app.store.project_milestones(project.id).await?;
        let done = milestones
            .iter()
            .filter_map(|milestone| {
                let day = milestone.actual_end.clone()?;
                Some((milestone.title.clone(), true, day))
            })
            .max_by(|a, b| a.2.cmp(&b.2));
        let next = || {
            milestones
                .iter()
                .filter(|milestone| milestone.actual_end.is_none())
                .min_by(|a, b| a.planned_start.cmp(&b.planned_start))
                .map(|milestone| {
                    (
                        milestone.title.clone(),
                        false,
                        milestone.planned_start.clone(),
                    )
                })
        };
        shown.push(ScreenProject {
            title: project.title,
            percent_done: project.percent_done,
            milestone: done.or_else(next),
        });
    }
    Ok(shown)
}

impl ScreenFigures {
    pub fn open(&self) -> i64 {
        self.open_by_status.iter().map(|(_, count)| count).sum()
    }
}

/// Work orders in the ticker.
const LATEST: i64 = 10;

/// The figures of a scope now. The caller has been admitted.
pub async fn figures(app: &App, scope: ScreenScope) -> AppResult<ScreenFigures> {
    let (communities, title) = covered(app, scope).await?;
    let now = app.clock.now();
    let today = now.with_timezone(&shanghai()).date_naive();
    let month_start = today.with_day(1).unwrap_or(today);
    let month = app
        .store
        .statistics(&communities, month_start, today, now)
        .await?;
    let today_new = month
        .by_day
        .iter()
        .filter(|(day, _)| *day == today)
        .map(|(_, counts)| counts.created)
        .sum();
    let mut categories = HashMap::new();
    let mut offered = std::collections::HashSet::new();
    let mut buildings = Vec::new();
    for community in &communities {
        for category in app.store.categories(CommunityId(*community)).await? {
            if category.active {
                offered.insert(category.id);
            }
            categories.insert(
                category.id,
                CategoryName {
                    name: category.name,
                    name_en: category.name_en,
                    icon: category.icon,
                },
            );
        }
        buildings.extend(app.store.buildings(CommunityId(*community)).await?);
    }
    let open_by_building: HashMap<i64, i64> = app
        .store
        .open_by_building(&communities)
        .await?
        .into_iter()
        .collect();
    let open_by_status = Status::ALL
        .into_iter()
        .filter(|status| status.is_open())
        .map(|status| {
            let count = month
                .status_now
                .iter()
                .filter(|(key, _)| key == status.as_str())
                .map(|(_, count)| *count)
                .sum();
            (status, count)
        })
        .collect();
    // Every category offered, this month's reports in each (none too), most first: the
    // screen's rows stay where they are from day to day. Communities share the default
    // categories, so a street's screen adds them up by name.
    let mut by_category: Vec<(CategoryName, i64)> = Vec::new();
    for (id, category) in &categories {
        let created: i64 = month
            .by_category
            .iter()
            .filter(|(counted, _)| counted == id)
            .map(|(_, counts)| counts.created)
            .sum();
        if created == 0 && !offered.contains(id) {
            continue;
        }
        match by_category
            .iter_mut()
            .find(|(named, _)| named.name == category.name)
        {
            Some((_, count)) => *count += created,
            None => by_category.push((category.clone(), created)),
        }
    }
    by_category.sort_by(|(a, a_count), (b, b_count)| {
        b_count.cmp(a_count).then_with(|| a.name.cmp(&b.name))
    });
    let latest = app
        .store
        .list_work_orders(&WorkOrderFilter {
            communities: communities.clone(),
            order: ListOrder::Newest,
            limit: LATEST,
            ..WorkOrderFilter::default()
        })
        .await?;
    let building_names: HashMap<i64, String> = buildings
        .iter()
        .map(|building| (building.id, building.name.clone()))
        .collect();
    let latest = latest
        .into_iter()
        .map(|order| Latest {
            number: order.number,
            category: categories
                .get(&order.category_id)
                .cloned()
                .unwrap_or_default(),
            building: order
                .building_id
                .and_then(|id| building_names.get(&id).cloned()),
            status: order.status,
            created_at: order.created_at,
        })
        .collect();
    let by_grid = match scope {
        ScreenScope::Community(community) => {
            open_by_grid(app, community, &buildings, &open_by_building).await?
        }
        ScreenScope::Street(_) => Vec::new(),
    };
    Ok(ScreenFigures {
        title,
        at: now,
        today_new,
        open_by_status,
        overdue: month.overdue_now,
        month: month.totals,
        by_category,
        buildings: buildings
            .into_iter()
            .map(|building| BuildingOpen {
                open: open_by_building.get(&building.id).copied().unwrap_or(0),
                name: building.name,
                number: building.number,
            })
            .collect(),
        by_grid,
        latest,
        projects: projects_under_way(app, &communities).await?,
    })
}

/// The open work orders of a community's buildings added up by grid; the buildings of
/// no grid make the last row, so the rows add up to the buildings' cells.
async fn open_by_grid(
    app: &App,
    community: i64,
    buildings: &[linli_store::registry::Building],
    open_by_building: &HashMap<i64, i64>,
) -> AppResult<Vec<(Option<String>, i64)>> {
    let grids = app.store.grids(CommunityId(community)).await?;
    if grids.is_empty() {
        return Ok(Vec::new());
    }
    let open = |building: i64| open_by_building.get(&building).copied().unwrap_or(0);
    let mut rows: Vec<(Option<String>, i64)> = grids
        .iter()
        .map(|grid| {
            let count = grid.buildings.iter().map(|b| open(b.building_id)).sum();
            (Some(grid.name.clone()), count)
        })
        .collect();
    let in_a_grid: std::collections::HashSet<i64> = grids
        .iter()
        .flat_map(|grid| grid.buildings.iter().map(|b| b.building_id))
        .collect();
    let elsewhere: i64 = buildings
        .iter()
        .filter(|building| !in_a_grid.contains(&building.id))
        .map(|building| open(building.id))
        .sum();
    if elsewhere > 0 {
        rows.push((None, elsewhere));
    }
    Ok(rows)
}
