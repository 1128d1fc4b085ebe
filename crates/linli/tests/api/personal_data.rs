//! A person's copy of their own data: through the API and the page, everything about
//! them and nothing about anyone else; a vote's existence, never the choice.

use crate::pages::signed_in;
use reqwest::StatusCode;
use serde_json::json;

both_engines! {
    async fn a_resident_downloads_everything_about_them_and_nothing_else(app: &TestApp) {
        let (bao, tang, duty) = (app.token("bao").await, app.token("tang").await, app.token("duty").await);
        let own = app.post("/api/v1/work-orders", &bao, json!({ "category": "noise", "description": "楼上半夜装修，电话13912345678" }))
            .await.expect(StatusCode::CREATED)["id"].as_i64().unwrap();
        let photo = crate::photos::phone_photo();
        let (status, _) = crate::photos::upload(app, &bao, own, vec![("a.jpg", photo)], None).await;
        assert_eq!(status, StatusCode::CREATED);
        let neighbours = app.post("/api/v1/work-orders", &tang, json!({ "category": "noise", "description": "9号楼邻居唐家的私事", "is_public": true }))
            .await.expect(StatusCode::CREATED)["id"].as_i64().unwrap();
        app.post(&format!("/api/v1/work-orders/{neighbours}/actions/me_too"), &bao, json!({})).await;
        app.post(&format!("/api/v1/work-orders/{own}/actions/reply"), &duty, json!({ "text": "已联系物业" })).await.expect(StatusCode::OK);

        let answer = app.client.get(app.url("/api/v1/me/data")).bearer_auth(&bao).send().await.unwrap();
        assert_eq!(answer.status(), StatusCode::OK);
        assert!(answer.headers()["content-disposition"].to_str().unwrap().starts_with("attachment; filename=\"linli-my-data-"));
        let data: serde_json::Value = answer.json().await.unwrap();
        assert_eq!(data["account"]["login"], "bao");
        assert!(!data["account"]["rooms"].as_array().unwrap().is_empty(), "{data}");
        let reported = data["reported_work_orders"].as_array().unwrap();
        assert!(reported.iter().any(|order| order["id"] == own && order["description"].as_str().unwrap().contains("13912345678")),
            "their own words, unmasked");
        assert!(reported.iter().all(|order| order["id"] != neighbours));
        assert!(data["followed_work_orders"].as_array().unwrap().iter().any(|order| order["work_order_id"] == neighbours));
        assert_eq!(data["photos"].as_array().unwrap().len(), 1);
        assert!(!data["sessions"].as_array().unwrap().is_empty());
        let text = data.to_string();
        // Nothing of the neighbour's report, nor of the duty officer's words or name.
        assert!(!text.contains("唐家的私事") && !text.contains("已联系物业") && !text.contains("汤守英"), "{text}");
        // Nothing without a session.
        app.request(reqwest::Method::GET, "/api/v1/me/data", None, None).await.expect_error(StatusCode::UNAUTHORIZED, "auth.required");

        // The page lists the same, readable, and offers the file.
        let mut page = signed_in(app, "bao").await;
        let shown = page.get("/me/data").await;
        assert!(shown.body.contains("id=\"download-my-data\"") && shown.body.contains("楼上半夜装修"), "{}", shown.body);
        assert!(!shown.body.contains("唐家的私事"));
        let file = page.get("/me/data.json").await;
        assert!(file.body.contains("\"reported_work_orders\""));
    }

    async fn a_ballot_is_kept_as_taken_part_never_as_the_choice(app: &TestApp) {
        use crate::votes::{ballot, draft, estate, id, owner};
        let place = estate(app).await;
        let (admin, yewei) = (app.token("admin").await, app.token("yewei").await);
        app.request(reqwest::Method::PUT, &format!("/api/v1/rooms/{}/floor-area", place.rooms["301"]), Some(&admin),
            Some(json!({ "floor_area_hundredths_m2": 5_000 }))).await.expect(StatusCode::OK);
        let vote = draft(app, &yewei, &place, "30号楼加装电梯", "common_parts_use").await;
        app.post(&format!("/api/v1/votes/{}/open", id(&vote)), &yewei, json!({})).await.expect(StatusCode::OK);
        app.clock.advance(chrono::Duration::hours(2));
        let jia = owner(app, "vote.jia").await;
        ballot(app, &jia, &vote, "不同意", None).await.expect(StatusCode::CREATED);
        let data = app.get("/api/v1/me/data", &jia).await;
        let data = data.expect(StatusCode::OK);
        let ballots = data["ballots_cast"].as_array().unwrap();
        assert_eq!(ballots.len(), 1);
        assert_eq!((ballots[0]["vote_id"].as_i64(), ballots[0]["vote"].as_str()), (Some(id(&vote)), Some("30号楼加装电梯")));
        let text = data.to_string();
        assert!(!text.contains("不同意") && !text.contains("option"), "{text}");
        // Staff have data too: the duty officer's copy has no one's ballot.
        let duty = app.token("duty").await;
        let theirs = app.get("/api/v1/me/data", &duty).await;
        let theirs = theirs.expect(StatusCode::OK);
        assert_eq!(theirs["account"]["login"], "duty");
        assert!(theirs["ballots_cast"].as_array().unwrap().is_empty());
    }
}
