//! The demo's volunteers: 城悦志愿者工作室, led by 汤守英, with 包爷叔 and 唐女士 who catch
//! cats and 小李 who translates; last week's TNR trapping with their hours checked in and
//! out at the desk, and next week's haircuts for the elderly open for sign-up.

use super::Demo;
use axum::http::Method;
use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc};
use linli_domain::calendar::shanghai;
use serde_json::json;

/// `days` from `today` (negative: before), at `hour`:`minute` in Shanghai.
fn at(today: DateTime<Utc>, days: i64, hour: u32, minute: u32) -> DateTime<Utc> {
    let day = (today + Duration::days(days))
        .with_timezone(&shanghai())
        .date_naive();
    let time = NaiveTime::from_hms_opt(hour, minute, 0).unwrap_or_default();
    shanghai()
        .from_local_datetime(&day.and_time(time))
        .single()
        .map_or(today, |local| local.with_timezone(&Utc))
}

pub(super) async fn tell(demo: &Demo, today: DateTime<Utc>) -> anyhow::Result<()> {
    // Ten days ago the secretary sets up the team and the trapping.
    demo.at(at(today, -10, 10, 0));
    let leader = demo.person("desk").await?;
    let team = demo
        .call(
            "shuji",
            Method::POST,
            "/api/v1/volunteers/teams",
            json!({
                "name": "城悦志愿者工作室", "leader_person_id": leader,
            }),
        )
        .await?["id"]
        .as_i64();
    for (login, skills, availability, in_team) in [
        ("desk", vec!["接待", "翻译"], "工作日", true),
        ("bao", vec!["抓猫", "电工"], "每天上午", true),
        ("tang", vec!["抓猫", "喂猫"], "周末", true),
        ("li", vec!["翻译", "理发"], "周末下午", false),
    ] {
        demo.call(login, Method::PUT, "/api/v1/volunteers/profile", json!({
            "skills": skills, "availability": availability, "team_id": if in_team { team } else { None },
        }))
        .await?;
    }
    let (starts, ends) = (at(today, -8, 9, 0), at(today, -8, 11, 30));
    let trapping = demo
        .call("desk", Method::POST, "/api/v1/volunteers/activities", json!({
            "team_id": team, "title": "流浪猫诱捕（TNR 第一批）",
            "description": "在 9 号楼北侧布笼诱捕流浪猫，送宠物医院绝育后放回原地。请穿长袖、戴手套。",
            "place": "9号楼北侧绿地", "cut_off_minutes": 720,
            "shifts": [{ "starts_at": starts, "ends_at": ends, "capacity": 6 }],
        }))
        .await?["id"]
        .as_i64()
        .unwrap_or_default();
    let shift = demo
        .call(
            "desk",
            Method::GET,
            &format!("/api/v1/volunteers/activities/{trapping}"),
            json!(null),
        )
        .await?["shifts"][0]["id"]
        .as_i64()
        .unwrap_or_default();
    let path = |action: &str| format!("/api/v1/volunteers/shifts/{shift}/{action}");
    demo.at(at(today, -9, 20, 0));
    for login in ["bao", "tang", "li"] {
        demo.call(login, Method::POST, &path("sign-up"), json!({}))
            .await?;
    }
    // The morning itself: 汤守英 checks them in at the desk and out when they are done;
    // 小李 leaves early.
    for (login, arrives, leaves) in [
        ("bao", (8, 50), (11, 40)),
        ("tang", (9, 5), (11, 30)),
        ("li", (9, 20), (10, 30)),
    ] {
        let person = demo.person(login).await?;
        demo.at(at(today, -8, arrives.0, arrives.1));
        demo.call(
            "desk",
            Method::POST,
            &path("check-in"),
            json!({ "person_id": person }),
        )
        .await?;
        demo.at(at(today, -8, leaves.0, leaves.1));
        demo.call(
            "desk",
            Method::POST,
            &path("check-out"),
            json!({ "person_id": person }),
        )
        .await?;
    }

    // Next week: haircuts for residents over eighty, open for sign-up; 包爷叔 is in.
    demo.at(today);
    let haircuts = demo
        .call("shuji", Method::POST, "/api/v1/volunteers/activities", json!({
            "title": "敬老理发日", "description": "为 80 岁以上的老人免费理发，行动不便的上门服务。",
            "place": "居委会活动室", "cut_off_minutes": 1440,
            "shifts": [
                { "starts_at": at(today, 6, 9, 0), "ends_at": at(today, 6, 11, 0), "capacity": 4 },
                { "starts_at": at(today, 6, 14, 0), "ends_at": at(today, 6, 16, 0), "capacity": 4 },
            ],
        }))
        .await?["id"]
        .as_i64()
        .unwrap_or_default();
    let morning = demo
        .call(
            "shuji",
            Method::GET,
            &format!("/api/v1/volunteers/activities/{haircuts}"),
            json!(null),
        )
        .await?["shifts"][0]["id"]
        .as_i64()
        .unwrap_or_default();
    demo.call(
        "bao",
        Method::POST,
        &format!("/api/v1/volunteers/shifts/{morning}/sign-up"),
        json!({}),
    )
    .await?;
    Ok(())
}
