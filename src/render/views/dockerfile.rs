//! What an app's Dockerfile prints (`Dockerfile.go.j2` or `Dockerfile.rust.j2`, then `runtime.j2`): the
//! app's plan as it is, plus every value the templates would otherwise derive (stage names, the Go link
//! flags, the Rust target cache id, the rootfs directories, the OCI labels). These fields are load-bearing
//! because the templates print them; the templates add layout and the `dq`/`exec`/`sh` escaping only.

use serde::Serialize;

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

#[derive(Debug, Serialize)]
pub struct Label<'a> {
    pub key: &'static str,
    pub value: &'a str,
}

#[derive(Debug, Serialize)]
pub struct GoView<'a> {
    pub cgo: bool,
    /// The builder stage: `go` when cgo toolchain stages derive from it, else the build stage itself.
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
                builder_stage: if g.cgo { "go" } else { "build" },
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
                profile_dir: r.profile_dir.clone(),
                target_cache_id: format!(
                    "{}-cargo-target-${{TARGETARCH}}${{TARGETVARIANT}}{}",
                    project.name,
                    if r.musl { "-musl" } else { "" }
                ),
            }),
            fetch: FetchView::new(&plan.build, &app.name),
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

    #[test]
    fn a_value_naming_a_variable_of_its_statement_starts_a_new_one() {
        let env = pairs(&[("E", "x"), ("F", "$E"), ("G", "${F}/y"), ("H", "plain"), ("I", "$UNSET")]);
        assert_eq!(names(&env_statements("A_PLATFORM", &env)), [vec!["E"], vec!["F"], vec!["G", "H", "I"]]);
        let env = pairs(&[("E", "$A_PLATFORM")]);
        assert_eq!(names(&env_statements("A_PLATFORM", &env)), [vec![], vec!["E"]]);
        assert_eq!(names(&env_statements("A_PLATFORM", &[])), [Vec::<String>::new()]);
    }
}
