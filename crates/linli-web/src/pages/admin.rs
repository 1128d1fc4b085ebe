//! The administrator's pages: buildings and rooms, organisations, people and their roles,
//! categories and their time limits, and the holiday calendar. Each form goes through the
//! same function as its API call.

use super::context::{FormErrors, PageContext, PageError, PageResult, Viewer, render, see_other};
use super::orders::Choice;
use crate::error::ApiError;
use crate::locale::text;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum_extra::extract::Form;
use chrono::{Datelike, NaiveDate};
use linli_app::calendar::HolidayRequest;
use linli_app::categories::CategoryRequest;
use linli_app::people::{PersonRequest, RoleRequest};
use linli_app::registry::{self, Layout, Range};
use linli_domain::calendar::TimeLimit;
use linli_domain::dispatch_modes::DispatchMode;
use linli_domain::permissions::RegistryAction;
use linli_domain::registry::OrganisationKind;
use linli_domain::roles::Role;
use serde::Deserialize;

pub struct BuildingRow {
    pub name: String,
    pub units: i64,
    pub rooms: i64,
}

pub struct PersonRow {
    pub name: String,
    pub login: String,
    pub phone: String,
    pub roles: String,
}

pub struct CategoryRow {
    pub id: i64,
    /// The organisation that usually leads it (0: none).
    pub default_lead: i64,
    /// The organisations that usually co-handle it (the charter).
    pub co_handlers: Vec<i64>,
    pub icon: String,
    pub name: String,
    pub active: bool,
    pub triage_unit: &'static str,
    pub triage_amount: i64,
    pub sign_unit: &'static str,
    pub sign_amount: i64,
    pub resolve_unit: &'static str,
    pub resolve_amount: i64,
    /// `assign`, `grab` or `round_robin`.
    pub dispatch_mode: &'static str,
    pub open_cap: i64,
    /// The handlers registered for it (grab and round-robin modes).
    pub handlers: Vec<i64>,
}

pub struct AudienceBox {
    pub key: &'static str,
    pub label: String,
    pub checked: bool,
}

pub struct RuleRow {
    pub topic: &'static str,
    pub label: String,
    pub is_default: bool,
    pub audiences: Vec<AudienceBox>,
}

pub struct ChannelRow {
    pub name: String,
    pub kind: String,
    pub topics: String,
    pub active: bool,
}

pub struct KindChoice {
    pub key: &'static str,
    pub label: String,
}

/// A limit as an amount and a unit people choose from.
fn limit_parts(kind: &str, minutes: i64) -> (&'static str, i64) {
    match kind {
        "same_working_day" => ("same_working_day", 1),
        "calendar_minutes" => ("calendar_hours", (minutes / 60).max(1)),
        _ if minutes % i64::from(TimeLimit::WORKING_DAY_MINUTES) == 0 => (
            "working_days",
            minutes / i64::from(TimeLimit::WORKING_DAY_MINUTES),
        ),
        _ => ("working_hours", (minutes / 60).max(1)),
    }
}

fn limit_from_parts(unit: &str, amount: &str, field: &'static str) -> Result<TimeLimit, ApiError> {
    let invalid = || {
        ApiError::from(linli_domain::ValidationError::new(
            "page.error.limit_invalid",
            field,
        ))
    };
    let amount: u32 = amount.trim().parse().map_err(|_| invalid())?;
    match unit {
        "same_working_day" => Ok(TimeLimit::SameWorkingDay),
        "calendar_hours" => Ok(TimeLimit::CalendarMinutes(amount.saturating_mul(60))),
        "working_hours" => Ok(TimeLimit::working_hours(amount)),
        "working_days" => Ok(TimeLimit::working_days(amount)),
        _ => Err(invalid()),
    }
}

#[derive(Template)]
#[template(path = "admin.html")]
struct AdminPage {
    page: PageContext,
    community: i64,
    community_name: String,
    office_phone: String,
    buildings: Vec<BuildingRow>,
    organisations: Vec<Choice>,
    organisation_kinds: Vec<KindChoice>,
    people: Vec<PersonRow>,
    roles: Vec<KindChoice>,
    categories: Vec<CategoryRow>,
    units: Vec<KindChoice>,
    /// The dispatch modes to choose from.
    modes: Vec<KindChoice>,
    /// The community's handlers, to register for categories.
    handlers: Vec<super::orders::HandlerChoice>,
    year: i32,
    holidays: String,
    rules: Vec<RuleRow>,
    channels: Vec<ChannelRow>,
    errors: FormErrors,
    /// Which form was refused: its input is kept and its error shown.
    refused: String,
    kept: Vec<(String, String)>,
    notice: String,
}

impl AdminPage {
    /// What was typed in a refused form's field.
    fn kept(&self, form: &str, field: &str) -> String {
        if self.refused != form {
            return String::new();
        }
        self.kept
            .iter()
            .find(|(name, _)| name == field)
            .map(|(_, value)| value.clone())
            .unwrap_or_default()
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct AdminQuery {
    year: Option<i32>,
    done: Option<String>,
}

/// The community the page administers: the viewer's, if they administer it (an
/// administrator of another community is nobody here).
fn community_of(viewer: &Viewer) -> Result<(i64, String), PageError> {
    let signed_in = viewer.require()?;
    let community = signed_in
        .community
        .as_ref()
        .ok_or_else(ApiError::forbidden)?;
    signed_in
        .user
        .require(RegistryAction::ManageBuildings, community.place())?;
    Ok((community.id, community.name.clone()))
}

struct Refused {
    form: &'static str,
    error: ApiError,
    kept: Vec<(String, String)>,
}

async fn admin_view(
    state: &AppState,
    viewer: &Viewer,
    query: &AdminQuery,
    refused: Option<Refused>,
) -> PageResult {
    let (community, community_name) = community_of(viewer)?;
    let signed_in = viewer.require()?;
    let today = state.clock.now().date_naive();
    let year = query.year.unwrap_or(today.year());
    let administration =
        linli_app::registry::administration(state, &signed_in.user, community, year).await?;
    let buildings = administration
        .buildings
        .into_iter()
        .map(|building| BuildingRow {
            name: building.name,
            units: building.unit_count,
            rooms: building.room_count,
        })
        .collect();
    let organisations: Vec<Choice> = administration
        .organisations
        .into_iter()
        .map(|organisation| Choice {
            id: organisation.id,
            name: organisation.name,
        })
        .collect();
    let mut people = Vec::new();
    for (person, grants) in administration.people {
        people.push(PersonRow {
            roles: grants
                .iter()
                .map(|grant| text(&format!("page.role.{}", grant.grant.role.as_str()), &[]))
                .collect::<Vec<_>>()
                .join("、"),
            phone: person
                .phone
                .as_deref()
                .map(linli_domain::registry::Phone::masked)
                .unwrap_or_default(),
            name: person.display_name,
            login: person.login,
        });
    }
    let mut registered = std::collections::HashMap::new();
    for category in &administration.categories {
        let handlers =
            linli_app::dispatch_modes::handlers(state, &signed_in.user, category.id).await?;
        registered.insert(
            category.id,
            handlers
                .into_iter()
                .map(|handler| handler.person_id)
                .collect::<Vec<_>>(),
        );
    }
    let handlers = linli_app::dispatch_modes::community_handlers(state, &signed_in.user, community)
        .await?
        .into_iter()
        .map(|handler| {
            let party = organisations
                .iter()
                .find(|organisation| organisation.id == handler.organisation_id)
                .map(|organisation| organisation.name.as_str())
                .unwrap_or_default();
            super::orders::HandlerChoice {
                id: handler.person_id,
                label: format!("{}（{party}）", handler.display_name),
            }
        })
        .collect();
    let modes = DispatchMode::ALL
        .iter()
        .map(|mode| KindChoice {
            key: mode.as_str(),
            label: text(&format!("page.admin.mode_{}", mode.as_str()), &[]),
        })
        .collect();
    let categories = administration
        .categories
        .into_iter()
        .map(|category| {
            let (triage_unit, triage_amount) =
                limit_parts(&category.triage_limit_kind, category.triage_limit_minutes);
            let (sign_unit, sign_amount) =
                limit_parts(&category.sign_limit_kind, category.sign_limit_minutes);
            let (resolve_unit, resolve_amount) =
                limit_parts(&category.resolve_limit_kind, category.resolve_limit_minutes);
            CategoryRow {
                id: category.id,
                default_lead: category.default_lead_organisation_id.unwrap_or(0),
                co_handlers: category.default_co_handlers(),
                icon: category.icon,
                name: category.name,
                active: category.active,
                triage_unit,
                triage_amount,
                sign_unit,
                sign_amount,
                resolve_unit,
                resolve_amount,
                dispatch_mode: category.dispatch_mode.as_str(),
                open_cap: category.open_cap,
                handlers: registered.remove(&category.id).unwrap_or_default(),
            }
        })
        .collect();
    let holidays = administration
        .holidays
        .into_iter()
        .map(|day| format!("{} {} {}", day.day, day.kind, day.name))
        .collect::<Vec<_>>()
        .join("\n");
    let topic_label = |topic: &str| text(&format!("page.topic.{}", topic.replace('.', "_")), &[]);
    let rules = administration
        .rules
        .into_iter()
        .map(|rule| RuleRow {
            topic: rule.topic.as_str(),
            label: topic_label(rule.topic.as_str()),
            is_default: rule.is_default,
            audiences: linli_domain::notifications::Audience::ALL
                .into_iter()
                .map(|audience| AudienceBox {
                    key: audience.as_str(),
                    label: text(&format!("page.audience.{}", audience.as_str()), &[]),
                    checked: rule.audiences.contains(&audience),
                })
                .collect(),
        })
        .collect();
    let channels = administration
        .channels
        .into_iter()
        .map(|channel| ChannelRow {
            kind: text(&format!("page.channel_kind.{}", channel.kind), &[]),
            topics: if channel.topics.trim().is_empty() {
                text("page.admin.all_topics", &[])
            } else {
                channel
                    .topics
                    .split(',')
                    .map(|topic| topic_label(topic.trim()))
                    .collect::<Vec<_>>()
                    .join("、")
            },
            name: channel.name,
            active: channel.active,
        })
        .collect();
    let choices = |keys: &[&'static str], prefix: &str| -> Vec<KindChoice> {
        keys.iter()
            .map(|key| KindChoice {
                key,
                label: text(&format!("{prefix}{key}"), &[]),
            })
            .collect()
    };
    let (errors, refused_form, kept, status) = match refused {
        Some(refused) => (
            FormErrors::from_api(&refused.error),
            refused.form.to_owned(),
            refused.kept,
            refused.error.status,
        ),
        None => (
            FormErrors::default(),
            String::new(),
            Vec::new(),
            StatusCode::OK,
        ),
    };
    let page = AdminPage {
        page: viewer.context(text("page.admin.title", &[]), "admin"),
        community,
        community_name,
        office_phone: if refused_form == "office" {
            kept.iter()
                .find(|(name, _)| name == "office_phone")
                .map(|(_, value)| value.clone())
                .unwrap_or_default()
        } else {
            administration
                .community
                .office_phone
                .clone()
                .unwrap_or_default()
        },
        buildings,
        organisations,
        organisation_kinds: choices(
            &OrganisationKind::ALL.map(OrganisationKind::as_str),
            "page.organisation_kind.",
        ),
        people,
        roles: choices(
            &[
                Role::Resident,
                Role::Receptionist,
                Role::DutyOfficer,
                Role::Handler,
                Role::Supervisor,
            ]
            .map(Role::as_str),
            "page.role.",
        ),
        categories,
        modes,
        handlers,
        units: choices(
            &[
                "working_hours",
                "working_days",
                "calendar_hours",
                "same_working_day",
            ],
            "page.limit.",
        ),
        year,
        holidays: if refused_form == "holidays" {
            kept.iter()
                .find(|(name, _)| name == "days")
                .map(|(_, value)| value.clone())
                .unwrap_or_default()
        } else {
            holidays
        },
        rules,
        channels,
        errors,
        refused: refused_form,
        kept,
        notice: query
            .done
            .as_deref()
            .map(|done| text(&format!("page.admin.done_{done}"), &[]))
            .unwrap_or_default(),
    };
    Ok((status, render(&page)).into_response())
}

pub async fn admin_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<AdminQuery>,
) -> PageResult {
    admin_view(&state, &viewer, &query, None).await
}

type Fields = Vec<(String, String)>;

fn get<'a>(fields: &'a Fields, name: &str) -> &'a str {
    fields
        .iter()
        .find(|(key, _)| key == name)
        .map_or("", |(_, value)| value.as_str())
}

fn whole(fields: &Fields, name: &'static str) -> Result<u32, ApiError> {
    get(fields, name)
        .trim()
        .parse()
        .map_err(|_| linli_domain::ValidationError::new("page.error.number_invalid", name).into())
}

/// Runs a form's work; a refusal shows the admin page again with the input kept.
async fn outcome(
    state: &AppState,
    viewer: &Viewer,
    form: &'static str,
    fields: Fields,
    result: Result<(), ApiError>,
) -> PageResult {
    match result {
        Ok(()) => see_other(&format!("/admin?done={form}")),
        Err(error) if error.status.is_client_error() && error.status != StatusCode::FORBIDDEN => {
            let year = get(&fields, "year").parse().ok();
            admin_view(
                state,
                viewer,
                &AdminQuery { year, done: None },
                Some(Refused {
                    form,
                    error,
                    kept: fields,
                }),
            )
            .await
        }
        Err(error) => Err(error.into()),
    }
}

pub async fn add_buildings(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(fields): Form<Fields>,
) -> PageResult {
    viewer.check_csrf(get(&fields, "csrf"))?;
    let (community, _) = community_of(&viewer)?;
    let signed_in = viewer.require()?;
    let result = async {
        let range = |from: u32, to: &'static str| -> Result<Range, ApiError> {
            Ok(Range {
                from,
                to: whole(&fields, to)?,
            })
        };
        let layout = Layout {
            estate_id: None,
            buildings: Range {
                from: whole(&fields, "buildings_from")?,
                to: whole(&fields, "buildings_to")?,
            },
            units: range(1, "units")?,
            floors: range(1, "floors")?,
            rooms_per_floor: range(1, "rooms_per_floor")?,
        };
        registry::create_buildings_in_bulk(&state, &signed_in.user, community, layout)
            .await
            .map(|_| ())
            .map_err(ApiError::from)
    }
    .await;
    outcome(&state, &viewer, "buildings", fields, result).await
}

pub async fn set_office_phone(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(fields): Form<Fields>,
) -> PageResult {
    viewer.check_csrf(get(&fields, "csrf"))?;
    let (community, _) = community_of(&viewer)?;
    let signed_in = viewer.require()?;
    let result = registry::set_office_phone(
        &state,
        &signed_in.user,
        community,
        get(&fields, "office_phone"),
    )
    .await
    .map(|_| ())
    .map_err(ApiError::from);
    outcome(&state, &viewer, "office", fields, result).await
}

pub async fn add_organisation(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(fields): Form<Fields>,
) -> PageResult {
    viewer.check_csrf(get(&fields, "csrf"))?;
    let (community, _) = community_of(&viewer)?;
    let signed_in = viewer.require()?;
    let result = registry::create_organisation(
        &state,
        &signed_in.user,
        community,
        get(&fields, "kind"),
        get(&fields, "name"),
    )
    .await
    .map(|_| ())
    .map_err(ApiError::from);
    outcome(&state, &viewer, "organisations", fields, result).await
}

pub async fn add_person(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(fields): Form<Fields>,
) -> PageResult {
    viewer.check_csrf(get(&fields, "csrf"))?;
    let (community, _) = community_of(&viewer)?;
    let signed_in = viewer.require()?;
    let role = get(&fields, "role").to_owned();
    let input = PersonRequest {
        login: get(&fields, "login").to_owned(),
        display_name: get(&fields, "display_name").to_owned(),
        phone: Some(get(&fields, "phone").to_owned()).filter(|phone| !phone.trim().is_empty()),
        password: get(&fields, "password").to_owned(),
        roles: if role.is_empty() {
            Vec::new()
        } else {
            vec![RoleRequest {
                role,
                organisation_id: get(&fields, "organisation_id").parse().ok(),
            }]
        },
        rooms: Vec::new(),
    };
    let result = linli_app::people::register_person(&state, &signed_in.user, community, &input)
        .await
        .map(|_| ())
        .map_err(ApiError::from);
    // The password is never sent back into the page.
    let kept = fields
        .into_iter()
        .filter(|(name, _)| name != "password")
        .collect();
    outcome(&state, &viewer, "people", kept, result).await
}

pub async fn update_category(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> PageResult {
    viewer.check_csrf(get(&fields, "csrf"))?;
    community_of(&viewer)?;
    let signed_in = viewer.require()?;
    let result = async {
        let input = CategoryRequest {
            triage_limit: Some(limit_from_parts(
                get(&fields, "triage_unit"),
                get(&fields, "triage_amount"),
                "triage_limit",
            )?),
            sign_limit: Some(limit_from_parts(
                get(&fields, "sign_unit"),
                get(&fields, "sign_amount"),
                "sign_limit",
            )?),
            resolve_limit: Some(limit_from_parts(
                get(&fields, "resolve_unit"),
                get(&fields, "resolve_amount"),
                "resolve_limit",
            )?),
            active: Some(get(&fields, "active") == "on"),
            default_lead_organisation_id: Some(get(&fields, "default_lead").trim().parse().ok()),
            default_co_handler_ids: Some(
                fields
                    .iter()
                    .filter(|(name, _)| name == "co_handler_ids")
                    .filter_map(|(_, value)| value.trim().parse().ok())
                    .collect(),
            ),
            dispatch_mode: Some(get(&fields, "dispatch_mode").to_owned())
                .filter(|mode| !mode.is_empty()),
            open_cap: match get(&fields, "open_cap").trim() {
                "" => None,
                raw => Some(raw.parse().map_err(|_| {
                    ApiError::from(linli_domain::ValidationError::new(
                        "category.open_cap_invalid",
                        "open_cap",
                    ))
                })?),
            },
            ..CategoryRequest::default()
        };
        let handlers: Vec<i64> = fields
            .iter()
            .filter(|(name, _)| name == "handler_ids")
            .filter_map(|(_, value)| value.trim().parse().ok())
            .collect();
        // The category's settings first (every field checked before anything is
        // written), then who is registered: the boxes offered are the community's
        // handlers, so only a forged form is refused there.
        linli_app::categories::update(&state, &signed_in.user, id, &input)
            .await
            .map_err(ApiError::from)?;
        linli_app::dispatch_modes::set_handlers(&state, &signed_in.user, id, &handlers)
            .await
            .map(|_| ())
            .map_err(ApiError::from)
    }
    .await;
    outcome(&state, &viewer, "categories", fields, result).await
}

/// The year's calendar as lines of `2026-10-01 off 国庆节` (`work` for a swapped working day).
pub async fn replace_holidays(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(fields): Form<Fields>,
) -> PageResult {
    viewer.check_csrf(get(&fields, "csrf"))?;
    community_of(&viewer)?;
    let signed_in = viewer.require()?;
    let result = async {
        let year: i32 = get(&fields, "year").trim().parse().map_err(|_| {
            ApiError::from(linli_domain::ValidationError::new(
                "calendar.year_invalid",
                "year",
            ))
        })?;
        let mut days = Vec::new();
        for line in get(&fields, "days").lines() {
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            let mut parts = line.splitn(3, char::is_whitespace);
            let day = parts
                .next()
                .and_then(|day| NaiveDate::parse_from_str(day, "%Y-%m-%d").ok())
                .ok_or_else(|| {
                    ApiError::from(linli_domain::ValidationError::new(
                        "page.error.holiday_line",
                        "days",
                    ))
                    .with_arg("line", line)
                })?;
            days.push(HolidayRequest {
                day,
                kind: parts.next().unwrap_or_default().trim().to_owned(),
                name: parts.next().unwrap_or_default().trim().to_owned(),
            });
        }
        linli_app::calendar::replace_year(&state, &signed_in.user, year, &days)
            .await
            .map_err(ApiError::from)
    }
    .await;
    outcome(&state, &viewer, "holidays", fields, result).await
}

/// One topic's inbox rule: the audiences ticked, or back to the default.
pub async fn update_rule(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(topic): Path<String>,
    Form(fields): Form<Fields>,
) -> PageResult {
    viewer.check_csrf(get(&fields, "csrf"))?;
    let (community, _) = community_of(&viewer)?;
    let signed_in = viewer.require()?;
    let result = if get(&fields, "reset").is_empty() {
        let audiences: Vec<String> = fields
            .iter()
            .filter(|(name, _)| name == "audience")
            .map(|(_, value)| value.clone())
            .collect();
        linli_app::notifications::set_rule(&state, &signed_in.user, community, &topic, &audiences)
            .await
    } else {
        linli_app::notifications::reset_rule(&state, &signed_in.user, community, &topic).await
    }
    .map_err(ApiError::from);
    outcome(&state, &viewer, "rules", fields, result).await
}
