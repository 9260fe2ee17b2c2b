//! The config model the properties are stated over: a config ([`Config`]) of up to three apps ([`App`]), small
//! enough to build by strategy and to mutate one field at a time, and the `multiarch.toml` it writes. The TOML
//! is what mkmulti loads, and what a failure prints.

use std::fmt::{self, Write as _};

use mkmulti::config::Runtime;

pub(super) const RUNTIMES: &[(&str, Runtime)] = &[
    ("scratch", Runtime::Scratch),
    ("distroless", Runtime::Distroless),
    ("distroless-static", Runtime::DistrolessStatic),
    ("distroless-cc", Runtime::DistrolessCc),
    ("alpine", Runtime::Alpine),
    ("debian-slim", Runtime::DebianSlim),
];

#[derive(Debug, Clone)]
pub(super) struct Health {
    pub(super) command: Vec<String>,
    pub(super) interval: String,
    pub(super) retries: u32,
}

#[derive(Debug, Clone, Default)]
pub(super) struct GoExtras {
    pub(super) main: Option<String>,
    pub(super) version: Option<String>,
    pub(super) version_package: Option<String>,
    pub(super) ldflags: Vec<String>,
    pub(super) tags: Vec<String>,
    pub(super) goamd64: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub(super) struct RustExtras {
    pub(super) package: Option<String>,
    pub(super) version: Option<String>,
    pub(super) profile: Option<String>,
    pub(super) features: Vec<String>,
    pub(super) no_default_features: bool,
    pub(super) chef: bool,
}

#[derive(Debug, Clone)]
pub(super) struct App {
    pub(super) name: String,
    pub(super) go: bool,
    /// Go: cgo; Rust: glibc (not musl).
    pub(super) glibc: bool,
    pub(super) runtime: usize,
    /// Canonical platforms, and how the config spells each.
    pub(super) platforms: Vec<&'static str>,
    pub(super) spelled: Vec<String>,
    /// The app names its platforms itself (app 0 may inherit `project.platforms`).
    pub(super) explicit_platforms: bool,
    pub(super) init: bool,
    pub(super) bin: Option<String>,
    pub(super) image: Option<String>,
    pub(super) user: Option<String>,
    pub(super) uid: Option<u32>,
    pub(super) runtime_image: Option<String>,
    pub(super) builder_image: Option<String>,
    /// A Dockerfile path of the app's own choosing (`dockerfile`).
    pub(super) dockerfile: Option<String>,
    pub(super) ports: Vec<u16>,
    pub(super) env: Vec<(String, String)>,
    pub(super) build_args: Vec<(String, String)>,
    pub(super) compose_env: Vec<(String, String)>,
    pub(super) restart: Option<&'static str>,
    pub(super) volumes: Vec<String>,
    pub(super) args: Vec<String>,
    pub(super) healthcheck: Option<Health>,
    pub(super) smoke_test: Option<Vec<String>>,
    pub(super) smoke_mode: Option<&'static str>,
    pub(super) packages: Vec<String>,
    /// Debian names, distinct; only for a binary that links glibc (cgo, Rust gnu).
    pub(super) build_packages: Vec<String>,
    pub(super) runtime_libraries: Vec<String>,
    pub(super) stop_signal: Option<String>,
    pub(super) tzdata: bool,
    pub(super) go_extras: GoExtras,
    pub(super) rust_extras: RustExtras,
}

impl App {
    pub(super) fn bin(&self) -> &str {
        self.bin.as_deref().unwrap_or(&self.name)
    }
    pub(super) fn image_name(&self) -> &str {
        self.image.as_deref().unwrap_or(&self.name)
    }
    /// The smoke mode and the words the validate script passes: a service (ports or a health check) without
    /// smoke words is started as a server with its own arguments; anything else runs `--version` unless told.
    pub(super) fn smoke(&self) -> (&'static str, Vec<String>) {
        let service = !self.ports.is_empty() || self.healthcheck.is_some();
        let mode = self.smoke_mode.unwrap_or(if service && self.smoke_test.is_none() { "server" } else { "command" });
        let words = match (mode, &self.smoke_test) {
            ("off", _) => Vec::new(),
            (_, Some(words)) => words.clone(),
            ("server", None) => self.args.clone(),
            _ => vec!["--version".into()],
        };
        (mode, words)
    }
    fn runtime(&self) -> Runtime {
        RUNTIMES[self.runtime].1
    }
    pub(super) fn base(&self) -> mkmulti::images::RuntimeBase {
        mkmulti::images::runtime_base(self.runtime(), self.glibc)
    }
    pub(super) fn slug(oci: &str) -> String {
        oci.trim_start_matches("linux/").replace('/', "")
    }
}

/// One `[build.secrets.<id>]`: from an environment variable or a file, optionally scoped to one app.
#[derive(Debug, Clone, Default)]
pub(super) struct Secret {
    pub(super) id: String,
    pub(super) env: Option<String>,
    pub(super) file: Option<String>,
    pub(super) target: Option<String>,
    pub(super) build_env: Option<String>,
    pub(super) ci_secret: Option<String>,
    pub(super) required: bool,
    /// `apps = [<the name of this app>]`.
    pub(super) app: Option<usize>,
    /// `languages = [...]`.
    pub(super) languages: Vec<&'static str>,
}

/// The `[build]` table: secrets, SSH, the CA secret and mirrors.
#[derive(Debug, Clone, Default)]
pub(super) struct Build {
    pub(super) secrets: Vec<Secret>,
    /// `ca-secret` names the first secret.
    pub(super) ca: bool,
    pub(super) ssh: bool,
    pub(super) ssh_ci_secret: Option<String>,
    pub(super) known_hosts: Option<Vec<String>>,
    pub(super) goproxy: Option<String>,
    pub(super) gosumdb: Option<String>,
    pub(super) goprivate: Vec<String>,
    pub(super) cargo_mirror: Option<String>,
}

#[derive(Clone)]
pub(super) struct Config {
    pub(super) version: bool,
    pub(super) name: String,
    pub(super) description: Option<String>,
    pub(super) source: Option<String>,
    pub(super) license: Option<String>,
    pub(super) host: &'static str,
    pub(super) namespace: Option<String>,
    pub(super) tags: [bool; 4],
    pub(super) apps: Vec<App>,
    pub(super) native: bool,
    pub(super) pin_tag: bool,
    pub(super) validate: bool,
    pub(super) pull_requests: bool,
    pub(super) cache: bool,
    pub(super) branches: Vec<String>,
    pub(super) tag_pattern: Option<String>,
    pub(super) username_secret: Option<String>,
    pub(super) password_secret: Option<String>,
    pub(super) workflow: Option<&'static str>,
    pub(super) timeout: u32,
    pub(super) scripts: bool,
    pub(super) workflow_on: bool,
    pub(super) bake: bool,
    pub(super) syntax: bool,
    pub(super) dockerignore: bool,
    /// `output.makefile-path`, when not the default `Makefile`.
    pub(super) makefile_path: Option<String>,
    pub(super) build: Build,
}

impl Config {
    pub(super) fn dockerfile(&self, app: &App) -> String {
        match &app.dockerfile {
            Some(path) => path.clone(),
            None if self.apps.len() == 1 => "Dockerfile".into(),
            None => format!("Dockerfile.{}", app.name),
        }
    }
    pub(super) fn makefile_path(&self) -> &str {
        self.makefile_path.as_deref().unwrap_or("Makefile")
    }
    /// The Makefile is written to be included (`docker-` before its generic target names).
    pub(super) fn included(&self) -> bool {
        self.makefile_path() != "Makefile"
    }
    /// A generic target's name: `help`, or `docker-help` in a Makefile to include.
    pub(super) fn target(&self, name: &str) -> String {
        if self.included() { format!("docker-{name}") } else { name.to_string() }
    }
    pub(super) fn workflow_path(&self) -> String {
        format!(".github/workflows/{}.yml", self.workflow.unwrap_or("docker"))
    }
    pub(super) fn validate_job(&self) -> bool {
        self.validate && self.scripts && self.workflow_on
    }
    /// Every platform any app builds for, in the platform table's order.
    pub(super) fn platforms(&self) -> Vec<&'static str> {
        mkmulti::platform::PLATFORMS
            .iter()
            .map(|p| p.oci)
            .filter(|oci| self.apps.iter().any(|a| a.platforms.contains(oci)))
            .collect()
    }

    pub(super) fn toml(&self) -> String {
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
            opt(&mut t, "dockerfile", &a.dockerfile);
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
            nonempty(&mut t, "build-packages", &a.build_packages);
            nonempty(&mut t, "runtime-libraries", &a.runtime_libraries);
            if let Some(s) = &a.smoke_test {
                kv(&mut t, "smoke-test", &list(s));
            }
            if let Some(m) = a.smoke_mode {
                kv(&mut t, "smoke-mode", &q(m));
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
        self.build_toml(&mut t);
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
        opt(&mut t, "makefile-path", &self.makefile_path);
        t
    }
}

impl Config {
    /// The ids of the secrets that reach app `i`: it is in the secret's `apps` (or that is left out) and of one of
    /// its `languages` (left out: Rust alone for a `CARGO_` variable, else both).
    pub(super) fn secrets_of(&self, i: usize) -> Vec<String> {
        let language = if self.apps[i].go { "go" } else { "rust" };
        self.build
            .secrets
            .iter()
            .filter(|s| s.app.is_none_or(|a| a == i))
            .filter(|s| match (&s.languages[..], s.build_env.as_deref()) {
                ([], Some(v)) if v.starts_with("CARGO_") => language == "rust",
                ([], _) => true,
                (l, _) => l.contains(&language),
            })
            .map(|s| s.id.clone())
            .collect()
    }

    fn build_toml(&self, t: &mut String) {
        let b = &self.build;
        t.push_str("\n[build]\n");
        if b.ssh {
            kv(t, "ssh", "true");
        }
        opt(t, "ssh-ci-secret", &b.ssh_ci_secret);
        if let Some(lines) = &b.known_hosts {
            kv(t, "ssh-known-hosts", &list(lines));
        }
        if let Some(first) = b.secrets.first().filter(|_| b.ca) {
            kv(t, "ca-secret", &q(&first.id));
        }
        opt(t, "goproxy", &b.goproxy);
        opt(t, "gosumdb", &b.gosumdb);
        nonempty(t, "goprivate", &b.goprivate);
        opt(t, "cargo-mirror", &b.cargo_mirror);
        for s in &b.secrets {
            let _ = writeln!(t, "\n[build.secrets.{}]", q(&s.id));
            opt(t, "env", &s.env);
            opt(t, "file", &s.file);
            opt(t, "target", &s.target);
            opt(t, "build-env", &s.build_env);
            opt(t, "ci-secret", &s.ci_secret);
            if s.required {
                kv(t, "required", "true");
            }
            if let Some(i) = s.app {
                kv(t, "apps", &list(std::slice::from_ref(&self.apps[i].name)));
            }
            if !s.languages.is_empty() {
                let languages: Vec<String> = s.languages.iter().map(|l| l.to_string()).collect();
                kv(t, "languages", &list(&languages));
            }
        }
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
