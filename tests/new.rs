//! `mkmulti new` and `mkmulti add` through the real binary: every built-in template renders a repository whose
//! generated files are current and whose config checks; a user template fixture renders; every refusal writes
//! nothing; hostile variable values never reach a file; git makes the first commit.

use std::fs;
use std::path::Path;
use std::process::Output;

use assert_cmd::Command;

use crate::util;

fn mkmulti(cwd: &Path) -> Command {
    let mut cmd = Command::cargo_bin("mkmulti").unwrap();
    cmd.current_dir(cwd).env("SOURCE_DATE_EPOCH", "1767225600").env_remove("GIT_DIR");
    cmd
}

fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

fn files_under(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p.strip_prefix(dir).unwrap().to_string_lossy().into_owned());
            }
        }
    }
    out.sort();
    out
}

fn built_in() -> Vec<String> {
    let out = mkmulti(&util::root()).args(["new", "--list"]).output().unwrap();
    assert!(out.status.success(), "{}", text(&out));
    String::from_utf8(out.stdout).unwrap().lines().map(|l| l.split_whitespace().next().unwrap().to_string()).collect()
}

#[test]
fn list_names_every_built_in_template_with_its_language_and_description() {
    let names = built_in();
    assert!(names.contains(&"go-http".to_string()) && names.contains(&"go-cli".to_string()), "{names:?}");
    assert!(!names.contains(&"licenses".to_string()));
    let out = mkmulti(&util::root()).args(["new", "--list"]).output().unwrap();
    let listing = String::from_utf8(out.stdout).unwrap();
    assert!(
        listing.lines().any(|l| l.starts_with("go-http") && l.contains(" go ") && l.contains("/healthz")),
        "{listing}"
    );
}

/// The targets a Makefile defines (`name:` at the start of a line).
fn make_targets(makefile: &str) -> Vec<String> {
    makefile
        .lines()
        .filter_map(|l| l.split_once(':').map(|(t, _)| t))
        .filter(|t| !t.is_empty() && t.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'))
        .map(str::to_string)
        .collect()
}

#[test]
fn every_built_in_template_makes_a_repository_whose_files_are_current_and_whose_readme_commands_exist() {
    let tmp = tempfile::tempdir().unwrap();
    for template in built_in() {
        let name = format!("t-{template}");
        let out = mkmulti(tmp.path()).args(["new", &name, "--template", &template, "--no-git"]).output().unwrap();
        assert!(out.status.success(), "{template}: {}", text(&out));
        let dir = tmp.path().join(&name);
        let files = files_under(&dir);
        for expected in ["multiarch.toml", "README.md", ".gitignore", "Makefile", "MULTIARCH.md", ".dockerignore"] {
            assert!(files.contains(&expected.to_string()), "{template}: no {expected} in {files:?}");
        }
        assert!(!files.iter().any(|f| f.ends_with("mkmulti-template.toml") || f.ends_with("gitignore") && !f.ends_with(".gitignore")));
        let check = mkmulti(&dir).args(["generate", "--check"]).output().unwrap();
        assert!(check.status.success(), "{template}: generate --check: {}", text(&check));
        let checked = mkmulti(&dir).arg("check").output().unwrap();
        assert!(checked.status.success(), "{template}: check: {}", text(&checked));
        let makefile = fs::read_to_string(dir.join("Makefile")).unwrap();
        let targets = make_targets(&makefile);
        let readme = fs::read_to_string(dir.join("README.md")).unwrap();
        let named: Vec<&str> = readme
            .lines()
            .filter_map(|l| l.trim().strip_prefix("make "))
            .filter_map(|r| r.split_whitespace().next())
            .collect();
        assert!(!named.is_empty(), "{template}: the README names no make target");
        for target in named {
            assert!(targets.iter().any(|t| t == target), "{template}: README's `make {target}` is not in the Makefile");
        }
        assert!(!readme.contains("{{") && !readme.contains("{%"), "{template}: unrendered README");
    }
}

#[test]
fn go_http_is_a_service_with_a_health_check_and_its_sources_take_the_variables() {
    let tmp = tempfile::tempdir().unwrap();
    let out = mkmulti(tmp.path())
        .args(["new", "api", "--module", "github.com/acme/api", "--port", "9090", "--license", "MIT", "--no-git"])
        .args(["--var", "description=Serves the acme API"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let dir = tmp.path().join("api");
    let config = fs::read_to_string(dir.join("multiarch.toml")).unwrap();
    assert!(config.contains("\nports = [9090]"), "{config}");
    assert!(config.contains("\nhealthcheck.command = [\"api\", \"healthcheck\"]"), "{config}");
    assert!(config.contains("\nhost = \"ghcr.io\""), "the module's forge: {config}");
    assert!(config.contains("\nnamespace = \"acme\""), "{config}");
    let dockerfile = fs::read_to_string(dir.join("Dockerfile")).unwrap();
    assert!(dockerfile.contains("HEALTHCHECK") && dockerfile.contains("\"healthcheck\""), "{dockerfile}");
    assert_eq!(fs::read_to_string(dir.join("go.mod")).unwrap(), "module github.com/acme/api\n\ngo 1.22\n");
    let main = fs::read_to_string(dir.join("main.go")).unwrap();
    assert!(main.contains("defaultPort = \"9090\"") && main.contains("description = \"Serves the acme API\""));
    let license = fs::read_to_string(dir.join("LICENSE")).unwrap();
    assert!(license.starts_with("MIT License\n\nCopyright (c) 2026 The api authors\n"), "{license}");
}

#[test]
fn go_cli_has_no_port_and_is_smoke_tested_as_a_command() {
    let tmp = tempfile::tempdir().unwrap();
    let out = mkmulti(tmp.path()).args(["new", "tool", "--template", "go-cli", "--no-git"]).output().unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let config = fs::read_to_string(tmp.path().join("tool/multiarch.toml")).unwrap();
    assert!(!config.contains("\nports = ") && !config.contains("\nhealthcheck.command"), "{config}");
}

/// Runs `new` expecting a refusal: exit 2, the message, and nothing written.
fn refused(args: &[&str], message: &str) {
    let tmp = tempfile::tempdir().unwrap();
    let fixture = util::root().join("tests/fixtures/new");
    let args: Vec<String> = args.iter().map(|a| a.replace("FIXTURE", &fixture.to_string_lossy())).collect();
    let out = mkmulti(tmp.path()).arg("new").args(&args).arg("--no-git").output().unwrap();
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {shown}");
    assert!(shown.contains(message), "{args:?}: {shown}");
    assert!(shown.contains("nothing was written"), "{shown}");
    assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 0, "{args:?} wrote something");
}

#[test]
fn refusals_write_nothing() {
    refused(&["x", "--template", "go-htp"], "unknown template `go-htp` (did you mean `go-http`?)");
    refused(&["x", "--template", "FIXTURE/bad-key"], "mkmulti-template.toml:3:1: unknown field `renders`");
    refused(&["x", "--template", "FIXTURE/user"], "variable `owner` (Who runs it) has no default");
    refused(&["x", "--template", "FIXTURE/user", "--var", "ownr=a"], "(did you mean `owner`?)");
    // `../x` and absolute paths cannot be files of a directory; `render::out_path`'s unit test refuses them.
    refused(&["x", "--template", "FIXTURE/path-variable"], "a path may hold only `{{name}}` and `{{crate}}`");
    refused(&["x", "--template", "FIXTURE/broken"], "src/broken.txt:3: undefined value");
    refused(&["Bad_Name"], "NAME `Bad_Name`");
    refused(&["x", "--module", "not a module"], "--module `not a module`");
    refused(&["1api", "--template", "go-http"], "NAME `1api`: must start with a letter");
    refused(&["self", "--template", "rust-cli"], "NAME `self`: Cargo refuses it");
    refused(&["std", "--template", "rust-http"], "NAME `std`: Cargo refuses it");
}

#[test]
fn rust_workspace_gives_each_service_its_port_and_health_check() {
    let tmp = tempfile::tempdir().unwrap();
    let out = mkmulti(tmp.path())
        .args(["new", "shop", "--template", "rust-workspace", "--port", "9000", "--no-git"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let dir = tmp.path().join("shop");
    let config = fs::read_to_string(dir.join("multiarch.toml")).unwrap();
    // The backend listens next to the frontend: `port + 1`, computed by the template from the numeric `port`.
    for (app, port) in [("shop-backend", 9001), ("shop-frontend", 9000)] {
        let table = &config[config.find(&format!("name = \"{app}\"")).unwrap_or_else(|| panic!("{config}"))..];
        assert!(table.contains(&format!("\nports = [{port}]")), "{app}: {config}");
        assert!(table.contains(&format!("\nhealthcheck.command = [\"{app}\", \"healthcheck\"]")), "{app}: {config}");
    }
    let frontend = fs::read_to_string(dir.join("frontend/src/main.rs")).unwrap();
    assert!(frontend.contains("\"127.0.0.1:9001\""), "{frontend}");
    for image in ["Dockerfile.shop-backend", "Dockerfile.shop-frontend"] {
        assert!(dir.join(image).is_file(), "{:?}", files_under(&dir));
    }
}

#[test]
fn a_symlink_out_of_a_template_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let template = tmp.path().join("tpl");
    fs::create_dir(&template).unwrap();
    fs::write(template.join("mkmulti-template.toml"), "description = \"d\"\nlanguage = \"go\"\n").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink("/etc/hostname", template.join("leak")).unwrap();
    let work = tmp.path().join("work");
    fs::create_dir(&work).unwrap();
    let out = mkmulti(&work).args(["new", "x", "--no-git", "--template"]).arg(&template).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("leak is a symlink to"), "{}", text(&out));
    assert_eq!(fs::read_dir(&work).unwrap().count(), 0);
}

#[test]
fn a_directory_that_is_not_empty_is_refused_and_left_alone() {
    let tmp = tempfile::tempdir().unwrap();
    fs::create_dir(tmp.path().join("x")).unwrap();
    fs::write(tmp.path().join("x/notes.txt"), "mine").unwrap();
    let out = mkmulti(tmp.path()).args(["new", "x", "--no-git"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("exists and is not empty (it holds notes.txt)"), "{}", text(&out));
    assert_eq!(files_under(&tmp.path().join("x")), ["notes.txt"]);
    // An empty directory is filled.
    fs::create_dir(tmp.path().join("y")).unwrap();
    let out = mkmulti(tmp.path()).args(["new", "y", "--no-git"]).output().unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert!(tmp.path().join("y/main.go").is_file());
}

#[test]
fn a_user_template_renders_variables_copies_files_and_names_directories() {
    let tmp = tempfile::tempdir().unwrap();
    let fixture = util::root().join("tests/fixtures/new/user");
    let out = mkmulti(tmp.path())
        .args(["new", "shop", "--no-git", "--var", "owner=Team Blue"])
        .arg("--template")
        .arg(&fixture)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let dir = tmp.path().join("shop");
    let main = fs::read_to_string(dir.join("cmd/shop-server/main.go")).unwrap();
    assert!(main.contains("owner    = \"Team Blue\"") && main.contains("greeting = \"hello\""), "{main}");
    assert_eq!(
        fs::read_to_string(dir.join("static/raw.txt")).unwrap(),
        fs::read_to_string(fixture.join("static/raw.txt")).unwrap(),
        "copied verbatim, braces and all"
    );
    let config = fs::read_to_string(dir.join("multiarch.toml")).unwrap();
    assert!(config.contains("name = \"shop-server\""), "{config}");
    assert!(mkmulti(&dir).args(["generate", "--check"]).output().unwrap().status.success());
}

/// A golden template kept in a repository: `--template` with a git URL clones it (a `file://` URL here, as an
/// organisation's `https://` one would be) and renders it like the directory.
#[test]
fn a_template_in_a_git_repository_is_cloned_and_rendered() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("golden");
    let fixture = util::root().join("tests/fixtures/new/user");
    let copied = std::process::Command::new("cp").arg("-R").arg(&fixture).arg(&repo).status().unwrap();
    assert!(copied.success());
    let git = |args: &[&str]| {
        let out = std::process::Command::new("git")
            .current_dir(&repo)
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "init.defaultBranch=main"])
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "git {args:?}: {}", text(&out));
    };
    git(&["init", "-q"]);
    git(&["add", "-A"]);
    git(&["commit", "-q", "-m", "golden template"]);
    let url = format!("file://{}", repo.display());
    let out = mkmulti(tmp.path())
        .args(["new", "shop", "--no-git", "--var", "owner=Team Blue", "--template", &url])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let main = fs::read_to_string(tmp.path().join("shop/cmd/shop-server/main.go")).unwrap();
    assert!(main.contains("owner    = \"Team Blue\""), "{main}");
    let missing = mkmulti(tmp.path())
        .args(["new", "other", "--no-git", "--template", &format!("file://{}/nowhere.git", tmp.path().display())])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2), "{}", text(&missing));
    assert!(text(&missing).contains("`git clone` failed"), "{}", text(&missing));
    assert!(!tmp.path().join("other").exists());
}

#[test]
fn hostile_values_are_refused_before_they_reach_a_file() {
    let fixture = util::root().join("tests/fixtures/new/user");
    for hostile in ["x\"; rm -rf /", "$(id)", "a\nb", "{{7*7}}", "`id`", "a;b", "<script>", "a\\b", "${HOME}", " lead"]
    {
        let tmp = tempfile::tempdir().unwrap();
        let out = mkmulti(tmp.path())
            .args(["new", "x", "--no-git", "--var", &format!("owner={hostile}")])
            .arg("--template")
            .arg(&fixture)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{hostile:?}: {}", text(&out));
        assert!(text(&out).contains("variable `owner`"), "{hostile:?}: {}", text(&out));
        assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 0, "{hostile:?} wrote something");
    }
    // A pattern of the manifest's own is checked too.
    let tmp = tempfile::tempdir().unwrap();
    let out = mkmulti(tmp.path())
        .args(["new", "x", "--no-git", "--var", "owner=ok", "--var", "greeting=Hello"])
        .arg("--template")
        .arg(&fixture)
        .output()
        .unwrap();
    assert!(text(&out).contains("does not match the pattern `^[a-z]+$`"), "{}", text(&out));
}

#[test]
fn git_makes_the_first_commit_and_a_missing_identity_is_a_warning() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("home");
    fs::create_dir(&home).unwrap();
    // Only the identity the environment gives; `useConfigOnly` stops git guessing one from the host name.
    let global = home.join("gitconfig");
    fs::write(&global, "[user]\n\tuseConfigOnly = true\n").unwrap();
    let git_env = |cmd: &mut Command| {
        cmd.env("HOME", &home).env("GIT_CONFIG_GLOBAL", &global).env("GIT_CONFIG_NOSYSTEM", "1");
        for v in ["GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "EMAIL"] {
            cmd.env_remove(v);
        }
    };
    let mut cmd = mkmulti(tmp.path());
    git_env(&mut cmd);
    let out = cmd
        .args(["new", "with-git"])
        .env("GIT_AUTHOR_NAME", "A")
        .env("GIT_AUTHOR_EMAIL", "a@example.com")
        .env("GIT_COMMITTER_NAME", "A")
        .env("GIT_COMMITTER_EMAIL", "a@example.com")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let log = std::process::Command::new("git")
        .args(["-C", "with-git", "log", "--format=%s", "--name-only"])
        .current_dir(tmp.path())
        .output()
        .unwrap();
    let log = String::from_utf8_lossy(&log.stdout).into_owned();
    assert_eq!(log.lines().filter(|l| l.starts_with("Initial commit")).count(), 1, "{log}");
    assert!(log.contains("multiarch.toml") && log.contains("Dockerfile"), "{log}");
    let branch = std::process::Command::new("git")
        .args(["-C", "with-git", "branch", "--show-current"])
        .current_dir(tmp.path())
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&branch.stdout).trim(), "main");

    let mut cmd = mkmulti(tmp.path());
    git_env(&mut cmd);
    let out = cmd.args(["new", "no-identity"]).output().unwrap();
    assert!(out.status.success(), "files written: the command succeeds: {}", text(&out));
    assert!(text(&out).contains("warning: the repository is initialised"), "{}", text(&out));
    assert!(text(&out).contains("git config --global user.name"), "{}", text(&out));
    assert!(tmp.path().join("no-identity/.git").is_dir());
}

#[test]
fn add_appends_an_app_keeps_comments_and_regenerates() {
    let tmp = tempfile::tempdir().unwrap();
    let out = mkmulti(tmp.path()).args(["new", "mono", "--no-git"]).output().unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let dir = tmp.path().join("mono");
    let mut config = fs::read_to_string(dir.join("multiarch.toml")).unwrap();
    config.push_str("# my own note, kept\n");
    fs::write(dir.join("multiarch.toml"), &config).unwrap();

    let out = mkmulti(&dir).args(["add", "services/jobs", "--template", "go-cli", "--name", "jobs"]).output().unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let after = fs::read_to_string(dir.join("multiarch.toml")).unwrap();
    assert!(after.starts_with(&config), "the user's text is kept as it was");
    assert!(after.contains("\nname = \"jobs\"") && after.contains("\ncontext = \"services/jobs\""), "{after}");
    assert!(dir.join("services/jobs/main.go").is_file() && dir.join("services/jobs/Dockerfile").is_file());
    assert!(mkmulti(&dir).args(["generate", "--check"]).output().unwrap().status.success());

    // A second app of that name is refused with a hint, and nothing changes.
    let out = mkmulti(&dir).args(["add", "services/jobs2", "--template", "go-cli", "--name", "jobs"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("already has an app `jobs`") && text(&out).contains("--name"), "{}", text(&out));
    assert_eq!(fs::read_to_string(dir.join("multiarch.toml")).unwrap(), after);
    assert!(!dir.join("services/jobs2").exists());
}
