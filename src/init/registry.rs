//! Where the scaffold's images go: `--registry HOST[/NAMESPACE]`, else the registry of the forge the project's
//! git remote points at (GitHub -> `ghcr.io/<owner>`, GitLab -> `registry.gitlab.com/<group>/<project>`), else
//! the Go module path's forge; else none, and the config builds locally until `registry.namespace` is set.

use std::path::Path;

/// A registry `init` chose, and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DetectedRegistry {
    pub host: String,
    pub namespace: Option<String>,
    /// Where it came from, for the scaffold's comment: `--registry`, `the git remote origin`, `the Go module path`.
    pub from: String,
}

/// `HOST[/NAMESPACE]` as given to `--registry` (or typed at the prompt), checked against the grammars the
/// config's `registry.host` and `registry.namespace` follow.
pub fn from_flag(value: &str) -> Result<DetectedRegistry, String> {
    let value = value.trim().trim_end_matches('/');
    let (host, namespace) = match value.split_once('/') {
        Some((host, ns)) => (host.to_string(), Some(ns.to_string())),
        None => (value.to_string(), None),
    };
    crate::grammar::registry_host(&host).map_err(|e| format!("`{host}`: {e}"))?;
    if let Some(ns) = &namespace {
        crate::grammar::repository_path(ns).map_err(|e| format!("`{ns}`: {e}"))?;
    }
    Ok(DetectedRegistry { host, namespace, from: "--registry".into() })
}

impl DetectedRegistry {
    /// `HOST/NAMESPACE`, or `HOST` alone, as `--registry` takes it.
    pub fn as_flag(&self) -> String {
        match &self.namespace {
            Some(ns) => format!("{}/{ns}", self.host),
            None => self.host.clone(),
        }
    }
}

/// The registry of the forge the git remote `origin` (of `dir` or a parent, for a monorepo) or the Go module
/// path points at.
pub fn detect(dir: &Path, module: Option<&str>) -> Option<DetectedRegistry> {
    let from_remote = origin_url(dir).and_then(|url| forge_registry(&url)).map(|(host, namespace)| DetectedRegistry {
        host,
        namespace: Some(namespace),
        from: "the git remote origin".into(),
    });
    from_remote.or_else(|| from_module(module))
}

/// The registry of the forge a Go module path points at (`github.com/acme/api` -> `ghcr.io/acme`).
pub fn from_module(module: Option<&str>) -> Option<DetectedRegistry> {
    let (host, namespace) = forge_registry(module?)?;
    Some(DetectedRegistry { host, namespace: Some(namespace), from: "the Go module path".into() })
}

/// How many directories above `dir` the git repository's top is (0: `dir` itself), if `dir` is inside one. `.git`
/// is a directory in a clone, a file in a worktree or a submodule.
pub fn repository_top(dir: &Path) -> Option<usize> {
    dir.canonicalize().ok()?.ancestors().position(|d| d.join(".git").exists())
}

/// `ci.root` for a config in `dir`: the path up to the repository's top (`../..`), when that is above `dir`.
pub fn ci_root(dir: &Path) -> Option<String> {
    repository_top(dir).filter(|up| *up > 0).map(|up| vec![".."; up].join("/"))
}

/// The `url` of `[remote "origin"]` in the nearest `.git/config`.
fn origin_url(dir: &Path) -> Option<String> {
    let dir = dir.canonicalize().ok()?;
    let config = dir.ancestors().map(|d| d.join(".git/config")).find(|c| c.is_file())?;
    let text = std::fs::read_to_string(config).ok()?;
    let mut in_origin = false;
    for line in text.lines().map(str::trim) {
        if line.starts_with('[') {
            in_origin = line == "[remote \"origin\"]";
        } else if let Some(url) = line.strip_prefix("url").map(str::trim_start).and_then(|l| l.strip_prefix('=')) {
            if in_origin {
                return Some(url.trim().to_string());
            }
        }
    }
    None
}

/// `(host, namespace)` of the container registry of a GitHub or GitLab repository, from a clone URL
/// (`git@github.com:Owner/repo.git`, `https://gitlab.com/group/project`) or a Go module path
/// (`github.com/owner/repo/v2`). Registries take lowercase paths only.
fn forge_registry(url: &str) -> Option<(String, String)> {
    let rest = url
        .trim_start_matches("ssh://")
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .trim_start_matches("git@");
    let rest = rest.split_once('@').map_or(rest, |(_, r)| r);
    let (host, path) = rest.split_once([':', '/'])?;
    let path = path.trim_end_matches('/').trim_end_matches(".git");
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    match host {
        "github.com" if !parts.is_empty() => Some(("ghcr.io".into(), parts[0].to_ascii_lowercase())),
        "gitlab.com" if parts.len() >= 2 => {
            Some(("registry.gitlab.com".into(), parts[..2].join("/").to_ascii_lowercase()))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forges_map_to_their_registries() {
        for (url, want) in [
            ("git@github.com:Acme/Widget.git", Some(("ghcr.io", "acme"))),
            ("https://github.com/acme/widget", Some(("ghcr.io", "acme"))),
            ("ssh://git@github.com/Acme/widget.git", Some(("ghcr.io", "acme"))),
            ("https://user@gitlab.com/Group/Project.git", Some(("registry.gitlab.com", "group/project"))),
            ("github.com/acme/widget/v2", Some(("ghcr.io", "acme"))),
            ("https://git.example.com/a/b.git", None),
            ("example.com/widget", None),
        ] {
            let got = forge_registry(url);
            assert_eq!(got.as_ref().map(|(h, n)| (h.as_str(), n.as_str())), want, "{url}");
        }
    }

    #[test]
    fn the_remote_of_a_parent_repository_counts() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(".git")).unwrap();
        std::fs::write(
            dir.path().join(".git/config"),
            "[core]\n\tbare = false\n[remote \"upstream\"]\n\turl = git@github.com:other/x.git\n[remote \"origin\"]\n\turl = git@github.com:Acme/mono.git\n",
        )
        .unwrap();
        std::fs::create_dir_all(dir.path().join("services/api")).unwrap();
        let found = detect(&dir.path().join("services/api"), None).unwrap();
        assert_eq!((found.host.as_str(), found.namespace.as_deref()), ("ghcr.io", Some("acme")));
        assert_eq!(found.from, "the git remote origin");
    }

    #[test]
    fn the_repository_top_is_found_above_a_monorepo_directory() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(".git")).unwrap();
        std::fs::create_dir_all(dir.path().join("services/api")).unwrap();
        assert_eq!(ci_root(&dir.path().join("services/api")).as_deref(), Some("../.."));
        assert_eq!(ci_root(dir.path()), None, "at the top, the default `.` holds");
        // A worktree's or submodule's `.git` is a file.
        std::fs::write(dir.path().join("services/.git"), "gitdir: ../.git/modules/services\n").unwrap();
        assert_eq!(ci_root(&dir.path().join("services/api")).as_deref(), Some(".."));
    }

    #[test]
    fn a_flag_splits_host_and_namespace() {
        let r = from_flag("registry.example.com:5000/team/sub").unwrap();
        assert_eq!((r.host.as_str(), r.namespace.as_deref()), ("registry.example.com:5000", Some("team/sub")));
        assert_eq!(r.as_flag(), "registry.example.com:5000/team/sub");
        assert_eq!(from_flag("ghcr.io/").unwrap().namespace, None);
        assert!(from_flag("ghcr.io/Acme").unwrap_err().contains("lowercase"));
        assert!(from_flag("acme").unwrap_err().contains("must contain `.` or `:`"));
        assert!(from_flag("ghcr.io/a b").is_err());
    }
}
