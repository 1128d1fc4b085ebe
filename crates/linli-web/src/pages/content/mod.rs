//! The content pages (新闻资讯 · 通知公告 · 公开): the list by kind for the signed-in
//! (`/content`) and for anyone (`/public/communities/{id}/content`), an item's page —
//! its body as safe HTML, "已更新" with the history, for the office the trail, the read
//! receipts of a staff notice and the workflow's buttons — and the writing forms
//! (`form.rs`). Every page calls the same use cases as the API.

mod form;

pub use form::{content_form_page, create_content, edit_content, edit_content_page};

use crate::error::ApiError;
use crate::locale::text;
use crate::markdown::content_html;
use crate::pages::context::{
    PageContext, PageError, PageResult, Viewer, local_time, render, see_other,
};
use crate::pages::meetings::{Fields, caller_of, get};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::IntoResponse;
use axum_extra::extract::Form;
use linli_app::content::{self as use_cases, ContentDetail};
use linli_domain::content::{Action, Audience, Kind, Status};
use linli_domain::ids::CommunityId;
use linli_store::content::ContentRow;
use serde::Deserialize;

pub fn kind_label(kind: Kind) -> String {
    text(&format!("page.content.kind.{}", kind.as_str()), &[])
}

fn status_label(status: Status) -> String {
    text(&format!("page.content.status.{}", status.as_str()), &[])
}

pub struct Tab {
    pub href: String,
    pub label: String,
    pub current: bool,
}

pub struct Line {
    pub id: i64,
    pub title: String,
    pub meta: String,
    pub status: &'static str,
    pub status_label: String,
    pub pinned: bool,
    pub urgent: bool,
    pub expired: bool,
    pub updated: bool,
}

#[derive(Template)]
#[template(path = "content_list.html")]
struct ListPage {
    page: PageContext,
    intro: String,
    tabs: Vec<Tab>,
    lines: Vec<Line>,
    writes: bool,
    feed: String,
}

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    kind: Option<String>,
}

fn line(item: &ContentRow, now: chrono::DateTime<chrono::Utc>) -> Line {
    let when = item.published_at.map(local_time).unwrap_or_default();
    Line {
        id: item.id,
        title: item.title.clone(),
        meta: format!(
            "{} · {}{}",
            kind_label(item.kind),
            item.organisation_name,
            if when.is_empty() {
                String::new()
            } else {
                format!(" · {when}")
            }
        ),
        status: item.status.as_str(),
        status_label: status_label(item.status),
        pinned: item.pinned,
        urgent: item.urgent,
        expired: linli_domain::content::is_expired(item.expires_at, now),
        updated: item.version > 1,
    }
}

async fn render_list(
    state: &AppState,
    viewer: &Viewer,
    community: i64,
    base: &str,
    query: &ListQuery,
) -> PageResult {
    let kind = crate::api::content::kind_of(query.kind.as_deref())?;
    let caller = viewer.signed_in.as_ref().map(|signed_in| &signed_in.user.0);
    let items = use_cases::list(state, caller, community, kind)
        .await
        .map_err(ApiError::from)?;
    let now = state.clock.now();
    let mut tabs = vec![Tab {
        href: base.to_owned(),
        label: text("page.content.all", &[]),
        current: kind.is_none(),
    }];
    tabs.extend(Kind::ALL.into_iter().map(|each| Tab {
        href: format!("{base}?kind={}", each.as_str()),
        label: kind_label(each),
        current: kind == Some(each),
    }));
    let writes = match caller {
        Some(caller) => use_cases::writes(state, caller, CommunityId(community))
            .await
            .map_err(ApiError::from)?,
        None => false,
    };
    let page = ListPage {
        page: viewer.context(text("page.content.title", &[]), "content"),
        intro: text(
            if caller.is_some() {
                "page.content.intro"
            } else {
                "page.content.public_intro"
            },
            &[],
        ),
        tabs,
        lines: items.iter().map(|item| line(item, now)).collect(),
        writes,
        feed: format!(
            "/api/v1/content/feeds/{community}/{}",
            kind.unwrap_or(Kind::News).as_str()
        ),
    };
    Ok(render(&page).into_response())
}

/// The community's content for the signed-in: what is meant for them; the office's all.
pub async fn content_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<ListQuery>,
) -> PageResult {
    let community = viewer
        .require()?
        .community
        .as_ref()
        .map(|community| community.id)
        .ok_or_else(ApiError::forbidden)?;
    render_list(&state, &viewer, community, "/content", &query).await
}

/// A community's public content, for anyone.
pub async fn public_content_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(community): Path<i64>,
    Query(query): Query<ListQuery>,
) -> PageResult {
    let base = format!("/public/communities/{community}/content");
    render_list(&state, &viewer, community, &base, &query).await
}

pub struct VersionLine {
    pub label: String,
    pub at: String,
    pub note: String,
    pub body_html: String,
}

pub struct EventLine {
    pub action: String,
    pub person: String,
    pub reason: String,
    pub at: String,
}

#[derive(Template)]
#[template(path = "content_item.html")]
struct ItemPage {
    page: PageContext,
    id: i64,
    title: String,
    kind: String,
    byline: String,
    body_html: String,
    pinned: bool,
    urgent: bool,
    expired: bool,
    expires: String,
    audience: String,
    campaign: Option<String>,
    return_reason: String,
    history: Vec<VersionLine>,
    events: Vec<EventLine>,
    receipts: String,
    actions: Vec<(&'static str, String)>,
    may_edit: bool,
    editing_published: bool,
    notice: String,
    back: String,
}

#[derive(Debug, Deserialize)]
pub struct ItemQuery {
    done: Option<String>,
}

fn audience_text(detail: &ContentDetail) -> String {
    match &detail.audience {
        Audience::Everyone => text("page.content.audience_everyone", &[]),
        Audience::Buildings(_) => text(
            "page.content.audience_buildings",
            &[("buildings", detail.building_names.join("、"))],
        ),
        Audience::Roles(roles) => text(
            "page.content.audience_roles",
            &[(
                "roles",
                roles
                    .iter()
                    .map(|role| text(&format!("page.content.role.{}", role.as_str()), &[]))
                    .collect::<Vec<_>>()
                    .join("、"),
            )],
        ),
    }
}

/// An item's page: public items for anyone, the rest for those who may see them.
pub async fn item_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Query(query): Query<ItemQuery>,
) -> PageResult {
    let caller = viewer.signed_in.as_ref().map(|signed_in| &signed_in.user.0);
    let detail = match use_cases::read(&state, caller, id).await {
        Ok(detail) => detail,
        // Not public: perhaps it is for them once signed in.
        Err(linli_app::AppError::NotFound(_)) if caller.is_none() => {
            return Err(PageError::SignIn {
                next: viewer.here.clone(),
            });
        }
        Err(error) => return Err(ApiError::from(error).into()),
    };
    let item = &detail.item;
    let byline = match item.published_at {
        Some(at) => text(
            "page.content.published",
            &[
                ("party", item.organisation_name.clone()),
                ("at", local_time(at)),
            ],
        ),
        None => text(
            "page.content.draft_by",
            &[
                ("party", item.organisation_name.clone()),
                ("status", status_label(item.status)),
            ],
        ),
    };
    let history = if detail.versions.len() > 1 {
        detail
            .versions
            .iter()
            .rev()
            .map(|version| VersionLine {
                label: text(
                    "page.content.version",
                    &[("version", version.version.to_string())],
                ),
                at: local_time(version.edited_at),
                note: version.note.clone(),
                body_html: content_html(&version.body),
            })
            .collect()
    } else {
        Vec::new()
    };
    let events = detail
        .events
        .iter()
        .flatten()
        .map(|event| EventLine {
            action: text(&format!("page.content.event.{}", event.action), &[]),
            person: event.person_name.clone(),
            reason: event.reason.clone(),
            at: local_time(event.at),
        })
        .collect();
    let receipts = detail
        .receipts
        .map(|receipts| {
            text(
                "page.content.receipts",
                &[
                    ("read", receipts.read.to_string()),
                    ("total", receipts.audience.to_string()),
                ],
            )
        })
        .unwrap_or_default();
    let notice = match query.done.as_deref() {
        Some(
            done @ ("created" | "edited" | "corrected" | "publish" | "submit" | "approve"
            | "return"),
        ) => text(&format!("page.content.done.{done}"), &[]),
        _ => String::new(),
    };
    let page = ItemPage {
        page: viewer.context(item.title.clone(), "content"),
        id,
        title: item.title.clone(),
        kind: kind_label(item.kind),
        byline,
        body_html: content_html(&item.body),
        pinned: item.pinned,
        urgent: item.urgent,
        expired: detail.expired,
        expires: item
            .expires_at
            .map(|at| text("page.content.expires", &[("at", local_time(at))]))
            .unwrap_or_default(),
        audience: audience_text(&detail),
        campaign: item.campaign_id.map(|id| format!("/campaigns/{id}")),
        return_reason: match (item.status, &item.return_reason) {
            (Status::Draft, Some(reason)) => {
                text("page.content.returned", &[("reason", reason.clone())])
            }
            _ => String::new(),
        },
        history,
        events,
        receipts,
        actions: detail
            .actions
            .iter()
            .map(|action| {
                (
                    action.as_str(),
                    text(&format!("page.content.action.{}", action.as_str()), &[]),
                )
            })
            .collect(),
        may_edit: detail.may_edit,
        editing_published: item.status == Status::Published,
        notice,
        back: if caller.is_some() {
            "/content".to_owned()
        } else {
            format!("/public/communities/{}/content", item.community_id)
        },
    };
    Ok(render(&page).into_response())
}

/// A step of the workflow from the item's page (`reason` to return it).
pub async fn content_action(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, action)): Path<(i64, String)>,
    Form(fields): Form<Fields>,
) -> PageResult {
    let caller = caller_of(&viewer, &fields)?;
    let action = Action::parse(&action).ok_or_else(|| ApiError::not_found("request.not_found"))?;
    linli_app::content::write::act(&state, caller, id, action, get(&fields, "reason"))
        .await
        .map_err(ApiError::from)?;
    see_other(&format!("/content/{id}?done={}", action.as_str()))
}
