//! The built frontend as a process, with a stand-in backend in the test: the page carries the backend's
//! answer, the health check passes, and SIGTERM stops it cleanly.

use std::env::consts::{ARCH, OS};
use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use {{ crate }}_shared::{Method, Reply, Server, Service, get};

const BIN: &str = env!("CARGO_BIN_EXE_{{ name }}-frontend");
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

fn stand_in(_: &Method, path: &str) -> Reply {
    match path {
        "/api/hello" => Reply::text(200, "Hello from the <stand-in>".to_string()),
        _ => Reply::not_found(),
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
fn serves_the_page_with_the_backends_answer_and_stops_cleanly_on_sigterm() {
    let backend = Arc::new(Server::http("127.0.0.1:0").expect("a free port"));
    let backend_addr = backend.server_addr().to_ip().expect("an IP listener");
    let running = Arc::clone(&backend);
    let listen = SocketAddr::from(([127, 0, 0, 1], 0));
    let backend_thread = thread::spawn(move || {
        Service {
            name: "stand-in",
            version: "0",
            listen,
            route: stand_in,
        }
        .serve(&running);
    });

    // PORT=0: the system picks a free port, and the first line on stderr says which.
    let mut server = Command::new(BIN)
        .env("PORT", "0")
        .env("BACKEND_ADDR", backend_addr.to_string())
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

    let (status, page) = get(&addr, "/", TIMEOUT).expect("GET /");
    assert_eq!(status, 200);
    assert!(
        page.contains("<code>Hello from the &lt;stand-in&gt;</code>"),
        "{page}"
    );
    let port = addr.rsplit(':').next().expect("a port");
    let check = Command::new(BIN)
        .arg("healthcheck")
        .env("PORT", port)
        .status();
    assert!(check.expect("running healthcheck").success());

    // The backend gone: the page says so, and the frontend stays healthy.
    backend.unblock();
    backend_thread.join().expect("the stand-in stops");
    drop(backend);
    let (status, page) = get(&addr, "/", TIMEOUT).expect("GET / without a backend");
    assert_eq!(status, 200);
    assert!(page.contains("is unreachable"), "{page}");
    assert_eq!(
        get(&addr, "/healthz", TIMEOUT).expect("GET /healthz").0,
        200
    );

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
