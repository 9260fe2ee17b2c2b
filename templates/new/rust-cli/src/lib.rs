//! What the tool does, apart from the process: count lines, words and bytes of readers, and the command line
//! as a function of its arguments, input and outputs, so tests can run it without a process.

use std::env::consts::{ARCH, OS};
use std::ffi::OsString;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::ops::AddAssign;

/// The package's name, version and description, from Cargo.toml.
pub const NAME: &str = env!("CARGO_PKG_NAME");
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
pub const DESCRIPTION: &str = env!("CARGO_PKG_DESCRIPTION");

/// Exit statuses: success, an input that could not be read, a command line that makes no sense.
pub const EXIT_OK: u8 = 0;
pub const EXIT_INPUT: u8 = 1;
pub const EXIT_USAGE: u8 = 2;

/// `NAME VERSION (OS/ARCH)`, e.g. `my-tool 0.1.0 (linux/aarch64)`: what `--version` prints.
pub fn version_line() -> String {
    format!("{NAME} {VERSION} ({OS}/{ARCH})")
}

pub fn usage() -> String {
    format!(
        "{DESCRIPTION}\n\n\
         usage: {NAME} [FILE...]   count lines, words and bytes of each FILE (none or `-`: standard input)\n       \
         {NAME} --version | --help"
    )
}

/// Lines (newline characters), words (runs of bytes that are not ASCII whitespace) and bytes.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub lines: u64,
    pub words: u64,
    pub bytes: u64,
}

impl AddAssign for Counts {
    fn add_assign(&mut self, other: Counts) {
        self.lines += other.lines;
        self.words += other.words;
        self.bytes += other.bytes;
    }
}

/// Counts everything `input` yields, reading it in buffer-sized pieces: a word split between two reads is
/// counted once.
pub fn count(input: impl Read) -> io::Result<Counts> {
    let mut reader = BufReader::new(input);
    let mut counts = Counts::default();
    let mut in_word = false;
    loop {
        let buffer = reader.fill_buf()?;
        if buffer.is_empty() {
            return Ok(counts);
        }
        for &byte in buffer {
            if byte == b'\n' {
                counts.lines += 1;
            }
            let space = byte.is_ascii_whitespace();
            if !space && !in_word {
                counts.words += 1;
            }
            in_word = !space;
        }
        let read = buffer.len();
        counts.bytes += read as u64;
        reader.consume(read);
    }
}

fn write_counts(out: &mut dyn Write, counts: Counts, label: Option<&str>) -> io::Result<()> {
    let Counts {
        lines,
        words,
        bytes,
    } = counts;
    match label {
        Some(label) => writeln!(out, "{lines} {words} {bytes} {label}"),
        None => writeln!(out, "{lines} {words} {bytes}"),
    }
}

/// The command line: `args` without the program name. Counts go to `out` (one line per input, `LINES WORDS
/// BYTES NAME`, and a `total` line for more than one), errors to `err`; returns the exit status. An input that
/// cannot be read is reported and the others are still counted.
pub fn run(
    args: &[OsString],
    stdin: &mut dyn Read,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<u8> {
    let mut inputs: Vec<&OsString> = Vec::new();
    let mut options_end = false;
    for arg in args {
        match arg.to_str() {
            _ if options_end => inputs.push(arg),
            Some("--") => options_end = true,
            Some("--version" | "-V") => {
                writeln!(out, "{}", version_line())?;
                return Ok(EXIT_OK);
            }
            Some("--help" | "-h") => {
                writeln!(out, "{}", usage())?;
                return Ok(EXIT_OK);
            }
            Some(option) if option.starts_with('-') && option != "-" => {
                writeln!(err, "{NAME}: unknown option {option}\n{}", usage())?;
                return Ok(EXIT_USAGE);
            }
            _ => inputs.push(arg),
        }
    }

    if inputs.is_empty() {
        write_counts(out, count(stdin)?, None)?;
        return Ok(EXIT_OK);
    }
    let mut status = EXIT_OK;
    let mut total = Counts::default();
    for input in &inputs {
        let label = input.to_string_lossy();
        let counted = if *input == "-" {
            count(&mut *stdin)
        } else {
            File::open(input).and_then(count)
        };
        match counted {
            Ok(counts) => {
                write_counts(out, counts, Some(&label))?;
                total += counts;
            }
            Err(e) => {
                writeln!(err, "{NAME}: {label}: {e}")?;
                status = EXIT_INPUT;
            }
        }
    }
    if inputs.len() > 1 {
        write_counts(out, total, Some("total"))?;
    }
    Ok(status)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs the command line on `args` with `stdin`: exit status, stdout, stderr.
    fn run_with(args: &[&str], stdin: &str) -> (u8, String, String) {
        let args: Vec<OsString> = args.iter().map(OsString::from).collect();
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let status =
            run(&args, &mut stdin.as_bytes(), &mut out, &mut err).expect("writing to memory");
        (
            status,
            String::from_utf8(out).expect("UTF-8"),
            String::from_utf8(err).expect("UTF-8"),
        )
    }

    #[test]
    fn counts_lines_words_and_bytes() {
        let counts = count("one two\n  three\n\nfour".as_bytes()).expect("reading memory");
        assert_eq!(
            counts,
            Counts {
                lines: 3,
                words: 4,
                bytes: 21
            }
        );
        assert_eq!(count(&b""[..]).expect("reading memory"), Counts::default());
    }

    #[test]
    fn a_word_split_between_reads_counts_once() {
        // A reader that hands out one byte per read.
        struct Trickle<'a>(&'a [u8]);
        impl Read for Trickle<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                let Some((first, rest)) = self.0.split_first() else {
                    return Ok(0);
                };
                buf[0] = *first;
                self.0 = rest;
                Ok(1)
            }
        }
        let counts = count(Trickle(b"split words\n")).expect("reading memory");
        assert_eq!(
            counts,
            Counts {
                lines: 1,
                words: 2,
                bytes: 12
            }
        );
    }

    #[test]
    fn standard_input_without_arguments() {
        assert_eq!(
            run_with(&[], "a b\nc\n"),
            (EXIT_OK, "2 3 6\n".to_string(), String::new())
        );
        assert_eq!(
            run_with(&["-"], "a\n"),
            (EXIT_OK, "1 1 2 -\n".to_string(), String::new())
        );
    }

    #[test]
    fn files_with_a_total_and_unreadable_ones_reported() {
        let dir = std::env::temp_dir().join(format!("{NAME}-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a temporary directory");
        let file = dir.join("words.txt");
        std::fs::write(&file, "x y z\n").expect("writing the file");
        let missing = dir.join("missing.txt");
        let (file, missing) = (
            file.to_str().expect("UTF-8"),
            missing.to_str().expect("UTF-8"),
        );

        let (status, out, err) = run_with(&[file, missing, "-"], "w\n");
        std::fs::remove_dir_all(&dir).ok();
        assert_eq!(status, EXIT_INPUT);
        assert_eq!(out, format!("1 3 6 {file}\n1 1 2 -\n2 4 8 total\n"));
        assert!(err.starts_with(&format!("{NAME}: {missing}: ")), "{err}");
    }

    #[test]
    fn version_help_and_usage_errors() {
        let (status, out, _) = run_with(&["--version"], "");
        assert_eq!(
            (status, out),
            (EXIT_OK, format!("{NAME} {VERSION} ({OS}/{ARCH})\n"))
        );
        let (status, out, _) = run_with(&["-h"], "");
        assert_eq!(status, EXIT_OK);
        assert!(out.contains(&format!("usage: {NAME} ")), "{out}");
        let (status, out, err) = run_with(&["--frobnicate"], "");
        assert_eq!((status, out.as_str()), (EXIT_USAGE, ""));
        assert!(
            err.starts_with(&format!("{NAME}: unknown option --frobnicate\n")),
            "{err}"
        );
        // After `--`, a name starting with `-` is a file.
        let (status, _, err) = run_with(&["--", "--frobnicate"], "");
        assert_eq!(status, EXIT_INPUT);
        assert!(err.starts_with(&format!("{NAME}: --frobnicate: ")), "{err}");
    }
}
