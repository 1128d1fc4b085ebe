//! Content as the API answers it. An item names the party it is published in the name
//! of, never a person; the trail with names is the office's only. The body comes as its
//! Markdown source and as sanitised HTML (no script, no event handler, no frame, images
//! from this site only), so a client that shows `body_html` as it is shows nothing
//! active.

use crate::markdown::content_html;
use chrono::{DateTime, Utc};
use linli_app::content::{ContentDetail, ReadReceipts};
use linli_domain::content::{Action, Audience, Kind, Status};
use linli_store::content::{ContentEventRow, ContentRow, VersionRow};
use serde::Serialize;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ContentSummary {
    id: i64,
    community_id: i64,
    kind: Kind,
    status: Status,
    title: String,
    /// The party it is published in the name of (城上城居委会).
    organisation_name: String,
    /// `everyone`, `buildings` or `roles`.
    audience: String,
    pinned: bool,
    urgent: bool,
    expires_at: Option<DateTime<Utc>>,
    published_at: Option<DateTime<Utc>>,
    /// Its published text was corrected since (已更新).
    updated: bool,
}

impl From<ContentRow> for ContentSummary {
    fn from(row: ContentRow) -> Self {
        Self {
            id: row.id,
            community_id: row.community_id,
            kind: row.kind,
            status: row.status,
            title: row.title,
            organisation_name: row.organisation_name,
            audience: row.audience,
            pinned: row.pinned,
            urgent: row.urgent,
            expires_at: row.expires_at,
            published_at: row.published_at,
            updated: row.version > 1,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AudienceView {
    /// `everyone`, `buildings` or `roles`.
    kind: String,
    building_ids: Vec<i64>,
    /// The office sees the buildings' names.
    building_names: Vec<String>,
    roles: Vec<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct VersionView {
    version: i64,
    title: String,
    body_html: String,
    /// Why the text was changed (empty for the first).
    note: String,
    edited_at: DateTime<Utc>,
}

impl From<VersionRow> for VersionView {
    fn from(row: VersionRow) -> Self {
        Self {
            version: row.version,
            title: row.title,
            body_html: content_html(&row.body),
            note: row.note,
            edited_at: row.edited_at,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ContentEventView {
    /// `created`, `edited`, `submitted`, `returned`, `approved`, `published`, `corrected`.
    action: String,
    person_name: String,
    reason: String,
    at: DateTime<Utc>,
}

impl From<ContentEventRow> for ContentEventView {
    fn from(row: ContentEventRow) -> Self {
        Self {
            action: row.action,
            person_name: row.person_name,
            reason: row.reason,
            at: row.at,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReadReceiptsView {
    read: usize,
    audience: usize,
}

impl From<ReadReceipts> for ReadReceiptsView {
    fn from(receipts: ReadReceipts) -> Self {
        Self {
            read: receipts.read,
            audience: receipts.audience,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ContentView {
    #[serde(flatten)]
    summary: ContentSummary,
    /// Markdown, as written.
    body: String,
    /// The body as safe HTML.
    body_html: String,
    /// The number of the published text (0 while never published).
    version: i64,
    audience_detail: AudienceView,
    expired: bool,
    /// A financial disclosure's campaign, and the page of its public ledger.
    campaign_id: Option<i64>,
    campaign_url: Option<String>,
    /// Why the reviewer sent it back (the office only sees drafts).
    return_reason: Option<String>,
    /// Every published text, the first first.
    versions: Vec<VersionView>,
    /// The trail: the office only.
    events: Option<Vec<ContentEventView>>,
    /// What the caller may do now.
    actions: Vec<Action>,
    may_edit: bool,
    /// A staff notice's reads, for the office ("已读 12/15").
    read_receipts: Option<ReadReceiptsView>,
}

impl From<ContentDetail> for ContentView {
    fn from(detail: ContentDetail) -> Self {
        let item = detail.item;
        let (building_ids, roles) = match &detail.audience {
            Audience::Everyone => (Vec::new(), Vec::new()),
            Audience::Buildings(ids) => (ids.iter().map(|id| id.0).collect(), Vec::new()),
            Audience::Roles(roles) => (
                Vec::new(),
                roles.iter().map(|role| role.as_str().to_owned()).collect(),
            ),
        };
        Self {
            body_html: content_html(&item.body),
            body: item.body.clone(),
            version: item.version,
            audience_detail: AudienceView {
                kind: detail.audience.kind().to_owned(),
                building_ids,
                building_names: detail.building_names,
                roles,
            },
            expired: detail.expired,
            campaign_url: item.campaign_id.map(|id| format!("/campaigns/{id}")),
            campaign_id: item.campaign_id,
            return_reason: item.return_reason.clone(),
            versions: detail.versions.into_iter().map(Into::into).collect(),
            events: detail
                .events
                .map(|events| events.into_iter().map(Into::into).collect()),
            actions: detail.actions,
            may_edit: detail.may_edit,
            read_receipts: detail.receipts.map(Into::into),
            summary: item.into(),
        }
    }
}
