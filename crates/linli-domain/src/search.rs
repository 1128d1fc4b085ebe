//! Terms for searching work orders' text. Chinese has no spaces and people search with
//! one or two characters (猫, 路灯), which trigram indexes (SQLite FTS5's, pg_trgm)
//! cannot match. So each run of letters and digits is indexed as its single characters,
//! its overlapping pairs and its overlapping triples; a query asks for the character of
//! a run of one, the pair of a run of two, and the triples of a longer run. Every
//! substring of an indexed text then finds the text, and the store confirms the exact
//! phrase on the few candidates. Both engines index the same terms, so they answer
//! alike.
//!
//! The triples are for longer queries: a report number such as 4242号 as pairs (42, 24,
//! 2号) is held by thousands of reports, each of which would be read to test the phrase;
//! as triples (424, 242, 42号) by a handful.

/// Lowercased runs of letters and digits.
fn runs(text: &str) -> Vec<Vec<char>> {
    let mut runs = Vec::new();
    let mut current = Vec::new();
    for character in text.chars() {
        if character.is_alphanumeric() {
            current.extend(character.to_lowercase());
        } else if !current.is_empty() {
            runs.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        runs.push(current);
    }
    runs
}

/// Terms in the order first met, each once (a long description has thousands).
#[derive(Default)]
struct Terms {
    seen: std::collections::HashSet<String>,
    ordered: Vec<String>,
}

impl Terms {
    fn push(&mut self, term: String) {
        if !self.seen.contains(&term) {
            self.seen.insert(term.clone());
            self.ordered.push(term);
        }
    }
}

/// The terms a text is indexed under: every character, every pair and every triple of
/// neighbours within a run, each once.
pub fn index_terms(text: &str) -> Vec<String> {
    let mut terms = Terms::default();
    for run in runs(text) {
        for width in 1..=3 {
            for part in run.windows(width) {
                terms.push(part.iter().collect());
            }
        }
    }
    terms.ordered
}

/// The terms a text is stored with for the index: space-separated.
pub fn index_text(text: &str) -> String {
    index_terms(text).join(" ")
}

/// The terms a query needs, all of them: the triples of each run, or the run itself
/// when it is one or two characters long. Empty when the query has no letters or digits
/// (nothing to look up).
pub fn query_terms(query: &str) -> Vec<String> {
    let mut terms = Terms::default();
    for run in runs(query) {
        for part in run.windows(run.len().min(3)) {
            terms.push(part.iter().collect());
        }
    }
    terms.ordered
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn chinese_is_indexed_by_characters_and_pairs() {
        assert_eq!(
            index_terms("楼道灯坏了"),
            [
                "楼",
                "道",
                "灯",
                "坏",
                "了",
                "楼道",
                "道灯",
                "灯坏",
                "坏了",
                "楼道灯",
                "道灯坏",
                "灯坏了"
            ]
        );
        assert_eq!(query_terms("猫"), ["猫"]);
        assert_eq!(query_terms("路灯"), ["路灯"]);
        assert_eq!(query_terms("楼道灯"), ["楼道灯"]);
        assert_eq!(query_terms("4242号"), ["424", "242", "42号"]);
        // Punctuation and spaces split runs; letters are lowercased.
        assert_eq!(
            index_terms("7号楼，LED"),
            [
                "7", "号", "楼", "7号", "号楼", "7号楼", "l", "e", "d", "le", "ed", "led"
            ]
        );
        assert_eq!(query_terms("7号楼 led"), ["7号楼", "led"]);
        assert_eq!(query_terms("7号 楼"), ["7号", "楼"]);
        assert_eq!(query_terms("，。 "), Vec::<String>::new());
    }

    proptest! {
        /// Whatever part of a text is searched for, the text is among the candidates.
        #[test]
        fn every_part_of_a_text_finds_it(
            text in "[猫狗楼道灯坏了7号AbC ，]{0,24}",
            start in 0usize..24,
            length in 1usize..8,
        ) {
            let characters: Vec<char> = text.chars().collect();
            let start = start.min(characters.len());
            let end = (start + length).min(characters.len());
            let part: String = characters[start..end].iter().collect();
            let indexed = index_terms(&text);
            for term in query_terms(&part) {
                prop_assert!(indexed.contains(&term), "{term} of {part:?} not in {text:?}");
            }
        }
    }
}
