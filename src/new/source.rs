//! Where a template's files come from: the built-in templates embedded from `templates/new/`, a directory, or a
//! git URL cloned (`git clone --depth 1`) into a temporary directory. Every source yields the same thing: the
//! manifest's text and every other file with its path relative to the template's top.

use std::fs;
use std::path::{Component, Path, PathBuf};
use std::process::Command;

use include_dir::{Dir, include_dir};

use super::NewError;
use super::manifest::{self, MANIFEST_FILE, Manifest};

/// The built-in templates, one directory each.
static BUILT_IN: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/templates/new");

/// Where licenses live among the built-in templates: not a template.
pub const LICENSES_DIR: &str = "licenses";

/// One file of a template.
#[derive(Debug, Clone)]
pub struct TemplateFile {
    /// Relative to the template's top, `/`-separated.
    pub path: String,
    pub bytes: Vec<u8>,
    pub executable: bool,
}

/// A template, read.
#[derive(Debug, Clone)]
pub struct Template {
    /// How errors and `--list` name it: the built-in name, the directory or the URL.
    pub label: String,
    pub manifest: Manifest,
    /// Sorted by path.
    pub files: Vec<TemplateFile>,
}

/// The built-in templates' names, sorted.
pub fn built_in_names() -> Vec<&'static str> {
    let mut names: Vec<&str> = BUILT_IN
        .dirs()
        .filter(|d| d.get_file(d.path().join(MANIFEST_FILE)).is_some())
        .filter_map(|d| d.path().file_name()?.to_str())
        .collect();
    names.sort_unstable();
    names
}

/// A built-in template by name.
pub fn built_in(name: &str) -> Result<Template, NewError> {
    let dir = BUILT_IN.get_dir(name).filter(|_| name != LICENSES_DIR && !name.contains(['/', '.']));
    let Some(dir) = dir else {
        let known = built_in_names();
        return Err(NewError::UnknownTemplate {
            name: name.to_string(),
            suggestion: crate::suggest::closest(name, known.iter().copied()).map(str::to_string),
            known: known.join(", "),
        });
    };
    let mut files = Vec::new();
    collect_embedded(dir, dir.path(), &mut files);
    // Embedded files have no mode: a template's scripts are named `*.sh`.
    for f in &mut files {
        f.executable = f.path.ends_with(".sh");
    }
    finish(format!("built-in template `{name}`"), files)
}

fn collect_embedded(dir: &Dir<'static>, top: &Path, out: &mut Vec<TemplateFile>) {
    for file in dir.files() {
        let rel = file.path().strip_prefix(top).expect("inside its template");
        out.push(TemplateFile { path: slash(rel), bytes: file.contents().to_vec(), executable: false });
    }
    for sub in dir.dirs() {
        collect_embedded(sub, top, out);
    }
}

/// The text of an embedded license (`MIT`, `Apache-2.0`).
pub fn license_text(spdx: &str) -> &'static str {
    BUILT_IN
        .get_file(format!("{LICENSES_DIR}/{spdx}"))
        .and_then(|f| f.contents_utf8())
        .expect("every license `--license` accepts is embedded")
}

/// A template in a directory. Symlinks are followed only when they point inside it; `.git` is skipped.
pub fn directory(dir: &Path) -> Result<Template, NewError> {
    let label = dir.display().to_string();
    let top = fs::canonicalize(dir).map_err(|source| NewError::Read { path: dir.to_path_buf(), source })?;
    if !top.is_dir() {
        return Err(NewError::Template(format!("{label} is not a directory")));
    }
    let mut files = Vec::new();
    walk(&top, &top, &label, &mut files)?;
    finish(label, files)
}

fn walk(top: &Path, dir: &Path, label: &str, out: &mut Vec<TemplateFile>) -> Result<(), NewError> {
    let read_err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| NewError::Read { path, source }
    };
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .map_err(read_err(dir))?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .map_err(read_err(dir))?;
    entries.sort();
    for path in entries {
        let rel = slash(path.strip_prefix(top).expect("inside the template"));
        if rel == ".git" {
            continue;
        }
        let meta = fs::symlink_metadata(&path).map_err(read_err(&path))?;
        let real = if meta.file_type().is_symlink() {
            let target = fs::canonicalize(&path).map_err(read_err(&path))?;
            if !target.starts_with(top) {
                return Err(NewError::Template(format!(
                    "{label}: {rel} is a symlink to {}, outside the template: a template's files stay inside it",
                    target.display()
                )));
            }
            target
        } else {
            path.clone()
        };
        let meta = fs::metadata(&real).map_err(read_err(&real))?;
        if meta.is_dir() {
            if meta.file_type().is_dir() && real != path {
                return Err(NewError::Template(format!("{label}: {rel} is a symlink to a directory; copy it instead")));
            }
            walk(top, &path, label, out)?;
        } else if meta.is_file() {
            let bytes = fs::read(&real).map_err(read_err(&real))?;
            out.push(TemplateFile { path: rel, bytes, executable: is_executable(&meta) });
        } else {
            return Err(NewError::Template(format!("{label}: {rel} is not a regular file")));
        }
    }
    Ok(())
}

#[cfg(unix)]
fn is_executable(meta: &fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o111 != 0
}

#[cfg(not(unix))]
fn is_executable(_: &fs::Metadata) -> bool {
    false
}

/// Whether `--template` names a git repository rather than a directory or a built-in name.
pub fn is_git_url(template: &str) -> bool {
    ["https://", "http://", "ssh://", "git://", "file://", "git@"].iter().any(|p| template.starts_with(p))
        || template.ends_with(".git")
}

/// A template in a git repository: cloned (`--depth 1`) into a temporary directory, then read like one.
pub fn git(url: &str) -> Result<Template, NewError> {
    let tmp = tempfile::tempdir().map_err(|source| NewError::Write { path: std::env::temp_dir(), source })?;
    let into = tmp.path().join("template");
    let output = Command::new("git")
        .args(["clone", "--quiet", "--depth", "1", "--", url])
        .arg(&into)
        .env("GIT_TERMINAL_PROMPT", "0")
        .output();
    match output {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(NewError::Template(format!(
            "--template {url}: git is not installed (or not on PATH): install git, or clone the template yourself and \
             pass its directory"
        ))),
        Err(e) => Err(NewError::Template(format!("--template {url}: cannot run git: {e}"))),
        Ok(out) if !out.status.success() => Err(NewError::Template(format!(
            "--template {url}: `git clone` failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ))),
        Ok(_) => {
            let mut template = directory(&into)?;
            template.label = url.to_string();
            Ok(template)
        }
    }
}

/// Splits the manifest off the files and parses it.
fn finish(label: String, mut files: Vec<TemplateFile>) -> Result<Template, NewError> {
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let at = files.iter().position(|f| f.path == MANIFEST_FILE).ok_or_else(|| {
        NewError::Template(format!("{label} has no {MANIFEST_FILE}: a template's top holds its manifest"))
    })?;
    let manifest_file = files.remove(at);
    let text = String::from_utf8(manifest_file.bytes)
        .map_err(|_| NewError::Template(format!("{label}/{MANIFEST_FILE} is not UTF-8")))?;
    let manifest = manifest::parse(&text, &format!("{label}/{MANIFEST_FILE}")).map_err(NewError::Template)?;
    Ok(Template { label, manifest, files })
}

fn slash(path: &Path) -> String {
    path.components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("/")
}
