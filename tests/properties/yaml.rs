//! The YAML files: a reader, a shape (keys in order, sequence lengths, scalar kinds) a value must not change,
//! compose's `$$` escaping, and the checks of `compose.yaml` and the GitHub Actions workflow.

use serde_yaml_ng::Value;

use super::model::Config;

pub(super) fn yaml(text: &str) -> Value {
    serde_yaml_ng::from_str(text).unwrap_or_else(|e| panic!("not YAML ({e}):\n{text}"))
}

fn key(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => format!("{other:?}"),
    }
}

fn keys(v: &Value) -> Vec<String> {
    v.as_mapping().unwrap_or_else(|| panic!("not a mapping: {v:?}")).keys().map(key).collect()
}

pub(super) fn at<'a>(v: &'a Value, path: &[&str]) -> &'a Value {
    path.iter().fold(v, |v, k| v.get(k).unwrap_or_else(|| panic!("no `{k}` in {v:?}")))
}

/// Keys in order, sequence lengths and scalar kinds, recursively: what a value must not change.
pub(super) fn yaml_shape(v: &Value, out: &mut String) {
    match v {
        Value::Mapping(m) => {
            out.push('{');
            for (k, v) in m {
                out.push_str(&key(k));
                out.push(':');
                yaml_shape(v, out);
                out.push(',');
            }
            out.push('}');
        }
        Value::Sequence(s) => {
            out.push('[');
            for v in s {
                yaml_shape(v, out);
                out.push(',');
            }
            out.push(']');
        }
        Value::String(_) => out.push('s'),
        Value::Number(_) => out.push('n'),
        Value::Bool(_) => out.push('b'),
        Value::Null => out.push('~'),
        Value::Tagged(_) => out.push('!'),
    }
}

/// What compose makes of a value: `$$` is a literal `$`.
pub(super) fn compose_literal(v: &str) -> String {
    v.replace('$', "$$")
}

pub(super) fn check_compose(c: &Config, text: &str) {
    let doc = yaml(text);
    let mut top = vec!["name", "services"];
    if c.apps.iter().any(|a| !a.volumes.is_empty()) {
        top.push("volumes");
    }
    if !c.build.secrets.is_empty() {
        top.push("secrets");
    }
    assert_eq!(keys(&doc), top);
    assert_eq!(keys(at(&doc, &["services"])), c.apps.iter().map(|a| a.name.clone()).collect::<Vec<_>>());
    for (i, app) in c.apps.iter().enumerate() {
        let service = at(&doc, &["services", &app.name]);
        // Compose builds for the machine's own platform unless the app lacks amd64 or arm64.
        let pinned = !["linux/amd64", "linux/arm64"].iter().all(|m| app.platforms.iter().any(|p| p == m));
        let mut expected = vec!["image", "build", "pull_policy"];
        if pinned {
            expected.push("platform");
            let platform = at(service, &["platform"]).as_str().unwrap();
            assert_eq!(platform, format!("${{DOCKER_DEFAULT_PLATFORM:-{}}}", app.platforms[0]));
        }
        if !app.compose_env.is_empty() {
            expected.push("environment");
        }
        if !app.ports.is_empty() {
            expected.push("ports");
        }
        if !app.volumes.is_empty() {
            expected.push("volumes");
        }
        if app.healthcheck.is_some() {
            expected.push("healthcheck");
        }
        let restart = app.restart.or((!app.ports.is_empty() || app.healthcheck.is_some()).then_some("unless-stopped"));
        if restart.is_some_and(|r| r != "no") {
            expected.push("restart");
        }
        assert_eq!(keys(service), expected, "service {}", app.name);
        // Each service's build gets the secrets that reach its app, and no others.
        // In the order the config's tables load (sorted by id), as every output lists them.
        let mut secrets = c.secrets_of(i);
        secrets.sort();
        let mut build = vec!["context", "dockerfile"];
        if !secrets.is_empty() {
            build.push("secrets");
            let ids: Vec<&str> =
                at(service, &["build", "secrets"]).as_sequence().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
            assert_eq!(ids, secrets, "build secrets of {}", app.name);
        }
        if c.build.ssh {
            build.push("ssh");
        }
        assert_eq!(keys(at(service, &["build"])), build, "no build.platforms");
        for (name, value) in &app.compose_env {
            let env = at(service, &["environment"]).as_mapping().unwrap();
            assert_eq!(env.get(name).and_then(Value::as_str), Some(compose_literal(value).as_str()), "{name}");
        }
        if let Some(h) = &app.healthcheck {
            let test: Vec<&str> = at(service, &["healthcheck", "test"])
                .as_sequence()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap())
                .collect();
            let mut expected = vec!["CMD".to_string()];
            expected.extend(h.command.iter().enumerate().map(|(i, w)| {
                let word = if i == 0 && w == app.bin() { format!("/usr/local/bin/{w}") } else { w.clone() };
                compose_literal(&word)
            }));
            assert_eq!(test, expected, "healthcheck test");
        }
    }
}

pub(super) fn check_workflow(c: &Config, text: &str) {
    let doc = yaml(text);
    assert_eq!(keys(&doc), ["name", "on", "permissions", "concurrency", "jobs"]);
    let mut jobs = Vec::new();
    for app in &c.apps {
        if c.native {
            jobs.push(format!("{}-build", app.name));
        }
        jobs.push(app.name.clone());
    }
    if c.validate_job() {
        jobs.push("validate".into());
    }
    assert_eq!(keys(at(&doc, &["jobs"])), jobs);
    for (id, job) in at(&doc, &["jobs"]).as_mapping().unwrap() {
        for step in at(job, &["steps"]).as_sequence().expect("steps") {
            if let Some(run) = step.get("run").and_then(Value::as_str) {
                assert!(!run.contains("${{"), "{}: an expression inside run: {run}", key(id));
            }
        }
    }
}
