//! Joining without staff: the rules of sign-in codes (短信验证码) sent to a mobile
//! number, of claims of a room that a committee confirms, and of owners' invitations.
//!
//! Pure: the store keeps the codes (hashed) and counts what the limits need; this says
//! what a well-formed number or code is, how long a code lives, how many may be asked
//! for, and compares digests in constant time.

use crate::error::ValidationError;

pub mod roll;
use crate::meetings::named_enum;
use crate::registry::RoomRelation;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// How long a code may be used after it was sent.
pub const CODE_LIFETIME_MINUTES: i64 = 5;

/// Wrong guesses one code takes before it is spent.
pub const CODE_MAX_ATTEMPTS: i64 = 5;

/// The window over which the limits count codes asked for.
pub const LIMIT_WINDOW_MINUTES: i64 = 60;

/// Codes one number may be sent within the window.
pub const CODES_PER_PHONE: i64 = 5;

/// Codes one address may ask for within the window, whatever the numbers.
pub const CODES_PER_ADDRESS: i64 = 20;

/// The least time between two codes to one number.
pub const RESEND_AFTER_SECONDS: i64 = 60;

/// A mainland mobile number: 11 digits starting with 1 (spaces, dashes and a leading
/// `+86` are ignored). Landlines cannot receive a code.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct MobilePhone(String);

impl MobilePhone {
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        let compact: String = raw
            .trim()
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect();
        let digits = compact
            .strip_prefix("+86")
            .or_else(|| compact.strip_prefix("0086"))
            .unwrap_or(&compact);
        if digits.len() == 11
            && digits.starts_with('1')
            && digits.chars().all(|c| c.is_ascii_digit())
        {
            Ok(Self(digits.to_owned()))
        } else {
            Err(ValidationError::new("accounts.phone_invalid", "phone"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A sign-in code as typed: exactly 6 ASCII digits (spaces around are ignored).
#[derive(Clone, PartialEq, Eq)]
pub struct PhoneCode(String);

impl PhoneCode {
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        let code = raw.trim();
        if code.len() == 6 && code.chars().all(|c| c.is_ascii_digit()) {
            Ok(Self(code.to_owned()))
        } else {
            Err(ValidationError::new("accounts.code_malformed", "code"))
        }
    }

    /// A code from 4 random bytes: uniform over 000000–999999 (the bias of taking a
    /// 32-bit number modulo a million is below one in four thousand).
    pub fn from_random(bytes: [u8; 4]) -> Self {
        Self(format!("{:06}", u32::from_le_bytes(bytes) % 1_000_000))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for PhoneCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PhoneCode(******)")
    }
}

/// Whether two digests are equal, looking at every byte whatever the first difference
/// (so the time taken says nothing about how much of a guess was right).
pub fn same_digest(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// What the limits count for a request of a code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CodeRequests {
    /// Codes sent to this number within the window.
    pub to_phone: i64,
    /// When the last one to this number was sent.
    pub last_to_phone: Option<DateTime<Utc>>,
    /// Codes asked for from this address within the window.
    pub from_address: i64,
}

/// How long to wait before another code may be sent, in seconds; `None` when one may be
/// sent now. The same for every number, known or not: nothing here depends on an account.
pub fn code_wait(requests: &CodeRequests, now: DateTime<Utc>) -> Option<i64> {
    let window = Duration::minutes(LIMIT_WINDOW_MINUTES);
    if requests.from_address >= CODES_PER_ADDRESS || requests.to_phone >= CODES_PER_PHONE {
        return Some(window.num_seconds());
    }
    let last = requests.last_to_phone?;
    let wait = (last + Duration::seconds(RESEND_AFTER_SECONDS)) - now;
    (wait > Duration::zero()).then(|| wait.num_seconds().max(1))
}

named_enum!(
    /// Where a claim of a room stands.
    ClaimStatus, "accounts.claim_status_unknown", "status" {
        /// 待核实: waiting for the committee.
        Pending => "pending",
        /// 已确认: the person lives there now.
        Confirmed => "confirmed",
        /// 未通过: refused, with a reason.
        Refused => "refused",
    }
);

/// A committee's answer to a claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimDecision {
    Confirm,
    Refuse,
}

impl ClaimDecision {
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        match raw {
            "confirm" => Ok(Self::Confirm),
            "refuse" => Ok(Self::Refuse),
            _ => Err(ValidationError::new(
                "accounts.decision_unknown",
                "decision",
            )),
        }
    }
}

/// Which committee decides a claim: the owners' committee (业委会) for an owner, the
/// residents' committee (居委会) for family members and tenants.
pub fn deciding_committee(relation: RoomRelation) -> crate::registry::OrganisationKind {
    match relation {
        RoomRelation::Owner => crate::registry::OrganisationKind::OwnersCommittee,
        RoomRelation::Family | RoomRelation::Tenant => {
            crate::registry::OrganisationKind::ResidentsCommittee
        }
    }
}

/// Whether a committee of `kind` may decide a claim of `relation`: the residents'
/// committee decides every claim (it keeps the roll), the owners' committee decides
/// owners' claims.
pub fn may_decide(kind: crate::registry::OrganisationKind, relation: RoomRelation) -> bool {
    use crate::registry::OrganisationKind;
    match kind {
        OrganisationKind::ResidentsCommittee => true,
        OrganisationKind::OwnersCommittee => relation == RoomRelation::Owner,
        _ => false,
    }
}

/// The longest reason a refusal may give.
pub const REASON_MAX: usize = 200;

#[cfg(test)]
mod tests;
