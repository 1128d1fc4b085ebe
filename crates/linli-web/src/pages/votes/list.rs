//! `/votes`: a community's votes for its residents and office, and for those who run them
//! (the 业委会, the supervisor) the form that sets a new one up as a draft.

use super::{matter_label, phase_label};
use crate::error::ApiError;
use crate::locale::text;
use crate::pages::context::{
    FormErrors, PageContext, PageResult, Viewer, local_input_value, local_time, parse_local_input,
    render, see_other,
};
use crate::pages::meetings::{Fields, all, caller_of, get};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum_extra::extract::Form;
use chrono::Duration;
use linli_app::votes::setup::{self, VoteRequest};
use linli_domain::ids::{BuildingId, CommunityId};
use linli_domain::votes::MatterType;
use linli_store::registry::Community;

pub struct VoteLine {
    pub id: i64,
    pub title: String,
    pub matter: String,
    pub place: String,
    pub phase: &'static str,
    pub phase_label: String,
    pub period: String,
}

pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "votes_list.html")]
struct ListPage {
    page: PageContext,
    votes: Vec<VoteLine>,
    runs: bool,
    matters: Vec<Choice>,
    estates: Vec<Choice>,
    buildings: Vec<Choice>,
    errors: FormErrors,
    kept: Fields,
    default_options: String,
    default_opens: String,
    default_closes: String,
}

impl ListPage {
    fn kept(&self, field: &str, default: &str) -> String {
        if self.kept.is_empty() {
            default.to_owned()
        } else {
            get(&self.kept, field).to_owned()
        }
    }
}

/// The set-up form's fields as the use case names them: (use case, form, label).
const LABELS: &[(&str, &str, &str)] = &[
    ("title", "title", "votes.form.title"),
    ("description", "description", "votes.form.description"),
    ("matter", "matter", "votes.form.matter"),
    ("options", "options", "votes.form.options"),
    ("opens_at", "opens_at", "votes.form.opens_at"),
    ("closes_at", "closes_at", "votes.form.closes_at"),
    ("estate_id", "estate_id", "votes.form.estate"),
    ("building_id", "building_id", "votes.form.building"),
];

fn community_of(viewer: &Viewer) -> Result<&Community, ApiError> {
    viewer
        .require()
        .ok()
        .and_then(|signed_in| signed_in.community.as_ref())
        .ok_or_else(ApiError::forbidden)
}

async fn render_list(
    state: &AppState,
    viewer: &Viewer,
    errors: FormErrors,
    kept: Fields,
    status: StatusCode,
) -> PageResult {
    let signed_in = viewer.require()?;
    let community = community_of(viewer)?;
    let votes = linli_app::votes::list(state, &signed_in.user, community.id)
        .await
        .map_err(ApiError::from)?;
    let runs = linli_app::votes::runs(state, &signed_in.user, CommunityId(community.id))
        .await
        .map_err(ApiError::from)?;
    let lines = votes
        .iter()
        .map(|(vote, phase)| VoteLine {
            id: vote.id,
            title: vote.title.clone(),
            matter: matter_label(vote.matter),
            place: match &vote.building_name {
                Some(building) => format!("{} {building}", vote.estate_name),
                None => vote.estate_name.clone(),
            },
            phase: phase.as_str(),
            phase_label: phase_label(*phase),
            period: format!(
                "{} – {}",
                local_time(vote.opens_at),
                local_time(vote.closes_at)
            ),
        })
        .collect();
    let (mut matters, mut estates, mut buildings) = (Vec::new(), Vec::new(), Vec::new());
    if runs {
        let chosen = |field: &str, value: &str| get(&kept, field) == value;
        matters = MatterType::ALL
            .into_iter()
            .map(|matter| Choice {
                value: matter.as_str().to_owned(),
                label: matter_label(matter),
                selected: chosen("matter", matter.as_str()),
            })
            .collect();
        let community_id = CommunityId(community.id);
        estates = state
            .store
            .estates(community_id)
            .await?
            .into_iter()
            .map(|estate| Choice {
                selected: chosen("estate_id", &estate.id.to_string()),
                value: estate.id.to_string(),
                label: estate.name,
            })
            .collect();
        buildings = state
            .store
            .buildings(community_id)
            .await?
            .into_iter()
            .map(|building| Choice {
                selected: chosen("building_id", &building.id.to_string()),
                value: building.id.to_string(),
                label: building.name,
            })
            .collect();
    }
    let now = state.clock.now();
    let page = ListPage {
        page: viewer.context(text("page.votes.title", &[]), "votes"),
        votes: lines,
        runs,
        matters,
        estates,
        buildings,
        errors,
        kept,
        default_options: text("page.votes.form.default_options", &[]),
        default_opens: local_input_value(now + Duration::days(1)),
        default_closes: local_input_value(now + Duration::days(15)),
    };
    Ok((status, render(&page)).into_response())
}

/// The community's votes, and the set-up form for those who run them.
pub async fn votes_page(State(state): State<AppState>, viewer: Viewer) -> PageResult {
    render_list(
        &state,
        &viewer,
        FormErrors::default(),
        Vec::new(),
        StatusCode::OK,
    )
    .await
}

fn time_field(
    fields: &Fields,
    name: &'static str,
) -> Result<Option<chrono::DateTime<chrono::Utc>>, ApiError> {
    let raw = get(fields, name).trim();
    if raw.is_empty() {
        return Ok(None);
    }
    parse_local_input(raw)
        .map(Some)
        .ok_or_else(|| linli_domain::ValidationError::new("page.error.date_invalid", name).into())
}

/// Sets a vote up as a draft, then shows it (its readiness and the open button).
pub async fn create_vote(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(fields): Form<Fields>,
) -> PageResult {
    let caller = caller_of(&viewer, &fields)?;
    let community = community_of(&viewer)?;
    let number = |name: &str| get(&fields, name).trim().parse::<i64>().ok();
    let result: Result<i64, ApiError> = async {
        let building_id = number("building_id");
        // The estate follows from the building when one is chosen.
        let estate_id = match (number("estate_id"), building_id) {
            (Some(estate), _) => Some(estate),
            (None, Some(building)) => match state.store.building(BuildingId(building)).await {
                Ok(found) => Some(found.estate_id),
                Err(_) => None,
            },
            (None, None) => None,
        };
        let request = VoteRequest {
            community_id: community.id,
            estate_id,
            building_id,
            title: get(&fields, "title").to_owned(),
            description: get(&fields, "description").to_owned(),
            matter: get(&fields, "matter").to_owned(),
            options: get(&fields, "options")
                .lines()
                .map(str::to_owned)
                .chain(all(&fields, "option").into_iter().map(str::to_owned))
                .collect(),
            opens_at: time_field(&fields, "opens_at")?,
            closes_at: time_field(&fields, "closes_at")?,
        };
        setup::create(&state, caller, &request)
            .await
            .map_err(ApiError::from)
    }
    .await;
    match result {
        Ok(id) => see_other(&format!("/votes/{id}?done=created")),
        Err(error)
            if error.status.is_client_error()
                && error.status != StatusCode::FORBIDDEN
                && error.status != StatusCode::NOT_FOUND =>
        {
            let errors = FormErrors::from_api_labelled(&error, LABELS);
            render_list(&state, &viewer, errors, fields, error.status).await
        }
        Err(error) => Err(error.into()),
    }
}
