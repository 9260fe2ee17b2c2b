//! What `docker-bake.hcl.j2` prints: one target per app, the same image references as the Makefile, and the
//! tag rule in words. These fields are load-bearing because the template prints them; it adds layout and the
//! `hcl` escaping only.

use serde::Serialize;

use crate::plan::Plan;
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
    pub apps: Vec<BakeTarget<'a>>,
    /// The secrets read from a file: id, `SECRET_<ID>_FILE` variable, default file.
    pub secret_files: Vec<(&'a str, &'a str, &'a str)>,
    /// Every target's `secret = [...]` entries, HCL strings as printed (a file one interpolates its variable).
    pub secrets: Vec<String>,
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
}

impl<'a> BakeView<'a> {
    pub fn new(plan: &'a Plan) -> Self {
        let app_names: Vec<&str> = plan.apps.iter().map(|a| a.name.as_str()).collect();
        let secrets = plan
            .build
            .secrets
            .iter()
            .map(|s| match &s.env {
                // Ids, variable names and files passed their grammars: nothing here needs escaping.
                Some(env) => format!("\"id={},env={env}\"", s.id),
                None => format!("\"id={},src=${{{}}}\"", s.id, s.file_var),
            })
            .collect();
        Self {
            secret_files: plan
                .build
                .secrets
                .iter()
                .filter_map(|s| s.file.as_deref().map(|f| (s.id.as_str(), s.file_var.as_str(), f)))
                .collect(),
            secrets,
            ssh: plan.build.ssh,
            project_name: &plan.project.name,
            app_names_text: app_names.join(", "),
            tags_comment: TagRule::new(&plan.tags).bake_comment(),
            registry_prefix: &plan.registry.prefix,
            app_names,
            apps: plan
                .apps
                .iter()
                .map(|a| BakeTarget {
                    name: &a.name,
                    context: &a.context,
                    dockerfile: &a.dockerfile_in_context,
                    platforms: a.platforms.iter().map(|p| p.oci).collect(),
                    image_name: &a.image_name,
                })
                .collect(),
        }
    }
}
