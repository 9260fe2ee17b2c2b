//! The built binary as a process: standard input and output, exit statuses, the version line.

use std::env::consts::{ARCH, OS};
use std::io::Write;
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_{{ name }}");

/// Runs the binary with `args`, `stdin` written to its standard input.
fn run(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starting the binary");
    child
        .stdin
        .take()
        .expect("piped stdin")
        .write_all(stdin.as_bytes())
        .expect("writing its input");
    child.wait_with_output().expect("its output")
}

#[test]
fn version_prints_name_version_and_platform() {
    let out = run(&["--version"], "");
    assert!(out.status.success());
    let expected = format!(
        "{} {} ({OS}/{ARCH})\n",
        env!("CARGO_PKG_NAME"),
        env!("CARGO_PKG_VERSION")
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), expected);
}

#[test]
fn counts_standard_input() {
    let out = run(&[], "hello multi-arch\nworld\n");
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout), "2 3 23\n");
}

#[test]
fn a_missing_file_fails_with_status_1() {
    let out = run(&["no such file"], "");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no such file"));
}

#[test]
fn an_unknown_option_fails_with_status_2() {
    let out = run(&["--frobnicate"], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
}
