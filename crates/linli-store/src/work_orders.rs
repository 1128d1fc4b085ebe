//! Work orders, their categories and timeline, the holiday calendar, and the outbox.

use crate::db::{Store, stored_time};
use crate::error::{StoreError, StoreResult};
use chrono::{DateTime, NaiveDate, Utc};
use linli_domain::calendar::{TimeLimit, WorkingCalendar};
use linli_domain::ids::{CommunityId, OrganisationId, PersonId};
use linli_domain::notifications::Topic;
use linli_domain::work_orders::state::{Limits, WorkOrderState};
use linli_domain::work_orders::{Channel, EventKind, Priority, Rating, Status};
use serde::Serialize;
use sqlx::AssertSqlSafe;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Category {
    pub id: i64,
    pub community_id: i64,
    pub code: String,
    pub name: String,
    pub name_en: String,
    pub icon: String,
    pub sign_limit_kind: String,
    pub sign_limit_minutes: i64,
    pub resolve_limit_kind: String,
    pub resolve_limit_minutes: i64,
    pub complex: bool,
    pub position: i64,
    pub active: bool,
}

impl Category {
    pub fn limits(&self) -> Limits {
        Limits {
            sign: TimeLimit::from_parts(&self.sign_limit_kind, self.sign_limit_minutes)
                .unwrap_or(TimeLimit::WorkingMinutes(120)),
            resolve: TimeLimit::from_parts(&self.resolve_limit_kind, self.resolve_limit_minutes)
                .unwrap_or(TimeLimit::working_days(7)),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Holiday {
    pub day: NaiveDate,
    /// `off` or `work` (a weekend day worked).
    pub kind: String,
    pub name: String,
}

/// A work order as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct WorkOrderRow {
    pub id: i64,
    pub community_id: i64,
    pub number: i64,
    pub category_id: i64,
    pub description: String,
    pub building_id: Option<i64>,
    pub room_id: Option<i64>,
    pub place: Option<String>,
    pub channel: String,
    pub reporter_id: Option<i64>,
    pub guest_name: Option<String>,
    pub guest_phone: Option<String>,
    pub created_by: i64,
    pub lead_organisation_id: Option<i64>,
    pub priority: String,
    pub status: String,
    pub is_public: bool,
    pub escalated: bool,
    pub supervised: bool,
    pub reopen_count: i64,
    pub urge_count: i64,
    pub me_too_count: i64,
    pub last_urged_at: Option<DateTime<Utc>>,
    pub sign_deadline: Option<DateTime<Utc>>,
    pub resolve_deadline: Option<DateTime<Utc>>,
    pub dispatched_at: Option<DateTime<Utc>>,
    pub signed_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub hold_started_at: Option<DateTime<Utc>>,
    pub rating: Option<i64>,
    pub extension_requested_until: Option<DateTime<Utc>>,
    pub merged_into_id: Option<i64>,
    pub overdue_alerted_at: Option<DateTime<Utc>>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl WorkOrderRow {
    /// The status; a value this version does not know is corrupt data, not a default.
    pub fn status(&self) -> StoreResult<Status> {
        Status::parse(&self.status).map_err(|_| self.corrupt("status", &self.status))
    }

    pub fn channel(&self) -> StoreResult<Channel> {
        Channel::parse(&self.channel).map_err(|_| self.corrupt("channel", &self.channel))
    }

    fn corrupt(&self, column: &str, value: &str) -> StoreError {
        StoreError::Corrupt(format!(
            "work order {} has the unknown {column} {value:?}",
            self.id
        ))
    }

    /// The changeable part, for the domain to compute the next state from.
    pub fn state(&self, co_handlers: &[i64]) -> StoreResult<WorkOrderState> {
        Ok(WorkOrderState {
            status: self.status()?,
            lead: self.lead_organisation_id.map(OrganisationId),
            co_handlers: co_handlers.iter().copied().map(OrganisationId).collect(),
            priority: Priority::parse(&self.priority)
                .map_err(|_| self.corrupt("priority", &self.priority))?,
            is_public: self.is_public,
            escalated: self.escalated,
            supervised: self.supervised,
            reopen_count: self.reopen_count,
            urge_count: self.urge_count,
            me_too_count: self.me_too_count,
            last_urged_at: self.last_urged_at,
            sign_deadline: self.sign_deadline,
            resolve_deadline: self.resolve_deadline,
            dispatched_at: self.dispatched_at,
            signed_at: self.signed_at,
            resolved_at: self.resolved_at,
            closed_at: self.closed_at,
            hold_started_at: self.hold_started_at,
            rating: self.rating.and_then(|stars| Rating::parse(stars).ok()),
            extension_requested_until: self.extension_requested_until,
            merged_into: self.merged_into_id,
            overdue_alerted_at: self.overdue_alerted_at,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct EventRow {
    pub id: i64,
    pub work_order_id: i64,
    pub kind: String,
    pub actor_id: Option<i64>,
    pub actor_name: Option<String>,
    pub at: DateTime<Utc>,
    pub body: Option<String>,
    pub internal: bool,
    pub details: Option<String>,
}

pub struct NewWorkOrder<'a> {
    pub community: CommunityId,
    pub category_id: i64,
    pub description: &'a str,
    pub building_id: Option<i64>,
    pub room_id: Option<i64>,
    pub place: Option<&'a str>,
    pub channel: Channel,
    pub reporter: Option<PersonId>,
    pub guest_name: Option<&'a str>,
    pub guest_phone: Option<&'a str>,
    pub created_by: PersonId,
    pub is_public: bool,
    /// The walk-in visit this work order came from, linked in the same transaction.
    pub visit_id: Option<i64>,
}

/// A new work order as written, with its first timeline event (whose actor's name the
/// caller, who is that actor, already knows).
#[derive(Debug, Clone)]
pub struct CreatedWorkOrder {
    pub row: WorkOrderRow,
    pub first_event: EventRow,
}

/// Most reports [`Store::create_work_orders`] writes at once: each binds 15 values in one
/// multi-row statement, and SQLite allows 32,766 per statement (PostgreSQL 65,535).
pub const MAX_CREATES_AT_ONCE: usize = 1000;

pub struct NewEvent {
    pub kind: EventKind,
    pub actor: Option<PersonId>,
    pub body: Option<String>,
    pub details: Option<serde_json::Value>,
}

/// A message for the outbox, written with the change it announces.
pub struct OutboxMessage {
    pub topic: Topic,
    pub payload: serde_json::Value,
}

/// One accepted action to write: the state it was computed from (by version), the state
/// it leads to, its event, and what else it touches.
pub struct AppliedAction {
    pub work_order_id: i64,
    pub expected_version: i64,
    pub next: WorkOrderState,
    pub event: NewEvent,
    pub new_follower: Option<(PersonId, &'static str)>,
    pub outbox: Vec<OutboxMessage>,
    pub stats: crate::statistics::StatsChange,
}

/// Filters of the work-order list. Every filter narrows; `visible_communities` is
/// always applied (callers see only their communities).
#[derive(Debug, Clone, Default)]
pub struct WorkOrderFilter {
    pub communities: Vec<i64>,
    pub statuses: Vec<Status>,
    pub category_id: Option<i64>,
    pub building_id: Option<i64>,
    pub lead_organisation_id: Option<i64>,
    /// Overdue at this instant: dispatched or in progress, past the resolve deadline.
    pub overdue_at: Option<DateTime<Utc>>,
    /// Reported or followed by this person.
    pub involving_person: Option<i64>,
    /// Led or co-handled by one of these organisations.
    pub handled_by: Option<Vec<i64>>,
    /// Only public work orders (what other residents may see).
    pub public_only: bool,
    /// Only those the supervisor has supervised (督办).
    pub supervised_only: bool,
    /// Only those put on the joint meeting's agenda.
    pub escalated_only: bool,
    pub text: Option<String>,
    pub created_from: Option<DateTime<Utc>>,
    pub created_to: Option<DateTime<Utc>>,
    pub order: ListOrder,
    /// Keyset cursor: where the previous page ended.
    pub after: Option<ListCursor>,
    pub limit: i64,
}

/// The order of a list of work orders.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ListOrder {
    #[default]
    Newest,
    Oldest,
    /// Nearest resolve deadline first (a handler's queue); those without one last.
    Deadline,
}

/// The last row of a page: its id, and for the deadline order its deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListCursor {
    pub id: i64,
    pub deadline: Option<DateTime<Utc>>,
}

/// Stands in for "no deadline" so that those sort last on both engines.
pub fn no_deadline() -> DateTime<Utc> {
    NaiveDate::from_ymd_opt(9999, 12, 31)
        .and_then(|day| day.and_hms_opt(0, 0, 0))
        .map_or(DateTime::<Utc>::MAX_UTC, |time| time.and_utc())
}

const WORK_ORDER_COLUMNS: &str = "id, community_id, number, category_id, description, building_id, room_id, place,
    channel, reporter_id, guest_name, guest_phone, created_by, lead_organisation_id, priority, status, is_public,
    escalated, supervised, reopen_count, urge_count, me_too_count, last_urged_at, sign_deadline, resolve_deadline,
    dispatched_at, signed_at, resolved_at, closed_at, hold_started_at, rating, extension_requested_until,
    merged_into_id, overdue_alerted_at, version, created_at, updated_at";

const CATEGORY_COLUMNS: &str =
    "id, community_id, code, name, name_en, icon, sign_limit_kind, sign_limit_minutes,
    resolve_limit_kind, resolve_limit_minutes, complex, position, active";

/// Gives a new community the default categories, inside the caller's transaction (the
/// one that creates the community, so a community never exists without them).
macro_rules! insert_default_categories {
    ($tx:expr, $community:expr) => {{
        for (position, category) in linli_domain::categories::DEFAULT_CATEGORIES.iter().enumerate() {
            let (sign_kind, sign_minutes) = category.sign.to_parts();
            let (resolve_kind, resolve_minutes) = category.resolve.to_parts();
            sqlx::query(
                "INSERT INTO categories (community_id, code, name, name_en, icon, sign_limit_kind, sign_limit_minutes,
                     resolve_limit_kind, resolve_limit_minutes, complex, position, active)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, TRUE)",
            )
            .bind($community)
            .bind(category.code)
            .bind(category.name)
            .bind(category.name_en)
            .bind(category.icon)
            .bind(sign_kind)
            .bind(sign_minutes)
            .bind(resolve_kind)
            .bind(resolve_minutes)
            .bind(category.complex)
            .bind(i64::try_from(position).unwrap_or_default())
            .execute(&mut *$tx)
            .await?;
        }
    }};
}
pub(crate) use insert_default_categories;

impl Store {
    /// A community's categories in their order (from this instance's copy when fresh).
    pub async fn categories(&self, community: CommunityId) -> StoreResult<Vec<Category>> {
        if let Some(kept) = self.reference.categories(community.0) {
            return Ok(kept.as_ref().clone());
        }
        let sql = format!(
            "SELECT {CATEGORY_COLUMNS} FROM categories WHERE community_id = $1 ORDER BY position, id"
        );
        let read = on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, Category>(AssertSqlSafe(sql.as_str()))
                .bind(community.0)
                .fetch_all(pool)
                .await
        })?;
        Ok(self
            .reference
            .keep_categories(community.0, read)
            .as_ref()
            .clone())
    }

    /// Adds a category to a community, after its existing ones.
    pub async fn create_category(&self, category: &Category) -> StoreResult<Category> {
        let sql = format!(
            "INSERT INTO categories (community_id, code, name, name_en, icon, sign_limit_kind, sign_limit_minutes,
                resolve_limit_kind, resolve_limit_minutes, complex, position, active)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,
                (SELECT COALESCE(MAX(position), -1) + 1 FROM categories WHERE community_id = $1), $11)
             RETURNING {CATEGORY_COLUMNS}"
        );
        let row = on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, Category>(AssertSqlSafe(sql.as_str()))
                .bind(category.community_id)
                .bind(&category.code)
                .bind(&category.name)
                .bind(&category.name_en)
                .bind(&category.icon)
                .bind(&category.sign_limit_kind)
                .bind(category.sign_limit_minutes)
                .bind(&category.resolve_limit_kind)
                .bind(category.resolve_limit_minutes)
                .bind(category.complex)
                .bind(category.active)
                .fetch_one(pool)
                .await
        });
        let created = row.map_err(StoreError::unique_as("work_order.category_exists"))?;
        self.reference.forget_categories(created.community_id);
        Ok(created)
    }

    /// Changes a category's names, icon, time limits, complexity or whether it is offered.
    /// Work orders already dispatched keep the deadlines they were given.
    pub async fn update_category(&self, category: &Category) -> StoreResult<Category> {
        let sql = format!(
            "UPDATE categories SET name = $1, name_en = $2, icon = $3, sign_limit_kind = $4, sign_limit_minutes = $5,
                resolve_limit_kind = $6, resolve_limit_minutes = $7, complex = $8, active = $9
             WHERE id = $10 RETURNING {CATEGORY_COLUMNS}"
        );
        let updated = on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, Category>(AssertSqlSafe(sql.as_str()))
                .bind(&category.name)
                .bind(&category.name_en)
                .bind(&category.icon)
                .bind(&category.sign_limit_kind)
                .bind(category.sign_limit_minutes)
                .bind(&category.resolve_limit_kind)
                .bind(category.resolve_limit_minutes)
                .bind(category.complex)
                .bind(category.active)
                .bind(category.id)
                .fetch_optional(pool)
                .await
        })?
        .ok_or(StoreError::NotFound("work_order.category_not_found"))?;
        self.reference.forget_categories(updated.community_id);
        Ok(updated)
    }

    pub async fn category(&self, id: i64) -> StoreResult<Category> {
        if let Some(kept) = self.reference.category(id) {
            return Ok(kept);
        }
        let sql = format!("SELECT {CATEGORY_COLUMNS} FROM categories WHERE id = $1");
        on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, Category>(AssertSqlSafe(sql.as_str()))
                .bind(id)
                .fetch_optional(pool)
                .await
        })?
        .ok_or(StoreError::NotFound("work_order.category_not_found"))
    }

    /// Adds holidays (and swapped working days) that are not recorded yet.
    pub async fn add_holidays(&self, holidays: &[Holiday]) -> StoreResult<u64> {
        on_pool!(&self.db, |pool| {
            let mut tx = pool.begin().await?;
            let mut added = 0;
            for holiday in holidays {
                added += sqlx::query("INSERT INTO holidays (day, kind, name) VALUES ($1, $2, $3) ON CONFLICT (day) DO NOTHING")
                    .bind(holiday.day)
                    .bind(&holiday.kind)
                    .bind(&holiday.name)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
            }
            tx.commit().await?;
            Ok::<_, StoreError>(added)
        })
    }

    /// Replaces one year's holidays (the administrator corrects or publishes a year).
    pub async fn replace_holidays(&self, year: i32, holidays: &[Holiday]) -> StoreResult<()> {
        let first = NaiveDate::from_ymd_opt(year, 1, 1)
            .ok_or(StoreError::Conflict("calendar.year_invalid"))?;
        let last = NaiveDate::from_ymd_opt(year, 12, 31)
            .ok_or(StoreError::Conflict("calendar.year_invalid"))?;
        on_pool!(&self.db, |pool| {
            let mut tx = pool.begin().await?;
            sqlx::query("DELETE FROM holidays WHERE day >= $1 AND day <= $2")
                .bind(first)
                .bind(last)
                .execute(&mut *tx)
                .await?;
            for holiday in holidays {
                sqlx::query("INSERT INTO holidays (day, kind, name) VALUES ($1, $2, $3)")
                    .bind(holiday.day)
                    .bind(&holiday.kind)
                    .bind(&holiday.name)
                    .execute(&mut *tx)
                    .await
                    .map_err(StoreError::unique_as("calendar.day_repeated"))?;
            }
            tx.commit().await?;
            Ok(())
        })
    }

    pub async fn holidays(&self, year: Option<i32>) -> StoreResult<Vec<Holiday>> {
        let range = year.and_then(|year| {
            Some((
                NaiveDate::from_ymd_opt(year, 1, 1)?,
                NaiveDate::from_ymd_opt(year, 12, 31)?,
            ))
        });
        let (first, last) = range.unzip();
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, Holiday>(
                "SELECT day, kind, name FROM holidays WHERE ($1 IS NULL OR day >= $1) AND ($2 IS NULL OR day <= $2) ORDER BY day",
            )
            .bind(first)
            .bind(last)
            .fetch_all(pool)
            .await
        })?)
    }

    pub async fn working_calendar(&self) -> StoreResult<WorkingCalendar> {
        let holidays = self.holidays(None).await?;
        let off = holidays
            .iter()
            .filter(|holiday| holiday.kind == "off")
            .map(|holiday| holiday.day);
        let work = holidays
            .iter()
            .filter(|holiday| holiday.kind == "work")
            .map(|holiday| holiday.day);
        Ok(WorkingCalendar::new(off, work))
    }

    /// Creates a work order with the community's next number and its first event, in one
    /// transaction. The counter row is locked until commit, so numbers have no gaps and
    /// no repeats under concurrency.
    pub async fn create_work_order(
        &self,
        order: NewWorkOrder<'_>,
        now: DateTime<Utc>,
    ) -> StoreResult<CreatedWorkOrder> {
        let mut created = self.create_work_orders(&[(order, now)]).await?;
        created
            .pop()
            .ok_or(StoreError::NotFound("work_order.not_found"))
    }

    /// Creates up to [`MAX_CREATES_AT_ONCE`] work orders in one transaction (group
    /// commit: one durable write for many reports), each with its own time; all of them
    /// or none, answered in the order given. Each kind of row is written by one statement
    /// for the whole batch, so a batch costs a handful of round trips however many
    /// reports it holds.
    pub async fn create_work_orders(
        &self,
        orders: &[(NewWorkOrder<'_>, DateTime<Utc>)],
    ) -> StoreResult<Vec<CreatedWorkOrder>> {
        use std::collections::{BTreeMap, HashMap};
        if orders.is_empty() {
            return Ok(Vec::new());
        }
        if orders.len() > MAX_CREATES_AT_ONCE {
            return Err(StoreError::Conflict("work_order.batch_too_large"));
        }
        let terms: Vec<String> = orders
            .iter()
            .map(|(order, _)| linli_domain::search::index_text(order.description))
            .collect();
        let mut per_community: BTreeMap<i64, i64> = BTreeMap::new();
        for (order, _) in orders {
            *per_community.entry(order.community.0).or_default() += 1;
        }
        let mut stats = crate::statistics::StatsWrites::default();
        for (order, at) in orders {
            let created = crate::statistics::StatsChange {
                key: crate::statistics::StatsKey {
                    community_id: order.community.0,
                    category_id: order.category_id,
                    building_id: order.building_id,
                    organisation_id: None,
                },
                delta: linli_domain::statistics::Delta {
                    counts: linli_domain::statistics::Counts {
                        created: 1,
                        ..Default::default()
                    },
                    ..Default::default()
                },
                from_status: None,
                to_status: Status::Submitted,
            };
            stats.add(&created, stored_time(*at));
        }
        let sqlite = self.engine() == crate::db::Engine::Sqlite;
        on_pool!(&self.db, |pool| {
            let mut tx = pool.begin().await?;
            // Reserve each community's numbers with one bump of its counter; the row stays
            // locked until commit, so numbers have neither gaps nor repeats.
            let mut next_number: HashMap<i64, i64> = HashMap::new();
            for (community, count) in &per_community {
                let last = sqlx::query_scalar::<_, i64>(
                    "INSERT INTO work_order_counters (community_id, last_number) VALUES ($1, $2)
                     ON CONFLICT (community_id) DO UPDATE SET last_number = work_order_counters.last_number + $2
                     RETURNING last_number",
                )
                .bind(community)
                .bind(count)
                .fetch_one(&mut *tx)
                .await?;
                next_number.insert(*community, last - count + 1);
            }
            let numbers: Vec<i64> = orders
                .iter()
                .map(|(order, _)| {
                    let next = next_number.entry(order.community.0).or_default();
                    *next += 1;
                    *next - 1
                })
                .collect();
            let mut insert = sqlx::QueryBuilder::new(
                "INSERT INTO work_orders (community_id, number, category_id, description, building_id, room_id, place, channel,
                    reporter_id, guest_name, guest_phone, created_by, priority, status, is_public, created_at, updated_at, search_terms) ",
            );
            insert.push_values(
                orders.iter().zip(&numbers).zip(&terms),
                |mut row, (((order, at), number), terms)| {
                    row.push_bind(order.community.0)
                        .push_bind(*number)
                        .push_bind(order.category_id)
                        .push_bind(order.description)
                        .push_bind(order.building_id)
                        .push_bind(order.room_id)
                        .push_bind(order.place)
                        .push_bind(order.channel.as_str())
                        .push_bind(order.reporter.map(|person| person.0))
                        .push_bind(order.guest_name)
                        .push_bind(order.guest_phone)
                        .push_bind(order.created_by.0)
                        .push("'normal'")
                        .push("'submitted'")
                        .push_bind(order.is_public)
                        .push_bind(stored_time(*at))
                        .push_bind(stored_time(*at))
                        .push_bind(terms.as_str());
                },
            );
            insert.push(format!(" RETURNING {WORK_ORDER_COLUMNS}"));
            // RETURNING promises no order: rows are matched to reports by their number.
            let mut by_number: HashMap<(i64, i64), WorkOrderRow> = insert
                .build_query_as::<WorkOrderRow>()
                .fetch_all(&mut *tx)
                .await?
                .into_iter()
                .map(|row| ((row.community_id, row.number), row))
                .collect();
            let mut rows = Vec::with_capacity(orders.len());
            for ((order, _), number) in orders.iter().zip(&numbers) {
                rows.push(
                    by_number
                        .remove(&(order.community.0, *number))
                        .ok_or(StoreError::NotFound("work_order.not_found"))?,
                );
            }
            if sqlite {
                let mut search =
                    sqlx::QueryBuilder::new("INSERT INTO work_order_search (rowid, search_terms) ");
                search.push_values(rows.iter().zip(&terms), |mut row, (order, terms)| {
                    row.push_bind(order.id).push_bind(terms.as_str());
                });
                search.build().execute(&mut *tx).await?;
            }
            let channel_details: Vec<String> = orders
                .iter()
                .map(|(order, _)| {
                    serde_json::json!({ "channel": order.channel.as_str() }).to_string()
                })
                .collect();
            let mut events = sqlx::QueryBuilder::new(
                "INSERT INTO work_order_events (work_order_id, kind, actor_id, at, body, internal, details) ",
            );
            events.push_values(
                rows.iter().zip(orders).zip(&channel_details),
                |mut row, ((created, (order, at)), details)| {
                    row.push_bind(created.id)
                        .push("'submitted'")
                        .push_bind(order.created_by.0)
                        .push_bind(stored_time(*at))
                        .push_bind(order.description)
                        .push("FALSE")
                        .push_bind(details.as_str());
                },
            );
            events.push(" RETURNING id, work_order_id");
            let event_ids: HashMap<i64, i64> = events
                .build_query_as::<(i64, i64)>()
                .fetch_all(&mut *tx)
                .await?
                .into_iter()
                .map(|(event, work_order)| (work_order, event))
                .collect();
            for (created, (order, _)) in rows.iter().zip(orders) {
                let Some(visit) = order.visit_id else {
                    continue;
                };
                let linked = sqlx::query(
                    "UPDATE visits SET work_order_id = $1 WHERE id = $2 AND community_id = $3 AND work_order_id IS NULL",
                )
                .bind(created.id)
                .bind(visit)
                .bind(order.community.0)
                .execute(&mut *tx)
                .await?;
                if linked.rows_affected() == 0 {
                    return Err(StoreError::Conflict("visit.not_linkable"));
                }
            }
            let outbox: Vec<crate::outbox::OutboxEntry> = rows
                .iter()
                .zip(orders)
                .map(|(created, (_, at))| crate::outbox::OutboxEntry {
                    topic: Topic::WorkOrderSubmitted,
                    community_id: Some(created.community_id),
                    work_order_id: Some(created.id),
                    payload: serde_json::json!({ "number": created.number }),
                    at: *at,
                })
                .collect();
            crate::outbox::write_outbox!(tx, &outbox);
            crate::statistics::write_stats!(tx, &stats);
            tx.commit().await?;
            rows.into_iter()
                .zip(orders)
                .zip(channel_details)
                .map(|((row, (order, at)), details)| {
                    let event_id = event_ids
                        .get(&row.id)
                        .copied()
                        .ok_or(StoreError::NotFound("work_order.not_found"))?;
                    Ok(CreatedWorkOrder {
                        first_event: EventRow {
                            id: event_id,
                            work_order_id: row.id,
                            kind: EventKind::Submitted.as_str().to_owned(),
                            actor_id: Some(order.created_by.0),
                            actor_name: None,
                            at: stored_time(*at),
                            body: Some(order.description.to_owned()),
                            internal: false,
                            details: Some(details),
                        },
                        row,
                    })
                })
                .collect()
        })
    }

    pub async fn work_order(&self, id: i64) -> StoreResult<WorkOrderRow> {
        let sql = format!("SELECT {WORK_ORDER_COLUMNS} FROM work_orders WHERE id = $1");
        on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, WorkOrderRow>(AssertSqlSafe(sql.as_str()))
                .bind(id)
                .fetch_optional(pool)
                .await
        })?
        .ok_or(StoreError::NotFound("work_order.not_found"))
    }

    /// The work orders of these ids that exist, in no particular order (one read for a
    /// burst of messages about many work orders).
    pub async fn work_orders_by_id(&self, ids: &[i64]) -> StoreResult<Vec<WorkOrderRow>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let select = format!("SELECT {WORK_ORDER_COLUMNS} FROM work_orders WHERE id IN (");
        on_pool!(&self.db, |pool| {
            let mut query = sqlx::QueryBuilder::new(select.as_str());
            let mut listed = query.separated(", ");
            for id in ids {
                listed.push_bind(*id);
            }
            query.push(")");
            query.build_query_as::<WorkOrderRow>().fetch_all(pool).await
        })
        .map_err(StoreError::from)
    }

    pub async fn work_order_by_number(
        &self,
        community: CommunityId,
        number: i64,
    ) -> StoreResult<WorkOrderRow> {
        let sql = format!(
            "SELECT {WORK_ORDER_COLUMNS} FROM work_orders WHERE community_id = $1 AND number = $2"
        );
        on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, WorkOrderRow>(AssertSqlSafe(sql.as_str()))
                .bind(community.0)
                .bind(number)
                .fetch_optional(pool)
                .await
        })?
        .ok_or(StoreError::NotFound("work_order.not_found"))
    }

    pub async fn co_handlers(&self, work_order: i64) -> StoreResult<Vec<i64>> {
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_scalar::<_, i64>(
                "SELECT organisation_id FROM work_order_co_handlers WHERE work_order_id = $1 ORDER BY organisation_id",
            )
            .bind(work_order)
            .fetch_all(pool)
            .await
        })?)
    }

    pub async fn follows(&self, work_order: i64, person: PersonId) -> StoreResult<bool> {
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_scalar::<_, i64>("SELECT CAST(1 AS BIGINT) FROM work_order_followers WHERE work_order_id = $1 AND person_id = $2")
                .bind(work_order)
                .bind(person.0)
                .fetch_optional(pool)
                .await
        })?
        .is_some())
    }

    pub async fn events(
        &self,
        work_order: i64,
        include_internal: bool,
    ) -> StoreResult<Vec<EventRow>> {
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, EventRow>(
                "SELECT e.id, e.work_order_id, e.kind, e.actor_id, p.display_name AS actor_name, e.at, e.body, e.internal, e.details
                 FROM work_order_events e LEFT JOIN people p ON p.id = e.actor_id
                 WHERE e.work_order_id = $1 AND ($2 OR NOT e.internal)
                 ORDER BY e.id",
            )
            .bind(work_order)
            .bind(include_internal)
            .fetch_all(pool)
            .await
        })?)
    }

    /// Writes an accepted action: the new state (only if nobody changed the work order
    /// since it was read — otherwise `work_order.version_conflict`), its event, a new
    /// follower, and outbox messages, all in one transaction. Returns the new version.
    pub async fn apply_action(
        &self,
        action: AppliedAction,
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        let now = stored_time(now);
        let next = &action.next;
        let internal = action.event.kind.is_internal();
        let co_handlers: Vec<i64> = next
            .co_handlers
            .iter()
            .map(|organisation| organisation.0)
            .collect();
        let details = action
            .event
            .details
            .as_ref()
            .map(serde_json::Value::to_string);
        on_pool!(&self.db, |pool| {
            let mut tx = pool.begin().await?;
            let updated = sqlx::query(
                "UPDATE work_orders SET status = $1, lead_organisation_id = $2, priority = $3, is_public = $4, escalated = $5,
                    supervised = $6, reopen_count = $7, urge_count = $8, me_too_count = $9, last_urged_at = $10,
                    sign_deadline = $11, resolve_deadline = $12, dispatched_at = $13, signed_at = $14, resolved_at = $15,
                    closed_at = $16, hold_started_at = $17, rating = $18, extension_requested_until = $19,
                    merged_into_id = $20, overdue_alerted_at = $21, version = version + 1, updated_at = $22
                 WHERE id = $23 AND version = $24",
            )
            .bind(next.status.as_str())
            .bind(next.lead.map(|organisation| organisation.0))
            .bind(next.priority.as_str())
            .bind(next.is_public)
            .bind(next.escalated)
            .bind(next.supervised)
            .bind(next.reopen_count)
            .bind(next.urge_count)
            .bind(next.me_too_count)
            .bind(next.last_urged_at.map(stored_time))
            .bind(next.sign_deadline.map(stored_time))
            .bind(next.resolve_deadline.map(stored_time))
            .bind(next.dispatched_at.map(stored_time))
            .bind(next.signed_at.map(stored_time))
            .bind(next.resolved_at.map(stored_time))
            .bind(next.closed_at.map(stored_time))
            .bind(next.hold_started_at.map(stored_time))
            .bind(next.rating.map(|rating| i64::from(rating.stars())))
            .bind(next.extension_requested_until.map(stored_time))
            .bind(next.merged_into)
            .bind(next.overdue_alerted_at.map(stored_time))
            .bind(now)
            .bind(action.work_order_id)
            .bind(action.expected_version)
            .execute(&mut *tx)
            .await?;
            if updated.rows_affected() == 0 {
                return Err(StoreError::Conflict("work_order.version_conflict"));
            }
            sqlx::query("DELETE FROM work_order_co_handlers WHERE work_order_id = $1")
                .bind(action.work_order_id)
                .execute(&mut *tx)
                .await?;
            for organisation in &co_handlers {
                sqlx::query("INSERT INTO work_order_co_handlers (work_order_id, organisation_id) VALUES ($1, $2)")
                    .bind(action.work_order_id)
                    .bind(organisation)
                    .execute(&mut *tx)
                    .await?;
            }
            sqlx::query(
                "INSERT INTO work_order_events (work_order_id, kind, actor_id, at, body, internal, details)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(action.work_order_id)
            .bind(action.event.kind.as_str())
            .bind(action.event.actor.map(|person| person.0))
            .bind(now)
            .bind(action.event.body.as_deref())
            .bind(internal)
            .bind(details.as_deref())
            .execute(&mut *tx)
            .await?;
            if let Some((person, reason)) = action.new_follower {
                sqlx::query(
                    "INSERT INTO work_order_followers (work_order_id, person_id, reason, created_at) VALUES ($1, $2, $3, $4)
                     ON CONFLICT (work_order_id, person_id) DO NOTHING",
                )
                .bind(next.merged_into.filter(|_| reason == "merged").unwrap_or(action.work_order_id))
                .bind(person.0)
                .bind(reason)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            let outbox: Vec<crate::outbox::OutboxEntry> = action
                .outbox
                .iter()
                .map(|message| crate::outbox::OutboxEntry {
                    topic: message.topic,
                    community_id: Some(action.stats.key.community_id),
                    work_order_id: Some(action.work_order_id),
                    payload: message.payload.clone(),
                    at: now,
                })
                .collect();
            crate::outbox::write_outbox!(tx, &outbox);
            let mut stats = crate::statistics::StatsWrites::default();
            stats.add(&action.stats, now);
            crate::statistics::write_stats!(tx, &stats);
            let version =
                sqlx::query_scalar::<_, i64>("SELECT version FROM work_orders WHERE id = $1")
                    .bind(action.work_order_id)
                    .fetch_one(&mut *tx)
                    .await?;
            tx.commit().await?;
            Ok(version)
        })
    }

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
            if let Some(lead) = filter.lead_organisation_id {
                query.push(" AND lead_organisation_id = ").push_bind(lead);
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
                    .push(
                        ") AND o.status IN ('dispatched', 'in_progress') AND o.resolve_deadline < ",
                    )
                    .push_bind(stored_time(at))
                    .push(")");
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
                        .push(" AND (COALESCE(resolve_deadline, ")
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
                        .push(" ORDER BY COALESCE(resolve_deadline, ")
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

    /// Work orders that have just become overdue: marked, given a supervision-alert event
    /// and an outbox message, each in its own transaction. Returns their ids.
    pub async fn mark_newly_overdue(
        &self,
        now: DateTime<Utc>,
        batch: i64,
    ) -> StoreResult<Vec<i64>> {
        let now = stored_time(now);
        let due: Vec<(i64, i64, i64)> = on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, (i64, i64, i64)>(
                "SELECT id, number, community_id FROM work_orders
                 WHERE status IN ('dispatched', 'in_progress') AND resolve_deadline < $1 AND overdue_alerted_at IS NULL
                 ORDER BY resolve_deadline LIMIT $2",
            )
            .bind(now)
            .bind(batch)
            .fetch_all(pool)
            .await
        })?;
        let mut marked = Vec::with_capacity(due.len());
        for (id, number, community_id) in due {
            let changed = on_pool!(&self.db, |pool| {
                let mut tx = pool.begin().await?;
                let updated = sqlx::query(
                    "UPDATE work_orders SET overdue_alerted_at = $1, version = version + 1, updated_at = $1
                     WHERE id = $2 AND overdue_alerted_at IS NULL AND status IN ('dispatched', 'in_progress')",
                )
                .bind(now)
                .bind(id)
                .execute(&mut *tx)
                .await?;
                if updated.rows_affected() == 1 {
                    sqlx::query(
                        "INSERT INTO work_order_events (work_order_id, kind, actor_id, at, body, internal, details)
                         VALUES ($1, 'overdue_alerted', NULL, $2, NULL, TRUE, NULL)",
                    )
                    .bind(id)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                    let outbox = [crate::outbox::OutboxEntry {
                        topic: Topic::WorkOrderOverdue,
                        community_id: Some(community_id),
                        work_order_id: Some(id),
                        payload: serde_json::json!({ "number": number }),
                        at: now,
                    }];
                    crate::outbox::write_outbox!(tx, &outbox);
                }
                tx.commit().await?;
                Ok::<_, StoreError>(updated.rows_affected() == 1)
            })?;
            if changed {
                marked.push(id);
            }
        }
        Ok(marked)
    }

    /// Resolved work orders whose acceptance window has passed.
    pub async fn resolved_before(
        &self,
        before: DateTime<Utc>,
        batch: i64,
    ) -> StoreResult<Vec<i64>> {
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_scalar::<_, i64>(
                "SELECT id FROM work_orders WHERE status = 'resolved' AND resolved_at <= $1 ORDER BY resolved_at LIMIT $2",
            )
            .bind(stored_time(before))
            .bind(batch)
            .fetch_all(pool)
            .await
        })?)
    }

    /// Messages not delivered yet, oldest first (for tests and the delivery worker).
    pub async fn pending_outbox(&self, work_order: i64) -> StoreResult<Vec<(String, String)>> {
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, (String, String)>(
                "SELECT topic, payload FROM outbox WHERE work_order_id = $1 AND delivered_at IS NULL ORDER BY id",
            )
            .bind(work_order)
            .fetch_all(pool)
            .await
        })?)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Photo {
    pub id: i64,
    pub work_order_id: i64,
    pub uploaded_by: i64,
    pub purpose: String,
    pub storage_key: String,
    pub thumbnail_key: String,
    pub width: i64,
    pub height: i64,
    pub bytes: i64,
    pub created_at: DateTime<Utc>,
}

pub struct NewPhoto {
    pub storage_key: String,
    pub thumbnail_key: String,
    pub width: i64,
    pub height: i64,
    pub bytes: i64,
}

const PHOTO_COLUMNS: &str = "id, work_order_id, uploaded_by, purpose, storage_key, thumbnail_key, width, height, bytes, created_at";

impl Store {
    /// Records photos already in blob storage, all or none, if the work order keeps at
    /// most `max_per_purpose` of this purpose.
    pub async fn add_photos(
        &self,
        work_order: i64,
        uploaded_by: PersonId,
        purpose: &str,
        photos: &[NewPhoto],
        max_per_purpose: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let now = stored_time(now);
        on_pool!(&self.db, |pool| {
            let mut tx = pool.begin().await?;
            // Locks the work order's row so concurrent uploads cannot pass the limit together.
            sqlx::query("UPDATE work_orders SET updated_at = updated_at WHERE id = $1")
                .bind(work_order)
                .execute(&mut *tx)
                .await?;
            let existing = sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM work_order_photos WHERE work_order_id = $1 AND purpose = $2",
            )
            .bind(work_order)
            .bind(purpose)
            .fetch_one(&mut *tx)
            .await?;
            if existing + i64::try_from(photos.len()).unwrap_or(i64::MAX) > max_per_purpose {
                return Err(StoreError::Conflict("photo.too_many"));
            }
            for photo in photos {
                sqlx::query(
                    "INSERT INTO work_order_photos (work_order_id, uploaded_by, purpose, storage_key, thumbnail_key, width, height, bytes, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(work_order)
                .bind(uploaded_by.0)
                .bind(purpose)
                .bind(&photo.storage_key)
                .bind(&photo.thumbnail_key)
                .bind(photo.width)
                .bind(photo.height)
                .bind(photo.bytes)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            Ok(())
        })
    }

    pub async fn photos(&self, work_order: i64) -> StoreResult<Vec<Photo>> {
        let sql = format!(
            "SELECT {PHOTO_COLUMNS} FROM work_order_photos WHERE work_order_id = $1 ORDER BY id"
        );
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, Photo>(AssertSqlSafe(sql.as_str()))
                .bind(work_order)
                .fetch_all(pool)
                .await
        })?)
    }

    pub async fn photo(&self, id: i64) -> StoreResult<Photo> {
        let sql = format!("SELECT {PHOTO_COLUMNS} FROM work_order_photos WHERE id = $1");
        on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, Photo>(AssertSqlSafe(sql.as_str()))
                .bind(id)
                .fetch_optional(pool)
                .await
        })?
        .ok_or(StoreError::NotFound("photo.not_found"))
    }
}
