//! What the rules report: diagnostics as values, every problem kept so all are reported at once.

use crate::diagnostics::{Diagnostic, KeyPath};
use crate::grammar::{self, Check};

/// The most entries a list in the config may hold, and the most apps: far above real use, low enough to keep
/// output sane.
pub const MAX_LIST: usize = 256;
pub const MAX_APPS: usize = 64;

/// The diagnostics found so far, in the order the rules found them.
#[derive(Debug, Default)]
pub struct Findings {
    list: Vec<Diagnostic>,
}

impl Findings {
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.list.push(diagnostic);
    }

    pub fn error(&mut self, path: KeyPath, message: impl Into<String>) {
        self.push(Diagnostic::error(path, message));
    }

    pub fn error_help(&mut self, path: KeyPath, message: impl Into<String>, help: impl Into<String>) {
        self.push(Diagnostic::error(path, message).with_help(help));
    }

    /// Runs a grammar check; on failure reports that the `what` is invalid, with the grammar's wording as help.
    /// Every value first passes [`grammar::text`] (no control or invisible characters).
    pub fn check(&mut self, path: &KeyPath, value: &str, what: &str, check: fn(&str) -> Check) -> bool {
        if let Err(why) = grammar::text(value) {
            self.error_help(path.clone(), format!("invalid {what} {}", shown(&format!("{value:?}"))), why);
            return false;
        }
        match check(value) {
            Ok(()) => true,
            Err(why) => {
                self.error_help(path.clone(), format!("invalid {what} {}", shown(&quoted(value))), why);
                false
            }
        }
    }

    /// [`Findings::check`] on every entry of a list of at most [`MAX_LIST`] entries.
    pub fn check_list(&mut self, path: &KeyPath, values: &[String], what: &str, check: fn(&str) -> Check) {
        if values.len() > MAX_LIST {
            self.error(path.clone(), format!("too many entries ({}, at most {MAX_LIST})", values.len()));
            return;
        }
        for (i, value) in values.iter().enumerate() {
            self.check(&path.index(i), value, what, check);
        }
    }

    pub fn has_errors(&self) -> bool {
        self.list.iter().any(Diagnostic::is_error)
    }

    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.list
    }

    #[cfg(test)]
    pub fn messages(&self) -> Vec<String> {
        self.list.iter().map(|d| d.message.clone()).collect()
    }
}

/// Any value: no grammar beyond [`grammar::text`].
pub fn any(_: &str) -> Check {
    Ok(())
}

/// The longest value a message shows in full, in characters.
const SHOWN_CHARS: usize = 80;

/// A quoted value as a message shows it: in full up to [`SHOWN_CHARS`], else its start and its length, so a huge
/// value cannot flood the terminal.
pub fn shown(quoted: &str) -> String {
    let count = quoted.chars().count();
    if count <= SHOWN_CHARS {
        return quoted.to_string();
    }
    let start: String = quoted.chars().take(SHOWN_CHARS - 20).collect();
    format!("{start}... ({count} characters)")
}

/// A value in a message: in backticks, or in double quotes (Rust's escaping) when it holds a backtick itself,
/// so the value's end is never ambiguous.
pub fn quoted(v: &str) -> String {
    if v.contains('`') { format!("{v:?}") } else { format!("`{v}`") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_with_a_backtick_is_quoted_with_escapes() {
        assert_eq!(quoted("a"), "`a`");
        assert_eq!(quoted("a`b"), "\"a`b\"");
    }

    #[test]
    fn control_characters_fail_before_the_grammar() {
        let mut f = Findings::default();
        assert!(!f.check(&KeyPath::root().key("k"), "a\u{7}", "name", any));
        assert!(f.has_errors());
        assert!(f.messages()[0].starts_with("invalid name \"a\\u{7}\""));
    }

    #[test]
    fn huge_values_are_refused_and_shown_cut_short() {
        let mut f = Findings::default();
        let huge = "x".repeat(grammar::MAX_TEXT_BYTES + 1);
        assert!(!f.check(&KeyPath::root().key("k"), &huge, "value", any));
        let message = &f.messages()[0];
        assert!(message.len() < 120 && message.ends_with(&format!("({} characters)", huge.len() + 2)), "{message}");
        let mut f = Findings::default();
        assert!(f.check(&KeyPath::root().key("k"), &"x".repeat(grammar::MAX_TEXT_BYTES), "value", any));
    }

    #[test]
    fn overlong_lists_are_one_error() {
        let mut f = Findings::default();
        let list = vec!["x".to_string(); MAX_LIST + 1];
        f.check_list(&KeyPath::root().key("k"), &list, "word", any);
        assert_eq!(f.messages(), [format!("too many entries ({}, at most {MAX_LIST})", MAX_LIST + 1)]);
    }
}
