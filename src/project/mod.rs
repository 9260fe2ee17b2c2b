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
use crate::resolve::derive;

/// Every problem the project's files show for this plan, each at the config key it is about. `dir` is the
/// config's directory (where the generated files go); each app is checked in its own build context below it.
pub fn check(raw: &RawConfig, plan: &Plan, dir: &Path) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    // One detection per context and language: apps of one module or workspace share it.
    let mut detected: Vec<((String, bool), Result<DetectedProject, String>)> = Vec::new();
    for (i, app) in plan.apps.iter().enumerate() {
        let p = KeyPath::root().key("app").index(i);
        let context = dir.join(&app.context);
        if !context.is_dir() {
            let key = if raw.app[i].context.is_some() { p.key("context") } else { p.key("language") };
            out.push(
                Diagnostic::error(key, format!("the build context `{}` is not a directory", context.display()))
                    .with_help(
                        "`context` is the directory of the app's go.mod or Cargo.toml, relative to the config's directory",
                    ),
            );
            continue;
        }
        let rust = app.language == Language::Rust;
        let choice = if rust { LangChoice::Rust } else { LangChoice::Go };
        let slot = (app.context.clone(), rust);
        let at = match detected.iter().position(|(k, _)| *k == slot) {
            Some(at) => at,
            None => {
                detected.push((slot, detect(&context, choice)));
                detected.len() - 1
            }
        };
        let manifest_key = if raw.app[i].context.is_some() { p.key("context") } else { p.key("language") };
        match &detected[at].1 {
            Err(why) => out.push(Diagnostic::error(manifest_key, why.clone()).with_help(if app.context == "." {
                format!(
                    "run mkmulti in the project's root, where the build context starts (the config's directory: {}), \
                     or set the app's `context` to the directory of its module",
                    dir.display()
                )
            } else {
                "point the app's `context` at the directory of its go.mod or Cargo.toml".to_string()
            })),
            Ok(project) => match app.language {
                Language::Go => go(&p, raw, app, project, &context, &mut out),
                Language::Rust => rust_app(&p, raw, app, project, &context, &mut out),
            },
        }
        ignored(&p, raw, app, dir, &context, &mut out);
    }
    if plan.output.workflow {
        out.extend(repository_root(raw, dir));
    }
    secret_files(plan, dir, &mut out);
    out
}

/// Every secret read from a file names a file that exists here (absolute, or relative to the project). Only a
/// warning: the file is read when an image is built, on the machine that builds, which may not be this one (CI
/// reads `ci-secret`, another developer sets `SECRET_<ID>_FILE`); the Makefile stops the build without it.
fn secret_files(plan: &Plan, dir: &Path, out: &mut Vec<Diagnostic>) {
    for s in &plan.build.secrets {
        let Some(file) = &s.file else { continue };
        if dir.join(file).is_file() {
            continue;
        }
        let what = if plan.build.ca_secret.as_ref().is_some_and(|ca| ca.id == s.id) { "CA bundle" } else { "file" };
        out.push(
            Diagnostic::warning(
                KeyPath::root().key("build").key("secrets").key(&s.id).key("file"),
                format!("the {what} of secret `{}`, `{file}`, does not exist here", s.id),
            )
            .with_help(format!(
                "builds on this machine need it: point `file` at it (absolute, or relative to {}), set {} when \
                 building, or read the secret from an environment variable with `env`",
                dir.display(),
                s.file_var
            )),
        );
    }
}

/// The files the build needs are not kept out of the build context by an ignore file mkmulti does not write:
/// `<Dockerfile>.dockerignore` (BuildKit prefers it), else the context's `.dockerignore` when
/// `output.dockerignore` is off. `dir` is the config's directory, `context` the app's build context.
fn ignored(p: &KeyPath, raw: &RawConfig, app: &AppPlan, dir: &Path, context: &Path, out: &mut Vec<Diagnostic>) {
    let own = format!("{}.dockerignore", app.dockerfile);
    let (path, file, key) = if dir.join(&own).is_file() {
        (dir.join(&own), own, p.key("language"))
    } else if !raw.output.dockerignore && context.join(".dockerignore").is_file() {
        let shown =
            if app.context == "." { ".dockerignore".to_string() } else { format!("{}/.dockerignore", app.context) };
        (context.join(".dockerignore"), shown, KeyPath::root().key("output").key("dockerignore"))
    } else {
        return;
    };
    let Ok(text) = std::fs::read_to_string(path) else { return };
    let rules = dockerignore::DockerIgnore::parse(&text);
    for needed in needed_files(app, context) {
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

/// A config inside a git repository whose top is above it, without `ci.root`: the workflow would land where
/// GitHub never runs it. And a `ci.root` that points elsewhere than the repository's top.
fn repository_root(raw: &RawConfig, dir: &Path) -> Option<Diagnostic> {
    let top = init::repository_top(dir)?;
    let levels = derive::ci_root_levels(&raw.ci.root);
    if top == levels {
        return None;
    }
    let up = if top == 0 { ".".to_string() } else { vec![".."; top].join("/") };
    let key = KeyPath::root().key("ci").key("root");
    Some(if levels == 0 {
        Diagnostic::warning(
            key,
            format!(
                "the git repository's top is `{up}`, but the workflow goes to this directory's .github/workflows, \
                 where GitHub never runs it"
            ),
        )
        .with_help(format!("set `root = \"{up}\"` in [ci]: the workflow is then written at the repository's top"))
    } else {
        Diagnostic::warning(key, format!("`root = \"{}\"`, but the git repository's top is `{up}`", raw.ci.root))
            .with_help(format!("set `root = \"{up}\"` in [ci]"))
    })
}

/// The names of the last `levels` directories of `dir`'s real path: from the repository root `ci.root` names down
/// to `dir`. Fewer when the path has fewer; none when it cannot be resolved (the rule then says so).
pub fn repo_dirs(dir: &Path, levels: usize) -> Vec<String> {
    if levels == 0 {
        return Vec::new();
    }
    let Ok(real) = dir.canonicalize() else { return Vec::new() };
    let names: Vec<String> = real
        .components()
        .filter_map(|c| match c {
            std::path::Component::Normal(name) => Some(name.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    names[names.len().saturating_sub(levels)..].to_vec()
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

fn rust_app(
    p: &KeyPath,
    raw: &RawConfig,
    app: &AppPlan,
    project: &DetectedProject,
    dir: &Path,
    out: &mut Vec<Diagnostic>,
) {
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
