//! The generated shell scripts, run for real with stub `docker` and `uname` commands first on PATH.

#![cfg(unix)]

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::process::{Command, Output};

use crate::util;

const DOCKER_STUB: &str = r#"#!/bin/sh
# Records every call; answers like docker would for the calls the scripts make.
echo "$*" >> "$STUB_LOG"
case "$1 $2" in
  "buildx imagetools") for p in $STUB_PLATFORMS; do echo "  Platform:    $p"; done ;;
  "buildx version") echo "github.com/docker/buildx v0.13.1" ;;
  "version "*) echo "docker:  client 28.2.2, server 26.1.5" ;;
  "run "*) echo "stub run ok" ;;
esac
"#;

const UNAME_STUB: &str = r#"#!/bin/sh
case "$1" in
  -m) echo "$STUB_MACHINE" ;;
  *) echo Linux ;;
esac
"#;

struct Generated {
    dir: tempfile::TempDir,
    stubs: tempfile::TempDir,
}

/// Generates go-hello into a temporary directory and puts the stubs beside it.
fn generate_go_hello() -> Generated {
    let dir = tempfile::tempdir().unwrap();
    let loaded = util::load(&util::root().join("examples/go-hello/multiarch.toml"));
    let files = mkmulti::render::render(&loaded.plan);
    let planned = mkmulti::write::compare(dir.path(), &files).unwrap();
    mkmulti::write::write(&planned, false).unwrap();
    let stubs = tempfile::tempdir().unwrap();
    for (name, body) in [("docker", DOCKER_STUB), ("uname", UNAME_STUB)] {
        let path = stubs.path().join(name);
        fs::write(&path, body).unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).unwrap();
    }
    Generated { dir, stubs }
}

impl Generated {
    fn log(&self) -> std::path::PathBuf {
        self.stubs.path().join("calls.log")
    }

    fn run(&self, script: &str, args: &[&str], env: &[(&str, &str)]) -> Output {
        let path = format!("{}:{}", self.stubs.path().display(), std::env::var("PATH").unwrap_or_default());
        let mut cmd = Command::new("bash");
        cmd.arg(self.dir.path().join("scripts").join(script)).args(args);
        cmd.env("PATH", path).env("STUB_LOG", self.log()).env_remove("DOCKER_REGISTRY").env_remove("TAG");
        cmd.env_remove("IMAGE");
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.output().unwrap()
    }

    fn calls(&self) -> String {
        fs::read_to_string(self.log()).unwrap_or_default()
    }
}

fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

#[test]
fn detect_platform_maps_every_uname_spelling() {
    let g = generate_go_hello();
    for (machine, platform) in [
        ("x86_64", "linux/amd64"),
        ("aarch64", "linux/arm64"),
        ("arm64", "linux/arm64"),
        ("armv7l", "linux/arm/v7"),
        ("armv6l", "linux/arm/v6"),
        ("armv5tel", "linux/arm/v5"),
        ("i686", "linux/386"),
        ("riscv64", "linux/riscv64"),
        ("ppc64le", "linux/ppc64le"),
        ("s390x", "linux/s390x"),
    ] {
        let out = g.run("detect-platform.sh", &[], &[("STUB_MACHINE", machine)]);
        assert_eq!(out.status.code(), Some(0), "{machine}: {}", text(&out));
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), platform, "{machine}");
    }
    let out = g.run("detect-platform.sh", &["--print"], &[("STUB_MACHINE", "sparc64")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("unsupported architecture 'sparc64'"), "{}", text(&out));
}

#[test]
fn detect_platform_runs_the_image_from_the_same_registry_as_the_makefile() {
    let g = generate_go_hello();
    let env = [("STUB_MACHINE", "aarch64"), ("DOCKER_REGISTRY", "127.0.0.1:5000/lab"), ("TAG", "t1")];
    let out = g.run("detect-platform.sh", &["--run", "version"], &env);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(g.calls().trim(), "run --rm --platform linux/arm64 127.0.0.1:5000/lab/go-hello:t1 version");

    // A platform the image is not built for is refused before docker is called.
    let out = g.run("detect-platform.sh", &["--run"], &[("STUB_MACHINE", "s390x")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("is not built for linux/s390x"), "{}", text(&out));
}

#[test]
fn validate_checks_the_manifest_and_runs_every_platform() {
    let g = generate_go_hello();
    let env = [
        ("DOCKER_REGISTRY", "127.0.0.1:5000/lab"),
        ("TAG", "t1"),
        ("STUB_MACHINE", "x86_64"),
        // buildx lists one attestation manifest per platform; they are not platforms.
        ("STUB_PLATFORMS", "linux/amd64 linux/arm64 linux/arm/v7 unknown/unknown unknown/unknown"),
    ];
    let out = g.run("validate-multiarch.sh", &[], &env);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let calls = g.calls();
    assert!(calls.contains("buildx imagetools inspect 127.0.0.1:5000/lab/go-hello:t1"), "{calls}");
    for p in ["linux/amd64", "linux/arm64", "linux/arm/v7"] {
        let run = format!("run --rm --pull always --platform {p} 127.0.0.1:5000/lab/go-hello:t1 version");
        assert!(calls.contains(&run), "no `{run}` in:\n{calls}");
    }
    assert!(text(&out).contains("all checks passed"));
}

#[test]
fn validate_fails_on_a_missing_or_unexpected_platform() {
    let g = generate_go_hello();
    let env = [("STUB_MACHINE", "x86_64"), ("STUB_PLATFORMS", "linux/amd64 linux/arm64 linux/s390x")];
    let out = g.run("validate-multiarch.sh", &["--tag", "v1"], &env);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let t = text(&out);
    assert!(t.contains("FAIL  docker.io/example/go-hello:v1: manifest is missing linux/arm/v7"), "{t}");
    assert!(t.contains("FAIL  docker.io/example/go-hello:v1: manifest has unexpected platform linux/s390x"), "{t}");
}
