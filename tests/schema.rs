//! The JSON schema: checked in, current, and describing every example.

use crate::util;

#[test]
fn checked_in_schema_is_current() {
    let path = util::root().join("schema/multiarch.schema.json");
    let fresh = mkmulti::schema::json();
    if std::env::var_os("MKMULTI_UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &fresh).unwrap();
    }
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        current == fresh,
        "schema/multiarch.schema.json is stale: run `MKMULTI_UPDATE_SCHEMA=1 cargo test schema` and commit it"
    );
}

fn validator() -> jsonschema::Validator {
    let schema: serde_json::Value = serde_json::from_str(&mkmulti::schema::json()).unwrap();
    jsonschema::validator_for(&schema).expect("the schema is a valid JSON schema")
}

fn as_json(toml_text: &str) -> serde_json::Value {
    let value: toml::Value = toml::from_str(toml_text).expect("valid TOML");
    serde_json::to_value(value).unwrap()
}

#[test]
fn every_example_validates_against_the_schema() {
    let v = validator();
    for dir in util::examples() {
        let text = std::fs::read_to_string(dir.join("multiarch.toml")).unwrap();
        assert!(
            text.starts_with("#:schema ../../schema/multiarch.schema.json\n"),
            "{}: no #:schema line",
            dir.display()
        );
        let errors: Vec<String> = v.iter_errors(&as_json(&text)).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{}: {errors:?}", dir.display());
    }
}

#[test]
fn schema_rejects_what_the_parser_rejects() {
    let v = validator();
    let cases = [
        ("unknown key", "[project]\nname = \"a\"\nplatfroms = []\n[[app]]\nname = \"a\"\nlanguage = \"go\"\n"),
        ("bad enum", "[project]\nname = \"a\"\n[[app]]\nname = \"a\"\nlanguage = \"python\"\n"),
        ("missing app", "[project]\nname = \"a\"\n"),
        ("wrong type", "[project]\nname = \"a\"\n[[app]]\nname = \"a\"\nlanguage = \"go\"\nports = \"8080\"\n"),
        ("port out of range", "[project]\nname = \"a\"\n[[app]]\nname = \"a\"\nlanguage = \"go\"\nports = [70000]\n"),
        ("bad name", "[project]\nname = \"My_App\"\n[[app]]\nname = \"a\"\nlanguage = \"go\"\n"),
        (
            "name too long",
            &format!("[project]\nname = \"{}\"\n[[app]]\nname = \"a\"\nlanguage = \"go\"\n", "a".repeat(64)),
        ),
        (
            "32-bit arm with arm64's variant",
            "[project]\nname = \"a\"\nplatforms = [\"linux/arm/v8\"]\n[[app]]\nname = \"a\"\nlanguage = \"go\"\n",
        ),
        ("bad env name", "[project]\nname = \"a\"\n[[app]]\nname = \"a\"\nlanguage = \"go\"\nenv = { 1X = \"a\" }\n"),
        (
            "bad build-arg name",
            "[project]\nname = \"a\"\n[[app]]\nname = \"a\"\nlanguage = \"go\"\nbuild-args = { \"A-B\" = \"a\" }\n",
        ),
        (
            "bad duration",
            "[project]\nname = \"a\"\n[[app]]\nname = \"a\"\nlanguage = \"go\"\nhealthcheck = { command = [\"a\"], interval = \"30\" }\n",
        ),
        (
            "bad GOAMD64 level",
            "[project]\nname = \"a\"\n[[app]]\nname = \"a\"\nlanguage = \"go\"\ngo.goamd64 = \"v5\"\n",
        ),
        (
            "bad branch",
            "[project]\nname = \"a\"\n[[app]]\nname = \"a\"\nlanguage = \"go\"\n[ci]\nbranches = [\"a b\"]\n",
        ),
    ];
    for (what, text) in cases {
        let text: &str = text;
        assert!(!v.is_valid(&as_json(text)), "the schema accepted a config with a {what}");
        assert!(mkmulti::load_str(text, "t.toml", "t.toml").is_err(), "mkmulti accepted a config with a {what}");
    }
}

#[test]
fn schema_accepts_what_the_parser_accepts_near_the_patterns() {
    let v = validator();
    let text = "[project]\nname = \"a-1\"\nplatforms = [\"aarch64\", \"linux/amd64\", \"arm/v7\"]\n\
                [registry]\nhost = \"localhost:5000\"\nnamespace = \"team/sub__x\"\n\
                [[app]]\nname = \"a\"\nlanguage = \"go\"\nenv = { _X = \"1\", RUST_LOG = \"info\" }\n\
                volumes = [\"/home/app/data\"]\nstop-signal = \"SIGRTMIN+3\"\n\
                healthcheck = { command = [\"a\"], interval = \"1m30s\", timeout = \"500ms\" }\n\
                go = { goamd64 = \"v3\", tags = [\"netgo\"], ldflags = [\"-X\", \"main.edition=oss\"] }\n\
                [ci]\nbranches = [\"main\", \"release/v1\"]\ntag-pattern = \"v*\"\n";
    let errors: Vec<String> = v.iter_errors(&as_json(text)).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?}");
    if let Err(e) = mkmulti::load_str(text, "t.toml", "t.toml") {
        panic!("mkmulti refused it: {e:?}");
    }
}

/// Every platform the schema lists is one `platform::parse` accepts, and every platform of the table is listed
/// under its canonical name.
#[test]
fn schema_platforms_are_the_platform_table() {
    let schema = mkmulti::schema::value();
    let branches = schema["$defs"]["Platform"]["anyOf"].as_array().expect("platforms are an anyOf of enums");
    let listed: Vec<&str> =
        branches.iter().flat_map(|b| b["enum"].as_array().unwrap()).map(|v| v.as_str().unwrap()).collect();
    for p in &listed {
        assert!(mkmulti::platform::parse(p).is_ok(), "the schema lists `{p}`, which mkmulti refuses");
    }
    let canonical: Vec<&str> = branches[0]["enum"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    let table: Vec<&str> = mkmulti::platform::PLATFORMS.iter().map(|p| p.oci).collect();
    assert_eq!(canonical, table, "the first list is the table's canonical names, in order");
    for key in ["project", "app"] {
        let items = &schema["$defs"][format!("Raw{}{}", key[..1].to_uppercase(), &key[1..])]["properties"]["platforms"]
            ["items"];
        assert_eq!(items["$ref"], "#/$defs/Platform", "{key}.platforms");
    }
}

/// Each grammar pattern with strings it must accept and refuse.
fn grammar_samples() -> Vec<(&'static str, &'static str, Vec<&'static str>, Vec<&'static str>)> {
    use mkmulti::grammar::*;
    vec![
        (
            "go module",
            GO_MODULE_PATTERN,
            vec!["example.com/x", "github.com/Acme/a-b_c.d/v2"],
            vec!["example/x", "Example.com/x", "a.com/.x", "a.com//x", "a.com/x\"", ""],
        ),
        (
            "template text",
            TEMPLATE_TEXT_PATTERN,
            vec!["A service", "a/b (c), d@e+f:g"],
            vec!["x\"; rm -rf /", "$(id)", "a\nb", "{{7*7}}", " a", ""],
        ),
        ("template variable", TEMPLATE_VARIABLE_PATTERN, vec!["description", "_x1"], vec!["1x", "A", "a-b", ""]),
        ("name", NAME_PATTERN, vec!["pixelzx", "realtime-svg", "a1"], vec!["Pixel", "a--b", "-a", "a_b", "é", ""]),
        ("binary", BINARY_PATTERN, vec!["app", "App_1.x-y"], vec!["-x", ".x", "a b", "ä"]),
        ("path component", PATH_COMPONENT_PATTERN, vec!["a", "a.b", "a__b", "a---b"], vec!["a/b", "A", "a___b", "a-"]),
        (
            "repository path",
            REPOSITORY_PATH_PATTERN,
            vec!["team/app", "a", "a.b/c__d/e-f"],
            vec!["A/b", "a//b", "/a", "a/", "a_/b"],
        ),
        (
            "registry host",
            REGISTRY_HOST_PATTERN,
            vec!["docker.io", "localhost:5000", "[::1]:5000", "reg.example.com:443", "myregistry"],
            vec!["https://ghcr.io", "reg_x.io", "a.-b", "ghcr.io/x", "-a.io"],
        ),
        ("tag", TAG_PATTERN, vec!["v1.2.3", "_x", "latest"], vec![".x", "-x", "é", "a:b"]),
        (
            "digest",
            DIGEST_PATTERN,
            vec!["sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"],
            vec!["sha256:abc", "SHA256:0123456789abcdef0123456789abcdef"],
        ),
        ("env name", ENV_NAME_PATTERN, vec!["RUST_LOG", "_x", "a1"], vec!["1X", "A-B", "A B", "É"]),
        ("user", USER_PATTERN, vec!["app", "_svc", "a-b"], vec!["Bad", "1a", "abcdefghijklmnopqrstuvwxyz0123456"]),
        ("package", PACKAGE_PATTERN, vec!["ca-certificates", "tini=0.19.0-1", "libstdc++6"], vec!["-o", "A", "a b"]),
        (
            "debian package",
            DEBIAN_PACKAGE_PATTERN,
            vec!["zlib1g-dev", "libssl3", "libstdc++6", "libc6.1"],
            vec!["z", "-o", "zlib1g:arm64", "zlib1g=1.2", "Zlib", "a b", "a;b", "a$b"],
        ),
        ("signal", SIGNAL_PATTERN, vec!["SIGINT", "SIGRTMIN+3", "2", "15"], vec!["INT", "sigint", "123", "SIG"]),
        ("duration", DURATION_PATTERN, vec!["30s", "1m30s", "500ms", "1.5h"], vec!["30", "s", "1 m", "-1s", "1d"]),
        ("relative path", RELATIVE_PATH_PATTERN, vec![".", "./cmd/app"], vec!["cmd", "/abs", "./a b", "./"]),
        (
            "build context",
            CONTEXT_PATTERN,
            vec![".", "services/api", "./services/api", "a_b/c.d-e"],
            vec!["..", "../x", "a/../b", "/abs", "a/", "./", ".hidden", "a/-x", "a b", "a/*", "$x", "a:b"],
        ),
        ("ci root", CI_ROOT_PATTERN, vec![".", "..", "../../.."], vec!["", "./..", "../", "../a", "/", "..."]),
        (
            "output path",
            OUTPUT_PATH_PATTERN,
            vec!["docker.mk", "docker/Dockerfile.api", "_x"],
            vec!["../x", "/x", "./x", ".x", "a//b", "a/", "-f", "a b", "a:b"],
        ),
        ("container path", CONTAINER_PATH_PATTERN, vec!["/data", "/home/app/data"], vec!["data", "/", "/a b", "/a/"]),
        ("cargo name", CARGO_NAME_PATTERN, vec!["svg-core", "_x", "release"], vec!["--offline", "a.b", "a b"]),
        ("cargo feature", CARGO_FEATURE_PATTERN, vec!["tls", "serde/std", "a+b.c"], vec!["-x", "a/b/c", "a b"]),
        ("go tag", GO_TAG_PATTERN, vec!["netgo", "go1.22", "a_b"], vec!["-x", "a b", "a,b"]),
        ("go package", GO_PACKAGE_PATTERN, vec!["main", "./cmd/api", "example.com/x/v2"], vec!["-toolexec", "a b"]),
        ("ldflag", LDFLAG_PATTERN, vec!["-X", "main.edition=oss", "-s"], vec!["a b", "'x'", "$x"]),
        ("branch", BRANCH_PATTERN, vec!["main", "release/v1", "a.b-c_d"], vec!["a b", "/a", "a/", "a//b", "a~b"]),
        ("tag pattern", REF_PATTERN_PATTERN, vec!["v*", "release/**"], vec!["a b", "v[0-9]"]),
        ("secret", SECRET_PATTERN, vec!["DOCKERHUB_TOKEN", "_X"], vec!["lower", "1X", "A-B"]),
        ("secret id", SECRET_ID_PATTERN, vec!["netrc", "corp-ca", "a_1"], vec!["Netrc", "-a", "a.b", "a b", ""]),
        (
            "secret file",
            SECRET_FILE_PATTERN,
            vec!["/etc/ssl/certs/ca.pem", "certs/ca.pem", "a@b+c~"],
            vec!["~/.netrc", "-x", "a,b", "a b", "$HOME/x", "a\"b"],
        ),
        (
            "goproxy",
            GOPROXY_PATTERN,
            vec!["https://proxy.golang.org,direct", "http://athens:3000|off", "direct"],
            vec!["https://u:p@proxy", "file:///x", "https://x,", "direct off"],
        ),
        (
            "gosumdb",
            GOSUMDB_PATTERN,
            vec!["off", "sum.golang.org", "sum.golang.org+033de0ae+Ac4z/8Z0W5U6NURhBQ= https://sum.golang.org"],
            vec!["a b", "x https://u@h", "\"x\""],
        ),
        (
            "go module glob",
            GO_MODULE_GLOB_PATTERN,
            vec!["github.com/org/*", "*.corp.example.com"],
            vec!["a,b", "-x", "a b"],
        ),
        (
            "cargo mirror",
            CARGO_MIRROR_PATTERN,
            vec!["sparse+https://crates.example.com/index/", "https://git.example.com/index"],
            vec!["sparse+ftp://x", "https://u@x", "https://x/\"", "https://x/?a"],
        ),
        (
            "known_hosts line",
            SSH_KNOWN_HOST_PATTERN,
            vec![
                "github.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl",
                "[git.example.com]:2222,10.0.0.1 ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTY=",
            ],
            vec![
                "github.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA comment",
                "@revoked github.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA",
                "*.example.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA",
                "GitHub.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA",
                "github.com ssh-ed25519 AAAA'C3NzaC1lZDI1NTE5",
                "github.com ssh-ed25519 short",
            ],
        ),
        ("version", VERSION_PATTERN, vec!["1", "1.22", "1.22.3"], vec!["1.2.3.4", "v1", "1.", ".1"]),
        (
            "https url",
            HTTPS_URL_PATTERN,
            vec!["https://github.com/example/x", "https://h:8443/a%20b"],
            vec!["http://x", "https://x/?q", "https://x y"],
        ),
        (
            "spdx",
            SPDX_PATTERN,
            vec!["MIT", "MIT OR Apache-2.0", "GPL-2.0+ WITH x"],
            vec!["MIT or X", "(MIT)", "MIT  OR X"],
        ),
    ]
}

/// Each grammar's pattern means the same as a JSON schema `pattern` (ECMA-262, as editors run it) and as the Rust
/// regex the grammar compiles: it is a valid ECMA-262 regex, and both engines agree on samples they must accept
/// and refuse.
#[test]
fn grammar_patterns_mean_the_same_in_ecma_262() {
    let is_regex =
        jsonschema::options().should_validate_formats(true).build(&serde_json::json!({ "format": "regex" })).unwrap();
    for (what, pattern, accepted, refused) in grammar_samples() {
        assert!(is_regex.is_valid(&serde_json::json!(pattern)), "{what}: `{pattern}` is not an ECMA-262 regex");
        let ecma = jsonschema::validator_for(&serde_json::json!({ "type": "string", "pattern": pattern })).unwrap();
        let rust = regex::Regex::new(pattern).unwrap();
        for (sample, expected) in accepted.iter().map(|s| (s, true)).chain(refused.iter().map(|s| (s, false))) {
            assert_eq!(rust.is_match(sample), expected, "{what}: Rust on `{sample}`");
            assert_eq!(ecma.is_valid(&serde_json::json!(sample)), expected, "{what}: ECMA-262 on `{sample}`");
        }
    }
}

/// Every `pattern` in the schema is one of the grammars tested above, and every example of a key with a pattern
/// matches it.
#[test]
fn every_schema_pattern_is_a_tested_grammar() {
    let tested: Vec<&str> = grammar_samples().into_iter().map(|(_, p, _, _)| p).collect();
    let mut stack = vec![mkmulti::schema::value()];
    let mut seen = 0;
    while let Some(node) = stack.pop() {
        match node {
            serde_json::Value::Object(map) => {
                if let Some(pattern) = map.get("pattern").and_then(|p| p.as_str()) {
                    seen += 1;
                    assert!(tested.contains(&pattern), "`{pattern}` has no samples in grammar_samples");
                    let rust = regex::Regex::new(pattern).unwrap();
                    for example in map.get("examples").and_then(|e| e.as_array()).into_iter().flatten() {
                        let example = example.as_str().unwrap();
                        assert!(rust.is_match(example), "example `{example}` does not match `{pattern}`");
                    }
                }
                stack.extend(map.values());
            }
            serde_json::Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    assert!(seen > 20, "only {seen} patterns in the schema");
}
