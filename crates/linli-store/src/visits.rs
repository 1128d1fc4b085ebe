//! The reception desk's visit log (来访登记).

use crate::db::{Store, stored_time};
use crate::error::StoreResult;
use chrono::{DateTime, Utc};
use linli_domain::ids::{CommunityId, PersonId};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Visit {
    pub id: i64,
    pub community_id: i64,
    pub visitor_name: String,
    pub visitor_phone: Option<String>,
    pub person_id: Option<i64>,
    pub building_id: Option<i64>,
    pub room_text: Option<String>,
    pub matter: String,
    pub receptionist_id: i64,
    pub receptionist_name: String,
    pub outcome: Option<String>,
    pub work_order_id: Option<i64>,
    pub work_order_number: Option<i64>,
    pub visited_at: DateTime<Utc>,
}

pub struct NewVisit<'a> {
    pub community: CommunityId,
    pub visitor_name: &'a str,
    pub visitor_phone: Option<&'a str>,
    pub person: Option<PersonId>,
    pub building_id: Option<i64>,
    pub room_text: Option<&'a str>,
    pub matter: &'a str,
    pub receptionist: PersonId,
    pub outcome: Option<&'a str>,
}

const VISIT_COLUMNS: &str = "SELECT v.id, v.community_id, v.visitor_name, v.visitor_phone, v.person_id, v.building_id,
        v.room_text, v.matter, v.receptionist_id, p.display_name AS receptionist_name, v.outcome, v.work_order_id,
        w.number AS work_order_number, v.visited_at
    FROM visits v JOIN people p ON p.id = v.receptionist_id LEFT JOIN work_orders w ON w.id = v.work_order_id";

impl Store {
    pub async fn create_visit(
        &self,
        visit: NewVisit<'_>,
        now: DateTime<Utc>,
    ) -> StoreResult<Visit> {
        let id = on_pool!(&self.db, |pool| {
            sqlx::query_scalar::<_, i64>(
                "INSERT INTO visits (community_id, visitor_name, visitor_phone, person_id, building_id, room_text, matter,
                    receptionist_id, outcome, visited_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
            )
            .bind(visit.community.0)
            .bind(visit.visitor_name)
            .bind(visit.visitor_phone)
            .bind(visit.person.map(|person| person.0))
            .bind(visit.building_id)
            .bind(visit.room_text)
            .bind(visit.matter)
            .bind(visit.receptionist.0)
            .bind(visit.outcome)
            .bind(stored_time(now))
            .fetch_one(pool)
            .await
        })?;
        self.visit(id).await
    }

    pub async fn visit(&self, id: i64) -> StoreResult<Visit> {
        let sql = format!("{VISIT_COLUMNS} WHERE v.id = $1");
        on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, Visit>(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(id)
                .fetch_optional(pool)
                .await
        })?
        .ok_or(crate::StoreError::NotFound("visit.not_found"))
    }

    /// A community's visits whose visitor, room, matter or outcome may hold `phrase`,
    /// newest first: `LIKE` narrows (wildcards escaped, ASCII folded on both engines),
    /// the caller confirms the phrase, so both engines answer alike.
    pub async fn visits_possibly_containing(
        &self,
        community: CommunityId,
        phrase: &str,
        limit: i64,
    ) -> StoreResult<Vec<Visit>> {
        let escaped: String = phrase
            .to_ascii_lowercase()
            .chars()
            .flat_map(|c| match c {
                '%' | '_' | '\\' => vec!['\\', c],
                c => vec![c],
            })
            .collect();
        let sql = format!(
            "{VISIT_COLUMNS} WHERE v.community_id = $1 AND LOWER(v.visitor_name || ' ' || COALESCE(v.room_text, '') || ' '
                 || v.matter || ' ' || COALESCE(v.outcome, '')) LIKE $2 ESCAPE '\\' ORDER BY v.id DESC LIMIT $3"
        );
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, Visit>(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(community.0)
                .bind(format!("%{escaped}%"))
                .bind(limit)
                .fetch_all(pool)
                .await
        })?)
    }

    /// A community's visits between two instants, newest first.
    pub async fn visits(
        &self,
        community: CommunityId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        limit: i64,
    ) -> StoreResult<Vec<Visit>> {
        let sql = format!(
            "{VISIT_COLUMNS} WHERE v.community_id = $1 AND v.visited_at >= $2 AND v.visited_at < $3 ORDER BY v.id DESC LIMIT $4"
        );
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, Visit>(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(community.0)
                .bind(stored_time(from))
                .bind(stored_time(to))
                .bind(limit)
                .fetch_all(pool)
                .await
        })?)
    }
}
