//! Pass 2: resolve and validate. Turns a [`RawConfig`] into a [`Plan`].
//!
//! Two layers, as a newcomer reads them:
//! - `rules`: the low layer only checks what the user wrote. Every rule is a small named function, grouped by
//!   config section (`rules/project.rs`, `rules/apps.rs`, ...), with its own unit tests; findings are values
//!   and every rule runs, so every problem is reported at once.
//! - `build`: small builders derive the plan from a config the rules passed, with the defaults of
//!   `config::defaults`.
//!
//! `derive` holds the values both layers need (an app's platforms, its runtime image, its image reference), so a
//! rule checks exactly what a builder puts in the plan.

mod build;
pub(crate) mod derive;
mod findings;
mod rules;

pub use build::header_label;
pub use derive::is_reserved;

use crate::config::RawConfig;
use crate::diagnostics::Diagnostic;
use crate::plan::Plan;

/// The result of resolving: a plan when no error was found, and every diagnostic either way.
pub struct Planned {
    pub plan: Option<Plan>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Where the config sits, as far as the plan depends on it. Found on disk by the caller: resolve reads no files.
#[derive(Debug, Clone, Default)]
pub struct Site {
    /// The directories from the git repository's root down to the config's directory, as many as `ci.root`
    /// climbs (`["services", "api"]` for `root = "../.."`); `None` for a config read from memory.
    pub repo_dirs: Option<Vec<String>>,
}

/// Resolves and validates a raw config read from memory. `config_file` is the name used in generated headers.
pub fn plan(raw: &RawConfig, config_file: &str) -> Planned {
    plan_at(raw, config_file, &Site::default())
}

/// [`plan`] for a config at `site`.
pub fn plan_at(raw: &RawConfig, config_file: &str, site: &Site) -> Planned {
    let mut findings = findings::Findings::default();
    rules::check_at(raw, config_file, site.repo_dirs.as_deref(), &mut findings);
    let plan = (!findings.has_errors()).then(|| build::plan(raw, config_file, site));
    Planned { plan, diagnostics: findings.into_vec() }
}
