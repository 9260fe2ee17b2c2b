//! The generated Makefile, run by GNU make: the tag rule against real git history, QEMU registration from
//! what the builder reports, and the multi-platform export. A stub `docker` first on PATH records every call.

#![cfg(unix)]

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

use crate::util;

const DOCKER_STUB: &str = r#"#!/bin/sh
# Records every call; `buildx inspect` answers with $STUB_PLATFORMS like a builder node would, once the
# builder exists (`default` always does; others after `buildx create`).
echo "$*" >> "$STUB_LOG"
case "$1 $2" in
  "buildx inspect")
    if [ "$3" != --bootstrap ] && [ "$3" != default ] && ! grep -q '^buildx create' "$STUB_LOG"; then
      echo "ERROR: no builder \"$3\" found" >&2
      exit 1
    fi
    echo "Name:          stub"
    echo "Driver:        docker-container"
    echo "Platforms:     $STUB_PLATFORMS"
    ;;
esac
"#;

struct Project {
    dir: tempfile::TempDir,
    stubs: tempfile::TempDir,
}

impl Project {
    /// Generates a config's files into a fresh git repository.
    fn new(config: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let loaded = match mkmulti::load_str(config, "multiarch.toml", "multiarch.toml") {
            Ok(l) => l,
            Err(mkmulti::LoadError::Invalid(d)) => panic!("invalid config:\n{}", crate::util::rendered(&d)),
            Err(mkmulti::LoadError::Io(m)) => panic!("{m}"),
        };
        let files = mkmulti::render::render(&loaded.plan);
        mkmulti::write::write(&mkmulti::write::compare(dir.path(), dir.path(), &files).unwrap(), false).unwrap();
        let stubs = tempfile::tempdir().unwrap();
        let docker = stubs.path().join("docker");
        fs::write(&docker, DOCKER_STUB).unwrap();
        fs::set_permissions(&docker, fs::Permissions::from_mode(0o755)).unwrap();
        let p = Project { dir, stubs };
        p.git(&["init", "-q", "-b", "main"]);
        p.commit("first");
        p
    }

    fn example(name: &str) -> Self {
        Self::new(&fs::read_to_string(util::root().join("examples").join(name).join("multiarch.toml")).unwrap())
    }

    fn git(&self, args: &[&str]) -> String {
        let out = Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"])
            .args(["-c", "tag.gpgsign=false"])
            .args(args)
            .current_dir(self.dir.path())
            .output()
            .expect("git runs");
        assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    }

    fn commit(&self, message: &str) {
        fs::write(self.dir.path().join("CHANGES"), message).unwrap();
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "-m", message]);
    }

    fn short_sha(&self) -> String {
        self.git(&["rev-parse", "--short=7", "HEAD"])
    }

    /// Runs `make ARGS` with the stub docker; returns stdout and the recorded docker calls.
    fn make(&self, args: &[&str], platforms: &str) -> (String, String) {
        let log = self.stubs.path().join("calls.log");
        let _ = fs::remove_file(&log);
        let path = format!("{}:{}", self.stubs.path().display(), std::env::var("PATH").unwrap_or_default());
        let out = Command::new("make")
            .args(["--no-print-directory", "--warn-undefined-variables"])
            .args(args)
            .current_dir(self.dir.path())
            .env("PATH", path)
            .env("STUB_LOG", &log)
            .env("STUB_PLATFORMS", platforms)
            .env("BINFMT_MISC", self.stubs.path().join("binfmt_misc"))
            .env_remove("TAG")
            .env_remove("VERSION")
            .env_remove("MAKEFLAGS")
            .output()
            .expect("make runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "make {args:?}: {stderr}");
        assert!(!stderr.contains("undefined variable"), "make {args:?}: {stderr}");
        // Two rules for one target: make keeps one recipe and drops the other.
        assert!(!stderr.contains("overriding recipe"), "make {args:?}: {stderr}");
        (String::from_utf8(out.stdout).unwrap(), fs::read_to_string(&log).unwrap_or_default())
    }

    fn tags(&self, args: &[&str]) -> Vec<String> {
        let mut a = vec!["tags"];
        a.extend_from_slice(args);
        self.make(&a, "").0.lines().map(String::from).collect()
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }
}

#[test]
fn tags_follow_the_ci_rule() {
    let p = Project::example("go-hello");
    let image = "docker.io/example/go-hello";
    // Not a release: the `git describe` name (here just the commit), and no sha tag naming the commit twice.
    let sha = p.short_sha();
    assert_eq!(p.tags(&[]), [format!("{image}:{sha}")]);

    // A release tag: the version without `v`, major.minor, latest and the sha tag, as metadata-action does.
    p.git(&["tag", "v1.2.3"]);
    assert_eq!(
        p.tags(&[]),
        [format!("{image}:1.2.3"), format!("{image}:1.2"), format!("{image}:latest"), format!("{image}:sha-{sha}")]
    );

    // A commit after the release is not a release; neither is a dirty tree.
    p.commit("second");
    let sha2 = p.short_sha();
    assert_eq!(p.tags(&[]), [format!("{image}:v1.2.3-1-g{sha2}")]);
    p.git(&["tag", "v1.3.0"]);
    fs::write(p.path().join("CHANGES"), "edited").unwrap();
    // A dirty tree is not the commit: no sha tag.
    assert_eq!(p.tags(&[]), [format!("{image}:v1.3.0-dirty")]);
    p.git(&["checkout", "--", "CHANGES"]);

    // An explicit TAG wins; a release-shaped one still gets its companions.
    assert_eq!(p.tags(&["TAG=t1"]), [format!("{image}:t1"), format!("{image}:sha-{sha2}")]);
    assert_eq!(
        p.tags(&["TAG=2.0.0", "DOCKER_REGISTRY=ghcr.io/me"])[..3],
        [
            "ghcr.io/me/go-hello:2.0.0".to_string(),
            "ghcr.io/me/go-hello:2.0".to_string(),
            "ghcr.io/me/go-hello:latest".to_string()
        ]
    );

    // A pre-release: only its version, without `v`, as metadata-action's `type=semver,pattern={{version}}`
    // (no `2.0`, no `latest`); the sha tag as always.
    p.commit("third");
    let sha3 = p.short_sha();
    p.git(&["tag", "v2.0.0-rc1"]);
    assert_eq!(p.tags(&[]), [format!("{image}:2.0.0-rc1"), format!("{image}:sha-{sha3}")]);
    p.git(&["tag", "v2.0.0-beta.2"]);
    assert_eq!(p.tags(&["VERSION=v2.0.0-beta.2"]), [format!("{image}:2.0.0-beta.2"), format!("{image}:sha-{sha3}")]);
    // Commits after a pre-release are not one.
    p.commit("fourth");
    let sha4 = p.short_sha();
    let describe = p.git(&["describe", "--tags", "--always", "--dirty"]);
    assert!(describe.ends_with(&format!("-1-g{sha4}")), "{describe}");
    assert_eq!(p.tags(&[]), [format!("{image}:{describe}")]);

    // The push target pushes exactly those tags.
    let (out, _) = p.make(&["-n", "docker-push-multi", "TAG=2.0.0"], "");
    for t in ["2.0.0", "2.0", "latest"] {
        assert!(out.contains(&format!("-t {image}:{t} ")), "{out}");
    }
}

/// make's tags are the rule's, as `mkmulti::render::tags::TagRule` states it, for every shape of version.
#[test]
fn make_tags_agree_with_the_tag_rule() {
    let config = "[project]\nname = \"p\"\n[registry]\nhost = \"ghcr.io\"\nnamespace = \"acme\"\n[[app]]\nname = \"api\"\nlanguage = \"go\"\n";
    let p = Project::new(config);
    let Ok(loaded) = mkmulti::load_str(config, "multiarch.toml", "multiarch.toml") else { panic!("valid") };
    let rule = mkmulti::render::tags::TagRule::new(&loaded.plan.tags);
    let sha = p.short_sha();
    for version in
        ["v1.2.3", "1.2.3", "v2.0.0-rc1", "v2.0.0-rc.1", "v1.2.3-4-gabc1234", "v1.3.0-dirty", "abc1234", "v1.2"]
    {
        let want: Vec<String> =
            rule.local_tags(version, None, Some(&sha)).iter().map(|t| format!("ghcr.io/acme/api:{t}")).collect();
        assert_eq!(p.tags(&[&format!("VERSION={version}")]), want, "VERSION={version}");
    }
    for tag in ["2.0.0", "2.0.0-rc1", "t1"] {
        let want: Vec<String> =
            rule.local_tags("v9.9.9", Some(tag), Some(&sha)).iter().map(|t| format!("ghcr.io/acme/api:{t}")).collect();
        assert_eq!(p.tags(&["VERSION=v9.9.9", &format!("TAG={tag}")]), want, "TAG={tag}");
    }
}

#[test]
fn tag_rule_follows_the_tags_table() {
    let p = Project::new(
        "[project]\nname = \"p\"\n[registry]\nhost = \"ghcr.io\"\nnamespace = \"acme\"\n[tags]\nlatest = false\nsha = false\n\
         [[app]]\nname = \"api\"\nlanguage = \"go\"\n[[app]]\nname = \"worker\"\nlanguage = \"go\"\n",
    );
    p.git(&["tag", "v3.1.4"]);
    assert_eq!(
        p.tags(&[]),
        ["ghcr.io/acme/api:3.1.4", "ghcr.io/acme/api:3.1", "ghcr.io/acme/worker:3.1.4", "ghcr.io/acme/worker:3.1"]
    );
}

#[test]
fn buildx_setup_registers_qemu_only_for_what_the_builder_cannot_run() {
    let p = Project::example("go-hello");
    // A fresh x86-64 builder: the Arm platforms are missing.
    let (out, calls) = p.make(&["buildx-setup"], "linux/amd64, linux/amd64/v2, linux/amd64/v3, linux/386");
    assert!(calls.contains("buildx create --name go-hello-builder --driver docker-container"), "{calls}");
    assert!(calls.contains("buildx inspect --bootstrap go-hello-builder"), "{calls}");
    let install = format!("run --privileged --rm {} --install arm64,arm", mkmulti::actions::BINFMT_IMAGE);
    assert!(calls.lines().any(|l| l == install), "{calls}");
    assert!(out.contains("Registering QEMU for: arm64 arm"), "{out}");

    // The kernel runs arm64 already (a `qemu-aarch64` binfmt_misc entry) though the builder does not list it.
    fs::create_dir_all(p.stubs.path().join("binfmt_misc")).unwrap();
    fs::write(p.stubs.path().join("binfmt_misc/qemu-aarch64"), "enabled\n").unwrap();
    let (out, calls) = p.make(&["buildx-setup"], "linux/amd64, linux/386");
    let install = format!("run --privileged --rm {} --install arm", mkmulti::actions::BINFMT_IMAGE);
    assert!(calls.lines().any(|l| l == install), "{calls}");
    assert!(out.contains("Registering QEMU for: arm\n"), "{out}");

    // Everything there (user-set platforms are starred by buildx): nothing is registered.
    let (out, calls) = p.make(
        &["buildx-setup", "BUILDER_NAME=default"],
        "linux/amd64*, linux/arm64, linux/arm/v7, linux/arm/v6, linux/386",
    );
    assert!(!calls.contains("buildx create"), "{calls}");
    assert!(!calls.contains("--privileged"), "{calls}");
    assert!(out.contains("The builder runs every platform in PLATFORMS."), "{out}");
}

#[test]
fn buildx_setup_reads_every_node_of_the_builder() {
    let p = Project::example("go-hello");
    // The stub prints the first node's line and the second node's `Platforms:` line after it.
    let (out, calls) = p.make(&["buildx-setup"], util::MULTI_NODE_PLATFORMS);
    let install = format!("run --privileged --rm {} --install arm", mkmulti::actions::BINFMT_IMAGE);
    assert!(calls.lines().any(|l| l == install), "only arm is missing: {calls}");
    assert!(out.contains("Registering QEMU for: arm\n"), "{out}");
}

#[test]
fn docker_build_multi_exports_an_oci_archive() {
    let p = Project::example("realtime-svg");
    let (out, _) = p.make(&["-n", "docker-build-multi", "TAG=t1"], "");
    assert!(out.contains("--output 'type=oci,dest=dist/backend.oci.tar'"), "{out}");
    assert!(out.contains("--output 'type=oci,dest=dist/frontend.oci.tar'"), "{out}");
    assert!(out.contains("cannot be --load-ed"), "{out}");
    assert!(!out.contains(" --load "), "{out}");
    let (out, _) = p.make(&["-n", "clean", "TAG=t1"], "");
    assert!(out.contains("rm -f 'dist/backend.oci.tar' 'dist/frontend.oci.tar'"), "{out}");
}

#[test]
fn build_targets_create_the_builder_they_use() {
    let p = Project::example("go-hello");
    let (_, calls) = p.make(&["docker-build-local"], "linux/amd64");
    let lines: Vec<&str> = calls.lines().collect();
    let create = lines.iter().position(|l| l.starts_with("buildx create --name go-hello-builder")).expect("created");
    let build = lines.iter().position(|l| l.starts_with("buildx build --builder go-hello-builder")).expect("built");
    assert!(create < build, "{calls}");
    // Once it exists, it is reused.
    let (_, calls) = p.make(&["docker-build-local", "BUILDER_NAME=default"], "linux/amd64");
    assert!(!calls.contains("buildx create"), "{calls}");
}

#[test]
fn a_tag_that_is_not_one_word_stops_make() {
    let p = Project::example("go-hello");
    for bad in ["my tag", "-x", "a/b"] {
        let out = Command::new("make")
            .args(["--no-print-directory", "tags", &format!("TAG={bad}")])
            .current_dir(p.path())
            .env_remove("MAKEFLAGS")
            .output()
            .unwrap();
        assert!(!out.status.success(), "TAG={bad} was accepted");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("is not a tag"),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let (out, _) = p.make(&["tags", "TAG=v1.2.3-rc.1_b"], "");
    assert!(out.contains(":v1.2.3-rc.1_b"), "{out}");
}

#[test]
fn without_a_namespace_images_build_but_pushes_stop_with_the_key_to_set() {
    let example = fs::read_to_string(util::root().join("examples/go-hello/multiarch.toml")).unwrap();
    let config: String = example.lines().filter(|l| !l.starts_with("namespace")).map(|l| format!("{l}\n")).collect();
    let p = Project::new(&config);

    // A local build goes through; a push stops before touching docker, naming the key.
    let (_, calls) = p.make(&["docker-build-local"], "linux/amd64");
    assert!(calls.contains("buildx build"), "{calls}");
    for target in ["docker-push-multi", "docker-test-multi", "validate"] {
        let out = Command::new("make").args(["--no-print-directory", target]).current_dir(p.path()).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{target}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("set `registry.namespace` in multiarch.toml"),
            "{target}"
        );
    }
    // A registry given on the command line is used as it is.
    let (_, calls) = p.make(&["docker-push-multi", "DOCKER_REGISTRY=docker.io/me"], "linux/amd64");
    assert!(calls.contains("-t docker.io/me/go-hello:"), "{calls}");
    let script = Command::new("bash").arg("scripts/validate-multiarch.sh").current_dir(p.path()).output().unwrap();
    assert_eq!(script.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&script.stderr).contains("registry.namespace"));
}

/// The go-hello example with its Makefile written to `docker.mk`, and a Makefile of the project's own beside it.
fn included(own: &str) -> Project {
    let example = fs::read_to_string(util::root().join("examples/go-hello/multiarch.toml")).unwrap();
    let p = Project::new(&format!("{example}\n[output]\nmakefile-path = \"docker.mk\"\n"));
    assert!(!p.path().join("Makefile").exists());
    fs::write(p.path().join("Makefile"), own).unwrap();
    p
}

/// A project's own Makefile with its own `all`, `help` and `clean`, including mkmulti's at its end.
const OWN_THEN_INCLUDE: &str = "all: build\n\nbuild:\n\t@echo own-build\n\nhelp:\n\t@echo own-help\n\n\
                                clean:\n\t@echo own-clean\n\ninclude docker.mk\n";

#[test]
fn an_included_makefile_keeps_the_includers_goal_and_targets() {
    let p = included(OWN_THEN_INCLUDE);
    // The includer's first target stays its default goal, and its `help` and `clean` stay its own.
    assert_eq!(p.make(&[], "").0, "own-build\n");
    assert_eq!(p.make(&["help"], "").0, "own-help\n");
    assert_eq!(p.make(&["clean"], "").0, "own-clean\n");
    // mkmulti's targets are reachable through the includer.
    let (_, calls) = p.make(&["docker-build-local"], "linux/amd64");
    assert!(calls.contains("buildx build --builder go-hello-builder"), "{calls}");
    assert!(calls.contains(" --load -f Dockerfile -t docker.io/example/go-hello:"), "{calls}");
    let (out, _) = p.make(&["-n", "docker-clean", "TAG=t1"], "");
    assert!(out.contains("docker image rm docker.io/example/go-hello:t1"), "{out}");
    assert_eq!(p.make(&["docker-tags", "TAG=t1"], "").0.lines().next(), Some("docker.io/example/go-hello:t1"));

    // `docker-help` lists docker.mk's targets, not the includer's, and no generic name a Makefile may have.
    let (help, _) = p.make(&["docker-help"], "");
    let targets: Vec<&str> =
        help.lines().skip(1).take_while(|l| !l.is_empty()).map(|l| l.split_whitespace().next().unwrap()).collect();
    for target in ["docker-help", "buildx-setup", "docker-build-local", "docker-push-multi", "docker-clean"] {
        assert!(targets.contains(&target), "{target}: {help}");
    }
    for target in ["all", "build", "help", "clean", "tags", "validate"] {
        assert!(!targets.contains(&target), "{target}: {help}");
    }
}

#[test]
fn an_include_before_any_target_leaves_the_default_goal_to_the_next_one() {
    let p = included("include docker.mk\n\nfirst:\n\t@echo own-first\n");
    assert_eq!(p.make(&[], "").0, "own-first\n");
    // Alone, docker.mk lists its targets.
    let (out, _) = p.make(&["-f", "docker.mk"], "");
    assert!(out.starts_with("Targets:\n  docker-help "), "{out}");
}

#[test]
fn an_included_makefile_takes_the_includers_settings() {
    let own =
        "DOCKER_REGISTRY := ghcr.io/me\nBUILD_ARGS := --build-arg OWN=1\n\nall:\n\t@echo own\n\ninclude docker.mk\n";
    let p = included(own);
    let (_, calls) = p.make(&["docker-push-multi", "TAG=t1"], "linux/amd64");
    let push = calls.lines().find(|l| l.contains(" --push ")).expect("a push");
    assert!(push.contains("--build-arg OWN=1") && !push.contains("--build-arg VERSION="), "{push}");
    assert!(push.contains("-t ghcr.io/me/go-hello:t1"), "{push}");
}
