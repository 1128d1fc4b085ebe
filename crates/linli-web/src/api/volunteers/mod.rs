//! `/api/v1/volunteers…`: teams, one's volunteer profile, activities with their shifts
//! ([`shifts`]: sign-up, check-in, corrections, the certificate and the league).

pub mod shifts;
pub mod views;

use crate::auth::CurrentUser;
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use linli_app::registry::community_of_request;
use linli_app::volunteers::{self as use_cases, ActivityRequest, ProfileRequest, ShiftRequest};
use linli_domain::ids::CommunityId;
use serde::{Deserialize, Serialize};
use views::{ActivityJson, ProfileView, TeamView};

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CommunityQuery {
    community_id: Option<i64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = VolunteerCreated)]
pub struct Created {
    id: i64,
}

async fn community(
    state: &AppState,
    user: &CurrentUser,
    named: Option<i64>,
) -> ApiResult<CommunityId> {
    Ok(CommunityId(
        community_of_request(state, user, named).await?.id,
    ))
}

#[utoipa::path(get, path = "/api/v1/volunteers/teams", tag = "volunteers", summary = "A community's volunteer teams (its residents and staff)",
    params(CommunityQuery), responses((status = 200, body = Vec<TeamView>)), security(("bearer" = [])))]
pub async fn teams(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<CommunityQuery>,
) -> ApiResult<Json<Vec<TeamView>>> {
    let community = community(&state, &user, query.community_id).await?;
    let rows = use_cases::teams(&state, &user, community).await?;
    Ok(Json(rows.into_iter().map(TeamView::from).collect()))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TeamInput {
    community_id: Option<i64>,
    /// 城悦志愿者工作室
    name: String,
    /// Its leader, when they have an account in the community.
    leader_person_id: Option<i64>,
}

#[utoipa::path(post, path = "/api/v1/volunteers/teams", tag = "volunteers", summary = "Add a volunteer team (the supervisor or duty officer)",
    request_body = TeamInput, responses((status = 201, body = Created)), security(("bearer" = [])))]
pub async fn add_team(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<TeamInput>,
) -> ApiResult<(StatusCode, Json<Created>)> {
    let community = community(&state, &user, input.community_id).await?;
    let id = use_cases::add_team(
        &state,
        &user,
        community,
        &input.name,
        input.leader_person_id,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

#[utoipa::path(get, path = "/api/v1/volunteers/profile", tag = "volunteers", summary = "The caller's own volunteer profile (null before they make one)",
    responses((status = 200, body = Option<ProfileView>)), security(("bearer" = [])))]
pub async fn profile(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<Option<ProfileView>>> {
    let row = use_cases::profile(&state, &user).await?;
    Ok(Json(row.map(ProfileView::from)))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileInput {
    community_id: Option<i64>,
    team_id: Option<i64>,
    /// Up to eight tags of up to 12 characters: 抓猫, 电工, 理发, 翻译…
    #[serde(default)]
    skills: Vec<String>,
    /// When they are free: 周末上午.
    availability: Option<String>,
}

#[utoipa::path(put, path = "/api/v1/volunteers/profile", tag = "volunteers", summary = "Create or replace the caller's own volunteer profile",
    request_body = ProfileInput, responses((status = 204, description = "Saved")), security(("bearer" = [])))]
pub async fn save_profile(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<ProfileInput>,
) -> ApiResult<StatusCode> {
    let community = community(&state, &user, input.community_id).await?;
    let request = ProfileRequest {
        team_id: input.team_id,
        skills: input.skills,
        availability: input.availability,
    };
    use_cases::save_profile(&state, &user, community, &request).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/volunteers/activities", tag = "volunteers", summary = "A community's volunteer activities with their shifts, newest first",
    params(CommunityQuery), responses((status = 200, body = Vec<ActivityJson>)), security(("bearer" = [])))]
pub async fn activities(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<CommunityQuery>,
) -> ApiResult<Json<Vec<ActivityJson>>> {
    let community = community(&state, &user, query.community_id).await?;
    let views = use_cases::activities(&state, &user, community).await?;
    Ok(Json(views.into_iter().map(ActivityJson::from).collect()))
}

#[utoipa::path(get, path = "/api/v1/volunteers/activities/{id}", tag = "volunteers", summary = "An activity with its shifts (who signed up: for those who check volunteers in)",
    params(("id" = i64, Path)), responses((status = 200, body = ActivityJson)), security(("bearer" = [])))]
pub async fn activity(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<ActivityJson>> {
    Ok(Json(use_cases::activity(&state, &user, id).await?.into()))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = VolunteerShiftInput)]
pub struct ShiftInput {
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    capacity: i64,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActivityInput {
    community_id: Option<i64>,
    team_id: Option<i64>,
    title: String,
    description: String,
    place: Option<String>,
    /// Sign-ups and cancellations close this many minutes before a shift starts.
    #[serde(default)]
    cut_off_minutes: i64,
    shifts: Vec<ShiftInput>,
}

#[utoipa::path(post, path = "/api/v1/volunteers/activities", tag = "volunteers", summary = "Set up an activity with its shifts (the supervisor, the duty officer or the team's leader)",
    request_body = ActivityInput, responses((status = 201, body = Created)), security(("bearer" = [])))]
pub async fn add_activity(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<ActivityInput>,
) -> ApiResult<(StatusCode, Json<Created>)> {
    let community = community(&state, &user, input.community_id).await?;
    let request = ActivityRequest {
        team_id: input.team_id,
        title: input.title,
        description: input.description,
        place: input.place,
        cut_off_minutes: input.cut_off_minutes,
        shifts: input
            .shifts
            .into_iter()
            .map(|shift| ShiftRequest {
                starts_at: Some(shift.starts_at),
                ends_at: Some(shift.ends_at),
                capacity: shift.capacity,
            })
            .collect(),
    };
    let id = use_cases::add_activity(&state, &user, community, &request).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}
