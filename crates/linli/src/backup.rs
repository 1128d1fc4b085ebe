//! `linli backup --to FILE` and `linli restore --from FILE`: the whole of an instance —
//! its database and its files (photos, receipts, images) — in one zip archive, taken
//! while the server keeps serving, and put back into an empty database and files
//! directory.
//!
//! The database is copied first (SQLite: `VACUUM INTO`, one consistent snapshot;
//! PostgreSQL: `pg_dump`, which reads one snapshot too), then the files. A file is always
//! written before the row that names it, and files are never changed once written, so
//! every file the copied database names is in the archive; files newer than the copy are
//! harmless extras.

use anyhow::{Context, bail};
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

/// Every regular file under `root`, with its path relative to it ('/'-separated), skipping
/// files still being written (`.partial`).
fn files_under(root: &Path) -> anyhow::Result<Vec<(PathBuf, String)>> {
    let mut found = Vec::new();
    if !root.exists() {
        return Ok(found);
    }
    let mut pending = vec![root.to_path_buf()];
    while let Some(directory) = pending.pop() {
        for entry in std::fs::read_dir(&directory)
            .with_context(|| format!("reading {}", directory.display()))?
        {
            let path = entry?.path();
            if path.is_dir() {
                pending.push(path);
            } else if path
                .extension()
                .is_none_or(|extension| extension != "partial")
            {
                let relative = path
                    .strip_prefix(root)?
                    .components()
                    .map(|part| part.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/");
                found.push((path, relative));
            }
        }
    }
    found.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(found)
}

/// Writes the archive of the database at `url` (served by `store`) and the files under
/// `files_dir` to `to`, through a temporary name: a failed backup leaves no archive.
pub async fn write(
    store: &Store,
    url: &DatabaseUrl,
    files_dir: &Path,
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
    let files_dir = files_dir.to_path_buf();
    let to = to.to_path_buf();
    let archived = tokio::task::spawn_blocking(move || {
        let result = archive(&engine, &database, &files_dir, &to);
        let _ = std::fs::remove_file(&database);
        result
    })
    .await??;
    Ok(archived)
}

fn archive(engine: &str, database: &Path, files_dir: &Path, to: &Path) -> anyhow::Result<Manifest> {
    let partial = beside(to, ".partial");
    let mut zip = ZipWriter::new(File::create(&partial)?);
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
    for (path, relative) in files_under(files_dir)? {
        zip.start_file(format!("{FILES_PREFIX}{relative}"), stored)?;
        manifest.file_bytes += std::io::copy(&mut File::open(&path)?, &mut zip)?;
        manifest.files += 1;
    }
    zip.start_file(MANIFEST, deflated)?;
    zip.write_all(&serde_json::to_vec_pretty(&manifest)?)?;
    zip.finish()?.sync_all()?;
    std::fs::rename(&partial, to)?;
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
/// file, or a PostgreSQL database without tables), and the files directory, which must
/// be empty too; then brings the schema up to date. Refuses before writing anything if
/// either is not empty or the engines differ.
pub async fn restore(url: &DatabaseUrl, files_dir: &Path, from: &Path) -> anyhow::Result<Manifest> {
    let manifest = manifest_of(from)?;
    if manifest.engine != engine_name(url) {
        bail!(
            "this backup is of a {} database: restore it with a {} database URL",
            manifest.engine,
            manifest.engine
        );
    }
    if !files_under(files_dir)?.is_empty() {
        bail!(
            "{} is not empty: restore into a new data directory",
            files_dir.display()
        );
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
    let (archive_path, files, target) = (
        from.to_path_buf(),
        files_dir.to_path_buf(),
        database.clone(),
    );
    tokio::task::spawn_blocking(move || unpack(&archive_path, &target, &files)).await??;
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

/// Writes the archive's database to `database` (through a temporary name) and its files
/// under `files_dir`; names that would leave the directory are refused.
fn unpack(from: &Path, database: &Path, files_dir: &Path) -> anyhow::Result<()> {
    let mut archive = ZipArchive::new(File::open(from)?)?;
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index)?;
        if entry.is_dir() {
            continue;
        }
        let name = entry.name()?.into_owned();
        let target = if name == SQLITE_ENTRY || name == POSTGRES_ENTRY {
            database.to_path_buf()
        } else if let Some(relative) = name.strip_prefix(FILES_PREFIX) {
            let enclosed = entry
                .enclosed_name()
                .filter(|path| path.starts_with("files"))
                .with_context(|| format!("refusing the entry {name:?}"))?;
            if relative.is_empty() {
                continue;
            }
            files_dir.join(enclosed.strip_prefix("files")?)
        } else {
            continue;
        };
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let partial = beside(&target, ".partial");
        let mut out = File::create(&partial)?;
        std::io::copy(&mut entry, &mut out)?;
        out.sync_all()?;
        std::fs::rename(&partial, &target)?;
    }
    Ok(())
}
