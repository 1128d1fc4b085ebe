//! One shift: a resident signs up or cancels until the cut-off; the desk, the duty
//! officer or the supervisor checks volunteers in and out (or a volunteer checks in by
//! the shift's QR code during its window); the supervisor corrects minutes with a reason.

use super::visible_activity;
use crate::{App, AppError, AppResult, Caller};
use linli_domain::ids::{CommunityId, PersonId};
use linli_domain::volunteers::{
    check_before_cut_off, check_correction, check_in_window, may_check_in, may_correct,
};
use linli_domain::work_orders::parse_text;
use linli_store::passwords::token_hash;
use linli_store::volunteers::ActivityRow;
use linli_store::volunteers::ShiftRow;

/// A shift the caller may see, with its activity (else not found).
async fn visible_shift(app: &App, caller: &Caller, id: i64) -> AppResult<(ShiftRow, ActivityRow)> {
    let shift = app.store.volunteer_shift(id).await?;
    let activity =
        visible_activity(app, caller, shift.activity_id, "volunteer.shift_not_found").await?;
    Ok((shift, activity))
}

/// The caller signs up for a shift, before its cut-off.
pub async fn sign_up(app: &App, caller: &Caller, shift: i64) -> AppResult<i64> {
    let (row, activity) = visible_shift(app, caller, shift).await?;
    check_before_cut_off(row.starts_at, activity.cut_off_minutes, app.now())?;
    Ok(app
        .store
        .sign_up_for_shift(shift, caller.person, app.now())
        .await?)
}

/// The caller cancels their sign-up, before the cut-off.
pub async fn cancel(app: &App, caller: &Caller, shift: i64) -> AppResult<()> {
    let (row, activity) = visible_shift(app, caller, shift).await?;
    check_before_cut_off(row.starts_at, activity.cut_off_minutes, app.now())?;
    Ok(app
        .store
        .cancel_sign_up(shift, caller.person, app.now())
        .await?)
}

/// How a check-in is asked for: the desk names the volunteer, or the volunteer brings
/// the code of the shift's QR code.
#[derive(Debug, Clone)]
pub enum CheckIn<'a> {
    AtTheDesk { person: i64 },
    ByCode { code: &'a str },
}

/// Checks a volunteer in, once, during the shift's window.
pub async fn check_in(app: &App, caller: &Caller, shift: i64, how: CheckIn<'_>) -> AppResult<()> {
    let (row, activity) = visible_shift(app, caller, shift).await?;
    let person = match how {
        CheckIn::AtTheDesk { person } => {
            if !may_check_in(caller.grants(), CommunityId(activity.community_id)) {
                return Err(AppError::forbidden());
            }
            person
        }
        CheckIn::ByCode { code } => {
            // Compared by hash so the time taken says nothing about the secret.
            if token_hash(code.trim()) != token_hash(&row.check_in_code) {
                return Err(AppError::invalid("volunteer.code_invalid", "code"));
            }
            caller.person.0
        }
    };
    check_in_window(row.starts_at, row.ends_at, app.now())?;
    Ok(app
        .store
        .check_in_volunteer(shift, PersonId(person), caller.person, app.now())
        .await?)
}

/// Checks a volunteer out (the desk, the duty officer or the supervisor), once.
pub async fn check_out(app: &App, caller: &Caller, shift: i64, person: i64) -> AppResult<()> {
    let (_, activity) = visible_shift(app, caller, shift).await?;
    if !may_check_in(caller.grants(), CommunityId(activity.community_id)) {
        return Err(AppError::forbidden());
    }
    Ok(app
        .store
        .check_out_volunteer(shift, PersonId(person), caller.person, app.now())
        .await?)
}

/// The supervisor sets a sign-up's minutes, with a reason; the correction is appended,
/// the earlier minutes and corrections stay on record.
pub async fn correct(
    app: &App,
    caller: &Caller,
    sign_up: i64,
    minutes: i64,
    reason: &str,
) -> AppResult<i64> {
    let row = app.store.sign_up(sign_up).await?;
    let (shift, activity) = visible_shift(app, caller, row.shift_id)
        .await
        .map_err(|error| match error {
            AppError::NotFound(_) => AppError::NotFound("volunteer.sign_up_not_found"),
            other => other,
        })?;
    if !may_correct(caller.grants(), CommunityId(activity.community_id)) {
        return Err(AppError::forbidden());
    }
    let mut checks = crate::FieldChecks::default();
    checks.check(check_correction(shift.starts_at, shift.ends_at, minutes))?;
    let reason = checks.check(parse_text(reason, "reason"))?;
    checks.finish()?;
    Ok(app
        .store
        .correct_volunteer_minutes(
            sign_up,
            minutes,
            &reason.unwrap_or_default(),
            caller.person,
            app.now(),
        )
        .await?)
}
