//! When the regular meeting takes place: a weekday, a Shanghai time of day, a length and
//! a place; Thursday 14:00 for 90 minutes at the joint office unless a community says
//! otherwise.

use super::parse_line;
use crate::calendar::shanghai;
use crate::error::ValidationError;
use chrono::{DateTime, Datelike, Duration, NaiveTime, TimeZone, Utc, Weekday};

/// A community's regular meeting, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Series {
    pub weekday: Weekday,
    pub start: NaiveTime,
    pub duration: Duration,
    pub place: String,
}

impl Default for Series {
    fn default() -> Self {
        Self {
            weekday: Weekday::Thu,
            start: NaiveTime::from_hms_opt(14, 0, 0).unwrap_or_default(),
            duration: Duration::minutes(90),
            place: "合署办公服务中心".to_owned(),
        }
    }
}

impl Series {
    /// From the fields as given: weekday 1 (Monday) … 7 (Sunday), `HH:MM`, minutes
    /// (15 to 480), a place.
    pub fn parse(
        weekday: i64,
        start_time: &str,
        duration_minutes: i64,
        place: &str,
    ) -> Result<Self, ValidationError> {
        let weekday = weekday_from_number(weekday)
            .ok_or(ValidationError::new("validation.out_of_range", "weekday"))?;
        let start = parse_time(start_time)?;
        if !(15..=480).contains(&duration_minutes) {
            return Err(ValidationError::new(
                "validation.out_of_range",
                "duration_minutes",
            ));
        }
        Ok(Self {
            weekday,
            start,
            duration: Duration::minutes(duration_minutes),
            place: parse_line(place, "place", 80)?,
        })
    }

    /// The first meeting of the series that starts after `after`.
    pub fn next_after(&self, after: DateTime<Utc>) -> DateTime<Utc> {
        let local = after.with_timezone(&shanghai());
        let mut day = local.date_naive();
        loop {
            if day.weekday() == self.weekday {
                let start = shanghai()
                    .from_local_datetime(&day.and_time(self.start))
                    .single()
                    .map(|start| start.with_timezone(&Utc));
                if let Some(start) = start.filter(|start| *start > after) {
                    return start;
                }
            }
            day = day.succ_opt().unwrap_or(day);
        }
    }

    pub fn weekday_number(&self) -> i64 {
        i64::from(self.weekday.number_from_monday())
    }

    pub fn start_text(&self) -> String {
        self.start.format("%H:%M").to_string()
    }
}

pub fn weekday_from_number(number: i64) -> Option<Weekday> {
    match number {
        1 => Some(Weekday::Mon),
        2 => Some(Weekday::Tue),
        3 => Some(Weekday::Wed),
        4 => Some(Weekday::Thu),
        5 => Some(Weekday::Fri),
        6 => Some(Weekday::Sat),
        7 => Some(Weekday::Sun),
        _ => None,
    }
}

fn parse_time(raw: &str) -> Result<NaiveTime, ValidationError> {
    NaiveTime::parse_from_str(raw.trim(), "%H:%M")
        .map_err(|_| ValidationError::new("meeting.time_invalid", "start_time"))
}
