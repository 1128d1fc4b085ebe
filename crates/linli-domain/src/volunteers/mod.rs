//! Volunteers (志愿者报名): a resident's profile (skills, when they are free, the team they
//! serve with, such as 城悦志愿者工作室), activities with shifts of a given capacity, sign-up
//! and cancellation until a cut-off, check-in and check-out at the desk, the hours served
//! and the monthly league of hours per team. Pure.

pub mod league;

use crate::access::holds;
use crate::error::ValidationError;
use crate::ids::CommunityId;
use crate::meetings::parse_line;
use crate::roles::{Grant, Role};
use chrono::{DateTime, Duration, Utc};

pub use league::{League, Served, TeamTotal, league};

/// At most this many skills on a profile, each a short tag (抓猫, 电工, 理发, 翻译…).
pub const SKILLS_MAX: usize = 8;
pub const SKILL_CHARS_MAX: usize = 12;
/// The longest shift taken: a whole day.
pub const SHIFT_HOURS_MAX: i64 = 24;
pub const CAPACITY_MAX: i64 = 500;
/// The longest cut-off: sign-ups close at most a week before a shift starts.
pub const CUT_OFF_MINUTES_MAX: i64 = 7 * 24 * 60;
/// Minutes after a shift's end that still count (putting things away, a late bus).
pub const GRACE_MINUTES: i64 = 30;
/// A volunteer may check in this long before the shift starts (the minutes before the
/// start are not counted).
pub const EARLY_CHECK_IN_MINUTES: i64 = 60;

/// Who creates teams and activities: the supervisor and the duty officer.
pub fn may_organise(grants: &[Grant], community: CommunityId) -> bool {
    holds(grants, Role::Supervisor, community) || holds(grants, Role::DutyOfficer, community)
}

/// Who checks volunteers in and out: the desk, the duty officer and the supervisor.
pub fn may_check_in(grants: &[Grant], community: CommunityId) -> bool {
    holds(grants, Role::Receptionist, community) || may_organise(grants, community)
}

/// Who corrects hours (with a reason, kept beside the hours): the supervisor.
pub fn may_correct(grants: &[Grant], community: CommunityId) -> bool {
    holds(grants, Role::Supervisor, community)
}

/// Skills as tags: each 1–12 characters on one line, at most eight, each once (the
/// order kept). Blank entries are dropped.
pub fn parse_skills(raw: &[String]) -> Result<Vec<String>, ValidationError> {
    let mut skills: Vec<String> = Vec::new();
    for tag in raw
        .iter()
        .map(|tag| tag.trim())
        .filter(|tag| !tag.is_empty())
    {
        let tag = parse_line(tag, "skills", SKILL_CHARS_MAX)
            .map_err(|_| ValidationError::new("volunteer.skill_invalid", "skills"))?;
        if !skills.contains(&tag) {
            skills.push(tag);
        }
    }
    if skills.len() > SKILLS_MAX {
        return Err(ValidationError::new("volunteer.too_many_skills", "skills"));
    }
    Ok(skills)
}

/// Skills typed in one box, separated by commas, 、 or spaces.
pub fn split_skills(typed: &str) -> Vec<String> {
    typed
        .split([',', '，', '、', ' ', '\u{3000}', ';', '；'])
        .map(str::to_owned)
        .collect()
}

/// A team's or an activity's title: one line of 1–40 characters.
pub fn parse_name(raw: &str, field: &'static str) -> Result<String, ValidationError> {
    parse_line(raw, field, 40)
}

/// A shift: it ends after it starts, lasts at most a day, starts after now, and takes
/// 1–500 volunteers.
pub fn check_shift(
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    capacity: i64,
    now: DateTime<Utc>,
) -> Result<(), ValidationError> {
    if ends_at <= starts_at || ends_at - starts_at > Duration::hours(SHIFT_HOURS_MAX) {
        return Err(ValidationError::new(
            "volunteer.shift_length_invalid",
            "ends_at",
        ));
    }
    if starts_at <= now {
        return Err(ValidationError::new("volunteer.shift_in_past", "starts_at"));
    }
    if !(1..=CAPACITY_MAX).contains(&capacity) {
        return Err(ValidationError::new(
            "volunteer.capacity_invalid",
            "capacity",
        ));
    }
    Ok(())
}

pub fn check_cut_off(minutes: i64) -> Result<(), ValidationError> {
    if (0..=CUT_OFF_MINUTES_MAX).contains(&minutes) {
        Ok(())
    } else {
        Err(ValidationError::new(
            "volunteer.cut_off_invalid",
            "cut_off_minutes",
        ))
    }
}

/// Signing up and cancelling close `cut_off_minutes` before the shift starts.
pub fn check_before_cut_off(
    starts_at: DateTime<Utc>,
    cut_off_minutes: i64,
    now: DateTime<Utc>,
) -> Result<(), ValidationError> {
    if now >= starts_at - Duration::minutes(cut_off_minutes) {
        Err(ValidationError::new("volunteer.cut_off_passed", "shift_id"))
    } else {
        Ok(())
    }
}

/// Check-in is open from an hour before the start until the end of the shift.
pub fn check_in_window(
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), ValidationError> {
    if now < starts_at - Duration::minutes(EARLY_CHECK_IN_MINUTES) || now > ends_at {
        Err(ValidationError::new(
            "volunteer.check_in_closed",
            "shift_id",
        ))
    } else {
        Ok(())
    }
}

/// The minutes a volunteer served on a shift: from check-in (not before the start) to
/// check-out (not after the end plus the grace), never negative, never more than the
/// shift's length plus the grace. Nothing until they have checked out.
pub fn served_minutes(
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    checked_in_at: Option<DateTime<Utc>>,
    checked_out_at: Option<DateTime<Utc>>,
) -> i64 {
    let (Some(checked_in), Some(checked_out)) = (checked_in_at, checked_out_at) else {
        return 0;
    };
    let from = checked_in.max(starts_at);
    let to = checked_out.min(ends_at + Duration::minutes(GRACE_MINUTES));
    (to - from).num_minutes().max(0)
}

/// A correction of a shift's minutes: 0 up to the shift's length plus the grace.
pub fn check_correction(
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    minutes: i64,
) -> Result<(), ValidationError> {
    let most = (ends_at - starts_at).num_minutes() + GRACE_MINUTES;
    if (0..=most).contains(&minutes) {
        Ok(())
    } else {
        Err(ValidationError::new("volunteer.minutes_invalid", "minutes"))
    }
}

/// "12.5": minutes as hours with one decimal, as certificates print them.
pub fn hours_text(minutes: i64) -> String {
    let tenths = (minutes * 10 + 30) / 60;
    format!("{}.{}", tenths / 10, tenths % 10)
}

#[cfg(test)]
mod tests;
