//! Rules that run on the clock: flag newly overdue work orders — at triage or at the
//! lead party — (and raise them to the supervisor through the outbox), and close
//! resolved ones nobody answered in time.
//! Both are safe to run on several instances at once: marking is conditional on not
//! being marked yet, and closing goes through the version check.

use super::act::perform;
use crate::{App, AppError, AppResult};
use linli_domain::work_orders::state::ActionInput;
use linli_domain::work_orders::{LoopRules, Standing};

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct DueRulesReport {
    pub newly_overdue: usize,
    pub closed_by_rule: usize,
}

const BATCH: i64 = 500;

pub async fn run_due_rules(app: &App) -> AppResult<DueRulesReport> {
    let now = app.clock.now();
    give_missing_triage_deadlines(app).await?;
    let overdue = app.store.mark_newly_overdue(now, BATCH).await?;
    let mut closed = 0;
    let rules = LoopRules::default();
    for id in app
        .store
        .resolved_before(now - rules.acceptance_window, BATCH)
        .await?
    {
        let order = app.store.work_order(id).await?;
        let system = Standing {
            system: true,
            ..Standing::default()
        };
        let co_handlers = app.store.co_handlers(order.id).await?;
        match perform(
            app,
            &order,
            &co_handlers,
            system,
            None,
            false,
            ActionInput::CloseByRule,
        )
        .await
        {
            Ok(_) => closed += 1,
            // Someone acted on it in the meantime: the next run looks again.
            Err(AppError::Conflict(_)) => {}
            Err(error) => return Err(error),
        }
    }
    Ok(DueRulesReport {
        newly_overdue: overdue.len(),
        closed_by_rule: closed,
    })
}

/// Work orders reported before triage had a time limit (or loaded in bulk) get theirs,
/// counted from when they were reported, so that none waits unseen forever.
async fn give_missing_triage_deadlines(app: &App) -> AppResult<()> {
    let waiting = app.store.submitted_without_triage_deadline(BATCH).await?;
    if waiting.is_empty() {
        return Ok(());
    }
    let calendar = app.store.working_calendar().await?;
    for (id, category_id, reported_at) in waiting {
        let limits = app.store.category(category_id).await?.limits();
        let deadline = calendar.deadline(reported_at, limits.triage);
        app.store.set_missing_triage_deadline(id, deadline).await?;
    }
    Ok(())
}
