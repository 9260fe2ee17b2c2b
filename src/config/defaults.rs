//! Every default of `multiarch.toml`, defined once.
//!
//! The config types (`config`) name these in their serde and schema attributes, so the JSON schema's `default`s
//! are these values; the resolve pass applies them; the scaffold that `mkmulti init` writes and the README's key
//! table are generated from the schema. A key without a constant default is listed in [`DERIVED`] (its default
//! follows from other keys) or [`UNSET`] (absent means "not set"), with the words that explain it.
//! `tests/defaults.rs` fails when the schema, the plan, the scaffold or the README disagree with this file.

use super::values::{CiStrategy, PinActions, RestartPolicy, Runtime, RustCache, RustLibc};

/// `project.platforms`: the platforms used when a config names none.
pub const PLATFORMS: &[&str] = &["linux/amd64", "linux/arm64", "linux/arm/v7"];
/// `registry.host`.
pub const REGISTRY_HOST: &str = "docker.io";

/// `app.runtime`.
pub const RUNTIME: Runtime = Runtime::Distroless;
/// `app.user`.
pub const USER: &str = "app";
/// `app.uid` (and gid): above the ranges distributions give system and login users.
pub const UID: u32 = 10001;
/// `app.smoke-test` of an app smoke-tested as a command (see `DERIVED`).
pub const SMOKE_TEST: &[&str] = &["--version"];
/// Seconds a smoke run may take in the validate script (emulated platforms start slower); `SMOKE_TIMEOUT`
/// overrides it when the script runs.
pub const SMOKE_TIMEOUT_SECONDS: u32 = 60;
/// Seconds a server without a health check must keep running to pass its smoke run; `SMOKE_SETTLE` overrides.
pub const SMOKE_SETTLE_SECONDS: u32 = 5;
/// `app.stop-signal`: Docker's own default, so it is not written into the Dockerfile.
pub const STOP_SIGNAL: &str = "SIGTERM";
/// `app.compose.restart` of an app that listens or has a health check (see `DERIVED`).
pub const COMPOSE_RESTART: RestartPolicy = RestartPolicy::UnlessStopped;

/// `app.healthcheck.interval`, `timeout`, `start-period`, `retries`: Docker's usual values, written out.
pub const HEALTHCHECK_INTERVAL: &str = "30s";
pub const HEALTHCHECK_TIMEOUT: &str = "5s";
pub const HEALTHCHECK_START_PERIOD: &str = "10s";
pub const HEALTHCHECK_RETRIES: u32 = 3;

/// `app.main`: the Go module root's package.
pub const GO_MAIN: &str = ".";
/// `app.context`: the config's own directory.
pub const APP_CONTEXT: &str = ".";
/// `app.go.version`, when neither the config nor `go.mod` names one.
pub const GO_VERSION: &str = "1.25";
/// `app.go.version-package`.
pub const GO_VERSION_PACKAGE: &str = "main";
/// `app.go.goamd64`: Go's own default level, so it is not written into the Dockerfile.
pub const GOAMD64: &str = "v1";

/// `app.rust.version`: `rust:1-bookworm` follows the latest stable 1.x.
pub const RUST_VERSION: &str = "1";
/// `app.rust.profile`.
pub const RUST_PROFILE: &str = "release";
/// `app.rust.libc`.
pub const RUST_LIBC: RustLibc = RustLibc::Gnu;
/// `app.rust.cache`.
pub const RUST_CACHE: RustCache = RustCache::Mounts;

/// A secret whose `build-env` starts with this reaches Rust apps only unless its `languages` says otherwise:
/// cargo is the only reader of `CARGO_*` variables.
pub const CARGO_ONLY_ENV_PREFIX: &str = "CARGO_";

/// `build.ssh-known-hosts`: GitHub's SSH host keys as GitHub publishes them ("GitHub's SSH key fingerprints",
/// docs.github.com; SHA256 fingerprints `+DiY3wvvV6TuJJhbpZisF/zLDA0zPMSvHdkr4UvCOqU` (Ed25519),
/// `p2QAMXNIC1TJYWeIOttrVc98/R1BUFWu3/LiyKgUfQM` (ECDSA), `uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s` (RSA)).
pub const SSH_KNOWN_HOSTS: &[&str] = &[
    "github.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl",
    "github.com ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBEmKSENjQEezOmxkZMy7opKgwFB9nkt5YRrYMjNuG5N87uRgg6CLrbo5wAdT/y6v0mKV0U2w0WZ2YB/++Tpockg=",
    "github.com ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABgQCj7ndNxQowgcQnjshcLrqPEiiphnt+VTTvDP6mHBL9j1aNUkY4Ue1gvwnGLVlOhGeYrnZaMgRK6+PKCUXaDbC7qtbW8gIkhL7aGCsOr/C56SJMy/BCZfxd1nWzAOxSDPgVsmerOBYfNqltV9/hWCqBywINIR+5dIg6JTJ72pcEpEjcYgXkE2YEFXV1JHnsKgbLWNlhScqb2UmyRkQyytRLtL+38TGxkxCflmO+5Z8CSSNY7GidjMIZ7Q4zMjA2n1nGrlTDkzwDCsw+wqFPGQA179cnfGWOWRVruj16z6XyvxvjJwbz0wQZ75XK5tKSb7FNyeIEs4TT4jk+S4dhPeAUC5y+bDYirYgM4GC7uEnztnZyaVWQ7B381AK4Qdrwt51ZqExKbQpTUNn+EjqoTwvqNj4kqx5QUCI0ThS/YkOxJCXmPUWZbhjpCg56i+2aB6CmK2JGhn57K5mj0MNdBXA4/WnwH6XoPWJzK5Nyu2zB3nAZp+S5hpQs+p1vN1/wsjk=",
];

/// `build.ssh-ci-secret`.
pub const SSH_CI_SECRET: &str = "SSH_PRIVATE_KEY";

/// `ci.workflow`.
pub const CI_WORKFLOW: &str = "docker";
/// `ci.root`: the config is at the repository's root.
pub const CI_ROOT: &str = ".";
/// `ci.branches`.
pub const CI_BRANCHES: &[&str] = &["main"];
/// `ci.tag-pattern`.
pub const CI_TAG_PATTERN: &str = "v*";
/// `ci.timeout-minutes`.
pub const CI_TIMEOUT_MINUTES: u32 = 60;
/// `ci.strategy`.
pub const CI_STRATEGY: CiStrategy = CiStrategy::Single;
/// `output.makefile-path`: the project's own Makefile, which `make` reads without `-f`.
pub const MAKEFILE_PATH: &str = "Makefile";

/// `ci.pin-actions`.
pub const CI_PIN_ACTIONS: PinActions = PinActions::Sha;

/// Keys whose default follows from other keys: the dotted key (tables of apps as `app`), and the default in
/// words as the scaffold and the README print it.
pub const DERIVED: &[(&str, &str)] = &[
    ("app.bin", "the app name"),
    ("app.image", "the app name"),
    ("app.platforms", "`project.platforms`"),
    ("app.runtime-image", "the runtime family's image for how the binary links"),
    ("app.smoke-test", "`[\"--version\"]` in command mode, the app's `args` in server mode, nothing when off"),
    ("app.smoke-mode", "`server` for an app with ports or a health check and no `smoke-test`, else `command`"),
    ("app.compose.restart", "`unless-stopped` for an app with ports or a health check, else `no` (a one-shot command)"),
    ("app.dockerfile", "`Dockerfile` in the app's context, `Dockerfile.<name>` when other apps build from it too"),
    ("app.test", "`build.test`"),
    ("app.builder-image", "`golang:<go.version>-bookworm` or `rust:<rust.version>-bookworm`"),
    (
        "ci.username-secret",
        "`DOCKERHUB_USERNAME` for Docker Hub, the workflow's actor for ghcr.io, else `REGISTRY_USERNAME`",
    ),
    (
        "ci.password-secret",
        "`DOCKERHUB_TOKEN` for Docker Hub, the workflow's token for ghcr.io, else `REGISTRY_PASSWORD`",
    ),
];

/// Keys that are simply not set when absent, and what that means.
pub const UNSET: &[(&str, &str)] = &[
    ("mkmulti-version", "none, any mkmulti reads the file"),
    ("project.description", "none, no description label"),
    ("project.source", "none, no source label"),
    ("project.license", "none, no licenses label"),
    (
        "registry.namespace",
        "none, images at the registry's root; Docker Hub needs one to push (local builds work without)",
    ),
    ("app.package", "none, the root package"),
    ("build.ca-secret", "none, the builder image's CA certificates only"),
    ("build.goproxy", "none, the environment's `GOPROXY` when the Makefile runs, else Go's default"),
    ("build.gosumdb", "none, the environment's `GOSUMDB` when the Makefile runs, else Go's default"),
    ("build.cargo-mirror", "none, crates.io (the environment's `CARGO_MIRROR` overrides a mirror the config sets)"),
    ("app.healthcheck", "none, no health check"),
];

/// The default in words for a key without a constant default (see [`DERIVED`] and [`UNSET`]).
pub fn in_words(key: &str) -> Option<&'static str> {
    DERIVED.iter().chain(UNSET).find(|(k, _)| *k == key).map(|(_, words)| *words)
}

/// The helpers below are serde's `default = "..."` functions: serde takes a function, the schema shows its value.
pub fn platforms() -> Vec<String> {
    PLATFORMS.iter().map(|p| p.to_string()).collect()
}
pub fn registry_host() -> String {
    REGISTRY_HOST.to_string()
}
pub fn healthcheck_interval() -> String {
    HEALTHCHECK_INTERVAL.to_string()
}
pub fn healthcheck_timeout() -> String {
    HEALTHCHECK_TIMEOUT.to_string()
}
pub fn healthcheck_start_period() -> String {
    HEALTHCHECK_START_PERIOD.to_string()
}
pub fn healthcheck_retries() -> u32 {
    HEALTHCHECK_RETRIES
}
pub fn ci_workflow() -> String {
    CI_WORKFLOW.to_string()
}
pub fn ci_root() -> String {
    CI_ROOT.to_string()
}
pub fn ci_branches() -> Vec<String> {
    CI_BRANCHES.iter().map(|b| b.to_string()).collect()
}
pub fn ci_tag_pattern() -> String {
    CI_TAG_PATTERN.to_string()
}
pub fn ci_timeout_minutes() -> u32 {
    CI_TIMEOUT_MINUTES
}
pub fn ci_strategy() -> CiStrategy {
    CI_STRATEGY
}
pub fn ci_pin_actions() -> PinActions {
    CI_PIN_ACTIONS
}
pub fn makefile_path() -> String {
    MAKEFILE_PATH.to_string()
}
pub fn yes() -> bool {
    true
}
