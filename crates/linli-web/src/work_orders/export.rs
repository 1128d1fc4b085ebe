//! CSV of any filtered work-order list and of the desk's visits, UTF-8 with a byte-order
//! mark so that Excel as used in China opens them in the right encoding. A list is what
//! the caller's `GET /api/v1/work-orders` shows them, every page of it, with names for
//! ids; a resident's neighbours' reports come as the public sees them.

use super::{ListQuery, use_cases};
use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::extract::ApiQuery;
use crate::state::AppState;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use chrono::{DateTime, NaiveDate, Utc};
use linli_app::Caller;
use linli_app::work_orders::read::ListRequest;
use linli_domain::access::mask_numbers;
use linli_domain::calendar::shanghai;
use linli_domain::ids::CommunityId;
use std::collections::{HashMap, HashSet};

/// The most rows one export carries; past it, narrow the filters.
pub const EXPORT_MAX: usize = 10_000;
/// The longest span of days one visits export covers.
const VISIT_DAYS_MAX: i64 = 92;

const WORK_ORDER_HEADINGS: [&str; 14] = [
    "编号",
    "状态",
    "类别",
    "楼栋",
    "具体位置",
    "渠道",
    "牵头方",
    "反映时间",
    "当前期限",
    "超期",
    "已上会",
    "督办",
    "评分",
    "反映内容",
];

fn local(at: DateTime<Utc>) -> String {
    at.with_timezone(&shanghai())
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

fn internal(error: impl std::fmt::Display) -> ApiError {
    ApiError::from(linli_app::AppError::internal(error.to_string()))
}

pub(crate) fn csv_answer(name: &str, body: Vec<u8>) -> impl IntoResponse + use<> {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        body,
    )
}

fn writer() -> csv::Writer<Vec<u8>> {
    csv::Writer::from_writer(Vec::from("\u{feff}".as_bytes()))
}

/// Names of a community's categories, buildings and parties, read once per community.
#[derive(Default)]
struct Names {
    read: HashSet<i64>,
    categories: HashMap<i64, String>,
    buildings: HashMap<i64, String>,
    organisations: HashMap<i64, String>,
}

impl Names {
    async fn of(&mut self, state: &AppState, community: i64) -> Result<(), ApiError> {
        if !self.read.insert(community) {
            return Ok(());
        }
        let id = CommunityId(community);
        self.categories.extend(
            state
                .store
                .categories(id)
                .await?
                .into_iter()
                .map(|c| (c.id, c.name)),
        );
        self.buildings.extend(
            state
                .store
                .buildings(id)
                .await?
                .into_iter()
                .map(|b| (b.id, b.name)),
        );
        self.organisations.extend(
            state
                .store
                .organisations(id)
                .await?
                .into_iter()
                .map(|o| (o.id, o.name)),
        );
        Ok(())
    }

    fn name(map: &HashMap<i64, String>, id: Option<i64>) -> &str {
        id.and_then(|id| map.get(&id)).map_or("", String::as_str)
    }
}

/// Every page of the caller's list, within [`EXPORT_MAX`].
pub async fn work_orders_csv_of(
    state: &AppState,
    caller: &Caller,
    mut request: ListRequest,
) -> ApiResult<Vec<u8>> {
    request.limit = Some(200);
    request.cursor = None;
    let mut names = Names::default();
    let mut out = writer();
    out.write_record(WORK_ORDER_HEADINGS).map_err(internal)?;
    let mut written = 0usize;
    loop {
        let page = use_cases::list(state, caller, &request).await?;
        written += page.rows.len();
        if written > EXPORT_MAX {
            return Err(
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "export.too_many")
                    .with_arg("max", EXPORT_MAX.to_string()),
            );
        }
        for order in &page.rows {
            names.of(state, order.community_id).await?;
            let public = page
                .public_but_for
                .is_some_and(|person| order.reporter_id != Some(person.0));
            let description = if public {
                mask_numbers(&order.description)
            } else {
                order.description.clone()
            };
            let yes = |flag: bool| if flag { "是" } else { "" };
            out.write_record([
                order.number.to_string().as_str(),
                &crate::work_orders::views::status_label(order.status.as_str()),
                Names::name(&names.categories, Some(order.category_id)),
                Names::name(&names.buildings, order.building_id),
                order.place.as_deref().unwrap_or_default(),
                &crate::locale::text(&format!("channel.{}", order.channel.as_str()), &[]),
                Names::name(&names.organisations, order.lead_organisation_id),
                &local(order.created_at),
                &order.due_at().map(local).unwrap_or_default(),
                yes(order.is_overdue(page.now)),
                yes(order.escalated),
                yes(order.supervised),
                &order
                    .rating
                    .map(|rating| rating.to_string())
                    .unwrap_or_default(),
                &description,
            ])
            .map_err(internal)?;
        }
        match page.next_cursor {
            Some(cursor) => request.cursor = Some(cursor),
            None => break,
        }
    }
    out.into_inner().map_err(internal)
}

/// `GET /api/v1/work-orders.csv`: the list's filters, every page.
#[utoipa::path(get, path = "/api/v1/work-orders.csv", tag = "work orders",
    summary = "A filtered list of work orders as CSV (UTF-8 with BOM), at most 10,000 rows",
    params(ListQuery), responses((status = 200, content_type = "text/csv")), security(("bearer" = [])))]
pub async fn work_orders_csv(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> ApiResult<impl IntoResponse> {
    let body = work_orders_csv_of(&state, &user, query.into()).await?;
    Ok(csv_answer("work-orders.csv", body))
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct VisitsCsvQuery {
    community_id: Option<i64>,
    /// First day; today when absent.
    from: Option<NaiveDate>,
    /// Last day, inclusive; `from` when absent. At most 92 days.
    to: Option<NaiveDate>,
}

/// `GET /api/v1/visits.csv`: the visit log of a span of days (the desk's audience).
#[utoipa::path(get, path = "/api/v1/visits.csv", tag = "reception",
    summary = "The visit log of a span of days as CSV (UTF-8 with BOM)",
    params(VisitsCsvQuery), responses((status = 200, content_type = "text/csv")), security(("bearer" = [])))]
pub async fn visits_csv(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<VisitsCsvQuery>,
) -> ApiResult<impl IntoResponse> {
    let today = state.clock.now().with_timezone(&shanghai()).date_naive();
    let from = query.from.unwrap_or(today);
    let to = query.to.unwrap_or(from);
    if to < from || (to - from).num_days() >= VISIT_DAYS_MAX {
        return Err(ApiError::from(linli_domain::ValidationError::new(
            "export.range_invalid",
            "to",
        )));
    }
    let mut out = writer();
    out.write_record([
        "时间",
        "来访人",
        "电话",
        "楼栋",
        "房号",
        "事由",
        "接待人",
        "结果",
        "工单编号",
    ])
    .map_err(internal)?;
    let mut names = Names::default();
    let mut day = from;
    while day <= to {
        for visit in
            linli_app::visits::visits_of_day(&state, &user, query.community_id, Some(day)).await?
        {
            names.of(&state, visit.community_id).await?;
            out.write_record([
                local(visit.visited_at).as_str(),
                &visit.visitor_name,
                visit.visitor_phone.as_deref().unwrap_or_default(),
                Names::name(&names.buildings, visit.building_id),
                visit.room_text.as_deref().unwrap_or_default(),
                &visit.matter,
                &visit.receptionist_name,
                visit.outcome.as_deref().unwrap_or_default(),
                &visit
                    .work_order_number
                    .map(|number| number.to_string())
                    .unwrap_or_default(),
            ])
            .map_err(internal)?;
        }
        day = day.succ_opt().unwrap_or(to + chrono::Days::new(1));
    }
    Ok(csv_answer(
        &format!("visits-{from}-{to}.csv"),
        out.into_inner().map_err(internal)?,
    ))
}
