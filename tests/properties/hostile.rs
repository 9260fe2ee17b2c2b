//! Hostile strings and where they go: the atoms every free-text field must take and those every value must be
//! refused for, the [`Field`]s a hostile value can be put into (with a benign value for each and the key paths a
//! refusal may name), and the strategy for a base config with one field made hostile.

use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::sample::{Index, select};

use super::model::{Config, Health, Secret};
use super::strategies::config;

/// Pieces of hostile strings that every free-text field must take: quoting and expansion of every sink,
/// comment starters, template delimiters, option-like words, YAML specials, non-ASCII.
pub(super) const PRINTABLE_ATOMS: &[&str] = &[
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
pub(super) enum Field {
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
    BuildPackage,
    RuntimeLibrary,
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
    // `[build]`: a secret's sources and mount, a known host, the mirrors.
    SecretFile,
    SecretEnv,
    SecretTarget,
    SecretBuildEnv,
    KnownHost,
    Goproxy,
    CargoMirror,
    // Paths of files mkmulti writes.
    MakefilePath,
    Dockerfile,
}

impl Field {
    /// The value names a file: a config that takes it writes that file at another path than the benign one.
    pub(super) fn names_a_file(self) -> bool {
        matches!(self, Field::MakefilePath | Field::Dockerfile)
    }

    pub(super) fn free_text(self) -> bool {
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
            MakefilePath,
            Dockerfile,
            SecretFile,
            SecretEnv,
            SecretTarget,
            SecretBuildEnv,
            KnownHost,
            Goproxy,
            CargoMirror,
        ]);
        if app.base().image.is_some() {
            fields.push(RuntimeImage);
        }
        if app.base().package_manager.is_some() {
            fields.push(Package);
        }
        if app.glibc {
            fields.extend([BuildPackage, RuntimeLibrary]);
        }
        if app.go {
            fields.extend([GoMain, GoVersion, GoVersionPackage, GoLdflag, GoTag]);
        } else {
            fields.extend([RustPackage, RustVersion, RustProfile, RustFeature]);
        }
        fields
    }

    /// A value the field accepts, put in the place the hostile one takes.
    pub(super) fn benign(self, c: &Config) -> String {
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
            BuildPackage => "zlib1g-dev",
            RuntimeLibrary => "libstdc++6",
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
            MakefilePath => "plain.mk",
            Dockerfile => "Dockerfile.plain",
            SecretFile => "certs/plain.pem",
            SecretEnv => "PLAIN_TOKEN",
            SecretTarget => "/root/.plain",
            SecretBuildEnv => "PLAIN_TOKEN",
            KnownHost => "git.example.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMq",
            Goproxy => "https://goproxy.example.com,direct",
            CargoMirror => "sparse+https://crates.example.com/index/",
        }
        .to_string()
    }

    /// Puts `value` into the field (of app 0); returns the key paths a refusal may name.
    pub(super) fn set(self, c: &mut Config, value: String) -> Vec<String> {
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
                let mut smoke = app.smoke().1;
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
            BuildPackage => push(&mut app.build_packages, value, "app[0].build-packages"),
            RuntimeLibrary => push(&mut app.runtime_libraries, value, "app[0].runtime-libraries"),
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
            MakefilePath => one(&mut c.makefile_path, value, "output.makefile-path"),
            SecretFile | SecretEnv | SecretTarget | SecretBuildEnv => {
                let b = &mut c.build;
                if !b.secrets.iter().any(|s| s.id == "hostile") {
                    b.secrets.push(Secret { id: "hostile".into(), ..Secret::default() });
                }
                let s = b.secrets.iter_mut().find(|s| s.id == "hostile").expect("pushed");
                let (slot, key) = match self {
                    SecretFile => (&mut s.file, "file"),
                    SecretEnv => (&mut s.env, "env"),
                    SecretTarget => (&mut s.target, "target"),
                    _ => (&mut s.build_env, "build-env"),
                };
                *slot = Some(value);
                // A file secret has no `env` and the reverse: keep the other source out.
                match self {
                    SecretFile => s.env = None,
                    SecretEnv => s.file = None,
                    _ => {}
                }
                // A `CARGO_` variable alone would scope the secret to Rust apps, which the config may not have.
                s.languages = vec!["go", "rust"];
                format!("build.secrets.hostile.{key}")
            }
            KnownHost => {
                c.build.ssh = true;
                push(c.build.known_hosts.get_or_insert_with(Vec::new), value, "build.ssh-known-hosts")
            }
            Goproxy => one(&mut c.build.goproxy, value, "build.goproxy"),
            CargoMirror => one(&mut c.build.cargo_mirror, value, "build.cargo-mirror"),
            Dockerfile => one(&mut app.dockerfile, value, "app[0].dockerfile"),
        }
    }
}

/// Characters GRAMMARS.md says no value may hold: control, bidi and zero-width.
pub(super) fn forbidden(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

/// A base config with one field set to a hostile value: the value alone, or spliced into a value the field
/// accepts (so grammar-checked fields see near misses, not only garbage).
pub(super) fn hostile_case() -> impl Strategy<Value = (Config, Field, String)> {
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
