//! Creating projects and moving them: proposed → approved → in progress → completed, or
//! cancelled with a reason. Completing one resolves its open origin work orders with
//! the closing text; each then waits for its reporter's acceptance as usual.

use crate::meetings::advance_to_resolved;
use crate::work_orders::photos::{Purpose, store_processed};
use crate::{App, AppError, AppResult, Caller};
use linli_domain::ids::{CommunityId, OrganisationId};
use linli_domain::meetings::{parse_line, parse_long_text};
use linli_domain::projects::{
    Fen, FundingSource, ProjectStatus, Transition, may_manage, next_status, parse_funding,
};
use linli_domain::work_orders::parse_text;
use linli_store::projects::NewProject;

#[derive(Debug, Clone, Default)]
pub struct ProjectRequest {
    pub community_id: Option<i64>,
    pub title: String,
    pub purpose: String,
    /// Origin work orders (besides the agenda item's own, in a decision).
    pub work_order_ids: Vec<i64>,
    /// The party that owns it; in a decision, the lead party unless named.
    pub owner_organisation_id: Option<i64>,
    pub budget_fen: i64,
    pub funding_sources: Vec<String>,
}

/// A project request that passed every check.
#[derive(Debug, Clone)]
pub struct CheckedProject {
    title: String,
    purpose: String,
    work_orders: Vec<i64>,
    owner: Option<i64>,
    budget: Fen,
    funding: Vec<FundingSource>,
}

/// Checks a project request for `community`: texts, money, funding, the owner party and
/// the origin work orders (of the community; an unknown or foreign one is refused
/// alike, so as not to say that it exists).
pub async fn checked(
    app: &App,
    caller: &Caller,
    community: CommunityId,
    input: &ProjectRequest,
    item_work_order: Option<i64>,
) -> AppResult<CheckedProject> {
    if !may_manage(caller.grants(), community) {
        return Err(AppError::forbidden());
    }
    let title = parse_line(&input.title, "title", 80)?;
    let purpose = parse_long_text(&input.purpose, "purpose")?;
    let budget = Fen::parse(input.budget_fen, "budget_fen")?;
    let funding = parse_funding(&input.funding_sources)?;
    if let Some(owner) = input.owner_organisation_id
        && !app
            .store
            .organisations(community)
            .await?
            .iter()
            .any(|known| known.id == owner)
    {
        return Err(AppError::invalid(
            "project.organisation_unknown",
            "owner_organisation_id",
        ));
    }
    let mut work_orders: Vec<i64> = item_work_order.into_iter().collect();
    for id in &input.work_order_ids {
        if !work_orders.contains(id) {
            work_orders.push(*id);
        }
    }
    let found = app.store.work_orders_by_id(&work_orders).await?;
    let all_ours = found.len() == work_orders.len()
        && found.iter().all(|order| order.community_id == community.0);
    if !all_ours {
        return Err(AppError::invalid(
            "project.work_order_unknown",
            "work_order_ids",
        ));
    }
    Ok(CheckedProject {
        title,
        purpose,
        work_orders,
        owner: input.owner_organisation_id,
        budget,
        funding,
    })
}

async fn write(
    app: &App,
    caller: &Caller,
    community: CommunityId,
    project: &CheckedProject,
    owner: i64,
    status: ProjectStatus,
    item: Option<i64>,
) -> AppResult<i64> {
    let funding: Vec<&str> = project
        .funding
        .iter()
        .map(|source| source.as_str())
        .collect();
    Ok(app
        .store
        .create_project(
            NewProject {
                community,
                title: &project.title,
                purpose: &project.purpose,
                meeting_item_id: item,
                owner_organisation_id: owner,
                budget_fen: project.budget.get(),
                funding_sources: &funding.join(","),
                status,
                created_by: caller.person,
                work_orders: &project.work_orders,
            },
            app.now(),
        )
        .await?)
}

/// A project the meeting decided: approved, owned by the decision's lead party unless
/// another is named. Answers its id and its origin work orders.
pub(crate) async fn create_in_meeting(
    app: &App,
    caller: &Caller,
    community: CommunityId,
    project: CheckedProject,
    item: i64,
) -> AppResult<(i64, Vec<i64>)> {
    let decided = app.store.meeting_item(item).await?;
    let owner = project
        .owner
        .or(decided.lead_organisation_id)
        .ok_or_else(|| AppError::invalid("validation.required", "owner_organisation_id"))?;
    let id = write(
        app,
        caller,
        community,
        &project,
        owner,
        ProjectStatus::Approved,
        Some(item),
    )
    .await?;
    Ok((id, project.work_orders))
}

/// A project proposed by the office outside a meeting (to be approved).
pub async fn create(app: &App, caller: &Caller, input: &ProjectRequest) -> AppResult<i64> {
    let community = crate::registry::community_of_request(app, caller, input.community_id).await?;
    let community = CommunityId(community.id);
    let project = checked(app, caller, community, input, None).await?;
    let owner = project
        .owner
        .ok_or_else(|| AppError::invalid("validation.required", "owner_organisation_id"))?;
    write(
        app,
        caller,
        community,
        &project,
        owner,
        ProjectStatus::Proposed,
        None,
    )
    .await
}

/// Moves a project; `complete` needs the closing text (it resolves the open origin work
/// orders with it), `cancel` the reason. Answers the work orders it resolved.
pub async fn transition(
    app: &App,
    caller: &Caller,
    id: i64,
    transition: &str,
    text: Option<&str>,
) -> AppResult<Vec<i64>> {
    let project = app.store.project(id).await?;
    let community = CommunityId(project.community_id);
    if !may_manage(caller.grants(), community) {
        return Err(match super::view_of(Some(caller), &project) {
            Ok(_) => AppError::forbidden(),
            Err(error) => error,
        });
    }
    let transition = Transition::parse(transition)?;
    let to = next_status(project.status, transition).map_err(AppError::Conflict)?;
    let text = match transition {
        Transition::Complete | Transition::Cancel => {
            Some(parse_text(text.unwrap_or_default(), "text")?)
        }
        _ => None,
    };
    let mut resolved = Vec::new();
    if transition == Transition::Complete {
        // The work orders first: if this stops half-way, completing again resolves the
        // rest (resolved ones are left alone) and then completes the project.
        let closing = app.texts.text(
            "project.resolved_by_project",
            &[
                ("title", project.title.clone()),
                ("text", text.clone().unwrap_or_default()),
            ],
        );
        let photos = super::help::completion_photos(app, id).await?;
        let photos: Vec<_> = photos.into_iter().take(9).collect();
        for work_order in app.store.project_work_orders(id).await? {
            let owner = OrganisationId(project.owner_organisation_id);
            if advance_to_resolved(app, caller.person, work_order, owner, &closing).await? {
                // The finished work's photos become the work order's resolution photos,
                // which its reporter sees when asked to accept.
                // One already holding nine (from an earlier, rejected resolution) keeps its
                // own: the project's page still shows them.
                let kept = store_processed(
                    app,
                    work_order,
                    caller.person,
                    Purpose::Resolution,
                    photos.clone(),
                )
                .await;
                match kept {
                    Ok(()) | Err(AppError::Conflict("photo.too_many")) => {}
                    Err(error) => return Err(error),
                }
                app.store
                    .mark_resolved_by_project(id, work_order, app.now())
                    .await?;
                resolved.push(work_order);
            }
        }
    }
    let (closing, reason) = match transition {
        Transition::Complete => (text.as_deref(), None),
        Transition::Cancel => (None, text.as_deref()),
        _ => (None, None),
    };
    app.store
        .set_project_status(id, project.status, to, closing, reason, app.now())
        .await?;
    Ok(resolved)
}
