//! `mkmulti doctor`: checks that this machine can build the config's platforms before a build starts, and
//! prints the command that fixes each gap.
//!
//! Every probe goes through [`System`] (`system`), so the checks are pure functions of command output and unit
//! tests feed canned answers. This module owns the report and runs the checks in order: the docker CLI, its
//! engine, buildx and the builder (`checks`, reading `docker buildx inspect` through `inspect`), then emulation
//! for every platform (`platforms`). It answers with an [`Outcome`]; turning that into an exit code is the CLI's
//! business, so nothing here depends on `cli`.

use std::fmt::Write as _;

use crate::plan::Plan;

mod checks;
#[cfg(test)]
mod fake;
mod inspect;
mod platforms;
mod system;

pub use checks::{builder_name, valid_builder_name};
pub use inspect::{Inspect, Node, parse_inspect};
pub use platforms::native_platform;
pub use system::{RealSystem, Reply, RunError, System};

use checks::{check_builder, check_buildx, check_docker};
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
    /// The builder name is not one buildx accepts; docker was not asked.
    InvalidBuilderName,
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

    /// No check failed; warnings leave the machine ready.
    pub fn ready(&self) -> bool {
        self.failed() == 0
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

/// `mkmulti doctor`: prints the report and returns what it concluded.
pub fn run(plan: &Plan, builder: Option<&str>) -> Outcome {
    run_with(plan, builder, &RealSystem)
}

/// [`run`] on any [`System`].
pub fn run_with(plan: &Plan, builder: Option<&str>, sys: &dyn System) -> Outcome {
    let name = builder_name(plan, builder, sys);
    if !valid_builder_name(&name) {
        eprintln!("mkmulti: `{name}` is not a buildx builder name (a letter, then letters, digits, `.`, `_` or `-`)");
        return Outcome::InvalidBuilderName;
    }
    let report = diagnose(plan, &name, sys);
    print!("{}", report.render());
    if report.ready() {
        let platforms: Vec<&str> = plan.platforms.iter().map(|p| p.oci).collect();
        let warnings = match report.warnings() {
            0 => String::new(),
            1 => " (1 warning)".into(),
            n => format!(" ({n} warnings)"),
        };
        println!("mkmulti: ready to build {}{warnings}", platforms.join(", "));
        Outcome::Ready
    } else {
        let failed = report.failed();
        eprintln!(
            "mkmulti: not ready to build: {failed} check{} failed; run the fixes above, then `mkmulti doctor` again",
            if failed == 1 { "" } else { "s" }
        );
        Outcome::NotReady
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fake::{Fake, INSPECT_CONTAINER_AMD64, INSPECT_DEFAULT_CONTAINERD, plan};

    #[test]
    fn all_good_is_ok_everywhere_and_ready() {
        let sys = Fake::healthy(
            "demo-builder",
            INSPECT_DEFAULT_CONTAINERD.replace("linux/arm64,", "linux/arm64, linux/arm/v7,").as_str(),
        );
        let report = diagnose(&plan(true), "demo-builder", &sys);
        assert!(report.checks.iter().all(|c| c.status == Status::Ok && c.fixes.is_empty()), "{}", report.render());
        assert!(report.ready());
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
    fn run_answers_ready_not_ready_or_invalid_builder_name() {
        let sys = Fake::healthy("demo-builder", INSPECT_CONTAINER_AMD64);
        assert_eq!(run_with(&plan(false), None, &sys), Outcome::Ready, "missing emulation only warns here");
        assert_eq!(run_with(&plan(true), None, &sys), Outcome::NotReady, "an emulated step makes it fail");
        // The fake panics on any docker call it has no answer for: an invalid name is refused before asking.
        assert_eq!(run_with(&plan(false), Some("x; rm -rf /"), &Fake::default()), Outcome::InvalidBuilderName);
    }
}
