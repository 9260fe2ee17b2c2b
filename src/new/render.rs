//! A template's files rendered in memory: the variables checked, every `render` file through minijinja with the
//! project's escaping filters and strict undefined values, every path normalised and kept inside the new
//! repository. Nothing here touches the disk.

use std::collections::BTreeMap;

use minijinja::syntax::SyntaxConfig;
use minijinja::{Environment, UndefinedBehavior, Value};

use super::NewError;
use super::manifest::Globs;
use super::source::Template;

/// A file of the new repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutFile {
    pub path: String,
    pub bytes: Vec<u8>,
    pub executable: bool,
}

/// The variables a template renders with, every value already checked against its grammar.
pub type Vars = BTreeMap<String, String>;

/// The file name a template writes as `.gitignore` (a dotfile is awkward to ship in a template directory).
const GITIGNORE: &str = "gitignore";

/// The minijinja environment for template files: default delimiters, strict undefined, the trailing newline
/// kept, block tags leave no blank lines, no auto-escaping, and the project's sink filters plus `toml` and
/// `json` (a basic TOML string, a JSON string: also a Go or Rust string literal).
fn environment() -> Environment<'static> {
    let mut syntax = SyntaxConfig::builder();
    syntax.trim_blocks(true).lstrip_blocks(true).keep_trailing_newline(true);
    let mut env = Environment::new();
    env.set_syntax(syntax.build().expect("the template syntax settings are valid"));
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
    crate::render::filters::register(&mut env);
    env.add_filter("toml", |v: String| crate::toml_fmt::toml_str(&v));
    env.add_filter("json", |v: String| serde_json::to_string(&v).expect("a string serialises"));
    env
}

/// The values templates see: every variable a string, except `port`, a number (a template may compute a second
/// port from it, as rust-workspace's backend does).
fn context(vars: &Vars) -> BTreeMap<&str, Value> {
    vars.iter()
        .map(|(k, v)| {
            let value = match (k.as_str(), v.parse::<u16>()) {
                ("port", Ok(port)) => Value::from(port),
                _ => Value::from(v.as_str()),
            };
            (k.as_str(), value)
        })
        .collect()
}

/// Renders one string (a manifest's `[scaffold]` entry) with the variables; `what` names it in errors.
pub fn render_str(text: &str, vars: &Vars, what: &str) -> Result<String, NewError> {
    let env = environment();
    env.render_str(text, context(vars)).map_err(|e| NewError::Render(format!("{what}: {}", describe(&e))))
}

/// Every file of the template as it lands in the new repository, sorted by path.
pub fn render_files(template: &Template, vars: &Vars) -> Result<Vec<OutFile>, NewError> {
    let label = &template.label;
    let paths: Vec<&str> = template.files.iter().map(|f| f.path.as_str()).collect();
    let render = Globs::new(&template.manifest.files.render);
    let copy = template.manifest.files.copy.as_deref().map(Globs::new);
    for (globs, key) in [(Some(&render), "render"), (copy.as_ref(), "copy")] {
        if let Some(unused) = globs.and_then(|g| g.unused(paths.iter().copied())) {
            return Err(NewError::Template(format!(
                "{label}: `files.{key}` glob `{unused}` matches no file of the template"
            )));
        }
    }
    let mut env = environment();
    let mut out = Vec::new();
    for file in &template.files {
        let path =
            out_path(&file.path, vars).map_err(|why| NewError::Template(format!("{label}: {}: {why}", file.path)))?;
        let rendered = render.matches(&file.path);
        if !rendered && copy.as_ref().is_some_and(|c| !c.matches(&file.path)) {
            return Err(NewError::Template(format!(
                "{label}: {} matches neither `files.render` nor `files.copy`: add it to one",
                file.path
            )));
        }
        let bytes = if rendered {
            let text = std::str::from_utf8(&file.bytes)
                .map_err(|_| NewError::Template(format!("{label}: {} is rendered but is not UTF-8", file.path)))?;
            env.add_template_owned(file.path.clone(), text.to_string())
                .map_err(|e| NewError::Render(format!("{label}: {}", describe(&e))))?;
            let tmpl = env.get_template(&file.path).expect("just added");
            tmpl.render(context(vars)).map_err(|e| NewError::Render(format!("{label}: {}", describe(&e))))?.into_bytes()
        } else {
            file.bytes.clone()
        };
        out.push(OutFile { path, bytes, executable: file.executable });
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    if let Some(pair) = out.windows(2).find(|w| w[0].path == w[1].path) {
        return Err(NewError::Template(format!("{label}: two files render to {}", pair[0].path)));
    }
    Ok(out)
}

/// A minijinja error as `FILE:LINE: what`, with the chain of causes.
fn describe(e: &minijinja::Error) -> String {
    let mut s = match (e.name(), e.line()) {
        (Some(name), Some(line)) => format!("{name}:{line}: "),
        (Some(name), None) => format!("{name}: "),
        _ => String::new(),
    };
    s.push_str(&e.kind().to_string());
    if let Some(detail) = e.detail() {
        s.push_str(": ");
        s.push_str(detail);
    }
    let mut source = std::error::Error::source(e);
    while let Some(inner) = source {
        s.push_str(&format!(" (caused by {inner})"));
        source = inner.source();
    }
    s
}

/// A template file's path in the new repository: `{{name}}` and `{{crate}}` (the only variables a path may hold)
/// replaced, a file named `gitignore` written as `.gitignore`; it must be relative, normalised and inside.
pub fn out_path(path: &str, vars: &Vars) -> Result<String, String> {
    let mut replaced = path.to_string();
    for key in ["name", "crate"] {
        let value = vars.get(key).map_or("", String::as_str);
        replaced = replaced.replace(&format!("{{{{{key}}}}}"), value).replace(&format!("{{{{ {key} }}}}"), value);
    }
    if replaced.contains("{{") || replaced.contains("{%") || replaced.contains("}}") {
        return Err("a path may hold only `{{name}}` and `{{crate}}`".into());
    }
    if replaced.starts_with('/') || replaced.starts_with('\\') || replaced.contains(':') {
        return Err(format!("`{replaced}` is an absolute path: a template's paths stay inside the new repository"));
    }
    let mut parts: Vec<&str> = Vec::new();
    for part in replaced.split('/') {
        match part {
            "" | "." => return Err(format!("`{replaced}` is not a normalised path")),
            ".." => return Err(format!("`{replaced}` leaves the new repository")),
            p if p.contains('\\') => return Err(format!("`{replaced}` holds a backslash")),
            p => parts.push(p),
        }
    }
    if parts.first() == Some(&".git") {
        return Err("a template cannot write into .git".into());
    }
    if parts.last() == Some(&GITIGNORE) {
        *parts.last_mut().expect("non-empty") = ".gitignore";
    }
    Ok(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars() -> Vars {
        [("name", "my-svc"), ("crate", "my_svc")].into_iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn paths_take_the_name_and_stay_inside() {
        let v = vars();
        assert_eq!(out_path("crates/{{name}}-backend/Cargo.toml", &v).unwrap(), "crates/my-svc-backend/Cargo.toml");
        assert_eq!(out_path("src/{{ crate }}.rs", &v).unwrap(), "src/my_svc.rs");
        assert_eq!(out_path("gitignore", &v).unwrap(), ".gitignore");
        assert_eq!(out_path("web/gitignore", &v).unwrap(), "web/.gitignore");
        for bad in
            ["../x", "a/../../x", "/etc/passwd", "C:/x", "a//b", "./a", "{{module}}/x", ".git/config", "a\\..\\b"]
        {
            assert!(out_path(bad, &v).is_err(), "{bad}");
        }
    }

    #[test]
    fn render_errors_name_the_file_and_line() {
        let env = environment();
        let mut env = env;
        env.add_template_owned("main.go".to_string(), "a\nb {{ nope }}\n".to_string()).unwrap();
        let e = env.get_template("main.go").unwrap().render(vars()).unwrap_err();
        assert!(describe(&e).starts_with("main.go:2: undefined value"), "{}", describe(&e));
        let e = env.add_template_owned("x.rs".to_string(), "\n\n{% if %}".to_string()).unwrap_err();
        assert!(describe(&e).starts_with("x.rs:3: syntax error"), "{}", describe(&e));
    }
}
