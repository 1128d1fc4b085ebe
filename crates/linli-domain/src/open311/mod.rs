//! Open311 GeoReport v2 (<https://wiki.open311.org/GeoReport_v2>): how Linli's statuses,
//! timeline and inputs read in the standard's terms. A report through Open311 is an
//! ordinary work order; these rules only translate.

use crate::ValidationError;
use crate::work_orders::{EventKind, Status};
use chrono::{DateTime, Duration, NaiveDate, Utc};

#[cfg(test)]
mod tests;

/// The longest description the standard's clients send (GeoReport v2 says 4,000).
pub const DESCRIPTION_MAX: usize = 4000;
/// The most requests one page answers.
pub const PAGE_SIZE_MAX: u32 = 500;
/// Without `page_size`.
pub const PAGE_SIZE_DEFAULT: u32 = 100;
/// The furthest a client may page (`page × page_size`): past it, narrow the dates.
pub const DEPTH_MAX: u32 = 10_000;
/// The standard's limit on one search's span, and the span searched without dates.
pub const RANGE_DAYS_MAX: i64 = 90;
/// The most `service_request_id`s one request may name.
pub const IDS_MAX: usize = 100;

/// The standard's two statuses: a work order is `closed` once it is done with —
/// accepted, closed by rule or cancelled — and `open` while anyone still owes it work,
/// including while the resident has yet to accept the result.
pub fn request_status(status: Status) -> &'static str {
    match status {
        Status::Closed | Status::Cancelled => "closed",
        Status::Submitted
        | Status::Dispatched
        | Status::InProgress
        | Status::OnHold
        | Status::Resolved => "open",
    }
}

/// What `status=` asks for: open ones, closed ones, or (both or none named) all.
pub fn statuses_named(raw: Option<&str>) -> Result<Vec<Status>, ValidationError> {
    let mut open = false;
    let mut closed = false;
    for word in raw.unwrap_or_default().split(',').map(str::trim) {
        match word.to_ascii_lowercase().as_str() {
            "" => {}
            "open" => open = true,
            "closed" => closed = true,
            _ => return Err(ValidationError::new("open311.status_unknown", "status")),
        }
    }
    Ok(Status::ALL
        .into_iter()
        .filter(|status| match request_status(*status) {
            "closed" => closed || !open,
            _ => open || !closed,
        })
        .collect())
}

/// mySociety's extended status of a timeline event (the `servicerequestupdates`
/// extension that FixMyStreet reads), or `None` for events that say nothing to the
/// public about progress (urging, "me too", internal notes).
pub fn update_status(kind: EventKind) -> Option<&'static str> {
    match kind {
        EventKind::Dispatched | EventKind::Redispatched => Some("INVESTIGATING"),
        EventKind::Signed
        | EventKind::Grabbed
        | EventKind::Resumed
        | EventKind::Rejected
        | EventKind::Replied => Some("IN_PROGRESS"),
        EventKind::Held | EventKind::ExtensionGranted => Some("ACTION_SCHEDULED"),
        EventKind::Returned => Some("OPEN"),
        EventKind::Resolved => Some("FIXED"),
        EventKind::Accepted | EventKind::ClosedByRule => Some("CLOSED"),
        EventKind::Cancelled => Some("NO_FURTHER_ACTION"),
        EventKind::Merged => Some("DUPLICATE"),
        EventKind::Submitted
        | EventKind::Noted
        | EventKind::Urged
        | EventKind::Supervised
        | EventKind::Escalated
        | EventKind::MeToo
        | EventKind::ReturnVisited
        | EventKind::ExtensionRequested
        | EventKind::ExtensionRefused
        | EventKind::OverdueAlerted => None,
    }
}

/// A point a client sent with its report, in WGS 84 degrees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Coordinates {
    pub lat: f64,
    pub long: f64,
}

/// `lat` and `long`: both or neither, each a finite number within the globe.
pub fn coordinates(
    lat: Option<&str>,
    long: Option<&str>,
) -> Result<Option<Coordinates>, ValidationError> {
    let number = |raw: &str, field: &'static str, bound: f64| {
        raw.trim()
            .parse::<f64>()
            .ok()
            .filter(|value| value.is_finite() && value.abs() <= bound)
            .ok_or(ValidationError::new("open311.coordinate_invalid", field))
    };
    match (blank_to_none(lat), blank_to_none(long)) {
        (None, None) => Ok(None),
        (Some(lat), Some(long)) => Ok(Some(Coordinates {
            lat: number(lat, "lat", 90.0)?,
            long: number(long, "long", 180.0)?,
        })),
        (None, Some(_)) => Err(ValidationError::new("open311.coordinate_missing", "lat")),
        (Some(_), None) => Err(ValidationError::new("open311.coordinate_missing", "long")),
    }
}

fn blank_to_none(raw: Option<&str>) -> Option<&str> {
    raw.map(str::trim).filter(|raw| !raw.is_empty())
}

/// The reporter's name as the office writes it: a Chinese name family name first with
/// no space (`last_name` 包, `first_name` 爷叔 → 包爷叔), any other with a space.
pub fn reporter_name(first: Option<&str>, last: Option<&str>) -> Option<String> {
    match (blank_to_none(first), blank_to_none(last)) {
        (None, None) => None,
        (Some(one), None) | (None, Some(one)) => Some(one.to_owned()),
        (Some(first), Some(last)) => {
            let chinese = |text: &str| text.chars().all(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
            Some(if chinese(first) && chinese(last) {
                format!("{last}{first}")
            } else {
                format!("{first} {last}")
            })
        }
    }
}

/// `page` (from 1) and `page_size`, within the bounds above.
pub fn page(page: Option<&str>, page_size: Option<&str>) -> Result<(u32, u32), ValidationError> {
    let number = |raw: Option<&str>, field: &'static str, default: u32| match blank_to_none(raw) {
        None => Ok(default),
        Some(raw) => raw
            .parse::<u32>()
            .ok()
            .filter(|value| *value >= 1)
            .ok_or(ValidationError::new("open311.page_invalid", field)),
    };
    let page = number(page, "page", 1)?;
    let size = number(page_size, "page_size", PAGE_SIZE_DEFAULT)?;
    if size > PAGE_SIZE_MAX {
        return Err(ValidationError::new(
            "open311.page_size_too_large",
            "page_size",
        ));
    }
    if page.saturating_mul(size) > DEPTH_MAX {
        return Err(ValidationError::new("open311.page_too_deep", "page"));
    }
    Ok((page, size))
}

/// `service_request_id=1,2,3`: the work orders' ids, at most [`IDS_MAX`].
pub fn request_ids(raw: Option<&str>) -> Result<Vec<i64>, ValidationError> {
    let invalid = ValidationError::new("open311.request_id_invalid", "service_request_id");
    let ids = blank_to_none(raw)
        .map(|raw| {
            raw.split(',')
                .map(str::trim)
                .filter(|id| !id.is_empty())
                .map(|id| {
                    id.parse::<i64>()
                        .ok()
                        .filter(|id| *id > 0)
                        .ok_or_else(|| invalid.clone())
                })
                .collect::<Result<Vec<_>, _>>()
        })
        .transpose()?
        .unwrap_or_default();
    if ids.len() > IDS_MAX {
        return Err(ValidationError::new(
            "open311.too_many_ids",
            "service_request_id",
        ));
    }
    Ok(ids)
}

/// A W3C datetime (`2026-10-27T09:30:00+08:00`, `…Z`, or a day, taken as its start in
/// China's time) as the standard's date parameters carry it.
pub fn datetime(raw: &str, field: &'static str) -> Result<DateTime<Utc>, ValidationError> {
    let raw = raw.trim();
    if let Ok(at) = DateTime::parse_from_rfc3339(raw) {
        return Ok(at.with_timezone(&Utc));
    }
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .ok()
        .and_then(|day| day.and_hms_opt(0, 0, 0))
        .and_then(|start| {
            start
                .and_local_timezone(crate::calendar::shanghai())
                .single()
        })
        .map(|at| at.with_timezone(&Utc))
        .ok_or(ValidationError::new("open311.datetime_invalid", field))
}

/// The span a search covers: what was asked, at most [`RANGE_DAYS_MAX`] days; without
/// dates the last 90 days to `now`.
pub fn date_range(
    start: Option<&str>,
    end: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(DateTime<Utc>, DateTime<Utc>), ValidationError> {
    let span = Duration::days(RANGE_DAYS_MAX);
    let start = blank_to_none(start)
        .map(|raw| datetime(raw, "start_date"))
        .transpose()?;
    let end = blank_to_none(end)
        .map(|raw| datetime(raw, "end_date"))
        .transpose()?;
    let (start, end) = match (start, end) {
        (Some(start), Some(end)) => (start, end),
        (Some(start), None) => (start, (start + span).min(now)),
        (None, Some(end)) => (end - span, end),
        (None, None) => (now - span, now),
    };
    if end < start {
        return Err(ValidationError::new("open311.range_reversed", "end_date"));
    }
    if end - start > span {
        return Err(ValidationError::new("open311.range_too_long", "end_date"));
    }
    Ok((start, end))
}
