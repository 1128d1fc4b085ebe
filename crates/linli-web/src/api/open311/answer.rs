//! One answer, two formats: every Open311 answer is built once as records of named
//! fields and written as JSON or as XML with the standard's element names.

use crate::api::content::feed::escape_xml;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

/// The format a path's suffix asks for (`.json`, `.XML`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Xml,
}

impl Format {
    /// Splits `services.JSON` into `services` and its format; without a known suffix the
    /// whole segment and `None`.
    pub fn split(segment: &str) -> (&str, Option<Self>) {
        if let Some((stem, suffix)) = segment.rsplit_once('.') {
            if suffix.eq_ignore_ascii_case("json") {
                return (stem, Some(Self::Json));
            }
            if suffix.eq_ignore_ascii_case("xml") {
                return (stem, Some(Self::Xml));
            }
        }
        (segment, None)
    }
}

/// A field's value.
#[derive(Debug, Clone)]
pub enum Field {
    Text(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    Null,
    /// A list of plain values, each in an element of its own name (`formats/format`).
    Texts(&'static str, Vec<String>),
    /// A list of records, each in an element of its own name (`attributes/attribute`).
    Records(&'static str, Vec<Record>),
}

impl Field {
    pub fn text(value: impl Into<String>) -> Self {
        Self::Text(value.into())
    }

    pub fn optional(value: Option<impl Into<String>>) -> Self {
        value.map_or(Self::Null, |value| Self::Text(value.into()))
    }

    /// A W3C datetime in China's time, as the office reads it.
    pub fn time(at: DateTime<Utc>) -> Self {
        Self::Text(
            at.with_timezone(&linli_domain::calendar::shanghai())
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
        )
    }

    pub fn optional_time(at: Option<DateTime<Utc>>) -> Self {
        at.map_or(Self::Null, Self::time)
    }
}

pub type Record = Vec<(&'static str, Field)>;

/// What an answer holds: a list (`service_requests/request`), or one record
/// (`service_definition`, `discovery`).
pub enum Body {
    List {
        root: &'static str,
        item: &'static str,
        records: Vec<Record>,
    },
    One {
        root: &'static str,
        record: Record,
    },
}

pub struct Answer {
    pub status: StatusCode,
    pub format: Format,
    pub body: Body,
}

fn json_of(record: Record) -> Value {
    let mut object = Map::new();
    for (name, field) in record {
        let value = match field {
            Field::Text(text) => Value::String(text),
            Field::Int(number) => json!(number),
            Field::Float(number) => json!(number),
            Field::Bool(flag) => Value::Bool(flag),
            Field::Null => Value::Null,
            Field::Texts(_, texts) => json!(texts),
            Field::Records(_, records) => Value::Array(records.into_iter().map(json_of).collect()),
        };
        object.insert(name.to_owned(), value);
    }
    Value::Object(object)
}

fn write_xml(out: &mut String, record: Record) {
    for (name, field) in record {
        out.push('<');
        out.push_str(name);
        out.push('>');
        match field {
            Field::Text(text) => out.push_str(&escape_xml(&text)),
            Field::Int(number) => out.push_str(&number.to_string()),
            Field::Float(number) => out.push_str(&number.to_string()),
            Field::Bool(flag) => out.push_str(if flag { "true" } else { "false" }),
            Field::Null => {}
            Field::Texts(item, texts) => {
                for text in texts {
                    out.push_str(&format!("<{item}>{}</{item}>", escape_xml(&text)));
                }
            }
            Field::Records(item, records) => {
                for record in records {
                    out.push_str(&format!("<{item}>"));
                    write_xml(out, record);
                    out.push_str(&format!("</{item}>"));
                }
            }
        }
        out.push_str("</");
        out.push_str(name);
        out.push('>');
    }
}

impl IntoResponse for Answer {
    fn into_response(self) -> Response {
        let (content_type, text) = match self.format {
            Format::Json => {
                let value = match self.body {
                    Body::List { records, .. } => {
                        Value::Array(records.into_iter().map(json_of).collect())
                    }
                    Body::One { record, .. } => json_of(record),
                };
                ("application/json; charset=utf-8", value.to_string())
            }
            Format::Xml => {
                let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>");
                match self.body {
                    Body::List {
                        root,
                        item,
                        records,
                    } => {
                        out.push_str(&format!("<{root}>"));
                        for record in records {
                            out.push_str(&format!("<{item}>"));
                            write_xml(&mut out, record);
                            out.push_str(&format!("</{item}>"));
                        }
                        out.push_str(&format!("</{root}>"));
                    }
                    Body::One { root, record } => {
                        out.push_str(&format!("<{root}>"));
                        write_xml(&mut out, record);
                        out.push_str(&format!("</{root}>"));
                    }
                }
                ("text/xml; charset=utf-8", out)
            }
        };
        let mut response = (self.status, text).into_response();
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suffixes_are_read_in_any_case() {
        assert_eq!(
            Format::split("services.JSON"),
            ("services", Some(Format::Json))
        );
        assert_eq!(Format::split("4242.Xml"), ("4242", Some(Format::Xml)));
        assert_eq!(Format::split("services"), ("services", None));
        assert_eq!(Format::split("a.b.json"), ("a.b", Some(Format::Json)));
    }

    #[test]
    fn xml_nests_lists_under_their_item_names_and_escapes_text() {
        let mut out = String::new();
        write_xml(
            &mut out,
            vec![
                ("code", Field::text("<a&b>")),
                ("formats", Field::Texts("format", vec!["text/xml".into()])),
                (
                    "values",
                    Field::Records("value", vec![vec![("key", Field::Int(7))]]),
                ),
                ("lat", Field::Null),
            ],
        );
        assert_eq!(
            out,
            "<code>&lt;a&amp;b&gt;</code><formats><format>text/xml</format></formats>\
             <values><value><key>7</key></value></values><lat></lat>"
        );
    }
}
