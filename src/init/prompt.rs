//! The questions `mkmulti init` asks on a terminal, the way `docker init` does: the registry, each app's ports,
//! the platforms, and whether to write a missing `Cargo.lock`. Each has a flag (`--registry`, `--port`,
//! `--platforms`, `--no-lockfile`); a question whose flag was given is not asked, and an empty answer takes the
//! default shown, which is what detection found (or the config's default).
//!
//! `questions` (which questions, with which defaults) and `answer` (what a typed line means) are pure; `ask`
//! does the reading and writing, through any reader and writer, so tests feed it answers without a terminal.

use std::io::{self, BufRead, Write};

use super::lockfile::{Lockfile, Skip};
use super::{DetectedProject, ports, registry};
use crate::config::{Language, Runtime, defaults};
use crate::images;

/// Where `ask` reads answers and writes questions: stdin and stderr on a terminal, buffers in tests.
pub struct Terminal<'a> {
    pub input: &'a mut dyn BufRead,
    pub output: &'a mut dyn Write,
}

/// Which flags were given: their questions are not asked.
#[derive(Debug, Clone, Copy, Default)]
pub struct Flags {
    pub registry: bool,
    pub ports: bool,
    pub platforms: bool,
}

/// What a question is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Topic {
    Registry,
    /// The ports of the app at this index of `DetectedProject::apps`.
    Ports(usize),
    /// The platforms, which the default runtime of this language must publish.
    Platforms(Language),
    Lockfile,
}

/// One question, with the answer an empty line gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    pub topic: Topic,
    pub text: String,
    pub default: String,
}

/// A parsed answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    Registry(Option<registry::DetectedRegistry>),
    Ports(Vec<u16>),
    /// `None`: the default platforms.
    Platforms(Option<Vec<String>>),
    Lockfile(bool),
}

/// What the registry answer shows when nothing was detected: the config then builds locally.
const NO_REGISTRY: &str = "none";

/// Where an answered value came from, for the scaffold's comment.
const ANSWERED: &str = "your answer to `mkmulti init`";

/// The questions to ask about this project, in order, each with its default.
pub fn questions(project: &DetectedProject, flags: Flags, lockfile: &Lockfile) -> Vec<Question> {
    let mut out = Vec::new();
    if !flags.registry {
        out.push(Question {
            topic: Topic::Registry,
            text: "Registry to push the images to, HOST/NAMESPACE (none: build locally only)".into(),
            default: project.registry.as_ref().map_or_else(|| NO_REGISTRY.to_string(), |r| r.as_flag()),
        });
    }
    if !flags.ports {
        for (i, app) in project.apps.iter().enumerate() {
            let origin = app.ports_from.as_deref().map(|f| format!(", {f}")).unwrap_or_default();
            out.push(Question {
                topic: Topic::Ports(i),
                text: format!("Ports app `{}` listens on (comma-separated, or none{origin})", app.name),
                default: ports::show_list(&app.ports),
            });
        }
    }
    if !flags.platforms {
        let current = project
            .platforms
            .as_ref()
            .map_or_else(|| defaults::PLATFORMS.iter().map(|p| p.to_string()).collect(), |(p, _)| p.clone());
        out.push(Question {
            topic: Topic::Platforms(project.language),
            text: "Platforms to build (comma-separated)".into(),
            default: current.join(","),
        });
    }
    if matches!(lockfile, Lockfile::Generate { .. }) {
        out.push(Question {
            topic: Topic::Lockfile,
            text: "No Cargo.lock (the image build uses --locked): write it with `cargo generate-lockfile`?".into(),
            default: "Y/n".into(),
        });
    }
    out
}

/// What a typed line (without its newline) means for a question; an empty line is the default.
pub fn answer(question: &Question, line: &str) -> Result<Answer, String> {
    let line = line.trim();
    let text = if line.is_empty() { question.default.as_str() } else { line };
    match question.topic {
        Topic::Registry if text == NO_REGISTRY => Ok(Answer::Registry(None)),
        Topic::Registry => registry::from_flag(text)
            .map(|r| Answer::Registry(Some(registry::DetectedRegistry { from: ANSWERED.into(), ..r }))),
        Topic::Ports(_) => ports::parse_list(text).map(Answer::Ports),
        Topic::Platforms(language) => {
            platforms(&text.split(',').map(str::to_string).collect::<Vec<_>>(), language).map(Answer::Platforms)
        }
        Topic::Lockfile => match text.to_ascii_lowercase().as_str() {
            "y/n" | "y" | "yes" => Ok(Answer::Lockfile(true)),
            "n" | "no" => Ok(Answer::Lockfile(false)),
            _ => Err("answer y or n".into()),
        },
    }
}

/// Checks a platform list (`--platforms` or an answer) and writes it in OCI form; `None` when it is the default.
/// Every platform must be one the runtime the scaffold gets (the language's default) is published for, since
/// `generate` refuses the others.
pub fn platforms(list: &[String], language: Language) -> Result<Option<Vec<String>>, String> {
    let base = images::runtime_base(Runtime::Distroless, language == Language::Rust);
    let mut out: Vec<String> = Vec::new();
    for item in list.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        let parsed = crate::platform::parse(item).map_err(|e| format!("`{item}`: {e}"))?;
        let oci = parsed.info.oci.to_string();
        if !base.platforms.contains(&oci.as_str()) {
            return Err(format!(
                "`{item}`: the default runtime {} is not published for {oci}; it has {}",
                base.image.unwrap_or("scratch"),
                base.platforms.join(", ")
            ));
        }
        if !out.contains(&oci) {
            out.push(oci);
        }
    }
    if out.is_empty() {
        return Err("name at least one platform, like linux/amd64,linux/arm64".into());
    }
    Ok((out != defaults::PLATFORMS).then_some(out))
}

/// Applies an answer to the project (and the lock file plan). An answer equal to the default changes nothing,
/// so what detection found keeps its note (`detected in ...`).
pub fn apply(question: &Question, answer: Answer, project: &mut DetectedProject, lockfile: &mut Lockfile) {
    match answer {
        Answer::Registry(r) => {
            if r.as_ref().map(|r| r.as_flag()).as_deref().unwrap_or(NO_REGISTRY) != question.default {
                project.registry = r;
            }
        }
        Answer::Ports(list) => {
            if let (Topic::Ports(i), false) = (question.topic, ports::show_list(&list) == question.default) {
                let app = &mut project.apps[i];
                app.ports_from = (!list.is_empty()).then(|| format!("from {ANSWERED}"));
                app.ports = list;
            }
        }
        Answer::Platforms(list) => {
            project.platforms = list.map(|p| (p, format!("from {ANSWERED}")));
        }
        Answer::Lockfile(false) => *lockfile = Lockfile::Skip(Skip::Declined),
        Answer::Lockfile(true) => {}
    }
}

/// Asks each question on the terminal until its answer is valid, and applies it. At the end of the input
/// (Ctrl-D), every remaining question takes its default.
pub fn ask(
    terminal: &mut Terminal,
    questions: &[Question],
    project: &mut DetectedProject,
    lockfile: &mut Lockfile,
) -> io::Result<()> {
    let mut ended = false;
    for question in questions {
        loop {
            let mut line = String::new();
            if !ended {
                write!(terminal.output, "? {} [{}]: ", question.text, question.default)?;
                terminal.output.flush()?;
                if terminal.input.read_line(&mut line)? == 0 {
                    ended = true;
                    writeln!(terminal.output)?;
                }
            }
            match answer(question, &line) {
                Ok(a) => {
                    apply(question, a, project, lockfile);
                    break;
                }
                Err(why) if !ended => writeln!(terminal.output, "  {why}")?,
                // Without input, a default that does not parse keeps what detection found.
                Err(_) => break,
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::*;
    use crate::config::Language;
    use crate::init::{DetectedApp, DetectedRegistry};

    fn project() -> DetectedProject {
        let mut p = crate::init::starting_point(Path::new("demo"), Language::Rust);
        p.apps = vec![
            DetectedApp {
                name: "api".into(),
                bin: "api".into(),
                ports: vec![3000],
                ports_from: Some("detected in src/main.rs:4".into()),
                ..DetectedApp::default()
            },
            DetectedApp { name: "jobs".into(), bin: "jobs".into(), ..DetectedApp::default() },
        ];
        p.registry = Some(DetectedRegistry {
            host: "ghcr.io".into(),
            namespace: Some("acme".into()),
            from: "the git remote origin".into(),
        });
        p
    }

    fn generate() -> Lockfile {
        Lockfile::Generate { cargo: PathBuf::from("/bin/cargo") }
    }

    #[test]
    fn the_questions_default_to_what_detection_found_and_skip_what_flags_said() {
        let all = questions(&project(), Flags::default(), &generate());
        let asked: Vec<(Topic, &str)> = all.iter().map(|q| (q.topic, q.default.as_str())).collect();
        assert_eq!(
            asked,
            [
                (Topic::Registry, "ghcr.io/acme"),
                (Topic::Ports(0), "3000"),
                (Topic::Ports(1), "none"),
                (Topic::Platforms(Language::Rust), "linux/amd64,linux/arm64,linux/arm/v7"),
                (Topic::Lockfile, "Y/n"),
            ]
        );
        assert!(all[1].text.contains("`api`") && all[1].text.contains("detected in src/main.rs:4"), "{}", all[1].text);

        let flags = Flags { registry: true, ports: true, platforms: true };
        assert!(questions(&project(), flags, &Lockfile::Skip(Skip::Flag)).is_empty());

        let mut local = project();
        local.registry = None;
        assert_eq!(questions(&local, Flags::default(), &Lockfile::NotNeeded)[0].default, "none");
    }

    #[test]
    fn answers_are_parsed_and_an_empty_line_is_the_default() {
        let qs = questions(&project(), Flags::default(), &generate());
        let registry = answer(&qs[0], "").unwrap();
        assert!(matches!(&registry, Answer::Registry(Some(r)) if r.as_flag() == "ghcr.io/acme"));
        assert!(matches!(answer(&qs[0], "none"), Ok(Answer::Registry(None))));
        assert!(answer(&qs[0], "ghcr.io/Acme").unwrap_err().contains("lowercase"));
        assert_eq!(answer(&qs[1], " 8080, 9090 "), Ok(Answer::Ports(vec![8080, 9090])));
        assert_eq!(answer(&qs[2], ""), Ok(Answer::Ports(vec![])));
        assert!(answer(&qs[1], "http").is_err());
        assert_eq!(
            answer(&qs[3], "amd64, aarch64"),
            Ok(Answer::Platforms(Some(vec!["linux/amd64".into(), "linux/arm64".into()])))
        );
        assert_eq!(answer(&qs[3], ""), Ok(Answer::Platforms(None)), "the default list stays the default");
        assert!(answer(&qs[3], "linux/arm/v8").is_err());
        let unpublished = answer(&qs[3], "amd64,riscv64").unwrap_err();
        assert!(unpublished.contains("cc-debian12:nonroot is not published for linux/riscv64"), "{unpublished}");
        assert_eq!(answer(&qs[4], ""), Ok(Answer::Lockfile(true)));
        assert_eq!(answer(&qs[4], "N"), Ok(Answer::Lockfile(false)));
        assert!(answer(&qs[4], "maybe").is_err());
    }

    #[test]
    fn ask_reads_lines_reasks_on_a_bad_answer_and_applies_them() {
        let mut p = project();
        let mut lockfile = generate();
        let qs = questions(&p, Flags::default(), &lockfile);
        let mut input: &[u8] = b"registry.example.com/team\nhttp\n8080\n\narm64\nn\n";
        let mut output = Vec::new();
        let mut terminal = Terminal { input: &mut input, output: &mut output };
        ask(&mut terminal, &qs, &mut p, &mut lockfile).unwrap();
        let shown = String::from_utf8(output).unwrap();
        assert!(shown.starts_with("? Registry to push the images to"), "{shown}");
        assert!(shown.contains("[ghcr.io/acme]: "), "{shown}");
        assert_eq!(shown.matches("? Ports app `api`").count(), 2, "asked again after `http`: {shown}");
        assert!(shown.contains("  `http` is not a port"), "{shown}");

        let r = p.registry.as_ref().unwrap();
        assert_eq!(
            (r.as_flag().as_str(), r.from.as_str()),
            ("registry.example.com/team", "your answer to `mkmulti init`")
        );
        assert_eq!(
            (p.apps[0].ports.as_slice(), p.apps[0].ports_from.as_deref()),
            (&[8080][..], Some("from your answer to `mkmulti init`"))
        );
        assert_eq!(p.apps[1].ports, Vec::<u16>::new());
        assert_eq!(p.platforms.as_ref().map(|(l, _)| l.clone()), Some(vec!["linux/arm64".to_string()]));
        assert_eq!(lockfile, Lockfile::Skip(Skip::Declined));
    }

    #[test]
    fn the_end_of_input_takes_every_remaining_default() {
        let mut p = project();
        let before = p.clone();
        let mut lockfile = generate();
        let qs = questions(&p, Flags::default(), &lockfile);
        let mut input: &[u8] = b"\n";
        let mut output = Vec::new();
        ask(&mut Terminal { input: &mut input, output: &mut output }, &qs, &mut p, &mut lockfile).unwrap();
        assert_eq!(p, before, "defaults change nothing; detection keeps its notes");
        assert_eq!(lockfile, generate());
        assert_eq!(String::from_utf8(output).unwrap().matches("? ").count(), 2, "asked once more, then EOF");
    }
}
