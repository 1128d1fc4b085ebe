//! Start-up: open the store, migrate, optionally load the demo, and serve until told to
//! stop, finishing the requests in flight.

use crate::config::{LogFormat, Settings};
use crate::registry_file;
use chrono::Duration;
use linli_domain::clock::{Clock, SystemClock};
use linli_store::blobs::BlobStore;
use linli_store::{ConnectOptions, DatabaseUrl, Store};
use linli_web::{AppState, WebConfig};
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;

pub fn init_logging(settings: &Settings) {
    let filter = tracing_subscriber::EnvFilter::try_new(&settings.log)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    // A second initialisation (tests start several servers in one process) is harmless.
    let _ = match settings.log_format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
}

pub async fn open_store(settings: &Settings) -> anyhow::Result<Store> {
    let url = DatabaseUrl::parse(settings.database_url.as_deref(), &settings.data_dir)?;
    tracing::info!(database = %url.redacted(), "opening database");
    let options = ConnectOptions {
        max_connections: settings.database_max_connections,
        ..ConnectOptions::default()
    };
    let store = Store::connect(&url, &options).await?;
    store.migrate().await?;
    crate::holidays_file::seed_shipped(&store).await?;
    Ok(store)
}

pub async fn load_demo(
    store: &Store,
    clock: &dyn Clock,
    blobs: Arc<dyn BlobStore>,
) -> anyhow::Result<()> {
    let file = registry_file::parse(registry_file::DEMO_REGISTRY)?;
    let report = registry_file::import(store, &file, true, clock.now()).await?;
    let story_loaded = crate::demo_story::load(store, Arc::clone(&blobs), clock.now()).await?;
    let votes_loaded = crate::demo_votes::load(store, Arc::clone(&blobs), clock.now()).await?;
    let content_loaded = crate::demo_content::load(store, blobs, clock.now()).await?;
    tracing::info!(
        people_created = report.people_created,
        people_kept = report.people_kept,
        rooms_created = report.rooms_created,
        story_loaded,
        votes_loaded,
        content_loaded,
        "demo data loaded (城上城); sign in as admin, desk, duty, wuye, juwei, yewei, shuji, jiedao, bao, tang or li with password linli-demo"
    );
    Ok(())
}

pub fn web_config(settings: &Settings, demo_mode: bool) -> WebConfig {
    WebConfig {
        demo_mode,
        session_idle_timeout: Duration::days(settings.session_idle_days),
        trust_forwarded_for: settings.trust_forwarded_for,
        secure_cookies: settings.secure_cookies,
        mail: settings.mail.clone(),
        ..WebConfig::default()
    }
}

/// A server bound to its port, ready to run.
pub struct Server {
    listener: TcpListener,
    state: AppState,
}

impl Server {
    pub async fn bind(bind: SocketAddr, state: AppState) -> anyhow::Result<Self> {
        let listener = TcpListener::bind(bind)
            .await
            .map_err(|error| anyhow::anyhow!("cannot listen on {bind}: {error}"))?;
        Ok(Self { listener, state })
    }

    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves until `shutdown` completes, then lets requests in flight finish.
    pub async fn run(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let housekeeping = tokio::spawn(housekeeping(self.state.clone()));
        let notifying = tokio::spawn(notifications(self.state.clone()));
        let app = linli_web::router(self.state.clone());
        let served = axum::serve(
            self.listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown({
            let state = self.state.clone();
            async move {
                shutdown.await;
                state.begin_shutdown();
            }
        })
        .await;
        housekeeping.abort();
        notifying.abort();
        // Its lock went with the task's connection.
        self.state.set_leads_jobs(false);
        self.state.store.close().await;
        served.map_err(Into::into)
    }
}

/// Every minute: flag newly overdue work orders and close resolved ones nobody answered
/// in time. Every hour: remove expired sessions and old sign-in failures. Every day:
/// publish the chain heads and apply the retention periods. With several
/// instances on one PostgreSQL database, only the one holding the jobs lock runs them;
/// the others ask again every few seconds and take over when it is gone.
async fn housekeeping(state: AppState) {
    const ASK_EVERY: std::time::Duration = std::time::Duration::from_secs(5);
    const JOBS_EVERY: std::time::Duration = std::time::Duration::from_secs(60);
    let mut tick = tokio::time::interval(ASK_EVERY);
    let mut leadership = None;
    let mut last_run: Option<tokio::time::Instant> = None;
    let mut runs = 0u32;
    loop {
        tick.tick().await;
        if let Some(held) = leadership.as_mut()
            && !state.store.still_leading(held).await
        {
            tracing::warn!("lost the jobs lock; another instance may take over");
            leadership = None;
        }
        if leadership.is_none() {
            match state.store.try_lead().await {
                Ok(Some(held)) => {
                    tracing::info!("this instance runs the background jobs");
                    leadership = Some(held);
                }
                Ok(None) => {}
                Err(error) => tracing::warn!(%error, "cannot ask for the jobs lock"),
            }
        }
        state.set_leads_jobs(leadership.is_some());
        if leadership.is_none() || last_run.is_some_and(|at| at.elapsed() < JOBS_EVERY) {
            continue;
        }
        last_run = Some(tokio::time::Instant::now());
        match linli_app::work_orders::jobs::run_due_rules(&state).await {
            Ok(report) if report != linli_app::work_orders::jobs::DueRulesReport::default() => {
                tracing::info!(
                    newly_overdue = report.newly_overdue,
                    closed_by_rule = report.closed_by_rule,
                    "time limits checked"
                );
            }
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "checking time limits failed"),
        }
        // New rows of the timeline, the ledger, ballots and minutes into their
        // communities' hash chains (see `linli audit verify`).
        match state
            .store
            .seal_audit_chain(state.clock.now(), 10_000)
            .await
        {
            Ok(0) => {}
            Ok(sealed) => tracing::debug!(sealed, "audit chain sealed"),
            Err(error) => tracing::warn!(%error, "sealing the audit chain failed"),
        }
        // Tenants whose date has passed leave their rooms (see `linli_app::accounts`).
        match linli_app::accounts::members::end_tenancies(&state).await {
            Ok(0) => {}
            Ok(ended) => tracing::info!(ended, "tenancies ended"),
            Err(error) => tracing::warn!(?error, "ending tenancies failed"),
        }
        // Invitations whose text message did not go at once are tried again.
        match linli_app::accounts::members::text_invitations(&state).await {
            Ok(0) => {}
            Ok(sent) => tracing::info!(sent, "invitations texted"),
            Err(error) => tracing::warn!(?error, "texting invitations failed"),
        }
        state.count_due_rule_run();
        if runs.is_multiple_of(60) {
            let now = state.clock.now();
            match state
                .store
                .purge_expired(now, now - Duration::days(1))
                .await
            {
                Ok(removed) => {
                    tracing::debug!(removed, "expired sessions and sign-in failures removed")
                }
                Err(error) => tracing::warn!(%error, "housekeeping failed"),
            }
        }
        // Daily (and at start): the communities' retention periods (photos of closed
        // work orders, the visit log's personal fields), each run recorded.
        if runs.is_multiple_of(24 * 60) {
            // The day's chain heads, published on the public board.
            let day = state
                .clock
                .now()
                .with_timezone(&linli_domain::calendar::shanghai())
                .date_naive();
            match state
                .store
                .publish_audit_anchors(day, state.clock.now())
                .await
            {
                Ok(published) => tracing::info!(published, %day, "chain heads published"),
                Err(error) => tracing::warn!(%error, "publishing the chain heads failed"),
            }
            match linli_app::privacy::apply_retention(&state).await {
                Ok(done) => {
                    let (photos, visits) = done.iter().fold((0, 0), |(photos, visits), run| {
                        (photos + run.photos_deleted, visits + run.visits_anonymised)
                    });
                    tracing::info!(photos, visits, "retention periods applied");
                }
                Err(error) => tracing::warn!(%error, "applying retention periods failed"),
            }
        }
        runs = runs.wrapping_add(1);
    }
}

/// Rounds of fanning out one tick runs at most, back to back, before the deliveries due
/// are tried: a burst of reports is told within seconds, not at one round a second.
const FAN_OUT_ROUNDS_PER_TICK: usize = 50;

/// Every second, on the instance that runs background jobs: fan out new outbox messages
/// to inboxes and channels, then try the deliveries that are due.
async fn notifications(state: AppState) {
    use linli_app::notifications::fanout::ROUND;
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(1));
    loop {
        tick.tick().await;
        if !state.leads_jobs() {
            continue;
        }
        for _ in 0..FAN_OUT_ROUNDS_PER_TICK {
            match linli_app::notifications::fan_out_pending(&state).await {
                // A full round: more are waiting.
                Ok(fanned) if fanned == ROUND => {}
                Ok(_) => break,
                Err(error) => {
                    tracing::warn!(%error, "fanning out notifications failed");
                    break;
                }
            }
        }
        if let Err(error) = linli_app::notifications::deliver_due(&state).await {
            tracing::warn!(%error, "delivering notifications failed");
        }
    }
}

pub async fn shutdown_signal() {
    let interrupt = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::warn!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::warn!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}

/// `linli serve` and `linli demo`.
pub async fn serve(settings: &Settings, demo_mode: bool) -> anyhow::Result<()> {
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let store = open_store(settings).await?;
    let blobs: Arc<dyn BlobStore> = Arc::new(settings.open_blobs()?);
    if demo_mode {
        load_demo(&store, clock.as_ref(), Arc::clone(&blobs)).await?;
    }
    let state = AppState::new(store, clock, web_config(settings, demo_mode), blobs);
    let server = Server::bind(settings.bind, state).await?;
    tracing::info!(address = %server.local_addr()?, demo_mode, "Linli 邻里 is serving");
    server.run(shutdown_signal()).await
}
