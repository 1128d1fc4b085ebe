//! Claims of a room. A signed-in person names the room they live in and who they are
//! there (owner, family member, tenant); the residents' committee (居委会) — for an owner
//! also the owners' committee (业委会) — confirms it against its roll or refuses it with a
//! reason, and the person is told either way. A confirmed claim writes exactly what staff
//! registration writes: the person's room with its relation, and the resident role in
//! the community, so votes keep counting owners of record and nothing else.
//!
//! Until then the person reads public pages and may report as an unconfirmed resident
//! (the report is marked 未核实 for triage), and sees nothing of the room's affairs.

use crate::{App, AppError, AppResult, Caller, FieldChecks};
use linli_domain::access::{self, holds};
use linli_domain::accounts::{ClaimDecision, ClaimStatus, MobilePhone, REASON_MAX, may_decide};
use linli_domain::ids::{CommunityId, PersonId, RoomId};
use linli_domain::notifications::Topic;
use linli_domain::registry::{Name, OrganisationKind, RoomRelation};
use linli_domain::roles::Role;
use linli_store::accounts::{ClaimRow, ClaimVerdict};
use linli_store::outbox::OutboxEntry;

/// Most claims a queue shows at once.
const QUEUE_MAX: i64 = 200;

/// A claim as its maker sends it.
#[derive(Debug, Clone, Default)]
pub struct ClaimInput {
    /// Their name, when they give (or correct) it with the claim.
    pub display_name: Option<String>,
    pub room_id: Option<i64>,
    /// `owner`, `family` or `tenant`.
    pub relation: String,
    /// The community the room must be in, when the form chose one.
    pub community_id: Option<i64>,
}

/// Files a claim of a room for the caller. Every wrong field is named at once; a second
/// claim of a room still waiting is a conflict (`accounts.claim_pending`).
pub async fn claim_room(app: &App, caller: &Caller, input: ClaimInput) -> AppResult<ClaimRow> {
    let mut checks = FieldChecks::default();
    let name = match input.display_name.as_deref() {
        Some(raw) => checks.check(Name::parse(raw, "display_name", 40))?,
        None => None,
    };
    let relation = checks.check(RoomRelation::parse(input.relation.trim()))?;
    let room = match input.room_id {
        None => {
            checks.refuse(AppError::invalid("accounts.room_unknown", "room_id"))?;
            None
        }
        Some(id) => match app.store.room(RoomId(id)).await {
            Ok(room)
                if input
                    .community_id
                    .is_none_or(|community| community == room.community_id) =>
            {
                Some(room)
            }
            Ok(_) => {
                checks.refuse(AppError::invalid("accounts.room_unknown", "room_id"))?;
                None
            }
            Err(error) => {
                checks
                    .refuse(AppError::from(error).named_in("accounts.room_unknown", "room_id"))?;
                None
            }
        },
    };
    if let Some(room) = &room
        && app.store.lives_in(caller.person, RoomId(room.id)).await?
    {
        checks.refuse(AppError::invalid(
            "accounts.already_living_there",
            "room_id",
        ))?;
    }
    checks.finish()?;
    let (Some(room), Some(relation)) = (room, relation) else {
        return Err(AppError::internal(
            "a claim passed its checks with a field missing",
        ));
    };
    if let Some(name) = name {
        app.store
            .set_display_name(caller.person, name.as_str())
            .await?;
    }
    let id = app
        .store
        .add_claim(caller.person, &room, relation, app.now())
        .await?;
    Ok(app.store.claim(id).await?)
}

/// The caller's own claims, the latest first.
pub async fn mine(app: &App, caller: &Caller) -> AppResult<Vec<ClaimRow>> {
    Ok(app.store.claims_of(caller.person).await?)
}

/// The committees (居委会, 业委会) the caller handles for in a community.
async fn committees_of(
    app: &App,
    caller: &Caller,
    community: CommunityId,
) -> AppResult<Vec<OrganisationKind>> {
    let mut kinds = Vec::new();
    for organisation in access::handler_organisations(caller.grants(), community) {
        let organisation = app.store.organisation(organisation).await?;
        if let Ok(
            kind @ (OrganisationKind::ResidentsCommittee | OrganisationKind::OwnersCommittee),
        ) = OrganisationKind::parse(&organisation.kind)
        {
            kinds.push(kind);
        }
    }
    Ok(kinds)
}

/// Whether the caller may decide a claim of `relation` in the community.
async fn may_decide_claim(
    app: &App,
    caller: &Caller,
    community: CommunityId,
    relation: RoomRelation,
) -> AppResult<bool> {
    Ok(committees_of(app, caller, community)
        .await?
        .into_iter()
        .any(|kind| may_decide(kind, relation)))
}

/// Whether the caller checks claims in the community: a handler of its 居委会 or
/// 业委会, or its supervisor. Reads nothing for anyone else.
pub async fn checks_claims(app: &App, caller: &Caller, community: CommunityId) -> AppResult<bool> {
    if holds(caller.grants(), Role::Supervisor, community) {
        return Ok(true);
    }
    Ok(!committees_of(app, caller, community).await?.is_empty())
}

/// A community's claims in a status, for its committees (the owners' committee sees
/// owners' claims) and its supervisor: the name, number and room that they check
/// against their roll.
pub async fn queue(
    app: &App,
    caller: &Caller,
    community: Option<i64>,
    status: Option<&str>,
) -> AppResult<Vec<ClaimRow>> {
    let community = crate::registry::community_of_request(app, caller, community).await?;
    let id = CommunityId(community.id);
    let status = ClaimStatus::parse(status.unwrap_or("pending"))?;
    let committees = committees_of(app, caller, id).await?;
    let supervisor = holds(caller.grants(), Role::Supervisor, id);
    if committees.is_empty() && !supervisor {
        return Err(AppError::forbidden());
    }
    let claims = app.store.claims_in(id, status, QUEUE_MAX).await?;
    Ok(claims
        .into_iter()
        .filter(|claim| {
            supervisor
                || committees
                    .iter()
                    .any(|kind| may_decide(*kind, claim.relation.0))
        })
        .collect())
}

/// The room as people say it: `7号楼1单元302室`.
fn room_of(claim: &ClaimRow) -> String {
    crate::work_orders::room_label(&claim.building_name, &claim.unit_number, &claim.room_number)
}

/// Confirms or refuses a waiting claim (a refusal needs a reason); the claimant is told
/// in the same transaction.
pub async fn decide(
    app: &App,
    caller: &Caller,
    claim: i64,
    decision: &str,
    reason: Option<&str>,
) -> AppResult<ClaimRow> {
    let row = app.store.claim(claim).await?;
    let community = CommunityId(row.community_id);
    if !may_decide_claim(app, caller, community, row.relation.0).await? {
        // Staff of the community learn it exists; anyone else that it does not.
        return Err(if access::is_staff(caller.grants(), community) {
            AppError::forbidden()
        } else {
            AppError::NotFound("accounts.claim_not_found")
        });
    }
    let decision = ClaimDecision::parse(decision.trim())?;
    let reason = reason.map(str::trim).filter(|reason| !reason.is_empty());
    let reason = match (decision, reason) {
        (ClaimDecision::Refuse, None) => {
            return Err(AppError::invalid("accounts.reason_required", "reason"));
        }
        (_, Some(reason)) => Some(Name::parse(reason, "reason", REASON_MAX)?.into_string()),
        (ClaimDecision::Confirm, None) => None,
    };
    if row.status != ClaimStatus::Pending {
        return Err(AppError::Conflict("accounts.claim_decided"));
    }
    let confirm = decision == ClaimDecision::Confirm;
    let notice = OutboxEntry {
        topic: Topic::AccountsClaimDecided,
        community_id: Some(row.community_id),
        work_order_id: None,
        payload: serde_json::json!({
            "person_ids": [row.person_id],
            "decision": if confirm { "confirmed" } else { "refused" },
            "title": room_of(&row),
            "reason": reason.clone().unwrap_or_default(),
        }),
        at: app.now(),
    };
    Ok(app
        .store
        .decide_claim(
            ClaimVerdict {
                claim,
                confirm,
                reason: reason.as_deref(),
                by: caller.person,
                notice,
            },
            app.now(),
        )
        .await?)
}

/// An owner's invitations of this number take effect for the person signing in with it.
pub(crate) async fn accept_invitations(
    app: &App,
    person: PersonId,
    phone: &MobilePhone,
) -> AppResult<()> {
    app.store
        .accept_invitations(person, phone.as_str(), app.now())
        .await?;
    Ok(())
}

/// One step of the room pickers: the choices below what was chosen so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Places {
    /// `community`, `estate`, `building`, `unit` or `room`: what the options are.
    pub level: &'static str,
    pub options: Vec<(i64, String)>,
}

/// What was chosen so far in the pickers (community → estate → building → unit).
#[derive(Debug, Clone, Copy, Default)]
pub struct PlaceChoice {
    pub community_id: Option<i64>,
    pub estate_id: Option<i64>,
    pub building_id: Option<i64>,
    pub unit_id: Option<i64>,
}

/// The next choices of the pickers. Room numbers are no secret (they are on the
/// doors); who lives behind them never shows here.
pub async fn places(app: &App, choice: PlaceChoice) -> AppResult<Places> {
    use linli_domain::ids::BuildingId;
    let Some(community) = choice.community_id else {
        let options = app
            .store
            .communities(None)
            .await?
            .into_iter()
            .map(|community| (community.id, community.name))
            .collect();
        return Ok(Places {
            level: "community",
            options,
        });
    };
    let community = CommunityId(community);
    let unknown = |field| AppError::invalid("accounts.place_unknown", field);
    app.store.community(community).await.map_err(|error| {
        AppError::from(error).named_in("accounts.place_unknown", "community_id")
    })?;
    let Some(estate) = choice.estate_id else {
        let options = app
            .store
            .estates(community)
            .await?
            .into_iter()
            .map(|estate| (estate.id, estate.name))
            .collect();
        return Ok(Places {
            level: "estate",
            options,
        });
    };
    let buildings: Vec<_> = app
        .store
        .buildings(community)
        .await?
        .into_iter()
        .filter(|building| building.estate_id == estate)
        .collect();
    if buildings.is_empty()
        && !app
            .store
            .estates(community)
            .await?
            .iter()
            .any(|known| known.id == estate)
    {
        return Err(unknown("estate_id"));
    }
    let Some(building) = choice.building_id else {
        return Ok(Places {
            level: "building",
            options: buildings
                .into_iter()
                .map(|building| (building.id, building.name))
                .collect(),
        });
    };
    if !buildings.iter().any(|known| known.id == building) {
        return Err(unknown("building_id"));
    }
    let units = app.store.units(BuildingId(building)).await?;
    let Some(unit) = choice.unit_id else {
        return Ok(Places {
            level: "unit",
            options: units
                .into_iter()
                .map(|unit| (unit.id, format!("{}单元", unit.number)))
                .collect(),
        });
    };
    if !units.iter().any(|known| known.id == unit) {
        return Err(unknown("unit_id"));
    }
    let options = app
        .store
        .rooms_of_building(BuildingId(building))
        .await?
        .into_iter()
        .filter(|room| room.unit_id == unit)
        .map(|room| (room.id, format!("{}室", room.number)))
        .collect();
    Ok(Places {
        level: "room",
        options,
    })
}
