//! The reception desk's visit log: who came, about what, and what became of it.

use crate::{App, AppError, AppResult, Caller, FieldChecks};
use chrono::{Duration, NaiveDate, TimeZone, Utc};
use linli_domain::access;
use linli_domain::calendar::shanghai;
use linli_domain::ids::{CommunityId, PersonId};
use linli_domain::registry::{Name, Phone};
use linli_domain::work_orders::parse_text;
use linli_store::registry::Community;
use linli_store::visits::{NewVisit, Visit};

/// The community whose desk the caller keeps: the one named, or their only one.
async fn desk_community(app: &App, caller: &Caller, named: Option<i64>) -> AppResult<Community> {
    community_where(app, caller, named, access::may_report_for_others).await
}

/// The community whose visit log the caller reads: the desk's own staff, and its
/// administrators (the community's or the system's), who audit the log but do not
/// write in it.
async fn log_reader_community(
    app: &App,
    caller: &Caller,
    named: Option<i64>,
) -> AppResult<Community> {
    community_where(app, caller, named, |grants, community| {
        access::may_report_for_others(grants, community) || access::administers(grants, community)
    })
    .await
}

/// The community named, or the caller's only one, among those where `allowed` holds.
async fn community_where(
    app: &App,
    caller: &Caller,
    named: Option<i64>,
    allowed: impl Fn(&[linli_domain::roles::Grant], CommunityId) -> bool,
) -> AppResult<Community> {
    let communities: Vec<Community> = crate::registry::visible_communities(app, caller)
        .await?
        .into_iter()
        .filter(|community| allowed(caller.grants(), CommunityId(community.id)))
        .collect();
    match named {
        Some(id) => communities
            .into_iter()
            .find(|community| community.id == id)
            .ok_or_else(AppError::forbidden),
        None if communities.len() == 1 => communities
            .into_iter()
            .next()
            .ok_or_else(AppError::forbidden),
        None if communities.is_empty() => Err(AppError::forbidden()),
        None => Err(AppError::invalid(
            "work_order.community_required",
            "community_id",
        )),
    }
}

/// A visit as the desk logs it.
#[derive(Debug, Clone, Default)]
pub struct VisitRequest {
    pub community_id: Option<i64>,
    pub visitor_name: String,
    pub visitor_phone: Option<String>,
    /// The visitor's account, when they have one.
    pub person_id: Option<i64>,
    pub building_id: Option<i64>,
    pub room_text: Option<String>,
    pub matter: String,
    pub outcome: Option<String>,
}

/// Logs a walk-in visit (or a call). Every wrong field is named at once.
pub async fn log_visit(app: &App, caller: &Caller, input: &VisitRequest) -> AppResult<Visit> {
    log_visit_after(app, caller, input, FieldChecks::default()).await
}

/// [`log_visit`], after checks of the same form already made (the desk's choice of a
/// category for the work order the visit becomes).
pub async fn log_visit_after(
    app: &App,
    caller: &Caller,
    input: &VisitRequest,
    mut checks: FieldChecks,
) -> AppResult<Visit> {
    let community = desk_community(app, caller, input.community_id).await?;
    let visitor_name = checks.check(Name::parse(&input.visitor_name, "visitor_name", 40))?;
    let phone = checks.check(
        input
            .visitor_phone
            .as_deref()
            .map(str::trim)
            .filter(|phone| !phone.is_empty())
            .map(|phone| Phone::parse(phone).map_err(|error| error.in_field("visitor_phone")))
            .transpose(),
    )?;
    let matter = checks.check(parse_text(&input.matter, "matter"))?;
    let outcome = checks.check(
        input
            .outcome
            .as_deref()
            .map(str::trim)
            .filter(|outcome| !outcome.is_empty())
            .map(|outcome| parse_text(outcome, "outcome"))
            .transpose(),
    )?;
    let room_text = checks.check(
        input
            .room_text
            .as_deref()
            .map(str::trim)
            .filter(|room| !room.is_empty())
            .map(|room| Name::parse(room, "room_text", 40))
            .transpose(),
    )?;
    if let Some(person) = input.person_id
        && !app
            .store
            .is_member_of(PersonId(person), CommunityId(community.id))
            .await?
    {
        checks.refuse(AppError::invalid("visit.person_unknown", "person_id"))?;
    }
    if let Some(building) = input.building_id {
        checks.check(crate::registry::building_in(app, community.id, building).await)?;
    }
    checks.finish()?;
    let (Some(visitor_name), Some(phone), Some(matter), Some(outcome), Some(room_text)) =
        (visitor_name, phone, matter, outcome, room_text)
    else {
        return Err(AppError::internal(
            "a visit passed its checks with a field missing",
        ));
    };
    Ok(app
        .store
        .create_visit(
            NewVisit {
                community: CommunityId(community.id),
                visitor_name: visitor_name.as_str(),
                visitor_phone: phone.as_ref().map(Phone::as_str),
                person: input.person_id.map(PersonId),
                building_id: input.building_id,
                room_text: room_text.as_ref().map(Name::as_str),
                matter: &matter,
                receptionist: caller.person,
                outcome: outcome.as_deref(),
            },
            app.clock.now(),
        )
        .await?)
}

/// The visit log of a day (Shanghai time; today when none is named).
pub async fn visits_of_day(
    app: &App,
    caller: &Caller,
    community_id: Option<i64>,
    date: Option<NaiveDate>,
) -> AppResult<Vec<Visit>> {
    let community = log_reader_community(app, caller, community_id).await?;
    let day = date.unwrap_or_else(|| app.clock.now().with_timezone(&shanghai()).date_naive());
    let start = shanghai()
        .from_local_datetime(&day.and_hms_opt(0, 0, 0).unwrap_or_default())
        .earliest()
        .map(|start| start.with_timezone(&Utc))
        .ok_or_else(|| AppError::invalid("validation.out_of_range", "date"))?;
    Ok(app
        .store
        .visits(
            CommunityId(community.id),
            start,
            start + Duration::days(1),
            500,
        )
        .await?)
}

/// The visits of the log the caller reads whose text holds `phrase` (Latin letters in
/// any case), newest first; `None` for a caller who does not read the log.
pub async fn containing(
    app: &App,
    caller: &Caller,
    community: i64,
    phrase: &str,
    limit: usize,
) -> AppResult<Option<Vec<Visit>>> {
    let grants = caller.grants();
    let id = CommunityId(community);
    if !(access::may_report_for_others(grants, id) || access::administers(grants, id)) {
        return Ok(None);
    }
    // The database narrows generously; the phrase decides, as for every other kind.
    let candidates = app
        .store
        .visits_possibly_containing(id, phrase, i64::try_from(limit * 4).unwrap_or(i64::MAX))
        .await?;
    Ok(Some(
        candidates
            .into_iter()
            .filter(|visit| {
                [
                    Some(visit.visitor_name.as_str()),
                    visit.room_text.as_deref(),
                    Some(visit.matter.as_str()),
                    visit.outcome.as_deref(),
                ]
                .into_iter()
                .flatten()
                .any(|text| linli_domain::highlight::contains(text, phrase))
            })
            .take(limit)
            .collect(),
    ))
}
