//! One `[[app]]` table: the image to build, and its `go`, `rust`, `healthcheck` and `compose` sub-tables.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::values::{Language, RestartPolicy, Runtime, RustCache, RustLibc, SmokeMode};
use super::{defaults, schema};
use crate::grammar;

/// A builder image pinned by digest, as the schema shows it: the digest is a placeholder, to be replaced with the
/// image's own (`docker buildx imagetools inspect golang:1.25-bookworm`).
const BUILDER_IMAGE_PINNED: &str =
    "golang:1.25-bookworm@sha256:0000000000000000000000000000000000000000000000000000000000000000";

/// One image to build.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawApp {
    /// App name: lowercase letters, digits and `-`. Names the image (unless `image` is set), the compose
    /// service and the make targets.
    #[schemars(regex(pattern = grammar::NAME_PATTERN), length(max = grammar::NAME_MAX))]
    pub name: String,

    /// `"go"` or `"rust"`.
    pub language: Language,

    /// The directory that holds this app's Go module (`go.mod`) or Cargo project, relative to the config's
    /// directory: the app's Docker build context. For a monorepo whose config sits above several modules. Its
    /// Dockerfile and `.dockerignore` are written there. Default `"."`. Example: `"services/api"`.
    #[schemars(extend("default" = defaults::APP_CONTEXT), example = &"services/api")]
    #[schemars(regex(pattern = grammar::CONTEXT_PATTERN), length(max = grammar::CONTEXT_MAX))]
    pub context: Option<String>,

    /// Go: the main package to build, relative to the module root. Default `"."`. Example: `"./cmd/pixelzx"`.
    #[schemars(extend("default" = defaults::GO_MAIN), example = &"./cmd/app")]
    #[schemars(regex(pattern = grammar::RELATIVE_PATH_PATTERN))]
    pub main: Option<String>,

    /// Rust: the Cargo package that holds the binary (`cargo build -p`), for workspaces. Default: none, the
    /// root package.
    #[schemars(example = &"backend", regex(pattern = grammar::CARGO_NAME_PATTERN))]
    pub package: Option<String>,

    /// Name of the binary to build and run. Default: the app name.
    #[schemars(regex(pattern = grammar::BINARY_PATTERN), length(max = grammar::BINARY_MAX))]
    pub bin: Option<String>,

    /// Image repository name under `registry.namespace`. Default: the app name.
    #[schemars(regex(pattern = grammar::REPOSITORY_PATH_PATTERN), length(max = grammar::REPOSITORY_PATH_MAX))]
    pub image: Option<String>,

    /// Path of this app's Dockerfile, relative to the config's directory and inside the app's `context`.
    /// `mkmulti generate` writes it there, and every build (Makefile, compose, Bake, workflow) reads it from there.
    /// Default: `Dockerfile` in the app's context, `Dockerfile.<name>` when other apps build from that context
    /// too. Set it when the project has a Dockerfile of its own: `"Dockerfile.mkmulti"`.
    #[schemars(example = &"Dockerfile.mkmulti", regex(pattern = grammar::OUTPUT_PATH_PATTERN))]
    #[schemars(length(max = grammar::OUTPUT_PATH_MAX))]
    pub dockerfile: Option<String>,

    /// Target platforms for this app. Default: `project.platforms`.
    #[schemars(with = "Option<Vec<schema::Platform>>")]
    pub platforms: Option<Vec<String>>,

    /// Runtime base image family. Default: `"distroless"`.
    #[schemars(extend("default" = defaults::RUNTIME))]
    pub runtime: Option<Runtime>,

    /// Use this exact runtime image reference instead of the family's default (it must still be of the family
    /// named by `runtime`). Pin it by digest for reproducible builds:
    /// `"alpine:3.22@sha256:..."`.
    #[schemars(example = &"gcr.io/distroless/static-debian12:nonroot", example = &"alpine:3.22")]
    pub runtime_image: Option<String>,

    /// Use this exact builder image reference instead of the default (`golang:<go.version>-bookworm`,
    /// `rust:<rust.version>-bookworm`). It only has to exist for the build machine's platform, and must be
    /// Debian-based (cross toolchains, CA certificates and time zone data come from its `apt`). Pin it by
    /// digest for reproducible builds: `"golang:1.25-bookworm@sha256:..."`.
    #[schemars(example = &"golang:1.25-bookworm", example = &BUILDER_IMAGE_PINNED)]
    pub builder_image: Option<String>,

    /// Check that `builder-image` is the language's official image (`golang`, `rust`, under any registry path)
    /// with a Debian tag, since the Dockerfiles install cross toolchains and time zone data with `apt-get`. Turn
    /// off only for your own Debian-based image that has the language's toolchain; mkmulti then warns instead.
    #[serde(default = "defaults::yes")]
    pub builder_image_check: bool,

    /// Name of the non-root user the app runs as. Default: `"app"`.
    #[schemars(extend("default" = defaults::USER), regex(pattern = grammar::USER_PATTERN))]
    pub user: Option<String>,

    /// Numeric user id (and group id) of that user; never 0. Default: `10001`.
    #[schemars(extend("default" = defaults::UID))]
    pub uid: Option<u32>,

    /// TCP ports the app listens on (`EXPOSE`, compose `ports`).
    #[serde(default)]
    #[schemars(example = &[8080])]
    pub ports: Vec<u16>,

    /// Environment variables set in the image.
    #[serde(default)]
    #[schemars(extend("propertyNames" = { "pattern": grammar::ENV_NAME_PATTERN }))]
    #[schemars(example = &[("RUST_LOG", "info")].into_iter().collect::<IndexMap<_, _>>())]
    pub env: IndexMap<String, String>,

    /// Absolute paths in the container that hold data; each becomes a `VOLUME` owned by the app's user and a
    /// named volume in `compose.yaml`.
    #[serde(default)]
    #[schemars(example = &["/home/app/data"], inner(regex(pattern = grammar::CONTAINER_PATH_PATTERN)))]
    pub volumes: Vec<String>,

    /// Arguments the image passes to the binary by default (`CMD`).
    #[serde(default)]
    #[schemars(example = &["serve", "--port", "8080"])]
    pub args: Vec<String>,

    /// Health check run inside the container.
    pub healthcheck: Option<RawHealthcheck>,

    /// Arguments that make the binary print something and exit 0; used by `make docker-test-multi` and
    /// `scripts/validate-multiarch.sh` to prove each platform's image runs. With `smoke-mode = "server"`, the
    /// arguments the server starts with.
    #[schemars(example = &["--version"])]
    pub smoke_test: Option<Vec<String>>,

    /// How each platform's image is proven to run: `"command"` runs `smoke-test` and expects exit 0,
    /// `"server"` starts the app and waits for its health check (or for it to keep running), `"off"` runs
    /// nothing. Default: `"server"` for an app with ports or a health check and no `smoke-test`, else
    /// `"command"`.
    pub smoke_mode: Option<SmokeMode>,

    /// Run the app under `tini` (a static build for the target's architecture, from Debian, prepared on the
    /// build machine): reaps zombie processes and forwards signals when the app runs as PID 1.
    #[serde(default)]
    pub init: bool,

    /// Copy the IANA time zone database (`/usr/share/zoneinfo`) from the builder into runtimes that lack it
    /// (scratch, alpine), so `TZ=Europe/Paris` works. Default `true`.
    #[serde(default = "defaults::yes")]
    pub tzdata: bool,

    /// The signal `docker stop` sends (`STOPSIGNAL`), when the app shuts down cleanly on another than
    /// `SIGTERM`. Example: `"SIGINT"`.
    #[schemars(extend("default" = defaults::STOP_SIGNAL), example = &"SIGINT")]
    #[schemars(regex(pattern = grammar::SIGNAL_PATTERN))]
    pub stop_signal: Option<String>,

    /// Extra packages installed into the runtime image (`apk` on alpine, `apt-get` on debian-slim). Each one
    /// is a step that runs emulated for foreign platforms: prefer none.
    #[serde(default)]
    #[schemars(inner(regex(pattern = grammar::PACKAGE_PATTERN)))]
    pub packages: Vec<String>,

    /// Debian packages with C headers and libraries that the build links against, installed on the build
    /// machine for each target's architecture (`apt-get install zlib1g-dev:arm64`), with `pkg-config` set up for
    /// that target; nothing runs emulated. For Go with `go.cgo = true` and Rust with `rust.libc = "gnu"`. Names
    /// only (mkmulti adds the architecture); versions follow the builder image's Debian release. Example:
    /// `["libssl-dev", "zlib1g-dev"]`.
    #[serde(default)]
    #[schemars(example = &["libssl-dev", "zlib1g-dev"], inner(regex(pattern = grammar::DEBIAN_PACKAGE_PATTERN)))]
    pub build_packages: Vec<String>,

    /// Debian packages holding the shared libraries the binary loads at run time that the runtime image lacks
    /// (the packages `build-packages` depend on: `libssl3` for `libssl-dev`, `zlib1g` for `zlib1g-dev`). Each is
    /// downloaded for the target's architecture on the build machine and its `/usr/lib/<triple>` files copied
    /// into the runtime image: no emulated step, so it works on `distroless` (`cc`) and `debian-slim`.
    /// Dependencies are not followed: list every library the runtime lacks. Example: `["libssl3"]`.
    #[serde(default)]
    #[schemars(example = &["libssl3", "zlib1g"], inner(regex(pattern = grammar::DEBIAN_PACKAGE_PATTERN)))]
    pub runtime_libraries: Vec<String>,

    /// Run this app's unit tests in the build (its Dockerfile's `test` stage, `make test-<app>`). Default:
    /// `build.test`.
    pub test: Option<bool>,

    /// Build arguments passed to `docker build` (`--build-arg NAME=VALUE`) and declared in the build stage.
    #[serde(default)]
    #[schemars(extend("propertyNames" = { "pattern": grammar::ENV_NAME_PATTERN }))]
    pub build_args: IndexMap<String, String>,

    /// Go build settings.
    #[serde(default)]
    pub go: RawGo,

    /// Rust build settings.
    #[serde(default)]
    pub rust: RawRust,

    /// Settings for this app's service in `compose.yaml`.
    #[serde(default)]
    pub compose: RawCompose,
}

/// A health check, run by Docker inside the container.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawHealthcheck {
    /// Command in exec form. A first word equal to the app's binary name runs the app's binary, so
    /// `["pixelzx", "version"]` works on images without a shell.
    #[schemars(length(min = 1))]
    #[schemars(example = &["app", "healthcheck"])]
    pub command: Vec<String>,

    /// Time between checks, as a Docker duration. Default `"30s"`.
    #[serde(default = "defaults::healthcheck_interval")]
    #[schemars(example = &"1m", regex(pattern = grammar::DURATION_PATTERN))]
    pub interval: String,

    /// Time one check may take. Default `"5s"`.
    #[serde(default = "defaults::healthcheck_timeout")]
    #[schemars(example = &"500ms", regex(pattern = grammar::DURATION_PATTERN))]
    pub timeout: String,

    /// Grace period after start during which failures do not count. Default `"10s"`.
    #[serde(default = "defaults::healthcheck_start_period")]
    #[schemars(example = &"1m30s", regex(pattern = grammar::DURATION_PATTERN))]
    pub start_period: String,

    /// Consecutive failures that make the container unhealthy. Default `3`.
    #[serde(default = "defaults::healthcheck_retries")]
    #[schemars(range(min = 1, max = 100))]
    pub retries: u32,
}

/// Go build settings.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawGo {
    /// Go version of the builder image (`golang:<version>-bookworm`). Default: the version in `go.mod` as
    /// written by `mkmulti init`, else `"1.25"`.
    #[schemars(extend("default" = defaults::GO_VERSION), regex(pattern = grammar::VERSION_PATTERN))]
    pub version: Option<String>,

    /// Extra `-ldflags` words, after `-s -w` and the version stamps. Example: `["-X", "main.edition=oss"]`.
    #[serde(default)]
    #[schemars(example = &["-X", "main.edition=oss"], inner(regex(pattern = grammar::LDFLAG_PATTERN)))]
    pub ldflags: Vec<String>,

    /// Build tags (`go build -tags`).
    #[serde(default)]
    #[schemars(example = &["netgo"], inner(regex(pattern = grammar::GO_TAG_PATTERN)))]
    pub tags: Vec<String>,

    /// Package path whose `version`, `commit` and `date` variables receive the build's stamps through
    /// `-ldflags -X`. Default: `"main"`.
    #[schemars(extend("default" = defaults::GO_VERSION_PACKAGE), regex(pattern = grammar::GO_PACKAGE_PATTERN))]
    #[schemars(example = &"example.com/app/internal/version")]
    pub version_package: Option<String>,

    /// Build with cgo (`CGO_ENABLED=1`): installs the target's Debian cross gcc and libc on the build machine.
    /// The binary then links glibc dynamically, so the runtime must have glibc (`distroless` picks `cc`).
    /// Default `false`: static binaries.
    #[serde(default)]
    pub cgo: bool,

    /// `GOAMD64` microarchitecture level for `linux/amd64`: `"v1"` (default, any x86-64) to `"v4"`.
    #[schemars(extend("default" = defaults::GOAMD64, "enum" = grammar::GOAMD64_LEVELS))]
    pub goamd64: Option<String>,
}

impl RawGo {
    /// No Go key is set: what a Rust app's table must be.
    pub fn is_empty(&self) -> bool {
        self.version.is_none()
            && self.ldflags.is_empty()
            && self.tags.is_empty()
            && self.version_package.is_none()
            && !self.cgo
            && self.goamd64.is_none()
    }
}

/// Rust build settings.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawRust {
    /// Rust version of the builder image (`rust:<version>-bookworm`). Default `"1"`.
    #[schemars(extend("default" = defaults::RUST_VERSION), regex(pattern = grammar::VERSION_PATTERN))]
    pub version: Option<String>,

    /// Cargo features to enable.
    #[serde(default)]
    #[schemars(inner(regex(pattern = grammar::CARGO_FEATURE_PATTERN)))]
    pub features: Vec<String>,

    /// Build with `--no-default-features`.
    #[serde(default)]
    pub no_default_features: bool,

    /// Cargo profile. Default `"release"`.
    #[schemars(extend("default" = defaults::RUST_PROFILE), regex(pattern = grammar::CARGO_NAME_PATTERN))]
    pub profile: Option<String>,

    /// The C library to link: `"gnu"` (glibc, dynamic; the default) or `"musl"` (static, runs on scratch and
    /// alpine; cross-linked with zig through cargo-zigbuild).
    #[schemars(extend("default" = defaults::RUST_LIBC))]
    pub libc: Option<RustLibc>,

    /// How compiled dependencies are kept between builds: `"mounts"` (BuildKit cache mounts for the registry
    /// and a per-platform target directory; the default) or `"chef"` (cargo-chef cooks dependencies into an
    /// image layer keyed by the dependency recipe, which also survives in registry caches such as
    /// `cache-to=type=gha`).
    #[schemars(extend("default" = defaults::RUST_CACHE))]
    pub cache: Option<RustCache>,
}

impl RawRust {
    /// No Rust key is set: what a Go app's table must be.
    pub fn is_empty(&self) -> bool {
        self.version.is_none()
            && self.features.is_empty()
            && !self.no_default_features
            && self.profile.is_none()
            && self.libc.is_none()
            && self.cache.is_none()
    }
}

/// Settings for one service in `compose.yaml`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawCompose {
    /// Restart policy. Default: `"unless-stopped"` for an app with ports or a health check, else `"no"`.
    pub restart: Option<RestartPolicy>,

    /// Extra environment for the service only (not baked into the image).
    #[serde(default)]
    #[schemars(extend("propertyNames" = { "pattern": grammar::ENV_NAME_PATTERN }))]
    pub environment: IndexMap<String, String>,
}
