//! Printing generated `.docx` files to PDF with LibreOffice (the `word_pdf`
//! layout): real converter output, so the PDF decoder meets what Word/WPS/
//! LibreOffice print — narrow ruled cells with numbers and header words
//! wrapped inside them.
//!
//! Starting `soffice` costs seconds, so files are converted in batches: one
//! `soffice --headless --convert-to pdf --outdir DIR a.docx b.docx …` per
//! batch, each batch with its own private user profile
//! (`-env:UserInstallation=file:///tmp/…`, removed afterwards) so that batches
//! run side by side and concurrent runs do not clash over a shared profile.
//!
//! LibreOffice stamps the time into a PDF (`/CreationDate`, the trailer
//! `/ID`, its `/DocChecksum`); [`normalise`] overwrites those with fixed values of the same
//! length, so the bytes (xref offsets untouched) depend only on the document
//! and the LibreOffice version and font set.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use wait_timeout::ChildExt;

/// What to install when LibreOffice is missing.
pub const SOFFICE_MISSING: &str = "layout word_pdf needs LibreOffice to print the generated DOCX files to PDF, and soffice is not on PATH: install it (Debian/Ubuntu: apt-get install -y libreoffice-writer-nogui fonts-wqy-microhei), set XXGK_SOFFICE to its path, or leave word_pdf out with --layouts";

/// The LibreOffice executable: `$XXGK_SOFFICE`, else `soffice` or `libreoffice` on `PATH`.
pub fn soffice() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("XXGK_SOFFICE").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        for name in ["soffice", "libreoffice"] {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
    }
    None
}

static PROFILE: AtomicU64 = AtomicU64::new(0);

/// Convert `files` (`.docx`, all in one directory) to PDFs beside them with
/// one soffice run. Every input must give its PDF, else an error with
/// soffice's output.
pub fn convert_batch(program: &Path, files: &[PathBuf]) -> std::io::Result<()> {
    let Some(first) = files.first() else {
        return Ok(());
    };
    let outdir = first
        .parent()
        .ok_or_else(|| std::io::Error::other("input without a directory"))?;
    let profile = std::env::temp_dir().join(format!(
        "xxgk-synth-soffice-{}-{}",
        std::process::id(),
        PROFILE.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&profile);
    let mut cmd = Command::new(program);
    cmd.arg(format!(
        "-env:UserInstallation=file://{}",
        profile.display()
    ))
    .args([
        "--headless",
        "--norestore",
        "--nologo",
        "--convert-to",
        "pdf:writer_pdf_Export",
        "--outdir",
    ])
    .arg(outdir)
    .args(files)
    .stdin(Stdio::null())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let mut child = cmd.spawn().map_err(|e| {
        std::io::Error::new(
            e.kind(),
            format!("run {}: {e}; {SOFFICE_MISSING}", program.display()),
        )
    })?;
    // Drain the pipes on threads so soffice never blocks on a full pipe.
    let drain = |r: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut s = String::new();
            if let Some(mut r) = r {
                let _ = r.read_to_string(&mut s);
            }
            s
        })
    };
    let out = drain(
        child
            .stdout
            .take()
            .map(|r| Box::new(r) as Box<dyn Read + Send>),
    );
    let err = drain(
        child
            .stderr
            .take()
            .map(|r| Box::new(r) as Box<dyn Read + Send>),
    );
    let limit = Duration::from_secs(120 + 20 * files.len() as u64);
    let status = match child.wait_timeout(limit)? {
        Some(s) => s,
        None => {
            let _ = child.kill();
            let _ = child.wait();
            let _ = std::fs::remove_dir_all(&profile);
            return Err(std::io::Error::other(format!(
                "{} did not finish {} files in {} s",
                program.display(),
                files.len(),
                limit.as_secs()
            )));
        }
    };
    let (out, err) = (
        out.join().unwrap_or_default(),
        err.join().unwrap_or_default(),
    );
    let _ = std::fs::remove_dir_all(&profile);
    let missing: Vec<&PathBuf> = files
        .iter()
        .filter(|f| !f.with_extension("pdf").is_file())
        .collect();
    if !status.success() || !missing.is_empty() {
        return Err(std::io::Error::other(format!(
            "{} --convert-to pdf: {status}; no PDF for {} of {} files (first: {}); stdout: {}; stderr: {}",
            program.display(),
            missing.len(),
            files.len(),
            missing
                .first()
                .map(|p| p.display().to_string())
                .unwrap_or_default(),
            out.trim(),
            err.trim()
        )));
    }
    Ok(())
}

/// Overwrite the time stamps LibreOffice writes into a PDF with fixed values
/// of the same length (`/CreationDate(D:…)` and the trailer's `/ID`), so the
/// bytes do not change from run to run.
pub fn normalise(pdf: &mut [u8], seed: u64) {
    fn blank_after(pdf: &mut [u8], key: &[u8], open: u8, close: u8, fill: &dyn Fn(usize) -> u8) {
        let mut from = 0;
        while let Some(pos) = find(&pdf[from..], key) {
            let start = from + pos + key.len();
            let Some(o) = pdf[start..].iter().take(8).position(|&b| b == open) else {
                from = start;
                continue;
            };
            let body = start + o + 1;
            let Some(len) = pdf[body..].iter().take(200).position(|&b| b == close) else {
                from = start;
                continue;
            };
            for (k, b) in pdf[body..body + len].iter_mut().enumerate() {
                if !b.is_ascii_whitespace() && *b != b'<' && *b != b'>' {
                    *b = fill(k);
                }
            }
            from = body + len;
        }
    }
    const DATE: &[u8] = b"D:20250101000000+00'00'";
    blank_after(pdf, b"/CreationDate", b'(', b')', &|k| {
        DATE.get(k).copied().unwrap_or(b'0')
    });
    blank_after(pdf, b"/ModDate", b'(', b')', &|k| {
        DATE.get(k).copied().unwrap_or(b'0')
    });
    let hex = format!(
        "{seed:016X}{:016X}",
        seed.rotate_left(29) ^ 0x9E37_79B9_7F4A_7C15
    );
    let hex = hex.into_bytes();
    blank_after(pdf, b"/ID", b'[', b']', &|k| hex[k % hex.len()]);
    // LibreOffice's checksum of the document (it covers the dates).
    let key = b"/DocChecksum /";
    let mut from = 0;
    while let Some(pos) = find(&pdf[from..], key) {
        let start = from + pos + key.len();
        let mut k = start;
        while k < pdf.len() && pdf[k].is_ascii_hexdigit() {
            pdf[k] = hex[(k - start) % hex.len()];
            k += 1;
        }
        from = k;
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_stamps_are_fixed_in_place() {
        let mut a = b"<</CreationDate(D:20261206032733+00'00')/Producer(LibreOffice 7.4)>>\ntrailer\n<</Size 9/ID [ <AB12> <CD34> ]\n/DocChecksum /E25F1582F07FF516\n>>".to_vec();
        let len = a.len();
        normalise(&mut a, 7);
        assert_eq!(a.len(), len);
        let s = String::from_utf8(a).unwrap();
        assert!(s.contains("/CreationDate(D:20250101000000+00'00')"), "{s}");
        assert!(s.contains("/ID [ <"), "{s}");
        assert!(!s.contains("AB12") && !s.contains("CD34"), "{s}");
        assert!(
            !s.contains("E25F1582F07FF516") && s.contains("/DocChecksum /"),
            "{s}"
        );
    }
}
