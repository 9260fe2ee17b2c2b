//! Pass 1: read `multiarch.toml` and turn it into [`RawConfig`], or into diagnostics that point at the text.

use std::ops::Range;

use crate::config::RawConfig;
use crate::diagnostics::{Diagnostic, KeyPath, Severity, Source};

/// Files larger than this are refused before parsing: a config is a few kilobytes.
pub const MAX_CONFIG_BYTES: usize = 256 * 1024;

/// Checks the raw bytes before any parsing: size, NUL bytes (a binary file), UTF-8.
pub fn decode(bytes: &[u8]) -> Result<&str, Diagnostic> {
    let plain = |message: String, help: &str| Diagnostic {
        severity: Severity::Error,
        message,
        path: None,
        span: None,
        help: Some(help.to_string()),
    };
    if bytes.len() > MAX_CONFIG_BYTES {
        return Err(plain(
            format!("the file is {} bytes; a config may be at most {MAX_CONFIG_BYTES}", bytes.len()),
            "is this the right file? multiarch.toml is normally a few kilobytes",
        ));
    }
    if let Some(at) = bytes.iter().position(|b| *b == 0) {
        return Err(plain(
            format!("the file holds a NUL byte at offset {at}: it looks binary, not TOML"),
            "point --config at a text file",
        ));
    }
    std::str::from_utf8(bytes).map_err(|e| {
        plain(
            format!("the file is not valid UTF-8 (at byte {})", e.valid_up_to()),
            "TOML files must be UTF-8; re-save the file as UTF-8",
        )
    })
}

/// Parses the text into the raw config.
pub fn parse(source: &Source<'_>) -> Result<RawConfig, Diagnostic> {
    let Some(tree) = source.tree.clone() else {
        // Syntax error: toml's own message and span are exact; reparse to get them.
        let err = toml::de::DeTable::parse(source.text).expect_err("tree is None only when parsing failed");
        return Err(Diagnostic {
            severity: Severity::Error,
            message: format!("invalid TOML: {}", err.message().trim_end()),
            path: None,
            span: err.span(),
            help: Some("see https://toml.io for the syntax".to_string()),
        });
    };
    let de = toml::de::Deserializer::from(tree);
    serde::Deserialize::deserialize(de).map_err(|err: toml::de::Error| from_serde(source, err.message(), err.span()))
}

/// Turns a serde error into a diagnostic with a key path and, for unknown keys and values, a suggestion.
fn from_serde(source: &Source<'_>, message: &str, span: Option<Range<usize>>) -> Diagnostic {
    // A missing top-level table, or a span over the whole document, belongs to no key: report the file only.
    let top_level = message == "missing field `app`" || message == "missing field `project`";
    let span = span.filter(|s| !(top_level || s.start == 0 && s.end + 1 >= source.text.len()));
    let path = span.as_ref().and_then(|s| source.path_at(s)).unwrap_or_else(KeyPath::root);
    let help = suggestion(message)
        .or_else(|| {
            (message == "missing field `app`").then(|| "add an `[[app]]` table with `name` and `language`".into())
        })
        .or_else(|| {
            message.starts_with("missing field").then(|| "add the key; `mkmulti schema` lists every key".into())
        })
        .or_else(|| message.contains("expected u16").then(|| "a port is a number from 1 to 65535".into()));
    Diagnostic {
        severity: Severity::Error,
        message: message.trim_end().to_string(),
        path: (!path.0.is_empty()).then_some(path),
        span,
        help,
    }
}

/// For `unknown field `x`, expected one of `a`, `b`` and `unknown variant ...`: "did you mean ...?".
fn suggestion(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown field `").or_else(|| message.strip_prefix("unknown variant `"))?;
    let (got, rest) = rest.split_once('`')?;
    let expected: Vec<&str> = rest.split('`').skip(1).step_by(2).collect();
    match crate::suggest::closest(got, expected.iter().copied()) {
        Some(best) => Some(format!("did you mean `{best}`?")),
        None if !expected.is_empty() => Some(format!("expected one of: {}", expected.join(", "))),
        None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_refuses_binary_and_non_utf8() {
        assert!(decode(b"a = 1\n").is_ok());
        assert!(decode(b"a = \x00").unwrap_err().message.contains("NUL"));
        assert!(decode(b"a = \"\xff\"").unwrap_err().message.contains("UTF-8"));
        assert!(decode(&vec![b' '; MAX_CONFIG_BYTES + 1]).unwrap_err().message.contains("at most"));
    }

    #[test]
    fn unknown_keys_get_a_suggestion() {
        assert_eq!(
            suggestion("unknown field `platfroms`, expected one of `name`, `platforms`").as_deref(),
            Some("did you mean `platforms`?")
        );
        assert_eq!(
            suggestion("unknown variant `pyhton`, expected `go` or `rust`").as_deref(),
            Some("expected one of: go, rust")
        );
    }
}
