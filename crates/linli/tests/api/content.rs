//! News, notices and disclosures (issue 18) through HTTP, on both engines: who writes in
//! whose name, the review of disclosures, a notice's audience (buildings, roles) and
//! expiry, what the public reads without signing in, read receipts of staff notices,
//! urgent notices in the audience's inboxes, sanitised bodies, kept versions, images
//! under the photo rules, RSS feeds — and bad input refused with nothing stored.

use crate::helpers::TestApp;
use crate::photos::{SECRET, phone_photo};
use chrono::Duration;
use linli_domain::clock::Clock;
use linli_domain::ids::CommunityId;
use reqwest::multipart::{Form, Part};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// The id of the community's organisation of that name.
async fn party(app: &TestApp, community: i64, name: &str) -> i64 {
    app.store
        .organisations(CommunityId(community))
        .await
        .unwrap()
        .into_iter()
        .find(|organisation| organisation.name == name)
        .unwrap()
        .id
}

async fn building(app: &TestApp, community: i64, name: &str) -> i64 {
    app.store
        .buildings(CommunityId(community))
        .await
        .unwrap()
        .into_iter()
        .find(|building| building.name == name)
        .unwrap()
        .id
}

/// The titles a caller (or, without a token, the public) finds in the list.
async fn titles(app: &TestApp, community: i64, token: Option<&str>) -> Vec<String> {
    let listed = app
        .request(
            Method::GET,
            &format!("/api/v1/content?community_id={community}"),
            token,
            None,
        )
        .await;
    listed
        .expect(StatusCode::OK)
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["title"].as_str().unwrap().to_owned())
        .collect()
}

async fn publish(app: &TestApp, token: &str, id: i64) -> Value {
    let published = app
        .post(
            &format!("/api/v1/content/{id}/actions/publish"),
            token,
            json!({}),
        )
        .await;
    published.expect(StatusCode::OK).clone()
}

async fn upload(app: &TestApp, token: &str, community: i64, image: Vec<u8>) -> (StatusCode, Value) {
    let form = Form::new()
        .text("community_id", community.to_string())
        .part("image", Part::bytes(image).file_name("a.jpg"));
    let response = app
        .client
        .post(app.url("/api/v1/content/images"))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

both_engines! {
    async fn news_is_published_by_the_office_and_read_by_anyone(app: &TestApp) {
        let community = app.chengshangcheng().await;
        let juwei = app.token("juwei").await;
        let committee = party(app, community, "城上城居委会").await;
        let draft = app.post("/api/v1/content", &juwei, json!({
            "community_id": community, "kind": "news", "organisation_id": committee,
            "title": "合署办公服务中心挂牌", "body": "## 挂牌\n\n居委会、业委会、物业**一起办公**。",
        })).await;
        let draft = draft.expect(StatusCode::CREATED).clone();
        let id = draft["id"].as_i64().unwrap();
        assert_eq!(draft["status"], "draft");
        assert_eq!(draft["organisation_name"], "城上城居委会");
        assert_eq!(draft["actions"], json!(["publish"]));
        // A draft is the office's: residents and the public do not find it.
        let bao = app.token("bao").await;
        app.get(&format!("/api/v1/content/{id}"), &bao).await.expect_error(StatusCode::NOT_FOUND, "content.not_found");
        app.request(Method::GET, &format!("/api/v1/content/{id}"), None, None).await.expect_error(StatusCode::NOT_FOUND, "content.not_found");
        assert!(titles(app, community, None).await.is_empty());

        let published = publish(app, &juwei, id).await;
        assert_eq!(published["status"], "published");
        assert_eq!(published["version"], 1);
        let public = app.request(Method::GET, &format!("/api/v1/content/{id}"), None, None).await;
        let public = public.expect(StatusCode::OK);
        assert!(public["body_html"].as_str().unwrap().contains("<strong>一起办公</strong>"));
        // The party is shown, never a person: no name, no phone, no trail.
        let text = public.to_string();
        assert!(!text.contains("张海燕") && !text.contains("13900000104"), "{text}");
        assert!(public["events"].is_null());
        assert_eq!(titles(app, community, Some(&bao)).await, ["合署办公服务中心挂牌"]);
        assert_eq!(titles(app, community, None).await, ["合署办公服务中心挂牌"]);
        // Publishing twice is a conflict.
        app.post(&format!("/api/v1/content/{id}/actions/publish"), &juwei, json!({})).await
            .expect_error(StatusCode::CONFLICT, "content.invalid_transition");

        // Residents and the desk do not write; nor does the property company in the
        // residents' committee's name, nor anyone party affairs but for the party branch.
        for login in ["bao", "desk", "wuye"] {
            let token = app.token(login).await;
            app.post("/api/v1/content", &token, json!({
                "community_id": community, "kind": "news", "organisation_id": committee,
                "title": "我来写", "body": "不行",
            })).await.expect_error(StatusCode::FORBIDDEN, "auth.forbidden");
        }
        app.post("/api/v1/content", &juwei, json!({
            "community_id": community, "kind": "party_affairs", "organisation_id": committee,
            "title": "党费收缴情况", "body": "……",
        })).await.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "content.organisation_cannot_publish");
        assert_eq!(app.store.content_items(CommunityId(community), None).await.unwrap().len(), 1);
    }

    async fn disclosures_are_reviewed_by_the_supervisor_before_they_are_public(app: &TestApp) {
        let community = app.chengshangcheng().await;
        let juwei = app.token("juwei").await;
        let shuji = app.token("shuji").await;
        let committee = party(app, community, "城上城居委会").await;
        let created = app.post("/api/v1/content", &juwei, json!({
            "community_id": community, "kind": "residents_affairs", "organisation_id": committee,
            "title": "2026年第三季度居务公开", "body": "一、公共收益……",
        })).await;
        let id = created.expect(StatusCode::CREATED)["id"].as_i64().unwrap();
        let path = |action: &str| format!("/api/v1/content/{id}/actions/{action}");
        app.post(&path("publish"), &juwei, json!({})).await.expect_error(StatusCode::CONFLICT, "content.review_required");
        app.post(&path("approve"), &shuji, json!({})).await.expect_error(StatusCode::CONFLICT, "content.invalid_transition");
        let submitted = app.post(&path("submit"), &juwei, json!({})).await;
        assert_eq!(submitted.expect(StatusCode::OK)["status"], "in_review");
        // The writer does not approve; nothing is edited while in review.
        app.post(&path("approve"), &juwei, json!({})).await.expect_error(StatusCode::FORBIDDEN, "auth.forbidden");
        app.request(Method::PUT, &format!("/api/v1/content/{id}"), Some(&juwei), Some(json!({
            "organisation_id": committee, "title": "改", "body": "改",
        }))).await.expect_error(StatusCode::CONFLICT, "content.not_editable");
        assert!(titles(app, community, None).await.is_empty());

        // Returned with a reason (required), rewritten, submitted again, approved.
        app.post(&path("return"), &shuji, json!({ "reason": " " })).await.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "validation.required");
        let returned = app.post(&path("return"), &shuji, json!({ "reason": "请补上停车费收入明细" })).await;
        let returned = returned.expect(StatusCode::OK);
        assert_eq!((returned["status"].as_str(), returned["return_reason"].as_str()), (Some("draft"), Some("请补上停车费收入明细")));
        let rewritten = app.request(Method::PUT, &format!("/api/v1/content/{id}"), Some(&juwei), Some(json!({
            "organisation_id": committee, "title": "2026年第三季度居务公开", "body": "一、公共收益\n二、停车费收入 12,000 元",
        }))).await;
        rewritten.expect(StatusCode::OK);
        app.post(&path("submit"), &juwei, json!({})).await.expect(StatusCode::OK);
        let approved = app.post(&path("approve"), &shuji, json!({})).await;
        let approved = approved.expect(StatusCode::OK);
        assert_eq!(approved["status"], "published");
        let trail: Vec<&str> = approved["events"].as_array().unwrap().iter().map(|event| event["action"].as_str().unwrap()).collect();
        assert_eq!(trail, ["created", "submitted", "returned", "edited", "submitted", "approved"]);
        assert_eq!(titles(app, community, None).await, ["2026年第三季度居务公开"]);

        // The supervisor writing a disclosure herself needs another reviewer.
        let branch = party(app, community, "城上城居民区党总支").await;
        let own = app.post("/api/v1/content", &shuji, json!({
            "community_id": community, "kind": "party_affairs", "organisation_id": branch,
            "title": "党总支换届公示", "body": "……",
        })).await;
        let own = own.expect(StatusCode::CREATED)["id"].as_i64().unwrap();
        app.post(&format!("/api/v1/content/{own}/actions/submit"), &shuji, json!({})).await.expect(StatusCode::OK);
        app.post(&format!("/api/v1/content/{own}/actions/approve"), &shuji, json!({})).await.expect_error(StatusCode::CONFLICT, "content.own_review");
    }

    async fn a_notice_reaches_only_its_audience_and_staff_reads_are_counted(app: &TestApp) {
        let community = app.chengshangcheng().await;
        let juwei = app.token("juwei").await;
        let committee = party(app, community, "城上城居委会").await;
        let seven = building(app, community, "7号楼").await;
        let water = app.post("/api/v1/content", &juwei, json!({
            "community_id": community, "kind": "notice", "organisation_id": committee,
            "title": "7号楼停水通知", "body": "明天 9:00–12:00 停水。",
            "audience": "buildings", "building_ids": [seven],
        })).await;
        let water = water.expect(StatusCode::CREATED)["id"].as_i64().unwrap();
        assert_eq!(publish(app, &juwei, water).await["audience_detail"]["building_names"], json!(["7号楼"]));
        let staff = app.post("/api/v1/content", &juwei, json!({
            "community_id": community, "kind": "notice", "organisation_id": committee,
            "title": "周四联席会请准时参加", "body": "请各方准时。",
            "audience": "roles", "roles": ["receptionist", "handler"],
        })).await;
        let staff = staff.expect(StatusCode::CREATED)["id"].as_i64().unwrap();
        publish(app, &juwei, staff).await;

        let (bao, tang, desk) = (app.token("bao").await, app.token("tang").await, app.token("desk").await);
        assert_eq!(titles(app, community, Some(&bao)).await, ["7号楼停水通知"]);
        assert!(titles(app, community, Some(&tang)).await.is_empty());
        assert!(titles(app, community, None).await.is_empty());
        app.get(&format!("/api/v1/content/{water}"), &tang).await.expect_error(StatusCode::NOT_FOUND, "content.not_found");
        app.get(&format!("/api/v1/content/{staff}"), &bao).await.expect_error(StatusCode::NOT_FOUND, "content.not_found");
        app.request(Method::GET, &format!("/api/v1/content/{water}"), None, None).await.expect_error(StatusCode::NOT_FOUND, "content.not_found");

        // 已读 n/N: the receptionist and the five handlers of the demo are its audience.
        let receipts = |token: String| async move {
            app.get(&format!("/api/v1/content/{staff}"), &token).await.expect(StatusCode::OK)["read_receipts"].clone()
        };
        let before = receipts(juwei.clone()).await;
        let audience = before["audience"].as_u64().unwrap();
        assert!(audience >= 2, "{before}");
        // 张海燕 is a handler: her own reading counts; the desk's too, once.
        assert_eq!(before["read"], 1);
        app.get(&format!("/api/v1/content/{staff}"), &desk).await.expect(StatusCode::OK);
        app.get(&format!("/api/v1/content/{staff}"), &desk).await.expect(StatusCode::OK);
        let after = receipts(juwei.clone()).await;
        assert_eq!((after["read"].as_u64(), after["audience"].as_u64()), (Some(2), Some(audience)));
        // Residents see no counts of anything.
        assert!(app.get(&format!("/api/v1/content/{water}"), &bao).await.expect(StatusCode::OK)["read_receipts"].is_null());
    }

    async fn an_expired_notice_leaves_the_lists_and_an_expiry_before_publication_is_refused(app: &TestApp) {
        let community = app.chengshangcheng().await;
        let juwei = app.token("juwei").await;
        let committee = party(app, community, "城上城居委会").await;
        let now = app.clock.now();
        let notice = |title: &str, expires: chrono::DateTime<chrono::Utc>| json!({
            "community_id": community, "kind": "notice", "organisation_id": committee,
            "title": title, "body": "……", "expires_at": expires, "pinned": true,
        });
        app.post("/api/v1/content", &juwei, notice("已经过期", now - Duration::hours(1))).await
            .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "content.expires_before_publication");
        let soon = app.post("/api/v1/content", &juwei, notice("消防演练", now + Duration::hours(2))).await;
        let soon = soon.expect(StatusCode::CREATED)["id"].as_i64().unwrap();
        let late = app.post("/api/v1/content", &juwei, notice("迟发的通知", now + Duration::hours(1))).await;
        let late = late.expect(StatusCode::CREATED)["id"].as_i64().unwrap();
        publish(app, &juwei, soon).await;
        assert_eq!(titles(app, community, None).await, ["消防演练"]);

        app.clock.advance(Duration::hours(3));
        // Past its expiry: gone from the public's and residents' lists, not from the office's.
        assert!(titles(app, community, None).await.is_empty());
        assert!(titles(app, community, Some(&app.token("bao").await)).await.is_empty());
        app.request(Method::GET, &format!("/api/v1/content/{soon}"), None, None).await.expect_error(StatusCode::NOT_FOUND, "content.not_found");
        let office = app.get(&format!("/api/v1/content/{soon}"), &juwei).await;
        assert_eq!(office.expect(StatusCode::OK)["expired"], true);
        assert_eq!(titles(app, community, Some(&juwei)).await.len(), 2);
        // A draft whose expiry passed before it was published is refused, and stays a draft.
        app.post(&format!("/api/v1/content/{late}/actions/publish"), &juwei, json!({})).await
            .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "content.expires_before_publication");
        assert_eq!(app.get(&format!("/api/v1/content/{late}"), &juwei).await.expect(StatusCode::OK)["status"], "draft");
    }

    async fn bad_input_is_refused_with_nothing_stored(app: &TestApp) {
        let community = app.chengshangcheng().await;
        let other = app.zhixin().await;
        let juwei = app.token("juwei").await;
        let committee = party(app, community, "城上城居委会").await;
        let elsewhere = app.store.buildings(CommunityId(other)).await.unwrap()[0].id;
        let refused = app.post("/api/v1/content", &juwei, json!({
            "community_id": community, "kind": "notice", "organisation_id": committee,
            "title": "", "body": "x", "audience": "buildings", "building_ids": [elsewhere, 999_999],
        })).await;
        refused.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "validation.required");
        let fields: Vec<&str> = refused.body["error"]["errors"].as_array().unwrap().iter().map(|problem| problem["field"].as_str().unwrap()).collect();
        assert_eq!(fields, ["title", "building_ids"]);
        let message = refused.body["error"]["errors"][1]["message"].as_str().unwrap();
        assert!(message.contains("楼栋"), "{message}");
        for (body, code) in [
            (json!({ "kind": "news", "audience": "roles", "roles": ["handler"] }), "content.notice_only"),
            (json!({ "kind": "news", "urgent": true }), "content.notice_only"),
            (json!({ "kind": "notice", "audience": "roles", "roles": ["admin"] }), "content.audience_role_unknown"),
            (json!({ "kind": "notice", "audience": "buildings" }), "content.audience_empty"),
            (json!({ "kind": "gossip" }), "content.kind_unknown"),
            (json!({ "kind": "news", "campaign_id": 1 }), "content.campaign_only_financial"),
        ] {
            let mut input = json!({ "community_id": community, "organisation_id": committee, "title": "t", "body": "b" });
            input.as_object_mut().unwrap().extend(body.as_object().unwrap().clone());
            app.post("/api/v1/content", &juwei, input).await.expect_error(StatusCode::UNPROCESSABLE_ENTITY, code);
        }
        assert!(app.store.content_items(CommunityId(community), None).await.unwrap().is_empty());

        // Images: a fake and an oversized one are refused, nothing kept; a real one is
        // re-encoded without its EXIF and served by its name.
        let (status, body) = upload(app, &juwei, community, b"GIF89a not an image".to_vec()).await;
        assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::UNSUPPORTED_MEDIA_TYPE, Some("photo.not_an_image")));
        assert!(body["error"]["message"].as_str().unwrap().chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)));
        let (status, body) = upload(app, &juwei, community, vec![0xFF; 10 * 1024 * 1024 + 1]).await;
        assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::PAYLOAD_TOO_LARGE, Some("photo.too_large")));
        let (status, _) = upload(app, &app.token("bao").await, community, phone_photo()).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(app.store.content_image_count(CommunityId(community)).await.unwrap(), 0);
        let (status, image) = upload(app, &juwei, community, phone_photo()).await;
        assert_eq!(status, StatusCode::CREATED, "{image}");
        let url = image["url"].as_str().unwrap();
        assert!(url.starts_with("/content/images/") && image["markdown"] == format!("![]({url})"));
        let served = app.client.get(app.url(url)).send().await.unwrap();
        assert_eq!(served.headers()["content-type"], "image/jpeg");
        let bytes = served.bytes().await.unwrap();
        assert!(!bytes.windows(SECRET.len()).any(|window| window == SECRET));
        let missing = app.client.get(app.url("/content/images/nothing.jpg")).send().await.unwrap();
        assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    }

    async fn bodies_are_sanitised_and_corrections_keep_the_earlier_text(app: &TestApp) {
        let community = app.chengshangcheng().await;
        let juwei = app.token("juwei").await;
        let committee = party(app, community, "城上城居委会").await;
        let created = app.post("/api/v1/content", &juwei, json!({
            "community_id": community, "kind": "news", "organisation_id": committee, "title": "流浪猫绝育首批完成",
            "body": "首批 **12 只**。<script>alert('x')</script>\n\n<img src=x onerror=alert(1)>\n\n<iframe src=\"https://evil.example\"></iframe>\n\n[链接](javascript:alert(1))",
        })).await;
        let id = created.expect(StatusCode::CREATED)["id"].as_i64().unwrap();
        let published = publish(app, &juwei, id).await;
        let html = published["body_html"].as_str().unwrap();
        assert!(html.contains("<strong>12 只</strong>"), "{html}");
        for active in ["<script", "onerror", "<iframe", "javascript:", "src=\"x\""] {
            assert!(!html.contains(active), "{active} in {html}");
        }

        let correct = |version: i64, body: &str| json!({ "version": version, "title": "流浪猫绝育首批完成", "body": body, "note": "更正数量" });
        let corrected = app.post(&format!("/api/v1/content/{id}/corrections"), &juwei, correct(1, "首批 **14 只**。")).await;
        let corrected = corrected.expect(StatusCode::OK);
        assert_eq!((corrected["version"].as_i64(), corrected["updated"].as_bool()), (Some(2), Some(true)));
        let versions = corrected["versions"].as_array().unwrap();
        assert_eq!(versions.len(), 2);
        assert!(versions[0]["body_html"].as_str().unwrap().contains("12 只"));
        assert!(!versions[0]["body_html"].as_str().unwrap().contains("<script"));
        assert_eq!(versions[1]["note"], "更正数量");
        // Over a version no longer current: a conflict, nothing changed.
        app.post(&format!("/api/v1/content/{id}/corrections"), &juwei, correct(1, "别的")).await
            .expect_error(StatusCode::CONFLICT, "content.version_conflict");
        app.post(&format!("/api/v1/content/{id}/corrections"), &juwei, json!({ "version": 2, "title": "t", "body": "b", "note": "" })).await
            .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "validation.required");
        // The public reads the history too.
        let public = app.request(Method::GET, &format!("/api/v1/content/{id}"), None, None).await;
        let public = public.expect(StatusCode::OK);
        assert_eq!(public["versions"].as_array().unwrap().len(), 2);
        assert!(public["body_html"].as_str().unwrap().contains("14 只"));
        // Others may not correct it.
        app.post(&format!("/api/v1/content/{id}/corrections"), &app.token("bao").await, correct(2, "x")).await
            .expect_error(StatusCode::FORBIDDEN, "auth.forbidden");
    }

    async fn an_urgent_notice_reaches_its_audience_inboxes_and_feeds_carry_public_items(app: &TestApp) {
        let community = app.chengshangcheng().await;
        let juwei = app.token("juwei").await;
        let committee = party(app, community, "城上城居委会").await;
        let seven = building(app, community, "7号楼").await;
        let created = app.post("/api/v1/content", &juwei, json!({
            "community_id": community, "kind": "notice", "organisation_id": committee,
            "title": "7号楼电梯停运", "body": "电梯故障，正在抢修。", "audience": "buildings",
            "building_ids": [seven], "urgent": true,
        })).await;
        let id = created.expect(StatusCode::CREATED)["id"].as_i64().unwrap();
        publish(app, &juwei, id).await;
        while linli_app::notifications::fan_out_pending(app.state()).await.unwrap() > 0 {}
        let inbox = |token: String| async move {
            let seen = app.get("/api/v1/notifications", &token).await;
            seen.expect(StatusCode::OK)["items"].as_array().unwrap().iter()
                .map(|item| item["body"].as_str().unwrap().to_owned()).collect::<Vec<String>>()
        };
        assert!(inbox(app.token("bao").await).await.contains(&"【紧急通知】城上城居委会：7号楼电梯停运".to_owned()));
        assert!(!inbox(app.token("tang").await).await.iter().any(|body| body.contains("电梯")));

        let news = app.post("/api/v1/content", &juwei, json!({
            "community_id": community, "kind": "news", "organisation_id": committee,
            "title": "邻里节 <报名> & \"开始\"", "body": "欢迎 <script>x</script>",
        })).await;
        let news = news.expect(StatusCode::CREATED)["id"].as_i64().unwrap();
        publish(app, &juwei, news).await;
        app.post("/api/v1/content", &juwei, json!({
            "community_id": community, "kind": "news", "organisation_id": committee, "title": "还是草稿", "body": "b",
        })).await.expect(StatusCode::CREATED);
        let feed = app.client.get(app.url(&format!("/api/v1/content/feeds/{community}/news"))).send().await.unwrap();
        assert_eq!(feed.status(), StatusCode::OK);
        assert!(feed.headers()["content-type"].to_str().unwrap().starts_with("application/rss+xml"));
        let xml = feed.text().await.unwrap();
        assert!(xml.starts_with("<?xml") && xml.contains("<rss version=\"2.0\">"), "{xml}");
        assert!(xml.contains("<title>邻里节 &lt;报名&gt; &amp; &quot;开始&quot;</title>"), "{xml}");
        assert!(xml.contains(&format!("/content/{news}</link>")), "{xml}");
        assert!(!xml.contains("<script") && !xml.contains("&lt;script"), "{xml}");
        assert!(!xml.contains("还是草稿") && !xml.contains("电梯"), "{xml}");
        let notices = app.client.get(app.url(&format!("/api/v1/content/feeds/{community}/notice"))).send().await.unwrap();
        assert!(!notices.text().await.unwrap().contains("电梯"));
        let unknown = app.client.get(app.url(&format!("/api/v1/content/feeds/{community}/gossip"))).send().await.unwrap();
        assert_eq!(unknown.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }

    async fn the_demo_tells_the_news_once(app: &TestApp) {
        let community = app.chengshangcheng().await;
        let today = app.clock.now() + Duration::days(40);
        assert!(linli::demo_content::load(&app.store, app.database.blobs.clone(), today).await.unwrap());
        assert!(!linli::demo_content::load(&app.store, app.database.blobs.clone(), today).await.unwrap(), "loading twice adds nothing");
        app.clock.set(today);
        let public = titles(app, community, None).await;
        // The pinned notice first; the expired one and the staff notice are not public.
        assert_eq!(public[0], "关于7号楼等楼栋加装高空抛物监控探头的通知");
        assert!(public.contains(&"流浪猫绝育众筹收支公开".to_owned()), "{public:?}");
        assert!(!public.iter().any(|title| title.contains("国庆") || title.contains("联席会")), "{public:?}");
        assert_eq!(public.len(), 4);
        let office = titles(app, community, Some(&app.token("juwei").await)).await;
        assert_eq!(office.len(), 6);
    }
}
