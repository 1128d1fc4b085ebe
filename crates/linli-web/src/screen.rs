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
use chrono::Datelike;
use futures_util::stream::Stream;
use linli_app::live::Change;
use linli_domain::access;
use linli_domain::calendar::shanghai;
use linli_domain::ids::{CommunityId, StreetId};
use linli_domain::permissions::Place;
use linli_store::passwords::{new_session_token, token_hash};
use linli_store::work_orders::{ListOrder, WorkOrderFilter};
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScreenScope {
    Community(i64),
    Street(i64),
}

impl ScreenScope {
    fn parse(kind: &str, id: i64) -> Option<Self> {
        match kind {
            "community" => Some(Self::Community(id)),
            "street" => Some(Self::Street(id)),
            _ => None,
        }
    }

    fn kind(self) -> &'static str {
        match self {
            Self::Community(_) => "community",
            Self::Street(_) => "street",
        }
    }

    fn id(self) -> i64 {
        match self {
            Self::Community(id) | Self::Street(id) => id,
        }
    }
}

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
    pub ticker: Vec<TickerItem>,
}

fn percent(rate: Option<f64>) -> String {
    rate.map_or_else(|| "—".to_owned(), |rate| format!("{:.0}%", rate * 100.0))
}

/// The communities a scope covers and its title.
async fn covered(state: &AppState, scope: ScreenScope) -> ApiResult<(Vec<i64>, String)> {
    Ok(match scope {
        ScreenScope::Community(id) => {
            let community = state.store.community(CommunityId(id)).await?;
            (vec![community.id], community.name)
        }
        ScreenScope::Street(id) => {
            let street = state.store.street(StreetId(id)).await?;
            let communities = state.store.communities(Some(StreetId(id))).await?;
            (
                communities.iter().map(|community| community.id).collect(),
                street.name,
            )
        }
    })
}

async fn snapshot(state: &AppState, scope: ScreenScope) -> ApiResult<Snapshot> {
    let (communities, title) = covered(state, scope).await?;
    let now = state.clock.now();
    let today = now.with_timezone(&shanghai()).date_naive();
    let month_start = today.with_day(1).unwrap_or(today);
    let month = state
        .store
        .statistics(&communities, month_start, today, now)
        .await?;
    let today_new = month
        .by_day
        .iter()
        .filter(|(day, _)| *day == today)
        .map(|(_, counts)| counts.created)
        .sum();
    let english = crate::locale::Locale::current() == crate::locale::Locale::En;
    let mut categories = HashMap::new();
    let mut buildings = Vec::new();
    for community in &communities {
        for category in state.store.categories(CommunityId(*community)).await? {
            let name = if english && !category.name_en.is_empty() {
                category.name_en.clone()
            } else {
                category.name.clone()
            };
            categories.insert(category.id, (name, category.icon));
        }
        buildings.extend(state.store.buildings(CommunityId(*community)).await?);
    }
    let open_by_building: HashMap<i64, i64> = state
        .store
        .open_by_building(&communities)
        .await?
        .into_iter()
        .collect();
    let open_statuses = [
        "submitted",
        "dispatched",
        "in_progress",
        "on_hold",
        "resolved",
    ];
    let by_status = open_statuses
        .iter()
        .map(|status| Count {
            key: (*status).to_owned(),
            label: text(&format!("status.{status}"), &[]),
            count: month
                .status_now
                .iter()
                .filter(|(key, _)| key == status)
                .map(|(_, count)| *count)
                .sum(),
        })
        .collect::<Vec<_>>();
    let mut by_category: Vec<Count> = month
        .by_category
        .iter()
        .filter(|(_, counts)| counts.created > 0)
        .map(|(id, counts)| {
            let (name, icon) = categories.get(id).cloned().unwrap_or_default();
            Count {
                key: icon,
                label: name,
                count: counts.created,
            }
        })
        .collect();
    by_category.sort_by_key(|count| std::cmp::Reverse(count.count));
    by_category.truncate(8);
    let many = buildings.len() > 40;
    let cells = buildings
        .iter()
        .map(|building| {
            let open = open_by_building.get(&building.id).copied().unwrap_or(0);
            BuildingCell {
                name: if many {
                    building.number.clone()
                } else {
                    building.name.clone()
                },
                open,
                level: match open {
                    0 => 0,
                    1 => 1,
                    2..=3 => 2,
                    4..=6 => 3,
                    _ => 4,
                },
            }
        })
        .collect();
    let latest = state
        .store
        .list_work_orders(&WorkOrderFilter {
            communities: communities.clone(),
            order: ListOrder::Newest,
            limit: 10,
            ..WorkOrderFilter::default()
        })
        .await?;
    let building_names: HashMap<i64, String> = buildings
        .iter()
        .map(|building| (building.id, building.name.clone()))
        .collect();
    let ticker = latest
        .iter()
        .map(|order| {
            let (category, icon) = categories
                .get(&order.category_id)
                .cloned()
                .unwrap_or_default();
            TickerItem {
                number: order.number,
                category,
                icon,
                building: order
                    .building_id
                    .and_then(|id| building_names.get(&id).cloned())
                    .unwrap_or_default(),
                status: order.status.clone(),
                status_label: text(&format!("status.{}", order.status), &[]),
                at: order
                    .created_at
                    .with_timezone(&shanghai())
                    .format("%m-%d %H:%M")
                    .to_string(),
            }
        })
        .collect();
    let open = month
        .status_now
        .iter()
        .filter(|(status, _)| open_statuses.contains(&status.as_str()))
        .map(|(_, count)| count)
        .sum();
    Ok(Snapshot {
        title,
        updated_at: now
            .with_timezone(&shanghai())
            .format("%H:%M:%S")
            .to_string(),
        today_new,
        open,
        overdue: month.overdue_now,
        month_created: month.totals.created,
        response_rate: percent(month.totals.response_rate()),
        resolution_rate: percent(month.totals.resolution_rate()),
        satisfaction_rate: percent(month.totals.satisfaction_rate()),
        by_status,
        by_category,
        buildings: cells,
        ticker,
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
        let (communities, _) = covered(state, scope).await?;
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
        let found = state
            .store
            .screen_by_token(&token_hash(token))
            .await?
            .ok_or_else(|| PageError::Shown(ApiError::unauthorized("screen.token_invalid")))?;
        if ScreenScope::parse(&found.scope_kind, found.scope_id) != Some(scope) {
            return Err(PageError::Shown(ApiError::new(
                StatusCode::FORBIDDEN,
                "screen.token_elsewhere",
            )));
        }
        return Ok(());
    }
    let signed_in = viewer.require()?;
    let (communities, _) = covered(state, scope).await?;
    let mut places = Vec::with_capacity(communities.len());
    for community in &communities {
        places.push(
            state
                .store
                .community(CommunityId(*community))
                .await?
                .place(),
        );
    }
    let scope_place = match scope {
        ScreenScope::Community(_) => places.first().copied(),
        ScreenScope::Street(id) => Some(Place::Street(StreetId(id))),
    };
    let watches_all =
        scope_place.is_some_and(|place| access::may_watch(signed_in.user.grants(), place, &places));
    if !watches_all {
        return Err(ApiError::forbidden().into());
    }
    Ok(())
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
    latest: String,
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
            latest: t("latest"),
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

/// Who may hand out screens of a scope: its administrators, and a community's supervisor.
async fn may_manage(state: &AppState, user: &CurrentUser, scope: ScreenScope) -> ApiResult<()> {
    let place = match scope {
        ScreenScope::Community(id) => state.store.community(CommunityId(id)).await?.place(),
        ScreenScope::Street(id) => {
            state.store.street(StreetId(id)).await?;
            Place::Street(StreetId(id))
        }
    };
    let community = match scope {
        ScreenScope::Community(id) => Some(CommunityId(id)),
        ScreenScope::Street(_) => None,
    };
    Ok(user.require_office_head(place, community)?)
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
    may_manage(&state, &user, scope).await?;
    let name = linli_domain::registry::Name::parse(&input.name, "name", 40)?;
    let token = new_session_token()?;
    let screen = state
        .store
        .create_screen_token(
            scope.kind(),
            scope.id(),
            name.as_str(),
            &token_hash(&token),
            user.person,
            state.clock.now(),
        )
        .await?;
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
    let screen = state.store.screen_token(id).await?;
    let scope =
        ScreenScope::parse(&screen.scope_kind, screen.scope_id).ok_or_else(ApiError::internal)?;
    may_manage(&state, &user, scope).await?;
    state
        .store
        .revoke_screen_token(id, state.clock.now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
