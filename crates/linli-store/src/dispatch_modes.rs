//! Handlers registered for a category (grab and round-robin modes), the turn of the next
//! one, and the grab list: waiting work orders of grab-mode categories a handler may take.

use crate::db::{Store, stored_time};
use crate::error::{StoreError, StoreResult};
use crate::work_orders::WorkOrderRow;
use chrono::{DateTime, NaiveDate, Utc};
use linli_domain::dispatch_modes::{Candidate, next_in_turn};
use linli_domain::ids::{CommunityId, OrganisationId, PersonId};
use linli_domain::roster::Half;
use sqlx::AssertSqlSafe;

/// Statuses in which a work order is still its handler's to finish (the cap counts them).
const UNFINISHED: &str = "('dispatched', 'in_progress', 'on_hold')";

/// A handler registered for a category, with the party they handle for and their load.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RegisteredHandler {
    pub person_id: i64,
    pub display_name: String,
    /// Their handler grant's party in the category's community; none if the grant was
    /// taken away since (they then get no turns and cannot grab).
    pub organisation_id: Option<i64>,
    pub last_assigned_at: Option<DateTime<Utc>>,
    /// Unfinished work orders they have now.
    pub open: i64,
}

/// Inside a writing transaction: locks every registration row of `$handler` (so that on
/// PostgreSQL two grabs by one handler wait for each other), marks them as just given a
/// work order, and refuses with `work_order.grab_cap_reached` if the handler already has
/// `$cap` unfinished work orders.
macro_rules! hold_handler {
    ($tx:expr, $handler:expr, $cap:expr, $now:expr) => {{
        let locked =
            sqlx::query("UPDATE category_handlers SET last_assigned_at = $2 WHERE person_id = $1")
                .bind($handler.0)
                .bind($now)
                .execute(&mut *$tx)
                .await?;
        if locked.rows_affected() == 0 {
            return Err($crate::error::StoreError::Conflict(
                "work_order.not_registered_to_grab",
            ));
        }
        let open = sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM work_orders WHERE assignee_id = $1
               AND status IN ('dispatched', 'in_progress', 'on_hold')",
        )
        .bind($handler.0)
        .fetch_one(&mut *$tx)
        .await?;
        if !linli_domain::dispatch_modes::under_cap(open, $cap) {
            return Err($crate::error::StoreError::Conflict(
                "work_order.grab_cap_reached",
            ));
        }
    }};
}
pub(crate) use hold_handler;

/// A handler of a community and the party they handle for.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CommunityHandler {
    pub person_id: i64,
    pub display_name: String,
    pub organisation_id: i64,
}

/// A registered handler as the turn reads them: person, party, last given one, unfinished
/// now, on duty now, the category's cap.
type TurnRow = (i64, Option<i64>, Option<DateTime<Utc>>, i64, bool, i64);

impl Store {
    /// Every handler of a community with their party, by party then name (the choices
    /// of the dispatch form's 承办人 and of a category's registration).
    pub async fn handlers_of_community(
        &self,
        community: CommunityId,
    ) -> StoreResult<Vec<CommunityHandler>> {
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, CommunityHandler>(
                "SELECT g.person_id, p.display_name, g.organisation_id
                 FROM role_grants g JOIN people p ON p.id = g.person_id
                 WHERE g.role = 'handler' AND g.scope_kind = 'community' AND g.scope_id = $1
                   AND g.organisation_id IS NOT NULL
                 ORDER BY g.organisation_id, p.display_name, g.person_id",
            )
            .bind(community.0)
            .fetch_all(pool)
            .await
        })?)
    }

    /// The handlers registered for a category, earliest registered first.
    pub async fn category_handlers(&self, category: i64) -> StoreResult<Vec<RegisteredHandler>> {
        let sql = format!(
            "SELECT h.person_id, p.display_name,
                (SELECT MIN(g.organisation_id) FROM role_grants g
                  WHERE g.person_id = h.person_id AND g.role = 'handler' AND g.scope_kind = 'community'
                    AND g.scope_id = c.community_id) AS organisation_id,
                h.last_assigned_at,
                (SELECT COUNT(*) FROM work_orders w WHERE w.assignee_id = h.person_id AND w.status IN {UNFINISHED}) AS open
             FROM category_handlers h
             JOIN categories c ON c.id = h.category_id
             JOIN people p ON p.id = h.person_id
             WHERE h.category_id = $1
             ORDER BY h.created_at, h.person_id"
        );
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, RegisteredHandler>(AssertSqlSafe(sql.as_str()))
                .bind(category)
                .fetch_all(pool)
                .await
        })?)
    }

    /// Sets who is registered for a category: those named stay (keeping their place in
    /// the turn) or are added, the others are removed; all in one transaction.
    pub async fn set_category_handlers(
        &self,
        category: i64,
        people: &[PersonId],
        by: PersonId,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let now = stored_time(now);
        on_pool!(&self.db, |pool| {
            let mut tx = pool.begin().await?;
            let mut remove =
                sqlx::QueryBuilder::new("DELETE FROM category_handlers WHERE category_id = ");
            remove.push_bind(category);
            if !people.is_empty() {
                remove.push(" AND person_id NOT IN (");
                let mut kept = remove.separated(", ");
                for person in people {
                    kept.push_bind(person.0);
                }
                remove.push(")");
            }
            remove.build().execute(&mut *tx).await?;
            for person in people {
                sqlx::query(
                    "INSERT INTO category_handlers (category_id, person_id, created_at) VALUES ($1, $2, $3)
                     ON CONFLICT (category_id, person_id) DO NOTHING",
                )
                .bind(category)
                .bind(person.0)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            let community: i64 =
                sqlx::query_scalar("SELECT community_id FROM categories WHERE id = $1")
                    .bind(category)
                    .fetch_one(&mut *tx)
                    .await?;
            let handlers: Vec<i64> = people.iter().map(|person| person.0).collect();
            record_setting_change!(
                tx,
                Some(community),
                "category.handlers",
                category,
                serde_json::json!({ "handler_ids": handlers }),
                Some(by.0),
                now
            )?;
            tx.commit().await?;
            Ok(())
        })
    }

    /// Whether the person is registered for the category.
    pub async fn registered_for(&self, category: i64, person: PersonId) -> StoreResult<bool> {
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_scalar::<_, i64>(
                "SELECT CAST(1 AS BIGINT) FROM category_handlers WHERE category_id = $1 AND person_id = $2",
            )
            .bind(category)
            .bind(person.0)
            .fetch_optional(pool)
            .await
        })?
        .is_some())
    }

    /// Unfinished work orders the person has (the cap counts these).
    pub async fn open_assigned(&self, person: PersonId) -> StoreResult<i64> {
        let sql = format!(
            "SELECT COUNT(*) FROM work_orders WHERE assignee_id = $1 AND status IN {UNFINISHED}"
        );
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_scalar::<_, i64>(AssertSqlSafe(sql.as_str()))
                .bind(person.0)
                .fetch_one(pool)
                .await
        })?)
    }

    /// Takes the turn in a category: under a lock on its registration rows, chooses the
    /// next handler (see [`next_in_turn`]; those holding a shift of the community's duty
    /// roster on `day`/`half` first) and marks them as given a work order now. `None`:
    /// nobody registered with a party is under the category's cap.
    pub async fn take_turn(
        &self,
        category: i64,
        day: NaiveDate,
        half: Half,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<(PersonId, OrganisationId)>> {
        let now = stored_time(now);
        let sql = format!(
            "SELECT h.person_id,
                (SELECT MIN(g.organisation_id) FROM role_grants g
                  WHERE g.person_id = h.person_id AND g.role = 'handler' AND g.scope_kind = 'community'
                    AND g.scope_id = c.community_id) AS organisation_id,
                h.last_assigned_at,
                (SELECT COUNT(*) FROM work_orders w WHERE w.assignee_id = h.person_id AND w.status IN {UNFINISHED}) AS open,
                EXISTS (SELECT 1 FROM roster_shifts s WHERE s.community_id = c.community_id AND s.day = $2
                    AND s.half = $3 AND s.person_id = h.person_id) AS on_duty,
                c.open_cap
             FROM category_handlers h JOIN categories c ON c.id = h.category_id
             WHERE h.category_id = $1"
        );
        on_pool!(&self.db, |pool| {
            let mut tx = pool.begin().await?;
            // The lock: two reports at once take turns one after the other.
            sqlx::query("UPDATE category_handlers SET last_assigned_at = last_assigned_at WHERE category_id = $1")
                .bind(category)
                .execute(&mut *tx)
                .await?;
            let rows: Vec<TurnRow> = sqlx::query_as(AssertSqlSafe(sql.as_str()))
                .bind(category)
                .bind(day)
                .bind(half.as_str())
                .fetch_all(&mut *tx)
                .await?;
            let cap = rows.first().map_or(0, |row| row.5);
            let candidates: Vec<Candidate> = rows
                .iter()
                .filter(|row| row.1.is_some())
                .map(|row| Candidate {
                    person: PersonId(row.0),
                    on_duty: row.4,
                    open: row.3,
                    last_assigned_at: row.2,
                })
                .collect();
            let Some(chosen) = next_in_turn(&candidates, cap) else {
                return Ok(None);
            };
            sqlx::query("UPDATE category_handlers SET last_assigned_at = $3 WHERE category_id = $1 AND person_id = $2")
                .bind(category)
                .bind(chosen.0)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            let organisation = rows
                .iter()
                .find(|row| row.0 == chosen.0)
                .and_then(|row| row.1)
                .map(OrganisationId)
                .ok_or(StoreError::Conflict("work_order.not_registered_to_grab"))?;
            Ok(Some((chosen, organisation)))
        })
    }

    /// Waiting work orders of the grab-mode categories the person is registered for,
    /// oldest first (the one waiting longest is taken first), at most `limit`. Each
    /// category is read on its own, in its index's id order up to `limit`, and the few
    /// rows merged: one scan would gather every waiting work order of them all first.
    pub async fn grab_list(&self, person: PersonId, limit: i64) -> StoreResult<Vec<WorkOrderRow>> {
        let categories: Vec<(i64, i64)> = on_pool!(&self.db, |pool| {
            sqlx::query_as(
                "SELECT c.community_id, c.id FROM category_handlers h
                 JOIN categories c ON c.id = h.category_id AND c.dispatch_mode = 'grab'
                 WHERE h.person_id = $1 ORDER BY c.id",
            )
            .bind(person.0)
            .fetch_all(pool)
            .await
        })?;
        if categories.is_empty() {
            return Ok(Vec::new());
        }
        Ok(on_pool!(&self.db, |pool| {
            let mut query = sqlx::QueryBuilder::new("SELECT * FROM (");
            for (index, (community, category)) in categories.iter().enumerate() {
                if index > 0 {
                    query.push(" UNION ALL ");
                }
                query
                    .push(format!(
                        "SELECT * FROM (SELECT {} FROM work_orders WHERE community_id = ",
                        crate::work_orders::WORK_ORDER_COLUMNS
                    ))
                    .push_bind(*community)
                    .push(" AND category_id = ")
                    .push_bind(*category)
                    .push(" AND status = 'submitted' ORDER BY id LIMIT ")
                    .push_bind(limit)
                    .push(format!(") arm{index}"));
            }
            query
                .push(") merged ORDER BY merged.id LIMIT ")
                .push_bind(limit);
            query.build_query_as::<WorkOrderRow>().fetch_all(pool).await
        })?)
    }
}
