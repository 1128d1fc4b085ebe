//! Owners' votes (业主表决) under 民法典 第二百七十八条: the 业委会 sets a vote up and
//! opens it (`setup.rs`), owners vote from their phones and the desk enters paper
//! ballots with their scans (`ballots.rs`), and the count is published when it closes.
//!
//! Ballots are secret: an owner sees their own; those who run the vote see who has voted
//! (not how) while it is open; everyone of the community sees the figures once it closes.

pub mod ballots;
pub mod setup;

use crate::{App, AppError, AppResult, Caller};
use chrono::{DateTime, Utc};
use linli_domain::ids::{CommunityId, OrganisationId};
use linli_domain::registry::OrganisationKind;
use linli_domain::votes::{
    Cast, Decision, Figures, Phase, decide, latest_choices, make_roll, may_enter_paper, may_run,
    may_see, tally,
};
use linli_store::votes::{BallotRow, OptionRow, VoteRow};
use std::collections::HashMap;

/// A room as people write it: `7号楼1单元302`.
pub fn room_text(building_name: &str, unit_number: &str, room_number: &str) -> String {
    crate::work_orders::room_label(building_name, unit_number, room_number)
}

/// `89.51 m²`: an area in square centimetres as people read it, to the hundredth.
pub fn area_text(cm2: i64) -> String {
    let hundredths = cm2 / 100;
    format!("{}.{:02} m²", hundredths / 100, hundredths % 100)
}

/// The community's 业委会 (organisations of that kind).
async fn owners_committees(app: &App, community: CommunityId) -> AppResult<Vec<OrganisationId>> {
    Ok(app
        .store
        .organisations(community)
        .await?
        .into_iter()
        .filter(|organisation| organisation.kind == OrganisationKind::OwnersCommittee.as_str())
        .map(|organisation| OrganisationId(organisation.id))
        .collect())
}

/// Whether the caller runs the community's votes.
pub async fn runs(app: &App, caller: &Caller, community: CommunityId) -> AppResult<bool> {
    Ok(may_run(
        caller.grants(),
        community,
        &owners_committees(app, community).await?,
    ))
}

pub(crate) async fn require_runs(
    app: &App,
    caller: &Caller,
    community: CommunityId,
) -> AppResult<()> {
    if runs(app, caller, community).await? {
        Ok(())
    } else {
        Err(AppError::forbidden())
    }
}

/// A vote the caller may see, or `vote.not_found` (another community's votes do not
/// exist for them).
async fn visible_vote(app: &App, caller: &Caller, id: i64) -> AppResult<VoteRow> {
    let vote = app.store.vote(id).await?;
    if may_see(caller.grants(), CommunityId(vote.community_id)) {
        Ok(vote)
    } else {
        Err(AppError::NotFound("vote.not_found"))
    }
}

/// One room of a voter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoomRef {
    pub room_id: i64,
    pub label: String,
    pub area_cm2: i64,
}

/// A voter the caller is an owner of, with their shared ballot.
#[derive(Debug, Clone)]
pub struct MyVoter {
    pub voter_id: i64,
    pub rooms: Vec<RoomRef>,
    pub area_cm2: i64,
    /// The option of the last ballot, if any.
    pub choice: Option<i64>,
    pub cast_at: Option<DateTime<Utc>>,
    /// `online` or `paper`.
    pub channel: Option<String>,
    /// How many ballots this voter cast (a changed mind adds one).
    pub ballots: usize,
}

/// How many have voted so far: for those who run the vote while it is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Turnout {
    pub total_owners: i64,
    pub total_area_cm2: i64,
    pub participating_owners: i64,
    pub participating_area_cm2: i64,
    pub online_ballots: i64,
    pub paper_ballots: i64,
}

/// One voter on the roll as the office sees it: the rooms; for those who run the vote
/// also the owners' names and whether they have voted (never how).
#[derive(Debug, Clone)]
pub struct RollEntry {
    pub voter_id: i64,
    pub rooms: Vec<RoomRef>,
    pub area_cm2: i64,
    pub owners: Option<Vec<String>>,
    pub voted: Option<bool>,
    pub last_cast_at: Option<DateTime<Utc>>,
}

/// Whether a draft could open now, from the registry as it stands.
#[derive(Debug, Clone)]
pub struct Readiness {
    pub room_count: usize,
    /// Rooms without a floor area: the vote cannot open until each has one.
    pub missing_area: Vec<RoomRef>,
    /// Rooms with no owner of record: they count, but no one can vote for them.
    pub without_owner: Vec<RoomRef>,
    /// The roll it would make (none while areas are missing).
    pub voter_count: Option<usize>,
    pub total_area_cm2: Option<i64>,
}

/// One option's count.
#[derive(Debug, Clone)]
pub struct OptionResult {
    pub option: OptionRow,
    pub figures: Figures,
    pub carried: bool,
}

/// The published count of a closed vote.
#[derive(Debug, Clone)]
pub struct VoteResult {
    pub options: Vec<OptionResult>,
    pub decision: Decision,
    /// Everyone's figures (the approving ones are each option's).
    pub total_owners: i64,
    pub total_area_cm2: i64,
    pub participating_owners: i64,
    pub participating_area_cm2: i64,
    pub quorate: bool,
}

/// A paper ballot as the office may see it: who entered it, when, and its scan.
#[derive(Debug, Clone)]
pub struct PaperBallot {
    pub ballot_id: i64,
    pub rooms: Vec<String>,
    pub entered_by_name: String,
    pub cast_at: DateTime<Utc>,
    /// Whether a later ballot of the same voter replaced it.
    pub replaced: bool,
}

/// A vote as the caller may see it.
#[derive(Debug, Clone)]
pub struct VoteDetail {
    pub vote: VoteRow,
    pub phase: Phase,
    pub options: Vec<OptionRow>,
    pub runs: bool,
    pub enters_paper: bool,
    pub mine: Vec<MyVoter>,
    pub turnout: Option<Turnout>,
    pub roll: Option<Vec<RollEntry>>,
    pub readiness: Option<Readiness>,
    pub result: Option<VoteResult>,
    pub paper_ballots: Option<Vec<PaperBallot>>,
    /// Whether the kept totals agree with the roll (false is a fault, logged).
    pub consistent: bool,
}

/// The roll as written, grouped by voter, in its order.
struct Roll {
    voters: Vec<(i64, i64)>,
    rooms: HashMap<i64, Vec<RoomRef>>,
    owners: HashMap<i64, Vec<(i64, String)>>,
}

async fn load_roll(app: &App, vote: i64) -> AppResult<Roll> {
    let voters = app
        .store
        .vote_voters(vote)
        .await?
        .into_iter()
        .map(|voter| (voter.id, voter.area_cm2))
        .collect();
    let mut rooms: HashMap<i64, Vec<RoomRef>> = HashMap::new();
    for room in app.store.vote_rooms(vote).await? {
        rooms.entry(room.voter_id).or_default().push(RoomRef {
            room_id: room.room_id,
            label: room_text(&room.building_name, &room.unit_number, &room.room_number),
            area_cm2: room.area_cm2,
        });
    }
    let mut owners: HashMap<i64, Vec<(i64, String)>> = HashMap::new();
    for owner in app.store.vote_owners(vote).await? {
        owners
            .entry(owner.voter_id)
            .or_default()
            .push((owner.person_id, owner.display_name));
    }
    Ok(Roll {
        voters,
        rooms,
        owners,
    })
}

/// The last ballot of each voter (by voter id).
fn last_ballots(ballots: &[BallotRow]) -> HashMap<i64, &BallotRow> {
    let mut last = HashMap::new();
    for ballot in ballots {
        last.insert(ballot.voter_id, ballot);
    }
    last
}

/// The count of a roll's ballots, option by option.
fn count(roll: &Roll, options: &[OptionRow], ballots: &[BallotRow]) -> Vec<Figures> {
    let index_of_voter: HashMap<i64, usize> = roll
        .voters
        .iter()
        .enumerate()
        .map(|(index, (id, _))| (*id, index))
        .collect();
    let index_of_option: HashMap<i64, usize> = options
        .iter()
        .enumerate()
        .map(|(index, option)| (option.id, index))
        .collect();
    let cast: Vec<(usize, usize)> = ballots
        .iter()
        .filter_map(|ballot| {
            Some((
                *index_of_voter.get(&ballot.voter_id)?,
                *index_of_option.get(&ballot.option_id)?,
            ))
        })
        .collect();
    let choices = latest_choices(roll.voters.len(), &cast);
    let casts: Vec<Cast> = roll
        .voters
        .iter()
        .zip(choices)
        .map(|((_, area), choice)| Cast {
            area: *area,
            choice,
        })
        .collect();
    tally(&casts, options.len())
}

async fn readiness(app: &App, vote: &VoteRow) -> AppResult<Readiness> {
    let (rooms, roll) = setup::registry_roll(app, vote.estate_id, vote.building_id).await?;
    let reference = |room: &linli_store::votes::RegistryRoom| RoomRef {
        room_id: room.room_id,
        label: room_text(&room.building_name, &room.unit_number, &room.room_number),
        area_cm2: room
            .floor_area_hundredths_m2
            .and_then(linli_domain::votes::area_from_hundredths)
            .unwrap_or_default(),
    };
    let made = make_roll(&roll);
    let missing: Vec<i64> = match &made {
        Err(linli_domain::votes::RollError::MissingArea(missing)) => missing.clone(),
        _ => Vec::new(),
    };
    let without: Vec<i64> = roll
        .iter()
        .filter(|room| room.owners.is_empty())
        .map(|room| room.room)
        .collect();
    let pick = |ids: &[i64]| -> Vec<RoomRef> {
        let ids: std::collections::HashSet<i64> = ids.iter().copied().collect();
        rooms
            .iter()
            .filter(|room| ids.contains(&room.room_id))
            .map(reference)
            .collect()
    };
    let (voter_count, total_area_cm2) = match &made {
        Ok(voters) => (
            Some(voters.len()),
            Some(voters.iter().map(|voter| voter.area).sum()),
        ),
        Err(_) => (None, None),
    };
    Ok(Readiness {
        room_count: rooms.len(),
        missing_area: pick(&missing),
        without_owner: pick(&without),
        voter_count,
        total_area_cm2,
    })
}

/// A vote as the caller may see it: residents its question and options, their own
/// ballot, and the count once closed; those who run it also the roll with who has voted
/// and, for a draft, whether it could open; the desk the roll's rooms.
pub async fn read(app: &App, caller: &Caller, id: i64) -> AppResult<VoteDetail> {
    let vote = visible_vote(app, caller, id).await?;
    let community = CommunityId(vote.community_id);
    let runs = runs(app, caller, community).await?;
    let enters_paper = may_enter_paper(caller.grants(), community);
    let phase = Phase::of(vote.opened, vote.opens_at, vote.closes_at, app.clock.now());
    let options = app.store.vote_options(id).await?;
    let mut detail = VoteDetail {
        phase,
        options,
        runs,
        enters_paper,
        mine: Vec::new(),
        turnout: None,
        roll: None,
        readiness: None,
        result: None,
        paper_ballots: None,
        consistent: true,
        vote,
    };
    if phase == Phase::Draft {
        if runs {
            detail.readiness = Some(readiness(app, &detail.vote).await?);
        }
        return Ok(detail);
    }
    let roll = load_roll(app, id).await?;
    let ballots = app.store.ballots(id).await?;
    let last = last_ballots(&ballots);
    let room_count: usize = roll.rooms.values().map(Vec::len).sum();
    let total_area: i64 = roll.voters.iter().map(|(_, area)| area).sum();
    detail.consistent = i64::try_from(roll.voters.len()).ok() == Some(detail.vote.voter_count)
        && i64::try_from(room_count).ok() == Some(detail.vote.room_count)
        && total_area == detail.vote.total_area_cm2;
    if !detail.consistent {
        tracing::error!(vote = id, "a vote's kept totals disagree with its roll");
    }
    let rooms_of = |voter: i64| roll.rooms.get(&voter).cloned().unwrap_or_default();
    for (voter, area) in &roll.voters {
        let owners = roll.owners.get(voter);
        if owners.is_some_and(|owners| owners.iter().any(|(person, _)| *person == caller.person.0))
        {
            let ballot = last.get(voter);
            detail.mine.push(MyVoter {
                voter_id: *voter,
                rooms: rooms_of(*voter),
                area_cm2: *area,
                choice: ballot.map(|ballot| ballot.option_id),
                cast_at: ballot.map(|ballot| ballot.cast_at),
                channel: ballot.map(|ballot| ballot.channel.clone()),
                ballots: ballots
                    .iter()
                    .filter(|ballot| ballot.voter_id == *voter)
                    .count(),
            });
        }
    }
    if runs {
        let voted = roll
            .voters
            .iter()
            .filter(|(voter, _)| last.contains_key(voter));
        let count_of = |channel: &str| {
            let n = last
                .values()
                .filter(|ballot| ballot.channel == channel)
                .count();
            i64::try_from(n).unwrap_or(i64::MAX)
        };
        detail.turnout = Some(Turnout {
            total_owners: i64::try_from(roll.voters.len()).unwrap_or(i64::MAX),
            total_area_cm2: total_area,
            participating_owners: i64::try_from(voted.clone().count()).unwrap_or(i64::MAX),
            participating_area_cm2: voted.map(|(_, area)| area).sum(),
            online_ballots: count_of("online"),
            paper_ballots: count_of("paper"),
        });
    }
    if runs || enters_paper {
        detail.roll = Some(
            roll.voters
                .iter()
                .map(|(voter, area)| RollEntry {
                    voter_id: *voter,
                    rooms: rooms_of(*voter),
                    area_cm2: *area,
                    owners: runs.then(|| {
                        roll.owners
                            .get(voter)
                            .map(|owners| owners.iter().map(|(_, name)| name.clone()).collect())
                            .unwrap_or_default()
                    }),
                    voted: runs.then(|| last.contains_key(voter)),
                    last_cast_at: if runs {
                        last.get(voter).map(|ballot| ballot.cast_at)
                    } else {
                        None
                    },
                })
                .collect(),
        );
    }
    // The scans show how an owner voted: to those who run the vote once it is closed,
    // and to whoever entered them.
    let paper: Vec<PaperBallot> = ballots
        .iter()
        .filter(|ballot| ballot.channel == "paper")
        .filter(|ballot| {
            (runs && phase == Phase::Closed) || ballot.entered_by == Some(caller.person.0)
        })
        .map(|ballot| PaperBallot {
            ballot_id: ballot.id,
            rooms: rooms_of(ballot.voter_id)
                .into_iter()
                .map(|room| room.label)
                .collect(),
            entered_by_name: ballot.entered_by_name.clone().unwrap_or_default(),
            cast_at: ballot.cast_at,
            replaced: last
                .get(&ballot.voter_id)
                .is_some_and(|latest| latest.id != ballot.id),
        })
        .collect();
    if runs || enters_paper {
        detail.paper_ballots = Some(paper);
    }
    if phase == Phase::Closed {
        let figures = count(&roll, &detail.options, &ballots);
        let decision = decide(&figures, detail.vote.matter);
        let overall = figures.first().copied().unwrap_or_default();
        detail.result = Some(VoteResult {
            options: detail
                .options
                .iter()
                .zip(&figures)
                .enumerate()
                .map(|(index, (option, figures))| OptionResult {
                    option: option.clone(),
                    figures: *figures,
                    carried: decision == Decision::Carried(index),
                })
                .collect(),
            decision,
            total_owners: overall.total_owners,
            total_area_cm2: overall.total_area_cm2,
            participating_owners: overall.participating_owners,
            participating_area_cm2: overall.participating_area_cm2,
            quorate: overall.quorate(),
        });
    }
    Ok(detail)
}

/// A community's votes with where each stands, the newest first: for its residents and
/// its office.
pub async fn list(
    app: &App,
    caller: &Caller,
    community_id: i64,
) -> AppResult<Vec<(VoteRow, Phase)>> {
    let community = CommunityId(community_id);
    app.store.community(community).await?;
    if !may_see(caller.grants(), community) {
        return Err(AppError::forbidden());
    }
    let now = app.clock.now();
    Ok(app
        .store
        .votes(community)
        .await?
        .into_iter()
        .map(|vote| {
            let phase = Phase::of(vote.opened, vote.opens_at, vote.closes_at, now);
            (vote, phase)
        })
        .collect())
}
