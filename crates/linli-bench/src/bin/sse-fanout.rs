//! `cargo run --release -p linli-bench --bin sse-fanout -- --clients 10000`
//!
//! Starts the real `linli` binary (`target/release/linli demo`, as its own process so
//! that its memory is its own) on a loopback port, opens `--clients` big-screen streams
//! to it, and creates work orders at `--rate` per second for `--seconds`. Reports how long
//! each new work order took to reach the screens (p50/p99 over every screen and work
//! order) and the server's peak memory. Loopback only; bounded in clients and time.

use anyhow::Context;
use clap::Parser;
use linli_bench::percentile;
use serde_json::{Value, json};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

#[derive(Debug, Parser)]
struct Args {
    /// Concurrent big-screen streams.
    #[arg(long, default_value_t = 10_000)]
    clients: usize,
    /// Work orders created per second meanwhile.
    #[arg(long, default_value_t = 50)]
    rate: u64,
    #[arg(long, default_value_t = 20)]
    seconds: u64,
    /// The server binary (`cargo build --release -p linli`).
    #[arg(long, default_value = "target/release/linli")]
    server: String,
    #[arg(long, default_value_t = 18_431)]
    port: u16,
}

/// Peak and current resident memory of a process, in MiB.
fn memory_of(pid: u32) -> (f64, f64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|kib| kib.parse::<f64>().ok())
            .map_or(f64::NAN, |kib| kib / 1024.0)
    };
    (field("VmHWM:"), field("VmRSS:"))
}

/// The newest work-order number in a snapshot, found without parsing it all.
fn newest_number(data: &str) -> Option<i64> {
    let ticker = data.find("\"ticker\":[")?;
    let rest = &data[ticker..];
    let at = rest.find("\"number\":")? + "\"number\":".len();
    let digits: String = rest[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

async fn sign_in(client: &reqwest::Client, base: &str, login: &str) -> anyhow::Result<String> {
    let answer: Value = client
        .post(format!("{base}/api/v1/sessions"))
        .json(&json!({ "login": login, "password": "linli-demo" }))
        .send()
        .await?
        .json()
        .await?;
    answer["token"]
        .as_str()
        .map(str::to_owned)
        .context("sign-in failed")
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let data = std::env::temp_dir().join(format!("linli-sse-{}", std::process::id()));
    let mut server = Command::new(&args.server)
        .args(["demo", "--log", "warn", "--bind"])
        .arg(format!("127.0.0.1:{}", args.port))
        .arg("--data-dir")
        .arg(&data)
        .stdout(Stdio::null())
        .spawn()
        .with_context(|| format!("starting {}", args.server))?;
    let pid = server.id();
    let base = format!("http://127.0.0.1:{}", args.port);
    let client = reqwest::Client::builder().build()?;
    let ready = Instant::now();
    while client.get(format!("{base}/readyz")).send().await.is_err() {
        anyhow::ensure!(
            ready.elapsed() < Duration::from_secs(120),
            "the server did not start"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (idle_peak, idle) = memory_of(pid);
    let shuji = sign_in(&client, &base, "shuji").await?;
    let desk = sign_in(&client, &base, "desk").await?;
    let communities: Value = client
        .get(format!("{base}/api/v1/communities"))
        .bearer_auth(&shuji)
        .send()
        .await?
        .json()
        .await?;
    let community = communities[0]["id"].as_i64().context("a community")?;
    let screen: Value = client
        .post(format!("{base}/api/v1/screens"))
        .bearer_auth(&shuji)
        .json(&json!({ "community_id": community, "name": "benchmark" }))
        .send()
        .await?
        .json()
        .await?;
    let token = screen["token"]
        .as_str()
        .context("a screen token")?
        .to_owned();
    let stream_url = format!("{base}/screen/community/{community}/stream?token={token}");

    // The screens: each records when it first saw each work order.
    let seen: Arc<Mutex<Vec<(i64, Instant)>>> = Arc::new(Mutex::new(Vec::new()));
    let connected = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let stop = Arc::new(tokio::sync::Notify::new());
    let mut screens = Vec::with_capacity(args.clients);
    let connecting = Instant::now();
    for index in 0..args.clients {
        let (client, url, seen, connected, stop) = (
            client.clone(),
            stream_url.clone(),
            Arc::clone(&seen),
            Arc::clone(&connected),
            Arc::clone(&stop),
        );
        screens.push(tokio::spawn(async move {
            let mut response = match client.get(&url).send().await {
                Ok(response) if response.status().is_success() => response,
                _ => return,
            };
            connected.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let mut buffer = String::new();
            let mut newest = None::<i64>;
            let mut mine = Vec::new();
            loop {
                let chunk = tokio::select! {
                    chunk = response.chunk() => chunk,
                    () = stop.notified() => break,
                };
                let Ok(Some(chunk)) = chunk else { break };
                let now = Instant::now();
                buffer.push_str(&String::from_utf8_lossy(&chunk));
                while let Some(end) = buffer.find("\n\n") {
                    let block: String = buffer.drain(..end + 2).collect();
                    if let Some(number) = newest_number(&block) {
                        // Everything after the previous newest appeared in this snapshot.
                        if let Some(previous) = newest {
                            for appeared in previous + 1..=number {
                                mine.push((appeared, now));
                            }
                        }
                        newest = Some(newest.map_or(number, |previous| previous.max(number)));
                    }
                }
            }
            seen.lock().await.extend(mine);
        }));
        // Connect in waves: the listen backlog is finite.
        if (index + 1).is_multiple_of(500) {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    while connected.load(std::sync::atomic::Ordering::Relaxed) < args.clients {
        anyhow::ensure!(
            connecting.elapsed() < Duration::from_secs(120),
            "only {} of {} screens connected",
            connected.load(std::sync::atomic::Ordering::Relaxed),
            args.clients
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    println!(
        "{} screens connected in {:.1} s",
        args.clients,
        connecting.elapsed().as_secs_f64()
    );
    let (connected_peak, connected_rss) = memory_of(pid);
    tokio::time::sleep(Duration::from_secs(1)).await;

    // Work orders at the rate asked, each remembered with the moment it was sent.
    let mut sent: Vec<(i64, Instant)> = Vec::new();
    let mut tick = tokio::time::interval(Duration::from_millis(1000 / args.rate.max(1)));
    let creating = Instant::now();
    let mut failures = 0;
    let mut peak_rss: f64 = connected_rss;
    while creating.elapsed() < Duration::from_secs(args.seconds) {
        tick.tick().await;
        let started = Instant::now();
        let answer = client
            .post(format!("{base}/api/v1/work-orders"))
            .bearer_auth(&desk)
            .json(&json!({ "category": "corridor_lighting", "description": "楼道灯不亮", "guest_name": "压测" }))
            .send()
            .await;
        match answer {
            Ok(response) if response.status().is_success() => {
                let created: Value = response.json().await?;
                if let Some(number) = created["number"].as_i64() {
                    sent.push((number, started));
                }
            }
            _ => failures += 1,
        }
        if sent.len().is_multiple_of(50) {
            peak_rss = peak_rss.max(memory_of(pid).1);
        }
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    stop.notify_waiters();
    for screen in screens {
        let _ = screen.await;
    }
    let (peak, _) = memory_of(pid);
    let sent_at: std::collections::HashMap<i64, Instant> = sent.iter().copied().collect();
    let seen = seen.lock().await;
    let mut latencies: Vec<Duration> = seen
        .iter()
        .filter_map(|(number, at)| {
            sent_at
                .get(number)
                .map(|sent| at.saturating_duration_since(*sent))
        })
        .collect();
    latencies.sort();
    let expected = sent.len() * args.clients;
    println!(
        "created {} work orders in {} s ({} failed); deliveries measured {} of {} expected",
        sent.len(),
        args.seconds,
        failures,
        latencies.len(),
        expected
    );
    println!(
        "delivery latency to the screens: p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms",
        percentile(&latencies, 0.50),
        percentile(&latencies, 0.99),
        percentile(&latencies, 1.0)
    );
    println!(
        "server memory: idle {idle:.0} MiB (peak {idle_peak:.0}); with {} screens {connected_rss:.0} MiB (peak {connected_peak:.0}); during the run up to {peak_rss:.0} MiB; peak overall (VmHWM) {peak:.0} MiB",
        args.clients
    );
    let _ = server.kill();
    let _ = server.wait();
    let _ = std::fs::remove_dir_all(&data);
    Ok(())
}
