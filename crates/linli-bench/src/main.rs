//! `cargo run --release -p linli-bench -- --database URL --work-orders 1000000`
//!
//! Loads a history of work orders into a fresh database (SQLite file or PostgreSQL),
//! starts the real server on a loopback port, and measures through HTTP: creates per
//! second, and p50/p99 latency of a filtered list page, of a detail page and of the
//! statistics call, then of the pages people open (queues, a work order, statistics, a
//! resident's home), signed in by cookie as a browser is. Bounded in requests and time;
//! talks to 127.0.0.1 only.

use anyhow::Context;
use chrono::{Duration, Utc};
use clap::Parser;
use linli_bench::{ProcessUsage, percentile};
use linli_domain::clock::{Clock, SystemClock};
use linli_domain::ids::CommunityId;
use linli_domain::registry::Login;
use linli_domain::work_orders::Status;
use linli_store::blobs::Blobs;
use linli_store::bulk::BulkWorkOrder;
use linli_store::{ConnectOptions, DatabaseUrl, Store};
use linli_web::{AppState, WebConfig};
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration as StdDuration, Instant};

#[derive(Debug, Parser)]
struct Args {
    /// `sqlite:PATH` or `postgres://…` of an empty database (it is filled), or of one a
    /// previous run filled (its history is reused).
    #[arg(long)]
    database: String,
    #[arg(long, default_value_t = 1_000_000)]
    work_orders: usize,
    /// Concurrent clients; a list (`1,16,64`) measures every phase at each.
    #[arg(long, value_delimiter = ',', default_value = "16")]
    clients: Vec<usize>,
    /// Seconds spent creating work orders.
    #[arg(long, default_value_t = 10)]
    create_seconds: u64,
    /// Database connections the server opens (its `--database-max-connections`).
    #[arg(long, default_value_t = 10)]
    connections: u32,
    /// Requests measured per read endpoint.
    #[arg(long, default_value_t = 2000)]
    requests: usize,
}

/// What the history's reports are about (a fifth of them each).
const MATTERS: [&str; 5] = [
    "楼道里有杂物堆放",
    "流浪猫在车库里",
    "路灯晚上不亮",
    "楼上高空抛物",
    "夜里噪音扰民",
];

struct Dice(u64);

impl Dice {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

async fn token(
    client: &reqwest::Client,
    address: SocketAddr,
    login: &str,
) -> anyhow::Result<String> {
    let response: Value = client
        .post(format!("http://{address}/api/v1/sessions"))
        .json(&json!({ "login": login, "password": "linli-demo" }))
        .send()
        .await?
        .json()
        .await?;
    response["token"]
        .as_str()
        .map(str::to_owned)
        .context("sign-in failed")
}

/// Runs `requests` GETs over `clients` workers; returns sorted latencies. Paths under
/// `/api/` send the token as a bearer token, pages send it in the session cookie.
async fn measure(
    client: &reqwest::Client,
    token: &str,
    clients: usize,
    requests: usize,
    path: impl Fn(usize) -> String + Send + Sync + 'static,
) -> anyhow::Result<Vec<StdDuration>> {
    let path = Arc::new(path);
    let per_client = requests.div_ceil(clients);
    let mut workers = Vec::new();
    for worker in 0..clients {
        let (client, token, path) = (client.clone(), token.to_owned(), Arc::clone(&path));
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(per_client);
            for index in 0..per_client {
                let url = path(worker * per_client + index);
                let started = Instant::now();
                let request = if url.contains("/api/") {
                    client.get(&url).bearer_auth(&token)
                } else {
                    client
                        .get(&url)
                        .header(reqwest::header::COOKIE, format!("linli_session={token}"))
                };
                let response = request.send().await?;
                let status = response.status();
                response.bytes().await?;
                anyhow::ensure!(status.is_success(), "{url}: {status}");
                latencies.push(started.elapsed());
            }
            Ok::<_, anyhow::Error>(latencies)
        }));
    }
    let mut all = Vec::with_capacity(requests);
    for worker in workers {
        all.extend(worker.await??);
    }
    all.sort();
    Ok(all)
}

fn report(name: &str, latencies: &[StdDuration]) {
    println!(
        "{name:<34} n={:<6} p50={:>7.2} ms  p99={:>7.2} ms",
        latencies.len(),
        percentile(latencies, 0.50),
        percentile(latencies, 0.99)
    );
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let data_dir = std::env::temp_dir().join(format!("linli-bench-{}", std::process::id()));
    let url = DatabaseUrl::parse(Some(&args.database), &data_dir)?;
    let store = Store::connect(
        &url,
        &ConnectOptions {
            max_connections: args.connections,
            ..ConnectOptions::default()
        },
    )
    .await?;
    store.migrate().await?;
    linli::holidays_file::seed_shipped(&store).await?;
    let registry = linli::registry_file::parse(linli::registry_file::DEMO_REGISTRY)?;
    linli::registry_file::import(&store, &registry, true, SystemClock.now()).await?;
    let community = store
        .communities(None)
        .await?
        .into_iter()
        .next()
        .context("no community")?;
    let community_id = CommunityId(community.id);
    let categories = store.categories(community_id).await?;
    let buildings = store.buildings(community_id).await?;
    let organisations = store.organisations(community_id).await?;
    let bao = store
        .person_by_login(&Login::parse("bao")?)
        .await?
        .context("bao")?
        .id;
    // A neighbour who reported ten of the million, as most residents report a few: the
    // home page of such a resident must not walk the community's history to find them.
    let tang = store
        .person_by_login(&Login::parse("tang")?)
        .await?
        .context("tang")?
        .id;
    let desk = store
        .person_by_login(&Login::parse("desk")?)
        .await?
        .context("desk")?
        .id;

    // The history: two years, mostly closed, some open and some overdue.
    let started = Instant::now();
    let reused = store.work_order_total().await?;
    if reused > 0 {
        eprintln!("reusing the {reused} work orders already in the database");
    }
    let mut dice = Dice(0x1127_2026);
    let now = Utc::now();
    let statuses = [
        Status::Closed,
        Status::Closed,
        Status::Closed,
        Status::Closed,
        Status::Closed,
        Status::Closed,
        Status::Resolved,
        Status::InProgress,
        Status::Dispatched,
        Status::Submitted,
        Status::Cancelled,
        Status::OnHold,
    ];
    let mut loaded = reused;
    while loaded < args.work_orders {
        let batch: Vec<BulkWorkOrder> = (0..50_000.min(args.work_orders - loaded))
            .map(|index| {
                let created_at = now
                    - Duration::minutes(
                        i64::try_from(dice.below(2 * 365 * 24 * 60)).unwrap_or_default(),
                    );
                // Work gets done: what is older than a month is closed or cancelled; the
                // last month has every status.
                let recent = now - created_at < Duration::days(30);
                let status = if recent {
                    statuses[usize::try_from(dice.below(statuses.len() as u64)).unwrap_or_default()]
                } else if dice.below(10) == 0 {
                    Status::Cancelled
                } else {
                    Status::Closed
                };
                let category = &categories
                    [usize::try_from(dice.below(categories.len() as u64)).unwrap_or_default()];
                let building = &buildings
                    [usize::try_from(dice.below(buildings.len() as u64)).unwrap_or_default()];
                let lead = (status != Status::Submitted)
                    .then(|| organisations[usize::try_from(dice.below(4)).unwrap_or_default()].id);
                BulkWorkOrder {
                    category_id: category.id,
                    building_id: building.id,
                    reporter_id: if (loaded + index) % 100_000 == 50_000 {
                        tang
                    } else {
                        bao
                    },
                    lead_organisation_id: lead,
                    status,
                    description: format!(
                        "{}：{}号问题，{}",
                        building.name,
                        dice.below(100_000),
                        MATTERS
                            [usize::try_from(dice.below(MATTERS.len() as u64)).unwrap_or_default()]
                    ),
                    created_at,
                    resolve_deadline: lead.map(|_| created_at + Duration::days(9)),
                    rating: (status == Status::Closed)
                        .then(|| i64::try_from(dice.below(5) + 1).unwrap_or(5)),
                }
            })
            .collect();
        loaded += store.load_bulk_history(community.id, desk, &batch).await?;
        eprintln!(
            "loaded {loaded} work orders ({:.0} s)",
            started.elapsed().as_secs_f64()
        );
    }
    store.analyze().await?;
    // SQLite connections read the planner's statistics when they open: start afresh.
    store.close().await;
    let store = Store::connect(
        &url,
        &ConnectOptions {
            max_connections: args.connections,
            ..ConnectOptions::default()
        },
    )
    .await?;
    println!(
        "engine: {}; history: {} work orders ({} loaded, {} reused), ready in {:.1} s",
        store.engine().as_str(),
        loaded,
        loaded - reused,
        reused,
        started.elapsed().as_secs_f64()
    );

    let state = AppState::new(
        store.clone(),
        Arc::new(SystemClock),
        WebConfig {
            demo_mode: true,
            ..WebConfig::default()
        },
        Arc::new(Blobs::local(data_dir.join("files"))?),
    );
    let server = linli::server::Server::bind(SocketAddr::from(([127, 0, 0, 1], 0)), state).await?;
    let address = server.local_addr()?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = tokio::spawn(server.run(async {
        let _ = stopped.await;
    }));
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(args.clients.iter().copied().max().unwrap_or(1))
        .build()?;
    let tokens = Tokens {
        resident: token(&client, address, "bao").await?,
        neighbour: token(&client, address, "tang").await?,
        supervisor: token(&client, address, "shuji").await?,
        duty: token(&client, address, "duty").await?,
        handler: token(&client, address, "wuye").await?,
    };
    let mut total = loaded;
    let watch_postgres = store.engine() == linli_store::Engine::Postgres
        && linli_bench::local_postgres_cpu().is_some();
    for &clients in &args.clients {
        println!("--- {clients} concurrent clients");
        total += run_phases(
            &store,
            &client,
            address,
            &tokens,
            &Setup {
                clients,
                create_seconds: args.create_seconds,
                requests: args.requests,
                community: community.id,
                category_ids: categories.iter().map(|category| category.id).collect(),
                total,
                watch_postgres,
            },
        )
        .await?;
    }

    let _ = stop.send(());
    serving.await??;
    Ok(())
}

struct Tokens {
    resident: String,
    neighbour: String,
    supervisor: String,
    duty: String,
    handler: String,
}

struct Setup {
    clients: usize,
    create_seconds: u64,
    requests: usize,
    community: i64,
    category_ids: Vec<i64>,
    /// Work orders in the database when the phases start.
    total: usize,
    /// Whether to report the CPU of this machine's PostgreSQL processes per create.
    watch_postgres: bool,
}

/// Creates for `create_seconds`, then the reads and the pages, all with `clients`
/// concurrent clients; returns how many work orders were created.
async fn run_phases(
    store: &Store,
    client: &reqwest::Client,
    address: SocketAddr,
    tokens: &Tokens,
    setup: &Setup,
) -> anyhow::Result<usize> {
    let Setup {
        clients,
        create_seconds,
        requests,
        community,
        ..
    } = *setup;
    let (resident, supervisor) = (&tokens.resident, &tokens.supervisor);

    // Creates: every client reports work orders for `create_seconds`.
    let usage_before = ProcessUsage::now();
    let postgres_before = linli_bench::local_postgres_cpu();
    let deadline = Instant::now() + StdDuration::from_secs(create_seconds);
    let mut workers = Vec::new();
    for _ in 0..clients {
        let (client, resident) = (client.clone(), resident.clone());
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            while Instant::now() < deadline {
                let started = Instant::now();
                let response = client
                    .post(format!("http://{address}/api/v1/work-orders"))
                    .bearer_auth(&resident)
                    .json(&json!({ "category": "noise", "description": "楼上装修噪音，影响休息" }))
                    .send()
                    .await?;
                anyhow::ensure!(
                    response.status().is_success(),
                    "create failed: {}",
                    response.status()
                );
                response.bytes().await?;
                latencies.push(started.elapsed());
            }
            Ok::<_, anyhow::Error>(latencies)
        }));
    }
    let mut creates = Vec::new();
    for worker in workers {
        creates.extend(worker.await??);
    }
    creates.sort();
    #[allow(clippy::cast_precision_loss)]
    let rate = creates.len() as f64 / create_seconds as f64;
    println!(
        "{:<34} {rate:.0}/s over {create_seconds} s with {clients} clients",
        "create (POST /work-orders)"
    );
    report("create latency", &creates);
    // Client, server and (for SQLite) database together, as they share the machine.
    let (cpu, switches) = ProcessUsage::now().per_unit_since(usage_before, creates.len());
    println!(
        "{:<34} {cpu:.2} ms CPU, {switches:.1} context switches (whole process, incl. client)",
        "create cost per request"
    );
    if let (true, Some(before), Some(after)) = (
        setup.watch_postgres,
        postgres_before,
        linli_bench::local_postgres_cpu(),
    ) {
        #[allow(clippy::cast_precision_loss)]
        let cpu = after.saturating_sub(before).as_secs_f64() * 1000.0 / creates.len().max(1) as f64;
        println!(
            "{:<34} {cpu:.2} ms CPU (every PostgreSQL process on this machine)",
            "create cost in the database"
        );
    }

    // The burst's notifications are fanned out in the background (every create tells
    // the duty officers). The reads are measured after it, each phase on its own; how
    // long the fan-out took is its own figure.
    let burst_ended = Instant::now();
    while !store.outbox_to_fan_out(1).await?.is_empty() {
        anyhow::ensure!(
            burst_ended.elapsed() < StdDuration::from_secs(600),
            "the burst's notifications were not fanned out within 10 minutes"
        );
        tokio::time::sleep(StdDuration::from_millis(100)).await;
    }
    println!(
        "{:<34} {:.1} s after the burst (the outbox of {} reports)",
        "notifications fanned out",
        burst_ended.elapsed().as_secs_f64(),
        creates.len()
    );

    let total = setup.total + creates.len();
    let category_ids = setup.category_ids.clone();
    let first_category = category_ids[0];
    let list = measure(client, supervisor, clients, requests, move |index| {
        let category = category_ids[index % category_ids.len()];
        let status = ["in_progress", "dispatched", "closed", "resolved"][index % 4];
        format!("http://{address}/api/v1/work-orders?community_id={community}&status={status}&category_id={category}&limit=50")
    })
    .await?;
    report("list (status + category, 50 rows)", &list);
    let list_overdue = measure(client, supervisor, clients, requests, move |_| {
        format!(
            "http://{address}/api/v1/work-orders?community_id={community}&overdue=true&limit=50"
        )
    })
    .await?;
    report("list (overdue, 50 rows)", &list_overdue);
    // Text: a common word (a fifth of the history) and a rare one (a report number:
    // 4242号 and 14242号 … 94242号, about a hundred in a million).
    for (name, query) in [
        ("list (text 路灯, 50 rows)", "%E8%B7%AF%E7%81%AF"),
        ("list (text 4242号, rare)", "4242%E5%8F%B7"),
    ] {
        let latencies = measure(client, supervisor, clients, requests, move |_| {
            format!(
                "http://{address}/api/v1/work-orders?community_id={community}&q={query}&limit=50"
            )
        })
        .await?;
        report(name, &latencies);
    }
    let detail = measure(client, supervisor, clients, requests, move |index| {
        let id = 1 + (index * 7919) % total;
        format!("http://{address}/api/v1/work-orders/{id}")
    })
    .await?;
    report("detail (GET /work-orders/{id})", &detail);
    let month = measure(client, supervisor, clients, requests, move |_| {
        format!("http://{address}/api/v1/statistics?community_id={community}")
    })
    .await?;
    report("statistics (this month)", &month);
    let year = measure(client, supervisor, clients, requests, move |_| {
        let to = Utc::now().date_naive();
        let from = to - Duration::days(365);
        format!("http://{address}/api/v1/statistics?community_id={community}&from={from}&to={to}")
    })
    .await?;
    report("statistics (a year)", &year);

    // The pages, as people open them.
    let (duty, handler) = (&tokens.duty, &tokens.handler);
    let pages: [(&str, &str, String); 7] = [
        ("page: duty triage /queue", duty, "/queue".to_owned()),
        ("page: handler queue /queue", handler, "/queue".to_owned()),
        (
            "page: filtered /queue?view=all",
            duty,
            format!("/queue?view=all&status=in_progress&category_id={first_category}"),
        ),
        (
            "page: statistics /stats (6 months)",
            supervisor,
            "/stats".to_owned(),
        ),
        ("page: resident home /", resident, "/".to_owned()),
        (
            "page: neighbour home / (10 reports)",
            &tokens.neighbour,
            "/".to_owned(),
        ),
        (
            "page: supervision /supervise",
            supervisor,
            "/supervise".to_owned(),
        ),
    ];
    for (name, who, path) in pages {
        let latencies = measure(client, who, clients, requests / 4, move |_| {
            format!("http://{address}{path}")
        })
        .await?;
        report(name, &latencies);
    }
    let order_page = measure(client, supervisor, clients, requests / 4, move |index| {
        let id = 1 + (index * 7919) % total;
        format!("http://{address}/orders/{id}")
    })
    .await?;
    report("page: work order /orders/{id}", &order_page);
    Ok(creates.len())
}
