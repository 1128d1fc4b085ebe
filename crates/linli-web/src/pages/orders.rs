//! One work order as a page: status steps, facts, photos, the timeline in plain words, and
//! a form for each action the viewer may take now. Also its photos, and the slip the desk
//! prints for a visitor.

use super::context::{
    FormErrors, PageContext, PageError, PageResult, Viewer, local_input_value, local_time,
    parse_local_input, render, see_other, time_left,
};
use super::home::{field, number_field, read_multipart};
use crate::error::ApiError;
use crate::locale::text;
use crate::photos::PhotoView;
use crate::state::AppState;
use crate::work_orders::views::{WorkOrderDetail, WorkOrderSummary};
use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use chrono::{DateTime, Utc};
use linli_app::work_orders::{self as use_cases, ActionRequest};
use linli_domain::work_orders::{ActionKind, Status};
use linli_store::categories::Category;
use linli_store::registry::Building;
use serde::Deserialize;

/// A work order in a list.
pub struct CardView {
    pub id: i64,
    pub number: i64,
    pub icon: String,
    pub category: String,
    pub excerpt: String,
    pub status: String,
    pub status_label: String,
    pub created: String,
    pub building: String,
    pub deadline: String,
    /// The resolve deadline in milliseconds since 1970, for the live countdown.
    pub deadline_millis: i64,
    pub overdue: bool,
    pub escalated: bool,
    pub priority: String,
    /// Reported before the reporter's claim of a room was confirmed (未核实): set by the
    /// staff's lists.
    pub unverified: bool,
}

pub fn cards(
    items: &[WorkOrderSummary],
    categories: &[Category],
    now: DateTime<Utc>,
) -> Vec<CardView> {
    cards_with_buildings(items, categories, &[], now)
}

pub fn cards_with_buildings(
    items: &[WorkOrderSummary],
    categories: &[Category],
    buildings: &[Building],
    now: DateTime<Utc>,
) -> Vec<CardView> {
    let english = crate::locale::Locale::current() == crate::locale::Locale::En;
    items
        .iter()
        .map(|item| {
            let category = categories
                .iter()
                .find(|category| category.id == item.category_id);
            let (deadline, overdue) = item
                .due_at
                .map_or((String::new(), false), |due| time_left(due, now));
            CardView {
                id: item.id,
                number: item.number,
                icon: category.map(|c| c.icon.clone()).unwrap_or_default(),
                category: category
                    .map(|c| {
                        if english && !c.name_en.is_empty() {
                            c.name_en.clone()
                        } else {
                            c.name.clone()
                        }
                    })
                    .unwrap_or_default(),
                excerpt: item.description.clone(),
                status: item.status.clone(),
                status_label: item.status_label.clone(),
                created: local_time(item.created_at),
                building: item
                    .building_id
                    .and_then(|id| buildings.iter().find(|b| b.id == id))
                    .map(|b| b.name.clone())
                    .unwrap_or_default(),
                deadline,
                deadline_millis: item.due_at.map_or(0, |due| due.timestamp_millis()),
                overdue: overdue || item.overdue,
                escalated: item.escalated,
                priority: item.priority.clone(),
                unverified: false,
            }
        })
        .collect()
}

pub struct Step {
    pub label: String,
    /// `done`, `current` or `todo`.
    pub state: &'static str,
}

fn steps(status: &str) -> Vec<Step> {
    let reached = match status {
        "submitted" => 0,
        "dispatched" => 1,
        "in_progress" | "on_hold" => 2,
        "resolved" => 3,
        _ => 4,
    };
    [
        "submitted",
        "dispatched",
        "in_progress",
        "resolved",
        "closed",
    ]
    .iter()
    .enumerate()
    .map(|(index, key)| Step {
        label: text(&format!("page.step.{key}"), &[]),
        state: match index.cmp(&reached) {
            std::cmp::Ordering::Less => "done",
            std::cmp::Ordering::Equal if status == "closed" => "done",
            std::cmp::Ordering::Equal => "current",
            std::cmp::Ordering::Greater => "todo",
        },
    })
    .collect()
}

pub struct TimelineView {
    pub label: String,
    pub actor: String,
    pub at: String,
    pub text: String,
    pub internal: bool,
    pub extra: String,
}

fn timeline_extra(details: Option<&serde_json::Value>) -> String {
    let Some(details) = details else {
        return String::new();
    };
    let mut parts = Vec::new();
    if let Some(rating) = details.get("rating").and_then(serde_json::Value::as_i64) {
        parts.push("★".repeat(usize::try_from(rating).unwrap_or(0)));
    }
    for key in ["until", "deadline"] {
        if let Some(at) = details
            .get(key)
            .and_then(serde_json::Value::as_str)
            .and_then(|raw| raw.parse::<DateTime<Utc>>().ok())
        {
            parts.push(text("page.detail.until", &[("at", local_time(at))]));
        }
    }
    parts.join(" · ")
}

/// A form for one action the viewer may take.
pub struct ActionForm {
    pub kind: &'static str,
    pub title: String,
    pub button: String,
    /// `none`, `optional` or `required`.
    pub text: &'static str,
    pub text_label: String,
    pub dispatch: bool,
    pub rating: bool,
    pub accepted_choice: bool,
    pub until: bool,
    pub grant_choice: bool,
    pub photos: bool,
    pub merge: bool,
    pub quiet: bool,
}

fn action_form(kind: ActionKind) -> ActionForm {
    use ActionKind as A;
    let key = kind.as_str();
    let text_need = match kind {
        A::Return
        | A::Reply
        | A::Note
        | A::Supervise
        | A::Hold
        | A::Resolve
        | A::Reject
        | A::Cancel
        | A::RequestExtension => "required",
        A::Sign | A::Grab | A::Resume | A::MeToo | A::Merge => "none",
        _ => "optional",
    };
    ActionForm {
        kind: key,
        title: text(&format!("page.action.{key}.title"), &[]),
        button: text(&format!("page.action.{key}.button"), &[]),
        text: text_need,
        text_label: text(&format!("page.action.{key}.text"), &[]),
        dispatch: kind == A::Dispatch,
        rating: matches!(kind, A::Accept | A::ReturnVisit),
        accepted_choice: kind == A::ReturnVisit,
        until: kind == A::RequestExtension,
        grant_choice: kind == A::DecideExtension,
        photos: kind == A::Resolve,
        merge: kind == A::Merge,
        quiet: matches!(kind, A::Cancel | A::Merge | A::Note | A::Escalate),
    }
}

/// Where an action's form comes among those open to the caller: the usual next steps
/// of the loop first.
fn usual_order(kind: &str) -> usize {
    const USUAL: [&str; 11] = [
        "grab",
        "sign",
        "dispatch",
        "resolve",
        "reply",
        "accept",
        "reject",
        "return_visit",
        "urge",
        "me_too",
        "supervise",
    ];
    USUAL
        .iter()
        .position(|usual| *usual == kind)
        .unwrap_or(USUAL.len())
}

pub struct Choice {
    pub id: i64,
    pub name: String,
}

/// A handler to name on dispatch: shown with their party, which must be the lead.
pub struct HandlerChoice {
    pub id: i64,
    pub label: String,
}

#[derive(Template)]
#[template(path = "order.html")]
struct DetailPage {
    page: PageContext,
    order: WorkOrderDetail,
    category: String,
    steps: Vec<Step>,
    cancelled: bool,
    timeline: Vec<TimelineView>,
    deadline: String,
    /// 受理时限 while 待受理, else 办理时限.
    deadline_label: String,
    deadline_millis: i64,
    overdue: bool,
    created_at: String,
    report_photos: Vec<PhotoView>,
    resolution_photos: Vec<PhotoView>,
    forms: Vec<ActionForm>,
    organisations: Vec<Choice>,
    /// Handlers who may be named on dispatch (承办人), each with their party's id.
    handlers: Vec<HandlerChoice>,
    /// The organisation the dispatch form starts from (0: none, choose).
    suggested_lead: i64,
    /// The charter's co-handlers, checked on a first dispatch.
    suggested_co_handlers: Vec<i64>,
    /// Who leads it now, named in the re-dispatch confirmation ("" before dispatch).
    current_lead: String,
    /// When the reporter may urge again, if they urged too recently to now.
    urge_again: String,
    /// The reporter may keep their public work order off the public board.
    may_hide_from_board: bool,
    notice: String,
    created: bool,
    error_action: String,
    errors: FormErrors,
    kept_text: String,
    extension_default: String,
    is_staff: bool,
    rating_stars: String,
    /// The projects this work order led to (所属项目), with their latest step.
    projects: Vec<ProjectNote>,
    /// Likely duplicates, for the office that may merge it.
    duplicates: Vec<crate::work_orders::duplicates::LikelyDuplicate>,
}

pub struct ProjectNote {
    pub href: String,
    pub title: String,
    pub status_label: String,
    pub percent: i64,
    pub milestone: String,
    pub update: String,
}

/// A work order's projects as its page shows them: status, the latest milestone done
/// (or the next one planned) and the latest progress; linked to the public page (the
/// office's page for staff).
async fn project_notes(
    state: &AppState,
    user: &linli_app::Caller,
    id: i64,
    staff: bool,
) -> Result<Vec<ProjectNote>, PageError> {
    let details = linli_app::projects::of_work_order(state, user, id)
        .await
        .map_err(ApiError::from)?;
    Ok(details
        .into_iter()
        .map(|detail| {
            let milestone = detail
                .milestones
                .iter()
                .rev()
                .find(|m| m.actual_end.is_some())
                .or_else(|| detail.milestones.iter().find(|m| m.actual_end.is_none()))
                .map(|m| {
                    let when = m.actual_end.clone().map_or_else(
                        || text("page.projects.planned", &[]) + " " + &m.planned_start,
                        |end| text("page.projects.actual", &[]) + " " + &end,
                    );
                    format!("{} · {when}", m.title)
                })
                .unwrap_or_default();
            ProjectNote {
                href: if staff {
                    format!("/projects/{}", detail.project.id)
                } else {
                    format!("/public/projects/{}", detail.project.id)
                },
                title: detail.project.title.clone(),
                status_label: text(
                    &format!("page.projects.status.{}", detail.project.status.as_str()),
                    &[],
                ),
                percent: detail.project.percent_done,
                milestone,
                update: detail
                    .updates
                    .last()
                    .map(|update| update.body.clone())
                    .unwrap_or_default(),
            }
        })
        .collect())
}

#[derive(Debug, Default, Deserialize)]
pub struct DetailQuery {
    created: Option<u8>,
    done: Option<String>,
}

struct Refusal<'a> {
    action: &'a str,
    errors: FormErrors,
    kept_text: String,
    status: StatusCode,
}

async fn detail_page(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    query: &DetailQuery,
    refusal: Option<Refusal<'_>>,
) -> PageResult {
    let signed_in = viewer.require()?;
    let read = use_cases::read(state, &signed_in.user, id).await?;
    // Opening a work order reads the caller's messages about it.
    linli_app::notifications::opened(state, &signed_in.user, id).await?;
    let order = crate::work_orders::views::detail(&read);
    let now = state.clock.now();
    let english = crate::locale::Locale::current() == crate::locale::Locale::En;
    let category = &read.category;
    let category_name = if english && !category.name_en.is_empty() {
        category.name_en.clone()
    } else {
        category.name.clone()
    };
    let (deadline, overdue) = order
        .deadlines
        .due
        .map_or((String::new(), false), |due| time_left(due, now));
    // While 待受理 the clock that runs is the duty officer's, to dispatch it.
    let deadline_label = if order.status == Status::Submitted.as_str() {
        text("page.detail.triage_deadline", &[])
    } else {
        text("page.detail.deadline", &[])
    };
    let organisations = if order.allowed_actions.contains(&ActionKind::Dispatch) {
        read.organisations
            .iter()
            .map(|organisation| Choice {
                id: organisation.id,
                name: organisation.name.clone(),
            })
            .collect()
    } else {
        Vec::new()
    };
    let handlers = if order.allowed_actions.contains(&ActionKind::Dispatch) {
        linli_app::dispatch_modes::community_handlers(state, &signed_in.user, order.community_id)
            .await?
            .into_iter()
            .map(|handler| {
                let party = read
                    .organisations
                    .iter()
                    .find(|organisation| organisation.id == handler.organisation_id)
                    .map(|organisation| organisation.name.as_str())
                    .unwrap_or_default();
                HandlerChoice {
                    id: handler.person_id,
                    label: format!("{}（{party}）", handler.display_name),
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    // The lead party starts from the category's usual lead when it has one; otherwise
    // nothing is chosen, so pressing 派单 without choosing refuses instead of handing the
    // work order to whichever organisation comes first.
    let current_lead = order
        .lead_organisation
        .as_ref()
        .map(|lead| lead.name.clone());
    let suggested_lead = read
        .order
        .lead_organisation_id
        .or(read.category.default_lead_organisation_id)
        .unwrap_or(0);
    let suggested_co_handlers = if read.order.lead_organisation_id.is_none() {
        read.category.default_co_handlers()
    } else {
        Vec::new()
    };
    let photo = |photo: &PhotoView| PhotoView {
        id: photo.id,
        purpose: photo.purpose.clone(),
        width: photo.width,
        height: photo.height,
        url: format!("/orders/{}/photos/{}", order.id, photo.id),
        thumbnail_url: format!("/orders/{}/photos/{}?size=thumbnail", order.id, photo.id),
    };
    let report_photos = order
        .photos
        .iter()
        .filter(|p| p.purpose == "report")
        .map(photo)
        .collect();
    let resolution_photos = order
        .photos
        .iter()
        .filter(|p| p.purpose == "resolution")
        .map(photo)
        .collect();
    let timeline = order
        .timeline
        .iter()
        .map(|entry| TimelineView {
            label: entry.label.clone(),
            actor: entry.actor.clone().unwrap_or_default(),
            at: local_time(entry.at),
            text: entry.text.clone().unwrap_or_default(),
            internal: entry.internal,
            extra: timeline_extra(entry.details.as_ref()),
        })
        .collect();
    // A reporter who urged recently is told when they may urge again, instead of the
    // button simply being gone.
    let urge_again = match read.order.last_urged_at {
        Some(urged)
            if read.order.reporter_id == Some(signed_in.user.person.0)
                && read.order.status.is_open()
                && !order.allowed_actions.contains(&ActionKind::Urge) =>
        {
            let again = urged + linli_domain::work_orders::LoopRules::default().urge_interval;
            if again > now {
                text("page.detail.urge_again", &[("at", local_time(again))])
            } else {
                String::new()
            }
        }
        _ => String::new(),
    };
    let mut forms: Vec<ActionForm> = order
        .allowed_actions
        .iter()
        .copied()
        .filter(|kind| *kind != ActionKind::CloseByRule)
        .map(action_form)
        .collect();
    // The usual next step comes first and is open; dispatching again (once someone
    // leads it) and returning stay a tap away, closed.
    for form in &mut forms {
        if (form.dispatch && current_lead.is_some()) || form.kind == "return" {
            form.quiet = true;
        }
    }
    forms.sort_by_key(|form| (form.quiet, usual_order(form.kind)));
    let notice = match &query.done {
        Some(kind) if ActionKind::parse(kind).is_some() => {
            text(&format!("page.action.{kind}.done"), &[])
        }
        Some(hidden) if hidden == "hidden" => text("page.board.hidden", &[]),
        _ => String::new(),
    };
    let may_hide_from_board =
        read.order.is_public && read.order.reporter_id == Some(signed_in.user.person.0);
    let (error_action, errors, kept_text, status) = match refusal {
        Some(refusal) => (
            refusal.action.to_owned(),
            refusal.errors,
            refusal.kept_text,
            refusal.status,
        ),
        None => (
            String::new(),
            FormErrors::default(),
            String::new(),
            StatusCode::OK,
        ),
    };
    let projects = project_notes(state, &signed_in.user, id, signed_in.roles.is_staff()).await?;
    let duplicates = if order.allowed_actions.contains(&ActionKind::Merge) {
        linli_app::work_orders::duplicates::of_work_order(state, &signed_in.user, id)
            .await
            .map_err(ApiError::from)?
            .into_iter()
            .map(crate::work_orders::duplicates::view)
            .collect()
    } else {
        Vec::new()
    };
    let page = DetailPage {
        duplicates,
        projects,
        page: viewer
            .context(
                text("page.detail.title", &[("number", order.number.to_string())]),
                "order",
            )
            .live(Some(order.id)),
        category: category_name,
        steps: steps(&order.status),
        cancelled: order.status == Status::Cancelled.as_str(),
        timeline,
        deadline,
        deadline_label,
        deadline_millis: order.deadlines.due.map_or(0, |due| due.timestamp_millis()),
        overdue: overdue || order.deadlines.overdue,
        created_at: local_time(order.created_at),
        report_photos,
        resolution_photos,
        forms,
        organisations,
        handlers,
        suggested_lead,
        suggested_co_handlers,
        current_lead: current_lead.unwrap_or_default(),
        urge_again,
        may_hide_from_board,
        notice,
        created: query.created == Some(1),
        error_action,
        errors,
        kept_text,
        extension_default: local_input_value(
            order.deadlines.resolve.unwrap_or(now) + chrono::Duration::days(3),
        ),
        is_staff: signed_in.roles.is_staff(),
        rating_stars: order
            .rating
            .map(|rating| {
                "★".repeat(usize::try_from(rating).unwrap_or(0)) + &format!(" {rating}/5")
            })
            .unwrap_or_default(),
        order,
    };
    Ok((status, render(&page)).into_response())
}

pub async fn detail(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Query(query): Query<DetailQuery>,
) -> PageResult {
    detail_page(&state, &viewer, id, &query, None).await
}

fn yes_no(value: &str) -> Option<bool> {
    match value {
        "yes" => Some(true),
        "no" => Some(false),
        _ => None,
    }
}

pub async fn act(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, action)): Path<(i64, String)>,
    multipart: Multipart,
) -> PageResult {
    let signed_in = viewer.require()?;
    let kind = ActionKind::parse(&action)
        .filter(|kind| *kind != ActionKind::CloseByRule)
        .ok_or_else(|| ApiError::not_found("work_order.action_unknown"))?;
    let (fields, photos) = read_multipart(multipart).await?;
    viewer.check_csrf(field(&fields, "csrf"))?;
    let kept_text = field(&fields, "text").to_owned();
    // The form's text field is named as its label says (回复居民, 办结说明…), not 「内容」.
    let text_label = format!("action.{}.text", kind.as_str());
    let labels = [("text", "text", text_label.as_str())];
    let refuse = |error: ApiError| Refusal {
        action: kind.as_str(),
        errors: FormErrors::from_api_labelled(&error, &labels),
        kept_text: kept_text.clone(),
        status: error.status,
    };
    let mut body = ActionRequest {
        version: number_field(&fields, "version"),
        text: Some(kept_text.clone()).filter(|text| !text.trim().is_empty()),
        lead_organisation_id: number_field(&fields, "lead_organisation_id"),
        assignee_id: number_field(&fields, "assignee_id"),
        co_handler_ids: fields
            .iter()
            .filter(|(name, _)| name == "co_handler_ids")
            .filter_map(|(_, value)| value.parse().ok())
            .collect(),
        priority: Some(field(&fields, "priority").to_owned()).filter(|p| !p.is_empty()),
        rating: number_field(&fields, "rating"),
        accepted: yes_no(field(&fields, "accepted")),
        redispatch_confirmed: (kind == ActionKind::Dispatch)
            .then(|| field(&fields, "confirm_redispatch") == "yes"),
        grant: yes_no(field(&fields, "grant")),
        ..ActionRequest::default()
    };
    for (name, target) in [("until", &mut body.until), ("deadline", &mut body.deadline)] {
        let raw = field(&fields, name);
        if !raw.trim().is_empty() {
            match parse_local_input(raw) {
                Some(at) => *target = Some(at),
                None => {
                    let error = ApiError::from(linli_domain::ValidationError::new(
                        "page.error.date_invalid",
                        "until",
                    ));
                    let refusal = refuse(error);
                    return detail_page(
                        &state,
                        &viewer,
                        id,
                        &DetailQuery::default(),
                        Some(refusal),
                    )
                    .await;
                }
            }
        }
    }
    if kind == ActionKind::Merge {
        match number_field(&fields, "into_number") {
            Some(number) => body.into_work_order_number = Some(number),
            None => {
                let refusal = refuse(ApiError::from(linli_domain::ValidationError::new(
                    "work_order.merge_target_invalid",
                    "into_work_order_id",
                )));
                return detail_page(&state, &viewer, id, &DetailQuery::default(), Some(refusal))
                    .await;
            }
        }
    }
    let result =
        use_cases::take_action_with_photos(&state, &signed_in.user, id, kind, &body, photos).await;
    if let Err(error) = result {
        let error = ApiError::from(error);
        if error.status == StatusCode::NOT_FOUND || error.status.is_server_error() {
            return Err(error.into());
        }
        return detail_page(
            &state,
            &viewer,
            id,
            &DetailQuery::default(),
            Some(refuse(error)),
        )
        .await;
    }
    see_other(&format!("/orders/{id}?done={}", kind.as_str()))
}

#[derive(Debug, Deserialize)]
pub struct PhotoSize {
    size: Option<String>,
}

pub async fn photo(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, photo_id)): Path<(i64, i64)>,
    Query(query): Query<PhotoSize>,
) -> PageResult {
    let signed_in = viewer.require()?;
    Ok(crate::photos::photo_response(
        &state,
        &signed_in.user,
        id,
        photo_id,
        query.size.as_deref() == Some("thumbnail"),
    )
    .await?)
}

#[derive(Template)]
#[template(path = "slip.html")]
struct SlipPage {
    page: PageContext,
    order: WorkOrderDetail,
    category: String,
    created_at: String,
    reporter: String,
    /// Masked: a slip can be lost or seen on the counter.
    phone: String,
    /// 7号楼 3单元502, or the place typed at the desk.
    place: String,
    deadline_label: String,
    deadline: String,
    office_phone: String,
}

/// The date and time with the year, as a slip kept for months needs it.
pub(crate) fn dated(at: chrono::DateTime<chrono::Utc>) -> String {
    let local = at.with_timezone(&linli_domain::calendar::shanghai());
    if crate::locale::Locale::current() == crate::locale::Locale::En {
        local.format("%-d %b %Y %H:%M").to_string()
    } else {
        local.format("%Y年%-m月%-d日 %H:%M").to_string()
    }
}

/// The slip the desk prints for a visitor: the number, what and where, by when, and how
/// to follow it.
pub async fn slip(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> PageResult {
    let signed_in = viewer.require()?;
    if !signed_in.roles.is_staff() {
        return Err(PageError::Refused(ApiError::forbidden()));
    }
    let read = use_cases::read(&state, &signed_in.user, id).await?;
    let community = state
        .store
        .community(linli_domain::ids::CommunityId(read.order.community_id))
        .await
        .map_err(ApiError::from)?;
    let order = crate::work_orders::views::detail(&read);
    let (reporter, phone, room) = order.reporter.as_ref().map_or_else(
        || (String::new(), String::new(), None),
        |reporter| {
            (
                reporter.name.clone(),
                reporter
                    .phone
                    .as_deref()
                    .map(linli_domain::registry::Phone::masked)
                    .unwrap_or_default(),
                reporter.room.clone(),
            )
        },
    );
    let place = room
        .or_else(|| {
            let building = order
                .building
                .as_ref()
                .map(|building| building.name.clone());
            match (building, order.place.clone()) {
                (Some(building), Some(place)) => Some(format!("{building} {place}")),
                (building, place) => building.or(place),
            }
        })
        .unwrap_or_default();
    let deadline_label = if order.status == Status::Submitted.as_str() {
        text("page.detail.triage_deadline", &[])
    } else {
        text("page.detail.deadline", &[])
    };
    Ok(render(&SlipPage {
        page: viewer.context(
            text("page.slip.title", &[("number", order.number.to_string())]),
            "desk",
        ),
        category: order.category.name.clone(),
        created_at: dated(order.created_at),
        reporter,
        phone,
        place,
        deadline_label,
        deadline: order.deadlines.due.map(dated).unwrap_or_default(),
        office_phone: community.office_phone.unwrap_or_default(),
        order,
    }))
}
