//! The public board (公开栏): what the community raised and what was done, for everyone
//! without signing in — "件件有回音". A work order's text reaches it only anonymised: no
//! person's name, phone or room. Pure.

#[cfg(test)]
mod tests;

/// What may follow a number that is no room, phone or identity number: a building
/// (7号楼), a date, an amount, a count, a time, a floor.
const UNITS: &[char] = &[
    '号', '楼', '栋', '幢', '层', '年', '月', '日', '天', '元', '块', '只', '个', '次', '点', '时',
    '分', '米', '%', '辆', '棵', '盏', '袋', '斤',
];

/// The text as the public board shows it:
/// - every name in `names` (the people of the community, the reporter first) becomes
///   "**";
/// - a run of five or more digits (a phone, an identity or bank number) becomes "***";
/// - a run of three or four digits not followed by a unit (`302`, `1201室`) — a room —
///   becomes "**"; shorter numbers (a unit, a floor) and numbers with their unit
///   (`7号楼`, `12月`, `100元`) stay.
pub fn anonymise(text: &str, names: &[String]) -> String {
    let mut named = text.to_owned();
    let mut sorted: Vec<&String> = names
        .iter()
        .filter(|name| name.trim().chars().count() >= 2)
        .collect();
    // Longer names first, so 包爷叔 goes before a 包 that might be part of it.
    sorted.sort_by_key(|name| std::cmp::Reverse(name.chars().count()));
    for name in sorted {
        named = named.replace(name.trim(), "**");
    }
    let characters: Vec<char> = named.chars().collect();
    let mut out = String::with_capacity(named.len());
    let mut index = 0;
    while index < characters.len() {
        if !characters[index].is_ascii_digit() {
            out.push(characters[index]);
            index += 1;
            continue;
        }
        let start = index;
        while index < characters.len() && characters[index].is_ascii_digit() {
            index += 1;
        }
        let length = index - start;
        let next = characters.get(index).copied();
        let with_unit = next.is_some_and(|c| UNITS.contains(&c));
        if length >= 5 {
            out.push_str("***");
        } else if length >= 3 && !with_unit {
            out.push_str("**");
        } else {
            out.extend(&characters[start..index]);
        }
    }
    out
}
