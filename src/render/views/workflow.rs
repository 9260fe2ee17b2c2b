//! What `workflow.yml.j2` prints: triggers, pinned actions, the tag rule as docker/metadata-action input, one
//! row per app and per matrix entry, and the validate job. These fields are load-bearing because the template
//! prints them; it adds layout and the `yaml` escaping only.

use serde::Serialize;

use crate::actions::Uses;
use crate::config::CiStrategy;
use crate::plan::{AppPlan, BuildPlan, Plan, SecretPlan};
use crate::render::tags::TagRule;

use super::makefile::Targets;

#[derive(Debug, Serialize)]
pub struct WorkflowView<'a> {
    pub project_name: &'a str,
    /// While images cannot be pushed: every job's first step stops with this line, except on pull requests.
    pub push_blocker: Option<&'a str>,
    pub registry_host: &'a str,
    pub registry_prefix: &'a str,
    pub branches: &'a [String],
    /// The branches for the opening comment: `main, develop`.
    pub branches_text: String,
    pub tag_pattern: &'a str,
    pub pull_requests: bool,
    /// One job per app and platform on a runner of its architecture, then a job merging the digests.
    pub native: bool,
    pub cache: bool,
    pub uses: &'a Uses,
    pub username_expr: &'a str,
    pub password_expr: &'a str,
    pub needs_packages_write: bool,
    pub runner: &'static str,
    pub binfmt_image: &'static str,
    pub timeout_minutes: u32,
    /// docker/metadata-action's `tags:` lines and `flavor: latest=` value, from the one tag rule.
    pub metadata_tags: Vec<&'static str>,
    pub metadata_latest: &'static str,
    pub apps: Vec<WorkflowApp<'a>>,
    /// A `test` job runs the unit tests of the apps that run them (their Dockerfiles' `test` stage), and every
    /// image build waits for it.
    pub test: bool,
    /// The Makefile's name for the unit tests (`test`, `docker-test` when included), which the test steps'
    /// comments name.
    pub test_target: &'static str,
    /// The `validate` job exists.
    pub validate: bool,
    /// Platforms the validate job runs under QEMU, comma-separated; empty when none.
    pub validate_qemu_platforms: &'a str,
    /// The job whose `version` output names the pushed tag (every app's is the same).
    pub version_job: &'a str,
    /// `on.push.paths` and `on.pull_request.paths`; empty for none.
    pub paths: &'a [String],
    /// The config's directory from the repository root, where the validate step runs; `None` at the root.
    pub working_directory: Option<&'a str>,
    /// Forward an SSH agent loaded with `ssh_ci_secret` to the builds.
    pub ssh: bool,
    pub ssh_ci_secret: &'a str,
}

#[derive(Debug, Serialize)]
pub struct WorkflowApp<'a> {
    pub name: &'a str,
    pub image: &'a str,
    /// build-push-action's `context:` and `file:`, from the repository root (the actions' own directory).
    pub context: String,
    pub dockerfile: String,
    pub platforms_csv: &'a str,
    /// The artifact name part of this app's digests: its identifier in lower case, which (unlike the name)
    /// cannot be a prefix of another app's followed by `-`.
    pub artifact_id: String,
    /// The native matrix, one row per platform.
    pub matrix: Vec<MatrixRow<'a>>,
    /// The native matrix says per row whether QEMU is needed (some step runs on the target platform).
    pub matrix_qemu: bool,
    /// The single job's QEMU platforms, comma-separated; empty when nothing runs emulated.
    pub qemu_platforms: &'a str,
    /// The build secrets that reach this app, each from a repository secret through the build step's `env:`
    /// (`secret-envs`).
    pub secrets: Vec<&'a SecretPlan>,
    /// The app's unit tests run in the `test` job.
    pub test: bool,
}

#[derive(Debug, Serialize)]
pub struct MatrixRow<'a> {
    pub platform: &'static str,
    pub slug: &'a str,
    pub runner: &'static str,
    /// `true` where the runner cannot execute the platform's binaries.
    pub qemu: &'static str,
}

impl<'a> WorkflowView<'a> {
    pub fn new(plan: &'a Plan) -> Self {
        let rule = TagRule::new(&plan.tags);
        let ci = &plan.ci;
        Self {
            project_name: &plan.project.name,
            push_blocker: plan.registry.push_blocker.as_deref(),
            registry_host: &plan.registry.host,
            registry_prefix: &plan.registry.prefix,
            branches: &ci.branches,
            branches_text: ci.branches.join(", "),
            tag_pattern: &ci.tag_pattern,
            pull_requests: ci.pull_requests,
            native: ci.strategy == CiStrategy::Native,
            cache: ci.cache,
            uses: &ci.uses,
            username_expr: &ci.username_expr,
            password_expr: &ci.password_expr,
            needs_packages_write: ci.needs_packages_write,
            runner: ci.runner,
            binfmt_image: ci.binfmt_image,
            timeout_minutes: ci.timeout_minutes,
            metadata_tags: rule.metadata_tags(),
            metadata_latest: rule.metadata_latest(),
            apps: plan.apps.iter().map(|a| WorkflowApp::new(a, &ci.repo_dir, &plan.build)).collect(),
            test: plan.apps.iter().any(|a| a.test),
            test_target: Targets::new(plan.output.makefile_is_included()).test,
            validate: ci.validate,
            validate_qemu_platforms: &ci.validate_qemu_platforms,
            version_job: plan.apps.first().map_or("", |a| a.name.as_str()),
            paths: &ci.paths,
            working_directory: (ci.repo_dir != ".").then_some(ci.repo_dir.as_str()),
            ssh: plan.build.ssh,
            ssh_ci_secret: &plan.build.ssh_ci_secret,
        }
    }
}

impl<'a> WorkflowApp<'a> {
    fn new(app: &'a AppPlan, repo_dir: &str, build: &'a BuildPlan) -> Self {
        let emulated = app.emulated_steps > 0;
        Self {
            name: &app.name,
            image: &app.image,
            context: join(repo_dir, &app.context),
            dockerfile: join(repo_dir, &app.dockerfile),
            platforms_csv: &app.platforms_csv,
            artifact_id: app.ident.to_lowercase(),
            matrix: app
                .platforms
                .iter()
                .map(|p| MatrixRow {
                    platform: p.oci,
                    slug: &p.slug,
                    runner: p.github_runner,
                    qemu: if p.github_runner_native { "false" } else { "true" },
                })
                .collect(),
            matrix_qemu: emulated,
            qemu_platforms: if emulated { &app.x86_foreign_csv } else { "" },
            secrets: build.secrets_of(&app.name).collect(),
            test: app.test,
        }
    }
}

/// A path below the config's directory as the actions read it, from the repository root: `services/api/x`.
fn join(repo_dir: &str, path: &str) -> String {
    match (repo_dir, path) {
        (".", _) => path.to_string(),
        (_, ".") => repo_dir.to_string(),
        _ => format!("{repo_dir}/{path}"),
    }
}
