//! The JSON schema of `multiarch.toml`, generated from the config types, and a walk over it.
//!
//! The schema is the one description of every key: its type, its description (the config types' doc comments),
//! its default (`config::defaults`), its grammar's pattern (`grammar`) and, for platforms, the values editors
//! complete (`platform`). The scaffold `mkmulti init` writes and the README's key table are read from it here;
//! suggestions read the config types' own schema (`config::schema`), the same but for the platform list.

use std::sync::LazyLock;

use schemars::{JsonSchema, Schema, json_schema};
use serde_json::{Value, json};

use crate::config::schema::value_docs;
use crate::config::{self, defaults};
use crate::platform::{self, PLATFORMS};

/// The schema as pretty-printed JSON with a trailing newline, exactly as checked in under `schema/`.
pub fn json() -> String {
    let mut text = serde_json::to_string_pretty(&*SCHEMA).expect("schemas always serialise");
    text.push('\n');
    text
}

static SCHEMA: LazyLock<Value> = LazyLock::new(|| {
    let mut schema = config::schema::raw().clone();
    schema["$defs"]["Platform"] = serde_json::to_value(platform_schema()).expect("schemas serialise");
    schema
});

/// The schema as a JSON value.
pub fn value() -> &'static Value {
    &SCHEMA
}

/// One platform: a canonical platform of [`PLATFORMS`] or one of its [`platform::aliases`], as two `enum`s an
/// editor completes, the canonical names first (taplo and tombi complete `enum` values, not `examples`). Other
/// spellings `platform::parse` takes (another case, surrounding spaces) are flagged by the editor only.
fn platform_schema() -> Schema {
    let canonical_docs = PLATFORMS
        .iter()
        .map(|p| {
            let goarm = p.goarm.map(|v| format!(" GOARM={v}")).unwrap_or_default();
            let debian = p.debian_arch.map(|d| format!(", Debian `{d}`")).unwrap_or_default();
            format!("Go `GOARCH={}{goarm}`, Rust `{}`{debian}", p.goarch, p.rust_gnu)
        })
        .collect();
    let mut canonical = json_schema!({
        "type": "string",
        "description": "A platform in its canonical OCI form, `os/arch[/variant]`.",
        "enum": PLATFORMS.iter().map(|p| p.oci).collect::<Vec<_>>(),
    });
    value_docs(&mut canonical, canonical_docs);
    let aliases = platform::aliases();
    let mut alias = json_schema!({
        "type": "string",
        "description": "Another spelling of a platform: mkmulti normalises it to the canonical form, with a note.",
        "enum": aliases.iter().map(|(a, _)| a.as_str()).collect::<Vec<_>>(),
    });
    value_docs(&mut alias, aliases.iter().map(|(_, p)| format!("normalised to `{}`", p.oci)).collect());
    let mut schema = config::schema::Platform::json_schema(&mut schemars::SchemaGenerator::default());
    schema.insert("anyOf".into(), json!([canonical, alias]));
    schema
}

/// Follows `$ref`, `anyOf` with `null` (an `Option`) and `items` (an array of tables) to the schema node that
/// describes the value.
pub fn resolve(node: &'static Value) -> &'static Value {
    config::schema::resolve_in(&SCHEMA, node)
}

/// One key of the config.
#[derive(Debug, Clone)]
pub struct Key {
    /// Dotted, without indices: `project.name`, `app.go.version`, `app.healthcheck.command`.
    pub path: String,
    /// The key's own schema node (its description, default and examples), before resolving.
    pub node: &'static Value,
    /// The key holds a table of keys (listed after it) rather than a value.
    pub table: bool,
    /// The key must be written.
    pub required: bool,
}

impl Key {
    /// The last segment of the path: the key as written in its table.
    pub fn name(&self) -> &str {
        self.path.rsplit('.').next().unwrap_or(&self.path)
    }

    /// The schema's default, if the key has a constant one.
    pub fn default(&self) -> Option<&'static Value> {
        self.node.get("default")
    }

    /// The schema's first example, if any.
    pub fn example(&self) -> Option<&'static Value> {
        self.node.get("examples").and_then(Value::as_array).and_then(|e| e.first())
    }

    /// The description's first sentence, on one line.
    pub fn summary(&self) -> String {
        let text = self.node.get("description").and_then(Value::as_str).unwrap_or_default().replace('\n', " ");
        let end = text.find(". ").map_or(text.len(), |i| i + 1);
        text[..end].trim().to_string()
    }
}

/// Every key of the config, in declaration order, each table's keys right after it.
pub fn keys() -> Vec<Key> {
    let mut out = Vec::new();
    collect(&SCHEMA, "", &mut out);
    out
}

fn collect(node: &'static Value, prefix: &str, out: &mut Vec<Key>) {
    let node = resolve(node);
    let Some(properties) = node.get("properties").and_then(Value::as_object) else { return };
    let required = node.get("required").and_then(Value::as_array);
    for (name, property) in properties {
        let path = if prefix.is_empty() { name.clone() } else { format!("{prefix}.{name}") };
        let table = resolve(property).get("properties").is_some();
        let required = required.is_some_and(|r| r.iter().any(|k| k.as_str() == Some(name)));
        out.push(Key { path: path.clone(), node: property, table, required });
        if table {
            collect(property, &path, out);
        }
    }
}

/// The README's key table, between its `keys` markers: every key with its default and the first sentence of its
/// description.
pub fn key_table() -> String {
    let mut out = String::from("| key | default | meaning |\n|---|---|---|\n");
    for key in keys().iter().filter(|k| !k.table) {
        let parent = key.path.rsplit_once('.').map_or("", |(p, _)| p);
        let default = if key.required && defaults::in_words(parent).is_some() {
            format!("required with `{parent}`")
        } else if key.required {
            "required".to_string()
        } else if let Some(value) = key.default().and_then(crate::toml_fmt::toml_text) {
            format!("`{value}`")
        } else {
            defaults::in_words(&key.path).or_else(|| defaults::in_words(parent)).unwrap_or("none").to_string()
        };
        let meaning = key.summary().replace('|', "\\|");
        out.push_str(&format!("| `{}` | {} | {meaning} |\n", key.path, default.replace('|', "\\|")));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_come_in_declaration_order_with_their_tables() {
        let keys: Vec<String> = keys().into_iter().map(|k| k.path).collect();
        assert_eq!(&keys[..3], ["mkmulti-version", "project", "project.name"]);
        let go = keys.iter().position(|k| k == "app.go").unwrap();
        assert_eq!(keys[go + 1], "app.go.version");
        assert!(keys.contains(&"app.healthcheck.start-period".to_string()));
    }

    #[test]
    fn summaries_are_one_sentence() {
        let uid = keys().into_iter().find(|k| k.path == "app.uid").unwrap();
        assert_eq!(uid.summary(), "Numeric user id (and group id) of that user; never 0.");
        assert_eq!(uid.default(), Some(&Value::from(10001)));
    }
}
