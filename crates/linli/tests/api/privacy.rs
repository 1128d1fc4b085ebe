//! Personal data governance through HTTP: an administrator erases a resident at their
//! request (their fields gone, their finished reports' photos deleted and the open ones'
//! once they close, figures and the hash chain untouched); a community's retention
//! periods are applied by the daily job and recorded; and every day a staff member sees
//! a reporter unmasked is in a log the administrator reads.

use crate::helpers::TestApp;
use crate::meetings::act;
use linli_store::blobs::BlobStore;
use reqwest::StatusCode;
use serde_json::json;

/// A report by `token` with one photo.
async fn report_with_photo(app: &TestApp, token: &str, text: &str) -> i64 {
    let id = app
        .post(
            "/api/v1/work-orders",
            token,
            json!({ "category": "noise", "description": text }),
        )
        .await
        .expect(StatusCode::CREATED)["id"]
        .as_i64()
        .unwrap();
    let (status, body) = crate::photos::upload(
        app,
        token,
        id,
        vec![("a.jpg", crate::photos::phone_photo())],
        None,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    id
}

async fn photo_count(app: &TestApp, token: &str, id: i64) -> usize {
    app.get(&format!("/api/v1/work-orders/{id}"), token)
        .await
        .expect(StatusCode::OK)["photos"]
        .as_array()
        .map_or(0, Vec::len)
}

both_engines! {
    async fn an_erased_resident_leaves_no_personal_data_and_the_figures_stand(app: &TestApp) {
        let community = app.chengshangcheng().await;
        let (bao, admin, duty) = (app.token("bao").await, app.token("admin").await, app.token("duty").await);
        let bao_id = app.person_id("bao").await;
        let finished = report_with_photo(app, &bao, "楼下装修太吵").await;
        act(app, &bao, finished, "cancel", json!({ "text": "已经和邻居谈好了" })).await.expect(StatusCode::OK);
        let open = report_with_photo(app, &bao, "楼道堆物").await;
        let blobs_before = app.database.blobs.keys().await.unwrap().len();
        assert_eq!(blobs_before, 4, "two photos and their thumbnails");
        let figures = app.get(&format!("/api/v1/statistics?community_id={community}"), &duty).await.expect(StatusCode::OK).clone();
        app.store.seal_audit_chain(linli_domain::clock::Clock::now(&app.clock), i64::MAX).await.unwrap();

        // Only an administrator of the resident's community, and never a staff account.
        let tang = app.token("tang").await;
        app.post(&format!("/api/v1/people/{bao_id}/erasure"), &tang, json!({})).await.expect(StatusCode::FORBIDDEN);
        app.post(&format!("/api/v1/people/{bao_id}/erasure"), &duty, json!({})).await.expect(StatusCode::FORBIDDEN);
        let wuye = app.person_id("wuye").await;
        app.post(&format!("/api/v1/people/{wuye}/erasure"), &admin, json!({}))
            .await
            .expect_error(StatusCode::CONFLICT, "privacy.staff_account");
        app.post("/api/v1/people/999999/erasure", &admin, json!({})).await.expect(StatusCode::NOT_FOUND);

        let erased = app.post(&format!("/api/v1/people/{bao_id}/erasure"), &admin, json!({})).await.expect(StatusCode::OK).clone();
        assert_eq!((erased["photos_deleted"].as_i64(), erased["photos_pending"].as_i64()), (Some(1), Some(1)), "{erased}");
        app.post(&format!("/api/v1/people/{bao_id}/erasure"), &admin, json!({}))
            .await
            .expect_error(StatusCode::CONFLICT, "person.already_erased");

        // Signed out everywhere, and no way back in.
        app.get("/api/v1/me", &bao).await.expect(StatusCode::UNAUTHORIZED);
        app.post("/api/v1/sessions", "", json!({ "login": "bao", "password": "linli-demo" }))
            .await
            .expect(StatusCode::UNAUTHORIZED);
        let person = app.store.person(linli_domain::ids::PersonId(bao_id)).await.unwrap();
        assert_eq!((person.display_name.as_str(), person.phone.as_deref()), ("已注销居民", None));
        assert!(app.store.rooms_of(linli_domain::ids::PersonId(bao_id)).await.unwrap().is_empty());
        let shown = app.get(&format!("/api/v1/people/{bao_id}"), &admin).await.expect(StatusCode::OK).to_string();
        assert!(shown.contains("已注销居民") && !shown.contains("包爷叔") && !crate::helpers::names_room(&shown, "302"), "{shown}");

        // The finished report's photo is gone, file and all; the open one's stays for now.
        assert_eq!(photo_count(app, &duty, finished).await, 0);
        assert_eq!(photo_count(app, &duty, open).await, 1);
        assert_eq!(app.database.blobs.keys().await.unwrap().len(), 2);
        let detail = app.get(&format!("/api/v1/work-orders/{open}"), &duty).await.expect(StatusCode::OK).clone();
        assert!(!detail.to_string().contains("包爷叔"), "{detail}");

        // The figures and the tamper-evident record are as they were.
        let after = app.get(&format!("/api/v1/statistics?community_id={community}"), &duty).await.expect(StatusCode::OK).clone();
        assert_eq!(after, figures);
        let verified = app.store.verify_audit_chain().await.unwrap();
        assert!(verified.findings.is_empty(), "{:?}", verified.findings);

        // Once the open report is finished, the daily job deletes its photo too.
        act(app, &duty, open, "cancel", json!({ "text": "重复反映" })).await.expect(StatusCode::OK);
        let runs = linli_app::privacy::apply_retention(app.state()).await.unwrap();
        let ours = runs.iter().find(|run| run.community_id == community).unwrap();
        assert_eq!(ours.photos_deleted, 1);
        assert_eq!(photo_count(app, &duty, open).await, 0);
        assert!(app.database.blobs.keys().await.unwrap().is_empty());
    }

    async fn retention_periods_are_applied_daily_and_recorded(app: &TestApp) {
        let community = app.chengshangcheng().await;
        let (admin, desk, duty, bao) = (app.token("admin").await, app.token("desk").await, app.token("duty").await, app.token("bao").await);
        let path = format!("/api/v1/communities/{community}/retention");
        assert_eq!(app.get(&path, &admin).await.expect(StatusCode::OK).clone(), json!({ "photo_months": 24, "visit_months": 24 }));
        app.get(&path, &duty).await.expect(StatusCode::FORBIDDEN);
        app.request(reqwest::Method::PUT, &path, Some(&bao), Some(json!({ "photo_months": 1, "visit_months": 1 })))
            .await
            .expect(StatusCode::FORBIDDEN);
        for (photo_months, visit_months, field) in [(0, 3, "photo_months"), (3, 121, "visit_months")] {
            let refused = app
                .request(reqwest::Method::PUT, &path, Some(&admin), Some(json!({ "photo_months": photo_months, "visit_months": visit_months })))
                .await;
            refused.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "retention.months_invalid");
            assert_eq!(refused.body["error"]["field"], field, "{}", refused.body);
        }
        assert_eq!(app.get(&path, &admin).await.expect(StatusCode::OK).clone()["photo_months"], 24, "nothing changed");
        let set = app
            .request(reqwest::Method::PUT, &path, Some(&admin), Some(json!({ "photo_months": 1, "visit_months": 2 })))
            .await;
        assert_eq!(set.expect(StatusCode::OK).clone(), json!({ "photo_months": 1, "visit_months": 2 }));

        // A visit and a finished report, then five weeks: the photo is due, the visit not.
        app.post("/api/v1/visits", &desk, json!({ "visitor_name": "王阿婆", "visitor_phone": "13812345678", "matter": "楼道灯坏了" }))
            .await
            .expect(StatusCode::CREATED);
        let finished = report_with_photo(app, &bao, "楼下装修太吵").await;
        act(app, &bao, finished, "cancel", json!({ "text": "已经和邻居谈好了" })).await.expect(StatusCode::OK);
        let still_open = report_with_photo(app, &bao, "楼道堆物").await;
        app.clock.advance(chrono::Duration::days(35));
        let duty = app.token("duty").await;
        let first = linli_app::privacy::apply_retention(app.state()).await.unwrap();
        let first = first.iter().find(|run| run.community_id == community).unwrap().clone();
        assert_eq!((first.photos_deleted, first.visits_anonymised), (1, 0));
        assert_eq!(photo_count(app, &duty, finished).await, 0);
        assert_eq!(photo_count(app, &duty, still_open).await, 1, "open work orders keep their photos");
        // Four more weeks: the visit's personal fields go; the matter stays for the figures.
        app.clock.advance(chrono::Duration::days(28));
        let desk = app.token("desk").await;
        let second = linli_app::privacy::apply_retention(app.state()).await.unwrap();
        let second = second.iter().find(|run| run.community_id == community).unwrap().clone();
        assert_eq!((second.photos_deleted, second.visits_anonymised), (0, 1));
        let visits = app.get("/api/v1/visits?date=2026-10-27", &desk).await.expect(StatusCode::OK).clone();
        let shown = visits.to_string();
        assert!(!shown.contains("王阿婆") && !shown.contains("13812345678"), "{shown}");
        assert!(shown.contains("楼道灯坏了") && shown.contains("已按期限清除"), "{shown}");
        // Applying again changes nothing; every run is in the record, newest first.
        let third = linli_app::privacy::apply_retention(app.state()).await.unwrap();
        let third = third.iter().find(|run| run.community_id == community).unwrap().clone();
        assert_eq!((third.photos_deleted, third.visits_anonymised), (0, 0));
        let admin = app.token("admin").await;
        let record = app.get(&format!("/api/v1/communities/{community}/retention/runs"), &admin).await.expect(StatusCode::OK).clone();
        let ids: Vec<i64> = record.as_array().unwrap().iter().map(|run| run["id"].as_i64().unwrap()).collect();
        assert!(ids.starts_with(&[third.id, second.id, first.id]), "{record}");
        assert_eq!(record[1]["visits_anonymised"], 1);
    }

    async fn the_administrator_sees_who_read_a_reporter_unmasked(app: &TestApp) {
        let community = app.chengshangcheng().await;
        let (bao, duty, admin) = (app.token("bao").await, app.token("duty").await, app.token("admin").await);
        let bao_id = app.person_id("bao").await;
        let id = app
            .post("/api/v1/work-orders", &bao, json!({ "category": "noise", "description": "楼下装修太吵" }))
            .await
            .expect(StatusCode::CREATED)["id"]
            .as_i64()
            .unwrap();
        // The reporter reading their own is not logged; the duty officer twice is one entry.
        app.get(&format!("/api/v1/work-orders/{id}"), &bao).await.expect(StatusCode::OK);
        let path = format!("/api/v1/communities/{community}/personal-data-reads?person_id={bao_id}");
        assert_eq!(app.get(&path, &admin).await.expect(StatusCode::OK).clone(), json!([]));
        for _ in 0..2 {
            app.get(&format!("/api/v1/work-orders/{id}"), &duty).await.expect(StatusCode::OK);
        }
        let log = app.get(&path, &admin).await.expect(StatusCode::OK).clone();
        let entries = log.as_array().unwrap();
        assert_eq!(entries.len(), 1, "{log}");
        assert_eq!(entries[0]["reader_id"], app.person_id("duty").await);
        assert_eq!(entries[0]["reader_name"], "张承一");
        assert_eq!(entries[0]["work_order_id"], id);
        assert_eq!(entries[0]["day"], "2026-10-27");
        // The next day is another entry; the page reads the same way.
        app.clock.advance(chrono::Duration::days(1));
        let duty = app.token("duty").await;
        let mut page = crate::pages::signed_in(app, "duty").await;
        let shown = page.get(&format!("/orders/{id}")).await;
        assert_eq!(shown.status, StatusCode::OK);
        let log = app.get(&path, &admin).await.expect(StatusCode::OK).clone();
        assert_eq!(log.as_array().unwrap().len(), 2, "{log}");
        assert_eq!(log[0]["day"], "2026-10-28");
        app.get(&format!("/api/v1/work-orders/{id}"), &duty).await.expect(StatusCode::OK);
        assert_eq!(app.get(&path, &admin).await.expect(StatusCode::OK).clone().as_array().unwrap().len(), 2);
        // Nobody else reads the log.
        for login in ["duty", "bao", "shuji"] {
            let token = app.token(login).await;
            app.get(&path, &token).await.expect(StatusCode::FORBIDDEN);
        }
    }

    async fn the_administrator_s_page_sets_periods_and_erases_with_errors_beside_the_fields(app: &TestApp) {
        use crate::pages::{field_error, signed_in, submit};
        let community = app.chengshangcheng().await;
        let path = format!("/communities/{community}/privacy");
        for login in ["duty", "bao", "shuji"] {
            let mut visitor = signed_in(app, login).await;
            assert_eq!(visitor.get(&path).await.status, StatusCode::FORBIDDEN, "{login}");
        }
        let mut admin = signed_in(app, "admin").await;
        let page = admin.get(&path).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("value=\"24\""), "the defaults are shown");

        let refused = submit(&mut admin, &format!("{path}/retention"), &[("photo_months", "两年"), ("visit_months", "6")]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(field_error(&refused, "photo-months"), "保存期限须是 1 到 120 之间的整数（月）");
        assert!(refused.body.contains("value=\"两年\""), "what was typed is kept");
        let saved = submit(&mut admin, &format!("{path}/retention"), &[("photo_months", "12"), ("visit_months", "6")]).await;
        assert_eq!((saved.status, saved.location.as_str()), (StatusCode::SEE_OTHER, format!("{path}?done=retention").as_str()));
        let token = app.token("admin").await;
        assert_eq!(
            app.get(&format!("/api/v1/communities/{community}/retention"), &token).await.expect(StatusCode::OK).clone(),
            json!({ "photo_months": 12, "visit_months": 6 })
        );

        let unknown = submit(&mut admin, &format!("{path}/erase"), &[("login", "nobody-here"), ("confirm", "yes")]).await;
        assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(!field_error(&unknown, "erase-login").is_empty());
        let unconfirmed = submit(&mut admin, &format!("{path}/erase"), &[("login", "bao")]).await;
        assert_eq!(field_error(&unconfirmed, "erase-confirm"), "请确认居民本人已提出注销申请");
        let staff = submit(&mut admin, &format!("{path}/erase"), &[("login", "wuye"), ("confirm", "yes")]).await;
        assert_eq!(staff.status, StatusCode::CONFLICT);
        assert!(staff.body.contains("请先收回其职务"), "{}", staff.body);
        let bao = app.person_id("bao").await;
        let erased = submit(&mut admin, &format!("{path}/erase"), &[("login", "bao"), ("confirm", "yes")]).await;
        assert_eq!(erased.status, StatusCode::SEE_OTHER);
        let person = app.store.person(linli_domain::ids::PersonId(bao)).await.unwrap();
        assert_eq!(person.display_name, "已注销居民");
    }
}
