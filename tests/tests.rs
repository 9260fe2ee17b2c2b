//! mkmulti's integration tests, in one binary.
//!
//! - `snapshots`: every generated file of every example, reviewed with `cargo insta review`;
//! - `schema`: the checked-in JSON schema is current and every example validates against it;
//! - `cli`: the real binary: `generate`, `check`, `init`, `schema`, exit codes, error output, `--format json`
//!   and closed pipes;
//! - `doctor`: the real binary against a stub `docker`: report lines, fixes and exit codes;
//! - `invalid`: every config in `fixtures/invalid/` fails with the snapshotted diagnostics;
//! - `scripts`: the generated shell scripts, run with stub `docker` and `uname` commands;
//! - `workflow`: the GitHub Actions workflow parsed as YAML, in every strategy and pinning variant;
//! - `makefile`: the generated Makefile run by GNU make: tags, QEMU registration, per-app targets;
//! - `properties`: proptest over the config model: valid configs render files that parse, hostile strings in
//!   any field are refused or leave every file's structure unchanged.

mod cli;
mod doctor;
mod invalid;
mod makefile;
mod properties;
mod schema;
mod scripts;
mod snapshots;
mod util;
mod workflow;
