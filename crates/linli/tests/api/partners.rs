//! Partner units (区域化党建共建单位) through HTTP: anyone reads them and their activities,
//! only the community's staff see a partner's phone, the supervisor or admin keeps them,
//! every wrong field is named and nothing is kept, partners become co-parties of projects,
//! and the pages show refusals beside their fields.

use crate::helpers::{Response, TestApp};
use crate::meetings::organisation;
use crate::pages::{Visitor, assert_redirected, field_error, signed_in, submit};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn public_get(app: &TestApp, path: &str) -> (StatusCode, Value) {
    let response = app.client.get(app.url(path)).send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn school(community: i64) -> Value {
    json!({ "community_id": community, "name": "城上城小学", "category": "school",
        "address": "城上城路 18 号", "contact_name": "陆老师", "contact_phone": "13800001234",
        "description": "对口小学，少先队员常来社区服务。", "offers": ["volunteers", "venue"],
        "offer_details": "礼堂周末可借用，可容纳 200 人", "joined_on": "2025-09-01" })
}

async fn add(app: &TestApp, token: &str, body: Value) -> i64 {
    let created = app.post("/api/v1/partners", token, body).await;
    created.expect(StatusCode::CREATED)["id"].as_i64().unwrap()
}

async fn partners(app: &TestApp, community: i64, token: Option<&str>) -> Vec<Value> {
    let path = format!("/api/v1/partners?community_id={community}");
    let response = app.request(Method::GET, &path, token, None).await;
    response.expect(StatusCode::OK).as_array().unwrap().clone()
}

async fn project(app: &TestApp, token: &str, community: i64) -> i64 {
    let owner = organisation(app, community, "城上城物业服务中心").await;
    let created = app
        .post(
            "/api/v1/projects",
            token,
            json!({ "community_id": community, "title": "7号楼加装探头",
        "purpose": "高空抛物取证", "owner_organisation_id": owner, "budget_fen": 3_500_000 }),
        )
        .await;
    created.expect(StatusCode::CREATED)["id"].as_i64().unwrap()
}

fn refused(response: &Response, code: &str, field: &str) {
    response.expect_error(StatusCode::UNPROCESSABLE_ENTITY, code);
    assert_eq!(
        response.body["error"]["field"], field,
        "{:?}",
        response.body
    );
}

both_engines! {
    async fn partners_are_public_with_phones_for_staff_and_kept_by_the_supervisor(app: &TestApp) {
        let community = app.chengshangcheng().await;
        let shuji = app.token("shuji").await;
        let id = add(app, &shuji, school(community)).await;

        // Anyone reads the partner, without its phone; the office's staff see the phone.
        let (status, anonymous) = public_get(app, &format!("/api/v1/partners?community_id={community}")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(anonymous.as_array().unwrap().len(), 1);
        let shown = &anonymous[0];
        assert_eq!((shown["id"].as_i64(), shown["name"].as_str(), shown["category"].as_str()), (Some(id), Some("城上城小学"), Some("school")));
        assert_eq!(shown["offers"], json!(["venue", "volunteers"]), "offers in the fixed order");
        assert_eq!(shown["contact_name"], "陆老师");
        assert_eq!(shown["joined_on"], "2025-09-01");
        assert!(shown["contact_phone"].is_null());
        for (login, sees) in [("bao", false), ("li", false), ("zhou", false), ("desk", true), ("wuye", true), ("shuji", true), ("admin", true)] {
            let token = app.token(login).await;
            let listed = partners(app, community, Some(&token)).await;
            assert_eq!(listed[0]["contact_phone"].as_str() == Some("13800001234"), sees, "{login}");
            let detail = app.get(&format!("/api/v1/partners/{id}"), &token).await;
            assert_eq!(detail.expect(StatusCode::OK)["partner"]["contact_phone"].as_str() == Some("13800001234"), sees, "{login}");
        }

        // Each wrong field is named and nothing is kept.
        let wrong = |field: &str, value: Value| {
            let mut body = school(community);
            body["name"] = json!("城上城派出所");
            body[field] = value;
            body
        };
        refused(&app.post("/api/v1/partners", &shuji, wrong("category", json!("bank"))).await, "partner.category_unknown", "category");
        refused(&app.post("/api/v1/partners", &shuji, wrong("offers", json!(["venue", "venue"]))).await, "partner.offer_twice", "offers");
        refused(&app.post("/api/v1/partners", &shuji, wrong("offers", json!(["money"]))).await, "partner.offer_unknown", "offers");
        refused(&app.post("/api/v1/partners", &shuji, wrong("contact_phone", json!("12345"))).await, "registry.phone_invalid", "contact_phone");
        refused(&app.post("/api/v1/partners", &shuji, wrong("contact_name", json!(""))).await, "validation.required", "contact_name");
        refused(&app.post("/api/v1/partners", &shuji, wrong("joined_on", json!("2025-13-01"))).await, "partner.date_invalid", "joined_on");
        refused(&app.post("/api/v1/partners", &shuji, wrong("name", json!("  "))).await, "validation.required", "name");
        refused(&app.post("/api/v1/partners", &shuji, wrong("address", json!("x".repeat(101)))).await, "validation.too_long", "address");
        // The name of a unit already in the community, partner or not, is taken.
        app.post("/api/v1/partners", &shuji, school(community)).await.expect_error(StatusCode::CONFLICT, "partner.name_taken");
        app.post("/api/v1/partners", &shuji, wrong("name", json!("城上城物业服务中心"))).await.expect_error(StatusCode::CONFLICT, "partner.name_taken");
        assert_eq!(partners(app, community, None).await.len(), 1);

        // Residents, the desk and other communities' staff do not keep partners.
        for login in ["bao", "desk", "duty", "wuye", "zhou"] {
            let token = app.token(login).await;
            let answer = app.post("/api/v1/partners", &token, wrong("name", json!("某公司"))).await;
            assert_eq!(answer.status, StatusCode::FORBIDDEN, "{login}: {:?}", answer.body);
            let answer = app.request(Method::PUT, &format!("/api/v1/partners/{id}"), Some(&token), Some(school(community))).await;
            assert_eq!(answer.status, StatusCode::FORBIDDEN, "{login}");
        }
        assert_eq!(partners(app, community, None).await.len(), 1);

        // The admin rewrites it whole: what was left out is cleared.
        let admin = app.token("admin").await;
        let rewrite = json!({ "name": "城上城实验小学", "category": "school", "offers": ["funds"] });
        let saved = app.request(Method::PUT, &format!("/api/v1/partners/{id}"), Some(&admin), Some(rewrite)).await;
        assert_eq!(saved.status, StatusCode::NO_CONTENT, "{:?}", saved.body);
        let listed = partners(app, community, Some(&admin)).await;
        assert_eq!((listed[0]["name"].as_str(), listed[0]["offers"].clone()), (Some("城上城实验小学"), json!(["funds"])));
        assert!(listed[0]["contact_phone"].is_null() && listed[0]["address"].is_null());
        let missing = app.request(Method::PUT, "/api/v1/partners/999999", Some(&admin), Some(school(community))).await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND);
        // An organisation that is not a partner unit has no partner page.
        let wuye = organisation(app, community, "城上城物业服务中心").await;
        assert_eq!(public_get(app, &format!("/api/v1/partners/{wuye}")).await.0, StatusCode::NOT_FOUND);
        assert_eq!(public_get(app, "/api/v1/partners?community_id=999999").await.0, StatusCode::NOT_FOUND);
    }

    async fn activities_and_projects_count_for_each_partner(app: &TestApp) {
        let community = app.chengshangcheng().await;
        let shuji = app.token("shuji").await;
        let school_id = add(app, &shuji, school(community)).await;
        let clinic = add(app, &shuji, json!({ "community_id": community, "name": "社区卫生服务中心", "category": "hospital", "offers": ["expertise"] })).await;

        let activity = |units: Value, held_on: &str| json!({ "community_id": community, "title": "重阳节义诊", "held_on": held_on,
            "place": "合署办公服务中心", "residents_served": 120, "summary": "量血压、测血糖", "partner_ids": units });
        let recorded = app.post("/api/v1/partner-activities", &shuji, activity(json!([clinic, school_id]), "2026-10-20")).await;
        let first = recorded.expect(StatusCode::CREATED)["id"].as_i64().unwrap();
        app.post("/api/v1/partner-activities", &shuji, activity(json!([school_id]), "2026-10-26")).await.expect(StatusCode::CREATED);

        let wuye = organisation(app, community, "城上城物业服务中心").await;
        refused(&app.post("/api/v1/partner-activities", &shuji, activity(json!([]), "2026-10-20")).await, "partner.units_required", "units");
        refused(&app.post("/api/v1/partner-activities", &shuji, activity(json!([clinic, clinic]), "2026-10-20")).await, "partner.unit_twice", "units");
        refused(&app.post("/api/v1/partner-activities", &shuji, activity(json!([wuye]), "2026-10-20")).await, "partner.unit_unknown", "units");
        refused(&app.post("/api/v1/partner-activities", &shuji, activity(json!([clinic]), "2026-10-28")).await, "partner.activity_in_future", "held_on");
        refused(&app.post("/api/v1/partner-activities", &shuji, activity(json!([clinic]), "20.10.2026")).await, "partner.date_invalid", "held_on");
        let mut too_many = activity(json!([clinic]), "2026-10-20");
        too_many["residents_served"] = json!(-3);
        refused(&app.post("/api/v1/partner-activities", &shuji, too_many).await, "validation.out_of_range", "residents_served");
        let bao = app.token("bao").await;
        let answer = app.post("/api/v1/partner-activities", &bao, activity(json!([clinic]), "2026-10-20")).await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN);

        let (status, listed) = public_get(app, &format!("/api/v1/partner-activities?community_id={community}")).await;
        assert_eq!(status, StatusCode::OK);
        let listed = listed.as_array().unwrap();
        assert_eq!(listed.len(), 2, "the refused ones were not kept");
        assert_eq!(listed[0]["held_on"], "2026-10-26", "the latest first");
        assert_eq!(listed[1]["units"].as_array().unwrap().len(), 2);
        assert_eq!(listed[1]["residents_served"], 120);

        // A partner as a co-party of a project: by the duty officer who manages projects.
        let duty = app.token("duty").await;
        let project_id = project(app, &duty, community).await;
        let path = format!("/api/v1/projects/{project_id}/partners");
        let added = app.post(&path, &duty, json!({ "partner_id": school_id, "contribution": "出资 5,000 元" })).await;
        assert_eq!(added.status, StatusCode::NO_CONTENT, "{:?}", added.body);
        app.post(&path, &duty, json!({ "partner_id": school_id, "contribution": "再出一次" })).await.expect_error(StatusCode::CONFLICT, "partner.already_in_project");
        refused(&app.post(&path, &duty, json!({ "partner_id": wuye, "contribution": "x" })).await, "partner.unit_unknown", "partner_id");
        refused(&app.post(&path, &duty, json!({ "partner_id": clinic, "contribution": "" })).await, "validation.required", "contribution");
        assert_eq!(app.post(&path, &bao, json!({ "partner_id": clinic, "contribution": "x" })).await.status, StatusCode::FORBIDDEN);

        // A proposal is the office's until approved: its co-parties too.
        assert_eq!(public_get(app, &path).await.0, StatusCode::NOT_FOUND);
        let (_, detail) = public_get(app, &format!("/api/v1/partners/{school_id}")).await;
        assert!(detail["projects"].as_array().unwrap().is_empty(), "{detail}");
        let office = app.get(&path, &duty).await;
        assert_eq!(office.expect(StatusCode::OK)[0]["contribution"], "出资 5,000 元");
        let approved = app.post(&format!("/api/v1/projects/{project_id}/transitions/approve"), &duty, json!({})).await;
        assert!(approved.status.is_success(), "{:?}", approved.body);
        let (status, co_parties) = public_get(app, &path).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!((co_parties[0]["partner_id"].as_i64(), co_parties[0]["name"].as_str()), (Some(school_id), Some("城上城小学")));

        // Each partner's counts add up to what it took part in.
        let (_, detail) = public_get(app, &format!("/api/v1/partners/{school_id}")).await;
        assert_eq!((detail["partner"]["activities"].as_i64(), detail["partner"]["projects"].as_i64()), (Some(2), Some(1)));
        assert_eq!(detail["activities"].as_array().unwrap().len(), 2);
        assert_eq!(detail["projects"][0]["project_title"], "7号楼加装探头");
        let listed = partners(app, community, None).await;
        let total: i64 = listed.iter().map(|partner| partner["activities"].as_i64().unwrap()).sum();
        assert_eq!(total, 3, "two activities: one with two units, one with one");

        // Removed again; an activity recorded by mistake is removed with its units.
        let removed = app.request(Method::DELETE, &format!("{path}/{school_id}"), Some(&duty), None).await;
        assert_eq!(removed.status, StatusCode::NO_CONTENT);
        let again = app.request(Method::DELETE, &format!("{path}/{school_id}"), Some(&duty), None).await;
        assert_eq!(again.status, StatusCode::NOT_FOUND);
        let gone = app.request(Method::DELETE, &format!("/api/v1/partner-activities/{first}"), Some(&shuji), None).await;
        assert_eq!(gone.status, StatusCode::NO_CONTENT);
        let (_, detail) = public_get(app, &format!("/api/v1/partners/{clinic}")).await;
        assert_eq!((detail["partner"]["activities"].as_i64(), detail["partner"]["projects"].as_i64()), (Some(0), Some(0)));
    }

    async fn the_partner_pages_for_anyone_and_their_forms(app: &TestApp) {
        let community = app.chengshangcheng().await;
        let path = format!("/public/communities/{community}/partners");
        let mut shuji = signed_in(app, "shuji").await;
        let page = shuji.get(&path).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("id=\"add-partner\"") && !page.body.contains("id=\"record-activity\""), "no activity without partners");

        // A wrong phone: told beside the phone in Chinese, with what was typed kept.
        let form = [("name", "城上城小学"), ("category", "school"), ("offers", "venue"), ("offers", "volunteers"),
            ("contact_name", "陆老师"), ("contact_phone", "12345"), ("offer_details", "礼堂周末可借用")];
        let refused = submit(&mut shuji, &format!("{path}/add"), &form).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(field_error(&refused, "partner-contact-phone").contains("手机"), "{}", field_error(&refused, "partner-contact-phone"));
        assert!(refused.body.contains("value=\"城上城小学\"") && refused.body.contains("礼堂周末可借用"));
        assert!(refused.body.contains("value=\"volunteers\" checked"), "the ticked offers are kept");
        let mut form = form.to_vec();
        form[5] = ("contact_phone", "13800001234");
        assert_redirected(&submit(&mut shuji, &format!("{path}/add"), &form).await, &format!("{path}?done=add"));
        let school_id = partners(app, community, None).await[0]["id"].as_i64().unwrap().to_string();

        // An activity with no unit ticked is refused beside the units.
        let activity = [("title", "少先队员清理楼道"), ("held_on", "2026-10-24"), ("residents_served", "30")];
        let refused = submit(&mut shuji, &format!("{path}/activity"), &activity).await;
        assert!(!field_error(&refused, "activity-units").is_empty());
        assert!(refused.body.contains("value=\"少先队员清理楼道\""));
        let refused = submit(&mut shuji, &format!("{path}/activity"), &[("title", "x"), ("held_on", "2026-10-24"), ("units", &school_id), ("residents_served", "三十")]).await;
        assert!(!field_error(&refused, "activity-served").is_empty());
        let mut activity = activity.to_vec();
        activity.push(("units", &school_id));
        assert_redirected(&submit(&mut shuji, &format!("{path}/activity"), &activity).await, &format!("{path}?done=activity"));

        // Anyone reads both pages, without the phone and without forms.
        let mut anonymous = Visitor::new(app);
        let page = anonymous.get(&path).await;
        assert_eq!(page.status, StatusCode::OK);
        for shown in ["城上城小学", "场地 · 志愿服务", "陆老师", "少先队员清理楼道", "服务居民 30 人", "共建活动 1 次"] {
            assert!(page.body.contains(shown), "{shown}: {}", page.body);
        }
        assert!(!page.body.contains("13800001234") && !page.body.contains("id=\"add-partner\""));
        let partner_path = format!("/public/partners/{school_id}");
        let detail = anonymous.get(&partner_path).await;
        assert!(detail.body.contains("少先队员清理楼道") && !detail.body.contains("13800001234") && !detail.body.contains("id=\"edit-partner\""));
        let mut bao = signed_in(app, "bao").await;
        assert!(!bao.get(&partner_path).await.body.contains("13800001234"));
        assert!(bao.get("/").await.body.contains(&path), "the home links the partners");
        let forbidden = submit(&mut bao, &format!("{path}/add"), &form).await;
        assert_eq!(forbidden.status, StatusCode::FORBIDDEN);
        let mut desk = signed_in(app, "desk").await;
        assert!(desk.get(&partner_path).await.body.contains("13800001234"), "staff see the phone");

        // The supervisor edits it on its page, the stored values filled in.
        let edit = shuji.get(&partner_path).await;
        assert!(edit.body.contains("id=\"edit-partner\"") && edit.body.contains("value=\"13800001234\""));
        assert!(edit.body.contains("value=\"venue\" checked"));
        let refused = submit(&mut shuji, &format!("{partner_path}/edit"), &[("name", "城上城小学"), ("category", "school"), ("joined_on", "昨天")]).await;
        assert!(!field_error(&refused, "partner-joined-on").is_empty());
        assert!(refused.body.contains("value=\"昨天\""));
        let saved = submit(&mut shuji, &format!("{partner_path}/edit"), &[("name", "城上城小学"), ("category", "school"), ("offers", "funds")]).await;
        assert_redirected(&saved, &format!("{partner_path}?done=edit"));
        assert!(anonymous.get(&partner_path).await.body.contains("资金"));

        // On a project's page the duty officer names it a co-party; the public page shows it.
        let duty_token = app.token("duty").await;
        let project_id = project(app, &duty_token, community).await;
        let mut duty = signed_in(app, "duty").await;
        let project_path = format!("/projects/{project_id}");
        assert!(duty.get(&project_path).await.body.contains("id=\"add-project-partner\""));
        let refused = submit(&mut duty, &format!("{project_path}/partner_add"), &[("partner_id", &school_id), ("contribution", "")]).await;
        assert!(!field_error(&refused, "project-contribution").is_empty());
        let added = submit(&mut duty, &format!("{project_path}/partner_add"), &[("partner_id", &school_id), ("contribution", "借出礼堂开动员会")]).await;
        assert_redirected(&added, &project_path);
        app.post(&format!("/api/v1/projects/{project_id}/transitions/approve"), &duty_token, json!({})).await.expect(StatusCode::OK);
        let public = anonymous.get(&format!("/public/projects/{project_id}")).await;
        assert!(public.body.contains("借出礼堂开动员会") && public.body.contains(&partner_path) && !public.body.contains("add-project-partner"));
    }
}
