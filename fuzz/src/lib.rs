//! What every fuzz target checks: the whole pipeline (decode -> parse and plan -> render) runs on an input
//! without panicking, and whatever it renders keeps the promises generated files make.
//!
//! A broken promise is a panic, so libFuzzer records the input as a crash.

pub mod config;

use std::collections::BTreeSet;

use mkmulti::diagnostics::{Severity, Source};
use mkmulti::render::{self, GeneratedFile, HASH_MARKER};
use mkmulti::{LoadError, load_str};

/// How the config is named in diagnostics and generated headers, as `mkmulti generate` names it.
const CONFIG: &str = "multiarch.toml";

/// Runs the pipeline on raw file bytes, the way `mkmulti::load` does after reading the file.
pub fn check_bytes(data: &[u8]) {
    match mkmulti::parse::decode(data) {
        Ok(text) => check_text(text),
        Err(d) => {
            let message = Source::new(CONFIG, "").render(&d);
            assert!(!message.trim().is_empty(), "a refused file must say why");
        }
    }
}

/// Runs parse, plan and render on text, then checks what was rendered.
pub fn check_text(text: &str) {
    match load_str(text, CONFIG, CONFIG) {
        Ok(loaded) => check_render(&loaded.plan),
        Err(LoadError::Invalid(found)) => {
            assert!(!found.is_empty(), "an invalid config must report at least one problem");
            assert!(
                found.iter().any(|d| d.severity() == Severity::Error),
                "an invalid config must report an error: {found:?}"
            );
            for d in &found {
                assert!(!d.render().trim().is_empty(), "a reported problem renders empty: {found:?}");
            }
        }
        Err(LoadError::Io(e)) => panic!("load_str reads nothing from disk, yet failed with an I/O error: {e}"),
    }
}

fn check_render(plan: &mkmulti::plan::Plan) {
    let files = render::render(plan);
    assert!(files == render::render(plan), "rendering the same plan twice gave different files");
    let mut paths = BTreeSet::new();
    for f in &files {
        assert!(paths.insert(f.path.as_str()), "two generated files share the path {:?}", f.path);
        check_path(&f.path);
        check_file(f);
    }
}

/// A generated path is written below the output directory: it must not be able to leave it.
fn check_path(path: &str) {
    let escapes = path.is_empty()
        || path.starts_with('/')
        || path.contains('\\')
        || path.split('/').any(|c| c.is_empty() || c == "." || c == "..");
    assert!(!escapes, "a generated path could leave the output directory or is malformed: {path:?}");
}

fn check_file(f: &GeneratedFile) {
    let c = &f.contents;
    assert!(c.ends_with('\n') && !c.ends_with("\n\n"), "{} does not end with exactly one newline", f.path);
    // The header follows at most one first line (a shebang or a parser directive), which must stay first.
    assert!(
        c.lines().take(3).any(|l| l.starts_with(HASH_MARKER)),
        "{} has no `{}` line in its header",
        f.path,
        HASH_MARKER.trim_end()
    );
    assert_eq!(render::is_pristine(c), Some(true), "{}: the header's hash does not match the body", f.path);
    if f.executable {
        assert!(c.starts_with("#!"), "{} is executable but has no `#!` line", f.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(contents: &str) -> GeneratedFile {
        GeneratedFile { path: "Makefile".into(), contents: contents.into(), executable: false }
    }

    #[test]
    fn every_example_passes_the_checks() {
        for entry in std::fs::read_dir("../examples").unwrap() {
            let path = entry.unwrap().path().join("multiarch.toml");
            if let Ok(bytes) = std::fs::read(&path) {
                check_bytes(&bytes);
            }
        }
    }

    #[test]
    #[should_panic(expected = "could leave the output directory")]
    fn a_path_out_of_the_output_directory_is_caught() {
        check_path(".github/../../x");
    }

    #[test]
    #[should_panic(expected = "exactly one newline")]
    fn a_second_final_newline_is_caught() {
        check_file(&file("# mkmulti-hash: 0\n\nall:\n\n"));
    }

    #[test]
    #[should_panic(expected = "has no `# mkmulti-hash:` line")]
    fn a_missing_hash_line_is_caught() {
        check_file(&file("all:\n"));
    }
}
