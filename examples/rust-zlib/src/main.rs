//! rust-zlib: a Rust program that links a C library of the target, zlib, without any crate: `#[link(name =
//! "z")]` makes the linker (Debian's cross gcc) find `libz.so` for the target, and the image loads the target's
//! `libz.so.1` at run time.
//!
//! Usage:
//!   rust-zlib                  print `hello from <os>/<arch>, zlib <version>` and exit 0
//!   rust-zlib version          print the version line (also `--version`)

use std::env::consts::{ARCH, OS};
use std::ffi::{c_char, CStr};
use std::process::ExitCode;

const NAME: &str = env!("CARGO_PKG_NAME");
const VERSION: &str = env!("CARGO_PKG_VERSION");

#[link(name = "z")]
extern "C" {
    /// zlib's version string, static and NUL-terminated (`zlib.h`).
    fn zlibVersion() -> *const c_char;
}

/// The version of the zlib this binary loaded.
fn zlib_version() -> String {
    // SAFETY: zlibVersion takes no argument and returns a pointer to a static NUL-terminated string.
    unsafe { CStr::from_ptr(zlibVersion()) }.to_string_lossy().into_owned()
}

/// `rust-zlib 0.1.0 (linux/aarch64) zlib 1.2.13`, plus ` commit <sha>` when the build set `GIT_COMMIT` in the
/// environment.
fn version_line() -> String {
    let mut line = format!("{NAME} {VERSION} ({OS}/{ARCH}) zlib {}", zlib_version());
    if let Some(commit) = option_env!("GIT_COMMIT").filter(|c| !c.is_empty()) {
        line.push_str(" commit ");
        line.push_str(commit);
    }
    line
}

fn main() -> ExitCode {
    let arg = std::env::args().nth(1);
    match arg.as_deref() {
        None => println!("hello from {OS}/{ARCH}, zlib {}", zlib_version()),
        Some("version" | "--version" | "-V") => println!("{}", version_line()),
        Some("help" | "--help" | "-h") => println!("usage: {NAME} [version|--version]"),
        Some(other) => {
            eprintln!("{NAME}: unknown argument {other:?}");
            eprintln!("usage: {NAME} [version|--version]");
            return ExitCode::from(2);
        }
    }
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_line_names_binary_platform_and_zlib() {
        let line = version_line();
        assert!(line.starts_with(&format!("rust-zlib {VERSION} ({OS}/{ARCH}) zlib 1.")), "{line}");
    }
}
