//! The holiday calendar as the API answers it.

use chrono::NaiveDate;
use linli_store::calendar::Holiday;
use serde::Serialize;

/// A day off, or a weekend day worked instead.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = Holiday)]
pub struct HolidayView {
    day: NaiveDate,
    /// `off` or `work` (a weekend day worked).
    kind: String,
    name: String,
}

impl From<Holiday> for HolidayView {
    fn from(holiday: Holiday) -> Self {
        Self {
            day: holiday.day,
            kind: holiday.kind,
            name: holiday.name,
        }
    }
}
