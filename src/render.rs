//! Pass 3: render the plan into files, in memory. Nothing here touches the disk.
//!
//! Templates hold layout; every user string reaches a file through the escaping filter of its sink
//! (see [`filters`]). Each file gets a header naming mkmulti and the config, and a hash of its body so a later
//! `generate` can tell a person's edit from its own output.

use minijinja::syntax::SyntaxConfig;
use minijinja::value::Serde;
use minijinja::{Environment, UndefinedBehavior, Value, context};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::sync::LazyLock;

use crate::plan::{AppPlan, Plan, PlatformPlan};

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
pub const TEMPLATE_MAKEFILE: &str = "Makefile.j2";
pub const TEMPLATE_COMPOSE: &str = "compose.yaml.j2";
pub const TEMPLATE_DETECT: &str = "detect-platform.sh.j2";
pub const TEMPLATE_VALIDATE: &str = "validate-multiarch.sh.j2";
/// `machine` and `platform_of`, the shell functions both scripts use to name this machine's platform.
pub const TEMPLATE_PLATFORM_SH: &str = "platform.sh.j2";
pub const TEMPLATE_DOCKERIGNORE: &str = "dockerignore.j2";
pub const TEMPLATE_WORKFLOW: &str = "workflow.yml.j2";
pub const TEMPLATE_BAKE: &str = "docker-bake.hcl.j2";

/// The templates, embedded at compile time.
const TEMPLATES: &[(&str, &str)] = &[
    (TEMPLATE_DOCKERFILE_GO, include_str!("../templates/Dockerfile.go.j2")),
    (TEMPLATE_DOCKERFILE_RUST, include_str!("../templates/Dockerfile.rust.j2")),
    (TEMPLATE_RUNTIME, include_str!("../templates/runtime.j2")),
    (TEMPLATE_DOCKERFILE_MACROS, include_str!("../templates/dockerfile.macros.j2")),
    (TEMPLATE_MAKEFILE, include_str!("../templates/Makefile.j2")),
    (TEMPLATE_COMPOSE, include_str!("../templates/compose.yaml.j2")),
    (TEMPLATE_DETECT, include_str!("../templates/detect-platform.sh.j2")),
    (TEMPLATE_VALIDATE, include_str!("../templates/validate-multiarch.sh.j2")),
    (TEMPLATE_PLATFORM_SH, include_str!("../templates/platform.sh.j2")),
    (TEMPLATE_DOCKERIGNORE, include_str!("../templates/dockerignore.j2")),
    (TEMPLATE_BAKE, include_str!("../templates/docker-bake.hcl.j2")),
];

/// The workflow template uses `[[ ]]` / `[% %]` delimiters so GitHub's `${{ }}` is plain text to it.
const WORKFLOW_TEMPLATE: &str = include_str!("../templates/workflow.yml.j2");

/// The line that carries a generated file's body hash.
pub const HASH_MARKER: &str = "# mkmulti-hash: ";

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

/// Renders every output the plan asks for, in a fixed order.
pub fn render(plan: &Plan) -> Vec<GeneratedFile> {
    let env = &*MAIN_ENV;
    let mut files = Vec::new();
    let all_platforms: Vec<PlatformPlan> =
        crate::platform::PLATFORMS.iter().map(|p| PlatformPlan::new(p, false)).collect();
    let render = |name: &str, app: Option<&AppPlan>| -> String {
        let tmpl = env.get_template(name).expect("embedded templates exist");
        tmpl.render(context! { plan => Value::from(Serde(plan)), app => Value::from(Serde(app)), all_platforms => Value::from(Serde(&all_platforms)) })
            .unwrap_or_else(|e| panic!("rendering {name} failed: a bug in mkmulti's templates: {e:#}"))
    };
    if plan.output.dockerfile {
        for app in &plan.apps {
            let template = match app.language {
                crate::config::Language::Go => TEMPLATE_DOCKERFILE_GO,
                crate::config::Language::Rust => TEMPLATE_DOCKERFILE_RUST,
            };
            let first = plan.output.syntax_directive.then_some("# syntax=docker/dockerfile:1");
            files.push(finish(plan, &app.dockerfile, first, &render(template, Some(app)), false));
        }
    }
    if plan.output.dockerignore {
        files.push(finish(plan, ".dockerignore", None, &render(TEMPLATE_DOCKERIGNORE, None), false));
    }
    if plan.output.makefile {
        files.push(finish(plan, "Makefile", None, &render(TEMPLATE_MAKEFILE, None), false));
    }
    if plan.output.compose {
        files.push(finish(plan, "compose.yaml", None, &render(TEMPLATE_COMPOSE, None), false));
    }
    if plan.output.scripts {
        let shebang = Some("#!/usr/bin/env bash");
        files.push(finish(plan, "scripts/detect-platform.sh", shebang, &render(TEMPLATE_DETECT, None), true));
        files.push(finish(plan, "scripts/validate-multiarch.sh", shebang, &render(TEMPLATE_VALIDATE, None), true));
    }
    if plan.output.bake {
        files.push(finish(plan, "docker-bake.hcl", None, &render(TEMPLATE_BAKE, None), false));
    }
    if plan.output.workflow {
        let tmpl = WORKFLOW_ENV.get_template(TEMPLATE_WORKFLOW).expect("embedded templates exist");
        let body = tmpl
            .render(context! { plan => Value::from(Serde(plan)) })
            .unwrap_or_else(|e| panic!("rendering the workflow failed: a bug in mkmulti's templates: {e:#}"));
        files.push(finish(plan, &plan.ci.workflow_path, None, &body, false));
    }
    files
}

/// Puts the header (after a shebang or parser directive, which must stay first) in front of a body and
/// ends the file with exactly one newline.
fn finish(plan: &Plan, path: &str, first_line: Option<&str>, body: &str, executable: bool) -> GeneratedFile {
    let body = format!("{}\n", body.trim_matches('\n'));
    let mut contents = String::new();
    if let Some(line) = first_line {
        contents.push_str(line);
        contents.push('\n');
    }
    contents.push_str(&format!(
        "# Generated by mkmulti {} from {}. Do not edit: change the config and run `mkmulti generate`.\n",
        plan.mkmulti_version, plan.config_file
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
    let body = contents[line_end + 1..].strip_prefix('\n').unwrap_or(&contents[line_end + 1..]);
    Some(recorded == body_hash(body))
}

/// Escaping filters, one per sink. Values reaching them have passed their grammar check already; these make
/// sure that even so, no value can change the structure of the file it lands in.
pub mod filters {
    use minijinja::{Environment, Error, ErrorKind, Value};

    pub fn register(env: &mut Environment<'_>) {
        env.add_filter("sh", |v: String| sh(&v));
        env.add_filter("make", |v: String| make(&v));
        env.add_filter("make_sh", |v: String| make_recipe(&sh(&v)));
        env.add_filter("yaml", |v: String| yaml(&v));
        env.add_filter("compose", |v: String| compose(&v));
        env.add_filter("dq", |v: String| docker_quoted(&v));
        env.add_filter("exec", exec_form);
        env.add_filter("hcl", |v: String| hcl(&v));
    }

    /// POSIX shell single quotes: `it's` -> `'it'\''s'`.
    pub fn sh(v: &str) -> String {
        format!("'{}'", v.replace('\'', r"'\''"))
    }

    /// A literal in a make variable: `$` doubled, `#` escaped so it does not start a comment.
    pub fn make(v: &str) -> String {
        make_recipe(v).replace('#', r"\#")
    }

    /// A literal in a make recipe line: `$` doubled. `#` is not a comment there, and make would pass a `\#`
    /// on to the shell unchanged, so it is left alone.
    pub fn make_recipe(v: &str) -> String {
        v.replace('$', "$$")
    }

    /// A YAML double-quoted scalar. JSON strings are valid YAML double-quoted scalars, except that JSON leaves
    /// U+2028 and U+2029 raw, and YAML parsers (libyaml, go-yaml) read them as line breaks and fold the
    /// whitespace around them: those two are escaped.
    pub fn yaml(v: &str) -> String {
        serde_json::to_string(v)
            .expect("strings always serialise")
            .replace('\u{2028}', "\\u2028")
            .replace('\u{2029}', "\\u2029")
    }

    /// A compose value: a YAML double-quoted scalar with `$` doubled so compose does not interpolate it.
    pub fn compose(v: &str) -> String {
        yaml(&v.replace('$', "$$"))
    }

    /// A Dockerfile `ENV`/`LABEL`/`ARG` value in double quotes: `\`, `"` and `$` escaped.
    pub fn docker_quoted(v: &str) -> String {
        let mut out = String::with_capacity(v.len() + 2);
        out.push('"');
        for c in v.chars() {
            if matches!(c, '\\' | '"' | '$') {
                out.push('\\');
            }
            out.push(c);
        }
        out.push('"');
        out
    }

    /// An HCL quoted string (Bake files): JSON escapes are HCL's, and `${` / `%{` are doubled so a value
    /// can never start an interpolation or a template directive.
    pub fn hcl(v: &str) -> String {
        yaml(v).replace("${", "$${").replace("%{", "%%{")
    }

    /// A Dockerfile exec-form array (`["a", "b"]`), written by a JSON serialiser so it can never degrade
    /// into shell form.
    pub fn exec_form(v: Value) -> Result<String, Error> {
        let words: Vec<String> = v
            .try_iter()?
            .map(|w| {
                w.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| Error::new(ErrorKind::InvalidOperation, "exec form takes strings"))
            })
            .collect::<Result<_, _>>()?;
        // Each word by the JSON serialiser, joined with `, ` between words (never inside one).
        let quoted: Vec<String> =
            words.iter().map(|w| serde_json::to_string(w).expect("strings always serialise")).collect();
        Ok(format!("[{}]", quoted.join(", ")))
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn sh_quotes_everything_literally() {
            assert_eq!(sh("plain"), "'plain'");
            assert_eq!(sh("it's $(rm -rf /) `x` \"y\""), r#"'it'\''s $(rm -rf /) `x` "y"'"#);
            assert_eq!(sh(""), "''");
        }

        #[test]
        fn make_doubles_dollars_and_escapes_comments() {
            assert_eq!(make("a$b#c"), r"a$$b\#c");
            assert_eq!(make_recipe(&sh("$HOME#x")), "'$$HOME#x'", "a recipe keeps `#` as it is");
        }

        #[test]
        fn yaml_escapes_the_unicode_line_separators() {
            assert_eq!(yaml("a\u{2028}b\u{2029}"), r#""a\u2028b\u2029""#);
        }

        #[test]
        fn yaml_and_compose_are_double_quoted() {
            assert_eq!(yaml("no"), "\"no\"");
            assert_eq!(yaml("a \"b\" \\ c"), r#""a \"b\" \\ c""#);
            assert_eq!(compose("${X}"), "\"$${X}\"");
        }

        #[test]
        fn hcl_strings_cannot_interpolate() {
            assert_eq!(hcl("plain"), "\"plain\"");
            assert_eq!(hcl("${TAG} %{if x} \"q\" \\"), r#""$${TAG} %%{if x} \"q\" \\""#);
            assert_eq!(hcl("a\nb"), r#""a\nb""#);
        }

        #[test]
        fn docker_quoted_escapes_expansion_and_quotes() {
            assert_eq!(docker_quoted(r#"a "b" $c \d"#), r#""a \"b\" \$c \\d""#);
        }

        #[test]
        fn exec_form_is_json() {
            let v = Value::from(minijinja::value::Serde(["/usr/local/bin/app", "say \"hi\"", "$HOME"]));
            assert_eq!(exec_form(v).unwrap(), r#"["/usr/local/bin/app", "say \"hi\"", "$HOME"]"#);
            assert!(exec_form(Value::from(minijinja::value::Serde([1, 2]))).is_err());
            let tricky = Value::from(minijinja::value::Serde([",", "a\",", "b"]));
            assert_eq!(exec_form(tricky).unwrap(), r#"[",", "a\",", "b"]"#);
        }
    }
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
}
