//! Where the CLI's output goes: standard output through [`Stdout`], standard error through [`eprint`].
//!
//! Rust ignores SIGPIPE, so a write to a closed pipe (`mkmulti check | head -1`) fails with `EPIPE`, and
//! `print!` panics on a failed write. Here a closed pipe ends the output quietly and the command keeps its own
//! exit status, as ripgrep's `main.rs` does.

use std::io::{self, Write as _};

use super::exit;

/// Standard output for one command: the first failed write ends it, and [`Stdout::finish`] decides what the
/// failure means for the exit code.
#[derive(Default)]
#[must_use = "a failed write is only reported by `finish`"]
pub(super) struct Stdout {
    error: Option<io::Error>,
}

impl Stdout {
    pub fn print(&mut self, text: &str) {
        if self.error.is_some() {
            return;
        }
        let mut out = io::stdout().lock();
        if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
            self.error = Some(e);
        }
    }

    /// The command's exit code `code`, unless standard output failed for a reason other than its reader having
    /// gone (a closed pipe means the reader has what it wanted): then it is an I/O failure.
    pub fn finish(self, code: u8) -> u8 {
        match self.error {
            Some(e) if e.kind() != io::ErrorKind::BrokenPipe => {
                eprint(&format!("mkmulti: cannot write to standard output: {e}\n"));
                exit::IO
            }
            _ => code,
        }
    }
}

/// Writes to standard error. A failure there has nowhere to be reported, and must not turn into a panic that
/// replaces the command's exit status, so it is ignored.
pub(super) fn eprint(text: &str) {
    let _ = io::stderr().lock().write_all(text.as_bytes());
}
