//! The pages over plain HTTP: what a browser sends, without a browser. Sessions in
//! cookies, the CSRF and origin guards, refused forms, and who may see which page.

use crate::helpers::{DEMO_PASSWORD, TestApp};
use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION, ORIGIN, SET_COOKIE};
use serde_json::json;

/// A browser's cookies, kept by hand: the session and the CSRF token.
pub(crate) struct Visitor<'a> {
    app: &'a TestApp,
    pub(crate) client: reqwest::Client,
    cookies: Vec<(String, String)>,
    /// The CSRF token of the last page that had forms, as a browser would submit it.
    csrf: String,
}

pub(crate) struct Page {
    pub(crate) status: StatusCode,
    pub(crate) location: String,
    pub(crate) body: String,
}

impl<'a> Visitor<'a> {
    pub(crate) fn new(app: &'a TestApp) -> Self {
        Self {
            app,
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            cookies: Vec::new(),
            csrf: String::new(),
        }
    }

    /// The CSRF token the last page's forms carried.
    pub(crate) fn csrf(&self) -> String {
        self.csrf.clone()
    }

    pub(crate) fn cookie(&self, name: &str) -> String {
        self.cookies
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
            .unwrap_or_default()
    }

    fn keep_cookies(&mut self, response: &reqwest::Response) -> Vec<String> {
        let mut raw = Vec::new();
        for header in response.headers().get_all(SET_COOKIE) {
            let header = header.to_str().unwrap().to_owned();
            let pair = header.split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            self.cookies.retain(|(key, _)| key != name);
            if !value.is_empty() {
                self.cookies.push((name.to_owned(), value.to_owned()));
            }
            raw.push(header);
        }
        raw
    }

    pub(crate) fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn finish(&mut self, request: reqwest::RequestBuilder) -> Page {
        let response = request.send().await.unwrap();
        self.keep_cookies(&response);
        let page = Page {
            status: response.status(),
            location: response
                .headers()
                .get(LOCATION)
                .map(|value| value.to_str().unwrap().to_owned())
                .unwrap_or_default(),
            body: response.text().await.unwrap(),
        };
        if let Some(token) = form_token(&page.body) {
            self.csrf = token;
        }
        page
    }

    pub(crate) async fn get(&mut self, path: &str) -> Page {
        let request = self
            .client
            .get(self.app.url(path))
            .header(COOKIE, self.cookie_header());
        self.finish(request).await
    }

    pub(crate) async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Page {
        let request = self
            .client
            .post(self.app.url(path))
            .header(COOKIE, self.cookie_header())
            .form(form);
        self.finish(request).await
    }

    pub(crate) async fn sign_in(&mut self, login: &str) {
        self.get("/signin").await;
        let csrf = self.csrf();
        let page = self
            .post(
                "/signin",
                &[
                    ("csrf", &csrf),
                    ("login", login),
                    ("password", DEMO_PASSWORD),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        assert!(!self.cookie("linli_session").is_empty());
        // The forms' token is bound to the new session: read it as the next page has it.
        self.get("/inbox").await;
    }
}

/// The CSRF token in a page's forms.
pub(crate) fn form_token(body: &str) -> Option<String> {
    let marker = "name=\"csrf\" value=\"";
    let start = body.find(marker)? + marker.len();
    let end = body[start..].find('"')? + start;
    Some(body[start..end].to_owned())
}

/// The id of 城上城's property company, the usual lead party.
async fn property_company(app: &TestApp) -> i64 {
    let community = linli_domain::ids::CommunityId(app.chengshangcheng().await);
    let organisations = app.store.organisations(community).await.unwrap();
    organisations
        .into_iter()
        .find(|organisation| organisation.name == "城上城物业服务中心")
        .unwrap()
        .id
}

async fn count_orders(app: &TestApp) -> usize {
    let duty = app.token("duty").await;
    let page = app.get("/api/v1/work-orders?limit=200", &duty).await;
    page.expect(StatusCode::OK)["items"]
        .as_array()
        .unwrap()
        .len()
}

both_engines! {
    async fn sessions_live_in_http_only_cookies(app: &TestApp) {
        let mut visitor = Visitor::new(app);
        let page = visitor.get("/").await;
        assert_eq!((page.status, page.location.as_str()), (StatusCode::SEE_OTHER, "/signin?next=/"));
        let response = visitor.client.get(app.url("/signin")).send().await.unwrap();
        let set_cookies = visitor.keep_cookies(&response);
        let csrf_cookie = set_cookies.iter().find(|c| c.starts_with("linli_csrf=")).unwrap();
        assert!(csrf_cookie.contains("HttpOnly") && csrf_cookie.contains("SameSite=Strict"));
        let body = response.text().await.unwrap();
        let csrf = form_token(&body).expect("forms carry the token");
        assert_ne!(csrf, visitor.cookie("linli_csrf"), "the token is derived, not the cookie repeated");

        let response = visitor
            .client
            .post(app.url("/signin"))
            .header(COOKIE, visitor.cookie_header())
            .form(&[("csrf", csrf.as_str()), ("login", "duty"), ("password", DEMO_PASSWORD), ("next", "/stats")])
            .send()
            .await
            .unwrap();
        assert_eq!(response.headers()[LOCATION], "/stats");
        let set_cookies = visitor.keep_cookies(&response);
        let session = set_cookies.iter().find(|c| c.starts_with("linli_session=")).unwrap();
        assert!(session.contains("HttpOnly") && session.contains("SameSite=Lax") && session.contains("Path=/"));
        // The same token works as a bearer token: one kind of session for pages and API.
        let me = app.get("/api/v1/me", &visitor.cookie("linli_session")).await;
        assert_eq!(me.expect(StatusCode::OK)["login"], "duty");
        // The API never takes the cookie: its POSTs have no CSRF token to check.
        let response = visitor.client.get(app.url("/api/v1/me")).header(COOKIE, visitor.cookie_header()).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);

        // Signing out ends the session on the server, not just in the browser.
        let token = visitor.cookie("linli_session");
        // The token before signing in was bound to the browser; now it is the session's.
        let page = visitor.post("/signout", &[("csrf", &csrf)]).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "a token of before signing in is refused");
        visitor.get("/inbox").await;
        let csrf = visitor.csrf();
        let page = visitor.post("/signout", &[("csrf", &csrf)]).await;
        assert_eq!(page.location, "/signin");
        app.get("/api/v1/me", &token).await.expect_error(StatusCode::UNAUTHORIZED, "auth.session_invalid");
    }

    async fn forms_without_the_token_or_from_elsewhere_change_nothing(app: &TestApp) {
        let mut visitor = Visitor::new(app);
        visitor.sign_in("bao").await;
        let before = count_orders(app).await;
        let category = app.store.categories(linli_domain::ids::CommunityId(app.chengshangcheng().await)).await.unwrap()[0].id.to_string();
        let form = reqwest::multipart::Form::new()
            .text("csrf", "not-the-token")
            .text("category_id", category.clone())
            .text("description", "楼道灯坏了");
        let response = visitor.client.post(app.url("/report")).header(COOKIE, visitor.cookie_header()).multipart(form).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        assert!(response.text().await.unwrap().contains("页面已过期"));

        // The right token, but posted from another site.
        let form = reqwest::multipart::Form::new()
            .text("csrf", visitor.csrf())
            .text("category_id", category.clone())
            .text("description", "楼道灯坏了");
        let response = visitor.client.post(app.url("/report")).header(COOKIE, visitor.cookie_header()).header(ORIGIN, "https://evil.example").multipart(form).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        let after = count_orders(app).await;
        assert_eq!(before, after, "nothing was reported");

        // Sign-out without the token does not sign out.
        let page = visitor.post("/signout", &[("csrf", "wrong")]).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN);
        assert_eq!(visitor.get("/").await.status, StatusCode::OK);

        // A fake photo refuses the whole report, with the reason next to the field.
        let form = reqwest::multipart::Form::new()
            .text("csrf", visitor.csrf())
            .text("category_id", category)
            .text("description", "楼道灯坏了")
            .text("place", "3单元")
            .part("photos", reqwest::multipart::Part::bytes(b"GIF89a not a photo".to_vec()).file_name("x.jpg"));
        let response = visitor.client.post(app.url("/report")).header(COOKIE, visitor.cookie_header()).multipart(form).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body = response.text().await.unwrap();
        assert!(body.contains("id=\"photos-error\"") && body.contains("只能上传 JPEG、PNG 或 WebP 照片"), "{body}");
        assert!(body.contains("楼道灯坏了") && body.contains("value=\"3单元\""), "input kept");
        let after = count_orders(app).await;
        assert_eq!(before, after);
    }

    async fn a_refused_sign_in_says_why_and_keeps_the_login(app: &TestApp) {
        let mut visitor = Visitor::new(app);
        visitor.get("/signin").await;
        let csrf = visitor.csrf();
        let page = visitor.post("/signin", &[("csrf", &csrf), ("login", "bao"), ("password", "wrong password")]).await;
        assert_eq!(page.status, StatusCode::UNAUTHORIZED);
        assert!(page.body.contains("账号或密码不正确"));
        assert!(page.body.contains("value=\"bao\""));
        assert!(!page.body.contains("wrong password"), "the password is never sent back");
        // A next address on another site is ignored.
        let page = visitor.post("/signin", &[("csrf", &csrf), ("login", "bao"), ("password", DEMO_PASSWORD), ("next", "//evil.example/")]).await;
        assert_eq!(page.location, "/");
    }

    async fn pages_show_each_person_only_what_they_may_see(app: &TestApp) {
        let desk = app.token("desk").await;
        let duty = app.token("duty").await;
        let created = app.post("/api/v1/work-orders", &desk, json!({
            "category": "neighbour_dispute",
            "description": "楼上装修噪音，晚上十点还在敲",
            "reporter_id": app.person_id("bao").await,
            "is_public": false,
        })).await;
        let id = created.expect(StatusCode::CREATED)["id"].as_i64().unwrap();
        app.post(&format!("/api/v1/work-orders/{id}/actions/note"), &duty, json!({ "text": "内部：这户人家去年也投诉过" })).await.expect(StatusCode::OK);

        let mut bao = Visitor::new(app);
        bao.sign_in("bao").await;
        let page = bao.get(&format!("/orders/{id}")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("楼上装修噪音"));
        assert!(!page.body.contains("去年也投诉过"), "internal notes never reach residents");
        assert_eq!(bao.get(&format!("/orders/{id}/slip")).await.status, StatusCode::FORBIDDEN);
        assert_eq!(bao.get("/admin").await.status, StatusCode::FORBIDDEN);
        assert_eq!(bao.get("/queue").await.status, StatusCode::FORBIDDEN);

        let mut tang = Visitor::new(app);
        tang.sign_in("tang").await;
        let page = tang.get(&format!("/orders/{id}")).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "another resident's private report");
        assert!(!page.body.contains("楼上装修噪音"));

        let mut duty_visitor = Visitor::new(app);
        duty_visitor.sign_in("duty").await;
        let page = duty_visitor.get(&format!("/orders/{id}")).await;
        assert!(page.body.contains("去年也投诉过"), "staff see internal notes");
        assert!(page.body.contains("action-dispatch"), "the duty officer may dispatch");
        let page = duty_visitor.get("/queue?view=all&status=nonsense").await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.body.contains("未知的状态"));
    }

    async fn an_action_refused_on_the_page_keeps_the_text(app: &TestApp) {
        let desk = app.token("desk").await;
        let created = app.post("/api/v1/work-orders", &desk, json!({
            "category": "corridor_lighting",
            "description": "3号楼2单元楼道灯不亮",
            "guest_name": "王阿姨",
        })).await;
        let order = created.expect(StatusCode::CREATED).clone();
        let id = order["id"].as_i64().unwrap();
        let mut duty = Visitor::new(app);
        duty.sign_in("duty").await;
        let csrf = duty.csrf();
        // Someone else acted meanwhile: the version the page showed is stale.
        let form = reqwest::multipart::Form::new()
            .text("csrf", csrf.clone())
            .text("version", (order["version"].as_i64().unwrap() + 7).to_string())
            .text("text", "请尽快处理");
        let response = duty.client.post(app.url(&format!("/orders/{id}/actions/note"))).header(COOKIE, duty.cookie_header()).multipart(form).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::CONFLICT);
        let body = response.text().await.unwrap();
        assert!(body.contains("工单刚被其他人更新"), "{body}");
        assert!(body.contains(">请尽快处理</textarea>"), "the text typed is kept");
        // And the right version goes through, back to the page with what was done.
        let form = reqwest::multipart::Form::new()
            .text("csrf", csrf)
            .text("version", order["version"].as_i64().unwrap().to_string())
            .text("text", "请尽快处理");
        let response = duty.client.post(app.url(&format!("/orders/{id}/actions/note"))).header(COOKIE, duty.cookie_header()).multipart(form).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(response.headers()[LOCATION], format!("/orders/{id}?done=note").as_str());
    }

    async fn the_administrator_sets_inbox_rules_on_the_page(app: &TestApp) {
        let community = app.chengshangcheng().await;
        let shuji = app.token("shuji").await;
        let mut admin = Visitor::new(app);
        admin.sign_in("admin").await;
        let page = admin.get("/admin").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("派单（来新单了）") && page.body.contains("尚未设置通知渠道"), "{}", page.body);
        let csrf = admin.csrf();
        let path = "/admin/notification-rules/work_order.dispatched";

        // An audience the page never offers: refused in Chinese, nothing changed.
        let page = admin.post(path, &[("csrf", &csrf), ("audience", "everyone")]).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.body.contains("接收人须为"), "{}", page.body);
        let rules = app.get(&format!("/api/v1/notification-rules?community_id={community}"), &shuji).await;
        let dispatched = |rules: &serde_json::Value| rules.as_array().unwrap().iter().find(|rule| rule["topic"] == "work_order.dispatched").unwrap().clone();
        assert_eq!(dispatched(rules.expect(StatusCode::OK))["is_default"], true);

        let page = admin.post(path, &[("csrf", &csrf), ("audience", "lead_party"), ("audience", "co_handlers")]).await;
        assert_eq!((page.status, page.location.as_str()), (StatusCode::SEE_OTHER, "/admin?done=rules"));
        let rules = app.get(&format!("/api/v1/notification-rules?community_id={community}"), &shuji).await;
        assert_eq!(dispatched(rules.expect(StatusCode::OK))["audiences"], json!(["lead_party", "co_handlers"]));
        let page = admin.get("/admin?done=rules").await;
        assert!(page.body.contains("通知规则已保存") && page.body.contains("恢复默认"));

        let page = admin.post(path, &[("csrf", &csrf), ("reset", "1")]).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER);
        let rules = app.get(&format!("/api/v1/notification-rules?community_id={community}"), &shuji).await;
        assert_eq!(dispatched(rules.expect(StatusCode::OK))["is_default"], true);
        // Without the form's token nothing changes.
        let page = admin.post(path, &[("csrf", "stale"), ("audience", "reporter")]).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN);
    }
}

both_engines! {
    // A guest taken at the desk: private unless the visitor agreed; public, it shows no
    // name, room or phone to any resident, in the API, the list or the page.
    async fn a_guests_report_shows_residents_no_name_room_or_phone(app: &TestApp) {
        let community = app.chengshangcheng().await;
        let (desk, bao) = (app.token("desk").await, app.token("bao").await);
        let guest = |is_public: Option<bool>| {
            let mut body = json!({
                "community_id": community, "category": "noise",
                "description": "楼下夜里吵闹，可打 13912345678 联系我",
                "guest_name": "陆阿婆", "guest_phone": "13912345678", "place": "3单元502",
            });
            if let Some(is_public) = is_public {
                body["is_public"] = json!(is_public);
            }
            body
        };
        let private = app.post("/api/v1/work-orders", &desk, guest(None)).await;
        let private = private.expect(StatusCode::CREATED).clone();
        assert_eq!(private["is_public"], false, "a walk-in is private unless the visitor agreed");
        app.get(&format!("/api/v1/work-orders/{}", private["id"]), &bao).await
            .expect_error(StatusCode::NOT_FOUND, "work_order.not_found");
        let public = app.post("/api/v1/work-orders", &desk, guest(Some(true))).await;
        let id = public.expect(StatusCode::CREATED)["id"].as_i64().unwrap();

        let seen = app.get(&format!("/api/v1/work-orders/{id}"), &bao).await;
        let text = seen.expect(StatusCode::OK).to_string();
        let listed = app.get(&format!("/api/v1/work-orders?community_id={community}"), &bao).await;
        let listed = listed.expect(StatusCode::OK).to_string();
        let mut visitor = Visitor::new(app);
        visitor.sign_in("bao").await;
        let page = visitor.get(&format!("/orders/{id}")).await;
        assert_eq!(page.status, StatusCode::OK);
        for (what, body) in [("the API", &text), ("the list", &listed), ("the page", &page.body)] {
            // The room as typed ("502" alone also turns up inside random tokens).
            for private in ["陆阿婆", "13912345678", "单元502"] {
                assert!(!body.contains(private), "{what} shows {private} to another resident");
            }
        }
        assert!(text.contains("139******78"), "the text is still readable: {text}");
        // The office sees them.
        let duty = app.token("duty").await;
        let office = app.get(&format!("/api/v1/work-orders/{id}"), &duty).await;
        let office = office.expect(StatusCode::OK).to_string();
        assert!(office.contains("陆阿婆") && office.contains("3单元502") && office.contains("13912345678"));
    }

    // "Me too" is a count to residents, the reporter included; the office sees who.
    async fn me_too_is_anonymous_to_residents(app: &TestApp) {
        let (bao, tang, duty) = (app.token("bao").await, app.token("tang").await, app.token("duty").await);
        let created = app.post("/api/v1/work-orders", &bao, json!({ "category": "noise", "description": "夜里装修" })).await;
        let id = created.expect(StatusCode::CREATED)["id"].as_i64().unwrap();
        app.post(&format!("/api/v1/work-orders/{id}/actions/me_too"), &tang, json!({})).await.expect(StatusCode::OK);
        for token in [&bao, &tang] {
            let seen = app.get(&format!("/api/v1/work-orders/{id}"), token).await;
            let seen = seen.expect(StatusCode::OK).clone();
            assert_eq!(seen["me_too_count"], 1);
            assert!(!seen.to_string().contains("唐女士"), "{seen}");
        }
        let mut visitor = Visitor::new(app);
        visitor.sign_in("bao").await;
        let page = visitor.get(&format!("/orders/{id}")).await;
        assert!(!page.body.contains("唐女士"), "the reporter's page names who said me too");
        let office = app.get(&format!("/api/v1/work-orders/{id}"), &duty).await;
        assert!(office.expect(StatusCode::OK).to_string().contains("唐女士"));
        // The duty officer's dispatch form says residents read its note.
        let mut duty_visitor = Visitor::new(app);
        duty_visitor.sign_in("duty").await;
        let page = duty_visitor.get(&format!("/orders/{id}")).await;
        assert!(page.body.contains("派单说明（居民可见）"), "the dispatch note is labelled");
    }
}

both_engines! {
    // 派单 without choosing hands the work order to nobody: the form starts from the
    // category's usual lead, else from "请选择"; dispatching again asks to confirm and
    // names who leads it now.
    async fn dispatch_starts_from_the_usual_lead_and_asks_before_changing_it(app: &TestApp) {
        let community = app.chengshangcheng().await;
        let (bao, admin) = (app.token("bao").await, app.token("admin").await);
        let created = app.post("/api/v1/work-orders", &bao, json!({ "category": "corridor_lighting", "description": "楼道灯不亮" })).await;
        let id = created.expect(StatusCode::CREATED)["id"].as_i64().unwrap();
        let mut duty = Visitor::new(app);
        duty.sign_in("duty").await;
        let page = duty.get(&format!("/orders/{id}")).await;
        assert!(page.body.contains(r#"<option value="" selected>请选择承办单位</option>"#), "nothing chosen: {}", page.body);
        assert!(page.body.contains(r#"id="action-dispatch" open"#), "the usual next step is open: {}", page.body);
        // Sent without choosing: refused beside the field, nothing changes.
        let csrf = duty.csrf();
        let dispatch = |lead: &str, confirm: bool| {
            let mut form = reqwest::multipart::Form::new()
                .text("csrf", csrf.clone())
                .text("lead_organisation_id", lead.to_owned())
                .text("priority", "normal");
            if confirm {
                form = form.text("confirm_redispatch", "yes");
            }
            form
        };
        let client = duty.client.clone();
        let cookies = duty.cookie_header();
        let send = |form: reqwest::multipart::Form| {
            client.post(app.url(&format!("/orders/{id}/actions/dispatch"))).header(COOKIE, cookies.clone()).multipart(form).send()
        };
        let refused = send(dispatch("", false)).await.unwrap();
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let status = app.get(&format!("/api/v1/work-orders/{id}"), &bao).await;
        assert_eq!(status.expect(StatusCode::OK)["status"], "submitted");

        // The administrator sets the usual lead of 楼道照明: the form starts from it.
        let organisations = app.get(&format!("/api/v1/communities/{community}/organisations"), &admin).await;
        let organisations = organisations.expect(StatusCode::OK).clone();
        let id_of = |name: &str| organisations.as_array().unwrap().iter().find(|organisation| organisation["name"] == name).unwrap()["id"].as_i64().unwrap();
        let (property, committee) = (id_of("城上城物业服务中心"), id_of("城上城居委会"));
        let categories = app.get(&format!("/api/v1/categories?community_id={community}"), &admin).await;
        let lighting = categories.expect(StatusCode::OK).as_array().unwrap().iter().find(|category| category["code"] == "corridor_lighting").unwrap()["id"].as_i64().unwrap();
        let set = app.request(reqwest::Method::PATCH, &format!("/api/v1/categories/{lighting}"), Some(&admin), Some(json!({ "default_lead_organisation_id": property }))).await;
        assert_eq!(set.expect(StatusCode::OK)["default_lead_organisation_id"], property);
        let page = duty.get(&format!("/orders/{id}")).await;
        assert!(page.body.contains(&format!(r#"<option value="{property}" selected>城上城物业服务中心</option>"#)), "{}", page.body);
        let sent = send(dispatch(&property.to_string(), false)).await.unwrap();
        assert_eq!(sent.status(), StatusCode::SEE_OTHER);

        // Dispatched: the form is closed, and changing the lead needs the confirmation.
        let page = duty.get(&format!("/orders/{id}")).await;
        assert!(page.body.contains("确认改派：不再由此方主责「城上城物业服务中心」"));
        assert!(!page.body.contains(r#"id="action-dispatch" open"#), "the dispatch panel is closed once dispatched");
        let refused = send(dispatch(&committee.to_string(), false)).await.unwrap();
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.text().await.unwrap().contains("改派前请勾选确认"));
        let lead = app.get(&format!("/api/v1/work-orders/{id}"), &bao).await;
        assert_eq!(lead.expect(StatusCode::OK)["lead_organisation"]["id"], property);
        let sent = send(dispatch(&committee.to_string(), true)).await.unwrap();
        assert_eq!(sent.status(), StatusCode::SEE_OTHER);
        let lead = app.get(&format!("/api/v1/work-orders/{id}"), &bao).await;
        assert_eq!(lead.expect(StatusCode::OK)["lead_organisation"]["id"], committee);
        // A usual lead of another community is refused.
        let elsewhere = app.request(reqwest::Method::PATCH, &format!("/api/v1/categories/{lighting}"), Some(&admin), Some(json!({ "default_lead_organisation_id": 999_999 }))).await;
        elsewhere.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "work_order.organisation_unknown");
    }
}

both_engines! {
    // An address that leads nowhere answers the app's own page in Chinese; the icon is
    // there; the rating starts unset.
    async fn unknown_addresses_the_icon_and_an_unset_rating(app: &TestApp) {
        let mut visitor = Visitor::new(app);
        let page = visitor.get("/no/such/page").await;
        assert_eq!(page.status, StatusCode::NOT_FOUND);
        assert!(page.body.contains("<html") && page.body.contains("没有这个地址"), "{}", page.body);
        let icon = visitor.get("/favicon.ico").await;
        assert_eq!(icon.status, StatusCode::OK);
        assert!(icon.body.starts_with("<svg"));
        // The API keeps its JSON answer.
        let api = app.request(reqwest::Method::GET, "/api/v1/no-such-thing", None, None).await;
        api.expect_error(StatusCode::NOT_FOUND, "request.not_found");

        let (bao, duty, wuye) = (app.token("bao").await, app.token("duty").await, app.token("wuye").await);
        let created = app.post("/api/v1/work-orders", &bao, json!({ "category": "noise", "description": "夜里噪音" })).await;
        let id = created.expect(StatusCode::CREATED)["id"].as_i64().unwrap();
        let property = property_company(app).await;
        app.post(&format!("/api/v1/work-orders/{id}/actions/dispatch"), &duty, json!({ "lead_organisation_id": property })).await.expect(StatusCode::OK);
        app.post(&format!("/api/v1/work-orders/{id}/actions/sign"), &wuye, json!({})).await.expect(StatusCode::OK);
        app.post(&format!("/api/v1/work-orders/{id}/actions/resolve"), &wuye, json!({ "text": "已处理" })).await.expect(StatusCode::OK);
        visitor.sign_in("bao").await;
        let page = visitor.get(&format!("/orders/{id}")).await;
        assert!(page.body.contains(r#"name="rating" value="5" required>"#), "{}", page.body);
        assert!(!page.body.contains(r#"name="rating" value="5" checked"#), "five stars are not chosen for the resident");
    }
}

both_engines! {
    // After 催一下 the reporter's page says when urging is possible again.
    async fn the_page_says_when_urging_is_possible_again(app: &TestApp) {
        let (bao, duty) = (app.token("bao").await, app.token("duty").await);
        let created = app.post("/api/v1/work-orders", &bao, json!({ "category": "noise", "description": "夜里噪音" })).await;
        let id = created.expect(StatusCode::CREATED)["id"].as_i64().unwrap();
        let property = property_company(app).await;
        app.post(&format!("/api/v1/work-orders/{id}/actions/dispatch"), &duty, json!({ "lead_organisation_id": property })).await.expect(StatusCode::OK);
        let mut visitor = Visitor::new(app);
        visitor.sign_in("bao").await;
        assert!(!visitor.get(&format!("/orders/{id}")).await.body.contains("urge-again"));
        app.post(&format!("/api/v1/work-orders/{id}/actions/urge"), &bao, json!({})).await.expect(StatusCode::OK);
        let page = visitor.get(&format!("/orders/{id}")).await;
        assert!(page.body.contains("后可以再催一次"), "{}", page.body);
        // A day later the button is back and the sentence gone.
        app.clock.advance(chrono::Duration::hours(25));
        let page = visitor.get(&format!("/orders/{id}")).await;
        assert!(!page.body.contains("后可以再催一次"));
        assert!(page.body.contains("action-urge"));
    }
}

pub(crate) async fn signed_in<'a>(app: &'a TestApp, login: &str) -> Visitor<'a> {
    let mut visitor = Visitor::new(app);
    visitor.sign_in(login).await;
    visitor
}

/// Posts a form with the visitor's CSRF token.
pub(crate) async fn submit(visitor: &mut Visitor<'_>, path: &str, form: &[(&str, &str)]) -> Page {
    let csrf = visitor.csrf();
    let mut fields = vec![("csrf", csrf.as_str())];
    fields.extend_from_slice(form);
    visitor.post(path, &fields).await
}

pub(crate) fn assert_redirected(page: &Page, to: &str) {
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert!(
        page.location.starts_with(to),
        "{} is not {to}",
        page.location
    );
}

/// The text of a field's error paragraph on a refused page.
pub(crate) fn field_error(page: &Page, id: &str) -> String {
    let marker = format!("id=\"{id}-error\">");
    let start = page
        .body
        .find(&marker)
        .unwrap_or_else(|| panic!("no error for {id} in {}", page.body))
        + marker.len();
    page.body[start..]
        .split('<')
        .next()
        .unwrap_or_default()
        .to_owned()
}
