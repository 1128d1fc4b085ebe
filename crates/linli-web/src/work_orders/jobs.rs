//! Rules that run on the clock: flag newly overdue work orders (and raise them to the
//! supervisor through the outbox), and close resolved ones nobody answered in time.
//! Both are safe to run on several instances at once: marking is conditional on not
//! being marked yet, and closing goes through the version check.

use super::actions::perform;
use crate::state::AppState;
use linli_domain::work_orders::state::ActionInput;
use linli_domain::work_orders::{LoopRules, Standing};

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct DueRulesReport {
    pub newly_overdue: usize,
    pub closed_by_rule: usize,
}

const BATCH: i64 = 500;

pub async fn run_due_rules(state: &AppState) -> Result<DueRulesReport, crate::ApiError> {
    let now = state.clock.now();
    let overdue = state.store.mark_newly_overdue(now, BATCH).await?;
    let mut closed = 0;
    let rules = LoopRules::default();
    for id in state
        .store
        .resolved_before(now - rules.acceptance_window, BATCH)
        .await?
    {
        let order = state.store.work_order(id).await?;
        let system = Standing {
            system: true,
            ..Standing::default()
        };
        let co_handlers = state.store.co_handlers(order.id).await?;
        match perform(
            state,
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
            Err(error) if error.status == axum::http::StatusCode::CONFLICT => {}
            Err(error) => return Err(error),
        }
    }
    Ok(DueRulesReport {
        newly_overdue: overdue.len(),
        closed_by_rule: closed,
    })
}
