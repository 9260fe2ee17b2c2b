//! Every default is defined once (`config::defaults`), and the schema, the plan, the `init` scaffold and the
//! README's key table agree with it.

use mkmulti::config::Language;
use mkmulti::config::defaults::{DERIVED, UNSET, in_words};
use mkmulti::init::{DetectedApp, DetectedProject};
use mkmulti::schema;

use crate::util;

#[test]
fn every_key_has_a_default_or_says_why_it_has_none() {
    let keys = schema::keys();
    for key in keys.iter().filter(|k| !k.table) {
        let parent = key.path.rsplit_once('.').map_or("", |(p, _)| p);
        let has_default = key.default().is_some_and(|d| !d.is_null());
        let explained = in_words(&key.path).is_some();
        assert!(
            has_default || explained || key.required,
            "`{}` has no default in the schema and none in words in config::defaults",
            key.path
        );
        assert!(!(has_default && explained), "`{}` has a default in the schema and one in words", key.path);
        if key.required && !parent.is_empty() {
            assert!(!has_default, "`{}` is required and has a default", key.path);
        }
    }
    for (path, _) in DERIVED.iter().chain(UNSET) {
        assert!(keys.iter().any(|k| k.path == *path), "config::defaults names `{path}`, which is not a key");
    }
    // Absent means "not set": an example shows what to write (the scaffold writes it commented).
    for (path, _) in UNSET {
        let key = keys.iter().find(|k| k.path == *path).unwrap();
        assert!(key.table || key.example().is_some(), "`{path}` has no example in the schema");
    }
}

fn project(language: Language) -> DetectedProject {
    let app = |name: &str| DetectedApp {
        name: name.into(),
        main: (language == Language::Go).then(|| "./cmd/x".into()),
        package: (language == Language::Rust).then(|| "backend".into()),
        bin: name.into(),
        ..DetectedApp::default()
    };
    DetectedProject {
        name: "demo".into(),
        language,
        manifest: None,
        module: None,
        apps: vec![app("api"), app("worker")],
        go_version: None,
        rust_version: None,
        source: None,
        description: None,
        license: None,
        registry: None,
        platforms: None,
        ci_root: None,
        kept: Vec::new(),
        tests: None,
    }
}

/// The key a scaffold line sets, dotted from the table it is in: `app.go.version`.
fn key_of(table: &str, line: &str) -> Option<String> {
    let rest = line.strip_prefix("# ").unwrap_or(line);
    let (key, _) = rest.split_once(" = ")?;
    key.chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.')
        .then(|| format!("{table}.{key}"))
}

fn plan_json(text: &str) -> serde_json::Value {
    match mkmulti::load_str(text, "m.toml", "m.toml") {
        Ok(loaded) => serde_json::to_value(&loaded.plan).unwrap(),
        Err(e) => panic!("{e:?}\n{text}"),
    }
}

/// Writing out every default the scaffold shows (constant or derived) plans exactly like leaving it out: the
/// schema's defaults, the words in config::defaults and the resolve pass agree, for every app-level key too.
#[test]
fn writing_out_every_default_changes_no_plan() {
    for language in [Language::Go, Language::Rust] {
        let scaffold = mkmulti::init::render(&project(language));
        let scaffold = scaffold.replace("# namespace = ", "namespace = ");
        let mut table = String::new();
        let mut written = 0;
        let explicit: String = scaffold
            .lines()
            .map(|line| {
                if let Some(t) = line.strip_prefix("[[").and_then(|l| l.strip_suffix("]]")) {
                    table = t.to_string();
                } else if let Some(t) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                    table = t.to_string();
                }
                let key = key_of(&table, line).unwrap_or_default();
                let parent = key.rsplit_once('.').map_or("", |(p, _)| p);
                let unset = UNSET.iter().any(|(k, _)| *k == key || *k == parent);
                if line.starts_with("# ") && !key.is_empty() && !unset {
                    written += 1;
                    format!("{}\n", &line[2..])
                } else {
                    format!("{line}\n")
                }
            })
            .collect();
        assert!(written > 40, "only {written} defaults written out:\n{explicit}");
        assert_eq!(plan_json(&scaffold), plan_json(&explicit), "{language:?}:\n{explicit}");
    }
}

#[test]
fn every_key_is_in_the_scaffold() {
    for language in [Language::Go, Language::Rust] {
        let scaffold = mkmulti::init::render(&project(language));
        let mut table = String::new();
        let mut seen = Vec::new();
        for line in scaffold.lines() {
            if let Some(t) = line.strip_prefix("[[").and_then(|l| l.strip_suffix("]]")) {
                table = t.to_string();
            } else if let Some(t) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                table = t.to_string();
            }
            seen.extend(key_of(&table, line));
        }
        let other = match language {
            Language::Go => Language::Rust,
            Language::Rust => Language::Go,
        };
        for key in schema::keys().iter().filter(|k| !k.table) {
            let top = key.path.split('.').nth(1).unwrap_or_default();
            if key.path.starts_with("app.") && other.own_keys().contains(&top) {
                continue;
            }
            let written = key.path == "mkmulti-version" || seen.contains(&key.path);
            assert!(written, "{language:?} scaffold lacks `{}`", key.path);
        }
    }
}

#[test]
fn readme_key_table_is_current() {
    let path = util::root().join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let start = readme.find("<!-- keys:start").expect("README has a keys:start marker");
    let start = readme[start..].find('\n').unwrap() + start + 1;
    let end = readme.find("<!-- keys:end -->").expect("README has a keys:end marker");
    let fresh = schema::key_table();
    if std::env::var_os("MKMULTI_UPDATE_README").is_some() {
        std::fs::write(&path, format!("{}{fresh}{}", &readme[..start], &readme[end..])).unwrap();
        return;
    }
    assert!(
        readme[start..end] == fresh,
        "README.md's key table is stale: run `MKMULTI_UPDATE_README=1 cargo test readme` and commit it"
    );
}

/// Descriptions that state defaults must agree with them: `[output]` once said every output was on while `bake`
/// was off.
#[test]
fn descriptions_that_name_defaults_agree_with_them() {
    let keys = schema::keys();
    let output = keys.iter().find(|k| k.path == "output").unwrap();
    let description = schema::resolve(output.node)["description"].as_str().unwrap();
    // The switches: every `[output]` key but the one path.
    for key in keys.iter().filter(|k| k.path.starts_with("output.") && k.path != "output.makefile-path") {
        let on = key.default().and_then(serde_json::Value::as_bool).expect("outputs are switches with a default");
        let named = description.contains(&format!("`{}`", key.name()));
        assert_eq!(!on, named, "the description of [output] ({description:?}) and `{}`'s default disagree", key.path);
    }
    for key in &keys {
        let text = key.node.get("description").and_then(serde_json::Value::as_str).unwrap_or_default();
        let Some(default) = key.default().and_then(mkmulti::toml_fmt::toml_text) else { continue };
        // "Default `X`" in a description names the schema's default.
        if let Some(i) = text.find("Default `") {
            let stated = &text[i + "Default `".len()..];
            let stated = &stated[..stated.find('`').unwrap()];
            assert_eq!(stated, default, "`{}`'s description states another default", key.path);
        }
    }
}
