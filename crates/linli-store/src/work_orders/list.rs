//! Lists of work orders: filters, text search and keyset pages.
//!
//! A list of several statuses is read as one arm per status (`UNION ALL`), each walking
//! the index of its status in the list's order and stopping at the page's end; the arms
//! are then merged. One scan over every status would instead walk the community's rows
//! in id order (past thousands of newer ones in other statuses), or sort all of them by
//! deadline. Overdue lists are read the same way, each arm past its own deadline.

use super::*;
use crate::db::{Store, stored_time};
use crate::error::StoreResult;
use crate::search::Blocks;

/// One arm of a list: a status, and for work orders waiting for triage past their
/// deadline, whether they were sent back after a dispatch (and so also carry a resolve
/// deadline, which then orders them).
#[derive(Debug, Clone, Copy)]
struct Arm {
    status: Status,
    sent_back: Option<bool>,
    source: Source,
}

/// Where an arm of a person's own list finds its work orders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    /// Not a person's list, or read in one scan.
    Any,
    /// What the person reported: the reporter's index in the status's id order.
    Reported,
    /// What the person follows without having reported it: a few rows, by id.
    Followed,
    /// Led by one of the handling parties, with a resolve deadline: the lead's index
    /// in that deadline's order.
    LedWithDeadline,
    /// Led by one of them without a resolve deadline (few, if any): sorted on their own.
    LedWithoutDeadline,
    /// Co-handled by one of them, led by another party: a few rows, by id.
    CoHandled,
}

/// The arms a list is read in, one per status (and for a person's own list, one per
/// status and source); `None` to read it in one scan.
fn arms(filter: &WorkOrderFilter, text_search: bool) -> Option<Vec<Arm>> {
    if text_search {
        // A text search walks the text index itself (see `search`).
        return None;
    }
    let arms = status_arms(filter);
    if filter.involving_person.is_none() {
        // A party's queue by deadline (a handler's open work) starts from the lead's
        // index in resolve-deadline order and stops at the page's end, instead of
        // gathering and sorting the party's thousands of open work orders.
        let by_party = filter
            .handled_by
            .as_ref()
            .is_some_and(|organisations| !organisations.is_empty())
            && filter.order == ListOrder::Deadline
            && filter.overdue_at.is_none();
        return match arms {
            Some(arms) if by_party => Some(
                arms.into_iter()
                    .flat_map(|arm| {
                        [
                            Source::LedWithDeadline,
                            Source::LedWithoutDeadline,
                            Source::CoHandled,
                        ]
                        .map(|source| Arm { source, ..arm })
                    })
                    .collect(),
            ),
            arms => arms,
        };
    }
    // A person's own list starts from the person's own work orders: a resident who
    // reported a few of a community's million is found in the reporter's index, not by
    // walking the community's history testing each row (and one who reported most of
    // them stops at the page's end just the same).
    let arms = arms.unwrap_or_else(|| {
        // Overdue work orders are only in the statuses that have a deadline running.
        let candidates: &[Status] = if filter.overdue_at.is_some() {
            &LATE
        } else {
            &Status::ALL
        };
        candidates
            .iter()
            .filter(|status| filter.statuses.is_empty() || filter.statuses.contains(status))
            .copied()
            .map(plain)
            .collect()
    });
    Some(
        arms.into_iter()
            .flat_map(|arm| {
                [Source::Reported, Source::Followed].map(|source| Arm { source, ..arm })
            })
            .collect(),
    )
}

/// The statuses a work order can be late in: waiting for triage or for resolution.
const LATE: [Status; 3] = [Status::Submitted, Status::Dispatched, Status::InProgress];

fn plain(status: Status) -> Arm {
    Arm {
        status,
        sent_back: None,
        source: Source::Any,
    }
}

/// The arms of a list by status alone; `None` to read it in one scan.
fn status_arms(filter: &WorkOrderFilter) -> Option<Vec<Arm>> {
    if filter.overdue_at.is_some() && filter.order == ListOrder::Deadline {
        // Overdue means waiting for triage or for resolution past its deadline; in
        // deadline order each arm walks its deadline index and stops at the page's end.
        // (In id order the one scan's subquery over the deadline indexes is better: an
        // arm would walk its status's newest rows, most of them not late.)
        let mut arms = Vec::new();
        for status in LATE {
            if !(filter.statuses.is_empty() || filter.statuses.contains(&status)) {
                continue;
            }
            if status == Status::Submitted && filter.order == ListOrder::Deadline {
                // Most have no resolve deadline and go in triage-deadline order, an
                // index's; the few sent back are sorted on their own.
                arms.extend([false, true].map(|sent_back| Arm {
                    sent_back: Some(sent_back),
                    ..plain(status)
                }));
            } else {
                arms.push(plain(status));
            }
        }
        return Some(arms);
    }
    if filter.overdue_at.is_some() {
        return None;
    }
    (filter.statuses.len() > 1).then(|| filter.statuses.iter().copied().map(plain).collect())
}

/// Whether an overdue list can take its page from the deadline indexes alone: in id
/// order, narrowed by nothing but its communities and statuses.
fn late_page_inside(filter: &WorkOrderFilter) -> bool {
    // Every field named: a filter added later has to be weighed here.
    let WorkOrderFilter {
        communities: _,
        statuses: _,
        category_id,
        building_id,
        grid_id,
        lead_organisation_id,
        assignee_id,
        overdue_at: _,
        involving_person,
        handled_by,
        public_only,
        supervised_only,
        escalated_only,
        text,
        created_from,
        created_to,
        order,
        after: _,
        limit: _,
    } = filter;
    *order != ListOrder::Deadline
        && category_id.is_none()
        && building_id.is_none()
        && grid_id.is_none()
        && lead_organisation_id.is_none()
        && assignee_id.is_none()
        && involving_person.is_none()
        && handled_by.is_none()
        && !public_only
        && !supervised_only
        && !escalated_only
        && text.as_deref().is_none_or(|text| text.trim().is_empty())
        && created_from.is_none()
        && created_to.is_none()
}

/// The filter's text to search for, if any.
fn filter_text(filter: &WorkOrderFilter) -> Option<&str> {
    filter
        .text
        .as_deref()
        .map(str::trim)
        .filter(|text| !text.is_empty())
}

impl Store {
    /// One page of work orders in the filter's order.
    pub async fn list_work_orders(
        &self,
        filter: &WorkOrderFilter,
    ) -> StoreResult<Vec<WorkOrderRow>> {
        if filter.communities.is_empty() || filter.limit <= 0 {
            return Ok(Vec::new());
        }
        match filter_text(filter) {
            Some(text)
                if crate::search::TextSearch::may_use_windows(
                    self.engine(),
                    text,
                    filter.order,
                ) =>
            {
                self.search_in_windows(filter, text).await
            }
            _ => self.read_list_page(filter, Blocks::All).await,
        }
    }

    /// One page of work orders in the filter's order, of those in `blocks` if the
    /// filter searches text.
    pub(crate) async fn read_list_page(
        &self,
        filter: &WorkOrderFilter,
        blocks: Blocks,
    ) -> StoreResult<Vec<WorkOrderRow>> {
        let engine = self.engine();
        let text = filter_text(filter);
        // On SQLite a text search in id order walks the text index itself, newest (or
        // oldest) match first, and stops at the page's end; see `search`.
        let fts = text
            .map(|text| crate::search::TextSearch::plan(engine, text, filter.order, blocks))
            .unwrap_or_default();
        let arms = arms(filter, text.is_some());
        if arms.as_ref().is_some_and(Vec::is_empty) {
            return Ok(Vec::new());
        }
        let far = stored_time(no_deadline());
        let id = fts.id_column();

        // The values of an `IN (…)` list, each bound, separated by commas.
        macro_rules! push_binds {
            ($query:expr, $values:expr) => {{
                let mut listed = $query.separated(", ");
                for value in $values {
                    listed.push_bind(value);
                }
            }};
        }

        // The keyset condition of an id-ordered list on the column `$id`.
        macro_rules! push_after {
            ($query:expr, $id:expr) => {{
                match (filter.order, filter.after) {
                    (ListOrder::Newest, Some(after)) => {
                        $query.push(format!(" AND {} < ", $id)).push_bind(after.id);
                    }
                    (ListOrder::Oldest, Some(after)) => {
                        $query.push(format!(" AND {} > ", $id)).push_bind(after.id);
                    }
                    _ => {}
                }
            }};
        }

        // The ids of one page of an overdue list in id order, as a subquery: each
        // deadline index gives the late ids of its statuses without reading the table
        // (the community is in the index), and only the page's ids are kept.
        macro_rules! push_late_page {
            ($query:expr, $at:expr) => {{
                let query = $query;
                let at = stored_time($at);
                let wanted = |status: Status| {
                    filter.statuses.is_empty() || filter.statuses.contains(&status)
                };
                let resolving: Vec<Status> = [Status::Dispatched, Status::InProgress]
                    .into_iter()
                    .filter(|status| wanted(*status))
                    .collect();
                if !wanted(Status::Submitted) && resolving.is_empty() {
                    query.push(" AND FALSE");
                } else {
                    query.push(" AND id IN (SELECT late.id FROM (");
                    let mut parts = 0;
                    if wanted(Status::Submitted) {
                        query
                            .push("SELECT o.id FROM work_orders o WHERE o.status = 'submitted' AND o.triage_deadline < ")
                            .push_bind(at)
                            .push(" AND o.community_id IN (");
                        push_binds!(query, filter.communities.iter().copied());
                        query.push(")");
                        push_after!(&mut *query, "o.id");
                        parts += 1;
                    }
                    if !resolving.is_empty() {
                        if parts > 0 {
                            query.push(" UNION ALL ");
                        }
                        // The page's first ids of this arm, on their own: the open work
                        // orders' index is in id order (per community), so most of the
                        // time it is walked until the page's count of late ones is found,
                        // instead of gathering every late one (4,891 of them, 4.5 of 8.7
                        // ms on PostgreSQL with a million work orders).
                        query.push("SELECT resolving.id FROM (SELECT o.id FROM work_orders o WHERE o.community_id IN (");
                        push_binds!(query, filter.communities.iter().copied());
                        query.push(") AND o.status IN (");
                        push_binds!(query, resolving.iter().map(|status| status.as_str()));
                        query.push(") AND o.resolve_deadline < ").push_bind(at);
                        push_after!(&mut *query, "o.id");
                        query
                            .push(if filter.order == ListOrder::Oldest {
                                " ORDER BY o.id ASC LIMIT "
                            } else {
                                " ORDER BY o.id DESC LIMIT "
                            })
                            .push_bind(filter.limit)
                            .push(") resolving");
                    }
                    query.push(if filter.order == ListOrder::Oldest {
                        ") late ORDER BY late.id ASC LIMIT "
                    } else {
                        ") late ORDER BY late.id DESC LIMIT "
                    });
                    query.push_bind(filter.limit).push(")");
                }
            }};
        }

        // The SELECT of one scan: every condition of the filter, with `$statuses` for
        // its statuses (an arm's one status) and `$arm` the arm's status, if any.
        macro_rules! push_select {
            ($query:expr, $statuses:expr, $arm:expr) => {{
                let query = $query;
                let statuses: &[Status] = $statuses;
                let arm: Option<Arm> = $arm;
                query.push(format!(
                    "SELECT {WORK_ORDER_COLUMNS} FROM {} WHERE community_id IN (",
                    fts.from()
                ));
                push_binds!(query, filter.communities.iter().copied());
                query.push(")");
                if !statuses.is_empty() {
                    query.push(" AND status IN (");
                    push_binds!(query, statuses.iter().map(|status| status.as_str()));
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
                    match arm.map(|arm| (arm.status, arm.sent_back)) {
                        // An arm is past the deadline of its own status.
                        Some((Status::Submitted, sent_back)) => {
                            query.push(" AND triage_deadline < ").push_bind(stored_time(at));
                            match sent_back {
                                Some(true) => {
                                    query.push(" AND resolve_deadline IS NOT NULL");
                                }
                                Some(false) => {
                                    // Written so that no planner takes it for an index
                                    // condition: the triage deadline's index is the one
                                    // that gives the order (SQLite took the resolve
                                    // deadline's and sorted every waiting work order).
                                    query.push(" AND COALESCE(resolve_deadline, NULL) IS NULL");
                                }
                                None => {}
                            }
                        }
                        Some(_) => {
                            query.push(" AND resolve_deadline < ").push_bind(stored_time(at));
                        }
                        None if late_page_inside(filter) => {
                            // Only the communities (and statuses) narrow the list: the
                            // page's ids are found within the deadline indexes alone and
                            // only they are read from the table, not every late row.
                            push_late_page!(&mut *query, at);
                        }
                        None => {
                            // Written as a subquery so that both planners take the
                            // deadline index (few rows are overdue) instead of walking
                            // the community's rows in id order. Not correlated with the
                            // outer row, so PostgreSQL runs it once.
                            query.push(
                                " AND id IN (SELECT o.id FROM work_orders o WHERE o.community_id IN (",
                            );
                            push_binds!(query, filter.communities.iter().copied());
                            query
                                .push(") AND ((o.status = 'submitted' AND o.triage_deadline < ")
                                .push_bind(stored_time(at))
                                .push(
                                    ") OR (o.status IN ('dispatched', 'in_progress') AND o.resolve_deadline < ",
                                )
                                .push_bind(stored_time(at))
                                .push(")))");
                        }
                    }
                }
                if let Some(person) = filter.involving_person {
                    match arm.map_or(Source::Any, |arm| arm.source) {
                        Source::Reported if engine == crate::db::Engine::Postgres => {
                            // Written as a list (PostgreSQL makes it `= ANY`), and ordered
                            // by the reporter before the id (below): then only the index
                            // of the reporter, status and id gives the order. With `=`
                            // the reporter drops out of the order, and for a resident who
                            // reported most of the history PostgreSQL walked the primary
                            // key instead, past every newer row in another status.
                            query
                                .push(" AND reporter_id IN (")
                                .push_bind(person)
                                .push(", ")
                                .push_bind(person)
                                .push(")");
                        }
                        Source::Reported => {
                            query.push(" AND reporter_id = ").push_bind(person);
                        }
                        Source::Followed => {
                            query
                                .push(" AND id IN (SELECT f.work_order_id FROM work_order_followers f WHERE f.person_id = ")
                                .push_bind(person)
                                .push(") AND (reporter_id IS NULL OR reporter_id <> ")
                                .push_bind(person)
                                .push(")");
                        }
                        Source::LedWithDeadline
                        | Source::LedWithoutDeadline
                        | Source::CoHandled
                        | Source::Any => {
                            query
                                .push(" AND (reporter_id = ")
                                .push_bind(person)
                                .push(" OR EXISTS (SELECT 1 FROM work_order_followers f WHERE f.work_order_id = w.id AND f.person_id = ")
                                .push_bind(person)
                                .push("))");
                        }
                    }
                }
                let source = arm.map_or(Source::Any, |arm| arm.source);
                if let Some(organisations) = &filter.handled_by {
                    if organisations.is_empty() {
                        query.push(" AND FALSE");
                    } else if matches!(source, Source::LedWithDeadline | Source::LedWithoutDeadline) {
                        query.push(" AND lead_organisation_id IN (");
                        push_binds!(query, organisations.iter().copied());
                        query.push(if source == Source::LedWithDeadline {
                            ") AND resolve_deadline IS NOT NULL"
                        } else {
                            ") AND resolve_deadline IS NULL"
                        });
                    } else if source == Source::CoHandled {
                        query.push(" AND id IN (SELECT c.work_order_id FROM work_order_co_handlers c WHERE c.organisation_id IN (");
                        push_binds!(query, organisations.iter().copied());
                        query.push(")) AND (lead_organisation_id IS NULL OR lead_organisation_id NOT IN (");
                        push_binds!(query, organisations.iter().copied());
                        query.push("))");
                    } else if !statuses.is_empty() {
                        // A queue of some statuses (a handler's open work, what awaits
                        // acceptance): the parties' own work orders in those statuses
                        // come from the lead index, a few hundred of the community's
                        // thousands, instead of testing each of the community's in turn.
                        query.push(
                            " AND id IN (SELECT o.id FROM work_orders o WHERE o.lead_organisation_id IN (",
                        );
                        push_binds!(query, organisations.iter().copied());
                        query.push(") AND o.status IN (");
                        push_binds!(query, statuses.iter().map(|status| status.as_str()));
                        query.push(
                            ") UNION SELECT c.work_order_id FROM work_order_co_handlers c
                             JOIN work_orders x ON x.id = c.work_order_id WHERE c.organisation_id IN (",
                        );
                        push_binds!(query, organisations.iter().copied());
                        query.push(") AND x.status IN (");
                        push_binds!(query, statuses.iter().map(|status| status.as_str()));
                        query.push("))");
                    } else {
                        query.push(" AND (lead_organisation_id IN (");
                        push_binds!(query, organisations.iter().copied());
                        query.push(") OR EXISTS (SELECT 1 FROM work_order_co_handlers c WHERE c.work_order_id = w.id AND c.organisation_id IN (");
                        push_binds!(query, organisations.iter().copied());
                        query.push(")))");
                    }
                }
                if filter.public_only {
                    query.push(" AND is_public");
                }
                // Few are supervised or escalated: found through their partial indexes,
                // as a subquery so that no planner walks the community's history instead.
                for (wanted, flag) in [
                    (filter.supervised_only, "supervised"),
                    (filter.escalated_only, "escalated"),
                ] {
                    if wanted {
                        query.push(format!(
                            " AND id IN (SELECT f.id FROM work_orders f WHERE f.{flag} AND f.community_id IN ("
                        ));
                        push_binds!(query, filter.communities.iter().copied());
                        query.push("))");
                    }
                }
                if let Some(text) = text {
                    fts.push_filter(query, engine, text, filter.order);
                }
                if let Some(from) = filter.created_from {
                    query.push(" AND created_at >= ").push_bind(stored_time(from));
                }
                if let Some(to) = filter.created_to {
                    query.push(" AND created_at < ").push_bind(stored_time(to));
                }
                match (filter.order, filter.after) {
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
                    _ => push_after!(&mut *query, id),
                }
                // An arm whose deadline is its resolve deadline, whose index gives the
                // order so that the arm stops at the page's end: past it (dispatched, in
                // progress), sent back after a dispatch (ordered by `COALESCE` that arm
                // read every waiting work order past its triage deadline to find the few
                // sent back), or a party's own work with one.
                let by_resolve_deadline = arm.is_some_and(|arm| {
                    arm.source == Source::LedWithDeadline
                        || arm.sent_back == Some(true)
                        || (filter.overdue_at.is_some()
                            && matches!(arm.status, Status::Dispatched | Status::InProgress))
                });
                // See the reporter's condition above.
                let by_reporter = engine == crate::db::Engine::Postgres
                    && filter.involving_person.is_some()
                    && arm.is_some_and(|arm| arm.source == Source::Reported);
                match (filter.order, arm.map(|arm| (arm.status, arm.sent_back))) {
                    (ListOrder::Newest, _) if by_reporter => {
                        query.push(format!(" ORDER BY w.reporter_id DESC, {id} DESC"));
                    }
                    (ListOrder::Oldest, _) if by_reporter => {
                        query.push(format!(" ORDER BY w.reporter_id ASC, {id} ASC"));
                    }
                    (ListOrder::Newest, _) => {
                        query.push(format!(" ORDER BY {} DESC", fts.order_column()));
                    }
                    (ListOrder::Oldest, _) => {
                        query.push(format!(" ORDER BY {} ASC", fts.order_column()));
                    }
                    (ListOrder::Deadline, _) if by_resolve_deadline => {
                        query.push(" ORDER BY resolve_deadline, id");
                    }
                    (ListOrder::Deadline, Some((Status::Submitted, Some(false)))) => {
                        query.push(" ORDER BY triage_deadline, id");
                    }
                    (ListOrder::Deadline, _) => {
                        query
                            .push(" ORDER BY COALESCE(resolve_deadline, triage_deadline, ")
                            .push_bind(far)
                            .push("), id");
                    }
                }
                query.push(" LIMIT ").push_bind(filter.limit);
            }};
        }

        on_pool!(&self.db, |pool| {
            let mut query = sqlx::QueryBuilder::new("");
            match &arms {
                None => push_select!(&mut query, &filter.statuses, None),
                Some(arms) => {
                    query.push("SELECT * FROM (");
                    for (index, arm) in arms.iter().enumerate() {
                        if index > 0 {
                            query.push(" UNION ALL ");
                        }
                        query.push("SELECT * FROM (");
                        push_select!(&mut query, std::slice::from_ref(&arm.status), Some(*arm));
                        query.push(format!(") arm{index}"));
                    }
                    query.push(") merged");
                    match filter.order {
                        ListOrder::Newest => {
                            query.push(" ORDER BY merged.id DESC");
                        }
                        ListOrder::Oldest => {
                            query.push(" ORDER BY merged.id ASC");
                        }
                        ListOrder::Deadline => {
                            query
                                .push(" ORDER BY COALESCE(merged.resolve_deadline, merged.triage_deadline, ")
                                .push_bind(far)
                                .push("), merged.id");
                        }
                    }
                    query.push(" LIMIT ").push_bind(filter.limit);
                }
            }
            Ok(query
                .build_query_as::<WorkOrderRow>()
                .fetch_all(pool)
                .await?)
        })
    }
}
