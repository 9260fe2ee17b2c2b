//! The raw configuration: Rust types that mirror `multiarch.toml` key for key.
//!
//! These types only say what a user may write. Defaults that never depend on another key are set here with
//! `#[serde(default)]` so the JSON schema shows them; everything derived (images, triples, linkers, tags) is
//! worked out by `plan`. Keys are kebab-case everywhere; unknown keys are errors.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A `multiarch.toml`: what to build, for which platforms, and where to publish it.
///
/// Run `mkmulti generate` to turn it into a Dockerfile per app, a Makefile, `compose.yaml`, helper scripts
/// and a GitHub Actions workflow.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(title = "mkmulti configuration")]
pub struct RawConfig {
    /// The mkmulti version this file was written for, `MAJOR.MINOR`. mkmulti refuses a file written for a
    /// newer version than itself.
    #[schemars(example = "0.1")]
    pub mkmulti_version: Option<String>,

    /// The project as a whole.
    pub project: RawProject,

    /// Where images are pushed.
    #[serde(default)]
    pub registry: RawRegistry,

    /// Which tags each pushed image gets. The Makefile and the workflow follow the same rule.
    #[serde(default)]
    pub tags: RawTags,

    /// One entry per image to build: `[[app]]`.
    #[schemars(length(min = 1))]
    pub app: Vec<RawApp>,

    /// The generated GitHub Actions workflow.
    #[serde(default)]
    pub ci: RawCi,

    /// Which files `mkmulti generate` writes.
    #[serde(default)]
    pub output: RawOutput,
}

/// The project as a whole.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawProject {
    /// Project name: lowercase letters, digits and `-`. Names the buildx builder, the compose project and the
    /// workflow. Example: `"pixelzx"`.
    pub name: String,

    /// One-line description, used for the `org.opencontainers.image.description` label.
    pub description: Option<String>,

    /// URL of the source repository, used for the `org.opencontainers.image.source` label.
    /// Example: `"https://github.com/example/pixelzx"`.
    pub source: Option<String>,

    /// SPDX license expression, used for the `org.opencontainers.image.licenses` label. Example: `"MIT"`.
    pub license: Option<String>,

    /// Target platforms for every app, as `os/arch[/variant]`. Aliases such as `aarch64`, `x86_64` or `armhf`
    /// are accepted and normalised. An app can override this list.
    #[serde(default = "default_platforms")]
    pub platforms: Vec<String>,
}

fn default_platforms() -> Vec<String> {
    crate::platform::DEFAULT_PLATFORMS.iter().map(|p| p.to_string()).collect()
}

/// Where images are pushed: `HOST/NAMESPACE/IMAGE:TAG`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawRegistry {
    /// Registry host, with a port if needed. Examples: `"docker.io"`, `"ghcr.io"`, `"registry.example.com:5000"`.
    #[serde(default = "default_registry_host")]
    pub host: String,

    /// Path under the host, usually a user or organisation: `"yuchanshin"`, `"my-org/team"`. Leave it out for
    /// a registry that takes images at its root.
    pub namespace: Option<String>,
}

fn default_registry_host() -> String {
    "docker.io".to_string()
}

impl Default for RawRegistry {
    fn default() -> Self {
        Self { host: default_registry_host(), namespace: None }
    }
}

/// Which tags each pushed image gets.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawTags {
    /// Tag `latest` on release builds (a version tag pushed from the default branch).
    #[serde(default = "yes")]
    pub latest: bool,

    /// Tag releases `v1.2.3` as `1.2.3` and `1.2`.
    #[serde(default = "yes")]
    pub semver: bool,

    /// Tag every pushed build with `sha-<short commit>`.
    #[serde(default = "yes")]
    pub sha: bool,

    /// Tag default-branch builds with the branch name (`main`).
    #[serde(default = "yes")]
    pub branch: bool,
}

impl Default for RawTags {
    fn default() -> Self {
        Self { latest: true, semver: true, sha: true, branch: true }
    }
}

fn yes() -> bool {
    true
}

/// The language an app is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Language {
    /// A Go module; built with `CGO_ENABLED=0` for each target.
    Go,
    /// A Cargo package or workspace member; built with `cargo build --target <triple>`.
    Rust,
}

/// The runtime base image family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
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

/// One image to build.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawApp {
    /// App name: lowercase letters, digits and `-`. Names the image (unless `image` is set), the compose
    /// service and the make targets.
    pub name: String,

    /// `"go"` or `"rust"`.
    pub language: Language,

    /// Go: the main package to build, relative to the module root. Default `"."`. Example: `"./cmd/pixelzx"`.
    pub main: Option<String>,

    /// Rust: the Cargo package that holds the binary (`cargo build -p`), for workspaces. Default: none, the
    /// root package.
    pub package: Option<String>,

    /// Name of the binary to build and run. Default: the app name.
    pub bin: Option<String>,

    /// Image repository name under `registry.namespace`. Default: the app name.
    pub image: Option<String>,

    /// Target platforms for this app. Default: `project.platforms`.
    pub platforms: Option<Vec<String>>,

    /// Runtime base image family. Default: `"distroless"`.
    pub runtime: Option<Runtime>,

    /// Use this exact runtime image reference instead of the family's default (it must still be of the family
    /// named by `runtime`). Pin it by digest for reproducible builds:
    /// `"alpine:3.22@sha256:..."`.
    pub runtime_image: Option<String>,

    /// Use this exact builder image reference instead of the default (`golang:<go.version>-bookworm`,
    /// `rust:<rust.version>-bookworm`). It only has to exist for the build machine's platform, and must be
    /// Debian-based (cross toolchains, CA certificates and time zone data come from its `apt`). Pin it by
    /// digest for reproducible builds: `"golang:1.25-bookworm@sha256:..."`.
    pub builder_image: Option<String>,

    /// Name of the non-root user the app runs as. Default: `"app"`.
    pub user: Option<String>,

    /// Numeric user id (and group id) of that user; never 0. Default: `10001`.
    pub uid: Option<u32>,

    /// TCP ports the app listens on (`EXPOSE`, compose `ports`).
    #[serde(default)]
    pub ports: Vec<u16>,

    /// Environment variables set in the image.
    #[serde(default)]
    pub env: IndexMap<String, String>,

    /// Absolute paths in the container that hold data; each becomes a `VOLUME` owned by the app's user and a
    /// named volume in `compose.yaml`.
    #[serde(default)]
    pub volumes: Vec<String>,

    /// Arguments the image passes to the binary by default (`CMD`).
    #[serde(default)]
    pub args: Vec<String>,

    /// Health check run inside the container.
    pub healthcheck: Option<RawHealthcheck>,

    /// Arguments that make the binary print something and exit 0; used by `make docker-test-multi` and
    /// `scripts/validate-multiarch.sh` to prove each platform's image runs. Default: `["--version"]`.
    pub smoke_test: Option<Vec<String>>,

    /// Run the app under `tini` (a static build for the target's architecture, from Debian, prepared on the
    /// build machine): reaps zombie processes and forwards signals when the app runs as PID 1.
    #[serde(default)]
    pub init: bool,

    /// Copy the IANA time zone database (`/usr/share/zoneinfo`) from the builder into runtimes that lack it
    /// (scratch, alpine), so `TZ=Europe/Paris` works. Default `true`.
    #[serde(default = "yes")]
    pub tzdata: bool,

    /// The signal `docker stop` sends (`STOPSIGNAL`), when the app shuts down cleanly on another than
    /// `SIGTERM`. Example: `"SIGINT"`.
    pub stop_signal: Option<String>,

    /// Extra packages installed into the runtime image (`apk` on alpine, `apt-get` on debian-slim). Each one
    /// is a step that runs emulated for foreign platforms: prefer none.
    #[serde(default)]
    pub packages: Vec<String>,

    /// Build arguments passed to `docker build` (`--build-arg NAME=VALUE`) and declared in the build stage.
    #[serde(default)]
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
    pub command: Vec<String>,

    /// Time between checks, as a Docker duration. Default `"30s"`.
    #[serde(default = "default_interval")]
    pub interval: String,

    /// Time one check may take. Default `"5s"`.
    #[serde(default = "default_timeout")]
    pub timeout: String,

    /// Grace period after start during which failures do not count. Default `"10s"`.
    #[serde(default = "default_start_period")]
    pub start_period: String,

    /// Consecutive failures that make the container unhealthy. Default `3`.
    #[serde(default = "default_retries")]
    #[schemars(range(min = 1, max = 100))]
    pub retries: u32,
}

fn default_interval() -> String {
    "30s".into()
}
fn default_timeout() -> String {
    "5s".into()
}
fn default_start_period() -> String {
    "10s".into()
}
fn default_retries() -> u32 {
    3
}

/// Go build settings.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawGo {
    /// Go version of the builder image (`golang:<version>-bookworm`). Default: the version in `go.mod` as
    /// written by `mkmulti init`, else `"1.25"`.
    pub version: Option<String>,

    /// Extra `-ldflags` words, after `-s -w` and the version stamps. Example: `["-X", "main.edition=oss"]`.
    #[serde(default)]
    pub ldflags: Vec<String>,

    /// Build tags (`go build -tags`).
    #[serde(default)]
    pub tags: Vec<String>,

    /// Package path whose `version`, `commit` and `date` variables receive the build's stamps through
    /// `-ldflags -X`. Default: `"main"`.
    pub version_package: Option<String>,

    /// Build with cgo (`CGO_ENABLED=1`): installs the target's Debian cross gcc and libc on the build machine.
    /// The binary then links glibc dynamically, so the runtime must have glibc (`distroless` picks `cc`).
    /// Default `false`: static binaries.
    #[serde(default)]
    pub cgo: bool,

    /// `GOAMD64` microarchitecture level for `linux/amd64`: `"v1"` (default, any x86-64) to `"v4"`.
    pub goamd64: Option<String>,
}

/// Rust build settings.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawRust {
    /// Rust version of the builder image (`rust:<version>-bookworm`). Default `"1"`.
    pub version: Option<String>,

    /// Cargo features to enable.
    #[serde(default)]
    pub features: Vec<String>,

    /// Build with `--no-default-features`.
    #[serde(default)]
    pub no_default_features: bool,

    /// Cargo profile. Default `"release"`.
    pub profile: Option<String>,

    /// The C library to link: `"gnu"` (glibc, dynamic; the default) or `"musl"` (static, runs on scratch and
    /// alpine; cross-linked with zig through cargo-zigbuild).
    pub libc: Option<RustLibc>,

    /// How compiled dependencies are kept between builds: `"mounts"` (BuildKit cache mounts for the registry
    /// and a per-platform target directory; the default) or `"chef"` (cargo-chef cooks dependencies into an
    /// image layer keyed by the dependency recipe, which also survives in registry caches such as
    /// `cache-to=type=gha`).
    pub cache: Option<RustCache>,
}

/// The C library a Rust binary links.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum RustLibc {
    /// glibc, linked dynamically, with Debian's cross gcc.
    Gnu,
    /// musl, linked statically, with zig (cargo-zigbuild).
    Musl,
}

/// Where compiled Rust dependencies are cached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum RustCache {
    /// BuildKit cache mounts: local to the builder, nothing to install.
    Mounts,
    /// cargo-chef: dependencies in an image layer, exportable with the build cache.
    Chef,
}

/// Settings for one service in `compose.yaml`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawCompose {
    /// Restart policy. Default `"unless-stopped"`.
    pub restart: Option<RestartPolicy>,

    /// Extra environment for the service only (not baked into the image).
    #[serde(default)]
    pub environment: IndexMap<String, String>,
}

/// A compose restart policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum RestartPolicy {
    No,
    Always,
    OnFailure,
    UnlessStopped,
}

/// The generated GitHub Actions workflow.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawCi {
    /// File name under `.github/workflows/`, without `.yml`. Default `"docker"`.
    #[serde(default = "default_workflow")]
    pub workflow: String,

    /// Branches whose pushes build and push images. Default `["main"]`; the first is the default branch.
    #[serde(default = "default_branches")]
    pub branches: Vec<String>,

    /// Git tag pattern that marks a release. Default `"v*"`.
    #[serde(default = "default_tag_pattern")]
    pub tag_pattern: String,

    /// Build (never push) on pull requests. Default `true`.
    #[serde(default = "yes")]
    pub pull_requests: bool,

    /// Use the GitHub Actions cache for build layers. Default `true`.
    #[serde(default = "yes")]
    pub cache: bool,

    /// Name of the repository secret holding the registry user name. Default: `DOCKERHUB_USERNAME` for
    /// Docker Hub; the workflow's own actor for `ghcr.io`; `REGISTRY_USERNAME` elsewhere.
    pub username_secret: Option<String>,

    /// Name of the repository secret holding the registry password or token. Default: `DOCKERHUB_TOKEN` for
    /// Docker Hub; the workflow's `GITHUB_TOKEN` for `ghcr.io`; `REGISTRY_PASSWORD` elsewhere.
    pub password_secret: Option<String>,

    /// How the platforms are spread over runners. Default `"single"`.
    #[serde(default)]
    pub strategy: CiStrategy,

    /// How the workflow refers to the actions it uses. Default `"sha"`.
    #[serde(default)]
    pub pin_actions: PinActions,

    /// After a push, a job runs `scripts/validate-multiarch.sh` against the pushed tag: the manifest list holds
    /// every platform and each platform's image runs its smoke test (under QEMU where foreign). Needs the
    /// scripts output. Default `true`.
    #[serde(default = "yes")]
    pub validate: bool,

    /// `timeout-minutes` of every build job. Default `60`.
    #[serde(default = "default_timeout_minutes")]
    #[schemars(range(min = 1, max = 360))]
    pub timeout_minutes: u32,
}

/// How the generated workflow spreads platforms over runners.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum CiStrategy {
    /// One job per app builds every platform on an x86-64 runner. mkmulti's Dockerfiles cross-compile, so this
    /// is fast unless an app installs runtime packages (then foreign platforms run those steps under QEMU).
    #[default]
    Single,
    /// One job per app and platform on a runner of that architecture (`ubuntu-24.04` for x86, `ubuntu-24.04-arm`
    /// for Arm), each pushing by digest, then a job that merges the digests into one manifest list with
    /// `docker buildx imagetools create`. Worth it when runtime stages run commands.
    Native,
}

/// How the generated workflow pins the actions it uses.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum PinActions {
    /// By full commit SHA with the release in a comment (`@<sha> # v7.0.0`): a moved tag cannot change what
    /// runs with the workflow's registry credentials. mkmulti updates the pins when it is upgraded.
    #[default]
    Sha,
    /// By major version tag (`@v7`): fixes arrive without regenerating. Each line carries a comment telling
    /// zizmor's `unpinned-uses` audit that this is deliberate.
    Tag,
}

fn default_workflow() -> String {
    "docker".into()
}
fn default_branches() -> Vec<String> {
    vec!["main".into()]
}
fn default_tag_pattern() -> String {
    "v*".into()
}
fn default_timeout_minutes() -> u32 {
    60
}

impl Default for RawCi {
    fn default() -> Self {
        Self {
            workflow: default_workflow(),
            branches: default_branches(),
            tag_pattern: default_tag_pattern(),
            pull_requests: true,
            cache: true,
            username_secret: None,
            password_secret: None,
            strategy: CiStrategy::Single,
            pin_actions: PinActions::Sha,
            validate: true,
            timeout_minutes: default_timeout_minutes(),
        }
    }
}

/// Which files `mkmulti generate` writes. Every output is on by default.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawOutput {
    /// A Dockerfile per app.
    #[serde(default = "yes")]
    pub dockerfile: bool,
    /// `Makefile`.
    #[serde(default = "yes")]
    pub makefile: bool,
    /// `compose.yaml`.
    #[serde(default = "yes")]
    pub compose: bool,
    /// `scripts/detect-platform.sh` and `scripts/validate-multiarch.sh`.
    #[serde(default = "yes")]
    pub scripts: bool,
    /// `.github/workflows/<ci.workflow>.yml`.
    #[serde(default = "yes")]
    pub workflow: bool,
    /// `.dockerignore`.
    #[serde(default = "yes")]
    pub dockerignore: bool,
    /// `docker-bake.hcl`: a Bake target per app (inheriting `docker-metadata-action`, so
    /// `docker/bake-action` can add CI tags) and a `default` group. Off by default.
    #[serde(default)]
    pub bake: bool,
    /// Start every Dockerfile with `# syntax=docker/dockerfile:1`, so BuildKit fetches the current Dockerfile
    /// frontend. Turn off only where that image cannot be pulled.
    #[serde(default = "yes")]
    pub syntax_directive: bool,
}

impl Default for RawOutput {
    fn default() -> Self {
        Self {
            dockerfile: true,
            makefile: true,
            compose: true,
            scripts: true,
            workflow: true,
            dockerignore: true,
            bake: false,
            syntax_directive: true,
        }
    }
}
