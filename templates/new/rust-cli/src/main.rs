//! {{ name }}: counts lines, words and bytes of files or standard input. See `{{ name }} --help`.

use std::ffi::OsString;
use std::io;
use std::process::ExitCode;

use {{ crate }}::{EXIT_INPUT, NAME, run};

fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    let (stdin, stdout, stderr) = (io::stdin(), io::stdout(), io::stderr());
    match run(
        &args,
        &mut stdin.lock(),
        &mut stdout.lock(),
        &mut stderr.lock(),
    ) {
        Ok(status) => ExitCode::from(status),
        // A reader of the output that went away (`| head`) is no failure of the tool.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{NAME}: {e}");
            ExitCode::from(EXIT_INPUT)
        }
    }
}
