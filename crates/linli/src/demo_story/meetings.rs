//! The second half of the article: hard problems go to the Thursday "1+5+X" joint
//! meeting and become projects. Work order 112 is decided at the meeting of 10月29日 and
//! the cameras go up on 7号楼 on 11月18日, after which 112 is resolved and waits for
//! 包爷叔's word; 唐女士's complaint (113) goes to the meeting of 11月5日, to which she and
//! the cat-loving residents are invited, and becomes the stray-cat TNR project: three
//! quotes, the winning vendor at a group price of ¥100 a cat, the first batch early in
//! December.
//!
//! The story is told up to `today`: a step later than that is not taken, nor anything
//! after it.

use super::{Demo, OWNERS_COMMITTEE, PROPERTY, RESIDENTS_COMMITTEE, local};
use axum::http::Method;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

/// The ids the crowdfunding story needs.
pub(super) struct Projects {
    pub cameras: Option<i64>,
    pub tnr: Option<i64>,
    pub tnr_vendor: String,
}

/// Sets the clock to `at` when the story has reached it.
fn reached(demo: &Demo, at: DateTime<Utc>, today: DateTime<Utc>) -> bool {
    if at > today {
        return false;
    }
    demo.at(at);
    true
}

fn id(value: &Value) -> i64 {
    value["id"].as_i64().unwrap_or_default()
}

/// Calls the series' next meeting (the Thursday after now) and marks everyone present.
async fn next_meeting(demo: &Demo) -> anyhow::Result<i64> {
    let meeting = demo
        .call("shuji", Method::POST, "/api/v1/meetings", json!({}))
        .await?;
    Ok(id(&meeting))
}

async fn all_present(demo: &Demo, meeting: i64) -> anyhow::Result<()> {
    let path = format!("/api/v1/meetings/{meeting}");
    let detail = demo.call("duty", Method::GET, &path, Value::Null).await?;
    let marks: Vec<Value> = detail["participants"]
        .as_array()
        .map(|participants| {
            participants
                .iter()
                .map(|participant| json!({ "participant_id": participant["id"], "attendance": "present" }))
                .collect()
        })
        .unwrap_or_default();
    demo.call(
        "duty",
        Method::POST,
        &format!("{path}/attendance"),
        json!({ "marks": marks }),
    )
    .await?;
    Ok(())
}

async fn minutes_and_close(demo: &Demo, meeting: i64, minutes: &str) -> anyhow::Result<()> {
    let path = format!("/api/v1/meetings/{meeting}");
    demo.call(
        "duty",
        Method::PUT,
        &format!("{path}/minutes"),
        json!({ "text": minutes }),
    )
    .await?;
    demo.call("shuji", Method::POST, &format!("{path}/close"), json!({}))
        .await?;
    Ok(())
}

/// Three quotes; the first of `quotes` is chosen. The chosen vendor's name.
async fn compare_and_choose(
    demo: &Demo,
    project: i64,
    quotes: &[(&str, i64, i64, &str)],
    reason: &str,
    agreed_price_fen: i64,
) -> anyhow::Result<String> {
    let path = format!("/api/v1/projects/{project}");
    let mut chosen = 0;
    for (index, (vendor, unit_price_fen, quantity, terms)) in quotes.iter().enumerate() {
        let quote = demo
            .call(
                "duty",
                Method::POST,
                &format!("{path}/quotes"),
                json!({
                    "vendor": vendor, "contact": "021-6258 0000", "unit_price_fen": unit_price_fen,
                    "quantity": quantity, "terms": terms,
                }),
            )
            .await?;
        if index == 0 {
            chosen = quote["quotes"]
                .as_array()
                .and_then(|all| all.iter().find(|known| known["vendor"] == *vendor))
                .map(id)
                .unwrap_or_default();
        }
    }
    demo.call(
        "shuji",
        Method::POST,
        &format!("{path}/choice"),
        json!({
            "quote_id": chosen, "reason": reason, "agreed_price_fen": agreed_price_fen,
        }),
    )
    .await?;
    Ok(quotes
        .first()
        .map(|quote| quote.0.to_owned())
        .unwrap_or_default())
}

/// Records the days a project's first milestone actually took.
async fn first_batch_done(demo: &Demo, project: i64, start: &str, end: &str) -> anyhow::Result<()> {
    let path = format!("/api/v1/projects/{project}");
    let detail = demo.call("duty", Method::GET, &path, Value::Null).await?;
    let milestone = detail["milestones"][0]["id"].as_i64().unwrap_or_default();
    demo.call(
        "duty",
        Method::POST,
        &format!("{path}/milestones/{milestone}"),
        json!({ "actual_start": start, "actual_end": end }),
    )
    .await?;
    Ok(())
}

pub(super) async fn tell(
    demo: &Demo,
    order_112: i64,
    order_113: i64,
    today: DateTime<Utc>,
) -> anyhow::Result<Projects> {
    let mut told = Projects {
        cameras: None,
        tnr: None,
        tnr_vendor: String::new(),
    };
    let organisation = |name: &str| demo.organisations.get(name).copied();

    // 10月27日: 刘岭春 signs for 112; the duty officer sends 唐女士's report to the 居委会.
    if !reached(demo, local(2026, 10, 27, 14, 0), today) {
        return Ok(told);
    }
    demo.act("wuye", order_112, "sign", json!({})).await?;
    demo.act("duty", order_113, "dispatch", json!({
        "lead_organisation_id": organisation(RESIDENTS_COMMITTEE), "text": "请居委会了解9号楼投喂情况",
    }))
    .await?;
    demo.act("juwei", order_113, "sign", json!({})).await?;
    // 10月28日: thrown things in several buildings, no one owns up: for Thursday's meeting.
    if !reached(demo, local(2026, 10, 28, 9, 30), today) {
        return Ok(told);
    }
    demo.act(
        "duty",
        order_112,
        "escalate",
        json!({
            "text": "多栋楼都有高空抛物，查不到人，单靠物业解决不了，提交周四联席会",
        }),
    )
    .await?;
    let first = next_meeting(demo).await?;
    demo.call(
        "duty",
        Method::POST,
        &format!("/api/v1/meetings/{first}/items"),
        json!({ "work_order_id": order_112 }),
    )
    .await?;

    // 10月29日, Thursday: the three parties decide to put cameras on the worst buildings.
    if !reached(demo, local(2026, 10, 29, 14, 30), today) {
        return Ok(told);
    }
    all_present(demo, first).await?;
    let item = demo
        .call(
            "duty",
            Method::GET,
            &format!("/api/v1/meetings/{first}"),
            Value::Null,
        )
        .await?["items"][0]["id"]
        .as_i64()
        .unwrap_or_default();
    let decided = demo
        .call("shuji", Method::POST, &format!("/api/v1/meetings/{first}/items/{item}/decision"), json!({
            "text": "以项目化运作给高空抛物严重的楼栋安装监控探头，7号楼在列；物业牵头，业委会配合",
            "lead_organisation_id": organisation(PROPERTY),
            "co_organisation_ids": [organisation(OWNERS_COMMITTEE)],
            "deadline": local(2026, 11, 30, 18, 0),
            "action": "start_project", "hold_work_orders": true,
            "project": {
                "title": "高空抛物楼栋安装监控", "purpose": "在7号楼等高空抛物严重的楼栋安装监控探头，取证并震慑高空抛物",
                "budget_fen": 3_600_000, "funding_sources": ["public_income"],
            },
        }))
        .await?;
    let cameras = decided["project_id"].as_i64().unwrap_or_default();
    told.cameras = Some(cameras);
    minutes_and_close(demo, first, "## 共治联席会 10月29日\n\n- 议题：7号楼等楼栋高空抛物（工单 112）\n- 决定：以项目化运作安装监控探头，物业牵头、业委会配合，费用从公共收益列支\n- 下一步：物业本周内比价，报业委会确认").await?;

    // 11月2日–3日: three quotes for the cameras, the choice, the work starts.
    if !reached(demo, local(2026, 11, 2, 10, 0), today) {
        return Ok(told);
    }
    compare_and_choose(
        demo,
        cameras,
        &[
            ("安居智能安防有限公司", 425_000, 8, "含安装调试，质保两年"),
            ("平安视界科技", 520_000, 8, "含安装，质保一年"),
            ("海康社区服务部", 480_000, 8, "含安装，质保两年"),
        ],
        "价格最低，质保两年，售后在本区",
        3_400_000,
    )
    .await?;
    demo.call(
        "duty",
        Method::POST,
        &format!("/api/v1/projects/{cameras}/transitions/start"),
        json!({}),
    )
    .await?;
    demo.call("duty", Method::POST, &format!("/api/v1/projects/{cameras}/milestones"), json!({
        "title": "7号楼等三栋安装探头", "planned_start": "2026-11-16", "planned_end": "2026-11-18", "quantity": 8,
    }))
    .await?;

    // 11月3日: 唐女士's complaint is more than a quarrel between neighbours: the cats are
    // too many. For Thursday, with her and the cat lovers invited.
    if !reached(demo, local(2026, 11, 3, 9, 0), today) {
        return Ok(told);
    }
    demo.act(
        "duty",
        order_113,
        "escalate",
        json!({
            "text": "流浪猫成灾，投喂与反对投喂的居民各执一词，提交周四联席会",
        }),
    )
    .await?;
    let second = next_meeting(demo).await?;
    let path = format!("/api/v1/meetings/{second}");
    demo.call(
        "duty",
        Method::POST,
        &format!("{path}/items"),
        json!({ "work_order_id": order_113 }),
    )
    .await?;
    let tang = demo.person("tang").await?;
    let li = demo.person("li").await?;
    demo.call(
        "duty",
        Method::POST,
        &format!("{path}/participants"),
        json!({ "person_id": tang, "represents": "反映人" }),
    )
    .await?;
    demo.call(
        "duty",
        Method::POST,
        &format!("{path}/participants"),
        json!({ "person_id": li, "represents": "爱猫居民" }),
    )
    .await?;
    demo.call(
        "duty",
        Method::POST,
        &format!("{path}/participants"),
        json!({ "name": "沈阿姨", "represents": "17号楼爱猫居民，会抓猫" }),
    )
    .await?;

    // 11月5日, Thursday: TNR, crowdfunded, vendors compared.
    if !reached(demo, local(2026, 11, 5, 15, 0), today) {
        return Ok(told);
    }
    all_present(demo, second).await?;
    let item = demo.call("duty", Method::GET, &path, Value::Null).await?["items"][0]["id"]
        .as_i64()
        .unwrap_or_default();
    let decided = demo
        .call("shuji", Method::POST, &format!("{path}/items/{item}/decision"), json!({
            "text": "给流浪猫做绝育（TNR），绝育后倡导领养或文明投喂；以众筹筹集费用，比价选定医院，分批进行",
            "lead_organisation_id": organisation(RESIDENTS_COMMITTEE),
            "co_organisation_ids": [organisation(PROPERTY)],
            "deadline": local(2027, 1, 31, 18, 0),
            "action": "start_project", "hold_work_orders": true,
            "project": {
                "title": "流浪猫绝育（TNR）", "purpose": "为小区流浪猫做绝育，绝育后倡导领养或文明投喂，减少猫患",
                "budget_fen": 400_000, "funding_sources": ["crowdfunding"],
            },
        }))
        .await?;
    let tnr = decided["project_id"].as_i64().unwrap_or_default();
    told.tnr = Some(tnr);
    minutes_and_close(demo, second, "## 共治联席会 11月5日\n\n- 议题：9号楼投喂流浪猫（工单 113），唐女士及爱猫居民列席\n- 决定：流浪猫绝育（TNR）项目化运作，居委会牵头，物业配合；众筹筹集费用\n- 17号楼沈阿姨会抓猫，协助分批抓捕").await?;

    // 11月12日: three clinics quote; the group price wins.
    if !reached(demo, local(2026, 11, 12, 10, 0), today) {
        return Ok(told);
    }
    told.tnr_vendor = compare_and_choose(
        demo,
        tnr,
        &[
            (
                "爱宠动物医院",
                10_000,
                40,
                "团购价，含术后观察一晚，分批进行",
            ),
            ("安心宠物诊所", 15_000, 40, "含术后观察"),
            ("长宁宠物医院", 13_000, 40, "不含术后观察"),
        ],
        "团购价每只约100元，最低；可分批",
        400_000,
    )
    .await?;

    // 11月18日: cameras installed; 11月19日 the project is done and 112 resolved.
    if !reached(demo, local(2026, 11, 18, 17, 0), today) {
        return Ok(told);
    }
    first_batch_done(demo, cameras, "2026-11-16", "2026-11-18").await?;
    if !reached(demo, local(2026, 11, 19, 10, 0), today) {
        return Ok(told);
    }
    demo.call(
        "shuji",
        Method::POST,
        &format!("/api/v1/projects/{cameras}/transitions/complete"),
        json!({
            "text": "7号楼等三栋已于11月18日装好监控探头",
        }),
    )
    .await?;

    // 11月20日: the TNR work starts; the first batch of six is planned for early December.
    if !reached(demo, local(2026, 11, 20, 10, 0), today) {
        return Ok(told);
    }
    demo.call(
        "duty",
        Method::POST,
        &format!("/api/v1/projects/{tnr}/transitions/start"),
        json!({}),
    )
    .await?;
    let planned = demo.call("duty", Method::POST, &format!("/api/v1/projects/{tnr}/milestones"), json!({
        "title": "第一批 6 只", "planned_start": "2026-12-01", "planned_end": "2026-12-02", "quantity": 6,
    }))
    .await?;
    // 小李 offers help (有力出力) and the residents' committee takes her for the batch.
    let first_batch = planned["milestones"][0]["id"].as_i64().unwrap_or_default();
    let offered = demo
        .call(
            "li",
            Method::POST,
            &format!("/api/v1/projects/{tnr}/volunteers"),
            json!({ "skill": "会开车，可以送猫去医院" }),
        )
        .await?;
    let offer = offered["volunteers"][0]["id"].as_i64().unwrap_or_default();
    demo.call(
        "juwei",
        Method::POST,
        &format!("/api/v1/projects/{tnr}/volunteers/{offer}/accept"),
        json!({ "milestone_id": first_batch }),
    )
    .await?;
    if !reached(demo, local(2026, 12, 2, 17, 0), today) {
        return Ok(told);
    }
    first_batch_done(demo, tnr, "2026-12-01", "2026-12-02").await?;
    demo.call(
        "juwei",
        Method::POST,
        &format!("/api/v1/projects/{tnr}/updates"),
        json!({
            "text": "第一批 6 只已完成绝育，放归原地；17号楼沈阿姨协助抓捕", "percent_done": 15,
        }),
    )
    .await?;
    Ok(told)
}
