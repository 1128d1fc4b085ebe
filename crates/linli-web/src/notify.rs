//! Notifications over HTTP: a community's channels and their delivery log, and the
//! caller's inbox. The fan-out, the deliveries and the rules are
//! `linli_app::notifications`.

use crate::auth::CurrentUser;
use crate::dto::from_rows;
use crate::dto::notifications::{ChannelView, DeliveryView, NotificationView};
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiQuery};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use linli_app::notifications::{self as use_cases, ChannelRequest};
use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewChannelInput {
    community_id: i64,
    /// `wecom`, `dingtalk`, `feishu`, `webhook`, `sms` or `email`.
    kind: String,
    name: String,
    /// The robot's or the endpoint's address (http or https); for `email` the mailboxes
    /// (`mailto:a@example.cn,b@example.cn`); none for `sms`.
    #[serde(default)]
    url: String,
    /// Required for `webhook` (the HMAC key, 16 characters or more); the robot's signing
    /// secret for `dingtalk` and `feishu`, when it has one.
    secret: Option<String>,
    /// Topics to send (`work_order.dispatched`, …); all when absent.
    #[serde(default)]
    topics: Vec<String>,
}

/// `POST /api/v1/channels`: where a community's messages also go.
#[utoipa::path(
    post,
    path = "/api/v1/channels",
    tag = "notifications",
    summary = "Add a notification channel (group robot or signed webhook)",
    request_body = NewChannelInput,
    responses((status = 201, body = ChannelView)),
    security(("bearer" = []))
)]
pub async fn create_channel(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<NewChannelInput>,
) -> ApiResult<(StatusCode, Json<ChannelView>)> {
    let channel = use_cases::create_channel(
        &state,
        &user,
        &ChannelRequest {
            community_id: input.community_id,
            kind: input.kind,
            name: input.name,
            url: input.url,
            secret: input.secret,
            topics: input.topics,
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(channel.into())))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CommunityQuery {
    pub(crate) community_id: i64,
}

/// `GET /api/v1/channels?community_id=`: the channels (secrets never shown).
#[utoipa::path(
    get,
    path = "/api/v1/channels",
    tag = "notifications",
    summary = "A community's notification channels",
    params(CommunityQuery),
    responses((status = 200, body = Vec<ChannelView>)),
    security(("bearer" = []))
)]
pub async fn list_channels(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<CommunityQuery>,
) -> ApiResult<Json<Vec<ChannelView>>> {
    Ok(Json(from_rows(
        use_cases::channels(&state, &user, query.community_id).await?,
    )))
}

/// `GET /api/v1/deliveries?community_id=`: the delivery log, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/deliveries",
    tag = "notifications",
    summary = "The delivery log of a community's channels",
    params(CommunityQuery),
    responses((status = 200, body = Vec<DeliveryView>)),
    security(("bearer" = []))
)]
pub async fn list_deliveries(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<CommunityQuery>,
) -> ApiResult<Json<Vec<DeliveryView>>> {
    Ok(Json(from_rows(
        use_cases::deliveries(&state, &user, query.community_id).await?,
    )))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Inbox {
    unread: i64,
    items: Vec<NotificationView>,
}

/// `GET /api/v1/notifications`: the caller's inbox, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/notifications",
    tag = "notifications",
    summary = "My notifications and how many are unread",
    responses((status = 200, body = Inbox)),
    security(("bearer" = []))
)]
pub async fn inbox(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<Inbox>> {
    let (unread, items) = use_cases::inbox(&state, &user).await?;
    Ok(Json(Inbox {
        unread,
        items: from_rows(items),
    }))
}

/// `POST /api/v1/notifications/read`: everything in the inbox is read.
#[utoipa::path(
    post,
    path = "/api/v1/notifications/read",
    tag = "notifications",
    summary = "Mark all my notifications read",
    responses((status = 204)),
    security(("bearer" = []))
)]
pub async fn mark_read(State(state): State<AppState>, user: CurrentUser) -> ApiResult<StatusCode> {
    use_cases::mark_all_read(&state, &user).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnnouncementInput {
    community_id: i64,
    /// What the office's people are told (500 characters at most).
    text: String,
}

/// `POST /api/v1/announcements`: the office head tells the office's people something
/// (the joint meeting moved, the desk closes early): to their inboxes and the
/// community's channels that want `office.announcement`.
#[utoipa::path(
    post,
    path = "/api/v1/announcements",
    tag = "notifications",
    summary = "Tell the office's people something (supervisor or admin)",
    request_body = AnnouncementInput,
    responses((status = 202, description = "Queued for the inboxes and channels")),
    security(("bearer" = []))
)]
pub async fn announce(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<AnnouncementInput>,
) -> ApiResult<StatusCode> {
    use_cases::announce_to_office(&state, &user, input.community_id, &input.text).await?;
    Ok(StatusCode::ACCEPTED)
}
