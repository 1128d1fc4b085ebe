#![allow(clippy::unwrap_used)]

use super::*;
use proptest::prelude::*;

#[test]
fn offers_are_known_once_and_kept_in_a_fixed_order() {
    assert_eq!(
        parse_offers(&["funds", " venue "]).unwrap(),
        vec![Offer::Venue, Offer::Funds]
    );
    assert_eq!(parse_offers::<&str>(&[]).unwrap(), vec![]);
    let twice = parse_offers(&["venue", "venue"]).unwrap_err();
    assert_eq!((twice.code, twice.field), ("partner.offer_twice", "offers"));
    let unknown = parse_offers(&["money"]).unwrap_err();
    assert_eq!(unknown.code, "partner.offer_unknown");
}

#[test]
fn an_activity_names_each_partner_once() {
    let partners = [4, 9];
    assert!(check_units(&[9, 4], &partners).is_ok());
    let code = |units: &[i64]| check_units(units, &partners).unwrap_err().code;
    assert_eq!(code(&[]), "partner.units_required");
    assert_eq!(code(&[4, 4]), "partner.unit_twice");
    // An organisation of the community that is not a partner (the property company).
    assert_eq!(code(&[4, 2]), "partner.unit_unknown");
}

#[test]
fn residents_served_is_a_plausible_count() {
    assert_eq!(parse_residents_served(0), Ok(0));
    assert_eq!(parse_residents_served(300), Ok(300));
    assert!(parse_residents_served(-1).is_err());
    assert!(parse_residents_served(100_001).is_err());
}

proptest! {
    /// Any set of offers, ticked in any order, is stored the same way and reads back as
    /// the same set.
    #[test]
    fn offers_survive_storage_in_any_order(picks in proptest::sample::subsequence(Offer::ALL.to_vec(), 0..=Offer::ALL.len()), seed in any::<u64>()) {
        let mut ticked: Vec<&str> = picks.iter().map(|offer| offer.as_str()).collect();
        // A cheap shuffle driven by the seed.
        if !ticked.is_empty() {
            let len = ticked.len();
            ticked.rotate_left(usize::try_from(seed).unwrap_or(0) % len);
        }
        let parsed = parse_offers(&ticked).unwrap();
        prop_assert_eq!(&parsed, &picks);
        prop_assert_eq!(offers_from_text(&offers_text(&parsed)), picks);
    }
}
