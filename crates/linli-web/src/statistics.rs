//! `GET /api/v1/statistics`: the three rates of the 12345 hotlines, counts by category,
//! building, party and month, medians, and what is open and overdue now — for one
//! community or a whole street, over a range of days. Read from counters kept with each
//! change, never by scanning work orders.

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::extract::ApiQuery;
use crate::locale::text;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use chrono::{Datelike, NaiveDate};
use linli_domain::ValidationError;
use linli_domain::calendar::shanghai;
use linli_domain::ids::{CommunityId, StreetId};
use linli_domain::permissions::{Place, RegistryAction};
use linli_domain::roles::Role;
use linli_domain::statistics::{Counts, median_minutes};
use linli_store::registry::Community;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct StatisticsQuery {
    pub(crate) community_id: Option<i64>,
    pub(crate) street_id: Option<i64>,
    /// First day, Shanghai time; the first of this month when absent.
    pub(crate) from: Option<NaiveDate>,
    /// Last day, inclusive; today when absent.
    pub(crate) to: Option<NaiveDate>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Slice {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) key: Option<String>,
    pub(crate) name: String,
    #[serde(flatten)]
    pub(crate) counts: Counts,
    pub(crate) response_rate: Option<f64>,
    pub(crate) resolution_rate: Option<f64>,
    pub(crate) satisfaction_rate: Option<f64>,
}

impl Slice {
    fn new(id: Option<i64>, key: Option<String>, name: String, counts: Counts) -> Self {
        Self {
            id,
            key,
            name,
            response_rate: counts.response_rate(),
            resolution_rate: counts.resolution_rate(),
            satisfaction_rate: counts.satisfaction_rate(),
            counts,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Now {
    pub(crate) by_status: BTreeMap<String, i64>,
    pub(crate) open: i64,
    pub(crate) overdue: i64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Statistics {
    pub(crate) from: NaiveDate,
    pub(crate) to: NaiveDate,
    pub(crate) communities: Vec<i64>,
    pub(crate) totals: Slice,
    pub(crate) median_minutes_to_sign: Option<f64>,
    pub(crate) median_minutes_to_resolve: Option<f64>,
    pub(crate) by_category: Vec<Slice>,
    pub(crate) by_building: Vec<Slice>,
    pub(crate) by_organisation: Vec<Slice>,
    pub(crate) by_month: Vec<Slice>,
    pub(crate) now: Now,
}

fn is_overseer(user: &CurrentUser) -> bool {
    user.grants()
        .iter()
        .any(|grant| matches!(grant.role, Role::StreetOverseer | Role::Admin))
}

/// The communities a request covers, once the caller may see their statistics.
async fn covered(
    state: &AppState,
    user: &CurrentUser,
    query: &StatisticsQuery,
) -> ApiResult<Vec<Community>> {
    match (query.community_id, query.street_id) {
        (Some(id), None) => {
            let community = state.store.community(CommunityId(id)).await?;
            let place = community.place();
            let allowed = user.may(RegistryAction::ViewPeople, place)
                || (user.may(RegistryAction::ViewRegistry, place) && is_overseer(user));
            if allowed {
                Ok(vec![community])
            } else {
                Err(ApiError::forbidden())
            }
        }
        (None, Some(id)) => {
            let street = StreetId(id);
            state.store.street(street).await?;
            if !(user.may(RegistryAction::ViewRegistry, Place::Street(street)) && is_overseer(user))
            {
                return Err(ApiError::forbidden());
            }
            Ok(state.store.communities(Some(street)).await?)
        }
        _ => Err(ValidationError::new("statistics.scope_required", "community_id").into()),
    }
}

#[utoipa::path(
    get,
    path = "/api/v1/statistics",
    tag = "statistics",
    summary = "Rates, counts and medians of a community or a street",
    params(StatisticsQuery),
    responses((status = 200, body = Statistics)),
    security(("bearer" = []))
)]
pub async fn get(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<StatisticsQuery>,
) -> ApiResult<Json<Statistics>> {
    let communities = covered(&state, &user, &query).await?;
    let today = state.clock.now().with_timezone(&shanghai()).date_naive();
    let to = query.to.unwrap_or(today);
    let from = query.from.unwrap_or_else(|| to.with_day(1).unwrap_or(to));
    if from > to || (to - from).num_days() > 3 * 366 {
        return Err(ValidationError::new("statistics.range_invalid", "from").into());
    }
    let ids: Vec<i64> = communities.iter().map(|community| community.id).collect();
    let report = state
        .store
        .statistics(&ids, from, to, state.clock.now())
        .await?;

    let mut categories = HashMap::new();
    let mut buildings = HashMap::new();
    let mut organisations = HashMap::new();
    for community in &communities {
        let id = CommunityId(community.id);
        let prefix = if communities.len() > 1 {
            format!("{} ", community.name)
        } else {
            String::new()
        };
        for category in state.store.categories(id).await? {
            categories.insert(category.id, category.name);
        }
        for building in state.store.buildings(id).await? {
            buildings.insert(building.id, format!("{prefix}{}", building.name));
        }
        for organisation in state.store.organisations(id).await? {
            organisations.insert(organisation.id, organisation.name);
        }
    }
    let unnamed = text("statistics.unassigned", &[]);
    let named = |names: &HashMap<i64, String>, rows: &[(i64, Counts)]| -> Vec<Slice> {
        rows.iter()
            .filter(|(_, counts)| !counts.is_zero())
            .map(|(id, counts)| {
                let name = names.get(id).cloned().unwrap_or_else(|| unnamed.clone());
                Slice::new((*id != 0).then_some(*id), None, name, *counts)
            })
            .collect()
    };
    let mut months: BTreeMap<String, Counts> = BTreeMap::new();
    for (day, counts) in report.by_month.iter().chain(&report.by_day) {
        *months
            .entry(format!("{:04}-{:02}", day.year(), day.month()))
            .or_default() += *counts;
    }
    let open = report
        .status_now
        .iter()
        .filter(|(status, _)| !matches!(status.as_str(), "closed" | "cancelled"))
        .map(|(_, count)| count)
        .sum();
    Ok(Json(Statistics {
        from,
        to,
        communities: ids,
        totals: Slice::new(None, None, text("statistics.total", &[]), report.totals),
        median_minutes_to_sign: median_minutes(&report.sign_histogram),
        median_minutes_to_resolve: median_minutes(&report.resolve_histogram),
        by_category: named(&categories, &report.by_category),
        by_building: named(&buildings, &report.by_building),
        by_organisation: named(&organisations, &report.by_organisation),
        by_month: months
            .into_iter()
            .map(|(month, counts)| Slice::new(None, Some(month.clone()), month, counts))
            .collect(),
        now: Now {
            by_status: report
                .status_now
                .into_iter()
                .filter(|(_, count)| *count != 0)
                .collect(),
            open,
            overdue: report.overdue_now,
        },
    }))
}
