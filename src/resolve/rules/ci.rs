//! Rules for `[ci]` and `[tags]`: the workflow's names, branches and limits, and the job ids the apps become.

use indexmap::IndexMap;

use crate::config::{CiStrategy, RawConfig};
use crate::diagnostics::KeyPath;
use crate::grammar;
use crate::resolve::derive;
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

/// `ci.root`: `.` or `..` parts, and (for the workflow written there) the directories it climbs out of, which
/// the workflow names (`working-directory`, build contexts, path filters): `repo_dirs` holds their names, from the
/// repository root down to the config's directory, as found on disk; `None` for a config read from memory.
pub fn root(raw: &RawConfig, repo_dirs: Option<&[String]>, f: &mut Findings) {
    let path = KeyPath::root().key("ci").key("root");
    if !f.check(&path, &raw.ci.root, "repository root", grammar::ci_root) || !raw.output.workflow {
        return;
    }
    let levels = derive::ci_root_levels(&raw.ci.root);
    if levels == 0 {
        return;
    }
    let Some(dirs) = repo_dirs else {
        f.error_help(
            path,
            format!("`root = \"{}\"` names directories above the config, which mkmulti cannot see here", raw.ci.root),
            "read the config from its file (`--config PATH`), so mkmulti sees the directories between it and the root",
        );
        return;
    };
    if dirs.len() < levels {
        f.error_help(
            path,
            format!("`root = \"{}\"` climbs {levels} directories, above the file system's root", raw.ci.root),
            "count the `..` from the config's directory to the git repository's top (`git rev-parse --show-cdup`)",
        );
        return;
    }
    for dir in dirs {
        if grammar::context(dir).is_err() || dir == "." {
            f.error_help(
                path.clone(),
                format!(
                    "the directory `{}` on the way to the repository root cannot be named in a workflow",
                    shown(dir)
                ),
                "the workflow names each directory between the repository root and the config: rename it to \
                 letters, digits, `.`, `_` and `-`, not starting with `.` or `-`",
            );
            return;
        }
    }
}

/// A directory name as a message may show it: printable ASCII, anything else as `?`.
fn shown(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_graphic() { c } else { '?' }).take(64).collect()
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
    if apps.iter().any(|a| derive::test(raw, a)) {
        taken.insert("test".into(), "the job that runs the unit tests".into());
    }
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
    fn the_repository_root_is_dot_dot_parts_and_the_directories_it_climbs_can_be_named() {
        let with_root = |root: &str| {
            let mut raw = config("");
            raw.ci.root = root.into();
            raw
        };
        let dirs = |names: &[&str]| names.iter().map(|n| n.to_string()).collect::<Vec<_>>();
        let rule = |dirs: Option<Vec<String>>| move |raw: &RawConfig, f: &mut Findings| root(raw, dirs.as_deref(), f);
        assert!(found(&with_root("."), rule(None)).is_empty());
        assert!(found(&with_root("../.."), rule(Some(dirs(&["services", "api"])))).is_empty());
        assert_eq!(found(&with_root("../x"), rule(None)), ["invalid repository root `../x`"]);
        assert_eq!(found(&with_root(".."), rule(None)).len(), 1, "read from memory: no directory names");
        assert_eq!(
            found(&with_root("../.."), rule(Some(dirs(&["api"])))),
            ["`root = \"../..\"` climbs 2 directories, above the file system's root"]
        );
        assert_eq!(
            found(&with_root(".."), rule(Some(dirs(&["my api"])))),
            ["the directory `my?api` on the way to the repository root cannot be named in a workflow"]
        );
        let mut off = with_root("..");
        off.output.workflow = false;
        assert!(found(&off, rule(None)).is_empty(), "without a workflow the root names nothing");
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
        let raw = config("[[app]]\nname = \"test\"\nlanguage = \"go\"\n");
        assert!(found(&raw, job_ids).is_empty(), "no test job without tests");
        let raw = config("[[app]]\nname = \"test\"\nlanguage = \"go\"\n[build]\ntest = true\n");
        assert_eq!(
            found(&raw, job_ids),
            ["app `test` needs the workflow job `test`, which is already the job that runs the unit tests"]
        );
    }
}
