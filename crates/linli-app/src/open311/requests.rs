//! Services, service requests, tokens and updates as GeoReport v2 names them. Reading
//! needs no key and shows what the public board shows: a community's public work
//! orders, their text anonymised, no names, phones or rooms.

use super::{clients, jurisdiction};
use crate::work_orders::create::{Report, report_with_photos};
use crate::{App, AppError, AppResult, Caller, FieldChecks};
use chrono::{DateTime, Utc};
use linli_domain::board::anonymise;
use linli_domain::ids::CommunityId;
use linli_domain::open311::{self as rules, DESCRIPTION_MAX};
use linli_domain::work_orders::{EventKind, Status};
use linli_store::categories::Category;
use linli_store::open311::RequestExtras;
use linli_store::registry::Community;
use linli_store::work_orders::{ListOrder, WorkOrderFilter, WorkOrderRow};
use std::collections::HashMap;

/// The attribute of every service definition that names the building.
pub const BUILDING_ATTRIBUTE: &str = "building";
/// The attribute for where exactly (a free text, "地下车库B2").
pub const PLACE_ATTRIBUTE: &str = "place";

/// A community's services: its active categories, in the order the office lists them.
pub async fn services(app: &App, community: &Community) -> AppResult<Vec<Category>> {
    let mut categories: Vec<Category> = app
        .store
        .categories(CommunityId(community.id))
        .await?
        .into_iter()
        .filter(|category| category.active)
        .collect();
    categories.sort_by_key(|category| (category.position, category.id));
    Ok(categories)
}

/// A service and the buildings its `building` attribute offers.
#[derive(Debug, Clone)]
pub struct Definition {
    pub category: Category,
    pub buildings: Vec<(i64, String)>,
}

pub async fn definition(app: &App, community: &Community, code: &str) -> AppResult<Definition> {
    let category = service(app, community, code).await?;
    let buildings = app
        .store
        .buildings(CommunityId(community.id))
        .await?
        .into_iter()
        .map(|building| (building.id, building.name))
        .collect();
    Ok(Definition {
        category,
        buildings,
    })
}

async fn service(app: &App, community: &Community, code: &str) -> AppResult<Category> {
    services(app, community)
        .await?
        .into_iter()
        .find(|category| category.code.eq_ignore_ascii_case(code.trim()))
        .ok_or(AppError::NotFound("open311.service_unknown"))
}

/// A report as a client posts it (`POST requests`), every field as sent.
#[derive(Debug, Clone, Default)]
pub struct NewRequest {
    pub api_key: Option<String>,
    pub jurisdiction_id: Option<String>,
    pub service_code: Option<String>,
    pub description: Option<String>,
    pub lat: Option<String>,
    pub long: Option<String>,
    pub address_string: Option<String>,
    pub address_id: Option<String>,
    pub email: Option<String>,
    pub device_id: Option<String>,
    pub account_id: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub phone: Option<String>,
    pub media_url: Option<String>,
    /// `attribute[code]=value`, as sent.
    pub attributes: Vec<(String, String)>,
    /// A photo sent as the multipart part `media`.
    pub media: Option<Vec<u8>>,
}

/// A report taken: the new work order's id and the token that finds it.
#[derive(Debug, Clone)]
pub struct Accepted {
    pub service_request_id: i64,
    pub token: String,
    pub account_id: Option<String>,
    pub category: Category,
}

/// The longest of the client's own free fields (email, device and account ids, URL).
const FIELD_MAX: usize = 500;

/// Takes a report from a client: a work order of channel `open311`, public (a report
/// to a civic platform is made in public), with the reporter as a guest of the desk.
pub async fn submit(app: &App, input: NewRequest) -> AppResult<Accepted> {
    let client = clients::by_key(app, input.api_key.as_deref()).await?;
    let community = jurisdiction(app, input.jurisdiction_id.as_deref(), Some(&client)).await?;
    let code = input
        .service_code
        .as_deref()
        .map(str::trim)
        .filter(|code| !code.is_empty())
        .ok_or(AppError::invalid(
            "open311.service_code_missing",
            "service_code",
        ))?;
    let category = service(app, &community, code).await?;
    let mut checks = FieldChecks::default();
    let description = input
        .description
        .as_deref()
        .map(str::trim)
        .unwrap_or_default();
    if description.chars().count() > DESCRIPTION_MAX {
        checks.refuse(
            linli_domain::ValidationError::too_long("description", DESCRIPTION_MAX).into(),
        )?;
    }
    let coordinates = checks.check(rules::coordinates(
        input.lat.as_deref(),
        input.long.as_deref(),
    ))?;
    for (field, value) in [
        ("email", &input.email),
        ("device_id", &input.device_id),
        ("account_id", &input.account_id),
        ("media_url", &input.media_url),
        ("address_string", &input.address_string),
    ] {
        if value
            .as_deref()
            .is_some_and(|value| value.chars().count() > FIELD_MAX)
        {
            checks.refuse(linli_domain::ValidationError::too_long(field, FIELD_MAX).into())?;
        }
    }
    if input
        .media_url
        .as_deref()
        .map(str::trim)
        .is_some_and(|url| {
            !(url.is_empty() || url.starts_with("https://") || url.starts_with("http://"))
        })
    {
        checks.refuse(AppError::invalid("open311.media_url_invalid", "media_url"))?;
    }
    let building_id = checks
        .check(building_named(app, &community, &input).await)?
        .flatten();
    checks.finish()?;
    let attribute = |code: &str| {
        input
            .attributes
            .iter()
            .find(|(name, _)| name == code)
            .map(|(_, value)| value.trim().to_owned())
            .filter(|value| !value.is_empty())
    };
    // Without a building, what the client wrote of the address keeps the place.
    let place = attribute(PLACE_ATTRIBUTE).or_else(|| {
        building_id
            .is_none()
            .then(|| {
                input
                    .address_string
                    .as_deref()
                    .map(str::trim)
                    .map(str::to_owned)
            })
            .flatten()
            .filter(|address| !address.is_empty())
    });
    let person = app
        .store
        .person(linli_domain::ids::PersonId(client.person_id))
        .await?;
    let caller = Caller::open311_client(client.id, person, CommunityId(community.id));
    let reporter = rules::reporter_name(input.first_name.as_deref(), input.last_name.as_deref())
        .unwrap_or_else(|| format!("{}用户", client.name));
    let report = Report {
        community_id: Some(community.id),
        category_id: Some(category.id),
        description: description.to_owned(),
        building_id,
        place,
        channel: Some(
            linli_domain::work_orders::Channel::Open311
                .as_str()
                .to_owned(),
        ),
        guest_name: Some(reporter.chars().take(40).collect()),
        guest_phone: input.phone.clone().filter(|phone| !phone.trim().is_empty()),
        is_public: Some(true),
        ..Report::default()
    };
    let photos = input.media.clone().into_iter().collect();
    let created = report_with_photos(app, &caller, report, photos)
        .await
        .map_err(|error| match error {
            // The standard names the photo `media`.
            AppError::Invalid {
                code,
                field: "photos",
                args,
                also,
            } => AppError::Invalid {
                code,
                field: "media",
                args,
                also,
            },
            other => other,
        })?;
    let token = linli_store::passwords::new_session_token()
        .map_err(|error| AppError::internal(error.to_string()))?[..32]
        .to_owned();
    let kept = |value: &Option<String>| {
        value
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    app.store
        .add_open311_request(&RequestExtras {
            work_order_id: created.order.id,
            client_id: client.id,
            token: token.clone(),
            address_string: kept(&input.address_string),
            address_id: kept(&input.address_id),
            latitude: coordinates.flatten().map(|point| point.lat),
            longitude: coordinates.flatten().map(|point| point.long),
            email: kept(&input.email),
            first_name: kept(&input.first_name),
            last_name: kept(&input.last_name),
            phone: kept(&input.phone),
            device_id: kept(&input.device_id),
            account_id: kept(&input.account_id),
            media_url: kept(&input.media_url),
        })
        .await?;
    Ok(Accepted {
        service_request_id: created.order.id,
        token,
        account_id: kept(&input.account_id),
        category,
    })
}

/// The building a report names: the `building` attribute, else `address_id` (a
/// building's id), else the building whose name the address mentions (`7号楼`).
async fn building_named(
    app: &App,
    community: &Community,
    input: &NewRequest,
) -> AppResult<Option<i64>> {
    let buildings = app.store.buildings(CommunityId(community.id)).await?;
    let by_id = |raw: &str, field: &'static str| {
        raw.trim()
            .parse::<i64>()
            .ok()
            .filter(|id| buildings.iter().any(|building| building.id == *id))
            .map(Some)
            .ok_or(AppError::invalid("open311.address_unknown", field))
    };
    if let Some((_, raw)) = input
        .attributes
        .iter()
        .find(|(code, value)| code == BUILDING_ATTRIBUTE && !value.trim().is_empty())
    {
        return by_id(raw, "attribute[building]");
    }
    if let Some(raw) = input
        .address_id
        .as_deref()
        .filter(|raw| !raw.trim().is_empty())
    {
        return by_id(raw, "address_id");
    }
    // The longest name first: "17号楼" is not "7号楼".
    let mut by_length: Vec<_> = buildings.iter().collect();
    by_length.sort_by_key(|building| std::cmp::Reverse(building.name.chars().count()));
    Ok(input.address_string.as_deref().and_then(|address| {
        by_length
            .into_iter()
            .find(|building| !building.name.is_empty() && address.contains(building.name.as_str()))
            .map(|building| building.id)
    }))
}

/// A work order as the standard shows it to anyone.
#[derive(Debug, Clone)]
pub struct ServiceRequest {
    pub order: WorkOrderRow,
    pub service_code: String,
    pub service_name: String,
    /// What was raised, anonymised.
    pub description: String,
    /// The latest public word on it (a reply, the resolution, why it was cancelled),
    /// anonymised.
    pub status_notes: Option<String>,
    pub agency_responsible: Option<String>,
    pub address: Option<String>,
    pub expected: Option<DateTime<Utc>>,
    /// Where the client placed it and the photo it linked: never who sent it.
    pub lat: Option<f64>,
    pub long: Option<f64>,
    pub media_url: Option<String>,
    /// The photo the client sent as `media`, which [`media`] serves to anyone (the
    /// answer names its address as `media_url` when the client linked none).
    pub media_photo: Option<i64>,
}

/// `GET requests`: its filters as sent.
#[derive(Debug, Clone, Default)]
pub struct Search {
    pub jurisdiction_id: Option<String>,
    pub service_request_id: Option<String>,
    pub service_code: Option<String>,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    pub status: Option<String>,
    pub page: Option<String>,
    pub page_size: Option<String>,
}

/// The public requests a search finds, newest first. Named ids override every other
/// filter, as the standard says.
pub async fn search(app: &App, search: &Search) -> AppResult<Vec<ServiceRequest>> {
    let community = jurisdiction(app, search.jurisdiction_id.as_deref(), None).await?;
    let ids = rules::request_ids(search.service_request_id.as_deref())?;
    let orders = if ids.is_empty() {
        let statuses = rules::statuses_named(search.status.as_deref())?;
        let (from, to) = rules::date_range(
            search.start_date.as_deref(),
            search.end_date.as_deref(),
            app.now(),
        )?;
        let (page, size) = rules::page(search.page.as_deref(), search.page_size.as_deref())?;
        let category_id = match search
            .service_code
            .as_deref()
            .map(str::trim)
            .filter(|code| !code.is_empty())
        {
            Some(code) => Some(service(app, &community, code).await?.id),
            None => None,
        };
        let mut orders = app
            .store
            .list_work_orders(&WorkOrderFilter {
                communities: vec![community.id],
                statuses,
                category_id,
                public_only: true,
                created_from: Some(from),
                created_to: Some(to),
                order: ListOrder::Newest,
                limit: i64::from(page * size),
                ..WorkOrderFilter::default()
            })
            .await?;
        let skipped = usize::try_from((page - 1) * size).unwrap_or(usize::MAX);
        orders.drain(..skipped.min(orders.len()));
        orders
    } else {
        let mut orders = Vec::with_capacity(ids.len());
        for id in ids {
            match app.store.work_order(id).await {
                Ok(order) if order.community_id == community.id && order.is_public => {
                    orders.push(order)
                }
                Ok(_) | Err(linli_store::StoreError::NotFound(_)) => {}
                Err(error) => return Err(error.into()),
            }
        }
        orders
    };
    shown(app, &community, orders).await
}

/// One public request of the community.
pub async fn one(app: &App, jurisdiction_id: Option<&str>, id: &str) -> AppResult<ServiceRequest> {
    let community = jurisdiction(app, jurisdiction_id, None).await?;
    let id = id
        .trim()
        .parse::<i64>()
        .map_err(|_| AppError::NotFound("open311.request_not_found"))?;
    let order = match app.store.work_order(id).await {
        Ok(order) if order.community_id == community.id && order.is_public => order,
        Ok(_) | Err(linli_store::StoreError::NotFound(_)) => {
            return Err(AppError::NotFound("open311.request_not_found"));
        }
        Err(error) => return Err(error.into()),
    };
    shown(app, &community, vec![order])
        .await?
        .pop()
        .ok_or(AppError::NotFound("open311.request_not_found"))
}

/// The photo a public request was sent with, for anyone (`requests/{id}/media`):
/// what its client published with the report. `open311.media_not_found` for a request
/// without one, or not public, or of another community.
pub async fn media(app: &App, jurisdiction_id: Option<&str>, id: &str) -> AppResult<Vec<u8>> {
    let found = one(app, jurisdiction_id, id).await?;
    let photo = found
        .media_photo
        .ok_or(AppError::NotFound("open311.media_not_found"))?;
    let photo = app.store.photo(photo).await?;
    app.blobs
        .get(&photo.storage_key)
        .await
        .map_err(|error| AppError::blob("reading an Open311 photo", &error))?
        .ok_or(AppError::NotFound("open311.media_not_found"))
}

/// `tokens/{token}`: the request a token stands for (Linli answers with the id at
/// once, so every token already has one).
pub async fn by_token(
    app: &App,
    jurisdiction_id: Option<&str>,
    token: &str,
) -> AppResult<(i64, String)> {
    let community = jurisdiction(app, jurisdiction_id, None).await?;
    let extras = app
        .store
        .open311_request_by_token(token.trim())
        .await?
        .ok_or(AppError::NotFound("open311.token_unknown"))?;
    let order = app.store.work_order(extras.work_order_id).await?;
    if order.community_id != community.id {
        return Err(AppError::NotFound("open311.token_unknown"));
    }
    Ok((order.id, extras.token))
}

/// One entry of mySociety's `servicerequestupdates`.
#[derive(Debug, Clone, PartialEq)]
pub struct Update {
    pub update_id: i64,
    pub service_request_id: i64,
    pub status: &'static str,
    pub updated_datetime: DateTime<Utc>,
    pub description: String,
}

/// The most updates one answer lists.
const UPDATES_MAX: i64 = 1000;

/// The progress of the community's public work orders between two dates.
pub async fn updates(
    app: &App,
    jurisdiction_id: Option<&str>,
    start: Option<&str>,
    end: Option<&str>,
) -> AppResult<Vec<Update>> {
    let community = jurisdiction(app, jurisdiction_id, None).await?;
    let (from, to) = rules::date_range(start, end, app.now())?;
    let events = app
        .store
        .public_events_between(CommunityId(community.id), from, to, UPDATES_MAX)
        .await?;
    let names = known_names(app, &community, &[]).await?;
    Ok(events
        .into_iter()
        .filter_map(|event| {
            let status = EventKind::parse(&event.kind).and_then(rules::update_status)?;
            Some(Update {
                update_id: event.id,
                service_request_id: event.work_order_id,
                status,
                updated_datetime: event.at,
                description: anonymise(event.body.as_deref().unwrap_or_default(), &names),
            })
        })
        .collect())
}

/// Everyone the community knows by name and the guests named on these work orders:
/// what anonymising takes out of public text.
async fn known_names(
    app: &App,
    community: &Community,
    orders: &[WorkOrderRow],
) -> AppResult<Vec<String>> {
    let mut names: Vec<String> = app
        .store
        .people_of(CommunityId(community.id), None, 100_000)
        .await?
        .into_iter()
        .map(|person| person.display_name)
        .collect();
    names.extend(orders.iter().filter_map(|order| order.guest_name.clone()));
    Ok(names)
}

async fn shown(
    app: &App,
    community: &Community,
    orders: Vec<WorkOrderRow>,
) -> AppResult<Vec<ServiceRequest>> {
    if orders.is_empty() {
        return Ok(Vec::new());
    }
    let id = CommunityId(community.id);
    let categories: HashMap<i64, Category> = app
        .store
        .categories(id)
        .await?
        .into_iter()
        .map(|category| (category.id, category))
        .collect();
    let buildings: HashMap<i64, String> = app
        .store
        .buildings(id)
        .await?
        .into_iter()
        .map(|building| (building.id, building.name))
        .collect();
    let agencies: HashMap<i64, String> = app
        .store
        .organisations(id)
        .await?
        .into_iter()
        .map(|organisation| (organisation.id, organisation.name))
        .collect();
    let ids: Vec<i64> = orders.iter().map(|order| order.id).collect();
    let mut extras: HashMap<i64, RequestExtras> = app
        .store
        .open311_requests(&ids)
        .await?
        .into_iter()
        .map(|extras| (extras.work_order_id, extras))
        .collect();
    let media_photos: HashMap<i64, i64> = app
        .store
        .open311_media_photos(&ids)
        .await?
        .into_iter()
        .collect();
    let mut notes: HashMap<i64, String> = HashMap::new();
    for event in app.store.public_event_texts(&ids).await? {
        if EventKind::parse(&event.kind)
            .and_then(rules::update_status)
            .is_some()
            && let Some(body) = event.body
        {
            notes.insert(event.work_order_id, body);
        }
    }
    let names = known_names(app, community, &orders).await?;
    Ok(orders
        .into_iter()
        .map(|order| {
            let category = categories.get(&order.category_id);
            let building = order.building_id.and_then(|id| buildings.get(&id).cloned());
            let address = match (building, order.place.as_deref()) {
                (Some(building), Some(place)) => {
                    Some(format!("{} {building} {place}", community.name))
                }
                (Some(building), None) => Some(format!("{} {building}", community.name)),
                (None, Some(place)) => Some(format!("{} {place}", community.name)),
                (None, None) => None,
            };
            let open = rules::request_status(order.status) == "open";
            let extras = extras.remove(&order.id).unwrap_or_default();
            ServiceRequest {
                service_code: category.map(|c| c.code.clone()).unwrap_or_default(),
                service_name: category.map(|c| c.name.clone()).unwrap_or_default(),
                description: anonymise(&order.description, &names),
                status_notes: notes.remove(&order.id).map(|note| anonymise(&note, &names)),
                agency_responsible: order
                    .lead_organisation_id
                    .and_then(|id| agencies.get(&id).cloned()),
                address,
                expected: if open && order.status != Status::Resolved {
                    order.resolve_deadline.or(order.triage_deadline)
                } else {
                    None
                },
                lat: extras.latitude,
                long: extras.longitude,
                media_url: extras.media_url,
                media_photo: media_photos.get(&order.id).copied(),
                order,
            }
        })
        .collect())
}
