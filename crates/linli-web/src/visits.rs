//! The reception desk's visit log: who came, about what, and what became of it.

use crate::auth::CurrentUser;
use crate::dto::from_rows;
use crate::dto::visits::VisitView;
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiQuery};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::NaiveDate;
use linli_app::visits::{self as use_cases, VisitRequest};
use serde::Deserialize;

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

impl From<NewVisitInput> for VisitRequest {
    fn from(input: NewVisitInput) -> Self {
        Self {
            community_id: input.community_id,
            visitor_name: input.visitor_name,
            visitor_phone: input.visitor_phone,
            person_id: input.person_id,
            building_id: input.building_id,
            room_text: input.room_text,
            matter: input.matter,
            outcome: input.outcome,
        }
    }
}

#[utoipa::path(
    post,
    path = "/api/v1/visits",
    tag = "reception",
    summary = "Log a walk-in visit",
    description = "The desk's staff only: receptionist, duty officer, supervisor.",
    request_body = NewVisitInput,
    responses((status = 201, body = VisitView)),
    security(("bearer" = []))
)]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<NewVisitInput>,
) -> ApiResult<(StatusCode, Json<VisitView>)> {
    let visit = use_cases::log_visit(&state, &user, &input.into()).await?;
    Ok((StatusCode::CREATED, Json(visit.into())))
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
    description = "The desk's staff (receptionist, duty officer, supervisor) read the log they \
                   keep; the community's administrator and the system's administrator read it \
                   too, for auditing, but only the desk's staff log visits.",
    params(VisitQuery),
    responses((status = 200, body = Vec<VisitView>)),
    security(("bearer" = []))
)]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<VisitQuery>,
) -> ApiResult<Json<Vec<VisitView>>> {
    Ok(Json(from_rows(
        use_cases::visits_of_day(&state, &user, query.community_id, query.date).await?,
    )))
}
