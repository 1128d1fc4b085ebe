//! Projects as the API answers them. The public shape has no resident's name, contact
//! or room: quotes lose who recommended them and their contact, updates their author.

use chrono::{DateTime, Utc};
use linli_app::projects::{ProjectDetail, ProjectView};
use linli_domain::projects::ProjectStatus;
use linli_domain::projects::help::{FilePurpose, VolunteerStatus};
use linli_store::projects::help::{ProjectFileRow, VolunteerRow};
use linli_store::projects::{MilestoneRow, ProjectRow, QuoteRow, UpdateRow};
use serde::Serialize;

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = Project)]
pub struct ProjectSummary {
    id: i64,
    community_id: i64,
    title: String,
    purpose: String,
    status: ProjectStatus,
    owner_organisation_id: i64,
    owner_name: String,
    /// Budget in fen (分).
    budget_fen: i64,
    /// `public_income`, `maintenance_fund`, `street_fund`, `crowdfunding`.
    funding_sources: Vec<String>,
    percent_done: i64,
    meeting_id: Option<i64>,
    chosen_quote_id: Option<i64>,
    choice_reason: Option<String>,
    agreed_price_fen: Option<i64>,
    closing_text: Option<String>,
    cancel_reason: Option<String>,
    created_at: DateTime<Utc>,
    completed_at: Option<DateTime<Utc>>,
}

impl From<ProjectRow> for ProjectSummary {
    fn from(row: ProjectRow) -> Self {
        Self {
            id: row.id,
            community_id: row.community_id,
            title: row.title,
            purpose: row.purpose,
            status: row.status,
            owner_organisation_id: row.owner_organisation_id,
            owner_name: row.owner_name,
            budget_fen: row.budget_fen,
            funding_sources: row
                .funding_sources
                .split(',')
                .filter(|source| !source.is_empty())
                .map(str::to_owned)
                .collect(),
            percent_done: row.percent_done,
            meeting_id: row.meeting_id,
            chosen_quote_id: row.chosen_quote_id,
            choice_reason: row.choice_reason,
            agreed_price_fen: row.agreed_price_fen,
            closing_text: row.closing_text,
            cancel_reason: row.cancel_reason,
            created_at: row.created_at,
            completed_at: row.completed_at,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = ProjectQuote)]
pub struct QuoteView {
    id: i64,
    vendor: String,
    /// The office only.
    contact: Option<String>,
    unit_price_fen: i64,
    quantity: i64,
    total_fen: i64,
    terms: Option<String>,
    /// A resident recommended it (their id: the office only).
    recommended_by: Option<i64>,
    chosen: bool,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = ProjectMilestone)]
pub struct MilestoneView {
    id: i64,
    title: String,
    planned_start: String,
    planned_end: String,
    actual_start: Option<String>,
    actual_end: Option<String>,
    quantity: Option<i64>,
}

impl From<MilestoneRow> for MilestoneView {
    fn from(row: MilestoneRow) -> Self {
        Self {
            id: row.id,
            title: row.title,
            planned_start: row.planned_start,
            planned_end: row.planned_end,
            actual_start: row.actual_start,
            actual_end: row.actual_end,
            quantity: row.quantity,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = ProjectUpdate)]
pub struct UpdateView {
    id: i64,
    body: String,
    percent_done: i64,
    /// The office only.
    author_name: Option<String>,
    created_at: DateTime<Utc>,
}

impl From<UpdateRow> for UpdateView {
    fn from(row: UpdateRow) -> Self {
        Self {
            id: row.id,
            body: row.body,
            percent_done: row.percent_done,
            author_name: Some(row.author_name).filter(|name| !name.is_empty()),
            created_at: row.created_at,
        }
    }
}

/// The meeting decision a project came from.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProjectDecision {
    meeting_id: i64,
    meeting_starts_at: DateTime<Utc>,
    text: Option<String>,
    lead_organisation_id: Option<i64>,
}

/// An origin work order: its number and status (its id for the office only).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OriginWorkOrder {
    id: Option<i64>,
    number: i64,
    status: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = ProjectDetail)]
pub struct ProjectDetailView {
    #[serde(flatten)]
    project: ProjectSummary,
    /// `office` or `public`.
    view: &'static str,
    may_manage: bool,
    may_report: bool,
    decision: Option<ProjectDecision>,
    work_orders: Vec<OriginWorkOrder>,
    quotes: Vec<QuoteView>,
    milestones: Vec<MilestoneView>,
    updates: Vec<UpdateView>,
    files: Vec<ProjectFileView>,
    /// Offers of help: all for the office, the caller's own for anyone else.
    volunteers: Vec<VolunteerView>,
    /// How many volunteers each batch has (no names).
    volunteers_per_milestone: Vec<BatchVolunteers>,
}

/// A photo or document of the project's work.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = ProjectFile)]
pub struct ProjectFileView {
    id: i64,
    /// `update`, `quote` or `completion`.
    purpose: FilePurpose,
    update_id: Option<i64>,
    quote_id: Option<i64>,
    /// `image/jpeg` or `application/pdf`.
    content_type: String,
    width: Option<i64>,
    height: Option<i64>,
    /// Where to read it (`?size=thumbnail` for a photo's thumbnail).
    url: String,
    created_at: DateTime<Utc>,
}

impl From<ProjectFileRow> for ProjectFileView {
    fn from(row: ProjectFileRow) -> Self {
        Self {
            url: format!("/api/v1/projects/{}/files/{}", row.project_id, row.id),
            id: row.id,
            purpose: row.purpose,
            update_id: row.update_id,
            quote_id: row.quote_id,
            content_type: row.content_type,
            width: row.width,
            height: row.height,
            created_at: row.created_at,
        }
    }
}

/// An offer of help (有力出力).
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = ProjectVolunteer)]
pub struct VolunteerView {
    id: i64,
    person_id: i64,
    name: String,
    skill: String,
    status: VolunteerStatus,
    /// The batch it was accepted for.
    milestone_id: Option<i64>,
    updated_at: DateTime<Utc>,
}

impl From<VolunteerRow> for VolunteerView {
    fn from(row: VolunteerRow) -> Self {
        Self {
            id: row.id,
            person_id: row.person_id,
            name: row.person_name,
            skill: row.skill,
            status: row.status,
            milestone_id: row.milestone_id,
            updated_at: row.updated_at,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BatchVolunteers {
    milestone_id: i64,
    volunteers: i64,
}

impl From<ProjectDetail> for ProjectDetailView {
    fn from(detail: ProjectDetail) -> Self {
        let (view, may_manage, may_report) = match detail.view {
            ProjectView::Office { manages, reports } => ("office", manages, reports),
            ProjectView::Public => ("public", false, false),
        };
        let chosen = detail.project.chosen_quote_id;
        let quotes = detail
            .quotes
            .into_iter()
            .map(|row: QuoteRow| QuoteView {
                chosen: chosen == Some(row.id),
                id: row.id,
                vendor: row.vendor,
                contact: row.contact,
                unit_price_fen: row.unit_price_fen,
                quantity: row.quantity,
                total_fen: row.total_fen,
                terms: row.terms,
                recommended_by: row.recommended_by,
            })
            .collect();
        Self {
            view,
            may_manage,
            may_report,
            decision: detail.decision.map(|(item, starts_at)| ProjectDecision {
                meeting_id: item.meeting_id,
                meeting_starts_at: starts_at,
                text: item.decision,
                lead_organisation_id: item.lead_organisation_id,
            }),
            work_orders: detail
                .work_orders
                .into_iter()
                .map(|(id, number, status)| OriginWorkOrder { id, number, status })
                .collect(),
            quotes,
            milestones: super::from_rows(detail.milestones),
            updates: super::from_rows(detail.updates),
            files: super::from_rows(detail.files),
            volunteers: super::from_rows(detail.volunteers),
            volunteers_per_milestone: detail
                .accepted_per_batch
                .into_iter()
                .map(|(milestone_id, volunteers)| BatchVolunteers {
                    milestone_id,
                    volunteers,
                })
                .collect(),
            project: detail.project.into(),
        }
    }
}
