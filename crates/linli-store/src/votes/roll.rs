//! The roll of a vote: read from the registry when it opens, then kept as made.

use crate::db::{Store, stored_time};
use crate::error::{StoreError, StoreResult};
use chrono::{DateTime, Utc};
use linli_domain::ids::PersonId;

/// A room of the vote's place as the registry has it now.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RegistryRoom {
    pub room_id: i64,
    pub building_name: String,
    pub unit_number: String,
    pub room_number: String,
    pub floor_area_hundredths_m2: Option<i64>,
}

/// One voter of a made roll.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct VoterRow {
    pub id: i64,
    pub number: i64,
    pub area_cm2: i64,
}

/// A room of a made roll, with the words people read it by.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RollRoomRow {
    pub voter_id: i64,
    pub room_id: i64,
    pub area_cm2: i64,
    pub building_name: String,
    pub unit_number: String,
    pub room_number: String,
}

/// An owner of record of a voter of a made roll.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RollOwnerRow {
    pub voter_id: i64,
    pub person_id: i64,
    pub display_name: String,
}

/// A voter to write: its rooms with their areas, and its owners.
pub struct NewVoter {
    pub area_cm2: i64,
    pub rooms: Vec<(i64, i64)>,
    pub owners: Vec<PersonId>,
}

/// Rows per multi-row INSERT: well under SQLite's 32,766 bound parameters.
const ROWS_PER_INSERT: usize = 1_000;

const PLACE_FILTER: &str =
    "b.estate_id = $1 AND (CAST($2 AS BIGINT) IS NULL OR r.building_id = $2)";

impl Store {
    /// The rooms of an estate (or of one building of it), in the registry's order.
    pub async fn registry_rooms(
        &self,
        estate: i64,
        building: Option<i64>,
    ) -> StoreResult<Vec<RegistryRoom>> {
        let sql = format!(
            "SELECT r.id AS room_id, b.name AS building_name, u.number AS unit_number, r.number AS room_number,
                    r.floor_area_hundredths_m2
             FROM rooms r JOIN units u ON u.id = r.unit_id JOIN buildings b ON b.id = r.building_id
             WHERE {PLACE_FILTER}
             ORDER BY b.position, b.id, u.position, u.id, r.floor, r.number"
        );
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, RegistryRoom>(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(estate)
                .bind(building)
                .fetch_all(pool)
                .await
        })?)
    }

    /// The owners of record of those rooms: `(room, person)`. Tenants and family members
    /// are not owners.
    pub async fn registry_owners(
        &self,
        estate: i64,
        building: Option<i64>,
    ) -> StoreResult<Vec<(i64, i64)>> {
        let sql = format!(
            "SELECT pr.room_id, pr.person_id
             FROM person_rooms pr JOIN rooms r ON r.id = pr.room_id JOIN buildings b ON b.id = r.building_id
             WHERE pr.relation = 'owner' AND {PLACE_FILTER}
             ORDER BY pr.room_id, pr.person_id"
        );
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, (i64, i64)>(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(estate)
                .bind(building)
                .fetch_all(pool)
                .await
        })?)
    }

    /// Opens a draft: writes its roll and the kept totals, in one transaction, or
    /// nothing (`vote.not_draft` if it was opened meanwhile).
    pub async fn open_vote(
        &self,
        id: i64,
        voters: &[NewVoter],
        by: PersonId,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let now = stored_time(now);
        let room_count: usize = voters.iter().map(|voter| voter.rooms.len()).sum();
        let total_area: i64 = voters.iter().map(|voter| voter.area_cm2).sum();
        let count = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
        on_pool!(&self.db, |pool| {
            let mut tx = pool.begin().await?;
            let opened = sqlx::query(
                "UPDATE votes SET status = 'opened', opened_by = $2, opened_at = $3, room_count = $4,
                    voter_count = $5, total_area_cm2 = $6
                 WHERE id = $1 AND status = 'draft'",
            )
            .bind(id)
            .bind(by.0)
            .bind(now)
            .bind(count(room_count))
            .bind(count(voters.len()))
            .bind(total_area)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if opened == 0 {
                return Err(StoreError::Conflict("vote.not_draft"));
            }
            let numbered: Vec<(i64, &NewVoter)> = voters
                .iter()
                .enumerate()
                .map(|(number, voter)| (count(number), voter))
                .collect();
            let mut ids = vec![0_i64; voters.len()];
            for chunk in numbered.chunks(ROWS_PER_INSERT) {
                let mut insert =
                    sqlx::QueryBuilder::new("INSERT INTO vote_voters (vote_id, number, area_cm2) ");
                insert.push_values(chunk, |mut row, (number, voter)| {
                    row.push_bind(id)
                        .push_bind(*number)
                        .push_bind(voter.area_cm2);
                });
                insert.push(" RETURNING id, number");
                let written: Vec<(i64, i64)> = insert.build_query_as().fetch_all(&mut *tx).await?;
                for (voter_id, number) in written {
                    if let Some(slot) = usize::try_from(number).ok().and_then(|n| ids.get_mut(n)) {
                        *slot = voter_id;
                    }
                }
            }
            let rooms: Vec<(i64, i64, i64)> = voters
                .iter()
                .zip(&ids)
                .flat_map(|(voter, voter_id)| {
                    voter
                        .rooms
                        .iter()
                        .map(move |(room, area)| (*voter_id, *room, *area))
                })
                .collect();
            for chunk in rooms.chunks(ROWS_PER_INSERT) {
                let mut insert = sqlx::QueryBuilder::new(
                    "INSERT INTO vote_rooms (vote_id, room_id, voter_id, area_cm2) ",
                );
                insert.push_values(chunk, |mut row, (voter_id, room, area)| {
                    row.push_bind(id)
                        .push_bind(*room)
                        .push_bind(*voter_id)
                        .push_bind(*area);
                });
                insert.build().execute(&mut *tx).await?;
            }
            let owners: Vec<(i64, i64)> = voters
                .iter()
                .zip(&ids)
                .flat_map(|(voter, voter_id)| {
                    voter.owners.iter().map(move |person| (*voter_id, person.0))
                })
                .collect();
            for chunk in owners.chunks(ROWS_PER_INSERT) {
                let mut insert =
                    sqlx::QueryBuilder::new("INSERT INTO vote_owners (voter_id, person_id) ");
                insert.push_values(chunk, |mut row, (voter_id, person)| {
                    row.push_bind(*voter_id).push_bind(*person);
                });
                insert.build().execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok(())
        })
    }

    /// The voters of a made roll, in its order.
    pub async fn vote_voters(&self, vote: i64) -> StoreResult<Vec<VoterRow>> {
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, VoterRow>(
                "SELECT id, number, area_cm2 FROM vote_voters WHERE vote_id = $1 ORDER BY number",
            )
            .bind(vote)
            .fetch_all(pool)
            .await
        })?)
    }

    /// The rooms of a made roll, in the registry's order.
    pub async fn vote_rooms(&self, vote: i64) -> StoreResult<Vec<RollRoomRow>> {
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, RollRoomRow>(
                "SELECT vr.voter_id, vr.room_id, vr.area_cm2, b.name AS building_name, u.number AS unit_number,
                        r.number AS room_number
                 FROM vote_rooms vr JOIN rooms r ON r.id = vr.room_id JOIN units u ON u.id = r.unit_id
                     JOIN buildings b ON b.id = r.building_id
                 WHERE vr.vote_id = $1
                 ORDER BY b.position, b.id, u.position, u.id, r.floor, r.number",
            )
            .bind(vote)
            .fetch_all(pool)
            .await
        })?)
    }

    /// The owners of record on a made roll, with their names.
    pub async fn vote_owners(&self, vote: i64) -> StoreResult<Vec<RollOwnerRow>> {
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, RollOwnerRow>(
                "SELECT o.voter_id, o.person_id, p.display_name
                 FROM vote_owners o JOIN vote_voters v ON v.id = o.voter_id JOIN people p ON p.id = o.person_id
                 WHERE v.vote_id = $1
                 ORDER BY o.voter_id, o.person_id",
            )
            .bind(vote)
            .fetch_all(pool)
            .await
        })?)
    }

    /// The voters of a made roll that `person` is an owner of, with their rooms:
    /// `(voter, room)`.
    pub async fn voters_of(&self, vote: i64, person: PersonId) -> StoreResult<Vec<(i64, i64)>> {
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, (i64, i64)>(
                "SELECT vr.voter_id, vr.room_id
                 FROM vote_owners o JOIN vote_rooms vr ON vr.voter_id = o.voter_id
                 WHERE vr.vote_id = $1 AND o.person_id = $2
                 ORDER BY vr.voter_id, vr.room_id",
            )
            .bind(vote)
            .bind(person.0)
            .fetch_all(pool)
            .await
        })?)
    }
}
