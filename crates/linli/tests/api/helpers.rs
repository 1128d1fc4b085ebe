use chrono::{TimeZone, Utc};
use linli::registry_file;
use linli_domain::clock::{Clock, ManualClock};
use linli_store::blobs::{BlobStore, Blobs};
use linli_store::{ConnectOptions, DatabaseUrl, Store};
use linli_web::{AppState, WebConfig};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sqlx::Connection;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::sync::oneshot;

pub const DEMO_PASSWORD: &str = "linli-demo";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// Runs each test body once per engine: `name::sqlite` and `name::postgres`.
macro_rules! both_engines {
    ($(async fn $name:ident($app:ident: &TestApp) $body:block)*) => {$(
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            async fn run($app: &crate::helpers::TestApp) $body

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                crate::helpers::TestApp::run_test(crate::helpers::Engine::Sqlite, |app| Box::pin(run(app))).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            #[ignore = "needs PostgreSQL: run scripts/test.sh, or cargo nextest run --run-ignored all"]
            async fn postgres() {
                crate::helpers::TestApp::run_test(crate::helpers::Engine::Postgres, |app| Box::pin(run(app))).await;
            }
        }
    )*};
}

/// The PostgreSQL server tests create their databases in.
pub fn postgres_admin_url() -> String {
    std::env::var("LINLI_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// A fresh, empty database of the engine; dropped by [`TestDatabase::drop_database`].
pub struct TestDatabase {
    pub url: DatabaseUrl,
    /// Blob storage in the test's own temporary directory.
    pub blobs: Arc<Blobs>,
    postgres_name: Option<String>,
    _dir: tempfile::TempDir,
}

impl TestDatabase {
    pub async fn new(engine: Engine) -> Self {
        let dir = tempfile::Builder::new()
            .prefix("linli-test-")
            .tempdir()
            .expect("temporary directory");
        match engine {
            Engine::Sqlite => Self {
                blobs: Arc::new(Blobs::local(dir.path().join("files")).unwrap()),
                url: DatabaseUrl::Sqlite(dir.path().join("linli.db")),
                postgres_name: None,
                _dir: dir,
            },
            Engine::Postgres => {
                let name = format!(
                    "linli_test_{}",
                    linli_store::passwords::new_session_token().unwrap()[..16].to_owned()
                );
                let admin_url = postgres_admin_url();
                let mut admin = sqlx::PgConnection::connect(&admin_url)
                    .await
                    .unwrap_or_else(|error| {
                        panic!("PostgreSQL at {admin_url} is needed for this test: {error}")
                    });
                sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                    .execute(&mut admin)
                    .await
                    .unwrap();
                admin.close().await.unwrap();
                let (base, _) = admin_url
                    .rsplit_once('/')
                    .expect("database URL with a path");
                Self {
                    blobs: Arc::new(Blobs::local(dir.path().join("files")).unwrap()),
                    url: DatabaseUrl::Postgres(format!("{base}/{name}")),
                    postgres_name: Some(name),
                    _dir: dir,
                }
            }
        }
    }

    pub async fn store(&self) -> Store {
        let store = Store::connect(
            &self.url,
            &ConnectOptions {
                max_connections: 4,
                ..ConnectOptions::default()
            },
        )
        .await
        .expect("connect to the test database");
        store.migrate().await.expect("migrate");
        store
    }

    pub async fn drop_database(&self) {
        if let Some(name) = &self.postgres_name {
            let mut admin = sqlx::PgConnection::connect(&postgres_admin_url())
                .await
                .unwrap();
            sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
            )))
            .execute(&mut admin)
            .await
            .unwrap();
        }
    }
}

/// One running server over its own database, loaded with the 城上城 demo registry.
pub struct TestApp {
    pub address: SocketAddr,
    pub client: reqwest::Client,
    pub clock: ManualClock,
    pub store: Store,
    pub database: TestDatabase,
    state: Option<AppState>,
    shutdowns: std::sync::Mutex<Vec<Instance>>,
}

/// A running server: its state, and how to stop it.
struct Instance {
    state: AppState,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

pub struct Response {
    pub status: StatusCode,
    pub body: Value,
    pub headers: reqwest::header::HeaderMap,
}

impl Response {
    /// The stable error code of an error answer.
    pub fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or_default()
    }

    #[track_caller]
    pub fn expect(&self, status: StatusCode) -> &Value {
        assert_eq!(self.status, status, "unexpected answer: {}", self.body);
        &self.body
    }

    #[track_caller]
    pub fn expect_error(&self, status: StatusCode, code: &str) {
        assert_eq!(
            (self.status, self.code()),
            (status, code),
            "unexpected answer: {}",
            self.body
        );
        assert!(
            !self.body["error"]["message"]
                .as_str()
                .unwrap_or_default()
                .is_empty(),
            "error without message"
        );
    }
}

impl TestApp {
    pub async fn run_test<F>(engine: Engine, test: F)
    where
        F: for<'a> FnOnce(
            &'a TestApp,
        ) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + 'a>>,
    {
        let app = Self::spawn(
            engine,
            WebConfig {
                demo_mode: true,
                ..WebConfig::default()
            },
        )
        .await;
        test(&app).await;
        app.stop().await;
    }

    pub async fn spawn(engine: Engine, config: WebConfig) -> Self {
        let database = TestDatabase::new(engine).await;
        let store = database.store().await;
        linli::holidays_file::seed_shipped(&store)
            .await
            .expect("load the holiday calendar");
        let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 10, 27, 1, 30, 0).unwrap());
        let demo = registry_file::parse(registry_file::DEMO_REGISTRY).unwrap();
        registry_file::import(&store, &demo, true, clock.now())
            .await
            .expect("load the demo registry");
        let app = Self {
            address: SocketAddr::from(([127, 0, 0, 1], 0)),
            client: reqwest::Client::new(),
            clock,
            store,
            database,
            state: None,
            shutdowns: std::sync::Mutex::new(Vec::new()),
        };
        let state = AppState::new(
            app.store.clone(),
            Arc::new(app.clock.clone()),
            config.clone(),
            app.database.blobs.clone(),
        );
        let address = app.start_instance(config).await;
        // The server checks the time limits as soon as it starts: wait for that check,
        // so that a test which loads work orders and runs the rules itself sees only
        // its own runs (the next background check is a minute away).
        let waiting = std::time::Instant::now();
        while app.instances()[0].due_rule_runs() == 0 {
            assert!(
                waiting.elapsed() < std::time::Duration::from_secs(10),
                "the server checks the time limits when it starts"
            );
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        Self {
            address,
            state: Some(state),
            ..app
        }
    }

    /// The demo's accounts with the whole story told, as on 25 November 2026 at 10:00.
    pub async fn told_story(engine: Engine) -> Self {
        use chrono::TimeZone;
        let app = Self::spawn(
            engine,
            WebConfig {
                demo_mode: true,
                ..WebConfig::default()
            },
        )
        .await;
        let today = chrono::FixedOffset::east_opt(8 * 3600)
            .unwrap()
            .with_ymd_and_hms(2026, 11, 25, 10, 0, 0)
            .unwrap()
            .with_timezone(&chrono::Utc);
        assert!(
            linli::demo_story::load(&app.store, app.database.blobs.clone(), today)
                .await
                .unwrap()
        );
        app.clock.set(today);
        app
    }

    /// Starts another server over the same database (another instance behind the same
    /// load balancer) and returns its address.
    pub async fn start_instance(&self, config: WebConfig) -> SocketAddr {
        self.start_instance_over(self.store.clone(), config).await
    }

    /// Starts another server with its own connections to the same database, as another
    /// process would.
    pub async fn start_instance_over(&self, store: Store, config: WebConfig) -> SocketAddr {
        self.start_instance_with(store, self.database.blobs.clone(), config)
            .await
    }

    /// Starts a server over another database and files directory (a restored copy), on
    /// this test's clock.
    pub async fn start_instance_with(
        &self,
        store: Store,
        blobs: Arc<dyn BlobStore>,
        config: WebConfig,
    ) -> SocketAddr {
        let listening = store.clone();
        let state = AppState::new(store, Arc::new(self.clock.clone()), config, blobs);
        let kept = state.clone();
        let server = linli::server::Server::bind(SocketAddr::from(([127, 0, 0, 1], 0)), state)
            .await
            .unwrap();
        let address = server.local_addr().unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            server
                .run(async {
                    let _ = stopped.await;
                })
                .await
                .unwrap();
        });
        self.shutdowns.lock().unwrap().push(Instance {
            state: kept,
            stop: Some(stop),
            task: Some(task),
        });
        // On PostgreSQL an instance keeps a copy of its callers only once its listener
        // is connected: wait for it, so that every test goes through that copy.
        let waiting = std::time::Instant::now();
        while !listening.hears_every_change() {
            assert!(
                waiting.elapsed() < std::time::Duration::from_secs(5),
                "the instance listens"
            );
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        address
    }

    /// The state of each running server, in the order they started.
    pub fn instances(&self) -> Vec<AppState> {
        self.shutdowns
            .lock()
            .unwrap()
            .iter()
            .map(|instance| instance.state.clone())
            .collect()
    }

    /// Stops one server (as if its process ended), leaving the others running.
    pub async fn stop_instance(&self, index: usize) {
        let (stop, task) = {
            let mut instances = self.shutdowns.lock().unwrap();
            (instances[index].stop.take(), instances[index].task.take())
        };
        if let Some(stop) = stop {
            let _ = stop.send(());
        }
        if let Some(task) = task {
            let _ = task.await;
        }
    }

    pub async fn stop(self) {
        let shutdowns: Vec<_> = std::mem::take(&mut *self.shutdowns.lock().unwrap());
        for instance in shutdowns {
            if let Some(stop) = instance.stop {
                let _ = stop.send(());
            }
            if let Some(task) = instance.task {
                let _ = task.await;
            }
        }
        self.store.close().await;
        self.database.drop_database().await;
    }

    /// The application state of this server, for running its background rules directly.
    pub fn state(&self) -> &AppState {
        self.state.as_ref().expect("started")
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    pub async fn request(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Response {
        self.request_at(self.address, method, path, token, body)
            .await
    }

    pub async fn request_at(
        &self,
        address: SocketAddr,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Response {
        let mut request = self
            .client
            .request(method, format!("http://{address}{path}"));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("server answers");
        let status = response.status();
        let headers = response.headers().clone();
        let text = response.text().await.unwrap();
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        Response {
            status,
            body,
            headers,
        }
    }

    pub async fn get(&self, path: &str, token: &str) -> Response {
        self.request(Method::GET, path, Some(token), None).await
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> Response {
        self.request(Method::POST, path, Some(token), Some(body))
            .await
    }

    pub async fn sign_in(&self, login: &str, password: &str) -> Response {
        self.request(
            Method::POST,
            "/api/v1/sessions",
            None,
            Some(json!({ "login": login, "password": password })),
        )
        .await
    }

    /// Signs a demo account in and returns its bearer token.
    pub async fn token(&self, login: &str) -> String {
        let response = self.sign_in(login, DEMO_PASSWORD).await;
        response.expect(StatusCode::CREATED)["token"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// The id of a demo person by login.
    pub async fn person_id(&self, login: &str) -> i64 {
        self.store
            .person_by_login(&linli_domain::registry::Login::parse(login).unwrap())
            .await
            .unwrap()
            .unwrap()
            .id
    }

    /// The id of a demo community by name.
    pub async fn community_id(&self, name: &str) -> i64 {
        let communities = self.store.communities(None).await.unwrap();
        communities
            .iter()
            .find(|community| community.name == name)
            .map(|community| community.id)
            .unwrap()
    }

    pub async fn chengshangcheng(&self) -> i64 {
        self.community_id("城上城居民区").await
    }

    pub async fn zhixin(&self) -> i64 {
        self.community_id("芷新居民区").await
    }
}

/// Whether `text` names the room `number` in any of the ways Linli or a resident writes
/// a room: "7号楼1单元302", "7-1-302", "302室", "302住户", or a JSON string "302".
/// The bare digits are not enough: a record id such as `/projects/1302` or `"id":302`
/// contains them too, and on a busy database ids reach any number.
pub fn names_room(text: &str, number: &str) -> bool {
    [
        format!("单元{number}"),
        format!("-{number}"),
        format!("{number}室"),
        format!("{number}住户"),
        format!("\"{number}\""),
    ]
    .iter()
    .any(|form| text.contains(form.as_str()))
}
