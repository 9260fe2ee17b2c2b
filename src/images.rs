//! Default base images and the platforms each one publishes.
//!
//! A dated snapshot, checked 2026-11 against docker-library/official-images `library/*` and the distroless
//! image indexes. Platform lists drift: when a base gains a platform, update the list and its date here.
//! Builder images run on the build machine only (`FROM --platform=$BUILDPLATFORM`), so only runtime images
//! are checked against the target platforms.

use crate::config::{Language, Runtime};

/// Go version for the builder when neither the config nor `go.mod` names one.
pub const DEFAULT_GO_VERSION: &str = "1.25";
/// Rust version for the builder (`rust:1-bookworm` follows the latest stable 1.x).
pub const DEFAULT_RUST_VERSION: &str = "1";

pub fn go_builder(version: &str) -> String {
    format!("golang:{version}-bookworm")
}

pub fn rust_builder(version: &str) -> String {
    format!("rust:{version}-bookworm")
}

/// A runtime base image family resolved for one language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuntimeBase {
    /// Default reference; `None` for `scratch`.
    pub image: Option<&'static str>,
    /// Platforms the image publishes (OCI form).
    pub platforms: &'static [&'static str],
    /// Runs glibc-linked binaries.
    pub glibc: bool,
    /// Has `/bin/sh`.
    pub shell: bool,
    /// Has an `/etc/passwd` to extend with the app's user.
    pub passwd: bool,
    /// Its package manager, for extra runtime packages.
    pub package_manager: Option<PackageManager>,
    /// Ships CA certificates and time zone data already.
    pub certs: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PackageManager {
    Apk,
    Apt,
}

const ALL: &[&str] = &[
    "linux/amd64",
    "linux/arm64",
    "linux/arm/v7",
    "linux/arm/v6",
    "linux/386",
    "linux/riscv64",
    "linux/ppc64le",
    "linux/s390x",
];

/// alpine:3.22: amd64 arm32v6 arm32v7 arm64v8 i386 ppc64le riscv64 s390x.
const ALPINE: &[&str] = ALL;
/// debian:bookworm-slim: amd64 arm32v5 arm32v7 arm64v8 i386 mips64le ppc64le s390x (no arm/v6, no riscv64).
const DEBIAN_BOOKWORM: &[&str] =
    &["linux/amd64", "linux/arm64", "linux/arm/v7", "linux/386", "linux/ppc64le", "linux/s390x"];
/// gcr.io/distroless/{static,cc}-debian12: amd64 arm64 arm ppc64le s390x.
const DISTROLESS_12: &[&str] = &["linux/amd64", "linux/arm64", "linux/arm/v7", "linux/ppc64le", "linux/s390x"];

/// The runtime base for a family and language. Go binaries are static (`CGO_ENABLED=0`); Rust binaries
/// link glibc dynamically.
pub fn runtime_base(runtime: Runtime, language: Language) -> RuntimeBase {
    match runtime {
        Runtime::Scratch => RuntimeBase {
            image: None,
            platforms: ALL,
            glibc: false,
            shell: false,
            passwd: false,
            package_manager: None,
            certs: false,
        },
        Runtime::Distroless => RuntimeBase {
            image: Some(match language {
                Language::Go => "gcr.io/distroless/static-debian12:nonroot",
                Language::Rust => "gcr.io/distroless/cc-debian12:nonroot",
            }),
            platforms: DISTROLESS_12,
            glibc: language == Language::Rust,
            shell: false,
            passwd: true,
            package_manager: None,
            certs: true,
        },
        Runtime::Alpine => RuntimeBase {
            image: Some("alpine:3.22"),
            platforms: ALPINE,
            glibc: false,
            shell: true,
            passwd: true,
            package_manager: Some(PackageManager::Apk),
            certs: false,
        },
        Runtime::DebianSlim => RuntimeBase {
            image: Some("debian:bookworm-slim"),
            platforms: DEBIAN_BOOKWORM,
            glibc: true,
            shell: true,
            passwd: true,
            package_manager: Some(PackageManager::Apt),
            certs: false,
        },
    }
}

/// The family's published platforms, when `image` is the family's own image (any tag or digest of it).
pub fn known_platforms(runtime: Runtime, language: Language, image: &str) -> Option<&'static [&'static str]> {
    let base = runtime_base(runtime, language);
    let default = base.image?;
    let repo = |r: &str| {
        r.split(['@'])
            .next()
            .map(|n| n.rsplit_once(':').filter(|(_, t)| !t.contains('/')).map_or(n, |(n, _)| n).to_string())
    };
    (repo(default) == repo(image)).then_some(base.platforms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_platforms_match_any_tag_of_the_family_image() {
        let p = known_platforms(Runtime::Alpine, Language::Go, "alpine:3.23@sha256:0123").unwrap();
        assert!(p.contains(&"linux/riscv64"));
        assert!(known_platforms(Runtime::Alpine, Language::Go, "example.com/alpine:3").is_none());
        assert!(
            !known_platforms(Runtime::DebianSlim, Language::Rust, "debian:bookworm-slim")
                .unwrap()
                .contains(&"linux/arm/v6")
        );
    }

    #[test]
    fn every_listed_platform_is_known() {
        for p in ALL.iter().chain(DEBIAN_BOOKWORM).chain(DISTROLESS_12) {
            assert!(crate::platform::by_oci(p).is_some(), "{p}");
        }
    }
}
