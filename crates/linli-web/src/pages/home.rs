//! The resident's pages: home (report in the centre, my work orders, notices) and the
//! report form.

use super::context::{FormErrors, PageContext, PageError, PageResult, Viewer, render, see_other};
use super::orders::{CardView, cards};
use crate::error::ApiError;
use crate::locale::text;
use crate::state::AppState;
use crate::work_orders::Page;
use askama::Template;
use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use linli_app::work_orders::{self as use_cases, ListRequest, Report};
use linli_store::categories::Category;
use serde::Deserialize;

const OPEN: &str = "submitted,dispatched,in_progress,on_hold,resolved";

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    page: PageContext,
    mine: Vec<CardView>,
    finished: Vec<CardView>,
    neighbours: Vec<CardView>,
    /// The joint meetings the resident is invited to, still to come (我的会议).
    meetings: Vec<MeetingInvite>,
    /// The community's life beyond work orders (社区服务): news, the board, the directory…
    community_links: Vec<HomeLink>,
}

/// A tile of the home's 社区服务 grid.
pub struct HomeLink {
    pub id: &'static str,
    pub href: String,
    pub icon: &'static str,
    pub label: String,
}

/// The tiles of the resident's home: every public part of the platform for their community.
fn community_links(community: i64) -> Vec<HomeLink> {
    let public = |page: &str| format!("/public/communities/{community}/{page}");
    [
        (
            "content-link",
            "/content".to_owned(),
            "📰",
            "page.home.links.content",
        ),
        ("board-link", public("board"), "📋", "page.home.links.board"),
        (
            "services-link",
            public("services"),
            "🧭",
            "page.home.links.services",
        ),
        (
            "grids-link",
            "/grids".to_owned(),
            "🏘️",
            "page.home.links.grids",
        ),
        (
            "partners-link",
            public("partners"),
            "🤝",
            "page.home.links.partners",
        ),
        (
            "projects-link",
            public("projects"),
            "🛠️",
            "page.home.links.projects",
        ),
        (
            "campaigns-link",
            "/campaigns".to_owned(),
            "❤️",
            "page.home.links.campaigns",
        ),
        (
            "volunteers-link",
            "/volunteers".to_owned(),
            "🙋",
            "page.home.links.volunteers",
        ),
        (
            "household-link",
            "/household".to_owned(),
            "🏠",
            "page.home.links.household",
        ),
        (
            "votes-link",
            "/votes".to_owned(),
            "🗳️",
            "page.home.links.votes",
        ),
    ]
    .into_iter()
    .map(|(id, href, icon, key)| HomeLink {
        id,
        href,
        icon,
        label: text(key, &[]),
    })
    .collect()
}

pub struct MeetingInvite {
    pub id: i64,
    pub line: String,
}

pub async fn home(State(state): State<AppState>, viewer: Viewer) -> PageResult {
    let signed_in = viewer.require()?;
    if !signed_in.roles.resident {
        let home = signed_in.roles.home();
        if home != "/" {
            return see_other(home);
        }
        return Err(ApiError::forbidden().into());
    }
    let community = signed_in
        .community
        .as_ref()
        .ok_or_else(ApiError::forbidden)?;
    let categories =
        linli_app::categories::of_community(&state, &signed_in.user, community.id).await?;
    let list = |mine: bool, statuses: &str, limit: i64| ListRequest {
        community_id: Some(community.id),
        mine,
        status: Some(statuses.to_owned()),
        limit: Some(limit),
        ..ListRequest::default()
    };
    let fetch = async |request: ListRequest| -> Result<Page, ApiError> {
        Ok(use_cases::list(&state, &signed_in.user, &request)
            .await?
            .into())
    };
    // What is still going on comes first, however old; then the latest finished ones.
    let mine = fetch(list(true, OPEN, 50)).await?;
    let finished = fetch(list(true, "closed,cancelled", 5)).await?;
    let public = fetch(list(false, OPEN, 8)).await?;
    let mine_ids: Vec<i64> = mine.items.iter().map(|item| item.id).collect();
    let neighbours = public
        .items
        .into_iter()
        .filter(|item| !mine_ids.contains(&item.id))
        .take(5)
        .collect::<Vec<_>>();
    let now = state.clock.now();
    let meetings = linli_app::meetings::mine(&state, &signed_in.user)
        .await
        .map_err(ApiError::from)?
        .into_iter()
        .filter(linli_app::meetings::is_scheduled)
        .rev()
        .map(|meeting| MeetingInvite {
            id: meeting.id,
            line: text(
                "page.meetings.my_meeting_line",
                &[
                    ("title", meeting.title.clone()),
                    ("when", super::context::local_time(meeting.starts_at)),
                    ("place", meeting.place.clone()),
                ],
            ),
        })
        .collect();
    Ok(render(&HomePage {
        meetings,
        community_links: community_links(community.id),
        page: viewer
            .context(text("page.home.title", &[]), "home")
            .live(None),
        mine: cards(&mine.items, &categories, now),
        finished: cards(&finished.items, &categories, now),
        neighbours: cards(&neighbours, &categories, now),
    }))
}

pub struct CategoryChoice {
    pub id: i64,
    pub name: String,
    pub icon: String,
    pub checked: bool,
}

pub struct BuildingChoice {
    pub id: i64,
    pub name: String,
    pub selected: bool,
}

pub fn category_choices(categories: &[Category], chosen: Option<i64>) -> Vec<CategoryChoice> {
    let english = crate::locale::Locale::current() == crate::locale::Locale::En;
    categories
        .iter()
        .filter(|category| category.active)
        .map(|category| CategoryChoice {
            id: category.id,
            name: if english && !category.name_en.is_empty() {
                category.name_en.clone()
            } else {
                category.name.clone()
            },
            icon: category.icon.clone(),
            checked: Some(category.id) == chosen,
        })
        .collect()
}

pub async fn building_choices(
    state: &AppState,
    viewer: &Viewer,
    community: i64,
    chosen: Option<i64>,
) -> Result<Vec<BuildingChoice>, PageError> {
    let user = &viewer.require()?.user;
    let buildings = linli_app::registry::buildings(state, user, community).await?;
    Ok(choices_of_buildings(&buildings, chosen))
}

pub fn choices_of_buildings(
    buildings: &[linli_store::registry::Building],
    chosen: Option<i64>,
) -> Vec<BuildingChoice> {
    buildings
        .iter()
        .map(|building| BuildingChoice {
            selected: Some(building.id) == chosen,
            id: building.id,
            name: building.name.clone(),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage {
    page: PageContext,
    categories: Vec<CategoryChoice>,
    buildings: Vec<BuildingChoice>,
    home: String,
    description: String,
    place: String,
    is_public: bool,
    errors: FormErrors,
}

/// What the resident typed, kept when the form is refused.
#[derive(Default)]
struct ReportForm {
    csrf: String,
    category_id: Option<i64>,
    description: String,
    building_id: Option<i64>,
    place: String,
    is_public: bool,
    photos: Vec<Vec<u8>>,
}

async fn report_form_page(
    state: &AppState,
    viewer: &Viewer,
    form: &ReportForm,
    errors: FormErrors,
) -> PageResult {
    let signed_in = viewer.require()?;
    let community = signed_in
        .community
        .as_ref()
        .ok_or_else(ApiError::forbidden)?;
    let homes: Vec<_> = state
        .store
        .rooms_of(signed_in.user.person)
        .await?
        .into_iter()
        .filter(|room| room.community_id == community.id)
        .collect();
    let home = homes
        .first()
        .map(|room| {
            text(
                "page.report.home_room",
                &[
                    ("building", room.building_name.clone()),
                    ("unit", room.unit_number.clone()),
                    ("room", room.room_number.clone()),
                ],
            )
        })
        .unwrap_or_default();
    let building = form
        .building_id
        .or_else(|| homes.first().map(|room| room.building_id));
    let categories =
        linli_app::categories::of_community(state, &viewer.require()?.user, community.id).await?;
    let status = if errors.any() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = ReportPage {
        page: viewer.context(text("page.report.title", &[]), "report"),
        categories: category_choices(&categories, form.category_id),
        buildings: choices_of_buildings(
            &linli_app::registry::buildings_to_report_in(
                state,
                &viewer.require()?.user,
                community.id,
            )
            .await?,
            building,
        ),
        home,
        description: form.description.clone(),
        place: form.place.clone(),
        is_public: form.is_public,
        errors,
    };
    Ok((status, render(&page)).into_response())
}

/// `/report?building_id=`: a poster's QR code chooses the building.
#[derive(Debug, Default, Deserialize)]
pub struct ReportPreset {
    building_id: Option<String>,
}

pub async fn report_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(preset): Query<ReportPreset>,
) -> PageResult {
    let signed_in = viewer.require()?;
    if !signed_in.roles.resident {
        return see_other(if signed_in.roles.desk { "/desk" } else { "/" });
    }
    let form = ReportForm {
        is_public: true,
        building_id: preset
            .building_id
            .as_deref()
            .and_then(|id| id.trim().parse().ok()),
        ..ReportForm::default()
    };
    report_form_page(&state, &viewer, &form, FormErrors::default()).await
}

fn bad_body(error: &axum::extract::multipart::MultipartError) -> PageError {
    ApiError::invalid_body(error.body_text()).into()
}

/// Reads a multipart form: text fields by name, and the files of `photos` (a file input
/// left empty arrives as an empty part and is skipped).
pub async fn read_multipart(
    mut multipart: Multipart,
) -> Result<(Vec<(String, String)>, Vec<Vec<u8>>), PageError> {
    let mut fields = Vec::new();
    let mut photos = Vec::new();
    while let Some(field) = multipart.next_field().await.map_err(|e| bad_body(&e))? {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "photos" {
            let bytes = field.bytes().await.map_err(|e| bad_body(&e))?;
            if !bytes.is_empty() {
                photos.push(bytes.to_vec());
            }
        } else {
            let value = field.text().await.map_err(|e| bad_body(&e))?;
            crate::input_text::check_form_part(&name, &value)?;
            fields.push((name, value));
        }
    }
    Ok((fields, photos))
}

pub fn field<'a>(fields: &'a [(String, String)], name: &str) -> &'a str {
    fields
        .iter()
        .find(|(key, _)| key == name)
        .map_or("", |(_, value)| value.as_str())
}

pub fn number_field(fields: &[(String, String)], name: &str) -> Option<i64> {
    field(fields, name).trim().parse().ok()
}

/// The report form's fields, named as its labels say: (use case, form, label).
const REPORT_LABELS: &[(&str, &str, &str)] = &[
    ("description", "description", "report.description"),
    ("building_id", "building_id", "report.building"),
    ("place", "place", "report.place"),
    ("photos", "photos", "report.photos"),
];

pub async fn report(
    State(state): State<AppState>,
    viewer: Viewer,
    multipart: Multipart,
) -> PageResult {
    let signed_in = viewer.require()?;
    let (fields, photos) = read_multipart(multipart).await?;
    let form = ReportForm {
        csrf: field(&fields, "csrf").to_owned(),
        category_id: number_field(&fields, "category_id"),
        description: field(&fields, "description").to_owned(),
        building_id: number_field(&fields, "building_id"),
        place: field(&fields, "place").to_owned(),
        is_public: field(&fields, "is_public") == "on",
        photos,
    };
    viewer.check_csrf(&form.csrf)?;
    let input = Report {
        community_id: signed_in.community.as_ref().map(|community| community.id),
        category_id: form.category_id,
        description: form.description.clone(),
        building_id: form.building_id,
        place: Some(form.place.clone()),
        is_public: Some(form.is_public),
        ..Report::default()
    };
    let created =
        match use_cases::report_with_photos(&state, &signed_in.user, input, form.photos.clone())
            .await
        {
            Ok(created) => created.order,
            Err(error) => {
                let error = ApiError::from(error);
                if error.status.is_client_error() && error.status != StatusCode::FORBIDDEN {
                    let errors = FormErrors::from_api_labelled(&error, REPORT_LABELS);
                    return report_form_page(&state, &viewer, &form, errors).await;
                }
                return Err(error.into());
            }
        };
    see_other(&format!("/orders/{}?created=1", created.id))
}
