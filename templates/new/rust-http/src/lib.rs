//! The service: its routes, the server loop that stops on SIGTERM or SIGINT, and the HTTP client the
//! `healthcheck` command uses. `main.rs` only reads the command line and the environment.

use std::env::consts::{ARCH, OS};
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::iterator::Signals;
use tiny_http::{Header, Method, Request, Response, Server};

/// The package's name, version and description, from Cargo.toml.
pub const NAME: &str = env!("CARGO_PKG_NAME");
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
pub const DESCRIPTION: &str = env!("CARGO_PKG_DESCRIPTION");

/// `NAME VERSION (OS/ARCH)`, e.g. `my-svc 0.1.0 (linux/aarch64)`: what `--version` prints.
pub fn version_line() -> String {
    format!("{NAME} {VERSION} ({OS}/{ARCH})")
}

/// An answer before it is written: status, content type and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub status: u16,
    pub content_type: &'static str,
    pub body: String,
}

impl Reply {
    fn json(status: u16, body: &str) -> Self {
        Reply {
            status,
            content_type: "application/json",
            body: body.to_string(),
        }
    }

    fn text(status: u16, body: String) -> Self {
        Reply {
            status,
            content_type: "text/plain; charset=utf-8",
            body,
        }
    }
}

/// The answer to `method` on `url` (a path with an optional query string).
pub fn route(method: &Method, url: &str) -> Reply {
    let path = url.split_once('?').map_or(url, |(path, _)| path);
    match (method, path) {
        (Method::Get | Method::Head, "/healthz") => Reply::json(200, r#"{"status":"ok"}"#),
        (Method::Get | Method::Head, "/") => {
            Reply::text(200, format!("{}: {DESCRIPTION}\n", version_line()))
        }
        (_, "/" | "/healthz") => Reply::json(405, r#"{"error":"method not allowed"}"#),
        _ => Reply::json(404, r#"{"error":"not found"}"#),
    }
}

fn respond(request: Request) {
    let reply = route(request.method(), request.url());
    let content_type =
        Header::from_bytes("Content-Type", reply.content_type).expect("a constant, valid header");
    let response = Response::from_string(reply.body)
        .with_status_code(reply.status)
        .with_header(content_type);
    if let Err(e) = request.respond(response) {
        eprintln!("{NAME}: writing a response: {e}");
    }
}

/// Answers requests one after the other until `server.unblock()` is called (by the signal thread, or a test).
pub fn serve(server: &Server) {
    for request in server.incoming_requests() {
        respond(request);
    }
}

/// Listens on `addr` and serves until SIGTERM or SIGINT, then returns: the request being answered is finished
/// first, so a stop is clean and the process exits 0.
pub fn run(addr: SocketAddr) -> Result<(), String> {
    // Installed before listening: a stop signal that comes early still ends the server cleanly.
    let mut signals = Signals::new([SIGTERM, SIGINT])
        .map_err(|e| format!("installing the signal handlers: {e}"))?;
    let server = Arc::new(Server::http(addr).map_err(|e| format!("listening on {addr}: {e}"))?);
    let stopper = Arc::clone(&server);
    thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            eprintln!("{NAME}: signal {signal}, stopping");
            stopper.unblock();
        }
    });
    match server.server_addr().to_ip() {
        Some(bound) => eprintln!("{} listening on {bound}", version_line()),
        None => eprintln!("{} listening on {addr}", version_line()),
    }
    serve(&server);
    Ok(())
}

/// The port to listen on: `PORT` from the environment when set and not empty, else `default`.
pub fn port(env: Option<&str>, default: u16) -> Result<u16, String> {
    match env {
        None | Some("") => Ok(default),
        Some(text) => text
            .parse()
            .map_err(|_| format!("PORT={text:?} is not a port number (0 to 65535)")),
    }
}

/// `GET path` from `addr` over HTTP/1.1, waiting at most `timeout` to connect and for each read or write:
/// the status code and the body.
pub fn get(addr: SocketAddr, path: &str, timeout: Duration) -> io::Result<(u16, String)> {
    let mut stream = TcpStream::connect_timeout(&addr, timeout)?;
    stream.set_read_timeout(Some(timeout))?;
    stream.set_write_timeout(Some(timeout))?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer)?;
    let (head, body) = answer
        .split_once("\r\n\r\n")
        .unwrap_or((answer.as_str(), ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "not an HTTP response"))?;
    Ok((status, body.to_string()))
}

/// Whether `GET /healthz` on `addr` answers 200 within `timeout`.
pub fn healthy(addr: SocketAddr, timeout: Duration) -> bool {
    matches!(get(addr, "/healthz", timeout), Ok((200, _)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_line_names_the_package_and_the_platform() {
        assert_eq!(
            version_line(),
            format!(
                "{} {} ({OS}/{ARCH})",
                env!("CARGO_PKG_NAME"),
                env!("CARGO_PKG_VERSION")
            )
        );
    }

    #[test]
    fn healthz_answers_ok_as_json() {
        let reply = route(&Method::Get, "/healthz");
        assert_eq!(reply, Reply::json(200, r#"{"status":"ok"}"#));
        assert_eq!(route(&Method::Get, "/healthz?probe=1").status, 200);
        assert_eq!(route(&Method::Head, "/healthz").status, 200);
    }

    #[test]
    fn root_names_the_service() {
        let reply = route(&Method::Get, "/");
        assert_eq!(reply.status, 200);
        assert_eq!(reply.body, format!("{}: {DESCRIPTION}\n", version_line()));
    }

    #[test]
    fn other_methods_and_paths_are_refused() {
        assert_eq!(route(&Method::Post, "/healthz").status, 405);
        assert_eq!(route(&Method::Delete, "/").status, 405);
        assert_eq!(route(&Method::Get, "/nope").status, 404);
    }

    #[test]
    fn port_comes_from_the_environment_or_the_default() {
        assert_eq!(port(None, 8080), Ok(8080));
        assert_eq!(port(Some(""), 8080), Ok(8080));
        assert_eq!(port(Some("9000"), 8080), Ok(9000));
        assert!(
            port(Some("http"), 8080)
                .unwrap_err()
                .contains("PORT=\"http\"")
        );
        assert!(port(Some("65536"), 8080).is_err());
    }

    #[test]
    fn serves_until_unblocked() {
        let server = Arc::new(Server::http("127.0.0.1:0").expect("a free port"));
        let addr = server.server_addr().to_ip().expect("an IP listener");
        let running = Arc::clone(&server);
        let thread = thread::spawn(move || serve(&running));
        let timeout = Duration::from_secs(5);
        assert!(healthy(addr, timeout));
        let (status, body) = get(addr, "/", timeout).expect("GET /");
        assert_eq!(
            (status, body),
            (200, format!("{}: {DESCRIPTION}\n", version_line()))
        );
        assert_eq!(get(addr, "/nope", timeout).expect("GET /nope").0, 404);
        server.unblock();
        thread
            .join()
            .expect("the server thread ends once unblocked");
    }

    #[test]
    fn nothing_listening_is_unhealthy() {
        // A port that was free a moment ago: connecting is refused.
        let addr = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port");
        assert!(!healthy(addr, Duration::from_secs(1)));
    }
}
