use std::fs;
use std::path::Path;

use super::*;

fn write(root: &Path, rel: &str, contents: &str) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, contents).unwrap();
}

/// The messages of every project finding for the app table `app` in `dir`.
fn findings(dir: &Path, app: &str) -> Vec<String> {
    let text = format!("[project]\nname = \"p\"\n[registry]\nnamespace = \"acme\"\n[[app]]\nname = \"api\"\n{app}\n");
    let raw: RawConfig = toml::from_str(&text).unwrap();
    let plan = crate::resolve::plan(&raw, "m.toml").plan.expect("a valid config");
    check(&raw, &plan, dir).into_iter().map(|d| d.message).collect()
}

fn go_project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "go.mod", "module example.com/api\n\ngo 1.24.2\n");
    write(dir.path(), "cmd/api/main.go", "package main\n\nfunc main() {}\n");
    write(dir.path(), "internal/x/x.go", "package x\n");
    dir
}

#[test]
fn a_go_project_that_builds_passes() {
    let dir = go_project();
    assert!(findings(dir.path(), "language = \"go\"\nmain = \"./cmd/api\"").is_empty());
}

#[test]
fn go_main_must_be_a_main_package() {
    let dir = go_project();
    assert_eq!(
        findings(dir.path(), "language = \"go\"\nmain = \"./internal/x\""),
        ["`./internal/x` holds no `package main` in module example.com/api"]
    );
    assert_eq!(
        findings(dir.path(), "language = \"go\"\nmain = \"./cmd/nope\""),
        ["`./cmd/nope` is not a directory in module example.com/api"]
    );
    assert_eq!(findings(dir.path(), "language = \"go\"").len(), 1, "the default `.` holds no main package here");
}

#[test]
fn the_go_builder_is_not_older_than_go_mod() {
    let dir = go_project();
    let found = findings(dir.path(), "language = \"go\"\nmain = \"./cmd/api\"\ngo.version = \"1.23\"");
    assert_eq!(found, ["go.mod needs Go 1.24 (its `go` line), but the builder is Go 1.23"]);
    assert!(findings(dir.path(), "language = \"go\"\nmain = \"./cmd/api\"\ngo.version = \"1.24\"").is_empty());
}

#[test]
fn required_modules_need_go_sum_or_vendor() {
    let dir = go_project();
    write(dir.path(), "go.mod", "module example.com/api\n\ngo 1.24\n\nrequire example.com/dep v1.0.0\n");
    assert_eq!(
        findings(dir.path(), "language = \"go\"\nmain = \"./cmd/api\""),
        ["go.mod requires modules, but there is no go.sum beside it"]
    );
    write(dir.path(), "go.sum", "");
    assert!(findings(dir.path(), "language = \"go\"\nmain = \"./cmd/api\"").is_empty());
}

fn rust_project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "Cargo.toml",
        "[package]\nname = \"api\"\nversion = \"0.1.0\"\nedition = \"2021\"\nrust-version = \"1.82\"\n",
    );
    write(dir.path(), "src/main.rs", "fn main() {}\n");
    write(dir.path(), "Cargo.lock", "version = 4\n");
    dir
}

#[test]
fn a_rust_project_that_builds_passes() {
    let dir = rust_project();
    assert!(findings(dir.path(), "language = \"rust\"").is_empty());
}

#[test]
fn rust_needs_a_lock_file() {
    let dir = rust_project();
    fs::remove_file(dir.path().join("Cargo.lock")).unwrap();
    let found = findings(dir.path(), "language = \"rust\"");
    assert_eq!(found.len(), 1);
    assert!(found[0].starts_with("no Cargo.lock in the build context"), "{found:?}");
}

#[test]
fn rust_bins_must_exist() {
    let dir = rust_project();
    assert_eq!(
        findings(dir.path(), "language = \"rust\"\nbin = \"server\""),
        ["the root package has no binary target `server`"]
    );
}

#[test]
fn the_rust_builder_is_not_older_than_rust_version() {
    let dir = rust_project();
    assert_eq!(
        findings(dir.path(), "language = \"rust\"\nrust.version = \"1.80\""),
        ["the crate needs Rust 1.82, but the builder is Rust 1.80"]
    );
    assert!(findings(dir.path(), "language = \"rust\"\nrust.version = \"1.82.1\"").is_empty());
    assert!(findings(dir.path(), "language = \"rust\"").is_empty(), "`1` follows the latest stable");
}

#[test]
fn a_missing_manifest_is_one_finding_per_app() {
    let dir = tempfile::tempdir().unwrap();
    let found = findings(dir.path(), "language = \"go\"");
    assert_eq!(found.len(), 1);
    assert!(found[0].starts_with("no go.mod in the build context"), "{found:?}");
}

#[test]
fn versions_compare_as_numbers() {
    assert!(newer("1.10", &[1, 9]));
    assert!(!newer("1.9", &[1, 10]));
    assert!(!newer("1.85.1", &[1, 85]));
    assert_eq!(numeric("1"), None);
}

#[test]
fn an_ignore_file_mkmulti_does_not_write_must_not_hide_what_the_build_reads() {
    let dir = go_project();
    write(dir.path(), "go.sum", "");
    let app = "language = \"go\"\nmain = \"./cmd/api\"";
    let own = "[output]\ndockerignore = false";
    // mkmulti writes .dockerignore itself unless told not to: a foreign one is then refused by generate instead.
    write(dir.path(), ".dockerignore", "*.sum\ncmd\n");
    assert!(findings(dir.path(), app).is_empty());
    assert_eq!(
        findings(dir.path(), &format!("{app}\n{own}")),
        [
            ".dockerignore keeps `go.sum` out of the build context (`*.sum`)",
            ".dockerignore keeps `cmd/api` out of the build context (`cmd`)"
        ]
    );
    // An allow-list that names what the build needs passes.
    write(dir.path(), ".dockerignore", "*\n!go.mod\n!go.sum\n!cmd/\n");
    assert!(findings(dir.path(), &format!("{app}\n{own}")).is_empty());
    // BuildKit prefers the Dockerfile's own ignore file, whatever the [output] table says.
    write(dir.path(), "Dockerfile.dockerignore", "go.mod\n");
    assert_eq!(
        findings(dir.path(), app),
        [".dockerignore keeps `go.mod` out of the build context (`go.mod`)"]
            .map(|m| m.replace(".dockerignore", "Dockerfile.dockerignore"))
    );
}

#[test]
fn a_rust_ignore_file_must_keep_the_lock_file_and_sources() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "Cargo.toml", "[package]\nname = \"api\"\nversion = \"0.1.0\"\nedition = \"2021\"\n");
    write(dir.path(), "Cargo.lock", "version = 4\n");
    write(dir.path(), "src/main.rs", "fn main() {}\n");
    write(dir.path(), ".dockerignore", "target\n**/*.lock\n");
    assert_eq!(
        findings(dir.path(), "language = \"rust\"\n[output]\ndockerignore = false"),
        [".dockerignore keeps `Cargo.lock` out of the build context (`**/*.lock`)"]
    );
}

#[test]
fn an_apps_own_context_is_where_its_ignore_file_is_read() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "services/api/go.mod", "module example.com/api\n\ngo 1.22\n");
    write(dir.path(), "services/api/go.sum", "");
    write(dir.path(), "services/api/main.go", "package main\n\nfunc main() {}\n");
    write(dir.path(), "services/api/.dockerignore", "go.sum\n");
    // The config's own directory has an ignore file that would hide nothing the app reads.
    write(dir.path(), ".dockerignore", "services\n");
    assert_eq!(
        findings(dir.path(), "language = \"go\"\ncontext = \"services/api\"\n[output]\ndockerignore = false"),
        ["services/api/.dockerignore keeps `go.sum` out of the build context (`go.sum`)"]
    );
}

/// The messages of every project finding for a whole config's `[[app]]` tables, in `dir`.
fn findings_of_apps(dir: &Path, apps: &str) -> Vec<String> {
    let text = format!("[project]\nname = \"p\"\n[registry]\nnamespace = \"acme\"\n{apps}");
    let raw: RawConfig = toml::from_str(&text).unwrap();
    let plan = crate::resolve::plan(&raw, "m.toml").plan.expect("a valid config");
    check(&raw, &plan, dir).into_iter().map(|d| d.message).collect()
}

#[test]
fn each_app_is_checked_in_its_own_context() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "services/api/go.mod", "module example.com/api\n\ngo 1.24\n");
    write(dir.path(), "services/api/cmd/api/main.go", "package main\n\nfunc main() {}\n");
    write(
        dir.path(),
        "services/web/Cargo.toml",
        "[package]\nname = \"web\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    );
    write(dir.path(), "services/web/src/main.rs", "fn main() {}\n");
    write(dir.path(), "services/web/Cargo.lock", "version = 4\n");
    let api = "[[app]]\nname = \"api\"\nlanguage = \"go\"\ncontext = \"services/api\"\nmain = \"./cmd/api\"\n";
    let web = "[[app]]\nname = \"web\"\nlanguage = \"rust\"\ncontext = \"services/web\"\n";
    assert!(findings_of_apps(dir.path(), &format!("{api}{web}")).is_empty());
    // `main` is relative to the module, not to the config.
    let wrong_main = api.replace("./cmd/api", "./services/api/cmd/api");
    assert_eq!(
        findings_of_apps(dir.path(), &wrong_main),
        ["`./services/api/cmd/api` is not a directory in module example.com/api"]
    );
    // The lock file is looked for in the app's own context.
    fs::remove_file(dir.path().join("services/web/Cargo.lock")).unwrap();
    let found = findings_of_apps(dir.path(), web);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with("no Cargo.lock in the build context") && found[0].contains("services/web"),
        "{found:?}"
    );
    // Nothing is read beside the config for an app with a context of its own.
    assert_eq!(
        findings_of_apps(dir.path(), "[[app]]\nname = \"x\"\nlanguage = \"go\"\ncontext = \"services/web\"\n"),
        [format!("no go.mod in the build context {}", dir.path().join("services/web").display())]
    );
    assert_eq!(
        findings_of_apps(dir.path(), "[[app]]\nname = \"x\"\nlanguage = \"go\"\ncontext = \"services/gone\"\n"),
        [format!("the build context `{}` is not a directory", dir.path().join("services/gone").display())]
    );
}

#[test]
fn a_config_below_the_repository_top_is_warned_about_unless_ci_root_says_so() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join(".git")).unwrap();
    let api = dir.path().join("services/api");
    write(&api, "go.mod", "module example.com/api\n\ngo 1.24\n");
    write(&api, "main.go", "package main\n\nfunc main() {}\n");
    let app = "[[app]]\nname = \"api\"\nlanguage = \"go\"\n";
    let found = findings_of_apps(&api, app);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].starts_with("the git repository's top is `../..`"), "{found:?}");
    // `ci.root` needs the directories on the way, which a config read from memory cannot name: with them, none.
    let raw: RawConfig = toml::from_str(&format!(
        "[project]\nname = \"p\"\n[registry]\nnamespace = \"acme\"\n[ci]\nroot = \"../..\"\n{app}"
    ))
    .unwrap();
    let site = crate::resolve::Site { repo_dirs: Some(repo_dirs(&api, 2)) };
    assert_eq!(site.repo_dirs.as_deref(), Some(&["services".to_string(), "api".to_string()][..]));
    let plan = crate::resolve::plan_at(&raw, "m.toml", &site).plan.expect("valid");
    assert_eq!(plan.ci.workflow_path, "../../.github/workflows/docker.yml");
    assert!(check(&raw, &plan, &api).is_empty());
}

#[test]
fn a_workspace_member_that_is_not_there_is_named() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "Cargo.toml", "[workspace]\nmembers = [\"api\", \"gone\"]\nresolver = \"2\"\n");
    write(dir.path(), "api/Cargo.toml", "[package]\nname = \"api\"\nversion = \"0.1.0\"\nedition = \"2021\"\n");
    write(dir.path(), "api/src/main.rs", "fn main() {}\n");
    write(dir.path(), "Cargo.lock", "version = 4\n");
    let found = findings(dir.path(), "language = \"rust\"\npackage = \"api\"");
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].starts_with("workspace member `gone` of "), "{found:?}");
    assert!(found[0].ends_with("has no Cargo.toml (cargo fails on it too): create it or remove it from `members`"));
}

#[test]
fn a_missing_secret_file_is_a_warning() {
    let dir = go_project();
    write(dir.path(), "certs/ca.pem", "-----BEGIN CERTIFICATE-----\n");
    let app = "language = \"go\"\nmain = \"./cmd/api\"\n[build]\nca-secret = \"ca\"\n[build.secrets.ca]\nfile = \"certs/ca.pem\"\n";
    assert!(findings(dir.path(), app).is_empty());
    let missing =
        app.replace("certs/ca.pem", "certs/corp.pem") + "[build.secrets.netrc]\nfile = \"/nonexistent/.netrc\"\n";
    assert_eq!(
        findings(dir.path(), &missing),
        [
            "the CA bundle of secret `ca`, `certs/corp.pem`, does not exist here",
            "the file of secret `netrc`, `/nonexistent/.netrc`, does not exist here"
        ]
    );
    let text = format!("[project]\nname = \"p\"\n[[app]]\nname = \"api\"\n{missing}\n");
    let raw: RawConfig = toml::from_str(&text).unwrap();
    let plan = crate::resolve::plan(&raw, "m.toml").plan.expect("a valid config");
    assert!(check(&raw, &plan, dir.path()).iter().all(|d| !d.is_error()));
}
