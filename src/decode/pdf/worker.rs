//! The persistent extractor: one `xxgk-pdftext` child per thread, reused for
//! document after document.
//!
//! `pdftotext` is a process per file, and its start (dynamic loader, poppler's
//! global tables) costs about as much as extracting a short report. The
//! worker (`pdftext_worker.cc`, built by `build.rs` when poppler's headers are
//! installed) prints what `pdftotext -layout` and `-bbox` print, for as many
//! documents as it is sent. The isolation of a process per file is kept where
//! it matters:
//!
//! * the child is killed when a document overruns [`PdfOptions::timeout`],
//!   when its answer is larger than [`PdfOptions::max_output_bytes`], or when
//!   anything in the exchange goes wrong; the file fails as with `pdftotext`,
//!   and the thread's next document starts a new child;
//! * a child that crashes on a document is that document's `ExtractorFailed`
//!   (its signal in the message), nothing more;
//! * a child is retired after [`DOCUMENTS_PER_CHILD`] documents, so whatever
//!   poppler caches or leaks stays bounded.
//!
//! Waiting uses `poll(2)` on the child's stdout with the deadline, on the
//! calling thread: no helper threads and no SIGCHLD handler (see
//! `wait_until` in the parent module for why not).

use super::{Mode, PdfOptions, Run, MAX_STDERR_BYTES};
use crate::decode::DecodeError;
use std::cell::RefCell;
use std::io::{ErrorKind, Read, Write};
use std::os::fd::AsRawFd;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, ExitStatus, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// Documents one child extracts before it is replaced.
pub(super) const DOCUMENTS_PER_CHILD: u32 = 500;

/// The worker program's name, as installed next to `xxgk`.
const PROGRAM_NAME: &str = "xxgk-pdftext";

/// The worker program to use by default: `xxgk-pdftext` next to the running
/// executable (an installed copy), else the one `build.rs` compiled, else
/// none (one `pdftotext` per file).
pub fn default_program() -> Option<PathBuf> {
    static FOUND: OnceLock<Option<PathBuf>> = OnceLock::new();
    FOUND
        .get_or_init(|| {
            let beside_exe = std::env::current_exe()
                .ok()
                .and_then(|exe| Some(exe.parent()?.join(PROGRAM_NAME)));
            let built = option_env!("XXGK_PDFTEXT_BUILT").map(PathBuf::from);
            beside_exe.into_iter().chain(built).find(|p| p.is_file())
        })
        .clone()
}

thread_local! {
    /// This thread's idle child, if it has one.
    static CHILD: RefCell<Option<Worker>> = const { RefCell::new(None) };
}

/// Worker programs that proved unable to run at all (one cannot be started,
/// or a new child exited before its first answer without a crash): every
/// later document goes to `pdftotext` instead, with the same output.
static UNUSABLE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn unusable(program: &Path) -> bool {
    UNUSABLE
        .lock()
        .is_ok_and(|list| list.iter().any(|p| p == program))
}

fn mark_unusable(program: &Path) {
    if let Ok(mut list) = UNUSABLE.lock() {
        list.push(program.to_path_buf());
    }
}

/// Extract `bytes` with the worker `program`, on this thread's child (started
/// if there is none). The result has the exit status and stderr `pdftotext`
/// would have given. None: the program cannot run here; use `pdftotext`.
pub(super) fn extract(
    program: &Path,
    bytes: &[u8],
    mode: Mode,
    opts: &PdfOptions,
) -> Option<Result<Run, DecodeError>> {
    if unusable(program) {
        return None;
    }
    let deadline = Instant::now() + opts.timeout;
    CHILD.with(|slot| {
        // Out of the slot while in use: a failed exchange simply never puts it back.
        let idle = slot.borrow_mut().take();
        let mut worker = match idle {
            // Inherited through fork(2) (a host process forking after a
            // decode): the child and its pipes are the parent's to use.
            Some(w) if w.owner != std::process::id() => {
                std::mem::forget(w);
                Worker::start(program)?
            }
            Some(w) if w.program == program && w.served < DOCUMENTS_PER_CHILD => w,
            _ => Worker::start(program)?, // an old one is killed as it drops
        };
        let mut run = worker.exchange(bytes, mode, opts, deadline);
        if matches!(run, Err(Failure::Gone)) && worker.served > 0 {
            // It died idle (killed from outside, say): one new child, once.
            worker = Worker::start(program)?;
            run = worker.exchange(bytes, mode, opts, deadline);
        }
        Some(match run {
            Ok(run) => {
                worker.served += 1;
                *slot.borrow_mut() = Some(worker);
                Ok(run)
            }
            Err(failure) => Err(worker.fail(failure, opts)?),
        })
    })
}

/// Why an exchange with the child did not give a result.
enum Failure {
    /// The child's pipes closed: it exited or crashed.
    Gone,
    /// The deadline passed first.
    TimedOut,
    /// The text is larger than the cap.
    TooLarge,
    /// The answer is not the protocol's, or polling failed.
    Broken(String),
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        match e.kind() {
            ErrorKind::BrokenPipe | ErrorKind::UnexpectedEof => Failure::Gone,
            ErrorKind::TimedOut => Failure::TimedOut,
            _ => Failure::Broken(e.to_string()),
        }
    }
}

/// A running `xxgk-pdftext`.
struct Worker {
    program: PathBuf,
    child: Child,
    stdin: ChildStdin,
    stdout: ChildStdout,
    /// Documents extracted so far.
    served: u32,
    /// The process that started the child.
    owner: u32,
}

impl Worker {
    /// A new child; None (and the program marked unusable) if it cannot start.
    fn start(program: &Path) -> Option<Worker> {
        let spawn = || {
            Command::new(program)
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                // Poppler's messages come back in the answers; anything else
                // (fontconfig, say) would only garble the progress bar.
                .stderr(Stdio::null())
                .spawn()
        };
        // A program file just written can be "busy" for a moment while
        // another thread forks: not a reason to give the worker up.
        let mut spawned = spawn();
        for _ in 0..20 {
            match &spawned {
                Err(e) if e.kind() == ErrorKind::ExecutableFileBusy => {
                    std::thread::sleep(Duration::from_millis(50));
                    spawned = spawn();
                }
                _ => break,
            }
        }
        let Ok(mut child) = spawned else {
            mark_unusable(program);
            return None;
        };
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            let _ = child.kill();
            let _ = child.wait();
            mark_unusable(program);
            return None;
        };
        // Writes wait in poll(2), with the deadline, not in write(2).
        // SAFETY: fcntl on a pipe this struct owns.
        unsafe {
            let fd = stdin.as_raw_fd();
            libc::fcntl(
                fd,
                libc::F_SETFL,
                libc::fcntl(fd, libc::F_GETFL) | libc::O_NONBLOCK,
            );
        }
        Some(Worker {
            program: program.to_path_buf(),
            child,
            stdin,
            stdout,
            served: 0,
            owner: std::process::id(),
        })
    }

    /// One request and its answer.
    fn exchange(
        &mut self,
        bytes: &[u8],
        mode: Mode,
        opts: &PdfOptions,
        deadline: Instant,
    ) -> Result<Run, Failure> {
        let mut head = Vec::with_capacity(9);
        head.push(match mode {
            Mode::Layout => b'L',
            Mode::Boxes => b'B',
        });
        head.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
        // The child reads the whole request before it answers; one that
        // stops reading runs into the deadline, one that died breaks the pipe.
        write_by(&self.stdin, &head, deadline)?;
        write_by(&self.stdin, bytes, deadline)?;

        let mut reader = DeadlineReader {
            pipe: &mut self.stdout,
            deadline,
        };
        let code = i32::from_le_bytes(reader.array()?);
        if !(0..=255).contains(&code) {
            return Err(Failure::Broken(format!(
                "exit code {code}: not an answer of {PROGRAM_NAME}"
            )));
        }
        let text_len = u64::from_le_bytes(reader.array()?);
        if text_len > opts.max_output_bytes as u64 {
            return Err(Failure::TooLarge);
        }
        let stdout = reader.bytes(text_len as usize)?;
        let messages_len = u64::from_le_bytes(reader.array()?);
        if messages_len > MAX_STDERR_BYTES as u64 {
            return Err(Failure::Broken(format!(
                "{messages_len} bytes of messages: not an answer of {PROGRAM_NAME}"
            )));
        }
        let stderr = reader.bytes(messages_len as usize)?;
        Ok(Run {
            status: ExitStatus::from_raw(code << 8),
            stdout,
            stderr,
        })
    }

    /// Stop and reap the child; the error its failure means for the document.
    /// None if a new child exited without an answer and without a signal: the
    /// program cannot run here (a missing library, say), not this document's fault.
    fn fail(mut self, failure: Failure, opts: &PdfOptions) -> Option<DecodeError> {
        Some(match failure {
            Failure::Gone => match reap(&mut self.child) {
                Ok(status) if status.signal().is_some() => DecodeError::ExtractorFailed(format!(
                    "{PROGRAM_NAME} crashed ({})",
                    super::signal_name(status)
                )),
                _ if self.served == 0 => {
                    mark_unusable(&self.program);
                    return None;
                }
                Ok(status) => {
                    DecodeError::ExtractorFailed(format!("{PROGRAM_NAME} stopped ({status})"))
                }
                Err(e) => DecodeError::ExtractorFailed(format!("{PROGRAM_NAME} stopped: {e}")),
            },
            Failure::TimedOut => DecodeError::ExtractorFailed(format!(
                "{PROGRAM_NAME} did not finish within {} s and was killed",
                opts.timeout.as_secs_f64()
            )),
            Failure::TooLarge => DecodeError::ExtractorFailed(format!(
                "{PROGRAM_NAME} produced more than {} MiB of text",
                opts.max_output_bytes >> 20
            )),
            Failure::Broken(why) => {
                DecodeError::ExtractorFailed(format!("{PROGRAM_NAME} failed: {why}"))
            }
        })
    }
}

/// The exit status of a child whose output has closed: it is exiting, so
/// polled briefly; killed if it lingers.
fn reap(child: &mut Child) -> std::io::Result<ExitStatus> {
    let mut pause = Duration::from_micros(50);
    let give_up = Instant::now() + Duration::from_secs(1);
    while Instant::now() < give_up {
        if let Some(status) = child.try_wait()? {
            return Ok(status);
        }
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(20));
    }
    child.kill()?;
    child.wait()
}

impl Drop for Worker {
    fn drop(&mut self) {
        // Idle (or failed): nothing is lost by killing it.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Write all of `buf` to a non-blocking pipe, waiting with `poll(2)` no later
/// than `deadline`.
fn write_by(pipe: &ChildStdin, mut buf: &[u8], deadline: Instant) -> std::io::Result<()> {
    let mut pipe = pipe;
    while !buf.is_empty() {
        match pipe.write(buf) {
            Ok(0) => return Err(ErrorKind::WriteZero.into()),
            Ok(n) => buf = &buf[n..],
            Err(e) if e.kind() == ErrorKind::WouldBlock => {
                wait_for(pipe.as_raw_fd(), libc::POLLOUT, deadline)?
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Until `fd` is ready for `events` (or hung up), or `deadline` passes.
fn wait_for(
    fd: std::os::fd::RawFd,
    events: libc::c_short,
    deadline: Instant,
) -> std::io::Result<()> {
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(ErrorKind::TimedOut.into());
        }
        let mut poll_fd = libc::pollfd {
            fd,
            events,
            revents: 0,
        };
        // Whole milliseconds, rounded up so a short remainder still waits.
        let ms = left.as_millis().saturating_add(1).min(i32::MAX as u128) as i32;
        // SAFETY: one valid pollfd for the duration of the call.
        let ready = unsafe { libc::poll(&mut poll_fd, 1, ms) };
        if ready > 0 {
            return Ok(()); // ready, or hung up: the read or write tells which
        }
        if ready < 0 {
            let e = std::io::Error::last_os_error();
            if e.kind() != ErrorKind::Interrupted {
                return Err(e);
            }
        }
    }
}

/// Reads from a pipe, waiting with `poll(2)` no later than a deadline.
struct DeadlineReader<'a> {
    pipe: &'a mut ChildStdout,
    deadline: Instant,
}

impl DeadlineReader<'_> {
    fn array<const N: usize>(&mut self) -> std::io::Result<[u8; N]> {
        let mut buf = [0u8; N];
        self.fill(&mut buf)?;
        Ok(buf)
    }

    fn bytes(&mut self, len: usize) -> std::io::Result<Vec<u8>> {
        let mut buf = vec![0u8; len];
        self.fill(&mut buf)?;
        Ok(buf)
    }

    fn fill(&mut self, mut buf: &mut [u8]) -> std::io::Result<()> {
        while !buf.is_empty() {
            self.wait_readable()?;
            match self.pipe.read(buf) {
                Ok(0) => return Err(ErrorKind::UnexpectedEof.into()),
                Ok(n) => buf = &mut buf[n..],
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// Until the pipe has data (or is closed), or the deadline passes.
    fn wait_readable(&self) -> std::io::Result<()> {
        wait_for(self.pipe.as_raw_fd(), libc::POLLIN, self.deadline)
    }
}

#[cfg(test)]
mod tests;
