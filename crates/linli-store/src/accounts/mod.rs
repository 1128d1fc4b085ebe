//! Joining without staff: sign-in codes sent by SMS (kept only as keyed hashes), claims
//! of a room and the committee's decision on them, owners' invitations of family members
//! and tenants, and the mark of reports made before a claim was confirmed.

mod invitation_texts;

pub use invitation_texts::{InvitationText, TextsDue};

use crate::db::{Store, stored_time};
use crate::error::{StoreError, StoreResult};
use crate::outbox::{OutboxEntry, write_outbox};
use crate::people::Person;
use chrono::{DateTime, Utc};
use linli_domain::accounts::{CODE_MAX_ATTEMPTS, ClaimStatus, CodeRequests};
use linli_domain::ids::{CommunityId, PersonId, RoomId};
use linli_domain::registry::RoomRelation;

/// Inside a transaction: gives a person the resident role in a community unless they
/// have it.
macro_rules! grant_resident {
    ($tx:expr, $person:expr, $community:expr, $by:expr, $now:expr) => {{
        let held = sqlx::query_scalar::<_, i64>(
            "SELECT CAST(1 AS BIGINT) FROM role_grants
             WHERE person_id = $1 AND role = 'resident' AND scope_kind = 'community' AND scope_id = $2",
        )
        .bind($person)
        .bind($community)
        .fetch_optional(&mut *$tx)
        .await?;
        if held.is_none() {
            sqlx::query(
                "INSERT INTO role_grants (person_id, role, scope_kind, scope_id, organisation_id, granted_by, created_at)
                 VALUES ($1, 'resident', 'community', $2, NULL, $3, $4)",
            )
            .bind($person)
            .bind($community)
            .bind($by)
            .bind($now)
            .execute(&mut *$tx)
            .await?;
        }
    }};
}

/// Inside a transaction: takes a family member or tenant out of a room (see
/// [`Store::remove_member`]).
macro_rules! remove_member {
    ($tx:expr, $room:expr, $person:expr, $now:expr) => {{
        let removed = sqlx::query(
            "DELETE FROM person_rooms WHERE room_id = $1 AND person_id = $2 AND relation IN ('family', 'tenant')",
        )
        .bind($room)
        .bind($person)
        .execute(&mut *$tx)
        .await?;
        sqlx::query(
            "UPDATE room_invitations SET removed_at = $3 WHERE room_id = $1 AND person_id = $2 AND removed_at IS NULL",
        )
        .bind($room)
        .bind($person)
        .bind($now)
        .execute(&mut *$tx)
        .await?;
        if removed.rows_affected() == 0 {
            return Err(StoreError::NotFound("accounts.member_not_found"));
        }
        sqlx::query(
            "DELETE FROM role_grants WHERE person_id = $1 AND role = 'resident' AND scope_kind = 'community'
               AND scope_id = (SELECT community_id FROM rooms WHERE id = $2)
               AND NOT EXISTS (SELECT 1 FROM person_rooms pr JOIN rooms r ON r.id = pr.room_id
                               WHERE pr.person_id = $1
                                 AND r.community_id = (SELECT community_id FROM rooms WHERE id = $2))",
        )
        .bind($person)
        .bind($room)
        .execute(&mut *$tx)
        .await?;
    }};
}

/// A code that may still be used: the latest sent to a number, not used, not expired,
/// with guesses left.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LiveCode {
    pub id: i64,
    pub code_hash: String,
}

/// A claim of a room, with the room's address and the claimant's name.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ClaimRow {
    pub id: i64,
    pub community_id: i64,
    pub person_id: i64,
    pub display_name: String,
    pub phone: Option<String>,
    pub room_id: i64,
    pub building_name: String,
    pub unit_number: String,
    pub room_number: String,
    #[sqlx(try_from = "String")]
    pub relation: StoredRelation,
    #[sqlx(try_from = "String")]
    pub status: ClaimStatus,
    pub reason: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// A room relation as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoredRelation(pub RoomRelation);

impl TryFrom<String> for StoredRelation {
    type Error = linli_domain::ValidationError;

    fn try_from(stored: String) -> Result<Self, Self::Error> {
        RoomRelation::parse(&stored).map(Self)
    }
}

const CLAIM_COLUMNS: &str = "SELECT c.id, c.community_id, c.person_id, p.display_name, p.phone, c.room_id,
        b.name AS building_name, u.number AS unit_number, r.number AS room_number, c.relation, c.status,
        c.reason, c.decided_at, c.created_at
     FROM room_claims c
     JOIN people p ON p.id = c.person_id
     JOIN rooms r ON r.id = c.room_id
     JOIN units u ON u.id = r.unit_id
     JOIN buildings b ON b.id = r.building_id";

/// A committee's decision on a claim, as the store writes it.
pub struct ClaimVerdict<'a> {
    pub claim: i64,
    pub confirm: bool,
    pub reason: Option<&'a str>,
    pub by: PersonId,
    /// What the claimant is told, written in the same transaction.
    pub notice: OutboxEntry,
}

impl Store {
    /// What the limits count for a request of a code to `phone` from `client_ip` since
    /// `since`.
    pub async fn code_requests(
        &self,
        phone: &str,
        client_ip: &str,
        since: DateTime<Utc>,
    ) -> StoreResult<CodeRequests> {
        let since = stored_time(since);
        let (to_phone, last_to_phone, from_address) = on_pool!(&self.db, |pool| {
            let (to_phone, last_to_phone) = sqlx::query_as::<_, (i64, Option<DateTime<Utc>>)>(
                "SELECT COUNT(*), MAX(created_at) FROM phone_codes WHERE phone = $1 AND created_at > $2",
            )
            .bind(phone)
            .bind(since)
            .fetch_one(pool)
            .await?;
            let from_address = sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM phone_codes WHERE client_ip = $1 AND created_at > $2",
            )
            .bind(client_ip)
            .bind(since)
            .fetch_one(pool)
            .await?;
            Ok::<_, sqlx::Error>((to_phone, last_to_phone, from_address))
        })?;
        Ok(CodeRequests {
            to_phone,
            last_to_phone,
            from_address,
        })
    }

    /// Keeps a code just sent (its keyed hash only).
    pub async fn add_phone_code(
        &self,
        phone: &str,
        code_hash: &str,
        client_ip: &str,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<()> {
        on_pool!(&self.db, |pool| {
            sqlx::query(
                "INSERT INTO phone_codes (phone, code_hash, client_ip, created_at, expires_at)
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(phone)
            .bind(code_hash)
            .bind(client_ip)
            .bind(stored_time(now))
            .bind(stored_time(expires_at))
            .execute(pool)
            .await
            .map(|_| ())
        })?;
        Ok(())
    }

    /// The latest code sent to the number, if it may still be used now.
    pub async fn live_code(
        &self,
        phone: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<LiveCode>> {
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, LiveCode>(
                "SELECT id, code_hash FROM phone_codes
                 WHERE id = (SELECT MAX(id) FROM phone_codes WHERE phone = $1)
                   AND used_at IS NULL AND expires_at > $2 AND attempts < $3",
            )
            .bind(phone)
            .bind(stored_time(now))
            .bind(CODE_MAX_ATTEMPTS)
            .fetch_optional(pool)
            .await
        })?)
    }

    /// Counts a wrong guess against a code.
    pub async fn count_code_attempt(&self, code: i64) -> StoreResult<()> {
        on_pool!(&self.db, |pool| {
            sqlx::query("UPDATE phone_codes SET attempts = attempts + 1 WHERE id = $1")
                .bind(code)
                .execute(pool)
                .await
                .map(|_| ())
        })?;
        Ok(())
    }

    /// Spends a code; `false` if it was used (or expired) meanwhile, so that two requests
    /// with one code cannot both succeed.
    pub async fn use_code(&self, code: i64, now: DateTime<Utc>) -> StoreResult<bool> {
        let now = stored_time(now);
        let used = on_pool!(&self.db, |pool| {
            sqlx::query(
                "UPDATE phone_codes SET used_at = $2 WHERE id = $1 AND used_at IS NULL AND expires_at > $2",
            )
            .bind(code)
            .bind(now)
            .execute(pool)
            .await
            .map(|done| done.rows_affected())
        })?;
        Ok(used == 1)
    }

    /// The account of a mobile number: the earliest one having it, if any.
    pub async fn person_by_phone(&self, phone: &str) -> StoreResult<Option<Person>> {
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, Person>(
                "SELECT id, login, display_name, phone, disabled FROM people
                 WHERE phone = $1 ORDER BY id LIMIT 1",
            )
            .bind(phone)
            .fetch_optional(pool)
            .await
        })?)
    }

    /// Gives a person their name.
    pub async fn set_display_name(&self, person: PersonId, name: &str) -> StoreResult<()> {
        let _forget = self.callers.forget_when_done();
        on_pool!(&self.db, |pool| {
            sqlx::query("UPDATE people SET display_name = $1 WHERE id = $2")
                .bind(name)
                .bind(person.0)
                .execute(pool)
                .await
                .map(|_| ())
        })?;
        Ok(())
    }

    /// Files a claim of a room (`accounts.claim_pending` if the person already has one
    /// waiting for that room).
    pub async fn add_claim(
        &self,
        person: PersonId,
        room: &crate::registry::Room,
        relation: RoomRelation,
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        let inserted = on_pool!(&self.db, |pool| {
            sqlx::query_scalar::<_, i64>(
                "INSERT INTO room_claims (community_id, person_id, room_id, relation, status, created_at)
                 VALUES ($1, $2, $3, $4, 'pending', $5) RETURNING id",
            )
            .bind(room.community_id)
            .bind(person.0)
            .bind(room.id)
            .bind(relation.as_str())
            .bind(stored_time(now))
            .fetch_one(pool)
            .await
        });
        inserted.map_err(StoreError::unique_as("accounts.claim_pending"))
    }

    pub async fn claim(&self, id: i64) -> StoreResult<ClaimRow> {
        let sql = format!("{CLAIM_COLUMNS} WHERE c.id = $1");
        on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, ClaimRow>(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(id)
                .fetch_optional(pool)
                .await
        })?
        .ok_or(StoreError::NotFound("accounts.claim_not_found"))
    }

    /// A person's claims, the latest first.
    pub async fn claims_of(&self, person: PersonId) -> StoreResult<Vec<ClaimRow>> {
        let sql = format!("{CLAIM_COLUMNS} WHERE c.person_id = $1 ORDER BY c.id DESC");
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, ClaimRow>(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(person.0)
                .fetch_all(pool)
                .await
        })?)
    }

    /// A community's claims in a status, oldest first, at most `limit`.
    pub async fn claims_in(
        &self,
        community: CommunityId,
        status: ClaimStatus,
        limit: i64,
    ) -> StoreResult<Vec<ClaimRow>> {
        let order = if status == ClaimStatus::Pending {
            ""
        } else {
            " DESC"
        };
        let sql = format!(
            "{CLAIM_COLUMNS} WHERE c.community_id = $1 AND c.status = $2 ORDER BY c.id{order} LIMIT $3"
        );
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, ClaimRow>(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(community.0)
                .bind(status.as_str())
                .bind(limit)
                .fetch_all(pool)
                .await
        })?)
    }

    /// The pending claim of a person in a community, if any (the oldest).
    pub async fn pending_claim_in(
        &self,
        person: PersonId,
        community: CommunityId,
    ) -> StoreResult<Option<i64>> {
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_scalar::<_, Option<i64>>(
                "SELECT MIN(id) FROM room_claims WHERE person_id = $1 AND community_id = $2 AND status = 'pending'",
            )
            .bind(person.0)
            .bind(community.0)
            .fetch_one(pool)
            .await
        })?)
    }

    /// Communities where the person has a claim waiting.
    pub async fn pending_claim_communities(&self, person: PersonId) -> StoreResult<Vec<i64>> {
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_scalar::<_, i64>(
                "SELECT DISTINCT community_id FROM room_claims WHERE person_id = $1 AND status = 'pending'
                 ORDER BY community_id",
            )
            .bind(person.0)
            .fetch_all(pool)
            .await
        })?)
    }

    /// Decides a pending claim in one transaction: confirming links the person to the
    /// room with the claimed relation and gives them the resident role in the room's
    /// community (what staff registration writes, so votes count owners as before);
    /// refusing keeps the reason. Either way the claimant's notice goes to the outbox.
    /// `accounts.claim_decided` if it was decided meanwhile.
    pub async fn decide_claim(
        &self,
        verdict: ClaimVerdict<'_>,
        now: DateTime<Utc>,
    ) -> StoreResult<ClaimRow> {
        let now = stored_time(now);
        let claim = self.claim(verdict.claim).await?;
        let _forget = self.callers.forget_when_done();
        let status = if verdict.confirm {
            ClaimStatus::Confirmed
        } else {
            ClaimStatus::Refused
        };
        on_pool!(&self.db, |pool| {
            let mut tx = pool.begin().await?;
            let decided = sqlx::query(
                "UPDATE room_claims SET status = $2, reason = $3, decided_by = $4, decided_at = $5
                 WHERE id = $1 AND status = 'pending'",
            )
            .bind(claim.id)
            .bind(status.as_str())
            .bind(verdict.reason)
            .bind(verdict.by.0)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            if decided.rows_affected() == 0 {
                return Err(StoreError::Conflict("accounts.claim_decided"));
            }
            if verdict.confirm {
                sqlx::query(
                    "INSERT INTO person_rooms (person_id, room_id, relation) VALUES ($1, $2, $3)
                     ON CONFLICT (person_id, room_id) DO UPDATE SET relation = excluded.relation",
                )
                .bind(claim.person_id)
                .bind(claim.room_id)
                .bind(claim.relation.0.as_str())
                .execute(&mut *tx)
                .await?;
                grant_resident!(tx, claim.person_id, claim.community_id, verdict.by.0, now);
            }
            write_outbox!(tx, std::slice::from_ref(&verdict.notice));
            tx.commit().await?;
            Ok::<_, StoreError>(())
        })?;
        self.claim(claim.id).await
    }

    /// Marks a work order as reported before the reporter's claim was confirmed.
    pub async fn mark_unverified_report(&self, work_order: i64, claim: i64) -> StoreResult<()> {
        on_pool!(&self.db, |pool| {
            sqlx::query(
                "INSERT INTO unverified_reports (work_order_id, claim_id) VALUES ($1, $2)
                 ON CONFLICT (work_order_id) DO NOTHING",
            )
            .bind(work_order)
            .bind(claim)
            .execute(pool)
            .await
            .map(|_| ())
        })?;
        Ok(())
    }

    /// Which of these work orders were reported by someone not yet confirmed.
    pub async fn unverified_among(&self, work_orders: &[i64]) -> StoreResult<Vec<i64>> {
        if work_orders.is_empty() {
            return Ok(Vec::new());
        }
        on_pool!(&self.db, |pool| {
            let mut query = sqlx::QueryBuilder::new(
                "SELECT work_order_id FROM unverified_reports WHERE work_order_id IN (",
            );
            let mut ids = query.separated(", ");
            for id in work_orders {
                ids.push_bind(*id);
            }
            query.push(") ORDER BY work_order_id");
            Ok(query.build_query_scalar::<i64>().fetch_all(pool).await?)
        })
    }

    /// Whether the room is linked to the person already.
    pub async fn lives_in(&self, person: PersonId, room: RoomId) -> StoreResult<bool> {
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_scalar::<_, i64>(
                "SELECT CAST(1 AS BIGINT) FROM person_rooms WHERE person_id = $1 AND room_id = $2",
            )
            .bind(person.0)
            .bind(room.0)
            .fetch_optional(pool)
            .await
        })?
        .is_some())
    }
}

/// A member of a room as its owner sees them: family members and tenants they invited
/// (joined or not yet), and the room's other residents.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RoomMember {
    /// The invitation, when the member came by one.
    pub invitation_id: Option<i64>,
    /// None until the invited number signs in.
    pub person_id: Option<i64>,
    pub display_name: Option<String>,
    pub phone: String,
    pub relation: String,
    pub ends_at: Option<DateTime<Utc>>,
    pub accepted_at: Option<DateTime<Utc>>,
}

/// An owner's invitation as the store writes it.
pub struct NewInvitation<'a> {
    pub room: RoomId,
    pub phone: &'a str,
    pub relation: RoomRelation,
    pub ends_at: Option<DateTime<Utc>>,
    pub by: PersonId,
}

impl Store {
    /// Records an owner's invitation of a number to a room (replacing a waiting one of
    /// the same number to the same room). Returns its id.
    pub async fn add_invitation(
        &self,
        invitation: NewInvitation<'_>,
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        let now = stored_time(now);
        Ok(on_pool!(&self.db, |pool| {
            let mut tx = pool.begin().await?;
            sqlx::query(
                "UPDATE room_invitations SET removed_at = $3
                 WHERE room_id = $1 AND phone = $2 AND accepted_at IS NULL AND removed_at IS NULL",
            )
            .bind(invitation.room.0)
            .bind(invitation.phone)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            let id = sqlx::query_scalar::<_, i64>(
                "INSERT INTO room_invitations (room_id, phone, relation, ends_at, invited_by, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(invitation.room.0)
            .bind(invitation.phone)
            .bind(invitation.relation.as_str())
            .bind(invitation.ends_at.map(stored_time))
            .bind(invitation.by.0)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok::<_, sqlx::Error>(id)
        })?)
    }

    /// The waiting invitations of a number take effect for the person: each links them
    /// to its room with its relation and gives them the resident role there, in one
    /// transaction. Returns how many took effect.
    pub async fn accept_invitations(
        &self,
        person: PersonId,
        phone: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<usize> {
        let now = stored_time(now);
        let waiting: Vec<(i64, i64, i64, String, Option<i64>)> = on_pool!(&self.db, |pool| {
            sqlx::query_as(
                "SELECT i.id, i.room_id, r.community_id, i.relation, i.invited_by FROM room_invitations i
                 JOIN rooms r ON r.id = i.room_id
                 WHERE i.phone = $1 AND i.accepted_at IS NULL AND i.removed_at IS NULL
                   AND (i.ends_at IS NULL OR i.ends_at > $2)
                 ORDER BY i.id",
            )
            .bind(phone)
            .bind(now)
            .fetch_all(pool)
            .await
        })?;
        if waiting.is_empty() {
            return Ok(0);
        }
        let _forget = self.callers.forget_when_done();
        on_pool!(&self.db, |pool| {
            let mut tx = pool.begin().await?;
            for (invitation, room, community, relation, by) in &waiting {
                sqlx::query(
                    "INSERT INTO person_rooms (person_id, room_id, relation) VALUES ($1, $2, $3)
                     ON CONFLICT (person_id, room_id) DO NOTHING",
                )
                .bind(person.0)
                .bind(room)
                .bind(relation)
                .execute(&mut *tx)
                .await?;
                grant_resident!(tx, person.0, community, by, now);
                sqlx::query(
                    "UPDATE room_invitations SET accepted_at = $2, person_id = $3 WHERE id = $1",
                )
                .bind(invitation)
                .bind(now)
                .bind(person.0)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            Ok::<_, sqlx::Error>(())
        })?;
        Ok(waiting.len())
    }

    /// The people of a room and the invitations still waiting, for its owner.
    pub async fn room_members(&self, room: RoomId) -> StoreResult<Vec<RoomMember>> {
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, RoomMember>(
                "SELECT (SELECT MAX(i.id) FROM room_invitations i WHERE i.room_id = pr.room_id
                           AND i.person_id = pr.person_id AND i.removed_at IS NULL) AS invitation_id,
                        pr.person_id, p.display_name, COALESCE(p.phone, '') AS phone, pr.relation,
                        (SELECT MAX(i.ends_at) FROM room_invitations i WHERE i.room_id = pr.room_id
                           AND i.person_id = pr.person_id AND i.removed_at IS NULL) AS ends_at,
                        (SELECT MAX(i.accepted_at) FROM room_invitations i WHERE i.room_id = pr.room_id
                           AND i.person_id = pr.person_id AND i.removed_at IS NULL) AS accepted_at
                 FROM person_rooms pr JOIN people p ON p.id = pr.person_id
                 WHERE pr.room_id = $1
                 UNION ALL
                 SELECT i.id, NULL, NULL, i.phone, i.relation, i.ends_at, NULL
                 FROM room_invitations i
                 WHERE i.room_id = $1 AND i.accepted_at IS NULL AND i.removed_at IS NULL
                 ORDER BY 5, 2",
            )
            .bind(room.0)
            .fetch_all(pool)
            .await
        })?)
    }

    /// Takes a family member or tenant out of a room: their link to it goes, their
    /// invitations to it end, and so does their resident role in its community if they
    /// have no other room there. `accounts.member_not_found` if they are not one.
    pub async fn remove_member(
        &self,
        room: RoomId,
        person: PersonId,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let now = stored_time(now);
        let _forget = self.callers.forget_when_done();
        on_pool!(&self.db, |pool| {
            let mut tx = pool.begin().await?;
            remove_member!(tx, room.0, person.0, now);
            tx.commit().await?;
            Ok(())
        })
    }

    /// Withdraws an invitation not yet taken up.
    pub async fn withdraw_invitation(
        &self,
        room: RoomId,
        invitation: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let withdrawn = on_pool!(&self.db, |pool| {
            sqlx::query(
                "UPDATE room_invitations SET removed_at = $3
                 WHERE id = $1 AND room_id = $2 AND accepted_at IS NULL AND removed_at IS NULL",
            )
            .bind(invitation)
            .bind(room.0)
            .bind(stored_time(now))
            .execute(pool)
            .await
            .map(|done| done.rows_affected())
        })?;
        if withdrawn == 0 {
            return Err(StoreError::NotFound("accounts.member_not_found"));
        }
        Ok(())
    }

    /// Ends every tenancy whose date has passed: the tenant leaves the room as if the
    /// owner removed them. Returns how many ended.
    pub async fn end_tenancies(&self, now: DateTime<Utc>) -> StoreResult<usize> {
        let now = stored_time(now);
        let ended: Vec<(i64, i64)> = on_pool!(&self.db, |pool| {
            sqlx::query_as(
                "SELECT room_id, person_id FROM room_invitations
                 WHERE ends_at IS NOT NULL AND ends_at <= $1 AND removed_at IS NULL
                   AND person_id IS NOT NULL
                 ORDER BY id",
            )
            .bind(now)
            .fetch_all(pool)
            .await
        })?;
        if ended.is_empty() {
            return Ok(0);
        }
        let _forget = self.callers.forget_when_done();
        on_pool!(&self.db, |pool| {
            let mut tx = pool.begin().await?;
            for (room, person) in &ended {
                remove_member!(tx, *room, *person, now);
            }
            tx.commit().await?;
            Ok::<_, StoreError>(())
        })?;
        Ok(ended.len())
    }
}

/// A room of a community as the roll names it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RollRoom {
    pub id: i64,
    pub building_number: String,
    pub unit_number: String,
    pub room_number: String,
    pub floor_area_hundredths_m2: Option<i64>,
}

/// A person's link to a room of a community: `(person, room, relation)`.
pub type RoomLink = (i64, i64, String);

/// One line of the roll as exported.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RollLine {
    pub building_number: String,
    pub unit_number: String,
    pub room_number: String,
    pub display_name: String,
    pub phone: Option<String>,
    pub relation: String,
    pub floor_area_hundredths_m2: Option<i64>,
}

/// What one row of an import writes. `person`: the account of the number, or none for a
/// new one (made with `login`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RollWrite {
    pub person: Option<i64>,
    pub login: String,
    pub name: String,
    pub phone: String,
    pub room: i64,
    pub relation: RoomRelation,
    pub area_hundredths_m2: Option<i64>,
}

impl Store {
    /// Every room of a community with its building and unit numbers.
    pub async fn roll_rooms(&self, community: CommunityId) -> StoreResult<Vec<RollRoom>> {
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, RollRoom>(
                "SELECT r.id, b.number AS building_number, u.number AS unit_number, r.number AS room_number,
                        r.floor_area_hundredths_m2
                 FROM rooms r JOIN units u ON u.id = r.unit_id JOIN buildings b ON b.id = r.building_id
                 WHERE r.community_id = $1",
            )
            .bind(community.0)
            .fetch_all(pool)
            .await
        })?)
    }

    /// Everyone with a phone number on file (the earliest account of a number first).
    pub async fn people_with_phones(&self) -> StoreResult<Vec<Person>> {
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, Person>(
                "SELECT id, login, display_name, phone, disabled FROM people WHERE phone IS NOT NULL ORDER BY id",
            )
            .fetch_all(pool)
            .await
        })?)
    }

    /// Who lives in the community's rooms, and how.
    pub async fn room_links(&self, community: CommunityId) -> StoreResult<Vec<RoomLink>> {
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, RoomLink>(
                "SELECT pr.person_id, pr.room_id, pr.relation FROM person_rooms pr
                 JOIN rooms r ON r.id = pr.room_id WHERE r.community_id = $1",
            )
            .bind(community.0)
            .fetch_all(pool)
            .await
        })?)
    }

    /// Writes an import in one transaction: each row's account (made when new, renamed
    /// when the roll says otherwise), its room with its relation, the resident role, and
    /// the room's floor area. All or nothing.
    pub async fn apply_roll(
        &self,
        community: CommunityId,
        writes: &[RollWrite],
        by: PersonId,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let now = stored_time(now);
        let _forget = self.callers.forget_when_done();
        on_pool!(&self.db, |pool| {
            let mut tx = pool.begin().await?;
            for write in writes {
                let person = match write.person {
                    Some(person) => {
                        sqlx::query("UPDATE people SET display_name = $2 WHERE id = $1 AND display_name <> $2")
                            .bind(person)
                            .bind(&write.name)
                            .execute(&mut *tx)
                            .await?;
                        person
                    }
                    None => sqlx::query_scalar::<_, i64>(
                        "INSERT INTO people (login, display_name, phone, password_hash, created_at, password_changed_at)
                         VALUES ($1, $2, $3, '!', $4, $4) RETURNING id",
                    )
                    .bind(&write.login)
                    .bind(&write.name)
                    .bind(&write.phone)
                    .bind(now)
                    .fetch_one(&mut *tx)
                    .await?,
                };
                sqlx::query(
                    "INSERT INTO person_rooms (person_id, room_id, relation) VALUES ($1, $2, $3)
                     ON CONFLICT (person_id, room_id) DO UPDATE SET relation = excluded.relation",
                )
                .bind(person)
                .bind(write.room)
                .bind(write.relation.as_str())
                .execute(&mut *tx)
                .await?;
                grant_resident!(tx, person, community.0, by.0, now);
                if let Some(area) = write.area_hundredths_m2 {
                    sqlx::query("UPDATE rooms SET floor_area_hundredths_m2 = $2 WHERE id = $1")
                        .bind(write.room)
                        .bind(area)
                        .execute(&mut *tx)
                        .await?;
                }
            }
            tx.commit().await?;
            Ok::<_, StoreError>(())
        })
    }

    /// The community's roll: everyone with a room, by building, unit and room.
    pub async fn roll(&self, community: CommunityId) -> StoreResult<Vec<RollLine>> {
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, RollLine>(
                "SELECT b.number AS building_number, u.number AS unit_number, r.number AS room_number,
                        p.display_name, p.phone, pr.relation, r.floor_area_hundredths_m2
                 FROM person_rooms pr
                 JOIN people p ON p.id = pr.person_id
                 JOIN rooms r ON r.id = pr.room_id
                 JOIN units u ON u.id = r.unit_id
                 JOIN buildings b ON b.id = r.building_id
                 WHERE r.community_id = $1
                 ORDER BY b.position, b.id, u.position, u.id, r.floor, r.number, pr.relation, p.id",
            )
            .bind(community.0)
            .fetch_all(pool)
            .await
        })?)
    }
}
