//! `mkmulti add PATH`: an app for an existing `multiarch.toml`, for monorepos that grow. The app at PATH is found
//! by `init`'s detection (after rendering `--template` into PATH when it has no sources yet), its `[[app]]` table
//! is rendered by the scaffold's own code and appended to the config's text (the user's comments and layout stay
//! as they are), and the whole new config is checked before anything is written.

use std::fs;
use std::path::{Component, Path, PathBuf};

use super::{NewError, NewOptions, render, resolve_template, variables, write_file};
use crate::init::{self, LangChoice};

/// What `mkmulti add` was asked to do.
#[derive(Debug, Clone, Default)]
pub struct AddOptions {
    /// The app's directory, relative to the current directory; inside the config's directory.
    pub path: PathBuf,
    pub config: PathBuf,
    /// The app's name; default: what detection names it.
    pub name: Option<String>,
    /// Rendered into `path` when it has no Go module or Cargo project yet.
    pub template: Option<String>,
    pub lang: Option<LangChoice>,
    pub port: Option<u16>,
    pub module: Option<String>,
    pub vars: Vec<(String, String)>,
}

/// What `add` did.
#[derive(Debug)]
pub struct AddOutcome {
    /// The apps added, by name.
    pub apps: Vec<String>,
    /// Files the template wrote into PATH, relative to it.
    pub rendered: Vec<String>,
}

/// Adds the app at `opts.path` to the config; the caller regenerates afterwards.
pub fn add(opts: &AddOptions) -> Result<AddOutcome, NewError> {
    let config_text =
        fs::read_to_string(&opts.config).map_err(|source| NewError::Read { path: opts.config.clone(), source })?;
    let display = opts.config.display().to_string();
    let existing = match crate::load_str(&config_text, &display, init::CONFIG_FILE) {
        Ok(loaded) => loaded.plan.apps.iter().map(|a| a.name.clone()).collect::<Vec<_>>(),
        Err(crate::LoadError::Invalid(found)) => {
            let text: String = found.iter().map(|d| d.render()).collect();
            return Err(NewError::Generate(format!("{text}{display} is invalid: fix it before adding an app")));
        }
        Err(crate::LoadError::Io(m)) => return Err(NewError::Generate(m)),
    };
    let config_dir = opts.config.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let context = relative_inside(config_dir, &opts.path)?;

    let has_sources = ["go.mod", "Cargo.toml"].iter().any(|m| opts.path.join(m).is_file());
    // The template's files, rendered in memory, when PATH has no project yet.
    let rendered = match (&opts.template, has_sources) {
        (Some(_), true) => {
            return Err(NewError::Usage(format!(
                "{} already holds a project: drop --template to add it as it is",
                opts.path.display()
            )));
        }
        (Some(t), false) => {
            if opts.path.is_dir() && fs::read_dir(&opts.path).map(|mut d| d.next().is_some()).unwrap_or(false) {
                super::check_target(&opts.path)?;
            }
            let template = resolve_template(t)?;
            let name = opts.name.clone().unwrap_or_else(|| init::sanitize_name(&last_name(&opts.path)));
            let new_opts = NewOptions {
                name,
                port: opts.port,
                module: opts.module.clone(),
                vars: opts.vars.clone(),
                ..NewOptions::default()
            };
            let vars = variables(&template.manifest, &template.label, &new_opts, None)?;
            Some((render::render_files(&template, &vars)?, template.manifest.language))
        }
        (None, _) => None,
    };

    // Detection reads files: a template's are staged beside PATH and moved into place only when all is well.
    let parent = opts.path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let staging = match &rendered {
        Some((files, _)) => {
            fs::create_dir_all(parent).map_err(|source| NewError::Write { path: parent.to_path_buf(), source })?;
            let dir = tempfile::Builder::new()
                .prefix(".mkmulti-add-")
                .tempdir_in(parent)
                .map_err(|source| NewError::Write { path: parent.to_path_buf(), source })?;
            for file in files {
                write_file(dir.path(), file)?;
            }
            Some(dir)
        }
        None => None,
    };
    let detect_in = staging.as_ref().map_or(opts.path.as_path(), |s| s.path());
    let lang = opts.lang.or(rendered.as_ref().map(|(_, l)| match l {
        super::manifest::TemplateLanguage::Go => LangChoice::Go,
        super::manifest::TemplateLanguage::Rust => LangChoice::Rust,
    }));
    let mut project = init::detect(detect_in, lang)?;
    if let (Some(name), [_]) = (&opts.name, project.apps.as_slice()) {
        crate::grammar::name(name).map_err(|why| NewError::Usage(format!("--name `{name}`: {why}")))?;
        project.apps[0].name = name.clone();
    } else if opts.name.is_some() {
        return Err(NewError::Usage(format!(
            "--name: {} holds {} apps ({}); it names one",
            opts.path.display(),
            project.apps.len(),
            project.apps.iter().map(|a| a.name.as_str()).collect::<Vec<_>>().join(", ")
        )));
    }
    if let Some(port) = opts.port {
        for app in &mut project.apps {
            app.ports = vec![port];
            app.ports_from = Some("from --port".into());
        }
    }
    for app in &mut project.apps {
        if existing.contains(&app.name) {
            return Err(NewError::Usage(format!(
                "{display} already has an app `{}`: give this one another name with `--name NAME`",
                app.name
            )));
        }
        app.context = (context != ".").then(|| context.clone());
    }
    let mut text = config_text.clone();
    if !text.ends_with('\n') {
        text.push('\n');
    }
    for app in &project.apps {
        text.push_str(&init::render_app(&project, app));
        text.push('\n');
    }
    if let Err(e) = crate::load_str(&text, &display, init::CONFIG_FILE) {
        let shown = match e {
            crate::LoadError::Invalid(found) => found.iter().map(|d| d.render()).collect(),
            crate::LoadError::Io(m) => m,
        };
        return Err(NewError::Generate(format!(
            "{shown}the config with the new app would be invalid; nothing was written"
        )));
    }

    let mut written = Vec::new();
    if let (Some(staging), Some((files, _))) = (staging, &rendered) {
        if opts.path.is_dir() {
            fs::remove_dir(&opts.path).map_err(|source| NewError::Write { path: opts.path.clone(), source })?;
        }
        let staged = staging.keep();
        fs::rename(&staged, &opts.path).map_err(|source| NewError::Write { path: opts.path.clone(), source })?;
        written = files.iter().map(|f| f.path.clone()).collect();
    }
    fs::write(&opts.config, &text).map_err(|source| NewError::Write { path: opts.config.clone(), source })?;
    Ok(AddOutcome { apps: project.apps.iter().map(|a| a.name.clone()).collect(), rendered: written })
}

fn last_name(path: &Path) -> String {
    let resolved = fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    resolved.file_name().or_else(|| path.file_name()).map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

/// `path` relative to `top` (`services/api`, `.`), lexically, after resolving both through the file system as far
/// as they exist; an error when it is outside.
fn relative_inside(top: &Path, path: &Path) -> Result<String, NewError> {
    let absolute = |p: &Path| -> Result<PathBuf, NewError> {
        let cwd = std::env::current_dir().map_err(|source| NewError::Read { path: ".".into(), source })?;
        let joined = cwd.join(p);
        // The longest existing ancestor is canonicalised, the rest appended.
        let mut existing = joined.clone();
        let mut rest = Vec::new();
        while fs::symlink_metadata(&existing).is_err() {
            rest.push(existing.file_name().map(|n| n.to_os_string()).unwrap_or_default());
            if !existing.pop() {
                break;
            }
        }
        let mut out = fs::canonicalize(&existing).unwrap_or(existing);
        for part in rest.into_iter().rev() {
            out.push(part);
        }
        let mut normal = PathBuf::new();
        for c in out.components() {
            match c {
                Component::ParentDir => {
                    normal.pop();
                }
                Component::CurDir => {}
                other => normal.push(other),
            }
        }
        Ok(normal)
    };
    let (top_abs, path_abs) = (absolute(top)?, absolute(path)?);
    let rel = path_abs.strip_prefix(&top_abs).map_err(|_| {
        NewError::Usage(format!(
            "{} is outside the config's directory {}: an app builds from a directory at or below its config",
            path.display(),
            top.display()
        ))
    })?;
    let rel = rel.to_string_lossy().replace('\\', "/");
    let rel = if rel.is_empty() { ".".to_string() } else { rel };
    crate::grammar::context(&rel).map_err(|why| NewError::Usage(format!("{}: {why}", path.display())))?;
    Ok(rel)
}
