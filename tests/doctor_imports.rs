//! `doctor` never names the `cli` module: `cli` calls `doctor::run` and maps its `Outcome` to an exit code, so an
//! import the other way would close a circle.

use std::fs;
use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`, in sorted order.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|x| x == "rs") {
            files.push(path);
        }
    }
    files
}

/// Identifiers, `::` and single punctuation characters, whitespace dropped: enough to follow a `use` path across
/// lines and groups.
fn tokens(source: &str) -> Vec<&str> {
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    let mut out = Vec::new();
    let mut rest = source;
    while let Some(c) = rest.chars().next() {
        let len = if ident(c) {
            rest.find(|c: char| !ident(c)).unwrap_or(rest.len())
        } else if rest.starts_with("::") {
            2
        } else {
            c.len_utf8()
        };
        if !c.is_whitespace() {
            out.push(&rest[..len]);
        }
        rest = &rest[len..];
    }
    out
}

/// Whether the source reaches the crate's `cli` module from `crate::` or a chain of `super::`, directly
/// (`crate::cli::exit::OK`) or as an item of a use group (`use crate::{cli::exit, plan::Plan}`).
fn names_cli(source: &str) -> bool {
    let tokens = tokens(source);
    (0..tokens.len()).any(|start| {
        if !matches!(tokens[start], "crate" | "super") {
            return false;
        }
        let mut i = start;
        while tokens.get(i + 1) == Some(&"::") && tokens.get(i + 2) == Some(&"super") {
            i += 2;
        }
        if tokens.get(i + 1) != Some(&"::") {
            return false;
        }
        match tokens.get(i + 2) {
            Some(&"cli") => true,
            Some(&"{") => group_names_cli(&tokens[i + 3..]),
            _ => false,
        }
    })
}

/// Whether an item of a use group (its tokens after the `{`) starts with `cli`; nested groups belong to other
/// modules and are skipped.
fn group_names_cli(tokens: &[&str]) -> bool {
    let mut depth = 0;
    let mut item_start = true;
    for &t in tokens {
        match t {
            "}" if depth == 0 => return false,
            "}" => depth -= 1,
            "{" => depth += 1,
            "," if depth == 0 => {
                item_start = true;
                continue;
            }
            "cli" if depth == 0 && item_start => return true,
            _ => {}
        }
        item_start = false;
    }
    false
}

#[test]
fn no_doctor_file_imports_the_cli() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join("doctor");
    let files = rust_files(&dir);
    assert!(files.iter().any(|f| f.ends_with("mod.rs")), "src/doctor/ has no mod.rs: {files:?}");
    let offenders: Vec<String> = files
        .iter()
        .filter(|f| names_cli(&fs::read_to_string(f).unwrap()))
        .map(|f| f.strip_prefix(env!("CARGO_MANIFEST_DIR")).unwrap_or(f).display().to_string())
        .collect();
    assert!(
        offenders.is_empty(),
        "{offenders:?} name crate::cli; doctor returns an Outcome and the CLI maps it to an exit code"
    );
}

#[test]
fn the_guard_sees_every_way_of_writing_the_import() {
    for named in [
        "use crate::cli::exit::NOT_READY as EXIT_NOT_READY;",
        "fn code() -> u8 { crate::cli::exit::OK }",
        "use crate::{plan::Plan, cli};",
        "use crate::{\n    cli::exit,\n    plan::Plan,\n};",
        "use crate :: cli;",
        "use super::super::cli::exit;",
        "use super::{cli::Command, plan};",
    ] {
        assert!(names_cli(named), "missed: {named}");
    }
    for clean in [
        "use crate::plan::Plan;",
        "use crate::client::Client;",
        "use crate::{plan::{Plan, cli}, platform};",
        "use super::{Check, Status};",
        "let cli = 1; // the CLI maps the outcome",
    ] {
        assert!(!names_cli(clean), "flagged: {clean}");
    }
}
