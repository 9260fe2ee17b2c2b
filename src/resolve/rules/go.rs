//! Rules for a Go app's keys: `main` and the `go` table.

use crate::config::RawApp;
use crate::config::defaults;
use crate::diagnostics::KeyPath;
use crate::grammar;
use crate::resolve::findings::Findings;

pub fn go(p: &KeyPath, app: &RawApp, f: &mut Findings) {
    let gp = p.key("go");
    f.check(
        &p.key("main"),
        app.main.as_deref().unwrap_or(defaults::GO_MAIN),
        "Go package path",
        grammar::relative_path,
    );
    if let Some(version) = &app.go.version {
        f.check(&gp.key("version"), version, "Go version", grammar::version);
    }
    if let Some(package) = &app.go.version_package {
        f.check(&gp.key("version-package"), package, "Go package path", grammar::go_package);
    }
    f.check_list(&gp.key("ldflags"), &app.go.ldflags, "ldflags word", grammar::ldflag);
    f.check_list(&gp.key("tags"), &app.go.tags, "Go build tag", grammar::go_tag);
    if let Some(level) = &app.go.goamd64 {
        f.check(&gp.key("goamd64"), level, "GOAMD64 level", grammar::goamd64);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resolve::rules::testing::{app0, config_with_app, found};

    #[test]
    fn go_values_follow_their_grammars() {
        let raw = config_with_app("language = \"go\"\nmain = \"../x\"\ngo.goamd64 = \"v5\"\ngo.tags = [\"a b\"]");
        let found = found(&raw, |r, f| go(&app0(), &r.app[0], f));
        assert_eq!(
            found,
            ["invalid Go package path `../x`", "invalid Go build tag `a b`", "invalid GOAMD64 level `v5`"]
        );
    }

    #[test]
    fn defaults_pass() {
        let raw = config_with_app("language = \"go\"");
        assert!(found(&raw, |r, f| go(&app0(), &r.app[0], f)).is_empty());
    }
}
