//! What a problem can be about: categories with icons, time limits and whether they are
//! complex (the joint meeting's), set by a community's administrator.

use crate::{App, AppError, AppResult, Caller};
use linli_domain::calendar::TimeLimit;
use linli_domain::dispatch_modes::{DEFAULT_OPEN_CAP, DispatchMode, parse_open_cap};
use linli_domain::ids::CommunityId;
use linli_domain::permissions::RegistryAction;
use linli_domain::registry::Name;
use linli_store::categories::Category;

/// The categories offered in a community (the caller's, or the one named).
pub async fn offered(
    app: &App,
    caller: &Caller,
    community: Option<i64>,
) -> AppResult<Vec<Category>> {
    let community = crate::registry::community_of_request(app, caller, community).await?;
    Ok(app
        .store
        .categories(CommunityId(community.id))
        .await?
        .into_iter()
        .filter(|category| category.active)
        .collect())
}

/// A category as its administrator changes it; what is absent stays as it is.
#[derive(Debug, Clone, Default)]
pub struct CategoryRequest {
    pub community_id: Option<i64>,
    pub code: Option<String>,
    pub name: Option<String>,
    pub name_en: Option<String>,
    pub icon: Option<String>,
    /// To be dispatched by the duty officer within; absent on a new category: as long as
    /// its limit to sign.
    pub triage_limit: Option<TimeLimit>,
    pub sign_limit: Option<TimeLimit>,
    pub resolve_limit: Option<TimeLimit>,
    pub complex: Option<bool>,
    pub active: Option<bool>,
    /// The party that usually leads it: `Some(None)` clears it.
    pub default_lead_organisation_id: Option<Option<i64>>,
    /// The parties that usually co-handle it (the charter); an empty list clears them.
    pub default_co_handler_ids: Option<Vec<i64>>,
    /// How its work orders find their handler: `assign`, `grab` or `round_robin`.
    pub dispatch_mode: Option<String>,
    /// Most unfinished work orders a handler may hold in grab and round-robin modes.
    pub open_cap: Option<i64>,
}

/// The longest limit a category may have: a year of working time.
const LONGEST_LIMIT_MINUTES: u32 = 250 * TimeLimit::WORKING_DAY_MINUTES;

fn check_limit(limit: TimeLimit, field: &'static str) -> AppResult<(&'static str, i64)> {
    let minutes = match limit {
        TimeLimit::CalendarMinutes(minutes) | TimeLimit::WorkingMinutes(minutes) => minutes,
        TimeLimit::SameWorkingDay => 1,
    };
    if minutes == 0 || minutes > LONGEST_LIMIT_MINUTES {
        return Err(AppError::invalid("validation.out_of_range", field));
    }
    Ok(limit.to_parts())
}

/// The charter's parties — the usual lead and co-handlers — must be organisations of
/// the category's own community, and the lead does not co-handle its own work.
async fn check_default_lead(app: &App, category: &Category) -> AppResult<()> {
    let organisations = app
        .store
        .organisations(CommunityId(category.community_id))
        .await?;
    let known = |id: i64| {
        organisations
            .iter()
            .any(|organisation| organisation.id == id)
    };
    if let Some(lead) = category.default_lead_organisation_id
        && !known(lead)
    {
        return Err(AppError::invalid(
            "work_order.organisation_unknown",
            "default_lead_organisation_id",
        ));
    }
    for co in category.default_co_handlers() {
        if !known(co) || Some(co) == category.default_lead_organisation_id {
            return Err(AppError::invalid(
                "work_order.organisation_unknown",
                "default_co_handler_ids",
            ));
        }
    }
    Ok(())
}

fn apply(category: &mut Category, input: &CategoryRequest) -> AppResult<()> {
    if let Some(name) = &input.name {
        category.name = Name::parse(name, "name", 20)?.into_string();
    }
    if let Some(name_en) = &input.name_en {
        category.name_en = Name::parse(name_en, "name_en", 40)?.into_string();
    }
    if let Some(icon) = &input.icon {
        category.icon = Name::parse(icon, "icon", 4)?.into_string();
    }
    if let Some(limit) = input.triage_limit {
        let (kind, minutes) = check_limit(limit, "triage_limit")?;
        (category.triage_limit_kind, category.triage_limit_minutes) = (kind.to_owned(), minutes);
    }
    if let Some(limit) = input.sign_limit {
        let (kind, minutes) = check_limit(limit, "sign_limit")?;
        (category.sign_limit_kind, category.sign_limit_minutes) = (kind.to_owned(), minutes);
    }
    if let Some(limit) = input.resolve_limit {
        let (kind, minutes) = check_limit(limit, "resolve_limit")?;
        (category.resolve_limit_kind, category.resolve_limit_minutes) = (kind.to_owned(), minutes);
    }
    if let Some(complex) = input.complex {
        category.complex = complex;
    }
    if let Some(active) = input.active {
        category.active = active;
    }
    if let Some(lead) = input.default_lead_organisation_id {
        category.default_lead_organisation_id = lead;
    }
    if let Some(mode) = &input.dispatch_mode {
        category.dispatch_mode = DispatchMode::parse(mode)?;
    }
    if let Some(cap) = input.open_cap {
        category.open_cap = parse_open_cap(cap)?;
    }
    if let Some(co_handlers) = &input.default_co_handler_ids {
        let mut ids = co_handlers.clone();
        ids.sort_unstable();
        ids.dedup();
        category.default_co_handler_ids =
            ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    }
    Ok(())
}

/// A new category for a community.
pub async fn create(app: &App, caller: &Caller, input: &CategoryRequest) -> AppResult<Category> {
    let community_id = input
        .community_id
        .ok_or_else(|| AppError::invalid("validation.required", "community_id"))?;
    let community = app.store.community(CommunityId(community_id)).await?;
    caller.require(RegistryAction::ManageCategories, community.place())?;
    let code = input.code.as_deref().unwrap_or_default().trim().to_owned();
    let well_formed = (2..=40).contains(&code.len())
        && code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !well_formed {
        return Err(AppError::invalid(
            "work_order.category_code_invalid",
            "code",
        ));
    }
    let missing = if input.name.is_none() {
        Some("name")
    } else if input.sign_limit.is_none() {
        Some("sign_limit")
    } else if input.resolve_limit.is_none() {
        Some("resolve_limit")
    } else {
        None
    };
    if let Some(field) = missing {
        return Err(AppError::invalid("validation.required", field));
    }
    let mut category = Category {
        id: 0,
        community_id,
        code,
        name: String::new(),
        name_en: String::new(),
        icon: "📋".to_owned(),
        triage_limit_kind: String::new(),
        triage_limit_minutes: 0,
        sign_limit_kind: String::new(),
        sign_limit_minutes: 0,
        resolve_limit_kind: String::new(),
        resolve_limit_minutes: 0,
        complex: false,
        position: 0,
        active: true,
        default_lead_organisation_id: None,
        default_co_handler_ids: String::new(),
        dispatch_mode: DispatchMode::Assign,
        open_cap: DEFAULT_OPEN_CAP,
    };
    apply(&mut category, input)?;
    if input.triage_limit.is_none() {
        // Triage as pressing as signing, as the default categories have it.
        category
            .triage_limit_kind
            .clone_from(&category.sign_limit_kind);
        category.triage_limit_minutes = category.sign_limit_minutes;
    }
    check_default_lead(app, &category).await?;
    if category.name_en.is_empty() {
        category.name_en.clone_from(&category.name);
    }
    Ok(app
        .store
        .create_category(&category, Some(caller.person), app.clock.now())
        .await?)
}

/// Names, icon, time limits, complexity, offered or not, dispatch mode and cap; the code
/// and community stay.
pub async fn update(
    app: &App,
    caller: &Caller,
    id: i64,
    input: &CategoryRequest,
) -> AppResult<Category> {
    let mut category = app.store.category(id).await?;
    let community = app
        .store
        .community(CommunityId(category.community_id))
        .await?;
    caller.require(RegistryAction::ManageCategories, community.place())?;
    if input.community_id.is_some() || input.code.is_some() {
        return Err(AppError::invalid("work_order.category_code_fixed", "code"));
    }
    apply(&mut category, input)?;
    check_default_lead(app, &category).await?;
    Ok(app
        .store
        .update_category(&category, Some(caller.person), app.clock.now())
        .await?)
}

/// Every category of a community the caller may see or report in (a claimant's too),
/// offered or not (names for lists of older work orders whose category is no longer
/// offered).
pub async fn of_community(app: &App, caller: &Caller, community: i64) -> AppResult<Vec<Category>> {
    let community = crate::registry::community_among(
        crate::registry::reporting_communities_of(app, caller).await?,
        Some(community),
    )?;
    Ok(app.store.categories(CommunityId(community.id)).await?)
}
