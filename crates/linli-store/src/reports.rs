//! What the monthly report reads besides the statistics: the residents' words on the
//! work done (accepting, return visits, rejections) and when communities began.

use crate::db::{Store, stored_time};
use crate::error::StoreResult;
use chrono::{DateTime, Utc};

/// One resident's word on the work done: a comment when accepting, the desk's return
/// visit, or the reason for sending it back.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct FeedbackRow {
    pub work_order_id: i64,
    pub number: i64,
    pub community_id: i64,
    pub category_id: i64,
    pub building_id: Option<i64>,
    /// `accepted`, `return_visited` or `rejected`.
    pub kind: String,
    pub at: DateTime<Utc>,
    pub body: String,
    /// The work order's rating, 1–5, once given.
    pub rating: Option<i64>,
    /// The desk's guest who reported it, to take out of the words.
    pub guest_name: Option<String>,
}

impl Store {
    /// The residents' words in `[from, to)` on the work orders of `communities`, oldest
    /// first, at most `limit`.
    pub async fn feedback_between(
        &self,
        communities: &[i64],
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        limit: i64,
    ) -> StoreResult<Vec<FeedbackRow>> {
        if communities.is_empty() {
            return Ok(Vec::new());
        }
        let (from, to) = (stored_time(from), stored_time(to));
        Ok(on_pool!(&self.db, |pool| {
            let mut query = sqlx::QueryBuilder::new(
                "SELECT w.id AS work_order_id, w.number, w.community_id, w.category_id, w.building_id,
                        e.kind, e.at, e.body, w.rating, w.guest_name
                 FROM work_order_events e JOIN work_orders w ON w.id = e.work_order_id
                 WHERE e.kind IN ('accepted', 'return_visited', 'rejected') AND e.body IS NOT NULL
                   AND e.body <> '' AND NOT e.internal AND e.at >= ",
            );
            query.push_bind(from).push(" AND e.at < ").push_bind(to);
            query.push(" AND w.community_id IN (");
            let mut ids = query.separated(", ");
            for id in communities {
                ids.push_bind(*id);
            }
            query.push(") ORDER BY e.at, e.id LIMIT ").push_bind(limit);
            query.build_query_as::<FeedbackRow>().fetch_all(pool).await
        })?)
    }

    /// When the first of `communities` was set up in Linli.
    pub async fn first_set_up(&self, communities: &[i64]) -> StoreResult<Option<DateTime<Utc>>> {
        if communities.is_empty() {
            return Ok(None);
        }
        Ok(on_pool!(&self.db, |pool| {
            let mut query =
                sqlx::QueryBuilder::new("SELECT MIN(created_at) FROM communities WHERE id IN (");
            let mut ids = query.separated(", ");
            for id in communities {
                ids.push_bind(*id);
            }
            query.push(")");
            query
                .build_query_scalar::<Option<DateTime<Utc>>>()
                .fetch_one(pool)
                .await
        })?)
    }
}
