//! The project against its config: what `docker build` will find in the build context. Run by `check` and
//! `generate` after the resolve pass, on the directory that holds the config (the build context), so a config
//! whose build would fail for a reason visible in the sources is refused with a located error instead.
//!
//! Go: `go.mod` present, each `main` a directory holding `package main`, `go.sum` present when modules are
//! required, the builder's Go not older than `go.mod`'s `go` line. Rust: `Cargo.toml` and `Cargo.lock` present
//! (the Dockerfile fetches with `--locked`), each `bin` a binary target of its package, the builder's Rust not
//! older than the crate's `rust-version` or toolchain file. Both: no ignore file mkmulti does not write
//! (`<Dockerfile>.dockerignore`, or `.dockerignore` with `output.dockerignore = false`) hides what the build
//! reads. Detection is `mkmulti init`'s own.

use std::path::Path;

use crate::config::{Language, RawConfig};
use crate::diagnostics::{Diagnostic, KeyPath};
use crate::init::{self, DetectedProject, LangChoice};
use crate::plan::{AppPlan, Plan};

/// Every problem the project's files show for this plan, each at the config key it is about.
pub fn check(raw: &RawConfig, plan: &Plan, dir: &Path) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut detected: [Option<Result<DetectedProject, String>>; 2] = [None, None];
    for (i, app) in plan.apps.iter().enumerate() {
        let p = KeyPath::root().key("app").index(i);
        let slot = usize::from(app.language == Language::Rust);
        let choice = if app.language == Language::Go { LangChoice::Go } else { LangChoice::Rust };
        let project = detected[slot].get_or_insert_with(|| detect(dir, choice));
        match project {
            Err(why) => out.push(Diagnostic::error(p.key("language"), why.clone()).with_help(format!(
                "run mkmulti in the project's root, where the build context starts (the config's directory: {})",
                dir.display()
            ))),
            Ok(project) => match app.language {
                Language::Go => go(&p, raw, app, project, dir, &mut out),
                Language::Rust => rust(&p, raw, app, project, dir, &mut out),
            },
        }
        ignored(&p, raw, app, dir, &mut out);
    }
    secret_files(plan, dir, &mut out);
    out
}

/// Every secret read from a file names a file that exists (absolute, or relative to the project): the build
/// would stop at `--secret` otherwise, and a missing CA bundle would fail every download with a TLS error.
fn secret_files(plan: &Plan, dir: &Path, out: &mut Vec<Diagnostic>) {
    for s in &plan.build.secrets {
        let Some(file) = &s.file else { continue };
        if dir.join(file).is_file() {
            continue;
        }
        let what = if plan.build.ca_secret.as_ref().is_some_and(|ca| ca.id == s.id) { "CA bundle" } else { "file" };
        out.push(
            Diagnostic::error(
                KeyPath::root().key("build").key("secrets").key(&s.id).key("file"),
                format!("the {what} of secret `{}`, `{file}`, does not exist", s.id),
            )
            .with_help(format!(
                "point `file` at it (absolute, or relative to {}), or read the secret from an environment variable \
                 with `env`",
                dir.display()
            )),
        );
    }
}

/// The files the build needs are not kept out of the build context by an ignore file mkmulti does not write:
/// `<Dockerfile>.dockerignore` (BuildKit prefers it), else `.dockerignore` when `output.dockerignore` is off.
fn ignored(p: &KeyPath, raw: &RawConfig, app: &AppPlan, dir: &Path, out: &mut Vec<Diagnostic>) {
    let own = format!("{}.dockerignore", app.dockerfile);
    let (file, key) = if dir.join(&own).is_file() {
        (own, p.key("language"))
    } else if !raw.output.dockerignore && dir.join(".dockerignore").is_file() {
        (".dockerignore".to_string(), KeyPath::root().key("output").key("dockerignore"))
    } else {
        return;
    };
    let Ok(text) = std::fs::read_to_string(dir.join(&file)) else { return };
    let rules = dockerignore::DockerIgnore::parse(&text);
    for needed in needed_files(app, dir) {
        if let Some(pattern) = rules.excluded_by(&needed) {
            out.push(
                Diagnostic::error(
                    key.clone(),
                    format!("{file} keeps `{needed}` out of the build context (`{pattern}`)"),
                )
                .with_help(format!("the build reads it: add `!{needed}` after that line in {file}")),
            );
        }
    }
}

/// What the app's Dockerfile reads from the context, as paths relative to it: the manifests and lock files,
/// and the sources of the binary (the main package's directory, Cargo's `src/` and members).
fn needed_files(app: &AppPlan, dir: &Path) -> Vec<String> {
    let mut files = Vec::new();
    let mut add = |path: String| {
        if dir.join(&path).exists() && !files.contains(&path) {
            files.push(path);
        }
    };
    if let Some(g) = &app.go {
        for f in ["go.mod", "go.sum", "vendor/modules.txt"] {
            add(f.to_string());
        }
        let main = g.main.trim_start_matches("./").trim_end_matches('/');
        add(if main.is_empty() || main == "." { "main.go".to_string() } else { main.to_string() });
    }
    if let Some(r) = &app.rust {
        for f in ["Cargo.toml", "Cargo.lock", "src"] {
            add(f.to_string());
        }
        if let Some(package) = &r.package {
            // A member is usually the directory of its name (`crates/<name>` layouts are found by init, not here).
            add(format!("{package}/Cargo.toml"));
            add(format!("{package}/src"));
        }
    }
    files
}

fn detect(dir: &Path, choice: LangChoice) -> Result<DetectedProject, String> {
    let manifest = if choice == LangChoice::Go { "go.mod" } else { "Cargo.toml" };
    if !dir.join(manifest).is_file() {
        return Err(format!("no {manifest} in the build context {}", dir.display()));
    }
    init::detect(dir, Some(choice)).map_err(|e| e.to_string())
}

fn go(p: &KeyPath, raw: &RawConfig, app: &AppPlan, project: &DetectedProject, dir: &Path, out: &mut Vec<Diagnostic>) {
    let Some(g) = &app.go else { return };
    let main_dir = dir.join(&g.main);
    let main_key = if raw.app[index(p)].main.is_some() { p.key("main") } else { p.key("language") };
    match init::go::has_main_package(&main_dir) {
        Ok(true) => {}
        Ok(false) | Err(_) => {
            let mains: Vec<String> = project.apps.iter().filter_map(|a| a.main.clone()).collect();
            let what = if main_dir.is_dir() { "holds no `package main`" } else { "is not a directory" };
            out.push(
                Diagnostic::error(main_key, format!("`{}` {what} in module {}", g.main, module(project))).with_help(
                    if mains.is_empty() {
                        "point `main` at the directory of the command's `package main`".to_string()
                    } else {
                        format!("the main packages mkmulti sees: {}", mains.join(", "))
                    },
                ),
            );
        }
    }
    if let (Some(needed), Some(builder)) = (&project.go_version, numeric(&g.version)) {
        if newer(needed, &builder) {
            let key =
                if raw.app[index(p)].go.version.is_some() { p.key("go").key("version") } else { p.key("language") };
            out.push(
                Diagnostic::error(
                    key,
                    format!("go.mod needs Go {needed} (its `go` line), but the builder is Go {}", g.version),
                )
                .with_help(format!("set `go.version = \"{needed}\"` or newer")),
            );
        }
    }
    let go_mod = std::fs::read_to_string(dir.join("go.mod")).unwrap_or_default();
    let requires = go_mod.lines().any(|l| l.trim_start().starts_with("require"));
    if requires && !dir.join("go.sum").is_file() && !dir.join("vendor").is_dir() {
        out.push(
            Diagnostic::error(p.key("language"), "go.mod requires modules, but there is no go.sum beside it")
                .with_help("run `go mod tidy` and commit go.sum: the build verifies every module against it"),
        );
    }
}

fn rust(p: &KeyPath, raw: &RawConfig, app: &AppPlan, project: &DetectedProject, dir: &Path, out: &mut Vec<Diagnostic>) {
    let Some(r) = &app.rust else { return };
    if !dir.join("Cargo.lock").is_file() {
        out.push(
            Diagnostic::error(p.key("language"), format!("no Cargo.lock in the build context {}", dir.display()))
                .with_help(
                    "run `cargo generate-lockfile` and commit Cargo.lock: the build fetches crates with `--locked`",
                ),
        );
    }
    let in_package = |a: &&init::DetectedApp| match (&r.package, &a.package) {
        (Some(wanted), Some(found)) => wanted == found,
        (Some(_), None) => true, // the root package, named by its own name
        (None, found) => found.is_none(),
    };
    if !project.apps.iter().filter(in_package).any(|a| a.bin == app.bin) {
        let key = if raw.app[index(p)].bin.is_some() { p.key("bin") } else { p.key("name") };
        let bins: Vec<String> = project
            .apps
            .iter()
            .map(|a| match &a.package {
                Some(pkg) => format!("{} (package {pkg})", a.bin),
                None => a.bin.clone(),
            })
            .collect();
        let place = r.package.as_deref().map_or("the root package".to_string(), |p| format!("package `{p}`"));
        out.push(
            Diagnostic::error(key, format!("{place} has no binary target `{}`", app.bin))
                .with_help(format!("the binaries mkmulti sees: {}", bins.join(", "))),
        );
    }
    if let (Some(needed), Some(builder)) = (&project.rust_version, numeric(&r.version)) {
        if newer(needed, &builder) {
            let key =
                if raw.app[index(p)].rust.version.is_some() { p.key("rust").key("version") } else { p.key("language") };
            out.push(
                Diagnostic::error(key, format!("the crate needs Rust {needed}, but the builder is Rust {}", r.version))
                    .with_help(format!("set `rust.version = \"{needed}\"` or newer, or `\"1\"` for the latest")),
            );
        }
    }
}

fn module(project: &DetectedProject) -> &str {
    project.module.as_deref().unwrap_or("?")
}

/// The app index a key path `app[i]` names.
fn index(p: &KeyPath) -> usize {
    p.0.iter()
        .find_map(|s| match s {
            crate::diagnostics::Seg::Index(i) => Some(*i),
            _ => None,
        })
        .unwrap_or(0)
}

/// A version as numbers, when it is only numbers (`1.85`, `1.85.0`); `None` for `1` (the latest) and tags.
fn numeric(version: &str) -> Option<Vec<u64>> {
    let parts: Option<Vec<u64>> = version.split('.').map(|n| n.parse().ok()).collect();
    parts.filter(|p| p.len() >= 2)
}

/// `needed` is newer than `have`, compared as far as `have` goes (`1.85.1` is not newer than `1.85`).
fn newer(needed: &str, have: &[u64]) -> bool {
    let Some(needed) = numeric(needed) else { return false };
    needed.iter().zip(have).find(|(n, h)| n != h).is_some_and(|(n, h)| n > h)
}

mod dockerignore;
#[cfg(test)]
mod tests;
