//! A progress bar on stderr (files, MB/s, ETA), shown only on a terminal.
//! Drawn with indicatif under the `cli` feature; without it (a library build)
//! there is no bar and no dependency.

use std::io::IsTerminal;

/// Progress of a run, by bytes read; hidden when disabled or not on a terminal.
pub struct Progress {
    #[cfg(feature = "cli")]
    bar: indicatif::ProgressBar,
}

impl Progress {
    /// Whether a bar would be drawn: asked for, and stderr is a terminal
    /// (and the bar is built in: the `cli` feature).
    pub fn shown(enabled: bool) -> bool {
        cfg!(feature = "cli") && enabled && std::io::stderr().is_terminal()
    }

    /// A bar over `total_bytes` of `files` files.
    #[cfg(feature = "cli")]
    pub fn new(enabled: bool, files: u64, total_bytes: u64) -> Self {
        use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
        let bar = ProgressBar::with_draw_target(Some(total_bytes), ProgressDrawTarget::stderr());
        if !Self::shown(enabled) {
            bar.set_draw_target(ProgressDrawTarget::hidden());
        }
        let style = ProgressStyle::with_template(
            "{bar:30} {bytes}/{total_bytes} {binary_bytes_per_sec} ETA {eta} {msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar());
        bar.set_style(style);
        bar.set_message(format!("{files} files"));
        Progress { bar }
    }

    /// No bar: the `cli` feature is off.
    #[cfg(not(feature = "cli"))]
    pub fn new(_enabled: bool, _files: u64, _total_bytes: u64) -> Self {
        Progress {}
    }

    /// One file of `bytes` done.
    pub fn advance(&self, _bytes: u64) {
        #[cfg(feature = "cli")]
        self.bar.inc(_bytes);
    }

    /// Remove the bar.
    pub fn finish(&self) {
        #[cfg(feature = "cli")]
        self.bar.finish_and_clear();
    }
}
