//! Writing a new repository: the files into the staging directory, the config from `init`'s scaffold (with what
//! the manifest's `[scaffold]` says), every generated output, then `git init` and the first commit.

use std::fs;
use std::io;
use std::path::Path;
use std::process::Command;

use crate::init::{self, LangChoice};

use super::manifest::Manifest;
use super::render::{self, OutFile, Vars};
use super::{GIT_BRANCH, NewError, NewOptions};

/// What the manifest's `[scaffold]` says, rendered with the variables: ports per app, and the apps with a
/// `healthcheck` command.
pub(super) struct ScaffoldFacts {
    pub(super) ports: Vec<init::PortArg>,
    pub(super) healthcheck: Vec<String>,
}

pub(super) fn scaffold_facts(manifest: &Manifest, vars: &Vars) -> Result<ScaffoldFacts, NewError> {
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
pub(super) fn fill(
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

pub(crate) fn write_file(dir: &Path, file: &OutFile) -> Result<(), NewError> {
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

pub(super) fn list_files(dir: &Path) -> Result<Vec<String>, NewError> {
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
pub(super) fn git_init(dir: &Path, template: &str) -> Result<bool, String> {
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
