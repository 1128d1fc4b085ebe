//! Forms that finish in one pass: a refused request names every field at fault at once,
//! each message beside its field in the form's own words, with the limit stated; and
//! nothing is written.

use crate::helpers::TestApp;
use crate::pages::Visitor;
use linli_domain::ids::CommunityId;
use reqwest::StatusCode;
use reqwest::header::COOKIE;
use serde_json::{Value, json};

async fn count_orders(app: &TestApp) -> usize {
    let duty = app.token("duty").await;
    let page = app.get("/api/v1/work-orders?limit=200", &duty).await;
    page.expect(StatusCode::OK)["items"]
        .as_array()
        .unwrap()
        .len()
}

async fn count_visits(app: &TestApp) -> usize {
    let desk = app.token("desk").await;
    let visits = app.get("/api/v1/visits", &desk).await;
    visits.expect(StatusCode::OK).as_array().unwrap().len()
}

fn fields_at_fault(body: &Value) -> Vec<(String, String)> {
    body["error"]["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|problem| {
            (
                problem["field"].as_str().unwrap().to_owned(),
                problem["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// The message shown beside `field` (its `id="FIELD-error"` paragraph).
fn message_beside(body: &str, field: &str) -> String {
    let marker = format!("id=\"{field}-error\">");
    let start = body
        .find(&marker)
        .unwrap_or_else(|| panic!("no message beside {field}: {body}"))
        + marker.len();
    body[start..].split('<').next().unwrap().to_owned()
}

both_engines! {
    async fn the_api_names_every_wrong_field_of_a_report_at_once(app: &TestApp) {
        let desk = app.token("desk").await;
        let before = count_orders(app).await;
        let refused = app
            .post("/api/v1/work-orders", &desk, json!({
                "category": "no_such_category",
                "description": "长".repeat(2001),
                "guest_name": "王阿姨",
                "guest_phone": "12345",
                "place": "地".repeat(201),
            }))
            .await;
        refused.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "work_order.category_unknown");
        assert_eq!(refused.body["error"]["field"], "category");
        assert_eq!(
            fields_at_fault(&refused.body),
            [
                ("category".to_owned(), "work_order.category_unknown".to_owned()),
                ("description".to_owned(), "validation.too_long".to_owned()),
                ("guest_phone".to_owned(), "registry.phone_invalid".to_owned()),
                ("place".to_owned(), "validation.too_long".to_owned()),
            ]
        );
        let messages: Vec<&str> = refused.body["error"]["errors"].as_array().unwrap().iter().map(|problem| problem["message"].as_str().unwrap()).collect();
        assert_eq!(messages[1], "「问题描述」太长了，最多 2,000 字");
        assert_eq!(messages[3], "「地点」太长了，最多 200 字");
        assert_eq!(count_orders(app).await, before, "nothing was written");

        // An error that is not about a field has no list.
        let bao = app.token("bao").await;
        let forbidden = app.post("/api/v1/work-orders", &bao, json!({ "category": "noise", "description": "吵", "guest_name": "王阿姨" })).await;
        forbidden.expect_error(StatusCode::FORBIDDEN, "auth.forbidden");
        assert!(forbidden.body["error"].get("errors").is_none());
    }

    async fn the_desk_form_shows_every_problem_beside_its_field_in_its_own_words(app: &TestApp) {
        let mut desk = Visitor::new(app);
        desk.sign_in("desk").await;
        desk.get("/desk").await;
        let csrf = desk.csrf();
        let (orders, visits) = (count_orders(app).await, count_visits(app).await);
        let page = desk
            .post("/desk", &[
                ("csrf", &csrf),
                ("channel", "walk_in"),
                ("visitor_name", "王阿姨"),
                ("visitor_phone", "12345"),
                ("room_text", "3单元502"),
                ("matter", "   "),
                ("outcome", "work_order"),
                ("category_id", ""),
            ])
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", page.body);
        assert_eq!(message_beside(&page.body, "visitor_phone"), "请填写正确的手机号或固定电话");
        // Named as the form labels it (反映事项), not as the API does (来访事由).
        assert_eq!(message_beside(&page.body, "matter"), "「反映事项」不能为空");
        assert_eq!(message_beside(&page.body, "category"), "请选择有效的问题类别");
        assert!(page.body.contains("aria-describedby=\"matter-limit matter-error\""), "the message is tied to its field");
        assert!(page.body.contains("最多 2,000 字"), "the limit is stated");
        assert!(page.body.contains("value=\"王阿姨\"") && page.body.contains("value=\"3单元502\""), "what was typed is kept");
        assert_eq!((count_orders(app).await, count_visits(app).await), (orders, visits), "nothing was written");

        let page = desk
            .post("/desk", &[
                ("csrf", &csrf),
                ("channel", "phone"),
                ("visitor_name", "王阿姨"),
                ("visitor_phone", "13812345678"),
                ("matter", &"长".repeat(2001)),
                ("outcome", "answered"),
                ("answer", "已电话答复"),
            ])
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(message_beside(&page.body, "matter"), "「反映事项」太长了，最多 2,000 字");
        assert_eq!(count_visits(app).await, visits);
    }

    async fn the_report_form_names_its_fields_as_its_labels_do(app: &TestApp) {
        let mut bao = Visitor::new(app);
        bao.sign_in("bao").await;
        bao.get("/report").await;
        let before = count_orders(app).await;
        let category = app.store.categories(CommunityId(app.chengshangcheng().await)).await.unwrap()[0].id.to_string();
        let form = reqwest::multipart::Form::new()
            .text("csrf", bao.csrf())
            .text("description", "灯".repeat(2001))
            .text("place", "楼".repeat(201));
        let response = bao.client.post(app.url("/report")).header(COOKIE, bao.cookie_header()).multipart(form).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body = response.text().await.unwrap();
        assert_eq!(message_beside(&body, "category"), "请选择有效的问题类别");
        assert_eq!(message_beside(&body, "description"), "「具体情况」太长了，最多 2,000 字");
        assert_eq!(message_beside(&body, "place"), "「具体位置」太长了，最多 200 字");
        assert!(body.contains("id=\"description-limit\""), "a counter's place under the text");
        assert_eq!(count_orders(app).await, before);

        // A photo that is not one is named with the other fields, not alone.
        let form = reqwest::multipart::Form::new()
            .text("csrf", bao.csrf())
            .text("category_id", category)
            .text("description", "  ")
            .part("photos", reqwest::multipart::Part::bytes(b"%PDF-1.7 not a photo".to_vec()).file_name("scan.pdf"));
        let response = bao.client.post(app.url("/report")).header(COOKIE, bao.cookie_header()).multipart(form).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body = response.text().await.unwrap();
        assert_eq!(message_beside(&body, "description"), "「具体情况」不能为空");
        assert!(message_beside(&body, "photos").contains("只能上传 JPEG、PNG 或 WebP 照片"), "{body}");
        assert_eq!(count_orders(app).await, before);
    }

    async fn an_action_form_names_its_text_as_its_label_does(app: &TestApp) {
        let bao = app.token("bao").await;
        let created = app.post("/api/v1/work-orders", &bao, json!({ "category": "noise", "description": "夜里装修" })).await;
        let id = created.expect(StatusCode::CREATED)["id"].as_i64().unwrap();
        let mut duty = Visitor::new(app);
        duty.sign_in("duty").await;
        duty.get(&format!("/orders/{id}")).await;
        let form = reqwest::multipart::Form::new()
            .text("csrf", duty.csrf())
            .text("text", "长".repeat(2001));
        let response = duty.client.post(app.url(&format!("/orders/{id}/actions/note"))).header(COOKIE, duty.cookie_header()).multipart(form).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body = response.text().await.unwrap();
        assert!(body.contains("「备注（居民看不到）」太长了，最多 2,000 字"), "{body}");
        assert!(body.contains("id=\"note-text-limit\""), "a counter's place under the text");
    }
}
