//! Escaping filters, one per sink. Values reaching them have passed their grammar check already; these make
//! sure that even so, no value can change the structure of the file it lands in.

use minijinja::{Environment, Error, ErrorKind, Value};

pub fn register(env: &mut Environment<'_>) {
    env.add_filter("sh", |v: String| sh(&v));
    env.add_filter("make", |v: String| make(&v));
    env.add_filter("make_recipe", |v: String| make_recipe(&v));
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
