//! The demo's second half, as loaded by `the_demo_tells_the_story_of_112` (up to
//! 11月25日): two closed joint meetings, the camera project done, the TNR project under
//! way with three quotes and the ¥100 group price chosen, and its crowdfunding: ¥3,920
//! from 23 donors, one pledge still on its way, donors masked on the public ledger.

use crate::helpers::TestApp;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn public(app: &TestApp, path: &str) -> Value {
    app.request(Method::GET, path, None, None)
        .await
        .expect(StatusCode::OK)
        .clone()
}

pub async fn meetings_projects_and_funds(app: &TestApp, order_112: i64, order_113: i64) {
    let community = app.chengshangcheng().await;
    let shuji = app.token("shuji").await;
    let meetings = app
        .get(
            &format!("/api/v1/meetings?community_id={community}"),
            &shuji,
        )
        .await;
    let meetings = meetings.expect(StatusCode::OK).clone();
    let meetings = meetings
        .as_array()
        .or(meetings["items"].as_array())
        .unwrap()
        .clone();
    let days: Vec<(&str, &str)> = meetings
        .iter()
        .map(|meeting| {
            (
                meeting["starts_at"].as_str().unwrap(),
                meeting["status"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(
        days.contains(&("2026-10-29T06:00:00Z", "closed")),
        "{days:?}"
    );
    assert!(
        days.contains(&("2026-11-05T06:00:00Z", "closed")),
        "{days:?}"
    );

    let projects = public(app, &format!("/api/v1/projects?community_id={community}")).await;
    let projects = projects.as_array().unwrap();
    let by_title = |title: &str| {
        projects
            .iter()
            .find(|project| project["title"] == title)
            .unwrap_or_else(|| panic!("no project {title}: {projects:?}"))
            .clone()
    };
    let cameras = by_title("高空抛物楼栋安装监控");
    assert_eq!(cameras["status"], "completed");
    let tnr = by_title("流浪猫绝育（TNR）");
    assert_eq!(tnr["status"], "in_progress");
    let tnr = public(app, &format!("/api/v1/projects/{}", tnr["id"])).await;
    assert_eq!(tnr["quotes"].as_array().unwrap().len(), 3);
    assert_eq!(tnr["agreed_price_fen"], 400_000);
    assert_eq!(tnr["milestones"][0]["title"], "第一批 6 只");
    // 小李 helps with the first batch; the public sees how many, not who.
    assert_eq!(
        tnr["volunteers_per_milestone"],
        json!([{ "milestone_id": tnr["milestones"][0]["id"], "volunteers": 1 }])
    );
    assert!(!tnr.to_string().contains("小李"));
    let his = app
        .get(
            &format!("/api/v1/work-orders/{order_112}/projects"),
            &app.token("bao").await,
        )
        .await;
    assert_eq!(
        his.expect(StatusCode::OK)[0]["title"],
        "高空抛物楼栋安装监控"
    );
    let hers = app
        .get(
            &format!("/api/v1/work-orders/{order_113}/projects"),
            &app.token("tang").await,
        )
        .await;
    assert_eq!(hers.expect(StatusCode::OK)[0]["title"], "流浪猫绝育（TNR）");

    let campaigns = public(app, &format!("/api/v1/campaigns?community_id={community}")).await;
    let campaign = &campaigns.as_array().unwrap()[0];
    assert_eq!(campaign["project_id"], tnr["id"]);
    let detail = public(app, &format!("/api/v1/campaigns/{}", campaign["id"])).await;
    let figures = &detail["figures"];
    assert_eq!(
        (
            figures["raised_fen"].as_i64(),
            figures["pledged_fen"].as_i64(),
            figures["spent_fen"].as_i64()
        ),
        (Some(392_000), Some(5_000), Some(0)),
        "{figures}"
    );
    assert_eq!(figures["consistent"], true);
    let donors: Vec<&str> = detail["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["donor"].as_str().unwrap())
        .collect();
    assert_eq!(donors.len(), 23);
    assert!(
        donors.contains(&"唐**") && donors.contains(&"王**"),
        "{donors:?}"
    );
    assert_eq!(
        donors.iter().filter(|donor| **donor == "匿名").count(),
        4,
        "小李 and three at the desk"
    );
    let text = detail.to_string();
    for private in ["唐女士", "小李", "王阿姨", "赵奶奶", "13800000009"] {
        assert!(!text.contains(private), "{private} on the public ledger");
    }
    // The roster of the demo's last week (it ends on 11月25日): 汤守英 at the desk and
    // 张承一 on duty each working half-day.
    let roster = app
        .get("/api/v1/roster?week=2026-11-25", &app.token("shuji").await)
        .await;
    let shifts = roster.expect(StatusCode::OK)["shifts"]
        .as_array()
        .unwrap()
        .clone();
    let held = |post: &str, name: &str| {
        shifts
            .iter()
            .filter(|shift| shift["post"] == post && shift["name"] == name)
            .count()
    };
    assert_eq!((held("desk", "汤守英"), held("duty", "张承一")), (10, 10));
    assert_eq!(held("desk", "王德明"), 1, "a party representative sits in");
}

/// The demo's volunteers: 城悦志愿者工作室 and last week's trapping, checked in and out at
/// the desk; November's league adds up (包爷叔 160 minutes, 唐女士 145, 小李 70 without a team).
pub async fn volunteers(app: &TestApp) {
    let tang = app.token("tang").await;
    let league = app
        .get("/api/v1/volunteers/league?month=2026-11", &tang)
        .await;
    let league = league.expect(StatusCode::OK);
    assert_eq!(league["total_minutes"], 375, "{league}");
    assert_eq!(league["teams"][0]["name"], "城悦志愿者工作室");
    assert_eq!(
        (
            league["teams"][0]["minutes"].as_i64(),
            league["teams"][1]["minutes"].as_i64()
        ),
        (Some(305), Some(70))
    );
    assert_eq!(
        league["top"][0],
        json!({ "display_name": "包爷叔", "minutes": 160 })
    );
    let activities = app.get("/api/v1/volunteers/activities", &tang).await;
    let titles: Vec<&str> = activities
        .expect(StatusCode::OK)
        .as_array()
        .unwrap()
        .iter()
        .map(|activity| activity["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["敬老理发日", "流浪猫诱捕（TNR 第一批）"]);
    let certificate = app
        .get("/api/v1/volunteers/certificate", &app.token("bao").await)
        .await;
    assert_eq!(
        certificate.expect(StatusCode::OK)["team_name"],
        "城悦志愿者工作室"
    );
}
