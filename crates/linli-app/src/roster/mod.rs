//! The joint office's duty roster (值班表): the supervisor arranges who holds the desk
//! and the duty post each half-day; whoever holds a shift may ask to hand it over, and
//! the supervisor approves or refuses. The duty officer of the moment is shown on the
//! triage pages and hears of new reports first.

use crate::{App, AppError, AppResult, Caller};
use chrono::NaiveDate;
use linli_domain::calendar::shanghai;
use linli_domain::ids::{CommunityId, PersonId};
use linli_domain::roles::Scope;
use linli_domain::roster::{
    Half, Post, SwapStatus, check_day, decide_swap, half_of, may_arrange, may_read, parse_name,
    week_of,
};
use linli_domain::work_orders::parse_text;
use linli_store::roster::{NewShift, ShiftRow, SwapRow};

/// A week of the roster as the caller may see it.
#[derive(Debug, Clone)]
pub struct RosterWeek {
    pub community: CommunityId,
    pub monday: NaiveDate,
    pub shifts: Vec<ShiftRow>,
    pub swaps: Vec<SwapRow>,
    pub arranges: bool,
}

fn today(app: &App) -> NaiveDate {
    app.now().with_timezone(&shanghai()).date_naive()
}

fn require_read(caller: &Caller, community: CommunityId) -> AppResult<()> {
    if may_read(caller.grants(), community) {
        Ok(())
    } else {
        Err(AppError::forbidden())
    }
}

/// The week holding `day` (this week when absent).
pub async fn week(
    app: &App,
    caller: &Caller,
    community: CommunityId,
    day: Option<NaiveDate>,
) -> AppResult<RosterWeek> {
    app.store.community(community).await?;
    require_read(caller, community)?;
    let monday = week_of(day.unwrap_or_else(|| today(app)));
    let sunday = monday + chrono::Days::new(6);
    Ok(RosterWeek {
        community,
        monday,
        shifts: app.store.shifts(community, monday, sunday).await?,
        swaps: app.store.swaps(community, monday, sunday).await?,
        arranges: may_arrange(caller.grants(), community),
    })
}

/// Who holds each post now (this half-day), for the triage pages and the notices.
pub async fn on_duty_now(app: &App, community: CommunityId) -> AppResult<Vec<ShiftRow>> {
    let now = app.now().with_timezone(&shanghai());
    let day = now.date_naive();
    let half = half_of(now.time());
    Ok(app
        .store
        .shifts(community, day, day)
        .await?
        .into_iter()
        .filter(|shift| shift.half == half)
        .collect())
}

#[derive(Debug, Clone, Default)]
pub struct ShiftRequest {
    pub day: Option<NaiveDate>,
    pub half: String,
    pub post: String,
    /// A person with an account (their name is taken from it), or else `name`.
    pub person_id: Option<i64>,
    pub name: Option<String>,
    pub represents: Option<String>,
}

/// Someone for a shift: a person of the community's staff or residents by their
/// account, or a name.
async fn holder(
    app: &App,
    community: CommunityId,
    person: Option<i64>,
    name: Option<&str>,
    field: &'static str,
) -> AppResult<(Option<PersonId>, String)> {
    match person {
        Some(id) => {
            let grants = app.store.grants_of(PersonId(id)).await.map_err(|error| {
                AppError::from(error).named_in("roster.person_unknown", "person_id")
            })?;
            let belongs = grants
                .iter()
                .any(|stored| stored.grant.scope == Scope::Community(community));
            if !belongs {
                return Err(AppError::invalid("roster.person_unknown", "person_id"));
            }
            Ok((
                Some(PersonId(id)),
                app.store.person(PersonId(id)).await?.display_name,
            ))
        }
        None => Ok((None, parse_name(name.unwrap_or_default(), field)?)),
    }
}

/// Arranges a shift (the supervisor).
pub async fn add_shift(
    app: &App,
    caller: &Caller,
    community: CommunityId,
    input: &ShiftRequest,
) -> AppResult<i64> {
    app.store.community(community).await?;
    if !may_arrange(caller.grants(), community) {
        return Err(AppError::forbidden());
    }
    let day = input
        .day
        .ok_or(AppError::invalid("validation.required", "day"))?;
    check_day(day, today(app))?;
    let half = Half::parse(input.half.trim())?;
    let post = Post::parse(input.post.trim())?;
    let (person, name) = holder(
        app,
        community,
        input.person_id,
        input.name.as_deref(),
        "name",
    )
    .await?;
    let represents = input
        .represents
        .as_deref()
        .map(str::trim)
        .filter(|text| !text.is_empty())
        .map(|text| parse_name(text, "represents"))
        .transpose()?;
    Ok(app
        .store
        .add_shift(
            community,
            &NewShift {
                day,
                half,
                post,
                person_id: person,
                name: &name,
                represents: represents.as_deref(),
            },
            caller.person,
            app.now(),
        )
        .await?)
}

/// Removes a shift (the supervisor).
pub async fn remove_shift(app: &App, caller: &Caller, id: i64) -> AppResult<()> {
    let shift = app.store.shift(id).await?;
    let community = CommunityId(shift.community_id);
    require_read(caller, community).map_err(|_| AppError::NotFound("roster.shift_not_found"))?;
    if !may_arrange(caller.grants(), community) {
        return Err(AppError::forbidden());
    }
    Ok(app.store.remove_shift(id).await?)
}

/// The holder of a shift (or the supervisor) asks to hand it to someone else.
pub async fn request_swap(
    app: &App,
    caller: &Caller,
    shift: i64,
    replacement_person: Option<i64>,
    replacement_name: Option<&str>,
    reason: &str,
) -> AppResult<i64> {
    let row = app.store.shift(shift).await?;
    let community = CommunityId(row.community_id);
    require_read(caller, community).map_err(|_| AppError::NotFound("roster.shift_not_found"))?;
    let holds_it = row.person_id == Some(caller.person.0);
    if !holds_it && !may_arrange(caller.grants(), community) {
        return Err(AppError::forbidden());
    }
    let reason = parse_text(reason, "reason")?;
    let (person, name) = holder(
        app,
        community,
        replacement_person,
        replacement_name,
        "replacement_name",
    )
    .await?;
    Ok(app
        .store
        .request_swap(shift, caller.person, (person, &name), &reason, app.now())
        .await?)
}

/// Approves or refuses a swap (the supervisor), or withdraws one's own request.
pub async fn decide(app: &App, caller: &Caller, swap: i64, decision: &str) -> AppResult<()> {
    let row = app.store.swap(swap).await?;
    let shift = app.store.shift(row.shift_id).await?;
    let community = CommunityId(shift.community_id);
    require_read(caller, community).map_err(|_| AppError::NotFound("roster.swap_not_found"))?;
    let to = match decision {
        "approve" => SwapStatus::Approved,
        "refuse" => SwapStatus::Refused,
        "withdraw" => SwapStatus::Withdrawn,
        _ => {
            return Err(AppError::invalid(
                "roster.swap_transition_unknown",
                "decision",
            ));
        }
    };
    let allowed = match to {
        SwapStatus::Withdrawn => row.requested_by == caller.person.0,
        _ => may_arrange(caller.grants(), community),
    };
    if !allowed {
        return Err(AppError::forbidden());
    }
    decide_swap(row.status, to).map_err(AppError::Conflict)?;
    // Whoever asked hears of the supervisor's decision (not of their own withdrawal).
    let notice = (to != SwapStatus::Withdrawn).then(|| linli_store::outbox::OutboxEntry {
        topic: linli_domain::notifications::Topic::RosterSwapDecided,
        community_id: Some(shift.community_id),
        work_order_id: None,
        payload: serde_json::json!({
            "person_ids": [row.requested_by],
            "decision": to.as_str(),
            "when": format!("{} {}", shift.day, app.texts.text(&format!("page.roster.{}", shift.half.as_str()), &[])),
            "title": app.texts.text(&format!("page.roster.{}", shift.post.as_str()), &[]),
        }),
        at: app.now(),
    });
    Ok(app
        .store
        .decide_swap(swap, to, caller.person, notice, app.now())
        .await?)
}

/// The community's staff who can hold a shift, by name: (person, name).
pub async fn staff(
    app: &App,
    caller: &Caller,
    community: CommunityId,
) -> AppResult<Vec<(i64, String)>> {
    require_read(caller, community)?;
    let mut people = Vec::new();
    for role in ["receptionist", "duty_officer", "supervisor", "handler"] {
        for person in app.store.holders_of(role, community.0).await? {
            if !people.iter().any(|(known, _)| *known == person) {
                people.push((
                    person,
                    app.store.person(PersonId(person)).await?.display_name,
                ));
            }
        }
    }
    people.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(people)
}
