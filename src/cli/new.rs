//! `mkmulti new` and `mkmulti add`: their flags, whether to ask (a terminal on stdin), and what they print.

use std::io::IsTerminal as _;
use std::path::PathBuf;

use clap::Args;

use super::generate::{Mode, cmd_generate};
use super::output::{Stdout, eprint};
use super::{Format, Lang, exit};
use crate::init::{self, LangChoice};
use crate::new;

pub(super) const NEW_AFTER_HELP: &str = "\
Examples:
  mkmulti new --list
  mkmulti new my-svc
  mkmulti new my-cli --template go-cli --module github.com/acme/my-cli --license MIT
  mkmulti new api --lang rust --registry ghcr.io/acme --platforms linux/amd64,linux/arm64
  mkmulti new web --template ./golden-template --var description='The web front end'
  mkmulti new web --template https://github.com/acme/golden-template.git

Writes NAME/ (or --dir): the template's sources, multiarch.toml, every generated file, a LICENSE
with --license, then `git init -b main` and a first commit unless --no-git. Nothing is written
when the template, a variable or a path is refused, or when the directory exists and is not
empty. On a terminal, new asks for the template (without --template or --lang) and each
template variable not given with --var; Enter takes the default shown.";

pub(super) const ADD_AFTER_HELP: &str = "\
Examples:
  mkmulti add services/billing
  mkmulti add services/worker --name jobs
  mkmulti add services/cli --template go-cli --module github.com/acme/mono/services/cli

Detects the Go module or Cargo project at PATH (or renders --template into PATH first when it has
none), appends its [[app]] table to the config (your comments and layout stay), checks the whole
config, then regenerates like `mkmulti generate`.";

/// The flags of `mkmulti new`.
#[derive(Debug, Args)]
pub struct NewArgs {
    /// The project's name: lowercase letters, digits and `-` (the directory, the app and the binary)
    #[arg(required_unless_present = "list")]
    name: Option<String>,
    /// Print the built-in templates, one line each, and exit
    #[arg(long)]
    list: bool,
    /// The directory to create (default: ./NAME); it must not exist or be empty
    #[arg(long)]
    dir: Option<PathBuf>,
    /// A built-in template (see --list), a template directory, or a git URL
    #[arg(long, value_name = "NAME|PATH|GIT-URL")]
    template: Option<String>,
    /// The language's default template: go-http for go, rust-http for rust
    #[arg(long, value_enum)]
    lang: Option<Lang>,
    /// Where images are pushed, `HOST/NAMESPACE` (default: the --module path's forge, else Docker Hub)
    #[arg(long, value_name = "HOST/NAMESPACE")]
    registry: Option<String>,
    /// The platforms to build, comma-separated (default: linux/amd64,linux/arm64,linux/arm/v7)
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    platforms: Option<Vec<String>>,
    /// The port a service listens on (the `port` variable; default 8080)
    #[arg(long, value_parser = init::ports::parse_port)]
    port: Option<u16>,
    /// The Go module path (the `module` variable; default example.com/NAME)
    #[arg(long, value_name = "PATH")]
    module: Option<String>,
    /// A template variable, `KEY=VALUE`; repeatable
    #[arg(long = "var", value_name = "KEY=VALUE", value_parser = parse_var)]
    vars: Vec<(String, String)>,
    /// Add a LICENSE file
    #[arg(long, value_parser = ["MIT", "Apache-2.0"])]
    license: Option<String>,
    /// Do not run `git init` and make the first commit
    #[arg(long)]
    no_git: bool,
}

/// The flags of `mkmulti add`.
#[derive(Debug, Args)]
pub struct AddArgs {
    /// The app's directory (inside the config's directory)
    path: PathBuf,
    /// The config file
    #[arg(long, default_value = "multiarch.toml")]
    config: PathBuf,
    /// The app's name (default: what detection names it)
    #[arg(long)]
    name: Option<String>,
    /// Render this template into PATH first, when PATH has no Go module or Cargo project
    #[arg(long, value_name = "NAME|PATH|GIT-URL")]
    template: Option<String>,
    /// The language, when PATH has both go.mod and Cargo.toml
    #[arg(long, value_enum)]
    lang: Option<Lang>,
    /// The port the app listens on
    #[arg(long, value_parser = init::ports::parse_port)]
    port: Option<u16>,
    /// The Go module path for --template (default example.com/NAME)
    #[arg(long, value_name = "PATH")]
    module: Option<String>,
    /// A template variable for --template, `KEY=VALUE`; repeatable
    #[arg(long = "var", value_name = "KEY=VALUE", value_parser = parse_var)]
    vars: Vec<(String, String)>,
    /// Overwrite generated files even where they were edited by hand
    #[arg(long)]
    force: bool,
}

fn parse_var(value: &str) -> Result<(String, String), String> {
    match value.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.to_string(), v.to_string())),
        _ => Err(format!("`{value}`: write a variable as KEY=VALUE")),
    }
}

fn lang_choice(lang: Option<Lang>) -> Option<LangChoice> {
    lang.map(|l| match l {
        Lang::Go => LangChoice::Go,
        Lang::Rust => LangChoice::Rust,
    })
}

fn fail(e: &new::NewError) -> u8 {
    eprint(&format!("mkmulti: {e}\n"));
    if e.is_io() { exit::IO } else { exit::INVALID }
}

pub(super) fn cmd_new(args: NewArgs) -> u8 {
    let mut stdout = Stdout::default();
    if args.list {
        for t in new::list() {
            let lang = match t.language {
                new::manifest::TemplateLanguage::Go => "go",
                new::manifest::TemplateLanguage::Rust => "rust",
            };
            stdout.print(&format!("{:<16} {lang:<5} {}\n", t.name, t.description));
        }
        return stdout.finish(exit::OK);
    }
    let opts = new::NewOptions {
        name: args.name.unwrap_or_default(),
        dir: args.dir,
        template: args.template,
        lang: lang_choice(args.lang),
        registry: args.registry,
        platforms: args.platforms,
        port: args.port,
        module: args.module,
        vars: args.vars,
        license: args.license,
        no_git: args.no_git,
    };
    let stdin = std::io::stdin();
    let outcome = if stdin.is_terminal() {
        let (mut input, mut output) = (stdin.lock(), std::io::stderr());
        new::create(&opts, Some(&mut init::Terminal { input: &mut input, output: &mut output }))
    } else {
        new::create(&opts, None)
    };
    let outcome = match outcome {
        Ok(o) => o,
        Err(e) => {
            let code = fail(&e);
            eprint("mkmulti: nothing was written\n");
            return code;
        }
    };
    let dir = outcome.dir.display().to_string();
    stdout.print(&format!("create     {dir}/ from template {} ({} files)\n", outcome.template, outcome.files.len()));
    for file in &outcome.files {
        stdout.print(&format!("create     {dir}/{file}\n"));
    }
    match &outcome.git {
        Ok(true) => stdout.print(&format!("git        {dir}: branch {}, first commit made\n", new::GIT_BRANCH)),
        Ok(false) => {}
        Err(warning) => eprint(&format!("mkmulti: warning: {warning}\n")),
    }
    stdout.print(&format!("next:\n  cd {dir}\n"));
    if let Some(makefile) = &outcome.makefile {
        let f = if makefile == "Makefile" { String::new() } else { format!("-f {makefile} ") };
        stdout.print(&format!("  make {f}docker-build-local    build for this machine and load the image\n"));
        stdout.print(&format!("  make {f}docker-deploy-multi   push every platform (set the registry first)\n"));
    }
    stdout.print("  README.md and MULTIARCH.md say how it is built, tested and published\n");
    stdout.finish(exit::OK)
}

pub(super) fn cmd_add(args: AddArgs) -> u8 {
    let opts = new::add::AddOptions {
        path: args.path,
        config: args.config.clone(),
        name: args.name,
        template: args.template,
        lang: lang_choice(args.lang),
        port: args.port,
        module: args.module,
        vars: args.vars,
    };
    match new::add::add(&opts) {
        Ok(outcome) => {
            let mut stdout = Stdout::default();
            for file in &outcome.rendered {
                stdout.print(&format!("create     {}\n", opts.path.join(file).display()));
            }
            for app in &outcome.apps {
                stdout.print(&format!("add        app `{app}` to {}\n", args.config.display()));
            }
            let code = stdout.finish(exit::OK);
            if code != exit::OK {
                return code;
            }
            cmd_generate(&args.config, None, Mode::Write, args.force, Format::Human)
        }
        Err(e) => {
            let code = fail(&e);
            eprint("mkmulti: nothing was written\n");
            code
        }
    }
}
