//! `/search?q=`: the one search box, for residents and staff alike; each finds what they
//! may see, grouped by kind, the phrase marked.

use crate::api::search::url_of;
use crate::error::ApiError;
use crate::locale::text;
use crate::pages::context::{PageContext, PageResult, Viewer, render};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use linli_domain::highlight::Piece;
use serde::Deserialize;

pub struct HitLine {
    pub title: String,
    pub url: String,
    pub excerpt: Vec<Piece>,
    pub day: String,
}

pub struct GroupLine {
    pub key: &'static str,
    pub label: String,
    pub hits: Vec<HitLine>,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    page: PageContext,
    q: String,
    groups: Vec<GroupLine>,
    /// Why the query was refused ("" when it was not).
    error: String,
    searched: bool,
    /// How many hits in all.
    found: usize,
}

#[derive(Debug, Default, Deserialize)]
pub struct SearchQuery {
    q: Option<String>,
}

pub async fn search_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<SearchQuery>,
) -> PageResult {
    let signed_in = viewer.require()?;
    let q = query.q.unwrap_or_default();
    let mut page = SearchPage {
        page: viewer.context(text("page.search.title", &[]), "search"),
        q: q.clone(),
        groups: Vec::new(),
        error: String::new(),
        searched: !q.trim().is_empty(),
        found: 0,
    };
    if !page.searched {
        return Ok(render(&page));
    }
    match linli_app::search::everywhere(&state, &signed_in.user, None, &q).await {
        Ok(results) => {
            page.groups = results
                .groups
                .into_iter()
                .map(|(kind, hits)| GroupLine {
                    key: kind.as_str(),
                    label: text(&format!("page.search.kind.{}", kind.as_str()), &[]),
                    hits: hits
                        .into_iter()
                        .map(|hit| HitLine {
                            url: url_of(kind, &hit).unwrap_or_default(),
                            day: hit
                                .at
                                .with_timezone(&linli_domain::calendar::shanghai())
                                .format("%Y-%m-%d")
                                .to_string(),
                            title: hit.title,
                            excerpt: hit.excerpt,
                        })
                        .collect(),
                })
                .collect();
            page.found = page.groups.iter().map(|group| group.hits.len()).sum();
            Ok(render(&page))
        }
        Err(error) => {
            let error = ApiError::from(error);
            if error.status != StatusCode::UNPROCESSABLE_ENTITY {
                return Err(error.into());
            }
            page.error = error.message();
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct DraftQuery {
    category_id: Option<String>,
    building_id: Option<String>,
    description: Option<String>,
}

/// `/report/similar`: what the report being typed likely repeats, for the report page's
/// script to offer "已有邻居反映过" before the resident sends it (the page works without).
pub async fn similar_to_draft(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<DraftQuery>,
) -> PageResult {
    let signed_in = viewer.require()?;
    let number = |raw: &Option<String>| {
        raw.as_deref()
            .and_then(|raw| raw.trim().parse::<i64>().ok())
    };
    let draft = linli_app::work_orders::duplicates::Draft {
        community_id: signed_in.community.as_ref().map(|community| community.id),
        category_id: number(&query.category_id),
        building_id: number(&query.building_id),
        description: query.description.unwrap_or_default(),
        ..Default::default()
    };
    let likely = linli_app::work_orders::duplicates::for_draft(&state, &signed_in.user, &draft)
        .await
        .map_err(ApiError::from)?;
    let views: Vec<_> = likely
        .into_iter()
        .map(crate::work_orders::duplicates::view)
        .collect();
    Ok(axum::Json(views).into_response())
}
