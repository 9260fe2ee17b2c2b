//! User-facing problems: what went wrong, where (key path and `file:line:column`), and how to fix it.
//!
//! Every pass reports problems as [`Diagnostic`] values and keeps going, so a user sees all of them at once.
//! Positions come from the spans toml keeps while parsing: a diagnostic names a key path and [`Source`] finds
//! its span in the parsed document.

use std::fmt::{self, Write as _};
use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// One step of a key path: a table key or an array index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// Where a value lives in the config: `app[1].platforms[0]`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyPath(pub Vec<Seg>);

impl KeyPath {
    pub fn root() -> Self {
        Self(Vec::new())
    }
    pub fn key(&self, k: &str) -> Self {
        let mut v = self.0.clone();
        v.push(Seg::Key(k.to_string()));
        Self(v)
    }
    pub fn index(&self, i: usize) -> Self {
        let mut v = self.0.clone();
        v.push(Seg::Index(i));
        Self(v)
    }
    /// `app[0].go.tags` starts with `app[0]` and `app[0].go`, not with `app[1]`.
    pub fn starts_with(&self, prefix: &KeyPath) -> bool {
        self.0.starts_with(&prefix.0)
    }
}

/// Keys are written as TOML writes them: bare when they can be, else quoted with escapes, so a key holding a
/// space, a dot or a control character reads unambiguously and cannot change the terminal's output.
impl fmt::Display for KeyPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, seg) in self.0.iter().enumerate() {
            match seg {
                Seg::Key(k) => {
                    if i > 0 {
                        f.write_str(".")?;
                    }
                    let bare = !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
                    if bare { f.write_str(k)? } else { write!(f, "\"{}\"", k.escape_debug())? }
                }
                Seg::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
    Note,
}

impl Severity {
    /// The word that heads a rendered diagnostic, and its `severity` in JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A problem found in the config.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub message: String,
    pub path: Option<KeyPath>,
    /// A byte span, when the problem was found by the parser rather than by key.
    pub span: Option<Range<usize>>,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(path: KeyPath, message: impl Into<String>) -> Self {
        Self { severity: Severity::Error, message: message.into(), path: Some(path), span: None, help: None }
    }
    pub fn warning(path: KeyPath, message: impl Into<String>) -> Self {
        Self { severity: Severity::Warning, ..Self::error(path, message) }
    }
    pub fn note(path: KeyPath, message: impl Into<String>) -> Self {
        Self { severity: Severity::Note, ..Self::error(path, message) }
    }
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// The text of a config file, with its parsed tree for locating key paths.
pub struct Source<'a> {
    pub name: String,
    pub text: &'a str,
    pub tree: Option<Spanned<DeTable<'a>>>,
}

impl<'a> Source<'a> {
    pub fn new(name: impl Into<String>, text: &'a str) -> Self {
        let tree = DeTable::parse(text).ok();
        Self { name: name.into(), text, tree }
    }

    /// The span of the value at `path`; for a path that does not exist, the nearest existing parent's.
    pub fn span_of(&self, path: &KeyPath) -> Option<Range<usize>> {
        let tree = self.tree.as_ref()?;
        let mut span = None;
        let mut table: Option<&DeTable<'_>> = Some(tree.get_ref());
        let mut value: Option<&DeValue<'_>> = None;
        for seg in &path.0 {
            let Some(next) = child(table, value, seg) else { break };
            span = Some(next.span());
            value = Some(next.get_ref());
            table = match next.get_ref() {
                DeValue::Table(t) => Some(t),
                _ => None,
            };
        }
        span
    }

    /// The value at `path`, if the path exists.
    pub fn value_at(&self, path: &KeyPath) -> Option<&DeValue<'a>> {
        let tree = self.tree.as_ref()?;
        let mut table: Option<&DeTable<'a>> = Some(tree.get_ref());
        let mut value: Option<&DeValue<'a>> = None;
        for seg in &path.0 {
            let next = child(table, value, seg)?;
            value = Some(next.get_ref());
            table = match next.get_ref() {
                DeValue::Table(t) => Some(t),
                _ => None,
            };
        }
        value
    }

    /// The innermost key path whose key or value contains `span`, for errors the parser reports by position.
    pub fn path_at(&self, span: &Range<usize>) -> Option<KeyPath> {
        path_in(self.tree.as_ref()?.get_ref(), span)
    }

    /// Where a diagnostic points, as a byte offset, for ordering diagnostics as they appear in the file.
    pub fn position(&self, d: &Diagnostic) -> Option<usize> {
        d.span.clone().or_else(|| d.path.as_ref().and_then(|p| self.span_of(p))).map(|s| s.start)
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let before = &self.text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let col = self.text[line_start..offset].chars().count() + 1;
        (line, col)
    }

    /// Resolves where a diagnostic points: line, column and the excerpt the human rendering shows.
    pub fn locate(&self, d: &Diagnostic) -> Located {
        let span = d.span.clone().or_else(|| d.path.as_ref().and_then(|p| self.span_of(p)));
        let at = span.map(|span| {
            let (line, column) = self.line_col(span.start);
            let line_text = self.text.lines().nth(line - 1).unwrap_or("");
            let excerpt: String = line_text.chars().map(shown_char).collect();
            let width = self.text[span.clone()].lines().next().map_or(1, |s| s.chars().count()).max(1);
            let width = width.min(excerpt.chars().count().saturating_sub(column - 1).max(1));
            At { line, column, excerpt, width }
        });
        Located { diagnostic: d.clone(), file: self.name.clone(), at, folded: None }
    }

    /// Renders a diagnostic the way rustc does: see [`Located::render`].
    pub fn render(&self, d: &Diagnostic) -> String {
        self.locate(d).render()
    }
}

/// A diagnostic with its place in the file resolved, so it can be shown without the file's text: rendered for
/// people ([`Located::render`]) or handed to tools as data (`mkmulti check --format json`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    pub diagnostic: Diagnostic,
    /// The file as it was named to mkmulti (the path given on the command line).
    pub file: String,
    /// Where in the file; `None` for a problem with the file as a whole (not UTF-8, too large).
    pub at: Option<At>,
    /// For the note that stands for problems left out of a long list: their severity and how many.
    pub folded: Option<(Severity, usize)>,
}

/// A position in a config file, with the line as the excerpt shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct At {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// The line's text, control and invisible characters replaced (see `shown_char`).
    pub excerpt: String,
    /// How many characters the caret underlines.
    pub width: usize,
}

/// The most characters of a line an excerpt shows: a long line is cut around the caret.
const EXCERPT_CHARS: usize = 120;

impl At {
    /// The excerpt as shown, with the caret's column and width in it: the whole line, or for a long one
    /// [`EXCERPT_CHARS`] around the caret with `...` where it was cut.
    pub fn window(&self) -> (String, usize, usize) {
        let chars: Vec<char> = self.excerpt.chars().collect();
        if chars.len() <= EXCERPT_CHARS {
            return (self.excerpt.clone(), self.column, self.width);
        }
        let start = (self.column - 1).saturating_sub(20).min(chars.len());
        let end = (start + EXCERPT_CHARS).min(chars.len());
        let mut text = String::new();
        let mut column = self.column - start;
        if start > 0 {
            text.push_str("...");
            column += 3;
        }
        text.extend(&chars[start..end]);
        if end < chars.len() {
            text.push_str("...");
        }
        let width = self.width.min(end.saturating_sub(self.column - 1)).max(1);
        (text, column, width)
    }
}

impl Located {
    pub fn severity(&self) -> Severity {
        self.diagnostic.severity
    }

    /// How many errors this stands for: one for an error, the count left out for a note that folds errors.
    pub fn errors(&self) -> usize {
        match self.folded {
            Some((Severity::Error, n)) => n,
            _ => usize::from(self.severity() == Severity::Error),
        }
    }

    /// The key path the diagnostic is about, as the human rendering prints it; `None` for the whole file.
    pub fn key(&self) -> Option<String> {
        self.diagnostic.path.as_ref().filter(|p| !p.0.is_empty()).map(KeyPath::to_string)
    }

    /// Renders the diagnostic the way rustc does: a headline, the location, the line with a caret, key and help.
    pub fn render(&self) -> String {
        let d = &self.diagnostic;
        let mut out = String::new();
        let _ = writeln!(out, "{}: {}", d.severity, d.message);
        match &self.at {
            Some(at) => {
                let line = at.line;
                let gutter = " ".repeat(line.to_string().len());
                let _ = writeln!(out, "{gutter}--> {}:{line}:{}", self.file, at.column);
                let _ = writeln!(out, "{gutter} |");
                let (excerpt, column, width) = at.window();
                let _ = writeln!(out, "{line} | {excerpt}");
                let _ = writeln!(out, "{gutter} | {}{}", " ".repeat(column - 1), "^".repeat(width));
                if let Some(path) = &d.path {
                    let _ = writeln!(out, "{gutter} = key: {path}");
                }
                if let Some(help) = &d.help {
                    let _ = writeln!(out, "{gutter} = help: {help}");
                }
            }
            None => {
                let _ = writeln!(out, "  --> {}", self.file);
                if let Some(key) = self.key() {
                    let _ = writeln!(out, "   = key: {key}");
                }
                if let Some(help) = &d.help {
                    let _ = writeln!(out, "   = help: {help}");
                }
            }
        }
        out
    }
}

/// How a character of the file is shown in an excerpt: control characters as spaces, and the invisible ones
/// that reorder or hide text (bidi controls, zero-width characters) as U+FFFD, so the excerpt shows what the
/// file holds and keeps one column per character for the caret.
fn shown_char(c: char) -> char {
    match c {
        c if c.is_control() => ' ',
        c if crate::grammar::is_invisible(c) => '\u{FFFD}',
        c => c,
    }
}

/// The entry `seg` names below a table or an array.
fn child<'t, 'a>(
    table: Option<&'t DeTable<'a>>,
    value: Option<&'t DeValue<'a>>,
    seg: &Seg,
) -> Option<&'t Spanned<DeValue<'a>>> {
    match (seg, table, value) {
        (Seg::Key(k), Some(t), _) => t.iter().find(|(key, _)| key.get_ref().as_ref() == k.as_str()).map(|(_, v)| v),
        (Seg::Index(i), _, Some(DeValue::Array(items))) => items.get(*i),
        _ => None,
    }
}

/// The innermost key path in `tree` whose key or value contains `span`.
///
/// Spans do not nest the way keys do (a `[[app]]` entry's span is its header line, not its keys), so every
/// entry is a candidate and the smallest span wins; on a tie, the deeper path.
pub fn path_in(tree: &DeTable<'_>, span: &Range<usize>) -> Option<KeyPath> {
    fn table(t: &DeTable<'_>, path: &KeyPath, span: &Range<usize>, best: &mut Option<(KeyPath, usize)>) {
        for (k, v) in t.iter() {
            let p = path.key(k.get_ref());
            consider(&p, k.span(), span, best);
            entry(v, &p, span, best);
        }
    }
    fn entry(v: &Spanned<DeValue<'_>>, path: &KeyPath, span: &Range<usize>, best: &mut Option<(KeyPath, usize)>) {
        consider(path, v.span(), span, best);
        match v.get_ref() {
            DeValue::Table(t) => table(t, path, span, best),
            DeValue::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    entry(item, &path.index(i), span, best);
                }
            }
            _ => {}
        }
    }
    fn consider(path: &KeyPath, s: Range<usize>, span: &Range<usize>, best: &mut Option<(KeyPath, usize)>) {
        if s.start <= span.start && span.end <= s.end {
            let width = s.end - s.start;
            let better = match best {
                None => true,
                Some((p, w)) => width < *w || (width == *w && path.0.len() > p.0.len()),
            };
            if better {
                *best = Some((path.clone(), width));
            }
        }
    }
    let mut best = None;
    table(tree, &KeyPath::root(), span, &mut best);
    best.map(|(p, _)| p)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "[project]\nname = \"demo\"\nplatforms = [\"linux/amd64\", \"linux/amd46\"]\n\n[[app]]\nname = \"a\"\n\n[[app]]\nname = \"b\"\n";

    #[test]
    fn key_paths_display_like_toml_access() {
        let p = KeyPath::root().key("app").index(1).key("platforms").index(0);
        assert_eq!(p.to_string(), "app[1].platforms[0]");
        let odd = KeyPath::root().key("env").key("A B").key("x.y").key("\u{202E}").key("");
        assert_eq!(odd.to_string(), r#"env."A B"."x.y"."\u{202e}"."""#);
    }

    #[test]
    fn excerpts_show_invisible_characters() {
        let text = "a = \"x\u{202E}y\u{200B}z\"\n";
        let src = Source::new("m.toml", text);
        let d = Diagnostic::error(KeyPath::root().key("a"), "bad");
        let rendered = src.render(&d);
        assert!(rendered.contains("1 | a = \"x\u{FFFD}y\u{FFFD}z\"\n"), "{rendered}");
        assert!(!rendered.contains('\u{202E}'));
    }

    #[test]
    fn spans_are_found_by_path_and_paths_by_span() {
        let src = Source::new("multiarch.toml", DOC);
        let path = KeyPath::root().key("project").key("platforms").index(1);
        let span = src.span_of(&path).unwrap();
        assert_eq!(&DOC[span.clone()], "\"linux/amd46\"");
        assert_eq!(src.line_col(span.start), (3, 29));
        assert_eq!(src.path_at(&span), Some(path));
        let b = src.span_of(&KeyPath::root().key("app").index(1).key("name")).unwrap();
        assert_eq!(&DOC[b], "\"b\"");
    }

    #[test]
    fn locate_resolves_what_the_rendering_shows() {
        let src = Source::new("multiarch.toml", DOC);
        let d = Diagnostic::error(KeyPath::root().key("project").key("platforms").index(1), "bad");
        let located = src.locate(&d);
        assert_eq!(located.file, "multiarch.toml");
        assert_eq!(located.at.as_ref().map(|a| (a.line, a.column, a.width)), Some((3, 29, 13)));
        assert_eq!(located.key().as_deref(), Some("project.platforms[1]"));
        let whole_file = Diagnostic { path: None, ..d };
        let located = Source::new("m.toml", "").locate(&whole_file);
        assert!(located.at.is_none() && located.key().is_none());
        assert_eq!(located.render(), "error: bad\n  --> m.toml\n");
    }

    #[test]
    fn render_points_at_the_value() {
        let src = Source::new("multiarch.toml", DOC);
        let d =
            Diagnostic::error(KeyPath::root().key("project").key("platforms").index(1), "unknown architecture `amd46`")
                .with_help("did you mean `linux/amd64`?");
        let text = src.render(&d);
        assert_eq!(
            text,
            "error: unknown architecture `amd46`\n --> multiarch.toml:3:29\n  |\n3 | platforms = [\"linux/amd64\", \"linux/amd46\"]\n  |                             ^^^^^^^^^^^^^\n  = key: project.platforms[1]\n  = help: did you mean `linux/amd64`?\n"
        );
    }

    #[test]
    fn long_lines_are_cut_around_the_caret() {
        let at = At { line: 1, column: 501, excerpt: "a".repeat(500) + "XYZ" + &"b".repeat(500), width: 3 };
        let (text, column, width) = at.window();
        assert!(text.starts_with("...") && text.ends_with("..."), "{text}");
        assert!(text.chars().count() <= EXCERPT_CHARS + 6);
        assert_eq!(text.chars().skip(column - 1).take(width).collect::<String>(), "XYZ");
        let short = At { line: 1, column: 2, excerpt: "abc".into(), width: 1 };
        assert_eq!(short.window(), ("abc".to_string(), 2, 1));
    }
}
