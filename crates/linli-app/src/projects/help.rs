//! Help on a project beyond money, and the files that show its work: volunteers who
//! offer a skill and are accepted for a batch (有力出力), photos of progress updates and of
//! the finished work, a quote's photos or PDF.

use super::{ProjectView, view_of};
use crate::work_orders::photos::{
    MAX_PHOTO_BYTES, MAX_PHOTOS_PER_PURPOSE, Processed, process_uploads,
};
use crate::{App, AppError, AppResult, Caller};
use linli_domain::ids::CommunityId;
use linli_domain::projects::help::{
    DocumentKind, VolunteerStatus, check_pdf, decide, may_volunteer, parse_skill, withdraw,
};
use linli_domain::projects::open_for_work;
use linli_store::passwords::new_session_token;
use linli_store::projects::ProjectRow;
use linli_store::projects::help::{FileOwner, NewProjectFile, ProjectFileRow};

/// Checks uploads (photos re-encoded without their metadata; PDFs, where allowed, kept
/// as they are once whole), puts them in blob storage and answers their rows. Nothing is
/// kept when any upload is refused.
pub(crate) async fn prepare_files(
    app: &App,
    project: i64,
    uploads: Vec<Vec<u8>>,
    pdf_allowed: bool,
) -> AppResult<Vec<NewProjectFile>> {
    if uploads.len() > usize::try_from(MAX_PHOTOS_PER_PURPOSE).unwrap_or(9) {
        return Err(AppError::invalid("photo.too_many", "photo"));
    }
    let (pdfs, photos): (Vec<Vec<u8>>, Vec<Vec<u8>>) = uploads
        .into_iter()
        .partition(|bytes| pdf_allowed && DocumentKind::of(bytes) == DocumentKind::Pdf);
    for pdf in &pdfs {
        if pdf.len() > MAX_PHOTO_BYTES {
            return Err(AppError::TooLarge("photo.too_large"));
        }
        check_pdf(pdf)?;
    }
    let processed = process_uploads(photos).await?;
    let mut rows = Vec::new();
    for pdf in pdfs {
        let key = format!("projects/{project}/{}.pdf", &new_session_token()?[..24]);
        let bytes = i64::try_from(pdf.len()).unwrap_or(i64::MAX);
        put(app, &key, pdf).await?;
        rows.push(NewProjectFile {
            content_type: DocumentKind::Pdf.content_type(),
            storage_key: key,
            thumbnail_key: None,
            width: None,
            height: None,
            bytes,
        });
    }
    for photo in processed {
        let name = &new_session_token()?[..24];
        let storage_key = format!("projects/{project}/{name}.jpg");
        let thumbnail_key = format!("projects/{project}/{name}.thumb.jpg");
        let bytes = i64::try_from(photo.jpeg.len()).unwrap_or(i64::MAX);
        // Files first, rows last: a failure leaves at worst an unreferenced file.
        put(app, &storage_key, photo.jpeg).await?;
        put(app, &thumbnail_key, photo.thumbnail).await?;
        rows.push(NewProjectFile {
            content_type: DocumentKind::Photo.content_type(),
            storage_key,
            thumbnail_key: Some(thumbnail_key),
            width: Some(i64::from(photo.width)),
            height: Some(i64::from(photo.height)),
            bytes,
        });
    }
    Ok(rows)
}

async fn put(app: &App, key: &str, bytes: Vec<u8>) -> AppResult<()> {
    app.blobs
        .put(key, bytes)
        .await
        .map_err(|error| AppError::blob("storing a project file", &error))
}

/// The project, if the caller may report on it (managers and the owner party's
/// handlers) and it is still open for work.
async fn reported_on(app: &App, caller: &Caller, id: i64) -> AppResult<ProjectRow> {
    let project = app.store.project(id).await?;
    match view_of(Some(caller), &project)? {
        ProjectView::Office { manages, reports } if manages || reports => {}
        _ => return Err(AppError::forbidden()),
    }
    open_for_work(project.status).map_err(AppError::Conflict)?;
    Ok(project)
}

/// Adds photos of the finished work (before completing: completing hands them to the
/// work orders it resolves) or a quote's photos or PDF. Answers the project's files.
pub async fn add_files(
    app: &App,
    caller: &Caller,
    id: i64,
    owner: FileOwner,
    uploads: Vec<Vec<u8>>,
) -> AppResult<Vec<ProjectFileRow>> {
    reported_on(app, caller, id).await?;
    match owner {
        FileOwner::Quote(quote) => {
            if !app
                .store
                .project_quotes(id)
                .await?
                .iter()
                .any(|known| known.id == quote)
            {
                return Err(AppError::NotFound("project.quote_not_found"));
            }
        }
        FileOwner::Update(update) => {
            if !app
                .store
                .project_updates(id)
                .await?
                .iter()
                .any(|known| known.id == update)
            {
                return Err(AppError::NotFound("project.update_not_found"));
            }
        }
        FileOwner::Completion => {}
    }
    if uploads.is_empty() {
        return Err(AppError::invalid("validation.required", "photo"));
    }
    let rows = prepare_files(app, id, uploads, matches!(owner, FileOwner::Quote(_))).await?;
    app.store
        .add_project_files(
            id,
            owner,
            &rows,
            caller.person,
            MAX_PHOTOS_PER_PURPOSE,
            app.now(),
        )
        .await?;
    Ok(app.store.project_files(id).await?)
}

/// A file's bytes (a photo's thumbnail when asked) and its content type, for whoever may
/// see the project.
pub async fn file_bytes(
    app: &App,
    caller: Option<&Caller>,
    id: i64,
    file: i64,
    thumbnail: bool,
) -> AppResult<(Vec<u8>, String)> {
    let project = app.store.project(id).await?;
    view_of(caller, &project)?;
    let row = app.store.project_file(file).await?;
    if row.project_id != id {
        return Err(AppError::NotFound("photo.not_found"));
    }
    let key = match (&row.thumbnail_key, thumbnail) {
        (Some(thumbnail), true) => thumbnail,
        _ => &row.storage_key,
    };
    let bytes = app
        .blobs
        .get(key)
        .await
        .map_err(|error| AppError::blob("reading a project file", &error))?
        .ok_or_else(|| AppError::internal(format!("project file {file} has no file ({key})")))?;
    Ok((bytes, row.content_type))
}

/// The completion photos, as photos a work order can keep (read back from storage).
pub(crate) async fn completion_photos(app: &App, id: i64) -> AppResult<Vec<Processed>> {
    let mut photos = Vec::new();
    for file in app.store.project_files(id).await? {
        let (Some(thumbnail_key), Some(width), Some(height)) =
            (&file.thumbnail_key, file.width, file.height)
        else {
            continue;
        };
        if file.purpose != linli_domain::projects::help::FilePurpose::Completion {
            continue;
        }
        let read = |key: String| async move {
            app.blobs
                .get(&key)
                .await
                .map_err(|error| AppError::blob("reading a project file", &error))?
                .ok_or_else(|| AppError::internal(format!("project file has no file ({key})")))
        };
        photos.push(Processed {
            jpeg: read(file.storage_key.clone()).await?,
            thumbnail: read(thumbnail_key.clone()).await?,
            width: u32::try_from(width).unwrap_or(0),
            height: u32::try_from(height).unwrap_or(0),
        });
    }
    Ok(photos)
}

/// A resident (or staff member) of the community offers help with a skill.
pub async fn offer(app: &App, caller: &Caller, id: i64, skill: &str) -> AppResult<i64> {
    let project = app.store.project(id).await?;
    view_of(Some(caller), &project)?;
    if !may_volunteer(caller.grants(), CommunityId(project.community_id)) {
        return Err(AppError::forbidden());
    }
    open_for_work(project.status).map_err(AppError::Conflict)?;
    let skill = parse_skill(skill)?;
    Ok(app
        .store
        .offer_project_help(id, caller.person, &skill, app.now())
        .await?)
}

/// The project's owner (or a manager) accepts an offer for a batch, or declines it.
pub async fn decide_offer(
    app: &App,
    caller: &Caller,
    id: i64,
    volunteer: i64,
    accept: bool,
    milestone: Option<i64>,
) -> AppResult<()> {
    reported_on(app, caller, id).await?;
    let offer = app.store.project_volunteer(volunteer).await?;
    if offer.project_id != id {
        return Err(AppError::NotFound("project.volunteer_not_found"));
    }
    let to = decide(offer.status, accept).map_err(AppError::Conflict)?;
    let milestone = if accept {
        let chosen = milestone.ok_or(AppError::invalid("validation.required", "milestone_id"))?;
        let open_batch = app
            .store
            .project_milestones(id)
            .await?
            .iter()
            .any(|known| known.id == chosen && known.actual_end.is_none());
        if !open_batch {
            return Err(AppError::invalid(
                "project.milestone_unknown",
                "milestone_id",
            ));
        }
        Some(chosen)
    } else {
        None
    };
    // The resident who offered hears whether they are in.
    let project = app.store.project(id).await?;
    let notice = linli_store::outbox::OutboxEntry {
        topic: linli_domain::notifications::Topic::ProjectHelpDecided,
        community_id: Some(project.community_id),
        work_order_id: None,
        payload: serde_json::json!({
            "person_ids": [offer.person_id],
            "decision": if accept { "accepted" } else { "declined" },
            "title": project.title,
            "when": "",
        }),
        at: app.now(),
    };
    app.store
        .set_volunteer_status(
            volunteer,
            offer.status,
            to,
            milestone,
            Some(caller.person),
            Some(notice),
            app.now(),
        )
        .await?;
    Ok(())
}

/// A volunteer withdraws their own offer.
pub async fn withdraw_offer(app: &App, caller: &Caller, id: i64, volunteer: i64) -> AppResult<()> {
    let project = app.store.project(id).await?;
    open_for_work(project.status).map_err(AppError::Conflict)?;
    let offer = app.store.project_volunteer(volunteer).await?;
    if offer.project_id != id || offer.person_id != caller.person.0 {
        return Err(AppError::NotFound("project.volunteer_not_found"));
    }
    let to = withdraw(offer.status).map_err(AppError::Conflict)?;
    app.store
        .set_volunteer_status(volunteer, offer.status, to, None, None, None, app.now())
        .await?;
    Ok(())
}

/// The caller's own offer on a project, if any.
pub async fn own_offer(
    app: &App,
    caller: &Caller,
    id: i64,
) -> AppResult<Option<linli_store::projects::help::VolunteerRow>> {
    Ok(app
        .store
        .project_volunteers(id)
        .await?
        .into_iter()
        .find(|offer| offer.person_id == caller.person.0))
}

/// How many volunteers are accepted for each batch: (milestone, count).
pub fn accepted_per_batch(
    volunteers: &[linli_store::projects::help::VolunteerRow],
) -> Vec<(i64, i64)> {
    let mut counts: Vec<(i64, i64)> = Vec::new();
    for volunteer in volunteers {
        if let (VolunteerStatus::Accepted, Some(milestone)) =
            (volunteer.status, volunteer.milestone_id)
        {
            match counts.iter_mut().find(|(id, _)| *id == milestone) {
                Some((_, count)) => *count += 1,
                None => counts.push((milestone, 1)),
            }
        }
    }
    counts
}
