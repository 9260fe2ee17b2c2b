//! The JSON schema of `multiarch.toml`, generated from the config types.

use crate::config::RawConfig;

/// The schema as pretty-printed JSON with a trailing newline, exactly as checked in under `schema/`.
pub fn json() -> String {
    let schema = schemars::schema_for!(RawConfig);
    let mut text = serde_json::to_string_pretty(&schema).expect("schemas always serialise");
    text.push('\n');
    text
}
