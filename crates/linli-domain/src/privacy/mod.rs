//! Personal data under the Personal Information Protection Law (个人信息保护法): what an
//! erased account keeps, how long photos of closed work orders and the visit log's
//! personal fields are kept, and when they fall due. Pure: the store applies it.

use crate::error::ValidationError;
use chrono::{DateTime, Months, Utc};
use serde::{Deserialize, Serialize};

/// The name an erased account shows wherever it once appeared (timelines, ledgers).
pub const ERASED_NAME: &str = "已注销居民";

/// The name a visit keeps once its personal fields are past retention.
pub const EXPIRED_VISITOR: &str = "（已按期限清除）";

/// The shortest and longest retention a community may set, in months.
pub const MONTHS_RANGE: std::ops::RangeInclusive<i64> = 1..=120;

/// How long a community keeps personal data that has served its purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetentionPolicy {
    /// Photos of a work order, counted from its closing.
    pub photo_months: i64,
    /// A visit's name, phone, room and account link, counted from the visit.
    pub visit_months: i64,
}

impl Default for RetentionPolicy {
    /// Two years: long enough for a reopened complaint or a dispute over a repair.
    fn default() -> Self {
        Self {
            photo_months: 24,
            visit_months: 24,
        }
    }
}

impl RetentionPolicy {
    pub fn new(photo_months: i64, visit_months: i64) -> Result<Self, ValidationError> {
        if !MONTHS_RANGE.contains(&photo_months) {
            return Err(ValidationError::new(
                "retention.months_invalid",
                "photo_months",
            ));
        }
        if !MONTHS_RANGE.contains(&visit_months) {
            return Err(ValidationError::new(
                "retention.months_invalid",
                "visit_months",
            ));
        }
        Ok(Self {
            photo_months,
            visit_months,
        })
    }

    /// Photos of work orders closed before this moment are due for deletion.
    pub fn photo_cutoff(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        months_before(now, self.photo_months)
    }

    /// Visits before this moment lose their personal fields.
    pub fn visit_cutoff(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        months_before(now, self.visit_months)
    }
}

/// The same day of the month `months` earlier (the month's last day when it is shorter).
fn months_before(now: DateTime<Utc>, months: i64) -> DateTime<Utc> {
    let months = u32::try_from(months.clamp(0, i64::from(u32::MAX))).unwrap_or(u32::MAX);
    now.checked_sub_months(Months::new(months))
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    #[test]
    fn periods_are_whole_months_and_bounded() {
        let now = Utc.with_ymd_and_hms(2026, 3, 31, 12, 0, 0).unwrap();
        let policy = RetentionPolicy::new(1, 24).unwrap();
        assert_eq!(
            policy.photo_cutoff(now),
            Utc.with_ymd_and_hms(2026, 2, 28, 12, 0, 0).unwrap()
        );
        assert_eq!(
            policy.visit_cutoff(now),
            Utc.with_ymd_and_hms(2024, 3, 31, 12, 0, 0).unwrap()
        );
        assert_eq!(
            RetentionPolicy::new(0, 24).unwrap_err().field,
            "photo_months"
        );
        assert_eq!(
            RetentionPolicy::new(24, 121).unwrap_err().field,
            "visit_months"
        );
        assert_eq!(
            RetentionPolicy::new(24, 24).unwrap(),
            RetentionPolicy::default()
        );
    }

    proptest! {
        /// A longer period never deletes more: the cutoff moves back with every month,
        /// and is never in the future.
        #[test]
        fn a_longer_period_reaches_less_far(seconds in 0i64..4_000_000_000, months in 1i64..120) {
            let now = Utc.timestamp_opt(seconds, 0).unwrap();
            let shorter = RetentionPolicy::new(months, months).unwrap();
            let longer = RetentionPolicy::new(months + 1, months + 1).unwrap();
            prop_assert!(shorter.photo_cutoff(now) < now);
            prop_assert!(longer.photo_cutoff(now) < shorter.photo_cutoff(now));
            prop_assert!(longer.visit_cutoff(now) < shorter.visit_cutoff(now));
        }
    }
}
