//! A person's copy of everything Linli holds about them (个人信息保护法 第四十五条): their
//! account, roles and rooms, what they reported and said, the photos they took, their
//! donations, that they voted (never how), their volunteering, devices and messages.
//! Each person reads only their own.

use crate::sessions::{Me, me};
use crate::{App, AppResult, Caller};
use chrono::{DateTime, Utc};
use linli_store::personal_data::PersonalRecords;

pub struct PersonalData {
    pub me: Me,
    pub records: PersonalRecords,
    pub generated_at: DateTime<Utc>,
}

/// The caller's own data.
pub async fn own(app: &App, caller: &Caller) -> AppResult<PersonalData> {
    Ok(PersonalData {
        me: me(app, caller.person).await?,
        records: app.store.personal_records(caller.person).await?,
        generated_at: app.clock.now(),
    })
}
