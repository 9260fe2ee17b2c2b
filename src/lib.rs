//! mkmulti compiles a declarative `multiarch.toml` into everything a repository needs to build, test and
//! publish multi-architecture container images.
//!
//! The compiler has four passes, each its own module:
//! `parse` (text to [`config::RawConfig`]) -> `plan` (resolve and validate to [`plan::Plan`]) ->
//! `render` (plan to [`render::GeneratedFile`]s, in memory) -> `write` (compare with the disk, then write).

pub mod actions;
pub mod cli;
pub mod config;
pub mod diagnostics;
pub mod doctor;
pub mod grammar;
pub mod images;
pub mod init;
pub mod new;

pub mod parse;
pub mod plan;
pub mod platform;
pub mod project;
pub mod render;
pub mod resolve;
pub mod schema;
pub mod suggest;
pub mod toml_fmt;
pub mod write;

use std::path::Path;

use diagnostics::{Diagnostic, Located, Source};

/// A config that was read and planned, with the warnings and notes found on the way.
pub struct Loaded {
    pub plan: plan::Plan,
    /// Warnings and notes, in file order.
    pub notes: Vec<Located>,
}

/// Why loading failed: the user's config (exit 2) or the file system (exit 3).
#[derive(Debug)]
pub enum LoadError {
    /// Every problem found, each with its location: errors first, then warnings and notes.
    Invalid(Vec<Located>),
    Io(String),
}

/// Runs the first two passes on a config file. `config_file` is how the config is named in generated headers.
pub fn load(path: &Path, config_file: &str) -> Result<Loaded, LoadError> {
    load_file(path, config_file, None)
}

/// [`load`], then the project's files against the plan (`project::check`): what `check` and `generate` do, so a
/// config whose build would fail for a reason the sources show is refused. `context` is the build context: the
/// directory the generated files go to, where `docker buildx build .` runs.
pub fn load_project(path: &Path, config_file: &str, context: &Path) -> Result<Loaded, LoadError> {
    load_file(path, config_file, Some(context))
}

fn load_file(path: &Path, config_file: &str, context: Option<&Path>) -> Result<Loaded, LoadError> {
    let bytes = std::fs::read(path).map_err(|e| LoadError::Io(format!("cannot read {}: {e}", path.display())))?;
    let display = path.display().to_string();
    let text =
        parse::decode(&bytes).map_err(|d| LoadError::Invalid(vec![Source::new(display.clone(), "").locate(&d)]))?;
    // The directory the generated files go to: the one given, else the config's own.
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let at = Dir { path: context.unwrap_or(parent), check_project: context.is_some() };
    load_text(text, &display, config_file, Some(at))
}

/// The directory a config is loaded in: its files are read for the site (`resolve::Site`), and with
/// `check_project` the project in it is checked against the plan.
#[derive(Clone, Copy)]
struct Dir<'a> {
    path: &'a Path,
    check_project: bool,
}

/// [`load`] for text already in memory; `display` names it in diagnostics.
///
/// Every problem is reported at once: all syntax errors, or else all structural errors (unknown keys, wrong
/// types) together with what the semantic checks find outside the sections those errors are in. Errors come
/// first, then warnings and notes, each in file order.
pub fn load_str(text: &str, display: &str, config_file: &str) -> Result<Loaded, LoadError> {
    load_text(text, display, config_file, None)
}

fn load_text(text: &str, display: &str, config_file: &str, dir: Option<Dir<'_>>) -> Result<Loaded, LoadError> {
    let source = Source::new(display, text);
    let parsed = parse::parse(&source);
    let mut diagnostics = parsed.diagnostics;
    if let Some(mut raw) = parsed.config {
        confine_broken_apps(&mut raw, &parsed.broken);
        let site = resolve::Site {
            repo_dirs: dir.map(|d| project::repo_dirs(d.path, resolve::derive::ci_root_levels(&raw.ci.root))),
        };
        let planned = resolve::plan_at(&raw, config_file, &site);
        if let (Some(plan), true) = (planned.plan, diagnostics.is_empty()) {
            let mut notes = planned.diagnostics;
            let project_dir = dir.filter(|d| d.check_project).map(|d| d.path);
            let in_project = project_dir.map(|dir| project::check(&raw, &plan, dir)).unwrap_or_default();
            if in_project.iter().any(Diagnostic::is_error) {
                diagnostics.extend(in_project);
                return Err(invalid(&source, diagnostics));
            }
            notes.extend(in_project);
            notes.sort_by_key(|d| source.position(d));
            return Ok(Loaded { plan, notes: notes.iter().map(|d| source.locate(d)).collect() });
        }
        // A section with a structural error was checked without its broken keys (defaults instead): what the
        // checks say about it would be about a config the user did not write.
        let trusted = |d: &Diagnostic| !d.path.as_ref().is_some_and(|p| parsed.broken.iter().any(|b| p.starts_with(b)));
        diagnostics.extend(planned.diagnostics.into_iter().filter(trusted));
    }
    Err(invalid(&source, diagnostics))
}

/// How many diagnostics of one kind (severity, key without indices, help) are shown; the rest are counted.
const SHOWN_OF_A_KIND: usize = 10;

/// Every problem, sorted (errors first, each group in file order) and capped: past [`SHOWN_OF_A_KIND`] of a
/// kind, one note counts the rest, so a config with a thousand of one mistake prints a screenful, not a book.
fn invalid(source: &Source<'_>, mut diagnostics: Vec<Diagnostic>) -> LoadError {
    // Stable sorts: diagnostics at one place keep the order they were found in.
    diagnostics.sort_by_key(|d| source.position(d));
    diagnostics.sort_by_key(|d| !d.is_error());
    let kind = |d: &Diagnostic| {
        let key = d.path.as_ref().map(|p| {
            p.0.iter()
                .filter_map(|s| if let diagnostics::Seg::Key(k) = s { Some(k.as_str()) } else { None })
                .collect::<Vec<_>>()
                .join(".")
        });
        (d.severity, key, d.help.clone(), d.path.is_none().then(|| d.message.clone()))
    };
    let mut seen: Vec<(_, usize)> = Vec::new();
    let mut kept = Vec::new();
    for d in diagnostics {
        let k = kind(&d);
        match seen.iter_mut().find(|(known, _)| *known == k) {
            Some((_, count)) => {
                *count += 1;
                if *count <= SHOWN_OF_A_KIND {
                    kept.push(d);
                }
            }
            None => {
                seen.push((k, 1));
                kept.push(d);
            }
        }
    }
    let mut located: Vec<Located> = kept.iter().map(|d| source.locate(d)).collect();
    for ((severity, key, _, _), count) in seen.into_iter().filter(|(_, n)| *n > SHOWN_OF_A_KIND) {
        let more = count - SHOWN_OF_A_KIND;
        let about = key.map_or_else(String::new, |k| format!(" about `{k}`"));
        let note = Diagnostic {
            severity: diagnostics::Severity::Note,
            message: format!("{more} more {severity}s like the ones above{about} are not shown"),
            path: None,
            span: None,
            help: Some("fix the ones shown, then run mkmulti again".into()),
        };
        located.push(Located { folded: Some((severity, more)), ..source.locate(&note) });
    }
    LoadError::Invalid(located)
}

/// An app with a structural error is still planned, so the checks that compare apps see it, but the checks
/// about its platforms would point at `project.platforms` when it has none of its own: give it a copy, so every
/// finding about it stays inside its own entry (and is left out with it).
fn confine_broken_apps(raw: &mut config::RawConfig, broken: &[diagnostics::KeyPath]) {
    let project_platforms = raw.project.platforms.clone();
    for (i, app) in raw.app.iter_mut().enumerate() {
        if broken.contains(&diagnostics::KeyPath::root().key("app").index(i)) && app.platforms.is_none() {
            app.platforms = Some(project_platforms.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(text: &str) -> Vec<String> {
        match load_str(text, "m.toml", "m.toml") {
            Ok(_) => Vec::new(),
            Err(LoadError::Invalid(found)) => {
                found.iter().map(|l| format!("{}: {}", l.severity(), l.diagnostic.message)).collect()
            }
            Err(LoadError::Io(m)) => panic!("{m}"),
        }
    }

    const HEAD: &str =
        "[project]\nname = \"p\"\nplatforms = [\"linux/amd64\", \"linux/arm/v6\"]\n[registry]\nnamespace = \"a\"\n";

    #[test]
    fn semantic_checks_run_beside_structural_errors_outside_the_broken_parts() {
        // [ci] is broken (a string for a boolean); the app's bad image is still found; the job timeout, in the
        // broken [ci], is not reported from a [ci] read without its broken key.
        let head = HEAD.replace(", \"linux/arm/v6\"", "");
        let text = format!(
            "{head}[ci]\ncache = \"yes\"\ntimeout-minutes = 0\n[[app]]\nname = \"a\"\nlanguage = \"go\"\nimage = \"A\"\n"
        );
        assert_eq!(
            errors(&text),
            ["error: wrong type: expected a boolean, found a string", "error: invalid image name `A`"]
        );
    }

    #[test]
    fn a_broken_app_is_not_checked_with_its_broken_keys_left_out() {
        // `rust.libc = "muls"` is cut out, so the app would read as a glibc build, which has no cross gcc for
        // linux/arm/v6: that finding (at `project.platforms[1]`) is about the cut-down app, not the file.
        let text =
            format!("{HEAD}[[app]]\nname = \"a\"\nlanguage = \"rust\"\nruntime = \"scratch\"\nrust.libc = \"muls\"\n");
        assert_eq!(errors(&text), ["error: unknown value `muls` for `libc`"]);
        // Fixed, the config is valid: the finding really was about the cut-down app.
        assert!(errors(&text.replace("muls", "musl")).is_empty());
    }

    #[test]
    fn errors_come_first_then_notes_each_in_file_order() {
        let text = "[project]\nname = \"p\"\nplatforms = [\"aarch64\", \"linux/amd64\"]\n[registry]\nnamespace = \"a\"\n[[app]]\nname = \"a\"\nlanguage = \"go\"\nports = [0]\n[ci]\ntimeout-minutes = 0\n";
        assert_eq!(
            errors(text),
            [
                "error: port 0 is not a port",
                "error: 0 minutes is not a job timeout GitHub accepts",
                "note: `aarch64` is read as `linux/arm64`"
            ]
        );
    }
}
