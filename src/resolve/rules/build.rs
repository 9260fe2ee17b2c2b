//! Rules for `[build]`: secret ids and where their values come from, the CA secret, and the mirrors' grammars.

use crate::config::defaults;
use crate::config::{RawBuild, RawConfig, RawSecret};
use crate::diagnostics::{Diagnostic, KeyPath};
use crate::grammar;
use crate::resolve::derive;
use crate::resolve::findings::{Findings, MAX_LIST};
use crate::suggest;

/// Every `[build]` rule.
pub fn build(raw: &RawConfig, f: &mut Findings) {
    let p = KeyPath::root().key("build");
    let b = &raw.build;
    secrets(&p.key("secrets"), b, f);
    secret_scopes(raw, &p.key("secrets"), f);
    ca_secret(&p, b, f);
    mirrors(&p, b, f);
    known_hosts(&p, b, f);
}

/// Each secret: its id, where its value comes from, and how the fetch steps see it; two ids may not share the
/// Makefile variable or default environment variable they become.
fn secrets(p: &KeyPath, b: &RawBuild, f: &mut Findings) {
    if b.secrets.len() > MAX_LIST {
        f.error(p.clone(), format!("too many secrets ({}, at most {MAX_LIST})", b.secrets.len()));
        return;
    }
    let mut idents: Vec<(String, &str)> = Vec::new();
    for (id, s) in &b.secrets {
        let at = p.key(id);
        if !f.check(&at, id, "secret id", grammar::secret_id) {
            continue;
        }
        let ident = derive::secret_ident(id);
        if let Some((_, other)) = idents.iter().find(|(i, _)| *i == ident) {
            f.error_help(
                at.clone(),
                format!("secrets `{other}` and `{id}` both become `{ident}` in the Makefile and the environment"),
                "rename one of them",
            );
        }
        idents.push((ident, id));
        secret(&at, s, f);
    }
}

fn secret(at: &KeyPath, s: &RawSecret, f: &mut Findings) {
    if let Some(env) = &s.env {
        f.check(&at.key("env"), env, "environment variable name", grammar::env_name);
    }
    if let Some(file) = &s.file {
        f.check(&at.key("file"), file, "secret file", grammar::secret_file);
    }
    if s.env.is_some() && s.file.is_some() {
        f.error_help(
            at.key("file"),
            "a secret comes from an environment variable or a file, not both",
            "keep `env` or `file`",
        );
    }
    if let Some(name) = &s.ci_secret {
        f.check(&at.key("ci-secret"), name, "secret name", grammar::secret_name);
    }
    if let Some(target) = &s.target {
        f.check(&at.key("target"), target, "secret target", grammar::container_path);
    }
    if let Some(name) = &s.build_env {
        let key = at.key("build-env");
        if f.check(&key, name, "environment variable name", grammar::env_name) && derive::is_reserved(name) {
            f.error_help(
                key,
                format!("`{name}` is a variable mkmulti's Dockerfiles set or read"),
                "pick another name for the secret's variable",
            );
        }
    }
}

/// Each secret's `apps` names apps of the config, and the secret reaches at least one app: a secret scoped to
/// nothing is a typo or a leftover.
fn secret_scopes(raw: &RawConfig, p: &KeyPath, f: &mut Findings) {
    let names: Vec<&str> = raw.app.iter().map(|a| a.name.as_str()).collect();
    for (id, s) in raw.build.secrets.iter().take(MAX_LIST) {
        let at = p.key(id);
        if s.apps.len() > MAX_LIST {
            f.error(at.key("apps"), format!("too many entries ({}, at most {MAX_LIST})", s.apps.len()));
            continue;
        }
        let mut known = true;
        for (i, name) in s.apps.iter().enumerate() {
            if names.contains(&name.as_str()) {
                continue;
            }
            known = false;
            let help = match suggest::closest(name, names.iter().copied()) {
                Some(near) => format!("did you mean `{near}`?"),
                None => format!("the apps are: {}", names.join(", ")),
            };
            f.error_help(at.key("apps").index(i), format!("secret `{id}` names no app `{}`", shown(name)), help);
        }
        if known && !raw.app.is_empty() && !raw.app.iter().any(|a| derive::secret_reaches(s, a)) {
            let languages: Vec<&str> = derive::secret_languages(s).iter().map(|l| l.name()).collect();
            f.error_help(
                at.clone(),
                format!("secret `{id}` reaches no app: none of its apps is written in {}", languages.join(" or ")),
                if s.languages.is_empty() && s.build_env.is_some() {
                    "a `build-env` starting with `CARGO_` is for Rust apps only: set `languages` to say otherwise"
                } else {
                    "fix `apps` or `languages`, or remove the secret"
                },
            );
        }
    }
}

/// An app name as a message shows it: cut short, so a huge value cannot flood the terminal.
fn shown(name: &str) -> String {
    name.chars().take(64).collect()
}

/// `ca-secret` names a declared secret.
fn ca_secret(p: &KeyPath, b: &RawBuild, f: &mut Findings) {
    let Some(id) = &b.ca_secret else { return };
    let at = p.key("ca-secret");
    if f.check(&at, id, "secret id", grammar::secret_id) && !b.secrets.contains_key(id) {
        let declared: Vec<&str> = b.secrets.keys().map(String::as_str).collect();
        f.error_help(
            at,
            format!("the CA secret `{id}` is not declared"),
            if declared.is_empty() {
                format!("declare it: `[build.secrets.{id}]` with `file = \"<path to the PEM bundle>\"`")
            } else {
                format!("declare `[build.secrets.{id}]`, or use one of: {}", declared.join(", "))
            },
        );
    }
}

/// The Go proxy settings and the crates.io mirror.
fn mirrors(p: &KeyPath, b: &RawBuild, f: &mut Findings) {
    if let Some(v) = &b.goproxy {
        f.check(&p.key("goproxy"), v, "GOPROXY", grammar::goproxy);
    }
    if let Some(v) = &b.gosumdb {
        f.check(&p.key("gosumdb"), v, "GOSUMDB", grammar::gosumdb);
    }
    f.check_list(&p.key("goprivate"), &b.goprivate, "module path pattern", grammar::go_module_glob);
    f.check_list(&p.key("gonosumdb"), &b.gonosumdb, "module path pattern", grammar::go_module_glob);
    if let Some(v) = &b.cargo_mirror {
        f.check(&p.key("cargo-mirror"), v, "crates.io mirror", grammar::cargo_mirror);
    }
    if let Some(v) = &b.ssh_ci_secret {
        f.check(&p.key("ssh-ci-secret"), v, "secret name", grammar::secret_name);
    }
}

/// `ssh-known-hosts`: each line a plain `known_hosts` line; without `ssh` nothing reads them (a warning: the
/// default written out, as `mkmulti init` shows it, is fine).
fn known_hosts(p: &KeyPath, b: &RawBuild, f: &mut Findings) {
    let Some(lines) = &b.ssh_known_hosts else { return };
    let at = p.key("ssh-known-hosts");
    f.check_list(&at, lines, "known_hosts line", grammar::ssh_known_host);
    if !b.ssh && lines.iter().map(String::as_str).ne(defaults::SSH_KNOWN_HOSTS.iter().copied()) {
        f.push(
            Diagnostic::warning(at, "`ssh-known-hosts` does nothing without `ssh = true`")
                .with_help("set `ssh = true`, or remove `ssh-known-hosts`"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resolve::rules::testing::{config, found};

    #[test]
    fn a_ca_secret_must_be_declared() {
        let raw = config("[build]\nca-secret = \"corp-ca\"\n");
        assert_eq!(found(&raw, build), ["the CA secret `corp-ca` is not declared"]);
        let raw = config("[build]\nca-secret = \"corp-ca\"\n[build.secrets.corp-ca]\nfile = \"ca.pem\"\n");
        assert!(found(&raw, build).is_empty());
    }

    /// A config with one Go app named `app` and the given `[build]` text.
    fn with_go_app(build: &str) -> RawConfig {
        config(&format!("[[app]]\nname = \"app\"\nlanguage = \"go\"\n{build}"))
    }

    #[test]
    fn a_secret_names_only_apps_of_the_config() {
        let raw = with_go_app("[build.secrets.t]\napps = [\"ap\", \"zzzzzz\"]\n");
        assert_eq!(found(&raw, build), ["secret `t` names no app `ap`", "secret `t` names no app `zzzzzz`"]);
        let raw = with_go_app("[build.secrets.t]\napps = [\"app\"]\n");
        assert!(found(&raw, build).is_empty());
    }

    #[test]
    fn a_secret_must_reach_some_app() {
        // The one app is Go: a cargo token reaches it only when `languages` says so.
        let raw = with_go_app("[build.secrets.t]\nbuild-env = \"CARGO_REGISTRIES_X_TOKEN\"\n");
        assert_eq!(found(&raw, build), ["secret `t` reaches no app: none of its apps is written in rust"]);
        let raw = with_go_app(
            "[build.secrets.t]\nbuild-env = \"CARGO_REGISTRIES_X_TOKEN\"\nlanguages = [\"go\", \"rust\"]\n",
        );
        assert!(found(&raw, build).is_empty());
        let raw = with_go_app("[build.secrets.t]\nlanguages = [\"rust\"]\n");
        assert_eq!(found(&raw, build), ["secret `t` reaches no app: none of its apps is written in rust"]);
    }

    #[test]
    fn secret_ids_and_sources_follow_their_grammars() {
        let raw = config("[build.secrets.Bad]\n[build.secrets.ok]\nfile = \"a,b\"\n");
        assert_eq!(found(&raw, build), ["invalid secret id `Bad`", "invalid secret file `a,b`"]);
        let raw = config("[build.secrets.x]\nenv = \"X\"\nfile = \"x\"\n");
        assert_eq!(found(&raw, build), ["a secret comes from an environment variable or a file, not both"]);
    }

    #[test]
    fn ids_that_become_one_variable_are_refused() {
        let raw = config("[build.secrets.a-b]\n[build.secrets.a_b]\n");
        assert_eq!(
            found(&raw, build),
            ["secrets `a-b` and `a_b` both become `A_B` in the Makefile and the environment"]
        );
    }

    #[test]
    fn a_secret_variable_cannot_take_a_name_the_dockerfiles_use() {
        for name in ["SSL_CERT_FILE", "CARGO_BUILD_TARGET", "GOPROXY"] {
            let raw = config(&format!("[build.secrets.t]\nbuild-env = \"{name}\"\n"));
            assert_eq!(found(&raw, build), [format!("`{name}` is a variable mkmulti's Dockerfiles set or read")]);
        }
        let raw = config("[build.secrets.t]\nbuild-env = \"CARGO_REGISTRIES_CORP_TOKEN\"\n");
        assert!(found(&raw, build).is_empty());
    }

    #[test]
    fn known_hosts_are_plain_lines_and_need_ssh() {
        let raw = config(
            "[build]\nssh = true\nssh-known-hosts = [\"git.example.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMq\"]\n",
        );
        assert!(found(&raw, build).is_empty());
        for bad in [
            "git.example.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMq comment",
            "@cert-authority *.example.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMq",
            "git.example.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5'AAAAIOMq",
            "git.example.com  ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMq",
            "git.example.com ssh-dss AAAAC3NzaC1lZDI1NTE5AAAAIOMq",
        ] {
            let raw = config(&format!("[build]\nssh = true\nssh-known-hosts = [{:?}]\n", bad));
            assert_eq!(found(&raw, build).len(), 1, "{bad}");
        }
        let raw = config("[build]\nssh-known-hosts = []\n");
        assert_eq!(found(&raw, build), ["`ssh-known-hosts` does nothing without `ssh = true`"]);
    }

    #[test]
    fn the_default_known_hosts_pass_their_grammar() {
        for line in crate::config::defaults::SSH_KNOWN_HOSTS {
            assert_eq!(grammar::ssh_known_host(line), Ok(()), "{line}");
        }
    }

    #[test]
    fn mirrors_carry_no_credentials_or_quotes() {
        let raw = config(
            "[build]\ngoproxy = \"https://user:pw@proxy.example.com\"\ncargo-mirror = \"sparse+https://m.example.com/\\\"x\"\n",
        );
        assert_eq!(
            found(&raw, build),
            [
                "invalid GOPROXY `https://user:pw@proxy.example.com`",
                "invalid crates.io mirror `sparse+https://m.example.com/\"x`"
            ]
        );
        let raw = config(
            "[build]\ngoproxy = \"https://goproxy.example.com,direct\"\ngosumdb = \"sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ty0yPR/8Z0W5U6NURhBQ= https://sum.golang.org\"\ngoprivate = [\"github.com/org/*\"]\ncargo-mirror = \"sparse+https://crates.example.com/index/\"\n",
        );
        assert!(found(&raw, build).is_empty());
    }

    /// Every `[build]` string lands in a Dockerfile line, a Makefile recipe, an HCL string, compose YAML, a
    /// workflow or a cargo config file: whatever the rules accept holds no character any of those sinks reads
    /// (quotes, `$`, `#`, `\\`, backticks, `;`, `&`, braces, line breaks).
    #[test]
    fn accepted_build_values_hold_no_character_a_sink_reads() {
        const SINK_CHARS: &[char] =
            &['"', '\'', '$', '#', '\\', '`', ';', '&', '{', '}', '<', '>', '\n', '\r', '\t', '(', ')', '!', '^'];
        let atoms = [
            "'", "\\\"", "`", "$", "$(id)", "${HOME}", "#", ";", "&&", "|", "\\\\", "-", " ", "\\n", "\\u0000", "{{",
            "[[", "%s", ",", "=", "~", "@", "é", "\\u202E",
        ];
        let fields = [
            ("[build]\nca-secret = \"c{}\"\n[build.secrets.c]\nfile = \"f\"\n", 0),
            ("[build]\ngoproxy = \"https://p.example.com/{}\"\n", 0),
            ("[build]\ngosumdb = \"sum.golang.org{}\"\n", 0),
            ("[build]\ngoprivate = [\"a.com/{}\"]\n", 0),
            ("[build]\ncargo-mirror = \"sparse+https://m.example.com/{}\"\n", 0),
            ("[build.secrets.s]\nfile = \"certs/{}\"\n", 0),
            ("[build.secrets.s]\nenv = \"S{}\"\n", 0),
            ("[build.secrets.s]\ntarget = \"/root/{}\"\n", 0),
            ("[build.secrets.s]\nbuild-env = \"S{}\"\n", 0),
            ("[build.secrets.s]\nci-secret = \"S{}\"\n", 0),
            ("[build.secrets.\"s{}\"]\n", 0),
            ("[build]\nssh = true\nssh-known-hosts = [\"h.example.com{} ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA\"]\n", 0),
            ("[build]\nssh = true\nssh-known-hosts = [\"h.example.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA{}\"]\n", 0),
            ("[[app]]\nname = \"a\"\nlanguage = \"go\"\n[build.secrets.s]\napps = [\"a{}\"]\n", 0),
        ];
        for (template, _) in fields {
            for atom in atoms {
                let text = template.replace("{}", atom);
                let no_apps = if text.contains("[[app]]") { "" } else { "app = []\n" };
                let Ok(raw) = toml::from_str::<RawConfig>(&format!("{no_apps}[project]\nname = \"p\"\n{text}")) else {
                    continue;
                };
                if !found(&raw, build).is_empty() {
                    continue;
                }
                let value = toml::to_string(&raw.build).unwrap();
                let b = &raw.build;
                let strings = b
                    .secrets
                    .iter()
                    .flat_map(|(id, s)| {
                        [
                            Some(id),
                            s.env.as_ref(),
                            s.file.as_ref(),
                            s.ci_secret.as_ref(),
                            s.target.as_ref(),
                            s.build_env.as_ref(),
                        ]
                    })
                    .chain([b.ca_secret.as_ref(), b.goproxy.as_ref(), b.gosumdb.as_ref(), b.cargo_mirror.as_ref()])
                    .flatten()
                    .chain(b.goprivate.iter())
                    .chain(b.ssh_known_hosts.iter().flatten())
                    .chain(b.secrets.values().flat_map(|s| s.apps.iter()));
                for v in strings {
                    assert!(!v.contains(SINK_CHARS), "{text:?} was accepted with {v:?}\n{value}");
                }
            }
        }
    }
}
