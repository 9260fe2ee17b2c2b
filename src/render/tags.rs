//! The one tag rule: which tags an image built from a commit is pushed under. The workflow hands it to
//! docker/metadata-action; the Makefile re-implements it in make and `sed -E` from the same patterns; the
//! bake file and `mkmulti check` describe it. Everything that states the rule reads it from [`TagRule`].
//!
//! The rule (docker/metadata-action's `type=semver`, which drops the `v` and, for pre-releases, "will only
//! extend {{version}} as tag"):
//! - a release `v1.2.3` (or `1.2.3`): `1.2.3`, plus `1.2` with `tags.semver` and `latest` with `tags.latest`;
//! - a pre-release `v2.0.0-rc1`: `2.0.0-rc1` only;
//! - anything else (`v1.2.3-4-gabc1234`, `v1.3.0-dirty`, a bare commit): its `git describe` name;
//! - and with `tags.sha`, every build also `sha-<7-digit commit>`.

use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;

use crate::plan::TagsPlan;
use crate::render::filters;

/// A release or pre-release version; the first group is the version without `v`. POSIX ERE that `sed -E` and
/// the regex crate read the same way.
const VERSION_ERE: &str = r"^v?([0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?)$";
/// `git describe` names that look like a pre-release but are not a tag: commits after a tag, a dirty tree.
const NOT_A_TAG_ERE: &str = r"-dirty$|-[0-9]+-g[0-9a-f]+$";
/// A release (no pre-release part); the groups are major and minor.
const RELEASE_ERE: &str = r"^v?([0-9]+)\.([0-9]+)\.[0-9]+$";

static VERSION_RE: LazyLock<Regex> = LazyLock::new(|| Regex::new(VERSION_ERE).expect("a valid pattern"));
static NOT_A_TAG_RE: LazyLock<Regex> = LazyLock::new(|| Regex::new(NOT_A_TAG_ERE).expect("a valid pattern"));
static RELEASE_RE: LazyLock<Regex> = LazyLock::new(|| Regex::new(RELEASE_ERE).expect("a valid pattern"));

/// The `[tags]` table, read as the rule above.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TagRule {
    /// Releases also get `<major>.<minor>`.
    pub semver: bool,
    /// Releases also get `latest`.
    pub latest: bool,
    /// Every build also gets `sha-<short commit>`.
    pub sha: bool,
    /// CI pushes of a branch get the branch name (CI only: local builds are named by `git describe`).
    pub branch: bool,
}

impl TagRule {
    pub fn new(tags: &TagsPlan) -> Self {
        Self { semver: tags.semver, latest: tags.latest, sha: tags.sha, branch: tags.branch }
    }

    /// The tags `make tags` computes from `git describe`'s name for the commit (`describe`), an explicit
    /// `TAG` if one is given, and the short commit: the rule as a function, for tests and tools.
    pub fn local_tags(&self, describe: &str, explicit_tag: Option<&str>, short_sha: Option<&str>) -> Vec<String> {
        let version = (!NOT_A_TAG_RE.is_match(describe))
            .then(|| VERSION_RE.captures(describe).map(|c| c[1].to_string()))
            .flatten();
        let tag = explicit_tag.map(str::to_string).or(version).unwrap_or_else(|| describe.to_string());
        let mut tags = vec![tag.clone()];
        if let Some(release) = RELEASE_RE.captures(&tag) {
            if self.semver {
                tags.push(format!("{}.{}", &release[1], &release[2]));
            }
            if self.latest {
                tags.push("latest".to_string());
            }
        }
        // `sha-<commit>` names a commit: not a dirty tree, and not again when the tag already holds the hash
        // (`git describe` between releases, or of a repository without tags).
        let names_commit = |sha: &&str| !describe.ends_with("-dirty") && !tag.contains(*sha);
        if let Some(sha) = short_sha.filter(|s| self.sha && !s.is_empty()).filter(names_commit) {
            tags.push(format!("sha-{sha}"));
        }
        tags
    }

    /// The rule in one sentence, for comments.
    fn sentence(&self) -> String {
        let companions: Vec<&str> =
            [(self.semver, "1.2"), (self.latest, "latest")].into_iter().filter(|(on, _)| *on).map(|(_, t)| t).collect();
        let mut s = String::from(
            "Tags, by the CI workflow's rule (docker/metadata-action): a release version v1.2.3 is pushed as 1.2.3",
        );
        if !companions.is_empty() {
            s.push_str(&format!(" (and also as {})", companions.join(" and ")));
        }
        s.push_str(", a pre-release v2.0.0-rc1 as 2.0.0-rc1 only, and anything else under its `git describe` name");
        if self.sha {
            s.push_str(
                "; every push of a clean commit also as sha-<short commit>, unless its name holds the hash already",
            );
        }
        s.push('.');
        s
    }

    /// The Makefile's explanatory comment, wrapped, each line starting with `# `; `tags_target` is the target
    /// that prints the tags (`tags`, or `docker-tags` in a Makefile made to be included).
    pub fn make_comment(&self, tags_target: &str) -> Vec<String> {
        let text = format!(
            "{} `make {tags_target}` prints them; TAG is the one the test, inspect and validate targets use.",
            self.sentence()
        );
        comment_lines(&text, 110)
    }

    /// The bake file's comment: bake pushes `TAG` alone, and which value matches the CI workflow's tags.
    pub fn bake_comment(&self) -> Vec<String> {
        let text = format!(
            "Each target is pushed as TAG only. The CI workflow's tags, by the tag rule: {}. For a release \
             v1.2.3, TAG=1.2.3 is its version tag; `make docker-push-multi` pushes every tag of the rule.",
            self.summary()
        );
        comment_lines(&text, 110)
    }

    /// Make code: `VERSION` (`git describe`'s name) without its `v` when it is a release or pre-release tag,
    /// else empty.
    pub fn make_release_version(&self) -> String {
        let (not_a_tag, version) = (filters::make_recipe(NOT_A_TAG_ERE), filters::make_recipe(VERSION_ERE));
        format!("$(shell printf '%s\\n' '$(VERSION)' | sed -nE '/{not_a_tag}/d; s/{version}/\\1/p')")
    }

    /// Make code: `<major> <minor>` of `TAG` when it is a release (not a pre-release), else empty.
    pub fn make_release_tag(&self) -> String {
        let release = filters::make_recipe(RELEASE_ERE);
        format!("$(shell printf '%s\\n' '$(TAG)' | sed -nE 's/{release}/\\1 \\2/p')")
    }

    /// Make code: every tag `docker-push-multi` pushes, from `TAG`, `release_tag` and `SHORT_SHA`.
    pub fn make_tags(&self) -> String {
        let mut s = String::from("$(TAG)");
        if self.semver {
            s.push_str(" $(if $(release_tag),$(word 1,$(release_tag)).$(word 2,$(release_tag)))");
        }
        if self.latest {
            s.push_str(" $(if $(release_tag),latest)");
        }
        if self.sha {
            s.push_str(
                " $(if $(SHORT_SHA),$(if $(findstring $(SHORT_SHA),$(TAG))$(findstring -dirty,$(VERSION)),,sha-$(SHORT_SHA)))",
            );
        }
        s
    }

    /// docker/metadata-action's `tags:` lines.
    pub fn metadata_tags(&self) -> Vec<&'static str> {
        let mut lines = Vec::new();
        if self.branch {
            lines.push("type=ref,event=branch");
        }
        lines.push("type=ref,event=pr");
        if self.semver {
            lines.push("type=semver,pattern={{version}}");
            lines.push("type=semver,pattern={{major}}.{{minor}}");
        }
        if self.sha {
            lines.push("type=sha");
        }
        lines
    }

    /// docker/metadata-action's `flavor: latest=` value: `auto` tags releases (not pre-releases) `latest`.
    pub fn metadata_latest(&self) -> &'static str {
        if self.latest { "auto" } else { "false" }
    }

    /// The rule in one line, for `mkmulti check`'s summary (`tags: ...`).
    pub fn summary(&self) -> String {
        let mut parts = Vec::new();
        if self.branch {
            parts.push("<branch>");
        }
        if self.semver {
            parts.push("<major>.<minor>.<patch>, <major>.<minor> on releases");
            parts.push("<major>.<minor>.<patch>-<pre-release> alone on pre-releases");
        }
        if self.latest {
            parts.push("latest on releases");
        }
        if self.sha {
            parts.push("sha-<short commit>");
        }
        parts.join("; ")
    }
}

/// Wraps `text` into `# ` comment lines of at most `width` characters (a longer word gets a line of its own). A
/// `code span` with spaces stays on one line.
fn comment_lines(text: &str, width: usize) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    let mut in_code = false;
    for word in text.split(' ') {
        match words.last_mut() {
            Some(last) if in_code => {
                last.push(' ');
                last.push_str(word);
            }
            _ => words.push(word.to_string()),
        }
        in_code ^= word.matches('`').count() % 2 == 1;
    }
    let mut lines = Vec::new();
    let mut line = String::from("#");
    for word in words {
        if line.len() > 1 && line.len() + 1 + word.len() > width {
            lines.push(std::mem::replace(&mut line, String::from("#")));
        }
        line.push(' ');
        line.push_str(&word);
    }
    lines.push(line);
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: TagRule = TagRule { semver: true, latest: true, sha: true, branch: true };

    #[test]
    fn releases_get_their_companions_and_pre_releases_only_their_version() {
        let sha = Some("abc1234");
        assert_eq!(ALL.local_tags("v1.2.3", None, sha), ["1.2.3", "1.2", "latest", "sha-abc1234"]);
        assert_eq!(ALL.local_tags("1.2.3", None, None), ["1.2.3", "1.2", "latest"]);
        assert_eq!(ALL.local_tags("v2.0.0-rc1", None, sha), ["2.0.0-rc1", "sha-abc1234"]);
        assert_eq!(ALL.local_tags("v2.0.0-beta.2", None, None), ["2.0.0-beta.2"]);
    }

    #[test]
    fn sha_tags_name_clean_commits_once() {
        let sha = Some("abc1234");
        assert_eq!(ALL.local_tags("abc1234", None, sha), ["abc1234"], "a repository without tags");
        assert_eq!(ALL.local_tags("v1.2.3-4-gabc1234", None, sha), ["v1.2.3-4-gabc1234"]);
        assert_eq!(ALL.local_tags("v1.3.0-dirty", None, sha), ["v1.3.0-dirty"], "a dirty tree is not the commit");
        assert_eq!(ALL.local_tags("v1.2.3-4-gabc1234", Some("t1"), sha), ["t1", "sha-abc1234"]);
    }

    #[test]
    fn anything_else_keeps_its_describe_name() {
        for describe in ["v1.2.3-4-gabc1234", "v1.3.0-dirty", "v2.0.0-rc1-2-gdeadbee", "abc1234", "release-1"] {
            assert_eq!(ALL.local_tags(describe, None, None), [describe]);
        }
    }

    #[test]
    fn an_explicit_tag_wins_and_the_table_switches_companions_off() {
        assert_eq!(ALL.local_tags("v1.2.3", Some("t1"), None), ["t1"]);
        assert_eq!(ALL.local_tags("abc", Some("v3.1.4"), None), ["v3.1.4", "3.1", "latest"]);
        let bare = TagRule { semver: false, latest: false, sha: false, branch: false };
        assert_eq!(bare.local_tags("v3.1.4", None, Some("abc1234")), ["3.1.4"]);
        assert_eq!(bare.metadata_tags(), ["type=ref,event=pr"]);
        assert_eq!(bare.metadata_latest(), "false");
        assert_eq!(ALL.metadata_latest(), "auto");
    }

    #[test]
    fn make_code_doubles_every_dollar_of_the_patterns() {
        let code = ALL.make_release_version();
        assert!(code.contains("[0-9A-Za-z.-]+)?)$$/\\1/p"), "{code}");
        assert!(code.starts_with("$(shell printf '%s\\n' '$(VERSION)' | sed -nE '/-dirty$$|"), "{code}");
        assert_eq!(code.matches("$$").count(), 3, "only the patterns' anchors are doubled: {code}");
        assert!(ALL.make_release_tag().contains("[0-9]+$$/\\1 \\2/p"));
    }

    #[test]
    fn the_comment_says_what_the_table_turns_on() {
        let comment = ALL.make_comment("tags").join("\n");
        let text = comment.replace("\n# ", " ");
        assert!(text.contains("(and also as 1.2 and latest)"), "{comment}");
        assert!(text.contains("a pre-release v2.0.0-rc1 as 2.0.0-rc1 only"), "{comment}");
        assert!(comment.lines().all(|l| l.starts_with("# ") && l.len() <= 110), "{comment}");
        assert!(comment.contains("`git describe`"), "a code span stays on one line: {comment}");
        let plain = TagRule { latest: false, semver: false, ..ALL }.make_comment("tags").join(" ");
        assert!(!plain.contains("also as 1.2") && !plain.contains("latest"), "{plain}");
    }

    #[test]
    fn the_summary_names_the_pre_release_rule() {
        assert_eq!(
            ALL.summary(),
            "<branch>; <major>.<minor>.<patch>, <major>.<minor> on releases; \
             <major>.<minor>.<patch>-<pre-release> alone on pre-releases; latest on releases; sha-<short commit>"
        );
    }
}
