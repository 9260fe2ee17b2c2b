//! Property tests over the config model (issue 5): every valid config renders files that parse, and a hostile
//! string in any field is either refused, naming its key path, or leaves every generated file's structure as
//! the same config with a plain string there gives.
//!
//! Configs are built as a small model ([`Config`]) and written out as TOML, so a failure prints the config it
//! failed on. The readers here are deliberately small: a Dockerfile instruction reader (continuations joined,
//! comments dropped, the way BuildKit reads them), a YAML shape, the rules GNU make itself reports, `bash -n`.
//! Values are also followed through each sink back to what the config said (Dockerfile quoting and JSON exec
//! arrays, compose `$$`, shell single quotes), since an escape that alters a value is as wrong as one that
//! breaks a file.

use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::{self, Write as _};
use std::io::Write as _;
use std::process::{Command, Stdio};

use mkmulti::config::Runtime;
use mkmulti::render::GeneratedFile;
use proptest::collection::{btree_map, btree_set, vec};
use proptest::option;
use proptest::prelude::*;
use proptest::sample::{Index, select, subsequence};
use proptest::test_runner::{TestCaseResult, TestRunner};
use serde_yaml_ng::Value;

/// Runner settings: no regression files written into the repository, shrinking bounded (cases spawn bash and
/// make). `PROPTEST_CASES` overrides the case count, for a longer hunt than the test suite's.
fn runner(cases: u32) -> TestRunner {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(cases);
    TestRunner::new(ProptestConfig {
        cases,
        failure_persistence: None,
        max_shrink_iters: 512,
        ..ProptestConfig::default()
    })
}

fn run<S: Strategy>(cases: u32, strategy: S, test: impl Fn(S::Value) -> TestCaseResult) {
    if let Err(e) = runner(cases).run(&strategy, test) {
        panic!("{e}");
    }
}

const RUNTIMES: &[(&str, Runtime)] = &[
    ("scratch", Runtime::Scratch),
    ("distroless", Runtime::Distroless),
    ("distroless-static", Runtime::DistrolessStatic),
    ("distroless-cc", Runtime::DistrolessCc),
    ("alpine", Runtime::Alpine),
    ("debian-slim", Runtime::DebianSlim),
];

#[derive(Debug, Clone)]
struct Health {
    command: Vec<String>,
    interval: String,
    retries: u32,
}

#[derive(Debug, Clone, Default)]
struct GoExtras {
    main: Option<String>,
    version: Option<String>,
    version_package: Option<String>,
    ldflags: Vec<String>,
    tags: Vec<String>,
    goamd64: Option<String>,
}

#[derive(Debug, Clone, Default)]
struct RustExtras {
    package: Option<String>,
    version: Option<String>,
    profile: Option<String>,
    features: Vec<String>,
    no_default_features: bool,
    chef: bool,
}

#[derive(Debug, Clone)]
struct App {
    name: String,
    go: bool,
    /// Go: cgo; Rust: glibc (not musl).
    glibc: bool,
    runtime: usize,
    /// Canonical platforms, and how the config spells each.
    platforms: Vec<&'static str>,
    spelled: Vec<String>,
    /// The app names its platforms itself (app 0 may inherit `project.platforms`).
    explicit_platforms: bool,
    init: bool,
    bin: Option<String>,
    image: Option<String>,
    user: Option<String>,
    uid: Option<u32>,
    runtime_image: Option<String>,
    builder_image: Option<String>,
    ports: Vec<u16>,
    env: Vec<(String, String)>,
    build_args: Vec<(String, String)>,
    compose_env: Vec<(String, String)>,
    restart: Option<&'static str>,
    volumes: Vec<String>,
    args: Vec<String>,
    healthcheck: Option<Health>,
    smoke_test: Option<Vec<String>>,
    packages: Vec<String>,
    stop_signal: Option<String>,
    tzdata: bool,
    go_extras: GoExtras,
    rust_extras: RustExtras,
}

impl App {
    fn bin(&self) -> &str {
        self.bin.as_deref().unwrap_or(&self.name)
    }
    fn image_name(&self) -> &str {
        self.image.as_deref().unwrap_or(&self.name)
    }
    fn smoke(&self) -> Vec<String> {
        self.smoke_test.clone().unwrap_or_else(|| vec!["--version".into()])
    }
    fn runtime(&self) -> Runtime {
        RUNTIMES[self.runtime].1
    }
    fn base(&self) -> mkmulti::images::RuntimeBase {
        mkmulti::images::runtime_base(self.runtime(), self.glibc)
    }
    fn slug(oci: &str) -> String {
        oci.trim_start_matches("linux/").replace('/', "")
    }
}

#[derive(Clone)]
struct Config {
    version: bool,
    name: String,
    description: Option<String>,
    source: Option<String>,
    license: Option<String>,
    host: &'static str,
    namespace: Option<String>,
    tags: [bool; 4],
    apps: Vec<App>,
    native: bool,
    pin_tag: bool,
    validate: bool,
    pull_requests: bool,
    cache: bool,
    branches: Vec<String>,
    tag_pattern: Option<String>,
    username_secret: Option<String>,
    password_secret: Option<String>,
    workflow: Option<&'static str>,
    timeout: u32,
    scripts: bool,
    workflow_on: bool,
    bake: bool,
    syntax: bool,
    dockerignore: bool,
}

impl Config {
    fn dockerfile(&self, app: &App) -> String {
        if self.apps.len() == 1 { "Dockerfile".into() } else { format!("Dockerfile.{}", app.name) }
    }
    fn workflow_path(&self) -> String {
        format!(".github/workflows/{}.yml", self.workflow.unwrap_or("docker"))
    }
    fn validate_job(&self) -> bool {
        self.validate && self.scripts && self.workflow_on
    }
    /// Every platform any app builds for, in the platform table's order.
    fn platforms(&self) -> Vec<&'static str> {
        mkmulti::platform::PLATFORMS
            .iter()
            .map(|p| p.oci)
            .filter(|oci| self.apps.iter().any(|a| a.platforms.contains(oci)))
            .collect()
    }

    fn toml(&self) -> String {
        let mut t = String::new();
        if self.version {
            t.push_str("mkmulti-version = \"0.1\"\n");
        }
        t.push_str("\n[project]\n");
        kv(&mut t, "name", &q(&self.name));
        opt(&mut t, "description", &self.description);
        opt(&mut t, "source", &self.source);
        opt(&mut t, "license", &self.license);
        kv(&mut t, "platforms", &list(&self.apps[0].spelled));
        t.push_str("\n[registry]\n");
        kv(&mut t, "host", &q(self.host));
        opt(&mut t, "namespace", &self.namespace);
        t.push_str("\n[tags]\n");
        for (key, on) in ["latest", "semver", "sha", "branch"].iter().zip(self.tags) {
            kv(&mut t, key, &on.to_string());
        }
        for (i, a) in self.apps.iter().enumerate() {
            t.push_str("\n[[app]]\n");
            kv(&mut t, "name", &q(&a.name));
            kv(&mut t, "language", if a.go { "\"go\"" } else { "\"rust\"" });
            kv(&mut t, "runtime", &q(RUNTIMES[a.runtime].0));
            if a.explicit_platforms || i > 0 {
                kv(&mut t, "platforms", &list(&a.spelled));
            }
            opt(&mut t, "bin", &a.bin);
            opt(&mut t, "image", &a.image);
            opt(&mut t, "user", &a.user);
            if let Some(uid) = a.uid {
                kv(&mut t, "uid", &uid.to_string());
            }
            opt(&mut t, "runtime-image", &a.runtime_image);
            opt(&mut t, "builder-image", &a.builder_image);
            if a.init {
                kv(&mut t, "init", "true");
            }
            if !a.tzdata {
                kv(&mut t, "tzdata", "false");
            }
            opt(&mut t, "stop-signal", &a.stop_signal);
            if !a.ports.is_empty() {
                let ports: Vec<String> = a.ports.iter().map(u16::to_string).collect();
                kv(&mut t, "ports", &format!("[{}]", ports.join(", ")));
            }
            table(&mut t, "env", &a.env);
            table(&mut t, "build-args", &a.build_args);
            table(&mut t, "compose.environment", &a.compose_env);
            if let Some(r) = a.restart {
                kv(&mut t, "compose.restart", &q(r));
            }
            nonempty(&mut t, "volumes", &a.volumes);
            nonempty(&mut t, "args", &a.args);
            nonempty(&mut t, "packages", &a.packages);
            if let Some(s) = &a.smoke_test {
                kv(&mut t, "smoke-test", &list(s));
            }
            if let Some(h) = &a.healthcheck {
                let value = format!(
                    "{{ command = {}, interval = {}, retries = {} }}",
                    list(&h.command),
                    q(&h.interval),
                    h.retries
                );
                kv(&mut t, "healthcheck", &value);
            }
            if a.go {
                let g = &a.go_extras;
                opt(&mut t, "main", &g.main);
                if a.glibc {
                    kv(&mut t, "go.cgo", "true");
                }
                opt(&mut t, "go.version", &g.version);
                opt(&mut t, "go.version-package", &g.version_package);
                opt(&mut t, "go.goamd64", &g.goamd64);
                nonempty(&mut t, "go.ldflags", &g.ldflags);
                nonempty(&mut t, "go.tags", &g.tags);
            } else {
                let r = &a.rust_extras;
                opt(&mut t, "package", &r.package);
                if !a.glibc {
                    kv(&mut t, "rust.libc", "\"musl\"");
                }
                if r.chef {
                    kv(&mut t, "rust.cache", "\"chef\"");
                }
                opt(&mut t, "rust.version", &r.version);
                opt(&mut t, "rust.profile", &r.profile);
                if r.no_default_features {
                    kv(&mut t, "rust.no-default-features", "true");
                }
                nonempty(&mut t, "rust.features", &r.features);
            }
        }
        t.push_str("\n[ci]\n");
        kv(&mut t, "strategy", if self.native { "\"native\"" } else { "\"single\"" });
        kv(&mut t, "pin-actions", if self.pin_tag { "\"tag\"" } else { "\"sha\"" });
        kv(&mut t, "validate", &self.validate.to_string());
        kv(&mut t, "pull-requests", &self.pull_requests.to_string());
        kv(&mut t, "cache", &self.cache.to_string());
        kv(&mut t, "branches", &list(&self.branches));
        opt(&mut t, "tag-pattern", &self.tag_pattern);
        opt(&mut t, "username-secret", &self.username_secret);
        opt(&mut t, "password-secret", &self.password_secret);
        if let Some(w) = self.workflow {
            kv(&mut t, "workflow", &q(w));
        }
        kv(&mut t, "timeout-minutes", &self.timeout.to_string());
        t.push_str("\n[output]\n");
        kv(&mut t, "scripts", &self.scripts.to_string());
        kv(&mut t, "workflow", &self.workflow_on.to_string());
        kv(&mut t, "bake", &self.bake.to_string());
        kv(&mut t, "syntax-directive", &self.syntax.to_string());
        kv(&mut t, "dockerignore", &self.dockerignore.to_string());
        t
    }
}

/// Failures print the config as the TOML that was loaded.
impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\n---- multiarch.toml ----\n{}------------------------", self.toml())
    }
}

/// A TOML string, escaped by the toml crate's own encoder.
fn q(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}
fn list(items: &[String]) -> String {
    format!("[{}]", items.iter().map(|s| q(s)).collect::<Vec<_>>().join(", "))
}
fn kv(t: &mut String, key: &str, value: &str) {
    let _ = writeln!(t, "{key} = {value}");
}
fn opt(t: &mut String, key: &str, value: &Option<String>) {
    if let Some(v) = value {
        kv(t, key, &q(v));
    }
}
fn nonempty(t: &mut String, key: &str, items: &[String]) {
    if !items.is_empty() {
        kv(t, key, &list(items));
    }
}
fn table(t: &mut String, key: &str, pairs: &[(String, String)]) {
    if !pairs.is_empty() {
        let body: Vec<String> = pairs.iter().map(|(k, v)| format!("{k} = {}", q(v))).collect();
        kv(t, key, &format!("{{ {} }}", body.join(", ")));
    }
}

/// Printable ASCII, quotes, `$`, `#` and all; only `${{` (always refused) is broken up.
fn text(max: usize) -> impl Strategy<Value = String> {
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
        let identity = (
            any::<bool>(),
            option::of("[a-z][a-z0-9_.-]{0,8}"),
            any::<bool>(),
            option::of("[a-z_][a-z0-9_-]{0,7}".prop_filter("not root", |u| u != "root")),
            option::of(1u32..=65535),
            prop::bool::weighted(0.2),
            prop::bool::weighted(0.2),
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
            option::of(vec(text(12), 0..3)),
            packages,
            option::of(select(vec!["SIGINT", "SIGQUIT", "SIGRTMIN+3", "2"])),
            any::<bool>(),
        );
        let spelled = subsequence(k.allowed.clone(), 1..=k.allowed.len()).prop_flat_map(|ps| {
            let spellings: Vec<_> = ps.iter().map(|p| spelling(p)).collect();
            (Just(ps), spellings)
        });
        (Just(k), spelled, identity, runtime, go_extras(), rust_extras()).prop_map(
            |(k, (platforms, spelled), identity, rt, go_extras, rust_extras)| {
                let (explicit_platforms, bin, own_image, user, uid, pin_runtime, pin_builder) = identity;
                let (
                    ports,
                    env,
                    build_args,
                    compose_env,
                    restart,
                    volumes,
                    args,
                    healthcheck,
                    smoke,
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
                    ports: ports.into_iter().collect(),
                    env,
                    build_args,
                    compose_env,
                    restart,
                    volumes,
                    args,
                    healthcheck,
                    smoke_test: smoke,
                    packages,
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

fn config() -> impl Strategy<Value = Config> {
    let project = (
        any::<bool>(),
        "[a-z][a-z0-9]{0,8}(-[a-z0-9]{1,4})?",
        option::of(text(30)),
        option::of(select(vec!["https://github.com/example/x", "https://git.example.com:8443/a/b_c.git"])),
        option::of(select(vec!["MIT", "MIT OR Apache-2.0", "Apache-2.0 WITH LLVM-exception"])),
        select(vec![
            ("docker.io", Some("example")),
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
    );
    (vec(app(), 1..=3), names(), project, ci, output).prop_map(|(mut apps, names, project, ci, output)| {
        let (version, name, description, source, license, (host, namespace), mut tags) = project;
        let (native, pin_tag, validate, pull_requests, cache, branches, tag_pattern, user, password, workflow, timeout) =
            ci;
        let (scripts, workflow_on, bake, syntax, dockerignore) = output;
        for (app, name) in apps.iter_mut().zip(names) {
            if app.image.is_some() {
                app.image = Some(format!("team/{name}"));
            }
            app.name = name;
            let bin = app.bin().to_string();
            if let Some(h) = app.healthcheck.as_mut().filter(|h| h.command[0] == "<bin>") {
                h.command[0] = bin;
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
        }
    })
}

fn load(c: &Config) -> Result<Vec<GeneratedFile>, Vec<String>> {
    match mkmulti::load_str(&c.toml(), "multiarch.toml", "multiarch.toml") {
        Ok(loaded) => Ok(mkmulti::render::render(&loaded.plan)),
        Err(mkmulti::LoadError::Invalid(found)) => {
            Err(found.iter().map(mkmulti::diagnostics::Located::render).collect())
        }
        Err(mkmulti::LoadError::Io(m)) => panic!("load_str does no I/O: {m}"),
    }
}

fn file<'a>(files: &'a [GeneratedFile], path: &str) -> &'a str {
    &files
        .iter()
        .find(|f| f.path == path)
        .unwrap_or_else(|| panic!("no {path}; files: {:?}", files.iter().map(|f| &f.path).collect::<Vec<_>>()))
        .contents
}

const INSTRUCTIONS: &[&str] = &[
    "FROM",
    "RUN",
    "CMD",
    "LABEL",
    "EXPOSE",
    "ENV",
    "ADD",
    "COPY",
    "ENTRYPOINT",
    "VOLUME",
    "USER",
    "WORKDIR",
    "ARG",
    "STOPSIGNAL",
    "HEALTHCHECK",
    "SHELL",
    "ONBUILD",
];

/// One logical line: the instruction keyword and the rest, continuations joined.
#[derive(Debug)]
struct Instruction {
    keyword: String,
    rest: String,
}

/// Reads a Dockerfile the way BuildKit's parser splits it: comment and blank lines dropped (also inside a
/// continuation), a trailing `\` joins the next line. Panics on a line that starts no known instruction.
fn instructions(text: &str) -> Vec<Instruction> {
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    for (n, line) in text.split('\n').enumerate() {
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let (body, continues) = match line.trim_end().strip_suffix('\\') {
            Some(body) => (body, true),
            None => (line, false),
        };
        let acc = current.get_or_insert_with(String::new);
        acc.push_str(body);
        if !continues {
            let logical = current.take().expect("set above");
            let logical = logical.trim_start();
            let (keyword, rest) = logical.split_once(char::is_whitespace).unwrap_or((logical, ""));
            let keyword = keyword.to_ascii_uppercase();
            assert!(INSTRUCTIONS.contains(&keyword.as_str()), "line {}: unknown instruction in {logical:?}", n + 1);
            out.push(Instruction { keyword, rest: rest.trim().to_string() });
        }
    }
    assert!(current.is_none(), "the Dockerfile ends inside a continuation");
    out
}

/// The words of a Dockerfile `ENV`/`ARG`/`LABEL` line, unquoted the way BuildKit's lexer does it for the
/// quoting mkmulti writes (`"..."` with `\` escaping the next character). The flag says the word holds an
/// unescaped `$`, which BuildKit would expand.
fn docker_words(s: &str) -> Vec<(String, bool)> {
    let mut words = Vec::new();
    let mut chars = s.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        if chars.peek().is_none() {
            return words;
        }
        let (mut word, mut dollar, mut quoted) = (String::new(), false, false);
        while let Some(c) = chars.next() {
            match c {
                '"' => quoted = !quoted,
                '\\' => word.push(chars.next().expect("no trailing backslash inside a logical line")),
                '$' => {
                    dollar = true;
                    word.push('$');
                }
                c if c.is_whitespace() && !quoted => break,
                c => word.push(c),
            }
        }
        assert!(!quoted, "unterminated quote in {s:?}");
        words.push((word, dollar));
    }
}

/// `NAME=value` pairs of `ENV`/`ARG`/`LABEL` instructions, values unquoted.
fn assignments<'a>(instrs: impl Iterator<Item = &'a Instruction>) -> BTreeMap<String, (String, bool)> {
    let mut out = BTreeMap::new();
    for i in instrs {
        for (word, dollar) in docker_words(&i.rest) {
            if let Some((name, value)) = word.split_once('=') {
                out.insert(name.to_string(), (value.to_string(), dollar));
            }
        }
    }
    out
}

fn exec_form(json: &str) -> Vec<String> {
    serde_json::from_str(json).unwrap_or_else(|e| panic!("not a JSON exec array ({e}): {json}"))
}

/// Checks an app's Dockerfile: it reads as instructions, its runtime stage runs nothing unless it installs
/// packages, and every value the config gave comes back out of its quoting unchanged.
fn check_dockerfile(c: &Config, app: &App, text: &str) {
    if c.syntax {
        assert!(text.starts_with("# syntax=docker/dockerfile:1\n# Generated by mkmulti"), "{text}");
    } else {
        assert!(text.starts_with("# Generated by mkmulti"));
    }
    let all = instructions(text);
    assert_eq!(all.first().map(|i| i.keyword.as_str()), Some("FROM"));
    let last_from = all.iter().rposition(|i| i.keyword == "FROM").expect("a FROM");
    let runtime = &all[last_from..];
    let runs = runtime.iter().filter(|i| i.keyword == "RUN").count();
    assert_eq!(runs, usize::from(!app.packages.is_empty()), "RUN steps in the runtime stage");
    let one = |keyword: &str| -> Option<&Instruction> {
        let mut found = runtime.iter().filter(|i| i.keyword == keyword);
        let first = found.next();
        assert!(found.next().is_none(), "two {keyword} in the runtime stage");
        first
    };

    let bin_path = format!("/usr/local/bin/{}", app.bin());
    let mut entrypoint = vec![bin_path.clone()];
    if app.init {
        entrypoint.splice(0..0, ["/usr/bin/tini".to_string(), "--".to_string()]);
    }
    assert_eq!(exec_form(&one("ENTRYPOINT").expect("ENTRYPOINT").rest), entrypoint);
    assert_eq!(one("CMD").map(|i| exec_form(&i.rest)), (!app.args.is_empty()).then(|| app.args.clone()));
    assert_eq!(one("VOLUME").map(|i| exec_form(&i.rest)), (!app.volumes.is_empty()).then(|| app.volumes.clone()));
    let ports: Option<Vec<u16>> =
        one("EXPOSE").map(|i| i.rest.split(' ').map(|p| p.parse().expect("a port number")).collect());
    assert_eq!(ports, (!app.ports.is_empty()).then(|| app.ports.clone()));
    assert_eq!(one("STOPSIGNAL").map(|i| i.rest.clone()), app.stop_signal.clone());
    let health = one("HEALTHCHECK").map(|i| {
        let (_, json) = i.rest.split_once(" CMD ").expect("HEALTHCHECK ... CMD [...]");
        exec_form(json.trim())
    });
    let expected_health = app.healthcheck.as_ref().map(|h| {
        let mut command = h.command.clone();
        if command[0] == app.bin() {
            command[0] = bin_path.clone();
        }
        command
    });
    assert_eq!(health, expected_health, "HEALTHCHECK command");

    let env = assignments(runtime.iter().filter(|i| i.keyword == "ENV"));
    let ident = app.name.to_ascii_uppercase().replace('-', "_");
    let mut expected: BTreeMap<String, (String, bool)> =
        app.env.iter().map(|(k, v)| (k.clone(), (v.clone(), false))).collect();
    expected.insert(format!("{ident}_PLATFORM"), ("${TARGETPLATFORM}".into(), true));
    assert_eq!(env, expected, "ENV values (value, holds an unescaped `$`)");

    let labels = assignments(runtime.iter().filter(|i| i.keyword == "LABEL"));
    let label = |key: &str| labels.get(&format!("org.opencontainers.image.{key}")).cloned();
    let plain = |v: &Option<String>| v.clone().filter(|s| !s.is_empty()).map(|s| (s, false));
    assert_eq!(label("description"), plain(&c.description), "description label");
    assert_eq!(label("source"), plain(&c.source), "source label");
    assert_eq!(label("title"), Some((app.name.clone(), false)));

    let args = assignments(all.iter().filter(|i| i.keyword == "ARG"));
    for (name, value) in &app.build_args {
        assert_eq!(args.get(name), Some(&(value.clone(), false)), "build arg {name}");
    }
}

/// The instruction keywords, one per logical line: a Dockerfile's structure.
fn dockerfile_shape(text: &str) -> String {
    instructions(text).iter().map(|i| i.keyword.as_str()).collect::<Vec<_>>().join(" ")
}

fn yaml(text: &str) -> Value {
    serde_yaml_ng::from_str(text).unwrap_or_else(|e| panic!("not YAML ({e}):\n{text}"))
}

fn key(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => format!("{other:?}"),
    }
}

fn keys(v: &Value) -> Vec<String> {
    v.as_mapping().unwrap_or_else(|| panic!("not a mapping: {v:?}")).keys().map(key).collect()
}

fn at<'a>(v: &'a Value, path: &[&str]) -> &'a Value {
    path.iter().fold(v, |v, k| v.get(k).unwrap_or_else(|| panic!("no `{k}` in {v:?}")))
}

/// Keys in order, sequence lengths and scalar kinds, recursively: what a value must not change.
fn yaml_shape(v: &Value, out: &mut String) {
    match v {
        Value::Mapping(m) => {
            out.push('{');
            for (k, v) in m {
                out.push_str(&key(k));
                out.push(':');
                yaml_shape(v, out);
                out.push(',');
            }
            out.push('}');
        }
        Value::Sequence(s) => {
            out.push('[');
            for v in s {
                yaml_shape(v, out);
                out.push(',');
            }
            out.push(']');
        }
        Value::String(_) => out.push('s'),
        Value::Number(_) => out.push('n'),
        Value::Bool(_) => out.push('b'),
        Value::Null => out.push('~'),
        Value::Tagged(_) => out.push('!'),
    }
}

/// What compose makes of a value: `$$` is a literal `$`.
fn compose_literal(v: &str) -> String {
    v.replace('$', "$$")
}

fn check_compose(c: &Config, text: &str) {
    let doc = yaml(text);
    let mut top = vec!["name", "services"];
    if c.apps.iter().any(|a| !a.volumes.is_empty()) {
        top.push("volumes");
    }
    assert_eq!(keys(&doc), top);
    assert_eq!(keys(at(&doc, &["services"])), c.apps.iter().map(|a| a.name.clone()).collect::<Vec<_>>());
    for app in &c.apps {
        let service = at(&doc, &["services", &app.name]);
        let mut expected = vec!["image", "build", "platform", "environment"];
        if !app.ports.is_empty() {
            expected.push("ports");
        }
        if !app.volumes.is_empty() {
            expected.push("volumes");
        }
        if app.healthcheck.is_some() {
            expected.push("healthcheck");
        }
        expected.push("restart");
        assert_eq!(keys(service), expected, "service {}", app.name);
        let platforms: Vec<&str> =
            at(service, &["build", "platforms"]).as_sequence().unwrap().iter().map(|p| p.as_str().unwrap()).collect();
        assert_eq!(platforms, app.platforms);
        let env = at(service, &["environment"]).as_mapping().unwrap();
        assert_eq!(env.len(), app.compose_env.len() + 1, "{env:?}");
        for (name, value) in &app.compose_env {
            assert_eq!(env.get(name).and_then(Value::as_str), Some(compose_literal(value).as_str()), "{name}");
        }
        if let Some(h) = &app.healthcheck {
            let test: Vec<&str> = at(service, &["healthcheck", "test"])
                .as_sequence()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap())
                .collect();
            let mut expected = vec!["CMD".to_string()];
            expected.extend(h.command.iter().enumerate().map(|(i, w)| {
                let word = if i == 0 && w == app.bin() { format!("/usr/local/bin/{w}") } else { w.clone() };
                compose_literal(&word)
            }));
            assert_eq!(test, expected, "healthcheck test");
        }
    }
}

fn check_workflow(c: &Config, text: &str) {
    let doc = yaml(text);
    assert_eq!(keys(&doc), ["name", "on", "permissions", "concurrency", "jobs"]);
    let mut jobs = Vec::new();
    for app in &c.apps {
        if c.native {
            jobs.push(format!("{}-build", app.name));
        }
        jobs.push(app.name.clone());
    }
    if c.validate_job() {
        jobs.push("validate".into());
    }
    assert_eq!(keys(at(&doc, &["jobs"])), jobs);
    for (id, job) in at(&doc, &["jobs"]).as_mapping().unwrap() {
        for step in at(job, &["steps"]).as_sequence().expect("steps") {
            if let Some(run) = step.get("run").and_then(Value::as_str) {
                assert!(!run.contains("${{"), "{}: an expression inside run: {run}", key(id));
            }
        }
    }
}

/// Rule names as written: `name:` at column 0, not a `name := value` assignment, not a special target.
fn make_rules(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| {
            let (head, tail) = l.split_once(':')?;
            let is_name = !head.is_empty() && head.chars().all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c));
            (is_name && !head.starts_with('.') && !tail.starts_with('=') && !tail.starts_with(':'))
                .then(|| head.to_string())
        })
        .collect()
}

/// The targets GNU make itself reads from a Makefile (`make -pq`), with its errors and warnings.
fn make_database(makefile: &str) -> BTreeSet<String> {
    let out = piped(
        Command::new("make")
            .args(["-f", "-", "-p", "-q", "--no-builtin-rules", "--warn-undefined-variables", "help"])
            .args(["VERSION=v1.2.3", "SHORT_SHA=abc1234", "COMMIT=c", "BUILD_DATE=d"])
            .env_remove("MAKEFLAGS")
            .env_remove("TAG"),
        makefile,
    );
    assert_ne!(out.status.code(), Some(2), "make failed: {}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stderr.is_empty(), "make: {}", String::from_utf8_lossy(&out.stderr));
    let db = String::from_utf8(out.stdout).expect("UTF-8");
    let files = db.split_once("\n# Files\n").expect("a # Files section").1;
    let mut targets = BTreeSet::new();
    let mut not_a_target = false;
    for line in files.lines() {
        if line == "# Not a target:" {
            not_a_target = true;
            continue;
        }
        if !not_a_target {
            targets.extend(make_rules(line));
        }
        not_a_target = false;
    }
    targets
}

fn expected_make_rules(c: &Config) -> BTreeSet<String> {
    let mut rules: BTreeSet<String> = [
        "help",
        "buildx-setup",
        "docker-build-local",
        "docker-build-multi",
        "docker-push-multi",
        "docker-test-multi",
        "docker-deploy-multi",
        "tags",
        "docker-inspect",
        "clean",
    ]
    .map(String::from)
    .into();
    if c.scripts {
        rules.insert("validate".into());
    }
    for p in c.platforms() {
        rules.insert(format!("docker-build-{}", App::slug(p)));
    }
    for app in &c.apps {
        for what in ["build-local", "build-multi", "push-multi", "test-multi", "inspect"] {
            rules.insert(format!("docker-{what}-{}", app.name));
        }
        for p in &app.platforms {
            rules.insert(format!("docker-build-{}-{}", App::slug(p), app.name));
        }
    }
    rules
}

fn piped(cmd: &mut Command, stdin: &str) -> std::process::Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    let mut input = child.stdin.take().expect("piped stdin");
    // A write error means the program stopped reading early; its exit status tells why.
    let _ = input.write_all(stdin.as_bytes());
    drop(input);
    child.wait_with_output().expect("the program ends")
}

fn bash_n(path: &str, script: &str) {
    let out = piped(Command::new("bash").arg("-n"), script);
    assert!(out.status.success(), "{path}: bash -n: {}", String::from_utf8_lossy(&out.stderr));
}

/// The arguments each `check_app` line of `validate-multiarch.sh` passes, as bash parses them.
fn validate_calls(script: &str) -> Vec<Vec<String>> {
    let calls: String =
        script.lines().filter(|l| l.trim_start().starts_with("check_app ")).map(|l| l.to_string() + "\n").collect();
    let program =
        format!("check_app() {{ printf '%s\\n' '@@call' \"$@\"; }}\nimage_ref() {{ printf '%s' \"$1\"; }}\n{calls}");
    let out = piped(Command::new("bash").arg("-s"), &program);
    assert!(out.status.success(), "bash: {}", String::from_utf8_lossy(&out.stderr));
    split_calls(&String::from_utf8(out.stdout).expect("UTF-8"))
}

/// Splits `@@call`-separated output lines (no value holds a newline: every one refuses it).
fn split_calls(out: &str) -> Vec<Vec<String>> {
    let mut calls: Vec<Vec<String>> = Vec::new();
    for line in out.split_terminator('\n') {
        if line == "@@call" {
            calls.push(Vec::new());
        } else if let Some(call) = calls.last_mut() {
            call.push(line.to_string());
        }
    }
    calls
}

fn check_scripts(c: &Config, files: &[GeneratedFile]) {
    for f in files.iter().filter(|f| f.path.starts_with("scripts/")) {
        assert!(f.executable, "{} is not executable", f.path);
        assert!(f.contents.starts_with("#!/usr/bin/env bash\n"));
        bash_n(&f.path, &f.contents);
    }
    let calls = validate_calls(file(files, "scripts/validate-multiarch.sh"));
    let expected: Vec<Vec<String>> = c
        .apps
        .iter()
        .map(|a| {
            let mut call = vec![a.name.clone(), a.image_name().to_string(), a.platforms.join(",")];
            call.extend(a.smoke());
            call
        })
        .collect();
    assert_eq!(calls, expected, "validate-multiarch.sh check_app arguments");
}

/// Braces and brackets outside strings balance; one `target "<app>"` block per app.
fn check_bake(c: &Config, text: &str) {
    let (mut depth, mut brackets, mut in_string, mut escaped) = (0i64, 0i64, false, false);
    for ch in text.chars() {
        match (in_string, ch) {
            (true, '\\') if !escaped => {
                escaped = true;
                continue;
            }
            (true, '"') if !escaped => in_string = false,
            (false, '"') => in_string = true,
            (false, '{') => depth += 1,
            (false, '}') => depth -= 1,
            (false, '[') => brackets += 1,
            (false, ']') => brackets -= 1,
            _ => {}
        }
        escaped = false;
        assert!(depth >= 0 && brackets >= 0, "closing more than was opened");
    }
    assert!(depth == 0 && brackets == 0 && !in_string, "unbalanced: depth {depth}, brackets {brackets}");
    let targets: Vec<&str> = text.lines().filter(|l| l.starts_with("target ")).collect();
    let expected: Vec<String> = c.apps.iter().map(|a| format!("target \"{}\" {{", a.name)).collect();
    assert_eq!(targets, expected);
}

fn expected_paths(c: &Config) -> Vec<String> {
    let mut paths: Vec<String> = c.apps.iter().map(|a| c.dockerfile(a)).collect();
    if c.dockerignore {
        paths.push(".dockerignore".into());
    }
    paths.extend(["Makefile".into(), "compose.yaml".into()]);
    if c.scripts {
        paths.extend(["scripts/detect-platform.sh".into(), "scripts/validate-multiarch.sh".into()]);
    }
    if c.bake {
        paths.push("docker-bake.hcl".into());
    }
    if c.workflow_on {
        paths.push(c.workflow_path());
    }
    paths
}

/// Every check of a rendered set against the config it came from.
fn check_rendered(c: &Config, files: &[GeneratedFile]) {
    let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(paths, expected_paths(c));
    for f in files {
        assert!(f.contents.ends_with('\n') && !f.contents.ends_with("\n\n"), "{}: not one final newline", f.path);
        assert!(f.contents.contains("# Generated by mkmulti"), "{}: no header", f.path);
    }
    for app in &c.apps {
        check_dockerfile(c, app, file(files, &c.dockerfile(app)));
    }
    let makefile = file(files, "Makefile");
    let expected = expected_make_rules(c);
    let written: BTreeSet<String> = make_rules(makefile).into_iter().collect();
    assert_eq!(written, expected, "Makefile rules");
    assert_eq!(make_database(makefile), expected, "the rules GNU make reads");
    check_compose(c, file(files, "compose.yaml"));
    if c.scripts {
        check_scripts(c, files);
    }
    if c.bake {
        check_bake(c, file(files, "docker-bake.hcl"));
    }
    if c.workflow_on {
        check_workflow(c, file(files, &c.workflow_path()));
    }
}

#[test]
fn every_valid_config_renders_files_that_parse() {
    let (cases, accepted) = (Cell::new(0u32), Cell::new(0u32));
    let first_refusal = std::cell::RefCell::new(None);
    run(64, config(), |c| {
        cases.set(cases.get() + 1);
        let files = match load(&c) {
            Ok(files) => files,
            Err(messages) => {
                first_refusal.borrow_mut().get_or_insert_with(|| format!("{c:?}\n{}", messages.concat()));
                return Err(TestCaseError::reject("refused"));
            }
        };
        accepted.set(accepted.get() + 1);
        check_rendered(&c, &files);
        Ok(())
    });
    // The generator follows mkmulti's rules; a config it builds being refused is a disagreement to look at.
    assert!(
        accepted.get() * 10 >= cases.get() * 9,
        "only {} of {} generated configs were accepted; the first refused:\n{}",
        accepted.get(),
        cases.get(),
        first_refusal.borrow().as_deref().unwrap_or("")
    );
}

/// Pieces of hostile strings that every free-text field must take: quoting and expansion of every sink,
/// comment starters, template delimiters, option-like words, YAML specials, non-ASCII.
const PRINTABLE_ATOMS: &[&str] = &[
    "'", "\"", "`", "$", "$(", "${", "}}", "%{", "#", ";", "&&", "|", "\\", "-", "--", "-rf", " ", "a", "x y", "é",
    "日本", "😀", "\u{2028}", "\u{2029}", "{{", "{%", "[[", "[%", "$$", "*", "&x", "no", "0755", ": ", "- ", "]", "[",
    "\", \"", "${HOME}", "$(id)", "`id`", "'\\''", "%s", "\\u0000", "=", ",", "~", "\\\"", "\\$", "\u{A0}",
];

/// Pieces every value must be refused for: line breaks and other control characters, bidi and zero-width
/// characters, a GitHub expression opener.
const REFUSED_ATOMS: &[&str] = &[
    "\n",
    "\r",
    "\t",
    "\r\n",
    "\\\n",
    "\0",
    "\u{1B}[31m",
    "\u{7F}",
    "\u{85}",
    "\u{202E}",
    "\u{200B}",
    "\u{2066}",
    "\u{FEFF}",
    "${{",
];

fn hostile() -> impl Strategy<Value = String> {
    let any_atom = select([PRINTABLE_ATOMS, REFUSED_ATOMS].concat());
    prop_oneof![
        6 => vec(select(PRINTABLE_ATOMS), 1..6).prop_map(|v| v.concat()),
        3 => vec(any_atom, 1..6).prop_map(|v| v.concat()),
        2 => "\\PC{0,24}",
        1 => "(?s).{0,16}",
        1 => (select(PRINTABLE_ATOMS), 200usize..3000).prop_map(|(a, n)| a.repeat(n)),
        1 => (select(REFUSED_ATOMS), 1usize..3000).prop_map(|(a, n)| a.repeat(n)),
    ]
}

/// A field that takes a string, and where the hostile value goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    // Free text: only control, bidi and zero-width characters and `${{` are refused.
    Description,
    EnvValue,
    BuildArgValue,
    ComposeEnvValue,
    Arg,
    SmokeTestWord,
    HealthcheckWord,
    // Checked against a grammar.
    HealthcheckFirstWord,
    HealthcheckInterval,
    Source,
    License,
    Namespace,
    User,
    Bin,
    Image,
    RuntimeImage,
    BuilderImage,
    StopSignal,
    Volume,
    Package,
    GoMain,
    GoVersion,
    GoVersionPackage,
    GoLdflag,
    GoTag,
    RustPackage,
    RustVersion,
    RustProfile,
    RustFeature,
    Branch,
    TagPattern,
    UsernameSecret,
    PasswordSecret,
}

impl Field {
    fn free_text(self) -> bool {
        use Field::*;
        matches!(self, Description | EnvValue | BuildArgValue | ComposeEnvValue | Arg | SmokeTestWord | HealthcheckWord)
    }

    /// The fields a base config has room for (language, runtime). Free-text fields come three times: most
    /// hostile strings get through them, so they are where structure is compared.
    fn all_for(c: &Config) -> Vec<Field> {
        use Field::*;
        let app = &c.apps[0];
        let free = [Description, EnvValue, BuildArgValue, ComposeEnvValue, Arg, SmokeTestWord, HealthcheckWord];
        let mut fields: Vec<Field> = free.iter().chain(&free).chain(&free).copied().collect();
        fields.extend([
            HealthcheckFirstWord,
            HealthcheckInterval,
            Source,
            License,
            Namespace,
            User,
            Bin,
            Image,
            BuilderImage,
            StopSignal,
            Volume,
            Branch,
            TagPattern,
            UsernameSecret,
            PasswordSecret,
        ]);
        if app.base().image.is_some() {
            fields.push(RuntimeImage);
        }
        if app.base().package_manager.is_some() {
            fields.push(Package);
        }
        if app.go {
            fields.extend([GoMain, GoVersion, GoVersionPackage, GoLdflag, GoTag]);
        } else {
            fields.extend([RustPackage, RustVersion, RustProfile, RustFeature]);
        }
        fields
    }

    /// A value the field accepts, put in the place the hostile one takes.
    fn benign(self, c: &Config) -> String {
        use Field::*;
        let app = &c.apps[0];
        match self {
            Description => "A plain description",
            EnvValue | BuildArgValue | ComposeEnvValue | Arg | SmokeTestWord | HealthcheckWord => "plain",
            HealthcheckFirstWord => "/bin/true",
            HealthcheckInterval => "30s",
            Source => "https://example.com/plain",
            License => "MIT",
            Namespace => "plain-team",
            User => "plain",
            Bin => "plainbin",
            Image => "plain/image-0",
            RuntimeImage => app.base().image.expect("only offered for runtimes with an image"),
            BuilderImage => {
                if app.go {
                    "golang:1.25-bookworm"
                } else {
                    "rust:1-bookworm"
                }
            }
            StopSignal => "SIGINT",
            Volume => "/plain/data",
            Package => "curl",
            GoMain => "./cmd/plain",
            GoVersion => "1.25",
            GoVersionPackage => "main",
            GoLdflag => "-X",
            GoTag => "plain",
            RustPackage => "plain",
            RustVersion => "1",
            RustProfile => "release",
            RustFeature => "plain",
            Branch => "plain",
            TagPattern => "v*",
            UsernameSecret => "PLAIN_USER",
            PasswordSecret => "PLAIN_PASS",
        }
        .to_string()
    }

    /// Puts `value` into the field (of app 0); returns the key paths a refusal may name.
    fn set(self, c: &mut Config, value: String) -> Vec<String> {
        let path = self.put(c, value);
        if self == Field::Bin
            && c.apps[0].healthcheck.as_ref().is_some_and(|h| Some(&h.command[0]) == c.apps[0].bin.as_ref())
        {
            return vec![path, "app[0].healthcheck.command[0]".into()];
        }
        vec![path]
    }

    fn put(self, c: &mut Config, value: String) -> String {
        use Field::*;
        let app = &mut c.apps[0];
        let push = |list: &mut Vec<String>, value: String, path: &str| {
            list.push(value);
            format!("{path}[{}]", list.len() - 1)
        };
        let one = |slot: &mut Option<String>, value: String, path: &str| {
            *slot = Some(value);
            path.to_string()
        };
        match self {
            Description => one(&mut c.description, value, "project.description"),
            Source => one(&mut c.source, value, "project.source"),
            License => one(&mut c.license, value, "project.license"),
            Namespace => one(&mut c.namespace, value, "registry.namespace"),
            EnvValue => {
                app.env.push(("HOSTILE_VALUE".into(), value));
                "app[0].env.HOSTILE_VALUE".into()
            }
            BuildArgValue => {
                app.build_args.push(("HOSTILE_ARG".into(), value));
                "app[0].build-args.HOSTILE_ARG".into()
            }
            ComposeEnvValue => {
                app.compose_env.push(("HOSTILE_VALUE".into(), value));
                "app[0].compose.environment.HOSTILE_VALUE".into()
            }
            Arg => push(&mut app.args, value, "app[0].args"),
            SmokeTestWord => {
                let mut smoke = app.smoke();
                let path = push(&mut smoke, value, "app[0].smoke-test");
                app.smoke_test = Some(smoke);
                path
            }
            HealthcheckWord | HealthcheckFirstWord | HealthcheckInterval => {
                let bin = app.bin().to_string();
                let h = app.healthcheck.get_or_insert_with(|| Health {
                    command: vec![bin],
                    interval: "30s".into(),
                    retries: 3,
                });
                match self {
                    HealthcheckWord => push(&mut h.command, value, "app[0].healthcheck.command"),
                    HealthcheckFirstWord => {
                        h.command[0] = value;
                        "app[0].healthcheck.command[0]".into()
                    }
                    _ => {
                        h.interval = value;
                        "app[0].healthcheck.interval".into()
                    }
                }
            }
            User => one(&mut app.user, value, "app[0].user"),
            Bin => {
                // A health check that runs the binary follows it to its new name.
                let old = app.bin().to_string();
                if let Some(h) = app.healthcheck.as_mut().filter(|h| h.command[0] == old) {
                    h.command[0] = value.clone();
                }
                app.bin = Some(value);
                "app[0].bin".into()
            }
            Image => one(&mut app.image, value, "app[0].image"),
            RuntimeImage => one(&mut app.runtime_image, value, "app[0].runtime-image"),
            BuilderImage => one(&mut app.builder_image, value, "app[0].builder-image"),
            StopSignal => one(&mut app.stop_signal, value, "app[0].stop-signal"),
            Volume => push(&mut app.volumes, value, "app[0].volumes"),
            Package => push(&mut app.packages, value, "app[0].packages"),
            GoMain => one(&mut app.go_extras.main, value, "app[0].main"),
            GoVersion => one(&mut app.go_extras.version, value, "app[0].go.version"),
            GoVersionPackage => one(&mut app.go_extras.version_package, value, "app[0].go.version-package"),
            GoLdflag => push(&mut app.go_extras.ldflags, value, "app[0].go.ldflags"),
            GoTag => push(&mut app.go_extras.tags, value, "app[0].go.tags"),
            RustPackage => one(&mut app.rust_extras.package, value, "app[0].package"),
            RustVersion => one(&mut app.rust_extras.version, value, "app[0].rust.version"),
            RustProfile => one(&mut app.rust_extras.profile, value, "app[0].rust.profile"),
            RustFeature => push(&mut app.rust_extras.features, value, "app[0].rust.features"),
            Branch => push(&mut c.branches, value, "ci.branches"),
            TagPattern => one(&mut c.tag_pattern, value, "ci.tag-pattern"),
            UsernameSecret => one(&mut c.username_secret, value, "ci.username-secret"),
            PasswordSecret => one(&mut c.password_secret, value, "ci.password-secret"),
        }
    }
}

/// Characters GRAMMARS.md says no value may hold: control, bidi and zero-width.
fn forbidden(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

/// Per file: its line count and its structure as its own reader sees it.
fn shapes(c: &Config, files: &[GeneratedFile]) -> BTreeMap<String, String> {
    files
        .iter()
        .map(|f| {
            let text = &f.contents;
            let mut shape = format!("{} lines; ", text.split('\n').count());
            if f.path.starts_with("Dockerfile") {
                shape.push_str(&dockerfile_shape(text));
            } else if f.path == "compose.yaml" || f.path == c.workflow_path() {
                yaml_shape(&yaml(text), &mut shape);
                let _ = write!(shape, "; {} `${{{{`", text.matches("${{").count());
            } else if f.path == "Makefile" {
                let _ = write!(
                    shape,
                    "rules {:?}; {} recipe lines",
                    make_rules(text),
                    text.lines().filter(|l| l.starts_with('\t')).count()
                );
            } else if f.path == "docker-bake.hcl" {
                let _ = write!(shape, "{} targets", text.lines().filter(|l| l.starts_with("target ")).count());
            }
            (f.path.clone(), shape)
        })
        .collect()
}

/// A base config with one field set to a hostile value: the value alone, or spliced into a value the field
/// accepts (so grammar-checked fields see near misses, not only garbage).
fn hostile_case() -> impl Strategy<Value = (Config, Field, String)> {
    config().prop_flat_map(|c| {
        let fields = Field::all_for(&c);
        (Just(c), select(fields), hostile(), option::of(any::<Index>())).prop_map(|(c, field, hostile, splice)| {
            let value = match splice {
                Some(at) => {
                    let benign = field.benign(&c);
                    let cut = benign.char_indices().map(|(i, _)| i).nth(at.index(benign.chars().count() + 1));
                    let cut = cut.unwrap_or(benign.len());
                    format!("{}{hostile}{}", &benign[..cut], &benign[cut..])
                }
                None => hostile,
            };
            (c, field, value)
        })
    })
}

#[test]
fn hostile_strings_never_change_structure() {
    let (cases, rendered) = (Cell::new(0u32), Cell::new(0u32));
    run(96, hostile_case(), |(base, field, value)| {
        let mut benign = base.clone();
        field.set(&mut benign, field.benign(&base));
        let Ok(baseline) = load(&benign) else {
            return Err(TestCaseError::reject("the base config is refused"));
        };
        cases.set(cases.get() + 1);
        let mut c = base.clone();
        let paths = field.set(&mut c, value.clone());
        let bad_char = value.chars().find(|ch| forbidden(*ch));
        match load(&c) {
            Err(messages) => {
                let errors: Vec<&String> = messages.iter().filter(|m| m.starts_with("error: ")).collect();
                assert!(!errors.is_empty(), "refused without an error: {messages:?}");
                for e in &errors {
                    let about = paths.iter().any(|p| e.contains(&format!("= key: {p}\n")));
                    assert!(about, "{field:?}: an error not about {paths:?}:\n{e}");
                }
                if let Some(ch) = bad_char {
                    let named = errors.iter().any(|e| {
                        value.chars().filter(|c| forbidden(*c)).any(|c| e.contains(&format!("U+{:04X}", c as u32)))
                    });
                    assert!(named, "{field:?}: {ch:?} refused without naming its code point: {errors:?}");
                } else if value.contains("${{") {
                    assert!(errors.iter().any(|e| e.contains("`${{`")), "{errors:?}");
                } else {
                    assert!(!field.free_text(), "{field:?} is free text, yet {value:?} was refused: {errors:?}");
                }
            }
            Ok(files) => {
                assert!(bad_char.is_none(), "{field:?}: {bad_char:?} was accepted");
                assert!(!value.contains("${{"), "{field:?}: `${{{{` was accepted");
                rendered.set(rendered.get() + 1);
                let (before, after) = (shapes(&benign, &baseline), shapes(&c, &files));
                if field == Field::Description && value.is_empty() {
                    // An empty description is no description: the label line goes, nothing else moves.
                    assert_eq!(before.keys().collect::<Vec<_>>(), after.keys().collect::<Vec<_>>());
                } else {
                    for (path, shape) in &before {
                        assert_eq!(Some(shape), after.get(path), "{field:?}: the structure of {path} changed");
                    }
                    assert_eq!(before.len(), after.len());
                }
                check_rendered(&c, &files);
            }
        }
        Ok(())
    });
    // Most hostile values are refused; enough must get through for the structure comparison to mean something.
    assert!(rendered.get() * 5 >= cases.get(), "only {} of {} hostile configs rendered", rendered.get(), cases.get());
}

/// The words `make docker-test-multi-<app>` passes to `docker run` after the image, with `$(DOCKER)` a
/// printf that prints each argument on a line of its own.
fn make_smoke_words(makefile: &str, app: &App) -> Vec<Vec<String>> {
    let out = piped(
        Command::new("make")
            .args(["-f", "-", "--no-print-directory", &format!("docker-test-multi-{}", app.name)])
            .args(["DOCKER=printf '%s\\n' @@call", "TAG=t", "VERSION=v1.2.3", "SHORT_SHA=abc1234"])
            .args(["COMMIT=c", "BUILD_DATE=d"])
            .env_remove("MAKEFLAGS"),
        makefile,
    );
    assert!(out.status.success(), "make: {}", String::from_utf8_lossy(&out.stderr));
    // The recipe's own `== <app> on <platform>` lines are not docker's.
    let stdout = String::from_utf8(out.stdout).expect("UTF-8");
    let docker_only: String = stdout
        .split_terminator('\n')
        .filter(|l| !app.platforms.iter().any(|p| *l == format!("== {} on {p}", app.name)))
        .map(|l| format!("{l}\n"))
        .collect();
    split_calls(&docker_only)
        .into_iter()
        .map(|call| {
            let image = call.iter().position(|w| w.ends_with(":t")).expect("the image reference");
            call[image + 1..].to_vec()
        })
        .collect()
}

#[test]
fn make_recipes_pass_smoke_test_words_unchanged() {
    let words = vec(prop_oneof![3 => text(8), 1 => Just("#".to_string()), 1 => Just("$x#y".to_string())], 0..4);
    run(24, (config(), words), |(mut c, words)| {
        c.apps[0].smoke_test = Some(words.clone());
        let Ok(files) = load(&c) else { return Err(TestCaseError::reject("refused")) };
        let calls = make_smoke_words(file(&files, "Makefile"), &c.apps[0]);
        assert_eq!(calls.len(), c.apps[0].platforms.len());
        for call in calls {
            assert_eq!(call, words, "docker run arguments after the image");
        }
        Ok(())
    });
}

#[test]
fn exec_form_keeps_every_word_as_written() {
    let word = prop_oneof![
        2 => vec(select(PRINTABLE_ATOMS), 0..3).prop_map(|v| v.concat()),
        1 => Just(",".to_string()),
        1 => vec(select(PRINTABLE_ATOMS), 0..3).prop_map(|v| v.concat() + "\","),
    ];
    run(24, (config(), vec(word, 1..4)), |(mut c, words)| {
        c.apps[0].args = words.clone();
        let Ok(files) = load(&c) else { return Err(TestCaseError::reject("refused")) };
        let dockerfile = instructions(file(&files, &c.dockerfile(&c.apps[0])));
        let cmd = dockerfile.iter().rfind(|i| i.keyword == "CMD").expect("a CMD");
        assert_eq!(exec_form(&cmd.rest), words, "CMD {}", cmd.rest);
        Ok(())
    });
}

#[test]
fn compose_keeps_values_with_line_separators() {
    let value = vec(select(vec![" ", "a", "\u{2028}", "\u{2029}", "\\", "$"]), 1..6).prop_map(|v| v.concat());
    run(24, (config(), value), |(mut c, value)| {
        c.apps[0].compose_env.push(("LS_VALUE".into(), value.clone()));
        let Ok(files) = load(&c) else { return Err(TestCaseError::reject("refused")) };
        let doc = yaml(file(&files, "compose.yaml"));
        let got = at(&doc, &["services", &c.apps[0].name, "environment", "LS_VALUE"]).as_str();
        assert_eq!(got, Some(compose_literal(&value).as_str()));
        Ok(())
    });
}
