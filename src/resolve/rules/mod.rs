//! The low layer of the resolve pass: rules that only check what the user wrote. Each rule is a small named
//! function, grouped by the config section it reads, with its own unit tests; every finding is a value, and
//! every rule runs, so all problems are reported at once.

mod apps;
mod build;
mod ci;
mod go;
mod libraries;
mod paths;
mod platforms;
mod project;
mod rust;
mod values;

use crate::config::{Language, RawConfig};
use crate::diagnostics::KeyPath;

use super::findings::{Findings, MAX_APPS};

/// Runs every rule over a raw config read from memory (no directory around it), named `multiarch.toml`.
#[cfg(test)]
pub fn check(raw: &RawConfig, f: &mut Findings) {
    check_at(raw, "multiarch.toml", None, f);
}

/// Runs every rule over a raw config; `config_file` is the config's path relative to the output directory,
/// `repo_dirs` names the directories from the repository root down to the config's (as many as `ci.root`
/// climbs), `None` when the config was read from memory.
pub fn check_at(raw: &RawConfig, config_file: &str, repo_dirs: Option<&[String]>, f: &mut Findings) {
    let root = KeyPath::root();
    project::mkmulti_version(raw, f);
    project::project(raw, f);
    project::registry(raw, f);
    platforms::platform_list(&root.key("project").key("platforms"), &raw.project.platforms, f);
    apps::count(raw, f);
    for (i, app) in raw.app.iter().enumerate().take(MAX_APPS) {
        let p = root.key("app").index(i);
        apps::names(&p, app, f);
        apps::context(&p, app, f);
        paths::dockerfile(&p, app, f);
        apps::image_reference(raw, &p, app, f);
        if let Some(list) = &app.platforms {
            platforms::platform_list(&p.key("platforms"), list, f);
        }
        platforms::toolchains(raw, &p, app, f);
        apps::language_keys(&p, app, f);
        apps::runtime_image(&p, app, f);
        platforms::runtime_publishes(raw, &p, app, f);
        apps::runtime_links(&p, app, f);
        apps::builder_image(&p, app, f);
        apps::user(&p, app, f);
        apps::ports(&p, app, f);
        apps::environment(&p, app, f);
        apps::volumes(&p, app, f);
        values::args(&p.key("args"), &app.args, f);
        apps::healthcheck(&p, app, f);
        apps::smoke(&p, app, f);
        apps::packages(&p, app, f);
        libraries::build_packages(&p, app, f);
        libraries::runtime_libraries(&p, app, f);
        match app.language {
            Language::Go => go::go(&p, app, f),
            Language::Rust => rust::rust(&p, app, f),
        }
        platforms::tini(raw, &p, app, f);
        apps::stop_signal(&p, app, f);
    }
    apps::unique(raw, f);
    apps::test_targets(raw, f);
    paths::makefile_path(raw, f);
    paths::distinct(raw, config_file, f);
    ci::ci(raw, f);
    ci::root(raw, repo_dirs, f);
    ci::tags(raw, f);
    if raw.output.workflow {
        ci::job_ids(raw, f);
    }
    ci::secrets(raw, f);
    build::build(raw, f);
}

/// Test helpers: configs from TOML text, and the messages the rules find in them.
#[cfg(test)]
pub mod testing {
    use super::*;

    /// A config from `[[app]]` keys (TOML text) on top of a minimal valid project.
    pub fn config_with_app(app: &str) -> RawConfig {
        config(&format!("[[app]]\nname = \"api\"\n{app}\n"))
    }

    /// A config from text after a minimal `[project]` and `[registry]`.
    pub fn config(rest: &str) -> RawConfig {
        let no_apps = if rest.contains("[[app]]") { "" } else { "app = []\n" };
        toml::from_str(&format!("{no_apps}[project]\nname = \"p\"\n[registry]\nnamespace = \"acme\"\n{rest}")).unwrap()
    }

    /// The messages (`message` and `help`, joined by ` | `) of every finding of `rule` on `raw`.
    pub fn found(raw: &RawConfig, rule: impl Fn(&RawConfig, &mut Findings)) -> Vec<String> {
        let mut f = Findings::default();
        rule(raw, &mut f);
        f.into_vec().into_iter().map(|d| d.message).collect()
    }

    /// The path of the first app.
    pub fn app0() -> KeyPath {
        KeyPath::root().key("app").index(0)
    }

    #[test]
    fn a_minimal_config_passes_every_rule() {
        let raw = config_with_app("language = \"go\"");
        assert!(found(&raw, check).is_empty());
    }
}
