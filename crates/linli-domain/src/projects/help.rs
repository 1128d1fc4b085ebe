//! Help on a project beyond money: volunteers who offer a skill (有力出力: "我有抓猫经验")
//! and are accepted for a batch, and the files that document the work (progress and
//! completion photos, a quote's photos or PDF). Pure.

use crate::access::{is_resident, is_staff};
use crate::error::ValidationError;
use crate::ids::CommunityId;
use crate::meetings::named_enum;
use crate::roles::Grant;
use serde::{Deserialize, Serialize};

named_enum!(
    /// Where a volunteer's offer stands: offered → accepted (for a batch) or declined;
    /// the volunteer may withdraw it until the project is over, and offer again.
    VolunteerStatus, "project.volunteer_status_unknown", "status" {
        Offered => "offered",
        Accepted => "accepted",
        Declined => "declined",
        Withdrawn => "withdrawn",
    }
);

named_enum!(
    /// What a project's file documents.
    FilePurpose, "project.file_purpose_unknown", "purpose" {
        /// A photo of a progress update.
        Update => "update",
        /// A quote's photo or PDF.
        Quote => "quote",
        /// A photo of the finished work, handed on to the work orders it resolves.
        Completion => "completion",
    }
);

/// Who may offer help on a community's project: its residents and its staff.
pub fn may_volunteer(grants: &[Grant], community: CommunityId) -> bool {
    is_resident(grants, community) || is_staff(grants, community)
}

/// The status an owner's decision on an offer leads to, or the refusal's stable code
/// (409): only an open offer is decided, and an accepted one may be moved to another
/// batch or declined after all.
pub fn decide(from: VolunteerStatus, accept: bool) -> Result<VolunteerStatus, &'static str> {
    match from {
        VolunteerStatus::Offered | VolunteerStatus::Accepted if accept => {
            Ok(VolunteerStatus::Accepted)
        }
        VolunteerStatus::Offered | VolunteerStatus::Accepted => Ok(VolunteerStatus::Declined),
        VolunteerStatus::Declined | VolunteerStatus::Withdrawn => Err("project.volunteer_closed"),
    }
}

/// A volunteer's own withdrawal: of an open or accepted offer.
pub fn withdraw(from: VolunteerStatus) -> Result<VolunteerStatus, &'static str> {
    match from {
        VolunteerStatus::Offered | VolunteerStatus::Accepted => Ok(VolunteerStatus::Withdrawn),
        VolunteerStatus::Declined | VolunteerStatus::Withdrawn => Err("project.volunteer_closed"),
    }
}

/// The kind of an uploaded document: a PDF by its signature, anything else is taken
/// for a photo (and checked as one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DocumentKind {
    Photo,
    Pdf,
}

impl DocumentKind {
    pub fn of(bytes: &[u8]) -> Self {
        if bytes.starts_with(b"%PDF-") {
            Self::Pdf
        } else {
            Self::Photo
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::Photo => "image/jpeg",
            Self::Pdf => "application/pdf",
        }
    }
}

/// A PDF must end as a PDF does (`%%EOF` near its end): a truncated upload is refused
/// rather than kept as evidence no one can open.
pub fn check_pdf(bytes: &[u8]) -> Result<(), ValidationError> {
    let tail = &bytes[bytes.len().saturating_sub(1024)..];
    if tail.windows(5).any(|window| window == b"%%EOF") {
        Ok(())
    } else {
        Err(ValidationError::new("project.document_invalid", "file"))
    }
}

/// What a volunteer says they can do: one line, 1–80 characters.
pub fn parse_skill(raw: &str) -> Result<String, ValidationError> {
    crate::meetings::parse_line(raw, "skill", 80)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_offer_is_decided_while_open_and_withdrawn_by_its_volunteer() {
        use VolunteerStatus as S;
        assert_eq!(decide(S::Offered, true), Ok(S::Accepted));
        assert_eq!(decide(S::Offered, false), Ok(S::Declined));
        assert_eq!(decide(S::Accepted, true), Ok(S::Accepted));
        assert_eq!(decide(S::Accepted, false), Ok(S::Declined));
        assert_eq!(decide(S::Withdrawn, true), Err("project.volunteer_closed"));
        assert_eq!(decide(S::Declined, true), Err("project.volunteer_closed"));
        assert_eq!(withdraw(S::Accepted), Ok(S::Withdrawn));
        assert_eq!(withdraw(S::Declined), Err("project.volunteer_closed"));
    }

    #[test]
    fn a_pdf_is_told_by_its_signature_and_must_be_whole() {
        let pdf = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n";
        assert_eq!(DocumentKind::of(pdf), DocumentKind::Pdf);
        assert_eq!(check_pdf(pdf), Ok(()));
        assert!(check_pdf(&pdf[..20]).is_err());
        assert_eq!(DocumentKind::of(&[0xFF, 0xD8, 0xFF]), DocumentKind::Photo);
    }
}
