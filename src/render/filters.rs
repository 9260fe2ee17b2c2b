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
    env.add_filter("md", |v: String| markdown(&v));
    env.add_filter("md_code", |v: String| markdown_code(&v));
    env.add_filter("mermaid", |v: String| mermaid(&v));
}

/// Markdown inline text (CommonMark with GitHub's extensions), reading as itself wherever it stands: in a
/// paragraph, a heading, a list item or a table cell. Backslash-escaped: every character that opens inline
/// structure anywhere (emphasis, code, links, HTML, entities, table cells, strikethrough, math), and the first
/// character when it is any punctuation, or the `.`/`)` after leading digits, so a value cannot start a heading,
/// list, quote or rule. Leading spaces become `&#32;` (four would start a code block). Free text has no line
/// breaks (its grammar refuses control characters), so it stays one line.
pub fn markdown(v: &str) -> String {
    const INLINE: &[char] = &['\\', '`', '*', '_', '[', ']', '<', '>', '&', '|', '~', '$', '!', '#'];
    let body = v.trim_start_matches(' ');
    let mut out = "&#32;".repeat(v.len() - body.len());
    let digits = body.chars().take_while(char::is_ascii_digit).count();
    for (i, c) in body.chars().enumerate() {
        let list_marker = i == digits && digits > 0 && matches!(c, '.' | ')');
        if INLINE.contains(&c) || (i == 0 && c.is_ascii_punctuation()) || list_marker {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A Markdown code span holding `v` literally: fenced by one backtick more than its longest run of backticks,
/// with a space inside each fence when `v` starts or ends with a backtick (CommonMark strips one such space).
pub fn markdown_code(v: &str) -> String {
    let longest = v.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if v.starts_with('`') || v.ends_with('`') { " " } else { "" };
    format!("{fence}{pad}{v}{pad}{fence}")
}

/// A Mermaid node label in double quotes: `"`, `#`, `<`, `>`, `&` and the backtick written as Mermaid's entity
/// codes (`#quot;`...), so a value cannot end the label, start an entity or HTML, or close the Markdown fence.
pub fn mermaid(v: &str) -> String {
    let mut out = String::with_capacity(v.len() + 2);
    out.push('"');
    for c in v.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '#' => out.push_str("#35;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '&' => out.push_str("#amp;"),
            '`' => out.push_str("#96;"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// POSIX shell single quotes: `it's` -> `'it'\''s'`.
///
/// A word holding `$`, a backtick or a backslash is written in double quotes with those (and `"`) escaped
/// instead: the same word to the shell, and shellcheck reads `'$x'` as a forgotten expansion (SC2016) and a
/// single-quoted word ending in `\\` as a forgotten escape (SC1003).
pub fn sh(v: &str) -> String {
    if v.contains(['$', '`', '\\']) {
        let mut out = String::with_capacity(v.len() + 2);
        out.push('"');
        for c in v.chars() {
            if matches!(c, '$' | '`' | '\\' | '"') {
                out.push('\\');
            }
            out.push(c);
        }
        out.push('"');
        return out;
    }
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
///
/// BuildKit reads `"a\\"` as `a\`, but hadolint's parser takes a `\\` right before a `"` for an escaped quote
/// and fails. So a run of backslashes before a `"` or at the end is written outside the quotes (`"a"\\""`):
/// one word to BuildKit's lexer, and a line hadolint parses.
pub fn docker_quoted(v: &str) -> String {
    let chars: Vec<char> = v.chars().collect();
    let mut out = String::with_capacity(v.len() + 2);
    out.push('"');
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '\\' {
            let run = chars[i..].iter().take_while(|c| **c == '\\').count();
            let outside = matches!(chars.get(i + run), None | Some('"'));
            if outside {
                out.push('"');
            }
            out.push_str(&"\\\\".repeat(run));
            if outside {
                out.push('"');
            }
            i += run;
            continue;
        }
        if matches!(chars[i], '"' | '$') {
            out.push('\\');
        }
        out.push(chars[i]);
        i += 1;
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
    let quoted: Vec<String> = words.iter().map(|w| json_string(w)).collect();
    Ok(format!("[{}]", quoted.join(", ")))
}

/// A JSON string with a backslash written `\u005c`: the same string to BuildKit's JSON reader, while hadolint
/// reads a `\\` before a quote as an escaped quote and calls the whole array shell form (DL3025).
fn json_string(word: &str) -> String {
    let json = serde_json::to_string(word).expect("strings always serialise");
    let mut out = String::with_capacity(json.len());
    let mut chars = json.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('\\') => out.push_str("\\u005c"),
            Some(escaped) => {
                out.push('\\');
                out.push(escaped);
            }
            None => out.push('\\'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sh_quotes_everything_literally() {
        assert_eq!(sh("plain"), "'plain'");
        assert_eq!(sh("it's \"y\""), r#"'it'\''s "y"'"#);
        assert_eq!(sh("it's $(rm -rf /) `x` \"y\""), r#""it's \$(rm -rf /) \`x\` \"y\"""#);
        assert_eq!(sh(r"a\"), r#""a\\""#);
        assert_eq!(sh(""), "''");
    }

    #[test]
    fn sh_words_read_back_unchanged_by_a_shell() {
        for word in ["plain", "it's", "$HOME", r"a\", "`x`", "\"q\"", r"%r\0N\", "$(id)", "a'b$c\\d\"e`f"] {
            let out = std::process::Command::new("sh").arg("-c").arg(format!("printf '%s' {}", sh(word))).output();
            assert_eq!(String::from_utf8(out.unwrap().stdout).unwrap(), word);
        }
    }

    #[test]
    fn make_doubles_dollars_and_escapes_comments() {
        assert_eq!(make("a$b#c"), r"a$$b\#c");
        assert_eq!(make_recipe(&sh("$HOME#x")), r#""\$$HOME#x""#, "a recipe keeps `#` as it is");
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
    fn exec_form_writes_backslashes_as_unicode_escapes() {
        let v = Value::from(minijinja::value::Serde(["a\\", "b\\\"c", "\u{2028}"]));
        let out = exec_form(v).unwrap();
        assert_eq!(out, "[\"a\\u005c\", \"b\\u005c\\\"c\", \"\u{2028}\"]");
        let back: Vec<String> = serde_json::from_str(&out).unwrap();
        assert_eq!(back, ["a\\", "b\\\"c", "\u{2028}"]);
    }

    #[test]
    fn backslashes_before_a_quote_or_the_end_stand_outside_the_quotes() {
        assert_eq!(docker_quoted(r"a\"), r#""a"\\"""#);
        assert_eq!(docker_quoted(r#"x\"y"#), r#""x"\\"\"y""#);
        assert_eq!(docker_quoted(r"\\"), r#"""\\\\"""#);
        assert_eq!(docker_quoted(r"^\d+$"), r#""^\\d+\$""#);
    }

    /// Parses `text` as Markdown with every extension pulldown-cmark has (GitHub's tables, strikethrough, math...)
    /// but smart punctuation (which GitHub does not do), and returns its events, text runs merged.
    fn markdown_events(text: &str) -> Vec<pulldown_cmark::Event<'_>> {
        let options = pulldown_cmark::Options::all().difference(pulldown_cmark::Options::ENABLE_SMART_PUNCTUATION);
        let parser = pulldown_cmark::Parser::new_ext(text, options);
        pulldown_cmark::TextMergeStream::new(parser).collect()
    }

    const HOSTILE_MARKDOWN: &[&str] = &[
        "# heading",
        "- item",
        "+ item",
        "1. item",
        "12) item",
        "    indented code",
        "*em* _em_ **strong** ~~gone~~",
        "[link](http://x) ![img](y) [^note] [[wiki]]",
        "<b>html</b> <!-- comment --> <https://x>",
        "`code` ```fence",
        "| a | b |",
        "a \\ b \\",
        "&amp; &#35;",
        "> quote",
        "<branch>; sha-<short commit>",
        "===",
        "---",
        "$x^2$ $$y$$",
        "plain: text, 1.2.3 (v1)",
    ];

    #[test]
    fn markdown_text_is_one_paragraph_of_itself() {
        use pulldown_cmark::{Event, Tag, TagEnd};
        for text in HOSTILE_MARKDOWN {
            let escaped = markdown(text);
            let events = markdown_events(&escaped);
            assert_eq!(
                events,
                [Event::Start(Tag::Paragraph), Event::Text((*text).into()), Event::End(TagEnd::Paragraph)],
                "{text} -> {escaped}"
            );
        }
        assert_eq!(markdown("rust-crates 1.2"), "rust-crates 1.2", "only what could be structure is escaped");
    }

    #[test]
    fn markdown_text_stays_in_its_heading_and_table_cell() {
        use pulldown_cmark::{Event, Tag};
        for text in HOSTILE_MARKDOWN {
            let heading = format!("### {}", markdown(text));
            let events = markdown_events(&heading);
            assert!(matches!(events[0], Event::Start(Tag::Heading { .. })), "{heading}");
            assert_eq!(events[1], Event::Text((*text).into()), "{heading}");
            assert_eq!(events.len(), 3, "{heading}: {events:?}");
            let table = format!("| a | b |\n|---|---|\n| {} | x |\n", markdown(text));
            let cells = markdown_events(&table).iter().filter(|e| matches!(e, Event::Start(Tag::TableCell))).count();
            assert_eq!(cells, 4, "{table}");
        }
    }

    #[test]
    fn markdown_code_spans_hold_any_backticks() {
        use pulldown_cmark::Event;
        for text in ["plain", "a`b", "``", "`start", "end`", "a ``` b"] {
            let code = markdown_code(text);
            let events = markdown_events(&code);
            assert_eq!(events[1], Event::Code(text.into()), "{text} -> {code}");
        }
    }

    #[test]
    fn mermaid_labels_cannot_close_the_quote() {
        assert_eq!(mermaid("plain $BUILDPLATFORM"), "\"plain $BUILDPLATFORM\"");
        assert_eq!(mermaid("a\"b#c<d>e&f`g"), "\"a#quot;b#35;c#lt;d#gt;e#amp;f#96;g\"");
        assert!(!mermaid("x\"] --> y[\"z")[1..].trim_end_matches('"').contains('"'));
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
