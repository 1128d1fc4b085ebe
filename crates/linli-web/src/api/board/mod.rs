//! `/api/v1/board/{community_id}`: the public board (公开栏), for anyone; and a reporter's
//! taking their work order off it.

use crate::auth::CurrentUser;
use crate::error::ApiResult;
use crate::extract::ApiPath;
use crate::state::AppState;
use crate::statistics::Statistics;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::NaiveDate;
use linli_app::board;
use serde::Serialize;

/// A closed work order on the board: its text anonymised (no names, phones or rooms).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BoardClosed {
    number: i64,
    category: String,
    building: Option<String>,
    reported_on: NaiveDate,
    closed_on: NaiveDate,
    raised: String,
    done: String,
    rating: Option<i64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BoardProject {
    id: i64,
    title: String,
    owner_name: String,
    percent_done: i64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PublicBoard {
    community_id: i64,
    community_name: String,
    /// The last twelve months: totals, rates, by category and by month.
    figures: Statistics,
    projects: Vec<BoardProject>,
    /// The latest closed work orders their reporters left public.
    closed: Vec<BoardClosed>,
    /// The tamper-evident record's head as published each day, newest first (the last
    /// seven): keep a copy; `linli audit verify` names any published head the record no
    /// longer holds.
    anchors: Vec<BoardAnchor>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BoardAnchor {
    day: NaiveDate,
    /// Entries in the community's hash chain that day.
    length: i64,
    /// The SHA-256 hash of the last of them, hexadecimal.
    head: String,
}

impl From<board::Board> for PublicBoard {
    fn from(board: board::Board) -> Self {
        let figures: Statistics = board.figures.into();
        Self {
            community_id: board.community.id,
            community_name: board.community.name,
            figures,
            projects: board
                .projects
                .into_iter()
                .map(|project| BoardProject {
                    id: project.id,
                    title: project.title,
                    owner_name: project.owner_name,
                    percent_done: project.percent_done,
                })
                .collect(),
            closed: board
                .closed
                .into_iter()
                .map(|line| BoardClosed {
                    number: line.number,
                    category: line.category,
                    building: line.building,
                    reported_on: line.reported_on,
                    closed_on: line.closed_on,
                    raised: line.raised,
                    done: line.done,
                    rating: line.rating,
                })
                .collect(),
            anchors: board
                .anchors
                .into_iter()
                .map(|anchor| BoardAnchor {
                    day: anchor.day,
                    length: anchor.length,
                    head: anchor.head,
                })
                .collect(),
        }
    }
}

#[utoipa::path(get, path = "/api/v1/board/{community_id}", tag = "board",
    summary = "The public board (公开栏): the last twelve months' figures, projects under way, the latest closed work orders anonymised (no sign-in)",
    params(("community_id" = i64, Path)), responses((status = 200, body = PublicBoard)))]
pub async fn read(
    State(state): State<AppState>,
    ApiPath(community): ApiPath<i64>,
) -> ApiResult<Json<PublicBoard>> {
    Ok(Json(board::read(&state, community).await?.into()))
}

#[utoipa::path(post, path = "/api/v1/work-orders/{id}/hide-from-board", tag = "board",
    summary = "Take a work order off the public board and out of neighbours' sight (its reporter or the office)",
    params(("id" = i64, Path)), responses((status = 204, description = "Hidden")), security(("bearer" = [])))]
pub async fn hide(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<StatusCode> {
    board::hide(&state, &user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
