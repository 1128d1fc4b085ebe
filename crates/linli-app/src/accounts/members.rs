//! A confirmed owner's household: they invite family members or a tenant by mobile
//! number — whoever signs in with that number's code joins the room, with no committee
//! step — and may remove them. A tenant's access ends on the date the owner gave (the
//! end of that day in Shanghai); the jobs leader ends due tenancies every minute.

use crate::{App, AppError, AppResult, Caller, FieldChecks};
use chrono::{DateTime, NaiveDate, Utc};
use linli_domain::accounts::MobilePhone;
use linli_domain::calendar::shanghai;
use linli_domain::ids::{PersonId, RoomId};
use linli_domain::registry::RoomRelation;
use linli_store::accounts::{NewInvitation, RoomMember};

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
    app.store
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
    Ok(app.store.room_members(room).await?)
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
