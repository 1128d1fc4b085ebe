//! `/open311/v2`: Open311 GeoReport v2 with mySociety's `servicerequestupdates`
//! extension, in JSON and XML. Real clients send what they send: an empty or missing
//! `jurisdiction_id`, trailing and doubled slashes, `.JSON`, form-encoded, JSON or
//! multipart bodies; all are taken. Paths are read here rather than by the router so
//! that every such spelling reaches the same handler.

mod answer;
mod body;
pub mod clients;
mod records;

use crate::error::ApiError;
use crate::state::AppState;
use answer::{Answer, Body, Field, Format};
use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use linli_app::open311::requests::{self as use_cases, Search};
use linli_app::{AppError, Refusal};

/// `/open311/…` in every spelling; photos come in the same request as the report.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/open311", any(dispatch))
        .route("/open311/{*rest}", any(dispatch))
        .layer(DefaultBodyLimit::max(crate::photos::MAX_UPLOAD_BYTES))
}

/// What a path names, with the id or code it carries.
#[derive(Debug, PartialEq, Eq)]
enum Endpoint<'a> {
    Discovery,
    Services,
    Service(&'a str),
    Requests,
    Request(&'a str),
    /// `requests/{id}/media`: the photo the request was sent with.
    Media(&'a str),
    Token(&'a str),
    Updates,
}

/// Reads `/open311/v2/services/noise.XML/` and its kin: empty segments are dropped, the
/// version is optional for discovery, the suffix's case does not matter. Without a
/// suffix the answer is XML, the standard's first format.
fn endpoint(path: &str) -> Option<(Endpoint<'_>, Format)> {
    let mut segments = path.split('/').filter(|segment| !segment.is_empty());
    if !segments.next()?.eq_ignore_ascii_case("open311") {
        return None;
    }
    let mut rest: Vec<&str> = segments.collect();
    if rest
        .first()
        .is_some_and(|first| first.eq_ignore_ascii_case("v2"))
    {
        rest.remove(0);
    }
    let (last, format) = Format::split(rest.pop()?);
    let format = format.unwrap_or(Format::Xml);
    let named = |word: &str| rest.len() == 1 && rest[0].eq_ignore_ascii_case(word);
    if rest.len() == 2
        && rest[0].eq_ignore_ascii_case("requests")
        && last.eq_ignore_ascii_case("media")
    {
        return Some((Endpoint::Media(rest[1]), format));
    }
    let found = match (rest.is_empty(), last.to_ascii_lowercase().as_str()) {
        (true, "discovery") => Endpoint::Discovery,
        (true, "services") => Endpoint::Services,
        (true, "requests") => Endpoint::Requests,
        (true, "servicerequestupdates") => Endpoint::Updates,
        (false, _) if named("services") => Endpoint::Service(last),
        (false, _) if named("requests") => Endpoint::Request(last),
        (false, _) if named("tokens") => Endpoint::Token(last),
        _ => return None,
    };
    Some((found, format))
}

/// The standard's error answer: `[{code, description}]`, or `<errors><error>…`. The
/// description says what is wrong in the caller's language and ends with Linli's
/// stable code.
fn error_answer(format: Format, error: AppError) -> Answer {
    let status = match &error {
        AppError::Invalid { .. } | AppError::TooLarge(_) | AppError::Unsupported(_) => {
            StatusCode::BAD_REQUEST
        }
        AppError::Refused {
            refusal: Refusal::TooSoon { .. },
            ..
        } => StatusCode::TOO_MANY_REQUESTS,
        AppError::Refused { .. } => StatusCode::FORBIDDEN,
        AppError::NotFound(_) => StatusCode::NOT_FOUND,
        AppError::Conflict(_) => StatusCode::CONFLICT,
        AppError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    };
    let api = ApiError::from(error);
    let description = match api.field {
        Some(field) => format!("{field}: {} ({})", api.message(), api.code),
        None => format!("{} ({})", api.message(), api.code),
    };
    Answer {
        status,
        format,
        body: Body::List {
            root: "errors",
            item: "error",
            records: vec![vec![
                ("code", Field::Int(i64::from(status.as_u16()))),
                ("description", Field::Text(description)),
            ]],
        },
    }
}

/// The query string's parameters; a repeated one keeps its first value.
fn query_of(request: &Request) -> Vec<(String, String)> {
    request
        .uri()
        .query()
        .map(|query| {
            form_urlencoded::parse(query.as_bytes())
                .into_owned()
                .collect()
        })
        .unwrap_or_default()
}

fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
}

async fn dispatch(State(state): State<AppState>, request: Request) -> Response {
    let path = request.uri().path().to_owned();
    let Some((endpoint, format)) = endpoint(&path) else {
        return error_answer(Format::Xml, AppError::NotFound("open311.endpoint_unknown"))
            .into_response();
    };
    let method = request.method().clone();
    let query = query_of(&request);
    if let Some(field) = crate::input_text::refused_parameter(&query) {
        let refused = AppError::invalid("validation.control_characters", field);
        return error_answer(format, refused).into_response();
    }
    let jurisdiction = param(&query, "jurisdiction_id").map(str::to_owned);
    // Where this site was reached, for the addresses of photos in the answers.
    let site = crate::pages::site_address(request.headers());
    let answered = match (endpoint, method) {
        (Endpoint::Media(id), Method::GET) => {
            return match use_cases::media(&state, jurisdiction.as_deref(), id).await {
                Ok(bytes) => (
                    [
                        (header::CONTENT_TYPE, "image/jpeg"),
                        (header::CACHE_CONTROL, "public, max-age=3600"),
                    ],
                    bytes,
                )
                    .into_response(),
                Err(error) => error_answer(format, error).into_response(),
            };
        }
        (Endpoint::Discovery, Method::GET) => Ok(records::discovery(&request, format)),
        (Endpoint::Services, Method::GET) => {
            records::services(&state, jurisdiction.as_deref(), format).await
        }
        (Endpoint::Service(code), Method::GET) => {
            records::definition(&state, jurisdiction.as_deref(), code, format).await
        }
        (Endpoint::Requests, Method::GET) => {
            let search = Search {
                jurisdiction_id: jurisdiction,
                service_request_id: param(&query, "service_request_id").map(str::to_owned),
                service_code: param(&query, "service_code").map(str::to_owned),
                start_date: param(&query, "start_date").map(str::to_owned),
                end_date: param(&query, "end_date").map(str::to_owned),
                status: param(&query, "status").map(str::to_owned),
                page: param(&query, "page").map(str::to_owned),
                page_size: param(&query, "page_size").map(str::to_owned),
            };
            use_cases::search(&state, &search)
                .await
                .map(|found| records::requests(found, &site, format))
        }
        (Endpoint::Requests, Method::POST) => match body::new_request(&state, request, query).await
        {
            Ok(input) => use_cases::submit(&state, input)
                .await
                .map(|accepted| records::accepted(accepted, format)),
            Err(error) => Err(error),
        },
        (Endpoint::Request(id), Method::GET) => use_cases::one(&state, jurisdiction.as_deref(), id)
            .await
            .map(|found| records::requests(vec![found], &site, format)),
        (Endpoint::Token(token), Method::GET) => {
            use_cases::by_token(&state, jurisdiction.as_deref(), token)
                .await
                .map(|(id, token)| records::token(id, token, format))
        }
        (Endpoint::Updates, Method::GET) => use_cases::updates(
            &state,
            jurisdiction.as_deref(),
            param(&query, "start_date"),
            param(&query, "end_date"),
        )
        .await
        .map(|updates| records::updates(updates, format)),
        (_, _) => {
            let mut refused =
                error_answer(format, AppError::NotFound("open311.method_not_allowed"));
            refused.status = StatusCode::METHOD_NOT_ALLOWED;
            return refused.into_response();
        }
    };
    let mut response = answered
        .unwrap_or_else(|error| error_answer(format, error))
        .into_response();
    // Answers are public and change with every report: no shared cache keeps them.
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-cache"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spelling_real_clients_send_reaches_its_endpoint() {
        assert_eq!(
            endpoint("/open311/v2/services.json"),
            Some((Endpoint::Services, Format::Json))
        );
        assert_eq!(
            endpoint("/open311//v2//services.JSON/"),
            Some((Endpoint::Services, Format::Json))
        );
        assert_eq!(
            endpoint("/open311/v2/requests/42.Xml"),
            Some((Endpoint::Request("42"), Format::Xml))
        );
        assert_eq!(
            endpoint("/open311/discovery.json"),
            Some((Endpoint::Discovery, Format::Json))
        );
        assert_eq!(
            endpoint("/open311/v2/tokens/ab12.json"),
            Some((Endpoint::Token("ab12"), Format::Json))
        );
        assert_eq!(
            endpoint("/open311/v2/services/noise.xml"),
            Some((Endpoint::Service("noise"), Format::Xml))
        );
        assert_eq!(
            endpoint("/open311/v2/requests"),
            Some((Endpoint::Requests, Format::Xml))
        );
        assert_eq!(
            endpoint("/open311/v2/servicerequestupdates.json"),
            Some((Endpoint::Updates, Format::Json))
        );
        assert_eq!(endpoint("/open311/v2/unknown.json"), None);
        assert_eq!(endpoint("/open311/v2/a/b/c.json"), None);
        assert_eq!(endpoint("/open311"), None);
    }
}
