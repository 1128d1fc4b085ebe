//! Volunteers (志愿者报名): anyone of the community keeps a volunteer profile (skills, when
//! they are free, their team); the supervisor, the duty officer and a team's leader set up
//! activities with shifts; residents sign up and cancel until the cut-off; the desk checks
//! them in and out ([`shifts`]); the hours served make certificates and a monthly league
//! ([`hours`]).

pub mod hours;
pub mod shifts;

use crate::{App, AppError, AppResult, Caller, FieldChecks};
use chrono::{DateTime, Utc};
use linli_domain::access::{is_resident, is_staff};
use linli_domain::ids::{CommunityId, PersonId};
use linli_domain::meetings::{parse_line, parse_long_text};
use linli_domain::roles::Scope;
use linli_domain::volunteers::{
    check_before_cut_off, check_cut_off, check_shift, may_check_in, may_organise, parse_name,
    parse_skills,
};
use linli_store::volunteers::sign_ups::SignUpRow;
use linli_store::volunteers::{ActivityRow, NewActivity, NewShift, ProfileRow, ShiftRow, TeamRow};

/// Whether the caller belongs to the community (a resident or its staff).
pub fn is_member(caller: &Caller, community: CommunityId) -> bool {
    is_resident(caller.grants(), community) || is_staff(caller.grants(), community)
}

fn require_member(caller: &Caller, community: CommunityId) -> AppResult<()> {
    if is_member(caller, community) {
        Ok(())
    } else {
        Err(AppError::forbidden())
    }
}

/// Who may set up an activity of `team` (or of no team): the supervisor, the duty
/// officer, and the team's own leader.
pub fn may_organise_for(caller: &Caller, community: CommunityId, team: Option<&TeamRow>) -> bool {
    may_organise(caller.grants(), community)
        || team.is_some_and(|team| team.leader_person_id == Some(caller.person.0))
}

/// A shift as the caller sees it.
#[derive(Debug, Clone)]
pub struct ShiftView {
    pub shift: ShiftRow,
    /// The caller's own sign-up (signed up, cancelled, checked in…).
    pub mine: Option<SignUpRow>,
    /// Sign-ups and cancellations are still open.
    pub open: bool,
    /// Who is signed up, by display name: only for those who check them in or run it.
    pub sign_ups: Option<Vec<SignUpRow>>,
}

#[derive(Debug, Clone)]
pub struct ActivityView {
    pub activity: ActivityRow,
    pub shifts: Vec<ShiftView>,
    /// The caller checks volunteers in (and sees who signed up, and the QR code).
    pub staff_view: bool,
}

pub async fn teams(app: &App, caller: &Caller, community: CommunityId) -> AppResult<Vec<TeamRow>> {
    require_member(caller, community)?;
    Ok(app.store.volunteer_teams(community).await?)
}

/// Adds a team (the supervisor or duty officer), with its leader if they have an account
/// in the community.
pub async fn add_team(
    app: &App,
    caller: &Caller,
    community: CommunityId,
    name: &str,
    leader: Option<i64>,
) -> AppResult<i64> {
    if !may_organise(caller.grants(), community) {
        return Err(AppError::forbidden());
    }
    let mut checks = FieldChecks::default();
    let name = checks.check(parse_name(name, "name"))?;
    if let Some(leader) = leader {
        let grants = app
            .store
            .grants_of(PersonId(leader))
            .await
            .map_err(|error| {
                AppError::from(error).named_in("volunteer.person_unknown", "leader_person_id")
            })?;
        if !grants
            .iter()
            .any(|stored| stored.grant.scope == Scope::Community(community))
        {
            checks.refuse(AppError::invalid(
                "volunteer.person_unknown",
                "leader_person_id",
            ))?;
        }
    }
    checks.finish()?;
    Ok(app
        .store
        .add_volunteer_team(
            community,
            &name.unwrap_or_default(),
            leader.map(PersonId),
            caller.person,
            app.now(),
        )
        .await?)
}

/// A team of `community` named by an input.
async fn team_in(app: &App, community: CommunityId, team: i64) -> AppResult<TeamRow> {
    let found = app
        .store
        .volunteer_team(team)
        .await
        .map_err(|error| AppError::from(error).named_in("volunteer.team_unknown", "team_id"))?;
    if found.community_id != community.0 {
        return Err(AppError::invalid("volunteer.team_unknown", "team_id"));
    }
    Ok(found)
}

#[derive(Debug, Clone, Default)]
pub struct ProfileRequest {
    pub team_id: Option<i64>,
    pub skills: Vec<String>,
    pub availability: Option<String>,
}

pub async fn profile(app: &App, caller: &Caller) -> AppResult<Option<ProfileRow>> {
    Ok(app.store.volunteer_profile(caller.person).await?)
}

/// Creates or replaces the caller's own profile.
pub async fn save_profile(
    app: &App,
    caller: &Caller,
    community: CommunityId,
    input: &ProfileRequest,
) -> AppResult<()> {
    require_member(caller, community)?;
    let mut checks = FieldChecks::default();
    let skills = checks.check(parse_skills(&input.skills))?;
    let availability = checks.check(
        input
            .availability
            .as_deref()
            .map(str::trim)
            .filter(|text| !text.is_empty())
            .map(|text| parse_line(text, "availability", 100))
            .transpose(),
    )?;
    if let Some(team) = input.team_id {
        checks.check(team_in(app, community, team).await)?;
    }
    checks.finish()?;
    Ok(app
        .store
        .save_volunteer_profile(
            caller.person,
            community,
            input.team_id,
            &skills.unwrap_or_default(),
            availability.flatten().as_deref(),
            app.now(),
        )
        .await?)
}

#[derive(Debug, Clone, Default)]
pub struct ShiftRequest {
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    pub capacity: i64,
}

#[derive(Debug, Clone, Default)]
pub struct ActivityRequest {
    pub team_id: Option<i64>,
    pub title: String,
    pub description: String,
    pub place: Option<String>,
    pub cut_off_minutes: i64,
    pub shifts: Vec<ShiftRequest>,
}

/// Sets up an activity with its shifts (the supervisor, the duty officer or the team's
/// leader); every wrong field is named at once and nothing is stored.
pub async fn add_activity(
    app: &App,
    caller: &Caller,
    community: CommunityId,
    input: &ActivityRequest,
) -> AppResult<i64> {
    require_member(caller, community)?;
    let team = match input.team_id {
        Some(team) => Some(team_in(app, community, team).await?),
        None => None,
    };
    if !may_organise_for(caller, community, team.as_ref()) {
        return Err(AppError::forbidden());
    }
    let now = app.now();
    let mut checks = FieldChecks::default();
    let title = checks.check(parse_name(&input.title, "title"))?;
    let description = checks.check(parse_long_text(&input.description, "description"))?;
    let place = checks.check(
        input
            .place
            .as_deref()
            .map(str::trim)
            .filter(|text| !text.is_empty())
            .map(|text| parse_line(text, "place", 80))
            .transpose(),
    )?;
    checks.check(check_cut_off(input.cut_off_minutes))?;
    if input.shifts.is_empty() {
        checks.refuse(AppError::invalid("volunteer.shifts_required", "starts_at"))?;
    }
    let mut shifts = Vec::new();
    for shift in &input.shifts {
        let (Some(starts_at), Some(ends_at)) = (shift.starts_at, shift.ends_at) else {
            let field = if shift.starts_at.is_none() {
                "starts_at"
            } else {
                "ends_at"
            };
            checks.refuse(AppError::invalid("validation.required", field))?;
            continue;
        };
        if checks
            .check(check_shift(starts_at, ends_at, shift.capacity, now))?
            .is_some()
        {
            shifts.push(NewShift {
                starts_at,
                ends_at,
                capacity: shift.capacity,
                check_in_code: linli_store::passwords::new_session_token()?[..24].to_owned(),
            });
        }
    }
    checks.finish()?;
    let place = place.flatten();
    let activity = NewActivity {
        team_id: input.team_id,
        title: &title.unwrap_or_default(),
        description: &description.unwrap_or_default(),
        place: place.as_deref(),
        cut_off_minutes: input.cut_off_minutes,
    };
    Ok(app
        .store
        .add_volunteer_activity(community, &activity, &shifts, caller.person, now)
        .await?)
}

/// The activity of a shift, if the caller may see it (else not found).
pub(crate) async fn visible_activity(
    app: &App,
    caller: &Caller,
    activity: i64,
    missing: &'static str,
) -> AppResult<ActivityRow> {
    let row = app.store.volunteer_activity(activity).await?;
    if !is_member(caller, CommunityId(row.community_id)) {
        return Err(AppError::NotFound(missing));
    }
    Ok(row)
}

async fn view_of(app: &App, caller: &Caller, activity: ActivityRow) -> AppResult<ActivityView> {
    let shifts = app.store.volunteer_shifts(&[activity.id]).await?;
    build_view(app, caller, activity, shifts).await
}

async fn build_view(
    app: &App,
    caller: &Caller,
    activity: ActivityRow,
    shifts: Vec<ShiftRow>,
) -> AppResult<ActivityView> {
    let community = CommunityId(activity.community_id);
    let staff_view = may_check_in(caller.grants(), community)
        || match activity.team_id {
            Some(team) => {
                let team = app.store.volunteer_team(team).await?;
                team.leader_person_id == Some(caller.person.0)
            }
            None => false,
        };
    let now = app.now();
    let mut views = Vec::new();
    for shift in shifts {
        let sign_ups = if staff_view {
            Some(app.store.sign_ups_of_shift(shift.id).await?)
        } else {
            None
        };
        let mine = match &sign_ups {
            Some(all) => all
                .iter()
                .find(|sign_up| sign_up.person_id == caller.person.0)
                .cloned(),
            None => app.store.sign_up_of(shift.id, caller.person).await?,
        };
        views.push(ShiftView {
            open: check_before_cut_off(shift.starts_at, activity.cut_off_minutes, now).is_ok(),
            shift,
            mine,
            sign_ups,
        });
    }
    Ok(ActivityView {
        activity,
        shifts: views,
        staff_view,
    })
}

pub async fn activity(app: &App, caller: &Caller, id: i64) -> AppResult<ActivityView> {
    let row = visible_activity(app, caller, id, "volunteer.activity_not_found").await?;
    view_of(app, caller, row).await
}

/// A community's activities, newest first, with their shifts.
pub async fn activities(
    app: &App,
    caller: &Caller,
    community: CommunityId,
) -> AppResult<Vec<ActivityView>> {
    require_member(caller, community)?;
    let rows = app.store.volunteer_activities(community).await?;
    let ids: Vec<i64> = rows.iter().map(|row| row.id).collect();
    let mut shifts = app.store.volunteer_shifts(&ids).await?;
    let mut views = Vec::new();
    for row in rows {
        let (own, rest): (Vec<ShiftRow>, Vec<ShiftRow>) = shifts
            .into_iter()
            .partition(|shift| shift.activity_id == row.id);
        shifts = rest;
        views.push(build_view(app, caller, row, own).await?);
    }
    Ok(views)
}
