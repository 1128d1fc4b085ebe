use crate::metrics::Metrics;
use crate::screen::ScreenFeeds;
use chrono::Duration;
use linli_app::App;
use linli_domain::clock::Clock;
use linli_store::Store;
use linli_store::blobs::BlobStore;
use std::sync::Arc;

/// Settings of the server, taken from its configuration: those of the use cases and
/// those of the HTTP layer.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Demo mode lets the published demo password sign in; never on a real deployment.
    pub demo_mode: bool,
    /// A session ends after this long without use.
    pub session_idle_timeout: Duration,
    /// Take the client's address from `X-Forwarded-For` (only behind a trusted proxy).
    pub trust_forwarded_for: bool,
    /// Failed sign-ins counted over this window.
    pub throttle_window: Duration,
    /// Failures for one login from one address before that address must wait.
    pub free_failures_per_login_and_address: i64,
    /// The first wait after those; it doubles with each further failure.
    pub first_sign_in_wait: Duration,
    pub max_failures_per_address: i64,
    /// Mark the pages' cookies `Secure` (served over HTTPS, directly or behind a proxy).
    pub secure_cookies: bool,
    /// The first wait before a failed delivery is tried again; it doubles each time.
    pub delivery_retry_base: std::time::Duration,
    /// The mail relay for email channels; without one, email channels are refused.
    pub mail: Option<crate::mail::MailRelay>,
}

impl Default for WebConfig {
    fn default() -> Self {
        let app = linli_app::Settings::default();
        Self {
            demo_mode: app.demo_mode,
            session_idle_timeout: app.session_idle_timeout,
            trust_forwarded_for: false,
            throttle_window: app.throttle_window,
            free_failures_per_login_and_address: app.free_failures_per_login_and_address,
            first_sign_in_wait: app.first_sign_in_wait,
            max_failures_per_address: app.max_failures_per_address,
            secure_cookies: false,
            delivery_retry_base: app.delivery_retry_base,
            mail: app.mail,
        }
    }
}

impl WebConfig {
    fn app_settings(&self) -> linli_app::Settings {
        linli_app::Settings {
            demo_mode: self.demo_mode,
            session_idle_timeout: self.session_idle_timeout,
            throttle_window: self.throttle_window,
            free_failures_per_login_and_address: self.free_failures_per_login_and_address,
            first_sign_in_wait: self.first_sign_in_wait,
            max_failures_per_address: self.max_failures_per_address,
            delivery_retry_base: self.delivery_retry_base,
            mail: self.mail.clone(),
        }
    }
}

/// The texts of notifications come from this crate's translation files.
struct Translations;

impl linli_app::Texts for Translations {
    fn text(&self, key: &str, args: &[(&str, String)]) -> String {
        crate::locale::text(key, args)
    }
}

/// What every handler gets: the use cases ([`App`], which it dereferences to) and what
/// only the HTTP layer needs.
#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub config: Arc<WebConfig>,
    /// The key CSRF tokens are derived with, read from the database once.
    csrf_key: Arc<tokio::sync::OnceCell<Vec<u8>>>,
    pub(crate) metrics: Arc<Metrics>,
    pub(crate) screens: Arc<ScreenFeeds>,
    /// Whether this instance is the one running background jobs.
    jobs_leader: Arc<std::sync::atomic::AtomicBool>,
    /// How many times this instance has checked the time limits (a test waits for the
    /// first check after start-up, so that its own runs are the only ones it sees).
    due_rule_runs: Arc<std::sync::atomic::AtomicU64>,
    /// Set when the server stops, so that endless streams end and let it.
    stopping: Arc<tokio::sync::watch::Sender<bool>>,
}

impl std::ops::Deref for AppState {
    type Target = App;

    fn deref(&self) -> &App {
        &self.app
    }
}

impl AppState {
    /// Also starts the writer task of new work orders and the listener of the other
    /// instances' changes: call it inside the runtime.
    pub fn new(
        store: Store,
        clock: Arc<dyn Clock>,
        config: WebConfig,
        blobs: Arc<dyn BlobStore>,
    ) -> Self {
        let app = App::new(
            store,
            clock,
            config.app_settings(),
            blobs,
            Arc::new(Translations),
        );
        Self {
            app,
            config: Arc::new(config),
            csrf_key: Arc::default(),
            metrics: Arc::new(Metrics::new()),
            screens: Arc::new(ScreenFeeds::default()),
            jobs_leader: Arc::default(),
            due_rule_runs: Arc::default(),
            stopping: Arc::new(tokio::sync::watch::channel(false).0),
        }
    }

    /// The key the pages' CSRF tokens are derived with: shared by every instance
    /// through the database, made by the first that needs it.
    pub(crate) async fn csrf_key(&self) -> Result<&[u8], linli_store::StoreError> {
        self.csrf_key
            .get_or_try_init(|| async {
                let fresh = linli_store::passwords::new_session_token()?;
                let key = self
                    .store
                    .server_key("csrf", &fresh, self.clock.now())
                    .await?;
                Ok(key.into_bytes())
            })
            .await
            .map(Vec::as_slice)
    }

    /// Ends every live stream: the server is stopping.
    pub fn begin_shutdown(&self) {
        self.stopping.send_replace(true);
    }

    /// Completes when the server begins to stop.
    pub(crate) fn stopped(&self) -> impl std::future::Future<Output = ()> + Send + use<> {
        let mut stopping = self.stopping.subscribe();
        async move {
            let _ = stopping.wait_for(|stopping| *stopping).await;
        }
    }

    pub fn leads_jobs(&self) -> bool {
        self.jobs_leader.load(std::sync::atomic::Ordering::Relaxed)
    }

    pub fn set_leads_jobs(&self, leads: bool) {
        self.jobs_leader
            .store(leads, std::sync::atomic::Ordering::Relaxed);
    }

    pub fn due_rule_runs(&self) -> u64 {
        self.due_rule_runs
            .load(std::sync::atomic::Ordering::Acquire)
    }

    pub fn count_due_rule_run(&self) {
        self.due_rule_runs
            .fetch_add(1, std::sync::atomic::Ordering::Release);
    }
}
