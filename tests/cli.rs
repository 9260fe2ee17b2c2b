//! The real binary: commands, exit codes, messages, and what lands on disk.

use std::fs;
use std::io::Write as _;
use std::path::Path;
use std::process::Stdio;

use assert_cmd::Command;
use serde_json::{Value, json};

use crate::util;

fn mkmulti() -> Command {
    Command::cargo_bin("mkmulti").unwrap()
}

/// Copies an example's sources into a fresh temporary directory.
/// A copy of an example's sources, without the outputs a local `mkmulti generate` may have left there (the
/// ones examples/.gitignore lists).
fn copy_example(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&util::root().join("examples").join(name), dir.path());
    for entry in fs::read_dir(dir.path()).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        let generated = name.starts_with("Dockerfile")
            || ["Makefile", "compose.yaml", ".dockerignore", "scripts", ".github", ".mkmulti"].contains(&name.as_str());
        if generated && entry.file_type().unwrap().is_dir() {
            fs::remove_dir_all(entry.path()).unwrap();
        } else if generated {
            fs::remove_file(entry.path()).unwrap();
        }
    }
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if name == "target" {
            continue;
        }
        let dest = to.join(&name);
        if entry.file_type().unwrap().is_dir() {
            fs::create_dir_all(&dest).unwrap();
            copy_dir(&entry.path(), &dest);
        } else {
            fs::copy(entry.path(), dest).unwrap();
        }
    }
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn generate_writes_every_output_and_a_second_run_changes_nothing() {
    let dir = copy_example("realtime-svg");
    let out = mkmulti().current_dir(dir.path()).arg("generate").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    for path in [
        "Dockerfile.backend",
        "Dockerfile.frontend",
        ".dockerignore",
        "Makefile",
        "compose.yaml",
        "scripts/detect-platform.sh",
        "scripts/validate-multiarch.sh",
        ".github/workflows/docker.yml",
    ] {
        assert!(dir.path().join(path).is_file(), "{path} was not written");
        assert!(stdout(&out).contains(&format!("create     {path}")), "{path} not reported:\n{}", stdout(&out));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(dir.path().join("scripts/detect-platform.sh")).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o755);
    }
    let mtime = fs::metadata(dir.path().join("Makefile")).unwrap().modified().unwrap();
    let again = mkmulti().current_dir(dir.path()).arg("generate").output().unwrap();
    assert_eq!(again.status.code(), Some(0));
    assert!(stdout(&again).lines().all(|l| l.starts_with("unchanged")), "{}", stdout(&again));
    assert_eq!(
        fs::metadata(dir.path().join("Makefile")).unwrap().modified().unwrap(),
        mtime,
        "an unchanged file was rewritten"
    );
    let check = mkmulti().current_dir(dir.path()).args(["generate", "--check"]).output().unwrap();
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));
}

#[test]
fn a_hand_edit_is_never_overwritten_without_force() {
    let dir = copy_example("go-hello");
    mkmulti().current_dir(dir.path()).arg("generate").assert().code(0);
    let makefile = dir.path().join("Makefile");
    let edited = fs::read_to_string(&makefile).unwrap() + "\nmy-target:\n\t@echo mine\n";
    fs::write(&makefile, &edited).unwrap();

    let check = mkmulti().current_dir(dir.path()).args(["generate", "--check"]).output().unwrap();
    assert_eq!(check.status.code(), Some(1), "--check must report drift");
    assert!(stdout(&check).contains("-my-target:"), "--check prints a diff:\n{}", stdout(&check));

    let refused = mkmulti().current_dir(dir.path()).arg("generate").output().unwrap();
    assert_eq!(refused.status.code(), Some(2));
    assert!(stderr(&refused).contains("Makefile was edited by hand"), "{}", stderr(&refused));
    assert!(stderr(&refused).contains("--force"), "{}", stderr(&refused));
    assert_eq!(fs::read_to_string(&makefile).unwrap(), edited, "the edit was destroyed");

    let dry = mkmulti().current_dir(dir.path()).args(["generate", "--dry-run"]).output().unwrap();
    assert!(stdout(&dry).contains("edited     Makefile"), "{}", stdout(&dry));
    assert_eq!(fs::read_to_string(&makefile).unwrap(), edited, "--dry-run wrote");

    mkmulti().current_dir(dir.path()).args(["generate", "--force"]).assert().code(0);
    assert!(!fs::read_to_string(&makefile).unwrap().contains("my-target"));
}

#[test]
fn an_invalid_config_writes_nothing_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("multiarch.toml"),
        "[project]\nname = \"demo\"\nplatforms = [\"linux/amd64\", \"darwin/arm64\"]\n\n[[app]]\nname = \"Demo\"\nlanguage = \"go\"\n",
    )
    .unwrap();
    let out = mkmulti().current_dir(dir.path()).arg("generate").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("multiarch.toml:3:29"), "position of the bad platform:\n{err}");
    assert!(err.contains("key: project.platforms[1]"), "{err}");
    assert!(err.contains("multiarch.toml:6:8"), "position of the bad name (every error at once):\n{err}");
    assert!(err.contains("nothing was written"), "{err}");
    let entries: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(entries.len(), 1, "only the config may be there");
}

#[test]
fn the_summary_counts_the_errors_a_long_list_leaves_out() {
    let dir = tempfile::tempdir().unwrap();
    let platforms: Vec<String> = (0..13).map(|i| format!("\"linux/nope{i}\"")).collect();
    fs::write(
        dir.path().join("multiarch.toml"),
        format!(
            "[project]\nname = \"demo\"\nplatforms = [{}]\n\n[[app]]\nname = \"demo\"\nlanguage = \"go\"\n",
            platforms.join(", ")
        ),
    )
    .unwrap();
    let out = mkmulti().current_dir(dir.path()).arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert_eq!(err.matches("error: ").count(), 10, "ten shown:\n{err}");
    assert!(err.contains("3 more errors like the ones above"), "{err}");
    assert!(err.contains("is invalid (13 errors)"), "every error counted, shown or not:\n{err}");
}

#[test]
fn a_missing_config_is_an_io_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = mkmulti().current_dir(dir.path()).arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("cannot read multiarch.toml"), "{}", stderr(&out));
    // No JSON document for a file that cannot be read: the message, on stderr, is all there is.
    let json = mkmulti().current_dir(dir.path()).args(["check", "--format", "json"]).output().unwrap();
    assert_eq!(json.status.code(), Some(3));
    assert!(json.stdout.is_empty(), "{}", stdout(&json));
    assert_eq!(stderr(&json), stderr(&out));
}

#[test]
fn check_prints_the_resolved_plan() {
    let config = util::root().join("examples/pixelzx-node/multiarch.toml");
    let out = mkmulti().args(["check", "--config"]).arg(&config).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("image    docker.io/yuchanshin/pixelzx-evm"), "{text}");
    let row = |text: &str, platform: &str| -> Vec<String> {
        let line = text.lines().find(|l| l.trim_start().starts_with(platform)).unwrap_or_else(|| panic!("{text}"));
        line.split("  ").map(str::trim).filter(|c| !c.is_empty()).map(String::from).collect()
    };
    assert_eq!(
        row(&text, "linux/arm/v7"),
        ["linux/arm/v7", "cross", "GOOS=linux GOARCH=arm GOARM=7 CGO_ENABLED=0", "Go's internal linker", "0"]
    );
    let rust = util::root().join("examples/realtime-svg/multiarch.toml");
    let text = stdout(&mkmulti().args(["check", "--config"]).arg(&rust).output().unwrap());
    let (backend, frontend) = text.split_once("app frontend").unwrap();
    assert!(backend.contains("deps     cargo-chef"), "{text}");
    assert_eq!(
        row(backend, "linux/arm/v7"),
        ["linux/arm/v7", "cross", "armv7-unknown-linux-gnueabihf", "arm-linux-gnueabihf-gcc", "0"]
    );
    assert!(frontend.contains("binary   static, musl"), "{text}");
    assert_eq!(
        row(frontend, "linux/arm64"),
        ["linux/arm64", "cross", "aarch64-unknown-linux-musl", "zig (cargo-zigbuild)", "0"]
    );
}

#[test]
fn schema_command_prints_the_checked_in_schema() {
    let out = mkmulti().arg("schema").output().unwrap();
    let checked_in = fs::read_to_string(util::root().join("schema/multiarch.schema.json")).unwrap();
    assert_eq!(stdout(&out), checked_in);
}

#[test]
fn init_then_generate_works_on_a_go_layout() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("go.mod"), "module github.com/acme/widget\n\ngo 1.22\n").unwrap();
    for cmd in ["api", "worker"] {
        fs::create_dir_all(dir.path().join("cmd").join(cmd)).unwrap();
        fs::write(dir.path().join("cmd").join(cmd).join("main.go"), "package main\n\nfunc main() {}\n").unwrap();
    }
    let out = mkmulti().current_dir(dir.path()).arg("init").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let config = fs::read_to_string(dir.path().join("multiarch.toml")).unwrap();
    assert!(config.starts_with("#:schema ./.mkmulti/multiarch.schema.json\n"), "{config}");
    assert!(dir.path().join(".mkmulti/multiarch.schema.json").is_file());
    assert!(config.contains("main = \"./cmd/api\"") && config.contains("main = \"./cmd/worker\""), "{config}");

    // A second init keeps the file.
    let again = mkmulti().current_dir(dir.path()).arg("init").output().unwrap();
    assert_eq!(again.status.code(), Some(0));
    assert!(stdout(&again).contains("kept"), "{}", stdout(&again));

    // The registry comes from the module path (github.com/acme -> ghcr.io/acme): it generates without an edit.
    assert!(config.contains("\nhost = \"ghcr.io\"") && config.contains("\nnamespace = \"acme\""), "{config}");
    let generated = mkmulti().current_dir(dir.path()).arg("generate").output().unwrap();
    assert_eq!(generated.status.code(), Some(0), "{}", stderr(&generated));
    assert!(dir.path().join("Dockerfile.api").is_file() && dir.path().join("Dockerfile.worker").is_file());
}

#[test]
fn init_detects_a_rust_workspace() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("Cargo.toml"), "[workspace]\nmembers = [\"server\", \"core\"]\nresolver = \"2\"\n")
        .unwrap();
    fs::create_dir_all(dir.path().join("server/src")).unwrap();
    fs::write(dir.path().join("server/Cargo.toml"), "[package]\nname = \"server\"\nversion = \"0.1.0\"\n").unwrap();
    fs::write(dir.path().join("server/src/main.rs"), "fn main() {}\n").unwrap();
    fs::create_dir_all(dir.path().join("core/src")).unwrap();
    fs::write(dir.path().join("core/Cargo.toml"), "[package]\nname = \"core\"\nversion = \"0.1.0\"\n").unwrap();
    fs::write(dir.path().join("core/src/lib.rs"), "").unwrap();
    let out = mkmulti().current_dir(dir.path()).args(["init", "--no-lockfile"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let config = fs::read_to_string(dir.path().join("multiarch.toml")).unwrap();
    assert!(config.contains("language = \"rust\"") && config.contains("package = \"server\""), "{config}");
    assert!(!config.contains("name = \"core\""), "a library-only member is not an app:\n{config}");
}

#[test]
fn init_without_a_project_says_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let out = mkmulti().current_dir(dir.path()).arg("init").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--lang"), "{}", stderr(&out));
}

#[test]
fn help_lists_examples_and_exit_codes() {
    let out = mkmulti().arg("--help").output().unwrap();
    let text = stdout(&out);
    assert!(text.contains("Exit codes: 0 success, 1"), "{text}");
    for cmd in ["init", "generate", "check", "schema"] {
        let out = mkmulti().args([cmd, "--help"]).output().unwrap();
        assert_eq!(out.status.code(), Some(0));
        assert!(stdout(&out).contains("Examples:"), "{cmd} --help has no examples");
    }
}

/// Runs mkmulti with its standard output a pipe whose read end is closed before mkmulti starts, so its first
/// write fails with EPIPE whatever the output's size: `sh` waits for a line on its stdin, sent only after the
/// read end was dropped. With `close_stderr`, standard error is such a pipe too.
fn with_closed_pipes(dir: &Path, args: &[&str], close_stderr: bool) -> std::process::Output {
    let mut child = std::process::Command::new("sh")
        .args(["-c", r#"read -r _; exec "$0" "$@""#, env!("CARGO_BIN_EXE_mkmulti")])
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    if close_stderr {
        drop(child.stderr.take());
    }
    child.stdin.take().unwrap().write_all(b"go\n").unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn a_closed_pipe_ends_quietly_with_the_commands_status() {
    let dir = copy_example("realtime-svg");
    // Nothing is generated yet, so `--check` prints a diff of every file and exits 1 for the drift.
    for (args, code) in [
        (&["check"][..], 0),
        (&["check", "--format", "json"], 0),
        (&["schema"], 0),
        (&["generate", "--dry-run"], 0),
        (&["generate", "--dry-run", "--format", "json"], 0),
        (&["generate", "--check"], 1),
        (&["generate"], 0),
    ] {
        let out = with_closed_pipes(dir.path(), args, false);
        assert_eq!(out.status.code(), Some(code), "mkmulti {args:?}: {}", stderr(&out));
        let expected_stderr = if code == 0 { "" } else { "mkmulti: 10 of 10 generated files are stale" };
        assert!(stderr(&out).starts_with(expected_stderr), "mkmulti {args:?}: {}", stderr(&out));
        assert!(!stderr(&out).contains("panicked"), "mkmulti {args:?}: {}", stderr(&out));
    }
    assert!(dir.path().join("Makefile").is_file(), "generate writes its files before it lists them");

    // With standard error closed as well, an invalid config still ends with its own status.
    fs::write(dir.path().join("multiarch.toml"), "[project]\nname = 1\n").unwrap();
    let out = with_closed_pipes(dir.path(), &["check"], true);
    assert_eq!(out.status.code(), Some(2));
}

/// Any other failure to write standard output is an I/O failure, reported once.
#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_on_stdout_is_an_io_error() {
    let full = fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_mkmulti")).arg("schema").stdout(full).output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(stderr(&out), "mkmulti: cannot write to standard output: No space left on device (os error 28)\n");
}

/// Runs `mkmulti ARGS --format json`, checks it printed one JSON document and nothing on stderr, and returns
/// the exit code and the document.
fn json(dir: &Path, args: &[&str]) -> (i32, Value) {
    let out = mkmulti().current_dir(dir).args(args).args(["--format", "json"]).output().unwrap();
    assert_eq!(stderr(&out), "", "mkmulti {args:?} --format json wrote to stderr");
    let doc = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("mkmulti {args:?}: {e}\n{}", stdout(&out)));
    (out.status.code().unwrap(), doc)
}

/// The envelope's keys and their types: the part of the output tools rely on (README, "Machine-readable output").
fn assert_envelope(doc: &Value, command: &str) {
    let mut keys: Vec<&str> = doc.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    let mut expected = vec!["command", "config", "diagnostics", "mkmulti_version", "ok", "plan"];
    if command == "generate" {
        expected.extend(["files", "out"]);
        expected.sort_unstable();
    }
    assert_eq!(keys, expected, "{doc:#}");
    assert_eq!(doc["mkmulti_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(doc["command"], command);
    assert!(doc["config"].is_string() && doc["ok"].is_boolean(), "{doc:#}");
    let invalid = doc["diagnostics"].as_array().unwrap().iter().any(|d| d["severity"] == "error");
    assert_eq!(doc["plan"].is_null(), invalid, "the plan is null exactly when the config is invalid: {doc:#}");
    assert!(!invalid || doc["ok"] == false, "{doc:#}");
    assert!(doc["plan"].is_null() || doc["plan"]["apps"].is_array(), "{doc:#}");
    for d in doc["diagnostics"].as_array().unwrap() {
        let mut keys: Vec<&str> = d.as_object().unwrap().keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(keys, ["column", "file", "help", "key", "line", "message", "severity"], "{d:#}");
        assert!(["error", "warning", "note"].contains(&d["severity"].as_str().unwrap()), "{d:#}");
        assert!(d["message"].is_string() && d["file"].is_string(), "{d:#}");
        assert!(d["key"].is_string() || d["key"].is_null(), "{d:#}");
        assert!(d["help"].is_string() || d["help"].is_null(), "{d:#}");
        assert_eq!(d["line"].is_null(), d["column"].is_null(), "{d:#}");
        for n in [&d["line"], &d["column"]] {
            assert!(n.is_null() || n.as_u64().is_some_and(|n| n >= 1), "{d:#}");
        }
    }
    if command == "generate" {
        assert!(doc["out"].is_string(), "{doc:#}");
        assert_eq!(doc["files"].is_null(), doc["plan"].is_null(), "{doc:#}");
        for f in doc["files"].as_array().into_iter().flatten() {
            let mut keys: Vec<&str> = f.as_object().unwrap().keys().map(String::as_str).collect();
            keys.sort_unstable();
            assert_eq!(keys, ["action", "executable", "path"], "{f:#}");
            let actions = ["create", "update", "unchanged", "edited", "overwrite"];
            assert!(actions.contains(&f["action"].as_str().unwrap()), "{f:#}");
            assert!(f["path"].is_string() && f["executable"].is_boolean(), "{f:#}");
        }
    }
}

#[test]
fn check_json_holds_the_plan_of_every_example() {
    for example in util::examples() {
        let config = example.join("multiarch.toml");
        let config = config.to_str().unwrap();
        let (code, doc) = json(&example, &["check", "--config", config]);
        assert_eq!(code, 0, "{doc:#}");
        assert_envelope(&doc, "check");
        assert_eq!(doc["ok"], true);
        assert_eq!(doc["config"], config, "the config is named as it was given");
        let raw: toml::Table = toml::from_str(&fs::read_to_string(config).unwrap()).unwrap();
        let names: Vec<&str> = raw["app"].as_array().unwrap().iter().map(|a| a["name"].as_str().unwrap()).collect();
        let planned: Vec<&str> =
            doc["plan"]["apps"].as_array().unwrap().iter().map(|a| a["name"].as_str().unwrap()).collect();
        assert_eq!(planned, names, "{config}");
    }
    // The facts the e2e harness reads (scripts/e2e/e2e.py) are where it reads them.
    let (_, doc) = json(&util::root(), &["check", "--config", "examples/realtime-svg/multiarch.toml"]);
    let backend = &doc["plan"]["apps"][0];
    assert_eq!(
        (&backend["language"], &backend["dockerfile"], &backend["bin"]),
        (&json!("rust"), &json!("Dockerfile.backend"), &json!("backend"))
    );
    let armv7 = &backend["platforms"][2];
    assert_eq!(armv7["oci"], "linux/arm/v7");
    assert_eq!(armv7["rust_target"], "armv7-unknown-linux-gnueabihf");
    assert_eq!(armv7["linker"], "arm-linux-gnueabihf-gcc");
    assert_eq!(armv7["cross_packages"], json!(["gcc-arm-linux-gnueabihf", "libc6-dev-armhf-cross"]));
    assert_eq!((&armv7["goarch"], &armv7["goarm"], &armv7["slug"]), (&json!("arm"), &json!("7"), &json!("armv7")));
}

/// For every invalid fixture the JSON diagnostics say what the human output says, in the same order.
#[test]
fn check_json_diagnostics_match_the_human_output() {
    let root = util::root();
    let mut fixtures: Vec<_> =
        fs::read_dir(root.join("tests/fixtures/invalid")).unwrap().map(|e| e.unwrap().path()).collect();
    fixtures.sort();
    let mut positioned = 0;
    for fixture in fixtures {
        let config = fixture.strip_prefix(&root).unwrap().to_str().unwrap().to_string();
        let (code, doc) = json(&root, &["check", "--config", &config]);
        assert_eq!(code, 2, "{config}");
        assert_envelope(&doc, "check");
        assert_eq!((&doc["ok"], &doc["plan"]), (&json!(false), &Value::Null), "{config}");
        let human = mkmulti().current_dir(&root).args(["check", "--config", &config]).output().unwrap();
        assert_eq!(human.status.code(), Some(2));
        let human = stderr(&human);
        let lines: Vec<&str> = human.lines().map(str::trim_start).collect();
        let diagnostics = doc["diagnostics"].as_array().unwrap();
        let headlines = lines.iter().filter(|l| ["error: ", "warning: ", "note: "].iter().any(|p| l.starts_with(p)));
        assert_eq!(headlines.count(), diagnostics.len(), "{config}:\n{human}\n{doc:#}");
        // Every diagnostic's lines, in order: headline, location, key, help.
        let mut at = 0;
        for d in diagnostics {
            assert_eq!(d["file"], config.as_str());
            let mut expected = vec![format!("{}: {}", d["severity"].as_str().unwrap(), d["message"].as_str().unwrap())];
            expected.push(match (d["line"].as_u64(), d["column"].as_u64()) {
                (Some(line), Some(column)) => format!("--> {config}:{line}:{column}"),
                _ => format!("--> {config}"),
            });
            positioned += usize::from(d["line"].is_u64());
            if let Some(key) = d["key"].as_str() {
                expected.push(format!("= key: {key}"));
            }
            if let Some(help) = d["help"].as_str() {
                expected.push(format!("= help: {}", help.lines().next().unwrap()));
            }
            for want in expected {
                let found = lines[at..].iter().position(|l| l.starts_with(want.as_str()));
                let Some(i) = found else { panic!("{config}: `{want}` not in the human output, in order:\n{human}") };
                at += i + 1;
            }
        }
    }
    assert!(positioned > 50, "the fixtures' diagnostics have lines and columns");
}

#[test]
fn generate_json_lists_the_files_and_what_was_done() {
    let dir = copy_example("go-hello");
    let (code, doc) = json(dir.path(), &["generate"]);
    assert_eq!(code, 0);
    assert_envelope(&doc, "generate");
    assert_eq!((&doc["ok"], &doc["out"]), (&json!(true), &json!(".")));
    let files = doc["files"].as_array().unwrap();
    assert!(files.len() >= 5, "{doc:#}");
    for f in files {
        let path = f["path"].as_str().unwrap();
        assert_eq!(f["action"], "create", "{path}");
        assert!(dir.path().join(path).is_file(), "{path} is listed but was not written");
        assert_eq!(f["executable"], path.ends_with(".sh"), "{path}");
    }
    let actions = |doc: &Value| -> Vec<String> {
        doc["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| format!("{} {}", f["action"].as_str().unwrap(), f["path"].as_str().unwrap()))
            .collect()
    };
    let (code, again) = json(dir.path(), &["generate"]);
    assert_eq!(code, 0);
    assert!(actions(&again).iter().all(|a| a.starts_with("unchanged ")), "{again:#}");

    // A hand edit: --check and --dry-run say what would happen, a plain run refuses and writes nothing.
    let makefile = dir.path().join("Makefile");
    fs::write(&makefile, fs::read_to_string(&makefile).unwrap() + "# mine\n").unwrap();
    let (code, check) = json(dir.path(), &["generate", "--check"]);
    assert_eq!((code, &check["ok"]), (1, &json!(false)));
    assert!(actions(&check).contains(&"edited Makefile".to_string()), "{check:#}");
    let (code, dry) = json(dir.path(), &["generate", "--dry-run", "--force"]);
    assert_eq!((code, &dry["ok"]), (0, &json!(true)));
    assert!(actions(&dry).contains(&"overwrite Makefile".to_string()), "{dry:#}");
    let (code, refused) = json(dir.path(), &["generate"]);
    assert_eq!((code, &refused["ok"]), (2, &json!(false)));
    assert!(actions(&refused).contains(&"edited Makefile".to_string()), "{refused:#}");
    assert!(fs::read_to_string(&makefile).unwrap().ends_with("# mine\n"), "the edit was destroyed");

    // An invalid config: the envelope, with no plan and no files; nothing is written.
    fs::write(dir.path().join("multiarch.toml"), "[project]\nname = 1\n").unwrap();
    let (code, invalid) = json(dir.path(), &["generate"]);
    assert_eq!(code, 2);
    assert_envelope(&invalid, "generate");
    assert_eq!((&invalid["plan"], &invalid["files"]), (&Value::Null, &Value::Null));
    assert_eq!(invalid["diagnostics"][1]["key"], "project.name", "{invalid:#}");
    assert_eq!((&invalid["diagnostics"][1]["line"], &invalid["diagnostics"][1]["column"]), (&json!(2), &json!(8)));
}

#[cfg(unix)]
#[test]
fn a_fifo_at_an_output_path_is_refused_without_hanging() {
    let dir = copy_example("go-hello");
    let made = std::process::Command::new("mkfifo").arg(dir.path().join("Makefile")).status().unwrap();
    assert!(made.success());
    // A read of the FIFO would block forever; the timeout turns a hang into a failure.
    let out =
        mkmulti().current_dir(dir.path()).arg("generate").timeout(std::time::Duration::from_secs(20)).output().unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("is a FIFO (named pipe), not a regular file"), "{}", stderr(&out));
    assert!(!dir.path().join("Dockerfile").exists(), "nothing is written");
}

#[test]
fn check_and_generate_refuse_a_project_whose_build_would_fail() {
    let dir = copy_example("rust-hello");
    fs::remove_file(dir.path().join("Cargo.lock")).unwrap();
    for command in ["check", "generate"] {
        let out = mkmulti().current_dir(dir.path()).arg(command).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{command}: {}", stderr(&out));
        assert!(stderr(&out).contains("no Cargo.lock in the build context"), "{}", stderr(&out));
        assert!(stderr(&out).contains("cargo generate-lockfile"), "{}", stderr(&out));
    }
    assert!(!dir.path().join("Dockerfile").exists());
    // The JSON report carries the same finding.
    let (code, doc) = json(dir.path(), &["check"]);
    assert_eq!(code, 2);
    let diagnostics = doc["diagnostics"].as_array().unwrap();
    assert!(diagnostics.iter().any(|d| d["message"].as_str().unwrap().starts_with("no Cargo.lock")), "{doc}");
}

#[test]
fn init_takes_the_registry_from_the_flag_or_the_git_remote() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("go.mod"), "module example.com/widget\n\ngo 1.22\n").unwrap();
    fs::write(dir.path().join("main.go"), "package main\n\nfunc main() {}\n").unwrap();
    // No forge in the module path and no remote: Docker Hub, building locally; generate still works.
    let out = mkmulti().current_dir(dir.path()).arg("init").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let generated = mkmulti().current_dir(dir.path()).arg("generate").output().unwrap();
    assert_eq!(generated.status.code(), Some(0), "{}", stderr(&generated));
    assert!(stderr(&generated).contains("needs a namespace to push to"), "{}", stderr(&generated));

    // The git remote's forge.
    fs::create_dir_all(dir.path().join(".git")).unwrap();
    fs::write(dir.path().join(".git/config"), "[remote \"origin\"]\n\turl = git@github.com:Acme-Corp/widget.git\n")
        .unwrap();
    let out = mkmulti().current_dir(dir.path()).args(["init", "--force"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let config = fs::read_to_string(dir.path().join("multiarch.toml")).unwrap();
    assert!(config.contains("\nhost = \"ghcr.io\"") && config.contains("\nnamespace = \"acme-corp\""), "{config}");

    // The flag wins.
    let out =
        mkmulti().current_dir(dir.path()).args(["init", "--force", "--registry", "registry.example.com/team"]).output();
    assert_eq!(out.unwrap().status.code(), Some(0));
    let config = fs::read_to_string(dir.path().join("multiarch.toml")).unwrap();
    assert!(
        config.contains("\nhost = \"registry.example.com\"") && config.contains("\nnamespace = \"team\""),
        "{config}"
    );
    let generated = mkmulti().current_dir(dir.path()).args(["generate", "--force"]).output().unwrap();
    assert_eq!(generated.status.code(), Some(0), "{}", stderr(&generated));
    assert!(!stderr(&generated).contains("warning"), "{}", stderr(&generated));
}

#[test]
fn init_reads_ports_from_the_sources_or_the_flags() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("go.mod"), "module github.com/acme/shop\n\ngo 1.22\n").unwrap();
    fs::create_dir_all(dir.path().join("cmd/api")).unwrap();
    fs::create_dir_all(dir.path().join("cmd/worker")).unwrap();
    let api = "package main\n\nimport \"net/http\"\n\nfunc main() {\n\thttp.ListenAndServe(\":8080\", nil)\n}\n";
    fs::write(dir.path().join("cmd/api/main.go"), api).unwrap();
    fs::write(dir.path().join("cmd/worker/main.go"), "package main\n\nfunc main() {}\n").unwrap();
    let out = mkmulti().current_dir(dir.path()).arg("init").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("ports      api: 8080 (detected in cmd/api/main.go:6)\n"), "{}", stdout(&out));
    let config = fs::read_to_string(dir.path().join("multiarch.toml")).unwrap();
    assert!(config.contains("\nports = [8080]  # TCP ports the app listens on (`EXPOSE`, compose `ports`) (detected in cmd/api/main.go:6)\n"), "{config}");
    assert_eq!(config.matches("\nports = ").count(), 1, "the worker shows no port: {config}");
    let generated = mkmulti().current_dir(dir.path()).arg("generate").output().unwrap();
    assert_eq!(generated.status.code(), Some(0), "{}", stderr(&generated));
    assert!(fs::read_to_string(dir.path().join("Dockerfile.api")).unwrap().contains("\nEXPOSE 8080\n"));

    // A bare port goes to every app; `APP=PORT` to one; `none` clears a detected one.
    let out = mkmulti()
        .current_dir(dir.path())
        .args(["init", "--force", "--port", "9000", "--port", "api=none,api=9090", "--platforms", "amd64,aarch64"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let config = fs::read_to_string(dir.path().join("multiarch.toml")).unwrap();
    let active: Vec<&str> = config.lines().filter(|l| l.starts_with("ports = ")).collect();
    assert_eq!(active.len(), 2, "{config}");
    assert!(active[0].starts_with("ports = [9090]  #") && active[0].ends_with("(from --port)"), "{config}");
    assert!(active[1].starts_with("ports = [9000]  #"), "{config}");
    assert!(config.contains("\nplatforms = [\"linux/amd64\", \"linux/arm64\"]  #"), "{config}");

    let out = mkmulti().current_dir(dir.path()).args(["init", "--force", "--port", "web=80"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no app `web` was detected; the apps are api, worker"), "{}", stderr(&out));
    let out = mkmulti().current_dir(dir.path()).args(["init", "--force", "--platforms", "linux/arm/v8"]).output();
    assert_eq!(out.unwrap().status.code(), Some(2));
    // A platform `generate` would refuse, because the default runtime is not published for it, is refused here.
    let out = mkmulti().current_dir(dir.path()).args(["init", "--force", "--platforms", "amd64,riscv64"]).output();
    let out = out.unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("is not published for linux/riscv64"), "{}", stderr(&out));
}

#[test]
fn init_never_asks_when_stdin_is_not_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("go.mod"), "module github.com/acme/tool\n\ngo 1.22\n").unwrap();
    fs::write(dir.path().join("main.go"), "package main\n\nfunc main() {}\n").unwrap();
    // Answers on stdin are not read: without a terminal init takes what it detected, as with --yes.
    let out = mkmulti().current_dir(dir.path()).arg("init").write_stdin("quay.io/other\n1234\n").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!stderr(&out).contains("? ") && !stdout(&out).contains("? "), "{}{}", stdout(&out), stderr(&out));
    let config = fs::read_to_string(dir.path().join("multiarch.toml")).unwrap();
    assert!(config.contains("\nnamespace = \"acme\"") && !config.contains("quay.io"), "{config}");
    assert!(!config.contains("1234"), "{config}");
}

/// A directory holding a fake `cargo` that records its arguments in `args` and writes a `Cargo.lock`, like
/// `cargo generate-lockfile` does.
#[cfg(unix)]
fn fake_cargo() -> tempfile::TempDir {
    use std::os::unix::fs::PermissionsExt as _;
    let bin = tempfile::tempdir().unwrap();
    let script = bin.path().join("cargo");
    fs::write(&script, "#!/bin/sh\necho \"$@\" >> args\nprintf 'version = 4\\n' > Cargo.lock\n").unwrap();
    fs::set_permissions(&script, fs::Permissions::from_mode(0o755)).unwrap();
    bin
}

#[cfg(unix)]
#[test]
fn init_writes_a_missing_cargo_lock_with_cargo_from_path_or_says_how() {
    let crate_dir = || {
        let dir = tempfile::tempdir().unwrap();
        fs::write(
            dir.path().join("Cargo.toml"),
            "[package]\nname = \"svc\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        )
        .unwrap();
        fs::create_dir_all(dir.path().join("src")).unwrap();
        fs::write(dir.path().join("src/main.rs"), "fn main() {}\n").unwrap();
        dir
    };
    let bin = fake_cargo();
    let path = |first: &Path| std::env::join_paths([first.to_path_buf()]).unwrap();

    let dir = crate_dir();
    let out = mkmulti().current_dir(dir.path()).env("PATH", path(bin.path())).arg("init").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains(
            "\nwrote ./Cargo.lock with `cargo generate-lockfile`: commit it, the image build uses --locked\n"
        ),
        "{}",
        stdout(&out)
    );
    assert_eq!(fs::read_to_string(dir.path().join("args")).unwrap(), "generate-lockfile\n");
    assert_eq!(fs::read_to_string(dir.path().join("Cargo.lock")).unwrap(), "version = 4\n");
    let check = mkmulti().current_dir(dir.path()).arg("check").output().unwrap();
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));

    // --no-lockfile: cargo is not run, and init gives the fix `check` gives.
    let dir = crate_dir();
    let out = mkmulti()
        .current_dir(dir.path())
        .env("PATH", path(bin.path()))
        .args(["init", "--no-lockfile"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!dir.path().join("args").exists() && !dir.path().join("Cargo.lock").exists());
    let text = stdout(&out);
    let line = text.lines().find(|l| l.starts_with("no Cargo.lock: ")).unwrap_or_else(|| panic!("{text}"));
    let fix = line.strip_prefix("no Cargo.lock: ").unwrap();
    let check = mkmulti().current_dir(dir.path()).arg("check").output().unwrap();
    assert_eq!(check.status.code(), Some(2));
    assert!(stderr(&check).contains(fix), "init says `{fix}`, check says:\n{}", stderr(&check));

    // No cargo on PATH: the same fix.
    let dir = crate_dir();
    let empty = tempfile::tempdir().unwrap();
    let out = mkmulti().current_dir(dir.path()).env("PATH", path(empty.path())).arg("init").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains(&format!("no Cargo.lock, and cargo is not on PATH: {fix}\n")), "{}", stdout(&out));

    // A project with its lock file: cargo is not run.
    fs::write(dir.path().join("Cargo.lock"), "version = 4\n").unwrap();
    let out = mkmulti().current_dir(dir.path()).env("PATH", path(bin.path())).args(["init", "--force"]).output();
    assert!(!stdout(&out.unwrap()).contains("Cargo.lock"));
    assert!(!dir.path().join("args").exists());
}

#[test]
fn a_file_mkmulti_did_not_write_is_kept_and_force_is_not_suggested() {
    let dir = copy_example("go-hello");
    fs::write(dir.path().join("Makefile"), "all:\n\tgo build ./...\n").unwrap();
    let out = mkmulti().current_dir(dir.path()).arg("generate").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("Makefile exists and was not written by mkmulti"), "{err}");
    assert!(err.contains("`makefile-path = \"docker.mk\"` in the config's [output] table"), "{err}");
    assert!(err.contains("`include docker.mk` in yours, or keep yours with `makefile = false`"), "{err}");
    assert!(!err.contains("--force"), "--force would destroy the user's own file: {err}");
    assert_eq!(fs::read_to_string(dir.path().join("Makefile")).unwrap(), "all:\n\tgo build ./...\n");

    fs::remove_file(dir.path().join("Makefile")).unwrap();
    fs::write(dir.path().join("Dockerfile"), "FROM scratch\n").unwrap();
    let out = mkmulti().current_dir(dir.path()).arg("generate").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("Dockerfile exists and was not written by mkmulti"), "{err}");
    assert!(err.contains("`dockerfile = \"Dockerfile.mkmulti\"` in the [[app]] table of app[0] (`go-hello`)"), "{err}");
    assert!(!err.contains("--force"), "{err}");

    // Already beside a file of the project's own name: another path, never the same one again.
    fs::remove_file(dir.path().join("Dockerfile")).unwrap();
    let config = fs::read_to_string(dir.path().join("multiarch.toml")).unwrap();
    fs::write(dir.path().join("multiarch.toml"), format!("{config}\n[output]\nmakefile-path = \"docker.mk\"\n"))
        .unwrap();
    fs::write(dir.path().join("docker.mk"), "all:\n").unwrap();
    let out = mkmulti().current_dir(dir.path()).arg("generate").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("docker.mk exists and was not written by mkmulti"), "{err}");
    assert!(err.contains("help: give mkmulti's another path with `makefile-path` in [output], or keep yours"), "{err}");
}

#[test]
fn init_puts_mkmultis_makefile_and_dockerfile_beside_the_projects_own_and_generate_leaves_them_alone() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("go.mod"), "module github.com/acme/tool\n\ngo 1.22\n").unwrap();
    fs::write(dir.path().join("main.go"), "package main\n\nfunc main() {}\n").unwrap();
    let own_makefile = "build:\n\tgo build ./...\n\nclean:\n\trm -f tool\n";
    let own_dockerfile = "FROM golang:1.22\nCOPY . .\nRUN go build -o /tool .\n";
    fs::write(dir.path().join("Makefile"), own_makefile).unwrap();
    fs::write(dir.path().join("Dockerfile"), own_dockerfile).unwrap();
    fs::write(dir.path().join("compose.yaml"), "services: {}\n").unwrap();

    let out = mkmulti().current_dir(dir.path()).arg("init").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let said = stdout(&out);
    for line in [
        "keep       Makefile (not mkmulti's: mkmulti's goes to docker.mk, `output.makefile-path`; add `include docker.mk` to yours)\n",
        "keep       Dockerfile (not mkmulti's: app `tool`'s goes to Dockerfile.mkmulti, its `dockerfile` key)\n",
        "keep       compose.yaml (not mkmulti's: `output.compose = false` in the config)\n",
    ] {
        assert!(said.contains(line), "{line}{said}");
    }
    let config = fs::read_to_string(dir.path().join("multiarch.toml")).unwrap();
    assert!(config.contains("\n# Add `include docker.mk` to your Makefile"), "{config}");
    assert!(config.contains("\nmakefile-path = \"docker.mk\"  #"), "{config}");
    assert!(config.contains("\ndockerfile = \"Dockerfile.mkmulti\"  #"), "{config}");
    assert!(config.contains("\ncompose = false  #"), "{config}");
    assert!(!config.contains("\nmakefile = false"), "{config}");

    // No --force needed: nothing mkmulti writes is at a path the project's own files hold.
    let generated = mkmulti().current_dir(dir.path()).arg("generate").output().unwrap();
    assert_eq!(generated.status.code(), Some(0), "{}", stderr(&generated));
    let listing = stdout(&generated);
    assert!(listing.contains("create     docker.mk\n") && listing.contains("create     Dockerfile.mkmulti\n"));
    assert!(listing.contains("  add `include docker.mk` to your Makefile"), "{listing}");
    assert_eq!(fs::read_to_string(dir.path().join("Makefile")).unwrap(), own_makefile);
    assert_eq!(fs::read_to_string(dir.path().join("Dockerfile")).unwrap(), own_dockerfile);
    assert_eq!(fs::read_to_string(dir.path().join("compose.yaml")).unwrap(), "services: {}\n");
    let docker_mk = fs::read_to_string(dir.path().join("docker.mk")).unwrap();
    assert_eq!(mkmulti::render::is_pristine(&docker_mk), Some(true));
    assert!(docker_mk.contains(" -f Dockerfile.mkmulti "), "{docker_mk}");
    let ignore = fs::read_to_string(dir.path().join(".dockerignore")).unwrap();
    assert!(ignore.contains("\ndocker.mk\n") && ignore.contains("\nDockerfile.mkmulti\n"), "{ignore}");
    assert!(!ignore.lines().any(|l| l == "Makefile" || l == "Dockerfile"), "the project's own stay in: {ignore}");

    // Once the Makefile includes it, a first generate elsewhere says nothing about including it.
    fs::write(dir.path().join("Makefile"), format!("{own_makefile}\ninclude docker.mk\n")).unwrap();
    fs::remove_file(dir.path().join("docker.mk")).unwrap();
    let again = mkmulti().current_dir(dir.path()).arg("generate").output().unwrap();
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert!(stdout(&again).contains("next:\n") && !stdout(&again).contains("include docker.mk"), "{}", stdout(&again));
}

#[test]
fn the_first_generate_prints_the_next_steps_for_the_config() {
    let dir = copy_example("go-hello");
    let out = mkmulti().current_dir(dir.path()).arg("generate").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    let next = &text[text.find("next:\n").expect("next steps")..];
    assert!(
        next.contains("make docker-deploy-multi   push linux/amd64, linux/arm64, linux/arm/v7 to docker.io/example")
    );
    assert!(next.contains("needs the repository secrets DOCKERHUB_USERNAME and DOCKERHUB_TOKEN"), "{next}");
    // Every make target it names exists in the Makefile it wrote.
    let makefile = fs::read_to_string(dir.path().join("Makefile")).unwrap();
    for target in next.lines().filter_map(|l| l.trim().strip_prefix("make ")).map(|l| l.split(' ').next().unwrap()) {
        assert!(makefile.contains(&format!("\n{target}:")), "{target}");
    }
    let again = mkmulti().current_dir(dir.path()).arg("generate").output().unwrap();
    assert!(!stdout(&again).contains("next:"), "a re-run stays quiet");
}

#[test]
fn generate_refreshes_the_editor_copy_of_the_schema_that_init_wrote() {
    let dir = copy_example("go-hello");
    fs::create_dir_all(dir.path().join(".mkmulti")).unwrap();
    fs::write(dir.path().join(".mkmulti/multiarch.schema.json"), "{}\n").unwrap();
    let out = mkmulti().current_dir(dir.path()).arg("generate").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(fs::read_to_string(dir.path().join(".mkmulti/multiarch.schema.json")).unwrap(), mkmulti::schema::json());
    // No copy, none made: the schema is init's to write.
    let other = copy_example("rust-hello");
    mkmulti().current_dir(other.path()).arg("generate").output().unwrap();
    assert!(!other.path().join(".mkmulti").exists());
}
