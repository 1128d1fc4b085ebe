//! The responsibility charter (责任清单) as a page for the office wall: for each category,
//! the party that usually leads its work orders and those that co-handle them, as the
//! dispatch form suggests them.

use crate::error::ApiError;
use crate::locale::text;
use crate::pages::context::{PageContext, PageResult, Viewer, render};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use linli_domain::ids::CommunityId;
use std::collections::HashMap;

pub struct CharterLine {
    pub icon: String,
    pub category: String,
    pub lead: String,
    pub co_handlers: String,
}

#[derive(Template)]
#[template(path = "roster_charter.html")]
struct CharterPage {
    page: PageContext,
    lines: Vec<CharterLine>,
    arranges: bool,
}

pub async fn charter_page(State(state): State<AppState>, viewer: Viewer) -> PageResult {
    let signed_in = viewer.require()?;
    let community = signed_in
        .community
        .as_ref()
        .ok_or_else(ApiError::forbidden)?;
    let id = CommunityId(community.id);
    if !linli_domain::roster::may_read(signed_in.user.grants(), id) {
        return Err(ApiError::forbidden().into());
    }
    let names: HashMap<i64, String> = state
        .store
        .organisations(id)
        .await
        .map_err(ApiError::from)?
        .into_iter()
        .map(|organisation| (organisation.id, organisation.name))
        .collect();
    let unset = text("page.charter.unset", &[]);
    let lines = linli_app::categories::of_community(&state, &signed_in.user, community.id)
        .await
        .map_err(ApiError::from)?
        .into_iter()
        .filter(|category| category.active)
        .map(|category| CharterLine {
            lead: category
                .default_lead_organisation_id
                .and_then(|lead| names.get(&lead).cloned())
                .unwrap_or_else(|| unset.clone()),
            co_handlers: category
                .default_co_handlers()
                .iter()
                .filter_map(|co| names.get(co).cloned())
                .collect::<Vec<_>>()
                .join("、"),
            icon: category.icon,
            category: category.name,
        })
        .collect();
    Ok(render(&CharterPage {
        page: viewer.context(text("page.charter.title", &[]), "roster"),
        lines,
        arranges: signed_in.roles.admin || signed_in.roles.supervisor,
    }))
}
