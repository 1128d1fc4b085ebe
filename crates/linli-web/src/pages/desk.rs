//! The reception desk: find a resident, log a visit (or a call), and turn it into a work
//! order on the visitor's behalf; today's visits underneath.

use super::context::{
    FormErrors, PageContext, PageError, PageResult, Viewer, local_time, render, see_other,
};
use super::home::{BuildingChoice, CategoryChoice, building_choices, category_choices};
use crate::error::ApiError;
use crate::locale::text;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum_extra::extract::Form;
use linli_app::people::Resident;
use linli_app::visits::VisitRequest;
use linli_app::work_orders::Report;
use linli_domain::registry::Phone;
use serde::Deserialize;

pub struct ResidentMatch {
    pub id: i64,
    pub name: String,
    pub phone: String,
    pub rooms: String,
}

pub struct VisitRow {
    pub at: String,
    pub visitor: String,
    pub matter: String,
    pub outcome: String,
    pub order_id: i64,
    pub order_number: i64,
}

#[derive(Template)]
#[template(path = "desk.html")]
struct DeskPage {
    page: PageContext,
    /// Who is on duty now, from the roster.
    on_duty: String,
    q: String,
    searched: bool,
    matches: Vec<ResidentMatch>,
    form: DeskForm,
    categories: Vec<CategoryChoice>,
    buildings: Vec<BuildingChoice>,
    errors: FormErrors,
    visits: Vec<VisitRow>,
}

#[derive(Debug, Default, Deserialize)]
pub struct DeskQuery {
    q: Option<String>,
    person_id: Option<i64>,
}

/// What the receptionist typed, kept when the form is refused.
#[derive(Debug, Default, Deserialize)]
pub struct DeskForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    pub visitor_name: String,
    #[serde(default)]
    pub visitor_phone: String,
    #[serde(default)]
    pub person_id: String,
    #[serde(default)]
    pub building_id: String,
    #[serde(default)]
    pub room_text: String,
    #[serde(default)]
    pub matter: String,
    /// `walk_in` or `phone`.
    #[serde(default)]
    pub channel: String,
    /// `answered` (settled on the spot) or `work_order`.
    #[serde(default)]
    pub outcome: String,
    /// The visitor agreed that other residents may see the work order (without their
    /// name, room or phone).
    #[serde(default, deserialize_with = "checkbox")]
    pub is_public: bool,
    #[serde(default)]
    pub answer: String,
    #[serde(default)]
    pub category_id: String,
    /// Set when the visit was logged but its work order was refused: the retry links to
    /// that visit instead of logging it twice.
    #[serde(default)]
    pub visit_id: String,
}

fn number(raw: &str) -> Option<i64> {
    raw.trim().parse().ok()
}

/// An HTML checkbox: `on` when ticked, absent when not.
fn checkbox<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    let value: Option<String> = serde::Deserialize::deserialize(deserializer)?;
    Ok(value.is_some_and(|value| !value.is_empty()))
}

fn is_desk(viewer: &Viewer) -> Result<i64, PageError> {
    let signed_in = viewer.require()?;
    let roles = signed_in.roles;
    if !(roles.desk || roles.duty || roles.supervisor) {
        return Err(ApiError::forbidden().into());
    }
    Ok(signed_in
        .community
        .as_ref()
        .ok_or_else(ApiError::forbidden)?
        .id)
}

async fn desk_form_page(
    state: &AppState,
    viewer: &Viewer,
    q: String,
    form: DeskForm,
    errors: FormErrors,
) -> PageResult {
    let community = is_desk(viewer)?;
    let signed_in = viewer.require()?;
    let searched = !q.trim().is_empty();
    let mut matches = Vec::new();
    if searched {
        for Resident { person, rooms } in
            linli_app::people::find_residents(state, &signed_in.user, community, &q).await?
        {
            matches.push(ResidentMatch {
                id: person.id,
                name: person.display_name.clone(),
                phone: person
                    .phone
                    .as_deref()
                    .map(Phone::masked)
                    .unwrap_or_default(),
                rooms: rooms
                    .iter()
                    .map(|room| {
                        format!(
                            "{} {}-{}",
                            room.building_name, room.unit_number, room.room_number
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("、"),
            });
        }
    }
    let visits = linli_app::visits::visits_of_day(state, &signed_in.user, Some(community), None)
        .await?
        .into_iter()
        .map(|visit| VisitRow {
            at: local_time(visit.visited_at),
            visitor: visit.visitor_name,
            matter: visit.matter,
            outcome: visit.outcome.unwrap_or_default(),
            order_id: visit.work_order_id.unwrap_or_default(),
            order_number: visit.work_order_number.unwrap_or_default(),
        })
        .collect();
    let categories = linli_app::categories::of_community(state, &signed_in.user, community).await?;
    let status = if errors.any() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let on_duty = crate::pages::roster::on_duty_line(state, viewer).await?;
    let page = DeskPage {
        on_duty,
        page: viewer.context(text("page.desk.title", &[]), "desk"),
        q,
        searched,
        matches,
        categories: category_choices(&categories, number(&form.category_id)),
        buildings: building_choices(state, viewer, community, number(&form.building_id)).await?,
        form,
        errors,
        visits,
    };
    Ok((status, render(&page)).into_response())
}

pub async fn desk_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<DeskQuery>,
) -> PageResult {
    let community = is_desk(&viewer)?;
    let mut form = DeskForm {
        channel: "walk_in".to_owned(),
        outcome: "work_order".to_owned(),
        ..DeskForm::default()
    };
    // Chosen from the search: the form starts with the resident's name, phone and home.
    if let Some(person) = query.person_id {
        let signed_in = viewer.require()?;
        let Resident { person, rooms } =
            linli_app::people::resident(&state, &signed_in.user, community, person).await?;
        if let Some(home) = rooms.into_iter().next() {
            form.person_id = person.id.to_string();
            form.visitor_name = person.display_name;
            form.visitor_phone = person.phone.unwrap_or_default();
            form.building_id = home.building_id.to_string();
            form.room_text = format!("{}-{}", home.unit_number, home.room_number);
        }
    }
    desk_form_page(
        &state,
        &viewer,
        query.q.unwrap_or_default(),
        form,
        FormErrors::default(),
    )
    .await
}

/// The desk form's fields as the use cases name them: (use case, form, label).
const DESK_LABELS: &[(&str, &str, &str)] = &[
    ("visitor_name", "visitor_name", "desk.visitor_name"),
    ("guest_name", "visitor_name", "desk.visitor_name"),
    ("visitor_phone", "visitor_phone", "desk.visitor_phone"),
    ("guest_phone", "visitor_phone", "desk.visitor_phone"),
    ("matter", "matter", "desk.matter"),
    ("description", "matter", "desk.matter"),
    ("room_text", "room_text", "desk.room"),
    ("place", "room_text", "desk.room"),
    ("outcome", "answer", "desk.answer"),
    ("category", "category", "desk.category"),
    ("building_id", "building_id", "report.building"),
];

pub async fn log_visit(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(mut form): Form<DeskForm>,
) -> PageResult {
    let community = is_desk(&viewer)?;
    viewer.check_csrf(&form.csrf)?;
    let signed_in = viewer.require()?;
    let make_order = form.outcome == "work_order";
    // Checked with the visit's fields, so that the desk sees every problem at once.
    let mut checks = linli_app::FieldChecks::default();
    if make_order && number(&form.category_id).is_none() {
        checks
            .refuse(linli_app::AppError::invalid(
                "work_order.category_unknown",
                "category",
            ))
            .map_err(ApiError::from)?;
    }
    let person_id = number(&form.person_id);
    let building_id = number(&form.building_id);
    let visit_id = match number(&form.visit_id) {
        Some(visit) => visit,
        None => {
            let outcome = if make_order {
                text("page.desk.outcome_work_order", &[])
            } else {
                form.answer.clone()
            };
            let input = VisitRequest {
                community_id: Some(community),
                visitor_name: form.visitor_name.clone(),
                visitor_phone: Some(form.visitor_phone.clone()),
                person_id,
                building_id,
                room_text: Some(form.room_text.clone()),
                matter: form.matter.clone(),
                outcome: Some(outcome),
            };
            match linli_app::visits::log_visit_after(&state, &signed_in.user, &input, checks).await
            {
                Ok(visit) => visit.id,
                Err(error) => {
                    let error = ApiError::from(error);
                    if !error.status.is_client_error() {
                        return Err(error.into());
                    }
                    let errors = FormErrors::from_api_labelled(&error, DESK_LABELS);
                    return desk_form_page(&state, &viewer, String::new(), form, errors).await;
                }
            }
        }
    };
    if !make_order {
        return see_other("/desk?logged=1");
    }
    let input = Report {
        community_id: Some(community),
        category_id: number(&form.category_id),
        description: form.matter.clone(),
        building_id,
        place: Some(form.room_text.clone()).filter(|_| person_id.is_none()),
        channel: Some(
            if form.channel == "phone" {
                "phone"
            } else {
                "walk_in"
            }
            .to_owned(),
        ),
        reporter_id: person_id,
        guest_name: person_id.is_none().then(|| form.visitor_name.clone()),
        guest_phone: person_id
            .is_none()
            .then(|| form.visitor_phone.clone())
            .filter(|phone| !phone.trim().is_empty()),
        visit_id: Some(visit_id),
        is_public: Some(form.is_public),
        ..Report::default()
    };
    match linli_app::work_orders::report(&state, &signed_in.user, input).await {
        Ok(created) => see_other(&format!("/orders/{}/slip", created.order.id)),
        Err(error) => {
            let error = ApiError::from(error);
            if !error.status.is_client_error() {
                return Err(error.into());
            }
            form.visit_id = visit_id.to_string();
            let errors = FormErrors::from_api_labelled(&error, DESK_LABELS);
            desk_form_page(&state, &viewer, String::new(), form, errors).await
        }
    }
}
