//! `mkmulti init`: its flags, whether to ask (a terminal on stdin and no `--yes`), and what it prints.

use std::io::IsTerminal as _;
use std::path::PathBuf;

use clap::Args;

use super::output::{Stdout, eprint};
use super::{Lang, exit};
use crate::init;

pub(super) const AFTER_HELP: &str = "\
Examples:
  mkmulti init
  mkmulti init services/api --lang go
  mkmulti init --yes --registry ghcr.io/acme --port api=8080 --platforms linux/amd64,linux/arm64
  mkmulti init --force

On a terminal, init asks for the registry, each app's ports, the platforms and (for a Rust project without
Cargo.lock) whether to run `cargo generate-lockfile`; Enter takes the default shown, which is what it detected.
A flag answers its question. With --yes, or when stdin is not a terminal, it asks nothing.";

/// The flags of `mkmulti init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// The project directory
    #[arg(default_value = ".")]
    dir: PathBuf,
    /// The language, when it cannot be detected (no go.mod or Cargo.toml, or both)
    #[arg(long, value_enum)]
    lang: Option<Lang>,
    /// Overwrite an existing multiarch.toml
    #[arg(long)]
    force: bool,
    /// Ask nothing: take what detection found and the flags (always so when stdin is not a terminal)
    #[arg(long, short = 'y')]
    yes: bool,
    /// Where images are pushed, `HOST/NAMESPACE` (default: the git remote's forge, e.g. ghcr.io/OWNER for
    /// GitHub, or the Go module path's; else Docker Hub, pushing once `registry.namespace` is set)
    #[arg(long, value_name = "HOST/NAMESPACE")]
    registry: Option<String>,
    /// A port the apps listen on: `PORT` for every app, `APP=PORT` for one, `none` for no port; repeatable or
    /// comma-separated (default: the literal ports each app's own sources listen on)
    #[arg(long = "port", value_name = "[APP=]PORT", value_delimiter = ',', value_parser = init::ports::parse_arg)]
    ports: Vec<init::PortArg>,
    /// The platforms to build, comma-separated (default: linux/amd64,linux/arm64,linux/arm/v7)
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    platforms: Option<Vec<String>>,
    /// Never run `cargo generate-lockfile` for a Rust project without Cargo.lock; print the command instead
    #[arg(long)]
    no_lockfile: bool,
}

/// How `init`'s scaffold keeps a project's own file, in the words of its `keep` line.
fn kept_how(how: &init::Keep) -> String {
    match how {
        init::Keep::Off(key) => format!("`output.{key} = false` in the config"),
        init::Keep::Makefile(path) => {
            format!("mkmulti's goes to {path}, `output.makefile-path`; add `include {path}` to yours")
        }
        init::Keep::Dockerfile { app, path } => format!("app `{app}`'s goes to {path}, its `dockerfile` key"),
    }
}

pub(super) fn cmd_init(args: InitArgs) -> u8 {
    let lang = args.lang.map(|l| match l {
        Lang::Go => init::LangChoice::Go,
        Lang::Rust => init::LangChoice::Rust,
    });
    let opts = init::InitOptions {
        dir: args.dir.clone(),
        lang,
        force: args.force,
        registry: args.registry,
        ports: args.ports,
        platforms: args.platforms,
        no_lockfile: args.no_lockfile,
        new_repository: false,
    };
    let stdin = std::io::stdin();
    let outcome = if !args.yes && stdin.is_terminal() {
        let (mut input, mut output) = (stdin.lock(), std::io::stderr());
        init::init(&opts, Some(&mut init::Terminal { input: &mut input, output: &mut output }))
    } else {
        init::init(&opts, None)
    };
    let mut stdout = Stdout::default();
    match outcome {
        Ok(init::InitOutcome::Written { path, project, lockfile }) => {
            stdout.print(&format!("create     {}\n", path.display()));
            for kept in &project.kept {
                stdout.print(&format!("keep       {} (not mkmulti's: {})\n", kept.file, kept_how(&kept.how)));
            }
            stdout.print(&ports_report(&project));
            match init::write_editor_schema(&args.dir) {
                Ok(schema) => stdout.print(&format!("create     {} (for editor completion)\n", schema.display())),
                Err(e) => {
                    eprint(&format!("mkmulti: {e}\n"));
                    return stdout.finish(exit::IO);
                }
            }
            match lockfile.message() {
                Some(line) if lockfile.is_failure() => eprint(&format!("mkmulti: warning: {line}\n")),
                Some(line) => stdout.print(&format!("{line}\n")),
                None => {}
            }
            stdout.print(&format!("next: review {}, then run `mkmulti generate`\n", path.display()));
            stdout.finish(exit::OK)
        }
        Ok(init::InitOutcome::KeptExisting { path }) => {
            stdout.print(&format!("kept       {} (it exists; --force overwrites it)\n", path.display()));
            stdout.finish(exit::OK)
        }
        Err(e) => {
            eprint(&format!("mkmulti: {e}\n"));
            match e {
                init::InitError::Read { .. } | init::InitError::Write { .. } | init::InitError::Prompt(_) => exit::IO,
                _ => exit::INVALID,
            }
        }
    }
}

/// One line per app with ports, saying where they came from, and a note for a port two apps share: compose
/// publishes each app's ports on the host, so the second `docker compose up` service would not start.
fn ports_report(project: &init::DetectedProject) -> String {
    let mut out = String::new();
    for app in project.apps.iter().filter(|a| !a.ports.is_empty()) {
        let list = init::ports::show_list(&app.ports);
        let from = app.ports_from.as_deref().unwrap_or("");
        out.push_str(&format!("ports      {}: {list} ({from})\n", app.name));
    }
    for (i, app) in project.apps.iter().enumerate() {
        for port in &app.ports {
            if let Some(other) = project.apps[..i].iter().find(|a| a.ports.contains(port)) {
                out.push_str(&format!(
                    "note       apps `{}` and `{}` both listen on {port}: compose publishes it on the host for each; \
                     change one app's `ports`\n",
                    other.name, app.name
                ));
            }
        }
    }
    out
}
