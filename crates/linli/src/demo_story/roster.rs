//! The demo's duty roster: this week's half-days, 汤守英 at the desk and 张承一 on duty,
//! with a party representative and a volunteer of 城悦志愿者工作室 sitting in on some
//! mornings, as the party branch wants ("党代表、居民代表、社会组织等一起来'坐镇'").

use super::Demo;
use axum::http::Method;
use chrono::{DateTime, Datelike, Utc};
use linli_domain::calendar::shanghai;
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
