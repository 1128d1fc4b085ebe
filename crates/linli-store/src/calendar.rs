//! The holiday calendar time limits count on: days off and swapped working days.

use crate::db::Store;
use crate::error::{StoreError, StoreResult};
use chrono::NaiveDate;
use linli_domain::calendar::WorkingCalendar;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Holiday {
    pub day: NaiveDate,
    /// `off` or `work` (a weekend day worked).
    pub kind: String,
    pub name: String,
}

impl Store {
    /// Adds holidays (and swapped working days) that are not recorded yet.
    pub async fn add_holidays(&self, holidays: &[Holiday]) -> StoreResult<u64> {
        on_pool!(&self.db, |pool| {
            let mut tx = pool.begin().await?;
            let mut added = 0;
            for holiday in holidays {
                added += sqlx::query("INSERT INTO holidays (day, kind, name) VALUES ($1, $2, $3) ON CONFLICT (day) DO NOTHING")
                    .bind(holiday.day)
                    .bind(&holiday.kind)
                    .bind(&holiday.name)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
            }
            tx.commit().await?;
            Ok::<_, StoreError>(added)
        })
        .inspect(|_| self.reference.forget_calendar())
    }

    /// Replaces one year's holidays (the administrator corrects or publishes a year).
    pub async fn replace_holidays(&self, year: i32, holidays: &[Holiday]) -> StoreResult<()> {
        let first = NaiveDate::from_ymd_opt(year, 1, 1)
            .ok_or(StoreError::Conflict("calendar.year_invalid"))?;
        let last = NaiveDate::from_ymd_opt(year, 12, 31)
            .ok_or(StoreError::Conflict("calendar.year_invalid"))?;
        on_pool!(&self.db, |pool| {
            let mut tx = pool.begin().await?;
            sqlx::query("DELETE FROM holidays WHERE day >= $1 AND day <= $2")
                .bind(first)
                .bind(last)
                .execute(&mut *tx)
                .await?;
            for holiday in holidays {
                sqlx::query("INSERT INTO holidays (day, kind, name) VALUES ($1, $2, $3)")
                    .bind(holiday.day)
                    .bind(&holiday.kind)
                    .bind(&holiday.name)
                    .execute(&mut *tx)
                    .await
                    .map_err(StoreError::unique_as("calendar.day_repeated"))?;
            }
            tx.commit().await?;
            Ok::<_, StoreError>(())
        })?;
        self.reference.forget_calendar();
        Ok(())
    }

    pub async fn holidays(&self, year: Option<i32>) -> StoreResult<Vec<Holiday>> {
        let range = year.and_then(|year| {
            Some((
                NaiveDate::from_ymd_opt(year, 1, 1)?,
                NaiveDate::from_ymd_opt(year, 12, 31)?,
            ))
        });
        let (first, last) = range.unzip();
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, Holiday>(
                "SELECT day, kind, name FROM holidays WHERE ($1 IS NULL OR day >= $1) AND ($2 IS NULL OR day <= $2) ORDER BY day",
            )
            .bind(first)
            .bind(last)
            .fetch_all(pool)
            .await
        })?)
    }

    /// The working calendar (from this instance's copy when fresh: every report reads it).
    pub async fn working_calendar(&self) -> StoreResult<WorkingCalendar> {
        if let Some(kept) = self.reference.calendar() {
            return Ok(kept.as_ref().clone());
        }
        let holidays = self.holidays(None).await?;
        let off = holidays
            .iter()
            .filter(|holiday| holiday.kind == "off")
            .map(|holiday| holiday.day);
        let work = holidays
            .iter()
            .filter(|holiday| holiday.kind == "work")
            .map(|holiday| holiday.day);
        let calendar = WorkingCalendar::new(off, work);
        Ok(self.reference.keep_calendar(calendar).as_ref().clone())
    }
}
