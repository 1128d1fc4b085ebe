//! One project as a page: for the office, with a form for each step; for everyone else,
//! the public page (what was decided and by whom, the chosen vendor and price, progress),
//! where a resident of the community may recommend a vendor.

use super::{funding_label, status_label, yuan};
use crate::error::ApiError;
use crate::locale::text;
use crate::pages::context::{
    FormErrors, PageContext, PageResult, Viewer, local_time, render, see_other,
};
use crate::pages::meetings::Fields;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use linli_app::projects::{self as use_cases, ProjectDetail, ProjectView, help};
use linli_domain::access;
use linli_domain::ids::{CommunityId, PersonId};
use linli_domain::projects::help::{FilePurpose, VolunteerStatus, may_volunteer};
use linli_domain::projects::{ProjectStatus, Transition, next_status};
use linli_store::projects::help::ProjectFileRow;
use serde::Deserialize;

pub struct QuoteView {
    pub id: i64,
    pub vendor: String,
    pub contact: String,
    pub unit_price: String,
    pub quantity: i64,
    pub total: String,
    pub terms: String,
    pub recommended_by: String,
    pub chosen: bool,
    pub files: Vec<FileLink>,
}

/// A photo (with its thumbnail) or a PDF of the project's work.
pub struct FileLink {
    pub url: String,
    /// Empty for a PDF.
    pub thumbnail: String,
    pub label: String,
}

/// An offer of help as the office sees it.
pub struct VolunteerLine {
    pub id: i64,
    pub name: String,
    pub skill: String,
    pub status_label: String,
    pub batch: String,
    pub open: bool,
}

/// The caller's own offer, on the public page.
pub struct OwnOffer {
    pub id: i64,
    pub skill: String,
    pub status_label: String,
    pub batch: String,
    pub may_withdraw: bool,
}

pub struct MilestoneView {
    pub id: i64,
    pub title: String,
    pub planned: String,
    pub actual: String,
    pub quantity: i64,
    pub done: bool,
    /// How many volunteers were accepted for this batch.
    pub volunteers: i64,
}

pub struct UpdateView {
    pub body: String,
    pub percent: i64,
    pub author: String,
    pub at: String,
    pub photos: Vec<FileLink>,
}

pub struct OrderLine {
    pub id: i64,
    pub number: i64,
    pub status_label: String,
}

pub struct Move {
    pub key: &'static str,
    pub label: String,
    pub needs_text: bool,
    pub text_label: String,
}

#[derive(Template)]
#[template(path = "projects_project.html")]
pub struct ProjectPage {
    page: PageContext,
    id: i64,
    office: bool,
    manages: bool,
    reports: bool,
    /// Quotes, milestones and updates may still be added.
    open: bool,
    may_recommend: bool,
    signed_in: bool,
    title: String,
    status: &'static str,
    status_label: String,
    purpose: String,
    owner: String,
    budget: String,
    funding: String,
    percent: i64,
    decision: String,
    decided_at: String,
    meeting_id: i64,
    choice_reason: String,
    agreed_price: String,
    chosen_vendor: String,
    closing_text: String,
    cancel_reason: String,
    orders: Vec<OrderLine>,
    quotes: Vec<QuoteView>,
    milestones: Vec<MilestoneView>,
    updates: Vec<UpdateView>,
    completion_photos: Vec<FileLink>,
    volunteers: Vec<VolunteerLine>,
    /// Partner units that are co-parties (共建单位): (id, name, contribution).
    partners: Vec<(i64, String, String)>,
    /// The office member may add or remove co-parties.
    edits_partners: bool,
    /// The community's partner units not yet co-parties.
    partner_choices: Vec<(i64, String)>,
    /// Batches not yet done, which a volunteer can be accepted for.
    open_batches: Vec<(i64, String)>,
    may_offer: bool,
    own_offer: Option<OwnOffer>,
    moves: Vec<Move>,
    public_url: String,
    sign_in_url: String,
    notice: String,
    errors: FormErrors,
    refused: String,
    kept: Fields,
}

impl ProjectPage {
    /// The quote form's name: the office's quote or a resident's recommendation.
    fn quote_form(&self) -> &'static str {
        if self.office { "quote" } else { "recommend" }
    }

    fn kept(&self, form: &str, field: &str) -> String {
        if self.refused == form {
            crate::pages::meetings::get(&self.kept, field).to_owned()
        } else {
            String::new()
        }
    }

    fn error(&self, form: &str, field: &str) -> String {
        if self.refused == form {
            self.errors.of(field)
        } else {
            String::new()
        }
    }

    fn general(&self, form: &str) -> String {
        if self.refused != form {
            return String::new();
        }
        match &self.errors.general {
            Some(general) => general.clone(),
            None if self.errors.by_field.is_empty() => String::new(),
            None => text("page.form.refused", &[]),
        }
    }
}

/// A refused form of the project page.
pub struct Refused {
    pub form: String,
    pub errors: FormErrors,
    pub kept: Fields,
    pub status: StatusCode,
}

#[derive(Debug, Default, Deserialize)]
pub struct ProjectQuery {
    done: Option<String>,
}

/// The office's page of a project; anyone else is sent to its public page.
pub async fn project_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Query(query): Query<ProjectQuery>,
) -> PageResult {
    render_project(&state, &viewer, id, false, query.done.as_deref(), None).await
}

/// The public page of a project: no sign-in needed.
pub async fn public_project_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Query(query): Query<ProjectQuery>,
) -> PageResult {
    render_project(&state, &viewer, id, true, query.done.as_deref(), None).await
}

fn day_range(start: &str, end: &str) -> String {
    if start == end {
        start.to_owned()
    } else {
        format!("{start} – {end}")
    }
}

pub async fn render_project(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    public: bool,
    done: Option<&str>,
    refused: Option<Refused>,
) -> PageResult {
    let caller = viewer.signed_in.as_ref().map(|signed_in| &signed_in.user.0);
    let detail: ProjectDetail = if public {
        // The public page is what an anonymous visitor may read, whoever looks.
        use_cases::read(state, None, id).await
    } else {
        let signed_in = viewer.require()?;
        use_cases::read(state, Some(&signed_in.user), id).await
    }
    .map_err(ApiError::from)?;
    let (office, manages, reports) = match detail.view {
        ProjectView::Office { manages, reports } => (true, manages, reports),
        ProjectView::Public => (false, false, false),
    };
    if !public && !office {
        return see_other(&format!("/public/projects/{id}"));
    }
    let project = &detail.project;
    let community = CommunityId(project.community_id);
    let open = !matches!(
        project.status,
        ProjectStatus::Completed | ProjectStatus::Cancelled
    );
    let may_recommend = public
        && open
        && caller.is_some_and(|caller| access::is_resident(caller.grants(), community));
    let mut quotes: Vec<QuoteView> = Vec::new();
    for quote in &detail.quotes {
        let recommended_by = match quote.recommended_by {
            Some(person) if office => text(
                "page.projects.recommended_by",
                &[(
                    "name",
                    state.store.person(PersonId(person)).await?.display_name,
                )],
            ),
            _ => String::new(),
        };
        quotes.push(QuoteView {
            id: quote.id,
            vendor: quote.vendor.clone(),
            contact: if public {
                String::new()
            } else {
                quote.contact.clone().unwrap_or_default()
            },
            unit_price: yuan(quote.unit_price_fen),
            quantity: quote.quantity,
            total: yuan(quote.total_fen),
            terms: quote.terms.clone().unwrap_or_default(),
            recommended_by,
            chosen: project.chosen_quote_id == Some(quote.id),
            files: Vec::new(),
        });
    }
    let file_link = |file: &ProjectFileRow, index: usize| {
        let url = format!("/api/v1/projects/{id}/files/{}", file.id);
        let pdf = file.content_type == "application/pdf";
        FileLink {
            thumbnail: if pdf {
                String::new()
            } else {
                format!("{url}?size=thumbnail")
            },
            label: text(
                if pdf {
                    "page.projects.file_pdf"
                } else {
                    "page.projects.file_photo"
                },
                &[("n", (index + 1).to_string())],
            ),
            url,
        }
    };
    let links_of = |wanted: &dyn Fn(&ProjectFileRow) -> bool| -> Vec<FileLink> {
        detail
            .files
            .iter()
            .filter(|file| wanted(file))
            .enumerate()
            .map(|(index, file)| file_link(file, index))
            .collect()
    };
    for quote in &mut quotes {
        let quote_id = quote.id;
        quote.files = links_of(&|file| file.quote_id == Some(quote_id));
    }
    let completion_photos = links_of(&|file| file.purpose == FilePurpose::Completion);
    let chosen_vendor = quotes
        .iter()
        .find(|quote| quote.chosen)
        .map(|quote| quote.vendor.clone())
        .unwrap_or_default();
    let milestones = detail
        .milestones
        .iter()
        .map(|milestone| MilestoneView {
            id: milestone.id,
            title: milestone.title.clone(),
            planned: day_range(&milestone.planned_start, &milestone.planned_end),
            actual: match (&milestone.actual_start, &milestone.actual_end) {
                (Some(start), Some(end)) => day_range(start, end),
                (Some(start), None) => text("page.projects.started_on", &[("day", start.clone())]),
                _ => String::new(),
            },
            quantity: milestone.quantity.unwrap_or_default(),
            done: milestone.actual_end.is_some(),
            volunteers: detail
                .accepted_per_batch
                .iter()
                .find(|(batch, _)| *batch == milestone.id)
                .map_or(0, |(_, count)| *count),
        })
        .collect();
    let batch_title = |milestone: Option<i64>| {
        detail
            .milestones
            .iter()
            .find(|known| Some(known.id) == milestone)
            .map(|known| known.title.clone())
            .unwrap_or_default()
    };
    let open_batches = detail
        .milestones
        .iter()
        .filter(|milestone| milestone.actual_end.is_none())
        .map(|milestone| (milestone.id, milestone.title.clone()))
        .collect();
    let volunteer_status = |status: VolunteerStatus| {
        text(&format!("page.projects.volunteer.{}", status.as_str()), &[])
    };
    let volunteers = if office && !public {
        detail
            .volunteers
            .iter()
            .map(|volunteer| VolunteerLine {
                id: volunteer.id,
                name: volunteer.person_name.clone(),
                skill: volunteer.skill.clone(),
                status_label: volunteer_status(volunteer.status),
                batch: batch_title(volunteer.milestone_id),
                open: open
                    && matches!(
                        volunteer.status,
                        VolunteerStatus::Offered | VolunteerStatus::Accepted
                    ),
            })
            .collect()
    } else {
        Vec::new()
    };
    let own = match caller {
        Some(caller) if public => help::own_offer(state, caller, id)
            .await
            .map_err(ApiError::from)?,
        _ => None,
    };
    let may_offer = public
        && open
        && caller.is_some_and(|caller| may_volunteer(caller.grants(), community))
        && own
            .as_ref()
            .is_none_or(|offer| offer.status == VolunteerStatus::Withdrawn);
    let own_offer = own
        .filter(|offer| offer.status != VolunteerStatus::Withdrawn)
        .map(|offer| OwnOffer {
            id: offer.id,
            skill: offer.skill,
            status_label: volunteer_status(offer.status),
            batch: batch_title(offer.milestone_id),
            may_withdraw: open,
        });
    let updates = detail
        .updates
        .iter()
        .rev()
        .map(|update| UpdateView {
            body: update.body.clone(),
            percent: update.percent_done,
            author: if public {
                String::new()
            } else {
                update.author_name.clone()
            },
            at: local_time(update.created_at),
            photos: links_of(&|file| file.update_id == Some(update.id)),
        })
        .collect();
    let orders = detail
        .work_orders
        .iter()
        .map(|(order_id, number, status)| OrderLine {
            id: if public {
                0
            } else {
                order_id.unwrap_or_default()
            },
            number: *number,
            status_label: text(&format!("status.{status}"), &[]),
        })
        .collect();
    let (decision, decided_at, meeting_id) = match &detail.decision {
        Some((item, at)) => (
            item.decision.clone().unwrap_or_default(),
            local_time(*at),
            if public { 0 } else { item.meeting_id },
        ),
        None => (String::new(), String::new(), 0),
    };
    let moves = if manages {
        [
            Transition::Approve,
            Transition::Start,
            Transition::Complete,
            Transition::Cancel,
        ]
        .into_iter()
        .filter(|transition| next_status(project.status, *transition).is_ok())
        .map(|transition| {
            let key = transition.as_str();
            Move {
                key,
                label: text(&format!("page.projects.move.{key}"), &[]),
                needs_text: matches!(transition, Transition::Complete | Transition::Cancel),
                text_label: text(&format!("page.projects.move_text.{key}"), &[]),
            }
        })
        .collect()
    } else {
        Vec::new()
    };
    let (errors, refused_form, kept, status) = match refused {
        Some(refused) => (refused.errors, refused.form, refused.kept, refused.status),
        None => (
            FormErrors::default(),
            String::new(),
            Vec::new(),
            StatusCode::OK,
        ),
    };
    let notice = match done {
        Some(done)
            if done.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') && !done.is_empty() =>
        {
            text(&format!("page.projects.done.{done}"), &[])
        }
        _ => String::new(),
    };
    let co_parties = linli_app::partners::of_project(state, caller.filter(|_| !public), id)
        .await
        .map_err(ApiError::from)?;
    let edits_partners = office
        && !public
        && caller
            .is_some_and(|caller| linli_app::partners::edits_project(caller, project.community_id));
    let partner_choices = if edits_partners {
        linli_app::partners::list(state, caller, project.community_id)
            .await
            .map_err(ApiError::from)?
            .into_iter()
            .filter(|partner| {
                !co_parties
                    .iter()
                    .any(|row| row.organisation_id == partner.id)
            })
            .map(|partner| (partner.id, partner.name))
            .collect()
    } else {
        Vec::new()
    };
    let page = ProjectPage {
        page: viewer.context(
            project.title.clone(),
            if public {
                "public_projects"
            } else {
                "projects"
            },
        ),
        id,
        office: office && !public,
        manages: manages && !public,
        reports: reports && !public,
        open,
        may_recommend,
        signed_in: caller.is_some(),
        title: project.title.clone(),
        status: project.status.as_str(),
        status_label: status_label(project.status.as_str()),
        purpose: project.purpose.clone(),
        owner: project.owner_name.clone(),
        budget: yuan(project.budget_fen),
        funding: funding_label(&project.funding_sources),
        percent: project.percent_done,
        decision,
        decided_at,
        meeting_id,
        choice_reason: project.choice_reason.clone().unwrap_or_default(),
        agreed_price: project.agreed_price_fen.map(yuan).unwrap_or_default(),
        chosen_vendor,
        closing_text: project.closing_text.clone().unwrap_or_default(),
        cancel_reason: project.cancel_reason.clone().unwrap_or_default(),
        orders,
        quotes,
        milestones,
        updates,
        completion_photos,
        volunteers,
        partners: co_parties
            .into_iter()
            .map(|row| (row.organisation_id, row.name, row.contribution))
            .collect(),
        edits_partners,
        partner_choices,
        open_batches,
        may_offer,
        own_offer,
        moves,
        public_url: format!("/public/projects/{id}"),
        sign_in_url: format!("/signin?next={}", crate::pages::url_encode(&viewer.here)),
        notice,
        errors,
        refused: refused_form,
        kept,
    };
    Ok((status, render(&page)).into_response())
}
