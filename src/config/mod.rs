//! The raw configuration: Rust types that mirror `multiarch.toml` key for key.
//!
//! These types only say what a user may write. Defaults that never depend on another key are set here with
//! `#[serde(default)]` so the JSON schema shows them; everything derived (images, triples, linkers, tags) is
//! worked out by `plan`. Keys are kebab-case everywhere; unknown keys are errors. The `[[app]]` table and its
//! sub-tables are in `app.rs`, the closed value sets in `values.rs`, every default in `defaults.rs`.

mod app;
mod build;
pub mod defaults;
pub mod schema;
mod values;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::grammar;

pub use app::{RawApp, RawCompose, RawGo, RawHealthcheck, RawRust};
pub use build::{RawBuild, RawSecret};
pub use values::{CiStrategy, Language, PinActions, RestartPolicy, Runtime, RustCache, RustLibc, SmokeMode};

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
    #[schemars(example = "0.1", regex(pattern = grammar::VERSION_PATTERN))]
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

    /// What the dependency fetch steps may use: build secrets, the SSH agent, an extra CA bundle and mirrors.
    #[serde(default)]
    pub build: RawBuild,

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
    #[schemars(regex(pattern = grammar::NAME_PATTERN), length(max = grammar::NAME_MAX))]
    pub name: String,

    /// One-line description, used for the `org.opencontainers.image.description` label.
    #[schemars(example = &"What the images do, in one line")]
    pub description: Option<String>,

    /// URL of the source repository, used for the `org.opencontainers.image.source` label.
    /// Example: `"https://github.com/example/pixelzx"`.
    #[schemars(example = &"https://github.com/example/pixelzx", regex(pattern = grammar::HTTPS_URL_PATTERN))]
    pub source: Option<String>,

    /// SPDX license expression, used for the `org.opencontainers.image.licenses` label. Example: `"MIT"`.
    #[schemars(example = &"MIT", regex(pattern = grammar::SPDX_PATTERN))]
    pub license: Option<String>,

    /// Target platforms for every app, as `os/arch[/variant]`. Aliases such as `aarch64`, `x86_64` or `armhf`
    /// are accepted and normalised. An app can override this list.
    #[serde(default = "defaults::platforms")]
    #[schemars(with = "Vec<schema::Platform>")]
    pub platforms: Vec<String>,
}

/// Where images are pushed: `HOST/NAMESPACE/IMAGE:TAG`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawRegistry {
    /// Registry host, with a port if needed. Examples: `"docker.io"`, `"ghcr.io"`, `"registry.example.com:5000"`.
    #[serde(default = "defaults::registry_host")]
    #[schemars(example = &"ghcr.io", example = &"registry.example.com:5000")]
    #[schemars(regex(pattern = grammar::REGISTRY_HOST_PATTERN))]
    pub host: String,

    /// Path under the host, usually a user or organisation: `"yuchanshin"`, `"my-org/team"`. Leave it out for
    /// a registry that takes images at its root.
    #[schemars(example = &"your-user-or-org")]
    #[schemars(regex(pattern = grammar::REPOSITORY_PATH_PATTERN), length(max = grammar::REPOSITORY_PATH_MAX))]
    pub namespace: Option<String>,
}

impl Default for RawRegistry {
    fn default() -> Self {
        Self { host: defaults::registry_host(), namespace: None }
    }
}

/// Which tags each pushed image gets.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawTags {
    /// Tag `latest` on release builds (a version tag pushed from the default branch).
    pub latest: bool,

    /// Tag releases `v1.2.3` as `1.2.3` and `1.2`.
    pub semver: bool,

    /// Tag every pushed build with `sha-<short commit>`.
    pub sha: bool,

    /// Tag default-branch builds with the branch name (`main`).
    pub branch: bool,
}

impl Default for RawTags {
    fn default() -> Self {
        Self { latest: true, semver: true, sha: true, branch: true }
    }
}

/// The generated GitHub Actions workflow.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawCi {
    /// File name under `.github/workflows/`, without `.yml`. Default `"docker"`.
    #[schemars(regex(pattern = grammar::BINARY_PATTERN), length(max = grammar::BINARY_MAX))]
    pub workflow: String,

    /// The git repository's root, seen from the config's directory: `"."` when the config is at the top of the
    /// repository, `"../.."` for `services/api/multiarch.toml`. GitHub runs only workflows at the repository's
    /// root, so the workflow is written to `<root>/.github/workflows/`, works in the config's directory and runs
    /// only for changes below it. Default `"."`.
    #[schemars(example = &"../..", regex(pattern = grammar::CI_ROOT_PATTERN))]
    pub root: String,

    /// Branches whose pushes build and push images. Default `["main"]`; the first is the default branch.
    #[schemars(inner(regex(pattern = grammar::BRANCH_PATTERN)))]
    pub branches: Vec<String>,

    /// Git tag pattern that marks a release. Default `"v*"`.
    #[schemars(regex(pattern = grammar::REF_PATTERN_PATTERN))]
    pub tag_pattern: String,

    /// Build (never push) on pull requests. Default `true`.
    pub pull_requests: bool,

    /// Use the GitHub Actions cache for build layers. Default `true`.
    pub cache: bool,

    /// Name of the repository secret holding the registry user name. Default: `DOCKERHUB_USERNAME` for
    /// Docker Hub; the workflow's own actor for `ghcr.io`; `REGISTRY_USERNAME` elsewhere.
    #[schemars(regex(pattern = grammar::SECRET_PATTERN))]
    pub username_secret: Option<String>,

    /// Name of the repository secret holding the registry password or token. Default: `DOCKERHUB_TOKEN` for
    /// Docker Hub; the workflow's `GITHUB_TOKEN` for `ghcr.io`; `REGISTRY_PASSWORD` elsewhere.
    #[schemars(regex(pattern = grammar::SECRET_PATTERN))]
    pub password_secret: Option<String>,

    /// How the platforms are spread over runners. Default `"single"`.
    pub strategy: CiStrategy,

    /// How the workflow refers to the actions it uses. Default `"sha"`.
    pub pin_actions: PinActions,

    /// After a push, a job runs `scripts/validate-multiarch.sh` against the pushed tag: the manifest list holds
    /// every platform and each platform's image runs its smoke test (under QEMU where foreign). Needs the
    /// scripts output. Default `true`.
    pub validate: bool,

    /// `timeout-minutes` of every build job. Default `60`.
    #[schemars(range(min = 1, max = 360))]
    pub timeout_minutes: u32,
}

impl Default for RawCi {
    fn default() -> Self {
        Self {
            workflow: defaults::ci_workflow(),
            root: defaults::ci_root(),
            branches: defaults::ci_branches(),
            tag_pattern: defaults::ci_tag_pattern(),
            pull_requests: true,
            cache: true,
            username_secret: None,
            password_secret: None,
            strategy: defaults::CI_STRATEGY,
            pin_actions: defaults::CI_PIN_ACTIONS,
            validate: true,
            timeout_minutes: defaults::CI_TIMEOUT_MINUTES,
        }
    }
}

/// Which files `mkmulti generate` writes. All are on by default except `bake`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawOutput {
    /// A Dockerfile per app.
    pub dockerfile: bool,
    /// The Makefile, written to `makefile-path`.
    pub makefile: bool,
    /// Where the Makefile is written, relative to the config's directory. Default `"Makefile"`. Any other path,
    /// such as `"docker.mk"`, is a file to `include` from your own Makefile (or to run as `make -f docker.mk`):
    /// it leaves your Makefile's default goal alone, sets its variables only where you have not, and names its
    /// targets that a Makefile of your own may have too with a `docker-` prefix (`make docker-help` lists them).
    #[schemars(example = &"docker.mk", regex(pattern = grammar::OUTPUT_PATH_PATTERN))]
    #[schemars(length(max = grammar::OUTPUT_PATH_MAX))]
    pub makefile_path: String,
    /// `compose.yaml`.
    pub compose: bool,
    /// `scripts/detect-platform.sh` and `scripts/validate-multiarch.sh`.
    pub scripts: bool,
    /// `.github/workflows/<ci.workflow>.yml`.
    pub workflow: bool,
    /// `.dockerignore`.
    pub dockerignore: bool,
    /// `docker-bake.hcl`: a Bake target per app, the same builds as the Makefile, tagged from the `DOCKER_REGISTRY`
    /// and `TAG` variables, and a `default` group of every app. Off by default.
    pub bake: bool,
    /// `MULTIARCH.md`: how this project's images are built, tested, pushed and validated, with a diagram of the
    /// build stages and troubleshooting for the usual multi-architecture failures, naming this project's make
    /// targets, scripts, platforms and images.
    pub multiarch_md: bool,
    /// Start every Dockerfile with `# syntax=docker/dockerfile:1`, so BuildKit fetches the current Dockerfile
    /// frontend. Turn off only where that image cannot be pulled.
    pub syntax_directive: bool,
}

impl RawOutput {
    /// The Makefile is written to be included from the project's own Makefile: its path is not `Makefile`.
    pub fn makefile_is_included(&self) -> bool {
        self.makefile_path != defaults::MAKEFILE_PATH
    }
}

impl Default for RawOutput {
    fn default() -> Self {
        Self {
            dockerfile: true,
            makefile: true,
            makefile_path: defaults::makefile_path(),
            compose: true,
            scripts: true,
            workflow: true,
            dockerignore: true,
            bake: false,
            multiarch_md: true,
            syntax_directive: true,
        }
    }
}
