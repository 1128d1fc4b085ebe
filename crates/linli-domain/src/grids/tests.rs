#![allow(clippy::unwrap_used)]

use super::*;
use proptest::prelude::*;

#[test]
fn a_contact_needs_a_name_and_a_real_phone() {
    assert_eq!(
        parse_contact(" ", "", "leader_name", "leader_phone"),
        Ok(None)
    );
    assert_eq!(
        parse_contact("", "13800000001", "leader_name", "leader_phone")
            .unwrap_err()
            .field,
        "leader_name"
    );
    let error = parse_contact("陈网格", "12345", "leader_name", "leader_phone").unwrap_err();
    assert_eq!(
        (error.code, error.field),
        ("registry.phone_invalid", "leader_phone")
    );
    assert_eq!(
        parse_contact(" 陈网格 ", "138 0000 0001", "leader_name", "leader_phone"),
        Ok(Some(Contact {
            name: "陈网格".to_owned(),
            phone: Some("13800000001".to_owned())
        }))
    );
}

#[test]
fn a_building_is_in_one_grid_only() {
    let taken = HashMap::from([(7, 1), (8, 2)]);
    assert_eq!(
        check_buildings(&[], &taken, None).unwrap_err().code,
        "grid.buildings_required"
    );
    assert_eq!(
        check_buildings(&[3, 3], &taken, None).unwrap_err().code,
        "grid.building_twice"
    );
    assert_eq!(
        check_buildings(&[3, 8], &taken, Some(1)).unwrap_err().code,
        "grid.building_in_another_grid"
    );
    assert!(
        check_buildings(&[3, 7], &taken, Some(1)).is_ok(),
        "a grid keeps its own"
    );
}

fn counts() -> impl Strategy<Value = Counts> {
    (0..50i64, 0..50i64, 0..50i64, 0..50i64).prop_map(|(created, dispatched, resolved, rated)| {
        Counts {
            created,
            dispatched,
            signed: dispatched,
            signed_in_time: dispatched / 2,
            resolved,
            accepted: resolved / 2,
            rated,
            satisfied: rated / 3,
            reopened: 0,
            cancelled: created / 5,
        }
    })
}

proptest! {
    /// However the buildings are grouped, the grid rows add up to the building rows,
    /// every building's counts land in exactly one row, and each rate stays in [0, 1].
    #[test]
    fn grid_rows_add_up_to_the_buildings(
        rows in proptest::collection::vec((proptest::option::of(1..20i64), counts()), 0..30),
        grids in proptest::collection::hash_map(1..20i64, 1..4i64, 0..20),
    ) {
        let mut buildings_total = Counts::default();
        for (_, counts) in &rows {
            buildings_total += *counts;
        }
        let grouped = by_grid(&rows, &grids);
        let mut grids_total = Counts::default();
        for (grid, counts) in &grouped {
            grids_total += *counts;
            if let Some(grid) = grid {
                prop_assert!(grids.values().any(|value| value == grid));
            }
            for rate in [counts.response_rate(), counts.resolution_rate(), counts.satisfaction_rate()].into_iter().flatten() {
                prop_assert!((0.0..=1.0).contains(&rate));
            }
        }
        prop_assert_eq!(grids_total, buildings_total);
    }
}
