//! Help on a project through HTTP: volunteers offer a skill and are accepted for a
//! batch (有力出力); progress, completion and quote files (photos lose their metadata, a
//! PDF must be whole); completion hands its photos to the work orders it resolves; the
//! statistics count what projects resolved and how long a decision took.

use crate::helpers::TestApp;
use crate::meetings::{escalated_report, next_meeting, organisation};
use crate::pages::{Visitor, assert_redirected, field_error, signed_in, submit};
use crate::photos::{SECRET, phone_photo};
use linli_domain::clock::Clock;
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

/// A small but whole PDF.
const PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n";

async fn upload(
    app: &TestApp,
    token: &str,
    path: &str,
    part: &str,
    files: Vec<Vec<u8>>,
) -> (StatusCode, Value) {
    let mut form = Form::new();
    for (index, bytes) in files.into_iter().enumerate() {
        form = form.part(
            part.to_owned(),
            Part::bytes(bytes).file_name(format!("file{index}")),
        );
    }
    let response = app
        .client
        .post(app.url(path))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// An approved project of the property company over `work_orders`: its id.
async fn approved(app: &TestApp, work_orders: &[i64]) -> i64 {
    let community = app.chengshangcheng().await;
    let duty = app.token("duty").await;
    let wuye_org = organisation(app, community, "城上城物业服务中心").await;
    let created = app
        .post("/api/v1/projects", &duty, json!({ "title": "流浪猫绝育（TNR）", "purpose": "绝育后倡导领养或文明投喂",
            "work_order_ids": work_orders, "owner_organisation_id": wuye_org, "budget_fen": 400_000, "funding_sources": ["crowdfunding"] }))
        .await;
    let id = created.expect(StatusCode::CREATED)["id"].as_i64().unwrap();
    app.post(
        &format!("/api/v1/projects/{id}/transitions/approve"),
        &duty,
        json!({}),
    )
    .await
    .expect(StatusCode::OK);
    id
}

both_engines! {
    async fn a_volunteer_offers_help_and_is_accepted_for_a_batch(app: &TestApp) {
        let (duty, wuye, tang, li, bao) = (app.token("duty").await, app.token("wuye").await, app.token("tang").await, app.token("li").await, app.token("bao").await);
        let project = approved(app, &[]).await;
        let path = format!("/api/v1/projects/{project}");
        app.post(&format!("{path}/milestones"), &duty, json!({ "title": "第一批", "planned_start": "2026-12-01", "planned_end": "2026-12-05", "quantity": 6 })).await.expect(StatusCode::CREATED);
        let batch = app.get(&path, &duty).await.body["milestones"][0]["id"].as_i64().unwrap();

        // Bad offers change nothing.
        app.post(&format!("{path}/volunteers"), &tang, json!({ "skill": "  " })).await.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "validation.required");
        app.post(&format!("{path}/volunteers"), &app.token("zhou").await, json!({ "skill": "我会抓猫" })).await.expect_error(StatusCode::FORBIDDEN, "auth.forbidden");
        assert!(app.get(&path, &duty).await.body["volunteers"].as_array().unwrap().is_empty());

        let offered = app.post(&format!("{path}/volunteers"), &tang, json!({ "skill": "我有抓猫经验" })).await;
        let offered = offered.expect(StatusCode::CREATED).clone();
        assert_eq!(offered["view"], "public");
        assert_eq!(offered["volunteers"].as_array().unwrap().len(), 1, "she sees her own offer");
        let offer = offered["volunteers"][0]["id"].as_i64().unwrap();
        assert_eq!(offered["volunteers"][0]["status"], "offered");
        app.post(&format!("{path}/volunteers"), &tang, json!({ "skill": "再报一次" })).await.expect_error(StatusCode::CONFLICT, "project.volunteer_already");
        app.post(&format!("{path}/volunteers"), &li, json!({ "skill": "会开车接送" })).await.expect(StatusCode::CREATED);

        // Another resident sees neither offer; the office sees both, with names.
        let seen_by_li = app.get(&path, &li).await;
        let seen_by_li = seen_by_li.expect(StatusCode::OK);
        assert_eq!(seen_by_li["volunteers"].as_array().unwrap().len(), 1);
        assert!(!seen_by_li.to_string().contains("唐女士") && !seen_by_li.to_string().contains("抓猫"));
        let office = app.get(&path, &duty).await;
        let names: Vec<&str> = office.body["volunteers"].as_array().unwrap().iter().map(|v| v["name"].as_str().unwrap()).collect();
        assert_eq!(names.len(), 2);
        assert!(names.contains(&"唐女士"), "{names:?}");

        // Only the owner party or the office decides, for a batch of this project.
        let accept = format!("{path}/volunteers/{offer}/accept");
        app.post(&accept, &bao, json!({ "milestone_id": batch })).await.expect_error(StatusCode::FORBIDDEN, "auth.forbidden");
        app.post(&accept, &wuye, json!({})).await.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "validation.required");
        app.post(&accept, &wuye, json!({ "milestone_id": batch + 1000 })).await.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "project.milestone_unknown");
        let accepted = app.post(&accept, &wuye, json!({ "milestone_id": batch })).await;
        let accepted = accepted.expect(StatusCode::OK);
        assert_eq!(accepted["volunteers_per_milestone"], json!([{ "milestone_id": batch, "volunteers": 1 }]));

        // Everyone sees how many help with the batch, no one's name.
        let public = app.client.get(app.url(&path)).send().await.unwrap().json::<Value>().await.unwrap();
        assert_eq!(public["volunteers_per_milestone"], json!([{ "milestone_id": batch, "volunteers": 1 }]));
        assert!(public["volunteers"].as_array().unwrap().is_empty());

        // She may withdraw and offer again; a declined offer stays declined.
        app.post(&format!("{path}/volunteers/{offer}/withdraw"), &li, json!({})).await.expect_error(StatusCode::NOT_FOUND, "project.volunteer_not_found");
        app.post(&format!("{path}/volunteers/{offer}/withdraw"), &tang, json!({})).await.expect(StatusCode::OK);
        app.post(&format!("{path}/volunteers/{offer}/withdraw"), &tang, json!({})).await.expect_error(StatusCode::CONFLICT, "project.volunteer_closed");
        let again = app.post(&format!("{path}/volunteers"), &tang, json!({ "skill": "我有抓猫经验，周末有空" })).await;
        assert_eq!(again.expect(StatusCode::CREATED)["volunteers"][0]["status"], "offered");
        app.post(&format!("{path}/volunteers/{offer}/decline"), &duty, json!({})).await.expect(StatusCode::OK);
        app.post(&format!("{path}/volunteers/{offer}/withdraw"), &tang, json!({})).await.expect_error(StatusCode::CONFLICT, "project.volunteer_closed");
        app.post(&format!("{path}/volunteers"), &tang, json!({ "skill": "再试一次" })).await.expect_error(StatusCode::CONFLICT, "project.volunteer_already");
        let mine = app.get(&path, &tang).await;
        assert_eq!(mine.body["volunteers"][0]["status"], "declined");
        // She heard of each decision in her inbox.
        while linli_app::notifications::fan_out_pending(app.state()).await.unwrap() > 0 {}
        let inbox = app.get("/api/v1/notifications", &tang).await;
        let bodies: Vec<String> = inbox.expect(StatusCode::OK)["items"].as_array().unwrap().iter()
            .map(|item| item["body"].as_str().unwrap().to_owned()).collect();
        assert_eq!(bodies.iter().filter(|body| body.contains("已接受您的帮助")).count(), 1, "{bodies:?}");
        assert_eq!(bodies.iter().filter(|body| body.contains("暂不需要更多帮手")).count(), 1, "{bodies:?}");
    }

    async fn completion_photos_reach_the_reporter_and_quotes_keep_their_documents(app: &TestApp) {
        let (duty, shuji, wuye, bao) = (app.token("duty").await, app.token("shuji").await, app.token("wuye").await, app.token("bao").await);
        let community = app.chengshangcheng().await;
        let escalated_at = app.clock.now();
        let order = escalated_report(app, "bao", "high_altitude_throwing", "7", "7号楼高空抛物").await;

        // Decided at the meeting two days later: a project.
        app.clock.set(escalated_at + chrono::Duration::days(2));
        let meeting = next_meeting(app).await;
        let meeting = meeting["id"].as_i64().unwrap();
        let item = app.post(&format!("/api/v1/meetings/{meeting}/items"), &duty, json!({ "work_order_id": order })).await;
        let item = item.expect(StatusCode::CREATED)["id"].as_i64().unwrap();
        let wuye_org = organisation(app, community, "城上城物业服务中心").await;
        let decided = app.post(&format!("/api/v1/meetings/{meeting}/items/{item}/decision"), &shuji, json!({
            "text": "安装监控", "lead_organisation_id": wuye_org, "action": "start_project", "hold_work_orders": true,
            "project": { "title": "7号楼安装监控", "purpose": "安装探头", "budget_fen": 900_000, "funding_sources": ["public_income"] },
        })).await;
        let project = decided.expect(StatusCode::OK)["project_id"].as_i64().unwrap();
        let path = format!("/api/v1/projects/{project}");
        // A meeting's decision approves the project it starts.
        app.post(&format!("{path}/transitions/start"), &duty, json!({})).await.expect(StatusCode::OK);

        // A quote with its PDF; a broken PDF and a fake photo are refused, nothing kept.
        app.post(&format!("{path}/quotes"), &duty, json!({ "vendor": "安居智能安防", "unit_price_fen": 450_000, "quantity": 2 })).await.expect(StatusCode::CREATED);
        let quote = app.get(&path, &duty).await.body["quotes"][0]["id"].as_i64().unwrap();
        let quote_files = format!("{path}/quotes/{quote}/files");
        let (status, body) = upload(app, &duty, &quote_files, "file", vec![PDF[..30].to_vec()]).await;
        assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("project.document_invalid")), "{body}");
        let (status, body) = upload(app, &duty, &quote_files, "file", vec![PDF.to_vec(), b"not a photo".to_vec()]).await;
        assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::UNSUPPORTED_MEDIA_TYPE, Some("photo.not_an_image")), "{body}");
        assert!(app.get(&path, &duty).await.body["files"].as_array().unwrap().is_empty(), "nothing kept");
        let (status, body) = upload(app, &duty, &quote_files, "file", vec![PDF.to_vec(), phone_photo()]).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let pdf_url = body.as_array().unwrap().iter().find(|f| f["content_type"] == "application/pdf").unwrap()["url"].as_str().unwrap().to_owned();
        let pdf = app.client.get(app.url(&pdf_url)).bearer_auth(&bao).send().await.unwrap();
        assert_eq!(pdf.headers()["content-type"], "application/pdf");
        assert_eq!(pdf.bytes().await.unwrap().as_ref(), PDF);

        // A progress update with photos: stripped of the phone's position.
        let updated = app.post(&format!("{path}/updates"), &wuye, json!({ "text": "探头已到货", "percent_done": 50 })).await;
        let update = updated.expect(StatusCode::CREATED)["updates"][0]["id"].as_i64().unwrap();
        let (status, body) = upload(app, &bao, &format!("{path}/updates/{update}/photos"), "photo", vec![phone_photo()]).await;
        assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::FORBIDDEN, Some("auth.forbidden")));
        let (status, body) = upload(app, &wuye, &format!("{path}/updates/{update}/photos"), "photo", vec![PDF.to_vec()]).await;
        assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::UNSUPPORTED_MEDIA_TYPE, Some("photo.not_an_image")), "a PDF is no progress photo");
        let (status, body) = upload(app, &wuye, &format!("{path}/updates/{update}/photos"), "photo", vec![phone_photo()]).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let photo_url = body.as_array().unwrap().iter().find(|f| f["update_id"] == update).unwrap()["url"].as_str().unwrap().to_owned();
        let photo = app.client.get(app.url(&photo_url)).send().await.unwrap();
        assert_eq!(photo.headers()["content-type"], "image/jpeg");
        let photo = photo.bytes().await.unwrap();
        assert!(!photo.windows(SECRET.len()).any(|window| window == SECRET), "no EXIF position kept");

        // Photos of the finished work, then completion: they become 包爷叔's resolution photos.
        app.clock.set(escalated_at + chrono::Duration::days(20));
        // Weeks on, everyone signs in again.
        let (shuji, wuye, bao) = (app.token("shuji").await, app.token("wuye").await, app.token("bao").await);
        let (status, body) = upload(app, &wuye, &format!("{path}/completion/photos"), "photo", vec![phone_photo(), phone_photo()]).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let done = app.post(&format!("{path}/transitions/complete"), &shuji, json!({ "text": "探头已安装" })).await;
        assert_eq!(done.expect(StatusCode::OK)["resolved_work_orders"], json!([order]));
        let his = app.get(&format!("/api/v1/work-orders/{order}"), &bao).await;
        let his = his.expect(StatusCode::OK);
        let resolution: Vec<&Value> = his["photos"].as_array().unwrap().iter().filter(|p| p["purpose"] == "resolution").collect();
        assert_eq!(resolution.len(), 2, "{his}");
        let (status, _) = upload(app, &wuye, &format!("{path}/completion/photos"), "photo", vec![phone_photo()]).await;
        assert_eq!(status, StatusCode::CONFLICT, "a completed project takes no more files");

        // The statistics of the range: one work order resolved through a project, decided
        // two days after its escalation.
        let figures = app.get(&format!("/api/v1/statistics?community_id={community}&from=2026-10-01&to=2026-11-30"), &shuji).await;
        let figures = figures.expect(StatusCode::OK);
        assert_eq!(figures["projects"]["resolved_through_projects"], 1);
        assert_eq!(figures["projects"]["decided_after_escalation"], 1);
        let minutes = figures["projects"]["median_minutes_escalation_to_decision"].as_f64().unwrap();
        assert!((2.0 * 1440.0 - 5.0..=2.0 * 1440.0).contains(&minutes), "{minutes}");
        let before = app.get(&format!("/api/v1/statistics?community_id={community}&from=2026-09-01&to=2026-09-30"), &shuji).await;
        assert_eq!(before.expect(StatusCode::OK)["projects"], json!({ "resolved_through_projects": 0, "decided_after_escalation": 0, "median_minutes_escalation_to_decision": null }));
    }

    async fn volunteers_and_photos_from_the_project_pages(app: &TestApp) {
        let project = approved(app, &[]).await;
        let duty_token = app.token("duty").await;
        app.post(&format!("/api/v1/projects/{project}/milestones"), &duty_token, json!({ "title": "第一批", "planned_start": "2026-12-01", "planned_end": "2026-12-05", "quantity": 6 })).await.expect(StatusCode::CREATED);
        let public_path = format!("/public/projects/{project}");
        let office_path = format!("/projects/{project}");

        // 唐女士 offers help from the public page; an empty skill is refused beside it.
        let mut tang = signed_in(app, "tang").await;
        assert!(tang.get(&public_path).await.body.contains("id=\"offer\""));
        let page = submit(&mut tang, &format!("{public_path}/help/offer"), &[("skill", " ")]).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(!field_error(&page, "offer-skill").is_empty(), "{}", page.body);
        assert_redirected(&submit(&mut tang, &format!("{public_path}/help/offer"), &[("skill", "我有抓猫经验")]).await, &public_path);
        let page = tang.get(&public_path).await;
        assert!(page.body.contains("我的报名") && page.body.contains("已报名") && !page.body.contains("id=\"offer\""), "{}", page.body);

        // Another community's resident, and a visitor, may not offer; no one sees her name.
        let mut zhou = signed_in(app, "zhou").await;
        assert!(!zhou.get(&public_path).await.body.contains("id=\"offer\""));
        assert_eq!(submit(&mut zhou, &format!("{public_path}/help/offer"), &[("skill", "会抓猫")]).await.status, StatusCode::FORBIDDEN);
        let mut anonymous = Visitor::new(app);
        let page = anonymous.get(&public_path).await;
        assert!(!page.body.contains("id=\"offer\"") && !page.body.contains("唐女士") && !page.body.contains("抓猫"), "{}", page.body);

        // The office accepts her for the first batch; the public page counts one volunteer.
        let mut duty = signed_in(app, "duty").await;
        let page = duty.get(&office_path).await;
        assert!(page.body.contains("唐女士") && page.body.contains("我有抓猫经验"), "{}", page.body);
        let offer = app.get(&format!("/api/v1/projects/{project}"), &duty_token).await.body["volunteers"][0]["id"].to_string();
        let batch = app.get(&format!("/api/v1/projects/{project}"), &duty_token).await.body["milestones"][0]["id"].to_string();
        let page = submit(&mut duty, &format!("{office_path}/volunteer_accept"), &[("volunteer_id", &offer), ("milestone_id", "999999")]).await;
        assert!(field_error(&page, &format!("batch-{offer}")).contains("批次"), "{}", page.body);
        assert_redirected(&submit(&mut duty, &format!("{office_path}/volunteer_accept"), &[("volunteer_id", &offer), ("milestone_id", &batch)]).await, &office_path);
        assert!(duty.get(&office_path).await.body.contains("已接受 · 第一批"));
        let page = anonymous.get(&public_path).await;
        assert!(page.body.contains("志愿者 1") && !page.body.contains("唐女士"), "{}", page.body);
        assert!(tang.get(&public_path).await.body.contains("已接受 · 第一批"));

        // A progress update with a photo, from the office page's multipart form; a file
        // that is no photo is refused and the update is not kept.
        let post_update = |visitor: &Visitor<'_>, photo: Vec<u8>| {
            let form = Form::new()
                .text("csrf", visitor.csrf())
                .text("text", "第一批已抓到 6 只")
                .text("percent_done", "30")
                .part("photos", Part::bytes(photo).file_name("cats.jpg"));
            visitor.client.post(app.url(&format!("{office_path}/update"))).header(reqwest::header::COOKIE, visitor.cookie_header()).multipart(form).send()
        };
        let refused = post_update(&duty, b"not a photo".to_vec()).await.unwrap();
        assert!(refused.status().is_client_error(), "{}", refused.status());
        assert!(app.get(&format!("/api/v1/projects/{project}"), &duty_token).await.body["updates"].as_array().unwrap().is_empty());
        let posted = post_update(&duty, phone_photo()).await.unwrap();
        assert_eq!(posted.status(), StatusCode::SEE_OTHER);
        let page = anonymous.get(&public_path).await;
        assert!(page.body.contains("第一批已抓到 6 只") && page.body.contains(&format!("src=\"/api/v1/projects/{project}/files/")) && page.body.contains("alt=\"照片 1\""), "{}", page.body);

        // She withdraws from the page and may offer again.
        assert_redirected(&submit(&mut tang, &format!("{public_path}/help/withdraw_offer"), &[("volunteer_id", &offer)]).await, &public_path);
        assert!(tang.get(&public_path).await.body.contains("id=\"offer\""));
    }
}
