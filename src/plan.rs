//! Pass 2: resolve and validate. Turns a [`RawConfig`] into a [`Plan`]: every default applied, every string
//! checked against its grammar, every platform normalised and expanded into its Go and Rust targets.
//!
//! Templates see only the plan: no `Option`s to unwrap, no defaults to guess, no raw user strings that have
//! not passed a grammar check.

use std::collections::BTreeSet;

use indexmap::IndexMap;
use serde::Serialize;

use crate::actions;
use crate::config::{CiStrategy, Language, RawApp, RawConfig, RestartPolicy, Runtime, RustCache, RustLibc};
use crate::diagnostics::{Diagnostic, KeyPath};
use crate::grammar::{self, Check};
use crate::images::{self, PackageManager};
use crate::platform::{self, PlatformInfo};

/// The major.minor of this mkmulti, compared with `mkmulti-version`.
pub const MKMULTI_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Where binaries go inside every image.
const BIN_DIR: &str = "/usr/local/bin";
/// Where `tini` goes when `init` is set (where Debian's `tini` package puts it).
const TINI_PATH: &str = "/usr/bin/tini";

/// The most apps and list entries a config may hold: far above real use, low enough to keep output sane.
const MAX_APPS: usize = 64;
const MAX_LIST: usize = 256;
/// The GitHub-hosted x86-64 runner every job but the native-runner builds runs on.
const X86_RUNNER: &str = "ubuntu-24.04";

/// Everything the templates need, resolved.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    pub mkmulti_version: &'static str,
    /// The config file name as it appears in generated headers (relative to the output directory), limited to
    /// a plain path alphabet by [`header_label`].
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
    pub workflow_path: String,
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

#[derive(Debug, Clone, Serialize)]
pub struct OutputPlan {
    pub dockerfile: bool,
    pub makefile: bool,
    pub compose: bool,
    pub scripts: bool,
    pub workflow: bool,
    pub dockerignore: bool,
    pub bake: bool,
    pub syntax_directive: bool,
}

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
    /// The Dockerfile's path relative to the output directory.
    pub dockerfile: String,
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
    pub smoke_test: Vec<String>,
    pub packages: Vec<String>,
    pub package_manager: Option<PackageManager>,
    pub build_args: Vec<(String, String)>,
    pub go: Option<GoPlan>,
    pub rust: Option<RustPlan>,
    pub compose_restart: &'static str,
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
    /// Flags of `cargo chef cook`: the build's, without the package selection when the whole workspace is cooked.
    pub cook_flags: String,
    /// The cook covers the whole workspace (no feature flags), so every app of the workspace shares its layer.
    pub cook_whole_workspace: bool,
}

/// The result of planning: a plan when no error was found, and every diagnostic either way.
pub struct Planned {
    pub plan: Option<Plan>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Resolves and validates a raw config. `config_file` is the name used in generated headers.
pub fn plan(raw: &RawConfig, config_file: &str) -> Planned {
    let mut v = Validator::default();
    let plan = v.plan(raw, config_file);
    let failed = v.diagnostics.iter().any(Diagnostic::is_error);
    Planned { plan: if failed { None } else { Some(plan) }, diagnostics: v.diagnostics }
}

#[derive(Default)]
struct Validator {
    diagnostics: Vec<Diagnostic>,
    /// `project.platforms` as written, to point at the entry an app-level error is about.
    project_platforms: Vec<String>,
}

impl Validator {
    fn error(&mut self, path: KeyPath, message: impl Into<String>) {
        self.diagnostics.push(Diagnostic::error(path, message));
    }

    fn error_help(&mut self, path: KeyPath, message: impl Into<String>, help: impl Into<String>) {
        self.diagnostics.push(Diagnostic::error(path, message).with_help(help));
    }

    /// Runs a grammar check; on failure reports `what` is invalid, with the grammar's wording as help.
    fn check(&mut self, path: &KeyPath, value: &str, what: &str, check: fn(&str) -> Check) -> bool {
        if let Err(why) = grammar::text(value) {
            self.error_help(path.clone(), format!("invalid {what} {value:?}"), why);
            return false;
        }
        match check(value) {
            Ok(()) => true,
            Err(why) => {
                self.error_help(path.clone(), format!("invalid {what} {}", quoted(value)), why);
                false
            }
        }
    }

    fn check_list(&mut self, path: &KeyPath, values: &[String], what: &str, check: fn(&str) -> Check) {
        if values.len() > MAX_LIST {
            self.error(path.clone(), format!("too many entries ({}, at most {MAX_LIST})", values.len()));
            return;
        }
        for (i, value) in values.iter().enumerate() {
            self.check(&path.index(i), value, what, check);
        }
    }

    fn plan(&mut self, raw: &RawConfig, config_file: &str) -> Plan {
        let root = KeyPath::root();
        if let Some(v) = &raw.mkmulti_version {
            self.check_version(&root.key("mkmulti-version"), v);
        }
        let project = self.project(raw);
        let registry = self.registry(raw);
        let project_platforms = self.platforms(&root.key("project").key("platforms"), &raw.project.platforms);
        self.project_platforms = raw.project.platforms.clone();

        if raw.app.is_empty() {
            self.error_help(
                root.key("app"),
                "no apps: nothing to build",
                "add an `[[app]]` table with `name` and `language`",
            );
        }
        if raw.app.len() > MAX_APPS {
            self.error(root.key("app"), format!("too many apps ({}, at most {MAX_APPS})", raw.app.len()));
        }
        let several = raw.app.len() > 1;
        let apps: Vec<AppPlan> = raw
            .app
            .iter()
            .take(MAX_APPS)
            .enumerate()
            .map(|(i, app)| self.app(&root.key("app").index(i), app, &project_platforms, &registry, several))
            .collect();
        // One error per clash: a repeated name also repeats the image and variable names derived from it, so
        // those are compared only among apps whose names differ.
        let why = "app names must differ: each is a make target and a compose service";
        let repeated = self.unique(&apps, &[], |a| &a.name, "name", why);
        self.unique(&apps, &repeated, |a| &a.image, "image", "two apps would push to the same image");
        let why = "these names collide once `-` becomes `_` in make variables";
        self.unique(&apps, &repeated, |a| &a.ident, "name", why);

        let mut all: BTreeSet<usize> = BTreeSet::new();
        for app in &apps {
            for p in &app.platforms {
                all.insert(
                    platform::PLATFORMS
                        .iter()
                        .position(|i| i.oci == p.oci)
                        .expect("plan platforms come from the table"),
                );
            }
        }
        let platforms: Vec<PlatformPlan> =
            all.into_iter().map(|i| PlatformPlan::new(&platform::PLATFORMS[i], false)).collect();
        let ci = self.ci(raw, &registry, &apps, &platforms);
        let o = &raw.output;
        Plan {
            mkmulti_version: MKMULTI_VERSION,
            config_file: header_label(config_file),
            project,
            apps,
            platforms,
            registry,
            tags: TagsPlan {
                latest: raw.tags.latest,
                semver: raw.tags.semver,
                sha: raw.tags.sha,
                branch: raw.tags.branch,
            },
            ci,
            output: OutputPlan {
                dockerfile: o.dockerfile,
                makefile: o.makefile,
                compose: o.compose,
                scripts: o.scripts,
                workflow: o.workflow,
                dockerignore: o.dockerignore,
                bake: o.bake,
                syntax_directive: o.syntax_directive,
            },
            tools: ToolsPlan {
                cargo_zigbuild: images::CARGO_ZIGBUILD_VERSION,
                ziglang: images::ZIGLANG_VERSION,
                cargo_chef: images::CARGO_CHEF_VERSION,
            },
        }
    }

    fn check_version(&mut self, path: &KeyPath, v: &str) {
        if !self.check(path, v, "mkmulti-version", grammar::version) {
            return;
        }
        let parse = |s: &str| -> Vec<u64> { s.split('.').take(2).map(|n| n.parse().unwrap_or(u64::MAX)).collect() };
        if parse(v) > parse(MKMULTI_VERSION) {
            self.error_help(
                path.clone(),
                format!("this file is for mkmulti {v}, newer than this mkmulti ({MKMULTI_VERSION})"),
                "upgrade mkmulti, or lower `mkmulti-version` if you know the file needs nothing newer",
            );
        }
    }

    /// Reports every app (not in `skip`) whose key repeats an earlier one's; returns the indices reported.
    fn unique(
        &mut self,
        apps: &[AppPlan],
        skip: &[usize],
        key: impl Fn(&AppPlan) -> &String,
        field: &str,
        why: &str,
    ) -> Vec<usize> {
        let mut seen: IndexMap<&String, usize> = IndexMap::new();
        let mut repeated = Vec::new();
        for (i, app) in apps.iter().enumerate().filter(|(i, _)| !skip.contains(i)) {
            let k = key(app);
            if let Some(first) = seen.get(k) {
                let path = KeyPath::root().key("app").index(i).key(field);
                self.error_help(path, format!("`{k}` is used twice (first by app[{first}])"), why);
                repeated.push(i);
            } else {
                seen.insert(k, i);
            }
        }
        repeated
    }

    fn project(&mut self, raw: &RawConfig) -> ProjectPlan {
        let p = KeyPath::root().key("project");
        let r = &raw.project;
        self.check(&p.key("name"), &r.name, "project name", grammar::name);
        let description = r.description.clone();
        if let Some(d) = &description {
            self.check(&p.key("description"), d, "description", |_| Ok(()));
        }
        if let Some(s) = &r.source {
            self.check(&p.key("source"), s, "source URL", grammar::https_url);
        }
        if let Some(l) = &r.license {
            self.check(&p.key("license"), l, "license", grammar::spdx);
        }
        ProjectPlan { name: r.name.clone(), description, source: r.source.clone(), license: r.license.clone() }
    }

    fn registry(&mut self, raw: &RawConfig) -> RegistryPlan {
        let p = KeyPath::root().key("registry");
        let r = &raw.registry;
        self.check(&p.key("host"), &r.host, "registry host", grammar::registry_host);
        if let Some(ns) = &r.namespace {
            self.check(&p.key("namespace"), ns, "registry namespace", grammar::repository_path);
        }
        let host = r.host.to_ascii_lowercase();
        let is_docker_hub = matches!(host.as_str(), "docker.io" | "index.docker.io" | "registry-1.docker.io");
        if is_docker_hub && r.namespace.is_none() {
            self.error_help(
                p.key("host"),
                "Docker Hub (the default registry) needs a namespace to push to",
                "set `registry.namespace` to your Docker Hub user or organisation",
            );
        }
        let prefix = match &r.namespace {
            Some(ns) => format!("{}/{ns}", r.host),
            None => r.host.clone(),
        };
        RegistryPlan {
            is_ghcr: host == "ghcr.io",
            host: r.host.clone(),
            namespace: r.namespace.clone(),
            prefix,
            is_docker_hub,
        }
    }

    /// Parses a platform list: aliases normalised (with a note), duplicates and unknowns refused.
    fn platforms(&mut self, path: &KeyPath, list: &[String]) -> Vec<&'static PlatformInfo> {
        if list.is_empty() {
            self.error_help(
                path.clone(),
                "the platform list is empty",
                "list at least one platform, e.g. `[\"linux/amd64\"]`",
            );
        }
        let mut out: Vec<&'static PlatformInfo> = Vec::new();
        for (i, s) in list.iter().enumerate().take(MAX_LIST) {
            let at = path.index(i);
            if grammar::text(s).is_err() {
                self.check(&at, s, "platform", |_| Ok(()));
                continue;
            }
            match platform::parse(s) {
                Ok(parsed) => {
                    if let Some(from) = &parsed.normalised_from {
                        self.diagnostics.push(
                            Diagnostic::note(at.clone(), format!("`{from}` is read as `{}`", parsed.info.oci))
                                .with_help(format!("write `{}` to silence this note", parsed.info.oci)),
                        );
                    }
                    if out.contains(&parsed.info) {
                        self.error_help(at, format!("`{}` is listed twice", parsed.info.oci), "remove the duplicate");
                    } else {
                        out.push(parsed.info);
                    }
                }
                Err(e) => {
                    let help = match &e {
                        platform::PlatformError::UnknownArch { suggestion: Some(s), .. } => {
                            let oci = platform::PLATFORMS.iter().find(|p| p.arch == *s).map_or(*s, |p| p.oci);
                            format!("did you mean `{oci}`?")
                        }
                        _ => format!(
                            "supported platforms: {}",
                            platform::PLATFORMS.iter().map(|p| p.oci).collect::<Vec<_>>().join(", ")
                        ),
                    };
                    self.error_help(at, format!("invalid platform `{s}`: {e}"), help);
                }
            }
        }
        out
    }

    fn app(
        &mut self,
        p: &KeyPath,
        raw: &RawApp,
        project_platforms: &[&'static PlatformInfo],
        registry: &RegistryPlan,
        several: bool,
    ) -> AppPlan {
        let name_ok = self.check(&p.key("name"), &raw.name, "app name", grammar::name);
        // `bin` and `image` default to the name: a bad name is reported once, not again under each.
        let bin = raw.bin.clone().unwrap_or_else(|| raw.name.clone());
        if raw.bin.is_some() || name_ok {
            self.check(&p.key("bin"), &bin, "binary name", grammar::binary);
        }
        let image_name = raw.image.clone().unwrap_or_else(|| raw.name.clone());
        if raw.image.is_some() || name_ok {
            self.check(&p.key("image"), &image_name, "image name", grammar::repository_path);
        }
        let image = format!("{}/{image_name}", registry.prefix);

        let platforms = match &raw.platforms {
            Some(list) => self.platforms(&p.key("platforms"), list),
            None => project_platforms.to_vec(),
        };

        let musl = raw.language == Language::Rust && raw.rust.libc == Some(RustLibc::Musl);
        let cgo = raw.language == Language::Go && raw.go.cgo;
        let glibc_binary = (raw.language == Language::Rust && !musl) || cgo;
        self.toolchain_platforms(p, raw, musl, cgo, &platforms);
        self.language_keys(p, raw);
        let runtime = raw.runtime.unwrap_or(Runtime::Distroless);
        let base = images::runtime_base(runtime, glibc_binary);
        let runtime_image = match (&raw.runtime_image, base.image) {
            (Some(img), _) if runtime == Runtime::Scratch => {
                self.error_help(
                    p.key("runtime-image"),
                    format!("`runtime-image = \"{img}\"` conflicts with `runtime = \"scratch\"`"),
                    "remove one of the two",
                );
                None
            }
            (Some(img), _) => {
                self.check(&p.key("runtime-image"), img, "image reference", grammar::image_reference);
                Some(img.clone())
            }
            (None, Some(default)) => Some(default.to_string()),
            (None, None) => None,
        };
        self.runtime_platforms(p, raw, runtime, glibc_binary, runtime_image.as_deref(), &platforms);
        if glibc_binary && !base.glibc {
            let (what, fix) = if cgo {
                ("a Go binary built with cgo links glibc: it", "set `go.cgo = false` for a static binary, or use")
            } else {
                ("a Rust binary built for glibc", "set `rust.libc = \"musl\"` for a static binary, or use")
            };
            self.error_help(
                p.key("runtime"),
                format!("{what} cannot run on `{}`, which has no glibc", runtime_name(runtime)),
                format!("{fix} `runtime = \"distroless\"` or `\"debian-slim\"`"),
            );
        }

        let builder_image = match &raw.builder_image {
            Some(img) => {
                self.check(&p.key("builder-image"), img, "image reference", grammar::image_reference);
                img.clone()
            }
            None => match raw.language {
                Language::Go => images::go_builder(raw.go.version.as_deref().unwrap_or(images::DEFAULT_GO_VERSION)),
                Language::Rust => {
                    images::rust_builder(raw.rust.version.as_deref().unwrap_or(images::DEFAULT_RUST_VERSION))
                }
            },
        };

        let user = raw.user.clone().unwrap_or_else(|| "app".to_string());
        self.check(&p.key("user"), &user, "user name", grammar::user);
        let uid = raw.uid.unwrap_or(10001);
        if uid == 0 {
            self.error_help(p.key("uid"), "uid 0 is root", "pick a non-zero id, e.g. 10001");
        }

        let mut ports = Vec::new();
        for (i, port) in raw.ports.iter().enumerate() {
            if *port == 0 {
                self.error(p.key("ports").index(i), "port 0 is not a port");
            } else if ports.contains(port) {
                self.error(p.key("ports").index(i), format!("port {port} is listed twice"));
            } else {
                ports.push(*port);
            }
        }

        let env = self.vars(&p.key("env"), &raw.env, "environment variable");
        let ident = raw.name.to_ascii_uppercase().replace('-', "_");
        let platform_env = format!("{ident}_PLATFORM");
        if raw.env.contains_key(&platform_env) {
            self.error_help(
                p.key("env").key(&platform_env),
                format!("`{platform_env}` is set by mkmulti"),
                "it holds the image's platform; remove it",
            );
        }
        let build_args = self.vars(&p.key("build-args"), &raw.build_args, "build argument");
        for reserved in [
            "VERSION",
            "COMMIT",
            "BUILD_DATE",
            "TARGETPLATFORM",
            "TARGETOS",
            "TARGETARCH",
            "TARGETVARIANT",
            "BUILDPLATFORM",
        ] {
            if raw.build_args.contains_key(reserved) {
                self.error_help(
                    p.key("build-args").key(reserved),
                    format!("`{reserved}` is set by mkmulti or BuildKit"),
                    "remove it",
                );
            }
        }
        let compose_environment =
            self.vars(&p.key("compose").key("environment"), &raw.compose.environment, "environment variable");

        self.check_list(&p.key("volumes"), &raw.volumes, "container path", grammar::container_path);
        for (i, v) in raw.volumes.iter().enumerate() {
            if raw.volumes[..i].contains(v) {
                self.error_help(
                    p.key("volumes").index(i),
                    format!("volume `{v}` is listed twice"),
                    "remove the duplicate: compose refuses two volumes mounted at one path",
                );
            }
        }
        self.check_list(&p.key("args"), &raw.args, "argument", |_| Ok(()));
        let home = format!("/home/{user}");

        let bin_path = format!("{BIN_DIR}/{bin}");
        let healthcheck = raw.healthcheck.as_ref().map(|h| {
            let hp = p.key("healthcheck");
            if h.command.is_empty() {
                self.error(hp.key("command"), "the health check command is empty");
            }
            self.check_list(&hp.key("command"), &h.command, "command word", |_| Ok(()));
            self.check(&hp.key("interval"), &h.interval, "duration", grammar::duration);
            self.check(&hp.key("timeout"), &h.timeout, "duration", grammar::duration);
            self.check(&hp.key("start-period"), &h.start_period, "duration", grammar::duration);
            if !(1..=100).contains(&h.retries) {
                self.error_help(
                    hp.key("retries"),
                    format!("{} retries is outside 1 to 100", h.retries),
                    "Docker marks the container unhealthy after this many failed checks in a row; 3 is usual",
                );
            }
            let mut command = h.command.clone();
            if let Some(first) = command.first_mut() {
                let shell = matches!(first.rsplit('/').next(), Some("sh" | "bash" | "ash" | "dash" | "busybox"));
                if *first == bin {
                    *first = bin_path.clone();
                } else if !base.shell && (shell || !first.starts_with('/')) {
                    self.error_help(
                        hp.key("command").index(0),
                        if shell {
                            format!("`{first}`: a `{}` image has no shell", runtime_name(runtime))
                        } else {
                            format!("`{first}` is not on a `{}` image", runtime_name(runtime))
                        },
                        format!(
                            "start the command with the app's binary (`{bin}`), e.g. a `healthcheck` subcommand, \
                             or use a runtime with a shell (`alpine`, `debian-slim`)"
                        ),
                    );
                }
            }
            HealthcheckPlan {
                command,
                interval: h.interval.clone(),
                timeout: h.timeout.clone(),
                start_period: h.start_period.clone(),
                retries: h.retries,
            }
        });
        let smoke_test = raw.smoke_test.clone().unwrap_or_else(|| vec!["--version".to_string()]);
        self.check_list(&p.key("smoke-test"), &smoke_test, "argument", |_| Ok(()));

        self.check_list(&p.key("packages"), &raw.packages, "package name", grammar::package);
        if !raw.packages.is_empty() && base.package_manager.is_none() {
            self.error_help(
                p.key("packages"),
                format!("`{}` has no package manager to install packages with", runtime_name(runtime)),
                "use `runtime = \"alpine\"` or `\"debian-slim\"`, or drop the packages",
            );
        }

        let go = (raw.language == Language::Go).then(|| self.go(p, raw));
        let rust = (raw.language == Language::Rust).then(|| self.rust(p, raw, musl));

        if raw.init {
            for platform in platforms.iter() {
                if platform.debian_static_arch.is_none() {
                    self.error_help(
                        p.key("init"),
                        format!("Debian bookworm has no `tini` for `{}` (app `{}`)", platform.oci, raw.name),
                        "drop `init`, or the platform for this app",
                    );
                }
            }
        }
        let mut entrypoint = vec![bin_path.clone()];
        if raw.init {
            entrypoint.splice(0..0, [TINI_PATH.to_string(), "--".to_string()]);
        }
        if let Some(signal) = &raw.stop_signal {
            self.check(&p.key("stop-signal"), signal, "signal", grammar::signal);
        }

        let emulated_steps = usize::from(!raw.packages.is_empty());
        let copy_certs = !base.certs;
        let copy_tzdata = raw.tzdata && !base.tzdata;
        let platform_plans: Vec<PlatformPlan> = platforms.iter().map(|p| PlatformPlan::new(p, musl)).collect();
        AppPlan {
            ident,
            language: raw.language,
            dockerfile: if several { format!("Dockerfile.{}", raw.name) } else { "Dockerfile".to_string() },
            bin,
            bin_path,
            image,
            image_name,
            platforms_csv: platforms.iter().map(|p| p.oci).collect::<Vec<_>>().join(","),
            x86_foreign_csv: x86_foreign_csv(&platform_plans),
            platforms: platform_plans,
            builder_image,
            runtime,
            runtime_image,
            runtime_has_shell: base.shell,
            runtime_has_passwd: base.passwd,
            copy_certs,
            copy_tzdata,
            init: raw.init,
            tini_path: TINI_PATH,
            entrypoint,
            stop_signal: raw.stop_signal.clone(),
            rootfs_summary: rootfs_summary(!raw.volumes.is_empty(), copy_certs, copy_tzdata, raw.init),
            user,
            uid,
            home,
            ports,
            env,
            platform_env,
            volumes: raw.volumes.clone(),
            args: raw.args.clone(),
            healthcheck,
            smoke_test,
            packages: raw.packages.clone(),
            package_manager: base.package_manager,
            build_args,
            go,
            rust,
            compose_restart: match raw.compose.restart.unwrap_or(RestartPolicy::UnlessStopped) {
                RestartPolicy::No => "no",
                RestartPolicy::Always => "always",
                RestartPolicy::OnFailure => "on-failure",
                RestartPolicy::UnlessStopped => "unless-stopped",
            },
            compose_environment,
            emulated_steps,
            name: raw.name.clone(),
        }
    }

    /// Keys of the other language are mistakes, not silently ignored settings.
    fn language_keys(&mut self, p: &KeyPath, raw: &RawApp) {
        let (wrong, keys): (&str, Vec<(&str, bool)>) = match raw.language {
            Language::Go => (
                "rust",
                vec![
                    ("package", raw.package.is_some()),
                    (
                        "rust",
                        raw.rust.version.is_some()
                            || !raw.rust.features.is_empty()
                            || raw.rust.no_default_features
                            || raw.rust.profile.is_some()
                            || raw.rust.libc.is_some()
                            || raw.rust.cache.is_some(),
                    ),
                ],
            ),
            Language::Rust => (
                "go",
                vec![
                    ("main", raw.main.is_some()),
                    (
                        "go",
                        raw.go.version.is_some()
                            || !raw.go.ldflags.is_empty()
                            || !raw.go.tags.is_empty()
                            || raw.go.version_package.is_some()
                            || raw.go.cgo
                            || raw.go.goamd64.is_some(),
                    ),
                ],
            ),
        };
        for (key, set) in keys {
            if set {
                self.error_help(
                    p.key(key),
                    format!("`{key}` is a {wrong} setting, but this app's language is not {wrong}"),
                    "remove it, or fix `language`",
                );
            }
        }
    }

    /// The config entry that named `platform` for this app: `app[i].platforms[j]` or `project.platforms[j]`.
    fn platform_path(&self, p: &KeyPath, raw: &RawApp, platform: &PlatformInfo) -> KeyPath {
        let (path, list) = match &raw.platforms {
            Some(list) => (p.key("platforms"), list),
            None => (KeyPath::root().key("project").key("platforms"), &self.project_platforms),
        };
        match list.iter().position(|s| platform::parse(s).is_ok_and(|parsed| parsed.info.oci == platform.oci)) {
            Some(i) => path.index(i),
            None => path,
        }
    }

    /// Every target platform must have a cross toolchain for the app's language and libc.
    fn toolchain_platforms(
        &mut self,
        p: &KeyPath,
        raw: &RawApp,
        musl: bool,
        cgo: bool,
        platforms: &[&'static PlatformInfo],
    ) {
        for platform in platforms {
            let (problem, help) = match raw.language {
                Language::Rust if musl && platform.rust_musl.is_none() => (
                    "rustup ships no musl standard library for it (a tier 3 target)",
                    "drop the platform for this app (set `platforms` in its [[app]] table), or use `rust.libc = \"gnu\"`"
                        .to_string(),
                ),
                Language::Rust if !musl && platform.gnu_prefix.is_none() => (
                    "Debian has no glibc cross gcc for it",
                    if platform.rust_musl.is_some() {
                        "set `rust.libc = \"musl\"` (linked by zig), or drop the platform for this app".to_string()
                    } else {
                        "drop the platform for this app (set `platforms` in its [[app]] table)".to_string()
                    },
                ),
                Language::Go if cgo && platform.gnu_prefix.is_none() => (
                    "Debian has no cross gcc for it, which cgo needs",
                    "set `go.cgo = false`, or drop the platform for this app".to_string(),
                ),
                _ => continue,
            };
            let lang = if raw.language == Language::Go { "Go with cgo" } else { "Rust" };
            self.error_help(
                self.platform_path(p, raw, platform),
                format!("app `{}`: {lang} cannot be cross-compiled for `{}`: {problem}", raw.name, platform.oci),
                help,
            );
        }
    }

    fn runtime_platforms(
        &mut self,
        p: &KeyPath,
        raw: &RawApp,
        runtime: Runtime,
        glibc_binary: bool,
        image: Option<&str>,
        platforms: &[&'static PlatformInfo],
    ) {
        let Some(image) = image else { return };
        let Some(published) = images::known_platforms(runtime, glibc_binary, image) else {
            return;
        };
        for platform in platforms {
            if !published.contains(&platform.oci) {
                self.error_help(
                    self.platform_path(p, raw, platform),
                    format!("runtime image `{image}` does not publish `{}` (app `{}`)", platform.oci, raw.name),
                    format!("it publishes: {}. Pick another runtime or drop the platform", published.join(", ")),
                );
            }
        }
    }

    fn vars(&mut self, path: &KeyPath, vars: &IndexMap<String, String>, what: &str) -> Vec<(String, String)> {
        for (k, v) in vars {
            let at = path.key(k);
            self.check(&at, k, &format!("{what} name"), grammar::env_name);
            self.check(&at, v, &format!("{what} value"), |_| Ok(()));
            let upper = k.to_ascii_uppercase();
            if ["TOKEN", "PASSWORD", "SECRET", "KEY", "CREDENTIAL"].iter().any(|s| upper.contains(s)) {
                self.diagnostics.push(
                    Diagnostic::warning(
                        at,
                        format!("`{k}` looks like a secret; its value is stored in the image's metadata"),
                    )
                    .with_help("pass secrets at run time, or to builds with `RUN --mount=type=secret`"),
                );
            }
        }
        vars.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
    }

    fn go(&mut self, p: &KeyPath, raw: &RawApp) -> GoPlan {
        let gp = p.key("go");
        let main = raw.main.clone().unwrap_or_else(|| ".".to_string());
        self.check(&p.key("main"), &main, "Go package path", grammar::relative_path);
        let version = raw.go.version.clone().unwrap_or_else(|| images::DEFAULT_GO_VERSION.to_string());
        self.check(&gp.key("version"), &version, "Go version", grammar::version);
        let version_package = raw.go.version_package.clone().unwrap_or_else(|| "main".to_string());
        self.check(&gp.key("version-package"), &version_package, "Go package path", grammar::go_package);
        self.check_list(&gp.key("ldflags"), &raw.go.ldflags, "ldflags word", grammar::ldflag);
        self.check_list(&gp.key("tags"), &raw.go.tags, "Go build tag", grammar::go_tag);
        if let Some(level) = &raw.go.goamd64 {
            self.check(&gp.key("goamd64"), level, "GOAMD64 level", grammar::goamd64);
        }
        GoPlan {
            version,
            cgo: raw.go.cgo,
            goamd64: raw.go.goamd64.clone(),
            main,
            version_package,
            extra_ldflags: raw.go.ldflags.clone(),
            tags: raw.go.tags.clone(),
        }
    }

    fn rust(&mut self, p: &KeyPath, raw: &RawApp, musl: bool) -> RustPlan {
        let rp = p.key("rust");
        let version = raw.rust.version.clone().unwrap_or_else(|| images::DEFAULT_RUST_VERSION.to_string());
        self.check(&rp.key("version"), &version, "Rust version", grammar::version);
        if let Some(pkg) = &raw.package {
            self.check(&p.key("package"), pkg, "Cargo package name", grammar::cargo_name);
        }
        self.check_list(&rp.key("features"), &raw.rust.features, "Cargo feature", grammar::cargo_feature);
        let profile = raw.rust.profile.clone().unwrap_or_else(|| "release".to_string());
        self.check(&rp.key("profile"), &profile, "Cargo profile", grammar::cargo_profile);
        let profile_dir = if profile == "dev" { "debug".to_string() } else { profile.clone() };
        // Every word below passed a grammar check (package and profile: Cargo names; features: Cargo features).
        let common = format!("--locked --profile {profile} --target \"$CARGO_BUILD_TARGET\"");
        let mut selection = String::new();
        if let Some(pkg) = &raw.package {
            selection.push_str(&format!(" -p {pkg}"));
        }
        if raw.rust.no_default_features {
            selection.push_str(" --no-default-features");
        }
        if !raw.rust.features.is_empty() {
            selection.push_str(&format!(" --features {}", raw.rust.features.join(",")));
        }
        // Without feature flags, the whole workspace's dependencies are cooked, so its apps share that layer.
        let cook_whole_workspace = !raw.rust.no_default_features && raw.rust.features.is_empty();
        let mut cook_flags = if cook_whole_workspace { common.clone() } else { format!("{common}{selection}") };
        if musl {
            cook_flags.push_str(" --zigbuild");
        }
        RustPlan {
            cargo: if musl { "cargo zigbuild" } else { "cargo build" },
            build_flags: format!("{common}{selection}"),
            cook_flags,
            cook_whole_workspace,
            version,
            package: raw.package.clone(),
            features: raw.rust.features.clone(),
            no_default_features: raw.rust.no_default_features,
            profile,
            profile_dir,
            musl,
            chef: raw.rust.cache == Some(RustCache::Chef),
        }
    }

    fn ci(&mut self, raw: &RawConfig, registry: &RegistryPlan, apps: &[AppPlan], platforms: &[PlatformPlan]) -> CiPlan {
        let p = KeyPath::root().key("ci");
        let c = &raw.ci;
        self.check(&p.key("workflow"), &c.workflow, "workflow name", grammar::workflow_name);
        if c.branches.is_empty() {
            self.error_help(p.key("branches"), "no branches", "name the default branch, e.g. `[\"main\"]`");
        }
        self.check_list(&p.key("branches"), &c.branches, "branch name", grammar::branch);
        self.check(&p.key("tag-pattern"), &c.tag_pattern, "tag pattern", grammar::ref_pattern);
        let secret = |s: &Option<String>, key: &str, this: &mut Self| {
            if let Some(name) = s {
                this.check(&p.key(key), name, "secret name", grammar::secret_name);
            }
        };
        if !(1..=360).contains(&c.timeout_minutes) {
            self.error_help(
                p.key("timeout-minutes"),
                format!("{} minutes is not a job timeout GitHub accepts", c.timeout_minutes),
                "use 1 to 360 (GitHub-hosted runners stop a job after 6 hours)",
            );
        }
        if !raw.tags.branch && !raw.tags.sha {
            self.error_help(
                KeyPath::root().key("tags"),
                "with `branch` and `sha` both off, a push to a branch has no tag to push",
                "turn one of them on",
            );
        }
        if raw.output.workflow {
            self.job_ids(raw, apps);
        }
        secret(&c.username_secret, "username-secret", self);
        secret(&c.password_secret, "password-secret", self);
        let (default_user, default_password) = if registry.is_docker_hub {
            ("secrets.DOCKERHUB_USERNAME", "secrets.DOCKERHUB_TOKEN")
        } else if registry.is_ghcr {
            ("github.actor", "secrets.GITHUB_TOKEN")
        } else {
            ("secrets.REGISTRY_USERNAME", "secrets.REGISTRY_PASSWORD")
        };
        let username_expr = c.username_secret.as_ref().map_or(default_user.to_string(), |s| format!("secrets.{s}"));
        let password_expr = c.password_secret.as_ref().map_or(default_password.to_string(), |s| format!("secrets.{s}"));
        CiPlan {
            workflow_path: format!(".github/workflows/{}.yml", c.workflow),
            default_branch: c.branches.first().cloned().unwrap_or_else(|| "main".into()),
            branches: c.branches.clone(),
            tag_pattern: c.tag_pattern.clone(),
            pull_requests: c.pull_requests,
            cache: c.cache,
            needs_packages_write: password_expr == "secrets.GITHUB_TOKEN",
            username_expr,
            password_expr,
            needs_qemu: apps.iter().any(|a| a.emulated_steps > 0),
            strategy: c.strategy,
            uses: actions::Uses::new(c.pin_actions),
            validate: c.validate && raw.output.scripts && raw.output.workflow,
            validate_qemu_platforms: x86_foreign_csv(platforms),
            timeout_minutes: c.timeout_minutes,
            runner: X86_RUNNER,
            binfmt_image: actions::BINFMT_IMAGE,
        }
    }
}

impl Validator {
    /// Every app becomes a workflow job (and `<app>-build` with native runners, beside `validate`): a job id
    /// starts with a letter or `_`, and two jobs cannot share one.
    fn job_ids(&mut self, raw: &RawConfig, apps: &[AppPlan]) {
        let mut taken: IndexMap<String, String> = IndexMap::new();
        if raw.ci.validate && raw.output.scripts {
            taken.insert("validate".into(), "the job that validates pushed images".into());
        }
        for (i, app) in apps.iter().enumerate() {
            if apps[..i].iter().any(|a| a.name == app.name) {
                continue; // reported as a repeated name already
            }
            let path = KeyPath::root().key("app").index(i).key("name");
            if !app.name.starts_with(|c: char| c.is_ascii_alphabetic()) {
                self.error_help(
                    path,
                    format!("`{}` cannot name a GitHub Actions job: a job id starts with a letter", app.name),
                    "start the app name with a letter, or turn off `output.workflow` and write the workflow yourself",
                );
                continue;
            }
            let mut ids = vec![(app.name.clone(), "job")];
            if raw.ci.strategy == CiStrategy::Native {
                ids.push((format!("{}-build", app.name), "build job"));
            }
            for (id, role) in ids {
                if let Some(owner) = taken.get(&id) {
                    self.error_help(
                        path.clone(),
                        format!("app `{}` needs the workflow job `{id}`, which is already {owner}", app.name),
                        "rename the app",
                    );
                } else {
                    taken.insert(id, format!("app `{}`'s {role}", app.name));
                }
            }
        }
    }
}

/// The platforms an x86-64 runner cannot run without QEMU, comma-separated.
fn x86_foreign_csv(platforms: &[PlatformPlan]) -> String {
    platforms.iter().filter(|p| !p.x86_native).map(|p| p.oci).collect::<Vec<_>>().join(",")
}

/// A value in a message: in backticks, or in double quotes (Rust's escaping) when it holds a backtick itself,
/// so the value's end is never ambiguous.
fn quoted(v: &str) -> String {
    if v.contains('`') { format!("{v:?}") } else { format!("`{v}`") }
}

/// The config's name as written into every generated file's header comment. It comes from the file system,
/// not the config, so no grammar check saw it: characters outside `[A-Za-z0-9._/-]` become `_`, so a file name
/// cannot add lines to a header or put `${{` (which GitHub expands even in comments) into a workflow.
pub fn header_label(config_file: &str) -> String {
    config_file.chars().map(|c| if c.is_ascii_alphanumeric() || "._/-".contains(c) { c } else { '_' }).collect()
}

/// What the `rootfs` stage prepares, in words: `user, home directory and CA certificates`.
fn rootfs_summary(volumes: bool, certs: bool, tzdata: bool, tini: bool) -> String {
    let mut parts = vec!["user", "home directory"];
    for (wanted, part) in
        [(volumes, "data volumes"), (certs, "CA certificates"), (tzdata, "time zone data"), (tini, "tini")]
    {
        if wanted {
            parts.push(part);
        }
    }
    let last = parts.pop().expect("never empty");
    format!("{} and {last}", parts.join(", "))
}

fn runtime_name(r: Runtime) -> &'static str {
    match r {
        Runtime::Scratch => "scratch",
        Runtime::Distroless => "distroless",
        Runtime::DistrolessStatic => "distroless-static",
        Runtime::DistrolessCc => "distroless-cc",
        Runtime::Alpine => "alpine",
        Runtime::DebianSlim => "debian-slim",
    }
}

#[cfg(test)]
mod tests {
    use super::header_label;

    #[test]
    fn header_labels_cannot_inject_lines_or_expressions() {
        assert_eq!(header_label("deploy/multiarch.toml"), "deploy/multiarch.toml");
        assert_eq!(header_label("a\nRUN x ${{ y }}.toml"), "a_RUN_x_____y___.toml");
    }
}
