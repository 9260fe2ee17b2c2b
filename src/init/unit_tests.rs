//! Whether a project has unit tests, so the scaffold turns `build.test` on: Go's `*_test.go` files in the module,
//! Rust's `tests/` directories and `#[test]` or `#[cfg(test)]` in its sources. Reads file names and Rust sources
//! only, never runs `go` or `cargo`, and stops after a bounded number of entries.

use std::fs;
use std::path::Path;

use crate::config::Language;

/// Directory entries looked at before giving up: a project this large says where its tests are by itself.
const MAX_ENTRIES: usize = 20_000;

/// Directories no test of the project's own is in: dependencies, build output, VCS data, and what the go tool
/// skips (`testdata`, names starting with `.` or `_`).
fn skipped(name: &str) -> bool {
    name.starts_with(['.', '_']) || matches!(name, "target" | "vendor" | "testdata" | "node_modules")
}

/// The first file (relative to `dir`, `/`-separated) that shows the project has unit tests, if any.
pub(super) fn find(dir: &Path, language: Language) -> Option<String> {
    let mut budget = MAX_ENTRIES;
    walk(dir, dir, language, &mut budget)
}

fn walk(root: &Path, dir: &Path, language: Language, budget: &mut usize) -> Option<String> {
    let mut entries: Vec<_> = fs::read_dir(dir).ok()?.filter_map(Result::ok).map(|e| e.path()).collect();
    // Sorted, so the file named is the same on every machine.
    entries.sort();
    let mut subdirs = Vec::new();
    for path in entries {
        *budget = budget.checked_sub(1)?;
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
        if path.is_dir() {
            if !skipped(&name) {
                subdirs.push(path);
            }
        } else if is_test_file(&path, &name, language) {
            return Some(path.strip_prefix(root).ok()?.to_string_lossy().replace('\\', "/"));
        }
    }
    subdirs.into_iter().find_map(|sub| walk(root, &sub, language, budget))
}

fn is_test_file(path: &Path, name: &str, language: Language) -> bool {
    match language {
        Language::Go => name.ends_with("_test.go"),
        Language::Rust => {
            let in_tests_dir = path.parent().and_then(Path::file_name).is_some_and(|d| d == "tests");
            name.ends_with(".rs") && (in_tests_dir || fs::read_to_string(path).is_ok_and(|text| has_rust_test(&text)))
        }
    }
}

/// A test function or test module: `#[test]`, `#[tokio::test]` and the like, or `#[cfg(test)]`.
fn has_rust_test(text: &str) -> bool {
    text.lines().map(str::trim_start).any(|line| {
        line.starts_with("#[cfg(test)]")
            || line
                .strip_prefix("#[")
                .and_then(|rest| rest.split(']').next())
                .is_some_and(|attr| attr == "test" || attr.rsplit_once("::").is_some_and(|(_, last)| last == "test"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rust_test_attributes_are_found_and_lookalikes_are_not() {
        assert!(has_rust_test("fn a() {}\n#[cfg(test)]\nmod tests {}\n"));
        assert!(has_rust_test("    #[test]\n    fn t() {}\n"));
        assert!(has_rust_test("#[tokio::test]\nasync fn t() {}\n"));
        assert!(!has_rust_test("// #[test] in a comment\nfn main() {}\n"));
        assert!(!has_rust_test("#[testing]\n#[cfg(not(test))]\nfn main() {}\n"));
    }

    #[test]
    fn go_test_files_count_outside_vendor_and_testdata_only() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("vendor/x")).unwrap();
        fs::write(root.join("vendor/x/x_test.go"), "package x").unwrap();
        fs::create_dir_all(root.join("testdata")).unwrap();
        fs::write(root.join("testdata/a_test.go"), "package a").unwrap();
        fs::write(root.join("main.go"), "package main").unwrap();
        assert_eq!(find(root, Language::Go), None);
        fs::create_dir_all(root.join("internal/node")).unwrap();
        fs::write(root.join("internal/node/node_test.go"), "package node").unwrap();
        assert_eq!(find(root, Language::Go).as_deref(), Some("internal/node/node_test.go"));
    }

    #[test]
    fn rust_tests_are_a_tests_directory_or_a_test_in_the_sources() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("src")).unwrap();
        fs::write(root.join("src/main.rs"), "fn main() {}\n").unwrap();
        fs::create_dir_all(root.join("target/debug")).unwrap();
        fs::write(root.join("target/debug/x.rs"), "#[test]\nfn t() {}\n").unwrap();
        assert_eq!(find(root, Language::Rust), None);
        fs::write(root.join("src/lib.rs"), "#[cfg(test)]\nmod tests {}\n").unwrap();
        assert_eq!(find(root, Language::Rust).as_deref(), Some("src/lib.rs"));
        fs::create_dir_all(root.join("tests")).unwrap();
        fs::write(root.join("tests/api.rs"), "fn helper() {}\n").unwrap();
        assert_eq!(find(root, Language::Rust).as_deref(), Some("src/lib.rs"));
        fs::remove_file(root.join("src/lib.rs")).unwrap();
        assert_eq!(find(root, Language::Rust).as_deref(), Some("tests/api.rs"));
    }
}
