//! `mkmulti init`: find the Go module or Cargo project in a directory and write a commented `multiarch.toml`
//! for it.
//!
//! Detection reads manifests (`go.mod`, `Cargo.toml`, `rust-toolchain[.toml]`) and directory listings, the
//! `package` clause of Go files, and literal ports in each app's own listen calls (`ports`); it never runs `go` or
//! `cargo` for it. Flags (`--registry`, `--port`, `--platforms`) override what was detected, and on a terminal
//! `prompt` asks for the rest. The scaffold is generated from the schema (`scaffold`): only the keys that were
//! detected, chosen or must be set are active, every other key is written out commented with its default. After
//! writing it, `lockfile` runs `cargo generate-lockfile` for a Rust project without `Cargo.lock`.

use std::collections::BTreeSet;
use std::fs;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::config::Language;

pub(crate) mod go;
mod kept;
pub mod lockfile;
pub mod ports;
pub mod prompt;
mod registry;
pub(crate) mod rust;
mod scaffold;
mod unit_tests;

pub use kept::{Keep, Kept, PROPOSED_MAKEFILE_PATH, proposed_dockerfile};
pub use lockfile::{Lockfile, LockfileOutcome};
pub use ports::PortArg;
pub use prompt::Terminal;
pub use registry::{DetectedRegistry, repository_top};

pub use crate::toml_fmt::toml_str;
pub use scaffold::{render, render_app};

use go::detect_go;
use rust::detect_rust;

/// The file `init` writes into the project directory.
pub const CONFIG_FILE: &str = "multiarch.toml";

/// The longest project or app name the name grammar allows.
const MAX_NAME_LEN: usize = 63;

/// The language asked for with `--lang`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LangChoice {
    Go,
    Rust,
}

impl From<LangChoice> for Language {
    fn from(choice: LangChoice) -> Self {
        match choice {
            LangChoice::Go => Language::Go,
            LangChoice::Rust => Language::Rust,
        }
    }
}

/// What `mkmulti init [DIR]` was asked to do.
#[derive(Debug, Clone, Default)]
pub struct InitOptions {
    /// The project directory; `multiarch.toml` is written here.
    pub dir: PathBuf,
    /// Read this language's manifest only. Without a manifest, write a starting point for this language.
    pub lang: Option<LangChoice>,
    /// Overwrite an existing `multiarch.toml`.
    pub force: bool,
    /// `--registry HOST[/NAMESPACE]`: where the images go, instead of what the git remote suggests.
    pub registry: Option<String>,
    /// `--port`: the ports every app (`PORT`) or one app (`APP=PORT`) listens on, instead of the detected ones.
    pub ports: Vec<PortArg>,
    /// `--platforms LIST`: `project.platforms`, instead of the default.
    pub platforms: Option<Vec<String>>,
    /// `--no-lockfile`: never run `cargo generate-lockfile` for a Rust project without `Cargo.lock`.
    pub no_lockfile: bool,
    /// The directory becomes a repository of its own (`mkmulti new`): no `ci.root` up to an enclosing
    /// repository, and the registry from the flag or the Go module path, never an enclosing repository's remote.
    pub new_repository: bool,
}

/// What `init` did.
#[derive(Debug, Clone)]
#[allow(clippy::large_enum_variant, reason = "made once per run; boxing would only complicate the API")]
pub enum InitOutcome {
    /// The scaffold was written to `path`; `lockfile` says what became of a missing `Cargo.lock`.
    Written { path: PathBuf, project: DetectedProject, lockfile: LockfileOutcome },
    /// `path` already existed and `force` was off: nothing was read or written.
    KeptExisting { path: PathBuf },
}

/// What detection found: everything the scaffold needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DetectedProject {
    /// Project name, already in the name grammar.
    pub name: String,
    pub language: Language,
    /// File name of the manifest detection read (`go.mod`, `Cargo.toml`); `None` for a `--lang` starting point
    /// in a directory without one.
    pub manifest: Option<String>,
    /// Go module path, as written in `go.mod`.
    pub module: Option<String>,
    /// One entry per image, sorted by name, names unique.
    pub apps: Vec<DetectedApp>,
    /// `MAJOR.MINOR` from the `go` directive of `go.mod`.
    pub go_version: Option<String>,
    /// The toolchain pinned by `rust-toolchain[.toml]`, else `rust-version` from `[package]` or
    /// `[workspace.package]`; only numeric versions (`1.85`, `1.85.0`), never `stable` or `nightly`.
    pub rust_version: Option<String>,
    /// Repository URL (`https://` only): Cargo's `repository`, or the forge URL of a Go module path.
    pub source: Option<String>,
    /// Cargo's `description`.
    pub description: Option<String>,
    /// Cargo's `license`.
    pub license: Option<String>,
    /// Where the images go: `--registry`, the git remote's forge or the Go module path's; `None` when unknown.
    pub registry: Option<DetectedRegistry>,
    /// `project.platforms` from `--platforms` or an answer, with where it came from; `None` for the default.
    pub platforms: Option<(Vec<String>, String)>,
    /// `ci.root`: the way up to the git repository's top (`../..`), when the project is below it; `None` at the top
    /// or outside git.
    pub ci_root: Option<String>,
    /// Files the project has where an output would write, and mkmulti did not write: the scaffold writes
    /// mkmulti's Makefile and Dockerfiles beside them, and turns any other such output off, so `generate`
    /// leaves them alone.
    pub kept: Vec<Kept>,
    /// A file that shows the project has unit tests (`main_test.go`, `src/lib.rs`): the scaffold turns
    /// `build.test` on. `None` when none was found.
    pub tests: Option<String>,
}

/// One binary to build into an image.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DetectedApp {
    /// App name, already in the name grammar.
    pub name: String,
    /// Go: the main package, `"./cmd/x"` or `"."`.
    pub main: Option<String>,
    /// Rust: the workspace member package holding the binary; `None` for the root package.
    pub package: Option<String>,
    /// Name of the binary as the build tool names it (for Rust, the Cargo binary target).
    pub bin: String,
    /// Rust: the `[[bin]]` table's `required-features`, without which Cargo skips the binary.
    pub features: Vec<String>,
    /// Rust: the binary's source file relative to the project directory (`src/main.rs`, `server/src/bin/x.rs`),
    /// when it exists.
    pub source: Option<String>,
    /// TCP ports the app listens on: from `--port`, an answer, or a literal in its sources (`ports`).
    pub ports: Vec<u16>,
    /// Where `ports` came from, for the scaffold's comment: `detected in cmd/api/main.go:12`, `from --port`.
    pub ports_from: Option<String>,
    /// The binary answers `BIN healthcheck` (a template said so): the scaffold turns the image's health check on.
    pub healthcheck: bool,
    /// The app's directory relative to the config's (`services/api`), when it is not the config's own
    /// (`mkmulti add`): its `context`.
    pub context: Option<String>,
}

/// Why `init` could not write a scaffold. Every variant names the directory, file or flag involved.
#[derive(Debug, thiserror::Error)]
pub enum InitError {
    #[error(
        "no go.mod or Cargo.toml in {dir}: run `mkmulti init` in the project's root directory, or pass `--lang go` \
         or `--lang rust` to write a starting point anyway"
    )]
    NoProject { dir: PathBuf },

    #[error("both go.mod and Cargo.toml are in {dir}: pass `--lang go` or `--lang rust` to choose which one to read")]
    Ambiguous { dir: PathBuf },

    #[error("{path}: {message}")]
    InvalidManifest { path: PathBuf, message: String },

    #[error(
        "{path} defines no binary target, and mkmulti builds images of binaries: add `src/main.rs`, a `[[bin]]` \
         table or a workspace member with a binary"
    )]
    NoBinaries { path: PathBuf },

    #[error("{dir} is not a directory")]
    NotADirectory { dir: PathBuf },

    #[error("`--port {name}=...`: no app `{name}` was detected; the apps are {apps}")]
    UnknownApp { name: String, apps: String },

    #[error("`{flag}`: {message}")]
    InvalidFlag { flag: String, message: String },

    #[error("cannot ask: {0}")]
    Prompt(io::Error),

    #[error(
        "workspace member `{member}` of {manifest} has no Cargo.toml (cargo fails on it too): create it or remove it from `members`"
    )]
    MissingMember { member: String, manifest: PathBuf },

    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: io::Error },

    #[error("cannot write {path}: {source}")]
    Write { path: PathBuf, source: io::Error },
}

/// Detects, renders and writes `DIR/multiarch.toml`, then creates a missing `Cargo.lock`. An existing file is
/// kept unless `force` is set; then nothing is read or written. With a `terminal`, asks what the flags did not
/// say (`prompt`) before writing anything.
pub fn init(opts: &InitOptions, terminal: Option<&mut Terminal>) -> Result<InitOutcome, InitError> {
    let path = opts.dir.join(CONFIG_FILE);
    if !opts.force && exists(&path)? {
        return Ok(InitOutcome::KeptExisting { path });
    }
    let (mut project, mut lockfile) = prepare(opts)?;
    if let Some(terminal) = terminal {
        let asked = prompt::Flags {
            registry: opts.registry.is_some(),
            ports: !opts.ports.is_empty(),
            platforms: opts.platforms.is_some(),
        };
        let questions = prompt::questions(&project, asked, &lockfile);
        prompt::ask(terminal, &questions, &mut project, &mut lockfile).map_err(InitError::Prompt)?;
    }
    let text = render(&project);
    let written = if opts.force {
        fs::write(&path, &text)
    } else {
        // `create_new` so a file that appeared since the check above is still never overwritten.
        fs::OpenOptions::new().write(true).create_new(true).open(&path).and_then(|mut f| f.write_all(text.as_bytes()))
    };
    match written {
        Ok(()) => Ok(InitOutcome::Written { path, project, lockfile: lockfile::run(&opts.dir, lockfile) }),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(InitOutcome::KeptExisting { path }),
        Err(source) => Err(InitError::Write { path, source }),
    }
}

/// Detection and the flags, without asking or writing: the project the scaffold is rendered from, and what
/// to do about a missing `Cargo.lock`.
pub fn prepare(opts: &InitOptions) -> Result<(DetectedProject, Lockfile), InitError> {
    let mut project = detect(&opts.dir, opts.lang)?;
    project.kept = kept::kept_files(&opts.dir, &project.apps);
    project.ci_root = if opts.new_repository { None } else { registry::ci_root(&opts.dir) };
    project.registry = match &opts.registry {
        Some(flag) => Some(
            registry::from_flag(flag)
                .map_err(|message| InitError::InvalidFlag { flag: format!("--registry {flag}"), message })?,
        ),
        None if opts.new_repository => registry::from_module(project.module.as_deref()),
        None => registry::detect(&opts.dir, project.module.as_deref()),
    };
    ports::detect(&opts.dir, &mut project);
    ports::apply_args(&mut project, &opts.ports)?;
    if let Some(list) = &opts.platforms {
        let platforms = prompt::platforms(list, project.language)
            .map_err(|message| InitError::InvalidFlag { flag: "--platforms".into(), message })?;
        project.platforms = platforms.map(|p| (p, "from --platforms".to_string()));
    }
    let lockfile = lockfile::plan(&opts.dir, project.language, opts.no_lockfile, std::env::var_os("PATH"));
    Ok((project, lockfile))
}

/// The JSON schema beside the config (`.mkmulti/multiarch.schema.json`, which the scaffold's first line names),
/// for editor completion; returns its path.
pub fn write_editor_schema(dir: &Path) -> Result<PathBuf, InitError> {
    let schema = dir.join(".mkmulti").join("multiarch.schema.json");
    let written = fs::create_dir_all(schema.parent().expect("has a parent"))
        .and_then(|_| fs::write(&schema, crate::schema::json()));
    written.map(|()| schema.clone()).map_err(|source| InitError::Write { path: schema, source })
}

/// Finds the project in `dir`: `go.mod` for Go, `Cargo.toml` for Rust, or the one `lang` names. With `lang`
/// and no manifest, returns a one-app starting point named after the directory.
pub fn detect(dir: &Path, lang: Option<LangChoice>) -> Result<DetectedProject, InitError> {
    match fs::metadata(dir) {
        Ok(meta) if meta.is_dir() => {}
        Ok(_) => {
            return Err(InitError::NotADirectory { dir: dir.to_path_buf() });
        }
        Err(source) => {
            return Err(InitError::Read { path: dir.to_path_buf(), source });
        }
    }
    let has_go = exists(&dir.join("go.mod"))?;
    let has_cargo = exists(&dir.join("Cargo.toml"))?;
    let mut project = match (lang, has_go, has_cargo) {
        (Some(LangChoice::Go), true, _) | (None, true, false) => detect_go(dir)?,
        (Some(LangChoice::Rust), _, true) | (None, false, true) => detect_rust(dir)?,
        (None, true, true) => return Err(InitError::Ambiguous { dir: dir.to_path_buf() }),
        (None, false, false) => return Err(InitError::NoProject { dir: dir.to_path_buf() }),
        (Some(choice), _, _) => starting_point(dir, choice.into()),
    };
    project.tests = unit_tests::find(dir, project.language);
    Ok(project)
}

/// Turns any text into the name grammar `^[a-z0-9]+(-[a-z0-9]+)*$` (at most 63 characters): lowercase,
/// every other character a `-`, dashes collapsed and trimmed. Text with no letter or digit becomes `app`.
pub fn sanitize_name(raw: &str) -> String {
    let mut name = String::with_capacity(raw.len());
    for c in raw.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            name.push(c);
        } else if !name.is_empty() && !name.ends_with('-') {
            name.push('-');
        }
    }
    name.truncate(MAX_NAME_LEN);
    let name = name.trim_end_matches('-');
    if name.is_empty() { "app".to_string() } else { name.to_string() }
}

fn starting_point(dir: &Path, language: Language) -> DetectedProject {
    let name = sanitize_name(&dir_name(dir));
    let app = DetectedApp {
        name: name.clone(),
        main: (language == Language::Go).then(|| ".".to_string()),
        bin: name.clone(),
        ..DetectedApp::default()
    };
    DetectedProject {
        name,
        language,
        manifest: None,
        module: None,
        apps: vec![app],
        go_version: None,
        rust_version: None,
        source: None,
        description: None,
        license: None,
        registry: None,
        platforms: None,
        ci_root: None,
        kept: Vec::new(),
        tests: None,
    }
}

/// Sorts apps by name and makes names unique (`cli`, `cli-2`), since two sources can sanitise to one name.
/// `bin` is left alone: it is what the build tool produces.
fn unique_sorted(mut apps: Vec<DetectedApp>) -> Vec<DetectedApp> {
    apps.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.main.cmp(&b.main)).then_with(|| a.package.cmp(&b.package)));
    let mut taken: BTreeSet<String> = apps.iter().map(|a| a.name.clone()).collect();
    let mut seen = BTreeSet::new();
    for app in &mut apps {
        if seen.insert(app.name.clone()) {
            continue;
        }
        let base = app.name.clone();
        let unique = (2..).map(|i| format!("{base}-{i}")).find(|n| !taken.contains(n)).expect("some suffix is free");
        taken.insert(unique.clone());
        app.name = unique;
    }
    apps
}

/// The directory's own name, resolving `.` and `..` through the file system.
fn dir_name(dir: &Path) -> String {
    let resolved = fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    resolved.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

fn exists(path: &Path) -> Result<bool, InitError> {
    match fs::symlink_metadata(path) {
        Ok(_) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(source) => Err(InitError::Read { path: path.to_path_buf(), source }),
    }
}

fn read_to_string(path: &Path) -> Result<String, InitError> {
    fs::read_to_string(path).map_err(|source| InitError::Read { path: path.to_path_buf(), source })
}

/// Entries of a directory, sorted, so detection does not depend on the file system's order.
fn list_dir(dir: &Path) -> Result<Vec<PathBuf>, InitError> {
    let read_err = |source| InitError::Read { path: dir.to_path_buf(), source };
    let mut entries = fs::read_dir(dir)
        .map_err(read_err)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(read_err)?;
    entries.sort();
    Ok(entries)
}

#[cfg(test)]
mod tests;
