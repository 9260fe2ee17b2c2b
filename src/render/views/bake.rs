//! What `docker-bake.hcl.j2` prints: one target per app, the same image references as the Makefile, and the
//! tag rule in words. These fields are load-bearing because the template prints them; it adds layout and the
//! `hcl` escaping only.

use serde::Serialize;

use crate::config::Language;
use crate::plan::{AppPlan, FETCH_ARGS_CARGO, FETCH_ARGS_GO, Plan, SecretPlan};
use crate::render::tags::TagRule;

#[derive(Debug, Serialize)]
pub struct BakeView<'a> {
    pub project_name: &'a str,
    /// The app names for the usage comment: `backend, frontend`.
    pub app_names_text: String,
    /// What TAG pushes, next to the tag rule the workflow and the Makefile follow; comment lines.
    pub tags_comment: Vec<String>,
    pub registry_prefix: &'a str,
    pub app_names: Vec<&'a str>,
    /// The `test` group: every app's test target, in table order; empty when no app runs its tests.
    pub test_targets: Vec<String>,
    pub apps: Vec<BakeTarget<'a>>,
    /// The secrets read from a file: id, `SECRET_<ID>_FILE` variable, default file.
    pub secret_files: Vec<(&'a str, &'a str, &'a str)>,
    /// The mirror settings read from the environment (`variable "GOPROXY" { default = null }`): the ones of the
    /// languages of the apps, in a fixed order.
    pub mirror_vars: Vec<&'static str>,
    pub ssh: bool,
}

#[derive(Debug, Serialize)]
pub struct BakeTarget<'a> {
    pub name: &'a str,
    /// The build context, relative to the Bake file: `.` or `services/api`.
    pub context: &'a str,
    /// The Dockerfile, relative to the context (Bake joins the two).
    pub dockerfile: &'a str,
    pub platforms: Vec<&'static str>,
    /// The repository under `DOCKER_REGISTRY`, as the Makefile's `<IDENT>_IMAGE`.
    pub image_name: &'a str,
    /// The `secret = compact([...])` entries of the secrets that reach this app, HCL expressions as printed: an
    /// environment one a string, a file one an empty string (left out by `compact`) while its variable is empty,
    /// as the Makefile leaves it out.
    pub secrets: Vec<String>,
    /// The mirror variables passed as build arguments: the environment's value, or the Dockerfile's default.
    pub mirror_args: &'static [&'static str],
    /// `test-<app>`: the target of the app's Dockerfile's `test` stage, when it runs its unit tests.
    pub test_target: Option<String>,
}

impl<'a> BakeView<'a> {
    pub fn new(plan: &'a Plan) -> Self {
        let app_names: Vec<&str> = plan.apps.iter().map(|a| a.name.as_str()).collect();
        let languages: Vec<Language> = plan.apps.iter().map(|a| a.language).collect();
        Self {
            secret_files: plan
                .build
                .secrets
                .iter()
                .filter_map(|s| s.file.as_deref().map(|f| (s.id.as_str(), s.file_var.as_str(), f)))
                .collect(),
            mirror_vars: [Language::Go, Language::Rust]
                .into_iter()
                .filter(|l| languages.contains(l))
                .flat_map(|l| mirror_args(l).iter().copied())
                .collect(),
            ssh: plan.build.ssh,
            project_name: &plan.project.name,
            app_names_text: app_names.join(", "),
            tags_comment: TagRule::new(&plan.tags).bake_comment(),
            registry_prefix: &plan.registry.prefix,
            app_names,
            test_targets: plan.apps.iter().filter_map(test_target).collect(),
            apps: plan
                .apps
                .iter()
                .map(|a| BakeTarget {
                    name: &a.name,
                    context: &a.context,
                    dockerfile: &a.dockerfile_in_context,
                    platforms: a.platforms.iter().map(|p| p.oci).collect(),
                    image_name: &a.image_name,
                    secrets: plan.build.secrets_of(&a.name).map(secret_entry).collect(),
                    mirror_args: mirror_args(a.language),
                    test_target: test_target(a),
                })
                .collect(),
        }
    }
}

/// The Bake target of an app's unit tests, as the Makefile's per-app test target is named.
fn test_target(a: &AppPlan) -> Option<String> {
    a.test.then(|| format!("test-{}", a.name))
}

/// The mirror settings a language's fetch step reads from build arguments.
fn mirror_args(language: Language) -> &'static [&'static str] {
    match language {
        Language::Go => FETCH_ARGS_GO,
        Language::Rust => FETCH_ARGS_CARGO,
    }
}

/// A secret's entry of `secret = compact([...])`. Ids, variable names and files passed their grammars: nothing
/// here needs escaping.
fn secret_entry(s: &SecretPlan) -> String {
    match &s.env {
        Some(env) => format!("\"id={},env={env}\"", s.id),
        None => format!("{v} == \"\" ? \"\" : \"id={},src=${{{v}}}\"", s.id, v = s.file_var),
    }
}
