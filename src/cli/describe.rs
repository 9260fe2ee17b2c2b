//! The resolved plan as `mkmulti check` prints it for people: per app its images and user, and a table of
//! what each platform compiles with. Tools read `mkmulti check --format json` instead.

use std::fmt::Write as _;

use crate::plan::Plan;

/// The resolved plan as `mkmulti check` prints it.
pub fn describe(plan: &Plan) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "project {} ({} app{})",
        plan.project.name,
        plan.apps.len(),
        if plan.apps.len() == 1 { "" } else { "s" }
    );
    for app in &plan.apps {
        let lang = match app.language {
            crate::config::Language::Go => "go",
            crate::config::Language::Rust => "rust",
        };
        let _ = writeln!(s, "\napp {} ({lang}, {})", app.name, app.dockerfile);
        let _ = writeln!(s, "  image    {}", app.image);
        let _ = writeln!(s, "  builder  {} (runs on the build platform)", app.builder_image);
        let _ = writeln!(s, "  runtime  {}", app.runtime_image.as_deref().unwrap_or("scratch"));
        let _ = writeln!(s, "  user     {} ({}:{})", app.user, app.uid, app.uid);
        let _ = writeln!(s, "  binary   {}", binary_kind(app));
        if let Some(r) = &app.rust {
            let cache = if r.chef { "cargo-chef (cooked layer per target)" } else { "BuildKit cache mounts" };
            let _ = writeln!(s, "  deps     {cache}");
        }
        let mut rows = vec![["platform", "compile", "target", "linker", "emulated steps"].map(String::from)];
        for p in &app.platforms {
            let (target, linker) = match (&app.go, &app.rust) {
                (Some(g), _) => {
                    let mut t = format!("GOOS=linux GOARCH={}", p.goarch);
                    if let Some(arm) = p.goarm {
                        let _ = write!(t, " GOARM={arm}");
                    }
                    if let (Some(level), "amd64") = (&g.goamd64, p.goarch) {
                        let _ = write!(t, " GOAMD64={level}");
                    }
                    let _ = write!(t, " CGO_ENABLED={}", u8::from(g.cgo));
                    let linker = if g.cgo {
                        format!("{} (cgo)", p.linker.as_deref().unwrap_or("-"))
                    } else {
                        "Go's internal linker".to_string()
                    };
                    (t, linker)
                }
                (None, Some(r)) if r.musl => (p.rust_target.to_string(), "zig (cargo-zigbuild)".to_string()),
                _ => (p.rust_target.to_string(), p.linker.clone().unwrap_or_else(|| "-".into())),
            };
            rows.push([p.oci.to_string(), "cross".into(), target, linker, app.emulated_steps.to_string()]);
        }
        let widths: Vec<usize> = (0..5).map(|c| rows.iter().map(|r| r[c].len()).max().unwrap_or(0)).collect();
        for row in &rows {
            let line: Vec<String> = row.iter().zip(&widths).map(|(cell, w)| format!("{cell:<w$}")).collect();
            let _ = writeln!(s, "  {}", line.join("  ").trim_end());
        }
    }
    let mut tags = vec!["<branch>".to_string()];
    if plan.tags.semver {
        tags.push("<major>.<minor>.<patch>, <major>.<minor> on releases".into());
    }
    if plan.tags.latest {
        tags.push("latest on releases".into());
    }
    if plan.tags.sha {
        tags.push("sha-<short commit>".into());
    }
    if !plan.tags.branch {
        tags.remove(0);
    }
    let _ = writeln!(s, "\ntags: {}", tags.join("; "));
    let _ = writeln!(s, "releases: git tags matching {} pushed from {}", plan.ci.tag_pattern, plan.ci.default_branch);
    s
}

/// How the app's binary links, in words.
fn binary_kind(app: &crate::plan::AppPlan) -> &'static str {
    match (&app.go, &app.rust) {
        (Some(g), _) if g.cgo => "links glibc dynamically (cgo, C cross-compiled by Debian's gcc)",
        (Some(_), _) => "static (CGO_ENABLED=0)",
        (None, Some(r)) if r.musl => "static, musl (linked by zig)",
        _ => "links glibc dynamically",
    }
}
