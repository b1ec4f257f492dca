//! Inputs in an object store: listed like a walked directory, read ahead of
//! the workers by a bounded prefetch window.
//!
//! [`list`] turns an input URL into its objects in the local walk's order
//! (sorted by path segment, so `a/b.txt` comes before `a.txt` as in a
//! directory walk), applying the same skip patterns to every segment below the
//! input prefix. [`Prefetch`] reads them, in that order, on the runtime: at
//! most [`PREFETCH_REQUESTS`] requests in flight and [`PREFETCH_BYTES`] of
//! bodies fetched but not yet taken, so memory is bounded whatever the corpus
//! and however far the network runs ahead of the parsers. Workers take each
//! object's bytes by its input index.

use super::{runtime, CloudError, ObjectLocation};
use crate::walk::ReadError;
use futures::{StreamExt, TryStreamExt};
use globset::GlobSet;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt};
use std::collections::HashMap;
use std::sync::{Arc, Condvar, Mutex};

/// Requests the prefetcher keeps in flight.
pub const PREFETCH_REQUESTS: usize = 16;

/// Bytes of fetched objects waiting for a worker, at most (a larger single
/// object is fetched alone).
pub const PREFETCH_BYTES: u64 = 64 << 20;

/// One input object found by [`list`].
#[derive(Debug, Clone)]
pub struct RemoteFile {
    /// The object's URL (`s3://bucket/crawl/a.pdf`): the path the decoder sees.
    pub url: String,
    /// Its path relative to the input prefix.
    pub rel_path: String,
    /// Its size from the listing.
    pub size: u64,
    /// The store that holds it.
    pub store: Arc<dyn ObjectStore>,
    /// Its path in the store.
    pub path: ObjectPath,
}

/// Why an input URL could not be listed.
#[derive(Debug, thiserror::Error)]
pub enum ListError {
    /// Nothing at or under the URL.
    #[error("input {0} does not exist (no object and nothing under it)")]
    NotFound(String),
    /// The runtime could not start.
    #[error(transparent)]
    Cloud(#[from] CloudError),
    /// The listing request failed (credentials, bucket, network).
    #[error("cannot list input {url}: {source}")]
    Request {
        /// The input URL.
        url: String,
        /// The error.
        source: object_store::Error,
    },
}

/// The objects under an input URL (or the one object it names), in walk
/// order, without those whose path below the prefix has a segment matching
/// `skip`.
pub fn list(input: &ObjectLocation, skip: &GlobSet) -> Result<Vec<RemoteFile>, ListError> {
    let rt = runtime()?;
    let store = Arc::clone(&input.store);
    let request = |source| ListError::Request {
        url: input.url.clone(),
        source,
    };
    let prefix = (!input.prefix.as_ref().is_empty()).then_some(&input.prefix);
    let mut metas: Vec<object_store::ObjectMeta> = rt
        .block_on(store.list(prefix).try_collect())
        .map_err(request)?;
    // Not a prefix: perhaps one object (its name relative to its "folder").
    let single = metas.is_empty() && prefix.is_some();
    if single {
        match rt.block_on(store.head(&input.prefix)) {
            Ok(meta) => metas.push(meta),
            Err(object_store::Error::NotFound { .. }) => {
                return Err(ListError::NotFound(input.url.clone()))
            }
            Err(e) => return Err(request(e)),
        }
    }
    let base = if single {
        input
            .url
            .rsplit_once('/')
            .map_or("", |(b, _)| b)
            .to_string()
    } else {
        input.url.clone()
    };
    let mut files: Vec<RemoteFile> = metas
        .into_iter()
        .filter_map(|meta| {
            let full = meta.location.as_ref();
            let rel = if single {
                meta.location.filename().unwrap_or(full).to_string()
            } else {
                match prefix {
                    Some(p) => full
                        .strip_prefix(p.as_ref())?
                        .strip_prefix('/')?
                        .to_string(),
                    None => full.to_string(),
                }
            };
            if rel.split('/').any(|segment| skip.is_match(segment)) {
                return None;
            }
            Some(RemoteFile {
                url: format!("{base}/{rel}"),
                rel_path: rel,
                size: meta.size,
                store: Arc::clone(&store),
                path: meta.location,
            })
        })
        .collect();
    // The order of a directory walk sorted by file name: by segment.
    files.sort_by(|a, b| a.rel_path.split('/').cmp(b.rel_path.split('/')));
    Ok(files)
}

/// A fetched object's bytes or why they could not be read.
type Fetched = Result<Vec<u8>, ReadError>;

/// Reads input objects ahead of the workers, in input order, within a
/// bounded window; workers [`take`](Prefetch::take) them by input index.
pub struct Prefetch {
    state: Mutex<Ready>,
    arrived: Condvar,
    receiver: Mutex<tokio::sync::mpsc::Receiver<(usize, Fetched, Budget)>>,
}

/// Fetched objects not yet taken, and whether a worker is waiting on the channel.
#[derive(Default)]
struct Ready {
    objects: HashMap<usize, (Fetched, Budget)>,
    receiving: bool,
    finished: bool,
}

/// The share of [`PREFETCH_BYTES`] an object holds until a worker takes it.
type Budget = Option<tokio::sync::OwnedSemaphorePermit>;

impl Prefetch {
    /// Start reading `files` (input index, object), in the order given, with
    /// `limit` as the largest object read (larger ones are `too_large`
    /// without a request for their bytes).
    pub fn start(files: Vec<(usize, RemoteFile)>, limit: u64) -> Result<Self, CloudError> {
        let rt = runtime()?;
        let window = files.len().clamp(1, 4 * PREFETCH_REQUESTS);
        let (sender, receiver) = tokio::sync::mpsc::channel(window);
        // Permits in KiB, so the budget fits a semaphore's count on any target.
        let budget_kib = (PREFETCH_BYTES >> 10) as usize;
        let budget = Arc::new(tokio::sync::Semaphore::new(budget_kib));
        rt.spawn(async move {
            let fetches = futures::stream::iter(files).map(|(index, file)| {
                let budget = Arc::clone(&budget);
                async move {
                    let kib = (file.size.min(limit) >> 10).clamp(1, budget_kib as u64) as u32;
                    let permit = budget.acquire_many_owned(kib).await.ok();
                    (index, fetch(&file, limit).await, permit)
                }
            });
            let mut fetches = fetches.buffered(PREFETCH_REQUESTS);
            while let Some(item) = fetches.next().await {
                if sender.send(item).await.is_err() {
                    break; // the run stopped
                }
            }
        });
        Ok(Prefetch {
            state: Mutex::new(Ready::default()),
            arrived: Condvar::new(),
            receiver: Mutex::new(receiver),
        })
    }

    /// The bytes of input `index` (blocks until they arrive). Each index is
    /// taken once; the caller must be outside the runtime (a worker thread).
    pub fn take(&self, index: usize) -> Fetched {
        let lost = || ReadError::Io(std::io::Error::other("the object prefetcher stopped"));
        let Ok(mut ready) = self.state.lock() else {
            return Err(lost());
        };
        loop {
            if let Some((fetched, _budget)) = ready.objects.remove(&index) {
                return fetched; // the budget is given back here
            }
            if ready.finished {
                return Err(lost());
            }
            if ready.receiving {
                // Another worker is receiving: it wakes us at each arrival.
                ready = match self.arrived.wait(ready) {
                    Ok(r) => r,
                    Err(_) => return Err(lost()),
                };
                continue;
            }
            ready.receiving = true;
            drop(ready);
            let item = match self.receiver.lock() {
                Ok(mut receiver) => receiver.blocking_recv(),
                Err(_) => None,
            };
            ready = match self.state.lock() {
                Ok(r) => r,
                Err(_) => return Err(lost()),
            };
            ready.receiving = false;
            match item {
                Some((i, fetched, budget)) => {
                    ready.objects.insert(i, (fetched, budget));
                }
                None => ready.finished = true,
            }
            self.arrived.notify_all();
        }
    }
}

/// Read one object whole, refusing one over `limit` bytes.
async fn fetch(file: &RemoteFile, limit: u64) -> Fetched {
    if file.size > limit {
        return Err(ReadError::TooLarge {
            size: file.size,
            limit,
        });
    }
    let io = |e: object_store::Error| {
        let kind = match e {
            object_store::Error::NotFound { .. } => std::io::ErrorKind::NotFound,
            _ => std::io::ErrorKind::Other,
        };
        ReadError::Io(std::io::Error::new(kind, e))
    };
    let result = file.store.get(&file.path).await.map_err(io)?;
    let bytes = result.bytes().await.map_err(io)?;
    // The object may have been replaced by a larger one since the listing.
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge {
            size: bytes.len() as u64,
            limit,
        });
    }
    Ok(bytes.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;
    use object_store::memory::InMemory;
    use object_store::PutPayload;

    #[test]
    fn objects_are_listed_in_walk_order_and_prefetched_in_any_take_order() {
        let store: Arc<dyn ObjectStore> = Arc::new(InMemory::new());
        let rt = runtime().unwrap();
        for (key, body) in [
            ("crawl/a.txt", "A"),
            ("crawl/a/b.txt", "B"),
            ("crawl/README.md", "skip"),
            ("crawl/.hidden/c.txt", "skip"),
            ("crawl/big.pdf", "0123456789"),
            ("other/x.txt", "X"),
        ] {
            rt.block_on(store.put(&ObjectPath::from(key), PutPayload::from(body)))
                .unwrap();
        }
        let input = ObjectLocation {
            url: "memory://bucket/crawl".into(),
            store: Arc::clone(&store),
            prefix: ObjectPath::from("crawl"),
        };
        let mut skip = globset::GlobSetBuilder::new();
        skip.add(globset::Glob::new("README*").unwrap());
        skip.add(globset::Glob::new(".*").unwrap());
        let files = list(&input, &skip.build().unwrap()).unwrap();
        let rel: Vec<&str> = files.iter().map(|f| f.rel_path.as_str()).collect();
        assert_eq!(rel, ["a/b.txt", "a.txt", "big.pdf"]);
        assert_eq!(files[0].url, "memory://bucket/crawl/a/b.txt");

        let prefetch = Prefetch::start(files.into_iter().enumerate().collect(), 5).unwrap();
        assert!(matches!(
            prefetch.take(2),
            Err(ReadError::TooLarge { size: 10, limit: 5 })
        ));
        assert_eq!(prefetch.take(0).unwrap(), b"B");
        assert_eq!(prefetch.take(1).unwrap(), b"A");
        assert!(prefetch.take(3).is_err(), "no such input");

        let one = ObjectLocation {
            url: "memory://bucket/other/x.txt".into(),
            store: Arc::clone(&store),
            prefix: ObjectPath::from("other/x.txt"),
        };
        let files = list(&one, &globset::GlobSet::empty()).unwrap();
        assert_eq!(files[0].rel_path, "x.txt");
        let missing = ObjectLocation {
            prefix: ObjectPath::from("nothing"),
            url: "memory://bucket/nothing".into(),
            ..one
        };
        assert!(matches!(
            list(&missing, &globset::GlobSet::empty()),
            Err(ListError::NotFound(_))
        ));
    }
}
