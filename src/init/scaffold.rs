//! The scaffold `mkmulti init` writes, generated from the schema: every key of the config, in the config types'
//! order, with its description's first sentence. Keys that detection found (or that must be set) are active;
//! every other key is a commented line holding its default: the schema's (`config::defaults`), the value it
//! derives to for this project, or an example where absent means "not set". No second hand-written list of
//! keys exists, so a new key appears here as soon as it is in the config types.
//!
//! Every string taken from the project goes through `toml_fmt::toml_str`, so it is one valid TOML basic
//! string, even inside a comment.

use crate::config::defaults;
use crate::config::{Language, RawApp, RawRegistry};
use crate::resolve::derive;
use crate::schema::{self, Key};
use crate::toml_fmt::{toml_list, toml_str, toml_text};

use super::{DetectedApp, DetectedProject, Keep};

/// `MAJOR.MINOR` of this mkmulti, written as `mkmulti-version`.
const MKMULTI_VERSION: &str = concat!(env!("CARGO_PKG_VERSION_MAJOR"), ".", env!("CARGO_PKG_VERSION_MINOR"));

/// A key's line: its value as TOML text, whether it is active, and where the value came from.
struct Line {
    value: String,
    active: bool,
    /// Words after the summary: where a detected value came from, or the default in words.
    note: Option<String>,
}

/// Renders the scaffold `multiarch.toml` for a detected project.
pub fn render(project: &DetectedProject) -> String {
    let keys = schema::keys();
    let mut out = vec![
        "#:schema ./.mkmulti/multiarch.schema.json".to_string(),
        format!("mkmulti-version = {}", toml_str(MKMULTI_VERSION)),
        String::new(),
        "# Multi-architecture container builds for this project, described in one file.".to_string(),
        match &project.manifest {
            Some(m) => {
                format!("# Written by `mkmulti init` from {m}. Run `mkmulti generate` to write the Dockerfiles,")
            }
            None => "# Written by `mkmulti init` as a starting point. Run `mkmulti generate` to write the Dockerfiles,"
                .to_string(),
        },
        "# Makefile, compose.yaml, scripts and GitHub Actions workflow from it.".to_string(),
        "# Active keys were detected or must be set; a commented key shows its default: uncomment it to change it."
            .to_string(),
    ];
    for table in keys.iter().filter(|k| k.table && !k.path.contains('.')) {
        if table.path == "app" {
            for app in &project.apps {
                out.push(app_table(&keys, project, app));
            }
        } else {
            out.push(String::new());
            out.push(format!("# {}", table.summary()));
            out.push(format!("[{}]", table.path));
            table_lines(&keys, &table.path, project, None, &mut out);
        }
    }
    let mut text = out.join("\n");
    text.push('\n');
    text
}

/// One app's `[[app]]` table, with the blank line and summary above it: a part of [`render`], and what
/// `mkmulti add` appends to an existing config.
pub fn render_app(project: &DetectedProject, app: &DetectedApp) -> String {
    app_table(&schema::keys(), project, app)
}

fn app_table(keys: &[Key], project: &DetectedProject, app: &DetectedApp) -> String {
    let table = keys.iter().find(|k| k.table && k.path == "app").expect("the config has [[app]]");
    let mut out = vec![String::new(), format!("# {}", table.summary()), "[[app]]".to_string()];
    let raw = raw_app(project, app);
    table_lines(keys, "app", project, Some((app, &raw)), &mut out);
    out.join("\n")
}

/// The lines of one table: its keys, and the keys of the tables inside it as dotted keys (`go.version`).
fn table_lines(
    keys: &[Key],
    table: &str,
    project: &DetectedProject,
    app: Option<(&DetectedApp, &RawApp)>,
    out: &mut Vec<String>,
) {
    let prefix = format!("{table}.");
    for key in keys.iter().filter(|k| !k.table && k.path.starts_with(&prefix)) {
        let relative = &key.path[prefix.len()..];
        let first = relative.split('.').next().unwrap_or(relative);
        if app.is_some() && project.language.other().own_keys().contains(&first) {
            continue;
        }
        let line = line(key, project, app);
        let mut comment = key.summary();
        if let Some(note) = &line.note {
            comment = format!("{} ({note})", comment.trim_end_matches('.'));
        }
        let hash = if line.active { "" } else { "# " };
        if let Some(above) = remark(&key.path, project, app.map(|(a, _)| a)) {
            out.push(format!("# {above}"));
        }
        out.push(format!("{hash}{relative} = {}  # {comment}", line.value));
    }
}

/// What a key's line holds: a detected value, else the schema's default, else the derived default, else an
/// example.
fn line(key: &Key, project: &DetectedProject, app: Option<(&DetectedApp, &RawApp)>) -> Line {
    if let Some(line) = detected(&key.path, project, app) {
        return line;
    }
    let words = defaults::in_words(&key.path);
    if let Some(value) = key.default().and_then(toml_text) {
        return Line { value, active: false, note: None };
    }
    if let Some(value) = derived(&key.path, app.map(|(_, raw)| raw), project) {
        return Line { value, active: false, note: words.map(|w| format!("default: {w}")) };
    }
    let value = key.example().and_then(toml_text).unwrap_or_else(|| "\"\"".to_string());
    let parent = key.path.rsplit_once('.').map(|(p, _)| p).unwrap_or_default();
    let words = words.or_else(|| defaults::in_words(parent));
    Line { value, active: false, note: words.map(|w| format!("default: {w}")) }
}

/// Values detection found. Project facts read from a manifest stay commented, for the user to opt in.
fn detected(path: &str, project: &DetectedProject, app: Option<(&DetectedApp, &RawApp)>) -> Option<Line> {
    let active = |value: String| Some(Line { value, active: true, note: None });
    let from_manifest = |value: &Option<String>| {
        let manifest = project.manifest.as_deref().unwrap_or("the project");
        value.as_ref().map(|v| Line { value: toml_str(v), active: false, note: Some(format!("from {manifest}")) })
    };
    match (path, app) {
        ("project.name", _) => active(toml_str(&project.name)),
        ("project.description", _) => from_manifest(&project.description),
        ("project.source", _) => from_manifest(&project.source),
        ("project.license", _) => from_manifest(&project.license),
        ("registry.host", _) => match &project.registry {
            Some(r) => Some(Line { value: toml_str(&r.host), active: true, note: Some(format!("from {}", r.from)) }),
            None => active(toml_str(defaults::REGISTRY_HOST)),
        },
        ("registry.namespace", _) => project.registry.as_ref().and_then(|r| {
            let ns = r.namespace.as_ref()?;
            Some(Line { value: toml_str(ns), active: true, note: Some(format!("from {}", r.from)) })
        }),
        ("app.name", Some((app, _))) => active(toml_str(&app.name)),
        ("app.language", _) => active(toml_str(project.language.name())),
        ("app.main", Some((app, _))) => app.main.as_deref().and_then(|m| active(toml_str(m))),
        ("app.package", Some((app, _))) => app.package.as_deref().and_then(|p| active(toml_str(p))),
        // A Cargo binary target is always named; a Go binary only where it differs from the app.
        ("app.bin", Some((app, _))) if project.language == Language::Rust || app.bin != app.name => {
            active(toml_str(&app.bin))
        }
        ("app.rust.features", Some((app, _))) if !app.features.is_empty() => Some(Line {
            value: format!("[{}]", app.features.iter().map(|f| toml_str(f)).collect::<Vec<_>>().join(", ")),
            active: true,
            note: Some("the binary's required-features in Cargo.toml".into()),
        }),
        ("app.ports", Some((app, _))) if !app.ports.is_empty() => Some(Line {
            value: format!("[{}]", app.ports.iter().map(u16::to_string).collect::<Vec<_>>().join(", ")),
            active: true,
            note: app.ports_from.clone(),
        }),
        ("project.platforms", _) => project.platforms.as_ref().map(|(list, from)| Line {
            value: toml_list(&list.iter().map(String::as_str).collect::<Vec<_>>()),
            active: true,
            note: Some(from.clone()),
        }),
        ("app.go.version", _) => project.go_version.as_deref().and_then(|v| active(toml_str(v))),
        ("app.rust.version", _) => project.rust_version.as_deref().and_then(|v| active(toml_str(v))),
        ("app.context", Some((app, _))) => app.context.as_deref().and_then(|c| active(toml_str(c))),
        ("app.healthcheck.command", Some((app, raw))) => Some(Line {
            value: format!("[{}, {}]", toml_str(derive::bin(raw)), toml_str("healthcheck")),
            active: app.healthcheck,
            note: if app.healthcheck {
                Some("the binary's `healthcheck` command GETs its own health endpoint".into())
            } else {
                defaults::in_words("app.healthcheck").map(|w| format!("default: {w}"))
            },
        }),
        ("build.test", _) => project.tests.as_ref().map(|file| Line {
            value: "true".into(),
            active: true,
            note: Some(format!("the project has unit tests: {}", toml_str(file))),
        }),
        ("ci.root", _) => project.ci_root.as_ref().map(|up| Line {
            value: toml_str(up),
            active: true,
            note: Some("the git repository's top: GitHub runs only workflows there".into()),
        }),
        ("app.dockerfile", Some((app, _))) => project.kept.iter().find_map(|k| match &k.how {
            Keep::Dockerfile { app: name, path } if *name == app.name => {
                Some(Line { value: toml_str(path), active: true, note: Some(format!("your {} is kept", k.file)) })
            }
            _ => None,
        }),
        ("output.makefile-path", _) => project.kept.iter().find_map(|k| match &k.how {
            Keep::Makefile(path) => {
                Some(Line { value: toml_str(path), active: true, note: Some(format!("your {} is kept", k.file)) })
            }
            _ => None,
        }),
        (path, _) if path.starts_with("output.") => {
            let key = &path["output.".len()..];
            let file = project.kept.iter().find(|k| matches!(k.how, Keep::Off(off) if off == key)).map(|k| &k.file)?;
            Some(Line { value: "false".into(), active: true, note: Some(format!("your {file} is kept")) })
        }
        _ => None,
    }
}

/// A comment line above a key, for what the user has to do besides: include the Makefile mkmulti writes beside
/// the project's own.
fn remark(path: &str, project: &DetectedProject, app: Option<&DetectedApp>) -> Option<String> {
    project.kept.iter().find_map(|k| match (&k.how, path, app) {
        (Keep::Makefile(mk), "output.makefile-path", _) => {
            Some(format!("Add `include {mk}` to your {} for the targets mkmulti writes (`make docker-help`).", k.file))
        }
        (Keep::Dockerfile { app: name, .. }, "app.dockerfile", Some(app)) if *name == app.name => {
            Some(format!("The project's own {} stays as it is: mkmulti writes this app's beside it.", k.file))
        }
        _ => None,
    })
}

/// The value a key without a constant default takes for this project (see `defaults::DERIVED`).
fn derived(path: &str, app: Option<&RawApp>, project: &DetectedProject) -> Option<String> {
    let registry = match &project.registry {
        Some(r) => RawRegistry { host: r.host.clone(), namespace: r.namespace.clone() },
        None => RawRegistry::default(),
    };
    let secret = |expr: &str| expr.strip_prefix("secrets.").map(toml_str);
    match (path, app) {
        ("app.bin", Some(raw)) => Some(toml_str(derive::bin(raw))),
        ("app.image", Some(raw)) => Some(toml_str(derive::image_name(raw))),
        ("app.platforms", _) => Some(match &project.platforms {
            Some((list, _)) => toml_list(&list.iter().map(String::as_str).collect::<Vec<_>>()),
            None => toml_list(defaults::PLATFORMS),
        }),
        ("app.runtime-image", Some(raw)) => derive::runtime_image(raw).map(|i| toml_str(&i)),
        ("app.builder-image", Some(raw)) => Some(toml_str(&derive::builder_image(raw))),
        ("app.compose.restart", Some(raw)) => Some(toml_str(derive::compose_restart(raw).name())),
        // Follows `build.test`, which the scaffold turns on when the project has tests.
        ("app.test", _) => Some(project.tests.is_some().to_string()),
        ("app.smoke-mode", Some(raw)) => Some(toml_str(derive::smoke_mode(raw).name())),
        ("app.smoke-test", Some(raw)) => {
            Some(toml_list(&derive::smoke_test(raw).iter().map(String::as_str).collect::<Vec<_>>()))
        }
        // Every app `init` writes builds from the config's directory.
        ("app.dockerfile", Some(raw)) => Some(toml_str(&derive::dockerfile_name(&raw.name, project.apps.len() > 1))),
        ("ci.username-secret", _) => secret(derive::login_expressions(&registry).0),
        ("ci.password-secret", _) => secret(derive::login_expressions(&registry).1),
        _ => None,
    }
}

/// The detected app as the config types read it, so derived defaults come from the resolve pass's own code.
fn raw_app(project: &DetectedProject, app: &DetectedApp) -> RawApp {
    let mut table = toml::Table::new();
    table.insert("name".into(), app.name.clone().into());
    table.insert("language".into(), project.language.name().into());
    table.insert("bin".into(), app.bin.clone().into());
    if let Some(main) = &app.main {
        table.insert("main".into(), main.clone().into());
    }
    if let Some(package) = &app.package {
        table.insert("package".into(), package.clone().into());
    }
    if let Some(context) = &app.context {
        table.insert("context".into(), context.clone().into());
    }
    if !app.ports.is_empty() {
        let ports: Vec<toml::Value> = app.ports.iter().map(|p| toml::Value::Integer(i64::from(*p))).collect();
        table.insert("ports".into(), ports.into());
    }
    if !app.features.is_empty() {
        let features: toml::Table =
            [("features".to_string(), toml::Value::from(app.features.clone()))].into_iter().collect();
        table.insert("rust".into(), features.into());
    }
    let (language_key, version) = match project.language {
        Language::Go => ("go", &project.go_version),
        Language::Rust => ("rust", &project.rust_version),
    };
    if let Some(version) = version {
        let inner = table.entry(language_key).or_insert_with(|| toml::Table::new().into());
        if let Some(inner) = inner.as_table_mut() {
            inner.insert("version".into(), version.clone().into());
        }
    }
    table.try_into().expect("a detected app is a valid [[app]] table")
}
