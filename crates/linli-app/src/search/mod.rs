//! One search box over what the caller may see in a community: work orders (through
//! their text index), the desk's visits, notices and news, the joint meeting's minutes
//! and projects. Each kind is read as its own use case lets the caller read it, then the
//! phrase decides and is marked in an excerpt. A resident finds their own and the
//! public work orders, public content and approved projects; the office finds more.

use crate::work_orders::read::ListRequest;
use crate::{App, AppError, AppResult, Caller};
use chrono::{DateTime, Utc};
use linli_domain::access::mask_numbers;
use linli_domain::highlight::{self, Piece, QUERY_MAX};
use linli_domain::ids::CommunityId;

/// The most hits of each kind.
pub const PER_KIND: usize = 20;
/// The length of an excerpt, in characters.
const EXCERPT: usize = 60;

/// What a hit is, and where it leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HitKind {
    WorkOrder,
    Visit,
    Content,
    Meeting,
    Project,
}

impl HitKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::WorkOrder => "work_order",
            Self::Visit => "visit",
            Self::Content => "content",
            Self::Meeting => "meeting",
            Self::Project => "project",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub kind: HitKind,
    pub id: i64,
    /// "4242号 噪音", a notice's title, a meeting's title.
    pub title: String,
    /// Around the first match, every match marked.
    pub excerpt: Vec<Piece>,
    pub at: DateTime<Utc>,
    /// The work order a hit leads to: its own, or the one a visit became.
    pub work_order: Option<i64>,
}

#[derive(Debug, Clone, Default)]
pub struct Results {
    pub query: String,
    pub community_id: i64,
    /// Each kind's hits, newest first; kinds the caller may not search are absent.
    pub groups: Vec<(HitKind, Vec<Hit>)>,
}

/// The first of `texts` that holds the phrase, as an excerpt.
fn first_excerpt<'a>(texts: impl IntoIterator<Item = &'a str>, phrase: &str) -> Option<Vec<Piece>> {
    texts
        .into_iter()
        .find_map(|text| highlight::excerpt(text, phrase, EXCERPT))
}

pub async fn everywhere(
    app: &App,
    caller: &Caller,
    community_id: Option<i64>,
    query: &str,
) -> AppResult<Results> {
    let phrase = highlight::normalised(query);
    if phrase.is_empty() {
        return Err(AppError::invalid("search.query_required", "q"));
    }
    if phrase.chars().count() > QUERY_MAX {
        return Err(linli_domain::ValidationError::too_long("q", QUERY_MAX).into());
    }
    let community = crate::registry::community_of_request(app, caller, community_id).await?;
    let id = community.id;
    let mut groups = Vec::new();

    let page = crate::work_orders::list(
        app,
        caller,
        &ListRequest {
            community_id: Some(id),
            q: Some(phrase.clone()),
            limit: Some(i64::try_from(PER_KIND).unwrap_or(20)),
            ..ListRequest::default()
        },
    )
    .await?;
    let categories: std::collections::HashMap<i64, String> = app
        .store
        .categories(CommunityId(id))
        .await?
        .into_iter()
        .map(|category| (category.id, category.name))
        .collect();
    let orders = page
        .rows
        .iter()
        .filter_map(|order| {
            let public = page
                .public_but_for
                .is_some_and(|person| order.reporter_id != Some(person.0));
            let text = if public {
                mask_numbers(&order.description)
            } else {
                order.description.clone()
            };
            Some(Hit {
                kind: HitKind::WorkOrder,
                id: order.id,
                title: format!(
                    "{}号 {}",
                    order.number,
                    categories
                        .get(&order.category_id)
                        .map_or("", String::as_str)
                ),
                excerpt: highlight::excerpt(&text, &phrase, EXCERPT)?,
                at: order.created_at,
                work_order: Some(order.id),
            })
        })
        .collect();
    groups.push((HitKind::WorkOrder, orders));

    if let Some(visits) = crate::visits::containing(app, caller, id, &phrase, PER_KIND).await? {
        let hits = visits
            .into_iter()
            .filter_map(|visit| {
                let texts = [
                    visit.matter.as_str(),
                    visit.visitor_name.as_str(),
                    visit.room_text.as_deref().unwrap_or_default(),
                    visit.outcome.as_deref().unwrap_or_default(),
                ];
                Some(Hit {
                    kind: HitKind::Visit,
                    id: visit.id,
                    title: visit.visitor_name.clone(),
                    excerpt: first_excerpt(texts, &phrase)?,
                    at: visit.visited_at,
                    work_order: visit.work_order_id,
                })
            })
            .collect();
        groups.push((HitKind::Visit, hits));
    }

    let content = crate::content::list(app, Some(caller), id, None)
        .await?
        .into_iter()
        .filter_map(|item| {
            Some(Hit {
                kind: HitKind::Content,
                id: item.id,
                excerpt: first_excerpt([item.title.as_str(), item.body.as_str()], &phrase)?,
                title: item.title,
                at: item.published_at.unwrap_or(item.updated_at),
                work_order: None,
            })
        })
        .take(PER_KIND)
        .collect();
    groups.push((HitKind::Content, content));

    if linli_domain::meetings::sees_all(caller.grants(), CommunityId(id)) {
        let meetings = crate::meetings::list(app, caller, Some(id))
            .await?
            .into_iter()
            .filter_map(|meeting| {
                let texts = [
                    meeting.title.as_str(),
                    meeting.minutes.as_deref().unwrap_or_default(),
                    meeting.place.as_str(),
                ];
                Some(Hit {
                    kind: HitKind::Meeting,
                    id: meeting.id,
                    excerpt: first_excerpt(texts, &phrase)?,
                    title: meeting.title,
                    at: meeting.starts_at,
                    work_order: None,
                })
            })
            .take(PER_KIND)
            .collect();
        groups.push((HitKind::Meeting, meetings));
    }

    let projects = crate::projects::list(app, Some(caller), id)
        .await?
        .into_iter()
        .filter_map(|project| {
            let texts = [
                project.title.as_str(),
                project.purpose.as_str(),
                project.closing_text.as_deref().unwrap_or_default(),
            ];
            Some(Hit {
                kind: HitKind::Project,
                id: project.id,
                excerpt: first_excerpt(texts, &phrase)?,
                title: project.title,
                at: project.created_at,
                work_order: None,
            })
        })
        .take(PER_KIND)
        .collect();
    groups.push((HitKind::Project, projects));

    Ok(Results {
        query: phrase,
        community_id: id,
        groups,
    })
}
