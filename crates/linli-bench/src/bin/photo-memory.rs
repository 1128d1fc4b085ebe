//! `cargo run --release -p linli-bench --bin photo-memory -- --uploads 16`
//!
//! Starts the real `linli` binary (`linli demo`, as its own process so that its memory is
//! its own) on a loopback port, makes a PNG of `--width`×`--height` pixels that packs
//! into a small file (a 49-megapixel image in ~150 KB: within the 10 MB and 50-megapixel
//! limits, yet ~140 MiB once decoded), and sends it as `--uploads` concurrent photo
//! uploads, each to its own work order. Reports the server's resident memory when idle
//! and its peak (`VmHWM`), and how the uploads were answered. Loopback only; bounded in
//! uploads and time.

use anyhow::Context;
use clap::Parser;
use serde_json::{Value, json};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[derive(Debug, Parser)]
struct Args {
    /// Concurrent uploads, one photo each.
    #[arg(long, default_value_t = 16)]
    uploads: usize,
    #[arg(long, default_value_t = 7000)]
    width: u32,
    #[arg(long, default_value_t = 7000)]
    height: u32,
    /// The server binary (`cargo build --release -p linli`).
    #[arg(long, default_value = "target/release/linli")]
    server: String,
    #[arg(long, default_value_t = 18_432)]
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

/// A large image of few colours in broad bands: it compresses to almost nothing.
fn banded_png(width: u32, height: u32) -> anyhow::Result<Vec<u8>> {
    let image = image::RgbImage::from_fn(width, height, |x, y| {
        let band = u8::try_from((x / 500 + y / 500) % 4).unwrap_or(0);
        image::Rgb([60 * band, 120, 200 - 40 * band])
    });
    let mut png = Vec::new();
    image.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)?;
    Ok(png)
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
    let png = banded_png(args.width, args.height)?;
    println!(
        "a {}×{} PNG ({:.1} megapixels) of {} KB",
        args.width,
        args.height,
        f64::from(args.width) * f64::from(args.height) / 1e6,
        png.len() / 1024
    );
    let data = std::env::temp_dir().join(format!("linli-photo-memory-{}", std::process::id()));
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
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(600))
        .build()?;
    let ready = Instant::now();
    while client.get(format!("{base}/readyz")).send().await.is_err() {
        anyhow::ensure!(
            ready.elapsed() < Duration::from_secs(300),
            "the server did not start"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let bao = sign_in(&client, &base, "bao").await?;
    let mut orders = Vec::with_capacity(args.uploads);
    for index in 0..args.uploads {
        let answer: Value = client
            .post(format!("{base}/api/v1/work-orders"))
            .bearer_auth(&bao)
            .json(
                &json!({ "category": "noise", "description": format!("楼上夜里很吵（{index}）") }),
            )
            .send()
            .await?
            .json()
            .await?;
        orders.push(answer["id"].as_i64().context("a work order")?);
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let (_, idle) = memory_of(pid);
    println!("server idle: RSS {idle:.0} MiB");

    let started = Instant::now();
    let uploads: Vec<_> = orders
        .into_iter()
        .map(|order| {
            let (client, base, bao, png) = (client.clone(), base.clone(), bao.clone(), png.clone());
            tokio::spawn(async move {
                let part = reqwest::multipart::Part::bytes(png)
                    .file_name("big.png")
                    .mime_str("image/png")?;
                let answer = client
                    .post(format!("{base}/api/v1/work-orders/{order}/photos"))
                    .bearer_auth(&bao)
                    .multipart(reqwest::multipart::Form::new().part("photo", part))
                    .send()
                    .await?;
                anyhow::Ok((answer.status(), started.elapsed()))
            })
        })
        .collect();
    // Sample the resident memory while they run; the kernel's high-water mark is the
    // figure reported.
    let mut sampled_peak: f64 = idle;
    while !uploads.iter().all(tokio::task::JoinHandle::is_finished) {
        sampled_peak = sampled_peak.max(memory_of(pid).1);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let mut answers = std::collections::BTreeMap::<u16, usize>::new();
    let mut slowest = Duration::ZERO;
    for upload in uploads {
        let (status, took) = upload.await??;
        *answers.entry(status.as_u16()).or_default() += 1;
        slowest = slowest.max(took);
    }
    let (peak, after) = memory_of(pid);
    println!(
        "{} concurrent uploads answered {answers:?}; all done in {:.1} s",
        args.uploads,
        slowest.as_secs_f64()
    );
    println!(
        "server RSS: idle {idle:.0} MiB, peak {peak:.0} MiB (sampled {sampled_peak:.0}), \
         after {after:.0} MiB; peak above idle {:.0} MiB",
        peak - idle
    );
    server.kill()?;
    server.wait()?;
    std::fs::remove_dir_all(&data).ok();
    Ok(())
}
