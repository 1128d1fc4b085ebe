//! The demo's community information (issue 18): news of the joint office's opening and
//! of the cat project, a pinned notice of the cameras, a notice of the National Day duty
//! that has expired, a staff notice of Thursday's joint meeting (read receipts), and the
//! 财务公开 of the TNR crowdfunding, written by the 居委会 and approved by 季云. All
//! through the real HTTP API as the demo people, on a clock set to each moment; loading
//! twice adds nothing.

use crate::demo_votes::{Caller, at_hour, person_of};
use axum::http::Method;
use chrono::{DateTime, Duration, Utc};
use linli_domain::clock::ManualClock;
use linli_domain::ids::{CommunityId, StreetId};
use linli_store::Store;
use linli_store::blobs::BlobStore;
use linli_web::{AppState, WebConfig};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;

const STREET: &str = "芷江西路街道";
const COMMUNITY: &str = "城上城居民区";

/// Loads the content; `false` when the community has some already (or is not there).
pub async fn load(
    store: &Store,
    blobs: Arc<dyn BlobStore>,
    today: DateTime<Utc>,
) -> anyhow::Result<bool> {
    let Some(street) = store.street_by_name(STREET).await? else {
        return Ok(false);
    };
    let Some(community) = store
        .community_by_name(StreetId(street.id), COMMUNITY)
        .await?
    else {
        return Ok(false);
    };
    let community_id = CommunityId(community.id);
    if !store.content_items(community_id, None).await?.is_empty() {
        return Ok(false);
    }
    let organisations = store.organisations(community_id).await?;
    let party = |kind: &str| {
        organisations
            .iter()
            .find(|organisation| organisation.kind == kind)
            .map(|organisation| organisation.id)
            .ok_or_else(|| anyhow::anyhow!("the demo community has no {kind}"))
    };
    let (committee, branch, property) = (
        party("residents_committee")?,
        party("party_branch")?,
        party("property_company")?,
    );
    let day = |days_ago: i64, hour: u32| at_hour(today - Duration::days(days_ago), hour);
    let clock = ManualClock::new(day(40, 9));
    let state = AppState::new(
        store.clone(),
        Arc::new(clock.clone()),
        WebConfig {
            demo_mode: true,
            ..WebConfig::default()
        },
        blobs,
    );
    let caller = Caller {
        app: linli_web::router(state),
        store: store.clone(),
        clock,
        tokens: std::sync::Mutex::new(HashMap::new()),
    };
    let (juwei, wuye, shuji) = (
        person_of(store, "juwei").await?,
        person_of(store, "wuye").await?,
        person_of(store, "shuji").await?,
    );
    let write = |person: i64, body: Value| {
        let caller = &caller;
        let mut body = body;
        body["community_id"] = json!(community.id);
        async move {
            let created = caller
                .call(person, Method::POST, "/api/v1/content", body)
                .await?;
            created["id"]
                .as_i64()
                .ok_or_else(|| anyhow::anyhow!("no id in {created}"))
        }
    };
    let step = |person: i64, id: i64, action: &str| {
        let caller = &caller;
        let path = format!("/api/v1/content/{id}/actions/{action}");
        async move { caller.call(person, Method::POST, &path, json!({})).await }
    };

    // The National Day duty: published 40 days ago, expired 20 days ago.
    let holiday = write(
        juwei,
        json!({
            "kind": "notice", "organisation_id": committee,
            "title": "国庆假期合署办公服务中心值班安排",
            "body": "10月1日至7日，服务中心每天 9:00–17:00 有人值班，急事请拨打物业 24 小时电话。",
            "expires_at": day(20, 9),
        }),
    )
    .await?;
    step(juwei, holiday, "publish").await?;

    caller.at(day(35, 10));
    let opening = write(juwei, json!({
        "kind": "news", "organisation_id": committee,
        "title": "城上城居民区党建引领合署办公服务中心挂牌",
        "body": "## 三驾马车坐在一起\n\n居委会、业委会、物业公司在 **10号楼 M2 底楼** 合署办公，居民有事只跑一趟。\n\n- 接待：城悦志愿者工作室\n- 值班：服务中心负责人\n- 督办：居民区党总支",
    }))
    .await?;
    step(juwei, opening, "publish").await?;

    caller.at(day(12, 15));
    let cameras = write(wuye, json!({
        "kind": "notice", "organisation_id": property, "pinned": true,
        "title": "关于7号楼等楼栋加装高空抛物监控探头的通知",
        "body": "经「1+5+X」共治联席会讨论、7号楼业主表决同意，物业将为高空抛物多发的楼栋加装监控探头。施工期间请注意安全。",
    }))
    .await?;
    step(wuye, cameras, "publish").await?;

    caller.at(day(10, 11));
    let cats = write(shuji, json!({
        "kind": "news", "organisation_id": branch,
        "title": "流浪猫绝育项目启动，首批抓猫绝育行动12月上旬进行",
        "body": "居委会、业委会、物业与爱猫居民一起商定「先绝育、再倡导领养或文明投喂」。众筹近 4000 元，中标商家以每只百来元的团购价承接。",
    }))
    .await?;
    step(shuji, cats, "publish").await?;

    caller.at(day(2, 9));
    let meeting = write(
        juwei,
        json!({
            "kind": "notice", "organisation_id": committee,
            "audience": "roles", "roles": ["receptionist", "duty_officer", "handler"],
            "title": "本周四「1+5+X」共治联席会请准时参加",
            "body": "周四 14:00，服务中心会议室。议题：高空抛物探头验收、流浪猫绝育首批安排。",
        }),
    )
    .await?;
    step(juwei, meeting, "publish").await?;

    let campaign = store
        .campaigns(community_id)
        .await?
        .into_iter()
        .find(|campaign| campaign.title.contains("流浪猫"))
        .map(|campaign| campaign.id);
    caller.at(day(1, 10));
    let ledger = write(juwei, json!({
        "kind": "financial", "organisation_id": committee, "campaign_id": campaign,
        "title": "流浪猫绝育众筹收支公开",
        "body": "众筹所得、已付绝育费用和结余逐笔公开，明细见众筹公开账目（每笔收入、支出及票据照片）。",
    }))
    .await?;
    step(juwei, ledger, "submit").await?;
    caller.at(day(1, 16));
    step(shuji, ledger, "approve").await?;
    Ok(true)
}
