{% set backend_port = port + 1 if port < 65535 else port - 1 %}
//! {{ name }}-frontend: serves the page, with content it asks the backend for at each request.
//!
//! Usage: {{ name }}-frontend [serve | version | --version | healthcheck | --help]
//!   serve on 0.0.0.0:$PORT (default {{ port }}) until SIGTERM or SIGINT; `healthcheck` GETs /healthz.
//!   BACKEND_ADDR is the backend's `host:port` (default 127.0.0.1:{{ backend_port }}).
//!
//! Routes: `GET /healthz` (`{"status":"ok"}`, whether or not the backend answers), `GET /` (the page).

use std::io;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use {{ crate }}_shared::{Method, Reply, Service, escape_html, fill, get, is_read, version_line};

const NAME: &str = env!("CARGO_PKG_NAME");
const VERSION: &str = env!("CARGO_PKG_VERSION");
const DESCRIPTION: &str = env!("CARGO_PKG_DESCRIPTION");
/// The page, with `{title}`, `{description}`, `{backend}` and `{served_by}` filled in per request.
const PAGE: &str = include_str!("page.html");
const DEFAULT_BACKEND: &str = "127.0.0.1:{{ backend_port }}";
/// How long a page waits for the backend to connect, and then for each read.
const BACKEND_TIMEOUT: Duration = Duration::from_secs(2);

/// The page, given what the backend at `backend` answered to `GET /api/hello`.
fn page(backend: &str, answer: io::Result<(u16, String)>) -> String {
    let said = match answer {
        Ok((200, body)) => body,
        Ok((status, _)) => format!("(the backend at {backend} answered {status})"),
        Err(e) => format!("(the backend at {backend} is unreachable: {e})"),
    };
    fill(
        PAGE,
        &[
            ("title", &escape_html(NAME)),
            ("description", &escape_html(DESCRIPTION)),
            ("backend", &escape_html(&said)),
            ("served_by", &escape_html(&version_line(NAME, VERSION))),
        ],
    )
}

fn route(backend: &str, method: &Method, path: &str) -> Reply {
    match path {
        "/" if is_read(method) => Reply::html(
            200,
            page(backend, get(backend, "/api/hello", BACKEND_TIMEOUT)),
        ),
        "/" => Reply::method_not_allowed(),
        _ => Reply::not_found(),
    }
}

fn main() -> ExitCode {
    let backend = std::env::var("BACKEND_ADDR").ok().filter(|a| !a.is_empty());
    let backend = backend.unwrap_or_else(|| DEFAULT_BACKEND.to_string());
    // The address it listens on, unless PORT names another port.
    let listen = SocketAddr::from(([0, 0, 0, 0], {{ port }}));
    let route = move |method: &Method, path: &str| route(&backend, method, path);
    Service {
        name: NAME,
        version: VERSION,
        listen,
        route,
    }
    .main()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_shows_what_the_backend_said_escaped() {
        let html = page("b:1", Ok((200, "Hello <from> {title}".to_string())));
        assert!(
            html.contains("<code>Hello &lt;from&gt; {title}</code>"),
            "{html}"
        );
        assert!(
            html.contains(&format!("<title>{}</title>", escape_html(NAME))),
            "{html}"
        );
        assert!(
            html.contains(&format!("Served by {}.", version_line(NAME, VERSION))),
            "{html}"
        );
    }

    #[test]
    fn the_page_says_when_the_backend_fails() {
        let html = page("b:1", Ok((500, String::new())));
        assert!(html.contains("(the backend at b:1 answered 500)"), "{html}");
        let refused = io::Error::new(io::ErrorKind::ConnectionRefused, "refused");
        let html = page("b:1", Err(refused));
        assert!(
            html.contains("(the backend at b:1 is unreachable: refused)"),
            "{html}"
        );
    }

    #[test]
    fn only_the_page_is_served() {
        assert_eq!(route("127.0.0.1:1", &Method::Post, "/").status, 405);
        assert_eq!(route("127.0.0.1:1", &Method::Get, "/nope").status, 404);
    }
}
