//! `mkmulti doctor`, the real binary against a stub `docker` first on PATH: report lines, fix commands, exit
//! codes, and that it only ever asks (never creates or registers anything).

#![cfg(unix)]

use std::fs;
use std::io::Write as _;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};

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
    if [ -e "$here/info" ]; then cat "$here/info"; else cat "$here/info-default"; fi ;;
  "context inspect --format "*)
    echo "unix:///var/run/docker.sock" ;;
  *)
    echo "docker stub: unexpected call: $*" >&2
    exit 99 ;;
esac
"#;

const BINFMT: &str = mkmulti::actions::BINFMT_IMAGE;

/// `docker info` as doctor asks for it (`OperatingSystem`, `SecurityOptions`, `Driver`, `DriverStatus` as JSON):
/// a rootful dockerd on Ubuntu with the containerd image store, the stub's answer unless an `info` file says else.
const INFO_CONTAINERD: &str = r#"{"os":"Ubuntu 24.04.1 LTS","security":["name=apparmor","name=seccomp,profile=builtin","name=cgroupns"],"driver":"overlayfs","driver_status":[["driver-type","io.containerd.snapshotter.v1"]]}"#;

/// The same engine on the classic store.
const INFO_CLASSIC: &str = r#"{"os":"Ubuntu 24.04.1 LTS","security":["name=apparmor","name=seccomp,profile=builtin","name=cgroupns"],"driver":"overlay2","driver_status":[["Backing Filesystem","extfs"],["Supports d_type","true"]]}"#;

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
        fs::write(dir.path().join("info-default"), INFO_CONTAINERD).unwrap();
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
        doctor_with_path(&self.path(), config, args)
    }

    /// PATH with the stub first.
    fn path(&self) -> String {
        format!("{}:{}", self.dir.path().display(), std::env::var("PATH").unwrap_or_default())
    }

    /// `mkmulti doctor ARGS` in `dir` (no `--config` added), with `env` set over a clean docker environment.
    fn doctor_in(&self, dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut cmd = Command::cargo_bin("mkmulti").unwrap();
        cmd.arg("doctor").args(args).current_dir(dir).env("PATH", self.path());
        cmd.env_remove("BUILDER_NAME").env_remove("DOCKER_HOST").env_remove("XDG_RUNTIME_DIR");
        for (key, value) in env {
            cmd.env(key, value);
        }
        cmd.output().unwrap()
    }

    fn calls(&self) -> String {
        fs::read_to_string(self.dir.path().join("calls.log")).unwrap_or_default()
    }
}

fn doctor_with_path(path: &str, config: &Path, args: &[&str]) -> Output {
    let mut cmd = Command::cargo_bin("mkmulti").unwrap();
    cmd.arg("doctor").arg("--config").arg(config).args(args);
    cmd.env("PATH", path).env_remove("BUILDER_NAME").env_remove("DOCKER_HOST").env_remove("XDG_RUNTIME_DIR");
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
    assert_eq!(
        lines[0],
        "checking linux/amd64, linux/arm64, linux/arm/v7: the platforms of examples/go-hello/multiarch.toml"
    );
    assert_eq!(lines[1], "ok    docker: client 28.2.2, engine 26.1.5");
    assert_eq!(
        lines[2],
        "ok    image store: containerd; `docker buildx build --load` and compose keep every platform of an image"
    );
    assert_eq!(lines[3], "ok    buildx: v0.13.1");
    assert_eq!(lines[4], "ok    builder go-hello-builder: driver docker-container, builds several platforms at once");
    // Which platform is native depends on the machine running the test; each is ok either way.
    for (line, platform) in lines[5..8].iter().zip(["linux/amd64", "linux/arm64", "linux/arm/v7"]) {
        assert!(line.starts_with(&format!("ok    {platform}: ")), "{text}");
    }
    assert_eq!(lines[8], "mkmulti: ready to build linux/amd64, linux/arm64, linux/arm/v7");
    assert!(!text.contains("fix:"), "{text}");
    let calls = stub.calls();
    let commands: Vec<&str> = calls.lines().map(|l| l.split(" --format").next().unwrap_or(l)).collect();
    assert_eq!(
        commands,
        ["version", "info", "buildx version", "buildx inspect --bootstrap go-hello-builder"],
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
checking linux/amd64, linux/arm64, linux/arm/v7: the platforms of examples/go-hello/multiarch.toml
ok    docker: client 28.2.2, engine 26.1.5
ok    image store: containerd; `docker buildx build --load` and compose keep every platform of an image
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
    let stub =
        Stub::new().builder("default", &inspect("default", "docker", "default", all, false)).file("info", INFO_CLASSIC);
    let out = stub.doctor(&go_hello(), &["--builder", "default"]);
    assert_eq!(out.status.code(), Some(4), "{}", stdout(&out));
    let text = stdout(&out);
    assert!(
        text.contains(
            "warn  image store: classic (overlay2); `docker buildx build --load` of several platforms fails, and \
             compose and `--load` keep one platform per image (pushing keeps them all)\n      fix: add \"features\": \
             {\"containerd-snapshotter\": true} to /etc/docker/daemon.json, then sudo systemctl restart docker\n"
        ),
        "{text}"
    );
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
checking linux/amd64, linux/arm64, linux/s390x: the platforms of multiarch.toml
ok    docker: client 28.2.2, engine 26.1.5
ok    image store: containerd; `docker buildx build --load` and compose keep every platform of an image
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
            "checking linux/amd64, linux/arm64, linux/arm/v7: the platforms of examples/go-hello/multiarch.toml\n\
             FAIL  docker: client 28.2.2, engine unreachable: Cannot connect to the Docker daemon at \
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
        "checking linux/amd64, linux/arm64, linux/arm/v7: the platforms of examples/go-hello/multiarch.toml\n\
         FAIL  docker: not found on PATH\n      fix: install Docker Engine (https://docs.docker.com/engine/install/) or \
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

/// Runs `mkmulti doctor` in `dir` with the stub first on PATH and standard output closed before it starts.
fn doctor_with_closed_stdout(stub: &Stub, dir: &Path, args: &[&str]) -> Output {
    let mut child = std::process::Command::new("sh")
        .args(["-c", r#"read -r _; exec "$0" doctor "$@""#, env!("CARGO_BIN_EXE_mkmulti")])
        .args(args)
        .current_dir(dir)
        .env("PATH", stub.path())
        .env_remove("BUILDER_NAME")
        .env_remove("DOCKER_HOST")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    child.stdin.take().unwrap().write_all(b"go\n").unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn without_a_config_the_common_two_are_checked_on_the_default_builder() {
    let empty = tempfile::tempdir().unwrap();
    let stub =
        Stub::new().builder("default", &inspect("default", "docker", "default", "linux/amd64, linux/arm64", true));
    let out = stub.doctor_in(empty.path(), &[], &[]);
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), stderr(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with(
            "checking linux/amd64, linux/arm64: no multiarch.toml here, so the two most images need (--platforms \
             LIST checks others)\nok    docker: "
        ),
        "{text}"
    );
    assert!(text.contains("\nok    builder default: driver docker on the containerd image store"), "{text}");
    assert!(text.ends_with("mkmulti: ready to build linux/amd64, linux/arm64\n"), "{text}");

    // $BUILDER_NAME still names the builder.
    let out = stub.doctor_in(empty.path(), &[], &[("BUILDER_NAME", "ci")]);
    assert_eq!(out.status.code(), Some(4));
    assert!(stdout(&out).contains("FAIL  builder ci: does not exist"), "{}", stdout(&out));

    // Only the default path may be missing: a named config that is not there is an I/O error, docker unasked.
    let calls = stub.calls();
    let out = stub.doctor_in(empty.path(), &["--config", "deploy/multiarch.toml"], &[]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("deploy/multiarch.toml"), "{}", stderr(&out));
    assert_eq!(stub.calls(), calls);

    // A multiarch.toml here is read as before.
    let (dir, _) = config("\"linux/amd64\", \"linux/s390x\"", false);
    let out = stub.doctor_in(dir.path(), &["--builder", "default"], &[]);
    assert!(
        stdout(&out).starts_with("checking linux/amd64, linux/s390x: the platforms of multiarch.toml\n"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn platforms_from_the_flag_replace_the_configs() {
    let listed = "linux/amd64, linux/arm64, linux/s390x";
    let stub = Stub::new()
        .builder("demo-builder", &inspect("demo-builder", "remote", "tcp://10.0.0.5:1234", listed, true))
        .builder("default", &inspect("default", "remote", "tcp://10.0.0.5:1234", listed, true));
    let (_dir, cfg) = config("\"linux/amd64\", \"linux/arm64\", \"linux/arm/v7\"", false);
    let out = stub.doctor(&cfg, &["--platforms", "linux/s390x,arm64"]);
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with("checking linux/s390x, linux/arm64: from --platforms\n"), "{text}");
    assert!(!text.contains("linux/arm/v7"), "{text}");
    assert!(text.ends_with("mkmulti: ready to build linux/s390x, linux/arm64\n"), "{text}");

    let empty = tempfile::tempdir().unwrap();
    let out = stub.doctor_in(empty.path(), &["--platforms", "linux/s390x"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).starts_with("checking linux/s390x: from --platforms\n"), "{}", stdout(&out));
    assert!(stdout(&out).contains("ok    linux/s390x: builder default runs it\n"), "{}", stdout(&out));

    let calls = stub.calls();
    let out = stub.doctor_in(empty.path(), &["--platforms", "linux/amd64,linux/amd46"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).starts_with("mkmulti: --platforms: `linux/amd46`: unknown architecture"), "{}", stderr(&out));
    assert_eq!(stub.calls(), calls, "docker is not asked");
}

#[test]
fn docker_host_names_the_engine_and_where_qemu_is_registered() {
    let empty = tempfile::tempdir().unwrap();
    let stub = Stub::new().builder("default", &inspect("default", "docker", "remote-arm", "linux/arm64", true));
    let out = stub.doctor_in(empty.path(), &[], &[("DOCKER_HOST", "ssh://ci@build-arm")]);
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains(
            "ok    docker: client 28.2.2, engine 26.1.5 (remote, at DOCKER_HOST=ssh://ci@build-arm: builds and QEMU \
             run on that host)\n"
        ),
        "{text}"
    );
    // This machine's architecture does not matter: the engine's host runs linux/arm64 and not linux/amd64.
    assert!(text.contains("ok    linux/arm64: builder default runs it\n"), "{text}");
    assert!(
        text.contains(&format!(
            "warn  linux/amd64: no emulation in builder default; a Dockerfile that RUNs a step on it needs it \
             (mkmulti's generated ones cross-compile), and so does running the image\n      fix: docker run \
             --privileged --rm {BINFMT} --install amd64   (registers QEMU on the kernel of the engine at \
             DOCKER_HOST=ssh://ci@build-arm, not on this machine)\n"
        )),
        "{text}"
    );
}

#[test]
fn docker_desktop_gets_its_settings_instead_of_binfmt() {
    let empty = tempfile::tempdir().unwrap();
    // Docker Desktop on the classic store, with a docker-container builder on its engine.
    let desktop = INFO_CLASSIC.replace("Ubuntu 24.04.1 LTS", "Docker Desktop");
    let stub = Stub::new()
        .builder("desk", &inspect("desk", "docker-container", "desktop-linux", "linux/amd64, linux/arm64", true))
        .file("info", &desktop);
    let args = ["--builder", "desk", "--platforms", "linux/amd64,linux/arm64,linux/ppc64le"];
    let out = stub.doctor_in(empty.path(), &args, &[]);
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("ok    docker: client 28.2.2, engine 26.1.5 (Docker Desktop)\n"), "{text}");
    assert!(
        text.contains(
            "      fix: Docker Desktop brings QEMU itself, so no binfmt command applies: turn on Settings > General > \
             Use containerd for pulling and storing images"
        ),
        "{text}"
    );
    assert!(!text.contains(BINFMT), "{text}");
    assert!(
        text.contains(
            "      fix: Docker Desktop: Settings > General > Use containerd for pulling and storing images, then \
             Apply & restart\n"
        ),
        "the image store line: {text}"
    );
}

#[test]
fn rootless_docker_registers_qemu_with_root_on_the_host() {
    let empty = tempfile::tempdir().unwrap();
    let rootless = INFO_CLASSIC.replace("\"name=apparmor\"", "\"name=rootless\"");
    let stub = Stub::new()
        .builder("default", &inspect("default", "docker-container", "unix:///run/user/1000/docker.sock", "", true))
        .file("info", &rootless);
    let out = stub.doctor_in(empty.path(), &["--platforms", "linux/s390x"], &[]);
    let text = stdout(&out);
    assert!(text.contains("ok    docker: client 28.2.2, engine 26.1.5 (rootless)\n"), "{text}");
    assert!(
        text.contains(
            "fix: add \"features\": {\"containerd-snapshotter\": true} to ~/.config/docker/daemon.json, then \
             systemctl --user restart docker\n"
        ),
        "{text}"
    );
    // A rootless engine shares this machine's kernel, so this machine's own QEMU handler decides.
    let handler = fs::read_to_string("/proc/sys/fs/binfmt_misc/qemu-s390x").unwrap_or_default();
    let registered =
        handler.starts_with("enabled") && handler.lines().any(|l| l.starts_with("flags:") && l.contains('F'));
    if registered {
        assert!(text.contains("ok    linux/s390x: QEMU handler qemu-s390x is registered on this machine"), "{text}");
    } else {
        assert!(
            text.contains(&format!(
                "      fix: sudo docker --host unix:///var/run/docker.sock run --privileged --rm {BINFMT} --install \
                 s390x   (rootless Docker cannot register QEMU: binfmt_misc needs root on the host; this uses the \
                 rootful engine)\n      fix: or register QEMU on the host: sudo apt-get install qemu-user-static \
                 binfmt-support\n"
            )),
            "{text}"
        );
    }
}

#[test]
fn a_closed_pipe_ends_quietly_with_doctors_status() {
    let empty = tempfile::tempdir().unwrap();
    let ready =
        Stub::new().builder("default", &inspect("default", "docker", "default", "linux/amd64, linux/arm64", true));
    let out = doctor_with_closed_stdout(&ready, empty.path(), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "");

    let not_ready = Stub::new();
    let out = doctor_with_closed_stdout(&not_ready, empty.path(), &[]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(stderr(&out).starts_with("mkmulti: not ready to build: 1 check failed"), "{}", stderr(&out));
    assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
}
