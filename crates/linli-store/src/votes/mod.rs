//! Owners' votes (业主表决): the vote and its options, the roll made when it opens
//! (`roll.rs`), and the ballots, only ever added (`ballots.rs`). The rules (who is one
//! owner, the thresholds) are the domain's; this keeps the rows and writes each change
//! only from the state it was decided on.

mod ballots;
mod roll;

pub use ballots::{BallotRow, NewBallot};
pub use roll::{NewVoter, RegistryRoom, RollOwnerRow, RollRoomRow, VoterRow};

use crate::db::{Store, stored_time};
use crate::error::{StoreError, StoreResult};
use chrono::{DateTime, Utc};
use linli_domain::ids::{CommunityId, PersonId};
use linli_domain::votes::MatterType;
use sqlx::AssertSqlSafe;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct VoteRow {
    pub id: i64,
    pub community_id: i64,
    pub estate_id: i64,
    pub estate_name: String,
    pub building_id: Option<i64>,
    pub building_name: Option<String>,
    pub title: String,
    pub description: String,
    #[sqlx(try_from = "String")]
    pub matter: MatterType,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    /// Whether its roll was made (`opened`), or it is still a draft.
    pub opened: bool,
    pub room_count: i64,
    pub voter_count: i64,
    pub total_area_cm2: i64,
    pub created_by: i64,
    pub created_by_name: String,
    pub created_at: DateTime<Utc>,
    pub opened_by: Option<i64>,
    pub opened_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OptionRow {
    pub id: i64,
    pub vote_id: i64,
    pub position: i64,
    pub label: String,
}

pub struct NewVote<'a> {
    pub community: CommunityId,
    pub estate_id: i64,
    pub building_id: Option<i64>,
    pub title: &'a str,
    pub description: &'a str,
    pub matter: MatterType,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    pub options: &'a [String],
    pub created_by: PersonId,
}

const VOTE_COLUMNS: &str =
    "SELECT v.id, v.community_id, v.estate_id, e.name AS estate_name, v.building_id,
        b.name AS building_name, v.title, v.description, v.matter, v.opens_at, v.closes_at,
        v.status = 'opened' AS opened, v.room_count, v.voter_count, v.total_area_cm2, v.created_by,
        c.display_name AS created_by_name, v.created_at, v.opened_by, v.opened_at
    FROM votes v JOIN estates e ON e.id = v.estate_id JOIN people c ON c.id = v.created_by
        LEFT JOIN buildings b ON b.id = v.building_id";

impl Store {
    /// A new vote, a draft, with its options in the order given.
    pub async fn create_vote(&self, vote: NewVote<'_>, now: DateTime<Utc>) -> StoreResult<i64> {
        let now = stored_time(now);
        on_pool!(&self.db, |pool| {
            let mut tx = pool.begin().await?;
            let id = sqlx::query_scalar::<_, i64>(
                "INSERT INTO votes (community_id, estate_id, building_id, title, description, matter, opens_at,
                    closes_at, status, created_by, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'draft', $9, $10) RETURNING id",
            )
            .bind(vote.community.0)
            .bind(vote.estate_id)
            .bind(vote.building_id)
            .bind(vote.title)
            .bind(vote.description)
            .bind(vote.matter.as_str())
            .bind(stored_time(vote.opens_at))
            .bind(stored_time(vote.closes_at))
            .bind(vote.created_by.0)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            for (position, label) in vote.options.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO vote_options (vote_id, position, label) VALUES ($1, $2, $3)",
                )
                .bind(id)
                .bind(i64::try_from(position).unwrap_or(i64::MAX))
                .bind(label)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            Ok::<_, StoreError>(id)
        })
    }

    pub async fn vote(&self, id: i64) -> StoreResult<VoteRow> {
        let sql = format!("{VOTE_COLUMNS} WHERE v.id = $1");
        on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, VoteRow>(AssertSqlSafe(sql.as_str()))
                .bind(id)
                .fetch_optional(pool)
                .await
        })?
        .ok_or(StoreError::NotFound("vote.not_found"))
    }

    /// A community's votes, the newest first.
    pub async fn votes(&self, community: CommunityId) -> StoreResult<Vec<VoteRow>> {
        let sql = format!("{VOTE_COLUMNS} WHERE v.community_id = $1 ORDER BY v.id DESC");
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, VoteRow>(AssertSqlSafe(sql.as_str()))
                .bind(community.0)
                .fetch_all(pool)
                .await
        })?)
    }

    /// A vote's options in their order.
    pub async fn vote_options(&self, vote: i64) -> StoreResult<Vec<OptionRow>> {
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, OptionRow>(
                "SELECT id, vote_id, position, label FROM vote_options WHERE vote_id = $1 ORDER BY position",
            )
            .bind(vote)
            .fetch_all(pool)
            .await
        })?)
    }
}
