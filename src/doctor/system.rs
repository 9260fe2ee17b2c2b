//! The machine as `doctor` sees it: the [`System`] trait every probe goes through, [`RealSystem`] that asks this
//! machine, and running `docker` with its output captured and a timeout.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::Duration;

use wait_timeout::ChildExt as _;

/// How long one `docker` call may take; `inspect --bootstrap` may start a builder and pull `moby/buildkit`.
const TIMEOUT: Duration = Duration::from_secs(120);

/// What one `docker` call answered.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reply {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Reply {
    /// The line that says what went wrong: buildx's last `ERROR:` line (a failed bootstrap prints its progress
    /// log first), else the first line.
    pub(super) fn error_line(&self) -> String {
        let text = if self.stderr.trim().is_empty() { &self.stdout } else { &self.stderr };
        let lines: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
        lines.iter().rev().find(|l| l.starts_with("ERROR:")).or(lines.first()).map_or("no output", |l| l).to_string()
    }
}

/// Why a `docker` call gave no reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunError {
    /// There is no `docker` on PATH.
    NotFound,
    TimedOut,
    Other(String),
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunError::NotFound => f.write_str("docker is not on PATH"),
            RunError::TimedOut => write!(f, "no answer in {} s", TIMEOUT.as_secs()),
            RunError::Other(m) => f.write_str(m),
        }
    }
}

/// The machine as `doctor` sees it. [`RealSystem`] asks the real one; tests answer from tables.
pub trait System {
    /// Runs `docker ARGS`.
    fn docker(&self, args: &[&str]) -> Result<Reply, RunError>;
    /// The text of a kernel binfmt_misc entry such as `qemu-aarch64`; `None` where absent or not Linux.
    fn binfmt_entry(&self, name: &str) -> Option<String>;
    fn env(&self, key: &str) -> Option<String>;
    /// This machine's architecture as `std::env::consts::ARCH` spells it.
    fn arch(&self) -> &str;
    /// This machine's operating system as `std::env::consts::OS` spells it.
    fn os(&self) -> &str;
}

/// The real machine.
pub struct RealSystem;

impl System for RealSystem {
    fn docker(&self, args: &[&str]) -> Result<Reply, RunError> {
        run_with_timeout("docker", args, TIMEOUT)
    }

    fn binfmt_entry(&self, name: &str) -> Option<String> {
        if cfg!(target_os = "linux") {
            std::fs::read_to_string(std::path::Path::new("/proc/sys/fs/binfmt_misc").join(name)).ok()
        } else {
            None
        }
    }

    fn env(&self, key: &str) -> Option<String> {
        std::env::var(key).ok()
    }

    fn arch(&self) -> &str {
        // `powerpc64` names both byte orders; only the little-endian one is a platform mkmulti builds.
        if cfg!(all(target_arch = "powerpc64", target_endian = "little")) { "ppc64le" } else { std::env::consts::ARCH }
    }

    fn os(&self) -> &str {
        std::env::consts::OS
    }
}

/// Runs a command with its output captured, killing it after `timeout`. The readers are not joined on timeout:
/// a plugin the killed CLI started may still hold the pipes open.
fn run_with_timeout(program: &str, args: &[&str], timeout: Duration) -> Result<Reply, RunError> {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => RunError::NotFound,
            _ => RunError::Other(format!("cannot run {program}: {e}")),
        })?;
    let reader = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            if let Some(mut p) = pipe {
                let mut bytes = Vec::new();
                let _ = p.read_to_end(&mut bytes);
                text = String::from_utf8_lossy(&bytes).into_owned();
            }
            text
        })
    };
    let stdout = reader(child.stdout.take().map(|p| Box::new(p) as Box<dyn Read + Send>));
    let stderr = reader(child.stderr.take().map(|p| Box::new(p) as Box<dyn Read + Send>));
    let status = match child.wait_timeout(timeout) {
        Ok(Some(status)) => status,
        Ok(None) => {
            let _ = child.kill();
            let _ = child.wait();
            return Err(RunError::TimedOut);
        }
        Err(e) => return Err(RunError::Other(format!("waiting for {program}: {e}"))),
    };
    Ok(Reply {
        code: status.code().unwrap_or(-1),
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use super::*;

    #[cfg(unix)]
    #[test]
    fn the_real_runner_captures_output_and_stops_at_the_timeout() {
        let r = run_with_timeout("sh", &["-c", "echo out; echo err >&2; exit 3"], Duration::from_secs(10));
        assert_eq!(r, Ok(Reply { code: 3, stdout: "out\n".into(), stderr: "err\n".into() }));
        let started = Instant::now();
        assert_eq!(
            run_with_timeout("sh", &["-c", "exec sleep 5"], Duration::from_millis(100)),
            Err(RunError::TimedOut)
        );
        assert!(started.elapsed() < Duration::from_secs(4));
        assert_eq!(run_with_timeout("mkmulti-no-such-program", &[], Duration::from_secs(1)), Err(RunError::NotFound));
    }
}
