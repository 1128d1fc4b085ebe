//! The public board through HTTP: anyone reads what was raised and done, its figures add
//! up, the text carries no name, phone or room, and a reporter keeps theirs off.

use crate::helpers::TestApp;
use crate::meetings::{act, building, organisation};
use crate::pages::{Visitor, assert_redirected, signed_in, submit};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// A report by `reporter`, dispatched, signed, resolved with `done` and accepted: its id.
pub(crate) async fn closed_report(
    app: &TestApp,
    reporter: &str,
    text: &str,
    public: bool,
    done: &str,
) -> i64 {
    let community = app.chengshangcheng().await;
    let (duty, wuye, token) = (
        app.token("duty").await,
        app.token("wuye").await,
        app.token(reporter).await,
    );
    let created = app
        .post(
            "/api/v1/work-orders",
            &token,
            json!({ "category": "high_altitude_throwing", "description": text,
            "building_id": building(app, community, "7").await, "is_public": public }),
        )
        .await;
    let id = created.expect(StatusCode::CREATED)["id"].as_i64().unwrap();
    let property = organisation(app, community, "城上城物业服务中心").await;
    act(
        app,
        &duty,
        id,
        "dispatch",
        json!({ "lead_organisation_id": property }),
    )
    .await
    .expect(StatusCode::OK);
    act(app, &wuye, id, "sign", json!({}))
        .await
        .expect(StatusCode::OK);
    act(app, &wuye, id, "resolve", json!({ "text": done }))
        .await
        .expect(StatusCode::OK);
    act(app, &token, id, "accept", json!({ "rating": 5 }))
        .await
        .expect(StatusCode::OK);
    id
}

async fn board(app: &TestApp) -> Value {
    let community = app.chengshangcheng().await;
    let response = app
        .client
        .get(app.url(&format!("/api/v1/board/{community}")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

both_engines! {
    async fn the_board_shows_what_was_raised_and_done_without_anyone_s_data(app: &TestApp) {
        closed_report(app, "bao", "7号楼302室包爷叔家平台上有酒瓶，电话13800000009", true, "已联系302住户，唐女士也来帮忙清理").await;
        closed_report(app, "tang", "唐女士家门口被扔了垃圾", false, "已清理").await;
        let lis = closed_report(app, "li", "小李家窗台有烟头", true, "已提醒楼上").await;

        // 小李 keeps hers off; another resident cannot.
        let path = format!("/api/v1/work-orders/{lis}/hide-from-board");
        app.post(&path, &app.token("bao").await, json!({})).await.expect_error(StatusCode::NOT_FOUND, "work_order.not_found");
        app.post(&path, &app.token("li").await, json!({})).await.expect(StatusCode::NO_CONTENT);

        let shown = board(app).await;
        let closed = shown["closed"].as_array().unwrap();
        assert_eq!(closed.len(), 1, "{shown}");
        assert_eq!(closed[0]["raised"], "7号楼**室**家平台上有酒瓶，电话***");
        assert_eq!(closed[0]["done"], "已联系**住户，**也来帮忙清理");
        assert_eq!((closed[0]["building"].as_str(), closed[0]["rating"].as_i64()), (Some("7号楼"), Some(5)));
        let text = shown.to_string();
        for private in ["包爷叔", "唐女士", "小李", "13800000009", "烟头", "门口被扔"] {
            assert!(!text.contains(private), "{private} on the public board: {text}");
        }
        assert!(!crate::helpers::names_room(&text, "302"), "a room on the public board: {text}");
        // The figures count every report (public or not) and their breakdowns add up.
        let figures = &shown["figures"];
        assert_eq!(figures["totals"]["created"], 3);
        let sum = |rows: &Value| rows.as_array().unwrap().iter().map(|row| row["created"].as_i64().unwrap()).sum::<i64>();
        assert_eq!(sum(&figures["by_category"]), 3);
        assert_eq!(sum(&figures["by_month"]), 3);
        let rate = figures["totals"]["satisfaction_rate"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&rate));

        let unknown = app.client.get(app.url("/api/v1/board/999999")).send().await.unwrap();
        assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    }

    async fn the_board_page_for_anyone_and_the_reporter_s_choice(app: &TestApp) {
        let order = closed_report(app, "bao", "7号楼1201包爷叔家平台上有酒瓶", true, "物业已上门").await;
        let community = app.chengshangcheng().await;
        let path = format!("/public/communities/{community}/board");
        let mut anonymous = Visitor::new(app);
        let page = anonymous.get(&path).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("7号楼****家平台上有酒瓶") && page.body.contains("物业已上门"), "{}", page.body);
        assert!(!page.body.contains("包爷叔") && !page.body.contains("7号楼1201"), "the room number is masked where it stood");

        // 包爷叔 keeps it off the board from his work order's page.
        let mut bao = signed_in(app, "bao").await;
        assert!(bao.get("/").await.body.contains(&path), "the home links the board");
        let page = bao.get(&format!("/orders/{order}")).await;
        assert!(page.body.contains("id=\"hide-from-board\""), "{}", page.body);
        assert_redirected(&submit(&mut bao, &format!("/orders/{order}/hide-from-board"), &[]).await, &format!("/orders/{order}"));
        let page = bao.get(&format!("/orders/{order}?done=hidden")).await;
        assert!(page.body.contains("已不在公开栏展示") && !page.body.contains("id=\"hide-from-board\""));
        assert!(!anonymous.get(&path).await.body.contains("物业已上门"));
        // Someone else's work order cannot be hidden by a neighbour.
        let mut li = signed_in(app, "li").await;
        assert_eq!(submit(&mut li, &format!("/orders/{order}/hide-from-board"), &[]).await.status, StatusCode::NOT_FOUND);
    }
}
