//! frontend: serves an HTML page that shows the backend's live SVG clock.
//!
//! Usage:
//!   frontend               serve on 0.0.0.0:$PORT (default 8080)
//!   frontend version       print the version line (also `--version`)
//!   frontend healthcheck   GET http://127.0.0.1:$PORT/healthz, exit 0 on 200
//!
//! `BACKEND_URL` (default `http://localhost:8081`) is the backend address as
//! seen from the *browser*, since the page embeds `<img src="BACKEND_URL/">`.

use std::process::ExitCode;

use svg_core::escape_xml;
use svg_core::http::{self, Response};

const NAME: &str = env!("CARGO_PKG_NAME");
const DEFAULT_PORT: u16 = 8080;
const DEFAULT_BACKEND_URL: &str = "http://localhost:8081";

fn version_line() -> String {
    http::version_line(NAME, env!("CARGO_PKG_VERSION"), option_env!("GIT_COMMIT"))
}

fn backend_url() -> String {
    std::env::var("BACKEND_URL")
        .ok()
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| DEFAULT_BACKEND_URL.to_string())
}

/// The page: the clock image plus a one-line script that reloads it every
/// second (the query string defeats caches; the backend ignores it).
fn page(backend_url: &str) -> String {
    let src = escape_xml(&format!("{}/", backend_url.trim_end_matches('/')));
    let version = escape_xml(&version_line());
    format!(
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>realtime-svg</title>
<style>body{{font-family:sans-serif;text-align:center;margin-top:3em}}</style>
</head>
<body>
<h1>realtime-svg</h1>
<img id="clock" src="{src}" alt="clock rendered by the backend" width="220" height="260">
<p>page served by {version}</p>
<script>
const img = document.getElementById("clock"), base = img.getAttribute("src");
setInterval(() => {{ img.src = base + "?t=" + Date.now(); }}, 1000);
</script>
</body>
</html>
"#
    )
}

fn route(path: &str) -> Response {
    match path {
        "/" => Response::new(200, "text/html; charset=utf-8", page(&backend_url())),
        "/healthz" => Response::text("ok"),
        _ => Response::error(404),
    }
}

fn main() -> ExitCode {
    let port = match http::port_from_env(DEFAULT_PORT) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{NAME}: {e}");
            return ExitCode::from(2);
        }
    };
    match std::env::args().nth(1).as_deref() {
        None | Some("serve") => {
            eprintln!(
                "{} listening on 0.0.0.0:{port}, backend {}",
                version_line(),
                backend_url()
            );
            if let Err(e) = http::serve(port, route) {
                eprintln!("{NAME}: {e}");
                return ExitCode::FAILURE;
            }
            ExitCode::SUCCESS
        }
        Some("version" | "--version" | "-V") => {
            println!("{}", version_line());
            ExitCode::SUCCESS
        }
        Some("healthcheck") => {
            if http::healthcheck(port) {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Some(other) => {
            eprintln!("{NAME}: unknown command {other:?}");
            eprintln!("usage: {NAME} [serve|version|--version|healthcheck]  (env PORT, default {DEFAULT_PORT}; BACKEND_URL)");
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_embeds_escaped_backend_url_with_one_trailing_slash() {
        let html = page("http://api.example:8081/");
        assert!(html.contains(r#"<img id="clock" src="http://api.example:8081/""#));
        let html = page(r#"http://x/"onerror="alert(1)"#);
        assert!(html.contains("src=\"http://x/&quot;onerror=&quot;alert(1)/\""));
    }

    #[test]
    fn healthz_and_404() {
        assert_eq!(route("/healthz").body, b"ok");
        assert_eq!(route("/missing").status, 404);
    }
}
