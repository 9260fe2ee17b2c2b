//! Rules for target C libraries: `build-packages` (headers and libraries installed for each target on the build
//! machine) and `runtime-libraries` (their shared objects copied into the runtime image).

use crate::config::{Language, RawApp};
use crate::diagnostics::KeyPath;
use crate::grammar;
use crate::resolve::derive;
use crate::resolve::findings::Findings;

/// Build packages are Debian names, for a build that compiles C for a glibc target.
pub fn build_packages(p: &KeyPath, app: &RawApp, f: &mut Findings) {
    let path = p.key("build-packages");
    f.check_list(&path, &app.build_packages, "Debian package name", grammar::debian_package);
    duplicates(&path, &app.build_packages, f);
    if app.build_packages.is_empty() {
        return;
    }
    if app.language == Language::Go && !derive::cgo(app) {
        f.error_help(
            path,
            "build packages are only used by cgo, and this Go app builds without it",
            "set `go.cgo = true` (C is then compiled for each target by Debian's cross gcc), or drop `build-packages`",
        );
    } else if derive::musl(app) {
        f.error_help(
            path,
            "build packages are Debian's glibc libraries, which a musl binary cannot link",
            "use `rust.libc = \"gnu\"` (and `runtime-libraries` for the shared objects), or keep musl and build the \
             C library from source for musl through its crate's static feature (`openssl` with `vendored`, \
             `libz-sys` with `static`), which zig cross-compiles",
        );
    }
}

/// Runtime libraries are Debian names of shared-library packages, for a binary that loads shared objects, on a
/// runtime with a dynamic loader.
pub fn runtime_libraries(p: &KeyPath, app: &RawApp, f: &mut Findings) {
    let path = p.key("runtime-libraries");
    f.check_list(&path, &app.runtime_libraries, "Debian package name", grammar::debian_package);
    duplicates(&path, &app.runtime_libraries, f);
    for (i, name) in app.runtime_libraries.iter().enumerate() {
        if name.ends_with("-dev") {
            f.error_help(
                path.index(i),
                format!("`{name}` is a development package: headers, for the build"),
                format!(
                    "put `{name}` in `build-packages`, and here the package of its shared library, which \
                     `apt-cache depends {name}` names (`libssl3` for `libssl-dev`, `zlib1g` for `zlib1g-dev`)"
                ),
            );
        }
    }
    if app.runtime_libraries.is_empty() {
        return;
    }
    let runtime = derive::runtime(app).name();
    if !derive::links_glibc(app) {
        let (how, dynamic) = if app.language == Language::Go {
            ("this Go app builds without cgo", "`go.cgo = true`")
        } else {
            ("this Rust app links musl statically", "`rust.libc = \"gnu\"`")
        };
        f.error_help(
            path,
            format!("a static binary loads no shared library: {how}"),
            format!(
                "drop `runtime-libraries`, or link C libraries dynamically with {dynamic} on `runtime = \
                 \"distroless\"` or `\"debian-slim\"`"
            ),
        );
    } else if !derive::runtime_base(app).glibc {
        f.error_help(
            path,
            format!("`{runtime}` has no glibc dynamic loader to load shared libraries with"),
            "use `runtime = \"distroless\"` (its `cc` image) or `\"debian-slim\"`",
        );
    }
}

fn duplicates(path: &KeyPath, names: &[String], f: &mut Findings) {
    for (i, name) in names.iter().enumerate() {
        if names[..i].contains(name) {
            f.error_help(path.index(i), format!("`{name}` is listed twice"), "remove the duplicate");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resolve::rules::testing::{app0, config_with_app, found};

    fn build(app: &str) -> Vec<String> {
        found(&config_with_app(app), |r, f| build_packages(&app0(), &r.app[0], f))
    }

    fn runtime(app: &str) -> Vec<String> {
        found(&config_with_app(app), |r, f| runtime_libraries(&app0(), &r.app[0], f))
    }

    #[test]
    fn build_packages_are_debian_names() {
        assert!(
            build("language = \"go\"\ngo.cgo = true\nbuild-packages = [\"zlib1g-dev\", \"libstdc++-12-dev\"]")
                .is_empty()
        );
        assert_eq!(
            build("language = \"rust\"\nbuild-packages = [\"zlib1g-dev:arm64\", \"x; rm -rf /\", \"Zlib\", \"z\"]"),
            [
                "invalid Debian package name `zlib1g-dev:arm64`",
                "invalid Debian package name `x; rm -rf /`",
                "invalid Debian package name `Zlib`",
                "invalid Debian package name `z`",
            ]
        );
        assert_eq!(
            build("language = \"rust\"\nbuild-packages = [\"libssl-dev\", \"libssl-dev\"]"),
            ["`libssl-dev` is listed twice"]
        );
    }

    #[test]
    fn build_packages_need_cgo_or_glibc_rust() {
        assert_eq!(
            build("language = \"go\"\nbuild-packages = [\"zlib1g-dev\"]"),
            ["build packages are only used by cgo, and this Go app builds without it"]
        );
        assert_eq!(
            build(
                "language = \"rust\"\nrust.libc = \"musl\"\nruntime = \"scratch\"\nbuild-packages = [\"zlib1g-dev\"]"
            ),
            ["build packages are Debian's glibc libraries, which a musl binary cannot link"]
        );
        assert!(build("language = \"rust\"\nbuild-packages = [\"libssl-dev\"]").is_empty());
    }

    #[test]
    fn runtime_libraries_are_shared_library_packages() {
        assert!(runtime("language = \"rust\"\nruntime-libraries = [\"libssl3\", \"zlib1g\"]").is_empty());
        assert_eq!(
            runtime("language = \"rust\"\nruntime-libraries = [\"zlib1g-dev\", \"libssl3:arm64\"]"),
            [
                "invalid Debian package name `libssl3:arm64`",
                "`zlib1g-dev` is a development package: headers, for the build",
            ]
        );
    }

    #[test]
    fn runtime_libraries_need_a_dynamic_binary_on_a_glibc_runtime() {
        assert_eq!(
            runtime("language = \"go\"\nruntime-libraries = [\"zlib1g\"]"),
            ["a static binary loads no shared library: this Go app builds without cgo"]
        );
        assert_eq!(
            runtime("language = \"rust\"\nrust.libc = \"musl\"\nruntime-libraries = [\"zlib1g\"]"),
            ["a static binary loads no shared library: this Rust app links musl statically"]
        );
        for runtime_family in ["scratch", "alpine"] {
            assert_eq!(
                runtime(&format!(
                    "language = \"go\"\ngo.cgo = true\nruntime = \"{runtime_family}\"\nruntime-libraries = [\"zlib1g\"]"
                )),
                [format!("`{runtime_family}` has no glibc dynamic loader to load shared libraries with")]
            );
        }
        for ok in ["distroless", "debian-slim"] {
            assert!(
                runtime(&format!(
                    "language = \"go\"\ngo.cgo = true\nruntime = \"{ok}\"\nruntime-libraries = [\"zlib1g\"]"
                ))
                .is_empty()
            );
        }
    }
}
