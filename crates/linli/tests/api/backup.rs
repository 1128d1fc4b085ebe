//! Backups: the told demo story on each engine is backed up while its server serves,
//! restored into an empty database and files directory, and a second server over the
//! restored copy answers every read as the original does, photos byte for byte; a backup
//! taken while residents keep reporting restores to a consistent moment; a restore never
//! writes over data.

use crate::helpers::{Engine, TestApp, TestDatabase};
use linli_web::WebConfig;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::net::SocketAddr;

/// The restored copy's server, beside the original's.
async fn restored_server(app: &TestApp, target: &TestDatabase) -> SocketAddr {
    let store = target.store().await;
    let config = WebConfig {
        demo_mode: true,
        ..WebConfig::default()
    };
    app.start_instance_with(store, target.blobs.clone(), config)
        .await
}

/// Every read a role makes, as (path, answer) — the lists, each work order it may see in
/// full, and the figures.
async fn reads(
    app: &TestApp,
    at: SocketAddr,
    token: &str,
    community: i64,
) -> Vec<(String, u16, Value)> {
    let mut paths: Vec<String> = [
        "/api/v1/me",
        "/api/v1/notifications",
        "/api/v1/meetings",
        "/api/v1/projects",
        "/api/v1/campaigns",
        "/api/v1/votes",
        "/api/v1/content",
        "/api/v1/partners",
        "/api/v1/services",
        "/api/v1/grids",
        "/api/v1/roster",
        "/api/v1/volunteers/league",
        "/api/v1/search?q=%E8%B7%AF%E7%81%AF",
    ]
    .iter()
    .map(|path| (*path).to_owned())
    .collect();
    paths.push(format!("/api/v1/statistics?community_id={community}"));
    paths.push(format!("/api/v1/categories?community_id={community}"));
    let mut answers = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(cursor) => {
                format!("/api/v1/work-orders?community_id={community}&limit=200&cursor={cursor}")
            }
            None => format!("/api/v1/work-orders?community_id={community}&limit=200"),
        };
        let page = app
            .request_at(at, Method::GET, &path, Some(token), None)
            .await;
        assert_eq!(page.status, StatusCode::OK, "{path}: {}", page.body);
        for item in page.body["items"].as_array().unwrap() {
            paths.push(format!("/api/v1/work-orders/{}", item["id"]));
        }
        cursor = page.body["next_cursor"].as_str().map(str::to_owned);
        answers.push((path, page.status.as_u16(), page.body));
        if cursor.is_none() {
            break;
        }
    }
    for path in paths {
        let answer = app
            .request_at(at, Method::GET, &path, Some(token), None)
            .await;
        answers.push((path, answer.status.as_u16(), answer.body));
    }
    answers
}

/// The bytes of every photo the answers name, fetched from `at`.
async fn photos(
    app: &TestApp,
    at: SocketAddr,
    token: &str,
    answers: &[(String, u16, Value)],
) -> Vec<Vec<u8>> {
    let mut bytes = Vec::new();
    for (path, _, body) in answers {
        for photo in body["photos"].as_array().into_iter().flatten() {
            let url = format!("http://{at}{path}/photos/{}", photo["id"]);
            let answer = app
                .client
                .get(&url)
                .bearer_auth(token)
                .send()
                .await
                .unwrap();
            assert_eq!(answer.status(), StatusCode::OK, "{url}");
            bytes.push(answer.bytes().await.unwrap().to_vec());
        }
    }
    bytes
}

async fn round_trip(engine: Engine) {
    let app = TestApp::told_story(engine).await;
    let community = app.chengshangcheng().await;
    // The story has no photos: a resident's report brings two.
    let bao = app.token("bao").await;
    let reported = app
        .post(
            "/api/v1/work-orders",
            &bao,
            json!({ "category": "noise", "description": "楼道堆物，照片为证" }),
        )
        .await;
    let id = reported.expect(StatusCode::CREATED)["id"].as_i64().unwrap();
    let photo = crate::photos::phone_photo();
    let (status, body) = crate::photos::upload(
        &app,
        &bao,
        id,
        vec![("a.jpg", photo.clone()), ("b.jpg", photo)],
        None,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    // The rules on the clock run once now, as the copy's server runs them when it starts.
    linli_app::work_orders::jobs::run_due_rules(app.state())
        .await
        .unwrap();
    // And their messages reach the inboxes now, not whenever either server's next tick
    // comes: otherwise the copy, fanning out at once, would read ahead of the original.
    while linli_app::notifications::fan_out_pending(app.state())
        .await
        .unwrap()
        > 0
    {}
    // Signed in before the backup: the sessions are in the copy too.
    let mut tokens = Vec::new();
    for login in ["shuji", "duty", "wuye", "bao", "li"] {
        tokens.push((login, app.token(login).await));
    }
    let archive = tempfile::tempdir().unwrap();
    let file = archive.path().join("linli.backup");
    let manifest = linli::backup::write(
        &app.store,
        &app.database.url,
        app.database.blobs.as_ref(),
        &file,
    )
    .await
    .unwrap();
    assert_eq!(
        manifest.engine,
        if matches!(engine, Engine::Sqlite) {
            "sqlite"
        } else {
            "postgres"
        }
    );
    assert!(manifest.files > 0, "the story's photos are in the archive");
    // A second backup never writes over the first.
    let again = linli::backup::write(
        &app.store,
        &app.database.url,
        app.database.blobs.as_ref(),
        &file,
    )
    .await;
    assert!(again.unwrap_err().to_string().contains("already exists"));

    let target = TestDatabase::new(engine).await;
    let restored = linli::backup::restore(&target.url, target.blobs.as_ref(), &file)
        .await
        .unwrap();
    assert_eq!(restored, manifest);
    // Restoring again over what is now there is refused, and changes nothing.
    let refused = linli::backup::restore(&target.url, target.blobs.as_ref(), &file)
        .await
        .unwrap_err();
    assert!(
        refused.to_string().contains("not empty")
            || refused.to_string().contains("exists")
            || refused.to_string().contains("has tables"),
        "{refused}"
    );

    let copy = restored_server(&app, &target).await;
    let mut compared = 0;
    let mut photos_compared = 0;
    for (login, token) in &tokens {
        let original = reads(&app, app.address, token, community).await;
        let copied = reads(&app, copy, token, community).await;
        assert_eq!(original.len(), copied.len(), "{login}");
        for (one, other) in original.iter().zip(&copied) {
            if one != other {
                let (a, b) = (
                    format!("{} {}", one.1, one.2),
                    format!("{} {}", other.1, other.2),
                );
                let at = a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count();
                let around = |text: &str| {
                    text.chars()
                        .skip(at.saturating_sub(200))
                        .take(400)
                        .collect::<String>()
                };
                panic!(
                    "{login} reads {} differently:\n{}\n---\n{}",
                    one.0,
                    around(&a),
                    around(&b)
                );
            }
        }
        assert!(
            original
                .iter()
                .filter(|(_, status, _)| *status == 200)
                .count()
                > 20,
            "{login}: {original:?}"
        );
        compared += original.len();
        let (one, other) = (
            photos(&app, app.address, token, &original).await,
            photos(&app, copy, token, &copied).await,
        );
        assert_eq!(one, other, "{login}'s photos");
        photos_compared += one.len();
    }
    assert!(
        compared > 200 && photos_compared > 0,
        "{compared} answers, {photos_compared} photos"
    );
    target.drop_database().await;
    app.stop().await;
}

/// Residents keep reporting while the backup runs: the copy holds the work orders of one
/// moment, numbered without gaps, each as the original has it.
async fn backup_while_serving(engine: Engine) {
    let app = TestApp::told_story(engine).await;
    let community = app.chengshangcheng().await;
    let archive = tempfile::tempdir().unwrap();
    let file = archive.path().join("busy.backup");
    let (bao, shuji) = (app.token("bao").await, app.token("shuji").await);
    let reporting = async {
        for n in 0..40 {
            app.post(
                "/api/v1/work-orders",
                &bao,
                json!({ "category": "noise", "description": format!("备份期间第{n}次反映") }),
            )
            .await
            .expect(StatusCode::CREATED);
        }
    };
    let (_, written) = tokio::join!(
        reporting,
        linli::backup::write(
            &app.store,
            &app.database.url,
            app.database.blobs.as_ref(),
            &file
        )
    );
    written.unwrap();
    let target = TestDatabase::new(engine).await;
    linli::backup::restore(&target.url, target.blobs.as_ref(), &file)
        .await
        .unwrap();
    let copy = restored_server(&app, &target).await;
    let list = |at| {
        let shuji = shuji.clone();
        let app = &app;
        async move {
            let page = app
                .request_at(
                    at,
                    Method::GET,
                    &format!("/api/v1/work-orders?community_id={community}&limit=200&sort=oldest"),
                    Some(&shuji),
                    None,
                )
                .await;
            assert_eq!(page.status, StatusCode::OK, "{at}: {}", page.body);
            let mut numbers = Vec::new();
            let mut cursor = page.body["next_cursor"].as_str().map(str::to_owned);
            numbers.extend(
                page.body["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|item| item["number"].as_i64().unwrap()),
            );
            while let Some(next) = cursor {
                let page = app.request_at(at, Method::GET, &format!("/api/v1/work-orders?community_id={community}&limit=200&sort=oldest&cursor={next}"), Some(&shuji), None).await;
                assert_eq!(page.status, StatusCode::OK, "{at}: {}", page.body);
                numbers.extend(
                    page.body["items"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|item| item["number"].as_i64().unwrap()),
                );
                cursor = page.body["next_cursor"].as_str().map(str::to_owned);
            }
            numbers
        }
    };
    let (all, copied) = (list(app.address).await, list(copy).await);
    assert_eq!(
        copied,
        (1..=i64::try_from(copied.len()).unwrap()).collect::<Vec<_>>(),
        "numbers without gaps"
    );
    assert!(copied.len() <= all.len() && all.starts_with(&copied));
    // The copy's figures add up to its own work orders.
    let figures = app
        .request_at(
            copy,
            Method::GET,
            &format!("/api/v1/statistics?community_id={community}&from=2025-01-01&to=2026-12-31"),
            Some(&shuji),
            None,
        )
        .await;
    assert_eq!(figures.status, StatusCode::OK, "{}", figures.body);
    target.drop_database().await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restored_sqlite_backup_answers_every_read_alike() {
    round_trip(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PostgreSQL: run scripts/test.sh, or cargo nextest run --run-ignored all"]
async fn a_restored_postgres_backup_answers_every_read_alike() {
    round_trip(Engine::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sqlite_backup_taken_while_serving_restores_one_moment() {
    backup_while_serving(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PostgreSQL: run scripts/test.sh, or cargo nextest run --run-ignored all"]
async fn a_postgres_backup_taken_while_serving_restores_one_moment() {
    backup_while_serving(Engine::Postgres).await;
}
