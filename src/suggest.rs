//! "Did you mean ...?" suggestions from a known set of words: keys, values and their tables.
//!
//! The known keys and values come from the JSON schema of the config types (`config::schema`), so they cannot
//! drift from what serde accepts.

use std::sync::LazyLock;

use serde_json::Value;

use crate::config::schema::{raw, resolve_in};

/// The known word closest to `input`, if it is close enough to be a plausible typo. A word that differs only in
/// case (`Go` for `go`) is the closest of all.
pub fn closest<'a>(input: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = input.to_ascii_lowercase();
    known
        .into_iter()
        .filter(|k| *k != input)
        .map(|k| (strsim::damerau_levenshtein(&lower, &k.to_ascii_lowercase()), k))
        .filter(|(d, k)| *d <= (k.len().max(lower.len()) / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// A table of the config and the keys it accepts. `path` is dotted without indices: `""` for the top level,
/// `app`, `app.go`.
struct Table {
    path: String,
    keys: Vec<String>,
    /// For keys whose value is one of a fixed set of strings (`language`, `runtime`): those strings.
    values: Vec<(String, Vec<String>)>,
    /// Keys whose value is an array of integers (`ports`).
    integer_arrays: Vec<String>,
}

static TABLES: LazyLock<Vec<Table>> = LazyLock::new(|| {
    let mut out = Vec::new();
    collect(raw(), String::new(), &mut out);
    out
});

fn collect(node: &'static Value, path: String, out: &mut Vec<Table>) {
    let resolve = |node| resolve_in(raw(), node);
    let node = resolve(node);
    let Some(properties) = node.get("properties").and_then(Value::as_object) else { return };
    let mut table = Table { path: path.clone(), keys: Vec::new(), values: Vec::new(), integer_arrays: Vec::new() };
    for (key, property) in properties {
        table.keys.push(key.clone());
        let resolved = resolve(property);
        // A closed set of strings is an `enum` (`config::schema::closed_set`).
        if let Some(values) = resolved.get("enum").and_then(Value::as_array) {
            table.values.push((key.clone(), values.iter().filter_map(Value::as_str).map(str::to_string).collect()));
        }
        if resolved.pointer("/items/type").and_then(Value::as_str) == Some("integer") {
            table.integer_arrays.push(key.clone());
        }
    }
    out.push(table);
    for (key, property) in properties {
        let child = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
        collect(property, child, out);
    }
}

/// The header a user writes to open a table: `[project]`, `[[app]]`, `[app.go]`.
fn header(path: &str) -> String {
    match path {
        "" => "the top level".to_string(),
        "app" => "`[[app]]`".to_string(),
        p => format!("`[{p}]`"),
    }
}

/// The keys the table at `table` (dotted, no indices) accepts.
pub fn keys_of(table: &str) -> Vec<&'static str> {
    TABLES.iter().find(|t| t.path == table).map(|t| t.keys.iter().map(String::as_str).collect()).unwrap_or_default()
}

/// The values the key `key` of the table `table` accepts, when they are a fixed set.
pub fn values_of(table: &str, key: &str) -> Vec<&'static str> {
    TABLES
        .iter()
        .find(|t| t.path == table)
        .and_then(|t| t.values.iter().find(|(k, _)| k == key))
        .map(|(_, v)| v.iter().map(String::as_str).collect())
        .unwrap_or_default()
}

/// Whether the key `key` of the table `table` holds an array of integers.
pub fn holds_integers(table: &str, key: &str) -> bool {
    TABLES.iter().any(|t| t.path == table && t.integer_arrays.iter().any(|k| k == key))
}

/// Help for an unknown key `key` in the table at `table`, in order of likelihood: the same key in another case;
/// the key of a table inside this one (`cgo` in `[[app]]` is `go.cgo`); a near key of this table; the tables
/// where the key, or a near one, belongs.
pub fn unknown_key(table: &str, key: &str) -> Option<String> {
    let lower = key.to_ascii_lowercase();
    let distance = |k: &str| strsim::damerau_levenshtein(&lower, &k.to_ascii_lowercase());
    let own = closest(key, keys_of(table));
    if let Some(best) = own.filter(|k| distance(k) == 0) {
        return Some(format!("did you mean `{best}`?"));
    }
    // A dotted key reaches a table inside this one; at the top level, a dotted `app.x` would make `app` a
    // table instead of the array of tables, so the top level gets table headers instead.
    let prefix = format!("{table}.");
    let inside = |t: &Table| t.path.strip_prefix(&prefix).map(str::to_string);
    let nested: Vec<String> = TABLES
        .iter()
        .filter(|t| t.keys.iter().any(|k| k == key))
        .filter_map(|t| inside(t).map(|sub| format!("`{sub}.{key}`")))
        .collect();
    if !nested.is_empty() {
        return Some(format!("did you mean {}?", nested.join(" or ")));
    }
    if let Some(best) = own {
        return Some(format!("did you mean `{best}`?"));
    }
    let mut elsewhere: Vec<(usize, &Table, &str)> = TABLES
        .iter()
        .filter(|t| t.path != table)
        .filter_map(|t| {
            let exact = t.keys.iter().map(String::as_str).find(|k| *k == key);
            exact.or_else(|| closest(key, t.keys.iter().map(String::as_str))).map(|k| (distance(k), t, k))
        })
        .collect();
    let best = elsewhere.iter().map(|(d, _, _)| *d).min()?;
    elsewhere.retain(|(d, _, _)| *d == best);
    let nested: Vec<String> =
        elsewhere.iter().filter_map(|(_, t, k)| inside(t).map(|sub| format!("`{sub}.{k}`"))).collect();
    if !nested.is_empty() {
        return Some(format!("did you mean {}?", nested.join(" or ")));
    }
    let word = elsewhere[0].2;
    let places: Vec<String> = elsewhere.iter().take(3).map(|(_, t, _)| header(&t.path)).collect();
    Some(if word == key {
        format!("`{key}` is a key of {}, not of {}", places.join(" and "), header(table))
    } else {
        format!("did you mean `{word}`, a key of {}?", places.join(" and "))
    })
}

/// Help for an unknown value: the nearest allowed value, else the list of them.
pub fn unknown_value(value: &str, allowed: &[&str]) -> Option<String> {
    match closest(value, allowed.iter().copied()) {
        Some(best) => Some(format!("did you mean `{best}`?")),
        None if !allowed.is_empty() => Some(format!("expected one of: {}", quoted(allowed))),
        None => None,
    }
}

/// `` `a`, `b`, `c` ``.
pub fn quoted(words: &[&str]) -> String {
    words.iter().map(|w| format!("`{w}`")).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_near_words_only() {
        let keys = ["platforms", "registry", "runtime"];
        assert_eq!(closest("platfroms", keys), Some("platforms"));
        assert_eq!(closest("runtim", keys), Some("runtime"));
        assert_eq!(closest("zzz", keys), None);
        assert_eq!(closest("platforms", keys), None, "an exact match is not a suggestion");
        assert_eq!(closest("Runtime", keys), Some("runtime"), "a difference in case is the nearest typo");
    }

    #[test]
    fn known_keys_and_values_come_from_the_schema() {
        assert!(keys_of("").contains(&"project"));
        assert!(keys_of("app").contains(&"smoke-test"));
        assert!(keys_of("app.healthcheck").contains(&"start-period"));
        assert!(keys_of("app.env").is_empty(), "env is a map: any key");
        assert_eq!(values_of("app", "language"), ["go", "rust"]);
        assert_eq!(values_of("app.rust", "libc"), ["gnu", "musl"]);
        assert_eq!(values_of("ci", "strategy"), ["single", "native"]);
        assert_eq!(values_of("app.compose", "restart"), ["no", "always", "on-failure", "unless-stopped"]);
        assert!(values_of("project", "platforms").is_empty(), "a list, not one of a set");
        assert!(holds_integers("app", "ports"));
        assert!(!holds_integers("app", "args"));
    }

    #[test]
    fn unknown_keys_point_at_the_right_table() {
        assert_eq!(unknown_key("app", "runtme").as_deref(), Some("did you mean `runtime`?"));
        assert_eq!(unknown_key("app", "cgo").as_deref(), Some("did you mean `go.cgo`?"));
        assert_eq!(unknown_key("app", "libc").as_deref(), Some("did you mean `rust.libc`?"));
        assert_eq!(
            unknown_key("", "platforms").as_deref(),
            Some("`platforms` is a key of `[project]` and `[[app]]`, not of the top level")
        );
        assert_eq!(
            unknown_key("", "platfroms").as_deref(),
            Some("did you mean `platforms`, a key of `[project]` and `[[app]]`?")
        );
        assert_eq!(unknown_key("app", "zzzzzzzz"), None);
    }

    #[test]
    fn unknown_values_get_the_nearest_or_the_list() {
        assert_eq!(unknown_value("Go", &["go", "rust"]).as_deref(), Some("did you mean `go`?"));
        assert_eq!(unknown_value("pyhton", &["go", "rust"]).as_deref(), Some("expected one of: `go`, `rust`"));
    }
}
