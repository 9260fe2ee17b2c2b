//! Rules for the paths the user chooses for mkmulti's files: `output.makefile-path` and each app's `dockerfile`.
//! Each stays inside the project, in a grammar that every file it is written into (a Makefile recipe, a shell
//! script, YAML, HCL) reads as one plain word; and no two files mkmulti writes share a path, or need one path to
//! be both a file and a directory, or overwrite the config itself.

use crate::config::{RawApp, RawConfig};
use crate::diagnostics::KeyPath;
use crate::grammar;
use crate::resolve::derive;
use crate::resolve::findings::{Findings, MAX_APPS};

/// The grammar of `output.makefile-path`.
pub fn makefile_path(raw: &RawConfig, f: &mut Findings) {
    let path = KeyPath::root().key("output").key("makefile-path");
    f.check(&path, &raw.output.makefile_path, "Makefile path", grammar::output_path);
}

/// An app's `dockerfile`, when it sets one: its grammar, and inside the app's build context, since compose and
/// Bake name the Dockerfile relative to the context.
pub fn dockerfile(p: &KeyPath, app: &RawApp, f: &mut Findings) {
    let Some(path) = &app.dockerfile else { return };
    if !f.check(&p.key("dockerfile"), path, "Dockerfile path", grammar::output_path) {
        return;
    }
    let ctx = derive::context(app);
    if ctx != "." && grammar::context(ctx).is_ok() && !path.starts_with(&format!("{ctx}/")) {
        f.error_help(
            p.key("dockerfile"),
            format!("`{path}` is outside the app's build context `{ctx}`"),
            format!(
                "the path is relative to the config's directory: write it inside the context, like \
                 `{ctx}/Dockerfile.mkmulti`"
            ),
        );
    }
}

/// A file `generate` writes (or, for a Dockerfile, builds from): its path, what it is in words, and the key
/// that chose the path, when the user chose it.
struct Output {
    path: String,
    what: String,
    key: Option<KeyPath>,
}

/// Every file the config writes (and every app's Dockerfile, which builds read even when `output.dockerfile` is
/// off) at a path of its own. Paths are compared without case, as macOS and Windows file systems compare them.
pub fn distinct(raw: &RawConfig, config_file: &str, f: &mut Findings) {
    let outputs = outputs(raw, config_file);
    for (j, later) in outputs.iter().enumerate() {
        for earlier in &outputs[..j] {
            let Some(clash) = clash(&earlier.path, &later.path) else { continue };
            // Said at the key the user wrote: the later one's, else the earlier one's (a chosen path meeting a
            // derived Dockerfile name), about the other one.
            let (chosen, other) = if later.key.is_some() { (later, earlier) } else { (earlier, later) };
            let Some(key) = chosen.key.clone() else { continue };
            let (message, help) = match clash {
                Clash::Same => {
                    (format!("`{}` is also {}", chosen.path, other.what), "give each file a path of its own")
                }
                Clash::Case => (
                    format!("`{}` is also {}, `{}`, on macOS and Windows", chosen.path, other.what, other.path),
                    "give each file a path of its own: those file systems ignore case",
                ),
                Clash::Nested => (
                    format!("`{}` and `{}` ({}) cannot both exist", chosen.path, other.path, other.what),
                    "one path would be a file and a directory at once: choose another path",
                ),
            };
            f.error_help(key, message, help);
            break;
        }
    }
}

/// How two paths collide.
#[derive(Debug, PartialEq, Eq)]
enum Clash {
    /// One file.
    Same,
    /// One file where case does not count (macOS and Windows).
    Case,
    /// One is a directory the other needs (`scripts` and `scripts/detect-platform.sh`).
    Nested,
}

fn clash(a: &str, b: &str) -> Option<Clash> {
    if a == b {
        return Some(Clash::Same);
    }
    let (a, b) = (a.to_ascii_lowercase(), b.to_ascii_lowercase());
    if a == b {
        return Some(Clash::Case);
    }
    let nested = |dir: &str, file: &str| file.strip_prefix(dir).is_some_and(|rest| rest.starts_with('/'));
    (nested(&a, &b) || nested(&b, &a)).then_some(Clash::Nested)
}

/// The files the config writes, fixed names first, then the paths the user may choose; paths that fail their
/// grammar are left out (reported by [`makefile_path`] and [`dockerfile`]).
fn outputs(raw: &RawConfig, config_file: &str) -> Vec<Output> {
    let o = &raw.output;
    let fixed = |path: &str, what: &str| Output { path: path.to_string(), what: what.to_string(), key: None };
    let mut list = vec![fixed(config_file, "the config itself")];
    if o.compose {
        list.push(fixed("compose.yaml", "the compose file mkmulti writes"));
    }
    if o.scripts {
        list.extend(crate::plan::SCRIPTS.iter().map(|script| fixed(script, "a script mkmulti writes")));
    }
    if o.bake {
        list.push(fixed("docker-bake.hcl", "the Bake file mkmulti writes"));
    }
    if o.makefile && grammar::output_path(&o.makefile_path).is_ok() {
        list.push(Output {
            path: o.makefile_path.clone(),
            what: "the Makefile's path (`output.makefile-path`)".to_string(),
            key: Some(KeyPath::root().key("output").key("makefile-path")),
        });
    }
    for (i, app) in raw.app.iter().enumerate().take(MAX_APPS) {
        if app.dockerfile.as_deref().is_some_and(|p| grammar::output_path(p).is_err()) {
            continue;
        }
        list.push(Output {
            path: derive::dockerfile(raw, app),
            what: format!("the Dockerfile of app[{i}] (`{}`)", app.name),
            key: app.dockerfile.is_some().then(|| KeyPath::root().key("app").index(i).key("dockerfile")),
        });
    }
    list
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resolve::rules::testing::{config, config_with_app, found};

    fn all(raw: &RawConfig, f: &mut Findings) {
        makefile_path(raw, f);
        for (i, app) in raw.app.iter().enumerate() {
            dockerfile(&KeyPath::root().key("app").index(i), app, f);
        }
        distinct(raw, "multiarch.toml", f);
    }

    #[test]
    fn chosen_paths_pass() {
        let raw = config(
            "[output]\nmakefile-path = \"docker.mk\"\n[[app]]\nname = \"a\"\nlanguage = \"go\"\n\
             dockerfile = \"Dockerfile.mkmulti\"\n[[app]]\nname = \"b\"\nlanguage = \"go\"\n\
             dockerfile = \"docker/Dockerfile.b\"\n",
        );
        assert!(found(&raw, all).is_empty(), "{:?}", found(&raw, all));
    }

    #[test]
    fn paths_that_leave_the_project_or_break_a_file_are_refused() {
        for bad in ["../docker.mk", "/tmp/docker.mk", "a b.mk", "$(shell x).mk", "-f", ".github/x.mk", "a#b"] {
            let raw = config(&format!("[output]\nmakefile-path = {bad:?}\n[[app]]\nname = \"a\"\nlanguage = \"go\"\n"));
            let messages = found(&raw, all);
            assert_eq!(messages.len(), 1, "{bad}: {messages:?}");
            assert!(messages[0].starts_with("invalid Makefile path"), "{bad}: {messages:?}");
            let raw = config_with_app(&format!("language = \"go\"\ndockerfile = {bad:?}"));
            assert!(found(&raw, all)[0].starts_with("invalid Dockerfile path"), "{bad}");
        }
    }

    #[test]
    fn two_apps_cannot_share_a_dockerfile() {
        let raw = config(
            "[[app]]\nname = \"a\"\nlanguage = \"go\"\ndockerfile = \"Dockerfile.x\"\n\
             [[app]]\nname = \"b\"\nlanguage = \"go\"\ndockerfile = \"dockerfile.X\"\n",
        );
        assert_eq!(
            found(&raw, all),
            ["`dockerfile.X` is also the Dockerfile of app[0] (`a`), `Dockerfile.x`, on macOS and Windows"]
        );
    }

    #[test]
    fn a_chosen_path_cannot_take_another_apps_derived_one() {
        let raw = config(
            "[[app]]\nname = \"a\"\nlanguage = \"go\"\ndockerfile = \"Dockerfile.b\"\n\
             [[app]]\nname = \"b\"\nlanguage = \"go\"\n",
        );
        let mut f = Findings::default();
        all(&raw, &mut f);
        let found = f.into_vec();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].message, "`Dockerfile.b` is also the Dockerfile of app[1] (`b`)");
        assert_eq!(found[0].path, Some(KeyPath::root().key("app").index(0).key("dockerfile")));
    }

    #[test]
    fn the_makefile_cannot_take_another_outputs_path() {
        let with = |rest: &str| config(&format!("{rest}[[app]]\nname = \"a\"\nlanguage = \"go\"\n"));
        let raw = with("[output]\nmakefile-path = \"compose.yaml\"\n");
        assert_eq!(found(&raw, all), ["`compose.yaml` is also the compose file mkmulti writes"]);
        let raw = with("[output]\nmakefile-path = \"Dockerfile\"\n");
        assert_eq!(found(&raw, all), ["`Dockerfile` is also the Dockerfile of app[0] (`a`)"]);
        let raw = with("[output]\nmakefile-path = \"multiarch.toml\"\n");
        assert_eq!(found(&raw, all), ["`multiarch.toml` is also the config itself"]);
        let raw = with("[output]\nmakefile-path = \"scripts\"\n");
        assert_eq!(
            found(&raw, all),
            ["`scripts` and `scripts/detect-platform.sh` (a script mkmulti writes) cannot both exist"]
        );
        // An output that is off writes nothing there.
        let raw = with("[output]\nmakefile-path = \"compose.yaml\"\ncompose = false\n");
        assert!(found(&raw, all).is_empty());
    }

    #[test]
    fn a_chosen_dockerfile_stays_in_the_apps_context() {
        let raw = config_with_app("language = \"go\"\ncontext = \"services/api\"\ndockerfile = \"Dockerfile.mkmulti\"");
        assert_eq!(found(&raw, all), ["`Dockerfile.mkmulti` is outside the app's build context `services/api`"]);
        let raw = config_with_app(
            "language = \"go\"\ncontext = \"./services/api\"\ndockerfile = \"services/api/Dockerfile.mkmulti\"",
        );
        assert!(found(&raw, all).is_empty(), "{:?}", found(&raw, all));
        // The default path of another app in that context is taken into account too.
        let raw = config(
            "[[app]]\nname = \"a\"\nlanguage = \"go\"\ncontext = \"svc\"\ndockerfile = \"svc/Dockerfile\"\n\
             [[app]]\nname = \"b\"\nlanguage = \"go\"\ncontext = \"svc\"\ndockerfile = \"svc/Dockerfile.c\"\n\
             [[app]]\nname = \"c\"\nlanguage = \"go\"\ncontext = \"svc\"\n",
        );
        assert_eq!(found(&raw, all), ["`svc/Dockerfile.c` is also the Dockerfile of app[2] (`c`)"]);
    }

    #[test]
    fn clashes_ignore_case_and_see_directories() {
        assert_eq!(clash("Dockerfile", "Dockerfile"), Some(Clash::Same));
        assert_eq!(clash("Dockerfile", "dockerfile"), Some(Clash::Case));
        assert_eq!(clash("docker", "docker/Dockerfile"), Some(Clash::Nested));
        assert_eq!(clash("docker/Dockerfile", "Docker"), Some(Clash::Nested));
        assert_eq!(clash("docker", "docker.mk"), None);
        assert_eq!(clash("a/b", "a/c"), None);
    }
}
