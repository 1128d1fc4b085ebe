//! The directory of services (办事指南) through HTTP: anyone reads a community's, its
//! supervisor and duty officer keep it, every wrong field is named and nothing is kept,
//! and the page shows steps sanitised with errors beside their fields.

use crate::helpers::TestApp;
use crate::pages::{Visitor, assert_redirected, field_error, signed_in, submit};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn directory(app: &TestApp, community: i64) -> Vec<Value> {
    let response = app
        .client
        .get(app.url(&format!("/api/v1/services?community_id={community}")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

fn residence_permit(community: i64) -> Value {
    json!({ "community_id": community, "title": "上海市居住证办理", "category": "licences",
        "url": "https://zwdt.sh.gov.cn", "office": "社区事务受理服务中心", "hours": "周一至周五 9:00–17:00" })
}

both_engines! {
    async fn the_directory_is_public_and_kept_by_the_office(app: &TestApp) {
        let community = app.chengshangcheng().await;
        assert!(directory(app, community).await.is_empty());
        let duty = app.token("duty").await;
        let created = app.post("/api/v1/services", &duty, residence_permit(community)).await;
        let id = created.expect(StatusCode::CREATED)["id"].as_i64().unwrap();

        let listed = directory(app, community).await;
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0]["title"], "上海市居住证办理");
        assert_eq!(listed[0]["category"], "licences");
        assert_eq!(listed[0]["url"], "https://zwdt.sh.gov.cn");
        assert_eq!(listed[0]["hours"], "周一至周五 9:00–17:00");
        assert!(listed[0]["steps"].is_null());

        // Each wrong field is named, and nothing is kept.
        let mut wrong = residence_permit(community);
        wrong["url"] = json!("javascript:alert(1)");
        app.post("/api/v1/services", &duty, wrong).await.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "service.url_invalid");
        let mut neither = residence_permit(community);
        neither["url"] = json!("  ");
        app.post("/api/v1/services", &duty, neither).await.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "service.link_or_steps");
        let mut unknown = residence_permit(community);
        unknown["category"] = json!("tax");
        app.post("/api/v1/services", &duty, unknown).await.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "service.category_unknown");
        let mut blank = residence_permit(community);
        blank["title"] = json!("");
        assert_eq!(app.post("/api/v1/services", &duty, blank).await.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(directory(app, community).await.len(), 1);

        // Residents, the desk and other communities' staff read but do not keep it.
        for login in ["bao", "desk", "wuye"] {
            let token = app.token(login).await;
            app.post("/api/v1/services", &token, residence_permit(community)).await.expect_error(StatusCode::FORBIDDEN, "auth.forbidden");
            let response = app.request(Method::DELETE, &format!("/api/v1/services/{id}"), Some(&token), None).await;
            assert_eq!(response.status, StatusCode::FORBIDDEN, "{login}");
        }
        let zhixin = app.zhixin().await;
        let elsewhere = app.post("/api/v1/services", &duty, residence_permit(zhixin)).await;
        assert_eq!(elsewhere.status, StatusCode::FORBIDDEN, "{:?}", elsewhere.body);
        assert!(directory(app, zhixin).await.is_empty());

        // Rewritten as steps instead of a link, then removed.
        let steps = json!({ "title": "居住证明", "category": "other", "steps": "1. 带上身份证\n2. 到合署办公服务中心" });
        let response = app.request(Method::PUT, &format!("/api/v1/services/{id}"), Some(&duty), Some(steps)).await;
        assert_eq!(response.status, StatusCode::NO_CONTENT, "{:?}", response.body);
        let listed = directory(app, community).await;
        assert_eq!((listed[0]["title"].as_str(), listed[0]["category"].as_str()), (Some("居住证明"), Some("other")));
        assert!(listed[0]["url"].is_null() && listed[0]["steps"].as_str().unwrap().contains("带上身份证"));
        let removed = app.request(Method::DELETE, &format!("/api/v1/services/{id}"), Some(&duty), None).await;
        assert_eq!(removed.status, StatusCode::NO_CONTENT);
        assert!(directory(app, community).await.is_empty());
        let again = app.request(Method::DELETE, &format!("/api/v1/services/{id}"), Some(&duty), None).await;
        assert_eq!(again.status, StatusCode::NOT_FOUND);

        let unknown = app.client.get(app.url("/api/v1/services?community_id=999999")).send().await.unwrap();
        assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    }

    async fn the_directory_page_for_anyone_and_its_form(app: &TestApp) {
        let community = app.chengshangcheng().await;
        let path = format!("/public/communities/{community}/services");
        let mut duty = signed_in(app, "duty").await;
        let page = duty.get(&path).await;
        assert!(page.body.contains("id=\"add-service\""), "{}", page.body);

        // Neither a link nor steps: told beside the link, with what was typed kept.
        let refused = submit(&mut duty, &format!("{path}/add"), &[("title", "居民身份证换领"), ("category", "licences"), ("url", ""), ("steps", "")]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(!field_error(&refused, "service-url").is_empty());
        assert!(refused.body.contains("value=\"居民身份证换领\""));
        let refused = submit(&mut duty, &format!("{path}/add"), &[("title", "社保卡"), ("category", "social_security"), ("url", "rsj.sh.gov.cn")]).await;
        assert!(field_error(&refused, "service-url").contains("https://"), "{}", field_error(&refused, "service-url"));

        let steps = "1. 带上旧证和户口簿\n2. <script>alert(1)</script>现场拍照<img src=x onerror=alert(2)>";
        let added = submit(&mut duty, &format!("{path}/add"), &[("title", "居民身份证换领"), ("category", "licences"), ("steps", steps), ("office", "属地派出所户籍窗口")]).await;
        assert_redirected(&added, &format!("{path}?done=add"));

        // Anyone reads it, sanitised, without a form.
        let mut anonymous = Visitor::new(app);
        let page = anonymous.get(&path).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("居民身份证换领") && page.body.contains("带上旧证和户口簿") && page.body.contains("属地派出所户籍窗口"));
        assert!(!page.body.contains("<script>alert") && !page.body.contains("onerror"), "{}", page.body);
        assert!(!page.body.contains("id=\"add-service\""));
        let mut bao = signed_in(app, "bao").await;
        assert!(!bao.get(&path).await.body.contains("id=\"add-service\""));
        assert!(bao.get("/").await.body.contains(&path), "the home links the directory");
        let id = directory(app, community).await[0]["id"].as_i64().unwrap().to_string();
        let forbidden = submit(&mut bao, &format!("{path}/remove"), &[("service_id", &id)]).await;
        assert_eq!(forbidden.status, StatusCode::FORBIDDEN);

        let removed = submit(&mut duty, &format!("{path}/remove"), &[("service_id", &id)]).await;
        assert_redirected(&removed, &format!("{path}?done=remove"));
        assert!(directory(app, community).await.is_empty());
    }
}
