//! What `MULTIARCH.md.j2` prints: this project's apps, images and platforms, the commands that build, test, push
//! and validate them (the make targets the Makefile view defines, the scripts the scripts output writes), one
//! diagram of the build stages per app, and the facts each troubleshooting entry names. These fields are
//! load-bearing because the template prints them; it adds layout and the `md`/`md_code`/`mermaid` escaping only.
//!
//! The stages come from the facts the Dockerfile views use ([`DockerfileView`]): the builder stage on
//! `$BUILDPLATFORM`, a toolchain stage per target where the language needs one, the `rootfs` and
//! `runtime-libraries` stages, and the runtime stage, which runs a `RUN` on the target only for `packages`.

use serde::Serialize;

use crate::plan::{AppPlan, Plan, SCRIPTS};
use crate::render::tags::TagRule;

use super::dockerfile::DockerfileView;
use super::makefile::MakefileView;

/// The platform Apple silicon and other 64-bit Arm machines build natively.
const ARM64: &str = "linux/arm64";

#[derive(Debug, Serialize)]
pub struct GuideView<'a> {
    pub project_name: &'a str,
    pub description: Option<&'a str>,
    /// The config's name, as the generated headers print it.
    pub config_file: &'a str,
    pub registry_prefix: &'a str,
    /// Why images cannot be pushed yet; `None` when they can.
    pub push_blocker: Option<&'a str>,
    /// Every platform any app builds for, comma-separated.
    pub platforms_csv: String,
    /// The same as `--platform` takes it: no spaces.
    pub platforms_flag: String,
    /// The QEMU registration image, pinned.
    pub binfmt_image: &'static str,
    pub apps: Vec<GuideApp>,
    /// The commands the Makefile provides; `None` when the Makefile is not generated.
    pub make: Option<MakeCommands>,
    /// The scripts' paths, with `./`; `None` when the scripts are not generated.
    pub scripts: Option<ScriptCommands>,
    /// `docker-bake.hcl` is generated.
    pub bake: bool,
    /// `compose.yaml` is generated.
    pub compose: bool,
    /// The workflow's path from the repository root, when it is generated.
    pub workflow: Option<&'a str>,
    /// Whether the workflow (when generated) validates the pushed images.
    pub workflow_validates: bool,
    /// The tag rule in one line.
    pub tags_summary: String,
    /// `linux/arm64` is one of the project's platforms, with its per-platform make target when there is a
    /// Makefile: what Apple silicon builds natively.
    pub arm64: Option<PlatformCommand>,
    /// Apps that build no `linux/arm64`.
    pub apps_without_arm64: Vec<String>,
    /// Apps whose runtime stage installs `packages`: the one step that runs on the target, under QEMU on a
    /// foreign build machine.
    pub emulated_apps: Vec<EmulatedApp>,
    /// Apps that compile C for the target (cgo, or Rust with `build-packages`/any crate's C): their per-target
    /// compiler or linker.
    pub native_code: Vec<NativeCode>,
    /// Go apps built with cgo off: pure Go, no C compiled.
    pub pure_go_apps: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct GuideApp {
    pub name: String,
    pub language: &'static str,
    /// `registry/image`, without a tag.
    pub image: String,
    pub platforms: Vec<&'static str>,
    pub platforms_csv: String,
    pub dockerfile: String,
    pub context: String,
    /// The runtime image, or `scratch`.
    pub runtime_image: String,
    /// The binary's path in the image.
    pub bin_path: String,
    /// The diagram: stages on the build machine, stages on the target, and how they feed each other.
    pub stages: Vec<Stage>,
    pub edges: Vec<Edge>,
    /// The image node's label: the image and its platforms.
    pub image_label: String,
    /// The id of the stage the image is (`runtime`).
    pub final_stage: String,
    /// `docker buildx build` commands for when there is no Makefile: this machine, then every platform pushed.
    pub buildx_local: String,
    pub buildx_push: String,
}

/// Where a stage's steps run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Place {
    /// `--platform=$BUILDPLATFORM`: native speed on whatever machine builds.
    BuildMachine,
    /// The target platform: pulled or assembled for it, and a `RUN` there is emulated on a foreign machine.
    Target,
}

#[derive(Debug, Serialize)]
pub struct Stage {
    /// The Mermaid node id: `s0`, `s1`, ... (a stage name such as `end` would be a keyword).
    pub id: String,
    /// The Dockerfile's stage name (`toolchain-arm64`) or base image.
    pub name: String,
    /// What it does, in words.
    pub what: String,
    pub place: Place,
}

#[derive(Debug, PartialEq, Eq, Serialize)]
pub struct Edge {
    pub from: String,
    pub to: String,
}

#[derive(Debug, Serialize)]
pub struct MakeCommands {
    /// `make`, or `make -f docker.mk` for a Makefile made to be included.
    pub make: String,
    pub path: String,
    pub included: bool,
    pub help: &'static str,
    pub tags: &'static str,
    pub clean: &'static str,
    /// `validate` (or `docker-validate`), present with the scripts.
    pub validate: Option<&'static str>,
    /// `docker-test-multi`, present with the scripts.
    pub test_multi: Option<&'static str>,
    /// `test` (or `docker-test`): the unit tests in the build, present when some app runs them.
    pub test: Option<&'static str>,
    pub setup: &'static str,
    pub builder: &'static str,
    pub build_local: &'static str,
    pub build_multi: &'static str,
    pub push_multi: &'static str,
    pub deploy_multi: &'static str,
    pub inspect: &'static str,
    /// `docker-build-<slug>` per project platform.
    pub platforms: Vec<PlatformCommand>,
    /// The builder `BUILDER_NAME` names by default.
    pub builder_name: String,
    /// Where `docker-build-multi` writes each app's OCI archive (`OCI_DIR`'s default).
    pub oci_dir: &'static str,
}

#[derive(Debug, Serialize)]
pub struct PlatformCommand {
    pub oci: &'static str,
    /// The make target that builds and loads this platform; empty without a Makefile.
    pub target: String,
}

#[derive(Debug, Serialize)]
pub struct ScriptCommands {
    pub detect: String,
    pub validate: String,
}

#[derive(Debug, Serialize)]
pub struct EmulatedApp {
    pub name: String,
    /// The installer line: `apk add curl` or `apt-get install curl`.
    pub install: String,
}

#[derive(Debug, Serialize)]
pub struct NativeCode {
    pub name: String,
    /// `platform: compiler` rows.
    pub compilers: Vec<String>,
    pub build_packages: Vec<String>,
    pub runtime_libraries: Vec<String>,
}

/// The make targets whose names are fixed in `Makefile.j2` (the others come from [`MakefileView`]). A test
/// parses every rendered Makefile for every target the guide names, so a rename there fails it.
mod target {
    pub const SETUP: &str = "buildx-setup";
    pub const BUILDER: &str = "buildx-builder";
    pub const BUILD_LOCAL: &str = "docker-build-local";
    pub const BUILD_MULTI: &str = "docker-build-multi";
    pub const PUSH_MULTI: &str = "docker-push-multi";
    pub const TEST_MULTI: &str = "docker-test-multi";
    pub const DEPLOY_MULTI: &str = "docker-deploy-multi";
    pub const INSPECT: &str = "docker-inspect";
    /// `OCI_DIR`'s default in `Makefile.j2`.
    pub const OCI_DIR: &str = "dist";
}

impl<'a> GuideView<'a> {
    pub fn new(plan: &'a Plan) -> Self {
        let make = plan.output.makefile.then(|| MakeCommands::new(plan, &MakefileView::new(plan)));
        let arm64 = plan.platforms.iter().find(|p| p.oci == ARM64).map(|p| PlatformCommand {
            oci: p.oci,
            target: make.as_ref().map(|_| format!("docker-build-{}", p.slug)).unwrap_or_default(),
        });
        Self {
            project_name: &plan.project.name,
            description: plan.project.description.as_deref().filter(|d| !d.is_empty()),
            config_file: &plan.config_file,
            registry_prefix: &plan.registry.prefix,
            push_blocker: plan.registry.push_blocker.as_deref(),
            platforms_csv: plan.platforms.iter().map(|p| p.oci).collect::<Vec<_>>().join(", "),
            platforms_flag: plan.platforms.iter().map(|p| p.oci).collect::<Vec<_>>().join(","),
            binfmt_image: plan.ci.binfmt_image,
            apps: plan.apps.iter().map(|app| GuideApp::new(plan, app)).collect(),
            make,
            scripts: plan
                .output
                .scripts
                .then(|| ScriptCommands { detect: format!("./{}", SCRIPTS[0]), validate: format!("./{}", SCRIPTS[1]) }),
            bake: plan.output.bake,
            compose: plan.output.compose,
            workflow: plan.output.workflow.then_some(plan.ci.workflow_in_repo.as_str()),
            workflow_validates: plan.output.workflow && plan.ci.validate,
            tags_summary: TagRule::new(&plan.tags).summary(),
            arm64,
            apps_without_arm64: plan
                .apps
                .iter()
                .filter(|a| !a.platforms.iter().any(|p| p.oci == ARM64))
                .map(|a| a.name.clone())
                .collect(),
            emulated_apps: plan
                .apps
                .iter()
                .filter(|a| !a.packages.is_empty())
                .map(|a| EmulatedApp { name: a.name.clone(), install: install_line(plan, a) })
                .collect(),
            native_code: plan.apps.iter().filter_map(NativeCode::new).collect(),
            pure_go_apps: plan
                .apps
                .iter()
                .filter(|a| a.go.as_ref().is_some_and(|g| !g.cgo))
                .map(|a| a.name.clone())
                .collect(),
        }
    }
}

/// The runtime stage's install command for `packages`, as the Dockerfile view picks the package manager.
fn install_line(plan: &Plan, app: &AppPlan) -> String {
    let view = DockerfileView::new(plan, app);
    let tool = if view.apk { "apk add" } else { "apt-get install" };
    format!("{tool} {}", app.packages.join(" "))
}

impl MakeCommands {
    fn new(plan: &Plan, view: &MakefileView<'_>) -> Self {
        Self {
            make: if view.included { format!("make -f {}", view.path) } else { "make".to_string() },
            path: view.path.to_string(),
            included: view.included,
            help: view.targets.help,
            tags: view.targets.tags,
            clean: view.targets.clean,
            validate: view.validate.then_some(view.targets.validate),
            test_multi: view.validate.then_some(target::TEST_MULTI),
            test: (!view.test_apps.is_empty()).then_some(view.targets.test),
            setup: target::SETUP,
            builder: target::BUILDER,
            build_local: target::BUILD_LOCAL,
            build_multi: target::BUILD_MULTI,
            push_multi: target::PUSH_MULTI,
            deploy_multi: target::DEPLOY_MULTI,
            inspect: target::INSPECT,
            platforms: view
                .platform_targets
                .iter()
                .map(|p| PlatformCommand { oci: p.oci, target: format!("docker-build-{}", p.slug) })
                .collect(),
            builder_name: format!("{}-builder", plan.project.name),
            oci_dir: target::OCI_DIR,
        }
    }
}

impl NativeCode {
    /// Cross compilers for an app that compiles C; `None` for pure Go.
    fn new(app: &AppPlan) -> Option<Self> {
        let compilers = if let Some(rust) = &app.rust {
            app.platforms
                .iter()
                .map(|p| match (&p.linker, rust.musl) {
                    (Some(linker), false) => format!("{}: `{}`, linked by `{linker}`", p.oci, p.rust_target),
                    _ => format!("{}: `{}`, linked by zig", p.oci, p.rust_target),
                })
                .collect()
        } else if app.go.as_ref().is_some_and(|g| g.cgo) {
            app.platforms.iter().map(|p| format!("{}: `CC={}`", p.oci, p.linker.as_deref().unwrap_or("cc"))).collect()
        } else {
            return None;
        };
        Some(Self {
            name: app.name.clone(),
            compilers,
            build_packages: app.build_packages.clone(),
            runtime_libraries: app.runtime_libraries.clone(),
        })
    }
}

impl GuideApp {
    fn new(plan: &Plan, app: &AppPlan) -> Self {
        let view = DockerfileView::new(plan, app);
        let (stages, edges, final_stage) = stages(&view);
        let runtime_image = app.runtime_image.clone().unwrap_or_else(|| "scratch".to_string());
        let buildx = format!(
            "docker buildx build --platform {} -f {} -t {}:\"$TAG\"",
            app.platforms_csv, app.dockerfile, app.image
        );
        Self {
            name: app.name.clone(),
            language: match app.language {
                crate::config::Language::Go => "Go",
                crate::config::Language::Rust => "Rust",
            },
            image: app.image.clone(),
            platforms: app.platforms.iter().map(|p| p.oci).collect(),
            platforms_csv: app.platforms.iter().map(|p| p.oci).collect::<Vec<_>>().join(", "),
            dockerfile: app.dockerfile.clone(),
            context: app.context.clone(),
            runtime_image,
            bin_path: app.bin_path.clone(),
            stages,
            edges,
            image_label: format!("{}:TAG, one image per platform: {}", app.image, app.platforms_csv),
            final_stage,
            buildx_local: format!(
                "docker buildx build --load -f {} -t {}:\"$TAG\" {}",
                app.dockerfile, app.image, app.context
            ),
            buildx_push: format!("{buildx} --push {}", app.context),
        }
    }
}

/// Collects stages and edges with ids in order.
#[derive(Default)]
struct Graph {
    stages: Vec<Stage>,
    edges: Vec<Edge>,
}

impl Graph {
    fn add(&mut self, name: impl Into<String>, what: impl Into<String>, place: Place) -> String {
        let id = format!("s{}", self.stages.len());
        self.stages.push(Stage { id: id.clone(), name: name.into(), what: what.into(), place });
        id
    }

    fn edge(&mut self, from: &str, to: &str) {
        self.edges.push(Edge { from: from.to_string(), to: to.to_string() });
    }
}

/// The app's build as stages: what the Dockerfile view's facts make its templates write. Returns the stages,
/// the edges (a stage feeds another: `FROM` or `COPY --from`), and the id of the runtime stage.
fn stages(view: &DockerfileView<'_>) -> (Vec<Stage>, Vec<Edge>, String) {
    let app = view.app;
    let mut g = Graph::default();
    // The test stage, on the build machine, feeds no image: `make test` builds it alone.
    let test_what = |command: &str| format!("{command}, for the build machine only (--target test)");
    let build = if let Some(go) = &view.go {
        let platforms: Vec<String> = app
            .platforms
            .iter()
            .map(|p| match p.goarm {
                Some(arm) => format!("{}/{} GOARM={arm}", p.goarch, p.variant),
                None => p.goarch.to_string(),
            })
            .collect();
        let (modules, build) = if go.cgo {
            let builder = g.add(go.builder_stage, format!("FROM {}", app.builder_image), Place::BuildMachine);
            let modules = g.add("modules", "go mod download, once for every target", Place::BuildMachine);
            g.edge(&builder, &modules);
            let build = toolchains(&mut g, view, &builder, |p| format!("C compiled by {}", linker(p)));
            g.edge(&modules, &build);
            (modules, build)
        } else if view.test.is_some() {
            let what = format!("FROM {}: go mod download, once for every target", app.builder_image);
            let modules = g.add(go.builder_stage, what, Place::BuildMachine);
            let what = format!("go build with CGO_ENABLED=0 for each target ({})", platforms.join(", "));
            let build = g.add("build", what, Place::BuildMachine);
            g.edge(&modules, &build);
            (modules, build)
        } else {
            let what = format!(
                "FROM {}: go mod download once, then go build with CGO_ENABLED=0 for each target ({})",
                app.builder_image,
                platforms.join(", ")
            );
            let build = g.add(go.builder_stage, what, Place::BuildMachine);
            (build.clone(), build)
        };
        if view.test.is_some() {
            let test = g.add("test", test_what("go test ./..."), Place::BuildMachine);
            g.edge(&modules, &test);
        }
        build
    } else if let Some(rust) = &view.rust {
        let cargo = g.add("cargo", format!("FROM {}", app.builder_image), Place::BuildMachine);
        let fetch = g.add("fetch", "cargo fetch, once for every target", Place::BuildMachine);
        g.edge(&cargo, &fetch);
        let recipe = rust.chef.then(|| {
            let recipe = g.add("recipe", "cargo chef prepare: the dependency recipe", Place::BuildMachine);
            g.edge(&cargo, &recipe);
            recipe
        });
        if view.test.is_some() {
            let test = g.add("test", test_what("cargo test"), Place::BuildMachine);
            g.edge(&cargo, &test);
            g.edge(&fetch, &test);
        }
        let build = toolchains(&mut g, view, &cargo, |p| {
            if rust.musl {
                format!("{}, linked statically by zig", p.rust_target)
            } else {
                format!("{}, linked by {}", p.rust_target, linker(p))
            }
        });
        g.edge(&fetch, &build);
        if let Some(recipe) = recipe {
            g.edge(&recipe, &build);
        }
        build
    } else {
        unreachable!("every app is Go or Rust")
    };

    let runtime_base = app.runtime_has_passwd.then(|| {
        let image = app.runtime_image.as_deref().unwrap_or("scratch");
        g.add("runtime-base", format!("FROM {image}, pulled for the target"), Place::Target)
    });
    let rootfs = g.add("rootfs", format!("the runtime's {}", app.rootfs_summary), Place::BuildMachine);
    if let Some(base) = &runtime_base {
        g.edge(base, &rootfs);
    }
    let libraries = (!app.runtime_libraries.is_empty()).then(|| {
        let what = format!("the target's {}, downloaded and unpacked", app.runtime_libraries.join(", "));
        g.add("runtime-libraries", what, Place::BuildMachine)
    });
    let mut runtime_what = match &runtime_base {
        Some(_) => "FROM runtime-base".to_string(),
        None => "FROM scratch".to_string(),
    };
    if app.packages.is_empty() {
        runtime_what.push_str(": copies only, no RUN");
    } else {
        let tool = if view.apk { "apk add" } else { "apt-get install" };
        runtime_what.push_str(&format!(": RUN {tool} {}, emulated on a foreign build machine", app.packages.join(" ")));
    }
    runtime_what.push_str(&format!("; the binary at {}", app.bin_path));
    let runtime = g.add("runtime", runtime_what, Place::Target);
    if let Some(base) = &runtime_base {
        g.edge(base, &runtime);
    }
    g.edge(&rootfs, &runtime);
    if let Some(libraries) = &libraries {
        g.edge(libraries, &runtime);
    }
    g.edge(&build, &runtime);
    (g.stages, g.edges, runtime)
}

/// One toolchain stage per target platform, then the build stage that picks one by `TARGETARCH`; returns the
/// build stage's id. With cross gcc (every cgo and glibc Rust build) the toolchain stages derive from one shared
/// `cross-toolchains` stage on `builder`; zig (Rust musl) needs none, so they derive from `builder` itself.
fn toolchains(
    g: &mut Graph,
    view: &DockerfileView<'_>,
    builder: &str,
    what: impl Fn(&crate::plan::PlatformPlan) -> String,
) -> String {
    let app = view.app;
    let cross_gcc = view.rust.as_ref().is_none_or(|r| !r.musl);
    let from = if cross_gcc {
        let mut text = "every foreign target's cross gcc, one apt-get for all".to_string();
        if !app.build_packages.is_empty() {
            text.push_str(&format!("; {} for each target", app.build_packages.join(", ")));
        }
        let shared = g.add("cross-toolchains", text, Place::BuildMachine);
        g.edge(builder, &shared);
        shared
    } else {
        builder.to_string()
    };
    let mut ids = Vec::new();
    for p in &app.platforms {
        let id = g.add(format!("toolchain-{}", p.slug), what(p), Place::BuildMachine);
        g.edge(&from, &id);
        ids.push(id);
    }
    let build = g.add(
        "build",
        "the toolchain of TARGETARCH compiles; the ELF check refuses a foreign binary",
        Place::BuildMachine,
    );
    for id in &ids {
        g.edge(id, &build);
    }
    build
}

fn linker(p: &crate::plan::PlatformPlan) -> &str {
    p.linker.as_deref().unwrap_or("the builder's gcc")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(app: &str) -> Plan {
        let text = format!(
            "[project]\nname = \"p\"\nplatforms = [\"linux/amd64\", \"linux/arm64\"]\n[registry]\nhost = \"ghcr.io\"\n\
             namespace = \"acme\"\n[[app]]\nname = \"a\"\n{app}"
        );
        match crate::load_str(&text, "m.toml", "m.toml") {
            Ok(loaded) => loaded.plan,
            Err(_) => panic!("valid: {text}"),
        }
    }

    fn names(view: &GuideView<'_>, place: Place) -> Vec<String> {
        view.apps[0].stages.iter().filter(|s| s.place == place).map(|s| s.name.clone()).collect()
    }

    #[test]
    fn a_pure_go_app_compiles_in_one_stage_on_the_build_machine() {
        let plan = plan("language = \"go\"\nruntime = \"scratch\"\n");
        let view = GuideView::new(&plan);
        assert_eq!(names(&view, Place::BuildMachine), ["build", "rootfs"]);
        assert_eq!(names(&view, Place::Target), ["runtime"]);
        assert_eq!(view.pure_go_apps, ["a"]);
        assert!(view.native_code.is_empty() && view.emulated_apps.is_empty());
    }

    #[test]
    fn cgo_and_rust_get_a_toolchain_stage_per_target() {
        for app in ["language = \"go\"\ngo.cgo = true\n", "language = \"rust\"\n"] {
            let plan = plan(app);
            let view = GuideView::new(&plan);
            let build = names(&view, Place::BuildMachine);
            assert!(build.contains(&"toolchain-amd64".to_string()) && build.contains(&"toolchain-arm64".to_string()));
            let stages = &view.apps[0].stages;
            let id = |name: &str| stages.iter().find(|s| s.name == name).unwrap().id.clone();
            let edges = &view.apps[0].edges;
            for slug in ["amd64", "arm64"] {
                let toolchain = id(&format!("toolchain-{slug}"));
                assert!(edges.contains(&Edge { from: id("cross-toolchains"), to: toolchain.clone() }), "{app}");
                assert!(edges.contains(&Edge { from: toolchain, to: id("build") }), "{app}: {edges:?}");
            }
            assert!(edges.contains(&Edge { from: id("build"), to: view.apps[0].final_stage.clone() }));
            assert_eq!(view.native_code.len(), 1, "{app}");
        }
    }

    #[test]
    fn packages_are_the_one_step_on_the_target() {
        let plan = plan("language = \"go\"\nruntime = \"alpine\"\npackages = [\"curl\"]\n");
        let view = GuideView::new(&plan);
        assert_eq!(names(&view, Place::Target), ["runtime-base", "runtime"]);
        let runtime = view.apps[0].stages.iter().find(|s| s.name == "runtime").unwrap();
        assert!(runtime.what.contains("RUN apk add curl, emulated"), "{}", runtime.what);
        assert_eq!(view.emulated_apps[0].install, "apk add curl");
    }

    #[test]
    fn an_included_makefile_is_run_with_f_and_renames_its_generic_targets() {
        let mut plan = plan("language = \"go\"\n");
        plan.output.makefile_path = "docker.mk".to_string();
        let make = GuideView::new(&plan).make.unwrap();
        assert_eq!(make.make, "make -f docker.mk");
        assert_eq!((make.help, make.validate), ("docker-help", Some("docker-validate")));
        plan.output.scripts = false;
        let make = GuideView::new(&plan).make.unwrap();
        assert_eq!((make.validate, make.test_multi), (None, None));
        plan.output.makefile = false;
        assert!(GuideView::new(&plan).make.is_none());
        assert_eq!(GuideView::new(&plan).arm64.unwrap().target, "");
    }
}
