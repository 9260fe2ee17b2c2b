//! `mkmulti doctor`, the real binary against a stub `docker` first on PATH: report lines, fix commands, exit
//! codes, and that it only ever asks (never creates or registers anything).

#![cfg(unix)]

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

/// Answers doctor's probes the way docker CLI 28.2.2 and buildx 0.13.1 do, from files in its own directory.
const DOCKER_STUB: &str = r#"#!/bin/sh
here=$(dirname "$0")
echo "$*" >> "$here/calls.log"
case "$*" in
  "version --format "*)
    if [ -e "$here/engine-down" ]; then
      echo "28.2.2 "
      echo "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?" >&2
      exit 1
    fi
    echo "28.2.2 26.1.5" ;;
  "buildx version")
    if [ -e "$here/no-buildx" ]; then
      printf "docker: unknown command: docker buildx\n\nRun 'docker --help' for more information\n" >&2
      exit 1
    fi
    echo "github.com/docker/buildx v0.13.1 788433953af10f2a698f5c07611dcf4fe2978a1b" ;;
  "buildx inspect --bootstrap "*)
    if [ -e "$here/inspect-$4" ]; then cat "$here/inspect-$4"; else echo "ERROR: no builder \"$4\" found" >&2; exit 1; fi ;;
  "info --format "*)
    cat "$here/driver-status" 2>/dev/null || echo '[["Backing Filesystem","extfs"]]' ;;
  *)
    echo "docker stub: unexpected call: $*" >&2
    exit 99 ;;
esac
"#;

const BINFMT: &str = mkmulti::actions::BINFMT_IMAGE;

/// `docker buildx inspect` of a builder, in buildx's layout.
fn inspect(name: &str, driver: &str, endpoint: &str, platforms: &str, snapshotter: bool) -> String {
    let mut s = format!(
        "Name:          {name}\nDriver:        {driver}\nLast Activity: 2026-11-22 02:22:21 +0000 UTC\n\nNodes:\n\
         Name:             {name}0\nEndpoint:         {endpoint}\nStatus:           running\n\
         BuildKit version: v0.13.1\nPlatforms:        {platforms}\nLabels:\n \
         org.mobyproject.buildkit.worker.executor:    oci\n"
    );
    if snapshotter {
        s.push_str(" org.mobyproject.buildkit.worker.snapshotter: overlayfs\n");
    }
    s
}

struct Stub {
    dir: tempfile::TempDir,
}

impl Stub {
    fn new() -> Stub {
        let dir = tempfile::tempdir().unwrap();
        let docker = dir.path().join("docker");
        fs::write(&docker, DOCKER_STUB).unwrap();
        fs::set_permissions(&docker, fs::Permissions::from_mode(0o755)).unwrap();
        Stub { dir }
    }

    fn file(self, name: &str, contents: &str) -> Stub {
        fs::write(self.dir.path().join(name), contents).unwrap();
        self
    }

    fn builder(self, name: &str, inspect: &str) -> Stub {
        self.file(&format!("inspect-{name}"), inspect)
    }

    fn doctor(&self, config: &Path, args: &[&str]) -> Output {
        let path = format!("{}:{}", self.dir.path().display(), std::env::var("PATH").unwrap_or_default());
        doctor_with_path(&path, config, args)
    }

    fn calls(&self) -> String {
        fs::read_to_string(self.dir.path().join("calls.log")).unwrap_or_default()
    }
}

fn doctor_with_path(path: &str, config: &Path, args: &[&str]) -> Output {
    let mut cmd = Command::cargo_bin("mkmulti").unwrap();
    cmd.arg("doctor").arg("--config").arg(config).args(args);
    cmd.env("PATH", path).env_remove("BUILDER_NAME").env_remove("DOCKER_HOST");
    cmd.output().unwrap()
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// go-hello: linux/amd64, linux/arm64, linux/arm/v7, every step cross-compiled.
fn go_hello() -> PathBuf {
    root().join("examples/go-hello/multiarch.toml")
}

/// A config in a temporary directory; `packages` makes its app install runtime packages (an emulated step).
fn config(platforms: &str, packages: bool) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let runtime = if packages { "runtime = \"debian-slim\"\npackages = [\"curl\"]\n" } else { "" };
    let text = format!(
        "mkmulti-version = \"0.1\"\n\n[project]\nname = \"demo\"\nplatforms = [{platforms}]\n\n[registry]\n\
         host = \"docker.io\"\nnamespace = \"example\"\n\n[[app]]\nname = \"api\"\nlanguage = \"go\"\n\
         go.version = \"1.22\"\n{runtime}"
    );
    let path = dir.path().join("multiarch.toml");
    fs::write(&path, text).unwrap();
    (dir, path)
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_ready_machine_gets_ok_lines_and_exit_0() {
    let all = "linux/amd64*, linux/amd64/v2, linux/arm64, linux/arm/v7, linux/arm/v6, linux/386";
    let stub = Stub::new().builder(
        "go-hello-builder",
        &inspect("go-hello-builder", "docker-container", "unix:///var/run/docker.sock", all, true),
    );
    let out = stub.doctor(&go_hello(), &[]);
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), stderr(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "ok    docker: client 28.2.2, engine 26.1.5");
    assert_eq!(lines[1], "ok    buildx: v0.13.1");
    assert_eq!(lines[2], "ok    builder go-hello-builder: driver docker-container, builds several platforms at once");
    // Which platform is native depends on the machine running the test; each is ok either way.
    for (line, platform) in lines[3..6].iter().zip(["linux/amd64", "linux/arm64", "linux/arm/v7"]) {
        assert!(line.starts_with(&format!("ok    {platform}: ")), "{text}");
    }
    assert_eq!(lines[6], "mkmulti: ready to build linux/amd64, linux/arm64, linux/arm/v7");
    assert!(!text.contains("fix:"), "{text}");
    assert_eq!(
        stub.calls(),
        "version --format {{.Client.Version}} {{.Server.Version}}\nbuildx version\nbuildx inspect --bootstrap go-hello-builder\n",
        "doctor only asks"
    );
}

#[test]
fn a_missing_builder_fails_with_the_create_command_and_exit_4() {
    let stub = Stub::new();
    let out = stub.doctor(&go_hello(), &[]);
    assert_eq!(out.status.code(), Some(4), "{}{}", stdout(&out), stderr(&out));
    assert_eq!(
        stdout(&out),
        "\
ok    docker: client 28.2.2, engine 26.1.5
ok    buildx: v0.13.1
FAIL  builder go-hello-builder: does not exist
      fix: docker buildx create --name go-hello-builder --driver docker-container --bootstrap
      fix: or use the engine's own builder (needs the containerd image store): export BUILDER_NAME=default
skipped: the platform checks need the builder go-hello-builder
"
    );
    assert!(stderr(&out).contains("not ready to build: 1 check failed"), "{}", stderr(&out));
}

#[test]
fn builder_name_comes_from_the_flag_then_the_environment() {
    let all = "linux/amd64, linux/arm64, linux/arm/v7";
    let stub = Stub::new()
        .builder("default", &inspect("default", "docker", "default", all, true))
        .builder("ci", &inspect("ci", "kubernetes", "kubernetes:///ci", all, false));
    let out = stub.doctor(&go_hello(), &["--builder", "ci"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("ok    builder ci: driver kubernetes, builds several platforms at once"));

    let path = format!("{}:{}", stub.dir.path().display(), std::env::var("PATH").unwrap_or_default());
    let mut cmd = Command::cargo_bin("mkmulti").unwrap();
    cmd.args(["doctor", "--config"]).arg(go_hello()).env("PATH", path).env("BUILDER_NAME", "default");
    let out = cmd.env_remove("DOCKER_HOST").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains(
        "ok    builder default: driver docker on the containerd image store, builds several platforms at once"
    ));
}

#[test]
fn the_docker_driver_on_the_classic_store_fails_with_both_fixes() {
    let all = "linux/amd64, linux/arm64, linux/arm/v7";
    let stub = Stub::new().builder("default", &inspect("default", "docker", "default", all, false));
    let out = stub.doctor(&go_hello(), &["--builder", "default"]);
    assert_eq!(out.status.code(), Some(4), "{}", stdout(&out));
    let text = stdout(&out);
    assert!(
        text.contains(
            "FAIL  builder default: driver docker on the classic image store builds one platform at a time\n      \
             fix: docker buildx create --name go-hello-builder --driver docker-container --bootstrap   \
             (then export BUILDER_NAME=go-hello-builder)\n      fix: or turn on the containerd image store: add \
             \"features\": {\"containerd-snapshotter\": true} to /etc/docker/daemon.json"
        ),
        "{text}"
    );
}

#[test]
fn missing_emulation_warns_when_builds_cross_compile_and_fails_when_a_step_runs_on_the_target() {
    // A remote builder: this machine's QEMU registrations do not count, so the result is the same everywhere.
    let listed = "linux/amd64, linux/arm64";
    let stub =
        Stub::new().builder("demo-builder", &inspect("demo-builder", "remote", "tcp://10.0.0.5:1234", listed, true));
    let fix = format!("on the machine that runs BuildKit: docker run --privileged --rm {BINFMT} --install s390x");

    let (_dir, cross) = config("\"linux/amd64\", \"linux/arm64\", \"linux/s390x\"", false);
    let out = stub.doctor(&cross, &[]);
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), stderr(&out));
    assert_eq!(
        stdout(&out),
        format!(
            "\
ok    docker: client 28.2.2, engine 26.1.5
ok    buildx: v0.13.1
ok    builder demo-builder: driver remote, builds several platforms at once
ok    linux/amd64: builder demo-builder runs it
ok    linux/arm64: builder demo-builder runs it
warn  linux/s390x: no emulation in builder demo-builder; builds cross-compile without it, but `make docker-test-multi` and the validate script run the image
      fix: {fix}
mkmulti: ready to build linux/amd64, linux/arm64, linux/s390x (1 warning)
"
        )
    );

    let (_dir, emulated) = config("\"linux/amd64\", \"linux/arm64\", \"linux/s390x\"", true);
    let out = stub.doctor(&emulated, &[]);
    assert_eq!(out.status.code(), Some(4), "{}{}", stdout(&out), stderr(&out));
    assert!(
        stdout(&out).contains(&format!(
            "FAIL  linux/s390x: no emulation in builder demo-builder; api installs runtime packages, a step that runs \
             on linux/s390x\n      fix: {fix}\n"
        )),
        "{}",
        stdout(&out)
    );
}

#[test]
fn an_unreachable_engine_and_no_buildx_each_get_a_fix() {
    let stub = Stub::new().file("engine-down", "").file("no-buildx", "");
    let out = stub.doctor(&go_hello(), &[]);
    assert_eq!(out.status.code(), Some(4));
    let text = stdout(&out);
    assert!(
        text.starts_with(
            "FAIL  docker: client 28.2.2, engine unreachable: Cannot connect to the Docker daemon at \
         unix:///var/run/docker.sock. Is the docker daemon running?\n      fix: "
        ),
        "{text}"
    );
    assert!(text.contains("FAIL  buildx: not installed\n      fix: install the buildx plugin"), "{text}");
    assert!(text.ends_with("skipped: the builder and platform checks need a reachable Docker engine\n"), "{text}");
    assert!(stderr(&out).contains("2 checks failed"), "{}", stderr(&out));
}

#[test]
fn no_docker_on_path_stops_at_the_first_check() {
    let empty = tempfile::tempdir().unwrap();
    let out = doctor_with_path(&empty.path().display().to_string(), &go_hello(), &[]);
    assert_eq!(out.status.code(), Some(4));
    assert_eq!(
        stdout(&out),
        "FAIL  docker: not found on PATH\n      fix: install Docker Engine (https://docs.docker.com/engine/install/) or \
         Docker Desktop\nskipped: every other check needs the docker CLI\n"
    );
}

#[test]
fn an_invalid_config_or_builder_name_exits_2_before_docker_is_asked() {
    let stub = Stub::new();
    let (_dir, bad) = config("\"linux/amd46\"", false);
    let out = stub.doctor(&bad, &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("amd46"), "{}", stderr(&out));

    let out = stub.doctor(&go_hello(), &["--builder", "x; rm -rf /"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("is not a buildx builder name"), "{}", stderr(&out));
    assert_eq!(stub.calls(), "");
}
