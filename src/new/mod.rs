//! `mkmulti new NAME`: a new repository from a template, that builds and publishes multi-architecture images on
//! its first push.
//!
//! Everything that can be refused is checked before anything is written: the template is read (`source`) and
//! its manifest parsed (`manifest`), the variables checked against their grammars (`variables`), every file rendered in memory
//! and every path kept inside the new repository (`render`), and the target refused unless it is missing or
//! empty. The files are then written into a staging directory beside the target (`stage`), `init`'s scaffold writes the
//! config for them (unless the template ships its own `multiarch.toml`), `generate`'s passes write every output,
//! and only when all of that worked is the staging directory renamed into place. `git init` and the first commit
//! come last, and never fail the command: without git, a warning says what to run.
//!
//! `add` (in `add.rs`) adds an app to an existing config the same way: detection, the scaffold's `[[app]]`
//! table, the whole config checked before anything is written.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::init::{self, LangChoice, Terminal};

pub mod add;
pub mod manifest;
pub mod render;
pub mod source;
mod stage;
mod variables;

use render::{OutFile, Vars};
use source::Template;
pub(crate) use stage::write_file;
use stage::{fill, git_init, list_files, scaffold_facts};
use variables::default_template;
pub use variables::variables;

/// The template `--lang go` (and, off a terminal, no `--lang`) picks.
pub const DEFAULT_GO_TEMPLATE: &str = "go-http";
/// The template `--lang rust` picks.
pub const DEFAULT_RUST_TEMPLATE: &str = "rust-http";
/// The `port` variable without `--port`.
pub const DEFAULT_PORT: u16 = 8080;
/// The `module` variable without `--module` is this, `/`, the name.
pub const DEFAULT_MODULE_PREFIX: &str = "example.com";
/// The branch `git init` starts.
pub const GIT_BRANCH: &str = "main";

/// The licenses `--license` writes, by SPDX identifier; their texts are embedded from `templates/new/licenses/`.
pub const LICENSES: &[&str] = &["MIT", "Apache-2.0"];

/// What `mkmulti new` was asked to do.
#[derive(Debug, Clone, Default)]
pub struct NewOptions {
    pub name: String,
    /// Where the repository goes; default `./NAME`.
    pub dir: Option<PathBuf>,
    /// A built-in template's name, a directory or a git URL.
    pub template: Option<String>,
    pub lang: Option<LangChoice>,
    pub registry: Option<String>,
    pub platforms: Option<Vec<String>>,
    pub port: Option<u16>,
    pub module: Option<String>,
    /// `--var KEY=VALUE`, in order.
    pub vars: Vec<(String, String)>,
    /// An SPDX identifier from [`LICENSES`].
    pub license: Option<String>,
    pub no_git: bool,
}

/// Why `new` or `add` stopped. Everything but `Generate` and `Io` is found before anything is written.
#[derive(Debug, thiserror::Error)]
pub enum NewError {
    #[error("unknown template `{name}`{}; the built-in templates are {known} (a directory or a git URL works too)",
        suggestion.as_ref().map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default())]
    UnknownTemplate { name: String, suggestion: Option<String>, known: String },
    #[error("{0}")]
    Template(String),
    #[error("{0}")]
    Variable(String),
    #[error("template render error: {0}")]
    Render(String),
    #[error("{path} exists and is not empty (it holds {first}): choose another NAME or --dir")]
    NotEmpty { path: PathBuf, first: String },
    #[error("{0}")]
    Usage(String),
    #[error("{0}")]
    Init(#[from] init::InitError),
    /// The new repository's config is invalid, or its outputs could not be generated: the rendered diagnostics.
    #[error("{0}")]
    Generate(String),
    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: io::Error },
    #[error("cannot write {path}: {source}")]
    Write { path: PathBuf, source: io::Error },
}

impl NewError {
    /// Reading or writing failed (exit 3); everything else is the user's input or template (exit 2).
    pub fn is_io(&self) -> bool {
        matches!(self, NewError::Read { .. } | NewError::Write { .. })
            || matches!(self, NewError::Init(e) if matches!(e, init::InitError::Read { .. } | init::InitError::Write { .. }))
    }
}

/// What `new` did.
#[derive(Debug)]
pub struct NewOutcome {
    pub dir: PathBuf,
    pub template: String,
    /// Every file written, relative to `dir`, sorted.
    pub files: Vec<String>,
    /// The git step: `Ok(true)` committed, `Ok(false)` skipped (`--no-git`), `Err` a warning saying what to run.
    pub git: Result<bool, String>,
    /// Whether the config has a Makefile (next steps name its targets).
    pub makefile: Option<String>,
}

/// One built-in template, for `--list`.
pub struct Listed {
    pub name: &'static str,
    pub language: manifest::TemplateLanguage,
    pub description: String,
}

/// Every built-in template with its description.
pub fn list() -> Vec<Listed> {
    source::built_in_names()
        .into_iter()
        .map(|name| {
            let t = source::built_in(name).expect("built-in templates are valid (tests/new.rs reads each)");
            Listed { name, language: t.manifest.language, description: t.manifest.description }
        })
        .collect()
}

/// Reads the template `--template` names: a built-in name, a directory, or a git URL.
pub fn resolve_template(template: &str) -> Result<Template, NewError> {
    if source::is_git_url(template) {
        return source::git(template);
    }
    let path = Path::new(template);
    if template.contains('/') || template.starts_with('.') || path.is_dir() {
        if !path.exists() {
            return Err(NewError::Template(format!("--template {template}: no such directory")));
        }
        return source::directory(path);
    }
    source::built_in(template)
}

/// The target directory must be missing or empty; names the first entry otherwise.
fn check_target(dir: &Path) -> Result<(), NewError> {
    match fs::symlink_metadata(dir) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(source) => Err(NewError::Read { path: dir.to_path_buf(), source }),
        Ok(meta) if !meta.is_dir() => {
            Err(NewError::NotEmpty { path: dir.to_path_buf(), first: "a file, not a directory".into() })
        }
        Ok(_) => {
            let mut names: Vec<String> = fs::read_dir(dir)
                .map_err(|source| NewError::Read { path: dir.to_path_buf(), source })?
                .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
                .collect();
            names.sort();
            match names.into_iter().next() {
                Some(first) => Err(NewError::NotEmpty { path: dir.to_path_buf(), first }),
                None => Ok(()),
            }
        }
    }
}

/// The license file's text for `spdx`, with the year and the project's name where it has them.
fn license_file(spdx: &str, vars: &Vars) -> Result<OutFile, NewError> {
    let text = render::render_str(source::license_text(spdx), vars, &format!("license {spdx}"))?;
    Ok(OutFile { path: "LICENSE".into(), bytes: text.into_bytes(), executable: false })
}

/// Creates the repository. With a `terminal`, asks for the template and the variables the flags did not give.
pub fn create(opts: &NewOptions, mut terminal: Option<&mut Terminal>) -> Result<NewOutcome, NewError> {
    crate::grammar::name(&opts.name).map_err(|why| NewError::Usage(format!("NAME `{}`: {why}", opts.name)))?;
    if let Some(spdx) = &opts.license {
        if !LICENSES.contains(&spdx.as_str()) {
            return Err(NewError::Usage(format!("--license {spdx}: mkmulti writes {}", LICENSES.join(" or "))));
        }
    }
    let dir = opts.dir.clone().unwrap_or_else(|| PathBuf::from(&opts.name));
    check_target(&dir)?;
    let template_name = match &opts.template {
        Some(t) => t.clone(),
        None => default_template(opts.lang, terminal.as_deref_mut())?,
    };
    let template = resolve_template(&template_name)?;
    let vars = variables(&template.manifest, &template.label, opts, terminal)?;
    let mut files = render::render_files(&template, &vars)?;
    if let Some(spdx) = &opts.license {
        if files.iter().any(|f| f.path == "LICENSE") {
            return Err(NewError::Template(format!(
                "{}: the template ships a LICENSE, and --license {spdx} would replace it",
                template.label
            )));
        }
        files.push(license_file(spdx, &vars)?);
        files.sort_by(|a, b| a.path.cmp(&b.path));
    }
    let scaffold = scaffold_facts(&template.manifest, &vars)?;

    let parent = dir.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    fs::create_dir_all(parent).map_err(|source| NewError::Write { path: parent.to_path_buf(), source })?;
    let staging = tempfile::Builder::new()
        .prefix(&format!(".{}.mkmulti-new-", opts.name))
        .tempdir_in(parent)
        .map_err(|source| NewError::Write { path: parent.to_path_buf(), source })?;
    let language: crate::config::Language = template.manifest.language.into();
    let makefile = fill(staging.path(), &files, opts, language, &scaffold)?;

    // Into place: an empty directory that is there is replaced.
    if dir.is_dir() {
        fs::remove_dir(&dir).map_err(|source| NewError::Write { path: dir.clone(), source })?;
    }
    let staged = staging.keep();
    fs::rename(&staged, &dir).map_err(|source| NewError::Write { path: dir.clone(), source })?;
    let written = list_files(&dir)?;
    let git = if opts.no_git { Ok(false) } else { git_init(&dir, &template_name) };
    Ok(NewOutcome { dir, template: template_name, files: written, git, makefile })
}
