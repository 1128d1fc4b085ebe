//! The reception desk's visit log: who came, about what, and what became of it.

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiQuery};
use crate::registry::visible_communities;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{Duration, NaiveDate, TimeZone, Utc};
use linli_domain::ValidationError;
use linli_domain::calendar::shanghai;
use linli_domain::ids::{BuildingId, CommunityId, PersonId};
use linli_domain::registry::{Name, Phone};
use linli_domain::roles::{Role, Scope};
use linli_domain::work_orders::parse_text;
use linli_store::registry::Community;
use linli_store::visits::{NewVisit, Visit};
use serde::Deserialize;

async fn desk_community(
    state: &AppState,
    user: &CurrentUser,
    named: Option<i64>,
) -> ApiResult<Community> {
    let desk_roles = [Role::Receptionist, Role::DutyOfficer, Role::Supervisor];
    let communities: Vec<Community> = visible_communities(state, user)
        .await?
        .into_iter()
        .filter(|community| {
            user.grants().iter().any(|grant| {
                desk_roles.contains(&grant.role)
                    && grant.scope == Scope::Community(CommunityId(community.id))
            })
        })
        .collect();
    match named {
        Some(id) => communities
            .into_iter()
            .find(|community| community.id == id)
            .ok_or_else(ApiError::forbidden),
        None if communities.len() == 1 => communities
            .into_iter()
            .next()
            .ok_or_else(ApiError::forbidden),
        None if communities.is_empty() => Err(ApiError::forbidden()),
        None => Err(ValidationError::new("work_order.community_required", "community_id").into()),
    }
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewVisitInput {
    pub(crate) community_id: Option<i64>,
    pub(crate) visitor_name: String,
    pub(crate) visitor_phone: Option<String>,
    /// The visitor's account, when they have one.
    pub(crate) person_id: Option<i64>,
    pub(crate) building_id: Option<i64>,
    pub(crate) room_text: Option<String>,
    pub(crate) matter: String,
    pub(crate) outcome: Option<String>,
}

#[utoipa::path(
    post,
    path = "/api/v1/visits",
    tag = "reception",
    summary = "Log a walk-in visit",
    request_body = NewVisitInput,
    responses((status = 201, body = linli_store::visits::Visit)),
    security(("bearer" = []))
)]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<NewVisitInput>,
) -> ApiResult<(StatusCode, Json<Visit>)> {
    let community = desk_community(&state, &user, input.community_id).await?;
    let visitor_name = Name::parse(&input.visitor_name, "visitor_name", 40)?;
    let phone = input
        .visitor_phone
        .as_deref()
        .filter(|phone| !phone.trim().is_empty())
        .map(Phone::parse)
        .transpose()?;
    let matter = parse_text(&input.matter, "matter")?;
    let outcome = input
        .outcome
        .as_deref()
        .map(str::trim)
        .filter(|outcome| !outcome.is_empty())
        .map(|outcome| parse_text(outcome, "outcome"))
        .transpose()?;
    let room_text = input
        .room_text
        .as_deref()
        .map(str::trim)
        .filter(|room| !room.is_empty())
        .map(|room| Name::parse(room, "room_text", 40))
        .transpose()?;
    if let Some(person) = input.person_id
        && !state
            .store
            .is_member_of(PersonId(person), CommunityId(community.id))
            .await?
    {
        return Err(ValidationError::new("visit.person_unknown", "person_id").into());
    }
    if let Some(building) = input.building_id {
        let found = state
            .store
            .building(BuildingId(building))
            .await
            .ok()
            .filter(|found| found.community_id == community.id);
        if found.is_none() {
            return Err(ValidationError::new("work_order.building_unknown", "building_id").into());
        }
    }
    let visit = state
        .store
        .create_visit(
            NewVisit {
                community: CommunityId(community.id),
                visitor_name: visitor_name.as_str(),
                visitor_phone: phone.as_ref().map(Phone::as_str),
                person: input.person_id.map(PersonId),
                building_id: input.building_id,
                room_text: room_text.as_ref().map(Name::as_str),
                matter: &matter,
                receptionist: user.person,
                outcome: outcome.as_deref(),
            },
            state.clock.now(),
        )
        .await?;
    Ok((StatusCode::CREATED, Json(visit)))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
#[derive(Default)]
pub struct VisitQuery {
    pub(crate) community_id: Option<i64>,
    /// A day in Shanghai time, `2026-10-27`; today when absent.
    pub(crate) date: Option<NaiveDate>,
}

#[utoipa::path(
    get,
    path = "/api/v1/visits",
    tag = "reception",
    summary = "The visit log of a day",
    params(VisitQuery),
    responses((status = 200, body = Vec<linli_store::visits::Visit>)),
    security(("bearer" = []))
)]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<VisitQuery>,
) -> ApiResult<Json<Vec<Visit>>> {
    let community = desk_community(&state, &user, query.community_id).await?;
    let day = query
        .date
        .unwrap_or_else(|| state.clock.now().with_timezone(&shanghai()).date_naive());
    let start = shanghai()
        .from_local_datetime(&day.and_hms_opt(0, 0, 0).unwrap_or_default())
        .single()
        .map_or_else(|| state.clock.now(), |start| start.with_timezone(&Utc));
    Ok(Json(
        state
            .store
            .visits(
                CommunityId(community.id),
                start,
                start + Duration::days(1),
                500,
            )
            .await?,
    ))
}
