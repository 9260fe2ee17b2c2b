//! The variables of `mkmulti new`: the template chosen without `--template`, the built-in variables from NAME and
//! the flags, the manifest's own from `--var`, a prompt or their default, each checked against its grammar or
//! pattern before anything is rendered.

use std::fmt::Write as _;
use std::path::Path;

use crate::init::{self, LangChoice, Terminal};

use super::manifest::{self, MANIFEST_FILE, Manifest, TemplateLanguage};
use super::render::Vars;
use super::{
    DEFAULT_GO_TEMPLATE, DEFAULT_MODULE_PREFIX, DEFAULT_PORT, DEFAULT_RUST_TEMPLATE, NewError, NewOptions, list, source,
};

/// The template without `--template`: by `--lang`, else asked on a terminal, else [`DEFAULT_GO_TEMPLATE`].
pub(super) fn default_template(lang: Option<LangChoice>, terminal: Option<&mut Terminal>) -> Result<String, NewError> {
    match (lang, terminal) {
        (Some(LangChoice::Go), _) => Ok(DEFAULT_GO_TEMPLATE.into()),
        (Some(LangChoice::Rust), _) => Ok(DEFAULT_RUST_TEMPLATE.into()),
        (None, None) => Ok(DEFAULT_GO_TEMPLATE.into()),
        (None, Some(terminal)) => {
            let names = source::built_in_names();
            let mut listing = String::from("Templates:\n");
            for t in list() {
                let _ = writeln!(listing, "  {:<16} {}", t.name, t.description);
            }
            let _ = terminal.output.write_all(listing.as_bytes());
            ask(terminal, "Template", DEFAULT_GO_TEMPLATE, |v| {
                if names.contains(&v) || source::is_git_url(v) || Path::new(v).is_dir() {
                    Ok(())
                } else {
                    Err(format!("`{v}` is not a built-in template, a directory or a git URL"))
                }
            })
        }
    }
}

/// Asks one question until the answer passes `check`; an empty line (or the end of input) is the default.
pub(super) fn ask(
    terminal: &mut Terminal,
    question: &str,
    default: &str,
    check: impl Fn(&str) -> Result<(), String>,
) -> Result<String, NewError> {
    let prompt_err = |e| NewError::Init(init::InitError::Prompt(e));
    loop {
        write!(terminal.output, "? {question} [{default}]: ").map_err(prompt_err)?;
        terminal.output.flush().map_err(prompt_err)?;
        let mut line = String::new();
        let ended = terminal.input.read_line(&mut line).map_err(prompt_err)? == 0;
        let line = line.trim();
        let value = if line.is_empty() { default } else { line };
        match check(value) {
            Ok(()) => return Ok(value.to_string()),
            Err(why) if !ended => writeln!(terminal.output, "  {why}").map_err(prompt_err)?,
            Err(why) => return Err(NewError::Variable(format!("{question}: {why}"))),
        }
    }
}

/// Names a Rust template's package cannot have: Rust's keywords (strict and reserved, 2024 edition) and the crates
/// of the standard library, which Cargo refuses or whose builds fail (`{{crate}}` names the library too).
pub(super) const RUST_RESERVED: &[&str] = &[
    "abstract",
    "as",
    "async",
    "await",
    "become",
    "box",
    "break",
    "const",
    "continue",
    "crate",
    "do",
    "dyn",
    "else",
    "enum",
    "extern",
    "false",
    "final",
    "fn",
    "for",
    "gen",
    "if",
    "impl",
    "in",
    "let",
    "loop",
    "macro",
    "match",
    "mod",
    "move",
    "mut",
    "override",
    "priv",
    "pub",
    "ref",
    "return",
    "self",
    "static",
    "struct",
    "super",
    "trait",
    "true",
    "try",
    "type",
    "typeof",
    "unsafe",
    "unsized",
    "use",
    "virtual",
    "where",
    "while",
    "yield",
    "std",
    "core",
    "alloc",
    "proc_macro",
];

/// The variables: the built-in ones from NAME and the flags, then the manifest's from `--var`, a prompt or their
/// default; each value checked against its grammar or pattern.
pub fn variables(
    manifest: &Manifest,
    label: &str,
    opts: &NewOptions,
    mut terminal: Option<&mut Terminal>,
) -> Result<Vars, NewError> {
    let mut vars = Vars::new();
    crate::grammar::name(&opts.name).map_err(|why| NewError::Usage(format!("NAME `{}`: {why}", opts.name)))?;
    if !opts.name.starts_with(|c: char| c.is_ascii_lowercase()) {
        return Err(NewError::Usage(format!(
            "NAME `{}`: must start with a letter (it names the workflow's job, a Cargo package, a Go binary)",
            opts.name
        )));
    }
    let crate_name = opts.name.replace('-', "_");
    if manifest.language == TemplateLanguage::Rust && RUST_RESERVED.contains(&crate_name.as_str()) {
        return Err(NewError::Usage(format!(
            "NAME `{}`: Cargo refuses it as a package name (a Rust keyword or a standard library crate): pick \
             another, e.g. `{}-app`",
            opts.name, opts.name
        )));
    }
    vars.insert("name".into(), opts.name.clone());
    vars.insert("crate".into(), crate_name);
    let module = opts.module.clone().unwrap_or_else(|| format!("{DEFAULT_MODULE_PREFIX}/{}", opts.name));
    crate::grammar::go_module(&module).map_err(|why| NewError::Usage(format!("--module `{module}`: {why}")))?;
    vars.insert("module".into(), module);
    let port = opts.port.unwrap_or(DEFAULT_PORT);
    if port == 0 {
        return Err(NewError::Usage("--port 0 is not a port: a port is 1 to 65535".into()));
    }
    vars.insert("port".into(), port.to_string());
    vars.insert("year".into(), current_year().to_string());
    vars.insert("mkmulti_version".into(), env!("CARGO_PKG_VERSION").into());

    let at = format!("{label}/{MANIFEST_FILE}");
    for (key, _) in &opts.vars {
        if !manifest.variables.contains_key(key) {
            let known: Vec<&str> = manifest.variables.keys().map(String::as_str).collect();
            let hint = crate::suggest::closest(key, known.iter().copied())
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            let declared = if known.is_empty() { "none".to_string() } else { known.join(", ") };
            return Err(NewError::Variable(format!(
                "--var {key}=...: {at} declares no variable `{key}`{hint}; it declares {declared}"
            )));
        }
    }
    for (key, variable) in &manifest.variables {
        let pattern = variable.pattern.as_deref().map(manifest::anchored).transpose().map_err(NewError::Template)?;
        let check = |v: &str| match &pattern {
            Some(re) if re.is_match(v) => crate::grammar::text(v),
            Some(re) => Err(format!("`{v}` does not match the pattern `{}`", re.as_str())),
            None => crate::grammar::template_text(v).map_err(|why| {
                format!("`{v}` does not match the pattern `{}`: {why}", crate::grammar::TEMPLATE_TEXT_PATTERN)
            }),
        };
        let given = opts.vars.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v.clone());
        let value = match (given, &variable.default, terminal.as_deref_mut()) {
            (Some(v), _, _) => v,
            (None, default, Some(t)) => {
                let question = format!("{key}: {}", variable.description);
                ask(t, &question, default.as_deref().unwrap_or(""), check)?
            }
            (None, Some(default), None) => default.clone(),
            (None, None, None) => {
                return Err(NewError::Variable(format!(
                    "variable `{key}` ({}) has no default in {at}: pass `--var {key}=VALUE`",
                    variable.description
                )));
            }
        };
        check(&value).map_err(|why| NewError::Variable(format!("variable `{key}`: {why}")))?;
        vars.insert(key.clone(), value);
    }
    Ok(vars)
}

/// The year now, or of `SOURCE_DATE_EPOCH` when it is set (reproducible output).
pub(super) fn current_year() -> i64 {
    let secs = std::env::var("SOURCE_DATE_EPOCH").ok().and_then(|s| s.parse::<i64>().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
    });
    // Days to a civil date (Howard Hinnant's `civil_from_days`), year only.
    let z = secs.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    yoe + era * 400 + i64::from(month <= 2)
}
