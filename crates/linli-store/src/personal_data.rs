//! Everything Linli holds about one person, read for their own download (个人信息保护法
//! 第四十五条: the right to a copy). Each part is read through an index on the person.

use crate::db::Store;
use crate::error::StoreResult;
use chrono::{DateTime, Utc};
use linli_domain::ids::PersonId;
use serde::Serialize;

/// A work order the person reported.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ReportedOrder {
    pub id: i64,
    pub number: i64,
    pub community_id: i64,
    pub category: String,
    pub description: String,
    pub place: Option<String>,
    pub channel: String,
    pub status: String,
    pub is_public: bool,
    pub rating: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
}

/// A work order the person follows ("me too", merged into it).
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct FollowedOrder {
    pub work_order_id: i64,
    pub number: i64,
    pub reason: String,
    pub created_at: DateTime<Utc>,
}

/// What the person wrote or did on their own work orders and those they follow.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct OwnEvent {
    pub work_order_id: i64,
    pub kind: String,
    pub at: DateTime<Utc>,
    pub body: Option<String>,
}

/// A photo the person uploaded (the file itself is served at its work order's address).
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct UploadedPhoto {
    pub id: i64,
    pub work_order_id: i64,
    pub purpose: String,
    pub width: i64,
    pub height: i64,
    pub created_at: DateTime<Utc>,
}

/// A pledge or donation in the person's name.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Donation {
    pub campaign_id: i64,
    pub campaign: String,
    pub amount_fen: i64,
    pub channel: String,
    pub status: String,
    pub anonymous: bool,
    pub created_at: DateTime<Utc>,
}

/// That the person voted, in which vote and when: never what (the ballot is secret, and a
/// copy that showed it could be demanded of them).
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct BallotCast {
    pub vote_id: i64,
    pub vote: String,
    pub channel: String,
    pub cast_at: DateTime<Utc>,
}

/// A volunteer shift the person signed up for.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Volunteering {
    pub activity: String,
    pub starts_at: DateTime<Utc>,
    pub status: String,
    pub signed_up_at: DateTime<Utc>,
    pub checked_in_at: Option<DateTime<Utc>>,
    pub checked_out_at: Option<DateTime<Utc>>,
}

/// A signed-in device.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct SessionRecord {
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub client_ip: Option<String>,
    pub user_agent: Option<String>,
}

/// A message to the person.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Message {
    pub topic: String,
    pub body: String,
    pub work_order_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

/// A claim of a room the person made, and how the committee decided it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct RoomClaimRecord {
    pub room: String,
    pub relation: String,
    pub status: String,
    pub reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
}

/// An invitation to a room addressed to the person (by their account or number).
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct InvitationRecord {
    pub room: String,
    pub relation: String,
    pub ends_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub removed_at: Option<DateTime<Utc>>,
}

/// The parts of a person's data that are rows of their own.
#[derive(Debug, Clone, Default)]
pub struct PersonalRecords {
    pub reported: Vec<ReportedOrder>,
    pub followed: Vec<FollowedOrder>,
    pub events: Vec<OwnEvent>,
    pub photos: Vec<UploadedPhoto>,
    pub donations: Vec<Donation>,
    pub ballots: Vec<BallotCast>,
    pub volunteering: Vec<Volunteering>,
    pub volunteer_skills: Option<String>,
    pub sessions: Vec<SessionRecord>,
    pub messages: Vec<Message>,
    pub claims: Vec<RoomClaimRecord>,
    pub invitations: Vec<InvitationRecord>,
    pub created_at: Option<DateTime<Utc>>,
}

impl Store {
    /// Every row about the person, each part in time order.
    pub async fn personal_records(&self, person: PersonId) -> StoreResult<PersonalRecords> {
        let id = person.0;
        Ok(on_pool!(&self.db, |pool| {
            let mut records = PersonalRecords {
                created_at: sqlx::query_scalar("SELECT created_at FROM people WHERE id = $1")
                    .bind(id)
                    .fetch_optional(pool)
                    .await?,
                ..PersonalRecords::default()
            };
            records.reported = sqlx::query_as(
                "SELECT w.id, w.number, w.community_id, c.name AS category, w.description, w.place, w.channel,
                        w.status, w.is_public, w.rating, w.created_at, w.closed_at
                 FROM work_orders w JOIN categories c ON c.id = w.category_id
                 WHERE w.reporter_id = $1 ORDER BY w.id",
            )
            .bind(id)
            .fetch_all(pool)
            .await?;
            records.followed = sqlx::query_as(
                "SELECT f.work_order_id, w.number, f.reason, f.created_at
                 FROM work_order_followers f JOIN work_orders w ON w.id = f.work_order_id
                 WHERE f.person_id = $1 ORDER BY f.created_at, f.work_order_id",
            )
            .bind(id)
            .fetch_all(pool)
            .await?;
            // Through the work orders' own index: the person's words on their reports
            // and on those they follow.
            records.events = sqlx::query_as(
                "SELECT e.work_order_id, e.kind, e.at, e.body FROM work_order_events e
                 WHERE e.actor_id = $1 AND e.work_order_id IN (
                     SELECT id FROM work_orders WHERE reporter_id = $1
                     UNION SELECT work_order_id FROM work_order_followers WHERE person_id = $1)
                 ORDER BY e.id",
            )
            .bind(id)
            .fetch_all(pool)
            .await?;
            records.photos = sqlx::query_as(
                "SELECT p.id, p.work_order_id, p.purpose, p.width, p.height, p.created_at
                 FROM work_order_photos p
                 WHERE p.uploaded_by = $1 AND p.work_order_id IN (SELECT id FROM work_orders WHERE reporter_id = $1)
                 ORDER BY p.id",
            )
            .bind(id)
            .fetch_all(pool)
            .await?;
            records.donations = sqlx::query_as(
                "SELECT p.campaign_id, c.title AS campaign, p.amount_fen, p.channel, p.status, p.anonymous, p.created_at
                 FROM fund_pledges p JOIN fund_campaigns c ON c.id = p.campaign_id
                 WHERE p.donor_id = $1 ORDER BY p.id",
            )
            .bind(id)
            .fetch_all(pool)
            .await?;
            records.ballots = sqlx::query_as(
                "SELECT b.vote_id, v.title AS vote, b.channel, b.cast_at
                 FROM vote_ballots b JOIN votes v ON v.id = b.vote_id
                 WHERE b.cast_by = $1 AND b.channel = 'online' ORDER BY b.id",
            )
            .bind(id)
            .fetch_all(pool)
            .await?;
            records.volunteering = sqlx::query_as(
                "SELECT a.title AS activity, s.starts_at, u.status, u.signed_up_at, u.checked_in_at, u.checked_out_at
                 FROM volunteer_sign_ups u
                 JOIN volunteer_shifts s ON s.id = u.shift_id
                 JOIN volunteer_activities a ON a.id = s.activity_id
                 WHERE u.person_id = $1 ORDER BY u.signed_up_at, u.id",
            )
            .bind(id)
            .fetch_all(pool)
            .await?;
            records.volunteer_skills =
                sqlx::query_scalar("SELECT skills FROM volunteer_profiles WHERE person_id = $1")
                    .bind(id)
                    .fetch_optional(pool)
                    .await?;
            records.sessions = sqlx::query_as(
                "SELECT created_at, last_seen_at, expires_at, client_ip, user_agent
                 FROM sessions WHERE person_id = $1 ORDER BY id",
            )
            .bind(id)
            .fetch_all(pool)
            .await?;
            records.messages = sqlx::query_as(
                "SELECT topic, body, work_order_id, created_at, read_at
                 FROM notifications WHERE person_id = $1 ORDER BY id",
            )
            .bind(id)
            .fetch_all(pool)
            .await?;
            records.claims = sqlx::query_as(
                "SELECT b.name || u.number || '单元' || r.number AS room, c.relation, c.status, c.reason,
                        c.created_at, c.decided_at
                 FROM room_claims c JOIN rooms r ON r.id = c.room_id
                 JOIN buildings b ON b.id = r.building_id JOIN units u ON u.id = r.unit_id
                 WHERE c.person_id = $1 ORDER BY c.id",
            )
            .bind(id)
            .fetch_all(pool)
            .await?;
            records.invitations = sqlx::query_as(
                "SELECT b.name || u.number || '单元' || r.number AS room, i.relation, i.ends_at,
                        i.created_at, i.accepted_at, i.removed_at
                 FROM room_invitations i JOIN rooms r ON r.id = i.room_id
                 JOIN buildings b ON b.id = r.building_id JOIN units u ON u.id = r.unit_id
                 WHERE i.person_id = $1
                    OR i.phone = (SELECT phone FROM people WHERE id = $1 AND phone IS NOT NULL)
                 ORDER BY i.id",
            )
            .bind(id)
            .fetch_all(pool)
            .await?;
            Ok::<_, sqlx::Error>(records)
        })?)
    }
}
