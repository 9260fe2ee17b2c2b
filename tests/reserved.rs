//! The variables the Dockerfiles set, declare or read are exactly the ones a config's `build-args` may not name:
//! a template that starts using a new variable fails here until the reserved list has it.

use std::collections::BTreeSet;

use regex::Regex;

use crate::util;

/// Configs beside the examples that reach every template branch: cgo, musl, cargo-chef, tini, packages, build
/// packages, runtime libraries and test stages.
const EXTRA: &[&str] = &[
    "[[app]]\nname = \"a\"\nlanguage = \"go\"\ngo.cgo = true\ngo.goamd64 = \"v3\"\ninit = true\n",
    "[[app]]\nname = \"a\"\nlanguage = \"rust\"\nrust.libc = \"musl\"\nrust.cache = \"chef\"\nruntime = \"alpine\"\npackages = [\"curl\"]\n",
    "[[app]]\nname = \"a\"\nlanguage = \"rust\"\nrust.cache = \"chef\"\nrust.features = [\"x\"]\n",
    "[[app]]\nname = \"a\"\nlanguage = \"rust\"\nbuild-packages = [\"libssl-dev\"]\nruntime-libraries = [\"libssl3\"]\n",
    "[[app]]\nname = \"a\"\nlanguage = \"go\"\ngo.cgo = true\nbuild-packages = [\"zlib1g-dev\"]\nruntime-libraries = [\"zlib1g\"]\n",
    "[[app]]\nname = \"a\"\nlanguage = \"go\"\ngo.tags = [\"netgo\"]\ntest = true\n",
    "[[app]]\nname = \"a\"\nlanguage = \"go\"\ngo.cgo = true\nbuild-packages = [\"zlib1g-dev\"]\ntest = true\n",
    "[[app]]\nname = \"a\"\nlanguage = \"rust\"\nrust.cache = \"chef\"\nbuild-packages = [\"libssl-dev\"]\ntest = true\n",
    "[[app]]\nname = \"a\"\nlanguage = \"rust\"\nrust.libc = \"musl\"\ntest = true\n",
    "[[app]]\nname = \"a\"\nlanguage = \"rust\"\n[[app]]\nname = \"b\"\nlanguage = \"go\"\n[build]\nssh = true\n\
     ca-secret = \"ca\"\ncargo-mirror = \"sparse+https://m.example.com/\"\ngoproxy = \"https://p.example.com\"\n\
     [build.secrets.ca]\nfile = \"ca.pem\"\n[build.secrets.t]\nbuild-env = \"CARGO_REGISTRIES_X_TOKEN\"\n",
];

/// Variable names starting with an uppercase letter (`CC_aarch64_unknown_linux_gnu` too) a Dockerfile declares (`ARG`), sets (`ENV`, `NAME=value` in a `RUN`) or reads
/// (`$NAME`, `${NAME...}`), outside comments.
fn variables(dockerfile: &str) -> BTreeSet<String> {
    let set = Regex::new(r"(?:^|[\s;&|(])([A-Z][A-Za-z0-9_]*)=").unwrap();
    let read = Regex::new(r"\$\{?([A-Z][A-Za-z0-9_]*)").unwrap();
    let arg = Regex::new(r"^ARG\s+(.*)$").unwrap();
    let mut out = BTreeSet::new();
    for line in dockerfile.lines().filter(|l| !l.trim_start().starts_with('#')) {
        if let Some(names) = arg.captures(line) {
            out.extend(names[1].split_whitespace().map(|w| w.split('=').next().unwrap().to_string()));
        }
        out.extend(set.captures_iter(line).map(|c| c[1].to_string()));
        out.extend(read.captures_iter(line).map(|c| c[1].to_string()));
    }
    out
}

#[test]
fn every_variable_the_dockerfiles_use_is_reserved() {
    let mut configs: Vec<String> =
        util::examples().iter().map(|dir| std::fs::read_to_string(dir.join("multiarch.toml")).unwrap()).collect();
    let head = "[project]\nname = \"p\"\n[registry]\nnamespace = \"acme\"\n";
    configs.extend(EXTRA.iter().map(|app| format!("{head}{app}")));
    let mut seen = BTreeSet::new();
    for text in &configs {
        let loaded = mkmulti::load_str(text, "m.toml", "m.toml").unwrap_or_else(|e| panic!("{e:?}\n{text}"));
        let mut own: BTreeSet<String> = BTreeSet::new();
        for app in &loaded.plan.apps {
            own.extend(app.build_args.iter().map(|(k, _)| k.clone()));
            own.extend(app.env.iter().map(|(k, _)| k.clone()));
            own.insert(app.platform_env.clone());
        }
        own.extend(loaded.plan.build.secrets.iter().filter_map(|s| s.build_env.clone()));
        for file in mkmulti::render::render(&loaded.plan).iter().filter(|f| f.path.starts_with("Dockerfile")) {
            for name in variables(&file.contents).difference(&own) {
                assert!(
                    mkmulti::resolve::is_reserved(name),
                    "{} uses `{name}`, which a build argument could still set: add it to resolve::derive's reserved list",
                    file.path
                );
                seen.insert(name.clone());
            }
        }
    }
    for expected in [
        "CARGO_BUILD_TARGET",
        "CGO_ENABLED",
        "TARGETARCH",
        "GOARM",
        "CC",
        "PATH",
        "CC_aarch64_unknown_linux_gnu",
        "PKG_CONFIG_LIBDIR",
        "PKG_CONFIG_ALLOW_CROSS",
        "PKG_CONFIG_LIBDIR_aarch64_unknown_linux_gnu",
        "GOPROXY",
        "CARGO_MIRROR",
        "SSL_CERT_FILE",
        "CARGO_HTTP_CAINFO",
    ] {
        assert!(seen.contains(expected), "the reader missed `{expected}`: {seen:?}");
    }
}

#[test]
fn the_reader_finds_declared_set_and_read_names() {
    let found = variables("ARG A B=1\nENV C=2 \\\n    D_X=\"y\"\nRUN E=1 cmd \"$F\" ${G#v} && x=1\n# ARG H\n");
    let want: BTreeSet<String> = ["A", "B", "C", "D_X", "E", "F", "G"].map(String::from).into();
    assert_eq!(found, want);
}
