//! Casting ballots: an owner's own from the phone, or a paper one the desk enters with
//! its scan. A voter may change their mind until the vote closes; every ballot is kept
//! and the last one counts.

use super::{runs, visible_vote};
use crate::work_orders::photos::process_uploads;
use crate::{App, AppError, AppResult, Caller, Refusal};
use linli_domain::ids::{CommunityId, PersonId};
use linli_domain::votes::{Phase, may_cast, may_enter_paper};
use linli_store::passwords::new_session_token;
use linli_store::votes::{NewBallot, VoteRow};

/// Refused unless the vote takes ballots now: not yet (`vote.not_open`) or no more
/// (`vote.closed`).
fn require_open(app: &App, vote: &VoteRow) -> AppResult<()> {
    match Phase::of(vote.opened, vote.opens_at, vote.closes_at, app.clock.now()) {
        Phase::Open => Ok(()),
        Phase::Closed => Err(AppError::Conflict("vote.closed")),
        Phase::Draft | Phase::Scheduled => Err(AppError::Conflict("vote.not_open")),
    }
}

/// The id of the vote's option `option_id`, or an invalid `option_id`.
async fn option_of(app: &App, vote: i64, option_id: i64) -> AppResult<i64> {
    app.store
        .vote_options(vote)
        .await?
        .into_iter()
        .find(|option| option.id == option_id)
        .map(|option| option.id)
        .ok_or_else(|| AppError::invalid("vote.option_unknown", "option_id"))
}

#[derive(Debug, Clone, Default)]
pub struct CastRequest {
    pub option_id: i64,
    /// Which of the caller's rooms votes, when they own rooms of more than one voter.
    pub room_id: Option<i64>,
}

/// An owner casts (or changes) their room's ballot. Tenants and family members are not
/// on the roll and are refused (`vote.not_an_owner`), as is anyone after closing
/// (`vote.closed`); nothing is stored then.
pub async fn cast(app: &App, caller: &Caller, id: i64, input: &CastRequest) -> AppResult<i64> {
    let vote = visible_vote(app, caller, id).await?;
    // The caller's voters and their rooms: none for tenants and family members.
    let mine = app.store.voters_of(id, caller.person).await?;
    if vote.opened && mine.is_empty() {
        return Err(AppError::refused("vote.not_an_owner", Refusal::Forbidden));
    }
    require_open(app, &vote)?;
    let voter = match input.room_id {
        Some(room) => mine
            .iter()
            .find(|(_, owned)| *owned == room)
            .map(|(voter, _)| *voter)
            .ok_or_else(|| AppError::invalid("vote.room_not_yours", "room_id"))?,
        None => {
            let mut voters: Vec<i64> = mine.iter().map(|(voter, _)| *voter).collect();
            voters.dedup();
            match voters.as_slice() {
                [only] => *only,
                _ => return Err(AppError::invalid("vote.room_required", "room_id")),
            }
        }
    };
    let owners: Vec<PersonId> = app
        .store
        .vote_owners(id)
        .await?
        .into_iter()
        .filter(|owner| owner.voter_id == voter)
        .map(|owner| PersonId(owner.person_id))
        .collect();
    if !may_cast(caller.person, &owners) {
        return Err(AppError::refused("vote.not_an_owner", Refusal::Forbidden));
    }
    let option = option_of(app, id, input.option_id).await?;
    Ok(app
        .store
        .cast_ballot(
            id,
            voter,
            option,
            NewBallot::Online {
                cast_by: caller.person,
            },
            app.clock.now(),
        )
        .await?)
}

#[derive(Debug, Clone, Default)]
pub struct PaperRequest {
    /// A room of the voter whose paper ballot this is.
    pub room_id: i64,
    pub option_id: i64,
    /// The scan (or photo) of the signed paper ballot: JPEG, PNG or WebP.
    pub scan: Vec<u8>,
}

/// The desk enters an owner's paper ballot with its scan; the desk's person is named on
/// it. It counts like any ballot: the last of the voter's counts.
pub async fn enter_paper(
    app: &App,
    caller: &Caller,
    id: i64,
    input: PaperRequest,
) -> AppResult<i64> {
    let vote = visible_vote(app, caller, id).await?;
    if !may_enter_paper(caller.grants(), CommunityId(vote.community_id)) {
        return Err(AppError::forbidden());
    }
    require_open(app, &vote)?;
    let rooms = app.store.vote_rooms(id).await?;
    let voter = rooms
        .iter()
        .find(|room| room.room_id == input.room_id)
        .map(|room| room.voter_id)
        .ok_or_else(|| AppError::invalid("vote.room_not_on_roll", "room_id"))?;
    let has_owner = app
        .store
        .vote_owners(id)
        .await?
        .iter()
        .any(|owner| owner.voter_id == voter);
    if !has_owner {
        return Err(AppError::invalid("vote.room_without_owner", "room_id"));
    }
    let option = option_of(app, id, input.option_id).await?;
    if input.scan.is_empty() {
        return Err(AppError::invalid("vote.scan_required", "scan"));
    }
    let processed = process_uploads(vec![input.scan])
        .await
        .map_err(|error| match error {
            AppError::TooLarge(code) | AppError::Unsupported(code) => {
                AppError::invalid(code, "scan")
            }
            other => other,
        })?
        .pop()
        .ok_or_else(|| AppError::internal("a processed scan went missing"))?;
    let name = &new_session_token()?[..24];
    let scan_key = format!("votes/{id}/{name}.jpg");
    let thumbnail_key = format!("votes/{id}/{name}.thumb.jpg");
    // Files first, row last: a failure leaves at worst an unreferenced file.
    app.blobs
        .put(&scan_key, processed.jpeg)
        .await
        .map_err(|error| AppError::blob("storing a ballot scan", &error))?;
    app.blobs
        .put(&thumbnail_key, processed.thumbnail)
        .await
        .map_err(|error| AppError::blob("storing a ballot scan", &error))?;
    Ok(app
        .store
        .cast_ballot(
            id,
            voter,
            option,
            NewBallot::Paper {
                entered_by: caller.person,
                scan_key: &scan_key,
                scan_thumbnail_key: &thumbnail_key,
            },
            app.clock.now(),
        )
        .await?)
}

/// The scan of a paper ballot (or its thumbnail): to those who run the vote once it has
/// closed, and to the person who entered it. It shows how an owner voted.
pub async fn scan(
    app: &App,
    caller: &Caller,
    id: i64,
    ballot_id: i64,
    thumbnail: bool,
) -> AppResult<Vec<u8>> {
    let vote = visible_vote(app, caller, id).await?;
    let not_found = || AppError::NotFound("vote.scan_not_found");
    let ballot = app
        .store
        .ballots(id)
        .await?
        .into_iter()
        .find(|ballot| ballot.id == ballot_id)
        .ok_or_else(not_found)?;
    let closed =
        Phase::of(vote.opened, vote.opens_at, vote.closes_at, app.clock.now()) == Phase::Closed;
    let runs = runs(app, caller, CommunityId(vote.community_id)).await?;
    let entered_it = ballot.entered_by == Some(caller.person.0);
    if !(entered_it || (runs && closed)) {
        return Err(not_found());
    }
    let key = if thumbnail {
        ballot.scan_thumbnail_key
    } else {
        ballot.scan_key
    }
    .ok_or_else(not_found)?;
    app.blobs
        .get(&key)
        .await
        .map_err(|error| AppError::blob("reading a ballot scan", &error))?
        .ok_or_else(|| AppError::internal(format!("ballot {ballot_id} has no scan file ({key})")))
}
