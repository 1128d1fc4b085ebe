//! How a category's work orders find their handler (派单方式), per category:
//!
//! - **assign** (指派): the duty officer dispatches to a party, naming a handler or not;
//! - **grab** (抢单): the handlers registered for the category see its waiting work orders
//!   and take one themselves — it is theirs at once, signed for — while they have fewer
//!   than the category's cap of unfinished work orders;
//! - **round robin** (轮派): each new work order goes to the next registered handler in
//!   turn, those on the duty roster now first, skipping anyone at the cap; with nobody
//!   free it waits for the duty officer, as in assign mode.
//!
//! Pure: the store reads the candidates and their open work orders under a lock, this
//! chooses.

use crate::error::ValidationError;
use crate::ids::PersonId;
use crate::meetings::named_enum;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

named_enum!(
    /// How a category's work orders find their handler.
    DispatchMode, "category.dispatch_mode_unknown", "dispatch_mode" {
        /// 指派: the duty officer dispatches.
        Assign => "assign",
        /// 抢单: registered handlers take waiting work orders.
        Grab => "grab",
        /// 轮派: registered handlers take turns, on duty first.
        RoundRobin => "round_robin",
    }
);

/// The fewest and most unfinished work orders a handler may hold in grab and
/// round-robin modes.
pub const OPEN_CAP_RANGE: std::ops::RangeInclusive<i64> = 1..=50;

/// The cap when a category does not set one.
pub const DEFAULT_OPEN_CAP: i64 = 5;

/// A cap of unfinished work orders per handler, within [`OPEN_CAP_RANGE`].
pub fn parse_open_cap(cap: i64) -> Result<i64, ValidationError> {
    if OPEN_CAP_RANGE.contains(&cap) {
        Ok(cap)
    } else {
        Err(ValidationError::new(
            "category.open_cap_invalid",
            "open_cap",
        ))
    }
}

/// Whether a handler holding `open` unfinished work orders may take one more.
pub fn under_cap(open: i64, cap: i64) -> bool {
    open < cap
}

/// A registered handler as the turn sees them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate {
    pub person: PersonId,
    /// Holds a shift of the duty roster now.
    pub on_duty: bool,
    /// Unfinished work orders they hold (待处理, 处理中, 挂起).
    pub open: i64,
    /// When they were last given or took a work order; never comes first.
    pub last_assigned_at: Option<DateTime<Utc>>,
}

/// Whose turn it is: among those under the cap, the ones on duty if any are, then whoever
/// was given a work order longest ago (never first), then the earliest registered
/// account. `None` when everyone is at the cap (or nobody is registered).
pub fn next_in_turn(candidates: &[Candidate], cap: i64) -> Option<PersonId> {
    let free = candidates
        .iter()
        .filter(|candidate| under_cap(candidate.open, cap));
    let any_on_duty = free.clone().any(|candidate| candidate.on_duty);
    free.filter(|candidate| candidate.on_duty || !any_on_duty)
        .min_by_key(|candidate| (candidate.last_assigned_at, candidate.person.0))
        .map(|candidate| candidate.person)
}

#[cfg(test)]
mod tests;
