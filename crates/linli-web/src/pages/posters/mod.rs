//! Posters with QR codes (张贴二维码): a printable A4 poster per building, and one for the
//! joint office, whose QR code opens the report page with that building chosen — what
//! the seed's residents do with "拿出手机拍照". Black on white, large type, for the
//! office's printer and a building's notice board.

use crate::error::ApiError;
use crate::locale::text;
use crate::pages::context::{PageContext, PageResult, Viewer, render};
use crate::pages::volunteers::qr::{qr_svg, site_address};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::IntoResponse;
use linli_domain::ids::CommunityId;

pub struct BuildingLink {
    pub id: i64,
    pub name: String,
}

#[derive(Template)]
#[template(path = "posters.html")]
struct PostersPage {
    page: PageContext,
    buildings: Vec<BuildingLink>,
}

#[derive(Template)]
#[template(path = "poster.html")]
struct PosterPage {
    page: PageContext,
    community: String,
    /// The building's name ("" for the joint office's poster).
    building: String,
    url: String,
    qr: String,
    office_phone: String,
}

/// The office's community, for its staff.
fn office_community(viewer: &Viewer) -> Result<i64, ApiError> {
    let signed_in = viewer
        .require()
        .map_err(|_| ApiError::unauthorized("auth.session_invalid"))?;
    let roles = signed_in.roles;
    if !(roles.desk || roles.duty || roles.supervisor || roles.admin) {
        return Err(ApiError::forbidden());
    }
    signed_in
        .community
        .as_ref()
        .map(|community| community.id)
        .ok_or_else(ApiError::forbidden)
}

/// `/posters`: every building's poster, and the office's.
pub async fn posters_page(State(state): State<AppState>, viewer: Viewer) -> PageResult {
    let community = office_community(&viewer)?;
    let buildings = state
        .store
        .buildings(CommunityId(community))
        .await
        .map_err(ApiError::from)?
        .into_iter()
        .map(|building| BuildingLink {
            id: building.id,
            name: building.name,
        })
        .collect();
    let page = PostersPage {
        page: viewer.context(text("page.posters.title", &[]), "posters"),
        buildings,
    };
    Ok(render(&page).into_response())
}

async fn poster(
    state: &AppState,
    viewer: &Viewer,
    headers: &HeaderMap,
    building: Option<i64>,
) -> PageResult {
    let community_id = office_community(viewer)?;
    let community = state
        .store
        .community(CommunityId(community_id))
        .await
        .map_err(ApiError::from)?;
    let (name, url) = match building {
        Some(id) => {
            let found = linli_app::registry::building_in(state, community_id, id)
                .await
                .map_err(|_| ApiError::not_found("registry.building_not_found"))?;
            (
                found.name,
                format!("{}/report?building_id={}", site_address(headers), found.id),
            )
        }
        None => (String::new(), format!("{}/report", site_address(headers))),
    };
    let page = PosterPage {
        page: viewer.context(text("page.posters.title", &[]), "posters"),
        community: community.name,
        building: name,
        qr: qr_svg(&url),
        url,
        office_phone: community.office_phone.unwrap_or_default(),
    };
    Ok(render(&page).into_response())
}

/// `/posters/buildings/{id}`: a building's poster.
pub async fn building_poster(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> PageResult {
    poster(&state, &viewer, &headers, Some(id)).await
}

/// `/posters/office`: the joint office's poster.
pub async fn office_poster(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
) -> PageResult {
    poster(&state, &viewer, &headers, None).await
}
