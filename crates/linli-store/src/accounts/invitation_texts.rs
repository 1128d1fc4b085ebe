//! The text message that tells an invited number it was invited to a room. An
//! invitation is saved first; its message is then tried at once and again by the jobs
//! leader until it goes. Each try is claimed by one compare-and-set on the attempt count,
//! so two instances never send the same try twice.

use crate::db::{Store, stored_time};
use crate::error::StoreResult;
use chrono::{DateTime, Utc};

/// An invitation whose message is still to go, with what the message says.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct InvitationText {
    pub id: i64,
    pub phone: String,
    pub relation: String,
    pub building_name: String,
    pub unit_number: String,
    pub room_number: String,
    pub inviter_name: String,
    /// Tries so far.
    pub text_attempts: i64,
}

/// Which invitations' messages are due.
#[derive(Debug, Clone, Copy)]
pub struct TextsDue {
    /// Only this invitation (right after it was saved), or every due one.
    pub invitation: Option<i64>,
    /// Invitations older than this are no longer texted.
    pub created_since: DateTime<Utc>,
    /// A try after this one waits until then (so a try under way is not doubled).
    pub tried_before: DateTime<Utc>,
    pub max_attempts: i64,
    pub limit: i64,
}

impl Store {
    /// Invitations still waiting to be taken up whose message has not gone, is within
    /// its tries, and was not tried lately; the oldest first.
    pub async fn invitation_texts_due(&self, due: TextsDue) -> StoreResult<Vec<InvitationText>> {
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, InvitationText>(
                "SELECT i.id, i.phone, i.relation, b.name AS building_name, u.number AS unit_number,
                        r.number AS room_number, p.display_name AS inviter_name,
                        CAST(i.text_attempts AS BIGINT) AS text_attempts
                 FROM room_invitations i
                 JOIN rooms r ON r.id = i.room_id
                 JOIN units u ON u.id = r.unit_id
                 JOIN buildings b ON b.id = r.building_id
                 JOIN people p ON p.id = i.invited_by
                 WHERE i.texted_at IS NULL AND i.removed_at IS NULL
                   AND ($1 IS NULL OR i.id = $1)
                   AND i.created_at >= $2
                   AND (i.text_tried_at IS NULL OR i.text_tried_at < $3)
                   AND i.text_attempts < $4
                 ORDER BY i.id
                 LIMIT $5",
            )
            .bind(due.invitation)
            .bind(stored_time(due.created_since))
            .bind(stored_time(due.tried_before))
            .bind(due.max_attempts)
            .bind(due.limit)
            .fetch_all(pool)
            .await
        })?)
    }

    /// Claims the next try of an invitation's message: true for the one caller that
    /// moved its count from `attempts_seen`, false for anyone else.
    pub async fn claim_invitation_text(
        &self,
        invitation: i64,
        attempts_seen: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let claimed = on_pool!(&self.db, |pool| {
            sqlx::query(
                "UPDATE room_invitations
                 SET text_attempts = text_attempts + 1, text_tried_at = $3
                 WHERE id = $1 AND texted_at IS NULL AND text_attempts = $2",
            )
            .bind(invitation)
            .bind(attempts_seen)
            .bind(stored_time(now))
            .execute(pool)
            .await
            .map(|done| done.rows_affected())
        })?;
        Ok(claimed == 1)
    }

    /// The invitation's message went.
    pub async fn invitation_texted(&self, invitation: i64, now: DateTime<Utc>) -> StoreResult<()> {
        on_pool!(&self.db, |pool| {
            sqlx::query("UPDATE room_invitations SET texted_at = $2 WHERE id = $1")
                .bind(invitation)
                .bind(stored_time(now))
                .execute(pool)
                .await
                .map(|_| ())
        })?;
        Ok(())
    }
}
