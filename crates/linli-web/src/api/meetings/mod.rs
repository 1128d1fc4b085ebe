//! `/api/v1/meetings…`: the joint meeting (联席会) — series, calling, the table and
//! attendance, the agenda and decisions, minutes, closing, corrections, calendar feeds.

pub mod agenda;

use crate::auth::CurrentUser;
use crate::dto::from_rows;
use crate::dto::meetings::{MeetingDetailView, MeetingView};
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use chrono::{DateTime, Utc};
use linli_app::meetings::{self as use_cases, convene, feeds, minutes};
use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CommunityQuery {
    pub(crate) community_id: Option<i64>,
}

/// When and where the regular meeting takes place.
#[derive(Debug, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SeriesInput {
    #[serde(default, skip_serializing)]
    pub(crate) community_id: Option<i64>,
    /// 1 (Monday) … 7 (Sunday); 4 (Thursday) by default.
    pub(crate) weekday: i64,
    /// Shanghai time, `HH:MM`.
    pub(crate) start_time: String,
    pub(crate) duration_minutes: i64,
    pub(crate) place: String,
}

#[utoipa::path(get, path = "/api/v1/meeting-series", tag = "meetings", summary = "The regular meeting's day, time and place",
    params(CommunityQuery), responses((status = 200, body = SeriesInput)), security(("bearer" = [])))]
pub async fn get_series(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<CommunityQuery>,
) -> ApiResult<Json<SeriesInput>> {
    let community =
        linli_app::registry::community_of_request(&state, &user, query.community_id).await?;
    let series = convene::series(&state, linli_domain::ids::CommunityId(community.id)).await?;
    Ok(Json(SeriesInput {
        community_id: None,
        weekday: series.weekday_number(),
        start_time: series.start_text(),
        duration_minutes: series.duration.num_minutes(),
        place: series.place,
    }))
}

#[utoipa::path(put, path = "/api/v1/meeting-series", tag = "meetings", summary = "Set the regular meeting's day, time and place",
    request_body = SeriesInput, responses((status = 200, body = SeriesInput)), security(("bearer" = [])))]
pub async fn put_series(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<SeriesInput>,
) -> ApiResult<Json<SeriesInput>> {
    let (_, series) = convene::set_series(
        &state,
        &user,
        &convene::SeriesRequest {
            community_id: input.community_id,
            weekday: input.weekday,
            start_time: input.start_time,
            duration_minutes: input.duration_minutes,
            place: input.place,
        },
    )
    .await?;
    Ok(Json(SeriesInput {
        community_id: None,
        weekday: series.weekday_number(),
        start_time: series.start_text(),
        duration_minutes: series.duration.num_minutes(),
        place: series.place,
    }))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMeetingInput {
    pub(crate) community_id: Option<i64>,
    /// An extra meeting at `starts_at`; otherwise the series' next one.
    #[serde(default)]
    pub(crate) extra: bool,
    pub(crate) starts_at: Option<DateTime<Utc>>,
    pub(crate) duration_minutes: Option<i64>,
    pub(crate) place: Option<String>,
    pub(crate) title: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/meetings", tag = "meetings", summary = "Call a meeting (the series' next, or an extra one)",
    request_body = NewMeetingInput, responses((status = 201, body = MeetingDetailView)), security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<NewMeetingInput>,
) -> ApiResult<(StatusCode, Json<MeetingDetailView>)> {
    let request = convene::MeetingRequest {
        community_id: input.community_id,
        extra: input.extra,
        starts_at: input.starts_at,
        duration_minutes: input.duration_minutes,
        place: input.place,
        title: input.title,
        after: None,
    };
    let id = convene::schedule(&state, &user, &request).await?;
    Ok((
        StatusCode::CREATED,
        Json(use_cases::read(&state, &user, id).await?.into()),
    ))
}

#[utoipa::path(get, path = "/api/v1/meetings", tag = "meetings", summary = "A community's meetings (its office)",
    params(CommunityQuery), responses((status = 200, body = Vec<MeetingView>)), security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<CommunityQuery>,
) -> ApiResult<Json<Vec<MeetingView>>> {
    Ok(Json(from_rows(
        use_cases::list(&state, &user, query.community_id).await?,
    )))
}

#[utoipa::path(get, path = "/api/v1/me/meetings", tag = "meetings", summary = "The meetings I am invited to",
    responses((status = 200, body = Vec<MeetingView>)), security(("bearer" = [])))]
pub async fn mine(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<Vec<MeetingView>>> {
    Ok(Json(from_rows(use_cases::mine(&state, &user).await?)))
}

#[utoipa::path(get, path = "/api/v1/meetings/{id}", tag = "meetings", summary = "A meeting as the caller may see it",
    params(("id" = i64, Path)), responses((status = 200, body = MeetingDetailView)), security(("bearer" = [])))]
pub async fn get(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<MeetingDetailView>> {
    Ok(Json(use_cases::read(&state, &user, id).await?.into()))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveInput {
    pub(crate) starts_at: Option<DateTime<Utc>>,
    pub(crate) place: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/meetings/{id}/move", tag = "meetings", summary = "Move a meeting (time or place)",
    params(("id" = i64, Path)), request_body = MoveInput, responses((status = 200, body = MeetingDetailView)), security(("bearer" = [])))]
pub async fn move_meeting(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<MoveInput>,
) -> ApiResult<Json<MeetingDetailView>> {
    convene::move_meeting(&state, &user, id, input.starts_at, input.place.as_deref()).await?;
    Ok(Json(use_cases::read(&state, &user, id).await?.into()))
}

/// A text: a reason, minutes, a correction.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TextInput {
    pub(crate) text: String,
}

#[utoipa::path(post, path = "/api/v1/meetings/{id}/cancel", tag = "meetings", summary = "Call a meeting off (the chair), with the reason",
    params(("id" = i64, Path)), request_body = TextInput, responses((status = 200, body = MeetingDetailView)), security(("bearer" = [])))]
pub async fn cancel(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<TextInput>,
) -> ApiResult<Json<MeetingDetailView>> {
    convene::cancel(&state, &user, id, &input.text).await?;
    Ok(Json(use_cases::read(&state, &user, id).await?.into()))
}

#[utoipa::path(put, path = "/api/v1/meetings/{id}/minutes", tag = "meetings", summary = "Write the minutes (Markdown) of an open meeting",
    params(("id" = i64, Path)), request_body = TextInput, responses((status = 200, body = MeetingDetailView)), security(("bearer" = [])))]
pub async fn put_minutes(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<TextInput>,
) -> ApiResult<Json<MeetingDetailView>> {
    minutes::write_minutes(&state, &user, id, &input.text).await?;
    Ok(Json(use_cases::read(&state, &user, id).await?.into()))
}

#[utoipa::path(post, path = "/api/v1/meetings/{id}/close", tag = "meetings", summary = "Close a meeting (the chair): needs minutes, attendance, every item settled",
    params(("id" = i64, Path)), responses((status = 200, body = MeetingDetailView)), security(("bearer" = [])))]
pub async fn close(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<MeetingDetailView>> {
    minutes::close(&state, &user, id).await?;
    Ok(Json(use_cases::read(&state, &user, id).await?.into()))
}

#[utoipa::path(post, path = "/api/v1/meetings/{id}/corrections", tag = "meetings", summary = "Append a signed, dated correction to closed minutes",
    params(("id" = i64, Path)), request_body = TextInput, responses((status = 201, body = MeetingDetailView)), security(("bearer" = [])))]
pub async fn correct(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<TextInput>,
) -> ApiResult<(StatusCode, Json<MeetingDetailView>)> {
    minutes::correct(&state, &user, id, &input.text).await?;
    Ok((
        StatusCode::CREATED,
        Json(use_cases::read(&state, &user, id).await?.into()),
    ))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeedInput {
    /// A community's feed (its office); the caller's own meetings without it.
    pub(crate) community_id: Option<i64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FeedCreated {
    /// The secret address to subscribe to, shown once.
    path: String,
}

#[utoipa::path(post, path = "/api/v1/calendar-feeds", tag = "meetings", summary = "Make an iCalendar feed address (mine, or a community's)",
    request_body = FeedInput, responses((status = 201, body = FeedCreated)), security(("bearer" = [])))]
pub async fn create_feed(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<FeedInput>,
) -> ApiResult<(StatusCode, Json<FeedCreated>)> {
    let token = feeds::create_feed(&state, &user, input.community_id).await?;
    Ok((
        StatusCode::CREATED,
        Json(FeedCreated {
            path: format!("/api/v1/calendar-feeds/{token}.ics"),
        }),
    ))
}

#[utoipa::path(get, path = "/api/v1/calendar-feeds/{file}", tag = "meetings", summary = "An iCalendar feed (RFC 5545), by its secret address",
    params(("file" = String, Path, description = "TOKEN.ics")), responses((status = 200, content_type = "text/calendar", body = String)))]
pub async fn feed(
    State(state): State<AppState>,
    ApiPath(file): ApiPath<String>,
) -> ApiResult<impl IntoResponse> {
    let token = file.strip_suffix(".ics").unwrap_or(&file);
    let text = feeds::feed(&state, token).await?;
    Ok((
        [(header::CONTENT_TYPE, "text/calendar; charset=utf-8")],
        text,
    ))
}
