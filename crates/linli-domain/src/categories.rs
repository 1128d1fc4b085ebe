//! The categories a community starts with, and their time limits after the practice of
//! the 12345 citizen hotlines: urgent 2 hours, water/power/gas 24 hours, small repairs
//! the same working day, general matters 7 working days, complex ones 15 and the weekly
//! joint meeting. Each community may change them.

use crate::calendar::TimeLimit;

pub struct DefaultCategory {
    pub code: &'static str,
    pub name: &'static str,
    pub name_en: &'static str,
    pub icon: &'static str,
    /// To be seen and dispatched (or turned away) by the duty officer.
    pub triage: TimeLimit,
    pub sign: TimeLimit,
    pub resolve: TimeLimit,
    pub complex: bool,
}

const SIGN_NORMAL: TimeLimit = TimeLimit::WorkingMinutes(2 * 60);
const SIGN_URGENT: TimeLimit = TimeLimit::CalendarMinutes(30);
const GENERAL: TimeLimit = TimeLimit::WorkingMinutes(7 * TimeLimit::WORKING_DAY_MINUTES);
const COMPLEX: TimeLimit = TimeLimit::WorkingMinutes(15 * TimeLimit::WORKING_DAY_MINUTES);

const fn category(
    code: &'static str,
    name: &'static str,
    name_en: &'static str,
    icon: &'static str,
    sign: TimeLimit,
    resolve: TimeLimit,
    complex: bool,
) -> DefaultCategory {
    DefaultCategory {
        code,
        name,
        name_en,
        icon,
        // Triage is as pressing as signing: 2 working hours, 30 minutes when urgent.
        triage: sign,
        sign,
        resolve,
        complex,
    }
}

pub const DEFAULT_CATEGORIES: [DefaultCategory; 12] = [
    category(
        "high_altitude_throwing",
        "高空抛物",
        "Things thrown from height",
        "🏢",
        SIGN_NORMAL,
        GENERAL,
        false,
    ),
    category(
        "corridor_lighting",
        "楼道照明",
        "Corridor lighting",
        "💡",
        SIGN_NORMAL,
        TimeLimit::SameWorkingDay,
        false,
    ),
    category(
        "illegal_parking",
        "乱停车",
        "Parking",
        "🚗",
        SIGN_NORMAL,
        GENERAL,
        false,
    ),
    category(
        "greenery",
        "绿化",
        "Greenery",
        "🌳",
        SIGN_NORMAL,
        GENERAL,
        false,
    ),
    category(
        "stray_animals",
        "流浪动物",
        "Stray animals",
        "🐈",
        SIGN_NORMAL,
        GENERAL,
        false,
    ),
    category("noise", "噪音", "Noise", "🔊", SIGN_NORMAL, GENERAL, false),
    category(
        "sanitation",
        "环境卫生",
        "Cleanliness",
        "🧹",
        SIGN_NORMAL,
        GENERAL,
        false,
    ),
    category(
        "repairs",
        "设施维修",
        "Repairs",
        "🔧",
        SIGN_NORMAL,
        TimeLimit::SameWorkingDay,
        false,
    ),
    category(
        "utilities",
        "水电气",
        "Water, power, gas",
        "🚰",
        SIGN_URGENT,
        TimeLimit::CalendarMinutes(24 * 60),
        false,
    ),
    category(
        "safety_hazard",
        "安全隐患",
        "Safety hazard",
        "⚠️",
        SIGN_URGENT,
        TimeLimit::CalendarMinutes(2 * 60),
        false,
    ),
    category(
        "neighbour_dispute",
        "邻里纠纷",
        "Neighbour dispute",
        "🤝",
        SIGN_NORMAL,
        COMPLEX,
        true,
    ),
    category("other", "其他", "Other", "📋", SIGN_NORMAL, GENERAL, false),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_limits_sensible() {
        let mut codes: Vec<&str> = DEFAULT_CATEGORIES
            .iter()
            .map(|category| category.code)
            .collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), DEFAULT_CATEGORIES.len());
        assert!(DEFAULT_CATEGORIES.iter().any(|category| category.complex));
    }
}
