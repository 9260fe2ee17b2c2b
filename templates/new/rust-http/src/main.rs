//! Usage:
//!   {{ name }} [serve]        serve HTTP on 0.0.0.0:$PORT (default {{ port }}) until SIGTERM or SIGINT, then exit 0
//!   {{ name }} version        print `NAME VERSION (OS/ARCH)` (also --version, -V)
//!   {{ name }} healthcheck    GET http://127.0.0.1:$PORT/healthz: exit 0 on 200, else 1 (the image's health check)
//!
//! Routes: `GET /healthz` answers `{"status":"ok"}`, `GET /` a line naming the service.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use {{ crate }}::{NAME, healthy, port, run, version_line};

fn usage() -> String {
    format!("usage: {NAME} [serve | version | --version | healthcheck | --help]  (env PORT)")
}

fn main() -> ExitCode {
    // The address it listens on, unless PORT names another port.
    let mut addr = SocketAddr::from(([0, 0, 0, 0], {{ port }}));
    let args: Vec<String> = std::env::args().skip(1).collect();
    let command = match args.as_slice() {
        [] => "serve",
        [one] => one.as_str(),
        _ => "",
    };
    if matches!(command, "serve" | "healthcheck") {
        match port(std::env::var("PORT").ok().as_deref(), addr.port()) {
            Ok(p) => addr.set_port(p),
            Err(e) => {
                eprintln!("{NAME}: {e}");
                return ExitCode::from(2);
            }
        }
    }
    match command {
        "serve" => match run(addr) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("{NAME}: {e}");
                ExitCode::FAILURE
            }
        },
        "version" | "--version" | "-V" => {
            println!("{}", version_line());
            ExitCode::SUCCESS
        }
        "healthcheck" => {
            let local = SocketAddr::from(([127, 0, 0, 1], addr.port()));
            if healthy(local, Duration::from_secs(3)) {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        "help" | "--help" | "-h" => {
            println!("{}", usage());
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("{}", usage());
            ExitCode::from(2)
        }
    }
}
