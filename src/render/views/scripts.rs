//! What `detect-platform.sh.j2` and `validate-multiarch.sh.j2` print, and the `platform_of` table both
//! include (`platform.sh.j2`). These fields are load-bearing because the templates print them; the templates
//! add layout and the `sh` escaping only.

use serde::Serialize;

use crate::config::defaults;
use crate::plan::{AppPlan, Plan};

/// One `case` row of `platform_of`: the `uname -m` spellings of a platform.
#[derive(Debug, PartialEq, Eq, Serialize)]
pub struct PlatformCase {
    /// `x86_64|amd64`: a `case` pattern.
    pub unames: String,
    pub oci: &'static str,
}

/// An app as both scripts select it.
#[derive(Debug, Serialize)]
pub struct ScriptApp<'a> {
    pub name: &'a str,
    pub image_name: &'a str,
    pub platforms_csv: &'a str,
    /// `command`, `server` or `off`: a fixed word.
    pub smoke_mode: &'static str,
    pub smoke_test: &'a [String],
}

#[derive(Debug, Serialize)]
pub struct DetectView<'a> {
    /// More than one app: `--app NAME` exists.
    pub several: bool,
    /// The app `--run` starts without `--app`.
    pub default_app: &'a str,
    /// Whose image `--run` starts, for the opening comment: `an app's` or `<app>'s`.
    pub run_subject: String,
    pub registry_prefix: &'a str,
    /// The app names for messages: `api, worker`.
    pub app_names_text: String,
    pub apps: Vec<ScriptApp<'a>>,
    pub platform_cases: Vec<PlatformCase>,
    /// Every `uname -m` spelling mkmulti knows, space-separated, for the unsupported-machine message.
    pub known_unames: String,
}

#[derive(Debug, Serialize)]
pub struct ValidateView<'a> {
    /// While images cannot be pushed: the line the script stops with when it would check the default registry.
    pub push_blocker: Option<&'a str>,
    /// The app `--image` alone checks against.
    pub default_app: &'a str,
    /// Whose platforms and smoke test `--image` uses, for the opening comment.
    pub image_subject: String,
    pub registry_prefix: &'a str,
    pub app_names: Vec<&'a str>,
    pub app_names_text: String,
    pub apps: Vec<ScriptApp<'a>>,
    pub platform_cases: Vec<PlatformCase>,
    /// Every project platform, space-separated: the ones the environment report covers.
    pub platforms_words: String,
    /// The pinned QEMU registration image the script recommends, as the Makefile and the workflow use it.
    pub binfmt_image: &'static str,
    /// Default seconds of a smoke run, and of a server's run without a health check.
    pub smoke_timeout: u32,
    pub smoke_settle: u32,
}

impl<'a> DetectView<'a> {
    pub fn new(plan: &'a Plan) -> Self {
        let several = plan.apps.len() > 1;
        let default_app = default_app(plan);
        Self {
            several,
            default_app,
            run_subject: if several { "an app's".to_string() } else { format!("{default_app}'s") },
            registry_prefix: &plan.registry.prefix,
            app_names_text: app_names(plan).join(", "),
            apps: plan.apps.iter().map(ScriptApp::new).collect(),
            platform_cases: platform_cases(),
            known_unames: crate::platform::PLATFORMS
                .iter()
                .flat_map(|p| p.uname.iter().copied())
                .collect::<Vec<_>>()
                .join(" "),
        }
    }
}

impl<'a> ValidateView<'a> {
    pub fn new(plan: &'a Plan) -> Self {
        let several = plan.apps.len() > 1;
        let default_app = default_app(plan);
        Self {
            push_blocker: plan.registry.push_blocker.as_deref(),
            default_app,
            image_subject: if several {
                format!("an app's (--app, default {default_app})")
            } else {
                format!("{default_app}'s")
            },
            registry_prefix: &plan.registry.prefix,
            app_names: app_names(plan),
            app_names_text: app_names(plan).join(", "),
            apps: plan.apps.iter().map(ScriptApp::new).collect(),
            platform_cases: platform_cases(),
            platforms_words: plan.platforms.iter().map(|p| p.oci).collect::<Vec<_>>().join(" "),
            binfmt_image: plan.ci.binfmt_image,
            smoke_timeout: defaults::SMOKE_TIMEOUT_SECONDS,
            smoke_settle: defaults::SMOKE_SETTLE_SECONDS,
        }
    }
}

impl<'a> ScriptApp<'a> {
    fn new(app: &'a AppPlan) -> Self {
        Self {
            name: &app.name,
            image_name: &app.image_name,
            platforms_csv: &app.platforms_csv,
            smoke_mode: app.smoke_mode.name(),
            smoke_test: &app.smoke_test,
        }
    }
}

fn default_app(plan: &Plan) -> &str {
    plan.apps.first().map_or("", |a| a.name.as_str())
}

fn app_names(plan: &Plan) -> Vec<&str> {
    plan.apps.iter().map(|a| a.name.as_str()).collect()
}

/// Every platform mkmulti knows, not only the project's: the scripts name any machine they run on.
fn platform_cases() -> Vec<PlatformCase> {
    crate::platform::PLATFORMS.iter().map(|p| PlatformCase { unames: p.uname.join("|"), oci: p.oci }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_platform_has_a_case_row_with_its_uname_spellings() {
        let cases = platform_cases();
        assert_eq!(cases.len(), crate::platform::PLATFORMS.len());
        assert!(cases.contains(&PlatformCase { unames: "aarch64|arm64".to_string(), oci: "linux/arm64" }), "{cases:?}");
    }
}
