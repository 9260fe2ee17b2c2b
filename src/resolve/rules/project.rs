//! Rules for the top of the file: `mkmulti-version`, `[project]` and `[registry]`.

use crate::config::RawConfig;
use crate::diagnostics::{Diagnostic, KeyPath};
use crate::grammar;
use crate::plan::MKMULTI_VERSION;
use crate::resolve::derive;
use crate::resolve::findings::{Findings, any};

/// `mkmulti-version` is `MAJOR.MINOR` and not newer than this mkmulti.
pub fn mkmulti_version(raw: &RawConfig, f: &mut Findings) {
    let Some(v) = &raw.mkmulti_version else { return };
    let path = KeyPath::root().key("mkmulti-version");
    if !f.check(&path, v, "mkmulti-version", grammar::version) {
        return;
    }
    let parse = |s: &str| -> Vec<u64> { s.split('.').take(2).map(|n| n.parse().unwrap_or(u64::MAX)).collect() };
    if parse(v) > parse(MKMULTI_VERSION) {
        f.error_help(
            path,
            format!("this file is for mkmulti {v}, newer than this mkmulti ({MKMULTI_VERSION})"),
            "upgrade mkmulti, or lower `mkmulti-version` if you know the file needs nothing newer",
        );
    }
}

/// `[project]`: the name, and the label values' grammars.
pub fn project(raw: &RawConfig, f: &mut Findings) {
    let p = KeyPath::root().key("project");
    let r = &raw.project;
    f.check(&p.key("name"), &r.name, "project name", grammar::name);
    if let Some(d) = &r.description {
        f.check(&p.key("description"), d, "description", any);
    }
    if let Some(s) = &r.source {
        f.check(&p.key("source"), s, "source URL", grammar::https_url);
    }
    if let Some(l) = &r.license {
        f.check(&p.key("license"), l, "license", grammar::spdx);
    }
}

/// `[registry]`: host and namespace grammars; Docker Hub takes no image at its root.
pub fn registry(raw: &RawConfig, f: &mut Findings) {
    let p = KeyPath::root().key("registry");
    let r = &raw.registry;
    if let Some((host, rest)) = r.host.split_once('/') {
        let namespace = match &r.namespace {
            Some(ns) => format!("{rest}/{ns}"),
            None => rest.to_string(),
        };
        f.error_help(
            p.key("host"),
            format!("`{}` is a host and a path: the path belongs in `registry.namespace`", r.host),
            format!("write `host = \"{host}\"` and `namespace = \"{namespace}\"`"),
        );
        return;
    }
    f.check(&p.key("host"), &r.host, "registry host", grammar::registry_host);
    if let Some(ns) = &r.namespace {
        f.check(&p.key("namespace"), ns, "registry namespace", grammar::repository_path);
    }
    if derive::push_blocker(r).is_some() {
        f.push(
            Diagnostic::warning(
                p.key("host"),
                "Docker Hub (the default registry) needs a namespace to push to: images build and run locally, and \
                 the push targets, the validate script and the workflow stop until it is set",
            )
            .with_help("set `registry.namespace` to your Docker Hub user or organisation"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resolve::rules::testing::{config, found};

    #[test]
    fn a_newer_file_is_refused_and_the_same_version_accepted() {
        let mut raw = config("");
        raw.mkmulti_version = Some("99.0".into());
        assert_eq!(found(&raw, mkmulti_version).len(), 1);
        raw.mkmulti_version = Some(MKMULTI_VERSION.split('.').take(2).collect::<Vec<_>>().join("."));
        assert!(found(&raw, mkmulti_version).is_empty());
        raw.mkmulti_version = Some("one".into());
        assert_eq!(found(&raw, mkmulti_version), ["invalid mkmulti-version `one`"]);
    }

    #[test]
    fn project_labels_follow_their_grammars() {
        let mut raw = config("");
        raw.project.source = Some("http://example.com".into());
        raw.project.license = Some("MIT OR".into());
        assert_eq!(found(&raw, project), ["invalid source URL `http://example.com`", "invalid license `MIT OR`"]);
    }

    #[test]
    fn a_path_in_the_host_moves_to_the_namespace() {
        let mut raw = config("");
        raw.registry.host = "ghcr.io/acme".into();
        raw.registry.namespace = None;
        let mut f = Findings::default();
        registry(&raw, &mut f);
        let d = &f.into_vec()[0];
        assert_eq!(d.help.as_deref(), Some("write `host = \"ghcr.io\"` and `namespace = \"acme\"`"));
    }

    #[test]
    fn docker_hub_needs_a_namespace_other_registries_do_not() {
        let mut raw = config("");
        raw.registry.namespace = None;
        let mut f = Findings::default();
        registry(&raw, &mut f);
        assert!(!f.has_errors(), "local builds work without a namespace");
        assert_eq!(f.messages().len(), 1);
        raw.registry.host = "registry.example.com:5000".into();
        assert!(found(&raw, registry).is_empty());
    }
}
