//! Finding a phrase in a text and showing where, for the one search box: the phrase as
//! typed (one or two Chinese characters, `4242号`, `%`), Latin letters in any case, and
//! an excerpt around the first match with every match marked. Searching in memory
//! rather than in SQL, so both engines answer alike.

/// The longest query taken.
pub const QUERY_MAX: usize = 100;

/// ASCII letters folded; everything else as it is, so that positions stay character
/// positions of the original text.
fn folded(text: &str) -> Vec<char> {
    text.chars().map(|c| c.to_ascii_lowercase()).collect()
}

/// The character offsets where `phrase` starts in `text`, not overlapping.
fn starts(text: &[char], phrase: &[char]) -> Vec<usize> {
    let mut found = Vec::new();
    if phrase.is_empty() || phrase.len() > text.len() {
        return found;
    }
    let mut at = 0;
    while at + phrase.len() <= text.len() {
        if text[at..at + phrase.len()] == *phrase {
            found.push(at);
            at += phrase.len();
        } else {
            at += 1;
        }
    }
    found
}

/// The query as searched: trimmed, inner runs of white space made one space.
pub fn normalised(query: &str) -> String {
    query.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether `text` holds the phrase (Latin letters in any case).
pub fn contains(text: &str, phrase: &str) -> bool {
    !starts(&folded(text), &folded(phrase)).is_empty()
}

/// A piece of an excerpt, marked when it is the phrase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    pub text: String,
    pub marked: bool,
}

/// About `width` characters of `text` around its first match of the phrase, with "…"
/// where it was cut and each match in it marked; `None` when the phrase is not there.
pub fn excerpt(text: &str, phrase: &str, width: usize) -> Option<Vec<Piece>> {
    let chars: Vec<char> = text.chars().collect();
    let phrase = folded(phrase);
    let matches = starts(&folded(text), &phrase);
    let first = *matches.first()?;
    let before = width.saturating_sub(phrase.len()) / 3;
    // A short text is shown whole; near the end, the window fills from the left.
    let from = first
        .saturating_sub(before)
        .min(chars.len().saturating_sub(width));
    let to = (from + width.max(phrase.len())).min(chars.len());
    let mut pieces = Vec::new();
    let mut push = |text: String, marked: bool| {
        if !text.is_empty() {
            pieces.push(Piece { text, marked });
        }
    };
    let mut at = from;
    let cut_before = if from > 0 { "…" } else { "" };
    let mut plain = String::from(cut_before);
    for start in matches
        .into_iter()
        .filter(|start| *start >= from && start + phrase.len() <= to)
    {
        plain.extend(&chars[at..start]);
        push(std::mem::take(&mut plain), false);
        push(chars[start..start + phrase.len()].iter().collect(), true);
        at = start + phrase.len();
    }
    plain.extend(&chars[at..to]);
    if to < chars.len() {
        plain.push('…');
    }
    push(plain, false);
    Some(pieces)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use proptest::prelude::*;

    fn shown(pieces: &[Piece]) -> String {
        pieces
            .iter()
            .map(|piece| {
                if piece.marked {
                    format!("[{}]", piece.text)
                } else {
                    piece.text.clone()
                }
            })
            .collect()
    }

    #[test]
    fn short_chinese_mixed_and_latin_queries_are_found() {
        assert!(contains("7号楼楼道灯不亮", "灯"));
        assert!(contains("工单4242号已办结", "4242号"));
        assert!(contains("TNR 流浪猫项目", "tnr"));
        assert!(!contains("路灯", "灯泡"));
        assert!(
            contains("折扣 50%_off", "%_"),
            "wildcards are plain characters"
        );
    }

    #[test]
    fn every_match_in_the_excerpt_is_marked() {
        let pieces = excerpt("楼道灯坏了，楼道灯还是坏了", "楼道灯", 40).unwrap();
        assert_eq!(shown(&pieces), "[楼道灯]坏了，[楼道灯]还是坏了");
        let long = format!("{}猫{}", "前".repeat(50), "后".repeat(50));
        let pieces = excerpt(&long, "猫", 20).unwrap();
        assert_eq!(
            shown(&pieces),
            format!("…{}[猫]{}…", "前".repeat(6), "后".repeat(13))
        );
        assert_eq!(excerpt("没有", "猫", 20), None);
        assert_eq!(
            shown(&excerpt("Linli TNR", "tnr", 20).unwrap()),
            "Linli [TNR]",
            "as written"
        );
    }

    #[test]
    fn queries_are_normalised() {
        assert_eq!(normalised("  7号楼 \t 路灯 "), "7号楼 路灯");
    }

    proptest! {
        /// An excerpt is a piece of the text: without its cut marks it is found in the
        /// text, and each marked piece is the phrase.
        #[test]
        fn an_excerpt_is_the_text_with_the_phrase_marked(text in "[猫灯a-cA-C0-9 ]{0,80}", phrase in "[猫灯a-c0-9]{1,3}", width in 1usize..60) {
            match excerpt(&text, &phrase, width) {
                None => prop_assert!(!contains(&text, &phrase)),
                Some(pieces) => {
                    let joined: String = pieces.iter().map(|piece| piece.text.as_str()).collect();
                    let inner = joined.trim_start_matches('…').trim_end_matches('…');
                    prop_assert!(text.contains(inner));
                    prop_assert!(pieces.iter().any(|piece| piece.marked));
                    for piece in pieces.iter().filter(|piece| piece.marked) {
                        prop_assert_eq!(piece.text.to_ascii_lowercase(), phrase.to_ascii_lowercase());
                    }
                }
            }
        }
    }
}
