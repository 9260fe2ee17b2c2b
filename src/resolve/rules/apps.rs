//! Rules for each `[[app]]` table's own keys (names, runtime, user, ports, variables, volumes, health check,
//! packages), and for the apps taken together (how many, names and images that must differ).

use indexmap::IndexMap;

use crate::config::{RawApp, RawConfig, Runtime, SmokeMode};
use crate::diagnostics::{Diagnostic, KeyPath};
use crate::grammar;
use crate::images;
use crate::resolve::derive;
use crate::resolve::findings::{Findings, MAX_APPS, any};

use super::values;

/// At least one app, at most [`MAX_APPS`].
pub fn count(raw: &RawConfig, f: &mut Findings) {
    let path = KeyPath::root().key("app");
    if raw.app.is_empty() {
        f.error_help(path.clone(), "no apps: nothing to build", "add an `[[app]]` table with `name` and `language`");
    }
    if raw.app.len() > MAX_APPS {
        f.error(path, format!("too many apps ({}, at most {MAX_APPS})", raw.app.len()));
    }
}

/// The app name, and `bin` and `image`, which default to it: a bad name is reported once, not again under each.
pub fn names(p: &KeyPath, app: &RawApp, f: &mut Findings) {
    let name_ok = f.check(&p.key("name"), &app.name, "app name", grammar::name);
    if app.bin.is_some() || name_ok {
        f.check(&p.key("bin"), derive::bin(app), "binary name", grammar::binary);
    }
    if app.image.is_some() || name_ok {
        f.check(&p.key("image"), derive::image_name(app), "image name", grammar::repository_path);
    }
}

/// The longest image name a registry takes, host and path together (the distribution spec's limit).
const MAX_IMAGE_NAME: usize = 255;

/// The image name as pushed, `host/namespace/image`, fits the registries' limit: each part may be valid on its
/// own and the whole too long.
pub fn image_reference(raw: &RawConfig, p: &KeyPath, app: &RawApp, f: &mut Findings) {
    let r = &raw.registry;
    let parts_valid = grammar::registry_host(&r.host).is_ok()
        && r.namespace.as_deref().is_none_or(|ns| grammar::repository_path(ns).is_ok())
        && grammar::repository_path(derive::image_name(app)).is_ok();
    let image = derive::image(r, app);
    if !parts_valid || image.len() <= MAX_IMAGE_NAME {
        return;
    }
    // Point at the longer of the two parts the user wrote.
    let namespace_len = r.namespace.as_deref().map_or(0, str::len);
    let key = if namespace_len > derive::image_name(app).len() {
        KeyPath::root().key("registry").key("namespace")
    } else if app.image.is_some() {
        p.key("image")
    } else {
        p.key("name")
    };
    f.error_help(
        key,
        format!(
            "the image name `{}...` is {} characters; registries take at most {MAX_IMAGE_NAME}",
            &image[..40],
            image.len()
        ),
        "shorten `image` or `registry.namespace`",
    );
}

/// The build context is a directory below the config's, in a grammar every generated file can hold. (That it
/// exists is checked against the disk, with the project: `project::check`.)
pub fn context(p: &KeyPath, app: &RawApp, f: &mut Findings) {
    if let Some(context) = &app.context {
        f.check(&p.key("context"), context, "build context", grammar::context);
    }
}

/// Keys of the other language are mistakes, not silently ignored settings.
pub fn language_keys(p: &KeyPath, app: &RawApp, f: &mut Findings) {
    let wrong = app.language.other();
    for key in wrong.own_keys() {
        let set = match *key {
            "main" => app.main.is_some(),
            "go" => !app.go.is_empty(),
            "package" => app.package.is_some(),
            "rust" => !app.rust.is_empty(),
            _ => unreachable!("Language::own_keys lists only these"),
        };
        if set {
            let wrong = wrong.name();
            f.error_help(
                p.key(key),
                format!("`{key}` is a {wrong} setting, but this app's language is not {wrong}"),
                "remove it, or fix `language`",
            );
        }
    }
}

/// `runtime-image` is a reference, and means nothing with `runtime = "scratch"`.
pub fn runtime_image(p: &KeyPath, app: &RawApp, f: &mut Findings) {
    let Some(image) = &app.runtime_image else { return };
    if derive::runtime(app) == Runtime::Scratch {
        f.error_help(
            p.key("runtime-image"),
            format!("`runtime-image = \"{image}\"` conflicts with `runtime = \"scratch\"`"),
            "remove one of the two",
        );
    } else {
        f.check(&p.key("runtime-image"), image, "image reference", grammar::image_reference);
    }
}

/// A binary that links glibc needs a runtime that has it.
pub fn runtime_links(p: &KeyPath, app: &RawApp, f: &mut Findings) {
    if !derive::links_glibc(app) || derive::runtime_base(app).glibc {
        return;
    }
    let (what, fix) = if derive::cgo(app) {
        ("a Go binary built with cgo links glibc: it", "set `go.cgo = false` for a static binary, or use")
    } else {
        ("a Rust binary built for glibc", "set `rust.libc = \"musl\"` for a static binary, or use")
    };
    f.error_help(
        p.key("runtime"),
        format!("{what} cannot run on `{}`, which has no glibc", derive::runtime(app).name()),
        format!("{fix} `runtime = \"distroless\"` or `\"debian-slim\"`"),
    );
}

/// The builder image is the app's language's official image, Debian based: the Dockerfiles install cross
/// toolchains, CA certificates and time zone data from its `apt`. `builder-image-check = false` turns this into
/// a warning, for a custom image the user vouches for.
pub fn builder_image(p: &KeyPath, app: &RawApp, f: &mut Findings) {
    let Some(image) = &app.builder_image else { return };
    let path = p.key("builder-image");
    if !f.check(&path, image, "image reference", grammar::image_reference) {
        return;
    }
    let language = app.language.name();
    let official = match app.language {
        crate::config::Language::Go => "golang",
        crate::config::Language::Rust => "rust",
    };
    let kind = images::builder_kind(image);
    if !app.builder_image_check {
        f.push(
            Diagnostic::warning(path, format!("builder image `{image}` is not checked (`builder-image-check = false`)"))
                .with_help(format!(
                    "it must be Debian based, with `apt-get`, `dpkg` and the {language} toolchain on PATH; the build fails otherwise"
                )),
        );
        return;
    }
    let escape = "or set `builder-image-check = false` if it is a Debian-based image with the toolchain";
    match kind.language {
        Some(other) if other != app.language => f.error_help(
            path,
            format!("`{image}` is a {} image, but app `{}` is {language}", other.name(), app.name),
            format!("use `{official}:<version>-bookworm`, or remove `builder-image` for the default"),
        ),
        None => f.error_help(
            path,
            format!("mkmulti cannot tell that `{image}` is a Debian-based {language} image"),
            format!("use an image of `{official}` (any registry path) with a `-bookworm` tag, {escape}"),
        ),
        Some(_) if kind.debian == Some(false) => f.error_help(
            path,
            format!(
                "`{image}` is {}-based: the Dockerfiles install cross toolchains and time zone data with apt-get",
                kind.other.unwrap_or("not Debian")
            ),
            format!("use a Debian tag, e.g. `{official}:<version>-bookworm`, {escape}"),
        ),
        Some(_) if kind.debian.is_none() => f.error_help(
            path,
            format!("the tag of `{image}` does not say it is Debian based"),
            format!("use a tag naming a Debian release (`-bookworm`), {escape}"),
        ),
        Some(_) => {}
    }
}

/// The user's name, and a uid that is not root's.
pub fn user(p: &KeyPath, app: &RawApp, f: &mut Findings) {
    f.check(&p.key("user"), derive::user(app), "user name", grammar::user);
    if derive::uid(app) == 0 {
        f.error_help(p.key("uid"), "uid 0 is root", "pick a non-zero id, e.g. 10001");
    }
}

/// Ports are 1 to 65535 (TOML's type check keeps them below 65536), each listed once.
pub fn ports(p: &KeyPath, app: &RawApp, f: &mut Findings) {
    for (i, port) in app.ports.iter().enumerate() {
        if *port == 0 {
            f.error(p.key("ports").index(i), "port 0 is not a port");
        } else if app.ports[..i].contains(port) {
            f.error(p.key("ports").index(i), format!("port {port} is listed twice"));
        }
    }
}

/// `env`, `build-args` and `compose.environment`; none may set what mkmulti or BuildKit sets.
pub fn environment(p: &KeyPath, app: &RawApp, f: &mut Findings) {
    values::vars(&p.key("env"), &app.env, "environment variable", f);
    let platform_env = derive::platform_env(&app.name);
    if app.env.contains_key(&platform_env) {
        f.error_help(
            p.key("env").key(&platform_env),
            format!("`{platform_env}` is set by mkmulti"),
            "it holds the image's platform; remove it",
        );
    }
    values::vars(&p.key("build-args"), &app.build_args, "build argument", f);
    reserved_build_args(p, &app.build_args, f);
    values::vars(&p.key("compose").key("environment"), &app.compose.environment, "environment variable", f);
}

fn reserved_build_args(p: &KeyPath, build_args: &IndexMap<String, String>, f: &mut Findings) {
    for name in build_args.keys().filter(|k| derive::is_reserved(k)) {
        f.error_help(
            p.key("build-args").key(name),
            format!("`{name}` is set by mkmulti or BuildKit"),
            "remove it: mkmulti sets the target, toolchain and stamps for each platform itself",
        );
    }
}

/// Volumes are absolute container paths, each listed once.
pub fn volumes(p: &KeyPath, app: &RawApp, f: &mut Findings) {
    f.check_list(&p.key("volumes"), &app.volumes, "container path", grammar::container_path);
    for (i, v) in app.volumes.iter().enumerate() {
        if app.volumes[..i].contains(v) {
            f.error_help(
                p.key("volumes").index(i),
                format!("volume `{v}` is listed twice"),
                "remove the duplicate: compose refuses two volumes mounted at one path",
            );
        }
    }
}

/// The health check: a command the runtime can run, Docker durations, a sane retry count.
pub fn healthcheck(p: &KeyPath, app: &RawApp, f: &mut Findings) {
    let Some(h) = &app.healthcheck else { return };
    let hp = p.key("healthcheck");
    if h.command.is_empty() {
        f.error(hp.key("command"), "the health check command is empty");
    }
    f.check_list(&hp.key("command"), &h.command, "command word", any);
    f.check(&hp.key("interval"), &h.interval, "duration", grammar::duration);
    f.check(&hp.key("timeout"), &h.timeout, "duration", grammar::duration);
    f.check(&hp.key("start-period"), &h.start_period, "duration", grammar::duration);
    if !(1..=100).contains(&h.retries) {
        f.error_help(
            hp.key("retries"),
            format!("{} retries is outside 1 to 100", h.retries),
            "Docker marks the container unhealthy after this many failed checks in a row; 3 is usual",
        );
    }
    let Some(first) = h.command.first() else { return };
    let bin = derive::bin(app);
    let shell = matches!(first.rsplit('/').next(), Some("sh" | "bash" | "ash" | "dash" | "busybox"));
    let runtime = derive::runtime(app).name();
    if first != bin && !derive::runtime_base(app).shell && (shell || !first.starts_with('/')) {
        f.error_help(
            hp.key("command").index(0),
            if shell {
                format!("`{first}`: a `{runtime}` image has no shell")
            } else {
                format!("`{first}` is not on a `{runtime}` image")
            },
            format!(
                "start the command with the app's binary (`{bin}`), e.g. a `healthcheck` subcommand, or use a \
                 runtime with a shell (`alpine`, `debian-slim`)"
            ),
        );
    }
}

/// Runtime packages: Debian or Alpine names, on a runtime that has a package manager.
pub fn packages(p: &KeyPath, app: &RawApp, f: &mut Findings) {
    f.check_list(&p.key("packages"), &app.packages, "package name", grammar::package);
    if !app.packages.is_empty() && derive::runtime_base(app).package_manager.is_none() {
        f.error_help(
            p.key("packages"),
            format!("`{}` has no package manager to install packages with", derive::runtime(app).name()),
            "use `runtime = \"alpine\"` or `\"debian-slim\"`, or drop the packages",
        );
    }
}

pub fn stop_signal(p: &KeyPath, app: &RawApp, f: &mut Findings) {
    if let Some(signal) = &app.stop_signal {
        f.check(&p.key("stop-signal"), signal, "signal", grammar::signal);
    }
}

/// `smoke-test` words are passed as written; with `smoke-mode = "off"` nothing runs, so words given there are a
/// mistake worth a warning, not a refusal.
pub fn smoke(p: &KeyPath, app: &RawApp, f: &mut Findings) {
    values::args(&p.key("smoke-test"), app.smoke_test.as_deref().unwrap_or_default(), f);
    if app.smoke_mode == Some(SmokeMode::Off) && app.smoke_test.is_some() {
        f.push(
            Diagnostic::warning(p.key("smoke-test"), "`smoke-test` is never run: `smoke-mode = \"off\"`")
                .with_help("remove `smoke-test`, or set `smoke-mode = \"command\"` to run it"),
        );
    }
}

/// Names, images and make-variable prefixes differ between apps. One error per clash: a repeated name also
/// repeats the image and prefix derived from it, so those are compared only among apps whose names differ.
pub fn unique(raw: &RawConfig, f: &mut Findings) {
    let apps = &raw.app[..raw.app.len().min(MAX_APPS)];
    let why = "app names must differ: each is a make target and a compose service";
    let repeated = first_repeats(apps, &[], |a| a.name.clone(), "name", why, f);
    let image = |a: &RawApp| derive::image(&raw.registry, a);
    first_repeats(apps, &repeated, image, "image", "two apps would push to the same image", f);
    let why = "these names collide once `-` becomes `_` in make variables";
    first_repeats(apps, &repeated, |a| derive::ident(&a.name), "name", why, f);
}

/// The targets of the apps' unit tests do not take a name another target has: the included Makefile's
/// `docker-test-<app>` beside `docker-test-multi[-<app>]`, and Bake's `test` group and `test-<app>` targets
/// beside the apps' own targets.
pub fn test_targets(raw: &RawConfig, f: &mut Findings) {
    let apps = &raw.app[..raw.app.len().min(MAX_APPS)];
    let tested: Vec<&str> = apps.iter().filter(|a| derive::test(raw, a)).map(|a| a.name.as_str()).collect();
    if tested.is_empty() {
        return;
    }
    let names: Vec<&str> = apps.iter().map(|a| a.name.as_str()).collect();
    for (i, app) in apps.iter().enumerate() {
        let name = app.name.as_str();
        let included = raw.output.makefile && raw.output.makefile_is_included();
        let smoke_target = name == "multi" || name.strip_prefix("multi-").is_some_and(|rest| names.contains(&rest));
        if included && tested.contains(&name) && smoke_target {
            f.error_help(
                KeyPath::root().key("app").index(i).key("name"),
                format!("the Makefile's `docker-test-{name}` (the app's unit tests) is also a smoke-test target"),
                "rename the app",
            );
        }
        let bake_clash = raw.output.bake
            && (name == "test" || name.strip_prefix("test-").is_some_and(|rest| tested.contains(&rest)));
        if bake_clash {
            f.error_help(
                KeyPath::root().key("app").index(i).key("name"),
                format!("Bake's `{name}` is also the name of a unit-test group or target"),
                "rename the app",
            );
        }
    }
}

/// Reports every app (not in `skip`) whose `key` repeats an earlier one's; returns the indices reported.
fn first_repeats(
    apps: &[RawApp],
    skip: &[usize],
    key: impl Fn(&RawApp) -> String,
    field: &str,
    why: &str,
    f: &mut Findings,
) -> Vec<usize> {
    let mut seen: IndexMap<String, usize> = IndexMap::new();
    let mut repeated = Vec::new();
    for (i, app) in apps.iter().enumerate().filter(|(i, _)| !skip.contains(i)) {
        let k = key(app);
        if let Some(first) = seen.get(&k) {
            let path = KeyPath::root().key("app").index(i).key(field);
            f.error_help(path, format!("`{k}` is used twice (first by app[{first}])"), why);
            repeated.push(i);
        } else {
            seen.insert(k, i);
        }
    }
    repeated
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resolve::rules::testing::{app0, config, config_with_app, found};

    #[test]
    fn unit_test_targets_take_no_name_another_target_has() {
        let apps = |names: &[&str], rest: &str| {
            let tables: String =
                names.iter().map(|n| format!("[[app]]\nname = \"{n}\"\nlanguage = \"go\"\n")).collect();
            config(&format!("{tables}[build]\ntest = true\n{rest}"))
        };
        let included = "[output]\nmakefile-path = \"docker.mk\"\n";
        assert_eq!(found(&apps(&["multi"], included), test_targets).len(), 1);
        assert_eq!(found(&apps(&["a", "multi-a"], included), test_targets).len(), 1);
        assert!(found(&apps(&["multi", "multi-b"], ""), test_targets).is_empty(), "standalone: test-<app>");
        assert!(found(&apps(&["multiplex", "multi-c"], included), test_targets).is_empty());
        let bake = "[output]\nbake = true\n";
        assert_eq!(
            found(&apps(&["test"], bake), test_targets),
            ["Bake's `test` is also the name of a unit-test group or target"]
        );
        assert_eq!(found(&apps(&["a", "test-a"], bake), test_targets).len(), 1);
        assert!(found(&apps(&["a", "test-a"], ""), test_targets).is_empty(), "no Bake file");
        let off = config("[[app]]\nname = \"test\"\nlanguage = \"go\"\n[output]\nbake = true\n");
        assert!(found(&off, test_targets).is_empty(), "no tests, no test targets");
    }

    fn on_app(rule: fn(&KeyPath, &RawApp, &mut Findings)) -> impl Fn(&RawConfig, &mut Findings) {
        move |raw, f| rule(&app0(), &raw.app[0], f)
    }

    #[test]
    fn no_apps_is_an_error() {
        assert_eq!(found(&config(""), count), ["no apps: nothing to build"]);
    }

    #[test]
    fn a_bad_name_is_reported_once_not_again_as_bin_and_image() {
        let raw = config_with_app("language = \"go\"");
        let mut raw = raw;
        raw.app[0].name = "Bad Name".into();
        assert_eq!(found(&raw, on_app(names)), ["invalid app name `Bad Name`"]);
        raw.app[0].bin = Some("bad bin".into());
        assert_eq!(found(&raw, on_app(names)).len(), 2);
    }

    #[test]
    fn image_names_fit_the_registry_limit_as_a_whole() {
        let rule = |r: &RawConfig, f: &mut Findings| image_reference(r, &app0(), &r.app[0], f);
        let long = format!("language = \"go\"\nimage = \"{}\"", "a".repeat(241));
        assert_eq!(found(&config_with_app(&long), rule).len(), 1, "docker.io/acme/ and 241 characters");
        let fits = format!("language = \"go\"\nimage = \"{}\"", "a".repeat(MAX_IMAGE_NAME - "docker.io/acme/".len()));
        assert!(found(&config_with_app(&fits), rule).is_empty());
    }

    #[test]
    fn build_contexts_stay_below_the_config_in_a_plain_alphabet() {
        for ok in ["\".\"", "\"services/api\"", "\"./services/api\""] {
            assert!(found(&config_with_app(&format!("language = \"go\"\ncontext = {ok}")), on_app(context)).is_empty());
        }
        for bad in ["\"../api\"", "\"/srv/api\"", "\"a b\"", "\"services/\"", "\".git\"", "\"a/-x\"", "\"$(x)\""] {
            let found = found(&config_with_app(&format!("language = \"go\"\ncontext = {bad}")), on_app(context));
            assert_eq!(found.len(), 1, "{bad}: {found:?}");
        }
        let found = found(&config_with_app("language = \"go\"\ncontext = \"../api\""), on_app(context));
        assert_eq!(found, ["invalid build context `../api`"]);
    }

    #[test]
    fn keys_of_the_other_language_are_refused() {
        let raw = config_with_app("language = \"go\"\nrust.profile = \"dev\"\npackage = \"x\"");
        assert_eq!(found(&raw, on_app(language_keys)).len(), 2);
        let raw = config_with_app("language = \"rust\"\nmain = \"./cmd/x\"");
        assert_eq!(found(&raw, on_app(language_keys)), ["`main` is a go setting, but this app's language is not go"]);
    }

    #[test]
    fn scratch_takes_no_runtime_image() {
        let raw = config_with_app("language = \"go\"\nruntime = \"scratch\"\nruntime-image = \"alpine:3\"");
        assert_eq!(found(&raw, on_app(runtime_image)).len(), 1);
    }

    #[test]
    fn glibc_binaries_need_a_glibc_runtime() {
        let raw = config_with_app("language = \"rust\"\nruntime = \"alpine\"");
        assert_eq!(found(&raw, on_app(runtime_links)).len(), 1);
        let raw = config_with_app("language = \"rust\"\nruntime = \"debian-slim\"");
        assert!(found(&raw, on_app(runtime_links)).is_empty());
        let raw = config_with_app("language = \"go\"\nruntime = \"alpine\"");
        assert!(found(&raw, on_app(runtime_links)).is_empty(), "static Go runs anywhere");
    }

    #[test]
    fn builder_images_are_the_languages_debian_image() {
        let found_for =
            |extra: &str| found(&config_with_app(&format!("language = \"go\"\n{extra}")), on_app(builder_image));
        assert!(found_for("builder-image = \"golang:1.25-bookworm\"").is_empty());
        assert!(found_for("builder-image = \"mirror.example.com/library/golang:1.25\"").is_empty());
        assert_eq!(found_for("builder-image = \"golang:1.25-alpine\"").len(), 1);
        assert_eq!(
            found_for("builder-image = \"rust:1-bookworm\""),
            ["`rust:1-bookworm` is a rust image, but app `api` is go"]
        );
        assert_eq!(found_for("builder-image = \"corp/go:1\"").len(), 1);
        assert_eq!(found_for("builder-image = \"golang:1.25-custom\"").len(), 1);
        let unchecked =
            config_with_app("language = \"go\"\nbuilder-image = \"corp/go:1\"\nbuilder-image-check = false");
        let mut f = Findings::default();
        builder_image(&app0(), &unchecked.app[0], &mut f);
        assert!(!f.has_errors(), "the escape hatch warns instead");
        assert_eq!(f.messages().len(), 1);
    }

    #[test]
    fn uid_zero_is_root() {
        let raw = config_with_app("language = \"go\"\nuid = 0");
        assert_eq!(found(&raw, on_app(user)), ["uid 0 is root"]);
        let raw = config_with_app("language = \"go\"\nuid = 1");
        assert!(found(&raw, on_app(user)).is_empty());
    }

    #[test]
    fn ports_are_nonzero_and_listed_once() {
        let raw = config_with_app("language = \"go\"\nports = [0, 80, 80]");
        assert_eq!(found(&raw, on_app(ports)), ["port 0 is not a port", "port 80 is listed twice"]);
    }

    #[test]
    fn variables_mkmulti_sets_are_refused() {
        let raw = config_with_app("language = \"go\"\nenv.API_PLATFORM = \"x\"\nbuild-args.VERSION = \"1\"");
        assert_eq!(
            found(&raw, on_app(environment)),
            ["`API_PLATFORM` is set by mkmulti", "`VERSION` is set by mkmulti or BuildKit"]
        );
    }

    #[test]
    fn volumes_are_listed_once() {
        let raw = config_with_app("language = \"go\"\nvolumes = [\"/data\", \"/data\"]");
        assert_eq!(found(&raw, on_app(volumes)), ["volume `/data` is listed twice"]);
    }

    #[test]
    fn health_checks_on_images_without_a_shell_start_with_the_binary() {
        let raw = config_with_app("language = \"go\"\nhealthcheck.command = [\"sh\", \"-c\", \"true\"]");
        assert_eq!(found(&raw, on_app(healthcheck)), ["`sh`: a `distroless` image has no shell"]);
        let raw = config_with_app("language = \"go\"\nhealthcheck.command = [\"api\", \"health\"]");
        assert!(found(&raw, on_app(healthcheck)).is_empty());
        let raw = config_with_app(
            "language = \"go\"\nruntime = \"alpine\"\nhealthcheck.command = [\"wget\", \"-q\", \"localhost\"]",
        );
        assert!(found(&raw, on_app(healthcheck)).is_empty(), "alpine has a shell and a PATH");
        let raw = config_with_app("language = \"go\"\nhealthcheck = { command = [\"api\"], retries = 0 }");
        assert_eq!(found(&raw, on_app(healthcheck)), ["0 retries is outside 1 to 100"]);
    }

    #[test]
    fn packages_need_a_package_manager() {
        let raw = config_with_app("language = \"go\"\npackages = [\"curl\"]");
        assert_eq!(found(&raw, on_app(packages)), ["`distroless` has no package manager to install packages with"]);
        let raw = config_with_app("language = \"go\"\nruntime = \"alpine\"\npackages = [\"curl\"]");
        assert!(found(&raw, on_app(packages)).is_empty());
    }

    #[test]
    fn names_images_and_prefixes_differ_with_one_error_per_clash() {
        let raw = config("[[app]]\nname = \"a\"\nlanguage = \"go\"\n[[app]]\nname = \"a\"\nlanguage = \"go\"\n");
        assert_eq!(found(&raw, unique), ["`a` is used twice (first by app[0])"]);
        let raw = config(
            "[[app]]\nname = \"a-b\"\nlanguage = \"go\"\n[[app]]\nname = \"a\"\nlanguage = \"go\"\nimage = \"a-b\"\n[[app]]\nname = \"a_b\"\nlanguage = \"go\"\n",
        );
        let found = found(&raw, unique);
        assert!(found.contains(&"`docker.io/acme/a-b` is used twice (first by app[0])".to_string()), "{found:?}");
        assert!(found.contains(&"`A_B` is used twice (first by app[0])".to_string()), "{found:?}");
    }

    #[test]
    fn smoke_words_for_a_mode_that_runs_nothing_are_warned_about() {
        let rule = |raw: &RawConfig, f: &mut Findings| smoke(&app0(), &raw.app[0], f);
        let off = config_with_app("language = \"go\"\nsmoke-mode = \"off\"\nsmoke-test = [\"--help\"]");
        let mut f = Findings::default();
        rule(&off, &mut f);
        assert!(!f.has_errors(), "a warning, not a refusal");
        assert_eq!(found(&off, rule), ["`smoke-test` is never run: `smoke-mode = \"off\"`"]);
        for ok in ["smoke-mode = \"off\"", "smoke-mode = \"server\"\nsmoke-test = [\"serve\"]", "smoke-test = [\"-v\"]"]
        {
            assert!(found(&config_with_app(&format!("language = \"go\"\n{ok}")), rule).is_empty(), "{ok}");
        }
    }
}
