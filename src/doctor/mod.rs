//! `mkmulti doctor`: checks that this machine can build the config's platforms (or, without a config, the
//! platforms most images need) before a build starts, and prints the command that fixes each gap.
//!
//! Every probe goes through [`System`] (`system`), so the checks are pure functions of command output and unit
//! tests feed canned answers. This module owns the report and runs the checks in order: the docker CLI and its
//! engine (`checks`, with which engine it is and its image store read in `engine`), buildx and the builder
//! (`checks`, reading `docker buildx inspect` through `inspect`), then emulation for every platform
//! (`platforms`); `target` says what they are checked for. It answers with an [`Answer`]: the text to print and
//! an [`Outcome`]. Printing it and turning the outcome into an exit code is the CLI's business, so nothing here
//! depends on `cli` or writes to the terminal.

use std::fmt::Write as _;

use crate::plan::Plan;

mod checks;
mod engine;
#[cfg(test)]
mod fake;
mod inspect;
mod platforms;
mod system;
mod target;

pub use checks::{builder_name, valid_builder_name};
pub use inspect::{Inspect, Node, parse_inspect};
pub use platforms::native_platform;
pub use system::{RealSystem, Reply, RunError, System};
pub use target::{COMMON_PLATFORMS, Source, Target};

use checks::{check_builder, check_buildx, check_docker};
use engine::check_image_store;
use platforms::check_platforms;

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

/// What `mkmulti doctor` concluded, for the CLI to turn into an exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Every check passed, or only warned.
    Ready,
    /// A check failed; its fix was printed.
    NotReady,
    /// The builder name or `--platforms` is not valid; docker was not asked.
    Usage,
}

/// What `mkmulti doctor` has to say: the report for standard output, the verdict for standard error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub outcome: Outcome,
    pub stdout: String,
    pub stderr: String,
}

/// Everything `doctor` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// Which platforms were checked, and why those.
    pub headline: String,
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

    /// No check failed; warnings leave the machine ready.
    pub fn ready(&self) -> bool {
        self.failed() == 0
    }

    /// The headline, then one line per check, each non-ok line followed by its indented `fix:` lines.
    pub fn render(&self) -> String {
        let mut s = format!("{}\n", self.headline);
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

/// Runs every check that the earlier ones leave meaningful.
pub fn diagnose(target: &Target, builder: &str, sys: &dyn System) -> Report {
    let headline = target.headline();
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
            return Report { headline, checks, skipped: Some("every other check needs the docker CLI".into()) };
        }
    };
    let engine = engine_up.then(|| engine::probe(sys));
    if let (Some(engine), Some(docker)) = (&engine, checks.last_mut())
        && let Some(which) = engine.describe()
    {
        let _ = write!(docker.found, " ({which})");
    }
    if let Some(engine) = &engine {
        checks.push(check_image_store(engine));
    }
    let buildx = check_buildx(sys);
    let buildx_ok = buildx.status == Status::Ok;
    checks.push(buildx);
    let Some(engine) = engine.filter(|_| buildx_ok) else {
        let why = if engine_up { "the buildx plugin" } else { "a reachable Docker engine" };
        return Report { headline, checks, skipped: Some(format!("the builder and platform checks need {why}")) };
    };
    let inspect = match check_builder(target, &engine, builder, sys) {
        Ok((check, inspect)) => {
            checks.push(check);
            inspect
        }
        Err(check) => {
            checks.push(check);
            let skipped = Some(format!("the platform checks need the builder {builder}"));
            return Report { headline, checks, skipped };
        }
    };
    checks.extend(check_platforms(target, &engine, builder, &inspect, sys));
    Report { headline, checks, skipped: None }
}

/// `mkmulti doctor` on this machine: `plan` is the config's, when there is one; `platforms` is `--platforms`.
pub fn run(plan: Option<&Plan>, builder: Option<&str>, platforms: Option<&str>) -> Answer {
    run_with(plan, builder, platforms, &RealSystem)
}

/// [`run`] on any [`System`].
pub fn run_with(plan: Option<&Plan>, builder: Option<&str>, platforms: Option<&str>, sys: &dyn System) -> Answer {
    let usage = |message: String| Answer { outcome: Outcome::Usage, stdout: String::new(), stderr: message };
    let target = match Target::new(plan, platforms) {
        Ok(t) => t,
        Err(e) => return usage(format!("mkmulti: {e}\n")),
    };
    let name = builder_name(&target, builder, sys);
    if !valid_builder_name(&name) {
        return usage(format!(
            "mkmulti: `{name}` is not a buildx builder name (a letter, then letters, digits, `.`, `_` or `-`)\n"
        ));
    }
    let report = diagnose(&target, &name, sys);
    let mut stdout = report.render();
    if report.ready() {
        let warnings = match report.warnings() {
            0 => String::new(),
            1 => " (1 warning)".into(),
            n => format!(" ({n} warnings)"),
        };
        let _ = writeln!(stdout, "mkmulti: ready to build {}{warnings}", target.oci_list());
        Answer { outcome: Outcome::Ready, stdout, stderr: String::new() }
    } else {
        let failed = report.failed();
        let stderr = format!(
            "mkmulti: not ready to build: {failed} check{} failed; run the fixes above, then `mkmulti doctor` again\n",
            if failed == 1 { "" } else { "s" }
        );
        Answer { outcome: Outcome::NotReady, stdout, stderr }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fake::{Fake, INSPECT_CONTAINER_AMD64, INSPECT_DEFAULT_CONTAINERD, plan, target};

    #[test]
    fn all_good_is_ok_everywhere_and_ready() {
        let sys = Fake::healthy(
            "demo-builder",
            INSPECT_DEFAULT_CONTAINERD.replace("linux/arm64,", "linux/arm64, linux/arm/v7,").as_str(),
        );
        let report = diagnose(&target(true), "demo-builder", &sys);
        assert!(report.checks.iter().all(|c| c.status == Status::Ok && c.fixes.is_empty()), "{}", report.render());
        assert!(report.ready());
        assert_eq!(
            report.render(),
            "\
checking linux/amd64, linux/arm64, linux/arm/v7: the platforms of multiarch.toml
ok    docker: client 28.2.2, engine 26.1.5
ok    image store: containerd; `docker buildx build --load` and compose keep every platform of an image
ok    buildx: v0.13.1
ok    builder demo-builder: driver docker on the containerd image store, builds several platforms at once
ok    linux/amd64: native
ok    linux/arm64: builder demo-builder runs it
ok    linux/arm/v7: builder demo-builder runs it
"
        );
    }

    #[test]
    fn run_answers_ready_not_ready_or_usage() {
        let sys = Fake::healthy("demo-builder", INSPECT_CONTAINER_AMD64);
        let ready = run_with(Some(&plan(false)), None, None, &sys);
        assert_eq!(ready.outcome, Outcome::Ready, "missing emulation only warns here");
        assert!(
            ready.stdout.ends_with("mkmulti: ready to build linux/amd64, linux/arm64, linux/arm/v7 (2 warnings)\n")
        );
        assert_eq!(ready.stderr, "");
        let not_ready = run_with(Some(&plan(true)), None, None, &sys);
        assert_eq!(not_ready.outcome, Outcome::NotReady, "an emulated step makes it fail");
        assert!(not_ready.stderr.starts_with("mkmulti: not ready to build: 2 checks failed"), "{}", not_ready.stderr);
        // The fake panics on any docker call it has no answer for: bad arguments are refused before asking.
        let bad_name = run_with(Some(&plan(false)), Some("x; rm -rf /"), None, &Fake::default());
        assert_eq!((bad_name.outcome, bad_name.stdout.as_str()), (Outcome::Usage, ""));
        assert!(bad_name.stderr.contains("is not a buildx builder name"), "{}", bad_name.stderr);
        let bad_platform = run_with(None, None, Some("linux/amd46"), &Fake::default());
        assert_eq!(bad_platform.outcome, Outcome::Usage);
        assert!(bad_platform.stderr.starts_with("mkmulti: --platforms: `linux/amd46`"), "{}", bad_platform.stderr);
    }

    #[test]
    fn without_a_config_the_common_two_are_checked_on_the_engines_builder() {
        let sys = Fake::healthy("default", INSPECT_DEFAULT_CONTAINERD);
        let answer = run_with(None, None, None, &sys);
        assert_eq!(answer.outcome, Outcome::Ready, "{}", answer.stdout);
        assert_eq!(
            answer.stdout,
            "\
checking linux/amd64, linux/arm64: no multiarch.toml here, so the two most images need (--platforms LIST checks others)
ok    docker: client 28.2.2, engine 26.1.5
ok    image store: containerd; `docker buildx build --load` and compose keep every platform of an image
ok    buildx: v0.13.1
ok    builder default: driver docker on the containerd image store, builds several platforms at once
ok    linux/amd64: native
ok    linux/arm64: builder default runs it
mkmulti: ready to build linux/amd64, linux/arm64
"
        );
        let flagged = run_with(None, None, Some("linux/riscv64"), &sys);
        assert!(flagged.stdout.starts_with("checking linux/riscv64: from --platforms\n"), "{}", flagged.stdout);
        assert!(flagged.stdout.contains("\nok    linux/riscv64: builder default runs it\n"), "{}", flagged.stdout);
    }
}
