//! The `[build]` table: what every app's dependency fetch step may use besides the sources: named build secrets,
//! the SSH agent, an extra CA bundle, and dependency mirrors (Go module proxy, a crates.io mirror); and whether
//! the build runs the apps' unit tests.
//!
//! Secrets reach only the fetch steps (`go mod download`, `cargo fetch`), through BuildKit's
//! `RUN --mount=type=secret`: never an `ARG` or `ENV`, never a layer. Mirrors are not secrets: plain build
//! arguments of the builder stage, never of the runtime image.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Language, defaults};
use crate::grammar;

/// What the dependency fetch steps may use (secrets, the SSH agent, an extra CA bundle and mirrors), and whether
/// the apps' unit tests run.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawBuild {
    /// Run each app's unit tests inside the build, on the build machine and never emulated. Every Dockerfile gets
    /// a `test` stage (`go test ./...` of the app's module, `cargo test` of its package) with the build's own
    /// toolchain, dependencies, build packages and secrets; `make test` builds it, and the workflow's image builds
    /// wait for it. A plain build never runs it. Off by default, since tests may need services a build lacks; an
    /// app's own `test` overrides it.
    pub test: bool,

    /// Named build secrets, `[build.secrets.<id>]`, mounted in the dependency fetch step of the apps they apply
    /// to (`apps`, `languages`; default every app), never in a layer or the image's history. The id is lowercase
    /// letters, digits, `-` and `_`. Example:
    /// `[build.secrets.netrc]` with `file = "/home/me/.netrc"` and `target = "/root/.netrc"` for private Go
    /// modules.
    #[schemars(extend("propertyNames" = { "pattern": grammar::SECRET_ID_PATTERN }))]
    pub secrets: IndexMap<String, RawSecret>,

    /// Forward the local SSH agent to the fetch steps (`docker buildx build --ssh default`,
    /// `RUN --mount=type=ssh`), for git dependencies over SSH. In the workflow the key comes from the repository
    /// secret `ssh-ci-secret`. The git hosts' keys come from `ssh-known-hosts`.
    pub ssh: bool,

    /// With `ssh`: the `known_hosts` lines the fetch steps trust, written to a tmpfs in the fetch step only
    /// (git and cargo reach it through `GIT_SSH_COMMAND`). Default: GitHub's published keys for `github.com`.
    /// Add your git host's (from its documentation, or `ssh-keyscan` checked against its published
    /// fingerprints); a list replaces the default, so keep GitHub's lines if you need them too.
    /// Example: `["git.example.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA..."]`.
    #[schemars(inner(regex(pattern = grammar::SSH_KNOWN_HOST_PATTERN)))]
    #[schemars(extend("default" = defaults::SSH_KNOWN_HOSTS))]
    pub ssh_known_hosts: Option<Vec<String>>,

    /// In the workflow, the repository secret holding the private key loaded into an SSH agent for `ssh`.
    /// Default `"SSH_PRIVATE_KEY"`.
    #[schemars(extend("default" = defaults::SSH_CI_SECRET), regex(pattern = grammar::SECRET_PATTERN))]
    pub ssh_ci_secret: Option<String>,

    /// The id of a secret (declared under `build.secrets`) holding extra PEM CA certificates, for a
    /// TLS-intercepting proxy or a private mirror. The fetch steps trust them besides the builder image's own
    /// (through `SSL_CERT_FILE`, `CARGO_HTTP_CAINFO`, `GIT_SSL_CAINFO` and `NODE_EXTRA_CA_CERTS`); they are never
    /// written into an image. Example: `"corp-ca"`.
    #[schemars(example = &"corp-ca", regex(pattern = grammar::SECRET_ID_PATTERN))]
    pub ca_secret: Option<String>,

    /// Go: `GOPROXY` of the fetch step, a comma- or `|`-separated list of proxy URLs, `direct` and `off`. No
    /// credentials in the URL: put them in a `.netrc` secret. The Makefile passes `GOPROXY` from the environment
    /// when it is set, which wins. Example: `"https://goproxy.example.com,direct"`.
    #[schemars(example = &"https://goproxy.example.com,direct", regex(pattern = grammar::GOPROXY_PATTERN))]
    pub goproxy: Option<String>,

    /// Go: `GOSUMDB`, the checksum database (`off`, a name, or `name+key url`). The environment's wins, as for
    /// `goproxy`.
    #[schemars(example = &"sum.golang.org", regex(pattern = grammar::GOSUMDB_PATTERN))]
    pub gosumdb: Option<String>,

    /// Go: `GOPRIVATE` module path patterns, fetched directly and not checked against the checksum database.
    /// Example: `["github.com/example-org/*"]`.
    #[schemars(example = &["github.com/example-org/*"], inner(regex(pattern = grammar::GO_MODULE_GLOB_PATTERN)))]
    pub goprivate: Vec<String>,

    /// Go: `GONOSUMDB` module path patterns not checked against the checksum database (fetched through the
    /// proxy still).
    #[schemars(example = &["git.example.com"], inner(regex(pattern = grammar::GO_MODULE_GLOB_PATTERN)))]
    pub gonosumdb: Vec<String>,

    /// Rust: a mirror that replaces crates.io (cargo source replacement, written into the builder stage's
    /// `$CARGO_HOME/config.toml`: cargo reads `[source]` only from files). `sparse+https://...` for a sparse
    /// index, `https://...` for a git index. With a mirror set, the Makefile passes `CARGO_MIRROR` from the
    /// environment when it is set there, which wins. Example: `"sparse+https://crates.example.com/index/"`.
    #[schemars(example = &"sparse+https://crates.example.com/index/", regex(pattern = grammar::CARGO_MIRROR_PATTERN))]
    pub cargo_mirror: Option<String>,
}

/// One build secret: where its value comes from on a developer's machine and in the workflow, and how the fetch
/// steps see it.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawSecret {
    /// Locally, the environment variable holding the value (`docker buildx build --secret id=<id>,env=<env>`).
    /// Default: the id upper-cased, `-` as `_`, unless `file` is set.
    #[schemars(example = &"NPM_TOKEN", regex(pattern = grammar::ENV_NAME_PATTERN))]
    pub env: Option<String>,

    /// Locally, the file holding the value (`--secret id=<id>,src=<file>`): absolute, or relative to the project.
    /// The Makefile's `SECRET_<ID>_FILE` overrides it (empty: no secret). mkmulti refuses a file that does not
    /// exist. Example: `"/etc/ssl/certs/corp-ca.pem"`.
    #[schemars(example = &"/etc/ssl/certs/corp-ca.pem", regex(pattern = grammar::SECRET_FILE_PATTERN))]
    pub file: Option<String>,

    /// In the workflow, the repository secret holding the value. Default: `env`, else the id upper-cased.
    #[schemars(example = &"NETRC", regex(pattern = grammar::SECRET_PATTERN))]
    pub ci_secret: Option<String>,

    /// Where the fetch steps find the value: an absolute path. Default `/run/secrets/<id>`. Example:
    /// `"/root/.netrc"` for git and Go credentials.
    #[schemars(example = &"/root/.netrc", regex(pattern = grammar::CONTAINER_PATH_PATTERN))]
    pub target: Option<String>,

    /// The fetch steps also get the value in this environment variable, read from the mounted file inside the
    /// `RUN` (works with every BuildKit, unlike `--mount=type=secret,env=`, which needs Dockerfile syntax 1.10).
    /// Example: `"CARGO_REGISTRIES_MY_REGISTRY_TOKEN"`.
    #[schemars(example = &"CARGO_REGISTRIES_MY_REGISTRY_TOKEN", regex(pattern = grammar::ENV_NAME_PATTERN))]
    pub build_env: Option<String>,

    /// The build fails when the secret is not given (`required=true`), instead of fetching without it.
    #[serde(default)]
    pub required: bool,

    /// The apps (by `name`) whose builds get the secret; only their Dockerfiles mount it and only their builds
    /// are passed it (Makefile, Bake, compose, workflow). Default: every app of `languages`.
    /// Example: `["api"]`.
    #[serde(default)]
    #[schemars(example = &["api"], inner(regex(pattern = grammar::NAME_PATTERN)))]
    pub apps: Vec<String>,

    /// The languages whose apps get the secret. Default: `["rust"]` when `build-env` starts with `CARGO_` (a
    /// variable only cargo reads), else every language.
    #[serde(default)]
    #[schemars(example = &["rust"])]
    pub languages: Vec<Language>,
}
