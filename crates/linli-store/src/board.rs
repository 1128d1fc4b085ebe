//! The public board's own writes: a reporter (or the office) takes a work order off it.

use crate::db::Store;
use crate::error::{StoreError, StoreResult};

impl Store {
    /// Takes a work order off the public board (and out of its neighbours' sight): it is
    /// no longer public. One way: the reporter decided so.
    pub async fn hide_from_board(&self, work_order: i64) -> StoreResult<()> {
        let done = on_pool!(&self.db, |pool| {
            sqlx::query("UPDATE work_orders SET is_public = FALSE WHERE id = $1")
                .bind(work_order)
                .execute(pool)
                .await
                .map(|done| done.rows_affected())
        })?;
        if done == 0 {
            Err(StoreError::NotFound("work_order.not_found"))
        } else {
            Ok(())
        }
    }
}
