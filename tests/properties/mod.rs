//! Property tests over the config model (issue 5): every valid config renders files that parse, and a hostile
//! string in any field is either refused, naming its key path, or leaves every generated file's structure as
//! the same config with a plain string there gives.
//!
//! Configs are built as a small model ([`Config`]) and written out as TOML, so a failure prints the config it
//! failed on. The readers here are deliberately small: a Dockerfile instruction reader (continuations joined,
//! comments dropped, the way BuildKit reads them), a YAML shape, the rules GNU make itself reports, `bash -n`.
//! Values are also followed through each sink back to what the config said (Dockerfile quoting and JSON exec
//! arrays, compose `$$`, shell single quotes), since an escape that alters a value is as wrong as one that
//! breaks a file.
//!
//! The pieces, one file each:
//! - `model`: the config model (`Config`, `App`, ...) and the TOML it writes;
//! - `strategies`: the proptest strategies that build valid configs;
//! - `hostile`: hostile strings, the fields they go into, and the base configs that carry them;
//! - `rendered`: loading a config, the checks of a whole rendered set, and each file's structure;
//! - `dockerfile`: the Dockerfile instruction reader and the checks of an app's Dockerfile;
//! - `yaml`: the YAML reader and shape, and the checks of `compose.yaml` and the workflow;
//! - `make_shell`: the rules GNU make reads, `bash -n`, and what make recipes and scripts pass on;
//! - `checkers`: every accepted config's files pass the real standard checkers.

mod checkers;
mod dockerfile;
mod hostile;
mod make_shell;
mod model;
mod rendered;
mod strategies;
mod yaml;

use std::cell::Cell;

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::{TestCaseResult, TestRunner};

use dockerfile::{exec_form, instructions};
use hostile::{Field, PRINTABLE_ATOMS, forbidden, hostile_case};
use make_shell::make_test_call;
use rendered::{check_rendered, file, load, shapes};
use strategies::config;
use yaml::{at, compose_literal, yaml};

/// Runner settings: no regression files written into the repository, shrinking bounded (cases spawn bash and
/// make). `PROPTEST_CASES` overrides the case count, for a longer hunt than the test suite's.
fn runner(cases: u32) -> TestRunner {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(cases);
    TestRunner::new(ProptestConfig {
        cases,
        failure_persistence: None,
        max_shrink_iters: 512,
        ..ProptestConfig::default()
    })
}

fn run<S: Strategy>(cases: u32, strategy: S, test: impl Fn(S::Value) -> TestCaseResult) {
    if let Err(e) = runner(cases).run(&strategy, test) {
        panic!("{e}");
    }
}

#[test]
fn every_valid_config_renders_files_that_parse() {
    let (cases, accepted) = (Cell::new(0u32), Cell::new(0u32));
    let first_refusal = std::cell::RefCell::new(None);
    run(64, config(), |c| {
        cases.set(cases.get() + 1);
        let files = match load(&c) {
            Ok(files) => files,
            Err(messages) => {
                first_refusal.borrow_mut().get_or_insert_with(|| format!("{c:?}\n{}", messages.concat()));
                return Err(TestCaseError::reject("refused"));
            }
        };
        accepted.set(accepted.get() + 1);
        check_rendered(&c, &files);
        Ok(())
    });
    // The generator follows mkmulti's rules; a config it builds being refused is a disagreement to look at.
    assert!(
        accepted.get() * 10 >= cases.get() * 9,
        "only {} of {} generated configs were accepted; the first refused:\n{}",
        accepted.get(),
        cases.get(),
        first_refusal.borrow().as_deref().unwrap_or("")
    );
}

#[test]
fn hostile_strings_never_change_structure() {
    let (cases, rendered) = (Cell::new(0u32), Cell::new(0u32));
    run(96, hostile_case(), |(base, field, value)| {
        let mut benign = base.clone();
        field.set(&mut benign, field.benign(&base));
        let Ok(baseline) = load(&benign) else {
            return Err(TestCaseError::reject("the base config is refused"));
        };
        cases.set(cases.get() + 1);
        let mut c = base.clone();
        let paths = field.set(&mut c, value.clone());
        let bad_char = value.chars().find(|ch| forbidden(*ch));
        match load(&c) {
            Err(messages) => {
                let errors: Vec<&String> = messages.iter().filter(|m| m.starts_with("error: ")).collect();
                assert!(!errors.is_empty(), "refused without an error: {messages:?}");
                for e in &errors {
                    let about = paths.iter().any(|p| e.contains(&format!("= key: {p}\n")));
                    assert!(about, "{field:?}: an error not about {paths:?}:\n{e}");
                }
                if let Some(ch) = bad_char {
                    let named = errors.iter().any(|e| {
                        value.chars().filter(|c| forbidden(*c)).any(|c| e.contains(&format!("U+{:04X}", c as u32)))
                    });
                    assert!(named, "{field:?}: {ch:?} refused without naming its code point: {errors:?}");
                } else if value.contains("${{") {
                    assert!(errors.iter().any(|e| e.contains("`${{`")), "{errors:?}");
                } else if value.len() > mkmulti::grammar::MAX_TEXT_BYTES {
                    // Free text has a length limit: a Dockerfile line holds 64 KiB.
                    assert!(errors.iter().any(|e| e.contains("is too long")), "{errors:?}");
                } else {
                    assert!(!field.free_text(), "{field:?} is free text, yet {value:?} was refused: {errors:?}");
                }
            }
            Ok(files) => {
                assert!(bad_char.is_none(), "{field:?}: {bad_char:?} was accepted");
                assert!(!value.contains("${{"), "{field:?}: `${{{{` was accepted");
                rendered.set(rendered.get() + 1);
                let (mut before, mut after) = (shapes(&benign, &baseline), shapes(&c, &files));
                if field.names_a_file() {
                    // The file moves with the value; its structure and every other file's stay.
                    let (moved_from, moved_to) = (field.benign(&base), value.clone());
                    let shape = before.remove(&moved_from).expect("the benign path is written");
                    before.insert("<the chosen path>".into(), shape);
                    let shape = after.remove(&moved_to).expect("the chosen path is written");
                    after.insert("<the chosen path>".into(), shape);
                }
                if field == Field::Description && value.is_empty() {
                    // An empty description is no description: the label line goes, nothing else moves.
                    assert_eq!(before.keys().collect::<Vec<_>>(), after.keys().collect::<Vec<_>>());
                } else {
                    for (path, shape) in &before {
                        assert_eq!(Some(shape), after.get(path), "{field:?}: the structure of {path} changed");
                    }
                    assert_eq!(before.len(), after.len());
                }
                check_rendered(&c, &files);
            }
        }
        Ok(())
    });
    // Most hostile values are refused; enough must get through for the structure comparison to mean something.
    assert!(rendered.get() * 5 >= cases.get(), "only {} of {} hostile configs rendered", rendered.get(), cases.get());
}

/// `make docker-test-multi-<app>` is the validate script for that app, so the smoke mode, its words and its
/// time limit live in one place (the script's `check_app` words are compared with the model in `check_scripts`).
#[test]
fn make_test_targets_run_the_validate_script_for_their_app() {
    run(24, config(), |c| {
        let Ok(files) = load(&c) else { return Err(TestCaseError::reject("refused")) };
        let makefile = file(&files, c.makefile_path());
        for app in &c.apps {
            let target = format!("docker-test-multi-{}:", app.name);
            if !c.scripts {
                assert!(!makefile.contains(&target), "no script, no test target:\n{makefile}");
                continue;
            }
            let call = make_test_call(makefile, app);
            assert_eq!(call, ["registry.example.com/test", "t", "--app", app.name.as_str()], "{}", app.name);
        }
        Ok(())
    });
}

#[test]
fn exec_form_keeps_every_word_as_written() {
    let word = prop_oneof![
        2 => vec(select(PRINTABLE_ATOMS), 0..3).prop_map(|v| v.concat()),
        1 => Just(",".to_string()),
        1 => vec(select(PRINTABLE_ATOMS), 0..3).prop_map(|v| v.concat() + "\","),
    ];
    run(24, (config(), vec(word, 1..4)), |(mut c, words)| {
        c.apps[0].args = words.clone();
        let Ok(files) = load(&c) else { return Err(TestCaseError::reject("refused")) };
        let dockerfile = instructions(file(&files, &c.dockerfile(&c.apps[0])));
        let cmd = dockerfile.iter().rfind(|i| i.keyword == "CMD").expect("a CMD");
        assert_eq!(exec_form(&cmd.rest), words, "CMD {}", cmd.rest);
        Ok(())
    });
}

#[test]
fn compose_keeps_values_with_line_separators() {
    let value = vec(select(vec![" ", "a", "\u{2028}", "\u{2029}", "\\", "$"]), 1..6).prop_map(|v| v.concat());
    run(24, (config(), value), |(mut c, value)| {
        c.apps[0].compose_env.push(("LS_VALUE".into(), value.clone()));
        let Ok(files) = load(&c) else { return Err(TestCaseError::reject("refused")) };
        let doc = yaml(file(&files, "compose.yaml"));
        let got = at(&doc, &["services", &c.apps[0].name, "environment", "LS_VALUE"]).as_str();
        assert_eq!(got, Some(compose_literal(&value).as_str()));
        Ok(())
    });
}
