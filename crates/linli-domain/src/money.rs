//! Amounts typed by people in yuan ("50", "12.5", "¥1,200.00"), read exactly into whole
//! fen. Each slice names the problems in its own words (`fund.*`, `page.error.money_*`);
//! the reading is one.

/// What is wrong with an amount typed in yuan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YuanProblem {
    Negative,
    NotANumber,
    /// More than two decimals: a fraction of a fen, refused rather than rounded.
    FractionOfFen,
    /// More whole yuan digits than allowed (refused before it could overflow).
    TooLarge,
}

/// Reads `text` as yuan into fen: a leading ¥ or ￥ and thousands separators (, or ，)
/// are allowed; signs, letters, exponents and full-width digits are not.
pub fn fen_from_yuan_text(text: &str, max_whole_digits: usize) -> Result<i64, YuanProblem> {
    let cleaned: String = text
        .trim()
        .trim_start_matches(['¥', '￥'])
        .chars()
        .filter(|c| *c != ',' && *c != '，')
        .collect();
    if cleaned.starts_with('-') {
        return Err(YuanProblem::Negative);
    }
    let (whole, fraction) = cleaned.split_once('.').unwrap_or((cleaned.as_str(), ""));
    let digits = |part: &str| part.chars().all(|c| c.is_ascii_digit());
    if whole.is_empty() || !digits(whole) || !digits(fraction) {
        return Err(YuanProblem::NotANumber);
    }
    if fraction.len() > 2 {
        return Err(YuanProblem::FractionOfFen);
    }
    if whole.trim_start_matches('0').len() > max_whole_digits.min(15) {
        return Err(YuanProblem::TooLarge);
    }
    let yuan: i64 = whole.parse().map_err(|_| YuanProblem::NotANumber)?;
    let fen: i64 = format!("{fraction:0<2}")
        .parse()
        .map_err(|_| YuanProblem::NotANumber)?;
    Ok(yuan * 100 + fen)
}

#[cfg(test)]
mod tests {
    use super::{YuanProblem, fen_from_yuan_text};
    use proptest::prelude::*;

    #[test]
    fn yuan_are_read_exactly_or_refused_by_name() {
        for (typed, fen) in [
            ("120", 12_000),
            ("120.5", 12_050),
            ("120.50", 12_050),
            (" ¥1,200 ", 120_000),
            ("￥0.01", 1),
            ("0", 0),
            ("1，000.5", 100_050),
        ] {
            assert_eq!(fen_from_yuan_text(typed, 9), Ok(fen), "{typed}");
        }
        for (typed, problem) in [
            ("-5", YuanProblem::Negative),
            ("", YuanProblem::NotANumber),
            ("abc", YuanProblem::NotANumber),
            ("12元", YuanProblem::NotANumber),
            ("1e3", YuanProblem::NotANumber),
            ("１２", YuanProblem::NotANumber),
            (".5", YuanProblem::NotANumber),
            ("1.005", YuanProblem::FractionOfFen),
            ("1234567890", YuanProblem::TooLarge),
        ] {
            assert_eq!(fen_from_yuan_text(typed, 9), Err(problem), "{typed}");
        }
        assert_eq!(
            fen_from_yuan_text("99999999999999999999", 30),
            Err(YuanProblem::TooLarge)
        );
    }

    proptest! {
        /// Whatever whole fen are written as yuan with two decimals read back the same.
        #[test]
        fn written_yuan_read_back_to_the_same_fen(fen in 0i64..100_000_000_000) {
            let typed = format!("{}.{:02}", fen / 100, fen % 100);
            prop_assert_eq!(fen_from_yuan_text(&typed, 9), Ok(fen));
        }
    }
}
