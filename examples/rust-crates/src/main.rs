//! rust-crates: prints which OS and CPU architecture it was built for, using crates fetched from crates.io
//! inside the build (through the extra CA bundle where a proxy intercepts TLS).
//!
//! Usage:
//!   rust-crates                 print `hello from <os>/<arch>` and a line formatted by the crates
//!   rust-crates version         print the version line (also `--version`)

use std::env::consts::{ARCH, OS};
use std::process::ExitCode;

use smallvec::SmallVec;

const NAME: &str = env!("CARGO_PKG_NAME");
const VERSION: &str = env!("CARGO_PKG_VERSION");

cfg_if::cfg_if! {
    if #[cfg(target_pointer_width = "64")] {
        const WIDTH: &str = "64-bit";
    } else {
        const WIDTH: &str = "32-bit";
    }
}

/// `rust-crates 0.1.0 (linux/aarch64)`.
fn version_line() -> String {
    format!("{NAME} {VERSION} ({OS}/{ARCH})")
}

/// A line formatted by `itoa` and `ryu`, collected in a `SmallVec`: proof the crates were built in.
fn crates_line() -> String {
    let mut words: SmallVec<[String; 4]> = SmallVec::new();
    words.push(itoa::Buffer::new().format(42u32).to_string());
    words.push(ryu::Buffer::new().format(1.5f64).to_string());
    words.push(WIDTH.to_string());
    words.join(" ")
}

fn main() -> ExitCode {
    match std::env::args().nth(1).as_deref() {
        None => println!("hello from {OS}/{ARCH}: {}", crates_line()),
        Some("version" | "--version" | "-V") => println!("{}", version_line()),
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
    fn the_crates_format_numbers() {
        assert!(crates_line().starts_with("42 1.5 "));
        assert!(version_line().contains(&format!("({OS}/{ARCH})")));
    }
}
