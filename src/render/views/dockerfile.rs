//! What an app's Dockerfile prints (`Dockerfile.go.j2` or `Dockerfile.rust.j2`, then `runtime.j2`): the
//! app's plan as it is, plus every value the templates would otherwise derive (stage names, the Go link
//! flags, the Rust target cache id, the rootfs directories, the OCI labels). These fields are load-bearing
//! because the templates print them; the templates add layout and the `dq`/`exec`/`sh` escaping only.

use serde::Serialize;

use crate::config::Language;
use crate::images::PackageManager;
use crate::plan::{AppPlan, Plan, ToolsPlan};

use super::fetch::FetchView;

#[derive(Debug, Serialize)]
pub struct DockerfileView<'a> {
    /// The app's resolved plan: names, images, platforms, user, ports... printed as they are.
    pub app: &'a AppPlan,
    pub tools: &'a ToolsPlan,
    pub go: Option<GoView<'a>>,
    pub rust: Option<RustView>,
    /// The fetch steps' secrets, SSH agent, CA bundle and mirrors (`[build]`).
    pub fetch: FetchView,
    /// The `test` stage, when the app's unit tests run in the build.
    pub test: Option<TestView>,
    /// Where the build stage leaves the binary: `/out/<bin>`.
    pub out_path: String,
    /// The rootfs directories the user owns: home and every volume, under `/rootfs`, space-separated.
    pub rootfs_dirs: String,
    /// `tini` under `/rootfs`.
    pub rootfs_tini: String,
    /// Runtime packages install with `apk` (else `apt-get`).
    pub apk: bool,
    /// `EXPOSE`'s ports, space-separated; empty when none.
    pub ports: String,
    /// `org.opencontainers.image.*` labels besides the version stamps, in order: title, then those the project
    /// sets of description, source and licenses.
    pub labels: Vec<Label<'a>>,
    /// The app's `env`, cut into `ENV` statements: the first follows the platform variable; a value that names a
    /// variable set earlier in the same statement starts a new one (hadolint's DL3044, although the value's `$`
    /// is escaped and so never expands).
    pub env_statements: Vec<Vec<&'a (String, String)>>,
}

/// The `test` stage: the app's unit tests on the build machine, from the stage that holds its dependencies.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct TestView {
    /// The stage it starts from: Go's `modules` (the modules downloaded, before any target's toolchain), Rust's
    /// `cargo` (the builder with the crates.io mirror, before the cross linkers).
    pub from: &'static str,
    /// The stage whose stamp file it waits for (Rust's `fetch`), when `from` does not already follow it.
    pub wait_for: Option<&'static str>,
    pub stamp: &'static str,
    /// Debian packages installed for the build machine's own architecture: `pkg-config` and the app's build
    /// packages; empty without build packages (the builder image has the native compiler).
    pub packages: Vec<String>,
    /// The `RUN`'s mounts: the sources and the build's own caches (the downloaded dependencies, the compiler's
    /// cache), so the tests read what the build reads.
    pub mounts: Vec<String>,
}

impl TestView {
    fn new(project: &str, app: &AppPlan) -> Self {
        let packages = if app.build_packages.is_empty() {
            Vec::new()
        } else {
            std::iter::once("pkg-config".to_string()).chain(app.build_packages.iter().cloned()).collect()
        };
        let bind = "--mount=type=bind,target=.".to_string();
        let cache = |target: &str| format!("--mount=type=cache,target={target}");
        match app.language {
            Language::Go => Self {
                from: "modules",
                wait_for: None,
                stamp: "",
                packages,
                mounts: vec![bind, cache("/go/pkg/mod"), cache("/root/.cache/go-build")],
            },
            // Native test builds get a target directory of their own: the targets' builds are per platform.
            Language::Rust => Self {
                from: "cargo",
                wait_for: Some("fetch"),
                stamp: "/crates-fetched",
                packages,
                mounts: vec![
                    bind,
                    cache("/usr/local/cargo/registry"),
                    cache("/usr/local/cargo/git/db"),
                    format!("{},id={project}-cargo-test,sharing=locked", cache("/cargo-target")),
                ],
            },
        }
    }
}

#[derive(Debug, Serialize)]
pub struct Label<'a> {
    pub key: &'static str,
    pub value: &'a str,
}

#[derive(Debug, Serialize)]
pub struct GoView<'a> {
    pub cgo: bool,
    /// The builder stage: `go` when cgo toolchain stages derive from it, `modules` when the build and test
    /// stages do, else the build stage itself.
    pub builder_stage: &'static str,
    /// `CGO_ENABLED`'s value.
    pub cgo_enabled: &'static str,
    pub goamd64: Option<&'a str>,
    /// `-tags`' value, comma-separated; empty when none.
    pub tags: String,
    /// `-ldflags`' value: strip, the version stamps, then the config's extra flags.
    pub ldflags: String,
    pub main: &'a str,
}

#[derive(Debug, Serialize)]
pub struct RustView {
    pub musl: bool,
    pub chef: bool,
    pub cook_whole_workspace: bool,
    pub cook_flags: String,
    pub cargo: &'static str,
    pub build_flags: String,
    pub test_flags: String,
    pub profile_dir: String,
    /// The id of the target-directory cache mount: per project, platform and libc, shared by its apps.
    pub target_cache_id: String,
}

impl<'a> DockerfileView<'a> {
    pub fn new(plan: &'a Plan, app: &'a AppPlan) -> Self {
        let project = &plan.project;
        let labels = [
            ("org.opencontainers.image.title", Some(app.name.as_str())),
            ("org.opencontainers.image.description", project.description.as_deref()),
            ("org.opencontainers.image.source", project.source.as_deref()),
            ("org.opencontainers.image.licenses", project.license.as_deref()),
        ]
        .into_iter()
        // An empty description, source or license is no label, as an absent one.
        .filter_map(|(key, value)| value.filter(|v| !v.is_empty()).map(|value| Label { key, value }))
        .collect();
        let rootfs_dirs: Vec<String> =
            std::iter::once(&app.home).chain(&app.volumes).map(|d| format!("/rootfs{d}")).collect();
        Self {
            app,
            tools: &plan.tools,
            go: app.go.as_ref().map(|g| GoView {
                cgo: g.cgo,
                builder_stage: match (g.cgo, app.test) {
                    (true, _) => "go",
                    (false, true) => "modules",
                    (false, false) => "build",
                },
                cgo_enabled: if g.cgo { "1" } else { "0" },
                goamd64: g.goamd64.as_deref(),
                tags: g.tags.join(","),
                ldflags: std::iter::once(format!(
                    "-s -w -X {p}.version=${{VERSION}} -X {p}.commit=${{COMMIT}} -X {p}.date=${{BUILD_DATE}}",
                    p = g.version_package
                ))
                .chain(g.extra_ldflags.iter().cloned())
                .collect::<Vec<_>>()
                .join(" "),
                main: &g.main,
            }),
            rust: app.rust.as_ref().map(|r| RustView {
                musl: r.musl,
                chef: r.chef,
                cook_whole_workspace: r.cook_whole_workspace,
                cook_flags: r.cook_flags.clone(),
                cargo: r.cargo,
                build_flags: r.build_flags.clone(),
                test_flags: r.test_flags.clone(),
                profile_dir: r.profile_dir.clone(),
                target_cache_id: format!(
                    "{}-cargo-target-${{TARGETARCH}}${{TARGETVARIANT}}{}",
                    project.name,
                    if r.musl { "-musl" } else { "" }
                ),
            }),
            fetch: FetchView::new(&plan.build, &app.name),
            test: app.test.then(|| TestView::new(&project.name, app)),
            out_path: format!("/out/{}", app.bin),
            rootfs_dirs: rootfs_dirs.join(" "),
            rootfs_tini: format!("/rootfs{}", app.tini_path),
            apk: app.package_manager == Some(PackageManager::Apk),
            ports: app.ports.iter().map(u16::to_string).collect::<Vec<_>>().join(" "),
            labels,
            env_statements: env_statements(&app.platform_env, &app.env),
        }
    }
}

/// `env` cut into `ENV` statements (see `DockerfileView::env_statements`); `first` is the name the first
/// statement already sets.
fn env_statements<'a>(first: &str, env: &'a [(String, String)]) -> Vec<Vec<&'a (String, String)>> {
    let mut statements: Vec<Vec<&(String, String)>> = vec![Vec::new()];
    let mut names: Vec<&str> = vec![first];
    for pair in env {
        let refers = names.iter().any(|n| pair.1.contains(&format!("${n}")) || pair.1.contains(&format!("${{{n}")));
        if refers {
            statements.push(Vec::new());
            names.clear();
        }
        names.push(&pair.0);
        statements.last_mut().expect("one statement at least").push(pair);
    }
    statements
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    fn names(statements: &[Vec<&(String, String)>]) -> Vec<Vec<String>> {
        statements.iter().map(|s| s.iter().map(|(k, _)| k.clone()).collect()).collect()
    }

    fn plan(text: &str) -> Plan {
        let raw = toml::from_str(&format!("[project]\nname = \"p\"\n{text}")).unwrap();
        crate::resolve::plan(&raw, "m.toml").plan.expect("valid")
    }

    #[test]
    fn the_test_stage_follows_build_test_and_each_apps_own_switch() {
        let plan = plan(
            "[[app]]\nname = \"a\"\nlanguage = \"go\"\n[[app]]\nname = \"b\"\nlanguage = \"rust\"\ntest = false\n\
             [[app]]\nname = \"c\"\nlanguage = \"go\"\ngo.cgo = true\n[build]\ntest = true\n",
        );
        let views: Vec<DockerfileView> = plan.apps.iter().map(|a| DockerfileView::new(&plan, a)).collect();
        let tested: Vec<bool> = views.iter().map(|v| v.test.is_some()).collect();
        assert_eq!(tested, [true, false, true]);
        // Pure Go splits its builder into `modules`, which the build and the tests start from; cgo keeps `go`.
        let stages: Vec<&str> = views.iter().filter_map(|v| v.go.as_ref()).map(|g| g.builder_stage).collect();
        assert_eq!(stages, ["modules", "go"]);
        let untested = plan_of_one("language = \"go\"\n");
        assert_eq!(DockerfileView::new(&untested, &untested.apps[0]).go.unwrap().builder_stage, "build");
        let only = plan_of_one("language = \"rust\"\ntest = true\n");
        assert!(DockerfileView::new(&only, &only.apps[0]).test.is_some(), "an app turns its tests on alone");
    }

    fn plan_of_one(app: &str) -> Plan {
        plan(&format!("[[app]]\nname = \"a\"\n{app}"))
    }

    #[test]
    fn the_test_stage_reads_the_builds_caches_and_installs_native_build_packages_only_when_there_are_some() {
        let go = plan_of_one("language = \"go\"\ntest = true\n");
        let test = DockerfileView::new(&go, &go.apps[0]).test.unwrap();
        assert_eq!((test.from, test.wait_for), ("modules", None));
        assert!(test.packages.is_empty());
        assert_eq!(
            test.mounts,
            [
                "--mount=type=bind,target=.",
                "--mount=type=cache,target=/go/pkg/mod",
                "--mount=type=cache,target=/root/.cache/go-build"
            ]
        );
        let rust = plan_of_one("language = \"rust\"\ntest = true\nbuild-packages = [\"libssl-dev\"]\n");
        let view = DockerfileView::new(&rust, &rust.apps[0]);
        let test = view.test.as_ref().unwrap();
        assert_eq!((test.from, test.wait_for, test.stamp), ("cargo", Some("fetch"), "/crates-fetched"));
        assert_eq!(test.packages, ["pkg-config", "libssl-dev"]);
        assert_eq!(
            test.mounts.last().unwrap(),
            "--mount=type=cache,target=/cargo-target,id=p-cargo-test,sharing=locked"
        );
        assert_eq!(view.rust.unwrap().test_flags, "--locked --offline");
    }

    #[test]
    fn cargo_test_selects_the_builds_package_and_features_for_the_build_machine() {
        let plan = plan_of_one(
            "language = \"rust\"\npackage = \"backend\"\ntest = true\n\
             rust.features = [\"x\", \"y\"]\nrust.no-default-features = true\nrust.libc = \"musl\"\n",
        );
        let flags = &plan.apps[0].rust.as_ref().unwrap().test_flags;
        assert_eq!(flags, "--locked --offline -p backend --no-default-features --features x,y");
        assert!(!flags.contains("--target"), "{flags}");
    }

    #[test]
    fn a_value_naming_a_variable_of_its_statement_starts_a_new_one() {
        let env = pairs(&[("E", "x"), ("F", "$E"), ("G", "${F}/y"), ("H", "plain"), ("I", "$UNSET")]);
        assert_eq!(names(&env_statements("A_PLATFORM", &env)), [vec!["E"], vec!["F"], vec!["G", "H", "I"]]);
        let env = pairs(&[("E", "$A_PLATFORM")]);
        assert_eq!(names(&env_statements("A_PLATFORM", &env)), [vec![], vec!["E"]]);
        assert_eq!(names(&env_statements("A_PLATFORM", &[])), [Vec::<String>::new()]);
    }
}
