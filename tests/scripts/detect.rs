//! `scripts/detect-platform.sh`, run with stub `uname`, `sysctl` and `docker`.

use super::*;

#[test]
fn detect_platform_maps_every_uname_spelling_of_the_table() {
    let g = example("go-hello");
    let mut seen = Vec::new();
    for p in mkmulti::platform::PLATFORMS {
        for machine in p.uname {
            let out = g.run("detect-platform.sh", &[], &[("STUB_MACHINE", machine)]);
            assert_eq!(out.status.code(), Some(0), "{machine}: {}", text(&out));
            assert_eq!(stdout(&out), format!("{}\n", p.oci), "{machine}");
            let out = g.run("detect-platform.sh", &["--print"], &[("STUB_MACHINE", machine)]);
            assert_eq!(stdout(&out), format!("{}\n", p.oci), "--print on {machine}");
            seen.push(*machine);
        }
    }
    // The spellings Linux and macOS print (GRAMMARS.md), each somewhere in the table.
    for machine in ["x86_64", "aarch64", "arm64", "armv7l", "armv6l", "i686", "i386", "riscv64", "ppc64le", "s390x"] {
        assert!(seen.contains(&machine), "{machine} is not in the table");
    }
}

#[test]
fn detect_platform_sees_through_rosetta_on_macos() {
    let g = example("go-hello");
    let translated = [("STUB_MACHINE", "x86_64"), ("STUB_OS", "Darwin"), ("STUB_TRANSLATED", "1")];
    let out = g.run("detect-platform.sh", &[], &translated);
    assert_eq!(stdout(&out), "linux/arm64\n", "{}", text(&out));
    let intel_mac = [("STUB_MACHINE", "x86_64"), ("STUB_OS", "Darwin"), ("STUB_TRANSLATED", "0")];
    assert_eq!(stdout(&g.run("detect-platform.sh", &[], &intel_mac)), "linux/amd64\n");
    // Linux never asks sysctl.
    let out = g.run("detect-platform.sh", &[], &[("STUB_MACHINE", "x86_64"), ("STUB_TRANSLATED", "1")]);
    assert_eq!(stdout(&out), "linux/amd64\n");
    assert!(!g.calls().contains("sysctl"), "{}", g.calls());
}

#[test]
fn detect_platform_names_an_unsupported_architecture_and_fails() {
    let g = example("go-hello");
    for args in [&[][..], &["--print"], &["--run", "version"]] {
        let out = g.run("detect-platform.sh", args, &[("STUB_MACHINE", "sparc64")]);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", text(&out));
        assert_eq!(stdout(&out), "", "{args:?}");
        let err = stderr(&out);
        assert!(err.contains("unsupported architecture 'sparc64'"), "{err}");
        assert!(err.contains("x86_64") && err.contains("aarch64"), "the known spellings are listed: {err}");
        assert_eq!(g.calls(), "", "docker is not called");
    }
}

#[test]
fn detect_platform_runs_the_image_from_the_same_registry_as_the_makefile() {
    let g = example("go-hello");
    let env = [("STUB_MACHINE", "aarch64"), ("DOCKER_REGISTRY", "127.0.0.1:5000/lab"), ("TAG", "t1")];
    let out = g.run("detect-platform.sh", &["--run", "version"], &env);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(g.calls(), "run --rm --platform linux/arm64 127.0.0.1:5000/lab/go-hello:t1 version\n");
    assert_eq!(stdout(&out), "stub run ok\n");

    // Defaults: the config's registry and `latest`; IMAGE replaces the whole reference.
    g.run("detect-platform.sh", &["--run"], &[("STUB_MACHINE", "x86_64")]);
    assert_eq!(g.calls(), "run --rm --platform linux/amd64 docker.io/example/go-hello:latest\n");
    g.run("detect-platform.sh", &["--run"], &[("STUB_MACHINE", "x86_64"), ("IMAGE", "localhost/x:dev")]);
    assert_eq!(g.calls(), "run --rm --platform linux/amd64 localhost/x:dev\n");
}

#[test]
fn detect_platform_run_passes_every_argument_through_unchanged() {
    let g = example("go-hello");
    let env = [("STUB_MACHINE", "armv7l")];
    let args = ["--run", "serve", "two words", "it's", "$HOME", "--print", "--app", "-h", ""];
    let out = g.run("detect-platform.sh", &args, &env);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(
        g.argv(),
        "<run><--rm><--platform><linux/arm/v7><docker.io/example/go-hello:latest><serve><two words><it's><$HOME>\
         <--print><--app><-h><>\n"
    );
    // No arguments at all: nothing extra, even with `set -u`.
    let out = g.run("detect-platform.sh", &["--run"], &env);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(g.argv(), "<run><--rm><--platform><linux/arm/v7><docker.io/example/go-hello:latest>\n");
    // The container's exit status is the script's.
    let out = g.run("detect-platform.sh", &["--run", "version"], &[("STUB_MACHINE", "armv7l"), ("STUB_RUN_EXIT", "3")]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
}

#[test]
fn detect_platform_refuses_a_platform_the_image_is_not_built_for() {
    let g = example("go-hello");
    let out = g.run("detect-platform.sh", &["--run"], &[("STUB_MACHINE", "s390x")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("is not built for linux/s390x"), "{}", text(&out));
    assert!(stderr(&out).contains("built for: linux/amd64,linux/arm64,linux/arm/v7"), "{}", text(&out));
    assert_eq!(g.calls(), "", "docker is not called");
    // --print only reports the machine.
    let out = g.run("detect-platform.sh", &["--print"], &[("STUB_MACHINE", "s390x")]);
    assert_eq!((out.status.code(), stdout(&out)), (Some(0), "linux/s390x\n".to_string()));
}

#[test]
fn detect_platform_help_goes_to_stdout_and_a_wrong_argument_exits_2() {
    let g = example("go-hello");
    let env = [("STUB_MACHINE", "x86_64")];
    for help in ["-h", "--help"] {
        let out = g.run("detect-platform.sh", &[help], &env);
        assert_eq!(out.status.code(), Some(0));
        assert!(stdout(&out).starts_with("usage: "), "{}", text(&out));
        assert!(stdout(&out).contains("--run"), "{}", stdout(&out));
        assert!(!stdout(&out).contains("--app"), "one app: no --app\n{}", stdout(&out));
        assert_eq!(stderr(&out), "");
    }
    // One app: there is no --app to give.
    for args in [&["--bogus"][..], &["--print", "extra"], &["--app", "go-hello"], &["print"]] {
        let out = g.run("detect-platform.sh", args, &env);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", text(&out));
        assert_eq!(stdout(&out), "", "{args:?}");
        assert!(stderr(&out).contains("unknown argument"), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("usage: "), "{args:?}: {}", stderr(&out));
    }
    assert_eq!(g.calls(), "");
}

#[test]
fn detect_platform_selects_an_app_by_name() {
    let g = example("realtime-svg");
    let env = [("STUB_MACHINE", "aarch64"), ("TAG", "v2")];
    g.run("detect-platform.sh", &["--run", "--version"], &env);
    assert_eq!(g.calls(), "run --rm --platform linux/arm64 docker.io/example/realtime-svg-backend:v2 --version\n");
    for args in [&["--app", "frontend", "--run", "--version"][..], &["--app=frontend", "--run", "--version"]] {
        let out = g.run("detect-platform.sh", args, &env);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", text(&out));
        assert_eq!(
            g.calls(),
            "run --rm --platform linux/arm64 docker.io/example/realtime-svg-frontend:v2 --version\n",
            "{args:?}"
        );
    }
    let out = g.run("detect-platform.sh", &["--app", "backend"], &env);
    assert_eq!(stdout(&out), "linux/arm64\n");

    let help = stdout(&g.run("detect-platform.sh", &["--help"], &env));
    assert!(help.contains("--app NAME") && help.contains("backend, frontend"), "{help}");
}

#[test]
fn detect_platform_uses_the_selected_apps_platforms() {
    let g = config(&two_different_apps());
    let env = [("STUB_MACHINE", "armv7l")];
    let out = g.run("detect-platform.sh", &["--run"], &env);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let out = g.run("detect-platform.sh", &["--app", "frontend", "--run"], &env);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(stderr(&out).contains("realtime-svg-frontend:latest is not built for linux/arm/v7"), "{}", text(&out));
    assert!(stderr(&out).contains("built for: linux/amd64,linux/arm64)"), "{}", text(&out));
    assert_eq!(g.calls(), "");
}

#[test]
fn detect_platform_lists_the_apps_for_an_unknown_one() {
    let g = example("realtime-svg");
    let env = [("STUB_MACHINE", "x86_64")];
    for args in [&["--app", "nope", "--run"][..], &["--app", "nope"], &["--app=nope"]] {
        let out = g.run("detect-platform.sh", args, &env);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", text(&out));
        assert!(stderr(&out).contains("unknown app 'nope'; the apps are backend, frontend"), "{}", stderr(&out));
        assert!(stderr(&out).contains("usage: "), "{}", stderr(&out));
        assert_eq!(stdout(&out), "");
    }
    let out = g.run("detect-platform.sh", &["--app"], &env);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(stderr(&out).contains("--app needs a NAME"), "{}", stderr(&out));
    assert_eq!(g.calls(), "");
}

// validate-multiarch.sh
