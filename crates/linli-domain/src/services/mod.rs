//! The directory of services (办事指南): where to go and how, for the errands residents
//! ask the desk about — "想要得知办理上海市居住证流程，点击相关链接即能成功跳转". Pure.

use crate::access::holds;
use crate::error::ValidationError;
use crate::ids::CommunityId;
use crate::meetings::{named_enum, parse_line};
use crate::roles::{Grant, Role};
use serde::{Deserialize, Serialize};

named_enum!(
    /// What an errand is about.
    ServiceCategory, "service.category_unknown", "category" {
        /// 证照
        Licences => "licences",
        /// 社保
        SocialSecurity => "social_security",
        /// 医疗
        Medical => "medical",
        /// 养老
        Elderly => "elderly",
        /// 教育
        Education => "education",
        /// 住房
        Housing => "housing",
        /// 其他
        Other => "other",
    }
);

/// Who keeps the directory: the community's supervisor and duty officer.
pub fn may_edit(grants: &[Grant], community: CommunityId) -> bool {
    holds(grants, Role::Supervisor, community) || holds(grants, Role::DutyOfficer, community)
}

/// An official link: `https://` (or `http://`) to a host, at most 500 characters; nothing
/// that a browser would run (`javascript:`, `data:`).
pub fn parse_url(raw: &str) -> Result<String, ValidationError> {
    let url = raw.trim();
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    let host = rest.map(|rest| rest.split(['/', '?', '#']).next().unwrap_or_default());
    let well_formed = host.is_some_and(|host| {
        !host.is_empty()
            && host.contains('.')
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':'))
    });
    if !well_formed || url.chars().count() > 500 || url.chars().any(char::is_whitespace) {
        return Err(ValidationError::new("service.url_invalid", "url"));
    }
    Ok(url.to_owned())
}

/// A title: one line, 1–60 characters.
pub fn parse_title(raw: &str) -> Result<String, ValidationError> {
    parse_line(raw, "title", 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_links_to_a_host_are_kept() {
        assert!(parse_url("https://www.shanghai.gov.cn/nw12344/index.html").is_ok());
        assert!(parse_url(" http://rsj.sh.gov.cn ").is_ok());
        for bad in [
            "javascript:alert(1)",
            "data:text/html,x",
            "https://",
            "ftp://x.cn",
            "https://a b.cn",
            "www.sh.gov.cn",
            "https://localhost",
        ] {
            assert!(parse_url(bad).is_err(), "{bad}");
        }
    }
}
