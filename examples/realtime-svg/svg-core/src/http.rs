//! Minimal std-only HTTP/1.1 plumbing shared by the `backend` and `frontend`
//! binaries: one request per connection, `Connection: close`, GET/HEAD only.
//! It is deliberately small; it is a demo, not a web framework.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::Duration;

/// Longest request head (request line + headers) we are willing to read.
const MAX_HEAD: u64 = 8 * 1024;
const IO_TIMEOUT: Duration = Duration::from_secs(5);

/// An HTTP response to be written with `Connection: close`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub content_type: &'static str,
    pub extra_headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

impl Response {
    /// A response with the given status, content type and body.
    pub fn new(status: u16, content_type: &'static str, body: impl Into<Vec<u8>>) -> Self {
        Response {
            status,
            content_type,
            extra_headers: Vec::new(),
            body: body.into(),
        }
    }

    /// `200 OK` with a plain-text body.
    pub fn text(body: impl Into<Vec<u8>>) -> Self {
        Self::new(200, "text/plain; charset=utf-8", body)
    }

    /// A plain-text error page for `status`.
    pub fn error(status: u16) -> Self {
        Self::new(status, "text/plain; charset=utf-8", reason(status))
    }

    /// Add a header such as `Cache-Control`.
    pub fn with_header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.extra_headers.push((name, value.into()));
        self
    }

    /// Serialize the response; for HEAD requests the body is left out but
    /// `Content-Length` still describes it.
    pub fn write_to(&self, w: &mut impl Write, include_body: bool) -> io::Result<()> {
        write!(
            w,
            "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n",
            self.status,
            reason(self.status),
            self.content_type,
            self.body.len()
        )?;
        for (name, value) in &self.extra_headers {
            write!(w, "{name}: {value}\r\n")?;
        }
        w.write_all(b"\r\n")?;
        if include_body {
            w.write_all(&self.body)?;
        }
        w.flush()
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        _ => "Error",
    }
}

/// Parse a request line such as `GET /path?x=1 HTTP/1.1` into the method and
/// the path without its query string.
pub fn parse_request_line(line: &str) -> Option<(&str, &str)> {
    let mut parts = line.split_whitespace();
    let method = parts.next()?;
    let target = parts.next()?;
    let version = parts.next()?;
    if !version.starts_with("HTTP/") || parts.next().is_some() {
        return None;
    }
    let path = target.split(['?', '#']).next().unwrap_or(target);
    Some((method, path))
}

/// Port from the `PORT` environment variable, or `default` if it is unset.
/// An unparsable value is an error rather than a silent fallback.
pub fn port_from_env(default: u16) -> Result<u16, String> {
    match std::env::var("PORT") {
        Ok(p) if !p.is_empty() => p.parse().map_err(|_| format!("invalid PORT {p:?}")),
        _ => Ok(default),
    }
}

/// `<name> <version> (<os>/<arch>)`, plus ` commit <sha>` when known.
pub fn version_line(name: &str, version: &str, commit: Option<&str>) -> String {
    use std::env::consts::{ARCH, OS};
    let mut line = format!("{name} {version} ({OS}/{ARCH})");
    if let Some(c) = commit.filter(|c| !c.is_empty()) {
        line.push_str(" commit ");
        line.push_str(c);
    }
    line
}

/// Serve on `0.0.0.0:port` forever, one thread per connection. `handler`
/// maps a request path to a response; only GET and HEAD are accepted.
pub fn serve(port: u16, handler: fn(&str) -> Response) -> io::Result<()> {
    exit_on_sigterm();
    let listener = TcpListener::bind(SocketAddr::from(([0, 0, 0, 0], port)))?;
    for stream in listener.incoming() {
        match stream {
            Ok(stream) => {
                std::thread::spawn(move || {
                    if let Err(e) = handle(stream, handler) {
                        eprintln!("connection error: {e}");
                    }
                });
            }
            Err(e) => eprintln!("accept error: {e}"),
        }
    }
    Ok(())
}

fn handle(mut stream: TcpStream, handler: fn(&str) -> Response) -> io::Result<()> {
    stream.set_read_timeout(Some(IO_TIMEOUT))?;
    stream.set_write_timeout(Some(IO_TIMEOUT))?;

    // Read the request line, then drain headers up to the blank line so the
    // client is not reset by unread data when we close the socket.
    let mut reader = BufReader::new((&stream).take(MAX_HEAD));
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let mut header = String::new();
    loop {
        header.clear();
        if reader.read_line(&mut header)? == 0 || header == "\r\n" || header == "\n" {
            break;
        }
    }

    let (response, include_body) = match parse_request_line(&request_line) {
        None => (Response::error(400), true),
        Some(("GET", path)) => (handler(path), true),
        Some(("HEAD", path)) => (handler(path), false),
        Some(_) => (Response::error(405).with_header("Allow", "GET, HEAD"), true),
    };
    response.write_to(&mut stream, include_body)?;
    stream.shutdown(std::net::Shutdown::Write)
}

/// `GET http://127.0.0.1:<port>/healthz`; true only for a `200` answer.
/// Used by the `healthcheck` subcommand, since images may lack curl.
pub fn healthcheck(port: u16) -> bool {
    fn check(port: u16) -> io::Result<bool> {
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(3))?;
        stream.set_read_timeout(Some(Duration::from_secs(3)))?;
        stream
            .write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")?;
        let mut status_line = String::new();
        BufReader::new(stream).read_line(&mut status_line)?;
        Ok(status_line.split_whitespace().nth(1) == Some("200"))
    }
    match check(port) {
        Ok(ok) => ok,
        Err(e) => {
            eprintln!("healthcheck: {e}");
            false
        }
    }
}

/// Exit immediately with status 0 on SIGTERM or SIGINT.
///
/// A process running as PID 1 in a container ignores signals it has no
/// handler for, so without this `docker stop` would wait for its timeout and
/// then SIGKILL. The servers hold no state worth flushing, so `_exit` (which
/// is async-signal-safe) is a clean shutdown. Declared by hand to stay
/// dependency-free; the signal numbers are the same on every Linux target
/// and on macOS.
#[cfg(unix)]
fn exit_on_sigterm() {
    use std::os::raw::c_int;
    const SIGINT: c_int = 2;
    const SIGTERM: c_int = 15;
    extern "C" {
        fn signal(signum: c_int, handler: extern "C" fn(c_int)) -> usize;
        fn _exit(status: c_int) -> !;
    }
    extern "C" fn on_signal(_: c_int) {
        // SAFETY: _exit is async-signal-safe and takes no pointers.
        unsafe { _exit(0) }
    }
    // SAFETY: installs a handler that only calls an async-signal-safe function.
    unsafe {
        signal(SIGTERM, on_signal);
        signal(SIGINT, on_signal);
    }
}

#[cfg(not(unix))]
fn exit_on_sigterm() {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_request_lines() {
        assert_eq!(
            parse_request_line("GET /?t=1 HTTP/1.1\r\n"),
            Some(("GET", "/"))
        );
        assert_eq!(
            parse_request_line("HEAD /healthz HTTP/1.0"),
            Some(("HEAD", "/healthz"))
        );
        assert_eq!(parse_request_line("GET /"), None);
        assert_eq!(parse_request_line("garbage"), None);
        assert_eq!(parse_request_line(""), None);
    }

    #[test]
    fn writes_status_headers_and_body() {
        let mut out = Vec::new();
        Response::text("ok")
            .with_header("Cache-Control", "no-store")
            .write_to(&mut out, true)
            .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 2\r\n\
             Connection: close\r\nCache-Control: no-store\r\n\r\nok"
        );
    }

    #[test]
    fn head_omits_body_but_keeps_length() {
        let mut out = Vec::new();
        Response::text("ok").write_to(&mut out, false).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("Content-Length: 2\r\n"));
        assert!(text.ends_with("\r\n\r\n"));
    }

    #[test]
    fn version_line_has_platform_and_optional_commit() {
        let plain = version_line("backend", "1.2.3", None);
        assert!(plain.starts_with("backend 1.2.3 ("));
        assert!(plain.ends_with(')'));
        assert!(version_line("backend", "1.2.3", Some("abc")).ends_with(") commit abc"));
        assert_eq!(
            version_line("b", "1", Some("")),
            plain.replace("backend 1.2.3", "b 1")
        );
    }
}
