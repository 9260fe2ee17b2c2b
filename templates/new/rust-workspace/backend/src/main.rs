{#- The backend listens next to the frontend's port: both run on one machine in development. -#}
{% set backend_port = port + 1 if port < 65535 else port - 1 %}
//! {{ name }}-backend: the API the frontend asks for its page's content.
//!
//! Usage: {{ name }}-backend [serve | version | --version | healthcheck | --help]
//!   serve on 0.0.0.0:$PORT (default {{ backend_port }}) until SIGTERM or SIGINT; `healthcheck` GETs /healthz.
//!
//! Routes: `GET /healthz` (`{"status":"ok"}`), `GET /api/hello` (a greeting naming the backend's platform),
//! `GET /` (a line naming the service).

use std::net::SocketAddr;
use std::process::ExitCode;

use {{ crate }}_shared::{Method, Reply, Service, is_read, version_line};

const NAME: &str = env!("CARGO_PKG_NAME");
const VERSION: &str = env!("CARGO_PKG_VERSION");

fn route(method: &Method, path: &str) -> Reply {
    match path {
        "/api/hello" if is_read(method) => {
            Reply::text(200, format!("Hello from {}", version_line(NAME, VERSION)))
        }
        "/" if is_read(method) => Reply::text(
            200,
            format!("{}: the API, see /api/hello\n", version_line(NAME, VERSION)),
        ),
        "/" | "/api/hello" => Reply::method_not_allowed(),
        _ => Reply::not_found(),
    }
}

fn main() -> ExitCode {
    // The address it listens on, unless PORT names another port.
    let listen = SocketAddr::from(([0, 0, 0, 0], {{ backend_port }}));
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
    fn hello_names_the_backend_and_its_platform() {
        let reply = route(&Method::Get, "/api/hello");
        assert_eq!(
            reply,
            Reply::text(200, format!("Hello from {}", version_line(NAME, VERSION)))
        );
        assert!(reply.body.ends_with(&format!(
            "({}/{})",
            std::env::consts::OS,
            std::env::consts::ARCH
        )));
    }

    #[test]
    fn other_methods_and_paths_are_refused() {
        assert_eq!(route(&Method::Get, "/").status, 200);
        assert_eq!(route(&Method::Post, "/api/hello").status, 405);
        assert_eq!(route(&Method::Get, "/api/nope").status, 404);
    }
}
