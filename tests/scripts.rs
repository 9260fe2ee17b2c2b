//! The generated shell scripts, run for real with stub `docker`, `uname` and `sysctl` commands first on PATH.

#![cfg(unix)]

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::util;

/// Records every call (`$*` in `calls.log`, each argument in `<>` in `argv.log`) and answers like docker
/// would for the calls the scripts make. `STUB_*` variables steer the answers.
const DOCKER_STUB: &str = r#"#!/bin/sh
echo "$*" >> "$STUB_LOG"
for a in "$@"; do printf '<%s>' "$a"; done >> "$STUB_LOG.argv"
echo >> "$STUB_LOG.argv"
case "$1 $2" in
  "buildx imagetools")
    if [ -n "$STUB_INSPECT_FAIL" ]; then echo "ERROR: $4: not found" >&2; exit 1; fi
    echo "Name:      $4"
    echo "MediaType: application/vnd.oci.image.index.v1+json"
    echo "Digest:    sha256:4bcff63911fcb4448bd4fdacec207030997caf25e9bea4045fa6c8c44de311d1"
    echo
    echo "Manifests:"
    for p in $STUB_PLATFORMS; do
      echo "  Name:        $4@sha256:6457d53fb065d6f250e1504b9bc42d5b6c65941d57532c072d929dd0628977d0"
      echo "  MediaType:   application/vnd.oci.image.manifest.v1+json"
      echo "  Platform:    $p"
      if [ "$p" = unknown/unknown ]; then
        echo "  Annotations:"
        echo "    vnd.docker.reference.type:   attestation-manifest"
      fi
      echo
    done
    ;;
  "buildx version")
    if [ -n "$STUB_NO_BUILDX" ]; then echo "docker: 'buildx' is not a docker command." >&2; exit 1; fi
    echo "github.com/docker/buildx v0.13.1 788433953af10f2a698f5c07611dddce2af08ce0"
    ;;
  "buildx inspect")
    echo "Name:          multi"
    echo "Driver:        docker-container"
    echo
    echo "Nodes:"
    echo "Name:      multi0"
    if [ -n "$STUB_BUILDER_PLATFORMS" ]; then echo "Platforms: $STUB_BUILDER_PLATFORMS"; fi
    ;;
  "version --format")
    case "$3" in
      *Client*) echo "28.2.2" ;;
      *Server*)
        if [ -n "$STUB_NO_SERVER" ]; then echo "Cannot connect to the Docker daemon" >&2; exit 1; fi
        echo "26.1.5"
        ;;
    esac
    ;;
  "run "*)
    case "$* " in
      *"--platform $STUB_RUN_FAIL "*) echo "exec /usr/local/bin/app: exec format error" >&2; exit 1 ;;
    esac
    echo "stub run ok"
    exit "${STUB_RUN_EXIT:-0}"
    ;;
esac
"#;

const UNAME_STUB: &str = r#"#!/bin/sh
case "$1" in
  -m) echo "$STUB_MACHINE" ;;
  -r) echo "6.1.0-stub" ;;
  *) echo "${STUB_OS:-Linux}" ;;
esac
"#;

/// macOS's `sysctl -in sysctl.proc_translated`: 1 in a process Rosetta 2 translates.
const SYSCTL_STUB: &str = r#"#!/bin/sh
echo "sysctl $*" >> "$STUB_LOG"
echo "${STUB_TRANSLATED:-0}"
"#;

struct Generated {
    dir: tempfile::TempDir,
    stubs: tempfile::TempDir,
}

/// Generates an example into a temporary directory and puts the stubs beside it.
fn example(name: &str) -> Generated {
    let loaded = util::load(&util::root().join("examples").join(name).join("multiarch.toml"));
    generate(&loaded.plan)
}

/// Generates a config held in memory.
fn config(text: &str) -> Generated {
    match mkmulti::load_str(text, "test.toml", "multiarch.toml") {
        Ok(loaded) => generate(&loaded.plan),
        Err(e) => panic!("the test config is invalid: {e:?}"),
    }
}

fn generate(plan: &mkmulti::plan::Plan) -> Generated {
    let dir = tempfile::tempdir().unwrap();
    let files = mkmulti::render::render(plan);
    let planned = mkmulti::write::compare(dir.path(), &files).unwrap();
    mkmulti::write::write(&planned, false).unwrap();
    let stubs = tempfile::tempdir().unwrap();
    for (name, body) in [("docker", DOCKER_STUB), ("uname", UNAME_STUB), ("sysctl", SYSCTL_STUB)] {
        let path = stubs.path().join(name);
        fs::write(&path, body).unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).unwrap();
    }
    Generated { dir, stubs }
}

/// realtime-svg with apps that differ: the frontend is built for two platforms only and has its own smoke test.
fn two_different_apps() -> String {
    let text = fs::read_to_string(util::root().join("examples/realtime-svg/multiarch.toml")).unwrap();
    let (backend, frontend) = text.split_once("name = \"frontend\"").unwrap();
    let frontend = frontend.replacen(
        "smoke-test = [\"--version\"]",
        "smoke-test = [\"check\", \"it's ok\"]\nplatforms = [\"linux/amd64\", \"linux/arm64\"]",
        1,
    );
    format!("{backend}name = \"frontend\"{frontend}")
}

impl Generated {
    fn log(&self) -> PathBuf {
        self.stubs.path().join("calls.log")
    }

    fn script(&self, name: &str) -> PathBuf {
        self.dir.path().join("scripts").join(name)
    }

    /// Runs a script with the stubs first on PATH, no registry or tag from the caller's environment, and no
    /// binfmt_misc unless a test gives one.
    fn run(&self, script: &str, args: &[&str], env: &[(&str, &str)]) -> Output {
        let _ = fs::remove_file(self.log());
        let _ = fs::remove_file(self.argv_log());
        let path = format!("{}:{}", self.stubs.path().display(), std::env::var("PATH").unwrap_or_default());
        let mut cmd = Command::new("bash");
        cmd.arg(self.script(script)).args(args).current_dir(self.dir.path());
        cmd.env("PATH", path).env("STUB_LOG", self.log());
        for var in ["DOCKER_REGISTRY", "TAG", "IMAGE", "STUB_OS", "STUB_TRANSLATED", "STUB_PLATFORMS"] {
            cmd.env_remove(var);
        }
        cmd.env("BINFMT_MISC_DIR", self.stubs.path().join("no-binfmt-here"));
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.output().unwrap()
    }

    fn calls(&self) -> String {
        fs::read_to_string(self.log()).unwrap_or_default()
    }

    fn argv_log(&self) -> PathBuf {
        self.stubs.path().join("calls.log.argv")
    }

    /// Every docker call with its arguments one by one: `<run><--rm>...`.
    fn argv(&self) -> String {
        fs::read_to_string(self.argv_log()).unwrap_or_default()
    }
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn text(out: &Output) -> String {
    format!("{}{}", stdout(out), stderr(out))
}

/// The rows of the summary table, header first, each split into its cells.
fn summary(out: &Output) -> Vec<String> {
    let s = stdout(out);
    let (_, table) = s.split_once("== Summary\n").unwrap_or_else(|| panic!("no summary in:\n{s}"));
    table.lines().take_while(|l| !l.is_empty() && *l != "all checks passed").map(str::to_string).collect()
}

fn cells(row: &str) -> Vec<&str> {
    row.split("  ").map(str::trim).filter(|c| !c.is_empty()).collect()
}

fn row<'a>(rows: &'a [String], app: &str, platform: &str) -> Vec<&'a str> {
    rows.iter()
        .map(|r| cells(r))
        .find(|c| c.len() >= 2 && c[0] == app && c[1] == platform)
        .unwrap_or_else(|| panic!("no row for {app} {platform} in:\n{}", rows.join("\n")))
}

// detect-platform.sh

#[test]
fn detect_platform_maps_every_uname_spelling_of_the_table() {
    let g = example("go-hello");
    let mut seen = Vec::new();
    for p in mkmulti::platform::PLATFORMS {
        for machine in p.uname {
            let out = g.run("detect-platform.sh", &[], &[("STUB_MACHINE", machine)]);
            assert_eq!(out.status.code(), Some(0), "{machine}: {}", text(&out));
            assert_eq!(stdout(&out), format!("{}\n", p.oci), "{machine}");
            let out = g.run("detect-platform.sh", &["--print"], &[("STUB_MACHINE", machine)]);
            assert_eq!(stdout(&out), format!("{}\n", p.oci), "--print on {machine}");
            seen.push(*machine);
        }
    }
    // The spellings Linux and macOS print (GRAMMARS.md), each somewhere in the table.
    for machine in ["x86_64", "aarch64", "arm64", "armv7l", "armv6l", "i686", "i386", "riscv64", "ppc64le", "s390x"] {
        assert!(seen.contains(&machine), "{machine} is not in the table");
    }
}

#[test]
fn detect_platform_sees_through_rosetta_on_macos() {
    let g = example("go-hello");
    let translated = [("STUB_MACHINE", "x86_64"), ("STUB_OS", "Darwin"), ("STUB_TRANSLATED", "1")];
    let out = g.run("detect-platform.sh", &[], &translated);
    assert_eq!(stdout(&out), "linux/arm64\n", "{}", text(&out));
    let intel_mac = [("STUB_MACHINE", "x86_64"), ("STUB_OS", "Darwin"), ("STUB_TRANSLATED", "0")];
    assert_eq!(stdout(&g.run("detect-platform.sh", &[], &intel_mac)), "linux/amd64\n");
    // Linux never asks sysctl.
    let out = g.run("detect-platform.sh", &[], &[("STUB_MACHINE", "x86_64"), ("STUB_TRANSLATED", "1")]);
    assert_eq!(stdout(&out), "linux/amd64\n");
    assert!(!g.calls().contains("sysctl"), "{}", g.calls());
}

#[test]
fn detect_platform_names_an_unsupported_architecture_and_fails() {
    let g = example("go-hello");
    for args in [&[][..], &["--print"], &["--run", "version"]] {
        let out = g.run("detect-platform.sh", args, &[("STUB_MACHINE", "sparc64")]);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", text(&out));
        assert_eq!(stdout(&out), "", "{args:?}");
        let err = stderr(&out);
        assert!(err.contains("unsupported architecture 'sparc64'"), "{err}");
        assert!(err.contains("x86_64") && err.contains("aarch64"), "the known spellings are listed: {err}");
        assert_eq!(g.calls(), "", "docker is not called");
    }
}

#[test]
fn detect_platform_runs_the_image_from_the_same_registry_as_the_makefile() {
    let g = example("go-hello");
    let env = [("STUB_MACHINE", "aarch64"), ("DOCKER_REGISTRY", "127.0.0.1:5000/lab"), ("TAG", "t1")];
    let out = g.run("detect-platform.sh", &["--run", "version"], &env);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(g.calls(), "run --rm --platform linux/arm64 127.0.0.1:5000/lab/go-hello:t1 version\n");
    assert_eq!(stdout(&out), "stub run ok\n");

    // Defaults: the config's registry and `latest`; IMAGE replaces the whole reference.
    g.run("detect-platform.sh", &["--run"], &[("STUB_MACHINE", "x86_64")]);
    assert_eq!(g.calls(), "run --rm --platform linux/amd64 docker.io/example/go-hello:latest\n");
    g.run("detect-platform.sh", &["--run"], &[("STUB_MACHINE", "x86_64"), ("IMAGE", "localhost/x:dev")]);
    assert_eq!(g.calls(), "run --rm --platform linux/amd64 localhost/x:dev\n");
}

#[test]
fn detect_platform_run_passes_every_argument_through_unchanged() {
    let g = example("go-hello");
    let env = [("STUB_MACHINE", "armv7l")];
    let args = ["--run", "serve", "two words", "it's", "$HOME", "--print", "--app", "-h", ""];
    let out = g.run("detect-platform.sh", &args, &env);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(
        g.argv(),
        "<run><--rm><--platform><linux/arm/v7><docker.io/example/go-hello:latest><serve><two words><it's><$HOME>\
         <--print><--app><-h><>\n"
    );
    // No arguments at all: nothing extra, even with `set -u`.
    let out = g.run("detect-platform.sh", &["--run"], &env);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(g.argv(), "<run><--rm><--platform><linux/arm/v7><docker.io/example/go-hello:latest>\n");
    // The container's exit status is the script's.
    let out = g.run("detect-platform.sh", &["--run", "version"], &[("STUB_MACHINE", "armv7l"), ("STUB_RUN_EXIT", "3")]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
}

#[test]
fn detect_platform_refuses_a_platform_the_image_is_not_built_for() {
    let g = example("go-hello");
    let out = g.run("detect-platform.sh", &["--run"], &[("STUB_MACHINE", "s390x")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("is not built for linux/s390x"), "{}", text(&out));
    assert!(stderr(&out).contains("built for: linux/amd64,linux/arm64,linux/arm/v7"), "{}", text(&out));
    assert_eq!(g.calls(), "", "docker is not called");
    // --print only reports the machine.
    let out = g.run("detect-platform.sh", &["--print"], &[("STUB_MACHINE", "s390x")]);
    assert_eq!((out.status.code(), stdout(&out)), (Some(0), "linux/s390x\n".to_string()));
}

#[test]
fn detect_platform_help_goes_to_stdout_and_a_wrong_argument_exits_2() {
    let g = example("go-hello");
    let env = [("STUB_MACHINE", "x86_64")];
    for help in ["-h", "--help"] {
        let out = g.run("detect-platform.sh", &[help], &env);
        assert_eq!(out.status.code(), Some(0));
        assert!(stdout(&out).starts_with("usage: "), "{}", text(&out));
        assert!(stdout(&out).contains("--run"), "{}", stdout(&out));
        assert!(!stdout(&out).contains("--app"), "one app: no --app\n{}", stdout(&out));
        assert_eq!(stderr(&out), "");
    }
    // One app: there is no --app to give.
    for args in [&["--bogus"][..], &["--print", "extra"], &["--app", "go-hello"], &["print"]] {
        let out = g.run("detect-platform.sh", args, &env);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", text(&out));
        assert_eq!(stdout(&out), "", "{args:?}");
        assert!(stderr(&out).contains("unknown argument"), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("usage: "), "{args:?}: {}", stderr(&out));
    }
    assert_eq!(g.calls(), "");
}

#[test]
fn detect_platform_selects_an_app_by_name() {
    let g = example("realtime-svg");
    let env = [("STUB_MACHINE", "aarch64"), ("TAG", "v2")];
    g.run("detect-platform.sh", &["--run", "--version"], &env);
    assert_eq!(g.calls(), "run --rm --platform linux/arm64 docker.io/example/realtime-svg-backend:v2 --version\n");
    for args in [&["--app", "frontend", "--run", "--version"][..], &["--app=frontend", "--run", "--version"]] {
        let out = g.run("detect-platform.sh", args, &env);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", text(&out));
        assert_eq!(
            g.calls(),
            "run --rm --platform linux/arm64 docker.io/example/realtime-svg-frontend:v2 --version\n",
            "{args:?}"
        );
    }
    let out = g.run("detect-platform.sh", &["--app", "backend"], &env);
    assert_eq!(stdout(&out), "linux/arm64\n");

    let help = stdout(&g.run("detect-platform.sh", &["--help"], &env));
    assert!(help.contains("--app NAME") && help.contains("backend, frontend"), "{help}");
}

#[test]
fn detect_platform_uses_the_selected_apps_platforms() {
    let g = config(&two_different_apps());
    let env = [("STUB_MACHINE", "armv7l")];
    let out = g.run("detect-platform.sh", &["--run"], &env);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let out = g.run("detect-platform.sh", &["--app", "frontend", "--run"], &env);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(stderr(&out).contains("realtime-svg-frontend:latest is not built for linux/arm/v7"), "{}", text(&out));
    assert!(stderr(&out).contains("built for: linux/amd64,linux/arm64)"), "{}", text(&out));
    assert_eq!(g.calls(), "");
}

#[test]
fn detect_platform_lists_the_apps_for_an_unknown_one() {
    let g = example("realtime-svg");
    let env = [("STUB_MACHINE", "x86_64")];
    for args in [&["--app", "nope", "--run"][..], &["--app", "nope"], &["--app=nope"]] {
        let out = g.run("detect-platform.sh", args, &env);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", text(&out));
        assert!(stderr(&out).contains("unknown app 'nope'; the apps are backend, frontend"), "{}", stderr(&out));
        assert!(stderr(&out).contains("usage: "), "{}", stderr(&out));
        assert_eq!(stdout(&out), "");
    }
    let out = g.run("detect-platform.sh", &["--app"], &env);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(stderr(&out).contains("--app needs a NAME"), "{}", stderr(&out));
    assert_eq!(g.calls(), "");
}

// validate-multiarch.sh

#[test]
fn validate_passes_when_the_manifest_and_every_run_are_right() {
    let g = example("go-hello");
    let env = [
        ("DOCKER_REGISTRY", "127.0.0.1:5000/lab"),
        ("TAG", "t1"),
        ("STUB_MACHINE", "x86_64"),
        ("STUB_PLATFORMS", "linux/amd64 linux/arm64 linux/arm/v7"),
    ];
    let out = g.run("validate-multiarch.sh", &[], &env);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let calls = g.calls();
    assert!(calls.contains("buildx imagetools inspect 127.0.0.1:5000/lab/go-hello:t1\n"), "{calls}");
    for p in ["linux/amd64", "linux/arm64", "linux/arm/v7"] {
        let run = format!("run --rm --pull always --platform {p} 127.0.0.1:5000/lab/go-hello:t1 version\n");
        assert!(calls.contains(&run), "no `{run}` in:\n{calls}");
    }
    let rows = summary(&out);
    assert_eq!(cells(&rows[0]), ["APP", "PLATFORM", "MANIFEST", "RUN", "NOTE"]);
    assert_eq!(rows.len(), 4, "{rows:#?}");
    for p in ["linux/amd64", "linux/arm64", "linux/arm/v7"] {
        assert_eq!(row(&rows, "go-hello", p), ["go-hello", p, "PASS", "PASS"]);
    }
    assert!(stdout(&out).ends_with("all checks passed\n"), "{}", text(&out));
    assert_eq!(stderr(&out), "");
}

#[test]
fn validate_reports_the_environment() {
    let g = example("go-hello");
    let binfmt = tempfile::tempdir().unwrap();
    let entry = |name: &str, state: &str, flags: &str| {
        let body = format!(
            "{state}\ninterpreter /usr/bin/{name}-static\nflags: {flags}\noffset 0\nmagic 7f454c46\nmask ffffffff\n"
        );
        fs::write(binfmt.path().join(name), body).unwrap();
    };
    fs::write(binfmt.path().join("status"), "enabled\n").unwrap();
    fs::write(binfmt.path().join("register"), "").unwrap();
    entry("qemu-aarch64", "enabled", "F");
    entry("qemu-arm", "enabled", "");
    entry("qemu-riscv64", "disabled", "F");
    fs::write(binfmt.path().join("python3.11"), "enabled\ninterpreter /usr/bin/python3.11\n").unwrap();
    let dir = binfmt.path().to_str().unwrap();
    let env = [
        ("STUB_MACHINE", "x86_64"),
        ("STUB_PLATFORMS", "linux/amd64 linux/arm64 linux/arm/v7"),
        ("STUB_BUILDER_PLATFORMS", "linux/amd64*, linux/amd64/v2, linux/386, linux/arm64"),
        ("BINFMT_MISC_DIR", dir),
    ];
    let out = g.run("validate-multiarch.sh", &[], &env);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let t = stdout(&out);
    for line in [
        "os:           Linux 6.1.0-stub\n",
        "arch:         x86_64 (linux/amd64)\n",
        "docker:       client 28.2.2, server 26.1.5\n",
        "buildx:       github.com/docker/buildx v0.13.1 788433953af10f2a698f5c07611dddce2af08ce0\n",
        "builder:      multi (driver docker-container)\n",
        "  platforms:  linux/amd64 linux/amd64/v2 linux/386 linux/arm64\n",
        &format!("binfmt_misc:  enabled ({dir})\n"),
        "  qemu-arm:   no F flag: containers cannot use /usr/bin/qemu-arm-static\n",
        "  qemu-riscv64: disabled\n",
        "  emulators:  qemu-aarch64 qemu-arm\n",
        "  linux/amd64          native\n",
        "  linux/arm64          the builder runs it (emulated or compatible)\n",
        &format!(
            "  linux/arm/v7         the builder cannot run it: docker run --privileged --rm {} --install all\n",
            mkmulti::actions::BINFMT_IMAGE
        ),
    ] {
        assert!(t.contains(line), "no `{}` in:\n{t}", line.trim_end());
    }
    assert!(!t.contains("python"), "only emulators are listed:\n{t}");

    // A builder that is not running lists no platforms; binfmt_misc that is not mounted; no daemon.
    let env = [
        ("STUB_MACHINE", "aarch64"),
        ("STUB_PLATFORMS", "linux/amd64 linux/arm64 linux/arm/v7"),
        ("STUB_NO_SERVER", "1"),
    ];
    let out = g.run("validate-multiarch.sh", &[], &env);
    let t = stdout(&out);
    assert!(t.contains("docker:       client 28.2.2, server not reachable\n"), "{t}");
    assert!(t.contains("  platforms:  unknown: the builder is not running"), "{t}");
    assert!(t.contains("binfmt_misc:  not mounted at "), "{t}");
    assert!(t.contains("  linux/arm64          native\n"), "{t}");
    assert!(t.contains("  linux/amd64          unknown until the builder runs\n"), "{t}");

    // macOS: Docker Desktop's VM has the emulators; there is no /proc to read.
    let env = [("STUB_MACHINE", "arm64"), ("STUB_OS", "Darwin"), ("STUB_PLATFORMS", "linux/amd64")];
    let t = stdout(&g.run("validate-multiarch.sh", &[], &env));
    assert!(t.contains("binfmt_misc:  not checked on Darwin"), "{t}");
    assert!(t.contains("arch:         arm64 (linux/arm64)\n"), "{t}");
}

/// The script reads `docker buildx inspect` as the Makefile's `buildx-setup` does (tests/makefile.rs runs the
/// same canned output): every node's platforms, once each, without buildx's `*` marks.
#[test]
fn validate_reads_every_node_of_the_builder() {
    let g = example("go-hello");
    let env = [
        ("STUB_MACHINE", "x86_64"),
        ("STUB_PLATFORMS", "linux/amd64 linux/arm64 linux/arm/v7"),
        ("STUB_BUILDER_PLATFORMS", util::MULTI_NODE_PLATFORMS),
    ];
    let t = stdout(&g.run("validate-multiarch.sh", &[], &env));
    assert!(t.contains("  platforms:  linux/amd64 linux/amd64/v2 linux/arm64\n"), "{t}");
    assert!(t.contains("  linux/arm64          the builder runs it (emulated or compatible)\n"), "{t}");
    assert!(t.contains("  linux/arm/v7         the builder cannot run it: "), "{t}");
}

#[test]
fn validate_fails_when_docker_buildx_is_missing() {
    let g = example("go-hello");
    let out = g.run("validate-multiarch.sh", &[], &[("STUB_MACHINE", "x86_64"), ("STUB_NO_BUILDX", "1")]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(stderr(&out).contains("docker buildx is not available"), "{}", text(&out));
    assert!(!g.calls().contains("imagetools"), "{}", g.calls());
}

#[test]
fn validate_fails_on_a_missing_platform_and_skips_its_run() {
    let g = example("go-hello");
    let env = [("STUB_MACHINE", "x86_64"), ("STUB_PLATFORMS", "linux/amd64 linux/arm64")];
    let out = g.run("validate-multiarch.sh", &["--tag", "v1"], &env);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let rows = summary(&out);
    assert_eq!(
        row(&rows, "go-hello", "linux/arm/v7"),
        ["go-hello", "linux/arm/v7", "FAIL", "SKIP", "missing from the manifest list"]
    );
    assert_eq!(row(&rows, "go-hello", "linux/amd64"), ["go-hello", "linux/amd64", "PASS", "PASS"]);
    assert!(!g.calls().contains("--platform linux/arm/v7"), "{}", g.calls());
    assert!(g.calls().contains("buildx imagetools inspect docker.io/example/go-hello:v1\n"), "{}", g.calls());
    assert!(stderr(&out).contains("validate-multiarch: 1 check(s) failed"), "{}", stderr(&out));
}

#[test]
fn validate_fails_on_an_unexpected_platform() {
    let g = example("go-hello");
    let env = [("STUB_MACHINE", "x86_64"), ("STUB_PLATFORMS", "linux/amd64 linux/arm64 linux/arm/v7 linux/s390x")];
    let out = g.run("validate-multiarch.sh", &[], &env);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let rows = summary(&out);
    let unexpected = ["go-hello", "linux/s390x", "FAIL", "SKIP", "unexpected: not a configured platform"];
    assert_eq!(row(&rows, "go-hello", "linux/s390x"), unexpected);
    assert!(!g.calls().contains("--platform linux/s390x"), "{}", g.calls());
}

#[test]
fn validate_counts_attestations_apart_from_platforms() {
    let g = example("go-hello");
    // buildx pushes a provenance (and SBOM) attestation manifest per platform, with platform unknown/unknown;
    // a registry may spell arm64 with its v8 variant.
    let listed = "linux/amd64 unknown/unknown linux/arm64/v8 unknown/unknown linux/arm/v7 unknown/unknown";
    let out = g.run("validate-multiarch.sh", &[], &[("STUB_MACHINE", "x86_64"), ("STUB_PLATFORMS", listed)]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let t = stdout(&out);
    assert!(t.contains("  platforms:    linux/amd64 linux/arm64 linux/arm/v7\n"), "{t}");
    assert!(t.contains("  attestations: 3 (unknown/unknown: provenance or SBOM, not platforms)\n"), "{t}");
    let rows = summary(&out);
    assert_eq!(rows.len(), 4, "{rows:#?}");
    assert!(!rows.iter().any(|r| r.contains("unknown")), "{rows:#?}");
    assert!(!g.calls().contains("unknown/unknown"), "{}", g.calls());
}

#[test]
fn validate_fails_when_a_platform_does_not_run() {
    let g = example("go-hello");
    let env = [
        ("STUB_MACHINE", "x86_64"),
        ("STUB_PLATFORMS", "linux/amd64 linux/arm64 linux/arm/v7"),
        ("STUB_RUN_FAIL", "linux/arm64"),
    ];
    let out = g.run("validate-multiarch.sh", &[], &env);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let rows = summary(&out);
    assert_eq!(
        row(&rows, "go-hello", "linux/arm64"),
        ["go-hello", "linux/arm64", "PASS", "FAIL", "the smoke test exited 1"]
    );
    // The other platforms still run.
    assert_eq!(row(&rows, "go-hello", "linux/arm/v7"), ["go-hello", "linux/arm/v7", "PASS", "PASS"]);
    assert!(stdout(&out).contains("  | exec /usr/local/bin/app: exec format error\n"), "{}", stdout(&out));
    assert!(stderr(&out).contains("1 check(s) failed"), "{}", stderr(&out));
}

#[test]
fn validate_fails_when_the_image_cannot_be_inspected() {
    let g = example("go-hello");
    let out = g.run("validate-multiarch.sh", &[], &[("STUB_MACHINE", "x86_64"), ("STUB_INSPECT_FAIL", "1")]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let rows = summary(&out);
    let note = "cannot inspect docker.io/example/go-hello:latest";
    assert_eq!(row(&rows, "go-hello", "linux/amd64"), ["go-hello", "linux/amd64", "FAIL", "SKIP", note]);
    assert!(stdout(&out).contains("  ERROR: docker.io/example/go-hello:latest: not found\n"), "{}", stdout(&out));
    assert!(!g.calls().contains("run "), "{}", g.calls());
    assert!(stderr(&out).contains("3 check(s) failed"), "{}", stderr(&out));
}

#[test]
fn validate_summary_columns_are_aligned() {
    let g = example("realtime-svg");
    let env = [
        ("STUB_MACHINE", "x86_64"),
        ("STUB_PLATFORMS", "linux/amd64 linux/arm64 linux/ppc64le unknown/unknown"),
        ("STUB_RUN_FAIL", "linux/amd64"),
    ];
    let out = g.run("validate-multiarch.sh", &[], &env);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let rows = summary(&out);
    assert_eq!(rows.len(), 9, "{rows:#?}");
    let header = &rows[0];
    for r in &rows[1..] {
        assert!(!r.ends_with(' '), "trailing space: {r:?}");
        for name in ["PLATFORM", "MANIFEST", "RUN", "NOTE"] {
            let at = header.find(name).unwrap();
            if name == "NOTE" && r.len() <= at {
                continue;
            }
            assert!(r.as_bytes()[at] != b' ' && &r[at - 2..at] == "  ", "{name} misaligned in {r:?}");
        }
    }
    assert_eq!(
        row(&rows, "frontend", "linux/amd64"),
        ["frontend", "linux/amd64", "PASS", "FAIL", "the smoke test exited 1"]
    );
    assert_eq!(row(&rows, "backend", "linux/arm/v7")[2..4], ["FAIL", "SKIP"]);
    assert_eq!(row(&rows, "backend", "linux/ppc64le")[2..4], ["FAIL", "SKIP"]);
    assert_eq!(row(&rows, "frontend", "linux/arm64")[2..4], ["PASS", "PASS"]);
    // Two manifests and one run failed for each app.
    assert!(stderr(&out).contains("6 check(s) failed"), "{}", stderr(&out));
}

#[test]
fn validate_checks_every_app_or_the_one_named() {
    let g = example("realtime-svg");
    let env = [("STUB_MACHINE", "x86_64"), ("STUB_PLATFORMS", "linux/amd64 linux/arm64 linux/arm/v7"), ("TAG", "v3")];
    let out = g.run("validate-multiarch.sh", &[], &env);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let calls = g.calls();
    for app in ["backend", "frontend"] {
        assert!(calls.contains(&format!("inspect docker.io/example/realtime-svg-{app}:v3\n")), "{calls}");
        assert!(stdout(&out).contains(&format!("== {app}: docker.io/example/realtime-svg-{app}:v3\n")));
    }
    assert_eq!(summary(&out).len(), 7);

    for args in [&["--app", "frontend"][..], &["--app=frontend"]] {
        let out = g.run("validate-multiarch.sh", args, &env);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        assert!(!g.calls().contains("backend"), "{}", g.calls());
        assert!(g.calls().contains("inspect docker.io/example/realtime-svg-frontend:v3\n"), "{}", g.calls());
        assert!(summary(&out)[1..].iter().all(|r| r.starts_with("frontend ")), "{:#?}", summary(&out));
    }
}

#[test]
fn validate_image_checks_another_reference_against_an_apps_platforms_and_smoke_test() {
    let g = example("go-hello");
    let env = [("STUB_MACHINE", "x86_64"), ("STUB_PLATFORMS", "linux/amd64 linux/arm64 linux/arm/v7")];
    let out = g.run("validate-multiarch.sh", &["--image", "ghcr.io/me/hello:pr-7"], &env);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let calls = g.calls();
    assert!(calls.contains("buildx imagetools inspect ghcr.io/me/hello:pr-7\n"), "{calls}");
    assert!(calls.contains("run --rm --pull always --platform linux/arm/v7 ghcr.io/me/hello:pr-7 version\n"));
    assert!(!calls.contains("docker.io/example"), "{calls}");

    // Several apps: --image alone means the first app; --app picks another's platforms and smoke test.
    let g = config(&two_different_apps());
    let out = g.run("validate-multiarch.sh", &["--image", "localhost:5000/x:1"], &env);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(stdout(&out).contains("== backend: localhost:5000/x:1\n"), "{}", stdout(&out));
    assert_eq!(g.calls().matches("imagetools inspect").count(), 1, "{}", g.calls());
    assert!(g.calls().contains("--platform linux/arm/v7 localhost:5000/x:1 --version\n"), "{}", g.calls());

    let out = g.run("validate-multiarch.sh", &["--app", "frontend", "--image", "localhost:5000/x:1"], &env);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(stdout(&out).contains("== frontend: localhost:5000/x:1\n"), "{}", stdout(&out));
    assert_eq!(
        g.argv().lines().filter(|l| l.starts_with("<run>")).collect::<Vec<_>>(),
        [
            "<run><--rm><--pull><always><--platform><linux/amd64><localhost:5000/x:1><check><it's ok>",
            "<run><--rm><--pull><always><--platform><linux/arm64><localhost:5000/x:1><check><it's ok>",
        ]
    );
    // The frontend is not built for arm/v7, so the image's arm/v7 is unexpected there.
    let rows = summary(&out);
    assert_eq!(row(&rows, "frontend", "linux/arm/v7")[2..], ["FAIL", "SKIP", "unexpected: not a configured platform"]);
}

#[test]
fn validate_usage_errors_exit_2_and_help_exits_0() {
    let g = example("realtime-svg");
    let env = [("STUB_MACHINE", "x86_64")];
    let out = g.run("validate-multiarch.sh", &["--help"], &env);
    assert_eq!(out.status.code(), Some(0));
    let help = stdout(&out);
    assert!(help.starts_with("usage: ") && help.contains("--app NAME") && help.contains("backend, frontend"), "{help}");
    assert_eq!(stderr(&out), "");
    let cases: [(&[&str], &str); 7] = [
        (&["--bogus"], "unknown argument '--bogus'"),
        (&["--tag"], "--tag needs a value"),
        (&["--tag", ""], "--tag needs a value"),
        (&["--image"], "--image needs a value"),
        (&["--app"], "--app needs a value"),
        (&["--app", "nope"], "unknown app 'nope'; the apps are backend, frontend"),
        (&["--app=nope", "--image", "x"], "unknown app 'nope'"),
    ];
    for (args, message) in cases {
        let out = g.run("validate-multiarch.sh", args, &env);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", text(&out));
        assert!(stderr(&out).contains(message), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("usage: "), "{args:?}: {}", stderr(&out));
        assert_eq!(stdout(&out), "", "{args:?}");
        assert_eq!(g.calls(), "", "{args:?}");
    }
    // One app: no --app.
    let g = example("go-hello");
    let out = g.run("validate-multiarch.sh", &["--app", "go-hello"], &env);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(!stdout(&g.run("validate-multiarch.sh", &["-h"], &env)).contains("--app"));
}

#[test]
fn validate_tag_option_overrides_the_environment() {
    let g = example("go-hello");
    let env = [("STUB_MACHINE", "x86_64"), ("STUB_PLATFORMS", "linux/amd64 linux/arm64 linux/arm/v7"), ("TAG", "env")];
    g.run("validate-multiarch.sh", &["--tag=v9"], &env);
    assert!(g.calls().contains("inspect docker.io/example/go-hello:v9\n"), "{}", g.calls());
    assert!(!g.calls().contains(":env"), "{}", g.calls());
}

// Both scripts

/// macOS ships bash 3.2, which this machine does not have: the scripts must not use what came later.
#[test]
fn scripts_use_nothing_newer_than_bash_3_2() {
    let bash4 = [
        ("declare -A", "associative arrays (4.0)"),
        ("local -A", "associative arrays (4.0)"),
        ("typeset -A", "associative arrays (4.0)"),
        ("declare -n", "namerefs (4.3)"),
        ("local -n", "namerefs (4.3)"),
        ("mapfile", "mapfile (4.0)"),
        ("readarray", "readarray (4.0)"),
        ("coproc", "coproc (4.0)"),
        ("|&", "|& (4.0)"),
        ("&>>", "&>> (4.0)"),
        (";;&", ";;& (4.0)"),
        ("wait -n", "wait -n (4.3)"),
        ("globstar", "globstar (4.0)"),
        ("lastpipe", "lastpipe (4.2)"),
        ("printf '%(", "printf %(...)T (4.2)"),
        ("EPOCHSECONDS", "EPOCHSECONDS (5.0)"),
        ("[@]}", "array expansion: an empty array is unbound under set -u before 4.4"),
        ("[*]}", "array expansion: an empty array is unbound under set -u before 4.4"),
        ("[-1]", "negative subscripts (4.3)"),
        ("..}", "brace ranges"),
    ];
    for dir in util::examples() {
        let loaded = util::load(&dir.join("multiarch.toml"));
        for file in mkmulti::render::render(&loaded.plan) {
            if !file.path.ends_with(".sh") {
                continue;
            }
            let where_ = format!("{} {}", dir.file_name().unwrap().to_string_lossy(), file.path);
            assert!(file.contents.starts_with("#!/usr/bin/env bash\n"), "{where_}");
            for (construct, why) in bash4 {
                assert!(!file.contents.contains(construct), "{where_} uses {why}: `{construct}`");
            }
            // ${v,,} ${v^^} ${v,} ${v^} case modification and ${v@Q} transformations (4.0, 4.4).
            let bad = bash4_expansion(&file.contents);
            assert!(bad.is_none(), "{where_} uses a bash 4 expansion: {bad:?}");
            assert!(file.contents.contains("set -euo pipefail\n"), "{where_}");
        }
    }
}

/// The first `${name,` `${name^` or `${name@` in a script.
fn bash4_expansion(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut i = 0;
    while let Some(at) = s[i..].find("${") {
        let start = i + at + 2;
        let mut end = start;
        while end < bytes.len() && (bytes[end].is_ascii_alphanumeric() || bytes[end] == b'_') {
            end += 1;
        }
        if end > start && end < bytes.len() && matches!(bytes[end], b',' | b'^' | b'@') {
            return Some(s[i + at..(end + 1).min(s.len())].to_string());
        }
        i = start;
    }
    None
}

#[test]
fn scripts_quote_every_config_string() {
    // A registry prefix and names come from the config: each reaches the scripts in single quotes.
    let g = example("realtime-svg");
    for script in ["detect-platform.sh", "validate-multiarch.sh"] {
        let body = fs::read_to_string(g.script(script)).unwrap();
        assert!(body.contains("default_registry='docker.io/example'\n"), "{script}");
        assert!(body.contains("'realtime-svg-frontend'"), "{script}");
        assert!(is_executable(&g.script(script)), "{script}");
    }
}

fn is_executable(path: &Path) -> bool {
    fs::metadata(path).unwrap().permissions().mode() & 0o111 != 0
}
