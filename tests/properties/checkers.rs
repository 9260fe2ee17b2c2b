//! The invariant behind the README's promise, as a test: every file of every config mkmulti accepts passes the
//! standard checker of its format (hadolint and BuildKit's parser, shellcheck, actionlint with shellcheck, the
//! compose and workflow schemas, `docker-compose config`, `make -n`, python-hcl2), through the project's own
//! `scripts/check-generated.sh`. A sample of generated configs (deterministic, `PROPTEST_CASES` more) is
//! rendered into one directory each and checked in one run.

use std::path::{Path, PathBuf};
use std::process::Command;

use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::TestRunner;

use super::rendered::load;
use super::strategies::config;

/// Where `scripts/install-checkers.sh` puts the checkers.
fn checkers() -> PathBuf {
    match std::env::var_os("MKMULTI_CHECKERS") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cache/mkmulti-checkers"),
    }
}

#[test]
fn every_accepted_config_passes_the_standard_checkers() {
    if !checkers().join("bin/hadolint").exists() {
        // CI installs the checkers before the tests (.ci/run), so there this cannot be skipped.
        assert!(
            std::env::var_os("CI").is_none(),
            "run scripts/install-checkers.sh first: no checkers in {:?}",
            checkers()
        );
        eprintln!("skipped: no checkers in {:?} (scripts/install-checkers.sh installs them)", checkers());
        return;
    }
    let cases: usize = std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(24);
    let root = tempfile::tempdir().unwrap();
    let mut runner = TestRunner::deterministic();
    let mut dirs = Vec::new();
    let mut configs = Vec::new();
    while dirs.len() < cases {
        let c = config().new_tree(&mut runner).unwrap().current();
        let Ok(files) = load(&c) else { continue };
        let dir = root.path().join(format!("config-{}", dirs.len()));
        for f in &files {
            write(&dir.join(&f.path), &f.contents, f.executable);
        }
        std::fs::write(dir.join("multiarch.toml"), c.toml()).unwrap();
        // The secret files a project keeps beside its config: the Makefile's build targets stop without them.
        for file in c.build.secrets.iter().filter_map(|s| s.file.as_deref()).filter(|f| !f.starts_with('/')) {
            write(&dir.join(file), "-----BEGIN CERTIFICATE-----\n", false);
        }
        if !dir.join(".dockerignore").exists() {
            // `output.dockerignore = false`: the user keeps their own, which the checker wants beside Dockerfiles.
            std::fs::write(dir.join(".dockerignore"), "target/\n").unwrap();
        }
        configs.push(c);
        dirs.push(dir);
    }
    let script = crate::util::root().join("scripts/check-generated.sh");
    let out = Command::new("bash").arg(&script).args(&dirs).env("MKMULTI_CHECKERS", checkers()).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let failed: Vec<&str> = stdout.lines().filter(|l| l.starts_with("FAIL")).collect();
    if !out.status.success() || !failed.is_empty() {
        let mut report = String::new();
        for (i, c) in configs.iter().enumerate() {
            let name = format!("config-{i}/");
            if stdout.lines().any(|l| l.starts_with("FAIL") && l.contains(&name)) {
                report.push_str(&format!("--- {name}multiarch.toml\n{}\n", c.toml()));
            }
        }
        panic!(
            "checkers failed on {} of {} files:\n{stdout}\n{}\n{report}",
            failed.len(),
            stdout.lines().count(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert!(stdout.lines().filter(|l| l.starts_with("PASS")).count() > cases * 10, "{stdout}");
}

fn write(path: &Path, contents: &str, executable: bool) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, contents).unwrap();
    #[cfg(unix)]
    if executable {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}
