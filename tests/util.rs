//! Helpers shared by the test modules.

use std::path::{Path, PathBuf};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every example directory that holds a multiarch.toml, sorted.
pub fn examples() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root().join("examples"))
        .expect("examples/ exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.join("multiarch.toml").is_file())
        .collect();
    dirs.sort();
    dirs
}

/// Loads and plans a config the way `mkmulti generate` names it.
pub fn load(config: &Path) -> mkmulti::Loaded {
    match mkmulti::load(config, "multiarch.toml") {
        Ok(l) => l,
        Err(mkmulti::LoadError::Invalid(found)) => {
            panic!("{} is invalid:\n{}", config.display(), rendered(&found))
        }
        Err(mkmulti::LoadError::Io(m)) => panic!("{m}"),
    }
}

/// Diagnostics as `mkmulti` prints them.
pub fn rendered(found: &[mkmulti::diagnostics::Located]) -> String {
    found.iter().map(mkmulti::diagnostics::Located::render).collect()
}

/// Insta settings writing to the top-level `snapshots/` folder, without module prefixes.
pub fn insta_settings(subdir: &str) -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path(root().join("snapshots").join(subdir));
    s.set_prepend_module_to_snapshot(false);
    s
}

/// The platforms of a builder with two nodes, as a stub `docker buildx inspect` prints them after its first
/// `Platforms:` label: each node lists its own, buildx stars the ones a node was created with, and amd64 is on
/// both. Read as a whole: `linux/amd64 linux/amd64/v2 linux/arm64`.
pub const MULTI_NODE_PLATFORMS: &str = "linux/amd64*, linux/amd64/v2\nPlatforms:     linux/arm64*, linux/amd64";
