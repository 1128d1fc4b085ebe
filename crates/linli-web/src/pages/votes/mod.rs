//! The owners' votes' pages (业主表决): the list with the 业委会's set-up form
//! (`list.rs`); a vote's page (`page.rs`) — for an owner one tap per option on the
//! phone, large enough in 长辈版 (`?large=1` turns it on for the page); for the 业委会 and
//! the supervisor the draft's readiness, the open button and the live turnout with who
//! has voted (never how); for the desk the paper-ballot form with its scan — and the
//! published result (`result.rs`), a notice to print and post.

mod list;
mod page;
mod result;

pub use list::{create_vote, votes_page};
pub use page::{vote_action, vote_page, vote_paper, vote_scan};
pub use result::result_page;

use crate::locale::text;
use linli_app::votes::VoteResult;
use linli_domain::votes::{Decision, MatterType, Phase};

/// `89.51 m²`.
pub fn area(cm2: i64) -> String {
    linli_app::votes::area_text(cm2)
}

/// `part` of `whole` as a share to a tenth of a percent, `66.7%`; integers only, cut
/// (never rounded up past a threshold it did not reach).
pub fn percent(part: i64, whole: i64) -> String {
    if whole <= 0 {
        return "—".to_owned();
    }
    let tenths = i128::from(part) * 1000 / i128::from(whole);
    format!("{}.{}%", tenths / 10, tenths % 10)
}

pub fn matter_label(matter: MatterType) -> String {
    text(&format!("page.votes.matter.{}", matter.as_str()), &[])
}

pub fn phase_label(phase: Phase) -> String {
    text(&format!("page.votes.phase.{}", phase.as_str()), &[])
}

/// The rule the count applies, in words.
pub fn rule_text(matter: MatterType) -> String {
    let key = if matter.needs_three_quarters() {
        "page.votes.rule.three_quarters"
    } else {
        "page.votes.rule.half"
    };
    text(key, &[])
}

/// One option's line of a published count.
pub struct OptionLine {
    pub label: String,
    pub owners: i64,
    pub owners_share: String,
    pub area: String,
    pub area_share: String,
    pub carried: bool,
}

/// A published count, in words and figures.
pub struct ResultView {
    pub decision: &'static str,
    pub decision_text: String,
    pub participation: String,
    pub options: Vec<OptionLine>,
}

pub fn result_view(result: &VoteResult) -> ResultView {
    let options: Vec<OptionLine> = result
        .options
        .iter()
        .map(|option| OptionLine {
            label: option.option.label.clone(),
            owners: option.figures.approving_owners,
            owners_share: percent(option.figures.approving_owners, result.participating_owners),
            area: area(option.figures.approving_area_cm2),
            area_share: percent(
                option.figures.approving_area_cm2,
                result.participating_area_cm2,
            ),
            carried: option.carried,
        })
        .collect();
    let (decision, decision_text) = match result.decision {
        Decision::NotQuorate => ("not_quorate", text("page.votes.decision.not_quorate", &[])),
        Decision::NoneCarried => (
            "none_carried",
            text("page.votes.decision.none_carried", &[]),
        ),
        Decision::Carried(index) => {
            let line = options.get(index);
            (
                "carried",
                text(
                    "page.votes.decision.carried",
                    &[
                        (
                            "option",
                            line.map(|line| line.label.clone()).unwrap_or_default(),
                        ),
                        (
                            "owners",
                            line.map(|line| line.owners_share.clone())
                                .unwrap_or_default(),
                        ),
                        (
                            "area",
                            line.map(|line| line.area_share.clone()).unwrap_or_default(),
                        ),
                    ],
                ),
            )
        }
    };
    let participation = text(
        "page.votes.participation",
        &[
            ("owners", result.participating_owners.to_string()),
            ("total_owners", result.total_owners.to_string()),
            (
                "owners_share",
                percent(result.participating_owners, result.total_owners),
            ),
            ("area", area(result.participating_area_cm2)),
            ("total_area", area(result.total_area_cm2)),
            (
                "area_share",
                percent(result.participating_area_cm2, result.total_area_cm2),
            ),
        ],
    );
    ResultView {
        decision,
        decision_text,
        participation,
        options,
    }
}

#[cfg(test)]
mod tests {
    use super::percent;

    #[test]
    fn shares_are_cut_to_a_tenth_of_a_percent_never_rounded_up() {
        assert_eq!(percent(2, 3), "66.6%");
        assert_eq!(percent(3, 4), "75.0%");
        assert_eq!(percent(1, 1), "100.0%");
        assert_eq!(percent(0, 5), "0.0%");
        assert_eq!(percent(1, 0), "—");
        // One square centimetre short of ⅔ of 3 m² does not read as 66.7%.
        assert_eq!(percent(19_999, 30_000), "66.6%");
    }
}
