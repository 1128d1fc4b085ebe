//! The numbers the 12345 hotlines judge themselves by, kept as counters that each
//! accepted action adds to (so statistics never scan the work orders).
//!
//! Every count of a work order is kept on the day it was **reported** (its cohort), not
//! on the day of the event: the figures of a range are those of the work orders reported
//! in it, whatever happened to them since. So each rate is a share of one cohort and
//! lies in [0, 1]:
//! 响应率 (response rate) = dispatches signed for within the limit ÷ dispatches;
//! 解决率 (resolution rate) = resolutions the resident accepted (in the app, at a return
//! visit, or by rule) ÷ resolutions reported;
//! 满意率 (satisfaction rate) = rated 4 or 5 stars ÷ rated.
//! A signing always follows its own dispatch and an acceptance its own resolution, by
//! the same lead party, so no slice can count more of the first than of the second.
//! Medians of the time to sign and to resolve come from duration histograms.

use crate::work_orders::EventKind;
use crate::work_orders::state::WorkOrderState;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::ops::AddAssign;

/// Counts of one slice (a day, a category, a party…).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Counts {
    pub created: i64,
    pub dispatched: i64,
    pub signed: i64,
    pub signed_in_time: i64,
    pub resolved: i64,
    pub accepted: i64,
    pub rated: i64,
    pub satisfied: i64,
    pub reopened: i64,
    pub cancelled: i64,
}

impl AddAssign for Counts {
    fn add_assign(&mut self, other: Self) {
        self.created += other.created;
        self.dispatched += other.dispatched;
        self.signed += other.signed;
        self.signed_in_time += other.signed_in_time;
        self.resolved += other.resolved;
        self.accepted += other.accepted;
        self.rated += other.rated;
        self.satisfied += other.satisfied;
        self.reopened += other.reopened;
        self.cancelled += other.cancelled;
    }
}

fn ratio(numerator: i64, denominator: i64) -> Option<f64> {
    #[allow(clippy::cast_precision_loss)]
    (denominator > 0).then(|| numerator as f64 / denominator as f64)
}

impl Counts {
    pub fn response_rate(&self) -> Option<f64> {
        ratio(self.signed_in_time, self.dispatched)
    }

    pub fn resolution_rate(&self) -> Option<f64> {
        ratio(self.accepted, self.resolved)
    }

    pub fn satisfaction_rate(&self) -> Option<f64> {
        ratio(self.satisfied, self.rated)
    }

    pub fn is_zero(&self) -> bool {
        *self == Self::default()
    }
}

/// Upper bounds (minutes, inclusive) of the duration histogram's buckets; the last one
/// takes everything longer.
pub const DURATION_BUCKETS: [i64; 14] = [
    15,
    30,
    60,
    120,
    240,
    480,
    1440,
    2880,
    4320,
    7200,
    10080,
    20160,
    43200,
    i64::MAX,
];

pub fn bucket_of(minutes: i64) -> usize {
    DURATION_BUCKETS
        .iter()
        .position(|bound| minutes <= *bound)
        .unwrap_or(DURATION_BUCKETS.len() - 1)
}

/// The median of a histogram, interpolated inside its bucket (the open last bucket
/// answers with its lower bound).
pub fn median_minutes(histogram: &[i64; DURATION_BUCKETS.len()]) -> Option<f64> {
    let total: i64 = histogram.iter().sum();
    if total == 0 {
        return None;
    }
    #[allow(clippy::cast_precision_loss)]
    let half = total as f64 / 2.0;
    let mut seen = 0i64;
    for (index, count) in histogram.iter().enumerate() {
        #[allow(clippy::cast_precision_loss)]
        if (seen + count) as f64 >= half && *count > 0 {
            let lower = if index == 0 {
                0
            } else {
                DURATION_BUCKETS[index - 1]
            };
            let upper = DURATION_BUCKETS[index];
            if upper == i64::MAX {
                return Some(lower as f64);
            }
            let within = (half - seen as f64) / *count as f64;
            return Some(lower as f64 + within * (upper - lower) as f64);
        }
        seen += count;
    }
    None
}

/// The exact median of some durations in minutes (the mean of the middle two for an
/// even count); none of none.
pub fn median_of(minutes: &[i64]) -> Option<f64> {
    let mut sorted = minutes.to_vec();
    sorted.sort_unstable();
    let middle = sorted.len() / 2;
    #[allow(clippy::cast_precision_loss)]
    match sorted.len() {
        0 => None,
        length if length % 2 == 1 => Some(sorted[middle] as f64),
        _ => Some((sorted[middle - 1] as f64 + sorted[middle] as f64) / 2.0),
    }
}

/// What one event adds to the counters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Delta {
    pub counts: Counts,
    /// Minutes from dispatch to signing, when this event is a signing.
    pub sign_minutes: Option<i64>,
    /// Minutes from dispatch to resolution, when this event is a resolution.
    pub resolve_minutes: Option<i64>,
    /// The lead party changed (dispatched, dispatched again, returned): from, to (none:
    /// not assigned). A party's row counts the work orders it leads now.
    pub lead_moved: Option<(Option<i64>, Option<i64>)>,
}

/// The slices every count is kept in, besides the community's total.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Dimension {
    All,
    Category,
    Building,
    Organisation,
}

impl Dimension {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::All => "all",
            Self::Category => "category",
            Self::Building => "building",
            Self::Organisation => "organisation",
        }
    }
}

/// Where a work order is counted: its category, building (0: none) and the lead party
/// the event happened under (0: not assigned).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slices {
    pub category: i64,
    pub building: Option<i64>,
    pub organisation: Option<i64>,
}

/// The rows an event adds to: its counts in every dimension, and in the organisation
/// dimension the work order moved from its former lead (or 未指派) to its new one.
/// Every dimension gets the same counts in total, so each breakdown adds up to the
/// community's total.
pub fn rows(delta: &Delta, slices: Slices) -> Vec<(Dimension, i64, Counts)> {
    let mut rows = Vec::with_capacity(6);
    if !delta.counts.is_zero() {
        for (dimension, id) in [
            (Dimension::All, 0),
            (Dimension::Category, slices.category),
            (Dimension::Building, slices.building.unwrap_or(0)),
            (Dimension::Organisation, slices.organisation.unwrap_or(0)),
        ] {
            rows.push((dimension, id, delta.counts));
        }
    }
    if let Some((from, to)) = delta.lead_moved {
        let moved = |created| Counts {
            created,
            ..Counts::default()
        };
        rows.push((Dimension::Organisation, from.unwrap_or(0), moved(-1)));
        rows.push((Dimension::Organisation, to.unwrap_or(0), moved(1)));
    }
    rows
}

/// The counters an accepted event moves, from the states before and after it.
pub fn delta(
    event: EventKind,
    before: &WorkOrderState,
    after: &WorkOrderState,
    now: DateTime<Utc>,
) -> Delta {
    let mut delta = Delta::default();
    let counts = &mut delta.counts;
    let since_dispatch = || {
        before
            .dispatched_at
            .map(|dispatched| (now - dispatched).num_minutes().max(0))
    };
    match event {
        EventKind::Submitted => counts.created = 1,
        EventKind::Dispatched | EventKind::Redispatched => counts.dispatched = 1,
        // Taken from the grab list: dispatched and signed in the same moment.
        EventKind::Grabbed => {
            counts.dispatched = 1;
            counts.signed = 1;
            counts.signed_in_time = 1;
            delta.sign_minutes = Some(0);
        }
        EventKind::Signed => {
            counts.signed = 1;
            counts.signed_in_time =
                i64::from(before.sign_deadline.is_none_or(|deadline| now <= deadline));
            delta.sign_minutes = since_dispatch();
        }
        EventKind::Resolved => {
            counts.resolved = 1;
            delta.resolve_minutes = since_dispatch();
        }
        EventKind::Accepted | EventKind::ClosedByRule => counts.accepted = 1,
        EventKind::ReturnVisited if after.closed_at.is_some() => counts.accepted = 1,
        EventKind::Rejected | EventKind::ReturnVisited => counts.reopened = 1,
        EventKind::Cancelled | EventKind::Merged => counts.cancelled = 1,
        _ => {}
    }
    if after.rating.is_some() && before.rating.is_none() {
        counts.rated = 1;
        counts.satisfied = i64::from(after.rating.is_some_and(|rating| rating.is_satisfied()));
    }
    if before.lead != after.lead {
        delta.lead_moved = Some((
            before.lead.map(|organisation| organisation.0),
            after.lead.map(|organisation| organisation.0),
        ));
    }
    delta
}

#[cfg(test)]
mod cohorts;

#[cfg(test)]
mod median_tests {
    use super::median_of;
    use proptest::prelude::*;

    #[test]
    fn the_median_of_an_even_count_is_between_the_middle_two() {
        assert_eq!(median_of(&[]), None);
        assert_eq!(median_of(&[30, 10, 20]), Some(20.0));
        assert_eq!(median_of(&[40, 10, 20, 30]), Some(25.0));
    }

    proptest! {
        /// The median lies between the least and the greatest, and as many durations
        /// are at or below it as at or above it.
        #[test]
        fn the_median_splits_the_durations_in_half(minutes in proptest::collection::vec(0i64..1_000_000, 1..60)) {
            let median = median_of(&minutes).unwrap_or(f64::NAN);
            #[allow(clippy::cast_precision_loss)]
            let least = minutes.iter().copied().min().unwrap_or_default() as f64;
            #[allow(clippy::cast_precision_loss)]
            let greatest = minutes.iter().copied().max().unwrap_or_default() as f64;
            prop_assert!(least <= median && median <= greatest);
            #[allow(clippy::cast_precision_loss)]
            let below = minutes.iter().filter(|m| (**m as f64) <= median).count();
            #[allow(clippy::cast_precision_loss)]
            let above = minutes.iter().filter(|m| (**m as f64) >= median).count();
            prop_assert!(below * 2 >= minutes.len() && above * 2 >= minutes.len());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_follow_the_hotline_definitions() {
        let counts = Counts {
            dispatched: 10,
            signed_in_time: 9,
            resolved: 8,
            accepted: 6,
            rated: 5,
            satisfied: 4,
            ..Counts::default()
        };
        assert_eq!(counts.response_rate(), Some(0.9));
        assert_eq!(counts.resolution_rate(), Some(0.75));
        assert_eq!(counts.satisfaction_rate(), Some(0.8));
        assert_eq!(Counts::default().response_rate(), None);
    }

    #[test]
    fn buckets_and_medians() {
        assert_eq!(bucket_of(0), 0);
        assert_eq!(bucket_of(15), 0);
        assert_eq!(bucket_of(16), 1);
        assert_eq!(bucket_of(100_000), DURATION_BUCKETS.len() - 1);
        let mut histogram = [0; DURATION_BUCKETS.len()];
        assert_eq!(median_minutes(&histogram), None);
        histogram[2] = 4; // four between 30 and 60 minutes
        assert_eq!(median_minutes(&histogram), Some(45.0));
        histogram[0] = 4;
        assert_eq!(median_minutes(&histogram), Some(15.0));
    }
}
