//! Likely duplicates: a new report about what neighbours already raised — the same
//! category, the same building, still open, recent — whose text is alike. Alike is the
//! Dice coefficient of the two texts' character pairs (Chinese has no spaces; pairs catch
//! 路灯 in 楼下路灯坏了 and 路灯不亮), over letters and digits only, Latin in any case.

use std::collections::HashMap;

#[cfg(test)]
mod tests;

/// How alike two texts must be to be offered as the same problem.
pub const LIKELY: f64 = 0.3;
/// How far back open work orders are compared, in days.
pub const RECENT_DAYS: i64 = 30;
/// The most offered.
pub const OFFERED: usize = 5;

/// Each pair of neighbouring letters or digits (a lone one stands for itself), counted.
fn pairs(text: &str) -> HashMap<(char, char), usize> {
    let kept: Vec<char> = text
        .chars()
        .filter(|c| c.is_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    let mut counted = HashMap::new();
    if kept.len() == 1 {
        counted.insert((kept[0], kept[0]), 1);
    }
    for pair in kept.windows(2) {
        *counted.entry((pair[0], pair[1])).or_insert(0) += 1;
    }
    counted
}

/// How alike two texts are: a share in [0, 1], the same both ways, 1 for the same
/// words, 0 when either has no letters or digits.
pub fn similarity(one: &str, other: &str) -> f64 {
    let (one, other) = (pairs(one), pairs(other));
    let total: usize = one.values().sum::<usize>() + other.values().sum::<usize>();
    if total == 0 {
        return 0.0;
    }
    let shared: usize = one
        .iter()
        .map(|(pair, count)| (*count).min(other.get(pair).copied().unwrap_or(0)))
        .sum();
    #[allow(clippy::cast_precision_loss)]
    let share = (2 * shared) as f64 / total as f64;
    share.clamp(0.0, 1.0)
}

/// Whether two reports likely describe the same problem.
pub fn likely_same(one: &str, other: &str) -> bool {
    similarity(one, other) >= LIKELY
}
