//! The community's content (新闻资讯 · 通知公告 · 党务政务公开): reading and listing as the
//! caller may (this file), writing, review and corrections (`write.rs`), images in
//! bodies (`images.rs`).
//!
//! Who sees what: the office sees every item of its community, drafts included; anyone
//! else sees published items meant for them — a notice's audience (everyone, their
//! buildings, their roles) — and, without signing in, only what is public (published,
//! for everyone, not expired). An expired notice leaves every list but the office's.

pub mod images;
pub mod write;

use crate::{App, AppError, AppResult, Caller};
use linli_domain::content::{
    Action, Audience, Kind, Standing, Status, decide, is_expired, is_public, may_edit, may_review,
    may_write, parse_roles, reaches, sees_all, staff_only,
};
use linli_domain::ids::{BuildingId, CommunityId, OrganisationId};
use linli_domain::registry::OrganisationKind;
use linli_store::content::{ContentEventRow, ContentRow, VersionRow};
use std::collections::HashMap;

/// An item's audience as stored, with the buildings of the community's items.
fn audience_of(item: &ContentRow, buildings: &[(i64, i64)]) -> Audience {
    match item.audience.as_str() {
        "buildings" => Audience::Buildings(
            buildings
                .iter()
                .filter(|(owner, _)| *owner == item.id)
                .map(|(_, building)| BuildingId(*building))
                .collect(),
        ),
        "roles" => {
            let names: Vec<String> = item.audience_roles.split(',').map(str::to_owned).collect();
            Audience::Roles(parse_roles(&names).unwrap_or_default())
        }
        _ => Audience::Everyone,
    }
}

/// The buildings of the caller's homes in a community.
async fn home_buildings(
    app: &App,
    caller: &Caller,
    community: CommunityId,
) -> AppResult<Vec<BuildingId>> {
    Ok(app
        .store
        .rooms_of(caller.person)
        .await?
        .into_iter()
        .filter(|room| room.community_id == community.0)
        .map(|room| BuildingId(room.building_id))
        .collect())
}

/// The community's party branches (their handlers review disclosures).
async fn party_branches(app: &App, community: CommunityId) -> AppResult<Vec<OrganisationId>> {
    Ok(app
        .store
        .organisations(community)
        .await?
        .into_iter()
        .filter(|organisation| organisation.kind == OrganisationKind::PartyBranch.as_str())
        .map(|organisation| OrganisationId(organisation.id))
        .collect())
}

/// How the caller stands to an item.
async fn standing(app: &App, caller: &Caller, item: &ContentRow) -> AppResult<Standing> {
    let community = CommunityId(item.community_id);
    let organisation = app
        .store
        .organisation(OrganisationId(item.organisation_id))
        .await?;
    let organisation_kind = OrganisationKind::parse(&organisation.kind)?;
    Ok(Standing {
        writer: may_write(
            caller.grants(),
            community,
            OrganisationId(item.organisation_id),
            organisation_kind,
            item.kind,
        ),
        reviewer: may_review(
            caller.grants(),
            community,
            &party_branches(app, community).await?,
        ),
        author: item.created_by == caller.person.0,
    })
}

/// Whether an item shows in the caller's lists.
fn listed(
    item: &ContentRow,
    audience: &Audience,
    caller: Option<(&Caller, &[BuildingId])>,
    now: chrono::DateTime<chrono::Utc>,
) -> bool {
    let community = CommunityId(item.community_id);
    match caller {
        Some((caller, _)) if sees_all(caller.grants(), community) => true,
        Some((caller, homes)) => {
            is_public(item.status, audience, item.expires_at, now)
                || (item.status == Status::Published
                    && !is_expired(item.expires_at, now)
                    && reaches(audience, caller.grants(), community, homes))
        }
        None => is_public(item.status, audience, item.expires_at, now),
    }
}

/// A community's items as the caller may list them (one kind, or all): pinned first,
/// then the latest first.
pub async fn list(
    app: &App,
    caller: Option<&Caller>,
    community_id: i64,
    kind: Option<Kind>,
) -> AppResult<Vec<ContentRow>> {
    let community = CommunityId(community_id);
    app.store.community(community).await?;
    let items = app.store.content_items(community, kind).await?;
    let buildings = app.store.content_buildings(community).await?;
    let homes = match caller {
        Some(caller) => home_buildings(app, caller, community).await?,
        None => Vec::new(),
    };
    let now = app.now();
    Ok(items
        .into_iter()
        .filter(|item| {
            let audience = audience_of(item, &buildings);
            listed(
                item,
                &audience,
                caller.map(|caller| (caller, homes.as_slice())),
                now,
            )
        })
        .collect())
}

/// How many of a staff notice's audience have read it ("已读 12/15").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadReceipts {
    pub read: usize,
    pub audience: usize,
}

/// An item as the caller may see it.
#[derive(Debug, Clone)]
pub struct ContentDetail {
    pub item: ContentRow,
    pub audience: Audience,
    /// The names of the audience's buildings, for the office.
    pub building_names: Vec<String>,
    pub expired: bool,
    /// Every published text, the first first: more than one means "已更新".
    pub versions: Vec<VersionRow>,
    /// The trail (who wrote, submitted, returned, approved): the office only.
    pub events: Option<Vec<ContentEventRow>>,
    /// What the caller may do now.
    pub actions: Vec<Action>,
    pub may_edit: bool,
    pub receipts: Option<ReadReceipts>,
}

/// The people of a community an audience names (the recipients of an urgent notice, the
/// denominator of read receipts).
pub async fn audience_people(app: &App, item: &ContentRow) -> AppResult<Vec<i64>> {
    let community = item.community_id;
    let buildings = app.store.content_buildings(CommunityId(community)).await?;
    let roles = match audience_of(item, &buildings) {
        Audience::Buildings(_) => return Ok(app.store.content_building_residents(item.id).await?),
        Audience::Roles(roles) => roles,
        Audience::Everyone => linli_domain::content::ROLES_IN_AUDIENCE.to_vec(),
    };
    let mut people = Vec::new();
    for role in roles {
        people.extend(app.store.holders_of(role.as_str(), community).await?);
    }
    people.sort_unstable();
    people.dedup();
    Ok(people)
}

/// Reads an item: the office sees any of its community's; others what is meant for
/// them; without signing in, what is public. Everything else does not exist for the
/// caller. A reader in the audience is counted as having read it.
pub async fn read(app: &App, caller: Option<&Caller>, id: i64) -> AppResult<ContentDetail> {
    let item = app.store.content_item(id).await?;
    let community = CommunityId(item.community_id);
    let buildings = app.store.content_buildings(community).await?;
    let audience = audience_of(&item, &buildings);
    let now = app.now();
    let office = caller.is_some_and(|caller| sees_all(caller.grants(), community));
    let in_audience = match caller {
        Some(caller) => reaches(
            &audience,
            caller.grants(),
            community,
            &home_buildings(app, caller, community).await?,
        ),
        None => false,
    };
    let public = is_public(item.status, &audience, item.expires_at, now);
    let published = item.status == Status::Published;
    if !(office || public || (published && in_audience)) {
        return Err(AppError::NotFound("content.not_found"));
    }
    if let (Some(caller), true, true) = (caller, published, in_audience) {
        app.store.mark_content_read(id, caller.person, now).await?;
    }
    let (actions, editable) = match caller {
        Some(caller) if office => {
            let who = standing(app, caller, &item).await?;
            let actions = Action::ALL
                .into_iter()
                .filter(|action| decide(item.kind, item.status, *action, who).is_ok())
                .collect();
            (actions, may_edit(item.kind, item.status, who))
        }
        _ => (Vec::new(), false),
    };
    let receipts = if office && published && staff_only(&audience) {
        let people = audience_people(app, &item).await?;
        let readers = app.store.content_readers(id).await?;
        Some(ReadReceipts {
            read: readers
                .iter()
                .filter(|reader| people.binary_search(reader).is_ok())
                .count(),
            audience: people.len(),
        })
    } else {
        None
    };
    let building_names = if office {
        let names: HashMap<i64, String> = app
            .store
            .buildings(community)
            .await?
            .into_iter()
            .map(|building| (building.id, building.name))
            .collect();
        match &audience {
            Audience::Buildings(ids) => ids
                .iter()
                .filter_map(|id| names.get(&id.0).cloned())
                .collect(),
            _ => Vec::new(),
        }
    } else {
        Vec::new()
    };
    Ok(ContentDetail {
        expired: is_expired(item.expires_at, now),
        versions: app.store.content_versions(id).await?,
        events: if office {
            Some(app.store.content_events(id).await?)
        } else {
            None
        },
        actions,
        may_edit: editable,
        receipts,
        building_names,
        audience,
        item,
    })
}

/// The parties the caller may write `kind` in the name of, in a community (the choices of
/// a form).
pub async fn parties_for(
    app: &App,
    caller: &Caller,
    community: CommunityId,
    kind: Kind,
) -> AppResult<Vec<linli_store::registry::Organisation>> {
    Ok(app
        .store
        .organisations(community)
        .await?
        .into_iter()
        .filter(|organisation| {
            OrganisationKind::parse(&organisation.kind).is_ok_and(|organisation_kind| {
                may_write(
                    caller.grants(),
                    community,
                    OrganisationId(organisation.id),
                    organisation_kind,
                    kind,
                )
            })
        })
        .collect())
}

/// Whether the caller writes any kind of content in the community (the office's pages
/// show the writing form; images may be uploaded).
pub async fn writes(app: &App, caller: &Caller, community: CommunityId) -> AppResult<bool> {
    for kind in Kind::ALL {
        if !parties_for(app, caller, community, kind).await?.is_empty() {
            return Ok(true);
        }
    }
    Ok(false)
}
