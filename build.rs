//! Builds `xxgk-pdftext` (src/decode/pdf/pdftext_worker.cc), the persistent
//! poppler worker the PDF decoder prefers to one `pdftotext` process per file.
//!
//! It needs a C++ compiler and poppler's private headers (Debian:
//! `libpoppler-private-dev`). Without them the build goes on with a warning,
//! and PDFs are read with one `pdftotext` per file (slower; same output).
//! The program's path reaches the crate as `XXGK_PDFTEXT_BUILT`.

use std::path::PathBuf;
use std::process::Command;

const SOURCE: &str = "src/decode/pdf/pdftext_worker.cc";

fn main() {
    println!("cargo:rerun-if-changed={SOURCE}");
    println!("cargo:rerun-if-env-changed=XXGK_NO_PDFTEXT_WORKER");
    if std::env::var_os("XXGK_NO_PDFTEXT_WORKER").is_some() {
        return;
    }
    let poppler = match pkg_config::Config::new()
        .cargo_metadata(false)
        .probe("poppler")
    {
        Ok(lib) => lib,
        Err(e) => {
            warn(&format!("poppler's headers not found ({e}); PDFs will be read with one pdftotext per file. Install libpoppler-private-dev for the faster worker."));
            return;
        }
    };
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let program = out.join("xxgk-pdftext");
    let compiler = cc::Build::new().cpp(true).get_compiler();
    let mut cmd: Command = compiler.to_command();
    cmd.args(["-O2", "-std=c++17", "-o"])
        .arg(&program)
        .arg(SOURCE);
    for dir in &poppler.include_paths {
        cmd.arg("-I").arg(dir);
    }
    for dir in &poppler.link_paths {
        cmd.arg("-L").arg(dir);
    }
    for lib in &poppler.libs {
        cmd.arg(format!("-l{lib}"));
    }
    match cmd.status() {
        Ok(status) if status.success() => {
            println!("cargo:rustc-env=XXGK_PDFTEXT_BUILT={}", program.display());
        }
        Ok(status) => warn(&format!(
            "compiling {SOURCE} failed ({status}); PDFs will be read with one pdftotext per file"
        )),
        Err(e) => warn(&format!(
            "cannot run the C++ compiler ({e}); PDFs will be read with one pdftotext per file"
        )),
    }
}

fn warn(message: &str) {
    println!("cargo:warning={message}");
}
