//! Pass 4: compare rendered files with the disk, then write, check or list them.
//!
//! Everything is rendered before anything is written. Each file is written to a temporary sibling and renamed
//! into place; if any write fails, the files already replaced are restored. A generated file whose content no
//! longer matches the hash in its header was edited by a person and is never overwritten without `--force`.

use std::fs;
use std::io::{self, Write as _};
use std::path::{Component, Path, PathBuf};

use crate::render::{GeneratedFile, is_pristine};

/// What writing would do to one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Create,
    Update,
    Unchanged,
    /// On disk and edited by a person since mkmulti wrote it (or not written by mkmulti at all).
    Edited,
}

#[derive(Debug)]
pub struct Planned<'a> {
    pub file: &'a GeneratedFile,
    pub target: PathBuf,
    pub change: Change,
    pub current: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error("{path}: refusing to write outside the output directory")]
    Escapes { path: PathBuf },
    #[error("the output directory {path} does not exist")]
    NoOutputDir { path: PathBuf },
    #[error(
        "{path} is {kind}, not a regular file: mkmulti writes only regular files there; remove it, or turn that output off in [output]"
    )]
    NotRegular { path: PathBuf, kind: &'static str },
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> WriteError + '_ {
    move |source| WriteError::Io { path: path.to_path_buf(), source }
}

/// Compares each rendered file with what is on disk under `out`. Files are named relative to `out` and must stay
/// inside `within`, which is `out` or a directory above it (the repository root the workflow goes to, `ci.root`).
pub fn compare<'a>(out: &Path, within: &Path, files: &'a [GeneratedFile]) -> Result<Vec<Planned<'a>>, WriteError> {
    if !out.is_dir() {
        return Err(WriteError::NoOutputDir { path: out.to_path_buf() });
    }
    let root = within.canonicalize().map_err(io_err(within))?;
    if !out.canonicalize().map_err(io_err(out))?.starts_with(&root) {
        return Err(WriteError::Escapes { path: out.to_path_buf() });
    }
    files
        .iter()
        .map(|file| {
            let target = out.join(&file.path);
            check_inside(&root, &target)?;
            refuse_special(&target)?;
            let current = match fs::read(&target) {
                Ok(bytes) => Some(String::from_utf8_lossy(&bytes).into_owned()),
                Err(e) if matches!(e.kind(), io::ErrorKind::NotFound | io::ErrorKind::NotADirectory) => None,
                Err(e) => {
                    return Err(WriteError::Io { path: target, source: e });
                }
            };
            let change = match &current {
                None => Change::Create,
                Some(c) if *c == file.contents => Change::Unchanged,
                Some(c) if is_pristine(c) == Some(true) => Change::Update,
                Some(_) => Change::Edited,
            };
            Ok(Planned { file, target, change, current })
        })
        .collect()
}

/// Refuses a target that exists but is not a regular file: reading a FIFO would block, and a device, socket or
/// directory cannot be replaced by a file.
fn refuse_special(target: &Path) -> Result<(), WriteError> {
    let Ok(meta) = fs::metadata(target) else { return Ok(()) };
    if meta.is_file() {
        return Ok(());
    }
    let kind = special_kind(&meta.file_type());
    Err(WriteError::NotRegular { path: target.to_path_buf(), kind })
}

#[cfg(unix)]
fn special_kind(t: &fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if t.is_dir() {
        "a directory"
    } else if t.is_fifo() {
        "a FIFO (named pipe)"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_char_device() || t.is_block_device() {
        "a device"
    } else {
        "not a file"
    }
}

#[cfg(not(unix))]
fn special_kind(t: &fs::FileType) -> &'static str {
    if t.is_dir() { "a directory" } else { "not a file" }
}

/// Refuses targets that leave the output directory through `..` or a symlinked parent.
fn check_inside(root: &Path, target: &Path) -> Result<(), WriteError> {
    let escapes = || WriteError::Escapes { path: target.to_path_buf() };
    let mut existing = target.to_path_buf();
    // The deepest existing ancestor (or the file itself, if it is a symlink) must resolve inside `root`.
    while !existing.exists() && existing.symlink_metadata().is_err() {
        if !existing.pop() {
            return Err(escapes());
        }
    }
    let resolved = existing.canonicalize().map_err(|_| escapes())?;
    if !resolved.starts_with(root) {
        return Err(escapes());
    }
    let rest = target.strip_prefix(&existing).unwrap_or(Path::new(""));
    if rest.components().any(|c| !matches!(c, Component::Normal(_))) {
        return Err(escapes());
    }
    Ok(())
}

/// Writes every file that changed. On failure, restores the files already replaced, removes new ones and the
/// directories made for them.
pub fn write(planned: &[Planned<'_>], force: bool) -> Result<Vec<PathBuf>, WriteError> {
    let mut done: Vec<(&Planned<'_>, Option<&String>)> = Vec::new();
    let mut made_dirs: Vec<PathBuf> = Vec::new();
    for p in planned {
        let write_it = match p.change {
            Change::Create | Change::Update => true,
            Change::Edited => force,
            Change::Unchanged => false,
        };
        if !write_it {
            continue;
        }
        let written = make_parents(&p.target, &mut made_dirs)
            .and_then(|()| write_one(&p.target, &p.file.contents, p.file.executable));
        if let Err(e) = written {
            for (undo, previous) in done.iter().rev() {
                let _ = match previous {
                    Some(old) => write_one(&undo.target, old, undo.file.executable),
                    None => fs::remove_file(&undo.target).map_err(io_err(&undo.target)),
                };
            }
            // Deepest first; a directory that holds anything else is left alone.
            for dir in made_dirs.iter().rev() {
                let _ = fs::remove_dir(dir);
            }
            return Err(e);
        }
        done.push((p, p.current.as_ref()));
    }
    Ok(done.into_iter().map(|(p, _)| p.target.clone()).collect())
}

/// Creates the missing directories above `target`, outermost first, recording each one made.
fn make_parents(target: &Path, made: &mut Vec<PathBuf>) -> Result<(), WriteError> {
    let dir = target.parent().expect("targets are files inside the output directory");
    let mut missing: Vec<&Path> = dir.ancestors().take_while(|d| !d.as_os_str().is_empty() && !d.exists()).collect();
    missing.reverse();
    for d in missing {
        fs::create_dir(d).map_err(io_err(d))?;
        made.push(d.to_path_buf());
    }
    Ok(())
}

/// Writes through a temporary file in the same directory and renames it into place.
fn write_one(target: &Path, contents: &str, executable: bool) -> Result<(), WriteError> {
    let dir = target.parent().expect("targets are files inside the output directory");
    let mut tmp = tempfile::Builder::new().prefix(".mkmulti-").tempfile_in(dir).map_err(io_err(dir))?;
    tmp.write_all(contents.as_bytes()).map_err(io_err(target))?;
    tmp.as_file().sync_all().map_err(io_err(target))?;
    set_mode(tmp.path(), executable).map_err(io_err(target))?;
    tmp.persist(target).map_err(|e| WriteError::Io { path: target.to_path_buf(), source: e.error })?;
    Ok(())
}

#[cfg(unix)]
fn set_mode(path: &Path, executable: bool) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(if executable { 0o755 } else { 0o644 }))
}

#[cfg(not(unix))]
fn set_mode(_: &Path, _: bool) -> io::Result<()> {
    Ok(())
}

/// A unified diff from the file on disk to the rendered one.
pub fn diff(p: &Planned<'_>) -> String {
    let old = p.current.as_deref().unwrap_or("");
    similar::TextDiff::from_lines(old, &p.file.contents)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{}", p.file.path), &format!("b/{}", p.file.path))
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, contents: &str) -> GeneratedFile {
        GeneratedFile { path: path.into(), contents: contents.into(), executable: false }
    }

    #[test]
    fn paths_cannot_escape_the_output_directory() {
        let dir = tempfile::tempdir().unwrap();
        let files = [file("../evil", "x")];
        assert!(matches!(compare(dir.path(), dir.path(), &files), Err(WriteError::Escapes { .. })));
        #[cfg(unix)]
        {
            let outside = tempfile::tempdir().unwrap();
            std::os::unix::fs::symlink(outside.path(), dir.path().join("scripts")).unwrap();
            let files = [file("scripts/x.sh", "x")];
            assert!(matches!(compare(dir.path(), dir.path(), &files), Err(WriteError::Escapes { .. })));
        }
    }

    #[test]
    fn the_workflow_may_go_up_to_the_repository_root_and_no_further() {
        let repo = tempfile::tempdir().unwrap();
        let out = repo.path().join("services/api");
        fs::create_dir_all(&out).unwrap();
        let files = [file("../../.github/workflows/docker.yml", "w")];
        assert!(matches!(compare(&out, &out, &files), Err(WriteError::Escapes { .. })));
        assert!(matches!(compare(&out, &out.join(".."), &files), Err(WriteError::Escapes { .. })));
        let planned = compare(&out, &out.join("../.."), &files).unwrap();
        assert_eq!(planned[0].change, Change::Create);
        write(&planned, false).unwrap();
        assert_eq!(fs::read_to_string(repo.path().join(".github/workflows/docker.yml")).unwrap(), "w");
        let beside = tempfile::tempdir().unwrap();
        assert!(
            matches!(compare(&out, beside.path(), &files), Err(WriteError::Escapes { .. })),
            "the root must hold the output directory"
        );
    }

    #[test]
    fn failed_write_restores_earlier_files() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("a"), "old").unwrap();
        // `b/c` cannot be created because `b` is a file.
        fs::write(dir.path().join("b"), "blocker").unwrap();
        let files = [file("a", "new"), file("new-file", "n"), file("b/c", "x")];
        let mut planned = compare(dir.path(), dir.path(), &files).unwrap();
        for p in &mut planned {
            p.change = if p.current.is_some() { Change::Update } else { Change::Create };
        }
        assert!(write(&planned, false).is_err());
        assert_eq!(fs::read_to_string(dir.path().join("a")).unwrap(), "old");
        assert!(!dir.path().join("new-file").exists());
    }

    #[test]
    fn a_failed_write_removes_the_directories_it_made() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("blocker"), "a file where a directory is needed").unwrap();
        let files = [file(".github/workflows/docker.yml", "w"), file("scripts/x.sh", "s"), file("blocker/y", "x")];
        let mut planned = compare(dir.path(), dir.path(), &files).unwrap();
        for p in &mut planned {
            p.change = Change::Create;
        }
        assert!(write(&planned, false).is_err());
        assert!(!dir.path().join(".github").exists(), "the directories made for the rolled-back files are gone");
        assert!(!dir.path().join("scripts").exists());
        assert!(dir.path().join("blocker").is_file());
    }

    #[cfg(unix)]
    #[test]
    fn special_files_at_output_paths_are_refused_without_reading_them() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("Makefile");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
        assert!(made.success());
        let files = [file("Makefile", "x")];
        match compare(dir.path(), dir.path(), &files) {
            Err(WriteError::NotRegular { kind, .. }) => assert_eq!(kind, "a FIFO (named pipe)"),
            other => panic!("{other:?}"),
        }
        fs::create_dir(dir.path().join("compose.yaml")).unwrap();
        let files = [file("compose.yaml", "x")];
        assert!(matches!(
            compare(dir.path(), dir.path(), &files),
            Err(WriteError::NotRegular { kind: "a directory", .. })
        ));
    }
}
