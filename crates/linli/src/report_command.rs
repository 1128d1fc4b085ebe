//! `linli report --community 1 --month 2026-11 -o 2026-11.xlsx`: the monthly report as
//! the statistics page downloads it, written to a file (for a monthly cron job).

use crate::config::Settings;
use crate::server;
use linli_app::Caller;
use linli_app::reports::{MonthlyRequest, monthly};
use linli_domain::clock::{Clock, SystemClock};
use linli_store::blobs::BlobStore;
use std::path::Path;
use std::sync::Arc;

pub async fn write_monthly(
    settings: &Settings,
    request: &MonthlyRequest,
    output: &Path,
) -> anyhow::Result<()> {
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let store = server::open_store(settings).await?;
    let blobs: Arc<dyn BlobStore> = Arc::new(settings.open_blobs()?);
    let state = linli_web::AppState::new(store, clock, server::web_config(settings, false), blobs);
    let report = monthly(&state, &Caller::operator(), request)
        .await
        .map_err(|error| anyhow::anyhow!("{}: {error}", error.code()))?;
    let workbook = linli_web::reports::monthly_workbook(&report)?;
    std::fs::write(output, &workbook)?;
    println!(
        "{}：{} 件受理，{} 件超期，写入 {}",
        report.title,
        report.figures.totals.created,
        report.figures.overdue_now,
        output.display()
    );
    Ok(())
}
