//! Every config under `fixtures/invalid/` is refused; the full error output is snapshotted.

use crate::util;

/// The issue asks for at least this many bad configs, across syntax, keys, types, platforms, images, injection,
/// paths, limits and conflicts.
const MIN_FIXTURES: usize = 60;

#[test]
fn every_invalid_fixture_is_refused_with_located_errors() {
    let dir = util::root().join("tests/fixtures/invalid");
    let mut fixtures: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    fixtures.sort();
    assert!(fixtures.len() >= MIN_FIXTURES, "expected the invalid fixtures, found {}", fixtures.len());
    let settings = util::insta_settings("invalid");
    for path in fixtures {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let display = format!("invalid/{}", path.file_name().unwrap().to_string_lossy());
        let bytes = std::fs::read(&path).unwrap();
        let output = match mkmulti::parse::decode(&bytes) {
            Err(d) => mkmulti::diagnostics::Source::new(display, "").render(&d),
            Ok(text) => match mkmulti::load_str(text, &display, "multiarch.toml") {
                Ok(_) => panic!("{name} was accepted"),
                Err(mkmulti::LoadError::Invalid(found)) => util::rendered(&found),
                Err(mkmulti::LoadError::Io(m)) => panic!("{m}"),
            },
        };
        assert!(output.starts_with("error: "), "{name}: {output}");
        assert_in_file_order(&name, &output);
        settings.bind(|| insta::assert_snapshot!(name, output));
    }
}

/// Errors come first, then warnings and notes; within each group, in the order of the lines they point at
/// (diagnostics about the whole file, with no line, first).
fn assert_in_file_order(name: &str, output: &str) {
    let mut last: Option<(bool, usize)> = None;
    let mut level_is_error = true;
    for line in output.lines() {
        if let Some(level) = ["error: ", "warning: ", "note: "].iter().find(|l| line.starts_with(**l)) {
            level_is_error = *level == "error: ";
            let group = (!level_is_error, 0);
            assert!(last.is_none_or(|l| l.0 <= group.0), "{name}: an error after a warning or note:\n{output}");
            if last.is_none_or(|l| l.0 != group.0) {
                last = Some(group);
            }
        } else if let Some(location) = line.trim_start().strip_prefix("--> ") {
            let Some(line_number) = location.split(':').nth(1).and_then(|n| n.parse::<usize>().ok()) else {
                continue;
            };
            let at = (!level_is_error, line_number);
            assert!(last.is_none_or(|l| l <= at), "{name}: line {line_number} reported out of order:\n{output}");
            last = Some(at);
        }
    }
}

/// A renamed or deleted fixture leaves its reviewed snapshot behind; pending `.snap.new` files are the review
/// step's, not this test's.
#[test]
fn every_invalid_snapshot_has_its_fixture() {
    let fixtures = util::root().join("tests/fixtures/invalid");
    for entry in std::fs::read_dir(util::root().join("snapshots/invalid")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "snap") {
            continue;
        }
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        assert!(fixtures.join(format!("{stem}.toml")).is_file(), "{} has no fixture", path.display());
    }
}
