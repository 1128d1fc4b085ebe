use crate::helpers::TestApp;
use reqwest::{Method, StatusCode};
use serde_json::json;

async fn room_id(app: &TestApp, community: i64, building: &str, unit: &str, room: &str) -> i64 {
    app.store
        .room_by_address(
            linli_domain::ids::CommunityId(community),
            building,
            unit,
            room,
        )
        .await
        .unwrap()
        .id
}

async fn organisation_id(app: &TestApp, community: i64, name: &str) -> i64 {
    let organisations = app
        .store
        .organisations(linli_domain::ids::CommunityId(community))
        .await
        .unwrap();
    organisations
        .iter()
        .find(|organisation| organisation.name == name)
        .unwrap()
        .id
}

both_engines! {
    async fn admin_registers_a_resident_with_a_room_who_can_then_sign_in(app: &TestApp) {
        let admin = app.token("admin").await;
        let community = app.chengshangcheng().await;
        let room = room_id(app, community, "7", "2", "1504").await;
        let created = app.post(&format!("/api/v1/communities/{community}/people"), &admin, json!({
            "login": "Chen.Ayi",
            "display_name": " 陈阿姨 ",
            "phone": "139 1234 5678",
            "password": "陈阿姨的密码2026",
            "roles": [{ "role": "resident" }],
            "rooms": [{ "room_id": room, "relation": "owner" }],
        })).await;
        let created = created.expect(StatusCode::CREATED);
        assert_eq!(created["login"], "chen.ayi");
        assert_eq!(created["display_name"], "陈阿姨");
        assert_eq!(created["phone"], "13912345678");
        assert_eq!(created["rooms"][0]["room_number"], "1504");
        assert_eq!(created["roles"][0]["role"], "resident");
        let token = app.sign_in("chen.ayi", "陈阿姨的密码2026").await;
        token.expect(StatusCode::CREATED);

        app.post(&format!("/api/v1/communities/{community}/people"), &admin, json!({
            "login": "chen.ayi", "display_name": "另一个陈阿姨", "password": "another-password-1",
        }))
        .await
        .expect_error(StatusCode::CONFLICT, "person.login_taken");
    }

    async fn a_bad_registration_writes_nothing(app: &TestApp) {
        let admin = app.token("admin").await;
        let community = app.chengshangcheng().await;
        let zhixin = app.zhixin().await;
        let path = format!("/api/v1/communities/{community}/people");
        let other_room = room_id(app, zhixin, "1", "1", "101").await;
        let own_room = room_id(app, community, "1", "1", "101").await;
        let other_organisation = organisation_id(app, zhixin, "芷新物业").await;
        let person = |rooms: serde_json::Value, roles: serde_json::Value| json!({
            "login": "newcomer", "display_name": "新住户", "password": "a-fine-password", "rooms": rooms, "roles": roles,
        });
        app.post(&path, &admin, person(json!([{ "room_id": other_room, "relation": "owner" }]), json!([{ "role": "resident" }])))
            .await
            .expect_error(StatusCode::CONFLICT, "registry.room_of_other_community");
        app.post(&path, &admin, person(json!([]), json!([{ "role": "handler", "organisation_id": other_organisation }])))
            .await
            .expect_error(StatusCode::CONFLICT, "role.organisation_of_other_community");
        // The second room link repeats the first: the whole registration is rolled back.
        app.post(&path, &admin, person(
            json!([{ "room_id": own_room, "relation": "owner" }, { "room_id": own_room, "relation": "family" }]),
            json!([{ "role": "resident" }]),
        ))
        .await
        .expect_error(StatusCode::CONFLICT, "person.room_already_linked");
        app.post(&path, &admin, person(json!([]), json!([{ "role": "handler" }])))
            .await
            .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "role.organisation_required");
        app.post(&path, &admin, person(json!([{ "room_id": own_room, "relation": "landlord" }]), json!([])))
            .await
            .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "registry.room_relation_unknown");
        let phone = app.post(&path, &admin, json!({
            "login": "newcomer", "display_name": "新住户", "password": "a-fine-password", "phone": "12345",
        })).await;
        phone.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "registry.phone_invalid");
        assert_eq!(phone.body["error"]["message"], "请填写正确的手机号或固定电话");
        let login = linli_domain::registry::Login::parse("newcomer").unwrap();
        assert!(app.store.person_by_login(&login).await.unwrap().is_none(), "nothing of the refused registrations was kept");
    }

    async fn roles_are_granted_only_by_those_who_may(app: &TestApp) {
        let community = app.chengshangcheng().await;
        let zhixin = app.zhixin().await;
        let admin = app.token("admin").await;
        // A community administrator for 城上城, set up by the system administrator.
        let created = app.post(&format!("/api/v1/communities/{community}/people"), &admin, json!({
            "login": "cadmin", "display_name": "社区管理员", "password": "community-admin-1",
            "roles": [{ "role": "admin" }],
        })).await;
        created.expect(StatusCode::CREATED);
        let cadmin = app.sign_in("cadmin", "community-admin-1").await.body["token"].as_str().unwrap().to_owned();
        let li = app.person_id("li").await;
        let grant = |body: serde_json::Value| (format!("/api/v1/people/{li}/roles"), body);

        let (path, body) = grant(json!({ "role": "receptionist", "community_id": community }));
        let granted = app.post(&path, &cadmin, body).await;
        let grant_id = granted.expect(StatusCode::CREATED)["id"].as_i64().unwrap();
        let (path, body) = grant(json!({ "role": "receptionist", "community_id": community }));
        app.post(&path, &cadmin, body).await.expect_error(StatusCode::CONFLICT, "role.already_granted");
        // Not in another community, not for the street, not globally.
        let (path, body) = grant(json!({ "role": "receptionist", "community_id": zhixin }));
        app.post(&path, &cadmin, body).await.expect_error(StatusCode::FORBIDDEN, "auth.forbidden");
        let (path, body) = grant(json!({ "role": "street_overseer", "street_id": 1 }));
        app.post(&path, &cadmin, body).await.expect_error(StatusCode::FORBIDDEN, "auth.forbidden");
        let (path, body) = grant(json!({ "role": "admin", "global": true }));
        app.post(&path, &cadmin, body).await.expect_error(StatusCode::FORBIDDEN, "auth.forbidden");
        // Roles that do not fit the place, or say no place at all.
        let (path, body) = grant(json!({ "role": "resident", "street_id": 1 }));
        app.post(&path, &admin, body).await.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "role.scope_mismatch");
        let (path, body) = grant(json!({ "role": "resident" }));
        app.post(&path, &admin, body).await.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "role.scope_missing");
        let (path, body) = grant(json!({ "role": "mayor", "community_id": community }));
        app.post(&path, &admin, body).await.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "role.unknown");
        // Staff who are not administrators grant nothing.
        for login in ["desk", "duty", "shuji", "wuye", "jiedao", "bao"] {
            let token = app.token(login).await;
            let (path, body) = grant(json!({ "role": "resident", "community_id": community }));
            app.post(&path, &token, body).await.expect_error(StatusCode::FORBIDDEN, "auth.forbidden");
        }
        // The new receptionist can now search people; after revocation, no longer.
        let li_token = app.token("li").await;
        app.get(&format!("/api/v1/communities/{community}/people?q=0007"), &li_token).await.expect(StatusCode::OK);
        let desk = app.token("desk").await;
        app.request(Method::DELETE, &format!("/api/v1/people/{li}/roles/{grant_id}"), Some(&desk), None)
            .await
            .expect_error(StatusCode::FORBIDDEN, "auth.forbidden");
        app.request(Method::DELETE, &format!("/api/v1/people/{li}/roles/{grant_id}"), Some(&cadmin), None)
            .await
            .expect(StatusCode::NO_CONTENT);
        app.get(&format!("/api/v1/communities/{community}/people?q=0007"), &li_token)
            .await
            .expect_error(StatusCode::FORBIDDEN, "auth.forbidden");
    }

    async fn the_desk_finds_residents_by_name_or_phone_tail(app: &TestApp) {
        let community = app.chengshangcheng().await;
        let desk = app.token("desk").await;
        let by_tail = app.get(&format!("/api/v1/communities/{community}/people?q=0007"), &desk).await;
        let by_tail = by_tail.expect(StatusCode::OK).as_array().unwrap().clone();
        assert_eq!(by_tail.len(), 1);
        assert_eq!(by_tail[0]["display_name"], "包爷叔");
        let by_name = app.get(&format!("/api/v1/communities/{}/people?q={}", community, "%E5%94%90"), &desk).await;
        assert_eq!(by_name.expect(StatusCode::OK)[0]["login"], "tang");
        // Pinyin initials, in any case, of the name or a part of it (包爷叔: bāo yé shū).
        for initials in ["bys", "BYS", "ys"] {
            let found = app.get(&format!("/api/v1/communities/{community}/people?q={initials}"), &desk).await;
            let names: Vec<String> = found.expect(StatusCode::OK).as_array().unwrap().iter().map(|person| person["display_name"].as_str().unwrap().to_owned()).collect();
            assert!(names.contains(&"包爷叔".to_owned()), "{initials}: {names:?}");
        }
        let none = app.get(&format!("/api/v1/communities/{community}/people?q=bz"), &desk).await;
        assert!(none.expect(StatusCode::OK).as_array().unwrap().iter().all(|person| person["display_name"] != "包爷叔"));
        // "%" is a literal, not a wildcard.
        let wildcard = app.get(&format!("/api/v1/communities/{community}/people?q=%25"), &desk).await;
        assert_eq!(wildcard.expect(StatusCode::OK).as_array().unwrap().len(), 0);
        let everyone = app.get(&format!("/api/v1/communities/{community}/people"), &desk).await;
        // Nine people of the demo have a role or a room in 城上城 (admin and jiedao work above it).
        assert_eq!(everyone.expect(StatusCode::OK).as_array().unwrap().len(), 9);
        // People of another community are not listed; residents may not search at all.
        let zhixin = app.zhixin().await;
        app.get(&format!("/api/v1/communities/{zhixin}/people"), &desk).await.expect_error(StatusCode::FORBIDDEN, "auth.forbidden");
        let bao = app.token("bao").await;
        app.get(&format!("/api/v1/communities/{community}/people"), &bao).await.expect_error(StatusCode::FORBIDDEN, "auth.forbidden");
        app.get(&format!("/api/v1/communities/{community}/people?limit=many"), &desk)
            .await
            .expect_error(StatusCode::BAD_REQUEST, "request.invalid_query");
    }

    async fn a_person_is_visible_to_themselves_and_to_staff_of_their_community(app: &TestApp) {
        let bao_id = app.person_id("bao").await;
        let path = format!("/api/v1/people/{bao_id}");
        for login in ["bao", "desk", "duty", "shuji", "admin"] {
            let token = app.token(login).await;
            assert_eq!(app.get(&path, &token).await.expect(StatusCode::OK)["phone"], "13800000007", "{login}");
        }
        for login in ["tang", "wuye", "zhou", "jiedao"] {
            let token = app.token(login).await;
            app.get(&path, &token).await.expect_error(StatusCode::FORBIDDEN, "auth.forbidden");
        }
    }

    async fn linking_rooms(app: &TestApp) {
        let admin = app.token("admin").await;
        let community = app.chengshangcheng().await;
        let tang = app.person_id("tang").await;
        let room = room_id(app, community, "9", "2", "1102").await;
        let linked = app.post(&format!("/api/v1/people/{tang}/rooms"), &admin, json!({ "room_id": room, "relation": "family" })).await;
        assert_eq!(linked.expect(StatusCode::CREATED)["rooms"].as_array().unwrap().len(), 2);
        app.post(&format!("/api/v1/people/{tang}/rooms"), &admin, json!({ "room_id": room, "relation": "family" }))
            .await
            .expect_error(StatusCode::CONFLICT, "person.room_already_linked");
        let desk = app.token("desk").await;
        let other = room_id(app, community, "9", "2", "1103").await;
        app.post(&format!("/api/v1/people/{tang}/rooms"), &desk, json!({ "room_id": other, "relation": "family" }))
            .await
            .expect_error(StatusCode::FORBIDDEN, "auth.forbidden");
        app.post("/api/v1/people/999999/rooms", &admin, json!({ "room_id": other, "relation": "family" }))
            .await
            .expect_error(StatusCode::NOT_FOUND, "person.not_found");
    }
}
