//! The demo's partner units (区域化党建共建单位): the school, the health centre, the
//! police station and the pet clinic, two co-building activities, and two of them as
//! co-parties of the cameras and the TNR projects.

use super::Demo;
use super::meetings::Projects;
use axum::http::Method;
use chrono::{DateTime, Duration, Utc};
use serde_json::json;

pub(super) async fn tell(
    demo: &Demo,
    projects: &Projects,
    today: DateTime<Utc>,
) -> anyhow::Result<()> {
    let partner = |body: serde_json::Value| async move {
        let created = demo
            .call("shuji", Method::POST, "/api/v1/partners", body)
            .await?;
        anyhow::Ok(created["id"].as_i64().unwrap_or_default())
    };
    let school = partner(json!({
        "name": "城上城小学", "category": "school", "address": "城上城路 18 号",
        "contact_name": "陆老师", "contact_phone": "13800002101", "joined_on": "2024-09-01",
        "description": "小区对口小学。少先队员每月到社区做一次志愿服务。",
        "offers": ["venue", "volunteers"], "offer_details": "礼堂周末可借用，可容纳 200 人；操场暑期开放",
    }))
    .await?;
    let clinic = partner(json!({
        "name": "社区卫生服务中心", "category": "hospital", "address": "长寿路 210 号",
        "contact_name": "何医生", "contact_phone": "13800002102", "joined_on": "2023-03-15",
        "description": "家庭医生签约、慢病随访，每季度到小区义诊。",
        "offers": ["expertise", "venue"], "offer_details": "义诊、健康讲座；二楼会议室可借用",
    }))
    .await?;
    let police = partner(json!({
        "name": "长寿路派出所", "category": "police", "contact_name": "社区民警王警官",
        "contact_phone": "13800002103", "joined_on": "2023-03-15",
        "description": "社区民警每周二上午在合署办公服务中心坐班。",
        "offers": ["expertise"], "offer_details": "防诈骗讲座、高空抛物取证指导",
    }))
    .await?;
    let pet_clinic = partner(json!({
        "name": "安心宠物医院", "category": "enterprise", "address": "城上城路 66 号",
        "contact_name": "周院长", "contact_phone": "13800002104", "joined_on": "2026-11-05",
        "description": "小区门口的宠物医院，支持流浪猫 TNR。",
        "offers": ["expertise", "funds"], "offer_details": "流浪猫绝育手术按成本价，每只另捐 50 元",
    }))
    .await?;

    let day = |days: i64| (today - Duration::days(days)).date_naive().to_string();
    demo.call(
        "shuji",
        Method::POST,
        "/api/v1/partner-activities",
        json!({
            "title": "重阳节义诊", "held_on": day(40), "place": "合署办公服务中心",
            "residents_served": 86, "partner_ids": [clinic, school],
            "summary": "何医生团队为老人量血压、测血糖；少先队员帮忙引导、发放健康手册。",
        }),
    )
    .await?;
    demo.call("shuji", Method::POST, "/api/v1/partner-activities", json!({
        "title": "防范电信诈骗讲座", "held_on": day(12), "place": "城上城小学礼堂",
        "residents_served": 120, "partner_ids": [police, school],
        "summary": "王警官讲了冒充客服、刷单返利等常见骗局，现场帮 30 多位老人装上国家反诈中心 App。",
    }))
    .await?;
    if let Some(cameras) = projects.cameras {
        demo.call(
            "duty",
            Method::POST,
            &format!("/api/v1/projects/{cameras}/partners"),
            json!({
                "partner_id": police, "contribution": "指导探头点位，协助调取录像取证",
            }),
        )
        .await?;
    }
    if let Some(tnr) = projects.tnr {
        demo.call(
            "duty",
            Method::POST,
            &format!("/api/v1/projects/{tnr}/partners"),
            json!({
                "partner_id": pet_clinic, "contribution": "绝育手术按成本价，每只另捐 50 元",
            }),
        )
        .await?;
    }
    Ok(())
}
