//! The demo's grids (网格化党建): 城上城's 22 buildings in three grids, each with its grid
//! leader, a building leader for the buildings of the story (7号楼 of 包爷叔, 9号楼 of
//! 唐女士, 12号楼 of 小李) and the party members serving it.

use super::Demo;
use axum::http::Method;
use serde_json::{Value, json};

/// A grid of the demo: (name, leader, leader's phone, buildings from..=to, party members
/// as (name, phone)).
type DemoGrid = (
    &'static str,
    &'static str,
    &'static str,
    (u32, u32),
    &'static [(&'static str, &'static str)],
);

const GRIDS: &[DemoGrid] = &[
    (
        "第一网格",
        "陈美华",
        "13800003101",
        (1, 8),
        &[("李建国", "13800003111"), ("周秀英", "")],
    ),
    (
        "第二网格",
        "孙立平",
        "13800003102",
        (9, 15),
        &[("吴卫东", "13800003112")],
    ),
    (
        "第三网格",
        "钱丽娟",
        "13800003103",
        (16, 22),
        &[("郑国庆", "13800003113")],
    ),
];

/// The building leaders (楼组长) the demo names: (building, name, phone).
const BUILDING_LEADERS: &[(&str, &str, &str)] = &[
    ("7", "王阿姨", "13800003121"),
    ("9", "赵老师", "13800003122"),
    ("12", "何师傅", "13800003123"),
];

pub(super) async fn tell(demo: &Demo) -> anyhow::Result<()> {
    for (name, leader, phone, (from, to), members) in GRIDS {
        let buildings: Vec<Value> = (*from..=*to)
            .filter_map(|number| {
                let number = number.to_string();
                let id = demo.buildings.get(&number)?;
                let leader = BUILDING_LEADERS.iter().find(|(n, _, _)| *n == number);
                Some(json!({
                    "building_id": id,
                    "leader_name": leader.map(|(_, name, _)| *name),
                    "leader_phone": leader.map(|(_, _, phone)| *phone),
                }))
            })
            .collect();
        let members: Vec<Value> = members
            .iter()
            .map(|(name, phone)| json!({ "name": name, "phone": (!phone.is_empty()).then_some(*phone) }))
            .collect();
        demo.call(
            "shuji",
            Method::POST,
            "/api/v1/grids",
            json!({
                "name": name, "leader_name": leader, "leader_phone": phone,
                "buildings": buildings, "party_members": members,
            }),
        )
        .await?;
    }
    Ok(())
}
