//! Pass 3: render the plan into files, in memory. Nothing here touches the disk.
//!
//! Each output has a view model ([`views`]) built from the plan: the exact values its template prints. The
//! templates hold layout only; every user string reaches a file through the escaping filter of its sink
//! (see [`filters`]). The tag rule every output states is [`tags::TagRule`]. Each file gets a header naming
//! mkmulti and the config, and a hash of its body so a later `generate` can tell a person's edit from its own
//! output.

use minijinja::syntax::SyntaxConfig;
use minijinja::value::Serde;
use minijinja::{Environment, UndefinedBehavior, Value, context};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::sync::LazyLock;

use crate::plan::Plan;

pub mod filters;
pub mod tags;
pub mod views;

/// One file to write, relative to the output directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GeneratedFile {
    pub path: String,
    pub contents: String,
    pub executable: bool,
}

pub const TEMPLATE_DOCKERFILE_GO: &str = "Dockerfile.go.j2";
pub const TEMPLATE_DOCKERFILE_RUST: &str = "Dockerfile.rust.j2";
pub const TEMPLATE_RUNTIME: &str = "runtime.j2";
pub const TEMPLATE_DOCKERFILE_MACROS: &str = "dockerfile.macros.j2";
pub const TEMPLATE_FETCH_MACROS: &str = "fetch.macros.j2";
pub const TEMPLATE_MAKEFILE: &str = "Makefile.j2";
pub const TEMPLATE_MAKEFILE_SECRETS: &str = "makefile.secrets.j2";
pub const TEMPLATE_COMPOSE: &str = "compose.yaml.j2";
pub const TEMPLATE_DETECT: &str = "detect-platform.sh.j2";
pub const TEMPLATE_VALIDATE: &str = "validate-multiarch.sh.j2";
/// `machine` and `platform_of`, the shell functions both scripts use to name this machine's platform.
pub const TEMPLATE_PLATFORM_SH: &str = "platform.sh.j2";
pub const TEMPLATE_DOCKERIGNORE: &str = "dockerignore.j2";
pub const TEMPLATE_WORKFLOW: &str = "workflow.yml.j2";
pub const TEMPLATE_BAKE: &str = "docker-bake.hcl.j2";
/// `MULTIARCH.md`, the project's guide to its multi-architecture images.
pub const TEMPLATE_GUIDE: &str = "MULTIARCH.md.j2";
/// Where the guide is written.
pub const MULTIARCH_MD: &str = "MULTIARCH.md";
/// `builder_platforms`, the one reading of `docker buildx inspect` the Makefile and the validate script share.
pub const TEMPLATE_BUILDX_SH: &str = "buildx.sh.j2";

/// The templates, embedded at compile time.
const TEMPLATES: &[(&str, &str)] = &[
    (TEMPLATE_DOCKERFILE_GO, include_str!("../../templates/Dockerfile.go.j2")),
    (TEMPLATE_DOCKERFILE_RUST, include_str!("../../templates/Dockerfile.rust.j2")),
    (TEMPLATE_RUNTIME, include_str!("../../templates/runtime.j2")),
    (TEMPLATE_DOCKERFILE_MACROS, include_str!("../../templates/dockerfile.macros.j2")),
    (TEMPLATE_FETCH_MACROS, include_str!("../../templates/fetch.macros.j2")),
    (TEMPLATE_MAKEFILE, include_str!("../../templates/Makefile.j2")),
    (TEMPLATE_MAKEFILE_SECRETS, include_str!("../../templates/makefile.secrets.j2")),
    (TEMPLATE_COMPOSE, include_str!("../../templates/compose.yaml.j2")),
    (TEMPLATE_DETECT, include_str!("../../templates/detect-platform.sh.j2")),
    (TEMPLATE_VALIDATE, include_str!("../../templates/validate-multiarch.sh.j2")),
    (TEMPLATE_PLATFORM_SH, include_str!("../../templates/platform.sh.j2")),
    (TEMPLATE_DOCKERIGNORE, include_str!("../../templates/dockerignore.j2")),
    (TEMPLATE_BAKE, include_str!("../../templates/docker-bake.hcl.j2")),
    (TEMPLATE_BUILDX_SH, include_str!("../../templates/buildx.sh.j2")),
    (TEMPLATE_GUIDE, include_str!("../../templates/MULTIARCH.md.j2")),
];

/// The workflow template uses `[[ ]]` / `[% %]` delimiters so GitHub's `${{ }}` is plain text to it.
const WORKFLOW_TEMPLATE: &str = include_str!("../../templates/workflow.yml.j2");

/// The line that carries a generated file's body hash.
pub const HASH_MARKER: &str = "# mkmulti-hash: ";

/// A Markdown file's header lines stand in an HTML comment (GitHub shows none of it): this opens it before the
/// header and this closes it after the hash line.
const MARKDOWN_HEADER_OPEN: &str = "<!--";
const MARKDOWN_HEADER_CLOSE: &str = "-->\n";

/// A template environment: strict about undefined values, trailing newline kept, block tags on their own
/// lines leave no blank lines, no HTML auto-escaping (escaping is done per sink by [`filters`]).
/// `workflow_delimiters` swaps `{{ }}` for `[[ ]]` (and `{% %}` for `[% %]`) so GitHub's `${{ }}` is text.
fn environment(workflow_delimiters: bool) -> Environment<'static> {
    let mut syntax = SyntaxConfig::builder();
    syntax.trim_blocks(true).lstrip_blocks(true).keep_trailing_newline(true);
    if workflow_delimiters {
        syntax.block_delimiters("[%", "%]").variable_delimiters("[[", "]]").comment_delimiters("[#", "#]");
    }
    let mut env = Environment::new();
    env.set_syntax(syntax.build().expect("the template syntax settings are valid"));
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
    filters::register(&mut env);
    env
}

/// Parsed once per process: compiling the templates is most of a render's cost.
static MAIN_ENV: LazyLock<Environment<'static>> = LazyLock::new(main_environment);
static WORKFLOW_ENV: LazyLock<Environment<'static>> = LazyLock::new(workflow_environment);

fn main_environment() -> Environment<'static> {
    let mut env = environment(false);
    for (name, source) in TEMPLATES {
        // A broken embedded template is a bug in mkmulti, caught by every test that renders.
        env.add_template(name, source).expect("embedded templates are valid");
    }
    env
}

fn workflow_environment() -> Environment<'static> {
    let mut env = environment(true);
    env.add_template(TEMPLATE_WORKFLOW, WORKFLOW_TEMPLATE).expect("embedded templates are valid");
    env
}

/// Renders a template of `env` with its view, the one value it may read.
fn render_view<V: Serialize>(env: &Environment<'static>, name: &str, view: &V) -> String {
    let tmpl = env.get_template(name).expect("embedded templates exist");
    tmpl.render(context! { view => Value::from(Serde(view)) })
        .unwrap_or_else(|e| panic!("rendering {name} failed: a bug in mkmulti's templates: {e:#}"))
}

/// Renders every output the plan asks for, in a fixed order.
pub fn render(plan: &Plan) -> Vec<GeneratedFile> {
    let env = &*MAIN_ENV;
    let mut files = Vec::new();
    if plan.output.dockerfile {
        for app in &plan.apps {
            let template = match app.language {
                crate::config::Language::Go => TEMPLATE_DOCKERFILE_GO,
                crate::config::Language::Rust => TEMPLATE_DOCKERFILE_RUST,
            };
            let first = plan.output.syntax_directive.then_some("# syntax=docker/dockerfile:1");
            let body = render_view(env, template, &views::dockerfile::DockerfileView::new(plan, app));
            files.push(finish(plan, &app.dockerfile, first, &body, false));
        }
    }
    if plan.output.dockerignore {
        for view in views::dockerignore::DockerignoreView::all(plan) {
            let body = render_view(env, TEMPLATE_DOCKERIGNORE, &view);
            files.push(finish(plan, &view.path(), None, &body, false));
        }
    }
    if plan.output.makefile {
        let body = render_view(env, TEMPLATE_MAKEFILE, &views::makefile::MakefileView::new(plan));
        files.push(finish(plan, &plan.output.makefile_path, None, &body, false));
    }
    if plan.output.compose {
        let body = render_view(env, TEMPLATE_COMPOSE, &views::compose::ComposeView::new(plan));
        files.push(finish(plan, "compose.yaml", None, &body, false));
    }
    if plan.output.scripts {
        let shebang = Some("#!/usr/bin/env bash");
        let detect = render_view(env, TEMPLATE_DETECT, &views::scripts::DetectView::new(plan));
        files.push(finish(plan, crate::plan::SCRIPTS[0], shebang, &detect, true));
        let validate = render_view(env, TEMPLATE_VALIDATE, &views::scripts::ValidateView::new(plan));
        files.push(finish(plan, crate::plan::SCRIPTS[1], shebang, &validate, true));
    }
    if plan.output.bake {
        let body = render_view(env, TEMPLATE_BAKE, &views::bake::BakeView::new(plan));
        files.push(finish(plan, "docker-bake.hcl", None, &body, false));
    }
    if plan.output.workflow {
        let body = render_view(&WORKFLOW_ENV, TEMPLATE_WORKFLOW, &views::workflow::WorkflowView::new(plan));
        let config = match plan.ci.repo_dir.as_str() {
            "." => plan.config_file.clone(),
            dir => format!("{dir}/{}", plan.config_file),
        };
        files.push(finish_from(plan, &config, &plan.ci.workflow_path, None, &body, false));
    }
    if plan.output.multiarch_md {
        let body = render_view(env, TEMPLATE_GUIDE, &views::guide::GuideView::new(plan));
        files.push(finish_markdown(plan, MULTIARCH_MD, &body));
    }
    files
}

/// [`finish`] for Markdown: the header's lines inside an HTML comment, closed before the body.
fn finish_markdown(plan: &Plan, path: &str, body: &str) -> GeneratedFile {
    let mut file = finish(plan, path, Some(MARKDOWN_HEADER_OPEN), body, false);
    let hash_line_end =
        file.contents.find(HASH_MARKER).and_then(|at| file.contents[at..].find('\n').map(|n| at + n + 1));
    let at = hash_line_end.expect("finish writes the hash line");
    file.contents.insert_str(at, MARKDOWN_HEADER_CLOSE);
    file
}

/// Puts the header (after a shebang or parser directive, which must stay first) in front of a body and
/// ends the file with exactly one newline.
fn finish(plan: &Plan, path: &str, first_line: Option<&str>, body: &str, executable: bool) -> GeneratedFile {
    finish_from(plan, &plan.config_file, path, first_line, body, executable)
}

/// [`finish`] for a file whose header names the config as `config` (the workflow at the repository root names it
/// from there: `services/api/multiarch.toml`).
fn finish_from(
    plan: &Plan,
    config: &str,
    path: &str,
    first_line: Option<&str>,
    body: &str,
    executable: bool,
) -> GeneratedFile {
    let body = format!("{}\n", body.trim_matches('\n'));
    let mut contents = String::new();
    if let Some(line) = first_line {
        contents.push_str(line);
        contents.push('\n');
    }
    contents.push_str(&format!(
        "# Generated by mkmulti {} from {}. Do not edit: change the config and run `mkmulti generate`.\n",
        plan.mkmulti_version, config
    ));
    contents.push_str(HASH_MARKER);
    contents.push_str(&body_hash(&body));
    contents.push_str("\n\n");
    contents.push_str(&body);
    GeneratedFile { path: path.to_string(), contents, executable }
}

/// The hash recorded in a header: the first 16 hex digits of the body's SHA-256.
pub fn body_hash(body: &str) -> String {
    let digest = Sha256::digest(body.as_bytes());
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// Whether a file on disk is mkmulti output exactly as mkmulti wrote it. `None` when it carries no hash
/// (a file mkmulti did not write); `Some(false)` when a person has edited it since.
pub fn is_pristine(contents: &str) -> Option<bool> {
    let start = contents.find(HASH_MARKER)?;
    let line_end = contents[start..].find('\n')? + start;
    let recorded = &contents[start + HASH_MARKER.len()..line_end];
    let rest = &contents[line_end + 1..];
    let rest = rest.strip_prefix(MARKDOWN_HEADER_CLOSE).unwrap_or(rest);
    let body = rest.strip_prefix('\n').unwrap_or(rest);
    Some(recorded == body_hash(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pristine_files_are_recognised_and_edits_detected() {
        let body = "FROM scratch\n";
        let file = format!("# header\n{HASH_MARKER}{}\n\n{body}", body_hash(body));
        assert_eq!(is_pristine(&file), Some(true));
        assert_eq!(is_pristine(&file.replace("scratch", "alpine")), Some(false));
        assert_eq!(is_pristine("FROM scratch\n"), None);
    }

    #[test]
    fn a_markdown_header_is_one_html_comment_and_keeps_the_hash() {
        let text = "[project]\nname = \"p\"\n[registry]\nhost = \"ghcr.io\"\nnamespace = \"a\"\n[[app]]\nname = \"a\"\nlanguage = \"go\"\n";
        let Ok(loaded) = crate::load_str(text, "m.toml", "m.toml") else { panic!("valid") };
        let file = finish_markdown(&loaded.plan, "X.md", "# Title\n");
        let lines: Vec<&str> = file.contents.lines().collect();
        assert_eq!(lines[0], "<!--");
        assert!(lines[1].starts_with("# Generated by mkmulti "), "{}", file.contents);
        assert!(lines[2].starts_with(HASH_MARKER));
        assert_eq!(&lines[3..], ["-->", "", "# Title"]);
        assert_eq!(is_pristine(&file.contents), Some(true));
        assert_eq!(is_pristine(&file.contents.replace("Title", "Edited")), Some(false));
    }
}
