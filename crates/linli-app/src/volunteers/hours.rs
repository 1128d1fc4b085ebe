//! The hours served: a volunteer's certificate (their own, or anyone's for the
//! community's staff) and the monthly league of hours per team with the volunteers who
//! served most. A served shift counts its corrected minutes when the supervisor
//! corrected them, else the minutes from check-in to check-out.

use super::{is_member, require_member};
use crate::{App, AppError, AppResult, Caller};
use chrono::{DateTime, Datelike, Months, NaiveDate, TimeZone, Utc};
use linli_domain::access::is_staff;
use linli_domain::calendar::shanghai;
use linli_domain::ids::{CommunityId, PersonId};
use linli_domain::volunteers::{Served, league, served_minutes};
use linli_store::volunteers::sign_ups::ServiceRecord;

/// The minutes a record counts.
pub fn minutes_of(record: &ServiceRecord) -> i64 {
    record.corrected_minutes.unwrap_or_else(|| {
        served_minutes(
            record.starts_at,
            record.ends_at,
            record.checked_in_at,
            record.checked_out_at,
        )
    })
}

/// Whether a record is a shift served (checked out, or its minutes corrected).
fn served(record: &ServiceRecord) -> bool {
    record.checked_out_at.is_some() || record.corrected_minutes.is_some()
}

#[derive(Debug, Clone)]
pub struct CertificateLine {
    pub record: ServiceRecord,
    pub minutes: i64,
}

#[derive(Debug, Clone)]
pub struct Certificate {
    pub person_id: i64,
    pub display_name: String,
    pub team_name: Option<String>,
    pub community_name: String,
    pub lines: Vec<CertificateLine>,
    pub total_minutes: i64,
    pub issued_at: DateTime<Utc>,
}

/// A volunteer's served shifts and total: the caller's own, or anyone's of the
/// community for its staff.
pub async fn certificate(
    app: &App,
    caller: &Caller,
    community: CommunityId,
    person: Option<i64>,
) -> AppResult<Certificate> {
    require_member(caller, community)?;
    let person = PersonId(person.unwrap_or(caller.person.0));
    if person != caller.person && !is_staff(caller.grants(), community) {
        return Err(AppError::forbidden());
    }
    let profile = app.store.volunteer_profile(person).await?;
    let display_name = match &profile {
        Some(profile) => profile.display_name.clone(),
        None => app.store.person(person).await?.display_name,
    };
    let team_name = match profile.as_ref().and_then(|profile| profile.team_id) {
        Some(team) => Some(app.store.volunteer_team(team).await?.name),
        None => None,
    };
    let records = app
        .store
        .service_records(community, Some(person), epoch(), far())
        .await?;
    let lines: Vec<CertificateLine> = records
        .into_iter()
        .filter(served)
        .map(|record| CertificateLine {
            minutes: minutes_of(&record),
            record,
        })
        .collect();
    Ok(Certificate {
        person_id: person.0,
        display_name,
        team_name,
        community_name: app.store.community(community).await?.name,
        total_minutes: lines.iter().map(|line| line.minutes).sum(),
        lines,
        issued_at: app.now(),
    })
}

fn epoch() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2000, 1, 1, 0, 0, 0)
        .single()
        .unwrap_or_default()
}

fn far() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2200, 1, 1, 0, 0, 0)
        .single()
        .unwrap_or_default()
}

#[derive(Debug, Clone)]
pub struct TeamLine {
    pub team_id: Option<i64>,
    pub name: Option<String>,
    pub minutes: i64,
    pub volunteers: usize,
}

#[derive(Debug, Clone)]
pub struct LeagueTable {
    /// The month's first day.
    pub month: NaiveDate,
    pub teams: Vec<TeamLine>,
    /// The volunteers who served most, by display name: (name, minutes).
    pub top: Vec<(String, i64)>,
    pub total_minutes: i64,
}

/// How many volunteers the league names.
pub const TOP: usize = 10;

/// The first day of a month as given (`2026-10`, or any day of it); this month when
/// absent.
pub fn month_of(app: &App, raw: Option<&str>) -> AppResult<NaiveDate> {
    let today = app.now().with_timezone(&shanghai()).date_naive();
    let day = match raw.map(str::trim).filter(|raw| !raw.is_empty()) {
        None => today,
        Some(raw) => NaiveDate::parse_from_str(&format!("{raw}-01"), "%Y-%m-%d")
            .or_else(|_| NaiveDate::parse_from_str(raw, "%Y-%m-%d"))
            .map_err(|_| AppError::invalid("volunteer.month_invalid", "month"))?,
    };
    day.with_day(1)
        .ok_or(AppError::invalid("volunteer.month_invalid", "month"))
}

/// Shanghai midnight at the start of `day`.
fn start_of(day: NaiveDate) -> DateTime<Utc> {
    shanghai()
        .from_local_datetime(&day.and_time(chrono::NaiveTime::MIN))
        .single()
        .map_or_else(epoch, |local| local.with_timezone(&Utc))
}

/// The month's league: every shift served that started in the month (Shanghai time)
/// counts once, for the volunteer's team, so the teams add up to the total.
pub async fn league_table(
    app: &App,
    caller: &Caller,
    community: CommunityId,
    month: NaiveDate,
) -> AppResult<LeagueTable> {
    if !is_member(caller, community) {
        return Err(AppError::forbidden());
    }
    let next = month
        .checked_add_months(Months::new(1))
        .ok_or(AppError::invalid("volunteer.month_invalid", "month"))?;
    let records = app
        .store
        .service_records(community, None, start_of(month), start_of(next))
        .await?;
    let served_shifts: Vec<&ServiceRecord> =
        records.iter().filter(|record| served(record)).collect();
    let table = league(
        &served_shifts
            .iter()
            .map(|record| Served {
                team_id: record.team_id,
                person_id: record.person_id,
                minutes: minutes_of(record),
            })
            .collect::<Vec<_>>(),
    );
    let teams = app.store.volunteer_teams(community).await?;
    let name_of_person = |person: i64| {
        served_shifts
            .iter()
            .find(|record| record.person_id == person)
            .map(|record| record.display_name.clone())
            .unwrap_or_default()
    };
    Ok(LeagueTable {
        month,
        teams: table
            .teams
            .iter()
            .map(|team| TeamLine {
                team_id: team.team_id,
                name: team.team_id.and_then(|id| {
                    teams
                        .iter()
                        .find(|known| known.id == id)
                        .map(|known| known.name.clone())
                }),
                minutes: team.minutes,
                volunteers: team.volunteers,
            })
            .collect(),
        top: table
            .volunteers
            .iter()
            .take(TOP)
            .map(|(person, minutes)| (name_of_person(*person), *minutes))
            .collect(),
        total_minutes: table.total_minutes,
    })
}
