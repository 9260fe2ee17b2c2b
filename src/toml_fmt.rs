//! Values written as TOML text where a line is built by hand (the `init` scaffold, the README's key table):
//! always on one line, so a value is safe inside a comment too.

use serde_json::Value;

/// A schema default or example as TOML text; `None` for `null`.
pub fn toml_text(value: &Value) -> Option<String> {
    Some(match value {
        Value::Null => return None,
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => toml_str(s),
        Value::Array(items) => format!("[{}]", items.iter().filter_map(toml_text).collect::<Vec<_>>().join(", ")),
        Value::Object(map) if map.is_empty() => "{}".to_string(),
        Value::Object(map) => {
            let pairs: Vec<String> =
                map.iter().filter_map(|(k, v)| toml_text(v).map(|v| format!("{k} = {v}"))).collect();
            format!("{{ {} }}", pairs.join(", "))
        }
    })
}

pub fn toml_list(items: &[&str]) -> String {
    format!("[{}]", items.iter().map(|s| toml_str(s)).collect::<Vec<_>>().join(", "))
}

/// `s` as a TOML basic string: always one line, whatever it holds, so it is also safe inside a comment. (The
/// toml crate writes a string with a line break as a multi-line string, which a comment cannot hold.)
pub fn toml_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
