//! The per-platform lines of the report: for every platform of the config that is not native, whether the
//! builder can run it (QEMU emulation), and the command that registers QEMU where it cannot.
//!
//! The platform list a builder prints is BuildKit's own probe, and it can miss a working emulator: with the lab's
//! dockerd 26 it left out `linux/arm/v7` while `RUN` steps for it ran under the registered `qemu-arm`. So for a
//! builder on this machine a platform it does not list still counts when the kernel has a QEMU handler for it
//! with the `F` flag (the interpreter is opened at registration, so it works inside build containers).

use super::{Check, Inspect, Status, System};
use crate::actions::BINFMT_IMAGE;
use crate::plan::Plan;
use crate::platform::{self, PlatformInfo};

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

/// Whether the builder's BuildKit runs on this machine's kernel, so this machine's binfmt_misc is what it uses.
fn builder_runs_here(inspect: &Inspect, sys: &dyn System) -> bool {
    let remote_host = |h: &str| h.starts_with("tcp://") || h.starts_with("ssh://") || h.contains("/.docker/desktop/");
    sys.os() == "linux"
        && matches!(inspect.driver.as_str(), "docker" | "docker-container")
        && !sys.env("DOCKER_HOST").is_some_and(|h| remote_host(&h))
        && inspect.nodes.iter().all(|n| !remote_host(&n.endpoint) && n.endpoint != "desktop-linux")
}

/// Every platform of the config that is not native: the builder runs it (QEMU), or the fix registers QEMU.
pub(super) fn check_platforms(plan: &Plan, builder: &str, inspect: &Inspect, sys: &dyn System) -> Vec<Check> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doctor::diagnose;
    use crate::doctor::fake::{Fake, INSPECT_CONTAINER_AMD64, INSPECT_DEFAULT_CONTAINERD, line, plan, plan_for};

    const HANDLER_PF: &str = "enabled\ninterpreter /usr/libexec/qemu-binfmt/arm-binfmt-P\nflags: PF\noffset 0\n";

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
        assert!(report.ready(), "warnings alone leave the environment ready");
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
        assert!(!report.ready());
    }

    #[test]
    fn a_registered_qemu_handler_covers_a_platform_buildkit_did_not_list() {
        // The lab: dockerd 26 lists no linux/arm/v7, yet `RUN` for it works through qemu-arm (flags PF).
        let sys = Fake::healthy("default", INSPECT_DEFAULT_CONTAINERD).with_binfmt("qemu-arm", HANDLER_PF);
        let report = diagnose(&plan(true), "default", &sys);
        let v7 = line(&report, "linux/arm/v7");
        assert_eq!(v7.status, Status::Ok, "{}", report.render());
        assert!(v7.found.starts_with("QEMU handler qemu-arm is registered"));
        assert!(report.ready());

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
