//! Working time. Time limits (时限) count working hours on a calendar of China's public
//! holidays and the weekend days swapped for work (调休), in Shanghai time.

use chrono::{
    DateTime, Datelike, Duration, FixedOffset, NaiveDate, NaiveTime, TimeZone, Utc, Weekday,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Asia/Shanghai has kept UTC+8 without daylight saving since 1991.
const SHANGHAI: FixedOffset = match FixedOffset::east_opt(8 * 3600) {
    Some(offset) => offset,
    None => panic!("UTC+8 is a valid offset"),
};

pub fn shanghai() -> FixedOffset {
    SHANGHAI
}

/// How long something may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "kind", content = "minutes", rename_all = "snake_case")]
pub enum TimeLimit {
    /// Around the clock (urgent matters: 2 hours means 2 hours).
    CalendarMinutes(u32),
    /// Working time only; 7 working days are 7 × 8 working hours.
    WorkingMinutes(u32),
    /// By the end of the working day (the next working day's end when reported after hours).
    SameWorkingDay,
}

impl TimeLimit {
    pub const WORKING_DAY_MINUTES: u32 = 8 * 60;

    pub fn working_days(days: u32) -> Self {
        Self::WorkingMinutes(days * Self::WORKING_DAY_MINUTES)
    }

    pub fn working_hours(hours: u32) -> Self {
        Self::WorkingMinutes(hours * 60)
    }

    pub fn calendar_hours(hours: u32) -> Self {
        Self::CalendarMinutes(hours * 60)
    }

    /// (kind, minutes) as stored.
    pub fn to_parts(self) -> (&'static str, i64) {
        match self {
            Self::CalendarMinutes(minutes) => ("calendar_minutes", i64::from(minutes)),
            Self::WorkingMinutes(minutes) => ("working_minutes", i64::from(minutes)),
            Self::SameWorkingDay => ("same_working_day", 0),
        }
    }

    pub fn from_parts(kind: &str, minutes: i64) -> Option<Self> {
        let minutes = u32::try_from(minutes).ok()?;
        match kind {
            "calendar_minutes" => Some(Self::CalendarMinutes(minutes)),
            "working_minutes" => Some(Self::WorkingMinutes(minutes)),
            "same_working_day" => Some(Self::SameWorkingDay),
            _ => None,
        }
    }
}

/// The office's working days and hours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkingCalendar {
    days_off: BTreeSet<NaiveDate>,
    swapped_working_days: BTreeSet<NaiveDate>,
    opens: NaiveTime,
    closes: NaiveTime,
}

/// Walking the calendar day by day stops after this many days, so a calendar with no
/// working day at all cannot loop forever.
const MAX_DAYS_SEARCHED: i64 = 3660;

impl WorkingCalendar {
    /// Weekdays 9:00–17:00 (8 working hours), except `days_off`, plus the
    /// `swapped_working_days` that fall on weekends.
    pub fn new(
        days_off: impl IntoIterator<Item = NaiveDate>,
        swapped_working_days: impl IntoIterator<Item = NaiveDate>,
    ) -> Self {
        Self {
            days_off: days_off.into_iter().collect(),
            swapped_working_days: swapped_working_days.into_iter().collect(),
            opens: NaiveTime::from_hms_opt(9, 0, 0).unwrap_or_default(),
            closes: NaiveTime::from_hms_opt(17, 0, 0).unwrap_or_default(),
        }
    }

    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        if self.swapped_working_days.contains(&date) {
            return true;
        }
        if self.days_off.contains(&date) {
            return false;
        }
        !matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
    }

    fn at(&self, date: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
        shanghai()
            .from_local_datetime(&date.and_time(time))
            .single()
            .map_or_else(
                || Utc.from_utc_datetime(&date.and_time(time)),
                |local| local.with_timezone(&Utc),
            )
    }

    fn next_working_day(&self, after: NaiveDate) -> NaiveDate {
        let mut date = after;
        for _ in 0..MAX_DAYS_SEARCHED {
            date = date.succ_opt().unwrap_or(date);
            if self.is_working_day(date) {
                return date;
            }
        }
        date
    }

    /// The first working instant at or after `instant`.
    fn working_instant_from(&self, instant: DateTime<Utc>) -> DateTime<Utc> {
        let local = instant.with_timezone(&shanghai());
        let date = local.date_naive();
        let time = local.time();
        if self.is_working_day(date) && time < self.closes {
            return if time < self.opens {
                self.at(date, self.opens)
            } else {
                instant
            };
        }
        self.at(self.next_working_day(date), self.opens)
    }

    /// When a limit that starts at `start` runs out.
    pub fn deadline(&self, start: DateTime<Utc>, limit: TimeLimit) -> DateTime<Utc> {
        match limit {
            TimeLimit::CalendarMinutes(minutes) => start + Duration::minutes(i64::from(minutes)),
            TimeLimit::SameWorkingDay => {
                let from = self.working_instant_from(start).with_timezone(&shanghai());
                self.at(from.date_naive(), self.closes)
            }
            TimeLimit::WorkingMinutes(minutes) => {
                self.add_working_minutes(start, i64::from(minutes))
            }
        }
    }

    pub fn add_working_minutes(&self, start: DateTime<Utc>, minutes: i64) -> DateTime<Utc> {
        let mut remaining = Duration::minutes(minutes.max(0));
        let mut now = self.working_instant_from(start);
        for _ in 0..MAX_DAYS_SEARCHED {
            let local = now.with_timezone(&shanghai());
            let closes = self.at(local.date_naive(), self.closes);
            let available = closes - now;
            if remaining <= available {
                return now + remaining;
            }
            remaining -= available;
            now = self.at(self.next_working_day(local.date_naive()), self.opens);
        }
        now
    }

    /// Working minutes between two instants (0 if `to` is not after `from`).
    pub fn working_minutes_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
        let mut total = Duration::zero();
        let mut now = self.working_instant_from(from);
        for _ in 0..MAX_DAYS_SEARCHED {
            if now >= to {
                break;
            }
            let local = now.with_timezone(&shanghai());
            let closes = self.at(local.date_naive(), self.closes);
            let until = closes.min(to);
            total += until - now;
            now = self.at(self.next_working_day(local.date_naive()), self.opens);
        }
        total.num_minutes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    /// Shanghai wall-clock time as UTC.
    fn local(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        shanghai()
            .with_ymd_and_hms(y, m, d, h, min, 0)
            .single()
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default()
    }

    /// National Day 2026: 1–7 October off, Saturday 10 October worked.
    fn calendar_2026() -> WorkingCalendar {
        let off = (1..=7).map(|d| date(2026, 10, d));
        WorkingCalendar::new(off, [date(2026, 9, 20), date(2026, 10, 10)])
    }

    #[test]
    fn weekends_holidays_and_swapped_days() {
        let calendar = calendar_2026();
        assert!(calendar.is_working_day(date(2026, 9, 30)));
        assert!(!calendar.is_working_day(date(2026, 10, 1)));
        assert!(!calendar.is_working_day(date(2026, 10, 3)));
        assert!(
            !calendar.is_working_day(date(2026, 10, 11)),
            "an ordinary Sunday"
        );
        assert!(calendar.is_working_day(date(2026, 10, 10)), "调休 Saturday");
        assert!(calendar.is_working_day(date(2026, 9, 20)), "调休 Sunday");
    }

    #[test]
    fn working_hours_skip_nights_and_the_holiday() {
        let calendar = calendar_2026();
        // Wednesday 30 September 16:00 + 2 working hours: 1 hour that day, then the
        // holiday week, then the next working day is Thursday 8 October.
        let deadline = calendar.deadline(local(2026, 9, 30, 16, 0), TimeLimit::working_hours(2));
        assert_eq!(deadline, local(2026, 10, 8, 10, 0));
        // Friday 9 October 16:30 + 1 working hour ends on the swapped Saturday.
        assert_eq!(
            calendar.deadline(local(2026, 10, 9, 16, 30), TimeLimit::working_hours(1)),
            local(2026, 10, 10, 9, 30)
        );
        // Reported at night: the clock starts at 9:00.
        assert_eq!(
            calendar.deadline(local(2026, 10, 8, 22, 0), TimeLimit::working_hours(1)),
            local(2026, 10, 9, 10, 0)
        );
        // Urgent matters run around the clock, holidays included.
        assert_eq!(
            calendar.deadline(local(2026, 10, 2, 3, 0), TimeLimit::calendar_hours(2)),
            local(2026, 10, 2, 5, 0)
        );
    }

    #[test]
    fn same_working_day_and_working_days() {
        let calendar = calendar_2026();
        assert_eq!(
            calendar.deadline(local(2026, 10, 8, 10, 0), TimeLimit::SameWorkingDay),
            local(2026, 10, 8, 17, 0)
        );
        assert_eq!(
            calendar.deadline(local(2026, 10, 8, 18, 0), TimeLimit::SameWorkingDay),
            local(2026, 10, 9, 17, 0)
        );
        // 7 working days from Monday 12 October 9:00 end on Tuesday 20 October 17:00.
        assert_eq!(
            calendar.deadline(local(2026, 10, 12, 9, 0), TimeLimit::working_days(7)),
            local(2026, 10, 20, 17, 0)
        );
    }

    #[test]
    fn working_minutes_between_counts_only_office_hours() {
        let calendar = calendar_2026();
        assert_eq!(
            calendar.working_minutes_between(local(2026, 9, 30, 16, 0), local(2026, 10, 8, 10, 0)),
            120
        );
        assert_eq!(
            calendar.working_minutes_between(local(2026, 10, 8, 10, 0), local(2026, 10, 8, 9, 0)),
            0
        );
    }

    #[test]
    fn limits_round_trip_through_storage() {
        for limit in [
            TimeLimit::CalendarMinutes(120),
            TimeLimit::working_days(15),
            TimeLimit::SameWorkingDay,
        ] {
            let (kind, minutes) = limit.to_parts();
            assert_eq!(TimeLimit::from_parts(kind, minutes), Some(limit));
        }
        assert_eq!(TimeLimit::from_parts("fortnight", 1), None);
    }

    proptest! {
        /// A deadline never comes before its start, a longer limit never ends earlier, and
        /// the working time between start and deadline is the limit itself.
        #[test]
        fn deadlines_are_monotonic_and_exact(start_minutes in 0i64..(366 * 24 * 60), a in 0u32..5000, b in 0u32..5000) {
            let calendar = calendar_2026();
            let start = local(2026, 1, 1, 0, 0) + Duration::minutes(start_minutes);
            let (short, long) = (a.min(b), a.max(b));
            let short_deadline = calendar.deadline(start, TimeLimit::WorkingMinutes(short));
            let long_deadline = calendar.deadline(start, TimeLimit::WorkingMinutes(long));
            prop_assert!(short_deadline >= start);
            prop_assert!(long_deadline >= short_deadline);
            prop_assert_eq!(calendar.working_minutes_between(start, long_deadline), i64::from(long));
        }
    }
}
