//! Monorepos, through the real binary: apps built from their own module directories (`context`), and a config
//! below the git repository's top whose workflow goes to the top (`ci.root`).

use std::fs;
use std::path::Path;

use assert_cmd::Command;

use crate::util;

fn mkmulti(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::cargo_bin("mkmulti").unwrap().current_dir(dir).args(args).output().unwrap()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn write(root: &Path, rel: &str, contents: &str) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, contents).unwrap();
}

/// A Go module with its command at the module root.
fn go_module(root: &Path, dir: &str, module: &str) {
    write(root, &format!("{dir}/go.mod"), &format!("module {module}\n\ngo 1.22\n"));
    write(root, &format!("{dir}/main.go"), "package main\n\nfunc main() {}\n");
}

const HEAD: &str = "[project]\nname = \"mono\"\n[registry]\nhost = \"ghcr.io\"\nnamespace = \"acme\"\n";

#[test]
fn apps_build_from_their_own_contexts_and_the_workflow_filters_on_them() {
    let dir = tempfile::tempdir().unwrap();
    go_module(dir.path(), "services/api", "example.com/api");
    go_module(dir.path(), "services/worker", "example.com/worker");
    let config = format!(
        "{HEAD}[[app]]\nname = \"api\"\nlanguage = \"go\"\ncontext = \"services/api\"\n\
         [[app]]\nname = \"worker\"\nlanguage = \"go\"\ncontext = \"./services/worker\"\n"
    );
    write(dir.path(), "multiarch.toml", &config);
    let out = mkmulti(dir.path(), &["generate"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    for app in ["api", "worker"] {
        assert!(dir.path().join(format!("services/{app}/Dockerfile")).is_file(), "{app}");
        let ignore = fs::read_to_string(dir.path().join(format!("services/{app}/.dockerignore"))).unwrap();
        assert!(ignore.lines().any(|l| l == "Dockerfile") && !ignore.contains("\nMakefile\n"), "{ignore}");
    }
    assert!(!dir.path().join("Dockerfile").exists() && !dir.path().join(".dockerignore").exists());
    let makefile = fs::read_to_string(dir.path().join("Makefile")).unwrap();
    assert!(
        makefile.contains("-f services/worker/Dockerfile -t $(WORKER_IMAGE):$(TAG) services/worker\n"),
        "{makefile}"
    );
    let workflow = fs::read_to_string(dir.path().join(".github/workflows/docker.yml")).unwrap();
    assert!(workflow.contains("    paths:\n      - \"services/api/**\"\n      - \"services/worker/**\"\n      - \"multiarch.toml\"\n      - \"scripts/**\"\n      - \".github/workflows/docker.yml\"\n"), "{workflow}");
    assert!(workflow.contains("context: \"services/worker\"\n          file: \"services/worker/Dockerfile\"\n"));

    // A context that is not there is found by `check`, at the key.
    let broken = config.replace("./services/worker", "services/wrker");
    write(dir.path(), "multiarch.toml", &broken);
    let out = mkmulti(dir.path(), &["check"]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(err.contains("services/wrker` is not a directory") && err.contains("multiarch.toml:13:11"), "{err}");

    // A context holding another language's project: the check reads the manifest there, not beside the config.
    write(
        dir.path(),
        "multiarch.toml",
        &config.replace("name = \"worker\"\nlanguage = \"go\"", "name = \"worker\"\nlanguage = \"rust\""),
    );
    let out = mkmulti(dir.path(), &["check"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no Cargo.toml in the build context"), "{}", stderr(&out));
}

#[test]
fn an_app_at_the_config_directory_builds_on_every_change() {
    let dir = tempfile::tempdir().unwrap();
    go_module(dir.path(), ".", "example.com/root");
    go_module(dir.path(), "tools/gen", "example.com/gen");
    let config = format!(
        "{HEAD}[[app]]\nname = \"root\"\nlanguage = \"go\"\n[[app]]\nname = \"gen\"\nlanguage = \"go\"\ncontext = \"tools/gen\"\n"
    );
    write(dir.path(), "multiarch.toml", &config);
    let out = mkmulti(dir.path(), &["generate"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // The root app keeps today's name beside another app; the other app's Dockerfile is alone in its context.
    assert!(dir.path().join("Dockerfile.root").is_file() && dir.path().join("tools/gen/Dockerfile").is_file());
    let ignore = fs::read_to_string(dir.path().join(".dockerignore")).unwrap();
    assert!(ignore.contains("\nDockerfile.root\n") && ignore.contains("\nMakefile\n"), "{ignore}");
    let workflow = fs::read_to_string(dir.path().join(".github/workflows/docker.yml")).unwrap();
    assert!(!workflow.contains("paths:"), "{workflow}");
}

/// The monorepo of `tests/fixtures/monorepo`'s shape: a git repository whose service in `services/api` has its
/// own config.
fn service_below_a_repository() -> tempfile::TempDir {
    let repo = tempfile::tempdir().unwrap();
    fs::create_dir(repo.path().join(".git")).unwrap();
    go_module(repo.path(), "services/api", "example.com/api");
    repo
}

#[test]
fn a_config_below_the_repository_top_writes_the_workflow_there() {
    let repo = service_below_a_repository();
    let api = repo.path().join("services/api");
    write(
        &api,
        "multiarch.toml",
        &format!("{HEAD}[ci]\nroot = \"../..\"\n[[app]]\nname = \"api\"\nlanguage = \"go\"\n"),
    );

    let out = mkmulti(&api, &["generate", "--dry-run"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("create     ../../.github/workflows/docker.yml\n"), "{}", stdout(&out));
    assert!(!repo.path().join(".github").exists(), "a dry run writes nothing");

    let out = mkmulti(&api, &["generate"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));
    assert!(!api.join(".github").exists(), "GitHub never runs a workflow there");
    let workflow = fs::read_to_string(repo.path().join(".github/workflows/docker.yml")).unwrap();
    util::insta_settings("monorepo").bind(|| insta::assert_snapshot!("ci_root_workflow", workflow));

    let out = mkmulti(&api, &["generate", "--check"]);
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), stderr(&out));
    // From the repository's top, with `--config`: the same files, in the same places.
    let out = mkmulti(repo.path(), &["generate", "--check", "--config", "services/api/multiarch.toml"]);
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), stderr(&out));
}

#[test]
fn two_services_cannot_share_one_workflow_file_at_the_top() {
    let repo = service_below_a_repository();
    go_module(repo.path(), "services/web", "example.com/web");
    for app in ["api", "web"] {
        let config = format!("{HEAD}[ci]\nroot = \"../..\"\n[[app]]\nname = \"{app}\"\nlanguage = \"go\"\n");
        write(repo.path(), &format!("services/{app}/multiarch.toml"), &config);
    }
    let out = mkmulti(&repo.path().join("services/api"), &["generate"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = mkmulti(&repo.path().join("services/web"), &["generate"]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(err.contains("docker.yml was generated from services/api/multiarch.toml, another config"), "{err}");
    assert!(err.contains("`workflow = \"...\"` in [ci]") && err.contains("nothing was written"), "{err}");
    assert!(!repo.path().join("services/web/Dockerfile").exists(), "nothing at all is written");
    // Named apart, both workflows live side by side.
    let web = repo.path().join("services/web/multiarch.toml");
    let config = fs::read_to_string(&web).unwrap().replace("root = \"../..\"", "root = \"../..\"\nworkflow = \"web\"");
    fs::write(&web, config).unwrap();
    let out = mkmulti(&repo.path().join("services/web"), &["generate"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let workflow = fs::read_to_string(repo.path().join(".github/workflows/web.yml")).unwrap();
    assert!(workflow.contains("      - \"services/web/**\"\n      - \".github/workflows/web.yml\"\n"), "{workflow}");
}

#[test]
fn a_config_below_the_repository_top_without_ci_root_is_warned_about() {
    let repo = service_below_a_repository();
    let api = repo.path().join("services/api");
    write(&api, "multiarch.toml", &format!("{HEAD}[[app]]\nname = \"api\"\nlanguage = \"go\"\n"));
    let out = mkmulti(&api, &["check"]);
    assert_eq!(out.status.code(), Some(0), "a warning: {}", stderr(&out));
    let err = stderr(&out);
    assert!(err.starts_with("warning: the git repository's top is `../..`"), "{err}");
    assert!(err.contains("key: ci.root") && err.contains("set `root = \"../..\"` in [ci]"), "{err}");

    // A root that climbs to the wrong directory is warned about too.
    write(&api, "multiarch.toml", &format!("{HEAD}[ci]\nroot = \"..\"\n[[app]]\nname = \"api\"\nlanguage = \"go\"\n"));
    let err = stderr(&mkmulti(&api, &["check"]));
    assert!(err.contains("`root = \"..\"`, but the git repository's top is `../..`"), "{err}");
    assert!(err.contains("multiarch.toml:7:8"), "located at the key: {err}");

    // Without a workflow, where the repository starts does not matter.
    write(
        &api,
        "multiarch.toml",
        &format!("{HEAD}[output]\nworkflow = false\n[[app]]\nname = \"api\"\nlanguage = \"go\"\n"),
    );
    assert!(!stderr(&mkmulti(&api, &["check"])).contains("warning"));
}

#[test]
fn init_below_the_repository_top_writes_ci_root_and_generates_without_an_edit() {
    let repo = service_below_a_repository();
    let api = repo.path().join("services/api");
    let out = mkmulti(&api, &["init", "--registry", "ghcr.io/acme"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let config = fs::read_to_string(api.join("multiarch.toml")).unwrap();
    assert!(config.contains("\nroot = \"../..\"  # ") && config.contains("(the git repository's top:"), "{config}");
    let out = mkmulti(&api, &["generate"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));
    assert!(repo.path().join(".github/workflows/docker.yml").is_file());
}
