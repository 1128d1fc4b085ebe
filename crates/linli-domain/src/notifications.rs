//! Who hears of what: the topics of the outbox, the audiences a message can go to, and
//! the default rule of each topic. A community may replace the rule of any topic (the
//! store keeps its choice); what is not replaced follows [`default_audiences`].

use crate::ValidationError;

/// What an outbox message is about. Every capability that tells people of something
/// adds its topics here, with a default audience and a describer in the fan-out
/// (`linli_app::notifications`), so that its messages reach inboxes and channels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Topic {
    WorkOrderSubmitted,
    WorkOrderDispatched,
    /// Told to the reporter: their report was seen and given to a party (已受理).
    WorkOrderAccepted,
    /// Told to the reporter: the lead party signed for it and is at work (已签收).
    WorkOrderSigned,
    WorkOrderOverdue,
    WorkOrderResolved,
    WorkOrderSupervised,
    WorkOrderReturned,
    WorkOrderUrged,
    WorkOrderExtensionRequested,
    WorkOrderExtensionDecided,
    /// A message the office sends to its staff, about no work order (a test message of
    /// a channel, an announcement).
    OfficeAnnouncement,
    /// Told to a campaign's treasurer: someone pledged (认捐) and the money is to come.
    FundPledged,
    /// Told to a campaign's donors: their money was spent, on what.
    FundSpent,
    /// Told to a person invited to a joint meeting: when and where.
    MeetingInvited,
    /// Told to the people invited to a meeting: it moved (time or place).
    MeetingMoved,
    /// Told to the people invited to a meeting: it was called off, and why.
    MeetingCancelled,
    /// Told to a notice's audience when an urgent notice is published (紧急通知).
    ContentUrgentNotice,
    /// Told to whoever asked for a duty swap: the supervisor approved or refused it.
    RosterSwapDecided,
    /// Told to a resident who offered help on a project: accepted for a batch, or not.
    ProjectHelpDecided,
    /// Told to a person who claimed a room: the committee confirmed it, or refused it
    /// and why.
    AccountsClaimDecided,
}

impl Topic {
    pub const ALL: [Topic; 21] = [
        Topic::WorkOrderSubmitted,
        Topic::WorkOrderDispatched,
        Topic::WorkOrderAccepted,
        Topic::WorkOrderSigned,
        Topic::WorkOrderOverdue,
        Topic::WorkOrderResolved,
        Topic::WorkOrderSupervised,
        Topic::WorkOrderReturned,
        Topic::WorkOrderUrged,
        Topic::WorkOrderExtensionRequested,
        Topic::WorkOrderExtensionDecided,
        Topic::OfficeAnnouncement,
        Topic::FundPledged,
        Topic::FundSpent,
        Topic::MeetingInvited,
        Topic::MeetingMoved,
        Topic::MeetingCancelled,
        Topic::ContentUrgentNotice,
        Topic::RosterSwapDecided,
        Topic::ProjectHelpDecided,
        Topic::AccountsClaimDecided,
    ];

    /// The stored and published name (`work_order.dispatched`).
    pub fn as_str(self) -> &'static str {
        match self {
            Topic::WorkOrderSubmitted => "work_order.submitted",
            Topic::WorkOrderDispatched => "work_order.dispatched",
            Topic::WorkOrderAccepted => "work_order.accepted",
            Topic::WorkOrderSigned => "work_order.signed",
            Topic::WorkOrderOverdue => "work_order.overdue",
            Topic::WorkOrderResolved => "work_order.resolved",
            Topic::WorkOrderSupervised => "work_order.supervised",
            Topic::WorkOrderReturned => "work_order.returned",
            Topic::WorkOrderUrged => "work_order.urged",
            Topic::WorkOrderExtensionRequested => "work_order.extension_requested",
            Topic::WorkOrderExtensionDecided => "work_order.extension_decided",
            Topic::OfficeAnnouncement => "office.announcement",
            Topic::FundPledged => "fund.pledged",
            Topic::FundSpent => "fund.spent",
            Topic::MeetingInvited => "meeting.invited",
            Topic::MeetingMoved => "meeting.moved",
            Topic::MeetingCancelled => "meeting.cancelled",
            Topic::ContentUrgentNotice => "content.urgent_notice",
            Topic::RosterSwapDecided => "roster.swap_decided",
            Topic::ProjectHelpDecided => "project.help_decided",
            Topic::AccountsClaimDecided => "accounts.claim_decided",
        }
    }

    /// A topic by its name.
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        Topic::ALL
            .into_iter()
            .find(|topic| topic.as_str() == raw.trim())
            .ok_or_else(|| ValidationError::new("notification.topic_unknown", "topic"))
    }

    /// Whether the topic is about one work order (its outbox rows name it).
    pub fn is_about_a_work_order(self) -> bool {
        !matches!(
            self,
            Topic::OfficeAnnouncement
                | Topic::FundPledged
                | Topic::FundSpent
                | Topic::MeetingInvited
                | Topic::MeetingMoved
                | Topic::MeetingCancelled
                | Topic::ContentUrgentNotice
                | Topic::RosterSwapDecided
                | Topic::ProjectHelpDecided
                | Topic::AccountsClaimDecided
        )
    }

    /// Whether a community chooses who hears of the topic. A campaign's messages go to
    /// the people the campaign names (its treasurer, its donors), a meeting's to the
    /// people it invited, whatever the rules.
    pub fn has_rule(self) -> bool {
        !self.has_fixed_audience()
    }

    /// The topics whose message names its own recipients.
    pub fn has_fixed_audience(self) -> bool {
        matches!(
            self,
            Topic::FundPledged
                | Topic::FundSpent
                | Topic::MeetingInvited
                | Topic::MeetingMoved
                | Topic::MeetingCancelled
                | Topic::ContentUrgentNotice
                | Topic::RosterSwapDecided
                | Topic::ProjectHelpDecided
                | Topic::AccountsClaimDecided
        )
    }

    /// The rule a community follows for the topic until it sets its own, after the
    /// practice of the article's joint office: the handlers hear "来新单了！" of a
    /// dispatch, the duty officer of anything that needs dispatching again, the
    /// supervisor of what is late.
    pub fn default_audiences(self) -> &'static [Audience] {
        use Audience::*;
        match self {
            Topic::WorkOrderSubmitted
            | Topic::WorkOrderReturned
            | Topic::WorkOrderExtensionRequested => &[DutyOfficers],
            Topic::WorkOrderDispatched
            | Topic::WorkOrderSupervised
            | Topic::WorkOrderUrged
            | Topic::WorkOrderExtensionDecided => &[LeadParty],
            Topic::WorkOrderOverdue => &[Supervisors, LeadParty],
            // The reporter hears of each step of their own report: 已受理, 已签收, 已办结.
            Topic::WorkOrderAccepted | Topic::WorkOrderSigned | Topic::WorkOrderResolved => {
                &[Reporter]
            }
            Topic::OfficeAnnouncement => &[DutyOfficers, Supervisors, Receptionists],
            Topic::FundPledged
            | Topic::FundSpent
            | Topic::MeetingInvited
            | Topic::MeetingMoved
            | Topic::MeetingCancelled
            | Topic::ContentUrgentNotice
            | Topic::RosterSwapDecided
            | Topic::ProjectHelpDecided
            | Topic::AccountsClaimDecided => &[],
        }
    }
}

impl std::fmt::Display for Topic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

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
    fn every_topic_with_a_rule_has_a_default_audience_and_round_trips() {
        for topic in Topic::ALL {
            // A fund topic's audience is fixed (the treasurer, the donors), so it has no rule.
            assert_eq!(
                topic.has_rule(),
                !topic.default_audiences().is_empty(),
                "{topic}"
            );
            assert_eq!(Topic::parse(topic.as_str()), Ok(topic));
        }
        assert_eq!(
            Topic::WorkOrderDispatched.default_audiences(),
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
            Topic::parse("work_order.dispatched"),
            Ok(Topic::WorkOrderDispatched)
        );
        assert!(Topic::parse("work_order.exploded").is_err());
    }
}
