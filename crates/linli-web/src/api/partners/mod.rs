//! `/api/v1/partners`: partner units (区域化党建共建单位), their co-building activities,
//! and partners as co-parties of projects. Public to read; contact phones for the
//! community's staff only.

use crate::api::projects::MaybeUser;
use crate::auth::CurrentUser;
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, NaiveDate, Utc};
use linli_app::partners::{self as use_cases, ActivityRequest, PartnerRequest};
use linli_domain::partners::{Offer, PartnerCategory};
use linli_store::partners::{ActivityRow, PartnerRow, ProjectPartnerRow};
use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = Partner)]
pub struct PartnerView {
    /// The partner's organisation id.
    id: i64,
    community_id: i64,
    name: String,
    category: PartnerCategory,
    address: Option<String>,
    contact_name: Option<String>,
    /// For the community's staff only; absent for everyone else.
    contact_phone: Option<String>,
    description: Option<String>,
    offers: Vec<Offer>,
    offer_details: Option<String>,
    joined_on: Option<NaiveDate>,
    /// Co-building activities it took part in.
    activities: i64,
    /// Projects it is a co-party of.
    projects: i64,
}

impl From<PartnerRow> for PartnerView {
    fn from(row: PartnerRow) -> Self {
        Self {
            id: row.id,
            community_id: row.community_id,
            name: row.name,
            category: row.category,
            address: row.address,
            contact_name: row.contact_name,
            contact_phone: row.contact_phone,
            description: row.description,
            offers: row.offers,
            offer_details: row.offer_details,
            joined_on: row.joined_on,
            activities: row.activities,
            projects: row.projects,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PartnerUnitName {
    id: i64,
    name: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = PartnerActivity)]
pub struct ActivityView {
    id: i64,
    community_id: i64,
    title: String,
    held_on: NaiveDate,
    place: Option<String>,
    summary: Option<String>,
    residents_served: Option<i64>,
    units: Vec<PartnerUnitName>,
}

impl From<ActivityRow> for ActivityView {
    fn from(row: ActivityRow) -> Self {
        Self {
            id: row.id,
            community_id: row.community_id,
            title: row.title,
            held_on: row.held_on,
            place: row.place,
            summary: row.summary,
            residents_served: row.residents_served,
            units: row
                .units
                .into_iter()
                .map(|(id, name)| PartnerUnitName { id, name })
                .collect(),
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProjectPartnerView {
    project_id: i64,
    project_title: String,
    partner_id: i64,
    name: String,
    /// What the partner gives to the project (场地, 资金, 人手…).
    contribution: String,
    added_at: DateTime<Utc>,
}

impl From<ProjectPartnerRow> for ProjectPartnerView {
    fn from(row: ProjectPartnerRow) -> Self {
        Self {
            project_id: row.project_id,
            project_title: row.project_title,
            partner_id: row.organisation_id,
            name: row.name,
            contribution: row.contribution,
            added_at: row.added_at,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PartnerDetailView {
    partner: PartnerView,
    /// The latest 50, the latest first.
    activities: Vec<ActivityView>,
    projects: Vec<ProjectPartnerView>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    community_id: i64,
}

#[utoipa::path(get, path = "/api/v1/partners", tag = "partners", summary = "A community's partner units (no sign-in; phones for its staff)",
    params(ListQuery), responses((status = 200, body = Vec<PartnerView>)))]
pub async fn list(
    State(state): State<AppState>,
    user: MaybeUser,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> ApiResult<Json<Vec<PartnerView>>> {
    let rows = use_cases::list(&state, user.caller(), query.community_id).await?;
    Ok(Json(rows.into_iter().map(PartnerView::from).collect()))
}

#[utoipa::path(get, path = "/api/v1/partners/{id}", tag = "partners", summary = "A partner unit with its activities and projects (no sign-in)",
    params(("id" = i64, Path)), responses((status = 200, body = PartnerDetailView)))]
pub async fn get(
    State(state): State<AppState>,
    user: MaybeUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<PartnerDetailView>> {
    let detail = use_cases::detail(&state, user.caller(), id).await?;
    Ok(Json(PartnerDetailView {
        partner: detail.partner.into(),
        activities: detail.activities.into_iter().map(Into::into).collect(),
        projects: detail.projects.into_iter().map(Into::into).collect(),
    }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartnerInput {
    /// On creation only; the caller's community when absent.
    community_id: Option<i64>,
    name: String,
    /// `school`, `hospital`, `police`, `government`, `enterprise`, `social_organisation`, `other`.
    category: String,
    address: Option<String>,
    contact_name: Option<String>,
    contact_phone: Option<String>,
    description: Option<String>,
    /// `venue`, `volunteers`, `funds`, `expertise`.
    #[serde(default)]
    offers: Vec<String>,
    offer_details: Option<String>,
    /// YYYY-MM-DD: when the co-building agreement was signed.
    joined_on: Option<String>,
}

impl From<&PartnerInput> for PartnerRequest {
    fn from(input: &PartnerInput) -> Self {
        let text = |value: &Option<String>| value.clone().unwrap_or_default();
        Self {
            name: input.name.clone(),
            category: input.category.clone(),
            address: text(&input.address),
            contact_name: text(&input.contact_name),
            contact_phone: text(&input.contact_phone),
            description: text(&input.description),
            offers: input.offers.clone(),
            offer_details: text(&input.offer_details),
            joined_on: text(&input.joined_on),
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PartnerCreated {
    id: i64,
}

#[utoipa::path(post, path = "/api/v1/partners", tag = "partners", summary = "Add a partner unit (the supervisor or admin)",
    request_body = PartnerInput, responses((status = 201, body = PartnerCreated)), security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<PartnerInput>,
) -> ApiResult<(StatusCode, Json<PartnerCreated>)> {
    let community =
        linli_app::registry::community_of_request(&state, &user, input.community_id).await?;
    let id = use_cases::add(&state, &user, community.id, &(&input).into()).await?;
    Ok((StatusCode::CREATED, Json(PartnerCreated { id })))
}

#[utoipa::path(put, path = "/api/v1/partners/{id}", tag = "partners", summary = "Rewrite a partner unit's profile (the supervisor or admin)",
    params(("id" = i64, Path)), request_body = PartnerInput, responses((status = 204, description = "Saved")), security(("bearer" = [])))]
pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<PartnerInput>,
) -> ApiResult<StatusCode> {
    use_cases::update(&state, &user, id, &(&input).into()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/partner-activities", tag = "partners", summary = "A community's co-building activities, the latest 50 (no sign-in)",
    params(ListQuery), responses((status = 200, body = Vec<ActivityView>)))]
pub async fn activities(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> ApiResult<Json<Vec<ActivityView>>> {
    let rows = use_cases::activities(&state, query.community_id).await?;
    Ok(Json(rows.into_iter().map(ActivityView::from).collect()))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActivityInput {
    community_id: Option<i64>,
    title: String,
    /// YYYY-MM-DD, today or earlier.
    held_on: String,
    place: Option<String>,
    summary: Option<String>,
    residents_served: Option<i64>,
    /// The partner units that took part: at least one.
    partner_ids: Vec<i64>,
}

#[utoipa::path(post, path = "/api/v1/partner-activities", tag = "partners", summary = "Record a co-building activity (the supervisor or admin)",
    request_body = ActivityInput, responses((status = 201, body = PartnerCreated)), security(("bearer" = [])))]
pub async fn record_activity(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<ActivityInput>,
) -> ApiResult<(StatusCode, Json<PartnerCreated>)> {
    let community =
        linli_app::registry::community_of_request(&state, &user, input.community_id).await?;
    let text = |value: Option<String>| value.unwrap_or_default();
    let request = ActivityRequest {
        title: input.title,
        held_on: input.held_on,
        place: text(input.place),
        summary: text(input.summary),
        residents_served: input.residents_served,
        units: input.partner_ids,
    };
    let id = use_cases::record_activity(&state, &user, community.id, &request).await?;
    Ok((StatusCode::CREATED, Json(PartnerCreated { id })))
}

#[utoipa::path(delete, path = "/api/v1/partner-activities/{id}", tag = "partners", summary = "Remove an activity recorded by mistake (the supervisor or admin)",
    params(("id" = i64, Path)), responses((status = 204, description = "Removed")), security(("bearer" = [])))]
pub async fn remove_activity(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<StatusCode> {
    use_cases::remove_activity(&state, &user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/projects/{id}/partners", tag = "partners", summary = "A project's partner units as co-parties (no sign-in)",
    params(("id" = i64, Path)), responses((status = 200, body = Vec<ProjectPartnerView>)))]
pub async fn of_project(
    State(state): State<AppState>,
    user: MaybeUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<ProjectPartnerView>>> {
    let rows = use_cases::of_project(&state, user.caller(), id).await?;
    Ok(Json(rows.into_iter().map(Into::into).collect()))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProjectPartnerInput {
    partner_id: i64,
    /// What the partner gives: one line, up to 100 characters.
    contribution: String,
}

#[utoipa::path(post, path = "/api/v1/projects/{id}/partners", tag = "partners", summary = "Make a partner unit a co-party of a project (the supervisor, admin or duty officer)",
    params(("id" = i64, Path)), request_body = ProjectPartnerInput, responses((status = 204, description = "Added")), security(("bearer" = [])))]
pub async fn add_to_project(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<ProjectPartnerInput>,
) -> ApiResult<StatusCode> {
    use_cases::add_to_project(&state, &user, id, input.partner_id, &input.contribution).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(delete, path = "/api/v1/projects/{id}/partners/{partner_id}", tag = "partners", summary = "Take a partner unit off a project (the supervisor, admin or duty officer)",
    params(("id" = i64, Path), ("partner_id" = i64, Path)), responses((status = 204, description = "Removed")), security(("bearer" = [])))]
pub async fn remove_from_project(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((id, partner)): ApiPath<(i64, i64)>,
) -> ApiResult<StatusCode> {
    use_cases::remove_from_project(&state, &user, id, partner).await?;
    Ok(StatusCode::NO_CONTENT)
}
