//! `/votes/{id}/result`: the published count as a notice (公告) to print and post on the
//! building's board — the question, the rule applied, who took part, each option's
//! figures and what was decided. No names and no rooms.

use super::{ResultView, matter_label, result_view, rule_text};
use crate::error::ApiError;
use crate::pages::context::{PageContext, PageResult, Viewer, local_time, render};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use linli_app::votes as use_cases;

#[derive(Template)]
#[template(path = "votes_result.html")]
struct ResultPage {
    page: PageContext,
    id: i64,
    title: String,
    matter: String,
    rule: String,
    place: String,
    opens: String,
    closes: String,
    organiser: String,
    result: ResultView,
}

/// The result of a closed vote; before closing there is none (`vote.not_closed`).
pub async fn result_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> PageResult {
    let signed_in = viewer.require()?;
    let detail = use_cases::read(&state, &signed_in.user, id)
        .await
        .map_err(ApiError::from)?;
    let Some(result) = detail.result.as_ref() else {
        return Err(ApiError::from(linli_app::AppError::Conflict("vote.not_closed")).into());
    };
    let vote = &detail.vote;
    Ok(render(&ResultPage {
        page: viewer.context(vote.title.clone(), "votes"),
        id,
        title: vote.title.clone(),
        matter: matter_label(vote.matter),
        rule: rule_text(vote.matter),
        place: match &vote.building_name {
            Some(building) => format!("{} {building}", vote.estate_name),
            None => vote.estate_name.clone(),
        },
        opens: local_time(vote.opens_at),
        closes: local_time(vote.closes_at),
        organiser: vote.created_by_name.clone(),
        result: result_view(result),
    }))
}
