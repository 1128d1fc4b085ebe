//! Writing content from the office's pages: a new draft of a kind (`/content/new?kind=`),
//! a draft rewritten, a published text corrected with a note (`/content/{id}/edit`).
//! An image chosen in the form is taken under the photo rules first and its Markdown
//! added to the body; a refused form shows every wrong field beside it, the image kept.

use super::kind_label;
use crate::error::ApiError;
use crate::locale::text;
use crate::pages::context::{
    FormErrors, PageContext, PageResult, Viewer, local_input_value, parse_local_input, render,
    see_other,
};
use crate::pages::home::read_multipart;
use crate::pages::meetings::{Fields, all, caller_of, get};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use linli_app::Caller;
use linli_app::content::images::{image_path, upload};
use linli_app::content::write::{self, ContentRequest, Correction};
use linli_domain::content::{Kind, ROLES_IN_AUDIENCE, Status};
use linli_domain::ids::CommunityId;
use serde::Deserialize;

pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "content_form.html")]
struct FormPage {
    page: PageContext,
    heading: String,
    action: String,
    kind: String,
    notice: bool,
    financial: bool,
    correcting: bool,
    kinds: Vec<Choice>,
    parties: Vec<Choice>,
    buildings: Vec<Choice>,
    roles: Vec<Choice>,
    campaigns: Vec<Choice>,
    audience: String,
    title: String,
    body: String,
    pinned: bool,
    urgent: bool,
    expires_at: String,
    note: String,
    version: i64,
    errors: FormErrors,
}

/// The form's fields as the use case names them: (use case, form, label).
const LABELS: &[(&str, &str, &str)] = &[
    (
        "organisation_id",
        "organisation_id",
        "content.form.organisation",
    ),
    ("title", "title", "content.form.title"),
    ("body", "body", "content.form.body"),
    ("audience", "audience", "content.form.audience"),
    ("building_ids", "building_ids", "content.form.buildings"),
    ("roles", "roles", "content.form.roles"),
    ("urgent", "urgent", "content.form.urgent"),
    ("expires_at", "expires_at", "content.form.expires_at"),
    ("campaign_id", "campaign_id", "content.form.campaign"),
    ("note", "note", "content.form.note"),
    ("photos", "photos", "content.form.image"),
];

/// What the form shows: an item's values (editing), or what was typed (refused).
#[derive(Default)]
struct Values {
    organisation_id: i64,
    title: String,
    body: String,
    audience: String,
    buildings: Vec<i64>,
    roles: Vec<String>,
    pinned: bool,
    urgent: bool,
    expires_at: String,
    campaign_id: Option<i64>,
    note: String,
    version: i64,
}

impl Values {
    fn typed(fields: &Fields) -> Self {
        let numbers = |name| {
            all(fields, name)
                .into_iter()
                .filter_map(|raw| raw.trim().parse().ok())
                .collect::<Vec<i64>>()
        };
        Self {
            organisation_id: get(fields, "organisation_id").parse().unwrap_or_default(),
            title: get(fields, "title").to_owned(),
            body: get(fields, "body").to_owned(),
            audience: get(fields, "audience").to_owned(),
            buildings: numbers("building_ids"),
            roles: all(fields, "roles")
                .into_iter()
                .map(str::to_owned)
                .collect(),
            pinned: get(fields, "pinned") == "1",
            urgent: get(fields, "urgent") == "1",
            expires_at: get(fields, "expires_at").to_owned(),
            campaign_id: get(fields, "campaign_id").parse().ok(),
            note: get(fields, "note").to_owned(),
            version: get(fields, "version").parse().unwrap_or_default(),
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn render_form(
    state: &AppState,
    viewer: &Viewer,
    caller: &Caller,
    community: CommunityId,
    kind: Kind,
    item: Option<(i64, Status)>,
    values: Values,
    errors: FormErrors,
    status: StatusCode,
) -> PageResult {
    let correcting = matches!(item, Some((_, Status::Published)));
    let parties = linli_app::content::parties_for(state, caller, community, kind)
        .await
        .map_err(ApiError::from)?;
    if parties.is_empty() {
        return Err(ApiError::forbidden().into());
    }
    let buildings = state.store.buildings(community).await?;
    let campaigns = if kind == Kind::Financial {
        state.store.campaigns(community).await?
    } else {
        Vec::new()
    };
    let audience = if values.audience.is_empty() {
        "everyone".to_owned()
    } else {
        values.audience.clone()
    };
    let (heading, action) = match item {
        None => ("page.content.form.heading", "/content/new".to_owned()),
        Some((id, Status::Published)) => (
            "page.content.form.correct_heading",
            format!("/content/{id}/edit"),
        ),
        Some((id, _)) => (
            "page.content.form.edit_heading",
            format!("/content/{id}/edit"),
        ),
    };
    let page = FormPage {
        page: viewer.context(text(heading, &[]), "content"),
        heading: text(heading, &[]),
        action,
        kind: kind.as_str().to_owned(),
        notice: kind == Kind::Notice,
        financial: kind == Kind::Financial,
        correcting,
        kinds: Kind::ALL
            .into_iter()
            .map(|each| Choice {
                value: each.as_str().to_owned(),
                label: kind_label(each),
                selected: each == kind,
            })
            .collect(),
        parties: parties
            .into_iter()
            .map(|party| Choice {
                selected: party.id == values.organisation_id,
                value: party.id.to_string(),
                label: party.name,
            })
            .collect(),
        buildings: buildings
            .into_iter()
            .map(|building| Choice {
                selected: values.buildings.contains(&building.id),
                value: building.id.to_string(),
                label: building.name,
            })
            .collect(),
        roles: ROLES_IN_AUDIENCE
            .into_iter()
            .map(|role| Choice {
                selected: values.roles.iter().any(|chosen| chosen == role.as_str()),
                value: role.as_str().to_owned(),
                label: text(&format!("page.content.role.{}", role.as_str()), &[]),
            })
            .collect(),
        campaigns: campaigns
            .into_iter()
            .map(|campaign| Choice {
                selected: values.campaign_id == Some(campaign.id),
                value: campaign.id.to_string(),
                label: campaign.title,
            })
            .collect(),
        audience,
        title: values.title,
        body: values.body,
        pinned: values.pinned,
        urgent: values.urgent,
        expires_at: values.expires_at,
        note: values.note,
        version: values.version,
        errors,
    };
    Ok((status, render(&page)).into_response())
}

fn community_of(viewer: &Viewer) -> Result<CommunityId, ApiError> {
    viewer
        .signed_in
        .as_ref()
        .and_then(|signed_in| signed_in.community.as_ref())
        .map(|community| CommunityId(community.id))
        .ok_or_else(ApiError::forbidden)
}

#[derive(Debug, Deserialize)]
pub struct NewQuery {
    kind: Option<String>,
}

/// The form of a new draft of a kind (news by default).
pub async fn content_form_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<NewQuery>,
) -> PageResult {
    let caller = &viewer.require()?.user.0;
    let community = community_of(&viewer)?;
    let kind = Kind::parse(query.kind.as_deref().unwrap_or("news")).map_err(ApiError::from)?;
    render_form(
        &state,
        &viewer,
        caller,
        community,
        kind,
        None,
        Values::default(),
        FormErrors::default(),
        StatusCode::OK,
    )
    .await
}

/// Takes the form's image, if one was chosen, and adds it to the body's end.
async fn with_image(
    state: &AppState,
    caller: &Caller,
    community: CommunityId,
    fields: &mut Fields,
    images: Vec<Vec<u8>>,
) -> Result<(), ApiError> {
    for image in images {
        let stored =
            upload(state, caller, community.0, image)
                .await
                .map_err(|error| match error {
                    linli_app::AppError::TooLarge(code)
                    | linli_app::AppError::Unsupported(code) => {
                        linli_app::AppError::invalid(code, "photos")
                    }
                    other => other,
                })?;
        let markdown = format!("\n\n![]({})", image_path(&stored.name));
        match fields.iter_mut().find(|(name, _)| name == "body") {
            Some((_, body)) => body.push_str(&markdown),
            None => fields.push(("body".to_owned(), markdown)),
        }
    }
    Ok(())
}

fn request(
    fields: &Fields,
    community: CommunityId,
    kind: Kind,
) -> Result<ContentRequest, ApiError> {
    let values = Values::typed(fields);
    let expires_at = match values.expires_at.trim() {
        "" => None,
        raw => Some(parse_local_input(raw).ok_or_else(|| {
            ApiError::from(linli_domain::ValidationError::new(
                "page.error.date_invalid",
                "expires_at",
            ))
        })?),
    };
    Ok(ContentRequest {
        community_id: community.0,
        kind: kind.as_str().to_owned(),
        organisation_id: values.organisation_id,
        title: values.title,
        body: values.body,
        audience: values.audience,
        building_ids: values.buildings,
        roles: values.roles,
        pinned: values.pinned,
        urgent: values.urgent,
        expires_at,
        campaign_id: values.campaign_id,
    })
}

/// Whether a refusal is shown beside the form's fields (else it is the page's error).
fn shown_in_form(error: &ApiError) -> bool {
    error.status.is_client_error()
        && error.status != StatusCode::FORBIDDEN
        && error.status != StatusCode::NOT_FOUND
}

/// Saves a new draft, then shows it.
pub async fn create_content(
    State(state): State<AppState>,
    viewer: Viewer,
    multipart: Multipart,
) -> PageResult {
    let (mut fields, images) = read_multipart(multipart).await?;
    let caller = caller_of(&viewer, &fields)?;
    let community = community_of(&viewer)?;
    let kind = Kind::parse(get(&fields, "kind")).map_err(ApiError::from)?;
    let result = async {
        with_image(&state, caller, community, &mut fields, images).await?;
        let request = request(&fields, community, kind)?;
        write::create(&state, caller, &request)
            .await
            .map_err(ApiError::from)
    }
    .await;
    match result {
        Ok(id) => see_other(&format!("/content/{id}?done=created")),
        Err(error) if shown_in_form(&error) => {
            let errors = FormErrors::from_api_labelled(&error, LABELS);
            let values = Values::typed(&fields);
            render_form(
                &state,
                &viewer,
                caller,
                community,
                kind,
                None,
                values,
                errors,
                error.status,
            )
            .await
        }
        Err(error) => Err(error.into()),
    }
}

/// The form of a draft, or of a published text's correction.
pub async fn edit_content_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> PageResult {
    let caller = &viewer.require()?.user.0;
    let detail = linli_app::content::read(&state, Some(caller), id)
        .await
        .map_err(ApiError::from)?;
    if !detail.may_edit {
        return Err(ApiError::forbidden().into());
    }
    let item = &detail.item;
    let values = Values {
        organisation_id: item.organisation_id,
        title: item.title.clone(),
        body: item.body.clone(),
        audience: item.audience.clone(),
        buildings: match &detail.audience {
            linli_domain::content::Audience::Buildings(ids) => ids.iter().map(|id| id.0).collect(),
            _ => Vec::new(),
        },
        roles: item
            .audience_roles
            .split(',')
            .filter(|role| !role.is_empty())
            .map(str::to_owned)
            .collect(),
        pinned: item.pinned,
        urgent: item.urgent,
        expires_at: item.expires_at.map(local_input_value).unwrap_or_default(),
        campaign_id: item.campaign_id,
        note: String::new(),
        version: item.version,
    };
    render_form(
        &state,
        &viewer,
        caller,
        CommunityId(item.community_id),
        item.kind,
        Some((id, item.status)),
        values,
        FormErrors::default(),
        StatusCode::OK,
    )
    .await
}

/// Saves a draft's new text, or a correction of a published one.
pub async fn edit_content(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    multipart: Multipart,
) -> PageResult {
    let (mut fields, images) = read_multipart(multipart).await?;
    let caller = caller_of(&viewer, &fields)?;
    let item = linli_app::content::read(&state, Some(caller), id)
        .await
        .map_err(ApiError::from)?
        .item;
    let community = CommunityId(item.community_id);
    let result = async {
        with_image(&state, caller, community, &mut fields, images).await?;
        if item.status == Status::Published {
            let values = Values::typed(&fields);
            let correction = Correction {
                version: values.version,
                title: values.title,
                body: values.body,
                pinned: values.pinned,
                note: values.note,
            };
            write::correct(&state, caller, id, &correction)
                .await
                .map(|_| "corrected")
                .map_err(ApiError::from)
        } else {
            let request = request(&fields, community, item.kind)?;
            write::update_draft(&state, caller, id, &request)
                .await
                .map(|()| "edited")
                .map_err(ApiError::from)
        }
    }
    .await;
    match result {
        Ok(done) => see_other(&format!("/content/{id}?done={done}")),
        Err(error) if shown_in_form(&error) => {
            let errors = FormErrors::from_api_labelled(&error, LABELS);
            let values = Values::typed(&fields);
            render_form(
                &state,
                &viewer,
                caller,
                community,
                item.kind,
                Some((id, item.status)),
                values,
                errors,
                error.status,
            )
            .await
        }
        Err(error) => Err(error.into()),
    }
}
