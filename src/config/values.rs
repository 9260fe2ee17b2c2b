//! The closed sets of values some keys take (`language`, `runtime`, `rust.libc`, ...): one enum each, kebab-case
//! in the file.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The language an app is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(transform = super::schema::closed_set)]
pub enum Language {
    /// A Go module; built with `CGO_ENABLED=0` for each target.
    Go,
    /// A Cargo package or workspace member; built with `cargo build --target <triple>`.
    Rust,
}

impl Language {
    /// The `[[app]]` keys only this language reads; the other language's are errors.
    pub fn own_keys(self) -> &'static [&'static str] {
        match self {
            Language::Go => &["main", "go"],
            Language::Rust => &["package", "rust"],
        }
    }

    /// The language whose keys are errors in an app of this one.
    pub fn other(self) -> Language {
        match self {
            Language::Go => Language::Rust,
            Language::Rust => Language::Go,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Language::Go => "go",
            Language::Rust => "rust",
        }
    }
}

/// The runtime base image family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(transform = super::schema::closed_set)]
pub enum Runtime {
    /// An empty image: only the binary, CA certificates and a passwd entry are copied in. Static binaries only.
    Scratch,
    /// Google's distroless Debian 12 images, picked by how the binary links: `static` for static binaries
    /// (Go without cgo, Rust with musl), `cc` for binaries that need glibc (Rust with glibc, Go with cgo).
    Distroless,
    /// `gcr.io/distroless/static-debian12`: no libc at all. Static binaries only.
    DistrolessStatic,
    /// `gcr.io/distroless/cc-debian12`: glibc and libgcc, for dynamically linked binaries.
    DistrolessCc,
    /// Alpine Linux (musl): small, with a shell and `apk`. Static binaries only.
    Alpine,
    /// Debian bookworm slim: glibc, a shell and `apt-get`.
    DebianSlim,
}

/// The C library a Rust binary links.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(transform = super::schema::closed_set)]
pub enum RustLibc {
    /// glibc, linked dynamically, with Debian's cross gcc.
    Gnu,
    /// musl, linked statically, with zig (cargo-zigbuild).
    Musl,
}

/// Where compiled Rust dependencies are cached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(transform = super::schema::closed_set)]
pub enum RustCache {
    /// BuildKit cache mounts: local to the builder, nothing to install.
    Mounts,
    /// cargo-chef: dependencies in an image layer, exportable with the build cache.
    Chef,
}

/// A compose restart policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(transform = super::schema::closed_set)]
pub enum RestartPolicy {
    /// Never restart the container.
    No,
    /// Always restart it; a container stopped by hand starts again when the Docker daemon restarts.
    Always,
    /// Restart it when it exits with a non-zero status.
    OnFailure,
    /// Always restart it, unless it was stopped by hand.
    UnlessStopped,
}

/// How `scripts/validate-multiarch.sh` (and `make docker-test-multi`, which runs it) proves each platform's image
/// runs. Every mode is bounded by `SMOKE_TIMEOUT`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(transform = super::schema::closed_set)]
pub enum SmokeMode {
    /// Run the image with `smoke-test` as its arguments; it must exit 0. For tools and one-shot commands.
    Command,
    /// Start the image as a server (with `smoke-test` as its arguments when set, else the app's `args`) and wait
    /// until Docker reports its health check healthy, or, without a health check, until it has kept running for
    /// `SMOKE_SETTLE` seconds (default 5). Exiting early fails. For apps that serve and ignore `--version`.
    Server,
    /// Only check the manifest list; run nothing (an app that cannot start without its database, say).
    Off,
}

/// How the generated workflow spreads platforms over runners.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(transform = super::schema::closed_set)]
pub enum CiStrategy {
    /// One job per app builds every platform on an x86-64 runner. mkmulti's Dockerfiles cross-compile, so this
    /// is fast unless an app installs runtime packages (then foreign platforms run those steps under QEMU).
    Single,
    /// One job per app and platform on a runner of that architecture (`ubuntu-24.04` for x86, `ubuntu-24.04-arm`
    /// for Arm), each pushing by digest, then a job that merges the digests into one manifest list with
    /// `docker buildx imagetools create`. Worth it when runtime stages run commands.
    Native,
}

/// How the generated workflow pins the actions it uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(transform = super::schema::closed_set)]
pub enum PinActions {
    /// By full commit SHA with the release in a comment (`@<sha> # v7.0.0`): a moved tag cannot change what
    /// runs with the workflow's registry credentials. mkmulti updates the pins when it is upgraded.
    Sha,
    /// By major version tag (`@v7`): fixes arrive without regenerating. Each line carries a comment telling
    /// zizmor's `unpinned-uses` audit that this is deliberate.
    Tag,
}

impl RestartPolicy {
    /// The policy as compose and the config write it.
    pub fn name(self) -> &'static str {
        match self {
            RestartPolicy::No => "no",
            RestartPolicy::Always => "always",
            RestartPolicy::OnFailure => "on-failure",
            RestartPolicy::UnlessStopped => "unless-stopped",
        }
    }
}

impl SmokeMode {
    /// The mode as the config and the validate script write it.
    pub fn name(self) -> &'static str {
        match self {
            SmokeMode::Command => "command",
            SmokeMode::Server => "server",
            SmokeMode::Off => "off",
        }
    }
}

impl Runtime {
    /// The family as the config writes it.
    pub fn name(self) -> &'static str {
        match self {
            Runtime::Scratch => "scratch",
            Runtime::Distroless => "distroless",
            Runtime::DistrolessStatic => "distroless-static",
            Runtime::DistrolessCc => "distroless-cc",
            Runtime::Alpine => "alpine",
            Runtime::DebianSlim => "debian-slim",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The names are the serde names: one spelling in the file, in messages and in compose.
    #[test]
    fn names_are_what_the_config_writes() {
        for p in [RestartPolicy::No, RestartPolicy::Always, RestartPolicy::OnFailure, RestartPolicy::UnlessStopped] {
            assert_eq!(serde_json::to_value(p).unwrap(), p.name());
        }
        for r in [
            Runtime::Scratch,
            Runtime::Distroless,
            Runtime::DistrolessStatic,
            Runtime::DistrolessCc,
            Runtime::Alpine,
            Runtime::DebianSlim,
        ] {
            assert_eq!(serde_json::to_value(r).unwrap(), r.name());
        }
        for m in [SmokeMode::Command, SmokeMode::Server, SmokeMode::Off] {
            assert_eq!(serde_json::to_value(m).unwrap(), m.name());
        }
    }
}
