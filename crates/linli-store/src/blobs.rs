//! Blob storage for uploaded files (photos, receipts, images), through Apache OpenDAL:
//! a directory on local disk by default, or shared object storage — any S3-compatible
//! service (MinIO, Ceph, AWS), Aliyun OSS or Tencent COS through their native services —
//! so that several instances behind a load balancer serve each other's photos.
//!
//! Keys are written whole or not at all: the local directory writes each file under a
//! temporary name, syncs it and renames it; object stores make an object visible only
//! when its upload completes. Failures that may pass (the store unreachable, timing out,
//! answering 5xx) come back as [`io::ErrorKind::NotConnected`], which callers answer with
//! 503; see [`is_unavailable`].

use opendal::layers::{RetryLayer, TimeoutLayer};
use opendal::{Operator, services};
use std::fmt;
use std::future::Future;
use std::io;
use std::path::PathBuf;
use std::pin::Pin;
use std::str::FromStr;
use std::time::Duration;

pub type BlobFuture<'a, T> = Pin<Box<dyn Future<Output = io::Result<T>> + Send + 'a>>;

pub trait BlobStore: Send + Sync + 'static {
    /// Stores `bytes` under `key` durably before returning.
    fn put<'a>(&'a self, key: &'a str, bytes: Vec<u8>) -> BlobFuture<'a, ()>;
    /// The bytes under `key`, or `None`.
    fn get<'a>(&'a self, key: &'a str) -> BlobFuture<'a, Option<Vec<u8>>>;
    /// Every key stored, sorted (for backups and restores).
    fn keys(&self) -> BlobFuture<'_, Vec<String>> {
        self.keys_under("")
    }
    /// The keys under a folder (`roll-uploads/`; "" for all), sorted.
    fn keys_under<'a>(&'a self, folder: &'a str) -> BlobFuture<'a, Vec<String>>;
    /// Removes `key`; a key that is not there is no error.
    fn delete<'a>(&'a self, key: &'a str) -> BlobFuture<'a, ()>;
}

/// Whether a blob store's error may pass if tried again later: the store is unreachable
/// or overloaded, not the request wrong.
pub fn is_unavailable(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::NotConnected
            | io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::TimedOut
    )
}

/// The directory local writes go through before they are renamed into place; never a key.
const PARTIAL_DIR: &str = ".partial";

/// Where blobs are kept, as written in the configuration (`blob_store`):
///
/// - `file:///var/lib/linli/files` (or unset: the data directory's `files`);
/// - `s3://ACCESS_KEY:SECRET@BUCKET/PREFIX?endpoint=https://host&region=REGION` — any
///   S3-compatible service; without credentials the usual `AWS_*` variables are read;
/// - `oss://ACCESS_KEY_ID:SECRET@BUCKET/PREFIX?endpoint=https://oss-cn-shanghai.aliyuncs.com`;
/// - `cos://SECRET_ID:SECRET_KEY@BUCKET/PREFIX?endpoint=https://cos.ap-shanghai.myqcloud.com`.
///
/// Credentials are percent-encoded in the address (a `/` in a secret is `%2F`).
#[derive(Clone, PartialEq, Eq)]
pub enum BlobLocation {
    Directory(PathBuf),
    ObjectStore(ObjectStore),
}

#[derive(Clone, PartialEq, Eq)]
pub struct ObjectStore {
    pub service: ObjectService,
    pub bucket: String,
    /// Keys are stored under this prefix, so that one bucket can hold several sites.
    pub prefix: String,
    pub endpoint: Option<String>,
    pub region: Option<String>,
    pub key_id: Option<String>,
    pub secret: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectService {
    S3,
    Oss,
    Cos,
}

impl ObjectService {
    fn scheme(self) -> &'static str {
        match self {
            Self::S3 => "s3",
            Self::Oss => "oss",
            Self::Cos => "cos",
        }
    }
}

/// Written without credentials: safe for logs and `linli config show`.
impl fmt::Debug for BlobLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_string())
    }
}

impl fmt::Display for BlobLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Directory(path) => write!(f, "file://{}", path.display()),
            Self::ObjectStore(store) => {
                write!(f, "{}://", store.service.scheme())?;
                if store.key_id.is_some() || store.secret.is_some() {
                    f.write_str("<hidden>@")?;
                }
                write!(f, "{}/{}", store.bucket, store.prefix)?;
                if let Some(endpoint) = &store.endpoint {
                    write!(f, "?endpoint={endpoint}")?;
                }
                Ok(())
            }
        }
    }
}

impl FromStr for BlobLocation {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if !text.contains("://") {
            return if text.is_empty() {
                Err("blob_store is empty".to_owned())
            } else {
                Ok(Self::Directory(PathBuf::from(text)))
            };
        }
        let address = url::Url::parse(text)
            .map_err(|error| format!("blob_store is not a valid address: {error}"))?;
        let service = match address.scheme() {
            "file" => return Ok(Self::Directory(PathBuf::from(address.path()))),
            "s3" => ObjectService::S3,
            "oss" => ObjectService::Oss,
            "cos" => ObjectService::Cos,
            other => {
                return Err(format!(
                    "blob_store: unknown kind {other:?} (file, s3, oss or cos)"
                ));
            }
        };
        let decoded = |part: &str| {
            percent_encoding::percent_decode_str(part)
                .decode_utf8_lossy()
                .into_owned()
        };
        let bucket = address
            .host_str()
            .filter(|bucket| !bucket.is_empty())
            .ok_or("blob_store: name the bucket, e.g. s3://KEY:SECRET@bucket/linli")?
            .to_owned();
        let (mut endpoint, mut region) = (None, None);
        for (name, value) in address.query_pairs() {
            match name.as_ref() {
                "endpoint" => endpoint = Some(value.into_owned()),
                "region" => region = Some(value.into_owned()),
                other => return Err(format!("blob_store: unknown option {other:?}")),
            }
        }
        if service != ObjectService::S3 && endpoint.is_none() {
            return Err(format!(
                "blob_store: {} needs ?endpoint=https://… (the bucket's region endpoint)",
                service.scheme()
            ));
        }
        let key_id = Some(decoded(address.username())).filter(|key| !key.is_empty());
        let secret = address.password().map(decoded);
        if key_id.is_some() != secret.is_some() {
            return Err("blob_store: give both the key and its secret, or neither".to_owned());
        }
        Ok(Self::ObjectStore(ObjectStore {
            service,
            bucket,
            prefix: address.path().trim_matches('/').to_owned(),
            endpoint,
            region,
            key_id,
            secret,
        }))
    }
}

/// Blobs in the place a [`BlobLocation`] names.
#[derive(Clone)]
pub struct Blobs {
    operator: Operator,
    location: BlobLocation,
}

impl fmt::Debug for Blobs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Blobs")
            .field("location", &self.location)
            .finish()
    }
}

impl Blobs {
    /// Files under a local directory, created if missing.
    pub fn local(root: impl Into<PathBuf>) -> io::Result<Self> {
        Self::open(&BlobLocation::Directory(root.into()))
    }

    pub fn open(location: &BlobLocation) -> io::Result<Self> {
        // The HTTP client object stores are reached with (reqwest over rustls, as the rest
        // of Linli); installed once per process, later calls do nothing.
        opendal::install_default();
        let operator = match location {
            BlobLocation::Directory(root) => {
                let partial = root.join(PARTIAL_DIR);
                Operator::new(
                    services::Fs::default()
                        .root(&root.to_string_lossy())
                        .atomic_write_dir(&partial.to_string_lossy()),
                )
            }
            BlobLocation::ObjectStore(store) => object_store(store),
        }
        .map_err(|error| io::Error::other(format!("opening {location}: {error}")))?
        // Object stores drop a connection now and then: a few quick tries, then the
        // caller's 503. No single call may hold a request for long.
        .layer(
            RetryLayer::new()
                .with_max_times(3)
                .with_min_delay(Duration::from_millis(100))
                .with_max_delay(Duration::from_secs(1))
                .with_jitter(),
        )
        .layer(
            TimeoutLayer::new()
                .with_timeout(Duration::from_secs(20))
                .with_io_timeout(Duration::from_secs(10)),
        );
        Ok(Self {
            operator,
            location: location.clone(),
        })
    }

    pub fn location(&self) -> &BlobLocation {
        &self.location
    }
}

fn object_store(store: &ObjectStore) -> opendal::Result<Operator> {
    let root = format!("/{}", store.prefix);
    match store.service {
        ObjectService::S3 => {
            let mut builder = services::S3::default()
                .bucket(&store.bucket)
                .root(&root)
                .region(store.region.as_deref().unwrap_or("us-east-1"));
            if let Some(endpoint) = &store.endpoint {
                builder = builder.endpoint(endpoint);
            }
            if let (Some(key), Some(secret)) = (&store.key_id, &store.secret) {
                builder = builder
                    .access_key_id(key)
                    .secret_access_key(secret)
                    .disable_config_load();
            }
            Operator::new(builder)
        }
        ObjectService::Oss => {
            let mut builder = services::Oss::default()
                .bucket(&store.bucket)
                .root(&root)
                .endpoint(store.endpoint.as_deref().unwrap_or_default());
            if let (Some(key), Some(secret)) = (&store.key_id, &store.secret) {
                builder = builder.access_key_id(key).access_key_secret(secret);
            }
            Operator::new(builder)
        }
        ObjectService::Cos => {
            let mut builder = services::Cos::default()
                .bucket(&store.bucket)
                .root(&root)
                .endpoint(store.endpoint.as_deref().unwrap_or_default());
            if let (Some(key), Some(secret)) = (&store.key_id, &store.secret) {
                builder = builder
                    .secret_id(key)
                    .secret_key(secret)
                    .disable_config_load();
            }
            Operator::new(builder)
        }
    }
}

/// Keys are relative paths of plain segments: nothing that could leave the root.
fn checked(key: &str) -> io::Result<&str> {
    let plain = !key.is_empty()
        && key.split('/').all(|segment| {
            !segment.is_empty() && segment != "." && segment != ".." && !segment.contains('\\')
        })
        && !key.starts_with(PARTIAL_DIR);
    if plain {
        Ok(key)
    } else {
        Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "blob keys are relative paths",
        ))
    }
}

fn io_error(error: opendal::Error) -> io::Error {
    let kind = match error.kind() {
        opendal::ErrorKind::NotFound => io::ErrorKind::NotFound,
        opendal::ErrorKind::PermissionDenied => io::ErrorKind::PermissionDenied,
        opendal::ErrorKind::RateLimited => io::ErrorKind::NotConnected,
        _ if error.is_temporary() || error.is_persistent() => io::ErrorKind::NotConnected,
        _ => io::ErrorKind::Other,
    };
    io::Error::new(kind, error)
}

impl BlobStore for Blobs {
    fn put<'a>(&'a self, key: &'a str, bytes: Vec<u8>) -> BlobFuture<'a, ()> {
        Box::pin(async move {
            self.operator
                .write(checked(key)?, bytes)
                .await
                .map(|_| ())
                .map_err(io_error)
        })
    }

    fn get<'a>(&'a self, key: &'a str) -> BlobFuture<'a, Option<Vec<u8>>> {
        Box::pin(async move {
            match self.operator.read(checked(key)?).await {
                Ok(bytes) => Ok(Some(bytes.to_vec())),
                Err(error) if error.kind() == opendal::ErrorKind::NotFound => Ok(None),
                Err(error) => Err(io_error(error)),
            }
        })
    }

    fn delete<'a>(&'a self, key: &'a str) -> BlobFuture<'a, ()> {
        Box::pin(async move { self.operator.delete(checked(key)?).await.map_err(io_error) })
    }

    fn keys_under<'a>(&'a self, folder: &'a str) -> BlobFuture<'a, Vec<String>> {
        Box::pin(async move {
            if !folder.is_empty()
                && (!folder.ends_with('/') || checked(folder.trim_end_matches('/')).is_err())
            {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    "a blob folder is a relative path ending in /",
                ));
            }
            let entries = match self.operator.list_with(folder).recursive(true).await {
                Ok(entries) => entries,
                // A folder never written to has no keys.
                Err(error) if error.kind() == opendal::ErrorKind::NotFound => Vec::new(),
                Err(error) => return Err(io_error(error)),
            };
            let mut keys: Vec<String> = entries
                .into_iter()
                .filter(|entry| entry.metadata().is_file())
                .map(|entry| entry.path().trim_start_matches('/').to_owned())
                .filter(|key| checked(key).is_ok())
                .collect();
            keys.sort();
            Ok(keys)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn stores_and_reads_back_lists_and_refuses_escaping_keys() -> io::Result<()> {
        let root = tempdir_path();
        let blobs = Blobs::local(&root)?;
        blobs.put("photos/1/a.jpg", b"jpeg".to_vec()).await?;
        blobs.put("receipts/2.jpg", b"receipt".to_vec()).await?;
        assert_eq!(blobs.get("photos/1/a.jpg").await?, Some(b"jpeg".to_vec()));
        assert_eq!(blobs.get("photos/1/missing.jpg").await?, None);
        assert_eq!(blobs.keys().await?, ["photos/1/a.jpg", "receipts/2.jpg"]);
        assert_eq!(blobs.keys_under("photos/").await?, ["photos/1/a.jpg"]);
        assert!(blobs.keys_under("never-written/").await?.is_empty());
        assert!(blobs.keys_under("../").await.is_err());
        blobs.delete("receipts/2.jpg").await?;
        blobs.delete("receipts/never-there.jpg").await?;
        assert_eq!(blobs.keys().await?, ["photos/1/a.jpg"]);
        for bad in [
            "../escape",
            "/etc/passwd",
            "a//b",
            "a/./b",
            ".partial/x",
            "",
        ] {
            assert!(blobs.put(bad, vec![]).await.is_err(), "{bad}");
            assert!(blobs.get(bad).await.is_err(), "{bad}");
        }
        assert!(!root.parent().unwrap_or(&root).join("escape").exists());
        std::fs::remove_dir_all(root)
    }

    fn tempdir_path() -> PathBuf {
        static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        std::env::temp_dir().join(format!(
            "linli-blobs-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        ))
    }

    #[test]
    fn locations_are_read_from_addresses_and_shown_without_secrets() {
        let location: BlobLocation =
            "s3://AKID:se%2Fc+ret@linli-photos/chengshangcheng?endpoint=http://127.0.0.1:9000&region=cn-east-1"
                .parse()
                .unwrap_or_else(|error| panic!("{error}"));
        let BlobLocation::ObjectStore(store) = &location else {
            panic!("an object store")
        };
        assert_eq!(store.service, ObjectService::S3);
        assert_eq!(store.bucket, "linli-photos");
        assert_eq!(store.prefix, "chengshangcheng");
        assert_eq!(store.secret.as_deref(), Some("se/c+ret"));
        assert_eq!(store.key_id.as_deref(), Some("AKID"));
        assert_eq!(store.region.as_deref(), Some("cn-east-1"));
        let shown = format!("{location} {location:?}");
        assert!(
            !shown.contains("AKID") && !shown.contains("cret"),
            "{shown}"
        );
        assert_eq!(
            "/srv/files".parse::<BlobLocation>(),
            Ok(BlobLocation::Directory("/srv/files".into()))
        );
        assert_eq!(
            "file:///srv/files".parse::<BlobLocation>(),
            Ok(BlobLocation::Directory("/srv/files".into()))
        );
        for bad in [
            "",
            "ftp://host/x",
            "s3:///no-bucket",
            "s3://KEY@bucket/x",
            "oss://k:s@bucket/x",
            "s3://bucket/x?colour=red",
        ] {
            assert!(bad.parse::<BlobLocation>().is_err(), "{bad}");
        }
    }
}
