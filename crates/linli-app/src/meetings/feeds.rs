//! iCalendar feeds that phone calendars subscribe to: a person's meetings, or all of a
//! community's (its office). The address holds a secret token; only its hash is kept.

use crate::{App, AppError, AppResult, Caller};
use linli_domain::ids::{CommunityId, PersonId};
use linli_domain::meetings::ics::{FeedEvent, calendar};
use linli_domain::meetings::{MeetingStatus, sees_all};
use linli_store::meetings::MeetingRow;
use linli_store::passwords::{new_session_token, token_hash};

/// Makes a feed address token: the caller's meetings, or (for its office) a community's.
pub async fn create_feed(
    app: &App,
    caller: &Caller,
    community_id: Option<i64>,
) -> AppResult<String> {
    if let Some(community) = community_id
        && !sees_all(caller.grants(), CommunityId(community))
    {
        return Err(AppError::forbidden());
    }
    let token = new_session_token().map_err(|error| AppError::internal(error.to_string()))?;
    app.store
        .create_calendar_feed(
            &token_hash(&token),
            caller.person,
            community_id.map(CommunityId),
            app.now(),
        )
        .await?;
    Ok(token)
}

/// The feed a token opens, as iCalendar text; an unknown token is not found.
pub async fn feed(app: &App, token: &str) -> AppResult<String> {
    let (person, community) = app.store.calendar_feed(&token_hash(token)).await?;
    let (name, meetings) = match community {
        Some(community) => {
            let name = app.store.community(CommunityId(community)).await?.name;
            (name, app.store.meetings(CommunityId(community), 500).await?)
        }
        None => {
            let name = app.texts.text("meeting.feed_mine", &[]);
            (
                name,
                app.store.meetings_of_person(PersonId(person), 500).await?,
            )
        }
    };
    let events: Vec<FeedEvent> = meetings.iter().map(event).collect();
    Ok(calendar(&name, &events))
}

fn event(meeting: &MeetingRow) -> FeedEvent {
    FeedEvent {
        uid: format!("meeting-{}@linli", meeting.id),
        summary: meeting.title.clone(),
        location: meeting.place.clone(),
        description: meeting.cancel_reason.clone().unwrap_or_default(),
        starts_at: meeting.starts_at,
        ends_at: meeting.ends_at,
        sequence: meeting.sequence,
        cancelled: meeting.status == MeetingStatus::Cancelled,
        updated_at: meeting.updated_at,
    }
}
