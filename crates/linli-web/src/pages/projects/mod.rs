//! The projects' pages (项目化运作): the office's list and project page — status moves,
//! quotes (比价) and the choice (中标), milestones or batches, progress, completion — and
//! the public list and page anyone may read without signing in, which show only what the
//! public API shows (no resident's personal data, no vendor contact, no recommender). A
//! resident of the community may recommend a vendor there. Money is typed in yuan and
//! kept in whole fen.

mod list;
mod page;
mod work;

pub use list::{projects_page, public_projects_page};
pub use page::{project_page, public_project_page};
pub use work::{offer_help, project_action, recommend};

use crate::error::ApiError;
use crate::locale::text;
use linli_domain::ValidationError;
use linli_domain::projects::Fen;

/// An amount typed in yuan ("120", "120.5", "120.50", "¥1,200") as whole fen; a
/// non-number, a negative amount or a fraction of a fen is refused for `field` (the use
/// case's name of it), never rounded. Zero is allowed (a free quote).
pub fn fen_from_yuan(raw: &str, field: &'static str) -> Result<i64, ApiError> {
    use linli_domain::money::{YuanProblem, fen_from_yuan_text};
    // Nine digits of whole yuan: more than any project takes.
    fen_from_yuan_text(raw, 9).map_err(|problem| {
        let code = match problem {
            YuanProblem::Negative => "page.error.money_negative",
            _ => "page.error.money_invalid",
        };
        ValidationError::new(code, field).into()
    })
}

/// ¥1,234.50 as people read it.
pub fn yuan(fen: i64) -> String {
    Fen::parse(fen, "amount").map_or_else(|_| String::new(), Fen::yuan_text)
}

/// A project's status in words.
pub fn status_label(status: &str) -> String {
    text(&format!("page.projects.status.{status}"), &[])
}

/// Funding sources (`public_income,crowdfunding`) in words.
pub fn funding_label(sources: &str) -> String {
    sources
        .split(',')
        .map(str::trim)
        .filter(|source| !source.is_empty())
        .map(|source| text(&format!("page.projects.funding.{source}"), &[]))
        .collect::<Vec<_>>()
        .join("、")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::fen_from_yuan;

    #[test]
    fn yuan_typed_on_a_form_is_whole_fen_exactly() {
        assert_eq!(fen_from_yuan("120", "x").unwrap(), 12_000);
        assert_eq!(fen_from_yuan("120.50", "x").unwrap(), 12_050);
        assert_eq!(fen_from_yuan("120.5", "x").unwrap(), 12_050);
        assert_eq!(fen_from_yuan(" ¥1,200 ", "x").unwrap(), 120_000);
        assert_eq!(fen_from_yuan("0", "x").unwrap(), 0);
        for bad in ["", "abc", "12元", "1.005", "1e3", "１２"] {
            let error = fen_from_yuan(bad, "x").unwrap_err();
            assert_eq!(error.code, "page.error.money_invalid", "{bad}");
        }
        assert_eq!(
            fen_from_yuan("-5", "x").unwrap_err().code,
            "page.error.money_negative"
        );
        assert!(fen_from_yuan("99999999999999999999", "x").is_err());
    }
}
