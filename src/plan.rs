//! The plan: what the resolve pass (`crate::resolve`) makes of a config, and all that rendering reads. Every
//! default applied, every string checked against its grammar, every platform normalised and expanded into its Go
//! and Rust targets.
//!
//! No `Option` here stands for a default still to apply, and no string in it has skipped its grammar check.
//! Each output's view model (`crate::render`) is built from this.

use serde::Serialize;

use crate::actions;
use crate::config::{CiStrategy, Language, Runtime, SmokeMode};
use crate::images::PackageManager;
use crate::platform::PlatformInfo;

/// The major.minor of this mkmulti, compared with `mkmulti-version`.
pub const MKMULTI_VERSION: &str = env!("CARGO_PKG_VERSION");

/// The GitHub-hosted x86-64 runner every job but the native-runner builds runs on.
pub const X86_RUNNER: &str = "ubuntu-24.04";

/// The scripts the `scripts` output writes: the platform detector and the pushed-image validator.
pub const SCRIPTS: [&str; 2] = ["scripts/detect-platform.sh", "scripts/validate-multiarch.sh"];

/// Everything the templates need, resolved.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    pub mkmulti_version: &'static str,
    /// The config file name as it appears in generated headers (relative to the output directory), limited to
    /// a plain path alphabet by `resolve::header_label`.
    pub config_file: String,
    pub project: ProjectPlan,
    pub apps: Vec<AppPlan>,
    /// Every platform any app builds for, in table order.
    pub platforms: Vec<PlatformPlan>,
    pub registry: RegistryPlan,
    pub tags: TagsPlan,
    pub ci: CiPlan,
    pub output: OutputPlan,
    pub tools: ToolsPlan,
    /// What the dependency fetch steps use besides the sources: secrets, SSH, the CA bundle, mirrors.
    pub build: BuildPlan,
}

/// The variables through which the fetch steps trust the joined CA bundle: OpenSSL and Go (`SSL_CERT_FILE`),
/// cargo, git and pip. Node adds `NODE_EXTRA_CA_CERTS` to its own roots, so that one gets the extra file alone.
pub const CA_VARIABLES: &[&str] = &["SSL_CERT_FILE", "CARGO_HTTP_CAINFO", "GIT_SSL_CAINFO", "PIP_CERT"];

/// The Go fetch step's mirror settings, build arguments that the Makefile and Bake take from the environment.
pub const FETCH_ARGS_GO: &[&str] = &["GOPROXY", "GOSUMDB", "GOPRIVATE", "GONOSUMDB"];
/// The Rust fetch step's: the crates.io mirror.
pub const FETCH_ARGS_CARGO: &[&str] = &["CARGO_MIRROR"];

/// The `[build]` table resolved: every secret with its sources and mount, the mirrors' defaults.
#[derive(Debug, Clone, Serialize)]
pub struct BuildPlan {
    pub secrets: Vec<SecretPlan>,
    pub ssh: bool,
    /// The repository secret loaded into the workflow's SSH agent (when `ssh`).
    pub ssh_ci_secret: String,
    /// The `known_hosts` lines the fetch steps trust (when `ssh`; empty otherwise).
    pub ssh_known_hosts: Vec<String>,
    /// The secret holding the extra CA certificates, by id.
    pub ca_secret: Option<SecretPlan>,
    /// Go: `GOPROXY`, `GOSUMDB`, `GOPRIVATE`, `GONOSUMDB`, each with the config's default (empty: none). Every
    /// Go Dockerfile declares them and the Makefile passes the environment's.
    pub go_args: Vec<(&'static str, String)>,
    /// Rust: the crates.io replacement's default (`CARGO_MIRROR`); `None`: crates.io unless the environment's
    /// `CARGO_MIRROR` names a mirror.
    pub cargo_mirror: Option<String>,
}

/// One build secret.
#[derive(Debug, Clone, Serialize)]
pub struct SecretPlan {
    pub id: String,
    /// The local environment variable holding the value, unless it comes from a file.
    pub env: Option<String>,
    /// The local file holding the value by default, when it comes from a file.
    pub file: Option<String>,
    /// `SECRET_<ID>_FILE`: the Makefile variable that overrides `file`.
    pub file_var: String,
    /// The repository secret holding the value in the workflow.
    pub ci_secret: String,
    /// `<IDENT>`: the workflow step's environment variable the secret goes through (`secret-envs`).
    pub ci_env: String,
    /// Where the fetch steps see it.
    pub target: String,
    /// The fetch steps also get the value in this variable.
    pub build_env: Option<String>,
    pub required: bool,
    /// The apps whose fetch steps mount it and whose builds are passed it, by name.
    pub apps: Vec<String>,
}

impl SecretPlan {
    pub fn reaches(&self, app: &str) -> bool {
        self.apps.iter().any(|a| a == app)
    }
}

impl BuildPlan {
    /// The secrets an app's builds mount, in the config's order.
    pub fn secrets_of<'a>(&'a self, app: &'a str) -> impl Iterator<Item = &'a SecretPlan> + 'a {
        self.secrets.iter().filter(move |s| s.reaches(app))
    }
}

/// Pinned versions of the build tools some Dockerfiles install.
#[derive(Debug, Clone, Serialize)]
pub struct ToolsPlan {
    pub cargo_zigbuild: &'static str,
    pub ziglang: &'static str,
    pub cargo_chef: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProjectPlan {
    pub name: String,
    pub description: Option<String>,
    pub source: Option<String>,
    pub license: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RegistryPlan {
    pub host: String,
    pub namespace: Option<String>,
    /// `host/namespace`, the prefix of every image.
    pub prefix: String,
    pub is_docker_hub: bool,
    pub is_ghcr: bool,
    /// Why images cannot be pushed yet, as the one line every push path prints and stops with; `None` when they
    /// can. (Docker Hub without a namespace: images build and run locally, pushes wait for the namespace.)
    pub push_blocker: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TagsPlan {
    pub latest: bool,
    pub semver: bool,
    pub sha: bool,
    pub branch: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct CiPlan {
    /// Where the workflow is written, relative to the config's directory: under `ci.root`
    /// (`../../.github/workflows/docker.yml`).
    pub workflow_path: String,
    /// `ci.root`: the repository root from the config's directory, `.` or `../..`. Only the workflow is written
    /// there; every other file stays in the config's directory.
    pub root: String,
    /// The workflow's path from the repository root: `.github/workflows/docker.yml`.
    pub workflow_in_repo: String,
    /// The config's directory relative to the repository root: `.`, or `services/api` with `ci.root = "../.."`.
    /// The workflow's steps that read the checkout work there, and its actions' paths start with it.
    pub repo_dir: String,
    /// `on.push.paths` and `on.pull_request.paths`: the changes that build (each app's context, the config, the
    /// scripts, the workflow itself); empty when an app builds from the repository root, so every change builds.
    pub paths: Vec<String>,
    pub branches: Vec<String>,
    pub default_branch: String,
    pub tag_pattern: String,
    pub pull_requests: bool,
    pub cache: bool,
    /// Expression for the registry user, e.g. `secrets.DOCKERHUB_USERNAME` or `github.actor`.
    pub username_expr: String,
    /// Expression for the registry password, e.g. `secrets.DOCKERHUB_TOKEN`.
    pub password_expr: String,
    /// The job needs `packages: write` (pushing to ghcr.io with the workflow's token).
    pub needs_packages_write: bool,
    /// Some stage runs on the target platform with a `RUN`, so QEMU is needed.
    pub needs_qemu: bool,
    /// `single` or `native`.
    pub strategy: CiStrategy,
    /// The `uses:` value of every action, pinned by the config's policy.
    pub uses: actions::Uses,
    /// A job validates the pushed images with `scripts/validate-multiarch.sh`.
    pub validate: bool,
    /// Platforms the validate job (on an x86-64 runner) runs under QEMU, comma-separated; empty when none.
    pub validate_qemu_platforms: String,
    pub timeout_minutes: u32,
    /// The x86-64 runner of every job but the native-runner builds.
    pub runner: &'static str,
    /// The QEMU registration image, pinned.
    pub binfmt_image: &'static str,
}

/// Which outputs to write: the `[output]` switches, final as written (each has its default already).
pub type OutputPlan = crate::config::RawOutput;

/// One platform with everything each language needs to build for it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct PlatformPlan {
    pub oci: &'static str,
    pub arch: &'static str,
    pub variant: &'static str,
    /// `amd64`, `arm64`, `armv7`: make target and stage suffix.
    pub slug: String,
    pub goarch: &'static str,
    pub goarm: Option<&'static str>,
    /// The Rust target triple for the app's libc (glibc unless the app asks for musl).
    pub rust_target: &'static str,
    /// `CARGO_TARGET_<TRIPLE>_LINKER`.
    pub linker_env: String,
    /// `CC_<triple>` for C dependencies.
    pub cc_env: String,
    /// Debian's cross gcc, e.g. `aarch64-linux-gnu-gcc`: the linker for glibc Rust targets and `CC` for cgo.
    pub linker: Option<String>,
    pub debian_arch: Option<&'static str>,
    /// Debian's multiarch triple (`aarch64-linux-gnu`): the target's libraries are in `/usr/lib/<triple>`.
    pub multiarch: Option<&'static str>,
    /// `pkg-config`'s search path for the target's libraries (`/usr/lib/<triple>/pkgconfig:/usr/share/pkgconfig`).
    pub pkg_config_libdir: Option<String>,
    /// The Rust target's own `PKG_CONFIG_LIBDIR_<triple>`, read by the `pkg-config` crate for the target only,
    /// so build scripts probing the build machine's libraries are not pointed at the target's.
    pub pkg_config_libdir_env: String,
    /// The Debian architecture whose static `tini` runs on this platform (see [`PlatformInfo`]).
    pub tini_arch: Option<&'static str>,
    /// Debian packages that give the cross gcc and the target's libc.
    pub cross_packages: Vec<String>,
    /// ELF `e_machine` bytes of a binary for this platform, as `od -An -tx1` prints them.
    pub elf_machine: &'static str,
    /// `uname -m` spellings that mean this platform.
    pub uname: Vec<&'static str>,
    /// QEMU's name for the architecture (`aarch64`), as in `/proc/sys/fs/binfmt_misc/qemu-aarch64`.
    pub qemu_arch: &'static str,
    /// The GitHub-hosted runner of the native-runner workflow.
    pub github_runner: &'static str,
    /// That runner executes this platform's binaries without QEMU.
    pub github_runner_native: bool,
    /// The x86-64 runner of single-job workflows runs this platform's binaries without QEMU.
    pub x86_native: bool,
}

impl PlatformPlan {
    /// The platform for an app; `musl` picks the Rust musl triple (when rustup ships one).
    pub fn new(p: &'static PlatformInfo, musl: bool) -> Self {
        let triple = if musl { p.rust_musl.unwrap_or(p.rust_gnu) } else { p.rust_gnu };
        let upper = triple.to_ascii_uppercase().replace('-', "_");
        let linker = p.gnu_prefix.map(|g| format!("{g}-gcc"));
        let cross_packages = match (p.gnu_prefix, p.debian_arch) {
            (Some(prefix), Some(arch)) => {
                vec![format!("gcc-{}", prefix.replace('_', "-")), format!("libc6-dev-{arch}-cross")]
            }
            _ => Vec::new(),
        };
        Self {
            oci: p.oci,
            arch: p.arch,
            variant: p.variant,
            slug: p.slug(),
            goarch: p.goarch,
            goarm: p.goarm,
            rust_target: triple,
            linker_env: format!("CARGO_TARGET_{upper}_LINKER"),
            cc_env: format!("CC_{}", triple.replace('-', "_")),
            linker,
            debian_arch: p.debian_arch,
            multiarch: p.gnu_prefix,
            pkg_config_libdir: p.gnu_prefix.map(|t| format!("/usr/lib/{t}/pkgconfig:/usr/share/pkgconfig")),
            pkg_config_libdir_env: format!("PKG_CONFIG_LIBDIR_{}", triple.replace('-', "_")),
            tini_arch: p.debian_static_arch,
            cross_packages,
            elf_machine: p.elf_machine,
            uname: p.uname.to_vec(),
            qemu_arch: p.qemu_arch,
            github_runner: p.github_runner,
            github_runner_native: p.github_runner_native,
            x86_native: p.github_runner_native && p.github_runner == X86_RUNNER,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct AppPlan {
    pub name: String,
    /// `PIXELZX`, `REALTIME_SVG_BACKEND`: prefix for per-app make variables and env vars.
    pub ident: String,
    pub language: Language,
    /// The build context, relative to the config's directory (where the generated files go): `.` or
    /// `services/api`.
    pub context: String,
    /// The Dockerfile's path relative to the config's directory: `Dockerfile`, `services/api/Dockerfile`.
    pub dockerfile: String,
    /// The Dockerfile's path relative to the build context, as compose's `build.dockerfile` and Bake's
    /// `dockerfile` take it.
    pub dockerfile_in_context: String,
    pub bin: String,
    /// Absolute path of the binary in the image.
    pub bin_path: String,
    /// `docker.io/yuchanshin/pixelzx-evm` (no tag).
    pub image: String,
    /// The repository under the registry prefix: `pixelzx-evm`.
    pub image_name: String,
    pub platforms: Vec<PlatformPlan>,
    /// `linux/amd64,linux/arm64`.
    pub platforms_csv: String,
    /// The platforms an x86-64 runner runs only under QEMU, comma-separated (empty when none).
    pub x86_foreign_csv: String,
    pub builder_image: String,
    pub runtime: Runtime,
    /// `None` for scratch.
    pub runtime_image: Option<String>,
    pub runtime_has_shell: bool,
    pub runtime_has_passwd: bool,
    /// The runtime lacks CA certificates, so they are copied from the builder.
    pub copy_certs: bool,
    /// The runtime lacks time zone data and the config wants it, so `/usr/share/zoneinfo` is copied in.
    pub copy_tzdata: bool,
    /// Run under a static `tini`, prepared for each target on the build machine.
    pub init: bool,
    pub tini_path: &'static str,
    /// `ENTRYPOINT` in exec form: the binary, behind `tini --` when `init` is set.
    pub entrypoint: Vec<String>,
    pub stop_signal: Option<String>,
    /// What the `rootfs` stage prepares, in words: `the user, home directory and CA certificates`.
    pub rootfs_summary: String,
    pub user: String,
    pub uid: u32,
    /// The user's home directory.
    pub home: String,
    pub ports: Vec<u16>,
    pub env: Vec<(String, String)>,
    /// `PIXELZX_PLATFORM`: env var holding the image's platform.
    pub platform_env: String,
    pub volumes: Vec<String>,
    pub args: Vec<String>,
    pub healthcheck: Option<HealthcheckPlan>,
    /// How the validate script proves each platform's image runs.
    pub smoke_mode: SmokeMode,
    /// The arguments of that run: empty for a server started with the image's own command, or for `off`.
    pub smoke_test: Vec<String>,
    pub packages: Vec<String>,
    /// Debian packages installed for each target on the build machine (`zlib1g-dev`), for cgo or Rust's C.
    pub build_packages: Vec<String>,
    /// Debian packages whose shared objects are copied into the runtime image for the target (`zlib1g`).
    pub runtime_libraries: Vec<String>,
    pub package_manager: Option<PackageManager>,
    pub build_args: Vec<(String, String)>,
    /// The Dockerfile has a `test` stage running the app's unit tests on the build machine (`make test`).
    pub test: bool,
    pub go: Option<GoPlan>,
    pub rust: Option<RustPlan>,
    /// The compose restart policy; `None` for an app that neither listens nor has a health check (a one-shot
    /// command, which a restart policy would run forever), unless the config sets one.
    pub compose_restart: Option<&'static str>,
    pub compose_environment: Vec<(String, String)>,
    /// Steps that run on the target platform (emulated on a foreign build machine).
    pub emulated_steps: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct HealthcheckPlan {
    /// Exec-form command with the app's binary resolved to its absolute path.
    pub command: Vec<String>,
    pub interval: String,
    pub timeout: String,
    pub start_period: String,
    pub retries: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct GoPlan {
    pub version: String,
    /// `CGO_ENABLED=1` with Debian's cross gcc per target.
    pub cgo: bool,
    /// `GOAMD64` level, when set.
    pub goamd64: Option<String>,
    /// The main package: `.` or `./cmd/pixelzx`.
    pub main: String,
    /// Package whose `version`, `commit` and `date` receive the stamps.
    pub version_package: String,
    pub extra_ldflags: Vec<String>,
    pub tags: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RustPlan {
    pub version: String,
    pub package: Option<String>,
    pub features: Vec<String>,
    pub no_default_features: bool,
    pub profile: String,
    /// Directory under `target/<triple>/` where the profile's output lands (`release`, `debug` for `dev`).
    pub profile_dir: String,
    /// Link musl statically with zig (`cargo zigbuild`) instead of glibc with Debian's cross gcc.
    pub musl: bool,
    /// Cook dependencies with cargo-chef instead of caching the target directory in a mount.
    pub chef: bool,
    /// `cargo build`, or `cargo zigbuild` for musl.
    pub cargo: &'static str,
    /// Flags of the build: `--locked --profile release --target "$CARGO_BUILD_TARGET" -p backend ...`.
    pub build_flags: String,
    /// Flags of the `test` stage's `cargo test`: locked, offline (the fetch stage fetched every crate), and the
    /// build's package and feature selection, for the build machine (no `--target`).
    pub test_flags: String,
    /// Flags of `cargo chef cook`: the build's, without the package selection when the whole workspace is cooked.
    pub cook_flags: String,
    /// The cook covers the whole workspace (no feature flags), so every app of the workspace shares its layer.
    pub cook_whole_workspace: bool,
}
