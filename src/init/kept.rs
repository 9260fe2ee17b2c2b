//! The project's own files where `generate` would write one of mkmulti's, and how the scaffold keeps each: a
//! Makefile or Dockerfile of the project's gets mkmulti's beside it (`output.makefile-path`, an app's
//! `dockerfile`), any other such file gets its output turned off.

use std::fs;
use std::path::Path;

use serde::Serialize;

use super::DetectedApp;

/// Where the scaffold (and `generate`'s advice) puts mkmulti's Makefile when the project has a Makefile of its
/// own, to be included from it.
pub const PROPOSED_MAKEFILE_PATH: &str = "docker.mk";

/// Where the scaffold (and `generate`'s advice) puts an app's Dockerfile when the project has its own at the
/// default path: `Dockerfile.mkmulti` for a config of one app, `Dockerfile.<name>.mkmulti` for several.
pub fn proposed_dockerfile(app: &str, several: bool) -> String {
    if several { format!("Dockerfile.{app}.mkmulti") } else { "Dockerfile.mkmulti".to_string() }
}

/// The names GNU make reads without `-f`: a project's own one of these is its Makefile, and would shadow a
/// generated `Makefile` (or be it, on a file system that ignores case, which is why `Makefile` is tried first:
/// there `makefile` finds it too).
const MAKEFILE_NAMES: [&str; 3] = ["Makefile", "GNUmakefile", "makefile"];

/// A file of the project's own (not written by mkmulti) where an output would write, and how it is kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Kept {
    /// The project's file, relative to its directory.
    pub file: String,
    pub how: Keep,
}

/// How the scaffold keeps a project's own file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Keep {
    /// The output that would write it is off: `output.<key> = false`.
    Off(&'static str),
    /// mkmulti's Makefile goes to this path (`output.makefile-path`), for the project's own to include.
    Makefile(String),
    /// The app's Dockerfile goes to this path (the app's `dockerfile`).
    Dockerfile { app: String, path: String },
}

/// The project's own files at paths an output would write, not written by mkmulti (no mkmulti hash).
pub fn kept_files(dir: &Path, apps: &[DetectedApp]) -> Vec<Kept> {
    let own =
        |path: &str| fs::read_to_string(dir.join(path)).is_ok_and(|text| crate::render::is_pristine(&text).is_none());
    let mut kept = Vec::new();
    if let Some(file) = MAKEFILE_NAMES.into_iter().find(|name| own(name)) {
        // A `docker.mk` of the project's own too: mkmulti's Makefile is left out instead.
        let how = if own(PROPOSED_MAKEFILE_PATH) {
            Keep::Off("makefile")
        } else {
            Keep::Makefile(PROPOSED_MAKEFILE_PATH.to_string())
        };
        kept.push(Kept { file: file.to_string(), how });
    }
    let several = apps.len() > 1;
    for app in apps {
        // Every app `init` writes builds from the config's directory: the Dockerfile's default path is its name.
        let default = crate::resolve::derive::dockerfile_name(&app.name, several);
        if own(&default) {
            let how = Keep::Dockerfile { app: app.name.clone(), path: proposed_dockerfile(&app.name, several) };
            kept.push(Kept { file: default, how });
        }
    }
    let others = [
        ("compose", "compose.yaml"),
        ("dockerignore", ".dockerignore"),
        ("workflow", ".github/workflows/docker.yml"),
        ("scripts", "scripts/validate-multiarch.sh"),
        ("multiarch-md", crate::render::MULTIARCH_MD),
    ];
    for (key, file) in others {
        if own(file) {
            kept.push(Kept { file: file.to_string(), how: Keep::Off(key) });
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app(name: &str) -> DetectedApp {
        DetectedApp {
            name: name.into(),
            main: None,
            package: None,
            bin: name.into(),
            features: Vec::new(),
            source: None,
            ports: Vec::new(),
            ports_from: None,
            healthcheck: false,
            context: None,
        }
    }

    #[test]
    fn own_makefiles_and_dockerfiles_get_mkmultis_beside_them() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, text: &str| fs::write(dir.path().join(name), text).unwrap();
        write("Makefile", "all:\n");
        write("Dockerfile", "FROM scratch\n");
        write("compose.yaml", "services: {}\n");
        let kept = kept_files(dir.path(), &[app("api")]);
        assert_eq!(
            kept,
            [
                Kept { file: "Makefile".into(), how: Keep::Makefile("docker.mk".into()) },
                Kept {
                    file: "Dockerfile".into(),
                    how: Keep::Dockerfile { app: "api".into(), path: "Dockerfile.mkmulti".into() }
                },
                Kept { file: "compose.yaml".into(), how: Keep::Off("compose") },
            ]
        );
        // Several apps: each Dockerfile at its own default path, and only where the project has one.
        write("Dockerfile.web", "FROM scratch\n");
        let kept = kept_files(dir.path(), &[app("api"), app("web")]);
        assert!(kept.contains(&Kept {
            file: "Dockerfile.web".into(),
            how: Keep::Dockerfile { app: "web".into(), path: "Dockerfile.web.mkmulti".into() }
        }));
        assert!(!kept.iter().any(|k| k.file == "Dockerfile"), "{kept:?}");
    }

    #[test]
    fn mkmultis_own_files_are_not_kept_and_a_taken_docker_mk_turns_the_makefile_off() {
        let dir = tempfile::tempdir().unwrap();
        let body = "all:\n";
        let generated = format!("# header\n{}{}\n\n{body}", crate::render::HASH_MARKER, crate::render::body_hash(body));
        fs::write(dir.path().join("Makefile"), &generated).unwrap();
        assert!(kept_files(dir.path(), &[app("api")]).is_empty());
        fs::write(dir.path().join("GNUmakefile"), "all:\n").unwrap();
        fs::write(dir.path().join("docker.mk"), "x:\n").unwrap();
        assert_eq!(
            kept_files(dir.path(), &[app("api")]),
            [Kept { file: "GNUmakefile".into(), how: Keep::Off("makefile") }]
        );
    }
}
