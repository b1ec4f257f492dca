//! Config: the pipeline settings file (`config/xxgk.toml`), validated once.

use serde::Deserialize;
use std::path::Path;

/// Why the config could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read config {path}: {source}")]
    Read {
        /// The config path.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not valid TOML for this schema.
    #[error("invalid config {path}: {source}")]
    Parse {
        /// The config path.
        path: String,
        /// The TOML error.
        source: toml::de::Error,
    },
    /// A value is out of range.
    #[error("invalid config: {0}")]
    Invalid(String),
}

/// All pipeline settings.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Input walking.
    pub walk: WalkConfig,
    /// PDF extraction.
    pub pdf: PdfConfig,
    /// Parquet output.
    pub sink: SinkConfig,
}

/// `[walk]` settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WalkConfig {
    /// Glob patterns matched against file names; matching files are skipped.
    pub skip: Vec<String>,
    /// Follow symbolic links.
    pub follow_links: bool,
    /// Largest input file read, in bytes; larger files are `too_large` rejects.
    pub max_file_bytes: u64,
}

/// The default bound on one input file: 256 MiB, far above any report.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 256 << 20;

impl Default for WalkConfig {
    fn default() -> Self {
        WalkConfig {
            skip: vec![".*".into()],
            follow_links: false,
            max_file_bytes: DEFAULT_MAX_FILE_BYTES,
        }
    }
}

/// `[pdf]` settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PdfConfig {
    /// Seconds pdftotext may take on one document.
    pub timeout_secs: u64,
    /// Extract with the persistent poppler worker (`xxgk-pdftext`, one per
    /// thread) when it was built; false: one `pdftotext` process per file.
    /// The output is the same either way.
    pub persistent_worker: bool,
}

impl Default for PdfConfig {
    fn default() -> Self {
        PdfConfig {
            timeout_secs: 60,
            persistent_worker: true,
        }
    }
}

/// `[sink]` settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SinkConfig {
    /// Rows per part file (per partition) before a new file is started.
    pub max_rows_per_file: usize,
    /// Rows buffered across partitions before the biggest idle one is written.
    pub max_buffered_rows: usize,
    /// Rows per row group.
    pub row_group_rows: usize,
    /// zstd level.
    pub zstd_level: i32,
}

impl Default for SinkConfig {
    fn default() -> Self {
        let d = crate::sink::WriterOptions::default();
        SinkConfig {
            max_rows_per_file: d.max_rows_per_file,
            max_buffered_rows: d.max_buffered_rows,
            row_group_rows: d.row_group_rows,
            zstd_level: d.zstd_level,
        }
    }
}

impl Config {
    /// Read and validate a config file.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.display().to_string(),
            source,
        })?;
        Self::parse(&text).map_err(|e| match e {
            ConfigError::Parse { source, .. } => ConfigError::Parse {
                path: path.display().to_string(),
                source,
            },
            other => other,
        })
    }

    /// The settings shipped in `config/xxgk.toml`, compiled in: used when no
    /// config file is given and none is found in the working directory.
    pub fn builtin() -> Self {
        Self::parse(include_str!("../config/xxgk.toml")).unwrap_or_default()
    }

    /// Parse and validate config text.
    pub fn parse(text: &str) -> Result<Self, ConfigError> {
        let config: Config = toml::from_str(text).map_err(|source| ConfigError::Parse {
            path: "<text>".into(),
            source,
        })?;
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        for pattern in &self.walk.skip {
            globset::Glob::new(pattern)
                .map_err(|e| ConfigError::Invalid(format!("walk.skip pattern {pattern:?}: {e}")))?;
        }
        if self.walk.max_file_bytes == 0 {
            return Err(ConfigError::Invalid(
                "walk.max_file_bytes must be at least 1".into(),
            ));
        }
        if self.pdf.timeout_secs == 0 {
            return Err(ConfigError::Invalid(
                "pdf.timeout_secs must be at least 1".into(),
            ));
        }
        if self.sink.max_rows_per_file == 0
            || self.sink.row_group_rows == 0
            || self.sink.max_buffered_rows == 0
        {
            return Err(ConfigError::Invalid("sink sizes must be at least 1".into()));
        }
        if !(1..=22).contains(&self.sink.zstd_level) {
            return Err(ConfigError::Invalid(
                "sink.zstd_level must be 1..=22".into(),
            ));
        }
        Ok(())
    }

    /// PDF extraction options from the `[pdf]` section.
    pub(crate) fn pdf_options(&self) -> crate::decode::PdfOptions {
        let defaults = crate::decode::PdfOptions::default();
        crate::decode::PdfOptions {
            timeout: std::time::Duration::from_secs(self.pdf.timeout_secs),
            worker: defaults.worker.filter(|_| self.pdf.persistent_worker),
            ..defaults
        }
    }

    /// Writer options from the `[sink]` section.
    pub(crate) fn writer_options(&self) -> crate::sink::WriterOptions {
        crate::sink::WriterOptions {
            max_rows_per_file: self.sink.max_rows_per_file,
            max_buffered_rows: self.sink.max_buffered_rows,
            row_group_rows: self.sink.row_group_rows,
            zstd_level: self.sink.zstd_level,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_config_is_valid() {
        let text = include_str!("../config/xxgk.toml");
        Config::parse(text).unwrap();
    }

    #[test]
    fn the_pdf_worker_can_be_turned_off() {
        let on = Config::parse("[pdf]\ntimeout_secs = 5\n")
            .unwrap()
            .pdf_options();
        assert_eq!(on.worker, crate::decode::PdfOptions::default().worker);
        assert_eq!(on.timeout, std::time::Duration::from_secs(5));
        let off = Config::parse("[pdf]\npersistent_worker = false\n").unwrap();
        assert_eq!(off.pdf_options().worker, None);
    }

    #[test]
    fn unknown_fields_are_errors() {
        assert!(Config::parse("[walk]\nskp = []\n").is_err());
        assert!(Config::parse("[pdf]\ntimeout_secs = 0\n").is_err());
    }
}
