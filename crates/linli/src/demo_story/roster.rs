//! The demo's duty roster: this week's half-days, 汤守英 at the desk and 张承一 on duty,
//! with a party representative and a volunteer of 城悦志愿者工作室 sitting in on some
//! mornings, as the party branch wants ("党代表、居民代表、社会组织等一起来'坐镇'").

use super::{Demo, OWNERS_COMMITTEE, PROPERTY, RESIDENTS_COMMITTEE};
use axum::http::Method;
use chrono::{DateTime, Datelike, Utc};
use linli_domain::calendar::shanghai;
use linli_domain::ids::CommunityId;
use linli_domain::roster::week_of;
use serde_json::json;

pub(super) async fn tell(demo: &Demo, today: DateTime<Utc>) -> anyhow::Result<()> {
    let (desk, duty) = (demo.person("desk").await?, demo.person("duty").await?);
    let monday = week_of(today.with_timezone(&shanghai()).date_naive());
    for offset in 0..5 {
        let day = (monday + chrono::Days::new(offset)).to_string();
        for half in ["am", "pm"] {
            for (post, person) in [("desk", desk), ("duty", duty)] {
                demo.call(
                    "shuji",
                    Method::POST,
                    "/api/v1/roster/shifts",
                    json!({
                        "day": day, "half": half, "post": post, "person_id": person,
                    }),
                )
                .await?;
            }
        }
        let guest = match (monday + chrono::Days::new(offset))
            .weekday()
            .num_days_from_monday()
        {
            1 => Some(("王德明", "党代表")),
            3 => Some(("陈晓燕", "城悦志愿者工作室")),
            _ => None,
        };
        if let Some((name, represents)) = guest {
            demo.call("shuji", Method::POST, "/api/v1/roster/shifts", json!({
                "day": day, "half": "am", "post": "desk", "name": name, "represents": represents,
            }))
            .await?;
        }
    }
    Ok(())
}

/// The responsibility charter on the office wall: for each of the twelve categories, the
/// party that usually leads and those that co-handle (the dispatch form suggests them).
pub(super) async fn charter(demo: &Demo) -> anyhow::Result<()> {
    let id = |name: &str| demo.organisations.get(name).copied();
    let (property, residents, owners) =
        (id(PROPERTY), id(RESIDENTS_COMMITTEE), id(OWNERS_COMMITTEE));
    for mut category in demo.store.categories(CommunityId(demo.community)).await? {
        let (lead, co) = match category.code.as_str() {
            "high_altitude_throwing" | "safety_hazard" => (property, vec![residents]),
            "illegal_parking" | "repairs" => (property, vec![owners]),
            "stray_animals" => (residents, vec![property]),
            "noise" | "neighbour_dispute" | "other" => (residents, Vec::new()),
            _ => (property, Vec::new()),
        };
        category.default_lead_organisation_id = lead;
        category.default_co_handler_ids = co
            .into_iter()
            .flatten()
            .map(|organisation| organisation.to_string())
            .collect::<Vec<_>>()
            .join(",");
        demo.store
            .update_category(
                &category,
                None,
                linli_domain::clock::Clock::now(&demo.clock),
            )
            .await?;
    }
    Ok(())
}
