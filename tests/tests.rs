//! mkmulti's integration tests, in one binary.
//!
//! - `snapshots`: every generated file of every example, reviewed with `cargo insta review`;
//! - `schema`: the checked-in JSON schema is current and every example validates against it;
//! - `defaults`: every default once: the schema, the plan, the `init` scaffold and the README agree;
//! - `cli`: the real binary: `generate`, `check`, `init`, `schema`, exit codes, error output, `--format json`
//!   and closed pipes;
//! - `doctor`: the real binary against a stub `docker`: report lines, fixes and exit codes;
//! - `monorepo`: apps built from their own module directories (`context`), a workflow at the repository's top
//!   (`ci.root`), through the real binary;
//! - `guide`: `MULTIARCH.md` names only make targets and scripts that are generated; its diagrams are whole;
//! - `new`: `mkmulti new` for every built-in template and a user template fixture, its refusals (nothing
//!   written), hostile variable values, git's first commit, and `mkmulti add`;
//! - `invalid`: every config in `fixtures/invalid/` fails with the snapshotted diagnostics;
//! - `scripts`: the generated shell scripts, run with stub `docker` and `uname` commands;
//! - `workflow`: the GitHub Actions workflow parsed as YAML, in every strategy and pinning variant;
//! - `modules`: no import circle between the crate's modules; each pass imports only earlier ones;
//! - `makefile`: the generated Makefile run by GNU make: tags, QEMU registration, per-app targets;
//! - `reserved`: every variable the Dockerfiles use is one `build-args` may not set;
//! - `properties`: proptest over the config model: valid configs render files that parse, hostile strings in
//!   any field are refused or leave every file's structure unchanged.

mod cli;
mod defaults;
mod doctor;
mod guide;
mod invalid;
mod makefile;
mod modules;
mod monorepo;
mod new;
mod properties;
mod reserved;
mod schema;
mod scripts;
mod snapshots;
mod util;
mod workflow;
