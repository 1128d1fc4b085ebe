#![allow(clippy::unwrap_used)]

use super::ics::{FeedEvent, calendar};
use super::schedule::Series;
use super::*;
use chrono::{TimeZone, Utc};

#[test]
fn the_next_regular_meeting_is_the_next_thursday_afternoon_in_shanghai() {
    let series = Series::default();
    // Tuesday 27 October 2026, 09:30 in Shanghai.
    let after = Utc.with_ymd_and_hms(2026, 10, 27, 1, 30, 0).unwrap();
    assert_eq!(
        series.next_after(after),
        Utc.with_ymd_and_hms(2026, 10, 29, 6, 0, 0).unwrap()
    );
    // On Thursday after the start, the one a week later.
    let thursday_evening = Utc.with_ymd_and_hms(2026, 10, 29, 10, 0, 0).unwrap();
    assert_eq!(
        series.next_after(thursday_evening),
        Utc.with_ymd_and_hms(2026, 11, 5, 6, 0, 0).unwrap()
    );
}

#[test]
fn a_series_refuses_a_bad_weekday_time_or_length() {
    assert_eq!(
        Series::parse(8, "14:00", 90, "10号楼 M2").map_err(|e| e.field),
        Err("weekday")
    );
    assert_eq!(
        Series::parse(4, "25:00", 90, "10号楼 M2").map_err(|e| e.code),
        Err("meeting.time_invalid")
    );
    assert_eq!(
        Series::parse(4, "14:00", 5, "10号楼 M2").map_err(|e| e.field),
        Err("duration_minutes")
    );
    assert_eq!(
        Series::parse(4, "14:00", 90, " ").map_err(|e| e.field),
        Err("place")
    );
    assert!(Series::parse(3, "09:30", 60, "10号楼 M2").is_ok());
}

fn facts() -> CloseFacts {
    CloseFacts {
        status: MeetingStatus::Scheduled,
        has_minutes: true,
        participants: 3,
        attendance_recorded: 3,
        open_items: 0,
    }
}

#[test]
fn a_meeting_closes_only_with_minutes_attendance_and_no_open_item() {
    assert_eq!(may_close(facts()), Ok(()));
    let bare = CloseFacts {
        has_minutes: false,
        attendance_recorded: 2,
        open_items: 1,
        ..facts()
    };
    assert_eq!(
        may_close(bare),
        Err(CloseRefusal::Missing(vec![
            Missing::Minutes,
            Missing::Attendance,
            Missing::Decisions
        ]))
    );
    let nobody = CloseFacts {
        participants: 0,
        attendance_recorded: 0,
        ..facts()
    };
    assert_eq!(
        may_close(nobody),
        Err(CloseRefusal::Missing(vec![Missing::Attendance]))
    );
    let closed = CloseFacts {
        status: MeetingStatus::Closed,
        ..facts()
    };
    assert_eq!(may_close(closed), Err(CloseRefusal::State));
}

#[test]
fn only_open_items_of_scheduled_meetings_change() {
    assert!(item_changeable(ItemStatus::Open).is_ok());
    assert_eq!(
        item_changeable(ItemStatus::Withdrawn),
        Err("meeting.item_withdrawn")
    );
    assert_eq!(
        item_changeable(ItemStatus::Decided),
        Err("meeting.item_decided")
    );
    assert_eq!(
        meeting_changeable(MeetingStatus::Closed),
        Err("meeting.closed")
    );
    assert!(meeting_changeable(MeetingStatus::Scheduled).is_ok());
}

#[test]
fn the_feed_folds_long_lines_escapes_text_and_marks_cancellations() {
    let event = FeedEvent {
        uid: "meeting-7@linli".to_owned(),
        summary: "共治联席会：高空抛物、流浪猫，以及其他需要三方一起商量的事项，请各方准时参加"
            .to_owned(),
        location: "10号楼 M2, 合署办公服务中心".to_owned(),
        description: "第一行\n第二行".to_owned(),
        starts_at: Utc.with_ymd_and_hms(2026, 11, 5, 6, 0, 0).unwrap(),
        ends_at: Utc.with_ymd_and_hms(2026, 11, 5, 7, 30, 0).unwrap(),
        sequence: 2,
        cancelled: true,
        updated_at: Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap(),
    };
    let text = calendar("城上城联席会", &[event]);
    assert!(text.lines().all(|line| line.len() <= 75 + 1));
    assert!(text.contains("DTSTART;TZID=Asia/Shanghai:20261105T140000\r\n"));
    assert!(text.contains("SEQUENCE:2\r\n"));
    assert!(text.contains("STATUS:CANCELLED\r\n"));
    assert!(text.contains("LOCATION:10号楼 M2\\, 合署办公服务中心\r\n"));
    assert!(text.contains("DESCRIPTION:第一行\\n第二行\r\n"));
    assert!(text.contains("\r\n "), "the summary is folded");
}

#[test]
fn long_texts_keep_newlines_but_not_other_control_characters() {
    assert_eq!(parse_long_text(" a\nb ", "minutes"), Ok("a\nb".to_owned()));
    assert_eq!(
        parse_long_text("a\u{7}", "minutes").map_err(|e| e.code),
        Err("validation.control_characters")
    );
    assert_eq!(
        parse_long_text("  ", "minutes").map_err(|e| e.code),
        Err("validation.required")
    );
}
