//! Calling meetings: the community's regular series, a meeting of the series or an
//! extra one, moving or calling it off, and inviting participants.

use super::{MeetingAccess, meeting_for, meeting_to_change, require_runs};
use crate::{App, AppError, AppResult, Caller};
use chrono::{DateTime, Duration, Utc};
use linli_domain::ids::{CommunityId, PersonId};
use linli_domain::meetings::schedule::Series;
use linli_domain::meetings::{may_chair, parse_line};
use linli_domain::notifications::Topic;
use linli_domain::work_orders::parse_text;
use linli_store::meetings::{MeetingRow, NewMeeting, NewParticipant, SeriesRow};
use linli_store::outbox::OutboxEntry;
use serde_json::json;

/// The organisation kinds that sit at every meeting (the "1" and the three carriages).
const STANDING_KINDS: [&str; 4] = [
    "party_branch",
    "residents_committee",
    "owners_committee",
    "property_company",
];

/// A community's series, or the default (Thursday 14:00, 90 minutes).
pub async fn series(app: &App, community: CommunityId) -> AppResult<Series> {
    Ok(match app.store.meeting_series(community).await? {
        Some(row) => Series::parse(
            row.weekday,
            &row.start_time,
            row.duration_minutes,
            &row.place,
        )?,
        None => Series::default(),
    })
}

#[derive(Debug, Clone, Default)]
pub struct SeriesRequest {
    pub community_id: Option<i64>,
    pub weekday: i64,
    pub start_time: String,
    pub duration_minutes: i64,
    pub place: String,
}

/// Sets when and where the regular meeting takes place.
pub async fn set_series(
    app: &App,
    caller: &Caller,
    input: &SeriesRequest,
) -> AppResult<(i64, Series)> {
    let community = crate::registry::community_of_request(app, caller, input.community_id).await?;
    require_runs(caller, community.id)?;
    let series = Series::parse(
        input.weekday,
        &input.start_time,
        input.duration_minutes,
        &input.place,
    )?;
    app.store
        .set_meeting_series(&SeriesRow {
            community_id: community.id,
            weekday: series.weekday_number(),
            start_time: series.start_text(),
            duration_minutes: series.duration.num_minutes(),
            place: series.place.clone(),
            updated_at: app.now(),
        })
        .await?;
    Ok((community.id, series))
}

#[derive(Debug, Clone, Default)]
pub struct MeetingRequest {
    pub community_id: Option<i64>,
    /// An extra meeting (临时会议) at `starts_at`; otherwise the series' next one.
    pub extra: bool,
    pub starts_at: Option<DateTime<Utc>>,
    pub duration_minutes: Option<i64>,
    pub place: Option<String>,
    pub title: Option<String>,
    /// The series' first meeting after this instant rather than after now (deferring an
    /// item to the meeting after a future one).
    pub after: Option<DateTime<Utc>>,
}

/// Calls a meeting: the series' next one (time and place from the series unless given)
/// or an extra one. The standing parties are its first participants.
pub async fn schedule(app: &App, caller: &Caller, input: &MeetingRequest) -> AppResult<i64> {
    let community = crate::registry::community_of_request(app, caller, input.community_id).await?;
    require_runs(caller, community.id)?;
    let series = series(app, CommunityId(community.id)).await?;
    let now = app.now();
    let starts_at = match (input.starts_at, input.extra) {
        (Some(start), _) if start <= now => {
            return Err(AppError::invalid("meeting.in_past", "starts_at"));
        }
        (Some(start), _) => start,
        (None, true) => return Err(AppError::invalid("validation.required", "starts_at")),
        (None, false) => series.next_after(input.after.unwrap_or(now).max(now)),
    };
    let duration = match input.duration_minutes {
        Some(minutes) if !(15..=480).contains(&minutes) => {
            return Err(AppError::invalid(
                "validation.out_of_range",
                "duration_minutes",
            ));
        }
        Some(minutes) => Duration::minutes(minutes),
        None => series.duration,
    };
    let place = match input.place.as_deref() {
        Some(place) => parse_line(place, "place", 80)?,
        None => series.place.clone(),
    };
    let default_title = app.texts.text(
        if input.extra {
            "meeting.title_extra"
        } else {
            "meeting.title_regular"
        },
        &[],
    );
    let title = match input
        .title
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        Some(title) => parse_line(title, "title", 80)?,
        None => default_title,
    };
    let participants: Vec<NewParticipant> = app
        .store
        .organisations(CommunityId(community.id))
        .await?
        .into_iter()
        .filter(|organisation| STANDING_KINDS.contains(&organisation.kind.as_str()))
        .map(|organisation| NewParticipant {
            standing: true,
            organisation_id: Some(organisation.id),
            person_id: None,
            name: organisation.name,
            represents: None,
        })
        .collect();
    Ok(app
        .store
        .create_meeting(
            NewMeeting {
                community: CommunityId(community.id),
                title: &title,
                extra: input.extra,
                starts_at,
                ends_at: starts_at + duration,
                place: &place,
                created_by: caller.person,
            },
            &participants,
            now,
        )
        .await?)
}

/// Moves a scheduled meeting to another time or place (its SEQUENCE goes up, so
/// subscribed calendars follow).
pub async fn move_meeting(
    app: &App,
    caller: &Caller,
    id: i64,
    starts_at: Option<DateTime<Utc>>,
    place: Option<&str>,
) -> AppResult<()> {
    let meeting = meeting_to_change(app, caller, id).await?;
    if starts_at.is_none() && place.is_none() {
        return Err(AppError::invalid("validation.required", "starts_at"));
    }
    let start = starts_at.unwrap_or(meeting.starts_at);
    if starts_at.is_some() && start <= app.now() {
        return Err(AppError::invalid("meeting.in_past", "starts_at"));
    }
    let place = match place {
        Some(place) => parse_line(place, "place", 80)?,
        None => meeting.place.clone(),
    };
    let length = meeting.ends_at - meeting.starts_at;
    let invited = invited_people(app, id).await?;
    let moved = MeetingRow {
        starts_at: start,
        place: place.clone(),
        ..meeting
    };
    let notices: Vec<OutboxEntry> = notice(app, Topic::MeetingMoved, &moved, invited, None)
        .into_iter()
        .collect();
    app.store
        .move_meeting(id, start, start + length, &place, &notices, app.now())
        .await?;
    Ok(())
}

/// The people with an account invited to a meeting (the standing parties hear of it in
/// the office).
async fn invited_people(app: &App, meeting: i64) -> AppResult<Vec<i64>> {
    Ok(app
        .store
        .meeting_participants(meeting)
        .await?
        .iter()
        .filter(|participant| !participant.standing)
        .filter_map(|participant| participant.person_id)
        .collect())
}

/// The message a meeting's invited people get, naming them; none when there is no one.
fn notice(
    app: &App,
    topic: Topic,
    meeting: &MeetingRow,
    people: Vec<i64>,
    reason: Option<&str>,
) -> Option<OutboxEntry> {
    (!people.is_empty()).then(|| OutboxEntry {
        topic,
        community_id: Some(meeting.community_id),
        work_order_id: None,
        payload: json!({
            "meeting_id": meeting.id,
            "person_ids": people,
            "title": meeting.title,
            "starts_at": meeting.starts_at,
            "place": meeting.place,
            "reason": reason,
        }),
        at: app.now(),
    })
}

/// Calls a scheduled meeting off, with the reason: only the chair.
pub async fn cancel(app: &App, caller: &Caller, id: i64, reason: &str) -> AppResult<()> {
    let meeting = meeting_to_change(app, caller, id).await?;
    if !may_chair(caller.grants(), CommunityId(meeting.community_id)) {
        return Err(AppError::forbidden());
    }
    let reason = parse_text(reason, "text")?;
    let invited = invited_people(app, id).await?;
    let notices: Vec<OutboxEntry> = notice(
        app,
        Topic::MeetingCancelled,
        &meeting,
        invited,
        Some(&reason),
    )
    .into_iter()
    .collect();
    app.store
        .cancel_meeting(id, &reason, &notices, app.now())
        .await?;
    Ok(())
}

#[derive(Debug, Clone, Default)]
pub struct InviteRequest {
    /// A person with an account (a resident, a representative).
    pub person_id: Option<i64>,
    /// Or a name, for someone without one (a vendor's engineer, a resident at the desk).
    pub name: Option<String>,
    /// Whom they speak for: 爱猫居民, 党代表, 社会组织, a vendor…
    pub represents: Option<String>,
    /// An organisation of the community they represent.
    pub organisation_id: Option<i64>,
}

/// Invites a participant (the "X") to a scheduled meeting; answers the participant's id.
pub async fn invite(app: &App, caller: &Caller, id: i64, input: &InviteRequest) -> AppResult<i64> {
    let meeting = meeting_to_change(app, caller, id).await?;
    let community = CommunityId(meeting.community_id);
    let name = match (input.person_id, input.name.as_deref()) {
        (Some(person), _) => {
            if !app.store.is_member_of(PersonId(person), community).await? {
                return Err(AppError::invalid("meeting.person_unknown", "person_id"));
            }
            if app
                .store
                .meeting_participants(id)
                .await?
                .iter()
                .any(|participant| participant.person_id == Some(person))
            {
                return Err(AppError::Conflict("meeting.already_invited"));
            }
            app.store.person(PersonId(person)).await?.display_name
        }
        (None, Some(name)) => parse_line(name, "name", 40)?,
        (None, None) => return Err(AppError::invalid("validation.required", "name")),
    };
    if let Some(organisation) = input.organisation_id
        && !app
            .store
            .organisations(community)
            .await?
            .iter()
            .any(|known| known.id == organisation)
    {
        return Err(AppError::invalid(
            "meeting.organisation_unknown",
            "organisation_id",
        ));
    }
    let represents = input
        .represents
        .as_deref()
        .map(str::trim)
        .filter(|text| !text.is_empty())
        .map(|text| parse_line(text, "represents", 40))
        .transpose()?;
    Ok(app
        .store
        .add_meeting_participant(
            id,
            &NewParticipant {
                standing: false,
                organisation_id: input.organisation_id,
                person_id: input.person_id,
                name,
                represents,
            },
            notice(
                app,
                Topic::MeetingInvited,
                &meeting,
                input.person_id.into_iter().collect(),
                None,
            ),
            app.now(),
        )
        .await?)
}

/// Whether the caller chairs this meeting's community (pages show the close button).
pub async fn chairs(app: &App, caller: &Caller, id: i64) -> AppResult<bool> {
    let (_, access) = meeting_for(app, caller, id).await?;
    Ok(matches!(access, MeetingAccess::Office { chairs: true, .. }))
}
