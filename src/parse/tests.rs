use super::*;

#[test]
fn decode_refuses_binary_and_non_utf8() {
    assert!(decode(b"a = 1\n").is_ok());
    assert!(decode(b"a = \x00").unwrap_err().message.contains("NUL"));
    assert!(decode(b"a = \"\xff\"").unwrap_err().message.contains("UTF-8"));
    assert!(decode(&vec![b' '; MAX_CONFIG_BYTES + 1]).unwrap_err().message.contains("at most"));
}

/// The errors of a config as `(line, key path, message, help)`, in the order they are reported.
fn errors(text: &str) -> (Parsed, Vec<(usize, String, String, String)>) {
    let source = Source::new("m.toml", text);
    let parsed = parse(&source);
    let rows = parsed
        .diagnostics
        .iter()
        .map(|d| {
            let line = source.position(d).map_or(0, |p| source.line_col(p).0);
            let path = d.path.as_ref().map(ToString::to_string).unwrap_or_default();
            (line, path, d.message.clone(), d.help.clone().unwrap_or_default())
        })
        .collect();
    (parsed, rows)
}

const APP: &str = "[[app]]\nname = \"a\"\nlanguage = \"go\"\n";

#[test]
fn a_valid_config_reads_without_diagnostics() {
    let (parsed, rows) = errors(&format!("[project]\nname = \"p\"\n{APP}"));
    assert!(rows.is_empty(), "{rows:?}");
    assert!(parsed.broken.is_empty());
    assert_eq!(parsed.config.unwrap().app[0].name, "a");
}

#[test]
fn every_structural_error_is_reported_in_file_order() {
    // serde reads keys in sorted order (`ci` before `project`) and stops at the first error; all are found.
    let text = format!(
        "[project]\nname = \"p\"\nnmae = \"q\"\n\n[ci]\nstrategy = \"nativ\"\ncache = \"yes\"\n\n{APP}ports = \"80\"\n"
    );
    let (parsed, rows) = errors(&text);
    let lines: Vec<usize> = rows.iter().map(|r| r.0).collect();
    assert_eq!(lines, [3, 6, 7, 12], "{rows:?}");
    assert_eq!(rows[0].1, "project.nmae");
    assert_eq!(rows[0].2, "unknown key `nmae`");
    assert_eq!(rows[0].3, "did you mean `name`?");
    assert_eq!(rows[1].1, "ci.strategy");
    assert_eq!(rows[1].2, "unknown value `nativ` for `strategy`");
    assert_eq!(rows[1].3, "did you mean `native`?");
    assert_eq!(rows[2].2, "wrong type: expected a boolean, found a string");
    assert_eq!(rows[3].1, "app[0].ports");
    assert_eq!(rows[3].3, "write an array of numbers, in brackets: `[80]`");
    let broken: Vec<String> = parsed.broken.iter().map(ToString::to_string).collect();
    assert_eq!(broken, ["app[0]", "ci", "project"], "in the order serde met them: sorted keys");
    assert!(parsed.config.is_some(), "the broken keys are left out, the rest still reads");
}

#[test]
fn errors_inside_one_table_and_one_array_are_all_found() {
    let text = format!("[project]\nname = \"p\"\n{APP}runtme = \"alpine\"\nuid = -1\nports = [1, \"2\", 70000]\n");
    let (_, rows) = errors(&text);
    let paths: Vec<&str> = rows.iter().map(|r| r.1.as_str()).collect();
    assert_eq!(paths, ["app[0].runtme", "app[0].uid", "app[0].ports[1]", "app[0].ports[2]"], "{rows:?}");
    assert_eq!(rows[2].3, "remove the quotes: `2`");
    assert_eq!(rows[3].3, "a port is a number from 1 to 65535");
}

#[test]
fn unknown_keys_at_every_depth_get_a_suggestion() {
    let text = format!(
        "platfrom = 1\n[project]\nname = \"p\"\n{APP}cgo = true\ngo.ldflag = []\nhealthcheck = {{ comand = [\"a\"] }}\ncompose = {{ restrat = \"no\" }}\n"
    );
    let (_, rows) = errors(&text);
    let found: Vec<(&str, &str)> = rows.iter().map(|r| (r.1.as_str(), r.3.as_str())).collect();
    assert_eq!(
        found,
        [
            ("platfrom", "did you mean `platforms`, a key of `[project]` and `[[app]]`?"),
            ("app[0].cgo", "did you mean `go.cgo`?"),
            ("app[0].go.ldflag", "did you mean `ldflags`?"),
            ("app[0].healthcheck.comand", "did you mean `command`?"),
            ("app[0].compose.restrat", "did you mean `restart`?"),
        ],
        "a typo of a required key does not also report the key as missing"
    );
}

#[test]
fn unknown_values_get_the_nearest_allowed_one() {
    let text = format!(
        "[project]\nname = \"p\"\n{APP}runtime = \"distroles\"\nrust.libc = \"MUSL\"\ncompose.restart = \"allways\"\n"
    );
    let (_, rows) = errors(&text);
    let helps: Vec<&str> = rows.iter().map(|r| r.3.as_str()).collect();
    assert_eq!(helps, ["did you mean `distroless`?", "did you mean `musl`?", "did you mean `always`?"]);
    let (_, rows) = errors(&format!("[project]\nname = \"p\"\n{APP}runtime = 5\n"));
    assert_eq!(rows[0].2, "wrong type: expected a string, found an integer");
    assert!(rows[0].3.starts_with("write one of: `\"scratch\"`, `\"distroless\"`"), "{rows:?}");
}

#[test]
fn a_broken_required_key_keeps_the_apps_numbered() {
    // The first app's language is broken: a stand-in keeps it in place, so the second app is still app[1]
    // and the config can still be checked; the first app is marked broken.
    let text = format!("[project]\nname = \"p\"\n[[app]]\nname = \"a\"\nlanguage = \"Go\"\n{APP}");
    let (parsed, rows) = errors(&text);
    assert_eq!(rows.len(), 1, "the missing language is a consequence, not news: {rows:?}");
    assert_eq!(rows[0].3, "did you mean `go`?");
    let config = parsed.config.expect("still checkable");
    assert_eq!(config.app.len(), 2);
    assert_eq!(parsed.broken, [KeyPath::root().key("app").index(0)]);
}

#[test]
fn an_unreadable_app_or_a_missing_section_stops_the_checks() {
    let (parsed, rows) = errors("app = [1]\n[project]\nname = \"p\"\n");
    assert_eq!(rows[0].2, "wrong type: expected a table, found an integer");
    assert!(parsed.config.is_none());
    let (parsed, rows) = errors("[project]\nname = \"p\"\n[app]\nname = \"a\"\n");
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0].3, "each app is an array entry: write `[[app]]`, with two brackets");
    assert!(parsed.config.is_none());
    let (parsed, rows) = errors(&format!("[project]\nnme = \"p\"\n{APP}"));
    assert_eq!(rows.iter().map(|r| r.2.as_str()).collect::<Vec<_>>(), ["unknown key `nme`"], "{rows:?}");
    assert!(parsed.config.is_some(), "a stand-in name keeps the rest checkable");
    let (parsed, rows) = errors("[project]\nname = \"p\"\n");
    assert_eq!((rows[0].0, rows[0].2.as_str()), (0, "missing key `app`"), "about the file, not a line");
    assert!(parsed.config.is_none());
}

#[test]
fn syntax_errors_are_all_reported_until_the_parser_loses_track() {
    let (parsed, rows) = errors("[project]\nname = \"p\nname = 1\nlanguage = go\n[ci\n");
    assert!(parsed.config.is_none());
    let found: Vec<(usize, &str)> = rows.iter().map(|r| (r.0, r.2.as_str())).collect();
    assert_eq!(
        found,
        [
            (2, "invalid TOML: the string is not closed before the end of the line"),
            (3, "invalid TOML: duplicate key `name`"),
            (4, "invalid TOML: string values must be quoted, expected literal string"),
            (5, "invalid TOML: unclosed table, expected `]`"),
        ]
    );
    assert_eq!(rows[2].3, "put the value in double quotes: `\"go\"`");
    // In an unclosed array every later line reads as items: one error, not one per line.
    let (_, rows) = errors("a = [1, 2\nb = 1\nc = 2\nd = 3\n");
    assert_eq!(rows.len(), 1, "{rows:?}");
}

#[test]
fn utf16_files_are_named_as_such() {
    let text = "[project]\nname = \"p\"\n";
    let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
    assert_eq!(decode(&le).unwrap_err().message, "the file is UTF-16 (little-endian), not UTF-8");
    assert_eq!(decode(&be).unwrap_err().message, "the file is UTF-16 (big-endian), not UTF-8");
    let bom: Vec<u8> = [0xFF, 0xFE].into_iter().chain(le).collect();
    assert_eq!(decode(&bom).unwrap_err().message, "the file is UTF-16 (little-endian), not UTF-8");
    assert!(decode(b"a\0b").unwrap_err().message.contains("NUL byte"), "a lone NUL is still binary");
}

#[test]
fn over_deep_keys_are_located() {
    let deep = format!("[project]\nname = \"p\"\n[{}]\nx = 1\n", vec!["a"; 300].join("."));
    let source = Source::new("m.toml", &deep);
    let found = parse(&source).diagnostics;
    assert_eq!(found.len(), 1);
    let span = found[0].span.clone().expect("located");
    assert_eq!(source.line_col(span.start).0, 3, "{found:?}");
    assert!(found[0].message.contains("nested too deep"));
}
