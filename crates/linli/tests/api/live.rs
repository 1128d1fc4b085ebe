//! Live updates: the streams of pages and big screens, who hears what, screen tokens, and
//! two instances on one PostgreSQL database.

use crate::helpers::{Engine, TestApp};
use linli_web::WebConfig;
use reqwest::StatusCode;
use reqwest::header::COOKIE;
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::time::Duration;

/// Reads Server-Sent Events from a streaming answer.
struct Events {
    response: reqwest::Response,
    buffer: String,
}

impl Events {
    async fn open(address: SocketAddr, path: &str, session: Option<&str>) -> Self {
        let mut request = reqwest::Client::new().get(format!("http://{address}{path}"));
        if let Some(token) = session {
            request = request.header(COOKIE, format!("linli_session={token}"));
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert!(
            response.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/event-stream")
        );
        Self {
            response,
            buffer: String::new(),
        }
    }

    /// The next event (name and data) within `wait`, skipping keep-alive comments.
    async fn next(&mut self, wait: Duration) -> Option<(String, Value)> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let mut name = String::new();
                let mut data = String::new();
                for line in block.lines() {
                    if let Some(value) = line.strip_prefix("event:") {
                        name = value.trim().to_owned();
                    } else if let Some(value) = line.strip_prefix("data:") {
                        data.push_str(value.trim_start());
                    }
                }
                if name.is_empty() {
                    continue;
                }
                return Some((name, serde_json::from_str(&data).unwrap_or(Value::Null)));
            }
            let chunk = tokio::time::timeout_at(deadline, self.response.chunk())
                .await
                .ok()?
                .ok()??;
            self.buffer.push_str(&String::from_utf8_lossy(&chunk));
        }
    }
}

async fn report_for(app: &TestApp, desk: &str, login: &str, text: &str) -> Value {
    app.post(
        "/api/v1/work-orders",
        desk,
        json!({
            "category": "corridor_lighting",
            "description": text,
            "reporter_id": app.person_id(login).await,
            "is_public": false,
        }),
    )
    .await
    .expect(StatusCode::CREATED)
    .clone()
}

both_engines! {
    async fn a_residents_stream_never_carries_anothers_events(app: &TestApp) {
        let (desk, tang, duty) = (app.token("desk").await, app.token("tang").await, app.token("duty").await);
        let mut tang_hears = Events::open(app.address, "/live", Some(&tang)).await;
        let mut duty_hears = Events::open(app.address, "/live", Some(&duty)).await;
        let bao_order = report_for(app, &desk, "bao", "包爷叔家楼道灯坏了").await;
        let tang_order = report_for(app, &desk, "tang", "唐女士家楼道灯坏了").await;
        let (event, change) = tang_hears.next(Duration::from_secs(5)).await.expect("tang hears of her own");
        assert_eq!(event, "change");
        assert_eq!(change["work_order_id"], tang_order["id"], "the first tang hears is hers, not bao's");
        // The duty officer hears both, in order.
        let (_, first) = duty_hears.next(Duration::from_secs(5)).await.unwrap();
        let (_, second) = duty_hears.next(Duration::from_secs(5)).await.unwrap();
        assert_eq!((&first["work_order_id"], &second["work_order_id"]), (&bao_order["id"], &tang_order["id"]));
        // Acting on bao's: tang still hears nothing of it.
        app.post(&format!("/api/v1/work-orders/{}/actions/dispatch", bao_order["id"]), &duty, json!({ "lead_organisation_id": bao_order_lead(app).await })).await.expect(StatusCode::OK);
        assert!(tang_hears.next(Duration::from_millis(600)).await.is_none(), "nothing of bao's reaches tang");
        let (_, dispatched) = duty_hears.next(Duration::from_secs(5)).await.unwrap();
        assert_eq!((dispatched["status"].as_str(), dispatched["event"].as_str()), (Some("dispatched"), Some("dispatched")));
        // Without a session there is no stream.
        let answer = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap().get(app.url("/live")).send().await.unwrap();
        assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    }

    async fn the_big_screen_follows_every_change_within_a_second(app: &TestApp) {
        let (shuji, desk, bao) = (app.token("shuji").await, app.token("desk").await, app.token("bao").await);
        let community = app.chengshangcheng().await;
        // Residents cannot hand out screens; the supervisor can.
        app.post("/api/v1/screens", &bao, json!({ "community_id": community, "name": "大屏" })).await.expect_error(StatusCode::FORBIDDEN, "auth.forbidden");
        app.post("/api/v1/screens", &shuji, json!({ "name": "大屏" })).await.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "screen.scope_required");
        let created = app.post("/api/v1/screens", &shuji, json!({ "community_id": community, "name": "联合办公室大屏" })).await;
        let created = created.expect(StatusCode::CREATED).clone();
        let url = created["url"].as_str().unwrap().to_owned();
        let token = created["token"].as_str().unwrap().to_owned();

        crate::grids::two_grids(app).await;
        let page = app.client.get(app.url(&url)).send().await.unwrap();
        assert_eq!(page.status(), StatusCode::OK);
        let html = page.text().await.unwrap();
        assert!(html.contains("城上城居民区") && html.contains("id=\"screen-by-grid\"") && html.contains("第二网格"));
        let mut screen = Events::open(app.address, &format!("/screen/community/{community}/stream?token={token}"), None).await;
        let (event, first) = screen.next(Duration::from_secs(5)).await.unwrap();
        assert_eq!(event, "snapshot");
        let before = first["today_new"].as_i64().unwrap();
        let started = std::time::Instant::now();
        let order = report_for(app, &desk, "bao", "7号楼楼道灯不亮").await;
        let (_, next) = screen.next(Duration::from_secs(1)).await.expect("the screen changes within a second");
        assert!(started.elapsed() < Duration::from_secs(1));
        assert_eq!(next["today_new"].as_i64().unwrap(), before + 1);
        assert_eq!(next["ticker"][0]["number"], order["number"]);
        assert_eq!(next["ticker"][0]["status_label"], "待受理");
        let seven = next["buildings"].as_array().unwrap().iter().find(|cell| cell["name"] == "7号楼").unwrap();
        assert_eq!(seven["open"], 1);
        // The grids add up to the buildings: 7号楼 is in 第一网格.
        let grids = next["by_grid"].as_array().unwrap();
        assert_eq!((grids[0]["label"].as_str(), grids[0]["count"].as_i64()), (Some("第一网格"), Some(1)));
        let by_grid: i64 = grids.iter().map(|row| row["count"].as_i64().unwrap()).sum();
        let by_building: i64 = next["buildings"].as_array().unwrap().iter().map(|cell| cell["open"].as_i64().unwrap()).sum();
        assert_eq!(by_grid, by_building);

        // A wrong token, a token of another community, a revoked token: refused.
        let answer = app.client.get(app.url(&format!("/screen/community/{community}?token=nonsense"))).send().await.unwrap();
        assert_eq!(answer.status(), StatusCode::UNAUTHORIZED);
        assert!(answer.text().await.unwrap().contains("大屏令牌无效"));
        let elsewhere = app.zhixin().await;
        let answer = app.client.get(app.url(&format!("/screen/community/{elsewhere}?token={token}"))).send().await.unwrap();
        assert_eq!(answer.status(), StatusCode::FORBIDDEN);
        assert!(answer.text().await.unwrap().contains("不属于该居民区"));
        let id = created["id"].as_i64().unwrap();
        app.request(reqwest::Method::DELETE, &format!("/api/v1/screens/{id}"), Some(&shuji), None).await.expect(StatusCode::NO_CONTENT);
        let answer = app.client.get(app.url(&url)).send().await.unwrap();
        assert_eq!(answer.status(), StatusCode::UNAUTHORIZED);
    }

    async fn a_street_screen_adds_up_its_communities(app: &TestApp) {
        let jiedao = app.token("jiedao").await;
        let street = app.store.communities(None).await.unwrap()[0].street_id;
        let created = app.post("/api/v1/screens", &app.token("admin").await, json!({ "street_id": street, "name": "街道指挥中心" })).await;
        let token = created.expect(StatusCode::CREATED)["token"].as_str().unwrap().to_owned();
        let mut screen = Events::open(app.address, &format!("/screen/street/{street}/stream?token={token}"), None).await;
        let (_, first) = screen.next(Duration::from_secs(5)).await.unwrap();
        assert_eq!(first["title"], "芷江西路街道");
        // Buildings of both communities are on the grid.
        assert!(first["buildings"].as_array().unwrap().len() > 22);
        // The street overseer may watch it signed in, without a token.
        Events::open(app.address, &format!("/screen/street/{street}/stream"), Some(&jiedao)).await;
    }
}

async fn bao_order_lead(app: &TestApp) -> i64 {
    let community = linli_domain::ids::CommunityId(app.chengshangcheng().await);
    app.store
        .organisations(community)
        .await
        .unwrap()
        .into_iter()
        .find(|organisation| organisation.name == "城上城物业服务中心")
        .unwrap()
        .id
}

/// Two `linli serve` instances on one PostgreSQL database: a change made through one
/// reaches the other's big screen within a second, and only one of them runs the
/// background jobs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PostgreSQL: run scripts/test.sh, or cargo nextest run --run-ignored all"]
async fn two_instances_on_postgresql_share_changes_and_elect_one_job_runner() {
    let app = TestApp::spawn(
        Engine::Postgres,
        WebConfig {
            demo_mode: true,
            ..WebConfig::default()
        },
    )
    .await;
    // The second instance has its own connections, its own live hub and its own screen
    // feeds; only the database joins them.
    let other_store = app.database.store().await;
    let other = app
        .start_instance_over(
            other_store.clone(),
            WebConfig {
                demo_mode: true,
                ..WebConfig::default()
            },
        )
        .await;
    let community = app.chengshangcheng().await;
    let shuji = app.token("shuji").await;
    let created = app
        .post(
            "/api/v1/screens",
            &shuji,
            json!({ "community_id": community, "name": "大屏" }),
        )
        .await;
    let token = created.expect(StatusCode::CREATED)["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut screen_on_other = Events::open(
        other,
        &format!("/screen/community/{community}/stream?token={token}"),
        None,
    )
    .await;
    let (_, first) = screen_on_other.next(Duration::from_secs(5)).await.unwrap();
    // Give the other instance's listener a moment to be listening.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let desk = app.token("desk").await;
    let started = std::time::Instant::now();
    let order = report_for(&app, &desk, "bao", "两个实例：楼道灯坏了").await;
    let (_, next) = screen_on_other
        .next(Duration::from_secs(1))
        .await
        .expect("the other instance's screen changes within a second");
    assert!(started.elapsed() < Duration::from_secs(1));
    assert_eq!(
        next["today_new"].as_i64().unwrap(),
        first["today_new"].as_i64().unwrap() + 1
    );
    assert_eq!(next["ticker"][0]["number"], order["number"]);
    // A session made on one instance works on the other.
    let me = app
        .request_at(other, reqwest::Method::GET, "/api/v1/me", Some(&desk), None)
        .await;
    assert_eq!(me.expect(StatusCode::OK)["login"], "desk");

    // Categories are kept per instance for a few seconds: a change through one instance
    // holds there at once and on the other within that time.
    let admin = app.token("admin").await;
    let bao = app.token("bao").await;
    let categories = app
        .get(
            &format!("/api/v1/categories?community_id={community}"),
            &admin,
        )
        .await;
    let noise = categories
        .expect(StatusCode::OK)
        .as_array()
        .unwrap()
        .iter()
        .find(|category| category["code"] == "noise")
        .unwrap()["id"]
        .clone();
    let report = json!({ "category": "noise", "description": "两个实例：装修噪音" });
    app.request_at(
        other,
        reqwest::Method::POST,
        "/api/v1/work-orders",
        Some(&bao),
        Some(report.clone()),
    )
    .await
    .expect(StatusCode::CREATED);
    app.request_at(
        app.address,
        reqwest::Method::PATCH,
        &format!("/api/v1/categories/{noise}"),
        Some(&admin),
        Some(json!({ "active": false })),
    )
    .await
    .expect(StatusCode::OK);
    app.post("/api/v1/work-orders", &bao, report.clone())
        .await
        .expect_error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "work_order.category_unknown",
        );
    let changed = std::time::Instant::now();
    loop {
        let answer = app
            .request_at(
                other,
                reqwest::Method::POST,
                "/api/v1/work-orders",
                Some(&bao),
                Some(report.clone()),
            )
            .await;
        if answer.status == StatusCode::UNPROCESSABLE_ENTITY {
            break;
        }
        answer.expect(StatusCode::CREATED);
        assert!(
            changed.elapsed() < Duration::from_secs(8),
            "the other instance learns of the change within seconds"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }

    // Background jobs run on exactly one instance; when it ends, the other takes over.
    let leaders = || {
        app.instances()
            .iter()
            .enumerate()
            .filter(|(_, state)| state.leads_jobs())
            .map(|(index, _)| index)
            .collect::<Vec<_>>()
    };
    let mut leading = leaders();
    for _ in 0..100 {
        if !leading.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        leading = leaders();
    }
    assert_eq!(leading.len(), 1, "exactly one instance runs the jobs");
    assert!(
        app.store.try_lead().await.unwrap().is_none(),
        "and nobody else may"
    );
    app.stop_instance(leading[0]).await;
    let mut taken_over = Vec::new();
    for _ in 0..150 {
        taken_over = leaders();
        if taken_over.len() == 1 && taken_over[0] != leading[0] {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(taken_over.len(), 1, "the other instance takes over");
    assert_ne!(taken_over[0], leading[0]);
    other_store.close().await;
    app.stop().await;
}

/// Each instance keeps a copy of who its callers are. A sign-out, a role given or a role
/// taken away through one instance holds on the other as soon as PostgreSQL's notice
/// reaches it, not when its copy would have grown old.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PostgreSQL: run scripts/test.sh, or cargo nextest run --run-ignored all"]
async fn a_sign_out_or_a_role_changed_on_one_instance_holds_on_the_other() {
    let config = || WebConfig {
        demo_mode: true,
        ..WebConfig::default()
    };
    let app = TestApp::spawn(Engine::Postgres, config()).await;
    let other_store = app.database.store().await;
    // Started once it listens (see start_instance_over).
    let other = app.start_instance_over(other_store.clone(), config()).await;
    assert!(other_store.hears_every_change());
    let get_on_other = |path: String, token: String| {
        let app = &app;
        async move {
            app.request_at(other, reqwest::Method::GET, &path, Some(&token), None)
                .await
        }
    };
    // Waits until the other instance answers `status`; it must within two seconds.
    let until_other_answers = |status: StatusCode, path: String, token: String| async move {
        let started = std::time::Instant::now();
        loop {
            let answer = get_on_other(path.clone(), token.clone()).await;
            if answer.status == status {
                return started.elapsed();
            }
            assert!(
                started.elapsed() < Duration::from_secs(2),
                "{path}: still {} instead of {status}",
                answer.status
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    };

    // A session used on the other instance (and so kept there) ends on this one.
    let desk = app.token("desk").await;
    for _ in 0..3 {
        get_on_other("/api/v1/me".to_owned(), desk.clone())
            .await
            .expect(StatusCode::OK);
    }
    app.request(
        reqwest::Method::DELETE,
        "/api/v1/sessions/current",
        Some(&desk),
        None,
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    until_other_answers(StatusCode::UNAUTHORIZED, "/api/v1/me".to_owned(), desk).await;

    // A resident given the reception role here may search people there, and may not
    // once it is taken away again.
    let community = app.chengshangcheng().await;
    let admin = app.token("admin").await;
    let bao = app.token("bao").await;
    let search = format!("/api/v1/communities/{community}/people?q=0007");
    get_on_other(search.clone(), bao.clone())
        .await
        .expect_error(StatusCode::FORBIDDEN, "auth.forbidden");
    let bao_id = app.person_id("bao").await;
    let granted = app
        .post(
            &format!("/api/v1/people/{bao_id}/roles"),
            &admin,
            json!({ "role": "receptionist", "community_id": community }),
        )
        .await;
    let grant = granted.expect(StatusCode::CREATED)["id"].as_i64().unwrap();
    until_other_answers(StatusCode::OK, search.clone(), bao.clone()).await;
    app.request(
        reqwest::Method::DELETE,
        &format!("/api/v1/people/{bao_id}/roles/{grant}"),
        Some(&admin),
        None,
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    until_other_answers(StatusCode::FORBIDDEN, search, bao).await;
}
