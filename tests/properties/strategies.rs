//! The proptest strategies that build valid configs: free text, variable tables, platform spellings, the
//! language/runtime/platform combinations mkmulti accepts, one app, and a whole config with distinct app names.

use std::collections::BTreeSet;

use proptest::collection::{btree_map, btree_set, vec};
use proptest::option;
use proptest::prelude::*;
use proptest::sample::{select, subsequence};

use super::model::{App, Build, Config, GoExtras, Health, RUNTIMES, RustExtras, Secret};

/// Printable ASCII, quotes, `$`, `#` and all; only `${{` (always refused) is broken up.
pub(super) fn text(max: usize) -> impl Strategy<Value = String> {
    proptest::string::string_regex(&format!("[ -~]{{0,{max}}}"))
        .expect("a valid regex")
        .prop_map(|s| s.replace("${{", "${ {"))
}

fn vars(prefix: &'static str) -> impl Strategy<Value = Vec<(String, String)>> {
    // A fixed first letter keeps clear of the reserved names (VERSION, TARGETARCH, <APP>_PLATFORM, ...).
    let name = proptest::string::string_regex(&format!("{prefix}[A-Z0-9_]{{0,6}}")).expect("a valid regex");
    btree_map(name, text(16), 0..3).prop_map(|m| m.into_iter().collect())
}

/// How the config may spell a platform: canonical, or an alias mkmulti normalises with a note.
fn spelling(oci: &'static str) -> impl Strategy<Value = String> {
    let alias = match oci {
        "linux/amd64" => "x86_64",
        "linux/arm64" => "aarch64",
        "linux/arm/v7" => "armhf",
        "linux/arm/v6" => "armel",
        "linux/386" => "i386",
        "linux/ppc64le" => "ppc64el",
        other => other,
    };
    prop_oneof![3 => Just(oci.to_string()), 1 => Just(alias.to_string())]
}

/// What decides which platforms an app may have: language, how it links, runtime, tini.
#[derive(Debug, Clone)]
struct Kind {
    go: bool,
    glibc: bool,
    runtime: usize,
    init: bool,
    allowed: Vec<&'static str>,
}

fn kind() -> impl Strategy<Value = Kind> {
    (any::<bool>(), prop::bool::weighted(0.3), 0..RUNTIMES.len(), prop::bool::weighted(0.3)).prop_filter_map(
        "the runtime must run the binary on some platform",
        |(go, glibc_pick, runtime, init)| {
            // Go links glibc only with cgo (rarely asked for); Rust links glibc unless musl is asked for.
            let glibc = if go { glibc_pick } else { !glibc_pick };
            let base = mkmulti::images::runtime_base(RUNTIMES[runtime].1, glibc);
            if glibc && !base.glibc {
                return None;
            }
            let allowed: Vec<&'static str> = mkmulti::platform::PLATFORMS
                .iter()
                .filter(|p| base.image.is_none() || base.platforms.contains(&p.oci))
                .filter(|p| match (go, glibc) {
                    (true, false) => true,
                    (_, true) => p.gnu_prefix.is_some(),
                    (false, false) => p.rust_musl.is_some(),
                })
                .filter(|p| !init || p.debian_static_arch.is_some())
                .map(|p| p.oci)
                .collect();
            (!allowed.is_empty()).then_some(Kind { go, glibc, runtime, init, allowed })
        },
    )
}

fn go_extras() -> impl Strategy<Value = GoExtras> {
    (
        option::of(select(vec!["./cmd/server", ".", "./cmd/a-b_c.d"])),
        option::of(select(vec!["1.22", "1.25", "1.24.3"])),
        option::of(select(vec!["main", "github.com/example/x/internal/version"])),
        vec(select(vec!["-X", "main.edition=oss", "-extldflags=-static", "-linkmode=internal"]), 0..3),
        vec("[a-z0-9_.]{1,6}", 0..2),
        option::of(select(vec!["v1", "v2", "v3", "v4"])),
    )
        .prop_map(|(main, version, version_package, ldflags, tags, goamd64)| GoExtras {
            main: main.map(String::from),
            version: version.map(String::from),
            version_package: version_package.map(String::from),
            ldflags: ldflags.into_iter().map(String::from).collect(),
            tags,
            goamd64: goamd64.map(String::from),
        })
}

fn rust_extras() -> impl Strategy<Value = RustExtras> {
    (
        option::of("[a-z][a-z0-9_-]{0,8}"),
        option::of(select(vec!["1", "1.85", "1.90.0"])),
        option::of(select(vec!["release", "dev", "dist"])),
        vec("[a-z][a-z0-9_-]{0,6}", 0..3),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(package, version, profile, features, no_default_features, chef)| RustExtras {
            package,
            version: version.map(String::from),
            profile: profile.map(String::from),
            features,
            no_default_features,
            chef,
        })
}

fn health(shell: bool) -> impl Strategy<Value = Health> {
    let first = if shell { vec!["<bin>", "/bin/true", "wget"] } else { vec!["<bin>", "/bin/true"] };
    (select(first), vec(text(10), 0..3), select(vec!["30s", "1m30s", "500ms", "5s"]), 1u32..=100).prop_map(
        |(first, rest, interval, retries)| {
            let mut command = vec![first.to_string()];
            command.extend(rest);
            Health { command, interval: interval.into(), retries }
        },
    )
}

/// One app (named later, once all names are known to differ).
fn app() -> impl Strategy<Value = App> {
    kind().prop_flat_map(|k| {
        let base = mkmulti::images::runtime_base(RUNTIMES[k.runtime].1, k.glibc);
        let packages = if base.package_manager.is_some() {
            vec("[a-z0-9][a-z0-9+.-]{0,8}", 0..3).boxed()
        } else {
            Just(Vec::new()).boxed()
        };
        // Build packages and runtime libraries: distinct Debian names, for a binary that links glibc; a runtime
        // library never ends in `-dev`. Both stay under 10 characters, so the hostile tests' benign values
        // (`zlib1g-dev`, `libstdc++6`) never repeat one.
        let libraries = if k.glibc {
            (btree_set("[a-z0-9][a-z0-9+.-]{1,8}", 0..3), btree_set("[a-z0-9][a-z0-9+.]{1,8}", 0..3))
                .prop_map(|(b, r)| (b.into_iter().collect(), r.into_iter().collect()))
                .boxed()
        } else {
            Just((Vec::new(), Vec::new())).boxed()
        };
        let identity = (
            any::<bool>(),
            option::of("[a-z][a-z0-9_.-]{0,8}"),
            any::<bool>(),
            option::of("[a-z_][a-z0-9_-]{0,7}".prop_filter("not root", |u| u != "root")),
            option::of(1u32..=65535),
            prop::bool::weighted(0.2),
            prop::bool::weighted(0.2),
            prop::bool::weighted(0.25),
        );
        let runtime = (
            btree_set(1u16..=65535, 0..3),
            vars("E"),
            vars("B"),
            vars("C"),
            option::of(select(vec!["no", "always", "on-failure", "unless-stopped"])),
            vec("(/[a-z0-9_-][a-z0-9._-]{0,6}){1,3}", 0..3),
            vec(text(12), 0..3),
            option::of(health(base.shell)),
            (option::of(vec(text(12), 0..3)), option::of(select(vec!["command", "server", "off"]))),
            packages,
            option::of(select(vec!["SIGINT", "SIGQUIT", "SIGRTMIN+3", "2"])),
            any::<bool>(),
        );
        let spelled = subsequence(k.allowed.clone(), 1..=k.allowed.len()).prop_flat_map(|ps| {
            let spellings: Vec<_> = ps.iter().map(|p| spelling(p)).collect();
            (Just(ps), spellings)
        });
        (Just(k), spelled, identity, runtime, go_extras(), rust_extras(), libraries).prop_map(
            |(k, (platforms, spelled), identity, rt, go_extras, rust_extras, (build_packages, runtime_libraries))| {
                let (explicit_platforms, bin, own_image, user, uid, pin_runtime, pin_builder, own_dockerfile) =
                    identity;
                let (
                    ports,
                    env,
                    build_args,
                    compose_env,
                    restart,
                    volumes,
                    args,
                    healthcheck,
                    (smoke, smoke_mode),
                    packages,
                    sig,
                    tz,
                ) = rt;
                let base = mkmulti::images::runtime_base(RUNTIMES[k.runtime].1, k.glibc);
                let builder = if k.go { "golang:1.25-bookworm@sha256:" } else { "rust:1-bookworm@sha256:" };
                App {
                    name: String::new(),
                    go: k.go,
                    glibc: k.glibc,
                    runtime: k.runtime,
                    platforms,
                    spelled,
                    explicit_platforms,
                    init: k.init,
                    bin,
                    // Marked for naming after the app (`team/<name>`): a slash no app name has, so no clash.
                    image: own_image.then(String::new),
                    user,
                    uid,
                    runtime_image: base.image.filter(|_| pin_runtime).map(String::from),
                    builder_image: pin_builder.then(|| format!("{builder}{}", "0123456789abcdef".repeat(4))),
                    // Marked for naming after the app (`Dockerfile.<name>.mkmulti`), as `init` names it.
                    dockerfile: own_dockerfile.then(String::new),
                    ports: ports.into_iter().collect(),
                    env,
                    build_args,
                    compose_env,
                    restart,
                    volumes,
                    args,
                    healthcheck,
                    smoke_test: smoke,
                    smoke_mode,
                    packages,
                    build_packages,
                    runtime_libraries,
                    stop_signal: sig.map(String::from),
                    tzdata: tz,
                    go_extras,
                    rust_extras,
                }
            },
        )
    })
}

fn names() -> impl Strategy<Value = Vec<String>> {
    vec("[a-z][a-z0-9]{0,7}(-[a-z0-9]{1,4}){0,2}", 3).prop_filter("names (and their make variables) differ", |v| {
        let idents: BTreeSet<String> = v.iter().map(|n| n.replace('-', "_")).collect();
        // `validate` and `<app>-build` are workflow jobs of their own.
        idents.len() == v.len() && !v.iter().any(|n| n == "validate" || n.ends_with("-build"))
    })
}

pub(super) fn config() -> impl Strategy<Value = Config> {
    let project = (
        any::<bool>(),
        "[a-z][a-z0-9]{0,8}(-[a-z0-9]{1,4})?",
        option::of(text(30)),
        option::of(select(vec!["https://github.com/example/x", "https://git.example.com:8443/a/b_c.git"])),
        option::of(select(vec!["MIT", "MIT OR Apache-2.0", "Apache-2.0 WITH LLVM-exception"])),
        select(vec![
            ("docker.io", Some("example")),
            // Local builds only: pushes stop with the one line that names `registry.namespace`.
            ("docker.io", None),
            ("ghcr.io", Some("acme/team")),
            ("registry.example.com:5000", None),
            ("localhost:5000", Some("x")),
            ("[::1]:5000", Some("ns")),
        ]),
        [any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>()],
    );
    let ci = (
        any::<bool>(),
        any::<bool>(),
        prop::bool::weighted(0.8),
        any::<bool>(),
        any::<bool>(),
        vec("[a-z][a-z0-9_-]{0,6}(/[a-z0-9]{1,4})?", 1..3),
        option::of(select(vec!["v*", "release-*", "v*.*.*"])),
        option::of(select(vec!["REG_USER", "BOT"])),
        option::of(select(vec!["REG_PASS", "GITHUB_TOKEN"])),
        option::of(select(vec!["docker", "images", "ci-build"])),
        1u32..=360,
    );
    let output = (
        prop::bool::weighted(0.8),
        prop::bool::weighted(0.9),
        any::<bool>(),
        prop::bool::weighted(0.8),
        prop::bool::weighted(0.8),
        option::of(select(vec!["docker.mk", "build/docker.mk"])),
    );
    (vec(app(), 1..=3), names(), project, ci, output, build()).prop_map(
        |(mut apps, names, project, ci, output, mut build)| {
            let (version, name, description, source, license, (host, namespace), mut tags) = project;
            let (
                native,
                pin_tag,
                validate,
                pull_requests,
                cache,
                branches,
                tag_pattern,
                user,
                password,
                workflow,
                timeout,
            ) = ci;
            let (scripts, workflow_on, bake, syntax, dockerignore, makefile_path) = output;
            for (app, name) in apps.iter_mut().zip(names) {
                if app.image.is_some() {
                    app.image = Some(format!("team/{name}"));
                }
                if app.dockerfile.is_some() {
                    app.dockerfile = Some(format!("Dockerfile.{name}.mkmulti"));
                }
                app.name = name;
                let bin = app.bin().to_string();
                if let Some(h) = app.healthcheck.as_mut().filter(|h| h.command[0] == "<bin>") {
                    h.command[0] = bin;
                }
            }
            // A secret scoped to an app that does not exist, or a cargo token scoped to no Rust app, is refused: keep
            // the sampled configs valid.
            for s in &mut build.secrets {
                s.app = s.app.filter(|i| *i < apps.len());
                let scope: Vec<&App> = match s.app {
                    Some(i) => vec![&apps[i]],
                    None => apps.iter().collect(),
                };
                let languages = match (&s.languages[..], s.build_env.as_deref()) {
                    ([], Some(v)) if v.starts_with("CARGO_") => vec!["rust"],
                    ([], _) => vec!["go", "rust"],
                    (l, _) => l.to_vec(),
                };
                if !scope.iter().any(|a| languages.contains(&if a.go { "go" } else { "rust" })) {
                    s.languages = vec!["go", "rust"];
                }
            }
            // A branch push needs a tag: `branch` or `sha`.
            if !tags[2] && !tags[3] {
                tags[2] = true;
            }
            Config {
                version,
                name,
                description,
                source: source.map(String::from),
                license: license.map(String::from),
                host,
                namespace: namespace.map(String::from),
                tags,
                apps,
                native,
                pin_tag,
                validate,
                pull_requests,
                cache,
                branches,
                tag_pattern: tag_pattern.map(String::from),
                username_secret: user.map(String::from),
                password_secret: password.map(String::from),
                workflow,
                timeout,
                scripts,
                workflow_on,
                bake,
                syntax,
                dockerignore,
                makefile_path: makefile_path.map(String::from),
                build,
            }
        },
    )
}

/// A `[build]` table: mostly empty; else a few secrets of every source and scope, SSH with the default or own
/// known hosts, and mirrors.
fn build() -> impl Strategy<Value = Build> {
    let secret = (
        select(vec![(Some("NPM_TOKEN"), None), (None, Some("certs/corp-ca.pem")), (None, None)]),
        option::of(select(vec!["/root/.netrc", "/run/secrets/x.pem"])),
        option::of(select(vec!["CARGO_REGISTRIES_CORP_TOKEN", "NPM_CONFIG_TOKEN"])),
        option::of(select(vec!["CI_TOKEN"])),
        any::<bool>(),
        option::of(0usize..3),
        select(vec![vec![], vec!["rust"], vec!["go", "rust"]]),
    );
    let secrets = vec(secret, 0..=3).prop_map(|list| {
        list.into_iter()
            .enumerate()
            .map(|(i, ((env, file), target, build_env, ci_secret, required, app, languages))| Secret {
                id: ["corp-ca", "netrc_2", "tok"][i].to_string(),
                env: env.map(String::from),
                file: file.map(String::from),
                target: target.map(String::from),
                build_env: build_env.map(String::from),
                ci_secret: ci_secret.map(|c| format!("{c}_{i}")),
                required,
                app,
                languages,
            })
            .collect::<Vec<_>>()
    });
    let known = option::of(select(vec![
        vec![
            "git.example.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl"
                .to_string(),
        ],
        vec![
            "[git.example.com]:2222,10.0.0.1 ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTY="
                .to_string(),
            "gitlab.example.org ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABgQCj7ndNxQowgcQnjshcLrqPEii".to_string(),
        ],
    ]));
    let mirrors = (
        option::of(select(vec!["https://goproxy.example.com,direct", "off"])),
        option::of(select(vec!["sum.golang.org", "off"])),
        select(vec![vec![], vec!["github.com/example-org/*".to_string()]]),
        option::of(select(vec!["sparse+https://crates.example.com/index/", "https://git.example.com/index"])),
    );
    (
        prop::bool::weighted(0.4),
        secrets,
        any::<bool>(),
        any::<bool>(),
        known,
        option::of(select(vec!["DEPLOY_KEY"])),
        mirrors,
    )
        .prop_map(|(on, secrets, ca, ssh, known, ssh_ci_secret, (goproxy, gosumdb, goprivate, cargo_mirror))| {
            if !on {
                return Build::default();
            }
            Build {
                ca: ca && secrets.first().is_some_and(|s| s.file.is_some()),
                secrets,
                ssh,
                ssh_ci_secret: ssh_ci_secret.map(String::from),
                known_hosts: known.filter(|_| ssh),
                goproxy: goproxy.map(String::from),
                gosumdb: gosumdb.map(String::from),
                goprivate,
                cargo_mirror: cargo_mirror.map(String::from),
            }
        })
}
