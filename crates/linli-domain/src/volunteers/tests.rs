#![allow(clippy::unwrap_used)]

use super::*;
use chrono::TimeZone;
use proptest::prelude::*;

fn at(hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 1, hour, minute, 0)
        .single()
        .unwrap_or_default()
}

#[test]
fn skills_are_short_tags_each_once_and_few() {
    let typed = split_skills("抓猫、电工, 理发 电工");
    assert_eq!(
        parse_skills(&typed),
        Ok(vec![
            "抓猫".to_owned(),
            "电工".to_owned(),
            "理发".to_owned()
        ])
    );
    let long = vec!["会修理各种各样的家用电器和水管".to_owned()];
    assert_eq!(
        parse_skills(&long).unwrap_err().code,
        "volunteer.skill_invalid"
    );
    let many: Vec<String> = (0..9).map(|n| format!("技能{n}")).collect();
    assert_eq!(
        parse_skills(&many).unwrap_err().code,
        "volunteer.too_many_skills"
    );
}

#[test]
fn a_shift_ends_after_it_starts_within_a_day_in_the_future_with_room() {
    let now = at(1, 0);
    assert!(check_shift(at(2, 0), at(4, 0), 5, now).is_ok());
    for (starts, ends) in [(at(4, 0), at(2, 0)), (at(2, 0), at(2, 0))] {
        assert_eq!(
            check_shift(starts, ends, 5, now).unwrap_err().code,
            "volunteer.shift_length_invalid"
        );
    }
    let too_long = at(2, 0) + Duration::hours(25);
    assert_eq!(
        check_shift(at(2, 0), too_long, 5, now).unwrap_err().code,
        "volunteer.shift_length_invalid"
    );
    assert_eq!(
        check_shift(at(0, 30), at(2, 0), 5, now).unwrap_err().code,
        "volunteer.shift_in_past"
    );
    for capacity in [0, -1, 501] {
        assert_eq!(
            check_shift(at(2, 0), at(4, 0), capacity, now)
                .unwrap_err()
                .code,
            "volunteer.capacity_invalid"
        );
    }
}

#[test]
fn sign_ups_close_at_the_cut_off_and_check_in_opens_an_hour_early() {
    let starts = at(10, 0);
    assert!(check_before_cut_off(starts, 120, at(7, 59)).is_ok());
    assert!(check_before_cut_off(starts, 120, at(8, 0)).is_err());
    assert!(check_before_cut_off(starts, 0, at(9, 59)).is_ok());
    assert!(check_cut_off(-1).is_err() && check_cut_off(CUT_OFF_MINUTES_MAX + 1).is_err());
    assert!(check_in_window(starts, at(12, 0), at(8, 59)).is_err());
    assert!(check_in_window(starts, at(12, 0), at(9, 0)).is_ok());
    assert!(check_in_window(starts, at(12, 0), at(12, 1)).is_err());
}

#[test]
fn minutes_before_the_start_and_beyond_the_grace_do_not_count() {
    let (starts, ends) = (at(10, 0), at(12, 0));
    assert_eq!(
        served_minutes(starts, ends, Some(at(9, 10)), Some(at(11, 0))),
        60
    );
    assert_eq!(
        served_minutes(starts, ends, Some(at(10, 15)), Some(at(12, 10))),
        115
    );
    assert_eq!(
        served_minutes(starts, ends, Some(at(10, 0)), Some(at(18, 0))),
        150
    );
    assert_eq!(served_minutes(starts, ends, Some(at(10, 0)), None), 0);
    assert_eq!(
        served_minutes(starts, ends, Some(at(13, 0)), Some(at(14, 0))),
        0
    );
    assert!(check_correction(starts, ends, 150).is_ok());
    assert!(check_correction(starts, ends, 151).is_err());
    assert!(check_correction(starts, ends, -1).is_err());
    assert_eq!(hours_text(150), "2.5");
    assert_eq!(hours_text(0), "0.0");
    assert_eq!(hours_text(61), "1.0");
}

#[test]
fn the_league_ranks_teams_and_volunteers() {
    let served = [
        Served {
            team_id: Some(1),
            person_id: 10,
            minutes: 120,
        },
        Served {
            team_id: Some(1),
            person_id: 11,
            minutes: 60,
        },
        Served {
            team_id: None,
            person_id: 12,
            minutes: 240,
        },
        Served {
            team_id: Some(1),
            person_id: 10,
            minutes: 30,
        },
    ];
    let table = league(&served);
    assert_eq!(table.total_minutes, 450);
    assert_eq!(
        table.teams[0],
        TeamTotal {
            team_id: None,
            minutes: 240,
            volunteers: 1
        }
    );
    assert_eq!(
        table.teams[1],
        TeamTotal {
            team_id: Some(1),
            minutes: 210,
            volunteers: 2
        }
    );
    assert_eq!(table.volunteers, [(12, 240), (10, 150), (11, 60)]);
}

proptest! {
    /// Whatever was served, the teams' totals add up to the sum of every volunteer's
    /// hours and to the total; nothing is negative; each volunteer is counted once.
    #[test]
    fn the_league_adds_up(entries in proptest::collection::vec((proptest::option::of(0i64..4), 0i64..12, 0i64..2000), 0..60)) {
        let served: Vec<Served> = entries
            .iter()
            .map(|&(team_id, person_id, minutes)| Served { team_id, person_id, minutes })
            .collect();
        let table = league(&served);
        let by_teams: i64 = table.teams.iter().map(|team| team.minutes).sum();
        let by_people: i64 = table.volunteers.iter().map(|(_, minutes)| minutes).sum();
        let served_total: i64 = served.iter().map(|entry| entry.minutes).sum();
        prop_assert_eq!(by_teams, table.total_minutes);
        prop_assert_eq!(by_people, table.total_minutes);
        prop_assert_eq!(served_total, table.total_minutes);
        prop_assert!(table.teams.iter().all(|team| team.minutes >= 0 && team.volunteers > 0));
        prop_assert!(table.volunteers.iter().all(|(_, minutes)| *minutes >= 0));
        let mut people: Vec<i64> = table.volunteers.iter().map(|(person, _)| *person).collect();
        people.dedup();
        prop_assert_eq!(people.len(), table.volunteers.len());
    }

    /// Served minutes are never negative and never more than the shift plus the grace.
    #[test]
    fn served_minutes_stay_within_the_shift(start in 0i64..600, length in 1i64..600, into in -300i64..900, stay in -300i64..900) {
        let base = at(0, 0);
        let starts = base + Duration::minutes(start);
        let ends = starts + Duration::minutes(length);
        let checked_in = starts + Duration::minutes(into);
        let minutes = served_minutes(starts, ends, Some(checked_in), Some(checked_in + Duration::minutes(stay)));
        prop_assert!(minutes >= 0);
        prop_assert!(minutes <= length + GRACE_MINUTES);
        prop_assert!(check_correction(starts, ends, minutes).is_ok());
    }
}
