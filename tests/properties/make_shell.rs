//! Make and shell: the Makefile's rules as written and as GNU make itself reads them, the rules a config must
//! give, `bash -n` over the scripts, and the words `validate-multiarch.sh` and `make docker-test-multi-<app>`
//! pass on, as bash and make parse them.

use std::collections::BTreeSet;
use std::io::Write as _;
use std::process::{Command, Stdio};

use mkmulti::render::GeneratedFile;

use super::model::{App, Config};
use super::rendered::file;

/// Rule names as written: `name:` at column 0, not a `name := value` assignment, not a special target.
pub(super) fn make_rules(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| {
            let (head, tail) = l.split_once(':')?;
            let is_name = !head.is_empty() && head.chars().all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c));
            (is_name && !head.starts_with('.') && !tail.starts_with('=') && !tail.starts_with(':'))
                .then(|| head.to_string())
        })
        .collect()
}

/// The targets GNU make itself reads from a Makefile (`make -pq`), with its errors and warnings.
pub(super) fn make_database(makefile: &str, help: &str) -> BTreeSet<String> {
    let out = piped(
        Command::new("make")
            .args(["-f", "-", "-p", "-q", "--no-builtin-rules", "--warn-undefined-variables", help])
            .args(["VERSION=v1.2.3", "SHORT_SHA=abc1234", "COMMIT=c", "BUILD_DATE=d"])
            .env_remove("MAKEFLAGS")
            .env_remove("TAG"),
        makefile,
    );
    assert_ne!(out.status.code(), Some(2), "make failed: {}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stderr.is_empty(), "make: {}", String::from_utf8_lossy(&out.stderr));
    let db = String::from_utf8(out.stdout).expect("UTF-8");
    let files = db.split_once("\n# Files\n").expect("a # Files section").1;
    let mut targets = BTreeSet::new();
    let mut not_a_target = false;
    for line in files.lines() {
        if line == "# Not a target:" {
            not_a_target = true;
            continue;
        }
        if !not_a_target {
            targets.extend(make_rules(line));
        }
        not_a_target = false;
    }
    targets
}

pub(super) fn expected_make_rules(c: &Config) -> BTreeSet<String> {
    let mut rules: BTreeSet<String> = [
        "buildx-builder",
        "buildx-setup",
        "docker-build-local",
        "docker-build-multi",
        "docker-push-multi",
        "docker-deploy-multi",
        "docker-inspect",
    ]
    .map(String::from)
    .into();
    rules.extend(["help", "tags", "clean"].map(|t| c.target(t)));
    // The smoke tests are the validate script's: without the scripts there is nothing to run them.
    if c.scripts {
        rules.insert(c.target("validate"));
        rules.insert("docker-test-multi".into());
    }
    if c.host == "docker.io" && c.namespace.is_none() {
        rules.insert("registry-check".into());
    }
    for p in c.platforms() {
        rules.insert(format!("docker-build-{}", App::slug(p)));
    }
    for app in &c.apps {
        for what in ["build-local", "build-multi", "push-multi", "test-multi", "inspect"] {
            if what != "test-multi" || c.scripts {
                rules.insert(format!("docker-{what}-{}", app.name));
            }
        }
        for p in &app.platforms {
            rules.insert(format!("docker-build-{}-{}", App::slug(p), app.name));
        }
    }
    rules
}

fn piped(cmd: &mut Command, stdin: &str) -> std::process::Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    let mut input = child.stdin.take().expect("piped stdin");
    // A write error means the program stopped reading early; its exit status tells why.
    let _ = input.write_all(stdin.as_bytes());
    drop(input);
    child.wait_with_output().expect("the program ends")
}

fn bash_n(path: &str, script: &str) {
    let out = piped(Command::new("bash").arg("-n"), script);
    assert!(out.status.success(), "{path}: bash -n: {}", String::from_utf8_lossy(&out.stderr));
}

/// The arguments each `check_app` line of `validate-multiarch.sh` passes, as bash parses them.
fn validate_calls(script: &str) -> Vec<Vec<String>> {
    let calls: String =
        script.lines().filter(|l| l.trim_start().starts_with("check_app ")).map(|l| l.to_string() + "\n").collect();
    let program =
        format!("check_app() {{ printf '%s\\n' '@@call' \"$@\"; }}\nimage_ref() {{ printf '%s' \"$1\"; }}\n{calls}");
    let out = piped(Command::new("bash").arg("-s"), &program);
    assert!(out.status.success(), "bash: {}", String::from_utf8_lossy(&out.stderr));
    split_calls(&String::from_utf8(out.stdout).expect("UTF-8"))
}

/// Splits `@@call`-separated output lines (no value holds a newline: every one refuses it).
fn split_calls(out: &str) -> Vec<Vec<String>> {
    let mut calls: Vec<Vec<String>> = Vec::new();
    for line in out.split_terminator('\n') {
        if line == "@@call" {
            calls.push(Vec::new());
        } else if let Some(call) = calls.last_mut() {
            call.push(line.to_string());
        }
    }
    calls
}

pub(super) fn check_scripts(c: &Config, files: &[GeneratedFile]) {
    for f in files.iter().filter(|f| f.path.starts_with("scripts/")) {
        assert!(f.executable, "{} is not executable", f.path);
        assert!(f.contents.starts_with("#!/usr/bin/env bash\n"));
        bash_n(&f.path, &f.contents);
    }
    let calls = validate_calls(file(files, "scripts/validate-multiarch.sh"));
    let expected: Vec<Vec<String>> = c
        .apps
        .iter()
        .map(|a| {
            let (mode, words) = a.smoke();
            let mut call = vec![a.name.clone(), a.image_name().to_string(), a.platforms.join(","), mode.to_string()];
            call.extend(words);
            call
        })
        .collect();
    assert_eq!(calls, expected, "validate-multiarch.sh check_app arguments");
}

/// What `make docker-test-multi-<app>` runs: the validate script for that app (its arguments and the
/// `DOCKER_REGISTRY` and `TAG` it is given), found by running make in a directory whose
/// `scripts/validate-multiarch.sh` prints them, one per line.
pub(super) fn make_test_call(makefile: &str, app: &App) -> Vec<String> {
    let dir = tempfile::tempdir().expect("a temporary directory");
    std::fs::create_dir(dir.path().join("scripts")).expect("scripts/");
    let script = dir.path().join("scripts/validate-multiarch.sh");
    std::fs::write(&script, "#!/bin/sh\nprintf '%s\\n' \"$DOCKER_REGISTRY\" \"$TAG\" \"$@\"\n").expect("the stub");
    let mut perms = std::fs::metadata(&script).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
    std::fs::set_permissions(&script, perms).expect("chmod");
    let out = piped(
        Command::new("make")
            .current_dir(dir.path())
            .args(["-f", "-", "-s", "--no-print-directory", &format!("docker-test-multi-{}", app.name)])
            .args(["TAG=t", "VERSION=v1.2.3", "SHORT_SHA=abc1234", "COMMIT=c", "BUILD_DATE=d"])
            .arg("DOCKER_REGISTRY=registry.example.com/test")
            .env_remove("MAKEFLAGS"),
        makefile,
    );
    assert!(out.status.success(), "make: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("UTF-8").lines().map(String::from).collect()
}
