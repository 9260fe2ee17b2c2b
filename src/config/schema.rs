//! The JSON schema of the config types as schemars writes it from their doc comments and attributes, and the one
//! step of a walk over it.
//!
//! `crate::schema` adds what comes from other tables (the platform list) to make the checked-in file; the
//! suggestions walk this one, which already holds every key and every closed set of values. Keeping the two
//! apart keeps the platform table, which suggests its own near misses, out of an import circle.

use std::sync::LazyLock;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde_json::{Value, json};

use super::RawConfig;

static RAW: LazyLock<Value> =
    LazyLock::new(|| serde_json::to_value(schemars::schema_for!(RawConfig)).expect("the config schema serialises"));

/// The config types' schema, with [`Platform`] still a plain string.
pub fn raw() -> &'static Value {
    &RAW
}

/// Follows `$ref` (into `root`'s `$defs`), `anyOf` with `null` (an `Option`) and `items` that refer to a
/// definition (an array of tables) to the schema node that describes the value.
pub fn resolve_in(root: &'static Value, node: &'static Value) -> &'static Value {
    if let Some(name) = node.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/$defs/")) {
        return resolve_in(root, &root["$defs"][name]);
    }
    if let Some(options) = node.get("anyOf").and_then(Value::as_array) {
        if let Some(some) = options.iter().find(|o| o.get("type").and_then(Value::as_str) != Some("null")) {
            return resolve_in(root, some);
        }
    }
    match node.get("items") {
        Some(items) if items.get("$ref").is_some() => resolve_in(root, items),
        _ => node,
    }
}

/// Schema transform for a closed set of values (`language`, `runtime`, ...): schemars writes a `oneOf` of `const`s
/// when the variants have doc comments, but editors complete an `enum`. Each value's description moves to
/// `markdownEnumDescriptions` (VS Code) and `x-taplo.docs.enumValues` (taplo, which Even Better TOML runs), index
/// for index.
pub fn closed_set(schema: &mut Schema) {
    let Some(Value::Array(options)) = schema.remove("oneOf") else { return };
    let values = options.iter().map(|o| o["const"].clone()).collect();
    let docs = options.iter().map(|o| o["description"].as_str().unwrap_or_default().to_string()).collect();
    schema.insert("type".into(), "string".into());
    schema.insert("enum".into(), Value::Array(values));
    value_docs(schema, docs);
}

/// One description per `enum` value, where VS Code and taplo read them.
pub fn value_docs(schema: &mut Schema, docs: Vec<String>) {
    schema.insert("markdownEnumDescriptions".into(), json!(docs));
    schema.insert("x-taplo".into(), json!({ "docs": { "enumValues": docs } }));
}

/// One entry of `project.platforms` or `app.platforms`, for the schema only (the config holds a string): the
/// `Platform` definition, whose values `crate::schema` lists from the platform table.
pub struct Platform;

impl JsonSchema for Platform {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Platform".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A target platform: `os/arch[/variant]`, or an alias mkmulti normalises.",
            "type": "string",
        })
    }
}
