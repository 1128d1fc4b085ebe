//! Personal data under the Personal Information Protection Law (个人信息保护法):
//! erasure of an account on request (第四十七条), a community's retention periods applied
//! by the daily job and recorded, and the log of who saw a reporter's unmasked details.
//! The administrator of the person's communities decides; residents cannot be erased by
//! anyone else.

use crate::{App, AppError, AppResult, Caller};
use chrono::{DateTime, Utc};
use linli_domain::calendar::shanghai;
use linli_domain::ids::{CommunityId, PersonId};
use linli_domain::permissions::{Place, RegistryAction};
use linli_domain::privacy::RetentionPolicy;
use linli_domain::roles::Role;
use linli_store::privacy::{PersonalRead, PhotoFiles, RetentionRun};
use linli_store::work_orders::WorkOrderRow;

/// What an erasure did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Erasure {
    pub person_id: i64,
    pub erased_at: DateTime<Utc>,
    pub photos_deleted: usize,
    /// Photos of reports still open, deleted by the daily job once they close.
    pub photos_pending: i64,
}

/// Refused unless the caller manages people in every community the person belongs to
/// (everywhere, for a person of no community).
async fn require_managing(app: &App, caller: &Caller, person: PersonId) -> AppResult<()> {
    let communities = app.store.communities_of(person).await?;
    if communities.is_empty() {
        return caller.require(RegistryAction::ManagePeople, Place::Global);
    }
    for community in &communities {
        caller.require(RegistryAction::ManagePeople, community.place())?;
    }
    Ok(())
}

/// Erases a resident's personal fields, at their request, by an administrator.
pub async fn erase(app: &App, caller: &Caller, person: i64) -> AppResult<Erasure> {
    let person = PersonId(person);
    app.store.person(person).await?;
    require_managing(app, caller, person).await?;
    // Staff accounts are someone's working record: their roles go first.
    let grants = app.store.grants_of(person).await?;
    if grants
        .iter()
        .any(|stored| stored.grant.role != Role::Resident)
    {
        return Err(AppError::Conflict("privacy.staff_account"));
    }
    let erased = app.store.erase_person(person, app.clock.now()).await?;
    remove_files(app, &erased.deleted_photos).await;
    tracing::info!(person = person.0, by = caller.person.0, "account erased");
    Ok(Erasure {
        person_id: person.0,
        erased_at: erased.erased_at,
        photos_deleted: erased.deleted_photos.len(),
        photos_pending: erased.photos_pending,
    })
}

/// The files of deleted rows. A file that cannot be removed now stays with nothing naming
/// it (logged): the rows are what people can reach.
async fn remove_files(app: &App, files: &[PhotoFiles]) {
    for photo in files {
        for key in [&photo.storage_key, &photo.thumbnail_key] {
            if let Err(error) = app.blobs.delete(key).await {
                tracing::warn!(%error, key, "a deleted photo's file stays in the blob store");
            }
        }
    }
}

async fn community_place(app: &App, community: i64) -> AppResult<Place> {
    Ok(app.store.community(CommunityId(community)).await?.place())
}

/// The community's retention periods.
pub async fn policy(app: &App, caller: &Caller, community: i64) -> AppResult<RetentionPolicy> {
    caller.require(
        RegistryAction::ManagePeople,
        community_place(app, community).await?,
    )?;
    Ok(app.store.retention_policy(CommunityId(community)).await?)
}

pub async fn set_policy(
    app: &App,
    caller: &Caller,
    community: i64,
    photo_months: i64,
    visit_months: i64,
) -> AppResult<RetentionPolicy> {
    caller.require(
        RegistryAction::ManagePeople,
        community_place(app, community).await?,
    )?;
    let policy = RetentionPolicy::new(photo_months, visit_months)?;
    app.store
        .set_retention_policy(
            CommunityId(community),
            policy,
            caller.person,
            app.clock.now(),
        )
        .await?;
    Ok(policy)
}

/// The record of the community's retention runs, newest first.
pub async fn runs(app: &App, caller: &Caller, community: i64) -> AppResult<Vec<RetentionRun>> {
    caller.require(
        RegistryAction::ManagePeople,
        community_place(app, community).await?,
    )?;
    Ok(app
        .store
        .retention_runs(CommunityId(community), 100)
        .await?)
}

/// The daily job: every community's periods applied, each run recorded.
pub async fn apply_retention(app: &App) -> AppResult<Vec<RetentionRun>> {
    let mut done = Vec::new();
    for community in app.store.communities(None).await? {
        let (run, files) = app
            .store
            .apply_retention(CommunityId(community.id), app.clock.now())
            .await?;
        remove_files(app, &files).await;
        done.push(run);
    }
    Ok(done)
}

/// Who saw unmasked reporters' details in the community (one person's, with `subject`).
pub async fn reads(
    app: &App,
    caller: &Caller,
    community: i64,
    subject: Option<i64>,
) -> AppResult<Vec<PersonalRead>> {
    caller.require(
        RegistryAction::ManagePeople,
        community_place(app, community).await?,
    )?;
    Ok(app
        .store
        .personal_reads(CommunityId(community), subject.map(PersonId), 500)
        .await?)
}

/// Notes that the caller is shown a work order's reporter unmasked (their name, phone
/// and room), unless the reporter is the caller. Once per caller, work order and day.
pub(crate) async fn note_unmasked_read(
    app: &App,
    caller: &Caller,
    order: &WorkOrderRow,
) -> AppResult<()> {
    let names_someone = order.reporter_id.is_some() || order.guest_phone.is_some();
    if !names_someone || order.reporter_id == Some(caller.person.0) {
        return Ok(());
    }
    let now = app.clock.now();
    let day = now.with_timezone(&shanghai()).date_naive();
    let seen = (caller.person.0, order.id, day);
    if app
        .logged_reads
        .lock()
        .is_ok_and(|logged| logged.contains(&seen))
    {
        return Ok(());
    }
    app.store
        .note_personal_read(
            CommunityId(order.community_id),
            caller.person,
            order.id,
            order.reporter_id.map(PersonId),
            day,
            now,
        )
        .await?;
    if let Ok(mut logged) = app.logged_reads.lock() {
        // Yesterday's reads are not met again; a bounded set needs no other pruning.
        if logged.len() >= 100_000 {
            logged.clear();
        }
        logged.insert(seen);
    }
    Ok(())
}
