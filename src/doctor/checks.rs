//! The machine-wide lines of the report: the docker CLI and its engine, the buildx plugin, and the builder (it
//! exists, starts, and its driver builds several platforms at once); also which builder that is. Which engine
//! it is (`engine`) picks the fixes.
//!
//! The outputs relied on were checked against docker CLI 28.2.2, dockerd 26.1.5 and buildx 0.13.1 (2026-11):
//! - `docker version --format T` prints `T` even when the engine is unreachable (`.Server` is then empty) and
//!   exits 1 with `Cannot connect to the Docker daemon at ...` on stderr;
//! - `docker buildx version` prints `github.com/docker/buildx v0.13.1 <commit>`; without the plugin docker exits
//!   1 with `unknown command: docker buildx` (28.x) or `'buildx' is not a docker command` (older).
//!
//! `docker buildx inspect` itself is read in `inspect`.

use super::engine::{self, Engine, Kind};
use super::{Check, Inspect, RunError, Status, System, Target, parse_inspect};

/// buildx's builder name rule (`store.ValidateName`): a letter, then letters, digits and `._-`.
pub fn valid_builder_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// The builder to check: `--builder`, else `$BUILDER_NAME` (the generated Makefile reads it from the
/// environment too), else the Makefile's default `<project>-builder` (`default` without a config).
pub fn builder_name(target: &Target, flag: Option<&str>, sys: &dyn System) -> String {
    flag.map(str::to_string)
        .or_else(|| sys.env("BUILDER_NAME").filter(|v| !v.trim().is_empty()))
        .unwrap_or_else(|| target.default_builder())
}

fn create_builder(name: &str) -> String {
    format!("docker buildx create --name {name} --driver docker-container --bootstrap")
}

/// The docker CLI and its engine; `None` when there is no CLI, else the check and whether the engine answered.
pub(super) fn check_docker(sys: &dyn System) -> Option<(Check, bool)> {
    let subject = "docker".to_string();
    let reply = match sys.docker(&["version", "--format", "{{.Client.Version}} {{.Server.Version}}"]) {
        Ok(r) => r,
        Err(RunError::NotFound) => return None,
        Err(e) => {
            let fixes =
                vec!["docker context ls   (check which engine the CLI talks to; DOCKER_HOST overrides it)".into()];
            let found = format!("`docker version` failed: {e}");
            return Some((Check { status: Status::Fail, subject, found, fixes }, false));
        }
    };
    let mut versions = reply.stdout.split_whitespace();
    let client = versions.next().unwrap_or("unknown").to_string();
    let server = versions.next();
    if let (0, Some(server)) = (reply.code, server) {
        return Some((
            Check { status: Status::Ok, subject, found: format!("client {client}, engine {server}"), fixes: vec![] },
            true,
        ));
    }
    let error = reply.error_line();
    let fix = if error.to_ascii_lowercase().contains("permission denied") {
        "sudo usermod -aG docker \"$USER\"   (then log out and in again)".to_string()
    } else {
        match (engine::unreachable(sys).kind, sys.os()) {
            (Kind::Rootless, _) => "systemctl --user start docker".to_string(),
            (Kind::Remote { host }, _) => format!(
                "start the engine on the machine at DOCKER_HOST={host}, or unset DOCKER_HOST to use this machine's"
            ),
            (_, "macos") => "open -a Docker".to_string(),
            (Kind::Desktop, _) | (_, "windows") => "start Docker Desktop".to_string(),
            (Kind::Local, _) => "sudo systemctl start docker".to_string(),
        }
    };
    let found = format!("client {client}, engine unreachable: {error}");
    Some((Check { status: Status::Fail, subject, found, fixes: vec![fix] }, false))
}

pub(super) fn check_buildx(sys: &dyn System) -> Check {
    let subject = "buildx".to_string();
    let install = "install the buildx plugin: sudo apt-get install docker-buildx-plugin (Docker's apt repository), \
                   or see https://github.com/docker/buildx#installing"
        .to_string();
    match sys.docker(&["buildx", "version"]) {
        Ok(r) if r.code == 0 => {
            let version = r.stdout.split_whitespace().nth(1).unwrap_or("unknown version");
            Check { status: Status::Ok, subject, found: version.to_string(), fixes: vec![] }
        }
        Ok(r) => {
            let error = r.error_line();
            let missing = error.contains("unknown command") || error.contains("is not a docker command");
            let found =
                if missing { "not installed".to_string() } else { format!("`docker buildx version` failed: {error}") };
            Check { status: Status::Fail, subject, found, fixes: vec![install] }
        }
        Err(e) => Check {
            status: Status::Fail,
            subject,
            found: format!("`docker buildx version` failed: {e}"),
            fixes: vec![install],
        },
    }
}

/// The builder exists, starts, and its driver can build several platforms in one build.
pub(super) fn check_builder(
    target: &Target,
    engine: &Engine,
    name: &str,
    sys: &dyn System,
) -> Result<(Check, Inspect), Check> {
    let subject = format!("builder {name}");
    let fail =
        |found: String, fixes: Vec<String>| Check { status: Status::Fail, subject: subject.clone(), found, fixes };
    let reply = match sys.docker(&["buildx", "inspect", "--bootstrap", name]) {
        Ok(r) => r,
        Err(e) => return Err(fail(format!("`docker buildx inspect --bootstrap {name}` failed: {e}"), vec![])),
    };
    if reply.code != 0 {
        let error = reply.error_line();
        if error.contains("no builder") {
            let fixes = if name == "default" {
                vec!["docker buildx ls   (then `mkmulti doctor --builder NAME` with the engine's builder)".into()]
            } else {
                vec![
                    create_builder(name),
                    "or use the engine's own builder (needs the containerd image store): export BUILDER_NAME=default"
                        .into(),
                ]
            };
            return Err(fail("does not exist".into(), fixes));
        }
        return Err(fail(format!("cannot start: {error}"), restart_fixes(name, &error)));
    }
    let inspect = parse_inspect(&reply.stdout);
    let node_error = inspect.nodes.iter().find_map(|n| n.error.clone());
    if let Some(error) = inspect.error.clone().or(node_error) {
        return Err(fail(format!("cannot start: {error}"), restart_fixes(name, &error)));
    }
    let nodes = if inspect.nodes.len() > 1 { format!(", {} nodes", inspect.nodes.len()) } else { String::new() };
    let check = match inspect.driver.as_str() {
        "docker-container" | "kubernetes" | "remote" => Check {
            status: Status::Ok,
            subject,
            found: format!("driver {}{nodes}, builds several platforms at once", inspect.driver),
            fixes: vec![],
        },
        "docker" => {
            let containerd = inspect.containerd_store().or(engine.containerd_store).unwrap_or(false);
            if containerd {
                Check {
                    status: Status::Ok,
                    subject,
                    found: "driver docker on the containerd image store, builds several platforms at once".into(),
                    fixes: vec![],
                }
            } else {
                let suggested = target.suggested_builder();
                let other = if name == suggested { format!("{name}-container") } else { suggested };
                fail(
                    "driver docker on the classic image store builds one platform at a time".into(),
                    vec![
                        format!("{}   (then export BUILDER_NAME={other})", create_builder(&other)),
                        format!("or turn on the containerd image store: {}", engine.containerd_store_fix()),
                    ],
                )
            }
        }
        other => Check {
            status: Status::Warn,
            subject,
            found: format!("driver {other} is unknown to mkmulti; it may not build several platforms"),
            fixes: vec![create_builder(&target.suggested_builder())],
        },
    };
    Ok((check, inspect))
}

fn restart_fixes(name: &str, error: &str) -> Vec<String> {
    let mut fixes = Vec::new();
    if name != "default" {
        fixes.push(format!("docker buildx rm {name} && {}", create_builder(name)));
    }
    if error.contains("moby/buildkit") {
        fixes.push(
            "the docker-container driver pulls moby/buildkit; without access to Docker Hub use the engine's own \
             builder (needs the containerd image store): export BUILDER_NAME=default"
                .into(),
        );
    }
    fixes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doctor::fake::{
        CONTEXT, Fake, INFO_CLASSIC, INFO_CONTAINERD, INFO_DESKTOP, INSPECT_DEFAULT_CLASSIC, VERSION, err, info, line,
        ok, target,
    };
    use crate::doctor::{Reply, diagnose};

    #[test]
    fn builder_names_follow_flag_then_environment_then_the_makefile_default() {
        let p = target(false);
        let mut sys = Fake::default();
        assert_eq!(builder_name(&p, None, &sys), "demo-builder");
        sys.env.insert("BUILDER_NAME".into(), "default".into());
        assert_eq!(builder_name(&p, None, &sys), "default");
        assert_eq!(builder_name(&p, Some("ci"), &sys), "ci");
        assert!(valid_builder_name("demo-builder") && valid_builder_name("b1.x_y"));
        assert!(
            !valid_builder_name("1abc")
                && !valid_builder_name("a b")
                && !valid_builder_name("a;rm")
                && !valid_builder_name("")
        );
    }

    #[test]
    fn docker_missing_stops_with_the_install_hint() {
        let sys = Fake { arch: "x86_64", ..Fake::default() }.with(VERSION, Err(RunError::NotFound));
        let report = diagnose(&target(false), "demo-builder", &sys);
        assert_eq!(report.checks.len(), 1);
        assert_eq!(report.checks[0].status, Status::Fail);
        assert!(report.checks[0].fixes[0].contains("https://docs.docker.com/engine/install/"));
        assert!(!report.ready());
        assert!(report.skipped.is_some());
    }

    #[test]
    fn an_unreachable_engine_says_how_to_start_it() {
        let down = Reply {
            code: 1,
            stdout: "28.2.2 \n".into(),
            stderr:
                "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n"
                    .into(),
        };
        let sys = Fake::healthy("demo-builder", "").with(VERSION, Ok(down.clone()));
        let report = diagnose(&target(false), "demo-builder", &sys);
        let docker = line(&report, "docker");
        assert_eq!(docker.status, Status::Fail);
        assert!(docker.found.starts_with("client 28.2.2, engine unreachable: Cannot connect"), "{}", docker.found);
        assert_eq!(docker.fixes, ["sudo systemctl start docker"]);
        assert_eq!(line(&report, "buildx").status, Status::Ok, "buildx is checked without the engine");
        assert_eq!(report.checks.len(), 2);

        let denied =
            Reply { stderr: "permission denied while trying to connect to the Docker daemon socket".into(), ..down };
        let sys = Fake::healthy("demo-builder", "").with(VERSION, Ok(denied));
        let report = diagnose(&target(false), "demo-builder", &sys);
        assert!(line(&report, "docker").fixes[0].starts_with("sudo usermod -aG docker"));
    }

    #[test]
    fn buildx_missing_fails_and_skips_the_builder() {
        let sys = Fake::healthy("demo-builder", "").with(
            "buildx version",
            err("docker: unknown command: docker buildx\n\nRun 'docker --help' for more information\n"),
        );
        let report = diagnose(&target(false), "demo-builder", &sys);
        let buildx = line(&report, "buildx");
        assert_eq!((buildx.status, buildx.found.as_str()), (Status::Fail, "not installed"));
        assert!(buildx.fixes[0].contains("docker-buildx-plugin"));
        let subjects: Vec<&str> = report.checks.iter().map(|c| c.subject.as_str()).collect();
        assert_eq!(subjects, ["docker", "image store", "buildx"]);
        assert!(!report.ready());
    }

    #[test]
    fn a_missing_builder_prints_the_create_command() {
        let sys = Fake::healthy("demo-builder", "")
            .with("buildx inspect --bootstrap demo-builder", err("ERROR: no builder \"demo-builder\" found\n"));
        let report = diagnose(&target(false), "demo-builder", &sys);
        let b = line(&report, "builder demo-builder");
        assert_eq!((b.status, b.found.as_str()), (Status::Fail, "does not exist"));
        assert_eq!(b.fixes[0], "docker buildx create --name demo-builder --driver docker-container --bootstrap");
        assert!(b.fixes[1].contains("BUILDER_NAME=default"));
        let subjects: Vec<&str> = report.checks.iter().map(|c| c.subject.as_str()).collect();
        assert_eq!(subjects, ["docker", "image store", "buildx", "builder demo-builder"], "no platform lines");
    }

    #[test]
    fn a_builder_that_cannot_pull_buildkit_points_at_the_engine_builder() {
        // `docker buildx inspect --bootstrap` of a docker-container builder in the offline lab, stderr verbatim.
        let pull = "\
#1 [internal] booting buildkit
#1 pulling image moby/buildkit:buildx-stable-1 0.0s done
#1 ERROR: Error response from daemon: failed to resolve reference \"docker.io/moby/buildkit:buildx-stable-1\": failed to do request: Head \"https://registry-1.docker.io/v2/moby/buildkit/manifests/buildx-stable-1\": dial tcp: lookup registry-1.docker.io on 10.255.255.53:53: no such host
------
 > [internal] booting buildkit:
------
ERROR: Error response from daemon: failed to resolve reference \"docker.io/moby/buildkit:buildx-stable-1\": failed to do request: Head \"https://registry-1.docker.io/v2/moby/buildkit/manifests/buildx-stable-1\": dial tcp: lookup registry-1.docker.io on 10.255.255.53:53: no such host
";
        let sys = Fake::healthy("demo-builder", "").with("buildx inspect --bootstrap demo-builder", err(pull));
        let b = diagnose(&target(false), "demo-builder", &sys).checks.pop().unwrap();
        assert_eq!(b.status, Status::Fail);
        assert!(
            b.found.starts_with("cannot start: ERROR: Error response from daemon: failed to resolve"),
            "{}",
            b.found
        );
        assert!(b.fixes[0].starts_with("docker buildx rm demo-builder && docker buildx create"));
        assert!(b.fixes[1].contains("BUILDER_NAME=default"));
    }

    #[test]
    fn the_docker_driver_without_the_containerd_store_fails_with_both_fixes() {
        let sys = Fake::healthy("default", INSPECT_DEFAULT_CLASSIC);
        let report = diagnose(&target(false), "default", &sys);
        let b = line(&report, "builder default");
        assert_eq!(b.status, Status::Fail);
        assert!(b.found.contains("classic image store"));
        assert!(
            b.fixes[0].starts_with("docker buildx create --name demo-builder --driver docker-container --bootstrap")
        );
        assert!(b.fixes[1].contains("\"containerd-snapshotter\": true"));
        assert!(!report.ready());
    }

    #[test]
    fn without_worker_labels_the_store_is_read_from_docker_info() {
        let bare = "Name: default\nDriver: docker\n\nNodes:\nName: default\nEndpoint: default\nStatus: running\n\
                    Platforms: linux/amd64, linux/arm64, linux/arm/v7\n";
        let sys = Fake::healthy("default", bare).with(&info(), ok(INFO_CONTAINERD));
        assert_eq!(line(&diagnose(&target(false), "default", &sys), "builder default").status, Status::Ok);
        let sys = Fake::healthy("default", bare).with(&info(), ok(INFO_CLASSIC));
        assert_eq!(line(&diagnose(&target(false), "default", &sys), "builder default").status, Status::Fail);
    }

    #[test]
    fn an_unreachable_engine_is_started_where_it_runs() {
        let down = Reply {
            code: 1,
            stdout: "28.2.2 \n".into(),
            stderr: "Cannot connect to the Docker daemon at unix:///run/user/1000/docker.sock. Is the docker daemon \
                     running?\n"
                .into(),
        };
        let fix = |sys: Fake| line(&diagnose(&target(false), "demo-builder", &sys), "docker").fixes.clone();
        let rootless = Fake::healthy("demo-builder", "")
            .with(VERSION, Ok(down.clone()))
            .with(CONTEXT, ok("unix:///run/user/1000/docker.sock\n"))
            .with_env("XDG_RUNTIME_DIR", "/run/user/1000");
        assert_eq!(fix(rootless), ["systemctl --user start docker"], "the rootless context, not DOCKER_HOST");
        let remote =
            Fake::healthy("demo-builder", "").with(VERSION, Ok(down)).with_env("DOCKER_HOST", "ssh://ci@build-arm");
        assert_eq!(
            fix(remote),
            ["start the engine on the machine at DOCKER_HOST=ssh://ci@build-arm, or unset DOCKER_HOST to use this \
              machine's"]
        );
    }

    #[test]
    fn the_docker_line_names_a_desktop_rootless_or_remote_engine() {
        let docker = |sys: Fake| line(&diagnose(&target(false), "default", &sys), "docker").found.clone();
        let healthy = || Fake::healthy("default", INSPECT_DEFAULT_CLASSIC);
        assert_eq!(docker(healthy()), "client 28.2.2, engine 26.1.5");
        assert_eq!(docker(healthy().with(&info(), ok(INFO_DESKTOP))), "client 28.2.2, engine 26.1.5 (Docker Desktop)");
        let remote = healthy().with_env("DOCKER_HOST", "tcp://10.0.0.5:2376");
        assert_eq!(
            docker(remote),
            "client 28.2.2, engine 26.1.5 (remote, at DOCKER_HOST=tcp://10.0.0.5:2376: builds and QEMU run on that \
             host)"
        );
    }

    #[test]
    fn the_classic_store_fix_fits_docker_desktop() {
        let sys = Fake::healthy("default", INSPECT_DEFAULT_CLASSIC)
            .with(&info(), ok(&INFO_DESKTOP.replace("io.containerd.snapshotter.v1", "x")));
        let b = line(&diagnose(&target(false), "default", &sys), "builder default").clone();
        assert_eq!(b.status, Status::Fail);
        assert_eq!(
            b.fixes[1],
            "or turn on the containerd image store: Docker Desktop: Settings > General > Use containerd for pulling \
             and storing images, then Apply & restart"
        );
    }
}
