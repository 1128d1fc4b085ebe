use super::*;
use proptest::prelude::*;

fn chain(digests: &[String]) -> Vec<Entry> {
    let mut prev = GENESIS.to_owned();
    let mut entries = Vec::new();
    for (seq, digest) in (0_i64..).zip(digests) {
        let hash = link(&prev, seq, Source::Timeline, seq + 100, digest);
        entries.push(Entry {
            seq,
            source: Source::Timeline,
            row_id: seq + 100,
            digest: digest.clone(),
            prev_hash: prev,
            hash: hash.clone(),
        });
        prev = hash;
    }
    entries
}

fn digests(count: usize) -> Vec<String> {
    (0..count)
        .map(|n| {
            digest(
                Source::Timeline,
                i64::try_from(n).unwrap_or_default() + 100,
                &[Field::Text(Some(format!("第{n}条")))],
            )
        })
        .collect()
}

#[test]
fn digests_see_every_value_and_nothing_runs_together() {
    let one = digest(
        Source::Ledger,
        1,
        &[Field::Text(Some("a\u{1f}b".into())), Field::Text(None)],
    );
    let other = digest(
        Source::Ledger,
        1,
        &[Field::Text(Some("a".into())), Field::Text(Some("b".into()))],
    );
    assert_ne!(one, other);
    assert_ne!(
        digest(Source::Ledger, 1, &[Field::Int(Some(1))]),
        digest(Source::Ballots, 1, &[Field::Int(Some(1))]),
        "the source is part of it"
    );
    assert_ne!(
        digest(Source::Ledger, 1, &[Field::Int(Some(2))]),
        digest(Source::Ledger, 2, &[Field::Int(Some(1))])
    );
    assert_eq!(digest(Source::Minutes, 7, &[Field::Bool(true)]).len(), 64);
}

#[test]
fn a_clean_chain_walks_through() {
    let digests = digests(5);
    let entries = chain(&digests);
    assert_eq!(
        walk(entries.iter().zip(digests.iter().cloned().map(Some))),
        None
    );
}

proptest! {
    /// Whatever single row is edited or deleted, or whichever two entries are swapped,
    /// the walk names that place and no earlier one.
    #[test]
    fn every_tampering_is_found_where_it_is(count in 2usize..20, at in 0usize..20, other in 0usize..20) {
        let at = at % count;
        let other = other % count;
        let digests = digests(count);
        let entries = chain(&digests);
        let seq = i64::try_from(at).unwrap_or_default();

        let mut current: Vec<Option<String>> = digests.iter().cloned().map(Some).collect();
        current[at] = Some(digest(Source::Timeline, seq + 100, &[Field::Text(Some("改过".into()))]));
        prop_assert_eq!(walk(entries.iter().zip(current)), Some(Finding::Edited { seq, source: Source::Timeline, row_id: seq + 100 }));

        let mut current: Vec<Option<String>> = digests.iter().cloned().map(Some).collect();
        current[at] = None;
        prop_assert_eq!(walk(entries.iter().zip(current)), Some(Finding::Deleted { seq, source: Source::Timeline, row_id: seq + 100 }));

        if at != other {
            let mut swapped = entries.clone();
            swapped.swap(at, other);
            let first = i64::try_from(at.min(other)).unwrap_or_default();
            prop_assert_eq!(walk(swapped.iter().zip(digests.iter().cloned().map(Some))), Some(Finding::ChainBroken { seq: first }));
        }

        let mut dropped = entries.clone();
        dropped.remove(at);
        let found = walk(dropped.iter().zip(digests.iter().cloned().map(Some)));
        if at + 1 < count {
            prop_assert_eq!(found, Some(Finding::ChainBroken { seq }));
        } else {
            prop_assert_eq!(found, None, "the last entry gone: its row is found below the sealed mark instead (the store's check)");
        }
    }
}
