//! The demo's directory of services (办事指南): a dozen errands residents ask the desk
//! about, each with its official link (上海 一网通办 and the bureaus' sites) or its steps.

use super::Demo;
use axum::http::Method;
use serde_json::json;

const SERVICES: &[(&str, &str, &str, &str, &str)] = &[
    (
        "上海市居住证办理",
        "licences",
        "https://zwdt.sh.gov.cn",
        "",
        "社区事务受理服务中心 · 周一至周五 9:00–17:00",
    ),
    (
        "居民身份证换领",
        "licences",
        "",
        "1. 带上旧证和户口簿到派出所户籍窗口\n2. 现场拍照、采集指纹\n3. 约 20 个工作日后领取，可选邮寄",
        "属地派出所户籍窗口",
    ),
    (
        "社保卡申领与补换",
        "social_security",
        "https://rsj.sh.gov.cn",
        "",
        "社区事务受理服务中心",
    ),
    (
        "灵活就业人员参保登记",
        "social_security",
        "https://zwdt.sh.gov.cn",
        "",
        "社区事务受理服务中心",
    ),
    (
        "医保费用报销",
        "medical",
        "https://ybj.sh.gov.cn",
        "",
        "社区事务受理服务中心 · 医保窗口",
    ),
    (
        "家庭医生签约",
        "medical",
        "",
        "1. 带上医保卡到社区卫生服务中心\n2. 选择家庭医生并签约\n3. 签约后可享优先预约和长处方",
        "社区卫生服务中心",
    ),
    (
        "长期护理保险申请",
        "elderly",
        "https://ybj.sh.gov.cn",
        "",
        "社区事务受理服务中心",
    ),
    (
        "老年人综合津贴",
        "elderly",
        "https://zwdt.sh.gov.cn",
        "",
        "社区事务受理服务中心",
    ),
    (
        "义务教育入学报名",
        "education",
        "https://edu.sh.gov.cn",
        "",
        "区教育局 · 每年 4 月网上报名",
    ),
    (
        "公共租赁住房申请",
        "housing",
        "https://fgj.sh.gov.cn",
        "",
        "区住房保障中心",
    ),
    (
        "住房公积金提取",
        "housing",
        "https://www.shgjj.com",
        "",
        "公积金管理中心各区服务点",
    ),
    (
        "居委会开具证明",
        "other",
        "",
        "1. 带上身份证到合署办公服务中心\n2. 说明用途（如居住证明）\n3. 居委会核实后当场或次日开具",
        "合署办公服务中心 · 周一至周五 8:30–17:30",
    ),
];

pub(super) async fn tell(demo: &Demo) -> anyhow::Result<()> {
    for (title, category, url, steps, office) in SERVICES {
        let (office, hours) = office
            .split_once(" · ")
            .map_or((*office, ""), |(o, h)| (o, h));
        demo.call("duty", Method::POST, "/api/v1/services", json!({
            "title": title, "category": category,
            "url": (!url.is_empty()).then_some(*url), "steps": (!steps.is_empty()).then_some(*steps),
            "office": office, "hours": (!hours.is_empty()).then_some(hours),
        }))
        .await?;
    }
    Ok(())
}
