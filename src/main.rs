use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // clap exits with 2 on usage errors, which matches mkmulti's "invalid config or usage" code.
    mkmulti::cli::run(mkmulti::cli::Cli::parse())
}
