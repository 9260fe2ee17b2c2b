//! Values that follow from what the user wrote, shared by the rules (which check them) and the builders (which
//! put them in the plan). Pure functions of the raw config: nothing here reports a problem; a value a rule
//! refuses never reaches a plan.

use crate::config::defaults;
use crate::config::{Language, RawApp, RawConfig, RawRegistry, RawSecret, RestartPolicy, Runtime, RustLibc, SmokeMode};
use crate::images::{self, RuntimeBase};
use crate::platform::{self, PlatformInfo};

use super::findings::MAX_LIST;

/// Where binaries go inside every image.
pub const BIN_DIR: &str = "/usr/local/bin";
/// Where `tini` goes when `init` is set (where Debian's `tini` package puts it).
pub const TINI_PATH: &str = "/usr/bin/tini";

/// The platforms a list names, in its order: aliases normalised, unknown entries and repeats left out (the
/// platform rules report those).
pub fn platforms(list: &[String]) -> Vec<&'static PlatformInfo> {
    let mut out: Vec<&'static PlatformInfo> = Vec::new();
    for parsed in list.iter().take(MAX_LIST).filter_map(|s| platform::parse(s).ok()) {
        if !out.contains(&parsed.info) {
            out.push(parsed.info);
        }
    }
    out
}

/// The app's own platform list as written, else the project's.
pub fn platform_list<'a>(raw: &'a RawConfig, app: &'a RawApp) -> &'a [String] {
    app.platforms.as_deref().unwrap_or(&raw.project.platforms)
}

/// The platforms an app builds for.
pub fn app_platforms(raw: &RawConfig, app: &RawApp) -> Vec<&'static PlatformInfo> {
    platforms(platform_list(raw, app))
}

/// A Rust app linked statically against musl.
pub fn musl(app: &RawApp) -> bool {
    app.language == Language::Rust && app.rust.libc.unwrap_or(defaults::RUST_LIBC) == RustLibc::Musl
}

/// The app's unit tests run in its build: its own `test`, else the project's `build.test`.
pub fn test(raw: &RawConfig, app: &RawApp) -> bool {
    app.test.unwrap_or(raw.build.test)
}

/// A Go app built with cgo.
pub fn cgo(app: &RawApp) -> bool {
    app.language == Language::Go && app.go.cgo
}

/// The binary links glibc dynamically (Rust for gnu, Go with cgo).
pub fn links_glibc(app: &RawApp) -> bool {
    (app.language == Language::Rust && !musl(app)) || cgo(app)
}

pub fn runtime(app: &RawApp) -> Runtime {
    app.runtime.unwrap_or(defaults::RUNTIME)
}

/// The runtime family resolved for how the binary links.
pub fn runtime_base(app: &RawApp) -> RuntimeBase {
    images::runtime_base(runtime(app), links_glibc(app))
}

/// The runtime image: the config's, else the family's default; `None` for scratch.
pub fn runtime_image(app: &RawApp) -> Option<String> {
    if runtime(app) == Runtime::Scratch {
        return None;
    }
    app.runtime_image.clone().or_else(|| runtime_base(app).image.map(str::to_string))
}

pub fn go_version(app: &RawApp) -> &str {
    app.go.version.as_deref().unwrap_or(defaults::GO_VERSION)
}

pub fn rust_version(app: &RawApp) -> &str {
    app.rust.version.as_deref().unwrap_or(defaults::RUST_VERSION)
}

/// The builder image: the config's, else the language's Debian image of the configured version.
pub fn builder_image(app: &RawApp) -> String {
    match (&app.builder_image, app.language) {
        (Some(image), _) => image.clone(),
        (None, Language::Go) => images::go_builder(go_version(app)),
        (None, Language::Rust) => images::rust_builder(rust_version(app)),
    }
}

pub fn bin(app: &RawApp) -> &str {
    app.bin.as_deref().unwrap_or(&app.name)
}

pub fn bin_path(app: &RawApp) -> String {
    format!("{BIN_DIR}/{}", bin(app))
}

/// The app's build context relative to the config's directory, without a leading `./`: `.` or `services/api`.
pub fn context(app: &RawApp) -> &str {
    let written = app.context.as_deref().unwrap_or(defaults::APP_CONTEXT);
    match written.strip_prefix("./") {
        Some(rest) if !rest.is_empty() => rest,
        _ => written,
    }
}

/// Where an app's Dockerfile is written, relative to the config's directory: the app's `dockerfile` as written,
/// else `Dockerfile` for the one app, `Dockerfile.<app>` beside other apps' in the config's directory; inside the
/// app's own context (`services/api/Dockerfile`) when it builds from another one, `Dockerfile.<app>` there when
/// apps share that context. The one derivation of Dockerfile paths.
pub fn dockerfile(raw: &RawConfig, app: &RawApp) -> String {
    if let Some(path) = &app.dockerfile {
        return path.clone();
    }
    let ctx = context(app);
    let sharing = if ctx == "." { raw.app.len() } else { raw.app.iter().filter(|a| context(a) == ctx).count() };
    join(ctx, &dockerfile_name(&app.name, sharing > 1))
}

/// The default name of an app's Dockerfile in its context: `Dockerfile`, or `Dockerfile.<app>` when other apps
/// build from that context too (`shared`).
pub fn dockerfile_name(app: &str, shared: bool) -> String {
    if shared { format!("Dockerfile.{app}") } else { "Dockerfile".to_string() }
}

/// `dir/path`, or `path` when `dir` is `.`.
pub fn join(dir: &str, path: &str) -> String {
    if dir == "." { path.to_string() } else { format!("{dir}/{path}") }
}

/// How many directories `ci.root` climbs: `..` parts (0 for `.`, and for a value its rule refuses).
pub fn ci_root_levels(root: &str) -> usize {
    if crate::grammar::ci_root(root).is_err() {
        return 0;
    }
    root.split('/').filter(|p| *p == "..").count()
}

/// The repository under the registry prefix./// The repository under the registry prefix.
pub fn image_name(app: &RawApp) -> &str {
    app.image.as_deref().unwrap_or(&app.name)
}

/// `host/namespace`, the prefix of every image.
pub fn registry_prefix(registry: &RawRegistry) -> String {
    match &registry.namespace {
        Some(ns) => format!("{}/{ns}", registry.host),
        None => registry.host.clone(),
    }
}

pub fn is_docker_hub(registry: &RawRegistry) -> bool {
    matches!(registry.host.to_ascii_lowercase().as_str(), "docker.io" | "index.docker.io" | "registry-1.docker.io")
}

/// The line every push path (Makefile, validate script, workflow) stops with while images cannot be pushed.
pub const NAMESPACE_NEEDED: &str = "Docker Hub takes no image without a namespace: set `registry.namespace` in \
     multiarch.toml to your Docker Hub user or organisation and run `mkmulti generate` (or pass DOCKER_REGISTRY)";

/// Why this registry cannot take pushes yet, if it cannot.
pub fn push_blocker(registry: &RawRegistry) -> Option<&'static str> {
    (is_docker_hub(registry) && registry.namespace.is_none()).then_some(NAMESPACE_NEEDED)
}

pub fn is_ghcr(registry: &RawRegistry) -> bool {
    registry.host.eq_ignore_ascii_case("ghcr.io")
}

/// The workflow expressions of the registry login when the config names no secrets: Docker Hub's usual
/// secrets, the workflow's own identity for ghcr.io, generic names elsewhere.
pub fn login_expressions(registry: &RawRegistry) -> (&'static str, &'static str) {
    if is_docker_hub(registry) {
        ("secrets.DOCKERHUB_USERNAME", "secrets.DOCKERHUB_TOKEN")
    } else if is_ghcr(registry) {
        ("github.actor", "secrets.GITHUB_TOKEN")
    } else {
        ("secrets.REGISTRY_USERNAME", "secrets.REGISTRY_PASSWORD")
    }
}

/// The image reference without a tag: `docker.io/acme/api`.
pub fn image(registry: &RawRegistry, app: &RawApp) -> String {
    format!("{}/{}", registry_prefix(registry), image_name(app))
}

/// `PIXELZX`, `REALTIME_SVG_BACKEND`: the prefix of the app's make variables and environment variables.
pub fn ident(name: &str) -> String {
    name.to_ascii_uppercase().replace('-', "_")
}

/// The environment variable that holds the image's platform.
pub fn platform_env(name: &str) -> String {
    format!("{}_PLATFORM", ident(name))
}

/// Whether the app is a service: it listens on a port or has a health check. Services restart in compose and
/// are smoke-tested as servers; anything else is a one-shot command.
pub fn is_service(app: &RawApp) -> bool {
    !app.ports.is_empty() || app.healthcheck.is_some()
}

/// The compose restart policy: the config's, else `unless-stopped` for a service, else `no`: a one-shot command
/// restarted forever would never end.
pub fn compose_restart(app: &RawApp) -> RestartPolicy {
    match app.compose.restart {
        Some(policy) => policy,
        None if is_service(app) => defaults::COMPOSE_RESTART,
        None => RestartPolicy::No,
    }
}

/// How the app's images are smoke-tested: the config's mode, else `server` for a service that names no
/// `smoke-test` (a server rarely answers `--version` and exits), else `command`.
pub fn smoke_mode(app: &RawApp) -> SmokeMode {
    match app.smoke_mode {
        Some(mode) => mode,
        None if is_service(app) && app.smoke_test.is_none() => SmokeMode::Server,
        None => SmokeMode::Command,
    }
}

/// The arguments the smoke run passes: the config's, else `--version` for a command; a server without
/// `smoke-test` starts with the app's `args` (what the image's `CMD` holds), and `off` runs nothing.
pub fn smoke_test(app: &RawApp) -> Vec<String> {
    match (smoke_mode(app), &app.smoke_test) {
        (SmokeMode::Off, _) => Vec::new(),
        (_, Some(words)) => words.clone(),
        (SmokeMode::Command, None) => defaults::SMOKE_TEST.iter().map(|s| s.to_string()).collect(),
        (SmokeMode::Server, None) => app.args.clone(),
    }
}

pub fn user(app: &RawApp) -> &str {
    app.user.as_deref().unwrap_or(defaults::USER)
}

pub fn uid(app: &RawApp) -> u32 {
    app.uid.unwrap_or(defaults::UID)
}

/// The Rust profile and the directory under `target/<triple>/` its output lands in.
pub fn rust_profile(app: &RawApp) -> &str {
    app.rust.profile.as_deref().unwrap_or(defaults::RUST_PROFILE)
}

/// Variables the Dockerfiles set, declare or read, and BuildKit's platform arguments: a build argument of the same
/// name would override or shadow them (for example force one target for every platform, or turn cgo on). One
/// list, checked against every rendered Dockerfile by `tests/reserved.rs`, so a variable a template starts to
/// use cannot be forgotten here.
pub const RESERVED_VARIABLES: &[&str] = &[
    // The build's stamps and BuildKit's automatic platform arguments.
    "VERSION",
    "COMMIT",
    "BUILD_DATE",
    "TARGETPLATFORM",
    "TARGETOS",
    "TARGETARCH",
    "TARGETVARIANT",
    "BUILDPLATFORM",
    "BUILDOS",
    "BUILDARCH",
    "BUILDVARIANT",
    // Go's target and toolchain.
    "CGO_ENABLED",
    "GOOS",
    "GOARCH",
    "GOARM",
    "GOAMD64",
    "CC",
    "CXX",
    // Rust's target and toolchain.
    "CARGO_BUILD_TARGET",
    "CARGO_TARGET_DIR",
    "CARGO_BUILD_RUSTFLAGS",
    "RUSTFLAGS",
    "GIT_COMMIT",
    // The build environment.
    "PATH",
    "HOME",
    "DEBIAN_FRONTEND",
    // The fetch steps' mirrors and CA bundle (`[build]`).
    "GOPROXY",
    "GOSUMDB",
    "GOPRIVATE",
    "GONOSUMDB",
    "CARGO_MIRROR",
    "CARGO_HOME",
    "SSL_CERT_FILE",
    "CARGO_HTTP_CAINFO",
    "GIT_SSH_COMMAND",
    "CARGO_NET_GIT_FETCH_WITH_CLI",
    "GIT_SSL_CAINFO",
    "NODE_EXTRA_CA_CERTS",
    "PIP_CERT",
];

/// Prefixes of reserved variables: per-target linker and compiler settings (`CARGO_TARGET_<TRIPLE>_LINKER`,
/// `CC_<triple>`), and `pkg-config`'s, set for the target with `build-packages` (`PKG_CONFIG_LIBDIR`,
/// `PKG_CONFIG_ALLOW_CROSS`, `PKG_CONFIG_LIBDIR_<triple>`).
pub const RESERVED_PREFIXES: &[&str] = &["CARGO_TARGET_", "CC_", "CXX_", "AR_", "CFLAGS_", "RUSTFLAGS_", "PKG_CONFIG_"];

/// A secret id as a variable name: `corp-ca` -> `CORP_CA` (the default environment variable and CI secret, and
/// the middle of the Makefile's `SECRET_<ID>_FILE`).
pub fn secret_ident(id: &str) -> String {
    id.to_ascii_uppercase().replace('-', "_")
}

/// The languages whose apps a secret reaches: its `languages`, else Rust alone for a `build-env` only cargo
/// reads (`CARGO_REGISTRIES_<NAME>_TOKEN`), else every language.
pub fn secret_languages(s: &RawSecret) -> Vec<Language> {
    if !s.languages.is_empty() {
        return s.languages.clone();
    }
    match &s.build_env {
        Some(var) if var.starts_with(defaults::CARGO_ONLY_ENV_PREFIX) => vec![Language::Rust],
        _ => vec![Language::Go, Language::Rust],
    }
}

/// Whether a secret is mounted in an app's fetch steps and passed to its builds: the app is in `apps` (or `apps`
/// is left out) and of one of the secret's languages.
pub fn secret_reaches(s: &RawSecret, app: &RawApp) -> bool {
    (s.apps.is_empty() || s.apps.contains(&app.name)) && secret_languages(s).contains(&app.language)
}

/// Whether a build argument named `name` would collide with what mkmulti or BuildKit sets.
pub fn is_reserved(name: &str) -> bool {
    RESERVED_VARIABLES.contains(&name) || RESERVED_PREFIXES.iter().any(|p| name.starts_with(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn go_app(extra: &str) -> RawApp {
        toml::from_str(&format!("name = \"api\"\nlanguage = \"go\"\n{extra}")).unwrap()
    }

    #[test]
    fn services_are_smoke_tested_as_servers_unless_they_name_a_command() {
        let cases = [
            ("", SmokeMode::Command, vec!["--version"]),
            ("ports = [8080]\nargs = [\"serve\"]", SmokeMode::Server, vec!["serve"]),
            ("healthcheck = { command = [\"api\", \"ping\"] }", SmokeMode::Server, vec![]),
            ("ports = [8080]\nsmoke-test = [\"version\"]", SmokeMode::Command, vec!["version"]),
            ("smoke-mode = \"server\"\nsmoke-test = [\"serve\"]", SmokeMode::Server, vec!["serve"]),
            ("ports = [8080]\nsmoke-mode = \"command\"", SmokeMode::Command, vec!["--version"]),
            ("ports = [8080]\nsmoke-mode = \"off\"\nsmoke-test = [\"x\"]", SmokeMode::Off, vec![]),
        ];
        for (extra, mode, words) in cases {
            let a = go_app(extra);
            assert_eq!(
                (smoke_mode(&a), smoke_test(&a)),
                (mode, words.iter().map(|w| w.to_string()).collect()),
                "{extra}"
            );
        }
    }

    fn app(text: &str) -> RawApp {
        toml::from_str(&format!("name = \"api\"\n{text}")).unwrap()
    }

    #[test]
    fn platforms_skip_unknown_entries_and_repeats() {
        let list: Vec<String> = ["aarch64", "linux/arm64", "nope", "linux/amd64"].map(String::from).to_vec();
        let oci: Vec<&str> = platforms(&list).iter().map(|p| p.oci).collect();
        assert_eq!(oci, ["linux/arm64", "linux/amd64"]);
    }

    #[test]
    fn how_a_binary_links() {
        assert!(links_glibc(&app("language = \"rust\"")));
        assert!(!links_glibc(&app("language = \"rust\"\nrust.libc = \"musl\"")));
        assert!(!links_glibc(&app("language = \"go\"")));
        assert!(links_glibc(&app("language = \"go\"\ngo.cgo = true")));
    }

    #[test]
    fn runtime_images_follow_the_family_and_scratch_has_none() {
        assert_eq!(
            runtime_image(&app("language = \"go\"")).as_deref(),
            Some("gcr.io/distroless/static-debian12:nonroot")
        );
        assert_eq!(
            runtime_image(&app("language = \"rust\"")).as_deref(),
            Some("gcr.io/distroless/cc-debian12:nonroot")
        );
        assert_eq!(runtime_image(&app("language = \"go\"\nruntime = \"scratch\"")), None);
    }

    #[test]
    fn builder_images_follow_the_language_version() {
        assert_eq!(builder_image(&app("language = \"go\"\ngo.version = \"1.24\"")), "golang:1.24-bookworm");
        assert_eq!(builder_image(&app("language = \"rust\"")), format!("rust:{}-bookworm", defaults::RUST_VERSION));
    }

    #[test]
    fn dockerfiles_go_where_each_app_builds() {
        let raw: RawConfig = toml::from_str(
            "[project]\nname = \"p\"\n\
             [[app]]\nname = \"root\"\nlanguage = \"go\"\n\
             [[app]]\nname = \"api\"\nlanguage = \"go\"\ncontext = \"./services/api\"\n\
             [[app]]\nname = \"a\"\nlanguage = \"rust\"\ncontext = \"rs\"\n\
             [[app]]\nname = \"b\"\nlanguage = \"rust\"\ncontext = \"rs\"\n",
        )
        .unwrap();
        let paths: Vec<String> = raw.app.iter().map(|a| dockerfile(&raw, a)).collect();
        assert_eq!(paths, ["Dockerfile.root", "services/api/Dockerfile", "rs/Dockerfile.a", "rs/Dockerfile.b"]);
        assert_eq!(context(&raw.app[1]), "services/api", "a leading `./` is dropped");
        assert_eq!(context(&raw.app[0]), ".");
        let alone: RawConfig =
            toml::from_str("[project]\nname = \"p\"\n[[app]]\nname = \"x\"\nlanguage = \"go\"\ncontext = \"x\"\n")
                .unwrap();
        assert_eq!(dockerfile(&alone, &alone.app[0]), "x/Dockerfile");
        assert_eq!((ci_root_levels("."), ci_root_levels("../.."), ci_root_levels("../x")), (0, 2, 0));
    }

    #[test]
    fn names_derived_from_the_app_name() {
        assert_eq!(ident("realtime-svg-backend"), "REALTIME_SVG_BACKEND");
        assert_eq!(platform_env("api"), "API_PLATFORM");
        let registry = RawRegistry { host: "ghcr.io".into(), namespace: Some("acme".into()) };
        assert_eq!(image(&registry, &app("language = \"go\"")), "ghcr.io/acme/api");
        assert!(is_ghcr(&registry) && !is_docker_hub(&registry));
    }
}
