//! This instance's copy of recent figures. The statistics page, the API, a street's big
//! screen and the public board ask for the same community's month again and again, and
//! reading the counters, the breakdown names, the overdue counts and the projects'
//! figures costs 2–4 ms of a core each time; sixteen people at once on two cores wait
//! for each other. So figures once read are kept, and used again while:
//! - nothing they are read from has changed since ([`Store::figures_version`]: this
//!   instance's own writes of work orders, meeting decisions and project results, and on
//!   PostgreSQL every change another instance announces; while this instance cannot hear
//!   the others, nothing is kept);
//! - they are younger than [`FRESH_FOR`], by the wall clock and by the application's
//!   clock. What no write announces shows within that: work orders passing a deadline
//!   (overdue now), a building or party renamed, a decision on another instance whose
//!   notice was lost.
//!
//! Requests that miss the same figures at once do not all read them: one reads, the
//! others wait for it and take its answer.

use super::StatisticsReport;
use crate::AppResult;
use chrono::{DateTime, NaiveDate, Utc};
use linli_store::Store;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// How long kept figures are used at most.
pub(crate) const FRESH_FOR: Duration = Duration::from_secs(1);

/// More distinct requests than this and the copy starts again empty (a bound on memory;
/// a street's pages ask for a few dozen).
const MOST_KEPT: usize = 512;

/// The communities (in order) and the days, `from` and `to` inclusive.
type Key = (Vec<i64>, NaiveDate, NaiveDate);

struct Kept {
    report: StatisticsReport,
    /// [`Store::figures_version`] before they were read.
    version: u64,
    read_at: Instant,
    /// The application's time they were read for.
    as_of: DateTime<Utc>,
}

impl Kept {
    fn holds(&self, version: u64, now: DateTime<Utc>) -> bool {
        let age = now.signed_duration_since(self.as_of);
        self.version == version
            && self.read_at.elapsed() < FRESH_FOR
            && age >= chrono::TimeDelta::zero()
            && age.to_std().is_ok_and(|age| age < FRESH_FOR)
    }
}

/// One place per request: the lock is held while its figures are read.
type Slot = Arc<tokio::sync::Mutex<Option<Kept>>>;

#[derive(Default)]
pub(crate) struct KeptFigures {
    slots: Mutex<HashMap<Key, Slot>>,
}

impl KeptFigures {
    fn slot(&self, key: Key) -> Slot {
        let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
        if slots.len() >= MOST_KEPT && !slots.contains_key(&key) {
            slots.clear();
        }
        Arc::clone(slots.entry(key).or_default())
    }

    /// The figures of `communities` over `from..=to` as of `now`: kept ones while they
    /// hold, or what `read` answers (kept when nothing changed while it read).
    pub(crate) async fn get_or_read<Read>(
        &self,
        store: &Store,
        communities: &[i64],
        (from, to): (NaiveDate, NaiveDate),
        now: DateTime<Utc>,
        read: Read,
    ) -> AppResult<StatisticsReport>
    where
        Read: Future<Output = AppResult<StatisticsReport>>,
    {
        if store.figures_version().is_none() {
            return read.await;
        }
        let slot = self.slot((communities.to_vec(), from, to));
        let mut kept = slot.lock().await;
        let version = store.figures_version();
        if let (Some(kept), Some(version)) = (kept.as_ref(), version)
            && kept.holds(version, now)
        {
            return Ok(kept.report.clone());
        }
        let report = read.await?;
        *kept = version
            .filter(|version| store.figures_version() == Some(*version))
            .map(|version| Kept {
                report: report.clone(),
                version,
                read_at: Instant::now(),
                as_of: now,
            });
        Ok(report)
    }
}
