//! Object storage: inputs and `--out` as URLs (`s3://bucket/prefix`, and
//! `gs://`, `az://`, which the `object_store` crate gives for the same
//! code), read and written through [`object_store`].
//!
//! `object_store` is async; the pipeline is threads. One small tokio runtime
//! ([`runtime`]) runs every request: [`ObjectStoreStore`] blocks on it to
//! implement the sink's [`Store`](crate::sink::Store), and
//! [`inputs::Prefetch`] reads input objects ahead of the workers, a bounded
//! window at a time.
//!
//! Credentials, region and endpoint come from the environment, as every AWS
//! tool reads them (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
//! `AWS_ENDPOINT_URL`, `AWS_REGION`, `AWS_ALLOW_HTTP`, …;
//! `GOOGLE_SERVICE_ACCOUNT`, `AZURE_STORAGE_ACCOUNT_NAME`, … for the others).
//! `file://` URLs are local paths.

pub mod inputs;
pub mod store;

pub use store::ObjectStoreStore;

use object_store::path::Path as ObjectPath;
use object_store::ObjectStore;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// Why a location could not be used.
#[derive(Debug, thiserror::Error)]
pub enum CloudError {
    /// Not a URL this build can read or write.
    #[error("{url}: unsupported URL scheme {scheme:?} (use a local path, file://, s3://, gs:// or az://)")]
    Scheme {
        /// The URL.
        url: String,
        /// Its scheme.
        scheme: String,
    },
    /// The URL does not parse, or names no bucket.
    #[error("{url}: not a valid object-store URL: {message}")]
    Url {
        /// The URL.
        url: String,
        /// What is wrong.
        message: String,
    },
    /// The store could not be configured (credentials, region, endpoint).
    #[error("{url}: cannot configure the object store: {source}")]
    Config {
        /// The URL.
        url: String,
        /// The error from `object_store`.
        source: object_store::Error,
    },
    /// The async runtime could not start.
    #[error("cannot start the object-store runtime: {0}")]
    Runtime(std::io::Error),
}

/// Where inputs are read from or the dataset is written: a local path or an
/// object-store prefix.
#[derive(Debug, Clone)]
pub enum Location {
    /// A local file or directory.
    Local(PathBuf),
    /// A prefix in an object store.
    Object(ObjectLocation),
}

/// A prefix in an object store, with the store that holds it.
#[derive(Debug, Clone)]
pub struct ObjectLocation {
    /// The URL as given, without a trailing `/` (`s3://bucket/prefix`).
    pub url: String,
    /// The store (one bucket or container).
    pub store: Arc<dyn ObjectStore>,
    /// The prefix inside it (empty: the whole bucket).
    pub prefix: ObjectPath,
}

impl ObjectLocation {
    /// The location of a folder below this one (`_refresh`).
    pub fn join(&self, child: &str) -> ObjectLocation {
        let mut prefix = self.prefix.clone();
        for part in child.split('/').filter(|p| !p.is_empty()) {
            prefix = prefix.join(part);
        }
        ObjectLocation {
            url: format!("{}/{}", self.url, child.trim_matches('/')),
            store: Arc::clone(&self.store),
            prefix,
        }
    }
}

/// Whether `arg` is written as a URL (`scheme://…`) rather than a path.
pub fn is_url(arg: &Path) -> bool {
    arg.to_str().is_some_and(|s| {
        s.split_once("://").is_some_and(|(scheme, _)| {
            !scheme.is_empty()
                && scheme
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'-' || b == b'.')
        })
    })
}

impl Location {
    /// A command-line argument as a location: a URL (`s3://…`, `file://…`)
    /// or else a local path. Building an object store reads its credentials
    /// from the environment but sends no request.
    pub fn parse(arg: &Path) -> Result<Location, CloudError> {
        if !is_url(arg) {
            return Ok(Location::Local(arg.to_path_buf()));
        }
        let text = arg.to_string_lossy();
        let trimmed = text.trim_end_matches('/');
        let url = url::Url::parse(&text).map_err(|e| CloudError::Url {
            url: text.to_string(),
            message: e.to_string(),
        })?;
        let config = |source| CloudError::Config {
            url: trimmed.to_string(),
            source,
        };
        let store: Arc<dyn ObjectStore> = match url.scheme() {
            "file" => {
                let path = url.to_file_path().map_err(|_| CloudError::Url {
                    url: text.to_string(),
                    message: "not a local file path".into(),
                })?;
                return Ok(Location::Local(path));
            }
            "s3" | "s3a" => Arc::new(
                object_store::aws::AmazonS3Builder::from_env()
                    .with_url(trimmed)
                    .build()
                    .map_err(config)?,
            ),
            "gs" => Arc::new(
                object_store::gcp::GoogleCloudStorageBuilder::from_env()
                    .with_url(trimmed)
                    .build()
                    .map_err(config)?,
            ),
            "az" | "azure" | "abfs" | "abfss" => Arc::new(
                object_store::azure::MicrosoftAzureBuilder::from_env()
                    .with_url(trimmed)
                    .build()
                    .map_err(config)?,
            ),
            other => {
                return Err(CloudError::Scheme {
                    url: text.to_string(),
                    scheme: other.to_string(),
                })
            }
        };
        if url.host_str().is_none_or(str::is_empty) {
            return Err(CloudError::Url {
                url: text.to_string(),
                message: "no bucket".into(),
            });
        }
        let path = url.path().trim_matches('/');
        let prefix = ObjectPath::parse(path).map_err(|e| CloudError::Url {
            url: text.to_string(),
            message: e.to_string(),
        })?;
        Ok(Location::Object(ObjectLocation {
            url: trimmed.to_string(),
            store,
            prefix,
        }))
    }
}

/// The runtime every object-store request runs on: two worker threads (the
/// requests wait on the network, the pipeline's threads do the work).
pub fn runtime() -> Result<&'static tokio::runtime::Runtime, CloudError> {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    if let Some(rt) = RUNTIME.get() {
        return Ok(rt);
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("xxgk-io")
        .enable_all()
        .build()
        .map_err(CloudError::Runtime)?;
    Ok(RUNTIME.get_or_init(|| rt))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_urls_are_told_apart() {
        assert!(matches!(
            Location::parse(Path::new("out/data")).unwrap(),
            Location::Local(p) if p == Path::new("out/data")
        ));
        assert!(matches!(
            Location::parse(Path::new("file:///tmp/x")).unwrap(),
            Location::Local(p) if p == Path::new("/tmp/x")
        ));
        match Location::parse(Path::new("s3://warehouse/xxgk/")).unwrap() {
            Location::Object(o) => {
                assert_eq!(o.url, "s3://warehouse/xxgk");
                assert_eq!(o.prefix.as_ref(), "xxgk");
                assert_eq!(o.join("_refresh").prefix.as_ref(), "xxgk/_refresh");
            }
            other => panic!("{other:?}"),
        }
        let err = Location::parse(Path::new("ftp://host/x")).unwrap_err();
        assert!(err.to_string().contains("unsupported URL scheme"), "{err}");
        // A Windows-style or odd local name is a path, not a URL.
        assert!(!is_url(Path::new("C:/reports")));
        assert!(!is_url(Path::new("a b://c")));
    }
}
