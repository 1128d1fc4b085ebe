//! The lists of campaigns: a community's for its people (`/campaigns`), where the
//! supervisor starts one, and the public list for the 财务公开 board
//! (`/public/communities/{id}/campaigns`, no sign-in).

use crate::error::ApiError;
use crate::locale::text;
use crate::pages::context::{FormErrors, PageContext, PageResult, Viewer, render, see_other};
use crate::pages::meetings::{Fields, caller_of, get};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum_extra::extract::Form;
use linli_app::funds::{self as use_cases, Figures, campaigns::CampaignRequest, yuan_text};
use linli_domain::funds::{CampaignStatus, may_run, yuan_to_fen};
use linli_domain::ids::CommunityId;
use linli_store::funds::CampaignRow;

pub struct CampaignLine {
    pub id: i64,
    pub title: String,
    pub open: bool,
    pub raised: String,
    pub target: String,
    pub percent: i64,
    pub deadline: String,
    pub treasurer: String,
}

fn line((campaign, figures): &(CampaignRow, Figures)) -> CampaignLine {
    CampaignLine {
        id: campaign.id,
        title: campaign.title.clone(),
        open: campaign.status == CampaignStatus::Open,
        raised: yuan_text(figures.raised_fen),
        target: yuan_text(figures.target_fen),
        percent: figures.progress_percent(),
        deadline: campaign.deadline.clone(),
        treasurer: campaign.treasurer_organisation.clone(),
    }
}

/// A choice on the start form: `value` is what the form sends back.
pub struct Choice {
    pub value: String,
    pub label: String,
}

#[derive(Template)]
#[template(path = "funds_list.html")]
struct ListPage {
    page: PageContext,
    public: bool,
    community_name: String,
    campaigns: Vec<CampaignLine>,
    public_list: String,
    /// The supervisor's start form, with the treasurers and projects to choose from.
    starts: bool,
    treasurers: Vec<Choice>,
    projects: Vec<Choice>,
    errors: FormErrors,
    kept: Fields,
}

impl ListPage {
    fn kept(&self, field: &str) -> String {
        get(&self.kept, field).to_owned()
    }

    fn error(&self, field: &str) -> String {
        self.errors.of(field)
    }

    fn general(&self) -> String {
        match &self.errors.general {
            Some(general) => general.clone(),
            None if self.errors.by_field.is_empty() => String::new(),
            None => text("page.form.refused", &[]),
        }
    }
}

/// The fields of the start form as the use case names them, as the form does, and
/// their labels.
const LABELS: &[(&str, &str, &str)] = &[
    ("title", "title", "funds.title_label"),
    ("purpose", "purpose", "funds.purpose"),
    ("target_fen", "target", "funds.target_yuan"),
    ("deadline", "deadline", "funds.deadline"),
    ("treasurer_id", "treasurer", "funds.treasurer"),
    ("treasurer_organisation_id", "treasurer", "funds.treasurer"),
    ("project_id", "project_id", "funds.project"),
    ("how_to_give", "how_to_give", "funds.how_to_give"),
];

async fn render_list(
    state: &AppState,
    viewer: &Viewer,
    errors: FormErrors,
    kept: Fields,
    status: StatusCode,
) -> PageResult {
    let signed_in = viewer.require()?;
    let community = signed_in
        .community
        .as_ref()
        .ok_or_else(ApiError::forbidden)?;
    let campaigns = use_cases::list(state, community.id)
        .await
        .map_err(ApiError::from)?;
    let starts = may_run(signed_in.user.grants(), CommunityId(community.id));
    let (treasurers, projects) = if starts {
        let treasurers = use_cases::treasurer_choices(state, &signed_in.user, community.id)
            .await
            .map_err(ApiError::from)?
            .into_iter()
            .map(|choice| Choice {
                value: format!("{}:{}", choice.person_id, choice.organisation_id),
                label: format!("{}（{}）", choice.name, choice.organisation),
            })
            .collect();
        let projects = linli_app::projects::list(state, Some(&signed_in.user), community.id)
            .await
            .map_err(ApiError::from)?
            .into_iter()
            .map(|project| Choice {
                value: project.id.to_string(),
                label: project.title,
            })
            .collect();
        (treasurers, projects)
    } else {
        (Vec::new(), Vec::new())
    };
    let page = ListPage {
        page: viewer.context(text("page.funds.title", &[]), "campaigns"),
        public: false,
        community_name: community.name.clone(),
        campaigns: campaigns.iter().map(line).collect(),
        public_list: format!("/public/communities/{}/campaigns", community.id),
        starts,
        treasurers,
        projects,
        errors,
        kept,
    };
    Ok((status, render(&page)).into_response())
}

/// The campaigns of the viewer's community.
pub async fn campaigns_page(State(state): State<AppState>, viewer: Viewer) -> PageResult {
    render_list(
        &state,
        &viewer,
        FormErrors::default(),
        Vec::new(),
        StatusCode::OK,
    )
    .await
}

/// A community's campaigns, for anyone.
pub async fn public_campaigns_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(community): Path<i64>,
) -> PageResult {
    let found = state
        .store
        .community(CommunityId(community))
        .await
        .map_err(ApiError::from)?;
    let campaigns = use_cases::list(&state, community)
        .await
        .map_err(ApiError::from)?;
    Ok(render(&ListPage {
        page: viewer.context(
            text(
                "page.funds.public_title",
                &[("community", found.name.clone())],
            ),
            "public_campaigns",
        ),
        public: true,
        community_name: found.name,
        campaigns: campaigns.iter().map(line).collect(),
        public_list: String::new(),
        starts: false,
        treasurers: Vec::new(),
        projects: Vec::new(),
        errors: FormErrors::default(),
        kept: Vec::new(),
    }))
}

/// The supervisor starts a campaign.
pub async fn start_campaign(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(fields): Form<Fields>,
) -> PageResult {
    let caller = caller_of(&viewer, &fields)?;
    let community = viewer
        .require()?
        .community
        .as_ref()
        .ok_or_else(ApiError::forbidden)?
        .id;
    // Refused before anything typed is read: a resident is told no, not how to fill it in.
    if !may_run(caller.grants(), CommunityId(community)) {
        return Err(ApiError::forbidden().into());
    }
    let result = async {
        let target = yuan_to_fen(get(&fields, "target"), "target_fen")?;
        // "person:organisation", as the treasurer choice sends it; anything else is a
        // treasurer no one chose.
        let (treasurer_id, treasurer_organisation_id) = get(&fields, "treasurer")
            .split_once(':')
            .and_then(|(person, organisation)| {
                Some((person.parse().ok()?, organisation.parse().ok()?))
            })
            .unwrap_or((0, 0));
        let project_id = get(&fields, "project_id").trim().parse().ok();
        let request = CampaignRequest {
            community_id: community,
            project_id,
            title: get(&fields, "title").to_owned(),
            purpose: get(&fields, "purpose").to_owned(),
            target_fen: target,
            deadline: get(&fields, "deadline").to_owned(),
            treasurer_id,
            treasurer_organisation_id,
            how_to_give: get(&fields, "how_to_give").to_owned(),
        };
        use_cases::campaigns::create(&state, caller, &request)
            .await
            .map_err(ApiError::from)
    }
    .await;
    match result {
        Ok(id) => see_other(&format!("/campaigns/{id}?done=start")),
        Err(error)
            if error.status.is_client_error()
                && error.status != StatusCode::NOT_FOUND
                && error.status != StatusCode::FORBIDDEN =>
        {
            let errors = FormErrors::from_api_labelled(&error, LABELS);
            render_list(&state, &viewer, errors, fields, error.status).await
        }
        Err(error) => Err(error.into()),
    }
}
