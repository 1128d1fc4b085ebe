//! Meetings as an iCalendar feed (RFC 5545) that phone calendars subscribe to: times in
//! Asia/Shanghai (with its VTIMEZONE), a SEQUENCE raised whenever a meeting moves, and
//! STATUS:CANCELLED when it is called off.

use crate::calendar::shanghai;
use chrono::{DateTime, Utc};

/// One meeting as the feed shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedEvent {
    /// Stable across changes: the calendar updates the same event.
    pub uid: String,
    pub summary: String,
    pub location: String,
    pub description: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub sequence: i64,
    pub cancelled: bool,
    /// When the meeting last changed (DTSTAMP/LAST-MODIFIED).
    pub updated_at: DateTime<Utc>,
}

const TIMEZONE: &str = "BEGIN:VTIMEZONE\r\nTZID:Asia/Shanghai\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\nTZOFFSETFROM:+0800\r\nTZOFFSETTO:+0800\r\nTZNAME:CST\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n";

/// The whole calendar, lines ending in CRLF and folded at 75 octets.
pub fn calendar(name: &str, events: &[FeedEvent]) -> String {
    let mut out = String::new();
    for line in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Linli//Joint meetings//ZH",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ] {
        push(&mut out, line);
    }
    push(&mut out, &format!("X-WR-CALNAME:{}", escape(name)));
    push(&mut out, "X-WR-TIMEZONE:Asia/Shanghai");
    out.push_str(TIMEZONE);
    for event in events {
        push(&mut out, "BEGIN:VEVENT");
        push(&mut out, &format!("UID:{}", event.uid));
        push(&mut out, &format!("DTSTAMP:{}", utc(event.updated_at)));
        push(
            &mut out,
            &format!("LAST-MODIFIED:{}", utc(event.updated_at)),
        );
        push(
            &mut out,
            &format!("DTSTART;TZID=Asia/Shanghai:{}", local(event.starts_at)),
        );
        push(
            &mut out,
            &format!("DTEND;TZID=Asia/Shanghai:{}", local(event.ends_at)),
        );
        push(&mut out, &format!("SEQUENCE:{}", event.sequence));
        push(
            &mut out,
            if event.cancelled {
                "STATUS:CANCELLED"
            } else {
                "STATUS:CONFIRMED"
            },
        );
        push(&mut out, &format!("SUMMARY:{}", escape(&event.summary)));
        push(&mut out, &format!("LOCATION:{}", escape(&event.location)));
        if !event.description.is_empty() {
            push(
                &mut out,
                &format!("DESCRIPTION:{}", escape(&event.description)),
            );
        }
        push(&mut out, "END:VEVENT");
    }
    push(&mut out, "END:VCALENDAR");
    out
}

fn utc(time: DateTime<Utc>) -> String {
    time.format("%Y%m%dT%H%M%SZ").to_string()
}

fn local(time: DateTime<Utc>) -> String {
    time.with_timezone(&shanghai())
        .format("%Y%m%dT%H%M%S")
        .to_string()
}

/// TEXT values escape backslash, semicolon, comma and newlines (RFC 5545 §3.3.11).
fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => escaped.push_str("\\\\"),
            ';' => escaped.push_str("\\;"),
            ',' => escaped.push_str("\\,"),
            '\n' => escaped.push_str("\\n"),
            '\r' => {}
            c => escaped.push(c),
        }
    }
    escaped
}

/// Appends a content line folded at 75 octets, never inside a UTF-8 character.
fn push(out: &mut String, line: &str) {
    let mut width = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += len;
    }
    out.push_str("\r\n");
}
