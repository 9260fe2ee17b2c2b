//! Which Docker engine the CLI talks to, so every fix fits it: one on this machine (rootful or rootless),
//! Docker Desktop's VM, or one elsewhere through `DOCKER_HOST`; and the engine's image store (its report line).
//!
//! The outputs relied on were read from the docker CLI's `docker info` template fields (`types.Info` of the Engine
//! API: `OperatingSystem`, `SecurityOptions`, `Driver`, `DriverStatus`) and Docker's documentation (2026-11):
//! - `{{json .SecurityOptions}}` prints `["name=seccomp,profile=builtin","name=rootless","name=cgroupns"]`; a
//!   rootless daemon lists `name=rootless` (the docker CLI's own rootless test reads it the same way);
//! - `{{json .OperatingSystem}}` is `"Docker Desktop"` for Docker Desktop's VM, the distribution name elsewhere;
//! - the containerd image store shows as `DriverStatus` `[["driver-type","io.containerd.snapshotter.v1"]]` and
//!   `Driver` `overlayfs`; the classic store as a graph driver (`overlay2`) with its own status rows;
//! - the containerd store is turned on with `"features": {"containerd-snapshotter": true}` in the daemon's
//!   `daemon.json` (`/etc/docker/`, or `~/.config/docker/` for a rootless daemon) and a restart, or in Docker
//!   Desktop under Settings > General > "Use containerd for pulling and storing images";
//! - `docker context inspect --format {{.Endpoints.docker.Host}}` prints the current context's socket.

use serde::Deserialize;

use super::{Check, Status, System};

/// `docker info` asked for exactly the fields doctor reads, as one JSON object.
pub(super) const INFO_FORMAT: &str = r#"{"os":{{json .OperatingSystem}},"security":{{json .SecurityOptions}},"driver":{{json .Driver}},"driver_status":{{json .DriverStatus}}}"#;

/// What `docker info --format INFO_FORMAT` printed.
#[derive(Debug, Default, Deserialize)]
struct Info {
    #[serde(default)]
    os: Option<String>,
    #[serde(default)]
    security: Option<Vec<String>>,
    #[serde(default)]
    driver: Option<String>,
    #[serde(default)]
    driver_status: Option<Vec<Vec<String>>>,
}

/// Where the engine runs, as far as fixing it goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Kind {
    /// A rootful daemon on this machine.
    Local,
    /// A rootless daemon: it cannot register binfmt_misc handlers, which need root on the host.
    Rootless,
    /// Docker Desktop: QEMU (and Rosetta on Apple silicon) come with its VM; settings, not commands, fix it.
    Desktop,
    /// An engine elsewhere, named by `DOCKER_HOST`: what it runs is that host's business.
    Remote { host: String },
}

/// The engine the CLI talks to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Engine {
    pub kind: Kind,
    /// `DOCKER_HOST`, when set: the report names it.
    pub docker_host: Option<String>,
    /// Whether images are stored by containerd; `None` when `docker info` did not say.
    pub containerd_store: Option<bool>,
    /// The graph driver of the classic store (`overlay2`), or why the store is unknown.
    pub store_detail: String,
}

impl Engine {
    /// Whether the engine is on another machine, so this machine's kernel and binfmt_misc do not matter.
    pub fn elsewhere(&self) -> bool {
        matches!(self.kind, Kind::Desktop | Kind::Remote { .. })
    }

    /// A few words for the docker line: which engine this is, when it is not a plain local one.
    pub fn describe(&self) -> Option<String> {
        match (&self.kind, &self.docker_host) {
            (Kind::Local, None) => None,
            (Kind::Local, Some(h)) => Some(format!("at DOCKER_HOST={h}")),
            (Kind::Rootless, None) => Some("rootless".into()),
            (Kind::Rootless, Some(h)) => Some(format!("rootless, at DOCKER_HOST={h}")),
            (Kind::Desktop, _) => Some("Docker Desktop".into()),
            (Kind::Remote { host }, _) => {
                Some(format!("remote, at DOCKER_HOST={host}: builds and QEMU run on that host"))
            }
        }
    }

    /// How to turn on the containerd image store on this engine.
    pub fn containerd_store_fix(&self) -> String {
        const FEATURE: &str = "add \"features\": {\"containerd-snapshotter\": true} to";
        match &self.kind {
            Kind::Desktop => "Docker Desktop: Settings > General > Use containerd for pulling and storing images, \
                              then Apply & restart"
                .into(),
            Kind::Rootless => format!("{FEATURE} ~/.config/docker/daemon.json, then systemctl --user restart docker"),
            Kind::Local => format!("{FEATURE} /etc/docker/daemon.json, then sudo systemctl restart docker"),
            Kind::Remote { host } => format!(
                "on the engine's host ({host}): {FEATURE} /etc/docker/daemon.json, then sudo systemctl restart docker"
            ),
        }
    }
}

/// A `unix://` socket under `$XDG_RUNTIME_DIR` (or `/run/user/UID`) is a rootless daemon's.
fn rootless_socket(host: &str, sys: &dyn System) -> bool {
    let Some(path) = host.strip_prefix("unix://") else { return false };
    let runtime_dir = sys.env("XDG_RUNTIME_DIR").filter(|d| !d.trim().is_empty());
    runtime_dir.is_some_and(|d| path.starts_with(&format!("{}/", d.trim_end_matches('/'))))
        || path.starts_with("/run/user/")
}

fn remote_host(host: &str) -> bool {
    !host.starts_with("unix://") && !host.starts_with("npipe://") && !host.is_empty()
}

fn desktop_socket(host: &str) -> bool {
    host.contains("/.docker/desktop/") || host.contains("/.docker/run/") || host.contains("dockerDesktop")
}

/// Which engine a socket address names, from the address alone (the engine did not answer).
fn kind_of_host(host: &str, sys: &dyn System) -> Kind {
    if desktop_socket(host) {
        Kind::Desktop
    } else if rootless_socket(host, sys) {
        Kind::Rootless
    } else if remote_host(host) {
        Kind::Remote { host: host.to_string() }
    } else {
        Kind::Local
    }
}

/// The engine behind an unreachable daemon: `DOCKER_HOST`, else the current context's socket.
pub(super) fn unreachable(sys: &dyn System) -> Engine {
    let docker_host = docker_host(sys);
    let host = docker_host.clone().or_else(|| {
        sys.docker(&["context", "inspect", "--format", "{{.Endpoints.docker.Host}}"])
            .ok()
            .filter(|r| r.code == 0)
            .map(|r| r.stdout.trim().to_string())
    });
    let kind = host.as_deref().map_or(Kind::Local, |h| kind_of_host(h, sys));
    Engine { kind, docker_host, containerd_store: None, store_detail: "the engine did not answer".into() }
}

fn docker_host(sys: &dyn System) -> Option<String> {
    sys.env("DOCKER_HOST").map(|h| h.trim().to_string()).filter(|h| !h.is_empty())
}

/// Asks a reachable engine what it is.
pub(super) fn probe(sys: &dyn System) -> Engine {
    let docker_host = docker_host(sys);
    let reply = sys.docker(&["info", "--format", INFO_FORMAT]);
    let (info, failure) = match reply {
        Ok(r) if r.code == 0 => match serde_json::from_str::<Info>(r.stdout.trim()) {
            Ok(info) => (info, None),
            Err(e) => (Info::default(), Some(format!("`docker info` printed what mkmulti cannot read ({e})"))),
        },
        Ok(r) => (Info::default(), Some(format!("`docker info` failed: {}", r.error_line()))),
        Err(e) => (Info::default(), Some(format!("`docker info` failed: {e}"))),
    };
    let desktop = info.os.as_deref().is_some_and(|os| os.contains("Docker Desktop"))
        || docker_host.as_deref().is_some_and(desktop_socket);
    let rootless = info.security.iter().flatten().any(|o| o.split(',').any(|f| f.trim() == "name=rootless"))
        || docker_host.as_deref().is_some_and(|h| rootless_socket(h, sys));
    let kind = if desktop {
        Kind::Desktop
    } else if let Some(h) = docker_host.as_deref().filter(|h| remote_host(h)) {
        Kind::Remote { host: h.to_string() }
    } else if rootless {
        Kind::Rootless
    } else {
        Kind::Local
    };
    let containerd_store = failure
        .is_none()
        .then(|| info.driver_status.iter().flatten().flatten().any(|v| v.starts_with("io.containerd.snapshotter")));
    let store_detail = match failure {
        Some(why) => why,
        None => info.driver.filter(|d| !d.is_empty()).unwrap_or_else(|| "unknown driver".into()),
    };
    Engine { kind, docker_host, containerd_store, store_detail }
}

/// The report line about the engine's image store: what `--load` and compose can keep.
pub(super) fn check_image_store(engine: &Engine) -> Check {
    let subject = "image store".to_string();
    match engine.containerd_store {
        Some(true) => Check {
            status: Status::Ok,
            subject,
            found: "containerd; `docker buildx build --load` and compose keep every platform of an image".into(),
            fixes: vec![],
        },
        Some(false) => Check {
            status: Status::Warn,
            subject,
            found: format!(
                "classic ({}); `docker buildx build --load` of several platforms fails, and compose and `--load` \
                 keep one platform per image (pushing keeps them all)",
                engine.store_detail
            ),
            fixes: vec![engine.containerd_store_fix()],
        },
        None => {
            Check { status: Status::Warn, subject, found: format!("unknown: {}", engine.store_detail), fixes: vec![] }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doctor::fake::{Fake, INFO_CLASSIC, INFO_CONTAINERD, INFO_DESKTOP, INFO_ROOTLESS, info, ok};

    #[test]
    fn the_engine_kind_comes_from_docker_info_and_docker_host() {
        let kind = |fake: Fake| probe(&fake).kind;
        assert_eq!(kind(Fake::default().with(&info(), ok(INFO_CONTAINERD))), Kind::Local);
        assert_eq!(kind(Fake::default().with(&info(), ok(INFO_ROOTLESS))), Kind::Rootless);
        assert_eq!(kind(Fake::default().with(&info(), ok(INFO_DESKTOP))), Kind::Desktop);
        let remote = Fake::default().with(&info(), ok(INFO_CLASSIC)).with_env("DOCKER_HOST", "ssh://ci@build-arm");
        assert_eq!(kind(remote), Kind::Remote { host: "ssh://ci@build-arm".into() });
        // A rootless daemon named by its socket, even where `docker info` lists no `name=rootless`.
        let socket = Fake::default()
            .with(&info(), ok(INFO_CONTAINERD))
            .with_env("XDG_RUNTIME_DIR", "/run/user/1000")
            .with_env("DOCKER_HOST", "unix:///run/user/1000/docker.sock");
        assert_eq!(kind(socket), Kind::Rootless);
        let rootful =
            Fake::default().with(&info(), ok(INFO_CONTAINERD)).with_env("DOCKER_HOST", "unix:///var/run/docker.sock");
        assert_eq!(kind(rootful), Kind::Local);
    }

    #[test]
    fn the_image_store_line_is_ok_on_containerd_and_warns_with_the_engines_fix_on_the_classic_store() {
        let store = |fake: Fake| check_image_store(&probe(&fake));
        let c = store(Fake::default().with(&info(), ok(INFO_CONTAINERD)));
        assert_eq!((c.status, c.fixes.len()), (Status::Ok, 0));
        assert!(c.found.starts_with("containerd;"), "{}", c.found);

        let c = store(Fake::default().with(&info(), ok(INFO_CLASSIC)));
        assert_eq!(c.status, Status::Warn);
        assert!(c.found.starts_with("classic (overlay2); `docker buildx build --load` of several platforms fails"));
        assert_eq!(
            c.fixes,
            ["add \"features\": {\"containerd-snapshotter\": true} to /etc/docker/daemon.json, then sudo systemctl \
              restart docker"]
        );

        let rootless_classic =
            INFO_ROOTLESS.replace("overlayfs", "overlay2").replace("io.containerd.snapshotter.v1", "x");
        let c = store(Fake::default().with(&info(), ok(&rootless_classic)));
        assert!(c.fixes[0].ends_with("~/.config/docker/daemon.json, then systemctl --user restart docker"), "{c:?}");

        let desktop_classic = INFO_DESKTOP.replace("io.containerd.snapshotter.v1", "x");
        let c = store(Fake::default().with(&info(), ok(&desktop_classic)));
        assert!(c.fixes[0].starts_with("Docker Desktop: Settings > General > Use containerd"), "{c:?}");

        let c = store(Fake::default().with(&info(), ok("Template parsing error: template: :1: function \"json\"")));
        assert_eq!((c.status, c.fixes.len()), (Status::Warn, 0));
        assert!(c.found.starts_with("unknown: `docker info` printed what mkmulti cannot read"), "{}", c.found);
    }

    #[test]
    fn an_unreachable_engine_is_placed_by_docker_host_or_the_context() {
        let rootless_context = Fake::default()
            .with_env("XDG_RUNTIME_DIR", "/run/user/1000")
            .with("context inspect --format {{.Endpoints.docker.Host}}", ok("unix:///run/user/1000/docker.sock\n"));
        assert_eq!(unreachable(&rootless_context).kind, Kind::Rootless);
        let remote = Fake::default().with_env("DOCKER_HOST", "tcp://10.0.0.5:2376");
        assert_eq!(unreachable(&remote).kind, Kind::Remote { host: "tcp://10.0.0.5:2376".into() });
    }
}
