//! The generated GitHub Actions workflow, parsed as YAML: triggers, least privilege, pinning, both build
//! strategies, the validate job, and no expression expanded inside a `run:` script.

use serde_yaml_ng::{Mapping, Value};

use crate::util;

/// Renders a config (the TOML text) and returns the workflow's text.
fn workflow_of(config: &str) -> String {
    let loaded = match mkmulti::load_str(config, "multiarch.toml", "multiarch.toml") {
        Ok(l) => l,
        Err(mkmulti::LoadError::Invalid(d)) => panic!("invalid config:\n{}", crate::util::rendered(&d)),
        Err(mkmulti::LoadError::Io(m)) => panic!("{m}"),
    };
    let files = mkmulti::render::render(&loaded.plan);
    files.into_iter().find(|f| f.path.starts_with(".github/workflows/")).expect("a workflow").contents
}

/// An example's config with lines added at the top level (before the first table) and into `[ci]`.
fn example_with(example: &str, ci: &str, app_extra: &str) -> String {
    let text = std::fs::read_to_string(util::root().join("examples").join(example).join("multiarch.toml")).unwrap();
    // The keys a variant sets replace the example's own.
    let text: String = text
        .lines()
        .filter(|l| !ci.lines().any(|c| c.split('=').next().is_some_and(|k| l.starts_with(k.trim_end()))))
        .map(|l| format!("{l}\n"))
        .collect();
    let mut text = if text.contains("\n[ci]\n") {
        text.replacen("\n[ci]\n", &format!("\n[ci]\n{ci}\n"), 1)
    } else {
        format!("{text}\n[ci]\n{ci}\n")
    };
    if !app_extra.is_empty() {
        text = text.replacen("\nlanguage = ", &format!("\n{app_extra}\nlanguage = "), 1);
    }
    text
}

fn parse(text: &str) -> Mapping {
    match serde_yaml_ng::from_str::<Value>(text).expect("the workflow is YAML") {
        Value::Mapping(m) => m,
        other => panic!("not a mapping: {other:?}"),
    }
}

fn get<'a>(v: &'a Value, key: &str) -> &'a Value {
    v.get(key).unwrap_or_else(|| panic!("no `{key}` in {v:?}"))
}

fn jobs(wf: &Mapping) -> &Mapping {
    wf.get("jobs").and_then(Value::as_mapping).expect("jobs")
}

fn job<'a>(wf: &'a Mapping, id: &str) -> &'a Value {
    jobs(wf).get(id).unwrap_or_else(|| panic!("no job `{id}`; jobs: {:?}", jobs(wf).keys().collect::<Vec<_>>()))
}

fn steps(job: &Value) -> &Vec<Value> {
    get(job, "steps").as_sequence().expect("steps")
}

fn step<'a>(job: &'a Value, uses_prefix: &str) -> Option<&'a Value> {
    steps(job).iter().find(|s| s.get("uses").and_then(Value::as_str).is_some_and(|u| u.starts_with(uses_prefix)))
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or_else(|| panic!("not a string: {v:?}"))
}

fn permissions(job: &Value) -> Vec<(String, String)> {
    let mut p: Vec<(String, String)> = get(job, "permissions")
        .as_mapping()
        .expect("a permissions map")
        .iter()
        .map(|(k, v)| (s(k).to_string(), s(v).to_string()))
        .collect();
    p.sort();
    p
}

/// What every variant must hold, whatever the strategy or pinning.
fn common_rules(text: &str) {
    let wf = parse(text);
    let root = Value::Mapping(wf.clone());
    let on = wf.get("on").expect("triggers");
    for trigger in ["push", "pull_request", "workflow_dispatch"] {
        assert!(on.get(trigger).is_some(), "missing trigger {trigger}");
    }
    assert!(get(get(on, "push"), "tags").as_sequence().is_some_and(|t| !t.is_empty()));
    assert_eq!(permissions(&root), [("contents".to_string(), "read".to_string())]);
    let concurrency = get(&root, "concurrency");
    assert_eq!(s(get(concurrency, "cancel-in-progress")), "${{ github.event_name == 'pull_request' }}");
    for (id, job) in jobs(&wf) {
        let id = s(id);
        assert!(job.get("timeout-minutes").and_then(Value::as_u64).is_some(), "{id}: no timeout-minutes");
        assert!(job.get("permissions").is_some(), "{id}: no job permissions");
        for step in steps(job) {
            if let Some(run) = step.get("run") {
                assert!(!s(run).contains("${{"), "{id}: an expression is expanded inside run: {run:?}");
            }
            if let Some(checkout) = step.get("uses").filter(|u| s(u).starts_with("actions/checkout@")) {
                let with = get(step, "with");
                assert_eq!(get(with, "persist-credentials").as_bool(), Some(false), "{id}: {checkout:?}");
            }
        }
    }
    // No untrusted event text anywhere.
    for untrusted in ["github.head_ref", "github.event.pull_request", "github.event.head_commit", "github.event.issue"]
    {
        assert!(!text.contains(untrusted), "{untrusted} appears in the workflow");
    }
}

fn uses_lines(text: &str) -> Vec<&str> {
    text.lines().filter_map(|l| l.trim_start().strip_prefix("uses: ")).collect()
}

#[test]
fn every_example_workflow_follows_the_rules_in_every_variant() {
    for dir in util::examples() {
        let example = dir.file_name().unwrap().to_str().unwrap().to_string();
        for strategy in ["single", "native"] {
            for pin in ["sha", "tag"] {
                let config = example_with(&example, &format!("strategy = \"{strategy}\"\npin-actions = \"{pin}\""), "");
                let text = workflow_of(&config);
                common_rules(&text);
                assert!(uses_lines(&text).len() >= 5, "{example}: the workflow uses its actions");
                for uses in uses_lines(&text) {
                    let (action, rest) = uses.split_once('@').expect("owner/name@ref");
                    let (reference, comment) = rest.split_once(" # ").expect("a comment after every ref");
                    let known = mkmulti::actions::ALL.iter().find(|a| a.repo == action).expect("a known action");
                    if pin == "sha" {
                        assert_eq!(reference, known.sha, "{example}: {uses}");
                        assert_eq!(comment, known.version, "{example}: {uses}");
                    } else {
                        assert_eq!(reference, known.major(), "{example}: {uses}");
                        assert!(comment.starts_with("zizmor: ignore[unpinned-uses]"), "{example}: {uses}");
                    }
                }
            }
        }
    }
}

#[test]
fn single_strategy_builds_all_platforms_in_one_job_per_app() {
    let text = workflow_of(&example_with("realtime-svg", "", ""));
    let wf = parse(&text);
    let ids: Vec<&str> = jobs(&wf).keys().map(s).collect();
    assert_eq!(ids, ["backend", "frontend", "validate"]);
    let backend = job(&wf, "backend");
    assert_eq!(s(get(backend, "runs-on")), "ubuntu-24.04");
    let build = step(backend, "docker/build-push-action@").expect("build-push");
    let with = get(build, "with");
    assert_eq!(s(get(with, "platforms")), "linux/amd64,linux/arm64,linux/arm/v7");
    assert_eq!(s(get(with, "push")), "${{ github.event_name != 'pull_request' }}");
    assert_eq!(s(get(with, "tags")), "${{ steps.meta.outputs.tags }}");
    assert_eq!(s(get(with, "cache-from")), "type=gha,scope=backend");
    assert_eq!(s(get(with, "provenance")), "mode=max");
    assert_eq!(get(with, "sbom").as_bool(), Some(true));
    // Nothing runs on the target platform in this example, so no QEMU in the build jobs.
    assert!(step(backend, "docker/setup-qemu-action@").is_none());
    let login = step(backend, "docker/login-action@").expect("login");
    assert_eq!(s(get(login, "if")), "github.event_name != 'pull_request'");
    assert_eq!(s(get(get(backend, "outputs"), "version")), "${{ steps.meta.outputs.version }}");
}

#[test]
fn native_strategy_builds_per_platform_runner_and_merges_digests() {
    let text = workflow_of(&example_with("realtime-svg", "strategy = \"native\"", ""));
    let wf = parse(&text);
    let ids: Vec<&str> = jobs(&wf).keys().map(s).collect();
    assert_eq!(ids, ["backend-build", "backend", "frontend-build", "frontend", "validate"]);

    let build = job(&wf, "backend-build");
    assert_eq!(s(get(build, "runs-on")), "${{ matrix.runner }}");
    let include = get(get(get(build, "strategy"), "matrix"), "include").as_sequence().unwrap();
    let rows: Vec<(&str, &str)> = include.iter().map(|r| (s(get(r, "platform")), s(get(r, "runner")))).collect();
    assert_eq!(
        rows,
        [("linux/amd64", "ubuntu-24.04"), ("linux/arm64", "ubuntu-24.04-arm"), ("linux/arm/v7", "ubuntu-24.04-arm")]
    );
    let push = get(step(build, "docker/build-push-action@").unwrap(), "with");
    assert_eq!(s(get(push, "platforms")), "${{ matrix.platform }}");
    assert_eq!(
        s(get(push, "outputs")),
        "type=image,push-by-digest=true,name-canonical=true,push=${{ github.event_name != 'pull_request' }}"
    );
    assert_eq!(s(get(push, "cache-to")), "type=gha,mode=max,scope=backend-${{ matrix.slug }}");
    let upload = get(step(build, "actions/upload-artifact@").unwrap(), "with");
    assert_eq!(s(get(upload, "name")), "digests-backend-${{ matrix.slug }}");

    let merge = job(&wf, "backend");
    assert_eq!(s(get(merge, "needs")), "backend-build");
    assert_eq!(s(get(merge, "if")), "github.event_name != 'pull_request'");
    let download = get(step(merge, "actions/download-artifact@").unwrap(), "with");
    assert_eq!(s(get(download, "pattern")), "digests-backend-*");
    assert_eq!(get(download, "merge-multiple").as_bool(), Some(true));
    let create = steps(merge).iter().find(|st| st.get("run").is_some_and(|r| s(r).contains("imagetools create")));
    let create = create.expect("a step creating the manifest list");
    assert_eq!(s(get(get(create, "env"), "IMAGE")), "docker.io/example/realtime-svg-backend");
    // The artifact patterns of two apps whose names share a prefix cannot catch each other's digests.
    let text = workflow_of(
        "[project]\nname = \"p\"\n[registry]\nhost = \"ghcr.io\"\nnamespace = \"a\"\n[ci]\nstrategy = \"native\"\n\
         [[app]]\nname = \"api\"\nlanguage = \"go\"\n[[app]]\nname = \"api-worker\"\nlanguage = \"go\"\n",
    );
    assert!(text.contains("pattern: digests-api-*\n") && text.contains("name: digests-api_worker-${{ matrix.slug }}"));
}

#[test]
fn qemu_is_set_up_only_where_a_platform_runs_commands() {
    // Runtime packages install on the target platform: QEMU for the foreign ones only.
    let single = parse(&workflow_of(&example_with("go-hello", "", "packages = [\"curl\"]\nruntime = \"debian-slim\"")));
    let qemu = step(job(&single, "go-hello"), "docker/setup-qemu-action@").expect("QEMU with runtime packages");
    assert_eq!(s(get(get(qemu, "with"), "platforms")), "linux/arm64,linux/arm/v7");
    assert_eq!(s(get(get(qemu, "with"), "image")), mkmulti::actions::BINFMT_IMAGE);

    let native = parse(&workflow_of(&example_with(
        "go-hello",
        "strategy = \"native\"",
        "packages = [\"curl\"]\nruntime = \"debian-slim\"",
    )));
    let build = job(&native, "go-hello-build");
    let include = get(get(get(build, "strategy"), "matrix"), "include").as_sequence().unwrap();
    let qemu_rows: Vec<(&str, bool)> =
        include.iter().map(|r| (s(get(r, "platform")), get(r, "qemu").as_bool().unwrap())).collect();
    assert_eq!(qemu_rows, [("linux/amd64", false), ("linux/arm64", false), ("linux/arm/v7", true)]);
    assert_eq!(s(get(step(build, "docker/setup-qemu-action@").unwrap(), "if")), "matrix.qemu");
}

#[test]
fn validate_job_runs_the_script_against_the_pushed_tag() {
    let wf = parse(&workflow_of(&example_with("go-cgo", "", "")));
    let validate = job(&wf, "validate");
    assert_eq!(get(validate, "needs").as_sequence().unwrap().iter().map(s).collect::<Vec<_>>(), ["go-cgo"]);
    assert_eq!(s(get(validate, "if")), "github.event_name != 'pull_request'");
    // ghcr.io with the workflow's token: the pushing job may write packages, the validate job only read.
    assert_eq!(permissions(validate), [("contents".into(), "read".into()), ("packages".into(), "read".into())]);
    assert_eq!(
        permissions(job(&wf, "go-cgo")),
        [("contents".into(), "read".into()), ("packages".into(), "write".into())]
    );
    let run = steps(validate).iter().find(|st| st.get("run").is_some()).unwrap();
    assert_eq!(s(get(run, "run")), "./scripts/validate-multiarch.sh");
    let env = get(run, "env");
    assert_eq!(s(get(env, "TAG")), "${{ needs.go-cgo.outputs.version }}");
    assert_eq!(s(get(env, "DOCKER_REGISTRY")), "ghcr.io/example");
    let qemu = step(validate, "docker/setup-qemu-action@").expect("foreign platforms run under QEMU");
    assert_eq!(s(get(get(qemu, "with"), "platforms")), "linux/arm64,linux/arm/v7");

    // No validate job without the scripts, or when turned off.
    for (ci, output) in [("validate = false", ""), ("", "\n[output]\nscripts = false\n")] {
        let text = workflow_of(&format!("{}{output}", example_with("go-cgo", ci, "")));
        assert!(!jobs(&parse(&text)).contains_key("validate"), "{ci}{output}");
    }
}

#[test]
fn job_ids_are_checked() {
    let config = |ci: &str, names: &[&str]| {
        let mut c = format!("[project]\nname = \"p\"\n[registry]\nhost = \"ghcr.io\"\nnamespace = \"a\"\n[ci]\n{ci}\n");
        for n in names {
            c.push_str(&format!("[[app]]\nname = \"{n}\"\nlanguage = \"go\"\n"));
        }
        c
    };
    let error = |ci: &str, names: &[&str]| match mkmulti::load_str(&config(ci, names), "m.toml", "m.toml") {
        Err(mkmulti::LoadError::Invalid(d)) => crate::util::rendered(&d),
        _ => panic!("{names:?} with {ci:?} should be invalid"),
    };
    assert!(error("", &["2fa"]).contains("a job id starts with a letter"));
    assert!(error("", &["validate"]).contains("already the job that validates pushed images"));
    assert!(
        error("strategy = \"native\"", &["api", "api-build"]).contains("`api-build`, which is already app `api`'s")
    );
    // The same names are fine where the jobs they would collide with do not exist.
    for (ci, names) in [("validate = false", &["validate"][..]), ("", &["api", "api-build"][..])] {
        assert!(mkmulti::load_str(&config(ci, names), "m.toml", "m.toml").is_ok(), "{ci} {names:?}");
    }
}

#[test]
fn without_a_namespace_every_job_stops_first_except_on_pull_requests() {
    for strategy in ["single", "native"] {
        let text = example_with("realtime-svg", &format!("strategy = \"{strategy}\""), "");
        let text: String = text.lines().filter(|l| !l.starts_with("namespace")).map(|l| format!("{l}\n")).collect();
        let doc = parse(&workflow_of(&text));
        let jobs = doc.get("jobs").and_then(Value::as_mapping).unwrap();
        assert!(jobs.len() >= 3, "{strategy}");
        for (id, job) in jobs {
            let first = &job["steps"][0];
            assert_eq!(first["name"].as_str(), Some("Stop until the registry can take the images"), "{id:?}");
            assert_eq!(first["if"].as_str(), Some("github.event_name != 'pull_request'"));
            assert!(first["run"].as_str().unwrap().contains("registry.namespace"));
        }
    }
    // With a namespace there is no such step.
    assert!(!workflow_of(&example_with("realtime-svg", "", "")).contains("Stop until the registry"));
}

#[test]
fn the_test_job_runs_the_test_stages_and_every_image_build_waits_for_it() {
    for strategy in ["single", "native"] {
        // realtime-svg has two apps; only the frontend turns its tests off.
        let config = example_with("realtime-svg", &format!("strategy = \"{strategy}\""), "")
            .replacen("\n[ci]\n", "\n[build]\ntest = true\n\n[ci]\n", 1)
            .replacen("\nname = \"frontend\"\n", "\nname = \"frontend\"\ntest = false\n", 1);
        let text = workflow_of(&config);
        common_rules(&text);
        let wf = parse(&text);
        let test = job(&wf, "test");
        let tests: Vec<&Value> = steps(test)
            .iter()
            .filter(|st| {
                st.get("uses").and_then(Value::as_str).is_some_and(|u| u.starts_with("docker/build-push-action@"))
            })
            .collect();
        assert_eq!(tests.len(), 1, "{strategy}: one test step, the backend's");
        let with = get(tests[0], "with");
        assert_eq!((s(get(with, "target")), s(get(with, "outputs"))), ("test", "type=cacheonly"));
        assert!(with.get("platforms").is_none() && with.get("push").is_none(), "the runner's own platform, no push");
        assert_eq!(s(get(with, "file")), "Dockerfile.backend");
        let builds: Vec<&str> =
            if strategy == "native" { vec!["backend-build", "frontend-build"] } else { vec!["backend", "frontend"] };
        for id in builds {
            assert_eq!(s(get(job(&wf, id), "needs")), "test", "{strategy}: {id}");
        }
    }
    let wf = parse(&workflow_of(&example_with("realtime-svg", "", "")));
    assert!(jobs(&wf).get("test").is_none());
    assert!(job(&wf, "backend").get("needs").is_none());
}
