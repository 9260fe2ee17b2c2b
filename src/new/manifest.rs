//! A template's manifest, `mkmulti-template.toml`: its one-line description, its language, the variables it
//! declares and which of its files are rendered or copied. Unknown keys are errors (a typo would otherwise drop
//! a variable or a glob), reported with the file, line and column as config errors are.

use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};
use indexmap::IndexMap;
use serde::Deserialize;

use crate::config::Language;
use crate::grammar;

/// The manifest's file name; never copied into the new repository.
pub const MANIFEST_FILE: &str = "mkmulti-template.toml";

/// Variables every template has, never declared by a manifest.
pub const BUILT_IN_VARIABLES: &[&str] = &["name", "crate", "module", "port", "year", "mkmulti_version"];

/// `mkmulti-template.toml` as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// One line, for `mkmulti new --list`.
    pub description: String,
    /// The language `init` will detect in the rendered repository; `--lang` picks the default template by it.
    pub language: TemplateLanguage,
    /// The template's own variables, in the order they are asked.
    #[serde(default)]
    pub variables: IndexMap<String, Variable>,
    #[serde(default)]
    pub files: Files,
    /// What `init`'s detection cannot read from the sources, for the scaffold.
    #[serde(default)]
    pub scaffold: Scaffold,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TemplateLanguage {
    Go,
    Rust,
}

impl From<TemplateLanguage> for Language {
    fn from(l: TemplateLanguage) -> Self {
        match l {
            TemplateLanguage::Go => Language::Go,
            TemplateLanguage::Rust => Language::Rust,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Variable {
    /// Shown by the prompt and in errors.
    pub description: String,
    /// Taken off a terminal, and offered on one; without it the variable must be given.
    pub default: Option<String>,
    /// A regex the value must match; default: the `text` grammar (`grammar::TEMPLATE_TEXT_PATTERN`).
    pub pattern: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Files {
    /// Globs of the files rendered with minijinja.
    #[serde(default)]
    pub render: Vec<String>,
    /// Globs of the files copied verbatim; without it, every file not rendered.
    pub copy: Option<Vec<String>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scaffold {
    /// App name -> port, both rendered like a file (`"{{name}}" = "{{port}}"`): the ports the config's apps get.
    #[serde(default)]
    pub ports: IndexMap<String, String>,
    /// App names (rendered) whose binary answers `BIN healthcheck`: their images get a health check running it.
    #[serde(default)]
    pub healthcheck: Vec<String>,
}

/// Parses and checks a manifest; `display` names it in errors.
pub fn parse(text: &str, display: &str) -> Result<Manifest, String> {
    let manifest: Manifest = toml::from_str(text).map_err(|e| located(text, display, &e))?;
    if manifest.description.contains('\n') || manifest.description.trim().is_empty() {
        return Err(format!("{display}: `description` is one non-empty line"));
    }
    for (name, variable) in &manifest.variables {
        if BUILT_IN_VARIABLES.contains(&name.as_str()) {
            return Err(format!(
                "{display}: variable `{name}` is built in (name, crate, module, port, year, mkmulti_version are always \
                 defined): remove `[variables.{name}]`"
            ));
        }
        grammar::template_variable(name).map_err(|why| format!("{display}: variable `{name}`: {why}"))?;
        if let Some(pattern) = &variable.pattern {
            anchored(pattern).map_err(|why| format!("{display}: `variables.{name}.pattern`: {why}"))?;
        }
    }
    for glob in manifest.files.render.iter().chain(manifest.files.copy.iter().flatten()) {
        glob_of(glob).map_err(|e| format!("{display}: `files`: glob `{glob}`: {e}"))?;
    }
    Ok(manifest)
}

/// The manifest error as config errors read: `FILE:LINE:COL: message`, then toml's excerpt with a caret.
fn located(text: &str, display: &str, e: &toml::de::Error) -> String {
    let Some(span) = e.span() else { return format!("{display}: {}", e.message()) };
    let before = &text[..span.start.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    let message = e.message();
    let help = if message.contains("unknown field") {
        "\nhelp: a manifest has `description`, `language`, `[variables.NAME]`, `[files]` and `[scaffold]`"
    } else {
        ""
    };
    let source_line = text.lines().nth(line - 1).unwrap_or_default();
    format!("{display}:{line}:{column}: {message}\n  | {source_line}\n  | {}^{help}", " ".repeat(column - 1))
}

/// A variable's pattern: a valid regex anchored at both ends (an unanchored pattern lets any text through).
pub fn anchored(pattern: &str) -> Result<regex::Regex, String> {
    if !pattern.starts_with('^') || !pattern.ends_with('$') {
        return Err(format!("pattern `{pattern}` must start with `^` and end with `$`"));
    }
    regex::Regex::new(pattern).map_err(|e| format!("pattern `{pattern}` is not a regex: {e}"))
}

/// A glob whose `*` stays inside one path element (`**` crosses them), as in `.gitignore`.
fn glob_of(glob: &str) -> Result<Glob, globset::Error> {
    GlobBuilder::new(glob).literal_separator(true).build()
}

/// A set of globs, and which of them matched nothing (a typo in the manifest).
pub struct Globs {
    set: GlobSet,
    globs: Vec<String>,
}

impl Globs {
    pub fn new(globs: &[String]) -> Self {
        let mut builder = GlobSetBuilder::new();
        for glob in globs {
            // Checked by `parse`.
            builder.add(glob_of(glob).expect("manifest globs are checked when it is parsed"));
        }
        Globs { set: builder.build().expect("checked globs build a set"), globs: globs.to_vec() }
    }

    pub fn matches(&self, path: &str) -> bool {
        self.set.is_match(path)
    }

    /// The first glob no path matches.
    pub fn unused<'a>(&self, paths: impl IntoIterator<Item = &'a str> + Clone) -> Option<&str> {
        self.globs
            .iter()
            .enumerate()
            .find(|(i, _)| !paths.clone().into_iter().any(|p| self.set.matches(p).contains(i)))
            .map(|(_, g)| g.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_key_is_located_and_helped() {
        let err =
            parse("description = \"d\"\nlanguage = \"go\"\n[files]\nrender = []\ncopi = []\n", "t.toml").unwrap_err();
        assert!(err.starts_with("t.toml:5:1: unknown field `copi`"), "{err}");
        assert!(err.contains("help: a manifest has"), "{err}");
        let err = parse("description = \"d\"\nlanguage = \"cobol\"\n", "t.toml").unwrap_err();
        assert!(err.starts_with("t.toml:2:12: unknown variant `cobol`"), "{err}");
    }

    #[test]
    fn variables_are_checked() {
        let head = "description = \"d\"\nlanguage = \"go\"\n";
        let err = parse(&format!("{head}[variables.name]\ndescription = \"x\"\n"), "t").unwrap_err();
        assert!(err.contains("`name` is built in"), "{err}");
        let err = parse(&format!("{head}[variables.Bad]\ndescription = \"x\"\n"), "t").unwrap_err();
        assert!(err.contains("variable `Bad`"), "{err}");
        let err = parse(&format!("{head}[variables.x]\ndescription = \"x\"\npattern = \"[a-z]+\"\n"), "t").unwrap_err();
        assert!(err.contains("must start with `^`"), "{err}");
        let ok = parse(&format!("{head}[variables.x]\ndescription = \"x\"\npattern = \"^[a-z]+$\"\n"), "t").unwrap();
        assert_eq!(ok.variables["x"].pattern.as_deref(), Some("^[a-z]+$"));
    }

    #[test]
    fn globs_report_the_one_that_matches_nothing() {
        assert!(!Globs::new(&["*.go".to_string()]).matches("cmd/x/main.go"));
        let globs = Globs::new(&["*.go".to_string(), "cmd/**/*.go".to_string(), "docs/*".to_string()]);
        let paths = ["main.go", "cmd/x/main.go"];
        assert!(globs.matches("cmd/x/y/z.go"));
        assert_eq!(globs.unused(paths.iter().copied()), Some("docs/*"));
    }
}
