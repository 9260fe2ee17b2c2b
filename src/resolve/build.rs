//! The high layer of the resolve pass: small builders that derive the plan from a config the rules passed.
//! Nothing here checks or reports: every value was checked by `rules`, every default comes from
//! `config::defaults` through `derive`.

use std::collections::BTreeSet;

use crate::actions;
use crate::config::defaults;
use crate::config::{Language, RawApp, RawConfig, RawSecret, RestartPolicy, RustCache};
use crate::images;
use crate::plan::{
    AppPlan, BuildPlan, CiPlan, GoPlan, HealthcheckPlan, Plan, PlatformPlan, ProjectPlan, RegistryPlan, RustPlan,
    SecretPlan, TagsPlan, ToolsPlan, X86_RUNNER,
};
use crate::platform;

use super::Site;
use super::derive::{self, TINI_PATH};
use super::findings::MAX_APPS;

/// The plan of a config that every rule passed.
pub fn plan(raw: &RawConfig, config_file: &str, site: &Site) -> Plan {
    let registry = registry(raw);
    let apps: Vec<AppPlan> = raw.app.iter().take(MAX_APPS).map(|a| app(raw, a, &registry)).collect();
    let platforms = union_of_platforms(&apps);
    let config_file = header_label(config_file);
    let ci = ci(raw, &apps, &platforms, &config_file, site);
    let (t, o) = (&raw.tags, &raw.output);
    Plan {
        mkmulti_version: crate::plan::MKMULTI_VERSION,
        config_file,
        project: ProjectPlan {
            name: raw.project.name.clone(),
            description: raw.project.description.clone(),
            source: raw.project.source.clone(),
            license: raw.project.license.clone(),
        },
        apps,
        platforms,
        registry,
        tags: TagsPlan { latest: t.latest, semver: t.semver, sha: t.sha, branch: t.branch },
        ci,
        output: o.clone(),
        tools: ToolsPlan {
            cargo_zigbuild: images::CARGO_ZIGBUILD_VERSION,
            ziglang: images::ZIGLANG_VERSION,
            cargo_chef: images::CARGO_CHEF_VERSION,
        },
        build: build(raw),
    }
}

fn build(raw: &RawConfig) -> BuildPlan {
    let b = &raw.build;
    let secrets: Vec<SecretPlan> = b.secrets.iter().map(|(id, s)| secret(raw, id, s)).collect();
    BuildPlan {
        ca_secret: b.ca_secret.as_ref().and_then(|id| secrets.iter().find(|s| &s.id == id).cloned()),
        secrets,
        ssh: b.ssh,
        ssh_ci_secret: b.ssh_ci_secret.clone().unwrap_or_else(|| defaults::SSH_CI_SECRET.to_string()),
        ssh_known_hosts: match (&b.ssh_known_hosts, b.ssh) {
            (_, false) => Vec::new(),
            (Some(lines), true) => lines.clone(),
            (None, true) => defaults::SSH_KNOWN_HOSTS.iter().map(|l| l.to_string()).collect(),
        },
        go_args: vec![
            ("GOPROXY", b.goproxy.clone().unwrap_or_default()),
            ("GOSUMDB", b.gosumdb.clone().unwrap_or_default()),
            ("GOPRIVATE", b.goprivate.join(",")),
            ("GONOSUMDB", b.gonosumdb.join(",")),
        ],
        cargo_mirror: b.cargo_mirror.clone(),
    }
}

fn secret(raw: &RawConfig, id: &str, s: &RawSecret) -> SecretPlan {
    let ident = derive::secret_ident(id);
    let env = match (&s.env, &s.file) {
        (Some(env), _) => Some(env.clone()),
        (None, Some(_)) => None,
        (None, None) => Some(ident.clone()),
    };
    SecretPlan {
        id: id.to_string(),
        ci_secret: s.ci_secret.clone().or_else(|| env.clone()).unwrap_or_else(|| ident.clone()),
        env,
        file: s.file.clone(),
        file_var: format!("SECRET_{ident}_FILE"),
        ci_env: format!("SECRET_{ident}"),
        target: s.target.clone().unwrap_or_else(|| format!("/run/secrets/{id}")),
        build_env: s.build_env.clone(),
        required: s.required,
        apps: raw.app.iter().take(MAX_APPS).filter(|a| derive::secret_reaches(s, a)).map(|a| a.name.clone()).collect(),
    }
}

fn registry(raw: &RawConfig) -> RegistryPlan {
    let r = &raw.registry;
    RegistryPlan {
        host: r.host.clone(),
        namespace: r.namespace.clone(),
        prefix: derive::registry_prefix(r),
        is_docker_hub: derive::is_docker_hub(r),
        is_ghcr: derive::is_ghcr(r),
        push_blocker: derive::push_blocker(r).map(str::to_string),
    }
}

/// Every platform any app builds for, in the platform table's order.
fn union_of_platforms(apps: &[AppPlan]) -> Vec<PlatformPlan> {
    let position =
        |oci: &str| platform::PLATFORMS.iter().position(|i| i.oci == oci).expect("plan platforms come from the table");
    let all: BTreeSet<usize> = apps.iter().flat_map(|a| &a.platforms).map(|p| position(p.oci)).collect();
    all.into_iter().map(|i| PlatformPlan::new(&platform::PLATFORMS[i], false)).collect()
}

fn app(raw: &RawConfig, a: &RawApp, registry: &RegistryPlan) -> AppPlan {
    let musl = derive::musl(a);
    let base = derive::runtime_base(a);
    let platforms: Vec<PlatformPlan> =
        derive::app_platforms(raw, a).into_iter().map(|p| PlatformPlan::new(p, musl)).collect();
    let user = derive::user(a).to_string();
    let bin_path = derive::bin_path(a);
    let copy_certs = !base.certs;
    let copy_tzdata = a.tzdata && !base.tzdata;
    let mut entrypoint = vec![bin_path.clone()];
    if a.init {
        entrypoint.splice(0..0, [TINI_PATH.to_string(), "--".to_string()]);
    }
    let pairs = |m: &indexmap::IndexMap<String, String>| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    let dockerfile = derive::dockerfile(raw, a);
    AppPlan {
        name: a.name.clone(),
        ident: derive::ident(&a.name),
        language: a.language,
        context: derive::context(a).to_string(),
        dockerfile_in_context: in_context(derive::context(a), &dockerfile),
        dockerfile,
        bin: derive::bin(a).to_string(),
        bin_path: bin_path.clone(),
        image: format!("{}/{}", registry.prefix, derive::image_name(a)),
        image_name: derive::image_name(a).to_string(),
        platforms_csv: platforms.iter().map(|p| p.oci).collect::<Vec<_>>().join(","),
        x86_foreign_csv: x86_foreign_csv(&platforms),
        platforms,
        builder_image: derive::builder_image(a),
        runtime: derive::runtime(a),
        runtime_image: derive::runtime_image(a),
        runtime_has_shell: base.shell,
        runtime_has_passwd: base.passwd,
        copy_certs,
        copy_tzdata,
        init: a.init,
        tini_path: TINI_PATH,
        entrypoint,
        stop_signal: a.stop_signal.clone().filter(|s| s != defaults::STOP_SIGNAL),
        rootfs_summary: rootfs_summary(!a.volumes.is_empty(), copy_certs, copy_tzdata, a.init),
        home: format!("/home/{user}"),
        user,
        uid: derive::uid(a),
        ports: a.ports.clone(),
        env: pairs(&a.env),
        platform_env: derive::platform_env(&a.name),
        volumes: a.volumes.clone(),
        args: a.args.clone(),
        healthcheck: a.healthcheck.as_ref().map(|h| HealthcheckPlan {
            // The app's own binary is run by its absolute path: images without a shell have no PATH lookup.
            command: h
                .command
                .iter()
                .enumerate()
                .map(|(i, w)| if i == 0 && w == derive::bin(a) { bin_path.clone() } else { w.clone() })
                .collect(),
            interval: single_unit(&h.interval),
            timeout: single_unit(&h.timeout),
            start_period: single_unit(&h.start_period),
            retries: h.retries,
        }),
        smoke_mode: derive::smoke_mode(a),
        smoke_test: derive::smoke_test(a),
        packages: a.packages.clone(),
        build_packages: a.build_packages.clone(),
        runtime_libraries: a.runtime_libraries.clone(),
        package_manager: base.package_manager,
        build_args: pairs(&a.build_args),
        test: derive::test(raw, a),
        go: (a.language == Language::Go).then(|| go(a)),
        rust: (a.language == Language::Rust).then(|| rust(a)),
        // `no` is compose's own default, so it is not written.
        compose_restart: Some(derive::compose_restart(a)).filter(|p| *p != RestartPolicy::No).map(RestartPolicy::name),
        compose_environment: pairs(&a.compose.environment),
        emulated_steps: usize::from(!a.packages.is_empty()),
    }
}

fn go(a: &RawApp) -> GoPlan {
    GoPlan {
        version: derive::go_version(a).to_string(),
        cgo: a.go.cgo,
        // v1 is Go's own default: the same binary whether or not it is written.
        goamd64: a.go.goamd64.clone().filter(|level| level != defaults::GOAMD64),
        main: a.main.clone().unwrap_or_else(|| defaults::GO_MAIN.to_string()),
        version_package: a.go.version_package.clone().unwrap_or_else(|| defaults::GO_VERSION_PACKAGE.to_string()),
        extra_ldflags: a.go.ldflags.clone(),
        tags: a.go.tags.clone(),
    }
}

fn rust(a: &RawApp) -> RustPlan {
    let musl = derive::musl(a);
    let profile = derive::rust_profile(a).to_string();
    // Every word below passed a grammar check (package and profile: Cargo names; features: Cargo features).
    let common = format!("--locked --profile {profile} --target \"$CARGO_BUILD_TARGET\"");
    let mut selection = String::new();
    if let Some(pkg) = &a.package {
        selection.push_str(&format!(" -p {pkg}"));
    }
    if a.rust.no_default_features {
        selection.push_str(" --no-default-features");
    }
    if !a.rust.features.is_empty() {
        selection.push_str(&format!(" --features {}", a.rust.features.join(",")));
    }
    // Without feature flags, the whole workspace's dependencies are cooked, so its apps share that layer.
    let cook_whole_workspace = !a.rust.no_default_features && a.rust.features.is_empty();
    let mut cook_flags = if cook_whole_workspace { common.clone() } else { format!("{common}{selection}") };
    if musl {
        cook_flags.push_str(" --zigbuild");
    }
    RustPlan {
        cargo: if musl { "cargo zigbuild" } else { "cargo build" },
        build_flags: format!("{common}{selection}"),
        test_flags: format!("--locked --offline{selection}"),
        cook_flags,
        cook_whole_workspace,
        version: derive::rust_version(a).to_string(),
        package: a.package.clone(),
        features: a.rust.features.clone(),
        no_default_features: a.rust.no_default_features,
        profile_dir: if profile == "dev" { "debug".to_string() } else { profile.clone() },
        profile,
        musl,
        chef: a.rust.cache.unwrap_or(defaults::RUST_CACHE) == RustCache::Chef,
    }
}

/// A path below `context` (both relative to the config's directory), relative to `context`.
fn in_context(context: &str, path: &str) -> String {
    if context == "." {
        path.to_string()
    } else {
        path.strip_prefix(&format!("{context}/")).unwrap_or(path).to_string()
    }
}

/// The changes a push or pull request must touch to build, from the repository root: each app's context, the
/// config, the scripts the workflow runs and the workflow itself. None (every change builds) when an app builds
/// from the repository root itself. GitHub does not evaluate path filters for tag pushes, so releases always build.
fn path_filters(raw: &RawConfig, apps: &[AppPlan], repo_dir: &str, config_file: &str, workflow: &str) -> Vec<String> {
    let at_config_dir = apps.iter().any(|a| a.context == ".");
    if at_config_dir && repo_dir == "." {
        return Vec::new();
    }
    let mut paths = Vec::new();
    if at_config_dir {
        paths.push(derive::join(repo_dir, "**"));
    } else {
        for a in apps {
            paths.push(derive::join(repo_dir, &format!("{}/**", a.context)));
        }
        paths.push(derive::join(repo_dir, config_file));
        if raw.output.scripts {
            paths.push(derive::join(repo_dir, "scripts/**"));
        }
    }
    paths.push(workflow.to_string());
    let mut seen = BTreeSet::new();
    paths.retain(|p| seen.insert(p.clone()));
    paths
}

fn ci(raw: &RawConfig, apps: &[AppPlan], platforms: &[PlatformPlan], config_file: &str, site: &Site) -> CiPlan {
    let c = &raw.ci;
    let levels = derive::ci_root_levels(&c.root);
    // The rules made sure these names exist (as many as the root climbs) and can be written into the workflow.
    let repo_dir = match &site.repo_dirs {
        Some(dirs) if levels > 0 && raw.output.workflow => dirs[dirs.len() - levels..].join("/"),
        _ => ".".to_string(),
    };
    let workflow_in_repo = format!(".github/workflows/{}.yml", c.workflow);
    let (default_user, default_password) = derive::login_expressions(&raw.registry);
    let username_expr = c.username_secret.as_ref().map_or(default_user.to_string(), |s| format!("secrets.{s}"));
    let password_expr = c.password_secret.as_ref().map_or(default_password.to_string(), |s| format!("secrets.{s}"));
    CiPlan {
        workflow_path: if repo_dir == "." {
            workflow_in_repo.clone()
        } else {
            format!("{}/{workflow_in_repo}", c.root)
        },
        paths: path_filters(raw, apps, &repo_dir, config_file, &workflow_in_repo),
        root: if repo_dir == "." { ".".to_string() } else { c.root.clone() },
        repo_dir,
        workflow_in_repo,
        default_branch: c.branches.first().cloned().unwrap_or_else(|| defaults::CI_BRANCHES[0].to_string()),
        branches: c.branches.clone(),
        tag_pattern: c.tag_pattern.clone(),
        pull_requests: c.pull_requests,
        cache: c.cache,
        needs_packages_write: password_expr == "secrets.GITHUB_TOKEN",
        username_expr,
        password_expr,
        needs_qemu: apps.iter().any(|a| a.emulated_steps > 0),
        strategy: c.strategy,
        uses: actions::Uses::new(c.pin_actions),
        validate: c.validate && raw.output.scripts && raw.output.workflow,
        validate_qemu_platforms: x86_foreign_csv(platforms),
        timeout_minutes: c.timeout_minutes,
        runner: X86_RUNNER,
        binfmt_image: actions::BINFMT_IMAGE,
    }
}

/// A Docker duration (`1m30s`, `500ms`) as one number and one unit of `s`, `m` or `h` (`90s`, `0.5s`): the same
/// duration to Docker and compose, and the only form hadolint's `HEALTHCHECK` parser reads.
fn single_unit(duration: &str) -> String {
    let simple = duration
        .strip_suffix(['s', 'm', 'h'])
        .is_some_and(|n| !n.is_empty() && !n.ends_with('m') && n.chars().all(|c| c.is_ascii_digit() || c == '.'));
    if simple {
        return duration.to_string();
    }
    // Checked by the duration grammar: numbers, each followed by one of Go's units.
    let mut nanos: f64 = 0.0;
    let mut number = String::new();
    let mut chars = duration.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() || c == '.' {
            number.push(c);
            continue;
        }
        let mut unit = c.to_string();
        while chars.peek().is_some_and(|c| c.is_ascii_alphabetic()) {
            unit.push(chars.next().expect("peeked"));
        }
        let scale = match unit.as_str() {
            "ns" => 1.0,
            "us" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            _ => 3600e9,
        };
        nanos += number.parse::<f64>().unwrap_or(0.0) * scale;
        number.clear();
    }
    let seconds = format!("{:.9}", nanos / 1e9);
    format!("{}s", seconds.trim_end_matches('0').trim_end_matches('.'))
}

/// The platforms an x86-64 runner cannot run without QEMU, comma-separated.
fn x86_foreign_csv(platforms: &[PlatformPlan]) -> String {
    platforms.iter().filter(|p| !p.x86_native).map(|p| p.oci).collect::<Vec<_>>().join(",")
}

/// The config's name as written into every generated file's header comment. It comes from the file system,
/// not the config, so no grammar check saw it: characters outside `[A-Za-z0-9._/-]` become `_`, so a file name
/// cannot add lines to a header or put `${{` (which GitHub expands even in comments) into a workflow.
pub fn header_label(config_file: &str) -> String {
    config_file.chars().map(|c| if c.is_ascii_alphanumeric() || "._/-".contains(c) { c } else { '_' }).collect()
}

/// What the `rootfs` stage prepares, in words: `user, home directory and CA certificates`.
fn rootfs_summary(volumes: bool, certs: bool, tzdata: bool, tini: bool) -> String {
    let mut parts = vec!["user", "home directory"];
    for (wanted, part) in
        [(volumes, "data volumes"), (certs, "CA certificates"), (tzdata, "time zone data"), (tini, "tini")]
    {
        if wanted {
            parts.push(part);
        }
    }
    let last = parts.pop().expect("never empty");
    format!("{} and {last}", parts.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resolve::rules::testing::config_with_app;

    #[test]
    fn header_labels_cannot_inject_lines_or_expressions() {
        assert_eq!(header_label("deploy/multiarch.toml"), "deploy/multiarch.toml");
        assert_eq!(header_label("a\nRUN x ${{ y }}.toml"), "a_RUN_x_____y___.toml");
    }

    #[test]
    fn durations_become_one_number_and_one_unit() {
        for (given, written) in
            [("30s", "30s"), ("1m", "1m"), ("1.5s", "1.5s"), ("1m30s", "90s"), ("500ms", "0.5s"), ("1h0m1s", "3601s")]
        {
            assert_eq!(single_unit(given), written, "{given}");
        }
        assert_eq!(single_unit("250us"), "0.00025s");
    }

    #[test]
    fn rootfs_summaries_read_as_a_list() {
        assert_eq!(rootfs_summary(false, false, false, false), "user and home directory");
        assert_eq!(
            rootfs_summary(true, true, false, true),
            "user, home directory, data volumes, CA certificates and tini"
        );
    }

    #[test]
    fn the_apps_own_binary_in_a_health_check_runs_by_its_path() {
        let raw = config_with_app("language = \"go\"\nhealthcheck.command = [\"api\", \"health\"]");
        let plan = plan(&raw, "m.toml", &Site::default());
        assert_eq!(plan.apps[0].healthcheck.as_ref().unwrap().command, ["/usr/local/bin/api", "health"]);
    }

    #[test]
    fn docker_and_go_defaults_written_out_change_nothing() {
        let implicit = plan(&config_with_app("language = \"go\""), "m.toml", &Site::default());
        let explicit = plan(
            &config_with_app("language = \"go\"\ngo.goamd64 = \"v1\"\nstop-signal = \"SIGTERM\""),
            "m.toml",
            &Site::default(),
        );
        assert_eq!(format!("{:?}", implicit.apps), format!("{:?}", explicit.apps));
    }

    #[test]
    fn path_filters_name_what_the_build_reads_unless_an_app_builds_from_the_root() {
        let raw = crate::resolve::rules::testing::config(
            "[[app]]\nname = \"a\"\nlanguage = \"go\"\ncontext = \"svc/a\"\n\
             [[app]]\nname = \"b\"\nlanguage = \"go\"\ncontext = \"svc/b\"\n",
        );
        let ci = plan(&raw, "multiarch.toml", &Site::default()).ci;
        assert_eq!(ci.paths, ["svc/a/**", "svc/b/**", "multiarch.toml", "scripts/**", ".github/workflows/docker.yml"]);
        assert_eq!((ci.repo_dir.as_str(), ci.workflow_path.as_str()), (".", ".github/workflows/docker.yml"));
        // Below the repository's top: everything is named from there, the config's directory covering it all.
        let mut below = crate::resolve::rules::testing::config_with_app("language = \"go\"");
        below.ci.root = "../..".into();
        let site = Site { repo_dirs: Some(vec!["services".into(), "api".into()]) };
        let ci = plan(&below, "multiarch.toml", &site).ci;
        assert_eq!(ci.paths, ["services/api/**", ".github/workflows/docker.yml"]);
        assert_eq!(
            (ci.repo_dir.as_str(), ci.workflow_path.as_str()),
            ("services/api", "../../.github/workflows/docker.yml")
        );
        // An app at the repository root builds on every change.
        let at_root = crate::resolve::rules::testing::config_with_app("language = \"go\"");
        assert!(plan(&at_root, "multiarch.toml", &Site::default()).ci.paths.is_empty());
    }

    #[test]
    fn cargo_flags_select_the_package_and_features() {
        let raw = config_with_app("language = \"rust\"\npackage = \"svc\"\nrust.features = [\"a\", \"b\"]");
        let r = plan(&raw, "m.toml", &Site::default()).apps.remove(0).rust.unwrap();
        assert_eq!(r.build_flags, "--locked --profile release --target \"$CARGO_BUILD_TARGET\" -p svc --features a,b");
        assert!(!r.cook_whole_workspace);
    }
}
