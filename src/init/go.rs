//! Go modules: the module path and `go` directive of `go.mod`, and the main packages (`cmd/*`, or the root).

use std::fs;
use std::path::Path;
use std::sync::LazyLock;

use regex::Regex;

use super::{DetectedApp, DetectedProject, InitError, list_dir, read_to_string, sanitize_name, unique_sorted};
use crate::config::Language;

struct GoMod {
    module: String,
    go: Option<String>,
}

static GO_VERSION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^([0-9]+)\.([0-9]+)").expect("constant pattern is valid"));

pub(super) fn detect_go(dir: &Path) -> Result<DetectedProject, InitError> {
    let path = dir.join("go.mod");
    let text = read_to_string(&path)?;
    let go_mod = parse_go_mod(&text).map_err(|message| InitError::InvalidManifest { path: path.clone(), message })?;
    let base = module_base(&go_mod.module);
    let name = sanitize_name(base);

    let mut apps = Vec::new();
    let cmd = dir.join("cmd");
    if cmd.is_dir() {
        for sub in list_dir(&cmd)? {
            let Some(dir_name) = sub.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            // The go tool ignores directories starting with `.` or `_`, and `testdata`.
            if dir_name.starts_with(['.', '_']) || dir_name == "testdata" || !sub.is_dir() {
                continue;
            }
            if has_main_package(&sub)? {
                apps.push(go_app(dir_name, format!("./cmd/{dir_name}")));
            }
        }
    }
    if apps.is_empty() || has_main_package(dir)? {
        apps.push(go_app(base, ".".to_string()));
    }

    Ok(DetectedProject {
        name,
        language: Language::Go,
        manifest: Some("go.mod".to_string()),
        source: forge_url(&go_mod.module),
        module: Some(go_mod.module),
        apps: unique_sorted(apps),
        go_version: go_mod.go,
        rust_version: None,
        description: None,
        license: None,
        registry: None,
        platforms: None,
        ci_root: None,
        kept: Vec::new(),
        tests: None,
    })
}

fn go_app(raw_name: &str, main: String) -> DetectedApp {
    let name = sanitize_name(raw_name);
    DetectedApp { bin: name.clone(), name, main: Some(main), ..DetectedApp::default() }
}

/// Reads the `module` and `go` directives; everything else in `go.mod` is irrelevant here.
fn parse_go_mod(text: &str) -> Result<GoMod, String> {
    let mut module = None;
    let mut go = None;
    for line in text.lines() {
        let line = line.split("//").next().unwrap_or_default().trim();
        let mut words = line.split_whitespace();
        match (words.next(), words.next()) {
            (Some("module"), Some(path)) => module = Some(path.trim_matches(['"', '`']).to_string()),
            (Some("go"), Some(version)) => {
                go = GO_VERSION.captures(version).map(|c| format!("{}.{}", &c[1], &c[2]));
            }
            _ => {}
        }
    }
    match module {
        Some(module) if !module.is_empty() => Ok(GoMod { module, go }),
        _ => Err("no `module` line: go.mod must name its module, like `module example.com/app`".to_string()),
    }
}

/// The last element of a module path, skipping a major version suffix (`example.com/app/v2` is `app`), the
/// way `go build` names the binary.
pub(super) fn module_base(module: &str) -> &str {
    let mut parts = module.rsplit('/');
    let last = parts.next().unwrap_or(module);
    let is_major = last.len() > 1 && last.starts_with('v') && last[1..].bytes().all(|b| b.is_ascii_digit());
    match parts.next() {
        Some(prev) if is_major && !prev.is_empty() => prev,
        _ => last,
    }
}

/// The repository URL of a module hosted on a well-known forge: `github.com/foo/bar/v2` gives
/// `https://github.com/foo/bar`.
fn forge_url(module: &str) -> Option<String> {
    let parts: Vec<&str> = module.split('/').collect();
    let forges = ["github.com", "gitlab.com", "codeberg.org", "bitbucket.org"];
    if parts.len() >= 3 && forges.contains(&parts[0]) && parts[1..3].iter().all(|p| !p.is_empty()) {
        Some(format!("https://{}", parts[..3].join("/")))
    } else {
        None
    }
}

/// Whether `dir` holds a buildable `package main`: a non-test `.go` file whose package clause says `main` and
/// that is not excluded with a `//go:build ignore` constraint (the usual mark of a `go run gen.go` helper).
pub(crate) fn has_main_package(dir: &Path) -> Result<bool, InitError> {
    for file in list_dir(dir)? {
        let Some(name) = file.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        if !name.ends_with(".go") || name.ends_with("_test.go") || name.starts_with(['.', '_']) || !file.is_file() {
            continue;
        }
        let bytes = fs::read(&file).map_err(|source| InitError::Read { path: file.clone(), source })?;
        if is_main_file(&String::from_utf8_lossy(&bytes)) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Reads a Go file's header (comments and build constraints) up to its package clause.
pub(super) fn is_main_file(source: &str) -> bool {
    let mut in_block_comment = false;
    for line in source.lines() {
        let mut line = line.trim();
        if in_block_comment {
            match line.find("*/") {
                Some(end) => {
                    in_block_comment = false;
                    line = line[end + 2..].trim();
                }
                None => continue,
            }
        }
        if let Some(constraint) = line.strip_prefix("//go:build") {
            if constraint.trim() == "ignore" {
                return false;
            }
            continue;
        }
        if let Some(constraint) = line.strip_prefix("// +build") {
            if constraint.split_whitespace().any(|w| w == "ignore") {
                return false;
            }
            continue;
        }
        if line.is_empty() || line.starts_with("//") {
            continue;
        }
        if let Some(rest) = line.strip_prefix("/*") {
            if !rest.contains("*/") {
                in_block_comment = true;
            }
            continue;
        }
        let mut words = line.split(|c: char| c.is_whitespace() || c == ';' || c == '/');
        return words.next() == Some("package") && words.find(|w| !w.is_empty()) == Some("main");
    }
    false
}
