//! What a Dockerfile's dependency fetch steps print for `[build]` (`templates/fetch.macros.j2`): the secret,
//! SSH and tmpfs mounts, the shell lines that expose the CA bundle and secret variables, and the mirror
//! arguments. Shared by the Go and Rust Dockerfiles. Every value printed passed its grammar (secret ids,
//! container paths, variable names), so the lines need no quoting beyond what they carry.

use serde::Serialize;

use crate::plan::{BuildPlan, CA_VARIABLES, SecretPlan};

/// The tmpfs directory where the fetch step joins the builder's CA certificates and the extra ones: never in a
/// layer.
const CA_DIR: &str = "/run/mkmulti-ca";

#[derive(Debug, Serialize)]
pub struct FetchView {
    /// `--mount=...` flags of a fetch `RUN`, after its cache mounts.
    pub mounts: Vec<String>,
    /// Shell lines run before the fetch command, joined by `&&`.
    pub prelude: Vec<String>,
    /// Go: `ARG` lines of the module proxy settings, with the config's defaults.
    pub go_args: String,
    /// Rust: the crates.io mirror's default, `None` for no replacement.
    pub cargo_mirror: Option<String>,
}

impl FetchView {
    pub fn new(b: &BuildPlan) -> Self {
        let mut mounts: Vec<String> = b.secrets.iter().map(mount).collect();
        if b.ssh {
            mounts.push("--mount=type=ssh".to_string());
        }
        let mut prelude = Vec::new();
        if let Some(ca) = &b.ca_secret {
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
        for s in b.secrets.iter().filter(|s| s.build_env.is_some()) {
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
        Self { mounts, prelude, go_args: format!("ARG {go_args}"), cargo_mirror: b.cargo_mirror.clone() }
    }
}

fn mount(s: &SecretPlan) -> String {
    let required = if s.required { ",required=true" } else { "" };
    format!("--mount=type=secret,id={},target={}{required}", s.id, s.target)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(build: &str) -> FetchView {
        let text = format!("[project]\nname = \"p\"\n[[app]]\nname = \"a\"\nlanguage = \"go\"\n{build}");
        let raw = toml::from_str(&text).unwrap();
        FetchView::new(&crate::resolve::plan(&raw, "m.toml").plan.expect("valid").build)
    }

    #[test]
    fn nothing_declared_mounts_nothing_and_declares_the_go_proxy_args() {
        let v = view("");
        assert!(v.mounts.is_empty() && v.prelude.is_empty() && v.cargo_mirror.is_none());
        assert_eq!(v.go_args, "ARG GOPROXY GOSUMDB GOPRIVATE GONOSUMDB");
    }

    #[test]
    fn secrets_mount_at_their_target_and_variables_read_the_file() {
        let v = view(
            "[build]\nssh = true\ngoproxy = \"https://p.example.com,direct\"\ngoprivate = [\"a.com/*\", \"b.com\"]\n\
             [build.secrets.netrc]\nfile = \"n\"\ntarget = \"/root/.netrc\"\nrequired = true\n\
             [build.secrets.tok]\nbuild-env = \"CARGO_REGISTRIES_X_TOKEN\"\n",
        );
        assert_eq!(
            v.mounts,
            [
                "--mount=type=secret,id=netrc,target=/root/.netrc,required=true",
                "--mount=type=secret,id=tok,target=/run/secrets/tok",
                "--mount=type=ssh"
            ]
        );
        assert_eq!(
            v.prelude,
            [
                "if [ -f /run/secrets/tok ]; then CARGO_REGISTRIES_X_TOKEN=\"$(cat /run/secrets/tok)\" && export CARGO_REGISTRIES_X_TOKEN; fi"
            ]
        );
        assert_eq!(
            v.go_args,
            "ARG GOPROXY=\"https://p.example.com,direct\" GOSUMDB GOPRIVATE=\"a.com/*,b.com\" GONOSUMDB"
        );
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
