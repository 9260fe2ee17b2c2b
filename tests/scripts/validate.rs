//! `scripts/validate-multiarch.sh`, run with a stub `docker` answering as a registry and a builder would.

use super::*;

#[test]
fn validate_passes_when_the_manifest_and_every_run_are_right() {
    let g = example("go-hello");
    let env = [
        ("DOCKER_REGISTRY", "127.0.0.1:5000/lab"),
        ("TAG", "t1"),
        ("STUB_MACHINE", "x86_64"),
        ("STUB_PLATFORMS", "linux/amd64 linux/arm64 linux/arm/v7"),
    ];
    let out = g.run("validate-multiarch.sh", &[], &env);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let calls = g.calls();
    assert!(calls.contains("buildx imagetools inspect 127.0.0.1:5000/lab/go-hello:t1\n"), "{calls}");
    for p in ["linux/amd64", "linux/arm64", "linux/arm/v7"] {
        // Pulled for the platform, then run under a name the timeout can remove it by.
        let pull = format!("pull --quiet --platform {p} 127.0.0.1:5000/lab/go-hello:t1\n");
        assert!(calls.contains(&pull), "no `{pull}` in:\n{calls}");
        let run = format!(" --pull never --platform {p} 127.0.0.1:5000/lab/go-hello:t1 version\n");
        assert!(
            calls
                .lines()
                .any(|l| l.starts_with("run --rm --name validate-multiarch-") && format!("{l}\n").ends_with(&run)),
            "no `{run}` in:\n{calls}"
        );
    }
    let rows = summary(&out);
    assert_eq!(cells(&rows[0]), ["APP", "PLATFORM", "MANIFEST", "RUN", "NOTE"]);
    assert_eq!(rows.len(), 4, "{rows:#?}");
    for p in ["linux/amd64", "linux/arm64", "linux/arm/v7"] {
        assert_eq!(row(&rows, "go-hello", p), ["go-hello", p, "PASS", "PASS"]);
    }
    assert!(stdout(&out).ends_with("all checks passed\n"), "{}", text(&out));
    assert_eq!(stderr(&out), "");
}

#[test]
fn validate_reports_the_environment() {
    let g = example("go-hello");
    let binfmt = tempfile::tempdir().unwrap();
    let entry = |name: &str, state: &str, flags: &str| {
        let body = format!(
            "{state}\ninterpreter /usr/bin/{name}-static\nflags: {flags}\noffset 0\nmagic 7f454c46\nmask ffffffff\n"
        );
        fs::write(binfmt.path().join(name), body).unwrap();
    };
    fs::write(binfmt.path().join("status"), "enabled\n").unwrap();
    fs::write(binfmt.path().join("register"), "").unwrap();
    entry("qemu-aarch64", "enabled", "F");
    entry("qemu-arm", "enabled", "");
    entry("qemu-riscv64", "disabled", "F");
    fs::write(binfmt.path().join("python3.11"), "enabled\ninterpreter /usr/bin/python3.11\n").unwrap();
    let dir = binfmt.path().to_str().unwrap();
    let env = [
        ("STUB_MACHINE", "x86_64"),
        ("STUB_PLATFORMS", "linux/amd64 linux/arm64 linux/arm/v7"),
        ("STUB_BUILDER_PLATFORMS", "linux/amd64*, linux/amd64/v2, linux/386, linux/arm64"),
        ("BINFMT_MISC_DIR", dir),
    ];
    let out = g.run("validate-multiarch.sh", &[], &env);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let t = stdout(&out);
    for line in [
        "os:           Linux 6.1.0-stub\n",
        "arch:         x86_64 (linux/amd64)\n",
        "docker:       client 28.2.2, server 26.1.5\n",
        "buildx:       github.com/docker/buildx v0.13.1 788433953af10f2a698f5c07611dddce2af08ce0\n",
        "builder:      multi (driver docker-container)\n",
        "  platforms:  linux/amd64 linux/amd64/v2 linux/386 linux/arm64\n",
        &format!("binfmt_misc:  enabled ({dir})\n"),
        "  qemu-arm:   no F flag: containers cannot use /usr/bin/qemu-arm-static\n",
        "  qemu-riscv64: disabled\n",
        "  emulators:  qemu-aarch64 qemu-arm\n",
        "  linux/amd64          native\n",
        "  linux/arm64          the builder runs it (emulated or compatible)\n",
        &format!(
            "  linux/arm/v7         the builder cannot run it: docker run --privileged --rm {} --install all\n",
            mkmulti::actions::BINFMT_IMAGE
        ),
    ] {
        assert!(t.contains(line), "no `{}` in:\n{t}", line.trim_end());
    }
    assert!(!t.contains("python"), "only emulators are listed:\n{t}");

    // A builder that is not running lists no platforms; binfmt_misc that is not mounted; no daemon.
    let env = [
        ("STUB_MACHINE", "aarch64"),
        ("STUB_PLATFORMS", "linux/amd64 linux/arm64 linux/arm/v7"),
        ("STUB_NO_SERVER", "1"),
    ];
    let out = g.run("validate-multiarch.sh", &[], &env);
    let t = stdout(&out);
    assert!(t.contains("docker:       client 28.2.2, server not reachable\n"), "{t}");
    assert!(t.contains("  platforms:  unknown: the builder is not running"), "{t}");
    assert!(t.contains("binfmt_misc:  not mounted at "), "{t}");
    assert!(t.contains("  linux/arm64          native\n"), "{t}");
    assert!(t.contains("  linux/amd64          unknown until the builder runs\n"), "{t}");

    // macOS: Docker Desktop's VM has the emulators; there is no /proc to read.
    let env = [("STUB_MACHINE", "arm64"), ("STUB_OS", "Darwin"), ("STUB_PLATFORMS", "linux/amd64")];
    let t = stdout(&g.run("validate-multiarch.sh", &[], &env));
    assert!(t.contains("binfmt_misc:  not checked on Darwin"), "{t}");
    assert!(t.contains("arch:         arm64 (linux/arm64)\n"), "{t}");
}

/// The script reads `docker buildx inspect` as the Makefile's `buildx-setup` does (tests/makefile.rs runs the
/// same canned output): every node's platforms, once each, without buildx's `*` marks.
#[test]
fn validate_reads_every_node_of_the_builder() {
    let g = example("go-hello");
    let env = [
        ("STUB_MACHINE", "x86_64"),
        ("STUB_PLATFORMS", "linux/amd64 linux/arm64 linux/arm/v7"),
        ("STUB_BUILDER_PLATFORMS", util::MULTI_NODE_PLATFORMS),
    ];
    let t = stdout(&g.run("validate-multiarch.sh", &[], &env));
    assert!(t.contains("  platforms:  linux/amd64 linux/amd64/v2 linux/arm64\n"), "{t}");
    assert!(t.contains("  linux/arm64          the builder runs it (emulated or compatible)\n"), "{t}");
    assert!(t.contains("  linux/arm/v7         the builder cannot run it: "), "{t}");
}

#[test]
fn validate_fails_when_docker_buildx_is_missing() {
    let g = example("go-hello");
    let out = g.run("validate-multiarch.sh", &[], &[("STUB_MACHINE", "x86_64"), ("STUB_NO_BUILDX", "1")]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(stderr(&out).contains("docker buildx is not available"), "{}", text(&out));
    assert!(!g.calls().contains("imagetools"), "{}", g.calls());
}

#[test]
fn validate_fails_on_a_missing_platform_and_skips_its_run() {
    let g = example("go-hello");
    let env = [("STUB_MACHINE", "x86_64"), ("STUB_PLATFORMS", "linux/amd64 linux/arm64")];
    let out = g.run("validate-multiarch.sh", &["--tag", "v1"], &env);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let rows = summary(&out);
    assert_eq!(
        row(&rows, "go-hello", "linux/arm/v7"),
        ["go-hello", "linux/arm/v7", "FAIL", "SKIP", "missing from the manifest list"]
    );
    assert_eq!(row(&rows, "go-hello", "linux/amd64"), ["go-hello", "linux/amd64", "PASS", "PASS"]);
    assert!(!g.calls().contains("--platform linux/arm/v7"), "{}", g.calls());
    assert!(g.calls().contains("buildx imagetools inspect docker.io/example/go-hello:v1\n"), "{}", g.calls());
    assert!(stderr(&out).contains("validate-multiarch: 1 check(s) failed"), "{}", stderr(&out));
}

#[test]
fn validate_fails_on_an_unexpected_platform() {
    let g = example("go-hello");
    let env = [("STUB_MACHINE", "x86_64"), ("STUB_PLATFORMS", "linux/amd64 linux/arm64 linux/arm/v7 linux/s390x")];
    let out = g.run("validate-multiarch.sh", &[], &env);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let rows = summary(&out);
    let unexpected = ["go-hello", "linux/s390x", "FAIL", "SKIP", "unexpected: not a configured platform"];
    assert_eq!(row(&rows, "go-hello", "linux/s390x"), unexpected);
    assert!(!g.calls().contains("--platform linux/s390x"), "{}", g.calls());
}

#[test]
fn validate_counts_attestations_apart_from_platforms() {
    let g = example("go-hello");
    // buildx pushes a provenance (and SBOM) attestation manifest per platform, with platform unknown/unknown;
    // a registry may spell arm64 with its v8 variant.
    let listed = "linux/amd64 unknown/unknown linux/arm64/v8 unknown/unknown linux/arm/v7 unknown/unknown";
    let out = g.run("validate-multiarch.sh", &[], &[("STUB_MACHINE", "x86_64"), ("STUB_PLATFORMS", listed)]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let t = stdout(&out);
    assert!(t.contains("  platforms:    linux/amd64 linux/arm64 linux/arm/v7\n"), "{t}");
    assert!(t.contains("  attestations: 3 (unknown/unknown: provenance or SBOM, not platforms)\n"), "{t}");
    let rows = summary(&out);
    assert_eq!(rows.len(), 4, "{rows:#?}");
    assert!(!rows.iter().any(|r| r.contains("unknown")), "{rows:#?}");
    assert!(!g.calls().contains("unknown/unknown"), "{}", g.calls());
}

#[test]
fn validate_fails_when_a_platform_does_not_run() {
    let g = example("go-hello");
    let env = [
        ("STUB_MACHINE", "x86_64"),
        ("STUB_PLATFORMS", "linux/amd64 linux/arm64 linux/arm/v7"),
        ("STUB_RUN_FAIL", "linux/arm64"),
    ];
    let out = g.run("validate-multiarch.sh", &[], &env);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let rows = summary(&out);
    assert_eq!(
        row(&rows, "go-hello", "linux/arm64"),
        ["go-hello", "linux/arm64", "PASS", "FAIL", "the smoke test exited 1"]
    );
    // The other platforms still run.
    assert_eq!(row(&rows, "go-hello", "linux/arm/v7"), ["go-hello", "linux/arm/v7", "PASS", "PASS"]);
    assert!(stdout(&out).contains("  | exec /usr/local/bin/app: exec format error\n"), "{}", stdout(&out));
    assert!(stderr(&out).contains("1 check(s) failed"), "{}", stderr(&out));
}

#[test]
fn validate_fails_when_the_image_cannot_be_inspected() {
    let g = example("go-hello");
    let out = g.run("validate-multiarch.sh", &[], &[("STUB_MACHINE", "x86_64"), ("STUB_INSPECT_FAIL", "1")]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let rows = summary(&out);
    let note = "cannot inspect docker.io/example/go-hello:latest";
    assert_eq!(row(&rows, "go-hello", "linux/amd64"), ["go-hello", "linux/amd64", "FAIL", "SKIP", note]);
    assert!(stdout(&out).contains("  ERROR: docker.io/example/go-hello:latest: not found\n"), "{}", stdout(&out));
    assert!(!g.calls().contains("run "), "{}", g.calls());
    assert!(stderr(&out).contains("3 check(s) failed"), "{}", stderr(&out));
}

#[test]
fn validate_summary_columns_are_aligned() {
    let g = example("realtime-svg");
    let env = [
        ("STUB_MACHINE", "x86_64"),
        ("STUB_PLATFORMS", "linux/amd64 linux/arm64 linux/ppc64le unknown/unknown"),
        ("STUB_RUN_FAIL", "linux/amd64"),
    ];
    let out = g.run("validate-multiarch.sh", &[], &env);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let rows = summary(&out);
    assert_eq!(rows.len(), 9, "{rows:#?}");
    let header = &rows[0];
    for r in &rows[1..] {
        assert!(!r.ends_with(' '), "trailing space: {r:?}");
        for name in ["PLATFORM", "MANIFEST", "RUN", "NOTE"] {
            let at = header.find(name).unwrap();
            if name == "NOTE" && r.len() <= at {
                continue;
            }
            assert!(r.as_bytes()[at] != b' ' && &r[at - 2..at] == "  ", "{name} misaligned in {r:?}");
        }
    }
    assert_eq!(
        row(&rows, "frontend", "linux/amd64"),
        ["frontend", "linux/amd64", "PASS", "FAIL", "the smoke test exited 1"]
    );
    assert_eq!(row(&rows, "backend", "linux/arm/v7")[2..4], ["FAIL", "SKIP"]);
    assert_eq!(row(&rows, "backend", "linux/ppc64le")[2..4], ["FAIL", "SKIP"]);
    assert_eq!(row(&rows, "frontend", "linux/arm64")[2..4], ["PASS", "PASS"]);
    // Two manifests and one run failed for each app.
    assert!(stderr(&out).contains("6 check(s) failed"), "{}", stderr(&out));
}

#[test]
fn validate_checks_every_app_or_the_one_named() {
    let g = example("realtime-svg");
    let env = [("STUB_MACHINE", "x86_64"), ("STUB_PLATFORMS", "linux/amd64 linux/arm64 linux/arm/v7"), ("TAG", "v3")];
    let out = g.run("validate-multiarch.sh", &[], &env);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let calls = g.calls();
    for app in ["backend", "frontend"] {
        assert!(calls.contains(&format!("inspect docker.io/example/realtime-svg-{app}:v3\n")), "{calls}");
        assert!(stdout(&out).contains(&format!("== {app}: docker.io/example/realtime-svg-{app}:v3\n")));
    }
    assert_eq!(summary(&out).len(), 7);

    for args in [&["--app", "frontend"][..], &["--app=frontend"]] {
        let out = g.run("validate-multiarch.sh", args, &env);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        assert!(!g.calls().contains("backend"), "{}", g.calls());
        assert!(g.calls().contains("inspect docker.io/example/realtime-svg-frontend:v3\n"), "{}", g.calls());
        assert!(summary(&out)[1..].iter().all(|r| r.starts_with("frontend ")), "{:#?}", summary(&out));
    }
}

#[test]
fn validate_image_checks_another_reference_against_an_apps_platforms_and_smoke_test() {
    let g = example("go-hello");
    let env = [("STUB_MACHINE", "x86_64"), ("STUB_PLATFORMS", "linux/amd64 linux/arm64 linux/arm/v7")];
    let out = g.run("validate-multiarch.sh", &["--image", "ghcr.io/me/hello:pr-7"], &env);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let calls = g.calls();
    assert!(calls.contains("buildx imagetools inspect ghcr.io/me/hello:pr-7\n"), "{calls}");
    assert!(calls.contains(" --pull never --platform linux/arm/v7 ghcr.io/me/hello:pr-7 version\n"), "{calls}");
    assert!(!calls.contains("docker.io/example"), "{calls}");

    // Several apps: --image alone means the first app; --app picks another's platforms and smoke test.
    let g = config(&two_different_apps());
    let out = g.run("validate-multiarch.sh", &["--image", "localhost:5000/x:1"], &env);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(stdout(&out).contains("== backend: localhost:5000/x:1\n"), "{}", stdout(&out));
    assert_eq!(g.calls().matches("imagetools inspect").count(), 1, "{}", g.calls());
    assert!(g.calls().contains("--platform linux/arm/v7 localhost:5000/x:1 --version\n"), "{}", g.calls());

    let out = g.run("validate-multiarch.sh", &["--app", "frontend", "--image", "localhost:5000/x:1"], &env);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(stdout(&out).contains("== frontend: localhost:5000/x:1\n"), "{}", stdout(&out));
    assert_eq!(
        // The container's name holds the script's pid: left out.
        g.argv()
            .lines()
            .filter(|l| l.starts_with("<run>"))
            .map(|l| l.replacen(&l[l.find("<--name>").unwrap()..l.find("<--pull>").unwrap()], "", 1))
            .collect::<Vec<_>>(),
        [
            "<run><--rm><--pull><never><--platform><linux/amd64><localhost:5000/x:1><check><it's ok>",
            "<run><--rm><--pull><never><--platform><linux/arm64><localhost:5000/x:1><check><it's ok>",
        ]
    );
    // The frontend is not built for arm/v7, so the image's arm/v7 is unexpected there.
    let rows = summary(&out);
    assert_eq!(row(&rows, "frontend", "linux/arm/v7")[2..], ["FAIL", "SKIP", "unexpected: not a configured platform"]);
}

#[test]
fn validate_usage_errors_exit_2_and_help_exits_0() {
    let g = example("realtime-svg");
    let env = [("STUB_MACHINE", "x86_64")];
    let out = g.run("validate-multiarch.sh", &["--help"], &env);
    assert_eq!(out.status.code(), Some(0));
    let help = stdout(&out);
    assert!(help.starts_with("usage: ") && help.contains("--app NAME") && help.contains("backend, frontend"), "{help}");
    assert_eq!(stderr(&out), "");
    let cases: [(&[&str], &str); 7] = [
        (&["--bogus"], "unknown argument '--bogus'"),
        (&["--tag"], "--tag needs a value"),
        (&["--tag", ""], "--tag needs a value"),
        (&["--image"], "--image needs a value"),
        (&["--app"], "--app needs a value"),
        (&["--app", "nope"], "unknown app 'nope'; the apps are backend, frontend"),
        (&["--app=nope", "--image", "x"], "unknown app 'nope'"),
    ];
    for (args, message) in cases {
        let out = g.run("validate-multiarch.sh", args, &env);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", text(&out));
        assert!(stderr(&out).contains(message), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("usage: "), "{args:?}: {}", stderr(&out));
        assert_eq!(stdout(&out), "", "{args:?}");
        assert_eq!(g.calls(), "", "{args:?}");
    }
    // One app: `--app` names it (`make docker-test-multi-<app>` passes it); another name is refused.
    let g = example("go-hello");
    let out = g.run("validate-multiarch.sh", &["--app", "nope"], &env);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(stderr(&out).contains("unknown app 'nope'; the apps are go-hello"), "{}", stderr(&out));
    assert!(stdout(&g.run("validate-multiarch.sh", &["-h"], &env)).contains("--app NAME"));
}

#[test]
fn validate_tag_option_overrides_the_environment() {
    let g = example("go-hello");
    let env = [("STUB_MACHINE", "x86_64"), ("STUB_PLATFORMS", "linux/amd64 linux/arm64 linux/arm/v7"), ("TAG", "env")];
    g.run("validate-multiarch.sh", &["--tag=v9"], &env);
    assert!(g.calls().contains("inspect docker.io/example/go-hello:v9\n"), "{}", g.calls());
    assert!(!g.calls().contains(":env"), "{}", g.calls());
}

// Both scripts

/// macOS ships bash 3.2, which this machine does not have: the scripts must not use what came later.
#[test]
fn scripts_use_nothing_newer_than_bash_3_2() {
    let bash4 = [
        ("declare -A", "associative arrays (4.0)"),
        ("local -A", "associative arrays (4.0)"),
        ("typeset -A", "associative arrays (4.0)"),
        ("declare -n", "namerefs (4.3)"),
        ("local -n", "namerefs (4.3)"),
        ("mapfile", "mapfile (4.0)"),
        ("readarray", "readarray (4.0)"),
        ("coproc", "coproc (4.0)"),
        ("|&", "|& (4.0)"),
        ("&>>", "&>> (4.0)"),
        (";;&", ";;& (4.0)"),
        ("wait -n", "wait -n (4.3)"),
        ("globstar", "globstar (4.0)"),
        ("lastpipe", "lastpipe (4.2)"),
        ("printf '%(", "printf %(...)T (4.2)"),
        ("EPOCHSECONDS", "EPOCHSECONDS (5.0)"),
        ("[@]}", "array expansion: an empty array is unbound under set -u before 4.4"),
        ("[*]}", "array expansion: an empty array is unbound under set -u before 4.4"),
        ("[-1]", "negative subscripts (4.3)"),
        ("..}", "brace ranges"),
    ];
    for dir in util::examples() {
        let loaded = util::load(&dir.join("multiarch.toml"));
        for file in mkmulti::render::render(&loaded.plan) {
            if !file.path.ends_with(".sh") {
                continue;
            }
            let where_ = format!("{} {}", dir.file_name().unwrap().to_string_lossy(), file.path);
            assert!(file.contents.starts_with("#!/usr/bin/env bash\n"), "{where_}");
            for (construct, why) in bash4 {
                assert!(!file.contents.contains(construct), "{where_} uses {why}: `{construct}`");
            }
            // ${v,,} ${v^^} ${v,} ${v^} case modification and ${v@Q} transformations (4.0, 4.4).
            let bad = bash4_expansion(&file.contents);
            assert!(bad.is_none(), "{where_} uses a bash 4 expansion: {bad:?}");
            assert!(file.contents.contains("set -euo pipefail\n"), "{where_}");
        }
    }
}

/// The first `${name,` `${name^` or `${name@` in a script.
fn bash4_expansion(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut i = 0;
    while let Some(at) = s[i..].find("${") {
        let start = i + at + 2;
        let mut end = start;
        while end < bytes.len() && (bytes[end].is_ascii_alphanumeric() || bytes[end] == b'_') {
            end += 1;
        }
        if end > start && end < bytes.len() && matches!(bytes[end], b',' | b'^' | b'@') {
            return Some(s[i + at..(end + 1).min(s.len())].to_string());
        }
        i = start;
    }
    None
}

#[test]
fn scripts_quote_every_config_string() {
    // A registry prefix and names come from the config: each reaches the scripts in single quotes.
    let g = example("realtime-svg");
    for script in ["detect-platform.sh", "validate-multiarch.sh"] {
        let body = fs::read_to_string(g.script(script)).unwrap();
        assert!(body.contains("default_registry='docker.io/example'\n"), "{script}");
        assert!(body.contains("'realtime-svg-frontend'"), "{script}");
        assert!(is_executable(&g.script(script)), "{script}");
    }
}

fn is_executable(path: &Path) -> bool {
    fs::metadata(path).unwrap().permissions().mode() & 0o111 != 0
}

#[test]
fn a_smoke_test_that_does_not_exit_is_stopped_and_fails() {
    let g = example("go-hello");
    let env = [
        ("DOCKER_REGISTRY", "127.0.0.1:5000/lab"),
        ("TAG", "t1"),
        ("STUB_MACHINE", "x86_64"),
        ("STUB_PLATFORMS", "linux/amd64"),
        ("STUB_RUN_SLEEP", "30"),
        ("SMOKE_TIMEOUT", "1"),
    ];
    let started = std::time::Instant::now();
    let out = g.run("validate-multiarch.sh", &["--image", "127.0.0.1:5000/lab/go-hello:t1"], &env);
    assert!(started.elapsed().as_secs() < 20, "the run was not cut short");
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let rows = summary(&out);
    assert!(row(&rows, "go-hello", "linux/amd64").join(" ").contains("still running after 1s"), "{rows:#?}");
    assert!(g.calls().lines().any(|l| l.starts_with("rm -f validate-multiarch-")), "{}", g.calls());
}

/// go-hello as a server: its ports and health check, without the `version` smoke words, make it one.
fn go_hello_server(extra: &str) -> Generated {
    let text = fs::read_to_string(util::root().join("examples/go-hello/multiarch.toml")).unwrap();
    let text = text.replace("smoke-test = [\"version\"]\n", extra);
    assert!(!text.contains("smoke-test = [\"version\"]"), "the example changed");
    config(&text)
}

/// The output and go-hello's summary row on amd64 (every platform behaves alike with the stub).
fn serve(g: &Generated, env: &[(&str, &str)]) -> (Output, Vec<String>) {
    let mut all = vec![("DOCKER_REGISTRY", "127.0.0.1:5000/lab"), ("TAG", "t1")];
    all.extend([("STUB_MACHINE", "x86_64"), ("STUB_PLATFORMS", "linux/amd64 linux/arm64 linux/arm/v7")]);
    all.extend_from_slice(env);
    let out = g.run("validate-multiarch.sh", &["--image", "127.0.0.1:5000/lab/go-hello:t1"], &all);
    let rows = summary(&out);
    let cells = row(&rows, "go-hello", "linux/amd64").iter().map(|c| c.to_string()).collect();
    (out, cells)
}

#[test]
fn a_server_passes_once_docker_reports_it_healthy() {
    let g = go_hello_server("");
    let env = [("STUB_IMAGE_HEALTH", "yes"), ("STUB_STATE", "running starting"), ("STUB_HEALTHY_AFTER", "2")];
    let (out, cells) = serve(&g, &env);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(cells, ["go-hello", "linux/amd64", "PASS", "PASS"]);
    let calls = g.calls();
    // Started in the background with the image's own command, its health checked every 2 s, then removed.
    let run = " --pull never --platform linux/amd64 --health-interval 2s 127.0.0.1:5000/lab/go-hello:t1\n";
    assert!(
        calls
            .lines()
            .any(|l| l.starts_with("run --detach --name validate-multiarch-") && format!("{l}\n").ends_with(run)),
        "no `{run}` in:\n{calls}"
    );
    assert!(calls.lines().any(|l| l.starts_with("rm -f validate-multiarch-")), "{calls}");
    assert!(stdout(&out).contains("  | stub server log\n"), "the server's log is shown: {}", text(&out));
}

#[test]
fn a_server_without_a_health_check_passes_when_it_keeps_running() {
    let g = go_hello_server("");
    let (out, cells) = serve(&g, &[("SMOKE_SETTLE", "1")]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(cells, ["go-hello", "linux/amd64", "PASS", "PASS", "kept running 1s (no health check)"]);
    assert!(!g.calls().contains("--health-interval"), "{}", g.calls());
}

#[test]
fn a_server_that_exits_or_never_gets_healthy_fails() {
    let g = go_hello_server("");
    let (out, cells) = serve(&g, &[("STUB_STATE", "exited none")]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert_eq!(cells, ["go-hello", "linux/amd64", "PASS", "FAIL", "the server exited before it was ready"]);
    assert!(stdout(&out).contains("  | state after 0s: exited none\n"), "{}", text(&out));

    let g = go_hello_server("");
    let started = std::time::Instant::now();
    let env = [("STUB_IMAGE_HEALTH", "yes"), ("STUB_STATE", "running unhealthy"), ("SMOKE_TIMEOUT", "2")];
    let (out, cells) = serve(&g, &env);
    assert!(started.elapsed().as_secs() < 20, "the run was not cut short");
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert_eq!(cells, ["go-hello", "linux/amd64", "PASS", "FAIL", "not healthy after 2s"]);
    assert!(g.calls().lines().any(|l| l.starts_with("rm -f validate-multiarch-")), "{}", g.calls());
}

#[test]
fn a_server_starts_with_its_smoke_words_when_given() {
    let g = go_hello_server("smoke-mode = \"server\"\nsmoke-test = [\"serve\", \"--port\", \"8080\"]\n");
    let (out, cells) = serve(&g, &[("SMOKE_SETTLE", "0")]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(cells[3], "PASS");
    assert!(
        g.calls().contains(" --platform linux/amd64 127.0.0.1:5000/lab/go-hello:t1 serve --port 8080\n"),
        "{}",
        g.calls()
    );
}

#[test]
fn smoke_mode_off_checks_the_manifest_only() {
    let g = go_hello_server("smoke-mode = \"off\"\n");
    let (out, cells) = serve(&g, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(cells, ["go-hello", "linux/amd64", "PASS", "SKIP", "smoke-mode = off"]);
    assert!(!g.calls().lines().any(|l| l.starts_with("run ") || l.starts_with("pull ")), "{}", g.calls());
}
