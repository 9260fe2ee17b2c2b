//! `mkmulti init`: find the Go module or Cargo project in a directory and write a commented `multiarch.toml`
//! for it.
//!
//! Detection reads manifests (`go.mod`, `Cargo.toml`, `rust-toolchain[.toml]`) and directory listings, and only
//! the `package` clause of Go files; it never runs `go` or `cargo`. The scaffold is generated from the schema
//! (`scaffold`): only the keys that were detected or must be set are active, every other key is written out
//! commented with its default.

use std::collections::BTreeSet;
use std::fs;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::config::Language;

mod go;
mod rust;
mod scaffold;

pub use crate::toml_fmt::toml_str;
pub use scaffold::render;

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
#[derive(Debug, Clone)]
pub struct InitOptions {
    /// The project directory; `multiarch.toml` is written here.
    pub dir: PathBuf,
    /// Read this language's manifest only. Without a manifest, write a starting point for this language.
    pub lang: Option<LangChoice>,
    /// Overwrite an existing `multiarch.toml`.
    pub force: bool,
}

/// What `init` did.
#[derive(Debug, Clone)]
#[allow(clippy::large_enum_variant, reason = "made once per run; boxing would only complicate the API")]
pub enum InitOutcome {
    /// The scaffold was written to `path`.
    Written { path: PathBuf, project: DetectedProject },
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
}

/// One binary to build into an image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DetectedApp {
    /// App name, already in the name grammar.
    pub name: String,
    /// Go: the main package, `"./cmd/x"` or `"."`.
    pub main: Option<String>,
    /// Rust: the workspace member package holding the binary; `None` for the root package.
    pub package: Option<String>,
    /// Name of the binary as the build tool names it (for Rust, the Cargo binary target).
    pub bin: String,
}

/// Why `init` could not write a scaffold. Every variant names the directory or file involved.
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

    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: io::Error },

    #[error("cannot write {path}: {source}")]
    Write { path: PathBuf, source: io::Error },
}

/// Detects, renders and writes `DIR/multiarch.toml`. An existing file is kept unless `force` is set; then
/// nothing is read or written.
pub fn init(opts: &InitOptions) -> Result<InitOutcome, InitError> {
    let path = opts.dir.join(CONFIG_FILE);
    if !opts.force && exists(&path)? {
        return Ok(InitOutcome::KeptExisting { path });
    }
    let project = detect(&opts.dir, opts.lang)?;
    let text = render(&project);
    let written = if opts.force {
        fs::write(&path, &text)
    } else {
        // `create_new` so a file that appeared since the check above is still never overwritten.
        fs::OpenOptions::new().write(true).create_new(true).open(&path).and_then(|mut f| f.write_all(text.as_bytes()))
    };
    match written {
        Ok(()) => Ok(InitOutcome::Written { path, project }),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(InitOutcome::KeptExisting { path }),
        Err(source) => Err(InitError::Write { path, source }),
    }
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
    match (lang, has_go, has_cargo) {
        (Some(LangChoice::Go), true, _) | (None, true, false) => detect_go(dir),
        (Some(LangChoice::Rust), _, true) | (None, false, true) => detect_rust(dir),
        (None, true, true) => Err(InitError::Ambiguous { dir: dir.to_path_buf() }),
        (None, false, false) => Err(InitError::NoProject { dir: dir.to_path_buf() }),
        (Some(choice), _, _) => Ok(starting_point(dir, choice.into())),
    }
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
        package: None,
        bin: name.clone(),
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
mod tests {
    use std::path::Path;

    use super::go::module_base;
    use super::rust::wildcard_match;
    use super::*;
    use crate::config::{RawCi, RawConfig, RawOutput, RawTags};

    fn write(root: &Path, rel: &str, contents: &str) {
        let path = root.join(rel);
        fs::create_dir_all(path.parent().expect("test paths have a parent")).expect("create test dirs");
        fs::write(path, contents).expect("write test file");
    }

    fn go_app(name: &str, main: &str) -> DetectedApp {
        DetectedApp { name: name.into(), main: Some(main.into()), package: None, bin: name.into() }
    }

    fn rust_app(name: &str, package: Option<&str>, bin: &str) -> DetectedApp {
        DetectedApp { name: name.into(), main: None, package: package.map(Into::into), bin: bin.into() }
    }

    /// Renders the project and checks what every scaffold must satisfy: the schema line first, a valid config
    /// that holds exactly the detected apps, and commented keys that are real keys with valid defaults.
    fn rendered(project: &DetectedProject) -> String {
        let text = render(project);
        assert_eq!(text.lines().next(), Some("#:schema ./.mkmulti/multiarch.schema.json"));
        assert_eq!(text.lines().nth(1), Some("mkmulti-version = \"0.1\""));
        assert!(text.ends_with('\n') && !text.ends_with("\n\n"), "one trailing newline");

        let raw: RawConfig = toml::from_str(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_eq!(raw.project.name, project.name);
        assert!(crate::grammar::name(&raw.project.name).is_ok());
        assert_eq!(raw.registry.host, "docker.io");
        assert_eq!(raw.registry.namespace, None, "no placeholder namespace is active");
        assert_eq!(raw.app.len(), project.apps.len());
        for (raw_app, app) in raw.app.iter().zip(&project.apps) {
            assert_eq!(raw_app.name, app.name);
            assert!(crate::grammar::name(&raw_app.name).is_ok(), "{}", raw_app.name);
            assert_eq!(raw_app.language, project.language);
            assert_eq!(raw_app.main, app.main);
            assert_eq!(raw_app.package, app.package);
            assert_eq!(raw_app.bin.clone().unwrap_or_else(|| raw_app.name.clone()), app.bin);
            assert_eq!(raw_app.go.version, project.go_version);
            assert_eq!(raw_app.rust.version, project.rust_version);
        }

        // Uncommenting every `# key = value` line must still give a valid config with the same defaults.
        let key_line = regex::Regex::new(r"^# [a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)* = ").expect("valid pattern");
        let mut uncommented = 0;
        let all: String = text
            .lines()
            .map(|line| {
                if key_line.is_match(line) {
                    uncommented += 1;
                    format!("{}\n", &line[2..])
                } else {
                    format!("{line}\n")
                }
            })
            .collect();
        assert!(uncommented >= 23 + 19 * project.apps.len(), "only {uncommented} commented keys");
        let mut full: RawConfig = toml::from_str(&all).unwrap_or_else(|e| panic!("{e}\n{all}"));
        // The secret names are derived from the registry; the commented ones are what Docker Hub derives.
        assert_eq!(full.ci.username_secret.take().as_deref(), Some("DOCKERHUB_USERNAME"));
        assert_eq!(full.ci.password_secret.take().as_deref(), Some("DOCKERHUB_TOKEN"));
        let same = |a: &dyn erased::Ser, b: &dyn erased::Ser| assert_eq!(a.value(), b.value());
        same(&full.tags, &RawTags::default());
        same(&full.ci, &RawCi::default());
        same(&full.output, &RawOutput::default());
        assert_eq!(full.project.platforms, crate::config::defaults::PLATFORMS);
        assert_eq!(full.app.len(), project.apps.len());
        text
    }

    mod erased {
        pub trait Ser {
            fn value(&self) -> toml::Value;
        }
        impl<T: serde::Serialize> Ser for T {
            fn value(&self) -> toml::Value {
                toml::Value::try_from(self).expect("config types serialise")
            }
        }
    }

    #[test]
    fn go_root_main() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "go.mod", "module example.com/hello // the module\n\ngo 1.22.3\n\ntoolchain go1.23.1\n");
        write(dir.path(), "main.go", "// Command hello says hello.\npackage main\n\nfunc main() {}\n");
        write(dir.path(), "main_test.go", "package main_test\n");
        let p = detect(dir.path(), None).unwrap();
        assert_eq!(p.name, "hello");
        assert_eq!(p.language, Language::Go);
        assert_eq!(p.module.as_deref(), Some("example.com/hello"));
        assert_eq!(p.go_version.as_deref(), Some("1.22"));
        assert_eq!(p.apps, vec![go_app("hello", ".")]);
        assert_eq!(p.source, None);
        let text = rendered(&p);
        assert!(text.contains("\nmain = \".\"  #"));
        assert!(text.contains("\ngo.version = \"1.22\"  #"));
    }

    #[test]
    fn go_cmd_dirs() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "go.mod", "module github.com/Foo/My_App\n\ngo 1.21\n");
        write(dir.path(), "app.go", "package myapp\n");
        write(dir.path(), "cmd/b/main.go", "/*\nCommand b.\n*/\npackage main\n");
        write(dir.path(), "cmd/a/main.go", "//go:build linux\n\npackage main // a\n");
        write(dir.path(), "cmd/a/util.go", "package main\n");
        write(dir.path(), "cmd/lib/lib.go", "package lib\n");
        write(dir.path(), "cmd/gen/gen.go", "//go:build ignore\n\npackage main\n");
        write(dir.path(), "cmd/old/old.go", "// +build ignore\n\npackage main\n");
        write(dir.path(), "cmd/tests/x_test.go", "package main\n");
        write(dir.path(), "cmd/_skip/main.go", "package main\n");
        write(dir.path(), "cmd/README.md", "package main\n");
        let p = detect(dir.path(), None).unwrap();
        assert_eq!(p.name, "my-app");
        assert_eq!(p.source.as_deref(), Some("https://github.com/Foo/My_App"));
        assert_eq!(p.apps, vec![go_app("a", "./cmd/a"), go_app("b", "./cmd/b")]);
        rendered(&p);
    }

    #[test]
    fn go_root_main_is_named_after_the_module() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "go.mod", "module \"github.com/Foo/My_App/v2\"\n");
        write(dir.path(), "main.go", "package main\n");
        write(dir.path(), "cmd/my.app/main.go", "package main\n");
        let p = detect(dir.path(), None).unwrap();
        assert_eq!(p.name, "my-app");
        assert_eq!(p.go_version, None);
        assert_eq!(p.source.as_deref(), Some("https://github.com/Foo/My_App"));
        // Both sanitise to `my-app`: the root keeps the name, the other gets a suffix and keeps its binary name.
        let second = DetectedApp {
            name: "my-app-2".into(),
            main: Some("./cmd/my.app".into()),
            package: None,
            bin: "my-app".into(),
        };
        assert_eq!(p.apps, vec![go_app("my-app", "."), second]);
        let text = rendered(&p);
        assert!(text.contains("# go.version = \"1.25\""));
        assert!(text.contains("\nbin = \"my-app\"  #"));
    }

    #[test]
    fn go_without_main_package_builds_the_root() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "go.mod", "module example.com/lib\n\ngo 1.23\n");
        write(dir.path(), "lib.go", "package lib\n");
        let p = detect(dir.path(), None).unwrap();
        assert_eq!(p.apps, vec![go_app("lib", ".")]);
        rendered(&p);
    }

    #[test]
    fn odd_project_strings_stay_valid_toml() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "go.mod", "module example.com/We\"ird\\Mod\n");
        write(dir.path(), "cmd/tab\there \"quoted\" \\/main.go", "package main\n");
        let p = detect(dir.path(), None).unwrap();
        assert_eq!(p.name, "we-ird-mod");
        assert_eq!(p.apps[0].name, "tab-here-quoted");
        assert_eq!(p.apps[0].main.as_deref(), Some("./cmd/tab\there \"quoted\" \\"));
        rendered(&p);

        let mut p = p;
        p.description = Some("line one\nline two # not a comment \"\\ \u{7f}".into());
        p.license = Some("MIT\r\n[project]".into());
        p.source = Some("https://example.com/\"x\"".into());
        let text = rendered(&p);
        assert!(text.contains("# description = \"line one\\nline two # not a comment \\\"\\\\ \\u007F\""));
    }

    #[test]
    fn invalid_go_mod_names_the_file() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "go.mod", "go 1.22\n");
        let err = detect(dir.path(), None).unwrap_err();
        assert!(matches!(err, InitError::InvalidManifest { ref path, .. } if path.ends_with("go.mod")));
        assert!(err.to_string().contains("go.mod: no `module` line"), "{err}");
    }

    #[test]
    fn rust_single_package() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "Cargo.toml",
            "[package]\nname = \"My_Tool\"\nversion = \"0.1.0\"\nrust-version = \"1.80\"\ndescription = \"A tool\"\n\
             license = \"MIT OR Apache-2.0\"\nrepository = \"https://github.com/foo/my-tool\"\n\n[lib]\npath = \"src/lib.rs\"\n",
        );
        write(dir.path(), "src/main.rs", "fn main() {}\n");
        write(dir.path(), "src/lib.rs", "");
        let p = detect(dir.path(), None).unwrap();
        assert_eq!(p.name, "my-tool");
        assert_eq!(p.language, Language::Rust);
        assert_eq!(p.apps, vec![rust_app("my-tool", None, "My_Tool")]);
        assert_eq!(p.rust_version.as_deref(), Some("1.80"));
        assert_eq!(p.description.as_deref(), Some("A tool"));
        assert_eq!(p.license.as_deref(), Some("MIT OR Apache-2.0"));
        assert_eq!(p.source.as_deref(), Some("https://github.com/foo/my-tool"));
        let text = rendered(&p);
        assert!(text.contains("\nbin = \"My_Tool\"  #"));
        assert!(text.contains("\nrust.version = \"1.80\"  #"));
        assert!(text.contains("# package = "), "package left at its default is shown commented");
    }

    #[test]
    fn rust_bins_and_src_bin() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "Cargo.toml",
            "[package]\nname = \"suite\"\nrust-version = \"1.70\"\n\n\
             [[bin]]\nname = \"server\"\npath = \"src/main.rs\"\n\n[[bin]]\nname = \"admin_cli\"\npath = \"src/admin.rs\"\n",
        );
        write(dir.path(), "rust-toolchain.toml", "[toolchain]\nchannel = \"1.82.0\"\ncomponents = [\"clippy\"]\n");
        write(dir.path(), "src/main.rs", "fn main() {}\n");
        write(dir.path(), "src/admin.rs", "fn main() {}\n");
        write(dir.path(), "src/bin/migrate.rs", "fn main() {}\n");
        write(dir.path(), "src/bin/tool/main.rs", "fn main() {}\n");
        write(dir.path(), "src/bin/notes.txt", "");
        let p = detect(dir.path(), None).unwrap();
        assert_eq!(p.name, "suite");
        assert_eq!(
            p.apps,
            vec![
                rust_app("admin-cli", None, "admin_cli"),
                rust_app("migrate", None, "migrate"),
                rust_app("server", None, "server"),
                rust_app("tool", None, "tool"),
            ]
        );
        assert_eq!(p.rust_version.as_deref(), Some("1.82.0"), "the pinned toolchain wins over rust-version");
        rendered(&p);
    }

    #[test]
    fn rust_autobins_off_and_channel_names() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "Cargo.toml", "[package]\nname = \"x\"\nautobins = false\n\n[[bin]]\nname = \"only\"\n");
        write(dir.path(), "rust-toolchain", "stable\n");
        write(dir.path(), "src/main.rs", "fn main() {}\n");
        write(dir.path(), "src/bin/extra.rs", "fn main() {}\n");
        let p = detect(dir.path(), None).unwrap();
        assert_eq!(p.apps, vec![rust_app("only", None, "only")]);
        assert_eq!(p.rust_version, None, "`stable` is not an image tag mkmulti pins");
    }

    #[test]
    fn rust_virtual_workspace() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("My Workspace");
        write(
            &dir,
            "Cargo.toml",
            "[workspace]\nmembers = [\"crates/*\", \"./tools/cli/\"]\nexclude = [\"crates/skipped\"]\n\n\
             [workspace.package]\nrust-version = \"1.85\"\nlicense = \"MIT\"\n",
        );
        write(&dir, "crates/api/Cargo.toml", "[package]\nname = \"api\"\nrust-version.workspace = true\n");
        write(&dir, "crates/api/src/main.rs", "fn main() {}\n");
        write(&dir, "crates/core/Cargo.toml", "[package]\nname = \"core\"\n");
        write(&dir, "crates/core/src/lib.rs", "");
        write(&dir, "crates/skipped/Cargo.toml", "[package]\nname = \"skipped\"\n");
        write(&dir, "crates/skipped/src/main.rs", "fn main() {}\n");
        write(&dir, "crates/notes/README.md", "not a package\n");
        write(
            &dir,
            "tools/cli/Cargo.toml",
            "[package]\nname = \"cli-tool\"\n\n[[bin]]\nname = \"cli\"\npath = \"src/cli.rs\"\n",
        );
        write(&dir, "tools/cli/src/cli.rs", "fn main() {}\n");
        let p = detect(&dir, None).unwrap();
        assert_eq!(p.name, "my-workspace");
        assert_eq!(p.apps, vec![rust_app("api", Some("api"), "api"), rust_app("cli", Some("cli-tool"), "cli")]);
        assert_eq!(p.rust_version.as_deref(), Some("1.85"));
        assert_eq!(p.license.as_deref(), Some("MIT"));
        let text = rendered(&p);
        assert!(text.contains("\npackage = \"cli-tool\"  #"));
    }

    #[test]
    fn rust_root_package_in_its_own_workspace() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "Cargo.toml", "[package]\nname = \"app\"\n\n[workspace]\nmembers = [\".\", \"xtask\"]\n");
        write(dir.path(), "src/main.rs", "fn main() {}\n");
        write(dir.path(), "xtask/Cargo.toml", "[package]\nname = \"xtask\"\n");
        write(dir.path(), "xtask/src/main.rs", "fn main() {}\n");
        let p = detect(dir.path(), None).unwrap();
        assert_eq!(p.apps, vec![rust_app("app", None, "app"), rust_app("xtask", Some("xtask"), "xtask")]);
        rendered(&p);
    }

    #[test]
    fn rust_errors_name_the_file() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "Cargo.toml", "[package\nname = \"x\"\n");
        let err = detect(dir.path(), None).unwrap_err();
        assert!(matches!(err, InitError::InvalidManifest { ref path, .. } if path.ends_with("Cargo.toml")), "{err:?}");
        assert!(err.to_string().contains("Cargo.toml: invalid TOML"), "{err}");

        write(dir.path(), "Cargo.toml", "[package]\nname = \"lib-only\"\n");
        write(dir.path(), "src/lib.rs", "");
        let err = detect(dir.path(), None).unwrap_err();
        assert!(matches!(err, InitError::NoBinaries { .. }), "{err:?}");
        assert!(err.to_string().contains("Cargo.toml defines no binary target"), "{err}");

        write(dir.path(), "Cargo.toml", "[workspace]\nmembers = [\"missing\"]\n");
        let err = detect(dir.path(), None).unwrap_err();
        assert!(matches!(err, InitError::Read { ref path, .. } if path.ends_with("missing/Cargo.toml")), "{err:?}");
        assert!(err.to_string().starts_with("cannot read "), "{err}");
    }

    #[test]
    fn both_manifests_need_lang() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "go.mod", "module example.com/both\n");
        write(dir.path(), "Cargo.toml", "[package]\nname = \"both-rs\"\n");
        write(dir.path(), "src/main.rs", "fn main() {}\n");
        let err = detect(dir.path(), None).unwrap_err();
        assert!(matches!(err, InitError::Ambiguous { .. }));
        assert!(err.to_string().contains("--lang go"), "{err}");
        assert_eq!(detect(dir.path(), Some(LangChoice::Go)).unwrap().name, "both");
        assert_eq!(detect(dir.path(), Some(LangChoice::Rust)).unwrap().name, "both-rs");
    }

    #[test]
    fn no_manifest_needs_lang() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("New_Service");
        fs::create_dir(&dir).unwrap();
        let err = detect(&dir, None).unwrap_err();
        assert!(matches!(err, InitError::NoProject { .. }));
        assert!(err.to_string().contains("--lang"), "{err}");

        let go = detect(&dir, Some(LangChoice::Go)).unwrap();
        assert_eq!((go.name.as_str(), go.manifest.as_deref()), ("new-service", None));
        assert_eq!(go.apps, vec![go_app("new-service", ".")]);
        rendered(&go);
        let rust = detect(&dir, Some(LangChoice::Rust)).unwrap();
        assert_eq!(rust.apps, vec![rust_app("new-service", None, "new-service")]);
        rendered(&rust);

        let err = detect(&tmp.path().join("absent"), None).unwrap_err();
        assert!(matches!(err, InitError::Read { .. }), "{err:?}");
        write(tmp.path(), "file", "");
        assert!(matches!(detect(&tmp.path().join("file"), None), Err(InitError::NotADirectory { .. })));
    }

    #[test]
    fn init_keeps_an_existing_file_unless_forced() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "go.mod", "module example.com/svc\n\ngo 1.22\n");
        let opts = |force| InitOptions { dir: dir.path().to_path_buf(), lang: None, force };
        let path = dir.path().join(CONFIG_FILE);

        match init(&opts(false)).unwrap() {
            InitOutcome::Written { path: written, project } => {
                assert_eq!(written, path);
                assert_eq!(project.name, "svc");
                assert_eq!(fs::read_to_string(&path).unwrap(), render(&project));
            }
            other => panic!("{other:?}"),
        }

        fs::write(&path, "# mine\n").unwrap();
        assert!(matches!(init(&opts(false)).unwrap(), InitOutcome::KeptExisting { path: kept } if kept == path));
        assert_eq!(fs::read_to_string(&path).unwrap(), "# mine\n");

        assert!(matches!(init(&opts(true)).unwrap(), InitOutcome::Written { .. }));
        assert!(fs::read_to_string(&path).unwrap().starts_with("#:schema "));
    }

    #[test]
    fn init_keeps_an_existing_file_even_without_a_project() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), CONFIG_FILE, "# mine\n");
        let opts = InitOptions { dir: dir.path().to_path_buf(), lang: None, force: false };
        assert!(matches!(init(&opts).unwrap(), InitOutcome::KeptExisting { .. }));
        let forced = InitOptions { force: true, ..opts };
        assert!(matches!(init(&forced), Err(InitError::NoProject { .. })));
        assert_eq!(fs::read_to_string(dir.path().join(CONFIG_FILE)).unwrap(), "# mine\n");
    }

    #[test]
    fn toml_str_is_one_valid_basic_string() {
        for s in [
            "",
            "plain",
            "quote \" and \\ backslash",
            "new\nline\r\n",
            "tab\t",
            "\u{0}\u{1f}\u{7f}",
            "'''\"\"\"",
            "ünï ✓",
        ] {
            let quoted = toml_str(s);
            assert!(quoted.starts_with('"') && !quoted.contains('\n') && !quoted.contains('\r'), "{quoted}");
            let table: toml::Table = format!("k = {quoted}").parse().unwrap_or_else(|e| panic!("{quoted}: {e}"));
            assert_eq!(table["k"].as_str(), Some(s));
        }
    }

    #[test]
    fn names_are_sanitised_to_the_grammar() {
        for (raw, want) in [
            ("My_App", "my-app"),
            ("a..b__c", "a-b-c"),
            ("-lead.trail-", "lead-trail"),
            ("We\"ird dir/ü", "we-ird-dir"),
            ("___", "app"),
            ("", "app"),
        ] {
            assert_eq!(sanitize_name(raw), want, "{raw}");
        }
        let long = sanitize_name(&format!("{}-b", "a".repeat(62)));
        assert_eq!(long, "a".repeat(62));
        assert!(crate::grammar::name(&long).is_ok());
    }

    #[test]
    fn module_bases_and_globs() {
        assert_eq!(module_base("github.com/foo/bar/v2"), "bar");
        assert_eq!(module_base("example.com/v2ray"), "v2ray");
        assert_eq!(module_base("hello"), "hello");
        assert!(wildcard_match("*", "api"));
        assert!(wildcard_match("svc-*", "svc-api"));
        assert!(wildcard_match("a?c*", "abcde"));
        assert!(!wildcard_match("svc-*", "api"));
        assert!(!wildcard_match("a?c", "ac"));
    }
}
