//! What both services share: their replies, the server loop that stops cleanly on SIGTERM or SIGINT, the
//! command line (`serve`, `version`, `healthcheck`), and a small HTTP client for the health check and for the
//! frontend's calls to the backend. Each binary brings its name, version, address and routes.

use std::env::consts::{ARCH, OS};
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::process::ExitCode;
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::iterator::Signals;
use tiny_http::{Header, Request, Response};
pub use tiny_http::{Method, Server};

/// How long the `healthcheck` command waits to connect, and then for each read.
const HEALTHCHECK_TIMEOUT: Duration = Duration::from_secs(3);

/// `NAME VERSION (OS/ARCH)`, e.g. `my-svc-backend 0.1.0 (linux/aarch64)`: what `--version` prints.
pub fn version_line(name: &str, version: &str) -> String {
    format!("{name} {version} ({OS}/{ARCH})")
}

/// An answer before it is written: status, content type and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub status: u16,
    pub content_type: &'static str,
    pub body: String,
}

impl Reply {
    pub fn json(status: u16, body: &str) -> Self {
        Reply {
            status,
            content_type: "application/json",
            body: body.to_string(),
        }
    }

    pub fn text(status: u16, body: String) -> Self {
        Reply {
            status,
            content_type: "text/plain; charset=utf-8",
            body,
        }
    }

    pub fn html(status: u16, body: String) -> Self {
        Reply {
            status,
            content_type: "text/html; charset=utf-8",
            body,
        }
    }

    pub fn not_found() -> Self {
        Reply::json(404, r#"{"error":"not found"}"#)
    }

    pub fn method_not_allowed() -> Self {
        Reply::json(405, r#"{"error":"method not allowed"}"#)
    }
}

/// Whether a request reads: `GET`, or `HEAD` (the same answer without its body).
pub fn is_read(method: &Method) -> bool {
    matches!(method, Method::Get | Method::Head)
}

/// One HTTP service: its name and version (the binary's, from its own Cargo.toml), the address it listens on
/// unless `PORT` names another port, and its routes: the answer to a method on a path (without the query
/// string). `GET /healthz` is answered here, for every service alike.
pub struct Service<R> {
    pub name: &'static str,
    pub version: &'static str,
    pub listen: SocketAddr,
    pub route: R,
}

impl<R: Fn(&Method, &str) -> Reply> Service<R> {
    /// The answer to `method` on `url` (a path with an optional query string).
    pub fn reply(&self, method: &Method, url: &str) -> Reply {
        let path = url.split_once('?').map_or(url, |(path, _)| path);
        match path {
            "/healthz" if is_read(method) => Reply::json(200, r#"{"status":"ok"}"#),
            "/healthz" => Reply::method_not_allowed(),
            _ => (self.route)(method, path),
        }
    }

    fn respond(&self, request: Request) {
        let reply = self.reply(request.method(), request.url());
        let content_type = Header::from_bytes("Content-Type", reply.content_type)
            .expect("a constant, valid header");
        let response = Response::from_string(reply.body)
            .with_status_code(reply.status)
            .with_header(content_type);
        if let Err(e) = request.respond(response) {
            eprintln!("{}: writing a response: {e}", self.name);
        }
    }

    /// Answers requests one after the other until `server.unblock()` is called (by the signal thread, or a
    /// test).
    pub fn serve(&self, server: &Server) {
        for request in server.incoming_requests() {
            self.respond(request);
        }
    }

    /// Listens on `addr` and serves until SIGTERM or SIGINT, then returns: the request being answered is
    /// finished first, so a stop is clean and the process exits 0.
    pub fn run(&self, addr: SocketAddr) -> Result<(), String> {
        // Installed before listening: a stop signal that comes early still ends the server cleanly.
        let mut signals = Signals::new([SIGTERM, SIGINT])
            .map_err(|e| format!("installing the signal handlers: {e}"))?;
        let server = Arc::new(Server::http(addr).map_err(|e| format!("listening on {addr}: {e}"))?);
        let stopper = Arc::clone(&server);
        let name = self.name;
        thread::spawn(move || {
            if let Some(signal) = signals.forever().next() {
                eprintln!("{name}: signal {signal}, stopping");
                stopper.unblock();
            }
        });
        let bound = server.server_addr().to_ip().unwrap_or(addr);
        eprintln!(
            "{} listening on {bound}",
            version_line(self.name, self.version)
        );
        self.serve(&server);
        Ok(())
    }

    fn usage(&self) -> String {
        format!(
            "usage: {} [serve | version | --version | healthcheck | --help]  (env PORT)",
            self.name
        )
    }

    /// The command line: `serve` (the default), `version`, `healthcheck` or `help`.
    pub fn main(&self) -> ExitCode {
        let args: Vec<String> = std::env::args().skip(1).collect();
        let command = match args.as_slice() {
            [] => "serve",
            [one] => one.as_str(),
            _ => "",
        };
        let mut addr = self.listen;
        if matches!(command, "serve" | "healthcheck") {
            match port(std::env::var("PORT").ok().as_deref(), addr.port()) {
                Ok(p) => addr.set_port(p),
                Err(e) => {
                    eprintln!("{}: {e}", self.name);
                    return ExitCode::from(2);
                }
            }
        }
        match command {
            "serve" => match self.run(addr) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("{}: {e}", self.name);
                    ExitCode::FAILURE
                }
            },
            "version" | "--version" | "-V" => {
                println!("{}", version_line(self.name, self.version));
                ExitCode::SUCCESS
            }
            "healthcheck" => {
                let local = format!("127.0.0.1:{}", addr.port());
                if healthy(&local, HEALTHCHECK_TIMEOUT) {
                    ExitCode::SUCCESS
                } else {
                    ExitCode::FAILURE
                }
            }
            "help" | "--help" | "-h" => {
                println!("{}", self.usage());
                ExitCode::SUCCESS
            }
            _ => {
                eprintln!("{}", self.usage());
                ExitCode::from(2)
            }
        }
    }
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

/// `GET path` from `addr` (`host:port`, a name or an IP address) over HTTP/1.1, waiting at most `timeout` to
/// connect and for each read or write: the status code and the body.
pub fn get(addr: &str, path: &str, timeout: Duration) -> io::Result<(u16, String)> {
    let resolved = addr.to_socket_addrs()?.next();
    let resolved = resolved
        .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, format!("{addr}: no address")))?;
    let mut stream = TcpStream::connect_timeout(&resolved, timeout)?;
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
pub fn healthy(addr: &str, timeout: Duration) -> bool {
    matches!(get(addr, "/healthz", timeout), Ok((200, _)))
}

/// `text` for HTML element content and attribute values: `&`, `<`, `>`, `"` and `'` as entities.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `template` with each `{key}` of `values` replaced by its value, in one pass: a value is never searched
/// for keys itself, and any other `{...}` (CSS, say) stays as it is.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after.find('}').and_then(|close| {
            values
                .iter()
                .find(|(key, _)| *key == &after[..close])
                .map(|(_, v)| (close, *v))
        });
        match value {
            Some((close, value)) => {
                out.push_str(value);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn echo(method: &Method, path: &str) -> Reply {
        match path {
            "/echo" if is_read(method) => Reply::text(200, format!("{method} {path}")),
            "/echo" => Reply::method_not_allowed(),
            _ => Reply::not_found(),
        }
    }

    fn service() -> Service<fn(&Method, &str) -> Reply> {
        Service {
            name: "test",
            version: "1.2.3",
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            route: echo,
        }
    }

    #[test]
    fn version_line_names_the_platform() {
        assert_eq!(
            version_line("svc", "1.2.3"),
            format!("svc 1.2.3 ({OS}/{ARCH})")
        );
    }

    #[test]
    fn healthz_is_answered_for_every_service_and_the_rest_by_its_routes() {
        let s = service();
        assert_eq!(
            s.reply(&Method::Get, "/healthz"),
            Reply::json(200, r#"{"status":"ok"}"#)
        );
        assert_eq!(s.reply(&Method::Head, "/healthz?probe=1").status, 200);
        assert_eq!(s.reply(&Method::Post, "/healthz").status, 405);
        assert_eq!(
            s.reply(&Method::Get, "/echo?x=1"),
            Reply::text(200, "GET /echo".to_string())
        );
        assert_eq!(s.reply(&Method::Put, "/echo").status, 405);
        assert_eq!(s.reply(&Method::Get, "/nope").status, 404);
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
    fn html_special_characters_become_entities() {
        assert_eq!(
            escape_html(r#"<a href="x">Tom's & Jerry's</a>"#),
            "&lt;a href=&quot;x&quot;&gt;Tom&#39;s &amp; Jerry&#39;s&lt;/a&gt;"
        );
    }

    #[test]
    fn fill_replaces_known_keys_once_and_leaves_other_braces() {
        let page = fill("a { b: c } {x} {y} {", &[("x", "{y}"), ("y", "2")]);
        assert_eq!(page, "a { b: c } {y} 2 {");
    }

    #[test]
    fn serves_until_unblocked_and_the_client_reads_answers() {
        let server = Arc::new(Server::http("127.0.0.1:0").expect("a free port"));
        let addr = server
            .server_addr()
            .to_ip()
            .expect("an IP listener")
            .to_string();
        let running = Arc::clone(&server);
        let thread = thread::spawn(move || service().serve(&running));
        let timeout = Duration::from_secs(5);
        assert!(healthy(&addr, timeout));
        assert_eq!(
            get(&addr, "/echo", timeout).expect("GET /echo"),
            (200, "GET /echo".to_string())
        );
        assert_eq!(get(&addr, "/nope", timeout).expect("GET /nope").0, 404);
        server.unblock();
        thread
            .join()
            .expect("the server thread ends once unblocked");
        drop(server);
        assert!(
            !healthy(&addr, Duration::from_secs(1)),
            "nothing listens once the server is dropped"
        );
    }
}
