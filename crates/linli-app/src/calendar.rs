//! The holiday calendar time limits count on: read by anyone signed in, set by the
//! system administrator when the State Council publishes next year's schedule.

use crate::{App, AppError, AppResult, Caller};
use chrono::{Datelike, NaiveDate};
use linli_domain::permissions::{Place, RegistryAction};
use linli_domain::registry::Name;
use linli_store::calendar::Holiday;
use std::collections::BTreeSet;

pub async fn holidays(app: &App, year: i32) -> AppResult<Vec<Holiday>> {
    Ok(app.store.holidays(Some(year)).await?)
}

/// One day of a year's calendar as given: `off` (a holiday) or `work` (a weekend day
/// worked, 调休).
#[derive(Debug, Clone)]
pub struct HolidayRequest {
    pub day: NaiveDate,
    pub kind: String,
    pub name: String,
}

/// Replaces a year's days off and swapped working days, all at once. A day given twice
/// is a mistake in the input, refused before anything is written.
pub async fn replace_year(
    app: &App,
    caller: &Caller,
    year: i32,
    days: &[HolidayRequest],
) -> AppResult<()> {
    caller.require(RegistryAction::ManageStreets, Place::Global)?;
    let mut holidays = Vec::with_capacity(days.len());
    let mut seen = BTreeSet::new();
    for day in days {
        if day.day.year() != year {
            return Err(AppError::invalid("calendar.day_outside_year", "day"));
        }
        if day.kind != "off" && day.kind != "work" {
            return Err(AppError::invalid("calendar.kind_unknown", "kind"));
        }
        if !seen.insert(day.day) {
            return Err(AppError::invalid("calendar.day_repeated", "day")
                .with_arg("day", day.day.to_string()));
        }
        let name = Name::parse(&day.name, "name", 40)?;
        holidays.push(Holiday {
            day: day.day,
            kind: day.kind.clone(),
            name: name.into_string(),
        });
    }
    app.store.replace_holidays(year, &holidays).await?;
    Ok(())
}
