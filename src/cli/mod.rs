//! The command line: argument definitions, and what `init`, `check` (with its human plan table) and `schema`
//! do with the passes.
//!
//! `generate` lives in `generate.rs`, the `--format json` document in `json.rs`, and every write to stdout and
//! stderr goes through `output.rs`.

mod generate;
mod init;
mod json;
mod new;
mod output;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use generate::{Mode, cmd_generate};
use output::{Stdout, eprint};

use crate::diagnostics::Located;
use crate::{LoadError, Loaded, plan::Plan};

/// Exit codes, documented in the README.
pub mod exit {
    pub const OK: u8 = 0;
    /// `generate --check` found files that differ from what the config generates.
    pub const DRIFT: u8 = 1;
    /// The config is invalid, or the command line is.
    pub const INVALID: u8 = 2;
    /// Reading or writing a file failed.
    pub const IO: u8 = 3;
    /// `mkmulti doctor`: a check failed, so this machine cannot build the config's platforms yet.
    pub const NOT_READY: u8 = 4;
}

const AFTER_HELP: &str = "\
Examples:
  mkmulti new my-svc                a new repository from a template (mkmulti new --list)
  mkmulti init                      scaffold multiarch.toml from the Go or Rust project here
  mkmulti add services/billing      add the app in a directory to multiarch.toml
  mkmulti check                     validate multiarch.toml and print the resolved plan
  mkmulti check --format json       the same as one JSON document, for tools
  mkmulti generate                  write Dockerfile, Makefile, compose.yaml, scripts and workflow
  mkmulti generate --check          exit 1 and show a diff if generated files are stale
  mkmulti doctor                    check docker, buildx, the builder and QEMU for every platform

Exit codes: 0 success, 1 `generate --check` found drift, 2 invalid config or usage, 3 I/O failure,
4 `doctor` found the environment not ready.";

#[derive(Debug, Parser)]
#[command(name = "mkmulti", version, about = "Compile multiarch.toml into multi-architecture container builds", after_help = AFTER_HELP)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write a commented multiarch.toml for the Go or Rust project in DIR
    #[command(after_help = init::AFTER_HELP)]
    Init(init::InitArgs),
    /// Create a new repository from a template: sources, multiarch.toml, every generated file, git
    #[command(after_help = new::NEW_AFTER_HELP)]
    New(new::NewArgs),
    /// Add the app in PATH to an existing multiarch.toml and regenerate
    #[command(after_help = new::ADD_AFTER_HELP)]
    Add(new::AddArgs),
    /// Write every output the config asks for
    #[command(
        after_help = "Examples:\n  mkmulti generate\n  mkmulti generate --config deploy/multiarch.toml --out .\n  mkmulti generate --check\n  mkmulti generate --dry-run\n  mkmulti generate --check --format json\n\nA generated file edited by hand is not overwritten unless --force is given; to keep an edit,\nturn that output off in the config's [output] table and own the file."
    )]
    Generate {
        /// The config file
        #[arg(long, default_value = "multiarch.toml")]
        config: PathBuf,
        /// The directory to write into (default: the config's directory)
        #[arg(long)]
        out: Option<PathBuf>,
        /// Write nothing; show a diff of every stale file and exit 1 if there is one
        #[arg(long, conflicts_with = "dry_run")]
        check: bool,
        /// Write nothing; list what would change
        #[arg(long)]
        dry_run: bool,
        /// Overwrite generated files even where they were edited by hand
        #[arg(long)]
        force: bool,
        /// `json`: one JSON document on stdout (plan, diagnostics, files) instead of text
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Validate the config and print the resolved plan
    #[command(
        after_help = "Examples:\n  mkmulti check\n  mkmulti check --config examples/go-hello/multiarch.toml\n  mkmulti check --format json"
    )]
    Check {
        /// The config file
        #[arg(long, default_value = "multiarch.toml")]
        config: PathBuf,
        /// `json`: one JSON document on stdout (plan and diagnostics) instead of text
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Print the JSON schema of multiarch.toml
    #[command(after_help = "Examples:\n  mkmulti schema > .mkmulti/multiarch.schema.json")]
    Schema,
    /// Check that this machine can build the config's platforms, and print the command that fixes each gap
    #[command(
        after_help = "Examples:\n  mkmulti doctor\n  mkmulti doctor --builder default\n  mkmulti doctor --platforms linux/amd64,linux/arm64,linux/riscv64\n\nChecks docker and its engine (and its image store), buildx, the builder's driver and QEMU emulation\nfor every platform that is not native. Works without a config: it then checks linux/amd64 and\nlinux/arm64 on the `default` builder. `docker buildx inspect --bootstrap` starts the builder if it is\nstopped. Exit codes: 0 ready (warnings allowed), 4 a check failed, 2 invalid config or arguments,\n3 unreadable config."
    )]
    Doctor {
        /// The config file (default: multiarch.toml; without one here, doctor checks the machine for --platforms,
        /// else linux/amd64,linux/arm64)
        #[arg(long, value_name = "PATH")]
        config: Option<PathBuf>,
        /// The buildx builder to check (default: $BUILDER_NAME, else `<project>-builder` as in the generated
        /// Makefile, or `default`, the Docker engine's own builder, without a config)
        #[arg(long)]
        builder: Option<String>,
        /// The platforms to check, comma-separated, instead of the config's
        #[arg(long, value_name = "LIST")]
        platforms: Option<String>,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Lang {
    Go,
    Rust,
}

/// How `check` and `generate` report. (No doc comments on the variants: clap would turn them into a long
/// `--help` page for every command that takes `--format`.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    // Text for people: the plan or the files on stdout, diagnostics on stderr.
    Human,
    // One JSON document on stdout for tools; stderr only for I/O failures (exit 3).
    Json,
}

/// Runs a parsed command line and returns the process exit code.
pub fn run(cli: Cli) -> ExitCode {
    let code = match cli.command {
        Command::Init(args) => init::cmd_init(args),
        Command::New(args) => new::cmd_new(args),
        Command::Add(args) => new::cmd_add(args),
        Command::Generate { config, out, check, dry_run, force, format } => {
            let mode = match (check, dry_run) {
                (true, _) => Mode::Check,
                (false, true) => Mode::DryRun,
                (false, false) => Mode::Write,
            };
            cmd_generate(&config, out, mode, force, format)
        }
        Command::Check { config, format } => cmd_check(&config, format),
        Command::Schema => {
            let mut stdout = Stdout::default();
            stdout.print(&crate::schema::json());
            stdout.finish(exit::OK)
        }
        Command::Doctor { config, builder, platforms } => {
            // Only the default path may be missing: doctor then checks the machine without a config.
            let loaded = match config {
                None if Path::new("multiarch.toml")
                    .symlink_metadata()
                    .is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound) =>
                {
                    Ok(None)
                }
                c => load_or_report(&c.unwrap_or_else(|| "multiarch.toml".into()), Path::new("."), &crate::load)
                    .map(Some),
            };
            match loaded {
                Ok(loaded) => {
                    let answer =
                        crate::doctor::run(loaded.as_ref().map(|l| &l.plan), builder.as_deref(), platforms.as_deref());
                    let mut stdout = Stdout::default();
                    stdout.print(&answer.stdout);
                    eprint(&answer.stderr);
                    stdout.finish(match answer.outcome {
                        crate::doctor::Outcome::Ready => exit::OK,
                        crate::doctor::Outcome::NotReady => exit::NOT_READY,
                        crate::doctor::Outcome::Usage => exit::INVALID,
                    })
                }
                Err(code) => code,
            }
        }
    };
    ExitCode::from(code)
}

/// The config's name as written in generated headers: relative to the output directory when it is inside
/// it, else its file name. Never an absolute path, so output is the same on every machine. (The plan limits it to
/// a safe alphabet: `resolve::header_label`.)
fn config_label(config: &Path, out: &Path) -> String {
    let file_name =
        || config.file_name().map_or_else(|| "multiarch.toml".to_string(), |n| n.to_string_lossy().into_owned());
    match (config.canonicalize(), out.canonicalize()) {
        (Ok(c), Ok(o)) => {
            c.strip_prefix(&o).map_or_else(|_| file_name(), |rel| rel.to_string_lossy().replace('\\', "/"))
        }
        _ => file_name(),
    }
}

/// Loads the config with `load` (`crate::load`, or `crate::load_project` to check the project's files too) and
/// reports, as text on stderr, its notes or why it cannot be used.
fn load_or_report(config: &Path, out: &Path, load: Loader) -> Result<Loaded, u8> {
    match load(config, &config_label(config, out)) {
        Ok(loaded) => {
            report_notes(&loaded.notes);
            Ok(loaded)
        }
        Err(LoadError::Invalid(found)) => Err(report_invalid(config, &found)),
        Err(LoadError::Io(message)) => Err(io_failure(&message)),
    }
}

/// `crate::load`, or `crate::load_project` with its build context.
type Loader<'a> = &'a dyn Fn(&Path, &str) -> Result<Loaded, LoadError>;

/// Warnings and notes about a valid config, as text on stderr.
fn report_notes(notes: &[Located]) {
    for note in notes {
        eprint(&note.render());
    }
}

/// Every problem of an invalid config, as text on stderr; returns the exit code.
fn report_invalid(config: &Path, found: &[Located]) -> u8 {
    for d in found {
        eprint(&d.render());
    }
    let errors: usize = found.iter().map(Located::errors).sum();
    eprint(&format!(
        "mkmulti: {} is invalid ({errors} error{}); nothing was written\n",
        config.display(),
        if errors == 1 { "" } else { "s" }
    ));
    exit::INVALID
}

/// A file that could not be read or written: on stderr in either format (no JSON document follows); exit 3.
fn io_failure(message: &str) -> u8 {
    eprint(&format!("mkmulti: {message}\n"));
    exit::IO
}

fn cmd_check(config: &Path, format: Format) -> u8 {
    // The build context: the config's directory, as `generate` writes there by default.
    let out =
        config.parent().filter(|p| !p.as_os_str().is_empty()).map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let report = |code, found, plan| json::print(&json::Report::new("check", config, code, found, plan), code);
    match format {
        Format::Human => match load_or_report(config, &out, &|c, l| crate::load_project(c, l, &out)) {
            Ok(loaded) => {
                let mut stdout = Stdout::default();
                stdout.print(&describe(&loaded.plan));
                stdout.finish(exit::OK)
            }
            Err(code) => code,
        },
        Format::Json => match crate::load_project(config, &config_label(config, &out), &out) {
            Ok(loaded) => report(exit::OK, &loaded.notes, Some(&loaded.plan)),
            Err(LoadError::Invalid(found)) => report(exit::INVALID, &found, None),
            Err(LoadError::Io(message)) => io_failure(&message),
        },
    }
}

/// The resolved plan as `mkmulti check` prints it.
pub fn describe(plan: &Plan) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "project {} ({} app{})",
        plan.project.name,
        plan.apps.len(),
        if plan.apps.len() == 1 { "" } else { "s" }
    );
    for app in &plan.apps {
        let lang = match app.language {
            crate::config::Language::Go => "go",
            crate::config::Language::Rust => "rust",
        };
        let _ = writeln!(s, "\napp {} ({lang}, {})", app.name, app.dockerfile);
        let _ = writeln!(s, "  image    {}", app.image);
        let _ = writeln!(s, "  builder  {} (runs on the build platform)", app.builder_image);
        let _ = writeln!(s, "  runtime  {}", app.runtime_image.as_deref().unwrap_or("scratch"));
        let _ = writeln!(s, "  user     {} ({}:{})", app.user, app.uid, app.uid);
        let _ = writeln!(s, "  binary   {}", binary_kind(app));
        if let Some(r) = &app.rust {
            let cache = if r.chef { "cargo-chef (cooked layer per target)" } else { "BuildKit cache mounts" };
            let _ = writeln!(s, "  deps     {cache}");
        }
        let mut rows = vec![["platform", "compile", "target", "linker", "emulated steps"].map(String::from)];
        for p in &app.platforms {
            let (target, linker) = match (&app.go, &app.rust) {
                (Some(g), _) => {
                    let mut t = format!("GOOS=linux GOARCH={}", p.goarch);
                    if let Some(arm) = p.goarm {
                        let _ = write!(t, " GOARM={arm}");
                    }
                    if let (Some(level), "amd64") = (&g.goamd64, p.goarch) {
                        let _ = write!(t, " GOAMD64={level}");
                    }
                    let _ = write!(t, " CGO_ENABLED={}", u8::from(g.cgo));
                    let linker = if g.cgo {
                        format!("{} (cgo)", p.linker.as_deref().unwrap_or("-"))
                    } else {
                        "Go's internal linker".to_string()
                    };
                    (t, linker)
                }
                (None, Some(r)) if r.musl => (p.rust_target.to_string(), "zig (cargo-zigbuild)".to_string()),
                _ => (p.rust_target.to_string(), p.linker.clone().unwrap_or_else(|| "-".into())),
            };
            rows.push([p.oci.to_string(), "cross".into(), target, linker, app.emulated_steps.to_string()]);
        }
        let widths: Vec<usize> = (0..5).map(|c| rows.iter().map(|r| r[c].len()).max().unwrap_or(0)).collect();
        for row in &rows {
            let line: Vec<String> = row.iter().zip(&widths).map(|(cell, w)| format!("{cell:<w$}")).collect();
            let _ = writeln!(s, "  {}", line.join("  ").trim_end());
        }
    }
    // The one tag rule every output follows.
    let _ = writeln!(s, "\ntags: {}", crate::render::tags::TagRule::new(&plan.tags).summary());
    let _ = writeln!(s, "releases: git tags matching {} pushed from {}", plan.ci.tag_pattern, plan.ci.default_branch);
    s
}

/// How the app's binary links, in words.
fn binary_kind(app: &crate::plan::AppPlan) -> &'static str {
    match (&app.go, &app.rust) {
        (Some(g), _) if g.cgo => "links glibc dynamically (cgo, C cross-compiled by Debian's gcc)",
        (Some(_), _) => "static (CGO_ENABLED=0)",
        (None, Some(r)) if r.musl => "static, musl (linked by zig)",
        _ => "links glibc dynamically",
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn config_labels_are_relative_to_the_output_directory() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("deploy");
        std::fs::create_dir(&sub).unwrap();
        std::fs::write(sub.join("multiarch.toml"), "").unwrap();
        assert_eq!(super::config_label(&sub.join("multiarch.toml"), dir.path()), "deploy/multiarch.toml");
        let elsewhere = tempfile::tempdir().unwrap();
        assert_eq!(super::config_label(&sub.join("multiarch.toml"), elsewhere.path()), "multiarch.toml");
    }

    #[test]
    fn cli_definition_is_consistent() {
        super::Cli::command().debug_assert();
    }
}
