//! rust-hello: prints which OS and CPU architecture it was built for.
//!
//! Usage:
//!   rust-hello                 print `hello from <os>/<arch>` and exit 0
//!   rust-hello version         print the version line (also `--version`)

use std::env::consts::{ARCH, OS};
use std::process::ExitCode;

const NAME: &str = env!("CARGO_PKG_NAME");
const VERSION: &str = env!("CARGO_PKG_VERSION");

/// `rust-hello 0.1.0 (linux/aarch64)`, plus ` commit <sha>` when the build
/// set `GIT_COMMIT` in the environment.
fn version_line() -> String {
    let mut line = format!("{NAME} {VERSION} ({OS}/{ARCH})");
    if let Some(commit) = option_env!("GIT_COMMIT").filter(|c| !c.is_empty()) {
        line.push_str(" commit ");
        line.push_str(commit);
    }
    line
}

fn main() -> ExitCode {
    let arg = std::env::args().nth(1);
    match arg.as_deref() {
        None => println!("hello from {OS}/{ARCH}"),
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
    fn version_line_names_binary_version_and_platform() {
        let line = version_line();
        assert!(line.starts_with(&format!("rust-hello {VERSION} (")));
        assert!(line.contains(&format!("({OS}/{ARCH})")));
    }
}
