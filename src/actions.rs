//! The GitHub Actions the generated workflow uses, pinned, and the QEMU image behind `setup-qemu-action` and
//! the Makefile's `buildx-setup`.
//!
//! A dated snapshot, checked 2026-11-22: each commit SHA is the one the release tag points at, confirmed in
//! Dependabot/Renovate update pull requests and in pinned workflows of unrelated repositories. To update: take
//! the newest release of each major, resolve its tag to the commit (`git ls-remote`; dereference annotated
//! tags), change the row, and regenerate the snapshots.

use serde::Serialize;

use crate::config::PinActions;

/// One action release.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Action {
    /// `owner/name`.
    pub repo: &'static str,
    /// The release, `vMAJOR.MINOR.PATCH`.
    pub version: &'static str,
    /// The commit the release tag points at, 40 hex digits.
    pub sha: &'static str,
}

impl Action {
    /// `v7` for `v7.4.0`.
    pub fn major(&self) -> &'static str {
        self.version.split('.').next().unwrap_or(self.version)
    }

    /// The `uses:` value (with its trailing comment) for a pinning policy.
    pub fn uses(&self, pin: PinActions) -> String {
        match pin {
            PinActions::Sha => format!("{}@{} # {}", self.repo, self.sha, self.version),
            PinActions::Tag => format!(
                "{}@{} # zizmor: ignore[unpinned-uses] (ci.pin-actions = \"tag\": follows the {} tag)",
                self.repo,
                self.major(),
                self.major()
            ),
        }
    }
}

pub const CHECKOUT: Action =
    Action { repo: "actions/checkout", version: "v7.0.1", sha: "3d3c42e5aac5ba805825da76410c181273ba90b1" };
pub const SETUP_QEMU: Action =
    Action { repo: "docker/setup-qemu-action", version: "v4.4.0", sha: "99012661954931238ded8c8b007157a8430204e1" };
pub const SETUP_BUILDX: Action =
    Action { repo: "docker/setup-buildx-action", version: "v4.4.1", sha: "f87e5991a6d7451dcb8d9637bfbc97413f497069" };
pub const LOGIN: Action =
    Action { repo: "docker/login-action", version: "v4.6.0", sha: "dbcb813823bdd20940b903addbd779551569679f" };
pub const METADATA: Action =
    Action { repo: "docker/metadata-action", version: "v6.2.0", sha: "dc802804100637a589fabce1cb79ff13a1411302" };
pub const BUILD_PUSH: Action =
    Action { repo: "docker/build-push-action", version: "v7.4.0", sha: "c3c9e263c25d99ce0380d002d59b67737d91b0dc" };
pub const UPLOAD_ARTIFACT: Action =
    Action { repo: "actions/upload-artifact", version: "v7.0.2", sha: "cf430e030ddbb5b0abf93d22962f4752f3646cd9" };
pub const DOWNLOAD_ARTIFACT: Action =
    Action { repo: "actions/download-artifact", version: "v8.0.2", sha: "9000827ccba6bdab643e8b6fd33ac0654aef8333" };

/// Every action above, for tests and `mkmulti check`.
pub const ALL: &[Action] =
    &[CHECKOUT, SETUP_QEMU, SETUP_BUILDX, LOGIN, METADATA, BUILD_PUSH, UPLOAD_ARTIFACT, DOWNLOAD_ARTIFACT];

/// The image that registers QEMU with binfmt_misc (`--install <arch,...>`): tonistiigi/binfmt's release of
/// QEMU 10.2.3, pinned by the digest of its multi-platform index. setup-qemu-action gets it as `image:` (its
/// default is the moving `latest`), the Makefile's `buildx-setup` and `mkmulti doctor`'s fix use it too.
pub const BINFMT_IMAGE: &str =
    "tonistiigi/binfmt:qemu-v10.2.3-68@sha256:400a4873b838d1b89194d982c45e5fb3cda4593fbfd7e08a02e76b03b21166f0";

/// The `uses:` values the workflow template reads, one field per action.
#[derive(Debug, Clone, Serialize)]
pub struct Uses {
    pub checkout: String,
    pub setup_qemu: String,
    pub setup_buildx: String,
    pub login: String,
    pub metadata: String,
    pub build_push: String,
    pub upload_artifact: String,
    pub download_artifact: String,
}

impl Uses {
    pub fn new(pin: PinActions) -> Self {
        Self {
            checkout: CHECKOUT.uses(pin),
            setup_qemu: SETUP_QEMU.uses(pin),
            setup_buildx: SETUP_BUILDX.uses(pin),
            login: LOGIN.uses(pin),
            metadata: METADATA.uses(pin),
            build_push: BUILD_PUSH.uses(pin),
            upload_artifact: UPLOAD_ARTIFACT.uses(pin),
            download_artifact: DOWNLOAD_ARTIFACT.uses(pin),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pin_is_a_full_commit_sha_and_a_release() {
        for a in ALL {
            assert_eq!(a.sha.len(), 40, "{}", a.repo);
            assert!(a.sha.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)), "{}", a.repo);
            let parts: Vec<&str> = a.version.trim_start_matches('v').split('.').collect();
            assert!(a.version.starts_with('v') && parts.len() == 3, "{}", a.version);
            assert!(parts.iter().all(|p| p.parse::<u32>().is_ok()), "{}", a.version);
        }
    }

    #[test]
    fn issue_minimum_majors_are_met() {
        let major = |a: &Action| a.major().trim_start_matches('v').parse::<u32>().unwrap();
        assert!(major(&CHECKOUT) >= 5);
        assert_eq!(major(&SETUP_QEMU), 4);
        assert_eq!(major(&SETUP_BUILDX), 4);
        assert_eq!(major(&LOGIN), 4);
        assert_eq!(major(&METADATA), 6);
        assert_eq!(major(&BUILD_PUSH), 7);
    }

    #[test]
    fn uses_follows_the_pinning_policy() {
        assert_eq!(
            BUILD_PUSH.uses(PinActions::Sha),
            "docker/build-push-action@c3c9e263c25d99ce0380d002d59b67737d91b0dc # v7.4.0"
        );
        let tag = BUILD_PUSH.uses(PinActions::Tag);
        assert!(tag.starts_with("docker/build-push-action@v7 # zizmor: ignore[unpinned-uses]"), "{tag}");
    }

    #[test]
    fn binfmt_is_pinned_by_digest() {
        let (_, digest) = BINFMT_IMAGE.split_once("@sha256:").expect("digest-pinned");
        assert_eq!(digest.len(), 64);
    }
}
