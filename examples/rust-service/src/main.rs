//! rust-service: a small JSON HTTP service built from crates fetched inside the build, linking the target's
//! OpenSSL (`openssl` -> `openssl-sys`, dynamically, libssl3/libcrypto3 of the image).
//!
//! Usage:
//!   rust-service                serve on 0.0.0.0:$PORT (default 8080) until SIGTERM or SIGINT
//!   rust-service version        print the version line (also `--version`)
//!   rust-service healthcheck    GET http://127.0.0.1:$PORT/healthz, exit 0 on 200
//!
//! Routes:
//!   GET  /healthz   {"status":"ok"}
//!   GET  /version   name, version, os, arch and the OpenSSL version it loaded
//!   POST /sha256    {"sha256":"<hex>","bytes":N}: the SHA-256 of the request body, computed by OpenSSL

use std::env::consts::{ARCH, OS};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use serde_json::json;
use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::iterator::Signals;
use tiny_http::{Header, Method, Request, Response, Server};

const NAME: &str = env!("CARGO_PKG_NAME");
const VERSION: &str = env!("CARGO_PKG_VERSION");
const DEFAULT_PORT: u16 = 8080;
/// The largest request body `/sha256` reads; a longer one is refused with 413.
const MAX_BODY: u64 = 1 << 20;

/// What `GET /version` answers.
#[derive(Serialize)]
struct VersionInfo {
    name: &'static str,
    version: &'static str,
    os: &'static str,
    arch: &'static str,
    openssl: &'static str,
}

fn version_info() -> VersionInfo {
    VersionInfo { name: NAME, version: VERSION, os: OS, arch: ARCH, openssl: openssl::version::version() }
}

/// `rust-service 0.1.0 (linux/aarch64) OpenSSL 3.0.17 1 Jul 2025`, plus ` commit <sha>` when the build set
/// `GIT_COMMIT` in the environment.
fn version_line() -> String {
    let mut line = format!("{NAME} {VERSION} ({OS}/{ARCH}) {}", openssl::version::version());
    if let Some(commit) = option_env!("GIT_COMMIT").filter(|c| !c.is_empty()) {
        line.push_str(" commit ");
        line.push_str(commit);
    }
    line
}

/// Lower-case hex of the SHA-256 of `data`, computed by the linked libcrypto.
fn sha256_hex(data: &[u8]) -> String {
    openssl::sha::sha256(data).iter().map(|b| format!("{b:02x}")).collect()
}

/// The status and JSON body for a request; `body` is `None` when it was longer than `MAX_BODY`.
fn route(method: &Method, path: &str, body: Option<&[u8]>) -> (u16, serde_json::Value) {
    let path = path.split('?').next().unwrap_or(path);
    match (method, path) {
        (Method::Get, "/healthz") => (200, json!({ "status": "ok" })),
        (Method::Get, "/version") => (200, json!(version_info())),
        (Method::Post, "/sha256") => match body {
            Some(body) => (200, json!({ "sha256": sha256_hex(body), "bytes": body.len() })),
            None => (413, json!({ "error": format!("body longer than {MAX_BODY} bytes") })),
        },
        (_, "/healthz" | "/version" | "/sha256") => (405, json!({ "error": "method not allowed" })),
        _ => (404, json!({ "error": "not found" })),
    }
}

fn handle(mut request: Request) {
    let mut body = Vec::new();
    let read = request.as_reader().take(MAX_BODY + 1).read_to_end(&mut body);
    let body = match read {
        Ok(_) if body.len() as u64 <= MAX_BODY => Some(body.as_slice()),
        Ok(_) => None,
        Err(e) => {
            eprintln!("{NAME}: reading the request body: {e}");
            return;
        }
    };
    let (status, value) = route(request.method(), request.url(), body);
    let content_type = Header::from_bytes("Content-Type", "application/json").expect("a valid header");
    let response = Response::from_string(value.to_string()).with_status_code(status).with_header(content_type);
    if let Err(e) = request.respond(response) {
        eprintln!("{NAME}: writing the response: {e}");
    }
}

/// Answers requests until `server.unblock()` is called (by the signal thread, or a test).
fn serve(server: &Server) {
    for request in server.incoming_requests() {
        handle(request);
    }
}

/// `PORT` from the environment, or the default.
fn port() -> Result<u16, String> {
    match std::env::var("PORT") {
        Ok(p) => p.parse().map_err(|_| format!("PORT={p:?} is not a port number")),
        Err(_) => Ok(DEFAULT_PORT),
    }
}

/// Whether `GET /healthz` on 127.0.0.1:`port` answers 200.
fn healthy(port: u16) -> bool {
    let check = || -> std::io::Result<bool> {
        let mut stream = TcpStream::connect(("127.0.0.1", port))?;
        stream.set_read_timeout(Some(Duration::from_secs(3)))?;
        stream.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")?;
        let mut answer = String::new();
        stream.read_to_string(&mut answer)?;
        Ok(answer.starts_with("HTTP/1.1 200 ") || answer.starts_with("HTTP/1.0 200 "))
    };
    check().unwrap_or(false)
}

fn run_server(port: u16) -> ExitCode {
    let server = match Server::http(("0.0.0.0", port)) {
        Ok(s) => Arc::new(s),
        Err(e) => {
            eprintln!("{NAME}: listening on 0.0.0.0:{port}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut signals = match Signals::new([SIGTERM, SIGINT]) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{NAME}: installing the signal handlers: {e}");
            return ExitCode::FAILURE;
        }
    };
    let stopper = Arc::clone(&server);
    std::thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            eprintln!("{NAME}: signal {signal}, stopping");
            stopper.unblock();
        }
    });
    eprintln!("{} listening on 0.0.0.0:{port}", version_line());
    serve(&server);
    ExitCode::SUCCESS
}

fn main() -> ExitCode {
    let port = match port() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{NAME}: {e}");
            return ExitCode::from(2);
        }
    };
    match std::env::args().nth(1).as_deref() {
        None | Some("serve") => run_server(port),
        Some("version" | "--version" | "-V") => {
            println!("{}", version_line());
            ExitCode::SUCCESS
        }
        Some("healthcheck") => {
            if healthy(port) {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Some(other) => {
            eprintln!("{NAME}: unknown command {other:?}");
            eprintln!("usage: {NAME} [serve|version|--version|healthcheck]  (env PORT, default {DEFAULT_PORT})");
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_is_openssls_and_matches_the_standard_vector() {
        // FIPS 180-2, appendix B.1: SHA-256("abc").
        assert_eq!(sha256_hex(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        let (status, value) = route(&Method::Post, "/sha256", Some(b"abc"));
        assert_eq!(status, 200);
        assert_eq!(value["bytes"], 3);
        assert_eq!(value["sha256"], sha256_hex(b"abc"));
    }

    #[test]
    fn routes_answer_json_with_the_right_status() {
        assert_eq!(route(&Method::Get, "/healthz", Some(b"")), (200, json!({ "status": "ok" })));
        let (status, version) = route(&Method::Get, "/version?x=1", Some(b""));
        assert_eq!(status, 200);
        assert_eq!(version["arch"], ARCH);
        assert!(version["openssl"].as_str().unwrap().starts_with("OpenSSL "), "{version}");
        assert_eq!(route(&Method::Post, "/sha256", None).0, 413);
        assert_eq!(route(&Method::Post, "/healthz", Some(b"")).0, 405);
        assert_eq!(route(&Method::Get, "/nope", Some(b"")).0, 404);
    }

    #[test]
    fn version_line_names_platform_and_openssl() {
        let line = version_line();
        assert!(line.starts_with(&format!("{NAME} {VERSION} ({OS}/{ARCH}) OpenSSL ")), "{line}");
    }

    #[test]
    fn serves_until_unblocked() {
        let server = Arc::new(Server::http("127.0.0.1:0").expect("a free port"));
        let port = server.server_addr().to_ip().expect("an IP listener").port();
        let running = Arc::clone(&server);
        let thread = std::thread::spawn(move || serve(&running));
        assert!(healthy(port));
        server.unblock();
        thread.join().expect("the server thread ends once unblocked");
    }
}
