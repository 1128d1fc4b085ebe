//! Minutes, attendance and closing: a meeting closes only with its minutes and the
//! attendance of everyone at the table (the refusal names what is missing); closed
//! minutes are read-only, and corrections are appended, signed and dated.

use super::{MeetingAccess, meeting_for, meeting_to_change};
use crate::{App, AppError, AppResult, Caller};
use linli_domain::meetings::{
    Attendance, CloseFacts, CloseRefusal, ItemStatus, MeetingStatus, may_close, parse_long_text,
};

/// Writes (replaces) the minutes of a scheduled meeting, in Markdown.
pub async fn write_minutes(app: &App, caller: &Caller, id: i64, text: &str) -> AppResult<()> {
    let (meeting, access) = meeting_for(app, caller, id).await?;
    if !matches!(access, MeetingAccess::Office { runs: true, .. }) {
        return Err(AppError::forbidden());
    }
    if meeting.status == MeetingStatus::Closed {
        return Err(AppError::Conflict("meeting.minutes_closed"));
    }
    let minutes = parse_long_text(text, "minutes")?;
    meeting_to_change(app, caller, id).await?;
    app.store
        .set_meeting_minutes(id, &minutes, app.now())
        .await?;
    Ok(())
}

/// Records attendance: (participant, `present`/`absent`/`excused`), all or none.
pub async fn record_attendance(
    app: &App,
    caller: &Caller,
    id: i64,
    marks: &[(i64, String)],
) -> AppResult<()> {
    meeting_to_change(app, caller, id).await?;
    if marks.is_empty() {
        return Err(AppError::invalid("validation.required", "attendance"));
    }
    let parsed: Vec<(i64, &'static str)> = marks
        .iter()
        .map(|(participant, mark)| Ok((*participant, Attendance::parse(mark)?.as_str())))
        .collect::<AppResult<_>>()?;
    app.store.record_attendance(id, &parsed, app.now()).await?;
    Ok(())
}

/// Closes a meeting: the chair only, with minutes, attendance and every item settled.
pub async fn close(app: &App, caller: &Caller, id: i64) -> AppResult<()> {
    let (meeting, access) = meeting_for(app, caller, id).await?;
    if !matches!(access, MeetingAccess::Office { chairs: true, .. }) {
        return Err(AppError::forbidden());
    }
    let participants = app.store.meeting_participants(id).await?;
    let items = app.store.meeting_items(id).await?;
    let facts = CloseFacts {
        status: meeting.status,
        has_minutes: meeting
            .minutes
            .as_deref()
            .is_some_and(|m| !m.trim().is_empty()),
        participants: participants.len(),
        attendance_recorded: participants
            .iter()
            .filter(|p| p.attendance.is_some())
            .count(),
        open_items: items
            .iter()
            .filter(|item| item.status == ItemStatus::Open)
            .count(),
    };
    match may_close(facts) {
        Ok(()) => {}
        Err(CloseRefusal::State) => {
            return Err(AppError::Conflict(match meeting.status {
                MeetingStatus::Cancelled => "meeting.cancelled",
                _ => "meeting.closed",
            }));
        }
        Err(CloseRefusal::Missing(missing)) => {
            let what: Vec<String> = missing
                .iter()
                .map(|missing| {
                    app.texts
                        .text(&format!("meeting.missing_{}", missing_name(*missing)), &[])
                })
                .collect();
            let field = match missing.first() {
                Some(linli_domain::meetings::Missing::Attendance) => "attendance",
                Some(linli_domain::meetings::Missing::Decisions) => "items",
                _ => "minutes",
            };
            return Err(
                AppError::invalid("meeting.incomplete", field).with_arg("missing", what.join("、"))
            );
        }
    }
    app.store
        .close_meeting(id, meeting.version, caller.person, app.now())
        .await?;
    Ok(())
}

fn missing_name(missing: linli_domain::meetings::Missing) -> &'static str {
    match missing {
        linli_domain::meetings::Missing::Minutes => "minutes",
        linli_domain::meetings::Missing::Attendance => "attendance",
        linli_domain::meetings::Missing::Decisions => "decisions",
    }
}

/// Appends a correction to closed minutes (signed by the caller, dated now).
pub async fn correct(app: &App, caller: &Caller, id: i64, text: &str) -> AppResult<i64> {
    let (meeting, access) = meeting_for(app, caller, id).await?;
    if !matches!(access, MeetingAccess::Office { runs: true, .. }) {
        return Err(AppError::forbidden());
    }
    if meeting.status != MeetingStatus::Closed {
        return Err(AppError::Conflict("meeting.not_closed"));
    }
    let body = parse_long_text(text, "text")?;
    Ok(app
        .store
        .add_meeting_correction(id, &body, caller.person, app.now())
        .await?)
}
