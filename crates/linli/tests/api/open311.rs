//! Open311 GeoReport v2 through HTTP, as a real client (a city's FixMyStreet, the 12345
//! hotline's system) talks to it: a report walks in with the admin's key, becomes an
//! ordinary work order that follows the whole loop, and its status walks out in JSON
//! and in XML with the standard's element names; bad input gets the standard's errors
//! and stores nothing.

use crate::helpers::TestApp;
use crate::meetings::organisation;
use crate::pages::{assert_redirected, field_error, signed_in, submit};
use crate::photos::phone_photo;
use chrono::Duration;
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

/// The element names GeoReport v2 (and mySociety's updates) gives each record.
const REQUEST_ELEMENTS: [&str; 17] = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
];
const SERVICE_ELEMENTS: [&str; 7] = [
    "service_code",
    "service_name",
    "description",
    "metadata",
    "type",
    "keywords",
    "group",
];
const UPDATE_ELEMENTS: [&str; 6] = [
    "update_id",
    "service_request_id",
    "status",
    "updated_datetime",
    "description",
    "media_url",
];

async fn issue_key(app: &TestApp, community: i64) -> (i64, String) {
    let admin = app.token("admin").await;
    let issued = app
        .post(
            "/api/v1/open311-clients",
            &admin,
            json!({ "community_id": community, "name": "上海市12345市民服务热线" }),
        )
        .await;
    let issued = issued.expect(StatusCode::CREATED);
    let key = issued["api_key"].as_str().unwrap().to_owned();
    assert!(
        key.starts_with("o311_") && key.ends_with(issued["client"]["key_hint"].as_str().unwrap())
    );
    (issued["client"]["id"].as_i64().unwrap(), key)
}

async fn get(app: &TestApp, path: &str) -> (StatusCode, String, String) {
    let response = app.client.get(app.url(path)).send().await.unwrap();
    let status = response.status();
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    (status, content_type, response.text().await.unwrap())
}

async fn get_json(app: &TestApp, path: &str) -> (StatusCode, Value) {
    let (status, content_type, text) = get(app, path).await;
    assert!(
        content_type.starts_with("application/json"),
        "{path}: {content_type}"
    );
    (status, serde_json::from_str(&text).unwrap())
}

async fn post_form(app: &TestApp, fields: &[(&str, &str)]) -> (StatusCode, Value) {
    let response = app
        .client
        .post(app.url("/open311/v2/requests.json"))
        .form(fields)
        .send()
        .await
        .unwrap();
    (response.status(), response.json().await.unwrap())
}

/// Each child of each record of an XML answer, checked against the standard's names.
fn xml_records(
    text: &str,
    root: &str,
    item: &str,
    allowed: &[&str],
) -> Vec<std::collections::HashMap<String, String>> {
    let document = roxmltree::Document::parse(text).unwrap();
    assert_eq!(document.root_element().tag_name().name(), root);
    document
        .root_element()
        .children()
        .filter(roxmltree::Node::is_element)
        .map(|record| {
            assert_eq!(record.tag_name().name(), item);
            record
                .children()
                .filter(roxmltree::Node::is_element)
                .map(|field| {
                    let name = field.tag_name().name().to_owned();
                    assert!(
                        allowed.contains(&name.as_str()),
                        "<{name}> is not one of the standard's elements"
                    );
                    (name, field.text().unwrap_or_default().to_owned())
                })
                .collect()
        })
        .collect()
}

async fn work_order_count(app: &TestApp) -> usize {
    let duty = app.token("duty").await;
    let listed = app.get("/api/v1/work-orders?limit=200", &duty).await;
    listed.expect(StatusCode::OK)["items"]
        .as_array()
        .unwrap()
        .len()
}

both_engines! {
    async fn a_report_walks_in_through_open311_and_its_status_walks_out(app: &TestApp) {
        let community = app.chengshangcheng().await;
        let (_, key) = issue_key(app, community).await;

        // Discovery and services: no key, no jurisdiction — the first community answers.
        let (status, discovery) = get_json(app, "/open311/discovery.json").await;
        assert_eq!(status, StatusCode::OK);
        assert!(discovery["endpoints"][0]["url"].as_str().unwrap().ends_with("/open311/v2"));
        let (_, services) = get_json(app, "/open311/v2/services.json?jurisdiction_id=").await;
        let codes: Vec<&str> = services.as_array().unwrap().iter().map(|s| s["service_code"].as_str().unwrap()).collect();
        assert!(codes.contains(&"noise") && codes.contains(&"greenery"), "{codes:?}");
        let (_, content_type, xml) = get(app, &format!("/open311/v2/services.xml?jurisdiction_id={community}")).await;
        assert!(content_type.starts_with("text/xml"));
        assert_eq!(xml_records(&xml, "services", "service", &SERVICE_ELEMENTS).len(), codes.len());
        let (_, _, definition) = get(app, "/open311/v2/services/noise.xml").await;
        let document = roxmltree::Document::parse(&definition).unwrap();
        assert_eq!(document.root_element().tag_name().name(), "service_definition");
        let buildings: Vec<_> = document.descendants().filter(|node| node.has_tag_name("value")).collect();
        assert!(buildings.iter().any(|value| value.children().any(|child| child.has_tag_name("name") && child.text() == Some("7号楼"))));

        // A report in, form-encoded, as the standard shows it.
        let (status, accepted) = post_form(app, &[
            ("api_key", key.as_str()), ("jurisdiction_id", ""), ("service_code", "noise"),
            ("description", "7号楼楼下广场舞音响太响，包爷叔家老人睡不着"),
            ("lat", "31.2397"), ("long", "121.4372"), ("address_string", "城上城7号楼门口"),
            ("first_name", "爷叔"), ("last_name", "包"), ("email", "bao@example.cn"), ("phone", "13800000000"),
            ("attribute[place]", "7号楼南侧广场"),
        ]).await;
        assert_eq!(status, StatusCode::CREATED, "{accepted}");
        let id: i64 = accepted[0]["service_request_id"].as_str().unwrap().parse().unwrap();
        let token = accepted[0]["token"].as_str().unwrap().to_owned();
        assert!(accepted[0]["service_notice"].as_str().unwrap().contains("内办结"), "{accepted}");

        // An ordinary work order: the desk's guest, its building from the address.
        let duty = app.token("duty").await;
        let order = app.get(&format!("/api/v1/work-orders/{id}"), &duty).await;
        let order = order.expect(StatusCode::OK).clone();
        assert_eq!(order["channel"], "open311");
        assert_eq!(order["reporter"]["name"], "包爷叔");
        assert_eq!(order["reporter"]["phone"], "13800000000", "the office calls the reporter back");
        assert_eq!(order["building"]["name"], "7号楼");
        assert_eq!(order["place"], "7号楼南侧广场");
        assert_eq!(order["timeline"][0]["actor"], "上海市12345市民服务热线");

        // Its token finds it; its status reads back in both formats, however spelled.
        let (_, found) = get_json(app, &format!("/open311/v2/tokens/{token}.json")).await;
        assert_eq!(found[0]["service_request_id"], id.to_string());
        let (status, _, xml) = get(app, &format!("/open311//v2/requests/{id}.XML/")).await;
        assert_eq!(status, StatusCode::OK);
        let records = xml_records(&xml, "service_requests", "request", &REQUEST_ELEMENTS);
        assert_eq!(records[0]["status"], "open");
        assert_eq!(records[0]["service_code"], "noise");
        assert_eq!(records[0]["lat"], "31.2397");
        assert!(records[0]["address"].contains("7号楼"));
        for private in ["包爷叔", "13800000000", "bao@example.cn"] {
            assert!(!xml.contains(private), "{private} is never public");
        }
        assert!(records[0]["description"].contains("广场舞"));

        // The whole loop: dispatched, signed, resolved, closed when nobody answered.
        let act = |action: &'static str, token: String, body: Value| {
            let path = format!("/api/v1/work-orders/{id}/actions/{action}");
            async move { app.post(&path, &token, body).await.expect(StatusCode::OK).clone() }
        };
        let property = organisation(app, community, "城上城物业服务中心").await;
        act("dispatch", duty.clone(), json!({ "lead_organisation_id": property })).await;
        let wuye = app.token("wuye").await;
        act("sign", wuye.clone(), json!({})).await;
        let (_, open) = get_json(app, &format!("/open311/v2/requests/{id}.json")).await;
        assert_eq!(open[0]["agency_responsible"], "城上城物业服务中心");
        assert!(open[0]["expected_datetime"].is_string());
        act("resolve", wuye, json!({ "text": "已与广场舞队协商，音响音量减半，晚八点半前结束" })).await;
        app.clock.advance(Duration::days(8));
        linli_app::work_orders::jobs::run_due_rules(app.state()).await.unwrap();

        let (_, closed) = get_json(app, &format!("/open311/v2/requests.json?status=closed&service_code=NOISE&jurisdiction_id={community}")).await;
        let closed: Vec<&Value> = closed.as_array().unwrap().iter().filter(|r| r["service_request_id"].as_str() == Some(id.to_string().as_str())).collect();
        assert_eq!(closed.len(), 1, "found among the closed ones");
        assert_eq!(closed[0]["status"], "closed");
        assert!(closed[0]["status_notes"].as_str().unwrap().contains("音响音量减半"));
        let (_, open_ones) = get_json(app, "/open311/v2/requests.json?status=open").await;
        assert!(open_ones.as_array().unwrap().iter().all(|r| r["status"] == "open"));

        let (_, _, xml) = get(app, "/open311/v2/servicerequestupdates.xml").await;
        let updates = xml_records(&xml, "service_request_updates", "request_update", &UPDATE_ELEMENTS);
        let ours: Vec<&str> = updates.iter().filter(|u| u["service_request_id"] == id.to_string()).map(|u| u["status"].as_str()).collect();
        assert_eq!(ours, vec!["INVESTIGATING", "IN_PROGRESS", "FIXED", "CLOSED"]);
    }

    async fn json_bodies_and_photos_are_taken_too(app: &TestApp) {
        let community = app.chengshangcheng().await;
        let (_, key) = issue_key(app, community).await;
        let buildings = app.store.buildings(linli_domain::ids::CommunityId(community)).await.unwrap();
        let building_9 = buildings.iter().find(|b| b.name == "9号楼").unwrap().id;

        // JSON, with the building as an attribute.
        let response = app.client.post(app.url("/open311/v2/requests.json"))
            .json(&json!({ "api_key": key, "service_code": "greenery", "description": "树枝挡住三楼窗户",
                "attribute": { "building": building_9.to_string() }, "lat": 31.24, "long": 121.44 }))
            .send().await.unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
        let id: i64 = response.json::<Value>().await.unwrap()[0]["service_request_id"].as_str().unwrap().parse().unwrap();
        let duty = app.token("duty").await;
        let order = app.get(&format!("/api/v1/work-orders/{id}"), &duty).await;
        assert_eq!(order.expect(StatusCode::OK)["building"]["name"], "9号楼");

        // Multipart with the photo as `media`, answered in XML.
        let form = Form::new()
            .text("api_key", key.clone()).text("service_code", "greenery")
            .text("description", "草坪上有碎玻璃").text("address_id", building_9.to_string())
            .part("media", Part::bytes(phone_photo()).file_name("glass.jpg").mime_str("image/jpeg").unwrap());
        let response = app.client.post(app.url("/open311/v2/requests.xml")).multipart(form).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
        let xml = response.text().await.unwrap();
        let document = roxmltree::Document::parse(&xml).unwrap();
        let id: i64 = document.descendants().find(|n| n.has_tag_name("service_request_id")).unwrap().text().unwrap().parse().unwrap();
        let order = app.get(&format!("/api/v1/work-orders/{id}"), &duty).await;
        assert_eq!(order.expect(StatusCode::OK)["photos"].as_array().unwrap().len(), 1);
        // The photo it was sent with is published at its media_url, for anyone.
        let shown = app.client.get(app.url(&format!("/open311/v2/requests/{id}.json"))).send().await.unwrap();
        let shown: Value = shown.json().await.unwrap();
        let media_url = shown[0]["media_url"].as_str().unwrap().to_owned();
        assert_eq!(media_url, app.url(&format!("/open311/v2/requests/{id}/media")));
        let photo = app.client.get(&media_url).send().await.unwrap();
        assert_eq!(photo.status(), StatusCode::OK);
        assert_eq!(photo.headers()["content-type"], "image/jpeg");
        let bytes = photo.bytes().await.unwrap();
        assert_eq!(&bytes[..2], &[0xFF, 0xD8], "a JPEG");
        // A photo added later (the handler's, at resolution) is never published there,
        // and a request sent without one has no media.
        let (_, without) = post_form(app, &[("api_key", key.as_str()), ("service_code", "noise"), ("description", "夜里太吵")]).await;
        let without: i64 = without[0]["service_request_id"].as_str().unwrap().parse().unwrap();
        let (added, body) = crate::photos::upload(app, &duty, without, vec![("photos", phone_photo())], None).await;
        assert!(added.is_success(), "{added} {body}");
        let none = app.client.get(app.url(&format!("/open311/v2/requests/{without}/media"))).send().await.unwrap();
        assert_eq!(none.status(), StatusCode::NOT_FOUND);
        let listed: Value = app.client.get(app.url(&format!("/open311/v2/requests/{without}.json"))).send().await.unwrap().json().await.unwrap();
        assert!(listed[0]["media_url"].is_null(), "{listed}");
    }

    async fn bad_input_gets_the_standards_errors_and_stores_nothing(app: &TestApp) {
        let community = app.chengshangcheng().await;
        let (client, key) = issue_key(app, community).await;
        let before = work_order_count(app).await;
        let refused = |fields: Vec<(&'static str, String)>, status: StatusCode, code: &'static str| {
            let fields = fields.clone();
            async move {
                let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
                let (got, body) = post_form(app, &fields).await;
                assert_eq!(got, status, "{body}");
                assert_eq!(body[0]["code"], status.as_u16(), "{body}");
                assert!(body[0]["description"].as_str().unwrap().contains(code), "{body}");
            }
        };
        let with = |extra: &[(&'static str, &str)]| {
            let mut fields = vec![("api_key", key.clone()), ("service_code", "noise".to_owned()), ("description", "太吵".to_owned())];
            for (name, value) in extra {
                fields.retain(|(existing, _)| existing != name);
                fields.push((name, (*value).to_owned()));
            }
            fields
        };
        refused(with(&[("api_key", "")]), StatusCode::BAD_REQUEST, "open311.api_key_missing").await;
        refused(with(&[("api_key", "o311_made_up")]), StatusCode::FORBIDDEN, "open311.api_key_invalid").await;
        refused(with(&[("service_code", "")]), StatusCode::BAD_REQUEST, "open311.service_code_missing").await;
        refused(with(&[("service_code", "no_such")]), StatusCode::NOT_FOUND, "open311.service_unknown").await;
        refused(with(&[("lat", "31.2")]), StatusCode::BAD_REQUEST, "open311.coordinate_missing").await;
        refused(with(&[("lat", "95"), ("long", "121")]), StatusCode::BAD_REQUEST, "open311.coordinate_invalid").await;
        refused(with(&[("jurisdiction_id", &app.zhixin().await.to_string())]), StatusCode::BAD_REQUEST, "open311.jurisdiction_not_the_clients").await;
        refused(with(&[("jurisdiction_id", "999999")]), StatusCode::NOT_FOUND, "open311.jurisdiction_unknown").await;
        refused(with(&[("address_id", "999999")]), StatusCode::BAD_REQUEST, "open311.address_unknown").await;
        refused(with(&[("description", &"吵".repeat(4001))]), StatusCode::BAD_REQUEST, "validation.too_long").await;
        refused(with(&[("media_url", "javascript:alert(1)")]), StatusCode::BAD_REQUEST, "open311.media_url_invalid").await;

        // Control characters, in a form, in JSON, in a multipart part and in a query:
        // the standard's error, naming the field, on both engines alike.
        refused(with(&[("description", "太吵\u{0}")]), StatusCode::BAD_REQUEST, "validation.control_characters").await;
        let response = app.client.post(app.url("/open311/v2/requests.xml"))
            .json(&json!({ "api_key": key, "service_code": "noise", "description": "太吵", "first_name": "包\u{0}" }))
            .send().await.unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        let xml = response.text().await.unwrap();
        assert!(xml_records(&xml, "errors", "error", &["code", "description"])[0]["description"].starts_with("first_name"), "{xml}");
        let form = Form::new().text("api_key", key.clone()).text("service_code", "noise").text("description", "太吵\u{1b}");
        let response = app.client.post(app.url("/open311/v2/requests.json")).multipart(form).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        let (status, body) = get_json(app, "/open311/v2/requests.json?service_code=%00").await;
        assert_eq!((status, body[0]["code"].as_u64()), (StatusCode::BAD_REQUEST, Some(400)));

        // A media part that is not a photo.
        let form = Form::new().text("api_key", key.clone()).text("service_code", "noise").text("description", "太吵")
            .part("media", Part::bytes(b"not a photo at all".to_vec()).file_name("x.jpg"));
        let response = app.client.post(app.url("/open311/v2/requests.json")).multipart(form).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        assert!(response.text().await.unwrap().contains("media"));

        // Reading: the standard's bounds, in the standard's error shape, in XML too.
        let (status, body) = get_json(app, "/open311/v2/requests.json?page_size=501").await;
        assert_eq!((status, body[0]["code"].as_u64()), (StatusCode::BAD_REQUEST, Some(400)));
        let (status, _) = get_json(app, "/open311/v2/requests.json?start_date=2026-01-01&end_date=2026-10-01").await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        let (status, _, xml) = get(app, "/open311/v2/requests/999999.xml").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let errors = xml_records(&xml, "errors", "error", &["code", "description"]);
        assert_eq!(errors[0]["code"], "404");
        let (status, _, _) = get(app, "/open311/v2/nothing_here.json").await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        // A revoked key stops at once; only the admin revokes.
        let bao = app.token("bao").await;
        let path = format!("/api/v1/open311-clients/{client}");
        app.request(reqwest::Method::DELETE, &path, Some(&bao), None).await.expect_error(StatusCode::FORBIDDEN, "auth.forbidden");
        let admin = app.token("admin").await;
        let revoked = app.request(reqwest::Method::DELETE, &path, Some(&admin), None).await;
        assert!(revoked.expect(StatusCode::OK)["revoked_at"].is_string());
        refused(with(&[]), StatusCode::FORBIDDEN, "open311.api_key_invalid").await;

        // Nobody else reports as Open311.
        let desk = app.token("desk").await;
        let posed = app.post("/api/v1/work-orders", &desk, json!({ "category": "noise", "description": "太吵", "guest_name": "路人", "channel": "open311" })).await;
        posed.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "work_order.channel_reserved");
        // A resident issues no keys.
        let issued = app.post("/api/v1/open311-clients", &bao, json!({ "community_id": community, "name": "冒充" })).await;
        issued.expect_error(StatusCode::FORBIDDEN, "auth.forbidden");

        assert_eq!(work_order_count(app).await, before, "nothing refused was stored");
    }

    async fn the_admin_issues_and_revokes_keys_on_a_page(app: &TestApp) {
        let mut admin = signed_in(app, "admin").await;
        let empty = admin.get("/admin/open311").await;
        assert_eq!(empty.status, StatusCode::OK);
        assert!(empty.body.contains("/admin/open311"), "the issue form");

        // Refused beside the field, in Chinese, nothing issued.
        let refused = submit(&mut admin, "/admin/open311", &[("name", "  ")]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(!field_error(&refused, "client-name").is_empty());

        // The key is on the answer, once; the list shows its last four characters.
        let issued = submit(&mut admin, "/admin/open311", &[("name", "城市随手拍")]).await;
        assert_eq!(issued.status, StatusCode::OK);
        let start = issued.body.find("o311_").expect("the key is shown");
        let key: String = issued.body[start..].chars().take_while(|c: &char| c.is_ascii_alphanumeric() || *c == '_').collect();
        let again = admin.get("/admin/open311").await;
        assert!(!again.body.contains(&key), "shown only once");
        assert!(again.body.contains(&key[key.len() - 4..]));
        let (status, accepted) = post_form(app, &[("api_key", &key), ("service_code", "noise"), ("description", "夜里施工")]).await;
        assert_eq!(status, StatusCode::CREATED, "{accepted}");

        // Revoked from the page: the key stops at once.
        let clients = app.store.open311_clients(None).await.unwrap();
        let revoked = submit(&mut admin, &format!("/admin/open311/{}/revoke", clients[0].id), &[]).await;
        assert_redirected(&revoked, "/admin/open311?done=revoke");
        let (status, _) = post_form(app, &[("api_key", &key), ("service_code", "noise"), ("description", "夜里施工")]).await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        // Nobody else opens the page.
        let mut resident = signed_in(app, "bao").await;
        assert_eq!(resident.get("/admin/open311").await.status, StatusCode::FORBIDDEN);
    }
}
