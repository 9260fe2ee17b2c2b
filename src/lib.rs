//! mkmulti compiles a declarative `multiarch.toml` into everything a repository needs to build, test and
//! publish multi-architecture container images.
//!
//! The compiler has four passes, each its own module:
//! `parse` (text to [`config::RawConfig`]) -> `plan` (resolve and validate to [`plan::Plan`]) ->
//! `render` (plan to [`render::GeneratedFile`]s, in memory) -> `write` (compare with the disk, then write).

pub mod actions;
pub mod cli;
pub mod config;
pub mod diagnostics;
pub mod doctor;
pub mod grammar;
pub mod images;
pub mod init;

pub mod parse;
pub mod plan;
pub mod platform;
pub mod render;
pub mod schema;
pub mod suggest;
pub mod write;

use std::path::Path;

use diagnostics::{Diagnostic, Source};

/// A config that was read and planned, with the warnings and notes found on the way.
pub struct Loaded {
    pub plan: plan::Plan,
    /// Warnings and notes, rendered.
    pub notes: Vec<String>,
}

/// Why loading failed: the user's config (exit 2) or the file system (exit 3).
#[derive(Debug)]
pub enum LoadError {
    /// Every problem found, each rendered with its location.
    Invalid(Vec<String>),
    Io(String),
}

/// Runs the first two passes on a config file. `config_file` is how the config is named in generated headers.
pub fn load(path: &Path, config_file: &str) -> Result<Loaded, LoadError> {
    let bytes = std::fs::read(path).map_err(|e| LoadError::Io(format!("cannot read {}: {e}", path.display())))?;
    let display = path.display().to_string();
    let text =
        parse::decode(&bytes).map_err(|d| LoadError::Invalid(vec![Source::new(display.clone(), "").render(&d)]))?;
    load_str(text, &display, config_file)
}

/// [`load`] for text already in memory; `display` names it in diagnostics.
pub fn load_str(text: &str, display: &str, config_file: &str) -> Result<Loaded, LoadError> {
    let source = Source::new(display, text);
    let raw = parse::parse(&source).map_err(|d| LoadError::Invalid(vec![source.render(&d)]))?;
    let planned = plan::plan(&raw, config_file);
    let render_all = |ds: &[Diagnostic], errors: bool| -> Vec<String> {
        ds.iter().filter(|d| d.is_error() == errors).map(|d| source.render(d)).collect()
    };
    match planned.plan {
        Some(plan) => Ok(Loaded { plan, notes: render_all(&planned.diagnostics, false) }),
        None => {
            let mut all = render_all(&planned.diagnostics, true);
            all.extend(render_all(&planned.diagnostics, false));
            Err(LoadError::Invalid(all))
        }
    }
}
