//! The built backend as a process: the version line, its API and health check while it runs, and a clean stop
//! on SIGTERM.

use std::env::consts::{ARCH, OS};
use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use {{ crate }}_shared::get;

const BIN: &str = env!("CARGO_BIN_EXE_{{ name }}-backend");
const TIMEOUT: Duration = Duration::from_secs(5);

/// Waits up to `limit` for `child` to exit; kills it and fails the test when it does not.
fn wait_for_exit(child: &mut Child, limit: Duration) -> ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("the child's status") {
            return status;
        }
        if start.elapsed() > limit {
            child.kill().ok();
            panic!("still running {limit:?} after SIGTERM");
        }
        thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn version_prints_name_version_and_platform() {
    let out = Command::new(BIN)
        .arg("--version")
        .output()
        .expect("running the binary");
    assert!(out.status.success());
    let expected = format!(
        "{} {} ({OS}/{ARCH})\n",
        env!("CARGO_PKG_NAME"),
        env!("CARGO_PKG_VERSION")
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), expected);
}

#[test]
fn serves_the_api_passes_its_healthcheck_and_stops_cleanly_on_sigterm() {
    // PORT=0: the system picks a free port, and the first line on stderr says which.
    let mut server = Command::new(BIN)
        .env("PORT", "0")
        .stderr(Stdio::piped())
        .spawn()
        .expect("starting it");
    let mut stderr = BufReader::new(server.stderr.take().expect("piped stderr"));
    let mut first = String::new();
    stderr.read_line(&mut first).expect("its first line");
    let addr = first
        .trim_end()
        .rsplit(' ')
        .next()
        .expect(&first)
        .to_string();

    let (status, body) = get(&addr, "/api/hello", TIMEOUT).expect("GET /api/hello");
    assert_eq!(status, 200);
    assert!(
        body.starts_with(&format!("Hello from {} ", env!("CARGO_PKG_NAME"))),
        "{body}"
    );
    let port = addr.rsplit(':').next().expect("a port");
    let check = Command::new(BIN)
        .arg("healthcheck")
        .env("PORT", port)
        .status();
    assert!(check.expect("running healthcheck").success());

    // std cannot send a signal without `unsafe`: the shell's `kill` builtin does it (a build image or a CI
    // runner always has `sh`, not always procps's kill(1)).
    let kill = Command::new("sh")
        .args(["-c", "kill -TERM \"$1\"", "sh", &server.id().to_string()])
        .status();
    assert!(kill.expect("running sh -c kill").success());
    let status = wait_for_exit(&mut server, TIMEOUT);
    assert_eq!(status.code(), Some(0), "{status}");
    let mut rest = String::new();
    stderr
        .read_to_string(&mut rest)
        .expect("the rest of stderr");
    assert!(rest.contains("stopping"), "{rest}");
}
