//! Rules for free-form values that several sections share: argument lists and name/value maps.

use indexmap::IndexMap;

use crate::diagnostics::{Diagnostic, KeyPath};
use crate::grammar;
use crate::resolve::findings::{Findings, any};

/// Words that make a variable name look like it holds a secret.
const SECRET_WORDS: &[&str] = &["TOKEN", "PASSWORD", "SECRET", "KEY", "CREDENTIAL"];

/// A list of arguments: any text, at most [`crate::resolve::findings::MAX_LIST`] of them.
pub fn args(path: &KeyPath, args: &[String], f: &mut Findings) {
    f.check_list(path, args, "argument", any);
}

/// A map of variables (`env`, `build-args`, `compose.environment`): names by the environment-name grammar, values
/// any text; a name that looks like a secret is warned about, since its value ends up in the image's metadata.
pub fn vars(path: &KeyPath, vars: &IndexMap<String, String>, what: &str, f: &mut Findings) {
    for (k, v) in vars {
        let at = path.key(k);
        f.check(&at, k, &format!("{what} name"), grammar::env_name);
        f.check(&at, v, &format!("{what} value"), any);
        let upper = k.to_ascii_uppercase();
        if SECRET_WORDS.iter().any(|s| upper.contains(s)) {
            f.push(
                Diagnostic::warning(
                    at,
                    format!("`{k}` looks like a secret; its value is stored in the image's metadata"),
                )
                .with_help("pass secrets at run time, or to builds with `RUN --mount=type=secret`"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_looking_names_are_warned_about_not_refused() {
        let mut f = Findings::default();
        let map: IndexMap<String, String> = [("API_TOKEN".to_string(), "x".to_string())].into_iter().collect();
        vars(&KeyPath::root().key("env"), &map, "environment variable", &mut f);
        assert!(!f.has_errors());
        assert_eq!(f.messages(), ["`API_TOKEN` looks like a secret; its value is stored in the image's metadata"]);
    }

    #[test]
    fn names_follow_the_environment_grammar() {
        let mut f = Findings::default();
        let map: IndexMap<String, String> = [("1X".to_string(), "x".to_string())].into_iter().collect();
        vars(&KeyPath::root().key("env"), &map, "environment variable", &mut f);
        assert_eq!(f.messages(), ["invalid environment variable name `1X`"]);
    }
}
