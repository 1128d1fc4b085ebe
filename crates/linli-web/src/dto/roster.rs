//! The duty roster as the API answers it (to the community's staff only).

use chrono::{DateTime, NaiveDate, Utc};
use linli_domain::roster::{Half, Post, SwapStatus};
use linli_store::roster::{ShiftRow, SwapRow};
use serde::Serialize;

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = RosterShift)]
pub struct ShiftView {
    id: i64,
    day: NaiveDate,
    half: Half,
    post: Post,
    person_id: Option<i64>,
    name: String,
    represents: Option<String>,
}

impl From<ShiftRow> for ShiftView {
    fn from(row: ShiftRow) -> Self {
        Self {
            id: row.id,
            day: row.day,
            half: row.half,
            post: row.post,
            person_id: row.person_id,
            name: row.name,
            represents: row.represents,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = RosterSwap)]
pub struct SwapView {
    id: i64,
    shift_id: i64,
    requested_by: i64,
    replacement_person_id: Option<i64>,
    replacement_name: String,
    reason: String,
    status: SwapStatus,
    created_at: DateTime<Utc>,
}

impl From<SwapRow> for SwapView {
    fn from(row: SwapRow) -> Self {
        Self {
            id: row.id,
            shift_id: row.shift_id,
            requested_by: row.requested_by,
            replacement_person_id: row.replacement_person_id,
            replacement_name: row.replacement_name,
            reason: row.reason,
            status: row.status,
            created_at: row.created_at,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RosterWeekView {
    pub(crate) community_id: i64,
    /// The week's Monday.
    pub(crate) monday: NaiveDate,
    pub(crate) shifts: Vec<ShiftView>,
    pub(crate) swaps: Vec<SwapView>,
    /// Whether the caller arranges the roster.
    pub(crate) arranges: bool,
}

impl From<linli_app::roster::RosterWeek> for RosterWeekView {
    fn from(week: linli_app::roster::RosterWeek) -> Self {
        Self {
            community_id: week.community.0,
            monday: week.monday,
            shifts: super::from_rows(week.shifts),
            swaps: super::from_rows(week.swaps),
            arranges: week.arranges,
        }
    }
}
