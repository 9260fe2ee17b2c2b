use std::path::Path;

use super::go::module_base;
use super::rust::wildcard_match;
use super::*;
use crate::config::{RawCi, RawConfig, RawOutput, RawTags};

fn write(root: &Path, rel: &str, contents: &str) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().expect("test paths have a parent")).expect("create test dirs");
    fs::write(path, contents).expect("write test file");
}

fn go_app(name: &str, main: &str) -> DetectedApp {
    DetectedApp { name: name.into(), main: Some(main.into()), bin: name.into(), ..DetectedApp::default() }
}

fn rust_app(name: &str, package: Option<&str>, bin: &str, source: Option<&str>) -> DetectedApp {
    DetectedApp {
        name: name.into(),
        package: package.map(Into::into),
        bin: bin.into(),
        source: source.map(Into::into),
        ..DetectedApp::default()
    }
}

/// Renders the project and checks what every scaffold must satisfy: the schema line first, a valid config
/// that holds exactly the detected apps, and commented keys that are real keys with valid defaults.
fn rendered(project: &DetectedProject) -> String {
    let text = render(project);
    assert_eq!(text.lines().next(), Some("#:schema ./.mkmulti/multiarch.schema.json"));
    assert_eq!(text.lines().nth(1), Some("mkmulti-version = \"0.1\""));
    assert!(text.ends_with('\n') && !text.ends_with("\n\n"), "one trailing newline");

    let raw: RawConfig = toml::from_str(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert_eq!(raw.project.name, project.name);
    assert!(crate::grammar::name(&raw.project.name).is_ok());
    assert_eq!(raw.registry.host, "docker.io");
    assert_eq!(raw.registry.namespace, None, "no placeholder namespace is active");
    assert_eq!(raw.app.len(), project.apps.len());
    for (raw_app, app) in raw.app.iter().zip(&project.apps) {
        assert_eq!(raw_app.name, app.name);
        assert!(crate::grammar::name(&raw_app.name).is_ok(), "{}", raw_app.name);
        assert_eq!(raw_app.language, project.language);
        assert_eq!(raw_app.main, app.main);
        assert_eq!(raw_app.package, app.package);
        assert_eq!(raw_app.bin.clone().unwrap_or_else(|| raw_app.name.clone()), app.bin);
        assert_eq!(raw_app.go.version, project.go_version);
        assert_eq!(raw_app.rust.version, project.rust_version);
        assert_eq!(raw_app.ports, app.ports);
    }

    // Uncommenting every `# key = value` line must still give a valid config with the same defaults.
    let key_line = regex::Regex::new(r"^# [a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)* = ").expect("valid pattern");
    let mut uncommented = 0;
    let all: String = text
        .lines()
        .map(|line| {
            if key_line.is_match(line) {
                uncommented += 1;
                format!("{}\n", &line[2..])
            } else {
                format!("{line}\n")
            }
        })
        .collect();
    assert!(uncommented >= 23 + 19 * project.apps.len(), "only {uncommented} commented keys");
    let mut full: RawConfig = toml::from_str(&all).unwrap_or_else(|e| panic!("{e}\n{all}"));
    // The secret names are derived from the registry; the commented ones are what Docker Hub derives.
    assert_eq!(full.ci.username_secret.take().as_deref(), Some("DOCKERHUB_USERNAME"));
    assert_eq!(full.ci.password_secret.take().as_deref(), Some("DOCKERHUB_TOKEN"));
    let same = |a: &dyn erased::Ser, b: &dyn erased::Ser| assert_eq!(a.value(), b.value());
    same(&full.tags, &RawTags::default());
    same(&full.ci, &RawCi::default());
    same(&full.output, &RawOutput::default());
    assert_eq!(full.project.platforms, crate::config::defaults::PLATFORMS);
    assert_eq!(full.app.len(), project.apps.len());
    text
}

mod erased {
    pub trait Ser {
        fn value(&self) -> toml::Value;
    }
    impl<T: serde::Serialize> Ser for T {
        fn value(&self) -> toml::Value {
            toml::Value::try_from(self).expect("config types serialise")
        }
    }
}

#[test]
fn go_root_main() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "go.mod", "module example.com/hello // the module\n\ngo 1.22.3\n\ntoolchain go1.23.1\n");
    write(dir.path(), "main.go", "// Command hello says hello.\npackage main\n\nfunc main() {}\n");
    write(dir.path(), "main_test.go", "package main_test\n");
    let p = detect(dir.path(), None).unwrap();
    assert_eq!(p.name, "hello");
    assert_eq!(p.language, Language::Go);
    assert_eq!(p.module.as_deref(), Some("example.com/hello"));
    assert_eq!(p.go_version.as_deref(), Some("1.22"));
    assert_eq!(p.apps, vec![go_app("hello", ".")]);
    assert_eq!(p.source, None);
    let text = rendered(&p);
    assert!(text.contains("\nmain = \".\"  #"));
    assert!(text.contains("\ngo.version = \"1.22\"  #"));
}

#[test]
fn go_cmd_dirs() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "go.mod", "module github.com/Foo/My_App\n\ngo 1.21\n");
    write(dir.path(), "app.go", "package myapp\n");
    write(dir.path(), "cmd/b/main.go", "/*\nCommand b.\n*/\npackage main\n");
    write(dir.path(), "cmd/a/main.go", "//go:build linux\n\npackage main // a\n");
    write(dir.path(), "cmd/a/util.go", "package main\n");
    write(dir.path(), "cmd/lib/lib.go", "package lib\n");
    write(dir.path(), "cmd/gen/gen.go", "//go:build ignore\n\npackage main\n");
    write(dir.path(), "cmd/old/old.go", "// +build ignore\n\npackage main\n");
    write(dir.path(), "cmd/tests/x_test.go", "package main\n");
    write(dir.path(), "cmd/_skip/main.go", "package main\n");
    write(dir.path(), "cmd/README.md", "package main\n");
    let p = detect(dir.path(), None).unwrap();
    assert_eq!(p.name, "my-app");
    assert_eq!(p.source.as_deref(), Some("https://github.com/Foo/My_App"));
    assert_eq!(p.apps, vec![go_app("a", "./cmd/a"), go_app("b", "./cmd/b")]);
    rendered(&p);
}

#[test]
fn go_root_main_is_named_after_the_module() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "go.mod", "module \"github.com/Foo/My_App/v2\"\n");
    write(dir.path(), "main.go", "package main\n");
    write(dir.path(), "cmd/my.app/main.go", "package main\n");
    let p = detect(dir.path(), None).unwrap();
    assert_eq!(p.name, "my-app");
    assert_eq!(p.go_version, None);
    assert_eq!(p.source.as_deref(), Some("https://github.com/Foo/My_App"));
    // Both sanitise to `my-app`: the root keeps the name, the other gets a suffix and keeps its binary name.
    let second = DetectedApp {
        name: "my-app-2".into(),
        main: Some("./cmd/my.app".into()),
        bin: "my-app".into(),
        ..DetectedApp::default()
    };
    assert_eq!(p.apps, vec![go_app("my-app", "."), second]);
    let text = rendered(&p);
    assert!(text.contains("# go.version = \"1.25\""));
    assert!(text.contains("\nbin = \"my-app\"  #"));
}

#[test]
fn go_without_main_package_builds_the_root() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "go.mod", "module example.com/lib\n\ngo 1.23\n");
    write(dir.path(), "lib.go", "package lib\n");
    let p = detect(dir.path(), None).unwrap();
    assert_eq!(p.apps, vec![go_app("lib", ".")]);
    rendered(&p);
}

#[test]
fn odd_project_strings_stay_valid_toml() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "go.mod", "module example.com/We\"ird\\Mod\n");
    write(dir.path(), "cmd/tab\there \"quoted\" \\/main.go", "package main\n");
    let p = detect(dir.path(), None).unwrap();
    assert_eq!(p.name, "we-ird-mod");
    assert_eq!(p.apps[0].name, "tab-here-quoted");
    assert_eq!(p.apps[0].main.as_deref(), Some("./cmd/tab\there \"quoted\" \\"));
    rendered(&p);

    let mut p = p;
    p.description = Some("line one\nline two # not a comment \"\\ \u{7f}".into());
    p.license = Some("MIT\r\n[project]".into());
    p.source = Some("https://example.com/\"x\"".into());
    let text = rendered(&p);
    assert!(text.contains("# description = \"line one\\nline two # not a comment \\\"\\\\ \\u007F\""));
}

#[test]
fn invalid_go_mod_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "go.mod", "go 1.22\n");
    let err = detect(dir.path(), None).unwrap_err();
    assert!(matches!(err, InitError::InvalidManifest { ref path, .. } if path.ends_with("go.mod")));
    assert!(err.to_string().contains("go.mod: no `module` line"), "{err}");
}

#[test]
fn rust_single_package() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "Cargo.toml",
        "[package]\nname = \"My_Tool\"\nversion = \"0.1.0\"\nrust-version = \"1.80\"\ndescription = \"A tool\"\n\
         license = \"MIT OR Apache-2.0\"\nrepository = \"https://github.com/foo/my-tool\"\n\n[lib]\npath = \"src/lib.rs\"\n",
    );
    write(dir.path(), "src/main.rs", "fn main() {}\n");
    write(dir.path(), "src/lib.rs", "");
    let p = detect(dir.path(), None).unwrap();
    assert_eq!(p.name, "my-tool");
    assert_eq!(p.language, Language::Rust);
    assert_eq!(p.apps, vec![rust_app("my-tool", None, "My_Tool", Some("src/main.rs"))]);
    assert_eq!(p.rust_version.as_deref(), Some("1.80"));
    assert_eq!(p.description.as_deref(), Some("A tool"));
    assert_eq!(p.license.as_deref(), Some("MIT OR Apache-2.0"));
    assert_eq!(p.source.as_deref(), Some("https://github.com/foo/my-tool"));
    let text = rendered(&p);
    assert!(text.contains("\nbin = \"My_Tool\"  #"));
    assert!(text.contains("\nrust.version = \"1.80\"  #"));
    assert!(text.contains("# package = "), "package left at its default is shown commented");
}

#[test]
fn rust_bins_and_src_bin() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "Cargo.toml",
        "[package]\nname = \"suite\"\nrust-version = \"1.70\"\n\n\
         [[bin]]\nname = \"server\"\npath = \"src/main.rs\"\n\n[[bin]]\nname = \"admin_cli\"\npath = \"src/admin.rs\"\n",
    );
    write(dir.path(), "rust-toolchain.toml", "[toolchain]\nchannel = \"1.82.0\"\ncomponents = [\"clippy\"]\n");
    write(dir.path(), "src/main.rs", "fn main() {}\n");
    write(dir.path(), "src/admin.rs", "fn main() {}\n");
    write(dir.path(), "src/bin/migrate.rs", "fn main() {}\n");
    write(dir.path(), "src/bin/tool/main.rs", "fn main() {}\n");
    write(dir.path(), "src/bin/notes.txt", "");
    let p = detect(dir.path(), None).unwrap();
    assert_eq!(p.name, "suite");
    assert_eq!(
        p.apps,
        vec![
            rust_app("admin-cli", None, "admin_cli", Some("src/admin.rs")),
            rust_app("migrate", None, "migrate", Some("src/bin/migrate.rs")),
            rust_app("server", None, "server", Some("src/main.rs")),
            rust_app("tool", None, "tool", Some("src/bin/tool/main.rs")),
        ]
    );
    assert_eq!(p.rust_version.as_deref(), Some("1.82.0"), "the pinned toolchain wins over rust-version");
    rendered(&p);
}

#[test]
fn rust_autobins_off_and_channel_names() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "Cargo.toml", "[package]\nname = \"x\"\nautobins = false\n\n[[bin]]\nname = \"only\"\n");
    write(dir.path(), "rust-toolchain", "stable\n");
    write(dir.path(), "src/main.rs", "fn main() {}\n");
    write(dir.path(), "src/bin/extra.rs", "fn main() {}\n");
    let p = detect(dir.path(), None).unwrap();
    assert_eq!(p.apps, vec![rust_app("only", None, "only", None)]);
    assert_eq!(p.rust_version, None, "`stable` is not an image tag mkmulti pins");
}

#[test]
fn rust_virtual_workspace() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("My Workspace");
    write(
        &dir,
        "Cargo.toml",
        "[workspace]\nmembers = [\"crates/*\", \"./tools/cli/\"]\nexclude = [\"crates/skipped\"]\n\n\
         [workspace.package]\nrust-version = \"1.85\"\nlicense = \"MIT\"\n",
    );
    write(&dir, "crates/api/Cargo.toml", "[package]\nname = \"api\"\nrust-version.workspace = true\n");
    write(&dir, "crates/api/src/main.rs", "fn main() {}\n");
    write(&dir, "crates/core/Cargo.toml", "[package]\nname = \"core\"\n");
    write(&dir, "crates/core/src/lib.rs", "");
    write(&dir, "crates/skipped/Cargo.toml", "[package]\nname = \"skipped\"\n");
    write(&dir, "crates/skipped/src/main.rs", "fn main() {}\n");
    write(&dir, "crates/notes/README.md", "not a package\n");
    write(
        &dir,
        "tools/cli/Cargo.toml",
        "[package]\nname = \"cli-tool\"\n\n[[bin]]\nname = \"cli\"\npath = \"src/cli.rs\"\n",
    );
    write(&dir, "tools/cli/src/cli.rs", "fn main() {}\n");
    let p = detect(&dir, None).unwrap();
    assert_eq!(p.name, "my-workspace");
    assert_eq!(
        p.apps,
        vec![
            rust_app("api", Some("api"), "api", Some("crates/api/src/main.rs")),
            rust_app("cli", Some("cli-tool"), "cli", Some("tools/cli/src/cli.rs"))
        ]
    );
    assert_eq!(p.rust_version.as_deref(), Some("1.85"));
    assert_eq!(p.license.as_deref(), Some("MIT"));
    let text = rendered(&p);
    assert!(text.contains("\npackage = \"cli-tool\"  #"));
}

#[test]
fn rust_root_package_in_its_own_workspace() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "Cargo.toml", "[package]\nname = \"app\"\n\n[workspace]\nmembers = [\".\", \"xtask\"]\n");
    write(dir.path(), "src/main.rs", "fn main() {}\n");
    write(dir.path(), "xtask/Cargo.toml", "[package]\nname = \"xtask\"\n");
    write(dir.path(), "xtask/src/main.rs", "fn main() {}\n");
    let p = detect(dir.path(), None).unwrap();
    assert_eq!(
        p.apps,
        vec![
            rust_app("app", None, "app", Some("src/main.rs")),
            rust_app("xtask", Some("xtask"), "xtask", Some("xtask/src/main.rs"))
        ]
    );
    rendered(&p);
}

#[test]
fn rust_errors_name_the_file() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "Cargo.toml", "[package\nname = \"x\"\n");
    let err = detect(dir.path(), None).unwrap_err();
    assert!(matches!(err, InitError::InvalidManifest { ref path, .. } if path.ends_with("Cargo.toml")), "{err:?}");
    assert!(err.to_string().contains("Cargo.toml: invalid TOML"), "{err}");

    write(dir.path(), "Cargo.toml", "[package]\nname = \"lib-only\"\n");
    write(dir.path(), "src/lib.rs", "");
    let err = detect(dir.path(), None).unwrap_err();
    assert!(matches!(err, InitError::NoBinaries { .. }), "{err:?}");
    assert!(err.to_string().contains("Cargo.toml defines no binary target"), "{err}");

    write(dir.path(), "Cargo.toml", "[workspace]\nmembers = [\"missing\"]\n");
    let err = detect(dir.path(), None).unwrap_err();
    assert!(matches!(err, InitError::MissingMember { ref member, .. } if member == "missing"), "{err:?}");
    assert!(err.to_string().starts_with("workspace member `missing` of "), "{err}");
}

#[test]
fn both_manifests_need_lang() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "go.mod", "module example.com/both\n");
    write(dir.path(), "Cargo.toml", "[package]\nname = \"both-rs\"\n");
    write(dir.path(), "src/main.rs", "fn main() {}\n");
    let err = detect(dir.path(), None).unwrap_err();
    assert!(matches!(err, InitError::Ambiguous { .. }));
    assert!(err.to_string().contains("--lang go"), "{err}");
    assert_eq!(detect(dir.path(), Some(LangChoice::Go)).unwrap().name, "both");
    assert_eq!(detect(dir.path(), Some(LangChoice::Rust)).unwrap().name, "both-rs");
}

#[test]
fn no_manifest_needs_lang() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("New_Service");
    fs::create_dir(&dir).unwrap();
    let err = detect(&dir, None).unwrap_err();
    assert!(matches!(err, InitError::NoProject { .. }));
    assert!(err.to_string().contains("--lang"), "{err}");

    let go = detect(&dir, Some(LangChoice::Go)).unwrap();
    assert_eq!((go.name.as_str(), go.manifest.as_deref()), ("new-service", None));
    assert_eq!(go.apps, vec![go_app("new-service", ".")]);
    rendered(&go);
    let rust = detect(&dir, Some(LangChoice::Rust)).unwrap();
    assert_eq!(rust.apps, vec![rust_app("new-service", None, "new-service", None)]);
    rendered(&rust);

    let err = detect(&tmp.path().join("absent"), None).unwrap_err();
    assert!(matches!(err, InitError::Read { .. }), "{err:?}");
    write(tmp.path(), "file", "");
    assert!(matches!(detect(&tmp.path().join("file"), None), Err(InitError::NotADirectory { .. })));
}

#[test]
fn init_keeps_an_existing_file_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "go.mod", "module example.com/svc\n\ngo 1.22\n");
    let opts = |force| InitOptions { dir: dir.path().to_path_buf(), force, ..InitOptions::default() };
    let path = dir.path().join(CONFIG_FILE);

    match init(&opts(false), None).unwrap() {
        InitOutcome::Written { path: written, project, .. } => {
            assert_eq!(written, path);
            assert_eq!(project.name, "svc");
            assert_eq!(fs::read_to_string(&path).unwrap(), render(&project));
        }
        other => panic!("{other:?}"),
    }

    fs::write(&path, "# mine\n").unwrap();
    assert!(matches!(init(&opts(false), None).unwrap(), InitOutcome::KeptExisting { path: kept } if kept == path));
    assert_eq!(fs::read_to_string(&path).unwrap(), "# mine\n");

    assert!(matches!(init(&opts(true), None).unwrap(), InitOutcome::Written { .. }));
    assert!(fs::read_to_string(&path).unwrap().starts_with("#:schema "));
}

#[test]
fn init_keeps_an_existing_file_even_without_a_project() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), CONFIG_FILE, "# mine\n");
    let opts = InitOptions { dir: dir.path().to_path_buf(), ..InitOptions::default() };
    assert!(matches!(init(&opts, None).unwrap(), InitOutcome::KeptExisting { .. }));
    let forced = InitOptions { force: true, ..opts };
    assert!(matches!(init(&forced, None), Err(InitError::NoProject { .. })));
    assert_eq!(fs::read_to_string(dir.path().join(CONFIG_FILE)).unwrap(), "# mine\n");
}

#[test]
fn toml_str_is_one_valid_basic_string() {
    for s in
        ["", "plain", "quote \" and \\ backslash", "new\nline\r\n", "tab\t", "\u{0}\u{1f}\u{7f}", "'''\"\"\"", "ünï ✓"]
    {
        let quoted = toml_str(s);
        assert!(quoted.starts_with('"') && !quoted.contains('\n') && !quoted.contains('\r'), "{quoted}");
        let table: toml::Table = format!("k = {quoted}").parse().unwrap_or_else(|e| panic!("{quoted}: {e}"));
        assert_eq!(table["k"].as_str(), Some(s));
    }
}

#[test]
fn names_are_sanitised_to_the_grammar() {
    for (raw, want) in [
        ("My_App", "my-app"),
        ("a..b__c", "a-b-c"),
        ("-lead.trail-", "lead-trail"),
        ("We\"ird dir/ü", "we-ird-dir"),
        ("___", "app"),
        ("", "app"),
    ] {
        assert_eq!(sanitize_name(raw), want, "{raw}");
    }
    let long = sanitize_name(&format!("{}-b", "a".repeat(62)));
    assert_eq!(long, "a".repeat(62));
    assert!(crate::grammar::name(&long).is_ok());
}

#[test]
fn module_bases_and_globs() {
    assert_eq!(module_base("github.com/foo/bar/v2"), "bar");
    assert_eq!(module_base("example.com/v2ray"), "v2ray");
    assert_eq!(module_base("hello"), "hello");
    assert!(wildcard_match("*", "api"));
    assert!(wildcard_match("svc-*", "svc-api"));
    assert!(wildcard_match("a?c*", "abcde"));
    assert!(!wildcard_match("svc-*", "api"));
    assert!(!wildcard_match("a?c", "ac"));
}

#[test]
fn required_features_of_a_bin_are_carried_into_the_scaffold() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "Cargo.toml",
        "[package]\nname = \"svc\"\nversion = \"0.1.0\"\nrust-version = \"1.80\"\n\n[[bin]]\nname = \"server\"\npath = \"src/main.rs\"\nrequired-features = [\"http\", \"tls\"]\n\n[features]\nhttp = []\ntls = []\n",
    );
    write(dir.path(), "src/main.rs", "fn main() {}\n");
    let p = detect(dir.path(), None).unwrap();
    assert_eq!(p.apps[0].features, ["http", "tls"]);
    let text = rendered(&p);
    assert!(text.contains("\nrust.features = [\"http\", \"tls\"]  #"), "{text}");
    assert!(text.contains("\nrust.version = \"1.80\"  #"), "both keys of the rust table survive: {text}");
}

#[test]
fn a_named_bin_without_a_path_has_the_source_cargo_infers() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "Cargo.toml",
        "[package]\nname = \"y\"\nautobins = false\n\n[[bin]]\nname = \"srv\"\n\n[[bin]]\nname = \"y\"\n\n[[bin]]\nname = \"gone\"\n",
    );
    write(dir.path(), "src/main.rs", "fn main() {}\n");
    write(dir.path(), "src/bin/srv/main.rs", "fn main() {}\n");
    let p = detect(dir.path(), None).unwrap();
    let sources: Vec<(&str, Option<&str>)> = p.apps.iter().map(|a| (a.bin.as_str(), a.source.as_deref())).collect();
    assert_eq!(sources, [("gone", None), ("srv", Some("src/bin/srv/main.rs")), ("y", Some("src/main.rs"))]);
}

#[test]
fn ports_and_platforms_are_active_and_say_where_they_came_from() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = detect(dir.path(), Some(LangChoice::Go)).unwrap();
    p.apps[0].ports = vec![8080, 9090];
    p.apps[0].ports_from = Some("detected in main.go:7".into());
    p.platforms = Some((vec!["linux/amd64".into(), "linux/ppc64le".into()], "from --platforms".into()));
    let text = render(&p);
    assert!(
        text.contains(
            "\nports = [8080, 9090]  # TCP ports the app listens on (`EXPOSE`, compose `ports`) (detected in main.go:7)\n"
        ),
        "{text}"
    );
    assert!(text.contains("\nplatforms = [\"linux/amd64\", \"linux/ppc64le\"]  #"), "{text}");
    assert!(text.contains("(from --platforms)\n"), "{text}");
    // The derived defaults shown follow: the app's platforms are the project's, and a server restarts.
    assert!(text.contains("\n# platforms = [\"linux/amd64\", \"linux/ppc64le\"]  #"), "{text}");
    assert!(text.contains("\n# compose.restart = \"unless-stopped\"  #"), "{text}");
    let loaded = crate::load_str(&text, "multiarch.toml", "multiarch.toml").unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(loaded.plan.apps[0].ports, [8080, 9090]);
    let oci: Vec<&str> = loaded.plan.apps[0].platforms.iter().map(|pl| pl.oci).collect();
    assert_eq!(oci, ["linux/amd64", "linux/ppc64le"]);
}
