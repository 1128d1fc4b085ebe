use crate::live::LiveHub;
use crate::metrics::Metrics;
use crate::screen::ScreenFeeds;
use crate::work_orders::batching::CreateQueue;
use chrono::Duration;
use linli_domain::clock::Clock;
use linli_store::Store;
use linli_store::blobs::BlobStore;
use std::sync::Arc;

/// Settings of the HTTP layer, taken from the server's configuration.
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
    pub max_failures_per_login: i64,
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
        Self {
            demo_mode: false,
            session_idle_timeout: Duration::days(14),
            trust_forwarded_for: false,
            throttle_window: Duration::minutes(15),
            max_failures_per_login: 5,
            max_failures_per_address: 30,
            secure_cookies: false,
            delivery_retry_base: std::time::Duration::from_secs(10),
            mail: None,
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub clock: Arc<dyn Clock>,
    pub config: Arc<WebConfig>,
    /// Where uploaded photos are kept.
    pub blobs: Arc<dyn BlobStore>,
    /// New work orders are written through this queue (group commit).
    pub(crate) creates: CreateQueue,
    pub(crate) metrics: Arc<Metrics>,
    /// Committed changes, for live pages and big screens (and the other instances).
    pub live: Arc<LiveHub>,
    pub(crate) screens: Arc<ScreenFeeds>,
    /// For deliveries to channels.
    pub(crate) http: reqwest::Client,
    /// Where SMS deliveries go (the logging provider unless a deployment sets one).
    pub sms: Arc<dyn crate::notify::SmsProvider>,
    /// Where email deliveries go, when the deployment has a mail relay.
    pub mailer: Option<Arc<dyn crate::mail::Mailer>>,
    /// Whether this instance is the one running background jobs.
    jobs_leader: Arc<std::sync::atomic::AtomicBool>,
    /// Set when the server stops, so that endless streams end and let it.
    stopping: Arc<tokio::sync::watch::Sender<bool>>,
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
        let creates = CreateQueue::start(store.clone());
        let live = LiveHub::start(store.clone());
        // The relay was checked when the configuration was read; one that still fails
        // here leaves email channels refused rather than the server down.
        let mailer = config.mail.as_ref().and_then(|relay| {
            match crate::mail::SmtpMailer::new(relay, crate::notify::SEND_TIMEOUT) {
                Ok(mailer) => Some(Arc::new(mailer) as Arc<dyn crate::mail::Mailer>),
                Err(error) => {
                    tracing::error!(%error, "the mail relay is unusable: email channels are off");
                    None
                }
            }
        });
        Self {
            store,
            clock,
            config: Arc::new(config),
            blobs,
            creates,
            metrics: Arc::new(Metrics::new()),
            live,
            screens: Arc::new(ScreenFeeds::default()),
            http: reqwest::Client::builder()
                .user_agent(concat!("Linli/", env!("CARGO_PKG_VERSION")))
                .build()
                .unwrap_or_default(),
            sms: Arc::new(crate::notify::LoggingSms),
            mailer,
            jobs_leader: Arc::default(),
            stopping: Arc::new(tokio::sync::watch::channel(false).0),
        }
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
}
