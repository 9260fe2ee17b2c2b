//! backend: serves a live SVG clock badge rendered by `svg-core`.
//!
//! Usage:
//!   backend                serve on 0.0.0.0:$PORT (default 8081)
//!   backend version        print the version line (also `--version`)
//!   backend healthcheck    GET http://127.0.0.1:$PORT/healthz, exit 0 on 200

use std::env::consts::{ARCH, OS};
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use svg_core::http::{self, Response};

const NAME: &str = env!("CARGO_PKG_NAME");
const DEFAULT_PORT: u16 = 8081;

fn version_line() -> String {
    http::version_line(NAME, env!("CARGO_PKG_VERSION"), option_env!("GIT_COMMIT"))
}

fn route(path: &str) -> Response {
    match path {
        "/" => {
            let now = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0);
            // The label shows which architecture rendered the image.
            let svg = svg_core::render_clock(now, &format!("{NAME} on {OS}/{ARCH}"));
            Response::new(200, "image/svg+xml", svg).with_header("Cache-Control", "no-store")
        }
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
            eprintln!("{} listening on 0.0.0.0:{port}", version_line());
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
            eprintln!("usage: {NAME} [serve|version|--version|healthcheck]  (env PORT, default {DEFAULT_PORT})");
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes() {
        let root = route("/");
        assert_eq!(root.status, 200);
        assert_eq!(root.content_type, "image/svg+xml");
        assert!(root.body.starts_with(b"<svg"));
        assert_eq!(route("/healthz").body, b"ok");
        assert_eq!(route("/nope").status, 404);
    }
}
