//! The grammar of every kind of user string that reaches a generated file.
//!
//! Each check returns the grammar's own wording on failure, so the message tells the user what is allowed.
//! Sources: distribution/reference `regexp.go` (names, tags, digests, hosts), POSIX (`env` names,
//! user names), Debian policy 5.6.1 and Alpine's apk (package names), git-check-ref-format (branches).

use std::sync::LazyLock;

use regex::Regex;

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("grammar patterns are constants and valid")
}

// Each `*_PATTERN` is the one text of its grammar: the check below compiles it, and the JSON schema carries it as
// the key's `pattern`, which editors run as an ECMA-262 regex. So every pattern is written in the syntax both
// engines read alike: anchored with `^...$` (never `\A`/`\z`), ASCII classes spelled out (Rust's `\w` and `\d`
// are Unicode, ECMA's are ASCII), no flags, no class set operations. `tests/schema.rs` runs each in both.

/// Project and app names: lowercase words joined by single dashes.
pub const NAME_PATTERN: &str = r"^[a-z0-9]+(-[a-z0-9]+)*$";
/// The longest name: a DNS label's limit, since compose services are reached by name.
pub const NAME_MAX: usize = 63;
static NAME: LazyLock<Regex> = LazyLock::new(|| re(NAME_PATTERN));

/// Binary and workflow file names.
pub const BINARY_PATTERN: &str = r"^[A-Za-z0-9][A-Za-z0-9._-]*$";
/// The longest binary or workflow file name.
pub const BINARY_MAX: usize = 64;
static BIN: LazyLock<Regex> = LazyLock::new(|| re(BINARY_PATTERN));

/// One `/`-separated part of a repository path (distribution/reference `path-component`).
macro_rules! path_component {
    () => {
        r"[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*"
    };
}
pub const PATH_COMPONENT_PATTERN: &str = concat!("^", path_component!(), "$");
/// A whole repository path: components joined by `/`.
pub const REPOSITORY_PATH_PATTERN: &str = concat!("^", path_component!(), "(/", path_component!(), ")*$");
/// The longest repository path.
pub const REPOSITORY_PATH_MAX: usize = 255;
static PATH_COMPONENT: LazyLock<Regex> = LazyLock::new(|| re(PATH_COMPONENT_PATTERN));

/// A registry host: domain name or bracketed IPv6 address, optional port (distribution/reference `domain`).
pub const REGISTRY_HOST_PATTERN: &str = r"^(([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(\.([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*|\[[a-fA-F0-9:]+\])(:[0-9]+)?$";
static HOST: LazyLock<Regex> = LazyLock::new(|| re(REGISTRY_HOST_PATTERN));

/// An image tag (distribution/reference `tag`, `[\w][\w.-]{0,127}` with `\w` meaning ASCII as in Go).
pub const TAG_PATTERN: &str = r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$";
static TAG: LazyLock<Regex> = LazyLock::new(|| re(TAG_PATTERN));

/// A content digest: `algorithm:hex`.
pub const DIGEST_PATTERN: &str = r"^[a-z0-9]+([+._-][a-z0-9]+)*:[a-fA-F0-9]{32,}$";
static DIGEST: LazyLock<Regex> = LazyLock::new(|| re(DIGEST_PATTERN));

/// An environment variable (and build argument) name, POSIX.
pub const ENV_NAME_PATTERN: &str = r"^[A-Za-z_][A-Za-z0-9_]*$";
static ENV_NAME: LazyLock<Regex> = LazyLock::new(|| re(ENV_NAME_PATTERN));

/// A user name (POSIX portable, as `useradd` takes it).
pub const USER_PATTERN: &str = r"^[a-z_][a-z0-9_-]{0,31}$";
static USER: LazyLock<Regex> = LazyLock::new(|| re(USER_PATTERN));

/// A Debian or Alpine package name, optionally `=version`.
pub const PACKAGE_PATTERN: &str = r"^[a-z0-9][a-z0-9+.-]*(=[A-Za-z0-9.+~:_-]+)?$";
static PACKAGE: LazyLock<Regex> = LazyLock::new(|| re(PACKAGE_PATTERN));

/// A Debian package name alone (policy 5.6.1: at least two characters, lowercase letters, digits, `+`, `-` and
/// `.`, starting with a letter or digit): no version and no `:architecture`, since mkmulti adds the target's.
pub const DEBIAN_PACKAGE_PATTERN: &str = r"^[a-z0-9][a-z0-9+.-]+$";
static DEBIAN_PACKAGE: LazyLock<Regex> = LazyLock::new(|| re(DEBIAN_PACKAGE_PATTERN));

/// A `STOPSIGNAL` value: a signal name or number.
pub const SIGNAL_PATTERN: &str = r"^(SIG[A-Z][A-Z0-9]{1,9}(\+[0-9]{1,2})?|[0-9]{1,2})$";
static SIGNAL: LazyLock<Regex> = LazyLock::new(|| re(SIGNAL_PATTERN));

/// A Docker duration: numbers with units.
pub const DURATION_PATTERN: &str = r"^([0-9]+(\.[0-9]+)?(ns|us|ms|s|m|h))+$";
static DURATION: LazyLock<Regex> = LazyLock::new(|| re(DURATION_PATTERN));

/// A path inside the project: `.` or `./...`.
pub const RELATIVE_PATH_PATTERN: &str = r"^\.(/[A-Za-z0-9._-]+)*$";
static REL_PATH: LazyLock<Regex> = LazyLock::new(|| re(RELATIVE_PATH_PATTERN));

/// An app's build context: `.` (the config's directory) or a directory below it, `services/api` (a leading `./` is
/// allowed). No part starts with `.` or `-`, so no `..`, no hidden directory and nothing an option parser takes
/// for an option; no character a Makefile, a shell, YAML, HCL or a GitHub path filter reads as syntax.
pub const CONTEXT_PATTERN: &str = r"^(\.|(\./)?[A-Za-z0-9_][A-Za-z0-9._-]*(/[A-Za-z0-9_][A-Za-z0-9._-]*)*)$";
/// The longest build context path.
pub const CONTEXT_MAX: usize = 200;
static CONTEXT: LazyLock<Regex> = LazyLock::new(|| re(CONTEXT_PATTERN));

/// `ci.root`: the repository root seen from the config's directory, `.` or `..` parts only.
pub const CI_ROOT_PATTERN: &str = r"^(\.|\.\.(/\.\.)*)$";
static CI_ROOT: LazyLock<Regex> = LazyLock::new(|| re(CI_ROOT_PATTERN));

/// A file mkmulti writes, relative to the project directory: `docker.mk`, `docker/Dockerfile.api`. Every part
/// starts with a letter, digit or `_`, so no part is `.`, `..` or hidden, and no path starts with `-` or `/`; the
/// alphabet holds nothing that make, a shell, YAML or HCL would read as syntax.
pub const OUTPUT_PATH_PATTERN: &str = r"^[A-Za-z0-9_][A-Za-z0-9._-]*(/[A-Za-z0-9_][A-Za-z0-9._-]*)*$";
/// The longest such path.
pub const OUTPUT_PATH_MAX: usize = 255;
static OUTPUT_PATH: LazyLock<Regex> = LazyLock::new(|| re(OUTPUT_PATH_PATTERN));

/// An absolute path inside the container.
pub const CONTAINER_PATH_PATTERN: &str = r"^(/[A-Za-z0-9._-]+)+$";
static ABS_PATH: LazyLock<Regex> = LazyLock::new(|| re(CONTAINER_PATH_PATTERN));

/// A Cargo package or profile name.
pub const CARGO_NAME_PATTERN: &str = r"^[A-Za-z0-9_][A-Za-z0-9_-]*$";
static CARGO_NAME: LazyLock<Regex> = LazyLock::new(|| re(CARGO_NAME_PATTERN));

/// A Cargo feature, or `dependency/feature`.
pub const CARGO_FEATURE_PATTERN: &str = r"^[A-Za-z0-9_][A-Za-z0-9_+.-]*(/[A-Za-z0-9_][A-Za-z0-9_+.-]*)?$";
static FEATURE: LazyLock<Regex> = LazyLock::new(|| re(CARGO_FEATURE_PATTERN));

/// A Go build tag.
pub const GO_TAG_PATTERN: &str = r"^[A-Za-z0-9_.]+$";
static GO_TAG: LazyLock<Regex> = LazyLock::new(|| re(GO_TAG_PATTERN));

/// A Go package path.
pub const GO_PACKAGE_PATTERN: &str = r"^[A-Za-z0-9_.~/][A-Za-z0-9_.~/-]*$";
static GO_PKG: LazyLock<Regex> = LazyLock::new(|| re(GO_PACKAGE_PATTERN));

/// One `-ldflags` word.
pub const LDFLAG_PATTERN: &str = r"^[A-Za-z0-9_./=:,+@%-]+$";
static LDFLAG: LazyLock<Regex> = LazyLock::new(|| re(LDFLAG_PATTERN));

/// A git branch name (the characters; the `..`, `.lock` and leading `-` rules are code).
pub const BRANCH_PATTERN: &str = r"^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$";
static BRANCH: LazyLock<Regex> = LazyLock::new(|| re(BRANCH_PATTERN));

/// A GitHub Actions tag filter pattern (`v*`).
pub const REF_PATTERN_PATTERN: &str = r"^[A-Za-z0-9_.*+/-]+$";
static REF_PATTERN: LazyLock<Regex> = LazyLock::new(|| re(REF_PATTERN_PATTERN));

/// A GitHub Actions secret name (the characters; the `GITHUB_` rule is code).
pub const SECRET_PATTERN: &str = r"^[A-Z_][A-Z0-9_]*$";
static SECRET: LazyLock<Regex> = LazyLock::new(|| re(SECRET_PATTERN));

/// A version: one to three dot-separated numbers.
pub const VERSION_PATTERN: &str = r"^[0-9]+(\.[0-9]+){0,2}$";
static VERSION: LazyLock<Regex> = LazyLock::new(|| re(VERSION_PATTERN));

/// An `https://` source URL without query or fragment.
pub const HTTPS_URL_PATTERN: &str = r"^https://[A-Za-z0-9.-]+(:[0-9]+)?(/[A-Za-z0-9._~%/-]*)?$";
static URL: LazyLock<Regex> = LazyLock::new(|| re(HTTPS_URL_PATTERN));

/// A Go module path (`mkmulti new --module`): a lowercase domain with a dot for the first element, then
/// `/`-separated elements of letters, digits, `-`, `_`, `~` and inner dots (golang.org/x/mod/module's
/// `CheckPath`, narrowed: no element starts or ends with a dot).
pub const GO_MODULE_PATTERN: &str =
    r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+(/[A-Za-z0-9_~-]+(\.[A-Za-z0-9_~-]+)*)*$";
/// The longest Go module path accepted.
pub const GO_MODULE_MAX: usize = 255;
static GO_MODULE: LazyLock<Regex> = LazyLock::new(|| re(GO_MODULE_PATTERN));

/// A template variable's value (`mkmulti new --var KEY=VALUE`) unless its manifest gives a pattern: words,
/// digits and `._,:/@+()-`, never a quote, backslash, `$`, backtick, `#`, brace, `<>`, `&`, `|`, `;` or a line
/// break, so it cannot end a string or start an expansion in any source file it lands in.
pub const TEMPLATE_TEXT_PATTERN: &str = r"^[A-Za-z0-9][A-Za-z0-9 ._,:/@+()-]{0,199}$";
static TEMPLATE_TEXT: LazyLock<Regex> = LazyLock::new(|| re(TEMPLATE_TEXT_PATTERN));

/// A template variable's name: a Jinja identifier in lowercase.
pub const TEMPLATE_VARIABLE_PATTERN: &str = r"^[a-z_][a-z0-9_]{0,63}$";
static TEMPLATE_VARIABLE: LazyLock<Regex> = LazyLock::new(|| re(TEMPLATE_VARIABLE_PATTERN));

/// An SPDX license expression, flat (`MIT OR Apache-2.0`).
pub const SPDX_PATTERN: &str = r"^[A-Za-z0-9.+-]+( (AND|OR|WITH) [A-Za-z0-9.+-]+)*$";
static SPDX: LazyLock<Regex> = LazyLock::new(|| re(SPDX_PATTERN));

/// A build secret id: it becomes `--secret id=...`, a mount's `id=` and a Makefile variable's name.
pub const SECRET_ID_PATTERN: &str = r"^[a-z0-9][a-z0-9_-]*$";
pub const SECRET_ID_MAX: usize = 64;
static SECRET_ID: LazyLock<Regex> = LazyLock::new(|| re(SECRET_ID_PATTERN));

/// A local file holding a secret: no spaces, commas (they separate `--secret` fields), quotes or `$`.
pub const SECRET_FILE_PATTERN: &str = r"^[A-Za-z0-9._/+@][A-Za-z0-9._/+@~-]*$";
static SECRET_FILE: LazyLock<Regex> = LazyLock::new(|| re(SECRET_FILE_PATTERN));

/// One `known_hosts` line: host names (or `[host]:port`), comma-separated, a key type and a base64 key. No
/// markers, hashed names, wildcards or comments: the line is printed into a single-quoted shell word.
pub const SSH_KNOWN_HOST_PATTERN: &str = r"^([a-z0-9][a-z0-9.-]*|\[[a-z0-9][a-z0-9.-]*\]:[0-9]{1,5})(,([a-z0-9][a-z0-9.-]*|\[[a-z0-9][a-z0-9.-]*\]:[0-9]{1,5}))* (ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp256|ecdsa-sha2-nistp384|ecdsa-sha2-nistp521|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com) [A-Za-z0-9+/]{16,}={0,2}$";
pub const SSH_KNOWN_HOST_MAX: usize = 4096;
static SSH_KNOWN_HOST: LazyLock<Regex> = LazyLock::new(|| re(SSH_KNOWN_HOST_PATTERN));

/// `GOPROXY`: proxy URLs (no credentials), `direct` and `off`, separated by `,` or `|`.
pub const GOPROXY_PATTERN: &str = r"^(https?://[A-Za-z0-9.-]+(:[0-9]+)?(/[A-Za-z0-9._~%/-]*)?|direct|off)([,|](https?://[A-Za-z0-9.-]+(:[0-9]+)?(/[A-Za-z0-9._~%/-]*)?|direct|off))*$";
static GOPROXY: LazyLock<Regex> = LazyLock::new(|| re(GOPROXY_PATTERN));

/// `GOSUMDB`: `off`, a database name with an optional `+key`, and an optional URL after one space.
pub const GOSUMDB_PATTERN: &str =
    r"^(off|[A-Za-z0-9.-]+(\+[A-Za-z0-9+/=]+)?( https?://[A-Za-z0-9.-]+(:[0-9]+)?(/[A-Za-z0-9._~%/-]*)?)?)$";
static GOSUMDB: LazyLock<Regex> = LazyLock::new(|| re(GOSUMDB_PATTERN));

/// One `GOPRIVATE`/`GONOSUMDB` module path pattern (the list is joined with commas).
pub const GO_MODULE_GLOB_PATTERN: &str = r"^[A-Za-z0-9._~*?][A-Za-z0-9._~*?/-]*$";
static GO_MODULE_GLOB: LazyLock<Regex> = LazyLock::new(|| re(GO_MODULE_GLOB_PATTERN));

/// A crates.io replacement registry: `sparse+https://...` (sparse index) or `https://...` (git index).
pub const CARGO_MIRROR_PATTERN: &str = r"^(sparse\+)?https?://[A-Za-z0-9.-]+(:[0-9]+)?(/[A-Za-z0-9._~%/-]*)?$";
static CARGO_MIRROR: LazyLock<Regex> = LazyLock::new(|| re(CARGO_MIRROR_PATTERN));

/// The `GOAMD64` microarchitecture levels Go knows.
pub const GOAMD64_LEVELS: &[&str] = &["v1", "v2", "v3", "v4"];

/// The result of a grammar check: the grammar's wording on failure.
pub type Check = Result<(), String>;

fn matches(re: &Regex, value: &str, wording: &str) -> Check {
    if re.is_match(value) { Ok(()) } else { Err(wording.to_string()) }
}

/// Project and app names: they become make targets, compose services, stage names and env var prefixes.
pub fn name(v: &str) -> Check {
    if v.len() > NAME_MAX {
        return Err(format!("a name has at most {NAME_MAX} characters"));
    }
    matches(&NAME, v, "a name is lowercase letters and digits, in words joined by single `-` (like `my-app`)")
}

pub fn binary(v: &str) -> Check {
    if v.len() > BINARY_MAX {
        return Err(format!("a binary name has at most {BINARY_MAX} characters"));
    }
    matches(&BIN, v, "a binary name is letters, digits, `.`, `_` and `-`, starting with a letter or digit")
}

/// An image repository path under a registry: `team/app`.
pub fn repository_path(v: &str) -> Check {
    if v.len() > REPOSITORY_PATH_MAX {
        return Err(format!("a repository path has at most {REPOSITORY_PATH_MAX} characters"));
    }
    for component in v.split('/') {
        if !PATH_COMPONENT.is_match(component) {
            return Err(if component.chars().any(|c| c.is_ascii_uppercase()) {
                "repository name must be lowercase".into()
            } else {
                "each `/`-separated part is lowercase letters and digits, joined by `.`, `_`, `__` or dashes".into()
            });
        }
    }
    Ok(())
}

/// A registry host: `docker.io`, `ghcr.io`, `localhost:5000`, `[::1]:5000`.
pub fn registry_host(v: &str) -> Check {
    matches(&HOST, v, "a registry host is a domain name or bracketed IPv6 address, with an optional `:port`")?;
    let host = v.rsplit_once(':').filter(|(h, p)| !h.ends_with(']') || !p.is_empty()).map_or(v, |(h, _)| h);
    if host == "localhost" || v.contains('.') || v.contains(':') {
        Ok(())
    } else {
        Err("a registry host must contain `.` or `:`, or be `localhost`; otherwise Docker reads it as a Docker Hub user".into())
    }
}

pub fn tag(v: &str) -> Check {
    matches(&TAG, v, "a tag is up to 128 letters, digits, `_`, `.` and `-`, not starting with `.` or `-`")
}

pub fn digest(v: &str) -> Check {
    matches(&DIGEST, v, "a digest is `algorithm:hex`, like `sha256:` and 64 hex digits")
}

/// A full image reference: `[host/]path[:tag][@digest]`.
pub fn image_reference(v: &str) -> Check {
    let (rest, digest_part) = match v.split_once('@') {
        Some((r, d)) => (r, Some(d)),
        None => (v, None),
    };
    if let Some(d) = digest_part {
        digest(d)?;
    }
    let (name, tag_part) = match rest.rfind(':') {
        Some(i) if !rest[i + 1..].contains('/') => (&rest[..i], Some(&rest[i + 1..])),
        _ => (rest, None),
    };
    if let Some(t) = tag_part {
        tag(t)?;
    }
    let (host, path) = match name.split_once('/') {
        Some((first, path)) if first == "localhost" || first.contains('.') || first.contains(':') => {
            (Some(first), path)
        }
        _ => (None, name),
    };
    if let Some(h) = host {
        registry_host(h)?;
    }
    if name == "scratch" {
        return Err("`scratch` is not an image to pull; use `runtime = \"scratch\"`".into());
    }
    repository_path(path)
}

pub fn env_name(v: &str) -> Check {
    matches(&ENV_NAME, v, "a variable name is letters, digits and `_`, not starting with a digit")
}

pub fn user(v: &str) -> Check {
    if v == "root" {
        return Err("the app must not run as root".into());
    }
    matches(&USER, v, "a user name is up to 32 lowercase letters, digits, `_` and `-`, starting with a letter or `_`")
}

pub fn debian_package(v: &str) -> Check {
    matches(
        &DEBIAN_PACKAGE,
        v,
        "a Debian package name is two or more lowercase letters, digits, `+`, `.` and `-`, starting with a letter or \
         digit, without a version or `:architecture`",
    )
}

pub fn package(v: &str) -> Check {
    matches(&PACKAGE, v, "a package name is lowercase letters, digits, `+`, `.` and `-`, optionally `=version`")
}

/// A `GOAMD64` microarchitecture level.
pub fn goamd64(v: &str) -> Check {
    if GOAMD64_LEVELS.contains(&v) { Ok(()) } else { Err("use one of `v1`, `v2`, `v3`, `v4`".into()) }
}

/// A `STOPSIGNAL` value: a signal name (`SIGINT`, `SIGRTMIN+3`) or number (`2`).
pub fn signal(v: &str) -> Check {
    matches(&SIGNAL, v, "a signal is a name like `SIGINT` or `SIGQUIT`, or a number like `2`")
}

pub fn duration(v: &str) -> Check {
    matches(&DURATION, v, "a duration is a number with a unit, like `30s`, `1m30s` or `500ms`")
}

/// A path inside the project, relative and below its root: `.`, `./cmd/app`.
pub fn relative_path(v: &str) -> Check {
    if v.split('/').any(|p| p == "..") {
        return Err("the path must stay inside the project: no `..`".into());
    }
    matches(
        &REL_PATH,
        v,
        "a package path starts with `./` and has letters, digits, `.`, `_` and `-` (like `./cmd/app`)",
    )
}

/// An app's build context directory: `.` or `services/api`.
pub fn context(v: &str) -> Check {
    relative_below(
        v,
        CONTEXT_MAX,
        [
            "the build context is a path relative to the config's directory, not an absolute one",
            "the build context must stay inside the config's directory: no `..`",
            "a build context path",
        ],
    )?;
    matches(
        &CONTEXT,
        v,
        "a build context is `.` or a relative directory of letters, digits, `.`, `_` and `-`, no part starting \
         with `.` or `-` (like `services/api`)",
    )
}

/// A relative path that stays below its directory and is not too long; `says` holds the messages for an absolute
/// path and for `..`, and how the path is named in the length message.
fn relative_below(v: &str, max: usize, says: [&str; 3]) -> Check {
    let [absolute, up, what] = says;
    if v.starts_with('/') {
        return Err(absolute.into());
    }
    if v.split('/').any(|p| p == "..") {
        return Err(up.into());
    }
    if v.len() > max {
        return Err(format!("{what} has at most {max} characters"));
    }
    Ok(())
}

/// `ci.root`: `.` or `..`, `../..`, ...
pub fn ci_root(v: &str) -> Check {
    matches(&CI_ROOT, v, "the repository root is `.` or `..` parts joined by `/` (like `../..`), nothing else")
}

/// A file mkmulti writes, relative to the project directory and below it: `docker.mk`, `Dockerfile.mkmulti`.
pub fn output_path(v: &str) -> Check {
    relative_below(
        v,
        OUTPUT_PATH_MAX,
        [
            "the path is relative to the project directory: no leading `/`",
            "the path must stay inside the project: no `..`",
            "a path",
        ],
    )?;
    matches(
        &OUTPUT_PATH,
        v,
        "a file path is parts of letters, digits, `.`, `_` and `-` joined by `/`, each starting with a letter, digit or \
         `_` (like `docker.mk` or `docker/Dockerfile.api`)",
    )
}

/// An absolute path inside the container: `/data`.
pub fn container_path(v: &str) -> Check {
    if v.split('/').any(|p| p == ".." || p == ".") {
        return Err("the path must not contain `.` or `..` parts".into());
    }
    matches(
        &ABS_PATH,
        v,
        "a container path is absolute, with letters, digits, `.`, `_` and `-` (like `/home/app/data`)",
    )
}

pub fn cargo_name(v: &str) -> Check {
    matches(&CARGO_NAME, v, "a Cargo package name is letters, digits, `_` and `-`, not starting with `-`")
}

pub fn cargo_feature(v: &str) -> Check {
    matches(&FEATURE, v, "a feature is letters, digits, `_`, `-`, `+` and `.`, optionally `dependency/feature`")
}

/// A Cargo profile name (`release`, `dist`): letters, digits, `_` and `-`.
pub fn cargo_profile(v: &str) -> Check {
    matches(&CARGO_NAME, v, "a Cargo profile name is letters, digits, `_` and `-`, not starting with `-`")
}

/// A workflow file name under `.github/workflows/`, without `.yml`.
pub fn workflow_name(v: &str) -> Check {
    if v.len() > BINARY_MAX {
        return Err(format!("a workflow name has at most {BINARY_MAX} characters"));
    }
    matches(&BIN, v, "a workflow file name is letters, digits, `.`, `_` and `-`, starting with a letter or digit")
}

pub fn go_tag(v: &str) -> Check {
    matches(&GO_TAG, v, "a Go build tag is letters, digits, `_` and `.`")
}

pub fn go_package(v: &str) -> Check {
    matches(&GO_PKG, v, "a Go package path is letters, digits and `_.~/-`, not starting with `-`")
}

pub fn ldflag(v: &str) -> Check {
    if v.starts_with('-') && v.len() == 1 {
        return Err("a lone `-` is not a linker flag".into());
    }
    matches(&LDFLAG, v, "an ldflags word is letters, digits and `_./=:,+@%-` (no spaces or quotes)")
}

pub fn branch(v: &str) -> Check {
    if v.contains("..") || v.ends_with(".lock") || v.starts_with('-') {
        return Err("a branch name has no `..`, does not end in `.lock` and does not start with `-`".into());
    }
    matches(&BRANCH, v, "a branch name is letters, digits, `_`, `.`, `-`, in parts joined by `/`")
}

pub fn ref_pattern(v: &str) -> Check {
    matches(&REF_PATTERN, v, "a tag pattern is letters, digits and `_.*+/-` (like `v*`)")
}

pub fn secret_name(v: &str) -> Check {
    if v.starts_with("GITHUB_") && v != "GITHUB_TOKEN" {
        return Err("secret names cannot start with `GITHUB_`".into());
    }
    matches(&SECRET, v, "a secret name is upper-case letters, digits and `_`, not starting with a digit")
}

pub fn version(v: &str) -> Check {
    matches(&VERSION, v, "a version is one to three dot-separated numbers, like `1.22`")
}

pub fn https_url(v: &str) -> Check {
    matches(&URL, v, "a source URL is `https://host/path` with no query, spaces or quotes")
}

pub fn spdx(v: &str) -> Check {
    matches(&SPDX, v, "a license is an SPDX expression like `MIT` or `MIT OR Apache-2.0`")
}

pub fn secret_id(v: &str) -> Check {
    if v.len() > SECRET_ID_MAX {
        return Err(format!("a secret id has at most {SECRET_ID_MAX} characters"));
    }
    matches(&SECRET_ID, v, "a secret id is lowercase letters, digits, `-` and `_`, starting with a letter or digit")
}

pub fn secret_file(v: &str) -> Check {
    matches(
        &SECRET_FILE,
        v,
        "a secret file is a path of letters, digits and `._/+@~-` (no spaces, commas, quotes or `$`; no leading `~` \
         or `-`)",
    )
}

pub fn goproxy(v: &str) -> Check {
    matches(
        &GOPROXY,
        v,
        "GOPROXY is `http(s)://host[:port]/path` URLs, `direct` and `off`, separated by `,` or `|`; no credentials in \
         the URL (use a `.netrc` secret)",
    )
}

pub fn gosumdb(v: &str) -> Check {
    matches(&GOSUMDB, v, "GOSUMDB is `off`, a database name with an optional `+key`, and an optional ` https://` URL")
}

pub fn go_module_glob(v: &str) -> Check {
    matches(&GO_MODULE_GLOB, v, "a module path pattern is letters, digits and `._~*?/-` (like `github.com/org/*`)")
}

pub fn ssh_known_host(v: &str) -> Check {
    if v.len() > SSH_KNOWN_HOST_MAX {
        return Err(format!("a known_hosts line is at most {SSH_KNOWN_HOST_MAX} characters"));
    }
    matches(
        &SSH_KNOWN_HOST,
        v,
        "a known_hosts line is `<host>[,<host>...] <key type> <base64 key>`, hosts in lowercase (`[host]:port` for \
         another port), one space between fields, no comment, marker or hashed host",
    )
}

pub fn cargo_mirror(v: &str) -> Check {
    matches(
        &CARGO_MIRROR,
        v,
        "a crates.io mirror is `sparse+https://host/path/` or a git index `https://host/path`, with no credentials, \
         query or quotes",
    )
}

pub fn go_module(v: &str) -> Check {
    if v.len() > GO_MODULE_MAX {
        return Err(format!("a Go module path has at most {GO_MODULE_MAX} characters"));
    }
    matches(
        &GO_MODULE,
        v,
        "a Go module path is a lowercase domain with a dot, then `/`-separated elements (like `example.com/team/api`)",
    )
}

pub fn template_text(v: &str) -> Check {
    matches(
        &TEMPLATE_TEXT,
        v,
        "a value is 1 to 200 letters, digits, spaces and `._,:/@+()-`, starting with a letter or digit",
    )
}

pub fn template_variable(v: &str) -> Check {
    matches(&TEMPLATE_VARIABLE, v, "a variable name is lowercase letters, digits and `_`, not starting with a digit")
}

/// The longest free-text value, in bytes. BuildKit's parser reads a Dockerfile line of at most 64 KiB, and a value
/// stands on a line of its own; escaping can double it.
pub const MAX_TEXT_BYTES: usize = 16 * 1024;

/// Free text (descriptions, env values, args): anything printable, but nothing that can change a file's
/// structure in any sink: no control, bidi or zero-width characters, no GitHub expression opener, and no more
/// than [`MAX_TEXT_BYTES`].
pub fn text(v: &str) -> Check {
    if v.len() > MAX_TEXT_BYTES {
        return Err(format!(
            "{} bytes is too long: a value has at most {MAX_TEXT_BYTES} (a Dockerfile line holds 64 KiB); pass large \
             data as a file or at run time",
            v.len()
        ));
    }
    if let Some(c) = v.chars().find(|c| is_forbidden_char(*c)) {
        return Err(format!(
            "U+{:04X} ({}) is not allowed: control, bidi and zero-width characters are refused",
            c as u32,
            char_name(c)
        ));
    }
    if v.contains("${{") {
        return Err("`${{` is not allowed: GitHub Actions would expand it as an expression".into());
    }
    Ok(())
}

fn is_forbidden_char(c: char) -> bool {
    c.is_control() || is_invisible(c)
}

/// Bidi controls and zero-width characters: they reorder or hide text without showing themselves.
pub fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

fn char_name(c: char) -> &'static str {
    match c {
        '\n' => "line feed",
        '\r' => "carriage return",
        '\t' => "tab",
        '\0' => "NUL",
        '\u{1B}' => "escape",
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' => "bidi control",
        '\u{200B}'..='\u{200D}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' => "zero-width",
        _ => "control character",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(name("pixelzx").is_ok() && name("realtime-svg").is_ok());
        assert!(name("Pixel").is_err() && name("a--b").is_err() && name("-a").is_err() && name("a_b").is_err());
    }

    #[test]
    fn an_accepted_build_context_is_plain_in_every_sink() {
        // Every character a Makefile, a shell, YAML, HCL, compose or a GitHub path filter reads as syntax, and
        // every way out of the config's directory, spliced into a context that is accepted alone.
        let hostile = [
            "$", "$(id)", "`", "'", "\"", "#", ";", "&", "|", "*", "?", "[", "]", "!", "{", "}", ":", "%", "=", "\\",
            " ", "\t", "\n", "~", ",", "+", "@", "..", "../", "/..", "/", "//", "-x", ".x", "é",
        ];
        let plain = |c: char| c.is_ascii_alphanumeric() || "._-/".contains(c);
        for h in hostile {
            for value in [h.to_string(), format!("services/{h}"), format!("{h}/api"), format!("services{h}api")] {
                if context(&value).is_ok() {
                    assert!(value.chars().all(plain), "{value:?}");
                    let parts: Vec<&str> = value.trim_start_matches("./").split('/').collect();
                    assert!(parts.iter().all(|p| !p.is_empty() && !p.starts_with(['.', '-'])), "{value:?}");
                }
            }
        }
        assert!(context(".").is_ok() && context("./services/api").is_ok() && context("svc.v2/api_1").is_ok());
        assert!(context("services/..").is_err() && context("services/api/").is_err() && context("").is_err());
        assert!(context(&"a".repeat(CONTEXT_MAX + 1)).is_err());
        assert!(ci_root("..").is_ok() && ci_root("../../..").is_ok() && ci_root(".").is_ok());
        assert!(ci_root("./..").is_err() && ci_root("../").is_err() && ci_root("../x").is_err());
    }

    #[test]
    fn image_references_follow_distribution_reference() {
        for ok in [
            "alpine:3.22",
            "golang:1.22-bookworm",
            "gcr.io/distroless/static-debian12:nonroot",
            "localhost:5000/team/app:v1",
            "127.0.0.1:5100/library/debian:bookworm-slim",
            "alpine@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            "alpine:3.22@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        ] {
            assert_eq!(image_reference(ok), Ok(()), "{ok}");
        }
        assert_eq!(image_reference("Alpine:3").unwrap_err(), "repository name must be lowercase");
        assert!(image_reference("alpine:-x").is_err());
        assert!(image_reference("alpine@sha256:abc").is_err());
        assert!(image_reference("a b").is_err());
        assert!(image_reference("scratch").is_err());
    }

    #[test]
    fn registry_hosts() {
        for ok in ["docker.io", "ghcr.io", "localhost", "localhost:5000", "reg.example.com:443", "[::1]:5000"] {
            assert_eq!(registry_host(ok), Ok(()), "{ok}");
        }
        assert!(registry_host("myregistry").unwrap_err().contains("Docker Hub user"));
        assert!(registry_host("https://ghcr.io").is_err());
        assert!(registry_host("reg_x.io").is_err());
    }

    #[test]
    fn text_refuses_structure_changing_characters_by_code_point() {
        assert_eq!(text("hello, world $HOME 'quoted' \"x\" #"), Ok(()));
        assert!(text("a\nb").unwrap_err().contains("U+000A (line feed)"));
        assert!(text("a\u{202E}b").unwrap_err().contains("U+202E (bidi control)"));
        assert!(text("a\u{200B}b").unwrap_err().contains("U+200B (zero-width)"));
        assert!(text("${{ github.token }}").unwrap_err().contains("${{"));
    }

    #[test]
    fn paths_stay_inside() {
        assert!(relative_path(".").is_ok() && relative_path("./cmd/pixelzx").is_ok());
        assert!(relative_path("./../x").is_err() && relative_path("/abs").is_err() && relative_path("cmd").is_err());
        for ok in ["docker.mk", "Dockerfile.mkmulti", "docker/Dockerfile.api", "_build/x"] {
            assert!(output_path(ok).is_ok(), "{ok}");
        }
        for (bad, why) in [
            ("../docker.mk", "no `..`"),
            ("a/../../b", "no `..`"),
            ("/etc/docker.mk", "no leading `/`"),
            ("./docker.mk", "each starting with"),
            (".github/x", "each starting with"),
            ("-f", "each starting with"),
            ("a b", "each starting with"),
            ("a$(x)", "each starting with"),
            ("a#b", "each starting with"),
            ("a:b", "each starting with"),
            ("a/", "each starting with"),
            ("a//b", "each starting with"),
            ("", "each starting with"),
        ] {
            assert!(output_path(bad).is_err_and(|e| e.contains(why)), "{bad}: {:?}", output_path(bad));
        }
        assert!(output_path(&"a".repeat(256)).is_err());
        assert!(container_path("/home/pixelzx/data").is_ok());
        assert!(
            container_path("data").is_err() && container_path("/a/../b").is_err() && container_path("/a b").is_err()
        );
    }

    #[test]
    fn small_grammars() {
        assert!(user("pixelzx").is_ok() && user("root").is_err() && user("Bad").is_err());
        assert!(package("ca-certificates").is_ok() && package("tini=0.19.0-1").is_ok() && package("-x").is_err());
        assert!(duration("1m30s").is_ok() && duration("30").is_err());
        assert!(env_name("RUST_LOG").is_ok() && env_name("1X").is_err() && env_name("A-B").is_err());
        assert!(secret_name("DOCKERHUB_TOKEN").is_ok() && secret_name("GITHUB_X").is_err());
        assert!(branch("release/v1").is_ok() && branch("a..b").is_err() && branch("-x").is_err());
        assert!(tag("v1.2.3").is_ok() && tag(".x").is_err());
        assert!(https_url("https://github.com/example/x").is_ok() && https_url("http://x").is_err());
    }

    /// The schema's pattern for a whole repository path means what the per-component check means.
    #[test]
    fn repository_path_pattern_is_the_component_check() {
        let whole = re(REPOSITORY_PATH_PATTERN);
        for v in ["team/app", "a", "a.b/c__d/e---f", "A/b", "a//b", "/a", "a/", "a_/b", "a__b", "a___b", "a-", "-a"] {
            assert_eq!(whole.is_match(v), repository_path(v).is_ok(), "{v}");
        }
    }

    /// Values that become command-line arguments (`cargo build -p NAME`, `go build PKG`) cannot be options.
    #[test]
    fn argument_values_cannot_start_with_a_dash() {
        assert!(cargo_name("svg-core").is_ok() && cargo_name("_x").is_ok());
        assert!(cargo_name("--offline").unwrap_err().contains("not starting with `-`"));
        assert!(go_package("./cmd/api").is_ok() && go_package("example.com/x/cmd/api").is_ok());
        assert!(go_package("-toolexec").unwrap_err().contains("not starting with `-`"));
        assert!(cargo_feature("-x").is_err() && go_tag("-x").is_err() && package("-o").is_err());
        assert!(ldflag("-X").is_ok(), "ldflags words are inside one -ldflags value");
    }
}
