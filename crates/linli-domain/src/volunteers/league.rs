//! The monthly league (志愿服务月榜): hours per team and the volunteers who served most.
//! Every served shift counts once, for the volunteer's team (or for no team), so the
//! teams' totals add up to the sum of every volunteer's hours.

use std::collections::BTreeMap;

/// One volunteer's minutes on one shift, with the team they serve with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Served {
    pub team_id: Option<i64>,
    pub person_id: i64,
    pub minutes: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamTotal {
    /// `None`: volunteers of no team.
    pub team_id: Option<i64>,
    pub minutes: i64,
    pub volunteers: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct League {
    /// Most minutes first (ties by team id, no team last).
    pub teams: Vec<TeamTotal>,
    /// (person, minutes), most first, ties by person id.
    pub volunteers: Vec<(i64, i64)>,
    pub total_minutes: i64,
}

/// The league of a month's served shifts. Negative minutes (none are made, but a row
/// read from elsewhere could be) count as nothing.
pub fn league(served: &[Served]) -> League {
    let mut teams: BTreeMap<Option<i64>, (i64, Vec<i64>)> = BTreeMap::new();
    let mut people: BTreeMap<i64, i64> = BTreeMap::new();
    for entry in served {
        let minutes = entry.minutes.max(0);
        let team = teams.entry(entry.team_id).or_default();
        team.0 += minutes;
        if !team.1.contains(&entry.person_id) {
            team.1.push(entry.person_id);
        }
        *people.entry(entry.person_id).or_default() += minutes;
    }
    let mut teams: Vec<TeamTotal> = teams
        .into_iter()
        .map(|(team_id, (minutes, volunteers))| TeamTotal {
            team_id,
            minutes,
            volunteers: volunteers.len(),
        })
        .collect();
    teams.sort_by_key(|team| (-team.minutes, team.team_id.is_none(), team.team_id));
    let mut volunteers: Vec<(i64, i64)> = people.into_iter().collect();
    volunteers.sort_by_key(|(person, minutes)| (-minutes, *person));
    League {
        total_minutes: teams.iter().map(|team| team.minutes).sum(),
        teams,
        volunteers,
    }
}
