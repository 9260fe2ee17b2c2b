//! `mkmulti generate`: render, compare with the disk, then write, check or list.

use std::path::{Path, PathBuf};

use super::output::{Stdout, eprint};
use super::{exit, load_or_report};
use crate::write::Change;
use crate::{render, write};

pub(super) fn cmd_generate(config: &Path, out: Option<PathBuf>, check: bool, dry_run: bool, force: bool) -> u8 {
    let out = out.unwrap_or_else(|| {
        config.parent().filter(|p| !p.as_os_str().is_empty()).map_or_else(|| PathBuf::from("."), Path::to_path_buf)
    });
    let loaded = match load_or_report(config, &out) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let files = render::render(&loaded.plan);
    let planned = match write::compare(&out, &files) {
        Ok(p) => p,
        Err(e) => {
            eprint(&format!("mkmulti: {e}\n"));
            return exit::IO;
        }
    };
    let mut stdout = Stdout::default();
    let stale: Vec<_> = planned.iter().filter(|p| p.change != Change::Unchanged).collect();
    if check {
        for p in &stale {
            stdout.print(&write::diff(p));
        }
        if stale.is_empty() {
            stdout.print(&format!("mkmulti: {} generated files are up to date\n", planned.len()));
            return stdout.finish(exit::OK);
        }
        eprint(&format!(
            "mkmulti: {} of {} generated files are stale; run `mkmulti generate`\n",
            stale.len(),
            planned.len()
        ));
        return stdout.finish(exit::DRIFT);
    }
    if dry_run {
        for p in &planned {
            stdout.print(&format!("{:<10} {}\n", label(p.change, force), p.file.path));
        }
        return stdout.finish(exit::OK);
    }
    let edited: Vec<_> = planned.iter().filter(|p| p.change == Change::Edited).collect();
    if !edited.is_empty() && !force {
        for p in &edited {
            eprint(&format!("mkmulti: {} was edited by hand (or not written by mkmulti)\n", shown(&out, &p.file.path)));
        }
        eprint(&format!(
            "help: run `mkmulti generate --force` to replace {}, or keep the edit by turning that output off in the\n      config's [output] table and owning the file; `mkmulti generate --check` shows the differences\n",
            if edited.len() == 1 { "it" } else { "them" }
        ));
        eprint("mkmulti: nothing was written\n");
        return exit::INVALID;
    }
    match write::write(&planned, force) {
        Ok(_) => {
            let listing: String = planned
                .iter()
                .map(|p| format!("{:<10} {}\n", label(p.change, force), shown(&out, &p.file.path)))
                .collect();
            stdout.print(&listing);
            stdout.finish(exit::OK)
        }
        Err(e) => {
            eprint(&format!("mkmulti: {e}\nmkmulti: the files written before the failure were restored\n"));
            exit::IO
        }
    }
}

/// A written file's path as the user would type it: relative to the current directory when `out` is it.
fn shown(out: &Path, path: &str) -> String {
    if out == Path::new(".") { path.to_string() } else { out.join(path).display().to_string() }
}

fn label(change: Change, force: bool) -> &'static str {
    match change {
        Change::Create => "create",
        Change::Update => "update",
        Change::Unchanged => "unchanged",
        Change::Edited if force => "overwrite",
        Change::Edited => "edited",
    }
}
