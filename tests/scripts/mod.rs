//! The generated shell scripts, run for real with stub `docker`, `uname` and `sysctl` commands first on PATH.
//!
//! `detect`: detect-platform.sh; `validate`: validate-multiarch.sh. The stubs and helpers are here.

#![cfg(unix)]

mod detect;
mod validate;

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
  "image inspect") echo "$STUB_IMAGE_HEALTH" ;;
  "inspect --format")
    # A container's state, `STATUS HEALTH`; after STUB_HEALTHY_AFTER calls it turns healthy.
    n=$(( $(cat "$STUB_LOG.inspects" 2>/dev/null || echo 0) + 1 ))
    echo "$n" > "$STUB_LOG.inspects"
    if [ -n "$STUB_HEALTHY_AFTER" ] && [ "$n" -gt "$STUB_HEALTHY_AFTER" ]; then
      echo "running healthy"
    else
      echo "${STUB_STATE:-running none}"
    fi
    ;;
  "logs --tail") echo "stub server log" ;;
  "run "*)
    case "$* " in
      *"--platform $STUB_RUN_FAIL "*) echo "exec /usr/local/bin/app: exec format error" >&2; exit 1 ;;
      *" --detach "*) echo "0123456789ab"; exit 0 ;;
    esac
    echo "stub run ok"
    # A server that ignores its arguments: keeps running until `docker rm -f` (the script's timeout) ends it.
    if [ -n "$STUB_RUN_SLEEP" ]; then exec sleep "$STUB_RUN_SLEEP"; fi
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
    let planned = mkmulti::write::compare(dir.path(), dir.path(), &files).unwrap();
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
