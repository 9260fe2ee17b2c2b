//! The per-platform lines of the report: for every platform checked that is not native, whether the builder can
//! run it (QEMU emulation), and what registers QEMU where it cannot, for the engine at hand: `tonistiigi/binfmt`
//! on a rootful engine (on its kernel, so on that host when `DOCKER_HOST` names another machine), `sudo` or the
//! host's `qemu-user-static` under rootless Docker (binfmt_misc needs root on the host), and Docker Desktop's own
//! settings there (its VM brings QEMU, and Rosetta on Apple silicon).
//!
//! The platform list a builder prints is BuildKit's own probe, and it can miss a working emulator: with the lab's
//! dockerd 26 it left out `linux/arm/v7` while `RUN` steps for it ran under the registered `qemu-arm`. So for a
//! builder on this machine a platform it does not list still counts when the kernel has a QEMU handler for it
//! with the `F` flag (the interpreter is opened at registration, so it works inside build containers).

use super::engine::{Engine, Kind};
use super::{Check, Inspect, Status, System, Target};
use crate::actions::BINFMT_IMAGE;
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
fn builder_runs_here(inspect: &Inspect, engine: &Engine, sys: &dyn System) -> bool {
    let remote_host = |h: &str| h.starts_with("tcp://") || h.starts_with("ssh://") || h.contains("/.docker/desktop/");
    sys.os() == "linux"
        && !engine.elsewhere()
        && matches!(inspect.driver.as_str(), "docker" | "docker-container")
        && inspect.nodes.iter().all(|n| !remote_host(&n.endpoint) && n.endpoint != "desktop-linux")
}

/// What registers QEMU for `p` where the engine runs; `reinstall` names a stale handler to replace.
fn register_fixes(p: &PlatformInfo, engine: &Engine, reinstall: Option<&str>, sys: &dyn System) -> Vec<String> {
    let args = match reinstall {
        Some(name) => format!("--uninstall {name} --install {}", p.arch),
        None => format!("--install {}", p.arch),
    };
    let register = format!("docker run --privileged --rm {BINFMT_IMAGE} {args}");
    match &engine.kind {
        Kind::Local => vec![register],
        Kind::Remote { host } => vec![format!(
            "{register}   (registers QEMU on the kernel of the engine at DOCKER_HOST={host}, not on this machine)"
        )],
        Kind::Rootless => vec![
            format!(
                "sudo docker --host unix:///var/run/docker.sock run --privileged --rm {BINFMT_IMAGE} {args}   \
                 (rootless Docker cannot register QEMU: binfmt_misc needs root on the host; this uses the rootful \
                 engine)"
            ),
            "or register QEMU on the host: sudo apt-get install qemu-user-static binfmt-support".into(),
        ],
        Kind::Desktop => {
            let rosetta = p.oci == "linux/amd64" && matches!(sys.arch(), "aarch64" | "arm64");
            let setting = if engine.containerd_store == Some(true) {
                "restart Docker Desktop, or update it if the platform stays missing"
            } else {
                "turn on Settings > General > Use containerd for pulling and storing images, then Apply & restart (the \
                 engine's builder then lists and builds every emulated platform)"
            };
            let mut fixes = vec![format!("Docker Desktop brings QEMU itself, so no binfmt command applies: {setting}")];
            if rosetta {
                fixes.push(
                    "for linux/amd64 on Apple silicon: Settings > General > Use Rosetta for x86_64/amd64 emulation \
                     on Apple Silicon"
                        .into(),
                );
            }
            fixes
        }
    }
}

/// Every platform checked that is not native: the builder runs it (QEMU), or the fix registers QEMU.
pub(super) fn check_platforms(
    target: &Target,
    engine: &Engine,
    builder: &str,
    inspect: &Inspect,
    sys: &dyn System,
) -> Vec<Check> {
    let listed = inspect.platforms();
    let native = native_platform(sys.arch()).map(|p| p.oci);
    let here = builder_runs_here(inspect, engine, sys);
    let mut checks = Vec::new();
    for p in target.platforms.iter().copied() {
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
        let emulating = target.emulating(p.oci);
        let (status, why) = if !emulating.is_empty() {
            (
                Status::Fail,
                format!(
                    "{} {} runtime packages, a step that runs on {}",
                    emulating.join(", "),
                    if emulating.len() == 1 { "installs" } else { "install" },
                    p.oci
                ),
            )
        } else if target.project.is_none() {
            (
                Status::Warn,
                "a Dockerfile that RUNs a step on it needs it (mkmulti's generated ones cross-compile), and so does \
                 running the image"
                    .to_string(),
            )
        } else {
            (
                Status::Warn,
                "builds cross-compile without it, but `make docker-test-multi` and the validate script run the image"
                    .to_string(),
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
        let mut fixes = register_fixes(p, engine, stale.map(|(name, _)| name), sys);
        if matches!(inspect.driver.as_str(), "kubernetes" | "remote") {
            // BuildKit runs neither here nor in the engine: its own machine needs QEMU.
            let register = format!("docker run --privileged --rm {BINFMT_IMAGE} --install {}", p.arch);
            fixes = vec![format!("on the machine that runs BuildKit: {register}")];
        }
        checks.push(Check { status, subject, found, fixes });
    }
    checks
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doctor::Target;
    use crate::doctor::diagnose;
    use crate::doctor::fake::{
        Fake, INFO_DESKTOP, INFO_ROOTLESS, INSPECT_CONTAINER_AMD64, INSPECT_DEFAULT_CONTAINERD, info, line, ok, target,
        target_for,
    };

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
        let report = diagnose(&target(false), "demo-builder", &sys);
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
        let report = diagnose(&target(true), "demo-builder", &sys);
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
        let report = diagnose(&target(true), "default", &sys);
        let v7 = line(&report, "linux/arm/v7");
        assert_eq!(v7.status, Status::Ok, "{}", report.render());
        assert!(v7.found.starts_with("QEMU handler qemu-arm is registered"));
        assert!(report.ready());

        // Without the F flag the interpreter is not found inside build containers: re-register it.
        let no_f = HANDLER_PF.replace("flags: PF", "flags: P");
        let sys = Fake::healthy("default", INSPECT_DEFAULT_CONTAINERD).with_binfmt("qemu-arm", &no_f);
        let v7 = diagnose(&target(true), "default", &sys).checks.pop().unwrap();
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
        let p = target_for("\"linux/amd64\", \"linux/386\"", true);
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
        let report = diagnose(&target(false), "demo-builder", &sys);
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
        let report = diagnose(&target(false), "demo-builder", &sys);
        assert_eq!(line(&report, "linux/arm64").found, "native");
        assert_eq!(line(&report, "linux/amd64").status, Status::Warn);
        assert_eq!(
            line(&report, "linux/amd64").fixes,
            [format!("docker run --privileged --rm {BINFMT_IMAGE} --install amd64")]
        );
    }

    #[test]
    fn without_a_config_missing_emulation_warns_about_dockerfiles_that_run_steps() {
        let sys = Fake::healthy("default", INSPECT_CONTAINER_AMD64.replace("demo-builder", "default").as_str());
        let common = Target::new(None, None).unwrap();
        let arm64 = line(&diagnose(&common, "default", &sys), "linux/arm64").clone();
        assert_eq!(arm64.status, Status::Warn);
        assert!(arm64.found.contains("a Dockerfile that RUNs a step on it needs it"), "{}", arm64.found);
        assert_eq!(arm64.fixes, [format!("docker run --privileged --rm {BINFMT_IMAGE} --install arm64")]);
    }

    #[test]
    fn a_remote_engine_gets_the_register_command_for_its_own_kernel() {
        // This machine's registered handler does not count: the builder runs on the engine's host.
        let sys = Fake::healthy("demo-builder", INSPECT_CONTAINER_AMD64)
            .with_env("DOCKER_HOST", "ssh://ci@build-host")
            .with_binfmt("qemu-aarch64", HANDLER_PF);
        let report = diagnose(&target(false), "demo-builder", &sys);
        assert_eq!(line(&report, "linux/amd64").found, "builder demo-builder runs it", "not `native` either");
        assert_eq!(
            line(&report, "linux/arm64").fixes,
            [format!(
                "docker run --privileged --rm {BINFMT_IMAGE} --install arm64   (registers QEMU on the kernel of the \
                 engine at DOCKER_HOST=ssh://ci@build-host, not on this machine)"
            )]
        );
    }

    #[test]
    fn rootless_docker_registers_qemu_through_root_on_the_host() {
        let sys = Fake::healthy("demo-builder", INSPECT_CONTAINER_AMD64).with(&info(), ok(INFO_ROOTLESS));
        let report = diagnose(&target(false), "demo-builder", &sys);
        assert_eq!(line(&report, "linux/amd64").found, "native", "a rootless engine shares this machine's kernel");
        assert_eq!(line(&report, "docker").found, "client 28.2.2, engine 26.1.5 (rootless)");
        assert_eq!(
            line(&report, "linux/arm64").fixes,
            [
                format!(
                    "sudo docker --host unix:///var/run/docker.sock run --privileged --rm {BINFMT_IMAGE} --install \
                     arm64   (rootless Docker cannot register QEMU: binfmt_misc needs root on the host; this uses the \
                     rootful engine)"
                ),
                "or register QEMU on the host: sudo apt-get install qemu-user-static binfmt-support".into(),
            ]
        );
    }

    #[test]
    fn docker_desktop_points_at_its_settings_not_at_binfmt() {
        let mut sys = Fake::healthy(
            "default",
            &INSPECT_DEFAULT_CONTAINERD.replace("Endpoint:         default", "Endpoint:         desktop-linux"),
        )
        .with(&info(), ok(INFO_DESKTOP));
        sys.arch = "aarch64";
        let report =
            diagnose(&target_for("\"linux/amd64\", \"linux/arm64\", \"linux/arm/v7\"", false), "default", &sys);
        assert_eq!(line(&report, "linux/arm64").found, "builder default runs it");
        let v7 = line(&report, "linux/arm/v7");
        assert_eq!(v7.status, Status::Warn);
        assert_eq!(v7.fixes.len(), 1, "{v7:?}");
        assert_eq!(
            v7.fixes[0],
            "Docker Desktop brings QEMU itself, so no binfmt command applies: restart Docker Desktop, or update it if \
             the platform stays missing",
            "the containerd store is on already"
        );
        assert!(v7.fixes.iter().all(|f| !f.contains(BINFMT_IMAGE)));

        // linux/amd64 on Apple silicon: Rosetta is the other setting.
        let arm_only =
            INSPECT_DEFAULT_CONTAINERD.replace("linux/amd64, linux/amd64/v2, linux/amd64/v3, linux/amd64/v4, ", "");
        let mut sys = Fake::healthy("default", &arm_only).with(&info(), ok(INFO_DESKTOP));
        sys.arch = "aarch64";
        let amd64 = line(&diagnose(&target(false), "default", &sys), "linux/amd64").clone();
        assert!(amd64.fixes[1].contains("Use Rosetta for x86_64/amd64 emulation on Apple Silicon"), "{amd64:?}");
    }
}
