//! The volunteers' answers. A resident sees their own sign-up and how many others signed
//! up; those who check volunteers in see who (display names only) and the shift's code.

use chrono::{DateTime, NaiveDate, Utc};
use linli_app::volunteers::hours::{Certificate, LeagueTable};
use linli_app::volunteers::{ActivityView, ShiftView};
use linli_domain::volunteers::served_minutes;
use linli_store::volunteers::sign_ups::SignUpRow;
use linli_store::volunteers::{ProfileRow, TeamRow};
use serde::Serialize;

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = VolunteerTeam)]
pub struct TeamView {
    id: i64,
    name: String,
    leader_person_id: Option<i64>,
    leader_name: Option<String>,
}

impl From<TeamRow> for TeamView {
    fn from(row: TeamRow) -> Self {
        Self {
            id: row.id,
            name: row.name,
            leader_person_id: row.leader_person_id,
            leader_name: row.leader_name,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = VolunteerProfile)]
pub struct ProfileView {
    person_id: i64,
    community_id: i64,
    display_name: String,
    team_id: Option<i64>,
    skills: Vec<String>,
    availability: Option<String>,
}

impl From<ProfileRow> for ProfileView {
    fn from(row: ProfileRow) -> Self {
        Self {
            skills: row.skill_list(),
            person_id: row.person_id,
            community_id: row.community_id,
            display_name: row.display_name,
            team_id: row.team_id,
            availability: row.availability,
        }
    }
}

/// `signed_up` or `cancelled`, with the times of check-in and check-out.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = VolunteerSignUp)]
pub struct SignUpView {
    id: i64,
    person_id: i64,
    display_name: String,
    status: String,
    checked_in_at: Option<DateTime<Utc>>,
    checked_out_at: Option<DateTime<Utc>>,
    /// The minutes counted (the supervisor's correction, if any).
    minutes: i64,
    corrected: bool,
}

fn sign_up_view(row: SignUpRow, starts_at: DateTime<Utc>, ends_at: DateTime<Utc>) -> SignUpView {
    let minutes = row.corrected_minutes.unwrap_or_else(|| {
        served_minutes(starts_at, ends_at, row.checked_in_at, row.checked_out_at)
    });
    SignUpView {
        id: row.id,
        person_id: row.person_id,
        display_name: row.display_name,
        status: row.status,
        checked_in_at: row.checked_in_at,
        checked_out_at: row.checked_out_at,
        minutes,
        corrected: row.corrected_minutes.is_some(),
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = VolunteerShift)]
pub struct ShiftJson {
    id: i64,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    capacity: i64,
    signed_up: i64,
    /// Sign-ups and cancellations still open (before the cut-off).
    open: bool,
    /// The caller's own sign-up.
    mine: Option<SignUpView>,
    /// Who signed up: for those who check volunteers in.
    sign_ups: Option<Vec<SignUpView>>,
    /// The secret of the check-in QR code: for those who check volunteers in.
    check_in_code: Option<String>,
}

fn shift_json(view: ShiftView, staff: bool) -> ShiftJson {
    let (starts_at, ends_at) = (view.shift.starts_at, view.shift.ends_at);
    ShiftJson {
        id: view.shift.id,
        starts_at,
        ends_at,
        capacity: view.shift.capacity,
        signed_up: view.shift.signed_up,
        open: view.open,
        mine: view.mine.map(|row| sign_up_view(row, starts_at, ends_at)),
        sign_ups: view.sign_ups.map(|rows| {
            rows.into_iter()
                .map(|row| sign_up_view(row, starts_at, ends_at))
                .collect()
        }),
        check_in_code: staff.then_some(view.shift.check_in_code),
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = VolunteerActivity)]
pub struct ActivityJson {
    id: i64,
    community_id: i64,
    team_id: Option<i64>,
    team_name: Option<String>,
    title: String,
    description: String,
    place: Option<String>,
    cut_off_minutes: i64,
    shifts: Vec<ShiftJson>,
}

impl From<ActivityView> for ActivityJson {
    fn from(view: ActivityView) -> Self {
        let staff = view.staff_view;
        let row = view.activity;
        Self {
            id: row.id,
            community_id: row.community_id,
            team_id: row.team_id,
            team_name: row.team_name,
            title: row.title,
            description: row.description,
            place: row.place,
            cut_off_minutes: row.cut_off_minutes,
            shifts: view
                .shifts
                .into_iter()
                .map(|shift| shift_json(shift, staff))
                .collect(),
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = VolunteerServedShift)]
pub struct ServedView {
    sign_up_id: i64,
    activity_id: i64,
    activity_title: String,
    shift_id: i64,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    minutes: i64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = VolunteerCertificate)]
pub struct CertificateView {
    person_id: i64,
    display_name: String,
    team_name: Option<String>,
    community_name: String,
    shifts: Vec<ServedView>,
    total_minutes: i64,
    issued_at: DateTime<Utc>,
}

impl From<Certificate> for CertificateView {
    fn from(certificate: Certificate) -> Self {
        Self {
            person_id: certificate.person_id,
            display_name: certificate.display_name,
            team_name: certificate.team_name,
            community_name: certificate.community_name,
            shifts: certificate
                .lines
                .into_iter()
                .map(|line| ServedView {
                    minutes: line.minutes,
                    sign_up_id: line.record.sign_up_id,
                    activity_id: line.record.activity_id,
                    activity_title: line.record.activity_title,
                    shift_id: line.record.shift_id,
                    starts_at: line.record.starts_at,
                    ends_at: line.record.ends_at,
                })
                .collect(),
            total_minutes: certificate.total_minutes,
            issued_at: certificate.issued_at,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = VolunteerLeagueTeam)]
pub struct LeagueTeamView {
    /// None: volunteers of no team.
    team_id: Option<i64>,
    name: Option<String>,
    minutes: i64,
    volunteers: usize,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = VolunteerLeagueEntry)]
pub struct LeagueEntryView {
    display_name: String,
    minutes: i64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = VolunteerLeague)]
pub struct LeagueView {
    /// The month's first day.
    month: NaiveDate,
    /// The teams' minutes add up to `total_minutes`.
    teams: Vec<LeagueTeamView>,
    /// The volunteers who served most (at most ten), by display name.
    top: Vec<LeagueEntryView>,
    total_minutes: i64,
}

impl From<LeagueTable> for LeagueView {
    fn from(table: LeagueTable) -> Self {
        Self {
            month: table.month,
            teams: table
                .teams
                .into_iter()
                .map(|team| LeagueTeamView {
                    team_id: team.team_id,
                    name: team.name,
                    minutes: team.minutes,
                    volunteers: team.volunteers,
                })
                .collect(),
            top: table
                .top
                .into_iter()
                .map(|(display_name, minutes)| LeagueEntryView {
                    display_name,
                    minutes,
                })
                .collect(),
            total_minutes: table.total_minutes,
        }
    }
}
