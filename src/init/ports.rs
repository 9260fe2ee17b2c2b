//! The TCP ports an app listens on: from `--port`, else what its own sources show as a literal.
//!
//! Detection reads only the app's own files, never runs `go` or `cargo`, and takes only a port written as a
//! literal in a listen call:
//! - Go, the `.go` files of the main package's directory: `http.ListenAndServe(":8080"` (and `...TLS`),
//!   `net.Listen("tcp", ":9090"`, and a server's `Addr: ":8080"` (only without a host, or with `0.0.0.0` or
//!   `[::]`: `Addr: "localhost:6379"` is a client's address).
//! - Rust, the binary's source file: `TcpListener::bind("0.0.0.0:3000")` or `.bind("…:8080")`,
//!   `.bind(("0.0.0.0", 8080))`, `SocketAddr::from(([0, 0, 0, 0], 3000))`. Only when that file shows none, the
//!   other files of its crate's `src/` (not `src/bin/`), and then only when the crate has one binary: a library
//!   shared by several binaries cannot say whose port it is.
//!
//! A line whose text starts with `//` is skipped; block comments are not. A port built at run time (`":" + port`,
//! an environment variable) is not seen: no port is better than a wrong one.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use regex::Regex;

use super::{DetectedApp, DetectedProject, InitError, list_dir};
use crate::config::Language;

/// One `--port` item: `PORT`, `APP=PORT`, `none` or `APP=none`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortArg {
    /// The app it is for; `None` for every app.
    pub app: Option<String>,
    /// `None` for `none`: the app listens on no port.
    pub port: Option<u16>,
}

/// The most files of a crate's `src/` read when its binary's own file shows no port.
const MAX_CRATE_FILES: usize = 200;

static GO: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    [
        r#"\bListenAndServe(?:TLS)?\(\s*"[^"\s]*:([0-9]{1,5})""#,
        r#"\bnet\.Listen\(\s*"tcp[46]?"\s*,\s*"[^"\s]*:([0-9]{1,5})""#,
        r#"\bAddr\s*:\s*"(?:0\.0\.0\.0|\[::\])?:([0-9]{1,5})""#,
    ]
    .iter()
    .map(|p| Regex::new(p).expect("constant pattern is valid"))
    .collect()
});

static RUST: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    [
        r#"(?:\bTcpListener::bind|\.bind)\(\s*"[^"\s]*:([0-9]{1,5})""#,
        r#"(?:\bTcpListener::bind|\.bind)\(\s*\(\s*"[^"\s]*"\s*,\s*([0-9]{1,5})\s*\)"#,
        r#"\bSocketAddr::from\(\s*\(\s*(?:\[[0-9,\s]*\]|[A-Za-z_][A-Za-z0-9_:]*)\s*,\s*([0-9]{1,5})\s*\)\s*\)"#,
    ]
    .iter()
    .map(|p| Regex::new(p).expect("constant pattern is valid"))
    .collect()
});

/// Parses one `--port` item (clap splits the commas): `8080`, `api=8080`, `none`, `worker=none`.
pub fn parse_arg(value: &str) -> Result<PortArg, String> {
    let (app, port) = match value.split_once('=') {
        Some((app, port)) if !app.trim().is_empty() => (Some(app.trim().to_string()), port),
        Some(_) => return Err(format!("`{value}`: name the app before `=`, like `api=8080`")),
        None => (None, value),
    };
    let port = match port.trim() {
        "none" => None,
        p => Some(parse_port(p)?),
    };
    Ok(PortArg { app, port })
}

/// A TCP port, 1 to 65535.
pub fn parse_port(text: &str) -> Result<u16, String> {
    match text.parse::<u16>() {
        Ok(0) => Err("port 0 is not a port: a port is 1 to 65535".to_string()),
        Ok(port) => Ok(port),
        Err(_) => Err(format!("`{text}` is not a port: a port is a number from 1 to 65535, or `none`")),
    }
}

/// A list of ports as typed at a prompt: `8080, 9090`, `8080 9090`, or `none`. Listed once each, in order.
pub fn parse_list(text: &str) -> Result<Vec<u16>, String> {
    if text.trim() == "none" {
        return Ok(Vec::new());
    }
    let mut ports = Vec::new();
    for item in text.split([',', ' ']).filter(|s| !s.is_empty()) {
        let port = parse_port(item)?;
        if !ports.contains(&port) {
            ports.push(port);
        }
    }
    Ok(ports)
}

/// Ports as a prompt shows them: `8080, 9090`, or `none`.
pub fn show_list(ports: &[u16]) -> String {
    if ports.is_empty() { "none".to_string() } else { ports.iter().map(u16::to_string).collect::<Vec<_>>().join(", ") }
}

/// Fills each app's `ports` (and `ports_from`) from what its sources show.
pub(super) fn detect(dir: &Path, project: &mut DetectedProject) {
    let language = project.language;
    let crate_bins = |crate_dir: &Path, apps: &[DetectedApp]| {
        apps.iter().filter(|a| source_crate(dir, a).as_deref() == Some(crate_dir)).count()
    };
    let found: Vec<Vec<Found>> = project
        .apps
        .iter()
        .map(|app| match language {
            Language::Go => app.main.as_deref().map(|main| go_ports(dir, main)).unwrap_or_default(),
            Language::Rust => rust_ports(dir, app, &|c| crate_bins(c, &project.apps)),
        })
        .collect();
    for (app, found) in project.apps.iter_mut().zip(found) {
        if found.is_empty() {
            continue;
        }
        let mut ports: Vec<u16> = Vec::new();
        for f in &found {
            if !ports.contains(&f.port) {
                ports.push(f.port);
            }
        }
        let places: Vec<String> = found.iter().map(|f| format!("{}:{}", f.file, f.line)).collect();
        app.ports = ports;
        app.ports_from = Some(format!("detected in {}", places.join(", ")));
    }
}

/// Applies `--port`: an app named in `APP=PORT` items gets exactly those; every other app gets the bare items
/// when there are any, else keeps what detection found.
pub(super) fn apply_args(project: &mut DetectedProject, args: &[PortArg]) -> Result<(), InitError> {
    if let Some(unknown) =
        args.iter().filter_map(|a| a.app.as_deref()).find(|n| !project.apps.iter().any(|a| a.name == *n))
    {
        return Err(InitError::UnknownApp {
            name: unknown.to_string(),
            apps: project.apps.iter().map(|a| a.name.clone()).collect::<Vec<_>>().join(", "),
        });
    }
    let bare: Vec<&PortArg> = args.iter().filter(|a| a.app.is_none()).collect();
    for app in &mut project.apps {
        let own: Vec<&PortArg> = args.iter().filter(|a| a.app.as_deref() == Some(app.name.as_str())).collect();
        let chosen = if own.is_empty() { &bare } else { &own };
        if chosen.is_empty() {
            continue;
        }
        app.ports = Vec::new();
        for port in chosen.iter().filter_map(|a| a.port) {
            if !app.ports.contains(&port) {
                app.ports.push(port);
            }
        }
        app.ports_from = (!app.ports.is_empty()).then(|| "from --port".to_string());
    }
    Ok(())
}

/// A port literal and where it is: the file relative to the project directory, and its line (from 1).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Found {
    port: u16,
    file: String,
    line: usize,
}

/// The ports in one file's text, with their lines, in file order.
fn scan(text: &str, patterns: &[Regex]) -> Vec<(u16, usize)> {
    let mut found: Vec<(usize, u16)> = Vec::new();
    for re in patterns {
        for caps in re.captures_iter(text) {
            let (Some(call), Some(port)) = (caps.get(0), caps.get(1)) else { continue };
            let line_start = text[..call.start()].rfind('\n').map_or(0, |i| i + 1);
            if text[line_start..call.start()].trim_start().starts_with("//") {
                continue;
            }
            if let Ok(port) = parse_port(port.as_str()) {
                found.push((call.start(), port));
            }
        }
    }
    found.sort();
    found.into_iter().map(|(offset, port)| (port, text[..offset].matches('\n').count() + 1)).collect()
}

pub(super) fn scan_go(text: &str) -> Vec<(u16, usize)> {
    scan(text, &GO)
}

pub(super) fn scan_rust(text: &str) -> Vec<(u16, usize)> {
    scan(text, &RUST)
}

fn scan_file(dir: &Path, rel: &str, scanner: fn(&str) -> Vec<(u16, usize)>) -> Vec<Found> {
    let Ok(bytes) = fs::read(dir.join(rel)) else { return Vec::new() };
    let text = String::from_utf8_lossy(&bytes);
    scanner(&text).into_iter().map(|(port, line)| Found { port, file: rel.to_string(), line }).collect()
}

/// The ports in the buildable `.go` files of a main package's directory (`main` as in the config: `./cmd/api`).
fn go_ports(dir: &Path, main: &str) -> Vec<Found> {
    let rel_dir = main.trim_start_matches("./").trim_start_matches('.').trim_matches('/');
    let Ok(files) = list_dir(&dir.join(rel_dir)) else { return Vec::new() };
    let mut found = Vec::new();
    for file in files {
        let Some(name) = file.file_name().and_then(|n| n.to_str()) else { continue };
        if !name.ends_with(".go") || name.ends_with("_test.go") || name.starts_with(['.', '_']) || !file.is_file() {
            continue;
        }
        let rel = if rel_dir.is_empty() { name.to_string() } else { format!("{rel_dir}/{name}") };
        let is_built = fs::read(&file).is_ok_and(|b| super::go::is_main_file(&String::from_utf8_lossy(&b)));
        if is_built {
            found.extend(scan_file(dir, &rel, scan_go));
        }
    }
    found
}

/// The ports in a Rust binary's source file, else (for a crate with one binary) in the rest of its `src/`.
fn rust_ports(dir: &Path, app: &DetectedApp, bins_in_crate: &dyn Fn(&Path) -> usize) -> Vec<Found> {
    let Some(source) = &app.source else { return Vec::new() };
    let own = scan_file(dir, source, scan_rust);
    if !own.is_empty() {
        return own;
    }
    let Some(crate_dir) = source_crate(dir, app) else { return Vec::new() };
    if bins_in_crate(&crate_dir) != 1 {
        return Vec::new();
    }
    let mut files = Vec::new();
    rust_files(&crate_dir.join("src"), &mut files);
    files.sort();
    let mut found = Vec::new();
    for file in files.into_iter().take(MAX_CRATE_FILES) {
        let Ok(rel) = file.strip_prefix(dir) else { continue };
        let rel = rel.to_string_lossy().replace('\\', "/");
        if rel != *source {
            found.extend(scan_file(dir, &rel, scan_rust));
        }
    }
    found
}

/// The `.rs` files under `src`, without `src/bin/` (other binaries) and hidden directories.
fn rust_files(src: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = list_dir(src) else { return };
    for entry in entries {
        let Some(name) = entry.file_name().and_then(|n| n.to_str()) else { continue };
        if entry.is_dir() && !name.starts_with('.') && !(name == "bin" && src.ends_with("src")) {
            rust_files(&entry, out);
        } else if name.ends_with(".rs") && entry.is_file() {
            out.push(entry);
        }
    }
}

/// The crate directory of a Rust binary: the nearest directory above its source file (inside the project) that
/// holds a `Cargo.toml`.
fn source_crate(dir: &Path, app: &DetectedApp) -> Option<PathBuf> {
    let source = dir.join(app.source.as_deref()?);
    source
        .ancestors()
        .skip(1)
        .take_while(|d| d.starts_with(dir))
        .find(|d| d.join("Cargo.toml").is_file())
        .map(Path::to_path_buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_listen_calls_with_literal_ports_are_read() {
        let text = r#"package main

import "net/http"

func main() {
	// http.ListenAndServe(":1111", nil) is an old comment
	go http.ListenAndServe("0.0.0.0:9090", metrics)
	srv := &http.Server{
		Addr:    ":8080",
		Handler: mux,
	}
	ln, _ := net.Listen("tcp4", ":7070")
	rdb := redis.NewClient(&redis.Options{Addr: "localhost:6379"})
	http.ListenAndServe(":" + port, nil)
	net.Listen("unix", "/tmp/x.sock:1")
	http.ListenAndServeTLS(":8443", "c", "k", nil)
}
"#;
        assert_eq!(scan_go(text), [(9090, 7), (8080, 9), (7070, 12), (8443, 16)]);
        assert_eq!(scan_go(r#"srv := http.Server{Addr: "[::]:80"}"#), [(80, 1)]);
        assert!(scan_go(r#"http.ListenAndServe(":0", nil); http.ListenAndServe(":70000", nil)"#).is_empty());
    }

    #[test]
    fn rust_listen_calls_with_literal_ports_are_read() {
        let text = r#"fn main() {
    let listener = tokio::net::TcpListener::bind("0.0.0.0:3000").await?;
    HttpServer::new(app).bind(("0.0.0.0", 8080))?.run();
    let addr = SocketAddr::from(([0, 0, 0, 0], 4000));
    let v6 = SocketAddr::from((Ipv6Addr::UNSPECIFIED, 4001));
    /// TcpListener::bind("0.0.0.0:1111") in a doc comment
    let udp = UdpSocket::bind("0.0.0.0:53")?;
    let dynamic = TcpListener::bind(format!("0.0.0.0:{port}"))?;
    std::net::TcpListener::bind(
        "127.0.0.1:5000",
    )?;
}
"#;
        assert_eq!(scan_rust(text), [(3000, 2), (8080, 3), (4000, 4), (4001, 5), (5000, 9)]);
    }

    #[test]
    fn port_flags_parse_and_refuse_what_is_not_a_port() {
        assert_eq!(parse_arg("8080"), Ok(PortArg { app: None, port: Some(8080) }));
        assert_eq!(parse_arg("api=9090"), Ok(PortArg { app: Some("api".into()), port: Some(9090) }));
        assert_eq!(parse_arg("worker=none"), Ok(PortArg { app: Some("worker".into()), port: None }));
        assert_eq!(parse_arg("none"), Ok(PortArg { app: None, port: None }));
        assert!(parse_arg("0").unwrap_err().contains("port 0 is not a port"));
        assert!(parse_arg("http").unwrap_err().contains("`http` is not a port"));
        assert!(parse_arg("=80").unwrap_err().contains("name the app"));
        assert!(parse_arg("65536").is_err());
        assert_eq!(parse_list("8080, 9090 8080"), Ok(vec![8080, 9090]));
        assert_eq!(parse_list("none"), Ok(vec![]));
        assert_eq!(show_list(&[8080, 9090]), "8080, 9090");
        assert_eq!(show_list(&[]), "none");
    }

    fn project(apps: &[(&str, &[u16])]) -> DetectedProject {
        let mut p = super::super::starting_point(Path::new("demo"), Language::Go);
        p.apps = apps
            .iter()
            .map(|(name, ports)| DetectedApp {
                name: name.to_string(),
                bin: name.to_string(),
                ports: ports.to_vec(),
                ports_from: (!ports.is_empty()).then(|| "detected in main.go:3".into()),
                ..DetectedApp::default()
            })
            .collect();
        p
    }

    fn ports_of(p: &DetectedProject) -> Vec<(&str, Vec<u16>, Option<&str>)> {
        p.apps.iter().map(|a| (a.name.as_str(), a.ports.clone(), a.ports_from.as_deref())).collect()
    }

    #[test]
    fn bare_ports_go_to_every_app_and_named_ones_to_their_app() {
        let args = |items: &[&str]| items.iter().map(|i| parse_arg(i).unwrap()).collect::<Vec<_>>();
        let mut p = project(&[("api", &[8080]), ("worker", &[])]);
        apply_args(&mut p, &[]).unwrap();
        assert_eq!(ports_of(&p)[0], ("api", vec![8080], Some("detected in main.go:3")), "no flag keeps detection");

        let mut p = project(&[("api", &[8080]), ("worker", &[])]);
        apply_args(&mut p, &args(&["9000", "9001"])).unwrap();
        let from = Some("from --port");
        assert_eq!(ports_of(&p), [("api", vec![9000, 9001], from), ("worker", vec![9000, 9001], from)]);

        let mut p = project(&[("api", &[8080]), ("worker", &[7000])]);
        apply_args(&mut p, &args(&["api=9000", "api=9000", "worker=none"])).unwrap();
        assert_eq!(ports_of(&p), [("api", vec![9000], from), ("worker", vec![], None)]);

        let mut p = project(&[("api", &[8080]), ("worker", &[7000])]);
        apply_args(&mut p, &args(&["80", "api=9000"])).unwrap();
        assert_eq!(ports_of(&p), [("api", vec![9000], from), ("worker", vec![80], from)]);

        let err = apply_args(&mut p, &args(&["web=80"])).unwrap_err().to_string();
        assert!(err.contains("no app `web`"), "{err}");
        assert!(err.contains("api, worker"), "{err}");
    }

    fn write(root: &Path, rel: &str, text: &str) {
        let path = root.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    #[test]
    fn a_go_main_package_shows_its_ports_with_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "go.mod", "module example.com/svc\n\ngo 1.22\n");
        write(
            dir.path(),
            "cmd/api/main.go",
            "package main\n\nfunc main() {\n\thttp.ListenAndServe(\":8080\", nil)\n}\n",
        );
        write(dir.path(), "cmd/api/metrics.go", "package main\n\nvar srv = http.Server{Addr: \":9090\"}\n");
        write(dir.path(), "cmd/api/main_test.go", "package main\n\nvar _ = net.Listen(\"tcp\", \":1\")\n");
        write(
            dir.path(),
            "cmd/api/gen.go",
            "//go:build ignore\n\npackage main\n\nvar _ = net.Listen(\"tcp\", \":2\")\n",
        );
        write(dir.path(), "cmd/cli/main.go", "package main\n\nfunc main() {}\n");
        write(dir.path(), "internal/server.go", "package server\n\nvar _ = net.Listen(\"tcp\", \":3\")\n");
        let mut p = super::super::detect(dir.path(), None).unwrap();
        detect(dir.path(), &mut p);
        assert_eq!(
            ports_of(&p),
            [
                ("api", vec![8080, 9090], Some("detected in cmd/api/main.go:4, cmd/api/metrics.go:3")),
                ("cli", vec![], None)
            ]
        );
    }

    #[test]
    fn a_rust_binary_shows_its_ports_and_a_shared_library_only_for_a_lone_binary() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "Cargo.toml", "[workspace]\nmembers = [\"server\", \"tools\"]\n");
        write(dir.path(), "server/Cargo.toml", "[package]\nname = \"server\"\nversion = \"0.1.0\"\n");
        write(dir.path(), "server/src/main.rs", "mod net;\nfn main() { net::serve() }\n");
        write(dir.path(), "server/src/net/mod.rs", "pub fn serve() {\n    TcpListener::bind(\"0.0.0.0:3000\");\n}\n");
        write(dir.path(), "tools/Cargo.toml", "[package]\nname = \"tools\"\nversion = \"0.1.0\"\n");
        write(dir.path(), "tools/src/lib.rs", "pub fn serve() { TcpListener::bind(\"0.0.0.0:4000\"); }\n");
        write(dir.path(), "tools/src/bin/a.rs", "fn main() { tools::serve() }\n");
        write(
            dir.path(),
            "tools/src/bin/b.rs",
            "fn main() {\n    let _ = SocketAddr::from(([0, 0, 0, 0], 5000));\n}\n",
        );
        let mut p = super::super::detect(dir.path(), None).unwrap();
        detect(dir.path(), &mut p);
        assert_eq!(
            ports_of(&p),
            [
                ("a", vec![], None),
                ("b", vec![5000], Some("detected in tools/src/bin/b.rs:2")),
                ("server", vec![3000], Some("detected in server/src/net/mod.rs:2")),
            ]
        );
    }
}
