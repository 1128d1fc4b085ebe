//! The big screen (大屏) of the joint office: a community's (or a whole street's) work
//! orders at a glance, for a television three metres away. Each screen scope has one
//! feed: its figures are computed once per burst of changes and the same JSON goes to
//! every television watching, so a thousand screens cost what one does.
//!
//! A television opens `/screen/community/{id}?token=…` with a screen token (made by the
//! administrator or the supervisor, `POST /api/v1/screens`); staff may open it signed in.

use crate::auth::CurrentUser;
use crate::dto::screens::ScreenView;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiPath};
use crate::locale::text;
use crate::pages::{PageError, Viewer};
use crate::state::AppState;
use askama::Template;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{Html, IntoResponse, Response};
use futures_util::stream::Stream;
use linli_app::live::Change;
use linli_app::screens::{self, ScreenScope};
use linli_domain::calendar::shanghai;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{broadcast, watch};

/// How long a burst of changes is gathered before the figures are computed again.
const SETTLE: Duration = Duration::from_millis(100);
/// Figures that move with time alone (overdue, today) are recomputed this often anyway.
const REFRESH: Duration = Duration::from_secs(60);

#[derive(Debug, Clone, Serialize)]
pub struct Count {
    pub key: String,
    pub label: String,
    pub count: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct BuildingCell {
    pub name: String,
    pub open: i64,
    /// 0 (none open) to 4 (many): the cell's colour.
    pub level: u8,
}

#[derive(Debug, Clone, Serialize)]
pub struct TickerItem {
    pub number: i64,
    pub category: String,
    pub icon: String,
    pub building: String,
    pub status: String,
    pub status_label: String,
    pub at: String,
}

/// Everything a big screen shows.
#[derive(Debug, Clone, Serialize)]
pub struct Snapshot {
    pub title: String,
    pub updated_at: String,
    pub today_new: i64,
    pub open: i64,
    pub overdue: i64,
    pub month_created: i64,
    pub response_rate: String,
    pub resolution_rate: String,
    pub satisfaction_rate: String,
    pub by_status: Vec<Count>,
    pub by_category: Vec<Count>,
    pub buildings: Vec<BuildingCell>,
    /// Open work orders by grid (a community's screen with grids drawn).
    pub by_grid: Vec<Count>,
    pub ticker: Vec<TickerItem>,
    pub projects: Vec<ProjectLine>,
}

/// A project under way: its title, how far along, its latest step in words.
#[derive(Debug, Clone, Serialize)]
pub struct ProjectLine {
    pub title: String,
    pub percent: i64,
    pub step: String,
}

/// "第一批 6 只 · 12月2日完成" or "第一批 6 只 · 12月1日开始".
fn project_step(milestone: Option<&(String, bool, String)>) -> String {
    let Some((title, done, day)) = milestone else {
        return String::new();
    };
    let day = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d")
        .map(|day| {
            if crate::locale::Locale::current() == crate::locale::Locale::En {
                day.format("%-d %b").to_string()
            } else {
                day.format("%-m月%-d日").to_string()
            }
        })
        .unwrap_or_else(|_| day.clone());
    let key = if *done {
        "page.screen.step_done"
    } else {
        "page.screen.step_planned"
    };
    format!("{title} · {}", text(key, &[("day", day)]))
}

fn percent(rate: Option<f64>) -> String {
    rate.map_or_else(|| "—".to_owned(), |rate| format!("{:.0}%", rate * 100.0))
}

/// How warm a building's cell is: 0 (none open) to 4 (many).
fn level(open: i64) -> u8 {
    match open {
        0 => 0,
        1 => 1,
        2..=3 => 2,
        4..=6 => 3,
        _ => 4,
    }
}

/// The figures of a scope as the screen shows them, in the viewer's language.
async fn snapshot(state: &AppState, scope: ScreenScope) -> ApiResult<Snapshot> {
    let figures = screens::figures(state, scope).await?;
    let english = crate::locale::Locale::current() == crate::locale::Locale::En;
    let named = |category: &screens::CategoryName| {
        if english && !category.name_en.is_empty() {
            category.name_en.clone()
        } else {
            category.name.clone()
        }
    };
    // The ticker gives room to the projects (and their heading) in the same panel.
    let ticker_room = if figures.projects.is_empty() {
        figures.latest.len()
    } else {
        figures
            .latest
            .len()
            .saturating_sub(figures.projects.len() + 1)
    };
    // A street's screen has too many buildings for their names: numbers then.
    let many = figures.buildings.len() > 40;
    Ok(Snapshot {
        title: figures.title.clone(),
        updated_at: figures
            .at
            .with_timezone(&shanghai())
            .format("%H:%M:%S")
            .to_string(),
        today_new: figures.today_new,
        open: figures.open(),
        overdue: figures.overdue,
        month_created: figures.month.created,
        response_rate: percent(figures.month.response_rate()),
        resolution_rate: percent(figures.month.resolution_rate()),
        satisfaction_rate: percent(figures.month.satisfaction_rate()),
        by_status: figures
            .open_by_status
            .iter()
            .map(|(status, count)| Count {
                key: status.as_str().to_owned(),
                label: text(&format!("status.{}", status.as_str()), &[]),
                count: *count,
            })
            .collect(),
        by_category: figures
            .by_category
            .iter()
            .map(|(category, count)| Count {
                key: category.icon.clone(),
                label: named(category),
                count: *count,
            })
            .collect(),
        buildings: figures
            .buildings
            .iter()
            .map(|building| BuildingCell {
                name: if many {
                    building.number.clone()
                } else {
                    building.name.clone()
                },
                open: building.open,
                level: level(building.open),
            })
            .collect(),
        by_grid: figures
            .by_grid
            .iter()
            .map(|(grid, count)| Count {
                key: String::new(),
                label: grid
                    .clone()
                    .unwrap_or_else(|| text("page.screen.no_grid", &[])),
                count: *count,
            })
            .collect(),
        projects: figures
            .projects
            .iter()
            .map(|project| ProjectLine {
                title: project.title.clone(),
                percent: project.percent_done.clamp(0, 100),
                step: project_step(project.milestone.as_ref()),
            })
            .collect(),
        ticker: figures
            .latest
            .iter()
            .take(ticker_room)
            .map(|order| TickerItem {
                number: order.number,
                category: named(&order.category),
                icon: order.category.icon.clone(),
                building: order.building.clone().unwrap_or_default(),
                status: order.status.as_str().to_owned(),
                status_label: text(&format!("status.{}", order.status.as_str()), &[]),
                at: order
                    .created_at
                    .with_timezone(&shanghai())
                    .format("%m-%d %H:%M")
                    .to_string(),
            })
            .collect(),
    })
}

/// A snapshot with its JSON, serialised once for every screen watching.
pub struct Published {
    pub snapshot: Snapshot,
    pub json: String,
}

impl Published {
    fn of(snapshot: Snapshot) -> Arc<Self> {
        let json = serde_json::to_string(&snapshot).unwrap_or_default();
        Arc::new(Self { snapshot, json })
    }
}

/// The feeds of this instance, one per scope being watched.
#[derive(Default)]
pub struct ScreenFeeds {
    feeds: Mutex<HashMap<ScreenScope, watch::Receiver<Arc<Published>>>>,
}

impl ScreenFeeds {
    /// The feed of a scope, started on first use.
    async fn watch(
        &self,
        state: &AppState,
        scope: ScreenScope,
    ) -> ApiResult<watch::Receiver<Arc<Published>>> {
        if let Some(feed) = self
            .feeds
            .lock()
            .map_err(|_| ApiError::internal())?
            .get(&scope)
        {
            return Ok(feed.clone());
        }
        let (communities, _) = screens::covered(state, scope).await?;
        let first = snapshot(state, scope).await?;
        let (sender, receiver) = watch::channel(Published::of(first));
        {
            let mut feeds = self.feeds.lock().map_err(|_| ApiError::internal())?;
            if let Some(feed) = feeds.get(&scope) {
                return Ok(feed.clone()); // started meanwhile by another request
            }
            feeds.insert(scope, receiver.clone());
        }
        tokio::spawn(keep_fresh(
            state.clone(),
            scope,
            communities,
            state.live.subscribe(),
            sender,
        ));
        Ok(receiver)
    }
}

async fn keep_fresh(
    state: AppState,
    scope: ScreenScope,
    communities: Vec<i64>,
    mut changes: broadcast::Receiver<Arc<Change>>,
    sender: watch::Sender<Arc<Published>>,
) {
    let concerns = |change: &Change| communities.contains(&change.community_id);
    let mut refresh = tokio::time::interval(REFRESH);
    refresh.tick().await;
    loop {
        let recompute = tokio::select! {
            received = changes.recv() => match received {
                Ok(change) => concerns(&change),
                Err(broadcast::error::RecvError::Lagged(_)) => true,
                Err(broadcast::error::RecvError::Closed) => return,
            },
            _ = refresh.tick() => true,
        };
        if !recompute {
            continue;
        }
        // Gather the rest of a burst (a batch of reports, a meeting's decisions).
        tokio::time::sleep(SETTLE).await;
        while let Ok(change) = changes.try_recv() {
            let _ = concerns(&change);
        }
        match snapshot(&state, scope).await {
            Ok(fresh) => {
                if sender.send(Published::of(fresh)).is_err() {
                    return;
                }
            }
            Err(error) => tracing::warn!(code = error.code, "a big screen's figures failed"),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct ScreenQuery {
    token: Option<String>,
}

/// Who may watch a scope: a valid screen token for exactly that scope, or signed-in staff
/// of it.
async fn admit(
    state: &AppState,
    viewer: &Viewer,
    scope: ScreenScope,
    token: Option<&str>,
) -> Result<(), PageError> {
    if let Some(token) = token.filter(|token| !token.is_empty()) {
        // A television holding a bad token is told so on the screen: nobody will sign in.
        return screens::admit_token(state, scope, token)
            .await
            .map_err(|error| PageError::Shown(error.into()));
    }
    let signed_in = viewer.require()?;
    Ok(screens::admit_caller(state, &signed_in.user, scope).await?)
}

#[derive(Template)]
#[template(path = "screen.html")]
struct ScreenPage {
    lang: &'static str,
    published: Arc<Published>,
    stream: String,
    labels: ScreenLabels,
}

/// The screen's fixed words, in the viewer's language.
struct ScreenLabels {
    today_new: String,
    open: String,
    overdue: String,
    month: String,
    response: String,
    resolution: String,
    satisfaction: String,
    by_status: String,
    by_category: String,
    buildings: String,
    by_grid: String,
    latest: String,
    projects: String,
    updated: String,
    offline: String,
}

impl ScreenLabels {
    fn new() -> Self {
        let t = |key: &str| text(&format!("page.screen.{key}"), &[]);
        Self {
            today_new: t("today_new"),
            open: t("open"),
            overdue: t("overdue"),
            month: t("month"),
            response: t("response"),
            resolution: t("resolution"),
            satisfaction: t("satisfaction"),
            by_status: t("by_status"),
            by_category: t("by_category"),
            buildings: t("buildings"),
            by_grid: t("by_grid"),
            latest: t("latest"),
            projects: t("projects"),
            updated: t("updated"),
            offline: t("offline"),
        }
    }
}

fn stream_path(scope: ScreenScope, token: Option<&str>) -> String {
    let base = format!("/screen/{}/{}/stream", scope.kind(), scope.id());
    match token.filter(|token| !token.is_empty()) {
        Some(token) => format!("{base}?token={}", crate::pages::url_encode(token)),
        None => base,
    }
}

/// `GET /screen/{community|street}/{id}`: the big screen page.
pub async fn screen_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((kind, id)): Path<(String, i64)>,
    Query(query): Query<ScreenQuery>,
) -> Result<Response, PageError> {
    let scope =
        ScreenScope::parse(&kind, id).ok_or_else(|| ApiError::not_found("request.not_found"))?;
    admit(&state, &viewer, scope, query.token.as_deref()).await?;
    let feed = state.screens.watch(&state, scope).await?;
    let published = Arc::clone(&feed.borrow());
    let page = ScreenPage {
        lang: crate::locale::Locale::current().as_str(),
        published,
        stream: stream_path(scope, query.token.as_deref()),
        labels: ScreenLabels::new(),
    };
    Ok(match page.render() {
        Ok(html) => Html(html).into_response(),
        Err(error) => {
            tracing::error!(%error, "the big screen failed to render");
            ApiError::internal().into_response()
        }
    })
}

/// `GET /screen/{community|street}/{id}/stream`: the screen's figures, sent whole as a
/// `snapshot` event when they change (and at once on connecting).
pub async fn screen_stream(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((kind, id)): Path<(String, i64)>,
    Query(query): Query<ScreenQuery>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, PageError> {
    let scope =
        ScreenScope::parse(&kind, id).ok_or_else(|| ApiError::not_found("request.not_found"))?;
    admit(&state, &viewer, scope, query.token.as_deref()).await?;
    let mut feed = state.screens.watch(&state, scope).await?;
    feed.mark_changed();
    let stream = futures_util::stream::unfold(feed, |mut feed| async move {
        feed.changed().await.ok()?;
        let published = Arc::clone(&feed.borrow_and_update());
        Some((
            Ok(Event::default().event("snapshot").data(&published.json)),
            feed,
        ))
    });
    let stream = futures_util::StreamExt::take_until(stream, state.stopped());
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewScreen {
    /// A community's screen…
    community_id: Option<i64>,
    /// …or a street's, aggregating its communities.
    street_id: Option<i64>,
    /// Where it hangs, e.g. `联合办公室大屏`.
    name: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ScreenCreated {
    #[serde(flatten)]
    screen: ScreenView,
    /// Shown once: the television opens `url`, which carries it.
    token: String,
    url: String,
}

/// `POST /api/v1/screens`: a token for an office television.
#[utoipa::path(
    post,
    path = "/api/v1/screens",
    tag = "live",
    summary = "Make a big-screen token for a community or a street",
    request_body = NewScreen,
    responses((status = 201, body = ScreenCreated)),
    security(("bearer" = []))
)]
pub async fn create_screen(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<NewScreen>,
) -> ApiResult<(StatusCode, Json<ScreenCreated>)> {
    let scope = match (input.community_id, input.street_id) {
        (Some(id), None) => ScreenScope::Community(id),
        (None, Some(id)) => ScreenScope::Street(id),
        _ => {
            return Err(linli_domain::ValidationError::new(
                "screen.scope_required",
                "community_id",
            )
            .into());
        }
    };
    let (screen, token) = screens::create_screen(&state, &user, scope, &input.name).await?;
    let url = format!("/screen/{}/{}?token={token}", scope.kind(), scope.id());
    Ok((
        StatusCode::CREATED,
        Json(ScreenCreated {
            screen: screen.into(),
            token,
            url,
        }),
    ))
}

/// `DELETE /api/v1/screens/{id}`: the television's token stops working.
#[utoipa::path(
    delete,
    path = "/api/v1/screens/{id}",
    tag = "live",
    summary = "Revoke a big-screen token",
    params(("id" = i64, Path, description = "Screen token id")),
    responses((status = 204)),
    security(("bearer" = []))
)]
pub async fn revoke_screen(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<StatusCode> {
    screens::revoke_screen(&state, &user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
