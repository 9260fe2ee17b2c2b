//! Cargo projects: a package's binaries (`[[bin]]`, `src/main.rs`, `src/bin/*`), the members of a workspace
//! (globs and excludes), and the toolchain a `rust-toolchain` file pins.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use regex::Regex;

use super::{
    DetectedApp, DetectedProject, InitError, dir_name, list_dir, read_to_string, sanitize_name, unique_sorted,
};
use crate::config::Language;

static RUST_VERSION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[0-9]+\.[0-9]+(\.[0-9]+)?$").expect("constant pattern is valid"));

pub(super) fn detect_rust(dir: &Path) -> Result<DetectedProject, InitError> {
    let path = dir.join("Cargo.toml");
    let manifest = read_manifest(&path)?;
    let invalid = |message: &str| InitError::InvalidManifest { path: path.clone(), message: message.to_string() };
    let package = optional_table(&manifest, "package").map_err(|m| invalid(&m))?;
    let workspace = optional_table(&manifest, "workspace").map_err(|m| invalid(&m))?;
    let workspace_package = match workspace {
        Some(ws) => optional_table(ws, "package").map_err(|m| invalid(&format!("[workspace] {m}")))?,
        None => None,
    };
    if package.is_none() && workspace.is_none() {
        return Err(invalid("neither `[package]` nor `[workspace]`: is this the project's Cargo.toml?"));
    }

    let mut apps = Vec::new();
    let name = match package {
        Some(pkg) => {
            let pkg_name = package_name(pkg, &path)?;
            for BinTarget { name: bin, features, source } in bin_names(dir, &manifest, pkg, &pkg_name, &path)? {
                apps.push(DetectedApp { name: sanitize_name(&bin), bin, features, source, ..DetectedApp::default() });
            }
            pkg_name
        }
        None => dir_name(dir),
    };
    if let Some(ws) = workspace {
        for member in workspace_members(dir, ws, &path)? {
            let member_path = member.join("Cargo.toml");
            let member_manifest = read_manifest(&member_path)?;
            let member_invalid = |m: String| InitError::InvalidManifest { path: member_path.clone(), message: m };
            let Some(member_pkg) = optional_table(&member_manifest, "package").map_err(member_invalid)? else {
                continue;
            };
            let member_name = package_name(member_pkg, &member_path)?;
            let rel = member.strip_prefix(dir).map(|r| r.to_string_lossy().replace('\\', "/")).unwrap_or_default();
            for target in bin_names(&member, &member_manifest, member_pkg, &member_name, &member_path)? {
                apps.push(DetectedApp {
                    name: sanitize_name(&target.name),
                    package: Some(member_name.clone()),
                    bin: target.name,
                    features: target.features,
                    source: target.source.map(|s| if rel.is_empty() { s } else { format!("{rel}/{s}") }),
                    ..DetectedApp::default()
                });
            }
        }
    }
    if apps.is_empty() {
        return Err(InitError::NoBinaries { path });
    }

    let inherited = |key: &str| package_str(package, workspace_package, key);
    let rust_version = match toolchain_version(dir)? {
        Some(v) => Some(v),
        None => inherited("rust-version").filter(|v| RUST_VERSION.is_match(v)),
    };
    Ok(DetectedProject {
        name: sanitize_name(&name),
        language: Language::Rust,
        manifest: Some("Cargo.toml".to_string()),
        module: None,
        apps: unique_sorted(apps),
        go_version: None,
        rust_version,
        source: inherited("repository").filter(|r| r.starts_with("https://")),
        description: inherited("description"),
        license: inherited("license"),
        registry: None,
        platforms: None,
        ci_root: None,
        kept: Vec::new(),
        tests: None,
    })
}

fn read_manifest(path: &Path) -> Result<toml::Table, InitError> {
    let text = read_to_string(path)?;
    text.parse::<toml::Table>().map_err(|e| InitError::InvalidManifest {
        path: path.to_path_buf(),
        message: format!("invalid TOML: {}", e.to_string().trim_end()),
    })
}

fn optional_table<'a>(table: &'a toml::Table, key: &str) -> Result<Option<&'a toml::Table>, String> {
    match table.get(key) {
        None => Ok(None),
        Some(toml::Value::Table(t)) => Ok(Some(t)),
        Some(_) => Err(format!("`{key}` must be a table")),
    }
}

fn package_name(package: &toml::Table, path: &Path) -> Result<String, InitError> {
    match package.get("name") {
        Some(toml::Value::String(name)) if !name.is_empty() => Ok(name.clone()),
        _ => Err(InitError::InvalidManifest {
            path: path.to_path_buf(),
            message: "`[package]` has no `name` string".to_string(),
        }),
    }
}

/// A string key of `[package]`, following `key.workspace = true` to `[workspace.package]`; for a virtual
/// workspace, the key of `[workspace.package]`.
fn package_str(package: Option<&toml::Table>, workspace_package: Option<&toml::Table>, key: &str) -> Option<String> {
    let from_workspace = || workspace_package.and_then(|w| w.get(key)).and_then(|v| v.as_str()).map(str::to_string);
    match package.and_then(|p| p.get(key)) {
        Some(toml::Value::String(s)) => Some(s.clone()),
        Some(toml::Value::Table(t)) if t.get("workspace").and_then(toml::Value::as_bool) == Some(true) => {
            from_workspace()
        }
        Some(_) => None,
        None if package.is_none() => from_workspace(),
        None => None,
    }
}

/// One binary target of a package.
struct BinTarget {
    name: String,
    /// `required-features` of its `[[bin]]` table.
    features: Vec<String>,
    /// Its source file relative to the package directory, when the file exists.
    source: Option<String>,
}

/// The binary targets of one package with their `required-features`, as Cargo finds them: `[[bin]]` tables, then
/// (unless `autobins = false`) `src/main.rs` named after the package, `src/bin/*.rs` and `src/bin/*/main.rs`.
fn bin_names(
    pkg_dir: &Path,
    manifest: &toml::Table,
    package: &toml::Table,
    pkg_name: &str,
    path: &Path,
) -> Result<Vec<BinTarget>, InitError> {
    let invalid = |message: String| InitError::InvalidManifest { path: path.to_path_buf(), message };
    let existing = |rel: &str| pkg_dir.join(rel).is_file().then(|| rel.to_string());
    let mut names: Vec<BinTarget> = Vec::new();
    let mut claimed: BTreeSet<String> = BTreeSet::new();
    match manifest.get("bin") {
        None => {}
        Some(toml::Value::Array(bins)) => {
            for (i, bin) in bins.iter().enumerate() {
                let bin = bin.as_table().ok_or_else(|| invalid(format!("`[[bin]]` entry {} is not a table", i + 1)))?;
                let bin_path = bin.get("path").and_then(toml::Value::as_str);
                let name = match (bin.get("name").and_then(toml::Value::as_str), bin_path) {
                    (Some(name), _) => name.to_string(),
                    (None, Some(p)) => {
                        Path::new(p).file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_string()
                    }
                    (None, None) => String::new(),
                };
                if name.is_empty() {
                    return Err(invalid(format!("`[[bin]]` entry {} has no `name`", i + 1)));
                }
                let source = match bin_path {
                    Some(p) => {
                        let p = p.trim_start_matches("./").replace('\\', "/");
                        claimed.insert(p.clone());
                        existing(&p)
                    }
                    // Cargo's inferred paths for a named `[[bin]]` without `path`.
                    None => [format!("src/bin/{name}.rs"), format!("src/bin/{name}/main.rs")]
                        .into_iter()
                        .chain((name == pkg_name).then(|| "src/main.rs".to_string()))
                        .find_map(|p| existing(&p)),
                };
                let features = bin
                    .get("required-features")
                    .and_then(toml::Value::as_array)
                    .map(|f| f.iter().filter_map(toml::Value::as_str).map(str::to_string).collect())
                    .unwrap_or_default();
                names.push(BinTarget { name, features, source });
            }
        }
        Some(_) => {
            return Err(invalid("`bin` must be an array of tables: `[[bin]]`".to_string()));
        }
    }

    if package.get("autobins").and_then(toml::Value::as_bool) != Some(false) {
        let mut found = Vec::new();
        if pkg_dir.join("src/main.rs").is_file() {
            found.push((pkg_name.to_string(), "src/main.rs".to_string()));
        }
        let bin_dir = pkg_dir.join("src/bin");
        if bin_dir.is_dir() {
            for entry in list_dir(&bin_dir)? {
                let Some(file_name) = entry.file_name().and_then(|n| n.to_str()) else {
                    continue;
                };
                if let Some(stem) = file_name.strip_suffix(".rs").filter(|_| entry.is_file()) {
                    found.push((stem.to_string(), format!("src/bin/{file_name}")));
                } else if entry.join("main.rs").is_file() {
                    found.push((file_name.to_string(), format!("src/bin/{file_name}/main.rs")));
                }
            }
        }
        for (name, rel) in found {
            if !names.iter().any(|b| b.name == name) && !claimed.contains(&rel) {
                names.push(BinTarget { name, features: Vec::new(), source: Some(rel) });
            }
        }
    }
    Ok(names)
}

/// The member directories of `[workspace]`, with simple globs (`*`, `?` within one path element) expanded
/// and `exclude` applied; the root itself is left out (its package is read separately).
fn workspace_members(root: &Path, workspace: &toml::Table, path: &Path) -> Result<Vec<PathBuf>, InitError> {
    let strings = |key: &str| -> Result<Vec<String>, InitError> {
        match workspace.get(key) {
            None => Ok(Vec::new()),
            Some(toml::Value::Array(items)) => {
                items.iter().map(|v| v.as_str().map(str::to_string)).collect::<Option<Vec<_>>>().ok_or_else(|| {
                    InitError::InvalidManifest {
                        path: path.to_path_buf(),
                        message: format!("`workspace.{key}` must be an array of strings"),
                    }
                })
            }
            Some(_) => Err(InitError::InvalidManifest {
                path: path.to_path_buf(),
                message: format!("`workspace.{key}` must be an array of strings"),
            }),
        }
    };
    let excluded: BTreeSet<String> = strings("exclude")?.iter().map(|e| normalize_rel(e)).collect();

    let mut members = BTreeSet::new();
    for pattern in strings("members")? {
        let pattern = normalize_rel(&pattern);
        if pattern.is_empty() {
            continue;
        }
        let is_glob = pattern.contains(['*', '?']);
        let mut current = vec![(root.to_path_buf(), String::new())];
        for element in pattern.split('/') {
            let mut next = Vec::new();
            for (dir, rel) in current {
                let join = |name: &str| {
                    if rel.is_empty() { name.to_string() } else { format!("{rel}/{name}") }
                };
                if element.contains(['*', '?']) {
                    if !dir.is_dir() {
                        continue;
                    }
                    for entry in list_dir(&dir)? {
                        let Some(name) = entry.file_name().and_then(|n| n.to_str()) else {
                            continue;
                        };
                        if entry.is_dir() && !name.starts_with('.') && wildcard_match(element, name) {
                            next.push((entry.clone(), join(name)));
                        }
                    }
                } else {
                    next.push((dir.join(element), join(element)));
                }
            }
            current = next;
        }
        for (dir, rel) in current {
            // A glob may match directories that are not packages; Cargo itself skips nothing, but a scaffold
            // should not fail on a stray directory. A literal member without Cargo.toml fails Cargo too: refused here.
            if excluded.contains(&rel) || (is_glob && !dir.join("Cargo.toml").is_file()) {
                continue;
            }
            if !dir.join("Cargo.toml").is_file() {
                return Err(InitError::MissingMember { member: rel, manifest: path.to_path_buf() });
            }
            members.insert((rel, dir));
        }
    }
    Ok(members.into_iter().map(|(_, dir)| dir).collect())
}

/// `./a/b/` and `a//b` as `a/b`; `.` as empty.
fn normalize_rel(path: &str) -> String {
    path.split(['/', '\\']).filter(|p| !p.is_empty() && *p != ".").collect::<Vec<_>>().join("/")
}

/// Glob matching for one path element: `*` is any run of characters, `?` any one character.
pub(super) fn wildcard_match(pattern: &str, name: &str) -> bool {
    let (p, n): (Vec<char>, Vec<char>) = (pattern.chars().collect(), name.chars().collect());
    let (mut pi, mut ni) = (0, 0);
    let mut backtrack: Option<(usize, usize)> = None;
    while ni < n.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == n[ni]) {
            pi += 1;
            ni += 1;
        } else if pi < p.len() && p[pi] == '*' {
            backtrack = Some((pi, ni));
            pi += 1;
        } else if let Some((star, matched)) = backtrack {
            pi = star + 1;
            ni = matched + 1;
            backtrack = Some((star, matched + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// The toolchain a `rust-toolchain` or `rust-toolchain.toml` file pins, when it is a version number (rustup
/// reads `rust-toolchain` first when both exist).
fn toolchain_version(dir: &Path) -> Result<Option<String>, InitError> {
    for file in ["rust-toolchain", "rust-toolchain.toml"] {
        let path = dir.join(file);
        if !path.is_file() {
            continue;
        }
        let text = read_to_string(&path)?;
        let trimmed = text.trim();
        // The legacy `rust-toolchain` file may hold just the channel name.
        let channel = if file == "rust-toolchain" && !trimmed.contains(['=', '[']) {
            Some(trimmed.to_string())
        } else {
            let table = text.parse::<toml::Table>().map_err(|e| InitError::InvalidManifest {
                path: path.clone(),
                message: format!("invalid TOML: {}", e.to_string().trim_end()),
            })?;
            table.get("toolchain").and_then(|t| t.get("channel")).and_then(toml::Value::as_str).map(str::to_string)
        };
        return Ok(channel.filter(|c| RUST_VERSION.is_match(c)));
    }
    Ok(None)
}
