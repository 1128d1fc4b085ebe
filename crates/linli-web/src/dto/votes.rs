//! Owners' votes as the API answers them. What a caller sees follows the use case:
//! residents the question, their own ballot and the published count; those who run the
//! vote also who has voted (never how); the desk the roll's rooms.

use chrono::{DateTime, Utc};
use linli_app::votes::{
    MyVoter, PaperBallot, Readiness, RollEntry, RoomRef, Turnout, VoteDetail, VoteResult,
};
use linli_domain::votes::{Decision, MatterType, Phase};
use linli_store::votes::{OptionRow, VoteRow};
use serde::Serialize;

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = VoteOption)]
pub struct OptionView {
    id: i64,
    /// From 0, in the order shown.
    position: i64,
    label: String,
}

impl From<OptionRow> for OptionView {
    fn from(row: OptionRow) -> Self {
        Self {
            id: row.id,
            position: row.position,
            label: row.label,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = VoteSummary)]
pub struct VoteSummary {
    id: i64,
    community_id: i64,
    estate_name: String,
    /// A matter of one building: only its owners vote.
    building_name: Option<String>,
    title: String,
    matter: MatterType,
    phase: Phase,
    opens_at: DateTime<Utc>,
    closes_at: DateTime<Utc>,
}

impl From<(VoteRow, Phase)> for VoteSummary {
    fn from((row, phase): (VoteRow, Phase)) -> Self {
        Self {
            id: row.id,
            community_id: row.community_id,
            estate_name: row.estate_name,
            building_name: row.building_name,
            title: row.title,
            matter: row.matter,
            phase,
            opens_at: row.opens_at,
            closes_at: row.closes_at,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = VoteRoom)]
pub struct RoomView {
    room_id: i64,
    /// `7号楼1单元302`.
    label: String,
    /// Floor area in square centimetres (1 m² = 10,000 cm²).
    area_cm2: i64,
}

impl From<RoomRef> for RoomView {
    fn from(room: RoomRef) -> Self {
        Self {
            room_id: room.room_id,
            label: room.label,
            area_cm2: room.area_cm2,
        }
    }
}

fn rooms(list: Vec<RoomRef>) -> Vec<RoomView> {
    list.into_iter().map(RoomView::from).collect()
}

/// A voter the caller is an owner of, with the ballot its owners share.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MyVoterView {
    voter_id: i64,
    rooms: Vec<RoomView>,
    area_cm2: i64,
    /// The option of the last ballot (the one that counts), if any.
    choice_option_id: Option<i64>,
    cast_at: Option<DateTime<Utc>>,
    /// `online` or `paper`.
    channel: Option<String>,
    /// How many ballots were cast for it (each change adds one; the last counts).
    ballots: usize,
}

impl From<MyVoter> for MyVoterView {
    fn from(voter: MyVoter) -> Self {
        Self {
            voter_id: voter.voter_id,
            rooms: rooms(voter.rooms),
            area_cm2: voter.area_cm2,
            choice_option_id: voter.choice,
            cast_at: voter.cast_at,
            channel: voter.channel,
            ballots: voter.ballots,
        }
    }
}

/// Who has voted so far, in numbers: for those who run the vote.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TurnoutView {
    total_owners: i64,
    total_area_cm2: i64,
    participating_owners: i64,
    participating_area_cm2: i64,
    online_ballots: i64,
    paper_ballots: i64,
}

impl From<Turnout> for TurnoutView {
    fn from(turnout: Turnout) -> Self {
        Self {
            total_owners: turnout.total_owners,
            total_area_cm2: turnout.total_area_cm2,
            participating_owners: turnout.participating_owners,
            participating_area_cm2: turnout.participating_area_cm2,
            online_ballots: turnout.online_ballots,
            paper_ballots: turnout.paper_ballots,
        }
    }
}

/// One voter on the roll: the rooms; for those who run the vote also the owners and
/// whether they have voted (never how).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RollEntryView {
    voter_id: i64,
    rooms: Vec<RoomView>,
    area_cm2: i64,
    owners: Option<Vec<String>>,
    voted: Option<bool>,
    last_cast_at: Option<DateTime<Utc>>,
}

impl From<RollEntry> for RollEntryView {
    fn from(entry: RollEntry) -> Self {
        Self {
            voter_id: entry.voter_id,
            rooms: rooms(entry.rooms),
            area_cm2: entry.area_cm2,
            owners: entry.owners,
            voted: entry.voted,
            last_cast_at: entry.last_cast_at,
        }
    }
}

/// Whether a draft could open now: rooms without an area block it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReadinessView {
    room_count: usize,
    missing_area: Vec<RoomView>,
    /// They count, but no one can vote for them until the registry names an owner.
    without_owner: Vec<RoomView>,
    voter_count: Option<usize>,
    total_area_cm2: Option<i64>,
}

impl From<Readiness> for ReadinessView {
    fn from(readiness: Readiness) -> Self {
        Self {
            room_count: readiness.room_count,
            missing_area: rooms(readiness.missing_area),
            without_owner: rooms(readiness.without_owner),
            voter_count: readiness.voter_count,
            total_area_cm2: readiness.total_area_cm2,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OptionResultView {
    option_id: i64,
    label: String,
    approving_owners: i64,
    approving_area_cm2: i64,
    /// Whether this option reached the share its matter needs.
    carried: bool,
}

/// The published count of a closed vote (民法典 278).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ResultView {
    /// `not_quorate` (fewer than ⅔ of the area or owners took part), `carried` or
    /// `none_carried`.
    decision: String,
    carried_option_id: Option<i64>,
    quorate: bool,
    total_owners: i64,
    total_area_cm2: i64,
    participating_owners: i64,
    participating_area_cm2: i64,
    options: Vec<OptionResultView>,
}

impl From<VoteResult> for ResultView {
    fn from(result: VoteResult) -> Self {
        let (decision, carried) = match result.decision {
            Decision::NotQuorate => ("not_quorate", None),
            Decision::NoneCarried => ("none_carried", None),
            Decision::Carried(index) => (
                "carried",
                result.options.get(index).map(|option| option.option.id),
            ),
        };
        Self {
            decision: decision.to_owned(),
            carried_option_id: carried,
            quorate: result.quorate,
            total_owners: result.total_owners,
            total_area_cm2: result.total_area_cm2,
            participating_owners: result.participating_owners,
            participating_area_cm2: result.participating_area_cm2,
            options: result
                .options
                .into_iter()
                .map(|option| OptionResultView {
                    option_id: option.option.id,
                    label: option.option.label,
                    approving_owners: option.figures.approving_owners,
                    approving_area_cm2: option.figures.approving_area_cm2,
                    carried: option.carried,
                })
                .collect(),
        }
    }
}

/// A paper ballot as the office sees it: who entered it and its scan (not its choice,
/// though the scan shows it).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PaperBallotView {
    ballot_id: i64,
    rooms: Vec<String>,
    entered_by_name: String,
    cast_at: DateTime<Utc>,
    /// A later ballot of the same voter replaced it.
    replaced: bool,
    scan_url: String,
    scan_thumbnail_url: String,
}

fn paper(vote: i64, ballot: PaperBallot) -> PaperBallotView {
    let scan_url = format!("/api/v1/votes/{vote}/ballots/{}/scan", ballot.ballot_id);
    PaperBallotView {
        ballot_id: ballot.ballot_id,
        rooms: ballot.rooms,
        entered_by_name: ballot.entered_by_name,
        cast_at: ballot.cast_at,
        replaced: ballot.replaced,
        scan_thumbnail_url: format!("{scan_url}?size=thumbnail"),
        scan_url,
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = Vote)]
pub struct VoteView {
    id: i64,
    community_id: i64,
    estate_id: i64,
    estate_name: String,
    building_id: Option<i64>,
    building_name: Option<String>,
    title: String,
    description: String,
    matter: MatterType,
    /// Whether it needs ¾ of the participants (筹集维修资金, 改建重建, 共有部分用途).
    needs_three_quarters: bool,
    phase: Phase,
    opens_at: DateTime<Utc>,
    closes_at: DateTime<Utc>,
    created_by_name: String,
    options: Vec<OptionView>,
    /// The caller runs the community's votes (业委会, supervisor).
    runs: bool,
    /// The caller may enter paper ballots (the desk).
    enters_paper: bool,
    /// The voters the caller is an owner of (empty for tenants and family members).
    mine: Vec<MyVoterView>,
    turnout: Option<TurnoutView>,
    roll: Option<Vec<RollEntryView>>,
    readiness: Option<ReadinessView>,
    result: Option<ResultView>,
    paper_ballots: Option<Vec<PaperBallotView>>,
    /// Whether the kept totals agree with the roll (false is a fault to report).
    consistent: bool,
}

impl From<VoteDetail> for VoteView {
    fn from(detail: VoteDetail) -> Self {
        let vote = detail.vote;
        let id = vote.id;
        Self {
            id,
            community_id: vote.community_id,
            estate_id: vote.estate_id,
            estate_name: vote.estate_name,
            building_id: vote.building_id,
            building_name: vote.building_name,
            title: vote.title,
            description: vote.description,
            needs_three_quarters: vote.matter.needs_three_quarters(),
            matter: vote.matter,
            phase: detail.phase,
            opens_at: vote.opens_at,
            closes_at: vote.closes_at,
            created_by_name: vote.created_by_name,
            options: detail.options.into_iter().map(OptionView::from).collect(),
            runs: detail.runs,
            enters_paper: detail.enters_paper,
            mine: detail.mine.into_iter().map(MyVoterView::from).collect(),
            turnout: detail.turnout.map(TurnoutView::from),
            roll: detail
                .roll
                .map(|roll| roll.into_iter().map(RollEntryView::from).collect()),
            readiness: detail.readiness.map(ReadinessView::from),
            result: detail.result.map(ResultView::from),
            paper_ballots: detail.paper_ballots.map(|ballots| {
                ballots
                    .into_iter()
                    .map(|ballot| paper(id, ballot))
                    .collect()
            }),
            consistent: detail.consistent,
        }
    }
}
