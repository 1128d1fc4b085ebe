//! Projects (项目化运作): created from a meeting's decision (or by the office), with
//! origin work orders, quotes and the chosen vendor, milestones or batches, progress;
//! completing one resolves its open origin work orders. Anyone may read an approved
//! project's public page, which carries no resident's personal data.

pub mod help;
pub mod manage;
pub mod work;

use crate::{App, AppError, AppResult, Caller};
use linli_domain::access;
use linli_domain::ids::{CommunityId, OrganisationId};
use linli_domain::projects::{ProjectStatus, may_manage, may_report};
use linli_store::meetings::ItemRow;
use linli_store::projects::help::{ProjectFileRow, VolunteerRow};
use linli_store::projects::{MilestoneRow, ProjectRow, QuoteRow, UpdateRow};

/// How much of a project the caller sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProjectView {
    /// The community's office: everything, who recommended which vendor included.
    Office { manages: bool, reports: bool },
    /// Everyone else, signed in or not: no resident's name, contact or room.
    Public,
}

/// A project with everything about it, as the caller may see it.
#[derive(Debug, Clone)]
pub struct ProjectDetail {
    pub project: ProjectRow,
    pub view: ProjectView,
    /// The decision it came from, with the meeting's time.
    pub decision: Option<(ItemRow, chrono::DateTime<chrono::Utc>)>,
    /// Origin work orders: (id, number, status); ids only for the office.
    pub work_orders: Vec<(Option<i64>, i64, String)>,
    pub quotes: Vec<QuoteRow>,
    pub milestones: Vec<MilestoneRow>,
    pub updates: Vec<UpdateRow>,
    /// Progress and completion photos, quotes' photos and PDFs.
    pub files: Vec<ProjectFileRow>,
    /// Offers of help: every one for the office, the caller's own for anyone else.
    pub volunteers: Vec<VolunteerRow>,
    /// Volunteers accepted per batch: (milestone, count), for everyone.
    pub accepted_per_batch: Vec<(i64, i64)>,
}

pub(crate) fn view_of(caller: Option<&Caller>, project: &ProjectRow) -> AppResult<ProjectView> {
    let community = CommunityId(project.community_id);
    if let Some(caller) = caller
        && access::is_staff(caller.grants(), community)
    {
        let owner_member = access::member_of(
            caller.grants(),
            OrganisationId(project.owner_organisation_id),
        );
        return Ok(ProjectView::Office {
            manages: may_manage(caller.grants(), community),
            reports: may_report(caller.grants(), community, owner_member),
        });
    }
    if !publicly_visible(project.status) {
        return Err(AppError::NotFound("project.not_found"));
    }
    Ok(ProjectView::Public)
}

/// Whether a project in this status shows outside the office: a proposal is the office's
/// draft until approved.
pub(crate) fn publicly_visible(status: ProjectStatus) -> bool {
    status != ProjectStatus::Proposed
}

/// A project as the caller (or an anonymous visitor) may see it.
pub async fn read(app: &App, caller: Option<&Caller>, id: i64) -> AppResult<ProjectDetail> {
    let project = app.store.project(id).await?;
    let view = view_of(caller, &project)?;
    detail(app, caller, project, view).await
}

pub(crate) async fn detail(
    app: &App,
    caller: Option<&Caller>,
    project: ProjectRow,
    view: ProjectView,
) -> AppResult<ProjectDetail> {
    let id = project.id;
    let decision = match project.meeting_item_id {
        Some(item) => {
            let item = app.store.meeting_item(item).await?;
            let meeting = app.store.meeting(item.meeting_id).await?;
            Some((item, meeting.starts_at))
        }
        None => None,
    };
    let orders = app
        .store
        .work_orders_by_id(&app.store.project_work_orders(id).await?)
        .await?;
    let mut work_orders: Vec<(Option<i64>, i64, String)> = orders
        .iter()
        .map(|order| {
            let id = matches!(view, ProjectView::Office { .. }).then_some(order.id);
            (id, order.number, order.status.as_str().to_owned())
        })
        .collect();
    work_orders.sort_by_key(|(_, number, _)| *number);
    let mut quotes = app.store.project_quotes(id).await?;
    let mut updates = app.store.project_updates(id).await?;
    if view == ProjectView::Public {
        for quote in &mut quotes {
            quote.recommended_by = None;
            quote.contact = None;
        }
        for update in &mut updates {
            update.author_id = 0;
            update.author_name = String::new();
        }
    }
    let volunteers = app.store.project_volunteers(id).await?;
    let accepted_per_batch = help::accepted_per_batch(&volunteers);
    let volunteers = match view {
        ProjectView::Office { .. } => volunteers,
        ProjectView::Public => volunteers
            .into_iter()
            .filter(|volunteer| caller.is_some_and(|caller| caller.person.0 == volunteer.person_id))
            .collect(),
    };
    Ok(ProjectDetail {
        project,
        view,
        decision,
        work_orders,
        quotes,
        milestones: app.store.project_milestones(id).await?,
        updates,
        files: app.store.project_files(id).await?,
        volunteers,
        accepted_per_batch,
    })
}

/// A community's projects: all for its office, the approved ones for everyone else.
pub async fn list(
    app: &App,
    caller: Option<&Caller>,
    community_id: i64,
) -> AppResult<Vec<ProjectRow>> {
    app.store.community(CommunityId(community_id)).await?;
    let projects = app.store.projects(CommunityId(community_id), 200).await?;
    Ok(projects
        .into_iter()
        .filter(|project| view_of(caller, project).is_ok())
        .collect())
}

/// The projects a work order led to, for those who may see the work order (its reporter
/// sees their work order's project and its progress).
pub async fn of_work_order(
    app: &App,
    caller: &Caller,
    work_order: i64,
) -> AppResult<Vec<ProjectDetail>> {
    crate::work_orders::read::seen_by(app, caller, work_order).await?;
    let mut details = Vec::new();
    for project in app.store.projects_of_work_order(work_order).await? {
        let Ok(view) = view_of(Some(caller), &project) else {
            continue;
        };
        details.push(detail(app, Some(caller), project, view).await?);
    }
    Ok(details)
}
