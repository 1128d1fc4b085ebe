//! Categories as the API answers them: as offered to someone reporting, and with every
//! setting to the administrator who changes them.

use linli_domain::calendar::TimeLimit;
use linli_domain::dispatch_modes::DispatchMode;
use linli_store::categories::Category;
use serde::Serialize;

/// A category as offered to someone reporting a problem, its time limits parsed.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CategoryView {
    id: i64,
    code: String,
    name: String,
    name_en: String,
    icon: String,
    triage_limit: Option<TimeLimit>,
    sign_limit: Option<TimeLimit>,
    resolve_limit: Option<TimeLimit>,
    complex: bool,
    /// The party that usually leads it: the dispatch form starts from it.
    default_lead_organisation_id: Option<i64>,
    /// The parties that usually co-handle it (the responsibility charter).
    default_co_handler_ids: Vec<i64>,
    /// How its work orders find their handler.
    dispatch_mode: DispatchMode,
}

impl From<Category> for CategoryView {
    fn from(category: Category) -> Self {
        let co_handlers = category.default_co_handlers();
        Self {
            triage_limit: TimeLimit::from_parts(
                &category.triage_limit_kind,
                category.triage_limit_minutes,
            ),
            sign_limit: TimeLimit::from_parts(
                &category.sign_limit_kind,
                category.sign_limit_minutes,
            ),
            resolve_limit: TimeLimit::from_parts(
                &category.resolve_limit_kind,
                category.resolve_limit_minutes,
            ),
            id: category.id,
            code: category.code,
            name: category.name,
            name_en: category.name_en,
            icon: category.icon,
            complex: category.complex,
            default_co_handler_ids: co_handlers,
            default_lead_organisation_id: category.default_lead_organisation_id,
            dispatch_mode: category.dispatch_mode,
        }
    }
}

/// A category with every setting, as its administrator made or changed it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = Category)]
pub struct CategorySettings {
    id: i64,
    community_id: i64,
    code: String,
    name: String,
    name_en: String,
    icon: String,
    triage_limit_kind: String,
    triage_limit_minutes: i64,
    sign_limit_kind: String,
    sign_limit_minutes: i64,
    resolve_limit_kind: String,
    resolve_limit_minutes: i64,
    complex: bool,
    position: i64,
    active: bool,
    default_lead_organisation_id: Option<i64>,
    default_co_handler_ids: Vec<i64>,
    dispatch_mode: DispatchMode,
    /// Most unfinished work orders a handler may hold in grab and round-robin modes.
    open_cap: i64,
}

impl From<Category> for CategorySettings {
    fn from(category: Category) -> Self {
        let co_handlers = category.default_co_handlers();
        Self {
            id: category.id,
            community_id: category.community_id,
            code: category.code,
            name: category.name,
            name_en: category.name_en,
            icon: category.icon,
            triage_limit_kind: category.triage_limit_kind,
            triage_limit_minutes: category.triage_limit_minutes,
            sign_limit_kind: category.sign_limit_kind,
            sign_limit_minutes: category.sign_limit_minutes,
            resolve_limit_kind: category.resolve_limit_kind,
            resolve_limit_minutes: category.resolve_limit_minutes,
            complex: category.complex,
            position: category.position,
            active: category.active,
            default_co_handler_ids: co_handlers,
            default_lead_organisation_id: category.default_lead_organisation_id,
            dispatch_mode: category.dispatch_mode,
            open_cap: category.open_cap,
        }
    }
}
