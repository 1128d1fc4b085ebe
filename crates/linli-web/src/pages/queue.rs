//! The staff queues: the duty officer's triage (new and returned first, then overdue), a
//! handler's organisation queue by deadline, anyone's filtered list, and the supervisor's
//! overdue and supervised work orders.

use super::context::{PageContext, PageResult, Viewer, render, url_encode};
use super::home::{BuildingChoice, CategoryChoice, category_choices, choices_of_buildings};
use super::orders::{CardView, Choice, cards_with_buildings};
use crate::error::ApiError;
use crate::locale::text;
use crate::state::AppState;
use crate::work_orders::{ListQuery, Page};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::IntoResponse;
use linli_domain::ids::CommunityId;
use linli_domain::work_orders::Status;
use serde::Deserialize;

pub struct Section {
    pub title: String,
    pub hint: String,
    pub cards: Vec<CardView>,
    pub more: String,
}

pub struct StatusChoice {
    pub key: &'static str,
    pub label: String,
    pub selected: bool,
}

pub struct Tab {
    pub href: String,
    pub label: String,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "queue.html")]
struct QueuePage {
    page: PageContext,
    /// Who is on duty now, from the roster.
    on_duty: String,
    tabs: Vec<Tab>,
    sections: Vec<Section>,
    show_filters: bool,
    view: String,
    statuses: Vec<StatusChoice>,
    categories: Vec<CategoryChoice>,
    buildings: Vec<BuildingChoice>,
    organisations: Vec<Choice>,
    chosen_organisation: i64,
    q: String,
    overdue: bool,
    /// The same filters as CSV.
    export: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct QueueQuery {
    view: Option<String>,
    status: Option<String>,
    category_id: Option<String>,
    building_id: Option<String>,
    lead_organisation_id: Option<String>,
    q: Option<String>,
    overdue: Option<String>,
    cursor: Option<String>,
}

/// Empty select boxes arrive as empty strings: they mean "any".
fn chosen(raw: &Option<String>) -> Option<i64> {
    raw.as_deref().and_then(|value| value.trim().parse().ok())
}

/// What the cards of a community's lists name: read once per page, not per list.
struct Names {
    categories: Vec<linli_store::categories::Category>,
    buildings: Vec<linli_store::registry::Building>,
}

impl Names {
    async fn of(
        state: &AppState,
        viewer: &Viewer,
        community: i64,
    ) -> Result<Self, super::context::PageError> {
        let user = &viewer.require()?.user;
        Ok(Self {
            categories: linli_app::categories::of_community(state, user, community).await?,
            buildings: linli_app::registry::buildings(state, user, community).await?,
        })
    }
}

async fn section(
    state: &AppState,
    viewer: &Viewer,
    names: &Names,
    query: ListQuery,
    title_key: &str,
    hint_key: &str,
    more: String,
) -> Result<Section, super::context::PageError> {
    let signed_in = viewer.require()?;
    let page: Page = linli_app::work_orders::list(state, &signed_in.user, &query.into())
        .await
        .map_err(ApiError::from)?
        .into();
    let mut cards = cards_with_buildings(
        &page.items,
        &names.categories,
        &names.buildings,
        state.clock.now(),
    );
    // Reports of people whose room is not yet confirmed are marked 未核实 for triage.
    let ids: Vec<i64> = cards.iter().map(|card| card.id).collect();
    let unverified = state.store.unverified_among(&ids).await?;
    for card in &mut cards {
        card.unverified = unverified.contains(&card.id);
    }
    Ok(Section {
        title: text(title_key, &[]),
        hint: text(hint_key, &[]),
        cards,
        more: match page.next_cursor {
            Some(cursor) if !more.is_empty() => format!("{more}&cursor={}", url_encode(&cursor)),
            _ => String::new(),
        },
    })
}

/// A handler's grab list (可抢单), when they are registered for a grab-mode category
/// with work orders waiting.
async fn grab_section(
    state: &AppState,
    viewer: &Viewer,
    names: &Names,
) -> Result<Option<Section>, super::context::PageError> {
    let signed_in = viewer.require()?;
    let list = linli_app::dispatch_modes::grab_list(state, &signed_in.user)
        .await
        .map_err(ApiError::from)?;
    if list.orders.is_empty() {
        return Ok(None);
    }
    let now = state.clock.now();
    let items: Vec<_> = list
        .orders
        .iter()
        .map(|order| crate::work_orders::views::summary(order, now, false))
        .collect();
    Ok(Some(Section {
        title: text("page.queue.grab", &[]),
        hint: text("page.queue.grab_hint", &[("open", list.open.to_string())]),
        cards: cards_with_buildings(&items, &names.categories, &names.buildings, now),
        more: String::new(),
    }))
}

pub async fn queue(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<QueueQuery>,
) -> PageResult {
    let signed_in = viewer.require()?;
    let roles = signed_in.roles;
    if !roles.is_staff() {
        return Err(ApiError::forbidden().into());
    }
    let community = signed_in
        .community
        .as_ref()
        .ok_or_else(ApiError::forbidden)?
        .id;
    let default_view = if roles.duty {
        "triage"
    } else if roles.handler {
        "mine"
    } else {
        "all"
    };
    let view = query
        .view
        .clone()
        .unwrap_or_else(|| default_view.to_owned());
    let names = Names::of(&state, &viewer, community).await?;
    let base = ListQuery {
        community_id: Some(community),
        limit: Some(30),
        ..ListQuery::default()
    };
    let mut sections = Vec::new();
    match view.as_str() {
        "triage" => {
            sections.push(
                section(
                    &state,
                    &viewer,
                    &names,
                    ListQuery {
                        status: Some("submitted".to_owned()),
                        sort: Some("oldest".to_owned()),
                        ..base
                    },
                    "page.queue.triage_new",
                    "page.queue.triage_new_hint",
                    String::new(),
                )
                .await?,
            );
            sections.push(
                section(
                    &state,
                    &viewer,
                    &names,
                    ListQuery {
                        community_id: Some(community),
                        limit: Some(30),
                        overdue: Some(true),
                        sort: Some("deadline".to_owned()),
                        ..ListQuery::default()
                    },
                    "page.queue.overdue",
                    "page.queue.overdue_hint",
                    String::new(),
                )
                .await?,
            );
        }
        "mine" => {
            if let Some(grab) = grab_section(&state, &viewer, &names).await? {
                sections.push(grab);
            }
            sections.push(
                section(
                    &state,
                    &viewer,
                    &names,
                    ListQuery {
                        mine: Some(true),
                        status: Some("dispatched,in_progress,on_hold".to_owned()),
                        sort: Some("deadline".to_owned()),
                        ..base
                    },
                    "page.queue.mine",
                    "page.queue.mine_hint",
                    String::new(),
                )
                .await?,
            );
            sections.push(
                section(
                    &state,
                    &viewer,
                    &names,
                    ListQuery {
                        community_id: Some(community),
                        limit: Some(10),
                        mine: Some(true),
                        status: Some("resolved".to_owned()),
                        ..ListQuery::default()
                    },
                    "page.queue.awaiting_acceptance",
                    "page.queue.awaiting_acceptance_hint",
                    String::new(),
                )
                .await?,
            );
        }
        _ => {
            let status = query.status.clone().filter(|status| !status.is_empty());
            if let Some(status) = &status
                && Status::parse(status).is_err()
            {
                return Err(ApiError::from(linli_domain::ValidationError::new(
                    "work_order.status_unknown",
                    "status",
                ))
                .into());
            }
            let more = format!("/queue?view=all{}", filter_params(&query));
            sections.push(
                section(
                    &state,
                    &viewer,
                    &names,
                    ListQuery {
                        cursor: query.cursor.clone(),
                        ..filtered(&query, base)?
                    },
                    "page.queue.all",
                    "page.queue.all_hint",
                    more,
                )
                .await?,
            );
        }
    }
    let mut tabs = Vec::new();
    let mut tab = |key: &str| {
        tabs.push(Tab {
            href: format!("/queue?view={key}"),
            label: text(&format!("page.queue.tab_{key}"), &[]),
            current: view == key,
        });
    };
    if roles.duty || roles.supervisor {
        tab("triage");
    }
    if roles.handler {
        tab("mine");
    }
    tab("all");
    let organisations = state
        .store
        .organisations(CommunityId(community))
        .await?
        .into_iter()
        .map(|organisation| Choice {
            id: organisation.id,
            name: organisation.name,
        })
        .collect();
    let statuses = Status::ALL
        .iter()
        .map(|status| StatusChoice {
            key: status.as_str(),
            label: text(&format!("status.{}", status.as_str()), &[]),
            selected: query.status.as_deref() == Some(status.as_str()),
        })
        .collect();
    let show_filters = view != "triage" && view != "mine";
    let on_duty = crate::pages::roster::on_duty_line(&state, &viewer).await?;
    Ok(render(&QueuePage {
        on_duty,
        page: viewer
            .context(text("page.queue.title", &[]), "queue")
            .live(None),
        tabs,
        sections,
        show_filters,
        view,
        statuses,
        categories: category_choices(&names.categories, chosen(&query.category_id)),
        buildings: choices_of_buildings(&names.buildings, chosen(&query.building_id)),
        organisations,
        chosen_organisation: chosen(&query.lead_organisation_id).unwrap_or_default(),
        export: format!("/queue/export.csv?view=all{}", filter_params(&query)),
        q: query.q.unwrap_or_default(),
        overdue: query.overdue.is_some(),
    }))
}

/// The filters of the list of all work orders, as an address's parameters.
fn filter_params(query: &QueueQuery) -> String {
    let mut params = String::new();
    for (name, value) in [
        ("status", &query.status),
        ("category_id", &query.category_id),
        ("building_id", &query.building_id),
        ("lead_organisation_id", &query.lead_organisation_id),
        ("q", &query.q),
        ("overdue", &query.overdue),
    ] {
        if let Some(value) = value.as_deref().filter(|value| !value.is_empty()) {
            params.push_str(&format!("&{name}={}", url_encode(value)));
        }
    }
    params
}

/// The list of all work orders as the filters narrow it.
fn filtered(query: &QueueQuery, base: ListQuery) -> Result<ListQuery, ApiError> {
    let status = query.status.clone().filter(|status| !status.is_empty());
    if let Some(status) = &status
        && Status::parse(status).is_err()
    {
        return Err(ApiError::from(linli_domain::ValidationError::new(
            "work_order.status_unknown",
            "status",
        )));
    }
    Ok(ListQuery {
        status,
        category_id: chosen(&query.category_id),
        building_id: chosen(&query.building_id),
        lead_organisation_id: chosen(&query.lead_organisation_id),
        q: query.q.clone().filter(|q| !q.trim().is_empty()),
        overdue: Some(query.overdue.is_some()),
        ..base
    })
}

/// `/queue/export.csv`: the filtered list of all work orders as CSV for Excel.
pub async fn export(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<QueueQuery>,
) -> PageResult {
    let signed_in = viewer.require()?;
    if !signed_in.roles.is_staff() {
        return Err(ApiError::forbidden().into());
    }
    let community = signed_in
        .community
        .as_ref()
        .ok_or_else(ApiError::forbidden)?
        .id;
    let list = filtered(
        &query,
        ListQuery {
            community_id: Some(community),
            ..ListQuery::default()
        },
    )?;
    let body = crate::work_orders::export::work_orders_csv_of(&state, &signed_in.user, list.into())
        .await?;
    Ok(crate::work_orders::export::csv_answer("work-orders.csv", body).into_response())
}

#[derive(Template)]
#[template(path = "supervise.html")]
struct SupervisePage {
    page: PageContext,
    sections: Vec<Section>,
}

/// The supervisor's desk: what is late, what they have pressed, what goes to the meeting.
pub async fn supervise(State(state): State<AppState>, viewer: Viewer) -> PageResult {
    let signed_in = viewer.require()?;
    let roles = signed_in.roles;
    if !(roles.supervisor || roles.overseer || roles.admin) {
        return Err(ApiError::forbidden().into());
    }
    let community = signed_in
        .community
        .as_ref()
        .ok_or_else(ApiError::forbidden)?
        .id;
    let names = Names::of(&state, &viewer, community).await?;
    let base = || ListQuery {
        community_id: Some(community),
        limit: Some(20),
        ..ListQuery::default()
    };
    let open = || Some("submitted,dispatched,in_progress,on_hold,resolved".to_owned());
    let sections = vec![
        section(
            &state,
            &viewer,
            &names,
            ListQuery {
                overdue: Some(true),
                sort: Some("deadline".to_owned()),
                ..base()
            },
            "page.queue.overdue",
            "page.supervise.overdue_hint",
            String::new(),
        )
        .await?,
        section(
            &state,
            &viewer,
            &names,
            ListQuery {
                supervised: Some(true),
                status: open(),
                ..base()
            },
            "page.supervise.supervised",
            "page.supervise.supervised_hint",
            String::new(),
        )
        .await?,
        section(
            &state,
            &viewer,
            &names,
            ListQuery {
                escalated: Some(true),
                status: open(),
                ..base()
            },
            "page.supervise.escalated",
            "page.supervise.escalated_hint",
            String::new(),
        )
        .await?,
    ];
    Ok(render(&SupervisePage {
        page: viewer
            .context(text("page.supervise.title", &[]), "supervise")
            .live(None),
        sections,
    }))
}
