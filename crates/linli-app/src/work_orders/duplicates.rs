//! Likely duplicates (`linli_domain::duplicates`): before reporting, a resident or the
//! desk is offered what neighbours already raised — "已有邻居反映过，点'我也遇到'" — and on
//! triage the duty officer sees the likely duplicates of a report and merges with one
//! click. Only what the caller may see is offered: a resident sees the public ones and
//! their own.

use crate::{App, AppError, AppResult, Caller};
use chrono::Duration;
use linli_domain::access;
use linli_domain::duplicates::{LIKELY, OFFERED, RECENT_DAYS, similarity};
use linli_domain::ids::CommunityId;
use linli_domain::work_orders::Status;
use linli_store::work_orders::{ListOrder, WorkOrderFilter, WorkOrderRow};

/// A report about to be made.
#[derive(Debug, Clone, Default)]
pub struct Draft {
    pub community_id: Option<i64>,
    pub category_id: Option<i64>,
    /// A category's code, instead of its id.
    pub category: Option<String>,
    /// The reporter's home building in the community when absent.
    pub building_id: Option<i64>,
    pub description: String,
}

/// An open work order that likely describes the same problem.
#[derive(Debug, Clone)]
pub struct Likely {
    pub order: WorkOrderRow,
    /// How alike the texts are, in [0, 1].
    pub similarity: f64,
    /// Whether the caller sees it as the public does (a neighbour's report).
    pub public: bool,
}

const OPEN: [Status; 4] = [
    Status::Submitted,
    Status::Dispatched,
    Status::InProgress,
    Status::OnHold,
];

/// The open, recent work orders of the same category and building whose text is alike,
/// the most alike first.
async fn alike(
    app: &App,
    caller: &Caller,
    community: i64,
    category_id: i64,
    building_id: i64,
    description: &str,
    except: Option<i64>,
) -> AppResult<Vec<Likely>> {
    let office = access::may_report_for_others(caller.grants(), CommunityId(community));
    let rows = app
        .store
        .list_work_orders(&WorkOrderFilter {
            communities: vec![community],
            statuses: OPEN.to_vec(),
            category_id: Some(category_id),
            building_id: Some(building_id),
            created_from: Some(app.now() - Duration::days(RECENT_DAYS)),
            order: ListOrder::Newest,
            limit: 200,
            ..WorkOrderFilter::default()
        })
        .await?;
    let mut likely: Vec<Likely> = rows
        .into_iter()
        .filter(|order| Some(order.id) != except && order.merged_into_id.is_none())
        .filter(|order| office || order.is_public || order.reporter_id == Some(caller.person.0))
        .map(|order| Likely {
            similarity: similarity(description, &order.description),
            public: !office && order.reporter_id != Some(caller.person.0),
            order,
        })
        .filter(|likely| likely.similarity >= LIKELY)
        .collect();
    likely.sort_by(|a, b| {
        b.similarity
            .total_cmp(&a.similarity)
            .then(b.order.id.cmp(&a.order.id))
    });
    likely.truncate(OFFERED);
    Ok(likely)
}

/// What a report about to be made likely repeats.
pub async fn for_draft(app: &App, caller: &Caller, draft: &Draft) -> AppResult<Vec<Likely>> {
    let community = crate::registry::community_of_request(app, caller, draft.community_id).await?;
    let category = app
        .store
        .categories(CommunityId(community.id))
        .await?
        .into_iter()
        .find(|category| {
            category.active
                && (Some(category.id) == draft.category_id
                    || draft.category.as_deref() == Some(category.code.as_str()))
        })
        .ok_or(AppError::invalid("work_order.category_unknown", "category"))?;
    let building = match draft.building_id {
        Some(building) => Some(
            crate::registry::building_in(app, community.id, building)
                .await?
                .id,
        ),
        None => app
            .store
            .rooms_of(caller.person)
            .await?
            .into_iter()
            .find(|room| room.community_id == community.id)
            .map(|room| room.building_id),
    };
    let Some(building) = building else {
        return Ok(Vec::new());
    };
    alike(
        app,
        caller,
        community.id,
        category.id,
        building,
        &draft.description,
        None,
    )
    .await
}

/// The likely duplicates of a work order, for the office that triages it.
pub async fn of_work_order(app: &App, caller: &Caller, id: i64) -> AppResult<Vec<Likely>> {
    let order = app.store.work_order(id).await?;
    if !access::may_report_for_others(caller.grants(), CommunityId(order.community_id)) {
        return Err(AppError::forbidden());
    }
    let Some(building) = order.building_id else {
        return Ok(Vec::new());
    };
    alike(
        app,
        caller,
        order.community_id,
        order.category_id,
        building,
        &order.description,
        Some(order.id),
    )
    .await
}
