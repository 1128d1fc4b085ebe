//! Blob storage for uploaded files. The local implementation keeps them under the data
//! directory; a deployment of several instances plugs in shared object storage behind
//! the same trait.

use std::future::Future;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::pin::Pin;

pub type BlobFuture<'a, T> = Pin<Box<dyn Future<Output = io::Result<T>> + Send + 'a>>;

pub trait BlobStore: Send + Sync + 'static {
    /// Stores `bytes` under `key` durably before returning.
    fn put<'a>(&'a self, key: &'a str, bytes: Vec<u8>) -> BlobFuture<'a, ()>;
    /// The bytes under `key`, or `None`.
    fn get<'a>(&'a self, key: &'a str) -> BlobFuture<'a, Option<Vec<u8>>>;
}

/// Files under a directory; keys are relative paths of plain segments.
#[derive(Debug, Clone)]
pub struct LocalBlobs {
    root: PathBuf,
}

impl LocalBlobs {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    fn path_of(&self, key: &str) -> io::Result<PathBuf> {
        let relative = Path::new(key);
        let plain = relative
            .components()
            .all(|component| matches!(component, Component::Normal(_)));
        if key.is_empty() || !plain {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "blob keys are relative paths",
            ));
        }
        Ok(self.root.join(relative))
    }
}

impl BlobStore for LocalBlobs {
    fn put<'a>(&'a self, key: &'a str, bytes: Vec<u8>) -> BlobFuture<'a, ()> {
        Box::pin(async move {
            let path = self.path_of(key)?;
            tokio::task::spawn_blocking(move || {
                let directory = path
                    .parent()
                    .ok_or_else(|| io::Error::other("blob path without a directory"))?;
                std::fs::create_dir_all(directory)?;
                // Written to a temporary name, synced, then renamed: a crash leaves either
                // nothing or the whole file.
                let temporary = path.with_extension("partial");
                {
                    use std::io::Write;
                    let mut file = std::fs::File::create(&temporary)?;
                    file.write_all(&bytes)?;
                    file.sync_all()?;
                }
                std::fs::rename(&temporary, &path)
            })
            .await
            .map_err(io::Error::other)?
        })
    }

    fn get<'a>(&'a self, key: &'a str) -> BlobFuture<'a, Option<Vec<u8>>> {
        Box::pin(async move {
            let path = self.path_of(key)?;
            match tokio::fs::read(path).await {
                Ok(bytes) => Ok(Some(bytes)),
                Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(None),
                Err(error) => Err(error),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn stores_and_reads_back_and_refuses_escaping_keys() -> io::Result<()> {
        let root = std::env::temp_dir().join(format!("linli-blobs-{}", std::process::id()));
        let blobs = LocalBlobs::new(&root);
        blobs.put("photos/1/a.jpg", b"jpeg".to_vec()).await?;
        assert_eq!(blobs.get("photos/1/a.jpg").await?, Some(b"jpeg".to_vec()));
        assert_eq!(blobs.get("photos/1/missing.jpg").await?, None);
        assert!(blobs.put("../escape", vec![]).await.is_err());
        assert!(blobs.get("/etc/passwd").await.is_err());
        std::fs::remove_dir_all(root)
    }
}
