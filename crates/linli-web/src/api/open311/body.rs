//! A `POST requests` body in whichever form a client sends it: form-encoded (what the
//! standard shows and FixMyStreet sends), JSON, or multipart with the photo as `media`.
//! Parameters in the query string count too (some clients put `api_key` there).

use crate::state::AppState;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::header;
use linli_app::AppError;
use linli_app::open311::requests::NewRequest;
use serde_json::Value;

pub async fn new_request(
    state: &AppState,
    request: Request,
    query: Vec<(String, String)>,
) -> Result<NewRequest, AppError> {
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let mut params: Vec<(String, String)> = Vec::new();
    let mut media = None;
    if content_type.starts_with("multipart/form-data") {
        let mut multipart = Multipart::from_request(request, state)
            .await
            .map_err(|_| AppError::invalid("open311.body_unreadable", "body"))?;
        while let Some(part) = multipart
            .next_field()
            .await
            .map_err(|_| AppError::invalid("open311.body_unreadable", "body"))?
        {
            let name = part.name().unwrap_or_default().to_owned();
            let bytes = part
                .bytes()
                .await
                .map_err(|_| AppError::TooLarge("photo.too_large"))?;
            if name == "media" {
                if !bytes.is_empty() {
                    media = Some(bytes.to_vec());
                }
            } else {
                let text = String::from_utf8(bytes.to_vec())
                    .map_err(|_| AppError::invalid("open311.body_unreadable", "body"))?;
                params.push((name, text));
            }
        }
    } else {
        let bytes = axum::body::to_bytes(request.into_body(), crate::JSON_BODY_LIMIT)
            .await
            .map_err(|_| AppError::TooLarge("request.too_large"))?;
        if content_type.starts_with("application/json") {
            let value: Value = serde_json::from_slice(&bytes)
                .map_err(|_| AppError::invalid("open311.body_unreadable", "body"))?;
            let Value::Object(fields) = value else {
                return Err(AppError::invalid("open311.body_unreadable", "body"));
            };
            for (name, value) in fields {
                match value {
                    // `"attribute": {"building": "12"}`
                    Value::Object(attributes) if name == "attribute" => {
                        for (code, value) in attributes {
                            params.push((format!("attribute[{code}]"), plain(value)));
                        }
                    }
                    value => params.push((name, plain(value))),
                }
            }
        } else {
            params.extend(form_urlencoded::parse(&bytes).into_owned());
        }
    }
    params.extend(query);
    if let Some(field) = crate::input_text::refused_parameter(&params) {
        return Err(AppError::invalid("validation.control_characters", field));
    }
    Ok(read(params, media))
}

/// A JSON value as the text a form would have carried.
fn plain(value: Value) -> String {
    match value {
        Value::String(text) => text,
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn read(params: Vec<(String, String)>, media: Option<Vec<u8>>) -> NewRequest {
    let get = |name: &str| {
        params
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
    };
    let attributes = params
        .iter()
        .filter_map(|(key, value)| {
            key.strip_prefix("attribute[")
                .and_then(|rest| rest.strip_suffix(']'))
                .map(|code| (code.to_owned(), value.clone()))
        })
        .collect();
    NewRequest {
        api_key: get("api_key"),
        jurisdiction_id: get("jurisdiction_id"),
        service_code: get("service_code"),
        description: get("description"),
        lat: get("lat"),
        long: get("long"),
        address_string: get("address_string"),
        address_id: get("address_id"),
        email: get("email"),
        device_id: get("device_id"),
        account_id: get("account_id"),
        first_name: get("first_name"),
        last_name: get("last_name"),
        phone: get("phone"),
        media_url: get("media_url"),
        attributes,
        media,
    }
}
