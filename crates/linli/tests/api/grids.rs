//! Grids (网格) through HTTP: drawn by the supervisor, a building in one grid only, every
//! wrong field named with nothing kept, "我的网格" with the phones of one's own leaders
//! and names only for other grids, work orders and statistics by grid.

use crate::helpers::TestApp;
use crate::meetings::building;
use crate::pages::{assert_redirected, field_error, signed_in, submit};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn grids(app: &TestApp, login: &str) -> Vec<Value> {
    let response = app.get("/api/v1/grids", &app.token(login).await).await;
    response.expect(StatusCode::OK).as_array().unwrap().clone()
}

/// Draws 第一网格 (7号楼 and 8号楼) and 第二网格 (12号楼): their ids.
pub(crate) async fn two_grids(app: &TestApp) -> (i64, i64) {
    let community = app.chengshangcheng().await;
    let shuji = app.token("shuji").await;
    let first = app
        .post("/api/v1/grids", &shuji, json!({
            "community_id": community, "name": "第一网格", "leader_name": "陈网格", "leader_phone": "13800000010",
            "buildings": [
                { "building_id": building(app, community, "7").await, "leader_name": "王阿姨", "leader_phone": "13800000011" },
                { "building_id": building(app, community, "8").await, "leader_name": "赵老师", "leader_phone": "13800000012" },
            ],
            "party_members": [{ "name": "李党员", "phone": "13800000013" }, { "name": "周党员" }],
        }))
        .await;
    let second = app
        .post(
            "/api/v1/grids",
            &shuji,
            json!({
                "name": "第二网格", "leader_name": "孙网格", "leader_phone": "021-55550000",
                "buildings": [{ "building_id": building(app, community, "12").await }],
            }),
        )
        .await;
    (
        first.expect(StatusCode::CREATED)["id"].as_i64().unwrap(),
        second.expect(StatusCode::CREATED)["id"].as_i64().unwrap(),
    )
}

both_engines! {
    async fn grids_are_drawn_by_the_supervisor_and_read_by_the_community(app: &TestApp) {
        let community = app.chengshangcheng().await;
        let (first, second) = two_grids(app).await;
        let shuji = app.token("shuji").await;
        let seven = building(app, community, "7").await;

        // Every wrong field is named and nothing is kept.
        let draw = |body: Value| app.post("/api/v1/grids", &shuji, body);
        let wrong = [
            (json!({ "name": "第三网格", "buildings": [] }), StatusCode::UNPROCESSABLE_ENTITY, "grid.buildings_required"),
            (json!({ "name": "第三网格", "buildings": [{ "building_id": seven }] }), StatusCode::UNPROCESSABLE_ENTITY, "grid.building_in_another_grid"),
            (json!({ "name": "第三网格", "buildings": [{ "building_id": building(app, community, "9").await }, { "building_id": building(app, community, "9").await }] }), StatusCode::UNPROCESSABLE_ENTITY, "grid.building_twice"),
            (json!({ "name": "第三网格", "buildings": [{ "building_id": 999_999 }] }), StatusCode::UNPROCESSABLE_ENTITY, "grid.building_unknown"),
            (json!({ "name": "第三网格", "leader_name": "钱", "leader_phone": "12345", "buildings": [{ "building_id": building(app, community, "9").await }] }), StatusCode::UNPROCESSABLE_ENTITY, "registry.phone_invalid"),
            (json!({ "name": "第三网格", "leader_phone": "13800000014", "buildings": [{ "building_id": building(app, community, "9").await }] }), StatusCode::UNPROCESSABLE_ENTITY, "validation.required"),
            (json!({ "name": "第一网格", "buildings": [{ "building_id": building(app, community, "9").await }] }), StatusCode::CONFLICT, "grid.name_taken"),
        ];
        for (body, status, code) in wrong {
            draw(body.clone()).await.expect_error(status, code);
        }
        assert_eq!(grids(app, "shuji").await.len(), 2);
        let phone = draw(json!({ "name": "第三网格", "leader_name": "钱", "leader_phone": "12345", "buildings": [{ "building_id": building(app, community, "9").await }] })).await;
        assert_eq!(phone.body["error"]["field"], "leader_phone", "{:?}", phone.body);

        // Only the supervisor and the admin draw.
        for login in ["duty", "desk", "wuye", "bao"] {
            let token = app.token(login).await;
            app.post("/api/v1/grids", &token, json!({ "name": "第四网格", "buildings": [{ "building_id": building(app, community, "9").await }] }))
                .await.expect_error(StatusCode::FORBIDDEN, "auth.forbidden");
            let removed = app.request(Method::DELETE, &format!("/api/v1/grids/{first}"), Some(&token), None).await;
            assert_eq!(removed.status, StatusCode::FORBIDDEN, "{login}");
        }

        // 包爷叔 of 7号楼: his grid with its phones, 7号楼's leader only; the other grid by name.
        let bao = app.token("bao").await;
        let mine = app.get("/api/v1/grids/mine", &bao).await;
        let mine = mine.expect(StatusCode::OK).as_array().unwrap().clone();
        assert_eq!(mine.len(), 1);
        assert_eq!(mine[0]["name"], "第一网格");
        assert_eq!(mine[0]["leader"]["phone"], "13800000010");
        let buildings = mine[0]["buildings"].as_array().unwrap();
        assert_eq!(buildings.len(), 1);
        assert_eq!((buildings[0]["leader"]["name"].as_str(), buildings[0]["leader"]["phone"].as_str()), (Some("王阿姨"), Some("13800000011")));
        let listed = grids(app, "bao").await;
        let other = listed.iter().find(|grid| grid["name"] == "第二网格").unwrap();
        assert_eq!(other["leader"]["name"], "孙网格");
        assert!(other["leader"]["phone"].is_null(), "another grid's phone: {other}");
        assert!(!Value::Array(listed.clone()).to_string().contains("021-55550000"));
        // Staff see every phone; a neighbour of another community and nobody signed in see none.
        assert!(Value::Array(grids(app, "wuye").await).to_string().contains("021-55550000"));
        let li = app.get("/api/v1/grids/mine", &app.token("li").await).await;
        assert_eq!(li.expect(StatusCode::OK)[0]["name"], "第二网格");
        let zhou = app.get(&format!("/api/v1/grids?community_id={community}"), &app.token("zhou").await).await;
        assert_eq!(zhou.status, StatusCode::FORBIDDEN);
        let anonymous = app.client.get(app.url("/api/v1/grids")).send().await.unwrap();
        assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);

        // Redrawn whole: 8号楼 leaves the first grid and may join the second.
        let redraw = json!({ "name": "第一网格（7号楼）", "leader_name": "陈网格", "buildings": [{ "building_id": seven }] });
        let saved = app.request(Method::PUT, &format!("/api/v1/grids/{first}"), Some(&shuji), Some(redraw)).await;
        assert_eq!(saved.status, StatusCode::NO_CONTENT, "{:?}", saved.body);
        let eight = building(app, community, "8").await;
        let moved = json!({ "name": "第二网格", "buildings": [{ "building_id": building(app, community, "12").await }, { "building_id": eight }] });
        let saved = app.request(Method::PUT, &format!("/api/v1/grids/{second}"), Some(&shuji), Some(moved)).await;
        assert_eq!(saved.status, StatusCode::NO_CONTENT, "{:?}", saved.body);
        let listed = grids(app, "shuji").await;
        let first_now = listed.iter().find(|grid| grid["id"] == first).unwrap();
        assert_eq!(first_now["name"], "第一网格（7号楼）");
        assert!(first_now["leader"]["phone"].is_null() && first_now["party_members"].as_array().unwrap().is_empty());
        let removed = app.request(Method::DELETE, &format!("/api/v1/grids/{second}"), Some(&shuji), None).await;
        assert_eq!(removed.status, StatusCode::NO_CONTENT);
        assert_eq!(grids(app, "shuji").await.len(), 1);
    }

    async fn work_orders_and_statistics_by_grid(app: &TestApp) {
        let community = app.chengshangcheng().await;
        let (first, second) = two_grids(app).await;
        let report = async |login: &str, number: &str| {
            let token = app.token(login).await;
            let body = json!({ "category": "high_altitude_throwing", "description": "楼上扔东西", "building_id": building(app, community, number).await });
            app.post("/api/v1/work-orders", &token, body).await.expect(StatusCode::CREATED)["id"].as_i64().unwrap()
        };
        let in_first = report("bao", "7").await;
        let in_second = report("li", "12").await;
        let elsewhere = report("tang", "9").await;

        let duty = app.token("duty").await;
        let ids = |page: &Value| page["items"].as_array().unwrap().iter().map(|item| item["id"].as_i64().unwrap()).collect::<Vec<_>>();
        let listed = app.get(&format!("/api/v1/work-orders?grid_id={first}"), &duty).await;
        assert_eq!(ids(listed.expect(StatusCode::OK)), vec![in_first]);
        let listed = app.get(&format!("/api/v1/work-orders?grid_id={second}"), &duty).await;
        assert_eq!(ids(listed.expect(StatusCode::OK)), vec![in_second]);
        app.get("/api/v1/work-orders?grid_id=999999", &duty).await.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "grid.unknown");

        let statistics = app.get(&format!("/api/v1/statistics?community_id={community}"), &app.token("shuji").await).await;
        let statistics = statistics.expect(StatusCode::OK);
        let rows = statistics["by_grid"].as_array().unwrap();
        let created = |name: &str| rows.iter().find(|row| row["name"] == name).map(|row| row["created"].as_i64().unwrap());
        assert_eq!((created("第一网格"), created("第二网格"), created("未划入网格")), (Some(1), Some(1), Some(1)), "{rows:?}");
        let sum: i64 = rows.iter().map(|row| row["created"].as_i64().unwrap()).sum();
        assert_eq!(sum, statistics["totals"]["created"].as_i64().unwrap());
        assert!(elsewhere > 0);
    }

    async fn the_grid_pages_for_residents_staff_and_the_supervisor(app: &TestApp) {
        let community = app.chengshangcheng().await;
        let (first, _) = two_grids(app).await;
        let seven = building(app, community, "7").await.to_string();
        let nine = building(app, community, "9").await.to_string();

        // 包爷叔 of 7号楼 finds his grid from the home's tile, with the phones to call.
        let mut bao = signed_in(app, "bao").await;
        assert!(bao.get("/").await.body.contains("href=\"/grids\""));
        let page = bao.get("/grids").await;
        assert_eq!(page.status, StatusCode::OK);
        let mine = &page.body[page.body.find("id=\"my-grid\"").unwrap()..page.body.find("id=\"all-grids\"").unwrap()];
        for shown in ["第一网格", "陈网格", "tel:13800000010", "王阿姨", "tel:13800000011", "李党员"] {
            assert!(mine.contains(shown), "{shown}: {mine}");
        }
        assert!(!mine.contains("赵老师"), "only his own building's leader");
        // Other grids: names only; no form.
        assert!(page.body.contains("孙网格") && !page.body.contains("021-55550000"));
        assert!(!page.body.contains("id=\"add-grid\"") && !page.body.contains("/grids/{first}"));
        assert_eq!(bao.get(&format!("/grids/{first}")).await.status, StatusCode::FORBIDDEN);
        // The desk sees every phone, without the form.
        let mut desk = signed_in(app, "desk").await;
        let page = desk.get("/grids").await;
        assert!(page.body.contains("021-55550000") && !page.body.contains("id=\"add-grid\""));

        // The supervisor draws a grid: a building of another grid is refused beside the
        // buildings, with what was typed kept.
        let mut shuji = signed_in(app, "shuji").await;
        let page = shuji.get("/grids").await;
        assert!(page.body.contains("id=\"add-grid\"") && page.body.contains("已在：第一网格"));
        let leader_field = format!("building_leader_name_{nine}");
        let refused = submit(&mut shuji, "/grids/add", &[("name", "第三网格"), ("buildings", &seven), ("buildings", &nine), (&leader_field, "钱阿姨"), ("party_members", "吴党员 13800000020")]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(field_error(&refused, "grid-buildings").contains("另一个网格"), "{}", field_error(&refused, "grid-buildings"));
        assert!(refused.body.contains("value=\"第三网格\"") && refused.body.contains("value=\"钱阿姨\"") && refused.body.contains("吴党员 13800000020"));
        let refused = submit(&mut shuji, "/grids/add", &[("name", "第三网格"), ("buildings", &nine), ("party_members", "吴党员 12345")]).await;
        assert!(!field_error(&refused, "grid-party-members").is_empty());
        let added = submit(&mut shuji, "/grids/add", &[("name", "第三网格"), ("buildings", &nine), (&leader_field, "钱阿姨"), ("party_members", "吴党员 13800000020\n郑党员")]).await;
        assert_redirected(&added, "/grids?done=add");
        let third = grids(app, "shuji").await.into_iter().find(|grid| grid["name"] == "第三网格").unwrap();
        assert_eq!(third["buildings"][0]["leader"]["name"], "钱阿姨");
        assert_eq!(third["party_members"][0], json!({ "name": "吴党员", "phone": "13800000020" }));
        assert_eq!(third["party_members"][1], json!({ "name": "郑党员", "phone": null }));

        // Its page shows the form filled in; a redraw keeps what is not changed.
        let path = format!("/grids/{first}");
        let edit = shuji.get(&path).await;
        assert!(edit.body.contains("value=\"陈网格\"") && edit.body.contains("value=\"王阿姨\"") && edit.body.contains("李党员 13800000013"));
        assert!(edit.body.contains(&format!("value=\"{seven}\" checked")));
        let eight = building(app, community, "8").await.to_string();
        let redrawn = submit(&mut shuji, &format!("{path}/edit"), &[("name", "第一网格"), ("leader_name", "陈网格"), ("leader_phone", "13800000010"), ("buildings", &seven), ("buildings", &eight), (&format!("building_leader_name_{seven}"), "王阿姨")]).await;
        assert_redirected(&redrawn, "/grids?done=edit");
        let first_grid = grids(app, "shuji").await.into_iter().find(|grid| grid["id"] == first).unwrap();
        assert_eq!(first_grid["buildings"].as_array().unwrap().len(), 2);
        assert!(first_grid["party_members"].as_array().unwrap().is_empty());
        let removed = submit(&mut shuji, &format!("{path}/remove"), &[]).await;
        assert_redirected(&removed, "/grids?done=remove");
        assert_eq!(grids(app, "shuji").await.len(), 2);
        assert_eq!(shuji.get(&path).await.status, StatusCode::NOT_FOUND);
    }
}
