//! `/communities/{id}/privacy`: the administrator's page of personal data — the retention
//! periods and the record of their runs, erasing a resident's account at their request,
//! and who saw reporters' unmasked details.

use crate::error::ApiError;
use crate::locale::text;
use crate::pages::context::{
    FormErrors, PageContext, PageResult, Viewer, local_time, render, see_other,
};
use crate::pages::meetings::{Fields, caller_of, get};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum_extra::extract::Form;
use linli_app::AppError;
use linli_app::privacy as use_cases;
use serde::Deserialize;

pub struct RunLine {
    pub ran_at: String,
    pub photos_deleted: i64,
    pub visits_anonymised: i64,
}

pub struct ReadLine {
    pub reader: String,
    pub work_order_id: i64,
    pub work_order_number: i64,
    pub day: String,
    pub first_read_at: String,
}

#[derive(Template)]
#[template(path = "privacy.html")]
struct PrivacyPage {
    page: PageContext,
    community: i64,
    community_name: String,
    photo_months: String,
    visit_months: String,
    runs: Vec<RunLine>,
    reads: Vec<ReadLine>,
    notice: String,
    /// Which form was refused (`retention` or `erase`), its errors and what was typed.
    refused: String,
    errors: FormErrors,
    kept: Fields,
}

impl PrivacyPage {
    fn error(&self, form: &str, field: &str) -> String {
        if self.refused == form {
            self.errors.of(field)
        } else {
            String::new()
        }
    }

    fn general(&self, form: &str) -> String {
        if self.refused == form {
            self.errors.general.clone().unwrap_or_default()
        } else {
            String::new()
        }
    }

    fn kept(&self, form: &str, field: &str) -> String {
        if self.refused == form {
            get(&self.kept, field).to_owned()
        } else {
            String::new()
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct PrivacyQuery {
    done: Option<String>,
}

const LABELS: &[(&str, &str, &str)] = &[
    ("photo_months", "photo_months", "privacy.photo_months"),
    ("visit_months", "visit_months", "privacy.visit_months"),
    ("login", "login", "privacy.login"),
];

pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(community): Path<i64>,
    Query(query): Query<PrivacyQuery>,
) -> PageResult {
    let notice = match query.done.as_deref() {
        Some(done @ ("retention" | "erase")) => text(&format!("page.privacy.done.{done}"), &[]),
        _ => String::new(),
    };
    render_page(&state, &viewer, community, notice, None).await
}

async fn render_page(
    state: &AppState,
    viewer: &Viewer,
    community: i64,
    notice: String,
    refused: Option<(String, FormErrors, Fields, StatusCode)>,
) -> PageResult {
    let caller = &viewer.require()?.user;
    let policy = use_cases::policy(state, caller, community)
        .await
        .map_err(ApiError::from)?;
    let runs = use_cases::runs(state, caller, community)
        .await
        .map_err(ApiError::from)?;
    let reads = use_cases::reads(state, caller, community, None)
        .await
        .map_err(ApiError::from)?;
    let found = state
        .store
        .community(linli_domain::ids::CommunityId(community))
        .await
        .map_err(ApiError::from)?;
    let (refused, errors, kept, status) = match refused {
        Some((form, errors, kept, status)) => (form, errors, kept, status),
        None => (
            String::new(),
            FormErrors::default(),
            Vec::new(),
            StatusCode::OK,
        ),
    };
    let page = PrivacyPage {
        page: viewer.context(text("page.privacy.title", &[]), "privacy"),
        community,
        community_name: found.name,
        photo_months: policy.photo_months.to_string(),
        visit_months: policy.visit_months.to_string(),
        runs: runs
            .into_iter()
            .take(30)
            .map(|run| RunLine {
                ran_at: local_time(run.ran_at),
                photos_deleted: run.photos_deleted,
                visits_anonymised: run.visits_anonymised,
            })
            .collect(),
        reads: reads
            .into_iter()
            .take(100)
            .map(|read| ReadLine {
                reader: read.reader_name,
                work_order_id: read.work_order_id,
                work_order_number: read.work_order_number,
                day: read.day.to_string(),
                first_read_at: local_time(read.first_read_at),
            })
            .collect(),
        notice,
        refused,
        errors,
        kept,
    };
    Ok((status, render(&page)).into_response())
}

fn months(fields: &Fields, field: &'static str) -> Result<i64, AppError> {
    get(fields, field)
        .trim()
        .parse()
        .map_err(|_| AppError::invalid("retention.months_invalid", field))
}

/// `retention` (set the periods) or `erase` (an account, by its login) from the page.
pub async fn action(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((community, action)): Path<(i64, String)>,
    Form(fields): Form<Fields>,
) -> PageResult {
    let caller = caller_of(&viewer, &fields)?;
    let result: Result<(), AppError> = match action.as_str() {
        "retention" => match (
            months(&fields, "photo_months"),
            months(&fields, "visit_months"),
        ) {
            (Ok(photo), Ok(visit)) => {
                use_cases::set_policy(&state, caller, community, photo, visit)
                    .await
                    .map(|_| ())
            }
            (Err(error), _) | (_, Err(error)) => Err(error),
        },
        "erase" => {
            erase_by_login(
                &state,
                caller,
                get(&fields, "login"),
                get(&fields, "confirm"),
            )
            .await
        }
        _ => Err(AppError::NotFound("request.not_found")),
    };
    match result {
        Ok(()) => see_other(&format!("/communities/{community}/privacy?done={action}")),
        Err(error) => {
            let error = ApiError::from(error);
            if error.status.is_client_error()
                && error.status != StatusCode::FORBIDDEN
                && error.status != StatusCode::UNAUTHORIZED
            {
                let errors = FormErrors::from_api_labelled(&error, LABELS);
                render_page(
                    &state,
                    &viewer,
                    community,
                    String::new(),
                    Some((action, errors, fields, error.status)),
                )
                .await
            } else {
                Err(error.into())
            }
        }
    }
}

/// Erasure is not undone: the administrator types the resident's login and ticks that the
/// resident asked for it.
async fn erase_by_login(
    state: &AppState,
    caller: &linli_app::Caller,
    login: &str,
    confirm: &str,
) -> Result<(), AppError> {
    let login = linli_domain::registry::Login::parse(login.trim())
        .map_err(|_| AppError::invalid("person.not_found", "login"))?;
    let person = state
        .store
        .person_by_login(&login)
        .await?
        .ok_or(AppError::invalid("person.not_found", "login"))?;
    if confirm != "yes" {
        return Err(AppError::invalid("privacy.confirm_required", "confirm"));
    }
    use_cases::erase(state, caller, person.id).await.map(|_| ())
}
