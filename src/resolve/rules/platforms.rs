//! Rules about platforms: each list's entries, and whether every platform an app builds for has what the app
//! needs there (a cross toolchain, a runtime image that publishes it, a Debian `tini`).

use crate::config::{Language, RawApp, RawConfig};
use crate::diagnostics::{Diagnostic, KeyPath};
use crate::images;
use crate::platform::{self, PlatformInfo};
use crate::resolve::derive;
use crate::resolve::findings::{Findings, MAX_LIST, any};

/// A platform list: not empty; aliases normalised (with a note); repeats and unknown platforms refused.
pub fn platform_list(path: &KeyPath, list: &[String], f: &mut Findings) {
    if list.is_empty() {
        f.error_help(
            path.clone(),
            "the platform list is empty",
            "list at least one platform, e.g. `[\"linux/amd64\"]`",
        );
    }
    if list.len() > MAX_LIST {
        f.error_help(
            path.clone(),
            format!("too many entries ({}, at most {MAX_LIST})", list.len()),
            format!("mkmulti knows {} platforms; list each once", platform::PLATFORMS.len()),
        );
        return;
    }
    let mut seen: Vec<&'static PlatformInfo> = Vec::new();
    for (i, s) in list.iter().enumerate().take(MAX_LIST) {
        let at = path.index(i);
        if !f.check(&at, s, "platform", any) {
            continue;
        }
        match platform::parse(s) {
            Ok(parsed) => {
                if let Some(from) = &parsed.normalised_from {
                    f.push(
                        Diagnostic::note(at.clone(), format!("`{from}` is read as `{}`", parsed.info.oci))
                            .with_help(format!("write `{}` to silence this note", parsed.info.oci)),
                    );
                }
                if seen.contains(&parsed.info) {
                    f.error_help(at, format!("`{}` is listed twice", parsed.info.oci), "remove the duplicate");
                } else {
                    seen.push(parsed.info);
                }
            }
            Err(e) => {
                let help = match &e {
                    // 64-bit Arm is `arm64` in OCI platforms; `arm/v8` is what `uname -m` and some docs suggest.
                    platform::PlatformError::UnknownVariant { arch: "arm", variant, .. } if variant == "v8" => {
                        "did you mean `linux/arm64`? 64-bit Arm is `arm64` (its only variant is v8)".to_string()
                    }
                    platform::PlatformError::UnknownArch { suggestion: Some(s), .. } => {
                        let oci = platform::PLATFORMS.iter().find(|p| p.arch == *s).map_or(*s, |p| p.oci);
                        format!("did you mean `{oci}`?")
                    }
                    _ => format!(
                        "supported platforms: {}",
                        platform::PLATFORMS.iter().map(|p| p.oci).collect::<Vec<_>>().join(", ")
                    ),
                };
                f.error_help(at, format!("invalid platform `{s}`: {e}"), help);
            }
        }
    }
}

/// The config entry that named `platform` for this app: `app[i].platforms[j]`, or `project.platforms[j]` when the
/// app has no list of its own.
fn platform_path(raw: &RawConfig, p: &KeyPath, app: &RawApp, platform: &PlatformInfo) -> KeyPath {
    let path = match &app.platforms {
        Some(_) => p.key("platforms"),
        None => KeyPath::root().key("project").key("platforms"),
    };
    let list = derive::platform_list(raw, app);
    match list.iter().position(|s| platform::parse(s).is_ok_and(|parsed| parsed.info.oci == platform.oci)) {
        Some(i) => path.index(i),
        None => path,
    }
}

/// Every target platform has a cross toolchain for the app's language and libc.
pub fn toolchains(raw: &RawConfig, p: &KeyPath, app: &RawApp, f: &mut Findings) {
    let (musl, cgo) = (derive::musl(app), derive::cgo(app));
    for platform in derive::app_platforms(raw, app) {
        let (problem, help) = match app.language {
            Language::Rust if musl && platform.rust_musl.is_none() => (
                "rustup ships no musl standard library for it (a tier 3 target)",
                "drop the platform for this app (set `platforms` in its [[app]] table), or use `rust.libc = \"gnu\"`",
            ),
            Language::Rust if !musl && platform.gnu_prefix.is_none() => (
                "Debian has no glibc cross gcc for it",
                if platform.rust_musl.is_some() {
                    "set `rust.libc = \"musl\"` (linked by zig), or drop the platform for this app"
                } else {
                    "drop the platform for this app (set `platforms` in its [[app]] table)"
                },
            ),
            Language::Go if cgo && platform.gnu_prefix.is_none() => (
                "Debian has no cross gcc for it, which cgo needs",
                "set `go.cgo = false`, or drop the platform for this app",
            ),
            _ => continue,
        };
        let lang = if app.language == Language::Go { "Go with cgo" } else { "Rust" };
        f.error_help(
            platform_path(raw, p, app, platform),
            format!("app `{}`: {lang} cannot be cross-compiled for `{}`: {problem}", app.name, platform.oci),
            help,
        );
    }
}

/// A runtime image of a known family publishes every platform the app builds for.
pub fn runtime_publishes(raw: &RawConfig, p: &KeyPath, app: &RawApp, f: &mut Findings) {
    let Some(image) = derive::runtime_image(app) else { return };
    let Some(published) = images::known_platforms(derive::runtime(app), derive::links_glibc(app), &image) else {
        return;
    };
    for platform in derive::app_platforms(raw, app) {
        if !published.contains(&platform.oci) {
            f.error_help(
                platform_path(raw, p, app, platform),
                format!("runtime image `{image}` does not publish `{}` (app `{}`)", platform.oci, app.name),
                format!("it publishes: {}. Pick another runtime or drop the platform", published.join(", ")),
            );
        }
    }
}

/// `init` needs Debian's static `tini` for every platform.
pub fn tini(raw: &RawConfig, p: &KeyPath, app: &RawApp, f: &mut Findings) {
    if !app.init {
        return;
    }
    for platform in derive::app_platforms(raw, app) {
        if platform.debian_static_arch.is_none() {
            f.error_help(
                p.key("init"),
                format!("Debian bookworm has no `tini` for `{}` (app `{}`)", platform.oci, app.name),
                "drop `init`, or the platform for this app",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resolve::rules::testing::{app0, config_with_app, found};

    fn list(path: &str, entries: &[&str]) -> Vec<String> {
        let mut f = Findings::default();
        let entries: Vec<String> = entries.iter().map(|s| s.to_string()).collect();
        platform_list(&KeyPath::root().key(path), &entries, &mut f);
        f.into_vec().into_iter().map(|d| format!("{:?} {}", d.severity, d.message)).collect()
    }

    #[test]
    fn lists_note_aliases_and_refuse_repeats_unknowns_and_emptiness() {
        assert_eq!(list("p", &["aarch64"]), ["Note `aarch64` is read as `linux/arm64`"]);
        assert_eq!(list("p", &["linux/amd64", "x86_64"])[1], "Error `linux/amd64` is listed twice");
        assert!(list("p", &["linux/sparc"])[0].starts_with("Error invalid platform `linux/sparc`"));
        assert_eq!(list("p", &[]), ["Error the platform list is empty"]);
    }

    #[test]
    fn arm_v8_is_arm64() {
        let mut f = Findings::default();
        platform_list(&KeyPath::root().key("p"), &["linux/arm/v8".to_string()], &mut f);
        let d = &f.into_vec()[0];
        assert!(d.help.as_deref().unwrap().starts_with("did you mean `linux/arm64`?"), "{d:?}");
    }

    #[test]
    fn a_huge_list_is_one_error_not_one_per_entry() {
        let entries = vec!["nope"; MAX_LIST * 40];
        assert_eq!(list("p", &entries).len(), 1);
    }

    #[test]
    fn findings_point_at_the_list_entry_that_named_the_platform() {
        let raw = config_with_app("language = \"rust\"\nplatforms = [\"linux/amd64\", \"linux/riscv64\"]");
        let app = &raw.app[0];
        let riscv = platform::by_oci("linux/riscv64").unwrap();
        assert_eq!(platform_path(&raw, &app0(), app, riscv), app0().key("platforms").index(1));
    }

    #[test]
    fn rust_musl_has_no_toolchain_for_tier_3_targets() {
        let raw = config_with_app(
            "language = \"rust\"\nrust.libc = \"musl\"\nruntime = \"scratch\"\nplatforms = [\"linux/s390x\"]",
        );
        let rule = |r: &RawConfig, f: &mut Findings| toolchains(r, &app0(), &r.app[0], f);
        assert_eq!(found(&raw, rule).len(), 1, "{:?}", found(&raw, rule));
        let raw = config_with_app("language = \"rust\"\nplatforms = [\"linux/arm/v6\"]");
        assert_eq!(found(&raw, rule).len(), 1, "no glibc cross gcc for arm/v6");
        let raw = config_with_app("language = \"rust\"\nplatforms = [\"linux/arm64\"]");
        assert!(found(&raw, rule).is_empty());
    }

    #[test]
    fn runtimes_must_publish_every_platform() {
        let raw = config_with_app("language = \"go\"\nplatforms = [\"linux/arm/v5\"]");
        let rule = |r: &RawConfig, f: &mut Findings| runtime_publishes(r, &app0(), &r.app[0], f);
        assert_eq!(found(&raw, rule).len(), 1);
        let raw = config_with_app("language = \"go\"\nruntime = \"scratch\"\nplatforms = [\"linux/arm/v5\"]");
        assert!(found(&raw, rule).is_empty(), "scratch runs anywhere");
    }

    #[test]
    fn tini_needs_a_debian_package_for_the_platform() {
        let rule = |r: &RawConfig, f: &mut Findings| tini(r, &app0(), &r.app[0], f);
        let raw = config_with_app("language = \"go\"\ninit = true");
        assert!(found(&raw, rule).is_empty());
        let raw =
            config_with_app("language = \"go\"\ninit = true\nruntime = \"scratch\"\nplatforms = [\"linux/riscv64\"]");
        assert_eq!(found(&raw, rule), ["Debian bookworm has no `tini` for `linux/riscv64` (app `api`)"]);
    }
}
