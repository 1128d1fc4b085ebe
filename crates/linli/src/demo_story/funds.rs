//! The crowdfunding of the TNR project: "通知一经发出，小区居民踊跃捐款……短时间内就成功
//! 筹得爱心款近4000元，唐女士也积极捐款". 唐女士, 小李 (anonymously) and 包爷叔 give from
//! their phones; twenty neighbours bring cash to the desk against numbered slips, some
//! asking not to be named; the 居委会's 张海燕 keeps the money and confirms each the next
//! day; one pledge is still on its way. The first batch's bill is paid to the chosen
//! clinic early in December. Told up to `today`, like the meetings.

use super::{Demo, local};
use axum::http::Method;
use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};

/// Neighbours who bring cash to the desk: name, yuan, anonymous.
const AT_THE_DESK: &[(&str, i64, bool)] = &[
    ("王阿姨", 200, false),
    ("陈老师", 100, false),
    ("刘师傅", 150, false),
    ("赵奶奶", 300, true),
    ("孙先生", 100, false),
    ("周阿婆", 50, false),
    ("吴女士", 200, false),
    ("郑老伯", 100, false),
    ("冯阿姨", 150, false),
    ("何先生", 100, true),
    ("吕女士", 200, false),
    ("施老师", 100, false),
    ("张阿姨", 300, false),
    ("孔先生", 50, false),
    ("曹阿姨", 100, false),
    ("严师傅", 200, true),
    ("华女士", 150, false),
    ("金阿婆", 100, false),
    ("魏先生", 220, false),
    ("陶阿姨", 250, false),
];

fn pledge_id(done: &Value) -> i64 {
    done["pledge_id"].as_i64().unwrap_or_default()
}

pub(super) async fn tell(
    demo: &Demo,
    tnr_project: i64,
    vendor: &str,
    today: DateTime<Utc>,
) -> anyhow::Result<()> {
    let start = local(2026, 11, 6, 9, 0);
    if start > today {
        return Ok(());
    }
    demo.at(start);
    let community = demo.community;
    let treasurer = demo.person("juwei").await?;
    let organisation = demo.organisations.get(super::RESIDENTS_COMMITTEE).copied();
    let created = demo
        .call("shuji", Method::POST, "/api/v1/campaigns", json!({
            "community_id": community, "project_id": tnr_project, "title": "流浪猫绝育众筹",
            "purpose": "为小区流浪猫做绝育（TNR），绝育后倡导领养或文明投喂。费用按爱宠动物医院团购价每只约100元，分批进行。",
            "target_fen": 400_000, "deadline": "2026-12-31", "treasurer_id": treasurer,
            "treasurer_organisation_id": organisation,
            "how_to_give": "现金：到合署办公服务中心前台（10号楼 M2），当场开具收款凭条；转账或扫码：居委会公示栏有账户信息，转账时请备注“流浪猫绝育”。",
        }))
        .await?;
    let campaign = created["id"].as_i64().unwrap_or_default();
    let pledges = format!("/api/v1/campaigns/{campaign}/pledges");

    // (when, who records, body): the residents from their phones, the rest at the desk.
    let mut steps: Vec<(DateTime<Utc>, &str, Value)> = vec![
        (
            start + Duration::hours(1),
            "tang",
            json!({ "amount_fen": 50_000, "channel": "transfer" }),
        ),
        (
            start + Duration::hours(3),
            "li",
            json!({ "amount_fen": 20_000, "channel": "qr_code", "anonymous": true }),
        ),
        (
            start + Duration::hours(26),
            "bao",
            json!({ "amount_fen": 10_000, "channel": "cash" }),
        ),
    ];
    for (index, (name, yuan, anonymous)) in AT_THE_DESK.iter().enumerate() {
        let hours = 5 + i64::try_from(index).unwrap_or_default() * 17;
        steps.push((start + Duration::hours(hours), "desk", json!({
            "amount_fen": yuan * 100, "channel": "cash", "donor_name": name, "anonymous": anonymous,
        })));
    }
    steps.sort_by_key(|(at, _, _)| *at);
    let mut taken = Vec::new();
    for (at, login, body) in steps {
        if at > today {
            break;
        }
        demo.at(at);
        let done = demo.call(login, Method::POST, &pledges, body).await?;
        taken.push((at, pledge_id(&done)));
    }
    // The treasurer counts the cash and checks the account the next morning.
    for (at, pledge) in taken {
        let next_morning = at + Duration::hours(20);
        if next_morning > today {
            continue;
        }
        demo.at(next_morning);
        demo.call(
            "juwei",
            Method::POST,
            &format!("/api/v1/pledges/{pledge}/confirm"),
            json!({}),
        )
        .await?;
    }
    // One more pledge on its way, not yet arrived.
    let late = local(2026, 11, 24, 20, 0);
    if late <= today {
        demo.at(late);
        demo.call(
            "li",
            Method::POST,
            &pledges,
            json!({ "amount_fen": 5_000, "channel": "transfer" }),
        )
        .await?;
    }

    // 12月2日: the first batch is done; the clinic is paid for six cats.
    let billed = local(2026, 12, 2, 17, 30);
    if billed > today {
        return Ok(());
    }
    demo.at(billed);
    let asked = demo
        .call("juwei", Method::POST, &format!("/api/v1/campaigns/{campaign}/expenses"), json!({
            "amount_fen": 60_000, "payee": vendor, "purpose": "第一批 6 只绝育（团购价每只 100 元）",
        }))
        .await?;
    let expense = asked["expenses"]
        .as_array()
        .and_then(|expenses| expenses.first())
        .and_then(|expense| expense["id"].as_i64())
        .unwrap_or_default();
    demo.at(billed + Duration::hours(1));
    demo.call(
        "shuji",
        Method::POST,
        &format!("/api/v1/expenses/{expense}/approve"),
        json!({}),
    )
    .await?;
    let paid = local(2026, 12, 3, 10, 0);
    if paid <= today {
        demo.at(paid);
        demo.call(
            "juwei",
            Method::POST,
            &format!("/api/v1/expenses/{expense}/pay"),
            json!({}),
        )
        .await?;
    }
    Ok(())
}
