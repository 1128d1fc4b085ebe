//! Who hears of what: the topics of the outbox, the audiences a message can go to, and
//! the default rule of each topic. A community may replace the rule of any topic (the
//! store keeps its choice); what is not replaced follows [`default_audiences`].

use crate::ValidationError;

/// The outbox topics people can be told of.
pub const TOPICS: [&str; 9] = [
    "work_order.submitted",
    "work_order.dispatched",
    "work_order.overdue",
    "work_order.resolved",
    "work_order.supervised",
    "work_order.returned",
    "work_order.urged",
    "work_order.extension_requested",
    "work_order.extension_decided",
];

/// The people a message about a work order can be sent to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Audience {
    /// 值班负责人: the duty officers of the community.
    DutyOfficers,
    /// 督办: the community's supervisors.
    Supervisors,
    /// 接待员: the reception desk.
    Receptionists,
    /// The handlers of the lead party (主责方).
    LeadParty,
    /// The handlers of the co-handling parties (协办方).
    CoHandlers,
    /// The resident who reported it (a guest reporter by SMS only: they have no inbox).
    Reporter,
    /// The residents who said "me too" (附议) or followed a merged duplicate.
    Followers,
}

impl Audience {
    pub const ALL: [Audience; 7] = [
        Audience::DutyOfficers,
        Audience::Supervisors,
        Audience::Receptionists,
        Audience::LeadParty,
        Audience::CoHandlers,
        Audience::Reporter,
        Audience::Followers,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Audience::DutyOfficers => "duty_officers",
            Audience::Supervisors => "supervisors",
            Audience::Receptionists => "receptionists",
            Audience::LeadParty => "lead_party",
            Audience::CoHandlers => "co_handlers",
            Audience::Reporter => "reporter",
            Audience::Followers => "followers",
        }
    }

    pub fn parse(text: &str) -> Result<Self, ValidationError> {
        Audience::ALL
            .into_iter()
            .find(|audience| audience.as_str() == text.trim())
            .ok_or_else(|| ValidationError::new("notification.audience_unknown", "audiences"))
    }
}

/// Whether `topic` is one people can be told of.
pub fn parse_topic(topic: &str) -> Result<&'static str, ValidationError> {
    TOPICS
        .into_iter()
        .find(|known| *known == topic.trim())
        .ok_or_else(|| ValidationError::new("notification.topic_unknown", "topic"))
}

/// The rule a community follows for a topic until it sets its own, after the practice
/// of the article's joint office: the handlers hear "来新单了！" of a dispatch, the duty
/// officer of anything that needs dispatching again, the supervisor of what is late.
pub fn default_audiences(topic: &str) -> &'static [Audience] {
    use Audience::*;
    match topic {
        "work_order.submitted" | "work_order.returned" | "work_order.extension_requested" => {
            &[DutyOfficers]
        }
        "work_order.dispatched"
        | "work_order.supervised"
        | "work_order.urged"
        | "work_order.extension_decided" => &[LeadParty],
        "work_order.overdue" => &[Supervisors, LeadParty],
        "work_order.resolved" => &[Reporter],
        _ => &[],
    }
}

/// Parses a list of audiences: each known, none repeated; sorted. An empty list is a
/// rule too (nobody's inbox hears of the topic; channels still may).
pub fn parse_audiences(texts: &[String]) -> Result<Vec<Audience>, ValidationError> {
    let mut audiences = texts
        .iter()
        .map(|text| Audience::parse(text))
        .collect::<Result<Vec<_>, _>>()?;
    let before = audiences.len();
    audiences.sort_unstable();
    audiences.dedup();
    if audiences.len() != before {
        return Err(ValidationError::new(
            "notification.audience_repeated",
            "audiences",
        ));
    }
    Ok(audiences)
}

/// The stored form of a rule: comma-separated audience names.
pub fn audiences_to_text(audiences: &[Audience]) -> String {
    audiences
        .iter()
        .map(|audience| audience.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

/// Reads a stored rule back; names this version does not know are skipped.
pub fn audiences_from_text(text: &str) -> Vec<Audience> {
    text.split(',')
        .filter(|name| !name.trim().is_empty())
        .filter_map(|name| Audience::parse(name).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_topic_has_a_default_audience() {
        for topic in TOPICS {
            assert!(!default_audiences(topic).is_empty(), "{topic}");
        }
        assert_eq!(
            default_audiences("work_order.dispatched"),
            &[Audience::LeadParty]
        );
    }

    #[test]
    fn audiences_parse_once_each_and_round_trip() {
        let parsed = parse_audiences(&["reporter".to_owned(), "lead_party".to_owned()]);
        assert_eq!(parsed, Ok(vec![Audience::LeadParty, Audience::Reporter]));
        let text = audiences_to_text(&[Audience::LeadParty, Audience::Reporter]);
        assert_eq!(text, "lead_party,reporter");
        assert_eq!(
            audiences_from_text(&text),
            vec![Audience::LeadParty, Audience::Reporter]
        );
        assert_eq!(audiences_from_text(""), Vec::<Audience>::new());
        assert_eq!(
            parse_audiences(&["reporter".to_owned(), "reporter".to_owned()])
                .map_err(|error| error.code),
            Err("notification.audience_repeated")
        );
        assert_eq!(
            parse_audiences(&["everyone".to_owned()]).map_err(|error| error.code),
            Err("notification.audience_unknown")
        );
    }

    #[test]
    fn unknown_topics_are_refused() {
        assert_eq!(
            parse_topic("work_order.dispatched"),
            Ok("work_order.dispatched")
        );
        assert!(parse_topic("work_order.exploded").is_err());
    }
}
