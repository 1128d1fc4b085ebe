//! `/votes/{id}`: one vote as the person looking at it may see it, with its forms — an
//! owner's one-tap ballot, the 业委会's open button and live turnout, the desk's paper
//! ballot with its scan.

use super::{ResultView, area, matter_label, percent, phase_label, result_view, rule_text};
use crate::error::ApiError;
use crate::locale::text;
use crate::pages::context::{
    FormErrors, PageContext, PageResult, Viewer, local_time, render, see_other,
};
use crate::pages::home::{field, number_field, read_multipart};
use crate::pages::meetings::{Fields, caller_of, get};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum_extra::extract::Form;
use linli_app::votes::ballots::{self, CastRequest, PaperRequest};
use linli_app::votes::{self as use_cases, VoteDetail};
use linli_domain::votes::Phase;
use serde::Deserialize;

pub struct OptionButton {
    pub id: i64,
    pub label: String,
    pub chosen: bool,
}

/// A voter the viewer is an owner of, with its one-tap ballot.
pub struct MyVoterView {
    pub voter_id: i64,
    pub rooms: String,
    /// A room of the voter: which one the ballot is for.
    pub room_id: i64,
    pub area: String,
    pub choice: String,
    pub cast_at: String,
    pub on_paper: bool,
    pub options: Vec<OptionButton>,
}

pub struct RollLine {
    pub rooms: String,
    pub area: String,
    pub owners: String,
    pub voted: bool,
    pub at: String,
}

pub struct PaperLine {
    pub ballot_id: i64,
    pub rooms: String,
    pub entered_by: String,
    pub at: String,
    pub replaced: bool,
}

pub struct TurnoutView {
    pub owners: i64,
    pub total_owners: i64,
    pub owners_share: String,
    pub owners_permille: i64,
    pub area: String,
    pub total_area: String,
    pub area_share: String,
    pub area_permille: i64,
    pub online: i64,
    pub paper: i64,
    pub enough: bool,
}

pub struct ReadinessView {
    pub room_count: usize,
    pub missing: Vec<String>,
    pub without_owner: Vec<String>,
    pub voters: String,
    pub area: String,
}

#[derive(Template)]
#[template(path = "votes_vote.html")]
pub struct VotePage {
    page: PageContext,
    /// Large text for this page only (`?large=1`, a link on a printed notice); the
    /// header's 长辈版 switch keeps the person's own setting.
    large: bool,
    id: i64,
    title: String,
    description: String,
    matter: String,
    rule: String,
    place: String,
    phase: &'static str,
    phase_label: String,
    opens: String,
    closes: String,
    created_by: String,
    notice: String,
    general: String,
    errors: FormErrors,
    refused: String,
    kept: Fields,
    mine: Vec<MyVoterView>,
    taking_ballots: bool,
    not_on_roll: bool,
    enters_paper: bool,
    readiness: Option<ReadinessView>,
    turnout: Option<TurnoutView>,
    roll: Vec<RollLine>,
    show_who: bool,
    paper_rooms: Vec<(i64, String)>,
    paper_options: Vec<(i64, String)>,
    papers: Vec<PaperLine>,
    result: Option<ResultView>,
    large_link: String,
}

impl VotePage {
    fn error(&self, form: &str, field: &str) -> String {
        if self.refused == form {
            self.errors.of(field)
        } else {
            String::new()
        }
    }

    fn kept_is(&self, form: &str, field: &str, value: &i64) -> bool {
        self.refused == form && get(&self.kept, field) == value.to_string()
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct VoteQuery {
    done: Option<String>,
    /// `1`: 长辈版 for this page, whatever the switch says (a link on a printed notice).
    large: Option<String>,
}

/// A refused form of the vote page.
pub struct Refused {
    pub form: String,
    pub errors: FormErrors,
    pub kept: Fields,
    pub status: StatusCode,
}

fn rooms_text(rooms: &[linli_app::votes::RoomRef]) -> String {
    rooms
        .iter()
        .map(|room| room.label.as_str())
        .collect::<Vec<_>>()
        .join("、")
}

fn turnout_view(turnout: &linli_app::votes::Turnout) -> TurnoutView {
    let permille = |part: i64, whole: i64| {
        if whole <= 0 {
            0
        } else {
            i64::try_from(i128::from(part) * 1000 / i128::from(whole)).unwrap_or(0)
        }
    };
    TurnoutView {
        owners: turnout.participating_owners,
        total_owners: turnout.total_owners,
        owners_share: percent(turnout.participating_owners, turnout.total_owners),
        owners_permille: permille(turnout.participating_owners, turnout.total_owners),
        area: area(turnout.participating_area_cm2),
        total_area: area(turnout.total_area_cm2),
        area_share: percent(turnout.participating_area_cm2, turnout.total_area_cm2),
        area_permille: permille(turnout.participating_area_cm2, turnout.total_area_cm2),
        online: turnout.online_ballots,
        paper: turnout.paper_ballots,
        // ⅔ of both, exactly (the same integer rule the count applies).
        enough: turnout.participating_owners * 3 >= turnout.total_owners * 2
            && turnout.participating_area_cm2 * 3 >= turnout.total_area_cm2 * 2
            && turnout.total_owners > 0,
    }
}

fn page_of(
    viewer: &Viewer,
    detail: VoteDetail,
    query: &VoteQuery,
    refused: Option<Refused>,
) -> VotePage {
    let vote = &detail.vote;
    let id = vote.id;
    let label_of = |option: i64| {
        detail
            .options
            .iter()
            .find(|known| known.id == option)
            .map(|known| known.label.clone())
            .unwrap_or_default()
    };
    let mine = detail
        .mine
        .iter()
        .map(|voter| MyVoterView {
            voter_id: voter.voter_id,
            rooms: rooms_text(&voter.rooms),
            room_id: voter
                .rooms
                .first()
                .map(|room| room.room_id)
                .unwrap_or_default(),
            area: area(voter.area_cm2),
            choice: voter.choice.map(label_of).unwrap_or_default(),
            cast_at: voter.cast_at.map(local_time).unwrap_or_default(),
            on_paper: voter.channel.as_deref() == Some("paper"),
            options: detail
                .options
                .iter()
                .map(|option| OptionButton {
                    id: option.id,
                    label: option.label.clone(),
                    chosen: voter.choice == Some(option.id),
                })
                .collect(),
        })
        .collect();
    let readiness = detail.readiness.as_ref().map(|readiness| ReadinessView {
        room_count: readiness.room_count,
        missing: readiness
            .missing_area
            .iter()
            .map(|room| room.label.clone())
            .collect(),
        without_owner: readiness
            .without_owner
            .iter()
            .map(|room| room.label.clone())
            .collect(),
        voters: readiness
            .voter_count
            .map(|count| count.to_string())
            .unwrap_or_default(),
        area: readiness.total_area_cm2.map(area).unwrap_or_default(),
    });
    let roll: Vec<RollLine> = detail
        .roll
        .iter()
        .flatten()
        .map(|entry| RollLine {
            rooms: rooms_text(&entry.rooms),
            area: area(entry.area_cm2),
            owners: entry
                .owners
                .as_ref()
                .map(|owners| owners.join("、"))
                .unwrap_or_default(),
            voted: entry.voted.unwrap_or(false),
            at: entry.last_cast_at.map(local_time).unwrap_or_default(),
        })
        .collect();
    let paper_rooms = detail
        .roll
        .iter()
        .flatten()
        .flat_map(|entry| entry.rooms.iter())
        .map(|room| (room.room_id, room.label.clone()))
        .collect();
    let papers = detail
        .paper_ballots
        .iter()
        .flatten()
        .map(|paper| PaperLine {
            ballot_id: paper.ballot_id,
            rooms: paper.rooms.join("、"),
            entered_by: paper.entered_by_name.clone(),
            at: local_time(paper.cast_at),
            replaced: paper.replaced,
        })
        .collect();
    let notice = match query.done.as_deref() {
        Some(done @ ("created" | "opened" | "voted" | "paper")) => {
            text(&format!("page.votes.done.{done}"), &[])
        }
        _ => String::new(),
    };
    let (errors, refused_form, kept) = match refused {
        Some(refused) => (refused.errors, refused.form, refused.kept),
        None => (FormErrors::default(), String::new(), Vec::new()),
    };
    // A refusal of a form without fields of its own (open, one tap) is told above them
    // all; the paper form shows its messages beside its fields.
    let general = match &errors.general {
        Some(general) => general.clone(),
        None if refused_form != "paper" => errors
            .by_field
            .iter()
            .map(|(_, message)| message.as_str())
            .collect::<Vec<_>>()
            .join(" "),
        None => String::new(),
    };
    let on_roll = matches!(detail.phase, Phase::Scheduled | Phase::Open);
    VotePage {
        page: viewer.context(vote.title.clone(), "votes"),
        large: query.large.as_deref() == Some("1"),
        id,
        title: vote.title.clone(),
        description: vote.description.clone(),
        matter: matter_label(vote.matter),
        rule: rule_text(vote.matter),
        place: match &vote.building_name {
            Some(building) => format!("{} {building}", vote.estate_name),
            None => vote.estate_name.clone(),
        },
        phase: detail.phase.as_str(),
        phase_label: phase_label(detail.phase),
        opens: local_time(vote.opens_at),
        closes: local_time(vote.closes_at),
        created_by: vote.created_by_name.clone(),
        notice,
        general,
        errors,
        refused: refused_form,
        kept,
        taking_ballots: detail.phase == Phase::Open,
        not_on_roll: on_roll && detail.mine.is_empty() && !detail.runs && !detail.enters_paper,
        mine,
        enters_paper: detail.enters_paper,
        readiness,
        turnout: detail.turnout.as_ref().map(turnout_view),
        show_who: detail.runs,
        roll,
        paper_rooms,
        paper_options: detail
            .options
            .iter()
            .map(|option| (option.id, option.label.clone()))
            .collect(),
        papers,
        result: detail.result.as_ref().map(result_view),
        large_link: format!("/votes/{id}?large=1"),
    }
}

pub async fn render_vote(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    query: &VoteQuery,
    refused: Option<Refused>,
) -> PageResult {
    let signed_in = viewer.require()?;
    let detail = use_cases::read(state, &signed_in.user, id)
        .await
        .map_err(ApiError::from)?;
    let status = refused
        .as_ref()
        .map_or(StatusCode::OK, |refused| refused.status);
    let page = page_of(viewer, detail, query, refused);
    Ok((status, render(&page)).into_response())
}

/// A vote's page.
pub async fn vote_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Query(query): Query<VoteQuery>,
) -> PageResult {
    render_vote(&state, &viewer, id, &query, None).await
}

/// The fields of the vote page's forms as the use cases name them.
const LABELS: &[(&str, &str, &str)] = &[
    ("option_id", "option_id", "votes.paper.option"),
    ("room_id", "room_id", "votes.paper.room"),
    ("scan", "scan", "votes.paper.scan"),
];

/// After a form: back to the page with what happened, or the page again with the
/// refusal beside the form (a refusal not about a field above it).
async fn answer(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    (form, done): (&str, &str),
    fields: Fields,
    large: bool,
    result: Result<(), ApiError>,
) -> PageResult {
    let large = if large { "&large=1" } else { "" };
    match result {
        Ok(()) => see_other(&format!("/votes/{id}?done={done}{large}#{form}")),
        Err(error) if error.status.is_client_error() && error.status != StatusCode::NOT_FOUND => {
            let refused = Refused {
                form: form.to_owned(),
                errors: FormErrors::from_api_labelled(&error, LABELS),
                kept: fields,
                status: error.status,
            };
            let query = VoteQuery {
                done: None,
                large: (!large.is_empty()).then(|| "1".to_owned()),
            };
            render_vote(state, viewer, id, &query, Some(refused)).await
        }
        Err(error) => Err(error.into()),
    }
}

/// A form of the vote page: `open` (the 业委会), `ballot` (an owner's one tap).
pub async fn vote_action(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, action)): Path<(i64, String)>,
    Form(fields): Form<Fields>,
) -> PageResult {
    let caller = caller_of(&viewer, &fields)?;
    let large = get(&fields, "large") == "1";
    let number = |name: &str| get(&fields, name).trim().parse::<i64>().ok();
    let (form, done, result) = match action.as_str() {
        "open" => (
            "open",
            "opened",
            linli_app::votes::setup::open(&state, caller, id)
                .await
                .map_err(ApiError::from),
        ),
        "ballot" => {
            let request = CastRequest {
                option_id: number("option_id").unwrap_or_default(),
                room_id: number("room_id"),
            };
            let voter = get(&fields, "voter").to_owned();
            let cast = ballots::cast(&state, caller, id, &request)
                .await
                .map(|_| ())
                .map_err(ApiError::from);
            let form = if voter.is_empty() {
                "ballot".to_owned()
            } else {
                format!("ballot-{voter}")
            };
            return answer(&state, &viewer, id, (&form, "voted"), fields, large, cast).await;
        }
        _ => return Err(ApiError::not_found("request.not_found").into()),
    };
    answer(&state, &viewer, id, (form, done), fields, large, result).await
}

/// The desk enters a paper ballot with its scan (multipart).
pub async fn vote_paper(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    multipart: Multipart,
) -> PageResult {
    let signed_in = viewer.require()?;
    // The scan comes as the form's `photos` file, like a report's photos.
    let (fields, mut scans) = read_multipart(multipart).await?;
    viewer.check_csrf(field(&fields, "csrf"))?;
    let request = PaperRequest {
        room_id: number_field(&fields, "room_id").unwrap_or_default(),
        option_id: number_field(&fields, "option_id").unwrap_or_default(),
        scan: scans.pop().unwrap_or_default(),
    };
    let result = ballots::enter_paper(&state, &signed_in.user, id, request)
        .await
        .map(|_| ())
        .map_err(ApiError::from);
    answer(
        &state,
        &viewer,
        id,
        ("paper", "paper"),
        fields,
        false,
        result,
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
pub struct ScanQuery {
    size: Option<String>,
}

/// A paper ballot's scan, for whoever may see it (the page's session).
pub async fn vote_scan(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, ballot_id)): Path<(i64, i64)>,
    Query(query): Query<ScanQuery>,
) -> PageResult {
    let signed_in = viewer.require()?;
    Ok(crate::api::votes::ballots::scan_response(
        &state,
        &signed_in.user,
        id,
        ballot_id,
        query.size.as_deref() == Some("thumbnail"),
    )
    .await?)
}
