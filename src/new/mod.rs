//! `mkmulti new NAME`: a new repository from a template, that builds and publishes multi-architecture images on
//! its first push.
//!
//! Everything that can be refused is checked before anything is written: the template is read (`source`) and
//! its manifest parsed (`manifest`), the variables checked against their grammars, every file rendered in memory
//! and every path kept inside the new repository (`render`), and the target refused unless it is missing or
//! empty. The files are then written into a staging directory beside the target, `init`'s scaffold writes the
//! config for them (unless the template ships its own `multiarch.toml`), `generate`'s passes write every output,
//! and only when all of that worked is the staging directory renamed into place. `git init` and the first commit
//! come last, and never fail the command: without git, a warning says what to run.
//!
//! `add` (in `add.rs`) adds an app to an existing config the same way: detection, the scaffold's `[[app]]`
//! table, the whole config checked before anything is written.

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::init::{self, LangChoice, Terminal};

pub mod add;
pub mod manifest;
pub mod render;
pub mod source;

use manifest::{MANIFEST_FILE, Manifest, TemplateLanguage};
use render::{OutFile, Vars};
use source::Template;

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

/// The template without `--template`: by `--lang`, else asked on a terminal, else [`DEFAULT_GO_TEMPLATE`].
fn default_template(lang: Option<LangChoice>, terminal: Option<&mut Terminal>) -> Result<String, NewError> {
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
fn ask(
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
const RUST_RESERVED: &[&str] = &[
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
fn current_year() -> i64 {
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

/// What the manifest's `[scaffold]` says, rendered with the variables: ports per app, and the apps with a
/// `healthcheck` command.
struct ScaffoldFacts {
    ports: Vec<init::PortArg>,
    healthcheck: Vec<String>,
}

fn scaffold_facts(manifest: &Manifest, vars: &Vars) -> Result<ScaffoldFacts, NewError> {
    let mut ports = Vec::new();
    for (app, port) in &manifest.scaffold.ports {
        let app = render::render_str(app, vars, "scaffold.ports")?;
        let port = render::render_str(port, vars, "scaffold.ports")?;
        let port =
            init::ports::parse_port(&port).map_err(|why| NewError::Template(format!("scaffold.ports: {why}")))?;
        ports.push(init::PortArg { app: Some(app), port: Some(port) });
    }
    let healthcheck = manifest
        .scaffold
        .healthcheck
        .iter()
        .map(|a| render::render_str(a, vars, "scaffold.healthcheck"))
        .collect::<Result<_, _>>()?;
    Ok(ScaffoldFacts { ports, healthcheck })
}

/// Writes the files into `dir` (the staging directory), the config (unless the template ships one), the editor's
/// schema, then every output `generate` writes. Returns the Makefile's path when the config writes one.
fn fill(
    dir: &Path,
    files: &[OutFile],
    opts: &NewOptions,
    language: crate::config::Language,
    scaffold: &ScaffoldFacts,
) -> Result<Option<String>, NewError> {
    for file in files {
        write_file(dir, file)?;
    }
    let config = dir.join(init::CONFIG_FILE);
    if !files.iter().any(|f| f.path == init::CONFIG_FILE) {
        let lang = Some(match language {
            crate::config::Language::Go => LangChoice::Go,
            crate::config::Language::Rust => LangChoice::Rust,
        });
        let mut ports = scaffold.ports.clone();
        if ports.is_empty() {
            if let Some(port) = opts.port {
                ports.push(init::PortArg { app: None, port: Some(port) });
            }
        }
        let init_opts = init::InitOptions {
            dir: dir.to_path_buf(),
            lang,
            force: false,
            registry: opts.registry.clone(),
            ports,
            platforms: opts.platforms.clone(),
            no_lockfile: false,
            // The directory is a repository of its own, with --no-git too: its workflow and registry never come
            // from a repository around it (`mkmulti add` is for a service inside one).
            new_repository: true,
        };
        let (mut project, lockfile) = init::prepare(&init_opts)?;
        project.name = opts.name.clone();
        // A Go module's root package is named after the module's last element; the new repository's app is NAME.
        for app in &mut project.apps {
            if project.language == crate::config::Language::Go && app.main.as_deref() == Some(".") {
                app.name = opts.name.clone();
                app.bin = opts.name.clone();
            }
            app.healthcheck = scaffold.healthcheck.contains(&app.name);
        }
        if let Some(missing) = scaffold.healthcheck.iter().find(|h| !project.apps.iter().any(|a| &a.name == *h)) {
            return Err(NewError::Template(format!(
                "scaffold.healthcheck: no app `{missing}` was detected in the rendered files"
            )));
        }
        fs::write(&config, init::render(&project))
            .map_err(|source| NewError::Write { path: config.clone(), source })?;
        let outcome = init::lockfile::run(dir, lockfile);
        if let (true, Some(line)) = (outcome.is_failure(), outcome.message()) {
            return Err(NewError::Generate(line.to_string()));
        }
        init::write_editor_schema(dir)?;
    }
    generate(dir)
}

fn write_file(dir: &Path, file: &OutFile) -> Result<(), NewError> {
    let path = dir.join(&file.path);
    let parent = path.parent().expect("a file has a parent");
    fs::create_dir_all(parent).map_err(|source| NewError::Write { path: parent.to_path_buf(), source })?;
    fs::write(&path, &file.bytes).map_err(|source| NewError::Write { path: path.clone(), source })?;
    #[cfg(unix)]
    if file.executable {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&path, fs::Permissions::from_mode(0o755))
            .map_err(|source| NewError::Write { path: path.clone(), source })?;
    }
    Ok(())
}

/// `generate`'s passes on the config in `dir`, writing every output; a file that is the project's own is never
/// overwritten. Returns the Makefile's path when the config writes one.
pub(crate) fn generate(dir: &Path) -> Result<Option<String>, NewError> {
    let config = dir.join(init::CONFIG_FILE);
    let loaded = match crate::load_project(&config, init::CONFIG_FILE, dir) {
        Ok(l) => l,
        Err(crate::LoadError::Io(m)) => return Err(NewError::Generate(m)),
        Err(crate::LoadError::Invalid(found)) => {
            let text: String = found.iter().map(|d| d.render()).collect();
            return Err(NewError::Generate(format!("{text}the generated {} is invalid", init::CONFIG_FILE)));
        }
    };
    let files = crate::render::render(&loaded.plan);
    let within = dir.join(&loaded.plan.ci.root);
    let planned = crate::write::compare(dir, &within, &files).map_err(|e| NewError::Generate(e.to_string()))?;
    if let Some(p) =
        planned.iter().find(|p| matches!(p.change, crate::write::Change::Edited | crate::write::Change::OtherConfig))
    {
        return Err(NewError::Generate(format!(
            "{} is the template's own file where mkmulti writes one: rename it, or ship a multiarch.toml that turns \
             that output off",
            p.file.path
        )));
    }
    crate::write::write(&planned, false).map_err(|e| NewError::Generate(e.to_string()))?;
    Ok(loaded.plan.output.makefile.then(|| loaded.plan.output.makefile_path.clone()))
}

fn list_files(dir: &Path) -> Result<Vec<String>, NewError> {
    fn walk(top: &Path, dir: &Path, out: &mut Vec<String>) -> io::Result<()> {
        for entry in fs::read_dir(dir)? {
            let path = entry?.path();
            if path.is_dir() {
                walk(top, &path, out)?;
            } else {
                out.push(path.strip_prefix(top).expect("inside").to_string_lossy().replace('\\', "/"));
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out).map_err(|source| NewError::Read { path: dir.to_path_buf(), source })?;
    out.sort();
    Ok(out)
}

/// `git init -b main`, `git add -A` and the first commit. Never an error: what failed, as a warning that says what
/// to run.
fn git_init(dir: &Path, template: &str) -> Result<bool, String> {
    let shown = dir.display();
    let run = |args: &[&str]| Command::new("git").arg("-C").arg(dir).args(args).output();
    match run(&["init", "-q", "-b", GIT_BRANCH]) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(format!(
                "git is not installed, so {shown} is no repository yet: install git, then run `git -C {shown} init -b \
                 {GIT_BRANCH} && git -C {shown} add -A && git -C {shown} commit -m 'Initial commit'`"
            ));
        }
        Err(e) => return Err(format!("cannot run git: {e}")),
        Ok(out) if !out.status.success() => {
            return Err(format!("`git init` failed: {}", String::from_utf8_lossy(&out.stderr).trim()));
        }
        Ok(_) => {}
    }
    let added = run(&["add", "-A"]).map_err(|e| format!("cannot run git: {e}"))?;
    if !added.status.success() {
        return Err(format!("`git add -A` failed: {}", String::from_utf8_lossy(&added.stderr).trim()));
    }
    let message = format!("Initial commit: `mkmulti new` from template {template}");
    let commit = run(&["commit", "-q", "-m", &message]).map_err(|e| format!("cannot run git: {e}"))?;
    if !commit.status.success() {
        let stderr = String::from_utf8_lossy(&commit.stderr);
        let why = if stderr.contains("tell me who you are") || stderr.contains("user.email") {
            "git has no user name and email".to_string()
        } else {
            stderr.trim().to_string()
        };
        return Err(format!(
            "the repository is initialised and its files are staged, but not committed ({why}): run `git config \
             --global user.name 'Your Name' && git config --global user.email you@example.com`, then `git -C {shown} \
             commit -m 'Initial commit'`"
        ));
    }
    Ok(true)
}
