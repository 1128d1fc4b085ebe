//! The public board (公开栏): for anyone, without signing in, what the community raised
//! and what was done over the last twelve months — by month and category, the three
//! rates — the projects under way, and the latest work orders closed, their text
//! anonymised ("件件有回音"). Only work orders their reporter left public are shown, and a
//! reporter may take theirs off at any time.

use crate::statistics::{StatisticsReport, StatisticsRequest, figures_of};
use crate::{App, AppError, AppResult, Caller};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use linli_domain::access;
use linli_domain::board::anonymise;
use linli_domain::calendar::shanghai;
use linli_domain::ids::CommunityId;
use linli_domain::projects::ProjectStatus;
use linli_domain::work_orders::Status;
use linli_store::projects::ProjectRow;
use linli_store::registry::Community;
use linli_store::work_orders::{ListOrder, WorkOrderFilter};
use std::collections::HashMap;

/// How many closed work orders the board shows.
const LATEST: usize = 10;

/// A closed work order as the board shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct ClosedLine {
    pub number: i64,
    pub category: String,
    pub building: Option<String>,
    pub reported_on: NaiveDate,
    pub closed_on: NaiveDate,
    /// What was raised, anonymised.
    pub raised: String,
    /// What was done (the resolution's text), anonymised.
    pub done: String,
    /// The reporter's rating, 1–5, if they gave one.
    pub rating: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct Board {
    pub community: Community,
    pub figures: StatisticsReport,
    pub projects: Vec<ProjectRow>,
    pub closed: Vec<ClosedLine>,
    /// The heads of the community's tamper-evident record published on the last days
    /// (newest first): anyone may keep them and check the record against them later.
    pub anchors: Vec<linli_store::audit::AuditAnchor>,
}

/// Days of published chain heads the board shows.
const ANCHORS_SHOWN: i64 = 7;

fn local_day(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&shanghai()).date_naive()
}

/// The board of a community, for anyone.
pub async fn read(app: &App, community: i64) -> AppResult<Board> {
    let community = app.store.community(CommunityId(community)).await?;
    let id = CommunityId(community.id);
    let today = local_day(app.now());
    // Twelve months: this one and the eleven before.
    let months_back = today.year() * 12 + i32::try_from(today.month0()).unwrap_or(0) - 11;
    let from = NaiveDate::from_ymd_opt(
        months_back / 12,
        u32::try_from(months_back % 12).unwrap_or(0) + 1,
        1,
    )
    .unwrap_or(today);
    let figures = figures_of(
        app,
        std::slice::from_ref(&community),
        &StatisticsRequest {
            community_id: Some(community.id),
            from: Some(from),
            to: Some(today),
            ..StatisticsRequest::default()
        },
    )
    .await?;
    let projects = crate::projects::list(app, None, community.id)
        .await?
        .into_iter()
        .filter(|project| {
            matches!(
                project.status,
                ProjectStatus::Approved | ProjectStatus::InProgress
            )
        })
        .collect();
    Ok(Board {
        closed: latest_closed(app, id).await?,
        anchors: app.store.audit_anchors(id.0, ANCHORS_SHOWN).await?,
        community,
        figures,
        projects,
    })
}

async fn latest_closed(app: &App, community: CommunityId) -> AppResult<Vec<ClosedLine>> {
    let mut orders = app
        .store
        .list_work_orders(&WorkOrderFilter {
            communities: vec![community.0],
            statuses: vec![Status::Closed],
            public_only: true,
            order: ListOrder::Newest,
            limit: 50,
            ..WorkOrderFilter::default()
        })
        .await?;
    orders.sort_by_key(|order| std::cmp::Reverse(order.closed_at));
    orders.truncate(LATEST);
    if orders.is_empty() {
        return Ok(Vec::new());
    }
    // Everyone the community knows by name, and the visitors the desk wrote down.
    let mut names: Vec<String> = app
        .store
        .people_of(community, None, 100_000)
        .await?
        .into_iter()
        .map(|person| person.display_name)
        .collect();
    names.extend(orders.iter().filter_map(|order| order.guest_name.clone()));
    let categories: HashMap<i64, String> = app
        .store
        .categories(community)
        .await?
        .into_iter()
        .map(|category| (category.id, category.name))
        .collect();
    let buildings: HashMap<i64, String> = app
        .store
        .buildings(community)
        .await?
        .into_iter()
        .map(|building| (building.id, building.name))
        .collect();
    let mut lines = Vec::with_capacity(orders.len());
    for order in orders {
        let events = app.store.events(order.id, false).await?;
        let done = events
            .iter()
            .rev()
            .find(|event| event.kind == "resolved" && !event.internal)
            .and_then(|event| event.body.clone())
            .unwrap_or_default();
        lines.push(ClosedLine {
            number: order.number,
            category: categories
                .get(&order.category_id)
                .cloned()
                .unwrap_or_default(),
            building: order.building_id.and_then(|id| buildings.get(&id).cloned()),
            reported_on: local_day(order.created_at),
            closed_on: local_day(order.closed_at.unwrap_or(order.created_at)),
            raised: anonymise(&order.description, &names),
            done: anonymise(&done, &names),
            rating: order.rating,
        });
    }
    Ok(lines)
}

/// Takes a work order off the public board: its reporter, or the community's office.
pub async fn hide(app: &App, caller: &Caller, work_order: i64) -> AppResult<()> {
    let order = app.store.work_order(work_order).await?;
    let community = CommunityId(order.community_id);
    let reporter = order.reporter_id == Some(caller.person.0);
    if !reporter && !access::may_report_for_others(caller.grants(), community) {
        return Err(AppError::NotFound("work_order.not_found"));
    }
    Ok(app.store.hide_from_board(work_order).await?)
}
