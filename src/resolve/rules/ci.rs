//! Rules for `[ci]` and `[tags]`: the workflow's names, branches and limits, and the job ids the apps become.

use indexmap::IndexMap;

use crate::config::{CiStrategy, RawConfig};
use crate::diagnostics::KeyPath;
use crate::grammar;
use crate::resolve::findings::{Findings, MAX_APPS};

/// The longest job GitHub-hosted runners run, in minutes.
const MAX_TIMEOUT_MINUTES: u32 = 360;

/// The workflow's file name, branches, release tag pattern and job timeout.
pub fn ci(raw: &RawConfig, f: &mut Findings) {
    let p = KeyPath::root().key("ci");
    let c = &raw.ci;
    f.check(&p.key("workflow"), &c.workflow, "workflow name", grammar::workflow_name);
    if c.branches.is_empty() {
        f.error_help(p.key("branches"), "no branches", "name the default branch, e.g. `[\"main\"]`");
    }
    f.check_list(&p.key("branches"), &c.branches, "branch name", grammar::branch);
    f.check(&p.key("tag-pattern"), &c.tag_pattern, "tag pattern", grammar::ref_pattern);
    if !(1..=MAX_TIMEOUT_MINUTES).contains(&c.timeout_minutes) {
        f.error_help(
            p.key("timeout-minutes"),
            format!("{} minutes is not a job timeout GitHub accepts", c.timeout_minutes),
            "use 1 to 360 (GitHub-hosted runners stop a job after 6 hours)",
        );
    }
}

/// A push to a branch needs some tag to push under.
pub fn tags(raw: &RawConfig, f: &mut Findings) {
    if !raw.tags.branch && !raw.tags.sha {
        f.error_help(
            KeyPath::root().key("tags"),
            "with `branch` and `sha` both off, a push to a branch has no tag to push",
            "turn one of them on",
        );
    }
}

/// The registry login secrets' names.
pub fn secrets(raw: &RawConfig, f: &mut Findings) {
    let p = KeyPath::root().key("ci");
    for (key, value) in [("username-secret", &raw.ci.username_secret), ("password-secret", &raw.ci.password_secret)] {
        if let Some(name) = value {
            f.check(&p.key(key), name, "secret name", grammar::secret_name);
        }
    }
}

/// Every app becomes a workflow job (and `<app>-build` with native runners, beside `validate`): a job id starts
/// with a letter or `_`, and two jobs cannot share one.
pub fn job_ids(raw: &RawConfig, f: &mut Findings) {
    let mut taken: IndexMap<String, String> = IndexMap::new();
    if raw.ci.validate && raw.output.scripts {
        taken.insert("validate".into(), "the job that validates pushed images".into());
    }
    let apps = &raw.app[..raw.app.len().min(MAX_APPS)];
    for (i, app) in apps.iter().enumerate() {
        if apps[..i].iter().any(|a| a.name == app.name) {
            continue; // reported as a repeated name already
        }
        let path = KeyPath::root().key("app").index(i).key("name");
        if !app.name.starts_with(|c: char| c.is_ascii_alphabetic()) {
            f.error_help(
                path,
                format!("`{}` cannot name a GitHub Actions job: a job id starts with a letter", app.name),
                "start the app name with a letter, or turn off `output.workflow` and write the workflow yourself",
            );
            continue;
        }
        let mut ids = vec![(app.name.clone(), "job")];
        if raw.ci.strategy == CiStrategy::Native {
            ids.push((format!("{}-build", app.name), "build job"));
        }
        for (id, role) in ids {
            if let Some(owner) = taken.get(&id) {
                f.error_help(
                    path.clone(),
                    format!("app `{}` needs the workflow job `{id}`, which is already {owner}", app.name),
                    "rename the app",
                );
            } else {
                taken.insert(id, format!("app `{}`'s {role}", app.name));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resolve::rules::testing::{config, found};

    #[test]
    fn timeouts_are_what_github_accepts() {
        let mut raw = config("");
        raw.ci.timeout_minutes = 0;
        assert_eq!(found(&raw, ci), ["0 minutes is not a job timeout GitHub accepts"]);
        raw.ci.timeout_minutes = MAX_TIMEOUT_MINUTES;
        assert!(found(&raw, ci).is_empty());
        raw.ci.timeout_minutes = MAX_TIMEOUT_MINUTES + 1;
        assert_eq!(found(&raw, ci).len(), 1);
    }

    #[test]
    fn branch_pushes_need_a_tag() {
        let mut raw = config("");
        raw.tags.branch = false;
        assert!(found(&raw, tags).is_empty());
        raw.tags.sha = false;
        assert_eq!(found(&raw, tags).len(), 1);
    }

    #[test]
    fn apps_cannot_take_a_job_id_already_taken() {
        let raw = config("[[app]]\nname = \"validate\"\nlanguage = \"go\"\n");
        assert_eq!(
            found(&raw, job_ids),
            ["app `validate` needs the workflow job `validate`, which is already the job that validates pushed images"]
        );
        let raw = config(
            "[ci]\nstrategy = \"native\"\n[[app]]\nname = \"a\"\nlanguage = \"go\"\n[[app]]\nname = \"a-build\"\nlanguage = \"go\"\n",
        );
        assert_eq!(
            found(&raw, job_ids),
            ["app `a-build` needs the workflow job `a-build`, which is already app `a`'s build job"]
        );
        let raw = config("[[app]]\nname = \"1a\"\nlanguage = \"go\"\n");
        assert_eq!(found(&raw, job_ids).len(), 1);
    }
}
