//! What the unit tests of `doctor` answer with: [`Fake`], a [`System`] that replies from tables, the recorded
//! `docker buildx inspect` and `docker info` outputs, and the configs they diagnose.

use std::collections::BTreeMap;

use super::engine::INFO_FORMAT;
use super::{Check, Reply, Report, RunError, System, Target};
use crate::plan::Plan;

/// `docker info --format INFO_FORMAT` of a rootful dockerd 26.1.5 on Ubuntu with the containerd image store.
pub(super) const INFO_CONTAINERD: &str = r#"{"os":"Ubuntu 24.04.1 LTS","security":["name=apparmor","name=seccomp,profile=builtin","name=cgroupns"],"driver":"overlayfs","driver_status":[["driver-type","io.containerd.snapshotter.v1"]]}
"#;

/// The same engine on the classic store: the overlay2 graph driver.
pub(super) const INFO_CLASSIC: &str = r#"{"os":"Ubuntu 24.04.1 LTS","security":["name=apparmor","name=seccomp,profile=builtin","name=cgroupns"],"driver":"overlay2","driver_status":[["Backing Filesystem","extfs"],["Supports d_type","true"],["Using metacopy","false"],["Native Overlay Diff","true"],["userxattr","false"]]}
"#;

/// A rootless dockerd (installed by `dockerd-rootless-setuptool.sh`): `name=rootless` among the options.
pub(super) const INFO_ROOTLESS: &str = r#"{"os":"Ubuntu 24.04.1 LTS","security":["name=seccomp,profile=builtin","name=rootless","name=cgroupns"],"driver":"overlayfs","driver_status":[["driver-type","io.containerd.snapshotter.v1"]]}
"#;

/// Docker Desktop's VM, containerd store on (the default since Docker Desktop 4.34).
pub(super) const INFO_DESKTOP: &str = r#"{"os":"Docker Desktop","security":["name=seccomp,profile=unconfined","name=cgroupns"],"driver":"overlayfs","driver_status":[["driver-type","io.containerd.snapshotter.v1"]]}
"#;

/// The arguments of the `docker info` probe, as [`Fake`] keys them.
pub(super) fn info() -> String {
    format!("info --format {INFO_FORMAT}")
}

/// The arguments of the context probe (asked only when the engine is down), as [`Fake`] keys them.
pub(super) const CONTEXT: &str = "context inspect --format {{.Endpoints.docker.Host}}";

/// docker CLI 28.2.2 against the lab's dockerd 26.1.5 (containerd image store) with buildx 0.13.1, verbatim.
pub(super) const INSPECT_DEFAULT_CONTAINERD: &str = "\
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
pub(super) const INSPECT_DEFAULT_CLASSIC: &str = "\
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
pub(super) const INSPECT_CONTAINER_AMD64: &str = "\
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

/// The arguments of the engine probe, as [`Fake`] keys them.
pub(super) const VERSION: &str = "version --format {{.Client.Version}} {{.Server.Version}}";

#[derive(Default)]
pub(super) struct Fake {
    pub(super) replies: BTreeMap<String, Result<Reply, RunError>>,
    pub(super) binfmt: BTreeMap<String, String>,
    pub(super) env: BTreeMap<String, String>,
    pub(super) arch: &'static str,
}

pub(super) fn ok(stdout: &str) -> Result<Reply, RunError> {
    Ok(Reply { code: 0, stdout: stdout.into(), stderr: String::new() })
}

pub(super) fn err(stderr: &str) -> Result<Reply, RunError> {
    Ok(Reply { code: 1, stdout: String::new(), stderr: stderr.into() })
}

impl Fake {
    /// docker 28.2.2, a rootful engine up on the containerd store, buildx installed, `builder` inspected as
    /// `inspect`, on an amd64 Linux host.
    pub(super) fn healthy(builder: &str, inspect: &str) -> Fake {
        let mut f = Fake { arch: "x86_64", ..Fake::default() };
        f.replies.insert(VERSION.into(), ok("28.2.2 26.1.5\n"));
        f.replies.insert(info(), ok(INFO_CONTAINERD));
        f.replies.insert(CONTEXT.into(), ok("unix:///var/run/docker.sock\n"));
        f.replies.insert("buildx version".into(), ok("github.com/docker/buildx v0.13.1 788433953af1\n"));
        f.replies.insert(format!("buildx inspect --bootstrap {builder}"), ok(inspect));
        f
    }

    pub(super) fn with(mut self, args: &str, reply: Result<Reply, RunError>) -> Fake {
        self.replies.insert(args.into(), reply);
        self
    }

    pub(super) fn with_env(mut self, key: &str, value: &str) -> Fake {
        self.env.insert(key.into(), value.into());
        self
    }

    pub(super) fn with_binfmt(mut self, name: &str, text: &str) -> Fake {
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

/// linux/amd64, linux/arm64 and linux/arm/v7; `packages` gives the app a step that runs on the target.
pub(super) fn plan(packages: bool) -> Plan {
    plan_for("\"linux/amd64\", \"linux/arm64\", \"linux/arm/v7\"", packages)
}

pub(super) fn plan_for(platforms: &str, packages: bool) -> Plan {
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

/// What [`plan`] asks of the machine.
pub(super) fn target(packages: bool) -> Target {
    Target::new(Some(&plan(packages)), None).expect("the plan's platforms")
}

/// What [`plan_for`] asks of the machine.
pub(super) fn target_for(platforms: &str, packages: bool) -> Target {
    Target::new(Some(&plan_for(platforms, packages)), None).expect("the plan's platforms")
}

/// The report's line about `subject`; panics with the whole report when there is none.
pub(super) fn line<'r>(report: &'r Report, subject: &str) -> &'r Check {
    report.checks.iter().find(|c| c.subject == subject).unwrap_or_else(|| panic!("no {subject}:\n{}", report.render()))
}
