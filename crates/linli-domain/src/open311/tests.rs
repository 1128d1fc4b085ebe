#![allow(clippy::unwrap_used)]

use super::*;
use chrono::TimeZone;
use proptest::prelude::*;

fn at(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, day, hour, 0, 0).unwrap()
}

#[test]
fn a_work_order_is_closed_only_once_nobody_owes_it_work() {
    let closed: Vec<_> = Status::ALL
        .into_iter()
        .filter(|status| request_status(*status) == "closed")
        .collect();
    assert_eq!(closed, vec![Status::Closed, Status::Cancelled]);
    // Waiting for the resident to accept is still open: the loop is not closed.
    assert_eq!(request_status(Status::Resolved), "open");
}

#[test]
fn status_filters_name_open_closed_or_both() {
    let open = statuses_named(Some("open")).unwrap();
    let closed = statuses_named(Some("CLOSED")).unwrap();
    assert_eq!(open.len() + closed.len(), Status::ALL.len());
    assert!(open.iter().all(|status| request_status(*status) == "open"));
    assert_eq!(
        statuses_named(Some("open,closed")).unwrap().len(),
        Status::ALL.len()
    );
    assert_eq!(statuses_named(None).unwrap().len(), Status::ALL.len());
    assert_eq!(
        statuses_named(Some("fixed")).unwrap_err().code,
        "open311.status_unknown"
    );
}

#[test]
fn only_events_about_progress_become_updates() {
    assert_eq!(update_status(EventKind::Resolved), Some("FIXED"));
    assert_eq!(update_status(EventKind::Merged), Some("DUPLICATE"));
    assert_eq!(
        update_status(EventKind::Noted),
        None,
        "an internal note says nothing"
    );
    // Every internal kind stays out.
    for kind in EventKind::ALL.into_iter().filter(|kind| kind.is_internal()) {
        assert_eq!(update_status(kind), None, "{kind:?}");
    }
}

#[test]
fn coordinates_come_in_pairs_within_the_globe() {
    assert_eq!(
        coordinates(Some("31.2304"), Some("121.4737")).unwrap(),
        Some(Coordinates {
            lat: 31.2304,
            long: 121.4737
        })
    );
    assert_eq!(coordinates(Some(" "), None).unwrap(), None);
    assert_eq!(coordinates(Some("31.2"), None).unwrap_err().field, "long");
    assert_eq!(coordinates(Some("91"), Some("0")).unwrap_err().field, "lat");
    assert_eq!(
        coordinates(Some("0"), Some("NaN")).unwrap_err().field,
        "long"
    );
    assert_eq!(
        coordinates(Some("0"), Some("inf")).unwrap_err().field,
        "long"
    );
}

#[test]
fn chinese_names_read_family_name_first() {
    assert_eq!(
        reporter_name(Some("爷叔"), Some("包")).as_deref(),
        Some("包爷叔")
    );
    assert_eq!(
        reporter_name(Some("Anna"), Some("Schmidt")).as_deref(),
        Some("Anna Schmidt")
    );
    assert_eq!(reporter_name(None, Some("包")).as_deref(), Some("包"));
    assert_eq!(reporter_name(Some(" "), None), None);
}

#[test]
fn pages_are_bounded() {
    assert_eq!(page(None, None).unwrap(), (1, PAGE_SIZE_DEFAULT));
    assert_eq!(page(Some("3"), Some("20")).unwrap(), (3, 20));
    assert_eq!(
        page(None, Some("501")).unwrap_err().code,
        "open311.page_size_too_large"
    );
    assert_eq!(page(Some("0"), None).unwrap_err().field, "page");
    assert_eq!(
        page(Some("1000"), Some("500")).unwrap_err().code,
        "open311.page_too_deep"
    );
    assert_eq!(page(Some("-1"), None).unwrap_err().field, "page");
}

#[test]
fn request_ids_are_a_short_list_of_numbers() {
    assert_eq!(request_ids(Some("4, 2,")).unwrap(), vec![4, 2]);
    assert_eq!(request_ids(None).unwrap(), Vec::<i64>::new());
    assert_eq!(
        request_ids(Some("4;2")).unwrap_err().code,
        "open311.request_id_invalid"
    );
    let many = (1..=101)
        .map(|id| id.to_string())
        .collect::<Vec<_>>()
        .join(",");
    assert_eq!(
        request_ids(Some(&many)).unwrap_err().code,
        "open311.too_many_ids"
    );
}

#[test]
fn dates_are_w3c_or_days_in_chinas_time() {
    assert_eq!(
        datetime("2026-11-02T09:00:00+08:00", "start_date").unwrap(),
        at(2, 1)
    );
    assert_eq!(
        datetime("2026-11-02T01:00:00Z", "start_date").unwrap(),
        at(2, 1)
    );
    // A day starts at midnight in Shanghai: 16:00 the day before in UTC.
    assert_eq!(datetime("2026-11-02", "start_date").unwrap(), at(1, 16));
    assert_eq!(
        datetime("2/11/2026", "end_date").unwrap_err().field,
        "end_date"
    );
}

#[test]
fn a_search_spans_at_most_ninety_days() {
    let now = at(30, 0);
    let (start, end) = date_range(None, None, now).unwrap();
    assert_eq!((end, end - start), (now, Duration::days(90)));
    assert_eq!(
        date_range(Some("2026-01-01"), Some("2026-11-01"), now)
            .unwrap_err()
            .code,
        "open311.range_too_long"
    );
    assert_eq!(
        date_range(Some("2026-11-05"), Some("2026-11-01"), now)
            .unwrap_err()
            .code,
        "open311.range_reversed"
    );
}

proptest! {
    /// Whatever is asked, an answered range is ordered and no longer than the limit.
    #[test]
    fn every_answered_range_is_ordered_and_bounded(start in 0i64..400, end in 0i64..400, given in 0u8..4) {
        let now = at(30, 0);
        let day = |offset: i64| (now - Duration::days(offset)).to_rfc3339();
        let (start_text, end_text) = (day(start), day(end));
        let start_arg = (given & 1 == 1).then_some(start_text.as_str());
        let end_arg = (given & 2 == 2).then_some(end_text.as_str());
        if let Ok((from, to)) = date_range(start_arg, end_arg, now) {
            prop_assert!(from <= to);
            prop_assert!(to - from <= Duration::days(RANGE_DAYS_MAX));
        }
    }
}
