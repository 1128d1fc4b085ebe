//! The standard's records, element by element, from what the use cases answer.

use super::answer::{Answer, Body, Field, Format, Record};
use crate::locale::text;
use crate::state::AppState;
use axum::extract::Request;
use axum::http::StatusCode;
use linli_app::AppResult;
use linli_app::open311::requests::{
    self as use_cases, Accepted, BUILDING_ATTRIBUTE, PLACE_ATTRIBUTE, ServiceRequest, Update,
};
use linli_domain::calendar::TimeLimit;
use linli_domain::open311::request_status;
use linli_store::categories::Category;

fn ok(format: Format, body: Body) -> Answer {
    Answer {
        status: StatusCode::OK,
        format,
        body,
    }
}

/// Where the standard's endpoint is, from how this request reached us.
pub fn discovery(request: &Request, format: Format) -> Answer {
    let site = crate::pages::site_address(request.headers());
    let changeset = "2026-12-05T00:00:00+08:00";
    ok(
        format,
        Body::One {
            root: "discovery",
            record: vec![
                ("changeset", Field::text(changeset)),
                ("contact", Field::text(text("open311.contact", &[]))),
                ("key_service", Field::text(text("open311.key_service", &[]))),
                (
                    "endpoints",
                    Field::Records(
                        "endpoint",
                        vec![vec![
                            (
                                "specification",
                                Field::text("http://wiki.open311.org/GeoReport_v2"),
                            ),
                            ("url", Field::Text(format!("{site}/open311/v2"))),
                            ("changeset", Field::text(changeset)),
                            ("type", Field::text("production")),
                            (
                                "formats",
                                Field::Texts(
                                    "format",
                                    vec!["text/xml".into(), "application/json".into()],
                                ),
                            ),
                        ]],
                    ),
                ),
            ],
        },
    )
}

/// "3个工作日内办结": a category's time limit to resolve, as a notice.
fn notice(category: &Category) -> String {
    let day = TimeLimit::WORKING_DAY_MINUTES;
    let limit = match category.limits().resolve {
        TimeLimit::WorkingMinutes(minutes) if minutes % day == 0 => text(
            "open311.notice_working_days",
            &[("days", (minutes / day).to_string())],
        ),
        TimeLimit::WorkingMinutes(minutes) => text(
            "open311.notice_working_hours",
            &[("hours", minutes.div_ceil(60).to_string())],
        ),
        TimeLimit::CalendarMinutes(minutes) => text(
            "open311.notice_hours",
            &[("hours", minutes.div_ceil(60).to_string())],
        ),
        TimeLimit::SameWorkingDay => text("open311.notice_same_day", &[]),
    };
    text("open311.notice", &[("limit", limit)])
}

pub async fn services(
    state: &AppState,
    jurisdiction: Option<&str>,
    format: Format,
) -> AppResult<Answer> {
    let community = linli_app::open311::jurisdiction(state, jurisdiction, None).await?;
    let records = use_cases::services(state, &community)
        .await?
        .into_iter()
        .map(|category| {
            vec![
                ("service_code", Field::text(category.code.clone())),
                ("service_name", Field::text(category.name.clone())),
                ("description", Field::Text(notice(&category))),
                ("metadata", Field::Bool(true)),
                ("type", Field::text("realtime")),
                ("keywords", Field::text(category.name_en.clone())),
                ("group", Field::text(community.name.clone())),
            ]
        })
        .collect();
    Ok(ok(
        format,
        Body::List {
            root: "services",
            item: "service",
            records,
        },
    ))
}

pub async fn definition(
    state: &AppState,
    jurisdiction: Option<&str>,
    code: &str,
    format: Format,
) -> AppResult<Answer> {
    let community = linli_app::open311::jurisdiction(state, jurisdiction, None).await?;
    let definition = use_cases::definition(state, &community, code).await?;
    let values = definition
        .buildings
        .into_iter()
        .map(|(id, name)| {
            vec![
                ("key", Field::Text(id.to_string())),
                ("name", Field::Text(name)),
            ]
        })
        .collect();
    let attribute = |code: &'static str,
                     datatype: &'static str,
                     order: i64,
                     description: String,
                     values: Option<Vec<Record>>| {
        let mut record = vec![
            ("variable", Field::Bool(true)),
            ("code", Field::text(code)),
            ("datatype", Field::text(datatype)),
            ("required", Field::Bool(false)),
            ("datatype_description", Field::Null),
            ("order", Field::Int(order)),
            ("description", Field::Text(description)),
        ];
        if let Some(values) = values {
            record.push(("values", Field::Records("value", values)));
        }
        record
    };
    Ok(ok(
        format,
        Body::One {
            root: "service_definition",
            record: vec![
                ("service_code", Field::text(definition.category.code)),
                (
                    "attributes",
                    Field::Records(
                        "attribute",
                        vec![
                            attribute(
                                BUILDING_ATTRIBUTE,
                                "singlevaluelist",
                                1,
                                text("open311.attribute_building", &[]),
                                Some(values),
                            ),
                            attribute(
                                PLACE_ATTRIBUTE,
                                "string",
                                2,
                                text("open311.attribute_place", &[]),
                                None,
                            ),
                        ],
                    ),
                ),
            ],
        },
    ))
}

fn request_record(found: ServiceRequest, site: &str) -> Record {
    let order = found.order;
    // A photo the client sent with the report is served here; a link it sent instead
    // is passed on as it came.
    let media_url = found.media_url.or_else(|| {
        found
            .media_photo
            .map(|_| format!("{site}/open311/v2/requests/{}/media", order.id))
    });
    vec![
        ("service_request_id", Field::Text(order.id.to_string())),
        ("status", Field::text(request_status(order.status))),
        ("status_notes", Field::optional(found.status_notes)),
        ("service_name", Field::Text(found.service_name)),
        ("service_code", Field::Text(found.service_code)),
        ("description", Field::Text(found.description)),
        (
            "agency_responsible",
            Field::optional(found.agency_responsible),
        ),
        ("service_notice", Field::Null),
        ("requested_datetime", Field::time(order.created_at)),
        ("updated_datetime", Field::time(order.updated_at)),
        ("expected_datetime", Field::optional_time(found.expected)),
        ("address", Field::optional(found.address)),
        (
            "address_id",
            Field::optional(order.building_id.map(|id| id.to_string())),
        ),
        ("zipcode", Field::Null),
        ("lat", found.lat.map_or(Field::Null, Field::Float)),
        ("long", found.long.map_or(Field::Null, Field::Float)),
        ("media_url", Field::optional(media_url)),
    ]
}

pub fn requests(found: Vec<ServiceRequest>, site: &str, format: Format) -> Answer {
    ok(
        format,
        Body::List {
            root: "service_requests",
            item: "request",
            records: found
                .into_iter()
                .map(|found| request_record(found, site))
                .collect(),
        },
    )
}

pub fn accepted(accepted: Accepted, format: Format) -> Answer {
    Answer {
        status: StatusCode::CREATED,
        format,
        body: Body::List {
            root: "service_requests",
            item: "request",
            records: vec![vec![
                (
                    "service_request_id",
                    Field::Text(accepted.service_request_id.to_string()),
                ),
                ("token", Field::Text(accepted.token)),
                ("service_notice", Field::Text(notice(&accepted.category))),
                ("account_id", Field::optional(accepted.account_id)),
            ]],
        },
    }
}

pub fn token(id: i64, token: String, format: Format) -> Answer {
    ok(
        format,
        Body::List {
            root: "service_requests",
            item: "request",
            records: vec![vec![
                ("service_request_id", Field::Text(id.to_string())),
                ("token", Field::Text(token)),
            ]],
        },
    )
}

pub fn updates(updates: Vec<Update>, format: Format) -> Answer {
    ok(
        format,
        Body::List {
            root: "service_request_updates",
            item: "request_update",
            records: updates
                .into_iter()
                .map(|update| {
                    vec![
                        ("update_id", Field::Text(update.update_id.to_string())),
                        (
                            "service_request_id",
                            Field::Text(update.service_request_id.to_string()),
                        ),
                        ("status", Field::text(update.status)),
                        ("updated_datetime", Field::time(update.updated_datetime)),
                        ("description", Field::Text(update.description)),
                        ("media_url", Field::Null),
                    ]
                })
                .collect(),
        },
    )
}
