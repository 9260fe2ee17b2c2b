//! What a Dockerfile's dependency fetch steps print for `[build]` (`templates/fetch.macros.j2`): the secret,
//! SSH and tmpfs mounts, the shell lines that expose the CA bundle and secret variables, and the mirror
//! arguments. Shared by the Go and Rust Dockerfiles. Every value printed passed its grammar (secret ids,
//! container paths, variable names), so the lines need no quoting beyond what they carry.

use serde::Serialize;

use crate::plan::{BuildPlan, CA_VARIABLES, SecretPlan};

/// The tmpfs directory where the fetch step joins the builder's CA certificates and the extra ones: never in a
/// layer.
const CA_DIR: &str = "/run/mkmulti-ca";
/// The tmpfs directory where the fetch step writes the trusted SSH host keys: never in a layer.
const SSH_DIR: &str = "/run/mkmulti-ssh";

#[derive(Debug, Serialize)]
pub struct FetchView {
    /// `--mount=...` flags of a fetch `RUN`, after its cache mounts.
    pub mounts: Vec<String>,
    /// Shell lines run before the fetch command, joined by `&&`.
    pub prelude: Vec<String>,
    /// Go: `ARG` lines of the module proxy settings, with the config's defaults.
    pub go_args: String,
    /// Rust: the crates.io mirror's default, empty for crates.io (`CARGO_MIRROR` from the environment still
    /// replaces it).
    pub cargo_mirror: String,
}

impl FetchView {
    /// The fetch steps of app `app`: the secrets that reach it, and the project-wide SSH agent and mirrors.
    pub fn new(b: &BuildPlan, app: &str) -> Self {
        let mut mounts: Vec<String> = b.secrets_of(app).map(mount).collect();
        let mut prelude = Vec::new();
        if b.ssh {
            mounts.push("--mount=type=ssh".to_string());
            mounts.push(format!("--mount=type=tmpfs,target={SSH_DIR}"));
            prelude.push(known_hosts(&b.ssh_known_hosts));
        }
        if let Some(ca) = b.ca_secret.as_ref().filter(|ca| ca.reaches(app)) {
            mounts.push(format!("--mount=type=tmpfs,target={CA_DIR}"));
            let bundle = format!("{CA_DIR}/ca.pem");
            let exports: Vec<String> = CA_VARIABLES.iter().map(|v| format!("{v}={bundle}")).collect();
            prelude.push(format!(
                "if [ -s {t} ]; then {{ cat /etc/ssl/certs/ca-certificates.crt 2>/dev/null || true; cat {t}; }} > {bundle} \
                 && export {} NODE_EXTRA_CA_CERTS={t}; fi",
                exports.join(" "),
                t = ca.target
            ));
        }
        for s in b.secrets_of(app).filter(|s| s.build_env.is_some()) {
            let var = s.build_env.as_deref().expect("filtered");
            prelude.push(format!("if [ -f {t} ]; then {var}=\"$(cat {t})\" && export {var}; fi", t = s.target));
        }
        let go_args = b
            .go_args
            .iter()
            .map(|(name, value)| {
                if value.is_empty() {
                    name.to_string()
                } else {
                    format!("{name}={}", crate::render::filters::docker_quoted(value))
                }
            })
            .collect::<Vec<_>>()
            .join(" ");
        Self {
            mounts,
            prelude,
            go_args: format!("ARG {go_args}"),
            cargo_mirror: b.cargo_mirror.clone().unwrap_or_default(),
        }
    }
}

/// Writes the trusted host keys and points git at them (cargo too, through git: its own SSH code reads only
/// `~/.ssh`). Each line passed the known_hosts grammar (no quote, `$` or line break), so single quotes hold it.
fn known_hosts(lines: &[String]) -> String {
    let file = format!("{SSH_DIR}/known_hosts");
    let words: Vec<String> = lines.iter().map(|l| format!("'{l}'")).collect();
    format!(
        "printf '%s\\n' \\\n       {} \\\n       > {file} \\\n && export GIT_SSH_COMMAND='ssh -oUserKnownHostsFile={file} -oStrictHostKeyChecking=yes' \
         CARGO_NET_GIT_FETCH_WITH_CLI=true",
        words.join(" \\\n       ")
    )
}

fn mount(s: &SecretPlan) -> String {
    let required = if s.required { ",required=true" } else { "" };
    format!("--mount=type=secret,id={},target={}{required}", s.id, s.target)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(build: &str) -> FetchView {
        app_view(build, "a")
    }

    /// The fetch view of app `app` of a config with a Go app `a` and a Rust app `r`.
    fn app_view(build: &str, app: &str) -> FetchView {
        let text = format!(
            "[project]\nname = \"p\"\n[[app]]\nname = \"a\"\nlanguage = \"go\"\n\
             [[app]]\nname = \"r\"\nlanguage = \"rust\"\n{build}"
        );
        let raw = toml::from_str(&text).unwrap();
        FetchView::new(&crate::resolve::plan(&raw, "m.toml").plan.expect("valid").build, app)
    }

    #[test]
    fn nothing_declared_mounts_nothing_and_declares_the_go_proxy_args() {
        let v = view("");
        assert!(v.mounts.is_empty() && v.prelude.is_empty() && v.cargo_mirror.is_empty());
        assert_eq!(v.go_args, "ARG GOPROXY GOSUMDB GOPRIVATE GONOSUMDB");
    }

    #[test]
    fn secrets_mount_at_their_target_and_variables_read_the_file() {
        let v = app_view(
            "[build]\nssh = true\ngoproxy = \"https://p.example.com,direct\"\ngoprivate = [\"a.com/*\", \"b.com\"]\n\
             [build.secrets.netrc]\nfile = \"n\"\ntarget = \"/root/.netrc\"\nrequired = true\n\
             [build.secrets.tok]\nbuild-env = \"CARGO_REGISTRIES_X_TOKEN\"\n",
            "r",
        );
        assert_eq!(
            v.mounts,
            [
                "--mount=type=secret,id=netrc,target=/root/.netrc,required=true",
                "--mount=type=secret,id=tok,target=/run/secrets/tok",
                "--mount=type=ssh",
                "--mount=type=tmpfs,target=/run/mkmulti-ssh"
            ]
        );
        assert_eq!(
            v.prelude[1],
            "if [ -f /run/secrets/tok ]; then CARGO_REGISTRIES_X_TOKEN=\"$(cat /run/secrets/tok)\" && export CARGO_REGISTRIES_X_TOKEN; fi"
        );
        assert_eq!(
            v.go_args,
            "ARG GOPROXY=\"https://p.example.com,direct\" GOSUMDB GOPRIVATE=\"a.com/*,b.com\" GONOSUMDB"
        );
    }

    #[test]
    fn each_app_mounts_only_the_secrets_that_reach_it() {
        let build = "[build]\nca-secret = \"ca\"\n[build.secrets.ca]\nfile = \"ca.pem\"\napps = [\"r\"]\n\
                     [build.secrets.tok]\nbuild-env = \"CARGO_REGISTRIES_X_TOKEN\"\n\
                     [build.secrets.netrc]\ntarget = \"/root/.netrc\"\n";
        let go = app_view(build, "a");
        assert_eq!(go.mounts, ["--mount=type=secret,id=netrc,target=/root/.netrc"]);
        assert!(go.prelude.is_empty(), "{:?}", go.prelude);
        let rust = app_view(build, "r");
        assert_eq!(
            rust.mounts,
            [
                "--mount=type=secret,id=ca,target=/run/secrets/ca",
                "--mount=type=secret,id=netrc,target=/root/.netrc",
                "--mount=type=secret,id=tok,target=/run/secrets/tok",
                "--mount=type=tmpfs,target=/run/mkmulti-ca"
            ]
        );
        assert_eq!(rust.prelude.len(), 2);
    }

    #[test]
    fn ssh_writes_the_known_hosts_in_a_tmpfs_and_points_git_at_them() {
        let v = view("[build]\nssh = true\n");
        assert!(v.mounts.contains(&"--mount=type=tmpfs,target=/run/mkmulti-ssh".to_string()));
        let line = &v.prelude[0];
        assert!(line.starts_with("printf '%s\\n' \\\n       'github.com ssh-ed25519 AAAAC3"), "{line}");
        assert!(line.contains("> /run/mkmulti-ssh/known_hosts"), "{line}");
        assert!(line.contains("GIT_SSH_COMMAND='ssh -oUserKnownHostsFile=/run/mkmulti-ssh/known_hosts"), "{line}");
        let v =
            view("[build]\nssh = true\nssh-known-hosts = [\"git.example.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA\"]\n");
        assert!(v.prelude[0].contains("'git.example.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA'"));
        assert!(!v.prelude[0].contains("github.com"));
        assert!(view("").prelude.is_empty());
    }

    #[test]
    fn the_ca_bundle_is_joined_in_a_tmpfs_with_the_builders_own() {
        let v = view("[build]\nca-secret = \"ca\"\n[build.secrets.ca]\nfile = \"ca.pem\"\n");
        assert_eq!(
            v.mounts,
            ["--mount=type=secret,id=ca,target=/run/secrets/ca", "--mount=type=tmpfs,target=/run/mkmulti-ca"]
        );
        let line = &v.prelude[0];
        assert!(line.starts_with("if [ -s /run/secrets/ca ]; then { cat /etc/ssl/certs/ca-certificates.crt"), "{line}");
        for var in [
            "SSL_CERT_FILE=/run/mkmulti-ca/ca.pem",
            "CARGO_HTTP_CAINFO=",
            "GIT_SSL_CAINFO=",
            "NODE_EXTRA_CA_CERTS=/run/secrets/ca",
        ] {
            assert!(line.contains(var), "{var}: {line}");
        }
    }
}
