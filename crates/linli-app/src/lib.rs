//! Linli's use cases: report a problem, act on a work order, read and list work orders as
//! the caller may see them, the jobs that run on the clock, the notification fan-out and
//! its deliveries, sessions. Every adapter — the JSON API, the pages, the background
//! jobs, a command-line report — calls these functions, so a rule holds on all of them
//! or on none. Knows nothing of HTTP: failures are one typed [`AppError`].

pub mod accounts;
pub mod board;
pub mod calendar;
pub mod caller;
pub mod categories;
pub mod content;
pub mod dispatch_modes;
pub mod error;
pub mod funds;
pub mod grids;
pub mod live;
pub mod meetings;
pub mod notifications;
pub mod open311;
pub mod partners;
pub mod people;
pub mod personal_data;
pub mod privacy;
pub mod projects;
pub mod registry;
pub mod reports;
pub mod roster;
pub mod screens;
pub mod search;
pub mod services;
pub mod sessions;
pub mod statistics;
pub mod visits;
pub mod volunteers;
pub mod votes;
pub mod work_orders;

pub use caller::Caller;
pub use error::{AppError, AppResult, FieldChecks, FieldProblem, Refusal};

use chrono::Duration;
use linli_domain::clock::Clock;
use linli_store::Store;
use linli_store::blobs::BlobStore;
use notifications::mail::{MailRelay, Mailer, SmtpMailer};
use notifications::sms::{LoggingSms, SmsProvider};
use std::sync::Arc;

/// Settings of the use cases, taken from the server's configuration.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Demo mode lets the published demo password sign in; never on a real deployment.
    pub demo_mode: bool,
    /// A session ends after this long without use.
    pub session_idle_timeout: Duration,
    /// Failed sign-ins counted over this window.
    pub throttle_window: Duration,
    /// Failures for one login from one address before that address must wait.
    pub free_failures_per_login_and_address: i64,
    /// The first wait after those; it doubles with each further failure.
    pub first_sign_in_wait: Duration,
    /// Failures from one address, whatever the login, before it waits out the window.
    pub max_failures_per_address: i64,
    /// The first wait before a failed delivery is tried again; it doubles each time.
    pub delivery_retry_base: std::time::Duration,
    /// The mail relay for email channels; without one, email channels are refused.
    pub mail: Option<MailRelay>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            demo_mode: false,
            session_idle_timeout: Duration::days(14),
            throttle_window: Duration::minutes(15),
            free_failures_per_login_and_address: 5,
            first_sign_in_wait: Duration::seconds(30),
            max_failures_per_address: 30,
            delivery_retry_base: std::time::Duration::from_secs(10),
            mail: None,
        }
    }
}

/// The words people read in notifications, in the deployment's language. The adapter
/// that owns the translation files provides them (`linli-web`).
pub trait Texts: Send + Sync {
    /// The text of `key` with its `{name}` placeholders filled.
    fn text(&self, key: &str, args: &[(&str, String)]) -> String;
}

/// Everything the use cases work with. Cheap to clone (shared parts).
#[derive(Clone)]
pub struct App {
    pub store: Store,
    pub clock: Arc<dyn Clock>,
    pub settings: Arc<Settings>,
    /// Where uploaded photos are kept.
    pub blobs: Arc<dyn BlobStore>,
    /// New work orders are written through this queue (group commit).
    pub creates: work_orders::batching::CreateQueue,
    /// Committed changes, for live pages and big screens (and the other instances).
    pub live: Arc<live::LiveHub>,
    /// For deliveries to channels.
    pub(crate) http: reqwest::Client,
    /// Where SMS deliveries go (the logging provider unless a deployment sets one).
    pub sms: Arc<dyn SmsProvider>,
    /// Where email deliveries go, when the deployment has a mail relay.
    pub mailer: Option<Arc<dyn Mailer>>,
    pub texts: Arc<dyn Texts>,
    /// Unmasked reads already logged by this instance (reader, work order, day), so a
    /// page read again does not write again.
    pub(crate) logged_reads:
        Arc<std::sync::Mutex<std::collections::HashSet<(i64, i64, chrono::NaiveDate)>>>,
    /// Figures read recently, used again while nothing they are read from changed.
    pub(crate) kept_figures: Arc<statistics::kept::KeptFigures>,
}

impl App {
    /// Also starts the writer task of new work orders and the listener of the other
    /// instances' changes: call it inside the runtime.
    pub fn new(
        store: Store,
        clock: Arc<dyn Clock>,
        settings: Settings,
        blobs: Arc<dyn BlobStore>,
        texts: Arc<dyn Texts>,
    ) -> Self {
        let creates = work_orders::batching::CreateQueue::start(store.clone());
        let live = live::LiveHub::start(store.clone());
        // The relay was checked when the configuration was read; one that still fails
        // here leaves email channels refused rather than the server down.
        let mailer = settings.mail.as_ref().and_then(|relay| {
            match SmtpMailer::new(relay, notifications::deliveries::SEND_TIMEOUT) {
                Ok(mailer) => Some(Arc::new(mailer) as Arc<dyn Mailer>),
                Err(error) => {
                    tracing::error!(%error, "the mail relay is unusable: email channels are off");
                    None
                }
            }
        });
        Self {
            store,
            clock,
            settings: Arc::new(settings),
            blobs,
            creates,
            live,
            http: reqwest::Client::builder()
                .user_agent(concat!("Linli/", env!("CARGO_PKG_VERSION")))
                .build()
                .unwrap_or_default(),
            sms: Arc::new(LoggingSms::default()),
            mailer,
            texts,
            logged_reads: Arc::default(),
            kept_figures: Arc::default(),
        }
    }

    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }
}
