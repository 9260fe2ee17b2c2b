//! `MULTIARCH.md`: every command it names is one the generated Makefile or scripts provide, in every example and
//! in the configs that rename, drop or add outputs; its diagrams are well formed; it follows `[output]`.

use mkmulti::render::GeneratedFile;
use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};

use crate::util;

/// Every command of the guide: each code span, and each line of a `sh` code block.
fn commands(guide: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut in_sh = false;
    for event in Parser::new(guide) {
        match event {
            Event::Code(code) => found.push(code.to_string()),
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(lang))) => in_sh = &*lang == "sh",
            Event::End(TagEnd::CodeBlock) => in_sh = false,
            Event::Text(text) if in_sh => found.extend(text.lines().map(str::to_string)),
            _ => {}
        }
    }
    found
}

/// The targets a Makefile defines: the names before the `:` of each rule line (not recipes, not variable
/// assignments, not special targets such as `.PHONY`).
fn make_targets(makefile: &str) -> Vec<String> {
    let mut targets = Vec::new();
    for line in makefile.lines() {
        if line.starts_with('\t') || line.starts_with('#') {
            continue;
        }
        let Some(colon) = line.find(':') else { continue };
        let (names, rest) = line.split_at(colon);
        if rest.starts_with(":=") || rest.starts_with("::=") || names.contains(['=', '$', '(']) {
            continue;
        }
        targets.extend(names.split_whitespace().filter(|n| !n.starts_with('.')).map(str::to_string));
    }
    targets
}

/// The variables a Makefile assigns (`NAME ?=`, `NAME :=`, `NAME =`).
fn make_variables(makefile: &str) -> Vec<String> {
    makefile
        .lines()
        .filter_map(|l| l.split_once('=').map(|(name, _)| name.trim_end_matches([' ', '?', ':']).to_string()))
        .filter(|name| !name.is_empty() && name.chars().all(|c| c.is_ascii_uppercase() || c == '_'))
        .collect()
}

/// Checks every `make ...` and `scripts/...` command of the guide in `files` against the other files; returns
/// what does not exist.
fn missing_commands(files: &[GeneratedFile], makefile_path: &str) -> Vec<String> {
    let guide = &files.iter().find(|f| f.path == "MULTIARCH.md").expect("a guide").contents;
    let makefile = files.iter().find(|f| f.path == makefile_path).map(|f| f.contents.as_str());
    let targets = makefile.map(make_targets).unwrap_or_default();
    let variables = makefile.map(make_variables).unwrap_or_default();
    let mut missing = Vec::new();
    for command in commands(guide) {
        let words: Vec<&str> = command.split_whitespace().collect();
        if words.first() == Some(&"make") {
            if makefile.is_none() {
                missing.push(format!("{command}: no Makefile is generated"));
                continue;
            }
            let mut rest = &words[1..];
            if rest.first() == Some(&"-f") {
                if rest.get(1) != Some(&makefile_path) {
                    missing.push(format!("{command}: the Makefile is {makefile_path}"));
                }
                rest = &rest[2..];
            } else if makefile_path != "Makefile" {
                missing.push(format!("{command}: plain `make` reads no {makefile_path}"));
            }
            if rest.is_empty() {
                missing.push(format!("{command}: names no target"));
            }
            for word in rest {
                match word.split_once('=') {
                    Some((var, _)) if !variables.iter().any(|v| v == var) => {
                        missing.push(format!("{command}: the Makefile has no variable {var}"))
                    }
                    Some(_) => {}
                    None if !targets.iter().any(|t| t == word) => {
                        missing.push(format!("{command}: the Makefile has no target {word}"))
                    }
                    None => {}
                }
            }
        }
        for word in &words {
            if let Some(at) = word.find("scripts/") {
                let path = word[at..].trim_end_matches(['`', '.', ',', ';', ':']);
                if !files.iter().any(|f| f.path == path && f.executable) {
                    missing.push(format!("{command}: no generated script {path}"));
                }
            }
        }
    }
    missing
}

/// The Makefile and the scripts as a config writes them, with the guide.
fn render(config: &str) -> (Vec<GeneratedFile>, mkmulti::plan::Plan) {
    let Ok(loaded) = mkmulti::load_str(config, "multiarch.toml", "multiarch.toml") else { panic!("valid: {config}") };
    (mkmulti::render::render(&loaded.plan), loaded.plan)
}

const ONE_APP: &str = "[project]\nname = \"p\"\n[registry]\nhost = \"ghcr.io\"\nnamespace = \"acme\"\n\
                       [[app]]\nname = \"a\"\nlanguage = \"go\"\n";

#[test]
fn every_command_in_every_guide_is_one_the_outputs_provide() {
    let mut checked = 0;
    for dir in util::examples() {
        let plan = util::load(&dir.join("multiarch.toml")).plan;
        let files = mkmulti::render::render(&plan);
        let missing = missing_commands(&files, &plan.output.makefile_path);
        assert!(missing.is_empty(), "{}: {missing:#?}", dir.display());
        checked += 1;
    }
    let variants = [
        "[output]\nmakefile-path = \"docker.mk\"\n",
        "[output]\nscripts = false\n",
        "[output]\nmakefile = false\n",
        "[output]\nmakefile = false\nscripts = false\nworkflow = false\ncompose = false\nbake = true\n",
    ];
    for variant in variants {
        let (files, plan) = render(&format!("{ONE_APP}{variant}"));
        let missing = missing_commands(&files, &plan.output.makefile_path);
        assert!(missing.is_empty(), "{variant}: {missing:#?}");
        let guide = &files.iter().find(|f| f.path == "MULTIARCH.md").unwrap().contents;
        let commands = commands(guide);
        let makes = commands.iter().filter(|c| c.starts_with("make ")).count();
        assert_eq!(makes > 0, plan.output.makefile, "{variant}");
        let scripts = commands.iter().filter(|c| c.contains("scripts/")).count();
        assert_eq!(scripts > 0, plan.output.scripts, "{variant}");
        checked += 1;
    }
    assert!(checked >= 9);
}

/// The check above fails on a guide naming a target, variable, Makefile or script that is not generated.
#[test]
fn the_command_check_finds_what_does_not_exist() {
    let (files, plan) = render(ONE_APP);
    let broken = |from: &str, to: &str| {
        let mut files = files.clone();
        let guide = files.iter_mut().find(|f| f.path == "MULTIARCH.md").unwrap();
        assert!(guide.contents.contains(from), "{from}");
        guide.contents = guide.contents.replace(from, to);
        missing_commands(&files, &plan.output.makefile_path)
    };
    assert!(broken("`make docker-inspect`", "`make docker-inspect-x`")[0].contains("no target docker-inspect-x"));
    assert!(broken("`make docker-inspect`", "`make -f docker.mk docker-inspect`")[0].contains("the Makefile is"));
    assert!(broken("`make docker-inspect`", "`make docker-inspect NOPE=1`")[0].contains("no variable NOPE"));
    assert!(broken("./scripts/validate-multiarch.sh", "./scripts/check.sh")[0].contains("no generated script"));
    let without_makefile: Vec<GeneratedFile> = files.iter().filter(|f| f.path != "Makefile").cloned().collect();
    assert!(!missing_commands(&without_makefile, "Makefile").is_empty());
}

/// The guide's words about the builder and the archives are the Makefile's defaults.
#[test]
fn the_builder_and_archive_directory_are_the_makefiles() {
    for dir in util::examples() {
        let plan = util::load(&dir.join("multiarch.toml")).plan;
        let files = mkmulti::render::render(&plan);
        let file = |path: &str| &files.iter().find(|f| f.path == path).unwrap().contents;
        let (guide, makefile) = (file("MULTIARCH.md"), file(&plan.output.makefile_path));
        let builder = format!("`{}-builder`", plan.project.name);
        assert!(guide.contains(&builder), "{}", dir.display());
        assert!(makefile.contains(&format!("\nBUILDER_NAME ?= {}\n", builder.trim_matches('`'))));
        assert!(guide.contains("`dist/<app>.oci.tar`") && makefile.contains("\nOCI_DIR ?= dist\n"));
    }
}

/// Each app's diagram: a `flowchart` whose every edge joins nodes it declares, one subgraph for the build
/// machine and one for the target, and the image last.
#[test]
fn every_diagram_declares_the_nodes_its_edges_join() {
    for dir in util::examples() {
        let plan = util::load(&dir.join("multiarch.toml")).plan;
        let files = mkmulti::render::render(&plan);
        let guide = &files.iter().find(|f| f.path == "MULTIARCH.md").unwrap().contents;
        let mut diagrams = Vec::new();
        let mut current: Option<String> = None;
        for event in Parser::new(guide) {
            match event {
                Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(lang))) if &*lang == "mermaid" => {
                    current = Some(String::new())
                }
                Event::Text(text) => {
                    if let Some(d) = current.as_mut() {
                        d.push_str(&text)
                    }
                }
                Event::End(TagEnd::CodeBlock) => diagrams.extend(current.take()),
                _ => {}
            }
        }
        assert_eq!(diagrams.len(), plan.apps.len(), "{}", dir.display());
        for diagram in diagrams {
            assert!(diagram.starts_with("flowchart LR\n"), "{diagram}");
            assert_eq!(diagram.matches("\n  subgraph ").count(), 2, "{diagram}");
            let declared: Vec<&str> = diagram
                .lines()
                .filter_map(|l| l.trim_start().split_once(['[', '(']).map(|(id, _)| id))
                .filter(|id| !id.contains(' '))
                .collect();
            for edge in diagram.lines().filter(|l| l.contains(" --> ")) {
                let (from, to) = edge.trim().split_once(" --> ").unwrap();
                assert!(declared.contains(&from) && declared.contains(&to), "{edge} in {diagram}");
            }
            assert!(diagram.trim_end().ends_with("--> image"), "{diagram}");
        }
    }
}

/// `multiarch-md = false` writes no guide; a description that is Markdown stays text.
#[test]
fn the_guide_follows_its_switch_and_escapes_the_description() {
    let (files, _) = render(&format!("{ONE_APP}[output]\nmultiarch-md = false\n"));
    assert!(!files.iter().any(|f| f.path == "MULTIARCH.md"));
    let config = ONE_APP.replace("name = \"p\"\n", "name = \"p\"\ndescription = \"# Title <b>x</b> [l](u) | `c`\"\n");
    let (files, _) = render(&config);
    let guide = &files.iter().find(|f| f.path == "MULTIARCH.md").unwrap().contents;
    let headings = Parser::new(guide).filter(|e| matches!(e, Event::Start(Tag::Heading { .. }))).count();
    let (plain, _) = render(ONE_APP);
    let plain = &plain.iter().find(|f| f.path == "MULTIARCH.md").unwrap().contents;
    assert_eq!(headings, Parser::new(plain).filter(|e| matches!(e, Event::Start(Tag::Heading { .. }))).count());
    assert!(!Parser::new(guide).any(|e| matches!(e, Event::InlineHtml(_) | Event::Start(Tag::Link { .. }))));
}
