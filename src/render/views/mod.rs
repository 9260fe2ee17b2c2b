//! One view model per output: the exact values its template prints, computed from the [`Plan`](crate::plan::Plan)
//! (cargo-dist's `GithubCiInfo::new` is the model). Templates read only their view and add layout and the
//! escaping of each value's sink; every rule (which tags, which image reference, which platforms) lives here.

pub mod bake;
pub mod compose;
pub mod dockerfile;
pub mod dockerignore;
pub mod fetch;
pub mod guide;
pub mod makefile;
pub mod scripts;
pub mod workflow;
