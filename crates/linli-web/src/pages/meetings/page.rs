//! One meeting's page. The office sees everything and, if it runs the meeting, a form for
//! every step; an invited person sees the time, the place, the standing parties, their own
//! entry and their own items — other items only by their place and status.

use super::{Fields, Refused, markdown_html};
use crate::error::ApiError;
use crate::locale::text;
use crate::pages::context::{
    FormErrors, PageContext, PageResult, Viewer, local_input_value, local_time, render,
};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use chrono::{DateTime, Utc};
use linli_app::meetings::{self as use_cases, MeetingAccess};
use linli_domain::ids::CommunityId;
use linli_domain::meetings::{ItemStatus, MeetingStatus};
use serde::Deserialize;

pub struct Party {
    pub id: i64,
    pub name: String,
}

pub struct ParticipantView {
    pub id: i64,
    pub name: String,
    pub represents: String,
    pub standing: bool,
    /// `present`, `absent`, `excused` or "" (not recorded).
    pub attendance: String,
    pub attendance_label: String,
}

pub struct ItemView {
    pub id: i64,
    pub position: i64,
    /// Hidden from an invited person when the item is not theirs.
    pub hidden: bool,
    pub title: String,
    pub notes: String,
    pub status: &'static str,
    pub status_label: String,
    pub open: bool,
    pub first: bool,
    pub last: bool,
    pub order_id: i64,
    pub order_number: i64,
    pub order_facts: String,
    pub decision: String,
    pub lead: String,
    pub co_parties: String,
    pub deadline: String,
    pub decided_at: String,
    pub deferred_to: i64,
    pub project_id: i64,
    pub project_title: String,
}

pub struct CorrectionView {
    pub body_html: String,
    pub author: String,
    pub at: String,
}

pub struct Choice {
    pub key: &'static str,
    pub label: String,
}

#[derive(Template)]
#[template(path = "meetings_meeting.html")]
pub struct MeetingPage {
    page: PageContext,
    id: i64,
    title: String,
    when: String,
    place: String,
    status: &'static str,
    status_label: String,
    extra: bool,
    cancel_reason: String,
    /// The office reads the minutes and corrections; an invited person does not.
    office: bool,
    runs: bool,
    chairs: bool,
    changeable: bool,
    closed: bool,
    closed_note: String,
    minutes: String,
    minutes_html: String,
    participants: Vec<ParticipantView>,
    items: Vec<ItemView>,
    corrections: Vec<CorrectionView>,
    parties: Vec<Party>,
    marks: Vec<Choice>,
    actions: Vec<Choice>,
    funding: Vec<Choice>,
    deadline_default: String,
    notice: String,
    errors: FormErrors,
    refused: String,
    kept: Fields,
}

impl MeetingPage {
    /// What was typed in a refused form's field ("" for any other form).
    fn kept(&self, form: &str, field: &str) -> String {
        if self.refused != form {
            return String::new();
        }
        super::get(&self.kept, field).to_owned()
    }

    /// Whether a refused form had this box ticked (or `default` for a fresh form).
    fn ticked(&self, form: &str, field: &str, value: &str, default: bool) -> bool {
        if self.refused != form {
            return default;
        }
        super::all(&self.kept, field).contains(&value)
    }

    /// The refusal of `form`'s field (none for any other form).
    fn error(&self, form: &str, field: &str) -> String {
        if self.refused != form {
            return String::new();
        }
        self.errors.of(field)
    }

    /// The refusal of `form` not about one field.
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

    /// All refusals of `form`, field ones included (the close button names what is
    /// missing).
    fn all_errors(&self, form: &str) -> String {
        if self.refused != form {
            return String::new();
        }
        let mut messages: Vec<String> = self.errors.general.iter().cloned().collect();
        messages.extend(self.errors.by_field.iter().map(|(_, m)| m.clone()));
        messages.join(" ")
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct MeetingQuery {
    done: Option<String>,
}

pub async fn meeting_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Query(query): Query<MeetingQuery>,
) -> PageResult {
    render_meeting(&state, &viewer, id, query.done.as_deref(), None).await
}

/// How long a work order has been open, in days, as people say it.
fn age(created: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let days = (now - created).num_days().max(0);
    text("page.meetings.age_days", &[("days", days.to_string())])
}

pub async fn render_meeting(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    done: Option<&str>,
    refused: Option<Refused>,
) -> PageResult {
    let signed_in = viewer.require()?;
    let caller = &signed_in.user;
    let detail = use_cases::read(state, caller, id)
        .await
        .map_err(ApiError::from)?;
    let meeting = &detail.meeting;
    let community = CommunityId(meeting.community_id);
    let (office, runs, chairs) = match detail.access {
        MeetingAccess::Office { runs, chairs } => (true, runs, chairs),
        MeetingAccess::Invited => (false, false, false),
    };
    let organisations = state.store.organisations(community).await?;
    let party_name = |id: i64| {
        organisations
            .iter()
            .find(|organisation| organisation.id == id)
            .map(|organisation| organisation.name.clone())
            .unwrap_or_default()
    };
    let now = state.clock.now();
    let (categories, buildings, projects) = if office {
        (
            state.store.categories(community).await?,
            state.store.buildings(community).await?,
            state.store.projects(community, 200).await?,
        )
    } else {
        (Vec::new(), Vec::new(), Vec::new())
    };
    let count = detail.items.len();
    let items = detail
        .items
        .iter()
        .enumerate()
        .map(|(index, item)| {
            let hidden = !office && item.title.is_empty();
            let mut facts = Vec::new();
            if let Some(category) = item
                .work_order_category_id
                .and_then(|id| categories.iter().find(|c| c.id == id))
            {
                facts.push(category.name.clone());
            }
            if let Some(building) = item
                .work_order_building_id
                .and_then(|id| buildings.iter().find(|b| b.id == id))
            {
                facts.push(building.name.clone());
            }
            if let Some(created) = item.work_order_created_at {
                facts.push(age(created, now));
            }
            if let Some(me_too) = item.work_order_me_too_count {
                facts.push(text(
                    "page.meetings.me_too",
                    &[("count", me_too.to_string())],
                ));
            }
            let project = projects
                .iter()
                .find(|project| project.meeting_item_id == Some(item.id));
            ItemView {
                id: item.id,
                position: i64::try_from(index + 1).unwrap_or_default(),
                hidden,
                title: item.title.clone(),
                notes: item.notes.clone().unwrap_or_default(),
                status: item.status.as_str(),
                status_label: text(
                    &format!("page.meetings.item_status.{}", item.status.as_str()),
                    &[],
                ),
                open: item.status == ItemStatus::Open,
                first: index == 0,
                last: index + 1 == count,
                order_id: item.work_order_id.unwrap_or_default(),
                order_number: item.work_order_number.unwrap_or_default(),
                order_facts: facts.join(" · "),
                decision: item.decision.clone().unwrap_or_default(),
                lead: item
                    .lead_organisation_id
                    .map(party_name)
                    .unwrap_or_default(),
                co_parties: item
                    .co_organisation_ids
                    .split(',')
                    .filter_map(|id| id.trim().parse::<i64>().ok())
                    .map(party_name)
                    .collect::<Vec<_>>()
                    .join("、"),
                deadline: item.decision_deadline.map(local_time).unwrap_or_default(),
                decided_at: item.decided_at.map(local_time).unwrap_or_default(),
                deferred_to: item.deferred_to.unwrap_or_default(),
                project_id: project.map_or(0, |project| project.id),
                project_title: project.map(|p| p.title.clone()).unwrap_or_default(),
            }
        })
        .collect();
    let participants = detail
        .participants
        .iter()
        .map(|participant| {
            let attendance = participant.attendance.clone().unwrap_or_default();
            ParticipantView {
                id: participant.id,
                name: participant.name.clone(),
                represents: participant.represents.clone().unwrap_or_default(),
                standing: participant.standing,
                attendance_label: if attendance.is_empty() {
                    text("page.meetings.attendance_none", &[])
                } else {
                    text(&format!("page.meetings.attendance.{attendance}"), &[])
                },
                attendance,
            }
        })
        .collect();
    let corrections = detail
        .corrections
        .iter()
        .map(|correction| CorrectionView {
            body_html: markdown_html(&correction.body),
            author: correction.author_name.clone(),
            at: local_time(correction.created_at),
        })
        .collect();
    let choices = |keys: &[&'static str], prefix: &str| -> Vec<Choice> {
        keys.iter()
            .map(|key| Choice {
                key,
                label: text(&format!("{prefix}{key}"), &[]),
            })
            .collect()
    };
    let minutes = meeting.minutes.clone().unwrap_or_default();
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
            if !done.is_empty()
                && done
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') =>
        {
            let key = done.split('-').next().unwrap_or_default();
            text(&format!("page.meetings.done.{key}"), &[])
        }
        _ => String::new(),
    };
    let page = MeetingPage {
        page: viewer.context(meeting.title.clone(), "meetings"),
        id,
        title: meeting.title.clone(),
        when: format!(
            "{} – {}",
            local_time(meeting.starts_at),
            meeting
                .ends_at
                .with_timezone(&linli_domain::calendar::shanghai())
                .format("%H:%M")
        ),
        place: meeting.place.clone(),
        status: meeting.status.as_str(),
        status_label: text(
            &format!("page.meetings.status.{}", meeting.status.as_str()),
            &[],
        ),
        extra: meeting.extra,
        cancel_reason: meeting.cancel_reason.clone().unwrap_or_default(),
        office,
        runs,
        chairs,
        changeable: runs && meeting.status == MeetingStatus::Scheduled,
        closed: meeting.status == MeetingStatus::Closed,
        closed_note: match (&meeting.closed_by_name, meeting.closed_at) {
            (Some(name), Some(at)) => text(
                "page.meetings.closed_by",
                &[("name", name.clone()), ("at", local_time(at))],
            ),
            _ => String::new(),
        },
        minutes_html: markdown_html(&minutes),
        minutes: if refused_form == "minutes" {
            super::get(&kept, "minutes").to_owned()
        } else {
            minutes
        },
        participants,
        items,
        corrections,
        parties: organisations
            .iter()
            .map(|organisation| Party {
                id: organisation.id,
                name: organisation.name.clone(),
            })
            .collect(),
        marks: choices(
            &["present", "absent", "excused"],
            "page.meetings.attendance.",
        ),
        actions: choices(
            &["record", "start_project", "resolve"],
            "page.meetings.action.",
        ),
        funding: choices(
            &[
                "public_income",
                "maintenance_fund",
                "street_fund",
                "crowdfunding",
            ],
            "page.projects.funding.",
        ),
        deadline_default: local_input_value(now + chrono::Duration::days(14)),
        notice,
        errors,
        refused: refused_form,
        kept,
    };
    Ok((status, render(&page)).into_response())
}
