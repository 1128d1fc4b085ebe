//! Claiming a room on the pages (`/join`: pickers that work without JavaScript, one
//! choice per step, large-font friendly), and the committee's queue (`/claims`) with
//! one-tap confirm and refuse with a reason.

use crate::locale::text;
use crate::pages::context::{
    FormErrors, PageContext, PageResult, Viewer, local_time, render, see_other,
};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::IntoResponse;
use axum_extra::extract::Form;
use linli_app::accounts::claims::{self as use_cases, ClaimInput, PlaceChoice};
use linli_store::accounts::ClaimRow;
use serde::Deserialize;

/// A claim as the pages show it.
pub struct ClaimLine {
    pub id: i64,
    pub room: String,
    pub relation: String,
    pub status: String,
    pub status_label: String,
    pub reason: String,
    pub name: String,
    pub phone: String,
    pub created: String,
}

fn relation_label(relation: &str) -> String {
    text(&format!("page.accounts.relations.{relation}"), &[])
}

impl From<ClaimRow> for ClaimLine {
    fn from(row: ClaimRow) -> Self {
        Self {
            id: row.id,
            room: linli_app::work_orders::room_label(
                &row.building_name,
                &row.unit_number,
                &row.room_number,
            ),
            relation: relation_label(row.relation.0.as_str()),
            status: row.status.as_str().to_owned(),
            status_label: text(
                &format!("page.accounts.status_{}", row.status.as_str()),
                &[],
            ),
            reason: row.reason.unwrap_or_default(),
            name: row.display_name,
            phone: row.phone.unwrap_or_default(),
            created: local_time(row.created_at),
        }
    }
}

#[derive(Template)]
#[template(path = "accounts_join.html")]
struct JoinPage {
    page: PageContext,
    notice: String,
    claims: Vec<ClaimLine>,
    errors: FormErrors,
    /// What the options are: `community`, `estate`, `building`, `unit` or `room`.
    level: &'static str,
    options: Vec<(i64, String)>,
    /// The choices so far, carried by the next step's form.
    chosen: Vec<(&'static str, i64)>,
    picker_name: &'static str,
    picker_label: String,
    place_label: String,
    community_id: i64,
    display_name: String,
    relations: Vec<(&'static str, String)>,
}

#[derive(Debug, Default, Deserialize)]
pub struct JoinQuery {
    community_id: Option<String>,
    estate_id: Option<String>,
    building_id: Option<String>,
    unit_id: Option<String>,
    sent: Option<String>,
}

fn number(raw: &Option<String>) -> Option<i64> {
    raw.as_deref().and_then(|value| value.trim().parse().ok())
}

/// The pickers from what was chosen: a level with a single option is chosen at once
/// (one community, one estate), so nobody is asked what has one answer.
async fn pickers(
    state: &AppState,
    mut choice: PlaceChoice,
) -> Result<(PlaceChoice, use_cases::Places), crate::pages::context::PageError> {
    loop {
        let places = use_cases::places(state, choice).await?;
        let only = (places.options.len() == 1).then(|| places.options[0].0);
        match (places.level, only) {
            ("community", Some(id)) => choice.community_id = Some(id),
            ("estate", Some(id)) => choice.estate_id = Some(id),
            _ => return Ok((choice, places)),
        }
    }
}

async fn join_page(
    state: &AppState,
    viewer: &Viewer,
    choice: PlaceChoice,
    notice: String,
    errors: FormErrors,
    display_name: Option<String>,
) -> Result<JoinPage, crate::pages::context::PageError> {
    let signed_in = viewer.require()?;
    let claims = use_cases::mine(state, &signed_in.user).await?;
    let (choice, places) = pickers(state, choice).await?;
    let chosen: Vec<(&'static str, i64)> = [
        ("community_id", choice.community_id),
        ("estate_id", choice.estate_id),
        ("building_id", choice.building_id),
        ("unit_id", choice.unit_id),
    ]
    .into_iter()
    .filter_map(|(name, value)| value.map(|value| (name, value)))
    .collect();
    let picker_name = match places.level {
        "community" => "community_id",
        "estate" => "estate_id",
        "building" => "building_id",
        _ => "unit_id",
    };
    let mut place_label = String::new();
    if places.level == "room"
        && let (Some(building), Some(unit)) = (choice.building_id, choice.unit_id)
    {
        let building = state
            .store
            .building(linli_domain::ids::BuildingId(building))
            .await?;
        let unit = state.store.unit(linli_domain::ids::UnitId(unit)).await?;
        place_label = format!("{} {}单元", building.name, unit.number);
    }
    let own_name = signed_in.person.display_name.clone();
    Ok(JoinPage {
        page: viewer.context(text("page.accounts.join_title", &[]), "join"),
        notice,
        claims: claims.into_iter().map(ClaimLine::from).collect(),
        errors,
        level: places.level,
        options: places.options,
        chosen,
        picker_name,
        picker_label: text(&format!("page.accounts.{}", places.level), &[]),
        place_label,
        community_id: choice.community_id.unwrap_or_default(),
        // A new account's name is its masked number until the person gives theirs.
        display_name: display_name.unwrap_or_else(|| {
            if own_name.contains("****") {
                String::new()
            } else {
                own_name
            }
        }),
        relations: ["owner", "family", "tenant"]
            .into_iter()
            .map(|relation| (relation, relation_label(relation)))
            .collect(),
    })
}

pub async fn join(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<JoinQuery>,
) -> PageResult {
    let choice = PlaceChoice {
        community_id: number(&query.community_id),
        estate_id: number(&query.estate_id),
        building_id: number(&query.building_id),
        unit_id: number(&query.unit_id),
    };
    let notice = if query.sent.is_some() {
        text("page.accounts.claim_sent", &[])
    } else {
        String::new()
    };
    let page = match join_page(
        &state,
        &viewer,
        choice,
        notice.clone(),
        FormErrors::default(),
        None,
    )
    .await
    {
        Ok(page) => page,
        // A stale or made-up choice starts the pickers again.
        Err(crate::pages::context::PageError::Refused(error))
            if error.status == axum::http::StatusCode::UNPROCESSABLE_ENTITY =>
        {
            join_page(
                &state,
                &viewer,
                PlaceChoice::default(),
                notice,
                FormErrors::from_api(&error),
                None,
            )
            .await?
        }
        Err(other) => return Err(other),
    };
    Ok(render(&page))
}

#[derive(Debug, Deserialize)]
pub struct ClaimForm {
    csrf: String,
    #[serde(default)]
    community_id: String,
    #[serde(default)]
    room_id: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    relation: String,
}

pub async fn claim(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<ClaimForm>,
) -> PageResult {
    viewer.check_csrf(&form.csrf)?;
    let signed_in = viewer.require()?;
    let room_id = form.room_id.trim().parse().ok();
    let community_id = form.community_id.trim().parse().ok();
    match use_cases::claim_room(
        &state,
        &signed_in.user,
        ClaimInput {
            display_name: Some(form.display_name.clone()),
            room_id,
            relation: form.relation,
            community_id,
        },
    )
    .await
    {
        Ok(_) => see_other("/join?sent=1"),
        Err(error) => {
            let error = crate::ApiError::from(error);
            // Back to the same step: the room's unit is where the room was chosen.
            let room = match room_id {
                Some(id) => state.store.room(linli_domain::ids::RoomId(id)).await.ok(),
                None => None,
            };
            let choice = match room {
                Some(room) => {
                    let building = state
                        .store
                        .building(linli_domain::ids::BuildingId(room.building_id))
                        .await?;
                    PlaceChoice {
                        community_id: Some(room.community_id),
                        estate_id: Some(building.estate_id),
                        building_id: Some(room.building_id),
                        unit_id: Some(room.unit_id),
                    }
                }
                None => PlaceChoice {
                    community_id,
                    ..PlaceChoice::default()
                },
            };
            let page = join_page(
                &state,
                &viewer,
                choice,
                String::new(),
                FormErrors::from_api(&error),
                Some(form.display_name),
            )
            .await?;
            Ok((error.status, render(&page)).into_response())
        }
    }
}

#[derive(Template)]
#[template(path = "accounts_claims.html")]
struct ClaimsPage {
    page: PageContext,
    /// The community whose roll the viewer keeps, linked from the queue.
    roll_community: Option<i64>,
    claims: Vec<ClaimLine>,
    errors: FormErrors,
}

async fn claims_page(
    state: &AppState,
    viewer: &Viewer,
    errors: FormErrors,
) -> Result<ClaimsPage, crate::pages::context::PageError> {
    let signed_in = viewer.require()?;
    let community = signed_in.community.as_ref().map(|community| community.id);
    let claims = use_cases::queue(state, &signed_in.user, community, None).await?;
    let roll_community = match community {
        Some(id) => linli_app::accounts::roll::keeps_roll(
            state,
            &signed_in.user,
            linli_domain::ids::CommunityId(id),
        )
        .await?
        .then_some(id),
        None => None,
    };
    Ok(ClaimsPage {
        page: viewer.context(text("page.accounts.claims_title", &[]), "claims"),
        roll_community,
        claims: claims.into_iter().map(ClaimLine::from).collect(),
        errors,
    })
}

pub async fn queue(State(state): State<AppState>, viewer: Viewer) -> PageResult {
    Ok(render(
        &claims_page(&state, &viewer, FormErrors::default()).await?,
    ))
}

#[derive(Debug, Deserialize)]
pub struct DecisionForm {
    csrf: String,
    #[serde(default)]
    reason: String,
}

pub async fn decide(
    State(state): State<AppState>,
    viewer: Viewer,
    axum::extract::Path((id, action)): axum::extract::Path<(i64, String)>,
    Form(form): Form<DecisionForm>,
) -> PageResult {
    viewer.check_csrf(&form.csrf)?;
    let signed_in = viewer.require()?;
    let reason = Some(form.reason.as_str()).filter(|reason| !reason.trim().is_empty());
    match use_cases::decide(&state, &signed_in.user, id, &action, reason).await {
        Ok(_) => see_other("/claims"),
        Err(error) => {
            let error = crate::ApiError::from(error);
            let mut errors = FormErrors::from_api(&error);
            if let Some((_, message)) = errors.by_field.first() {
                errors.general = Some(message.clone());
            }
            let page = claims_page(&state, &viewer, errors).await?;
            Ok((error.status, render(&page)).into_response())
        }
    }
}
