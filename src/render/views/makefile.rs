//! What `Makefile.j2` prints: the project's variables, the tag rule as make code, one row per app and per
//! platform target, and the QEMU names `buildx-setup` registers. These fields are load-bearing because the
//! template prints them; it adds layout and the `make`/`make_sh` escaping only.

use serde::Serialize;

use crate::config::Language;
use crate::plan::{AppPlan, BuildPlan, Plan, SecretPlan};
use crate::render::tags::TagRule;

#[derive(Debug, Serialize)]
pub struct MakefileView<'a> {
    /// Where the Makefile is written (`output.makefile-path`).
    pub path: &'a str,
    /// Written to be included from the project's own Makefile (its path is not `Makefile`): it keeps the
    /// includer's default goal, sets its own variables with `?=`, and prefixes its generic targets.
    pub included: bool,
    /// Make code naming this file, for `help` to read its targets from: the first makefile make read, or, when
    /// included, the path captured as its first line.
    pub self_file: &'static str,
    /// `?=` when included, so a variable the includer set first wins; else `=`. For the variables that the
    /// standalone Makefile derives and an environment variable of the same name must not replace.
    pub derived_assign: &'static str,
    pub targets: Targets,
    pub project_name: &'a str,
    pub registry_prefix: &'a str,
    /// While images cannot be pushed: the line `registry-check` stops with, which every target that pushes to or
    /// pulls from the registry runs first (unless `DOCKER_REGISTRY` is overridden).
    pub push_blocker: Option<&'a str>,
    /// ` registry-check` as a prerequisite while images cannot be pushed, else empty.
    pub registry_check: &'static str,
    /// Every platform any app builds for: the `PLATFORMS` default.
    pub platforms_csv: String,
    pub binfmt_image: &'static str,
    /// The tag rule's comment lines (each starting with `# `).
    pub tags_comment: Vec<String>,
    /// Make code for `release_version :=`, `release_tag :=` and `TAGS ?=`.
    pub release_version_expr: String,
    pub release_tag_expr: String,
    pub tags_expr: String,
    /// One app: its image is `DOCKER_IMAGE`, the variable the single-image Makefile documents.
    pub single_app: bool,
    pub app_names: Vec<&'a str>,
    /// The apps whose unit tests run in the build (their Dockerfile's `test` stage), by name; empty: no test
    /// targets.
    pub test_apps: Vec<&'a str>,
    pub apps: Vec<MakefileApp<'a>>,
    /// One `docker-build-<slug>` target per project platform.
    pub platform_targets: Vec<PlatformTarget<'a>>,
    /// What the `buildx-setup` comment adds after "Builds cross-compile" (empty when nothing runs emulated).
    pub emulation_note: &'static str,
    /// `case` rows from a Docker architecture to QEMU's name for it, one per architecture mkmulti knows.
    pub qemu_arches: Vec<QemuArch>,
    /// `make validate` runs the validate script, generated with the scripts.
    pub validate: bool,
    /// `SECRET_<ID>_FILE ?= <file>` rows of the secrets read from a file.
    pub secret_files: Vec<SecretFile<'a>>,
    /// `secret_<id> = <flag>` rows: each secret's `--secret` flag as make text (a file one only while its
    /// variable is set, and stopping the build when that file is missing), which the apps' flags name.
    pub secret_flags: Vec<(String, String)>,
    /// Some app is Go: `GO_FETCH_ARGS` is defined.
    pub go_fetch_args: bool,
    /// Some app is Rust: `CARGO_FETCH_ARGS` is defined.
    pub cargo_fetch_args: bool,
}

#[derive(Debug, Serialize)]
pub struct SecretFile<'a> {
    pub var: &'a str,
    pub file: &'a str,
}

/// The names of the targets whose plain names a project's own Makefile is likely to have too: plain in the
/// standalone Makefile, `docker-` prefixed in one made to be included, where a second `clean:` or `help:` rule
/// would replace the includer's recipe.
#[derive(Debug, PartialEq, Eq, Serialize)]
pub struct Targets {
    pub help: &'static str,
    pub clean: &'static str,
    pub tags: &'static str,
    pub validate: &'static str,
    /// The unit tests of every app that runs them; `<test>-<app>` for one app's.
    pub test: &'static str,
}

impl Targets {
    pub fn new(included: bool) -> Self {
        if included {
            Self {
                help: "docker-help",
                clean: "docker-clean",
                tags: "docker-tags",
                validate: "docker-validate",
                test: "docker-test",
            }
        } else {
            Self { help: "help", clean: "clean", tags: "tags", validate: "validate", test: "test" }
        }
    }
}

#[derive(Debug, Serialize)]
pub struct MakefileApp<'a> {
    pub name: &'a str,
    pub ident: &'a str,
    pub image_name: &'a str,
    pub dockerfile: &'a str,
    /// The build context, the last word of every `docker buildx build`: `.` or `services/api`.
    pub context: &'a str,
    pub platforms_csv: &'a str,
    /// `$(<IDENT>_IMAGE)`: the image reference every per-app recipe uses.
    pub image_var: String,
    /// `$(<IDENT>_PLATFORMS)`.
    pub platforms_var: String,
    /// The `<IDENT>_PLATFORMS` default: `$(PLATFORMS)` when the app builds every project platform, so one
    /// `PLATFORMS=...` on the command line narrows every app; else the app's own list.
    pub platforms_default: String,
    pub platform_slugs: Vec<PlatformRow<'a>>,
    /// ` $(GO_FETCH_ARGS)` or ` $(CARGO_FETCH_ARGS)` after `$(BUILDX)`: the mirror settings the environment
    /// passes to this app's fetch step; empty when there are none.
    pub fetch_args: String,
    /// `<IDENT>_SECRET_FLAGS`' value: the `secret_<id>` variables of the secrets that reach this app, and
    /// `--ssh default`; empty when none.
    pub secret_flags: String,
    /// The app's Dockerfile has a `test` stage.
    pub test: bool,
}

#[derive(Debug, Serialize)]
pub struct PlatformRow<'a> {
    pub slug: &'a str,
    pub oci: &'static str,
}

#[derive(Debug, Serialize)]
pub struct PlatformTarget<'a> {
    pub slug: &'a str,
    pub oci: &'static str,
    /// The apps built for this platform.
    pub app_names: Vec<&'a str>,
}

#[derive(Debug, PartialEq, Eq, Serialize)]
pub struct QemuArch {
    pub arch: &'static str,
    pub qemu: &'static str,
}

impl<'a> MakefileView<'a> {
    pub fn new(plan: &'a Plan) -> Self {
        let rule = TagRule::new(&plan.tags);
        let platforms_csv = plan.platforms.iter().map(|p| p.oci).collect::<Vec<_>>().join(",");
        let apps = plan.apps.iter().map(|app| MakefileApp::new(app, &platforms_csv, &plan.build)).collect();
        let platform_targets = plan
            .platforms
            .iter()
            .map(|p| PlatformTarget {
                slug: &p.slug,
                oci: p.oci,
                app_names: plan
                    .apps
                    .iter()
                    .filter(|a| a.platforms.iter().any(|ap| ap.oci == p.oci))
                    .map(|a| a.name.as_str())
                    .collect(),
            })
            .collect();
        let included = plan.output.makefile_is_included();
        let targets = Targets::new(included);
        Self {
            path: &plan.output.makefile_path,
            included,
            self_file: if included { "$(mkmulti_makefile)" } else { "$(firstword $(MAKEFILE_LIST))" },
            derived_assign: if included { "?=" } else { "=" },
            project_name: &plan.project.name,
            registry_prefix: &plan.registry.prefix,
            push_blocker: plan.registry.push_blocker.as_deref(),
            registry_check: if plan.registry.push_blocker.is_some() { " registry-check" } else { "" },
            platforms_csv,
            binfmt_image: plan.ci.binfmt_image,
            tags_comment: rule.make_comment(targets.tags),
            release_version_expr: rule.make_release_version(),
            release_tag_expr: rule.make_release_tag(),
            tags_expr: rule.make_tags(),
            single_app: plan.apps.len() == 1,
            app_names: plan.apps.iter().map(|a| a.name.as_str()).collect(),
            test_apps: plan.apps.iter().filter(|a| a.test).map(|a| a.name.as_str()).collect(),
            apps,
            platform_targets,
            emulation_note: if plan.ci.needs_qemu {
                " (runtime packages still install on the target platform)"
            } else {
                ""
            },
            qemu_arches: qemu_arches(),
            validate: plan.output.scripts,
            targets,
            secret_files: plan
                .build
                .secrets
                .iter()
                .filter_map(|s| s.file.as_deref().map(|file| SecretFile { var: &s.file_var, file }))
                .collect(),
            secret_flags: plan.build.secrets.iter().map(|s| (secret_var(s), secret_flag(s))).collect(),
            go_fetch_args: plan.apps.iter().any(|a| a.language == Language::Go),
            cargo_fetch_args: plan.apps.iter().any(|a| a.language == Language::Rust),
        }
    }
}

/// The make variable holding a secret's `--secret` flag: lowercase, as the Makefile's other internal variables.
fn secret_var(s: &SecretPlan) -> String {
    format!("secret_{}", s.id.replace('-', "_"))
}

/// A secret's `--secret` flag for `docker buildx build`, as make text: an environment secret always (buildx
/// mounts nothing when the variable is unset); a file secret only while `SECRET_<ID>_FILE` is not empty, and
/// while it names no file the build stops there with a message (buildx's own error names neither the secret nor
/// the variable). Expanded only when a recipe runs, so `make help` works without the file.
fn secret_flag(s: &SecretPlan) -> String {
    match &s.env {
        Some(env) => format!("--secret id={},env={env}", s.id),
        None => format!(
            "$(if $({v}),$(if $(wildcard $({v})),--secret 'id={id}$(comma)src=$({v})',$(error {v}=$({v}) names no \
             file (build secret {id}): point it at the file or set {v}= to build without the secret)))",
            id = s.id,
            v = s.file_var
        ),
    }
}

/// `<IDENT>_SECRET_FLAGS`' value for an app: the flags of the secrets that reach it, then `--ssh default`.
fn app_secret_flags(b: &BuildPlan, app: &str) -> String {
    let mut flags: Vec<String> = b.secrets_of(app).map(|s| format!("$({})", secret_var(s))).collect();
    if b.ssh {
        flags.push("--ssh default".to_string());
    }
    flags.join(" ")
}

impl<'a> MakefileApp<'a> {
    fn new(app: &'a AppPlan, project_platforms_csv: &str, build: &BuildPlan) -> Self {
        let platforms_var = format!("$({}_PLATFORMS)", app.ident);
        let secret_flags = app_secret_flags(build, &app.name);
        let mut fetch_args = match app.language {
            Language::Go => " $(GO_FETCH_ARGS)".to_string(),
            Language::Rust => " $(CARGO_FETCH_ARGS)".to_string(),
        };
        if !secret_flags.is_empty() {
            fetch_args.push_str(&format!(" $({}_SECRET_FLAGS)", app.ident));
        }
        Self {
            name: &app.name,
            ident: &app.ident,
            image_name: &app.image_name,
            dockerfile: &app.dockerfile,
            context: &app.context,
            platforms_csv: &app.platforms_csv,
            image_var: format!("$({}_IMAGE)", app.ident),
            platforms_default: if app.platforms_csv == project_platforms_csv {
                "$(PLATFORMS)".to_string()
            } else {
                app.platforms_csv.clone()
            },
            platforms_var,
            platform_slugs: app.platforms.iter().map(|p| PlatformRow { slug: &p.slug, oci: p.oci }).collect(),
            fetch_args,
            secret_flags,
            test: app.test,
        }
    }
}

/// One row per Docker architecture of the platform table (variants share their architecture's row).
fn qemu_arches() -> Vec<QemuArch> {
    let mut rows: Vec<QemuArch> = Vec::new();
    for p in crate::platform::PLATFORMS {
        if rows.last().is_none_or(|r| r.arch != p.arch) {
            rows.push(QemuArch { arch: p.arch, qemu: p.qemu_arch });
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_targets_exist_for_the_apps_that_test_and_are_prefixed_when_included() {
        let text = "[project]\nname = \"p\"\n[[app]]\nname = \"a\"\nlanguage = \"go\"\ntest = true\n\
                    [[app]]\nname = \"b\"\nlanguage = \"go\"\n";
        let mut plan = crate::resolve::plan(&toml::from_str(text).unwrap(), "m.toml").plan.expect("valid");
        let view = MakefileView::new(&plan);
        assert_eq!((view.targets.test, view.test_apps.as_slice()), ("test", ["a"].as_slice()));
        assert_eq!(view.apps.iter().map(|a| a.test).collect::<Vec<_>>(), [true, false]);
        plan.output.makefile_path = "docker.mk".to_string();
        assert_eq!(MakefileView::new(&plan).targets.test, "docker-test");
        plan.apps[0].test = false;
        assert!(MakefileView::new(&plan).test_apps.is_empty());
    }

    #[test]
    fn every_architecture_gets_one_qemu_row() {
        let rows = qemu_arches();
        let mut arches: Vec<&str> = rows.iter().map(|r| r.arch).collect();
        let all = arches.len();
        arches.sort_unstable();
        arches.dedup();
        assert_eq!(arches.len(), all, "an architecture appears twice: {rows:?}");
        assert!(rows.contains(&QemuArch { arch: "arm64", qemu: "aarch64" }), "{rows:?}");
        assert!(rows.contains(&QemuArch { arch: "arm", qemu: "arm" }), "{rows:?}");
    }
}
