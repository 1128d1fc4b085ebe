//! Joint meetings as the API answers them.

use chrono::{DateTime, Utc};
use linli_app::meetings::{MeetingAccess, MeetingDetail};
use linli_domain::meetings::{ItemStatus, MeetingStatus};
use linli_store::meetings::{CorrectionRow, ItemRow, MeetingRow, ParticipantRow};
use serde::Serialize;

/// A meeting's facts; `minutes` (Markdown) only for the community's office.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = Meeting)]
pub struct MeetingView {
    id: i64,
    community_id: i64,
    title: String,
    /// An extra meeting (临时会议) rather than one of the series.
    extra: bool,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    place: String,
    status: MeetingStatus,
    /// Raised whenever it moves or is called off (the calendar feed's SEQUENCE).
    sequence: i64,
    minutes: Option<String>,
    cancel_reason: Option<String>,
    closed_at: Option<DateTime<Utc>>,
    closed_by_name: Option<String>,
    version: i64,
}

impl From<MeetingRow> for MeetingView {
    fn from(row: MeetingRow) -> Self {
        Self {
            id: row.id,
            community_id: row.community_id,
            title: row.title,
            extra: row.extra,
            starts_at: row.starts_at,
            ends_at: row.ends_at,
            place: row.place,
            status: row.status,
            sequence: row.sequence,
            minutes: row.minutes,
            cancel_reason: row.cancel_reason,
            closed_at: row.closed_at,
            closed_by_name: row.closed_by_name,
            version: row.version,
        }
    }
}

/// Someone at the table: a standing party (the "1+5") or an invited participant ("X").
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = MeetingParticipant)]
pub struct ParticipantView {
    id: i64,
    standing: bool,
    organisation_id: Option<i64>,
    person_id: Option<i64>,
    name: String,
    represents: Option<String>,
    /// `present`, `absent`, `excused`, or null until recorded.
    attendance: Option<String>,
}

impl From<ParticipantRow> for ParticipantView {
    fn from(row: ParticipantRow) -> Self {
        Self {
            id: row.id,
            standing: row.standing,
            organisation_id: row.organisation_id,
            person_id: row.person_id,
            name: row.name,
            represents: row.represents,
            attendance: row.attendance,
        }
    }
}

/// What the agenda shows of an escalated work order.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AgendaWorkOrder {
    id: i64,
    number: Option<i64>,
    category_id: Option<i64>,
    building_id: Option<i64>,
    /// When it was reported: how long it has been open.
    reported_at: Option<DateTime<Utc>>,
    me_too_count: Option<i64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DecisionView {
    text: Option<String>,
    lead_organisation_id: Option<i64>,
    co_organisation_ids: Vec<i64>,
    deadline: Option<DateTime<Utc>>,
    decided_at: Option<DateTime<Utc>>,
}

/// An agenda item. For an invited resident, items that are not theirs carry only their
/// position and status (no title, notes, work order nor decision).
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = MeetingItem)]
pub struct ItemView {
    id: i64,
    position: i64,
    status: ItemStatus,
    title: Option<String>,
    notes: Option<String>,
    work_order: Option<AgendaWorkOrder>,
    decision: Option<DecisionView>,
    /// The meeting it was deferred to.
    deferred_to: Option<i64>,
}

impl From<ItemRow> for ItemView {
    fn from(row: ItemRow) -> Self {
        let decision = (row.status == ItemStatus::Decided).then(|| DecisionView {
            text: row.decision,
            lead_organisation_id: row.lead_organisation_id,
            co_organisation_ids: row
                .co_organisation_ids
                .split(',')
                .filter_map(|id| id.parse().ok())
                .collect(),
            deadline: row.decision_deadline,
            decided_at: row.decided_at,
        });
        Self {
            id: row.id,
            position: row.position,
            status: row.status,
            title: Some(row.title).filter(|title| !title.is_empty()),
            notes: row.notes,
            work_order: row.work_order_id.map(|id| AgendaWorkOrder {
                id,
                number: row.work_order_number,
                category_id: row.work_order_category_id,
                building_id: row.work_order_building_id,
                reported_at: row.work_order_created_at,
                me_too_count: row.work_order_me_too_count,
            }),
            decision,
            deferred_to: row.deferred_to,
        }
    }
}

/// A correction appended to closed minutes, signed and dated.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = MinutesCorrection)]
pub struct CorrectionView {
    id: i64,
    body: String,
    author_name: String,
    created_at: DateTime<Utc>,
}

impl From<CorrectionRow> for CorrectionView {
    fn from(row: CorrectionRow) -> Self {
        Self {
            id: row.id,
            body: row.body,
            author_name: row.author_name,
            created_at: row.created_at,
        }
    }
}

/// A meeting with its table, agenda and corrections, as the caller may see it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = MeetingDetail)]
pub struct MeetingDetailView {
    #[serde(flatten)]
    meeting: MeetingView,
    /// `office` or `invited`.
    access: &'static str,
    /// Whether the caller may change it (agenda, attendance, minutes, decisions).
    may_run: bool,
    /// Whether the caller may close it or call it off.
    may_chair: bool,
    participants: Vec<ParticipantView>,
    items: Vec<ItemView>,
    corrections: Vec<CorrectionView>,
}

impl From<MeetingDetail> for MeetingDetailView {
    fn from(detail: MeetingDetail) -> Self {
        let (access, may_run, may_chair) = match detail.access {
            MeetingAccess::Office { runs, chairs } => ("office", runs, chairs),
            MeetingAccess::Invited => ("invited", false, false),
        };
        Self {
            meeting: detail.meeting.into(),
            access,
            may_run,
            may_chair,
            participants: super::from_rows(detail.participants),
            items: super::from_rows(detail.items),
            corrections: super::from_rows(detail.corrections),
        }
    }
}
