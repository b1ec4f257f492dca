//! [`ObjectStoreStore`]: the sink's [`Store`] on an object store.
//!
//! Every call blocks on the shared runtime ([`super::runtime`]). A `put` is
//! one request, which object stores make atomic (readers see the whole
//! object or none); `put_if_absent` is a conditional put (`If-None-Match: *`),
//! `replace_if_unchanged` one on the ETag (`If-Match`); there are no
//! renames, so a promote is a server-side copy followed by a delete of the
//! source, and a batch of them runs [`CONCURRENT_REQUESTS`] at a time.

use super::{runtime, CloudError, ObjectLocation};
use crate::sink::store::{vanished, Store, Versioned};
use futures::{StreamExt, TryStreamExt};
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt, PutMode, PutOptions, PutPayload, UpdateVersion};
use std::future::Future;
use std::io;
use std::sync::Arc;

/// Requests a batch operation (moves, deletes) keeps in flight.
pub const CONCURRENT_REQUESTS: usize = 32;

/// A dataset under a prefix of an object store.
#[derive(Debug, Clone)]
pub struct ObjectStoreStore {
    location: ObjectLocation,
    rt: &'static tokio::runtime::Runtime,
}

/// An `object_store` error as an I/O error that names the object.
fn io_error(url: &str, e: object_store::Error) -> io::Error {
    let kind = match e {
        object_store::Error::NotFound { .. } => io::ErrorKind::NotFound,
        object_store::Error::AlreadyExists { .. } => io::ErrorKind::AlreadyExists,
        _ => io::ErrorKind::Other,
    };
    io::Error::new(kind, format!("{url}: {e}"))
}

impl ObjectStoreStore {
    /// Open the dataset at `location`, checking with a write and a delete
    /// that the bucket exists and the credentials may write to it.
    pub fn open(location: ObjectLocation) -> Result<Self, OpenError> {
        let store = ObjectStoreStore {
            location,
            rt: runtime()?,
        };
        let probe = format!(".write-probe-{}", std::process::id());
        store
            .put(&probe, b"")
            .and_then(|_| store.delete(&probe))
            .map_err(|source| OpenError::Unwritable {
                url: store.location.url.clone(),
                source,
            })?;
        Ok(store)
    }

    /// A store over the same location without the write check (tests).
    pub fn unchecked(location: ObjectLocation) -> Result<Self, CloudError> {
        Ok(ObjectStoreStore {
            location,
            rt: runtime()?,
        })
    }

    /// The dataset's URL.
    pub fn url(&self) -> &str {
        &self.location.url
    }

    fn store(&self) -> &Arc<dyn ObjectStore> {
        &self.location.store
    }

    /// The object path of a key.
    fn path(&self, key: &str) -> io::Result<ObjectPath> {
        let key = key.trim_matches('/');
        let full = match (self.location.prefix.as_ref(), key) {
            ("", key) => key.to_string(),
            (prefix, "") => prefix.to_string(),
            (prefix, key) => format!("{prefix}/{key}"),
        };
        ObjectPath::parse(&full).map_err(|e| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("{}: invalid key: {e}", self.describe(key)),
            )
        })
    }

    /// The key of an object path under this store's prefix.
    fn key_of(&self, path: &ObjectPath) -> Option<String> {
        let prefix = self.location.prefix.as_ref();
        let full = path.as_ref();
        if prefix.is_empty() {
            return Some(full.to_string());
        }
        full.strip_prefix(prefix)?
            .strip_prefix('/')
            .map(str::to_string)
    }

    fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.rt.block_on(future)
    }

    /// Move one object: copy, then delete the source. A missing source whose
    /// destination exists was moved before.
    async fn promote_one(&self, from: &str, to: &str) -> io::Result<()> {
        let (src, dst) = (self.path(from)?, self.path(to)?);
        match self.store().copy(&src, &dst).await {
            Ok(()) => {}
            Err(object_store::Error::NotFound { .. }) => {
                return match self.store().head(&dst).await {
                    Ok(_) => Ok(()),
                    Err(object_store::Error::NotFound { .. }) => {
                        Err(vanished(&self.describe(from), &self.describe(to)))
                    }
                    Err(e) => Err(io_error(&self.describe(to), e)),
                };
            }
            Err(e) => return Err(io_error(&self.describe(from), e)),
        }
        match self.store().delete(&src).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(io_error(&self.describe(from), e)),
        }
    }
}

/// Why a dataset on an object store could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// The runtime could not start.
    #[error(transparent)]
    Cloud(#[from] CloudError),
    /// The probe write failed: no such bucket, no credentials, no permission, no network.
    #[error("{url} is not writable: {source}")]
    Unwritable {
        /// The dataset URL.
        url: String,
        /// The error.
        source: io::Error,
    },
}

impl Store for ObjectStoreStore {
    fn put(&self, key: &str, bytes: &[u8]) -> io::Result<()> {
        let path = self.path(key)?;
        let payload = PutPayload::from(bytes.to_vec());
        self.block_on(self.store().put(&path, payload))
            .map(|_| ())
            .map_err(|e| io_error(&self.describe(key), e))
    }

    fn put_if_absent(&self, key: &str, bytes: &[u8]) -> io::Result<bool> {
        let path = self.path(key)?;
        let options = PutOptions::from(PutMode::Create);
        match self.block_on(
            self.store()
                .put_opts(&path, PutPayload::from(bytes.to_vec()), options),
        ) {
            Ok(_) => Ok(true),
            Err(object_store::Error::AlreadyExists { .. })
            | Err(object_store::Error::Precondition { .. }) => Ok(false),
            Err(e) => Err(io_error(&self.describe(key), e)),
        }
    }

    fn get_versioned(&self, key: &str) -> io::Result<Option<Versioned>> {
        let path = self.path(key)?;
        self.block_on(async {
            let result = match self.store().get(&path).await {
                Ok(result) => result,
                Err(object_store::Error::NotFound { .. }) => return Ok(None),
                Err(e) => return Err(e),
            };
            let version = result.meta.e_tag.clone().unwrap_or_default();
            let bytes = result.bytes().await?;
            Ok(Some(Versioned {
                bytes: bytes.to_vec(),
                version,
            }))
        })
        .map_err(|e| io_error(&self.describe(key), e))
    }

    fn replace_if_unchanged(&self, key: &str, version: &str, bytes: &[u8]) -> io::Result<bool> {
        let path = self.path(key)?;
        let options = PutOptions::from(PutMode::Update(UpdateVersion {
            e_tag: Some(version.to_string()),
            version: None,
        }));
        match self.block_on(
            self.store()
                .put_opts(&path, PutPayload::from(bytes.to_vec()), options),
        ) {
            Ok(_) => Ok(true),
            Err(object_store::Error::Precondition { .. })
            | Err(object_store::Error::NotFound { .. })
            | Err(object_store::Error::AlreadyExists { .. }) => Ok(false),
            Err(e) => Err(io_error(&self.describe(key), e)),
        }
    }

    fn promote(&self, from: &str, to: &str) -> io::Result<()> {
        self.block_on(self.promote_one(from, to))
    }

    /// `CONCURRENT_REQUESTS` moves in flight: each is two round trips.
    fn promote_all(&self, moves: &[(String, String)]) -> io::Result<()> {
        self.block_on(
            futures::stream::iter(moves)
                .map(|(from, to)| self.promote_one(from, to))
                .buffer_unordered(CONCURRENT_REQUESTS)
                .try_collect::<Vec<()>>(),
        )
        .map(|_| ())
    }

    fn list(&self, prefix: &str) -> io::Result<Vec<String>> {
        let path = self.path(prefix)?;
        let listed: Vec<object_store::ObjectMeta> = self
            .block_on(self.store().list(Some(&path)).try_collect())
            .map_err(|e| io_error(&self.describe(prefix), e))?;
        let mut keys: Vec<String> = listed
            .iter()
            .filter_map(|meta| self.key_of(&meta.location))
            .collect();
        keys.sort();
        Ok(keys)
    }

    fn delete(&self, key: &str) -> io::Result<()> {
        let path = self.path(key)?;
        match self.block_on(self.store().delete(&path)) {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(io_error(&self.describe(key), e)),
        }
    }

    /// A listing, then bulk deletes.
    fn delete_prefix(&self, prefix: &str) -> io::Result<()> {
        let path = self.path(prefix)?;
        let store = Arc::clone(self.store());
        self.block_on(async {
            let locations = store.list(Some(&path)).map_ok(|meta| meta.location).boxed();
            store
                .delete_stream(locations)
                .try_for_each(|_| futures::future::ready(Ok(())))
                .await
        })
        .or_else(|e| match e {
            object_store::Error::NotFound { .. } => Ok(()),
            e => Err(io_error(&self.describe(prefix), e)),
        })
    }

    fn get(&self, key: &str) -> io::Result<Option<Vec<u8>>> {
        let path = self.path(key)?;
        self.block_on(async {
            match self.store().get(&path).await {
                Ok(result) => Ok(Some(result.bytes().await?.to_vec())),
                Err(object_store::Error::NotFound { .. }) => Ok(None),
                Err(e) => Err(e),
            }
        })
        .map_err(|e| io_error(&self.describe(key), e))
    }

    fn exists(&self, key: &str) -> io::Result<bool> {
        let path = self.path(key)?;
        match self.block_on(self.store().head(&path)) {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(e) => Err(io_error(&self.describe(key), e)),
        }
    }

    fn object_store_root(
        &self,
        key: &str,
    ) -> io::Result<(crate::sink::store::ObjectStoreRef, url::Url)> {
        let url = url::Url::parse(&self.describe(key)).map_err(|e| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("{}: {e}", self.describe(key)),
            )
        })?;
        Ok((Arc::clone(self.store()), url))
    }

    fn describe(&self, key: &str) -> String {
        if key.is_empty() {
            self.location.url.clone()
        } else {
            format!("{}/{}", self.location.url, key.trim_start_matches('/'))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use object_store::memory::InMemory;

    fn store() -> ObjectStoreStore {
        ObjectStoreStore::unchecked(ObjectLocation {
            url: "memory://bucket/data".into(),
            store: Arc::new(InMemory::new()),
            prefix: ObjectPath::from("data"),
        })
        .unwrap()
    }

    #[test]
    fn the_store_contract_holds_on_an_object_store() {
        let s = store();
        assert!(s.put_if_absent("_lock", b"a").unwrap());
        assert!(!s.put_if_absent("_lock", b"b").unwrap());
        let v = s.get_versioned("_lock").unwrap().unwrap();
        assert_eq!(v.bytes, b"a");
        assert!(s.replace_if_unchanged("_lock", &v.version, b"c").unwrap());
        // The version we read is gone: a second contender loses.
        assert!(!s.replace_if_unchanged("_lock", &v.version, b"d").unwrap());
        assert_eq!(s.get("_lock").unwrap().unwrap(), b"c");

        s.put("_staging/run-00001/000000.parquet", b"p0").unwrap();
        s.put("_staging/run-00001/000001.parquet", b"p1").unwrap();
        let moves = vec![
            (
                "_staging/run-00001/000000.parquet".to_string(),
                "t/region=x/year=2020/a.parquet".to_string(),
            ),
            (
                "_staging/run-00001/000001.parquet".to_string(),
                "t/b.parquet".to_string(),
            ),
        ];
        s.promote_all(&moves).unwrap();
        // Again: every move is found done.
        s.promote_all(&moves).unwrap();
        assert_eq!(
            s.list("").unwrap(),
            vec!["_lock", "t/b.parquet", "t/region=x/year=2020/a.parquet"]
        );
        assert_eq!(s.list("t/region=x").unwrap().len(), 1);
        // A move whose both ends are gone is an error.
        let gone = [("nowhere".to_string(), "neither".to_string())];
        assert!(s.promote_all(&gone).is_err());
        s.delete_prefix("t").unwrap();
        s.delete("missing").unwrap();
        assert_eq!(s.list("").unwrap(), vec!["_lock"]);
        assert_eq!(s.describe("_lock"), "memory://bucket/data/_lock");
    }
}
