//! `--format json`: the one document `check` and `generate` print for tools instead of the human text.
//!
//! The envelope's keys are a stable interface, described in the README ("Machine-readable output"): add keys,
//! never rename or remove them. The plan inside is [`Plan`]'s own serialisation.

use std::path::Path;

use serde::Serialize;

use super::exit;
use super::output::Stdout;
use crate::diagnostics::Located;
use crate::plan::Plan;

/// What `check --format json` prints, and the first half of what `generate --format json` prints.
#[derive(Serialize)]
pub(super) struct Report<'a> {
    mkmulti_version: &'static str,
    /// `check` or `generate`.
    command: &'static str,
    /// The config's path as given on the command line.
    config: String,
    /// The command succeeded: its exit status is 0.
    ok: bool,
    /// Every problem found, errors first, then warnings and notes; each in file order.
    diagnostics: Vec<Diagnostic<'a>>,
    /// The resolved plan; `null` when the config is invalid.
    plan: Option<&'a Plan>,
}

impl<'a> Report<'a> {
    pub fn new(command: &'static str, config: &Path, code: u8, found: &'a [Located], plan: Option<&'a Plan>) -> Self {
        Self {
            mkmulti_version: env!("CARGO_PKG_VERSION"),
            command,
            config: config.display().to_string(),
            ok: code == exit::OK,
            diagnostics: found.iter().map(Diagnostic::from).collect(),
            plan,
        }
    }
}

/// What `generate --format json` prints. (`flatten` serialises the common keys first, at the top level.)
#[derive(Serialize)]
pub(super) struct GenerateReport<'a> {
    #[serde(flatten)]
    pub report: Report<'a>,
    /// The directory the files are written into, as given or derived from the config's path.
    pub out: String,
    /// Every file the config generates, in the order they are written; `null` when the config is invalid.
    pub files: Option<Vec<File<'a>>>,
}

/// A diagnostic as data: the fields the human rendering shows.
#[derive(Serialize)]
struct Diagnostic<'a> {
    severity: &'static str,
    message: &'a str,
    /// The key path (`app[0].runtime`); `null` for a problem with the whole file.
    key: Option<String>,
    file: &'a str,
    /// 1-based; `null` when the problem has no position (the file is not UTF-8, say).
    line: Option<usize>,
    /// 1-based, in characters; `null` with `line`.
    column: Option<usize>,
    help: Option<&'a str>,
}

impl<'a> From<&'a Located> for Diagnostic<'a> {
    fn from(l: &'a Located) -> Self {
        Self {
            severity: l.severity().as_str(),
            message: &l.diagnostic.message,
            key: l.key(),
            file: &l.file,
            line: l.at.as_ref().map(|at| at.line),
            column: l.at.as_ref().map(|at| at.column),
            help: l.diagnostic.help.as_deref(),
        }
    }
}

/// One generated file and what `generate` did with it, or would do (`--check`, `--dry-run`).
#[derive(Serialize)]
pub(super) struct File<'a> {
    /// Relative to `out`, with `/` separators.
    pub path: &'a str,
    /// `create`, `update`, `unchanged`, `edited` (edited by hand, left alone) or `overwrite` (edited by hand,
    /// replaced with `--force`).
    pub action: &'static str,
    pub executable: bool,
}

/// Prints `doc` as one pretty-printed JSON document and returns `code`.
pub(super) fn print(doc: &impl Serialize, code: u8) -> u8 {
    // The envelope holds strings, numbers, booleans and the plan's own Serialize: nothing that can fail.
    let text = serde_json::to_string_pretty(doc).expect("the report serialises to JSON");
    let mut stdout = Stdout::default();
    stdout.print(&text);
    stdout.print("\n");
    stdout.finish(code)
}
