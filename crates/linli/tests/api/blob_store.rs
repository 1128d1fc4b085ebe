//! Photos on shared object storage: two instances over one PostgreSQL database and one
//! S3-compatible server (moto's, which the test script installs) serve each other's
//! photos; the object store going away in the middle of an upload answers 503, stores no
//! photo row and leaves no object half-written; a backup of a bucket restores.

use crate::helpers::{Engine, TestApp, TestDatabase};
use linli_store::blobs::{BlobLocation, BlobStore, Blobs};
use linli_web::WebConfig;
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A local S3-compatible server of its own, stopped when dropped.
struct S3Server {
    process: Child,
    address: SocketAddr,
}

impl S3Server {
    async fn start() -> Self {
        let program = std::env::var("LINLI_TEST_S3_SERVER").unwrap_or_else(|_| {
            panic!(
                "LINLI_TEST_S3_SERVER names a local S3 server (moto_server): run scripts/test.sh"
            )
        });
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let process = Command::new(&program)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|error| panic!("starting {program}: {error}"));
        let address = SocketAddr::from(([127, 0, 0, 1], port));
        let started = std::time::Instant::now();
        let client = reqwest::Client::new();
        loop {
            if let Ok(answer) = client.get(format!("http://{address}/")).send().await
                && answer.status().is_success()
            {
                break;
            }
            assert!(
                started.elapsed() < std::time::Duration::from_secs(60),
                "the S3 server at {address} answers"
            );
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        Self { process, address }
    }

    async fn create_bucket(&self, name: &str) {
        let made = reqwest::Client::new()
            .put(format!("http://{}/{name}", self.address))
            .send()
            .await
            .unwrap();
        assert!(made.status().is_success(), "{}", made.status());
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

fn bucket_at(address: SocketAddr, bucket: &str) -> Blobs {
    let location: BlobLocation =
        format!("s3://test:test@{bucket}/linli?endpoint=http://{address}&region=us-east-1")
            .parse()
            .unwrap();
    Blobs::open(&location).unwrap()
}

/// Forwards to the S3 server until `allowed` bytes have gone towards it; past that it
/// cuts every connection, in the middle of whatever was being sent, and answers no more.
struct CuttingProxy {
    address: SocketAddr,
    allowed: Arc<AtomicI64>,
    cut: Arc<AtomicBool>,
}

impl CuttingProxy {
    async fn start(upstream: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let allowed = Arc::new(AtomicI64::new(i64::MAX));
        let cut = Arc::new(AtomicBool::new(false));
        let (budget, stopped) = (allowed.clone(), cut.clone());
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                if stopped.load(Ordering::SeqCst) {
                    continue;
                }
                let (budget, stopped) = (budget.clone(), stopped.clone());
                tokio::spawn(async move {
                    let Ok(server) = TcpStream::connect(upstream).await else {
                        return;
                    };
                    let (mut client_read, mut client_write) = client.into_split();
                    let (mut server_read, mut server_write) = server.into_split();
                    let towards = async {
                        let mut buffer = vec![0u8; 4096];
                        loop {
                            let read = client_read.read(&mut buffer).await.unwrap_or(0);
                            let size = i64::try_from(read).unwrap();
                            if read == 0 {
                                break;
                            }
                            if budget.fetch_sub(size, Ordering::SeqCst) < size {
                                stopped.store(true, Ordering::SeqCst);
                                break;
                            }
                            if server_write.write_all(&buffer[..read]).await.is_err() {
                                break;
                            }
                        }
                    };
                    let back = async {
                        let mut buffer = vec![0u8; 4096];
                        loop {
                            let read = server_read.read(&mut buffer).await.unwrap_or(0);
                            if read == 0 || client_write.write_all(&buffer[..read]).await.is_err() {
                                break;
                            }
                        }
                    };
                    // Whichever ends first ends the connection: both halves are dropped.
                    tokio::select! {
                        () = towards => {},
                        () = back => {},
                    }
                });
            }
        });
        Self {
            address,
            allowed,
            cut,
        }
    }

    fn used_since(&self, mark: i64) -> i64 {
        mark - self.allowed.load(Ordering::SeqCst)
    }
}

async fn upload_at(
    app: &TestApp,
    at: SocketAddr,
    token: &str,
    id: i64,
    count: usize,
) -> (StatusCode, Value) {
    let mut form = Form::new();
    for n in 0..count {
        form = form.part(
            "photo",
            Part::bytes(crate::photos::phone_photo()).file_name(format!("{n}.jpg")),
        );
    }
    let answer = app
        .client
        .post(format!("http://{at}/api/v1/work-orders/{id}/photos"))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = answer.status();
    (status, answer.json().await.unwrap_or(Value::Null))
}

async fn photo_ids(app: &TestApp, at: SocketAddr, token: &str, id: i64) -> Vec<i64> {
    let answer = app
        .request_at(
            at,
            reqwest::Method::GET,
            &format!("/api/v1/work-orders/{id}"),
            Some(token),
            None,
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    answer.body["photos"]
        .as_array()
        .unwrap()
        .iter()
        .map(|photo| photo["id"].as_i64().unwrap())
        .collect()
}

async fn photo_bytes(app: &TestApp, at: SocketAddr, token: &str, id: i64, photo: i64) -> Vec<u8> {
    let answer = app
        .client
        .get(format!(
            "http://{at}/api/v1/work-orders/{id}/photos/{photo}"
        ))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::OK);
    answer.bytes().await.unwrap().to_vec()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PostgreSQL and a local S3 server: run scripts/test.sh, or cargo nextest run --run-ignored all"]
async fn instances_share_photos_through_object_storage_and_an_outage_stores_nothing() {
    let app = TestApp::spawn(
        Engine::Postgres,
        WebConfig {
            demo_mode: true,
            ..WebConfig::default()
        },
    )
    .await;
    let s3 = S3Server::start().await;
    s3.create_bucket("linli-photos").await;
    let proxy = CuttingProxy::start(s3.address).await;

    let config = || WebConfig {
        demo_mode: true,
        ..WebConfig::default()
    };
    let (one, other) = (
        app.start_instance_with(
            app.database.store().await,
            Arc::new(bucket_at(proxy.address, "linli-photos")),
            config(),
        )
        .await,
        app.start_instance_with(
            app.database.store().await,
            Arc::new(bucket_at(s3.address, "linli-photos")),
            config(),
        )
        .await,
    );
    let bao = app.token("bao").await;
    let reported = app
        .post(
            "/api/v1/work-orders",
            &bao,
            json!({ "category": "noise", "description": "楼道堆物，照片为证" }),
        )
        .await;
    let id = reported.expect(StatusCode::CREATED)["id"].as_i64().unwrap();

    // Uploaded through one instance, served by the other, byte for byte.
    let mark = proxy.allowed.load(Ordering::SeqCst);
    let (status, body) = upload_at(&app, one, &bao, id, 1).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let one_upload = proxy.used_since(mark);
    let stored = photo_ids(&app, one, &bao, id).await;
    assert_eq!(stored.len(), 1);
    assert_eq!(photo_ids(&app, other, &bao, id).await, stored);
    assert_eq!(
        photo_bytes(&app, one, &bao, id, stored[0]).await,
        photo_bytes(&app, other, &bao, id, stored[0]).await
    );
    let the_bucket = bucket_at(s3.address, "linli-photos");
    assert_eq!(
        the_bucket.keys().await.unwrap().len(),
        2,
        "a photo and its thumbnail"
    );

    // The object store goes away halfway through a three-photo upload.
    proxy
        .allowed
        .store(one_upload + one_upload / 2, Ordering::SeqCst);
    let (status, body) = upload_at(&app, one, &bao, id, 3).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["error"]["code"], "internal.unavailable", "{body}");
    assert!(proxy.cut.load(Ordering::SeqCst));
    assert_eq!(photo_ids(&app, one, &bao, id).await, stored, "no photo row");
    assert_eq!(photo_ids(&app, other, &bao, id).await, stored);
    // Whatever reached the bucket is whole: every object there is a JPEG to its end.
    for key in the_bucket.keys().await.unwrap() {
        let bytes = the_bucket.get(&key).await.unwrap().unwrap();
        assert!(
            bytes.starts_with(&[0xFF, 0xD8]) && bytes.ends_with(&[0xFF, 0xD9]),
            "{key} is whole"
        );
    }
    // Reading through the stopped store is a 503 too, not a missing photo.
    let answer = app
        .client
        .get(format!(
            "http://{one}/api/v1/work-orders/{id}/photos/{}",
            stored[0]
        ))
        .bearer_auth(&bao)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::SERVICE_UNAVAILABLE);

    // A backup of the bucket's instance restores into another, empty bucket.
    let archive = tempfile::tempdir().unwrap();
    let file = archive.path().join("bucket.backup");
    let manifest = linli::backup::write(&app.store, &app.database.url, &the_bucket, &file)
        .await
        .unwrap();
    s3.create_bucket("linli-restored").await;
    let restored_bucket = bucket_at(s3.address, "linli-restored");
    let target = TestDatabase::new(Engine::Postgres).await;
    let restored = linli::backup::restore(&target.url, &restored_bucket, &file)
        .await
        .unwrap();
    assert_eq!(restored, manifest);
    assert_eq!(
        restored_bucket.keys().await.unwrap(),
        the_bucket.keys().await.unwrap()
    );
    let refused = linli::backup::restore(&target.url, &restored_bucket, &file).await;
    assert!(refused.unwrap_err().to_string().contains("not empty"));
    target.drop_database().await;
    app.stop().await;
}
