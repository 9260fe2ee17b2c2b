//! `mkmulti doctor`: checks that this machine can build the config's platforms before a build starts, and
//! prints the command that fixes each gap.
//!
//! Every probe goes through [`System`], so the checks are pure functions of command output and unit tests feed
//! canned answers. The output formats relied on were read from buildx's `commands/inspect.go` and
//! `driver/docker/driver.go` and checked against docker CLI 28.2.2, dockerd 26.1.5 and buildx 0.13.1 (2026-11):
//! - `docker version --format T` prints `T` even when the engine is unreachable (`.Server` is then empty) and
//!   exits 1 with `Cannot connect to the Docker daemon at ...` on stderr;
//! - `docker buildx version` prints `github.com/docker/buildx v0.13.1 <commit>`; without the plugin docker exits
//!   1 with `unknown command: docker buildx` (28.x) or `'buildx' is not a docker command` (older);
//! - `docker buildx inspect --bootstrap NAME` prints `Key: value` lines aligned by a tabwriter: `Name`, `Driver`,
//!   then after `Nodes:` per node `Name`, `Endpoint`, `Status` (or `Error`), `Platforms` (comma-separated, `*`
//!   marks platforms set by hand) and an indented `Labels:` block. An unknown name exits 1 with
//!   `ERROR: no builder "NAME" found`;
//! - the `docker` driver builds several platforms only on the containerd image store. buildx decides that by the
//!   worker label `org.mobyproject.buildkit.worker.snapshotter` (which `inspect` prints); `docker info` shows the
//!   same store as `DriverStatus` `[["driver-type","io.containerd.snapshotter.v1"]]`.
//!
//! The platform list a builder prints is BuildKit's own probe, and it can miss a working emulator: with the lab's
//! dockerd 26 it left out `linux/arm/v7` while `RUN` steps for it ran under the registered `qemu-arm`. So for a
//! builder on this machine a platform it does not list still counts when the kernel has a QEMU handler for it
//! with the `F` flag (the interpreter is opened at registration, so it works inside build containers).

use std::fmt::Write as _;
use std::io::Read;
use std::process::{Command, Stdio};
use std::time::Duration;

use wait_timeout::ChildExt as _;

use crate::plan::Plan;
use crate::platform::{self, PlatformInfo};

use crate::actions::BINFMT_IMAGE;
use crate::cli::exit::NOT_READY as EXIT_NOT_READY;

/// How long one `docker` call may take; `inspect --bootstrap` may start a builder and pull `moby/buildkit`.
const TIMEOUT: Duration = Duration::from_secs(120);

/// A check's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Ok,
    /// Builds work; something else (testing foreign images) will not.
    Warn,
    /// A build would fail.
    Fail,
}

impl Status {
    fn label(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Warn => "warn",
            Status::Fail => "FAIL",
        }
    }
}

/// One line of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub status: Status,
    /// What was checked: `docker`, `buildx`, `builder NAME`, a platform.
    pub subject: String,
    /// What was found.
    pub found: String,
    /// Commands (or, where no single command exists, instructions) that fix it; empty when ok.
    pub fixes: Vec<String>,
}

/// Everything `doctor` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub checks: Vec<Check>,
    /// Why the later checks did not run, when an earlier one made them meaningless.
    pub skipped: Option<String>,
}

impl Report {
    pub fn failed(&self) -> usize {
        self.checks.iter().filter(|c| c.status == Status::Fail).count()
    }

    pub fn warnings(&self) -> usize {
        self.checks.iter().filter(|c| c.status == Status::Warn).count()
    }

    pub fn exit_code(&self) -> u8 {
        if self.failed() > 0 { EXIT_NOT_READY } else { crate::cli::exit::OK }
    }

    /// One line per check, each non-ok line followed by its indented `fix:` lines.
    pub fn render(&self) -> String {
        let mut s = String::new();
        for c in &self.checks {
            let _ = writeln!(s, "{:<4}  {}: {}", c.status.label(), c.subject, c.found);
            for fix in &c.fixes {
                let _ = writeln!(s, "      fix: {fix}");
            }
        }
        if let Some(why) = &self.skipped {
            let _ = writeln!(s, "skipped: {why}");
        }
        s
    }
}

/// What one `docker` call answered.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reply {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Reply {
    /// The line that says what went wrong: buildx's last `ERROR:` line (a failed bootstrap prints its progress
    /// log first), else the first line.
    fn error_line(&self) -> String {
        let text = if self.stderr.trim().is_empty() { &self.stdout } else { &self.stderr };
        let lines: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
        lines.iter().rev().find(|l| l.starts_with("ERROR:")).or(lines.first()).map_or("no output", |l| l).to_string()
    }
}

/// Why a `docker` call gave no reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunError {
    /// There is no `docker` on PATH.
    NotFound,
    TimedOut,
    Other(String),
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunError::NotFound => f.write_str("docker is not on PATH"),
            RunError::TimedOut => write!(f, "no answer in {} s", TIMEOUT.as_secs()),
            RunError::Other(m) => f.write_str(m),
        }
    }
}

/// The machine as `doctor` sees it. [`RealSystem`] asks the real one; tests answer from tables.
pub trait System {
    /// Runs `docker ARGS`.
    fn docker(&self, args: &[&str]) -> Result<Reply, RunError>;
    /// The text of a kernel binfmt_misc entry such as `qemu-aarch64`; `None` where absent or not Linux.
    fn binfmt_entry(&self, name: &str) -> Option<String>;
    fn env(&self, key: &str) -> Option<String>;
    /// This machine's architecture as `std::env::consts::ARCH` spells it.
    fn arch(&self) -> &str;
    /// This machine's operating system as `std::env::consts::OS` spells it.
    fn os(&self) -> &str;
}

/// The real machine.
pub struct RealSystem;

impl System for RealSystem {
    fn docker(&self, args: &[&str]) -> Result<Reply, RunError> {
        run_with_timeout("docker", args, TIMEOUT)
    }

    fn binfmt_entry(&self, name: &str) -> Option<String> {
        if cfg!(target_os = "linux") {
            std::fs::read_to_string(std::path::Path::new("/proc/sys/fs/binfmt_misc").join(name)).ok()
        } else {
            None
        }
    }

    fn env(&self, key: &str) -> Option<String> {
        std::env::var(key).ok()
    }

    fn arch(&self) -> &str {
        // `powerpc64` names both byte orders; only the little-endian one is a platform mkmulti builds.
        if cfg!(all(target_arch = "powerpc64", target_endian = "little")) { "ppc64le" } else { std::env::consts::ARCH }
    }

    fn os(&self) -> &str {
        std::env::consts::OS
    }
}

/// Runs a command with its output captured, killing it after `timeout`. The readers are not joined on timeout:
/// a plugin the killed CLI started may still hold the pipes open.
fn run_with_timeout(program: &str, args: &[&str], timeout: Duration) -> Result<Reply, RunError> {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => RunError::NotFound,
            _ => RunError::Other(format!("cannot run {program}: {e}")),
        })?;
    let reader = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            if let Some(mut p) = pipe {
                let mut bytes = Vec::new();
                let _ = p.read_to_end(&mut bytes);
                text = String::from_utf8_lossy(&bytes).into_owned();
            }
            text
        })
    };
    let stdout = reader(child.stdout.take().map(|p| Box::new(p) as Box<dyn Read + Send>));
    let stderr = reader(child.stderr.take().map(|p| Box::new(p) as Box<dyn Read + Send>));
    let status = match child.wait_timeout(timeout) {
        Ok(Some(status)) => status,
        Ok(None) => {
            let _ = child.kill();
            let _ = child.wait();
            return Err(RunError::TimedOut);
        }
        Err(e) => return Err(RunError::Other(format!("waiting for {program}: {e}"))),
    };
    Ok(Reply {
        code: status.code().unwrap_or(-1),
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
    })
}

/// What `docker buildx inspect` says about a builder.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Inspect {
    pub driver: String,
    /// A builder-level `Error:` line.
    pub error: Option<String>,
    pub nodes: Vec<Node>,
}

/// One node of a builder.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Node {
    pub name: String,
    pub endpoint: String,
    pub status: String,
    pub error: Option<String>,
    /// Platforms as printed, the `*` of hand-set ones removed.
    pub platforms: Vec<String>,
    /// `None` when the output had no `Labels:` block (older buildx, or a node that is not running).
    pub labels: Option<Vec<(String, String)>>,
}

impl Inspect {
    /// Every platform any node runs, canonicalised; entries mkmulti has no name for (`linux/amd64/v2`) dropped.
    pub fn platforms(&self) -> Vec<&'static str> {
        let mut out: Vec<&'static str> = Vec::new();
        for p in self.nodes.iter().flat_map(|n| &n.platforms) {
            if let Ok(parsed) = platform::parse(p)
                && !out.contains(&parsed.info.oci)
            {
                out.push(parsed.info.oci);
            }
        }
        out
    }

    /// Whether a node's worker uses a containerd snapshotter, the way buildx's docker driver decides it can build
    /// several platforms; `None` when no node printed labels.
    fn containerd_store(&self) -> Option<bool> {
        let labelled: Vec<&Vec<(String, String)>> = self.nodes.iter().filter_map(|n| n.labels.as_ref()).collect();
        if labelled.is_empty() {
            return None;
        }
        Some(labelled.iter().any(|ls| ls.iter().any(|(k, _)| k == "org.mobyproject.buildkit.worker.snapshotter")))
    }
}

/// Reads `docker buildx inspect` output.
pub fn parse_inspect(text: &str) -> Inspect {
    let mut out = Inspect::default();
    let mut in_nodes = false;
    let mut in_labels = false;
    for line in text.lines() {
        if line.trim().is_empty() {
            continue;
        }
        if line.starts_with([' ', '\t']) {
            if in_labels && let (Some(node), Some((k, v))) = (out.nodes.last_mut(), line.trim().split_once(':')) {
                node.labels.get_or_insert_with(Vec::new).push((k.trim().to_string(), v.trim().to_string()));
            }
            continue;
        }
        in_labels = false;
        let Some((key, value)) = line.split_once(':') else { continue };
        let value = value.trim().to_string();
        if !in_nodes {
            match key {
                "Driver" => out.driver = value,
                "Error" => out.error = Some(value),
                "Nodes" => in_nodes = true,
                _ => {}
            }
            continue;
        }
        if key == "Name" {
            out.nodes.push(Node { name: value, ..Node::default() });
            continue;
        }
        let Some(node) = out.nodes.last_mut() else { continue };
        match key {
            "Endpoint" => node.endpoint = value,
            "Status" => node.status = value,
            "Error" => node.error = Some(value),
            "Platforms" => {
                node.platforms = value
                    .split(',')
                    .map(|p| p.trim().trim_end_matches('*').to_string())
                    .filter(|p| !p.is_empty())
                    .collect();
            }
            "Labels" => {
                in_labels = true;
                node.labels.get_or_insert_with(Vec::new);
            }
            _ => {}
        }
    }
    out
}

/// This machine's platform from a `std::env::consts::ARCH` spelling: first the `uname -m` column of the platform
/// table (`x86_64`, `aarch64`, `riscv64`, `s390x`), then the aliases `platform::parse` knows (`x86` is 386,
/// `arm` is taken as arm/v7).
pub fn native_platform(arch: &str) -> Option<&'static PlatformInfo> {
    platform::PLATFORMS.iter().find(|p| p.uname.contains(&arch)).or_else(|| platform::parse(arch).ok().map(|p| p.info))
}

/// A binfmt_misc entry as the kernel prints it: `enabled`, `interpreter ...`, `flags: PF`, ...
struct Handler {
    enabled: bool,
    /// `F`: the interpreter was opened at registration, so it also runs inside containers.
    fix_binary: bool,
}

fn parse_handler(text: &str) -> Handler {
    Handler {
        enabled: text.lines().next().is_some_and(|l| l.trim() == "enabled"),
        fix_binary: text.lines().any(|l| l.strip_prefix("flags:").is_some_and(|f| f.contains('F'))),
    }
}

/// buildx's builder name rule (`store.ValidateName`): a letter, then letters, digits and `._-`.
pub fn valid_builder_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// The builder to check: `--builder`, else `$BUILDER_NAME` (the generated Makefile reads it from the
/// environment too), else the Makefile's default `<project>-builder`.
pub fn builder_name(plan: &Plan, flag: Option<&str>, sys: &dyn System) -> String {
    flag.map(str::to_string)
        .or_else(|| sys.env("BUILDER_NAME").filter(|v| !v.trim().is_empty()))
        .unwrap_or_else(|| default_builder(plan))
}

fn default_builder(plan: &Plan) -> String {
    format!("{}-builder", plan.project.name)
}

fn create_builder(name: &str) -> String {
    format!("docker buildx create --name {name} --driver docker-container --bootstrap")
}

/// Runs every check that the earlier ones leave meaningful.
pub fn diagnose(plan: &Plan, builder: &str, sys: &dyn System) -> Report {
    let mut checks = Vec::new();
    let engine_up = match check_docker(sys) {
        Some((check, up)) => {
            checks.push(check);
            up
        }
        None => {
            checks.push(Check {
                status: Status::Fail,
                subject: "docker".into(),
                found: "not found on PATH".into(),
                fixes: vec!["install Docker Engine (https://docs.docker.com/engine/install/) or Docker Desktop".into()],
            });
            return Report { checks, skipped: Some("every other check needs the docker CLI".into()) };
        }
    };
    let buildx = check_buildx(sys);
    let buildx_ok = buildx.status == Status::Ok;
    checks.push(buildx);
    if !engine_up || !buildx_ok {
        let why = if engine_up { "the buildx plugin" } else { "a reachable Docker engine" };
        return Report { checks, skipped: Some(format!("the builder and platform checks need {why}")) };
    }
    let inspect = match check_builder(plan, builder, sys) {
        Ok((check, inspect)) => {
            checks.push(check);
            inspect
        }
        Err(check) => {
            checks.push(check);
            return Report { checks, skipped: Some(format!("the platform checks need the builder {builder}")) };
        }
    };
    checks.extend(check_platforms(plan, builder, &inspect, sys));
    Report { checks, skipped: None }
}

/// The docker CLI and its engine; `None` when there is no CLI, else the check and whether the engine answered.
fn check_docker(sys: &dyn System) -> Option<(Check, bool)> {
    let subject = "docker".to_string();
    let reply = match sys.docker(&["version", "--format", "{{.Client.Version}} {{.Server.Version}}"]) {
        Ok(r) => r,
        Err(RunError::NotFound) => return None,
        Err(e) => {
            let fixes =
                vec!["docker context ls   (check which engine the CLI talks to; DOCKER_HOST overrides it)".into()];
            let found = format!("`docker version` failed: {e}");
            return Some((Check { status: Status::Fail, subject, found, fixes }, false));
        }
    };
    let mut versions = reply.stdout.split_whitespace();
    let client = versions.next().unwrap_or("unknown").to_string();
    let server = versions.next();
    if let (0, Some(server)) = (reply.code, server) {
        return Some((
            Check { status: Status::Ok, subject, found: format!("client {client}, engine {server}"), fixes: vec![] },
            true,
        ));
    }
    let error = reply.error_line();
    let fix = if error.to_ascii_lowercase().contains("permission denied") {
        "sudo usermod -aG docker \"$USER\"   (then log out and in again)".to_string()
    } else if sys.env("DOCKER_HOST").is_some_and(|h| h.contains("/run/user/")) {
        "systemctl --user start docker".to_string()
    } else {
        match sys.os() {
            "linux" => "sudo systemctl start docker".to_string(),
            "macos" => "open -a Docker".to_string(),
            _ => "start Docker Desktop".to_string(),
        }
    };
    let found = format!("client {client}, engine unreachable: {error}");
    Some((Check { status: Status::Fail, subject, found, fixes: vec![fix] }, false))
}

fn check_buildx(sys: &dyn System) -> Check {
    let subject = "buildx".to_string();
    let install = "install the buildx plugin: sudo apt-get install docker-buildx-plugin (Docker's apt repository), \
                   or see https://github.com/docker/buildx#installing"
        .to_string();
    match sys.docker(&["buildx", "version"]) {
        Ok(r) if r.code == 0 => {
            let version = r.stdout.split_whitespace().nth(1).unwrap_or("unknown version");
            Check { status: Status::Ok, subject, found: version.to_string(), fixes: vec![] }
        }
        Ok(r) => {
            let error = r.error_line();
            let missing = error.contains("unknown command") || error.contains("is not a docker command");
            let found =
                if missing { "not installed".to_string() } else { format!("`docker buildx version` failed: {error}") };
            Check { status: Status::Fail, subject, found, fixes: vec![install] }
        }
        Err(e) => Check {
            status: Status::Fail,
            subject,
            found: format!("`docker buildx version` failed: {e}"),
            fixes: vec![install],
        },
    }
}

/// The builder exists, starts, and its driver can build several platforms in one build.
fn check_builder(plan: &Plan, name: &str, sys: &dyn System) -> Result<(Check, Inspect), Check> {
    let subject = format!("builder {name}");
    let fail =
        |found: String, fixes: Vec<String>| Check { status: Status::Fail, subject: subject.clone(), found, fixes };
    let reply = match sys.docker(&["buildx", "inspect", "--bootstrap", name]) {
        Ok(r) => r,
        Err(e) => return Err(fail(format!("`docker buildx inspect --bootstrap {name}` failed: {e}"), vec![])),
    };
    if reply.code != 0 {
        let error = reply.error_line();
        if error.contains("no builder") {
            let fixes = if name == "default" {
                vec!["docker buildx ls   (then `mkmulti doctor --builder NAME` with the engine's builder)".into()]
            } else {
                vec![
                    create_builder(name),
                    "or use the engine's own builder (needs the containerd image store): export BUILDER_NAME=default"
                        .into(),
                ]
            };
            return Err(fail("does not exist".into(), fixes));
        }
        return Err(fail(format!("cannot start: {error}"), restart_fixes(name, &error)));
    }
    let inspect = parse_inspect(&reply.stdout);
    let node_error = inspect.nodes.iter().find_map(|n| n.error.clone());
    if let Some(error) = inspect.error.clone().or(node_error) {
        return Err(fail(format!("cannot start: {error}"), restart_fixes(name, &error)));
    }
    let nodes = if inspect.nodes.len() > 1 { format!(", {} nodes", inspect.nodes.len()) } else { String::new() };
    let check = match inspect.driver.as_str() {
        "docker-container" | "kubernetes" | "remote" => Check {
            status: Status::Ok,
            subject,
            found: format!("driver {}{nodes}, builds several platforms at once", inspect.driver),
            fixes: vec![],
        },
        "docker" => {
            let containerd = inspect.containerd_store().unwrap_or_else(|| engine_uses_containerd_store(sys));
            if containerd {
                Check {
                    status: Status::Ok,
                    subject,
                    found: "driver docker on the containerd image store, builds several platforms at once".into(),
                    fixes: vec![],
                }
            } else {
                let other =
                    if name == default_builder(plan) { format!("{name}-container") } else { default_builder(plan) };
                fail(
                    "driver docker on the classic image store builds one platform at a time".into(),
                    vec![
                        format!("{}   (then export BUILDER_NAME={other})", create_builder(&other)),
                        "or turn on the containerd image store: add \"features\": {\"containerd-snapshotter\": true} \
                         to /etc/docker/daemon.json, then sudo systemctl restart docker (Docker Desktop: Settings > \
                         General > Use containerd for pulling and storing images)"
                            .into(),
                    ],
                )
            }
        }
        other => Check {
            status: Status::Warn,
            subject,
            found: format!("driver {other} is unknown to mkmulti; it may not build several platforms"),
            fixes: vec![create_builder(&default_builder(plan))],
        },
    };
    Ok((check, inspect))
}

/// `docker info`'s view of the image store, for a buildx that prints no worker labels.
fn engine_uses_containerd_store(sys: &dyn System) -> bool {
    sys.docker(&["info", "--format", "{{json .DriverStatus}}"])
        .is_ok_and(|r| r.code == 0 && r.stdout.contains("io.containerd.snapshotter.v1"))
}

fn restart_fixes(name: &str, error: &str) -> Vec<String> {
    let mut fixes = Vec::new();
    if name != "default" {
        fixes.push(format!("docker buildx rm {name} && {}", create_builder(name)));
    }
    if error.contains("moby/buildkit") {
        fixes.push(
            "the docker-container driver pulls moby/buildkit; without access to Docker Hub use the engine's own \
             builder (needs the containerd image store): export BUILDER_NAME=default"
                .into(),
        );
    }
    fixes
}

/// Whether the builder's BuildKit runs on this machine's kernel, so this machine's binfmt_misc is what it uses.
fn builder_runs_here(inspect: &Inspect, sys: &dyn System) -> bool {
    let remote_host = |h: &str| h.starts_with("tcp://") || h.starts_with("ssh://") || h.contains("/.docker/desktop/");
    sys.os() == "linux"
        && matches!(inspect.driver.as_str(), "docker" | "docker-container")
        && !sys.env("DOCKER_HOST").is_some_and(|h| remote_host(&h))
        && inspect.nodes.iter().all(|n| !remote_host(&n.endpoint) && n.endpoint != "desktop-linux")
}

/// Every platform of the config that is not native: the builder runs it (QEMU), or the fix registers QEMU.
fn check_platforms(plan: &Plan, builder: &str, inspect: &Inspect, sys: &dyn System) -> Vec<Check> {
    let listed = inspect.platforms();
    let native = native_platform(sys.arch()).map(|p| p.oci);
    let here = builder_runs_here(inspect, sys);
    let mut checks = Vec::new();
    for p in &plan.platforms {
        let subject = p.oci.to_string();
        let ok = |found: String| Check { status: Status::Ok, subject: subject.clone(), found, fixes: vec![] };
        if here && native == Some(p.oci) {
            checks.push(ok("native".into()));
            continue;
        }
        if listed.contains(&p.oci) {
            checks.push(ok(format!("builder {builder} runs it")));
            continue;
        }
        // x86-64 Linux runs 32-bit x86 code itself (IA32 emulation, on in every distribution kernel); BuildKit's
        // probe still missed linux/386 in the lab, where a static i386 binary ran. 32-bit Arm on Arm64 is not
        // assumed: many Arm64 cores have no AArch32.
        if here && native == Some("linux/amd64") && p.oci == "linux/386" {
            checks
                .push(ok(format!("x86-64 kernels run 32-bit x86 code natively (builder {builder} does not list it)")));
            continue;
        }
        // The binfmt_misc entry QEMU registers (tonistiigi/binfmt and Debian's qemu-user-static name them alike).
        let name = format!("qemu-{}", p.qemu_arch);
        let handler = if here { sys.binfmt_entry(&name).map(|t| parse_handler(&t)) } else { None };
        if let Some(Handler { enabled: true, fix_binary: true }) = &handler {
            checks.push(ok(format!(
                "QEMU handler {name} is registered on this machine (builder {builder} does not list the platform; \
                 BuildKit's probe misses some)"
            )));
            continue;
        }
        let emulating: Vec<&str> = plan
            .apps
            .iter()
            .filter(|a| a.emulated_steps > 0 && a.platforms.iter().any(|ap| ap.oci == p.oci))
            .map(|a| a.name.as_str())
            .collect();
        let (status, why) = if emulating.is_empty() {
            (
                Status::Warn,
                "builds cross-compile without it, but `make docker-test-multi` and the validate script run the image"
                    .to_string(),
            )
        } else {
            (
                Status::Fail,
                format!(
                    "{} {} runtime packages, a step that runs on {}",
                    emulating.join(", "),
                    if emulating.len() == 1 { "installs" } else { "install" },
                    p.oci
                ),
            )
        };
        let stale = match &handler {
            Some(h) if !h.fix_binary || !h.enabled => {
                let state = if h.enabled { "registered without the F flag" } else { "disabled" };
                Some((name.as_str(), state))
            }
            _ => None,
        };
        let found = match stale {
            Some((name, state)) => format!("no emulation: QEMU handler {name} is {state}; {why}"),
            None => format!("no emulation in builder {builder}; {why}"),
        };
        let register = match stale {
            Some((name, _)) => {
                format!("docker run --privileged --rm {BINFMT_IMAGE} --uninstall {name} --install {}", p.arch)
            }
            None => format!("docker run --privileged --rm {BINFMT_IMAGE} --install {}", p.arch),
        };
        let fix = if here || !matches!(inspect.driver.as_str(), "kubernetes" | "remote") {
            register
        } else {
            format!("on the machine that runs BuildKit: {register}")
        };
        checks.push(Check { status, subject, found, fixes: vec![fix] });
    }
    checks
}

/// `mkmulti doctor`: prints the report and returns the exit code.
pub fn run(plan: &Plan, builder: Option<&str>) -> u8 {
    run_with(plan, builder, &RealSystem)
}

/// [`run`] on any [`System`].
pub fn run_with(plan: &Plan, builder: Option<&str>, sys: &dyn System) -> u8 {
    let name = builder_name(plan, builder, sys);
    if !valid_builder_name(&name) {
        eprintln!("mkmulti: `{name}` is not a buildx builder name (a letter, then letters, digits, `.`, `_` or `-`)");
        return crate::cli::exit::INVALID;
    }
    let report = diagnose(plan, &name, sys);
    print!("{}", report.render());
    let failed = report.failed();
    if failed > 0 {
        eprintln!(
            "mkmulti: not ready to build: {failed} check{} failed; run the fixes above, then `mkmulti doctor` again",
            if failed == 1 { "" } else { "s" }
        );
    } else {
        let platforms: Vec<&str> = plan.platforms.iter().map(|p| p.oci).collect();
        let warnings = match report.warnings() {
            0 => String::new(),
            1 => " (1 warning)".into(),
            n => format!(" ({n} warnings)"),
        };
        println!("mkmulti: ready to build {}{warnings}", platforms.join(", "));
    }
    report.exit_code()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::time::Instant;

    use super::*;

    /// docker CLI 28.2.2 against the lab's dockerd 26.1.5 (containerd image store) with buildx 0.13.1, verbatim.
    const INSPECT_DEFAULT_CONTAINERD: &str = "\
Name:          default
Driver:        docker
Last Activity: 2026-11-22 02:22:21 +0000 UTC

Nodes:
Name:             default
Endpoint:         default
Status:           running
BuildKit version: v0.0.0+unknown
Platforms:        linux/amd64, linux/amd64/v2, linux/amd64/v3, linux/amd64/v4, linux/arm64, linux/riscv64, linux/ppc64, linux/ppc64le, linux/s390x, linux/mips64le, linux/mips64, linux/loong64
Labels:
 org.mobyproject.buildkit.worker.containerd.namespace: moby
 org.mobyproject.buildkit.worker.containerd.uuid:      3826bbfd-b206-4124-ab9b-50ee90c4cb89
 org.mobyproject.buildkit.worker.executor:             containerd
 org.mobyproject.buildkit.worker.hostname:             vm
 org.mobyproject.buildkit.worker.moby.host-gateway-ip: <nil>
 org.mobyproject.buildkit.worker.network:              host
 org.mobyproject.buildkit.worker.selinux.enabled:      false
 org.mobyproject.buildkit.worker.snapshotter:          overlayfs
";

    /// The docker driver on the classic (graph driver) store: no snapshotter label.
    const INSPECT_DEFAULT_CLASSIC: &str = "\
Name:          default
Driver:        docker
Last Activity: 2026-11-22 02:22:21 +0000 UTC

Nodes:
Name:             default
Endpoint:         default
Status:           running
BuildKit version: v0.12.5
Platforms:        linux/amd64, linux/amd64/v2, linux/amd64/v3, linux/386
Labels:
 org.mobyproject.buildkit.worker.moby.host-gateway-ip: 172.17.0.1
";

    /// A docker-container builder in the layout of buildx's documentation, amd64 only, one platform set by hand.
    const INSPECT_CONTAINER_AMD64: &str = "\
Name:          demo-builder
Driver:        docker-container
Last Activity: 2026-11-22 02:22:21 +0000 UTC

Nodes:
Name:                  demo-builder0
Endpoint:              unix:///var/run/docker.sock
Driver Options:        network=\"host\"
Status:                running
BuildKit daemon flags: --allow-insecure-entitlement=network.host
BuildKit version:      v0.13.1
Platforms:             linux/amd64*, linux/amd64/v2, linux/386
Labels:
 org.mobyproject.buildkit.worker.executor:         oci
 org.mobyproject.buildkit.worker.snapshotter:      overlayfs
GC Policy rule#0:
 All:           false
 Filters:       type==source.local,type==exec.cachemount,type==source.git.checkout
";

    #[derive(Default)]
    struct Fake {
        replies: BTreeMap<String, Result<Reply, RunError>>,
        binfmt: BTreeMap<String, String>,
        env: BTreeMap<String, String>,
        arch: &'static str,
    }

    fn ok(stdout: &str) -> Result<Reply, RunError> {
        Ok(Reply { code: 0, stdout: stdout.into(), stderr: String::new() })
    }

    fn err(stderr: &str) -> Result<Reply, RunError> {
        Ok(Reply { code: 1, stdout: String::new(), stderr: stderr.into() })
    }

    const VERSION: &str = "version --format {{.Client.Version}} {{.Server.Version}}";

    impl Fake {
        /// docker 28.2.2, engine up, buildx installed, `builder` inspected as `inspect`, on an amd64 Linux host.
        fn healthy(builder: &str, inspect: &str) -> Fake {
            let mut f = Fake { arch: "x86_64", ..Fake::default() };
            f.replies.insert(VERSION.into(), ok("28.2.2 26.1.5\n"));
            f.replies.insert("buildx version".into(), ok("github.com/docker/buildx v0.13.1 788433953af1\n"));
            f.replies.insert(format!("buildx inspect --bootstrap {builder}"), ok(inspect));
            f
        }

        fn with(mut self, args: &str, reply: Result<Reply, RunError>) -> Fake {
            self.replies.insert(args.into(), reply);
            self
        }

        fn with_binfmt(mut self, name: &str, text: &str) -> Fake {
            self.binfmt.insert(name.into(), text.into());
            self
        }
    }

    impl System for Fake {
        fn docker(&self, args: &[&str]) -> Result<Reply, RunError> {
            self.replies.get(&args.join(" ")).cloned().unwrap_or_else(|| panic!("unexpected call: docker {args:?}"))
        }
        fn binfmt_entry(&self, name: &str) -> Option<String> {
            self.binfmt.get(name).cloned()
        }
        fn env(&self, key: &str) -> Option<String> {
            self.env.get(key).cloned()
        }
        fn arch(&self) -> &str {
            self.arch
        }
        fn os(&self) -> &str {
            "linux"
        }
    }

    const HANDLER_PF: &str = "enabled\ninterpreter /usr/libexec/qemu-binfmt/arm-binfmt-P\nflags: PF\noffset 0\n";

    /// linux/amd64, linux/arm64 and linux/arm/v7; `packages` gives the app a step that runs on the target.
    fn plan(packages: bool) -> Plan {
        plan_for("\"linux/amd64\", \"linux/arm64\", \"linux/arm/v7\"", packages)
    }

    fn plan_for(platforms: &str, packages: bool) -> Plan {
        let packages = if packages { "runtime = \"debian-slim\"\npackages = [\"curl\"]\n" } else { "" };
        let text = format!(
            "mkmulti-version = \"0.1\"\n[project]\nname = \"demo\"\nplatforms = [{platforms}]\n[registry]\n\
             host = \"docker.io\"\nnamespace = \"example\"\n[[app]]\nname = \"api\"\nlanguage = \"go\"\n\
             go.version = \"1.22\"\n{packages}"
        );
        match crate::load_str(&text, "multiarch.toml", "multiarch.toml") {
            Ok(l) => l.plan,
            Err(e) => panic!("{e:?}"),
        }
    }

    fn line<'r>(report: &'r Report, subject: &str) -> &'r Check {
        report
            .checks
            .iter()
            .find(|c| c.subject == subject)
            .unwrap_or_else(|| panic!("no {subject}:\n{}", report.render()))
    }

    #[test]
    fn inspect_output_is_read_as_buildx_prints_it() {
        let i = parse_inspect(INSPECT_DEFAULT_CONTAINERD);
        assert_eq!(i.driver, "docker");
        assert_eq!(i.nodes.len(), 1);
        assert_eq!(i.nodes[0].endpoint, "default");
        assert_eq!(i.nodes[0].status, "running");
        assert_eq!(i.platforms(), ["linux/amd64", "linux/arm64", "linux/riscv64", "linux/ppc64le", "linux/s390x"]);
        assert_eq!(i.containerd_store(), Some(true));
        assert_eq!(parse_inspect(INSPECT_DEFAULT_CLASSIC).containerd_store(), Some(false));
        let c = parse_inspect(INSPECT_CONTAINER_AMD64);
        assert_eq!(c.driver, "docker-container");
        assert_eq!(c.nodes[0].endpoint, "unix:///var/run/docker.sock");
        assert_eq!(c.platforms(), ["linux/amd64", "linux/386"], "the `*` of a hand-set platform is dropped");
        assert_eq!(c.nodes[0].labels.as_ref().map(Vec::len), Some(2), "GC policy lines are not labels");
        assert_eq!(
            parse_inspect("Name: x\nDriver: docker\n\nNodes:\nName: x\nStatus: inactive\n").containerd_store(),
            None
        );
    }

    #[cfg(unix)]
    #[test]
    fn the_real_runner_captures_output_and_stops_at_the_timeout() {
        let r = run_with_timeout("sh", &["-c", "echo out; echo err >&2; exit 3"], Duration::from_secs(10));
        assert_eq!(r, Ok(Reply { code: 3, stdout: "out\n".into(), stderr: "err\n".into() }));
        let started = Instant::now();
        assert_eq!(
            run_with_timeout("sh", &["-c", "exec sleep 5"], Duration::from_millis(100)),
            Err(RunError::TimedOut)
        );
        assert!(started.elapsed() < Duration::from_secs(4));
        assert_eq!(run_with_timeout("mkmulti-no-such-program", &[], Duration::from_secs(1)), Err(RunError::NotFound));
    }

    #[test]
    fn native_platform_maps_rust_arch_names() {
        let oci = |a| native_platform(a).map(|p| p.oci);
        assert_eq!(oci("x86_64"), Some("linux/amd64"));
        assert_eq!(oci("aarch64"), Some("linux/arm64"));
        assert_eq!(oci("arm"), Some("linux/arm/v7"));
        assert_eq!(oci("x86"), Some("linux/386"));
        assert_eq!(oci("riscv64"), Some("linux/riscv64"));
        assert_eq!(oci("ppc64le"), Some("linux/ppc64le"));
        assert_eq!(oci("s390x"), Some("linux/s390x"));
        assert_eq!(oci("loongarch64"), None);
    }

    #[test]
    fn builder_names_follow_flag_then_environment_then_the_makefile_default() {
        let p = plan(false);
        let mut sys = Fake::default();
        assert_eq!(builder_name(&p, None, &sys), "demo-builder");
        sys.env.insert("BUILDER_NAME".into(), "default".into());
        assert_eq!(builder_name(&p, None, &sys), "default");
        assert_eq!(builder_name(&p, Some("ci"), &sys), "ci");
        assert!(valid_builder_name("demo-builder") && valid_builder_name("b1.x_y"));
        assert!(
            !valid_builder_name("1abc")
                && !valid_builder_name("a b")
                && !valid_builder_name("a;rm")
                && !valid_builder_name("")
        );
    }

    #[test]
    fn all_good_is_ok_everywhere_and_exits_0() {
        let sys = Fake::healthy(
            "demo-builder",
            INSPECT_DEFAULT_CONTAINERD.replace("linux/arm64,", "linux/arm64, linux/arm/v7,").as_str(),
        );
        let report = diagnose(&plan(true), "demo-builder", &sys);
        assert!(report.checks.iter().all(|c| c.status == Status::Ok && c.fixes.is_empty()), "{}", report.render());
        assert_eq!(report.exit_code(), 0);
        assert_eq!(
            report.render(),
            "\
ok    docker: client 28.2.2, engine 26.1.5
ok    buildx: v0.13.1
ok    builder demo-builder: driver docker on the containerd image store, builds several platforms at once
ok    linux/amd64: native
ok    linux/arm64: builder demo-builder runs it
ok    linux/arm/v7: builder demo-builder runs it
"
        );
    }

    #[test]
    fn docker_missing_stops_with_the_install_hint() {
        let sys = Fake { arch: "x86_64", ..Fake::default() }.with(VERSION, Err(RunError::NotFound));
        let report = diagnose(&plan(false), "demo-builder", &sys);
        assert_eq!(report.checks.len(), 1);
        assert_eq!(report.checks[0].status, Status::Fail);
        assert!(report.checks[0].fixes[0].contains("https://docs.docker.com/engine/install/"));
        assert_eq!(report.exit_code(), EXIT_NOT_READY);
        assert!(report.skipped.is_some());
    }

    #[test]
    fn an_unreachable_engine_says_how_to_start_it() {
        let down = Reply {
            code: 1,
            stdout: "28.2.2 \n".into(),
            stderr:
                "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n"
                    .into(),
        };
        let sys = Fake::healthy("demo-builder", "").with(VERSION, Ok(down.clone()));
        let report = diagnose(&plan(false), "demo-builder", &sys);
        let docker = line(&report, "docker");
        assert_eq!(docker.status, Status::Fail);
        assert!(docker.found.starts_with("client 28.2.2, engine unreachable: Cannot connect"), "{}", docker.found);
        assert_eq!(docker.fixes, ["sudo systemctl start docker"]);
        assert_eq!(line(&report, "buildx").status, Status::Ok, "buildx is checked without the engine");
        assert_eq!(report.checks.len(), 2);

        let denied =
            Reply { stderr: "permission denied while trying to connect to the Docker daemon socket".into(), ..down };
        let sys = Fake::healthy("demo-builder", "").with(VERSION, Ok(denied));
        let report = diagnose(&plan(false), "demo-builder", &sys);
        assert!(line(&report, "docker").fixes[0].starts_with("sudo usermod -aG docker"));
    }

    #[test]
    fn buildx_missing_fails_and_skips_the_builder() {
        let sys = Fake::healthy("demo-builder", "").with(
            "buildx version",
            err("docker: unknown command: docker buildx\n\nRun 'docker --help' for more information\n"),
        );
        let report = diagnose(&plan(false), "demo-builder", &sys);
        let buildx = line(&report, "buildx");
        assert_eq!((buildx.status, buildx.found.as_str()), (Status::Fail, "not installed"));
        assert!(buildx.fixes[0].contains("docker-buildx-plugin"));
        assert_eq!(report.checks.len(), 2);
        assert_eq!(report.exit_code(), EXIT_NOT_READY);
    }

    #[test]
    fn a_missing_builder_prints_the_create_command() {
        let sys = Fake::healthy("demo-builder", "")
            .with("buildx inspect --bootstrap demo-builder", err("ERROR: no builder \"demo-builder\" found\n"));
        let report = diagnose(&plan(false), "demo-builder", &sys);
        let b = line(&report, "builder demo-builder");
        assert_eq!((b.status, b.found.as_str()), (Status::Fail, "does not exist"));
        assert_eq!(b.fixes[0], "docker buildx create --name demo-builder --driver docker-container --bootstrap");
        assert!(b.fixes[1].contains("BUILDER_NAME=default"));
        assert_eq!(report.checks.len(), 3, "no platform lines without a builder");
    }

    #[test]
    fn a_builder_that_cannot_pull_buildkit_points_at_the_engine_builder() {
        // `docker buildx inspect --bootstrap` of a docker-container builder in the offline lab, stderr verbatim.
        let pull = "\
#1 [internal] booting buildkit
#1 pulling image moby/buildkit:buildx-stable-1 0.0s done
#1 ERROR: Error response from daemon: failed to resolve reference \"docker.io/moby/buildkit:buildx-stable-1\": failed to do request: Head \"https://registry-1.docker.io/v2/moby/buildkit/manifests/buildx-stable-1\": dial tcp: lookup registry-1.docker.io on 10.255.255.53:53: no such host
------
 > [internal] booting buildkit:
------
ERROR: Error response from daemon: failed to resolve reference \"docker.io/moby/buildkit:buildx-stable-1\": failed to do request: Head \"https://registry-1.docker.io/v2/moby/buildkit/manifests/buildx-stable-1\": dial tcp: lookup registry-1.docker.io on 10.255.255.53:53: no such host
";
        let sys = Fake::healthy("demo-builder", "").with("buildx inspect --bootstrap demo-builder", err(pull));
        let b = diagnose(&plan(false), "demo-builder", &sys).checks.pop().unwrap();
        assert_eq!(b.status, Status::Fail);
        assert!(
            b.found.starts_with("cannot start: ERROR: Error response from daemon: failed to resolve"),
            "{}",
            b.found
        );
        assert!(b.fixes[0].starts_with("docker buildx rm demo-builder && docker buildx create"));
        assert!(b.fixes[1].contains("BUILDER_NAME=default"));
    }

    #[test]
    fn the_docker_driver_without_the_containerd_store_fails_with_both_fixes() {
        let sys = Fake::healthy("default", INSPECT_DEFAULT_CLASSIC);
        let report = diagnose(&plan(false), "default", &sys);
        let b = line(&report, "builder default");
        assert_eq!(b.status, Status::Fail);
        assert!(b.found.contains("classic image store"));
        assert!(
            b.fixes[0].starts_with("docker buildx create --name demo-builder --driver docker-container --bootstrap")
        );
        assert!(b.fixes[1].contains("\"containerd-snapshotter\": true"));
        assert_eq!(report.exit_code(), EXIT_NOT_READY);
    }

    #[test]
    fn without_worker_labels_the_store_is_read_from_docker_info() {
        let bare = "Name: default\nDriver: docker\n\nNodes:\nName: default\nEndpoint: default\nStatus: running\n\
                    Platforms: linux/amd64, linux/arm64, linux/arm/v7\n";
        let info = "info --format {{json .DriverStatus}}";
        let sys =
            Fake::healthy("default", bare).with(info, ok("[[\"driver-type\",\"io.containerd.snapshotter.v1\"]]\n"));
        assert_eq!(line(&diagnose(&plan(false), "default", &sys), "builder default").status, Status::Ok);
        let sys = Fake::healthy("default", bare).with(info, ok("[[\"Backing Filesystem\",\"extfs\"]]\n"));
        assert_eq!(line(&diagnose(&plan(false), "default", &sys), "builder default").status, Status::Fail);
    }

    #[test]
    fn missing_emulation_is_a_warning_when_every_build_step_cross_compiles() {
        let sys = Fake::healthy("demo-builder", INSPECT_CONTAINER_AMD64);
        let report = diagnose(&plan(false), "demo-builder", &sys);
        assert_eq!(line(&report, "linux/amd64").found, "native");
        let arm64 = line(&report, "linux/arm64");
        assert_eq!(arm64.status, Status::Warn);
        assert!(arm64.found.contains("docker-test-multi"), "{}", arm64.found);
        assert_eq!(arm64.fixes, [format!("docker run --privileged --rm {BINFMT_IMAGE} --install arm64")]);
        assert_eq!(
            line(&report, "linux/arm/v7").fixes,
            [format!("docker run --privileged --rm {BINFMT_IMAGE} --install arm")]
        );
        assert_eq!(report.exit_code(), 0, "warnings alone leave the environment ready");
    }

    #[test]
    fn missing_emulation_fails_when_an_app_runs_steps_on_the_target() {
        let sys = Fake::healthy("demo-builder", INSPECT_CONTAINER_AMD64);
        let report = diagnose(&plan(true), "demo-builder", &sys);
        let arm64 = line(&report, "linux/arm64");
        assert_eq!(arm64.status, Status::Fail);
        assert!(
            arm64.found.contains("api installs runtime packages, a step that runs on linux/arm64"),
            "{}",
            arm64.found
        );
        assert_eq!(report.exit_code(), EXIT_NOT_READY);
    }

    #[test]
    fn a_registered_qemu_handler_covers_a_platform_buildkit_did_not_list() {
        // The lab: dockerd 26 lists no linux/arm/v7, yet `RUN` for it works through qemu-arm (flags PF).
        let sys = Fake::healthy("default", INSPECT_DEFAULT_CONTAINERD).with_binfmt("qemu-arm", HANDLER_PF);
        let report = diagnose(&plan(true), "default", &sys);
        let v7 = line(&report, "linux/arm/v7");
        assert_eq!(v7.status, Status::Ok, "{}", report.render());
        assert!(v7.found.starts_with("QEMU handler qemu-arm is registered"));
        assert_eq!(report.exit_code(), 0);

        // Without the F flag the interpreter is not found inside build containers: re-register it.
        let no_f = HANDLER_PF.replace("flags: PF", "flags: P");
        let sys = Fake::healthy("default", INSPECT_DEFAULT_CONTAINERD).with_binfmt("qemu-arm", &no_f);
        let v7 = diagnose(&plan(true), "default", &sys).checks.pop().unwrap();
        assert_eq!(v7.status, Status::Fail);
        assert!(v7.found.contains("registered without the F flag"), "{}", v7.found);
        assert_eq!(
            v7.fixes,
            [format!("docker run --privileged --rm {BINFMT_IMAGE} --uninstall qemu-arm --install arm")]
        );
    }

    #[test]
    fn an_x86_64_machine_runs_386_even_when_buildkit_does_not_list_it() {
        let sys = Fake::healthy("default", INSPECT_DEFAULT_CONTAINERD);
        let p = plan_for("\"linux/amd64\", \"linux/386\"", true);
        let report = diagnose(&p, "default", &sys);
        assert_eq!(line(&report, "linux/386").status, Status::Ok, "{}", report.render());
        let mut arm = Fake::healthy("default", INSPECT_DEFAULT_CONTAINERD);
        arm.arch = "aarch64";
        assert_eq!(line(&diagnose(&p, "default", &arm), "linux/386").status, Status::Fail);
    }

    #[test]
    fn a_remote_builder_ignores_this_machine_and_says_where_to_register_qemu() {
        let remote = INSPECT_CONTAINER_AMD64
            .replace("docker-container", "remote")
            .replace("unix:///var/run/docker.sock", "tcp://10.0.0.5:1234");
        let sys = Fake::healthy("demo-builder", &remote).with_binfmt("qemu-aarch64", HANDLER_PF);
        let report = diagnose(&plan(false), "demo-builder", &sys);
        assert_eq!(line(&report, "linux/amd64").found, "builder demo-builder runs it");
        let arm64 = line(&report, "linux/arm64");
        assert_eq!(arm64.status, Status::Warn);
        assert!(arm64.fixes[0].starts_with("on the machine that runs BuildKit: docker run --privileged"));
    }

    #[test]
    fn an_arm64_machine_is_native_for_arm64_only() {
        let mut sys = Fake::healthy(
            "demo-builder",
            &INSPECT_CONTAINER_AMD64.replace("linux/amd64*, linux/amd64/v2, linux/386", "linux/arm64"),
        );
        sys.arch = "aarch64";
        let report = diagnose(&plan(false), "demo-builder", &sys);
        assert_eq!(line(&report, "linux/arm64").found, "native");
        assert_eq!(line(&report, "linux/amd64").status, Status::Warn);
        assert_eq!(
            line(&report, "linux/amd64").fixes,
            [format!("docker run --privileged --rm {BINFMT_IMAGE} --install amd64")]
        );
    }
}
