//! Finding a person by the pinyin initials of their name, as the desk types it on a
//! keyboard without switching to Chinese: `bys` (or `ys`) finds 包爷叔 (bāo yé shū). A
//! character with several readings matches the initial of any (单 is dān or shàn), so a
//! surname read unusually is still found; a character with no reading (a letter, a
//! digit) matches itself.

use pinyin::ToPinyinMulti;

/// Letters of a query taken as initials: two to ten, ASCII only.
pub const MIN_LETTERS: usize = 2;
pub const MAX_LETTERS: usize = 10;

/// The query as initials (lowercased), when it is one.
pub fn as_initials(query: &str) -> Option<String> {
    let query = query.trim();
    let fits = (MIN_LETTERS..=MAX_LETTERS).contains(&query.len())
        && query.bytes().all(|byte| byte.is_ascii_alphabetic());
    fits.then(|| query.to_ascii_lowercase())
}

/// The initials a character may stand for.
fn initials_of(character: char) -> Vec<char> {
    match character.to_pinyin_multi() {
        Some(readings) => {
            let mut initials: Vec<char> = readings
                .into_iter()
                .filter_map(|reading| reading.first_letter().chars().next())
                .collect();
            initials.dedup();
            initials
        }
        None => character.to_lowercase().collect(),
    }
}

/// Whether `initials` (lowercase, from [`as_initials`]) are the initials of consecutive
/// characters of `name`, from any of its characters on.
pub fn name_matches(name: &str, initials: &str) -> bool {
    let characters: Vec<Vec<char>> = name
        .chars()
        .filter(|character| !character.is_whitespace())
        .map(initials_of)
        .collect();
    let wanted: Vec<char> = initials.chars().collect();
    if wanted.is_empty() || wanted.len() > characters.len() {
        return false;
    }
    characters.windows(wanted.len()).any(|window| {
        window
            .iter()
            .zip(&wanted)
            .all(|(possible, letter)| possible.contains(letter))
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn initials_find_a_name_from_its_start_or_within_it() {
        let bys = as_initials("BYS").unwrap();
        assert!(name_matches("包爷叔", &bys));
        assert!(name_matches("包爷叔", "by"));
        assert!(name_matches("包爷叔", "ys"), "the given name alone");
        assert!(!name_matches("包爷叔", "bz"), "爷叔 is yé shū");
        assert!(!name_matches("包爷叔", "bysx"), "longer than the name");
        assert!(name_matches("张海燕", "zhy"));
        assert!(
            name_matches("王 建平", "wjp"),
            "spaces are not characters of the name"
        );
    }

    #[test]
    fn every_reading_of_a_character_counts() {
        // 单: dān (single) or shàn (the surname); 曾: céng or zēng.
        assert!(name_matches("单晓红", "sxh"));
        assert!(name_matches("单晓红", "dxh"));
        assert!(name_matches("曾国强", "zgq"));
        assert!(name_matches("曾国强", "cgq"));
    }

    #[test]
    fn letters_and_digits_match_themselves() {
        assert!(name_matches("Lily王", "lily"));
        assert!(name_matches("A栋王", "adw"));
    }

    #[test]
    fn only_two_to_ten_letters_are_initials() {
        assert_eq!(as_initials(" Bys "), Some("bys".to_owned()));
        for not in ["b", "包爷", "b1", "b y", "abcdefghijk", "", "%_"] {
            assert_eq!(as_initials(not), None, "{not}");
        }
    }

    proptest! {
        /// The initials of any run of a name's characters, read the common way, find it.
        #[test]
        fn the_initials_of_any_part_of_a_name_find_it(
            name in proptest::collection::vec(proptest::sample::select(vec!['包', '爷', '叔', '唐', '李', '晓', '张', '海', '燕', '王', '建', '平', '单', '曾']), 1..6),
            start in 0usize..6,
            length in 1usize..6,
        ) {
            let start = start % name.len();
            let end = (start + length).min(name.len());
            let part: String = name[start..end]
                .iter()
                .map(|character| initials_of(*character)[0])
                .collect();
            let name: String = name.into_iter().collect();
            prop_assert!(name_matches(&name, &part), "{} {}", name, part);
        }
    }
}
