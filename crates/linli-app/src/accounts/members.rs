//! A confirmed owner's household: they invite family members or a tenant by mobile
//! number — whoever signs in with that number's code joins the room, with no committee
//! step — and may remove them. A tenant's access ends on the date the owner gave (the
//! end of that day in Shanghai); the jobs leader ends due tenancies every minute.
//!
//! The invited number is told by a text message ([`text_invitations`]): tried as soon
//! as the invitation is saved, and again by the jobs leader until it goes, so a provider
//! that is down for a while loses no invitation's message.

use crate::{App, AppError, AppResult, Caller, FieldChecks};
use chrono::{DateTime, NaiveDate, Utc};
use linli_domain::accounts::MobilePhone;
use linli_domain::calendar::shanghai;
use linli_domain::ids::{PersonId, RoomId};
use linli_domain::registry::RoomRelation;
use linli_store::accounts::{NewInvitation, RoomMember, TextsDue};

/// An invitation's message is tried at most this many times.
pub const TEXT_ATTEMPTS: i64 = 5;
/// A failed try waits this long before the next.
const TEXT_RETRY_MINUTES: i64 = 2;
/// An invitation older than this is no longer texted (its owner may invite again).
const TEXT_WITHIN_HOURS: i64 = 24;

/// An invitation as the owner sends it.
#[derive(Debug, Clone, Default)]
pub struct InvitationInput {
    pub phone: String,
    /// `family` or `tenant`.
    pub relation: String,
    /// A tenant's last day (`2027-06-30`); none for family members.
    pub ends_on: Option<String>,
}

/// The caller must be an owner of record of the room (`auth.forbidden` otherwise; a
/// room they have nothing to do with is not found).
async fn owned_room(app: &App, caller: &Caller, room: i64) -> AppResult<RoomId> {
    let rooms = app.store.rooms_of(caller.person).await?;
    match rooms.iter().find(|own| own.room_id == room) {
        Some(own) if own.relation == RoomRelation::Owner.as_str() => Ok(RoomId(room)),
        Some(_) => Err(AppError::forbidden()),
        None => Err(AppError::NotFound("registry.room_not_found")),
    }
}

/// The end of a day in Shanghai, as a UTC instant.
fn end_of(day: NaiveDate) -> Option<DateTime<Utc>> {
    day.succ_opt()?
        .and_hms_opt(0, 0, 0)?
        .and_local_timezone(shanghai())
        .single()
        .map(|end| end.with_timezone(&Utc))
}

/// Invites a number to the caller's room. A number that already has an account joins
/// at once; another joins when it first signs in with a code.
pub async fn invite(
    app: &App,
    caller: &Caller,
    room: i64,
    input: InvitationInput,
) -> AppResult<Vec<RoomMember>> {
    let room = owned_room(app, caller, room).await?;
    let mut checks = FieldChecks::default();
    let phone = checks.check(MobilePhone::parse(&input.phone))?;
    let relation = match RoomRelation::parse(input.relation.trim()) {
        Ok(RoomRelation::Owner) => {
            checks.refuse(AppError::invalid("accounts.invite_owner", "relation"))?;
            None
        }
        other => checks.check(other)?,
    };
    let ends_on = input
        .ends_on
        .as_deref()
        .map(str::trim)
        .filter(|day| !day.is_empty());
    let today = app.now().with_timezone(&shanghai()).date_naive();
    let ends_at = match (relation, ends_on) {
        (Some(RoomRelation::Tenant), None) => {
            checks.refuse(AppError::invalid(
                "accounts.tenancy_end_required",
                "ends_on",
            ))?;
            None
        }
        (Some(RoomRelation::Tenant), Some(raw)) => {
            match NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
                Ok(day) if day >= today => end_of(day),
                Ok(_) => {
                    checks.refuse(AppError::invalid("accounts.tenancy_end_past", "ends_on"))?;
                    None
                }
                Err(_) => {
                    checks.refuse(AppError::invalid("accounts.date_invalid", "ends_on"))?;
                    None
                }
            }
        }
        _ => None,
    };
    checks.finish()?;
    let (Some(phone), Some(relation)) = (phone, relation) else {
        return Err(AppError::internal(
            "an invitation passed its checks with a field missing",
        ));
    };
    if let Some(person) = app.store.person_by_phone(phone.as_str()).await?
        && app.store.lives_in(PersonId(person.id), room).await?
    {
        return Err(AppError::invalid("accounts.already_member", "phone"));
    }
    let invitation = app
        .store
        .add_invitation(
            NewInvitation {
                room,
                phone: phone.as_str(),
                relation,
                ends_at,
                by: caller.person,
            },
            app.now(),
        )
        .await?;
    if let Some(person) = app.store.person_by_phone(phone.as_str()).await? {
        app.store
            .accept_invitations(PersonId(person.id), phone.as_str(), app.now())
            .await?;
    }
    // The invitation stands whatever the provider does now: a message that does not
    // go is tried again by the jobs leader.
    if let Err(error) = text_due_invitations(app, Some(invitation)).await {
        tracing::warn!(
            invitation,
            ?error,
            "an invitation's message waits for the next try"
        );
    }
    Ok(app.store.room_members(room).await?)
}

/// Sends the messages of due invitations (the jobs leader's round); returns how many
/// went.
pub async fn text_invitations(app: &App) -> AppResult<usize> {
    text_due_invitations(app, None).await
}

async fn text_due_invitations(app: &App, only: Option<i64>) -> AppResult<usize> {
    let now = app.now();
    let due = app
        .store
        .invitation_texts_due(TextsDue {
            invitation: only,
            created_since: now - chrono::Duration::hours(TEXT_WITHIN_HOURS),
            tried_before: now - chrono::Duration::minutes(TEXT_RETRY_MINUTES),
            max_attempts: TEXT_ATTEMPTS,
            limit: 100,
        })
        .await?;
    let mut sent = 0;
    for invitation in due {
        if !app
            .store
            .claim_invitation_text(invitation.id, invitation.text_attempts, now)
            .await?
        {
            continue;
        }
        let relation = app.texts.text(
            &format!("page.accounts.relations.{}", invitation.relation),
            &[],
        );
        let text = app.texts.text(
            "notify.accounts_invited",
            &[
                ("inviter", invitation.inviter_name.clone()),
                ("relation", relation),
                (
                    "room",
                    crate::work_orders::room_label(
                        &invitation.building_name,
                        &invitation.unit_number,
                        &invitation.room_number,
                    ),
                ),
            ],
        );
        match app.sms.send(&invitation.phone, &text).await {
            Ok(()) => {
                app.store.invitation_texted(invitation.id, now).await?;
                sent += 1;
            }
            Err(error) => tracing::warn!(
                invitation = invitation.id,
                phone = %linli_domain::registry::Phone::masked(&invitation.phone),
                %error,
                "an invitation's message could not be sent"
            ),
        }
    }
    Ok(sent)
}

/// The people of the caller's room and the invitations still waiting.
pub async fn members(app: &App, caller: &Caller, room: i64) -> AppResult<Vec<RoomMember>> {
    let room = owned_room(app, caller, room).await?;
    Ok(app.store.room_members(room).await?)
}

/// Takes a family member or tenant out of the caller's room.
pub async fn remove(app: &App, caller: &Caller, room: i64, person: i64) -> AppResult<()> {
    let room = owned_room(app, caller, room).await?;
    app.store
        .remove_member(room, PersonId(person), app.now())
        .await?;
    Ok(())
}

/// Withdraws an invitation nobody has taken up yet.
pub async fn withdraw(app: &App, caller: &Caller, room: i64, invitation: i64) -> AppResult<()> {
    let room = owned_room(app, caller, room).await?;
    app.store
        .withdraw_invitation(room, invitation, app.now())
        .await?;
    Ok(())
}

/// Ends the tenancies whose date has passed (run by the jobs leader).
pub async fn end_tenancies(app: &App) -> AppResult<usize> {
    Ok(app.store.end_tenancies(app.now()).await?)
}

/// One of the caller's rooms, with its people when the caller is its owner.
#[derive(Debug, Clone)]
pub struct Household {
    pub room: linli_store::people::PersonRoom,
    /// The room's people and waiting invitations; `None` for a room the caller is a
    /// family member or tenant of (the owner manages the household).
    pub members: Option<Vec<RoomMember>>,
}

/// The caller's rooms, each with its household for the rooms they own.
pub async fn households(app: &App, caller: &Caller) -> AppResult<Vec<Household>> {
    let mut households = Vec::new();
    for room in app.store.rooms_of(caller.person).await? {
        let members = if room.relation == RoomRelation::Owner.as_str() {
            Some(app.store.room_members(RoomId(room.room_id)).await?)
        } else {
            None
        };
        households.push(Household { room, members });
    }
    Ok(households)
}
