//! The joint meeting's use cases: the regular series, calling and moving meetings,
//! participants and attendance, the agenda, decisions and their actions, minutes and
//! closing, corrections, and the iCalendar feeds. Who may do what is
//! `linli_domain::meetings`; what an invited resident sees is decided here, once.

pub mod agenda;
pub mod convene;
pub mod decide;
pub mod feeds;
pub mod minutes;
mod resolve;

use crate::{App, AppError, AppResult, Caller};
use linli_domain::ids::CommunityId;
use linli_domain::meetings::{self as rules, MeetingStatus, meeting_changeable};
use linli_store::meetings::{CorrectionRow, ItemRow, MeetingRow, ParticipantRow};

pub(crate) use resolve::{advance_to_resolved, write_on_timeline};

/// How the caller stands to a meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MeetingAccess {
    /// The office: everything, minutes included; `runs`: may change it, `chairs`: may
    /// close or call it off.
    Office { runs: bool, chairs: bool },
    /// An invited participant: the time, the place, the standing parties, their own
    /// entry and their own items; not the other items' details nor the minutes.
    Invited,
}

/// A meeting as the caller may see it.
#[derive(Debug, Clone)]
pub struct MeetingDetail {
    pub meeting: MeetingRow,
    pub access: MeetingAccess,
    pub participants: Vec<ParticipantRow>,
    /// For an invited participant, other people's items have no title, notes nor work
    /// order (see [`redact_item`]).
    pub items: Vec<ItemRow>,
    pub corrections: Vec<CorrectionRow>,
}

/// The community whose meetings the caller runs: refused unless they may.
pub(crate) fn require_runs(caller: &Caller, community: i64) -> AppResult<()> {
    if rules::may_run(caller.grants(), CommunityId(community)) {
        Ok(())
    } else {
        Err(AppError::forbidden())
    }
}

/// Loads a meeting as the caller stands to it; one they have no part in is not found.
pub(crate) async fn meeting_for(
    app: &App,
    caller: &Caller,
    id: i64,
) -> AppResult<(MeetingRow, MeetingAccess)> {
    let meeting = app.store.meeting(id).await?;
    let community = CommunityId(meeting.community_id);
    if rules::sees_all(caller.grants(), community) {
        return Ok((
            meeting,
            MeetingAccess::Office {
                runs: rules::may_run(caller.grants(), community),
                chairs: rules::may_chair(caller.grants(), community),
            },
        ));
    }
    let invited = app
        .store
        .meeting_participants(id)
        .await?
        .iter()
        .any(|participant| participant.person_id == Some(caller.person.0));
    if invited {
        Ok((meeting, MeetingAccess::Invited))
    } else {
        Err(AppError::NotFound("meeting.not_found"))
    }
}

/// Loads a meeting the caller runs, still open to change.
pub(crate) async fn meeting_to_change(
    app: &App,
    caller: &Caller,
    id: i64,
) -> AppResult<MeetingRow> {
    let (meeting, access) = meeting_for(app, caller, id).await?;
    match access {
        MeetingAccess::Office { runs: true, .. } => {}
        _ => return Err(AppError::forbidden()),
    }
    meeting_changeable(meeting.status).map_err(AppError::Conflict)?;
    Ok(meeting)
}

/// An item as an invited participant sees it when it is not theirs: its place in the
/// agenda and its status only.
fn redact_item(mut item: ItemRow) -> ItemRow {
    item.title = String::new();
    item.notes = None;
    item.decision = None;
    item.work_order_id = None;
    item.work_order_number = None;
    item.work_order_category_id = None;
    item.work_order_building_id = None;
    item.work_order_reporter_id = None;
    item.work_order_me_too_count = None;
    item.work_order_created_at = None;
    item
}

/// A meeting with its participants, agenda and corrections, as the caller may see it.
pub async fn read(app: &App, caller: &Caller, id: i64) -> AppResult<MeetingDetail> {
    let (mut meeting, access) = meeting_for(app, caller, id).await?;
    let mut participants = app.store.meeting_participants(id).await?;
    let mut items = app.store.meeting_items(id).await?;
    if access == MeetingAccess::Invited {
        meeting.minutes = None;
        participants.retain(|participant| {
            participant.standing || participant.person_id == Some(caller.person.0)
        });
        items = items
            .into_iter()
            .map(|item| {
                if item.work_order_reporter_id == Some(caller.person.0) {
                    item
                } else {
                    redact_item(item)
                }
            })
            .collect();
    }
    let corrections = if access == MeetingAccess::Invited {
        Vec::new()
    } else {
        app.store.meeting_corrections(id).await?
    };
    Ok(MeetingDetail {
        meeting,
        access,
        participants,
        items,
        corrections,
    })
}

/// A community's meetings (its office), latest first.
pub async fn list(
    app: &App,
    caller: &Caller,
    community_id: Option<i64>,
) -> AppResult<Vec<MeetingRow>> {
    let community = crate::registry::community_of_request(app, caller, community_id).await?;
    if !rules::sees_all(caller.grants(), CommunityId(community.id)) {
        return Err(AppError::forbidden());
    }
    Ok(app.store.meetings(CommunityId(community.id), 200).await?)
}

/// The meetings the caller is invited to (我的会议), latest first.
pub async fn mine(app: &App, caller: &Caller) -> AppResult<Vec<MeetingRow>> {
    let mut meetings = app.store.meetings_of_person(caller.person, 200).await?;
    for meeting in &mut meetings {
        if !rules::sees_all(caller.grants(), CommunityId(meeting.community_id)) {
            meeting.minutes = None;
        }
    }
    Ok(meetings)
}

/// Whether a meeting is still to come or running (for lists).
pub fn is_scheduled(meeting: &MeetingRow) -> bool {
    meeting.status == MeetingStatus::Scheduled
}
