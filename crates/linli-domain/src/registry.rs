//! Values of the community registry, parsed once at the edge so the rest of the code can
//! trust them: a [`Login`] is always well-formed, a [`Password`] always long enough.

use crate::error::ValidationError;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The password every demo account has. It is refused everywhere outside demo mode.
pub const DEMO_PASSWORD: &str = "linli-demo";

fn char_count(s: &str) -> usize {
    s.chars().count()
}

/// A sign-in name: 2–32 characters of lowercase ASCII letters, digits, `.`, `_`, `-`,
/// starting with a letter or digit. Compared case-insensitively (stored lowercase).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Login(String);

impl Login {
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        let login = raw.trim().to_ascii_lowercase();
        let well_formed = (2..=32).contains(&login.len())
            && login
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c))
            && login
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphanumeric());
        if well_formed {
            Ok(Self(login))
        } else {
            Err(ValidationError::new("registry.login_invalid", "login"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Login {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A password as typed: 8–128 characters, not all the same character, and never the
/// published demo password unless the server runs in demo mode.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    pub fn parse(raw: &str, demo_mode: bool) -> Result<Self, ValidationError> {
        let len = char_count(raw);
        if !(8..=128).contains(&len) {
            return Err(ValidationError::new("auth.password_length", "password"));
        }
        let mut chars = raw.chars();
        let first = chars.next();
        if chars.all(|c| Some(c) == first) {
            return Err(ValidationError::new("auth.password_too_simple", "password"));
        }
        if raw == DEMO_PASSWORD && !demo_mode {
            return Err(ValidationError::new(
                "auth.demo_password_refused",
                "password",
            ));
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

/// A name shown to people (a person, an organisation, a community, a building label):
/// trimmed, 1–`max` characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Name(String);

impl Name {
    pub fn parse(raw: &str, field: &'static str, max: usize) -> Result<Self, ValidationError> {
        let name = raw.trim();
        if name.is_empty() {
            return Err(ValidationError::new("validation.required", field));
        }
        if char_count(name) > max {
            return Err(ValidationError::too_long(field, max));
        }
        if name.chars().any(char::is_control) {
            return Err(ValidationError::new("validation.control_characters", field));
        }
        Ok(Self(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// A phone number: a mainland mobile (11 digits starting with 1) or a landline of 7–12
/// digits with an optional area-code dash (021-6xxxxxxx). Spaces are ignored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Phone(String);

impl Phone {
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        let phone: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
        let digits = phone.chars().filter(char::is_ascii_digit).count();
        let only_digits_and_one_dash = phone.chars().all(|c| c.is_ascii_digit() || c == '-')
            && phone.matches('-').count() <= 1
            && !phone.starts_with('-')
            && !phone.ends_with('-');
        let mobile = digits == 11 && phone.starts_with('1') && !phone.contains('-');
        let landline = (7..=12).contains(&digits) && !phone.starts_with('1');
        if only_digits_and_one_dash && (mobile || landline) {
            Ok(Self(phone))
        } else {
            Err(ValidationError::new("registry.phone_invalid", "phone"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// What people without a need to know see: `138****5678`.
    pub fn masked(raw: &str) -> String {
        let chars: Vec<char> = raw.chars().collect();
        if chars.len() < 7 {
            return "****".to_owned();
        }
        let head: String = chars[..3].iter().collect();
        let tail: String = chars[chars.len() - 4..].iter().collect();
        format!("{head}****{tail}")
    }
}

/// The kinds of organisation that share a community's joint office.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrganisationKind {
    /// 居委会
    ResidentsCommittee,
    /// 业委会
    OwnersCommittee,
    /// 物业
    PropertyCompany,
    /// 党总支
    PartyBranch,
    /// 志愿者工作室
    VolunteerStudio,
    /// 区域化党建共建单位
    PartnerUnit,
    /// 供应商
    Vendor,
}

impl OrganisationKind {
    pub const ALL: [Self; 7] = [
        Self::ResidentsCommittee,
        Self::OwnersCommittee,
        Self::PropertyCompany,
        Self::PartyBranch,
        Self::VolunteerStudio,
        Self::PartnerUnit,
        Self::Vendor,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::ResidentsCommittee => "residents_committee",
            Self::OwnersCommittee => "owners_committee",
            Self::PropertyCompany => "property_company",
            Self::PartyBranch => "party_branch",
            Self::VolunteerStudio => "volunteer_studio",
            Self::PartnerUnit => "partner_unit",
            Self::Vendor => "vendor",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.as_str() == raw)
            .ok_or(ValidationError::new(
                "registry.organisation_kind_unknown",
                "kind",
            ))
    }
}

/// How a person is tied to a room.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoomRelation {
    Owner,
    Tenant,
    Family,
}

impl RoomRelation {
    pub const ALL: [Self; 3] = [Self::Owner, Self::Tenant, Self::Family];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Owner => "owner",
            Self::Tenant => "tenant",
            Self::Family => "family",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        Self::ALL
            .into_iter()
            .find(|relation| relation.as_str() == raw)
            .ok_or(ValidationError::new(
                "registry.room_relation_unknown",
                "relation",
            ))
    }
}

/// An inclusive range of small numbers for bulk set-up: buildings 1–22, floors 1–18.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct NumberRange {
    pub from: u32,
    pub to: u32,
}

impl NumberRange {
    pub fn new(from: u32, to: u32, field: &'static str, max: u32) -> Result<Self, ValidationError> {
        if from == 0 || from > to {
            return Err(ValidationError::new("registry.range_invalid", field));
        }
        if to > max {
            return Err(ValidationError::new("registry.range_too_large", field));
        }
        Ok(Self { from, to })
    }

    pub fn iter(self) -> impl Iterator<Item = u32> {
        self.from..=self.to
    }

    pub fn len(self) -> u32 {
        self.to - self.from + 1
    }

    pub fn is_empty(self) -> bool {
        false
    }
}

/// A building laid out in bulk: which floors and how many rooms per floor, numbered as
/// Chinese estates number them (floor 18, room 2 → `1802`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BuildingLayout {
    pub units: NumberRange,
    pub floors: NumberRange,
    pub rooms_per_floor: NumberRange,
}

impl BuildingLayout {
    /// Most rooms one request may create, so one mistyped range cannot fill the disk.
    pub const MAX_ROOMS: u32 = 200_000;

    pub fn new(units: NumberRange, floors: NumberRange, rooms_per_floor: NumberRange) -> Self {
        Self {
            units,
            floors,
            rooms_per_floor,
        }
    }

    pub fn room_number(floor: u32, room: u32) -> String {
        format!("{floor}{room:02}")
    }

    pub fn rooms_per_building(&self) -> u32 {
        self.units.len() * self.floors.len() * self.rooms_per_floor.len()
    }

    /// Refuses a layout of more than [`Self::MAX_ROOMS`] rooms over `buildings`.
    pub fn check_size(&self, buildings: NumberRange) -> Result<(), ValidationError> {
        if buildings.len().saturating_mul(self.rooms_per_building()) > Self::MAX_ROOMS {
            return Err(ValidationError::new(
                "registry.layout_too_large",
                "buildings",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn login_is_lowercased_and_checked() {
        assert_eq!(
            Login::parse(" Bao ").map(|l| l.to_string()),
            Ok("bao".to_owned())
        );
        assert!(Login::parse("a").is_err());
        assert!(Login::parse("li").is_ok());
        assert!(Login::parse("_bao").is_err());
        assert!(Login::parse("包爷叔").is_err());
        assert!(Login::parse(&"a".repeat(33)).is_err());
        assert!(Login::parse("zhang.chengyi-1").is_ok());
    }

    #[test]
    fn password_rules() {
        assert_eq!(
            Password::parse("short", false).err().map(|e| e.code),
            Some("auth.password_length")
        );
        assert_eq!(
            Password::parse("aaaaaaaaaa", false).err().map(|e| e.code),
            Some("auth.password_too_simple")
        );
        assert_eq!(
            Password::parse(DEMO_PASSWORD, false).err().map(|e| e.code),
            Some("auth.demo_password_refused")
        );
        assert!(Password::parse(DEMO_PASSWORD, true).is_ok());
        assert!(Password::parse("城上城的密码2026", false).is_ok());
        assert_eq!(
            format!("{:?}", Password::parse("secret-123", false)),
            "Ok(Password(***))"
        );
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(
            Name::parse("  季云 ", "display_name", 40).map(Name::into_string),
            Ok("季云".to_owned())
        );
        assert_eq!(
            Name::parse("   ", "display_name", 40).err().map(|e| e.code),
            Some("validation.required")
        );
        assert_eq!(
            Name::parse("一二三", "name", 2).err().map(|e| e.code),
            Some("validation.too_long")
        );
        assert_eq!(
            Name::parse("a\u{7}b", "name", 9).err().map(|e| e.code),
            Some("validation.control_characters")
        );
    }

    #[test]
    fn phones() {
        assert!(Phone::parse("138 0013 8000").is_ok());
        assert!(Phone::parse("021-62345678").is_ok());
        assert!(Phone::parse("1380013800").is_err());
        assert!(Phone::parse("phone").is_err());
        assert!(Phone::parse("021--6234").is_err());
        assert_eq!(Phone::masked("13800138000"), "138****8000");
        assert_eq!(Phone::masked("123"), "****");
    }

    #[test]
    fn enums_round_trip() {
        for kind in OrganisationKind::ALL {
            assert_eq!(OrganisationKind::parse(kind.as_str()), Ok(kind));
        }
        for relation in RoomRelation::ALL {
            assert_eq!(RoomRelation::parse(relation.as_str()), Ok(relation));
        }
        assert!(OrganisationKind::parse("mafia").is_err());
    }

    #[test]
    fn ranges_and_room_numbers() {
        assert!(NumberRange::new(0, 3, "units", 10).is_err());
        assert!(NumberRange::new(4, 3, "units", 10).is_err());
        assert_eq!(
            NumberRange::new(1, 11, "units", 10).err().map(|e| e.code),
            Some("registry.range_too_large")
        );
        let floors =
            NumberRange::new(1, 18, "floors", 200).unwrap_or(NumberRange { from: 1, to: 1 });
        assert_eq!(floors.len(), 18);
        assert_eq!(BuildingLayout::room_number(18, 2), "1802");
        assert_eq!(BuildingLayout::room_number(3, 12), "312");
        let range = |from, to| NumberRange { from, to };
        let layout = BuildingLayout::new(range(1, 2), range(1, 18), range(1, 4));
        assert_eq!(layout.rooms_per_building(), 144);
        assert!(layout.check_size(range(1, 22)).is_ok());
        assert_eq!(
            BuildingLayout::new(range(1, 2), range(1, 99), range(1, 4))
                .check_size(range(1, 999))
                .err()
                .map(|e| e.code),
            Some("registry.layout_too_large")
        );
    }
}
