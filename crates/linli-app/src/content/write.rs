//! Writing content: a draft in the name of a party, rewritten while a draft; the steps of
//! the workflow (publish; or submit, approve, return with a reason); and corrections of
//! a published text, each kept as a new version with why it changed. An urgent notice,
//! once published, is announced to its audience's inboxes and the community's channels.

use super::standing;
use crate::{App, AppError, AppResult, Caller, FieldChecks, Refusal};
use chrono::{DateTime, Utc};
use linli_domain::content::{
    Action, Kind, REASON_MAX, Refusal as ContentRefusal, Status, TITLE_MAX, check_expiry, decide,
    may_edit, may_write, parse_roles,
};
use linli_domain::ids::{CommunityId, OrganisationId};
use linli_domain::meetings::{parse_line, parse_long_text};
use linli_domain::notifications::Topic;
use linli_domain::registry::OrganisationKind;
use linli_store::content::{ContentFields, ContentStep};
use linli_store::outbox::OutboxEntry;
use serde_json::json;

/// What a writer sends: every field of an item.
#[derive(Debug, Clone, Default)]
pub struct ContentRequest {
    pub community_id: i64,
    /// `news`, `notice`, `party_affairs`, `government_affairs`, `residents_affairs`,
    /// `financial` (fixed once created).
    pub kind: String,
    /// The party it is published in the name of.
    pub organisation_id: i64,
    pub title: String,
    /// Markdown.
    pub body: String,
    /// Notices only: `everyone` (the default), `buildings` or `roles`.
    pub audience: String,
    pub building_ids: Vec<i64>,
    pub roles: Vec<String>,
    pub pinned: bool,
    /// Notices only: announced to the audience's inboxes and the channels when published.
    pub urgent: bool,
    /// Notices only: after this it leaves every list.
    pub expires_at: Option<DateTime<Utc>>,
    /// Financial disclosures only: the campaign whose public ledger it links.
    pub campaign_id: Option<i64>,
}

/// An item's fields, checked; every wrong field is named at once.
struct Checked {
    organisation_id: i64,
    title: String,
    body: String,
    audience: &'static str,
    roles: String,
    buildings: Vec<i64>,
}

async fn check(
    app: &App,
    caller: &Caller,
    community: CommunityId,
    kind: Kind,
    input: &ContentRequest,
) -> AppResult<Checked> {
    let organisations = app.store.organisations(community).await?;
    let Some(organisation) = organisations
        .iter()
        .find(|organisation| organisation.id == input.organisation_id)
    else {
        return Err(AppError::invalid(
            "content.organisation_unknown",
            "organisation_id",
        ));
    };
    let organisation_kind = OrganisationKind::parse(&organisation.kind)?;
    if !kind.publishers().contains(&organisation_kind) {
        return Err(AppError::invalid(
            "content.organisation_cannot_publish",
            "organisation_id",
        ));
    }
    if !may_write(
        caller.grants(),
        community,
        OrganisationId(organisation.id),
        organisation_kind,
        kind,
    ) {
        return Err(AppError::forbidden());
    }
    let mut checks = FieldChecks::default();
    let title = checks.check(parse_line(&input.title, "title", TITLE_MAX))?;
    let body = checks.check(parse_long_text(&input.body, "body"))?;
    let audience = match input.audience.trim() {
        "" | "everyone" => "everyone",
        "buildings" => "buildings",
        "roles" => "roles",
        _ => {
            checks.refuse(AppError::invalid("content.audience_unknown", "audience"))?;
            "everyone"
        }
    };
    let notice = kind == Kind::Notice;
    if !notice {
        let notice_only = |field| AppError::invalid("content.notice_only", field);
        if audience != "everyone" {
            checks.refuse(notice_only("audience"))?;
        }
        if input.urgent {
            checks.refuse(notice_only("urgent"))?;
        }
        if input.expires_at.is_some() {
            checks.refuse(notice_only("expires_at"))?;
        }
    }
    let mut buildings = Vec::new();
    if audience == "buildings" {
        let known: Vec<i64> = app
            .store
            .buildings(community)
            .await?
            .into_iter()
            .map(|building| building.id)
            .collect();
        buildings = input.building_ids.clone();
        buildings.sort_unstable();
        buildings.dedup();
        if buildings.is_empty() {
            checks.refuse(AppError::invalid("content.audience_empty", "building_ids"))?;
        } else if buildings.iter().any(|building| !known.contains(building)) {
            checks.refuse(AppError::invalid(
                "content.building_unknown",
                "building_ids",
            ))?;
        }
    }
    let mut roles = String::new();
    if audience == "roles"
        && let Some(parsed) = checks.check(parse_roles(&input.roles))?
    {
        roles = parsed
            .iter()
            .map(|role| role.as_str())
            .collect::<Vec<_>>()
            .join(",");
    }
    checks.check(check_expiry(input.expires_at, app.now()))?;
    if let Some(campaign) = input.campaign_id {
        if kind != Kind::Financial {
            checks.refuse(AppError::invalid(
                "content.campaign_only_financial",
                "campaign_id",
            ))?;
        } else if !app
            .store
            .campaigns(community)
            .await?
            .iter()
            .any(|known| known.id == campaign)
        {
            checks.refuse(AppError::invalid("content.campaign_unknown", "campaign_id"))?;
        }
    }
    checks.finish()?;
    Ok(Checked {
        organisation_id: organisation.id,
        title: title.unwrap_or_default(),
        body: body.unwrap_or_default(),
        audience,
        roles,
        buildings,
    })
}

fn fields<'a>(checked: &'a Checked, input: &ContentRequest) -> ContentFields<'a> {
    ContentFields {
        organisation_id: checked.organisation_id,
        title: &checked.title,
        body: &checked.body,
        audience: checked.audience,
        audience_roles: &checked.roles,
        buildings: &checked.buildings,
        pinned: input.pinned,
        urgent: input.urgent,
        expires_at: input.expires_at,
        campaign_id: input.campaign_id,
    }
}

/// A new draft; the caller must write its kind in the name of its party.
pub async fn create(app: &App, caller: &Caller, input: &ContentRequest) -> AppResult<i64> {
    let community = CommunityId(input.community_id);
    app.store.community(community).await?;
    let kind = Kind::parse(&input.kind)?;
    let checked = check(app, caller, community, kind, input).await?;
    Ok(app
        .store
        .create_content(
            community,
            kind,
            &fields(&checked, input),
            caller.person,
            app.now(),
        )
        .await?)
}

/// Rewrites a draft (every field but its kind and community).
pub async fn update_draft(
    app: &App,
    caller: &Caller,
    id: i64,
    input: &ContentRequest,
) -> AppResult<()> {
    let item = super::read(app, Some(caller), id).await?.item;
    let who = standing(app, caller, &item).await?;
    if !may_edit(item.kind, item.status, who) {
        return Err(refusal_to_edit(who.writer || who.reviewer));
    }
    if item.status != Status::Draft {
        return Err(AppError::Conflict("content.not_draft"));
    }
    let community = CommunityId(item.community_id);
    let input = ContentRequest {
        community_id: item.community_id,
        ..input.clone()
    };
    let checked = check(app, caller, community, item.kind, &input).await?;
    app.store
        .update_content_draft(id, &fields(&checked, &input), caller.person, app.now())
        .await?;
    Ok(())
}

fn refusal_to_edit(office_writer: bool) -> AppError {
    if office_writer {
        AppError::Conflict("content.not_editable")
    } else {
        AppError::forbidden()
    }
}

/// A correction of a published text: kept as the next version, with why it changed
/// (`note`, required). `version` is the one the editor read.
#[derive(Debug, Clone, Default)]
pub struct Correction {
    pub version: i64,
    pub title: String,
    pub body: String,
    pub pinned: bool,
    pub note: String,
}

pub async fn correct(app: &App, caller: &Caller, id: i64, input: &Correction) -> AppResult<i64> {
    let item = super::read(app, Some(caller), id).await?.item;
    let who = standing(app, caller, &item).await?;
    if item.status != Status::Published {
        return Err(if who.writer || who.reviewer {
            AppError::Conflict("content.not_published")
        } else {
            AppError::forbidden()
        });
    }
    if !may_edit(item.kind, item.status, who) {
        return Err(AppError::forbidden());
    }
    let mut checks = FieldChecks::default();
    let title = checks.check(parse_line(&input.title, "title", TITLE_MAX))?;
    let body = checks.check(parse_long_text(&input.body, "body"))?;
    let note = checks.check(parse_line(&input.note, "note", REASON_MAX))?;
    checks.finish()?;
    Ok(app
        .store
        .correct_content(
            id,
            input.version,
            &title.unwrap_or_default(),
            &body.unwrap_or_default(),
            input.pinned,
            &note.unwrap_or_default(),
            caller.person,
            app.now(),
        )
        .await?)
}

/// Takes one step of the workflow; `reason` is required to return a draft.
pub async fn act(
    app: &App,
    caller: &Caller,
    id: i64,
    action: Action,
    reason: &str,
) -> AppResult<()> {
    let item = super::read(app, Some(caller), id).await?.item;
    let who = standing(app, caller, &item).await?;
    let to = decide(item.kind, item.status, action, who).map_err(|refusal| match refusal {
        ContentRefusal::Forbidden => AppError::refused("auth.forbidden", Refusal::Forbidden),
        ContentRefusal::Conflict(code) => AppError::Conflict(code),
    })?;
    let reason = match action {
        Action::Return => parse_line(reason, "reason", REASON_MAX)?,
        _ => String::new(),
    };
    let now = app.now();
    if to == Status::Published {
        check_expiry(item.expires_at, now)?;
    }
    let event = match action {
        Action::Submit => "submitted",
        Action::Approve => "approved",
        Action::Return => "returned",
        Action::Publish => "published",
    };
    let mut outbox = Vec::new();
    if to == Status::Published && item.urgent && item.kind == Kind::Notice {
        outbox.push(OutboxEntry {
            topic: Topic::ContentUrgentNotice,
            community_id: Some(item.community_id),
            work_order_id: None,
            payload: json!({
                "content_id": item.id,
                "title": item.title,
                "organisation": item.organisation_name,
            }),
            at: now,
        });
    }
    app.store
        .content_step(
            id,
            &ContentStep {
                from: item.status,
                to,
                event,
                person: caller.person,
                reason: &reason,
                outbox,
            },
            now,
        )
        .await?;
    Ok(())
}
