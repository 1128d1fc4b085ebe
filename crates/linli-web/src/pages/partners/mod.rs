//! Partner units as pages (区域化党建): `/public/communities/{id}/partners` lists a
//! community's partners and their latest co-building activities for anyone; the
//! supervisor or admin adds partners and records activities on the same page. One
//! partner's page, with its edit form, is in [`partner`].

pub mod partner;

use crate::error::ApiError;
use crate::locale::text;
use crate::pages::context::{FormErrors, PageContext, PageResult, Viewer, render, see_other};
use crate::pages::form_state::{Forms, Refused, shown_beside_form};
use crate::pages::meetings::{Fields, all, caller_of, get};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum_extra::extract::Form;
use linli_app::partners::{self as use_cases, ActivityRequest, PartnerRequest};
use linli_domain::partners::{Offer, PartnerCategory};
use linli_store::partners::{ActivityRow, PartnerRow};
use serde::Deserialize;

/// A partner as a line of a page.
pub struct PartnerLine {
    pub id: i64,
    pub name: String,
    pub category: String,
    /// 场地 · 志愿服务 …
    pub offers: String,
    pub address: String,
    pub contact_name: String,
    /// For staff only; "" otherwise.
    pub contact_phone: String,
    pub description: String,
    pub offer_details: String,
    pub joined_on: String,
    /// 共建活动 3 次 · 共建项目 1 个
    pub involvement: String,
}

pub fn category_label(category: PartnerCategory) -> String {
    text(&format!("page.partners.kind.{}", category.as_str()), &[])
}

pub fn offer_label(offer: Offer) -> String {
    text(&format!("page.partners.offer.{}", offer.as_str()), &[])
}

pub fn partner_line(row: PartnerRow) -> PartnerLine {
    PartnerLine {
        id: row.id,
        category: category_label(row.category),
        offers: row
            .offers
            .iter()
            .map(|offer| offer_label(*offer))
            .collect::<Vec<_>>()
            .join(" · "),
        address: row.address.unwrap_or_default(),
        contact_name: row.contact_name.unwrap_or_default(),
        contact_phone: row.contact_phone.unwrap_or_default(),
        description: row.description.unwrap_or_default(),
        offer_details: row.offer_details.unwrap_or_default(),
        joined_on: row.joined_on.map(|day| day.to_string()).unwrap_or_default(),
        involvement: text(
            "page.partners.involvement",
            &[
                ("activities", row.activities.to_string()),
                ("projects", row.projects.to_string()),
            ],
        ),
        name: row.name,
    }
}

/// A co-building activity as a line of a page.
pub struct ActivityLine {
    pub id: i64,
    pub title: String,
    pub held_on: String,
    pub place: String,
    pub summary: String,
    /// 服务居民 120 人, or "".
    pub served: String,
    pub units: Vec<(i64, String)>,
}

pub fn activity_line(row: ActivityRow) -> ActivityLine {
    ActivityLine {
        id: row.id,
        title: row.title,
        held_on: row.held_on.to_string(),
        place: row.place.unwrap_or_default(),
        summary: row.summary.unwrap_or_default(),
        served: row
            .residents_served
            .map(|n| text("page.partners.served", &[("count", n.to_string())]))
            .unwrap_or_default(),
        units: row.units,
    }
}

/// The choices of the partner form.
pub fn categories() -> Vec<(&'static str, String)> {
    PartnerCategory::ALL
        .iter()
        .map(|category| (category.as_str(), category_label(*category)))
        .collect()
}

pub fn offers() -> Vec<(&'static str, String)> {
    Offer::ALL
        .iter()
        .map(|offer| (offer.as_str(), offer_label(*offer)))
        .collect()
}

/// The use cases' field names as the forms show them: (use case, form, label under
/// `page.`).
pub const LABELS: &[(&str, &str, &str)] = &[
    ("name", "name", "partners.name"),
    ("category", "category", "partners.category"),
    ("offers", "offers", "partners.offers"),
    ("offer_details", "offer_details", "partners.offer_details"),
    ("address", "address", "partners.address"),
    ("contact_name", "contact_name", "partners.contact_name"),
    ("contact_phone", "contact_phone", "partners.contact_phone"),
    ("description", "description", "partners.description"),
    ("joined_on", "joined_on", "partners.joined_on"),
    ("title", "title", "partners.activity_title"),
    ("held_on", "held_on", "partners.held_on"),
    ("place", "place", "partners.place"),
    ("summary", "summary", "partners.summary"),
    (
        "residents_served",
        "residents_served",
        "partners.residents_served",
    ),
    ("units", "units", "partners.units"),
    ("contribution", "contribution", "partners.contribution"),
    ("partner_id", "partner_id", "partners.partner"),
];

/// The partner form as typed.
pub fn partner_request(fields: &Fields) -> PartnerRequest {
    PartnerRequest {
        name: get(fields, "name").to_owned(),
        category: get(fields, "category").to_owned(),
        address: get(fields, "address").to_owned(),
        contact_name: get(fields, "contact_name").to_owned(),
        contact_phone: get(fields, "contact_phone").to_owned(),
        description: get(fields, "description").to_owned(),
        offers: all(fields, "offers")
            .into_iter()
            .map(str::to_owned)
            .collect(),
        offer_details: get(fields, "offer_details").to_owned(),
        joined_on: get(fields, "joined_on").to_owned(),
    }
}

/// The partner form as a page shows it: empty to add a partner, or filled in with what
/// is stored; after a refusal, what was typed.
pub struct PartnerForm {
    pub categories: Vec<(&'static str, String)>,
    pub offers: Vec<(&'static str, String)>,
    pub forms: Forms,
    /// The stored values (none when adding).
    pub stored: Fields,
    pub action: String,
    pub name: &'static str,
}

impl PartnerForm {
    pub fn new(forms: Forms, stored: Fields, action: String, name: &'static str) -> Self {
        Self {
            categories: categories(),
            offers: offers(),
            forms,
            stored,
            action,
            name,
        }
    }

    fn value(&self, field: &str) -> String {
        if self.forms.is(self.name) {
            self.forms.kept(self.name, field)
        } else {
            get(&self.stored, field).to_owned()
        }
    }

    fn offered(&self, offer: &str) -> bool {
        let stored = all(&self.stored, "offers").contains(&offer);
        self.forms.ticked(self.name, "offers", offer, stored)
    }

    fn error(&self, field: &str) -> String {
        self.forms.error(self.name, field)
    }

    fn general(&self) -> String {
        self.forms.general(self.name)
    }
}

#[derive(Template)]
#[template(path = "partners.html")]
struct PartnersPage {
    page: PageContext,
    community: i64,
    community_name: String,
    partners: Vec<PartnerLine>,
    activities: Vec<ActivityLine>,
    edits: bool,
    today: String,
    notice: String,
    /// The activity form's refusal (and the partner form's, through `form`).
    forms: Forms,
    form: PartnerForm,
}

#[derive(Debug, Default, Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

pub async fn partners_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(community): Path<i64>,
    Query(query): Query<DoneQuery>,
) -> PageResult {
    let notice = match query.done.as_deref() {
        Some(done @ ("add" | "activity" | "remove-activity")) => {
            text(&format!("page.partners.done.{done}"), &[])
        }
        _ => String::new(),
    };
    render_partners(&state, &viewer, community, notice, None).await
}

async fn render_partners(
    state: &AppState,
    viewer: &Viewer,
    community: i64,
    notice: String,
    refused: Option<Refused>,
) -> PageResult {
    let found = state
        .store
        .community(linli_domain::ids::CommunityId(community))
        .await
        .map_err(ApiError::from)?;
    let caller = viewer.signed_in.as_ref().map(|signed_in| &signed_in.user.0);
    let partners = use_cases::list(state, caller, community)
        .await
        .map_err(ApiError::from)?;
    let activities = use_cases::activities(state, community)
        .await
        .map_err(ApiError::from)?;
    let status = refused.as_ref().map_or(StatusCode::OK, |r| r.status);
    // The partner form and the activity form each show only their own refusal.
    let (partner_refusal, activity_refusal) = match refused {
        Some(refused) if refused.form == "add" => (Some(refused), None),
        other => (None, other),
    };
    let page = PartnersPage {
        page: viewer.context(
            text("page.partners.title", &[("community", found.name.clone())]),
            "partners",
        ),
        community,
        community_name: found.name,
        partners: partners.into_iter().map(partner_line).collect(),
        activities: activities.into_iter().map(activity_line).collect(),
        edits: caller.is_some_and(|caller| use_cases::edits(caller, community)),
        today: state
            .now()
            .with_timezone(&linli_domain::calendar::shanghai())
            .date_naive()
            .to_string(),
        notice,
        form: PartnerForm::new(
            Forms {
                refused: partner_refusal,
            },
            Vec::new(),
            format!("/public/communities/{community}/partners/add"),
            "add",
        ),
        forms: Forms {
            refused: activity_refusal,
        },
    };
    Ok((status, render(&page)).into_response())
}

/// `add` (a partner), `activity` (record one) or `remove-activity` from the page.
pub async fn partners_action(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((community, action)): Path<(i64, String)>,
    Form(fields): Form<Fields>,
) -> PageResult {
    let caller = caller_of(&viewer, &fields)?;
    let result: Result<(), ApiError> = match action.as_str() {
        "add" => use_cases::add(&state, caller, community, &partner_request(&fields))
            .await
            .map(|_| ())
            .map_err(ApiError::from),
        "activity" => {
            let served = get(&fields, "residents_served").trim();
            let residents_served = match served {
                "" => Ok(None),
                raw => raw.parse::<i64>().map(Some).map_err(|_| {
                    ApiError::from(linli_app::AppError::invalid(
                        "validation.out_of_range",
                        "residents_served",
                    ))
                }),
            };
            let units = all(&fields, "units")
                .into_iter()
                .map(|unit| unit.parse::<i64>())
                .collect::<Result<Vec<_>, _>>()
                .map_err(|_| {
                    ApiError::from(linli_app::AppError::invalid(
                        "partner.unit_unknown",
                        "units",
                    ))
                });
            match (residents_served, units) {
                (Ok(residents_served), Ok(units)) => {
                    let request = ActivityRequest {
                        title: get(&fields, "title").to_owned(),
                        held_on: get(&fields, "held_on").to_owned(),
                        place: get(&fields, "place").to_owned(),
                        summary: get(&fields, "summary").to_owned(),
                        residents_served,
                        units,
                    };
                    use_cases::record_activity(&state, caller, community, &request)
                        .await
                        .map(|_| ())
                        .map_err(ApiError::from)
                }
                (Err(error), _) | (_, Err(error)) => Err(error),
            }
        }
        "remove-activity" => match get(&fields, "activity_id").trim().parse::<i64>() {
            Ok(id) => use_cases::remove_activity(&state, caller, id)
                .await
                .map_err(ApiError::from),
            Err(_) => Err(ApiError::not_found("partner.activity_not_found")),
        },
        _ => Err(ApiError::not_found("request.not_found")),
    };
    match result {
        Ok(()) => see_other(&format!(
            "/public/communities/{community}/partners?done={action}"
        )),
        Err(error) if shown_beside_form(&error) => {
            let refused = Refused {
                form: action,
                errors: FormErrors::from_api_labelled(&error, LABELS),
                kept: fields,
                status: error.status,
            };
            render_partners(&state, &viewer, community, String::new(), Some(refused)).await
        }
        Err(error) => Err(error.into()),
    }
}
