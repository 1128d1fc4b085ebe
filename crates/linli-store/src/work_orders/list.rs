//! Lists of work orders: filters, text search and keyset pages.

use super::*;
use crate::db::{Store, stored_time};
use crate::error::StoreResult;

impl Store {
    /// One page of work orders in the filter's order.
    pub async fn list_work_orders(
        &self,
        filter: &WorkOrderFilter,
    ) -> StoreResult<Vec<WorkOrderRow>> {
        if filter.communities.is_empty() {
            return Ok(Vec::new());
        }
        let engine = self.engine();
        let text = filter
            .text
            .as_deref()
            .map(str::trim)
            .filter(|text| !text.is_empty());
        // On SQLite a text search in id order walks the text index itself, newest (or
        // oldest) match first, and stops at the page's end; see `search`.
        let fts = text
            .map(|text| crate::search::TextSearch::plan(engine, text, filter.order))
            .unwrap_or_default();
        on_pool!(&self.db, |pool| {
            let mut query = sqlx::QueryBuilder::new(format!(
                "SELECT {WORK_ORDER_COLUMNS} FROM {} WHERE community_id IN (",
                fts.from()
            ));
            let mut communities = query.separated(", ");
            for community in &filter.communities {
                communities.push_bind(*community);
            }
            query.push(")");
            if !filter.statuses.is_empty() {
                query.push(" AND status IN (");
                let mut statuses = query.separated(", ");
                for status in &filter.statuses {
                    statuses.push_bind(status.as_str());
                }
                query.push(")");
            }
            if let Some(category) = filter.category_id {
                query.push(" AND category_id = ").push_bind(category);
            }
            if let Some(building) = filter.building_id {
                query.push(" AND building_id = ").push_bind(building);
            }
            if let Some(grid) = filter.grid_id {
                query
                    .push(" AND building_id IN (SELECT building_id FROM grid_buildings WHERE grid_id = ")
                    .push_bind(grid)
                    .push(")");
            }
            if let Some(lead) = filter.lead_organisation_id {
                query.push(" AND lead_organisation_id = ").push_bind(lead);
            }
            if let Some(assignee) = filter.assignee_id {
                query.push(" AND assignee_id = ").push_bind(assignee);
            }
            if let Some(at) = filter.overdue_at {
                // Written as a subquery so that both planners take the deadline index (few
                // rows are overdue) instead of walking the community's rows in id order.
                // Not correlated with the outer row, so PostgreSQL runs it once.
                query.push(" AND id IN (SELECT o.id FROM work_orders o WHERE o.community_id IN (");
                let mut inner = query.separated(", ");
                for community in &filter.communities {
                    inner.push_bind(*community);
                }
                query
                    .push(") AND ((o.status = 'submitted' AND o.triage_deadline < ")
                    .push_bind(stored_time(at))
                    .push(
                        ") OR (o.status IN ('dispatched', 'in_progress') AND o.resolve_deadline < ",
                    )
                    .push_bind(stored_time(at))
                    .push(")))");
            }
            if let Some(person) = filter.involving_person {
                query
                    .push(" AND (reporter_id = ")
                    .push_bind(person)
                    .push(" OR EXISTS (SELECT 1 FROM work_order_followers f WHERE f.work_order_id = w.id AND f.person_id = ")
                    .push_bind(person)
                    .push("))");
            }
            if let Some(organisations) = &filter.handled_by {
                if organisations.is_empty() {
                    query.push(" AND FALSE");
                } else {
                    query.push(" AND (lead_organisation_id IN (");
                    let mut leads = query.separated(", ");
                    for organisation in organisations {
                        leads.push_bind(*organisation);
                    }
                    query.push(") OR EXISTS (SELECT 1 FROM work_order_co_handlers c WHERE c.work_order_id = w.id AND c.organisation_id IN (");
                    let mut co = query.separated(", ");
                    for organisation in organisations {
                        co.push_bind(*organisation);
                    }
                    query.push(")))");
                }
            }
            if filter.public_only {
                query.push(" AND is_public");
            }
            // Few are supervised or escalated: found through their partial indexes, as
            // a subquery so that no planner walks the community's history instead.
            for (wanted, flag) in [
                (filter.supervised_only, "supervised"),
                (filter.escalated_only, "escalated"),
            ] {
                if wanted {
                    query.push(format!(
                        " AND id IN (SELECT f.id FROM work_orders f WHERE f.{flag} AND f.community_id IN ("
                    ));
                    let mut inner = query.separated(", ");
                    for community in &filter.communities {
                        inner.push_bind(*community);
                    }
                    query.push("))");
                }
            }
            if let Some(text) = text {
                fts.push_filter(&mut query, engine, text);
            }
            if let Some(from) = filter.created_from {
                query
                    .push(" AND created_at >= ")
                    .push_bind(stored_time(from));
            }
            if let Some(to) = filter.created_to {
                query.push(" AND created_at < ").push_bind(stored_time(to));
            }
            let far = stored_time(no_deadline());
            let id = fts.id_column();
            match (filter.order, filter.after) {
                (ListOrder::Newest, Some(after)) => {
                    query.push(format!(" AND {id} < ")).push_bind(after.id);
                }
                (ListOrder::Oldest, Some(after)) => {
                    query.push(format!(" AND {id} > ")).push_bind(after.id);
                }
                (ListOrder::Deadline, Some(after)) => {
                    query
                        .push(" AND (COALESCE(resolve_deadline, triage_deadline, ")
                        .push_bind(far)
                        .push("), id) > (")
                        .push_bind(stored_time(after.deadline.unwrap_or(far)))
                        .push(", ")
                        .push_bind(after.id)
                        .push(")");
                }
                (_, None) => {}
            }
            match filter.order {
                ListOrder::Newest => {
                    query.push(format!(" ORDER BY {id} DESC"));
                }
                ListOrder::Oldest => {
                    query.push(format!(" ORDER BY {id} ASC"));
                }
                ListOrder::Deadline => {
                    query
                        .push(" ORDER BY COALESCE(resolve_deadline, triage_deadline, ")
                        .push_bind(far)
                        .push("), id");
                }
            }
            query.push(" LIMIT ").push_bind(filter.limit);
            Ok(query
                .build_query_as::<WorkOrderRow>()
                .fetch_all(pool)
                .await?)
        })
    }
}
