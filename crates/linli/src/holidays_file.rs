//! China's public holidays and swapped working days (调休), as the State Council
//! publishes them each year, in a small TOML file per year (see `data/`). The years
//! shipped with Linli are loaded into an empty calendar at start; the administrator
//! edits a year or adds the next one through the API.

use chrono::{Datelike, NaiveDate};
use linli_store::Store;
use linli_store::calendar::Holiday;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HolidayFile {
    pub year: i32,
    #[serde(rename = "holiday")]
    pub holidays: Vec<HolidayEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HolidayEntry {
    pub name: String,
    /// First and last day off, inclusive.
    pub off: [NaiveDate; 2],
    /// Weekend days worked instead.
    pub work: Vec<NaiveDate>,
}

#[derive(Debug, thiserror::Error)]
pub enum HolidayFileError {
    #[error("the holiday file is invalid: {0}")]
    Parse(#[from] Box<toml::de::Error>),
    #[error("{name}: {day} is not in {year}, or the range is backwards")]
    OutOfYear {
        name: String,
        day: NaiveDate,
        year: i32,
    },
}

pub const SHIPPED: [&str; 1] = [include_str!("../data/cn-holidays-2026.toml")];

impl HolidayFile {
    pub fn parse(text: &str) -> Result<Self, HolidayFileError> {
        let file: Self =
            toml::from_str(text).map_err(|error| HolidayFileError::Parse(Box::new(error)))?;
        for entry in &file.holidays {
            let [first, last] = entry.off;
            for day in [first, last].iter().chain(&entry.work) {
                if day.year() != file.year || first > last {
                    return Err(HolidayFileError::OutOfYear {
                        name: entry.name.clone(),
                        day: *day,
                        year: file.year,
                    });
                }
            }
        }
        Ok(file)
    }

    pub fn days(&self) -> Vec<Holiday> {
        let mut days = Vec::new();
        for entry in &self.holidays {
            let [first, last] = entry.off;
            let mut day = first;
            while day <= last {
                days.push(Holiday {
                    day,
                    kind: "off".to_owned(),
                    name: entry.name.clone(),
                });
                day = day.succ_opt().unwrap_or(last + chrono::Days::new(1));
            }
            days.extend(entry.work.iter().map(|day| Holiday {
                day: *day,
                kind: "work".to_owned(),
                name: format!("{}调休", entry.name),
            }));
        }
        days
    }
}

/// Loads each shipped year whose calendar is still empty, so an administrator's edits
/// are never overwritten.
pub async fn seed_shipped(store: &Store) -> anyhow::Result<()> {
    for text in SHIPPED {
        let file = HolidayFile::parse(text)?;
        if store.holidays(Some(file.year)).await?.is_empty() {
            store.add_holidays(&file.days()).await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_2026_schedule() -> Result<(), HolidayFileError> {
        let file = HolidayFile::parse(SHIPPED[0])?;
        let days = file.days();
        let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap_or_default();
        let kind = |m, d| {
            days.iter()
                .find(|holiday| holiday.day == day(m, d))
                .map(|holiday| holiday.kind.as_str())
        };
        assert_eq!(kind(10, 1), Some("off"));
        assert_eq!(kind(10, 7), Some("off"));
        assert_eq!(kind(10, 10), Some("work"));
        assert_eq!(kind(2, 15), Some("off"));
        assert_eq!(kind(2, 28), Some("work"));
        assert_eq!(kind(10, 8), None);
        // 元旦 3 + 春节 9 + 清明 3 + 劳动节 5 + 端午 3 + 中秋 3 + 国庆 7 days off.
        assert_eq!(
            days.iter().filter(|holiday| holiday.kind == "off").count(),
            33
        );
        Ok(())
    }

    #[test]
    fn a_day_of_another_year_is_refused() {
        let text = "year = 2027\n[[holiday]]\nname = \"元旦\"\noff = [\"2026-12-31\", \"2027-01-01\"]\nwork = []\n";
        assert!(matches!(
            HolidayFile::parse(text),
            Err(HolidayFileError::OutOfYear { .. })
        ));
    }
}
