//! A Rust project without `Cargo.lock`: the Dockerfile fetches crates with `--locked`, so `mkmulti check` refuses
//! the config until the lock file exists. `init` writes it with `cargo generate-lockfile` when cargo is on `PATH`
//! (and neither `--no-lockfile` nor the user's answer says no); otherwise it prints the command to run. The fix
//! text is `check`'s own (`src/project/`), so both commands tell the user the same thing.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::config::Language;

/// What `check` says to do about a missing `Cargo.lock`; every message here ends with it.
pub const FIX: &str = "run `cargo generate-lockfile` and commit Cargo.lock: the build fetches crates with `--locked`";

/// What `init` will do about `Cargo.lock`, decided before anything is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lockfile {
    /// Not a Rust project, or its `Cargo.lock` exists.
    NotNeeded,
    /// Run this `cargo` (found on `PATH`) with `generate-lockfile`.
    Generate { cargo: PathBuf },
    /// Leave it to the user.
    Skip(Skip),
}

/// Why `init` does not write `Cargo.lock`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skip {
    /// `--no-lockfile`.
    Flag,
    /// The user answered no.
    Declined,
    /// No `cargo` on `PATH`.
    NoCargo,
}

/// What became of a missing `Cargo.lock`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LockfileOutcome {
    NotNeeded,
    /// `cargo generate-lockfile` wrote it at `path`.
    Written {
        path: PathBuf,
    },
    Skipped(Skip),
    /// `cargo generate-lockfile` failed (`why`: its exit status and last line of output), or wrote no lock file
    /// beside the config (a crate inside a workspace gets the workspace's lock file, higher up).
    Failed {
        why: String,
    },
}

impl LockfileOutcome {
    /// The line `init` prints about it; `None` when there is nothing to say.
    pub fn message(&self) -> Option<String> {
        Some(match self {
            Self::NotNeeded => return None,
            Self::Written { path } => format!(
                "wrote {} with `cargo generate-lockfile`: commit it, the image build uses --locked",
                path.display()
            ),
            Self::Skipped(Skip::NoCargo) => format!("no Cargo.lock, and cargo is not on PATH: {FIX}"),
            Self::Skipped(Skip::Flag | Skip::Declined) => format!("no Cargo.lock: {FIX}"),
            Self::Failed { why } => format!("no Cargo.lock: `cargo generate-lockfile` {why}; {FIX}"),
        })
    }

    /// Whether the message is a warning (stderr) rather than a report of what was done.
    pub fn is_failure(&self) -> bool {
        matches!(self, Self::Failed { .. })
    }
}

/// Decides what to do for a project in `dir`, with `path_var` as the `PATH` to find cargo on.
pub fn plan(dir: &Path, language: Language, no_lockfile: bool, path_var: Option<OsString>) -> Lockfile {
    if language != Language::Rust || dir.join("Cargo.lock").exists() {
        return Lockfile::NotNeeded;
    }
    if no_lockfile {
        return Lockfile::Skip(Skip::Flag);
    }
    match find_on_path("cargo", path_var) {
        Some(cargo) => Lockfile::Generate { cargo },
        None => Lockfile::Skip(Skip::NoCargo),
    }
}

/// Carries out the plan in `dir`. Cargo's own output is kept, and only its last line shown on failure.
pub fn run(dir: &Path, plan: Lockfile) -> LockfileOutcome {
    let cargo = match plan {
        Lockfile::NotNeeded => return LockfileOutcome::NotNeeded,
        Lockfile::Skip(why) => return LockfileOutcome::Skipped(why),
        Lockfile::Generate { cargo } => cargo,
    };
    let path = dir.join("Cargo.lock");
    match Command::new(&cargo).arg("generate-lockfile").current_dir(dir).output() {
        Err(e) => LockfileOutcome::Failed { why: format!("could not start ({}: {e})", cargo.display()) },
        Ok(out) if !out.status.success() => {
            let text = String::from_utf8_lossy(&out.stderr);
            let last = text.lines().rev().map(str::trim).find(|l| !l.is_empty()).unwrap_or("no output");
            LockfileOutcome::Failed { why: format!("failed ({}): {last}", out.status) }
        }
        Ok(_) if !path.is_file() => LockfileOutcome::Failed {
            why: format!("wrote no Cargo.lock in {} (is the crate a member of a workspace above it?)", dir.display()),
        },
        Ok(_) => LockfileOutcome::Written { path },
    }
}

/// The first executable file named `name` in the directories of `path_var`.
fn find_on_path(name: &str, path_var: Option<OsString>) -> Option<PathBuf> {
    let file = format!("{name}{}", std::env::consts::EXE_SUFFIX);
    std::env::split_paths(&path_var?).map(|dir| dir.join(&file)).find(|candidate| is_executable(candidate))
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt as _;
    path.metadata().is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(path: &Path) -> bool {
    path.is_file()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    fn fake_cargo(bin: &Path, script: &str) {
        use std::os::unix::fs::PermissionsExt as _;
        let path = bin.join("cargo");
        std::fs::write(&path, format!("#!/bin/sh\n{script}\n")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }

    #[test]
    fn only_a_rust_project_without_a_lock_file_needs_one() {
        let dir = tempfile::tempdir().unwrap();
        let empty = tempfile::tempdir().unwrap();
        let path = Some(empty.path().as_os_str().to_owned());
        assert_eq!(plan(dir.path(), Language::Go, false, path.clone()), Lockfile::NotNeeded);
        assert_eq!(plan(dir.path(), Language::Rust, true, path.clone()), Lockfile::Skip(Skip::Flag));
        assert_eq!(plan(dir.path(), Language::Rust, false, path.clone()), Lockfile::Skip(Skip::NoCargo));
        assert_eq!(plan(dir.path(), Language::Rust, false, None), Lockfile::Skip(Skip::NoCargo));
        std::fs::write(dir.path().join("Cargo.lock"), "").unwrap();
        assert_eq!(plan(dir.path(), Language::Rust, false, path), Lockfile::NotNeeded);
    }

    #[cfg(unix)]
    #[test]
    fn cargo_is_found_on_path_and_run_in_the_project() {
        let dir = tempfile::tempdir().unwrap();
        let bin = tempfile::tempdir().unwrap();
        // A plain file named cargo that is not executable does not count.
        std::fs::write(bin.path().join("cargo"), "").unwrap();
        let path_var = std::env::join_paths([bin.path()]).unwrap();
        assert_eq!(plan(dir.path(), Language::Rust, false, Some(path_var.clone())), Lockfile::Skip(Skip::NoCargo));

        fake_cargo(bin.path(), "echo \"$@\" > args; echo '# lock' > Cargo.lock");
        let planned = plan(dir.path(), Language::Rust, false, Some(path_var));
        assert_eq!(planned, Lockfile::Generate { cargo: bin.path().join("cargo") });
        let outcome = run(dir.path(), planned.clone());
        assert_eq!(outcome, LockfileOutcome::Written { path: dir.path().join("Cargo.lock") });
        assert_eq!(std::fs::read_to_string(dir.path().join("args")).unwrap(), "generate-lockfile\n");
        assert!(
            outcome
                .message()
                .unwrap()
                .ends_with("with `cargo generate-lockfile`: commit it, the image build uses --locked")
        );

        std::fs::remove_file(dir.path().join("Cargo.lock")).unwrap();
        fake_cargo(bin.path(), "echo 'error: failed to get `serde` as a dependency' >&2; exit 101");
        let failed = run(dir.path(), planned.clone());
        let message = failed.message().unwrap();
        assert!(failed.is_failure());
        assert!(message.contains("failed to get `serde`") && message.ends_with(FIX), "{message}");

        fake_cargo(bin.path(), "exit 0");
        let message = run(dir.path(), planned).message().unwrap();
        assert!(message.contains("wrote no Cargo.lock"), "{message}");
    }

    #[test]
    fn every_message_without_a_lock_file_gives_checks_fix() {
        for skip in [Skip::Flag, Skip::Declined, Skip::NoCargo] {
            let message = LockfileOutcome::Skipped(skip).message().unwrap();
            assert!(message.starts_with("no Cargo.lock") && message.ends_with(FIX), "{message}");
        }
        assert_eq!(LockfileOutcome::NotNeeded.message(), None);
    }
}
