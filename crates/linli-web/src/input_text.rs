//! Text that no field may hold, refused at the door of every request — the query, a JSON
//! or urlencoded body, a page's multipart form — before any handler reads it: NUL and
//! the other control characters. PostgreSQL cannot store a NUL in text at all (it
//! answered 500 while SQLite stored it), and the rest have no business in what people
//! type. Newline, carriage return and tab pass here, since multi-line texts (a
//! description, minutes) hold them; the domain refuses them in one-line values (names,
//! titles). Doing it here, once, covers every operation alike on both engines, and the
//! refusal names the field: `422 validation.control_characters`.

use crate::error::ApiError;
use crate::pages::PageError;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use percent_encoding::percent_decode;
use serde_json::Value;
use std::collections::HashSet;
use std::sync::{Mutex, OnceLock};

/// Whether a character may not be in any text: the control characters (C0, DEL, C1)
/// other than the line breaks and the tab.
pub fn is_refused(character: char) -> bool {
    character.is_control() && !matches!(character, '\n' | '\r' | '\t')
}

/// JSON and urlencoded bodies are small on every route (only multipart uploads may be
/// larger), so a longer one is refused here as it would be by the extractor, before it
/// is held in memory.
const LARGEST_BODY_READ: usize = crate::JSON_BODY_LIMIT;

pub async fn refuse_control_characters(request: Request, next: Next) -> Response {
    // Open311 answers in the standard's own error format (JSON or XML by the path's
    // suffix) and checks its parameters itself (`api::open311`).
    if request.uri().path().starts_with("/open311") {
        return next.run(request).await;
    }
    let api = request.uri().path().starts_with("/api/");
    let refuse = |field: &str| refusal(api, field);
    if let Some(query) = request.uri().query()
        && let Some(field) = urlencoded_field_with_refused_text(query.as_bytes(), "query")
    {
        return refuse(&field);
    }
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let json = content_type.starts_with("application/json");
    let urlencoded = content_type.starts_with("application/x-www-form-urlencoded");
    if !(json || urlencoded) {
        // Multipart forms are checked part by part where they are read
        // (`pages::home::read_multipart`); other bodies are files.
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, LARGEST_BODY_READ).await else {
        return if api {
            ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "request.too_large").into_response()
        } else {
            PageError::Shown(ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "request.too_large",
            ))
            .into_response()
        };
    };
    let field = if json {
        // A body that is not JSON is the extractor's to refuse, with its own words.
        serde_json::from_slice::<Value>(&bytes)
            .ok()
            .and_then(|value| json_field_with_refused_text(&value, ""))
    } else {
        urlencoded_field_with_refused_text(&bytes, "form")
    };
    if let Some(field) = field {
        return refuse(&field);
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

fn refusal(api: bool, field: &str) -> Response {
    let error = ApiError::invalid_field("validation.control_characters", field_name(field));
    if api {
        error.into_response()
    } else {
        PageError::Shown(error).into_response()
    }
}

/// The first field (a dotted path: `items[2].text`) whose name or text holds a refused
/// character.
fn json_field_with_refused_text(value: &Value, path: &str) -> Option<String> {
    match value {
        Value::String(text) => text
            .chars()
            .any(is_refused)
            .then(|| non_empty(path, "body")),
        Value::Array(items) => items.iter().enumerate().find_map(|(index, item)| {
            json_field_with_refused_text(item, &format!("{path}[{index}]"))
        }),
        Value::Object(fields) => fields.iter().find_map(|(name, item)| {
            let path = if path.is_empty() {
                name.clone()
            } else {
                format!("{path}.{name}")
            };
            if name.chars().any(is_refused) {
                return Some(path);
            }
            json_field_with_refused_text(item, &path)
        }),
        Value::Null | Value::Bool(_) | Value::Number(_) => None,
    }
}

/// The first name of `a=1&b=2` whose name or value holds a refused character (`whole`
/// when the name itself cannot be shown).
fn urlencoded_field_with_refused_text(encoded: &[u8], whole: &str) -> Option<String> {
    encoded
        .split(|byte| *byte == b'&')
        .filter(|pair| !pair.is_empty())
        .find_map(|pair| {
            let (name, value) = match pair.iter().position(|byte| *byte == b'=') {
                Some(at) => (&pair[..at], &pair[at + 1..]),
                None => (pair, &b""[..]),
            };
            let name = decode_form_component(name);
            let value = decode_form_component(value);
            let refused = |text: &str| text.chars().any(is_refused);
            if refused(&name) {
                Some(whole.to_owned())
            } else if refused(&value) {
                Some(non_empty(&name, whole))
            } else {
                None
            }
        })
}

/// A form component as text (`+` is a space); bytes that are not UTF-8 are left for the
/// extractor to refuse.
fn decode_form_component(raw: &[u8]) -> String {
    let spaced: Vec<u8> = raw
        .iter()
        .map(|byte| if *byte == b'+' { b' ' } else { *byte })
        .collect();
    percent_decode(&spaced).decode_utf8_lossy().into_owned()
}

fn non_empty(text: &str, otherwise: &str) -> String {
    if text.is_empty() {
        otherwise.to_owned()
    } else {
        text.to_owned()
    }
}

/// Field names live as long as the program ([`ApiError`]'s field is `&'static str`, like
/// the names the use cases give). The names met here are the API's and the forms' own,
/// a few hundred at most; a client that sends made-up names fills at most
/// `MAX_FIELD_NAMES` of at most `MAX_FIELD_NAME_LENGTH` bytes, and after that its
/// refusals name the whole `body`.
pub(crate) fn field_name(name: &str) -> &'static str {
    const MAX_FIELD_NAMES: usize = 2048;
    const MAX_FIELD_NAME_LENGTH: usize = 64;
    static NAMES: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    if name.len() > MAX_FIELD_NAME_LENGTH {
        return "body";
    }
    let Ok(mut names) = NAMES.get_or_init(Mutex::default).lock() else {
        return "body";
    };
    if let Some(known) = names.get(name) {
        return known;
    }
    if names.len() >= MAX_FIELD_NAMES {
        return "body";
    }
    let kept: &'static str = Box::leak(name.to_owned().into_boxed_str());
    names.insert(kept);
    kept
}

/// The first parameter whose name or text holds a refused character.
pub fn refused_parameter(params: &[(String, String)]) -> Option<&'static str> {
    params
        .iter()
        .find(|(name, value)| name.chars().any(is_refused) || value.chars().any(is_refused))
        .map(|(name, _)| field_name(name))
}

/// A multipart form's text part, checked as the urlencoded forms are.
pub fn check_form_part(name: &str, value: &str) -> Result<(), ApiError> {
    if name.chars().any(is_refused) || value.chars().any(is_refused) {
        return Err(ApiError::invalid_field(
            "validation.control_characters",
            field_name(name),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_breaks_and_tabs_pass_other_control_characters_do_not() {
        assert!(!"第一行\r\n第二行\t".chars().any(is_refused));
        for refused in ['\u{0}', '\u{1b}', '\u{7f}', '\u{85}'] {
            assert!(is_refused(refused), "{refused:?}");
        }
    }

    #[test]
    fn names_the_field_in_json() {
        let body = serde_json::json!({ "title": "ok", "items": [{ "text": "ok" }, { "text": "a\u{0}b" }] });
        assert_eq!(
            json_field_with_refused_text(&body, "").as_deref(),
            Some("items[1].text")
        );
        let fine = serde_json::json!({ "description": "第一行\n第二行", "n": 1 });
        assert_eq!(json_field_with_refused_text(&fine, ""), None);
    }

    #[test]
    fn names_the_field_in_a_query_or_form() {
        assert_eq!(
            urlencoded_field_with_refused_text(b"limit=5&q=%E7%8C%AB%00", "query").as_deref(),
            Some("q")
        );
        assert_eq!(
            urlencoded_field_with_refused_text(b"text=a+b%0A%09c", "form"),
            None
        );
        assert_eq!(
            urlencoded_field_with_refused_text(b"a%00=1", "query").as_deref(),
            Some("query")
        );
    }
}
