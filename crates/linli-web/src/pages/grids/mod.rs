//! Grids as pages (网格化党建): `/grids` shows a resident "我的网格" — their grid leader
//! and building leader with the phones to call — and the community's grids (names only
//! for other grids); staff see every phone. The supervisor or admin draws a grid on the
//! same page and redraws or removes one on its own page ([`edit`]).

pub mod edit;

use crate::error::ApiError;
use crate::locale::text;
use crate::pages::context::{FormErrors, PageContext, PageResult, Viewer, render, see_other};
use crate::pages::form_state::{Forms, Refused, shown_beside_form};
use crate::pages::meetings::{Fields, all, caller_of, get};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum_extra::extract::Form;
use linli_app::grids::{self as use_cases, BuildingEntry, GridRequest};
use linli_domain::grids::Contact;
use linli_store::grids::GridRow;
use serde::Deserialize;
use std::collections::HashMap;

/// Someone to reach, as a page shows them: a name, and a phone when the rules allow.
pub struct ContactLine {
    pub name: String,
    pub phone: String,
}

fn contact_line(contact: Option<Contact>) -> Option<ContactLine> {
    contact.map(|contact| ContactLine {
        name: contact.name,
        phone: contact.phone.unwrap_or_default(),
    })
}

pub struct BuildingLine {
    pub name: String,
    pub leader: Option<ContactLine>,
}

pub struct GridLine {
    pub id: i64,
    pub name: String,
    pub leader: Option<ContactLine>,
    pub buildings: Vec<BuildingLine>,
    pub party_members: Vec<ContactLine>,
}

fn grid_line(row: GridRow) -> GridLine {
    GridLine {
        id: row.id,
        name: row.name,
        leader: contact_line(row.leader),
        buildings: row
            .buildings
            .into_iter()
            .map(|building| BuildingLine {
                name: building.building_name,
                leader: contact_line(building.leader),
            })
            .collect(),
        party_members: row
            .party_members
            .into_iter()
            .filter_map(|member| contact_line(Some(member)))
            .collect(),
    }
}

/// A building as a row of the grid form: ticked or not, its leader, and the grid that
/// has it already (none, or this one).
pub struct BuildingChoice {
    pub id: i64,
    pub name: String,
    /// The name of another grid that has the building ("" when free).
    pub taken_by: String,
}

/// The use cases' field names as the form shows them.
pub const LABELS: &[(&str, &str, &str)] = &[
    ("name", "name", "grids.name"),
    ("leader_name", "leader_name", "grids.leader_name"),
    ("leader_phone", "leader_phone", "grids.leader_phone"),
    ("buildings", "buildings", "grids.buildings"),
    (
        "building_leader_name",
        "buildings",
        "grids.building_leader_name",
    ),
    (
        "building_leader_phone",
        "buildings",
        "grids.building_leader_phone",
    ),
    ("party_members", "party_members", "grids.party_members"),
];

/// One party member per line: a name, then a phone if there is one ("李建国 13800000001").
fn party_members(raw: &str) -> Vec<(String, String)> {
    raw.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(|line| match line.rsplit_once(char::is_whitespace) {
            Some((name, phone)) if phone.chars().any(|c| c.is_ascii_digit()) => {
                (name.trim().to_owned(), phone.to_owned())
            }
            _ => (line.to_owned(), String::new()),
        })
        .collect()
}

/// The grid form as typed: the ticked buildings, each with the leader typed on its row.
pub fn grid_request(fields: &Fields) -> GridRequest {
    let buildings = all(fields, "buildings")
        .into_iter()
        .filter_map(|id| id.trim().parse::<i64>().ok())
        .map(|id| BuildingEntry {
            building_id: id,
            leader_name: get(fields, &format!("building_leader_name_{id}")).to_owned(),
            leader_phone: get(fields, &format!("building_leader_phone_{id}")).to_owned(),
        })
        .collect();
    GridRequest {
        name: get(fields, "name").to_owned(),
        leader_name: get(fields, "leader_name").to_owned(),
        leader_phone: get(fields, "leader_phone").to_owned(),
        buildings,
        party_members: party_members(get(fields, "party_members")),
    }
}

/// The community's buildings for the form, with the grid (other than `this_grid`) that
/// has each.
pub async fn building_choices(
    state: &AppState,
    community: i64,
    grids: &[GridRow],
    this_grid: Option<i64>,
) -> Result<Vec<BuildingChoice>, ApiError> {
    let taken: HashMap<i64, &str> = grids
        .iter()
        .filter(|grid| Some(grid.id) != this_grid)
        .flat_map(|grid| {
            grid.buildings
                .iter()
                .map(|building| (building.building_id, grid.name.as_str()))
        })
        .collect();
    Ok(state
        .store
        .buildings(linli_domain::ids::CommunityId(community))
        .await
        .map_err(ApiError::from)?
        .into_iter()
        .map(|building| BuildingChoice {
            taken_by: taken
                .get(&building.id)
                .copied()
                .unwrap_or_default()
                .to_owned(),
            id: building.id,
            name: building.name,
        })
        .collect())
}

/// The grid form as a page shows it: empty to draw a grid, or filled in with what is
/// stored; after a refusal, what was typed.
pub struct GridForm {
    pub choices: Vec<BuildingChoice>,
    pub forms: Forms,
    /// The form's stored values (none when adding).
    pub stored: Fields,
    pub action: String,
    pub name: &'static str,
}

impl GridForm {
    fn value(&self, field: &str) -> String {
        if self.forms.is(self.name) {
            self.forms.kept(self.name, field)
        } else {
            get(&self.stored, field).to_owned()
        }
    }

    fn ticked(&self, building: &i64) -> bool {
        let id = building.to_string();
        let stored = all(&self.stored, "buildings").contains(&id.as_str());
        self.forms.ticked(self.name, "buildings", &id, stored)
    }

    fn error(&self, field: &str) -> String {
        self.forms.error(self.name, field)
    }

    fn general(&self) -> String {
        self.forms.general(self.name)
    }
}

#[derive(Template)]
#[template(path = "grids.html")]
struct GridsPage {
    page: PageContext,
    mine: Vec<GridLine>,
    grids: Vec<GridLine>,
    edits: bool,
    notice: String,
    form: GridForm,
}

#[derive(Debug, Default, Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

pub async fn grids_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<DoneQuery>,
) -> PageResult {
    let notice = match query.done.as_deref() {
        Some(done @ ("add" | "edit" | "remove")) => text(&format!("page.grids.done.{done}"), &[]),
        _ => String::new(),
    };
    render_grids(&state, &viewer, notice, None).await
}

async fn render_grids(
    state: &AppState,
    viewer: &Viewer,
    notice: String,
    refused: Option<Refused>,
) -> PageResult {
    let signed_in = viewer.require()?;
    let caller = &signed_in.user.0;
    let Some(community) = signed_in.community.as_ref().map(|c| c.id) else {
        return Err(ApiError::not_found("registry.community_not_found").into());
    };
    let grids = use_cases::list(state, caller, community)
        .await
        .map_err(ApiError::from)?;
    let mine = use_cases::mine(state, caller)
        .await
        .map_err(ApiError::from)?;
    let edits = use_cases::edits(caller, community);
    let choices = if edits {
        building_choices(state, community, &grids, None).await?
    } else {
        Vec::new()
    };
    let status = refused.as_ref().map_or(StatusCode::OK, |r| r.status);
    let page = GridsPage {
        page: viewer.context(text("page.grids.title", &[]), "grids"),
        mine: mine.into_iter().map(grid_line).collect(),
        grids: grids.into_iter().map(grid_line).collect(),
        edits,
        notice,
        form: GridForm {
            choices,
            forms: Forms { refused },
            stored: Vec::new(),
            action: "/grids/add".to_owned(),
            name: "add",
        },
    };
    Ok((status, render(&page)).into_response())
}

/// `add` a grid from the page.
pub async fn grids_action(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(fields): Form<Fields>,
) -> PageResult {
    let caller = caller_of(&viewer, &fields)?;
    let community = viewer
        .require()?
        .community
        .as_ref()
        .map(|c| c.id)
        .ok_or_else(|| ApiError::not_found("registry.community_not_found"))?;
    match use_cases::save(&state, caller, community, None, &grid_request(&fields)).await {
        Ok(_) => see_other("/grids?done=add"),
        Err(error) => {
            let error = ApiError::from(error);
            if !shown_beside_form(&error) {
                return Err(error.into());
            }
            let refused = Refused {
                form: "add".to_owned(),
                errors: FormErrors::from_api_labelled(&error, LABELS),
                kept: fields,
                status: error.status,
            };
            render_grids(&state, &viewer, String::new(), Some(refused)).await
        }
    }
}
