//! `GET /api/v1/search`: one search box over what the caller may see in a community —
//! work orders, visits, notices and news, meeting minutes, projects — with the phrase
//! marked in an excerpt of each hit.

use crate::auth::CurrentUser;
use crate::error::ApiResult;
use crate::extract::ApiQuery;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Utc};
use linli_app::search::{self as use_cases, Hit, HitKind};
use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SearchQuery {
    /// The phrase: one or two Chinese characters, `4242号`, Latin words in any case; at
    /// most 100 characters.
    q: String,
    /// The caller's community when absent (required with several).
    community_id: Option<i64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ExcerptPiece {
    text: String,
    /// The phrase itself.
    marked: bool,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SearchHit {
    id: i64,
    title: String,
    excerpt: Vec<ExcerptPiece>,
    at: DateTime<Utc>,
    /// The page it leads to, when there is one.
    url: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SearchGroup {
    /// `work_order`, `visit`, `content`, `meeting`, `project`.
    kind: String,
    hits: Vec<SearchHit>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SearchResults {
    query: String,
    community_id: i64,
    /// The kinds the caller may search, each newest first (at most 20).
    groups: Vec<SearchGroup>,
}

/// Where a hit leads among the pages.
pub fn url_of(kind: HitKind, hit: &Hit) -> Option<String> {
    match kind {
        HitKind::WorkOrder | HitKind::Visit => hit.work_order.map(|id| format!("/orders/{id}")),
        HitKind::Content => Some(format!("/content/{}", hit.id)),
        HitKind::Meeting => Some(format!("/meetings/{}", hit.id)),
        HitKind::Project => Some(format!("/projects/{}", hit.id)),
    }
}

#[utoipa::path(get, path = "/api/v1/search", tag = "search", summary = "Search what the caller may see in a community",
    params(SearchQuery), responses((status = 200, body = SearchResults)), security(("bearer" = [])))]
pub async fn search(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<SearchQuery>,
) -> ApiResult<Json<SearchResults>> {
    let results = use_cases::everywhere(&state, &user, query.community_id, &query.q).await?;
    Ok(Json(SearchResults {
        query: results.query,
        community_id: results.community_id,
        groups: results
            .groups
            .into_iter()
            .map(|(kind, hits)| SearchGroup {
                kind: kind.as_str().to_owned(),
                hits: hits
                    .into_iter()
                    .map(|hit| SearchHit {
                        url: url_of(kind, &hit),
                        id: hit.id,
                        title: hit.title,
                        excerpt: hit
                            .excerpt
                            .into_iter()
                            .map(|piece| ExcerptPiece {
                                text: piece.text,
                                marked: piece.marked,
                            })
                            .collect(),
                        at: hit.at,
                    })
                    .collect(),
            })
            .collect(),
    }))
}
