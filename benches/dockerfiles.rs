//! Reports, for every shipped example, what its generated Dockerfiles cost: size, stages, `RUN` steps, and
//! the steps that run emulated for each target platform when the build machine is `linux/amd64` (the
//! native platform runs everything natively). Also times the whole compile (parse, plan, render).
//!
//!     cargo bench --bench dockerfiles
//!
//! A report, not a test: nothing here fails on a number.

use std::path::{Path, PathBuf};
use std::time::Instant;

fn examples() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("examples/ exists")
        .map(|e| e.expect("readable").path())
        .filter(|p| p.join("multiarch.toml").is_file())
        .collect();
    dirs.sort();
    dirs
}

fn main() {
    const BUILD_MACHINE: &str = "linux/amd64";
    const RUNS: u32 = 200;
    println!(
        "{:<22} {:<20} {:>6} {:>6} {:>7} {:>5}  emulated steps per platform (build machine {BUILD_MACHINE})",
        "example", "dockerfile", "bytes", "lines", "stages", "RUN"
    );
    for dir in examples() {
        let config = dir.join("multiarch.toml");
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let plan = match mkmulti::load(&config, "multiarch.toml") {
            Ok(loaded) => loaded.plan,
            Err(_) => panic!("{}: the shipped example must be valid", config.display()),
        };
        let files = mkmulti::render::render(&plan);
        for app in &plan.apps {
            let file = files.iter().find(|f| f.path == app.dockerfile).expect("one Dockerfile per app");
            let lines: Vec<&str> = file.contents.lines().collect();
            let stages = lines.iter().filter(|l| l.starts_with("FROM ")).count();
            let runs = lines.iter().filter(|l| l.starts_with("RUN ")).count();
            let per_platform: Vec<String> = app
                .platforms
                .iter()
                .map(|p| {
                    let emulated = if p.oci == BUILD_MACHINE { 0 } else { app.emulated_steps };
                    format!("{} {emulated}", p.oci)
                })
                .collect();
            println!(
                "{name:<22} {:<20} {:>6} {:>6} {stages:>7} {runs:>5}  {}",
                file.path,
                file.contents.len(),
                lines.len(),
                per_platform.join(", ")
            );
        }
        let start = Instant::now();
        for _ in 0..RUNS {
            let Ok(loaded) = mkmulti::load(&config, "multiarch.toml") else { panic!("valid above") };
            let plan = loaded.plan;
            std::hint::black_box(mkmulti::render::render(&plan));
        }
        let each = start.elapsed() / RUNS;
        let total: usize = files.iter().map(|f| f.contents.len()).sum();
        println!(
            "{name:<22} {:<20} {total:>6} bytes in {} files, compiled in {each:.2?} (mean of {RUNS})",
            "(all outputs)",
            files.len()
        );
    }
}
