//! The outbox: what someone should hear of, written in the transaction of the change it
//! announces, so that nothing acknowledged goes unannounced. This is its one writer;
//! `notifications.rs` reads and fans it out.

use crate::db::{Store, stored_time};
use crate::error::StoreResult;
use chrono::{DateTime, Utc};
use linli_domain::ids::CommunityId;
use linli_domain::notifications::Topic;

/// One message for the outbox.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxEntry {
    pub topic: Topic,
    pub community_id: Option<i64>,
    /// The work order it is about, for the work-order topics.
    pub work_order_id: Option<i64>,
    pub payload: serde_json::Value,
    pub at: DateTime<Utc>,
}

/// Writes outbox messages inside the caller's transaction, all in one statement (a macro
/// so that one body serves both engines' transactions).
macro_rules! write_outbox {
    ($tx:expr, $entries:expr) => {{
        let entries: &[$crate::outbox::OutboxEntry] = $entries;
        if !entries.is_empty() {
            let payloads: Vec<String> = entries.iter().map(|entry| entry.payload.to_string()).collect();
            let mut insert = sqlx::QueryBuilder::new(
                "INSERT INTO outbox (topic, community_id, work_order_id, payload, created_at, next_attempt_at) ",
            );
            insert.push_values(entries.iter().zip(&payloads), |mut row, (entry, payload)| {
                let at = $crate::db::stored_time(entry.at);
                row.push_bind(entry.topic.as_str())
                    .push_bind(entry.community_id)
                    .push_bind(entry.work_order_id)
                    .push_bind(payload.as_str())
                    .push_bind(at)
                    .push_bind(at);
            });
            insert.build().execute(&mut *$tx).await?;
        }
    }};
}
pub(crate) use write_outbox;

impl Store {
    /// Puts a message about no work order in the outbox of a community (an announcement
    /// to the office), in a transaction of its own.
    pub async fn enqueue(
        &self,
        topic: Topic,
        community: CommunityId,
        payload: serde_json::Value,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        let entries = [OutboxEntry {
            topic,
            community_id: Some(community.0),
            work_order_id: None,
            payload,
            at: stored_time(at),
        }];
        on_pool!(&self.db, |pool| {
            let mut tx = pool.begin().await?;
            write_outbox!(tx, &entries);
            tx.commit().await?;
            Ok(())
        })
    }
}
