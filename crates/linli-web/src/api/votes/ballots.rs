//! Ballots over HTTP: an owner's own (JSON), a paper one entered by the desk
//! (multipart, with its scan), and the scans themselves.

use super::answer;
use crate::auth::CurrentUser;
use crate::dto::votes::VoteView;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;
use linli_app::votes::ballots as use_cases;
use linli_app::work_orders::photos::MAX_PHOTO_BYTES;
use serde::{Deserialize, Serialize};

/// Largest request to the paper-ballot route: one scan and two numbers.
pub const MAX_PAPER_BYTES: usize = MAX_PHOTO_BYTES + 64 * 1024;

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BallotInput {
    /// One of the vote's options.
    pub(crate) option_id: i64,
    /// Which of the caller's rooms votes, when they own rooms of more than one voter.
    pub(crate) room_id: Option<i64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BallotDone {
    ballot_id: i64,
    vote: VoteView,
}

#[utoipa::path(post, path = "/api/v1/votes/{id}/ballots", tag = "votes",
    summary = "Vote, or change one's vote until closing (owners of record only; the last ballot counts)",
    params(("id" = i64, Path)), request_body = BallotInput, responses((status = 201, body = BallotDone)), security(("bearer" = [])))]
pub async fn cast(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<BallotInput>,
) -> ApiResult<(StatusCode, Json<BallotDone>)> {
    let ballot_id = use_cases::cast(
        &state,
        &user,
        id,
        &use_cases::CastRequest {
            option_id: input.option_id,
            room_id: input.room_id,
        },
    )
    .await?;
    let Json(vote) = answer(&state, &user, id).await?;
    Ok((StatusCode::CREATED, Json(BallotDone { ballot_id, vote })))
}

/// A whole number from a multipart text part.
fn number(text: &str, field: &'static str) -> ApiResult<i64> {
    text.trim()
        .parse()
        .map_err(|_| ApiError::from(linli_app::AppError::invalid("vote.not_a_number", field)))
}

#[utoipa::path(post, path = "/api/v1/votes/{id}/paper-ballots", tag = "votes",
    summary = "Enter an owner's paper ballot with its scan (multipart: `room_id`, `option_id`, `scan`; the desk)",
    request_body(content = String, content_type = "multipart/form-data"),
    params(("id" = i64, Path)), responses((status = 201, body = BallotDone)), security(("bearer" = [])))]
pub async fn enter_paper(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    mut multipart: Multipart,
) -> ApiResult<(StatusCode, Json<BallotDone>)> {
    let mut input = use_cases::PaperRequest::default();
    let (mut room, mut option) = (None, None);
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|error| ApiError::invalid_body(error.body_text()))?
    {
        let name = field.name().unwrap_or_default().to_owned();
        match name.as_str() {
            "scan" => {
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|error| ApiError::invalid_body(error.body_text()))?;
                if bytes.len() > MAX_PHOTO_BYTES {
                    return Err(ApiError::new(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        "photo.too_large",
                    ));
                }
                input.scan = bytes.to_vec();
            }
            "room_id" | "option_id" => {
                let text = field
                    .text()
                    .await
                    .map_err(|error| ApiError::invalid_body(error.body_text()))?;
                if name == "room_id" {
                    room = Some(number(&text, "room_id")?);
                } else {
                    option = Some(number(&text, "option_id")?);
                }
            }
            other => return Err(ApiError::invalid_body(format!("unknown part {other:?}"))),
        }
    }
    let required =
        |field| ApiError::from(linli_app::AppError::invalid("validation.required", field));
    input.room_id = room.ok_or_else(|| required("room_id"))?;
    input.option_id = option.ok_or_else(|| required("option_id"))?;
    let ballot_id = use_cases::enter_paper(&state, &user, id, input).await?;
    let Json(vote) = answer(&state, &user, id).await?;
    Ok((StatusCode::CREATED, Json(BallotDone { ballot_id, vote })))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ScanQuery {
    /// `thumbnail` for the small one.
    size: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/votes/{id}/ballots/{ballot_id}/scan", tag = "votes",
    summary = "The scan of a paper ballot (JPEG): for the 业委会 once closed, and whoever entered it",
    params(("id" = i64, Path), ("ballot_id" = i64, Path), ScanQuery),
    responses((status = 200, content_type = "image/jpeg", description = "The scan")), security(("bearer" = [])))]
pub async fn scan(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((id, ballot_id)): ApiPath<(i64, i64)>,
    ApiQuery(query): ApiQuery<ScanQuery>,
) -> ApiResult<Response> {
    scan_response(
        &state,
        &user,
        id,
        ballot_id,
        query.size.as_deref() == Some("thumbnail"),
    )
    .await
}

/// A scan as the answer to someone who may see it (API and pages alike).
pub(crate) async fn scan_response(
    state: &AppState,
    caller: &linli_app::Caller,
    id: i64,
    ballot_id: i64,
    thumbnail: bool,
) -> ApiResult<Response> {
    let bytes = use_cases::scan(state, caller, id, ballot_id, thumbnail).await?;
    // A ballot's scan says how someone voted: no copy kept anywhere.
    Ok(crate::photos::jpeg_response(bytes, "private, no-store"))
}
