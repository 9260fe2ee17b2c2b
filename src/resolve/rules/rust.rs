//! Rules for a Rust app's keys: `package` and the `rust` table.

use crate::config::RawApp;
use crate::diagnostics::KeyPath;
use crate::grammar;
use crate::resolve::findings::Findings;

pub fn rust(p: &KeyPath, app: &RawApp, f: &mut Findings) {
    let rp = p.key("rust");
    if let Some(version) = &app.rust.version {
        f.check(&rp.key("version"), version, "Rust version", grammar::version);
    }
    if let Some(package) = &app.package {
        f.check(&p.key("package"), package, "Cargo package name", grammar::cargo_name);
    }
    f.check_list(&rp.key("features"), &app.rust.features, "Cargo feature", grammar::cargo_feature);
    if let Some(profile) = &app.rust.profile {
        f.check(&rp.key("profile"), profile, "Cargo profile", grammar::cargo_profile);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resolve::rules::testing::{app0, config_with_app, found};

    #[test]
    fn rust_values_follow_their_grammars() {
        let raw =
            config_with_app("language = \"rust\"\npackage = \"-x\"\nrust.profile = \"a b\"\nrust.version = \"x\"");
        let found = found(&raw, |r, f| rust(&app0(), &r.app[0], f));
        assert_eq!(
            found,
            ["invalid Rust version `x`", "invalid Cargo package name `-x`", "invalid Cargo profile `a b`"]
        );
    }
}
