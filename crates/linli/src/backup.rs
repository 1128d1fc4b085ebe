//! `linli backup --to FILE` and `linli restore --from FILE`: the whole of an instance —
//! its database and its files (photos, receipts, images, from the local directory or the
//! shared object store alike) — in one zip archive, taken while the server keeps
//! serving, and put back into an empty database and an empty blob store.
//!
//! The database is copied first (SQLite: `VACUUM INTO`, one consistent snapshot;
//! PostgreSQL: `pg_dump`, which reads one snapshot too), then the files. A file is always
//! written before the row that names it, and files are never changed once written, so
//! every file the copied database names is in the archive; files newer than the copy are
//! harmless extras.

use anyhow::{Context, bail};
use linli_store::blobs::BlobStore;
use linli_store::{ConnectOptions, DatabaseUrl, Engine, Store};
use serde::{Deserialize, Serialize};
use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

/// This version of the archive's layout.
const FORMAT: u32 = 1;
const MANIFEST: &str = "manifest.json";
const SQLITE_ENTRY: &str = "database.sqlite";
const POSTGRES_ENTRY: &str = "database.pgdump";
const FILES_PREFIX: &str = "files/";

/// What an archive holds, written into it as `manifest.json`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Manifest {
    pub format: u32,
    /// `sqlite` or `postgres`: a backup goes back into the same engine.
    pub engine: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub linli_version: String,
    /// Files copied from the files directory.
    pub files: u64,
    /// Bytes of those files.
    pub file_bytes: u64,
}

fn engine_name(url: &DatabaseUrl) -> &'static str {
    match url {
        DatabaseUrl::Sqlite(_) => Engine::Sqlite.as_str(),
        DatabaseUrl::Postgres(_) => Engine::Postgres.as_str(),
    }
}

/// A path next to `path` with `suffix` added to its name, for a file being written.
fn beside(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    path.with_file_name(name)
}

/// How many files travel between the blob store and the archive's thread at once.
const IN_FLIGHT: usize = 8;

/// Writes the archive of the database at `url` (served by `store`) and every file in
/// `blobs` to `to`, through a temporary name: a failed backup leaves no archive.
pub async fn write(
    store: &Store,
    url: &DatabaseUrl,
    blobs: &dyn BlobStore,
    to: &Path,
) -> anyhow::Result<Manifest> {
    if to.exists() {
        bail!("{} already exists: choose a new name", to.display());
    }
    let database = beside(to, ".database.partial");
    let _ = std::fs::remove_file(&database);
    match url {
        DatabaseUrl::Sqlite(_) => store
            .snapshot_into(&database)
            .await
            .context("copying the SQLite database")?,
        DatabaseUrl::Postgres(url) => {
            let output = Command::new("pg_dump")
                .args(["--format=custom", "--no-owner", "--no-privileges", "--file"])
                .arg(&database)
                .arg(url)
                .output()
                .context("running pg_dump (install the PostgreSQL client tools)")?;
            if !output.status.success() {
                bail!(
                    "pg_dump failed: {}",
                    String::from_utf8_lossy(&output.stderr)
                );
            }
        }
    }
    let engine = engine_name(url).to_owned();
    let keys = match blobs.keys().await {
        Ok(keys) => keys,
        Err(error) => {
            let _ = std::fs::remove_file(&database);
            return Err(error).context("listing the files");
        }
    };
    // The zip is written on a blocking thread; the files reach it through a short queue
    // as they are read from the blob store, so memory holds a few files at a time. Only
    // a queue that ends with `Complete` makes an archive.
    let (send, receive) = tokio::sync::mpsc::channel::<Queued>(IN_FLIGHT);
    let to = to.to_path_buf();
    let writing = tokio::task::spawn_blocking(move || {
        let result = archive(&engine, &database, receive, &to);
        let _ = std::fs::remove_file(&database);
        result
    });
    let mut reading = Ok(());
    for key in keys {
        match blobs.get(&key).await {
            // Listed, then gone: nothing names it any more.
            Ok(None) => {}
            Ok(Some(bytes)) => {
                if send.send(Queued::File(key, bytes)).await.is_err() {
                    break;
                }
            }
            Err(error) => {
                reading = Err(anyhow::Error::from(error).context(format!("reading {key}")));
                break;
            }
        }
    }
    if reading.is_ok() {
        let _ = send.send(Queued::Complete).await;
    }
    drop(send);
    let archived = writing.await?;
    reading?;
    archived
}

/// What the blob store's side hands the archive's thread.
enum Queued {
    File(String, Vec<u8>),
    /// Every file was read: the archive may be finished.
    Complete,
}

fn archive(
    engine: &str,
    database: &Path,
    mut files: tokio::sync::mpsc::Receiver<Queued>,
    to: &Path,
) -> anyhow::Result<Manifest> {
    let partial = beside(to, ".partial");
    let written = write_archive(engine, database, &mut files, &partial);
    if written.is_ok() {
        std::fs::rename(&partial, to)?;
    } else {
        let _ = std::fs::remove_file(&partial);
    }
    written
}

fn write_archive(
    engine: &str,
    database: &Path,
    files: &mut tokio::sync::mpsc::Receiver<Queued>,
    partial: &Path,
) -> anyhow::Result<Manifest> {
    let mut zip = ZipWriter::new(File::create(partial)?);
    // Photos are JPEG already: stored as they are. The database compresses well.
    let stored = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Stored)
        .large_file(true);
    let deflated = stored.compression_method(CompressionMethod::Deflated);
    let (entry, options) = if engine == Engine::Sqlite.as_str() {
        (SQLITE_ENTRY, deflated)
    } else {
        (POSTGRES_ENTRY, stored)
    };
    zip.start_file(entry, options)?;
    std::io::copy(&mut File::open(database)?, &mut zip)?;
    let mut manifest = Manifest {
        format: FORMAT,
        engine: engine.to_owned(),
        created_at: chrono::Utc::now(),
        linli_version: env!("CARGO_PKG_VERSION").to_owned(),
        files: 0,
        file_bytes: 0,
    };
    loop {
        match files.blocking_recv() {
            Some(Queued::File(key, bytes)) => {
                zip.start_file(format!("{FILES_PREFIX}{key}"), stored)?;
                zip.write_all(&bytes)?;
                manifest.file_bytes += bytes.len() as u64;
                manifest.files += 1;
            }
            Some(Queued::Complete) => break,
            None => bail!("the files could not all be read"),
        }
    }
    zip.start_file(MANIFEST, deflated)?;
    zip.write_all(&serde_json::to_vec_pretty(&manifest)?)?;
    zip.finish()?.sync_all()?;
    Ok(manifest)
}

/// Reads an archive's manifest, checking that this version can restore it.
pub fn manifest_of(from: &Path) -> anyhow::Result<Manifest> {
    let mut archive =
        ZipArchive::new(File::open(from).with_context(|| format!("opening {}", from.display()))?)
            .with_context(|| format!("{} is not a Linli backup", from.display()))?;
    let mut text = String::new();
    archive
        .by_name(MANIFEST)
        .with_context(|| format!("{} is not a Linli backup", from.display()))?
        .read_to_string(&mut text)?;
    let manifest: Manifest = serde_json::from_str(&text)?;
    if manifest.format > FORMAT {
        bail!(
            "this backup was written by a newer Linli ({}): upgrade first",
            manifest.linli_version
        );
    }
    Ok(manifest)
}

/// Puts an archive back: into the database at `url`, which must be empty (a new SQLite
/// file, or a PostgreSQL database without tables), and `blobs`, which must be empty too;
/// then brings the schema up to date. Refuses before writing anything if either is not
/// empty or the engines differ. The files go in first, so that the database never names
/// a file that is not there.
pub async fn restore(
    url: &DatabaseUrl,
    blobs: &dyn BlobStore,
    from: &Path,
) -> anyhow::Result<Manifest> {
    let manifest = manifest_of(from)?;
    if manifest.engine != engine_name(url) {
        bail!(
            "this backup is of a {} database: restore it with a {} database URL",
            manifest.engine,
            manifest.engine
        );
    }
    if !blobs.keys().await.context("listing the files")?.is_empty() {
        bail!("the blob store is not empty: restore into a new data directory or bucket");
    }
    let database = match url {
        DatabaseUrl::Sqlite(path) => {
            if path.exists() {
                bail!(
                    "{} exists: restore into a new data directory",
                    path.display()
                );
            }
            path.clone()
        }
        DatabaseUrl::Postgres(_) => {
            let store = Store::connect(url, &ConnectOptions::default()).await?;
            let empty = store.is_empty().await?;
            store.close().await;
            if !empty {
                bail!("the PostgreSQL database has tables: restore into a new, empty one");
            }
            std::env::temp_dir().join(format!("linli-restore-{}.pgdump", std::process::id()))
        }
    };
    let (send, mut receive) = tokio::sync::mpsc::channel::<(String, Vec<u8>)>(IN_FLIGHT);
    let (archive_path, target) = (from.to_path_buf(), database.clone());
    let unpacking = tokio::task::spawn_blocking(move || unpack(&archive_path, &target, &send));
    let mut storing = Ok(());
    while let Some((key, bytes)) = receive.recv().await {
        if let Err(error) = blobs.put(&key, bytes).await {
            storing = Err(anyhow::Error::from(error).context(format!("storing {key}")));
            break;
        }
    }
    drop(receive);
    let unpacked = unpacking.await?;
    storing?;
    unpacked?;
    if let DatabaseUrl::Postgres(url) = url {
        let output = Command::new("pg_restore")
            .args([
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--dbname",
            ])
            .arg(url)
            .arg(&database)
            .output()
            .context("running pg_restore (install the PostgreSQL client tools)");
        let _ = std::fs::remove_file(&database);
        let output = output?;
        if !output.status.success() {
            bail!(
                "pg_restore failed: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
    }
    let store = Store::connect(url, &ConnectOptions::default()).await?;
    store.migrate().await?;
    store.close().await;
    Ok(manifest)
}

/// Hands the archive's files to `files` one by one and writes its database to `database`
/// (through a temporary name) last; names that would leave the blob store are refused.
fn unpack(
    from: &Path,
    database: &Path,
    files: &tokio::sync::mpsc::Sender<(String, Vec<u8>)>,
) -> anyhow::Result<()> {
    let mut archive = ZipArchive::new(File::open(from)?)?;
    let mut database_entry = None;
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index)?;
        if entry.is_dir() {
            continue;
        }
        let name = entry.name()?.into_owned();
        if name == SQLITE_ENTRY || name == POSTGRES_ENTRY {
            database_entry = Some(index);
        } else if let Some(key) = name.strip_prefix(FILES_PREFIX) {
            entry
                .enclosed_name()
                .filter(|path| path.starts_with("files"))
                .with_context(|| format!("refusing the entry {name:?}"))?;
            if key.is_empty() {
                continue;
            }
            let mut bytes = Vec::with_capacity(usize::try_from(entry.size()).unwrap_or(0));
            entry.read_to_end(&mut bytes)?;
            if files.blocking_send((key.to_owned(), bytes)).is_err() {
                bail!("the files could not all be stored");
            }
        }
    }
    let index = database_entry.context("the archive holds no database")?;
    let mut entry = archive.by_index(index)?;
    let partial = beside(database, ".partial");
    let mut out = File::create(&partial)?;
    std::io::copy(&mut entry, &mut out)?;
    out.sync_all()?;
    std::fs::rename(&partial, database)?;
    Ok(())
}
