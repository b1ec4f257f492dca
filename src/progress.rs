//! A progress bar on stderr (files, MB/s, ETA), shown only on a terminal.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;

/// Progress of a run, by bytes read; hidden when disabled or not on a terminal.
pub struct Progress {
    bar: ProgressBar,
}

impl Progress {
    /// Whether a bar would be drawn: asked for, and stderr is a terminal.
    pub fn shown(enabled: bool) -> bool {
        enabled && std::io::stderr().is_terminal()
    }

    /// A bar over `total_bytes` of `files` files.
    pub fn new(enabled: bool, files: u64, total_bytes: u64) -> Self {
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

    /// One file of `bytes` done.
    pub fn advance(&self, bytes: u64) {
        self.bar.inc(bytes);
    }

    /// Remove the bar.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
