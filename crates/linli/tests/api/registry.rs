use reqwest::StatusCode;
use serde_json::json;

both_engines! {
    async fn admin_sets_up_a_street_community_estate_and_buildings_in_bulk(app: &TestApp) {
        let admin = app.token("admin").await;
        let street = app.post("/api/v1/streets", &admin, json!({ "name": "曹家渡街道" })).await;
        let street_id = street.expect(StatusCode::CREATED)["id"].as_i64().unwrap();
        let community = app.post("/api/v1/communities", &admin, json!({ "street_id": street_id, "name": "新华居民区" })).await;
        let community_id = community.expect(StatusCode::CREATED)["id"].as_i64().unwrap();
        let estate = app.post(&format!("/api/v1/communities/{community_id}/estates"), &admin, json!({ "name": "新华苑" })).await;
        let estate_id = estate.expect(StatusCode::CREATED)["id"].as_i64().unwrap();

        let layout = json!({
            "estate_id": estate_id,
            "buildings": { "from": 1, "to": 3 },
            "units": { "from": 1, "to": 2 },
            "floors": { "from": 1, "to": 5 },
            "rooms_per_floor": { "from": 1, "to": 4 },
        });
        let bulk = app.post(&format!("/api/v1/communities/{community_id}/buildings/bulk"), &admin, layout.clone()).await;
        assert_eq!(bulk.expect(StatusCode::CREATED), &json!({ "buildings": 3, "units": 6, "rooms": 120 }));

        let buildings = app.get(&format!("/api/v1/communities/{community_id}/buildings"), &admin).await;
        let buildings = buildings.expect(StatusCode::OK).as_array().unwrap().clone();
        assert_eq!(buildings.len(), 3);
        assert_eq!(buildings[0]["name"], "1号楼");
        assert_eq!(buildings[2]["room_count"], 40);
        let building = app.get(&format!("/api/v1/buildings/{}", buildings[1]["id"]), &admin).await;
        let building = building.expect(StatusCode::OK);
        assert_eq!(building["units"].as_array().unwrap().len(), 2);
        let numbers: Vec<&str> = building["rooms"].as_array().unwrap().iter().map(|room| room["number"].as_str().unwrap()).collect();
        assert_eq!(&numbers[..5], ["101", "102", "103", "104", "201"]);
        assert!(numbers.contains(&"504"));

        // The same layout again overlaps building 1: refused, and nothing of it written.
        let again = app.post(&format!("/api/v1/communities/{community_id}/buildings/bulk"), &admin, layout).await;
        again.expect_error(StatusCode::CONFLICT, "registry.building_exists");
        let overlapping = json!({
            "estate_id": estate_id,
            "buildings": { "from": 3, "to": 4 },
            "units": { "from": 1, "to": 1 },
            "floors": { "from": 1, "to": 1 },
            "rooms_per_floor": { "from": 1, "to": 1 },
        });
        app.post(&format!("/api/v1/communities/{community_id}/buildings/bulk"), &admin, overlapping)
            .await
            .expect_error(StatusCode::CONFLICT, "registry.building_exists");
        let after = app.get(&format!("/api/v1/communities/{community_id}/buildings"), &admin).await;
        assert_eq!(after.expect(StatusCode::OK).as_array().unwrap().len(), 3, "building 4 was not kept");
    }

    async fn rooms_and_units_one_at_a_time_refuse_duplicates(app: &TestApp) {
        let admin = app.token("admin").await;
        let community_id = app.chengshangcheng().await;
        let detail = app.get(&format!("/api/v1/communities/{community_id}"), &admin).await;
        let detail = detail.expect(StatusCode::OK);
        assert_eq!(detail["street"]["name"], "芷江西路街道");
        assert_eq!(detail["building_count"], 22);
        let estate_id = detail["estates"][0]["id"].as_i64().unwrap();

        let building = app.post(
            &format!("/api/v1/communities/{community_id}/buildings"),
            &admin,
            json!({ "estate_id": estate_id, "number": "23" }),
        ).await;
        let building = building.expect(StatusCode::CREATED);
        assert_eq!(building["name"], "23号楼");
        let building_id = building["id"].as_i64().unwrap();
        app.post(&format!("/api/v1/communities/{community_id}/buildings"), &admin, json!({ "estate_id": estate_id, "number": "23" }))
            .await
            .expect_error(StatusCode::CONFLICT, "registry.building_exists");

        let unit = app.post(&format!("/api/v1/buildings/{building_id}/units"), &admin, json!({ "number": "1" })).await;
        let unit_id = unit.expect(StatusCode::CREATED)["id"].as_i64().unwrap();
        app.post(&format!("/api/v1/buildings/{building_id}/units"), &admin, json!({ "number": "1" }))
            .await
            .expect_error(StatusCode::CONFLICT, "registry.unit_exists");

        let room = app.post(
            &format!("/api/v1/units/{unit_id}/rooms"),
            &admin,
            json!({ "floor": 6, "number": "601", "floor_area_hundredths_m2": 8950 }),
        ).await;
        let room = room.expect(StatusCode::CREATED);
        assert_eq!((room["building_name"].as_str(), room["floor_area_hundredths_m2"].as_i64()), (Some("23号楼"), Some(8950)));
        app.post(&format!("/api/v1/units/{unit_id}/rooms"), &admin, json!({ "floor": 6, "number": "601" }))
            .await
            .expect_error(StatusCode::CONFLICT, "registry.room_exists");
        let blank = app.post(&format!("/api/v1/units/{unit_id}/rooms"), &admin, json!({ "floor": 6, "number": "  " })).await;
        blank.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "validation.required");
        assert_eq!(blank.body["error"]["field"], "number");
        app.post(&format!("/api/v1/units/{unit_id}/rooms"), &admin, json!({ "floor": 9999, "number": "9999" }))
            .await
            .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "validation.out_of_range");
        app.post(&format!("/api/v1/units/{unit_id}/rooms"), &admin, json!({ "floor": "six", "number": "602" }))
            .await
            .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "request.invalid_body");
        app.post("/api/v1/units/999999/rooms", &admin, json!({ "floor": 1, "number": "101" }))
            .await
            .expect_error(StatusCode::NOT_FOUND, "registry.unit_not_found");
        app.get("/api/v1/buildings/not-a-number", &admin).await.expect_error(StatusCode::BAD_REQUEST, "request.invalid_path");
    }

    async fn a_building_cannot_go_into_another_communitys_estate(app: &TestApp) {
        let admin = app.token("admin").await;
        let chengshangcheng = app.chengshangcheng().await;
        let zhixin = app.zhixin().await;
        let zhixin_estate = app.get(&format!("/api/v1/communities/{zhixin}"), &admin).await.body["estates"][0]["id"].as_i64().unwrap();
        app.post(
            &format!("/api/v1/communities/{chengshangcheng}/buildings"),
            &admin,
            json!({ "estate_id": zhixin_estate, "number": "99" }),
        )
        .await
        .expect_error(StatusCode::CONFLICT, "registry.estate_of_other_community");
        let bulk = json!({
            "estate_id": zhixin_estate,
            "buildings": { "from": 50, "to": 51 },
            "units": { "from": 1, "to": 1 },
            "floors": { "from": 1, "to": 1 },
            "rooms_per_floor": { "from": 1, "to": 1 },
        });
        app.post(&format!("/api/v1/communities/{chengshangcheng}/buildings/bulk"), &admin, bulk)
            .await
            .expect_error(StatusCode::CONFLICT, "registry.estate_of_other_community");
        assert_eq!(app.store.buildings(linli_domain::ids::CommunityId(zhixin)).await.unwrap().len(), 6);
    }

    async fn bulk_layouts_are_checked_before_anything_is_written(app: &TestApp) {
        let admin = app.token("admin").await;
        let community_id = app.chengshangcheng().await;
        let layout = |buildings: (u32, u32), floors: (u32, u32)| json!({
            "estate_id": 1,
            "buildings": { "from": buildings.0, "to": buildings.1 },
            "units": { "from": 1, "to": 2 },
            "floors": { "from": floors.0, "to": floors.1 },
            "rooms_per_floor": { "from": 1, "to": 4 },
        });
        let path = format!("/api/v1/communities/{community_id}/buildings/bulk");
        let backwards = app.post(&path, &admin, layout((30, 25), (1, 18))).await;
        backwards.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "registry.range_invalid");
        assert_eq!(backwards.body["error"]["field"], "buildings");
        assert_eq!(backwards.body["error"]["message"], "「楼栋范围」的起止范围有误");
        app.post(&path, &admin, layout((30, 31), (0, 18))).await.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "registry.range_invalid");
        app.post(&path, &admin, layout((100, 999), (1, 199))).await.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "registry.layout_too_large");
    }

    async fn organisations_of_a_community(app: &TestApp) {
        let admin = app.token("admin").await;
        let community_id = app.chengshangcheng().await;
        let path = format!("/api/v1/communities/{community_id}/organisations");
        let listed = app.get(&path, &admin).await;
        let kinds: Vec<String> = listed.expect(StatusCode::OK).as_array().unwrap().iter().map(|o| o["kind"].as_str().unwrap().to_owned()).collect();
        for kind in ["party_branch", "residents_committee", "owners_committee", "property_company", "volunteer_studio", "partner_unit", "vendor"] {
            assert!(kinds.iter().any(|k| k == kind), "{kind} missing");
        }
        let created = app.post(&path, &admin, json!({ "kind": "vendor", "name": "宠物医院（TNR 合作）" })).await;
        assert_eq!(created.expect(StatusCode::CREATED)["kind"], "vendor");
        app.post(&path, &admin, json!({ "kind": "vendor", "name": "宠物医院（TNR 合作）" }))
            .await
            .expect_error(StatusCode::CONFLICT, "registry.organisation_exists");
        app.post(&path, &admin, json!({ "kind": "gang", "name": "某组织" }))
            .await
            .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "registry.organisation_kind_unknown");
    }

    async fn who_may_see_and_change_the_registry(app: &TestApp) {
        let chengshangcheng = app.chengshangcheng().await;
        let zhixin = app.zhixin().await;
        let buildings = |community: i64| format!("/api/v1/communities/{community}/buildings");
        // Everyone of the community sees its buildings (a resident picks one when reporting).
        for login in ["bao", "desk", "duty", "wuye", "shuji", "jiedao"] {
            let token = app.token(login).await;
            app.get(&buildings(chengshangcheng), &token).await.expect(StatusCode::OK);
        }
        // A member of another community does not.
        let zhou = app.token("zhou").await;
        app.get(&buildings(chengshangcheng), &zhou).await.expect_error(StatusCode::FORBIDDEN, "auth.forbidden");
        app.get(&buildings(zhixin), &zhou).await.expect(StatusCode::OK);
        // Only administrators change it.
        for login in ["bao", "desk", "duty", "wuye", "shuji", "jiedao", "zhou"] {
            let token = app.token(login).await;
            app.post(&format!("/api/v1/communities/{chengshangcheng}/organisations"), &token, json!({ "kind": "vendor", "name": "x公司" }))
                .await
                .expect_error(StatusCode::FORBIDDEN, "auth.forbidden");
            app.post("/api/v1/streets", &token, json!({ "name": "某街道" })).await.expect_error(StatusCode::FORBIDDEN, "auth.forbidden");
        }
        // The street overseer sees both communities of the street; a resident only theirs.
        let jiedao = app.token("jiedao").await;
        let visible = app.get("/api/v1/communities", &jiedao).await;
        assert_eq!(visible.expect(StatusCode::OK).as_array().unwrap().len(), 2);
        let bao = app.token("bao").await;
        let visible = app.get("/api/v1/communities", &bao).await;
        let visible = visible.expect(StatusCode::OK).as_array().unwrap().clone();
        assert_eq!(visible.len(), 1);
        assert_eq!(visible[0]["name"], "城上城居民区");
        let streets = app.get("/api/v1/streets", &bao).await;
        assert_eq!(streets.expect(StatusCode::OK)[0]["name"], "芷江西路街道");
    }
}

both_engines! {
    async fn loading_the_demo_again_changes_nothing(app: &TestApp) {
        let demo = linli::registry_file::parse(linli::registry_file::DEMO_REGISTRY).unwrap();
        let report = linli::registry_file::import(&app.store, &demo, true, chrono::Utc::now()).await.unwrap();
        assert_eq!(
            (report.communities_created, report.buildings_created, report.rooms_created, report.organisations_created),
            (0, 0, 0, 0)
        );
        assert_eq!((report.people_created, report.people_kept), (0, 12));
        let community = app.chengshangcheng().await;
        let buildings = app.store.buildings(linli_domain::ids::CommunityId(community)).await.unwrap();
        assert_eq!(buildings.len(), 22);
        assert!(buildings.iter().all(|building| building.room_count == 144));
    }
}
