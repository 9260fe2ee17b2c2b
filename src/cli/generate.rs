//! `mkmulti generate`: render, compare with the disk, then write, check or list; reported as text or as JSON.

use std::path::{Path, PathBuf};

use super::output::{Stdout, eprint};
use super::{Format, config_label, exit, io_failure, json, report_invalid, report_notes};
use crate::plan::Plan;
use crate::write::{Change, Planned};
use crate::{LoadError, init, render, write};

/// What `generate` was asked to do with the files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
    Write,
    /// `--check`: write nothing, show a diff of every stale file, exit 1 if there is one.
    Check,
    /// `--dry-run`: write nothing, list what would change.
    DryRun,
}

pub(super) fn cmd_generate(config: &Path, out: Option<PathBuf>, mode: Mode, force: bool, format: Format) -> u8 {
    let out = out.unwrap_or_else(|| {
        config.parent().filter(|p| !p.as_os_str().is_empty()).map_or_else(|| PathBuf::from("."), Path::to_path_buf)
    });
    let json_report = |code, found, plan, files| json::GenerateReport {
        report: json::Report::new("generate", config, code, found, plan),
        out: out.display().to_string(),
        files,
    };
    let loaded = match crate::load_project(config, &config_label(config, &out), &out) {
        Ok(loaded) => loaded,
        Err(LoadError::Io(message)) => return io_failure(&message),
        Err(LoadError::Invalid(found)) => {
            return match format {
                Format::Human => report_invalid(config, &found),
                Format::Json => json::print(&json_report(exit::INVALID, &found, None, None), exit::INVALID),
            };
        }
    };
    if format == Format::Human {
        report_notes(&loaded.notes);
    }
    let files = render::render(&loaded.plan);
    // Every file goes into `out`, except the workflow, at the repository root `ci.root` names.
    let within = out.join(&loaded.plan.ci.root);
    let planned = match write::compare(&out, &within, &files) {
        Ok(p) => p,
        Err(e) => return io_failure(&e.to_string()),
    };
    let stale = planned.iter().any(|p| p.change != Change::Unchanged);
    let edited = planned.iter().any(|p| matches!(p.change, Change::Edited | Change::OtherConfig));
    let code = match mode {
        Mode::Check if stale => exit::DRIFT,
        Mode::Check | Mode::DryRun => exit::OK,
        // A hand edit is never overwritten without --force: nothing is written.
        Mode::Write if edited && !force => exit::INVALID,
        Mode::Write => match write::write(&planned, force) {
            Ok(_) => exit::OK,
            Err(e) => return io_failure(&format!("{e}\nmkmulti: the files written before the failure were restored")),
        },
    };
    let created = planned.iter().any(|p| p.change == Change::Create);
    if mode == Mode::Write && code == exit::OK {
        refresh_editor_schema(&out);
    }
    match format {
        Format::Human => {
            let code = report_human(&loaded.plan, mode, &out, &planned, force, code);
            if mode == Mode::Write && code == exit::OK && created {
                // The first generate (something new was written): what to run next, for this config.
                let mut stdout = Stdout::default();
                stdout.print(&next_steps(&loaded.plan, &out));
                return stdout.finish(code);
            }
            code
        }
        Format::Json => {
            let files = planned
                .iter()
                .map(|p| json::File {
                    path: &p.file.path,
                    action: label(p.change, force),
                    executable: p.file.executable,
                })
                .collect();
            json::print(&json_report(code, &loaded.notes, Some(&loaded.plan), Some(files)), code)
        }
    }
}

/// What happened, for people: diffs, or the list of files with what was (or would be) done to each.
fn report_human(plan: &Plan, mode: Mode, out: &Path, planned: &[Planned<'_>], force: bool, code: u8) -> u8 {
    let mut stdout = Stdout::default();
    let stale: Vec<_> = planned.iter().filter(|p| p.change != Change::Unchanged).collect();
    match mode {
        Mode::Check => {
            for p in &stale {
                stdout.print(&write::diff(p));
            }
            if stale.is_empty() {
                stdout.print(&format!("mkmulti: {} generated files are up to date\n", planned.len()));
            } else {
                eprint(&format!(
                    "mkmulti: {} of {} generated files are stale; run `mkmulti generate`\n",
                    stale.len(),
                    planned.len()
                ));
            }
        }
        Mode::DryRun => {
            for p in planned {
                stdout.print(&format!("{:<10} {}\n", label(p.change, force), p.file.path));
            }
        }
        Mode::Write if code == exit::INVALID => {
            let blocked: Vec<_> = planned.iter().filter(|p| p.change == Change::Edited).collect();
            // A file mkmulti never wrote is the user's: `--force` is never suggested for it.
            let (edited, foreign): (Vec<&&Planned<'_>>, Vec<&&Planned<'_>>) =
                blocked.iter().partition(|p| p.current.as_deref().and_then(render::is_pristine).is_some());
            for p in &foreign {
                eprint(&format!(
                    "mkmulti: {} exists and was not written by mkmulti\nhelp: {}\n",
                    shown(out, &p.file.path),
                    keep_yours(plan, &p.file.path)
                ));
            }
            for p in &edited {
                eprint(&format!("mkmulti: {} was edited by hand since mkmulti wrote it\n", shown(out, &p.file.path)));
            }
            for p in planned.iter().filter(|p| p.change == Change::OtherConfig) {
                let other = p.current.as_deref().and_then(write::generated_from).unwrap_or("another config");
                eprint(&format!(
                    "mkmulti: {} was generated from {other}, another config\nhelp: give this config's workflow a name of \
                     its own with `workflow = \"...\"` in [ci] (each service of a repository needs one)\n",
                    shown(out, &p.file.path)
                ));
            }
            if !edited.is_empty() {
                eprint(&format!(
                    "help: run `mkmulti generate --force` to replace {}, or keep the edit by turning that output off in the\n      config's [output] table and owning the file; `mkmulti generate --check` shows the differences\n",
                    if edited.len() == 1 { "it" } else { "them" }
                ));
            }
            eprint("mkmulti: nothing was written\n");
        }
        Mode::Write => {
            let listing: String = planned
                .iter()
                .map(|p| format!("{:<10} {}\n", label(p.change, force), shown(out, &p.file.path)))
                .collect();
            stdout.print(&listing);
        }
    }
    stdout.finish(code)
}

/// A written file's path as the user would type it: relative to the current directory when `out` is it.
fn shown(out: &Path, path: &str) -> String {
    if out == Path::new(".") { path.to_string() } else { out.join(path).display().to_string() }
}

/// What is (or would be) done to a file: the first column of the human listing, `action` in JSON.
fn label(change: Change, force: bool) -> &'static str {
    match change {
        Change::Create => "create",
        Change::Update => "update",
        Change::Unchanged => "unchanged",
        Change::Edited | Change::OtherConfig if force => "overwrite",
        Change::Edited => "edited",
        Change::OtherConfig => "other-config",
    }
}

/// How to keep a project's own file where mkmulti would write one: for a Makefile or a Dockerfile, mkmulti's
/// beside it at another path; for any file, that output turned off (Dockerfiles and `.dockerignore` also in
/// build contexts, the workflow also at a repository root above).
fn keep_yours(plan: &Plan, path: &str) -> String {
    let off = |key: &str| {
        format!("keep yours with `{key} = false` in the config's [output] table (mkmulti then leaves it alone)")
    };
    if let Some((i, app)) = plan.apps.iter().enumerate().find(|(_, a)| a.dockerfile == path) {
        // In the app's context, beside the project's own (the path is relative to the config's directory).
        let name = init::proposed_dockerfile(&app.name, plan.apps.len() > 1);
        let proposed = if app.context == "." { name } else { format!("{}/{name}", app.context) };
        let beside = if proposed == path {
            "give mkmulti's another path with `dockerfile`".to_string()
        } else {
            format!("write mkmulti's beside it with `dockerfile = \"{proposed}\"`")
        };
        return format!("{beside} in the [[app]] table of app[{i}] (`{}`), or {}", app.name, off("dockerfile"));
    }
    if path == plan.output.makefile_path {
        let mk = init::PROPOSED_MAKEFILE_PATH;
        if path == mk {
            return format!("give mkmulti's another path with `makefile-path` in [output], or {}", off("makefile"));
        }
        return format!(
            "write mkmulti's beside it with `makefile-path = \"{mk}\"` in the config's [output] table and \
             `include {mk}` in yours, or {}",
            off("makefile")
        );
    }
    let name = path.rsplit('/').next().unwrap_or(path);
    let key = match path {
        p if p.starts_with(".github/") || p.contains("/.github/") => "workflow",
        "compose.yaml" => "compose",
        "docker-bake.hcl" => "bake",
        crate::render::MULTIARCH_MD => "multiarch-md",
        _ if name.starts_with("Dockerfile") => "dockerfile",
        _ if name == ".dockerignore" => "dockerignore",
        _ => "scripts",
    };
    format!("{}, or move it aside and generate again", off(key))
}

/// What to run after the first `generate`, for this config: the make targets, and what CI needs.
fn next_steps(plan: &Plan, out: &Path) -> String {
    let mut s = String::from("next:\n");
    let push = plan.registry.push_blocker.as_ref().map_or_else(
        || {
            format!(
                "push {} to {} and run each platform",
                plan.platforms.iter().map(|p| p.oci).collect::<Vec<_>>().join(", "),
                plan.registry.prefix
            )
        },
        |_| "set `registry.namespace` first: until then pushes stop".to_string(),
    );
    if plan.output.makefile && plan.output.makefile_is_included() && !included(out, &plan.output.makefile_path) {
        let path = &plan.output.makefile_path;
        s.push_str(&format!(
            "  add `include {path}` to your Makefile (or run each target as `make -f {path} TARGET`); then:\n"
        ));
    }
    if plan.output.makefile {
        s.push_str(
            "  make buildx-setup          once per machine: the buildx builder, and QEMU where a platform needs it\n",
        );
        s.push_str("  make docker-build-local    build for this machine and load the image\n");
        s.push_str(&format!("  make docker-deploy-multi   {push}\n"));
    }
    if plan.output.workflow {
        let secrets: Vec<&str> = [&plan.ci.username_expr, &plan.ci.password_expr]
            .into_iter()
            .filter_map(|e| e.strip_prefix("secrets."))
            .filter(|name| *name != "GITHUB_TOKEN")
            .collect();
        let login = if secrets.is_empty() {
            "logs in with the workflow's own token".to_string()
        } else {
            format!("needs the repository secrets {}", secrets.join(" and "))
        };
        s.push_str(&format!("  CI: {} {login}\n", plan.ci.workflow_path));
        let mut build: Vec<&str> = plan.build.secrets.iter().map(|s| s.ci_secret.as_str()).collect();
        if plan.build.ssh {
            build.push(&plan.build.ssh_ci_secret);
        }
        if !build.is_empty() {
            s.push_str(&format!("      and, for the build secrets, {}\n", build.join(", ")));
        }
    }
    s
}

/// Whether the project's own Makefile (any name make reads without `-f`) includes `path` already.
fn included(out: &Path, path: &str) -> bool {
    ["GNUmakefile", "makefile", "Makefile"].iter().any(|name| {
        std::fs::read_to_string(out.join(name)).is_ok_and(|text| {
            text.lines().any(|line| {
                let mut words = line.split_whitespace();
                matches!(words.next(), Some("include" | "-include" | "sinclude")) && words.any(|w| w == path)
            })
        })
    })
}

/// The editor's copy of the schema that `init` wrote (`.mkmulti/multiarch.schema.json`), brought up to this
/// mkmulti's schema when it exists, so completion follows an upgrade. Best effort: an editor aid, never a failure.
fn refresh_editor_schema(out: &Path) {
    let path = out.join(".mkmulti").join("multiarch.schema.json");
    let fresh = crate::schema::json();
    if std::fs::read_to_string(&path).is_ok_and(|current| current != fresh) {
        let _ = std::fs::write(&path, fresh);
    }
}
