//! PDF decoder: the page geometry where the pages draw ruled tables, poppler's
//! `pdftotext -layout` text otherwise.
//!
//! Chinese government PDFs use CID fonts (Identity-H, embedded subsets, or the
//! Adobe-GB1 standard fonts that need poppler-data's CMaps) that pure-Rust
//! extractors mishandle, so the text always comes from poppler's `pdftotext`:
//!
//! * The file's pages are read here for their ruling lines (cell borders;
//!   [`geometry`], bounded and panic-safe), while `pdftotext -bbox`, started
//!   just before, already runs. Where they close ruled
//!   tables, `pdftotext -bbox` gives every word with its box, and each
//!   table becomes a [`Block::Table`] grid (spans expanded, as from HTML and
//!   DOCX): the words inside one cell's box are that cell, so a number wrapped
//!   inside a narrow cell (`2` above `6`) is 26 and a header printed one
//!   character a line (`自`/`然`/`人`) is one word. Text outside tables becomes
//!   lines in reading order, laid out as `-layout` lays them out.
//! * A PDF without ruled tables, or one the geometry reader cannot open
//!   (encrypted, unusual filters, damaged), or whose word pages do not match
//!   its pages, is read with `pdftotext -layout` as before.
//!
//! The extractor is poppler in a child process, one of two kinds:
//!
//! * `xxgk-pdftext` ([`worker`]), when `build.rs` could compile it: one per
//!   thread, kept for document after document, printing what `pdftotext`
//!   prints. The ruling lines are read first, and the worker is asked for
//!   exactly the output needed. Its own module says how a hang, crash or
//!   flood is contained.
//! * otherwise `pdftotext`, a process per document, as follows.
//!
//! A `pdftotext` run:
//!
//! * the bytes go to `pdftotext`'s stdin (input file `-`), written on a thread
//!   of their own (no temporary file); `pdftotext -bbox` is started before the
//!   ruling lines are read, so that the two run at once, and killed if the
//!   file turns out to have no ruled table;
//! * stdout and stderr are piped, each drained on its
//!   own thread so a large output cannot deadlock the pipe; stdout is capped
//!   ([`PdfOptions::max_output_bytes`]) — past the cap the pipe is closed and
//!   the child killed;
//! * the child gets [`PdfOptions::timeout`]; then it is killed and reaped,
//!   and the file is an [`DecodeError::ExtractorFailed`]. A
//!   crash (signal) or a failing exit is also `ExtractorFailed`, except that a
//!   file poppler cannot parse ("Syntax Error", "Couldn't …", "May not be a PDF")
//!   is [`DecodeError::Corrupt`], and a password or copy-protected one
//!   [`DecodeError::Unsupported`]; a missing `pdftotext` is
//!   [`DecodeError::ExtractorMissing`].
//!
//! Output of the `-layout` way: one [`Block::Line`] per text line, layout
//! spacing kept (the table parser splits space-aligned columns itself); a form
//! feed (page break) is a line break, as in the text decoder; trailing blank
//! lines are dropped, and so are lines that are only a page number (`-3-`,
//! `- 3 -`, `—3—`, `第3页`, `第3页 共12页`, `3/12`, `Page 3`, and a bare number
//! that is the first or last line of its page when such numbers run in step
//! with the pages); the geometry way drops the same page numbers. Text that
//! is empty or only whitespace is [`DecodeError::NoTextLayer`] (a scan).

use super::DecodeError;
use crate::model::{Block, Document, SourceFormat};
use pages::text_to_blocks;
use std::io::{ErrorKind, Read, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

mod geometry;
mod pages;
#[cfg(unix)]
mod worker;
/// Without `poll(2)` and exit signals there is no worker: `pdftotext` per file.
#[cfg(not(unix))]
mod worker {
    pub fn default_program() -> Option<std::path::PathBuf> {
        None
    }
    pub(super) fn extract(
        _: &std::path::Path,
        _: &[u8],
        _: super::Mode,
        _: &super::PdfOptions,
    ) -> Option<Result<super::Run, super::DecodeError>> {
        None
    }
}

/// Message of [`DecodeError::ExtractorMissing`] for PDFs.
pub const PDFTOTEXT_MISSING: &str =
    "pdftotext (poppler-utils) is not installed; install Debian packages poppler-utils and poppler-data to read PDFs";

/// How much of the extractor's stderr is kept for messages.
const MAX_STDERR_BYTES: usize = 64 * 1024;

/// Settings for the external PDF text extractor.
#[derive(Debug, Clone)]
pub struct PdfOptions {
    /// Longest time one document may take to extract; the extractor is killed after it.
    pub timeout: Duration,
    /// The `pdftotext` executable (a name looked up in `PATH`, or a path).
    pub program: PathBuf,
    /// The persistent worker, `xxgk-pdftext` (`decode/pdf/worker.rs`): one poppler per
    /// thread for document after document, the same output as `program`.
    /// None: one `program` process per document. Defaults to the one found
    /// next to the executable or built with the crate.
    pub worker: Option<PathBuf>,
    /// Most bytes of extracted text accepted from one document; more is `ExtractorFailed`.
    pub max_output_bytes: usize,
}

impl Default for PdfOptions {
    fn default() -> Self {
        PdfOptions {
            timeout: Duration::from_secs(60),
            program: PathBuf::from("pdftotext"),
            worker: worker::default_program(),
            max_output_bytes: 256 << 20,
        }
    }
}

/// Decode a PDF file into lines and tables: ruled tables from the page
/// geometry (`pdftotext -bbox` word boxes and the ruling lines), with the text
/// around them as lines; a PDF without ruled tables as `pdftotext -layout` text.
///
/// `pdftotext -bbox` is started first and the ruling lines are read while it
/// runs (its start-up alone takes longer than the read); if the file has no
/// ruled table after all, that child is killed and `-layout` run instead.
pub fn decode(bytes: &[u8], opts: &PdfOptions) -> Result<Document, DecodeError> {
    if bytes.is_empty() {
        return Err(DecodeError::Empty);
    }
    let deadline = Instant::now().checked_add(opts.timeout);
    let ruled = || geometry::scan(bytes, deadline).filter(|g| g.has_tables());
    let blocks = if opts.worker.is_some() {
        // The worker is already running: read the ruling lines first and ask
        // it for exactly the output needed.
        match ruled() {
            Some(geometry) => tables(&geometry, extract(bytes, opts, Mode::Boxes)?, bytes, opts)?,
            None => layout_blocks(bytes, opts)?,
        }
    } else {
        // A process per document: start `-bbox` at once so that the ruling
        // lines are read while poppler starts up.
        let boxes = Pending::start(bytes, opts, Mode::Boxes)?;
        match ruled() {
            Some(geometry) => tables(&geometry, boxes.finish(opts)?, bytes, opts)?,
            None => {
                drop(boxes); // killed and reaped
                layout_blocks(bytes, opts)?
            }
        }
    };
    document(blocks)
}

/// The blocks of a PDF with ruled tables, from its `-bbox` run; the `-layout`
/// text if the words do not fit the pages.
fn tables(
    geometry: &geometry::Geometry,
    boxes: Run,
    bytes: &[u8],
    opts: &PdfOptions,
) -> Result<Vec<Block>, DecodeError> {
    if !boxes.status.success() {
        return Err(classify_failure(boxes.status, &boxes.stderr));
    }
    match geometry.blocks(&boxes.stdout) {
        Some(blocks) => Ok(blocks),
        None => layout_blocks(bytes, opts),
    }
}

/// One extraction, by the worker if there is one that runs, else by a
/// `pdftotext` process.
fn extract(bytes: &[u8], opts: &PdfOptions, mode: Mode) -> Result<Run, DecodeError> {
    if let Some(program) = &opts.worker {
        if let Some(run) = worker::extract(program, bytes, mode, opts) {
            return run;
        }
    }
    Pending::start(bytes, opts, mode)?.finish(opts)
}

/// Decode a PDF the `-layout` way only (no geometry): the lines of
/// `pdftotext -layout`, less page numbers.
#[cfg(test)]
pub(crate) fn decode_layout(bytes: &[u8], opts: &PdfOptions) -> Result<Document, DecodeError> {
    if bytes.is_empty() {
        return Err(DecodeError::Empty);
    }
    let blocks = layout_blocks(bytes, opts)?;
    document(blocks)
}

/// `pdftotext -layout` text → lines, page breaks.
fn layout_blocks(bytes: &[u8], opts: &PdfOptions) -> Result<Vec<Block>, DecodeError> {
    let run = extract(bytes, opts, Mode::Layout)?;
    if !run.status.success() {
        return Err(classify_failure(run.status, &run.stderr));
    }
    Ok(text_to_blocks(&String::from_utf8_lossy(&run.stdout)))
}

/// The document, unless it has no text at all (a scan).
fn document(blocks: Vec<Block>) -> Result<Document, DecodeError> {
    let has_text = blocks.iter().any(|b| match b {
        Block::Line(l) => !l.trim().is_empty(),
        Block::Table(rows) => rows.iter().flatten().any(|c| !c.text.trim().is_empty()),
        Block::PageBreak => false,
    });
    if !has_text {
        return Err(DecodeError::NoTextLayer);
    }
    Ok(Document {
        format: SourceFormat::Pdf,
        encoding: "UTF-8".into(),
        blocks,
        findings: Vec::new(),
    })
}

// ---------------------------------------------------------------------------
// Running pdftotext
// ---------------------------------------------------------------------------

struct Run {
    status: ExitStatus,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
}

/// What a pipe-draining thread read: the bytes kept, and whether there were more.
type Drained = (Vec<u8>, bool);

/// What pdftotext is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// `-layout`: text laid out in space-aligned columns.
    Layout,
    /// `-bbox`: XHTML with a box for every word.
    Boxes,
}

/// A started `pdftotext`: the PDF goes to its stdin and its stdout and stderr
/// are drained, each on its own thread. Dropped unfinished, the child is
/// killed and reaped.
struct Pending {
    child: Reaped,
    started: Instant,
    stdout: JoinHandle<Drained>,
    /// Disconnected when the stdout thread ends: the child closed its output.
    stdout_closed: Receiver<()>,
    stderr: JoinHandle<Drained>,
}

impl Pending {
    fn start(bytes: &[u8], opts: &PdfOptions, mode: Mode) -> Result<Pending, DecodeError> {
        let started = Instant::now();
        let mut child = Command::new(&opts.program)
            .arg(match mode {
                Mode::Layout => "-layout",
                Mode::Boxes => "-bbox",
            })
            .arg("-enc")
            .arg("UTF-8")
            .arg("-")
            .arg("-")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| {
                if e.kind() == ErrorKind::NotFound {
                    DecodeError::ExtractorMissing(PDFTOTEXT_MISSING.to_string())
                } else {
                    DecodeError::ExtractorFailed(format!(
                        "cannot start {}: {e}",
                        opts.program.display()
                    ))
                }
            })?;
        let stdin = child.stdin.take().map(|pipe| feed(pipe, bytes.to_vec()));
        let (closed_tx, stdout_closed) = mpsc::channel();
        let stdout = child
            .stdout
            .take()
            .map(|pipe| drain(pipe, opts.max_output_bytes, false, Some(closed_tx)));
        let stderr = child
            .stderr
            .take()
            .map(|pipe| drain(pipe, MAX_STDERR_BYTES, true, None));
        match (stdin, stdout, stderr) {
            // The feeding thread ends by itself: the bytes are written, or the
            // pipe breaks when the child exits or is killed.
            (Some(Ok(_)), Some(Ok(stdout)), Some(Ok(stderr))) => Ok(Pending {
                child: Reaped(Some(child)),
                started,
                stdout,
                stdout_closed,
                stderr,
            }),
            _ => {
                kill(&mut child);
                Err(DecodeError::ExtractorFailed(
                    "cannot start threads to feed and read pdftotext".into(),
                ))
            }
        }
    }

    /// Wait for the child (within the timeout, counted from its start) and
    /// collect its output.
    fn finish(self, opts: &PdfOptions) -> Result<Run, DecodeError> {
        let Pending {
            mut child,
            started,
            stdout,
            stdout_closed,
            stderr,
        } = self;
        let Some(mut child) = child.0.take() else {
            return Err(DecodeError::ExtractorFailed(
                "pdftotext was not started".into(),
            ));
        };
        let status = match wait_until(&mut child, &stdout_closed, started + opts.timeout) {
            Ok(Some(status)) => status,
            // On these paths the reader threads are left to finish on their own
            // (they end when the pipes close), so nothing here can block.
            Ok(None) => {
                kill(&mut child);
                return Err(DecodeError::ExtractorFailed(format!(
                    "pdftotext did not finish within {} s and was killed",
                    opts.timeout.as_secs_f64()
                )));
            }
            Err(e) => {
                kill(&mut child);
                return Err(DecodeError::ExtractorFailed(format!(
                    "waiting for pdftotext failed: {e}"
                )));
            }
        };
        let (out, overflow) = join(stdout);
        let (err, _) = join(stderr);
        if overflow {
            return Err(DecodeError::ExtractorFailed(format!(
                "pdftotext produced more than {} MiB of text",
                opts.max_output_bytes >> 20
            )));
        }
        Ok(Run {
            status,
            stdout: out,
            stderr: err,
        })
    }
}

/// Wait for the child to exit until `deadline`: None if it is still running then.
///
/// No signal handler: a SIGCHLD handler is process-wide, and a host process
/// may reset it at any time (PySpark's worker sets SIGCHLD to its default for
/// every task, after which a handler-based wait saw no child exit and ran
/// into the timeout). The end of the child's stdout is the signal instead,
/// received without polling; the exit that follows it is polled, with pauses
/// growing from 50 µs.
fn wait_until(
    child: &mut Child,
    stdout_closed: &Receiver<()>,
    deadline: Instant,
) -> std::io::Result<Option<ExitStatus>> {
    let left = deadline.saturating_duration_since(Instant::now());
    if let Err(RecvTimeoutError::Timeout) = stdout_closed.recv_timeout(left) {
        return child.try_wait();
    }
    let mut pause = Duration::from_micros(50);
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(Some(status));
        }
        let now = Instant::now();
        if now >= deadline {
            return Ok(None);
        }
        std::thread::sleep(pause.min(deadline - now));
        pause = (pause * 2).min(Duration::from_millis(10));
    }
}

/// A child that is killed and reaped when dropped unless taken out first.
struct Reaped(Option<Child>);

impl Drop for Reaped {
    fn drop(&mut self) {
        if let Some(child) = self.0.as_mut() {
            kill(child);
        }
    }
}

/// Write the PDF to the child's stdin on a thread, then close it. A write
/// error (the child exited or was killed without reading it all) is left to
/// the child's exit status to report.
fn feed(mut pipe: ChildStdin, bytes: Vec<u8>) -> std::io::Result<JoinHandle<()>> {
    std::thread::Builder::new()
        .name("pdftotext-feed".into())
        .spawn(move || {
            let _ = pipe.write_all(&bytes);
        })
}

/// Read a pipe on a thread, keeping at most `limit` bytes. Past the limit the
/// pipe is either drained and discarded (`keep_draining`, for stderr) or
/// closed (stdout: the child then dies of SIGPIPE or is killed).
/// `closed` is dropped when the thread ends, which its receiver sees.
fn drain<R: Read + Send + 'static>(
    mut pipe: R,
    limit: usize,
    keep_draining: bool,
    closed: Option<mpsc::Sender<()>>,
) -> std::io::Result<JoinHandle<Drained>> {
    std::thread::Builder::new()
        .name("pdftotext-pipe".into())
        .spawn(move || {
            let _closed = closed;
            let mut kept = Vec::new();
            let mut buf = [0u8; 64 * 1024];
            let mut overflow = false;
            loop {
                match pipe.read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => {
                        let room = limit.saturating_sub(kept.len());
                        kept.extend_from_slice(&buf[..n.min(room)]);
                        if n > room {
                            overflow = true;
                            if !keep_draining {
                                break;
                            }
                        }
                    }
                    Err(e) if e.kind() == ErrorKind::Interrupted => {}
                    Err(_) => break,
                }
            }
            (kept, overflow)
        })
}

fn join(handle: JoinHandle<Drained>) -> Drained {
    handle.join().unwrap_or_default()
}

fn kill(child: &mut Child) {
    let _ = child.kill();
    let _ = child.wait();
}

/// Turn a failed run into the error that says why.
fn classify_failure(status: ExitStatus, stderr: &[u8]) -> DecodeError {
    let err = String::from_utf8_lossy(stderr);
    let err = err.trim();
    let detail: String = err
        .lines()
        .rev()
        .take(3)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect::<Vec<_>>()
        .join("; ");
    let how = match status.code() {
        Some(code) => format!("exit status {code}"),
        None => signal_name(status),
    };
    if status.code().is_none() {
        return DecodeError::ExtractorFailed(format!("pdftotext crashed ({how}): {detail}"));
    }
    if err.contains("Incorrect password") || err.contains("Permission Error") {
        return DecodeError::Unsupported(format!("password- or copy-protected PDF ({detail})"));
    }
    if err.contains("Syntax Error") || err.contains("Couldn't") || err.contains("May not be a PDF")
    {
        return DecodeError::Corrupt {
            format: "pdf",
            detail: format!("pdftotext: {detail}"),
        };
    }
    DecodeError::ExtractorFailed(format!("pdftotext failed ({how}): {detail}"))
}

#[cfg(unix)]
fn signal_name(status: ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match status.signal() {
        Some(sig) => format!("killed by signal {sig}"),
        None => "no exit status".to_string(),
    }
}

#[cfg(not(unix))]
fn signal_name(_status: ExitStatus) -> String {
    "no exit status".to_string()
}

#[cfg(test)]
mod tests;

/// The in-process geometry reader alone, for the fuzz target: ruling lines and
/// cells read from any bytes, and blocks built from any word-box XHTML, with
/// no extractor run. None where the decoder would fall back to `-layout`.
#[doc(hidden)]
pub fn geometry_blocks(pdf: &[u8], words_xhtml: &[u8]) -> Option<Vec<Block>> {
    geometry::scan(pdf, None)?.blocks(words_xhtml)
}
