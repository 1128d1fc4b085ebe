//! Personal data governance over HTTP, for the administrator of a community: erasing an
//! account at its owner's request, the retention periods and the record of their runs,
//! and who saw reporters' unmasked details.

use crate::auth::CurrentUser;
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use chrono::{DateTime, NaiveDate, Utc};
use linli_app::privacy as use_cases;
use linli_store::privacy::{PersonalRead, RetentionRun};
use serde::{Deserialize, Serialize};

/// What erasing an account did.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErasureView {
    person_id: i64,
    erased_at: DateTime<Utc>,
    /// Photos of the person's finished reports, deleted now.
    photos_deleted: usize,
    /// Photos of their reports still open: deleted by the daily job once they close.
    photos_pending: i64,
}

#[utoipa::path(
    post,
    path = "/api/v1/people/{id}/erasure",
    tag = "people",
    summary = "Erase a resident's personal data at their request (administrator)",
    description = "Name becomes 已注销居民; phone, login, password, rooms, sessions, inbox, calendar feeds, volunteer profile and the personal fields of their visits, pledges and Open311 reports are removed; photos of their finished reports are deleted, those of open ones when they close. Work orders, the ledger, ballots and the hash chain keep their rows. Staff accounts are refused (409 `privacy.staff_account`); an account erased already answers 409 `person.already_erased`.",
    params(("id" = i64, Path, description = "Person id")),
    responses((status = 200, body = ErasureView), (status = 403), (status = 404), (status = 409)),
    security(("bearer" = []))
)]
pub async fn erase(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<ErasureView>> {
    let erased = use_cases::erase(&state, &user, id).await?;
    Ok(Json(ErasureView {
        person_id: erased.person_id,
        erased_at: erased.erased_at,
        photos_deleted: erased.photos_deleted,
        photos_pending: erased.photos_pending,
    }))
}

/// How long a community keeps personal data that has served its purpose.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RetentionView {
    /// Months photos of a work order are kept after it is closed or cancelled (1–120;
    /// default 24).
    photo_months: i64,
    /// Months a visit keeps its visitor's name, phone, room and account (1–120; default 24).
    visit_months: i64,
}

#[utoipa::path(
    get,
    path = "/api/v1/communities/{id}/retention",
    tag = "people",
    summary = "A community's retention periods (administrator)",
    params(("id" = i64, Path, description = "Community id")),
    responses((status = 200, body = RetentionView), (status = 403), (status = 404)),
    security(("bearer" = []))
)]
pub async fn retention(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<RetentionView>> {
    let policy = use_cases::policy(&state, &user, id).await?;
    Ok(Json(RetentionView {
        photo_months: policy.photo_months,
        visit_months: policy.visit_months,
    }))
}

#[utoipa::path(
    put,
    path = "/api/v1/communities/{id}/retention",
    tag = "people",
    summary = "Set a community's retention periods (administrator)",
    params(("id" = i64, Path, description = "Community id")),
    request_body = RetentionView,
    responses((status = 200, body = RetentionView), (status = 403), (status = 422)),
    security(("bearer" = []))
)]
pub async fn set_retention(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<RetentionView>,
) -> ApiResult<Json<RetentionView>> {
    let policy =
        use_cases::set_policy(&state, &user, id, input.photo_months, input.visit_months).await?;
    Ok(Json(RetentionView {
        photo_months: policy.photo_months,
        visit_months: policy.visit_months,
    }))
}

/// One daily application of the periods.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RetentionRunView {
    id: i64,
    ran_at: DateTime<Utc>,
    /// Photos of work orders closed before this were deleted.
    photo_cutoff_at: DateTime<Utc>,
    /// Visits before this lost their personal fields.
    visit_cutoff_at: DateTime<Utc>,
    photos_deleted: i64,
    visits_anonymised: i64,
}

impl From<RetentionRun> for RetentionRunView {
    fn from(run: RetentionRun) -> Self {
        Self {
            id: run.id,
            ran_at: run.ran_at,
            photo_cutoff_at: run.photo_cutoff_at,
            visit_cutoff_at: run.visit_cutoff_at,
            photos_deleted: run.photos_deleted,
            visits_anonymised: run.visits_anonymised,
        }
    }
}

#[utoipa::path(
    get,
    path = "/api/v1/communities/{id}/retention/runs",
    tag = "people",
    summary = "The record of a community's retention runs, newest first (administrator)",
    params(("id" = i64, Path, description = "Community id")),
    responses((status = 200, body = [RetentionRunView]), (status = 403), (status = 404)),
    security(("bearer" = []))
)]
pub async fn retention_runs(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<RetentionRunView>>> {
    let runs = use_cases::runs(&state, &user, id).await?;
    Ok(Json(runs.into_iter().map(RetentionRunView::from).collect()))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ReadsQuery {
    /// Only the reads of this resident's details.
    person_id: Option<i64>,
}

/// A day on which a staff member saw a reporter's name, phone and room unmasked.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PersonalReadView {
    reader_id: i64,
    reader_name: String,
    work_order_id: i64,
    work_order_number: i64,
    /// The reporter's account; none for a guest reported at the desk or by phone.
    person_id: Option<i64>,
    day: NaiveDate,
    /// The first time that day.
    first_read_at: DateTime<Utc>,
}

impl From<PersonalRead> for PersonalReadView {
    fn from(read: PersonalRead) -> Self {
        Self {
            reader_id: read.reader_id,
            reader_name: read.reader_name,
            work_order_id: read.work_order_id,
            work_order_number: read.work_order_number,
            person_id: read.subject_id,
            day: read.day,
            first_read_at: read.first_read_at,
        }
    }
}

#[utoipa::path(
    get,
    path = "/api/v1/communities/{id}/personal-data-reads",
    tag = "people",
    summary = "Who saw reporters' unmasked details, newest first (administrator)",
    params(("id" = i64, Path, description = "Community id"), ReadsQuery),
    responses((status = 200, body = [PersonalReadView]), (status = 403), (status = 404)),
    security(("bearer" = []))
)]
pub async fn reads(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(query): ApiQuery<ReadsQuery>,
) -> ApiResult<Json<Vec<PersonalReadView>>> {
    let reads = use_cases::reads(&state, &user, id, query.person_id).await?;
    Ok(Json(
        reads.into_iter().map(PersonalReadView::from).collect(),
    ))
}
