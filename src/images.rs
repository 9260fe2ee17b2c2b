//! Default base images and the platforms each one publishes.
//!
//! A dated snapshot, checked 2026-11 against docker-library/official-images `library/*` and the distroless
//! image indexes. Platform lists drift: when a base gains a platform, update the list and its date here.
//! Builder images run on the build machine only (`FROM --platform=$BUILDPLATFORM`), so only runtime images
//! are checked against the target platforms.

use crate::config::Runtime;

/// Build tools installed on the build machine for some configs, pinned.
/// cargo-zigbuild and zig come from their PyPI wheels (manylinux x86_64 and aarch64, so amd64 and arm64 build
/// machines). Checked 2026-11-22: cargo-zigbuild 0.24.0 with ziglang 0.15.2 links a crate with C and assembly
/// (`ring` 0.17) for `x86_64-` and `aarch64-unknown-linux-musl`; cargo-chef 0.1.78 is the latest on crates.io
/// and has `cook --zigbuild --target --profile`.
pub const CARGO_ZIGBUILD_VERSION: &str = "0.24.0";
pub const ZIGLANG_VERSION: &str = "0.15.2";
pub const CARGO_CHEF_VERSION: &str = "0.1.78";

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
    /// Ships CA certificates already (alpine's `ca-certificates-bundle`, distroless).
    pub certs: bool,
    /// Ships time zone data (`/usr/share/zoneinfo`) already (distroless; debian bookworm, where `tzdata` is
    /// still priority `required`).
    pub tzdata: bool,
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
    "linux/arm/v5",
    "linux/386",
    "linux/riscv64",
    "linux/ppc64le",
    "linux/s390x",
];

/// alpine:3.22: amd64 arm32v6 arm32v7 arm64v8 i386 ppc64le riscv64 s390x (no arm/v5).
const ALPINE: &[&str] = &[
    "linux/amd64",
    "linux/arm64",
    "linux/arm/v7",
    "linux/arm/v6",
    "linux/386",
    "linux/riscv64",
    "linux/ppc64le",
    "linux/s390x",
];
/// debian:bookworm-slim: amd64 arm32v5 arm32v7 arm64v8 i386 mips64le ppc64le s390x (no arm/v6, no riscv64).
const DEBIAN_BOOKWORM: &[&str] =
    &["linux/amd64", "linux/arm64", "linux/arm/v7", "linux/arm/v5", "linux/386", "linux/ppc64le", "linux/s390x"];
/// gcr.io/distroless/{static,cc}-debian12: amd64 arm64 arm ppc64le s390x.
const DISTROLESS_12: &[&str] = &["linux/amd64", "linux/arm64", "linux/arm/v7", "linux/ppc64le", "linux/s390x"];

/// The runtime base for a family, given whether the binary links glibc dynamically (Rust with glibc, Go with
/// cgo) or is static (Go without cgo, Rust with musl). `distroless` picks `static` or `cc` accordingly.
pub fn runtime_base(runtime: Runtime, glibc_binary: bool) -> RuntimeBase {
    let distroless = |image| RuntimeBase {
        image: Some(image),
        platforms: DISTROLESS_12,
        glibc: image == DISTROLESS_CC,
        shell: false,
        passwd: true,
        package_manager: None,
        certs: true,
        tzdata: true,
    };
    match runtime {
        Runtime::Scratch => RuntimeBase {
            image: None,
            platforms: ALL,
            glibc: false,
            shell: false,
            passwd: false,
            package_manager: None,
            certs: false,
            tzdata: false,
        },
        Runtime::Distroless if glibc_binary => distroless(DISTROLESS_CC),
        Runtime::Distroless | Runtime::DistrolessStatic => distroless(DISTROLESS_STATIC),
        Runtime::DistrolessCc => distroless(DISTROLESS_CC),
        Runtime::Alpine => RuntimeBase {
            image: Some("alpine:3.22"),
            platforms: ALPINE,
            glibc: false,
            shell: true,
            passwd: true,
            package_manager: Some(PackageManager::Apk),
            certs: true,
            tzdata: false,
        },
        Runtime::DebianSlim => RuntimeBase {
            image: Some("debian:bookworm-slim"),
            platforms: DEBIAN_BOOKWORM,
            glibc: true,
            shell: true,
            passwd: true,
            package_manager: Some(PackageManager::Apt),
            certs: false,
            tzdata: true,
        },
    }
}

const DISTROLESS_STATIC: &str = "gcr.io/distroless/static-debian12:nonroot";
const DISTROLESS_CC: &str = "gcr.io/distroless/cc-debian12:nonroot";

/// The family's published platforms, when `image` is the family's own image (any tag or digest of it).
pub fn known_platforms(runtime: Runtime, glibc_binary: bool, image: &str) -> Option<&'static [&'static str]> {
    let base = runtime_base(runtime, glibc_binary);
    let default = base.image?;
    let repo = |r: &str| {
        r.split(['@'])
            .next()
            .map(|n| n.rsplit_once(':').filter(|(_, t)| !t.contains('/')).map_or(n, |(n, _)| n).to_string())
    };
    (repo(default) == repo(image)).then_some(base.platforms)
}

/// What a builder image reference says about itself, read from its repository and tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BuilderKind {
    /// The language of an official image (`golang`, `rust`), under any registry or mirror path.
    pub language: Option<crate::config::Language>,
    /// `Some(true)`: a Debian variant (`-bookworm`, or a plain version tag, whose default variant is Debian);
    /// `Some(false)`: another distribution, named; `None`: the tag does not say.
    pub debian: Option<bool>,
    /// The distribution a non-Debian tag names (`alpine`, `Windows`).
    pub other: Option<&'static str>,
}

/// Debian releases whose names appear in official image tags.
const DEBIAN_RELEASES: &[&str] = &["trixie", "bookworm", "bullseye", "buster"];

/// Reads a builder image reference: `golang:1.25-bookworm`, `mirror.example.com/library/rust:1@sha256:...`.
pub fn builder_kind(image: &str) -> BuilderKind {
    let name = image.split('@').next().unwrap_or(image);
    let (repository, tag) = match name.rsplit_once(':') {
        Some((r, t)) if !t.contains('/') => (r, Some(t)),
        _ => (name, None),
    };
    let language = match repository.rsplit('/').next() {
        Some("golang") => Some(crate::config::Language::Go),
        Some("rust") => Some(crate::config::Language::Rust),
        _ => None,
    };
    let (debian, other) = match tag {
        Some(t) if t.contains("alpine") => (Some(false), Some("Alpine")),
        Some(t) if t.contains("windowsservercore") || t.contains("nanoserver") => (Some(false), Some("Windows")),
        Some(t) if DEBIAN_RELEASES.iter().any(|r| t.contains(r)) => (Some(true), None),
        // `1.25`, `1.25.3`, `1`, `latest`: the official images' default variant is Debian.
        Some(t) if t == "latest" || t.chars().all(|c| c.is_ascii_digit() || c == '.') => (Some(true), None),
        None if image.contains('@') => (None, None),
        None => (Some(true), None),
        Some(_) => (None, None),
    };
    BuilderKind { language, debian, other }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builder_kinds_are_read_from_repository_and_tag() {
        use crate::config::Language::{Go, Rust};
        let k = builder_kind("golang:1.25-bookworm");
        assert_eq!((k.language, k.debian), (Some(Go), Some(true)));
        let k = builder_kind("mirror.example.com:5000/library/rust:1.85@sha256:00");
        assert_eq!((k.language, k.debian), (Some(Rust), Some(true)));
        let k = builder_kind("golang:1.25-alpine3.22");
        assert_eq!((k.debian, k.other), (Some(false), Some("Alpine")));
        assert_eq!(builder_kind("rust:1-slim-trixie").debian, Some(true));
        assert_eq!(builder_kind("golang").debian, Some(true));
        assert_eq!(builder_kind("example.com/go-builder:2").language, None);
        assert_eq!(builder_kind("golang:tip-custom").debian, None);
    }

    #[test]
    fn known_platforms_match_any_tag_of_the_family_image() {
        let p = known_platforms(Runtime::Alpine, false, "alpine:3.23@sha256:0123").unwrap();
        assert!(p.contains(&"linux/riscv64"));
        assert!(known_platforms(Runtime::Alpine, false, "example.com/alpine:3").is_none());
        assert!(!known_platforms(Runtime::DebianSlim, true, "debian:bookworm-slim").unwrap().contains(&"linux/arm/v6"));
    }

    #[test]
    fn distroless_follows_how_the_binary_links() {
        assert_eq!(runtime_base(Runtime::Distroless, true).image, Some(DISTROLESS_CC));
        assert_eq!(runtime_base(Runtime::Distroless, false).image, Some(DISTROLESS_STATIC));
        assert!(runtime_base(Runtime::Distroless, true).glibc);
        assert!(!runtime_base(Runtime::DistrolessStatic, true).glibc);
        assert!(!runtime_base(Runtime::Scratch, false).tzdata && !runtime_base(Runtime::Alpine, false).tzdata);
    }

    #[test]
    fn every_listed_platform_is_known() {
        for p in ALL.iter().chain(DEBIAN_BOOKWORM).chain(DISTROLESS_12) {
            assert!(crate::platform::by_oci(p).is_some(), "{p}");
        }
    }
}
