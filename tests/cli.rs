//! The real binary: commands, exit codes, messages, and what lands on disk.

use std::fs;
use std::io::Write as _;
use std::path::Path;
use std::process::Stdio;

use assert_cmd::Command;

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
fn a_missing_config_is_an_io_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = mkmulti().current_dir(dir.path()).arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("cannot read multiarch.toml"), "{}", stderr(&out));
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

    // The scaffold needs a namespace to push to Docker Hub; with one, it generates.
    let with_ns = config.replace("[registry]\n", "[registry]\nnamespace = \"acme\"\n");
    fs::write(dir.path().join("multiarch.toml"), with_ns).unwrap();
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
    let out = mkmulti().current_dir(dir.path()).arg("init").output().unwrap();
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
        (&["schema"], 0),
        (&["generate", "--dry-run"], 0),
        (&["generate", "--check"], 1),
        (&["generate"], 0),
    ] {
        let out = with_closed_pipes(dir.path(), args, false);
        assert_eq!(out.status.code(), Some(code), "mkmulti {args:?}: {}", stderr(&out));
        let expected_stderr = if code == 0 { "" } else { "mkmulti: 9 of 9 generated files are stale" };
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
