//! The joint office's duty roster (值班表): who sits at the reception desk and who is the
//! duty officer each half-day — staff, party and resident representatives, social
//! organisations — and swaps of a shift, approved by the supervisor. Pure.

use crate::access::{holds, is_staff};
use crate::error::ValidationError;
use crate::ids::CommunityId;
use crate::meetings::{named_enum, parse_line};
use crate::roles::{Grant, Role};
use chrono::{NaiveDate, NaiveTime, Timelike};
use serde::{Deserialize, Serialize};

named_enum!(
    /// Half a working day: the office opens 8:30–12:00 and 13:00–17:30.
    Half, "roster.half_unknown", "half" {
        /// 8:30–12:00
        Am => "am",
        /// 13:00–17:30
        Pm => "pm",
    }
);

named_enum!(
    /// The post held: the reception desk (接待) or the duty officer (值班负责人).
    Post, "roster.post_unknown", "post" {
        Desk => "desk",
        Duty => "duty",
    }
);

named_enum!(
    /// requested → approved (the shift changes hands) or refused; the one who asked may
    /// withdraw it while it waits.
    SwapStatus, "roster.swap_status_unknown", "status" {
        Requested => "requested",
        Approved => "approved",
        Refused => "refused",
        Withdrawn => "withdrawn",
    }
);

/// The half-day a local (Shanghai) time falls in: mornings until half past twelve.
pub fn half_of(time: NaiveTime) -> Half {
    if time.hour() < 12 || (time.hour() == 12 && time.minute() < 30) {
        Half::Am
    } else {
        Half::Pm
    }
}

/// Who arranges the roster and decides swaps: the supervisor (the party branch).
pub fn may_arrange(grants: &[Grant], community: CommunityId) -> bool {
    holds(grants, Role::Supervisor, community)
}

/// Who reads the roster: the community's staff.
pub fn may_read(grants: &[Grant], community: CommunityId) -> bool {
    is_staff(grants, community)
}

/// A decision on a waiting swap, or the refusal's stable code (409).
pub fn decide_swap(from: SwapStatus, to: SwapStatus) -> Result<SwapStatus, &'static str> {
    match (from, to) {
        (
            SwapStatus::Requested,
            SwapStatus::Approved | SwapStatus::Refused | SwapStatus::Withdrawn,
        ) => Ok(to),
        (SwapStatus::Requested, _) => Err("roster.swap_transition_unknown"),
        _ => Err("roster.swap_decided"),
    }
}

/// A name on the roster (a person without an account, or an organisation's
/// representative): one line, 1–40 characters.
pub fn parse_name(raw: &str, field: &'static str) -> Result<String, ValidationError> {
    parse_line(raw, field, 40)
}

/// A week shown or printed: seven days from a Monday, at most a year away from today.
pub fn week_of(day: NaiveDate) -> NaiveDate {
    use chrono::Datelike;
    day - chrono::Days::new(u64::from(day.weekday().num_days_from_monday()))
}

/// A shift may be arranged from this week's Monday (the week on the wall may be put
/// right after the fact) up to a year ahead.
pub fn check_day(day: NaiveDate, today: NaiveDate) -> Result<(), ValidationError> {
    if day < week_of(today) || day > today + chrono::Days::new(366) {
        Err(ValidationError::new("roster.day_out_of_range", "day"))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mornings_end_at_half_past_twelve() {
        let at = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap_or_default();
        assert_eq!(half_of(at(8, 30)), Half::Am);
        assert_eq!(half_of(at(12, 29)), Half::Am);
        assert_eq!(half_of(at(12, 30)), Half::Pm);
        assert_eq!(half_of(at(17, 0)), Half::Pm);
    }

    #[test]
    fn a_swap_is_decided_once() {
        use SwapStatus as S;
        assert_eq!(decide_swap(S::Requested, S::Approved), Ok(S::Approved));
        assert_eq!(decide_swap(S::Requested, S::Withdrawn), Ok(S::Withdrawn));
        assert_eq!(
            decide_swap(S::Approved, S::Refused),
            Err("roster.swap_decided")
        );
        assert_eq!(
            decide_swap(S::Requested, S::Requested),
            Err("roster.swap_transition_unknown")
        );
    }

    #[test]
    fn weeks_start_on_monday_and_days_stay_within_a_year() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 12, d).unwrap_or_default();
        assert_eq!(
            week_of(day(3)),
            NaiveDate::from_ymd_opt(2026, 11, 30).unwrap_or_default()
        );
        assert_eq!(week_of(day(7)), day(7));
        let last_sunday = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap_or_default();
        assert!(check_day(last_sunday, day(3)).is_err());
        assert!(check_day(day(1), day(3)).is_ok());
        assert!(check_day(day(3) + chrono::Days::new(367), day(3)).is_err());
    }
}
