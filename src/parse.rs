//! Pass 1: read `multiarch.toml` and turn it into [`RawConfig`], or into diagnostics that point at the text.
//!
//! Every problem is reported at once. Syntax errors come from toml's recovering parser. Structural errors
//! (unknown keys and values, wrong types, missing keys) come from serde, which stops at the first one, so the
//! entry each error is about is cut out of the spanned tree and the rest is read again. What is left is a
//! config the semantic checks can still run on, with the parts that held errors named in [`Parsed::broken`].

use std::ops::Range;

use serde::Deserialize as _;
use toml::Spanned;
use toml::de::{DeArray, DeTable, DeValue};

use crate::config::RawConfig;
use crate::diagnostics::{Diagnostic, KeyPath, Seg, Severity, Source, path_in};
use crate::suggest;

mod decode;

pub use decode::{MAX_CONFIG_BYTES, decode};

/// What pass 1 found in a config: every syntax or structural error, and the config when one could be read.
pub struct Parsed {
    /// The config with every broken key left out, when the required keys and every `[[app]]` entry could still
    /// be read. The semantic checks can run on it; what they find inside `broken` describes this cut-down
    /// config, not the file.
    pub config: Option<RawConfig>,
    /// Syntax errors, or structural errors (unknown keys and values, wrong types, missing keys), in file order.
    pub diagnostics: Vec<Diagnostic>,
    /// The top-level keys and `[[app]]` entries (`ci`, `app[1]`) that hold a structural error.
    pub broken: Vec<KeyPath>,
}

/// After this many structural errors, reading stops: the file is not a config gone slightly wrong.
const MAX_ERRORS: usize = 100;

/// Parses the text into the raw config, reporting every syntax error, or else every structural error.
pub fn parse(source: &Source<'_>) -> Parsed {
    match source.tree.clone() {
        Some(tree) => read(source, tree),
        None => Parsed { config: None, diagnostics: syntax_errors(source), broken: Vec::new() },
    }
}

/// Every syntax error toml's recovering parser finds, in file order and one per line, up to the first one inside
/// an array or inline table: from there the parser may read every later line as part of it, and its errors are
/// noise. When the array or inline table is unclosed, the error points at its opening bracket instead.
fn syntax_errors(source: &Source<'_>) -> Vec<Diagnostic> {
    let (recovered, mut errors) = DeTable::parse_recoverable(source.text);
    if errors.is_empty() {
        errors.extend(DeTable::parse(source.text).err());
    }
    errors.sort_by_key(|e| e.span().map(|s| s.start));
    let unclosed = errors.iter().find_map(|e| {
        let opening = match e.message() {
            m if m.starts_with("unclosed array,") => '[',
            m if m.starts_with("unclosed inline table") => '{',
            _ => return None,
        };
        let end = e.span()?.end;
        let start = opened_at(recovered.get_ref(), source.text, opening, end)?;
        Some((e.message().trim_end().to_string(), start..start + 1))
    });
    let mut lines = Vec::new();
    let mut out = Vec::new();
    for err in &errors {
        let (message, span) = (err.message().trim_end(), err.span());
        let start = span.as_ref().map(|s| s.start);
        if unclosed.as_ref().is_some_and(|(_, at)| start >= Some(at.start)) {
            break;
        }
        let line = start.map(|s| source.line_col(s).0);
        if lines.contains(&line) {
            continue;
        }
        lines.push(line);
        out.push(syntax_error(source, message, span));
        let noisy = (message.contains("array") && !message.contains("array table"))
            || message.contains("inline table")
            || message.contains("key-value pairs");
        if noisy {
            return out;
        }
    }
    if let Some((message, at)) = unclosed {
        out.push(syntax_error(source, &message, Some(at)));
    }
    out
}

/// Where the outermost array (`[`) or inline table (`{`) that runs to `end` opens, in the recovered tree.
fn opened_at(table: &DeTable<'_>, text: &str, opening: char, end: usize) -> Option<usize> {
    fn walk(value: &Spanned<DeValue<'_>>, text: &str, opening: char, end: usize, best: &mut Option<usize>) {
        let span = value.span();
        let inline = matches!(value.get_ref(), DeValue::Array(_) | DeValue::Table(_));
        if inline && span.end == end && text.get(span.start..).is_some_and(|t| t.starts_with(opening)) {
            *best = Some(best.map_or(span.start, |b: usize| b.min(span.start)));
        }
        match value.get_ref() {
            DeValue::Table(t) => t.values().for_each(|v| walk(v, text, opening, end, best)),
            DeValue::Array(items) => items.iter().for_each(|v| walk(v, text, opening, end, best)),
            _ => {}
        }
    }
    let mut best = None;
    table.values().for_each(|v| walk(v, text, opening, end, &mut best));
    best
}

fn syntax_error(source: &Source<'_>, message: &str, span: Option<Range<usize>>) -> Diagnostic {
    if message.contains("recursion") {
        return too_deep(source, message, span);
    }
    let text = span.clone().and_then(|s| source.text.get(s)).unwrap_or("");
    let (message, help) = if message == "duplicate key" {
        (format!("duplicate key `{text}`"), "a key is set once in its table: remove one of the two".to_string())
    } else if message.starts_with("string values must be quoted") {
        (message.to_string(), format!("put the value in double quotes: `\"{}\"`", text.escape_debug()))
    } else if message.starts_with("invalid basic string") || message.starts_with("invalid literal string") {
        (
            "the string is not closed before the end of the line".to_string(),
            "close the string on the same line; text over several lines goes in `\"\"\"`".to_string(),
        )
    } else if message.starts_with("unclosed array,") {
        (message.to_string(), "close the array with `]`: every line after it was read as one of its items".to_string())
    } else if message.starts_with("unclosed inline table") {
        (message.to_string(), "close the inline table with `}` on the same line".to_string())
    } else if message.starts_with("unclosed table") || message.starts_with("unclosed array table") {
        (message.to_string(), "a table header is `[name]`, or `[[app]]` for an app, on a line of its own".to_string())
    } else {
        (message.to_string(), "see https://toml.io for the syntax".to_string())
    };
    Diagnostic {
        severity: Severity::Error,
        message: format!("invalid TOML: {message}"),
        path: None,
        span,
        help: Some(help),
    }
}

/// The TOML parser gives up on keys or values nested past its limit, sometimes without a position: point at the
/// line that nests deepest (dots in a key or header, open brackets in a value).
fn too_deep(source: &Source<'_>, message: &str, span: Option<Range<usize>>) -> Diagnostic {
    let span = span.or_else(|| {
        let mut offset = 0;
        let mut deepest: Option<(usize, Range<usize>)> = None;
        for line in source.text.split_inclusive('\n') {
            let depth = line.chars().filter(|c| matches!(c, '.' | '[' | '{')).count();
            if deepest.as_ref().is_none_or(|(d, _)| depth > *d) {
                let start = offset + (line.len() - line.trim_start().len());
                deepest = Some((depth, start..start + 1));
            }
            offset += line.len();
        }
        deepest.map(|(_, span)| span)
    });
    Diagnostic {
        severity: Severity::Error,
        message: format!("invalid TOML: {message}: keys or values nested too deep"),
        path: None,
        span,
        help: Some("multiarch.toml nests at most four levels (`app.healthcheck.command`); flatten this line".into()),
    }
}

/// Deserializes the tree; serde stops at the first error, so each error's entry is cut out of the tree and the
/// rest is read again, until it reads or nothing is left to cut. Spans survive the cuts, so every error is still
/// located (and named by its key path) in the file as written.
fn read(source: &Source<'_>, mut tree: Spanned<DeTable<'_>>) -> Parsed {
    let root = tree.span();
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    let mut broken: Vec<KeyPath> = Vec::new();
    // Keys cut out so far (and the keys that unknown ones were typos of), with the span of their table: a
    // `missing field` for one of them is not news.
    let mut accounted: Vec<(Range<usize>, String)> = Vec::new();
    let mut complete = true;
    let done = |config: Option<RawConfig>, mut diagnostics: Vec<Diagnostic>, broken| {
        diagnostics.sort_by_key(|d| source.position(d));
        Parsed { config, diagnostics, broken }
    };
    // Every round cuts an entry or stands in for a missing key; the bound is a safety net.
    for _ in 0..4 * MAX_ERRORS {
        if diagnostics.len() >= MAX_ERRORS {
            break;
        }
        let err = match RawConfig::deserialize(toml::de::Deserializer::from(tree.clone())) {
            Ok(config) => return done(complete.then_some(config), diagnostics, broken),
            Err(err) => err,
        };
        // An error about the document itself (a missing top-level key) has the root's span.
        let span = err.span().filter(|s| *s != root);
        let missing = err.message().strip_prefix("missing field `").and_then(|m| m.strip_suffix('`'));
        let table = span.clone().unwrap_or_else(|| root.clone());
        if !missing.is_some_and(|key| accounted.iter().any(|(s, k)| *s == table && k == key)) {
            let d = from_serde(source, err.message(), span.clone());
            if let Some(unit) = d.path.as_ref().and_then(unit_of).filter(|u| !broken.contains(u)) {
                broken.push(unit);
            }
            diagnostics.push(d);
        }
        let Some(at) = span.and_then(|s| path_in(tree.get_ref(), &s)) else {
            return done(None, diagnostics, broken);
        };
        if let Some(key) = missing {
            if stand_in(&mut tree, &at, key) {
                continue;
            }
        }
        if matches!(at.0.as_slice(), [Seg::Key(k)] | [Seg::Key(k), Seg::Index(_)] if k == "app") {
            // An `[[app]]` entry that cannot be read at all: the apps left would be renumbered.
            complete = false;
        }
        let typo_of = match at.0.split_last() {
            Some((Seg::Key(k), parents)) if err.message().starts_with("unknown field") => {
                suggest::closest(k, suggest::keys_of(&dotted(parents)))
            }
            _ => None,
        };
        match cut_out(&mut tree, &at) {
            Some(Some((table, key))) => {
                accounted.extend(typo_of.map(|t| (table.clone(), t.to_string())));
                accounted.push((table, key));
            }
            Some(None) => {}
            None => return done(None, diagnostics, broken),
        }
    }
    diagnostics.push(Diagnostic {
        severity: Severity::Error,
        message: format!("stopped after {} errors", diagnostics.len()),
        path: None,
        span: None,
        help: Some("is this the right file?".into()),
    });
    done(None, diagnostics, broken)
}

/// Puts a stand-in value for a required key that is missing or broken (reported already) into the table at
/// `at`, so the rest of the config can still be checked: an `[[app]]` entry that could not be read would
/// renumber the apps after it. Its findings are left out with the rest of its broken entry.
fn stand_in(tree: &mut Spanned<DeTable<'_>>, at: &KeyPath, key: &str) -> bool {
    let value = match (dotted(&at.0).as_str(), key) {
        ("project" | "app", "name") => "",
        ("app", "language") => "go",
        _ => return false,
    };
    let Some(table) = value_mut(tree.get_mut(), &at.0) else { return false };
    // An empty span at the table's end: no error is ever about a stand-in, and an empty span cannot be taken
    // for the table itself when the next missing key of the same table is looked up by position.
    let end = table.span().end;
    let DeValue::Table(t) = table.get_mut() else { return false };
    let value = DeValue::String(value.into());
    t.insert(Spanned::new(end..end, key.to_string().into()), Spanned::new(end..end, value));
    true
}

/// The part of the config a path is in, for telling which findings of the semantic checks to trust: a top-level
/// key, or one `[[app]]` entry.
fn unit_of(path: &KeyPath) -> Option<KeyPath> {
    match path.0.as_slice() {
        [Seg::Key(app), Seg::Index(i), ..] if app == "app" => Some(KeyPath::root().key(app).index(*i)),
        [Seg::Key(k), ..] => Some(KeyPath::root().key(k)),
        _ => None,
    }
}

/// The value at a non-empty `path` below `table`.
fn value_mut<'t, 'i>(table: &'t mut DeTable<'i>, path: &[Seg]) -> Option<&'t mut Spanned<DeValue<'i>>> {
    let (Seg::Key(first), rest) = path.split_first()? else { return None };
    let mut value = table.iter_mut().find(|(k, _)| k.get_ref().as_ref() == first.as_str())?.1;
    for seg in rest {
        let current = value;
        value = match (current.get_mut(), seg) {
            (DeValue::Table(t), Seg::Key(name)) => t.iter_mut().find(|(k, _)| k.get_ref().as_ref() == name.as_str())?.1,
            (DeValue::Array(items), Seg::Index(i)) => items.get_mut(*i)?,
            _ => return None,
        };
    }
    Some(value)
}

/// Removes the entry at `path` from the tree; `None` if there is no such entry. For a key, returns the span of
/// its table and the key.
fn cut_out(tree: &mut Spanned<DeTable<'_>>, path: &KeyPath) -> Option<Option<(Range<usize>, String)>> {
    let (last, parents) = path.0.split_last()?;
    let (span, container) = if parents.is_empty() {
        let span = tree.span();
        (span, None)
    } else {
        let parent = value_mut(tree.get_mut(), parents)?;
        (parent.span(), Some(parent))
    };
    match (container.map(|c| c.get_mut()), last) {
        (None, Seg::Key(name)) => remove_key(tree.get_mut(), name).map(|()| Some((span, name.clone()))),
        (Some(DeValue::Table(t)), Seg::Key(name)) => remove_key(t, name).map(|()| Some((span, name.clone()))),
        (Some(DeValue::Array(items)), Seg::Index(i)) => {
            items.get(*i)?;
            let mut kept = DeArray::new();
            for (_, item) in items.iter().enumerate().filter(|(j, _)| j != i) {
                kept.push(item.clone());
            }
            *items = kept;
            Some(None)
        }
        _ => None,
    }
}

fn remove_key(table: &mut DeTable<'_>, name: &str) -> Option<()> {
    let key = table.keys().find(|k| k.get_ref().as_ref() == name)?.clone();
    table.remove(&key).map(|_| ())
}

/// Turns a serde error into a diagnostic in the words of TOML (key, table, array), with a key path and a help
/// line: the nearest known key or value, or how to write a value of the expected type.
fn from_serde(source: &Source<'_>, message: &str, span: Option<Range<usize>>) -> Diagnostic {
    let message = message.trim_end();
    let path = span.as_ref().and_then(|s| source.path_at(s));
    let (table, key) = match path.as_ref().map(|p| p.0.as_slice()) {
        Some([parents @ .., Seg::Key(k)]) => (dotted(parents), Some(k.as_str())),
        Some(parents) => (dotted(parents), None),
        None => (String::new(), None),
    };
    // The key a value or array item belongs to: `ports` for `app[0].ports[1]`.
    let owner = path.as_ref().and_then(|p| {
        p.0.iter().rev().find_map(|s| match s {
            Seg::Key(k) => Some(k.as_str()),
            Seg::Index(_) => None,
        })
    });
    let value = path.as_ref().and_then(|p| source.value_at(p));
    // The value as written, for a help line that shows how to fix it.
    let written =
        span.clone().and_then(|s| source.text.get(s)).map(str::trim).filter(|w| w.len() <= 40 && !w.contains('\n'));
    let (text, help) = if let Some(rest) = message.strip_prefix("unknown field `") {
        let name = key.map_or_else(|| rest.split('`').next().unwrap_or(rest).to_string(), str::to_string);
        let help = suggest::unknown_key(&table, &name).or_else(|| {
            let expected = backticked(rest.split_once('`').map_or("", |(_, r)| r));
            (!expected.is_empty()).then(|| format!("expected one of: {}", suggest::quoted(&expected)))
        });
        (format!("unknown key `{}`", name.escape_debug()), help)
    } else if let Some(rest) = message.strip_prefix("unknown variant `") {
        let got = value.and_then(DeValue::as_str).unwrap_or_else(|| rest.split('`').next().unwrap_or(rest));
        let allowed = backticked(rest.split_once('`').map_or("", |(_, r)| r));
        let of = key.map(|k| format!(" for `{k}`")).unwrap_or_default();
        (format!("unknown value `{}`{of}", got.escape_debug()), suggest::unknown_value(got, &allowed))
    } else if let Some(rest) = message.strip_prefix("invalid type: ") {
        let (found, expected) = rest.rsplit_once(", expected ").unwrap_or((rest, "another type"));
        let found = value.map_or_else(|| serde_type(found), |v| with_article(v.type_str()));
        let expected = expected_type(expected);
        let integers = key.is_some_and(|k| suggest::holds_integers(&table, k));
        let help = type_help(&path, &expected, &found, written, integers);
        (format!("wrong type: expected {expected}, found {found}"), help)
    } else if message == "wanted string or table" {
        // toml's words for an enum given a number, a boolean or an array.
        let found = value.map_or("another type", |v| v.type_str());
        let allowed = key.map(|k| suggest::values_of(&table, k)).unwrap_or_default();
        let help = (!allowed.is_empty()).then(|| format!("write one of: {}", quote_values(&allowed)));
        (format!("wrong type: expected a string, found {}", with_article(found)), help)
    } else if let Some(rest) = message.strip_prefix("invalid value: ") {
        let (got, expected) = rest.rsplit_once(", expected ").unwrap_or((rest, "another value"));
        let got = got.split('`').nth(1).unwrap_or(got);
        let help = owner.and_then(range_help);
        (format!("`{got}` is out of range: expected {}", expected_type(expected)), help)
    } else if let Some(name) = message.strip_prefix("missing field `").and_then(|m| m.strip_suffix('`')) {
        let help = match (table.as_str(), name) {
            ("", "app") => "add an `[[app]]` table with `name` and `language`".to_string(),
            ("", "project") => "add a `[project]` table with `name`".to_string(),
            (t, k) if !suggest::values_of(t, k).is_empty() => {
                format!("add `{k}`, one of: {}", quote_values(&suggest::values_of(t, k)))
            }
            (_, k) => format!("add `{k}`; `mkmulti schema` lists every key"),
        };
        (format!("missing key `{name}`"), Some(help))
    } else {
        (message.to_string(), None)
    };
    Diagnostic { severity: Severity::Error, message: text, path: path.filter(|p| !p.0.is_empty()), span, help }
}

/// `app.go` for `app[0].go`: a table of the schema, whatever the entry.
fn dotted(segs: &[Seg]) -> String {
    let keys: Vec<&str> = segs
        .iter()
        .filter_map(|s| match s {
            Seg::Key(k) => Some(k.as_str()),
            Seg::Index(_) => None,
        })
        .collect();
    keys.join(".")
}

/// The words between backticks in serde's `expected `a`, `b` or `c``.
fn backticked(list: &str) -> Vec<&str> {
    list.split('`').skip(1).step_by(2).collect()
}

/// `"go"` or `"rust"` as they are written in TOML.
fn quote_values(values: &[&str]) -> String {
    values.iter().map(|v| format!("`\"{v}\"`")).collect::<Vec<_>>().join(", ")
}

fn with_article(kind: &str) -> String {
    let article = if kind.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
    format!("{article} {kind}")
}

/// serde's name of the type found, when the tree has no value at the error's span.
fn serde_type(found: &str) -> String {
    let kind = found.split_whitespace().next().unwrap_or(found);
    let kind = match kind {
        "floating" => "float",
        "sequence" => "array",
        "map" => "table",
        k => k,
    };
    with_article(kind)
}

/// serde's expected type in TOML's words; a Rust struct name means a table.
fn expected_type(expected: &str) -> String {
    let bits = match expected {
        "u8" => 8,
        "u16" => 16,
        "u32" => 32,
        "u64" => 63, // TOML integers are 64-bit signed
        _ => 0,
    };
    if bits > 0 {
        return format!("an integer from 0 to {}", (1u64 << bits) - 1);
    }
    match expected {
        "a sequence" => "an array".to_string(),
        "a map" => "a table".to_string(),
        e if e.starts_with("struct ") => "a table".to_string(),
        e => e.to_string(),
    }
}

/// How to write a value of the expected type, shown with the value the user wrote where that helps.
/// `integers`: the expected array holds integers, so a quoted number in it loses its quotes.
fn type_help(
    path: &Option<KeyPath>,
    expected: &str,
    found: &str,
    written: Option<&str>,
    integers: bool,
) -> Option<String> {
    let scalar = ["a string", "an integer", "a float", "a boolean"].contains(&found);
    let written = written.filter(|_| scalar);
    let unquoted = written.map(|w| w.trim_matches(['"', '\''])).filter(|w| w.parse::<u64>().is_ok());
    let is_app = path.as_ref().is_some_and(|p| p.0 == [Seg::Key("app".into())]);
    Some(match expected {
        "an array" if is_app && found == "a table" => {
            "each app is an array entry: write `[[app]]`, with two brackets".into()
        }
        "an array" if integers => match unquoted {
            Some(n) => format!("write an array of numbers, in brackets: `[{n}]`"),
            None => "write an array of numbers, in brackets: `[80, 443]`".into(),
        },
        "an array" => match written {
            Some(w) => format!("write an array, in brackets: `[{w}]`"),
            None => "write an array, in brackets: `[\"a\", \"b\"]`".into(),
        },
        "a boolean" => "write `true` or `false`, without quotes".into(),
        "a string" => match written {
            Some(w) => format!("put the value in double quotes: `\"{}\"`", w.escape_debug()),
            None => "write a string, in double quotes".into(),
        },
        "a table" => "write a table: a `[header]` with keys below it, or `{ key = \"value\" }`".into(),
        e if e.starts_with("an integer") => match unquoted {
            Some(n) if found == "a string" => format!("remove the quotes: `{n}`"),
            _ => "write a whole number, without quotes".into(),
        },
        _ => return None,
    })
}

/// What a number key accepts, for a number out of its type's range.
fn range_help(key: &str) -> Option<String> {
    Some(
        match key {
            "ports" => "a port is a number from 1 to 65535",
            "uid" => "a user id is a number from 1 to 4294967295; the default is 10001",
            "timeout-minutes" => "a job timeout is 1 to 360 minutes",
            "retries" => "the number of failed checks before the container is unhealthy, from 1 to 100",
            _ => return None,
        }
        .to_string(),
    )
}

#[cfg(test)]
mod tests;
