//! What `compose.yaml.j2` prints: one service per app with its image reference, platform default, settings
//! and named volumes. These fields are load-bearing because the template prints them; it adds layout and
//! the `yaml`/`compose` escaping only.

use serde::Serialize;

use crate::plan::{AppPlan, Plan};

#[derive(Debug, Serialize)]
pub struct ComposeView<'a> {
    pub project_name: &'a str,
    /// The platform `DOCKER_DEFAULT_PLATFORM` defaults to in the opening comment: the project's first.
    pub default_platform: &'static str,
    pub services: Vec<Service<'a>>,
    /// Every named volume of every service, declared at the top level; empty when none.
    pub volumes: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct Service<'a> {
    pub name: &'a str,
    /// `<image>:${TAG:-latest}`: the Makefile's and the scripts' default tag is `latest` here too.
    pub image: String,
    pub dockerfile: &'a str,
    pub platforms: Vec<&'static str>,
    /// `${DOCKER_DEFAULT_PLATFORM:-<the app's first platform>}`: the service's `platform:` and the value of
    /// its platform variable.
    pub platform: String,
    pub platform_env: &'a str,
    pub environment: &'a [(String, String)],
    pub ports: &'a [u16],
    /// `<volume name>:<path>` for each of the app's volumes.
    pub volumes: Vec<String>,
    pub healthcheck: Option<Healthcheck<'a>>,
    pub restart: &'static str,
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
        Self {
            project_name: &plan.project.name,
            default_platform: plan.platforms.first().map_or("", |p| p.oci),
            services: plan.apps.iter().map(Service::new).collect(),
            volumes: plan.apps.iter().flat_map(|a| volume_names(a).into_iter()).collect(),
        }
    }
}

impl<'a> Service<'a> {
    fn new(app: &'a AppPlan) -> Self {
        let first = app.platforms.first().map_or("", |p| p.oci);
        Self {
            name: &app.name,
            image: format!("{}:${{TAG:-latest}}", app.image),
            dockerfile: &app.dockerfile,
            platforms: app.platforms.iter().map(|p| p.oci).collect(),
            platform: format!("${{DOCKER_DEFAULT_PLATFORM:-{first}}}"),
            platform_env: &app.platform_env,
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
        }
    }
}

/// `<app>-data-<n>`, one per volume, numbered from 1.
fn volume_names(app: &AppPlan) -> Vec<String> {
    (1..=app.volumes.len()).map(|i| format!("{}-data-{i}", app.name)).collect()
}
