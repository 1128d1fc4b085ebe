//! Dispatch modes' use cases: who is registered to handle a category, the grab list a
//! handler takes work from, and the turn a new work order of a round-robin category takes.
//! Taking a work order from the grab list is the loop's `grab` action
//! ([`crate::work_orders::take_action`]).

use crate::work_orders::act::perform;
use crate::{App, AppError, AppResult, Caller};
use linli_domain::access::{self, holds};
use linli_domain::calendar::shanghai;
use linli_domain::dispatch_modes::DispatchMode;
use linli_domain::ids::{CommunityId, PersonId};
use linli_domain::permissions::RegistryAction;
use linli_domain::roles::Role;
use linli_domain::roster::half_of;
use linli_domain::work_orders::Standing;
use linli_domain::work_orders::state::ActionInput;
use linli_store::categories::Category;
use linli_store::dispatch_modes::{CommunityHandler, RegisteredHandler};
use linli_store::work_orders::WorkOrderRow;

/// Most work orders a grab list shows.
const GRAB_LIST_MAX: i64 = 50;

/// Most handlers one category may have registered.
const HANDLERS_MAX: usize = 200;

async fn category_and_community(
    app: &App,
    category: i64,
) -> AppResult<(Category, linli_store::registry::Community)> {
    let category = app.store.category(category).await?;
    let community = app
        .store
        .community(CommunityId(category.community_id))
        .await?;
    Ok((category, community))
}

/// Who arranges the handlers of a category: its administrators, the supervisor and the
/// duty officer (who would otherwise dispatch its work orders themselves).
fn may_arrange(caller: &Caller, community: &linli_store::registry::Community) -> bool {
    let id = CommunityId(community.id);
    caller.may(RegistryAction::ManageCategories, community.place())
        || holds(caller.grants(), Role::Supervisor, id)
        || holds(caller.grants(), Role::DutyOfficer, id)
}

/// The handlers registered for a category, with their party and load; the community's
/// staff read it.
pub async fn handlers(
    app: &App,
    caller: &Caller,
    category: i64,
) -> AppResult<Vec<RegisteredHandler>> {
    let (category, community) = category_and_community(app, category).await?;
    if !(access::is_staff(caller.grants(), CommunityId(community.id))
        || may_arrange(caller, &community))
    {
        return Err(AppError::forbidden());
    }
    Ok(app.store.category_handlers(category.id).await?)
}

/// Every handler of a community with their party: the office's choices when naming a
/// handler on dispatch or registering handlers for a category.
pub async fn community_handlers(
    app: &App,
    caller: &Caller,
    community: i64,
) -> AppResult<Vec<CommunityHandler>> {
    let community = app.store.community(CommunityId(community)).await?;
    if !(access::is_staff(caller.grants(), CommunityId(community.id))
        || may_arrange(caller, &community))
    {
        return Err(AppError::forbidden());
    }
    Ok(app
        .store
        .handlers_of_community(CommunityId(community.id))
        .await?)
}

/// Sets who is registered for a category. Each must hold a handler's role in the
/// category's community (`category.handler_unknown` on `person_ids` otherwise).
pub async fn set_handlers(
    app: &App,
    caller: &Caller,
    category: i64,
    person_ids: &[i64],
) -> AppResult<Vec<RegisteredHandler>> {
    let (category, community) = category_and_community(app, category).await?;
    if !may_arrange(caller, &community) {
        return Err(AppError::forbidden());
    }
    let mut people: Vec<i64> = person_ids.to_vec();
    people.sort_unstable();
    people.dedup();
    if people.len() > HANDLERS_MAX {
        return Err(AppError::invalid("validation.too_many", "person_ids"));
    }
    // One read of the community's handlers, not one per person named.
    let handlers = app
        .store
        .handlers_of_community(CommunityId(community.id))
        .await?;
    if !people
        .iter()
        .all(|person| handlers.iter().any(|handler| handler.person_id == *person))
    {
        return Err(AppError::invalid("category.handler_unknown", "person_ids"));
    }
    let people: Vec<PersonId> = people.into_iter().map(PersonId).collect();
    app.store
        .set_category_handlers(category.id, &people, caller.person, app.clock.now())
        .await?;
    Ok(app.store.category_handlers(category.id).await?)
}

/// What a handler sees to grab: the waiting work orders of the grab-mode categories they
/// are registered for, with how many unfinished they hold now.
#[derive(Debug, Clone)]
pub struct GrabList {
    pub orders: Vec<WorkOrderRow>,
    /// Unfinished work orders the caller has now.
    pub open: i64,
}

/// The caller's grab list (empty for anyone registered for nothing in grab mode).
pub async fn grab_list(app: &App, caller: &Caller) -> AppResult<GrabList> {
    let is_handler = caller
        .grants()
        .iter()
        .any(|grant| grant.role == Role::Handler);
    if !is_handler {
        return Err(AppError::forbidden());
    }
    Ok(GrabList {
        orders: app.store.grab_list(caller.person, GRAB_LIST_MAX).await?,
        open: app.store.open_assigned(caller.person).await?,
    })
}

/// Whether the caller is one who may grab this work order while it waits (the loop
/// checks that it still does, and the writing transaction the cap): its category is in
/// grab mode and the caller, a handler of its community, is registered for it.
pub(crate) async fn may_grab(app: &App, caller: &Caller, order: &WorkOrderRow) -> AppResult<bool> {
    if access::handler_organisations(caller.grants(), CommunityId(order.community_id)).is_empty() {
        return Ok(false);
    }
    let category = app.store.category(order.category_id).await?;
    if category.dispatch_mode != DispatchMode::Grab {
        return Ok(false);
    }
    Ok(app.store.registered_for(category.id, caller.person).await?)
}

/// A new work order of a round-robin category goes to the next handler in turn, as the
/// system's dispatch. With nobody free (or if the dispatch fails) it waits for the duty
/// officer like any other: nothing is lost, and the failure is logged.
pub(crate) async fn take_turn(app: &App, order: &WorkOrderRow, category: &Category) {
    if category.dispatch_mode != DispatchMode::RoundRobin {
        return;
    }
    let now = app.clock.now();
    let local = now.with_timezone(&shanghai());
    let turn = app
        .store
        .take_turn(category.id, local.date_naive(), half_of(local.time()), now)
        .await;
    let (handler, organisation) = match turn {
        Ok(Some(chosen)) => chosen,
        Ok(None) => return,
        Err(error) => {
            tracing::warn!(number = order.number, %error, "round-robin turn failed; left for the duty officer");
            return;
        }
    };
    let system = Standing {
        system: true,
        ..Standing::default()
    };
    let dispatch = ActionInput::Dispatch {
        lead: organisation,
        co_handlers: Vec::new(),
        priority: order.priority,
        assignee: Some(handler),
        note: None,
    };
    if let Err(error) = perform(app, order, &[], system, None, false, dispatch).await {
        tracing::warn!(
            number = order.number,
            ?error,
            "round-robin dispatch failed; left for the duty officer"
        );
    }
}
