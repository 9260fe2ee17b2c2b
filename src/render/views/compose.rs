//! What `compose.yaml.j2` prints: one service per app with its image reference, settings and named volumes.
//! Compose builds for the machine's own platform (no `platform:`, no `build.platforms`, which fail with the
//! docker driver), except for an app that does not build for both machines compose runs on, amd64 and arm64:
//! that one is pinned to its first platform. These fields are load-bearing because the template prints them; it adds layout and
//! the `yaml`/`compose` escaping only.

use serde::Serialize;

use crate::plan::{AppPlan, Plan, SecretPlan};

#[derive(Debug, Serialize)]
pub struct ComposeView<'a> {
    pub project_name: &'a str,
    /// The apps pinned to a platform of their own, named in the opening comment; empty when none.
    pub pinned: String,
    pub services: Vec<Service<'a>>,
    /// Every named volume of every service, declared at the top level; empty when none.
    pub volumes: Vec<String>,
    /// The build secrets (top-level `secrets:`), and the SSH agent every service's build gets.
    pub secrets: &'a [SecretPlan],
    pub ssh: bool,
}

#[derive(Debug, Serialize)]
pub struct Service<'a> {
    pub name: &'a str,
    /// `<image>:${TAG:-latest}`: the Makefile's and the scripts' default tag is `latest` here too.
    pub image: String,
    /// `build.context`, relative to compose.yaml: `.` or `services/api`.
    pub context: &'a str,
    /// `build.dockerfile`, relative to the context.
    pub dockerfile: &'a str,
    /// `${DOCKER_DEFAULT_PLATFORM:-<the app's first platform>}` for an app that does not build for both amd64
    /// and arm64; `None` (the machine's own platform) otherwise.
    pub platform: Option<String>,
    pub environment: &'a [(String, String)],
    pub ports: &'a [u16],
    /// `<volume name>:<path>` for each of the app's volumes.
    pub volumes: Vec<String>,
    pub healthcheck: Option<Healthcheck<'a>>,
    pub restart: Option<&'static str>,
    /// The ids of the build secrets that reach this app (`build.secrets`).
    pub secrets: Vec<&'a str>,
}

#[derive(Debug, Serialize)]
pub struct Healthcheck<'a> {
    /// The exec-form test: `CMD` and the command.
    pub test: Vec<&'a str>,
    pub interval: &'a str,
    pub timeout: &'a str,
    pub start_period: &'a str,
    pub retries: u32,
}

impl<'a> ComposeView<'a> {
    pub fn new(plan: &'a Plan) -> Self {
        let services: Vec<Service<'a>> = plan.apps.iter().map(|a| Service::new(a, plan)).collect();
        let pinned: Vec<String> =
            services.iter().filter(|s| s.platform.is_some()).map(|s| format!("`{}`", s.name)).collect();
        Self {
            project_name: &plan.project.name,
            pinned: pinned.join(", "),
            services,
            volumes: plan.apps.iter().flat_map(|a| volume_names(a).into_iter()).collect(),
            secrets: &plan.build.secrets,
            ssh: plan.build.ssh,
        }
    }
}

impl<'a> Service<'a> {
    fn new(app: &'a AppPlan, plan: &'a Plan) -> Self {
        let first = app.platforms.first().map_or("", |p| p.oci);
        let builds = |oci: &str| app.platforms.iter().any(|p| p.oci == oci);
        let native_everywhere = MACHINE_PLATFORMS.iter().all(|m| builds(m));
        Self {
            name: &app.name,
            image: format!("{}:${{TAG:-latest}}", app.image),
            context: &app.context,
            dockerfile: &app.dockerfile_in_context,
            platform: (!native_everywhere).then(|| format!("${{DOCKER_DEFAULT_PLATFORM:-{first}}}")),
            environment: &app.compose_environment,
            ports: &app.ports,
            volumes: volume_names(app)
                .into_iter()
                .zip(&app.volumes)
                .map(|(name, path)| format!("{name}:{path}"))
                .collect(),
            healthcheck: app.healthcheck.as_ref().map(|h| Healthcheck {
                test: std::iter::once("CMD").chain(h.command.iter().map(String::as_str)).collect(),
                interval: &h.interval,
                timeout: &h.timeout,
                start_period: &h.start_period,
                retries: h.retries,
            }),
            restart: app.compose_restart,
            secrets: plan.build.secrets_of(&app.name).map(|s| s.id.as_str()).collect(),
        }
    }
}

/// The platforms of the machines compose runs on: x86-64 PCs and servers, and Apple silicon and Arm servers.
const MACHINE_PLATFORMS: &[&str] = &["linux/amd64", "linux/arm64"];

/// `<app>-data-<n>`, one per volume, numbered from 1.
fn volume_names(app: &AppPlan) -> Vec<String> {
    (1..=app.volumes.len()).map(|i| format!("{}-data-{i}", app.name)).collect()
}
