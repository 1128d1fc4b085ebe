//! One grid's page for the supervisor or admin (`/grids/{id}`): the grid form filled in
//! with what is stored, to redraw it whole, and the button that removes it.

use super::{GridForm, GridLine, LABELS, building_choices, grid_line, grid_request};
use crate::error::ApiError;
use crate::locale::text;
use crate::pages::context::{FormErrors, PageContext, PageResult, Viewer, render, see_other};
use crate::pages::form_state::{Forms, Refused, shown_beside_form};
use crate::pages::meetings::{Fields, caller_of};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum_extra::extract::Form;
use linli_app::grids as use_cases;
use linli_store::grids::GridRow;

#[derive(Template)]
#[template(path = "grids_edit.html")]
struct GridEditPage {
    page: PageContext,
    grid: GridLine,
    form: GridForm,
}

/// What is stored, as the form's fields.
fn stored_fields(grid: &GridRow) -> Fields {
    let mut fields: Fields = vec![("name".into(), grid.name.clone())];
    if let Some(leader) = &grid.leader {
        fields.push(("leader_name".into(), leader.name.clone()));
        fields.push((
            "leader_phone".into(),
            leader.phone.clone().unwrap_or_default(),
        ));
    }
    for building in &grid.buildings {
        let id = building.building_id;
        fields.push(("buildings".into(), id.to_string()));
        if let Some(leader) = &building.leader {
            fields.push((format!("building_leader_name_{id}"), leader.name.clone()));
            fields.push((
                format!("building_leader_phone_{id}"),
                leader.phone.clone().unwrap_or_default(),
            ));
        }
    }
    let members: Vec<String> = grid
        .party_members
        .iter()
        .map(|member| match &member.phone {
            Some(phone) => format!("{} {phone}", member.name),
            None => member.name.clone(),
        })
        .collect();
    fields.push(("party_members".into(), members.join("\n")));
    fields
}

async fn render_edit(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    refused: Option<Refused>,
) -> PageResult {
    let signed_in = viewer.require()?;
    let caller = &signed_in.user.0;
    let community = state
        .store
        .grid(id)
        .await
        .map_err(ApiError::from)?
        .community_id;
    if !use_cases::edits(caller, community) {
        return Err(ApiError::forbidden().into());
    }
    let grids = use_cases::list(state, caller, community)
        .await
        .map_err(ApiError::from)?;
    let choices = building_choices(state, community, &grids, Some(id)).await?;
    let Some(grid) = grids.into_iter().find(|grid| grid.id == id) else {
        return Err(ApiError::not_found("grid.not_found").into());
    };
    let status = refused.as_ref().map_or(StatusCode::OK, |r| r.status);
    let page = GridEditPage {
        page: viewer.context(
            text("page.grids.edit_title", &[("name", grid.name.clone())]),
            "grids",
        ),
        form: GridForm {
            choices,
            forms: Forms { refused },
            stored: stored_fields(&grid),
            action: format!("/grids/{id}/edit"),
            name: "edit",
        },
        grid: grid_line(grid),
    };
    Ok((status, render(&page)).into_response())
}

pub async fn grid_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> PageResult {
    render_edit(&state, &viewer, id, None).await
}

/// `edit` or `remove` from a grid's page.
pub async fn grid_action(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, action)): Path<(i64, String)>,
    Form(fields): Form<Fields>,
) -> PageResult {
    let caller = caller_of(&viewer, &fields)?;
    let result = match action.as_str() {
        "edit" => {
            let community = state
                .store
                .grid(id)
                .await
                .map_err(ApiError::from)?
                .community_id;
            use_cases::save(&state, caller, community, Some(id), &grid_request(&fields))
                .await
                .map(|_| ())
        }
        "remove" => use_cases::remove(&state, caller, id).await,
        _ => return Err(ApiError::not_found("request.not_found").into()),
    };
    match result {
        Ok(()) => see_other(&format!("/grids?done={action}")),
        Err(error) => {
            let error = ApiError::from(error);
            if !shown_beside_form(&error) {
                return Err(error.into());
            }
            let refused = Refused {
                form: action,
                errors: FormErrors::from_api_labelled(&error, LABELS),
                kept: fields,
                status: error.status,
            };
            render_edit(&state, &viewer, id, Some(refused)).await
        }
    }
}
