//! The lists of projects: the office's (`/projects`, every status) and the public one
//! (`/public/communities/{id}/projects`, approved and later, no sign-in).

use super::{status_label, yuan};
use crate::error::ApiError;
use crate::locale::text;
use crate::pages::context::{PageContext, PageResult, Viewer, local_time, render, see_other};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use linli_domain::access;
use linli_domain::ids::CommunityId;
use linli_store::projects::ProjectRow;

pub struct ProjectLine {
    pub id: i64,
    pub title: String,
    pub status: &'static str,
    pub status_label: String,
    pub owner: String,
    pub budget: String,
    pub percent: i64,
    pub updated: String,
}

fn line(project: &ProjectRow) -> ProjectLine {
    ProjectLine {
        id: project.id,
        title: project.title.clone(),
        status: project.status.as_str(),
        status_label: status_label(project.status.as_str()),
        owner: project.owner_name.clone(),
        budget: yuan(project.budget_fen),
        percent: project.percent_done,
        updated: local_time(project.updated_at),
    }
}

#[derive(Template)]
#[template(path = "projects_list.html")]
struct ListPage {
    page: PageContext,
    public: bool,
    community_name: String,
    /// Where the project pages are (`/projects` or `/public/projects`).
    base: &'static str,
    projects: Vec<ProjectLine>,
    public_list: String,
}

/// The office's projects; anyone else is sent to the public list of their community.
pub async fn projects_page(State(state): State<AppState>, viewer: Viewer) -> PageResult {
    let signed_in = viewer.require()?;
    let community = signed_in
        .community
        .as_ref()
        .ok_or_else(ApiError::forbidden)?;
    if !access::is_staff(signed_in.user.grants(), CommunityId(community.id)) {
        return see_other(&format!("/public/communities/{}/projects", community.id));
    }
    let projects = linli_app::projects::list(&state, Some(&signed_in.user), community.id)
        .await
        .map_err(ApiError::from)?;
    Ok(render(&ListPage {
        page: viewer.context(text("page.projects.title", &[]), "projects"),
        public: false,
        community_name: community.name.clone(),
        base: "/projects",
        projects: projects.iter().map(line).collect(),
        public_list: format!("/public/communities/{}/projects", community.id),
    }))
}

/// A community's approved projects, for anyone.
pub async fn public_projects_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(community): Path<i64>,
) -> PageResult {
    let found = state
        .store
        .community(CommunityId(community))
        .await
        .map_err(ApiError::from)?;
    // The public list is the same for everyone: what an anonymous visitor may see.
    let projects = linli_app::projects::list(&state, None, community)
        .await
        .map_err(ApiError::from)?;
    Ok(render(&ListPage {
        page: viewer.context(
            text(
                "page.projects.public_title",
                &[("community", found.name.clone())],
            ),
            "public_projects",
        ),
        public: true,
        community_name: found.name,
        base: "/public/projects",
        projects: projects.iter().map(line).collect(),
        public_list: String::new(),
    }))
}
